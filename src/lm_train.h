/*
 * lm_train.h - training the n-gram language model: interpolated modified
 * Kneser-Ney smoothing (Chen & Goodman 1998, as KenLM's lmplz estimates it),
 * with optional count pruning.
 *
 * Counting is sort-based on integer word ids (one flat array of fixed-width
 * records per order, radix-sorted), so a corpus of a few million words is
 * trained in seconds and a few hundred megabytes.
 *
 *   t = ds_lm_trainer_new(&opts, &err);
 *   ds_lm_trainer_add_text(t, text, len, "file", &err);    (any number)
 *   lm = ds_lm_trainer_finish(t, &info, &err);
 *   ds_lm_trainer_free(t);
 *
 * A trainer is used by one thread at a time.  The model returned by
 * ds_lm_trainer_finish is owned by the caller (ds_lm_free).
 */
#ifndef DS_LM_TRAIN_H
#define DS_LM_TRAIN_H

#include "lm.h"
#include "lm_words.h"

struct ds_doc;

struct ds_lm_train_opts {
	int order;          /* 1 .. DS_LM_MAX_ORDER (0 = 4) */
	uint64_t prune;     /* drop n-grams of order >= 2 seen fewer times (0 or 1: keep all) */
	int pretokenized;   /* ds_lm_trainer_add_text: one sentence a line, words
			       separated by white space, taken as they are */
	/* Called now and then with the stage ("reading", "counting",
	 * "estimating", "building") and its progress in [0, 1]. */
	void (*progress)(void *ctx, const char *stage, double done);
	void *progress_ctx;
};

struct ds_lm_train_info {
	int order;
	uint64_t words;                         /* tokens read, without <s> </s> */
	uint64_t sentences;
	uint32_t vocab;
	uint64_t count[DS_LM_MAX_ORDER];        /* n-grams kept per order */
	double discount[DS_LM_MAX_ORDER][3];    /* D1, D2, D3+ per order */
	int fallback[DS_LM_MAX_ORDER];          /* 1: discounts fell back to 0.5 1 1.5 */
	double seconds;
};

struct ds_lm_trainer;

struct ds_lm_trainer *ds_lm_trainer_new(const struct ds_lm_train_opts *opts, struct ds_err *err);
void ds_lm_trainer_free(struct ds_lm_trainer *t);

/* Adds text.  Raw text (the default): one paragraph a line, tokenised with
 * text.h and mapped with ds_lm_doc_words, as queries are.  Pre-tokenised
 * (opts.pretokenized): one sentence a line, words as written.  Text that is
 * no text as a whole (ds_text_check: UTF-16, compressed, binary, empty) is
 * refused with DS_EBINARY or DS_EEMPTY, err naming name, and nothing of it
 * is added; a line that is none alone is passed over. */
int ds_lm_trainer_add_text(struct ds_lm_trainer *t, const char *text, size_t len,
			   const char *name, struct ds_err *err);
/* Adds a tokenised document (its sentences, without boilerplate). */
int ds_lm_trainer_add_doc(struct ds_lm_trainer *t, const struct ds_doc *doc,
			  struct ds_err *err);
/* Adds one sentence of n words (w[i] of len[i] bytes); <s> </s> are implied. */
int ds_lm_trainer_add_sentence(struct ds_lm_trainer *t, const char *const *w,
			       const size_t *len, size_t n, struct ds_err *err);

/* Estimates the model.  info (may be NULL) receives counts and discounts.
 * The trainer holds no text any more afterwards. */
struct ds_lm *ds_lm_trainer_finish(struct ds_lm_trainer *t, struct ds_lm_train_info *info,
				   struct ds_err *err);

#endif
