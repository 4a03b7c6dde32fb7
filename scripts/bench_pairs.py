#!/usr/bin/env python3
"""Turns the benchmark manifest into the 'LABEL<TAB>ARTICLE<TAB>SOURCE' list
that 'despin scorer features --pairs' reads.

  scripts/bench_pairs.py [--split train|test|all] BENCH_DIR

Every article gets a line without source ('-': the solo model learns from
it); articles made from a source (spun copies, round trips, legitimate
edits) get a second line with their source (the source model).
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train", help="train, test, fit or all")
    ap.add_argument("--exclude-thesaurus", default=None,
                    help="leave out the spins made with this thesaurus")
    ap.add_argument("bench")
    a = ap.parse_args()
    man = os.path.join(a.bench, "manifest.jsonl")
    out = sys.stdout
    with open(man, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if a.split != "all" and r.get("split") != a.split:
                continue
            if a.exclude_thesaurus and r.get("thesaurus") == a.exclude_thesaurus:
                continue
            label = 1 if r["label"] == "spun" else 0
            art = os.path.join(a.bench, r["file"])
            out.write("%d\t%s\t-\n" % (label, art))
            if r.get("source"):
                out.write("%d\t%s\t%s\n" % (label, art, os.path.join(a.bench, r["source"])))


if __name__ == "__main__":
    main()
