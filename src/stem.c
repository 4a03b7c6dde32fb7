/* stem.c - libstemmer's English (Porter2) stemmer with a cache of the
 * words already stemmed: a text repeats its words, and looking a stem up is
 * far cheaper than computing it again. */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libstemmer.h>

#include "util.h"

/* The cache starts small and grows with the words seen, so a short text
 * pays for a short cache; at its largest it restarts when its arena is full. */
#define CACHE_SLOTS_MIN (1u << 10)    /* power of two */
#define CACHE_SLOTS (1u << 17)        /* power of two, the largest */
#define CACHE_PROBES 8
#define ARENA_MIN (16u << 10)
#define ARENA_BYTES (1u << 20)        /* stems kept; the cache restarts when full */
#define CACHE_MAX_WORD 64             /* longer words are not cached */

struct cache_ent {
	uint64_t hash;                /* of the word; 0 = empty */
	uint32_t off;                 /* of the stem in the arena */
	uint32_t len;                 /* of the stem; SAME_WORD: the word itself */
};
#define SAME_WORD UINT32_MAX

struct ds_stemmer {
	struct sb_stemmer *sb;
	struct cache_ent *cache;
	size_t slots, count;          /* table size (power of two), entries */
	char *arena;
	size_t used, arena_cap;
};

struct ds_stemmer *ds_stemmer_new(void)
{
	struct ds_stemmer *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	st->sb = sb_stemmer_new("english", "UTF_8");
	st->slots = CACHE_SLOTS_MIN;
	st->arena_cap = ARENA_MIN;
	st->cache = calloc(st->slots, sizeof *st->cache);
	st->arena = malloc(st->arena_cap);
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

/* Places an entry in the first empty slot of its neighbourhood; 0 when
 * the neighbourhood is full. */
static struct cache_ent *slot_for(struct cache_ent *tab, size_t slots, uint64_t h)
{
	for (size_t p = 0; p < CACHE_PROBES; p++) {
		struct cache_ent *e = &tab[(h + p) & (slots - 1)];
		if (!e->hash)
			return e;
	}
	return NULL;
}

/* Four times the slots (at most CACHE_SLOTS), entries moved over; on
 * failure the table stays. */
static void grow_table(struct ds_stemmer *st)
{
	size_t ns = st->slots * 4 < CACHE_SLOTS ? st->slots * 4 : CACHE_SLOTS;
	struct cache_ent *nt = calloc(ns, sizeof *nt), *e;
	if (!nt)
		return;
	for (size_t i = 0; i < st->slots; i++)
		if (st->cache[i].hash && (e = slot_for(nt, ns, st->cache[i].hash)) != NULL)
			*e = st->cache[i];
	free(st->cache);
	st->cache = nt;
	st->slots = ns;
}

/* Room for n more arena bytes: the arena doubles up to ARENA_BYTES, then the
 * cache starts again.  0 when there is no room (out of memory). */
static int arena_room(struct ds_stemmer *st, size_t n)
{
	if (st->used + n <= st->arena_cap)
		return 1;
	if (st->arena_cap < ARENA_BYTES) {
		size_t nc = st->arena_cap;
		char *na;
		while (nc < st->used + n && nc < ARENA_BYTES)
			nc *= 2;
		if (st->used + n <= nc && (na = realloc(st->arena, nc)) != NULL) {
			st->arena = na;
			st->arena_cap = nc;
			return 1;
		}
		if (st->used + n <= nc)
			return 0;
	}
	memset(st->cache, 0, st->slots * sizeof *st->cache); /* full: start again */
	st->used = st->count = 0;
	return n <= st->arena_cap;
}

/* A new entry for key h (the table grown first when half full), its
 * hash set and counted; NULL when its neighbourhood is full. */
static struct cache_ent *cache_slot(struct ds_stemmer *st, uint64_t h)
{
	struct cache_ent *e;
	if ((st->count + 1) * 2 > st->slots && st->slots < CACHE_SLOTS)
		grow_table(st);
	if ((e = slot_for(st->cache, st->slots, h)) != NULL) {
		e->hash = h;
		st->count++;
	}
	return e;
}

const char *ds_stem(struct ds_stemmer *st, const char *word, size_t n, size_t *out_len)
{
	const sb_symbol *r;
	uint64_t h;
	size_t len;
	struct cache_ent *e;
	/* Porter2 leaves a word of fewer than three letters as it is */
	if (n <= 2) {
		*out_len = n;
		return word;
	}
	h = n <= CACHE_MAX_WORD ? ds_hash64(word, n, 0x57e3) | 1 : 0;
	if (h) {
		for (size_t p = 0; p < CACHE_PROBES; p++) {
			e = &st->cache[(h + p) & (st->slots - 1)];
			if (e->hash == h) {
				if (e->len == SAME_WORD) {
					*out_len = n;
					return word;
				}
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
	if (h && len == n && memcmp(r, word, n) == 0) {
		/* its own stem: nothing kept but the mark */
		if ((e = cache_slot(st, h)) != NULL) {
			e->off = 0;
			e->len = SAME_WORD;
		}
		return word;
	}
	if (!h || !arena_room(st, len + 1))
		return (const char *)r;
	if (!(e = cache_slot(st, h)))
		return (const char *)r; /* neighbourhood full: not cached */
	memcpy(st->arena + st->used, r, len);
	st->arena[st->used + len] = 0;
	e->off = (uint32_t)st->used;
	e->len = (uint32_t)len;
	st->used += len + 1;
	return st->arena + e->off;
}
