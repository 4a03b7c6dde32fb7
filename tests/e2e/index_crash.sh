#!/bin/sh
# Crash safety of the source index: 'despin index add' is killed with SIGKILL
# at random moments, again and again, on one index file.  After each kill the
# index must open, pass SQLite's integrity check and 'despin index check', and
# hold exactly the sources of the adds that completed: a killed add (one
# transaction) leaves all of its batch or none of it; with --batch N, a prefix
# of its files.  Then two writers at once: each either succeeds or fails with
# a message naming the index, and the index holds exactly the batches of
# those that succeeded.  Prints TAP.
# Rounds: 10, or 100 with DS_FULL=1 (DS_CRASH_ROUNDS overrides).
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
DESPIN=${DESPIN:-build/despin}
case $DESPIN in /*) ;; *) DESPIN=$TOP/$DESPIN ;; esac
ROUNDS=${DS_CRASH_ROUNDS:-10}
[ "${DS_FULL:-0}" = 1 ] && ROUNDS=${DS_CRASH_ROUNDS:-100}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok 1 - index crash safety # SKIP sqlite3 not installed"
	exit 0
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
IDX=$W/index.db
# A private copy of the program: the one under test stays the same throughout.
cp "$DESPIN" "$W/despin" || exit 2
DESPIN=$W/despin
cd "$W" || exit 2
# A private copy of the input texts (the seed articles and held-out texts).
mkdir pool
for f in "$TOP"/corpus/seeds/*.txt "$TOP"/corpus/bench-heldout/*.txt; do
	[ -s "$f" ] && cp "$f" pool/ 2>/dev/null
done
ls pool/*.txt 2>/dev/null > pool.list
npool=$(wc -l < pool.list)
if [ "$npool" -lt 4 ]; then
	echo "ok 1 - index crash safety # SKIP no input texts in corpus/"
	exit 0
fi

# A random integer in [0, $1).
rnd() { od -An -N4 -tu4 /dev/urandom | awk -v m="$1" '{ print $1 % m }'; }

# make_batch NAME K: K distinct texts in directory NAME (listed in NAME.files).
make_batch() {
	mkdir -p "$1"
	: > "$1.files"
	j=0
	while [ $j -lt "$2" ]; do
		src=$(sed -n "$(( $(rnd "$npool") + 1 ))p" pool.list)
		f=$1/t$j.txt
		# Words unique to this text, in its longest line (body text, not
		# boilerplate, which the index's duplicate check leaves out);
		# letters, as digits are one class to the index.
		tag=$(echo "$1 $j" | tr '0-9' 'a-j')
		awk -v tag="$tag" '{ l[NR] = $0; if (length($0) > max) { max = length($0); m = NR } }
			END { for (i = 1; i <= NR; i++)
				print (i == m ? l[i] " The crash test marks this copy " tag "." : l[i]) }' \
			"$src" > "$f"
		echo "$f" >> "$1.files"
		j=$((j + 1))
	done
}

# The names the index holds, sorted (index list: name is the last column).
names() { "$DESPIN" index list -i "$IDX" 2>/dev/null | awk 'NR > 1 { print $NF }' | sort; }

# healthy LABEL: the index opens and passes both checks.
healthy() {
	ic=$(sqlite3 "$IDX" 'PRAGMA integrity_check' 2>&1)
	if [ "$ic" != ok ]; then
		echo "# $1: integrity_check: $ic"
		return 1
	fi
	if ! "$DESPIN" index check -i "$IDX" > check.out 2>&1; then
		echo "# $1: despin index check: $(cat check.out)"
		return 1
	fi
	return 0
}

# A first add, not killed: its time sets the range of the kill moments.
make_batch b0 8
t0=$(date +%s%N)
"$DESPIN" index add -q -i "$IDX" $(cat b0.files) > /dev/null 2>&1
rc=$?
t1=$(date +%s%N)
span=$(( (t1 - t0) / 1000000 ))   # ms
[ $span -lt 20 ] && span=20
sort b0.files > expected
if [ $rc = 0 ] && healthy "first add" && names | cmp -s - expected; then
	ok "first add of 8 texts ($span ms)"
else
	nok "first add of 8 texts (exit $rc)"
fi

bad_round=0 killed=0 completed=0 partial=0
r=1
while [ $r -le "$ROUNDS" ]; do
	make_batch "r$r" 8
	batch=
	[ $((r % 3)) = 0 ] && batch="--batch 3"
	delay_ms=$(rnd $((span * 5 / 4)))
	# shellcheck disable=SC2086
	"$DESPIN" index add -q $batch -i "$IDX" $(cat "r$r.files") > add.out 2>&1 &
	pid=$!
	sleep "$(awk -v m="$delay_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	names > have
	sort "r$r.files" > batch.sorted
	comm -13 expected have > new       # sources added by this round
	comm -23 expected have > lost      # sources that vanished
	why=
	if ! healthy "round $r"; then
		why="index damaged"
	elif [ -s lost ]; then
		why="sources of earlier adds vanished: $(tr '\n' ' ' < lost)"
	elif [ -n "$(comm -23 new batch.sorted)" ]; then
		why="sources that were never added appeared"
	elif [ $rc = 0 ]; then
		completed=$((completed + 1))
		cmp -s new batch.sorted || why="add completed (exit 0) but $(wc -l < new) of 8 sources are there"
	elif [ $rc -ne 137 ]; then
		why="add failed with status $rc: $(cat add.out)"
	else
		killed=$((killed + 1))
		k=$(wc -l < new)
		if [ -z "$batch" ]; then
			# one transaction: all or nothing
			[ "$k" = 0 ] || [ "$k" = 8 ] || why="killed add left $k of 8 sources (not all or nothing)"
		else
			# commits every 3 new sources: a prefix of the files, in order
			head -n "$k" "r$r.files" | sort > prefix
			cmp -s new prefix || why="killed --batch 3 add left sources that are not a prefix: $(tr '\n' ' ' < new)"
			[ "$k" -gt 0 ] && [ "$k" -lt 8 ] && partial=$((partial + 1))
		fi
	fi
	if [ -n "$why" ]; then
		bad_round=$((bad_round + 1))
		echo "# round $r (kill after $delay_ms ms, exit $rc): $why"
	fi
	cp have expected
	r=$((r + 1))
done
if [ $bad_round = 0 ]; then
	ok "$ROUNDS adds killed at random moments: index intact, all-or-nothing ($killed killed, $completed completed, $partial partial --batch)"
else
	nok "$ROUNDS adds killed at random moments: $bad_round bad rounds"
fi

# The index still takes new sources after all that.
make_batch after 3
"$DESPIN" index add -q -i "$IDX" $(cat after.files) > /dev/null 2>&1
rc=$?
names > have
if [ $rc = 0 ] && [ -z "$(sort after.files | comm -23 - have)" ]; then
	ok "an add after the kills completes"
else
	nok "an add after the kills completes"
fi
names > expected

# ---- two writers at once ------------------------------------------------------
two_writers() { # LABEL TIMEOUT_ARG
	make_batch "$1a" 8
	make_batch "$1b" 8
	# shellcheck disable=SC2086
	"$DESPIN" index add -q $2 -i "$IDX" $(cat "$1a.files") > "$1a.out" 2>&1 &
	pa=$!
	# shellcheck disable=SC2086
	"$DESPIN" index add -q $2 -i "$IDX" $(cat "$1b.files") > "$1b.out" 2>&1 &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	sort expected > want
	why=
	for w in a b; do
		eval "rw=\$r$w"
		if [ "$rw" = 0 ]; then
			sort "$1$w.files" >> want
		elif ! grep -q "$IDX" "$1$w.out" || ! grep -qiE 'busy|lock' "$1$w.out"; then
			why="$why writer $w failed (exit $rw) without a clear message: $(head -c 200 "$1$w.out");"
		fi
	done
	sort -o want want
	names > have
	healthy "$1" || why="$why index damaged;"
	cmp -s want have || why="$why index holds $(wc -l < have) sources, expected $(wc -l < want);"
	if [ -z "$why" ]; then
		ok "two writers at once ($1): exits $ra and $rb, index intact"
	else
		nok "two writers at once ($1): $why"
	fi
	cp have expected
}
two_writers wait ""
two_writers nowait "--timeout 0"
echo "1..$n"
