#!/bin/sh
# Round-trip machine translation of English text through a pivot language
# with apertium: English -> PIVOT -> English.
# Usage: scripts/roundtrip.sh spa|epo [FILE...] > out.txt   (stdin when no FILE)
#   spa  English-Spanish (apertium-eng-spa, modes eng-spa and spa-eng)
#   epo  English-Esperanto (apertium-eo-en, modes en-eo and eo-en)
# Apertium's marks of unknown (*), untranslatable (#) and ambiguous (@) words
# are removed after each leg, and the blanks it leaves before punctuation or
# at the start of lines are tidied.  Newlines and blank lines are kept, so
# many texts can go through in one call when separated by lines that survive
# translation, such as "[[[00017]]]".
set -eu

usage() { echo "usage: roundtrip.sh spa|epo [FILE...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
case "$1" in
spa) there=eng-spa back=spa-eng ;;
epo) there=en-eo back=eo-en ;;
*) usage ;;
esac
shift

command -v apertium >/dev/null 2>&1 || {
	echo "roundtrip: apertium is not installed (apt-get install apertium apertium-eng-spa apertium-eo-en)" >&2
	exit 1
}
modes=$(apertium -l 2>/dev/null || true)
for m in "$there" "$back"; do
	if ! printf '%s\n' "$modes" | grep -qx "[[:space:]]*$m"; then
		echo "roundtrip: apertium mode $m is not installed" >&2
		exit 1
	fi
done

LC_ALL=C
export LC_ALL
unmark='s/(^|[^[:alnum:]])[*#@]+([^[:space:][:punct:]])/\1\2/g'

cat "$@" |
	apertium -u -f txt "$there" |
	sed -E "$unmark" |
	apertium -u -f txt "$back" |
	sed -E -e "$unmark" -e 's/[ 	]+([.,;:!?%])/\1/g' -e 's/^[ 	]+//' -e 's/[ 	]{2,}/ /g'
