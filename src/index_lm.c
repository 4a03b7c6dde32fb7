/*
 * index_lm.c - the in-domain language model of a source index (see
 * index_lm.h).
 *
 * Blobs in the store:
 *   lm.model   the model's binary file image (lm.h, kind "LM")
 *   lm.meta    struct lm_meta: what it was trained for and the weights
 */
#include "index_lm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lm_train.h"
#include "store.h"
#include "text.h"

#define BLOB_MODEL "lm.model"
#define BLOB_META "lm.meta"
static const char META_MAGIC[8] = {'D', 'S', 'I', 'X', 'L', 'M', '1', 0};

struct lm_meta {
	char magic[8];
	uint32_t parts;        /* components of the mixture with the in-domain model */
	uint32_t base_vocab;   /* the base model's word ids */
	uint64_t sources;      /* sources in the index at training */
	uint64_t words;
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
};

struct train_ctx {
	struct ds_lm_trainer *t;
	const struct ds_index_lm_opts *o;
	struct ds_index_lm_info *info;
	struct ds_buf held;        /* held-out texts, NUL-separated */
	struct ds_err *err;
	int rc;
};

static int train_src(void *vctx, const struct ds_store_src *src)
{
	struct train_ctx *c = vctx;
	struct ds_err e2 = {0};
	struct ds_doc *d;
	if (src->id % c->o->holdout == 0) {
		if (ds_buf_append(&c->held, src->text, src->len) || ds_buf_putc(&c->held, 0))
			return c->rc = DS_ENOMEM;
		c->info->heldout++;
		return 0;
	}
	d = ds_doc_new(src->text, src->len, src->name, src->len + 1, &e2);
	if (!d)
		return e2.code == DS_ENOMEM ? (c->rc = DS_ENOMEM) : 0;
	c->rc = ds_lm_trainer_add_doc(c->t, d, c->err);
	ds_doc_free(d);
	if (!c->rc)
		c->info->sources++;
	return c->rc;
}

/* The base model again (loaded from its file: a mixture takes its
 * components over) with the in-domain model added. */
static struct ds_lm *mixture_with(const struct ds_lm *base, struct ds_lm *in, struct ds_err *err)
{
	struct ds_lm *b;
	if (!ds_lm_path(base)) {
		ds_lm_free(in);
		ds_err_set(err, DS_EINVAL, "the base language model was not loaded from a file");
		return NULL;
	}
	b = ds_lm_load(ds_lm_path(base), err);
	if (!b) {
		ds_lm_free(in);
		return NULL;
	}
	if (ds_lm_mix_weights(b, NULL) > 1) {
		if (ds_lm_mix_add(b, in, NULL, err)) {
			ds_lm_free(b);
			return NULL;
		}
		return b;
	}
	{
		struct ds_lm *comp[2] = {b, in};
		return ds_lm_mix_new(comp, 2, NULL, err);
	}
}

/* The model words of the held-out texts as mix's ids. */
static int held_seq(const struct ds_lm *mix, const struct ds_buf *held, struct ds_lm_seq *all,
		    uint64_t *words)
{
	struct ds_lm_seq one = {0};
	for (size_t at = 0; at < held->len;) {
		const char *t = held->data + at;
		size_t n = strlen(t);
		struct ds_err e2 = {0};
		struct ds_doc *d = ds_doc_new(t, n, "held-out", n + 1, &e2);
		at += n + 1;
		if (!d)
			continue;
		if (ds_lm_doc_seq(mix, d, &one) == 0) {
			if (ds_grow(&all->id, &all->cap, all->n + one.n, sizeof *all->id)) {
				ds_doc_free(d);
				ds_lm_seq_free(&one);
				return DS_ENOMEM;
			}
			memcpy(all->id + all->n, one.id, one.n * sizeof *one.id);
			all->n += one.n;
			for (size_t i = 0; i < one.n; i++)
				*words += one.id[i] != DS_LM_BOS;
		}
		ds_doc_free(d);
	}
	ds_lm_seq_free(&one);
	return 0;
}

static double ppl_without_oov(const struct ds_lm *lm, const ds_lm_id *ids, size_t n)
{
	struct ds_lm_state st;
	double total = 0;
	size_t used = 0;
	ds_lm_null(&st);
	for (size_t i = 0; i < n; i++) {
		float p;
		if (ids[i] == DS_LM_BOS) {
			ds_lm_begin(lm, &st);
			continue;
		}
		p = ds_lm_score(lm, &st, ids[i], &st, NULL);
		if (ids[i] != DS_LM_UNK) {
			total += p;
			used++;
		}
	}
	return used ? pow(10, -total / (double)used) : 0;
}

int ds_index_lm_train(struct ds_index *ix, const struct ds_lm *base,
		      const struct ds_index_lm_opts *opts, struct ds_index_lm_info *info,
		      struct ds_err *err)
{
	struct ds_store *st = ds_index_store(ix);
	struct ds_index_lm_opts o = opts ? *opts : (struct ds_index_lm_opts){0};
	struct ds_index_lm_info inf;
	struct ds_lm_train_opts to = {0};
	struct ds_lm_train_info ti;
	struct train_ctx c;
	struct ds_lm *in = NULL, *mix = NULL;
	struct ds_lm_seq seq = {0};
	struct lm_meta meta;
	void *image = NULL, *copy = NULL;
	size_t image_len = 0;
	uint64_t nsrc = 0;
	double t0 = ds_now();
	int rc;

	if (!o.order)
		o.order = 3;
	if (!o.prune)
		o.prune = 2;
	if (o.holdout < 2)
		o.holdout = 20;
	if (!o.min_sources)
		o.min_sources = DS_INDEX_LM_MIN_SOURCES;
	memset(&inf, 0, sizeof inf);
	memset(&c, 0, sizeof c);
	if ((rc = st->ops->count(st, UINT64_MAX, &nsrc, err)) != 0)
		return rc;
	if (nsrc < o.min_sources)
		return ds_err_set(err, DS_EINVAL,
				  "index %s holds %llu sources, an in-domain model needs at least %llu",
				  ds_index_uri(ix), (unsigned long long)nsrc,
				  (unsigned long long)o.min_sources);
	to.order = o.order;
	to.prune = o.prune;
	c.t = ds_lm_trainer_new(&to, err);
	if (!c.t)
		return err ? err->code : DS_ENOMEM;
	c.o = &o;
	c.info = &inf;
	c.err = err;
	rc = st->ops->each(st, DS_STORE_TEXT, train_src, &c, err);
	if (c.rc)
		rc = c.rc;
	if (rc) {
		if (rc == DS_ENOMEM)
			ds_err_set(err, rc, "out of memory training the in-domain model");
		goto out;
	}
	in = ds_lm_trainer_finish(c.t, &ti, err);
	if (!in) {
		rc = err ? err->code : DS_ENOMEM;
		goto out;
	}
	inf.words = ti.words;
	for (int n = 0; n < DS_LM_MAX_ORDER; n++)
		inf.count[n] = ti.count[n];
	if ((rc = ds_lm_image(in, &image, &image_len, err)) != 0)
		goto out;
	ds_lm_free(in);
	in = NULL;
	copy = malloc(image_len);
	if (!copy) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory training the in-domain model");
		goto out;
	}
	memcpy(copy, image, image_len);
	in = ds_lm_load_image(copy, image_len, "in-domain model", err);
	if (!in) {
		rc = err ? err->code : DS_ENOMEM;
		goto out;
	}
	mix = mixture_with(base, in, err);
	in = NULL;
	if (!mix) {
		rc = err ? err->code : DS_ENOMEM;
		goto out;
	}
	if ((rc = held_seq(mix, &c.held, &seq, &inf.heldout_words)) != 0) {
		ds_err_set(err, rc, "out of memory reading the held-out sources");
		goto out;
	}
	inf.ppl_base = ppl_without_oov(base, seq.id, seq.n);   /* ids of the base are the mixture's first */
	ds_lm_mix_fit(mix, seq.id, seq.n, 30, NULL);
	inf.ppl_mix = ppl_without_oov(mix, seq.id, seq.n);
	memset(&meta, 0, sizeof meta);
	memcpy(meta.magic, META_MAGIC, 8);
	meta.parts = (uint32_t)ds_lm_mix_weights(mix, meta.w);
	meta.base_vocab = ds_lm_vocab_size(base);
	meta.sources = nsrc;
	meta.words = inf.words;
	if ((rc = ds_index_begin(ix, err)) != 0)
		goto out;
	if ((rc = st->ops->blob_put(st, BLOB_MODEL, image, image_len, err)) != 0 ||
	    (rc = st->ops->blob_put(st, BLOB_META, &meta, sizeof meta, err)) != 0) {
		ds_index_rollback(ix, NULL);
		goto out;
	}
	rc = ds_index_commit(ix, err);
	inf.bytes = image_len;
out:
	inf.seconds = ds_now() - t0;
	if (info)
		*info = inf;
	ds_lm_trainer_free(c.t);
	ds_buf_free(&c.held);
	ds_lm_free(in);
	ds_lm_free(mix);
	free(seq.id);
	free(image);
	return rc;
}

static int get_meta(struct ds_store *st, struct lm_meta *meta, struct ds_err *err)
{
	void *data = NULL;
	size_t len = 0;
	int rc = st->ops->blob_get(st, BLOB_META, &data, &len, err);
	if (rc)
		return rc;
	if (len != sizeof *meta || memcmp(data, META_MAGIC, 8) != 0) {
		free(data);
		return ds_err_set(err, DS_EVERSION,
				  "the index's language model was stored by another version of despin; run 'despin index train'");
	}
	memcpy(meta, data, sizeof *meta);
	free(data);
	return 0;
}

int ds_index_lm_load(struct ds_index *ix, const struct ds_lm *base, struct ds_lm **lm, double *w,
		     struct ds_err *err)
{
	struct ds_store *st = ds_index_store(ix);
	struct lm_meta meta;
	void *data = NULL;
	size_t len = 0;
	int rc = get_meta(st, &meta, err);
	*lm = NULL;
	if (rc)
		return rc;
	if (meta.parts != (uint32_t)ds_lm_mix_weights(base, NULL) + 1 ||
	    meta.base_vocab != ds_lm_vocab_size(base))
		return ds_err_set(err, DS_EVERSION,
				  "the index's language model was trained with other models; run 'despin index train'");
	if ((rc = st->ops->blob_get(st, BLOB_MODEL, &data, &len, err)) != 0)
		return rc;
	*lm = ds_lm_load_image(data, len, "the index's language model", err);
	if (!*lm && err && err->code == DS_EVERSION)
		/* another format or tokeniser: the shipped models' remedy
		 * ('make models') is not this one's */
		return ds_err_set(err, DS_EVERSION,
				  "the index's language model was made by another version of despin; run 'despin index train'");
	if (!*lm)
		return err ? err->code : DS_ECORRUPT;
	memcpy(w, meta.w, sizeof meta.w);
	return 0;
}

int ds_index_lm_due(struct ds_index *ix, uint64_t min_sources, int *due, struct ds_err *err)
{
	struct ds_store *st = ds_index_store(ix);
	struct lm_meta meta;
	uint64_t n = 0, d;
	struct ds_err e2 = {0};
	int rc;
	*due = 0;
	if (!min_sources)
		min_sources = DS_INDEX_LM_MIN_SOURCES;
	if ((rc = st->ops->count(st, UINT64_MAX, &n, err)) != 0)
		return rc;
	if (n < min_sources)
		return 0;
	rc = get_meta(st, &meta, &e2);
	if (rc == DS_ENOTFOUND)
		return 0;   /* the first training is asked for: 'despin index train' */
	if (rc == DS_EVERSION) {
		*due = 1;
		return 0;
	}
	if (rc)
		return ds_err_set(err, rc, "%s", e2.msg);
	d = n > meta.sources ? n - meta.sources : meta.sources - n;
	*due = d >= 50 && d * 4 >= meta.sources;
	return 0;
}

int ds_index_lm_drop(struct ds_index *ix, struct ds_err *err)
{
	struct ds_store *st = ds_index_store(ix);
	int rc = st->ops->blob_put(st, BLOB_META, NULL, 0, err);
	return rc ? rc : st->ops->blob_put(st, BLOB_MODEL, NULL, 0, err);
}
