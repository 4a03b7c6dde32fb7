#!/bin/sh
# The HTML report for many articles: size of the page, CPU time of its
# rendering (apart from detection), and the time Chromium takes to load it.
#
# usage: scripts/bench_report.sh [BUILD] [N]
#
# Indexes corpus/bench/sources, takes N articles (default 1000) of
# corpus/bench (spun 60%, clean 15%, partial copies 10%, human rewrites 15%),
# scores them against the sources the index finds (tests/bench/bench_report,
# not timed) and renders their page (timed, least of 3); then loads the page
# in headless Chromium through chromedriver (tests/e2e/report_browser.py
# --time) when both are installed.  Needs the benchmark corpus (make
# bench-corpus) and the models.
set -eu
BUILD=${1:-build}
N=${2:-1000}
[ -f corpus/bench/manifest.jsonl ] || { echo "bench_report: no corpus/bench (make bench-corpus)" >&2; exit 2; }
[ -x "$BUILD/bench/bench_report" ] || { echo "bench_report: no $BUILD/bench/bench_report (make bench-bins)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-report.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

take() { ls "corpus/bench/$1" | head -n "$2" | sed "s|^|corpus/bench/$1/|"; }
{
	take spun $((N * 60 / 100))
	take clean $((N * 15 / 100))
	take partial $((N * 10 / 100))
	take rewrite $((N - N * 60 / 100 - N * 15 / 100 - N * 10 / 100))
} > "$T/list"
"$BUILD/despin" index add -i "$T/idx.db" corpus/bench/sources/* > /dev/null
"$BUILD/bench/bench_report" -i "$T/idx.db" -o "$T/page.html" "$T/list"
CHROME=$(command -v chromium || true)
DRIVER=$(command -v chromedriver || true)
if [ -n "$CHROME" ] && [ -n "$DRIVER" ]; then
	python3 tests/e2e/report_browser.py --time "$CHROME" "$DRIVER" "$T/page.html"
else
	echo "# chromium or chromedriver not installed: no load time"
fi
