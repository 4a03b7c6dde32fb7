#!/bin/sh
# Runs the unit test programs and a few command-line runs on small inputs
# under valgrind (memcheck, --leak-check=full, --error-exitcode=1) and reports
# one line per run; exits 1 if any run had errors or leaks.
# Usage: scripts/valgrind.sh [BUILD_DIR]   (default build; run 'make' and
# 'make models' first).  Logs: BUILD_DIR/valgrind/*.log.
# The language model (114 MB) makes model-loading runs slow under valgrind:
# those use small models built here.
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
DESPIN=$TOP/$BUILD/despin
LOGS=$TOP/$BUILD/valgrind
if ! command -v valgrind > /dev/null 2>&1; then
	echo "valgrind: not installed (apt-get install valgrind)" >&2
	exit 2
fi
[ -x "$DESPIN" ] || { echo "valgrind: $DESPIN missing: run make" >&2; exit 2; }
rm -rf "$LOGS"
mkdir -p "$LOGS"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-origins=yes"
pass=0 fail=0

# run NAME WANT CMD...: one run under valgrind (exit status 99 = memcheck
# errors); WANT is the exit status the run must have (0 nothing flagged, 1
# flagged, 2 an error the run is there to provoke).
run() {
	name=$1
	want=$2
	shift 2
	t0=$(date +%s)
	$VG --log-file="$LOGS/$name.log" "$@" > "$LOGS/$name.out" 2>&1
	rc=$?
	t1=$(date +%s)
	errs=$(grep '^==[0-9]*== [A-Z]' "$LOGS/$name.log" 2>/dev/null | grep -vc 'Warning:')
	if [ $rc = 99 ] || [ "${errs:-0}" -gt 0 ]; then
		fail=$((fail + 1))
		echo "FAIL $name: memcheck errors (exit $rc, see $LOGS/$name.log)"
		grep '^==[0-9]*== [A-Z]' "$LOGS/$name.log" | grep -v 'Warning:' | head -n 3 | sed 's/^/    /'
	elif [ $rc -ge 128 ]; then
		fail=$((fail + 1))
		echo "FAIL $name: killed by signal $((rc - 128))"
	elif [ $rc != "$want" ]; then
		fail=$((fail + 1))
		echo "FAIL $name: exit $rc, not $want (see $LOGS/$name.out)"
		tail -n 3 "$LOGS/$name.out" | sed 's/^/    /'
	else
		pass=$((pass + 1))
		echo "ok   $name (exit $rc, $((t1 - t0)) s)"
	fi
}

# Small models, so that loading stays quick under valgrind.
M=$W/models
mkdir -p "$M"
for f in corpus/seeds/*.txt; do head -c 1500 "$f"; echo; done > "$W/train.txt"
printf 'war\tbattle\t0.9\twordnet\t1\tn\t10\t5\nmeeting\tassembly\t0.8\twordnet,mythes\t2\tn\t9\t3\nyear\t12 months\t0.7\tnumber\t1\tn\t20\t1\n' > "$W/lex.tsv"
run train 0 "$DESPIN" train -q --order 3 -o "$M/lm.bin" --arpa "$W/lm.arpa" "$W/train.txt"
run lex_build 0 "$DESPIN" lex build -o "$M/lex.bin" "$W/lex.tsv"
if [ -f models/scorer.tsv ]; then
	run scorer_build 0 "$DESPIN" scorer build -o "$M/scorer.bin" models/scorer.tsv
fi
run lm_convert 0 "$DESPIN" lm convert "$W/lm.arpa" "$W/lm2.bin"
run lm_score 0 "$DESPIN" lm score -m "$M/lm.bin" --summary corpus/seeds/001_455d42bae2579fa5.txt
run tokens 0 "$DESPIN" tokens --stems corpus/seeds tests/fixtures/tokens1.txt
head -c 3000 corpus/seeds/000_*.txt > "$W/a.txt"
head -c 3000 corpus/seeds/003_*.txt > "$W/b.txt"
printf '\377\376<x>\000binary' > "$W/bin.txt"
run tokens_bad 2 "$DESPIN" tokens "$W/bin.txt" /nonexistent
run index_add 0 "$DESPIN" index add -q -i "$W/idx.db" "$W/a.txt" corpus/seeds/001_455d42bae2579fa5.txt
run index_query 0 "$DESPIN" index query -i "$W/idx.db" "$W/b.txt"
run index_list 0 "$DESPIN" index list -i "$W/idx.db"
run index_check 0 "$DESPIN" index check -i "$W/idx.db"
run match 0 "$DESPIN" match "$W/a.txt" "$W/b.txt"
if [ -f "$M/scorer.bin" ]; then
	# b is a's spin: flagged (exit 1), a not
	run scan_batch 1 "$DESPIN" scan --models "$M" --format json "$W/a.txt" "$W/b.txt"
	run scan_solo 2 "$DESPIN" scan --solo --models "$M" "$W/b.txt" "$W/bin.txt"
	run scan_index 1 "$DESPIN" scan -i "$W/idx.db" --models "$M" -j 2 "$W/b.txt"
	printf '{"id":1,"text":"The council met."}\n{"id":"x","text":"bad\n{"id":2}\n' > "$W/in.jsonl"
	run scan_stdin 2 "$DESPIN" scan --solo --stdin-json --models "$M" --format json < "$W/in.jsonl"
	run explain 1 "$DESPIN" explain --models "$M" -s "$W/a.txt" "$W/b.txt"
	run restore 1 "$DESPIN" restore --models "$M" -s "$W/a.txt" "$W/b.txt"
	run report 1 "$DESPIN" report --html "$W/r.html" --models "$M" "$W/a.txt" "$W/b.txt"
	# a WARC archive's pages as articles, and as sources (b is its page's
	# start: a copy, clean)
	run scan_warc 0 "$DESPIN" scan --solo --models "$M" --format json tests/fixtures/news.warc
	run scan_warc_sources 0 "$DESPIN" scan --models "$M" -s tests/fixtures/news.warc -s "$W/a.txt" "$W/b.txt"
fi
run warc 0 "$DESPIN" warc -q tests/fixtures/news.warc
run index_add_warc 0 "$DESPIN" index add -q -i "$W/idx2.db" tests/fixtures/news.warc
printf 'DESPIN\r\nLM\0\0\0\0\0\0garbage' > "$W/bad.bin"
run corrupt_model 2 "$DESPIN" lm info -m "$W/bad.bin"

# Unit test programs.
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d) continue ;; esac
	run "unit_$(basename "$t")" 0 "$t"
done
echo "valgrind: $pass passed, $fail failed"
[ $fail = 0 ]
