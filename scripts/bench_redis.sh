#!/bin/sh
# The shared index on Redis, measured at BENCH_SOURCES sources: the
# benchmark's sources plus synthetic ones (scripts/gen_synthetic.py: 3 to
# 9 paragraphs, lines of corpus/train.txt; with BENCH_SYNTHETIC=novel, new
# text of a Markov chain of its words, as distinct real sources are).  Prints
#   - memory per source: 'index stats' (MEMORY USAGE of the index's keys),
#     and by kind of key (postings, records, texts, registry; the postings'
#     buckets by encoding, their fields, and the overflows), with and
#     without the texts;
#   - adds/s into Redis (and the CPU time of the adding process);
#   - queries/s of 'index query' over BENCH_N articles (wall and CPU), its
#     round trips per query (--timing), and whether its answers are those
#     of an SQLite index of the same texts;
#   - articles/s of 1 and of 2 'despin worker's draining BENCH_N submitted
#     articles (wall and CPU), round trips per article, and the time a
#     worker waited for look-ups (worker --stats) as a share of its wall time
#     per article; again for 1 worker with two readers (--readers 2), with
#     two judging threads (-j 2) and with --prefetch 0 (each article looked
#     up, then scored).
# One redis-server on loopback, started and stopped here.
# Usage: scripts/bench_redis.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_SOURCES (default 10000), BENCH_N articles (default 160),
# BENCH_FSYNC the server's appendfsync (default everysec), BENCH_WRITERS the
# 'index add' processes adding at once (default 1; the sources dealt out in
# turn, the CPU per add summed over them), BENCH_SQLITE=0 to
# skip the SQLite comparison, BENCH_SYNTHETIC=novel for synthetic sources of
# new text (default lines: lines of the corpus, which repeat across sources).
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
DESPIN=${DESPIN:-$TOP/$BUILD/despin}
NSRC=${BENCH_SOURCES:-10000}
N=${BENCH_N:-160}
FSYNC=${BENCH_FSYNC:-everysec}
WRITERS=${BENCH_WRITERS:-1}
SQL=${BENCH_SQLITE:-1}
SYN=${BENCH_SYNTHETIC:-lines}
case "$SYN" in lines) SYNOPT= ;; novel) SYNOPT=--novel ;; *) echo "bench_redis: BENCH_SYNTHETIC is lines or novel" >&2; exit 2 ;; esac
die() { echo "bench_redis: $*" >&2; exit 2; }
[ -x "$DESPIN" ] || die "$DESPIN is missing; run 'make'"
command -v redis-server >/dev/null || die "redis-server is needed (scripts/deps.sh)"
command -v python3 >/dev/null || die "python3 is needed"
[ -f corpus/train.txt ] || die "corpus/train.txt is missing (make corpus)"

if [ -d corpus/bench/sources ]; then
	SRC=corpus/bench/sources
	STREAM="corpus/bench/spun corpus/bench/roundtrip corpus/bench/edited"
else
	SRC=corpus/bench-heldout
	STREAM=corpus/seeds
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-redis.XXXXXX")
PID=
WPIDS=
APIDS=
# (kill of a process already ended fails: under set -e that would end the
# trap before the server is stopped and the files removed)
trap 'for p in $APIDS $WPIDS $PID; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"' EXIT
trap 'exit 2' HUP INT PIPE TERM
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync "$FSYNC" \
	--dir "$W" --daemonize no > "$W/server.log" 2>&1 &
PID=$!
i=0
until [ "$(redis-cli -p "$PORT" ping 2>/dev/null)" = PONG ]; do
	i=$((i + 1)); [ $i -lt 100 ] || die "redis-server did not start"; sleep 0.05
done
R=redis://127.0.0.1:$PORT
cli() { redis-cli -p "$PORT" "$@"; }
now() { python3 -c 'import time; print(time.time())'; }
# srvcpu: the server's user + system seconds so far
srvcpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$PID/stat"; }
TIME=/usr/bin/time
[ -x "$TIME" ] || die "/usr/bin/time is needed (Debian package time)"
echo "# redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), appendfsync $FSYNC, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# the sources: the benchmark's, then synthetic ones up to NSRC
nbench=$(find "$SRC" -name '*.txt' | wc -l)
# shellcheck disable=SC2086
python3 scripts/gen_synthetic.py $SYNOPT "$W/syn" $((NSRC > nbench ? NSRC - nbench : 0))
# the stream: the first N articles, in name order (the kinds of copies mix)
find $STREAM -name '*.txt' | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2 | head -n "$N" > "$W/stream"
NA=$(wc -l < "$W/stream")
echo "# $NSRC sources ($nbench of $SRC, the rest synthetic: $SYN), $NA articles from $STREAM"

# adds: BENCH_WRITERS writers at once (default one), each given every Nth
# file (xargs: one 'index add' per command line's worth of files)
find "$SRC" "$W/syn" -name '*.txt' | sort > "$W/add.list"
s0=$(srvcpu)
t0=$(now)
i=0
while [ $i -lt "$WRITERS" ]; do
	awk -v n="$WRITERS" -v i=$i 'NR % n == i' "$W/add.list" > "$W/add.list.$i"
	$TIME -f '%U %S' -o "$W/add.time.$i" xargs -a "$W/add.list.$i" "$DESPIN" index add -q --batch 500 \
		-i "$R" > "$W/add.out.$i" &
	APIDS="$APIDS $!"
	i=$((i + 1))
done
for p in $APIDS; do wait "$p" || die "a writer failed ($(cat "$W"/add.out.* | head -c 300))"; done
APIDS=
t1=$(now)
python3 -c 'import sys, glob
n = sum(int(l.split()[0]) for f in glob.glob(sys.argv[1] + "/add.out.*") for l in open(f) if l.strip())
c = sum(float(x) for f in glob.glob(sys.argv[1] + "/add.time.*") for x in open(f).read().split()[-2:])
t = float(sys.argv[3]) - float(sys.argv[2]); sc = float(sys.argv[5]) - float(sys.argv[4])
print("adds %d sources in %.1f s by %s writer(s): %.0f adds/s (wall); CPU per add %.2f ms in despin, %.2f ms in redis-server" % (n, t, sys.argv[6], n / t, 1000 * c / n, 1000 * sc / n))' \
	"$W" "$t0" "$t1" "$s0" "$(srvcpu)" "$WRITERS"

# memory: index stats, then by kind of key (MEMORY USAGE over a SCAN)
"$DESPIN" index stats -i "$R" > "$W/stats"
cli eval "
local cur, m = '0', {post = 0, rec = 0, text = 0, reg = 0, other = 0}
local b = {n = 0, lp = 0, fields = 0, ov = 0, ovmem = 0}
repeat
  local r = redis.call('SCAN', cur, 'COUNT', 5000)
  cur = r[1]
  for _, k in ipairs(r[2]) do
    local c = 'other'
    if string.sub(k, 1, 2) == '{p' then c = 'post'
    elseif string.sub(k, 1, 5) == '{src:' then c = (string.sub(k, -1) == 't') and 'text' or 'rec'
    elseif string.sub(k, 1, 3) == '{ds' then c = 'reg' end
    local u = redis.call('MEMORY', 'USAGE', k, 'SAMPLES', 0)
    m[c] = m[c] + u
    if c == 'post' then
      if string.find(k, '}', 1, true) == #k then
        local e = redis.call('OBJECT', 'ENCODING', k)
        b.n = b.n + 1
        b.fields = b.fields + redis.call('HLEN', k)
        if e == 'listpack' or e == 'ziplist' then b.lp = b.lp + 1 end
      else
        b.ov = b.ov + 1
        b.ovmem = b.ovmem + u
      end
    end
  end
until cur == '0'
return {m.post, m.rec, m.text, m.reg, m.other, b.n, b.lp, b.fields, b.ov, b.ovmem}" 0 | tr '\n' ' ' > "$W/kinds"
python3 - "$W/stats" $(cat "$W/kinds") <<'PY'
import sys
st = dict((l[:19].strip(), l[19:].strip()) for l in open(sys.argv[1]))
n, total = int(st["sources"]), int(st["bytes"])
post, rec, text, reg, other, nb, nlp, fields, nov, ovmem = map(int, sys.argv[2:12])
print("memory %d bytes per source (index stats: %d bytes, %d sources)" % (total / n, total, n))
print("memory without the texts %d bytes per source" % ((total - text) / n))
print("memory by kind, bytes per source: postings %d (%.1f a passage key), records %d, texts %d, registry %d, other %d"
      % (post / n, post / int(st["band keys"]), rec / n, text / n, reg / n, other / n))
print("postings: %d buckets (%d listpacks, %d hash tables), %.1f fields a bucket; %d overflows (sets or packed strings), %d bytes per source"
      % (nb, nlp, nb - nlp, fields / max(nb, 1), nov, ovmem / n))
PY

# queries: index query over the stream; per query wall and CPU time and
# round trips from --timing
s0=$(srvcpu)
xargs "$DESPIN" index query --timing -i "$R" < "$W/stream" > "$W/q.redis" 2> "$W/q.timing"
python3 - "$W/q.timing" "$NA" "$s0" "$(srvcpu)" <<'PY'
import re, sys
t = [(float(a), float(b), int(c)) for a, b, c in
     re.findall(r"time ([0-9.]+) ms cpu ([0-9.]+) ms round trips (\d+)", open(sys.argv[1]).read())]
n = len(t) or 1
wall, cpu, rt = (sum(x[i] for x in t) / n for i in range(3))
sc = (float(sys.argv[4]) - float(sys.argv[3])) * 1000 / n
print("queries %d: %.2f ms wall, %.2f ms CPU in despin, %.2f ms in redis-server per query: %.0f queries/s (wall), %.0f queries/s of despin CPU"
      % (len(t), wall, cpu, sc, 1000 / wall, 1000 / cpu))
print("round trips per query %.2f (most %d)" % (rt, max([x[2] for x in t] or [0])))
PY
if [ "$SQL" = 1 ]; then
	"$DESPIN" index add -q --batch 500 -i "$W/ref.db" "$SRC" "$W/syn" > /dev/null
	xargs "$DESPIN" index query -i "$W/ref.db" < "$W/stream" > "$W/q.sqlite" 2>&1
	grep -v '^time ' "$W/q.redis" > "$W/q.redis.cmp" || true
	cmp -s "$W/q.sqlite" "$W/q.redis.cmp" && echo "same answers as SQLite: yes ($(wc -l < "$W/q.sqlite") lines)" ||
		echo "same answers as SQLite: NO"
fi

# workers: 1, then 2, draining the same N articles (a run in which no
# article was processed says why and makes the script fail)
FAILED=
if [ -f models/lm.bin ] && [ -f models/lex.bin ] && [ -f models/scorer.bin ]; then
	# the models' pages read once before, so that no run pays for them
	cat models/*.bin > /dev/null
	for run in 1 1r2 2 1j2 1p0; do
		w=${run%%[prj]*}
		case $run in
		*p0) PF="--prefetch 0" ;;
		*r2) PF="--readers 2" ;;
		*j2) PF="-j 2" ;;
		*) PF= ;;
		esac
		cli del '{despin}:articles' '{despin}:results' '{despin}:stats' > /dev/null
		xargs "$DESPIN" submit --queue "$R" < "$W/stream" > /dev/null
		t0=$(now)
		WPIDS=
		i=0
		while [ $i -lt $w ]; do
			# shellcheck disable=SC2086
			$TIME -f '%U %S' -o "$W/w$run.$i.time" "$DESPIN" worker -i "$R" --models "$TOP/models" --name "bench$i" --until-empty $PF \
				> "$W/w$run.$i.out" 2>&1 &
			WPIDS="$WPIDS $!"
			i=$((i + 1))
		done
		for p in $WPIDS; do wait "$p" || true; done
		WPIDS=
		t1=$(now)
		"$DESPIN" worker --stats --queue "$R" > "$W/wstats.$run"
		cpu=$(cat "$W"/w$run.*.time | awk '{ s += $1 + $2 } END { print s }')
		done_n=$(awk '/^processed/ { print $2 }' "$W/wstats.$run")
		rt=$(awk '/^round trips/ { print $3 }' "$W/wstats.$run")
		lw=$(awk '/^look-up wait/ { print $4 }' "$W/wstats.$run")
		python3 -c 'import sys; n, t, c = int(sys.argv[2]), float(sys.argv[4]) - float(sys.argv[3]), float(sys.argv[5] or 0)
if n == 0 or c == 0:
    sys.exit("workers %s: no article processed (%s)" % (sys.argv[1], sys.argv[7]))
# judges: the workers times their -j (each judge waits for its own look-ups)
w = int(sys.argv[1].split()[0])
if "-j " in sys.argv[1]:
    w *= int(sys.argv[1].split("-j ")[1].split(")")[0])
lw = float(sys.argv[8])
print("workers %s: %d articles in %.2f s: %.1f articles/s (wall), %.1f articles/s of CPU (%.2f s, models loaded per worker); round trips per article %s; look-up wait %.3f ms an article, %.1f%% of a judge'"'"'s wall time an article (%.2f ms)"
      % (sys.argv[1], n, t, n / t, n / c, c, sys.argv[6], lw, 100 * lw / (t * w / n * 1e3), t * w / n * 1e3))' "$w${PF:+ ($PF)}" "${done_n:-0}" "$t0" "$t1" "$cpu" "${rt:-?}" "$(head -c 300 "$W/w$run.0.out")" "${lw:-0}" || FAILED=1
	done
else
	echo "workers: skipped (models missing: make models)"
fi
echo "# load $(cut -d' ' -f1-3 /proc/loadavg)"
exit ${FAILED:-0}
