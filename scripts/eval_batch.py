#!/usr/bin/env python3
"""Batch mode on sources plus their spins: the worst mistake despin can make
is to take the spun copy for the source and flag the original.  Puts N of
the benchmark's test sources and one spin of each (or a round trip) in one
folder, undated (a date header a wrapper added to the copy is kept out), in
an order that does not tell which is which, runs 'despin scan' on it with
no index (the batch is its own reference set) and counts originals flagged,
copies flagged, and pairs marked "source_direction": "uncertain".

  scripts/eval_batch.py [--despin D] [--models DIR] [--bench DIR] [--n 150]
                        [--copies K] [--family NAME] [--republish]
                        [--dialogue] [--drop] [--wire] [--keep DIR]

--copies K puts up to K copies of each original in the batch (distinct
spins or round trips of it, default 1): then each copy has several
candidate sources, the original and the other copies, and batch mode's
ranking of them (the more fluent first) decides which it is judged
against.

The copies are the benchmark's spins and round trips, or, with --family, the
articles of that family alone (e.g. context: the spinner that checks its
words against their context, which leaves the copy as fluent as the
original).

--republish adds, beside each copy, a republication of it (a credit line
on top, the text unchanged): the two copies of one spin must not hide it
by being judged against each other.

--dialogue adds to each copy a short line of dialogue after every third
line ('"Really?" "Yes."'): what a copy adds that its original lacks, highly
probable text of its own, must not make the copy look the more fluent of
the two.

--drop leaves out every fourth line of each copy: what the original has
and the copy lacks must not make the original look the less fluent.

--wire dates each original (2025-01-02) and adds the wire story it
republished: its first three quarters of lines, dated a day before.  The
original then has a source of its own (the wire story, older by its date)
beside its copy, which alone holds the original's last lines: the original
must be judged against the wire story and not against its copy.  The wire
story counts as an original.

--keep writes the batch into DIR (created; kept afterwards) to look into,
with DIR.roles.tsv naming each file's role (original or copy) and the
copy's kind.

--folds WORK makes the count a held-out figure: for each fold that
scripts/eval.py --work WORK fitted (WORK/fold-DIM-FAM/models, the scorer
fitted without that spinner family, sense policy or text domain), a batch
of test sources with copies of that family alone (a domain: the sources of
that domain), judged with that fold's models; a line per fold, then the
totals.  --n is then the most pairs a fold (fewer where the family has
fewer test sources).
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import families  # noqa: E402

DATE_RE = re.compile(r"^ date \d{4}-\d\d-\d\d \n?")
DIALOGUE = ['"Really?" "Yes."', 'He laughed. "No." She nodded.',
            '"I see," he said. "Thank you."', '"Is it true?" "It is."']


def add_dialogue(text):
    """text with a line of DIALOGUE after every third line of it"""
    out = []
    for i, line in enumerate(text.split("\n")):
        out.append(line)
        if line.strip() and i % 3 == 2:
            out.append(DIALOGUE[i % len(DIALOGUE)])
    return "\n".join(out)


def read_copies(a, held):
    """{source: [copy records]} of the test split: spins and round trips,
    or one family's (--family), or one fold's (held: (DIM, {FAM}))."""
    by_src = {}
    with open(os.path.join(a.bench, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if a.family:
                wanted = r.get("family") == a.family
            else:
                wanted = r["kind"] in ("spin", "roundtrip")
            if held:  # whole-article copies of the fold's family (its own kind for context)
                wanted = (r["kind"] in ("spin", "roundtrip", "context") and
                          families(r)[held[0]] in held[1])
            if r["split"] == "test" and r["label"] == "spun" and wanted and r.get("source"):
                by_src.setdefault(r["source"], []).append(r)
    return by_src


def run_batch(a, models, held, keep):
    """Builds one batch and judges it with models: {"pairs", "original",
    "flagged_original", "against_copy", "copy", "flagged_copy",
    "copy_on_original", "uncertain"}; prints each original flagged."""
    by_src = read_copies(a, held)
    rng = random.Random(a.seed)
    srcs = sorted(by_src)
    rng.shuffle(srcs)
    srcs = srcs[:a.n]
    if keep:
        os.makedirs(keep)
        tmp = keep
    else:
        tmp = tempfile.mkdtemp(prefix="despin-batch-")
    role = {}
    kind = {}
    try:
        for k, s in enumerate(srcs):
            if a.copies == 1:
                spins = [rng.choice(by_src[s])]
            else:
                spins = rng.sample(by_src[s], min(a.copies, len(by_src[s])))
            reps = spins if a.republish else []
            names = ["%04d-%d.txt" % (k, b) for b in range(len(spins) + len(reps) + 1)]
            rng.shuffle(names)
            what = [(names[0], s, "original", "")]
            what += [(names[i + 1], spin["file"], "copy", "") for i, spin in enumerate(spins)]
            what += [(names[len(spins) + i + 1], spin["file"], "copy", "Republished from the wire.\n\n")
                     for i, spin in enumerate(reps)]
            if a.wire:
                what.append(("%04d-w.txt" % k, s, "wire", " date 2025-01-01 "))
                what[0] = (names[0], s, "original", " date 2025-01-02 ")
            for name, path, role_of, credit in what:
                with open(os.path.join(a.bench, path), encoding="utf-8") as f:
                    text = DATE_RE.sub("", f.read())
                if a.drop and role_of == "copy":
                    text = "\n".join(line for i, line in enumerate(text.split("\n")) if i % 4 != 3)
                if a.dialogue and role_of == "copy":
                    text = add_dialogue(text)
                if role_of == "wire":
                    lines = text.split("\n")
                    text = "\n".join(lines[:max(1, len(lines) * 3 // 4)])
                    role_of = "original"
                with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                    f.write(credit + text)
                role[os.path.join(tmp, name)] = role_of
            for i, name in enumerate(names):
                spin = (spins + reps)[max(i - 1, 0)]  # the original: its first copy's
                kind[name] = "%s %s%s" % (spin["kind"], spin.get("thesaurus") or "",
                                          " republished" if i > len(spins) else "")
            kind["%04d-w.txt" % k] = "wire story"
        if keep:
            with open(keep.rstrip("/") + ".roles.tsv", "w", encoding="utf-8") as f:
                for path in sorted(role):
                    f.write("%s\t%s\t%s\n" % (path, role[path], kind[os.path.basename(path)]))
        p = subprocess.run([a.despin, "scan", "--format", "json", "--models", models, tmp],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode not in (0, 1):
            sys.exit("eval_batch: despin scan failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
        c = dict.fromkeys(("original", "flagged_original", "against_copy", "copy", "flagged_copy",
                           "copy_on_original", "uncertain"), 0)
        c["pairs"] = len(srcs)
        for line in p.stdout.splitlines():
            r = json.loads(line)
            what = role.get(r["file"])
            if what is None:
                continue
            c[what] += 1
            c["flagged_" + what] += r["verdict"] == "spun"
            if what == "original" and r["verdict"] == "spun":
                print("original flagged: %s (source %s, %s, score %.2f; the copy: %s)" % (
                    r["file"], r.get("source"), role.get(r.get("source"), "solo"), r["score"],
                    kind.get(os.path.basename(r["file"]))))
            c["uncertain"] += r.get("source_direction") == "uncertain"
            if what == "original" and r.get("source") and role.get(r["source"]) == "copy":
                c["against_copy"] += 1
            if what == "copy" and r.get("source") and role.get(r["source"]) == "original":
                c["copy_on_original"] += 1
        return c
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def say(a, c, prefix=""):
    print("%s%s %d: originals flagged %d of %d (judged against their copy: %d), "
          "copies flagged %d of %d (judged against their original: %d), "
          "articles marked uncertain %d"
          % (prefix, "pairs" if a.copies == 1 else "groups", c["pairs"], c["flagged_original"],
             c["original"], c["against_copy"], c["flagged_copy"], c["copy"],
             c["copy_on_original"], c["uncertain"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--models", default="models")
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--copies", type=int, default=1, help="copies of each original (default 1)")
    ap.add_argument("--family", help="copies of this family only (e.g. context)")
    ap.add_argument("--folds", metavar="WORK",
                    help="each fold scripts/eval.py --work WORK fitted: its family's copies, "
                         "judged with its models (a held-out figure)")
    ap.add_argument("--keep", help="write the batch here and keep it")
    ap.add_argument("--republish", action="store_true",
                    help="beside each copy, its republication (a credit line added on top)")
    ap.add_argument("--dialogue", action="store_true",
                    help="a line of dialogue added to each copy after every third line")
    ap.add_argument("--drop", action="store_true",
                    help="every fourth line of each copy left out")
    ap.add_argument("--wire", action="store_true",
                    help="each original dated and beside the wire story it republished "
                         "(its first three quarters, a day older)")
    a = ap.parse_args()
    if not a.folds:
        say(a, run_batch(a, a.models, None, a.keep))
        return 0
    if a.keep:
        sys.exit("eval_batch: --keep takes one batch, not --folds")
    total = {}
    for d in sorted(os.listdir(a.folds)):
        models = os.path.join(a.folds, d, "models")
        if not d.startswith("fold-") or not os.path.exists(os.path.join(models, "scorer.bin")):
            continue
        dim, fam = d[len("fold-"):].split("-", 1)
        c = run_batch(a, models, (dim, set(fam.split("+"))), None)
        say(a, c, "%s=%s: " % (dim, fam))
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    if not total:
        sys.exit("eval_batch: no fitted fold in %s (scripts/eval.py --work %s)" % (a.folds, a.folds))
    say(a, total, "all folds: ")
    return 0

if __name__ == "__main__":
    sys.exit(main())
