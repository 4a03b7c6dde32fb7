#!/bin/sh
# End-to-end test of the flag model's calibration in scripts/fit_solo.py:
# the temperature fit recovers a known one, and on labelled slots whose
# evidence is stronger in some spinner families than in others, the
# calibration fitted with each family, or each domain, left out in turn
# makes the flags less sure (a model fitted on the other families is
# over-confident on the slots of the one left out), while without --bench
# the flag model is written as fitted.  Speaks TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$DS_TOP/tests/e2e/lib/tap.sh"
need_python_despin
workdir fit-solo
mkdir -p "$OUT/b"

# 1. the temperature of sigmoid(0.6 z - 0.4), from 20,000 draws
python3 - > "$OUT/temp.txt" 2>&1 <<'PY'
import math, random, sys
sys.path.insert(0, "scripts")
import fit_solo
r = random.Random(7)
z = [r.uniform(-5, 5) for _ in range(20000)]
y = [1 if r.random() < fit_solo.sigmoid(0.6 * v - 0.4) else 0 for v in z]
a, b = fit_solo.fit_temperature(z, y, [1.0] * len(z))
print("%.3f %.3f" % (a, b))
PY
check "fit_temperature recovers a = 0.6, b = -0.4: $(cat "$OUT/temp.txt")" \
	$(awk '{ exit !(NF == 2 && $1 > 0.55 && $1 < 0.65 && $2 > -0.48 && $2 < -0.32) }' "$OUT/temp.txt"; echo $?)

# 2. labelled slots of 3 spinner families x 3 domains and clean articles:
# each family's substitutions stand out on a feature of their own (3 sd),
# so that a model fitted on two families finds nothing of the third's and
# the slots it is sure of are the chance outliers of clean text
python3 - "$OUT/b" > "$OUT/slots.tsv" <<'PY'
import json, os, random, sys
d = sys.argv[1]
r = random.Random(11)
cols = ["bias", "gain", "follow", "wgain", "logw", "lfw", "lfo", "cap", "multi", "lpslot",
        "func", "dist", "ncand", "loglen", "related", "vsim", "compound"]
print("label\tarticle\tstart\tend\t" + "\t".join(cols))
sig = {"fam1": "gain", "fam2": "lpslot", "fam3": "vsim"}
man = open(os.path.join(d, "manifest.jsonl"), "w")
k = 0
for dom in ("press", "fiction", "email"):
    for fam in list(sig) + [None] * 2:
        for _ in range(12):
            k += 1
            f = "a%03d.txt" % k
            man.write(json.dumps({"file": f, "domain": dom, "thesaurus": fam,
                                  "family": fam, "kind": "spin" if fam else "clean"}) + "\n")
            for s in range(60):
                lab = 1 if fam and r.random() < 0.12 else 0
                x = {c: 0.0 for c in cols}
                x.update(bias=1.0, gain=r.gauss(0, 1), lpslot=r.gauss(0, 1), vsim=r.gauss(0, 1),
                         logw=r.gauss(-0.8, 0.3), loglen=6.0, ncand=3)
                if lab:
                    x[sig[fam]] += 3.0
                print("%d\t%s\t%d\t%d\t%s" % (lab, os.path.join(d, f), s * 10, s * 10 + 5,
                                              "\t".join("%.5g" % x[c] for c in cols)))
man.close()
PY
"$DESPIN" scorer fit-slots --l2 1 -o "$OUT/slot.tsv" "$OUT/slots.tsv" 2> /dev/null
check "the slot model is fitted on the synthetic slots" \
	$([ $? = 0 ] && grep -q '^trees	slot	base	' "$OUT/slot.tsv"; echo $?)
"$DESPIN" scorer slot-logits --slot-model "$OUT/slot.tsv" -o "$OUT/logits.tsv" "$OUT/slots.tsv"
check "slot-logits: one log-odds a slot, keyed by article, start and end" \
	$([ $? = 0 ] && [ "$(wc -l < "$OUT/logits.tsv")" = "$(($(wc -l < "$OUT/slots.tsv") - 1))" ] &&
	  awk -F'\t' 'NF != 4 || $4 !~ /^-?[0-9.e+-]+$/ { exit 1 }' "$OUT/logits.tsv"; echo $?)
python3 scripts/fit_solo.py flags --slot-model "$OUT/slot.tsv" "$OUT/slots.tsv" \
	> "$OUT/nologits.tsv" 2> "$OUT/nologits.err"
check "trees without their log-odds are refused, the option named" \
	$([ $? != 0 ] && grep -q -- "--slot-logits" "$OUT/nologits.err"; echo $?)
python3 scripts/fit_solo.py flags --slot-model "$OUT/slot.tsv" --slot-logits "$OUT/logits.tsv" \
	"$OUT/slots.tsv" > "$OUT/plain.tsv" 2> "$OUT/plain.err"
check "without --bench: 9 flag rows, no calibration" \
	$([ "$(grep -c '^coef	flag	' "$OUT/plain.tsv")" = 9 ] && ! grep -q temperature "$OUT/plain.err"; echo $?)
python3 scripts/fit_solo.py flags --slot-model "$OUT/slot.tsv" --slot-logits "$OUT/logits.tsv" \
	--bench "$OUT/b" --despin "$DESPIN" "$OUT/slots.tsv" > "$OUT/cal.tsv" 2> "$OUT/cal.err"
check "with --bench: 9 flag rows" $([ "$(grep -c '^coef	flag	' "$OUT/cal.tsv")" = 9 ]; echo $?)
sed 's/^/# /' "$OUT/cal.err" | grep -v "fitted the slot"
check "6 folds, each a family or a domain left out" \
	$(grep -q "^fit_solo: 6 folds.*(fam1 fam2 fam3 email fiction press)" "$OUT/cal.err"; echo $?)
# the coefficient of the slot model's log-odds: scaled down by the temperature
check "held out, the flags are made less sure (temperature > 1, slot coefficient smaller)" \
	$(awk -F'\t' 'FNR == NR && $3 == "slot" { p = $6 } FNR != NR && $3 == "slot" { c = $6 }
		END { exit !(c > 0 && c < p) }' "$OUT/plain.tsv" "$OUT/cal.tsv" &&
	  awk '/temperature/ { t = $3 + 0 } END { exit !(t > 1) }' "$OUT/cal.err"; echo $?)
# two spinner families only: nothing to leave out in turn, said, and the
# flag model written as fitted
python3 - "$OUT/b/manifest.jsonl" "$OUT/slots.tsv" > "$OUT/two.tsv" <<'PY'
import json, os, sys
d = os.path.dirname(sys.argv[1])
fam3 = {os.path.join(d, r["file"]) for r in map(json.loads, open(sys.argv[1]))
        if r["thesaurus"] == "fam3"}
for i, line in enumerate(open(sys.argv[2])):
    if i == 0 or line.split("\t")[1] not in fam3:
        sys.stdout.write(line)
PY
python3 scripts/fit_solo.py flags --slot-model "$OUT/slot.tsv" --slot-logits "$OUT/logits.tsv" \
	--bench "$OUT/b" --despin "$DESPIN" "$OUT/two.tsv" > "$OUT/two-cal.tsv" 2> "$OUT/two.err"
python3 scripts/fit_solo.py flags --slot-model "$OUT/slot.tsv" --slot-logits "$OUT/logits.tsv" \
	"$OUT/two.tsv" > "$OUT/two-plain.tsv" 2> /dev/null
check "two families: not tempered, the manifest named, the flag model as fitted" \
	$(grep -q "^fit_solo: flags not tempered: .*manifest.jsonl names fewer than 3" "$OUT/two.err" &&
	  ! grep -q temperature "$OUT/two.err" && cmp -s "$OUT/two-cal.tsv" "$OUT/two-plain.tsv"; echo $?)
echo "1..$n"
