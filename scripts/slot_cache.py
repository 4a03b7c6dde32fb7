#!/usr/bin/env python3
"""'despin scorer slots' with a cache: the slot rows of an article depend on
the article, the detector and the language model and lexicon, not on any
fitted scorer, so folds of the leave-one-family-out evaluation that share
training articles compute them once.

  scripts/slot_cache.py --despin D --models DIR --cache DIR SOLO_PAIRS.tsv > SLOTS.tsv

SOLO_PAIRS.tsv has lines 'LABEL<TAB>ARTICLE<TAB>-'.  Prints what
'despin scorer slots --pairs SOLO_PAIRS.tsv' prints (header, then the rows
of each article in list order).  The cache key of an article is the SHA-1
of its bytes, of the despin binary, of the language model the rows are
computed with (lm_name: $DESPIN_LM, else the 'lm' row of the models' solo.tsv,
else lm.bin) and of the size and time of every model file but the scorer and
the '.checked' stamps ('make models' rewrites those without changing a model).
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile


def write_atomic(path, text):
    """Writes text to path through a temporary file of this process's own,
    renamed into place: folds run in parallel share the caches."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def file_sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def lm_name(models):
    """The language model file 'despin scorer slots --models MODELS' loads:
    what cli_lm_file and ds_models_lm_file choose."""
    env = os.environ.get("DESPIN_LM", "")
    if env and "/" not in env:
        return env
    try:
        with open(os.path.join(models, "solo.tsv"), encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) == 2 and cols[0] == "lm" and \
                        os.access(os.path.join(models, cols[1]), os.R_OK):
                    return cols[1]
    except OSError:
        pass
    return "lm.bin"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--models", default="models")
    ap.add_argument("--cache", required=True)
    ap.add_argument("pairs")
    a = ap.parse_args()
    env = hashlib.sha1(file_sha1(a.despin).encode())
    env.update(("lm %s\n" % lm_name(a.models)).encode())
    for n in sorted(os.listdir(a.models)):
        if n.startswith("scorer.") or n.endswith(".checked"):
            continue
        st = os.stat(os.path.join(a.models, n))
        env.update(("%s %d %d\n" % (n, st.st_size, int(st.st_mtime))).encode())
    env = env.hexdigest()[:16]
    cdir = os.path.join(a.cache, "slots-" + env)
    os.makedirs(cdir, exist_ok=True)
    arts = []
    with open(a.pairs, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2:
                arts.append((line, cols[1]))
    keys = {}
    missing = []
    for line, art in arts:
        if art in keys:
            continue
        keys[art] = file_sha1(art)
        if not os.path.exists(os.path.join(cdir, keys[art])):
            missing.append(line)
    header_path = os.path.join(cdir, "header")
    if missing or not os.path.exists(header_path):
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".tsv") as t:
            t.writelines(missing or [arts[0][0]])
        try:
            p = subprocess.run([a.despin, "scorer", "slots", "--models", a.models, "--pairs", t.name],
                               stdout=subprocess.PIPE, check=True)
        finally:
            os.unlink(t.name)
        lines = p.stdout.decode("utf-8").splitlines(True)
        rows = {}
        for line in lines[1:]:
            art, _, rest = line.partition("\t")
            rows.setdefault(art, []).append(rest)
        for line in (missing or [arts[0][0]]):
            art = line.rstrip("\n").split("\t")[1]
            path = os.path.join(cdir, keys[art])
            write_atomic(path, "".join(rows.get(art, [])))
        write_atomic(header_path, lines[0])
    out = sys.stdout
    with open(header_path, encoding="utf-8") as f:
        out.write(f.read())
    done = set()
    for _, art in arts:
        if art in done:
            continue
        done.add(art)
        with open(os.path.join(cdir, keys[art]), encoding="utf-8") as f:
            for rest in f:
                out.write(art + "\t" + rest)


if __name__ == "__main__":
    main()
