/*
 * lm_compact.c - the language model's compact layout: building it from a
 * hashed model, attaching a file of it (see lm_internal.h, struct lmq_tail).
 *
 * Payload layout (kind DS_LMQ_KIND, version 2; offsets from the start of
 * the payload, every array 8-byte aligned):
 *
 *   struct lm_head                    counts and the vocabulary's offsets
 *                                     (slots[] and tab_off[] are 0)
 *   struct lmq_tail                   the arrays' offsets, the code tables
 *   struct lm_uni   uni[vocab]        unigram log10 prob and backoff by id
 *   struct lm_vent  vtab[vslots]      vocabulary hash: 64-bit hash -> id
 *   uint32_t        stroff[vocab]     offset of each word in strings
 *   char            strings[]         NUL-terminated words
 *   for each order n < N:  uint32_t child[count[n-1] + 1]
 *   for each order n >= 2: uint8_t word[B * count[n-1] + 1] (little-endian
 *                          ids of B = tail.word_bytes bytes: 2 for a
 *                          vocabulary of at most 65,536 words, else 3),
 *                          uint16_t prob[count[n-1]], and for n < N
 *                          uint8_t backoff[count[n-1]]
 *
 * The entries of order n are sorted by (parent, word): a query walks from
 * the word to its longer contexts as in the hashed layout, finding each
 * context word among its parent's children by bisection.  A probability is
 * a 16-bit fixed-point number between its order's lowest and highest (steps
 * of about 1e-4 in log10: 8-bit codes cost a small model over 1% of
 * perplexity, as a text meets mostly the probable n-grams of the coarse top
 * bins).  Backoffs follow KenLM's quantiser (Heafield 2011): per order, the
 * sorted values cut into 254 bins of equal counts, each coded by its
 * values' mean, and two exact codes for 0 and -0.0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lm_internal.h"

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

/* The parent of entry i of order n: the last entry p of order n-1 whose
 * children start at or before i. */
uint32_t ds_lmq_parent(const struct ds_lm *lm, int n, uint32_t i)
{
	const uint32_t *ch = lm->child[n - 2];
	uint64_t lo = 0, hi = lm->h->count[n - 2];
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ch[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

int ds_lmq_attach(struct ds_lm *lm, const unsigned char *p, size_t len, const char *name,
		  struct ds_err *err)
{
	const struct lm_head *h = (const void *)p;
	const struct lmq_tail *q;
	size_t toff = align8(sizeof *h);
	int rc = ds_lm_attach_vocab(lm, p, len, name, err);
	if (rc)
		return rc;
	if (len < toff + sizeof *q || h->vocab >= (1u << 24))
		goto bad;
	q = (const void *)(p + toff);
	if ((q->word_bytes != 2 && q->word_bytes != 3) ||
	    (q->word_bytes == 2 && h->vocab > (1u << 16)))
		goto bad;
	lm->qwb = q->word_bytes;
	for (int n = 1; n <= lm->order; n++) {
		uint64_t c = h->count[n - 1];
		if (c >= UINT32_MAX || (n >= 2 && c == 0))
			goto bad;
		if (n < lm->order) {
			if (!lm_inside(q->child_off[n - 1], c + 1, 4, len))
				goto bad;
			lm->child[n - 1] = (const void *)(p + q->child_off[n - 1]);
			/* the last child ends the next order: the searches check
			 * the rest (lmq_find) */
			if (lm->child[n - 1][c] != h->count[n])
				goto bad;
		}
		if (n >= 2) {
			if (!lm_inside(q->word_off[n - 1], lm->qwb * c + 1, 1, len) ||
			    !lm_inside(q->prob_off[n - 1], c, 2, len) ||
			    (n < lm->order && !lm_inside(q->bo_off[n - 1], c, 1, len)))
				goto bad;
			lm->qword[n - 1] = p + q->word_off[n - 1];
			lm->qprob[n - 1] = (const void *)(p + q->prob_off[n - 1]);
			if (n < lm->order)
				lm->qbo[n - 1] = p + q->bo_off[n - 1];
		}
	}
	lm->qt = q;
	lm->compact = 1;
	return 0;
bad:
	return ds_err_set(err, DS_ECORRUPT,
			  "%s: inconsistent compact language model layout; rebuild it with 'despin lm convert --compact' from a whole model (%s)",
			  name, DS_LM_REBUILD);
}

/* ---- building -------------------------------------------------------------- */

struct qent {
	uint32_t parent, word, slot;
};

static int cmp_qent(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->word != y->word)
		return x->word < y->word ? -1 : 1;
	return 0;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* Bins of equal counts over the n values v (sorted copy in tmp): at most
 * nb bins, whose largest values go to ub[] and means to mean[]; returns the
 * number of bins. */
static int make_bins(const float *v, size_t n, float *tmp, int nb, float *ub, float *mean)
{
	int k = 0;
	memcpy(tmp, v, n * sizeof *tmp);
	qsort(tmp, n, sizeof *tmp, cmp_float);
	for (int b = 0; b < nb; b++) {
		size_t lo = n * (size_t)b / (size_t)nb, hi = n * (size_t)(b + 1) / (size_t)nb;
		double sum = 0;
		if (hi <= lo)
			continue;
		/* equal values stay in one bin */
		if (k > 0 && tmp[lo] <= ub[k - 1]) {
			while (lo < hi && tmp[lo] <= ub[k - 1])
				lo++;
			if (lo == hi)
				continue;
		}
		for (size_t i = lo; i < hi; i++)
			sum += tmp[i];
		ub[k] = tmp[hi - 1];
		mean[k] = (float)(sum / (double)(hi - lo));
		k++;
	}
	return k;
}

/* The code of value x: the first bin whose largest value is >= x. */
static uint8_t bin_of(const float *ub, int k, float x)
{
	int lo = 0, hi = k - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (ub[mid] >= x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint8_t)lo;
}

/* 16-bit codes of the n log10 probabilities v: *lo + code * *step. */
static void prob_codes(const float *v, size_t n, uint16_t *code, float *lo, float *step)
{
	float mn = 0, mx = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i] < mn)
			mn = v[i];
		if (i == 0 || v[i] > mx)
			mx = v[i];
	}
	*lo = mn;
	*step = mx > mn ? (mx - mn) / 65535.0f : 1.0f;
	for (size_t i = 0; i < n; i++) {
		double c = floor((v[i] - mn) / *step + 0.5);
		code[i] = (uint16_t)(c < 0 ? 0 : c > 65535 ? 65535 : c);
	}
}

/* Codes of the n backoffs v into code[] and the table into tab[256]: 0
 * and -0.0 get the exact codes LMQ_BO_ZERO and LMQ_BO_NOEXT, the others
 * at most 254 bins.  Means are of the values each code received.  0 or
 * DS_ENOMEM. */
static int backoff_codes(const float *v, size_t n, uint8_t *code, float *tab)
{
	float *w = malloc((n ? n : 1) * sizeof *w), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	float ub[256], mean[256];
	double sum[256] = {0};
	size_t cnt[256] = {0}, m = 0;
	int k;
	if (!w || !tmp) {
		free(w);
		free(tmp);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] != 0.0f)
			w[m++] = v[i];
	k = m ? make_bins(w, m, tmp, 254, ub, mean) : 0;
	for (size_t i = 0; i < n; i++) {
		if (lm_no_ext(v[i])) {
			code[i] = LMQ_BO_NOEXT;
		} else if (v[i] == 0.0f) {
			code[i] = LMQ_BO_ZERO;
		} else {
			code[i] = bin_of(ub, k, v[i]);
			sum[code[i]] += v[i];
			cnt[code[i]]++;
		}
	}
	for (int c = 0; c < 256; c++)
		tab[c] = c < k ? (cnt[c] ? (float)(sum[c] / (double)cnt[c]) : mean[c]) : 0.0f;
	tab[LMQ_BO_ZERO] = 0.0f;
	tab[LMQ_BO_NOEXT] = lm_neg_zero();
	free(w);
	free(tmp);
	return 0;
}

struct ds_lm *ds_lm_compact(const struct ds_lm *src, struct ds_err *err)
{
	const struct lm_head *sh = src->h;
	const int N = src->order;
	struct ds_lm *lm = NULL;
	unsigned char *p = NULL;
	struct qent *e[DS_LM_MAX_ORDER] = {0};
	uint32_t *newidx[DS_LM_MAX_ORDER] = {0}; /* order n: hash slot -> position */
	float *vals = NULL;
	size_t off, uni_off, vtab_off, stroff_off, str_off;
	size_t child_off[DS_LM_MAX_ORDER] = {0}, word_off[DS_LM_MAX_ORDER] = {0};
	size_t prob_off[DS_LM_MAX_ORDER] = {0}, bo_off[DS_LM_MAX_ORDER] = {0};
	struct lm_head *h;
	struct lmq_tail *q;
	const char *name = src->path ? src->path : "model";
	size_t most = 1;
	/* word ids in 2 bytes when they fit */
	const unsigned wb = src->vocab <= (1u << 16) ? 2 : 3;
	int rc = DS_ENOMEM;

	if (src->mix || src->compact) {
		ds_err_set(err, DS_EINVAL, "%s: only a single model in the hashed layout can be made compact",
			   name);
		return NULL;
	}
	if (src->vocab >= (1u << 24)) {
		ds_err_set(err, DS_EINVAL, "%s: %u words; the compact layout holds fewer than 2^24",
			   name, src->vocab);
		return NULL;
	}

	/* the entries of each order in trie order */
	for (int n = 2; n <= N; n++) {
		uint64_t c = sh->count[n - 1], k = 0;
		e[n - 1] = malloc((c ? c : 1) * sizeof *e[n - 1]);
		newidx[n - 1] = malloc((src->slots[n - 1] ? src->slots[n - 1] : 1) * sizeof(uint32_t));
		if (!e[n - 1] || !newidx[n - 1])
			goto fail;
		for (uint64_t s = 0; s < src->slots[n - 1] && k < c; s++) {
			const struct lm_ent *t = &src->tab[n - 1][s];
			if (t->word == UINT32_MAX)
				continue;
			e[n - 1][k].parent = n == 2 ? t->suffix : newidx[n - 2][t->suffix];
			e[n - 1][k].word = t->word;
			e[n - 1][k].slot = (uint32_t)s;
			k++;
		}
		qsort(e[n - 1], k, sizeof *e[n - 1], cmp_qent);
		for (uint64_t i = 0; i < k; i++)
			newidx[n - 1][e[n - 1][i].slot] = (uint32_t)i;
	}

	/* sizes and offsets */
	off = align8(sizeof(struct lm_head));
	off = align8(off + sizeof(struct lmq_tail));
	uni_off = off;
	off = align8(off + (size_t)src->vocab * sizeof(struct lm_uni));
	vtab_off = off;
	off = align8(off + (size_t)src->vslots * sizeof(struct lm_vent));
	stroff_off = off;
	off = align8(off + (size_t)src->vocab * 4);
	str_off = off;
	off = align8(off + (size_t)src->str_len);
	for (int n = 1; n <= N; n++) {
		size_t c = (size_t)sh->count[n - 1];
		if (n < N) {
			child_off[n - 1] = off;
			off = align8(off + (c + 1) * 4);
		}
		if (n >= 2) {
			word_off[n - 1] = off;
			off = align8(off + wb * c + 1);
			prob_off[n - 1] = off;
			off = align8(off + 2 * c);
			if (n < N) {
				bo_off[n - 1] = off;
				off = align8(off + c);
			}
		}
	}
	lm = calloc(1, sizeof *lm);
	p = calloc(1, off);
	if (!lm || !p)
		goto fail;
	h = (struct lm_head *)p;
	q = (struct lmq_tail *)(p + align8(sizeof *h));
	h->order = (uint32_t)N;
	h->vocab = src->vocab;
	q->word_bytes = wb;
	memcpy(h->count, sh->count, sizeof h->count);
	h->uni_off = uni_off;
	h->vtab_off = vtab_off;
	h->vslots = src->vslots;
	h->stroff_off = stroff_off;
	h->str_off = str_off;
	h->str_len = src->str_len;
	memcpy(p + uni_off, src->uni, (size_t)src->vocab * sizeof(struct lm_uni));
	memcpy(p + vtab_off, src->vtab, (size_t)src->vslots * sizeof(struct lm_vent));
	memcpy(p + stroff_off, src->stroff, (size_t)src->vocab * 4);
	memcpy(p + str_off, src->str, (size_t)src->str_len);

	for (int n = 2; n <= N; n++)
		if (sh->count[n - 1] > most)
			most = (size_t)sh->count[n - 1];
	vals = malloc(most * sizeof *vals);
	if (!vals)
		goto fail;
	for (int n = 1; n <= N; n++) {
		size_t c = (size_t)sh->count[n - 1];
		q->child_off[n - 1] = child_off[n - 1];
		q->word_off[n - 1] = word_off[n - 1];
		q->prob_off[n - 1] = prob_off[n - 1];
		q->bo_off[n - 1] = bo_off[n - 1];
		if (n < N) { /* children: the entries of order n+1 by parent */
			uint32_t *ch = (uint32_t *)(p + child_off[n - 1]);
			const struct qent *x = e[n];
			size_t cn = (size_t)sh->count[n], j = 0;
			for (size_t i = 0; i <= c; i++) {
				while (j < cn && x[j].parent < i)
					j++;
				ch[i] = (uint32_t)j;
			}
		}
		if (n >= 2) {
			uint8_t *wd = p + word_off[n - 1];
			for (size_t i = 0; i < c; i++) {
				uint32_t w = e[n - 1][i].word;
				wd[wb * i] = (uint8_t)w;
				wd[wb * i + 1] = (uint8_t)(w >> 8);
				if (wb == 3)
					wd[wb * i + 2] = (uint8_t)(w >> 16);
			}
			for (size_t i = 0; i < c; i++)
				vals[i] = src->tab[n - 1][e[n - 1][i].slot].prob;
			prob_codes(vals, c, (uint16_t *)(p + prob_off[n - 1]), &q->prob_lo[n - 1],
				   &q->prob_step[n - 1]);
			if (n < N) {
				for (size_t i = 0; i < c; i++)
					vals[i] = src->tab[n - 1][e[n - 1][i].slot].backoff;
				if (backoff_codes(vals, c, p + bo_off[n - 1], q->qbo[n - 1]))
					goto fail;
			}
		}
	}
	rc = ds_lmq_attach(lm, p, off, name, err);
	if (rc)
		goto fail;
	lm->owned = p;
	lm->base = p;
	lm->size = off;
	free(vals);
	for (int n = 0; n < DS_LM_MAX_ORDER; n++) {
		free(e[n]);
		free(newidx[n]);
	}
	return lm;
fail:
	if (rc == DS_ENOMEM)
		ds_err_set(err, DS_ENOMEM, "out of memory making the language model compact");
	free(vals);
	for (int n = 0; n < DS_LM_MAX_ORDER; n++) {
		free(e[n]);
		free(newidx[n]);
	}
	free(p);
	free(lm);
	return NULL;
}
