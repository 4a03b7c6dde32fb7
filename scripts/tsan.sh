#!/bin/sh
# Runs the unit test programs, multi-threaded scans (scan -j 4: solo,
# batch, with an index, --stdin-json; explain and report -j 4) and, when
# redis-server is installed, workers (reader and judge threads, -j 3) built
# with ThreadSanitizer (make tsan builds BUILD, default build-tsan).  Exit 1
# on any report of a data race or any failure.  Usage: scripts/tsan.sh [BUILD]
BUILD=${1:-build-tsan}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
DESPIN=$TOP/$BUILD/despin
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export DS_TOP="$TOP"
W=$(mktemp -d)
RPID=
trap 'if [ -n "$RPID" ]; then kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; fi; rm -rf "$W"' EXIT
trap 'exit 2' HUP INT TERM
pass=0 fail=0
run() { # LABEL CMD...: passes on exit 0 or 1 (a verdict) without a report,
	# within ten minutes (a hang fails, status 124)
	label=$1
	shift
	timeout -k 10 600 "$@" > "$W/out" 2> "$W/err"
	rc=$?
	if [ $rc -le 1 ] && ! grep -q "WARNING: ThreadSanitizer" "$W/err"; then
		pass=$((pass + 1)); echo "ok - $label"
	else
		fail=$((fail + 1)); echo "not ok - $label (exit $rc)"
		grep -A30 "WARNING: ThreadSanitizer" "$W/err" | head -40 | sed 's/^/# /'
		[ -s "$W/err" ] && tail -3 "$W/err" | sed 's/^/# /'
	fi
}
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
ls corpus/seeds/*.txt > "$W/list"
find corpus/bench-heldout -name '*.txt' 2> /dev/null | sort | head -40 >> "$W/list"
# shellcheck disable=SC2046
set -- $(cat "$W/list")
run "scan --solo -j 4" "$DESPIN" scan --solo -j 4 "$@"
run "scan -j 4 (batch)" "$DESPIN" scan -j 4 corpus/seeds
"$DESPIN" index add -q -i "$W/ix.db" corpus/seeds > /dev/null 2>&1
run "scan -i INDEX -j 4" "$DESPIN" scan -i "$W/ix.db" -j 4 --format json "$@"
python3 -c '
import json, sys
for p in sys.argv[1:]:
    print(json.dumps({"id": p, "text": open(p).read()}))
' "$@" > "$W/in.jsonl"
run "scan --stdin-json -j 4" sh -c "'$DESPIN' scan --solo --stdin-json -j 4 < '$W/in.jsonl'"
# the verdicts are handed back on the workers: explain's and report's too
run "explain --solo -j 4" "$DESPIN" explain --solo -j 4 "$@"
run "report --solo -j 4" "$DESPIN" report --html "$W/report.html" --solo -j 4 "$@"
if command -v redis-server > /dev/null && command -v redis-cli > /dev/null; then
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$W" \
		> "$W/redis.log" 2>&1 &
	RPID=$!
	i=0
	until [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ] || [ $i -ge 100 ]; do
		i=$((i + 1)); sleep 0.05
	done
	U=redis://127.0.0.1:$PORT
	"$DESPIN" index add -q -i "$U" corpus/seeds > /dev/null 2>&1
	"$DESPIN" submit --queue "$U" "$@" > /dev/null 2>&1
	run "worker (two readers and the judge)" "$DESPIN" worker -i "$U" --until-empty --readers 2
	run "worker --stats" sh -c "'$DESPIN' worker --stats --queue '$U' | grep -qx 'processed *$#'"
	"$DESPIN" submit --queue "$U" "$@" > /dev/null 2>&1
	run "worker -j 3 (three judges, two readers)" "$DESPIN" worker -i "$U" --until-empty -j 3
	run "worker --stats after -j 3" sh -c "'$DESPIN' worker --stats --queue '$U' | grep -qx 'processed *$(($# * 2))'"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
