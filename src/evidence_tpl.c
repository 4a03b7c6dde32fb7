/* evidence_tpl.c - a spinner's template left in the text: "{war|battle|
 * conflict}", the alternatives a spinner chooses among, printed as they
 * are when the template was not resolved (see evidence_int.h).  Templates
 * nest ("{The {war|battle} went on|The fighting lasted}"), and their
 * alternatives may be phrases or whole sentences.
 *
 * Braces and bars are common outside spinning: a command's usage
 * ("{start|stop|restart|status}"), a type union ("{string|Buffer}"), a C
 * identifier ("dev_{hold|put}"), a template engine's filter ("{{ name|title
 * }}"), a grammar ("{ FUNCTION | PROCEDURE }", "{real number | signed
 * integer}"), markup ("{\fB--extract\fR|\fB--get\fR}").  A group counts
 * only when it is written as a spinner writes it: standing alone (no
 * letter or brace against it), within a paragraph, no space inside against
 * a brace or bar, no punctuation but prose's, not all in capitals; and
 * when its alternatives are all linked to one another by the lexicon's
 * thesaurus pairs, at least half of them directly (the first, which a
 * spinner's synonyms are of, among them), the others maybe in two steps
 * through a substitute both share (tpl_spun; distributional neighbours do
 * not link: they join antonyms and pronouns).  In an article that holds
 * such a group, the others written alike are templates too, of a
 * thesaurus the lexicon lacks (DS_EV_TEMPLATE_FORM_P).  None of the 1,730
 * distinct brace groups with bars in the manuals, documentation, licences
 * and headers of a Debian system passes ('scripts/eval_templates.py
 * --system'). */
#include "evidence_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TPL_MAX_ALTS 16     /* alternatives of a group */
#define TPL_MAX_DEPTH 4     /* groups inside groups */
#define TPL_MAX_TOKENS 400  /* tokens of a group, the groups inside included */
#define TPL_MAX_CONTENT 16  /* content words of an alternative compared */
#define TPL_SHORT_WORDS 4   /* an alternative this short is also one phrase */
/* Lexicon lookups for one document's templates: past them the rest is
 * left unflagged (a text made to be slow to read). */
#define TPL_BUDGET 20000
/* tokens the parser may step over per token of the document, and more */
#define TPL_STEPS_PER_TOKEN 16
#define TPL_STEPS_MIN 65536

struct tpl_range {
	uint32_t b, e;  /* tokens of an alternative, the groups inside included */
};

/* An alternative's words, a group inside read as its first alternative. */
struct tpl_alt {
	uint32_t words[TPL_SHORT_WORDS];
	uint32_t content[TPL_MAX_CONTENT]; /* its content words */
	size_t nwords, ncontent;
	size_t nupper;  /* words in capitals (two letters or more) */
	char phrase[DS_LEX_MAX_PHRASE + 1]; /* a short one's words, lower case */
};

struct tpl {
	struct ds_ev_ctx *c;
	const struct ds_doc *d;
	size_t budget;  /* lookups left */
	size_t steps;   /* tokens the parser may still step over */
};

/* What may stand right against a group's brace without making it part of
 * something else: a word's letter ("dev_{"), another brace ("{{"), a
 * shell's "$" ("${"), a backslash (TeX). */
static int glued(unsigned char ch)
{
	return ch == '_' || ch == '$' || ch == '{' || ch == '}' || ch == '\\' ||
	       (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

static int punct_is(const struct ds_doc *d, uint32_t t, char ch)
{
	const struct ds_token *k = &d->tok[t];
	return k->kind == DS_TOK_PUNCT && k->end - k->start == 1 && d->text[k->start] == ch;
}

/* Punctuation prose holds, as the tokeniser writes it (curly quotes and
 * dashes folded): anything else is markup or code. */
static int prose_punct(const struct ds_doc *d, uint32_t t)
{
	const struct ds_token *k = &d->tok[t];
	return k->norm_len == 1 && d->pool[k->norm] && strchr(",.;:!?'()-", d->pool[k->norm]);
}

static int space_at(const struct ds_doc *d, size_t off)
{
	return off < d->len && (d->text[off] == ' ' || d->text[off] == '\t' ||
				d->text[off] == '\n' || d->text[off] == '\r');
}

static uint32_t para_of(const struct ds_doc *d, uint32_t t)
{
	return d->sent[d->tok[t].sent].para;
}

/* The group whose opening brace is token t, depth groups deep: its
 * alternatives' tokens into r and its closing brace's token into *close.
 * Returns the number of alternatives, 0 when the tokens from t make no
 * group within the bounds. */
static size_t tpl_parse(struct tpl *x, uint32_t t, int depth, struct tpl_range r[TPL_MAX_ALTS],
			uint32_t *close)
{
	const struct ds_doc *d = x->d;
	uint32_t lim = t + TPL_MAX_TOKENS, para = para_of(d, t), i = t + 1;
	size_t n = 0;
	if (depth >= TPL_MAX_DEPTH || space_at(d, d->tok[t].end))
		return 0;
	if (lim > d->ntok)
		lim = (uint32_t)d->ntok;
	r[0].b = i;
	for (; i < lim && para_of(d, i) == para && x->steps; i++, x->steps--) {
		struct tpl_range in[TPL_MAX_ALTS];
		uint32_t end;
		if (punct_is(d, i, '{')) {
			if (!tpl_parse(x, i, depth + 1, in, &end))
				return 0;
			i = end;
		} else if (punct_is(d, i, '|') || punct_is(d, i, '}')) {
			if (space_at(d, d->tok[i].start - 1) ||
			    (punct_is(d, i, '|') && space_at(d, d->tok[i].end)))
				return 0;
			r[n++].e = i;
			if (d->text[d->tok[i].start] == '}') {
				*close = i;
				return n;
			}
			if (n == TPL_MAX_ALTS)
				return 0;
			r[n].b = i + 1;
		} else if (d->tok[i].kind == DS_TOK_PUNCT && !prose_punct(d, i)) {
			return 0;
		}
	}
	return 0;
}

/* Reads the words of tokens [b, e) into a, a group inside as its first
 * alternative. */
static void tpl_read(struct tpl *x, uint32_t b, uint32_t e, int depth, struct tpl_alt *a)
{
	const struct ds_doc *d = x->d;
	for (uint32_t i = b; i < e; i++) {
		const struct ds_token *k = &d->tok[i];
		if (punct_is(d, i, '{')) {
			struct tpl_range in[TPL_MAX_ALTS];
			uint32_t end;
			if (tpl_parse(x, i, depth + 1, in, &end)) {
				tpl_read(x, in[0].b, in[0].e, depth + 1, a);
				i = end;
			}
			continue;
		}
		if (k->kind == DS_TOK_PUNCT)
			continue;
		if (a->nwords < TPL_SHORT_WORDS)
			a->words[a->nwords] = i;
		a->nwords++;
		a->nupper += (k->flags & DS_TF_UPPER) != 0;
		if (a->ncontent < TPL_MAX_CONTENT && k->kind == DS_TOK_WORD &&
		    !ev_is_function_word(d->pool + k->lower, k->norm_len))
			a->content[a->ncontent++] = i;
	}
}

/* Writes tokens [b, e) as the text writes them, a group inside as its
 * first alternative. */
static int tpl_write(struct tpl *x, uint32_t b, uint32_t e, int depth, struct ds_buf *out)
{
	const struct ds_doc *d = x->d;
	size_t pos = b < e ? d->tok[b].start : 0;
	for (uint32_t i = b; i < e; i++) {
		struct tpl_range in[TPL_MAX_ALTS];
		uint32_t end;
		if (!punct_is(d, i, '{') || !tpl_parse(x, i, depth + 1, in, &end))
			continue;
		if (ds_buf_append(out, d->text + pos, d->tok[i].start - pos) ||
		    tpl_write(x, in[0].b, in[0].e, depth + 1, out))
			return DS_ENOMEM;
		pos = d->tok[end].end;
		i = end;
	}
	if (b < e && ds_buf_append(out, d->text + pos, d->tok[e - 1].end - pos))
		return DS_ENOMEM;
	return 0;
}

/* How the lexicon relates a and b (lower case) as a thesaurus does:
 * TPL_DIRECT, a pair either way; TPL_TWO (when two is set), a substitute
 * both share ("clash" and "war" through "conflict"); else 0. */
#define TPL_DIRECT 2
#define TPL_TWO 1
#define TPL_HITS 48
static int tpl_related(struct tpl *x, const char *a, const char *b, int two)
{
	const unsigned thesaurus = DS_LEX_SRC_ALL & ~(unsigned)DS_LEX_SRC_DIST;
	struct ds_lex_rel rel;
	struct ds_lex_hit ha[TPL_HITS], hb[TPL_HITS];
	size_t na, nb;
	float f;
	if (!x->budget)
		return 0;
	x->budget--;
	f = ds_lex_relation(x->c->lex, x->c->st, a, b, &rel);
	if ((f > 0 || rel.backward > 0) && (rel.sources & thesaurus))
		return TPL_DIRECT;
	if (!two || x->budget < 2)
		return 0;
	x->budget -= 2;
	na = ds_lex_substitutes(x->c->lex, a, strlen(a), ha, TPL_HITS);
	nb = ds_lex_substitutes(x->c->lex, b, strlen(b), hb, TPL_HITS);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb && (ha[i].sources & thesaurus); j++)
			if ((hb[j].sources & thesaurus) && ha[i].len == hb[j].len &&
			    !memcmp(ha[i].text, hb[j].text, ha[i].len))
				return TPL_TWO;
	return 0;
}


/* A short alternative's words as one phrase, lower case and one space
 * apart (none when too long). */
static void tpl_phrase(const struct ds_doc *d, struct tpl_alt *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->nwords; i++) {
		const struct ds_token *k = &d->tok[a->words[i]];
		if (n + k->norm_len + 2 > sizeof a->phrase) {
			n = 0;
			break;
		}
		if (i)
			a->phrase[n++] = ' ';
		memcpy(a->phrase + n, d->pool + k->lower, k->norm_len);
		n += k->norm_len;
	}
	a->phrase[n] = 0;
}

/* How two alternatives are linked (TPL_DIRECT, TPL_TWO or 0): short ones
 * (a few words) as the thesaurus relates them as phrases ("year", "12
 * months"), in two steps when two is set; else directly when the content
 * words of the one with fewer are at least half the other's own or
 * related to one of them, one related at least ("The war went on" and "The
 * battle went on": not the same words again). */
static int tpl_linked(struct tpl *x, const struct tpl_alt *a, const struct tpl_alt *b, int two)
{
	size_t same = 0, rel = 0;
	int k;
	if (a->phrase[0] && b->phrase[0] && (k = tpl_related(x, a->phrase, b->phrase, two)))
		return k;
	if (a->ncontent > b->ncontent) {
		const struct tpl_alt *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < a->ncontent; i++) {
		int eq = 0, related = 0;
		const char *wa = ds_tok_lower(x->d, a->content[i]);
		for (size_t j = 0; j < b->ncontent && !eq; j++)
			eq = !strcmp(wa, ds_tok_lower(x->d, b->content[j]));
		for (size_t j = 0; j < b->ncontent && !eq && !related; j++)
			related = tpl_related(x, wa, ds_tok_lower(x->d, b->content[j]), 0);
		same += eq;
		rel += related;
	}
	return a->ncontent && rel && 2 * (same + rel) >= a->ncontent ? TPL_DIRECT : 0;
}

/* What the alternatives of r (n) are: TPL_FORM when at least two are not
 * empty and not all are in capitals (keywords: "{FUNCTION|PROCEDURE}");
 * TPL_LINKED when also, link being set, each of those is linked to the
 * first through tpl_linked, at least half of them by a direct link, the
 * first among them (the rest maybe in two steps); else 0. */
#define TPL_FORM 1
#define TPL_LINKED 2
static int tpl_spun(struct tpl *x, const struct tpl_range *r, size_t n, int depth, int link)
{
	struct tpl_alt alt[TPL_MAX_ALTS];
	uint8_t in[TPL_MAX_ALTS] = {0}, direct[TPL_MAX_ALTS] = {0};
	size_t full = 0, upper = 0, linked = 1, ndirect = 0, first = n;
	for (size_t i = 0; i < n; i++) {
		memset(&alt[i], 0, sizeof alt[i]);
		tpl_read(x, r[i].b, r[i].e, depth, &alt[i]);
		if (alt[i].nwords <= TPL_SHORT_WORDS)
			tpl_phrase(x->d, &alt[i]);
		if (alt[i].nwords) {
			full++;
			upper += alt[i].nupper == alt[i].nwords;
			if (first == n)
				first = i;
		}
	}
	if (full < 2 || upper == full)
		return 0;
	if (!link)
		return TPL_FORM;
	in[first] = 1;
	/* direct links first, then two steps for what is left */
	for (int two = 0; two < 2 && linked < full; two++)
		for (int grew = 1; grew && linked < full;) {
			grew = 0;
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < n && alt[i].nwords && !in[i]; j++) {
					int k = in[j] ? tpl_linked(x, &alt[j], &alt[i], two) : 0;
					if (!k)
						continue;
					in[i] = 1;
					linked++;
					grew = 1;
					if (k == TPL_DIRECT)
						direct[i] = direct[j] = 1;
				}
		}
	for (size_t i = 0; i < n; i++)
		ndirect += direct[i];
	return linked == full && 2 * ndirect >= full && direct[first] ? TPL_LINKED : TPL_FORM;
}

/* Drops the flags that overlap tokens [b, e) (a template inside among
 * them): the group is one flag. */
static void drop_inside(struct ds_ev *ev, uint32_t b, uint32_t e)
{
	size_t k = 0;
	for (size_t i = 0; i < ev->nsubs; i++)
		if (ev->subs[i].tok_end <= b || ev->subs[i].tok_begin >= e)
			ev->subs[k++] = ev->subs[i];
		else if (ev->subs[i].kind == DS_EV_TEMPLATE)
			ev->n_templates--;
	ev->nsubs = k;
}

/* Flags the group from token t to its closing brace close, of n
 * alternatives r: linked (TPL_LINKED) or written as the article's linked
 * ones (TPL_FORM). */
static int tpl_flag(struct tpl *x, struct ds_ev *ev, uint32_t t, uint32_t close,
		    const struct tpl_range *r, size_t n, int how)
{
	const struct ds_doc *d = x->d;
	struct ds_buf cased = DS_BUF_INIT, orig = DS_BUF_INIT;
	struct ds_ev_sub *s;
	char why[160];
	int rc;
	drop_inside(ev, t, close + 1);
	if (how == TPL_LINKED)
		snprintf(why, sizeof why,
			 "a spinner's template left unresolved: %zu alternatives the thesaurus "
			 "links, the first the original",
			 n);
	else
		snprintf(why, sizeof why,
			 "a spinner's template left unresolved, written as the article's others: "
			 "%zu alternatives, the first the original",
			 n);
	/* the original as the template writes it ("{U.S.|American}"), which
	 * restore puts back, and in lower case as the text's words are */
	rc = tpl_write(x, r[0].b, r[0].e, 0, &cased) || ds_buf_putc(&cased, 0) ||
	     ds_buf_append(&orig, cased.data, cased.len);
	if (!rc)
		ds_lower(orig.data, orig.data, orig.len - 1);
	rc = rc || ev_add_sub(ev, d, t, close + 1, NULL, 0, 0, orig.data, orig.len - 1, why, 0, 1,
			      DS_EV_TEMPLATE, 1);
	if (!rc) {
		s = &ev->subs[ev->nsubs - 1];
		s->p = how == TPL_LINKED ? DS_EV_TEMPLATE_P : DS_EV_TEMPLATE_FORM_P;
		s->cased = (uint32_t)ev->strs.len;
		rc = ds_buf_append(&ev->strs, cased.data, cased.len);
	}
	ds_buf_free(&cased);
	ds_buf_free(&orig);
	if (rc)
		return DS_ENOMEM;
	ev->n_templates++;
	return 0;
}

/* The group opening at token t when it stands alone (no letter or brace
 * against it): its alternatives into r, its closing brace into *close and
 * what tpl_spun says of it (link as there); 0 when none. */
static int tpl_at(struct tpl *x, uint32_t t, struct tpl_range r[TPL_MAX_ALTS], size_t *n,
		  uint32_t *close, int link)
{
	const struct ds_doc *d = x->d;
	if (!punct_is(d, t, '{') ||
	    (d->tok[t].start > 0 && glued((unsigned char)d->text[d->tok[t].start - 1])) ||
	    !(*n = tpl_parse(x, t, 0, r, close)) ||
	    (d->tok[*close].end < d->len && glued((unsigned char)d->text[d->tok[*close].end])))
		return 0;
	return tpl_spun(x, r, *n, 0, link);
}

int ev_template_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev)
{
	struct tpl x = {c, doc, TPL_BUDGET, TPL_STEPS_PER_TOKEN * doc->ntok + TPL_STEPS_MIN};
	struct tpl_range r[TPL_MAX_ALTS];
	uint8_t *done;
	uint32_t close;
	size_t n;
	if (!c->lex)
		return 0;
	/* groups whose alternatives the thesaurus links */
	for (uint32_t t = 0; t < doc->ntok && x.budget && x.steps; t++) {
		if (tpl_at(&x, t, r, &n, &close, 1) != TPL_LINKED)
			continue;
		if (tpl_flag(&x, ev, t, close, r, n, TPL_LINKED))
			return DS_ENOMEM;
		t = close;
	}
	if (!ev->n_templates)
		return 0;
	/* in an article that holds them, the groups written alike whose
	 * alternatives a thesaurus the lexicon lacks chose */
	if (!(done = calloc(doc->ntok, 1)))
		return DS_ENOMEM;
	for (size_t i = 0; i < ev->nsubs; i++)
		if (ev->subs[i].kind == DS_EV_TEMPLATE)
			memset(done + ev->subs[i].tok_begin, 1, ev->subs[i].tok_end - ev->subs[i].tok_begin);
	for (uint32_t t = 0; t < doc->ntok && x.steps; t++) {
		if (done[t] || tpl_at(&x, t, r, &n, &close, 0) != TPL_FORM)
			continue;
		if (tpl_flag(&x, ev, t, close, r, n, TPL_FORM)) {
			free(done);
			return DS_ENOMEM;
		}
		t = close;
	}
	free(done);
	return 0;
}
