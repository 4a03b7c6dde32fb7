#!/usr/bin/env python3
"""Builds short texts for judging without a source: clean paragraphs of
every length and spun copies of others (python3 standard library).

  scripts/gen_paragraphs.py [--src corpus/heldout.txt] --out DIR [--seed 1]
      [--n 600] [--min 8] [--max 240]

corpus/heldout.txt (one paragraph a line, never seen by the language model)
is cut into texts of consecutive paragraphs, each with a length drawn
log-uniformly between --min and --max words.  Texts alternate between the
"fit" and "test" splits; in each split half the texts are left clean and
half are spun (scripts/spin.py: a thesaurus, a sense policy and a rate of
0.10, 0.25 or 0.40 drawn per text).  DIR/manifest.jsonl has one record per
file with the fields of the benchmark's manifest (file, label, kind, split,
words, rate, thesaurus, policy, substitutions).  The same inputs and seed
give the same output.
"""
import argparse
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import spin  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="corpus/heldout.txt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=3000, help="texts to write")
    ap.add_argument("--min", type=int, default=8, help="fewest words of a text")
    ap.add_argument("--max", type=int, default=200, help="most words of a text")
    a = ap.parse_args()
    with open(a.src, encoding="utf-8") as f:
        paras = [l.strip() for l in f if len(l.split()) >= 4]
    rng = random.Random(a.seed)
    res = spin.Resources()
    os.makedirs(os.path.join(a.out, "clean"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "spun"), exist_ok=True)
    recs = []
    i = 0
    for k in range(a.n):
        want = int(round(math.exp(rng.uniform(math.log(a.min), math.log(a.max)))))
        parts, words = [], 0
        while words < want and i < len(paras):
            ws = paras[i].split()
            i += 1
            if words + len(ws) > want:
                rest = ws[want - words:]
                ws = ws[:want - words]
                if len(rest) >= 4:  # the rest of the paragraph starts the next text
                    i -= 1
                    paras[i] = " ".join(rest)
                # end on a full stop so the text reads as a paragraph
                ws[-1] = ws[-1].rstrip(",;:") + ("" if ws[-1][-1:] in ".?!\"" else ".")
            parts.append(" ".join(ws))
            words += len(ws)
        if i >= len(paras):
            break
        text = "\n\n".join(parts) + "\n"
        split = "fit" if k % 2 == 0 else "test"
        spun = (k // 2) % 2 == 1
        rec = {"split": split, "words": words, "rate": None, "thesaurus": None,
               "policy": None, "substitutions": []}
        if spun:
            r = random.Random(rng.getrandbits(32))
            rate = r.choice((0.10, 0.25, 0.40))
            th = r.choice(spin.THESAURI)
            pol = r.choice(spin.POLICIES)
            sp = spin.Spinner(res, th, pol, r.getrandbits(32))
            text, subs, _ = sp.spin(text, rate, r.choice((0.0, 0.5, 0.9)), 0.0)
            if not subs:
                spun = False
            else:
                rec.update(rate=rate, thesaurus=th, policy=pol,
                           substitutions=spin.byte_offsets(text, subs))
        rel = "%s/p%04d.txt" % ("spun" if spun else "clean", k)
        rec.update(file=rel, label="spun" if spun else "clean", kind="spin" if spun else "clean")
        with open(os.path.join(a.out, rel), "w", encoding="utf-8") as f:
            f.write(text)
        recs.append(rec)
    with open(os.path.join(a.out, "manifest.jsonl"), "w", encoding="utf-8") as f:
        for rec in recs:
            f.write(json.dumps(rec, sort_keys=True) + "\n")
    sys.stderr.write("gen_paragraphs: %d texts (%d spun) in %s\n"
                     % (len(recs), sum(r["label"] == "spun" for r in recs), a.out))


if __name__ == "__main__":
    main()
