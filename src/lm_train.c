/*
 * lm_train.c - interpolated modified Kneser-Ney estimation (see lm_train.h).
 *
 * The text becomes one array of word ids, sentence after sentence, each
 * sentence "<s> w1 ... wk </s>".  Every position after <s> ends one n-gram of
 * the highest order N (or, near the start of a sentence, a shorter one that
 * begins with <s>).  Counting then goes down the orders:
 *
 *   order N:    raw counts of the N-grams;
 *   order n<N:  adjusted counts: the number of distinct words seen before the
 *               n-gram (its distinct left extensions among the (n+1)-grams),
 *               except for n-grams starting with <s>, which keep raw counts.
 *
 * Each order is a flat array of records (n ids, adjusted count, raw count)
 * sorted by an LSD radix sort on the ids and merged.  Then, from order 1 up,
 * with discounts D1, D2, D3+ from each order's count-of-counts
 * (Y = t1 / (t1 + 2 t2), Dk = k - (k + 1) Y t(k+1) / tk):
 *
 *   p(w | h) = (a(hw) - D(a(hw))) / sum_x a(hx) + gamma(h) p(w | h')
 *   gamma(h) = (D1 N1(h) + D2 N2(h) + D3 N3+(h)) / sum_x a(hx)
 *
 * with h' the context without its first word; for unigrams the lower-order
 * distribution is uniform over the vocabulary but <s> (and <unk> gets just
 * that share).  gamma(h) is the backoff weight of h in the ARPA sense.  Pruned
 * n-grams (raw count below the threshold) still count in every sum; their
 * discounted mass goes to their context's backoff weight.  Raw counts never
 * grow with the length of an n-gram, so pruning by raw count keeps every
 * kept n-gram's prefix and suffix.
 */
#include "lm_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct ds_lm_trainer {
	struct ds_lm_train_opts o;
	struct ds_lm_words *v;
	uint32_t *seq;             /* sentences: <s> ids </s> */
	size_t nseq, seq_cap;
	uint64_t words, sentences;
	double t0;
	size_t bytes_done, bytes_total;
};

struct ds_lm_trainer *ds_lm_trainer_new(const struct ds_lm_train_opts *opts, struct ds_err *err)
{
	struct ds_lm_trainer *t = calloc(1, sizeof *t);
	if (!t) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (opts)
		t->o = *opts;
	if (t->o.order == 0)
		t->o.order = 4;
	if (t->o.order < 1 || t->o.order > DS_LM_MAX_ORDER) {
		ds_err_set(err, DS_EINVAL, "order %d is out of range 1..%d", t->o.order, DS_LM_MAX_ORDER);
		free(t);
		return NULL;
	}
	t->v = ds_lm_words_new();
	if (!t->v) {
		free(t);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	t->t0 = ds_now();
	return t;
}

void ds_lm_trainer_free(struct ds_lm_trainer *t)
{
	if (!t)
		return;
	ds_lm_words_free(t->v);
	free(t->seq);
	free(t);
}

static int push(struct ds_lm_trainer *t, uint32_t id)
{
	if (t->nseq == t->seq_cap && ds_grow(&t->seq, &t->seq_cap, t->nseq + 1, sizeof *t->seq))
		return DS_ENOMEM;
	t->seq[t->nseq++] = id;
	return 0;
}

/* Appends one word (not a marker) to the current sentence. */
static int push_word(struct ds_lm_trainer *t, const char *w, size_t len)
{
	int64_t id = ds_lm_words_add(t->v, w, len);
	if (id < 0)
		return (int)id;
	/* markers written as text are words of the sentence like any other */
	if (id == DS_LM_BOS || id == DS_LM_EOS || id == DS_LM_UNK)
		return 0;
	t->words++;
	return push(t, (uint32_t)id);
}

int ds_lm_trainer_add_sentence(struct ds_lm_trainer *t, const char *const *w, const size_t *len,
			       size_t n, struct ds_err *err)
{
	size_t mark = t->nseq;
	if (n == 0)
		return 0;
	if (push(t, DS_LM_BOS))
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (push_word(t, w[i], len[i]))
			goto nomem;
	if (push(t, DS_LM_EOS))
		goto nomem;
	t->sentences++;
	return 0;
nomem:
	t->nseq = mark;
	return ds_err_set(err, DS_ENOMEM, "out of memory reading the training text");
}

struct doc_ctx {
	struct ds_lm_trainer *t;
	size_t mark;
	int in_sent;
};

static int doc_word(void *vctx, const char *w, size_t len, uint32_t tok)
{
	struct doc_ctx *c = vctx;
	struct ds_lm_trainer *t = c->t;
	if (tok == DS_LM_NO_TOK && len == 3 && memcmp(w, "<s>", 3) == 0) {
		c->mark = t->nseq;
		c->in_sent = 0;
		return push(t, DS_LM_BOS);
	}
	if (tok == DS_LM_NO_TOK) {   /* </s> */
		if (!c->in_sent) {   /* nothing in it: drop the <s> */
			t->nseq = c->mark;
			return 0;
		}
		t->sentences++;
		return push(t, DS_LM_EOS);
	}
	c->in_sent = 1;
	return push_word(t, w, len);
}

int ds_lm_trainer_add_doc(struct ds_lm_trainer *t, const struct ds_doc *doc, struct ds_err *err)
{
	struct doc_ctx c = {t, t->nseq, 0};
	if (ds_lm_doc_words(doc, doc_word, &c))
		return ds_err_set(err, DS_ENOMEM, "out of memory reading the training text");
	return 0;
}

static void progress(struct ds_lm_trainer *t, const char *stage, double done)
{
	if (t->o.progress)
		t->o.progress(t->o.progress_ctx, stage, done);
}

int ds_lm_trainer_add_text(struct ds_lm_trainer *t, const char *text, size_t len, const char *name,
			   struct ds_err *err)
{
	const char *p = text, *end = text + len;
	const char *w[1024];
	size_t wl[1024];
	size_t lines = 0;
	int rc;

	/* the whole text is checked first: a line of it alone cannot show a
	 * file that is no text (UTF-16, compressed, binary), and one that is
	 * adds nothing rather than the few lines that pass for text */
	if ((rc = ds_text_check(text, len, name, err)))
		return rc;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (t->o.pretokenized) {
			size_t n = 0;
			const char *q = p;
			while (q < e) {
				while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
					q++;
				if (q == e)
					break;
				w[n] = q;
				while (q < e && *q != ' ' && *q != '\t' && *q != '\r')
					q++;
				wl[n] = (size_t)(q - w[n]);
				if (++n == DS_ARRAY_LEN(w)) {
					/* very long line: cut it into sentences of 1024 words */
					if (ds_lm_trainer_add_sentence(t, w, wl, n, err))
						return err ? err->code : DS_ENOMEM;
					n = 0;
				}
			}
			if (ds_lm_trainer_add_sentence(t, w, wl, n, err))
				return err ? err->code : DS_ENOMEM;
		} else if (e > p) {
			struct ds_err e2;
			struct ds_doc *d = ds_doc_new(p, (size_t)(e - p), name, (size_t)(e - p) + 1, &e2);
			if (d) {
				rc = ds_lm_trainer_add_doc(t, d, err);
				ds_doc_free(d);
				if (rc)
					return rc;
			} else if (e2.code != DS_EEMPTY && e2.code != DS_EBINARY) {
				return ds_err_set(err, e2.code, "%s", e2.msg);
			}
		}
		p = nl ? nl + 1 : end;
		if ((++lines & 1023) == 0)
			progress(t, "reading", (double)(p - text) / (double)(len ? len : 1));
	}
	progress(t, "reading", 1.0);
	return 0;
}

/* ---- sorting and merging records ---------------------------------------- */

/* Records of `stride` uint32: `keys` ids, then adjusted count, raw count. */
struct recs {
	uint32_t *r;
	size_t n, cap;
	int keys, stride;
};

/* LSD radix sort of rs on its key columns (values < maxval + 1), 16 bits a
 * pass.  Returns 0 or DS_ENOMEM. */
static int radix_sort(struct recs *rs, uint32_t maxval)
{
	size_t n = rs->n, st = (size_t)rs->stride;
	uint32_t *a = rs->r, *b;
	size_t *cnt;
	if (n < 2)
		return 0;
	b = malloc(n * st * sizeof *b);
	cnt = malloc(65536 * sizeof *cnt);
	if (!b || !cnt) {
		free(b);
		free(cnt);
		return DS_ENOMEM;
	}
	for (int col = rs->keys - 1; col >= 0; col--) {
		for (int shift = 0; shift < 32; shift += 16) {
			size_t sum = 0;
			uint32_t *tmp;
			if (shift && maxval < 65536)
				break;
			memset(cnt, 0, 65536 * sizeof *cnt);
			for (size_t i = 0; i < n; i++)
				cnt[(a[i * st + (size_t)col] >> shift) & 0xffff]++;
			for (size_t k = 0; k < 65536; k++) {
				size_t c = cnt[k];
				cnt[k] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++) {
				const uint32_t *src = a + i * st;
				size_t d = cnt[(src[col] >> shift) & 0xffff]++;
				memcpy(b + d * st, src, st * sizeof *src);
			}
			tmp = a;
			a = b;
			b = tmp;
		}
	}
	free(b);
	free(cnt);
	rs->r = a;
	rs->cap = n;
	return 0;
}

/* Sorts and merges equal keys, summing both counts. */
static int sort_merge(struct recs *rs, uint32_t maxval)
{
	size_t st = (size_t)rs->stride, k = (size_t)rs->keys, out = 0;
	if (radix_sort(rs, maxval))
		return DS_ENOMEM;
	for (size_t i = 0; i < rs->n; i++) {
		uint32_t *src = rs->r + i * st;
		if (out > 0 && memcmp(rs->r + (out - 1) * st, src, k * 4) == 0) {
			uint32_t *dst = rs->r + (out - 1) * st;
			dst[k] += src[k];
			dst[k + 1] += src[k + 1];
			continue;
		}
		if (out != i)
			memmove(rs->r + out * st, src, st * 4);
		out++;
	}
	rs->n = out;
	return 0;
}

static int recs_reserve(struct recs *rs, size_t more)
{
	size_t need = rs->n + more;
	if (need <= rs->cap)
		return 0;
	if (ds_grow(&rs->r, &rs->cap, need * (size_t)rs->stride, sizeof *rs->r))
		return DS_ENOMEM;
	rs->cap /= (size_t)rs->stride;
	return 0;
}

/* ---- estimation ------------------------------------------------------------- */

static void discounts(const uint64_t t[5], double d[3], int *fallback)
{
	double y;
	*fallback = 0;
	if (t[1] && t[2] && t[3] && t[4]) {
		y = (double)t[1] / ((double)t[1] + 2.0 * (double)t[2]);
		d[0] = 1.0 - 2.0 * y * (double)t[2] / (double)t[1];
		d[1] = 2.0 - 3.0 * y * (double)t[3] / (double)t[2];
		d[2] = 3.0 - 4.0 * y * (double)t[4] / (double)t[3];
		if (d[0] > 0 && d[0] < 1 && d[1] > 0 && d[1] < 2 && d[2] > 0 && d[2] < 3)
			return;
	}
	d[0] = 0.5;
	d[1] = 1.0;
	d[2] = 1.5;
	*fallback = 1;
}

static inline double disc(const double d[3], uint32_t a)
{
	return a == 0 ? 0 : a == 1 ? d[0] : a == 2 ? d[1] : d[2];
}

static int cmp_keys(const uint32_t *a, const uint32_t *b, int k)
{
	for (int i = 0; i < k; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Index of the record with the given key in sorted rs, or SIZE_MAX. */
static size_t find_rec(const struct recs *rs, const uint32_t *key)
{
	size_t lo = 0, hi = rs->n, st = (size_t)rs->stride;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_keys(rs->r + mid * st, key, rs->keys);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

struct ds_lm *ds_lm_trainer_finish(struct ds_lm_trainer *t, struct ds_lm_train_info *info,
				   struct ds_err *err)
{
	const int N = t->o.order;
	const uint32_t V = ds_lm_words_count(t->v);
	struct recs R[DS_LM_MAX_ORDER];
	double *prob[DS_LM_MAX_ORDER] = {0};     /* p(w | h) per record, linear */
	double *gam[DS_LM_MAX_ORDER] = {0};      /* backoff weight (gamma) per record */
	struct ds_lm_lists L;
	struct ds_lm_train_info inf;
	struct ds_lm *lm = NULL;
	const char *const *words;
	uint64_t prune = t->o.prune;

	memset(R, 0, sizeof R);
	memset(&L, 0, sizeof L);
	memset(&inf, 0, sizeof inf);
	inf.order = N;
	inf.words = t->words;
	inf.sentences = t->sentences;
	inf.vocab = V;
	for (int n = 1; n <= N; n++) {
		R[n - 1].keys = n;
		R[n - 1].stride = n + 2;
	}
	if (t->sentences == 0) {
		ds_err_set(err, DS_EEMPTY, "no training text");
		return NULL;
	}
	if (N < 1 || N > DS_LM_MAX_ORDER) { /* ds_lm_trainer_new refuses such an order */
		ds_err_set(err, DS_EINVAL, "model order %d is not 1 to %d", N, DS_LM_MAX_ORDER);
		return NULL;
	}

	/* n-grams ending at each position */
	progress(t, "counting", 0);
	if (recs_reserve(&R[N - 1], t->nseq))
		goto nomem;
	for (size_t s = 0; s < t->nseq;) {
		size_t e = s + 1;
		while (t->seq[e] != DS_LM_EOS)
			e++;
		for (size_t i = s + 1; i <= e; i++) {
			size_t len = i - s + 1;
			struct recs *rs;
			uint32_t *dst;
			if (len > (size_t)N)
				len = (size_t)N;
			rs = &R[len - 1];
			if (recs_reserve(rs, 1))
				goto nomem;
			dst = rs->r + rs->n * (size_t)rs->stride;
			memcpy(dst, t->seq + i + 1 - len, len * 4);
			dst[len] = 1;
			dst[len + 1] = 1;
			rs->n++;
		}
		s = e + 1;
	}
	free(t->seq);
	t->seq = NULL;
	t->nseq = t->seq_cap = 0;

	/* counts, highest order first */
	for (int n = N; n >= 1; n--) {
		struct recs *rs = &R[n - 1];
		if (n < N) {
			const struct recs *up = &R[n];
			if (recs_reserve(rs, up->n))
				goto nomem;
			for (size_t i = 0; i < up->n; i++) {
				const uint32_t *src = up->r + i * (size_t)up->stride;
				uint32_t *dst = rs->r + rs->n * (size_t)rs->stride;
				memcpy(dst, src + 1, (size_t)n * 4);
				dst[n] = 1;
				dst[n + 1] = src[n + 2];
				rs->n++;
			}
		}
		if (sort_merge(rs, V))
			goto nomem;
		progress(t, "counting", (double)(N - n + 1) / N);
	}

	/* discounts from count-of-counts */
	for (int n = 1; n <= N; n++) {
		const struct recs *rs = &R[n - 1];
		uint64_t cc[5] = {0};
		for (size_t i = 0; i < rs->n; i++) {
			const uint32_t *r = rs->r + i * (size_t)rs->stride;
			uint32_t a = r[n];
			if (a >= 1 && a <= 4)
				cc[a]++;
		}
		discounts(cc, inf.discount[n - 1], &inf.fallback[n - 1]);
	}

	/* probabilities, lowest order first */
	progress(t, "estimating", 0);
	for (int n = 1; n <= N; n++) {
		const struct recs *rs = &R[n - 1];
		const double *d = inf.discount[n - 1];
		size_t st = (size_t)rs->stride, ctx_i = 0;
		prob[n - 1] = malloc((rs->n + 1) * sizeof(double));
		gam[n - 1] = calloc(rs->n + 1, sizeof(double));
		if (!prob[n - 1] || !gam[n - 1])
			goto nomem;
		for (size_t g = 0; g < rs->n;) {
			size_t ge = g + 1;
			double total = 0, dmass = 0, pmass = 0, gamma;
			const uint32_t *first = rs->r + g * st;
			while (ge < rs->n && (n == 1 || cmp_keys(rs->r + ge * st, first, n - 1) == 0))
				ge++;
			for (size_t i = g; i < ge; i++) {
				const uint32_t *r = rs->r + i * st;
				total += r[n];
				dmass += disc(d, r[n]);
				if (n > 1 && prune > 1 && r[n + 1] < prune)
					pmass += (r[n] - disc(d, r[n]));
			}
			gamma = dmass / total;
			for (size_t i = g; i < ge; i++) {
				const uint32_t *r = rs->r + i * st;
				double lower;
				if (n == 1) {
					lower = 1.0 / (double)(V - 1);   /* every word but <s> */
				} else {
					size_t j = find_rec(&R[n - 2], r + 1);
					lower = j == SIZE_MAX ? 0 : prob[n - 2][j];
				}
				prob[n - 1][i] = (r[n] - disc(d, r[n])) / total + gamma * lower;
			}
			/* gamma is the backoff weight of the context */
			if (n == 1) {
				gam[0][rs->n] = gamma;   /* kept aside for <unk> */
			} else {
				const struct recs *lo = &R[n - 2];
				while (ctx_i < lo->n && cmp_keys(lo->r + ctx_i * (size_t)lo->stride, first, n - 1) < 0)
					ctx_i++;
				if (ctx_i < lo->n && cmp_keys(lo->r + ctx_i * (size_t)lo->stride, first, n - 1) == 0)
					gam[n - 2][ctx_i] = gamma + pmass / total;
			}
			g = ge;
		}
		progress(t, "estimating", (double)n / N);
	}

	/* lists for the builder */
	words = ds_lm_words_list(t->v);
	if (!words)
		goto nomem;
	L.order = N;
	L.vocab = V;
	L.words = words;
	L.g[0].n = V;
	L.g[0].prob = malloc(V * sizeof(float));
	L.g[0].backoff = malloc(V * sizeof(float));
	if (!L.g[0].prob || !L.g[0].backoff)
		goto nomem;
	for (uint32_t i = 0; i < V; i++) {
		L.g[0].prob[i] = (float)log10(gam[0][R[0].n] / (double)(V - 1));   /* unseen: uniform share */
		L.g[0].backoff[i] = 0;
	}
	L.g[0].prob[DS_LM_BOS] = 0;   /* never predicted (lmplz writes 0 too) */
	for (size_t i = 0; i < R[0].n; i++) {
		const uint32_t *r = R[0].r + i * (size_t)R[0].stride;
		L.g[0].prob[r[0]] = (float)log10(prob[0][i]);
		L.g[0].backoff[r[0]] = gam[0][i] > 0 ? (float)log10(gam[0][i]) : 0.0f;
	}
	/* <s> is a context but never a suffix: find its backoff among the bigrams' contexts */
	if (N > 1) {
		const struct recs *b = &R[1];
		double total = 0, dmass = 0, pmass = 0;
		for (size_t i = 0; i < b->n; i++) {
			const uint32_t *r = b->r + i * (size_t)b->stride;
			if (r[0] != DS_LM_BOS)
				continue;
			total += r[2];
			dmass += disc(inf.discount[1], r[2]);
			if (prune > 1 && r[3] < prune)
				pmass += r[2] - disc(inf.discount[1], r[2]);
		}
		if (total > 0)
			L.g[0].backoff[DS_LM_BOS] = (float)log10((dmass + pmass) / total);
	}
	inf.count[0] = V;
	for (int n = 2; n <= N; n++) {
		const struct recs *rs = &R[n - 1];
		struct ds_lm_grams *g = &L.g[n - 1];
		size_t k = 0;
		g->ids = malloc((rs->n + 1) * (size_t)n * sizeof *g->ids);
		g->prob = malloc((rs->n + 1) * sizeof *g->prob);
		g->backoff = n < N ? malloc((rs->n + 1) * sizeof *g->backoff) : NULL;
		if (!g->ids || !g->prob || (n < N && !g->backoff))
			goto nomem;
		for (size_t i = 0; i < rs->n; i++) {
			const uint32_t *r = rs->r + i * (size_t)rs->stride;
			if (prune > 1 && r[n + 1] < prune)
				continue;
			memcpy(g->ids + k * (size_t)n, r, (size_t)n * 4);
			g->prob[k] = (float)log10(prob[n - 1][i]);
			if (g->backoff)
				g->backoff[k] = gam[n - 1][i] > 0 ? (float)log10(gam[n - 1][i]) : 0.0f;
			k++;
		}
		g->n = k;
		inf.count[n - 1] = k;
	}
	for (int n = 1; n <= N; n++) {
		free(R[n - 1].r);
		R[n - 1].r = NULL;
		free(prob[n - 1]);
		free(gam[n - 1]);
		prob[n - 1] = gam[n - 1] = NULL;
	}
	progress(t, "building", 0);
	lm = ds_lm_build(&L, "training text", err);
	progress(t, "building", 1);
	inf.seconds = ds_now() - t->t0;
	if (info)
		*info = inf;
	goto done;
nomem:
	ds_err_set(err, DS_ENOMEM, "out of memory training the language model");
	lm = NULL;
done:
	for (int n = 1; n <= N; n++) {
		free(R[n - 1].r);
		free(prob[n - 1]);
		free(gam[n - 1]);
		free(L.g[n - 1].ids);
		free(L.g[n - 1].prob);
		free(L.g[n - 1].backoff);
	}
	return lm;
}
