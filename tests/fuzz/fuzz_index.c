/*
 * fuzz_index.c - opening an index file of arbitrary bytes (ds_index_open,
 * read-only, through a temporary file) and, when it opens, reading every
 * source, its text and stats, and querying it.  A damaged file must be
 * refused with a message naming it, never crash a reader.
 */
#include "fuzz.h"
#include "index.h"
#include "text.h"

static struct ds_doc *probe;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ids {
	int64_t id[32];
	size_t n;
};

static int each(void *ctx, const struct ds_source_info *src)
{
	struct ids *v = ctx;
	/* A damaged row may hold NULL columns (store_sqlite.c hands them on as
	 * NULL strings); reading them must not crash. */
	if (src->name)
		(void)strlen(src->name);
	if (src->date)
		(void)strlen(src->date);
	if (src->hash)
		(void)strlen(src->hash);
	if (v->n < DS_ARRAY_LEN(v->id))
		v->id[v->n++] = src->id;
	return 0;
}

static int count_id(void *ctx, int64_t id)
{
	(void)id;
	++*(size_t *)ctx;
	return 0;
}

static void cleanup(const char *path)
{
	char side[300];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-journal", path);
	unlink(side);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] =
		"The Security Council met on Monday to discuss the war. Members said the "
		"meeting would go on for a year, and the council agreed to meet again.";
	struct ds_err err = {0};
	const char *path = fz_tmp_path(".db");
	struct ds_index *ix;
	struct ds_index_stats st;
	struct ids v = {{0}, 0};
	struct ds_match m[4];
	size_t nm = 0;

	if (!probe)
		probe = ds_doc_new(text, sizeof text - 1, "probe", 0, &err);
	cleanup(path);
	if (fz_write2(path, data, size, NULL, 0))
		return 0;
	ix = ds_index_open(path, DS_INDEX_READONLY, &err);
	if (!ix) {
		fz_check_refusal(&err, path);
		goto out;
	}
	ds_index_set_timeout(ix, 0, &err);
	if (ds_index_list(ix, each, &v, &err) == 0) {
		for (size_t i = 0; i < v.n; i++) {
			char *t = NULL;
			size_t tl = 0;
			if (ds_index_get_text(ix, v.id[i], &t, &tl, &err) == 0) {
				FZ_ASSERT(t != NULL && t[tl] == 0);
				free(t);
			}
		}
	}
	(void)ds_index_stats(ix, &st, &err);
	if (probe && ds_index_query(ix, probe, NULL, m, DS_ARRAY_LEN(m), &nm, &err) == 0) {
		FZ_ASSERT(nm <= DS_ARRAY_LEN(m));
		for (size_t i = 0; i < nm; i++)
			FZ_ASSERT(m[i].name != NULL && m[i].similarity >= 0);
		ds_matches_free(m, nm);
	}
	{
		size_t found = 0;
		int rc = ds_index_find_name(ix, "probe", count_id, &found, &err);
		FZ_ASSERT(rc < 0 || (size_t)rc == found);
	}
	ds_index_close(ix);
out:
	cleanup(path);
	return 0;
}
