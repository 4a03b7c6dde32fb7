#!/bin/sh
# The candidate table (models/cand.bin) changes speed, never results: the
# seeds scanned in batch and alone give the same JSON with the table, without
# it, and with a table of other models (which is then not used, and a note
# says so, unless the other model is a language model asked for by name);
# 'despin lex cands' writes one for a models folder, and check-models
# verifies it.  Prints TAP.
. "$(dirname "$0")/lib/tap.sh"
[ -f models/cand.bin ] || skip_all "candidate table" "models/cand.bin missing (make models builds it)"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
SEEDS=$(ls corpus/seeds/*.txt)

# a models folder: links to models/ but for cand.bin
mk() {
	mkdir "$W/$1"
	for f in models/*; do
		case $f in *cand.bin*) ;; *) ln -s "$TOP/$f" "$W/$1/" ;; esac
	done
}
mk with
ln -s "$TOP/models/cand.bin" "$W/with/"
mk without
mk other

run() { # FOLDER TAG ARGS...: scan into $W/TAG.out and $W/TAG.err
	d=$1
	t=$2
	shift 2
	"$DESPIN" scan --models "$W/$d" --format json --all "$@" > "$W/$t.out" 2> "$W/$t.err"
	echo $? > "$W/$t.rc"
}
run with with.batch $SEEDS
run without without.batch $SEEDS
run with with.solo --solo $SEEDS
run without without.solo --solo $SEEDS
check "the seeds in batch: spun found (exit 1), no note" \
	$([ "$(cat "$W/with.batch.rc")" = 1 ] && [ ! -s "$W/with.batch.err" ]; echo $?)
same "... the same JSON without the table" "$W/with.batch.out" "$W/without.batch.out"
same "... alone (--solo), the same JSON with and without" "$W/with.solo.out" "$W/without.solo.out"

# a table of other models: the lexicon's only (no word vectors), built by
# lex cands in a folder without vec.bin
mkdir "$W/novec"
for f in models/*; do
	case $f in *cand.bin* | *vec.bin*) ;; *) ln -s "$TOP/$f" "$W/novec/" ;; esac
done
"$DESPIN" lex cands --models "$W/novec" -o "$W/other/cand.bin" 2> "$W/build.err"
rc=$?
sed 's/^/# /' "$W/build.err"
check "lex cands writes a table for a folder without word vectors" \
	$([ $rc = 0 ] && grep -q "candidates of [0-9]* phrases" "$W/build.err"; echo $?)
run other other.solo --solo $SEEDS
same "... a folder with vectors does not use it: the same JSON" "$W/other.solo.out" "$W/without.solo.out"
check "... and a note names the table and says why" \
	$(grep -q "^despin: note: .*/other/cand.bin holds the candidates of other models" "$W/other.solo.err"; echo $?)

# another language model asked for by name: the table is not used, and
# that is no news
DESPIN_LM=lm.bin "$DESPIN" scan --models "$W/with" --format json --all --solo $SEEDS \
	> "$W/lmbin.with.out" 2> "$W/lmbin.with.err"
DESPIN_LM=lm.bin "$DESPIN" scan --models "$W/without" --format json --all --solo $SEEDS \
	> "$W/lmbin.without.out" 2> /dev/null
same "DESPIN_LM=lm.bin: the same JSON with the table and without" "$W/lmbin.with.out" "$W/lmbin.without.out"
check "... and no note" $([ ! -s "$W/lmbin.with.err" ]; echo $?)

"$DESPIN" check-models --models "$W/with" > "$W/check.out" 2>&1
check "check-models verifies cand.bin" $(grep -q "^ok.*/with/cand.bin" "$W/check.out"; echo $?)
# a damaged table is refused with its name
cp models/cand.bin "$W/other/cand.bin"
printf 'XXXX' | dd of="$W/other/cand.bin" bs=1 seek=4 conv=notrunc 2> /dev/null
"$DESPIN" scan --models "$W/other" --solo corpus/seeds/000_*.txt > /dev/null 2> "$W/bad.err"
rc=$?
sed 's/^/# /' "$W/bad.err"
check "a damaged cand.bin: exit 2, one line naming it" \
	$([ $rc = 2 ] && grep -q "other/cand.bin" "$W/bad.err" && [ "$(wc -l < "$W/bad.err")" -le 2 ]; echo $?)
echo "1..$n"
