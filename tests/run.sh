#!/bin/sh
# Runs every test of despin: unit test programs (TAP), golden-file tests of
# the command line (tests/cli/NAME/{cmd,expected,status,stderr}, run by
# tests/cli/run.sh) and end-to-end tests (tests/e2e/*.sh).
# Usage: tests/run.sh BUILD_DIR [NAME...]: with names, only the suites whose
# path contains one of them (e.g. "tests/run.sh build test_lex redis.sh").
# Ends with the line "N passed, N failed".  A suite still running after
# DS_TEST_TIMEOUT seconds (default 600) is stopped and counted failed.
BUILD=${1:-build}
[ $# -gt 0 ] && shift
picked() { # SUITE: chosen by the names on the command line (all without)
	[ -z "$NAMES" ] && return 0
	for want in $NAMES; do
		case $1 in *"$want"*) return 0 ;; esac
	done
	return 1
}
NAMES="$*"
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
export DESPIN="$TOP/$BUILD/despin" DS_TOP="$TOP" BUILD
OUT="$TOP/tests/out"
rm -rf "$OUT"; mkdir -p "$OUT"
pass=0 fail=0 skip=0
failed_names=""
LIMIT=${DS_TEST_TIMEOUT:-600}

# limited CMD...: CMD, stopped (TERM, then KILL ten seconds on) after LIMIT
# seconds (coreutils' timeout: status 124, or 137 after the KILL)
limited() {
	t0=$(date +%s)
	timeout -k 10 "$LIMIT" "$@"
}

# timed_out SUITE STATUS: whether limited stopped the suite (its status
# and the time taken tell, so that a suite killed otherwise is not taken
# for one), and if so counts and names it
timed_out() {
	[ "$2" -eq 124 ] || [ "$2" -eq 137 ] || return 1
	[ $(($(date +%s) - t0)) -ge "$LIMIT" ] || return 1
	fail=$((fail + 1)); failed_names="$failed_names
  $1: still running after $LIMIT s, stopped"
	echo "not ok - $1 still running after $LIMIT s, stopped"
}

tally() { # reads TAP on stdin, prints it, counts
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		"ok "*"# SKIP"*) skip=$((skip + 1)) ;;
		"ok "*) pass=$((pass + 1)) ;;
		"not ok "*) fail=$((fail + 1)); failed_names="$failed_names
  $suite: ${line#not ok }" ;;
		esac
	done
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	picked "$t" || continue
	suite=$(basename "$t")
	echo "# $suite"
	limited "$t" > "$OUT/$suite.tap" 2>&1
	rc=$?
	tally < "$OUT/$suite.tap"
	if timed_out "$suite" $rc; then
		:
	elif [ $rc -ne 0 ] && ! grep -q '^not ok' "$OUT/$suite.tap"; then
		fail=$((fail + 1)); failed_names="$failed_names
  $suite: exited with status $rc"
		echo "not ok - $suite exited with status $rc"
	fi
done

for t in tests/cli/run.sh tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	picked "$t" || continue
	suite=$t
	echo "# $suite"
	limited sh "$t" > "$OUT/$(echo "$suite" | tr / _).tap" 2>&1
	rc=$?
	tally < "$OUT/$(echo "$suite" | tr / _).tap"
	timed_out "$suite" $rc
done

[ -n "$failed_names" ] && printf 'failed:%s\n' "$failed_names"
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
