#!/usr/bin/env python3
"""Synthetic articles for scale tests and benchmarks of the source index.

usage: gen_synthetic.py OUT_DIR N

Writes N articles of 3 to 9 paragraphs, each a line of corpus/train.txt (of
4 words or more) drawn at random (seed 7), as OUT_DIR/KK/dNNNNN.txt, 1000 a
folder.  Run from the top of the source tree.
"""
import os
import random
import sys


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    out, n = sys.argv[1], int(sys.argv[2])
    sents = [l.strip() for l in open("corpus/train.txt", encoding="utf-8", errors="replace")
             if len(l.split()) >= 4]
    rng = random.Random(7)
    os.makedirs(out)
    for k in range(n):
        d = os.path.join(out, "%02d" % (k // 1000))
        os.makedirs(d, exist_ok=True)
        paras = [sents[rng.randrange(len(sents))] for _ in range(rng.randint(3, 9))]
        with open(os.path.join(d, "d%05d.txt" % k), "w", encoding="utf-8") as f:
            f.write("\n\n".join(paras) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
