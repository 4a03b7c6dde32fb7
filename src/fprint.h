/*
 * fprint.h - spin-robust fingerprints: shingles of immutable tokens and of
 * stems, MinHash signatures and LSH band keys.
 *
 * A synonym spinner leaves alone what it has no synonym for: function words,
 * names, numbers (the "immutables" of DSpin, Zhang et al., NDSS 2014).  A
 * fingerprint holds two kinds of shingles of a document's non-boilerplate
 * tokens:
 *
 *   - immutable shingles: DS_FP_K_IMM consecutive immutable tokens (function
 *     words from a built-in list, with the ones spinners swap for one another
 *     reduced to one form: "towards" = "toward", "however" = "but", "would" =
 *     "will"; capitalised words that do not start a sentence; all-capital
 *     words; numbers reduced to their digits, number words up to twelve
 *     written as digits), the content words between them left out, so that
 *     replacing content words does not break them;
 *   - stem shingles: DS_FP_K_STEM consecutive stems of content words (the
 *     immutables between them left out), which survive where the spinner or
 *     a translation round trip kept the words or only changed their form.
 *
 * Every shingle is a 24-bit hash (stored in a uint32_t) whose lowest bit
 * tells its kind (0 immutable, 1 stem): an article's thousand shingles meet
 * another's by chance less than once in ten pairs, and sets store in about
 * 2 bytes a shingle.  The fingerprint keeps the sorted set of distinct hashes (what an
 * index stores per source) and, for the document itself, which sentence each
 * shingle came from, so that it can tell which share of the document another
 * set covers.
 *
 * Passages: every sentence with at least DS_FP_PASSAGE_MIN shingles gives
 * DS_FP_PASSAGE_BANDS keys, each a 64-bit hash of DS_FP_PASSAGE_ROWS minima
 * of the sentence's shingles under as many hash functions (MinHash LSH at
 * the level of a sentence).  A sentence of an article and the sentence of a
 * source it was spun from share a key with probability
 * 1 - (1 - J^r)^b for their Jaccard similarity J (r rows, b bands): with
 * the 4 bands of 1 row used, 0.59 at J = 0.2, 0.76 at 0.3 and 0.87 at 0.4.  An index keeps the keys of
 * every source sentence; a copy of a few paragraphs shares keys on each of
 * its sentences, however large the article or the source around them, so
 * containment is found as reliably as overall similarity.
 *
 * Thread rules: a struct ds_fprint is immutable after ds_fprint_new and may
 * be read by several threads.  The stemmer passed in is used only during the
 * call (one stemmer per thread, see stem.h).
 */
#ifndef DS_FPRINT_H
#define DS_FPRINT_H

#include "util.h"

struct ds_doc;
struct ds_stemmer;

/* Parameters; an index records DS_FP_VERSION and refuses other versions.
 * The version counts what decides the shingles, the boilerplate rules of
 * text.c included: 3 reads a bulleted list of sentences as text. */
#define DS_FP_VERSION 3
#define DS_FP_K_IMM 3    /* immutable tokens per immutable shingle */
#define DS_FP_K_STEM 2   /* content stems per stem shingle */
#define DS_FP_PASSAGE_MIN 6   /* shingles a sentence needs to give keys */
#define DS_FP_PASSAGE_BANDS 4 /* keys per sentence */
#define DS_FP_PASSAGE_ROWS 1  /* minima per key */
/* At most this many passage keys per document (the first sentences'). */
#define DS_FP_MAX_KEYS 1024

/* Kind bit of a shingle hash (its bit 0; a hash has DS_FP_HASH_BITS). */
#define DS_FP_KIND_IMM 0u
#define DS_FP_KIND_STEM 1u
#define DS_FP_HASH_BITS 24

struct ds_fprint;

/* Fingerprints doc (tokens flagged DS_TF_BOILER are left out).  Stems come
 * from ds_doc_stem when it has run; otherwise the lower-cased forms are
 * stemmed with st (st may be NULL only if the doc is already stemmed; with
 * neither, lower-cased forms are used, which will not match stemmed
 * fingerprints).  Returns NULL with err set when out of memory.  A document
 * without words gives an empty fingerprint (count 0), not an error.  Free
 * with ds_fprint_free. */
struct ds_fprint *ds_fprint_new(const struct ds_doc *doc, struct ds_stemmer *st,
				struct ds_err *err);
void ds_fprint_free(struct ds_fprint *fp);

/* The sorted set of distinct shingle hashes; points into fp. */
const uint32_t *ds_fprint_set(const struct ds_fprint *fp, size_t *n);
/* Distinct shingles of one kind (DS_FP_KIND_IMM or DS_FP_KIND_STEM). */
size_t ds_fprint_count_kind(const struct ds_fprint *fp, unsigned kind);
/* Words (word and number tokens outside boilerplate) fingerprinted. */
size_t ds_fprint_words(const struct ds_fprint *fp);

/* One passage key and the sentence that gave it. */
struct ds_fp_key {
	uint64_t key;
	uint32_t sent;
};
/* The passage keys of fp (at most DS_FP_MAX_KEYS, in sentence order, a key
 * repeated within a sentence given once) in a malloc'd array the caller
 * frees; *n their number.  Returns 0 or DS_ENOMEM (then *keys is NULL). */
int ds_fprint_passage_keys(const struct ds_fprint *fp, struct ds_fp_key **keys, size_t *n);

/* Sorts a[0..n) in ascending order (radix sort; tmp: room for n values,
 * overwritten; n < 2^32, as an article's keys are). */
void ds_fprint_sort64(uint64_t *a, uint64_t *tmp, size_t n);


/* A shingle hash as an index keeps it, a key: the hash's top b - 1 bits
 * and its kind (bit 0), b bits in all, where b depends on the size n of
 * the source's set (ds_fprint_rkey_bits): the bits that n sorted hashes
 * need plus DS_FP_RKEY_SLACK, at most DS_FP_HASH_BITS.  So a shingle of an
 * article meets a false match in a source's keys at most once in
 * 2^DS_FP_RKEY_SLACK, whatever the source's length (an article of 700
 * shingles: about one false common shingle a source, against hundreds of
 * true ones in a copy), and a store keeps about DS_FP_RKEY_SLACK + 2 bits
 * a shingle, Rice-coded, instead of about 16 for the hash of a source of
 * 700.  A store's sets hold these keys, sorted, one per shingle (two
 * hashes of a source that share a key are both kept). */
#define DS_FP_RKEY_SLACK 9
static inline int ds_fprint_rkey_bits(size_t n)
{
	int b = DS_FP_RKEY_SLACK + 1;
	while (b < DS_FP_HASH_BITS && ((size_t)1 << (b - DS_FP_RKEY_SLACK)) < n)
		b++;
	return b;
}
static inline uint32_t ds_fprint_rkey(uint32_t h, int bits)
{
	return (h >> (DS_FP_HASH_BITS + 1 - bits)) << 1 | (h & 1u);
}
/* Turns a sorted set of n hashes into its sorted keys (of
 * ds_fprint_rkey_bits(n) bits), in place; n stays. */
void ds_fprint_reduce(uint32_t *set, size_t n);

/* Share (0..1) of fp's document that the sorted set src covers: the words of
 * its covered sentences over the words of the sentences that have shingles.
 * A sentence is covered when at least a quarter (and at least two, or the
 * only one) of its shingles are in src and one of them is a stem shingle
 * or half of them are (a few shared function-word runs are chance). */
double ds_fprint_coverage(const struct ds_fprint *fp, const uint32_t *src, size_t nsrc);

/* Sentences of fp's document (doc->nsent) and the words of sentence i. */
size_t ds_fprint_nsents(const struct ds_fprint *fp);
uint32_t ds_fprint_sent_words(const struct ds_fprint *fp, size_t i);
/* For each sentence i of fp's document, out[i] = the share of its shingles
 * found in src when src covers it (see ds_fprint_coverage), 0 otherwise;
 * src is a store's set of keys (ds_fprint_reduce), compared with the keys
 * of fp's hashes.  out has ds_fprint_nsents(fp) entries.  Returns the words
 * covered. */
size_t ds_fprint_sent_cover(const struct ds_fprint *fp, const uint32_t *src, size_t nsrc,
			    float *out);

/* How two documents compare. */
struct ds_fp_cmp {
	double similarity;     /* common / min(n_a, n_b): the overlap coefficient */
	double containment_ab; /* common / n_a: share of a's shingles found in b */
	double containment_ba; /* common / n_b */
	double coverage_ab;    /* share of a's text covered by b (ds_fprint_coverage) */
	double coverage_ba;
	size_t n_a, n_b, common;
	size_t common_imm, common_stem; /* common shingles by kind */
};

/* Similarity of a query fingerprint (a side known in full) against a
 * store's sorted set of keys (ds_fprint_reduce; b side: only set figures,
 * coverage_ba left 0).  The keys of a's hashes are compared. */
void ds_fprint_cmp_set(const struct ds_fprint *a, const uint32_t *b, size_t nb,
		       struct ds_fp_cmp *out);
/* ds_fprint_cmp_set and ds_fprint_sent_cover of the same set at once, from
 * one merge of the sets: *out as the first gives it, cover (NULL, or
 * ds_fprint_nsents(a) entries) and the return value as the second. */
size_t ds_fprint_cmp_cover(const struct ds_fprint *a, const uint32_t *b, size_t nb,
			   struct ds_fp_cmp *out, float *cover);
/* All figures, both ways. */
void ds_fprint_cmp(const struct ds_fprint *a, const struct ds_fprint *b,
		   struct ds_fp_cmp *out);

/* The similarity of two documents on their full hashes (ds_fprint_cmp's
 * overlap coefficient), as 'despin match' gives it; -1 when out of memory. */
double ds_fprint_similarity(const struct ds_doc *a, const struct ds_doc *b, struct ds_stemmer *st);
/* The same with a's fingerprint made already. */
double ds_fprint_similarity_to(const struct ds_fprint *a, const struct ds_doc *b,
			       struct ds_stemmer *st);

/* True if the lower-cased word (n bytes) is in the built-in function-word
 * list (articles, pronouns, prepositions, conjunctions, auxiliaries, ...). */
int ds_fprint_is_function_word(const char *lower, size_t n);

#endif
