#!/bin/sh
# Creating an SQLite index while another process does (src/store_sqlite.c):
# two 'despin index add' on a new index at the same moment both add their
# text, round after round; a creator that finds the file locked waits for
# --timeout as any writer does, and its message tells how long it waited,
# or that it did not.  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
S=corpus/seeds
A=$S/000_fcd469a446cc7cc8.txt
B=$S/003_cc34e14e2e5a732a.txt
ROUNDS=${DS_RACE_ROUNDS:-20}

bad=0 r=1
while [ $r -le "$ROUNDS" ]; do
	rm -f "$W"/race.db*
	"$DESPIN" index add -q --no-train -i "$W/race.db" "$A" > "$W/a.out" 2>&1 &
	pa=$!
	"$DESPIN" index add -q --no-train -i "$W/race.db" "$B" > "$W/b.out" 2>&1 &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	nsrc=$("$DESPIN" index list -i "$W/race.db" 2>/dev/null | awk 'NR > 1' | wc -l)
	if [ $ra != 0 ] || [ $rb != 0 ] || [ "$nsrc" != 2 ]; then
		bad=$((bad + 1))
		echo "# round $r: exits $ra and $rb, $nsrc sources"
		sed 's/^/#   /' "$W/a.out" "$W/b.out" | cut -c1-200
	fi
	r=$((r + 1))
done
check "two adds creating one index at once, $ROUNDS rounds: both add their text ($bad bad rounds)" $bad

# Another process holds the write lock of the new, still empty database
# (python's sqlite3 module) while despin would create its schema there.
held() { # TIMEOUT_SEC: runs the add under the lock; prints "exit seconds"
	rm -f "$W"/held.db*
	python3 - "$W/held.db" "$DESPIN" "$1" "$A" "$W/held.err" <<'PY'
import sqlite3, subprocess, sys, time
db, despin, timeout, text, errf = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("CREATE TABLE t(x)")
t0 = time.monotonic()
with open(errf, "w") as err:
	rc = subprocess.call([despin, "index", "add", "-q", "--no-train", "--timeout", timeout,
			      "-i", db, text], stdout=subprocess.DEVNULL, stderr=err)
print(rc, "%.2f" % (time.monotonic() - t0))
c.execute("ROLLBACK")
PY
}
set -- $(held 1)
sed 's/^/# /' "$W/held.err"
check "creating an index waits --timeout 1 for a lock, then fails (exit $1 after $2 s)" \
	$([ "$1" = 2 ] && awk -v s="$2" 'BEGIN { exit !(s >= 0.95 && s < 5) }'; echo $?)
w=$(sed -n 's/.*locked by another process (waited \([0-9]*\) ms)$/\1/p' "$W/held.err")
check "its message names the index and the time waited ($w ms)" \
	$(grep -q "held.db" "$W/held.err" && [ -n "$w" ] && [ "$w" -ge 950 ] && [ "$w" -lt 5000 ]; echo $?)
set -- $(held 0)
sed 's/^/# /' "$W/held.err"
check "with --timeout 0 it fails at once (exit $1 after $2 s), saying it did not wait" \
	$([ "$1" = 2 ] && grep -q "held.db is locked by another process (gave up at once, without waiting)" "$W/held.err"; echo $?)
echo "1..$n"
