/*
 * stem.h - Snowball (libstemmer) English stemming.
 *
 * A struct ds_stemmer is NOT thread-safe: give each thread its own.  It
 * keeps a cache of the stems it has computed, which grows with the words
 * seen (at most about 3 MB).
 */
#ifndef DS_STEM_H
#define DS_STEM_H

#include <stddef.h>
#include <stdint.h>

struct ds_stemmer;

/* Returns a new English stemmer or NULL when out of memory. */
struct ds_stemmer *ds_stemmer_new(void);
void ds_stemmer_free(struct ds_stemmer *st);

/* Stems a lower-case UTF-8 word of n bytes.  The result is word itself
 * when the word is its own stem, else it belongs to the stemmer and is
 * valid until the next call on it; *out_len gets its length (the result
 * is not NUL-terminated).  Returns NULL only when out of memory. */
const char *ds_stem(struct ds_stemmer *st, const char *word, size_t n, size_t *out_len);

/* The same for a word whose cache key ds_stem_key gave; with
 * ds_stem_prefetch, a pass over many words asks for the cache lines of the
 * next words before it stems this one, so that their misses overlap. */
uint64_t ds_stem_key(const char *word, size_t n);
void ds_stem_prefetch(const struct ds_stemmer *st, uint64_t key);
const char *ds_stem_keyed(struct ds_stemmer *st, uint64_t key, const char *word,
			  size_t n, size_t *out_len);

#endif
