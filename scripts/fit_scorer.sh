#!/bin/sh
# Fits despin's scorer on a list of benchmark articles (scripts/gen_bench.py,
# scripts/gen_partial.py), with the language model and lexicon of a models
# directory:
#   1. the slot model: is this word a spinner's substitution?  (labels from
#      the spinner's ground truth);
#   2. the change model: is a change against the source a spinner's or an
#      editor's?  (labels from the spinner's ground truth; every change of a
#      legitimate edit is an editor's, and scripts/gen_edits.py adds
#      rewrites, copy edits and republications of the training sources);
#      with it the word-vector cut under which a change the lexicon does not
#      relate is never spin.  CHANGE_MODEL=0 leaves it out (changes are then
#      judged by fixed rules);
#   3. the article models: solo, on features that include the slot
#      model's probabilities; with a source, on the sum of the changes' log
#      likelihood ratios, their number, the copied share and the shape of
#      the changes;
#   4. the calibration of the judgement without a source (solo.tsv beside
#      the scorer TSV, scripts/fit_solo.py): the flags' probabilities, the
#      article's probability by length (on the training articles and on
#      paragraphs of every length, scripts/gen_paragraphs.py, of the
#      thesauri the training articles use), the threshold and the shortest
#      text judged.
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
#       --out: the scorer TSV to write (default models/scorer.tsv; the
#       solo calibration goes to solo.tsv in the same folder);
#       --cache: keep the slot rows of each article there, keyed by the
#       article's bytes, the despin binary and the models, so that folds
#       sharing articles compute them once (scripts/slot_cache.py).
# HOLDOUT_THESAURUS=NAME leaves that thesaurus's spins out of the default
# training list and of the paragraphs (to measure on them).
# The flags' log-odds are scaled by a temperature and shift fitted on the
# slots of spins judged by models that never saw their spinner family, or
# never saw their domain (one fold each); FLAG_CALIBRATION=0 leaves that out.
# DESPIN_LM=FILE (lm.bin, mix.bin) fits with that language model; unset,
# with the one the models' scorer was fitted with (MODELS/solo.tsv).
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
# The language model of every step (slots, changes, features, the solo
# scans): $DESPIN_LM, else the one the models' scorer was fitted with (the
# lm row of MODELS/solo.tsv, when that file is there), else lm.bin; exported
# so that every despin below uses it, and named in the solo.tsv written.
if [ -z "${DESPIN_LM:-}" ] && [ -f "$MODELS/solo.tsv" ]; then
	l=$(awk -F'\t' 'NF == 2 && $1 == "lm" { print $2; exit }' "$MODELS/solo.tsv")
	if [ -n "$l" ] && [ -r "$MODELS/$l" ]; then
		DESPIN_LM=$l
		export DESPIN_LM
	fi
fi
PARAS=${PARAS:-corpus/paragraphs}
[ -f "$BENCH/manifest.jsonl" ] || make bench-corpus
[ -f "$PARAS/manifest.jsonl" ] || python3 scripts/gen_paragraphs.py --out "$PARAS"
SOLO_OUT=$(dirname "$OUT")/solo.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if [ -n "$PAIRS" ]; then
	cp "$PAIRS" "$tmp/pairs.tsv"
else
	python3 scripts/bench_pairs.py --split train ${HOLDOUT_THESAURUS:+--exclude-thesaurus "$HOLDOUT_THESAURUS"} \
		"$BENCH" > "$tmp/pairs.tsv"
fi
grep -P '\t-$' "$tmp/pairs.tsv" > "$tmp/solo.tsv" || true
# the models without their scorer and calibration: the slot and change rows
# do not depend on them, and a scorer of an earlier format (refused) is what
# a refit replaces
mkdir "$tmp/models"
for f in "$MODELS"/*; do
	case "$f" in */scorer.*|*/solo.tsv) continue ;; esac
	ln -s "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" "$tmp/models/"
done
# 1. slot model
if [ -n "$CACHE" ]; then
	python3 scripts/slot_cache.py --despin "$DESPIN" --models "$tmp/models" --cache "$CACHE" \
		"$tmp/solo.tsv" > "$tmp/slots.tsv"
else
	"$DESPIN" scorer slots --models "$tmp/models" --pairs "$tmp/solo.tsv" > "$tmp/slots.tsv"
fi
python3 scripts/label_slots.py "$BENCH" "$tmp/slots.tsv" > "$tmp/slots-labelled.tsv"
"$DESPIN" scorer fit-slots --l2 1 -o "$tmp/slot.tsv" "$tmp/slots-labelled.tsv"
# 2. change model (spinner against editor; CHANGE_MODEL=0 leaves it out)
if [ "${CHANGE_MODEL:-1}" = 1 ]; then
	grep -v -P '\t-$' "$tmp/pairs.tsv" > "$tmp/withsrc.tsv" || true
	"$DESPIN" scorer changes --models "$tmp/models" --pairs "$tmp/withsrc.tsv" > "$tmp/changes.tsv"
	python3 scripts/label_slots.py "$BENCH" "$tmp/changes.tsv" > "$tmp/changes-labelled.tsv"
	# the editor's side: rewrites, copy edits and republications of the
	# same sources (the benchmark's own clean articles are too few beside
	# the spins)
	python3 scripts/gen_edits.py --bench "$BENCH" --pairs "$tmp/withsrc.tsv" --despin "$DESPIN" \
		--models "$tmp/models" --dir "${CACHE:-$BENCH/editor-cache}/editor" \
		>> "$tmp/changes-labelled.tsv"
	"$DESPIN" scorer fit-changes --l2 1 --slot-model "$tmp/slot.tsv" -o "$tmp/parts.tsv" \
		"$tmp/changes-labelled.tsv"
else
	cp "$tmp/slot.tsv" "$tmp/parts.tsv"
fi
"$DESPIN" scorer build -o "$tmp/models/scorer.bin" "$tmp/parts.tsv"
# 3. article models
"$DESPIN" scorer features --models "$tmp/models" --pairs "$tmp/pairs.tsv" > "$tmp/features.tsv"
"$DESPIN" scorer fit --l2 3 --slot-model "$tmp/parts.tsv" -o "$OUT" "$tmp/features.tsv"
# 4. solo calibration: flags, then articles and paragraphs of every length
# (the paragraphs spun with the thesauri of the training articles only)
# (their probabilities calibrated on the slots of spins held out with their
# spinner family or their domain: docs/README-solo.md, "Flag probabilities
# on held-out families"; FLAG_CALIBRATION=0: as fitted)
CAL=
[ "${FLAG_CALIBRATION:-1}" = 0 ] || CAL="--bench $BENCH --despin $DESPIN"
# The flag model reads the slot model's log-odds.  Trees are surer of the
# slots they were fitted on than of new ones, so each slot's log-odds come
# from trees fitted without its article (three parts, articles in turn):
# as sure as the shipped trees are of a text they never saw.
awk -F'\t' -v dir="$tmp" 'NR == 1 { for (k = 0; k < 3; k++) { print > (dir "/fold" k ".fit"); print > (dir "/fold" k ".out") } next }
	$2 != last { last = $2; n++ }
	{ k = n % 3; print > (dir "/fold" k ".out"); for (j = 0; j < 3; j++) if (j != k) print > (dir "/fold" j ".fit") }' \
	"$tmp/slots-labelled.tsv"
: > "$tmp/slot-logits.tsv"
for k in 0 1 2; do
	"$DESPIN" scorer fit-slots --l2 1 -o "$tmp/fold$k.tsv" "$tmp/fold$k.fit" 2> /dev/null
	"$DESPIN" scorer slot-logits --slot-model "$tmp/fold$k.tsv" -o "$tmp/fold$k.logits" \
		"$tmp/fold$k.out"
	cat "$tmp/fold$k.logits" >> "$tmp/slot-logits.tsv"
done
# shellcheck disable=SC2086
python3 scripts/fit_solo.py flags --slot-model "$tmp/slot.tsv" --slot-logits "$tmp/slot-logits.tsv" \
	$CAL "$tmp/slots-labelled.tsv" > "$tmp/flags.tsv"
"$DESPIN" scorer build -o "$tmp/models/scorer.bin" "$OUT"
# the language model the slots and features were computed with ($DESPIN_LM
# as set above, e.g. mix.bin; else lm.bin): named in solo.tsv, detection
# then uses it
LMLINE=
[ -n "${DESPIN_LM:-}" ] && LMLINE=$(printf 'lm\t%s' "$DESPIN_LM")
{ printf 'despin-solo\t3\nmin_words\t1\n'; [ -z "$LMLINE" ] || echo "$LMLINE"; cat "$tmp/flags.tsv"; } \
	> "$tmp/models/solo.tsv"
python3 scripts/bench_pairs.py --split fit --like "$BENCH" "$tmp/solo.tsv" "$PARAS" > "$tmp/paras.tsv"
cut -f1,2 "$tmp/solo.tsv" "$tmp/paras.tsv" > "$tmp/labels.tsv"
# shellcheck disable=SC2046
"$DESPIN" scan --solo --all --format json --models "$tmp/models" $(cut -f2 "$tmp/labels.tsv") \
	> "$tmp/scan.jsonl" || [ $? = 1 ]
python3 scripts/fit_solo.py article --flags "$tmp/flags.tsv" "$tmp/scan.jsonl" "$tmp/labels.tsv" \
	> "$SOLO_OUT"
[ -z "$LMLINE" ] || echo "$LMLINE" >> "$SOLO_OUT"
if [ -z "$PAIRS" ]; then
	cp "$tmp/features.tsv" "$BENCH/train-features.tsv"
	cp "$tmp/slots-labelled.tsv" "$BENCH/train-slots.tsv"
	[ ! -f "$tmp/changes-labelled.tsv" ] || cp "$tmp/changes-labelled.tsv" "$BENCH/train-changes.tsv"
	cp "$tmp/scan.jsonl" "$BENCH/train-solo-scan.jsonl"
fi
echo "fit_scorer: wrote $OUT from $(wc -l < "$tmp/pairs.tsv") examples" >&2
