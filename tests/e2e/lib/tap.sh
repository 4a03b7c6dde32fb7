# Sourced by the end-to-end tests (tests/e2e/*.sh): the repository as the
# working directory, an absolute $DESPIN, and TAP lines counted in $n.
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
DESPIN=${DESPIN:-build/despin}
case $DESPIN in /*) ;; *) DESPIN=$TOP/$DESPIN ;; esac
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
# skip LABEL REASON: one check skipped.
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# skip_all LABEL REASON: the whole test skipped, as one TAP line; exits.
skip_all() { echo "ok 1 - $1 # SKIP $2"; echo "1..1"; exit 0; }
# need_python_despin: the whole test skipped (no plan) unless python3 and
# $DESPIN are there; exits.
need_python_despin() {
	if ! command -v python3 >/dev/null 2>&1 || [ ! -x "$DESPIN" ]; then
		echo "1..0 # SKIP python3 or despin missing"
		exit 0
	fi
}
# check LABEL STATUS: ok when STATUS is 0.
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; fi; }
# same LABEL FILE1 FILE2: ok when the files are equal, else their diff.
same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		nok "$1"
		diff "$2" "$3" | sed 's/^/# /' | head -20
	fi
}
# workdir NAME: $OUT, a fresh scratch folder ${TMPDIR:-/tmp}/ds-NAME.PID,
# removed on exit unless DS_KEEP is set (to look into it after a failure).
workdir() {
	OUT=${TMPDIR:-/tmp}/ds-$1.$$
	trap '[ -n "${DS_KEEP:-}" ] || rm -rf "$OUT"' EXIT INT TERM
	mkdir -p "$OUT"
}
