/* test_index.c - the source index: add, dedupe, remove, query, safety. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "t.h"
#include "t_seed.h"
#include "fprint.h"
#include "index.h"
#include "store.h"
#include "text.h"

static char tmpdir[256];

/* strdup fails for this one string when set (out of memory, on demand);
 * the library's calls come here, the test binary's definition first */
static const char *strdup_fails_for;
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;
	if (strdup_fails_for && strcmp(s, strdup_fails_for) == 0)
		return NULL;
	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}

static struct ds_doc *doc_of(const char *text, const char *name)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(text, strlen(text), name, 0, &err);
	if (!d)
		printf("# %s: %s\n", name, err.msg);
	return d;
}

/* A synthetic article: sentences of words drawn from a small vocabulary
 * with function words between them, different for every n. */
static struct ds_doc *synthetic(uint64_t n)
{
	static const char *const fw[] = {"the", "of", "and", "in", "to", "a", "with", "for",
					 "on", "that", "by", "from"};
	static const char *const cw[] = {
		"market", "river", "council", "price", "farmer", "school", "engine", "storm",
		"harvest", "budget", "station", "doctor", "village", "program", "treaty",
		"season", "factory", "vote", "bridge", "garden", "report", "police", "tax",
		"music", "island", "museum", "court", "train", "cotton", "coal", "film", "law"};
	char buf[8192], name[32];
	size_t k = 0;
	uint64_t r = n * 0x9e3779b97f4a7c15ULL + 1;
	for (int s = 0; s < 20; s++) {
		for (int w = 0; w < 12; w++) {
			const char *word;
			r = ds_mix64(r);
			word = (w % 2) ? fw[r % DS_ARRAY_LEN(fw)] : cw[(r >> 8) % DS_ARRAY_LEN(cw)];
			k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%c%s", w ? " " : "",
					      w ? word[0] : (char)(word[0] - 32), word + 1);
		}
		k += (size_t)snprintf(buf + k, sizeof buf - k, " %llu.\n",
				      (unsigned long long)(r % 1000));
	}
	snprintf(name, sizeof name, "synthetic-%llu", (unsigned long long)n);
	return doc_of(buf, name);
}

/* Replaces about pct% of the lower-case content words by made-up words. */
static char *spin_text(const char *text, int pct, uint64_t seed)
{
	size_t n = strlen(text), k = 0;
	char *out = malloc(n * 3 + 16);
	const char *p = text;
	uint64_t r = seed;
	while (*p) {
		if (*p >= 'a' && *p <= 'z') {
			const char *q = p;
			size_t wl;
			while ((*q >= 'a' && *q <= 'z') || *q == '\'')
				q++;
			wl = (size_t)(q - p);
			r = ds_mix64(r + 0x9e3779b97f4a7c15ULL);
			if (wl > 2 && !ds_fprint_is_function_word(p, wl) && (int)(r % 100) < pct) {
				for (size_t i = 0; i < wl + 1; i++)
					out[k++] = (char)('a' + (ds_mix64(r + i) % 26));
			} else {
				memcpy(out + k, p, wl);
				k += wl;
			}
			p = q;
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return out;
}

static int64_t add(struct ds_index *ix, struct ds_doc *d, int *added)
{
	struct ds_err err = {0};
	int64_t id = 0;
	int a = 0;
	if (!d || ds_index_add(ix, d->name, d, &id, &a, &err)) {
		T_FAIL("add: %s", err.msg);
		return 0;
	}
	if (added)
		*added = a;
	return id;
}

static size_t query(struct ds_index *ix, struct ds_doc *d, struct ds_match *m, size_t max,
		    int64_t exclude)
{
	struct ds_err err = {0};
	struct ds_query_opts o;
	size_t n = 0;
	ds_query_opts_init(&o);
	o.exclude_id = exclude;
	if (!d || ds_index_query(ix, d, &o, m, max, &n, &err))
		T_FAIL("query: %s", err.msg);
	return n;
}

T_TEST(seeds_find_their_sources)
{
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_doc *d0 = t_seed("000"), *d1 = t_seed("001"), *d2 = t_seed("002"),
		      *d3 = t_seed("003"), *d4 = t_seed("004");
	struct ds_match m[4];
	int64_t id0, id2, id4;
	double cov3 = 0, cov4 = 0, sim4 = 0;
	size_t n;
	T_OK(ix != NULL);
	if (!ix)
		return;
	id0 = add(ix, d0, NULL);
	id2 = add(ix, d2, NULL);
	id4 = add(ix, d4, NULL);
	T_OK(id0 > 0 && id2 > id0 && id4 > id2);

	n = query(ix, d3, m, 4, 0);
	T_OK(n >= 1);
	if (n >= 1) {
		T_EQ_INT(m[0].id, id0);
		T_EQ_STR(m[0].date, "2025-02-22");
		cov3 = m[0].coverage;
	}
	ds_matches_free(m, n);

	n = query(ix, d1, m, 4, 0);
	T_OK(n >= 1);
	if (n >= 1) {
		T_EQ_INT(m[0].id, id0);
		T_EQ_STR(m[0].name, "000_fcd469a446cc7cc8.txt");
		T_OK(m[0].similarity > 0.6);
		T_OK(m[0].coverage > 0.7);
	}
	ds_matches_free(m, n);

	/* 004 against the others (its own entry excluded): none or weak */
	n = query(ix, d4, m, 4, id4);
	for (size_t i = 0; i < n; i++) {
		T_OK(m[i].id != id4);
		if (m[i].coverage > cov4)
			cov4 = m[i].coverage;
		if (m[i].similarity > sim4)
			sim4 = m[i].similarity;
	}
	printf("# 003 -> 000 coverage %.3f; 004 best coverage %.3f similarity %.3f\n", cov3,
	       cov4, sim4);
	T_OK(cov3 > 0.2);
	T_OK(cov3 > 2 * cov4);
	T_OK(sim4 < 0.12);
	ds_matches_free(m, n);

	/* a document finds itself unless excluded */
	n = query(ix, d2, m, 1, 0);
	T_OK(n == 1 && m[0].id == id2 && m[0].similarity > 0.999);
	ds_matches_free(m, n);
	n = query(ix, d2, m, 1, id2);
	T_OK(n == 0 || m[0].id != id2);
	ds_matches_free(m, n);

	ds_index_close(ix);
	ds_doc_free(d0);
	ds_doc_free(d1);
	ds_doc_free(d2);
	ds_doc_free(d3);
	ds_doc_free(d4);
}

/* 50 copies of one text, each with a sentence of its own: its other
 * passage keys hold 50 sources, more than a query counts. */
static struct ds_doc *variant(int k)
{
	struct ds_doc *base = synthetic(7);
	char buf[9000], name[32];
	if (!base)
		return NULL;
	snprintf(buf, sizeof buf, "%.*sVariant number %d of the text has a sentence all its own here.\n",
		 (int)base->len, base->text, k);
	snprintf(name, sizeof name, "variant-%d", k);
	ds_doc_free(base);
	return doc_of(buf, name);
}

/* Queries art through a and through a handle opened now: the same
 * matches, with the same votes (a remembers no key that changed since);
 * their number. */
static size_t query_as_fresh(struct ds_index *a, const char *path, struct ds_doc *art)
{
	struct ds_err err = {0};
	struct ds_index *c = ds_index_open(path, DS_INDEX_READONLY, &err);
	struct ds_match m[4], f[4];
	size_t n, nf;
	if (!c) {
		T_FAIL("open: %s", err.msg);
		return 0;
	}
	n = query(a, art, m, 4, 0);
	nf = query(c, art, f, 4, 0);
	T_EQ_INT(n, nf);
	for (size_t i = 0; i < n && i < nf; i++) {
		T_EQ_INT(m[i].id, f[i].id);
		T_EQ_INT(m[i].votes, f[i].votes);
	}
	ds_matches_free(m, n);
	ds_matches_free(f, nf);
	ds_index_close(c);
	return n;
}

T_TEST(common_keys_follow_other_writers)
{
	struct ds_err err = {0};
	char path[300];
	struct ds_index *a, *b;
	struct ds_doc *art = synthetic(7);
	int64_t id[50];
	snprintf(path, sizeof path, "%s/common.db", tmpdir);
	a = ds_index_open(path, DS_INDEX_CREATE, &err);
	b = a ? ds_index_open(path, 0, &err) : NULL;
	if (!a || !b || !art) {
		T_FAIL("set-up: %s", err.msg);
		goto out;
	}
	for (int k = 0; k < 50; k++) {
		struct ds_doc *d = variant(k);
		id[k] = add(b, d, NULL);
		ds_doc_free(d);
	}
	/* the article's keys are held by 50 sources, more than a query
	 * counts; a second query remembers them so */
	for (int r = 0; r < 2; r++)
		T_EQ_INT(query_as_fresh(a, path, art), 0);
	/* another writer removes three (47): they count again for a */
	for (int k = 0; k < 3; k++)
		T_EQ_INT(ds_index_remove(b, id[k], &err), 0);
	T_EQ_INT(query_as_fresh(a, path, art), 4);
	/* a itself adds one back (48: they count), then another (49: full) */
	for (int k = 0; k < 2; k++) {
		struct ds_doc *d = variant(k);
		add(a, d, NULL);
		ds_doc_free(d);
		T_EQ_INT(query_as_fresh(a, path, art), k == 0 ? 4 : 0);
	}
	/* and a removes one (48): they count again */
	T_EQ_INT(ds_index_remove(a, id[10], &err), 0);
	T_EQ_INT(query_as_fresh(a, path, art), 4);
	/* a transaction of a fills them (50), then rolls back (48) */
	T_EQ_INT(ds_index_begin(a, &err), 0);
	for (int k = 60; k < 62; k++) {
		struct ds_doc *d = variant(k);
		add(a, d, NULL);
		ds_doc_free(d);
	}
	{
		struct ds_match m[4];
		size_t n = query(a, art, m, 4, 0);
		T_EQ_INT(n, 0);
		ds_matches_free(m, n);
	}
	T_EQ_INT(ds_index_rollback(a, &err), 0);
	T_EQ_INT(query_as_fresh(a, path, art), 4);
out:
	ds_index_close(a);
	ds_index_close(b);
	ds_doc_free(art);
}

T_TEST(duplicate_remove_text)
{
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_doc *d0 = t_seed("000"), *d1 = t_seed("001");
	struct ds_index_stats st;
	uint64_t keys2 = 0;
	struct ds_match m[2];
	int64_t id0, id0b, id1;
	int added = -1;
	char *text = NULL;
	size_t len = 0, n;
	if (!ix || !d0 || !d1) {
		T_FAIL("set-up: %s", err.msg);
		goto out;
	}
	id0 = add(ix, d0, &added);
	T_EQ_INT(added, 1);
	id0b = add(ix, d0, &added);
	T_EQ_INT(added, 0);
	T_EQ_INT(id0b, id0);
	id1 = add(ix, d1, &added);
	T_EQ_INT(added, 1);
	T_OK(ds_index_stats(ix, &st, &err) == 0);
	T_EQ_INT(st.sources, 2);
	T_OK(st.band_keys >= 20 * DS_FP_PASSAGE_BANDS);
	keys2 = st.band_keys;

	T_EQ_INT(ds_index_get_text(ix, id0, &text, &len, &err), 0);
	T_OK(text && len == d0->len && memcmp(text, d0->text, len) == 0);
	free(text);

	T_EQ_INT(ds_index_remove(ix, id0, &err), 0);
	T_EQ_INT(ds_index_remove(ix, id0, &err), DS_ENOTFOUND);
	T_EQ_INT(ds_index_get_text(ix, id0, &text, &len, &err), DS_ENOTFOUND);
	T_OK(ds_index_stats(ix, &st, &err) == 0);
	T_EQ_INT(st.sources, 1);
	T_OK(st.band_keys > 0 && st.band_keys < keys2);
	n = query(ix, d1, m, 2, id1);
	T_EQ_INT(n, 0);
	ds_matches_free(m, n);
	/* added again after removal: a new source */
	T_OK(add(ix, d0, &added) > id1);
	T_EQ_INT(added, 1);
	T_EQ_INT(ds_index_find_name(ix, "000_fcd469a446cc7cc8.txt", NULL, NULL, &err), 1);
out:
	ds_index_close(ix);
	ds_doc_free(d0);
	ds_doc_free(d1);
}

/* Adds count synthetic articles (ids are 1..count on a fresh index). */
static int add_synthetic(struct ds_index *ix, uint64_t from, uint64_t count)
{
	struct ds_err err = {0};
	if (ds_index_begin(ix, &err))
		return -1;
	for (uint64_t i = from; i < from + count; i++) {
		struct ds_doc *d = synthetic(i);
		int rc = d ? ds_index_add(ix, d->name, d, NULL, NULL, &err) : -1;
		ds_doc_free(d);
		if (rc)
			return rc;
	}
	return ds_index_commit(ix, &err);
}

T_TEST(lsh_finds_spun_copy_among_distractors)
{
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_doc *src[4], *spun, *unrel;
	static const char *const ids[] = {"000", "001", "002", "004"};
	int64_t sid[4];
	struct ds_match m[3];
	size_t n;
	T_OK(ix != NULL);
	if (!ix)
		return;
	T_EQ_INT(add_synthetic(ix, 1, 2100), 0);
	for (int i = 0; i < 4; i++) {
		src[i] = t_seed(ids[i]);
		sid[i] = add(ix, src[i], NULL);
	}
	for (int i = 0; i < 4; i++) {
		for (int pct = 10; pct <= 40; pct += 15) {
			char *t = spin_text(src[i]->text, pct, (uint64_t)(i * 100 + pct));
			spun = doc_of(t, "spun");
			free(t);
			n = query(ix, spun, m, 3, 0);
			if (n == 0 || m[0].id != sid[i])
				T_FAIL("%s spun %d%%: source not found (n=%zu)", ids[i], pct, n);
			else if (m[0].votes == 0)
				T_FAIL("%s spun %d%%: found without passage votes", ids[i], pct);
			ds_matches_free(m, n);
			ds_doc_free(spun);
		}
	}
	/* an unrelated clean article is attached to nothing */
	unrel = doc_of("Photosynthesis turns light into chemical energy. Plants, algae and some "
		       "bacteria capture sunlight with chlorophyll and store it as sugar, giving "
		       "off oxygen. The process happens in the chloroplasts of leaf cells, where "
		       "water is split and carbon dioxide is fixed by an enzyme called RuBisCO. "
		       "Without it there would be little oxygen in the air we breathe.", "unrel");
	n = query(ix, unrel, m, 3, 0);
	T_EQ_INT(n, 0);
	ds_matches_free(m, n);
	ds_doc_free(unrel);
	for (int i = 0; i < 4; i++)
		ds_doc_free(src[i]);
	ds_index_close(ix);
}

/* One sentence of a source copied into another text: a long one (a
 * passage, DS_INDEX_PASSAGE_WORDS words or more) makes the source one,
 * even spun; a short one is a quotation and does not. */
T_TEST(one_long_shared_sentence_is_a_passage)
{
	static const char *const rest =
		"Photosynthesis turns light into chemical energy. Plants, algae and some bacteria "
		"capture sunlight with chlorophyll and store it as sugar, giving off oxygen. The "
		"process happens in the chloroplasts of leaf cells, where water is split and carbon "
		"dioxide is fixed by an enzyme. Without it there would be little oxygen in the air "
		"we breathe.\n\n";
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_doc *src, *art;
	struct ds_match m[3];
	char text[4096];
	int64_t id;
	size_t n;
	T_OK(ix != NULL);
	if (!ix)
		return;
	T_EQ_INT(add_synthetic(ix, 1, 200), 0);
	src = doc_of("The harbour board met on Monday.\n\n"
		     "Only twenty five of the eighty thousand ships that called at the port last "
		     "year were turned away, and the board said the rate would not have changed at "
		     "all if the fees had been cut from ninety to sixty dollars, while cutting them "
		     "to forty would have added only two more ships to the count.\n\n"
		     "The next meeting is in May.",
		     "harbour");
	id = add(ix, src, NULL);
	/* the long sentence, spun (five of its words), after a text of its own */
	snprintf(text, sizeof text, "%s%s", rest,
		 "Solely twenty five of the eighty thousand vessels that called at the port last "
		 "year were turned away, and the board said the rate would not have altered at all "
		 "if the fees had been cut from ninety to sixty dollars, while cutting them to forty "
		 "would have supplied solely two more ships to the count.");
	art = doc_of(text, "passage");
	n = query(ix, art, m, 3, 0);
	T_OK(n >= 1 && m[0].id == id);
	if (n >= 1)
		printf("# a spun passage of one sentence: coverage %.3f similarity %.3f\n",
		       m[0].coverage, m[0].similarity);
	ds_matches_free(m, n);
	ds_doc_free(art);
	/* a short sentence, word for word: a quotation */
	snprintf(text, sizeof text, "%s%s", rest, "The harbour board met on Monday, as it does.");
	art = doc_of(text, "quotation");
	n = query(ix, art, m, 3, 0);
	T_EQ_INT(n, 0);
	ds_matches_free(m, n);
	ds_doc_free(art);
	ds_doc_free(src);
	ds_index_close(ix);
}

static void path_in_tmp(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

T_TEST(refuses_foreign_and_damaged_files)
{
	struct ds_err err = {0};
	char path[512], cmd[600];
	struct ds_index *ix;
	sqlite3 *db;
	struct ds_doc *d0 = t_seed("000");

	/* not SQLite */
	path_in_tmp(path, sizeof path, "garbage.db");
	write_file(path, "this is not a database at all, just some text\n", 46);
	ix = ds_index_open(path, 0, &err);
	T_OK(ix == NULL);
	T_OK(strstr(err.msg, path) && strstr(err.msg, "not a despin index"));
	ds_index_close(ix);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix == NULL);
	ds_index_close(ix);

	/* SQLite, but another application's */
	path_in_tmp(path, sizeof path, "foreign.db");
	unlink(path);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix == NULL);
	T_OK(strstr(err.msg, path) && strstr(err.msg, "not a despin index"));
	ds_index_close(ix);

	/* a despin index of another schema version */
	path_in_tmp(path, sizeof path, "oldver.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix != NULL);
	ds_index_close(ix);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	ix = ds_index_open(path, 0, &err);
	T_OK(ix == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, "schema version 99, made by a newer despin") != NULL);
	ds_index_close(ix);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	ix = ds_index_open(path, 0, &err);
	T_OK(ix == NULL && err.code == DS_EVERSION);
	T_OK(strstr(err.msg, "schema version 1, this despin reads versions 2 and 3: rebuild it") !=
	     NULL);
	ds_index_close(ix);

	/* a missing file is not created without DS_INDEX_CREATE */
	path_in_tmp(path, sizeof path, "missing.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_READONLY, &err);
	T_OK(ix == NULL && strstr(err.msg, path));
	ds_index_close(ix);
	T_OK(access(path, F_OK) != 0);

	/* damaged pages: open, query or check fails with DS_ECORRUPT */
	path_in_tmp(path, sizeof path, "damaged.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	if (ix && d0) {
		add(ix, d0, NULL);
		T_EQ_INT(ds_index_check(ix, &err), 0);
	}
	ds_index_close(ix);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1",
		 path);
	(void)system(cmd);
	{
		FILE *f = fopen(path, "r+b");
		static char junk[4096 * 3];
		memset(junk, 0xA5, sizeof junk);
		if (f) {
			fseek(f, 4096, SEEK_SET);
			fwrite(junk, 1, sizeof junk, f);
			fclose(f);
		}
	}
	ix = ds_index_open(path, 0, &err);
	if (ix) {
		int rc = ds_index_check(ix, &err);
		T_EQ_INT(rc, DS_ECORRUPT);
		T_OK(strstr(err.msg, path) && strstr(err.msg, "damaged"));
	} else {
		T_OK(strstr(err.msg, path) != NULL);
	}
	ds_index_close(ix);
	ds_doc_free(d0);
}

/* How many of PATH-wal, PATH-shm and PATH-journal are there. */
static int side_files(const char *path)
{
	static const char *const sfx[] = {"-wal", "-shm", "-journal"};
	char p[600];
	int n = 0;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		n += access(p, F_OK) == 0;
	}
	return n;
}

static uint64_t sources_in(const char *path)
{
	struct ds_err err = {0};
	struct ds_index_stats st = {0};
	struct ds_index *ix = ds_index_open(path, DS_INDEX_READONLY, &err);
	if (!ix || ds_index_stats(ix, &st, &err))
		T_FAIL("%s: %s", path, err.msg);
	ds_index_close(ix);
	return st.sources;
}

/* ds_index_discard removes the index its handle created and left empty,
 * with the files beside it, and no other: not one that was there before,
 * one another connection has open, or one another added to */
T_TEST(discard_removes_only_a_new_empty_index)
{
	struct ds_err err = {0};
	char path[512], side[600];
	struct ds_index *ix, *other;
	struct ds_doc *d0 = t_seed("000");

	path_in_tmp(path, sizeof path, "discard.db");
	unlink(path);
	/* created, its one add rolled back: removed */
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix != NULL);
	if (ix && d0 && ds_index_begin(ix, &err) == 0) {
		add(ix, d0, NULL);
		T_EQ_INT(ds_index_rollback(ix, &err), 0);
	}
	T_EQ_INT(ds_index_discard(ix), 1);
	ds_index_close(ix);
	T_OK(access(path, F_OK) != 0);
	T_EQ_INT(side_files(path), 0);

	/* created, and another connection has it open: it stays */
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	other = ds_index_open(path, DS_INDEX_READONLY, &err);
	T_OK(ix && other);
	T_EQ_INT(ds_index_discard(ix), 0);
	ds_index_close(other);
	ds_index_close(ix);
	T_OK(access(path, F_OK) == 0);
	T_EQ_INT((int)sources_in(path), 0);

	/* there before: it stays */
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix != NULL);
	T_EQ_INT(ds_index_discard(ix), 0);
	ds_index_close(ix);
	T_OK(access(path, F_OK) == 0);

	/* created, and another connection added a source and closed: it
	 * stays, with the source, still in WAL mode */
	unlink(path);
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof side, "%s%s", path, i ? "-shm" : "-wal");
		unlink(side);
	}
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	other = ds_index_open(path, 0, &err);
	T_OK(ix && other);
	if (other && d0)
		add(other, d0, NULL);
	ds_index_close(other);
	T_EQ_INT(ds_index_discard(ix), 0);
	ds_index_close(ix);
	T_EQ_INT((int)sources_in(path), 1);
	{
		unsigned char head[20] = {0};
		FILE *f = fopen(path, "rb");
		T_OK(f && fread(head, 1, sizeof head, f) == sizeof head && head[18] == 2);
		if (f)
			fclose(f);
	}
	ds_doc_free(d0);
}

/* A damaged index and a foreign SQLite file are refused by a reader and a
 * writer with nothing made beside them and the file as it was. */
T_TEST(refusal_leaves_the_folder_as_it_was)
{
	struct ds_err err = {0};
	char path[512], bad[512];
	struct ds_index *ix;
	struct ds_doc *d0 = t_seed("000");
	struct stat before, after;
	sqlite3 *db;

	path_in_tmp(path, sizeof path, "whole.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	if (ix && d0)
		add(ix, d0, NULL);
	ds_index_close(ix);
	path_in_tmp(bad, sizeof bad, "cut.db");
	{
		/* the first 10 kB */
		static char buf[10240];
		FILE *f = fopen(path, "rb");
		size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
		if (f)
			fclose(f);
		T_OK(n == sizeof buf);
		write_file(bad, buf, n);
	}
	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			/* another application's database, in rollback mode */
			path_in_tmp(bad, sizeof bad, "theirs.db");
			unlink(bad);
			if (sqlite3_open(bad, &db) == SQLITE_OK) {
				sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
				sqlite3_close(db);
			}
		}
		T_OK(stat(bad, &before) == 0);
		for (int flags = 0; flags <= DS_INDEX_CREATE; flags++) {
			ix = ds_index_open(bad, flags, &err);
			T_OK(ix == NULL && strstr(err.msg, "not a despin index"));
			ds_index_close(ix);
			T_EQ_INT(side_files(bad), 0);
		}
		T_OK(stat(bad, &after) == 0 && after.st_size == before.st_size &&
		     after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		     after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
	}
	ds_doc_free(d0);
}

/* vacuum of an SQLite file: the space of removed sources comes back, the
 * rest answers as before */
/* The first bytes of source id's stored text (after its 4-byte length) and
 * the file's schema version, read with SQLite itself. */
static int stored_codec(const char *path, int64_t id, unsigned char head[4], int *version)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char sql[96];
	int ok = 0;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	snprintf(sql, sizeof sql, "SELECT text FROM body WHERE id = %lld", (long long)id);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 8) {
			memcpy(head, (const unsigned char *)sqlite3_column_blob(st, 0) + 4, 4);
			ok = 1;
		}
		sqlite3_finalize(st);
	}
	if (ok && sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW;
		*version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

/* A new index (schema version 3) stores texts as Zstandard frames; one of
 * version 2 keeps deflating them (zlib streams), and both read back. */
T_TEST(texts_in_both_schema_versions)
{
	static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	struct ds_err err = {0};
	struct ds_doc *d0 = t_seed("000"), *d1 = t_seed("001");
	char path[512];
	for (int ver = 3; ver >= 2; ver--) {
		struct ds_index *ix;
		struct ds_match m[2];
		unsigned char head[4] = {0};
		int64_t id0 = 0, id1 = 0;
		int fver = 0;
		char *text = NULL;
		size_t len = 0, n;
		path_in_tmp(path, sizeof path, ver == 3 ? "v3.db" : "v2.db");
		unlink(path);
		ix = ds_index_open(path, DS_INDEX_CREATE, &err);
		T_OK(ix != NULL);
		ds_index_close(ix);
		if (ver == 2) {
			sqlite3 *db;
			T_OK(sqlite3_open(path, &db) == SQLITE_OK);
			sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL);
			sqlite3_close(db);
		}
		if (!(ix = ds_index_open(path, 0, &err)) || !d0 || !d1) {
			T_FAIL("version %d: %s", ver, err.msg);
			ds_index_close(ix);
			continue;
		}
		id0 = add(ix, d0, NULL);
		id1 = add(ix, d1, NULL);
		ds_index_close(ix);
		T_OK(stored_codec(path, id0, head, &fver));
		T_EQ_INT(fver, ver);
		if (ver == 3)
			T_OK(memcmp(head, zstd_magic, 4) == 0);
		else
			T_OK((head[0] & 0x0f) == 8 && (head[0] << 8 | head[1]) % 31 == 0); /* zlib */
		ix = ds_index_open(path, DS_INDEX_READONLY, &err);
		T_OK(ix != NULL);
		if (!ix)
			continue;
		T_EQ_INT(ds_index_get_text(ix, id1, &text, &len, &err), 0);
		T_OK(text && len == d1->len && memcmp(text, d1->text, len) == 0);
		free(text);
		n = query(ix, d0, m, 2, 0);
		T_OK(n >= 1 && m[0].id == id0);
		ds_matches_free(m, n);
		ds_index_close(ix);
	}
	ds_doc_free(d0);
	ds_doc_free(d1);
}

/* Passage keys are filed when the transaction commits: when that fails,
 * nothing of the transaction is committed (no source without its keys). */
T_TEST(keys_failing_at_commit_leave_nothing)
{
	struct ds_err err = {0};
	struct ds_doc *d0 = t_seed("000"), *d1 = t_seed("001");
	struct ds_index_stats st;
	struct ds_index *ix;
	char path[512];
	sqlite3 *db;
	path_in_tmp(path, sizeof path, "nokeys.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	if (!ix || !d0 || !d1) {
		T_FAIL("set-up: %s", err.msg);
		goto out;
	}
	add(ix, d0, NULL);
	ds_index_close(ix);
	T_OK(sqlite3_open(path, &db) == SQLITE_OK);
	T_EQ_INT(sqlite3_exec(db,
			      "CREATE TRIGGER no_keys BEFORE INSERT ON band"
			      " BEGIN SELECT RAISE(ABORT, 'no more keys'); END;",
			      NULL, NULL, NULL),
		 SQLITE_OK);
	sqlite3_close(db);
	ix = ds_index_open(path, 0, &err);
	T_OK(ix != NULL);
	if (!ix)
		goto out;
	T_EQ_INT(ds_index_begin(ix, &err), 0);
	add(ix, d1, NULL); /* its keys wait for the commit */
	T_OK(ds_index_commit(ix, &err) != 0);
	T_OK(strstr(err.msg, "no more keys") != NULL);
	ds_index_rollback(ix, NULL);
	T_EQ_INT(ds_index_stats(ix, &st, &err), 0);
	T_EQ_INT(st.sources, 1);
	T_EQ_INT(ds_index_check(ix, &err), 0);
	ds_index_close(ix);
out:
	ds_doc_free(d0);
	ds_doc_free(d1);
}

T_TEST(vacuum_gives_space_back)
{
	struct ds_err err = {0};
	char path[512];
	struct ds_index *ix;
	struct ds_index_vacuum v;
	struct ds_doc *d[5] = {t_seed("000"), t_seed("001"), t_seed("002"), t_seed("003"), t_seed("004")};
	struct ds_match m[2];
	int64_t id[5];
	size_t n;
	path_in_tmp(path, sizeof path, "vacuum.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix != NULL);
	for (int i = 0; ix && i < 5; i++)
		id[i] = d[i] ? add(ix, d[i], NULL) : 0;
	for (int i = 1; ix && i < 5; i++)
		if (i != 3)
			T_EQ_INT(ds_index_remove(ix, id[i], &err), 0);
	if (ix) {
		T_EQ_INT(ds_index_vacuum(ix, &v, &err), 0);
		T_OK(v.bytes_after > 0 && v.bytes_after < v.bytes_before);
		T_EQ_INT(v.postings, 0);
		T_EQ_INT(v.next_ms, 0);
		T_EQ_INT(ds_index_check(ix, &err), 0);
		n = query(ix, d[3], m, 2, id[3]); /* 003 still finds 000 */
		T_OK(n == 1 && m[0].id == id[0]);
		ds_matches_free(m, n);
	}
	ds_index_close(ix);
	/* read-only: refused, the file untouched */
	ix = ds_index_open(path, DS_INDEX_READONLY, &err);
	T_OK(ix && ds_index_vacuum(ix, &v, &err) != 0 && strstr(err.msg, path));
	ds_index_close(ix);
	for (int i = 0; i < 5; i++)
		ds_doc_free(d[i]);
}

static int count_sources(const char *path, struct ds_err *err)
{
	struct ds_index *ix = ds_index_open(path, DS_INDEX_READONLY, err);
	struct ds_index_stats st;
	int n = -1;
	if (!ix)
		return -1;
	if (ds_index_check(ix, err) == 0 && ds_index_stats(ix, &st, err) == 0)
		n = (int)st.sources;
	ds_index_close(ix);
	return n;
}

T_TEST(killed_add_leaves_index_as_it_was)
{
	struct ds_err err = {0};
	char path[512];
	struct ds_index *ix;
	pid_t pid;
	int status, before, after;

	path_in_tmp(path, sizeof path, "killed.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	T_OK(ix != NULL);
	if (!ix)
		return;
	T_EQ_INT(add_synthetic(ix, 1, 10), 0);
	ds_index_close(ix);
	before = count_sources(path, &err);
	T_EQ_INT(before, 10);

	pid = fork();
	if (pid == 0) {
		/* the child adds for ever in one transaction */
		struct ds_index *cx = ds_index_open(path, 0, &err);
		if (!cx || ds_index_begin(cx, &err))
			_exit(3);
		for (uint64_t i = 1000;; i++) {
			struct ds_doc *d = synthetic(i);
			ds_index_add(cx, d->name, d, NULL, NULL, &err);
			ds_doc_free(d);
		}
	}
	/* wait until the child has written into the write-ahead log */
	for (int i = 0; i < 100; i++) {
		struct stat sb;
		char wal[600];
		snprintf(wal, sizeof wal, "%s-wal", path);
		if (stat(wal, &sb) == 0 && sb.st_size > 64 * 1024)
			break;
		usleep(50 * 1000);
	}
	/* a reader goes on while the writer holds its transaction */
	T_EQ_INT(count_sources(path, &err), 10);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	T_OK(WIFSIGNALED(status));
	after = count_sources(path, &err);
	T_EQ_INT(after, before);
	if (after < 0)
		printf("# %s\n", err.msg);

	/* and the index still takes writes */
	ix = ds_index_open(path, 0, &err);
	T_OK(ix && add_synthetic(ix, 20, 1) == 0);
	ds_index_close(ix);
	T_EQ_INT(count_sources(path, &err), 11);
}

T_TEST(locked_index_fails_after_timeout)
{
	struct ds_err err = {0};
	char path[512];
	struct ds_index *ix, *other;
	struct ds_doc *d = synthetic(77);
	double t0;
	int rc;

	path_in_tmp(path, sizeof path, "locked.db");
	unlink(path);
	ix = ds_index_open(path, DS_INDEX_CREATE, &err);
	other = ix ? ds_index_open(path, 0, &err) : NULL;
	T_OK(ix && other);
	if (!ix || !other)
		goto out;
	T_EQ_INT(ds_index_begin(ix, &err), 0);
	ds_index_set_timeout(other, 300, &err);
	t0 = ds_now();
	rc = ds_index_add(other, "x", d, NULL, NULL, &err);
	T_EQ_INT(rc, DS_EBUSY);
	T_OK(strstr(err.msg, "locked") && strstr(err.msg, path));
	T_OK(ds_now() - t0 >= 0.25);
	ds_index_rollback(ix, &err);
	T_EQ_INT(ds_index_add(other, "x", d, NULL, NULL, &err), 0);
out:
	ds_index_close(ix);
	ds_index_close(other);
	ds_doc_free(d);
}

/* sentence i of a synthetic text: 8 words before the twelfth, 40 after */
static void oom_sentence(char *buf, size_t *k, size_t cap, int i)
{
	for (int w = 0; w < (i < 12 ? 8 : 40); w++)
		*k += (size_t)snprintf(buf + *k, cap - *k, "%sw%dx%d", w ? " " : "", i, w);
	*k += (size_t)snprintf(buf + *k, cap - *k, ".\n");
}

static struct ds_doc *oom_doc(const char *name, const int *which, int n)
{
	static char buf[65536];
	size_t k = 0;
	for (int i = 0; i < n; i++)
		oom_sentence(buf, &k, sizeof buf, which[i]);
	buf[k] = 0;
	return doc_of(buf, name);
}

/* Out of memory while a better source replaces a kept match (max 2, three
 * sources): the query fails with DS_ENOMEM, the matches it hands back are
 * whole, and each is freed once (a double free or a leak otherwise, which
 * the sanitizer and valgrind runs of this test report). */
T_TEST(query_out_of_memory_keeps_matches)
{
	static const int all[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
	static const int x[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	static const int y[] = {0, 1, 2, 3, 12, 13, 14, 15};
	static const int z[] = {12, 13, 14, 15, 16, 17};
	const char *names[] = {"X", "Y", "Z"};
	const int *which[] = {x, y, z};
	const int nw[] = {12, 8, 6};
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_query_opts o;
	struct ds_match m[3];
	struct ds_doc *a;
	size_t n = 0;
	T_OK(ix != NULL);
	if (!ix)
		return;
	for (int i = 0; i < 3; i++) {
		struct ds_doc *d = oom_doc(names[i], which[i], nw[i]);
		add(ix, d, NULL);
		ds_doc_free(d);
	}
	a = oom_doc("article", all, 18);
	T_OK(a != NULL);
	ds_query_opts_init(&o);
	for (int cover = 0; cover <= 1 && a; cover++) {
		o.sent_cover = cover;
		/* with memory: all three found */
		T_EQ_INT(ds_index_query(ix, a, &o, m, 3, &n, &err), 0);
		T_EQ_INT((long)n, 3);
		ds_matches_free(m, n);
		/* Z's name cannot be copied when it comes to replace a kept match */
		strdup_fails_for = "Z";
		n = 0;
		T_EQ_INT(ds_index_query(ix, a, &o, m, 2, &n, &err), DS_ENOMEM);
		strdup_fails_for = NULL;
		T_OK(n <= 2);
		for (size_t i = 0; i < n; i++)
			T_OK(m[i].name && strcmp(m[i].name, "Z") != 0);
		ds_matches_free(m, n);
	}
	ds_doc_free(a);
	ds_index_close(ix);
}

/* A redis:// or unix:// address taken apart: user, password, nodes (one
 * named twice counts once; IPv6 ones in brackets), or a Unix socket,
 * database and options; what does not read is refused with the address,
 * its password starred and its options cut. */
T_TEST(redis_addresses)
{
	struct ds_redis_addr *a = calloc(1, sizeof *a);
	struct ds_err err = {0};
	static const struct {
		const char *uri, *why;
	} bad[] = {
		{"redis://h:80x", "redis://h:80x: bad port"},
		{"redis://h:+80", "bad port"},
		{"redis://h:0", "bad port"},
		{"redis://h:65536", "bad port"},
		{"redis://:80", "no host"},
		{"redis://", "no host"},
		{"redis://h,,g", "no host"},
		{"redis://h/+1", "bad database number"},
		{"redis://h/1x", "bad database number"},
		{"redis://u:secret@h?retry=x", "redis://u:***@h: retry=x takes a whole number"},
		{"redis://h?wait_ms=0", "wait_ms=0 takes a whole number"},
		{"redis://h?colour=blue", "unknown option colour=blue"},
		/* the option refused, not the ones after it */
		{"redis://h?colour=blue&retry=2", "redis://h: unknown option colour=blue"},
		{"redis://h?=5", "redis://h: an option without a name (=5)"},
		{"redis://h?retry=1&=&wait=1", "an option without a name (=)"},
		{"http://h", "not a redis:// or unix:// address"},
		/* an IPv6 address in brackets, as in RFC 3986 */
		{"redis://::1:6379", "an IPv6 address is written in brackets"},
		{"redis://[::1", "bad IPv6 address in brackets"},
		{"redis://[]:80", "bad IPv6 address in brackets"},
		{"redis://[h1]:80", "bad IPv6 address in brackets"},
		{"redis://[::1]x", "bad port"},
		{"redis://h]:80", "brackets enclose a whole IPv6 address"},
		{"redis://g,h[1]", "brackets enclose a whole IPv6 address"},
		{"redis://[::1]:", "bad port"},
		/* a Unix socket: its absolute path, its database an option */
		{"unix://tmp/r.sock", "no socket path"},
		{"unix://", "no socket path"},
		{"unix://u:secret@/s?db=x", "unix://u:***@/s: bad database number"},
		{"redis://h?db=1", "db= is for unix:// addresses"},
		{"redis://u:secret%4@h", "redis://u:***@h: bad percent-encoding"},
		{"redis://u:secret%zz@h", "bad percent-encoding"},
		{"redis://u:secret%00@h", "bad percent-encoding"},
		{"redis://u%:secret@h", "bad percent-encoding"},
	};
	char shown[64], longer[600];
	T_OK(a != NULL);
	if (!a)
		return;
	unsetenv("DESPIN_REDIS_PASSWORD");
	unsetenv("DESPIN_REDIS_USER");
	a->retry = 30;
	a->timeout_ms = 10000;
	T_EQ_INT(ds_redis_addr_parse("redis://bob:pw@h1:7000,h2,h1:7000/3?retry=5&wait=1", a, &err), 0);
	T_EQ_STR(a->user, "bob");
	T_EQ_STR(a->pass, "pw");
	T_EQ_INT(a->nnodes, 2);
	T_EQ_STR(a->node[0].host, "h1");
	T_EQ_INT(a->node[0].port, 7000);
	T_EQ_STR(a->node[1].host, "h2");
	T_EQ_INT(a->node[1].port, 6379);
	T_EQ_INT(a->db, 3);
	T_EQ_INT(a->retry, 5);
	T_EQ_INT(a->wait_replicas, 1);
	T_EQ_INT(a->timeout_ms, 10000); /* not given: as the caller set it */
	T_EQ_INT(ds_redis_addr_parse("redis://h:12/", a, &err), 0);
	T_EQ_INT(a->nnodes, 1);
	T_EQ_INT(a->db, 0);
	T_EQ_STR(a->user, "");
	T_EQ_INT(ds_redis_addr_parse("redis://[::1]:7000,[fe80::a:1],[::1]:7000,h/2", a, &err), 0);
	T_EQ_INT(a->nnodes, 3);
	T_EQ_STR(a->node[0].host, "::1");
	T_EQ_INT(a->node[0].port, 7000);
	T_EQ_STR(a->node[1].host, "fe80::a:1");
	T_EQ_INT(a->node[1].port, 6379);
	T_EQ_STR(a->node[2].host, "h");
	T_EQ_INT(a->db, 2);
	ds_redis_node_name(a->node[0].host, a->node[0].port, shown, sizeof shown);
	T_EQ_STR(shown, "[::1]:7000");
	ds_redis_node_name(a->node[2].host, a->node[2].port, shown, sizeof shown);
	T_EQ_STR(shown, "h:6379");
	T_EQ_INT(ds_redis_addr_parse("unix://bob:p%40w@/run/redis/r.sock?db=4&retry=2", a, &err), 0);
	T_EQ_INT(a->nnodes, 1);
	T_EQ_STR(a->node[0].host, "/run/redis/r.sock");
	T_EQ_INT(a->node[0].port, 0);
	T_EQ_INT(a->db, 4);
	T_EQ_INT(a->retry, 2);
	T_EQ_STR(a->user, "bob");
	T_EQ_STR(a->pass, "p@w");
	ds_redis_node_name(a->node[0].host, a->node[0].port, shown, sizeof shown);
	T_EQ_STR(shown, "/run/redis/r.sock");
	T_OK(ds_store_is_redis("unix:///r.sock") && ds_store_is_redis("redis://h"));
	T_OK(!ds_store_is_redis("unix.db"));
	/* an empty option (a lone '?', "&&", a last '&') is none */
	T_EQ_INT(ds_redis_addr_parse("redis://h:12/1?", a, &err), 0);
	T_EQ_INT(a->db, 1);
	T_EQ_INT(ds_redis_addr_parse("redis://h?&retry=2&&wait=3&", a, &err), 0);
	T_EQ_INT(a->retry, 2);
	T_EQ_INT(a->wait_replicas, 3);
	/* the library reads no environment: DESPIN_REDIS_PASSWORD is the
	 * command line's (cli_redis_address) */
	setenv("DESPIN_REDIS_PASSWORD", "from-env", 1);
	setenv("DESPIN_REDIS_USER", "eve", 1);
	T_EQ_INT(ds_redis_addr_parse("redis://h", a, &err), 0);
	T_EQ_STR(a->pass, "");
	T_EQ_STR(a->user, "");
	T_EQ_INT(ds_redis_addr_parse("redis://bob@h", a, &err), 0);
	T_EQ_STR(a->user, "bob");
	T_EQ_STR(a->pass, "");
	T_EQ_INT(ds_redis_addr_parse("redis://:pw@h", a, &err), 0);
	T_EQ_STR(a->pass, "pw");
	T_EQ_STR(a->user, "");
	unsetenv("DESPIN_REDIS_PASSWORD");
	unsetenv("DESPIN_REDIS_USER");
	/* user and password percent-decoded, as redis-cli reads them; a
	 * password's own '@' left unencoded stays in it */
	T_EQ_INT(ds_redis_addr_parse("redis://b%6fb:p%40ss%3Aw%2Frd%3f@h:7000", a, &err), 0);
	T_EQ_STR(a->user, "bob");
	T_EQ_STR(a->pass, "p@ss:w/rd?");
	T_EQ_STR(a->node[0].host, "h");
	T_EQ_INT(ds_redis_addr_parse("redis://u:a@b@h", a, &err), 0);
	T_EQ_STR(a->pass, "a@b");
	T_EQ_STR(a->node[0].host, "h");
	T_EQ_INT(a->nnodes, 1);
	/* a password put into an address without one, encoded as read back */
	{
		char *w = ds_redis_addr_with_password("redis://h:1/2?retry=3", "ev e", "p@ss/w?rd");
		T_EQ_STR(w ? w : "", "redis://ev%20e:p%40ss%2Fw%3Frd@h:1/2?retry=3");
		T_EQ_INT(w ? ds_redis_addr_parse(w, a, &err) : -1, 0);
		T_EQ_STR(a->user, "ev e");
		T_EQ_STR(a->pass, "p@ss/w?rd");
		free(w);
		w = ds_redis_addr_with_password("redis://bob@h", "eve", "pw");
		T_EQ_STR(w ? w : "", "redis://bob:pw@h");
		free(w);
		w = ds_redis_addr_with_password("unix:///r.sock?db=1", NULL, "p@w");
		T_EQ_STR(w ? w : "", "unix://:p%40w@/r.sock?db=1");
		T_EQ_INT(w ? ds_redis_addr_parse(w, a, &err) : -1, 0);
		T_EQ_STR(a->pass, "p@w");
		T_EQ_STR(a->node[0].host, "/r.sock");
		free(w);
		T_OK(ds_redis_addr_with_password("redis://:own@h", "eve", "pw") == NULL);
		T_OK(ds_redis_addr_with_password("index.db", NULL, "pw") == NULL);
	}
	/* as messages show an address: the whole password starred */
	snprintf(shown, sizeof shown, "redis://u:a@b@h?retry=1");
	ds_store_shown_uri(shown);
	T_EQ_STR(shown, "redis://u:***@h");
	ds_store_shown_uri_to("redis://u:secret@h:1/2?retry=3", shown, sizeof shown);
	T_EQ_STR(shown, "redis://u:***@h:1/2");
	ds_store_shown_uri_to("index.db", shown, sizeof shown);
	T_EQ_STR(shown, "index.db");
	ds_store_shown_uri_to("unix://u:secret@/r.sock?db=2", shown, sizeof shown);
	T_EQ_STR(shown, "unix://u:***@/r.sock");
	/* longer than the buffer: the starred form, cut short, never part of
	 * a password; short passwords are starred a star a character; an
	 * empty one is no password to star */
	memset(longer, 0, sizeof longer);
	memcpy(longer, "redis://u:", 10);
	memset(longer + 10, 's', 200);
	memcpy(longer + 210, "@host:1/2?retry=3", 17);
	ds_store_shown_uri_to(longer, shown, 40);
	T_EQ_STR(shown, "redis://u:***@host:1/2");
	ds_store_shown_uri_to(longer, shown, 12);
	T_EQ_STR(shown, "redis://u:*");
	ds_store_shown_uri(longer);
	T_EQ_STR(longer, "redis://u:***@host:1/2");
	snprintf(shown, sizeof shown, "redis://u:pw@h/1?x=1");
	ds_store_star_password(shown);
	T_EQ_STR(shown, "redis://u:**@h/1?x=1");
	snprintf(shown, sizeof shown, "redis://u:@h");
	ds_store_shown_uri(shown);
	T_EQ_STR(shown, "redis://u:@h");
	snprintf(shown, sizeof shown, "dir/a?b.db");
	ds_store_shown_uri(shown);
	T_EQ_STR(shown, "dir/a?b.db");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err.msg[0] = 0;
		T_EQ_INT(ds_redis_addr_parse(bad[i].uri, a, &err), DS_EINVAL);
		T_OK(strstr(err.msg, bad[i].why) != NULL);
		T_OK(strstr(err.msg, "secret") == NULL);
	}
	free(a);
}

int main(void)
{
	char cmd[300];
	snprintf(tmpdir, sizeof tmpdir, "/tmp/despin-test-index-%d", (int)getpid());
	mkdir(tmpdir, 0700);
	T_RUN(seeds_find_their_sources);
	T_RUN(duplicate_remove_text);
	T_RUN(common_keys_follow_other_writers);
	T_RUN(lsh_finds_spun_copy_among_distractors);
	T_RUN(one_long_shared_sentence_is_a_passage);
	T_RUN(refuses_foreign_and_damaged_files);
	T_RUN(discard_removes_only_a_new_empty_index);
	T_RUN(refusal_leaves_the_folder_as_it_was);
	T_RUN(texts_in_both_schema_versions);
	T_RUN(keys_failing_at_commit_leave_nothing);
	T_RUN(vacuum_gives_space_back);
	T_RUN(killed_add_leaves_index_as_it_was);
	T_RUN(locked_index_fails_after_timeout);
	T_RUN(query_out_of_memory_keeps_matches);
	T_RUN(redis_addresses);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	(void)system(cmd);
	return t_done();
}
