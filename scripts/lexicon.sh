#!/bin/sh
# Builds the synonym-substitution lexicon: the TSV source of truth
# (models/lex.tsv, generated, not committed) from WordNet 3.0, the OpenOffice
# thesaurus, number words and distributional neighbours in corpus/train.txt,
# then the binary model.  Both are written atomically by despin.
# Usage: scripts/lexicon.sh DESPIN OUT.bin
# Environment: WORDNET_DIR, MYTHES (thesaurus files), LEX_CORPUS (clean text,
# default corpus/train.txt; left out when missing), LEX_OBSERVED (pairs seen
# in aligned spun/source texts, default models/lex-observed.tsv if present).
set -eu
DESPIN=${1:?usage: scripts/lexicon.sh DESPIN OUT.bin}
OUT=${2:?usage: scripts/lexicon.sh DESPIN OUT.bin}
WORDNET_DIR=${WORDNET_DIR:-/usr/share/wordnet}
MYTHES=${MYTHES:-/usr/share/mythes/th_en_US_v2.dat}
LEX_CORPUS=${LEX_CORPUS:-corpus/train.txt}
LEX_OBSERVED=${LEX_OBSERVED:-$(dirname "$OUT")/lex-observed.tsv}
TSV=$(dirname "$OUT")/lex.tsv

for f in "$WORDNET_DIR/data.noun" "$MYTHES"; do
	if [ ! -r "$f" ]; then
		echo "lexicon: missing $f (install wordnet-base and mythes-en-us: make deps)" >&2
		exit 1
	fi
done
set -- --wordnet "$WORDNET_DIR" --mythes "$MYTHES"
if [ -r "$LEX_CORPUS" ]; then
	set -- "$@" --corpus "$LEX_CORPUS"
else
	echo "lexicon: warning: no $LEX_CORPUS: building without distributional pairs (make corpus)" >&2
fi
"$DESPIN" lex build-tsv "$@" -o "$TSV"

set -- --wordnet "$WORDNET_DIR"
[ -r "$LEX_OBSERVED" ] && set -- "$@" --observed "$LEX_OBSERVED"
"$DESPIN" lex build "$@" -o "$OUT" "$TSV"
