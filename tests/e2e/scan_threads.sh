#!/bin/sh
# Threads of 'despin scan' without -j: one worker per core (files: no more
# than there are files); the output is the same as with -j 1, in input
# order, and a stream's verdict is written as soon as it is made, so a
# reader that waits for each verdict before it sends the next record is
# answered.  Prints TAP.
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
	want=$ncpu
	[ "$want" -gt 256 ] && want=256
	[ "$want" -le 1 ] && want=0
	got=$(clones --stdin-json)
	check "a stream without -j: a worker per core ($ncpu cores: $got started, want $want)" \
		$([ "$got" = "$want" ]; echo $?)
	got=$(clones --stdin-json -j 3)
	check "a stream with -j 3: three workers ($got started)" $([ "$got" = 3 ]; echo $?)
else
	skip "threads started" "no strace"
fi

# 3. a reader that sends a record and waits for its verdict before it sends
# the next, with the default threads and with -j 3: each verdict comes
# while the stream is still open
for j in "" "-j 3"; do
	# shellcheck disable=SC2086
	out=$(python3 - "$DESPIN" $j << 'EOF' 2>&1
import json, select, subprocess, sys
p = subprocess.Popen([sys.argv[1], "scan", "--solo", "--stdin-json", "--format", "json"]
                     + sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
got = []
for i, text in enumerate(["The Safety Council met on Tuesday to vote.",
                          "The board will meet again next week in Geneva."]):
    p.stdin.write((json.dumps({"id": "r%d" % i, "text": text}) + "\n").encode())
    p.stdin.flush()
    if not select.select([p.stdout], [], [], 60)[0]:
        print("no verdict for r%d within 60 s while the stream is open" % i)
        p.kill()
        sys.exit(1)
    got.append(json.loads(p.stdout.readline())["file"])
p.stdin.close()
rest = p.stdout.read()
print(" ".join(got), "exit", p.wait(), "then", len(rest), "bytes")
EOF
)
	check "a stream ${j:-without -j}: each verdict before the next record is sent ($out)" \
		$([ "$out" = "r0 r1 exit 0 then 0 bytes" ]; echo $?)
done
echo "1..$n"
