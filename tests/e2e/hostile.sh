#!/bin/sh
# Hostile layouts, options and outputs (docs/README-reliability.md):
# symbolic link loops in a directory argument; writes to a full device;
# FIFOs, devices and UTF-16 files as inputs; numeric options out of range;
# files given with --stdin-json; file names with control bytes, bytes that
# are not UTF-8 and bidi controls in every output format; a report path that
# is a symbolic link or a device; a model file shrunk under a running scan.
# Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; sed 's/^/# /' "$W/err" 2>/dev/null | head -5; fi; }

base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
W=$(mktemp -d "$base/despin-hostile.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 2' INT TERM
S=corpus/seeds
SEED=$S/000_fcd469a446cc7cc8.txt
MODELS=$TOP/models
have_models=0
[ -f "$MODELS/lm.bin" ] && [ -f "$MODELS/lex.bin" ] && [ -f "$MODELS/scorer.bin" ] && have_models=1

# ---- symbolic link loops ----
mkdir -p "$W/loop/sub"
cp "$SEED" "$W/loop/"
cp "$S/001_455d42bae2579fa5.txt" "$W/loop/sub/"
ln -s . "$W/loop/l1"
ln -s .. "$W/loop/sub/up"
ln -s "$W/loop" "$W/loop/sub/abs"
timeout 30 "$DESPIN" tokens "$W/loop" > "$W/out" 2> "$W/err"
rc=$?
check "tokens on a directory with link loops ends (exit 0), each file once" \
	$([ $rc = 0 ] && [ "$(grep -c '^== ' "$W/out")" = 2 ]; echo $?)
check "... and warns of each loop it skips" \
	$([ "$(grep -c 'directory already read' "$W/err")" = 3 ]; echo $?)
timeout 60 "$DESPIN" index add -i "$W/loop.db" "$W/loop" > "$W/out" 2> "$W/err"
check "index add on it ends: 2 added" $(grep -qx "2 added, 0 already present" "$W/out"; echo $?)
if [ $have_models = 1 ]; then
	timeout 120 "$DESPIN" scan --solo "$W/loop" > "$W/out" 2> "$W/err"
	rc=$?
	check "scan --solo on it ends with two results" \
		$([ $rc -le 1 ] && [ "$(grep -c '^clean\|^spun' "$W/out")" = 2 ] &&
		  grep -q '^2 articles, ' "$W/out"; echo $?)
fi

# ---- an index on a read-only mount ----
RO=
mkdir "$W/ro"
cp "$W/loop.db" "$W/ro/"
if mount --bind "$W/ro" "$W/ro" 2> /dev/null; then
	RO=$W/ro
	trap 'umount "$RO" 2> /dev/null; rm -rf "$W"' EXIT
	if mount -o remount,ro,bind "$RO" 2> /dev/null && ! touch "$RO/x" 2> /dev/null; then
		"$DESPIN" index list -i "$RO/loop.db" > "$W/out" 2> "$W/err"
		check "an index on a read-only mount can be listed" \
			$([ $? = 0 ] && [ "$(wc -l < "$W/out")" = 3 ]; echo $?)
		"$DESPIN" index query -i "$RO/loop.db" "$SEED" > "$W/out" 2> "$W/err"
		check "... and queried" $([ $? = 0 ] && grep -q "similarity 1.000" "$W/out"; echo $?)
		"$DESPIN" index add -i "$RO/loop.db" $S/003_cc34e14e2e5a732a.txt > "$W/out" 2> "$W/err"
		check "... and an add to it fails (exit 2)" $([ $? = 2 ]; echo $?)
	else
		skip "index on a read-only mount" "cannot remount read-only here"
	fi
	umount "$RO"
else
	skip "index on a read-only mount" "cannot bind-mount here (not root?)"
fi

# ---- failed writes ----
if [ -c /dev/full ] && [ -w /dev/full ]; then
	"$DESPIN" tokens "$SEED" > /dev/full 2> "$W/err"
	check "tokens > /dev/full: exit 2 with a message" \
		$([ $? = 2 ] && grep -q "cannot write standard output" "$W/err"; echo $?)
	"$DESPIN" index list -i "$W/loop.db" > /dev/full 2> "$W/err"
	check "index list > /dev/full: exit 2 with a message" \
		$([ $? = 2 ] && grep -q "cannot write standard output" "$W/err"; echo $?)
	"$DESPIN" --version > /dev/full 2> "$W/err"
	check "--version > /dev/full: exit 2" $([ $? = 2 ]; echo $?)
	if [ $have_models = 1 ]; then
		"$DESPIN" scan --solo $S > /dev/full 2> "$W/err"
		check "scan --solo > /dev/full: exit 2 (not a verdict) with a message" \
			$([ $? = 2 ] && grep -q "cannot write standard output" "$W/err"; echo $?)
		"$DESPIN" scan --solo --format json $S/003_cc34e14e2e5a732a.txt > /dev/full 2> "$W/err"
		check "scan of a spun article > /dev/full: exit 2, not 1" \
			$([ $? = 2 ] && grep -q "cannot write standard output" "$W/err"; echo $?)
		python3 -c 'import json, sys; print(json.dumps({"id": "a", "text": open(sys.argv[1]).read()}))' \
			"$SEED" | "$DESPIN" scan --solo --stdin-json > /dev/full 2> "$W/err"
		check "scan --stdin-json > /dev/full: exit 2" \
			$([ $? = 2 ] && grep -q "cannot write standard output" "$W/err"; echo $?)
	fi
else
	skip "writes to /dev/full" "no writable /dev/full"
fi

# ---- inputs that are not regular files ----
mkfifo "$W/fifo"
timeout 10 "$DESPIN" tokens "$W/fifo" > /dev/null 2> "$W/err"
check "a FIFO given by name with no writer is not waited on: empty (exit 2)" \
	$([ $? = 2 ] && grep -q "fifo: empty file (no text)" "$W/err"; echo $?)
printf 'Words written into a pipe.\n' | timeout 10 "$DESPIN" tokens /dev/stdin > "$W/out" 2> "$W/err"
check "a pipe given by name (/dev/stdin, the shell's <(command)) is read" \
	$([ $? = 0 ] && grep -q "pipe" "$W/out"; echo $?)
timeout 10 "$DESPIN" tokens /dev/zero > /dev/null 2> "$W/err"
check "/dev/zero given by name is refused at once" \
	$([ $? = 2 ] && grep -q "not a regular file (a character device)" "$W/err"; echo $?)
printf 'Some words to read from standard input.\n' | "$DESPIN" tokens - > "$W/out" 2> "$W/err"
check "a pipe given as '-' is read" $([ $? = 0 ] && grep -q "standard" "$W/out"; echo $?)
for enc in UTF-16 UTF-16LE UTF-16BE; do
	iconv -f UTF-8 -t $enc "$SEED" > "$W/u16.txt"
	"$DESPIN" tokens "$W/u16.txt" > /dev/null 2> "$W/err"
	check "$enc text is named as UTF-16, not called binary" \
		$([ $? = 2 ] && grep -q "UTF-16 text (.*-endian), not UTF-8" "$W/err"; echo $?)
done

# ---- numeric options ----
bad_opt() { # LABEL ARGS...: exit 2 with "takes" in the message
	label=$1
	shift
	timeout 20 "$DESPIN" "$@" > /dev/null 2> "$W/err"
	check "refused: $label" $([ $? = 2 ] && grep -q "takes a" "$W/err"; echo $?)
}
bad_opt "--threshold nan" scan --solo --threshold nan "$SEED"
bad_opt "--threshold inf" scan --solo --threshold inf "$SEED"
bad_opt "--threshold 1.5" scan --solo --threshold 1.5 "$SEED"
bad_opt "--max-size -1" scan --solo --max-size -1 "$SEED"
bad_opt "-j 0" scan --solo -j 0 "$SEED"
bad_opt "--retry -1" scan --retry -1 -i "$W/loop.db" "$SEED"
bad_opt "index --batch 0" index add -i "$W/x.db" --batch 0 "$SEED"
bad_opt "index --timeout -1" index add -i "$W/x.db" --timeout -1 "$SEED"
bad_opt "index -n -1" index query -i "$W/loop.db" -n -1 "$SEED"
bad_opt "index --min-sim nan" index query -i "$W/loop.db" --min-sim nan "$SEED"
bad_opt "index --min-coverage 2" index query -i "$W/loop.db" --min-coverage 2 "$SEED"
bad_opt "index --max-size abc" index add -i "$W/x.db" --max-size abc "$SEED"
bad_opt "tokens --max-size abc" tokens --max-size abc "$SEED"
bad_opt "tokens --max-size -1" tokens --max-size -1 "$SEED"
bad_opt "tokens --max-size 12x" tokens --max-size 12x "$SEED"
check "no index file was created by a refused add" $([ ! -e "$W/x.db" ]; echo $?)
echo '{"id": "a", "text": "x"}' | "$DESPIN" scan --solo --stdin-json "$SEED" > /dev/null 2> "$W/err"
check "files given with --stdin-json are refused" \
	$([ $? = 2 ] && grep -q -- "--stdin-json reads its articles from standard input" "$W/err"; echo $?)

# ---- names in every output format ----
mkdir "$W/names"
nl_name=$(printf 'a\nb\033[31mred.txt')
bidi_name=$(printf '\342\200\256txt.exe')
bad_name=$(printf 'bad\377name.txt')
cp "$SEED" "$W/names/$nl_name"
cp $S/001_455d42bae2579fa5.txt "$W/names/$bidi_name"
cp $S/002_1eca5ce85436633a.txt "$W/names/$bad_name"
"$DESPIN" tokens "$W/names" > "$W/out" 2> "$W/err"
check "tokens: every name on one line, no escape byte" \
	$([ "$(grep -c '^== ' "$W/out")" = 3 ] && ! grep -q "$(printf '\033')" "$W/out" &&
	  grep -q '^== .*/a\\nb\\x1b\[31mred.txt$' "$W/out"; echo $?)
"$DESPIN" index add -i "$W/names.db" "$W/names" > "$W/out" 2> "$W/err"
"$DESPIN" index list -i "$W/names.db" > "$W/out" 2> "$W/err"
check "index list: one line per source, control bytes, bidi controls and stray bytes escaped" \
	$([ "$(wc -l < "$W/out")" = 4 ] && ! grep -q "$(printf '\033')" "$W/out" &&
	  grep -q '\\u202etxt.exe$' "$W/out" && grep -q 'bad\\xffname.txt' "$W/out"; echo $?)
if [ $have_models = 1 ]; then
	"$DESPIN" scan --solo "$W/names" > "$W/out" 2> "$W/err"
	check "scan text table: one line per article, names escaped" \
		$([ "$(wc -l < "$W/out")" = 5 ] && ! grep -q "$(printf '\033')" "$W/out" &&
		  ! grep -q "$(printf '\342\200\256')" "$W/out" && grep -q '\\u202etxt.exe$' "$W/out"; echo $?)
	"$DESPIN" scan --solo --format json "$W/names" > "$W/out" 2> "$W/err"
	check "scan JSON: valid UTF-8 JSON, one object per article" \
		$(python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
objs = [json.loads(l.decode("utf-8")) for l in lines]
assert len(objs) == 3, len(objs)
assert any(o["file"].endswith("bad\ufffdname.txt") for o in objs)
' "$W/out" 2>> "$W/err"; echo $?)
	"$DESPIN" report --solo --html "$W/r.html" "$W/names" > /dev/null 2> "$W/err"
	check "report: valid UTF-8, no raw bidi override, stray byte as U+FFFD" \
		$(python3 -c '
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
assert "\u202e" not in t
assert "[U+202E]txt.exe" in t
assert "\x1b" not in t and "\ufffd" in t or "&#xFFFD;" in t
' "$W/r.html" 2>> "$W/err"; echo $?)

	# ---- report paths that are not regular files ----
	echo keep > "$W/target.html"
	ln -s "$W/target.html" "$W/link.html"
	"$DESPIN" report --solo --html "$W/link.html" "$SEED" > /dev/null 2> "$W/err"
	check "report onto a symbolic link replaces the file it names: the link stays a link" \
		$([ -L "$W/link.html" ] && grep -q "<html" "$W/target.html" &&
			! ls "$W"/target.html.tmp.* > /dev/null 2>&1; echo $?)
	# private device nodes: a despin that replaced its --html path must
	# not take the system's /dev/null or /dev/full with it
	D=$(mktemp -d /tmp/despin-dev.XXXXXX)
	if mknod "$D/null" c 1 3 2> /dev/null && mknod "$D/full" c 1 7 2> /dev/null &&
		echo x > "$D/null" 2> /dev/null; then
		"$DESPIN" report --solo --html "$D/null" "$SEED" > /dev/null 2> "$W/err"
		check "report onto a null device: written in place, it stays a device" \
			$([ $? = 0 ] && [ -c "$D/null" ] && ! ls "$D"/null.tmp.* > /dev/null 2>&1; echo $?)
		"$DESPIN" report --solo --html "$D/full" "$SEED" > /dev/null 2> "$W/err"
		check "report onto a full device: exit 2 with a message, it stays a device" \
			$([ $? = 2 ] && [ -c "$D/full" ] && grep -q "cannot write $D/full" "$W/err"; echo $?)
	else
		skip "report onto device nodes" "cannot make device nodes here"
	fi
	rm -rf "$D"
	mkdir "$W/adir"
	"$DESPIN" report --solo --html "$W/adir" "$SEED" > /dev/null 2> "$W/err"
	check "report onto a directory is refused" \
		$([ $? = 2 ] && [ -d "$W/adir" ] && grep -q "a directory, not a file" "$W/err"; echo $?)

	# ---- the work bound of one article ----
	"$DESPIN" scan --solo --max-words 850 "$SEED" > "$W/out" 2> "$W/err"
	check "--max-words 850: the seed is too long to judge (exit 2, an error row, no verdict)" \
		$([ $? = 2 ] && grep -q "too long to judge: 8[0-9][0-9] words, past the limit of 850 words" "$W/err" &&
		  ! grep -q '^spun\|^clean' "$W/out" && grep -q '^error ' "$W/out"; echo $?)
	python3 -c '
import sys
t = open(sys.argv[1]).read()
with open(sys.argv[2], "w") as f:
    while f.tell() < 50 * 1000 * 1000:
        f.write(t)
' "$SEED" "$W/big.txt"
	TIME=
	[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %M -o $W/rss"
	timeout 120 $TIME "$DESPIN" scan --solo "$W/big.txt" > "$W/out" 2> "$W/err"
	rc=$?
	rss=$(tail -n 1 "$W/rss" 2>/dev/null)
	echo "# 50 MB article: exit $rc, peak ${rss:-?} KB"
	check "a 50 MB article: too long to judge, at once (exit 2)" \
		$([ $rc = 2 ] && grep -q "too long to judge: more than 100000 words" "$W/err"; echo $?)
	if [ -n "$TIME" ] && ! grep -q __asan_init "$DESPIN" 2>/dev/null; then
		check "... within 300 MB" $([ "${rss:-999999}" -lt 300000 ]; echo $?)
	fi
	timeout 120 "$DESPIN" scan -s "$W/big.txt" "$SEED" > "$W/out" 2> "$W/err"
	check "a 50 MB source: too long to judge (exit 2)" \
		$([ $? = 2 ] && grep -q "source .*too long to judge" "$W/err"; echo $?)
	rm -f "$W/big.txt"
	# a source found in an index is held to the same limits as an article:
	# past them it is not taken (a note says so), and the article is still
	# judged, on its own here
	head -c 2500 "$SEED" > "$W/part.txt"
	"$DESPIN" index add -q -i "$W/lim.db" "$SEED" > /dev/null 2>&1
	"$DESPIN" scan -i "$W/lim.db" --max-words 600 "$W/part.txt" > "$W/out" 2> "$W/err"
	check "an indexed source past --max-words 600: not taken, with a note; the article judged" \
		$([ $? -le 1 ] && grep -q "part.txt: 1 source found past the work bound" "$W/err" &&
		  ! grep -q "000_fcd469a446cc7cc8" "$W/out" && grep -q "^clean .*part.txt" "$W/out"; echo $?)
	"$DESPIN" scan -i "$W/lim.db" --max-size 3000 "$W/part.txt" > "$W/out" 2> "$W/err"
	check "an indexed source past --max-size 3000: not taken, with a note; the article judged" \
		$([ $? -le 1 ] && grep -q "part.txt: 1 source found past the work bound" "$W/err" &&
		  ! grep -q "000_fcd469a446cc7cc8" "$W/out"; echo $?)
	"$DESPIN" scan -i "$W/lim.db" --max-words 1000 "$W/part.txt" > "$W/out" 2> "$W/err"
	check "... and judged against it within the limits" \
		$([ $? -le 1 ] && grep -q "000_fcd469a446cc7cc8" "$W/out"; echo $?)

	# ---- a model shrunk under a running scan ----
	mkdir "$W/m"
	cp "$MODELS/lm.bin" "$MODELS/lex.bin" "$MODELS/scorer.bin" "$W/m/"
	mkfifo "$W/in"
	rec() { python3 -c 'import json, sys; print(json.dumps({"id": sys.argv[1], "text": open(sys.argv[2]).read()}))' "$1" "$2"; }
	timeout 60 "$DESPIN" scan --solo --stdin-json --models "$W/m" < "$W/in" > "$W/out" 2> "$W/err" &
	spid=$!
	exec 3> "$W/in"
	rec a1 "$SEED" >&3
	i=0
	while [ $i -lt 400 ] && [ "$(wc -l < "$W/out")" -lt 2 ]; do sleep 0.05; i=$((i + 1)); done
	truncate -s 4096 "$W/m/lm.bin" "$W/m/lex.bin"
	rec a2 $S/003_cc34e14e2e5a732a.txt >&3 2> /dev/null
	rec a3 $S/001_455d42bae2579fa5.txt >&3 2> /dev/null
	exec 3>&-
	wait $spid
	rc=$?
	check "a model shrunk mid-scan: exit 2 with a message (not SIGBUS, not a verdict)" \
		$([ $rc = 2 ] && grep -q "shrank or changed while in use" "$W/err"; echo $?)
fi
echo "1..$n"
