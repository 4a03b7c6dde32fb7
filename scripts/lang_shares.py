#!/usr/bin/env python3
"""The share of English function words in texts, the figure behind the
cut of 'not English prose' (looks_english in src/detect.c, 7% from 30
words).

  scripts/lang_shares.py [--bench DIR] [--n N] [DIR...]

For each folder of the benchmark (corpus/bench/clean, sources, spun, ...),
and for each DIR given, prints the lowest share, the 1st and 5th
percentile and the median over its texts of 40 words or more, and the
lowest text.  With apertium installed (the eng-spa and en-eo pairs), it
translates every 10th benchmark source (N of them, default 60) into
Spanish and Esperanto and prints the highest share and the median there.

The function words are read from src/fprint.c (the list despin uses);
words are runs of letters with an inner apostrophe, close to the
tokeniser's words.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.U)


def function_words():
    src = open(os.path.join(HERE, "..", "src", "fprint.c"), encoding="utf-8").read()
    a = src.index("function_words[]")
    return set(re.findall(r'"([^"]+)"', src[a:src.index("};", a)]))


def share(text, fw):
    words = [w.lower() for w in WORD.findall(text)]
    return (sum(w in fw for w in words) / len(words) if words else 0.0), len(words)


def summary(name, files, fw):
    v = []
    for f in files:
        s, n = share(open(f, encoding="utf-8", errors="replace").read(), fw)
        if n >= 40:
            v.append((s, f))
    if not v:
        return
    v.sort()
    k = len(v)
    print("%-12s %5d texts: lowest %.3f, 1%% %.3f, 5%% %.3f, median %.3f  (lowest: %s)"
          % (name, k, v[0][0], v[k // 100][0], v[k // 20][0], v[k // 2][0], v[0][1]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    fw = function_words()
    for d in sorted(os.listdir(a.bench)):
        if os.path.isdir(os.path.join(a.bench, d)):
            summary(d, glob.glob(os.path.join(a.bench, d, "*.txt")), fw)
    for d in a.dirs:
        summary(os.path.basename(d.rstrip("/")),
                glob.glob(os.path.join(d, "**", "*.txt"), recursive=True), fw)
    srcs = sorted(glob.glob(os.path.join(a.bench, "sources", "*.txt")))[::10][:a.n]
    for pair, name in (("eng-spa", "spanish"), ("en-eo", "esperanto")):
        got = []
        for f in srcs:
            try:
                p = subprocess.run(["apertium", pair], stdin=open(f, "rb"), capture_output=True,
                                   timeout=120)
            except (OSError, subprocess.TimeoutExpired):
                break
            if p.returncode == 0:
                # apertium marks unknown words with '*' and '#'
                got.append(share(p.stdout.decode("utf-8", "replace").replace("*", "")
                                 .replace("#", ""), fw)[0])
        if got:
            got.sort()
            print("%-12s %5d texts: highest %.3f, median %.3f (apertium %s)"
                  % (name, len(got), got[-1], got[len(got) // 2], pair))
        else:
            print("%-12s apertium %s not available" % (name, pair))
    return 0


if __name__ == "__main__":
    sys.exit(main())
