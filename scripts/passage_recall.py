#!/usr/bin/env python3
"""Recall of the true sources of the partial and stitched copies
(scripts/gen_passages.py) from 'despin index query -n N' output on stdin.

usage: passage_recall.py TRUTH_TSV TAG < query-output
Prints, per set, "recall_SET_TAG found/total PCT%" over (article, source)
pairs, then the same over the pairs where the source makes up at least 20%
of the article.
"""
import os
import sys


def main(argv):
    truth, tag = argv[1], argv[2]
    want = {}
    for line in open(truth):
        f = line.rstrip("\n").split("\t")
        want[os.path.basename(f[0])] = [(s.rsplit(":", 1)[0], float(s.rsplit(":", 1)[1])) for s in f[1:]]
    got = {}
    for line in sys.stdin:
        f = line.rstrip("\n").split("\t")
        got.setdefault(os.path.basename(f[0]), set())
        if len(f) > 2:
            got[os.path.basename(f[0])].add(os.path.basename(f[-1]))
    sets = {}
    for name, srcs in sorted(want.items()):
        if name not in got:
            continue
        s = name.rsplit("_", 1)[0]
        for src, share in srcs:
            for key in (s, "share20" if share >= 0.2 else None):
                if key is None:
                    continue
                ok, n = sets.get(key, (0, 0))
                sets[key] = (ok + (src in got[name]), n + 1)
    for key, (ok, n) in sets.items():
        print("recall_%s_%s %d/%d %.1f%%" % (key, tag, ok, n, 100.0 * ok / n if n else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
