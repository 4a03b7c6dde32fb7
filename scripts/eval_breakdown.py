#!/usr/bin/env python3
"""Where the evaluation's misses lie, from the per-article results that
scripts/eval.py saved with --results: run nothing, read them.

    python3 scripts/eval_breakdown.py [--bench corpus/bench] RESULTS.json

Prints, over the held-out folds (the context-aware spinner, outside the
headline minimum, left out as eval.py leaves it out):
  - with the source: spun articles detected by how many swaps the spinner
    made (1-3, 4 or more), pooled over fold rows (an article is in one
    fold of each dimension);
  - with the source: the human rewrites judged spun, with their flags;
  - solo: ROC AUC per held-out spinner family by the share of words the
    spinner replaced (eval.py's bands), against the fold's negatives;
  - solo: the texts that are not spun (clean, edited, rewritten,
    republished) judged spun, per domain and kind, in the folds that held
    their domain out.
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from eval import NOT_IN_MIN, SHARE_BINS, auc, read_manifest, replaced_share, unchanged  # noqa: E402


def swaps_report(results, recs):
    c = collections.Counter()
    for f in results:
        for a in f["test"]:
            r, rec = f["source"].get(a), recs[a]
            if r is None or rec["label"] != "spun" or rec["kind"] == "roundtrip" \
                    or rec["fam"]["spinner"] in NOT_IN_MIN or unchanged(rec):
                continue
            n = len(rec.get("substitutions") or [])
            c[("1-3" if n <= 3 else "4+", r["verdict"] == "spun")] += 1
    print("with the source: spun articles detected by the spinner's swaps (fold rows)")
    for b in ("1-3", "4+"):
        print("  %-4s swaps  %5d of %5d" % (b, c[(b, True)], c[(b, True)] + c[(b, False)]))


def rewrites_report(results, recs):
    n, flagged = 0, {}
    for f in results:
        for a in f["test"]:
            r = f["source"].get(a)
            if r is None or recs[a]["kind"] != "rewrite":
                continue
            n += 1
            if r["verdict"] == "spun":
                flagged.setdefault(a, r)
    rows = sum(1 for f in results for a in f["test"]
               if recs[a]["kind"] == "rewrite" and f["source"].get(a, {}) and
               f["source"][a]["verdict"] == "spun")
    print("with the source: rewrites judged spun: %d of %d fold rows (%d articles)"
          % (rows, n, len(flagged)))
    for a, r in sorted(flagged.items()):
        text = open(recs[a]["path"], "rb").read()
        subs = ["%s -> %s (p %.2f)" % (text[s["start"]:s["end"]].decode("utf-8", "replace"),
                                        s["original"], s["p"]) for s in r["subs"]]
        print("  %-40s score %.3f  %s" % (a, r["score"], "; ".join(subs)))


def solo_share_report(results, recs):
    names = [b for b, _, _ in SHARE_BINS]
    print("solo: ROC AUC by share of words replaced, per held-out spinner family")
    print("  %-12s" % "family" + "".join("%14s" % b for b in names))
    for f in results:
        if f["dim"] != "spinner":
            continue
        neg = [f["solo"][a]["score"] for a in f["test"]
               if f["solo"].get(a) and recs[a]["label"] != "spun" and not unchanged(recs[a])]
        for fam in f["held"]:
            if fam in NOT_IN_MIN:
                continue
            pos = collections.defaultdict(list)
            for a in f["test"]:
                r, rec = f["solo"].get(a), recs[a]
                if r is None or rec["label"] != "spun" or rec["fam"]["spinner"] != fam:
                    continue
                share = replaced_share(rec)
                if share is None:
                    continue
                pos[next(b for b, lo, hi in SHARE_BINS if lo <= share < hi)].append(r["score"])
            print("  %-12s" % fam + "".join(
                "%14s" % ("%.3f (%d)" % (auc(pos[b], neg), len(pos[b])) if pos[b] else "-")
                for b in names))


def solo_fp_report(results, recs):
    c, flagged = collections.Counter(), collections.Counter()
    for f in results:
        if f["dim"] != "domain":
            continue
        for a in f["test"]:
            r, rec = f["solo"].get(a), recs[a]
            if r is None or rec["label"] == "spun" or rec["fam"]["domain"] not in f["held"]:
                continue
            key = (rec["fam"]["domain"], rec["kind"])
            c[key] += 1
            flagged[key] += r["verdict"] == "spun"
    print("solo: texts not spun judged spun, per held-out domain and kind")
    for key in sorted(c):
        print("  %-12s %-16s %4d of %4d" % (key[0], key[1], flagged[key], c[key]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default="corpus/bench")
    ap.add_argument("results")
    a = ap.parse_args()
    recs = {r["file"]: r for r in read_manifest(a.bench)}
    with open(a.results, encoding="utf-8") as f:
        results = json.load(f)
    swaps_report(results, recs)
    rewrites_report(results, recs)
    solo_share_report(results, recs)
    solo_fp_report(results, recs)


if __name__ == "__main__":
    main()
