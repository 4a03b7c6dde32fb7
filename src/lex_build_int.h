/*
 * lex_build_int.h - what the files of the lexicon builder share (private to
 * lex_build*.c): the build context, the pair accumulator, the corpus counts
 * and the binary writer's edges, and one entry point per data source:
 *
 *   lex_wordnet.c   WordNet 3.0 synsets, relations, antonyms, irregular forms
 *   lex_mythes.c    the OpenOffice thesaurus (MyThes)
 *   lex_numbers.c   number words <-> digits, units
 *   lex_corpus.c    corpus counts, phrases, distributional neighbours
 *   lex_write.c     pair weights, the TSV source of truth, the binary model
 *   lex_build.c     the context and the two public entry points (lex_build.h)
 */
#ifndef DS_LEX_BUILD_INT_H
#define DS_LEX_BUILD_INT_H

#include <stdint.h>

#include "lex_build.h"
#include "stem.h"
#include "text.h"
#include "util.h"

#define NONE UINT32_MAX
#define DIST_MIN_COS 0.12f /* default lowest cosine of a distributional pair */

/* ---- strings: ds_strtab, texts no longer than a phrase record holds -------------- */

/* Returns the id of s (added when new) or a negative DS_E code. */
static inline int64_t st_intern(struct ds_strtab *t, const char *s, size_t n)
{
	if (n > UINT16_MAX)
		return DS_ETOOBIG;
	return ds_strtab_intern(t, s, n);
}

/* ---- u64 -> u32 counts or index + 1 on ds_hmap (0: absent) ------------------------- */

/* Slot of key (inserted with value 0 when new) or NULL on ENOMEM. */
static inline uint32_t *m64_slot(struct ds_hmap *m, uint64_t key, int *is_new)
{
	return ds_hmap_put(m, key, 0, NULL, NULL, is_new);
}

static inline uint32_t m64_get(const struct ds_hmap *m, uint64_t key)
{
	const uint32_t *v = ds_hmap_find(m, key, NULL, NULL);
	return v ? *v : 0;
}

static inline int m64_add(struct ds_hmap *m, uint64_t key, uint32_t inc)
{
	uint32_t *v = ds_hmap_put(m, key, 0, NULL, NULL, NULL);
	if (!v)
		return DS_ENOMEM;
	*v += inc;
	return 0;
}

/* ---- shared records ------------------------------------------------------------------ */

struct pacc {
	uint32_t o, s;
	uint16_t wn_syn, wn_rel, my_syn, my_rel;
	uint8_t num, pos, infl, pad;
	float dist;
	float weight;     /* when read from a TSV */
	uint32_t obs;     /* observed count */
	uint16_t sources; /* when read from a TSV */
	uint16_t senses;
};

struct pairs {
	struct pacc *a;
	size_t n, cap;
	struct ds_hmap idx; /* (o << 32 | s) -> index + 1 */
};

struct exc_in {
	uint32_t form, base; /* ids in the phrase table */
	uint8_t pos;
};

struct bctx {
	struct ds_strtab ph;       /* normalised phrases */
	uint8_t *pos;           /* per phrase: parts of speech seen in thesauri */
	uint32_t *freq;         /* per phrase: corpus count */
	uint8_t *numword;       /* per phrase: a number word */
	size_t info_cap;
	struct ds_strtab raw;      /* raw thesaurus terms */
	int64_t *raw_norm;      /* raw id -> phrase id, or -1 rejected */
	size_t raw_cap, raw_done;
	struct pairs pairs;
	struct ds_hmap anto;      /* antonym pairs (smaller id << 32 | larger) */
	struct exc_in *exc;
	size_t nexc, exc_cap;
	struct ds_stemmer *st;
	struct ds_lex_build_stats *stats;
	struct ds_err *err;
};

struct corpus {
	struct ds_strtab voc;
	uint64_t *count;
	uint32_t *capc, *midc;  /* capitalised / all occurrences not sentence-initial */
	uint8_t *isword;
	size_t vcap;
	uint32_t *tok;          /* word and number tokens; BOUND ends sentences */
	uint8_t *gap;           /* punctuation stood before token i */
	size_t ntok, tcap, gcap;
	struct ds_hmap bi, tri;   /* n-gram counts */
};

struct bedge {
	uint32_t o, s;
	float w;
	uint16_t src;
	uint8_t senses, pos;
};

/* ---- functions, by the file that defines them ---------------------------------------- */

/* lex_build.c */
int lexb_add_anto(struct bctx *c, uint32_t a, uint32_t b);
int lexb_is_anto(const struct bctx *c, uint32_t a, uint32_t b);
/* Sets the out-of-memory error; returns DS_ENOMEM. */
int lexb_nomem(struct bctx *c);
/* A thesaurus term normalised and interned: phrase id, -1 rejected, or a
 * negative DS_E code below -1. */
int64_t lexb_norm_term(struct bctx *c, const char *s, size_t n);
/* The accumulator of pair (o, s), added when new; NULL when out of memory. */
struct pacc *lexb_pair_get(struct pairs *p, uint32_t o, uint32_t s);
/* Interns an already normalised phrase. */
int64_t lexb_phrase_id(struct bctx *c, const char *s, size_t n);

/* lex_wordnet.c */
int lexb_read_exc(struct bctx *c, const char *dir);
int lexb_read_wordnet(struct bctx *c, const char *dir);

/* lex_mythes.c */
int lexb_read_mythes(struct bctx *c, const char *path);

/* lex_numbers.c */
int lexb_gen_numbers(struct bctx *c, int make_pairs);

/* lex_corpus.c */
void lexb_corpus_free(struct corpus *k);
int lexb_distributional(struct bctx *c, struct corpus *k, const struct ds_lex_build_opts *o,
			struct ds_lex *morph);
/* Corpus counts of the phrases (c->freq). */
void lexb_phrase_freqs(struct bctx *c, const struct corpus *k);
int lexb_read_corpus(struct bctx *c, struct corpus *k, const char *path);

/* lex_write.c */
/* The binary payload of the phrases kept and the edges (NULL, 0: the
 * morphology alone); *out is malloc'd. */
int lexb_make_payload(struct bctx *c, const uint8_t *keep, struct bedge *edges, size_t ne,
		      void **out, size_t *outlen);
/* A lexicon of the phrases seen so far without pairs, for their inflections. */
struct ds_lex *lexb_morph_model(struct bctx *c);
int lexb_write_tsv(struct bctx *c, const char *path, float mincos);

#endif
