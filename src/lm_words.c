/*
 * lm_words.c - a growing vocabulary: word strings -> dense ids (see
 * lm_words.h): the util hash map on 64-bit word hashes, strings in one pool.
 */
#include "lm_words.h"
#include "lm.h"

#include <stdlib.h>
#include <string.h>

#define WORDS_SEED 0x6c6d766f63616231ULL   /* "lmvocab1" */

struct ds_lm_words {
	struct ds_hmap map;  /* ds_hash64 of the word -> id */
	size_t n;
	char *pool;
	size_t pool_len, pool_cap;
	uint32_t *off;
	size_t off_cap;
	const char **list;
};

struct ds_lm_words *ds_lm_words_new(void)
{
	struct ds_lm_words *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	if (ds_hmap_reserve(&v->map, 700) || ds_lm_words_add(v, "<unk>", 5) != DS_LM_UNK ||
	    ds_lm_words_add(v, "<s>", 3) != DS_LM_BOS || ds_lm_words_add(v, "</s>", 4) != DS_LM_EOS) {
		ds_lm_words_free(v);
		return NULL;
	}
	return v;
}

void ds_lm_words_free(struct ds_lm_words *v)
{
	if (!v)
		return;
	ds_hmap_free(&v->map);
	free(v->pool);
	free(v->off);
	free(v->list);
	free(v);
}

struct words_probe {
	const struct ds_lm_words *v;
	const char *w;
	size_t len;
};

static int words_eq(const void *ctx, uint32_t id)
{
	const struct words_probe *p = ctx;
	const char *s = p->v->pool + p->v->off[id];
	return strncmp(s, p->w, p->len) == 0 && s[p->len] == 0;
}

int64_t ds_lm_words_find(const struct ds_lm_words *v, const char *w, size_t len)
{
	struct words_probe p = {v, w, len};
	const uint32_t *id = ds_hmap_find(&v->map, ds_hash64(w, len, WORDS_SEED), words_eq, &p);
	return id ? (int64_t)*id : -1;
}

int64_t ds_lm_words_add(struct ds_lm_words *v, const char *w, size_t len)
{
	struct words_probe p = {v, w, len};
	uint32_t *id;
	int is_new;
	if (v->n >= UINT32_MAX - 1)
		return DS_ETOOBIG;
	if (v->pool_len + len + 1 > UINT32_MAX)
		return DS_ETOOBIG;
	if (ds_grow(&v->pool, &v->pool_cap, v->pool_len + len + 1, 1) ||
	    ds_grow(&v->off, &v->off_cap, v->n + 1, sizeof *v->off))
		return DS_ENOMEM;
	id = ds_hmap_put(&v->map, ds_hash64(w, len, WORDS_SEED), (uint32_t)v->n, words_eq, &p,
			 &is_new);
	if (!id)
		return DS_ENOMEM;
	if (!is_new)
		return *id;
	memcpy(v->pool + v->pool_len, w, len);
	v->pool[v->pool_len + len] = 0;
	v->off[v->n] = (uint32_t)v->pool_len;
	v->pool_len += len + 1;
	return (int64_t)v->n++;
}

uint32_t ds_lm_words_count(const struct ds_lm_words *v)
{
	return (uint32_t)v->n;
}

const char *const *ds_lm_words_list(struct ds_lm_words *v)
{
	const char **nl = realloc(v->list, (v->n + 1) * sizeof *nl);
	if (!nl)
		return NULL;
	v->list = nl;
	for (size_t i = 0; i < v->n; i++)
		nl[i] = v->pool + v->off[i];
	nl[v->n] = NULL;
	return nl;
}
