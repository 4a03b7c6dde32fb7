#!/usr/bin/env python3
"""Labels the slots printed by 'despin scorer slots' with the benchmark's
ground truth: 1 when the slot overlaps a substitution the spinner made, 0 in
clean articles and elsewhere in spun ones.  Slots of round trips (no
word-level truth) are left out.

  scripts/label_slots.py BENCH_DIR SLOTS.tsv > LABELLED.tsv
"""
import json
import os
import sys


def main():
    bench, slots = sys.argv[1], sys.argv[2]
    truth, kinds = {}, {}
    with open(os.path.join(bench, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            path = os.path.join(bench, r["file"])
            kinds[path] = r["kind"]
            truth[path] = sorted((s["start"], s["end"]) for s in r.get("substitutions", []))
    out = sys.stdout
    with open(slots, encoding="utf-8") as f:
        header = f.readline()
        out.write("label\t" + header)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            art, start, end = cols[0], int(cols[1]), int(cols[2])
            kind = kinds.get(art)
            if kind is None or kind == "roundtrip":
                continue
            lab = int(any(s < end and start < e for s, e in truth.get(art, ())))
            out.write("%d\t%s" % (lab, line))


if __name__ == "__main__":
    main()
