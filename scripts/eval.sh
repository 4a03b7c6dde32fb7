#!/bin/sh
# make eval: leave-one-family-out detection figures on the benchmark
# (scripts/eval.py, docs/README-bench.md), then the seeds' scale check
# (scripts/seeds_scale.sh: seed 000 among 10,000 other articles).
#   EVAL_QUICK=1   small folds and no scale check: a few minutes
#   EVAL_WORK=DIR  keep the fold files and the slot cache in DIR
#   EVAL_JSON=F    write the per-fold figures and the summary to F
#   scripts/eval.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ -f corpus/bench/manifest.jsonl ] || make bench-corpus
set --
[ "${EVAL_QUICK:-0}" = 1 ] && set -- --quick
[ -n "${EVAL_WORK:-}" ] && set -- "$@" --work "$EVAL_WORK"
[ -n "${EVAL_JSON:-}" ] && set -- "$@" --json "$EVAL_JSON"
nice -n 10 python3 scripts/eval.py --despin "$BUILD/despin" --bench corpus/bench -j 2 "$@"
if [ "${EVAL_QUICK:-0}" != 1 ]; then
	echo
	nice -n 10 scripts/seeds_scale.sh "$BUILD/despin" 10000 || true
fi
