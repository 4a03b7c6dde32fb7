#!/bin/sh
# An SQLite index its reader may read but not write (src/store_sqlite.c,
# open_unwritable): in a directory the reader may not write, or a file of
# mode 444.  list, stats, check, query and scan -i read it; they see the
# commits a writer's log (-wal) still holds, refuse a log they cannot read
# rather than show the index without it, and leave no file beside the index,
# so that its owner's writers go on.  The reader is 'nobody', the owner
# 'daemon' (runuser); skipped unless run as root.  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; sed 's/^/# /' "$W/err" 2>/dev/null | head -5; fi; }

if [ "$(id -u)" != 0 ] || ! command -v runuser > /dev/null 2>&1 ||
   ! id nobody > /dev/null 2>&1 || ! id daemon > /dev/null 2>&1; then
	echo "ok 1 - an index its reader may not write # SKIP needs root, runuser and the users nobody and daemon"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
trap 'exit 2' INT TERM
chmod 755 "$W"
# The program and the texts where both users can read them.
cp "$DESPIN" "$W/despin"
DESPIN=$W/despin
mkdir "$W/seeds"
cp corpus/seeds/*.txt "$W/seeds/"
chmod -R a+rX "$W"
S=$W/seeds
NEW=$S/004_1faaaa5fa0c635fb.txt
as() { u=$1; shift; runuser -u "$u" -- "$@"; }
# files DIR: the names in DIR, on one line
files() { (cd "$1" && echo *); }

# ---- a directory the reader may not write ----
mkdir "$W/own"
chown daemon "$W/own"
as daemon "$DESPIN" index add -q --no-train -i "$W/own/s.db" "$S"/00[0-3]_*.txt > /dev/null
as nobody "$DESPIN" index list -i "$W/own/s.db" > "$W/list" 2> "$W/err"
check "list by a user who may not write the index's directory" \
	$([ $? = 0 ] && [ "$(wc -l < "$W/list")" = 5 ]; echo $?)
as nobody "$DESPIN" index stats -i "$W/own/s.db" > "$W/out" 2> "$W/err"
check "... stats" $([ $? = 0 ] && grep -qx "sources  *4" "$W/out"; echo $?)
as nobody "$DESPIN" index check -i "$W/own/s.db" > "$W/out" 2> "$W/err"
check "... check" $([ $? = 0 ] && grep -q ": ok$" "$W/out"; echo $?)
as nobody "$DESPIN" index query -i "$W/own/s.db" "$S/000_fcd469a446cc7cc8.txt" > "$W/out" 2> "$W/err"
check "... query" $([ $? = 0 ] && grep -q "similarity 1.000" "$W/out"; echo $?)
if [ -f models/lm.bin ] && [ -f models/lex.bin ] && [ -f models/scorer.bin ]; then
	as nobody "$DESPIN" scan --models "$TOP/models" -i "$W/own/s.db" \
		"$S/003_cc34e14e2e5a732a.txt" > "$W/out" 2> "$W/err"
	check "... scan -i" $([ $? = 1 ] && grep -q "^spun .*000_fcd469a446cc7cc8" "$W/out"; echo $?)
fi
check "... which leave no file beside the index" $([ "$(files "$W/own")" = s.db ]; echo $?)
as daemon "$DESPIN" index list -i "$W/own/s.db" > "$W/list.owner" 2> "$W/err"
same "... and list what its owner lists" "$W/list.owner" "$W/list"
as nobody "$DESPIN" index add -i "$W/own/s.db" "$NEW" > "$W/out" 2> "$W/err"
check "an add by that user is refused, naming the file (exit 2)" \
	$([ $? = 2 ] && grep -q "cannot write index .*own/s.db: Permission denied" "$W/err"; echo $?)
rm -f "$W/own/s.db-wal" "$W/own/s.db-shm" # the owner's list left them
chmod 666 "$W/own/s.db"
as nobody "$DESPIN" index add -i "$W/own/s.db" "$NEW" > "$W/out" 2> "$W/err"
check "... and so is one that may write the file, not the directory its log goes to" \
	$([ $? = 2 ] && grep -q "own/s.db-wal cannot be made in .*own: Permission denied" "$W/err"; echo $?)
chmod 644 "$W/own/s.db"

# ---- a file of mode 444 in a directory anyone may write ----
mkdir "$W/shared"
chmod 777 "$W/shared"
as daemon "$DESPIN" index add -q --no-train -i "$W/shared/s.db" "$S"/00[0-3]_*.txt > /dev/null
chmod 444 "$W/shared/s.db"
as nobody "$DESPIN" index list -i "$W/shared/s.db" > "$W/out" 2> "$W/err"
check "list of an index of mode 444 by another user" \
	$([ $? = 0 ] && [ "$(wc -l < "$W/out")" = 5 ]; echo $?)
as daemon "$DESPIN" index stats -i "$W/shared/s.db" > "$W/out" 2> "$W/err"
check "... and by its owner" $([ $? = 0 ] && grep -qx "sources  *4" "$W/out"; echo $?)
check "... leave no -wal or -shm (they would get mode 444)" \
	$([ "$(files "$W/shared")" = s.db ]; echo $?)
chmod 644 "$W/shared/s.db"
as daemon "$DESPIN" index add --no-train -i "$W/shared/s.db" "$NEW" > "$W/out" 2> "$W/err"
check "... so that the owner adds to it once it is writable again" \
	$([ $? = 0 ] && grep -qx "1 added, 0 already present" "$W/out"; echo $?)

# ---- commits still in a writer's log ----
if command -v sqlite3 > /dev/null 2>&1; then
	rm -f "$W/own/s.db-wal" "$W/own/s.db-shm"
	# sqlite3 keeps the index open meanwhile, so that the add's close
	# leaves its commit in the log (the last to close copies it in); then
	# the index, its log and the log's index are copied as a writer killed
	# there would leave them.
	sqlite3 "$W/own/s.db" "SELECT count(*) FROM source;" \
		".shell runuser -u daemon -- $DESPIN index add -q --no-train -i $W/own/s.db $NEW > /dev/null" \
		".shell runuser -u nobody -- $DESPIN index list -i $W/own/s.db > $W/held 2> $W/err; echo \$? > $W/held.rc" \
		".shell mkdir $W/crash && cp $W/own/s.db $W/own/s.db-wal $W/own/s.db-shm $W/crash/" \
		> /dev/null 2>&1
	check "a reader sees the commit in the log of a writer that has the index open" \
		$([ "$(cat "$W/held.rc")" = 0 ] && [ "$(wc -l < "$W/held")" = 6 ] &&
		  grep -q "004_1faaaa5fa0c635fb" "$W/held" && [ -s "$W/crash/s.db-wal" ]; echo $?)
	chown -R daemon "$W/crash"
	chmod 777 "$W/crash"
	as nobody "$DESPIN" index list -i "$W/crash/s.db" > "$W/out" 2> "$W/err"
	check "... and in the log a killed writer left" \
		$([ $? = 0 ] && [ "$(wc -l < "$W/out")" = 6 ] && grep -q "004_1faaaa5fa0c635fb" "$W/out"; echo $?)
	rm "$W/crash/s.db-shm"
	as nobody "$DESPIN" index list -i "$W/crash/s.db" > "$W/out" 2> "$W/err"
	rc=$?
	check "a log with commits but no -shm is refused, naming both, not read around (exit 2)" \
		$([ $rc = 2 ] && [ ! -s "$W/out" ] &&
		  grep -q "s.db-wal holds commits not yet in the file, and .*s.db-shm, needed to read them, is missing" "$W/err"; echo $?)
	check "... and nothing is made beside it" \
		$([ "$(files "$W/crash")" = "s.db s.db-wal" ]; echo $?)
else
	ok "a writer's log # SKIP sqlite3 not installed"
fi
echo "1..$n"
