#!/bin/sh
# Threads of 'despin scan' without -j: files get one worker per core (no
# more than there are files), a stream none (each verdict is written as
# soon as it is made); the output is the same as with -j 1, in input order.
# Prints TAP.
DS_TOP=${DS_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib/tap.sh"

[ -f models/scorer.bin ] || skip_all "scan threads" "models not built"
workdir threads
W=$OUT
ncpu=$(getconf _NPROCESSORS_ONLN 2> /dev/null || echo 1)

# 1. a folder of 20 articles: the same output whatever the threads
mkdir "$W/in"
for i in 1 2 3 4; do
	for f in corpus/seeds/*.txt; do
		cp "$f" "$W/in/$i-$(basename "$f")"
	done
done
"$DESPIN" scan --solo --format json "$W/in" > "$W/default.out" 2> "$W/default.err"
rc_def=$?
"$DESPIN" scan --solo --format json -j 1 "$W/in" > "$W/one.out" 2> "$W/one.err"
rc_one=$?
check "a folder of 20 articles: exit 1 (spun) by default and with -j 1 ($rc_def, $rc_one)" \
	$([ "$rc_def" = 1 ] && [ "$rc_one" = 1 ]; echo $?)
check "20 records by default ($(wc -l < "$W/default.out"))" \
	$([ "$(wc -l < "$W/default.out")" = 20 ]; echo $?)
same "the same records, in input order, by default as with -j 1" "$W/one.out" "$W/default.out"

# 2. the threads started (strace counts the clone calls, over those of a
# process that starts none of its own: a sanitizer's runtime may start one)
calls() { # clone calls of despin with arguments "$@"
	strace -f -e trace=clone,clone3 -o "$W/strace.log" "$DESPIN" "$@" \
		< "$W/stream.in" > /dev/null 2>&1
	grep -c -E '^[0-9]+ +clone3?\(' "$W/strace.log"
}
clones() { # threads 'despin scan --solo' with arguments "$@" starts
	echo $(($(calls scan --solo "$@") - base))
}
printf '{"id": "a", "text": "The Safety Council met on Tuesday to vote."}\n' > "$W/stream.in"
if command -v strace > /dev/null && strace -f -o /dev/null true 2> /dev/null; then
	base=$(calls --version)
	want=$ncpu
	[ "$want" -gt 20 ] && want=20
	[ "$want" -le 1 ] && want=0 # one thread: everything on the calling one
	got=$(clones "$W/in")
	check "20 files without -j: a worker per core, no more than there are files ($ncpu cores: $got started, want $want)" \
		$([ "$got" = "$want" ]; echo $?)
	got=$(clones -j 1 "$W/in")
	check "20 files with -j 1: no worker thread ($got started)" $([ "$got" = 0 ]; echo $?)
	got=$(clones "$W/in/1-003_cc34e14e2e5a732a.txt")
	check "one file: no worker thread ($got started)" $([ "$got" = 0 ]; echo $?)
	got=$(clones --stdin-json)
	check "a stream without -j: no worker thread, each verdict written at once ($got started)" \
		$([ "$got" = 0 ]; echo $?)
	got=$(clones --stdin-json -j 3)
	check "a stream with -j 3: three workers ($got started)" $([ "$got" = 3 ]; echo $?)
else
	skip "threads started" "no strace"
fi
echo "1..$n"
