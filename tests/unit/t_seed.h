/*
 * t_seed.h - the five seed articles (corpus/seeds) for the unit tests that
 * read them: their paths, and each read as an article.
 */
#ifndef DS_T_SEED_H
#define DS_T_SEED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "text.h"

#define T_SEED_DIR "corpus/seeds/"

static const char *const t_seed_files[5] = {
	T_SEED_DIR "000_fcd469a446cc7cc8.txt", T_SEED_DIR "001_455d42bae2579fa5.txt",
	T_SEED_DIR "002_1eca5ce85436633a.txt", T_SEED_DIR "003_cc34e14e2e5a732a.txt",
	T_SEED_DIR "004_1faaaa5fa0c635fb.txt"};

/* The seed whose file name starts with prefix ("000"), read as an article
 * named by its file name (the caller frees it: ds_doc_free); NULL, said
 * on a "# " line, when it cannot be read. */
static inline struct ds_doc *t_seed(const char *prefix)
{
	const size_t dir = sizeof T_SEED_DIR - 1;
	struct ds_err err = {0};
	for (size_t i = 0; i < sizeof t_seed_files / sizeof *t_seed_files; i++) {
		char *text;
		size_t len;
		struct ds_doc *d;
		if (strncmp(t_seed_files[i] + dir, prefix, strlen(prefix)) != 0)
			continue;
		if (ds_read_file(t_path(t_seed_files[i]), 0, &text, &len, &err)) {
			printf("# %s\n", err.msg);
			return NULL;
		}
		d = ds_doc_new(text, len, t_seed_files[i] + dir, 0, &err);
		if (!d)
			printf("# %s\n", err.msg);
		free(text);
		return d;
	}
	printf("# no seed %s\n", prefix);
	return NULL;
}

#endif
