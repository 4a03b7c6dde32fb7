#!/bin/sh
# Fits despin's scorer (models/scorer.tsv) on the train split of the
# benchmark (scripts/gen_bench.py, scripts/gen_partial.py), with the language
# model and lexicon in models/:
#   1. the slot model: is this word a spinner's substitution?  (labels from
#      the spinner's ground truth);
#   2. the article models, solo and with source, on features that include
#      the slot model's probabilities.
# The TSV is the scorer's source of truth: commit it when it changes;
# 'make models' turns it into models/scorer.bin.
#   scripts/fit_scorer.sh [DESPIN] [BENCH_DIR]
set -eu
cd "$(dirname "$0")/.."
DESPIN=${1:-build/despin}
BENCH=${2:-corpus/bench}
[ -f "$BENCH/manifest.jsonl" ] || make bench-corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 scripts/bench_pairs.py --split train "$BENCH" > "$tmp/pairs.tsv"
grep -P '\t-$' "$tmp/pairs.tsv" > "$tmp/solo.tsv"
# 1. slot model
"$DESPIN" scorer slots -m models --pairs "$tmp/solo.tsv" > "$tmp/slots.tsv"
python3 scripts/label_slots.py "$BENCH" "$tmp/slots.tsv" > "$tmp/slots-labelled.tsv"
"$DESPIN" scorer fit-slots --l2 1 -o "$tmp/slot.tsv" "$tmp/slots-labelled.tsv"
mkdir "$tmp/models"
ln -s "$PWD/models/lm.bin" "$PWD/models/lex.bin" "$tmp/models/"
"$DESPIN" scorer build -o "$tmp/models/scorer.bin" "$tmp/slot.tsv"
# 2. article models
"$DESPIN" scorer features -m "$tmp/models" --pairs "$tmp/pairs.tsv" > "$tmp/features.tsv"
"$DESPIN" scorer fit --l2 3 --slot-model "$tmp/slot.tsv" -o models/scorer.tsv "$tmp/features.tsv"
cp "$tmp/features.tsv" "$BENCH/train-features.tsv"
cp "$tmp/slots-labelled.tsv" "$BENCH/train-slots.tsv"
echo "fit_scorer: wrote models/scorer.tsv from $(wc -l < "$tmp/pairs.tsv") examples" >&2
