/* evidence_tpl.c - a spinner's template left in the text: "{war|battle|
 * conflict}", the alternatives a spinner chooses among, printed as they
 * are when the template was not resolved (see evidence_int.h).
 *
 * Braces and bars are common outside spinning: a command's usage
 * ("{start|stop|restart|status}"), a type union ("{string|Buffer}"), a C
 * identifier ("dev_{hold|put}"), a template engine's filter ("{{ name|title
 * }}").  A group counts only when its alternatives are all synonyms: every
 * one of them linked to the others by a thesaurus pair of the lexicon
 * (distributional neighbours alone do not link: they join antonyms and
 * pronouns), and when it stands alone, no letter or brace against it. */
#include "evidence_int.h"

#include <stdio.h>
#include <string.h>

#define TPL_MAX_ALTS 12     /* alternatives of a group */
#define TPL_MAX_WORDS 4     /* words of an alternative */
#define TPL_MAX_TOKENS (TPL_MAX_ALTS * (TPL_MAX_WORDS + 1) + 1)

/* What may stand right against a group's brace without making it part of
 * something else: a word's letter ("dev_{"), another brace ("{{"), a
 * shell's "$" ("${"). */
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

struct tpl_alt {
	uint32_t b, e;                          /* its tokens */
	char lower[DS_LEX_MAX_PHRASE + 1];      /* lower case, one space apart */
};

/* The group opening at token t: its alternatives into alt and the token
 * after its closing brace into *end; the number of alternatives (0: not a
 * group). */
static size_t tpl_parse(const struct ds_doc *d, uint32_t t, struct tpl_alt alt[TPL_MAX_ALTS],
			uint32_t *end)
{
	size_t n = 0;
	uint32_t i = t + 1, lim = t + TPL_MAX_TOKENS;
	if (d->tok[t].start > 0 && glued((unsigned char)d->text[d->tok[t].start - 1]))
		return 0;
	if (lim > d->ntok)
		lim = (uint32_t)d->ntok;
	for (;;) {
		uint32_t b = i;
		while (i < lim && d->tok[i].kind != DS_TOK_PUNCT)
			i++;
		if (i == b || i - b > TPL_MAX_WORDS || i >= lim || n == TPL_MAX_ALTS ||
		    !ev_phrase_of(d, b, i, alt[n].lower, sizeof alt[n].lower))
			return 0;
		alt[n].b = b;
		alt[n].e = i;
		n++;
		if (punct_is(d, i, '}'))
			break;
		if (!punct_is(d, i, '|'))
			return 0;
		i++;
	}
	if (d->tok[i].end < d->len && glued((unsigned char)d->text[d->tok[i].end]))
		return 0;
	*end = i + 1;
	return n >= 2 ? n : 0;
}

/* Whether the lexicon relates a and b as a thesaurus does (either way);
 * *w gets the larger weight. */
static int tpl_related(struct ds_ev_ctx *c, const char *a, const char *b, float *w)
{
	struct ds_lex_rel rel;
	unsigned thesaurus = DS_LEX_SRC_ALL & ~(unsigned)DS_LEX_SRC_DIST;
	float f = ds_lex_relation(c->lex, c->st, a, b, &rel);
	if (!(f > 0 || rel.backward > 0) || !(rel.sources & thesaurus))
		return 0;
	*w = f > rel.backward ? f : rel.backward;
	return 1;
}

/* Whether the alternatives are synonyms: distinct, and each linked to the
 * first through pairs of the lexicon (tpl_related); *w gets the weakest
 * link's weight. */
static int tpl_synonyms(struct ds_ev_ctx *c, const struct tpl_alt *alt, size_t n, float *w)
{
	uint8_t in[TPL_MAX_ALTS] = {1};
	size_t linked = 1;
	*w = 1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(alt[i].lower, alt[j].lower))
				return 0;
	for (int grew = 1; grew && linked < n;) {
		grew = 0;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n && !in[i]; j++) {
				float lw;
				if (in[j] && tpl_related(c, alt[j].lower, alt[i].lower, &lw)) {
					in[i] = 1;
					linked++;
					grew = 1;
					if (lw < *w)
						*w = lw;
				}
			}
	}
	return linked == n;
}

/* Drops the flags that overlap tokens [b, e): the group is one flag. */
static void drop_inside(struct ds_ev *ev, uint32_t b, uint32_t e)
{
	size_t k = 0;
	for (size_t i = 0; i < ev->nsubs; i++)
		if (ev->subs[i].tok_end <= b || ev->subs[i].tok_begin >= e)
			ev->subs[k++] = ev->subs[i];
	ev->nsubs = k;
}

int ev_template_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev)
{
	struct tpl_alt alt[TPL_MAX_ALTS];
	if (!c->lex)
		return 0;
	for (uint32_t t = 0; t < doc->ntok; t++) {
		uint32_t end;
		size_t n;
		float w;
		struct ds_ev_sub *s;
		char why[160];
		if (!punct_is(doc, t, '{') || !(n = tpl_parse(doc, t, alt, &end)) ||
		    !tpl_synonyms(c, alt, n, &w))
			continue;
		drop_inside(ev, t, end);
		snprintf(why, sizeof why,
			 "a spinner's template left unresolved: %zu synonyms to choose from, "
			 "the first the original",
			 n);
		if (ev_add_sub(ev, doc, t, end, NULL, 0, 0, alt[0].lower, strlen(alt[0].lower), why, 0,
			       w, DS_EV_TEMPLATE, 1))
			return DS_ENOMEM;
		s = &ev->subs[ev->nsubs - 1];
		s->p = DS_EV_TEMPLATE_P;
		/* put back as the template writes it ("{U.S.|American}") */
		s->cased = (uint32_t)ev->strs.len;
		for (uint32_t i = alt[0].b; i < alt[0].e; i++)
			if ((i > alt[0].b && ds_buf_putc(&ev->strs, ' ')) ||
			    ds_buf_append(&ev->strs, doc->pool + doc->tok[i].norm, doc->tok[i].norm_len))
				return DS_ENOMEM;
		if (ds_buf_putc(&ev->strs, 0))
			return DS_ENOMEM;
		ev->n_templates++;
		t = end - 1;
	}
	return 0;
}
