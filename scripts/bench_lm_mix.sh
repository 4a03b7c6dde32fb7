#!/bin/sh
# The language-model mixture, measured ('make bench', section lmmix):
# perplexity and unknown-word rate on held-out text of several registers for
#   corpus       models/lm.bin (Brown + State of the Union 4-gram)
#   background   models/bg.bin (CMU Sphinx US English 3-gram, pocketsphinx-en-us)
#                on the words-only stream (lower case, no punctuation or number
#                classes: what it models), without OOVs (the Sphinx model has
#                no <unk>), next to the corpus model and the mixture on that
#                stream (with OOVs / without)
#   mixture      models/mix.bin (the two interpolated per word, EM weights)
#   +index 1k    the mixture plus the in-domain model of an index of 1,000
#                e-mails ('despin index train'), on held-out e-mails
#   +index all   the same with every e-mail of the pool (4,124)
# and the start-up cost of each model (load time, 'despin lm info').
# Perplexities count </s> and unknown words (KenLM's convention, as 'despin lm
# score' prints them); OOV% is the share of tokens the model does not know.
# Registers: held-out paragraphs of the training corpus (the even ones: the
# mixture's weights are fitted on the odd ones), 1961 press (Brown ca/cb/cc
# files left out of training), speeches of 1998 and 2010, news of 2025 (the
# clean seed articles), e-mail (every 10th e-mail of corpus/email, from
# scripts/corpus_email.sh; the others are the pool indexed).
# Usage: scripts/bench_lm_mix.sh [BUILD_DIR]
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
D="$BUILD/despin"
W="$BUILD/bench-lmmix"
for f in models/lm.bin models/bg.bin models/mix.bin; do
	[ -f "$f" ] || { echo "bench_lm_mix: no $f (install pocketsphinx-en-us, then make models)"; exit 0; }
done
scripts/corpus_email.sh || { echo "bench_lm_mix: no e-mail corpus; skipping"; exit 0; }
rm -rf "$W"
mkdir -p "$W"

# registers
awk 'NR % 2 == 0' corpus/heldout.txt > "$W/heldout.txt"
ls corpus/email | awk 'NR % 10 == 0 { print "corpus/email/" $0 }' > "$W/email-held.lst"
ls corpus/email | awk 'NR % 10 != 0 { print "corpus/email/" $0 }' > "$W/email-pool.lst"
head -1000 "$W/email-pool.lst" > "$W/email-1k.lst"
set -- \
	"heldout|$W/heldout.txt" \
	"press-1961|$(ls corpus/bench-heldout/brown-c[abc]*.txt | tr '\n' ' ')" \
	"speeches-1998-2010|$(ls corpus/bench-heldout/sotu-1998* corpus/bench-heldout/sotu-2010* | tr '\n' ' ')" \
	"news-2025|$(ls corpus/seeds/00[0124]_*.txt | tr '\n' ' ')" \
	"email|$(tr '\n' ' ' < "$W/email-held.lst")"

# indexes of in-domain e-mails, trained for the mixture
for n in 1k pool; do
	xargs "$D" index add -q --no-train -i "$W/ix-$n.db" < "$W/email-$n.lst" > /dev/null
	DESPIN_LM=mix.bin "$D" index train -i "$W/ix-$n.db" > "$W/train-$n.txt"
	echo "index of $(wc -l < "$W/email-$n.lst") e-mails: $(cat "$W/train-$n.txt")"
done

# "PPL (OOV%)" from a summary line; fmtx: the perplexity without OOVs
fmt() { awk '/^perplexity/ { printf "%.1f (%.1f%%)", $2, 100 * $8 / $6 }'; }
# fmtb: with OOVs / without (OOV%)
fmtb() { awk '/^perplexity/ { sub(/\):$/, "", $5); printf "%.1f / %.1f (%.1f%%)", $2, $5, 100 * $8 / $6 }'; }
fmtx() { awk '/^perplexity/ { sub(/\):$/, "", $5); printf "%.1f (%.1f%%)", $5, 100 * $8 / $6 }'; }
words_only() { # the model words without punctuation and number classes, one sentence a line
	"$D" lm tokens "$@" | awk '{ o = ""; for (i = 1; i <= NF; i++) if ($i ~ /[[:alnum:]]/ && $i !~ /^<.*>$/) o = o (o ? " " : "") $i; if (o != "") print o }'
}
printf '\n| register | tokens | corpus | mixture | mixture + index 1k | mixture + index %s | words only: corpus | words only: background | words only: mixture |\n' "$(wc -l < "$W/email-pool.lst" | tr -d ' ')"
echo '|---|---|---|---|---|---|---|---|---|'
for r in "$@"; do
	name=${r%%|*}
	files=${r#*|}
	# shellcheck disable=SC2086
	c=$("$D" lm score --summary -m models/lm.bin $files)
	tokens=$(echo "$c" | awk '{ print $6 }')
	# shellcheck disable=SC2086
	m=$("$D" lm score --summary -m models/mix.bin $files | fmt)
	i1="-" ia="-"
	if [ "$name" = email ]; then
		# shellcheck disable=SC2086
		i1=$(DESPIN_LM=mix.bin "$D" lm score --summary -m models/mix.bin -i "$W/ix-1k.db" $files | fmt)
		# shellcheck disable=SC2086
		ia=$(DESPIN_LM=mix.bin "$D" lm score --summary -m models/mix.bin -i "$W/ix-pool.db" $files | fmt)
	fi
	# shellcheck disable=SC2086
	words_only $files > "$W/$name.words"
	wb=$("$D" lm score --summary --pretokenized -m models/bg.bin "$W/$name.words" | fmtx)
	wm=$("$D" lm score --summary --pretokenized -m models/mix.bin "$W/$name.words" | fmtb)
	wc=$("$D" lm score --summary --pretokenized -m models/lm.bin "$W/$name.words" | fmtb)
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$tokens" "$(echo "$c" | fmt)" "$m" "$i1" "$ia" "$wc" "$wb" "$wm"
done

echo
echo "load (despin lm info, 3 runs each, ms):"
for m in lm.bin bg.bin mix.bin; do
	printf '  %-8s' "$m"
	for i in 1 2 3; do
		printf ' %s' "$("$D" lm info -m "models/$m" | awk '/^load_ms/ { print $2 }')"
	done
	echo
done
printf '  %-8s' "mix+ix"
for i in 1 2 3; do
	t0=$(date +%s%N)
	DESPIN_LM=mix.bin "$D" lm score --summary -m models/mix.bin -i "$W/ix-pool.db" corpus/seeds/000_fcd469a446cc7cc8.txt > /dev/null
	t1=$(date +%s%N)
	printf ' %s' "$(( (t1 - t0) / 1000000 ))"
done
echo " (whole command, scoring one article)"
