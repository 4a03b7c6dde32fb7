#!/usr/bin/env python3
"""Human rewrites for despin's benchmark: the hard clean negatives
(python3 standard library).  See docs/README-bench.md.

A rewrite keeps the facts and changes the sentences the way an editor
does: attribution moved ("..., he said." <-> "He said ..."), sentences split
at "; " and ", but", short ones merged, time phrases fronted ("In 1961, ..."),
quotations trimmed to their first sentence; then, each by chance, British
spelling, a new or rewritten headline.  Word choices are left to the
caller (gen_bench.py): a few per article, each kept only where despin's
language model finds it at least as fluent as the original (spin.Fluency).
"""
import re

import spin

SENT_RE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d']))\s+(?=[\"\u201c']?[A-Z])")
ABBREV_END = re.compile(r"(?:^|\s)(?:[A-Z]|%s|(?:[A-Za-z]\.)+[A-Za-z])\.$" % spin.ABBREVS)
SPEAKER = r"(?:he|she|they|He|She|They|[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z]+)?)"
VERB = r"(?:said|says|added|explained|told reporters|declared)"
CLAUSE_START = set("the he she it they we i you his her its their this these those there"
                   " our a an many most some".split())
LOWER_OK = set("the a an he she it they this that these those there we i you his her its their"
               " our in on at for but and so then".split())

BRITISH = [("color", "colour"), ("honor", "honour"), ("labor", "labour"), ("favor", "favour"),
           ("neighbor", "neighbour"), ("behavior", "behaviour"), ("harbor", "harbour"),
           ("center", "centre"), ("theater", "theatre"), ("meter", "metre"), ("fiber", "fibre"),
           ("defense", "defence"), ("offense", "offence"), ("license", "licence"),
           ("program", "programme"), ("catalog", "catalogue"), ("traveled", "travelled"),
           ("traveling", "travelling"), ("canceled", "cancelled"), ("labeled", "labelled"),
           ("modeled", "modelled"), ("jewelry", "jewellery"), ("gray", "grey"),
           ("centered", "centred"), ("centering", "centring"),
           ("plow", "plough"), ("aluminum", "aluminium"),
           ("organize", "organise"), ("recognize", "recognise"), ("realize", "realise"),
           ("criticize", "criticise"), ("emphasize", "emphasise"), ("apologize", "apologise"),
           ("authorize", "authorise"), ("organization", "organisation"),
           ("analyze", "analyse"), ("paralyze", "paralyse")]


def sentences(par):
    out, cur = [], ""
    for piece in SENT_RE.split(par):
        cur = cur + " " + piece if cur else piece
        if ABBREV_END.search(cur):
            continue
        out.append(cur)
        cur = ""
    if cur:
        out.append(cur)
    return out


def _lower_first(s):
    w = s.split(" ", 1)[0]
    return s[:1].lower() + s[1:] if w.lower() in LOWER_OK else s


def _upper_first(s):
    return s[:1].upper() + s[1:]


def move_attribution(s):
    m = re.match(r'^(["\u201c]?)(.{20,}?),(["\u201d]?) (%s) (%s)\.$' % (SPEAKER, VERB), s)
    if m and not m.group(1):
        return "%s %s that %s." % (_upper_first(m.group(4)), m.group(5), _lower_first(m.group(2)))
    m = re.match(r"^(%s) (said|says|added) (?:that )?(.{20,})\.$" % SPEAKER, s)
    if m:
        who = m.group(1) if m.group(1) not in ("He", "She", "They") else m.group(1).lower()
        return "%s, %s %s." % (_upper_first(m.group(3)), who, m.group(2))
    return None


def split_sentence(s):
    for sep, joiner in (("; ", ""), (", but ", "But "), (", and ", "")):
        k = s.find(sep)
        if k < 0:
            continue
        a, b = s[:k], s[k + len(sep):]
        if len(a.split()) < 6 or len(b.split()) < 6 or a.count('"') % 2 or b.count('"') % 2:
            continue
        first = b.split(" ", 1)[0]
        if ":" in a or not (first.lower() in CLAUSE_START or first[:1].isupper()):
            continue
        return [a + ".", joiner + (b if joiner else _upper_first(b))]
    return None


def front_time(s):
    m = re.match(r"^(.{25,}?) ((?:in|on|by|during|after|before) (?:(?:the )?(?:spring|summer|fall|"
                 r"autumn|winter) (?:of )?)?(?:January |February |March |April |May |June |July |"
                 r"August |September |October |November |December )?(?:1[6-9]|20)\d\d|on (?:Monday|"
                 r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\.$", s)
    if not m:
        return None
    return "%s, %s." % (_upper_first(m.group(2)), _lower_first(m.group(1)))


def trim_quote(s):
    m = re.search(r'(["\u201c])([^"\u201c\u201d]{30,}?[.!?])( [^"\u201c\u201d]{15,}?)(["\u201d])', s)
    if not m:
        return None
    return s[:m.start(3)] + s[m.end(3):]


def restructure(text, rng, rate=0.35):
    """Sentence-level rewrites of an article.  Returns (text, [ops])."""
    sep = "\n\n" if "\n\n" in text else "\n"
    paras = text.rstrip("\n").split(sep)
    ops = set()
    out = []
    for p in paras:
        ss = sentences(p)
        new = []
        i = 0
        while i < len(ss):
            s = ss[i]
            r = rng.random()
            if r < rate:
                for name, fn in rng.sample([("attribution", move_attribution), ("split", split_sentence),
                                            ("front", front_time), ("quote", trim_quote)], 4):
                    got = fn(s)
                    if got:
                        ops.add(name)
                        if isinstance(got, list):
                            new.extend(got)
                        else:
                            new.append(got)
                        break
                else:
                    new.append(s)
            elif r < rate * 1.4 and i + 1 < len(ss) and len(s.split()) < 14 and \
                    len(ss[i + 1].split()) < 14 and s.endswith(".") and '"' not in s + ss[i + 1]:
                new.append(s[:-1] + "; " + _lower_first(ss[i + 1]))
                ops.add("merge")
                i += 1
            else:
                new.append(s)
            i += 1
        out.append(" ".join(new))
    return sep.join(out) + "\n", sorted(ops)


# Spelt the British way as nouns only: their verbs keep the American
# spelling ("licensed", "programmed") or change otherwise ("centred", above),
# so only the plural follows.  Words whose British spelling is another word
# as often as not ("tire" / "tyre": "tired"; "check" / "cheque": "checked")
# are not in the list.
NOUN_ONLY = {"center", "theater", "meter", "fiber", "license", "program", "catalog"}


def british(text):
    """American to British spelling (with the -s, -ed, -ing, -ation forms)."""
    t = text
    for am, br in BRITISH:
        ends = "(s)?" if am in NOUN_ONLY else "(s|ed|ing|d)?"
        t = re.sub(r"\b%s%s\b" % (am, ends), lambda m: br + (m.group(1) or ""), t)
        t = re.sub(r"\b%s%s\b" % (am.capitalize(), ends),
                   lambda m: br.capitalize() + (m.group(1) or ""), t)
    return t


def new_headline(text, rng):
    """A headline the way a desk writes one: the first sentence cut to a few
    words, articles dropped, "said" -> "says"; it replaces a first line that
    looks like a headline or goes on top."""
    sep = "\n\n" if "\n\n" in text else "\n"
    paras = text.rstrip("\n").split(sep)
    first = paras[0]
    if first.startswith(" date ") or len(paras) < 2:
        return text
    is_head = len(first.split()) <= 14 and not first.rstrip().endswith((".", "?", "!", '"'))
    body_first = paras[1] if is_head and len(paras) > 1 else first
    ss = sentences(body_first)
    w = [x for x in (ss[0] if ss else body_first).split() if x.lower() not in ("the", "a", "an")]
    w = [("says" if x == "said" else x) for x in w[:rng.randint(6, 10)]]
    head = " ".join(w).rstrip(",;:.")
    if not head:
        return text
    if is_head:
        paras[0] = head
    else:
        paras.insert(0, head)
    return sep.join(paras) + "\n"
