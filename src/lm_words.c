/*
 * lm_words.c - a growing vocabulary: word strings -> dense ids (see
 * lm_words.h), on util's string table.
 */
#include "lm_words.h"
#include "lm.h"

#include <stdlib.h>
#include <string.h>

struct ds_lm_words {
	struct ds_strtab s;
	const char **list;
};

struct ds_lm_words *ds_lm_words_new(void)
{
	struct ds_lm_words *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	if (ds_lm_words_add(v, "<unk>", 5) != DS_LM_UNK || ds_lm_words_add(v, "<s>", 3) != DS_LM_BOS ||
	    ds_lm_words_add(v, "</s>", 4) != DS_LM_EOS) {
		ds_lm_words_free(v);
		return NULL;
	}
	return v;
}

void ds_lm_words_free(struct ds_lm_words *v)
{
	if (!v)
		return;
	ds_strtab_free(&v->s);
	free(v->list);
	free(v);
}

int64_t ds_lm_words_find(const struct ds_lm_words *v, const char *w, size_t len)
{
	return ds_strtab_find(&v->s, w, len);
}

int64_t ds_lm_words_add(struct ds_lm_words *v, const char *w, size_t len)
{
	return ds_strtab_intern(&v->s, w, len);
}

uint32_t ds_lm_words_count(const struct ds_lm_words *v)
{
	return (uint32_t)v->s.n;
}

const char *const *ds_lm_words_list(struct ds_lm_words *v)
{
	const char **nl = realloc(v->list, (v->s.n + 1) * sizeof *nl);
	if (!nl)
		return NULL;
	v->list = nl;
	for (size_t i = 0; i < v->s.n; i++)
		nl[i] = ds_strtab_str(&v->s, (uint32_t)i);
	nl[v->s.n] = NULL;
	return nl;
}
