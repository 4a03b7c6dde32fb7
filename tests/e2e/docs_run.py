#!/usr/bin/env python3
"""Runs the command examples of the documentation and compares their output.

  tests/e2e/docs_run.py DESPIN DOC.md...

An example is an indented block (four spaces) whose first line starts with
"$ "; a line ending in a backslash continues the command.  The indented lines
after it, up to a blank line followed by unindented text or the next "$ "
line, are the output shown (standard output, then standard error).
Declared elisions in the shown output:

  - a line "..." stands for any number of lines;
  - a line ending in "..." matches any line that starts with what precedes
    the dots (so "{"file":... ..." matches a long JSON line).

Trailing white space is ignored.  The examples of one file run in order in
one scratch folder, so an index made by one example is there for the next;
the folder has the repository's corpus/, tests/, examples/ and docs/ linked
in, a models/ folder of links to the models in use, and `despin` on PATH.

Directives, as HTML comments on their own line before an example:

  <!-- docs-test: cd DIR -->        run the examples that follow in DIR
                                     (relative to the scratch folder)
  <!-- docs-test: setup CMD -->     run CMD (shell) in the scratch folder
  <!-- docs-test: no-output -->     run the next example, check only that
                                     it succeeds (its output varies: timing)

Prints TAP, one test per example.  With --update (before DESPIN), the
shown output of every failing example is rewritten from what the command
printed, keeping the example's elisions: a maintainer's tool, after a
change of output that was meant.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(\w[\w-]*)\s*(.*?)\s*-->\s*$")


def parse(path):
    """Yields ('example', lineno, command, expected lines, flags) and
    ('cd'|'setup', lineno, arg) in file order."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    pending_no_output = False
    while i < len(lines):
        line = lines[i]
        m = DIRECTIVE.match(line.strip())
        if m:
            kind, arg = m.group(1), m.group(2)
            if kind == "no-output":
                pending_no_output = True
            elif kind in ("cd", "setup"):
                yield (kind, i + 1, arg)
            else:
                raise SystemExit("%s:%d: unknown docs-test directive %r" % (path, i + 1, kind))
            i += 1
            continue
        if line.startswith("    $ "):
            start = i + 1
            cmd = line[6:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            i += 1
            out = []
            while i < len(lines):
                cur = lines[i]
                if cur.startswith("    $ "):
                    break
                if cur.startswith("    ") or cur.strip() == "":
                    # a blank line ends the block unless indented text follows
                    if cur.strip() == "":
                        j = i
                        while j < len(lines) and lines[j].strip() == "":
                            j += 1
                        if j >= len(lines) or not lines[j].startswith("    ") \
                                or lines[j].startswith("    $ "):
                            break
                    out.append(cur[4:] if cur.startswith("    ") else "")
                    i += 1
                    continue
                break
            while out and out[-1].strip() == "":
                out.pop()
            yield ("example", start, cmd, out, pending_no_output)
            pending_no_output = False
            continue
        i += 1


def matches(expected, actual):
    """Whether the actual lines fit the expected ones with their elisions."""
    exp = [e.rstrip() for e in expected]
    act = [a.rstrip() for a in actual]
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(exp):
            r = j == len(act)
        elif exp[i] == "...":
            r = any(go(i + 1, k) for k in range(j, len(act) + 1))
        elif j == len(act):
            r = False
        elif exp[i].endswith("..."):
            r = act[j].startswith(exp[i][:-3].rstrip()) and go(i + 1, j + 1)
        else:
            r = exp[i] == act[j] and go(i + 1, j + 1)
        memo[key] = r
        return r

    return go(0, 0)


def updated(expected, actual):
    """The shown output rewritten from actual, with expected's elisions."""
    if "..." in [e.rstrip() for e in expected]:
        k = [e.rstrip() for e in expected].index("...")
        tail = len(expected) - k - 1
        return actual[:k] + ["..."] + (actual[len(actual) - tail:] if tail else [])
    if expected and expected[-1].rstrip().endswith("..."):
        out = list(actual)
        if out:
            out[-1] = out[-1][:60].rstrip() + " ..."
        return out
    return list(actual)


def scratch(top, despin, models):
    d = tempfile.mkdtemp(prefix="despin-docs.")
    for name in ("corpus", "tests", "examples", "docs", "scripts"):
        os.symlink(os.path.join(top, name), os.path.join(d, name))
    os.mkdir(os.path.join(d, "models"))
    for f in os.listdir(models):
        if f.endswith((".bin", ".tsv", ".checked")):
            os.symlink(os.path.join(models, f), os.path.join(d, "models", f))
    os.mkdir(os.path.join(d, ".bin"))
    os.symlink(despin, os.path.join(d, ".bin", "despin"))
    return d


def rewrite(doc, fixes):
    """Replaces the shown output of the examples at fixes' lines."""
    lines = open(doc, encoding="utf-8").read().split("\n")
    for lineno, cmd, expected, actual in sorted(fixes, reverse=True):
        i = lineno - 1
        while lines[i].rstrip().endswith("\\"):
            i += 1
        start = i + 1
        new = ["    " + a if a else "" for a in updated(expected, actual)]
        lines[start:start + len(expected)] = new
    open(doc, "w", encoding="utf-8").write("\n".join(lines))


def main():
    update = len(sys.argv) > 1 and sys.argv[1] == "--update"
    if update:
        del sys.argv[1]
    if len(sys.argv) < 3:
        raise SystemExit("usage: docs_run.py [--update] DESPIN DOC.md...")
    despin = os.path.abspath(sys.argv[1])
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    models = os.environ.get("DESPIN_MODELS", os.path.join(top, "models"))
    n = 0
    failures = 0
    for doc in sys.argv[2:]:
        d = scratch(top, despin, models)
        env = dict(os.environ)
        env["PATH"] = os.path.join(d, ".bin") + os.pathsep + env.get("PATH", "")
        env["DESPIN_MODELS"] = os.path.join(d, "models")
        env["NO_COLOR"] = "1"
        env["LC_ALL"] = "C.UTF-8"
        cwd = d
        rel = os.path.relpath(doc, top)
        fixes = []
        try:
            for item in parse(doc):
                if item[0] == "cd":
                    cwd = os.path.join(d, item[2])
                    continue
                if item[0] == "setup":
                    subprocess.run(item[2], shell=True, cwd=d, env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    continue
                _, lineno, cmd, expected, no_output = item
                n += 1
                p = subprocess.run(cmd, shell=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
                # standard error after standard output, so that the order
                # does not depend on buffering
                text = p.stdout.decode("utf-8", "replace")
                err = p.stderr.decode("utf-8", "replace")
                if err:
                    text += ("" if not text or text.endswith("\n") else "\n") + err
                actual = text.split("\n")
                if actual and actual[-1] == "":
                    actual.pop()
                if no_output:
                    ok = p.returncode == 0
                else:
                    ok = matches(expected, actual)
                name = "%s:%d %s" % (rel, lineno, cmd[:60])
                if ok:
                    print("ok %d - %s" % (n, name))
                else:
                    failures += 1
                    fixes.append((lineno, cmd, expected, actual))
                    print("not ok %d - %s" % (n, name))
                    print("# exit status %d; expected:" % p.returncode)
                    for e in expected:
                        print("#   " + e)
                    print("# got:")
                    for a in actual[:40]:
                        print("#   " + a)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        if update and fixes:
            rewrite(doc, fixes)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
