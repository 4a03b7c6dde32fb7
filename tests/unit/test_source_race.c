/* test_source_race.c - a shared index changing under a reader: a source
 * removed by another writer between the query that found it and the
 * reading of its text is left out (the article is judged against the
 * sources still there), never an error. */
#include <unistd.h>

#include "t.h"
#include "t_seed.h"
#include "index.h"
#include "source.h"
#include "stem.h"
#include "store.h"
#include "text.h"

/* The store of the reader: its get removes the victim through another
 * handle (another writer) just before the victim's text is read. */
static struct ds_store_ops racy_ops;
static const struct ds_store_ops *real_ops;
static struct ds_index *other;
static int64_t victim;
static int removed;

static int racy_get(struct ds_store *s, int64_t id, unsigned what, ds_store_src_fn fn,
		    void *ctx, struct ds_err *err)
{
	if (id == victim && (what & DS_STORE_TEXT) && !removed) {
		struct ds_err e = {0};
		removed = ds_index_remove(other, id, &e) == 0;
		if (!removed)
			printf("# remove: %s\n", e.msg);
	}
	return real_ops->get(s, id, what, fn, ctx, err);
}

T_TEST(source_removed_after_the_query)
{
	char path[] = "/tmp/despin-race-XXXXXX";
	char file[64];
	struct ds_err err = {0};
	struct ds_index *ix = NULL;
	struct ds_doc *a = t_seed("000");
	struct ds_doc *b = t_seed("001");
	struct ds_doc *q = t_seed("003");
	struct ds_stemmer *st = ds_stemmer_new();
	struct ds_query_opts qo;
	struct ds_match m[8];
	struct ds_sources *s;
	struct ds_found_source fs;
	size_t n = 0;
	int64_t ida = 0, idb = 0;

	T_OK(mkdtemp(path) != NULL);
	snprintf(file, sizeof file, "%s/ix.db", path);
	T_OK(a && b && q && st);
	if (!a || !b || !q || !st)
		goto out;
	ix = ds_index_open(file, DS_INDEX_CREATE, &err);
	other = ds_index_open(file, 0, &err);
	T_OK(ix && other);
	if (!ix || !other)
		goto out;
	T_EQ_INT(ds_index_add(ix, "000", a, &ida, NULL, &err), 0);
	T_EQ_INT(ds_index_add(ix, "001", b, &idb, NULL, &err), 0);
	T_EQ_INT(ds_doc_stem(q, st), 0);
	ds_query_opts_init(&qo);
	qo.sent_cover = 1;
	T_EQ_INT(ds_index_query(ix, q, &qo, m, 8, &n, &err), 0);
	T_OK(n >= 2); /* 003 is spun from 000 and 001 */
	if (n < 2)
		goto out;
	/* 000, the best source, goes away before its text is read */
	victim = m[0].id;
	real_ops = ds_index_store(ix)->ops;
	racy_ops = *real_ops;
	racy_ops.get = racy_get;
	ds_index_store(ix)->ops = &racy_ops;
	s = ds_sources_choose(ix, q, NULL, m, n, NULL, NULL, &err);
	q = NULL; /* taken over */
	ds_index_store(ix)->ops = real_ops;
	T_OK(removed);
	T_OK(s != NULL);
	if (!s) {
		printf("# %s\n", err.msg);
		goto out;
	}
	T_EQ_INT(err.code, 0);
	T_OK(ds_sources_count(s) >= 1);
	for (size_t i = 0; i < ds_sources_count(s); i++) {
		T_EQ_INT(ds_sources_get(s, i, &fs), 0);
		T_OK(strcmp(fs.name, m[0].name) != 0);
	}
	ds_sources_free(s);
out:
	ds_matches_free(m, n);
	ds_doc_free(a);
	ds_doc_free(b);
	ds_doc_free(q);
	ds_stemmer_free(st);
	ds_index_close(ix);
	ds_index_close(other);
	unlink(file);
	snprintf(file, sizeof file, "%s/ix.db-wal", path);
	unlink(file);
	snprintf(file, sizeof file, "%s/ix.db-shm", path);
	unlink(file);
	rmdir(path);
}

int main(void)
{
	T_RUN(source_removed_after_the_query);
	return t_done();
}
