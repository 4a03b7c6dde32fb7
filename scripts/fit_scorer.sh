#!/bin/sh
# Fits despin's scorer on a list of benchmark articles (scripts/gen_bench.py,
# scripts/gen_partial.py), with the language model and lexicon of a models
# directory:
#   1. the slot model: is this word a spinner's substitution?  (labels from
#      the spinner's ground truth);
#   2. the article models, solo and with source, on features that include
#      the slot model's probabilities.
# This is the one entry point that fits what the detector fits: the
# leave-one-family-out evaluation (scripts/eval.py) calls it once per fold.
#
#   scripts/fit_scorer.sh [DESPIN] [BENCH_DIR]
#       the shipped scorer: fits on the benchmark's train split and writes
#       models/scorer.tsv (commit it when it changes; 'make models' turns it
#       into models/scorer.bin), plus BENCH_DIR/train-{features,slots}.tsv
#   scripts/fit_scorer.sh [--despin D] [--bench DIR] [--models DIR]
#       [--pairs TRAIN.tsv] [--out OUT.tsv] [--cache DIR]
#       --pairs: the training subset, lines 'LABEL<TAB>ARTICLE<TAB>SOURCE'
#       (scripts/bench_pairs.py; SOURCE '-' for a solo example) of articles
#       of BENCH_DIR's manifest (their ground truth labels the slots);
#       --out: the scorer TSV to write (default models/scorer.tsv);
#       --cache: keep the slot rows of each article there, keyed by the
#       article's bytes, the despin binary and the models, so that folds
#       sharing articles compute them once (scripts/slot_cache.py).
set -eu
cd "$(dirname "$0")/.."
DESPIN=build/despin
BENCH=corpus/bench
MODELS=models
PAIRS=
OUT=models/scorer.tsv
CACHE=
npos=0
while [ $# -gt 0 ]; do
	case "$1" in
	--despin) DESPIN=$2; shift 2 ;;
	--bench) BENCH=$2; shift 2 ;;
	--models) MODELS=$2; shift 2 ;;
	--pairs) PAIRS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--cache) CACHE=$2; shift 2 ;;
	-*) echo "usage: fit_scorer.sh [DESPIN] [BENCH_DIR] | [--despin D] [--bench DIR]" \
		"[--models DIR] [--pairs TRAIN.tsv] [--out OUT.tsv] [--cache DIR]" >&2; exit 2 ;;
	*)	npos=$((npos + 1))
		if [ $npos -eq 1 ]; then DESPIN=$1; else BENCH=$1; fi
		shift ;;
	esac
done
[ -f "$BENCH/manifest.jsonl" ] || make bench-corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -n "$PAIRS" ]; then
	cp "$PAIRS" "$tmp/pairs.tsv"
else
	python3 scripts/bench_pairs.py --split train "$BENCH" > "$tmp/pairs.tsv"
fi
grep -P '\t-$' "$tmp/pairs.tsv" > "$tmp/solo.tsv" || true
# 1. slot model
if [ -n "$CACHE" ]; then
	python3 scripts/slot_cache.py --despin "$DESPIN" --models "$MODELS" --cache "$CACHE" \
		"$tmp/solo.tsv" > "$tmp/slots.tsv"
else
	"$DESPIN" scorer slots -m "$MODELS" --pairs "$tmp/solo.tsv" > "$tmp/slots.tsv"
fi
python3 scripts/label_slots.py "$BENCH" "$tmp/slots.tsv" > "$tmp/slots-labelled.tsv"
"$DESPIN" scorer fit-slots --l2 1 -o "$tmp/slot.tsv" "$tmp/slots-labelled.tsv"
mkdir "$tmp/models"
for f in "$MODELS"/*; do
	case "$f" in */scorer.*) continue ;; esac
	ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$tmp/models/"
done
"$DESPIN" scorer build -o "$tmp/models/scorer.bin" "$tmp/slot.tsv"
# 2. article models
"$DESPIN" scorer features -m "$tmp/models" --pairs "$tmp/pairs.tsv" > "$tmp/features.tsv"
"$DESPIN" scorer fit --l2 3 --slot-model "$tmp/slot.tsv" -o "$OUT" "$tmp/features.tsv"
if [ -z "$PAIRS" ]; then
	cp "$tmp/features.tsv" "$BENCH/train-features.tsv"
	cp "$tmp/slots-labelled.tsv" "$BENCH/train-slots.tsv"
fi
echo "fit_scorer: wrote $OUT from $(wc -l < "$tmp/pairs.tsv") examples" >&2
