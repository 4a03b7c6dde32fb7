/*
 * lex_corpus.c - the lexicon builder's corpus: word and n-gram counts,
 * cohesive phrases, distributional neighbours (PPMI vectors, cosine), corpus
 * frequencies of the phrases.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex_build_int.h"
#include "lex_fmt.h"

/* ---- the corpus: counts, phrases, distributional neighbours ---------------------------- */

#define BOUND UINT32_MAX
#define NCTX 6000u   /* most frequent forms used as context words */
#define TOPF 200     /* features kept per target vector */

void lexb_corpus_free(struct corpus *k)
{
	ds_strtab_free(&k->voc);
	free(k->count);
	free(k->capc);
	free(k->midc);
	free(k->isword);
	free(k->tok);
	free(k->gap);
	ds_hmap_free(&k->bi);
	ds_hmap_free(&k->tri);
}

static int word_shape(const char *s, size_t n)
{
	int letters = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || ch >= 0x80)
			letters++;
		else if (ch != '-' && ch != '\'' && ch != '.')
			return 0;
	}
	return letters >= 1;
}

static int64_t voc_id(struct corpus *k, const char *s, size_t n, int isword)
{
	int64_t id = st_intern(&k->voc, s, n);
	if (id < 0)
		return id;
	if ((size_t)id >= k->vcap) {
		size_t ncap = k->vcap ? k->vcap * 2 : 65536;
		uint64_t *c = realloc(k->count, ncap * sizeof *c);
		if (!c)
			return DS_ENOMEM;
		k->count = c;
		uint32_t *a = realloc(k->capc, ncap * sizeof *a);
		if (!a)
			return DS_ENOMEM;
		k->capc = a;
		uint32_t *b = realloc(k->midc, ncap * sizeof *b);
		if (!b)
			return DS_ENOMEM;
		k->midc = b;
		uint8_t *w = realloc(k->isword, ncap);
		if (!w)
			return DS_ENOMEM;
		k->isword = w;
		memset(k->count + k->vcap, 0, (ncap - k->vcap) * sizeof *c);
		memset(k->capc + k->vcap, 0, (ncap - k->vcap) * sizeof *a);
		memset(k->midc + k->vcap, 0, (ncap - k->vcap) * sizeof *b);
		memset(k->isword + k->vcap, 0, ncap - k->vcap);
		k->vcap = ncap;
	}
	if (k->voc.n - 1 == (size_t)id && k->count[id] == 0)
		k->isword[id] = (uint8_t)(isword && word_shape(s, n));
	return id;
}

static int push_tok(struct corpus *k, uint32_t t, int gap)
{
	if (ds_grow(&k->tok, &k->tcap, k->ntok + 1, sizeof *k->tok) ||
	    ds_grow(&k->gap, &k->gcap, k->ntok + 1, 1))
		return DS_ENOMEM;
	k->gap[k->ntok] = (uint8_t)gap;
	k->tok[k->ntok++] = t;
	return 0;
}

int lexb_read_corpus(struct bctx *c, struct corpus *k, const char *path)
{
	char *text;
	size_t len;
	int rc = ds_read_file(path, 0, &text, &len, c->err);
	if (rc < 0)
		return rc;
	int64_t num = voc_id(k, "<num>", 5, 0);
	if (num < 0) {
		free(text);
		return lexb_nomem(c);
	}
	char *p = text, *end = text + len;
	while (p < end && !rc) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		struct ds_err e = {0};
		struct ds_doc *d = eol > p ? ds_doc_new(p, (size_t)(eol - p), path, 0, &e) : NULL;
		if (d) {
			uint32_t sent = UINT32_MAX;
			int gap = 0;
			for (size_t i = 0; i < d->ntok && !rc; i++) {
				const struct ds_token *t = &d->tok[i];
				if (t->sent != sent && sent != UINT32_MAX && push_tok(k, BOUND, 0))
					rc = lexb_nomem(c);
				sent = t->sent;
				/* punctuation is left out of contexts, but n-grams do
				 * not cross it */
				if (t->kind == DS_TOK_PUNCT) {
					gap = 1;
					continue;
				}
				int64_t id;
				if (t->kind == DS_TOK_NUM)
					id = num;
				else
					id = voc_id(k, ds_tok_lower(d, i), t->norm_len, t->kind == DS_TOK_WORD);
				if (id < 0 || push_tok(k, (uint32_t)id, gap)) {
					rc = lexb_nomem(c);
					break;
				}
				gap = 0;
				k->count[id]++;
				if (!(t->flags & DS_TF_SENT_START)) {
					k->midc[id]++;
					if (t->flags & DS_TF_CAP)
						k->capc[id]++;
				}
			}
			if (!rc && push_tok(k, BOUND, 0))
				rc = lexb_nomem(c);
			ds_doc_free(d);
		} else if (eol > p && e.code == DS_ENOMEM) {
			rc = lexb_nomem(c);
		}
		p = eol + 1;
	}
	free(text);
	if (rc)
		return rc;
	/* n-gram counts of word tokens, within sentences */
	for (size_t i = 0; i + 1 < k->ntok; i++) {
		uint32_t a = k->tok[i], b = k->tok[i + 1];
		if (a == BOUND || b == BOUND || !k->isword[a] || !k->isword[b] || k->gap[i + 1])
			continue;
		if (m64_add(&k->bi, (uint64_t)a << 32 | b, 1))
			return lexb_nomem(c);
		if (i + 2 < k->ntok) {
			uint32_t d = k->tok[i + 2];
			if (d != BOUND && k->isword[d] && !k->gap[i + 2] &&
			    m64_add(&k->tri, ((uint64_t)a << 42) | ((uint64_t)b << 21) | d, 1))
				return lexb_nomem(c);
		}
	}
	c->stats->corpus_tokens = k->ntok;
	return 0;
}

struct target {
	uint32_t w[3];
	uint8_t nw;
	uint32_t phrase;   /* id in the phrase table */
	uint64_t count;
};

struct fent {
	uint32_t id;       /* feature (in vectors) or target (in postings) */
	float w;
};

struct simjob {
	const struct fent *vec;     /* per target [vb[t], vb[t+1]) */
	const uint32_t *vb;
	const struct fent *post;
	const uint32_t *pb;
	size_t ntarget;
	unsigned k;
	float min_cos;
	size_t from, step;
	struct fent *nb;            /* ntarget * k results, id NONE = empty */
	int rc;
};

static int cmp_fent_desc(const void *a, const void *b)
{
	float x = ((const struct fent *)a)->w, y = ((const struct fent *)b)->w;
	return x < y ? 1 : x > y ? -1 : (int)((const struct fent *)a)->id - (int)((const struct fent *)b)->id;
}

static void *sim_thread(void *arg)
{
	struct simjob *j = arg;
	float *acc = calloc(j->ntarget, sizeof *acc);
	uint32_t *touched = malloc(j->ntarget * sizeof *touched);
	struct fent *cand = malloc(j->ntarget * sizeof *cand);
	if (!acc || !touched || !cand) {
		j->rc = DS_ENOMEM;
		goto out;
	}
	for (size_t t = j->from; t < j->ntarget; t += j->step) {
		size_t nt = 0, nc = 0;
		for (uint32_t a = j->vb[t]; a < j->vb[t + 1]; a++) {
			uint32_t f = j->vec[a].id;
			float wt = j->vec[a].w;
			for (uint32_t b = j->pb[f]; b < j->pb[f + 1]; b++) {
				uint32_t u = j->post[b].id;
				if (u == t)
					continue;
				if (acc[u] == 0)
					touched[nt++] = u;
				acc[u] += wt * j->post[b].w;
			}
		}
		for (size_t i = 0; i < nt; i++) {
			uint32_t u = touched[i];
			if (acc[u] >= j->min_cos) {
				cand[nc].id = u;
				cand[nc].w = acc[u];
				nc++;
			}
			acc[u] = 0;
		}
		qsort(cand, nc, sizeof *cand, cmp_fent_desc);
		for (unsigned i = 0; i < j->k; i++) {
			j->nb[t * j->k + i].id = i < nc ? cand[i].id : NONE;
			j->nb[t * j->k + i].w = i < nc ? cand[i].w : 0;
		}
	}
out:
	free(acc);
	free(touched);
	free(cand);
	return NULL;
}

static int join_words(const struct corpus *k, const uint32_t *w, int n, char *buf, size_t size)
{
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		size_t l = k->voc.len[w[i]];
		if (len + l + 2 > size)
			return -1;
		if (i)
			buf[len++] = ' ';
		memcpy(buf + len, ds_strtab_str(&k->voc, w[i]), l);
		len += l;
	}
	buf[len] = 0;
	return (int)len;
}

static int cmp_target_count(const void *a, const void *b)
{
	uint64_t x = ((const struct target *)a)->count, y = ((const struct target *)b)->count;
	return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_u64_desc_count(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : (x[0] < y[0] ? -1 : x[0] > y[0]);
}

/* Adds a distributional pair, with its inflected forms when both sides read
 * as the same inflection of two lemmas. */
static int dist_pair(struct bctx *c, struct ds_lex *morph, uint32_t a, uint32_t b, float cosv)
{
	struct pacc *p = lexb_pair_get(&c->pairs, a, b);
	if (!p)
		return lexb_nomem(c);
	if (cosv > p->dist)
		p->dist = cosv;
	if (!morph)
		return 0;
	size_t pi = (size_t)(p - c->pairs.a); /* p moves when the pairs grow */
	struct ds_lex_form fa[8], fb[8];
	const char *sa = ds_strtab_str(&c->ph, a), *sb = ds_strtab_str(&c->ph, b);
	size_t na = ds_lex_analyse(morph, sa, c->ph.len[a], fa, 8);
	size_t nb = ds_lex_analyse(morph, sb, c->ph.len[b], fb, 8);
	int done = 0;
	for (size_t i = 0; i < na && done < 2; i++)
		for (size_t j = 0; j < nb && done < 2; j++) {
			if (fa[i].pos != fb[j].pos || fa[i].infl != fb[j].infl ||
			    strcmp(fa[i].lemma, fb[j].lemma) == 0)
				continue;
			done++;
			int pos = fa[i].pos;
			c->pairs.a[pi].pos |= (uint8_t)pos;
			static const int cls[][4] = {
				[DS_LEX_NOUN] = {DS_LEX_BASE, DS_LEX_PLURAL, -1, -1},
				[DS_LEX_VERB] = {DS_LEX_BASE, DS_LEX_3SG, DS_LEX_PAST, DS_LEX_ING},
				[DS_LEX_ADJ] = {DS_LEX_BASE, DS_LEX_COMPAR, DS_LEX_SUPERL, -1},
				[DS_LEX_ADV] = {DS_LEX_BASE, -1, -1, -1},
			};
			for (int ci = 0; ci < 4 && cls[pos][ci] >= 0; ci++) {
				char x[DS_LEX_MAX_PHRASE + 32], y[DS_LEX_MAX_PHRASE + 32];
				int xl = ds_lex_inflect(morph, fa[i].lemma, strlen(fa[i].lemma), pos,
							cls[pos][ci], 0, x, sizeof x);
				int yl = ds_lex_inflect(morph, fb[j].lemma, strlen(fb[j].lemma), pos,
							cls[pos][ci], 0, y, sizeof y);
				if (xl <= 0 || yl <= 0 || xl > DS_LEX_MAX_PHRASE || yl > DS_LEX_MAX_PHRASE)
					continue;
				int64_t xi = lexb_phrase_id(c, x, (size_t)xl), yi = lexb_phrase_id(c, y, (size_t)yl);
				if (xi < 0 || yi < 0)
					return lexb_nomem(c);
				if (xi == yi || (xi == a && yi == b))
					continue;
				struct pacc *q = lexb_pair_get(&c->pairs, (uint32_t)xi, (uint32_t)yi);
				if (!q)
					return lexb_nomem(c);
				if (q->dist == 0)
					q->infl = 1;
				if (cosv * 0.95f > q->dist)
					q->dist = cosv * 0.95f;
				q->pos |= (uint8_t)pos;
			}
		}
	return 0;
}

/* Word sets: does one phrase contain a word of the other? */
static int share_word(const char *a, const char *b)
{
	const char *p = a;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *q = b;
		while (*q) {
			const char *f = strchr(q, ' ');
			size_t m = f ? (size_t)(f - q) : strlen(q);
			if (m == l && memcmp(p, q, l) == 0)
				return 1;
			q += m + (f ? 1 : 0);
		}
		p += l + (e ? 1 : 0);
	}
	return 0;
}

/* Phrases opening with a determiner or a pronoun ("the end", "our
 * industrial") or ending with an article are poor units of substitution. */
static int word_in(const struct corpus *k, uint32_t w, const char *const *list)
{
	const char *s = ds_strtab_str(&k->voc, w);
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int determiner(const struct corpus *k, uint32_t w)
{
	static const char *const l[] = {"the", "a", "an", "this", "that", "these", "those",
					"my", "our", "your", "his", "her", "its", "their",
					"i", "we", "you", "he", "she", "it", "they", NULL};
	return word_in(k, w, l);
}

static int article(const struct corpus *k, uint32_t w)
{
	static const char *const l[] = {"the", "a", "an", NULL};
	return word_in(k, w, l);
}

int lexb_distributional(struct bctx *c, struct corpus *k, const struct ds_lex_build_opts *o,
			struct ds_lex *morph)
{
	unsigned minf = o->min_freq ? o->min_freq : 30;
	unsigned minpf = o->min_phrase_freq ? o->min_phrase_freq : 25;
	unsigned maxph = o->max_phrases ? o->max_phrases : 6000;
	unsigned kn = o->neighbours ? o->neighbours : 12;
	float mincos = o->min_cosine > 0 ? o->min_cosine : DIST_MIN_COS;
	double N = (double)k->ntok;
	struct target *tg = NULL;
	size_t nt = 0, tcap = 0;
	uint32_t *ctx = NULL;
	struct ds_hmap tmap = {0}, cooc = {0};
	uint64_t *cand = NULL;
	uint32_t *vb = NULL, *pb = NULL;
	struct fent *vec = NULL, *post = NULL, *nb = NULL;
	uint64_t *rowsum = NULL;
	double *colw = NULL;
	int rc = 0;
	size_t V = k->voc.n;
	if (V >= (1u << 20))
		return ds_err_set(c->err, DS_ETOOBIG, "corpus vocabulary of %zu forms is too large", V);

	/* targets: frequent lower-case words */
	for (size_t v = 0; v < V; v++) {
		if (!k->isword[v] || k->count[v] < minf || k->voc.len[v] < 2)
			continue;
		if (k->midc[v] && k->capc[v] * 2 > k->midc[v])
			continue; /* mostly capitalised: a name */
		if (ds_grow(&tg, &tcap, nt + 1, sizeof *tg))
			goto oom;
		memset(&tg[nt], 0, sizeof tg[nt]);
		tg[nt].w[0] = (uint32_t)v;
		tg[nt].nw = 1;
		tg[nt].count = k->count[v];
		nt++;
	}
	/* phrases: cohesive 2-3 word n-grams */
	size_t ncand = 0, ccap = 0;
	for (size_t i = 0; i < k->bi.cap; i++) {
		uint32_t cnt = k->bi.val[i];
		if (cnt == DS_HMAP_EMPTY || cnt < minpf)
			continue;
		uint32_t a = (uint32_t)(k->bi.key[i] >> 32), b = (uint32_t)k->bi.key[i];
		double pmi = log2(cnt * N / ((double)k->count[a] * k->count[b]));
		if (pmi < 3.0 || determiner(k, a) || article(k, b) || (k->midc[a] && k->capc[a] * 2 > k->midc[a]) ||
		    (k->midc[b] && k->capc[b] * 2 > k->midc[b]))
			continue;
		if (ds_grow(&cand, &ccap, ncand * 2 + 2, 2 * sizeof *cand))
			goto oom;
		cand[2 * ncand] = k->bi.key[i];
		cand[2 * ncand + 1] = cnt;
		ncand++;
	}
	for (size_t i = 0; i < k->tri.cap; i++) {
		uint32_t cnt = k->tri.val[i];
		if (cnt == DS_HMAP_EMPTY || cnt < minpf)
			continue;
		uint64_t key = k->tri.key[i];
		uint32_t a = (uint32_t)(key >> 42), b = (uint32_t)(key >> 21) & 0x1fffff,
			 d = (uint32_t)key & 0x1fffff;
		uint32_t ab = m64_get(&k->bi, (uint64_t)a << 32 | b);
		uint32_t bd = m64_get(&k->bi, (uint64_t)b << 32 | d);
		if (!ab || !bd)
			continue;
		double p1 = log2(cnt * N / ((double)ab * k->count[d]));
		double p2 = log2(cnt * N / ((double)k->count[a] * bd));
		if (p1 < 3.0 || p2 < 3.0 || determiner(k, a) || article(k, d) || (k->midc[a] && k->capc[a] * 2 > k->midc[a]) ||
		    (k->midc[b] && k->capc[b] * 2 > k->midc[b]) ||
		    (k->midc[d] && k->capc[d] * 2 > k->midc[d]))
			continue;
		if (ds_grow(&cand, &ccap, ncand * 2 + 2, 2 * sizeof *cand))
			goto oom;
		cand[2 * ncand] = key | (1ull << 63);
		cand[2 * ncand + 1] = cnt;
		ncand++;
	}
	if (ncand)
		qsort(cand, ncand, 2 * sizeof *cand, cmp_u64_desc_count);
	for (size_t i = 0; i < ncand && i < maxph; i++) {
		uint64_t key = cand[2 * i];
		if (ds_grow(&tg, &tcap, nt + 1, sizeof *tg))
			goto oom;
		memset(&tg[nt], 0, sizeof tg[nt]);
		if (key >> 63) {
			key &= ~(1ull << 63);
			tg[nt].w[0] = (uint32_t)(key >> 42);
			tg[nt].w[1] = (uint32_t)(key >> 21) & 0x1fffff;
			tg[nt].w[2] = (uint32_t)key & 0x1fffff;
			tg[nt].nw = 3;
		} else {
			tg[nt].w[0] = (uint32_t)(key >> 32);
			tg[nt].w[1] = (uint32_t)key;
			tg[nt].nw = 2;
		}
		tg[nt].count = cand[2 * i + 1];
		nt++;
	}
	(void)cmp_target_count;
	c->stats->dist_targets = nt;
	/* target keys -> index */
	for (size_t t = 0; t < nt; t++) {
		uint64_t key;
		if (tg[t].nw == 1)
			key = tg[t].w[0];
		else if (tg[t].nw == 2)
			key = (1ull << 62) | (uint64_t)tg[t].w[0] << 32 | tg[t].w[1];
		else
			key = (1ull << 63) | ((uint64_t)tg[t].w[0] << 42) | ((uint64_t)tg[t].w[1] << 21) |
			      tg[t].w[2];
		int is_new;
		uint32_t *s = m64_slot(&tmap, key, &is_new);
		if (!s)
			goto oom;
		*s = (uint32_t)t + 1;
	}
	/* context ids: the NCTX most frequent forms */
	{
		uint64_t *order = malloc((V + 1) * 2 * sizeof *order); /* + 1: never of size 0 */
		if (!order)
			goto oom;
		for (size_t v = 0; v < V; v++) {
			order[2 * v] = v;
			order[2 * v + 1] = k->count[v];
		}
		qsort(order, V, 2 * sizeof *order, cmp_u64_desc_count);
		ctx = malloc((V + 1) * sizeof *ctx);
		if (!ctx) {
			free(order);
			goto oom;
		}
		for (size_t v = 0; v < V; v++)
			ctx[v] = NCTX;
		for (size_t i = 0; i < V && i < NCTX; i++)
			ctx[order[2 * i]] = (uint32_t)i;
		free(order);
	}
	const uint32_t FW = NCTX + 2; /* per offset: context ids, other, boundary */
	/* co-occurrence counts (target << 32 | feature) */
	for (size_t i = 0; i < k->ntok; i++) {
		if (k->tok[i] == BOUND)
			continue;
		for (int n = 1; n <= 3; n++) {
			if (i + n > k->ntok)
				break;
			uint64_t key;
			const uint32_t *w = &k->tok[i];
			if (w[n - 1] == BOUND || (n > 1 && k->gap[i + n - 1]))
				break;
			if (n == 1)
				key = w[0];
			else if (n == 2)
				key = (1ull << 62) | (uint64_t)w[0] << 32 | w[1];
			else
				key = (1ull << 63) | ((uint64_t)w[0] << 42) | ((uint64_t)w[1] << 21) | w[2];
			uint32_t t = m64_get(&tmap, key);
			if (!t)
				continue;
			t--;
			uint32_t l1 = i >= 1 ? k->tok[i - 1] : BOUND;
			uint32_t l2 = l1 != BOUND && i >= 2 ? k->tok[i - 2] : BOUND;
			uint32_t r1 = i + n < k->ntok ? k->tok[i + n] : BOUND;
			uint32_t r2 = r1 != BOUND && i + n + 1 < k->ntok ? k->tok[i + n + 1] : BOUND;
			uint32_t cx[4] = {l2, l1, r1, r2};
			for (int q = 0; q < 4; q++) {
				uint32_t f = (uint32_t)q * FW + (cx[q] == BOUND ? NCTX + 1 : ctx[cx[q]]);
				if (m64_add(&cooc, (uint64_t)t << 32 | f, 1))
					goto oom;
			}
		}
	}
	/* PPMI vectors, context distribution smoothed (alpha 0.75) */
	size_t NF = 4 * (size_t)FW;
	rowsum = calloc(nt, sizeof *rowsum);
	colw = calloc(NF, sizeof *colw);
	vb = calloc(nt + 1, sizeof *vb);
	pb = calloc(NF + 1, sizeof *pb);
	if (!rowsum || !colw || !vb || !pb)
		goto oom;
	double Z = 0;
	{
		uint64_t *colc = calloc(NF, sizeof *colc);
		if (!colc)
			goto oom;
		for (size_t i = 0; i < cooc.cap; i++)
			if (cooc.val[i] != DS_HMAP_EMPTY) {
				rowsum[cooc.key[i] >> 32] += cooc.val[i];
				colc[(uint32_t)cooc.key[i]] += cooc.val[i];
			}
		for (size_t f = 0; f < NF; f++) {
			colw[f] = pow((double)colc[f], 0.75);
			Z += colw[f];
		}
		free(colc);
	}
	/* gather rows */
	size_t *rowcnt = calloc(nt + 1, sizeof *rowcnt);
	if (!rowcnt)
		goto oom;
	for (size_t i = 0; i < cooc.cap; i++)
		if (cooc.val[i] != DS_HMAP_EMPTY && cooc.val[i] >= 2)
			rowcnt[(cooc.key[i] >> 32) + 1]++;
	for (size_t t = 0; t < nt; t++)
		rowcnt[t + 1] += rowcnt[t];
	struct fent *all = malloc((rowcnt[nt] + 1) * sizeof *all);
	size_t *fill = malloc((nt + 1) * sizeof *fill);
	if (!all || !fill) {
		free(all);
		free(fill);
		free(rowcnt);
		goto oom;
	}
	memcpy(fill, rowcnt, (nt + 1) * sizeof *fill);
	for (size_t i = 0; i < cooc.cap; i++) {
		if (cooc.val[i] == DS_HMAP_EMPTY || cooc.val[i] < 2)
			continue;
		uint32_t t = (uint32_t)(cooc.key[i] >> 32), f = (uint32_t)cooc.key[i];
		double pmi = log((double)cooc.val[i] * Z / ((double)rowsum[t] * colw[f]));
		all[fill[t]].id = f;
		all[fill[t]].w = pmi > 0 ? (float)pmi : 0;
		fill[t]++;
	}
	free(fill);
	ds_hmap_free(&cooc);
	/* keep the TOPF strongest features per target, normalised */
	size_t nvec = 0;
	vec = malloc((rowcnt[nt] + 1) * sizeof *vec);
	if (!vec) {
		free(all);
		free(rowcnt);
		goto oom;
	}
	for (size_t t = 0; t < nt; t++) {
		struct fent *r = all + rowcnt[t];
		size_t n = rowcnt[t + 1] - rowcnt[t];
		qsort(r, n, sizeof *r, cmp_fent_desc);
		if (n > TOPF)
			n = TOPF;
		while (n && r[n - 1].w <= 0)
			n--;
		double norm = 0;
		for (size_t i = 0; i < n; i++)
			norm += (double)r[i].w * r[i].w;
		norm = norm > 0 ? sqrt(norm) : 1;
		vb[t] = (uint32_t)nvec;
		for (size_t i = 0; i < n; i++) {
			vec[nvec].id = r[i].id;
			vec[nvec].w = (float)(r[i].w / norm);
			pb[r[i].id + 1]++;
			nvec++;
		}
	}
	vb[nt] = (uint32_t)nvec;
	free(all);
	free(rowcnt);
	for (size_t f = 0; f < NF; f++)
		pb[f + 1] += pb[f];
	post = malloc((nvec + 1) * sizeof *post);
	uint32_t *pf = malloc((NF + 1) * sizeof *pf);
	if (!post || !pf) {
		free(pf);
		goto oom;
	}
	memcpy(pf, pb, (NF + 1) * sizeof *pf);
	for (size_t t = 0; t < nt; t++)
		for (uint32_t a = vb[t]; a < vb[t + 1]; a++) {
			post[pf[vec[a].id]].id = (uint32_t)t;
			post[pf[vec[a].id]].w = vec[a].w;
			pf[vec[a].id]++;
		}
	free(pf);
	/* neighbours, on two threads */
	nb = malloc(nt * kn * sizeof *nb);
	if (!nb)
		goto oom;
	{
		struct simjob jobs[2];
		pthread_t th;
		for (int i = 0; i < 2; i++)
			jobs[i] = (struct simjob){vec, vb, post, pb, nt, kn, mincos, (size_t)i, 2, nb, 0};
		int started = pthread_create(&th, NULL, sim_thread, &jobs[1]) == 0;
		sim_thread(&jobs[0]);
		if (started)
			pthread_join(th, NULL);
		else
			sim_thread(&jobs[1]); /* no second thread: run it here */
		if (jobs[0].rc || jobs[1].rc)
			goto oom;
	}
	/* phrase ids of the targets */
	for (size_t t = 0; t < nt; t++) {
		char buf[DS_LEX_MAX_PHRASE + 8];
		int l = join_words(k, tg[t].w, tg[t].nw, buf, sizeof buf);
		tg[t].phrase = NONE;
		if (l > 0 && l <= DS_LEX_MAX_PHRASE) {
			int64_t id = lexb_phrase_id(c, buf, (size_t)l);
			if (id < 0)
				goto oom;
			tg[t].phrase = (uint32_t)id;
		}
	}
	/* filtered pairs */
	for (size_t t = 0; t < nt; t++) {
		uint32_t a = tg[t].phrase;
		if (a == NONE)
			continue;
		for (unsigned i = 0; i < kn; i++) {
			struct fent *e = &nb[t * kn + i];
			if (e->id == NONE)
				break;
			uint32_t b = tg[e->id].phrase;
			if (b == NONE || a == b)
				continue;
			const char *sa = ds_strtab_str(&c->ph, a), *sb = ds_strtab_str(&c->ph, b);
			if (lexb_is_anto(c, a, b) || (c->numword[a] && c->numword[b]) || share_word(sa, sb)) {
				c->stats->antonyms_dropped += lexb_is_anto(c, a, b);
				continue;
			}
			/* inflections of one word, or antonyms through their lemmas */
			char ka[DS_LEX_MAX_PHRASE * 2 + 8], kb[DS_LEX_MAX_PHRASE * 2 + 8];
			int la = ds_lex_stem_key(c->st, sa, c->ph.len[a], ka, sizeof ka);
			int lb = ds_lex_stem_key(c->st, sb, c->ph.len[b], kb, sizeof kb);
			if (la > 0 && la == lb && memcmp(ka, kb, (size_t)la) == 0)
				continue;
			int drop = 0;
			if (morph) {
				struct ds_lex_form fa[8], fb[8];
				size_t na = ds_lex_analyse(morph, sa, c->ph.len[a], fa, 8);
				size_t nbb = ds_lex_analyse(morph, sb, c->ph.len[b], fb, 8);
				for (size_t x = 0; x < na && !drop; x++)
					for (size_t y = 0; y < nbb && !drop; y++) {
						if (strcmp(fa[x].lemma, fb[y].lemma) == 0)
							drop = 1;
						int64_t ia = ds_strtab_find(&c->ph, fa[x].lemma, strlen(fa[x].lemma));
						int64_t ib = ds_strtab_find(&c->ph, fb[y].lemma, strlen(fb[y].lemma));
						if (ia >= 0 && ib >= 0 && lexb_is_anto(c, (uint32_t)ia, (uint32_t)ib)) {
							drop = 1;
							c->stats->antonyms_dropped++;
						}
					}
			}
			if (drop)
				continue;
			if ((rc = dist_pair(c, morph, a, b, e->w)) || (rc = dist_pair(c, morph, b, a, e->w)))
				goto out;
		}
	}
	goto out;
oom:
	rc = lexb_nomem(c);
out:
	free(tg);
	free(ctx);
	free(cand);
	free(vb);
	free(pb);
	free(vec);
	free(post);
	free(nb);
	free(rowsum);
	free(colw);
	ds_hmap_free(&tmap);
	ds_hmap_free(&cooc);
	return rc;
}

/* Corpus counts of every phrase (words, and 2-3 word n-grams). */
void lexb_phrase_freqs(struct bctx *c, const struct corpus *k)
{
	for (size_t id = 0; id < c->ph.n; id++) {
		const char *s = ds_strtab_str(&c->ph, (uint32_t)id);
		uint32_t w[3];
		int n = 0;
		const char *p = s;
		c->freq[id] = 0;
		while (*p && n < 3) {
			const char *e = strchr(p, ' ');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			int64_t v = ds_strtab_find(&k->voc, p, l);
			if (v < 0)
				break;
			w[n++] = (uint32_t)v;
			p += l + (e ? 1 : 0);
			if (!e)
				p = s + strlen(s);
		}
		if (*p || n == 0)
			continue;
		uint64_t f;
		if (n == 1)
			f = k->count[w[0]];
		else if (n == 2)
			f = m64_get(&k->bi, (uint64_t)w[0] << 32 | w[1]);
		else
			f = m64_get(&k->tri, ((uint64_t)w[0] << 42) | ((uint64_t)w[1] << 21) | w[2]);
		c->freq[id] = f > UINT32_MAX ? UINT32_MAX : (uint32_t)f;
	}
}
