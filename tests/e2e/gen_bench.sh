#!/bin/sh
# End-to-end test of the benchmark generator (scripts/gen_bench.py, spin.py,
# roundtrip.sh) on the seed articles.  Speaks TAP.
TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 2
OUT=${TMPDIR:-/tmp}/ds-gen-bench.$$
trap 'rm -rf "$OUT"' EXIT INT TERM
mkdir -p "$OUT"
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { # name command...
	name=$1; shift
	if "$@" > "$OUT/last.log" 2>&1; then ok "$name"; else notok "$name"; sed 's/^/# /' "$OUT/last.log"; fi
}

if ! command -v python3 >/dev/null 2>&1 || [ ! -d /usr/share/wordnet ] || [ ! -f /usr/share/aiksaurus/words.dat ] \
	|| [ ! -f /usr/share/mythes/th_en_US_v2.dat ]; then
	echo "1..0 # SKIP python3 or thesaurus data missing (make deps)"
	exit 0
fi
RT=""
command -v apertium >/dev/null 2>&1 || RT=--no-roundtrip

# spinner on its own: a known swap, inflection and capitalisation
got=$(printf 'But he said the countries helped.\n' | scripts/spin.py --rate 0 --func-rate 1 --seed 3)
case "$got" in
"However he "*" the international locations"*|"However he "*" the nations"*) ok "spin.py swaps and inflects phrases" ;;
*) notok "spin.py swaps and inflects phrases"; echo "# got: $got" ;;
esac
printf 'The meeting ended.\n' | scripts/spin.py --rate 1 --func-rate 0 --thesaurus wordnet \
	--policy first --seed 1 --json "$OUT/s.json" > "$OUT/s.txt"
check "spin.py writes byte offsets that match its output" python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); b = open(sys.argv[2], "rb").read()
assert d["substitutions"], "no substitution"
for s in d["substitutions"]:
    assert b[s["start"]:s["end"]].decode() == s["text"], s
' "$OUT/s.json" "$OUT/s.txt"

# the pivot thesauri (apertium dictionaries through lt-proc)
if command -v lt-proc >/dev/null 2>&1 && [ -z "$RT" ]; then
	printf 'The team bought a house near the field.\n' | scripts/spin.py --rate 1 --func-rate 0 \
		--thesaurus pivot-spa --policy first --seed 1 --json "$OUT/p.json" > "$OUT/p.txt"
	check "spin.py swaps words through a pivot language" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["substitutions"]) >= 2, d
assert any(s["original"] == "house" for s in d["substitutions"]), d
' "$OUT/p.json"
fi
printf 'The plan failed. The plan was bad, and the plan cost much.\n' | scripts/spin.py --rate 1 \
	--func-rate 0 --thesaurus wordnet --policy random --consistent --seed 4 --json "$OUT/c.json" > /dev/null
check "spin.py --consistent uses one substitute per word" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
got = {s["text"].lower() for s in d["substitutions"] if s["original"].lower() == "plan"}
assert len(got) == 1, d
' "$OUT/c.json"

LM=""
[ -x "${DESPIN:-build/despin}" ] && [ -f models/lm.bin ] || LM=--no-lm
# the pivot thesauri are checked above (loading them takes seconds)
GEN="--src corpus/seeds --seed 5 --n 5 --article-words 0 --context-frac 1 --despin ${DESPIN:-build/despin}"
GEN="$GEN --thesauri wordnet,mythes,aiksaurus,handlist,distrib $RT $LM"
check "gen_bench.py builds a benchmark from the seeds" scripts/gen_bench.py --out "$OUT/b1" $GEN
check "gen_bench.py is deterministic for a seed" sh -c "
	scripts/gen_bench.py --out '$OUT/b2' $GEN 2>/dev/null && diff -r '$OUT/b1' '$OUT/b2'"
check "gen_partial.py stitches articles with their ground truth" \
	python3 scripts/gen_partial.py --frac 1 "$OUT/b1"

check "manifest is complete and consistent" python3 -c '
import json, os, sys
d = sys.argv[1]; rt = sys.argv[2] == ""; lm = sys.argv[3] == ""
recs = [json.loads(l) for l in open(os.path.join(d, "manifest.jsonl"))]
kinds = {}
spun = ("spin", "roundtrip", "context", "partial-spin", "partial-context")
for r in recs:
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    assert r["label"] == ("spun" if r["kind"] in spun else "clean"), r
    assert r["split"] in ("train", "test")
    assert r["domain"], r
    b = open(os.path.join(d, r["file"]), "rb").read()
    assert b, r["file"]
    for s in r["substitutions"]:
        assert b[s["start"]:s["end"]].decode() == s["text"], (r["file"], s)
    if r["kind"] == "spin":
        assert r["substitutions"] and r["thesaurus"] and r["policy"], r["file"]
        assert r["family"] == r["thesaurus"]
        assert r["rate"] in (0.05, 0.1, 0.2, 0.3, 0.4)
    if r["kind"] == "context":
        assert r["family"] == "context" and r["rate_actual"] <= r["rate"] + 0.01, r
    if r["source"]:
        assert os.path.exists(os.path.join(d, r["source"])), r["source"]
        assert b != open(os.path.join(d, r["source"]), "rb").read(), r["file"]
# 5 texts: 1 kept clean, 4 sources x (3 spins + 1 human edit, rewrite or
# republication [+ 1 round trip] [+ 1 context-aware spin]) + stitched copies
assert kinds["clean"] == 1 and kinds["spin"] == 12, kinds
assert sum(kinds.get(k, 0) for k in ("edit", "rewrite", "republish")) == 4, kinds
assert kinds.get("roundtrip", 0) == (4 if rt else 0), kinds
assert kinds.get("context", 0) == (4 if lm else 0), kinds
assert kinds.get("partial-spin", 0) >= 1, kinds
split = {}
for r in recs:
    if r["source"]:
        split.setdefault(r["source"], set()).add(r["split"])
assert all(len(v) == 1 for v in split.values()), split
assert len(os.listdir(os.path.join(d, "sources"))) == 4
' "$OUT/b1" "$RT" "$LM"

if [ -z "$RT" ]; then
	check "round trips are English without apertium marks" sh -c "
		cat '$OUT'/b1/roundtrip/*.txt | grep -q ' the ' &&
		! grep -Eq '(^|[[:space:]])[*#@][[:alpha:]]|\[\[\[' '$OUT'/b1/roundtrip/*.txt"
fi
check "unknown source is an error" sh -c "! scripts/gen_bench.py --src '$OUT/none' --out '$OUT/b3' 2>/dev/null"
# a human rewrite's British spellings are words: no "tyred", "chequeed"
# or "centreed"
check "British spellings of rewrites are words" python3 -c '
import sys
sys.path.insert(0, "scripts")
sys.dont_write_bytecode = True
import rewrite
got = rewrite.british("They were tired and checked the center, centered on a licensed program. "
                      "Honored colors, organized labor, two licenses, the catalogs.")
want = ("They were tired and checked the centre, centred on a licensed programme. "
        "Honoured colours, organised labour, two licences, the catalogues.")
assert got == want, got
'

# the evaluation's flag figures: a flag over two swaps proposes the source's
# words over its span, and that is the right original; an unchanged word
# inside the flag must read as it is
check "eval.py judges the original of a flag over several swaps" python3 -c '
import sys
sys.path.insert(0, "scripts")
sys.dont_write_bytecode = True
from eval import flag_right
text = "The accord giving aid was signed.".encode()
truth = [{"start": 4, "end": 10, "original": "treaty"}, {"start": 11, "end": 17, "original": "providing"}]
flag = {"start": 4, "end": 17, "original": "treaty providing"}
assert flag_right(flag, truth, text) == (True, True)
assert flag_right(flag, truth) == (True, False)  # without the text, parts only
assert flag_right(dict(flag, original="pact providing"), truth, text) == (True, False)
wide = {"start": 4, "end": 21, "original": "treaty providing help"}
assert flag_right(wide, truth, text) == (True, False)  # "aid" was not swapped
assert flag_right(dict(wide, original="treaty providing aid"), truth, text) == (True, True)
assert flag_right({"start": 4, "end": 10, "original": "Treaty"}, truth, text) == (True, True)
assert flag_right({"start": 22, "end": 25, "original": "is"}, truth, text) == (False, False)
'

# the evaluation's detection by share of words replaced: the words inside
# the spinner's swaps over the article's words, whatever the rate setting
check "eval.py counts the share of words a spin replaced" python3 -c '
import io, os, sys, tempfile
sys.path.insert(0, "scripts")
sys.dont_write_bytecode = True
import eval as ev
d = tempfile.mkdtemp()
def art(name, words):
    p = os.path.join(d, name)
    open(p, "w").write(" ".join(words))
    return p
a = art("a.txt", ["w"] * 99 + ["big"])
b = art("b.txt", ["w"] * 8 + ["two", "words"])
recs = {
    "a": {"path": a, "kind": "spin", "label": "spun", "rate": 0.4, "fam": {"spinner": "x"},
          "substitutions": [{"text": "big"}]},
    "b": {"path": b, "kind": "spin", "label": "spun", "rate": 0.05, "fam": {"spinner": "x"},
          "substitutions": [{"text": "two words"}]},
    "c": {"path": b, "kind": "roundtrip", "label": "spun", "fam": {"spinner": "x"},
          "substitutions": [{"text": "two"}]},
}
assert ev.replaced_share(recs["a"]) == 0.01
assert ev.replaced_share(recs["b"]) == 0.2
assert ev.replaced_share(recs["c"]) is None
fold = {"dim": "spinner", "fold": "x", "held": ["x"], "test": ["a", "b", "c"],
        "source": {"a": {"verdict": "clean"}, "b": {"verdict": "spun"}, "c": {"verdict": "spun"}}}
out = io.StringIO()
res = ev.share_report([fold], recs, "source", out)
assert res["<2%"]["pooled_n"] == 1 and res["<2%"]["pooled"] == 0, res
assert res[">=10%"]["pooled_n"] == 1 and res[">=10%"]["pooled"] == 1, res
assert res["2-5%"]["pooled_n"] == 0 and res["2-5%"]["worst"] is None, res
assert "0/1" in out.getvalue() and "1/1" in out.getvalue(), out.getvalue()
'

# where the misses lie, read back from a results file (eval.py --results):
# swaps per detected spin, the rewrites judged spun with their flags, the
# solo AUC by share replaced
check "eval_breakdown.py reads the misses from a results file" python3 -c '
import json, os, subprocess, sys, tempfile
d = tempfile.mkdtemp()
os.makedirs(os.path.join(d, "spun")); os.makedirs(os.path.join(d, "rewrite"))
def put(name, text):
    open(os.path.join(d, name), "w").write(text)
put("spun/a.txt", "The battle went on for a long time in the east.")
put("spun/b.txt", " ".join(["word"] * 30) + " battle assembly summit")
put("rewrite/r.txt", "The war went on and on in the east, hastily.")
recs = [
    {"file": "spun/a.txt", "kind": "spin", "label": "spun", "family": "wordnet", "policy": "first",
     "domain": "press", "substitutions": [{"start": 4, "end": 10, "text": "battle", "original": "war"}]},
    {"file": "spun/b.txt", "kind": "spin", "label": "spun", "family": "wordnet", "policy": "first",
     "domain": "press", "substitutions": [{"text": w} for w in ("battle", "assembly", "summit", "word")]},
    {"file": "rewrite/r.txt", "kind": "rewrite", "label": "clean", "domain": "press", "substitutions": []},
]
with open(os.path.join(d, "manifest.jsonl"), "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
fold = {"dim": "spinner", "fold": "wordnet", "held": ["wordnet"],
        "test": ["spun/a.txt", "spun/b.txt", "rewrite/r.txt"],
        "source": {"spun/a.txt": {"verdict": "clean", "score": 0.1, "subs": []},
                   "spun/b.txt": {"verdict": "spun", "score": 0.9, "subs": []},
                   "rewrite/r.txt": {"verdict": "spun", "score": 0.3,
                                     "subs": [{"start": 36, "end": 43, "original": "quickly", "p": 0.97}]}},
        "solo": {"spun/a.txt": {"score": 0.2}, "spun/b.txt": {"score": 0.8}, "rewrite/r.txt": {"score": 0.5}}}
json.dump([fold], open(os.path.join(d, "R.json"), "w"))
out = subprocess.run([sys.executable, "scripts/eval_breakdown.py", "--bench", d, os.path.join(d, "R.json")],
                     check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
print(out)
assert "1-3  swaps      0 of     1" in out, out
assert "4+   swaps      1 of     1" in out, out
assert "rewrites judged spun: 1 of 1 fold rows (1 articles)" in out, out
assert "hastily -> quickly (p 0.97)" in out, out
assert "0.000 (1)" in out and "1.000 (1)" in out, out
assert "solo: texts not spun judged spun, per held-out domain and kind" in out, out
'

echo "1..$n"
