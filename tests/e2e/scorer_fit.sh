#!/bin/sh
# End-to-end test of 'despin scorer fit' on synthetic article features: each
# model's threshold lets through at most its budget of the clean training
# rows (--fp for the solo model, --fp-source for the source model, 0.005 by
# default), the source model weighs the density of the spinner's swaps
# (subrate), and a stricter budget never lowers a threshold.  Speaks TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$DS_TOP/tests/e2e/lib/tap.sh"
need_python_despin
workdir scorer-fit

# the column names 'scorer features' prints, then 1,000 rows per model:
# spun rows have more and denser swaps, with overlap
printf '0\tcorpus/seeds/001_455d42bae2579fa5.txt\tcorpus/seeds/000_fcd469a446cc7cc8.txt\n' \
	> "$OUT/pair.tsv"
"$DESPIN" scorer features --pairs "$OUT/pair.tsv" > "$OUT/head.tsv" 2> /dev/null
python3 - "$OUT/head.tsv" > "$OUT/features.tsv" <<'PY'
import random, sys
cols = open(sys.argv[1]).readline().rstrip("\n").split("\t")
r = random.Random(11)
print("\t".join(cols))
for model in ("solo", "source"):
    for i in range(1000):
        lab = i % 2
        x = {c: 0.0 for c in cols[3:]}
        x["bias"] = 1.0
        x["loglen"] = r.uniform(4, 7)
        x["gtop"] = r.gauss(3.0 + 0.8 * lab, 0.6)
        x["ptop"] = r.gauss(0.6 + 0.15 * lab, 0.1)
        x["gmean"] = r.gauss(0.5 + 0.1 * lab, 0.2)
        if model == "source":
            n = max(0, int(r.gauss(4 + 10 * lab, 4)))
            f = min(n, max(0, int(r.gauss(n * (0.3 + 0.5 * lab), 2))))
            x.update(has_src=1, cover=1, nchg=n, nflag=f, llr=r.gauss(3 * f - 2 * (n - f), 3),
                     subrate=f / r.uniform(80, 900))
        print("%d\t%s\ta%04d.txt\t%s" % (lab, model, i, "\t".join("%.6g" % x[c] for c in cols[3:])))
PY
check "1,000 rows a model of synthetic features, in the columns of 'scorer features'" \
	$([ "$(grep -c '	source	' "$OUT/features.tsv")" = 1000 ] &&
	  [ "$(head -n 1 "$OUT/features.tsv" | cut -f 1-4)" = "$(printf 'label\tmodel\tarticle\tbias')" ]
	  echo $?)

"$DESPIN" scorer fit --l2 3 -o "$OUT/default.tsv" "$OUT/features.tsv" 2> "$OUT/default.err"
check "scorer fit with the default budgets" $?
"$DESPIN" scorer fit --l2 3 --fp 0.05 --fp-source 0.05 -o "$OUT/loose.tsv" "$OUT/features.tsv" \
	2> /dev/null
check "scorer fit --fp 0.05 --fp-source 0.05" $?
"$DESPIN" scorer fit --l2 3 --fp-source 1.5 -o "$OUT/bad.tsv" "$OUT/features.tsv" 2> "$OUT/bad.err"
check "--fp-source 1.5 is refused (exit 2) and names the option" \
	$([ $? = 2 ] && grep -q -- "--fp-source" "$OUT/bad.err" && [ ! -e "$OUT/bad.tsv" ]; echo $?)

# the share of clean rows at or over each model's threshold, as the
# detector computes the probability (standardised features clipped at 4)
cat > "$OUT/share.py" <<'PY'
import math, sys
coef, thr = {}, {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[0] == "coef" and f[1] in ("solo", "source"):
        coef.setdefault(f[1], {})[f[2]] = (float(f[3]), float(f[4]), float(f[5]))
    elif f[0] == "threshold":
        thr[f[1]] = float(f[2])
rows = open(sys.argv[2]).read().splitlines()
cols = rows[0].split("\t")
for model in ("solo", "source"):
    clean = over = 0
    for line in rows[1:]:
        v = line.split("\t")
        if v[1] != model or v[0] != "0":
            continue
        z = 0.0
        for name, (mean, sd, c) in coef[model].items():
            x = float(v[cols.index(name)])
            z += c * (1.0 if name == "bias" else max(-4.0, min(4.0, (x - mean) / sd)))
        clean += 1
        over += 1 / (1 + math.exp(-z)) >= thr[model]
    print(model, over / clean, thr[model], "subrate" in coef[model])
PY
python3 "$OUT/share.py" "$OUT/default.tsv" "$OUT/features.tsv" > "$OUT/default.share"
python3 "$OUT/share.py" "$OUT/loose.tsv" "$OUT/features.tsv" > "$OUT/loose.share"
check "each fitted scorer gives a share for both models" \
	$([ "$(wc -l < "$OUT/default.share")" = 2 ] && [ "$(wc -l < "$OUT/loose.share")" = 2 ]; echo $?)
sed 's/^/# default: /' "$OUT/default.share"
sed 's/^/# loose:   /' "$OUT/loose.share"
check "by default, at most 1% of the clean solo rows over the solo threshold" \
	$(awk '$1 == "solo" { ok = $2 <= 0.01 && $2 > 0 } END { exit !ok }' "$OUT/default.share"; echo $?)
check "by default, at most 0.5% of the clean source rows over the source threshold" \
	$(awk '$1 == "source" { ok = $2 <= 0.005 } END { exit !ok }' "$OUT/default.share"; echo $?)
check "the source model weighs subrate, the solo model does not" \
	$(awk '($1 == "source" && $4 == "True") || ($1 == "solo" && $4 == "False") { ok++ }
		END { exit ok != 2 }' "$OUT/default.share"; echo $?)
check "with 5% budgets, more clean rows pass and no threshold is higher" \
	$(awk 'FNR == NR { s[$1] = $2; t[$1] = $3; next }
		{ ok += $2 > s[$1] && $2 <= 0.05 && $3 <= t[$1] }
		END { exit ok != 2 }' "$OUT/default.share" "$OUT/loose.share"; echo $?)

# a row the fit cannot read is refused with its file and line, and nothing
# is written: a feature that is no number, a label other than 0 or 1, a
# model other than solo or source, a field too few; fit-slots alike
refused() { # NAME AWK-PROGRAM WANT: the features with one row changed
	awk -F'\t' -v OFS='\t' "$2" "$OUT/features.tsv" > "$OUT/$1.tsv"
	"$DESPIN" scorer fit -o "$OUT/$1.out" "$OUT/$1.tsv" 2> "$OUT/$1.err"
	check "scorer fit refuses $1 (exit 2, file:line, nothing written)" \
		$([ $? = 2 ] && grep -q "$1.tsv:$3" "$OUT/$1.err" && [ "$(wc -l < "$OUT/$1.err")" = 1 ] &&
		  [ ! -e "$OUT/$1.out" ]; echo $?)
}
refused nan 'NR == 7 { $6 = "nan" } { print }' '7: field 6'
refused words 'NR == 9 { $5 = "high" } { print }' '9: field 5'
refused label 'NR == 3 { $1 = 2 } { print }' "3: label '2'"
refused model 'NR == 4 { $2 = "solo2" } { print }' '4: the second field'
refused short 'NR == 5 { NF = NF - 1 } { print }' '5: '
printf 'label\tarticle\tstart\tend\tx\n1\ta\t0\t3\t0.5\n' > "$OUT/slots.tsv"
"$DESPIN" scorer fit-slots -o "$OUT/slots.out" "$OUT/slots.tsv" 2> "$OUT/slots.err"
check "scorer fit-slots refuses a row of the wrong width" \
	$([ $? = 2 ] && grep -q 'slots.tsv:2: 5 fields' "$OUT/slots.err" && [ ! -e "$OUT/slots.out" ]; echo $?)

# a list line that is not LABEL ARTICLE SOURCE is said with its line (blank
# lines and comments counted) and the other lines are still read
printf '# pairs\n\n0\tcorpus/seeds/001_455d42bae2579fa5.txt\n1\tcorpus/seeds/003_cc34e14e2e5a732a.txt\t-\n' \
	> "$OUT/list.tsv"
for sub in features slots; do
	"$DESPIN" scorer $sub --pairs "$OUT/list.tsv" > "$OUT/$sub.out" 2> "$OUT/$sub.err"
	check "scorer $sub names line 3 of a bad list, exits 2 and reads line 4" \
		$([ $? = 2 ] && grep -q 'list.tsv:3: expected LABEL<TAB>ARTICLE<TAB>SOURCE' "$OUT/$sub.err" &&
		  grep -q 003_cc34e14e2e5a732a "$OUT/$sub.out" && ! grep -q 001_455d "$OUT/$sub.out"; echo $?)
done
echo "1..$n"
