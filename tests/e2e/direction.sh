#!/bin/sh
# End-to-end test of the source's direction in batch mode: a text and its
# spun copy, in either order and without dates, flag the copy against the
# original, and the original is judged on its own (source_direction
# "original") and not flagged; a text and a trimmed copy of it, which no
# change orders, flag neither; a republication beside its own spin is
# judged against the story it republished, not against the spin.  Speaks TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib/tap.sh"
OUT=${TMPDIR:-/tmp}/ds-direction.$$
trap 'rm -rf "$OUT"' EXIT INT TERM
mkdir -p "$OUT/a" "$OUT/b" "$OUT/c"

if [ ! -f models/scorer.bin ] || ! command -v python3 >/dev/null 2>&1 || [ ! -d /usr/share/wordnet ]; then
	echo "1..0 # SKIP models, python3 or WordNet missing (make models, make deps)"
	exit 0
fi
orig=corpus/seeds/000_fcd469a446cc7cc8.txt
# the spun copy sorts first in one batch and last in the other
scripts/spin.py --thesaurus wordnet --policy random --rate 0.2 --seed 11 < "$orig" > "$OUT/a/0-copy.txt"
cp "$orig" "$OUT/a/1-orig.txt"
cp "$orig" "$OUT/b/0-orig.txt"
cp "$OUT/a/0-copy.txt" "$OUT/b/1-copy.txt"
for d in a b; do
	"$DESPIN" scan --format json "$OUT/$d" > "$OUT/$d.jsonl" 2> "$OUT/$d.err"
	python3 - "$OUT/$d.jsonl" > "$OUT/$d.verdicts" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    name = j["file"].rsplit("/", 1)[1].split("-", 1)[1]
    src = j["source"].rsplit("/", 1)[-1].split("-", 1)[-1] if j["source"] else "-"
    print(name, j["verdict"], src, j.get("source_direction", "-"))
PY
	if grep -q '^orig.txt clean - original' "$OUT/$d.verdicts" && grep -q '^copy.txt spun orig.txt -' "$OUT/$d.verdicts"; then
		ok "batch $d: the copy is flagged against the original, the original is judged on its own"
	else
		nok "batch $d: the copy is flagged against the original, the original is judged on its own"
		sed 's/^/# /' "$OUT/$d.verdicts" "$OUT/$d.err"
	fi
done
# a copy of a copy: each copy is flagged against the original (the cleaner
# of its candidate sources), undated and with one date on all three (an
# outlet's scraper keeps the date line), and the original is not flagged
scripts/spin.py --thesaurus wordnet --policy random --rate 0.1 --seed 3 < "$orig" > "$OUT/a-copy.txt"
scripts/spin.py --thesaurus wordnet --policy random --rate 0.1 --seed 5 < "$OUT/a-copy.txt" > "$OUT/b-copy.txt"
for dated in undated dated; do
	mkdir -p "$OUT/$dated"
	for f in orig:"$orig" a:"$OUT/a-copy.txt" b:"$OUT/b-copy.txt"; do
		if [ $dated = dated ]; then
			cat "${f#*:}"
		else
			sed '1s/^ *date [0-9-]* *//' "${f#*:}"
		fi > "$OUT/$dated/${f%%:*}.txt"
	done
	"$DESPIN" scan --format json "$OUT/$dated" > "$OUT/$dated.jsonl"
	python3 - "$OUT/$dated.jsonl" > "$OUT/$dated.verdicts" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    src = j["source"].rsplit("/", 1)[-1] if j["source"] else "-"
    print(j["file"].rsplit("/", 1)[1], j["verdict"], src)
PY
	if [ "$(cat "$OUT/$dated.verdicts")" = "a.txt spun orig.txt
b.txt spun orig.txt
orig.txt clean -" ]; then
		ok "a copy of a copy, $dated: both copies flagged against the original"
	else
		nok "a copy of a copy, $dated: both copies flagged against the original"
		sed 's/^/# /' "$OUT/$dated.verdicts"
	fi
done
# a text and a trimmed copy (a paragraph dropped): no change tells which
# copied which, and neither is flagged
cp "$orig" "$OUT/c/0-x.txt"
awk 'NR != 5' "$orig" > "$OUT/c/1-y.txt"
"$DESPIN" scan --format json "$OUT/c" > "$OUT/c.jsonl"
if [ "$(grep -c '"verdict":"clean"' "$OUT/c.jsonl")" = 2 ]; then
	ok "trimmed copy: neither flagged"
else
	nok "trimmed copy: neither flagged"
	sed 's/^/# /' "$OUT/c.jsonl" | cut -c1-300
fi
# a republication and its spin: 001 republishes the wire story 000 (a
# day older by their date lines) and adds lines of its own, and a spin of
# 001 holds those lines too.  001 is judged against 000 alone, not against
# its own spun copy on the lines only the copy shares (it was flagged so);
# the spin is flagged
mkdir -p "$OUT/w"
cp corpus/seeds/000_fcd469a446cc7cc8.txt "$OUT/w/wire.txt"
cp corpus/seeds/001_455d42bae2579fa5.txt "$OUT/w/repub.txt"
scripts/spin.py --thesaurus wordnet --policy random --rate 0.2 --seed 13 < corpus/seeds/001_455d42bae2579fa5.txt > "$OUT/w/spin.txt"
"$DESPIN" scan --format json "$OUT/w" > "$OUT/w.jsonl"
python3 - "$OUT/w.jsonl" > "$OUT/w.verdicts" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    srcs = ",".join(s["name"].rsplit("/", 1)[-1] for s in j["sources"]) or "-"
    print(j["file"].rsplit("/", 1)[1], j["verdict"], srcs, len(j["substitutions"]))
PY
if grep -q '^repub.txt clean wire.txt 0$' "$OUT/w.verdicts" && grep -q '^spin.txt spun ' "$OUT/w.verdicts" &&
	grep -q '^wire.txt clean ' "$OUT/w.verdicts"; then
	ok "a republication beside its spin: judged against the wire story, not its copy"
else
	nok "a republication beside its spin: judged against the wire story, not its copy"
	sed 's/^/# /' "$OUT/w.verdicts"
fi
echo "1..$n"
