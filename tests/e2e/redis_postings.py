#!/usr/bin/env python3
"""Model test of the Redis store's posting scripts (src/store_redis.c).

usage: redis_postings.py SOURCE PORT MODE STEPS SEED

Reads post_add_lua and post_rem_lua from SOURCE (the C string literals, the
POST_OVERFLOW macro and the NUM(...) numbers expanded), then, on the server at 127.0.0.1:PORT, puts
ids under one passage key and takes them away STEPS times at random (new
highest ids most often, ids out of order and ids not there too), with the
overflow kind MODE ('p' packed string, 's' set), and after each step
compares what the key holds with the set of ids it should hold: up to
INLINE_IDS (56) ids in its four fields, each once; past that the field's
'o' and count and the overflow (for 'p' 4-byte big-endian ids in ascending order).  Prints
one line; exits 1 at the first difference.
"""
import ast
import random
import re
import socket
import struct
import sys


def literal(src, name):
    """The C string literal name (a static array or a macro), expanded."""
    m = re.search(r"#define %s \\\n(.*?)\n\n" % name, src, re.S) or \
        re.search(r"static const char %s\[\] =\n(.*?);\n" % name, src, re.S)
    out = ""
    for s, macro, num in re.findall(r'"((?:[^"\\]|\\.)*)"|\b(POST_OVERFLOW)\b|\bNUM\((\w+)\)', m.group(1)):
        if macro:
            out += literal(src, macro)
        elif num:
            out += str(number(src, num))
        else:
            out += ast.literal_eval('"' + s + '"')
    return out


def number(src, name):
    """The value of the number macro name."""
    return int(re.search(r"#define %s (\d+)" % name, src).group(1))


class Redis:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.f = self.s.makefile("rb")

    def reply(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b"+", b":"):
            return rest
        if t == b"-":
            raise RuntimeError(rest.decode(errors="replace"))
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        return [self.reply() for _ in range(int(rest))]

    def __call__(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.reply()


def main():
    src, port, mode, steps, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    text = open(src).read()
    add, rem = literal(text, "post_add_lua"), literal(text, "post_rem_lua")
    inline = number(text, "INLINE_IDS")
    r, rnd = Redis(port), random.Random(seed)
    bucket, field = "{p9:abc}", b"\x01\x02\x03}"
    names = [field + s for s in (b"", b"\x01", b"\x02", b"\x03")]
    over = bucket.encode() + b"o" + field
    model, most, crossings, shrink = set(), 0, 0, False
    for step in range(steps):
        # grow past the fields and the intset limit, shrink back into the
        # fields, and again
        if shrink != (len(model) > 40 if shrink else len(model) >= 600):
            shrink, crossings = not shrink, crossings + 1
        u = rnd.random()
        if model and u < (0.75 if shrink else 0.3):
            x = rnd.choice(sorted(model)) if rnd.random() < 0.9 else rnd.randint(1, 4000)
            r("EVAL", rem, "1", bucket, mode, field, struct.pack("<I", x))
            model.discard(x)
        else:
            x = rnd.randint(1, 4000) if u < 0.9 and rnd.random() < 0.2 else max(model, default=0) + 1
            r("EVAL", add, "1", bucket, mode, field, struct.pack("<I", x))
            model.add(x)
        most = max(most, len(model))
        parts = r("HMGET", bucket, *names)
        if parts[0] is not None and len(parts[0]) == 5 and parts[0][:1] == b"o":
            count = struct.unpack("<I", parts[0][1:])[0]
            if mode == "p":
                v = r("GET", over) or b""
                got = [struct.unpack(">I", v[i:i + 4])[0] for i in range(0, len(v), 4)]
            else:
                got = sorted(int(x) for x in r("SMEMBERS", over))
            ok = got == sorted(model) and count == len(model) > inline and not any(parts[1:])
        else:
            got = [struct.unpack("<I", p[i:i + 4])[0] for p in parts if p for i in range(0, len(p), 4)]
            ok = sorted(got) == sorted(model) and len(got) <= inline and r("EXISTS", over) == b"0"
        if not ok:
            print("step %d (id %d): the key holds %d ids, it should hold %d" % (step, x, len(got), len(model)))
            return 1
    print("%d steps, up to %d ids under the key, %d turns between growing and shrinking" % (steps, most, crossings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
