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
workdir diag-solo
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
expect '^  fiction +2 +0\.500 +1\.000 \| +[0-9]+ ' "slots: the two spinner's words, one with a candidate, both over 2 above the lower-quartile slot gain"
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
# the contamination test (--mixture), fitted on the seeds as training pairs
for s in 000 001 002 004; do printf '0\t%s\t-\n' "$OUT/b/a/$s.txt"; done > "$OUT/train.tsv"
printf '1\t%s\t-\n' "$OUT/b/a/003.txt" >> "$OUT/train.tsv"
if python3 scripts/diag_solo.py --despin "$DESPIN" --bench "$OUT/b" --models models --domain fiction \
	--mixture "$OUT/train.tsv" --scorer models/scorer.tsv --cache "$OUT/cache" \
	--corpus corpus/seeds/000_fcd469a446cc7cc8.txt --json "$OUT/mix.json" > "$OUT/out.txt" 2> "$OUT/err.txt"; then
	ok "diag_solo.py --mixture runs"
else
	nok "diag_solo.py --mixture runs"; sed 's/^/# /' "$OUT/err.txt"
fi
expect '^mixture: [0-9]+ training slots, 0\.0[0-9][0-9] of them the spinner.s; slot AUC [01]\.[0-9]{3}' \
	"mixture: the training slots, a few of them the spinner's"
expect '^  register: 4 clean training articles. mean log-odds vary by sd [0-9.]+ ' \
	"mixture: the register of the four clean training articles"
expect '^  test slots: 2 of the spinner.s, [0-9]+ not, slot AUC [01]\.[0-9]{3}; the spinner.s share of a spun article.s slots: mean 0\.[0-9]{3}$' \
	"mixture: the test slots, two of them the spinner's"
expect '^  fiction +1 +3 +1\.000( +[01]\.[0-9]{3}){8}$' "mixture: each statistic's AUC beside the score's, and with independent slots"
if [ -n "$(ls "$OUT/cache"/slots-* 2>/dev/null)" ]; then
	ok "--cache keeps the slot rows"
else
	nok "--cache keeps the slot rows"
fi
python3 - "$OUT/mix.json" > "$OUT/mix.txt" 2>&1 <<'PY'
import json, math, sys
sys.path.insert(0, "scripts")
import diag_solo as d
rows = json.load(open(sys.argv[1]))
assert len(rows) == 4, rows
for r in rows:
    assert 0 <= r["pi"] <= 0.5 and r["glr"] >= 0, r
    for k in ("glr_bin", "glr_q25", "glr_fw", "glr_all", "glr_iid"):
        assert r[k] >= 0, (k, r)
# the generalised likelihood ratio: nothing to gain from ratios of 1 or less,
# a share of one half when every slot is far more likely spun, and in between
# the share where the log-likelihood's slope is nought
assert d.glr([1.0, 1.0, 1.0]) == (0.0, 0.0)
assert d.glr([0.2, 0.5]) == (0.0, 0.0)
g, pi = d.glr([100.0] * 10)
assert pi == 0.5 and abs(g - 10 * math.log(50.5)) < 1e-9, (g, pi)
v = [20.0] + [0.5] * 30
g, pi = d.glr(v)
assert 0 < pi < 0.5 and abs(sum((r - 1) / (pi * r + 1 - pi) for r in v)) < 1e-6, pi
assert abs(g - sum(math.log(pi * r + 1 - pi) for r in v)) < 1e-12 and g > 0
# the binned density ratio grows where the spinner's slots lie
f = d.binned_ratio([i / 100 for i in range(200)], [int(i >= 150) for i in range(200)], nbins=4)
assert f(1.9) > 1 > f(0.1), (f(1.9), f(0.1))
assert d.line_fit([0, 1, 2], [1, 3, 5]) == (1.0, 2.0, 1.0)
PY
if [ $? -eq 0 ]; then
	ok "mixture statistics per article, and the likelihood ratio's maximum"
else
	nok "mixture statistics per article, and the likelihood ratio's maximum"; sed 's/^/# /' "$OUT/mix.txt"
fi
# the slots' log-odds are those the detector computes: the shipped scorer's
# trees (despin scorer slot-logits), not the regression kept beside them
python3 - "$DESPIN" "$OUT/b/a/003.txt" > "$OUT/logit.txt" 2>&1 <<'PY'
import argparse, sys
sys.path.insert(0, "scripts")
import diag_solo as d
a = argparse.Namespace(despin=sys.argv[1], models="models", scorer="models/scorer.tsv", cache=None)
assert d.has_trees(a.scorer)  # the shipped slot model
xs = d.slot_rows(a, [sys.argv[2]])[sys.argv[2]]
assert len(xs) > 100 and all("logit" in x for x in xs), len(xs)
coef = d.read_coef(a.scorer)
diff = sum(abs(x["logit"] - d.slot_logit(coef, x)) > 0.01 for x in xs)
assert diff > len(xs) // 2, (diff, len(xs))
a.scorer = None
assert not any("logit" in x for x in d.slot_rows(a, [sys.argv[2]])[sys.argv[2]])
PY
if [ $? -eq 0 ]; then
	ok "slot log-odds from the scorer's trees, none without --scorer"
else
	nok "slot log-odds from the scorer's trees, none without --scorer"; sed 's/^/# /' "$OUT/logit.txt"
fi
echo "1..$n"
