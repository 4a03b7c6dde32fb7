#!/bin/sh
# Start-up of 'despin scan --solo' on a one-sentence file after the models
# were read from disk: for each DESPIN MODELS pair, copies the models into a
# temporary directory, drops the copies from the page cache
# (posix_fadvise DONTNEED on files no other process maps), runs one cold
# start, then N warm starts under 'perf stat -e task-clock,page-faults', and
# prints the peak resident size of one more, and how much of a scan's
# resident memory it owns and how much is mapped model pages.  The copies
# are removed after.
# How the kernel cached a model decides what a start costs (large folios
# when read through despin's mapping, small pages when a copy was written
# with cp or install): docs/README-perf.md.
# Usage: scripts/bench_startup.sh [-r N] DESPIN MODELS [DESPIN MODELS...]
# Environment: DESPIN_LM (e.g. mix.bin) is passed on.
set -eu
runs=15
if [ "${1:-}" = "-r" ]; then runs=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: scripts/bench_startup.sh [-r N] DESPIN MODELS [DESPIN MODELS...]" >&2; exit 2; }
command -v perf > /dev/null || { echo "bench_startup: perf is missing" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-startup.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
echo "The committee said the new rules would take effect next year." > "$work/one.txt"
evict() {
	python3 -c '
import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY)
    os.fdatasync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)' "$@"
}
stat_line() { # LABEL PERF-STAT-ARGS...
	label=$1
	shift
	perf stat -x, -e task-clock,page-faults "$@" 2> "$work/err" > /dev/null || true
	awk -F, -v l="$label" '/task-clock/ { ms = $1 } /page-faults/ { pf = $1 }
		END { printf "%-34s %8.2f ms of CPU, %5d page faults\n", l, ms, pf }' "$work/err"
}
i=0
while [ $# -ge 2 ]; do
	d=$1 src=$2
	shift 2
	i=$((i + 1))
	m="$work/models$i"
	mkdir "$m"
	for f in "$src"/*.bin "$src"/*.tsv; do
		case $f in *lex.tsv) continue ;; esac
		[ -e "$f" ] && cp -L "$f" "$m/"
	done
	"$d" check-models --models "$m" > /dev/null
	evict "$m"/*.bin
	echo "$d --models $src${DESPIN_LM:+ (DESPIN_LM=$DESPIN_LM)}"
	stat_line "  cold (models read from disk)" "$d" scan --solo --models "$m" "$work/one.txt"
	stat_line "  warm (mean of $runs)" -r "$runs" "$d" scan --solo --models "$m" "$work/one.txt"
	/usr/bin/time -f "  peak resident %M kB" "$d" scan --solo --models "$m" "$work/one.txt" 2>&1 > /dev/null | tail -1
	# of it, what the process owns (RssAnon) and the model pages it maps,
	# shared with the page cache and other processes (RssFile): read from
	# /proc while a scan of the same sentence waits for more input (on one
	# thread, as the file is scanned)
	{ printf '{"id": "one", "text": "%s"}\n' "$(cat "$work/one.txt")"; sleep 1; } |
		"$d" scan --solo --stdin-json -j 1 --models "$m" > /dev/null 2>&1 &
	pid=$!
	sleep 0.5
	awk '/^RssAnon|^RssFile/ { v[$1] = $2 } END {
		printf "  of it: %d kB its own (RssAnon), %d kB of mapped model pages (RssFile)\n",
			v["RssAnon:"], v["RssFile:"] }' "/proc/$pid/status" 2> /dev/null ||
		echo "  of it: not read (the scan ended before)"
	wait
	rm -rf "$m"
done
