#!/bin/sh
# Runs despin's libFuzzer targets (built by 'make fuzz' into FUZZ_BUILD/fuzz).
# Usage: tests/fuzz/run.sh FUZZ_BUILD SECONDS [TARGET...]
# Each target runs SECONDS on its corpus FUZZ_BUILD/corpus/TARGET, seeded from
# tests/fuzz/corpus-seeds/TARGET and from small models, texts and an index
# built here with $DESPIN (default build/despin) and tiny Sphinx models
# written by tests/fuzz/sphinx_seed.py.  Crashes are written to
# FUZZ_BUILD/artifacts/TARGET-*; the summary gives executions per target.
# FUZZ_JOBS=2 runs two targets at a time.  Exit status 1 if any target failed.
set -u
FB=${1:-build-fuzz}
SECS=${2:-10}
shift 2 2>/dev/null || shift $#
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 2
DESPIN=${DESPIN:-$TOP/build/despin}
JOBS=${FUZZ_JOBS:-1}
SEEDS=$FB/seeds
mkdir -p "$SEEDS" "$FB/corpus" "$FB/artifacts" "$FB/logs"

targets=$*
[ -n "$targets" ] || targets=$(cd "$FB/fuzz" && ls fuzz_* | grep -v '\.d$')

# ---- generated seeds: a tiny model of each kind, texts, an index ----------
gen_seeds() {
	t=$SEEDS/tmp
	rm -rf "$t"; mkdir -p "$t"
	for f in corpus/seeds/*.txt; do head -c 1500 "$f"; echo; done > "$t/train.txt"
	"$DESPIN" train -q --order 3 -o "$t/lm.bin" --arpa "$t/lm.arpa" "$t/train.txt" >/dev/null 2>&1 || true
	"$DESPIN" lm convert --compact "$t/lm.bin" "$t/lmq.bin" >/dev/null 2>&1 || true
	printf '# tiny lexicon\nwar\tbattle\t0.9\twordnet\t1\tn\t10\t5\nmeeting\tassembly\t0.8\twordnet,mythes\t2\tn\t9\t3\nyear\t12 months\t0.7\tnumber\t1\tn\t20\t1\nsecurity council\tsafety council\t0.6\tdist\t0\tn\t4\t0\ntell\tinstruct\t0.5\tmythes\t1\tv\t7\t2\n' > "$t/lex.tsv"
	"$DESPIN" lex build -o "$t/lex.bin" "$t/lex.tsv" >/dev/null 2>&1 || true
	"$DESPIN" scorer build -o "$t/scorer.bin" models/scorer.tsv >/dev/null 2>&1 || true
	"$DESPIN" vec build -o "$t/vec.bin" --min-count 3 --dim 4 --contexts 50 "$t/train.txt" >/dev/null 2>&1 || true
	# a candidate table of the tiny models
	"$DESPIN" lex cands --models "$t" -o "$t/cand.bin" >/dev/null 2>&1 || true
	head -c 1200 corpus/seeds/000_*.txt > "$t/a.txt"
	head -c 1200 corpus/seeds/001_*.txt > "$t/b.txt"
	"$DESPIN" index add -q -i "$t/index.db" "$t/a.txt" "$t/b.txt" >/dev/null 2>&1 || true

	for k in doc html mime json arpa lm_bin lex_bin scorer_bin cand_bin vec_bin index report srcrec tsv unpack warc warcread office; do
		mkdir -p "$SEEDS/fuzz_$k"
	done
	# Model loaders: byte 0 even = whole file, odd = payload in a valid envelope.
	for k in lm lex scorer cand vec; do
		[ -f "$t/$k.bin" ] || continue
		{ printf '\0'; cat "$t/$k.bin"; } > "$SEEDS/fuzz_${k}_bin/file"
		{ printf '\1'; tail -c +65 "$t/$k.bin"; } > "$SEEDS/fuzz_${k}_bin/payload"
	done
	# the compact layout: bit 1 of byte 0 names its kind for a payload
	if [ -f "$t/lmq.bin" ]; then
		{ printf '\0'; cat "$t/lmq.bin"; } > "$SEEDS/fuzz_lm_bin/compact-file"
		{ printf '\3'; tail -c +65 "$t/lmq.bin"; } > "$SEEDS/fuzz_lm_bin/compact-payload"
	fi
	[ -f "$t/lm.arpa" ] && cp "$t/lm.arpa" "$SEEDS/fuzz_arpa/tiny.arpa" &&
		{ printf '\0'; cat "$t/lm.arpa"; } > "$SEEDS/fuzz_lm_bin/arpa"
	[ -f "$t/index.db" ] && cp "$t/index.db" "$SEEDS/fuzz_index/tiny.db"
	# Sphinx models: byte 0 even = whole file, odd = without its magic and
	# quantisation tables (fuzz_sphinx.c)
	python3 tests/fuzz/sphinx_seed.py "$SEEDS/fuzz_sphinx" || true
	# the text forms: byte 0 even for a scorer, odd for a solo calibration
	[ -f models/scorer.tsv ] && { printf '\0'; awk -F'\t' '$1 == "tree" { nt++ }
		nt < 2 || ($1 != "tree" && $1 != "node")' models/scorer.tsv; } > "$SEEDS/fuzz_tsv/scorer"
	[ -f models/solo.tsv ] && { printf '\1'; cat models/solo.tsv; } > "$SEEDS/fuzz_tsv/solo"
	# the record target's packing mode: 'P' and sorted 3-byte hashes (its
	# records of both versions are in tests/fuzz/corpus-seeds/fuzz_srcrec)
	mkdir -p "$SEEDS/fuzz_srcrec"
	printf 'P\000\000\001\000\020\000\001\000\003\177\377\376' > "$SEEDS/fuzz_srcrec/pack"
	for f in corpus/seeds/*.txt tests/fixtures/*.txt; do
		[ -f "$f" ] && head -c 3000 "$f" > "$SEEDS/fuzz_doc/$(basename "$f")"
	done
	# compressed texts: one gzip member, two, a zstd frame
	head -c 2000 corpus/seeds/003_*.txt | gzip -c > "$SEEDS/fuzz_unpack/one.gz"
	{ head -c 500 corpus/seeds/000_*.txt | gzip -c; head -c 300 corpus/seeds/001_*.txt | gzip -c; } \
		> "$SEEDS/fuzz_unpack/two.gz"
	if command -v zstd > /dev/null; then
		head -c 2000 corpus/seeds/003_*.txt | zstd -q -c > "$SEEDS/fuzz_unpack/one.zst"
	fi
	# WARC records: a response of chunked HTML, a resource, a request
	printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://a.example/\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 99\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>Th\r\n9\r\ne council\r\n0\r\n\r\n' \
		> "$SEEDS/fuzz_warc/response"
	printf 'WARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nThe council met.' \
		> "$SEEDS/fuzz_warc/resource"
	printf 'WARC/1.0\nWARC-Type: request\nContent-Length: 18\n\nGET / HTTP/1.1\r\n\r\n' > "$SEEDS/fuzz_warc/request"
	# documents: a .docx, an .odt and an .epub (python's zipfile)
	python3 - "$SEEDS/fuzz_office" <<'PY' || true
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out + "/a.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("word/document.xml", '<w:document><w:body><w:p><w:pPr><w:tabs><w:tab/></w:tabs></w:pPr>'
               '<w:r><w:t>The council met &amp; voted.</w:t><w:tab/><w:br/></w:r></w:p>'
               '<w:p><w:del><w:r><w:delText>x</w:delText></w:r></w:del></w:p></w:body></w:document>')
with zipfile.ZipFile(out + "/a.odt", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
    z.writestr("content.xml", '<office:text><text:h>Vote</text:h><text:p>The council<text:s/>met'
               '<text:note><text:p>n</text:p></text:note>.</text:p></office:text>',
               compress_type=zipfile.ZIP_DEFLATED)
with zipfile.ZipFile(out + "/a.epub", "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
    z.writestr("META-INF/container.xml", '<container><rootfile full-path="O/p.opf"/></container>')
    z.writestr("O/p.opf", '<package><manifest><item id="a" href="../a.xhtml"/><item id="b" href="b%20c.xhtml"/>'
               '</manifest><spine><itemref idref="a"/><itemref idref="b" linear="no"/></spine></package>')
    z.writestr("a.xhtml", "<html><body><p>The council met.</p></body></html>", compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("O/b c.xhtml", "<p>Critics</p>")
PY
	# whole archives: byte 0 even plain, odd gzip members; the test fixture
	{ printf '\0'; cat tests/fixtures/news.warc; } > "$SEEDS/fuzz_warcread/plain"
	{ printf '\1'; cat tests/fixtures/news.warc; } > "$SEEDS/fuzz_warcread/members"
	{ printf '\0'; cat "$SEEDS/fuzz_warc/resource" "$SEEDS/fuzz_warc/request"; } > "$SEEDS/fuzz_warcread/two"
	# Report: NAME NUL ARTICLE NUL SOURCE.
	{ printf '<img src=x onerror=alert(1)>.txt\0'; head -c 1500 corpus/seeds/003_*.txt;
	  printf '\0'; head -c 1500 corpus/seeds/000_*.txt; } > "$SEEDS/fuzz_report/pair"
	{ printf 'a"b.txt\0'; head -c 800 corpus/seeds/001_*.txt; } > "$SEEDS/fuzz_report/solo"
	rm -rf "$t"
	# Models for the report target: the built ones, with the scorer rebuilt
	# from its TSV by this despin (so its feature count matches).
	mkdir -p "$FB/models"
	for k in lm lex; do
		[ -f "models/$k.bin" ] && ln -sf "$TOP/models/$k.bin" "$FB/models/$k.bin"
	done
	[ -f models/scorer.tsv ] &&
		"$DESPIN" scorer build -o "$FB/models/scorer.bin" models/scorer.tsv >/dev/null 2>&1
	DS_FUZZ_MODELS=${DS_FUZZ_MODELS:-$FB/models}
	export DS_FUZZ_MODELS
}
gen_seeds

run_one() {
	name=$1
	bin=$FB/fuzz/$name
	corp=$FB/corpus/$name
	mkdir -p "$corp" "$SEEDS/$name" # a target without generated seeds has its own
	log=$FB/logs/$name.log
	dirs="$corp $SEEDS/$name"
	[ -d "tests/fuzz/corpus-seeds/$name" ] && dirs="$dirs tests/fuzz/corpus-seeds/$name"
	dict=
	[ -f "tests/fuzz/corpus-seeds/$name.dict" ] && dict="-dict=tests/fuzz/corpus-seeds/$name.dict"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$FB/artifacts/$name-" $dict $dirs > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "ok - $name: ${execs:-?} executions in ${SECS}s, $cov"
	else
		echo "not ok - $name: exit $rc after ${execs:-?} executions (see $log)"
		grep -m 3 -E 'ERROR|invariant|SUMMARY' "$log" | sed 's/^/#   /'
	fi
}

fail=0
set -- $targets
while [ $# -gt 0 ]; do
	pids=
	outs=
	j=0
	while [ $j -lt "$JOBS" ] && [ $# -gt 0 ]; do
		run_one "$1" > "$FB/logs/$1.result" &
		pids="$pids $!"
		outs="$outs $FB/logs/$1.result"
		shift
		j=$((j + 1))
	done
	for p in $pids; do wait "$p"; done
	for o in $outs; do
		cat "$o"
		grep -q '^not ok' "$o" && fail=1
	done
done
exit $fail
