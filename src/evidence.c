/*
 * evidence.c - substitutions, language-model gains and fluency features
 * (see evidence.h).
 *
 * The central quantity is the gain of a candidate original: how many log10
 * units more probable the language model finds the text when the original
 * is put back in the slot, summed over the slot and the DS_EV_FOLLOW tokens
 * after it.  It compares the article with itself, so the article's own topic
 * and style cancel out.
 */
#include "evidence.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "lm.h"
#include "score.h"
#include "solocal.h"
#include "stem.h"

#define DS_EV_FOLLOW 3      /* tokens after the slot that share the gain */
#define DS_EV_MAX_LOOKUP 96 /* candidate originals looked up per phrase */
#define DS_EV_PAIR_TOP 3   /* candidates per word tried in pairs */
#define DS_EV_MAX_HITS 8   /* candidate originals tried per phrase */
#define DS_EV_MAX_WORDS 3   /* words per phrase on either side */
#define DS_EV_NAME_FREQ 30  /* corpus count above which a capitalised word may be a common word */

const char *const ds_feat_names[DS_NFEAT] = {
	"bias", "loglen", "slots", "g05", "g1", "g2", "gmean", "gmed", "grel",
	"lp", "oov", "func", "uni", "phrase", "ctx", "lowoov", "gtop", "f05", "fmean", "pmean", "phi", "ptop", "psum", "phi8", "has_src", "cover", "matched",
	"subrate", "editrate", "subrel", "subgain", "names", "small", "spinshare", "bigshare", "density"
};

#define CTAB_SLOTS 4096 /* power of two */

struct ev_cand {
	ds_lm_id ids[DS_EV_MAX_WORDS];
	uint8_t ni;
	uint16_t sources;
	float weight;
	uint32_t text, len;  /* in ctext */
};

struct ev_centry {
	uint64_t h;          /* hash of the phrase, 0 = empty */
	uint32_t first, n;   /* its candidates in cands */
	uint32_t freq;       /* its corpus count */
	int known;           /* in the lexicon */
};

const char *const ds_slotf_names[DS_NSLOTF] = {
	"bias", "gain", "follow", "wgain", "logw", "lfw", "lfo", "cap", "multi", "lpslot",
	"func", "dist", "ncand", "loglen"
};

struct ds_ev_ctx {
	const struct ds_slot_model *sm;
	const struct ds_solocal *sc;
	ds_ev_slot_fn dump;
	void *dump_ud;
	const struct ds_lm *lm;
	const struct ds_lex *lex;
	struct ds_stemmer *st;
	struct ds_lm_seq seq;
	struct ds_lm_state *before;  /* state before each position */
	float *lp;                   /* log10 p of each position */
	int *nlen;                   /* n-gram length of each position */
	uint32_t *tokpos;            /* token -> position, or UINT32_MAX */
	size_t cap, tok_cap;
	float *gains;
	size_t gains_cap;
	float *probs;
	size_t probs_cap;
	/* per document: the candidate originals of each phrase met, so that a
	 * repeated word is looked up and ranked once */
	struct ev_centry *ctab;
	size_t ctab_used;
	struct ev_cand *cands;
	size_t ncands, cands_cap;
	struct ds_buf ctext;
	struct ds_lex_hit hits[DS_EV_MAX_LOOKUP];
	double hitkey[DS_EV_MAX_LOOKUP];
	char hitbuf[16384];
};

struct ds_ev_ctx *ds_ev_ctx_new(const struct ds_lm *lm, const struct ds_lex *lex)
{
	struct ds_ev_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->lm = lm;
	c->lex = lex;
	c->st = ds_stemmer_new();
	if (!c->st) {
		free(c);
		return NULL;
	}
	return c;
}

void ds_ev_ctx_free(struct ds_ev_ctx *c)
{
	if (!c)
		return;
	ds_stemmer_free(c->st);
	ds_lm_seq_free(&c->seq);
	free(c->before);
	free(c->lp);
	free(c->nlen);
	free(c->tokpos);
	free(c->gains);
	free(c->probs);
	free(c->ctab);
	free(c->cands);
	ds_buf_free(&c->ctext);
	free(c);
}

void ds_ev_set_slot_model(struct ds_ev_ctx *c, const struct ds_slot_model *sm)
{
	c->sm = sm;
}

void ds_ev_set_solocal(struct ds_ev_ctx *c, const struct ds_solocal *sc)
{
	c->sc = sc;
}

void ds_ev_set_slot_dump(struct ds_ev_ctx *c, ds_ev_slot_fn fn, void *ud)
{
	c->dump = fn;
	c->dump_ud = ud;
}

struct ds_stemmer *ds_ev_stemmer(struct ds_ev_ctx *c)
{
	return c->st;
}

void ds_ev_clear(struct ds_ev *ev)
{
	free(ev->subs);
	ds_buf_free(&ev->strs);
	memset(ev, 0, sizeof *ev);
}

/* ---- helpers ---- */

static const char *const FUNCTION_WORDS[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "among",
	"an", "and", "any", "are", "as", "at", "be", "because", "been", "before",
	"being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"down", "during", "each", "few", "for", "from", "further", "had", "has",
	"have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
	"in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more",
	"most", "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on",
	"once", "only", "or", "other", "our", "out", "over", "own", "same", "shall",
	"she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "this", "those", "through", "to", "too",
	"toward", "towards", "under", "until", "up", "upon", "very", "was", "we",
	"were", "what", "when", "where", "which", "while", "who", "whom", "why",
	"will", "with", "within", "would", "you", "your", NULL
};

static uint64_t fw_hash[128];
static size_t fw_n;

static void fw_init(void)
{
	if (fw_n)
		return;
	for (size_t i = 0; FUNCTION_WORDS[i]; i++)
		fw_hash[i] = ds_hash64(FUNCTION_WORDS[i], strlen(FUNCTION_WORDS[i]), 7);
	fw_n = DS_ARRAY_LEN(FUNCTION_WORDS) - 1;
}

static int is_function_word(const char *w, size_t n)
{
	uint64_t h = ds_hash64(w, n, 7);
	for (size_t i = 0; i < fw_n; i++)
		if (fw_hash[i] == h)
			return 1;
	return 0;
}

/* Model id of one word of a candidate phrase (numbers to their class). */
static ds_lm_id word_id(const struct ds_lm *lm, const char *w, size_t n)
{
	const char *cls = ds_num_class(w, n);
	if (cls)
		return ds_lm_vocab(lm, cls, strlen(cls));
	return ds_lm_vocab(lm, w, n);
}

/* Splits a phrase into model ids; returns the count, 0 if a word is unknown
 * or there are too many. */
static size_t phrase_ids(const struct ds_lm *lm, const char *p, size_t len, ds_lm_id *out)
{
	size_t n = 0, i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && p[j] != ' ')
			j++;
		if (n == DS_EV_MAX_WORDS)
			return 0;
		out[n] = word_id(lm, p + i, j - i);
		if (out[n] == DS_LM_UNK)
			return 0;
		n++;
		i = j + 1;
	}
	return n;
}

/* Log10 gain of replacing positions [p0, p1) with cand[0..nc), over the
 * slot and the DS_EV_FOLLOW tokens after it; *follow (may be NULL) gets the
 * part of it earned by the following tokens alone, which does not depend on
 * how common the candidate itself is. */
static double span_gain2(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
			 size_t nc, double *follow)
{
	ds_lm_id buf[DS_EV_MAX_WORDS + DS_EV_FOLLOW + 2];
	float per[DS_EV_MAX_WORDS + DS_EV_FOLLOW + 2];
	size_t nf = 0, q = p1;
	double orig = 0, alt, orig_f = 0, alt_f = 0;
	for (size_t p = p0; p < p1; p++)
		orig += c->lp[p];
	memcpy(buf, cand, nc * sizeof *buf);
	while (q < c->seq.n && nf < DS_EV_FOLLOW) {
		ds_lm_id id = c->seq.id[q];
		if (id == DS_LM_BOS)
			break;
		buf[nc + nf++] = id;
		orig_f += c->lp[q];
		q++;
		if (id == DS_LM_EOS)
			break;
	}
	alt = ds_lm_score_span(c->lm, &c->before[p0], buf, nc + nf, NULL, follow ? per : NULL, NULL);
	if (follow) {
		for (size_t i = nc; i < nc + nf; i++)
			alt_f += per[i];
		*follow = alt_f - orig_f;
	}
	return alt - (orig + orig_f);
}

static double span_gain(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
			size_t nc)
{
	return span_gain2(c, p0, p1, cand, nc, NULL);
}

/* Lower-cased text of doc tokens [b, e) joined by single spaces, words only;
 * returns its length or 0 if it does not fit or holds punctuation. */
static size_t phrase_of(const struct ds_doc *d, uint32_t b, uint32_t e, char *out, size_t size)
{
	size_t n = 0;
	for (uint32_t i = b; i < e; i++) {
		size_t l = d->tok[i].norm_len;
		if (d->tok[i].kind == DS_TOK_PUNCT)
			continue;
		if (n + l + 2 > size)
			return 0;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, d->pool + d->tok[i].lower, l);
		n += l;
	}
	out[n] = 0;
	return n;
}

static int add_sub(struct ds_ev *ev, const struct ds_doc *doc, uint32_t tb, uint32_t te,
		   const struct ds_doc *src, uint32_t sb, uint32_t se, const char *orig,
		   size_t olen, const char *why, double gain, float weight, int kind, int lexrel)
{
	struct ds_ev_sub *s;
	if (ds_grow(&ev->subs, &ev->subs_cap, ev->nsubs + 1, sizeof *ev->subs))
		return DS_ENOMEM;
	s = &ev->subs[ev->nsubs];
	memset(s, 0, sizeof *s);
	s->tok_begin = tb;
	s->tok_end = te;
	s->start = doc->tok[tb].start;
	s->end = doc->tok[te - 1].end;
	if (src && sb < se) {
		s->src_start = src->tok[sb].start;
		s->src_end = src->tok[se - 1].end;
	}
	s->orig = (uint32_t)ev->strs.len;
	if (ds_buf_append(&ev->strs, orig, olen) || ds_buf_putc(&ev->strs, 0))
		return DS_ENOMEM;
	s->why = (uint32_t)ev->strs.len;
	if (ds_buf_puts(&ev->strs, why) || ds_buf_putc(&ev->strs, 0))
		return DS_ENOMEM;
	s->gain = (float)gain;
	s->weight = weight;
	s->kind = (uint8_t)kind;
	s->lexrel = (uint8_t)lexrel;
	ev->nsubs++;
	return 0;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static int cmp_sub(const void *a, const void *b)
{
	const struct ds_ev_sub *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Levenshtein distance of two short strings (capped at 9). */
static int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int row[64];
	if (n > 60 || m > 60)
		return 9;
	for (size_t j = 0; j <= m; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cur = row[j];
			int best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[m] > 9 ? 9 : row[m];
}

/* ---- language-model pass ---- */

static int lm_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev)
{
	struct ds_lm_state cur;
	size_t n, ntok = 0, oov = 0, uni = 0, ftri = 0, fbad = 0, nlow = 0, lowoov = 0;
	double lp = 0, ctx = 0;
	int rc = ds_lm_doc_seq(c->lm, doc, &c->seq);
	if (rc)
		return rc;
	n = c->seq.n;
	if (n + 1 > c->cap) {
		size_t nc = n + 64;
		struct ds_lm_state *b = realloc(c->before, nc * sizeof *b);
		float *l;
		int *nl;
		if (!b)
			return DS_ENOMEM;
		c->before = b;
		l = realloc(c->lp, nc * sizeof *l);
		if (!l)
			return DS_ENOMEM;
		c->lp = l;
		nl = realloc(c->nlen, nc * sizeof *nl);
		if (!nl)
			return DS_ENOMEM;
		c->nlen = nl;
		c->cap = nc;
	}
	if (doc->ntok + 1 > c->tok_cap) {
		uint32_t *t = realloc(c->tokpos, (doc->ntok + 64) * sizeof *t);
		if (!t)
			return DS_ENOMEM;
		c->tokpos = t;
		c->tok_cap = doc->ntok + 64;
	}
	for (size_t i = 0; i < doc->ntok; i++)
		c->tokpos[i] = UINT32_MAX;
	ds_lm_null(&cur);
	for (size_t p = 0; p < n; p++) {
		ds_lm_id id = c->seq.id[p];
		uint32_t t = c->seq.tok[p];
		c->before[p] = cur;
		if (t != DS_LM_NO_TOK)
			c->tokpos[t] = (uint32_t)p;
		if (id == DS_LM_BOS) {
			c->lp[p] = 0;
			c->nlen[p] = 1;
			ds_lm_begin(c->lm, &cur);
			continue;
		}
		{
			struct ds_lm_state next;
			c->lp[p] = ds_lm_score(c->lm, &cur, id, &next, &c->nlen[p]);
			cur = next;
		}
		lp += c->lp[p];
		ntok++;
		oov += id == DS_LM_UNK;
		if (id != DS_LM_EOS) {
			struct ds_lm_state nul, tmp;
			ds_lm_null(&nul);
			ctx += c->lp[p] - ds_lm_score(c->lm, &nul, id, &tmp, NULL);
		}
		if (t != DS_LM_NO_TOK && doc->tok[t].kind == DS_TOK_WORD &&
		    !(doc->tok[t].flags & (DS_TF_CAP | DS_TF_UPPER))) {
			nlow++;
			lowoov += id == DS_LM_UNK;
		}
		uni += c->nlen[p] <= 1;
		/* trigrams of function words */
		if (p >= 2 && t != DS_LM_NO_TOK && c->seq.tok[p - 1] != DS_LM_NO_TOK &&
		    c->seq.tok[p - 2] != DS_LM_NO_TOK) {
			int all = 1;
			for (size_t k = p - 2; k <= p && all; k++) {
				uint32_t tk = c->seq.tok[k];
				all = is_function_word(doc->pool + doc->tok[tk].lower,
						       doc->tok[tk].norm_len);
			}
			if (all) {
				ftri++;
				fbad += c->lp[p] < -2.5f;
			}
		}
	}
	ev->n_tokens = ntok;
	ev->logprob = lp;
	ev->f[DS_F_LP] = ntok ? lp / (double)ntok : 0;
	ev->f[DS_F_OOV] = ntok ? (double)oov / (double)ntok : 0;
	ev->f[DS_F_UNI] = ntok ? (double)uni / (double)ntok : 0;
	ev->f[DS_F_FUNC] = ftri ? (double)fbad / (double)ftri : 0;
	ev->f[DS_F_CTX] = ntok ? ctx / (double)ntok : 0;
	ev->f[DS_F_LOWOOV] = nlow ? (double)lowoov / (double)nlow : 0;
	return 0;
}

/* ---- solo evidence: candidate originals from the lexicon ---- */

struct slot_best {
	double gain;         /* weighted gain of the best candidate */
	double raw;          /* its plain LM gain */
	double follow;       /* the part of it earned by the following tokens */
	double prob;         /* slot model: probability of a substitution */
	double p;            /* flag model: calibrated probability */
	uint32_t ncand;      /* candidates with a positive gain */
	uint16_t sources;    /* lexicon sources of the best pair */
	uint32_t freq_word, freq_orig;
	float weight;
	/* the two best single-word candidates, for pairs of spun neighbours */
	ds_lm_id top[DS_EV_PAIR_TOP + 1];
	float top_w[DS_EV_PAIR_TOP + 1];
	char top_txt[DS_EV_PAIR_TOP + 1][32];
	uint8_t ntop;
	uint32_t k;          /* tokens the slot spans */
	char orig[DS_LEX_MAX_PHRASE + 1];
};

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

static void cand_reset(struct ds_ev_ctx *c)
{
	if (c->ctab)
		memset(c->ctab, 0, CTAB_SLOTS * sizeof *c->ctab);
	c->ctab_used = 0;
	c->ncands = 0;
	c->ctext.len = 0;
}

/* Looks up, ranks and keeps the candidate originals of a phrase: a
 * spinner picks any listed synonym, but the writer of the original most
 * likely used a common word, so the candidates the model knows best come
 * first.  Returns 0 or DS_ENOMEM. */
static int cand_fill(struct ds_ev_ctx *c, const char *phrase, size_t plen,
		     struct ev_centry *ce)
{
	size_t nh;
	ce->known = ds_lex_has(c->lex, phrase, plen, &ce->freq);
	ce->first = (uint32_t)c->ncands;
	ce->n = 0;
	if (!ce->known && memchr(phrase, ' ', plen))
		return 0; /* a phrase the lexicon does not hold is no slot */
	nh = ds_lex_originals_inflected(c->lex, c->st, phrase, plen, c->hits, DS_EV_MAX_LOOKUP,
					c->hitbuf, sizeof c->hitbuf);
	if (nh > DS_EV_MAX_HITS) {
		for (size_t h = 0; h < nh; h++) {
			ds_lm_id ids[DS_EV_MAX_WORDS];
			size_t ni = phrase_ids(c->lm, c->hits[h].text, c->hits[h].len, ids);
			double key = -99;
			if (ni) {
				struct ds_lm_state nul, tmp;
				ds_lm_null(&nul);
				key = ds_lm_score(c->lm, &nul, ids[0], &tmp, NULL) - 0.5 * (double)(ni - 1) +
				      log10(c->hits[h].weight > 0.01f ? c->hits[h].weight : 0.01f);
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
		memset(&cd, 0, sizeof cd);
		if (c->hits[h].len == plen && memcmp(c->hits[h].text, phrase, plen) == 0)
			continue;
		if (shares_word(c->hits[h].text, c->hits[h].len, phrase, plen))
			continue; /* "vladimir putin" / "putin", "start out" / "start" */
		cd.ni = (uint8_t)phrase_ids(c->lm, c->hits[h].text, c->hits[h].len, cd.ids);
		if (!cd.ni)
			continue;
		cd.sources = c->hits[h].sources;
		cd.weight = c->hits[h].weight;
		cd.text = (uint32_t)c->ctext.len;
		cd.len = c->hits[h].len;
		if (ds_buf_append(&c->ctext, c->hits[h].text, c->hits[h].len) ||
		    ds_buf_putc(&c->ctext, 0) ||
		    ds_grow(&c->cands, &c->cands_cap, c->ncands + 1, sizeof *c->cands))
			return DS_ENOMEM;
		c->cands[c->ncands++] = cd;
		ce->n++;
	}
	return 0;
}

static const struct ev_centry *cand_lookup(struct ds_ev_ctx *c, const char *phrase, size_t plen)
{
	uint64_t h = ds_hash64(phrase, plen, 0xca7d) | 1;
	size_t i;
	struct ev_centry *ce;
	if (!c->ctab && !(c->ctab = calloc(CTAB_SLOTS, sizeof *c->ctab)))
		return NULL;
	i = (size_t)h & (CTAB_SLOTS - 1);
	while (c->ctab[i].h) {
		if (c->ctab[i].h == h)
			return &c->ctab[i];
		i = (i + 1) & (CTAB_SLOTS - 1);
	}
	if (c->ctab_used * 4 >= CTAB_SLOTS * 3) {
		/* a very long document: start the cache again */
		cand_reset(c);
		i = (size_t)h & (CTAB_SLOTS - 1);
	}
	ce = &c->ctab[i];
	if (cand_fill(c, phrase, plen, ce))
		return NULL;
	ce->h = h;
	c->ctab_used++;
	return ce;
}

/* Best candidate for the phrase of tokens [t, t + k). */
static int best_candidate(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t, uint32_t k,
			  struct slot_best *best)
{
	char phrase[DS_LEX_MAX_PHRASE + 1];
	size_t plen, ncand;
	uint32_t p0, p1, freq_word = 0;
	int found = 0;
	const struct ev_centry *ce;

	memset(best, 0, sizeof *best);

	for (uint32_t i = t; i < t + k; i++)
		if (i >= doc->ntok || doc->tok[i].kind != DS_TOK_WORD ||
		    (doc->tok[i].flags & DS_TF_BOILER) || c->tokpos[i] == UINT32_MAX ||
		    (i > t && c->tokpos[i] != c->tokpos[i - 1] + 1))
			return 0;
	for (uint32_t i = t; i < t + k; i++) {
		const struct ds_token *tk = &doc->tok[i];
		/* acronyms and abbreviations (U.S., NATO) are names, not words */
		if ((tk->flags & DS_TF_UPPER) || memchr(doc->pool + tk->lower, '.', tk->norm_len))
			return 0;
	}
	plen = phrase_of(doc, t, t + k, phrase, sizeof phrase);
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
	if ((doc->tok[t].flags & DS_TF_CAP) && ce->freq < DS_EV_NAME_FREQ)
		return 0;
	p0 = c->tokpos[t];
	p1 = c->tokpos[t + k - 1] + 1;
	ncand = 0;
	for (uint32_t h = 0; h < ce->n; h++) {
		const struct ev_cand *cd = &c->cands[ce->first + h];
		const char *ctxt = c->ctext.data + cd->text;
		const ds_lm_id *ids = cd->ids;
		size_t ni = cd->ni;
		double g, w, fg = 0;
		g = span_gain2(c, p0, p1, ids, ni, &fg);
		w = g + 0.5 * log10(cd->weight > 0.01f ? cd->weight : 0.01f);
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
			best->k = k;
			snprintf(best->orig, sizeof best->orig, "%.*s", (int)cd->len, ctxt);
		}
	}
	if (found) {
		best->ncand = ncand;
		best->freq_word = freq_word;
		best->freq_orig = 0;
		ds_lex_has(c->lex, best->orig, strlen(best->orig), &best->freq_orig);
	}
	return found;
}

/* The slot model's features of slot t (see enum ds_slot_feat). */
static void slot_features(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t,
			  const struct slot_best *b, double x[DS_NSLOTF])
{
	const struct ds_token *tk = &doc->tok[t];
	double g = b->raw > 6 ? 6 : b->raw < -6 ? -6 : b->raw;
	double fg = b->follow > 6 ? 6 : b->follow < -6 ? -6 : b->follow;
	x[DS_SF_BIAS] = 1;
	x[DS_SF_GAIN] = g;
	x[DS_SF_FOLLOW] = fg;
	x[DS_SF_WGAIN] = b->gain > 6 ? 6 : b->gain < -6 ? -6 : b->gain;
	x[DS_SF_LOGW] = log10(b->weight > 0.001f ? b->weight : 0.001f);
	x[DS_SF_LFW] = log10(1.0 + b->freq_word);
	x[DS_SF_LFO] = log10(1.0 + b->freq_orig);
	x[DS_SF_CAP] = (tk->flags & DS_TF_CAP) != 0;
	x[DS_SF_MULTI] = b->k > 1 || strchr(b->orig, ' ') != NULL;
	x[DS_SF_LPSLOT] = c->lp[c->tokpos[t]];
	x[DS_SF_FUNC] = is_function_word(doc->pool + tk->lower, tk->norm_len);
	x[DS_SF_DIST] = (b->sources & ~(DS_LEX_SRC_DIST | DS_LEX_SRC_INFLECTED)) == 0;
	x[DS_SF_NCAND] = b->ncand;
	x[DS_SF_LOGLEN] = log1p((double)doc->n_words);
}

/* The flag model's features of a slot with slot features sx and slot
 * probability prob, in an article whose slot probabilities have mean
 * pmean, share above 0.5 phi and top-tenth mean ptop. */
static void flag_features(const double sx[DS_NSLOTF], double prob, double pmean, double phi,
			  double ptop, double x[DS_NFLAGF])
{
	double z = prob <= 0 ? -8 : prob >= 1 ? 8 : log(prob / (1 - prob));
	x[DS_FF_BIAS] = 1;
	x[DS_FF_SLOT] = z > 8 ? 8 : z < -8 ? -8 : z;
	x[DS_FF_GAIN] = sx[DS_SF_GAIN];
	x[DS_FF_LOGW] = sx[DS_SF_LOGW];
	x[DS_FF_PMEAN] = pmean;
	x[DS_FF_PHI] = phi;
	x[DS_FF_PTOP] = ptop;
	x[DS_FF_LOGLEN] = sx[DS_SF_LOGLEN];
	x[DS_FF_MULTI] = sx[DS_SF_MULTI];
}

static int solo_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const uint8_t *covered,
		     struct ds_ev *ev)
{
	size_t nslots = 0, nwords = 0, nphrase = 0;
	size_t g05 = 0, g1 = 0, g2 = 0, f05 = 0, phi = 0, phi8 = 0;
	double gsum = 0, med = 0, fsum = 0, psum = 0;
	struct slot_best *bests = NULL;
	uint8_t *used = NULL;
	uint32_t *order = NULL;
	int rc = 0;

	if (!c->lex)
		return 0;
	cand_reset(c);
	bests = calloc(doc->ntok + 1, sizeof *bests);
	used = calloc(doc->ntok + 1, 1);
	if (!bests || !used) {
		rc = DS_ENOMEM;
		goto out;
	}
	if (ds_grow(&c->gains, &c->gains_cap, doc->ntok + 1, sizeof *c->gains) ||
	    ds_grow(&c->probs, &c->probs_cap, doc->ntok + 1, sizeof *c->probs)) {
		rc = DS_ENOMEM;
		goto out;
	}
	/* the best candidate original of every word (and phrase starting there) */
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best b, cur;
		int any = 0;
		if (doc->tok[t].kind == DS_TOK_PUNCT || (doc->tok[t].flags & DS_TF_BOILER) ||
		    c->tokpos[t] == UINT32_MAX)
			continue;
		nwords++;
		for (uint32_t k = 1; k <= DS_EV_MAX_WORDS; k++) {
			if (!best_candidate(c, doc, t, k, &cur))
				continue;
			if (!any || cur.gain > b.gain) {
				struct slot_best keep = b;
				b = cur;
				if (any && k > 1) { /* keep the single-word candidates */
					memcpy(b.top, keep.top, sizeof b.top);
					memcpy(b.top_w, keep.top_w, sizeof b.top_w);
					memcpy(b.top_txt, keep.top_txt, sizeof b.top_txt);
					b.ntop = keep.ntop;
				}
			}
			any = 1;
		}
		bests[t] = b;
		if (!any)
			bests[t].k = 0;
	}
	/* neighbours spun together ("the Common Meeting" for "the General
	 * Assembly"): neither original helps alone, both together do */
	for (uint32_t t = 0; t + 1 < doc->ntok; t++) {
		struct slot_best *a = &bests[t], *b2 = &bests[t + 1];
		double best_g = 0;
		int bi = -1, bj = -1;
		double bf = 0;
		if (a->k != 1 || b2->k != 1 || !a->ntop || !b2->ntop ||
		    c->tokpos[t + 1] != c->tokpos[t] + 1)
			continue;
		/* each side's best candidate joins its most common ones */
		for (int side = 0; side < 2; side++) {
			struct slot_best *x = side ? b2 : a;
			ds_lm_id id;
			if (x->ntop < DS_EV_PAIR_TOP + 1 && !strchr(x->orig, ' ') &&
			    phrase_ids(c->lm, x->orig, strlen(x->orig), &id) == 1) {
				int dup = 0;
				for (int i = 0; i < x->ntop; i++)
					dup |= x->top[i] == id;
				if (!dup && strlen(x->orig) < sizeof x->top_txt[0]) {
					x->top[x->ntop] = id;
					x->top_w[x->ntop] = x->weight;
					strcpy(x->top_txt[x->ntop], x->orig);
					x->ntop++;
				}
			}
		}
		for (int i = 0; i < a->ntop; i++)
			for (int j = 0; j < b2->ntop; j++) {
				ds_lm_id ids[2] = {a->top[i], b2->top[j]};
				double fg, g = span_gain2(c, c->tokpos[t], c->tokpos[t] + 2, ids, 2, &fg);
				if (g > best_g) {
					best_g = g;
					bi = i;
					bj = j;
					bf = fg;
				}
			}
		if (bi < 0 || best_g < 1.0 || best_g < a->raw + 0.5 || best_g < b2->raw + 0.5)
			continue;
		a->k = 2;
		a->raw = best_g;
		a->gain = best_g + 0.5 * log10(fminf(a->top_w[bi], b2->top_w[bj]) > 0.01f
							? fminf(a->top_w[bi], b2->top_w[bj]) : 0.01f);
		a->follow = bf;
		a->weight = fminf(a->top_w[bi], b2->top_w[bj]);
		snprintf(a->orig, sizeof a->orig, "%s %s", a->top_txt[bi], b2->top_txt[bj]);
		b2->k = 0;
		t++;
	}
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best b = bests[t];
		if (!b.k)
			continue;
		if (c->sm || c->dump) {
			double x[DS_NSLOTF];
			slot_features(c, doc, t, &b, x);
			if (c->dump)
				c->dump(c->dump_ud, doc, doc->tok[t].start, doc->tok[t + b.k - 1].end, x);
			if (c->sm) {
				b.prob = ds_logit_prob(x, DS_NSLOTF, c->sm->mean, c->sm->sd, c->sm->coef);
				psum += b.prob;
				phi += b.prob > 0.5;
				phi8 += b.prob > 0.8;
				c->probs[nslots] = (float)b.prob;
			}
		}
		bests[t] = b;
		c->gains[nslots++] = (float)b.gain;
		gsum += b.gain > 0 ? b.gain : 0;
		g05 += b.gain > 0.5;
		g1 += b.gain > 1.0;
		g2 += b.gain > 2.0;
		nphrase += b.k > 1 && b.gain > 1.0;
		f05 += b.follow > 0.5;
		fsum += b.follow > 0 ? b.follow : 0;
	}
	if (nslots) {
		float *g = c->gains;
		qsort(g, nslots, sizeof *g, cmp_float);
		med = g[nslots / 2];
	}
	ev->n_slots = nslots;
	ev->f[DS_F_SLOTS] = nwords ? (double)nslots / (double)nwords : 0;
	if (nslots) {
		size_t rel = 0;
		ev->f[DS_F_G05] = (double)g05 / (double)nslots;
		ev->f[DS_F_G1] = (double)g1 / (double)nslots;
		ev->f[DS_F_G2] = (double)g2 / (double)nslots;
		ev->f[DS_F_GMEAN] = gsum / (double)nslots;
		ev->f[DS_F_GMED] = med;
		for (size_t i = 0; i < nslots; i++)
			rel += c->gains[i] > med + 1.0;
		ev->f[DS_F_GREL] = (double)rel / (double)nslots;
		ev->f[DS_F_PHRASE] = (double)nphrase / (double)nslots;
		ev->f[DS_F_F05] = (double)f05 / (double)nslots;
		if (c->sm) {
			size_t top = nslots / 10 + 1;
			double sum = 0;
			qsort(c->probs, nslots, sizeof *c->probs, cmp_float);
			for (size_t i = nslots - top; i < nslots; i++)
				sum += c->probs[i];
			ev->f[DS_F_PMEAN] = psum / (double)nslots;
			ev->f[DS_F_PHI] = (double)phi / (double)nslots;
			ev->f[DS_F_PTOP] = sum / (double)top;
			ev->f[DS_F_PSUM] = nwords ? psum / (double)nwords : 0;
			ev->f[DS_F_PHI8] = nwords ? (double)phi8 / (double)nwords : 0;
		}
		ev->f[DS_F_FMEAN] = fsum / (double)nslots;
		{
			size_t top = nslots / 10 + 1;
			double sum = 0;
			for (size_t i = nslots - top; i < nslots; i++)
				sum += c->gains[i];
			ev->f[DS_F_GTOP] = sum / (double)top;
		}
	}
	/* each slot's calibrated probability: the flag model's when there is
	 * one, else the slot model's */
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best *b = &bests[t];
		if (!b->k)
			continue;
		b->p = c->sm ? b->prob : 0;
		if (c->sm && c->sc && nslots) {
			double sx[DS_NSLOTF], fx[DS_NFLAGF], p;
			slot_features(c, doc, t, b, sx);
			flag_features(sx, b->prob, ev->f[DS_F_PMEAN], ev->f[DS_F_PHI], ev->f[DS_F_PTOP], fx);
			if ((p = ds_solocal_flag_p(c->sc, fx)) >= 0)
				b->p = p;
		}
	}
	/* flag the strongest slots, without overlaps, outside source-covered text */
	order = malloc((doc->ntok + 1) * sizeof *order);
	if (!order) {
		rc = DS_ENOMEM;
		goto out;
	}
	{
		size_t no = 0;
		double min_p = c->sc && c->sc->flag.present ? DS_SC_FLAG_MIN : DS_EV_FLAG_PROB;
		for (uint32_t t = 0; t < doc->ntok; t++)
			if (bests[t].k && !(covered && covered[t]) &&
			    (c->sm ? bests[t].p >= min_p : bests[t].gain >= DS_EV_FLAG_GAIN))
				order[no++] = t;
		/* selection sort by gain is fine: flagged slots are few */
		for (size_t i = 0; i < no; i++) {
			size_t m = i;
			for (size_t j = i + 1; j < no; j++)
				if ((c->sm ? bests[order[j]].p > bests[order[m]].p
					   : bests[order[j]].gain > bests[order[m]].gain))
					m = j;
			{
				uint32_t t = order[m], k = bests[t].k, free_ = 1;
				char why[400];
				order[m] = order[i];
				order[i] = t;
				for (uint32_t x = t; x < t + k; x++)
					free_ &= !used[x];
				if (!free_)
					continue;
				for (uint32_t x = t; x < t + k; x++)
					used[x] = 1;
				snprintf(why, sizeof why,
					 "the language model finds '%s' %.0fx more likely here; lexicon weight %.2f",
					 bests[t].orig, pow(10.0, bests[t].raw > 6 ? 6 : bests[t].raw),
					 (double)bests[t].weight);
				rc = add_sub(ev, doc, t, t + k, NULL, 0, 0, bests[t].orig,
					     strlen(bests[t].orig), why, bests[t].raw, bests[t].weight,
					     DS_EV_MODEL, 1);
				if (rc)
					goto out;
				ev->subs[ev->nsubs - 1].p = (float)bests[t].p;
			}
		}
	}
out:
	free(order);
	free(bests);
	free(used);
	return rc;
}

/* ---- evidence against a source ---- */

struct src_stats {
	size_t sub_words, edit_words, big_words, small, small_rel, names, edits;
	double small_gain;
};

static size_t count_words(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	size_t n = 0;
	for (uint32_t i = b; i < e; i++)
		n += d->tok[i].kind != DS_TOK_PUNCT;
	return n;
}

/* True when a word of tokens [b, e) is capitalised inside its sentence. */
static int has_cap_word(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[i].kind != DS_TOK_PUNCT && (d->tok[i].flags & DS_TF_CAP) &&
		    !(d->tok[i].flags & DS_TF_SENT_START))
			return 1;
	return 0;
}

/* Judges one small substitution: article tokens [ab, ae) for source tokens
 * [sb, se).  Returns 1 when flagged. */
static int judge_small(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       uint32_t ab, uint32_t ae, uint32_t sb, uint32_t se, double pair_sim,
		       int need_lex, struct src_stats *ss, struct ds_ev *ev, int *rc)
{
	char a[DS_LEX_MAX_PHRASE + 1], s[DS_LEX_MAX_PHRASE + 1], why[400];
	size_t al = phrase_of(doc, ab, ae, a, sizeof a);
	size_t sl = phrase_of(src, sb, se, s, sizeof s);
	struct ds_lex_rel rel;
	float w = 0;
	int related = 0, names = 1, spun;
	double gain = 0;
	ds_lm_id ids[DS_EV_MAX_WORDS];
	size_t ni;

	*rc = 0;
	if (!al || !sl || (al == sl && memcmp(a, s, al) == 0))
		return 0;
	memset(&rel, 0, sizeof rel);
	if (c->lex) {
		w = ds_lex_relation(c->lex, c->st, s, a, &rel);
		related = w > 0 || rel.backward > 0;
		if (!w)
			w = rel.backward;
	}
	for (uint32_t i = ab; i < ae; i++)
		if (doc->tok[i].kind != DS_TOK_PUNCT &&
		    (!(doc->tok[i].flags & DS_TF_CAP) || (doc->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	for (uint32_t i = sb; i < se; i++)
		if (src->tok[i].kind != DS_TOK_PUNCT &&
		    (!(src->tok[i].flags & DS_TF_CAP) || (src->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	if (names && !related) {
		ss->names++;
		return 0;
	}
	if (!related && al >= 4 && sl >= 4 && edit_distance(a, s) <= 2)
		return 0; /* a spelling variant: Kiev / Kyiv */
	if (al >= 4 && sl >= 4 && (al > sl ? al - sl : sl - al) <= 3 &&
	    memcmp(a, s, al < sl ? al - 1 : sl - 1) == 0)
		return 0; /* another inflection of the same word: small / smaller */
	ni = phrase_ids(c->lm, s, sl, ids);
	if (ni && c->tokpos[ab] != UINT32_MAX && c->tokpos[ae - 1] != UINT32_MAX)
		gain = span_gain(c, c->tokpos[ab], c->tokpos[ae - 1] + 1, ids, ni);
	ss->small++;
	ss->small_rel += related;
	ss->small_gain += gain > 4 ? 4 : gain < -4 ? -4 : gain;
	/* without the lexicon's word, only a short swap of common words that
	 * the model clearly prefers back looks like a spinner's */
	spun = pair_sim >= 0.3 &&
	       (related || (!need_lex && count_words(doc, ab, ae) <= 2 && count_words(src, sb, se) <= 2 &&
			    !has_cap_word(src, sb, se) && gain > DS_EV_SRC_GAIN));
	if (!spun)
		return 0;
	if (related)
		snprintf(why, sizeof why,
			 "the source has '%s' here; the lexicon lists the pair (weight %.2f); the original reads %.1fx more likely",
			 s, (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else
		snprintf(why, sizeof why,
			 "the source has '%s' here; the original reads %.1fx more likely in context",
			 s, pow(10.0, gain > 6 ? 6 : gain));
	*rc = add_sub(ev, doc, ab, ae, src, sb, se, s, sl, why, gain, w, DS_EV_SOURCE, related);
	if (!*rc)
		ev->subs[ev->nsubs - 1].p = related ? DS_EV_SOURCE_P_REL : DS_EV_SOURCE_P;
	ss->sub_words += count_words(doc, ab, ae);
	return 1;
}

static int source_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       const struct ds_align *al, uint8_t *covered, struct ds_ev *ev)
{
	struct src_stats ss;
	int rc = 0;
	memset(&ss, 0, sizeof ss);
	/* article tokens inside paired sentences are judged against the source */
	for (size_t p = 0; p < al->npairs; p++) {
		const struct ds_sent *s = &doc->sent[al->pairs[p].a_sent];
		for (uint32_t t = s->tok_begin; t < s->tok_end; t++)
			covered[t] = 1;
	}
	for (size_t i = 0; i < al->nedits; i++) {
		const struct ds_edit *e = &al->edits[i];
		double sim = al->pairs[e->pair].sim;
		size_t aw, sw;
		ss.edits++;
		if (e->kind == DS_EDIT_DEL)
			continue;
		aw = count_words(doc, e->a_begin, e->a_end);
		ss.edit_words += aw;
		if (aw > DS_EV_MAX_WORDS)
			ss.big_words += aw;
		if (e->kind == DS_EDIT_INS)
			continue;
		sw = count_words(src, e->s_begin, e->s_end);
		if (aw <= DS_EV_MAX_WORDS && sw <= DS_EV_MAX_WORDS) {
			judge_small(c, doc, src, e->a_begin, e->a_end, e->s_begin, e->s_end, sim, 0,
				    &ss, ev, &rc);
			if (rc)
				return rc;
		} else if (aw == sw && aw <= 8) {
			/* a run of word-for-word swaps: judge each pair */
			uint32_t x = e->a_begin, y = e->s_begin;
			while (x < e->a_end && y < e->s_end) {
				while (x < e->a_end && doc->tok[x].kind == DS_TOK_PUNCT)
					x++;
				while (y < e->s_end && src->tok[y].kind == DS_TOK_PUNCT)
					y++;
				if (x >= e->a_end || y >= e->s_end)
					break;
				judge_small(c, doc, src, x, x + 1, y, y + 1, sim, 1, &ss, ev, &rc);
				if (rc)
					return rc;
				x++;
				y++;
			}
		}
	}
	ev->f[DS_F_HAS_SRC] = 1;
	ev->f[DS_F_COVER] = al->a_words ? (double)al->a_words_paired / (double)al->a_words : 0;
	if (al->a_words_paired) {
		double pw = (double)al->a_words_paired;
		ev->f[DS_F_MATCHED] = (double)al->a_words_matched / pw;
		ev->f[DS_F_SUBRATE] = (double)ss.sub_words / pw;
		ev->f[DS_F_EDITRATE] = (double)ss.edit_words / pw;
		ev->f[DS_F_NAMES] = (double)ss.names / pw;
	}
	if (ss.small) {
		ev->f[DS_F_SUBREL] = (double)ss.small_rel / (double)ss.small;
		ev->f[DS_F_SUBGAIN] = ss.small_gain / (double)ss.small;
	}
	if (ss.edits)
		ev->f[DS_F_SMALL] = (double)ss.small / (double)ss.edits;
	if (ss.edit_words) {
		ev->f[DS_F_SPINSHARE] = (double)ss.sub_words / (double)ss.edit_words;
		ev->f[DS_F_BIGSHARE] = (double)ss.big_words / (double)ss.edit_words;
	}
	if (al->a_words_paired)
		ev->f[DS_F_DENSITY] = (double)ss.small / (double)al->a_words_paired;
	return 0;
}

int ds_ev_compute(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		  const struct ds_align *al, struct ds_ev *ev)
{
	uint8_t *covered = NULL;
	int rc;
	fw_init();
	ds_ev_clear(ev);
	ev->f[DS_F_BIAS] = 1;
	ev->f[DS_F_LOGLEN] = log1p((double)doc->n_words);
	rc = lm_pass(c, doc, ev);
	if (rc)
		return rc;
	if (src && al) {
		covered = calloc(doc->ntok + 1, 1);
		if (!covered)
			return DS_ENOMEM;
		rc = source_pass(c, doc, src, al, covered, ev);
		if (rc)
			goto out;
	}
	rc = solo_pass(c, doc, covered, ev);
	if (rc)
		goto out;
	if (ev->nsubs > 1)
		qsort(ev->subs, ev->nsubs, sizeof *ev->subs, cmp_sub);
out:
	free(covered);
	return rc;
}
