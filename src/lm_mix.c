/*
 * lm_mix.c - mixtures of language models interpolated per word (see lm.h),
 * their file and the EM fit of their weights.
 *
 * Mixture file payload (kind DS_LM_MIX_KIND, version 1, 8-byte aligned):
 *
 *   struct mix_head             components, weights, file names and identities
 *   uint32_t map_c[vocab]       for each component c >= 1: mixture id -> its id
 *   uint32_t inv_c[cvocab_c]    for each component c >= 1: its id -> mixture id
 *   uint8_t  nonword[vocab]     1 for tokens words-only components skip
 *
 * Component 0's ids are the mixture's first ids (its map is the identity).
 */
#include "lm_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binfmt.h"

#define NAME_MAX_LEN 128
/* How a mixture is made again: 'make models' makes the shipped one. */
#define MIX_REBUILD "'despin lm mix'; " DS_LM_REBUILD

struct mix_head {
	uint32_t n, vocab;
	uint32_t cvocab[DS_LM_MIX_MAX];
	uint32_t words_only[DS_LM_MIX_MAX];
	uint32_t ccrc[DS_LM_MIX_MAX];
	uint32_t pad;
	uint64_t clen[DS_LM_MIX_MAX];
	double w[DS_LM_MIX_BUCKETS][DS_LM_MIX_MAX];
	double word_share;
	double lunk[DS_LM_MIX_MAX];
	char name[DS_LM_MIX_MAX][NAME_MAX_LEN];
	uint64_t map_off[DS_LM_MIX_MAX], inv_off[DS_LM_MIX_MAX], nonword_off;
	uint64_t reserved[4];
};

struct lm_mix {
	int n;
	struct ds_lm *comp[DS_LM_MIX_MAX];
	/* weights by the lengths of components 0 and 1's contexts (see lm.h) */
	double w[DS_LM_MIX_BUCKETS][DS_LM_MIX_MAX];
	int words_only[DS_LM_MIX_MAX];
	double word_share;      /* share of words among the tokens */
	float log_share;        /* log10 word_share */
	/* A component's <unk> probability covers all the words it does not
	 * know: a mixture word it does not know gets that probability times
	 * the word's unigram probability r (in the first component that knows
	 * it) over the sum of r over the words it does not know; lunk[c] is
	 * log10 of that sum. */
	float lunk[DS_LM_MIX_MAX];
	uint32_t v0;            /* component 0's vocabulary: mixture ids below it are its own */
	const uint32_t *map[DS_LM_MIX_MAX];   /* mixture id -> component id (map[0] unused) */
	const uint32_t *inv[DS_LM_MIX_MAX];   /* component id -> mixture id (inv[0] unused) */
	const uint8_t *nonword;
	void *own[2 * DS_LM_MIX_MAX + 1];     /* arrays built in memory */
	struct ds_map file;
};

static const double DEFAULT_WORD_SHARE = 0.85;
/* Words a weight bucket needs in the fitting text to be fitted on its own. */
#define MIN_BUCKET 100
#define MIN_WEIGHT 0.01

/* ---- words --------------------------------------------------------------- */

/* A token a words-only model does not know: punctuation and number classes. */
static int is_nonword(const char *s)
{
	size_t l = strlen(s);
	if (l >= 3 && s[0] == '<' && s[l - 1] == '>')
		return strcmp(s, "<s>") != 0 && strcmp(s, "</s>") != 0 && strcmp(s, "<unk>") != 0;
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    (unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* A model without the commonest punctuation tokens models words only. */
static int models_words_only(const struct ds_lm *lm)
{
	return ds_lm_vocab(lm, ",", 1) == DS_LM_UNK && ds_lm_vocab(lm, ".", 1) == DS_LM_UNK;
}

ds_lm_id ds_lm_mix_vocab(const struct ds_lm *lm, const char *w, size_t len)
{
	const struct lm_mix *mx = lm->mix;
	ds_lm_id id = ds_lm_vocab(mx->comp[0], w, len);
	if (id != DS_LM_UNK)
		return id;
	for (int c = 1; c < mx->n; c++) {
		id = ds_lm_vocab(mx->comp[c], w, len);
		if (id != DS_LM_UNK)
			return mx->inv[c][id];
	}
	return DS_LM_UNK;
}

const char *ds_lm_mix_word(const struct ds_lm *lm, ds_lm_id id)
{
	const struct lm_mix *mx = lm->mix;
	if (id >= lm->vocab)
		return NULL;
	if (id < mx->v0)
		return ds_lm_word(mx->comp[0], id);
	for (int c = 1; c < mx->n; c++)
		if (mx->map[c][id] != DS_LM_UNK)
			return ds_lm_word(mx->comp[c], mx->map[c][id]);
	return NULL;
}

/* ---- queries -------------------------------------------------------------- */

void ds_lm_mix_ids(const struct ds_lm *lm, int c, const ds_lm_id *w, size_t n, ds_lm_id *out)
{
	const struct lm_mix *mx = lm->mix;
	for (size_t i = 0; i < n; i++) {
		ds_lm_id id = w[i] < lm->vocab ? w[i] : DS_LM_UNK;
		out[i] = c == 0 ? (id < mx->v0 ? id : DS_LM_UNK) : mx->map[c][id];
	}
}

/* log10 r(id): the unigram probability of a mixture word in the first
 * component that knows it. */
static float ref_unigram(const struct lm_mix *mx, ds_lm_id id)
{
	if (id < mx->v0)
		return mx->comp[0]->uni[id].prob;
	for (int c = 1; c < mx->n; c++)
		if (mx->map[c][id] != DS_LM_UNK)
			return mx->comp[c]->uni[mx->map[c][id]].prob;
	return -100.0f;
}

static void head_get(const struct ds_lm_state *s, struct ds_lm_ctx *c)
{
	c->len = s->len;
	memcpy(c->words, s->words, sizeof c->words);
	memcpy(c->backoff, s->backoff, sizeof c->backoff);
}

static void head_put(struct ds_lm_state *s, const struct ds_lm_ctx *c)
{
	s->len = c->len;
	memcpy(s->words, c->words, sizeof c->words);
	memcpy(s->backoff, c->backoff, sizeof c->backoff);
}

void ds_lm_mix_ctx(const struct ds_lm *lm, int c, const struct ds_lm_state *s,
		   struct ds_lm_ctx *ctx)
{
	(void)lm;
	if (c == 0)
		head_get(s, ctx);
	else
		*ctx = s->part[c - 1];
}

void ds_lm_mix_begin(const struct ds_lm *lm, struct ds_lm_state *st)
{
	const struct lm_mix *mx = lm->mix;
	struct ds_lm_ctx c;
	memset(st, 0, sizeof *st);
	ds_lm_begin1(mx->comp[0], &c);
	head_put(st, &c);
	for (int i = 1; i < mx->n; i++)
		ds_lm_begin1(mx->comp[i], &st->part[i - 1]);
}

/* Each component's log10 probability of w (pc) and the state after it. */
static int mix_parts(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
		     struct ds_lm_state *out, float *pc, int *ngram_len,
		     const struct lm_ent *const *const *found)
{
	const struct lm_mix *mx = lm->mix;
	struct ds_lm_state o;
	struct ds_lm_ctx c;
	int nl, best, bucket;

	memset(&o, 0, sizeof o);
	if (w >= lm->vocab)
		w = DS_LM_UNK;
	/* the weights depend on the context only (not on w): the mixture stays
	 * a distribution */
	bucket = (int)in->len * DS_LM_MAX_ORDER + (mx->n > 1 ? (int)in->part[0].len : 0);
	head_get(in, &c);
	pc[0] = ds_lm_score1_found(mx->comp[0], &c, w < mx->v0 ? w : DS_LM_UNK, &c, &best,
				   found ? found[0] : NULL);
	if (w >= mx->v0)
		pc[0] += ref_unigram(mx, w) - mx->lunk[0];
	head_put(&o, &c);
	for (int i = 1; i < mx->n; i++) {
		if (mx->words_only[i] && mx->nonword[w]) {
			o.part[i - 1] = in->part[i - 1];
			pc[i] = pc[0];
			continue;
		}
		pc[i] = ds_lm_score1_found(mx->comp[i], &in->part[i - 1], mx->map[i][w],
					   &o.part[i - 1], &nl, found ? found[i] : NULL);
		if (mx->map[i][w] == DS_LM_UNK && w != DS_LM_UNK)
			pc[i] += ref_unigram(mx, w) - mx->lunk[i];
		if (mx->words_only[i])
			pc[i] += mx->log_share;
		if (nl > best)
			best = nl;
	}
	memcpy(out, &o, sizeof o);
	if (ngram_len)
		*ngram_len = best;
	return bucket;
}

float ds_lm_mix_score(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
		      struct ds_lm_state *out, int *ngram_len)
{
	return ds_lm_mix_score_found(lm, in, w, out, ngram_len, NULL);
}

float ds_lm_mix_score_found(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
			    struct ds_lm_state *out, int *ngram_len,
			    const struct lm_ent *const *const *found)
{
	const struct lm_mix *mx = lm->mix;
	float pc[DS_LM_MIX_MAX];
	double sum = 0;
	int b = mix_parts(lm, in, w, out, pc, ngram_len, found), top = 0;
	/* log10 of the sum of w_i 10^pc_i, counted from the likeliest
	 * component's term: one exp fewer per word */
	for (int i = 1; i < mx->n; i++)
		if (pc[i] > pc[top])
			top = i;
	for (int i = 0; i < mx->n; i++)
		sum += mx->w[b][i] * (i == top ? 1.0 : (double)expf((pc[i] - pc[top]) * (float)M_LN10));
	return sum > 0 ? pc[top] + logf((float)sum) * (float)(1 / M_LN10) : -100.0f;
}

void ds_lm_mix_stats(const struct ds_lm *lm, struct ds_lm_stats *st)
{
	const struct lm_mix *mx = lm->mix;
	struct ds_lm_stats cs;
	ds_lm_get_stats(mx->comp[0], st);
	st->order = lm->order;
	st->vocab = lm->vocab;
	st->parts = mx->n;
	st->mapped = mx->file.data != NULL;
	st->bytes = mx->file.data ? mx->file.len : 0;
	for (int i = 0; i < mx->n; i++) {
		ds_lm_get_stats(mx->comp[i], &cs);
		st->bytes += cs.bytes;
	}
}

int ds_lm_mix_weights(const struct ds_lm *lm, double *w)
{
	if (!lm->mix) {
		if (w)
			for (int b = 0; b < DS_LM_MIX_BUCKETS; b++)
				w[b * DS_LM_MIX_MAX] = 1;
		return 1;
	}
	if (w)
		for (int b = 0; b < DS_LM_MIX_BUCKETS; b++)
			for (int i = 0; i < DS_LM_MIX_MAX; i++)
				w[b * DS_LM_MIX_MAX + i] = i < lm->mix->n ? lm->mix->w[b][i] : 0;
	return lm->mix->n;
}

int ds_lm_mix_set_weights(struct ds_lm *lm, const double *w)
{
	struct lm_mix *mx = lm->mix;
	if (!mx)
		return DS_EINVAL;
	for (int b = 0; b < DS_LM_MIX_BUCKETS; b++) {
		double sum = 0;
		for (int i = 0; i < mx->n; i++) {
			if (!(w[b * DS_LM_MIX_MAX + i] >= 0))
				return DS_EINVAL;
			sum += w[b * DS_LM_MIX_MAX + i];
		}
		if (!(sum > 0))
			return DS_EINVAL;
		for (int i = 0; i < mx->n; i++)
			mx->w[b][i] = w[b * DS_LM_MIX_MAX + i] / sum;
	}
	return 0;
}

const struct ds_lm *ds_lm_mix_part(const struct ds_lm *lm, int i)
{
	if (!lm->mix)
		return i == 0 ? lm : NULL;
	return i >= 0 && i < lm->mix->n ? lm->mix->comp[i] : NULL;
}

/* ---- building the maps ------------------------------------------------------ */

static void free_own(struct lm_mix *mx)
{
	for (size_t i = 0; i < sizeof mx->own / sizeof mx->own[0]; i++) {
		free(mx->own[i]);
		mx->own[i] = NULL;
	}
}

void ds_lm_mix_free_parts(struct lm_mix *mx)
{
	for (int i = 0; i < mx->n; i++)
		ds_lm_free(mx->comp[i]);
	free_own(mx);
	if (mx->file.data)
		ds_map_close(&mx->file);
	free(mx);
}

static void set_lunk(struct ds_lm *lm)
{
	struct lm_mix *mx = lm->mix;
	for (int c = 0; c < mx->n; c++) {
		double sum = 0;
		for (ds_lm_id id = DS_LM_EOS + 1; id < lm->vocab; id++) {
			int known = c == 0 ? id < mx->v0 : mx->map[c][id] != DS_LM_UNK;
			if (!known && !(mx->words_only[c] && mx->nonword[id]))
				sum += pow(10.0, (double)ref_unigram(mx, id));
		}
		mx->lunk[c] = sum > 0 ? (float)log10(sum) : 0.0f;
	}
}

/* (Re)builds the maps of components 1..n-1 and the nonword flags in memory:
 * mixture ids are component 0's, then each later component's new words. */
static int build_maps(struct ds_lm *lm)
{
	struct lm_mix *mx = lm->mix;
	const int n = mx->n;
	void *own[2 * DS_LM_MIX_MAX + 1] = {0};
	uint32_t *inv[DS_LM_MIX_MAX] = {0}, *map[DS_LM_MIX_MAX] = {0};
	uint32_t cv[DS_LM_MIX_MAX] = {0};   /* the components' vocabularies */
	uint8_t *nonword;
	uint32_t V = mx->v0;

	for (int c = 1; c < n; c++) {
		cv[c] = ds_lm_vocab_size(mx->comp[c]);
		inv[c] = malloc((size_t)cv[c] * sizeof *inv[c]);
		own[2 * c] = inv[c];
		if (!inv[c])
			goto nomem;
		for (uint32_t k = 0; k < cv[c]; k++) {
			const char *s = ds_lm_word(mx->comp[c], k);
			size_t l = s ? strlen(s) : 0;
			ds_lm_id id = DS_LM_UNK;
			if (k <= DS_LM_EOS) {
				inv[c][k] = k;
				continue;
			}
			id = ds_lm_vocab(mx->comp[0], s, l);
			for (int e = 1; e < c && id == DS_LM_UNK; e++) {
				ds_lm_id j = ds_lm_vocab(mx->comp[e], s, l);
				if (j != DS_LM_UNK)
					id = inv[e][j];
			}
			inv[c][k] = id != DS_LM_UNK ? id : V++;
		}
	}
	for (int c = 1; c < n; c++) {
		map[c] = malloc((size_t)V * sizeof *map[c]);
		own[2 * c + 1] = map[c];
		if (!map[c])
			goto nomem;
		for (uint32_t i = 0; i < V; i++)
			map[c][i] = DS_LM_UNK;
		for (uint32_t k = 0; k < cv[c]; k++)
			if (k == DS_LM_UNK || inv[c][k] != DS_LM_UNK)
				map[c][inv[c][k]] = k;
		map[c][DS_LM_UNK] = DS_LM_UNK;
	}
	nonword = malloc(V ? V : 1);
	own[2 * DS_LM_MIX_MAX] = nonword;
	if (!nonword)
		goto nomem;
	lm->vocab = V;
	free_own(mx);
	memcpy(mx->own, own, sizeof own);
	for (int c = 1; c < n; c++) {
		mx->inv[c] = inv[c];
		mx->map[c] = map[c];
	}
	mx->nonword = nonword;
	for (uint32_t i = 0; i < V; i++) {
		const char *s = ds_lm_mix_word(lm, i);
		nonword[i] = (uint8_t)(s && is_nonword(s));
	}
	set_lunk(lm);
	return 0;
nomem:
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		free(own[i]);
	return DS_ENOMEM;
}

static struct ds_lm *mix_shell(struct ds_lm **comp, int n, const double *w)
{
	struct ds_lm *lm = calloc(1, sizeof *lm);
	struct lm_mix *mx = calloc(1, sizeof *mx);
	if (!lm || !mx) {
		free(lm);
		free(mx);
		return NULL;
	}
	lm->mix = mx;
	mx->n = n;
	mx->word_share = DEFAULT_WORD_SHARE;
	mx->log_share = (float)log10(mx->word_share);
	mx->v0 = ds_lm_vocab_size(comp[0]);
	for (int i = 0; i < n; i++) {
		mx->comp[i] = comp[i];
		for (int b = 0; b < DS_LM_MIX_BUCKETS; b++)
			mx->w[b][i] = w ? w[b * DS_LM_MIX_MAX + i] : 1.0 / n;
		mx->words_only[i] = i > 0 && models_words_only(comp[i]);
		if (ds_lm_order(comp[i]) > lm->order)
			lm->order = ds_lm_order(comp[i]);
	}
	return lm;
}

struct ds_lm *ds_lm_mix_new(struct ds_lm **comp, int n, const double *w, struct ds_err *err)
{
	struct ds_lm *lm;
	if (n < 2 || n > DS_LM_MIX_MAX) {
		for (int i = 0; i < n; i++)
			ds_lm_free(comp[i]);
		ds_err_set(err, DS_EINVAL, "a mixture takes 2 to %d models, not %d", DS_LM_MIX_MAX, n);
		return NULL;
	}
	for (int i = 0; i < n; i++)
		if (!comp[i] || comp[i]->mix) {
			for (int j = 0; j < n; j++)
				ds_lm_free(comp[j]);
			ds_err_set(err, DS_EINVAL, "a mixture's components must be single models");
			return NULL;
		}
	lm = mix_shell(comp, n, w);
	if (!lm || build_maps(lm)) {
		if (lm)
			ds_lm_free(lm);
		else
			for (int i = 0; i < n; i++)
				ds_lm_free(comp[i]);
		ds_err_set(err, DS_ENOMEM, "out of memory building a mixture of models");
		return NULL;
	}
	if (w && ds_lm_mix_set_weights(lm, w)) {
		ds_lm_free(lm);
		ds_err_set(err, DS_EINVAL, "invalid mixture weights");
		return NULL;
	}
	return lm;
}

int ds_lm_mix_add(struct ds_lm *lm, struct ds_lm *comp, const double *w, struct ds_err *err)
{
	struct lm_mix *mx = lm->mix;
	double nw[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
	int n;
	if (!mx || mx->n >= DS_LM_MIX_MAX || !comp || comp->mix) {
		ds_lm_free(comp);
		return ds_err_set(err, DS_EINVAL, "cannot add a component to this model");
	}
	n = mx->n;
	for (int b = 0; b < DS_LM_MIX_BUCKETS; b++) {
		for (int i = 0; i < DS_LM_MIX_MAX; i++)
			nw[b * DS_LM_MIX_MAX + i] = w ? w[b * DS_LM_MIX_MAX + i]
					      : i < n ? mx->w[b][i] * n / (n + 1.0) : i == n ? 1.0 / (n + 1) : 0;
	}
	mx->comp[n] = comp;
	mx->words_only[n] = models_words_only(comp);
	mx->n = n + 1;
	if (ds_lm_order(comp) > lm->order)
		lm->order = ds_lm_order(comp);
	if (build_maps(lm)) {
		mx->n = n;
		mx->comp[n] = NULL;
		ds_lm_free(comp);
		return ds_err_set(err, DS_ENOMEM, "out of memory adding a model to a mixture");
	}
	if (ds_lm_mix_set_weights(lm, nw))
		return ds_err_set(err, DS_EINVAL, "invalid mixture weights");
	return 0;
}

/* ---- fitting the weights ---------------------------------------------------- */

/* No component falls below MIN_WEIGHT: text of another domain than the
 * fitting text may need what the fit found useless. */
static void floor_weights(double *w, int k)
{
	double sum = 0;
	for (int c = 0; c < k; c++) {
		if (w[c] < MIN_WEIGHT)
			w[c] = MIN_WEIGHT;
		sum += w[c];
	}
	for (int c = 0; c < k; c++)
		w[c] /= sum;
}

size_t ds_lm_mix_fit(struct ds_lm *lm, const ds_lm_id *ids, size_t n, int iterations,
		     double *log10_total)
{
	struct lm_mix *mx = lm->mix;
	struct ds_lm_state st;
	float *pc;
	unsigned char *bk;
	size_t used = 0, words = 0, tokens = 0;
	double total = 0;
	int k;

	if (!mx)
		return 0;
	k = mx->n;
	/* the share of words among the tokens (words-only components' scale) */
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == DS_LM_BOS || ids[i] >= lm->vocab)
			continue;
		tokens++;
		words += !mx->nonword[ids[i]];
	}
	if (tokens && words) {
		mx->word_share = (double)words / (double)tokens;
		mx->log_share = (float)log10(mx->word_share);
	}
	pc = malloc((n ? n : 1) * (size_t)k * sizeof *pc);
	bk = malloc(n ? n : 1);
	if (!pc || !bk) {
		free(pc);
		free(bk);
		return 0;
	}
	ds_lm_null(&st);
	for (size_t i = 0; i < n; i++) {
		float p[DS_LM_MIX_MAX];
		int b;
		if (ids[i] == DS_LM_BOS) {
			ds_lm_begin(lm, &st);
			continue;
		}
		b = mix_parts(lm, &st, ids[i], &st, p, NULL, NULL);
		if (ids[i] == DS_LM_UNK)
			continue;
		for (int c = 0; c < k; c++)
			pc[used * (size_t)k + (size_t)c] = p[c];
		bk[used] = (unsigned char)b;
		used++;
	}
	for (int it = 0; it < iterations && used; it++) {
		double acc[DS_LM_MIX_BUCKETS][DS_LM_MIX_MAX] = {{0}}, cnt[DS_LM_MIX_BUCKETS] = {0};
		double racc[DS_LM_MAX_ORDER][DS_LM_MIX_MAX] = {{0}}, rcnt[DS_LM_MAX_ORDER] = {0};
		for (size_t t = 0; t < used; t++) {
			double q[DS_LM_MIX_MAX], sum = 0;
			const double *wb = mx->w[bk[t]];
			int r = bk[t] / DS_LM_MAX_ORDER;
			for (int c = 0; c < k; c++) {
				q[c] = wb[c] * exp((double)pc[t * (size_t)k + (size_t)c] * M_LN10);
				sum += q[c];
			}
			if (!(sum > 0))
				continue;
			cnt[bk[t]]++;
			rcnt[r]++;
			for (int c = 0; c < k; c++) {
				acc[bk[t]][c] += q[c] / sum;
				racc[r][c] += q[c] / sum;
			}
		}
		/* a bucket with few words takes its row's weights (the same length
		 * of component 0's match), a row with few words keeps its own */
		for (int bb = 0; bb < DS_LM_MIX_BUCKETS; bb++) {
			int r = bb / DS_LM_MAX_ORDER;
			for (int c = 0; c < k; c++) {
				if (cnt[bb] >= MIN_BUCKET)
					mx->w[bb][c] = acc[bb][c] / cnt[bb];
				else if (rcnt[r] >= MIN_BUCKET)
					mx->w[bb][c] = racc[r][c] / rcnt[r];
			}
			floor_weights(mx->w[bb], k);
		}
	}
	/* the total under the final weights */
	total = 0;
	for (size_t t = 0; t < used; t++) {
		double sum = 0;
		for (int c = 0; c < k; c++)
			sum += mx->w[bk[t]][c] * exp((double)pc[t * (size_t)k + (size_t)c] * M_LN10);
		total += sum > 0 ? log10(sum) : -100;
	}
	free(pc);
	free(bk);
	if (log10_total)
		*log10_total = total;
	return used;
}

/* ---- the mixture file -------------------------------------------------------- */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A mixture records its components' file names, not their paths, and the
 * loader looks for them in the mixture's own folder: a folder of models
 * (the shipped models/) then moves or installs as a whole, and a path
 * recorded as given (relative to the working folder of 'lm mix', or
 * absolute) would break when it does.  So a component must already be
 * found there under its name: the same file, or a link to it. */
int ds_lm_mix_can_name(const char *path, const char *comp, struct ds_err *err)
{
	const char *name = base_name(comp), *slash = strrchr(path, '/');
	char beside[4096 + NAME_MAX_LEN];
	struct stat cs, ps, bs;
	if (strlen(name) >= NAME_MAX_LEN)
		return ds_err_set(err, DS_EINVAL,
				  "%s: a mixture's component needs a file name shorter than %d bytes",
				  comp, NAME_MAX_LEN);
	if (stat(comp, &cs) != 0)
		return ds_err_set(err, DS_EIO, "cannot open %s: %s", comp, strerror(errno));
	if (stat(path, &ps) == 0 && same_file(&ps, &cs))
		return ds_err_set(err, DS_EINVAL,
				  "%s: the mixture cannot be written over one of its own components", path);
	snprintf(beside, sizeof beside, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path, name);
	if (stat(beside, &bs) != 0 || !same_file(&bs, &cs))
		return ds_err_set(err, DS_EINVAL,
				  "%s: not in the folder of %s: a mixture finds its components there by "
				  "name (write the mixture beside them, or link them into its folder)",
				  comp, path);
	return 0;
}

/* The payload length and checksum recorded in a mapped component's header. */
static int comp_identity(const struct ds_lm *c, uint64_t *len, uint32_t *crc)
{
	if (!c->map.data || c->map.len < DS_BIN_HEADER_SIZE)
		return -1;
	memcpy(len, (const unsigned char *)c->map.data + 32, 8);
	memcpy(crc, (const unsigned char *)c->map.data + 40, 4);
	return 0;
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

int ds_lm_mix_write(const struct ds_lm *lm, const char *path, struct ds_err *err)
{
	const struct lm_mix *mx = lm->mix;
	struct mix_head h;
	unsigned char *p;
	size_t off, total;
	int rc;

	memset(&h, 0, sizeof h);
	h.n = (uint32_t)mx->n;
	h.vocab = lm->vocab;
	h.word_share = mx->word_share;
	off = align8(sizeof h);
	for (int c = 0; c < mx->n; c++) {
		const struct ds_lm *cm = mx->comp[c];
		if (!cm->path || comp_identity(cm, &h.clen[c], &h.ccrc[c]))
			return ds_err_set(err, DS_EINVAL,
					  "%s: component %d of the mixture is not a despin binary model file",
					  path, c + 1);
		if ((rc = ds_lm_mix_can_name(path, cm->path, err)) != 0)
			return rc;
		snprintf(h.name[c], NAME_MAX_LEN, "%s", base_name(cm->path));
		h.cvocab[c] = ds_lm_vocab_size(cm);
		h.words_only[c] = (uint32_t)mx->words_only[c];
		h.lunk[c] = mx->lunk[c];
		for (int b = 0; b < DS_LM_MIX_BUCKETS; b++)
			h.w[b][c] = mx->w[b][c];
		if (c == 0)
			continue;
		h.map_off[c] = off;
		off = align8(off + (size_t)lm->vocab * 4);
		h.inv_off[c] = off;
		off = align8(off + (size_t)h.cvocab[c] * 4);
	}
	h.nonword_off = off;
	off = align8(off + lm->vocab);
	total = off;
	p = calloc(1, total);
	if (!p)
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", path);
	memcpy(p, &h, sizeof h);
	for (int c = 1; c < mx->n; c++) {
		memcpy(p + h.map_off[c], mx->map[c], (size_t)lm->vocab * 4);
		memcpy(p + h.inv_off[c], mx->inv[c], (size_t)h.cvocab[c] * 4);
	}
	memcpy(p + h.nonword_off, mx->nonword, lm->vocab);
	rc = ds_bin_write(path, DS_LM_MIX_KIND, DS_LM_MIX_VERSION, p, total, err);
	free(p);
	return rc;
}

const struct ds_map *ds_lm_mix_file(const struct ds_lm *lm)
{
	return &lm->mix->file;
}

struct ds_lm *ds_lm_mix_load_map(struct ds_map *m, const char *path, struct ds_err *err)
{
	const unsigned char *p;
	const struct mix_head *h;
	struct ds_lm *comp[DS_LM_MIX_MAX] = {0};
	struct ds_lm *lm = NULL;
	size_t len;
	const void *payload;
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int n;

	if (ds_bin_check(m->data, m->len, path, DS_LM_MIX_KIND, DS_LM_MIX_VERSION, MIX_REBUILD,
			 &payload, &len, err))
		goto fail;
	p = payload;
	h = payload;
	if (len < sizeof *h || h->n < 2 || h->n > DS_LM_MIX_MAX)
		goto bad;
	n = (int)h->n;
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 0, path);
	for (int c = 0; c < n; c++) {
		char cp[4096 + NAME_MAX_LEN];
		uint64_t clen;
		uint32_t crc;
		if (memchr(h->name[c], 0, NAME_MAX_LEN) == NULL || strchr(h->name[c], '/'))
			goto bad;
		snprintf(cp, sizeof cp, "%s%s", dir, h->name[c]);
		if (access(cp, R_OK) != 0) {
			/* the component, not the mixture, is missing: both named */
			ds_err_set(err, DS_EIO, "%s: cannot open its component %s: %s; build it (%s)",
				   path, cp, strerror(errno), DS_LM_REBUILD);
			goto fail;
		}
		comp[c] = ds_lm_load(cp, err);
		if (!comp[c])
			goto fail;
		if (comp[c]->mix || comp_identity(comp[c], &clen, &crc) || clen != h->clen[c] ||
		    crc != h->ccrc[c] || ds_lm_vocab_size(comp[c]) != h->cvocab[c]) {
			ds_err_set(err, DS_ECORRUPT, "%s: %s changed since the mixture was built; rebuild it (%s)",
				   path, cp, MIX_REBUILD);
			goto fail;
		}
	}
	if (h->vocab < h->cvocab[0])
		goto bad;
#define INSIDE(off, bytes) ((off) % 4 == 0 && (off) <= len && (bytes) <= len - (off))
	for (int c = 1; c < n; c++)
		if (!INSIDE(h->map_off[c], (uint64_t)h->vocab * 4) ||
		    !INSIDE(h->inv_off[c], (uint64_t)h->cvocab[c] * 4))
			goto bad;
	if (!INSIDE(h->nonword_off, (uint64_t)h->vocab))
		goto bad;
#undef INSIDE
	lm = mix_shell(comp, n, &h->w[0][0]);
	if (!lm) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	memset(comp, 0, sizeof comp);
	lm->vocab = h->vocab;
	lm->path = strdup(path);
	for (int c = 1; c < n; c++) {
		lm->mix->map[c] = (const uint32_t *)(p + h->map_off[c]);
		lm->mix->inv[c] = (const uint32_t *)(p + h->inv_off[c]);
		lm->mix->words_only[c] = (int)h->words_only[c];
	}
	for (int c = 0; c < n; c++)
		lm->mix->lunk[c] = (float)h->lunk[c];
	lm->mix->nonword = p + h->nonword_off;
	if (h->word_share > 0 && h->word_share <= 1) {
		lm->mix->word_share = h->word_share;
		lm->mix->log_share = (float)log10(h->word_share);
	}
	lm->mix->file = *m;
	return lm;
bad:
	ds_err_set(err, DS_ECORRUPT, "%s: inconsistent mixture file; rebuild it (%s)", path,
		   MIX_REBUILD);
fail:
	for (int c = 0; c < DS_LM_MIX_MAX; c++)
		ds_lm_free(comp[c]);
	ds_map_close(m);
	return NULL;
}
