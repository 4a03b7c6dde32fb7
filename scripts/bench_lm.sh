#!/bin/sh
# Benchmark of the language model: training time and memory on the whole
# corpus, model size and load time, query speed on one core, and held-out
# perplexity side by side with IRSTLM (same order, same tokens).
# Usage: scripts/bench_lm.sh [BUILD_DIR]   (default: build)
# Environment: ORDER (default 4), REPEAT (held-out copies for the speed
# test, default 20), NO_IRSTLM=1 to skip the IRSTLM comparison.
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
DESPIN="$TOP/$BUILD/despin"
ORDER=${ORDER:-4}
REPEAT=${REPEAT:-20}
[ -x "$DESPIN" ] || { echo "bench_lm: $DESPIN is missing; run 'make'" >&2; exit 2; }
[ -f corpus/train.txt ] || scripts/corpus.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-lm.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

timev() { # timev OUTFILE CMD... : runs CMD, leaves "seconds kbytes" in OUTFILE
	out=$1; shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$out" "$@"
	else
		s=$(date +%s.%N); "$@"; e=$(date +%s.%N)
		echo "$(echo "$e - $s" | bc) 0" > "$out"
	fi
}

echo "== language model (order $ORDER)"
# training on the whole corpus, as 'make models' does
timev "$TMP/train.time" "$DESPIN" train -q --order "$ORDER" -o "$TMP/lm.bin" corpus/train.txt
read -r secs kb < "$TMP/train.time"
printf 'lm: train            %s s, peak memory %.0f MB (corpus/train.txt: %s words)\n' \
	"$secs" "$(echo "$kb / 1024" | bc -l)" "$(wc -w < corpus/train.txt | tr -d ' ')"
printf 'lm: model file       %.1f MB\n' "$(echo "$(wc -c < "$TMP/lm.bin") / 1000000" | bc -l)"
"$DESPIN" lm info -m "$TMP/lm.bin" | awk -F'\t' '/-grams/ { c = c sep $2; sep = " / " } END { print "lm: n-grams          " c }'

# load time: best of 5 (the file is in the page cache after the first)
best=""
for i in 1 2 3 4 5; do
	ms=$("$DESPIN" lm info -m "$TMP/lm.bin" | awk -F'\t' '$1 == "load_ms" { print $2 }')
	if [ -z "$best" ] || [ "$(echo "$ms < $best" | bc)" = 1 ]; then best=$ms; fi
done
echo "lm: load             $best ms (best of 5; header and layout checked, pages mapped as queries touch them)"

# the same tokens for everybody: the model words of the trainer
"$DESPIN" lm tokens corpus/train.txt > "$TMP/train.tok"
"$DESPIN" lm tokens corpus/heldout.txt > "$TMP/heldout.tok"
i=0
: > "$TMP/big.tok"
while [ $i -lt "$REPEAT" ]; do cat "$TMP/heldout.tok" >> "$TMP/big.tok"; i=$((i + 1)); done

# query speed on one core (reading and vocabulary lookups included)
taskset -c 0 true 2>/dev/null && PIN="taskset -c 0" || PIN=""
timev "$TMP/query.time" $PIN "$DESPIN" lm score -m "$TMP/lm.bin" --pretokenized --summary --time \
	"$TMP/big.tok" > /dev/null 2> "$TMP/query.err"
read -r secs kb < "$TMP/query.time"
sed -n 's/^despin lm: //p' "$TMP/query.err" | sed 's/^/lm: query            /'
printf 'lm: query process    %s s, peak memory %.0f MB (held-out text x%s)\n' "$secs" \
	"$(echo "$kb / 1024" | bc -l)" "$REPEAT"

# the same query beside references in the same run, per CPU-second of the
# whole process: 'wc -w' over the same tokens, and KenLM's probing 'query'
# on the same model (as ARPA) where KenLM is built (KENLM_BIN=DIR holding
# build_binary and query, or both on PATH)
cpu() { # cpu CMD... < IN : user + system seconds of CMD
	/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$@" > /dev/null 2>&1
	awk '{ print $1 + $2 }' "$TMP/cpu"
}
ntok=$(($(wc -w < "$TMP/big.tok") + $(wc -l < "$TMP/big.tok")))
c_ds=$(cpu $PIN "$DESPIN" lm score -m "$TMP/lm.bin" --pretokenized --summary "$TMP/big.tok")
c_wc=$(cpu $PIN wc -w "$TMP/big.tok")
rate() { awk -v n="$ntok" -v c="$1" 'BEGIN { printf "%.2f", (c > 0 ? n / c / 1e6 : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "lm: query per CPU-s  $(rate "$c_ds") M tokens/s (whole process, $ntok tokens incl. </s>)"
echo "lm: wc -w            $(rate "$c_wc") M tokens/s; despin = $(ratio "$c_wc" "$c_ds") of wc -w"
KB=${KENLM_BIN:-}
if [ -z "$KB" ] && command -v build_binary > /dev/null 2>&1 && command -v query > /dev/null 2>&1; then
	KB=$(dirname "$(command -v build_binary)")
fi
if [ -n "$KB" ] && [ -x "$KB/build_binary" ] && [ -x "$KB/query" ]; then
	"$DESPIN" lm convert "$TMP/lm.bin" "$TMP/lm.arpa"
	"$KB/build_binary" -s probing "$TMP/lm.arpa" "$TMP/kenlm.probing" > /dev/null 2>&1
	c_kp=$(cpu $PIN sh -c '"$0" -v summary "$1" < "$2"' "$KB/query" "$TMP/kenlm.probing" "$TMP/big.tok")
	echo "lm: KenLM query      $(rate "$c_kp") M tokens/s (probing, $(wc -c < "$TMP/kenlm.probing") bytes); despin = $(ratio "$c_kp" "$c_ds") of KenLM"
	# KenLM's 8-bit quantised trie of the same model, for the compact layout's size
	"$KB/build_binary" -q 8 -b 8 trie "$TMP/lm.arpa" "$TMP/kenlm.q8trie" > /dev/null 2>&1 &&
		KQ8=$(wc -c < "$TMP/kenlm.q8trie")
else
	echo "lm: KenLM query      not built here (set KENLM_BIN=DIR); ../shared/lm-reference quotes about 3.4M words/s on one core"
fi
if [ -n "${KQ8:-}" ]; then
	KQ8_WHAT="KenLM's q8 trie of this model, $(echo "$KQ8" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
else
	KQ8=28000000
	KQ8_WHAT="KenLM's q8 trie (28 MB, ../shared/lm-reference)"
fi

# held-out perplexity
ppl=$("$DESPIN" lm score -m "$TMP/lm.bin" --pretokenized --summary "$TMP/heldout.tok")
echo "lm: despin heldout   $ppl"

# the compact layout (lm convert --compact): size beside the hashed model and
# KenLM's 8-bit quantised trie of the same corpus (28 MB, ../shared/lm-reference),
# held-out perplexity beside the hashed model's, query speed per CPU-second
"$DESPIN" lm convert --compact "$TMP/lm.bin" "$TMP/lmq.bin"
qb=$(wc -c < "$TMP/lmq.bin")
printf 'lm: compact file     %.1f MB = %s of the hashed model, %s of %s\n' \
	"$(echo "$qb / 1000000" | bc -l)" "$(ratio "$qb" "$(wc -c < "$TMP/lm.bin")")" "$(ratio "$qb" "$KQ8")" "$KQ8_WHAT"
qppl=$("$DESPIN" lm score -m "$TMP/lmq.bin" --pretokenized --summary "$TMP/heldout.tok")
echo "lm: compact heldout  $qppl"
echo "$ppl|$qppl" | awk -F'|' '{ split($1, a, " "); split($2, b, " "); printf "lm: compact loss     perplexity %+.2f%%\n", 100 * (b[2] - a[2]) / a[2] }'
c_q=$(cpu $PIN "$DESPIN" lm score -m "$TMP/lmq.bin" --pretokenized --summary "$TMP/big.tok")
echo "lm: compact query    $(rate "$c_q") M tokens/s per CPU-s; $(ratio "$c_ds" "$c_q") of the hashed model's"

if [ "${NO_IRSTLM:-0}" != 1 ] && [ -x /usr/lib/irstlm/bin/build-lm.sh ]; then
	IRSTLM=/usr/lib/irstlm
	export IRSTLM
	B=$IRSTLM/bin
	"$B/add-start-end.sh" < "$TMP/train.tok" > "$TMP/train.se"
	"$B/add-start-end.sh" < "$TMP/heldout.tok" > "$TMP/heldout.se"
	timev "$TMP/irst.time" "$B/build-lm.sh" -i "$TMP/train.se" -n "$ORDER" -k 2 \
		-s improved-kneser-ney -o "$TMP/irst.ilm.gz" -t "$TMP/irsttmp" > /dev/null 2>&1
	read -r secs kb < "$TMP/irst.time"
	r=$("$B/compile-lm" "$TMP/irst.ilm.gz" --eval="$TMP/heldout.se" 2>&1 | grep 'PP=' | tail -n 1)
	echo "lm: IRSTLM heldout   $r"
	echo "lm: IRSTLM train     $secs s (build-lm.sh -n $ORDER -s improved-kneser-ney, no pruning)"
	echo "lm: (IRSTLM's PP includes OOVs, like despin's first figure; PPwp is the OOV penalty part)"
else
	echo "lm: IRSTLM comparison skipped"
fi
