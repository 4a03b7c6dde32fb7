#!/usr/bin/env python3
"""Editor-side changes for fitting despin's change model (python3 standard
library and despin): human-style rewrites, copy edits and republications of
the sources of a training list, made the way scripts/gen_bench.py makes the
benchmark's clean negatives, and every change 'despin scorer changes' finds
in them, labelled 0 (an editor's).

  scripts/gen_edits.py --bench DIR --pairs TRAIN.tsv --dir CACHE \
      [--despin D] [--models DIR] [--per N] > ROWS.tsv

TRAIN.tsv has lines 'LABEL<TAB>ARTICLE<TAB>SOURCE' (scripts/bench_pairs.py);
the sources of its lines, and only those, are rewritten, so a fold of the
leave-one-family-out evaluation never sees its held-out articles.  Each
source gets N variants (default 6), the families in turn (rewrite with a few
context-checked word choices, copy edit, republication), each from a seed
of its own: the same source gives the same variants in every fold.  The
variants and their change rows are kept under CACHE (rows keyed by the
despin binary and the models, as scripts/slot_cache.py keys slots), so
folds sharing sources compute them once.  Prints the rows with a label
column first and no header (append them to 'despin scorer changes' output
labelled by scripts/label_slots.py).
"""
import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import gen_bench  # noqa: E402
import rewrite  # noqa: E402
import spin  # noqa: E402
from slot_cache import file_sha1, write_atomic  # noqa: E402

FAMILIES = ("rewrite", "edit", "republish")


def env_key(despin, models):
    env = hashlib.sha1(file_sha1(despin).encode())
    for n in sorted(os.listdir(models)):
        if n.startswith("scorer.") or n == "solo.tsv":
            continue
        st = os.stat(os.path.join(models, n))
        env.update(("%s %d %d\n" % (n, st.st_size, int(st.st_mtime))).encode())
    return env.hexdigest()[:16]


def variant_name(src, k):
    base = os.path.splitext(os.path.basename(src))[0]
    return "%s.v%d.%s.txt" % (base, k, FAMILIES[k % len(FAMILIES)])


def make_variants(todo, a, headlines):
    """Writes the variants of todo [(source path, k, out path)]."""
    res = fluency = None
    pending = []
    for src, k, out in todo:
        with open(src, encoding="utf-8") as f:
            text = f.read()
        fam = FAMILIES[k % len(FAMILIES)]
        r = random.Random(gen_bench.stable_seed(a.seed, "editor", os.path.basename(src), k))
        others = [h for h in headlines if h != gen_bench.headline(text)]
        if fam == "edit":
            text, _ = gen_bench.edit(text, r, others)
        elif fam == "republish":
            ops = []
            text = gen_bench.some_of(text, r, ops, ((0.5, "copyedit", gen_bench.copyedit),
                                                    (0.3, "headline", rewrite.new_headline)))
            text, _, _ = gen_bench.wrap(text, [], r, others, 1.0)
        else:
            text, ops = rewrite.restructure(text, r)
            text = gen_bench.some_of(text, r, ops, (
                (0.35, "british", lambda t, _: rewrite.british(t)),
                (0.4, "copyedit", gen_bench.copyedit),
                (0.5, "headline", rewrite.new_headline)))
            if res is None:
                res = spin.Resources(("wordnet",))
                fluency = spin.Fluency(a.despin, a.models)
            sp = spin.Spinner(res, "wordnet", "frequent", r.getrandbits(32))
            prop = sp.propose(text, min(1.0, 12.0 / max(1, len(text.split()))), 0.0, 0.0)
            qs = [(e, fluency.add(prop, prop.edits[e])) for e in range(len(prop.edits))]
            pending.append((out, r, others, sp, prop, qs))
            continue
        write_atomic(out, text)
    if pending:
        deltas = fluency.run()
        for out, r, others, sp, prop, qs in pending:
            # a few word choices, each where the model finds the new word at
            # least as fluent: an editor's rate
            ok = [e for e, q in qs if deltas[q] >= 0.0 and prop.edits[e][3] == "thesaurus"]
            r.shuffle(ok)
            text, _, _ = sp.finish(prop, set(ok[:r.randint(2, 4)]))
            text, _, _ = gen_bench.wrap(text, [], r, others, 0.5)
            write_atomic(out, text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--dir", required=True, help="cache of variants and rows")
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--models", default="models")
    ap.add_argument("--per", type=int, default=6)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    srcs = []
    with open(a.pairs, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[2] != "-" and cols[2] not in srcs:
                srcs.append(cols[2])
    vdir = os.path.join(a.dir, "variants")
    rdir = os.path.join(a.dir, "rows-" + env_key(a.despin, a.models))
    os.makedirs(vdir, exist_ok=True)
    os.makedirs(rdir, exist_ok=True)
    todo, arts = [], []
    for s in srcs:
        for k in range(a.per):
            out = os.path.join(vdir, variant_name(s, k))
            arts.append((out, s))
            if not os.path.exists(out):
                todo.append((s, k, out))
    if todo:
        heads = []
        for s in srcs[:200]:
            with open(s, encoding="utf-8") as f:
                heads.append(gen_bench.headline(f.read()))
        make_variants(todo, a, heads)
    missing = [(v, s) for v, s in arts
               if not os.path.exists(os.path.join(rdir, os.path.basename(v)))]
    if missing:
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".tsv") as t:
            for v, s in missing:
                t.write("0\t%s\t%s\n" % (v, s))
        try:
            p = subprocess.run([a.despin, "scorer", "changes", "--models", a.models, "--pairs", t.name],
                               stdout=subprocess.PIPE, check=True)
        finally:
            os.unlink(t.name)
        rows = {}
        for line in p.stdout.decode("utf-8").splitlines(True)[1:]:
            rows.setdefault(line.partition("\t")[0], []).append(line)
        for v, _ in missing:
            write_atomic(os.path.join(rdir, os.path.basename(v)), "".join(rows.get(v, [])))
    out = sys.stdout
    for v, _ in arts:
        with open(os.path.join(rdir, os.path.basename(v)), encoding="utf-8") as f:
            for line in f:
                out.write("0\t" + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
