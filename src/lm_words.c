/*
 * lm_words.c - a growing vocabulary: word strings -> dense ids (see
 * lm_words.h).  Open addressing on 64-bit word hashes, strings in one pool.
 */
#include "lm_words.h"
#include "lm.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY UINT32_MAX
#define WORDS_SEED 0x6c6d766f63616231ULL   /* "lmvocab1" */

static inline uint64_t fastrange(uint64_t h, uint64_t n)
{
	return (uint64_t)(((__uint128_t)h * n) >> 64);
}

struct ds_lm_words {
	uint64_t *hash;
	uint32_t *id;
	size_t slots, n;
	char *pool;
	size_t pool_len, pool_cap;
	uint32_t *off;
	size_t off_cap;
	const char **list;
};

static int words_rehash(struct ds_lm_words *v, size_t slots)
{
	uint64_t *nh = malloc(slots * sizeof *nh);
	uint32_t *ni = malloc(slots * sizeof *ni);
	if (!nh || !ni) {
		free(nh);
		free(ni);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < slots; i++)
		ni[i] = EMPTY;
	for (size_t i = 0; i < v->slots; i++) {
		uint64_t j;
		if (v->id[i] == EMPTY)
			continue;
		j = fastrange(v->hash[i], slots);
		while (ni[j] != EMPTY)
			if (++j == slots)
				j = 0;
		nh[j] = v->hash[i];
		ni[j] = v->id[i];
	}
	free(v->hash);
	free(v->id);
	v->hash = nh;
	v->id = ni;
	v->slots = slots;
	return 0;
}

struct ds_lm_words *ds_lm_words_new(void)
{
	struct ds_lm_words *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	if (words_rehash(v, 1024) || ds_lm_words_add(v, "<unk>", 5) != DS_LM_UNK ||
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
	free(v->hash);
	free(v->id);
	free(v->pool);
	free(v->off);
	free(v->list);
	free(v);
}

static inline int words_eq(const struct ds_lm_words *v, uint32_t id, const char *w, size_t len)
{
	const char *s = v->pool + v->off[id];
	return strncmp(s, w, len) == 0 && s[len] == 0;
}

int64_t ds_lm_words_find(const struct ds_lm_words *v, const char *w, size_t len)
{
	uint64_t hh = ds_hash64(w, len, WORDS_SEED);
	uint64_t j = fastrange(hh, v->slots);
	for (;;) {
		if (v->id[j] == EMPTY)
			return -1;
		if (v->hash[j] == hh && words_eq(v, v->id[j], w, len))
			return v->id[j];
		if (++j == v->slots)
			j = 0;
	}
}

int64_t ds_lm_words_add(struct ds_lm_words *v, const char *w, size_t len)
{
	uint64_t hh = ds_hash64(w, len, WORDS_SEED);
	uint64_t j = fastrange(hh, v->slots);
	for (;;) {
		if (v->id[j] == EMPTY)
			break;
		if (v->hash[j] == hh && words_eq(v, v->id[j], w, len))
			return v->id[j];
		if (++j == v->slots)
			j = 0;
	}
	if (v->n >= EMPTY - 1)
		return DS_ETOOBIG;
	if (ds_grow(&v->pool, &v->pool_cap, v->pool_len + len + 1, 1) ||
	    ds_grow(&v->off, &v->off_cap, v->n + 1, sizeof *v->off))
		return DS_ENOMEM;
	if (v->pool_len + len + 1 > UINT32_MAX)
		return DS_ETOOBIG;
	memcpy(v->pool + v->pool_len, w, len);
	v->pool[v->pool_len + len] = 0;
	v->off[v->n] = (uint32_t)v->pool_len;
	v->pool_len += len + 1;
	v->hash[j] = hh;
	v->id[j] = (uint32_t)v->n;
	v->n++;
	if (v->n * 10 > v->slots * 7 && words_rehash(v, v->slots * 2))
		return DS_ENOMEM;
	return (int64_t)(v->n - 1);
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
