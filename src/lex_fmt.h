/*
 * lex_fmt.h - the binary layout of the lexicon model (kind "LEX", version
 * DS_LEX_FORMAT_VERSION in lex.h), shared by its reader (lex.c) and its
 * writer (lex_build.c), so that neither includes the other's header.
 *
 * The payload follows the binfmt header (binfmt.h).  Sections are 8-byte
 * aligned; offsets count from the payload start.
 * Phrases are sorted by text; phrase i's pairs as original are edges
 * [ph[i].fwd, ph[i+1].fwd) (sorted by weight, best first) and as substitute
 * redge[ph[i].rev .. ph[i+1].rev) (best first): the same pairs again, each
 * with a copy of its original's text in the reverse pool (rpool), so that
 * the detector's question (which originals could this word have replaced?)
 * reads a few contiguous pages instead of three scattered ones per pair.  Stem groups
 * list the phrases sharing a stem key in member[stem[g].begin ..
 * stem[g+1].begin).  Hash tables use open addressing with linear probing on
 * ds_hash64(text, hash_seed); a slot holds index + 1, 0 when empty; the
 * irregular-form tables may hold several entries with one key. */
#ifndef DS_LEX_FMT_H
#define DS_LEX_FMT_H

#include <stdint.h>

#include "lex.h"

struct ds_lex_hdr {
	uint64_t hash_seed;
	uint64_t nphrase, nedge, nstem, nexc, pool_len;
	uint64_t phash_cap, shash_cap, xform_cap, xbase_cap;
	uint64_t off_phrase, off_edge, off_redge, off_stem, off_member, off_exc;
	uint64_t off_phash, off_shash, off_xform, off_xbase, off_pool;
	uint64_t off_rpool, rpool_len;  /* since version 2 */
	uint64_t off_mbloom, mbloom_words; /* since version 3 */
};

/* A blocked Bloom filter of the phrases of several words (those with a
 * space), mbloom_words 64-bit words (a power of two), two bits a phrase in
 * one word, from the phrase's ds_hash64 (hash_seed): a lookup of a word
 * pair the lexicon does not hold (most of them) reads one word of a table
 * that stays in the cache, not the phrase table's scattered pages.  No
 * phrase of the lexicon is ever missing from it. */
static inline uint64_t ds_lex_mbloom_bits(uint64_t h)
{
	return (1ull << ((h >> 28) & 63)) | (1ull << ((h >> 34) & 63));
}
static inline uint64_t ds_lex_mbloom_word(uint64_t h, uint64_t words)
{
	return (h >> 40) & (words - 1);
}
/* Bits per phrase of several words at least (the table's size rounded up
 * to a power of two: 16 a phrase for the shipped lexicon's 66,000; of the
 * 134,720 neighbouring word pairs of 300 benchmark articles that it does
 * not hold, 1.6% pass the filter: docs/README-lex.md). */
#define DS_LEX_MBLOOM_BITS 8

struct ds_lex_phrase {      /* nphrase + 1 entries (the last one ends ranges) */
	uint32_t off;       /* text in pool, NUL-terminated */
	uint16_t len;
	uint8_t pos;        /* union of its pairs' parts of speech */
	uint8_t nwords;
	uint32_t fwd, rev;
	uint32_t stem;      /* stem group */
	uint32_t freq;      /* corpus count */
};

struct ds_lex_edge {
	uint32_t orig, subst;
	float weight;
	uint16_t sources;
	uint8_t senses;
	uint8_t pos;
};

struct ds_lex_redge {        /* nedge entries, by substitute then weight */
	uint32_t orig;      /* the original's phrase id */
	uint32_t text;      /* its text in rpool, NUL-terminated */
	float weight;
	uint16_t sources;
	uint8_t senses;
	uint8_t pos;
	uint16_t len;       /* its text's length */
	uint16_t pad;
};

struct ds_lex_stem {        /* nstem + 1 entries */
	uint32_t off;
	uint16_t len, pad;
	uint32_t begin, pad2;
};

struct ds_lex_exc {         /* irregular form -> base, one part of speech */
	uint32_t form_off;
	uint16_t form_len;
	uint8_t pos, pad;
	uint32_t base_off;
	uint16_t base_len, pad2;
};

/* ---- the two functions of lex.c that the writer uses ---- */
/* Wraps a payload built in memory (taken over: freed by ds_lex_free). */
struct ds_lex *ds_lex_from_payload(void *payload, size_t len, struct ds_err *err);
/* Stem key of a phrase (stems of its words joined by spaces) into buf;
 * returns its length or -1. */
int ds_lex_stem_key(struct ds_stemmer *st, const char *s, size_t n, char *buf, size_t size);

#endif
