/*
 * lm_internal.h - the language model's handle and binary layout, shared by
 * the modules of the model (lm.c, lm_mix.c); not for other callers.
 */
#ifndef DS_LM_INTERNAL_H
#define DS_LM_INTERNAL_H

#include <string.h>

#include "lm.h"

struct lm_head {
	uint32_t order, vocab;
	uint64_t count[DS_LM_MAX_ORDER];
	uint64_t slots[DS_LM_MAX_ORDER];
	uint64_t tab_off[DS_LM_MAX_ORDER];
	uint64_t uni_off;
	uint64_t vtab_off, vslots;
	uint64_t stroff_off;
	uint64_t str_off, str_len;
	uint64_t reserved[4];
};

struct lm_uni {
	float prob, backoff;
};

struct lm_ent {
	uint32_t word, suffix;
	float prob, backoff;
};

struct lm_vent {
	uint64_t hash;
	uint32_t id, pad;
};

/* The compact layout (kind DS_LMQ_KIND, lm_compact.c) follows its lm_head
 * (whose slots[] and tab_off[] are 0): the n-grams of each order n >= 2 in
 * one array sorted by (parent, word), where the parent is the entry of the
 * other n-1 words one order down (the word id for n = 2), as the hash
 * tables are keyed; child[n-1][i] .. child[n-1][i+1] are the entries of
 * order n+1 whose parent is entry i of order n.  Probabilities and backoffs
 * are codes: a log10 probability in 16-bit fixed point per order, a backoff
 * one of 256 values per order. */
#define LMQ_BO_NOEXT 255     /* backoff code of -0.0 (no extension) */
#define LMQ_BO_ZERO 254      /* backoff code of 0.0 */
struct lmq_tail {
	uint64_t child_off[DS_LM_MAX_ORDER]; /* order n < N: uint32_t[count[n-1] + 1] */
	uint64_t word_off[DS_LM_MAX_ORDER];  /* order n >= 2: word ids of word_bytes bytes, 1
					      * byte after */
	uint64_t prob_off[DS_LM_MAX_ORDER];  /* order n >= 2: uint16_t codes */
	uint64_t bo_off[DS_LM_MAX_ORDER];    /* 2 <= n < N: uint8_t codes */
	float prob_lo[DS_LM_MAX_ORDER];      /* order n: log10 p = lo + code * step */
	float prob_step[DS_LM_MAX_ORDER];
	float qbo[DS_LM_MAX_ORDER][256];     /* order n: code -> log10 backoff */
	uint32_t word_bytes;                 /* 2 (a vocabulary of at most 65,536 words) or 3 */
	uint32_t reserved;                   /* 0 */
};

/* True when n elements of elt bytes from offset off (8-byte aligned) lie
 * inside a payload of len bytes. */
static inline int lm_inside(uint64_t off, uint64_t n, size_t elt, size_t len)
{
	return off % 8 == 0 && off <= len && n <= (len - off) / elt;
}

/* A backoff of exactly -0.0 marks an n-gram that no longer n-gram extends. */
#define LM_NEG_ZERO_BITS 0x80000000u
static inline int lm_no_ext(float b)
{
	uint32_t u;
	memcpy(&u, &b, 4);
	return u == LM_NEG_ZERO_BITS;
}
static inline float lm_neg_zero(void)
{
	const uint32_t u = LM_NEG_ZERO_BITS;
	float f;
	memcpy(&f, &u, 4);
	return f;
}

/* The file kind and version of a model's layout (a single model). */
static inline const char *lm_kind(int compact)
{
	return compact ? DS_LMQ_KIND : DS_LM_KIND;
}
static inline uint32_t lm_version(int compact)
{
	return compact ? DS_LMQ_VERSION : DS_LM_BIN_VERSION;
}

struct ds_lm {
	struct ds_map map;        /* when mapped from a file */
	unsigned char *owned;     /* when built in memory */
	const unsigned char *base;
	size_t size;
	int order;
	uint32_t vocab;
	const struct lm_head *h;
	const struct lm_uni *uni;
	const struct lm_ent *tab[DS_LM_MAX_ORDER];   /* tab[n-1] for order n */
	uint64_t slots[DS_LM_MAX_ORDER];
	const struct lm_vent *vtab;
	uint64_t vslots;
	const uint32_t *stroff;
	const char *str;
	uint64_t str_len;
	/* the compact layout (lm_compact.c; tab[] and slots[] unused) */
	int compact;
	const struct lmq_tail *qt;
	const uint32_t *child[DS_LM_MAX_ORDER];
	const uint8_t *qword[DS_LM_MAX_ORDER], *qbo[DS_LM_MAX_ORDER];
	unsigned qwb;             /* bytes of a word id in qword: 2 or 3 */
	const uint16_t *qprob[DS_LM_MAX_ORDER];
	struct lm_mix *mix;       /* a mixture (lm_mix.c): the fields above unused */
	char *path;               /* the file it was loaded from, or NULL */
};

struct lm_mix;

/* The vocabulary part of a payload (head, unigrams, vocabulary hash,
 * strings) checked and attached; 0 or DS_ECORRUPT (lm.c). */
int ds_lm_attach_vocab(struct ds_lm *lm, const unsigned char *p, size_t len, const char *name,
		       struct ds_err *err);
/* A compact payload attached (lm_compact.c); 0 or DS_ECORRUPT. */
int ds_lmq_attach(struct ds_lm *lm, const unsigned char *p, size_t len, const char *name,
		  struct ds_err *err);
/* The word of entry i of order n >= 2 of a compact model (2 or 3 bytes,
 * little-endian). */
static inline uint32_t lmq_word(const struct ds_lm *lm, int n, uint32_t i)
{
	const uint8_t *x = lm->qword[n - 1] + lm->qwb * (size_t)i;
	uint32_t w = x[0] | (uint32_t)x[1] << 8;
	return lm->qwb == 2 ? w : w | (uint32_t)x[2] << 16;
}
/* The entry of word w among entries [lo, hi) of order n of a compact
 * model; 0 when absent (a damaged range finds nothing). */
static inline int lmq_find(const struct ds_lm *lm, int n, uint32_t lo, uint32_t hi, uint32_t w,
			   uint32_t *at)
{
	if (hi > lm->h->count[n - 1] || lo > hi)
		return 0;
	while (hi - lo > 8) {
		uint32_t mid = lo + (hi - lo) / 2, v = lmq_word(lm, n, mid);
		if (v == w) {
			*at = mid;
			return 1;
		}
		if (v < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the last few in one pass, without unpredictable branches between */
	for (; lo < hi; lo++) {
		if (lmq_word(lm, n, lo) == w) {
			*at = lo;
			return 1;
		}
	}
	return 0;
}
/* The log10 probability and backoff of entry i of order n >= 2 (the
 * backoff: n below the order) of a compact model. */
static inline float lmq_prob(const struct ds_lm *lm, int n, uint32_t i)
{
	return lm->qt->prob_lo[n - 1] + (float)lm->qprob[n - 1][i] * lm->qt->prob_step[n - 1];
}
static inline float lmq_backoff(const struct ds_lm *lm, int n, uint32_t i)
{
	return lm->qt->qbo[n - 1][lm->qbo[n - 1][i]];
}
/* The parent of entry i of order n >= 2 of a compact model. */
uint32_t ds_lmq_parent(const struct ds_lm *lm, int n, uint32_t i);

/* Single-model scoring on one context (in and out may be the same). */
float ds_lm_score1(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
		   struct ds_lm_ctx *out, int *ngram_len);
void ds_lm_begin1(const struct ds_lm *lm, struct ds_lm_ctx *c);
/* ds_lm_score1 given the hash layout's entries of the n-grams that end in
 * w (found[j]: order j + 2, NULL from the first that is not stored on, as
 * probing in's context finds them); found NULL: ds_lm_score1. */
float ds_lm_score1_found(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
			 struct ds_lm_ctx *out, int *ngram_len, const struct lm_ent *const *found);

/* Mixture side of the public calls (lm_mix.c). */
void ds_lm_mix_free_parts(struct lm_mix *mx);
float ds_lm_mix_score(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
		      struct ds_lm_state *out, int *ngram_len);
/* ds_lm_mix_score given each component's entries (found[c] as
 * ds_lm_score1_found takes them, or NULL: probed). */
float ds_lm_mix_score_found(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
			    struct ds_lm_state *out, int *ngram_len,
			    const struct lm_ent *const *const *found);
void ds_lm_mix_begin(const struct ds_lm *lm, struct ds_lm_state *st);
ds_lm_id ds_lm_mix_vocab(const struct ds_lm *lm, const char *w, size_t len);
const char *ds_lm_mix_word(const struct ds_lm *lm, ds_lm_id id);
void ds_lm_mix_stats(const struct ds_lm *lm, struct ds_lm_stats *st);
/* Component c's ids of mixture words w[0..n) into out (for prefetching
 * only: a words-only component's nonword slots get its id all the same). */
void ds_lm_mix_ids(const struct ds_lm *lm, int c, const ds_lm_id *w, size_t n, ds_lm_id *out);
/* Component c's context in state s (c = 0: the state's head) into *ctx.
 * For prefetching only. */
void ds_lm_mix_ctx(const struct ds_lm *lm, int c, const struct ds_lm_state *s,
		   struct ds_lm_ctx *ctx);
/* Loads a mixture file (kind DS_LM_MIX_KIND) whose image is m. */
struct ds_lm *ds_lm_mix_load_map(struct ds_map *m, const char *path, struct ds_err *err);
/* The map of a mixture's own file (zero for one made at run time). */
const struct ds_map *ds_lm_mix_file(const struct ds_lm *lm);

#endif
