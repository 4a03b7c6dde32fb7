/* test_candtab.c - the candidate table's file: what is added is found again
 * (texts, ids, weights, sources, the lexicon's count), a phrase added twice
 * keeps the first, what was not added is not found, the models a table
 * names must all match, files of another kind, cut short or missing are
 * refused with a message naming them, and a table whose payload was damaged
 * answers "not there" or within its bounds, never beyond them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "candtab.h"
#include "t.h"

static char path[256];

static struct ds_candtab_cand cand(const char *text, uint32_t id, float w, uint16_t src, int rel)
{
	struct ds_candtab_cand c;
	memset(&c, 0, sizeof c);
	c.text = text;
	c.len = (uint32_t)strlen(text);
	c.ids[0] = id;
	c.ni = 1;
	c.weight = w;
	c.sources = src;
	c.related = (uint8_t)rel;
	return c;
}

static const struct ds_candtab_id ID = {11, 22, 33, 1};

/* The table of builder b, written to path and loaded back (b freed). */
static struct ds_candtab *written(struct ds_candtab_builder *b)
{
	struct ds_err err = {0};
	struct ds_candtab *t = NULL;
	T_EQ_INT(ds_candtab_builder_write(b, path, &err), 0);
	ds_candtab_builder_free(b);
	t = ds_candtab_load(path, &err);
	T_OK(t != NULL);
	return t;
}

T_TEST(round_trip)
{
	struct ds_candtab_builder *b = ds_candtab_builder_new(&ID);
	struct ds_candtab_cand war[2] = {cand("war", 7, 0.75f, 1, 0), cand("conflict", 9, 0.5f, 3, 1)};
	struct ds_candtab_cand twelve = cand("year", 4, 1.0f, 32, 0);
	struct ds_candtab_cand got;
	struct ds_candtab_ent e;
	struct ds_candtab_id id;
	struct ds_candtab *t;
	T_OK(b != NULL);
	if (!b)
		return;
	twelve.ni = 1;
	T_EQ_INT(ds_candtab_builder_add(b, "battle", 6, 1, 120, war, 2), 0);
	T_EQ_INT(ds_candtab_builder_add(b, "12 months", 9, 1, 3, &twelve, 1), 0);
	T_EQ_INT(ds_candtab_builder_add(b, "zebra", 5, 0, 0, NULL, 0), 0);
	/* added twice: the first stays */
	T_EQ_INT(ds_candtab_builder_add(b, "battle", 6, 0, 1, NULL, 0), 0);
	T_EQ_INT(ds_candtab_builder_count(b), 3);
	if (!(t = written(b)))
		return;
	T_EQ_INT(ds_candtab_phrases(t), 3);
	ds_candtab_get_id(t, &id);
	T_EQ_INT(id.lm, 11);
	T_EQ_INT(id.vec, 33);
	T_OK(ds_candtab_matches(t, &ID));
	for (int k = 0; k < 4; k++) {
		struct ds_candtab_id other = ID;
		uint32_t *f = k == 0 ? &other.lm : k == 1 ? &other.lex : k == 2 ? &other.vec : &other.algo;
		(*f)++;
		T_OK(!ds_candtab_matches(t, &other));
	}
	{
		/* models that name nothing (0) match no table */
		struct ds_candtab_id none = {0, 0, 33, 1};
		T_OK(!ds_candtab_matches(t, &none));
	}
	T_EQ_INT(ds_candtab_find(t, "battle", 6, &e), 0);
	T_EQ_INT(e.n, 2);
	T_EQ_INT(e.known, 1);
	T_EQ_INT(e.freq, 120);
	T_EQ_INT(ds_candtab_cand(t, &e, 1, &got), 0);
	T_EQ_STR(got.text, "conflict");
	T_EQ_INT(got.len, 8);
	T_EQ_INT(got.ids[0], 9);
	T_EQ_INT(got.ni, 1);
	T_EQ_INT(got.sources, 3);
	T_EQ_INT(got.related, 1);
	T_OK(got.weight == 0.5f);
	T_EQ_INT(ds_candtab_cand(t, &e, 0, &got), 0);
	T_EQ_STR(got.text, "war");
	T_EQ_INT(ds_candtab_cand(t, &e, 2, &got), -1);
	T_EQ_INT(ds_candtab_find(t, "12 months", 9, &e), 0);
	T_EQ_INT(e.n, 1);
	T_EQ_INT(ds_candtab_cand(t, &e, 0, &got), 0);
	T_EQ_STR(got.text, "year");
	T_EQ_INT(ds_candtab_find(t, "zebra", 5, &e), 0);
	T_EQ_INT(e.n, 0);
	T_EQ_INT(e.known, 0);
	T_EQ_INT(ds_candtab_find(t, "battl", 5, &e), -1);
	T_EQ_INT(ds_candtab_find(t, "peace", 5, &e), -1);
	ds_candtab_free(t);
}

/* A refused add leaves no trace: the phrase can be added again, and the
 * phrases after it keep their own entries. */
T_TEST(refused_add_leaves_no_phrase)
{
	struct ds_candtab_builder *b = ds_candtab_builder_new(&ID);
	struct ds_candtab_cand bad[2] = {cand("war", 7, 0.75f, 1, 0), cand("fight", 8, 0.5f, 1, 0)};
	struct ds_candtab_cand good = cand("war", 7, 0.75f, 1, 0), other = cand("year", 4, 1, 1, 0);
	struct ds_candtab_ent e;
	struct ds_candtab_cand got;
	struct ds_candtab *t;
	T_OK(b != NULL);
	if (!b)
		return;
	bad[1].ni = DS_CANDTAB_MAX_IDS + 1; /* the second candidate is refused */
	T_EQ_INT(ds_candtab_builder_add(b, "battle", 6, 1, 5, bad, 2), DS_EINVAL);
	T_EQ_INT(ds_candtab_builder_count(b), 0);
	T_EQ_INT(ds_candtab_builder_add(b, "battle", 6, 1, 5, &good, 1), 0);
	T_EQ_INT(ds_candtab_builder_add(b, "12 months", 9, 1, 3, &other, 1), 0);
	T_EQ_INT(ds_candtab_builder_count(b), 2);
	if (!(t = written(b)))
		return;
	T_EQ_INT(ds_candtab_find(t, "battle", 6, &e), 0);
	T_EQ_INT(e.n, 1);
	T_EQ_INT(ds_candtab_cand(t, &e, 0, &got), 0);
	T_EQ_STR(got.text, "war");
	T_EQ_INT(ds_candtab_find(t, "12 months", 9, &e), 0);
	T_EQ_INT(ds_candtab_cand(t, &e, 0, &got), 0);
	T_EQ_STR(got.text, "year");
	ds_candtab_free(t);
}

T_TEST(refuses_bad_files)
{
	struct ds_err err = {0};
	char missing[300];
	snprintf(missing, sizeof missing, "%s.none", path);
	T_OK(ds_candtab_load(missing, &err) == NULL);
	T_OK(strstr(err.msg, missing) != NULL);
	/* another kind of model */
	T_EQ_INT(ds_bin_write(path, "VEC", 2, "12345678", 8, &err), 0);
	memset(&err, 0, sizeof err);
	T_OK(ds_candtab_load(path, &err) == NULL);
	T_OK(strstr(err.msg, path) != NULL);
	/* the right kind, cut short */
	T_EQ_INT(ds_bin_write(path, DS_CANDTAB_KIND, DS_CANDTAB_VERSION, "12345678", 8, &err), 0);
	memset(&err, 0, sizeof err);
	T_OK(ds_candtab_load(path, &err) == NULL);
	T_EQ_INT(err.code, DS_ECORRUPT);
	T_OK(strstr(err.msg, path) && strstr(err.msg, "malformed"));
	/* no table is free to free */
	ds_candtab_free(NULL);
}

T_TEST(damaged_payload_stays_in_bounds)
{
	struct ds_err err = {0};
	struct ds_candtab_builder *b = ds_candtab_builder_new(&ID);
	char words[200][16];
	FILE *f;
	long size;
	unsigned char *img;
	T_OK(b != NULL);
	if (!b)
		return;
	for (int i = 0; i < 200; i++) {
		struct ds_candtab_cand c[3];
		snprintf(words[i], sizeof words[i], "w%03d", i);
		for (int k = 0; k < 3; k++)
			c[k] = cand(words[(i + k) % (i + 1)], (uint32_t)(i + k), 0.5f, 1, k == 2);
		T_EQ_INT(ds_candtab_builder_add(b, words[i], strlen(words[i]), 1, (uint32_t)i, c, 3), 0);
	}
	T_EQ_INT(ds_candtab_builder_write(b, path, &err), 0);
	ds_candtab_builder_free(b);
	f = fopen(path, "rb");
	T_OK(f != NULL);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	img = malloc((size_t)size);
	T_OK(img && fread(img, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	srand(7);
	for (int round = 0; img && round < 50; round++) {
		unsigned char *copy = malloc((size_t)size);
		struct ds_candtab *t;
		memcpy(copy, img, (size_t)size);
		/* bytes past the table's own header: the sizes stay, the slots,
		 * records and texts do not */
		for (int k = 0; k < 40; k++)
			copy[DS_BIN_HEADER_SIZE + 40 + rand() % (size - DS_BIN_HEADER_SIZE - 40)] =
				(unsigned char)rand();
		f = fopen(path, "wb");
		fwrite(copy, 1, (size_t)size, f);
		fclose(f);
		free(copy);
		t = ds_candtab_load(path, &err);
		for (int i = 0; t && i < 200; i++) {
			struct ds_candtab_ent e;
			struct ds_candtab_cand c;
			if (ds_candtab_find(t, words[i], strlen(words[i]), &e) != 0)
				continue;
			for (uint32_t k = 0; k < e.n + 2; k++)
				if (ds_candtab_cand(t, &e, k, &c) == 0)
					T_OK(strlen(c.text) == c.len && c.ni <= DS_CANDTAB_MAX_IDS);
		}
		ds_candtab_free(t);
	}
	free(img);
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/test_candtab_%d.bin", (int)getpid());
	T_RUN(round_trip);
	T_RUN(refused_add_leaves_no_phrase);
	T_RUN(refuses_bad_files);
	T_RUN(damaged_payload_stays_in_bounds);
	unlink(path);
	return t_done();
}
