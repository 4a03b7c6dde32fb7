#!/bin/sh
# The shared index on Redis against the SQLite file, one run, same inputs:
#   - 'despin scan -i INDEX' throughput with 1 and 2 worker processes
#     (xargs -P) over one stream of articles, for an index of the benchmark's
#     sources (exhaustive comparison: at most 2000 sources) and for a larger
#     one (sources plus chunks of corpus/train.txt: LSH band look-ups);
#   - Redis commands per scanned article (INFO stats before/after);
#   - bytes per source in Redis (INFO memory before/after the adds, and
#     MEMORY USAGE of a source's record plus its share of its band keys);
#   - add rate into each store.
# Usage: scripts/bench_redis.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_N articles per stream (default 160), BENCH_CHUNK lines
# of corpus/train.txt per extra source (default 9), BENCH_FSYNC the server's
# appendfsync (default always).
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
DESPIN=${DESPIN:-$TOP/$BUILD/despin}
N=${BENCH_N:-160}
CHUNK=${BENCH_CHUNK:-9}
FSYNC=${BENCH_FSYNC:-always}
die() { echo "bench_redis: $*" >&2; exit 2; }
[ -x "$DESPIN" ] || die "$DESPIN is missing; run 'make'"
command -v redis-server >/dev/null || die "redis-server is needed (scripts/deps.sh)"
command -v python3 >/dev/null || die "python3 is needed"

if [ -d corpus/bench/sources ]; then
	SRC=corpus/bench/sources
	STREAM="corpus/bench/spun corpus/bench/roundtrip corpus/bench/edited"
else
	SRC=corpus/bench-heldout
	STREAM=corpus/seeds
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-redis.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 2' INT TERM
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
info() { cli info "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
now() { python3 -c 'import time; print(time.time())'; }
echo "# redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), appendfsync $FSYNC, $(nproc) cores"

# the stream: the first N articles, in name order
# (sorted by file name, so the kinds of copies mix)
find $STREAM -name '*.txt' | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2 | head -n "$N" > "$W/stream"
NA=$(wc -l < "$W/stream")
# the larger index: the sources and chunks of CHUNK lines of corpus/train.txt
mkdir "$W/extra"
split -l "$CHUNK" -d -a 5 corpus/train.txt "$W/extra/t"
for f in "$W"/extra/t*; do mv "$f" "$f.txt"; done

# add_bench LABEL URI DIR...: adds, prints the rate
add_bench() {
	label=$1 uri=$2
	shift 2
	t0=$(now)
	"$DESPIN" index add -q --batch 500 -i "$uri" "$@" > "$W/add.out"
	t1=$(now)
	python3 -c 'import sys; n = int(sys.argv[1].split()[0]); t = float(sys.argv[3]) - float(sys.argv[2])
print("add_%s %d sources %.2fs %.0f sources/s" % (sys.argv[4], n, t, n / t))' \
		"$(cat "$W/add.out")" "$t0" "$t1" "$label"
}

# bytes per source: INFO memory before/after, and MEMORY USAGE of sample records
mem_bench() { # LABEL DB USED_BEFORE
	used=$(cli -n "$2" info memory | tr -d '\r' | sed -n 's/^used_memory://p')
	nsrc=$(cli -n "$2" zcard '{ds}:ids')
	sample=$(cli -n "$2" eval "
		local ids = redis.call('ZRANGE', KEYS[1], 0, 49)
		local rec, band, text = 0, 0, 0
		for _, id in ipairs(ids) do
			local k = '{src:' .. id .. '}'
			rec = rec + redis.call('MEMORY', 'USAGE', k, 'SAMPLES', 0)
			text = text + redis.call('HSTRLEN', k, 't')
			local bk = redis.call('HGET', k, 'k')
			for i = 0, #bk / 8 - 1 do
				local b = 'b' .. string.sub(bk, i * 8 + 1, i * 8 + 8)
				band = band + redis.call('MEMORY', 'USAGE', b, 'SAMPLES', 0) / redis.call('SCARD', b)
			end
		end
		return {#ids, rec, math.floor(band), text}" 1 '{ds}:ids' | tr '\n' ' ')
	python3 - "$1" "$3" "$used" "$nsrc" $sample <<'PY'
import sys
label, before, after, n, k, rec, band, text = sys.argv[1:9]
before, after, n, k, rec, band, text = map(int, (before, after, n, k, rec, band, text))
print("bytes_per_source_%s info_memory %.0f (%d sources, used_memory +%d)" % (label, (after - before) / n, n, after - before))
print("bytes_per_source_%s memory_usage record %.0f + band keys %.0f = %.0f (text %.0f) (mean of %d)"
      % (label, rec / k, band / k, (rec + band) / k, text / k, k))
PY
}

# scan_bench LABEL URI WORKERS: the stream split over WORKERS processes
scan_bench() {
	label=$1 uri=$2 w=$3
	per=$(( (NA + w - 1) / w )) # one process per worker: models load once each
	c0=$(info stats total_commands_processed)
	t0=$(now)
	# each process writes its own file (long JSON lines of two processes
	# would interleave in one)
	xargs -P "$w" -n "$per" sh -c 'd=$1 u=$2 o=$3; shift 3; exec "$d" scan -i "$u" --format json "$@" > "$o.$$"' \
		sh "$DESPIN" "$uri" "$W/part.$label.$w" < "$W/stream" 2> "$W/scan.err" || true
	t1=$(now)
	cat "$W/part.$label.$w".* | sort > "$W/scan.$label.$w"
	c1=$(info stats total_commands_processed)
	got=$(grep -c '"verdict"' "$W/scan.$label.$w" || true)
	nerr=$(grep -c . "$W/scan.err" || true)
	[ "$nerr" = 0 ] || sed "s/^/# /" "$W/scan.err" | head -3
	python3 -c 'import sys; a = int(sys.argv[1]); t = float(sys.argv[3]) - float(sys.argv[2])
print("scan_%s workers %s articles %d errors %s %.2fs %.1f articles/s" % (sys.argv[4], sys.argv[5], a, sys.argv[6], t, a / t))' \
		"$got" "$t0" "$t1" "$label" "$w" "$nerr"
	case $uri in redis://*)
		python3 -c 'import sys; print("commands_per_article_%s %.1f" % (sys.argv[1], (int(sys.argv[3]) - int(sys.argv[2]) - 2) / int(sys.argv[4])))' \
			"$label.$w" "$c0" "$c1" "$got" ;;
	esac
}

# query_cmds LABEL URI: Redis commands of 'index query' alone, per article
query_cmds() {
	c0=$(info stats total_commands_processed)
	xargs "$DESPIN" index query -i "$2" < "$W/stream" > /dev/null 2>&1 || true
	c1=$(info stats total_commands_processed)
	python3 -c 'import sys; print("commands_per_query_%s %.1f" % (sys.argv[1], (int(sys.argv[3]) - int(sys.argv[2]) - 2) / int(sys.argv[4])))' \
		"$1" "$c0" "$c1" "$NA"
}

echo "# stream: $NA articles from $STREAM"
echo "# small index: $(ls "$SRC" | wc -l) sources of $SRC"
add_bench small_sqlite "$W/small.db" "$SRC"
u0=$(cli info memory | tr -d '\r' | sed -n 's/^used_memory://p')
add_bench small_redis "$R/0" "$SRC"
mem_bench small 0 "$u0"
query_cmds small "$R/0"
for w in 1 2; do scan_bench small_sqlite "$W/small.db" $w; done
for w in 1 2; do scan_bench small_redis "$R/0" $w; done

echo "# large index: the sources and $(ls "$W/extra" | wc -l) chunks of $CHUNK lines of corpus/train.txt"
add_bench large_sqlite "$W/large.db" "$SRC" "$W/extra"
u0=$(cli info memory | tr -d '\r' | sed -n 's/^used_memory://p')
add_bench large_redis "$R/1" "$SRC" "$W/extra"
mem_bench large 1 "$u0"
query_cmds large "$R/1"
for w in 1 2; do scan_bench large_sqlite "$W/large.db" $w; done
for w in 1 2; do scan_bench large_redis "$R/1" $w; done
cmp -s "$W/scan.large_sqlite.1" "$W/scan.large_redis.1" && echo "same_results large_sqlite large_redis yes" ||
	echo "same_results large_sqlite large_redis NO"
cmp -s "$W/scan.small_sqlite.1" "$W/scan.small_redis.1" && echo "same_results small_sqlite small_redis yes" ||
	echo "same_results small_sqlite small_redis NO"
