#!/usr/bin/env python3
"""Evaluates despin on the test split of the benchmark (scripts/gen_bench.py).

  scripts/eval.py [--despin build/despin] [--bench corpus/bench] [-j 2]

Two runs over the same test articles: with sources (an index of every
benchmark source and clean article, so the source must also be found) and
solo (--solo).  For each: detection rate per kind and substitution rate,
false positives on legitimate edits and on clean unrelated articles, ROC
AUC, and for spun copies the precision and recall of the flagged spans
against the spinner's ground truth, and the share of proposed originals that
are right.  Also the throughput of each run.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def auc(pos, neg):
    """ROC AUC by the rank-sum (Mann-Whitney) statistic."""
    if not pos or not neg:
        return float("nan")
    allv = sorted([(v, 1) for v in pos] + [(v, 0) for v in neg])
    ranks = {}
    i = 0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        for k in range(i, j):
            ranks.setdefault(k, (i + j + 1) / 2.0)
        i = j
    rsum = sum(ranks[k] for k, (v, lab) in enumerate(allv) if lab == 1)
    return (rsum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg))


def run_scan(despin, args, files):
    with tempfile.NamedTemporaryFile("w", delete=False) as lst:
        pass
    t0 = time.time()
    p = subprocess.run([despin, "scan", "--format", "json", "--all"] + args + files,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.time() - t0
    os.unlink(lst.name)
    if p.returncode not in (0, 1):
        sys.stderr.write(p.stderr)
        sys.exit("eval: despin scan failed (%d)" % p.returncode)
    res = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        res[r["file"]] = r
    return res, dt


def spans(rec, res):
    truth = [(s["start"], s["end"], s["original"].lower()) for s in rec.get("substitutions", [])]
    pred = [(s["start"], s["end"], s["original"].lower()) for s in res.get("substitutions", [])]
    tp = sum(1 for p in pred if any(p[0] < t[1] and t[0] < p[1] for t in truth))
    found = sum(1 for t in truth if any(p[0] < t[1] and t[0] < p[1] for p in pred))
    right = sum(1 for p in pred for t in truth
                if p[0] < t[1] and t[0] < p[1] and p[2] == t[2])
    return len(pred), tp, len(truth), found, right


def report(name, recs, res, dt):
    by = {}
    pos, neg = [], []
    sp = [0, 0, 0, 0, 0]
    missing = 0
    for rec, path in recs:
        r = res.get(path)
        if r is None:
            missing += 1
            continue
        key = rec["kind"] + ("@%.2f" % rec["rate"] if rec.get("rate") else "")
        flagged = r["verdict"] == "spun"
        n, k = by.get(key, (0, 0))
        by[key] = (n + 1, k + flagged)
        (pos if rec["label"] == "spun" else neg).append(r["score"])
        if rec["kind"] == "spin":
            for i, v in enumerate(spans(rec, r)):
                sp[i] += v
    print("== %s: %d articles in %.1f s (%.0f articles/s)%s" %
          (name, len(recs), dt, len(recs) / dt if dt else 0,
           ", %d missing" % missing if missing else ""))
    for key in sorted(by):
        n, k = by[key]
        what = "false positives" if key in ("edit", "clean") else "detected"
        print("  %-16s %4d articles  %s %5.1f%%" % (key, n, what, 100.0 * k / n))
    print("  ROC AUC          %.4f" % auc(pos, neg))
    if sp[0] or sp[2]:
        print("  spans            precision %.3f  recall %.3f  originals right %.3f"
              % (sp[1] / sp[0] if sp[0] else 0, sp[3] / sp[2] if sp[2] else 0,
                 sp[4] / sp[1] if sp[1] else 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("-j", default="2")
    ap.add_argument("--split", default="test")
    a = ap.parse_args()
    recs = []
    with open(os.path.join(a.bench, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if a.split == "all" or r.get("split") == a.split:
                recs.append((r, os.path.join(a.bench, r["file"])))
    files = [p for _, p in recs]
    with tempfile.TemporaryDirectory() as tmp:
        idx = os.path.join(tmp, "sources.db")
        srcdir = os.path.join(a.bench, "sources")
        clean = [os.path.join(a.bench, r["file"]) for r, _ in recs if r["kind"] == "clean"]
        subprocess.run([a.despin, "index", "add", "-i", idx, srcdir] + clean, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        res, dt = run_scan(a.despin, ["-i", idx, "-j", a.j], files)
        report("with source (index of %d texts)" % (len(os.listdir(srcdir)) + len(clean)),
               recs, res, dt)
    res, dt = run_scan(a.despin, ["--solo", "-j", a.j], files)
    report("solo", recs, res, dt)


if __name__ == "__main__":
    main()
