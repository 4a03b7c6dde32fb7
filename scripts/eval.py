#!/usr/bin/env python3
"""Leave-one-family-out evaluation of despin on the benchmark
(scripts/gen_bench.py).  See docs/README-bench.md.

  scripts/eval.py [--despin build/despin] [--bench corpus/bench] [--models models]
                  [-j 2] [--quick] [--train-cap N] [--test-pos N] [--test-neg N]
                  [--work DIR] [--only DIM] [--json OUT.json] [--results OUT.json]
                  [--rescan] [--report-from RESULTS.json]

Every article of the benchmark belongs to a family in each of three
dimensions: its spinner (thesaurus family, round trip, context-aware
spinner), the spinner's sense policy, and the domain of its text.  For each
family of each dimension, one fold:

  - the scorer is fitted, through scripts/fit_scorer.sh (the one entry point
    that fits what the detector fits), on train-split articles of every
    other family of that dimension (spinner and policy folds) or of every
    other domain (domain folds, which also hold out the domain's clean
    texts and edits);
  - the detector, with a models directory of the fold's scorer and links to
    the other models, scans the held-out family's test articles and the
    test negatives (clean texts and edits of the test split; for domain
    folds, as many of each held-out domain, and the context-aware
    spinner's copies left out of the positives), once with sources found
    through an index of
    every benchmark source and clean text, once solo.

It prints one table per dimension and mode (ROC AUC, detection rate, false
positives), the minimum over families as the headline (the context-aware
spinner is reported but left out of it), and flag-level figures over every
fold's held-out articles: precision and recall of flagged spans, share of
right originals, and a reliability table of per-flag confidence, with
source-backed and model flags apart.  The confidence of a flag is its `p`
when the detector gives one, else its `gain` (log10 LM gain of the
original), binned.

Below each dimension's table, the issue's per-rate goals: detection of
spins at about 10% substitutions (rate < 0.175), from 25% and of round
trips, and false positives by kind of negative (rewrites; copy edits and
republications; clean texts), per held-out family, the worst family and
the pooled share; then detection by the share of the article's words the
spinner replaced (under 2%, 2-5%, 5-10%, from 10%), which the rate setting
does not say.  --results keeps every article's result so that
--report-from prints the tables again; --rescan scans with the folds'
models an earlier run left in --work (the detector changed, not what it
is fitted on).
"""
import argparse
import concurrent.futures
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import bench_pairs  # noqa: E402
from gen_bench import domain_of  # noqa: E402
from slot_cache import lm_name  # noqa: E402
DIMS = ("spinner", "policy", "domain")
NOT_IN_MIN = {"context"}          # reported, not part of the headline minimum


def auc(pos, neg):
    """ROC AUC by the rank-sum (Mann-Whitney) statistic."""
    if not pos or not neg:
        return float("nan")
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    rsum, i = 0.0, 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        rank = (i + j + 1) / 2.0
        rsum += rank * sum(1 for k in range(i, j) if allv[k][1] == 1)
        i = j
    return (rsum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))


def families(rec):
    """{dimension: family or None} of a manifest record."""
    f = {"domain": rec.get("domain") or domain_of(rec.get("origin"))}
    if rec["label"] == "spun":
        f["spinner"] = rec.get("family") or rec.get("thesaurus") or \
            ("roundtrip" if rec["kind"] == "roundtrip" else rec["kind"])
        f["policy"] = rec.get("policy") if f["spinner"] not in ("context", "roundtrip") else None
    else:
        f["spinner"] = f["policy"] = None
    return f


def read_manifest(bench):
    """The benchmark's records, each with its families ("fam")."""
    recs = []
    with open(os.path.join(bench, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            r["fam"] = families(r)
            r["path"] = os.path.join(bench, r["file"])
            recs.append(r)
    return recs


def rank_key(*parts):
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def pairs_lines(rec, bench):
    label = 1 if rec["label"] == "spun" else 0
    art = os.path.join(bench, rec["file"])
    out = ["%d\t%s\t-\n" % (label, art)]
    if rec.get("source"):
        out.append("%d\t%s\t%s\n" % (label, art, os.path.join(bench, rec["source"])))
    return out


# Families held out together (one fold, one fitted scorer, a row each):
# thesauri built from WordNet (mythes is derived from it, the hand list falls
# back to mythes), the two pivot dictionaries, the Brown genres, the eras of
# the State of the Union.  Any other family is a fold of its own.
GROUPS = {"spinner": [{"wordnet", "mythes", "handlist"}, {"pivot-spa", "pivot-epo"}],
          "domain": [{"nonfiction", "fiction"}, {"sotu-19c", "sotu-20c"}]}


def make_folds(recs, a):
    """[(dim, fold name, held-out families, train_recs, test_recs)]"""
    folds = []
    for dim in DIMS:
        if a.only and dim not in a.only.split(","):
            continue
        fams = sorted({r["fam"][dim] for r in recs if r["fam"][dim]})
        groups = []
        for g in GROUPS.get(dim, ()):
            if g & set(fams):
                groups.append(sorted(g & set(fams)))
        grouped = set(sum(groups, []))
        groups += [[f] for f in fams if f not in grouped]
        for held in groups:
            fam = "+".join(held)
            if dim == "domain":
                train = [r for r in recs if r["split"] == "train" and r["fam"]["domain"] not in held]
                test = [r for r in recs if r["fam"]["domain"] in held]
            else:
                train = [r for r in recs if r["split"] == "train" and r["fam"][dim] not in held]
                test = [r for r in recs if r["split"] == "test" and
                        (r["fam"][dim] in held or r["label"] == "clean")]
            # a spin that changed no word is its source's text: no positive to learn
            train = [r for r in train if not unchanged(r)]
            # the same articles lead every fold's ranking, so the folds share
            # most training articles (and their cached slot rows)
            train.sort(key=lambda r: rank_key("train", r["file"]))
            pos = [r for r in train if r["label"] == "spun"][:a.train_cap // 2]
            neg = [r for r in train if r["label"] == "clean"][:a.train_cap - len(pos)]
            test.sort(key=lambda r: rank_key("test", dim, fam, r["file"]))
            tpos, tneg = [], []
            for h in held:
                # the context-aware spinner is reported apart (its own
                # spinner fold), not in a domain's positives
                tpos += [r for r in test if r["label"] == "spun" and r["fam"][dim] == h and
                         (dim != "domain" or r["fam"]["spinner"] not in NOT_IN_MIN)][:a.test_pos]
            if dim == "domain":
                # a domain's spins are judged against negatives of that
                # domain: as many for each held-out domain of the fold
                for h in held:
                    tneg += [r for r in test if r["label"] == "clean" and
                             r["fam"]["domain"] == h][:a.test_neg]
            else:
                tneg = [r for r in test if r["label"] == "clean"][:a.test_neg]
            if not tpos or len({r["label"] for r in pos + neg}) < 2:
                continue
            folds.append((dim, fam, held, pos + neg, tpos + tneg))
    return folds


def scan(despin, models, files, extra):
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".lst") as lst:
        pass
    p = subprocess.run([despin, "scan", "--format", "json", "--all", "--models", models, "-j", "1"]
                       + extra + files, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.unlink(lst.name)
    if p.returncode not in (0, 1):
        raise RuntimeError("despin scan failed (%d): %s" % (p.returncode, p.stderr[-2000:]))
    res = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        res[r["file"]] = r
    return res


def run_fold(fold, a, work, index):
    dim, fam, held, train, test = fold
    d = os.path.join(work, "fold-%s-%s" % (dim, fam))
    if a.rescan:
        if not os.path.exists(os.path.join(d, "models", "scorer.bin")):
            return None          # not fitted by the earlier run
        return scan_fold(fold, a, d, index, 0.0, time.time())
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "models"))
    t0 = time.time()
    with open(os.path.join(d, "train.tsv"), "w", encoding="utf-8") as f:
        for r in train:
            f.writelines(pairs_lines(r, a.bench))
    p = subprocess.run([os.path.join(HERE, "fit_scorer.sh"), "--despin", a.despin,
                        "--bench", a.bench, "--models", a.models,
                        "--pairs", os.path.join(d, "train.tsv"),
                        "--out", os.path.join(d, "scorer.tsv"),
                        "--cache", os.path.join(work, "cache")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("fit_scorer.sh failed for %s=%s: %s" % (dim, fam, p.stderr[-2000:]))
    mdir = os.path.join(d, "models")
    for n in os.listdir(a.models):
        if not n.startswith("scorer.") and n != "solo.tsv":
            os.symlink(os.path.abspath(os.path.join(a.models, n)), os.path.join(mdir, n))
    # the fold's solo calibration, fitted beside its scorer
    if os.path.exists(os.path.join(d, "solo.tsv")):
        shutil.copy(os.path.join(d, "solo.tsv"), os.path.join(mdir, "solo.tsv"))
    subprocess.run([a.despin, "scorer", "build", "-o", os.path.join(mdir, "scorer.bin"),
                    os.path.join(d, "scorer.tsv")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return scan_fold(fold, a, d, index, time.time() - t0, t0)


def scan_fold(fold, a, d, index, t_fit, t0):
    """Scans a fold's test articles with the fold's fitted models (in d)."""
    dim, fam, held, train, test = fold
    mdir = os.path.join(d, "models")
    files = [os.path.join(a.bench, r["file"]) for r in test]
    res_src = scan(a.despin, mdir, files, ["-i", index])
    res_solo = scan(a.despin, mdir, files, ["--solo"])
    return {"dim": dim, "fold": fam, "held": held, "n_train": len(train), "t_fit": t_fit,
            "t_all": time.time() - t0,
            "test": [r["file"] for r in test],
            "source": {r["file"]: slim(res_src.get(os.path.join(a.bench, r["file"]))) for r in test},
            "solo": {r["file"]: slim(res_solo.get(os.path.join(a.bench, r["file"]))) for r in test}}


def slim(r):
    if r is None:
        return None
    return {"verdict": r["verdict"], "score": r["score"], "source": r.get("source"),
            "subs": [{k: s.get(k) for k in ("start", "end", "original", "evidence", "gain", "p")}
                     for s in r.get("substitutions", [])]}


# ---------------------------------------------------------------------------
# Reporting

unchanged = bench_pairs.unchanged_spin


def fold_figures(fold, recs_by_file, mode, family):
    """Figures of one held-out family of a fold: its spun articles against
    the fold's negatives (of that family too, for domains)."""
    pos, neg, det, fp = [], [], 0, 0
    for f in fold["test"]:
        r = fold[mode].get(f)
        if r is None:
            continue
        rec = recs_by_file[f]
        if rec["fam"][fold["dim"]] not in (family, None) or unchanged(rec):
            continue
        if rec["label"] == "spun":
            pos.append(r["score"])
            det += r["verdict"] == "spun"
        else:
            neg.append(r["score"])
            fp += r["verdict"] == "spun"
    return {"n_pos": len(pos), "n_neg": len(neg), "auc": auc(pos, neg),
            "det": det / len(pos) if pos else float("nan"),
            "fp": fp / len(neg) if neg else float("nan")}


@functools.lru_cache(maxsize=4096)
def article_bytes(path):
    """An article's bytes, read once for both modes' flag figures."""
    with open(path, "rb") as fh:
        return fh.read()


def words_of(text):
    return " ".join(re.findall(r"[\w'\u2019-]+", text.lower()))


def flag_right(s, truth, text=None):
    """Whether a flag covers a spinner's swap, and whether its original is
    the swap's.  A flag over several swaps, or over a swap and words the
    spinner left ("accord giving" -> "treaty providing"), has the right
    original when it reads as the source did over the flag's words: each
    swap inside it put back (text: the article's bytes)."""
    hit = [t for t in truth if s["start"] < t["end"] and t["start"] < s["end"]]
    want = (s.get("original") or "").lower()
    if not hit:
        return False, False
    if any(want == (t.get("original") or "").lower() for t in hit):
        return True, True
    if text is None or not all(s["start"] <= t["start"] and t["end"] <= s["end"] for t in hit):
        return True, False
    parts, at = [], s["start"]
    for t in sorted(hit, key=lambda t: t["start"]):
        parts.append(text[at:t["start"]].decode("utf-8", "replace"))
        parts.append(t.get("original") or "")
        at = t["end"]
    parts.append(text[at:s["end"]].decode("utf-8", "replace"))
    return True, words_of("".join(parts)) == words_of(want)


def flag_figures(results, recs_by_file, mode):
    """Over the flags of articles judged spun (what a user is shown), in
    articles with word-level truth (spins) or none (clean: every flag is
    wrong); round trips have no word truth and are left out."""
    by_ev = {}
    seen = set()
    for fold in results:
        for f in fold["test"]:
            if (f, mode) in seen:
                continue
            seen.add((f, mode))
            rec = recs_by_file[f]
            r = fold[mode].get(f)
            if r is None:
                continue
            if rec["label"] == "spun" and not rec.get("substitutions"):
                continue  # round trips have no spans; unchanged spins no words
            truth = rec.get("substitutions") or []
            thes = [t for t in truth if t.get("how") != "article"]
            flagged = r["verdict"] == "spun"
            for ev in ("source", "model"):
                st = by_ev.setdefault(ev, {"pred": 0, "right": 0, "orig": 0, "truth": 0,
                                           "found": 0, "conf": []})
                subs = [s for s in r["subs"] if (s.get("evidence") == "model") == (ev == "model")]
                if flagged:
                    text = article_bytes(rec["path"]) if subs and truth else None
                    for s in subs:
                        ok, orig = flag_right(s, truth, text)
                        st["pred"] += 1
                        st["right"] += ok
                        st["orig"] += orig
                        st["conf"].append((s.get("p"), s.get("gain"), ok, orig))
            # recall counts every truth span, whichever evidence found it:
            # of articles judged spun (what a user is shown), and of all
            st = by_ev.setdefault("all", {"truth": 0, "found": 0, "truth_all": 0})
            st["truth_all"] += len(thes)
            if flagged:
                st["truth"] += len(thes)
                st["found"] += sum(1 for t in thes if any(
                    s["start"] < t["end"] and t["start"] < s["end"] for s in r["subs"]))
    return by_ev


# The per-rate goals: detection by substitution rate and of round
# trips, false positives by kind of negative, at the fitted threshold.
RATE_CLASSES = (("spin<17.5%", lambda r: r.get("rate") is not None and r["rate"] < 0.175, 0.99),
                ("spin>=25%", lambda r: r.get("rate") is not None and r["rate"] >= 0.25, 0.995),
                ("roundtrip", lambda r: r["kind"] == "roundtrip", 0.98))
NEG_CLASSES = (("rewrite", ("rewrite", "partial-rewrite"), 0.01),
               ("edit/repub", ("edit", "partial-edit", "republish"), 0.005),
               ("clean", ("clean",), None))


def goal_figures(fold, recs_by_file, mode, family, pooled=None, seen=None):
    """{class: [n, hits]} of one held-out family of a fold: its spun
    articles detected by rate class, its negatives flagged by kind; each
    (fold, article) is also added once to pooled."""
    fig = {c: [0, 0] for c, _, _ in RATE_CLASSES + NEG_CLASSES}
    for f in fold["test"]:
        r = fold[mode].get(f)
        rec = recs_by_file[f]
        if r is None or rec["fam"][fold["dim"]] not in (family, None) or unchanged(rec):
            continue
        hit = r["verdict"] == "spun"
        first = seen is not None and (fold["dim"], fold["fold"], f) not in seen
        if first:
            seen.add((fold["dim"], fold["fold"], f))
        if rec["label"] == "spun":
            classes = [c for c, test, _ in RATE_CLASSES if test(rec)]
        else:
            classes = [c for c, kinds, _ in NEG_CLASSES if rec["kind"] in kinds]
        for c in classes:
            fig[c][0] += 1
            fig[c][1] += hit
            if first:
                pooled[c][0] += 1
                pooled[c][1] += hit
    return fig


def table_start(out, title, cols):
    """Writes a per-family table's title and header; returns the worst,
    pooled and seen accumulators its rows fill."""
    out.write("  %s:\n" % title)
    out.write("  %-26s" % "held-out family" + "".join("%13s" % c for c in cols) + "\n")
    return {c: None for c in cols}, {c: [0, 0] for c in cols}, set()


def goal_report(results, recs_by_file, mode, out):
    """Per held-out family: detection by rate class, false positives by
    kind; the minimum (detection) and maximum (false positives) over the
    families in the headline, and the pooled counts, against the goals."""
    classes = [c for c, _, _ in RATE_CLASSES + NEG_CLASSES]
    worst, pooled, seen = table_start(
        out, "goals by rate and kind (detected: spun articles; fp: negatives flagged)", classes)
    for f in results:
        for fam in f["held"]:
            fig = goal_figures(f, recs_by_file, mode, fam, pooled, seen)
            cells = []
            for c in classes:
                n, k = fig[c]
                cells.append("%13s" % ("%d/%d" % (k, n) if n else "-"))
                if n and fam not in NOT_IN_MIN:
                    share = k / n
                    if worst[c] is None or (share < worst[c][0] if c in dict(
                            (x, 1) for x, _, _ in RATE_CLASSES) else share > worst[c][0]):
                        worst[c] = (share, "%s=%s" % (f["dim"], fam), n)
            out.write("  %-26s" % ("%s=%s" % (f["dim"], fam))[:26] + "".join(cells) + "\n")
    goals = dict((c, g) for c, _, g in RATE_CLASSES + NEG_CLASSES)
    res = {}
    out.write("  %-26s" % "worst family" + "".join(
        "%13s" % (fmt(worst[c][0], True).strip() if worst[c] else "-") for c in classes) + "\n")
    out.write("  %-26s" % "pooled (per fold)" + "".join(
        "%13s" % (fmt(pooled[c][1] / pooled[c][0], True).strip() if pooled[c][0] else "-")
        for c in classes) + "\n")
    out.write("  %-26s" % "goal" + "".join(
        "%13s" % (("%s%s" % (">=" if c in dict((x, 1) for x, _, _ in RATE_CLASSES) else "<=",
                             fmt(goals[c], True).strip())) if goals[c] is not None else "-")
        for c in classes) + "\n")
    for c in classes:
        w = worst[c]
        res[c] = {"worst": w[0] if w else None, "worst_family": w[1] if w else None,
                  "worst_n": w[2] if w else 0, "pooled_n": pooled[c][0],
                  "pooled": pooled[c][1] / pooled[c][0] if pooled[c][0] else None,
                  "goal": goals[c]}
    return res


# The nominal rate is the spinner's setting; what it did depends on the share
# of paragraphs it touched and on its thesaurus's reach ("spin>=25%" holds
# spins that changed two words of 661).  Detection by the share of the
# article's words the spinner actually replaced shows what the rate hides.
SHARE_BINS = (("<2%", 0.0, 0.02), ("2-5%", 0.02, 0.05), ("5-10%", 0.05, 0.10),
              (">=10%", 0.10, float("inf")))


def replaced_share(rec):
    """Words inside the spinner's swaps over the article's words; None for
    articles without word-level truth (round trips)."""
    subs = rec.get("substitutions")
    if not subs or rec["kind"] == "roundtrip":
        return None
    n = len(article_bytes(rec["path"]).split())
    return sum(len(s["text"].split()) for s in subs) / n if n else None


def share_report(results, recs_by_file, mode, out):
    """Spun articles detected by the share of their words the spinner
    replaced: per held-out family, the worst family and pooled per fold."""
    names = [b for b, _, _ in SHARE_BINS]
    worst, pooled, seen = table_start(
        out, "detected by share of words replaced (the spinner's swaps / article words)", names)
    for f in results:
        for fam in f["held"]:
            fig = {b: [0, 0] for b in names}
            for a in f["test"]:
                r = f[mode].get(a)
                rec = recs_by_file[a]
                if r is None or rec["label"] != "spun" or rec["fam"][f["dim"]] != fam:
                    continue
                share = replaced_share(rec)
                if share is None:
                    continue
                b = next(b for b, lo, hi in SHARE_BINS if lo <= share < hi)
                hit = r["verdict"] == "spun"
                fig[b][0] += 1
                fig[b][1] += hit
                if (f["dim"], f["fold"], a) not in seen:
                    seen.add((f["dim"], f["fold"], a))
                    pooled[b][0] += 1
                    pooled[b][1] += hit
            for b in names:
                n, k = fig[b]
                if n and fam not in NOT_IN_MIN and (worst[b] is None or k / n < worst[b][0]):
                    worst[b] = (k / n, "%s=%s" % (f["dim"], fam), n)
            out.write("  %-26s" % ("%s=%s" % (f["dim"], fam))[:26] + "".join(
                "%13s" % ("%d/%d" % (fig[b][1], fig[b][0]) if fig[b][0] else "-")
                for b in names) + "\n")
    out.write("  %-26s" % "worst family" + "".join(
        "%13s" % (fmt(worst[b][0], True).strip() if worst[b] else "-") for b in names) + "\n")
    out.write("  %-26s" % "pooled (per fold)" + "".join(
        "%13s" % ("%d/%d" % (pooled[b][1], pooled[b][0]) if pooled[b][0] else "-")
        for b in names) + "\n")
    return {b: {"worst": worst[b][0] if worst[b] else None,
                "worst_family": worst[b][1] if worst[b] else None,
                "worst_n": worst[b][2] if worst[b] else 0,
                "pooled_n": pooled[b][0],
                "pooled": pooled[b][1] / pooled[b][0] if pooled[b][0] else None}
            for b in names}


def reliability(conf):
    """Bins of confidence -> (n, share right).  Uses p when every flag has
    one, else gain."""
    if conf and all(c[0] is not None for c in conf):
        edges = [i / 10 for i in range(11)]
        key = "p"
        vals = [(c[0], c[2]) for c in conf]
    else:
        edges = [float("-inf"), 0.5, 1, 2, 3, 4, 6, 8, float("inf")]
        key = "gain"
        vals = [(c[1] if c[1] is not None else float("-inf"), c[2]) for c in conf]
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        last = hi == edges[-1]
        sel = [ok for v, ok in vals if lo <= v < hi or (last and v == hi)]
        if sel:
            rows.append((lo, hi, len(sel), sum(sel) / len(sel)))
    return key, rows


def fmt(x, pct=False):
    if x != x:
        return "   -  "
    return "%5.1f%%" % (100 * x) if pct else "%6.3f" % x


def report(results, recs_by_file, out):
    summary = {}
    for mode, title in (("source", "with source (found through an index)"), ("solo", "solo")):
        out.write("\n== %s\n" % title)
        summary[mode] = {}
        for dim in DIMS:
            rows = [f for f in results if f["dim"] == dim]
            if not rows:
                continue
            out.write("  held-out %-10s  fold train   pos   neg    AUC   detected  false pos\n" % dim)
            inmin = []
            for k, f in enumerate(rows):
                for fam in f["held"]:
                    fig = fold_figures(f, recs_by_file, mode, fam)
                    f.setdefault("figures", {}).setdefault(mode, {})[fam] = fig
                    out.write("  %-19s %4d %5d %5d %5d %s  %s    %s%s\n" % (
                        fam, k + 1, f["n_train"], fig["n_pos"], fig["n_neg"], fmt(fig["auc"]),
                        fmt(fig["det"], True), fmt(fig["fp"], True),
                        "   (not in the minimum)" if fam in NOT_IN_MIN else ""))
                    if fam not in NOT_IN_MIN and fig["n_pos"]:
                        inmin.append(fig)
            m = {"auc": min((x["auc"] for x in inmin if x["auc"] == x["auc"]), default=float("nan")),
                 "det": min((x["det"] for x in inmin if x["det"] == x["det"]), default=float("nan")),
                 "fp": max((x["fp"] for x in inmin if x["fp"] == x["fp"]), default=float("nan"))}
            summary[mode][dim] = m
            out.write("  %-19s %s%s  %s    %s\n" % ("minimum", " " * 18, fmt(m["auc"]),
                                                  fmt(m["det"], True), fmt(m["fp"], True)))
        allm = list(summary[mode].values())
        summary[mode]["all"] = {
            "auc": min((x["auc"] for x in allm), default=float("nan")),
            "det": min((x["det"] for x in allm), default=float("nan")),
            "fp": max((x["fp"] for x in allm), default=float("nan"))}
        summary[mode]["goals"] = goal_report(results, recs_by_file, mode, out)
        summary[mode]["by_share"] = share_report(results, recs_by_file, mode, out)
        h = summary[mode]["all"]
        out.write("  HEADLINE %s: minimum over families AUC %s, detected %s; "
                  "worst false positives %s\n" % (mode, fmt(h["auc"]).strip(),
                                                  fmt(h["det"], True).strip(),
                                                  fmt(h["fp"], True).strip()))
        ff = flag_figures(results, recs_by_file, mode)
        out.write("  flags (articles judged spun; round trips left out):\n")
        for ev in ("source", "model"):
            st = ff.get(ev)
            if not st or not st["pred"]:
                out.write("    %-6s flags: none\n" % ev)
                continue
            out.write("    %-6s flags %6d  precision %.3f  originals right %.3f\n" % (
                ev, st["pred"], st["right"] / st["pred"], st["orig"] / st["pred"]))
            key, rows = reliability(st["conf"])
            out.write("      reliability by %s%s:\n" % (
                key, "" if key == "p" else " (flags carry no p: log10 LM gain of the original)"))
            for lo, hi, n, share in rows:
                out.write("        %6s .. %-6s %6d flags  %5.1f%% right\n" % (
                    "%.1f" % lo if lo != float("-inf") else "-inf",
                    "%.1f" % hi if hi != float("inf") else "inf", n, 100 * share))
            if key == "p":
                # what restore puts back by default
                hi = [c for c in st["conf"] if c[0] >= 0.8]
                out.write("      at p >= 0.8 (restore's default): %d flags, %d right, %d with "
                          "the right original\n" % (len(hi), sum(c[2] for c in hi),
                                                      sum(c[3] for c in hi)))
            summary[mode]["flags_" + ev] = {"n": st["pred"], "precision": st["right"] / st["pred"],
                                            "originals": st["orig"] / st["pred"],
                                            "reliability": {"by": key, "bins": rows}}
        al = ff.get("all", {"truth": 0, "found": 0, "truth_all": 0})
        rec_ = al["found"] / al["truth"] if al["truth"] else float("nan")
        rec_all = al["found"] / al["truth_all"] if al["truth_all"] else float("nan")
        summary[mode]["span_recall"] = rec_
        summary[mode]["span_recall_all"] = rec_all
        out.write("    span recall (spinner's words flagged in articles judged spun, any "
                  "evidence): %s of %d\n" % (fmt(rec_), al["truth"]))
        out.write("    (of every spun article's words, missed articles included: %s of %d)\n" %
                  (fmt(rec_all), al["truth_all"]))
    return summary


def write_report(results, recs_by_file, a, n_recs, t0):
    """The tables of finished folds, and their JSON when asked for."""
    n_art = len({f for res in results for f in res["test"]})
    sys.stdout.write("despin leave-one-family-out evaluation: %d folds, %d benchmark "
                     "articles (%d distinct test articles), training cap %d per fold%s; "
                     "language model %s\n"
                     % (len(results), n_recs, n_art, a.train_cap,
                        " (EVAL_QUICK)" if a.quick else "", lm_name(a.models)))
    summary = report(results, recs_by_file, sys.stdout)
    if t0 is not None:
        sys.stdout.write("\neval: %.0f s in all\n" % (time.time() - t0))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"summary": summary,
                       "folds": [{k: v for k, v in x.items() if k not in ("source", "solo", "test")}
                                 for x in results]}, f, indent=1, default=str)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--models", default="models")
    ap.add_argument("-j", type=int, default=2, help="folds run at once (at most 2 on a shared machine)")
    ap.add_argument("--quick", action="store_true", help="small folds (EVAL_QUICK=1): a few minutes")
    ap.add_argument("--train-cap", type=int)
    ap.add_argument("--test-pos", type=int)
    ap.add_argument("--test-neg", type=int)
    ap.add_argument("--work", help="keep fold files and the slot cache here (default: a temporary dir)")
    ap.add_argument("--only", help="comma-separated dimensions to run")
    ap.add_argument("--json", help="write the per-fold figures and the summary here")
    ap.add_argument("--list-folds", action="store_true", help="print the folds and their sizes, run nothing")
    ap.add_argument("--results", help="write every fold's per-article results here (JSON), "
                    "for --report-from")
    ap.add_argument("--rescan", action="store_true",
                    help="scan again with the folds' models fitted by an earlier run in --work")
    ap.add_argument("--report-from", help="print the tables of results saved by --results, run nothing")
    a = ap.parse_args()
    if a.train_cap is None:
        # thousands: every training article of a fold, up to 1,000 spun
        a.train_cap = 100 if a.quick else 2000
    if a.test_pos is None:
        a.test_pos = 25 if a.quick else 100
    if a.test_neg is None:
        a.test_neg = 40 if a.quick else 120
    t0 = time.time()
    recs = read_manifest(a.bench)
    recs_by_file = {r["file"]: r for r in recs}
    if a.report_from:
        with open(a.report_from, encoding="utf-8") as f:
            results = json.load(f)
        write_report(results, recs_by_file, a, len(recs), None)
        return
    folds = make_folds(recs, a)
    if a.list_folds:
        for dim, name, held, train, test in folds:
            print("%-8s %-28s train %4d  test %4d spun, %4d clean" % (
                dim, name, len(train), sum(r["label"] == "spun" for r in test),
                sum(r["label"] == "clean" for r in test)))
        return
    work = a.work or tempfile.mkdtemp(prefix="despin-eval.")
    os.makedirs(work, exist_ok=True)
    try:
        # the index of every source and clean text, shared by the folds
        index = os.path.join(work, "sources.db")
        if os.path.exists(index):
            os.unlink(index)
        clean = [os.path.join(a.bench, r["file"]) for r in recs if r["kind"] == "clean"]
        srcdir = os.path.join(a.bench, "sources")
        subprocess.run([a.despin, "index", "add", "-i", index, srcdir] + clean, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # slot rows of every fold's training articles, computed once, in two halves
        union = {}
        for _, _, _, train, _ in folds:
            for r in train:
                union[r["file"]] = r
        solo = ["%d\t%s\t-\n" % (1 if r["label"] == "spun" else 0, os.path.join(a.bench, r["file"]))
                for r in union.values()]
        halves = [solo[0::2], solo[1::2]] if a.j > 1 else [solo]
        if a.rescan:
            halves = []          # the folds' models are fitted already
        procs = []
        for k, h in enumerate(halves):
            path = os.path.join(work, "warm%d.tsv" % k)
            with open(path, "w", encoding="utf-8") as f:
                f.writelines(h)
            if h:
                procs.append(subprocess.Popen(
                    [sys.executable, os.path.join(HERE, "slot_cache.py"), "--despin", a.despin,
                     "--models", a.models, "--cache", os.path.join(work, "cache"), path],
                    stdout=subprocess.DEVNULL))
        for p in procs:
            if p.wait() != 0:
                sys.exit("eval: slot rows failed")
        t_warm = time.time() - t0
        sys.stderr.write("eval: %d folds, %d training articles in all, slot rows in %.0f s\n"
                         % (len(folds), len(union), t_warm))
        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(2, a.j))) as ex:
            futs = {ex.submit(run_fold, fold, a, work, index): fold for fold in folds}
            for fu in concurrent.futures.as_completed(futs):
                res = fu.result()
                if res is None:
                    continue
                sys.stderr.write("eval: fold %s=%s: fit %.0f s, all %.0f s\n" %
                                 (res["dim"], res["fold"], res["t_fit"], res["t_all"]))
                results.append(res)
        if not results:
            sys.exit("eval: no fold to report")
        order = {(d, f): i for i, (d, f, _, _, _) in enumerate(folds)}
        results.sort(key=lambda x: order[(x["dim"], x["fold"])])
        if a.results:
            with open(a.results, "w", encoding="utf-8") as f:
                json.dump(results, f, default=str)
        write_report(results, recs_by_file, a, len(recs), t0)
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
