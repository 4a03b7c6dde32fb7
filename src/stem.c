/* stem.c - libstemmer's English (Porter2) stemmer with a cache of the
 * words already stemmed: a text repeats its words, and looking a stem up is
 * far cheaper than computing it again. */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libstemmer.h>

#include "util.h"

#define CACHE_SLOTS (1u << 16)        /* power of two */
#define CACHE_PROBES 8
#define ARENA_BYTES (1u << 20)        /* stems kept; the cache restarts when full */
#define CACHE_MAX_WORD 64             /* longer words are not cached */

struct cache_ent {
	uint64_t hash;                /* of the word; 0 = empty */
	uint32_t off;                 /* of the stem in the arena */
	uint32_t len;
};

struct ds_stemmer {
	struct sb_stemmer *sb;
	struct cache_ent *cache;
	char *arena;
	size_t used;
};

struct ds_stemmer *ds_stemmer_new(void)
{
	struct ds_stemmer *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->sb = sb_stemmer_new("english", "UTF_8");
	st->cache = calloc(CACHE_SLOTS, sizeof *st->cache);
	st->arena = malloc(ARENA_BYTES);
	if (!st->sb || !st->cache || !st->arena) {
		ds_stemmer_free(st);
		return NULL;
	}
	return st;
}

void ds_stemmer_free(struct ds_stemmer *st)
{
	if (!st)
		return;
	if (st->sb)
		sb_stemmer_delete(st->sb);
	free(st->cache);
	free(st->arena);
	free(st);
}

const char *ds_stem(struct ds_stemmer *st, const char *word, size_t n, size_t *out_len)
{
	const sb_symbol *r;
	uint64_t h = 0;
	size_t slot = 0, len;
	if (n <= CACHE_MAX_WORD) {
		h = ds_hash64(word, n, 0x57e3) | 1;
		slot = (size_t)h & (CACHE_SLOTS - 1);
		for (int p = 0; p < CACHE_PROBES; p++) {
			const struct cache_ent *e = &st->cache[(slot + (size_t)p) & (CACHE_SLOTS - 1)];
			if (e->hash == h) {
				*out_len = e->len;
				return st->arena + e->off;
			}
			if (!e->hash)
				break;
		}
	}
	r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)n);
	if (!r)
		return NULL;
	len = (size_t)sb_stemmer_length(st->sb);
	*out_len = len;
	if (!h)
		return (const char *)r;
	if (st->used + len + 1 > ARENA_BYTES) { /* full: start again */
		memset(st->cache, 0, CACHE_SLOTS * sizeof *st->cache);
		st->used = 0;
	}
	for (int p = 0; p < CACHE_PROBES; p++) {
		struct cache_ent *e = &st->cache[(slot + (size_t)p) & (CACHE_SLOTS - 1)];
		if (!e->hash) {
			memcpy(st->arena + st->used, r, len);
			st->arena[st->used + len] = 0;
			e->hash = h;
			e->off = (uint32_t)st->used;
			e->len = (uint32_t)len;
			st->used += len + 1;
			return st->arena + e->off;
		}
	}
	return (const char *)r; /* neighbourhood full: not cached */
}
