#!/usr/bin/env python3
"""Adds mixed articles to a benchmark made by scripts/gen_bench.py: texts
stitched from two or three sources, as when an outlet runs a wire story's
paragraphs through a spinner and adds paragraphs of other stories.

  scripts/gen_partial.py [--seed N] [--frac F] BENCH_DIR

For a share F (default 0.25) of the spun copies (kinds spin and context)
it writes partial/ID.mix.txt: the copy's first 40-70% of paragraphs
followed by the last paragraphs of one or two spun copies of other texts of
the same split (so each part is partly spun), labelled spun with the first
one's source and its spinner family (none where the parts taken hold none of
the spinner's words).  For the same share of the human
edits and rewrites it writes partial/ID.cite.txt: their first paragraphs
followed by paragraphs of one or two other clean articles, labelled clean
(a republication with reporting of its own).  Ground-truth substitutions
keep their byte offsets.  The records are appended to BENCH_DIR/manifest.jsonl
(the script removes its own earlier records first, so it can run again).
"""
import argparse
import json
import os
import random


def paragraphs(text):
    """Byte ranges of the paragraphs (runs of non-empty lines)."""
    data = text.encode("utf-8")
    out, start, i = [], None, 0
    for line in data.split(b"\n"):
        end = i + len(line)
        if line.strip():
            if start is None:
                start = i
            last = end
        elif start is not None:
            out.append((start, last))
            start = None
        i = end + 1
    if start is not None:
        out.append((start, last))
    return data, out


def cut(rec, bench, frac_lo, frac_hi, rng, first):
    path = os.path.join(bench, rec["file"])
    text = open(path, encoding="utf-8").read()
    data, paras = paragraphs(text)
    if len(paras) < 2:
        return None
    k = max(1, int(round(len(paras) * rng.uniform(frac_lo, frac_hi))))
    if first:
        lo, hi = paras[0][0], paras[k - 1][1]
    else:
        lo, hi = paras[len(paras) - k][0], paras[-1][1]
    subs = [s for s in rec.get("substitutions", []) if s["start"] >= lo and s["end"] <= hi]
    return data[lo:hi], lo, subs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--frac", type=float, default=0.25)
    ap.add_argument("bench")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    man = os.path.join(a.bench, "manifest.jsonl")
    recs = [json.loads(l) for l in open(man, encoding="utf-8")]
    recs = [r for r in recs if not r["file"].startswith("partial/")]
    os.makedirs(os.path.join(a.bench, "partial"), exist_ok=True)
    out = []
    by_split = {}
    for r in recs:
        by_split.setdefault(r["split"], []).append(r)
    spun_kinds = ("spin", "context")
    human_kinds = ("edit", "rewrite")
    for r in recs:
        if r["kind"] not in spun_kinds + human_kinds or rng.random() >= a.frac:
            continue
        spun = r["kind"] in spun_kinds
        pool = [x for x in by_split[r["split"]]
                if x["origin"] != r["origin"] and x["kind"] == ("spin" if spun else "clean")]
        if not pool:
            pool = [x for x in by_split[r["split"]] if x["origin"] != r["origin"] and
                    x["label"] == "clean" and x["kind"] != "republish"]
        if not pool:
            continue
        others = rng.sample(pool, min(len(pool), 2 if rng.random() < 0.4 else 1))
        if len(others) == 2 and others[0]["origin"] == others[1]["origin"]:
            others = others[:1]
        head = cut(r, a.bench, 0.4, 0.7, rng, True)
        if not head:
            continue
        parts = [head]
        for o in others:
            tail = cut(o, a.bench, 0.2 if len(others) > 1 else 0.3, 0.45 if len(others) > 1 else 0.6,
                       rng, False)
            if tail:
                parts.append(tail)
        if len(parts) < 2:
            continue
        body, subs = b"", []
        for k, (pb, plo, psubs) in enumerate(parts):
            if k:
                body += b"\n\n"
            shift = len(body)
            subs += [dict(x, start=x["start"] - plo + shift, end=x["end"] - plo + shift) for x in psubs]
            body += pb
        body += b"\n"
        if spun and not subs:
            continue  # its parts hold none of the spinner's words: not a spun text
        for x in subs:
            assert body[x["start"]:x["end"]].decode("utf-8") == x["text"]
        name = os.path.basename(r["file"]).rsplit(".txt", 1)[0]
        rel = "partial/%s.%s.txt" % (name, "mix" if spun else "cite")
        with open(os.path.join(a.bench, rel + ".tmp"), "wb") as f:
            f.write(body)
        os.replace(os.path.join(a.bench, rel + ".tmp"), os.path.join(a.bench, rel))
        rec = {k: r.get(k) for k in ("label", "split", "source", "origin", "domain", "rate",
                                     "family", "thesaurus", "policy")}
        rec.update({"file": rel, "kind": "partial-" + r["kind"], "substitutions": subs,
                    "mixed_with": [o["file"] for o in others], "parts": len(parts)})
        out.append(rec)
    with open(man + ".tmp", "w", encoding="utf-8") as f:
        for r in recs + out:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    os.replace(man + ".tmp", man)
    print("gen_partial: %d mixed articles" % len(out))


if __name__ == "__main__":
    main()
