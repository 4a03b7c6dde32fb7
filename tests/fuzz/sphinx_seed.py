#!/usr/bin/env python3
"""Writes the seeds of fuzz_sphinx: tiny Sphinx trie language models in the
layout src/lm_sphinx.c describes, of the words and n-grams below.

Usage: tests/fuzz/sphinx_seed.py DIR

  DIR/file      byte 0 even, then a whole order-1 model (the quantisation
                tables of a higher order, 256 KiB each, would not fit in an
                input)
  DIR/payload2  byte 0 odd, then a 2-gram model without its magic and its
                quantisation tables, which the target inserts (centre c of
                a table is worth -c in the file's units, the last NaN)
  DIR/payload3  the same for a 3-gram model
"""
import math
import os
import struct
import sys

MAGIC = b"Trie Language Model"
WORDS = ["<s>", "</s>", "the", "war", "ends"]
S, E, THE, WAR, ENDS = range(len(WORDS))
# n-grams (word ids, oldest first) -> (probability code, backoff code)
GRAMS = {
    2: {(S, THE): (3000, 100), (THE, WAR): (5000, 200), (WAR, ENDS): (7000, 300),
        (ENDS, E): (2000, 400), (WAR, E): (9000, 500)},
    3: {(S, THE, WAR): (1000, 0), (THE, WAR, ENDS): (1500, 0), (WAR, ENDS, E): (500, 0)},
}


# a quantisation table as the target fills it: centre c is -c, the last NaN
CENTRES = struct.pack("<65535f", *range(0, -65535, -1)) + struct.pack("<f", math.nan)


def req_bits(v):
    """Bits to hold values up to v, as the writer counts them."""
    return v.bit_length()


def rkey(ids):
    """Entries are ordered by their newest word first (a reversed trie)."""
    return tuple(reversed(ids))


def model(order):
    """The whole file of an order-gram model of WORDS and GRAMS."""
    V = len(WORDS)
    grams = {n: sorted(GRAMS[n], key=rkey) for n in range(2, order + 1)}
    count = [V] + [len(grams[n]) for n in range(2, order + 1)]

    def first_child(n, key):
        # index of the first (n+1)-gram under the n-gram whose reversed ids are key
        return sum(1 for g in grams[n + 1] if rkey(g)[:n] < key)

    out = bytearray(MAGIC)
    out += bytes([order]) + struct.pack("<%dI" % order, *count)
    if order >= 2:
        out += struct.pack("<i", 0) + CENTRES * ((order - 2) * 2 + 1)
    # unigrams in units of log base 1.0001: <s> never predicted, the rest alike
    unit = math.log10(1.0001)
    for w in range(V):
        p = -99 / unit if w == S else math.log10(1 / (V - 1)) / unit
        out += struct.pack("<ffI", p, -0.3 / unit, first_child(1, (w,)) if order >= 2 else 0)
    # the entry after the last word ends its 2-gram range
    out += struct.pack("<ffI", 0.0, 0.0, count[1] if order >= 2 else 0)
    for n in range(2, order + 1):
        word_bits = req_bits(V)
        next_bits = req_bits(count[n]) if n < order else 0
        total = word_bits + (32 + next_bits if n < order else 16)
        acc = 0
        for i, g in enumerate(grams[n] + [None]):   # the last entry ends the ranges
            off = i * total
            if g is None:
                fields = [(0, word_bits)] + ([(0, 16), (0, 16), (count[n], next_bits)]
                                             if n < order else [(0, 16)])
            else:
                prob, backoff = GRAMS[n][g]
                fields = [(g[0], word_bits)]
                if n < order:
                    fields += [(backoff, 16), (prob, 16), (first_child(n, rkey(g)), next_bits)]
                else:
                    fields += [(prob, 16)]
            for value, bits in fields:
                acc |= value << off
                off += bits
        nbytes = ((len(grams[n]) + 1) * total + 7) // 8 + 8
        out += acc.to_bytes(nbytes, "little")
    strings = b"".join(w.encode() + b"\0" for w in WORDS)
    out += struct.pack("<i", len(strings)) + strings
    return bytes(out)


def payload(order):
    """The file without its magic and quantisation tables, as the target
    takes it after an odd first byte."""
    f = model(order)[len(MAGIC):]
    head = 1 + 4 * order + 4
    return f[:head] + f[head + len(CENTRES) * ((order - 2) * 2 + 1):]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tests/fuzz/sphinx_seed.py DIR")
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, data in (("file", b"\0" + model(1)), ("payload2", b"\1" + payload(2)),
                       ("payload3", b"\1" + payload(3))):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
