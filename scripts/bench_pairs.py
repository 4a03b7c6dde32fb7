#!/usr/bin/env python3
"""Turns the benchmark manifest into the 'LABEL<TAB>ARTICLE<TAB>SOURCE' list
that 'despin scorer features --pairs' reads.

  scripts/bench_pairs.py [--split train|test|fit|all] [--exclude-thesaurus NAME]
      [--like BENCH_DIR LIST] BENCH_DIR

Every article gets a line without source ('-': the solo model learns from
it); articles made from a source (spun copies, round trips, legitimate
edits) get a second line with their source (the source model).
--like keeps only the clean texts and the spins of the thesauri that the
spun articles of LIST (lines 'LABEL<TAB>ARTICLE...' of BENCH_DIR) use: the
paragraphs that go with a training subset.
"""
import argparse
import json
import os
import sys


def unchanged_spin(rec):
    """A spin whose spinner changed no word (no substitution; benchmarks made
    before scripts/gen_bench.py left them out): its text is its source's, so
    it is no positive, to fit on or to measure."""
    return (rec["label"] == "spun" and rec["kind"] != "roundtrip" and
            not rec.get("substitutions"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", help="train, test, fit or all")
    ap.add_argument("--exclude-thesaurus", default=None,
                    help="leave out the spins made with this thesaurus")
    ap.add_argument("--like", nargs=2, default=None, metavar=("BENCH_DIR", "LIST"))
    ap.add_argument("bench")
    a = ap.parse_args()
    like = None
    if a.like:
        by_file = {}
        with open(os.path.join(a.like[0], "manifest.jsonl"), encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                by_file[os.path.join(a.like[0], r["file"])] = r.get("thesaurus")
        like = set()
        with open(a.like[1], encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if len(c) >= 2 and by_file.get(c[1]):
                    like.add(by_file[c[1]])
    man = os.path.join(a.bench, "manifest.jsonl")
    out = sys.stdout
    with open(man, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if a.split != "all" and r.get("split") != a.split:
                continue
            if a.exclude_thesaurus and r.get("thesaurus") == a.exclude_thesaurus:
                continue
            if like is not None and r.get("thesaurus") and r["thesaurus"] not in like:
                continue
            if unchanged_spin(r):
                continue
            label = 1 if r["label"] == "spun" else 0
            art = os.path.join(a.bench, r["file"])
            out.write("%d\t%s\t-\n" % (label, art))
            if r.get("source"):
                out.write("%d\t%s\t%s\n" % (label, art, os.path.join(a.bench, r["source"])))


if __name__ == "__main__":
    main()
