#!/usr/bin/env python3
"""Adds mixed articles to a benchmark made by scripts/gen_bench.py: texts
that only partly come from their source, as when an outlet runs a wire
story's paragraphs through a spinner and adds reporting of its own.

  scripts/gen_partial.py [--seed N] BENCH_DIR

For each spun copy of a source it writes partial/ID.mix.txt: its first
40-70% of paragraphs followed by paragraphs of another article of the same
split (a spun copy too, so the added reporting is spun as well), labelled
spun with the first one's source.  For each legitimate edit it writes
partial/ID.cite.txt: the edit's first paragraphs followed by paragraphs of
another clean article, labelled clean (a republication with reporting of
its own).  Ground-truth substitutions keep their byte offsets.  The records
are appended to BENCH_DIR/manifest.jsonl (the script removes its own earlier
records first, so it can run again).
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
    for r in recs:
        if r["kind"] not in ("spin", "edit"):
            continue
        pool = [x for x in by_split[r["split"]]
                if x["origin"] != r["origin"] and
                x["kind"] == ("spin" if r["kind"] == "spin" else "clean")]
        if not pool:
            pool = [x for x in by_split[r["split"]] if x["origin"] != r["origin"] and
                    x["kind"] in ("clean", "edit")]
        if not pool:
            continue
        other = rng.choice(pool)
        head = cut(r, a.bench, 0.4, 0.7, rng, True)
        tail = cut(other, a.bench, 0.3, 0.6, rng, False)
        if not head or not tail:
            continue
        hb, hlo, hsubs = head
        tb, tlo, tsubs = tail
        body = hb + b"\n\n" + tb + b"\n"
        shift = len(hb) + 2
        subs = [dict(s, start=s["start"] - hlo, end=s["end"] - hlo) for s in hsubs]
        subs += [dict(s, start=s["start"] - tlo + shift, end=s["end"] - tlo + shift) for s in tsubs]
        for s in subs:
            assert body[s["start"]:s["end"]].decode("utf-8") == s["text"]
        name = os.path.basename(r["file"]).rsplit(".txt", 1)[0]
        rel = "partial/%s.%s.txt" % (name, "mix" if r["kind"] == "spin" else "cite")
        with open(os.path.join(a.bench, rel + ".tmp"), "wb") as f:
            f.write(body)
        os.replace(os.path.join(a.bench, rel + ".tmp"), os.path.join(a.bench, rel))
        rec = {"file": rel, "label": r["label"], "kind": "partial-" + r["kind"],
               "split": r["split"], "source": r["source"], "origin": r["origin"],
               "rate": r.get("rate"), "thesaurus": r.get("thesaurus"),
               "policy": r.get("policy"), "substitutions": subs,
               "mixed_with": other["file"]}
        out.append(rec)
    with open(man + ".tmp", "w", encoding="utf-8") as f:
        for r in recs + out:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    os.replace(man + ".tmp", man)
    print("gen_partial: %d mixed articles" % len(out))


if __name__ == "__main__":
    main()
