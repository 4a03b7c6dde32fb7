#!/bin/sh
# Figures of the synonym-substitution lexicon: model size and load time,
# lookup throughput, coverage of the seed pairs (tests/fixtures/
# seed003_pairs.tsv) and of a sample of pairs from another thesaurus
# (Aiksaurus, which the lexicon is not built from).
# Usage: scripts/bench_lex.sh [BUILD_DIR [MODEL]]
set -eu
BUILD=${1:-build}
MODEL=${2:-models/lex.bin}
DESPIN=${DESPIN:-$BUILD/despin}
AIK=${AIKSAURUS_DIR:-/usr/share/aiksaurus}
SAMPLE=${LEX_SAMPLE:-1000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "# lexicon: $MODEL"
"$DESPIN" lex info -m "$MODEL" | sed 's/^/lex_/'
"$DESPIN" lex bench -m "$MODEL" -r 50 corpus/seeds | sed 's/^/lex_/'
"$DESPIN" lex relate -m "$MODEL" -f tests/fixtures/seed003_pairs.tsv > "$TMP/seed.out"
echo "lex_seed003_$(tail -1 "$TMP/seed.out" | sed 's/^# //')"

if [ -r "$AIK/words.dat" ] && [ -r "$AIK/meanings.dat" ] && command -v python3 >/dev/null; then
	# words.dat: records "word\0" + 16-bit big-endian meaning ids + 0xffff
	# (':' stands for a space); meanings.dat: 16-bit word ids + 0xffff per
	# meaning.  Samples pairs of words sharing a meaning, with a fixed seed.
	python3 - "$AIK" "$SAMPLE" > "$TMP/aik.tsv" <<'PY'
import random, struct, sys
d, n = sys.argv[1], int(sys.argv[2])
w = open(d + "/words.dat", "rb").read()
words, i = [], 0
while i < len(w):
    j = w.index(b"\0", i)
    words.append(w[i:j].decode("latin-1").replace(":", " ").lower())
    i = j + 1
    while w[i:i + 2] != b"\xff\xff":
        i += 2
    i += 2
m = open(d + "/meanings.dat", "rb").read()
groups, cur = [], []
for k in range(0, len(m) - 1, 2):
    v = struct.unpack(">H", m[k:k + 2])[0]
    if v == 0xFFFF:
        groups.append(cur)
        cur = []
    elif v < len(words):
        cur.append(words[v])
groups = [[x for x in g if len(x.split()) <= 3] for g in groups]
groups = [g for g in groups if len(g) >= 2]
rnd = random.Random(1)
seen = set()
while len(seen) < n:
    g = rnd.choice(groups)
    a, b = rnd.sample(g, 2)
    seen.add((a, b))
for a, b in sorted(seen):
    print(a + "\t" + b)
PY
	"$DESPIN" lex relate -m "$MODEL" -f "$TMP/aik.tsv" > "$TMP/aik.out"
	either=$(awk -F'\t' '!/^#/ { n++; if ($3 > 0 || $4 > 0) e++ } END { printf "%.1f%%", n ? 100 * e / n : 0 }' "$TMP/aik.out")
	echo "lex_aiksaurus_$(tail -1 "$TMP/aik.out" | sed 's/^# //'); either direction $either"
else
	echo "lex_aiksaurus: skipped (no $AIK/words.dat or no python3)"
fi
