#!/usr/bin/env python3
"""News of another outlet and year, judged on its own and against its source:
Reuters stories of 1987 (corpus/reuters, scripts/corpus_reuters.sh), a text
domain no fit and no model of despin has seen, each kept clean or spun by one
of the benchmark generator's spinners (scripts/spin.py: every thesaurus and
sense policy in turn, 10, 25 or 40% of the content words) or sent through
an apertium round trip (eng-spa-eng, en-eo-en).  Every text is scanned with
'despin scan --solo' and every derived one with 'despin scan -s SOURCE'.

  scripts/eval_reuters.py [--despin D] [--models DIR] [--n 200] [--seed 1]
                          [--min-words 150] [--max-words 600] [--keep DIR]

Prints, per spinner family: solo ROC AUC against the clean stories, the
share detected at the score 1% of the clean stories reach and at the
verdict threshold; the same with the source; and the clean stories flagged.
The spinners were in every shipped fit; the stories' domain (1987 wire
news) was in none, so these are figures on a held-out domain, not on held-out
spinner families (for those: scripts/eval.py).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import spin  # noqa: E402
from eval import auc, scan  # noqa: E402  (the evaluation's scan: JSON by file)
from gen_bench import roundtrip_batch  # noqa: E402

RATES = (0.10, 0.25, 0.40)


def stories(a):
    d = os.path.join(HERE, "..", "corpus", "reuters")
    if not os.path.isdir(d):
        sys.exit("eval_reuters: corpus/reuters is missing (scripts/corpus_reuters.sh makes it)")
    names = sorted(n for n in os.listdir(d) if n.endswith(".txt"))
    rng = random.Random(a.seed)
    rng.shuffle(names)
    out = []
    for n in names:
        with open(os.path.join(d, n), encoding="utf-8") as f:
            t = f.read()
        w = len(t.split())
        # tables of figures are not prose: most lines short, digits
        letters = sum(c.isalpha() for c in t)
        if a.min_words <= w <= a.max_words and letters > 0.6 * len(t):
            out.append((n[:-4], t))
        if len(out) >= a.n:
            break
    return out


def at_fp(neg, pos, fp=0.01):
    """share of pos above the score that a share fp of neg reach"""
    s = sorted(neg, reverse=True)
    k = int(fp * len(s))
    cut = s[k] if k < len(s) else -1
    return sum(x > cut for x in pos) / len(pos) if pos else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default=os.path.join(HERE, "..", "build", "despin"))
    ap.add_argument("--models", default=os.path.join(HERE, "..", "models"))
    ap.add_argument("--n", type=int, default=200, help="stories (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-words", type=int, default=150)
    ap.add_argument("--max-words", type=int, default=600)
    ap.add_argument("--keep", help="write the texts here (created) and keep them")
    a = ap.parse_args()
    got = stories(a)
    if not got:
        sys.exit("eval_reuters: no story of %d to %d words" % (a.min_words, a.max_words))
    rng = random.Random(a.seed)
    if a.keep:
        os.makedirs(a.keep)
        tmp = a.keep
    else:
        tmp = tempfile.mkdtemp(prefix="despin-reuters-")
    try:
        res = spin.Resources(spin.THESAURI)
        kinds = [(th, pol) for th in spin.THESAURI for pol in spin.POLICIES]
        role = {}      # path -> (family, rate or None)
        source = {}    # derived path -> its source's path
        trips = {"spa": [], "epo": []}
        for k, (name, text) in enumerate(got):
            src = os.path.join(tmp, name + ".txt")
            with open(src, "w", encoding="utf-8") as f:
                f.write(text)
            role[src] = ("clean", None)
            if k % 4 == 3:  # a round trip for one story in four
                trips["spa" if k % 8 == 3 else "epo"].append((name, text))
                continue
            th, pol = kinds[k % len(kinds)]
            rate = RATES[(k // len(kinds)) % len(RATES)]
            res.add_counts(text)
            sp = spin.Spinner(res, th, pol, rng.getrandbits(32))
            new, subs, _ = sp.spin(text, rate, 0.8, 0.0)
            if not subs:
                continue
            path = os.path.join(tmp, "%s.%s.%s.%02d.txt" % (name, th, pol, int(rate * 100)))
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            role[path] = (th, rate)
            source[path] = src
        for pivot, items in trips.items():
            if not items:
                continue
            if not shutil.which("apertium"):
                print("apertium is missing: no round trips")
                break
            for name, t in roundtrip_batch(pivot, items).items():
                path = os.path.join(tmp, "%s.roundtrip-%s.txt" % (name, pivot))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(t)
                role[path] = ("roundtrip", None)
                source[path] = os.path.join(tmp, name + ".txt")
        files = sorted(role)
        solo = scan(a.despin, a.models, files, ["--solo"])
        withsrc = {}
        for path in sorted(source):
            withsrc.update(scan(a.despin, a.models, [path], ["-s", source[path]]))
        clean = [p for p in files if role[p][0] == "clean"]
        neg = [solo[p]["score"] for p in clean]
        fams = sorted({role[p][0] for p in files} - {"clean"})
        print("Reuters stories of 1987 (%d, %d to %d words): a domain no fit saw, spinner families "
              "every fit saw (no held-out-family figure); %s"
              % (len(clean), a.min_words, a.max_words, os.path.basename(a.models.rstrip("/"))))
        print("  %-12s %5s  %-28s  %-20s" % ("family", "texts", "solo: AUC  at 1% FP  verdict",
                                               "with source: verdict"))
        worst = 1.0
        for fam in fams + ["all"]:
            pos_p = [p for p in files if role[p][0] != "clean" and (fam == "all" or role[p][0] == fam)]
            pos = [solo[p]["score"] for p in pos_p]
            v = sum(solo[p]["verdict"] == "spun" for p in pos_p)
            s = sum(withsrc[p]["verdict"] == "spun" for p in pos_p if p in withsrc)
            u = auc(pos, neg)
            if fam != "all":
                worst = min(worst, u)
            print("  %-12s %5d  %.3f  %6.1f%%  %6.1f%%         %5.1f%% (%d/%d)"
                  % (fam, len(pos_p), u, 100 * at_fp(neg, pos), 100 * v / len(pos_p),
                     100 * s / len(pos_p), s, len(pos_p)))
        for rate in RATES:
            pos_p = [p for p in files if role[p][1] == rate]
            pos = [solo[p]["score"] for p in pos_p]
            s = sum(withsrc[p]["verdict"] == "spun" for p in pos_p)
            print("  spins at %2d%% %4d  %.3f  %6.1f%%  %6.1f%%         %5.1f%% (%d/%d)"
                  % (int(rate * 100), len(pos_p), auc(pos, neg), 100 * at_fp(neg, pos),
                     100 * sum(solo[p]["verdict"] == "spun" for p in pos_p) / max(1, len(pos_p)),
                     100 * s / max(1, len(pos_p)), s, len(pos_p)))
        fp = [p for p in clean if solo[p]["verdict"] == "spun"]
        unjudged = sum(not solo[p].get("judged", True) for p in files)
        print("  clean stories flagged solo: %d of %d; texts not judged: %d" % (len(fp), len(clean), unjudged))
        print("  median clean score %.3f; threshold %.3f; minimum AUC over families %.3f"
              % (sorted(neg)[len(neg) // 2], solo[clean[0]]["threshold"], worst))
        for p in fp:
            print("  flagged: %s (score %.3f)" % (os.path.basename(p), solo[p]["score"]))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
