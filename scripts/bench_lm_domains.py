#!/usr/bin/env python3
"""What each language model is worth, per domain of the evaluation
(scripts/eval.py): 'make bench', section lmdomains.  See docs/README-lm.md.

  scripts/bench_lm_domains.py [--despin build/despin] [--bench corpus/bench]
                              [--models models] [--work DIR] [--no-auc]

1. Perplexity and unknown-word rate on the clean texts of each domain of
   the benchmark (its test split; none of it is in the models' training
   text) for the corpus model (lm.bin), the mixture (mix.bin), and on the
   words-only stream (lower case, no punctuation or number classes: what
   the background model knows) for the corpus model and the background
   model (bg.bin).  For e-mail, also the mixture plus the in-domain model
   of an index of 1,000 e-mails and of every e-mail of the pool
   (corpus/email, scripts/corpus_email.sh, less every e-mail that an index
   of the pool gives as the source of a benchmark e-mail, repeated until it
   gives none, so that no tested text, nor its source, is learnt from).
2. Solo ROC AUC on the e-mail domain, held out: the scorer is fitted
   (scripts/fit_scorer.sh, the one fitting entry point) on the training
   articles of every other domain, as the e-mail fold of 'make eval' does,
   once with each language model; then the e-mail test articles (spun
   against clean texts and edits) are scanned solo with the corpus model,
   the mixture, and the mixture plus each index's in-domain model
   (DESPIN_INDEX_LM=1, 'scan -i': no article finds a source there).
Perplexities count </s> and unknown words (KenLM's convention, as 'despin lm
score' prints them).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from eval import auc, make_folds, pairs_lines, read_manifest  # noqa: E402

DOMAINS = ("press", "nonfiction", "fiction", "sotu-19c", "sotu-20c", "moby", "email")


def run(cmd, env=None, **kw):
    e = dict(os.environ)
    e.pop("DESPIN_LM", None)
    e.pop("DESPIN_INDEX_LM", None)
    e.update(env or {})
    return subprocess.run(cmd, env=e, check=True, stdout=subprocess.PIPE, text=True, **kw).stdout


def summary(out):
    """(perplexity, perplexity without OOVs, OOV share, tokens) of 'lm score --summary'."""
    m = re.search(r"perplexity ([\d.]+) \(without OOVs ([\d.]+)\): (\d+) tokens, (\d+) OOVs", out)
    return float(m.group(1)), float(m.group(2)), int(m.group(4)) / int(m.group(3)), int(m.group(3))


def words_only(despin, files, out):
    text = run([despin, "lm", "tokens"] + files)
    with open(out, "w", encoding="utf-8") as f:
        for line in text.splitlines():
            w = [t for t in line.split() if re.search(r"\w", t) and not (t.startswith("<") and t.endswith(">"))]
            if w:
                f.write(" ".join(w) + "\n")


def add_index(D, ix, files, work):
    """A new index of files, its language model not trained."""
    for p in (ix, ix + "-wal", ix + "-shm"):
        if os.path.exists(p):
            os.unlink(p)
    lst = os.path.join(work, "files.lst")
    with open(lst, "w", encoding="utf-8") as f:
        f.write("\n".join(files) + "\n")
    with open(lst, encoding="utf-8") as f:
        subprocess.run(["xargs", D, "index", "add", "-q", "--no-train", "-i", ix], stdin=f,
                       check=True, stdout=subprocess.DEVNULL)


def pool_without(D, pool, texts, work):
    """pool less every file that an index of it gives as the source of one
    of texts, again until it gives none (near-copies hide behind one another)."""
    ix = os.path.join(work, "ix-whole.db")
    for _ in range(5):
        add_index(D, ix, pool, work)
        out = run([D, "index", "query", "-i", ix] + texts)
        seen = {f for line in out.splitlines() for f in line.split("\t")[1:]}
        if not seen & set(pool):
            break
        pool = [p for p in pool if p not in seen]
    return pool


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--models", default="models")
    ap.add_argument("--work")
    ap.add_argument("--no-auc", action="store_true")
    a = ap.parse_args()
    D = os.path.abspath(a.despin)
    os.chdir(os.path.dirname(HERE))
    if not os.path.exists(os.path.join(a.bench, "manifest.jsonl")):
        print("bench_lm_domains: no %s/manifest.jsonl ('make bench-corpus')" % a.bench)
        return
    if subprocess.run([os.path.join(HERE, "corpus_email.sh")]).returncode != 0:
        print("bench_lm_domains: no e-mail corpus; the in-domain indexes are left out")
    if not models_missing("bench_lm_domains", a.models, ("lm.bin", "bg.bin", "mix.bin")):
        in_work(a.work, "despin-lmdom.", lambda work: bench(a, D, work))


def models_missing(who, models, names):
    """True, after saying which, when one of the model files names is not in
    models."""
    for m in names:
        if not os.path.exists(os.path.join(models, m)):
            print("%s: no %s/%s (install pocketsphinx-en-us, then make models)" % (who, models, m))
            return True
    return False


def in_work(work, prefix, fn):
    """fn(DIR) in the folder work, or in a temporary one removed after."""
    d = work or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(d, exist_ok=True)
    try:
        fn(os.path.abspath(d))
    finally:
        if not work:
            shutil.rmtree(d, ignore_errors=True)


def bench(a, D, work):
    recs = read_manifest(a.bench)
    # the e-mail pool, less the e-mails the benchmark is made of: those an
    # index of the pool gives as the source of any benchmark e-mail
    pool = []
    if os.path.isdir("corpus/email"):
        pool = [os.path.join("corpus/email", n) for n in sorted(os.listdir("corpus/email"))
                if n.endswith(".txt")]
    if pool:
        mails = sorted({os.path.join(a.bench, r[k]) for r in recs if r["fam"]["domain"] == "email"
                        for k in ("file", "source") if r.get(k)})
        pool = pool_without(D, pool, mails, work)
    ixs = []
    for name, files in (("1k", pool[:1000]), ("all", pool)):
        if len(files) < 1000:
            continue
        ix = os.path.join(work, "ix-%s.db" % name)
        add_index(D, ix, files, work)
        run([D, "index", "train", "--models", a.models, "-i", ix], env={"DESPIN_LM": "mix.bin"})
        ixs.append((name, ix, len(files)))
    print("e-mail pool: %d e-mails of corpus/email not in the benchmark; indexes of %s"
          % (len(pool), ", ".join(str(n) for _, _, n in ixs) or "none"))

    # 1. perplexity per domain
    lm, mix, bg = (os.path.join(a.models, m) for m in ("lm.bin", "mix.bin", "bg.bin"))
    print("\n| domain | tokens | corpus | mixture | %swords only: corpus | words only: background |"
          % "".join("mixture + index %s | " % n for _, _, n in ixs))
    print("|---|---|---|---|%s---|---|" % ("---|" * len(ixs)))
    for dom in DOMAINS:
        files = sorted(os.path.join(a.bench, r["file"]) for r in recs
                       if r["fam"]["domain"] == dom and r["split"] == "test" and r["label"] == "clean"
                       and not r["kind"].startswith("partial"))
        if not files:
            continue
        c = summary(run([D, "lm", "score", "--summary", "-m", lm] + files))
        m = summary(run([D, "lm", "score", "--summary", "-m", mix] + files))
        cells = []
        for _, ix, _ in ixs:
            if dom != "email":
                cells.append("-")
                continue
            s = summary(run([D, "lm", "score", "--summary", "-m", mix, "-i", ix] + files,
                            env={"DESPIN_LM": "mix.bin"}))
            cells.append("%.0f (%.1f%%)" % (s[0], 100 * s[2]))
        wfile = os.path.join(work, dom + ".words")
        words_only(D, files, wfile)
        wc = summary(run([D, "lm", "score", "--summary", "--pretokenized", "-m", lm, wfile]))
        wb = summary(run([D, "lm", "score", "--summary", "--pretokenized", "-m", bg, wfile]))
        print("| %s | %d | %.0f (%.1f%%) | %.0f (%.1f%%) %s| %.0f (%.1f%%) | %.0f (%.1f%%) |"
              % (dom, c[3], c[0], 100 * c[2], m[0], 100 * m[2],
                 "".join("| %s " % x for x in cells), wc[1], 100 * wc[2], wb[1], 100 * wb[2]))
    print("(perplexity with unknown words, unknown-word share; words only: perplexity without them)")
    if a.no_auc:
        return

    # 2. solo AUC on the held-out e-mail domain
    fa = argparse.Namespace(only="domain", train_cap=100, test_pos=1000, test_neg=1000)
    fold = [f for f in make_folds(recs, fa) if f[1] == "email"]
    if not fold:
        print("bench_lm_domains: no e-mail fold in the benchmark")
        return
    _, _, _, train, test = fold[0]
    with open(os.path.join(work, "train.tsv"), "w", encoding="utf-8") as f:
        for r in train:
            f.writelines(pairs_lines(r, a.bench))
    files = [os.path.join(a.bench, r["file"]) for r in test]
    label = {os.path.join(a.bench, r["file"]): r["label"] == "spun" for r in test}
    mdirs = {}
    for lmf in ("lm.bin", "mix.bin"):
        d = os.path.join(work, "fit-" + lmf)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "models"))
        run([os.path.join(HERE, "fit_scorer.sh"), "--despin", D, "--bench", a.bench,
             "--models", a.models, "--pairs", os.path.join(work, "train.tsv"),
             "--out", os.path.join(d, "models", "scorer.tsv"), "--cache", os.path.join(work, "cache-" + lmf)],
            env={"DESPIN_LM": lmf}, stderr=subprocess.DEVNULL)
        for n in os.listdir(a.models):
            if not n.startswith("scorer.") and n != "solo.tsv":
                os.symlink(os.path.abspath(os.path.join(a.models, n)), os.path.join(d, "models", n))
        run([D, "scorer", "build", "-o", os.path.join(d, "models", "scorer.bin"),
             os.path.join(d, "models", "scorer.tsv")], stderr=subprocess.DEVNULL)
        mdirs[lmf] = os.path.join(d, "models")
    configs = [("corpus", mdirs["lm.bin"], {}, ["--solo"]),
               ("mixture", mdirs["mix.bin"], {"DESPIN_LM": "mix.bin"}, ["--solo"])]
    for name, ix, n in ixs:
        configs.append(("mixture + index %d" % n, mdirs["mix.bin"],
                        {"DESPIN_LM": "mix.bin", "DESPIN_INDEX_LM": "1"}, ["-i", ix]))
    print("\nsolo ROC AUC, e-mail domain held out (scorer fitted on the other domains with "
          "the same language model; %d spun, %d clean test articles):"
          % (sum(label.values()), len(label) - sum(label.values())))
    for name, mdir, env, extra in configs:
        p = subprocess.run([D, "scan", "--format", "json", "--all", "-j", "1", "--models", mdir] + extra + files,
                           env=dict(os.environ, **env), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        res = [json.loads(line) for line in p.stdout.splitlines()]
        pos = [r["score"] for r in res if label.get(r["file"])]
        neg = [r["score"] for r in res if r["file"] in label and not label[r["file"]]]
        src = sum(1 for r in res if r.get("source"))
        print("  %-22s %.3f%s" % (name, auc(pos, neg), "  (%d found a source)" % src if src else ""))


if __name__ == "__main__":
    main()
