#!/bin/sh
# Throughput of the text pipeline on one core: tokenisation alone and
# tokenisation with Snowball stemming, MB/s of corpus/train.txt, the whole
# file as one document and cut into ~3 kB articles (tests/bench/bench_text.c,
# built by 'make bench-bins').
# Usage: scripts/bench_text.sh [BUILD_DIR]   (default: build)
# Environment: TEXT_REPEAT (passes per measure, best kept; default 3).
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
B=$BUILD/bench/bench_text
[ -x "$B" ] || { echo "bench_text: $B is missing; run 'make bench-bins'" >&2; exit 2; }
[ -f corpus/train.txt ] || { echo "bench_text: corpus/train.txt is missing; run 'make corpus'" >&2; exit 2; }
PIN=""
taskset -c 0 true 2>/dev/null && PIN="taskset -c 0"
echo "== text pipeline (one core: $B -r ${TEXT_REPEAT:-3} corpus/train.txt)"
$PIN "$B" -r "${TEXT_REPEAT:-3}" corpus/train.txt
