#!/bin/sh
# End-to-end test of scripts/vec_pairs.py (how well vectors relate a
# benchmark's swaps) on a manifest of two families: one whose swaps the
# shipped vectors know ("war" -> "battle"), one with a word they do not.
# Speaks TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$DS_TOP/tests/e2e/lib/tap.sh"
need_python_despin
[ -f models/vec.bin ] || skip_all "vec_pairs.py" "no models/vec.bin (make models)"
workdir vec-pairs
python3 - "$OUT/manifest.jsonl" <<'PY'
import json, sys
def spin(family, subs):
    return {"kind": "spin", "family": family, "file": "x", "substitutions":
            [{"original": o, "text": t, "start": 0, "end": 1, "how": "thesaurus"} for o, t in subs]}
with open(sys.argv[1], "w") as f:
    for r in [spin("known", [("war", "battle"), ("meeting", "assembly"), ("year", "time"),
                             ("city", "town"), ("said", "stated"), ("began", "started")]),
              spin("unknown", [("war", "xqztwar"), ("Meeting", "Assembly"), ("big apple", "large")]),
              {"kind": "clean", "family": None, "file": "y", "substitutions": []}]:
        f.write(json.dumps(r) + "\n")
PY
if python3 scripts/vec_pairs.py --despin "$DESPIN" --manifest "$OUT/manifest.jsonl" models/vec.bin \
	> "$OUT/out.txt" 2> "$OUT/err.txt"; then
	ok "vec_pairs.py runs"
else
	nok "vec_pairs.py runs"; sed 's/^/# /' "$OUT/err.txt"
fi
expect() { # ERE DESC: a line of the report matches ERE
	if grep -Eq "$1" "$OUT/out.txt"; then ok "$2"; else nok "$2"; sed 's/^/# /' "$OUT/out.txt"; fi
}
expect '^known +6 +100% +0\.[0-9]{3}$' "six single-word swaps, all known, ranked against the family's other originals"
expect '^unknown +2 +50% +(-|0\.[0-9]{3})$' "phrases left out, lower-cased once, a word without a vector not known"
python3 scripts/vec_pairs.py --despin "$DESPIN" --manifest "$OUT/manifest.jsonl" "$OUT/none.bin" \
	> /dev/null 2> "$OUT/err2.txt"
st=$?
if [ $st != 0 ] && grep -q 'none.bin' "$OUT/err2.txt"; then
	ok "a missing vectors file: an error naming it"
else
	nok "a missing vectors file: an error naming it (status $st)"; sed 's/^/# /' "$OUT/err2.txt"
fi
echo "1..$n"
