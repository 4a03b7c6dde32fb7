#!/usr/bin/env python3
"""Builds despin's benchmark from held-out clean texts (python3 standard
library; apertium for round trips and pivot synonyms; despin's language
model for context checks).  See docs/README-bench.md.

  scripts/gen_bench.py --src corpus/bench-heldout corpus/bench-extra --out corpus/bench \
      [--seed 1] [--n 200] [--max-per-domain N] [--clean-frac 0.2] [--test-frac 0.5] \
      [--rates 0.05,0.10,0.20,0.30,0.40] [--spins 3] [--thesauri LIST] \
      [--partial-frac 0.25] [--consistent-frac 0.3] [--context-frac 0.3] \
      [--roundtrip-frac 1.0] [--article-words 600] [--no-roundtrip] [--no-lm]

From each source text it writes thesaurus spins (each with a rate,
thesaurus family, sense policy, consistent choice or not, all or some
paragraphs, drawn at random), by chance a context-aware spin and a round
trip (Spanish, Esperanto or chained), and one human edit, rewrite or
republication; a share of the texts is kept aside unmodified as unrelated
clean articles.  Every generated file has a record in OUT/manifest.jsonl
(with its spinner family, policy and domain); the sources used are listed
in OUT/sources.jsonl.  Source documents are split into "train" and "test"
so that no source has files in both.  Output is the same for the same
inputs, options and seed.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import spin  # noqa: E402
import rewrite  # noqa: E402

PIVOTS = ("spa", "epo")
SEP = "[[[%05d]]]"
SEP_RE = re.compile(r"^\[\[\[(\d{5})\]\]\]$", re.M)


def die(msg):
    sys.stderr.write("gen_bench: %s\n" % msg)
    sys.exit(1)


def stable_seed(*parts):
    """A seed from the parts: 256 bits of SHA-256 (seeds from a 32-bit CRC
    of similar names start Python's generator in correlated states)."""
    return int.from_bytes(hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8")).digest(),
                          "big")


# ---------------------------------------------------------------------------
# Inputs

def list_inputs(srcs):
    files = []
    for s in srcs:
        if os.path.isdir(s):
            for root, dirs, names in os.walk(s):
                dirs.sort()
                for n in sorted(names):
                    if n.startswith(".") or n.upper().startswith("README"):
                        continue
                    files.append(os.path.join(root, n))
        elif os.path.isfile(s):
            files.append(s)
        else:
            die("cannot open %s: no such file or directory" % s)
    return sorted(set(files))


SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)]?(\s+)(?=[\"'\u201c\u2018(]?[A-Z0-9])")
ABBREV = re.compile(r"(?:^|[\s(])(?:[A-Z]|%s|(?:[A-Za-z]\.)+[A-Za-z])\.$" % spin.ABBREVS)


def sentences(par):
    """Sentences of a paragraph (not cut after "Mr." or "U.S.")."""
    out, last = [], 0
    for m in SENT_END.finditer(par):
        head = par[last:m.start(1)]
        if ABBREV.search(head):
            continue
        out.append(head)
        last = m.end(1)
    out.append(par[last:])
    return [x for x in out if x.strip()]


def normalise(text):
    """Unix line ends, no trailing blanks; a text written on one line is cut
    into paragraphs of three sentences.  Returns (text, paragraph separator)."""
    t = text.replace("\r\n", "\n").replace("\r", "\n")
    t = "\n".join(line.rstrip() for line in t.split("\n")).strip("\n")
    if "\n" not in t and len(t.split()) > 150:
        ss = sentences(t)
        t = "\n\n".join(" ".join(ss[i:i + 3]) for i in range(0, len(ss), 3))
    t = re.sub(r"\n{3,}", "\n\n", t)
    return t, ("\n\n" if "\n\n" in t else "\n")


def articles(text, words, min_words, rng):
    """Cuts a long text into article-sized pieces of about `words` words
    (0.6 to 1.4 times, drawn at random) at paragraph boundaries; a paragraph
    longer than a piece is cut at sentences.  Pieces shorter than min_words
    join the one before."""
    t, sep = normalise(text)
    units = []
    for p in t.split(sep):
        if not p.strip():
            continue
        if len(p.split()) > 1.4 * words:
            ss = sentences(p)
            for i in range(0, len(ss), 4):
                units.append(" ".join(ss[i:i + 4]))
        else:
            units.append(p)
    pieces, cur, n = [], [], 0
    goal = rng.uniform(0.6, 1.4) * words
    for u in units:
        cur.append(u)
        n += len(u.split())
        if n >= goal:
            pieces.append(cur)
            cur, n = [], 0
            goal = rng.uniform(0.6, 1.4) * words
    if cur:
        if pieces and n < min_words:
            pieces[-1].extend(cur)
        else:
            pieces.append(cur)
    return [sep.join(x) + "\n" for x in pieces if len(" ".join(x).split()) >= min_words]


def make_id(path, taken):
    base = os.path.basename(path)
    base = re.sub(r"\.(txt|text)$", "", base)
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", base).strip("._") or "doc"
    i, name = 1, base
    while name in taken:
        i += 1
        name = "%s-%d" % (base, i)
    taken.add(name)
    return name


# ---------------------------------------------------------------------------
# Offsets through layout changes and wrappers

def relayout(text, subs, rng):
    """Changes paragraph separators ("\\n\\n" <-> "\\n") and shifts the
    character offsets of subs to match.  Returns (text, subs, what)."""
    if "\n\n" in text:
        pat, rep, what = re.compile(r"\n\n+"), "\n", "single_newlines"
    else:
        pat, rep, what = re.compile(r"\n"), "\n\n", "blank_lines"
    out, marks, last, delta = [], [], 0, 0
    for m in pat.finditer(text.rstrip("\n")):
        out.append(text[last:m.start()])
        out.append(rep)
        delta += len(rep) - (m.end() - m.start())
        marks.append((m.end(), delta))
        last = m.end()
    out.append(text[last:])
    new = []
    for s in subs:
        d = 0
        for pos, dd in marks:
            if pos <= s["start"]:
                d = dd
            else:
                break
        s = dict(s)
        s["start"] += d
        s["end"] += d
        new.append(s)
    return "".join(out), new, what


HEADLINE_WORDS = (8, 14)
MENU = ["Home", "World", "U.S.", "Politics", "Business", "Opinion", "Tech",
        "Science", "Health", "Sports", "Arts", "Travel", "Video", "Podcasts",
        "Local", "Weather", "Markets", "Newsletters"]
FOOTER = ["About", "Advertising", "Jobs", "Team", "Contacts", "Submit an Opinion",
          "Store", "Privacy Policy", "Terms of Use", "Cookie Settings"]


def headline(text):
    s = sentences(text.split("\n")[0].strip() or text.strip())
    w = (s[0] if s else text).split()
    return " ".join(w[:random.Random(len(w)).randint(*HEADLINE_WORDS)]).rstrip(",;:")


def boilerplate(rng, headlines):
    """(prefix, suffix) of web-page furniture."""
    top, bottom = [], []
    if rng.random() < 0.6:
        top.append(" ".join(rng.sample(MENU, rng.randint(4, 9))))
    if rng.random() < 0.3:
        top.append(rng.choice(["Advertisement", "Skip to content", "Share this article",
                               "Listen to this article", "Sign in"]))
    if rng.random() < 0.7:
        bottom.append(rng.choice(["More", "Related", "Read more", "Recommended"]))
        bottom.append(" ".join(rng.sample(FOOTER, rng.randint(3, 7))))
    if rng.random() < 0.7:
        bottom.append("Follow Us")
        bottom.append("Enter your email to subscribe")
        for _ in range(rng.randint(1, 4)):
            bottom.append("Subscribe")
            bottom.append("* indicates required")
    if headlines and rng.random() < 0.7:
        k = min(len(headlines), rng.randint(3, 9))
        for h in rng.sample(headlines, k):
            bottom.append("- " + h)
    if rng.random() < 0.4:
        bottom.append("\u00a9 %d %s. All rights reserved." %
                      (rng.randint(2012, 2025), rng.choice(["The Daily Record", "Metro News Group",
                                                          "Independent Media", "Newswire Inc"])))
    if not top and not bottom:
        bottom = ["Subscribe", "* indicates required"]
    pre = "\n".join(top) + "\n" if top else ""
    suf = "\n" + "\n".join(bottom) + "\n" if bottom else ""
    return pre, suf


def date_header(rng):
    return " date %04d-%02d-%02d " % (rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28))


def wrap(text, subs, rng, headlines, p):
    """With probability p per wrapper: relayout, boilerplate, date header.
    Returns (text, subs, [wrappers])."""
    done = []
    if rng.random() < p:
        text, subs, what = relayout(text, subs, rng)
        done.append(what)
    pre, suf = "", ""
    if rng.random() < p:
        pre, suf = boilerplate(rng, headlines)
        done.append("boilerplate")
    if rng.random() < p:
        pre = date_header(rng) + pre
        done.append("date_header")
    if pre or suf:
        body = text.rstrip("\n")
        text = pre + body + suf
        shift = len(pre)
        subs = [dict(s, start=s["start"] + shift, end=s["end"] + shift) for s in subs]
    if not text.endswith("\n"):
        text += "\n"
    return text, subs, done


# ---------------------------------------------------------------------------
# Legitimate edits

CONTRACT = [("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"),
            ("is not", "isn't"), ("are not", "aren't"), ("was not", "wasn't"),
            ("were not", "weren't"), ("will not", "won't"), ("cannot", "can't"),
            ("could not", "couldn't"), ("would not", "wouldn't"), ("has not", "hasn't"),
            ("have not", "haven't"), ("it is", "it's"), ("we are", "we're"),
            ("they are", "they're"), ("I am", "I'm")]
STYLE = [("toward", "towards"), ("Kyiv", "Kiev"), ("percent", "per cent"),
         ("U.S.", "US"), ("U.N.", "UN"), ("Mr.", "Mr"), ("Mrs.", "Mrs"), ("Dr.", "Dr"),
         ("e-mail", "email"), ("Feb.", "February"), ("Jan.", "January"),
         ("Aug.", "August"), ("Sept.", "September"), ("Oct.", "October"),
         ("Nov.", "November"), ("Dec.", "December"), ("okay", "OK"),
         ("\u201c", "\""), ("\u201d", "\""), ("\u2019", "'"), ("\u2014", " - ")]
NUMWORDS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
            "7": "seven", "8": "eight", "9": "nine", "10": "ten"}


def copyedit(text, rng):
    """Numbers, percent signs, contractions, house style."""
    t = text
    if rng.random() < 0.7:
        t = re.sub(r"(\d)%", r"\1 percent", t)
    if rng.random() < 0.5:
        t = re.sub(r"\b([1-9]|10)\b(?![.,:/\d%])",
                   lambda m: NUMWORDS[m.group(1)] if rng.random() < 0.7 else m.group(1), t)
    pairs = CONTRACT[:]
    rng.shuffle(pairs)
    expand = rng.random() < 0.4
    for a, b in pairs[:rng.randint(3, len(pairs))]:
        if expand:
            a, b = b, a
        t = re.sub(r"\b%s\b" % re.escape(a), b, t) if a[0].isalpha() and a[-1].isalpha() \
            else t.replace(a, b)
    for a, b in STYLE:
        if rng.random() < 0.35:
            t = t.replace(a, b)
    return t


def typos(text, rng):
    """A few human slips: swapped, doubled or dropped letters in long words."""
    words = [m for m in re.finditer(r"\b[a-z]{6,}\b", text)]
    if not words:
        return text
    picks = sorted(rng.sample(words, min(len(words), rng.randint(1, 3))), key=lambda m: m.start())
    out, last = [], 0
    for m in picks:
        w = m.group(0)
        i = rng.randint(1, len(w) - 3)
        k = rng.randint(0, 2)
        if k == 0:
            w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif k == 1:
            w2 = w[:i] + w[i] + w[i:]
        else:
            w2 = w[:i] + w[i + 1:]
        out.append(text[last:m.start()])
        out.append(w2)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def drop_sentences(text, rng):
    sep = "\n\n" if "\n\n" in text else "\n"
    paras = text.rstrip("\n").split(sep)
    out = []
    frac = rng.uniform(0.05, 0.25)
    for p in paras:
        ss = sentences(p)
        keep = [s for s in ss if rng.random() >= frac] if len(ss) > 1 else ss
        if not keep and rng.random() < 0.5:
            continue
        out.append(" ".join(keep or ss))
    if not out:
        out = paras
    return sep.join(out) + "\n"


def move_paragraphs(text, rng):
    sep = "\n\n" if "\n\n" in text else "\n"
    paras = text.rstrip("\n").split(sep)
    if len(paras) < 3:
        return text
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(1, len(paras))
        p = paras.pop(i)
        paras.insert(rng.randrange(1, len(paras) + 1), p)
    if rng.random() < 0.3:                       # trimmed at the end
        paras = paras[:max(2, int(len(paras) * rng.uniform(0.6, 0.9)))]
    return sep.join(paras) + "\n"


EDIT_OPS = {"drop_sentences": drop_sentences, "move_paragraphs": move_paragraphs,
            "copyedit": copyedit, "typos": typos}


def edit(text, rng, headlines):
    names = sorted(EDIT_OPS)
    ops = rng.sample(names, rng.randint(1, 3))
    ops.sort(key=names.index)
    for o in ops:
        text = EDIT_OPS[o](text, rng)
    text, _, wrappers = wrap(text, [], rng, headlines, 0.5)
    return text, ops + wrappers


# ---------------------------------------------------------------------------
# Round trips, batched: one apertium pipeline per pivot for all texts

def roundtrip_batch(pivot, items):
    """items: [(key, text)] -> {key: translated text}.  Texts missing
    from the batch output are retried one by one."""
    script = os.path.join(HERE, "roundtrip.sh")
    parts = []
    for n, (_, t) in enumerate(items):
        parts.append(SEP % n)
        parts.append(t.strip("\n"))
    data = ("\n\n".join(parts) + "\n").encode("utf-8")
    p = subprocess.run([script, pivot], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        die("round trip through %s failed: %s" % (pivot, p.stderr.decode("utf-8", "replace").strip()))
    out = p.stdout.decode("utf-8", "replace")
    marks = list(SEP_RE.finditer(out))
    got = {}
    for k, m in enumerate(marks):
        n = int(m.group(1))
        end = marks[k + 1].start() if k + 1 < len(marks) else len(out)
        if n < len(items) and n not in got:
            got[n] = out[m.end():end].strip("\n") + "\n"
    res = {}
    for n, (key, t) in enumerate(items):
        if n in got and got[n].strip():
            res[key] = got[n]
        else:
            q = subprocess.run([script, pivot], input=t.encode("utf-8"),
                               stdout=subprocess.PIPE, check=True)
            res[key] = q.stdout.decode("utf-8", "replace")
    return res


# ---------------------------------------------------------------------------

def domain_of(origin):
    """Domain of a text, from its input file name: Brown press (ca-cc),
    non-fiction (cd-cj) and fiction (ck-cr), State of the Union before and
    after 1900, else the name's first part (moby, email, ...)."""
    b = os.path.basename(origin or "")
    if b.startswith("brown-c"):
        g = b[7:8]
        return "press" if g in "abc" else "nonfiction" if g in "defghj" else "fiction"
    m = re.match(r"sotu-(\d{4})", b)
    if m:
        return "sotu-19c" if int(m.group(1)) < 1900 else "sotu-20c"
    m = re.match(r"([a-z]+)-", b)
    return m.group(1) if m else "other"


def spin_paragraphs(sp, text, rate, func_rate, name_rate, frac):
    """Spins a share frac of the paragraphs of text (at least one), the
    others left as they are.  Returns what Spinner.spin returns."""
    parts = re.split(r"(\n\s*\n|\n)", text)
    paras = [i for i in range(0, len(parts), 2) if parts[i].strip()]
    k = max(1, int(round(len(paras) * frac)))
    chosen = set(sp.rng.sample(paras, min(k, len(paras))))
    out, subs, n_content, pos = [], [], 0, 0
    for i, piece in enumerate(parts):
        if i in chosen:
            new, ss, n = sp.spin(piece, rate, func_rate, name_rate)
            n_content += n
            subs += [dict(x, start=x["start"] + pos, end=x["end"] + pos) for x in ss]
            piece = new
        out.append(piece)
        pos += len(piece)
    return "".join(out), subs, n_content


NEGATIVES = (("rewrite", 0.45), ("edit", 0.35), ("republish", 0.20))
CONTEXT_THESAURI = ("wordnet", "mythes", "pivot-spa", "pivot-epo", "distrib")


def some_of(text, rng, ops, steps):
    """Applies each (probability, name, function(text, rng)) of steps by
    chance, in order; the names of those applied are added to ops."""
    for p, name, fn in steps:
        if rng.random() < p:
            text = fn(text, rng)
            ops.append(name)
    return text


def pick_weighted(rng, items):
    x = rng.random() * sum(w for _, w in items)
    for name, w in items:
        x -= w
        if x < 0:
            return name
    return items[-1][0]


def main():
    ap = argparse.ArgumentParser(description="build the despin benchmark")
    ap.add_argument("--src", nargs="+", required=True, help="held-out texts: directories or files")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n", type=int, default=200, help="texts to use (sources and clean)")
    ap.add_argument("--max-per-domain", type=int, default=0, help="at most this many texts of a domain")
    ap.add_argument("--clean-frac", type=float, default=0.2)
    ap.add_argument("--test-frac", type=float, default=0.5)
    ap.add_argument("--rates", default="0.05,0.10,0.20,0.30,0.40")
    ap.add_argument("--spins", type=int, default=3, help="thesaurus spins per source")
    ap.add_argument("--thesauri", default=",".join(spin.THESAURI))
    ap.add_argument("--partial-frac", type=float, default=0.25,
                    help="share of spins that spin only some paragraphs")
    ap.add_argument("--consistent-frac", type=float, default=0.3,
                    help="share of spins that use one substitute per word throughout")
    ap.add_argument("--context-frac", type=float, default=0.3,
                    help="share of sources with a context-aware spin")
    ap.add_argument("--roundtrip-frac", type=float, default=1.0,
                    help="share of sources with a round trip (spa, epo or chained)")
    ap.add_argument("--article-words", type=int, default=600,
                    help="cut longer texts into articles of about this many words (0: never)")
    ap.add_argument("--min-words", type=int, default=80)
    ap.add_argument("--no-roundtrip", action="store_true")
    ap.add_argument("--despin", default=os.path.join(HERE, "..", "build", "despin"),
                    help="for the language model's context checks")
    ap.add_argument("--models", default=os.path.join(HERE, "..", "models"))
    ap.add_argument("--no-lm", action="store_true",
                    help="no context checks: no context-aware spins, rewrites without word choices")
    a = ap.parse_args()
    t0 = time.time()
    rates = [float(x) for x in a.rates.split(",") if x]
    thesauri = [x for x in a.thesauri.split(",") if x]
    for th in thesauri:
        if th not in spin.THESAURI:
            die("unknown thesaurus %s" % th)
    use_lm = not a.no_lm and os.access(a.despin, os.X_OK) and \
        os.path.exists(os.path.join(a.models, "lm.bin"))
    if not use_lm and not a.no_lm:
        sys.stderr.write("gen_bench: no language model (%s, %s/lm.bin): no context checks\n"
                         % (a.despin, a.models))

    # read, cut into articles; roles and splits go by input file, so the
    # pieces of one file are all sources or all clean, all train or all test
    taken = set()
    files = []
    for path in list_inputs(a.src):
        try:
            with open(path, "rb") as f:
                raw = f.read().decode("utf-8", "replace")
        except OSError as e:
            die("cannot open %s: %s" % (path, e.strerror))
        fid = make_id(path, taken)
        r = random.Random(stable_seed(a.seed, "cut", fid))
        if a.article_words > 0:
            pieces = articles(raw, a.article_words, a.min_words, r)
        else:
            t, _ = normalise(raw)
            pieces = [t + "\n"] if len(t.split()) >= a.min_words else []
        if pieces:
            files.append((fid, path, pieces))
    if not files:
        die("no usable texts in %s" % " ".join(a.src))
    rng = random.Random(a.seed)
    rng.shuffle(files)
    if a.max_per_domain > 0:
        kept, per = [], {}
        for fid, path, pieces in files:
            dom = domain_of(path)
            room = a.max_per_domain - per.get(dom, 0)
            if room <= 0:
                continue
            pieces = pieces[:room]
            per[dom] = per.get(dom, 0) + len(pieces)
            kept.append((fid, path, pieces))
        files = kept
    total = min(a.n, sum(len(p) for _, _, p in files))
    want_clean = int(round(total * a.clean_frac)) if len(files) > 1 else 0
    docs, n_clean = [], 0
    s_test = s_all = c_test = c_all = 0
    for fid, path, pieces in files:
        if len(docs) >= total:
            break
        role = "source"
        if n_clean < want_clean and (n_clean + len(pieces) <= want_clean * 1.5 or n_clean == 0) \
                and len(files) > 1:
            role = "clean"
        # greedy: the split that is furthest below its share takes the file
        k = min(len(pieces), total - len(docs))
        if role == "clean":
            nt, nn = c_test, c_all
        else:
            nt, nn = s_test, s_all
        split = "test" if nt + k / 2 < a.test_frac * (nn + k) else "train"
        if role == "clean":
            c_all += k
            c_test += k if split == "test" else 0
        else:
            s_all += k
            s_test += k if split == "test" else 0
        for k, text in enumerate(pieces):
            if len(docs) >= total:
                break
            did = fid if len(pieces) == 1 else "%s.p%02d" % (fid, k + 1)
            docs.append({"id": did, "origin": path, "text": text, "role": role, "split": split,
                         "piece": k + 1, "pieces": len(pieces), "domain": domain_of(path)})
            if role == "clean":
                n_clean += 1
    headlines = [headline(d["text"]) for d in docs]

    # output tree, built aside and moved into place at the end
    out = a.out.rstrip("/")
    tmp = out + ".tmp%d" % os.getpid()
    shutil.rmtree(tmp, ignore_errors=True)
    for sub in ("sources", "spun", "context", "roundtrip", "edited", "rewrite", "republish", "clean"):
        os.makedirs(os.path.join(tmp, sub))

    def write(rel, text):
        with open(os.path.join(tmp, rel), "w", encoding="utf-8", newline="") as f:
            f.write(text)

    def human(base, kind, rel, text, ops, r, others, p_wrap):
        """Writes a human rewrite or republication (with page changes by
        chance p_wrap) and returns its record."""
        text, _, wrappers = wrap(text, [], r, others, p_wrap)
        write(rel, text)
        return dict(base, file=rel, label="clean", kind=kind, rate=None, family=None,
                    thesaurus=None, policy=None, edits=ops + wrappers, substitutions=[])

    sources = [d for d in docs if d["role"] == "source"]

    # round trips run in the background while the spinner works; a chained
    # one goes through Spanish, then Esperanto
    rt_result, rt_threads = {}, []
    if not a.no_roundtrip:
        by_pivot = {p: [] for p in PIVOTS + ("chain",)}
        for d in sources:
            r = random.Random(stable_seed(a.seed, "pivot", d["id"]))
            if r.random() >= a.roundtrip_frac:
                continue
            d["pivot"] = (PIVOTS + ("chain",))[r.randrange(3)]
            by_pivot[d["pivot"]].append((d["id"], d["text"]))

        def chain(items):
            mid = roundtrip_batch("spa", items)
            rt_result.update({("chain", k): v for k, v in
                              roundtrip_batch("epo", [(k, mid[k]) for k, _ in items]).items()})
        for p, items in by_pivot.items():
            if not items:
                continue
            if p == "chain":
                th = threading.Thread(target=chain, args=(items,))
            else:
                th = threading.Thread(target=lambda p=p, items=items: rt_result.update(
                    {(p, k): v for k, v in roundtrip_batch(p, items).items()}))
            th.start()
            rt_threads.append(th)

    ctx_thesauri = [t for t in CONTEXT_THESAURI if t in thesauri] or ["wordnet"]
    res = spin.Resources(tuple(set(thesauri) | set(ctx_thesauri)))
    for d in docs:
        res.add_counts(d["text"])
    t_load = time.time() - t0

    records = []
    unchanged = 0  # spins that found nothing to swap: not written
    srcrecs = []
    fluency = spin.Fluency(a.despin, a.models) if use_lm else None
    pending = []      # (kind, doc, state) finished after the context checks
    for d in docs:
        base = {"split": d["split"], "origin": d["origin"], "domain": d["domain"]}
        if d["role"] == "clean":
            rel = "clean/%s.txt" % d["id"]
            write(rel, d["text"])
            records.append(dict(base, file=rel, label="clean", kind="clean", source=None, rate=None,
                                family=None, thesaurus=None, policy=None, substitutions=[]))
            continue
        src_rel = "sources/%s.txt" % d["id"]
        write(src_rel, d["text"])
        srcrecs.append({"file": src_rel, "split": d["split"], "origin": d["origin"],
                        "domain": d["domain"], "words": len(d["text"].split()),
                        "piece": d["piece"], "pieces": d["pieces"]})
        base["source"] = src_rel
        for k in range(a.spins):
            r = random.Random(stable_seed(a.seed, "spin", d["id"], k))
            rate = rates[k % len(rates)] if a.spins == len(rates) else r.choice(rates)
            th = r.choice(thesauri)
            pol = r.choice(spin.POLICIES)
            func_rate = r.choice((0.0, 0.5, 0.5, 0.9, 0.9))
            name_rate = rate if r.random() < 0.5 else 0.0
            consistent = r.random() < a.consistent_frac
            frac = r.uniform(0.3, 0.7) if r.random() < a.partial_frac else 1.0
            sp = spin.Spinner(res, th, pol, r.getrandbits(32), consistent=consistent)
            if frac < 1.0:
                text, subs, n_content = spin_paragraphs(sp, d["text"], rate, func_rate, name_rate, frac)
            else:
                text, subs, n_content = sp.spin(d["text"], rate, func_rate, name_rate)
            if not subs:
                # nothing to swap at this rate: a copy of its source is no spin
                unchanged += 1
                continue
            text, subs, wrappers = wrap(text, subs, r, headlines, 0.25)
            rel = "spun/%s.s%d.r%02d.txt" % (d["id"], k + 1, int(round(rate * 100)))
            write(rel, text)
            n_th = sum(1 for s in subs if s["how"] == "thesaurus")
            records.append(dict(
                base, file=rel, label="spun", kind="spin", rate=rate,
                rate_actual=round(n_th / n_content, 4) if n_content else 0.0,
                func_rate=func_rate, name_rate=name_rate, family=th, thesaurus=th, policy=pol,
                consistent=consistent, paragraphs=round(frac, 2), wrappers=wrappers,
                substitutions=spin.byte_offsets(text, subs)))
        if fluency is not None:
            r = random.Random(stable_seed(a.seed, "context", d["id"]))
            if r.random() < a.context_frac:
                th = r.choice(ctx_thesauri)
                pol = r.choice(("first", "frequent"))
                sp = spin.Spinner(res, th, pol, r.getrandbits(32))
                prop = sp.propose(d["text"], 1.0, 0.0, 0.0)
                qs = [(e, fluency.add(prop, prop.edits[e])) for e in range(len(prop.edits))]
                pending.append(("context", d, (r, sp, prop, qs, th, pol, r.uniform(0.10, 0.40))))
        r = random.Random(stable_seed(a.seed, "negative", d["id"]))
        neg = pick_weighted(r, NEGATIVES)
        others = [h for h, o in zip(headlines, docs) if o is not d]
        if neg == "edit":
            text, ops = edit(d["text"], r, others)
            rel = "edited/%s.edit.txt" % d["id"]
            write(rel, text)
            records.append(dict(base, file=rel, label="clean", kind="edit", rate=None, family=None,
                                thesaurus=None, policy=None, edits=ops, substitutions=[]))
        elif neg == "republish":
            ops = []
            text = some_of(d["text"], r, ops, ((0.5, "copyedit", copyedit),
                                                (0.3, "headline", rewrite.new_headline)))
            records.append(human(base, "republish", "republish/%s.rep.txt" % d["id"],
                                 text, ops, r, others, 1.0))
        else:
            text, ops = rewrite.restructure(d["text"], r)
            text = some_of(text, r, ops, ((0.35, "british", lambda t, _: rewrite.british(t)),
                                          (0.4, "copyedit", copyedit),
                                          (0.5, "headline", rewrite.new_headline)))
            state = (r, text, ops, others, [])
            if fluency is not None:
                # a few word choices, each only where the model finds the new
                # word at least as fluent: an editor's rate
                sp = spin.Spinner(res, "wordnet", "frequent", r.getrandbits(32))
                prop = sp.propose(text, min(1.0, 12.0 / max(1, len(text.split()))), 0.0, 0.0)
                qs = [(e, fluency.add(prop, prop.edits[e])) for e in range(len(prop.edits))]
                state = (r, text, ops, others, (sp, prop, qs))
            pending.append(("rewrite", d, state))
    t_spin = time.time() - t0

    deltas = fluency.run() if fluency is not None else []
    for kind, d, state in pending:
        base = {"split": d["split"], "origin": d["origin"], "domain": d["domain"],
                "source": "sources/%s.txt" % d["id"]}
        if kind == "context":
            r, sp, prop, qs, th, pol, rate = state
            fluent = [e for e, q in qs if deltas[q] >= -0.3 and prop.edits[e][3] == "thesaurus"]
            r.shuffle(fluent)
            want = int(round(rate * prop.n_content))
            keep = set(fluent[:want])
            text, subs, n_content = sp.finish(prop, keep)
            if not subs:
                unchanged += 1
                continue
            text, subs, wrappers = wrap(text, subs, r, headlines, 0.25)
            rel = "context/%s.ctx.txt" % d["id"]
            write(rel, text)
            n_th = sum(1 for s in subs if s["how"] == "thesaurus")
            records.append(dict(
                base, file=rel, label="spun", kind="context", rate=rate,
                rate_actual=round(n_th / n_content, 4) if n_content else 0.0, family="context",
                thesaurus=th, policy=pol, fluent=len(fluent), wrappers=wrappers,
                substitutions=spin.byte_offsets(text, subs)))
        else:
            r, text, ops, others, lm = state
            if lm:
                sp, prop, qs = lm
                ok = [e for e, q in qs if deltas[q] >= 0.0 and prop.edits[e][3] == "thesaurus"]
                r.shuffle(ok)
                keep = set(ok[:r.randint(2, 4)])
                text, subs, _ = sp.finish(prop, keep)
                if subs:
                    ops.append("word_choice:%d" % len(subs))
            records.append(human(base, "rewrite", "rewrite/%s.rw.txt" % d["id"],
                                 text, ops, r, others, 0.5))
    t_ctx = time.time() - t0

    for th in rt_threads:
        th.join()
    if not a.no_roundtrip:
        for d in sources:
            if "pivot" not in d:
                continue
            key = (d["pivot"], d["id"])
            if key not in rt_result:
                die("round trip of %s is missing" % d["id"])
            r = random.Random(stable_seed(a.seed, "rt", d["id"]))
            text, _, wrappers = wrap(rt_result[key], [], r, headlines, 0.25)
            rel = "roundtrip/%s.%s.txt" % (d["id"], d["pivot"])
            write(rel, text)
            records.append({"file": rel, "label": "spun", "kind": "roundtrip", "split": d["split"],
                            "source": "sources/%s.txt" % d["id"], "origin": d["origin"],
                            "domain": d["domain"], "rate": None, "family": "roundtrip",
                            "thesaurus": None, "policy": None, "engine": "apertium",
                            "pivot": d["pivot"], "wrappers": wrappers, "substitutions": []})

    records.sort(key=lambda x: x["file"])
    srcrecs.sort(key=lambda x: x["file"])
    with open(os.path.join(tmp, "manifest.jsonl"), "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    with open(os.path.join(tmp, "sources.jsonl"), "w", encoding="utf-8") as f:
        for rec in srcrecs:
            f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    os.rename(tmp, out)

    kinds = {}
    for rec in records:
        k = (rec["kind"], rec["split"])
        kinds[k] = kinds.get(k, 0) + 1
    sys.stderr.write("gen_bench: %d sources, %d clean texts -> %d files in %s "
                     "(load %.1fs, spin+edit %.1fs, context checks %.1fs, total %.1fs)\n" %
                     (len(sources), len(docs) - len(sources), len(records), out,
                      t_load, t_spin - t_load, t_ctx - t_spin, time.time() - t0))
    for k in sorted(kinds):
        sys.stderr.write("gen_bench:   %-9s %-5s %d\n" % (k[0], k[1], kinds[k]))
    if unchanged:
        sys.stderr.write("gen_bench:   %d spins changed no word and were left out\n" % unchanged)
    return 0


if __name__ == "__main__":
    sys.exit(main())
