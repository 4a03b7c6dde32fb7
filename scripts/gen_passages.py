#!/usr/bin/env python3
"""Partial and stitched copies for the source index benchmark
(scripts/bench_index.sh).

usage: gen_passages.py DATA_DIR [--n N] [--seed S] [--roundtrip K]

DATA_DIR is what gen_distractors.py wrote: sources/ (indexed) and clean/
(never indexed).  Writes, under DATA_DIR:

  cover100/ cover50/ cover30/ cover15/   N articles each: a run of whole
        paragraphs of one source making up that share of the article's
        words, at a random place among paragraphs of clean/ texts
  stitch2/ stitch3/   N articles each: runs of 2 or 3 sources (about 40%
        or 27% of the article each) with clean paragraphs between them
  truth.tsv   one line per article: SET/NAME, then SOURCE:SHARE per source
        (SHARE: the source's words over the article's words)

Every article is then spun (scripts/spin.py, rates 10/20/30/40% in turn,
thesauri wordnet, mythes and handlist in turn) or, for every K-th article
(--roundtrip, default 5; 0: none), sent through an English-Spanish round
trip (scripts/roundtrip.sh, when apertium is installed).
"""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import spin  # noqa: E402  (scripts/spin.py)

SHARES = {"cover100": [1.0], "cover50": [0.5], "cover30": [0.3], "cover15": [0.15],
          "stitch2": [0.4, 0.4], "stitch3": [0.27, 0.27, 0.27]}


def paragraphs(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [p.strip() for p in f.read().split("\n\n") if p.strip()]


def words(p):
    return len(p.split())


def run_of(paras, want, rng):
    """A run of consecutive paragraphs of about want words."""
    best = None
    for _ in range(20):
        i = rng.randrange(len(paras))
        j, n = i, 0
        while j < len(paras) and n < want:
            n += words(paras[j])
            j += 1
        if best is None or abs(n - want) < abs(best[1] - want):
            best = (paras[i:j], n)
    return best


def make(shares, sources, clean, rng):
    """Paragraphs of one article and [(source, words)]."""
    if shares == [1.0]:
        src = rng.choice(sources)
        paras = paragraphs(src)
        return paras, [(src, sum(map(words, paras)))]
    total = rng.randint(500, 800)
    picked = rng.sample(sources, len(shares))
    runs = []
    for src, share in zip(picked, shares):
        run, n = run_of(paragraphs(src), share * total, rng)
        runs.append((src, run, n))
    used = sum(n for _, _, n in runs)
    want_fill = max(0, total - used)
    fill = []
    while sum(map(words, fill)) < want_fill:
        fill.extend(paragraphs(rng.choice(clean))[:3])
    # runs in order, clean paragraphs spread before, between and after
    out = []
    cuts = sorted(rng.randint(0, len(fill)) for _ in runs)
    k = 0
    for (src, run, n), c in zip(runs, cuts):
        out.extend(fill[k:c])
        out.extend(run)
        k = c
    out.extend(fill[k:])
    return out, [(src, n) for src, _, n in runs]


def main(argv):
    args = {"--n": "100", "--seed": "3", "--roundtrip": "5"}
    pos = []
    i = 1
    while i < len(argv):
        if argv[i] in args:
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    if len(pos) != 1:
        sys.stderr.write(__doc__)
        return 2
    data = pos[0]
    n, every = int(args["--n"]), int(args["--roundtrip"])
    rng = random.Random(int(args["--seed"]))
    sources = sorted(os.path.join(data, "sources", f) for f in os.listdir(os.path.join(data, "sources")))
    clean = sorted(os.path.join(data, "clean", f) for f in os.listdir(os.path.join(data, "clean")))
    thesauri = ("wordnet", "mythes", "handlist")
    res = spin.Resources(thesauri)
    spinners = [spin.Spinner(res, t, "random", rng.randrange(1 << 30)) for t in thesauri]
    mt = every > 0 and subprocess.call(["sh", "-c", "command -v apertium"],
                                       stdout=subprocess.DEVNULL) == 0
    truth = open(os.path.join(data, "truth.tsv"), "w")
    k = 0
    for name, shares in SHARES.items():
        os.makedirs(os.path.join(data, name), exist_ok=True)
        for a in range(n):
            paras, srcs = make(shares, sources, clean, rng)
            text = "\n\n".join(paras) + "\n"
            total = words(text)
            k += 1
            if mt and k % every == 0:
                r = subprocess.run(["sh", os.path.join(HERE, "roundtrip.sh"), "spa"], input=text,
                                   capture_output=True, text=True)
                if r.returncode == 0 and r.stdout.strip():
                    text = r.stdout
            else:
                sp = spinners[k % len(spinners)]
                text, _, _ = sp.spin(text, 0.1 * (1 + k % 4), 0.8, 0.0)
            fn = "%s_%03d.txt" % (name, a)
            with open(os.path.join(data, name, fn), "w", encoding="utf-8") as f:
                f.write(text)
            truth.write("%s/%s\t%s\n" % (name, fn, "\t".join(
                "%s:%.3f" % (os.path.basename(s), w / total) for s, w in srcs)))
    truth.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
