#!/usr/bin/env python3
"""Per-article statistics of the judgement without a source, and the ROC
AUC of each one alone, on the test articles of the leave-one-domain-out
folds (scripts/eval.py): which evidence separates a domain's spun articles
from its clean ones, and which does not.

  scripts/diag_solo.py --models DIR [--despin build/despin] [--bench corpus/bench]
                       [--dim domain|spinner|policy] [--domain FAMILY[,FAMILY]]
                       [--test-pos N] [--test-neg N]
                       [--corpus TEXT] [--counts WORDS.tsv] [--json OUT]
                       [--slots [--scorer SCORER.tsv]] [--cache DIR]
                       [--mixture TRAIN.tsv --scorer SCORER.tsv]

DIR is a models directory (a fold's models of an eval.py --work run, whose
scorer never saw the domain, or the shipped one).  The articles are those
the domain fold tests (every split of the held-out domain; at most
--test-pos spun per family and --test-neg clean, as eval.py picks them);
each family's spun articles are compared with the clean ones of the same
domain.  --dim spinner (or policy) takes that dimension's fold instead
(--domain then names its held-out families, e.g. distrib): its test split's
spins of those families against every clean test article.  Statistics:

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
  lp_func      (in --json) mean log10 p(word | context) of the function
               words (the corpus's 150 commonest); lp_all: of all words

--slots adds the slots' view (despin scorer slots on the same articles,
round trips left out): the slots over a spinner's word against every slot
of the clean articles, the share of each with a candidate original and with
a gain over 2 (log10), and the AUC of the slot model's log-odds (with
--scorer, the fold's scorer.tsv, whose slot rows the models' scorer.bin was
built from: its trees' log-odds through 'despin scorer slot-logits', or its
regression's) and of each slot feature alone.  --cache DIR keeps the slot rows
(scripts/slot_cache.py).

--mixture TRAIN.tsv (the fold's training pairs, eval.py's train.tsv; needs
--scorer) aggregates each article's slots as a contamination test instead of
counting flags: with r_i the density ratio f_spun(s_i)/f_clean(s_i) of slot
i's log-odds s_i, the statistic is the generalised log-likelihood ratio
max over pi in [0, 0.5] of sum_i log(pi r_i + 1 - pi).  The ratio is taken
as the slot model's odds exp(s_i) (it is fitted with balanced classes, so
they are that ratio when calibrated: the report checks this on the training
slots), or from the training slots' histograms (12 bins, 'glr_bin'); and
register-adjusted: s_i shifted by the article's lower quartile of log-odds
less the training clean slots' ('glr_q25'), or by the clean training
articles' mean log-odds predicted from the article's mean log10 probability
of its function words ('glr_fw') or of all its words ('glr_all'; least
squares on the clean training articles of 20 slots or more).  The report
gives each one's AUC beside the score's, how far the clean articles' mean
log-odds vary from article to article against what slot sampling alone
would give, and 'glr_iid': the AUC the statistic would reach if slots were
independent (each test article's slots redrawn from the fold's pooled test
slots of their class, the spinner's or not, as many of each as it has).
"""
import argparse
import bisect
import collections
import json
import math
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import eval as ev  # noqa: E402
from fit_solo import despin_logits, has_trees  # noqa: E402


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
    return {"lp_func": mean([lp for w, lp, u in words if not u and w in func]),
            "lp_all": mean([lp for w, lp, u in words if not u and w[:1].isalpha()]),
            "surp_c": mean(surp[False]) - mean(surp[True]),
            "low_c": mean(low[False]) - mean(low[True]),
            "rare": rare / max(ncontent, 1), "unk": unk / max(n, 1)}


def interval(pos, neg, draws=1000):
    """The 90% bootstrap interval of the AUC of pos against neg."""
    rnd = random.Random(1)
    v = sorted(ev.auc([rnd.choice(pos) for _ in pos], [rnd.choice(neg) for _ in neg])
               for _ in range(draws))
    return v[int(draws * 0.05)], v[int(draws * 0.95) - 1]


def slot_logit(coef, x):
    """The slot model's log-odds, as ds_logit_prob computes them (standardised
    features clipped to +-4)."""
    return sum(w if k == "bias" else max(-4.0, min(4.0, (x[k] - m) / sd)) * w
               for k, (m, sd, w) in coef.items() if k in x or k == "bias")


def add_logits(a, hdr, lines, rows):
    """Each slot's log-odds under --scorer's slot model as x["logit"]: the
    trees' from 'despin scorer slot-logits' (what the detector computes),
    else the regression's rows.  No --scorer: no logit."""
    if not a.scorer:
        return
    if not has_trees(a.scorer):
        coef = read_coef(a.scorer)
        if coef:
            for xs in rows.values():
                for x in xs:
                    x["logit"] = slot_logit(coef, x)
        return
    # fit_solo's rows: the labelled line last
    labelled = [(None, None, None, "0\t" + line + "\n") for line in lines]
    with tempfile.TemporaryDirectory(prefix="diag_solo.") as tmp:
        src = os.path.join(tmp, "slots.tsv")
        with open(src, "w", encoding="utf-8") as f:
            f.write("label\t" + "\t".join(hdr) + "\n")
            f.writelines(r[3] for r in labelled)
        zs = despin_logits(a.despin, a.scorer, src, labelled)
    by = {}
    for line, z in zip(lines, zs):
        c = line.split("\t", 3)
        by[(c[0], int(c[1]), int(c[2]))] = z
    for path, xs in rows.items():
        for x in xs:
            x["logit"] = by[(path, x["start"], x["end"])]


def slot_rows(a, paths):
    """{article path: [slot feature dict]}: despin scorer slots (through
    scripts/slot_cache.py with --cache) on the articles, each with its
    log-odds under --scorer's slot model ("logit") when one is given."""
    pairs = os.path.join(os.environ.get("TMPDIR", "/tmp"), "diag_solo.%d.tsv" % os.getpid())
    with open(pairs, "w", encoding="utf-8") as f:
        for path in paths:
            f.write("0\t%s\t-\n" % path)
    if a.cache:
        cmd = [sys.executable, os.path.join(HERE, "slot_cache.py"), "--despin", a.despin,
               "--models", a.models, "--cache", a.cache, pairs]
    else:
        cmd = [a.despin, "scorer", "slots", "--models", a.models, "--pairs", pairs]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    os.unlink(pairs)
    lines = p.stdout.splitlines()
    hdr = lines[0].split("\t")
    rows = {path: [] for path in paths}
    for line in lines[1:]:
        c = line.split("\t")
        x = dict(zip(hdr[3:], map(float, c[3:])))
        x["start"], x["end"] = int(c[1]), int(c[2])
        rows[c[0]].append(x)
    add_logits(a, hdr, lines[1:], rows)
    return rows


def glr(ratios, pi_max=0.5):
    """(max over pi in [0, pi_max] of sum_i log(pi r_i + 1 - pi), the pi that
    reaches it): the generalised log-likelihood ratio of a share pi of the
    slots drawn from the spinner's distribution, ratios r_i = f_spun/f_clean.
    The sum is concave in pi, so its derivative's root is found by bisection."""
    def slope(p):
        return sum((r - 1) / (p * r + 1 - p) for r in ratios)
    if not ratios or slope(0.0) <= 0:
        return 0.0, 0.0
    if slope(pi_max) >= 0:
        pi = pi_max
    else:
        lo, hi = 0.0, pi_max
        for _ in range(50):
            mid = (lo + hi) / 2
            if slope(mid) > 0:
                lo = mid
            else:
                hi = mid
        pi = lo
    return sum(math.log(pi * r + 1 - pi) for r in ratios), pi


def quantile(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))] if v else 0.0


def binned_ratio(s, y, nbins=12):
    """f_spun/f_clean of the log-odds s from labelled slots: equal-count bins,
    one pseudo-count in each bin of either class."""
    qs = sorted(s)
    edges = [qs[len(qs) * i // nbins] for i in range(1, nbins)]
    pos, neg = [1.0] * nbins, [1.0] * nbins
    for v, lab in zip(s, y):
        (pos if lab else neg)[bisect.bisect_right(edges, v)] += 1
    ratio = [(pos[i] / sum(pos)) / (neg[i] / sum(neg)) for i in range(nbins)]
    return lambda v: ratio[bisect.bisect_right(edges, v)]


def line_fit(xs, ys):
    """Least squares y = a + b x: (a, b, R2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else 0.0
    ss = sum((y - my) ** 2 for y in ys)
    res = sum((y - my - b * (x - mx)) ** 2 for x, y in zip(xs, ys))
    return my - b * mx, b, 1 - res / ss if ss > 0 else 0.0


MIX_STATS = ("score", "glr", "glr_bin", "glr_q25", "glr_fw", "glr_all", "pi", "mean_s", "glr_iid")


def mixture(a, test, held, slots, rows, func):
    """The contamination test (--mixture): fits the slot density ratio and the
    register line on the fold's training articles, adds each test article's
    statistics to its row and prints their AUCs."""
    if not a.scorer or not (has_trees(a.scorer) or read_coef(a.scorer)):
        sys.exit("diag_solo: --mixture needs --scorer with the slot model's rows")
    manifest = {os.path.join(a.bench, r["file"]): r for r in ev.read_manifest(a.bench)}
    train = []
    with open(a.mixture, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) == 3 and c[2] == "-" and c[1] not in train:
                train.append(c[1])
    tslots = slot_rows(a, train)
    s, y, means = [], [], []
    for path in train:
        r = manifest[path]
        if r["kind"] == "roundtrip":
            continue
        ls = [x["logit"] for x in tslots[path]]
        s += ls
        y += [int(overlaps(r, x)) for x in tslots[path]]
        if r["label"] == "clean" and len(ls) >= 20:
            words = lm_words(a.despin, a.models, path)
            st = lm_stats(words, {}, 1, func)
            mu = sum(ls) / len(ls)
            sd = math.sqrt(sum((v - mu) ** 2 for v in ls) / len(ls))
            means.append((mu, sd / math.sqrt(len(ls)), st["lp_func"], st["lp_all"]))
    pos = [v for v, lab in zip(s, y) if lab]
    neg = [v for v, lab in zip(s, y) if not lab]
    if not pos or not neg or len(means) < 3:
        sys.exit("diag_solo: --mixture needs labelled spinner's and clean training slots")
    ratio = binned_ratio(s, y)
    q25 = quantile(neg, 0.25)
    mu_all = sum(m[0] for m in means) / len(means)
    fw_a, fw_b, fw_r2 = line_fit([m[2] for m in means], [m[0] for m in means])
    al_a, al_b, al_r2 = line_fit([m[3] for m in means], [m[0] for m in means])
    print("mixture: %d training slots, %.3f of them the spinner's; slot AUC %.3f; mean log-odds "
          "%.3f (spinner's) against %.3f (clean)" % (len(s), len(pos) / len(s), ev.auc(pos, neg),
                                                     sum(pos) / len(pos), sum(neg) / len(neg)))
    # the slot model's odds are the density ratio when it is calibrated: with
    # balanced class weights the mean spinner's ratio over clean slots is 1
    print("  calibration: mean odds over clean slots %.3f, mean inverse odds over the spinner's "
          "%.3f (1 when the odds are the density ratio)" % (
              sum(math.exp(min(v, 30)) for v in neg) / len(neg),
              sum(math.exp(-max(v, -30)) for v in pos) / len(pos)))
    print("  register: %d clean training articles' mean log-odds vary by sd %.3f (slot sampling "
          "alone: %.3f); R2 %.3f against function-word log10 probability, %.3f against all words'"
          % (len(means), math.sqrt(sum((m[0] - mu_all) ** 2 for m in means) / len(means)),
             math.sqrt(sum(m[1] ** 2 for m in means) / len(means)), fw_r2, al_r2))
    # the same statistic if slots were independent: each article's slots
    # redrawn from the pooled test slots of their class (the spinner's, or
    # not), as many of each as it has; round trips have no word-level truth
    pool, nspin, arts = ([], []), [], []
    for r in test:
        xs = slots[os.path.join(a.bench, r["file"])]
        ls = [x["logit"] for x in xs]
        lab = [] if r["kind"] == "roundtrip" else [overlaps(r, x) for x in xs]
        for v, hit in zip(ls, lab):
            pool[hit].append(v)
        if r["label"] == "spun" and lab:
            nspin.append(sum(lab) / len(lab))
        arts.append((ls, sum(lab)))
    rnd = random.Random(1)
    for (ls, k), row in zip(arts, rows):
        if pool[0] and pool[1]:
            row["glr_iid"] = glr([math.exp(min(rnd.choice(pool[i < k]), 30))
                                  for i in range(len(ls))])[0]
        row["glr"], row["pi"] = glr([math.exp(min(v, 30)) for v in ls])
        row["glr_bin"] = glr([ratio(v) for v in ls])[0]
        sh = quantile(ls, 0.25) - q25 if ls else 0.0
        row["glr_q25"] = glr([math.exp(min(v - sh, 30)) for v in ls])[0]
        sh = fw_a + fw_b * row["lp_func"] - mu_all
        row["glr_fw"] = glr([math.exp(min(v - sh, 30)) for v in ls])[0]
        sh = al_a + al_b * row["lp_all"] - mu_all
        row["glr_all"] = glr([math.exp(min(v - sh, 30)) for v in ls])[0]
        row["mean_s"] = sum(ls) / len(ls) if ls else 0.0
    if pool[0] and pool[1] and nspin:
        print("  test slots: %d of the spinner's, %d not, slot AUC %.3f; the spinner's share of a "
              "spun article's slots: mean %.3f"
              % (len(pool[1]), len(pool[0]), ev.auc(pool[1], pool[0]), sum(nspin) / len(nspin)))
    stats = [k for k in MIX_STATS if all(k in x for x in rows)]
    print("  %-10s %5s %5s  " % (a.dim, "spun", "clean") + " ".join("%7s" % k for k in stats))
    for h in held:
        p, n = fold_classes(rows, h, a.dim)
        if p and n:
            print("  %-10s %5d %5d  " % (h, len(p), len(n)) + " ".join(
                "%7.3f" % ev.auc([x[k] for x in p], [x[k] for x in n]) for k in stats))
    for h in held:
        p, n = fold_classes(rows, h, a.dim)
        if p and n:
            print("  %s: an article's mean log-odds, spun %s, clean %s "
                  "(clean training articles %.3f)" % (h, mean_sd([x["mean_s"] for x in p]),
                                                       mean_sd([x["mean_s"] for x in n]), mu_all))


def mean_sd(v):
    mu = sum(v) / len(v)
    return "%.3f sd %.3f" % (mu, math.sqrt(sum((x - mu) ** 2 for x in v) / len(v)))


def fold_classes(rows, h, dim):
    """(spun articles of held-out family h, the clean articles they are judged
    against: of the same domain in a domain fold, every one otherwise)."""
    return ([x for x in rows if x["label"] == "spun" and x[dim] == h],
            [x for x in rows if x["label"] == "clean" and (dim != "domain" or x["domain"] == h)])


def read_coef(scorer, model="slot"):
    coef = {}
    if scorer:
        with open(scorer, encoding="utf-8") as f:
            for line in f:
                c = line.rstrip("\n").split("\t")
                if c[0] == "coef" and c[1] == model:
                    coef[c[2]] = tuple(map(float, c[3:6]))
    return coef


def overlaps(r, x):
    """Whether slot x overlaps one of the spinner's substitutions in record r."""
    return any(t["start"] < x["end"] and x["start"] < t["end"]
               for t in r.get("substitutions") or [])


def slot_view(a, test, held, slots):
    has_logit = False
    rows = collections.defaultdict(lambda: ([], []))
    for r in test:
        if r["kind"] == "roundtrip":
            continue
        for x in slots[os.path.join(a.bench, r["file"])]:
            has_logit = has_logit or "logit" in x
            if overlaps(r, x):
                rows[r["fam"][a.dim]][0].append(x)
            elif r["label"] == "clean":
                for h in held:
                    if a.dim != "domain" or r["fam"]["domain"] == h:
                        rows[h][1].append(x)
    feats = (["logit"] if has_logit else []) + ["gain", "follow", "lpslot", "lfw", "lfo", "ncand",
                                           "vsim", "logw"]
    print("slots: the spinner's words against every slot of the clean articles")
    print("  %-10s %5s %6s %6s | %6s %6s %6s | " % (a.dim, "spun", "cand", "gain>2",
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
    ap.add_argument("--dim", default="domain", choices=ev.DIMS,
                    help="the fold's dimension (--domain names its held-out families)")
    ap.add_argument("--domain", default="fiction,nonfiction")
    ap.add_argument("--test-pos", type=int, default=25)
    ap.add_argument("--test-neg", type=int, default=40)
    ap.add_argument("--corpus", default="corpus/train.txt",
                    help="text whose unigram counts the statistics use")
    ap.add_argument("--counts", help="cache of the corpus's unigram counts")
    ap.add_argument("--json", help="write every article's statistics here")
    ap.add_argument("--slots", action="store_true", help="add the slots' view")
    ap.add_argument("--scorer", help="with --slots: the scorer TSV of the models (slot rows)")
    ap.add_argument("--cache", help="keep the slot rows here (scripts/slot_cache.py)")
    ap.add_argument("--mixture", metavar="TRAIN.tsv",
                    help="the contamination test, fitted on these training pairs (needs --scorer)")
    a = ap.parse_args()
    held = a.domain.split(",")
    recs = ev.read_manifest(a.bench)
    opts = argparse.Namespace(only=a.dim, train_cap=400, test_pos=a.test_pos,
                              test_neg=a.test_neg)
    fold = [f for f in ev.make_folds(recs, opts) if sorted(f[2]) == sorted(held)]
    if not fold:
        sys.exit("diag_solo: no %s fold holds out %s" % (a.dim, a.domain))
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
               "spinner": r["fam"]["spinner"], "policy": r["fam"]["policy"], "rate": r.get("rate"),
               "words": s.get("words"),
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
        pos, neg = fold_classes(rows, dom, a.dim)
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
    slots = slot_rows(a, files) if a.slots or a.mixture else None
    if a.slots:
        slot_view(a, test, held, slots)
    if a.mixture:
        mixture(a, test, held, slots, rows, func)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(rows, f)


if __name__ == "__main__":
    main()
