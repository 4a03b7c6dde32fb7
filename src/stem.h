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

struct ds_stemmer;

/* Returns a new English stemmer or NULL when out of memory. */
struct ds_stemmer *ds_stemmer_new(void);
void ds_stemmer_free(struct ds_stemmer *st);

/* Stems a lower-case UTF-8 word of n bytes.  The result is word itself
 * when the word is its own stem, else it belongs to the stemmer and is
 * valid until the next call on it; *out_len gets its length (the result
 * is not NUL-terminated).  Returns NULL only when out of memory. */
const char *ds_stem(struct ds_stemmer *st, const char *word, size_t n, size_t *out_len);

#endif
