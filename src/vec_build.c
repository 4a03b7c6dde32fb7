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

struct wref {
	uint64_t count;
	const char *w;
	uint32_t idx;
};

static int cmp_count_desc(const void *a, const void *b)
{
	const struct wref *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
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
	char *text = NULL;
	size_t len, nw = 0;
	struct wref *order = NULL;
	int32_t *row = NULL, *col = NULL;
	float *ppmi = NULL, *vecs = NULL;
	double *colw = NULL, *rowsum = NULL;
	gsl_matrix *G = NULL, *Vm = NULL;
	gsl_vector *S = NULL, *work = NULL;
	unsigned char *payload = NULL;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
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
		order[i].count = t.count[i];
		order[i].w = ds_strtab_str(&t.s, (uint32_t)i);
		order[i].idx = (uint32_t)i;
		row[i] = col[i] = -1;
	}
	qsort(order, t.s.n, sizeof *order, cmp_count_desc);
	for (size_t i = 0; i < ncol && i < t.s.n; i++)
		col[order[i].idx] = (int32_t)i;
	while (nw < t.s.n && nw < max_words && order[nw].count >= min_count)
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
	/* PPMI, contexts smoothed */
	colw = calloc(ncol, sizeof *colw);
	rowsum = calloc(nw, sizeof *rowsum);
	ppmi = malloc(nw * ncol * sizeof *ppmi);
	if (!colw || !rowsum || !ppmi)
		goto oom;
	{
		double Z = 0;
		for (size_t r = 0; r < nw; r++)
			for (size_t k = 0; k < ncol; k++) {
				rowsum[r] += cc.m[r * ncol + k];
				colw[k] += cc.m[r * ncol + k];
			}
		for (size_t k = 0; k < ncol; k++) {
			colw[k] = pow(colw[k], 0.75);
			Z += colw[k];
		}
		for (size_t r = 0; r < nw; r++)
			for (size_t k = 0; k < ncol; k++) {
				uint32_t n = cc.m[r * ncol + k];
				double pmi = n && colw[k] > 0 ? log((double)n * Z / (rowsum[r] * colw[k])) : 0;
				ppmi[r * ncol + k] = pmi > 0 ? (float)pmi : 0;
			}
	}
	free(cc.m);
	cc.m = NULL;
	/* Gram matrix and its SVD */
	G = gsl_matrix_calloc(ncol, ncol);
	Vm = gsl_matrix_alloc(ncol, ncol);
	S = gsl_vector_alloc(ncol);
	work = gsl_vector_alloc(ncol);
	if (!G || !Vm || !S || !work)
		goto oom;
	{
		size_t *nz = malloc(ncol * sizeof *nz);
		if (!nz)
			goto oom;
		for (size_t r = 0; r < nw; r++) {
			const float *x = ppmi + r * ncol;
			size_t m = 0;
			for (size_t k = 0; k < ncol; k++)
				if (x[k] > 0)
					nz[m++] = k;
			for (size_t a = 0; a < m; a++)
				for (size_t b = 0; b <= a; b++)
					*gsl_matrix_ptr(G, nz[a], nz[b]) += (double)x[nz[a]] * x[nz[b]];
		}
		free(nz);
		for (size_t a = 0; a < ncol; a++)
			for (size_t b = 0; b < a; b++)
				gsl_matrix_set(G, b, a, gsl_matrix_get(G, a, b));
	}
	if (gsl_linalg_SV_decomp(G, Vm, S, work)) {
		rc = ds_err_set(err, DS_EFORMAT, "vectors: the decomposition did not converge");
		goto out;
	}
	/* G = U S V' with U = V (symmetric): word vector = row . V_k . S_k^-1/4 */
	vecs = calloc(nw * dim, sizeof *vecs);
	if (!vecs)
		goto oom;
	for (size_t r = 0; r < nw; r++) {
		const float *x = ppmi + r * ncol;
		double norm = 0;
		float *y = vecs + r * dim;
		for (size_t k = 0; k < ncol; k++) {
			if (x[k] <= 0)
				continue;
			for (size_t d = 0; d < dim; d++)
				y[d] += (float)(x[k] * gsl_matrix_get(Vm, k, d));
		}
		for (size_t d = 0; d < dim; d++) {
			double s = gsl_vector_get(S, d);
			y[d] = s > 0 ? (float)(y[d] / pow(s, 0.25)) : 0;
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
			blob += strlen(order[i].w) + 1;
		slot_at = (16 + offlen + nw * dim * 4 + blob + 3) & ~(size_t)3;
		plen = slot_at + (size_t)cap * 4;
		payload = calloc(1, plen);
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
			const char *w = order[i].w;
			size_t l = strlen(w) + 1;
			off[i] = (uint32_t)blob;
			memcpy(bp + blob, w, l);
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
	free(ppmi);
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
