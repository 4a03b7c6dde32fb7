#!/usr/bin/env python3
"""The synopses of each despin command agree in README.md, in the man page
(docs/despin.1, its SYNOPSIS section) and in 'despin COMMAND --help'.

  tests/e2e/synopses.py DESPIN

A synopsis is a line starting "despin COMMAND", with the more indented lines
after it as its continuation; white space is not significant.  In README.md
synopses are the indented (code) lines starting "despin " that are not the
output of an example; in --help, the first paragraph (after "usage: ").
Every command of 'despin --help' must have the same set of synopses in all
three, and an example in README.md ("$ despin COMMAND ...", run by
tests/e2e/docs.sh).  Prints TAP.
"""
import os
import re
import subprocess
import sys


def entries(lines, start):
    """Joins synopsis lines: a line matching start begins one, more indented
    lines continue it.  Returns the list of normalised synopses."""
    out, cur, indent = [], None, 0
    for line in lines:
        m = start.match(line)
        if m:
            if cur is not None:
                out.append(cur)
            cur = m.group(1)
            indent = len(line) - len(line.lstrip())
        elif cur is not None and line.strip() and len(line) - len(line.lstrip()) > indent:
            cur += " " + line.strip()
        else:
            if cur is not None:
                out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return [" ".join(e.split()) for e in out]


def command_of(synopsis):
    return synopsis.split()[1]


def from_help(despin, cmd):
    p = subprocess.run([despin, cmd, "--help"], capture_output=True, text=True)
    para = []
    for line in p.stdout.split("\n"):
        if not line.strip():
            break
        para.append(line.replace("usage: ", "       ", 1) if not para else line)
    # continuation lines of --help are indented past "usage: "
    return entries(para, re.compile(r"^\s*(despin \S.*)$"))


def from_readme(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    keep, in_example = [], False
    for line in lines:
        if line.startswith("    $ "):
            in_example = True
        elif not line.startswith("    "):
            in_example = False
        keep.append("" if in_example else re.sub(r"\s+#\s.*$", "", line))
    return entries(keep, re.compile(r"^    (despin [a-z].*)$"))


def from_man(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^\.SH SYNOPSIS\n(.*?)^\.SH ", text, re.S | re.M)
    lines = []
    for line in m.group(1).split("\n"):
        if line.startswith("."):
            continue
        line = re.sub(r"\\f[BIRP]", "", line).replace("\\-", "-").replace("\\&", "")
        lines.append(line)
    return entries(lines, re.compile(r"^\s*(despin .*)$"))


def main():
    despin = os.path.abspath(sys.argv[1])
    os.chdir(os.environ.get("DS_TOP", os.getcwd()))
    top = subprocess.run([despin, "--help"], capture_output=True, text=True).stdout
    cmds = re.findall(r"^  (\S+)\s", top.split("commands:")[1], re.M)
    readme = from_readme("README.md")
    man = from_man("docs/despin.1")
    examples = set(re.findall(r"^    \$ (?:\S+=\S+ )*despin ([a-z-]+)", open("README.md", encoding="utf-8").read(), re.M))
    n = 0

    def ok(good, what, detail=()):
        nonlocal n
        n += 1
        print("%s %d - %s" % ("ok" if good else "not ok", n, what))
        for d in detail:
            print("#   " + d)

    for cmd in cmds:
        h = from_help(despin, cmd)
        r = [e for e in readme if command_of(e) == cmd]
        m = [e for e in man if command_of(e) == cmd]
        for name, other in (("README.md", r), ("docs/despin.1", m)):
            missing = [e for e in h if e not in other]
            extra = [e for e in other if e not in h]
            ok(h and not missing and not extra, "%s: %s synopses agree with --help" % (cmd, name),
               ["--help has:  " + e for e in missing] + [name + " has: " + e for e in extra])
        ok(cmd in examples, "%s: README.md has an example the docs test runs" % cmd)
    print("1..%d" % n)


if __name__ == "__main__":
    main()
