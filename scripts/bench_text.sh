#!/bin/sh
# Throughput of the text pipeline on one core: tokenisation alone and
# tokenisation with Snowball stemming, MB/s of corpus/train.txt, the whole
# file as one document and cut into ~3 kB articles (tests/bench/bench_text.c,
# built by 'make bench-bins'), each beside the same file read by 'wc -w' and
# by 'cat' in the same run (MB per CPU-second, as a ratio); then 'despin
# warc' on a gzip WARC archive of the same text as ~3 kB pages, one HTTP
# response a page, beside 'zcat' of the archive.
# Usage: scripts/bench_text.sh [BUILD_DIR]   (default: build)
# Environment: TEXT_REPEAT (passes per measure, best kept; default 3),
# REF_PASSES (passes of wc -w and cat per measure; default 20).
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
B=$BUILD/bench/bench_text
F=corpus/train.txt
[ -x "$B" ] || { echo "bench_text: $B is missing; run 'make bench-bins'" >&2; exit 2; }
[ -f $F ] || { echo "bench_text: $F is missing; run 'make corpus'" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_text: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }
PIN=""
taskset -c 0 true 2>/dev/null && PIN="taskset -c 0"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-text.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
N=${REF_PASSES:-20}
MB=$(wc -c < $F | awk '{ print $1 / 1e6 }')

# ref NAME CMD...: MB/s per CPU-second of CMD over N passes of the file (best of 3)
ref() {
	name=$1; shift
	best=0
	for r in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$TMP/t" $PIN sh -c 'i=0; while [ $i -lt "$0" ]; do "$@" < '"$F"' > /dev/null; i=$((i + 1)); done' "$N" "$@"
		best=$(awk -v mb="$MB" -v n="$N" -v b="$best" '{ c = $1 + $2; r = c > 0 ? mb * n / c : 0; print (r > b ? r : b) }' "$TMP/t")
	done
	echo "$name $best" >> "$TMP/refs"
}
: > "$TMP/refs"
ref wc wc -w
ref cat cat

echo "== text pipeline (one core: $B -r ${TEXT_REPEAT:-3} $F; references: wc -w and cat, $N passes, best of 3)"
$PIN "$B" -r "${TEXT_REPEAT:-3}" $F > "$TMP/out"
awk 'NR == FNR { ref[$1] = $2; next }
	/ MB\/s / { for (i = 1; i < NF; i++) if ($(i + 1) == "MB/s") r = $i
		printf "%s  = %.2f of wc -w, %.3f of cat\n", $0, r / ref["wc"], r / ref["cat"]; next }
	{ print }
	END { printf "text: wc -w                        %6.1f MB/s per CPU-s\n", ref["wc"]
	      printf "text: cat                          %6.1f MB/s per CPU-s\n", ref["cat"] }' "$TMP/refs" "$TMP/out"

# despin warc: the file as ~3 kB pages in a WARC archive (a request and a
# response record a page, one gzip member each, as crawlers write them)
python3 - "$F" "$TMP/pages.warc.gz" <<'PY2'
import gzip, sys
text = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
at = page = 0
while at < len(text):
    end = text.find(b"\n", at + 3000)
    end = len(text) if end < 0 else end + 1
    body = b"<html><body><p>" + text[at:end].replace(b"&", b"&amp;").replace(b"<", b"&lt;") + b"</p></body></html>"
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    for typ, block in ((b"request", b""), (b"response", http)):
        head = (b"WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: https://bench.example/%d\r\n"
                b"Content-Type: application/http; msgtype=%s\r\nContent-Length: %d\r\n\r\n"
                % (typ, page, typ, len(block)))
        out.write(gzip.compress(head + block + b"\r\n\r\n", 1))
    at, page = end, page + 1
PY2
WMB=$(gzip -dc "$TMP/pages.warc.gz" | wc -c | awk '{ print $1 / 1e6 }')
best_w=0 best_z=0
for r in 1 2 3; do
	/usr/bin/time -f '%U %S' -o "$TMP/tw" $PIN "$BUILD/despin" warc -q "$TMP/pages.warc.gz" > "$TMP/pages.jsonl"
	/usr/bin/time -f '%U %S' -o "$TMP/tz" $PIN gzip -dc "$TMP/pages.warc.gz" > /dev/null
	best_w=$(awk -v mb="$WMB" -v b="$best_w" '{ c = $1 + $2; r = c > 0 ? mb / c : 0; print (r > b ? r : b) }' "$TMP/tw")
	best_z=$(awk -v mb="$WMB" -v b="$best_z" '{ c = $1 + $2; r = c > 0 ? mb / c : 0; print (r > b ? r : b) }' "$TMP/tz")
done
awk -v w="$best_w" -v z="$best_z" -v mb="$WMB" -v n="$(wc -l < "$TMP/pages.jsonl")" 'BEGIN {
	printf "text: warc pages (gzip archive)    %6.1f MB/s of archive per CPU-s, %.0f pages/s (%d pages, %.1f MB)  = %.2f of gzip -dc\n",
		w, (mb > 0 ? n * w / mb : 0), n, mb, (z > 0 ? w / z : 0) }'

