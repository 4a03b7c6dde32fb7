#!/bin/sh
# Every benchmark of despin ('make bench'), one section per figure, in order:
#   text   tokenisation and stemming throughput (scripts/bench_text.sh)
#   lm     language model: training, size, load, queries, perplexity vs IRSTLM
#          (scripts/bench_lm.sh)
#   lmmix  language-model mixture: perplexity and unknown words per register for
#          the corpus model, the background model, their mixture and the
#          mixture with an index's in-domain model (scripts/bench_lm_mix.sh)
#   lmdomains  the same per domain of the evaluation, and each model's solo
#          ROC AUC with the e-mail domain held out, with indexes of 1,000 and
#          ~4,500 e-mails (scripts/bench_lm_domains.py; two scorer fits)
#   lmnews  news of 1987 (Reuters-21578, from the npm registry): perplexity and
#          the shipped scorer's solo ROC AUC with the mixture alone and with
#          indexes of 1,000 and 10,000 in-domain stories
#          (scripts/bench_lm_news.py)
#   lex    synonym lexicon: size, load, lookups, coverage (scripts/bench_lex.sh)
#   index  source index: recall among distractors, lookup latency
#          (scripts/bench_index.sh)
#   scan   detection latency, scan throughput solo and against a 10,000-article
#          index, -j 1 vs -j 2, peak memory (scripts/bench_scan.sh)
#   redis  the shared index on a Redis server of 10,000 sources of new text:
#          memory per source, adds/s, query latency and round trips, workers'
#          articles/s and the share of their time spent waiting on look-ups
#          (scripts/bench_redis.sh with BENCH_SOURCES=10000 BENCH_SQLITE=0
#          BENCH_SYNTHETIC=novel BENCH_N=640 unless set; skipped without
#          redis-server)
# Usage: scripts/bench.sh [BUILD_DIR] [SECTION...]   (default: build, all)
# Environment: each script's own variables.  To keep 'make bench' within ten
# minutes on two cores, two defaults of bench_index.sh are lowered here:
# BENCH_LARGE=0 (no 100,000-article index; 'make bench-index' builds it) and
# BENCH_MT=40 (machine-translation round trips, ~1 s each).
BUILD=${1:-build}
[ $# -gt 0 ] && shift
SECTIONS=${*:-text lm lmmix lmdomains lmnews lex index scan redis}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
export BENCH_LARGE=${BENCH_LARGE:-0} BENCH_MT=${BENCH_MT:-40}

now() { date +%s.%N; }
failed=""
start=$(now)
echo "# despin $("$BUILD/despin" --version 2>/dev/null | cut -d' ' -f2) benchmarks; $(nproc) cores," \
	"$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
for s in $SECTIONS; do
	run=sh
	case $s in
	text) cmd="scripts/bench_text.sh $BUILD" ;;
	lm) cmd="scripts/bench_lm.sh $BUILD" ;;
	lmmix) cmd="scripts/bench_lm_mix.sh $BUILD" ;;
	lmdomains) run=python3 cmd="scripts/bench_lm_domains.py --despin $BUILD/despin" ;;
	lmnews) run=python3 cmd="scripts/bench_lm_news.py --despin $BUILD/despin" ;;
	lex) cmd="scripts/bench_lex.sh $BUILD" ;;
	index) cmd="scripts/bench_index.sh $BUILD" ;;
	scan) cmd="scripts/bench_scan.sh $BUILD" ;;
	redis)
		if ! command -v redis-server > /dev/null 2>&1; then
			echo
			echo "######## redis: skipped (no redis-server: scripts/deps.sh installs it)"
			continue
		fi
		export BENCH_SOURCES=${BENCH_SOURCES:-10000} BENCH_SQLITE=${BENCH_SQLITE:-0} \
			BENCH_SYNTHETIC=${BENCH_SYNTHETIC:-novel} BENCH_N=${BENCH_N:-640}
		cmd="scripts/bench_redis.sh $BUILD" ;;
	*) echo "bench: no section '$s' (text lm lmmix lmdomains lmnews lex index scan redis)" >&2; exit 2 ;;
	esac
	echo
	echo "######## $s: $run $cmd"
	t0=$(now)
	# shellcheck disable=SC2086
	$run $cmd
	rc=$?
	t1=$(now)
	echo "$t1 $t0" | awk -v s="$s" -v rc="$rc" '{ printf "######## %s: %.0f s%s\n", s, $1 - $2, rc ? " (FAILED, exit " rc ")" : "" }'
	[ $rc = 0 ] || failed="$failed $s"
done
echo
echo "$(now) $start" | awk '{ printf "# all benchmarks: %.0f s\n", $1 - $2 }'
if [ -n "$failed" ]; then
	echo "bench: failed:$failed" >&2
	exit 1
fi
