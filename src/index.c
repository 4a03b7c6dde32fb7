/* index.c - sources, fingerprints and queries over a store (see index.h). */
#include "index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fprint.h"
#include "stem.h"
#include "store.h"
#include "text.h"

/* A passage key shared by more sources than this carries no information
 * about any of them (a stock phrase): its sources get no vote. */
#define KEY_LIMIT 48

struct ds_index {
	struct ds_store *st;
	struct ds_stemmer *stemmer;
	int in_tx;           /* inside ds_index_begin ... commit/rollback */
	char *uri;
};

/* Fingerprint parameters recorded in (and required of) every index. */
static const char *fp_params(void)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "v%d imm%d stem%d passages%d %dx%d", DS_FP_VERSION,
		 DS_FP_K_IMM, DS_FP_K_STEM, DS_FP_PASSAGE_MIN, DS_FP_PASSAGE_BANDS,
		 DS_FP_PASSAGE_ROWS);
	return buf;
}

struct ds_index *ds_index_open(const char *uri, int flags, struct ds_err *err)
{
	return ds_index_open_wait(uri, flags, DS_INDEX_TIMEOUT_MS, err);
}

struct ds_index *ds_index_open_wait(const char *uri, int flags, int timeout_ms,
				    struct ds_err *err)
{
	struct ds_index *ix = calloc(1, sizeof *ix);
	int sflags = 0;
	if (ix && (ix->uri = strdup(uri)) != NULL)
		ds_store_shown_uri(ix->uri); /* the address messages show */
	if (!ix || !ix->uri || !(ix->stemmer = ds_stemmer_new())) {
		char shown[sizeof err->msg];
		ds_store_shown_uri_to(uri, shown, sizeof shown);
		ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", shown);
		goto fail;
	}
	if (flags & DS_INDEX_READONLY)
		sflags |= DS_STORE_READONLY;
	if (flags & DS_INDEX_CREATE)
		sflags |= DS_STORE_CREATE;
	if (strcmp(uri, ":memory:") == 0)
		sflags = DS_STORE_CREATE;
	if (ds_store_is_redis(uri))
		ix->st = ds_store_redis_open(uri, sflags, timeout_ms, fp_params(), err);
	else
		ix->st = ds_store_sqlite_open(uri, sflags, timeout_ms, fp_params(), err);
	if (!ix->st)
		goto fail;
	/* and after the open too: a Redis address's own ?timeout= holds only
	 * while connecting */
	ix->st->ops->set_timeout(ix->st, timeout_ms, NULL);
	return ix;
fail:
	ds_index_close(ix);
	return NULL;
}

int ds_index_discard(struct ds_index *ix)
{
	if (!ix || !ix->st || !ix->st->ops->discard)
		return 0;
	return ix->st->ops->discard(ix->st);
}

void ds_index_close(struct ds_index *ix)
{
	if (!ix)
		return;
	if (ix->st)
		ix->st->ops->close(ix->st);
	ds_stemmer_free(ix->stemmer);
	free(ix->uri);
	free(ix);
}

struct ds_store *ds_index_store(struct ds_index *ix)
{
	return ix->st;
}

const char *ds_index_uri(const struct ds_index *ix)
{
	return ix->uri;
}

int ds_index_set_timeout(struct ds_index *ix, int timeout_ms, struct ds_err *err)
{
	return ix->st->ops->set_timeout(ix->st, timeout_ms, err);
}

/* ---- transactions ---- */

int ds_index_begin(struct ds_index *ix, struct ds_err *err)
{
	int rc;
	if (ix->in_tx)
		return ds_err_set(err, DS_EINVAL, "index %s: a transaction is already open",
				  ix->uri);
	if ((rc = ix->st->ops->begin(ix->st, err)) == 0)
		ix->in_tx = 1;
	return rc;
}

int ds_index_commit(struct ds_index *ix, struct ds_err *err)
{
	int rc;
	if (!ix->in_tx)
		return ds_err_set(err, DS_EINVAL, "index %s: no transaction to commit", ix->uri);
	rc = ix->st->ops->commit(ix->st, err);
	if (rc == 0)
		ix->in_tx = 0;
	return rc;
}

int ds_index_rollback(struct ds_index *ix, struct ds_err *err)
{
	ix->in_tx = 0;
	return ix->st->ops->rollback(ix->st, err);
}

uint64_t ds_index_round_trips(const struct ds_index *ix)
{
	return ix->st->round_trips;
}

int64_t ds_index_committed_as(struct ds_index *ix, int64_t id)
{
	return ix->st->ops->committed_as ? ix->st->ops->committed_as(ix->st, id) : id;
}

/* Runs one write in its own transaction unless the caller opened one. */
static int tx_begin(struct ds_index *ix, int *own, struct ds_err *err)
{
	*own = !ix->in_tx;
	return *own ? ix->st->ops->begin(ix->st, err) : 0;
}

static int tx_end(struct ds_index *ix, int own, int rc, struct ds_err *err)
{
	if (!own)
		return rc;
	if (rc == 0)
		return ix->st->ops->commit(ix->st, err);
	ix->st->ops->rollback(ix->st, NULL);
	return rc;
}

/* ---- adding and removing ---- */

/* The distinct passage keys of a source (what the store files it under). */
static int source_keys(const struct ds_fprint *fp, uint64_t **keys, size_t *n)
{
	struct ds_fp_key *pk;
	size_t npk, k = 0;
	*keys = NULL;
	*n = 0;
	if (ds_fprint_passage_keys(fp, &pk, &npk))
		return DS_ENOMEM;
	/* the keys, then room for the sort */
	if (!(*keys = malloc((2 * npk + 1) * sizeof **keys))) {
		free(pk);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < npk; i++)
		(*keys)[i] = pk[i].key;
	free(pk);
	ds_fprint_sort64(*keys, *keys + npk, npk);
	for (size_t i = 0; i < npk; i++)
		if (k == 0 || (*keys)[k - 1] != (*keys)[i])
			(*keys)[k++] = (*keys)[i];
	*n = k;
	return 0;
}

/* Content hash of the document's normalised words (boilerplate left out):
 * two 64-bit hashes with different seeds, as 32 hex digits. */
static int content_hash(const struct ds_doc *doc, char out[33], struct ds_err *err)
{
	uint64_t h1, h2;
	size_t len = 0;
	char *buf;
	/* the words, each followed by a space, in a buffer sized first */
	for (size_t i = 0; i < doc->ntok; i++)
		if (doc->tok[i].kind != DS_TOK_PUNCT && !(doc->tok[i].flags & DS_TF_BOILER))
			len += doc->tok[i].norm_len + 1u;
	if (!(buf = malloc(len + 1)))
		return ds_err_set(err, DS_ENOMEM, "out of memory hashing %s", doc->name);
	len = 0;
	for (size_t i = 0; i < doc->ntok; i++) {
		const struct ds_token *t = &doc->tok[i];
		if (t->kind == DS_TOK_PUNCT || (t->flags & DS_TF_BOILER))
			continue;
		memcpy(buf + len, ds_tok_lower(doc, i), t->norm_len);
		len += t->norm_len;
		buf[len++] = ' ';
	}
	h1 = ds_hash64(buf, len, 0x636f6e74656e7431ULL);
	h2 = ds_hash64(buf, len, 0x636f6e74656e7432ULL ^ len);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	free(buf);
	return 0;
}

int ds_index_find_doc(struct ds_index *ix, const struct ds_doc *doc, int64_t *id,
		      struct ds_err *err)
{
	char hash[33];
	int rc = content_hash(doc, hash, err);
	return rc ? rc : ix->st->ops->find_hash(ix->st, hash, id, err);
}

int ds_index_add(struct ds_index *ix, const char *name, const struct ds_doc *doc,
		 int64_t *id_out, int *added_out, struct ds_err *err)
{
	struct ds_fprint *fp = NULL;
	struct ds_store_src src;
	uint64_t *keys = NULL;
	char hash[33];
	int64_t id = 0;
	int own = 0, added = 0, rc;
	size_t nkeys;

	if (added_out)
		*added_out = 0;
	if ((rc = content_hash(doc, hash, err)) != 0)
		return rc;
	if ((rc = tx_begin(ix, &own, err)) != 0)
		return rc;
	rc = ix->st->ops->find_hash(ix->st, hash, &id, err);
	if (rc == 0)
		goto done; /* already there */
	if (rc != DS_ENOTFOUND)
		goto done;
	if (!(fp = ds_fprint_new(doc, ix->stemmer, err))) {
		rc = DS_ENOMEM;
		goto done;
	}
	memset(&src, 0, sizeof src);
	src.name = name;
	src.date = doc->date;
	src.hash = hash;
	src.words = ds_fprint_words(fp);
	src.set = ds_fprint_set(fp, &src.nset);
	src.text = doc->text;
	src.len = doc->len;
	if ((rc = source_keys(fp, &keys, &nkeys)) != 0) {
		rc = ds_err_set(err, rc, "out of memory indexing %s", name);
		goto done;
	}
	rc = ix->st->ops->insert(ix->st, &src, keys, nkeys, &id, err);
	added = rc == 0;
done:
	free(keys);
	ds_fprint_free(fp);
	rc = tx_end(ix, own, rc, err);
	if (rc == 0 && own && added) {
		/* another writer may have committed the same text first */
		int64_t as = ds_index_committed_as(ix, id);
		added = as == id;
		id = as;
	}
	if (rc == 0 && added_out)
		*added_out = added;
	if (rc == 0 && id_out)
		*id_out = id;
	return rc;
}

struct keys_ctx {
	struct ds_index *ix;
	uint64_t *keys;
	size_t nkeys;
};

/* The passage keys of a stored source: its text fingerprinted again. */
static int keys_of(void *ctx, const struct ds_store_src *src)
{
	struct keys_ctx *k = ctx;
	struct ds_err e;
	struct ds_doc *doc = ds_doc_new(src->text, src->len, src->name, src->len + 1, &e);
	struct ds_fprint *fp;
	int rc;
	if (!doc)
		return e.code == DS_ENOMEM ? DS_ENOMEM : 0; /* no words, no keys */
	fp = ds_fprint_new(doc, k->ix->stemmer, &e);
	ds_doc_free(doc);
	if (!fp)
		return DS_ENOMEM;
	rc = source_keys(fp, &k->keys, &k->nkeys);
	ds_fprint_free(fp);
	return rc;
}

struct ds_fprint *ds_index_fprint(struct ds_index *ix, const struct ds_doc *doc,
				  struct ds_err *err)
{
	return ds_fprint_new(doc, ix->stemmer, err);
}

int ds_index_similarity(struct ds_index *ix, const struct ds_fprint *fp,
			const struct ds_doc *src, double *sim, struct ds_err *err)
{
	double v = ds_fprint_similarity_to(fp, src, ix->stemmer);
	if (v < 0)
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	*sim = v;
	return 0;
}

struct ds_stemmer *ds_index_stemmer(struct ds_index *ix)
{
	return ix->stemmer;
}

int ds_index_remove(struct ds_index *ix, int64_t id, struct ds_err *err)
{
	struct keys_ctx k = {ix, NULL, 0};
	int own, rc;
	if ((rc = tx_begin(ix, &own, err)) != 0)
		return rc;
	rc = ix->st->ops->get(ix->st, id, DS_STORE_TEXT, keys_of, &k, err);
	if (rc == DS_ENOMEM)
		ds_err_set(err, rc, "out of memory removing source %lld from %s", (long long)id,
			   ix->uri);
	if (rc == 0)
		rc = ix->st->ops->remove(ix->st, id, k.keys, k.nkeys, err);
	free(k.keys);
	return tx_end(ix, own, rc, err);
}

struct name_ctx {
	int (*fn)(void *ctx, int64_t id);
	void *ctx;
	int count;
};

static int count_name(void *ctx, int64_t id)
{
	struct name_ctx *c = ctx;
	c->count++;
	return c->fn ? c->fn(c->ctx, id) : 0;
}

int ds_index_find_name(struct ds_index *ix, const char *name,
		       int (*fn)(void *ctx, int64_t id), void *ctx, struct ds_err *err)
{
	struct name_ctx c = {fn, ctx, 0};
	int rc = ix->st->ops->find_name(ix->st, name, count_name, &c, err);
	return rc < 0 ? rc : c.count;
}

/* ---- reading ---- */

struct list_ctx {
	int (*fn)(void *ctx, const struct ds_source_info *src);
	void *ctx;
};

static int list_one(void *ctx, const struct ds_store_src *src)
{
	struct list_ctx *c = ctx;
	struct ds_source_info info = {src->id,    src->name,  src->date,
				      src->hash,  src->words, src->nset};
	return c->fn(c->ctx, &info);
}

int ds_index_list(struct ds_index *ix,
		  int (*fn)(void *ctx, const struct ds_source_info *src), void *ctx,
		  struct ds_err *err)
{
	struct list_ctx c = {fn, ctx};
	return ix->st->ops->each(ix->st, 0, list_one, &c, err);
}

int ds_index_get_info(struct ds_index *ix, int64_t id,
		      int (*fn)(void *ctx, const struct ds_source_info *src), void *ctx,
		      struct ds_err *err)
{
	struct list_ctx c = {fn, ctx};
	return ix->st->ops->get(ix->st, id, 0, list_one, &c, err);
}

int ds_index_stats(struct ds_index *ix, struct ds_index_stats *out, struct ds_err *err)
{
	struct ds_store_stats s = {0};
	int rc = ix->st->ops->stats(ix->st, &s, err);
	if (rc)
		return rc;
	out->sources = s.sources;
	out->words = s.words;
	out->shingles = s.shingles;
	out->band_keys = s.band_keys;
	out->text_bytes = s.text_bytes;
	out->bytes = strcmp(ix->uri, ":memory:") == 0 ? 0 : s.bytes;
	out->text_store_bytes = s.text_store_bytes;
	out->version = s.version;
	out->version_new = s.version_new;
	return 0;
}

int ds_index_check(struct ds_index *ix, struct ds_err *err)
{
	return ix->st->ops->check(ix->st, err);
}

int ds_index_vacuum(struct ds_index *ix, struct ds_index_vacuum *v, struct ds_err *err)
{
	memset(v, 0, sizeof *v);
	return ix->st->ops->vacuum ? ix->st->ops->vacuum(ix->st, v, err) : 0;
}

struct text_ctx {
	char *text;
	size_t len;
};

static int copy_text(void *ctx, const struct ds_store_src *src)
{
	struct text_ctx *t = ctx;
	if (!(t->text = malloc(src->len + 1)))
		return DS_ENOMEM;
	memcpy(t->text, src->text, src->len);
	t->text[src->len] = '\0';
	t->len = src->len;
	return 0;
}

int ds_index_get_text(struct ds_index *ix, int64_t id, char **text, size_t *len,
		      struct ds_err *err)
{
	struct text_ctx t = {NULL, 0};
	int rc = ix->st->ops->get(ix->st, id, DS_STORE_TEXT, copy_text, &t, err);
	if (rc == DS_ENOMEM)
		return ds_err_set(err, DS_ENOMEM, "out of memory reading index %s", ix->uri);
	if (rc)
		return rc;
	*text = t.text;
	if (len)
		*len = t.len;
	return 0;
}

/* ---- queries ---- */

void ds_query_opts_init(struct ds_query_opts *o)
{
	o->exclude_id = 0;
	o->min_similarity = DS_INDEX_MIN_SIMILARITY;
	o->min_coverage = DS_INDEX_MIN_COVERAGE;
	o->candidates = DS_INDEX_CANDIDATES;
	o->sent_cover = 0;
}

void ds_matches_free(struct ds_match *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].name);
		m[i].name = NULL;
		free(m[i].sent_cover);
		m[i].sent_cover = NULL;
	}
}

/* Votes per source id: the article's sentences that share a passage key
 * with it. */
struct vote_ent {
	int64_t id;
	uint32_t n;
	uint32_t last;   /* the last sentence that voted (+1) */
	uint8_t passage; /* a sentence long enough to be a passage voted */
};
struct votes {
	struct ds_hmap map; /* source id -> index in e */
	struct vote_ent *e;
	size_t used, cap;
};

/* Sentence sent (one of DS_INDEX_PASSAGE_WORDS words or more: passage)
 * shares a key with source id. */
static int vote(struct votes *v, int64_t id, uint32_t sent, int passage)
{
	uint32_t *i;
	int is_new;
	if (ds_grow(&v->e, &v->cap, v->used + 1, sizeof *v->e) ||
	    !(i = ds_hmap_put(&v->map, (uint64_t)id, (uint32_t)v->used, NULL, NULL, &is_new)))
		return DS_ENOMEM;
	if (is_new) {
		v->e[v->used].id = id;
		v->e[v->used].n = 1;
		v->e[v->used].passage = (uint8_t)passage;
		v->e[v->used++].last = sent + 1;
	} else if (v->e[*i].last != sent + 1) {
		v->e[*i].n++;
		v->e[*i].last = sent + 1;
		v->e[*i].passage |= (uint8_t)passage;
	}
	return 0;
}

struct cand {
	int64_t id;
	uint32_t votes;
	int passage_only; /* a candidate for a long sentence's votes alone */
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_match(const void *a, const void *b)
{
	const struct ds_match *x = a, *y = b;
	if (x->coverage != y->coverage)
		return x->coverage > y->coverage ? -1 : 1;
	if (x->similarity != y->similarity)
		return x->similarity > y->similarity ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Matches kept while scoring: the best max ones (a small array). */
struct scorer {
	const struct ds_fprint *fp;
	const struct ds_query_opts *o;
	struct ds_match *m;
	size_t n, max;
	uint32_t votes;
	int passage_only; /* the candidate's (struct cand) */
	float *cover; /* per sentence, for the source being scored */
};

static int score_one(void *ctx, const struct ds_store_src *src)
{
	struct scorer *s = ctx;
	struct ds_fp_cmp c;
	struct ds_match cur, *slot;
	size_t nq = 0, ns = ds_fprint_nsents(s->fp), covered, total = 0, nsent = 0, passages = 0;

	ds_fprint_set(s->fp, &nq);
	if (src->id == s->o->exclude_id || nq == 0 || src->nset == 0)
		return 0;
	/* the sentences covered and the set figures, from one merge */
	covered = ds_fprint_cmp_cover(s->fp, src->set, src->nset, &c, s->cover);
	for (size_t i = 0; i < ns; i++) {
		total += ds_fprint_sent_words(s->fp, i);
		nsent += s->cover[i] > 0;
		passages += ds_index_passage(ds_fprint_sent_words(s->fp, i), s->cover[i]);
	}
	/* two covered sentences at least: one shared sentence is a quotation,
	 * unless it is a passage; a candidate for a long sentence's votes
	 * alone needs one */
	if (((nsent < 2 || s->passage_only) && !passages) || !total ||
	    (double)covered / (double)total < s->o->min_coverage)
		return 0;
	if (c.similarity < s->o->min_similarity)
		return 0;
	memset(&cur, 0, sizeof cur);
	cur.id = src->id;
	snprintf(cur.date, sizeof cur.date, "%s", src->date ? src->date : "");
	cur.similarity = c.similarity;
	cur.coverage = c.coverage_ab;
	cur.containment = c.containment_ab;
	cur.containment_src = c.containment_ba;
	cur.common = c.common;
	cur.source_shingles = src->nset;
	cur.source_words = src->words;
	cur.votes = s->votes;
	if (s->n < s->max) {
		slot = &s->m[s->n];
	} else {
		/* replace the worst kept match if this one is better */
		slot = &s->m[0];
		for (size_t i = 1; i < s->n; i++)
			if (cmp_match(&s->m[i], slot) > 0)
				slot = &s->m[i];
		if (cmp_match(&cur, slot) >= 0)
			return 0;
	}
	/* the copies first: out of memory, the kept matches stay as they are */
	cur.name = strdup(src->name ? src->name : "");
	if (s->o->sent_cover && (cur.sent_cover = malloc((ns + 1) * sizeof *cur.sent_cover))) {
		memcpy(cur.sent_cover, s->cover, ns * sizeof *s->cover);
		cur.nsents = ns;
	}
	if (!cur.name || (s->o->sent_cover && !cur.sent_cover)) {
		free(cur.name);
		free(cur.sent_cover);
		return DS_ENOMEM;
	}
	if (s->n < s->max) {
		s->n++;
	} else {
		free(slot->name);
		free(slot->sent_cover);
	}
	*slot = cur;
	return 0;
}

/* The votes of a query's keys, as the store hands them over. */
struct many {
	struct votes *v;
	const struct ds_fp_key *keys;
	const struct ds_fprint *fp;
	int64_t exclude;
};

static int vote_many(void *ctx, size_t k, const int64_t *ids, size_t n)
{
	struct many *m = ctx;
	int rc = 0;
	if (n > KEY_LIMIT)
		return 0;
	for (size_t j = 0; j < n && rc == 0; j++)
		if (ids[j] != m->exclude)
			rc = vote(m->v, ids[j], m->keys[k].sent,
				  ds_fprint_sent_words(m->fp, m->keys[k].sent) >= DS_INDEX_PASSAGE_WORDS);
	return rc;
}

/* Candidates: the sources sharing passage keys with the article, by the
 * number of its sentences they share keys with; those short of the votes
 * needed with a long sentence among them too (score_one keeps them only
 * for a passage). */
static int collect(struct ds_index *ix, const struct ds_fprint *fp, const struct ds_query_opts *o,
		   struct cand **cand, size_t *ncand, struct ds_err *err)
{
	struct votes v = {DS_HMAP_INIT, NULL, 0, 0};
	struct ds_fp_key *keys = NULL;
	uint64_t *kv = NULL;
	size_t nkeys = 0, nsent = 0, k = 0;
	uint32_t min_votes;
	int rc = 0;

	*cand = NULL;
	*ncand = 0;
	if (ds_fprint_passage_keys(fp, &keys, &nkeys) ||
	    !(kv = malloc((nkeys + 1) * sizeof *kv))) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nkeys; i++) {
		nsent += i == 0 || keys[i].sent != keys[i - 1].sent;
		kv[i] = keys[i].key;
	}
	{
		/* a key holding more than KEY_LIMIT ids is left out, counting
		 * every id the store holds (the excluded one too), so that every
		 * store leaves out the same keys */
		struct many m = {&v, keys, fp, o->exclude_id};
		rc = ix->st->ops->bands(ix->st, kv, nkeys, KEY_LIMIT + 1, vote_many, &m, err);
	}
	if (rc)
		goto out;
	/* one shared sentence is enough only for an article of two or three */
	min_votes = nsent <= 3 ? 1 : 2;
	if (v.used && !(*cand = malloc(v.used * sizeof **cand))) {
		rc = DS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < v.used; i++)
		if (v.e[i].n >= min_votes || v.e[i].passage) {
			(*cand)[k].id = v.e[i].id;
			(*cand)[k].passage_only = v.e[i].n < min_votes;
			(*cand)[k++].votes = v.e[i].n;
		}
	if (k)
		qsort(*cand, k, sizeof **cand, cmp_cand);
	*ncand = k < o->candidates ? k : o->candidates;
out:
	if (rc == DS_ENOMEM)
		ds_err_set(err, rc, "out of memory querying index %s", ix->uri);
	free(keys);
	free(kv);
	ds_hmap_free(&v.map);
	free(v.e);
	return rc;
}

/* score_one for a source of a batched read: its votes from the candidates. */
struct gets_ctx {
	struct scorer *sc;
	const struct cand *cand;
	size_t ncand;
};

static int score_voted(void *ctx, const struct ds_store_src *src)
{
	struct gets_ctx *g = ctx;
	for (size_t i = 0; i < g->ncand; i++)
		if (g->cand[i].id == src->id) {
			g->sc->votes = g->cand[i].votes;
			g->sc->passage_only = g->cand[i].passage_only;
		}
	return score_one(g->sc, src);
}

int ds_index_query(struct ds_index *ix, const struct ds_doc *doc,
		   const struct ds_query_opts *opts, struct ds_match *out, size_t max,
		   size_t *n, struct ds_err *err)
{
	return ds_index_query_fp(ix, doc, NULL, opts, out, max, n, err);
}

int ds_index_query_fp(struct ds_index *ix, const struct ds_doc *doc, const struct ds_fprint *given,
		      const struct ds_query_opts *opts, struct ds_match *out, size_t max,
		      size_t *n, struct ds_err *err)
{
	struct ds_query_opts def;
	struct ds_fprint *own = NULL;
	const struct ds_fprint *fp = given;
	struct cand *cand = NULL;
	struct scorer sc;
	size_t ncand = 0;
	int rc = 0, reading = 0;

	*n = 0;
	if (!opts) {
		ds_query_opts_init(&def);
		opts = &def;
	}
	if (max == 0)
		return 0;
	if (!fp && !(fp = own = ds_fprint_new(doc, ix->stemmer, err)))
		return DS_ENOMEM;
	memset(&sc, 0, sizeof sc);
	sc.fp = fp;
	sc.o = opts;
	sc.m = out;
	sc.max = max;
	if (!(sc.cover = malloc((ds_fprint_nsents(fp) + 1) * sizeof *sc.cover))) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory querying index %s", ix->uri);
		goto done;
	}
	if (!ix->in_tx && ix->st->ops->read_begin) {
		if ((rc = ix->st->ops->read_begin(ix->st, err)) != 0)
			goto done;
		reading = 1;
	}
	if ((rc = collect(ix, fp, opts, &cand, &ncand, err)) != 0)
		goto done;
	if (ix->st->ops->gets && ncand) {
		/* every candidate in one round trip */
		int64_t *ids = malloc(ncand * sizeof *ids);
		struct gets_ctx g = {&sc, cand, ncand};
		if (!ids) {
			rc = ds_err_set(err, DS_ENOMEM, "out of memory querying index %s", ix->uri);
			goto done;
		}
		for (size_t i = 0; i < ncand; i++)
			ids[i] = cand[i].id;
		rc = ix->st->ops->gets(ix->st, ids, ncand, DS_STORE_SET, score_voted, &g, err);
		free(ids);
		ncand = 0;
	}
	for (size_t i = 0; i < ncand && rc == 0; i++) {
		sc.votes = cand[i].votes;
		sc.passage_only = cand[i].passage_only;
		rc = ix->st->ops->get(ix->st, cand[i].id, DS_STORE_SET, score_one, &sc, err);
		if (rc == DS_ENOTFOUND && err) { /* removed meanwhile */
			err->code = 0;
			err->msg[0] = '\0';
		}
		if (rc == DS_ENOTFOUND)
			rc = 0;
	}
	if (rc == DS_ENOMEM)
		ds_err_set(err, rc, "out of memory querying index %s", ix->uri);
done:
	if (rc) {
		ds_matches_free(out, sc.n);
	} else {
		qsort(out, sc.n, sizeof *out, cmp_match);
		*n = sc.n;
	}
	if (reading)
		ix->st->ops->read_end(ix->st);
	free(sc.cover);
	free(cand);
	ds_fprint_free(own);
	return rc;
}
