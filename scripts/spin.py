#!/usr/bin/env python3
"""Synonym spinner used to build despin's benchmark (python3 standard library only).

It imitates article spinners: content words are replaced by thesaurus
synonyms at a chosen rate, and common words and phrases are swapped the way
commercial spinners do ("said" -> "mentioned", "but" -> "however", "year" ->
"12 months").  Replacements are inflected to fit the word they replace
(plural, past tense, participle, -ing, third person -s) and keep its
capitalisation.

Thesauri (all read from installed Debian data, nothing is downloaded):
  wordnet    WordNet 3.0 synsets            /usr/share/wordnet/{index,data}.*
  mythes     LibreOffice en_US thesaurus    /usr/share/mythes/th_en_US_v2.{idx,dat}
  aiksaurus  Aiksaurus meanings             /usr/share/aiksaurus/{words,meanings}.dat
  handlist   a hand-made list of the swaps commercial spinners make, falling
             back to mythes for words it does not know
  pivot-spa  synonyms through a pivot language: the English word's Spanish
  pivot-epo  (or Esperanto) translations in apertium's bilingual dictionary,
             translated back (lt-proc -b on the installed .bin dictionaries)
  distrib    distributional neighbours in the texts given to add_counts()
             (the corpus a spinner would mine)
Sense policies:
  random     any sense of the word, any synonym in it (what cheap spinners do)
  first      first (most frequent) sense of the guessed part of speech,
             a random synonym in it
  frequent   first sense of the guessed part of speech, its most frequent word

Consistent choice (Spinner(consistent=True), --consistent): the first
substitute drawn for a word is used for it throughout.  Spinner.propose()
and finish() split spin() in two, so that the proposed swaps can be
filtered in between, as the context-aware spinner and the context-checked
word choices of human rewrites do with Fluency (despin's language model,
one batched 'despin lm score' call for many texts).

This is the one spinner module of the project: gen_bench.py,
gen_distractors.py and the tests use it.

Command line (one text on stdin, spun text on stdout, ground truth as JSON
on the file given with --json):
  scripts/spin.py --thesaurus wordnet --policy random --rate 0.25 --seed 7 \
      [--func-rate 0.8] [--consistent] [--json subs.json] < in.txt > out.txt
"""

import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys

WORDNET_DIR = os.environ.get("DS_WORDNET_DIR", "/usr/share/wordnet")
MYTHES_BASE = os.environ.get("DS_MYTHES", "/usr/share/mythes/th_en_US_v2")
AIKSAURUS_DIR = os.environ.get("DS_AIKSAURUS_DIR", "/usr/share/aiksaurus")

THESAURI = ("wordnet", "mythes", "aiksaurus", "handlist", "pivot-spa", "pivot-epo", "distrib")
APERTIUM_DIR = os.environ.get("DS_APERTIUM_DIR", "/usr/share/apertium")
PIVOT_DICTS = {"spa": ("apertium-eng-spa/eng-spa.autobil.bin", "apertium-eng-spa/spa-eng.autobil.bin"),
               "epo": ("apertium-eo-en/en-eo.autobil.bin", "apertium-eo-en/eo-en.autobil.bin")}
APERTIUM_TAGS = {"n": "n", "v": "vblex", "a": "adj", "r": "adv"}
POLICIES = ("random", "first", "frequent")
POS_NAMES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}

# ---------------------------------------------------------------------------
# Word classes used for context and for words never handed to a thesaurus.

STOP = set("""
a an the this that these those my your his her its our their whose which what
who whom whoever i me we us you he him she it they them myself yourself himself
herself itself ourselves themselves one ones
be am is are was were been being have has had having do does did doing done
will would shall should can could may might must ought
and or nor but if then else so than as because since though although while
whether unless until till yet
of in on at by for with to from into onto upon about above below over under
between among through during before after against without within across along
around behind beyond near off out up down per via toward towards despite
except like unlike versus amid amidst beside besides inside outside underneath
not no yes n't never ever also too very just only even still already again
more most less least much many some any all both each every either neither
other another such same own few several lot lots
there here where when why how now then today tonight
mr mrs ms dr st jr sr
s t d ll ve re m
""".split())

DET = set("""a an the this that these those my your his her its our their some any
no every each either neither another such what which whose""".split())
MODALS = set("will would shall should can could may might must ought".split())
HAVE = set("have has had having 've".split())
BE = set("be am is are was were been being 're 's".split())
SUBJ = set("i we you he she it they who".split())
PREP = set("""of in on at by for with from into onto upon about above below over under
between among through during before after against without within across along
around behind beyond near off per via toward towards""".split())
TO = {"to"}

# abbreviations ending in a full stop that does not end a sentence
ABBREVS = ("(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Prof|Rev|Inc|Co|Corp|Ltd"
           "|No|vs|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Mt|Ft|Ave|Blvd|etc)")
ABBREV_RE = re.compile(r"(?:[A-Za-z]\.)+|%s\." % ABBREVS)

MONTHS_DAYS = set("""january february march april may june july august september
october november december monday tuesday wednesday thursday friday saturday
sunday""".split())

# ---------------------------------------------------------------------------
# Irregular verbs: base past participle.

IRREGULAR = """
arise arose arisen; awake awoke awoken; bear bore borne; beat beat beaten;
become became become; begin began begun; bend bent bent; bet bet bet;
bind bound bound; bite bit bitten; bleed bled bled; blow blew blown;
break broke broken; breed bred bred; bring brought brought; build built built;
burst burst burst; buy bought bought; cast cast cast; catch caught caught;
choose chose chosen; cling clung clung; come came come; cost cost cost;
creep crept crept; cut cut cut; deal dealt dealt; dig dug dug; draw drew drawn;
drink drank drunk; drive drove driven; eat ate eaten; fall fell fallen;
feed fed fed; feel felt felt; fight fought fought; find found found;
flee fled fled; fly flew flown; forbid forbade forbidden; forget forgot forgotten;
forgive forgave forgiven; freeze froze frozen; get got gotten; give gave given;
go went gone; grind ground ground; grow grew grown; hang hung hung;
hear heard heard; hide hid hidden; hit hit hit; hold held held; hurt hurt hurt;
keep kept kept; kneel knelt knelt; know knew known; lay laid laid; lead led led;
leave left left; lend lent lent; let let let; lie lay lain; light lit lit;
lose lost lost; make made made; mean meant meant; meet met met; pay paid paid;
put put put; quit quit quit; read read read; ride rode ridden; ring rang rung;
rise rose risen; run ran run; say said said; see saw seen; seek sought sought;
sell sold sold; send sent sent; set set set; shake shook shaken; shed shed shed;
shine shone shone; shoot shot shot; show showed shown; shrink shrank shrunk;
shut shut shut; sing sang sung; sink sank sunk; sit sat sat; sleep slept slept;
slide slid slid; speak spoke spoken; speed sped sped; spend spent spent;
spin spun spun; split split split; spread spread spread; spring sprang sprung;
stand stood stood; steal stole stolen; stick stuck stuck; sting stung stung;
strike struck struck; strive strove striven; swear swore sworn; sweep swept swept;
swim swam swum; swing swung swung; take took taken; teach taught taught;
tear tore torn; tell told told; think thought thought; throw threw thrown;
understand understood understood; undertake undertook undertaken; wake woke woken;
wear wore worn; weave wove woven; win won won; wind wound wound;
withdraw withdrew withdrawn; write wrote written; overcome overcame overcome;
undergo underwent undergone; uphold upheld upheld; withhold withheld withheld;
foresee foresaw foreseen; mislead misled misled; overtake overtook overtaken;
prove proved proven; forsake forsook forsaken; outdo outdid outdone;
be was been; have had had; do did done
"""

# ---------------------------------------------------------------------------
# Phrase and function-word swaps of commercial spinners.  "lemma pos: a, b"
# where pos v means every inflection of the verb is matched and the
# replacement is inflected alike, n the same for nouns, and - a literal match.

FUNC_SWAPS = """
say v: mention, state
but -: however
also -: additionally
many -: lots of, quite a few, a lot of
within -: throughout, inside
next -: subsequent, following
death -: loss of life
year -: 12 months
two -: 2
three -: 3
four -: 4
five -: 5
country n: international location, nation
deal -: take care of
dealing -: coping
help v: assist
use v: make use of
get v: acquire, obtain
because of -: as a result of, on account of, owing to
because -: as a result of, since
like -: similar to
show v: present
more -: extra
still -: nonetheless
while -: whereas
among -: amongst
despite -: regardless of, in spite of
in order to -: so as to, with a view to
through -: by means of, via, by way of
throughout -: all through
both -: each
unlike -: not like
become v: change into, grow to be, turn out to be
the United States -: america
including -: together with, along with
during -: throughout, all through
several -: a number of
the most -: probably the most
however -: nevertheless, nonetheless
until -: till
before -: earlier than, prior to
across -: throughout
according to -: in keeping with, in accordance with, based on
as well as -: in addition to
often -: usually, typically
just -: simply, merely
only -: solely
recently -: lately, not too long ago
people -: individuals, folks
want v: need, desire
try v: attempt
take part v: participate
comments -: feedback
"""

# A content-word list of the same kind (the "handlist" thesaurus).
HANDLIST = """
meeting n: assembly, gathering
foreign a: overseas, international
tell v: instruct, inform
war n: battle, struggle
possible a: doable, attainable
global a: international, world
issue n: point, problem
official n: officer
economic a: financial, economical
lose v: shed
ground n: floor
news n: information, info
house n: home, residence
action n: motion
department n: division
resolution n: decision
security n: safety
general a: common, basic
rare a: uncommon
question n: query
move v: transfer
way n: manner, means
dangerous a: harmful
situation n: state of affairs, scenario
organize v: arrange, set up
happen v: occur, come about
comment n: remark
include v: embody, contain
improve v: enhance
suggest v: recommend, urge
give up v: quit, surrender
goal n: aim, objective
join v: be a part of, become a member of
retain v: keep, maintain
speak v: talk, communicate
establish v: set up, determine
address v: deal with, handle
function v: operate, perform
normally r: usually
present a: current
nearly r: practically, almost
numerous a: quite a few
end v: finish, conclude
soon r: quickly, shortly
thing n: factor
watch v: observe
give v: provide, give
money n: cash, funds
trip n: journey
last a: final, previous
concern n: worry, concern
sign v: signal
source n: supply
pressure n: strain, stress
form n: kind, type
change n: modification
close a: near
commitment n: dedication
effective a: efficient
statement n: assertion, announcement
latest a: newest
achieve v: obtain, realize
durable a: sturdy, long-lasting
offer v: supply, provide
short a: brief, quick
loss n: lack
moment n: second
opportunity n: alternative, probability
build v: construct
real a: actual
arise v: come up
remain v: stay
terrible a: horrible, awful
recall v: recollect
previous a: earlier
important a: vital, necessary, essential
body n: physique
maintain v: preserve, keep
international a: worldwide
power n: energy
closely r: intently
leader n: chief, head
start v: begin
representative n: consultant
agree v: concur
spokesman n: spokesperson
government n: authorities
city n: metropolis
expect v: count on, anticipate
decision n: determination, choice
support n: assist, help
support v: help, assist, back
increase v: improve, enhance
problem n: downside, drawback
company n: firm
price n: value, worth
child n: youngster
school n: faculty
student n: scholar, pupil
attack n: assault
business n: enterprise
area n: space, region
family n: household
community n: neighborhood
policy n: coverage
law n: legislation, regulation
campaign n: marketing campaign
health n: well being
team n: crew
player n: participant
game n: sport, recreation
record n: document
research n: analysis
study n: examine
find v: discover
believe v: consider, imagine
think v: suppose, assume
create v: create, generate
result n: outcome, consequence
reason n: cause, motive
number n: quantity, variety
level n: stage, degree
part n: half, component
fact n: truth, reality
high a: excessive
large a: giant, massive
big a: massive, huge
old a: outdated
young a: younger
bad a: unhealthy
great a: nice
long a: lengthy
different a: totally different, completely different
hard a: arduous, onerous
private a: personal, non-public
major a: main
local a: native
national a: nationwide
military a: army
financial a: monetary
recent a: latest, current
main a: principal, primary
likely a: seemingly, probably
certain a: sure
available a: obtainable, accessible
able a: in a position
ready a: prepared
whole a: complete, entire
simple a: easy
easy a: straightforward, simple
difficult a: tough, troublesome
strong a: robust, sturdy
serious a: critical, severe
significant a: vital, important
quickly r: shortly, rapidly
finally r: lastly
especially r: particularly
probably r: most likely, in all probability
actually r: truly, really
currently r: presently, at present
continue v: proceed
allow v: permit, enable
provide v: present, supply
consider v: take into account, think about
receive v: obtain, get
hold v: maintain
buy v: purchase
sell v: promote
send v: ship
leave v: go away, depart
stop v: cease
seem v: appear
feel v: really feel
call v: name
live v: stay, dwell
raise v: increase, elevate
reach v: attain
release v: launch
claim v: declare
cause v: trigger
prevent v: stop, forestall
fight n: combat, struggle
attention n: consideration
experience n: expertise
interest n: curiosity
event n: occasion
project n: undertaking, mission
process n: course of
employee n: worker
agency n: company
court n: courtroom
judge n: decide
victim n: sufferer
injury n: harm
fire n: hearth
food n: meals
car n: automotive
road n: highway, street
building n: constructing
town n: city
street n: avenue
cost n: value, price
bill n: invoice
budget n: finances
trade n: commerce
industry n: business, trade
growth n: progress, development
rate n: charge, fee
party n: celebration, social gathering
idea n: concept, thought
image n: picture
photo n: photograph
technology n: know-how, expertise
energy n: vitality, power
climate n: local weather
weather n: climate
environment n: surroundings, atmosphere
population n: inhabitants
region n: area
force n: drive, pressure
army n: military
agreement n: settlement
role n: function, position
impact n: influence
effect n: impact
benefit n: profit
risk n: threat, danger
threat n: risk, menace
crisis n: disaster
talk n: speak
response n: response, reply
state n: state
need n: necessity, want
"""


def _parse_swaps(spec):
    """'lemma pos: a, b' lines -> list of (lemma words, pos, [targets])."""
    out = []
    for line in spec.strip().splitlines():
        head, _, tail = line.partition(":")
        words = head.split()
        pos = words[-1]
        lemma = " ".join(words[:-1])
        targets = [t.strip() for t in tail.split(",") if t.strip()]
        out.append((lemma, pos, targets))
    return out


# ---------------------------------------------------------------------------
# Morphology: WordNet-style lemmatisation and simple English inflection.

class Morph:
    """Lemmas and inflections.  Built from WordNet's exception lists and the
    table above; read-only after construction."""

    def __init__(self, wn):
        self.wn = wn
        self._acache = {}
        self.irr = {}        # base -> (past, pp)
        self.irr_form = {}   # inflected -> (base, 'past'|'pp'|'ed')
        for item in IRREGULAR.replace("\n", " ").split(";"):
            w = item.split()
            if len(w) != 3:
                continue
            base, past, pp = w
            self.irr[base] = (past, pp)
        for base, (past, pp) in self.irr.items():
            if past == pp:
                self.irr_form.setdefault(past, (base, "ed"))
            else:
                self.irr_form.setdefault(past, (base, "past"))
                self.irr_form.setdefault(pp, (base, "pp"))
        self.exc = {"n": {}, "v": {}, "a": {}, "r": {}}   # form -> [lemma]
        self.rexc = {"n": {}, "v": {}}                     # lemma -> [forms]
        for pos, name in (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")):
            path = os.path.join(WORDNET_DIR, name + ".exc")
            try:
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        w = line.split()
                        if len(w) < 2:
                            continue
                        form = w[0].replace("_", " ")
                        for lem in w[1:]:
                            lem = lem.replace("_", " ")
                            self.exc[pos].setdefault(form, []).append(lem)
                            if pos in self.rexc:
                                self.rexc[pos].setdefault(lem, []).append(form)
            except OSError:
                pass

    # -- analysis --------------------------------------------------------
    def analyses_cached(self, w):
        r = self._acache.get(w)
        if r is None:
            r = self._acache[w] = self.analyses(w)
        return r

    def analyses(self, w):
        """Possible (pos, lemma, form) readings of lower-case word w.
        Forms: base, pl (noun plural), 3sg, past, pp, ed (past or pp), ing."""
        wn = self.wn
        out = []
        seen = set()

        def add(pos, lem, form):
            if (pos, lem, form) not in seen and wn.has(lem, pos):
                seen.add((pos, lem, form))
                out.append((pos, lem, form))

        # nouns
        add("n", w, "base")
        for lem in self.exc["n"].get(w, ()):
            add("n", lem, "pl")
        for suf, rep in (("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"),
                         ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("s", "")):
            if w.endswith(suf) and len(w) > len(suf) + 1 and not w.endswith("ss"):
                add("n", w[: len(w) - len(suf)] + rep, "pl")
        # verbs
        add("v", w, "base")
        if w in self.irr_form:
            base, form = self.irr_form[w]
            add("v", base, form)
        for lem in self.exc["v"].get(w, ()):
            if w.endswith("ing"):
                add("v", lem, "ing")
            elif w.endswith("s") and not w.endswith("ss"):
                add("v", lem, "3sg")
            else:
                if lem in self.irr:
                    past, pp = self.irr[lem]
                    add("v", lem, "ed" if past == pp else ("pp" if w == pp else "past"))
                else:
                    add("v", lem, "ed")
        if w.endswith("ies") and len(w) > 4:
            add("v", w[:-3] + "y", "3sg")
        if w.endswith("es") and len(w) > 3:
            add("v", w[:-2], "3sg")
            add("v", w[:-1], "3sg")
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 2:
            add("v", w[:-1], "3sg")
        if w.endswith("ied") and len(w) > 4:
            add("v", w[:-3] + "y", "ed")
        elif w.endswith("ed") and len(w) > 3:
            add("v", w[:-1], "ed")
            add("v", w[:-2], "ed")
            if len(w) > 4 and w[-3] == w[-4]:
                add("v", w[:-3], "ed")
        if w.endswith("ing") and len(w) > 4:
            add("v", w[:-3], "ing")
            add("v", w[:-3] + "e", "ing")
            if len(w) > 5 and w[-4] == w[-5]:
                add("v", w[:-4], "ing")
            if w.endswith("ying"):
                add("v", w[:-4] + "ie", "ing")
        # adjectives and adverbs: base forms only
        add("a", w, "base")
        add("r", w, "base")
        return out

    # -- inflection -------------------------------------------------------
    def plural(self, noun):
        if " of " in noun:                       # "loss of life" -> "losses of life"
            head, _, rest = noun.partition(" of ")
            return self.plural(head) + " of " + rest
        words = noun.split(" ")
        last = words[-1]
        lower = last.lower()
        forms = self.rexc["n"].get(lower)
        if re.search(r"[^su]s$", lower) or lower in ("news", "species", "series"):
            pl = last                           # "means", "news", "talks"
        elif forms:
            pl = forms[0]
        elif re.search(r"(s|x|z|ch|sh)$", lower):
            pl = last + "es"
        elif re.search(r"[^aeiou]y$", lower):
            pl = last[:-1] + "ies"
        else:
            pl = last + "s"
        words[-1] = pl
        return " ".join(words)

    def verb_form(self, verb, form):
        """verb (possibly 'give up') in form 3sg, past, pp, ed, ing, base."""
        words = verb.split(" ")
        head = words[0]
        h = head.lower()
        if form == "base":
            return verb
        if form in ("past", "pp", "ed"):
            if h in self.irr:
                past, pp = self.irr[h]
                new = pp if form == "pp" else past
            else:
                new = None
                for f in self.rexc["v"].get(h, ()):
                    if not f.endswith("ing") and not (f.endswith("s") and not f.endswith("ss")):
                        new = f
                        break
                if new is None:
                    if h.endswith("e"):
                        new = head + "d"
                    elif re.search(r"[^aeiou]y$", h):
                        new = head[:-1] + "ied"
                    else:
                        new = head + "ed"
        elif form == "ing":
            new = None
            for f in self.rexc["v"].get(h, ()):
                if f.endswith("ing"):
                    new = f
                    break
            if new is None:
                if h.endswith("ie"):
                    new = head[:-2] + "ying"
                elif h.endswith("e") and not re.search(r"(ee|ye|oe)$", h) and len(h) > 2:
                    new = head[:-1] + "ing"
                else:
                    dbl = None
                    for f in self.rexc["v"].get(h, ()):
                        if f.endswith("ed") and len(f) == len(h) + 3 and f[len(h)] == h[-1]:
                            dbl = head + h[-1] + "ing"
                    new = dbl or head + "ing"
        elif form == "3sg":
            special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
            if h in special:
                new = special[h]
            elif re.search(r"(s|x|z|ch|sh|o)$", h):
                new = head + "es"
            elif re.search(r"[^aeiou]y$", h):
                new = head[:-1] + "ies"
            else:
                new = head + "s"
        else:
            return None
        words[0] = new
        return " ".join(words)

    def inflect(self, cand, pos, form):
        if form == "base":
            return cand
        if pos == "n" and form == "pl":
            return self.plural(cand)
        if pos == "v":
            return self.verb_form(cand, form)
        return None


# ---------------------------------------------------------------------------
# Thesauri.

class WordNet:
    """WordNet 3.0 index in memory; synsets read on demand by byte offset."""

    def __init__(self):
        self.index = {}     # (lemma, pos) -> [offsets] in sense order
        self.count = {}     # lemma -> tagged frequency (all senses, all pos)
        self.poscount = {}  # (lemma, pos) -> tagged frequency
        self._data = {}
        self._cache = {}
        for pos, name in (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")):
            with open(os.path.join(WORDNET_DIR, "index." + name), encoding="utf-8") as f:
                for line in f:
                    if line.startswith(" "):
                        continue
                    p = line.split()
                    lemma = p[0].replace("_", " ")
                    ncount = int(p[2])
                    pcnt = int(p[3])
                    offs = p[4 + pcnt + 2:]
                    if len(offs) != ncount:
                        continue
                    self.index[(lemma, pos)] = [int(o) for o in offs]
            self._data[pos] = open(os.path.join(WORDNET_DIR, "data." + name), "rb")
        posnum = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
        try:
            with open(os.path.join(WORDNET_DIR, "cntlist.rev"), encoding="utf-8") as f:
                for line in f:
                    p = line.split()
                    if len(p) != 3:
                        continue
                    key, _, rest = p[0].partition("%")
                    lemma = key.replace("_", " ")
                    pos = posnum.get(rest[:1], "n")
                    c = int(p[2])
                    self.count[lemma] = self.count.get(lemma, 0) + c
                    self.poscount[(lemma, pos)] = self.poscount.get((lemma, pos), 0) + c
        except OSError:
            pass

    def has(self, lemma, pos):
        return (lemma, pos) in self.index

    def synset(self, pos, off):
        key = (pos, off)
        s = self._cache.get(key)
        if s is not None:
            return s
        f = self._data[pos]
        f.seek(off)
        p = f.readline().decode("utf-8", "replace").split()
        n = int(p[3], 16)
        words = []
        for i in range(n):
            w = p[4 + 2 * i]
            w = re.sub(r"\([a-z]+\)$", "", w).replace("_", " ")
            words.append(w)
        self._cache[key] = words
        return words

    def is_proper(self, lemma):
        """True when WordNet writes the word capitalised in most synsets
        ("Russian", "Monday")."""
        cap = low = 0
        for pos in "nvar":
            for o in self.index.get((lemma, pos), ())[:4]:
                for w in self.synset(pos, o):
                    if w.lower() == lemma:
                        if w[:1].isupper():
                            cap += 1
                        else:
                            low += 1
        return cap > low

    def senses(self, lemma, pos):
        """List of synonym lists, most frequent sense first."""
        return [self.synset(pos, o) for o in self.index.get((lemma, pos), ())]


class Mythes:
    """LibreOffice/MyThes thesaurus: index in memory, entries read on demand."""

    POS = {"(noun)": "n", "(verb)": "v", "(adj)": "a", "(adv)": "r"}

    def __init__(self):
        self.off = {}
        with open(MYTHES_BASE + ".idx", encoding="utf-8", errors="replace") as f:
            f.readline()
            f.readline()
            for line in f:
                w, _, o = line.rstrip("\n").rpartition("|")
                if w:
                    self.off[w] = int(o)
        self.f = open(MYTHES_BASE + ".dat", "rb")
        self._cache = {}

    def senses(self, lemma):
        """[(pos, [plain synonyms], [generic/similar/related terms])]."""
        if lemma in self._cache:
            return self._cache[lemma]
        out = []
        o = self.off.get(lemma)
        if o is not None:
            self.f.seek(o)
            head = self.f.readline().decode("utf-8", "replace").rstrip("\n")
            n = int(head.rpartition("|")[2] or 0)
            for _ in range(n):
                p = self.f.readline().decode("utf-8", "replace").rstrip("\n").split("|")
                pos = self.POS.get(p[0], "?")
                plain, extra = [], []
                for s in p[1:]:
                    if s.endswith("(antonym)"):
                        continue
                    m = re.match(r"^(.*?) \((generic|similar|related) term\)$", s)
                    if m:
                        extra.append(m.group(1))
                    else:
                        plain.append(s)
                out.append((pos, plain, extra))
        self._cache[lemma] = out
        return out


class Aiksaurus:
    """Aiksaurus data files, decoded.  words.dat: records of a word (spaces
    written ':'), NUL, then big-endian 16-bit meaning numbers ended by
    0xffff.  meanings.dat: records of two 16-bit title word numbers followed
    by 16-bit word numbers ended by 0xffff.  Word numbers count words.dat
    records from 0."""

    def __init__(self):
        with open(os.path.join(AIKSAURUS_DIR, "words.dat"), "rb") as f:
            w = f.read()
        with open(os.path.join(AIKSAURUS_DIR, "meanings.dat"), "rb") as f:
            m = f.read()
        self.words = []
        self.word_meanings = {}
        i = 0
        while i < len(w):
            j = w.index(b"\0", i)
            word = w[i:j].decode("latin-1").replace(":", " ")
            i = j + 1
            ms = []
            while i + 1 < len(w):
                (v,) = struct.unpack_from(">H", w, i)
                i += 2
                if v == 0xFFFF:
                    break
                ms.append(v)
            self.words.append(word)
            self.word_meanings.setdefault(word.lower(), ms)
        self.meanings = []
        i = 0
        while i + 3 < len(m):
            i += 4                               # two title words
            ms = []
            while i + 1 < len(m):
                (v,) = struct.unpack_from(">H", m, i)
                i += 2
                if v == 0xFFFF:
                    break
                ms.append(v)
            self.meanings.append(ms)

    def senses(self, lemma):
        out = []
        for mi in self.word_meanings.get(lemma, ()):
            if mi < len(self.meanings):
                out.append([self.words[k] for k in self.meanings[mi] if k < len(self.words)])
        return out


class Pivot:
    """Synonyms through a pivot language: English lemma -> the words of
    apertium's bilingual dictionary for it (Spanish or Esperanto) -> their
    English translations.  Each pivot word is a sense, in dictionary order.
    The compiled dictionaries are looked up with lt-proc -b (lttoolbox),
    every WordNet lemma of one word in one batch per direction."""

    def __init__(self, pivot, wn):
        there, back = (os.path.join(APERTIUM_DIR, x) for x in PIVOT_DICTS[pivot])
        keys = [k for k in wn.index if re.fullmatch(r"[a-z]+", k[0])]
        out = self._lookup(there, ["%s<%s>" % (w, APERTIUM_TAGS[p]) for w, p in keys])
        fwd, units = {}, set()
        for (w, p), alts in zip(keys, out):
            alts = [x for x in alts if x and not x.startswith("@") and "#" not in x]
            if alts:
                fwd[(w, p)] = alts
                units.update(alts)
        units = sorted(units)
        back_out = self._lookup(back, units)
        self.bwd = {}
        for u, alts in zip(units, back_out):
            words = []
            for x in alts:
                if not x or x.startswith("@"):
                    continue
                w = re.sub(r"<[^>]*>", "", x).replace("#", "").strip()
                w = re.sub(r"\s+", " ", w)
                if w and w not in words:
                    words.append(w)
            self.bwd[u] = words
        self.fwd = fwd

    @staticmethod
    def _lookup(dix, units):
        data = "".join("^%s$\n" % u for u in units).encode("utf-8")
        p = subprocess.run(["lt-proc", "-b", dix], input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=True)
        res = []
        for line in p.stdout.decode("utf-8", "replace").split("\n")[:len(units)]:
            line = line.strip()
            if line.startswith("^") and line.endswith("$"):
                res.append(line[1:-1].split("/")[1:])
            else:
                res.append([])
        while len(res) < len(units):
            res.append([])
        return res

    def senses(self, lemma, pos):
        return [self.bwd.get(u, []) for u in self.fwd.get((lemma, pos), ())]


class Distrib:
    """Distributional neighbours in the texts handed to the spinner (the
    corpus a spinner would mine): words of 20 or more occurrences, vectors
    of positive PMI over the words one and two places left and right (each
    word's 40 strongest kept), cosine similarity; each word's 12 nearest
    with a cosine of at least 0.1."""

    def __init__(self, docs, min_count=20, keep=40, k=12):
        import math
        counts = {}
        toks_all = []
        for d in docs:
            toks = re.findall(r"[a-z]+", d.lower())
            toks_all.append(toks)
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        vocab = {w for w, c in counts.items() if c >= min_count and w not in STOP and len(w) > 2}
        ctx = {}
        for toks in toks_all:
            n = len(toks)
            for i, t in enumerate(toks):
                if t not in vocab:
                    continue
                v = ctx.setdefault(t, {})
                for off in (-2, -1, 1, 2):
                    j = i + off
                    if 0 <= j < n:
                        key = (off, toks[j])
                        v[key] = v.get(key, 0) + 1
        total = float(sum(counts.values())) or 1.0
        fsum = {}
        for v in ctx.values():
            for key, c in v.items():
                fsum[key] = fsum.get(key, 0) + c
        vecs = {}
        for w, v in ctx.items():
            cw = counts[w]
            pm = []
            for key, c in v.items():
                x = math.log(c * total / (cw * fsum[key] * 1.0 + 1e-9) + 1e-12)
                if x > 0 and c >= 2:
                    pm.append((x, key))
            pm.sort(reverse=True)
            pm = pm[:keep]
            norm = math.sqrt(sum(x * x for x, _ in pm)) or 1.0
            vecs[w] = {key: x / norm for x, key in pm}
        inv = {}
        for w, v in vecs.items():
            for key, x in v.items():
                inv.setdefault(key, []).append((w, x))
        self.near = {}
        for w, v in vecs.items():
            acc = {}
            for key, x in v.items():
                lst = inv[key]
                if len(lst) > 400:       # contexts shared by everything say little
                    continue
                for w2, y in lst:
                    if w2 != w:
                        acc[w2] = acc.get(w2, 0.0) + x * y
            best = sorted(((s, w2) for w2, s in acc.items() if s >= 0.1), reverse=True)[:k]
            self.near[w] = [w2 for _, w2 in best]

    def senses(self, lemma):
        return [[w] for w in self.near.get(lemma, ())]


class Resources:
    """Everything loaded once and shared by spinners (read-only)."""

    def __init__(self, thesauri=THESAURI):
        self.wn = WordNet()
        self.morph = Morph(self.wn)
        self.mythes = Mythes() if ("mythes" in thesauri or "handlist" in thesauri) else None
        self.aik = Aiksaurus() if "aiksaurus" in thesauri else None
        self.hand = {}
        for lemma, pos, targets in _parse_swaps(HANDLIST):
            self.hand.setdefault((lemma, pos), []).extend(targets)
        self.func = _parse_swaps(FUNC_SWAPS)
        self.extra_count = {}
        self.pivots = {}
        for th in thesauri:
            if th.startswith("pivot-"):
                self.pivots[th] = Pivot(th[6:], self.wn)
        self.texts = []
        self._distrib = None

    @property
    def distrib(self):
        if self._distrib is None:
            self._distrib = Distrib(self.texts)
        return self._distrib

    def freq(self, phrase):
        c = self.wn.count.get(phrase, 0)
        c += self.extra_count.get(phrase, 0)
        return c

    def add_counts(self, text):
        """Adds word counts of a text to the frequency table of 'frequent'."""
        for w in re.findall(r"[a-z]+", text.lower()):
            self.extra_count[w] = self.extra_count.get(w, 0) + 1
        self.texts.append(text)
        self._distrib = None


# ---------------------------------------------------------------------------
# The spinner.

WORD_RE = re.compile(r"[A-Za-z]+")
CLITIC_RE = re.compile(r"['\u2019](s|t|ll|ve|re|d|m)\b", re.I)


def _match_case(orig, new):
    if len(orig) > 1 and orig.isupper():
        return new.upper()
    if orig[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


class Token:
    __slots__ = ("start", "end", "text", "low", "sent_start", "ok", "prev", "next")


def tokenize(text):
    toks = []
    for m in WORD_RE.finditer(text):
        t = Token()
        t.start, t.end, t.text = m.start(), m.end(), m.group(0)
        t.low = t.text.lower()
        before = text[max(0, t.start - 2):t.start]
        after = text[t.end:t.end + 2]
        t.ok = True
        # parts of compounds, numbers, contractions, URLs
        if before[-1:] in "-_/@#&'\u2019" and before[-1:] != "" or before[-1:].isdigit():
            t.ok = False
        if after[:1] in ("-", "_", "/", "@") or after[:1].isdigit():
            t.ok = False
        if after[:1] in ("'", "\u2019") and not CLITIC_RE.match(text, t.end):
            t.ok = False
        if CLITIC_RE.match(text, t.end) and not re.match(r"['\u2019]s\b", text[t.end:t.end + 3]):
            t.ok = False
        # sentence start: beginning of a line or after . ! ? (and quotes)
        j = t.start - 1
        while j >= 0 and text[j] in " \t\"'\u201c\u2018(\u2014\u2013":
            j -= 1
        t.sent_start = j < 0 or text[j] in "!?\n:"
        if j >= 0 and text[j] == ".":
            k = j
            while k > 0 and not text[k - 1].isspace():
                k -= 1
            word = text[k:j + 1]          # "U.S." "Mr." "Feb." are not sentence ends
            t.sent_start = not ABBREV_RE.fullmatch(word)
        toks.append(t)
    for i, t in enumerate(toks):
        # neighbours only when nothing but blanks lie between
        t.prev = toks[i - 1].low if i > 0 and not text[toks[i - 1].end:t.start].strip() else ""
        t.next = toks[i + 1].low if i + 1 < len(toks) and not text[t.end:toks[i + 1].start].strip() else ""
    return toks


class Spinner:
    """Spins texts with one thesaurus and one sense policy.  Holds a random
    generator of its own; not thread-safe."""

    def __init__(self, res, thesaurus, policy, seed, consistent=False):
        if thesaurus not in THESAURI:
            raise ValueError("unknown thesaurus " + thesaurus)
        if policy not in POLICIES:
            raise ValueError("unknown policy " + policy)
        self.res = res
        self.th = thesaurus
        self.policy = policy
        self.rng = random.Random(seed)
        self.consistent = consistent     # the same substitute for a word everywhere
        self.chosen = {}

    # -- part of speech ---------------------------------------------------
    def guess(self, tok):
        """Best (pos, lemma, form) for a token, or None."""
        an = self.res.morph.analyses_cached(tok.low)
        if not an:
            return None
        p = tok.prev
        keep = an
        if p in DET:
            keep = [a for a in an if a[0] != "v" or a[2] in ("ed", "pp", "ing")]
            nouns = [a for a in keep if a[0] in ("n", "a")]
            keep = nouns or keep
        elif p in TO or p in MODALS or p in ("not", "t"):
            keep = [a for a in an if a[0] == "v" and a[2] == "base"] or [a for a in an if a[0] == "r"]
        elif p in HAVE:
            keep = [a for a in an if a[0] == "v" and a[2] in ("pp", "ed")] or an
        elif p in BE:
            keep = [a for a in an if (a[0] == "v" and a[2] in ("ing", "pp", "ed")) or a[0] in ("a", "r")] or an
        elif p in PREP:
            keep = [a for a in an if a[0] != "v" or a[2] == "ing"] or an
        elif p in SUBJ:
            keep = [a for a in an if a[0] == "v" and a[2] in ("base", "3sg", "past", "ed")] or an
        if not keep:
            keep = an
        if len(keep) > 1 and p and p not in STOP:
            pa = self.res.morph.analyses_cached(p)
            if pa and all(a[0] == "a" for a in pa):       # "broad talks"
                keep = [a for a in keep if a[0] != "v"] or keep
        if len(keep) == 1:
            return keep[0]
        wn = self.res.wn
        has_noun = any(a[0] == "n" and a[2] == "base" for a in keep)

        def score(a):
            pos, lem, form = a
            s = wn.poscount.get((lem, pos), 0) + 1
            if lem == tok.low:
                s *= 2           # prefer readings of the word as written
            if form == "ed" and pos == "v" and p in HAVE | BE:
                s *= 3
            if pos == "v" and form == "3sg" and p not in SUBJ:
                s *= 0.3
            if pos == "v" and form == "ing" and has_noun and p not in BE:
                s *= 0.3
            return s

        return max(keep, key=score)

    # -- candidates -------------------------------------------------------
    def _valid(self, cand, lemma, pos, form, low_orig):
        c = cand.strip()
        if not c or c.lower() == lemma or c.lower() == low_orig:
            return False
        if re.search(r"[^A-Za-z \-']", c):
            return False
        if len(c.split()) > 3 or len(c) < 3 or not re.search(r"[aeiou]", c.lower()):
            return False
        if lemma in c.lower().split():
            return False
        if c[:1].isupper() or any(ch.isupper() for ch in c):
            return False
        if form != "base":
            head = c.split()[0] if pos == "v" else c.split()[-1]
            if not self.res.wn.has(head.lower(), pos) and not self.res.wn.has(c.lower(), pos):
                return False
        return True

    def _pick(self, senses, lemma, pos, form, low):
        """senses: list of candidate lists (policy order already applied)."""
        res = self.res
        if self.policy == "random":
            order = list(range(len(senses)))
            self.rng.shuffle(order)
            for i in order:
                c = [w for w in senses[i] if self._valid(w, lemma, pos, form, low)]
                if c:
                    return self.rng.choice(c)
            return None
        for s in senses:
            c = [w for w in s if self._valid(w, lemma, pos, form, low)]
            if not c:
                continue
            if self.policy == "first":
                return self.rng.choice(c)
            best = max(res.freq(w) for w in c)
            if best == 0:
                continue           # careful spinners skip words nobody uses
            top = [w for w in c if res.freq(w) == best]
            return self.rng.choice(top)
        return None

    def candidate(self, tok, ana):
        pos, lemma, form = ana
        res = self.res
        th = self.th
        if th == "handlist":
            t = [w for w in res.hand.get((lemma, pos), ()) if w != tok.low and w != lemma]
            if t:
                if self.policy == "frequent":
                    return t[0]
                return self.rng.choice(t)
            th = "mythes"
        if th == "wordnet":
            if self.policy == "random" and form == "base":
                senses = []
                for p in "nvar":
                    senses += res.wn.senses(lemma, p)
            else:
                senses = res.wn.senses(lemma, pos)
        elif th == "mythes":
            ms = res.mythes.senses(lemma)
            if self.policy == "random":
                senses = [plain + extra for (p, plain, extra) in ms if form == "base" or p == pos]
            else:
                senses = [plain for (p, plain, extra) in ms if p == pos]
                if not any(senses):
                    senses = [extra for (p, plain, extra) in ms if p == pos]
        elif th.startswith("pivot-"):
            pv = res.pivots[th]
            if self.policy == "random" and form == "base":
                senses = []
                for p in "nvar":
                    senses += pv.senses(lemma, p)
            else:
                senses = pv.senses(lemma, pos)
        elif th == "distrib":
            # neighbours have no part of speech: keep those WordNet gives the
            # guessed one; the random policy takes any of them, first the
            # nearest, frequent the most frequent of the five nearest
            senses = [[w for w in x if res.wn.has(w, pos)] for x in res.distrib.senses(lemma)]
            senses = [x for x in senses if x]
            if self.policy == "frequent":
                senses = [sum(senses[:5], [])]
        else:   # aiksaurus: no parts of speech; first/frequent keep senses
                # whose words share the guessed part of speech in WordNet
            senses = res.aik.senses(lemma)
            if self.policy != "random":
                senses = [[w for w in s if res.wn.has(w.lower(), pos)] for s in senses]
        return self._pick(senses, lemma, pos, form, tok.low)

    # -- spinning ---------------------------------------------------------
    def spin(self, text, rate, func_rate, name_rate=0.0):
        """Spins one text (a paragraph or a whole article).  Returns
        (new_text, subs, n_content) where subs are dicts with character
        offsets into new_text: start, end, text, original, how."""
        return self.finish(self.propose(text, rate, func_rate, name_rate))

    def propose(self, text, rate, func_rate, name_rate=0.0):
        """The swaps spin() would make, not yet applied: a Proposal whose
        edits (tok_i, tok_j, replacement, how) may be filtered (for example
        by Fluency) before finish()."""
        res = self.res
        rng = self.rng
        toks = tokenize(text)
        used = [False] * len(toks)
        edits = []     # (tok_i, tok_j_exclusive, replacement, how)

        # 1. phrase and function-word swaps
        where = {}
        for i, t in enumerate(toks):
            where.setdefault(t.low, []).append(i)
        if func_rate > 0:
            for lemma, pos, targets in res.func:
                lw = lemma.lower().split()
                forms = [(lw, "base")]
                if pos == "v":
                    forms = [(res.morph.verb_form(lemma, f).lower().split(), f)
                             for f in ("base", "3sg", "past", "pp", "ing")]
                elif pos == "n":
                    forms = [(lw, "base"), (res.morph.plural(lemma).lower().split(), "pl")]
                for fw, form in forms:
                    n = len(fw)
                    for i in where.get(fw[0], ()):
                        if i + n > len(toks) or any(used[i:i + n]):
                            continue
                        if [toks[k].low for k in range(i, i + n)] != fw:
                            continue
                        if any(text[toks[k].end:toks[k + 1].start] != " " for k in range(i, i + n - 1)):
                            continue
                        if not toks[i].ok or not toks[i + n - 1].ok:
                            continue
                        first = toks[i].text
                        if first[:1].isupper() and not toks[i].sent_start and lemma[:1].islower():
                            continue      # inside a name
                        if rng.random() >= func_rate:
                            for k in range(i, i + n):
                                used[k] = True
                            continue
                        nxt = toks[i + n].low if i + n < len(toks) else ""
                        tg = [x for x in targets if not (x.endswith(" of") and nxt == "of")]
                        if not tg:
                            continue
                        tgt = rng.choice(tg)
                        if pos == "v":
                            new = res.morph.verb_form(tgt, "pp" if form == "pp" else form)
                        elif pos == "n" and form == "pl":
                            new = res.morph.plural(tgt)
                        else:
                            new = tgt
                        if new is None:
                            continue
                        if lemma[:1].isupper():    # "the United States"
                            new = _match_case(first, new) if toks[i].sent_start else new
                        else:
                            new = _match_case(first, new)
                        for k in range(i, i + n):
                            used[k] = True
                        edits.append((i, i + n, new, "swap"))

        # 2. content words
        content = []
        for i, t in enumerate(toks):
            if used[i] or not t.ok or t.low in STOP or t.low in MONTHS_DAYS or len(t.low) < 3:
                continue
            if t.text[:1].isupper() and not t.sent_start:
                if t.text.isupper() or rng.random() >= name_rate:
                    continue          # names, acronyms
            ana = self.guess(t)
            if ana is None:
                continue
            if t.text[:1].isupper() and (res.wn.is_proper(t.low) or res.wn.is_proper(ana[1])):
                continue
            content.append((i, ana))
        n_content = len(content)
        want = int(round(rate * n_content))
        rng.shuffle(content)
        done = 0
        for i, ana in content:
            if done >= want:
                break
            t = toks[i]
            key = (ana[1], ana[0])
            if self.consistent and key in self.chosen:
                cand = self.chosen[key]
            else:
                cand = self.candidate(t, ana)
                if self.consistent:
                    self.chosen[key] = cand
            if not cand:
                continue
            pos, lemma, form = ana
            if form in ("ed",) and pos == "v":
                form = "pp" if t.prev in HAVE | BE else "past"
            new = self.res.morph.inflect(cand, pos, form)
            if not new:
                continue
            edits.append((i, i + 1, _match_case(t.text, new), "thesaurus"))
            used[i] = True
            done += 1

        return Proposal(text, toks, edits, n_content)

    def finish(self, prop, keep=None):
        """Applies the edits of a Proposal (those whose index is in keep, or
        all); returns what spin() returns."""
        text, toks = prop.text, prop.toks
        edits = [e for k, e in enumerate(prop.edits) if keep is None or k in keep]
        used = [False] * len(toks)
        for i, j, _, _ in edits:
            for k in range(i, j):
                used[k] = True
        # 3. articles: "a assembly" -> "an assembly" (careful spinners only)
        edits.sort()
        if self.policy != "random":
            starts = {e[0]: e for e in edits}
            for k, e in enumerate(list(edits)):
                i = e[0]
                if i == 0 or used[i - 1]:
                    continue
                art = toks[i - 1]
                if art.low not in ("a", "an") or text[art.end:toks[i].start] != " ":
                    continue
                vowel = e[2][:1].lower() in "aeio" or e[2].lower().startswith("hour")
                want_art = "an" if vowel else "a"
                if art.low != want_art:
                    edits.append((i - 1, i, _match_case(art.text, want_art), "article"))
                    used[i - 1] = True
            del starts
            edits.sort()

        # 4. apply
        out = []
        subs = []
        pos_in = 0
        pos_out = 0
        for i, j, new, how in edits:
            s, e = toks[i].start, toks[j - 1].end
            out.append(text[pos_in:s])
            pos_out += s - pos_in
            out.append(new)
            subs.append({"start": pos_out, "end": pos_out + len(new), "text": new,
                         "original": text[s:e], "how": how})
            pos_out += len(new)
            pos_in = e
        out.append(text[pos_in:])
        return "".join(out), subs, prop.n_content


class Proposal:
    """A text, its tokens and the swaps a spinner proposes for it."""

    def __init__(self, text, toks, edits, n_content):
        self.text, self.toks, self.edits, self.n_content = text, toks, edits, n_content


class Fluency:
    """Context checks with despin's language model, batched: add() queues
    a swap of a Proposal, run() scores every queued window (the swap with up
    to four words either side, original and substituted) in one
    'despin lm score --pretokenized' call and returns, per query, the log10
    probability of the substituted window minus the original's."""

    def __init__(self, despin="build/despin", models="models", width=4):
        self.despin, self.models, self.width = despin, models, width
        self.lines = []

    def add(self, prop, edit):
        i, j, new, _ = edit
        toks = prop.toks
        lo, hi = max(0, i - self.width), min(len(toks), j + self.width)
        left = [t.low for t in toks[lo:i]]
        right = [t.low for t in toks[j:hi]]
        orig = [t.low for t in toks[i:j]]
        sub = re.findall(r"[a-z]+", new.lower())
        self.lines.append(" ".join(left + orig + right))
        self.lines.append(" ".join(left + sub + right))
        return len(self.lines) // 2 - 1

    def run(self):
        if not self.lines:
            return []
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            f.write("\n".join(x or "." for x in self.lines) + "\n")
        try:
            p = subprocess.run([self.despin, "lm", "score", "--pretokenized", "--models", self.models,
                                f.name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
        finally:
            os.unlink(f.name)
        sums, cur = [], 0.0
        for line in p.stdout.decode("utf-8", "replace").split("\n"):
            cols = line.split("\t")
            if len(cols) < 2:
                continue
            try:
                cur += float(cols[1])
            except ValueError:
                continue
            if cols[0] == "</s>":
                sums.append(cur)
                cur = 0.0
        if len(sums) != len(self.lines):
            raise RuntimeError("despin lm score: %d sentences for %d lines" % (len(sums), len(self.lines)))
        self.lines = []
        return [sums[2 * k + 1] - sums[2 * k] for k in range(len(sums) // 2)]


def byte_offsets(text, subs, shift=0):
    """Converts character offsets of subs (into text, placed at character
    shift of the final file) to UTF-8 byte offsets of the final file."""
    out = []
    for s in subs:
        a = len(text[:s["start"]].encode("utf-8")) + shift
        b = a + len(s["text"].encode("utf-8"))
        d = dict(s)
        d["start"], d["end"] = a, b
        out.append(d)
    return out


def main():
    ap = argparse.ArgumentParser(description="spin a text read on stdin")
    ap.add_argument("--thesaurus", choices=THESAURI, default="wordnet")
    ap.add_argument("--policy", choices=POLICIES, default="random")
    ap.add_argument("--rate", type=float, default=0.25)
    ap.add_argument("--func-rate", type=float, default=0.8)
    ap.add_argument("--name-rate", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--consistent", action="store_true", help="one substitute per word throughout")
    ap.add_argument("--json", help="write substitutions (byte offsets) to this file")
    a = ap.parse_args()
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    res = Resources((a.thesaurus,))
    res.add_counts(text)
    sp = Spinner(res, a.thesaurus, a.policy, a.seed, consistent=a.consistent)
    new, subs, n = sp.spin(text, a.rate, a.func_rate, a.name_rate)
    sys.stdout.buffer.write(new.encode("utf-8"))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"thesaurus": a.thesaurus, "policy": a.policy, "rate": a.rate,
                       "content_words": n,
                       "substitutions": byte_offsets(new, subs)}, f, ensure_ascii=False)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
