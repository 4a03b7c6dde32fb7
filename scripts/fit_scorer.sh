#!/bin/sh
# Fits despin's scorer (models/scorer.tsv) on the train split of the
# benchmark (scripts/gen_bench.py), with the language model and lexicon in
# models/.  The TSV is the scorer's source of truth: commit it when it
# changes; 'make models' turns it into models/scorer.bin.
#   scripts/fit_scorer.sh [DESPIN] [BENCH_DIR]
set -eu
cd "$(dirname "$0")/.."
DESPIN=${1:-build/despin}
BENCH=${2:-corpus/bench}
[ -f "$BENCH/manifest.jsonl" ] || { scripts/gen_bench.py --src corpus/bench-heldout --out "$BENCH" && scripts/gen_partial.py "$BENCH"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 scripts/bench_pairs.py --split train "$BENCH" > "$tmp/pairs.tsv"
"$DESPIN" scorer features -m models --pairs "$tmp/pairs.tsv" > "$tmp/features.tsv"
"$DESPIN" scorer fit --l2 3 -o models/scorer.tsv "$tmp/features.tsv"
cp "$tmp/features.tsv" "$BENCH/train-features.tsv"
echo "fit_scorer: wrote models/scorer.tsv from $(wc -l < "$tmp/pairs.tsv") examples" >&2
