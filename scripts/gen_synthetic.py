#!/usr/bin/env python3
"""Synthetic articles for scale tests and benchmarks of the source index.

usage: gen_synthetic.py [--novel] OUT_DIR N

Writes N articles of 3 to 9 paragraphs as OUT_DIR/KK/dNNNNN.txt, 1000 a
folder (seed 7; with --novel, each folder from its own seed, the folders
written by as many processes as there are processors).  Run from the top
of the source tree.

Without --novel each paragraph is a line of corpus/train.txt (of 4 words or
more) drawn at random: quick, but an index of many such articles is
saturated, every line being in many sources (at a million articles, some
270 each), which no index of real sources is.

With --novel each paragraph is new text: words drawn one after another
from a Markov chain of order 2 over the words (as split by white space) of
corpus/train.txt's lines, from a line's start to its end.  Its sentences
are, as those of distinct real sources are, in no other article (of the
sentences of 8 words or more of 20,000 articles, 0.55% are in more than
one, 0.26% are the corpus's), while its vocabulary and paragraph lengths
are the corpus's.
"""
import multiprocessing
import os
import random
import sys

START = "\x02"
END = "\x03"


def chain(lines):
    """(w1, w2) -> list of the words that follow, one entry per occurrence."""
    nxt = {}
    for l in lines:
        w = [START, START] + l.split() + [END]
        for i in range(2, len(w)):
            nxt.setdefault((w[i - 2], w[i - 1]), []).append(w[i])
    return nxt


def novel_line(nxt, rng, max_words=400):
    a, b, out = START, START, []
    while len(out) < max_words:
        c = rng.choice(nxt[(a, b)])
        if c == END:
            break
        out.append(c)
        a, b = b, c
    return " ".join(out)


NXT = None  # the chain, shared with the workers (built before they fork)


def write(out, k, paras):
    d = os.path.join(out, "%02d" % (k // 1000))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "d%05d.txt" % k), "w", encoding="utf-8") as f:
        f.write("\n\n".join(paras) + "\n")


def novel_folder(job):
    out, first, last = job
    rng = random.Random(7 * 1000003 + first // 1000)
    for k in range(first, last):
        paras = []
        np_ = rng.randint(3, 9)
        while len(paras) < np_:
            p = novel_line(NXT, rng)
            if len(p.split()) >= 4:
                paras.append(p)
        write(out, k, paras)
    return last - first


def main():
    global NXT
    args = sys.argv[1:]
    novel = bool(args) and args[0] == "--novel"
    if novel:
        args = args[1:]
    if len(args) != 2:
        sys.stderr.write(__doc__)
        return 2
    out, n = args[0], int(args[1])
    sents = [l.strip() for l in open("corpus/train.txt", encoding="utf-8", errors="replace")
             if len(l.split()) >= 4]
    os.makedirs(out)
    if novel:
        NXT = chain(sents)
        jobs = [(out, f, min(f + 1000, n)) for f in range(0, n, 1000)]
        with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
            for _ in pool.imap_unordered(novel_folder, jobs):
                pass
        return 0
    rng = random.Random(7)
    for k in range(n):
        write(out, k, [sents[rng.randrange(len(sents))] for _ in range(rng.randint(3, 9))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
