/*
 * lm.c - n-gram language model: binary layout, building, loading, queries,
 * and the mapping from document tokens to model words (see lm.h).
 *
 * Payload layout (version 1; all offsets from the start of the payload, every
 * array 8-byte aligned):
 *
 *   struct lm_head                    counts, table sizes, offsets
 *   struct lm_uni   uni[vocab]        unigram log10 prob and backoff by id
 *   struct lm_vent  vtab[vslots]      vocabulary hash: 64-bit hash -> id
 *   uint32_t        stroff[vocab]     offset of each word in strings
 *   char            strings[]         NUL-terminated words
 *   struct lm_ent   tab_n[slots_n]    for each order n >= 2: an open-addressing
 *                                     table keyed by (first word, slot of the
 *                                     other n-1 words in the table of order
 *                                     n-1, or their word id when n = 2)
 *
 * A backoff of exactly -0.0 marks an n-gram that no longer n-gram extends
 * (KenLM's convention): queries drop it from the context.
 */
#include "lm.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "lm_internal.h"
#include "lm_words.h"
#include "text.h"

#define EMPTY UINT32_MAX
#define VOCAB_SEED 0x6c6d766f63616231ULL   /* "lmvocab1" */


static inline uint64_t fastrange(uint64_t h, uint64_t n)
{
	return (uint64_t)(((__uint128_t)h * n) >> 64);
}

static inline uint64_t ent_home(uint32_t word, uint32_t suffix, uint64_t slots)
{
	return fastrange(ds_mix64(((uint64_t)suffix << 32 | word) + 0x9e3779b97f4a7c15ULL), slots);
}

/* Prefetches the lines a probe from t[home] reads.  The tables are two
 * thirds full (table_slots), so a probe for an n-gram that is not stored
 * reads five entries on average (Knuth's 1/2 (1 + 1/(1 - a)^2)), 80 bytes
 * from anywhere in a line: fetching only the home line left the rest of
 * the chain to miss (docs/README-lm.md, "Beside KenLM").  A prefetch past
 * the table's end is harmless, so the addresses are not clamped. */
static inline void probe_prefetch(const struct lm_ent *t, uint64_t home)
{
	const uintptr_t a = (uintptr_t)(t + home);
	__builtin_prefetch((const void *)a);
	__builtin_prefetch((const void *)(a + 64));
	__builtin_prefetch((const void *)(a + 128));
}

/* Finds (word, suffix) in table t of nslots slots; NULL when absent. */
static inline const struct lm_ent *tab_find(const struct lm_ent *t, uint64_t nslots,
					    uint32_t word, uint32_t suffix, uint32_t *slot)
{
	uint64_t i = ent_home(word, suffix, nslots);
	for (;;) {
		const struct lm_ent *e = &t[i];
		if (e->word == word && e->suffix == suffix) {
			*slot = (uint32_t)i;
			return e;
		}
		if (e->word == EMPTY)
			return NULL;
		if (++i == nslots)
			i = 0;
	}
}

static size_t align8(size_t x)
{
	return (x + 7) & ~(size_t)7;
}

static uint64_t table_slots(uint64_t n)
{
	return n + n / 2 + 1;
}

/* ---- attaching a payload ------------------------------------------------ */

/* Probing stops at an empty slot: a table without one (a damaged file) would
 * make lookups loop for ever.  The first empty slot comes after a few
 * entries in a table filled to two thirds. */
static int has_empty_ent(const struct lm_ent *t, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (t[i].word == EMPTY)
			return 1;
	return 0;
}

static int has_empty_vent(const struct lm_vent *t, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (t[i].id == EMPTY)
			return 1;
	return 0;
}

static int layout_error(const char *name, struct ds_err *err)
{
	return ds_err_set(err, DS_ECORRUPT, "%s: inconsistent language model layout; rebuild it (%s)",
			  name, DS_LM_REBUILD);
}

int ds_lm_attach_vocab(struct ds_lm *lm, const unsigned char *p, size_t len, const char *name,
		       struct ds_err *err)
{
	const struct lm_head *h = (const void *)p;

	if (len < sizeof *h || ((uintptr_t)p & 7))
		goto bad;
	if (h->order < 1 || h->order > DS_LM_MAX_ORDER || h->vocab < 3 ||
	    h->count[0] != h->vocab)
		goto bad;
	lm->base = p;
	lm->size = len;
	lm->h = h;
	lm->order = (int)h->order;
	lm->vocab = h->vocab;
	if (!lm_inside(h->uni_off, h->vocab, sizeof(struct lm_uni), len) ||
	    !lm_inside(h->vtab_off, h->vslots, sizeof(struct lm_vent), len) || h->vslots <= h->vocab ||
	    !lm_inside(h->stroff_off, h->vocab, 4, len) || !lm_inside(h->str_off, h->str_len, 1, len) ||
	    h->str_len == 0 || p[h->str_off + h->str_len - 1] != 0)
		goto bad;
	lm->uni = (const void *)(p + h->uni_off);
	lm->vtab = (const void *)(p + h->vtab_off);
	lm->vslots = h->vslots;
	lm->stroff = (const void *)(p + h->stroff_off);
	lm->str = (const char *)p + h->str_off;
	lm->str_len = h->str_len;
	for (uint32_t i = 0; i < h->vocab; i += 1 + h->vocab / 64)
		if (lm->stroff[i] >= h->str_len)
			goto bad;
	if (!has_empty_vent(lm->vtab, h->vslots))
		goto bad;
	return 0;
bad:
	return layout_error(name, err);
}

static int attach(struct ds_lm *lm, const unsigned char *p, size_t len, const char *name,
		  struct ds_err *err)
{
	const struct lm_head *h = (const void *)p;
	int rc = ds_lm_attach_vocab(lm, p, len, name, err);
	if (rc)
		return rc;
	for (int n = 2; n <= lm->order; n++) {
		uint64_t s = h->slots[n - 1], off = h->tab_off[n - 1];
		if (s <= h->count[n - 1] || !lm_inside(off, s, sizeof(struct lm_ent), len))
			goto bad;
		lm->tab[n - 1] = (const void *)(p + off);
		lm->slots[n - 1] = s;
		if (!has_empty_ent(lm->tab[n - 1], s))
			goto bad;
	}
	return 0;
bad:
	return layout_error(name, err);
}

/* ---- building ----------------------------------------------------------- */

/* The slot (order n table; the id for n = 1) of the n words ids[0..n-1], or
 * EMPTY when absent. */
static uint32_t walk(const struct ds_lm *lm, const uint32_t *ids, int n)
{
	uint32_t slot = ids[n - 1];
	for (int k = n - 2, ord = 2; k >= 0; k--, ord++) {
		if (!tab_find(lm->tab[ord - 1], lm->slots[ord - 1], ids[k], slot, &slot))
			return EMPTY;
	}
	return slot;
}

static void format_ngram(char *buf, size_t cap, const char *const *words, const uint32_t *ids,
			 int n)
{
	size_t used = 0;
	buf[0] = 0;
	for (int i = 0; i < n && used + 1 < cap; i++) {
		int r = snprintf(buf + used, cap - used, "%s%s", i ? " " : "", words[ids[i]]);
		if (r < 0)
			break;
		used += (size_t)r;
	}
}

struct ds_lm *ds_lm_build(const struct ds_lm_lists *L, const char *name, struct ds_err *err)
{
	struct ds_lm *lm = NULL;
	struct lm_head *h;
	unsigned char *p = NULL;
	uint64_t *ext[DS_LM_MAX_ORDER] = {0};
	size_t off, str_len = 0, total;
	uint32_t V = L->vocab;
	int N = L->order;
	char gram[256];

	if (N < 1 || N > DS_LM_MAX_ORDER || V < 3 || L->g[0].n != V) {
		ds_err_set(err, DS_EINVAL, "%s: invalid model (order %d, %u words)", name, N, V);
		return NULL;
	}
	for (uint32_t i = 0; i < V; i++)
		str_len += strlen(L->words[i]) + 1;

	/* sizes and offsets */
	off = align8(sizeof(struct lm_head));
	size_t uni_off = off;
	off = align8(off + (size_t)V * sizeof(struct lm_uni));
	size_t vslots = table_slots(V), vtab_off = off;
	off = align8(off + vslots * sizeof(struct lm_vent));
	size_t stroff_off = off;
	off = align8(off + (size_t)V * 4);
	size_t str_off = off;
	off = align8(off + str_len);
	size_t tab_off[DS_LM_MAX_ORDER] = {0}, slots[DS_LM_MAX_ORDER] = {0};
	for (int n = 2; n <= N; n++) {
		slots[n - 1] = table_slots(L->g[n - 1].n);
		tab_off[n - 1] = off;
		off = align8(off + slots[n - 1] * sizeof(struct lm_ent));
	}
	total = off;

	lm = calloc(1, sizeof *lm);
	p = calloc(1, total);
	if (!lm || !p)
		goto nomem;
	h = (struct lm_head *)p;
	h->order = (uint32_t)N;
	h->vocab = V;
	h->uni_off = uni_off;
	h->vtab_off = vtab_off;
	h->vslots = vslots;
	h->stroff_off = stroff_off;
	h->str_off = str_off;
	h->str_len = str_len;
	h->count[0] = V;
	for (int n = 2; n <= N; n++) {
		h->count[n - 1] = L->g[n - 1].n;
		h->slots[n - 1] = slots[n - 1];
		h->tab_off[n - 1] = tab_off[n - 1];
	}

	/* every table starts empty (attach checks that probing can stop) */
	for (int n = 2; n <= N; n++) {
		struct lm_ent *t = (void *)(p + tab_off[n - 1]);
		for (size_t i = 0; i < slots[n - 1]; i++) {
			t[i].word = EMPTY;
			t[i].suffix = EMPTY;
		}
	}

	/* vocabulary */
	{
		struct lm_uni *uni = (void *)(p + uni_off);
		struct lm_vent *vt = (void *)(p + vtab_off);
		uint32_t *so = (void *)(p + stroff_off);
		char *s = (char *)p + str_off;
		size_t at = 0;
		for (size_t i = 0; i < vslots; i++)
			vt[i].id = EMPTY;
		for (uint32_t i = 0; i < V; i++) {
			size_t l = strlen(L->words[i]);
			uint64_t hh = ds_hash64(L->words[i], l, VOCAB_SEED);
			uint64_t j = fastrange(hh, vslots);
			memcpy(s + at, L->words[i], l + 1);
			so[i] = (uint32_t)at;
			at += l + 1;
			uni[i].prob = L->g[0].prob[i];
			uni[i].backoff = L->g[0].backoff ? L->g[0].backoff[i] : 0.0f;
			while (vt[j].id != EMPTY) {
				if (vt[j].hash == hh) {
					ds_err_set(err, DS_EFORMAT, "%s: word '%s' is listed twice%s", name,
						   L->words[i],
						   strcmp(L->words[vt[j].id], L->words[i]) ? " (hash collision)" : "");
					goto fail;
				}
				if (++j == vslots)
					j = 0;
			}
			vt[j].hash = hh;
			vt[j].id = i;
		}
	}
	if (attach(lm, p, total, name, err))
		goto fail;
	lm->owned = p;

	/* n-gram tables, shortest first (each refers to the one below) */
	for (int n = 2; n <= N; n++) {
		struct lm_ent *t = (void *)(p + tab_off[n - 1]);
		const struct ds_lm_grams *g = &L->g[n - 1];
		for (size_t i = 0; i < slots[n - 1]; i++) {
			t[i].word = EMPTY;
			t[i].suffix = EMPTY;
		}
		for (size_t i = 0; i < g->n; i++) {
			const uint32_t *ids = g->ids + i * (size_t)n;
			uint32_t suf, dummy;
			uint64_t j;
			for (int k = 0; k < n; k++)
				if (ids[k] >= V) {
					ds_err_set(err, DS_EFORMAT, "%s: n-gram of order %d holds word id %u, vocabulary has %u",
						   name, n, ids[k], V);
					goto fail;
				}
			suf = walk(lm, ids + 1, n - 1);
			if (suf == EMPTY) {
				format_ngram(gram, sizeof gram, L->words, ids, n);
				ds_err_set(err, DS_EFORMAT, "%s: n-gram '%s' has no entry for its last %d words",
					   name, gram, n - 1);
				goto fail;
			}
			if (tab_find(t, slots[n - 1], ids[0], suf, &dummy)) {
				format_ngram(gram, sizeof gram, L->words, ids, n);
				ds_err_set(err, DS_EFORMAT, "%s: n-gram '%s' is listed twice", name, gram);
				goto fail;
			}
			j = ent_home(ids[0], suf, slots[n - 1]);
			while (t[j].word != EMPTY)
				if (++j == slots[n - 1])
					j = 0;
			t[j].word = ids[0];
			t[j].suffix = suf;
			t[j].prob = g->prob[i];
			t[j].backoff = (n < N && g->backoff) ? g->backoff[i] : 0.0f;
		}
	}

	/* which n-grams are extended by a longer one */
	for (int n = 1; n < N; n++) {
		size_t sl = n == 1 ? V : slots[n - 1];
		ext[n - 1] = calloc((sl + 63) / 64, 8);
		if (!ext[n - 1])
			goto nomem;
	}
	for (int n = 2; n <= N; n++) {
		const struct ds_lm_grams *g = &L->g[n - 1];
		for (size_t i = 0; i < g->n; i++) {
			const uint32_t *ids = g->ids + i * (size_t)n;
			uint32_t pre = walk(lm, ids, n - 1);
			if (pre == EMPTY) {
				format_ngram(gram, sizeof gram, L->words, ids, n);
				ds_err_set(err, DS_EFORMAT, "%s: n-gram '%s' has no entry for its first %d words",
					   name, gram, n - 1);
				goto fail;
			}
			ext[n - 2][pre / 64] |= 1ULL << (pre % 64);
		}
	}
	for (int n = 1; n < N; n++) {
		size_t sl = n == 1 ? V : slots[n - 1];
		for (size_t i = 0; i < sl; i++) {
			float *b;
			int has = (int)((ext[n - 1][i / 64] >> (i % 64)) & 1);
			if (n == 1)
				b = &((struct lm_uni *)(p + uni_off))[i].backoff;
			else if (((struct lm_ent *)(p + tab_off[n - 1]))[i].word == EMPTY)
				continue;
			else
				b = &((struct lm_ent *)(p + tab_off[n - 1]))[i].backoff;
			if (!has && *b == 0.0f)
				*b = lm_neg_zero();
			else if (has && lm_no_ext(*b))
				*b = 0.0f;
		}
	}
	for (int n = 1; n < N; n++)
		free(ext[n - 1]);
	lm->size = total;
	return lm;

nomem:
	ds_err_set(err, DS_ENOMEM, "%s: out of memory building the language model", name);
fail:
	for (int n = 1; n < N; n++)
		free(ext[n - 1]);
	free(p);
	free(lm);
	return NULL;
}

/* ---- loading ------------------------------------------------------------ */

static int looks_arpa(const unsigned char *d, size_t n)
{
	size_t i = 0;
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	return n - i >= 6 && memcmp(d + i, "\\data\\", 6) == 0;
}

/* True when a binary file image's envelope names the compact layout. */
static int compact_file(const void *data, size_t len)
{
	return len >= DS_BIN_HEADER_SIZE &&
	       memcmp((const char *)data + 8, DS_LMQ_KIND, sizeof DS_LMQ_KIND) == 0;
}

const char *ds_lm_foreign_kind(const char *path)
{
	struct ds_map m;
	const char *what = NULL;
	if (ds_map_open(&m, path, NULL))
		return NULL;
	if (looks_arpa(m.data, m.len < 4096 ? m.len : 4096))
		what = "an ARPA text model";
	else if (ds_lm_is_sphinx(m.data, m.len))
		what = "a Sphinx model";
	ds_map_close(&m);
	return what;
}

struct ds_lm *ds_lm_load(const char *path, struct ds_err *err)
{
	struct ds_lm *lm;
	const void *payload;
	size_t len;
	struct ds_map m;
	int compact;
	int rc = ds_map_open(&m, path, err);

	if (rc) {
		if (rc != DS_ENOMEM)
			ds_err_append(err, "; build it (%s)", DS_LM_REBUILD);
		return NULL;
	}
	if (looks_arpa(m.data, m.len < 4096 ? m.len : 4096)) {
		ds_map_close(&m);
		return ds_lm_load_arpa(path, err);
	}
	if (ds_lm_is_sphinx(m.data, m.len)) {
		ds_map_close(&m);
		lm = ds_lm_load_sphinx(path, err);
		if (!lm && err && err->code != DS_ENOMEM)
			ds_err_append(err, "; reinstall pocketsphinx-en-us (scripts/deps.sh), then %s",
				      DS_LM_REBUILD);
		return lm;
	}
	if (!ds_bin_is(m.data, m.len)) {
		/* what the reader takes: lm convert, lm info and -m read all three */
		ds_map_close(&m);
		ds_err_set(err, DS_EFORMAT,
			   "%s: not a language model despin reads (a despin binary, ARPA text or Sphinx "
			   "model); if it was one, rebuild it (%s)", path, DS_LM_REBUILD);
		return NULL;
	}
	if (memcmp(m.data + 8, DS_LM_MIX_KIND, sizeof DS_LM_MIX_KIND) == 0)
		return ds_lm_mix_load_map(&m, path, err);
	compact = compact_file(m.data, m.len);
	rc = ds_bin_check(m.data, m.len, path, lm_kind(compact), lm_version(compact), DS_LM_REBUILD,
			  &payload, &len, err);
	if (rc) {
		ds_map_close(&m);
		return NULL;
	}
	lm = calloc(1, sizeof *lm);
	if (!lm) {
		ds_map_close(&m);
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	if ((compact ? ds_lmq_attach : attach)(lm, payload, len, path, err)) {
		ds_map_close(&m);
		free(lm);
		return NULL;
	}
	lm->map = m;
	lm->path = strdup(path);
	return lm;
}

void ds_lm_free(struct ds_lm *lm)
{
	if (!lm)
		return;
	if (lm->mix)
		ds_lm_mix_free_parts(lm->mix);
	if (lm->map.data)
		ds_map_close(&lm->map);
	free(lm->owned);
	free(lm->path);
	free(lm);
}

int ds_lm_image(const struct ds_lm *lm, void **data, size_t *len, struct ds_err *err)
{
	if (lm->mix)
		return ds_err_set(err, DS_EINVAL, "a mixture has no single file image");
	if (ds_bin_image(lm_kind(lm->compact), lm_version(lm->compact), lm->base, lm->size, data, len))
		return ds_err_set(err, DS_ENOMEM, "out of memory writing a language model");
	return 0;
}

struct ds_lm *ds_lm_load_image(void *data, size_t len, const char *name, struct ds_err *err)
{
	struct ds_lm *lm;
	const void *payload;
	size_t plen;
	/* the payload must be 8-byte aligned: malloc'ed data is, and the header is 64 bytes */
	int compact = compact_file(data, len);
	if (ds_bin_check(data, len, name, lm_kind(compact), lm_version(compact), DS_LM_REBUILD,
			 &payload, &plen, err)) {
		free(data);
		return NULL;
	}
	lm = calloc(1, sizeof *lm);
	if (!lm) {
		free(data);
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
		return NULL;
	}
	if ((compact ? ds_lmq_attach : attach)(lm, payload, plen, name, err)) {
		free(data);
		free(lm);
		return NULL;
	}
	lm->owned = data;
	return lm;
}

int ds_lm_write(const struct ds_lm *lm, const char *path, struct ds_err *err)
{
	if (lm->mix)
		return ds_lm_mix_write(lm, path, err);
	return ds_bin_write(path, lm_kind(lm->compact), lm_version(lm->compact), lm->base, lm->size,
			    err);
}

const char *ds_lm_path(const struct ds_lm *lm)
{
	return lm->path;
}

uint32_t ds_lm_file_id(const struct ds_lm *lm)
{
	return ds_bin_map_id(lm->mix ? ds_lm_mix_file(lm) : &lm->map);
}

int ds_lm_order(const struct ds_lm *lm)
{
	return lm->order;   /* a mixture: its highest component order */
}

void ds_lm_get_stats(const struct ds_lm *lm, struct ds_lm_stats *st)
{
	if (lm->mix) {
		ds_lm_mix_stats(lm, st);
		return;
	}
	memset(st, 0, sizeof *st);
	st->order = lm->order;
	st->vocab = lm->vocab;
	for (int n = 1; n <= lm->order; n++)
		st->count[n - 1] = lm->h->count[n - 1];
	st->bytes = lm->map.data ? lm->map.len : lm->size;
	st->mapped = lm->map.data != NULL;
	st->parts = 1;
	st->compact = lm->compact;
}

/* ---- vocabulary ---------------------------------------------------------- */

static ds_lm_id vocab_probe(const struct ds_lm *lm, uint64_t hh)
{
	uint64_t j = fastrange(hh, lm->vslots);
	for (;;) {
		const struct lm_vent *e = &lm->vtab[j];
		if (e->hash == hh && e->id != EMPTY)
			return e->id < lm->vocab ? e->id : DS_LM_UNK;
		if (e->id == EMPTY)
			return DS_LM_UNK;
		if (++j == lm->vslots)
			j = 0;
	}
}

ds_lm_id ds_lm_vocab(const struct ds_lm *lm, const char *w, size_t len)
{
	return lm->mix ? ds_lm_mix_vocab(lm, w, len) : vocab_probe(lm, ds_hash64(w, len, VOCAB_SEED));
}

/* Words are hashed and their home lines prefetched VOCAB_AHEAD words before
 * they are probed. */
#define VOCAB_AHEAD 8

void ds_lm_vocab_many(const struct ds_lm *lm, const char *const *w, const size_t *len,
		      size_t n, ds_lm_id *out)
{
	uint64_t hs[VOCAB_AHEAD];
	if (lm->mix) {
		for (size_t i = 0; i < n; i++)
			if (w[i])
				out[i] = ds_lm_mix_vocab(lm, w[i], len[i]);
		return;
	}
	for (size_t i = 0; i < n + VOCAB_AHEAD; i++) {
		/* word i - VOCAB_AHEAD leaves the ring before word i takes its place */
		if (i >= VOCAB_AHEAD && w[i - VOCAB_AHEAD])
			out[i - VOCAB_AHEAD] = vocab_probe(lm, hs[i % VOCAB_AHEAD]);
		if (i < n && w[i]) {
			uint64_t hh = ds_hash64(w[i], len[i], VOCAB_SEED);
			hs[i % VOCAB_AHEAD] = hh;
			__builtin_prefetch(&lm->vtab[fastrange(hh, lm->vslots)]);
		}
	}
}

const char *ds_lm_word(const struct ds_lm *lm, ds_lm_id id)
{
	if (lm->mix)
		return ds_lm_mix_word(lm, id);
	if (id >= lm->vocab || lm->stroff[id] >= lm->str_len)
		return NULL;
	return lm->str + lm->stroff[id];
}

uint32_t ds_lm_vocab_size(const struct ds_lm *lm)
{
	return lm->vocab;   /* a mixture: its ids (the union of the components' words) */
}

/* ---- queries ---------------------------------------------------------------- */

void ds_lm_null(struct ds_lm_state *st)
{
	memset(st, 0, sizeof *st);
}

void ds_lm_begin1(const struct ds_lm *lm, struct ds_lm_ctx *c)
{
	memset(c, 0, sizeof *c);
	if (lm->order < 2)
		return;
	c->words[0] = DS_LM_BOS;
	c->backoff[0] = lm->uni[DS_LM_BOS].backoff;
	c->len = lm_no_ext(c->backoff[0]) ? 0 : 1;
}

void ds_lm_begin(const struct ds_lm *lm, struct ds_lm_state *st)
{
	struct ds_lm_ctx c;
	if (lm->mix) {
		ds_lm_mix_begin(lm, st);
		return;
	}
	memset(st, 0, sizeof *st);
	ds_lm_begin1(lm, &c);
	st->len = c.len;
	memcpy(st->words, c.words, sizeof c.words);
	memcpy(st->backoff, c.backoff, sizeof c.backoff);
}

/* ds_lm_score1, with the entries of the hash layout's n-grams found
 * already when found is not NULL: found[j] is that of order j + 2 (NULL
 * from the first not stored on), as the probes would find them. */
static inline float score1(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
			   struct ds_lm_ctx *out, int *ngram_len, const struct lm_ent *const *found)
{
	struct ds_lm_ctx o = {0}; /* whole struct defined: states are compared with memcmp */
	uint32_t slot, j, inlen = in->len;
	const int cmax = lm->order - 1;
	int matched = 1;
	uint32_t olen;
	float p;

	if (w >= lm->vocab)
		w = DS_LM_UNK;
	p = lm->uni[w].prob;
	o.words[0] = w;
	o.backoff[0] = lm->uni[w].backoff;
	olen = lm_no_ext(o.backoff[0]) ? 0 : 1;
	slot = w;
	/* the compact layout: the entries of the longer n-gram are the
	 * sorted children of the shorter one's */
	for (j = 0; lm->compact && j < inlen; j++) {
		const int n = (int)j + 2;
		uint32_t at;
		if (!lmq_find(lm, n, lm->child[n - 2][slot], lm->child[n - 2][slot + 1], in->words[j], &at))
			break;
		slot = at;
		p = lmq_prob(lm, n, at);
		matched = n;
		if (n - 1 < cmax) {
			o.words[j + 1] = in->words[j];
			o.backoff[j + 1] = lmq_backoff(lm, n, at);
			if (!lm_no_ext(o.backoff[j + 1]))
				olen = j + 2;
		}
	}
	for (j = 0; !lm->compact && j < inlen; j++) {
		const struct lm_ent *e =
			found ? found[j]
			      : tab_find(lm->tab[j + 1], lm->slots[j + 1], in->words[j], slot, &slot);
		if (!e)
			break;
		p = e->prob;
		matched = (int)j + 2;
		if ((int)j + 1 < cmax) {
			o.words[j + 1] = in->words[j];
			o.backoff[j + 1] = e->backoff;
			if (!lm_no_ext(e->backoff))
				olen = j + 2;
		}
	}
	for (j = (uint32_t)matched - 1; j < inlen; j++)
		p += in->backoff[j];
	if (olen > (uint32_t)cmax)
		olen = (uint32_t)cmax;
	o.len = olen;
	memcpy(out, &o, sizeof o);
	if (ngram_len)
		*ngram_len = matched;
	return p;
}

float ds_lm_score1(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
		   struct ds_lm_ctx *out, int *ngram_len)
{
	return score1(lm, in, w, out, ngram_len, NULL);
}

float ds_lm_score1_found(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
			 struct ds_lm_ctx *out, int *ngram_len, const struct lm_ent *const *found)
{
	return score1(lm, in, w, out, ngram_len, found);
}

/* ds_lm_score of a single model (found: see score1). */
/* A single model's context from its state, and back (as ds_lm_score keeps
 * it: the mixture's fields zero). */
static void ctx_of_state(const struct ds_lm_state *st, struct ds_lm_ctx *c)
{
	c->len = st->len;
	memcpy(c->words, st->words, sizeof c->words);
	memcpy(c->backoff, st->backoff, sizeof c->backoff);
}

static void state_of_ctx(const struct ds_lm_ctx *c, struct ds_lm_state *st)
{
	memset(st, 0, sizeof *st);
	st->len = c->len;
	memcpy(st->words, c->words, sizeof c->words);
	memcpy(st->backoff, c->backoff, sizeof c->backoff);
}

static float score_state(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
			 struct ds_lm_state *out, int *ngram_len, const struct lm_ent *const *found)
{
	struct ds_lm_ctx c;
	float p;
	ctx_of_state(in, &c);
	p = score1(lm, &c, w, &c, ngram_len, found);
	state_of_ctx(&c, out);
	return p;
}

float ds_lm_score(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
		  struct ds_lm_state *out, int *ngram_len)
{
	if (lm->mix)
		return ds_lm_mix_score(lm, in, w, out, ngram_len);
	return score_state(lm, in, w, out, ngram_len, NULL);
}

/* ---- scoring a run of words: lookups prefetched ahead ------------------- */

/* A span's lookups run as a pipeline ahead of the scoring: PF_STEP words
 * before a word's lookup in the table of order k, its slot in the table of
 * order k-1 is found (those lines were fetched PF_STEP words earlier still)
 * and the lines of its probe in the table of order k are prefetched.  The
 * scoring itself is ds_lm_score1's, unchanged: the pipeline only warms the
 * cache, so results are identical whatever it finds.  PF_RING holds the
 * slots of the words in flight: more than (DS_LM_MAX_ORDER - 3) * PF_STEP
 * of them. */
#define PF_STEP 3
#define PF_RING 16
_Static_assert(PF_RING > (DS_LM_MAX_ORDER - 3) * PF_STEP, "PF_RING holds the words in flight");

static inline uint32_t span_id(const struct ds_lm *lm, ds_lm_id w)
{
	return w < lm->vocab ? w : DS_LM_UNK;
}

static void span_prefetch(const struct ds_lm *lm, const ds_lm_id *w, ptrdiff_t n, ptrdiff_t i,
			  uint32_t ring[][PF_RING])
{
	const int N = lm->order;
	if (lm->compact)
		return; /* its searches depend on each other: nothing to fetch ahead */
	for (int k = 2; k <= N; k++) {
		ptrdiff_t t = i + (ptrdiff_t)(N - k + 1) * PF_STEP;
		uint32_t suf, slot;
		if (t >= n || t - (k - 1) < 0)
			continue;
		if (k == 2) {
			suf = span_id(lm, w[t]);
		} else {
			/* the slot of w[t-k+2..t] in the table of order k-1 */
			uint32_t below = k == 3 ? span_id(lm, w[t]) : ring[k - 3][t % PF_RING];
			slot = EMPTY;
			if (below != EMPTY &&
			    !tab_find(lm->tab[k - 2], lm->slots[k - 2], span_id(lm, w[t - k + 2]), below, &slot))
				slot = EMPTY;
			ring[k - 2][t % PF_RING] = slot;
			if (slot == EMPTY)
				continue;
			suf = slot;
		}
		probe_prefetch(lm->tab[k - 1], ent_home(span_id(lm, w[t - k + 1]), suf, lm->slots[k - 1]));
	}
}

static double span1(const struct ds_lm *lm, const struct ds_lm_state *in, const ds_lm_id *w,
		    size_t n, struct ds_lm_state *before, struct ds_lm_state *out, float *per_word,
		    int *ngram_len)
{
	uint32_t ring[DS_LM_MAX_ORDER][PF_RING];
	struct ds_lm_ctx c;
	double total = 0;
	const ptrdiff_t nn = (ptrdiff_t)n, lead = (ptrdiff_t)(lm->order - 1) * PF_STEP;

	ctx_of_state(in, &c);
	for (ptrdiff_t i = -lead; i < 0; i++)
		span_prefetch(lm, w, nn, i, ring);
	for (ptrdiff_t i = 0; i < nn; i++) {
		float p;
		int len = 0;
		span_prefetch(lm, w, nn, i, ring);
		if (before)
			state_of_ctx(&c, &before[i]);
		if (w[i] == DS_LM_BOS) {
			ds_lm_begin1(lm, &c);
			p = 0;
		} else {
			p = ds_lm_score1(lm, &c, w[i], &c, &len);
		}
		total += p;
		if (per_word)
			per_word[i] = p;
		if (ngram_len)
			ngram_len[i] = len;
	}
	if (out)
		state_of_ctx(&c, out);
	return total;
}

/* A mixture's span: word by word, each component's lookups prefetched
 * ahead as span1 does, MIX_CHUNK words at a time. */
#define MIX_CHUNK 256
static double span_mix(const struct ds_lm *lm, const struct ds_lm_state *in, const ds_lm_id *w,
		       size_t n, struct ds_lm_state *before, struct ds_lm_state *out,
		       float *per_word, int *ngram_len)
{
	ds_lm_id ids[DS_LM_MIX_MAX][MIX_CHUNK];
	uint32_t ring[DS_LM_MIX_MAX][DS_LM_MAX_ORDER][PF_RING];
	const struct ds_lm *part[DS_LM_MIX_MAX];
	struct ds_lm_state st = *in;
	double total = 0;
	ptrdiff_t lead = 0;
	int np = 0;

	while (np < DS_LM_MIX_MAX && (part[np] = ds_lm_mix_part(lm, np)) != NULL) {
		if ((ptrdiff_t)(part[np]->order - 1) * PF_STEP > lead)
			lead = (ptrdiff_t)(part[np]->order - 1) * PF_STEP;
		np++;
	}
	for (size_t at = 0; at < n; at += MIX_CHUNK) {
		const ptrdiff_t m = (ptrdiff_t)(n - at < MIX_CHUNK ? n - at : MIX_CHUNK);
		for (int c = 0; c < np; c++)
			ds_lm_mix_ids(lm, c, w + at, (size_t)m, ids[c]);
		for (ptrdiff_t i = -lead; i < m; i++) {
			for (int c = 0; c < np; c++)
				span_prefetch(part[c], ids[c], m, i, ring[c]);
			if (i < 0)
				continue;
			float p;
			int len = 0;
			if (before)
				before[at + (size_t)i] = st;
			if (w[at + (size_t)i] == DS_LM_BOS) {
				ds_lm_begin(lm, &st);
				p = 0;
			} else {
				p = ds_lm_score(lm, &st, w[at + (size_t)i], &st, &len);
			}
			total += p;
			if (per_word)
				per_word[at + (size_t)i] = p;
			if (ngram_len)
				ngram_len[at + (size_t)i] = len;
		}
	}
	if (out)
		*out = st;
	return total;
}

/* ---- scoring spans side by side: their lookups overlapped --------------- */

/* One query in flight: a model (a single one, hash layout), the context,
 * and the slot of the n-gram found so far (EMPTY: no longer one). */
struct lm_q {
	const struct ds_lm *m;
	const struct ds_lm_ctx *ctx;
	uint32_t slot;
	const struct lm_ent *found[DS_LM_MAX_ORDER - 1]; /* see score1 */
};

/* Finds the n-gram entries of queries q[0..n), independent of each other:
 * order by order, every query's next entry is prefetched before any is
 * probed, so their misses overlap. */
static void find_queries(struct lm_q *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(q[i].found, 0, sizeof q[i].found);
		__builtin_prefetch(&q[i].m->uni[q[i].slot]);
	}
	for (uint32_t j = 0; j + 1 < DS_LM_MAX_ORDER; j++) {
		size_t live = 0;
		for (size_t i = 0; i < n; i++) {
			const struct ds_lm *m = q[i].m;
			if (q[i].slot == EMPTY || j >= q[i].ctx->len || (int)j + 2 > m->order) {
				q[i].slot = EMPTY;
				continue;
			}
			probe_prefetch(m->tab[j + 1], ent_home(q[i].ctx->words[j], q[i].slot, m->slots[j + 1]));
			live++;
		}
		if (!live)
			return;
		for (size_t i = 0; i < n; i++) {
			const struct ds_lm *m = q[i].m;
			if (q[i].slot != EMPTY &&
			    !(q[i].found[j] = tab_find(m->tab[j + 1], m->slots[j + 1], q[i].ctx->words[j],
						       q[i].slot, &q[i].slot)))
				q[i].slot = EMPTY;
		}
	}
}

/* Spans scored side by side, at most this many at once. */
#define SPANS_AT_ONCE 16

/* The same words and backoffs, bit for bit (memcmp's equality, without a
 * call for a context of a few words). */
static inline int ctx_same(uint32_t len, const ds_lm_id *aw, const float *ab, uint32_t blen,
			   const ds_lm_id *bw, const float *bb)
{
	if (len != blen)
		return 0;
	for (uint32_t i = 0; i < len; i++) {
		uint32_t x, y;
		memcpy(&x, ab + i, sizeof x);
		memcpy(&y, bb + i, sizeof y);
		if (aw[i] != bw[i] || x != y)
			return 0;
	}
	return 1;
}

int ds_lm_state_same(const struct ds_lm_state *a, const struct ds_lm_state *b)
{
	if (!ctx_same(a->len, a->words, a->backoff, b->len, b->words, b->backoff))
		return 0;
	for (int i = 0; i < DS_LM_MIX_MAX - 1; i++)
		if (!ctx_same(a->part[i].len, a->part[i].words, a->part[i].backoff, b->part[i].len,
			      b->part[i].words, b->part[i].backoff))
			return 0;
	return 1;
}

void ds_lm_score_spans(const struct ds_lm *lm, const struct ds_lm_state *in,
		       const ds_lm_id *const *w, const size_t *n, size_t ns, double *total,
		       float *const *per_word)
{
	ds_lm_score_spans_tail(lm, in, w, n, ns, NULL, total, per_word);
}

/* Span s of a run joins the text's tail before its word i: the rest of its
 * scores are the text's.  Returns 1 when it did. */
static int span_join(const struct ds_lm_tail *tail, const struct ds_lm_state *st, size_t n,
		     size_t i, double *total, float *per_word)
{
	size_t k;
	if (!tail || i + tail->n < n || !ds_lm_state_same(st, &tail->st[i + tail->n - n]))
		return 0;
	for (k = i + tail->n - n; k < tail->n; k++, i++) {
		*total += tail->p[k];
		if (per_word)
			per_word[i] = tail->p[k];
	}
	return 1;
}

void ds_lm_score_spans_tail(const struct ds_lm *lm, const struct ds_lm_state *in,
			    const ds_lm_id *const *w, const size_t *n, size_t ns,
			    const struct ds_lm_tail *tail, double *total, float *const *per_word)
{
	size_t end[SPANS_AT_ONCE];
	struct ds_lm_state st[SPANS_AT_ONCE];
	struct ds_lm_ctx ctx[SPANS_AT_ONCE * DS_LM_MIX_MAX];
	struct lm_q q[SPANS_AT_ONCE * DS_LM_MIX_MAX];
	const struct lm_ent *const *found[SPANS_AT_ONCE][DS_LM_MIX_MAX];
	const struct ds_lm *part[DS_LM_MIX_MAX];
	int np = 0;

	if (lm->mix) {
		while (np < DS_LM_MIX_MAX && (part[np] = ds_lm_mix_part(lm, np)) != NULL)
			np++;
	} else {
		part[np++] = lm;
	}
	if (tail && !tail->n)
		tail = NULL;
	for (size_t at = 0; at < ns; at += SPANS_AT_ONCE) {
		const size_t m = ns - at < SPANS_AT_ONCE ? ns - at : SPANS_AT_ONCE;
		size_t longest = 0;
		for (size_t s = 0; s < m; s++) {
			st[s] = *in;
			total[at + s] = 0;
			end[s] = n[at + s];
			if (n[at + s] > longest)
				longest = n[at + s];
		}
		for (size_t i = 0; i < longest; i++) {
			size_t nq = 0;
			for (size_t s = 0; s < m; s++) {
				ds_lm_id word;
				/* the whole row, a constant size: stores, not a call to
				 * memset for np of them */
				for (int c = 0; c < DS_LM_MIX_MAX; c++)
					found[s][c] = NULL;
				if (i < end[s] && span_join(tail, &st[s], n[at + s], i, &total[at + s],
							    per_word ? per_word[at + s] : NULL))
					end[s] = i;
				if (i >= end[s] || (word = w[at + s][i]) == DS_LM_BOS)
					continue;
				for (int c = 0; c < np; c++) {
					if (part[c]->compact)
						continue; /* its searches depend on each other */
					found[s][c] = q[nq].found;
					if (lm->mix) {
						ds_lm_mix_ctx(lm, c, &st[s], &ctx[nq]);
						ds_lm_mix_ids(lm, c, &word, 1, &q[nq].slot);
					} else {
						ctx[nq].len = st[s].len;
						memcpy(ctx[nq].words, st[s].words, sizeof ctx[nq].words);
						q[nq].slot = span_id(lm, word);
					}
					q[nq].m = part[c];
					q[nq].ctx = &ctx[nq];
					if (q[nq].slot >= part[c]->vocab)
						q[nq].slot = DS_LM_UNK;
					nq++;
				}
			}
			find_queries(q, nq);
			for (size_t s = 0; s < m; s++) {
				float p;
				if (i >= end[s])
					continue;
				if (w[at + s][i] == DS_LM_BOS) {
					ds_lm_begin(lm, &st[s]);
					p = 0;
				} else if (lm->mix) {
					p = ds_lm_mix_score_found(lm, &st[s], w[at + s][i], &st[s], NULL,
								  found[s]);
				} else {
					p = score_state(lm, &st[s], w[at + s][i], &st[s], NULL, found[s][0]);
				}
				total[at + s] += p;
				if (per_word && per_word[at + s])
					per_word[at + s][i] = p;
			}
		}
	}
}

double ds_lm_score_span(const struct ds_lm *lm, const struct ds_lm_state *in, const ds_lm_id *w,
			size_t n, struct ds_lm_state *out, float *per_word, int *ngram_len)
{
	return lm->mix ? span_mix(lm, in, w, n, NULL, out, per_word, ngram_len)
		       : span1(lm, in, w, n, NULL, out, per_word, ngram_len);
}

double ds_lm_score_span_states(const struct ds_lm *lm, const struct ds_lm_state *in,
			       const ds_lm_id *w, size_t n, struct ds_lm_state *before,
			       struct ds_lm_state *out, float *per_word, int *ngram_len)
{
	return lm->mix ? span_mix(lm, in, w, n, before, out, per_word, ngram_len)
		       : span1(lm, in, w, n, before, out, per_word, ngram_len);
}

double ds_lm_score_sentence(const struct ds_lm *lm, const ds_lm_id *w, size_t n)
{
	struct ds_lm_state st;
	double total;
	ds_lm_begin(lm, &st);
	total = ds_lm_score_span(lm, &st, w, n, &st, NULL, NULL);
	return total + ds_lm_score(lm, &st, DS_LM_EOS, &st, NULL);
}

/* ---- documents to model words ------------------------------------------- */

const char *ds_lm_tok_word(const struct ds_doc *doc, size_t i, size_t *len)
{
	const struct ds_token *t = &doc->tok[i];
	if (t->kind == DS_TOK_NUM) {
		const char *c = ds_num_class(ds_tok_norm(doc, i), t->norm_len);
		if (c) {
			*len = strlen(c);
			return c;
		}
	}
	*len = t->norm_len;
	return ds_tok_lower(doc, i);
}

int ds_lm_doc_words(const struct ds_doc *doc, ds_lm_word_fn fn, void *ctx)
{
	for (size_t s = 0; s < doc->nsent; s++) {
		const struct ds_sent *se = &doc->sent[s];
		int rc;
		if (se->boiler || se->tok_end <= se->tok_begin)
			continue;
		if ((rc = fn(ctx, "<s>", 3, DS_LM_NO_TOK)) != 0)
			return rc;
		for (uint32_t i = se->tok_begin; i < se->tok_end; i++) {
			size_t len;
			const char *w;
			if (doc->tok[i].flags & DS_TF_BOILER)
				continue;
			w = ds_lm_tok_word(doc, i, &len);
			if ((rc = fn(ctx, w, len, i)) != 0)
				return rc;
		}
		if ((rc = fn(ctx, "</s>", 4, DS_LM_NO_TOK)) != 0)
			return rc;
	}
	return 0;
}

static int seq_push(struct ds_lm_seq *seq, ds_lm_id id, uint32_t tok)
{
	if (seq->n == seq->cap) {
		size_t nc = seq->cap ? seq->cap * 2 : 256;
		ds_lm_id *ni = realloc(seq->id, nc * sizeof *ni);
		uint32_t *nt;
		if (!ni)
			return DS_ENOMEM;
		seq->id = ni;
		nt = realloc(seq->tok, nc * sizeof *nt);
		if (!nt)
			return DS_ENOMEM;
		seq->tok = nt;
		seq->cap = nc;
	}
	seq->id[seq->n] = id;
	seq->tok[seq->n] = tok;
	seq->n++;
	return 0;
}

int ds_lm_doc_seq(const struct ds_lm *lm, const struct ds_doc *doc, struct ds_lm_seq *seq)
{
	seq->n = 0;
	for (size_t s = 0; s < doc->nsent; s++) {
		const struct ds_sent *se = &doc->sent[s];
		if (se->boiler || se->tok_end <= se->tok_begin)
			continue;
		if (seq_push(seq, DS_LM_BOS, DS_LM_NO_TOK))
			return DS_ENOMEM;
		for (uint32_t i = se->tok_begin; i < se->tok_end; i++) {
			size_t len;
			const char *w;
			if (doc->tok[i].flags & DS_TF_BOILER)
				continue;
			w = ds_lm_tok_word(doc, i, &len);
			if (seq_push(seq, ds_lm_vocab(lm, w, len), i))
				return DS_ENOMEM;
		}
		if (seq_push(seq, DS_LM_EOS, DS_LM_NO_TOK))
			return DS_ENOMEM;
	}
	return 0;
}

void ds_lm_seq_free(struct ds_lm_seq *seq)
{
	if (!seq)
		return;
	free(seq->id);
	free(seq->tok);
	seq->id = NULL;
	seq->tok = NULL;
	seq->n = seq->cap = 0;
}

/* ---- enumerating n-grams (ARPA output, the bigrams of word vectors) ------- */

/* Fills ids (n words) of the entry at slot of order n. */
static void slot_ids(const struct ds_lm *lm, int n, uint32_t slot, uint32_t *ids)
{
	for (int k = 0; k < n - 1; k++) {
		if (lm->compact) {
			ids[k] = lmq_word(lm, n - k, slot);
			slot = ds_lmq_parent(lm, n - k, slot);
			continue;
		}
		const struct lm_ent *e = &lm->tab[n - k - 1][slot];
		ids[k] = e->word;
		slot = e->suffix;
	}
	ids[n - 1] = slot;
}

/* The values of the entry at slot of order n >= 2. */
static float slot_prob(const struct ds_lm *lm, int n, uint32_t slot)
{
	return lm->compact ? lmq_prob(lm, n, slot) : lm->tab[n - 1][slot].prob;
}

static float slot_backoff(const struct ds_lm *lm, int n, uint32_t slot)
{
	return lm->compact ? lmq_backoff(lm, n, slot) : lm->tab[n - 1][slot].backoff;
}

int ds_lm_each_bigram(const struct ds_lm *lm, ds_lm_bigram_fn fn, void *ud)
{
	uint64_t cnt = 0;
	if (lm->mix || lm->order < 2)
		return DS_EINVAL;
	for (uint64_t s = 0; s < (lm->compact ? lm->h->count[1] : lm->slots[1]) && cnt < lm->h->count[1];
	     s++) {
		uint32_t ids[2];
		int rc;
		if (!lm->compact && lm->tab[1][s].word == EMPTY)
			continue;
		cnt++;
		slot_ids(lm, 2, (uint32_t)s, ids);
		if ((rc = fn(ud, ids[0], ids[1], slot_prob(lm, 2, (uint32_t)s))) != 0)
			return rc;
	}
	return 0;
}

float ds_lm_unigram(const struct ds_lm *lm, ds_lm_id w)
{
	return lm->mix || w >= lm->vocab ? -99.0f : lm->uni[w].prob;
}

/* Rows of word ids compared on their first *(int *)width ids. */
static int cmp_ids(const void *a, const void *b, void *width)
{
	const uint32_t *x = a, *y = b;
	int w = *(const int *)width;
	for (int i = 0; i < w; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int put_float(struct ds_buf *b, float f)
{
	if (f == 0.0f)
		return ds_buf_puts(b, "0");
	return ds_buf_printf(b, "%.9g", (double)f);
}

int ds_lm_write_arpa(const struct ds_lm *lm, const char *path, struct ds_err *err)
{
	struct ds_afile f;
	struct ds_buf b = DS_BUF_INIT;
	uint32_t *rows = NULL;
	int rc;

	if (lm->mix)
		return ds_err_set(err, DS_EINVAL, "%s: a mixture of models has no ARPA form", path);
	rc = ds_afile_open(&f, path, err);
	if (rc)
		return rc;
	rc = DS_ENOMEM;
	if (ds_buf_puts(&b, "\\data\\\n"))
		goto nomem;
	for (int n = 1; n <= lm->order; n++)
		if (ds_buf_printf(&b, "ngram %d=%llu\n", n, (unsigned long long)lm->h->count[n - 1]))
			goto nomem;
	for (int n = 1; n <= lm->order; n++) {
		size_t cnt = 0, w = (size_t)n + 1;
		if (ds_buf_printf(&b, "\n\\%d-grams:\n", n))
			goto nomem;
		if (n == 1) {
			for (uint32_t i = 0; i < lm->vocab; i++) {
				if (put_float(&b, lm->uni[i].prob) || ds_buf_putc(&b, '\t') ||
				    ds_buf_puts(&b, ds_lm_word(lm, i)))
					goto nomem;
				if (lm->order > 1 && (ds_buf_putc(&b, '\t') || put_float(&b, lm->uni[i].backoff)))
					goto nomem;
				if (ds_buf_putc(&b, '\n'))
					goto nomem;
			}
			ds_afile_write(&f, b.data, b.len);
			b.len = 0;
			continue;
		}
		free(rows);
		rows = malloc((lm->h->count[n - 1] + 1) * w * sizeof *rows);
		if (!rows)
			goto nomem;
		for (uint64_t s = 0; s < (lm->compact ? lm->h->count[n - 1] : lm->slots[n - 1]); s++) {
			if (!lm->compact && lm->tab[n - 1][s].word == EMPTY)
				continue;
			if (cnt >= lm->h->count[n - 1])
				break;
			slot_ids(lm, n, (uint32_t)s, rows + cnt * w);
			rows[cnt * w + n] = (uint32_t)s;
			cnt++;
		}
		if (ds_sort(rows, cnt, w * sizeof *rows, cmp_ids, &n))
			goto nomem;
		for (size_t i = 0; i < cnt; i++) {
			const uint32_t *r = rows + i * w;
			if (put_float(&b, slot_prob(lm, n, r[n])))
				goto nomem;
			for (int k = 0; k < n; k++)
				if (ds_buf_putc(&b, k ? ' ' : '\t') || ds_buf_puts(&b, ds_lm_word(lm, r[k])))
					goto nomem;
			if (n < lm->order && (ds_buf_putc(&b, '\t') || put_float(&b, slot_backoff(lm, n, r[n]))))
				goto nomem;
			if (ds_buf_putc(&b, '\n'))
				goto nomem;
			if (b.len > (1u << 20)) {
				ds_afile_write(&f, b.data, b.len);
				b.len = 0;
			}
		}
		ds_afile_write(&f, b.data, b.len);
		b.len = 0;
	}
	if (ds_buf_puts(&b, "\n\\end\\\n"))
		goto nomem;
	ds_afile_write(&f, b.data, b.len);
	free(rows);
	ds_buf_free(&b);
	return ds_afile_commit(&f, err);
nomem:
	free(rows);
	ds_buf_free(&b);
	ds_afile_abort(&f);
	return ds_err_set(err, rc, "%s: out of memory writing the ARPA file", path);
}

/* ---- ARPA reader ------------------------------------------------------------ */

struct arpa_rd {
	const char *p, *end;
	const char *name;
	size_t line;
};

/* Next line [*s, *e) without the newline; 0 at the end of the input. */
static int next_line(struct arpa_rd *r, const char **s, const char **e)
{
	const char *nl;
	if (r->p >= r->end)
		return 0;
	nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	*s = r->p;
	*e = nl ? nl : r->end;
	r->p = nl ? nl + 1 : r->end;
	r->line++;
	if (*e > *s && (*e)[-1] == '\r')
		(*e)--;
	return 1;
}

static int blank(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s == e;
}

/* Parses a float field at *s (before e); advances past it. */
static int parse_float(const char **s, const char *e, float *out)
{
	char buf[64];
	const char *q = *s;
	size_t n;
	char *endp;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	n = 0;
	while (q + n < e && q[n] != ' ' && q[n] != '\t')
		n++;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, q, n);
	buf[n] = 0;
	errno = 0;
	*out = strtof(buf, &endp);
	if (*endp || errno == EINVAL || !isfinite(*out)) /* "nan", "inf" (-99 is log 0) */
		return -1;
	*s = q + n;
	return 0;
}

static int next_field(const char **s, const char *e, const char **fs, size_t *fl)
{
	const char *q = *s;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q == e)
		return 0;
	*fs = q;
	while (q < e && *q != ' ' && *q != '\t')
		q++;
	*fl = (size_t)(q - *fs);
	*s = q;
	return 1;
}

struct ds_lm *ds_lm_load_arpa(const char *path, struct ds_err *err)
{
	struct ds_map m;
	struct arpa_rd r;
	struct ds_lm_words *v = NULL;
	struct ds_lm_lists L;
	struct ds_lm *lm = NULL;
	uint64_t want[DS_LM_MAX_ORDER] = {0};
	float *uprob = NULL, *uback = NULL;
	const char *s, *e;
	int N = 0;

	memset(&L, 0, sizeof L);
	if (ds_map_open(&m, path, err))
		return NULL;
	r.p = (const char *)m.data;
	r.end = r.p + m.len;
	r.name = path;
	r.line = 0;

	/* header */
	for (;;) {
		if (!next_line(&r, &s, &e)) {
			ds_err_set(err, DS_EFORMAT, "%s: not an ARPA file (no \\data\\ line)", path);
			goto fail;
		}
		if (e - s >= 6 && memcmp(s, "\\data\\", 6) == 0)
			break;
	}
	for (;;) {
		unsigned n;
		unsigned long long c;
		char buf[128];
		if (!next_line(&r, &s, &e)) {
			ds_err_set(err, DS_EFORMAT, "%s: ends inside the \\data\\ section", path);
			goto fail;
		}
		if (blank(s, e)) {
			if (N)
				break;
			continue;
		}
		if ((size_t)(e - s) >= sizeof buf || (memcpy(buf, s, (size_t)(e - s)), buf[e - s] = 0,
		    sscanf(buf, "ngram %u=%llu", &n, &c) != 2)) {
			ds_err_set(err, DS_EFORMAT, "%s:%zu: expected 'ngram N=COUNT'", path, r.line);
			goto fail;
		}
		if (n != (unsigned)N + 1 || n > DS_LM_MAX_ORDER) {
			ds_err_set(err, DS_EFORMAT, "%s:%zu: n-gram order %u %s", path, r.line, n,
				   n > DS_LM_MAX_ORDER ? "is more than despin supports (6)" : "out of sequence");
			goto fail;
		}
		if (c > m.len / 4) { /* each entry takes a line of 4 bytes or more */
			ds_err_set(err, DS_EFORMAT, "%s:%zu: '%.*s': more n-grams than the file can hold",
				   path, r.line, (int)(e - s), s);
			goto fail;
		}
		N = (int)n;
		want[n - 1] = c;
	}
	if (want[0] == 0 || want[0] > 100000000) {
		ds_err_set(err, DS_EFORMAT, "%s: bad number of 1-grams", path);
		goto fail;
	}
	v = ds_lm_words_new();
	if (!v)
		goto nomem;
	L.order = N;
	for (int n = 1; n <= N; n++) {
		struct ds_lm_grams *g = &L.g[n - 1];
		size_t cap = (size_t)want[n - 1] + (n == 1 ? 3 : 0);
		char hdr[32];
		snprintf(hdr, sizeof hdr, "\\%d-grams:", n);
		while (next_line(&r, &s, &e) && blank(s, e))
			;
		if (r.p > r.end || (size_t)(e - s) < strlen(hdr) || memcmp(s, hdr, strlen(hdr)) != 0) {
			ds_err_set(err, DS_EFORMAT, "%s:%zu: expected '%s'", path, r.line, hdr);
			goto fail;
		}
		if (n == 1) {
			uprob = malloc(cap * sizeof *uprob);
			uback = malloc(cap * sizeof *uback);
			if (!uprob || !uback)
				goto nomem;
			for (size_t i = 0; i < cap; i++) {
				uprob[i] = 0;
				uback[i] = 0;
			}
			uprob[DS_LM_UNK] = -100.0f;
		} else {
			g->ids = malloc(cap * (size_t)n * sizeof *g->ids);
			g->prob = malloc(cap * sizeof *g->prob);
			g->backoff = n < N ? malloc(cap * sizeof *g->backoff) : NULL;
			if (!g->ids || !g->prob || (n < N && !g->backoff))
				goto nomem;
		}
		for (uint64_t k = 0; k < want[n - 1]; k++) {
			const char *q, *fs;
			size_t fl;
			float pr, bo = 0;
			uint32_t ids[DS_LM_MAX_ORDER];
			if (!next_line(&r, &s, &e) || blank(s, e)) {
				ds_err_set(err, DS_EFORMAT, "%s:%zu: %d-gram section holds %llu entries, header says %llu",
					   path, r.line, n, (unsigned long long)k, (unsigned long long)want[n - 1]);
				goto fail;
			}
			q = s;
			if (parse_float(&q, e, &pr))
				goto badline;
			for (int i = 0; i < n; i++) {
				int64_t id;
				if (!next_field(&q, e, &fs, &fl))
					goto badline;
				if (n == 1) {
					id = ds_lm_words_add(v, fs, fl);
					if (id < 0)
						goto nomem;
					if ((uint64_t)id >= cap)
						goto badline;
				} else {
					id = ds_lm_words_find(v, fs, fl);
					if (id < 0) {
						ds_err_set(err, DS_EFORMAT, "%s:%zu: word '%.*s' is not among the 1-grams",
							   path, r.line, (int)fl, fs);
						goto fail;
					}
				}
				ids[i] = (uint32_t)id;
			}
			if (next_field(&q, e, &fs, &fl)) {
				q = fs;
				if (n == N || parse_float(&q, e, &bo))
					goto badline;
				if (next_field(&q, e, &fs, &fl))
					goto badline;
			}
			if (n == 1) {
				uprob[ids[0]] = pr;
				uback[ids[0]] = bo;
			} else {
				memcpy(g->ids + g->n * (size_t)n, ids, (size_t)n * sizeof *ids);
				g->prob[g->n] = pr;
				if (g->backoff)
					g->backoff[g->n] = bo;
				g->n++;
			}
			continue;
badline:
			ds_err_set(err, DS_EFORMAT, "%s:%zu: malformed %d-gram line", path, r.line, n);
			goto fail;
		}
	}
	while (next_line(&r, &s, &e) && blank(s, e))
		;
	if ((size_t)(e - s) < 5 || memcmp(s, "\\end\\", 5) != 0) {
		ds_err_set(err, DS_EFORMAT, "%s:%zu: expected '\\end\\'", path, r.line);
		goto fail;
	}
	L.vocab = ds_lm_words_count(v);
	L.words = ds_lm_words_list(v);
	if (!L.words)
		goto nomem;
	L.g[0].n = L.vocab;
	L.g[0].prob = uprob;
	L.g[0].backoff = uback;
	lm = ds_lm_build(&L, path, err);
	goto done;
nomem:
	ds_err_set(err, DS_ENOMEM, "%s: out of memory reading the ARPA file", path);
fail:
	lm = NULL;
done:
	for (int n = 2; n <= DS_LM_MAX_ORDER; n++) {
		free(L.g[n - 1].ids);
		free(L.g[n - 1].prob);
		free(L.g[n - 1].backoff);
	}
	free(uprob);
	free(uback);
	ds_lm_words_free(v);
	ds_map_close(&m);
	return lm;
}
