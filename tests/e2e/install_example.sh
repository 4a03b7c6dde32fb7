#!/bin/sh
# End-to-end test of 'make install' and of the library as a user sees it:
# installs into a staging directory (DESTDIR), builds examples/embed.c with
# only the installed header, library and pkg-config file, runs it on the
# seed articles, runs the installed command, and uninstalls.  Prints TAP.
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; fi; }
skip() { n=$((n + 1)); echo "ok $n - install and embed # SKIP $1"; echo "1..$n"; exit 0; }

# The example links the plain static library; a sanitizer build would need
# the sanitizer's run-time too.
[ "${BUILD:-build}" = build ] || skip "runs on the default build only (BUILD=$BUILD)"
for m in lm lex scorer; do
	[ -f "models/$m.bin" ] || skip "models not built (make models)"
done
command -v pkg-config >/dev/null || skip "pkg-config is not installed"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip "no C compiler ($CC)"

T=$(mktemp -d "${TMPDIR:-/tmp}/despin-install.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM
STAGE=$T/stage
P=/usr/local
A=corpus/seeds/003_cc34e14e2e5a732a.txt
S=corpus/seeds/000_fcd469a446cc7cc8.txt

# ---- install --------------------------------------------------------------------
make -s --no-print-directory -C "$TOP" install BUILD=build PREFIX=$P DESTDIR="$STAGE" \
	> "$T/install.log" 2>&1
check "make install DESTDIR=... PREFIX=$P" $?
for f in bin/despin lib/libdespin.a include/despin.h lib/pkgconfig/despin.pc \
	share/man/man1/despin.1 share/despin/lm.bin share/despin/lex.bin share/despin/scorer.bin \
	share/bash-completion/completions/despin; do
	check "installed $P/$f" $([ -s "$STAGE$P/$f" ]; echo $?)
done
for f in lm.bin lex.bin scorer.bin; do
	check "installed model $f is checked and stamped" \
		$(grep -q '^despin-checked ' "$STAGE$P/share/despin/$f.checked"; echo $?)
done
check "installed binary is executable" $([ -x "$STAGE$P/bin/despin" ]; echo $?)
# the shared library: the file of the full version, the soname's link and
# the development link; it exports the header's functions and no other
maj=$(sed -n 's/^#define DS_VERSION_MAJOR \([0-9]*\).*/\1/p' src/despin.h)
min=$(sed -n 's/^#define DS_VERSION_MINOR \([0-9]*\).*/\1/p' src/despin.h)
pat=$(sed -n 's/^#define DS_VERSION_PATCH \([0-9]*\).*/\1/p' src/despin.h)
soname=libdespin.so.$maj
[ "$maj" = 0 ] && soname=$soname.$min
L=$STAGE$P/lib
check "installed $P/lib/libdespin.so -> $soname -> libdespin.so.$maj.$min.$pat" \
	$([ -f "$L/libdespin.so.$maj.$min.$pat" ] && [ "$(readlink "$L/libdespin.so")" = "$soname" ] &&
	  [ "$(readlink "$L/$soname")" = "libdespin.so.$maj.$min.$pat" ]; echo $?)
got=$(readelf -d "$L/libdespin.so" 2> /dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "the shared library's soname is $soname (got $got)" $([ "$got" = "$soname" ]; echo $?)
grep -o '\bds_[a-z0-9_]*(' src/despin.h | tr -d '(' | sort -u > "$T/api"
nm -D --defined-only "$L/libdespin.so" | awk '{ print $3 }' | sort -u > "$T/exported"
check "the shared library exports the $(wc -l < "$T/api") functions of despin.h and nothing else ($(wc -l < "$T/exported") exported)" \
	$(cmp -s "$T/api" "$T/exported"; echo $?)
MANPATH=$STAGE$P/share/man man -w despin > "$T/man.path" 2>/dev/null
check "man finds the installed page ($(cat "$T/man.path"))" \
	$([ "$(cat "$T/man.path")" = "$STAGE$P/share/man/man1/despin.1" ]; echo $?)
check "man page names the command" $(grep -q '^\.TH DESPIN 1' "$STAGE$P/share/man/man1/despin.1"; echo $?)

# ---- build the example with pkg-config only ----------------------------------------
# PKG_CONFIG_SYSROOT_DIR maps the installed paths (prefix $P) into the stage.
PKG_CONFIG_PATH=$STAGE$P/lib/pkgconfig
PKG_CONFIG_LIBDIR=$STAGE$P/lib/pkgconfig
PKG_CONFIG_SYSROOT_DIR=$STAGE
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
pc_ver=$(pkg-config --modversion despin 2>&1)
hdr_ver=$(sed -n 's/.*DS_VERSION_STRING "\(.*\)"/\1/p' src/despin.h)
check "pkg-config --modversion despin is $hdr_ver (got $pc_ver)" $([ "$pc_ver" = "$hdr_ver" ]; echo $?)
flags=$(pkg-config --cflags --libs despin)
check "pkg-config --cflags --libs despin" $?
modeldir=$(pkg-config --variable=modeldir despin)
check "pkg-config modeldir is the installed models ($modeldir)" \
	$([ "$modeldir" = "$STAGE$P/share/despin" ]; echo $?)

# a copy outside the tree, so that nothing of src/ can be found by accident
mkdir -p "$T/ex"
cp examples/embed.c "$T/ex/"
# shellcheck disable=SC2086
(cd "$T/ex" && $CC -std=c11 -Wall -Wextra -Werror -O2 -DMODELS_DIR="\"$modeldir\"" \
	-o embed embed.c $flags) > "$T/cc.log" 2>&1
rc=$?
check "cc embed.c \$(pkg-config --cflags --libs despin) builds without warnings" $rc
[ $rc = 0 ] || sed 's/^/# /' "$T/cc.log"
# shellcheck disable=SC2086
(cd "$T/ex" && $CC -std=c11 -M $flags embed.c 2>/dev/null) | tr ' \\' '\n\n' |
	grep 'despin\.h$' > "$T/hdr"
check "the example includes the installed header ($(cat "$T/hdr"))" \
	$([ "$(cat "$T/hdr")" = "$STAGE$P/include/despin.h" ]; echo $?)

# linked with the static library instead (pkg-config --static: its
# private libraries too)
# shellcheck disable=SC2086
(cd "$T/ex" && $CC -std=c11 -Wall -Wextra -Werror -O2 -DMODELS_DIR="\"$modeldir\"" \
	-o embed_static embed.c $(pkg-config --cflags despin) \
	$(pkg-config --static --libs despin | sed 's/-ldespin\b/-l:libdespin.a/')) > "$T/cc2.log" 2>&1
rc=$?
check "cc embed.c with libdespin.a (pkg-config --static) builds without warnings" $rc
[ $rc = 0 ] || sed 's/^/# /' "$T/cc2.log"

# ---- run it ----------------------------------------------------------------------
# the staged library is not where the loader looks: tell it
LD_LIBRARY_PATH=$L
export LD_LIBRARY_PATH
E=$T/ex/embed
check "embed loads the installed shared library ($(ldd "$E" 2> /dev/null | awk '/libdespin/ { print $1 " => " $3 }'))" \
	$(ldd "$E" 2> /dev/null | grep -q "^[[:space:]]*$soname => $L/$soname "; echo $?)
if [ -x "$T/ex/embed_static" ]; then
	"$T/ex/embed_static" -m "$modeldir" "$TOP/$A" "$TOP/$S" > "$T/static.out" 2>&1
	rc=$?
	check "embed_static needs no libdespin.so and judges as embed does (exit $rc)" \
		$([ $rc = 1 ] && ! ldd "$T/ex/embed_static" | grep -q libdespin &&
		  "$E" -m "$modeldir" "$TOP/$A" "$TOP/$S" 2>&1 | cmp -s - "$T/static.out"; echo $?)
fi
# another language loads it too (Python's ctypes)
got=$(python3 -c 'import ctypes, sys
l = ctypes.CDLL(sys.argv[1])
l.ds_version.restype = ctypes.c_char_p
print(l.ds_version().decode())' "$L/$soname" 2>&1)
check "python3 ctypes loads $soname: ds_version() is $got" $([ "$got" = "$hdr_ver" ]; echo $?)
# examples/despin_ctypes.py judges as the command does, on its own and
# against a source; a file it cannot read is named, the others judged
vs() { python3 -c 'import json, sys
for l in sys.stdin:
    r = json.loads(l); print(r["file"].split("/")[-1], r["verdict"], r["score"], len(r["substitutions"]))'; }
python3 examples/despin_ctypes.py -l "$L/$soname" -m "$modeldir" "$TOP/$A" "$TOP/$S" "$T/none.txt" \
	2> "$T/py.err" | vs > "$T/py.solo"
"$STAGE$P/bin/despin" scan --solo --models "$modeldir" --format json "$TOP/$A" "$TOP/$S" 2> /dev/null | vs > "$T/cli.solo"
python3 examples/despin_ctypes.py -l "$L/$soname" -m "$modeldir" -s "$TOP/$S" "$TOP/$A" | vs > "$T/py.src"
"$STAGE$P/bin/despin" scan --models "$modeldir" -s "$TOP/$S" --format json "$TOP/$A" 2> /dev/null | vs > "$T/cli.src"
sed 's/^/# /' "$T/py.solo" "$T/py.src"
check "examples/despin_ctypes.py judges as despin scan does (solo and with a source)" \
	$([ -s "$T/py.solo" ] && cmp -s "$T/py.solo" "$T/cli.solo" && [ -s "$T/py.src" ] &&
	  cmp -s "$T/py.src" "$T/cli.src"; echo $?)
check "examples/despin_ctypes.py names the file it cannot read and goes on" \
	$(grep -q "none.txt" "$T/py.err" && [ "$(wc -l < "$T/py.solo")" = 2 ]; echo $?)
if [ -x "$E" ]; then
	unset DESPIN_MODELS
	"$E" "$TOP/$A" > "$T/solo.out" 2> "$T/solo.err"
	rc=$?
	check "embed 003 solo exits 1 (spun)" $([ $rc = 1 ]; echo $?)
	check "embed 003 solo: verdict spun" $(grep -q '^solo: .*003_cc34e14e2e5a732a.txt spun ' "$T/solo.out"; echo $?)
	# -a: the candidate substitutions whatever the verdict
	"$E" -a "$TOP/$A" > "$T/solo_a.out" 2>&1
	nsub=$(grep -c '^  [0-9]*-[0-9]*	' "$T/solo_a.out")
	check "embed -a 003 solo lists substitutions ($nsub, at least 20)" $([ "$nsub" -ge 20 ]; echo $?)
	check "embed -a 003 solo substitutions are model evidence" \
		$(awk -F'\t' '/^  [0-9]/ && $3 != "model" { bad++ } END { exit !(NR > 1 && bad == 0) }' "$T/solo_a.out"; echo $?)
	# known spins of 003 (the spun words may come merged with a neighbour)
	hits=$(awk -F'\t' '/^  [0-9]/ { split($2, p, " -> ");
		if (p[1] ~ /overseas/ && p[2] ~ /foreign/) a = 1;
		if (p[1] ~ /query/ && p[2] ~ /question/) b = 1;
		if (p[1] ~ /doable/ && p[2] ~ /possible/) c = 1 } END { print a + b + c }' "$T/solo_a.out")
	check "embed -a 003 solo flags overseas/foreign, query/question, doable/possible ($hits of 3)" \
		$([ "$hits" -ge 2 ]; echo $?)

	"$E" -m "$modeldir" "$TOP/$A" "$TOP/$S" > "$T/pair.out" 2> "$T/pair.err"
	rc=$?
	check "embed 003 with source 000 exits 1 (spun)" $([ $rc = 1 ]; echo $?)
	check "embed 003 with source 000: verdict spun, source named" \
		$(grep -q '^source: .*003_cc34e14e2e5a732a.txt spun .* source .*000_fcd469a446cc7cc8.txt' "$T/pair.out"; echo $?)
	# examples/README.md shows this run's output, abridged: its verdict
	# lines and the restored size are the program's
	shown=$(sed -n 's/^    \(solo: .*\|source: .*\|restored: [0-9]* bytes\).*/\1/p' "$TOP/examples/README.md")
	got=$(sed -n 's/^\(solo: .*\|source: .*\|restored: [0-9]* bytes\).*/\1/p' "$T/pair.out" | sed "s|$TOP/||g")
	check "examples/README.md's output is the program's (verdict lines, restored size)" \
		$([ -n "$shown" ] && [ "$shown" = "$got" ]; echo $?)
	# the substitutions listed after the "source:" line
	awk '/^source: /{on=1; next} /^[a-z]/{on=0} on' "$T/pair.out" > "$T/pair.subs"
	nsrc=$(grep -c '	source	' "$T/pair.subs")
	check "embed 003 with source 000 flags substitutions on source evidence ($nsrc)" \
		$([ "$nsrc" -ge 10 ]; echo $?)
	for pair in assembly:meeting battle:war; do
		check "embed 003 with source 000 flags ${pair%:*} for ${pair#*:} on source evidence" \
			$(awk -F'\t' -v a="${pair%:*}" -v o="${pair#*:}" '$3 == "source" {
				split($2, p, " -> "); if (p[1] ~ a && p[2] ~ o) f = 1 } END { exit !f }' \
				"$T/pair.subs"; echo $?)
	done
	# each listed offset range holds the listed words in the file
	python3 - "$TOP/$A" "$T/pair.subs" <<'PY'
import sys
text = open(sys.argv[1], "rb").read()
bad = 0
for line in open(sys.argv[2], encoding="utf-8"):
    span, pair = line.strip().split("\t")[:2]
    a, b = map(int, span.split("-"))
    if text[a:b].decode("utf-8") != pair.split(" -> ")[0]:
        bad += 1
sys.exit(1 if bad else 0)
PY
	check "embed substitution offsets point at the listed words" $?
	check "embed prints the restored text" $(grep -q '^restored: [0-9]* bytes' "$T/pair.out"; echo $?)

	"$E" -m "$modeldir" "$TOP/$S" > "$T/clean.out" 2>&1
	check "embed 000 (clean source) solo exits 0" $?
	"$E" -m "$T/nowhere" "$TOP/$A" > /dev/null 2> "$T/err.out"
	rc=$?
	check "embed with a missing model directory exits 2 with a message" \
		$([ $rc = 2 ] && grep -q '^embed: .*nowhere' "$T/err.out"; echo $?)
	if command -v valgrind >/dev/null 2>&1; then
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$E" -m "$modeldir" "$TOP/$A" "$TOP/$S" > /dev/null 2> "$T/vg.out"
		rc=$?
		check "embed frees everything (valgrind, exit $rc)" $([ $rc = 1 ]; echo $?)
		[ $rc = 1 ] || sed 's/^/# /' "$T/vg.out" | head -20
	fi
else
	nok "embed was not built: nothing to run"
fi

# ---- the installed command ---------------------------------------------------------
v=$("$STAGE$P/bin/despin" --version 2>&1)
check "installed despin --version ($v)" $([ "$v" = "despin $hdr_ver" ]; echo $?)
DESPIN_MODELS=$STAGE$P/share/despin "$STAGE$P/bin/despin" scan -s "$S" "$A" > "$T/scan.out" 2>&1
rc=$?
check "installed despin scan flags 003 against 000 (exit 1)" \
	$([ $rc = 1 ] && grep -q '^spun ' "$T/scan.out"; echo $?)

# the installed binary finds the installed models by itself
(cd "$T" && env -u DESPIN_MODELS "$STAGE$P/bin/despin" scan --models "$STAGE$P/share/despin" -s "$TOP/$S" "$TOP/$A") > /dev/null 2>&1
check "installed despin scan --models finds the installed models (exit 1)" $([ $? = 1 ]; echo $?)
# the installed completion completes the installed command
out=$(bash -c '. "$1"; COMP_WORDS=("$2" sc); COMP_CWORD=1; _despin; echo "${COMPREPLY[*]}"' \
	sh "$STAGE$P/share/bash-completion/completions/despin" "$STAGE$P/bin/despin")
check "installed bash completion: 'despin sc' completes to '$out'" $([ "$out" = "scan scorer" ]; echo $?)

# ---- install refuses without models -----------------------------------------------
make -s --no-print-directory -C "$TOP" install BUILD=build PREFIX=$P DESTDIR="$T/stage2" \
	MODELS=models/not-built.bin > "$T/install2.log" 2>&1
rc=$?
check "make install without the models fails with a message (exit $rc)" \
	$([ $rc != 0 ] && grep -q "models missing: models/not-built.bin" "$T/install2.log" && [ ! -e "$T/stage2" ]; echo $?)

# ---- uninstall -------------------------------------------------------------------
make -s --no-print-directory -C "$TOP" uninstall BUILD=build PREFIX=$P DESTDIR="$STAGE" \
	> "$T/uninstall.log" 2>&1
check "make uninstall" $?
left=$(find "$STAGE" ! -type d | wc -l)
check "make uninstall removes every installed file ($left left)" $([ "$left" = 0 ]; echo $?)
echo "1..$n"
