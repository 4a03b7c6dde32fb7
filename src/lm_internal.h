/*
 * lm_internal.h - the language model's handle and binary layout, shared by
 * the modules of the model (lm.c, lm_mix.c); not for other callers.
 */
#ifndef DS_LM_INTERNAL_H
#define DS_LM_INTERNAL_H

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
	struct lm_mix *mix;       /* a mixture (lm_mix.c): the fields above unused */
	char *path;               /* the file it was loaded from, or NULL */
};

struct lm_mix;

/* Single-model scoring on one context (in and out may be the same). */
float ds_lm_score1(const struct ds_lm *lm, const struct ds_lm_ctx *in, ds_lm_id w,
		   struct ds_lm_ctx *out, int *ngram_len);
void ds_lm_begin1(const struct ds_lm *lm, struct ds_lm_ctx *c);

/* Mixture side of the public calls (lm_mix.c). */
void ds_lm_mix_free_parts(struct lm_mix *mx);
float ds_lm_mix_score(const struct ds_lm *lm, const struct ds_lm_state *in, ds_lm_id w,
		      struct ds_lm_state *out, int *ngram_len);
void ds_lm_mix_begin(const struct ds_lm *lm, struct ds_lm_state *st);
ds_lm_id ds_lm_mix_vocab(const struct ds_lm *lm, const char *w, size_t len);
const char *ds_lm_mix_word(const struct ds_lm *lm, ds_lm_id id);
void ds_lm_mix_stats(const struct ds_lm *lm, struct ds_lm_stats *st);
/* Component c's ids of mixture words w[0..n) into out (for prefetching
 * only: a words-only component's nonword slots get its id all the same). */
void ds_lm_mix_ids(const struct ds_lm *lm, int c, const ds_lm_id *w, size_t n, ds_lm_id *out);
/* Loads a mixture file (kind DS_LM_MIX_KIND) whose image is m. */
struct ds_lm *ds_lm_mix_load_map(struct ds_map *m, const char *path, struct ds_err *err);

#endif
