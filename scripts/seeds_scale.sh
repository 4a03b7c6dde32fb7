#!/bin/sh
# Scale check of the seeds: seed 000 in an index with N (default 10,000)
# other articles, then seeds 001-004 scanned against it (-i).  The other
# articles are synthetic distractors: paragraphs of the benchmark's texts
# (corpus/bench-heldout, corpus/bench-extra: not the seeds' story) drawn at
# random, 4 to 14 a piece.  Prints one line per seed (verdict, score,
# source found) and whether it matches tests/e2e/seeds.expected.tsv.
#   scripts/seeds_scale.sh [DESPIN] [N] [MODELS_DIR]
# Exit status 0 when every seed gets its expected verdict and source.
set -eu
cd "$(dirname "$0")/.."
DESPIN=${1:-build/despin}
N=${2:-10000}
MODELS=${3:-models}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 - "$tmp/dis" "$N" corpus/bench-heldout corpus/bench-extra <<'EOF'
import os, random, sys
out, n, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
paras = []
for d in dirs:
    if not os.path.isdir(d):
        continue
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".txt"):
            t = open(os.path.join(d, fn), encoding="utf-8", errors="replace").read()
            paras += [p.strip() for p in t.split("\n\n") if len(p.split()) >= 12]
if not paras:
    sys.exit("seeds_scale: no texts in %s (make bench-corpus)" % " ".join(dirs))
rng = random.Random(12)
for i in range(n):
    sub = os.path.join(out, "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(sub)
    with open(os.path.join(sub, "d%05d.txt" % i), "w", encoding="utf-8") as f:
        f.write("\n\n".join(rng.choice(paras) for _ in range(rng.randint(4, 14))) + "\n")
EOF
t0=$(date +%s)
"$DESPIN" index add -i "$tmp/idx.db" "$tmp/dis" corpus/seeds/000_*.txt > /dev/null
t1=$(date +%s)
"$DESPIN" scan --models "$MODELS" -i "$tmp/idx.db" --format json corpus/seeds/00[1-4]_*.txt > "$tmp/scan.jsonl" || true
t2=$(date +%s)
python3 - "$tmp/scan.jsonl" tests/e2e/seeds.expected.tsv "$N" "$((t1 - t0))" "$((t2 - t1))" <<'EOF'
import json, os, sys
scan, exp, n, t_idx, t_scan = sys.argv[1:6]
want = {}
for line in open(exp, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    f, verdict, src = line.rstrip("\n").split("\t")[:3]
    want[f] = (verdict, src)
ok = 0
rows = [json.loads(l) for l in open(scan, encoding="utf-8")]
print("seeds scale check: seed 000 among %s other articles (index built in %s s, 4 scans in %s s)"
      % (n, t_idx, t_scan))
for r in rows:
    name = os.path.basename(r["file"])
    src = os.path.basename(r["source"]) if r.get("source") else "-"
    wv, ws = want.get(name, ("?", "?"))
    good = r["verdict"] == wv and (ws == "-" or src == ws)
    ok += good
    print("  %-26s %-6s %.3f source %-26s %s" % (name, r["verdict"], r["score"], src,
          "ok" if good else "EXPECTED %s with source %s" % (wv, ws)))
print("  %d of %d seeds as expected" % (ok, len(rows)))
sys.exit(0 if ok == len(rows) == 4 else 1)
EOF
