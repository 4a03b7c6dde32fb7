#!/bin/sh
# The HTML report in headless Chromium, driven by chromedriver
# (tests/e2e/report_browser.py, Python's standard library only): the report
# of the seeds and of a mixed batch (a text too short to judge, a hostile
# file name, an article stitched from two others, a binary file) are checked for their
# order (spun first), the verdict and evidence filters (clicked), folding,
# in-page links, the article beside its source in aligned rows, the look of
# the two kinds of flag, reading without scripts, and a screenshot.
# Prints TAP; skips when chromium or chromedriver is not installed (Debian
# packages chromium and chromium-driver, scripts/deps.sh).
# REPORT_PNG=FILE.png keeps the screenshot.
. "$(dirname "$0")/lib/tap.sh"
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; fi; }
skip() { n=$((n + 1)); echo "ok $n - report rendered by chromium # SKIP $1"; echo "1..$n"; exit 0; }

for m in lm lex scorer; do
	[ -f "models/$m.bin" ] || skip "models not built (make models)"
done
CHROME=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then CHROME=$(command -v "$c"); break; fi
done
[ -n "$CHROME" ] || skip "chromium is not installed (apt-get install chromium chromium-driver)"
DRIVER=$(command -v chromedriver) || skip "chromedriver is not installed (apt-get install chromium-driver)"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

T=$(mktemp -d "${TMPDIR:-/tmp}/despin-report.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

"$DESPIN" report --html "$T/seeds.html" corpus/seeds > "$T/seeds.out" 2>&1
rc=$?
check "despin report --html on corpus/seeds exits 1 (something flagged)" $([ $rc = 1 ]; echo $?)
check "the report needs no network resource" \
	$(! grep -Eiq '(src|href)="(https?:)?//' "$T/seeds.html"; echo $?)

# the mixed batch
M=$T/mix
mkdir -p "$M"
cp corpus/seeds/*.txt "$M/"
printf 'A few words, too few to judge.\n' > "$M/short.txt"
cp corpus/seeds/002_*.txt "$M/<img src=x onerror=alert(1)>&\"q'.txt"
# stitched: the spun seed's first paragraphs, then seed 004's last ones
{ awk 'NR <= 12' corpus/seeds/003_*.txt; echo; awk 'NR > 8' corpus/seeds/004_*.txt; } > "$M/stitched.txt"
printf 'abc\000def\n' > "$M/binary.txt"
"$DESPIN" report --html "$T/mix.html" "$M" > "$T/mix.out" 2>&1
rc=$?
check "despin report --html on the mixed batch, with a binary file, exits 2 and writes the page (exit $rc)" \
	$([ $rc = 2 ] && [ -s "$T/mix.html" ]; echo $?)

python3 tests/e2e/report_browser.py "$CHROME" "$DRIVER" "$T" "$T/seeds.html" "$T/mix.html" \
	"${REPORT_PNG:-$T/report.png}" > "$T/browser.tap" 2>&1
# renumber the browser's TAP lines after ours
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "${line#ok [0-9]* - }" ;;
	"not ok "*) nok "${line#not ok [0-9]* - }" ;;
	"1.."*) ;;
	*) echo "$line" ;;
	esac
done < "$T/browser.tap"
grep -q '^1\.\.' "$T/browser.tap" || nok "the browser checks ran to the end"
echo "1..$n"
