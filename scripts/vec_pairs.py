#!/usr/bin/env python3
"""How well sets of word vectors relate the benchmark's swaps.

For each spinner family of the benchmark's manifest (corpus/bench/
manifest.jsonl, 'make bench-corpus'), the single-word swaps its spins made
(original -> substitute, lower case, each pair once), and for each swap
five other originals of the same family, drawn with a fixed seed.  For each
vectors file, 'despin vec sim -f' gives every cosine, and the script
prints per family:

  pairs   the family's swaps
  known   the share of them both words of which have a vector
  AUC     how often the substitute is nearer its true original than one of
          the five others (ties count half), over the swaps and others
          whose words all have vectors

Usage: scripts/vec_pairs.py [--despin PATH] [--manifest FILE] VEC.bin...
Standard library only.
"""
import argparse
import bisect
import json
import random
import re
import subprocess
import sys
from collections import defaultdict

WORD = re.compile(r"^[a-z][a-z'-]*$")
OTHERS = 5


def swaps(manifest):
    """family -> sorted list of (original, substitute), single words."""
    fam = defaultdict(set)
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("kind") not in ("spin", "partial-spin") or not r.get("family"):
                continue
            for s in r.get("substitutions") or []:
                o, t = s.get("original", "").lower(), s.get("text", "").lower()
                if o != t and WORD.match(o) and WORD.match(t):
                    fam[r["family"]].add((o, t))
    return {k: sorted(v) for k, v in fam.items()}


def cosines(despin, vec, pairs):
    """{(a, b): cosine or None} from one 'despin vec sim -f -' run."""
    text = "".join(f"{a}\t{b}\n" for a, b in pairs)
    p = subprocess.run([despin, "vec", "sim", "-m", vec, "-f", "-"], input=text,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"vec_pairs: {despin} vec sim -m {vec}: {p.stderr.strip()}")
    out = {}
    for line in p.stdout.splitlines():
        if line.startswith("#"):
            continue
        a, b, v = line.split("\t")
        out[(a, b)] = None if v == "unknown" else float(v)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--manifest", default="corpus/bench/manifest.jsonl")
    ap.add_argument("vec", nargs="+", help="vectors files (vec.bin)")
    a = ap.parse_args()
    fam = swaps(a.manifest)
    if not fam:
        sys.exit(f"vec_pairs: no swaps in {a.manifest}")
    # the comparisons: each swap's substitute against its original and
    # against OTHERS other originals of its family
    tests = {}
    asked = set()
    for f, pairs in sorted(fam.items()):
        rng = random.Random(f)
        origs = sorted({o for o, _ in pairs})
        tests[f] = []
        for o, t in pairs:
            # OTHERS of the originals but o, drawn as from a list without
            # it (an index past o's stands for the next original)
            io = bisect.bisect_left(origs, o)
            draw = rng.sample(range(len(origs) - 1), min(OTHERS, len(origs) - 1))
            others = [origs[j + (j >= io)] for j in draw]
            tests[f].append((o, t, others))
            asked.add((t, o))
            asked.update((t, x) for x in others)
    asked = sorted(asked)
    res = {v: cosines(a.despin, v, asked) for v in a.vec}
    for i, v in enumerate(a.vec):
        print(f"# {i + 1}: {v}")
    head = f"{'family':<10} {'pairs':>6}"
    for i in range(len(a.vec)):
        head += f"  {'known ' + str(i + 1):>8} {'AUC ' + str(i + 1):>6}"
    print(head)
    for f in sorted(tests):
        row = f"{f:<10} {len(tests[f]):>6}"
        for v in a.vec:
            c = res[v]
            known = sum(c.get((t, o)) is not None for o, t, _ in tests[f])
            wins = n = 0
            for o, t, others in tests[f]:
                s = c.get((t, o))
                if s is None:
                    continue
                for x in others:
                    y = c.get((t, x))
                    if y is None:
                        continue
                    n += 1
                    wins += 1 if s > y else 0.5 if s == y else 0
            auc = f"{wins / n:.3f}" if n else "    -"
            row += f"  {100.0 * known / len(tests[f]):7.0f}% {auc:>6}"
        print(row)


if __name__ == "__main__":
    main()
