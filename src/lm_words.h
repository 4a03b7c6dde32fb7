/*
 * lm_words.h - a growing vocabulary for building language models: word
 * strings -> dense ids 0, 1, 2, ... with ids 0, 1, 2 = <unk>, <s>, </s>
 * (the ids of lm.h).  Used by the ARPA and Sphinx readers and the trainer.
 *
 * A vocabulary is used by one thread at a time.  Strings are copied in.
 */
#ifndef DS_LM_WORDS_H
#define DS_LM_WORDS_H

#include "util.h"

struct ds_lm_words;
/* An empty vocabulary holding <unk>, <s>, </s>; NULL when out of memory. */
struct ds_lm_words *ds_lm_words_new(void);
void ds_lm_words_free(struct ds_lm_words *v);
/* The id of w (len bytes; added when new), or a negative DS_E* code. */
int64_t ds_lm_words_add(struct ds_lm_words *v, const char *w, size_t len);
/* The id of w, or -1. */
int64_t ds_lm_words_find(const struct ds_lm_words *v, const char *w, size_t len);
uint32_t ds_lm_words_count(const struct ds_lm_words *v);
/* All words by id (NULL-terminated array owned by v, valid until the next
 * add); NULL when out of memory. */
const char *const *ds_lm_words_list(struct ds_lm_words *v);

#endif
