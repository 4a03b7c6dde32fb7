#!/usr/bin/env python3
"""Validates despin's real JSON Lines output against docs/despin-output.schema.json.

  tests/e2e/schema_check.py DESPIN

Runs scan (a batch, -s, --solo, -i, --stdin-json, inputs that fail) and
explain --format json, and checks every line against the schema with a small
validator of the JSON Schema keywords the schema uses (a keyword it does not
know is an error, so the schema cannot silently stop being checked).  Also
checks that the validator rejects records it must reject.  Prints TAP.
"""
import base64
import binascii
import json
import os
import re
import subprocess
import sys
import tempfile

KNOWN = {"$schema", "$id", "title", "description", "$defs", "$ref", "type", "enum", "const",
         "minimum", "maximum", "required", "properties", "additionalProperties", "items",
         "prefixItems", "minItems", "maxItems", "oneOf", "pattern", "if", "then",
         "contentEncoding"}


def type_ok(v, t):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("unknown type %r" % t)


def errors(v, s, root, path="$"):
    """Returns the list of reasons v does not match schema s."""
    unknown = set(s) - KNOWN
    if unknown:
        raise ValueError("validator does not know %s" % sorted(unknown))
    if "$ref" in s:
        ref = s["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return errors(v, root["$defs"][ref[len("#/$defs/"):]], root, path)
    out = []
    if "type" in s:
        ts = s["type"] if isinstance(s["type"], list) else [s["type"]]
        if not any(type_ok(v, t) for t in ts):
            return ["%s: %r is not of type %s" % (path, v, "/".join(ts))]
    if "enum" in s and v not in s["enum"]:
        out.append("%s: %r not one of %s" % (path, v, s["enum"]))
    if "const" in s and v != s["const"]:
        out.append("%s: %r is not %r" % (path, v, s["const"]))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if "minimum" in s and v < s["minimum"]:
            out.append("%s: %r < %r" % (path, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            out.append("%s: %r > %r" % (path, v, s["maximum"]))
    if isinstance(v, str) and "pattern" in s and not re.search(s["pattern"], v):
        out.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if isinstance(v, str) and s.get("contentEncoding") == "base64":
        try:
            base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            out.append("%s: %r is not base64" % (path, v))
    if isinstance(v, dict):
        for k in s.get("required", []):
            if k not in v:
                out.append("%s: %s missing" % (path, k))
        props = s.get("properties", {})
        for k, val in v.items():
            if k in props:
                out += errors(val, props[k], root, path + "." + k)
            elif s.get("additionalProperties", True) is False:
                out.append("%s: unexpected field %s" % (path, k))
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            out.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            out.append("%s: more than %d items" % (path, s["maxItems"]))
        pre = s.get("prefixItems", [])
        for i, item in enumerate(v):
            sub = pre[i] if i < len(pre) else s.get("items")
            if sub is not None:
                out += errors(item, sub, root, "%s[%d]" % (path, i))
    if "oneOf" in s:
        fits = [errors(v, alt, root, path) for alt in s["oneOf"]]
        n = sum(1 for f in fits if not f)
        if n != 1:
            best = min(fits, key=len)
            out.append("%s: matches %d of the oneOf alternatives%s" % (
                path, n, (" (" + "; ".join(best[:3]) + ")") if n == 0 else ""))
    if "if" in s and not errors(v, s["if"], root, path) and "then" in s:
        out += errors(v, s["then"], root, path)
    return out


def main():
    despin = os.path.abspath(sys.argv[1])
    top = os.environ.get("DS_TOP", os.getcwd())
    os.chdir(top)
    schema = json.load(open("docs/despin-output.schema.json"))
    seeds = sorted("corpus/seeds/" + f for f in os.listdir("corpus/seeds") if f.endswith(".txt"))
    s000, s001, s003 = seeds[0], seeds[1], seeds[3]
    n = 0

    def ok(good, what):
        nonlocal n
        n += 1
        print("%s %d - %s" % ("ok" if good else "not ok", n, what))

    with tempfile.TemporaryDirectory() as t:
        empty = os.path.join(t, "empty.txt")
        open(empty, "w").close()
        ix = os.path.join(t, "ix.db")
        subprocess.run([despin, "index", "add", "-q", "-i", ix, s000, seeds[4]],
                       stdout=subprocess.DEVNULL, check=True)
        tpl = os.path.join(t, "template.txt")
        with open(tpl, "w") as f:
            f.write("The {war|battle|conflict} in the region went on for a {year|12 months}.\n")
        # names that are not UTF-8 (a file's name is any bytes)
        odd_src = os.path.join(os.fsencode(t), b"src\xe9.txt")
        odd_art = os.path.join(os.fsencode(t), b"art\xff.txt")
        odd_missing = os.path.join(os.fsencode(t), b"gone\xfe.txt")
        for name, seed in ((odd_src, s000), (odd_art, s003)):
            with open(name, "wb") as f:
                f.write(open(seed, "rb").read())
        records = "\n".join([
            json.dumps({"id": "a1", "text": "The Safety Council met on Tuesday."}),
            "not json",
            json.dumps({"id": 7}),
            json.dumps({"text": open(s003, encoding="utf-8").read()}),
        ]) + "\n"
        runs = [
            ("scan of a batch", ["scan", "--format", "json"] + seeds, None),
            ("scan -s", ["scan", "--format", "json", "-s", s000, s003, s001], None),
            ("scan -s -s", ["scan", "--format", "json", "-s", s000, "-s", seeds[4], s003], None),
            ("scan --solo --all", ["scan", "--solo", "--all", "--format", "json"] + seeds, None),
            ("scan -i", ["scan", "-i", ix, "--format", "json", s003, s001], None),
            ("scan with inputs that fail",
             ["scan", "--solo", "--format", "json", os.path.join(t, "missing.txt"), empty, s001], None),
            ("scan --stdin-json", ["scan", "--solo", "--stdin-json", "--format", "json"], records),
            ("explain --format json", ["explain", "--format", "json", "-s", s000, s003], None),
            ("scan of a spinner's template", ["scan", "--solo", "--format", "json", tpl], None),
            ("scan of names that are not UTF-8",
             [b"scan", b"--format", b"json", b"-s", odd_src, odd_art, odd_missing], None),
        ]
        kinds = set()
        for what, args, stdin in runs:
            p = subprocess.run([despin] + args, input=stdin, capture_output=True, text=True,
                               errors="surrogateescape")
            lines = [l for l in p.stdout.split("\n") if l]
            bad = []
            for i, line in enumerate(lines):
                try:
                    v = json.loads(line)
                except ValueError as e:
                    bad.append("line %d: not JSON (%s)" % (i + 1, e))
                    continue
                kinds.add("error" if "error" in v else "judged" if v.get("judged") else "not judged")
                kinds.update(x["evidence"] for x in v.get("substitutions", []))
                kinds.update(k for k in ("file_bytes", "source_bytes") if k in v)
                bad += ["line %d: %s" % (i + 1, e) for e in errors(v, schema, schema)]
            ok(lines and not bad and p.returncode in (0, 1, 2),
               "%s: %d lines valid (exit %d)" % (what, len(lines), p.returncode))
            for b in bad[:5]:
                print("#   " + b)
        ok(kinds == {"error", "judged", "not judged", "source", "model", "template",
                     "file_bytes", "source_bytes"},
           "the runs cover results, texts not judged, error records, flags of every "
           "evidence and names that are not UTF-8 (%s)" % sorted(kinds))

    # the validator itself: what it must reject
    good = json.loads(subprocess.run([despin, "scan", "--format", "json", "-s", s000, s003],
                                     capture_output=True, text=True).stdout)
    for what, change in [
        ("an unknown field", lambda r: r.update(extra=1)),
        ("tokens as a string", lambda r: r.update(tokens="12")),
        ("a verdict out of its enum", lambda r: r.update(verdict="maybe")),
        ("a missing words", lambda r: r.pop("words")),
        ("a score above 1", lambda r: r.update(score=1.5)),
        ("judged false without a reason", lambda r: r.update(judged=False)),
        ("a substitution without p", lambda r: r["substitutions"][0].pop("p")),
        ("a range of three numbers", lambda r: r["sources"][0].update(ranges=[[1, 2, 3]])),
        ("a name's bytes that are not base64", lambda r: r.update(file_bytes="caf\u00e9")),
        ("an error record with a verdict", lambda r: (r.clear(), r.update(file="x", error="e", verdict="spun"))),
    ]:
        r = json.loads(json.dumps(good))
        change(r)
        ok(errors(r, schema, schema) != [], "the validator rejects %s" % what)
    print("1..%d" % n)


if __name__ == "__main__":
    main()
