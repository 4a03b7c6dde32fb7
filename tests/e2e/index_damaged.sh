#!/bin/sh
# An SQLite index with damaged pages, looked up by many articles at once:
# 'index query' and 'scan -i' go through every input, those whose look-up
# reaches a damaged page failing with a line that names the article (the
# JSON record of --format json gives it as "file", the reason alone as
# "error"), the others answered; exit 2.  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
B=corpus/bench
command -v python3 > /dev/null && { [ -f corpus/heldout.txt ] || [ -d $B/sources ]; } ||
	skip_all "damaged index" "python3 or texts missing (make check fetches them)"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
IX=$W/ix.db

if [ -d $B/sources ] && [ -d $B/spun ]; then
	ls $B/sources/*.txt | head -100 > "$W/sources"
	ls $B/spun/*.txt | head -30 > "$W/arts"
else
	# without the benchmark: 100 sources of three held-out paragraphs each,
	# and 30 copies of them with some words changed
	mkdir "$W/src" "$W/art"
	awk -v d="$W/src" 'NR <= 300 { f = sprintf("%s/s%03d.txt", d, int((NR - 1) / 3)); print > f; close(f) }' \
		corpus/heldout.txt
	for f in $(ls "$W"/src/*.txt | head -30); do
		sed 's/ the / a /g; s/ and / or /g' "$f" > "$W/art/$(basename "$f")"
	done
	ls "$W"/src/*.txt > "$W/sources"
	ls "$W"/art/*.txt > "$W/arts"
fi
"$DESPIN" index add -q --no-train -i "$IX" $(cat "$W/sources") > /dev/null 2> "$W/err"
check "an index of 100 sources" $?
# The page header of every fourth leaf page of the shingle sets overwritten:
# only the articles whose candidate sources sit on one of them fail.
python3 - "$IX" > "$W/dmg" 2>&1 <<'PY'
import sqlite3, sys
path = sys.argv[1]
c = sqlite3.connect(path)
try:
	pages = [r[0] for r in c.execute("SELECT pageno FROM dbstat WHERE name = 'shingles'"
					 " AND pagetype = 'leaf' ORDER BY pageno")]
except sqlite3.Error as e:
	print("no dbstat: %s" % e)
	sys.exit(3)
size = c.execute("PRAGMA page_size").fetchone()[0]
c.close()
with open(path, "r+b") as f:
	for p in pages[::4]:
		f.seek((p - 1) * size)
		f.write(b"\xff" * 300)
print("%d of %d pages damaged" % (len(pages[::4]), len(pages)))
PY
rc=$?
sed 's/^/# /' "$W/dmg"
if [ $rc = 3 ]; then
	ok "damaged index # SKIP python's sqlite3 has no dbstat"
	echo "1..$n"
	exit 0
fi
check "its pages damaged" $rc

# inputs_once FILE: the article names in FILE are the 30 inputs, each once.
inputs_once() { sort "$1" | cmp -s - "$W/arts.sorted"; }
sort "$W/arts" > "$W/arts.sorted"
# named_errors ERR NAMES: every line of ERR is "despin: ARTICLE: index IX is
# damaged: ...", ARTICLE (into NAMES) one of the inputs, none twice.
named_errors() {
	sed -n "s|^despin: \(.*\): index $IX is damaged: .*|\1|p" "$1" > "$2"
	[ -s "$2" ] && [ "$(wc -l < "$2")" = "$(wc -l < "$1")" ] &&
		[ -z "$(sort "$2" | uniq -d)" ] && [ -z "$(sort "$2" | comm -23 - "$W/arts.sorted")" ]
}

"$DESPIN" index query -i "$IX" $(cat "$W/arts") > "$W/q.out" 2> "$W/q.err"
rc=$?
sed 's/^/# /' "$W/q.err" | head -3
awk -F '\t' '$2 != "error"' "$W/q.out" | cut -f1 > "$W/q.names"
awk -F '\t' '$2 == "error"' "$W/q.out" | cut -f1 | sort > "$W/q.rows"
check "index query: exit 2, $(wc -l < "$W/q.names") answered and $(wc -l < "$W/q.err") failed of 30" \
	$([ $rc = 2 ] && [ -s "$W/q.names" ] && [ -s "$W/q.err" ]; echo $?)
check "... each error line names its article" $(named_errors "$W/q.err" "$W/q.failed"; echo $?)
check "... and each failed article has its error row" $(sort "$W/q.failed" | cmp -s - "$W/q.rows"; echo $?)
cat "$W/q.failed" >> "$W/q.names"
check "... every input answered or failed, once" $(inputs_once "$W/q.names"; echo $?)

if [ -f models/scorer.bin ]; then
	"$DESPIN" scan -i "$IX" $(cat "$W/arts") > "$W/s.out" 2> "$W/s.err"
	rc=$?
	sed 's/^/# /' "$W/s.err" | head -3
	check "scan -i: exit 2, $(grep -c '^error ' "$W/s.out") of 30 failed, the others judged" \
		$([ $rc = 2 ] && grep -q '^30 articles, ' "$W/s.out" && [ -s "$W/s.err" ] &&
		  [ "$(grep -c '^error ' "$W/s.out")" = "$(wc -l < "$W/s.err")" ]; echo $?)
	check "... each error line names its article" $(named_errors "$W/s.err" "$W/s.failed"; echo $?)
	"$DESPIN" scan --format json -i "$IX" $(cat "$W/arts") > "$W/j.out" 2> /dev/null
	python3 - "$W/j.out" "$IX" "$W/j.failed" <<'PY' > "$W/j.why"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in recs if "error" in r]
with open(sys.argv[3], "w") as f:
	for r in bad:
		f.write(r["file"] + "\n")
ok = len(recs) == 30 and bad and all(
	r["error"].startswith("index %s is damaged: " % sys.argv[2]) for r in bad)
print("%d records, %d errors: %s" % (len(recs), len(bad), bad[0] if bad else "-"))
sys.exit(0 if ok else 1)
PY
	rc=$?
	sed 's/^/# /' "$W/j.why"
	sort "$W/s.failed" > "$W/s.sorted"
	check "... as JSON: the article as \"file\", the reason alone as \"error\", the same articles" \
		$([ $rc = 0 ] && sort "$W/j.failed" | cmp -s - "$W/s.sorted"; echo $?)
fi
echo "1..$n"
