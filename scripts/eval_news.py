#!/usr/bin/env python3
"""Spins of today's news, judged against their source: the four clean seed
articles (news of 2025, corpus/seeds) spun by every spinner of the benchmark
generator (scripts/gen_bench.py, several draws), with a round trip, a
context-aware spin, a rewrite and an edit or republication of each, and
every derived article scanned with its source ('despin scan -s').  The
benchmark's own texts are older (1961 press, fiction, speeches, e-mails);
this is the check on news of the kind the seeds are, small as it is.

  scripts/eval_news.py [--despin D] [--models DIR] [--draws 3] [--spins 8]
                       [--keep DIR]

Prints, per kind of derived article (spins by rate band), how many the
scan judged spun, and the spins it missed with their swaps.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from eval import RATE_CLASSES  # noqa: E402  (the evaluation's rate bands)

CLEAN_SEEDS = ("000", "001", "002", "004")   # 003 is the spun one


def band(rec):
    """The evaluation's rate band of a spin, else the kind of the article."""
    if rec["kind"] != "spin":
        return rec["kind"]
    return next((c for c, test, _ in RATE_CLASSES if test(rec)), "spin 17.5-25%")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--despin", default=os.path.join(TOP, "build", "despin"))
    ap.add_argument("--models", default=os.path.join(TOP, "models"))
    ap.add_argument("--draws", type=int, default=3, help="generator seeds 1..N")
    ap.add_argument("--spins", type=int, default=8, help="thesaurus spins per article and draw")
    ap.add_argument("--keep", help="write the generated articles here and keep them")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="despin-news-")
    try:
        src = os.path.join(work, "src")
        os.makedirs(src, exist_ok=True)
        for k in CLEAN_SEEDS:
            path = glob.glob(os.path.join(TOP, "corpus", "seeds", k + "_*.txt"))
            if len(path) != 1:
                sys.exit("eval_news: seed %s is missing from corpus/seeds" % k)
            shutil.copy(path[0], os.path.join(src, "news-%s.txt" % k))
        rows = []
        for d in range(1, a.draws + 1):
            out = os.path.join(work, "draw%d" % d)
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([sys.executable, os.path.join(HERE, "gen_bench.py"), "--src", src,
                            "--out", out, "--seed", str(d), "--n", str(len(CLEAN_SEEDS)),
                            "--clean-frac", "0", "--test-frac", "1", "--spins", str(a.spins),
                            "--article-words", "0", "--context-frac", "1",
                            "--despin", a.despin, "--models", a.models],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(os.path.join(out, "manifest.jsonl"), encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    if r.get("source"):
                        r["path"] = os.path.join(out, r["file"])
                        r["src_path"] = os.path.join(out, r["source"])
                        rows.append(r)
        got, want, missed = {}, {}, []
        for r in rows:
            p = subprocess.run([a.despin, "scan", "--models", a.models, "--format", "json",
                                "-s", r["src_path"], r["path"]], capture_output=True, text=True)
            if p.returncode not in (0, 1):
                sys.exit("eval_news: despin scan %s: %s" % (r["path"], p.stderr.strip()))
            verdict = json.loads(p.stdout.splitlines()[0])["verdict"]
            b = band(r)
            want[b] = want.get(b, 0) + 1
            got[b] = got.get(b, 0) + (verdict == "spun")
            if r["label"] == "spun" and verdict != "spun":
                missed.append(r)
        print("spins of the clean seeds (news of 2025), each judged against its source "
              "(%d draws, %d articles)" % (a.draws, len(rows)))
        order = ("spin<17.5%", "spin 17.5-25%", "spin>=25%", "context", "roundtrip",
                 "rewrite", "edit", "republish")
        for b in sorted(want, key=lambda x: order.index(x) if x in order else len(order)):
            what = "flagged" if b in ("rewrite", "edit", "republish") else "caught"
            print("  %-14s %s %3d of %3d" % (b, what, got[b], want[b]))
        for r in missed:
            subs = ", ".join("%s -> %s" % (s["original"], s["text"]) for s in r["substitutions"][:8])
            print("  missed: %s (%s, rate %.2f): %s" % (os.path.relpath(r["path"], work),
                                                         r.get("family"), r.get("rate") or 0, subs))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
