#!/usr/bin/env python3
"""How many spinner's templates left in a text despin finds.

Writes, for the first N clean sources of the benchmark (shuffled with a
fixed seed), a copy in which K content words become a template of ALTS
alternatives, "{word|synonym|synonym}", the synonyms drawn from the first
sense of a thesaurus of scripts/spin.py (aiksaurus by default: one the
lexicon was not built from), then scans the copies and the sources on their
own and prints, for each, the articles judged spun and the templates found.

  scripts/eval_templates.py [--despin build/despin] [--thesaurus aiksaurus]
      [--n 150] [--k 20] [--alts 3] [--seed 7]
"""

import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spin  # noqa: E402

WORD = re.compile(r"\b[a-z]{4,}\b")


def synonyms(res, thesaurus, word):
    """Single-word synonyms of word's first sense."""
    if thesaurus == "aiksaurus":
        senses = res.aik.senses(word)
    elif thesaurus == "wordnet":
        senses = res.wn.senses(word, "n") or res.wn.senses(word, "v") or res.wn.senses(word, "a")
    else:
        raise SystemExit("eval_templates: thesaurus %s is not supported" % thesaurus)
    if not senses:
        return []
    return [s for s in senses[0] if s.lower() != word and s.isalpha()]


def templated(text, res, a, rng):
    """text with up to a.k words made templates; returns it and the count."""
    words = list(WORD.finditer(text))
    rng.shuffle(words)
    chosen, used = [], set()
    for m in words:
        w = m.group(0)
        if w in used:
            continue
        syn = synonyms(res, a.thesaurus, w)
        if len(syn) < a.alts - 1:
            continue
        chosen.append((m.start(), m.end(), "{" + "|".join([w] + rng.sample(syn, a.alts - 1)) + "}"))
        used.add(w)
        if len(chosen) == a.k:
            break
    chosen.sort()
    out, last = [], 0
    for s, e, g in chosen:
        out += [text[last:s], g]
        last = e
    out.append(text[last:])
    return "".join(out), len(chosen)


def scan(despin, files):
    """(articles, spun, templates found) of a solo scan of files."""
    p = subprocess.run([despin, "scan", "--solo", "--format", "json", "-j", "2"] + files,
                       capture_output=True, text=True)
    n = spun = found = 0
    for line in p.stdout.splitlines():
        r = json.loads(line)
        n += 1
        spun += r.get("verdict") == "spun"
        found += sum(s["evidence"] == "template" for s in r.get("substitutions", []))
    return n, spun, found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--thesaurus", default="aiksaurus", choices=("aiksaurus", "wordnet"))
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--alts", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    res = spin.Resources(thesauri=(a.thesaurus,) if a.thesaurus != "wordnet" else ())
    rng = random.Random(a.seed)
    sources = sorted(glob.glob("corpus/bench/sources/*.txt"))
    if not sources:
        raise SystemExit("eval_templates: no corpus/bench/sources (make bench-corpus)")
    rng.shuffle(sources)
    sources = sources[:a.n]
    made = 0
    with tempfile.TemporaryDirectory() as d:
        copies = []
        for path in sources:
            with open(path, encoding="utf-8") as f:
                text, k = templated(f.read(), res, a, rng)
            made += k
            copies.append(os.path.join(d, os.path.basename(path)))
            with open(copies[-1], "w", encoding="utf-8") as f:
                f.write(text)
        n, spun, found = scan(a.despin, copies)
        print("templates of %s (%d alternatives): %d articles, %d spun; %d of %d templates found"
              % (a.thesaurus, a.alts, n, spun, found, made))
    n, spun, found = scan(a.despin, sources)
    print("their sources: %d articles, %d spun, %d templates found" % (n, spun, found))


if __name__ == "__main__":
    main()
