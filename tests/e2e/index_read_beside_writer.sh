#!/bin/sh
# Readers of an SQLite index beside writers of other processes: scan -i with
# two threads (two connections in one process) judges every article while
# 'index add' processes, one after another, add sources and close.  When
# opening the second connection read the file's header through a file
# descriptor of its own and closed it, the process lost its shared lock on
# the index; a writer closing last then took the log away under the readers,
# who read "database disk image is malformed".  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
[ -f models/scorer.bin ] && [ -f corpus/heldout.txt ] ||
	skip_all "readers beside writers" "models or corpus/heldout.txt missing (make check builds them)"
W=$(mktemp -d)
trap 'kill $AP 2>/dev/null; rm -rf "$W"' EXIT INT TERM
IX=$W/ix.db
mkdir "$W/src" "$W/more" "$W/art"
# 60 sources of six held-out paragraphs, 120 more to add, 40 articles
awk -v d="$W" 'NR <= 1080 { i = int((NR - 1) / 6); f = sprintf("%s/%s/s%03d.txt", d, i < 60 ? "src" : "more", i); print > f; close(f) }' \
	corpus/heldout.txt
for f in $(ls "$W"/src/*.txt | head -40); do
	sed 's/ the / a /g; s/ and / or /g' "$f" > "$W/art/$(basename "$f")"
done
"$DESPIN" index add -q --no-train -i "$IX" "$W/src" > /dev/null 2>&1
check "an index of 60 sources" $?
(for f in "$W"/more/*.txt; do "$DESPIN" index add -q --no-train -i "$IX" "$f" > /dev/null 2>&1 || echo "add $f failed"; done) > "$W/adds" &
AP=$!
errs=0
for round in 1 2 3; do
	"$DESPIN" scan -i "$IX" -j 2 --format json "$W/art" > "$W/out" 2> "$W/err"
	rc=$?
	e=$(grep -c '^{"file":"[^"]*","error"' "$W/out")
	errs=$((errs + e))
	[ $rc = 2 ] && sed 's/^/# /' "$W/err" | head -2
done
wait $AP
check "scan -i -j 2 beside 120 'index add' processes: 120 articles judged, $errs failed" $([ $errs = 0 ]; echo $?)
check "every add succeeded" $([ ! -s "$W/adds" ]; echo $?)
"$DESPIN" index check -i "$IX" > /dev/null 2>&1
check "index check passes after" $?
echo "1..$n"
