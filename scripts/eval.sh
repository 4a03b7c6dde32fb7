#!/bin/sh
# make eval: detection figures on the benchmark's test split.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
[ -f corpus/bench/manifest.jsonl ] || make bench-corpus
python3 scripts/eval.py --despin "$BUILD/despin" --bench corpus/bench
