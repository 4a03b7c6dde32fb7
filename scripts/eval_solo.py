#!/usr/bin/env python3
"""Figures of the judgement without a source, on test splits only.

  scripts/eval_solo.py [--despin build/despin] [-m MODELS] [--bench corpus/bench]
      [--paras corpus/paragraphs] [--family NAME] [--scan-bench F] [--scan-paras F]

Scans (despin scan --solo --all --format json) the benchmark's test split
and the test split of the paragraphs (scripts/gen_paragraphs.py), or reads
earlier scans, and prints per thesaurus family: ROC AUC against the clean
texts and legitimate edits, the share of spins from 25% detected at the score
that 1% of those clean texts reach, and at the verdict threshold; false
positives on clean paragraphs of 40-200 words and on legitimate edits; the
model flags' precision and proposed originals right by band of p (a flag
is true when it overlaps a spinner substitution, its original right when it
reads as the source did: scripts/eval.py's flag_right); texts not judged.  --family limits the
spun texts to one thesaurus (the one a fit left out).
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import article_bytes, auc, flag_right  # noqa: E402  (the one rank-sum AUC, the one flag test)


def manifest(d, split):
    out = {}
    with open(os.path.join(d, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("split") == split:
                out[os.path.join(d, r["file"])] = r
    return out


def scan(despin, models, files, path):
    if path and os.path.exists(path):
        res = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                res[r["file"]] = r
        return res
    cmd = [despin, "scan", "--solo", "--all", "--format", "json"]
    if models:
        cmd += ["--models", models]
    p = subprocess.run(cmd + sorted(files), stdout=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit("eval_solo: despin scan failed (%d)" % p.returncode)
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write(p.stdout)
    res = {}
    for line in p.stdout.splitlines():
        r = json.loads(line)
        res[r["file"]] = r
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default="build/despin")
    ap.add_argument("-m", "--models", default=None)
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("--paras", default="corpus/paragraphs")
    ap.add_argument("--family", default=None)
    ap.add_argument("--scan-bench", default=None, help="scan output to reuse or write")
    ap.add_argument("--scan-paras", default=None)
    a = ap.parse_args()
    bm = manifest(a.bench, "test")
    pm = manifest(a.paras, "test") if os.path.isdir(a.paras) else {}
    br = scan(a.despin, a.models, list(bm), a.scan_bench)
    pr = scan(a.despin, a.models, list(pm), a.scan_paras) if pm else {}
    neg = [br[f]["score"] for f, r in bm.items() if f in br and r["label"] == "clean"]
    negs = sorted(neg)
    cut = negs[min(len(negs) - 1, int(len(negs) * 0.99))] if negs else 1.0
    thr = next(iter(br.values()))["threshold"] if br else 1.0
    print("clean texts and legitimate edits: %d; score at 1%% of them: %.3f; threshold %.3f"
          % (len(neg), cut, thr))
    fams = {}
    for f, r in bm.items():
        if f in br and r["label"] == "spun":
            fam = r.get("thesaurus") or r["kind"]
            if a.family and fam != a.family:
                continue
            fams.setdefault(fam, []).append((br[f]["score"], r.get("rate"), r["kind"]))
    for fam, v in sorted(fams.items()):
        pos = [s for s, _, _ in v]
        # from 25% substitutions, as scripts/eval.py counts them (the
        # benchmark's rates are 5, 10, 20, 30 and 40%)
        d25 = [s for s, rate, k in v if rate is not None and rate >= 0.25 and k == "spin"]
        print("%-10s %3d spun  ROC AUC %.3f  spins from 25%% detected at 1%% FP %s, at threshold %s"
              % (fam, len(pos), auc(pos, neg),
                 "%.2f" % (sum(1 for s in d25 if s > cut) / len(d25)) if d25 else "-",
                 "%.2f" % (sum(1 for s in d25 if s >= thr) / len(d25)) if d25 else "-"))
    edits = [br[f] for f, r in bm.items() if f in br and r["kind"] in ("edit", "partial-edit")]
    print("legitimate edits flagged: %d/%d" % (sum(r["verdict"] == "spun" for r in edits), len(edits)))
    if pr:
        cl = [pr[f] for f, r in pm.items() if f in pr and r["label"] == "clean" and 40 <= r["words"] <= 200]
        print("clean paragraphs of 40-200 words flagged: %d/%d (%.1f%%)"
              % (sum(r["verdict"] == "spun" for r in cl), len(cl),
                 100.0 * sum(r["verdict"] == "spun" for r in cl) / max(1, len(cl))))
        sp = [(pr[f], r) for f, r in pm.items() if f in pr and r["label"] == "spun"
              and (not a.family or r.get("thesaurus") == a.family)]
        for lo, hi in ((0, 40), (40, 80), (80, 200), (200, 100000)):
            s = [x for x, r in sp if lo <= r["words"] < hi]
            c = [pr[f] for f, r in pm.items() if f in pr and r["label"] == "clean" and lo <= r["words"] < hi]
            if s or c:
                print("  paragraphs %3d-%-5d spun detected %s, clean flagged %s, not judged %d"
                      % (lo, hi, "%d/%d" % (sum(x["verdict"] == "spun" for x in s), len(s)),
                         "%d/%d" % (sum(x["verdict"] == "spun" for x in c), len(c)),
                         sum(1 for x in s + c if not x.get("judged", True))))
    # flags
    bands = {}
    allrecs = [(br, bm), (pr, pm)]
    for res, man in allrecs:
        for f, r in man.items():
            if f not in res or r["kind"] == "roundtrip":
                continue
            if a.family and r["label"] == "spun" and r.get("thesaurus") != a.family:
                continue
            truth = r.get("substitutions", [])
            for s in res[f]["substitutions"]:
                if s["evidence"] != "model" or res[f]["verdict"] != "spun":
                    continue
                text = article_bytes(f)
                b = min(9, int(s["p"] * 10))
                hit, right = flag_right(s, truth, text)
                n = bands.setdefault(b, [0, 0, 0])
                n[0] += 1
                n[1] += hit
                n[2] += right
    print("model flags of texts judged spun, by p:")
    for b in sorted(bands):
        n = bands[b]
        print("  p %.1f-%.1f  %5d flags  precision %.3f  originals right %.3f"
              % (b / 10, b / 10 + 0.1, n[0], n[1] / n[0], n[2] / max(1, n[1])))
    hi = [bands[b] for b in bands if b >= 8]
    n0 = sum(n[0] for n in hi)
    n1 = sum(n[1] for n in hi)
    print("  p >= 0.8   %5d flags  precision %.3f  originals right %.3f"
          % (n0, n1 / max(1, n0), sum(n[2] for n in hi) / max(1, n1)))


if __name__ == "__main__":
    main()
