/* evidence_cand.c - candidate originals of a phrase: looked up in the
 * lexicon, ranked, cached per document, and the best one for a slot chosen
 * by its gain in context (see evidence_int.h). */
#include "evidence_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candtab.h"
#include "stem.h"
#include "vec.h"

/* True when phrases a and b (words separated by spaces) share a word. */
static int shares_word(const char *a, size_t al, const char *b, size_t bl)
{
	size_t i = 0;
	while (i < al) {
		size_t j = i, k = 0;
		while (j < al && a[j] != ' ')
			j++;
		while (k < bl) {
			size_t m = k;
			while (m < bl && b[m] != ' ')
				m++;
			if (m - k == j - i && memcmp(a + i, b + k, j - i) == 0)
				return 1;
			k = m + 1;
		}
		i = j + 1;
	}
	return 0;
}

/* Whether word a[0, al) is an abbreviation of b[0, bl), a word or a
 * phrase: three letters or more, none of them a vowel (y aside), the same
 * first letter, at most three fifths as many letters, and its letters in
 * b in order ("pct" / "percent" and "per centum", "mln" / "million",
 * "dlrs" / "dollars", "cts" / "cents").  A text that writes the short form
 * follows its house style: the long form the language model prefers is
 * no original a spinner replaced (the lexicon lists some such pairs:
 * WordNet's "pct" for "percent").  A short form with a vowel is most often
 * a word of its own, which a spinner does write ("act" for "action",
 * "war" for "warfare", "cab" for "cabin"). */
int ev_abbreviates(const char *a, size_t al, const char *b, size_t bl)
{
	size_t j = 0, letters = 0;
	if (al < 3 || a[0] != b[0])
		return 0;
	for (size_t i = 0; i < al; i++)
		if (a[i] < 'a' || a[i] > 'z' || strchr("aeiou", a[i]))
			return 0;
	for (size_t i = 0; i < bl; i++) {
		if (b[i] != ' ' && (b[i] < 'a' || b[i] > 'z'))
			return 0;
		letters += b[i] != ' ';
	}
	if (al * 5 > letters * 3)
		return 0;
	for (size_t i = 0; i < al; i++) {
		while (j < bl && b[j] != a[i])
			j++;
		if (j++ >= bl)
			return 0;
	}
	return 1;
}

/* Whether a[0, al) and b[0, bl) are both number words ("billion" /
 * "million"): a figure changed, not a word. */
int ev_number_words(const char *a, size_t al, const char *b, size_t bl)
{
	return !memchr(a, ' ', al) && !memchr(b, ' ', bl) && ds_number_word(a, al) &&
	       ds_number_word(b, bl);
}

/* Whether text[0, len) can be no original of phrase[0, plen): an
 * abbreviation's long form, or a number word for a number word. */
static int never_original(const char *phrase, size_t plen, const char *text, size_t len)
{
	return ev_abbreviates(phrase, plen, text, len) || ev_number_words(phrase, plen, text, len);
}

/* log10 of a lexicon weight, floored at 0.01: what a candidate's weight
 * adds to its rank and to its gain. */
static double log_weight(float w)
{
	return log10(w > 0.01f ? w : 0.01f);
}

void ev_cand_reset(struct ds_ev_ctx *c)
{
	ds_strtab_free(&c->phrases);
	c->ctab_used = 0;
	c->ncands = 0;
	c->ctext.len = 0;
	ds_strtab_free(&c->words);
}

void ds_ev_cache_stats(const struct ds_ev_ctx *c, struct ds_ev_cache_stats *out)
{
	*out = c->cstats;
	out->used = c->ctab_used;
	out->max = c->ctab_max;
}

int ds_ev_set_cache_size(struct ds_ev_ctx *c, size_t max)
{
	if (!max)
		max = CTAB_MAX;
	if (max > UINT32_MAX / 2)
		return DS_EINVAL;
	ev_cand_reset(c);
	c->ctab_max = max;
	return 0;
}

/* A candidate found beyond the exact reverse pair. */
struct ev_extra {
	char text[48];
	uint32_t len;
	float weight;
	uint16_t sources;
	double key;
};

/* Related candidates a phrase keeps, at most (ds_tune.rel_extra is
 * capped to it): a phrase has at most DS_EV_MAX_HITS + REL_EXTRA_MAX. */
#define REL_EXTRA_MAX 16
#define CAND_MAX (DS_EV_MAX_HITS + REL_EXTRA_MAX)

/* Texts one cand_related call turned down for good: unknown to the model,
 * a function word, or too far from the phrase (their ids in c->words).  The
 * two-step search meets the same words again and again. */
#define REJECT_SLOTS 1024 /* power of two; more than the hits of one call / 0.7 */
_Static_assert(DS_HMAP_FIXED_OK(REJECT_SLOTS), "REJECT_SLOTS: a power of two, at least 2");

/* The word w[0..n) (no space) as the candidate search sees it, looked up
 * once per context; its id in c->words goes to *wid.  NULL when out of
 * memory. */
static const struct ev_word *word_of(struct ds_ev_ctx *c, const char *w, size_t n,
				     uint32_t *wid)
{
	int64_t id;
	struct ev_word *e;
	if ((id = ds_strtab_find(&c->words, w, n)) >= 0) {
		*wid = (uint32_t)id;
		return &c->wordv[id];
	}
	if ((id = ds_strtab_intern(&c->words, w, n)) < 0 ||
	    ds_grow(&c->wordv, &c->wordv_cap, (size_t)id + 1, sizeof *c->wordv))
		return NULL;
	e = &c->wordv[id];
	*wid = (uint32_t)id;
	memset(e, 0, sizeof *e);
	if (ev_phrase_ids(c->lm, w, n, &e->id) != 1 || ev_is_function_word(w, n)) {
		e->id = DS_LM_UNK;
	} else {
		struct ds_lm_state nul, tmp;
		ds_lm_null(&nul);
		e->uni = ds_lm_score(c->lm, &nul, e->id, &tmp, NULL);
		if (c->vec)
			ds_vec_word_of(c->vec, w, n, &e->vw);
	}
	return e;
}

/* Adds text (from a lexicon hit h of weight w) to the extras unless it is
 * the phrase itself, a candidate already or unknown to the model. */
static void extra_add(struct ds_ev_ctx *c, const char *phrase, size_t plen,
		      const struct ev_centry *ce, const char *text, size_t len, float w,
		      uint16_t sources, struct ev_extra *ex, size_t *nex, size_t max,
		      struct ds_hmap *rejected)
{
	const struct ev_word *wd;
	uint32_t wid;
	double key, sim;
	if (len >= sizeof ex->text || memchr(text, ' ', len) ||
	    (len == plen && memcmp(text, phrase, plen) == 0) || never_original(phrase, plen, text, len) ||
	    !(wd = word_of(c, text, len, &wid)) || wd->id == DS_LM_UNK ||
	    ds_hmap_find(rejected, wid, NULL, NULL))
		return;
	for (uint32_t i = 0; i < ce->n; i++) {
		const struct ev_cand *cd = &c->cands[ce->first + i];
		if (cd->len == len && memcmp(c->ctext.data + cd->text, text, len) == 0)
			return;
	}
	for (size_t i = 0; i < *nex; i++)
		if (ex[i].len == len && memcmp(ex[i].text, text, len) == 0) {
			if (w > ex[i].weight)
				ex[i].weight = w;
			return;
		}
	/* related by use in the corpus too: distributional similarity */
	sim = c->vec ? ds_vec_sim_word(c->vec, phrase, plen, &wd->vw) : DS_VEC_UNKNOWN;
	if (sim < ds_tune_default.rel_min_sim) {
		ds_hmap_put(rejected, wid, 0, NULL, NULL, NULL); /* full: kept no more */
		return;
	}
	key = wd->uni + log_weight(w) + 2 * sim;
	if (*nex == max) {
		size_t m = 0;
		for (size_t i = 1; i < *nex; i++)
			if (ex[i].key < ex[m].key)
				m = i;
		if (ex[m].key >= key)
			return;
		*nex = m;
	}
	memcpy(ex[*nex].text, text, len);
	ex[*nex].text[len] = 0;
	ex[*nex].len = (uint32_t)len;
	ex[*nex].weight = w;
	ex[*nex].sources = sources;
	ex[*nex].key = key;
	if (*nex < max)
		(*nex)++;
}

/* Candidates a spinner's thesaurus may hold though our lexicon lacks the
 * exact pair: words the phrase may be replaced by (the lexicon's forward
 * pairs), and words two lexicon steps away (originals and substitutes of
 * the closest candidates), kept when the corpus uses them alike (word
 * vectors), the commonest and likeliest first.  Returns 0 or DS_ENOMEM. */
static int cand_related(struct ds_ev_ctx *c, const char *phrase, size_t plen,
			struct ev_centry *ce)
{
	struct ev_extra ex[REL_EXTRA_MAX];
	char via[2 * DS_EV_REL_VIA][48];
	float via_w[2 * DS_EV_REL_VIA];
	size_t nex = 0, nvia = 0, nh, max = ds_tune_default.rel_extra;
	uint64_t rej_key[REJECT_SLOTS];
	uint32_t rej_val[REJECT_SLOTS];
	struct ds_hmap rejected;
	/* common and function words are what spinners replace, not what
	 * they write */
	if (!c->vec || !max || ce->freq >= ds_tune_default.rel_max_freq ||
	    ev_is_function_word(phrase, plen))
		return 0;
	if (max > DS_ARRAY_LEN(ex))
		max = DS_ARRAY_LEN(ex);
	ds_hmap_init_fixed(&rejected, rej_key, rej_val, REJECT_SLOTS);
	/* one call adds at most DS_EV_MAX_LOOKUP + 2 * DS_ARRAY_LEN(via) * 24
	 * words; the ids in rejected must stay valid through it */
	if (c->words.n + 512 > EV_WORDS_MAX)
		ds_strtab_free(&c->words);
	/* step one: the phrase's own substitutes */
	nh = ds_lex_substitutes_inflected(c->lex, c->st, phrase, plen, c->hits, DS_EV_MAX_LOOKUP,
					  c->hitbuf, sizeof c->hitbuf);
	for (size_t h = 0; h < nh; h++) {
		float w = c->hits[h].weight * 0.8f;
		if (nvia < DS_EV_REL_VIA && c->hits[h].len < sizeof via[0] &&
		    !memchr(c->hits[h].text, ' ', c->hits[h].len)) {
			memcpy(via[nvia], c->hits[h].text, c->hits[h].len);
			via[nvia][c->hits[h].len] = 0;
			via_w[nvia++] = c->hits[h].weight;
		}
		extra_add(c, phrase, plen, ce, c->hits[h].text, c->hits[h].len, w,
			  c->hits[h].sources, ex, &nex, max, &rejected);
	}
	/* the closest exact candidates lead on too */
	for (uint32_t i = 0; i < ce->n && nvia < DS_ARRAY_LEN(via); i++) {
		const struct ev_cand *cd = &c->cands[ce->first + i];
		if (cd->ni != 1 || cd->len >= sizeof via[0])
			continue;
		memcpy(via[nvia], c->ctext.data + cd->text, cd->len);
		via[nvia][cd->len] = 0;
		via_w[nvia++] = cd->weight;
	}
	/* step two */
	for (size_t v = 0; v < nvia; v++) {
		size_t vl = strlen(via[v]);
		for (int dir = 0; dir < 2; dir++) {
			/* surface forms only: the via word is inflected already */
			nh = dir ? ds_lex_substitutes(c->lex, via[v], vl, c->hits, 24)
				 : ds_lex_originals(c->lex, via[v], vl, c->hits, 24);
			for (size_t h = 0; h < nh; h++)
				extra_add(c, phrase, plen, ce, c->hits[h].text, c->hits[h].len,
					  0.5f * via_w[v] * c->hits[h].weight,
					  c->hits[h].sources | DS_EV_SRC_TWOSTEP, ex, &nex, max,
					  &rejected);
		}
	}
	for (size_t i = 0; i < nex; i++) {
		struct ev_cand cd;
		memset(&cd, 0, sizeof cd);
		cd.ni = (uint8_t)ev_phrase_ids(c->lm, ex[i].text, ex[i].len, cd.ids);
		cd.sources = ex[i].sources;
		cd.weight = ex[i].weight;
		cd.half_logw = 0.5 * log_weight(cd.weight);
		cd.related = 1;
		cd.text = (uint32_t)c->ctext.len;
		cd.len = ex[i].len;
		if (ds_buf_append(&c->ctext, ex[i].text, ex[i].len) || ds_buf_putc(&c->ctext, 0) ||
		    ds_grow(&c->cands, &c->cands_cap, c->ncands + 1, sizeof *c->cands))
			return DS_ENOMEM;
		c->cands[c->ncands++] = cd;
		ce->n++;
	}
	return 0;
}

/* Length of phrase without its final possessive "'s" ("12 months's" ->
 * "12 months"), 0 when it has none: a function word's "'s" is a
 * contraction ("it's", "that's", "there's"). */
static size_t possessive_base(const char *p, size_t n)
{
	if (n <= 3 || p[n - 2] != '\'' || p[n - 1] != 's' || p[n - 3] == ' ')
		return 0;
	if (!memchr(p, ' ', n - 2) && ev_is_function_word(p, n - 2))
		return 0;
	return n - 2;
}

/* Whether the lexicon holds phrase or, failing that, the phrase it is the
 * possessive of; *base is that phrase's length (0: not a possessive) and
 * *freq the corpus count of what was found. */
static int lex_known(const struct ds_ev_ctx *c, const char *phrase, size_t plen, uint32_t *freq,
		     size_t *base)
{
	*base = 0;
	if (ds_lex_has(c->lex, phrase, plen, freq))
		return 1;
	*base = possessive_base(phrase, plen);
	return *base && ds_lex_has(c->lex, phrase, *base, freq);
}

/* Looks up, ranks and keeps the candidate originals of a phrase: a
 * spinner picks any listed synonym, but the writer of the original most
 * likely used a common word, so the candidates the model knows best come
 * first.  A possessive the lexicon does not hold takes the candidates of
 * the phrase it is the possessive of, possessive too ("this 12 months's"
 * -> "this year's").  Returns 0 or DS_ENOMEM. */
static int cand_fill(struct ds_ev_ctx *c, const char *phrase, size_t plen,
		     struct ev_centry *ce)
{
	size_t nh, base;
	ce->known = lex_known(c, phrase, plen, &ce->freq, &base);
	ce->first = (uint32_t)c->ncands;
	ce->n = 0;
	if (!ce->known && memchr(phrase, ' ', plen))
		return 0; /* a phrase the lexicon does not hold is no slot */
	if (base)
		plen = base;
	nh = ds_lex_originals_inflected(c->lex, c->st, phrase, plen, c->hits, DS_EV_MAX_LOOKUP,
					c->hitbuf, sizeof c->hitbuf);
	if (nh > DS_EV_MAX_HITS) {
		for (size_t h = 0; h < nh; h++) {
			ds_lm_id ids[DS_EV_MAX_WORDS];
			size_t ni = ev_phrase_ids(c->lm, c->hits[h].text, c->hits[h].len, ids);
			double key = -99;
			if (ni) {
				struct ds_lm_state nul, tmp;
				ds_lm_null(&nul);
				key = ds_lm_score(c->lm, &nul, ids[0], &tmp, NULL) - 0.5 * (double)(ni - 1) +
				      log_weight(c->hits[h].weight);
			}
			c->hitkey[h] = key;
		}
		for (size_t i = 0; i < DS_EV_MAX_HITS; i++) {
			size_t m = i;
			for (size_t j = i + 1; j < nh; j++)
				if (c->hitkey[j] > c->hitkey[m])
					m = j;
			if (m != i) {
				struct ds_lex_hit th = c->hits[i];
				double tk = c->hitkey[i];
				c->hits[i] = c->hits[m];
				c->hitkey[i] = c->hitkey[m];
				c->hits[m] = th;
				c->hitkey[m] = tk;
			}
		}
		nh = DS_EV_MAX_HITS;
	}
	for (size_t h = 0; h < nh; h++) {
		struct ev_cand cd;
		char pt[DS_LEX_MAX_PHRASE + 3];
		const char *text = c->hits[h].text;
		size_t tlen = c->hits[h].len;
		memset(&cd, 0, sizeof cd);
		if (tlen == plen && memcmp(text, phrase, plen) == 0)
			continue;
		if (shares_word(text, tlen, phrase, plen))
			continue; /* "vladimir putin" / "putin", "start out" / "start" */
		if (never_original(phrase, plen, text, tlen))
			continue; /* "pct" / "percent": house style; "billion" / "million" */
		if (base) {
			if (tlen + 3 > sizeof pt)
				continue;
			memcpy(pt, text, tlen);
			memcpy(pt + tlen, "'s", 3);
			text = pt;
			tlen += 2;
		}
		cd.ni = (uint8_t)ev_phrase_ids(c->lm, text, tlen, cd.ids);
		if (!cd.ni)
			continue;
		cd.sources = c->hits[h].sources;
		cd.weight = c->hits[h].weight;
		cd.half_logw = 0.5 * log_weight(cd.weight);
		cd.text = (uint32_t)c->ctext.len;
		cd.len = tlen;
		if (ds_buf_append(&c->ctext, text, tlen) ||
		    ds_buf_putc(&c->ctext, 0) ||
		    ds_grow(&c->cands, &c->cands_cap, c->ncands + 1, sizeof *c->cands))
			return DS_ENOMEM;
		c->cands[c->ncands++] = cd;
		ce->n++;
	}
	if (!base && !memchr(phrase, ' ', plen))
		return cand_related(c, phrase, plen, ce);
	return 0;
}

/* ---- the cache shared by the contexts of several threads ---- */

struct ds_ev_share {
	pthread_mutex_t mu;
	int users;                /* contexts attached */
	int keyed;                /* the models below are set */
	const struct ds_lm *lm;   /* the models of the first context attached: */
	const struct ds_lex *lex; /* a context with others does not use it */
	const struct ds_vec *vec;
	struct ds_strtab phrases; /* an id is the index in ents */
	struct ev_centry *ents;   /* first, n: in cands */
	size_t ents_cap;
	struct ev_cand *cands;    /* text: in text */
	size_t ncands, cands_cap;
	struct ds_buf text;
};

struct ds_ev_share *ds_ev_share_new(void)
{
	struct ds_ev_share *s = calloc(1, sizeof *s);
	if (s && pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void share_empty(struct ds_ev_share *s)
{
	ds_strtab_free(&s->phrases);
	s->ncands = 0;
	s->text.len = 0;
}

void ds_ev_share_clear(struct ds_ev_share *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	share_empty(s);
	s->keyed = 0; /* the next context attached names the models */
	pthread_mutex_unlock(&s->mu);
}

void ds_ev_share_free(struct ds_ev_share *s)
{
	if (!s)
		return;
	ds_strtab_free(&s->phrases);
	free(s->ents);
	free(s->cands);
	ds_buf_free(&s->text);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

void ds_ev_set_share(struct ds_ev_ctx *c, struct ds_ev_share *s)
{
	if (c->share) {
		pthread_mutex_lock(&c->share->mu);
		c->share->users--;
		pthread_mutex_unlock(&c->share->mu);
	}
	c->share = s;
	if (s) {
		pthread_mutex_lock(&s->mu);
		if (!s->keyed) {
			s->lm = c->lm;
			s->lex = c->lex;
			s->vec = c->vec;
			s->keyed = 1;
		}
		s->users++;
		pthread_mutex_unlock(&s->mu);
	}
}

/* Whether c may use s now (s locked): another context shares it, and c's
 * candidates come from the same models. */
static int share_usable(const struct ds_ev_share *s, const struct ds_ev_ctx *c)
{
	return s->users > 1 && s->lm == c->lm && s->lex == c->lex && s->vec == c->vec;
}

/* Copies the n candidates base[first..first+n) (their texts in ftext) to
 * the end of *to (texts appended to ttext), without what a slot computes
 * of them later.  base may be NULL when n is 0 (an array that holds no
 * candidate yet).  Returns 0 or DS_ENOMEM (then *to and ttext are as they
 * were). */
static int cands_copy(const struct ev_cand *base, size_t first, size_t n,
		      const struct ds_buf *ftext, struct ev_cand **to, size_t *nto, size_t *cap,
		      struct ds_buf *ttext)
{
	size_t tlen = ttext->len;
	const struct ev_cand *from;
	if (n == 0)
		return 0;
	from = base + first;
	if (ds_grow(to, cap, *nto + n, sizeof **to))
		return DS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct ev_cand cd = from[i];
		cd.text = (uint32_t)ttext->len;
		cd.best_done = 0;
		cd.freq = 0;
		cd.vsim = 0;
		if (ds_buf_append(ttext, ftext->data + from[i].text, from[i].len) ||
		    ds_buf_putc(ttext, 0)) {
			ttext->len = tlen;
			return DS_ENOMEM;
		}
		(*to)[*nto + i] = cd;
	}
	*nto += n;
	return 0;
}

/* The candidates of phrase from c's share into c's own arrays and ce.
 * Returns 1 when the share held them, 0 when not, DS_ENOMEM. */
static int share_get(struct ds_ev_ctx *c, const char *phrase, size_t plen, struct ev_centry *ce)
{
	struct ds_ev_share *s = c->share;
	int64_t id;
	int rc = 0;
	pthread_mutex_lock(&s->mu);
	if (share_usable(s, c) && (id = ds_strtab_find(&s->phrases, phrase, plen)) >= 0) {
		const struct ev_centry *e = &s->ents[id];
		size_t first = c->ncands;
		rc = cands_copy(s->cands, e->first, e->n, &s->text, &c->cands, &c->ncands,
				&c->cands_cap, &c->ctext);
		if (rc == 0) {
			*ce = *e;
			ce->first = (uint32_t)first;
			rc = 1;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* Keeps a copy of the candidates c found for phrase (ce) in c's share.
 * Out of memory, the share goes without them. */
static void share_put(struct ds_ev_ctx *c, const char *phrase, size_t plen,
		      const struct ev_centry *ce)
{
	struct ds_ev_share *s = c->share;
	size_t first, tlen;
	int64_t id;
	pthread_mutex_lock(&s->mu);
	if (!share_usable(s, c) || ds_strtab_find(&s->phrases, phrase, plen) >= 0)
		goto out; /* another thread kept it first */
	if (s->phrases.n >= CTAB_MAX)
		share_empty(s);
	first = s->ncands;
	tlen = s->text.len;
	if (ds_grow(&s->ents, &s->ents_cap, s->phrases.n + 1, sizeof *s->ents) ||
	    cands_copy(c->cands, ce->first, ce->n, &c->ctext, &s->cands, &s->ncands,
		       &s->cands_cap, &s->text))
		goto out;
	if ((id = ds_strtab_intern(&s->phrases, phrase, plen)) < 0) {
		s->ncands = first;
		s->text.len = tlen;
		goto out;
	}
	s->ents[id] = *ce;
	s->ents[id].first = (uint32_t)first;
out:
	pthread_mutex_unlock(&s->mu);
}

_Static_assert(DS_CANDTAB_MAX_IDS == DS_EV_MAX_WORDS, "a table's candidate holds a phrase's ids");

void ds_ev_set_candtab(struct ds_ev_ctx *c, const struct ds_candtab *t)
{
	c->tab = t;
}

/* The candidates of phrase from c's table into c's arrays and ce.  Returns
 * 1 when the table held them, 0 when not (or what it holds is damaged),
 * DS_ENOMEM. */
static int tab_get(struct ds_ev_ctx *c, const char *phrase, size_t plen, struct ev_centry *ce)
{
	struct ds_candtab_ent e;
	size_t first = c->ncands, tlen = c->ctext.len;
	uint32_t vocab = ds_lm_vocab_size(c->lm);
	if (ds_candtab_find(c->tab, phrase, plen, &e) != 0)
		return 0;
	if (ds_grow(&c->cands, &c->cands_cap, first + e.n, sizeof *c->cands))
		return DS_ENOMEM;
	for (uint32_t i = 0; i < e.n; i++) {
		struct ds_candtab_cand tc;
		struct ev_cand cd;
		int ok = ds_candtab_cand(c->tab, &e, i, &tc) == 0 && tc.ni > 0;
		for (uint8_t k = 0; ok && k < tc.ni; k++)
			ok = tc.ids[k] < vocab;
		if (!ok) {
			c->ctext.len = tlen;
			return 0;
		}
		memset(&cd, 0, sizeof cd);
		memcpy(cd.ids, tc.ids, sizeof cd.ids);
		cd.ni = tc.ni;
		cd.sources = tc.sources;
		cd.related = tc.related;
		cd.weight = tc.weight;
		cd.half_logw = 0.5 * log_weight(cd.weight);
		cd.text = (uint32_t)c->ctext.len;
		cd.len = tc.len;
		if (ds_buf_append(&c->ctext, tc.text, tc.len) || ds_buf_putc(&c->ctext, 0)) {
			c->ctext.len = tlen;
			return DS_ENOMEM;
		}
		c->cands[first + i] = cd;
	}
	c->ncands = first + e.n;
	ce->first = (uint32_t)first;
	ce->n = e.n;
	ce->freq = e.freq;
	ce->known = e.known;
	return 1;
}

uint32_t ds_ev_cand_algo(void)
{
	const double v[] = {DS_EV_MAX_LOOKUP,
			    DS_EV_MAX_HITS,
			    DS_EV_MAX_WORDS,
			    DS_EV_REL_VIA,
			    REL_EXTRA_MAX,
			    (double)ds_tune_default.rel_extra,
			    ds_tune_default.rel_min_sim,
			    (double)ds_tune_default.rel_max_freq};
	return (uint32_t)DS_EV_CAND_ALGO << 24 | (uint32_t)(ds_hash64(v, sizeof v, 0) & 0xffffff);
}

int ds_ev_candtab_add(struct ds_ev_ctx *c, struct ds_candtab_builder *b, const char *p,
		      size_t len)
{
	struct ds_candtab_cand tc[CAND_MAX];
	struct ev_centry ce;
	size_t first = c->ncands, tlen = c->ctext.len;
	int rc;
	if (!len || len > DS_LEX_MAX_PHRASE)
		return 0;
	memset(&ce, 0, sizeof ce);
	rc = cand_fill(c, p, len, &ce);
	if (rc || (memchr(p, ' ', len) && !ce.known)) {
		c->ncands = first;
		c->ctext.len = tlen;
		return rc;
	}
	for (uint32_t i = 0; i < ce.n && i < CAND_MAX; i++) {
		const struct ev_cand *cd = &c->cands[ce.first + i];
		memset(&tc[i], 0, sizeof tc[i]);
		tc[i].text = c->ctext.data + cd->text;
		tc[i].len = cd->len;
		memcpy(tc[i].ids, cd->ids, sizeof tc[i].ids);
		tc[i].ni = cd->ni;
		tc[i].related = cd->related;
		tc[i].sources = cd->sources;
		tc[i].weight = cd->weight;
	}
	rc = ce.n > CAND_MAX ? DS_EINVAL
			     : ds_candtab_builder_add(b, p, len, ce.known, ce.freq, tc, ce.n);
	/* the search's scratch goes: this context caches nothing of it */
	c->ncands = first;
	c->ctext.len = tlen;
	return rc;
}

/* The candidates of a phrase, from the cache or looked up and kept.  A
 * phrase of several words that the lexicon does not hold has none, and is
 * not kept: most word pairs of an article are such, and each is met once.
 * The entry returned is valid until the next call. */
static const struct ev_centry *cand_lookup(struct ds_ev_ctx *c, const char *phrase, size_t plen)
{
	struct ev_centry *ce;
	uint32_t freq = 0;
	int64_t id;
	int shared;
	size_t base;
	if (memchr(phrase, ' ', plen) && !lex_known(c, phrase, plen, &freq, &base)) {
		ce = &c->spare;
		memset(ce, 0, sizeof *ce);
		ce->freq = freq;
		ce->first = (uint32_t)c->ncands;
		return ce;
	}
	if ((id = ds_strtab_find(&c->phrases, phrase, plen)) >= 0) {
		c->cstats.hits++;
		return &c->ctab[id];
	}
	c->cstats.misses++;
	if (c->ctab_used >= c->ctab_max) {
		ev_cand_reset(c); /* full: start the cache again */
		c->cstats.resets++;
	}
	if (ds_grow(&c->ctab, &c->ctab_cap, c->ctab_used + 1, sizeof *c->ctab))
		return NULL;
	ce = &c->ctab[c->ctab_used];
	memset(ce, 0, sizeof *ce);
	/* the table built with the models, or another thread, may have it */
	if ((shared = c->tab ? tab_get(c, phrase, plen, ce) : 0) < 0)
		return NULL;
	if (shared) {
		c->cstats.table_hits++;
	} else if ((shared = c->share ? share_get(c, phrase, plen, ce) : 0) < 0) {
		return NULL;
	} else if (shared) {
		c->cstats.shared_hits++;
	} else {
		if (cand_fill(c, phrase, plen, ce))
			return NULL;
		if (c->share)
			share_put(c, phrase, plen, ce);
	}
	if (ds_strtab_intern(&c->phrases, phrase, plen) < 0)
		return NULL;
	c->ctab_used++;
	return ce;
}

/* Best candidate for the phrase of tokens [t, t + k). */
int ev_best_candidate(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t, uint32_t k,
			  struct slot_best *best)
{
	char phrase[DS_LEX_MAX_PHRASE + 1];
	size_t plen, ncand;
	uint32_t p0, p1, freq_word = 0, bi = 0;
	int found = 0;
	const struct ev_centry *ce;
	double gains[CAND_MAX], follows[CAND_MAX];
	const ds_lm_id *span[CAND_MAX];
	size_t len[CAND_MAX];

	memset(best, 0, sizeof *best);

	/* words, and numbers inside a phrase the lexicon holds ("12 months") */
	for (uint32_t i = t; i < t + k; i++)
		if (i >= doc->ntok ||
		    (doc->tok[i].kind != DS_TOK_WORD && (k == 1 || doc->tok[i].kind != DS_TOK_NUM)) ||
		    (doc->tok[i].flags & DS_TF_BOILER) || c->tokpos[i] == UINT32_MAX ||
		    (i > t && c->tokpos[i] != c->tokpos[i - 1] + 1))
			return 0;
	for (uint32_t i = t; i < t + k; i++) {
		const struct ds_token *tk = &doc->tok[i];
		/* acronyms and abbreviations (U.S., NATO) are names, not words */
		if ((tk->flags & DS_TF_UPPER) || memchr(doc->pool + tk->lower, '.', tk->norm_len))
			return 0;
	}
	plen = ev_phrase_of(doc, t, t + k, phrase, sizeof phrase);
	if (!plen)
		return 0;
	ce = cand_lookup(c, phrase, plen);
	if (!ce)
		return 0;
	freq_word = ce->freq;
	if (k > 1 && !ce->known)
		return 0;
	/* a capitalised word is a name unless the word is common in lower case
	 * ("the Safety Council", "However") */
	if ((doc->tok[t].flags & DS_TF_CAP) && ce->freq < ds_tune_default.name_freq)
		return 0;
	p0 = c->tokpos[t];
	p1 = c->tokpos[t + k - 1] + 1;
	ncand = 0;
	/* every candidate's gain, side by side */
	for (uint32_t h = 0; h < ce->n; h++) {
		span[h] = c->cands[ce->first + h].ids;
		len[h] = c->cands[ce->first + h].ni;
	}
	ev_span_gains(c, p0, p1, span, len, ce->n, gains, follows);
	for (uint32_t h = 0; h < ce->n; h++) {
		const struct ev_cand *cd = &c->cands[ce->first + h];
		const char *ctxt = c->ctext.data + cd->text;
		const ds_lm_id *ids = cd->ids;
		size_t ni = cd->ni;
		double g = gains[h], fg = follows[h], w = g + cd->half_logw;
		ncand += g > 0;
		/* the first few single-word candidates (most common first), for
		 * pairs of spun neighbours */
		if (k == 1 && ni == 1 && best->ntop < DS_EV_PAIR_TOP &&
		    cd->len < sizeof best->top_txt[0]) {
			int at = best->ntop++;
			best->top[at] = ids[0];
			best->top_w[at] = cd->weight;
			memcpy(best->top_txt[at], ctxt, cd->len);
			best->top_txt[at][cd->len] = 0;
		}
		if (!found || w > best->gain) {
			found = 1;
			best->gain = w;
			best->raw = g;
			best->follow = fg;
			best->sources = cd->sources;
			best->weight = cd->weight;
			best->related = cd->related;
			best->k = k;
			bi = h;
		}
	}
	if (found) {
		/* what depends on the phrase and its best candidate only: once
		 * for the pair, kept with the candidate */
		struct ev_cand *cd = &c->cands[ce->first + bi];
		size_t ol = cd->len < sizeof best->orig ? cd->len : sizeof best->orig - 1;
		memcpy(best->orig, c->ctext.data + cd->text, ol);
		best->orig[ol] = 0;
		if (!cd->best_done) {
			cd->freq = 0;
			ds_lex_has(c->lex, best->orig, strlen(best->orig), &cd->freq);
			cd->vsim = c->vec ? ds_vec_sim(c->vec, phrase, plen, best->orig,
						       strlen(best->orig))
					  : DS_VEC_UNKNOWN;
			cd->best_done = 1;
		}
		best->ncand = ncand;
		best->freq_word = freq_word;
		best->freq_orig = cd->freq;
		best->vsim = cd->vsim;
	}
	return found;
}
