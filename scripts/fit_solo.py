#!/usr/bin/env python3
"""Fits the calibration of the judgement without a source (models/solo.tsv,
see src/solocal.h); called by scripts/fit_scorer.sh.  Python 3 standard
library only.

  scripts/fit_solo.py flags --slot-model SLOT.tsv [--slot-logits LOGITS.tsv]
                      [--bench DIR --despin D] SLOTS-LABELLED.tsv > FLAGS.tsv
      the flag model: probability that a slot is a spinner's substitution,
      from the slot model's output and what the rest of the article says,
      fitted on the labelled slots with their true class balance.  A slot
      model of trees needs --slot-logits, their log-odds of every slot
      ('despin scorer slot-logits').  With
      --bench (whose manifest names each article's spinner family and
      domain) and --despin (to refit the slot model), its log-odds are then
      scaled and shifted so that the probabilities hold for a spinner or a
      domain left out of the fit: the slots of spins judged by a slot and a
      flag model fitted without their family, or without their domain.

  scripts/fit_solo.py article --flags FLAGS.tsv SCAN.jsonl LABELS.tsv > SOLO.tsv
      the article model: from 'despin scan --solo --all --format json'
      (solo scorer probability, words, flag probabilities) with LABELS
      ('LABEL<TAB>FILE', 1 spun, 0 clean); then the verdict threshold for at
      most 1% false positives on the clean texts of 40 words or more (clean
      paragraphs and whole articles, clean or rewritten by hand, each), the
      false-positive rate by length at that threshold and the shortest
      length L such that clean texts of L words or more stay within 1%:
      min_words.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

CLIP = 4.0

FLAG_FEATS = ("bias", "slot", "gain", "logw", "pmean", "phi", "ptop", "loglen", "multi")
ART_FEATS = ("bias", "base", "loglen", "baselen", "psum", "n8", "pmax", "anom", "unseen")
BANDS = (0, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 100000)
FP_AIM = 0.01


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def clip(v):
    return CLIP if v > CLIP else -CLIP if v < -CLIP else v


def solve(a, b):
    """Solves a x = b (a symmetric positive definite, small) by Gauss-Jordan."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c]
        if abs(piv) < 1e-12:
            continue
        for k in range(c, n + 1):
            m[c][k] /= piv
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] for i in range(n)]


def logit_fit(X, y, w, l2):
    """Weighted L2 logistic regression by Newton's method; column 0 is the
    bias.  Columns are standardised and clipped as ds_logit_prob does.
    Returns (mean, sd, coef)."""
    d = len(X[0])
    W = sum(w)
    mean = [0.0] * d
    sd = [1.0] * d
    for j in range(1, d):
        mu = sum(wi * x[j] for x, wi in zip(X, w)) / W
        var = sum(wi * (x[j] - mu) ** 2 for x, wi in zip(X, w)) / W
        mean[j] = mu
        sd[j] = math.sqrt(var) if var > 1e-12 else 1.0
    Z = [[1.0] + [clip((x[j] - mean[j]) / sd[j]) for j in range(1, d)] for x in X]
    coef = [0.0] * d
    for _ in range(25):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for z, yi, wi in zip(Z, y, w):
            p = sigmoid(sum(c * v for c, v in zip(coef, z)))
            r = wi * (yi - p)
            s = wi * p * (1 - p)
            for a in range(d):
                za = z[a]
                g[a] += r * za
                sa = s * za
                ha = h[a]
                for b in range(a, d):
                    ha[b] += sa * z[b]
        for a in range(d):
            for b in range(a):
                h[a][b] = h[b][a]
        for a in range(1, d):
            g[a] -= l2 * coef[a]
            h[a][a] += l2
        step = solve(h, g)
        coef = [c + s for c, s in zip(coef, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return mean, sd, coef


def logit_of(x, mean, sd, coef):
    z = coef[0]
    for j in range(1, len(x)):
        if coef[j]:
            z += coef[j] * clip((x[j] - mean[j]) / sd[j])
    return z


def prob(x, mean, sd, coef):
    return sigmoid(logit_of(x, mean, sd, coef))


def read_model(path, kind):
    """Rows 'coef KIND FEATURE MEAN SD COEF' of a TSV -> {feature: (m, s, c)}."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            if len(c) == 6 and c[0] == "coef" and c[1] == kind:
                out[c[2]] = (float(c[3]), float(c[4]), float(c[5]))
    return out


def model_rows(kind, names, mean, sd, coef):
    return ["coef\t%s\t%s\t%.9g\t%.9g\t%.9g" % (kind, n, mean[i], sd[i], coef[i])
            for i, n in enumerate(names)]


def has_trees(path):
    """True when the slot model of the scorer TSV is gradient-boosted trees
    (they decide; their log-odds come from 'despin scorer slot-logits')."""
    with open(path, encoding="utf-8") as f:
        return any(line.startswith("trees\tslot\t") for line in f)


def read_logits(path, rows):
    """Each row's slot log-odds from 'despin scorer slot-logits' output,
    matched by article, start and end."""
    by = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            by[(c[0], c[1], c[2])] = float(c[3])
    out = []
    for r in rows:
        c = r[3].split("\t", 4)
        k = (c[1], c[2], c[3])
        if k not in by:
            sys.exit("fit_solo: no slot log-odds for %s %s-%s in %s" % (k + (path,)))
        out.append(by[k])
    return out


def despin_logits(despin, model, slots, rows):
    """The log-odds the slot model of the TSV model gives rows (read from
    the labelled slots file slots), computed by despin."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "logits.tsv")
        subprocess.run([despin, "scorer", "slot-logits", "--slot-model", model, "-o", out,
                        slots], check=True, stdout=subprocess.DEVNULL)
        return read_logits(out, rows)


def slot_logits(rows, sm, idx):
    """The slot model's log-odds of each row (label, article, x)."""
    out = []
    for r in rows:
        x = r[2]
        z = 0.0
        for n, (m, s, k) in sm.items():
            if k and n in idx:
                z += k * (1.0 if n == "bias" else clip((x[idx[n]] - m) / s))
        out.append(z)
    return out


def flag_x(rows, zs, idx):
    """The flag model's features of every row, from the slot log-odds zs:
    the slot's own and what the rest of its article says."""
    by_art = {}
    for i, r in enumerate(rows):
        by_art.setdefault(r[1], []).append(i)
    X = [None] * len(rows)
    for art, ids in by_art.items():
        ps = sorted(sigmoid(zs[i]) for i in ids)
        n = len(ps)
        pmean = sum(ps) / n
        phi = sum(1 for p in ps if p > 0.5) / n
        top = n // 10 + 1
        ptop = sum(ps[n - top:]) / top
        for i in ids:
            x = rows[i][2]
            X[i] = [1.0, max(-8.0, min(8.0, zs[i])), x[idx["gain"]], x[idx["logw"]], pmean, phi,
                    ptop, x[idx["loglen"]], x[idx["multi"]]]
    return X


def thinned(n, y):
    """Every positive; the negatives thinned to at most 3 per positive,
    weighted back: [(row, weight)]."""
    pos = sum(y[i] for i in n)
    neg = len(n) - pos
    keep = max(1, int(math.ceil(neg / max(1, 3 * pos))))
    out, k = [], 0
    for i in n:
        if y[i]:
            out.append((i, 1.0))
        else:
            k += 1
            if k % keep == 0:
                out.append((i, float(keep)))
    return out


def fit_flags(X, y, rows):
    sel = thinned(rows, y)
    return logit_fit([X[i] for i, _ in sel], [y[i] for i, _ in sel], [w for _, w in sel], 1.0)


def fit_temperature(z, y, w):
    """(a, b) of p = sigmoid(a z + b) by weighted maximum likelihood."""
    a, b = 1.0, 0.0
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for zi, yi, wi in zip(z, y, w):
            p = sigmoid(a * zi + b)
            r = wi * (yi - p)
            s = wi * p * (1 - p)
            ga += r * zi
            gb += r
            haa += s * zi * zi
            hab += s * zi
            hbb += s
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if abs(da) < 1e-7 and abs(db) < 1e-7:
            break
    return a, b


def deciles(ps, y):
    """'right/all' per tenth of p."""
    bins = [[0, 0] for _ in range(10)]
    for p, lab in zip(ps, y):
        b = min(9, int(p * 10))
        bins[b][0] += 1
        bins[b][1] += lab
    return " ".join("%d/%d" % (b[1], b[0]) for b in bins)


FLAG_FLOOR_Z = math.log(0.2 / 0.8)  # log-odds of 0.2, under DS_FLAG_MIN_P


def families_of(bench):
    """Article path -> (spinner family, domain), from BENCH/manifest.jsonl;
    a clean article's family is None."""
    out = {}
    with open(os.path.join(bench, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out[os.path.join(bench, r["file"])] = (r.get("thesaurus") or r.get("family"),
                                                   r.get("domain"))
    return out


def held_out_logits(rows, y, zs, idx, head, bench, despin):
    """Flag log-odds of slots from models that never saw their spinner, or
    never saw their domain, the shifts detection meets: in each fold one
    spinner family, or one domain, is left out of the slot and the flag
    model's fit, and the slots of the spins left out are judged (a flag is
    shown in a text judged spun: its probability is that of a slot of a
    spin).  Each fold's flag model is fitted as the whole one is, on the
    slot log-odds zs (out of fold for trees); the slots judged take theirs
    from trees fitted without their family or domain.  Returns
    ([(row, logit)], folds)."""
    fam = families_of(bench)
    spins = sorted({fam[r[1]][0] for r, lab in zip(rows, y) if lab and r[1] in fam})
    doms = sorted({fam[r[1]][1] for r in rows if r[1] in fam and fam[r[1]][1]})
    if len(spins) < 3 or len(doms) < 3:
        return None, []
    key = [fam.get(r[1], (None, None)) for r in rows]
    folds = [(t, None) for t in spins] + [(None, d) for d in doms]
    out = []
    Xz = flag_x(rows, zs, idx)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "slots.tsv")
        dst = os.path.join(tmp, "slot.tsv")
        part = os.path.join(tmp, "test.tsv")
        for t, d in folds:
            out_fold = [(t is None or ti == t) and (d is None or di == d) for ti, di in key]
            train = [i for i, o in enumerate(out_fold) if not o]
            fit = train[::3]  # a third of the slots is plenty for a fold
            test = [i for i, k in enumerate(key) if out_fold[i] and k[0] is not None]
            with open(src, "w", encoding="utf-8") as f:
                f.write(head)
                for i in train:
                    f.write(rows[i][3])
            subprocess.run([despin, "scorer", "fit-slots", "--l2", "1", "-o", dst, src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            mean, sd, coef = fit_flags(Xz, y, fit)
            # the judged slots are whole articles: their rows alone
            with open(part, "w", encoding="utf-8") as f:
                f.write(head)
                for i in test:
                    f.write(rows[i][3])
            sub = [rows[i] for i in test]
            Xt = flag_x(sub, despin_logits(despin, dst, part, sub), idx)
            out += [(i, logit_of(Xt[k], mean, sd, coef)) for k, i in enumerate(test)]
    return out, [t or d for t, d in folds]


def cmd_flags(args):
    """flags --slot-model SLOT.tsv [--bench DIR --despin D] SLOTS-LABELLED.tsv"""
    opt = {}
    rest = []
    i = 0
    while i < len(args):
        if args[i] in ("--slot-model", "--slot-logits", "--bench", "--despin"):
            opt[args[i]] = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    sm = read_model(opt["--slot-model"], "slot")
    rows = []
    with open(rest[-1], encoding="utf-8") as f:
        head = f.readline()
        names = head.rstrip("\n").split("\t")[4:]
        idx = {n: i for i, n in enumerate(names)}
        for line in f:
            c = line.rstrip("\n").split("\t")
            rows.append((int(c[0]), c[1], [float(v) for v in c[4:]], line))
    y = [r[0] for r in rows]
    if "--slot-logits" in opt:
        zs = read_logits(opt["--slot-logits"], rows)
    elif has_trees(opt["--slot-model"]):
        sys.exit("fit_solo: %s holds trees: give their log-odds with --slot-logits "
                 "(despin scorer slot-logits)" % opt["--slot-model"])
    else:
        zs = slot_logits(rows, sm, idx)
    X = flag_x(rows, zs, idx)
    mean, sd, coef = fit_flags(X, y, range(len(rows)))
    sys.stderr.write("fit_solo: flag model on %d slots (%d spun); by decile of p: %s\n"
                     % (len(y), sum(y), deciles([prob(x, mean, sd, coef) for x in X], y)))
    # a flag's probability must hold for a spinner or a domain the fit
    # never saw: a temperature (and shift) of the log-odds, fitted on the
    # slots of spins judged by models fitted without their family or domain
    if "--bench" in opt and "--despin" in opt:
        oof, folds = held_out_logits(rows, y, zs, idx, head, opt["--bench"], opt["--despin"])
        if not oof:
            sys.stderr.write("fit_solo: flags not tempered: %s names fewer than 3 spinner "
                             "families or 3 domains among these slots' articles\n"
                             % os.path.join(opt["--bench"], "manifest.jsonl"))
        else:
            yo = [y[i] for i, _ in oof]
            # fitted where flags are: slots the models give 0.2 or more
            sel = [(j, w) for j, w in thinned(range(len(oof)), yo) if oof[j][1] >= FLAG_FLOOR_Z]
            a, b = fit_temperature([oof[j][1] for j, _ in sel], [yo[j] for j, _ in sel],
                                   [w for _, w in sel])
            a = max(0.2, min(1.5, a))
            sys.stderr.write("fit_solo: %d folds, each a spinner family or a domain left out "
                             "(%s); judged slots of spins by decile of p: %s\n"
                             % (len(folds), " ".join(folds), deciles([sigmoid(z) for _, z in oof], yo)))
            sys.stderr.write("fit_solo: temperature %.3f, shift %.3f; the same slots: %s\n"
                             % (1 / a, b, deciles([sigmoid(a * z + b) for _, z in oof], yo)))
            coef = [a * coef[0] + b] + [a * c for c in coef[1:]]
    out = model_rows("flag", FLAG_FEATS, mean, sd, coef)
    sys.stdout.write("\n".join(out) + "\n")


ART_MIN_P = 0.5  # flags counted by the article model (DS_SC_ARTICLE_MIN_P)


def rate_z(k, n, q):
    """The z-score of k of n against the rate q, clipped (solocal.c)."""
    if not q > 0 or not n:
        return 0.0
    return max(-10.0, min(10.0, (k / n - q) / math.sqrt(q * (1 - q) / n)))


def art_x(base, words, ps, rates, r):
    ps = [p for p in ps if p >= ART_MIN_P]
    b = -10.0 if base <= 0 else 10.0 if base >= 1 else math.log(base / (1 - base))
    b = max(-10.0, min(10.0, b))
    ll = math.log1p(words)
    return [1.0, b, ll, b * ll, (sum(ps) / words) if words else 0.0,
            math.log1p(sum(1 for p in ps if p >= 0.8)), max(ps) if ps else 0.0,
            rate_z(r.get("out_of_place", 0), r.get("content_words", 0), rates[0]),
            rate_z(r.get("unseen_pairs", 0), r.get("common_pairs", 0), rates[1])]


def clean_rate(recs, lab, part, whole):
    """The share part / whole over the clean texts of recs."""
    n = sum(r.get(whole, 0) for r in recs if not lab[r["file"]])
    k = sum(r.get(part, 0) for r in recs if not lab[r["file"]])
    return k / n if n else 0.0


def cmd_article(args):
    flags = args[args.index("--flags") + 1]
    rest = [a for i, a in enumerate(args) if a != "--flags" and (i == 0 or args[i - 1] != "--flags")]
    scan, labels = rest[-2], rest[-1]
    lab = {}
    with open(labels, encoding="utf-8") as f:
        for line in f:
            c = line.rstrip("\n").split("\t")
            lab[c[1]] = int(c[0])
    recs = []
    with open(scan, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["file"] in lab:
                recs.append(r)
    # the rates of out-of-place content words and of unseen common-word
    # pairs in clean text
    base_rates = (clean_rate(recs, lab, "out_of_place", "content_words"),
             clean_rate(recs, lab, "unseen_pairs", "common_pairs"))
    X, y, words, kinds = [], [], [], []
    for r in recs:
        kinds.append("paragraph" if "/paragraphs/" in r["file"] else "article")
        ps = [s["p"] for s in r["substitutions"] if s.get("evidence") == "model" and "p" in s]
        X.append(art_x(r["score"], r["words"], ps, base_rates, r))
        y.append(lab[r["file"]])
        words.append(r["words"])
    # short texts weigh as much as long ones: each class weighted to equal totals
    pos = sum(y)
    neg = len(y) - pos
    w = [(0.5 / pos if v else 0.5 / neg) * len(y) for v in y]
    mean, sd, coef = logit_fit(X, y, w, 1.0)
    ps = [prob(x, mean, sd, coef) for x in X]
    # the threshold keeps each kind of clean text of 40 words or more within
    # the aim on its own: clean paragraphs, and whole articles (clean ones
    # and human rewrites of a source), which are rarer but harder
    thr = 0.5
    for kind in set(kinds):
        clean = sorted(p for p, v, n, k in zip(ps, y, words, kinds) if not v and n >= 40 and k == kind)
        if clean:
            k = int(math.floor(len(clean) * (1 - FP_AIM)))
            thr = max(thr, clean[min(k, len(clean) - 1)] + 1e-4)
    thr = min(thr, 0.99)
    # false positives by length band at that threshold; min_words: the
    # shortest band from which every band (with texts) stays within the aim
    rates = []
    for lo, hi in zip(BANDS, BANDS[1:]):
        c = [p for p, v, n in zip(ps, y, words) if not v and lo <= n < hi]
        s = [p for p, v, n in zip(ps, y, words) if v and lo <= n < hi]
        fp = sum(1 for p in c if p >= thr) / len(c) if c else None
        det = sum(1 for p in s if p >= thr) / len(s) if s else None
        rates.append((lo, fp, len(c), det))
    # min_words: the shortest band edge L from which the clean texts of L
    # words or more stay within the aim (bands of a few dozen texts alone
    # are too noisy to judge on)
    min_words = BANDS[-2]
    for lo in BANDS[:-1]:
        c = [p for p, v, n in zip(ps, y, words) if not v and n >= lo]
        if c and sum(1 for p in c if p >= thr) / len(c) <= FP_AIM:
            min_words = lo
            break
    min_words = max(min_words, 8)
    out = ["despin-solo\t3"]
    with open(flags, encoding="utf-8") as f:
        out += [l.rstrip("\n") for l in f if l.startswith("coef\tflag\t")]
    out += model_rows("article", ART_FEATS, mean, sd, coef)
    out.append("threshold\t%.6f" % thr)
    out.append("min_words\t%d" % min_words)
    if base_rates[0] > 0:
        out.append("anom_rate\t%.6f" % base_rates[0])
    if base_rates[1] > 0:
        out.append("unseen_rate\t%.6f" % base_rates[1])
    for lo, fp, n, det in rates:
        if fp is not None:
            out.append("fp_by_length\t%d\t%.4f" % (lo, fp))
    sys.stdout.write("\n".join(out) + "\n")
    sys.stderr.write("fit_solo: article model on %d texts (%d spun), threshold %.3f, min_words %d\n"
                     % (len(y), pos, thr, min_words))
    for lo, fp, n, det in rates:
        sys.stderr.write("fit_solo:   %4d+ words: clean %3d, false positives %s, detected %s\n"
                         % (lo, n, "-" if fp is None else "%.3f" % fp,
                            "-" if det is None else "%.2f" % det))


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("flags", "article"):
        sys.exit(__doc__)
    (cmd_flags if sys.argv[1] == "flags" else cmd_article)(sys.argv[2:])


if __name__ == "__main__":
    main()
