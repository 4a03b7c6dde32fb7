/*
 * vec_build.c - learning word vectors from a corpus (see vec.h).
 *
 * 1. count the lower-case words of the corpus; keep the max_words most
 *    frequent with at least min_count uses, the first `contexts` of them
 *    also as contexts;
 * 2. count (word, context) pairs within `window` words in a sentence;
 * 3. weigh them by PPMI with the context distribution smoothed (alpha 0.75);
 * 4. reduce: the Gram matrix M'M of the PPMI matrix M (contexts x contexts)
 *    is decomposed with gsl_linalg_SV_decomp (M'M = V S V'), and a word's
 *    vector is its PPMI row projected on the first `dim` right singular
 *    vectors, scaled by S^-1/4 (that is U sqrt(Sigma) of M's SVD), then
 *    normalised to unit length.
 */
#include "vec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "binfmt.h"
#include "lm.h"
#include "text.h"

/* ---- the words counted: a ds_strtab and a count per id ---- */

struct wtab {
	struct ds_strtab s;
	uint64_t *count;
	size_t count_cap;
};

static void wtab_free(struct wtab *t)
{
	ds_strtab_free(&t->s);
	free(t->count);
}

/* Counts word w; returns 0 or DS_ENOMEM. */
static int wtab_add(struct wtab *t, const char *w, size_t n)
{
	size_t before = t->s.n;
	int64_t id;
	if (ds_grow(&t->count, &t->count_cap, t->s.n + 1, sizeof *t->count))
		return DS_ENOMEM;
	if ((id = ds_strtab_intern(&t->s, w, n)) < 0)
		return (int)id;
	if (t->s.n > before)
		t->count[id] = 0;
	t->count[id]++;
	return 0;
}

/* ---- corpus walking ---- */

/* Calls fn(ud, doc) for every block of about 64 kB of whole lines. */
typedef int (*block_fn)(void *ud, const struct ds_doc *doc);

static int walk_corpus(const char *text, size_t len, block_fn fn, void *ud, struct ds_err *err)
{
	size_t i = 0;
	while (i < len) {
		size_t e = i + 65536 < len ? i + 65536 : len;
		struct ds_doc *d;
		struct ds_err derr;
		int rc;
		while (e < len && text[e - 1] != '\n')
			e++;
		d = ds_doc_new(text + i, e - i, "corpus", 0, &derr);
		if (!d) {
			if (derr.code == DS_EEMPTY) {
				i = e;
				continue;
			}
			return ds_err_set(err, derr.code, "%s", derr.msg);
		}
		rc = fn(ud, d);
		ds_doc_free(d);
		if (rc)
			return ds_err_set(err, rc, "out of memory");
		i = e;
	}
	return 0;
}

static int count_block(void *ud, const struct ds_doc *d)
{
	struct wtab *t = ud;
	for (size_t i = 0; i < d->ntok; i++)
		if (d->tok[i].kind == DS_TOK_WORD && wtab_add(t, ds_tok_lower(d, i), d->tok[i].norm_len))
			return DS_ENOMEM;
	return 0;
}

struct cooc {
	const struct wtab *t;
	const int32_t *row;    /* word index -> row, or -1 */
	const int32_t *col;    /* word index -> context column, or -1 */
	uint32_t *m;           /* rows x ncol counts */
	size_t ncol;
	unsigned window;
	int32_t *ids;
	size_t ids_cap;
};

static int cooc_block(void *ud, const struct ds_doc *d)
{
	struct cooc *c = ud;
	for (size_t s = 0; s < d->nsent; s++) {
		size_t n = 0;
		const struct ds_sent *st = &d->sent[s];
		if (ds_grow(&c->ids, &c->ids_cap, st->tok_end - st->tok_begin + 1, sizeof *c->ids))
			return DS_ENOMEM;
		for (uint32_t i = st->tok_begin; i < st->tok_end; i++) {
			long w;
			if (d->tok[i].kind == DS_TOK_PUNCT)
				continue;
			w = d->tok[i].kind == DS_TOK_WORD
				    ? ds_strtab_find(&c->t->s, ds_tok_lower(d, i), d->tok[i].norm_len) : -1;
			c->ids[n++] = (int32_t)w;
		}
		for (size_t i = 0; i < n; i++) {
			int32_t r = c->ids[i] >= 0 ? c->row[c->ids[i]] : -1;
			if (r < 0)
				continue;
			for (size_t j = i > c->window ? i - c->window : 0; j < n && j <= i + c->window; j++) {
				int32_t k;
				if (j == i || c->ids[j] < 0 || (k = c->col[c->ids[j]]) < 0)
					continue;
				c->m[(size_t)r * c->ncol + (size_t)k]++;
			}
		}
	}
	return 0;
}

/* ---- the reduction and the file, shared by both sources ---- */

/* A PPMI matrix of nw rows and ncol columns, row by row: row r's non-zero
 * values are val[ptr[r] .. ptr[r + 1]), in column order (col); row r is
 * the vector of word[r] (borrowed strings, the array owned). */
struct sparse {
	size_t nw, ncol;
	size_t *ptr;
	uint32_t *col;
	float *val;
	const char **word;
};

static void sparse_free(struct sparse *m)
{
	free(m->ptr);
	free(m->col);
	free(m->val);
	free(m->word);
}

/* Gives back the room of m's entries beyond its first n (kept as they
 * are where the system cannot shrink them). */
static void sparse_shrink(struct sparse *m, size_t n)
{
	uint32_t *c = realloc(m->col, (n + 1) * sizeof *c);
	float *v;
	if (c)
		m->col = c;
	if ((v = realloc(m->val, (n + 1) * sizeof *v)))
		m->val = v;
}

/* Reduces m to dim dimensions (the Gram matrix M'M, contexts x contexts,
 * decomposed with gsl_linalg_SV_decomp: M'M = V S V'; a word's vector is
 * its row projected on the first dim right singular vectors, scaled by
 * S^-1/4, that is U sqrt(Sigma) of M's SVD, then normalised) and writes
 * the model (its words in byte order) to out. */
static int reduce_write(const struct sparse *m, size_t dim, const char *out, struct ds_err *err)
{
	const size_t nw = m->nw, ncol = m->ncol;
	const char *const *words = m->word;
	gsl_matrix *G = gsl_matrix_calloc(ncol, ncol), *Vm = gsl_matrix_alloc(ncol, ncol);
	gsl_vector *S = gsl_vector_alloc(ncol), *work = gsl_vector_alloc(ncol);
	float *vecs = NULL;
	unsigned char *payload = NULL;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	int rc;

	if (!G || !Vm || !S || !work)
		goto oom;
	for (size_t r = 0; r < nw; r++) {
		const uint32_t *c = m->col + m->ptr[r];
		const float *x = m->val + m->ptr[r];
		size_t n = m->ptr[r + 1] - m->ptr[r];
		for (size_t a = 0; a < n; a++)
			for (size_t b = 0; b <= a; b++)
				*gsl_matrix_ptr(G, c[a], c[b]) += (double)x[a] * x[b];
	}
	for (size_t a = 0; a < ncol; a++)
		for (size_t b = 0; b < a; b++)
			gsl_matrix_set(G, b, a, gsl_matrix_get(G, a, b));
	if (gsl_linalg_SV_decomp(G, Vm, S, work)) {
		rc = ds_err_set(err, DS_EFORMAT, "vectors: the decomposition did not converge");
		goto out;
	}
	/* G = U S V' with U = V (symmetric): word vector = row . V_k . S_k^-1/4 */
	vecs = calloc(nw * dim, sizeof *vecs);
	if (!vecs)
		goto oom;
	for (size_t r = 0; r < nw; r++) {
		double norm = 0;
		float *y = vecs + r * dim;
		for (size_t i = m->ptr[r]; i < m->ptr[r + 1]; i++)
			for (size_t d = 0; d < dim; d++)
				y[d] += (float)(m->val[i] * gsl_matrix_get(Vm, m->col[i], d));
		for (size_t d = 0; d < dim; d++) {
			double sv = gsl_vector_get(S, d);
			y[d] = sv > 0 ? (float)(y[d] / pow(sv, 0.25)) : 0;
			norm += (double)y[d] * y[d];
		}
		norm = norm > 0 ? sqrt(norm) : 1;
		for (size_t d = 0; d < dim; d++)
			y[d] = (float)(y[d] / norm);
	}
	/* the file */
	{
		size_t offlen = (nw * 4 + 7) & ~(size_t)7, blob = 0, plen, slot_at;
		uint32_t hdr[4], *off, cap = ds_vec_slots_cap((uint32_t)nw);
		char *bp;
		for (size_t i = 0; i < nw; i++)
			blob += strlen(words[i]) + 1;
		slot_at = (16 + offlen + nw * dim * 4 + blob + 3) & ~(size_t)3;
		plen = slot_at + (size_t)cap * 4;
		payload = cap ? calloc(1, plen) : NULL; /* no cap: over 2^30 words */
		if (!payload)
			goto oom;
		hdr[0] = (uint32_t)nw;
		hdr[1] = (uint32_t)dim;
		hdr[2] = (uint32_t)blob;
		hdr[3] = cap;
		memcpy(payload, hdr, 16);
		off = (uint32_t *)(payload + 16);
		memcpy(payload + 16 + offlen, vecs, nw * dim * 4);
		bp = (char *)payload + 16 + offlen + nw * dim * 4;
		blob = 0;
		for (size_t i = 0; i < nw; i++) {
			size_t l = strlen(words[i]) + 1;
			off[i] = (uint32_t)blob;
			memcpy(bp + blob, words[i], l);
			blob += l;
		}
		ds_vec_fill_slots(off, bp, (uint32_t)nw, (uint32_t *)(payload + slot_at), cap);
		rc = ds_bin_write(out, DS_VEC_KIND, DS_VEC_VERSION, payload, plen, err);
	}
	goto out;
oom:
	rc = ds_err_set(err, DS_ENOMEM, "out of memory");
out:
	gsl_set_error_handler(old);
	gsl_matrix_free(G);
	gsl_matrix_free(Vm);
	gsl_vector_free(S);
	gsl_vector_free(work);
	free(payload);
	free(vecs);
	return rc;
}

/* ---- from a corpus ---- */

/* A word ranked by key (its corpus count, or its unigram log10
 * probability), idx its id in the table it came from. */
struct wref {
	double key;
	const char *w;
	uint32_t idx;
};

/* Greatest key first, ties in byte order. */
static int cmp_key_desc(const void *a, const void *b)
{
	const struct wref *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return strcmp(x->w, y->w);
}

static int cmp_word(const void *a, const void *b)
{
	return strcmp(((const struct wref *)a)->w, ((const struct wref *)b)->w);
}

int ds_vec_build(const char *corpus, const struct ds_vec_build_opts *o, const char *out,
		 struct ds_err *err)
{
	unsigned min_count = o && o->min_count ? o->min_count : 10;
	size_t max_words = o && o->max_words ? o->max_words : 20000;
	size_t ncol = o && o->contexts ? o->contexts : 800;
	unsigned window = o && o->window ? o->window : 2;
	size_t dim = o && o->dim ? o->dim : 64;
	struct wtab t = {0};
	struct cooc cc = {0};
	struct sparse sm = {0};
	char *text = NULL;
	size_t len, nw = 0, nnz = 0;
	struct wref *order = NULL;
	int32_t *row = NULL, *col = NULL;
	double *colw = NULL, *rowsum = NULL;
	int rc;

	if (dim > DS_VEC_MAX_DIM || dim > ncol) {
		rc = ds_err_set(err, DS_EINVAL, "vectors: %zu dimensions (at most %d and the contexts)",
				dim, DS_VEC_MAX_DIM);
		goto out;
	}
	if ((rc = ds_read_file(corpus, 0, &text, &len, err)))
		goto out;
	if ((rc = walk_corpus(text, len, count_block, &t, err)))
		goto out;
	/* words by count */
	order = malloc((t.s.n + 1) * sizeof *order);
	row = malloc((t.s.n + 1) * sizeof *row);
	col = malloc((t.s.n + 1) * sizeof *col);
	if (!order || !row || !col)
		goto oom;
	for (size_t i = 0; i < t.s.n; i++) {
		order[i].key = (double)t.count[i];
		order[i].w = ds_strtab_str(&t.s, (uint32_t)i);
		order[i].idx = (uint32_t)i;
		row[i] = col[i] = -1;
	}
	qsort(order, t.s.n, sizeof *order, cmp_key_desc);
	for (size_t i = 0; i < ncol && i < t.s.n; i++)
		col[order[i].idx] = (int32_t)i;
	while (nw < t.s.n && nw < max_words && order[nw].key >= min_count)
		nw++;
	if (nw < ncol) {
		rc = ds_err_set(err, DS_EINVAL, "%s: only %zu words used %u times or more (need %zu)",
				corpus, nw, min_count, ncol);
		goto out;
	}
	/* rows in byte order of the words (the file's order) */
	qsort(order, nw, sizeof *order, cmp_word);
	for (size_t i = 0; i < nw; i++)
		row[order[i].idx] = (int32_t)i;
	/* co-occurrence counts */
	cc.t = &t;
	cc.row = row;
	cc.col = col;
	cc.ncol = ncol;
	cc.window = window;
	cc.m = calloc(nw * ncol, sizeof *cc.m);
	if (!cc.m)
		goto oom;
	if ((rc = walk_corpus(text, len, cooc_block, &cc, err)))
		goto out;
	free(text);
	text = NULL;
	/* PPMI, contexts smoothed, kept row by row */
	colw = calloc(ncol, sizeof *colw);
	rowsum = calloc(nw, sizeof *rowsum);
	sm.ptr = calloc(nw + 1, sizeof *sm.ptr);
	if (!colw || !rowsum || !sm.ptr)
		goto oom;
	for (size_t i = 0; i < nw * ncol; i++)
		nnz += cc.m[i] != 0;
	/* room for every count; the PMI keeps the positive ones, and the
	 * arrays shrink to them below */
	sm.col = malloc((nnz + 1) * sizeof *sm.col);
	sm.val = malloc((nnz + 1) * sizeof *sm.val);
	if (!sm.col || !sm.val)
		goto oom;
	sm.nw = nw;
	sm.ncol = ncol;
	{
		double Z = 0;
		size_t at = 0;
		for (size_t r = 0; r < nw; r++)
			for (size_t k = 0; k < ncol; k++) {
				rowsum[r] += cc.m[r * ncol + k];
				colw[k] += cc.m[r * ncol + k];
			}
		for (size_t k = 0; k < ncol; k++) {
			colw[k] = pow(colw[k], 0.75);
			Z += colw[k];
		}
		for (size_t r = 0; r < nw; r++) {
			sm.ptr[r] = at;
			for (size_t k = 0; k < ncol; k++) {
				uint32_t n = cc.m[r * ncol + k];
				double pmi = n && colw[k] > 0 ? log((double)n * Z / (rowsum[r] * colw[k])) : 0;
				if ((float)pmi > 0) {
					sm.col[at] = (uint32_t)k;
					sm.val[at++] = (float)pmi;
				}
			}
		}
		sm.ptr[nw] = at;
		sparse_shrink(&sm, at);
	}
	free(cc.m);
	cc.m = NULL;
	if (!(sm.word = malloc(nw * sizeof *sm.word)))
		goto oom;
	for (size_t i = 0; i < nw; i++)
		sm.word[i] = order[i].w;
	rc = reduce_write(&sm, dim, out, err);
	goto out;
oom:
	rc = ds_err_set(err, DS_ENOMEM, "out of memory");
out:
	sparse_free(&sm);
	free(colw);
	free(rowsum);
	free(cc.m);
	free(cc.ids);
	free(order);
	free(row);
	free(col);
	free(text);
	wtab_free(&t);
	return rc;
}

/* ---- from a language model's bigrams ---- */

/* A word the vectors keep: lower-case letters (any non-ASCII byte taken for
 * one), apostrophes and hyphens, not as its first byte; what ds_vec_get is
 * asked for. */
static int vector_word(const char *w)
{
	if (!*w || *w == '-' || *w == '\'')
		return 0;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p >= 0x80 || *p == '\'' || *p == '-'))
			return 0;
	return 1;
}

struct bigram_pass {
	const struct ds_lm *lm;
	const int32_t *row, *ctx;  /* word id -> row / context index, or -1 */
	size_t nctx;
	struct sparse *m;
	size_t *fill;              /* NULL: counting; else the next entry of each row */
};

/* Bigram "a b": b is a's right neighbour (context nctx + ctx[b] of row a)
 * and a is b's left one (context ctx[a] of row b), each weighed by their
 * pointwise mutual information, log P(b | a) - log P(b), when positive. */
static int bigram_entry(void *ud, ds_lm_id a, ds_lm_id b, float prob)
{
	struct bigram_pass *p = ud;
	double pmi = ((double)prob - ds_lm_unigram(p->lm, b)) * M_LN10;
	struct {
		int32_t r, c;
	} e[2] = {{p->row[a], p->ctx[b] < 0 ? -1 : (int32_t)p->nctx + p->ctx[b]}, {p->row[b], p->ctx[a]}};
	if (!(pmi > 0) || prob <= -98)
		return 0;
	for (int i = 0; i < 2; i++) {
		if (e[i].r < 0 || e[i].c < 0)
			continue;
		if (!p->fill) {
			p->m->ptr[e[i].r + 1]++;
			continue;
		}
		p->m->col[p->fill[e[i].r]] = (uint32_t)e[i].c;
		p->m->val[p->fill[e[i].r]++] = (float)pmi;
	}
	return 0;
}

/* Row r's entries sorted by column (insertion sort: a row holds few). */
static void sort_row(struct sparse *m, size_t r)
{
	for (size_t i = m->ptr[r] + 1; i < m->ptr[r + 1]; i++) {
		uint32_t c = m->col[i];
		float v = m->val[i];
		size_t j = i;
		for (; j > m->ptr[r] && m->col[j - 1] > c; j--) {
			m->col[j] = m->col[j - 1];
			m->val[j] = m->val[j - 1];
		}
		m->col[j] = c;
		m->val[j] = v;
	}
}

int ds_vec_build_lm(const struct ds_lm *lm, const struct ds_vec_build_opts *o, const char *out,
		    struct ds_err *err)
{
	size_t max_words = o && o->max_words ? o->max_words : 40000;
	size_t nctx = o && o->contexts ? o->contexts : 800;
	size_t dim = o && o->dim ? o->dim : 64;
	uint32_t nv = ds_lm_vocab_size(lm);
	struct wref *order = NULL;
	int32_t *row = NULL, *ctx = NULL;
	struct sparse sm = {0};
	struct bigram_pass bp = {0};
	size_t nw = 0, nc = 0, kept = 0;
	int rc;

	if (dim > DS_VEC_MAX_DIM || dim > 2 * nctx) {
		rc = ds_err_set(err, DS_EINVAL,
				"vectors: %zu dimensions (at most %d and twice the contexts)", dim,
				DS_VEC_MAX_DIM);
		goto out;
	}
	if (ds_lm_order(lm) < 2 || ds_lm_mix_part(lm, 1) != NULL) {
		rc = ds_err_set(err, DS_EINVAL, "%s: vectors need one model of bigrams, not %s",
				ds_lm_path(lm) ? ds_lm_path(lm) : "the model",
				ds_lm_order(lm) < 2 ? "unigrams alone" : "a mixture");
		goto out;
	}
	order = malloc((nv + 1) * sizeof *order);
	row = malloc((nv + 1) * sizeof *row);
	ctx = malloc((nv + 1) * sizeof *ctx);
	if (!order || !row || !ctx)
		goto oom;
	for (uint32_t i = 0; i < nv; i++) {
		order[i].key = ds_lm_unigram(lm, i);
		order[i].idx = i;
		order[i].w = ds_lm_word(lm, i);
		row[i] = ctx[i] = -1;
	}
	/* the contexts: the sentence's start (which the model gives no
	 * probability of its own) and the likeliest words, its end among them;
	 * the rows: the likeliest vector words */
	if (DS_LM_BOS < nv)
		ctx[DS_LM_BOS] = (int32_t)nc++;
	qsort(order, nv, sizeof *order, cmp_key_desc);
	for (uint32_t i = 0; i < nv; i++) {
		const char *w = order[i].w;
		if (nc < nctx && order[i].idx != DS_LM_BOS && order[i].key > -98 &&
		    (vector_word(w) || order[i].idx == DS_LM_EOS))
			ctx[order[i].idx] = (int32_t)nc++;
		if (kept < max_words && vector_word(w))
			order[kept++] = order[i]; /* kept <= i: the rows, in place */
	}
	nw = kept;
	if (nc < nctx) {
		rc = ds_err_set(err, DS_EINVAL, "%s: only %zu words to use as contexts (need %zu)",
				ds_lm_path(lm) ? ds_lm_path(lm) : "the model", nc, nctx);
		goto out;
	}
	/* rows in byte order of the words (the file's order) */
	qsort(order, nw, sizeof *order, cmp_word);
	for (size_t i = 0; i < nw; i++)
		row[order[i].idx] = (int32_t)i;
	/* two passes over the bigrams: each row's size, then its entries */
	sm.nw = nw;
	sm.ncol = 2 * nctx;
	if (!(sm.ptr = calloc(nw + 1, sizeof *sm.ptr)))
		goto oom;
	bp.lm = lm;
	bp.row = row;
	bp.ctx = ctx;
	bp.nctx = nctx;
	bp.m = &sm;
	ds_lm_each_bigram(lm, bigram_entry, &bp);
	for (size_t r = 0; r < nw; r++)
		sm.ptr[r + 1] += sm.ptr[r];
	sm.col = malloc((sm.ptr[nw] + 1) * sizeof *sm.col);
	sm.val = malloc((sm.ptr[nw] + 1) * sizeof *sm.val);
	bp.fill = malloc((nw + 1) * sizeof *bp.fill);
	if (!sm.col || !sm.val || !bp.fill)
		goto oom;
	memcpy(bp.fill, sm.ptr, nw * sizeof *bp.fill);
	ds_lm_each_bigram(lm, bigram_entry, &bp);
	/* rows sorted by column; a word without a context it is likelier
	 * beside than alone has no direction: it is left out */
	if (!(sm.word = malloc(nw * sizeof *sm.word)))
		goto oom;
	kept = 0;
	for (size_t r = 0, at = 0; r < nw; r++) {
		size_t b = sm.ptr[r], e = sm.ptr[r + 1];
		if (b == e)
			continue;
		memmove(sm.col + at, sm.col + b, (e - b) * sizeof *sm.col);
		memmove(sm.val + at, sm.val + b, (e - b) * sizeof *sm.val);
		sm.ptr[kept] = at;
		at += e - b;
		sm.ptr[kept + 1] = at;
		sm.word[kept++] = order[r].w;
		sort_row(&sm, kept - 1);
	}
	sm.nw = kept;
	rc = reduce_write(&sm, dim, out, err);
	goto out;
oom:
	rc = ds_err_set(err, DS_ENOMEM, "out of memory");
out:
	sparse_free(&sm);
	free(bp.fill);
	free(order);
	free(row);
	free(ctx);
	return rc;
}
