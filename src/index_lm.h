/*
 * index_lm.h - the in-domain language model of a source index: learnt from
 * the clean sources the index holds, kept with them in the index's store
 * (blobs "lm.model" and "lm.meta", SQLite or Redis), and added to the base
 * model (the corpus model or its mixture with the background model) as one
 * more mixture component when scanning with an index.
 *
 * Training reads every source's text from the store (the store keeps it),
 * trains an n-gram model on all but a held-out share of the sources (every
 * holdout-th by id), and fits the mixture weights by EM on the held-out
 * ones; so adding and removing sources changes the model at the next
 * training, which 'despin index train' runs on demand (the first time) and
 * 'despin index add' and 'remove' run by themselves once the index has
 * grown (or shrunk) past a threshold since the last training
 * (ds_index_lm_due).
 *
 * Thread rules: as the index (one thread at a time per handle).
 */
#ifndef DS_INDEX_LM_H
#define DS_INDEX_LM_H

#include "index.h"
#include "lm.h"

/* The fewest sources an in-domain model is trained on by default. */
#define DS_INDEX_LM_MIN_SOURCES 100

struct ds_index_lm_opts {
	int order;          /* n-gram order (0: 3) */
	uint64_t prune;     /* drop n-grams of order >= 2 seen fewer times (0: 2) */
	int holdout;        /* every holdout-th source held out for the weights (0: 20) */
	uint64_t min_sources;   /* no model below this many sources (0: DS_INDEX_LM_MIN_SOURCES) */
};

struct ds_index_lm_info {
	uint64_t sources, heldout;      /* sources trained on, held out */
	uint64_t words, heldout_words;  /* model words (tokens) of each */
	uint64_t count[DS_LM_MAX_ORDER];
	double ppl_base, ppl_mix;       /* held-out perplexity (without OOVs) of the base and the mixture */
	size_t bytes;                   /* the stored model */
	double seconds;
};

/* Trains the in-domain model of ix for the base model base (which must have
 * been loaded from a file) and stores it with its weights.  DS_EINVAL when
 * the index holds fewer than min_sources sources. */
int ds_index_lm_train(struct ds_index *ix, const struct ds_lm *base,
		      const struct ds_index_lm_opts *opts, struct ds_index_lm_info *info,
		      struct ds_err *err);

/* Loads the stored in-domain model (*lm, owned by the caller) and its
 * mixture weights w (DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX doubles) for the base
 * model base.  DS_ENOTFOUND when none was trained; DS_EVERSION when it was
 * trained for another base model (train again). */
int ds_index_lm_load(struct ds_index *ix, const struct ds_lm *base, struct ds_lm **lm, double *w,
		     struct ds_err *err);

/* *due = 1 when the index should be trained again: a model was trained
 * (the first training is asked for), the index holds at least min_sources
 * sources (0: DS_INDEX_LM_MIN_SOURCES), and the number of sources changed by a quarter (at
 * least 50) since that training or the model was stored by another version. */
int ds_index_lm_due(struct ds_index *ix, uint64_t min_sources, int *due, struct ds_err *err);

/* Forgets the stored model (e.g. before the index is emptied). */
int ds_index_lm_drop(struct ds_index *ix, struct ds_err *err);

#endif
