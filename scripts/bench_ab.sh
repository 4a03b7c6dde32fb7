#!/bin/sh
# Compares the CPU time of two commands on a shared machine: runs them
# alternately N times each (so that both see the same load) under
# 'perf stat -e task-clock' and prints, for each, the least and all times in
# milliseconds.  Their output is discarded.
# Usage: scripts/bench_ab.sh N CMD_A... -- CMD_B...
set -eu
[ $# -ge 4 ] || { echo "usage: scripts/bench_ab.sh N CMD_A... -- CMD_B..." >&2; exit 2; }
command -v perf > /dev/null || { echo "bench_ab: perf is missing" >&2; exit 2; }
n=$1
shift
a=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do a="$a $1"; shift; done
[ $# -gt 1 ] || { echo "usage: scripts/bench_ab.sh N CMD_A... -- CMD_B..." >&2; exit 2; }
shift
b="$*"
err=$(mktemp "${TMPDIR:-/tmp}/bench-ab.XXXXXX")
trap 'rm -f "$err"' EXIT INT TERM
i=0
while [ "$i" -lt "$n" ]; do
	for which in A B; do
		if [ $which = A ]; then cmd=$a; else cmd=$b; fi
		# shellcheck disable=SC2086  # the commands are split into words
		perf stat -x, -e task-clock $cmd > /dev/null 2> "$err" || true
		echo "$which $(grep task-clock "$err" | cut -d, -f1)"
	done
	i=$((i + 1))
done | sort -k1,1 -k2,2n | awk '
	{ all[$1] = all[$1] " " $2; if (!($1 in least)) least[$1] = $2 }
	END { for (k in least) printf "%s least %s ms; all:%s\n", k, least[k], all[k] }' | sort
