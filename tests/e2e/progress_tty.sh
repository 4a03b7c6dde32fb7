#!/bin/sh
# scan --progress on a terminal (src/cli/scan.c, cli_progress): the count
# on standard error is erased ("\r\033[K") before each table row, message
# and the summary, and drawn again below them, so that the screen shows
# what scan shows without it: no row written after the count on its line
# ("despin: 1/5 articlesVERDICT ..."), no count left above the summary, no
# blank line.  The terminal is script(1)'s (util-linux); skipped without
# it.  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"

if ! command -v script > /dev/null 2>&1 || ! script -qc true /dev/null > /dev/null 2>&1; then
	echo "ok 1 - scan --progress on a terminal # SKIP needs script(1) of util-linux"
	exit 0
fi
if [ ! -f models/scorer.bin ]; then
	echo "ok 1 - scan --progress on a terminal # SKIP models not built"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
trap 'exit 2' INT TERM

# tty OUT ARGS...: despin ARGS on a terminal, what the terminal received
tty() { out=$1; shift; script -qc "$DESPIN $*" /dev/null > "$out" < /dev/null; }
# screen FILE: the lines a terminal shows for what FILE holds (a carriage
# return goes back to the line's start, ESC [K erases to its end), but an
# empty last one, where the cursor waits
screen() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read().decode("utf-8", "replace").replace("\r\n", "\n")
lines = []
for line in data.split("\n"):
    cells, col, i = [], 0, 0
    while i < len(line):
        if line[i] == "\r":
            col = 0
        elif line.startswith("\033[K", i):
            del cells[col:]
            i += 2
        else:
            cells[col:col + 1] = [line[i]]
            col += 1
        i += 1
    lines.append("".join(cells))
if lines and not lines[-1]:
    lines.pop()
print("\n".join(lines))
PY
}

S=corpus/seeds
for mode in "--solo" "" "--solo --format json"; do
	label="scan ${mode:-(a batch)}"
	tty "$W/plain" scan $mode $S/*.txt
	tty "$W/progress" scan --progress $mode $S/*.txt
	check "$label --progress draws its count" \
		$(grep -q "despin: \(pass [1-3] of 3, \)*[0-9]*/[0-9]* articles" "$W/progress"; echo $?)
	check "... and never writes after it on its line" \
		$(! grep -aq "despin: [a-z0-9 ,]*/[0-9]* articles[^$(printf '\r')]" "$W/progress"; echo $?)
	screen "$W/plain" > "$W/plain.screen"
	screen "$W/progress" > "$W/progress.screen"
	same "... the screen shows what scan shows without it" "$W/plain.screen" "$W/progress.screen"
done
# a message (an input that cannot be read) takes the count's line too
tty "$W/plain" scan --solo $S/000_fcd469a446cc7cc8.txt "$W/missing.txt" $S/001_455d42bae2579fa5.txt
tty "$W/progress" scan --progress --solo $S/000_fcd469a446cc7cc8.txt "$W/missing.txt" \
	$S/001_455d42bae2579fa5.txt
screen "$W/plain" > "$W/plain.screen"
screen "$W/progress" > "$W/progress.screen"
same "an error message on a terminal with --progress, as without" "$W/plain.screen" \
	"$W/progress.screen"
# a batch is gone over in three passes: each counts the articles (5 seeds,
# not the 15 steps of the passes: "1/15 articles" for 5 files)
tty "$W/progress" scan --progress $S/*.txt
check "a batch's count is of its articles, pass by pass" \
	$(grep -aq "despin: pass 1 of 3, 5/5 articles" "$W/progress" &&
	  grep -aq "despin: pass 3 of 3, 5/5 articles" "$W/progress" &&
	  ! grep -aq "/1[0-9] articles" "$W/progress"; echo $?)
