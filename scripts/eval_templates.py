#!/usr/bin/env python3
"""How many spinner's templates left in a text despin finds.

Writes, for the first N clean sources of the benchmark (shuffled with a
fixed seed), a copy in which K content words become a template of ALTS
alternatives, "{word|synonym|synonym}", the synonyms drawn from the first
sense of a thesaurus of scripts/spin.py (aiksaurus by default: one the
lexicon was not built from), then scans the copies and the sources on their
own and prints, for each, the articles judged spun, those with a template
found (the rule alone: no fitted model decides it; "spun" also counts the
solo scorer, which was fitted on these sources) and the templates found.
WordNet is a thesaurus the lexicon was built from, Aiksaurus one it was
not: the Aiksaurus figures are the held-out ones.
With --system, it also scans the brace groups with bars found in the
system's manuals, licences, documentation and sources (usage lines, type
unions, grammars, markup: none of them a spinner's), each alone in a line
with the character before and after it, and prints those taken for
templates.

  scripts/eval_templates.py [--despin build/despin] [--thesaurus aiksaurus]
      [--n 150] [--k 20] [--alts 3] [--seed 7] [--system]
"""

import argparse
import glob
import gzip
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
GROUP = re.compile(rb"(?:^|.)\{[^{}\n]{1,200}\|[^{}\n]{1,200}\}(?:.|$)", re.M)
SYSTEM_DIRS = ("/usr/share/doc", "/usr/share/man", "/usr/share/common-licenses", "/usr/include")
SYSTEM_EXT = (".txt", ".md", ".h", ".py", ".pm", ".pod", ".html", ".gz", "copyright")


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
    """(articles, spun, with a template, templates found) of a solo scan."""
    p = subprocess.run([despin, "scan", "--solo", "--format", "json", "-j", "2"] + files,
                       capture_output=True, text=True)
    n = spun = some = found = 0
    for line in p.stdout.splitlines():
        r = json.loads(line)
        k = sum(s["evidence"] == "template" for s in r.get("substitutions", []))
        n += 1
        spun += r.get("verdict") == "spun"
        some += k > 0
        found += k
    return n, spun, some, found


def system_groups():
    """The distinct brace groups with bars of the system's text files."""
    found = set()
    for top in SYSTEM_DIRS:
        for d, _, files in os.walk(top):
            for f in files:
                if not f.endswith(SYSTEM_EXT) and not f.startswith("README"):
                    continue
                path = os.path.join(d, f)
                try:
                    with (gzip.open if f.endswith(".gz") else open)(path, "rb") as fh:
                        data = fh.read(4 << 20)
                except (OSError, EOFError):
                    continue
                found.update(m.group(0).strip() for m in GROUP.finditer(data))
    return sorted(g.decode("utf-8", "replace") for g in found)


def system_check(despin):
    groups = system_groups()
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i in range(0, len(groups), 200):
            files.append(os.path.join(d, "groups%04d.txt" % (i // 200)))
            with open(files[-1], "w", encoding="utf-8") as f:
                f.write("\n\n".join("See %s here." % g for g in groups[i:i + 200]) + "\n")
        p = subprocess.run([despin, "scan", "--solo", "--all", "--format", "json"] + files,
                           capture_output=True, text=True)
        taken = [s["text"] for line in p.stdout.splitlines()
                 for s in json.loads(line).get("substitutions", []) if s["evidence"] == "template"]
    print("the system's brace groups with bars: %d distinct, %d taken for templates"
          % (len(groups), len(taken)))
    for t in taken:
        print("  " + t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--thesaurus", default="aiksaurus", choices=("aiksaurus", "wordnet"))
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--alts", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--system", action="store_true")
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
        n, spun, some, found = scan(a.despin, copies)
        print("templates of %s (%d alternatives): %d articles, %d spun, %d with a template "
              "found; %d of %d templates found" % (a.thesaurus, a.alts, n, spun, some, found, made))
    n, spun, some, found = scan(a.despin, sources)
    print("their sources: %d articles, %d spun, %d with a template found" % (n, spun, some))
    if a.system:
        system_check(a.despin)


if __name__ == "__main__":
    main()
