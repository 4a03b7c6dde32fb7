/*
 * vec.h - word vectors learned from a corpus: positive pointwise mutual
 * information (PPMI) of co-occurrence within a small window, reduced to a
 * few dimensions with GSL's singular value decomposition.  Two words used
 * in the same contexts ("start" / "begin", "purchase" / "buy") get vectors
 * pointing the same way, whether or not a thesaurus lists them.
 *
 * File: models/vec.bin (binfmt kind "VEC"), built by 'make models' with
 * 'despin vec build'.  Payload (little-endian, 8-byte aligned):
 *     uint32 nwords, dim, blob_len, cap
 *     uint32 off[nwords]        word offsets in blob, sorted by word bytes
 *                               (padded to 8 bytes)
 *     float  v[nwords * dim]    unit vectors, in the order of off
 *     char   blob[blob_len]     lower-case words, NUL-terminated
 *                               (padded to 4 bytes)
 *     uint32 slot[cap]          since version 2: a hash of the words
 *                               (ds_vec_fill_slots), stored so that a
 *                               start need not build it from every word
 *
 * A struct ds_vec is read-only after loading and may be shared by threads.
 */
#ifndef DS_VEC_H
#define DS_VEC_H

#include <stddef.h>

#include "util.h"

#define DS_VEC_KIND "VEC"
#define DS_VEC_VERSION 2
#define DS_VEC_MAX_DIM 512

struct ds_vec;

/* The word hash of a model: open addressing with linear probing on
 * ds_hash64 of each word, word index + 1 per slot, 0 empty; cap (a power of
 * two, ds_vec_slots_cap(n); 0 for more than 2^30 words, which no model
 * holds) slots.  For the builder (vec_build.c). */
uint32_t ds_vec_slots_cap(uint32_t n);
void ds_vec_fill_slots(const uint32_t *off, const char *blob, uint32_t n, uint32_t *slot,
		       uint32_t cap);

/* Maps path; NULL with err set (naming the file and "make models"). */
struct ds_vec *ds_vec_load(const char *path, struct ds_err *err);
void ds_vec_free(struct ds_vec *v);

size_t ds_vec_words(const struct ds_vec *v);
/* The model file's id (binfmt.h ds_bin_map_id). */
uint32_t ds_vec_file_id(const struct ds_vec *v);
size_t ds_vec_dim(const struct ds_vec *v);
/* The unit vector of a lower-case word of n bytes, or NULL if unknown. */
const float *ds_vec_get(const struct ds_vec *v, const char *w, size_t n);
/* Word i (0 <= i < ds_vec_words), in byte order. */
const char *ds_vec_word(const struct ds_vec *v, size_t i);
/* Cosine similarity of two lower-case words or phrases (words separated by
 * single spaces; a phrase is the mean of its known words).  Returns
 * DS_VEC_UNKNOWN when a side has no known word. */
#define DS_VEC_UNKNOWN (-2.0)
double ds_vec_sim(const struct ds_vec *v, const char *a, size_t an, const char *b, size_t bn);
/* One word's vector (x NULL: unknown) and squared norm, looked up once to
 * compare the word with many phrases: ds_vec_sim_word(v, a, an, &w) is
 * ds_vec_sim(v, a, an, word, n) to the bit.  x points into v. */
struct ds_vec_word {
	const float *x;
	double norm2;
};
void ds_vec_word_of(const struct ds_vec *v, const char *w, size_t n, struct ds_vec_word *out);
double ds_vec_sim_word(const struct ds_vec *v, const char *a, size_t an,
		       const struct ds_vec_word *b);

struct ds_vec_build_opts {
	unsigned min_count;  /* least corpus count of a word (0: 10) */
	unsigned max_words;  /* most frequent words kept (0: 20000) */
	unsigned contexts;   /* most frequent words used as contexts (0: 800) */
	unsigned window;     /* words either side (0: 2) */
	unsigned dim;        /* dimensions kept (0: 64) */
};

/* Learns vectors from a text corpus (one or more sentences a line) and
 * writes them to out atomically.  Returns 0 or a DS_E* code with err set. */
int ds_vec_build(const char *corpus, const struct ds_vec_build_opts *o, const char *out,
		 struct ds_err *err);

/* Learns vectors from the bigrams of a language model (not a mixture)
 * instead of a corpus: a word's contexts are its left and right neighbours
 * among the o->contexts likeliest words (0: 800 each side; <s> among the
 * left, </s> among the right), weighed by their pointwise mutual
 * information, log P(b | a) - log P(b) of each bigram "a b" the model
 * holds, when positive; rows are the o->max_words likeliest words (0:
 * 40000) of lower-case letters, apostrophes and hyphens; o->dim as above;
 * min_count and window are not used.  A model of a large corpus (CMU
 * Sphinx's US English 3-gram) knows far more words in far more contexts
 * than a corpus small enough to read.  Writes out atomically; returns 0 or
 * a DS_E* code with err set.  lm stays the caller's. */
struct ds_lm;
int ds_vec_build_lm(const struct ds_lm *lm, const struct ds_vec_build_opts *o, const char *out,
		    struct ds_err *err);

#endif
