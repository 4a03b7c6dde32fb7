/* stem.c - thin wrapper over libstemmer's English (Porter2) stemmer. */
#include "stem.h"

#include <stdlib.h>
#include <libstemmer.h>

struct ds_stemmer {
	struct sb_stemmer *sb;
};

struct ds_stemmer *ds_stemmer_new(void)
{
	struct ds_stemmer *st = malloc(sizeof *st);
	if (!st)
		return NULL;
	st->sb = sb_stemmer_new("english", "UTF_8");
	if (!st->sb) {
		free(st);
		return NULL;
	}
	return st;
}

void ds_stemmer_free(struct ds_stemmer *st)
{
	if (!st)
		return;
	sb_stemmer_delete(st->sb);
	free(st);
}

const char *ds_stem(struct ds_stemmer *st, const char *word, size_t n, size_t *out_len)
{
	const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)word, (int)n);
	if (!r)
		return NULL;
	*out_len = (size_t)sb_stemmer_length(st->sb);
	return (const char *)r;
}
