#!/bin/sh
# End-to-end test of scripts/diag_solo.py (per-article statistics of the
# judgement without a source, and the AUC of each) on a benchmark of the
# seed articles: 003 spun, with one spinner's word the solo scan flags
# ("query") and one it does not ("Preparations"); 001, 002 and 004 clean.
# Speaks TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$DS_TOP/tests/e2e/lib/tap.sh"
if ! command -v python3 >/dev/null 2>&1 || [ ! -x "$DESPIN" ] || [ ! -f models/scorer.bin ] \
	|| [ ! -f models/lm.bin ]; then
	echo "1..0 # SKIP python3, despin or the models missing (make models)"
	exit 0
fi
OUT=${TMPDIR:-/tmp}/ds-diag-solo.$$
trap '[ -n "${DS_KEEP:-}" ] || rm -rf "$OUT"' EXIT INT TERM
mkdir -p "$OUT/b/a"
for s in 000 001 002 003 004; do cp corpus/seeds/${s}_*.txt "$OUT/b/a/$s.txt"; done
python3 - "$OUT/b" <<'PY'
import json, os, sys
d = sys.argv[1]
def rec(f, label, domain, split, subs=()):
    return {"file": "a/%s.txt" % f, "label": label, "kind": "spin" if label == "spun" else "clean",
            "domain": domain, "split": split, "family": "wordnet" if label == "spun" else None,
            "policy": "first" if label == "spun" else None, "rate": 0.1 if label == "spun" else None,
            "source": None, "origin": "x", "substitutions": list(subs)}
truth = [{"start": 0, "end": 12, "text": "Preparations", "original": "Plans", "how": "thesaurus"},
         {"start": 437, "end": 442, "text": "query", "original": "question", "how": "thesaurus"}]
with open(os.path.join(d, "manifest.jsonl"), "w") as f:
    for r in [rec("000", "clean", "press", "train"), rec("003", "spun", "press", "train", truth),
              rec("003", "spun", "fiction", "test", truth), rec("001", "clean", "fiction", "test"),
              rec("002", "clean", "fiction", "test"), rec("004", "clean", "fiction", "test")]:
        f.write(json.dumps(r) + "\n")
PY
if python3 scripts/diag_solo.py --despin "$DESPIN" --bench "$OUT/b" --models models --domain fiction \
	--slots --scorer models/scorer.tsv \
	--corpus corpus/seeds/000_fcd469a446cc7cc8.txt --json "$OUT/rows.json" > "$OUT/out.txt" 2> "$OUT/err.txt"; then
	ok "diag_solo.py runs on a domain fold"
else
	nok "diag_solo.py runs on a domain fold"; sed 's/^/# /' "$OUT/err.txt"
fi
# expect ERE DESC: a line of the report matches ERE
expect() {
	if grep -Eq "$1" "$OUT/out.txt"; then
		ok "$2"
	else
		nok "$2"; sed 's/^/# /' "$OUT/out.txt"
	fi
}
expect '^fiction: 1 spun, 3 clean$' "the fold's test articles: the domain's spun and clean ones"
expect '^  score +1\.000 ' "the solo score ranks spun 003 above the clean seeds (AUC 1)"
expect '^  fiction +2 +0\.500 +0\.500 \| +[0-9]+ ' "slots: the two spinner's words, one with a candidate that gains over 2"
python3 - "$OUT/rows.json" "$DESPIN" > "$OUT/rows.txt" 2>&1 <<'PY'
import json, subprocess, sys
rows = {r["file"]: r for r in json.load(open(sys.argv[1]))}
r = rows["a/003.txt"]
scan = json.loads(subprocess.run([sys.argv[2], "scan", "--solo", "--all", "--format", "json",
                                  "--models", "models", "corpus/seeds/003_cc34e14e2e5a732a.txt"],
                                 stdout=subprocess.PIPE, text=True).stdout.splitlines()[0])
assert r["nflag"] == len(scan["substitutions"]), (r["nflag"], len(scan["substitutions"]))
assert abs(r["score"] - scan["score"]) < 1e-9, (r["score"], scan["score"])
assert r["n_truth"] == 2 and r["recall"] == 0.5, r
assert "recall" not in rows["a/001.txt"], rows["a/001.txt"]
assert all(0 <= x["rare"] <= 1 and 0 <= x["unk"] <= 1 for x in rows.values()), rows
for k in ("surp_c", "low_c", "rare", "unk"):
    assert all(isinstance(x[k], float) for x in rows.values()), k
PY
if [ $? -eq 0 ]; then
	ok "flags, score and the spinner's words under a flag (1 of 2) per article"
else
	nok "flags, score and the spinner's words under a flag (1 of 2) per article"; sed 's/^/# /' "$OUT/rows.txt"
fi
echo "1..$n"
