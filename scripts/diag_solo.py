#!/usr/bin/env python3
"""Per-article statistics of the judgement without a source, and the ROC
AUC of each one alone, on the test articles of the leave-one-domain-out
folds (scripts/eval.py): which evidence separates a domain's spun articles
from its clean ones, and which does not.

  scripts/diag_solo.py --models DIR [--despin build/despin] [--bench corpus/bench]
                       [--domain FAMILY[,FAMILY]] [--test-pos N] [--test-neg N]
                       [--corpus TEXT] [--counts WORDS.tsv] [--json OUT]
                       [--slots [--scorer SCORER.tsv]]

DIR is a models directory (a fold's models of an eval.py --work run, whose
scorer never saw the domain, or the shipped one).  The articles are those
the domain fold tests (every split of the held-out domain; at most
--test-pos spun per family and --test-neg clean, as eval.py picks them);
each family's spun articles are compared with the clean ones of the same
domain.  Statistics:

  score        the article's solo score (despin scan --solo); its AUC's
               90% interval over 1,000 bootstrap draws of both classes, and
               its AUC per spinner and without the context-aware spinner
  nflag        flags; flag_share: flags per content word
  lodds        sum of the flags' log-odds log(p/(1-p))
  pmax         the highest flag probability
  oop          the scanner's out-of-place share (out_of_place/content_words)
  recall       (spun only) share of the spinner's words under a flag
and, from the language model's per-word log10 probabilities (despin lm
score) and the unigram counts of --corpus (corpus/train.txt; --counts
keeps them in a file):
  surp_c       mean of log10 p(word | context) - log10 p(word) over content
               words, minus the same over function words (register-free)
  low_c        share of content words more than 1 (log10) below their unigram
               probability, minus the same share of function words
  rare         share of content words seen fewer than 20 times in the corpus
               (or never)
  unk          share of words the model does not know

--slots adds the slots' view (despin scorer slots on the same articles,
round trips left out): the slots over a spinner's word against every slot
of the clean articles, the share of each with a candidate original and with
a gain over 2 (log10), and the AUC of the slot model's log-odds (with
--scorer, the fold's scorer.tsv, whose slot rows the models' scorer.bin was
built from) and of each slot feature alone.
"""
import argparse
import collections
import json
import math
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import eval as ev  # noqa: E402


def counts(despin, corpus, cache):
    if cache and os.path.exists(cache):
        c = {}
        with open(cache, encoding="utf-8") as f:
            for line in f:
                w, n = line.rstrip("\n").split("\t")
                c[w] = int(n)
        return c
    c = collections.Counter()
    p = subprocess.Popen([despin, "lm", "tokens", corpus], stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        c.update(line.split())
    p.wait()
    if cache:
        with open(cache, "w", encoding="utf-8") as f:
            for w, n in c.items():
                f.write("%s\t%d\n" % (w, n))
    return c


def lm_words(despin, models, path):
    p = subprocess.run([despin, "lm", "score", "--models", models, path],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = []
    for line in p.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        w, lp = parts[0], float(parts[1])
        unk = w.endswith("=<unk>")
        out.append((w[:-6] if unk else w, lp, unk))
    return out


def lm_stats(words, cnt, total, func):
    surp = {True: [], False: []}
    low = {True: [], False: []}
    rare = unk = n = ncontent = 0
    for w, lp, u in words:
        if w == "</s>" or not w[:1].isalpha():
            continue
        n += 1
        unk += u
        isf = w in func
        if not isf:
            ncontent += 1
            rare += cnt.get(w, 0) < 20
        if u:
            continue
        lu = math.log10((cnt.get(w, 0) + 0.5) / total)
        d = lp - lu
        surp[isf].append(d)
        low[isf].append(d < -1)

    def mean(v):
        return sum(v) / len(v) if v else 0.0
    return {"surp_c": mean(surp[False]) - mean(surp[True]),
            "low_c": mean(low[False]) - mean(low[True]),
            "rare": rare / max(ncontent, 1), "unk": unk / max(n, 1)}


def interval(pos, neg, draws=1000):
    """The 90% bootstrap interval of the AUC of pos against neg."""
    rnd = random.Random(1)
    v = sorted(ev.auc([rnd.choice(pos) for _ in pos], [rnd.choice(neg) for _ in neg])
               for _ in range(draws))
    return v[int(draws * 0.05)], v[int(draws * 0.95) - 1]


def slot_logit(coef, x):
    return sum(w if k == "bias" else (x[k] - m) / sd * w
               for k, (m, sd, w) in coef.items() if k in x or k == "bias")


def slot_view(a, test, held):
    coef = {}
    if a.scorer:
        with open(a.scorer, encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if c[0] == "coef" and c[1] == "slot":
                    coef[c[2]] = tuple(map(float, c[3:6]))
    recs = {os.path.join(a.bench, r["file"]): r for r in test if r["kind"] != "roundtrip"}
    pairs = os.path.join(os.environ.get("TMPDIR", "/tmp"), "diag_solo.%d.tsv" % os.getpid())
    with open(pairs, "w", encoding="utf-8") as f:
        for path, r in recs.items():
            f.write("%d\t%s\t-\n" % (r["label"] == "spun", path))
    p = subprocess.run([a.despin, "scorer", "slots", "--models", a.models, "--pairs", pairs],
                       stdout=subprocess.PIPE, text=True)
    os.unlink(pairs)
    lines = p.stdout.splitlines()
    hdr = lines[0].split("\t")
    rows = collections.defaultdict(lambda: ([], []))
    for line in lines[1:]:
        c = line.split("\t")
        r = recs[c[0]]
        s, e = int(c[1]), int(c[2])
        x = dict(zip(hdr[3:], map(float, c[3:])))
        if coef:
            x["logit"] = slot_logit(coef, x)
        if any(t["start"] < e and s < t["end"] for t in r.get("substitutions") or []):
            rows[r["fam"]["domain"]][0].append(x)
        elif r["label"] == "clean":
            rows[r["fam"]["domain"]][1].append(x)
    feats = (["logit"] if coef else []) + ["gain", "follow", "lpslot", "lfw", "lfo", "ncand",
                                           "vsim", "logw"]
    print("slots: the spinner's words against every slot of the clean articles")
    print("  %-10s %5s %6s %6s | %6s %6s %6s | " % ("domain", "spun", "cand", "gain>2",
                                                 "clean", "cand", "gain>2")
          + " ".join("%6s" % f[:6] for f in feats))
    for dom in held:
        pos, neg = rows[dom]
        if not pos or not neg:
            continue

        def share(v, f):
            return sum(1 for x in v if f(x)) / len(v)
        print("  %-10s %5d %6.3f %6.3f | %6d %6.3f %6.3f | " % (
            dom, len(pos), share(pos, lambda x: x["ncand"] > 0), share(pos, lambda x: x["gain"] > 2),
            len(neg), share(neg, lambda x: x["ncand"] > 0), share(neg, lambda x: x["gain"] > 2))
            + " ".join("%6.3f" % ev.auc([x[f] for x in pos], [x[f] for x in neg]) for f in feats))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--models", required=True)
    ap.add_argument("--domain", default="fiction,nonfiction")
    ap.add_argument("--test-pos", type=int, default=25)
    ap.add_argument("--test-neg", type=int, default=40)
    ap.add_argument("--corpus", default="corpus/train.txt",
                    help="text whose unigram counts the statistics use")
    ap.add_argument("--counts", help="cache of the corpus's unigram counts")
    ap.add_argument("--json", help="write every article's statistics here")
    ap.add_argument("--slots", action="store_true", help="add the slots' view")
    ap.add_argument("--scorer", help="with --slots: the scorer TSV of the models (slot rows)")
    a = ap.parse_args()
    held = a.domain.split(",")
    recs = ev.read_manifest(a.bench)
    opts = argparse.Namespace(only="domain", train_cap=400, test_pos=a.test_pos,
                              test_neg=a.test_neg)
    fold = [f for f in ev.make_folds(recs, opts) if sorted(f[2]) == sorted(held)]
    if not fold:
        sys.exit("diag_solo: no domain fold holds out %s" % a.domain)
    test = fold[0][4]
    files = [os.path.join(a.bench, r["file"]) for r in test]
    scan = ev.scan(a.despin, a.models, files, ["--solo"])
    cnt = counts(a.despin, a.corpus, a.counts)
    total = sum(cnt.values())
    func = {w for w, _ in sorted(cnt.items(), key=lambda kv: -kv[1])[:150] if w[:1].isalpha()}
    rows = []
    for r in test:
        path = os.path.join(a.bench, r["file"])
        s = scan[path]
        subs = s.get("substitutions", [])
        ps = [x["p"] for x in subs if x.get("p") is not None]
        cw = max(s.get("content_words") or 0, 1)
        row = {"file": r["file"], "label": r["label"], "domain": r["fam"]["domain"],
               "spinner": r["fam"]["spinner"], "rate": r.get("rate"), "words": s.get("words"),
               "score": s["score"], "nflag": len(subs), "flag_share": len(subs) / cw,
               "lodds": sum(math.log(p / (1 - p)) for p in ps if 0 < p < 1),
               "pmax": max(ps) if ps else 0.0,
               "oop": (s.get("out_of_place") or 0) / cw}
        truth = r.get("substitutions") or []
        if truth:
            hit = sum(any(x["start"] < t["end"] and t["start"] < x["end"] for x in subs)
                      for t in truth)
            row["recall"] = hit / len(truth)
            row["n_truth"] = len(truth)
        row.update(lm_stats(lm_words(a.despin, a.models, path), cnt, total, func))
        rows.append(row)
    stats = ["score", "nflag", "flag_share", "lodds", "pmax", "oop", "surp_c", "low_c",
             "rare", "unk"]
    for dom in held:
        neg = [x for x in rows if x["label"] == "clean" and x["domain"] == dom]
        pos = [x for x in rows if x["label"] == "spun" and x["domain"] == dom]
        if not pos or not neg:
            continue
        print("%s: %d spun, %d clean" % (dom, len(pos), len(neg)))
        lo, hi = interval([x["score"] for x in pos], [x["score"] for x in neg])
        print("  score AUC, 90%% bootstrap interval: %.3f-%.3f" % (lo, hi))
        neg_s = [x["score"] for x in neg]
        fams = sorted({str(x["spinner"]) for x in pos})
        print("  score AUC by spinner: " + ", ".join(
            "%s %.3f (%d)" % (f, ev.auc([x["score"] for x in pos if str(x["spinner"]) == f], neg_s),
                              sum(1 for x in pos if str(x["spinner"]) == f)) for f in fams))
        print("  score AUC without the context-aware spinner: %.3f" % ev.auc(
            [x["score"] for x in pos if x["spinner"] != "context"], neg_s))
        print("  %-10s %6s  %10s %10s" % ("statistic", "AUC", "spun mean", "clean mean"))
        for k in stats:
            au = ev.auc([x[k] for x in pos], [x[k] for x in neg])
            print("  %-10s %6.3f  %10.4f %10.4f" % (k, au, sum(x[k] for x in pos) / len(pos),
                                                     sum(x[k] for x in neg) / len(neg)))
        rec = [x["recall"] for x in pos if "recall" in x]
        if rec:
            print("  spinner's words under a flag: %.3f (mean over %d articles; %d words)"
                  % (sum(rec) / len(rec), len(rec), sum(x["n_truth"] for x in pos if "n_truth" in x)))
    if a.slots:
        slot_view(a, test, held)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(rows, f)


if __name__ == "__main__":
    main()
