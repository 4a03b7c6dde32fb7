#!/bin/sh
# Fits despin's scorer (models/scorer.tsv) on the train split of the
# benchmark (scripts/gen_bench.py, scripts/gen_partial.py), with the language
# model and lexicon in models/:
#   1. the slot model: is this word a spinner's substitution?  (labels from
#      the spinner's ground truth);
#   2. the article models, solo and with source, on features that include
#      the slot model's probabilities;
#   3. the calibration of the judgement without a source (models/solo.tsv,
#      scripts/fit_solo.py): the flags' probabilities, the article's
#      probability by length (on the benchmark and on paragraphs of every
#      length, scripts/gen_paragraphs.py), the threshold and the shortest
#      text judged.
# HOLDOUT_THESAURUS=NAME leaves that thesaurus's spins out of every fit (to
# measure on them).
# The TSV is the scorer's source of truth: commit it when it changes;
# 'make models' turns it into models/scorer.bin.
#   scripts/fit_scorer.sh [DESPIN] [BENCH_DIR]
set -eu
cd "$(dirname "$0")/.."
DESPIN=${1:-build/despin}
BENCH=${2:-corpus/bench}
PARAS=${PARAS:-corpus/paragraphs}
[ -f "$BENCH/manifest.jsonl" ] || make bench-corpus
[ -f "$PARAS/manifest.jsonl" ] || python3 scripts/gen_paragraphs.py --out "$PARAS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 scripts/bench_pairs.py --split train ${HOLDOUT_THESAURUS:+--exclude-thesaurus "$HOLDOUT_THESAURUS"} \
	"$BENCH" > "$tmp/pairs.tsv"
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
# 3. solo calibration: flags, then articles and paragraphs of every length
python3 scripts/fit_solo.py flags --slot-model "$tmp/slot.tsv" "$tmp/slots-labelled.tsv" > "$tmp/flags.tsv"
"$DESPIN" scorer build -o "$tmp/models/scorer.bin" models/scorer.tsv
{ printf 'despin-solo\t1\nmin_words\t1\n'; cat "$tmp/flags.tsv"; } > "$tmp/models/solo.tsv"
python3 scripts/bench_pairs.py --split fit ${HOLDOUT_THESAURUS:+--exclude-thesaurus "$HOLDOUT_THESAURUS"} \
	"$PARAS" > "$tmp/paras.tsv"
cut -f1,2 "$tmp/solo.tsv" "$tmp/paras.tsv" > "$tmp/labels.tsv"
# shellcheck disable=SC2046
"$DESPIN" scan --solo --all --format json -m "$tmp/models" $(cut -f2 "$tmp/labels.tsv") \
	> "$tmp/scan.jsonl" || [ $? = 1 ]
python3 scripts/fit_solo.py article --flags "$tmp/flags.tsv" "$tmp/scan.jsonl" "$tmp/labels.tsv" \
	> models/solo.tsv
cp "$tmp/features.tsv" "$BENCH/train-features.tsv"
cp "$tmp/scan.jsonl" "$BENCH/train-solo-scan.jsonl"
cp "$tmp/labels.tsv" "$BENCH/train-solo-labels.tsv"
cp "$tmp/slots-labelled.tsv" "$BENCH/train-slots.tsv"
echo "fit_scorer: wrote models/scorer.tsv from $(wc -l < "$tmp/pairs.tsv") examples" >&2
