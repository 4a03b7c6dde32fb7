/* test_index_lm.c - the in-domain language model of an index: trained from
 * the sources the index keeps, stored with them, reloaded for the base model
 * it was trained with, refused for another, due again after growth. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "index_lm.h"
#include "lm_train.h"
#include "text.h"

static char dir[] = "/tmp/despin-ixlm-XXXXXX";
static char base_path[256], other_path[256];

/* A base model of generic prose, written to a file (the index's weights
 * name the base by what is loaded from a file). */
static int write_base(const char *path, const char *text)
{
	struct ds_lm_train_opts o = {0};
	struct ds_err err = {0};
	struct ds_lm_trainer *t;
	struct ds_lm *lm;
	int rc;
	o.order = 3;
	t = ds_lm_trainer_new(&o, &err);
	if (!t || ds_lm_trainer_add_text(t, text, strlen(text), "base", &err))
		return -1;
	lm = ds_lm_trainer_finish(t, NULL, &err);
	ds_lm_trainer_free(t);
	rc = lm ? ds_lm_write(lm, path, &err) : -1;
	ds_lm_free(lm);
	return rc;
}

/* In-domain articles: market reports the base model has never seen. */
static void article(char *buf, size_t cap, int i)
{
	static const char *const co[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli"};
	static const char *const mv[] = {"rose", "fell", "climbed", "slipped"};
	snprintf(buf, cap,
		 "Shares of %s %s %d cents in early trading on the exchange. "
		 "Analysts said the quarterly dividend of %s was in line with forecasts. "
		 "The index of technology stocks %s as bond yields %s for the %s session in a row. "
		 "Traders expect the central bank to hold interest rates steady at its next meeting.\n",
		 co[i % 5], mv[i % 4], 10 + i % 37, co[(i + 2) % 5], mv[(i + 1) % 4], mv[(i + 3) % 4],
		 i % 2 ? "second" : "third");
}

static int add_articles(struct ds_index *ix, int from, int to)
{
	struct ds_err err = {0};
	char buf[1024], name[32];
	if (ds_index_begin(ix, &err))
		return -1;
	for (int i = from; i < to; i++) {
		struct ds_doc *d;
		int added;
		article(buf, sizeof buf, i);
		snprintf(name, sizeof name, "a%d", i);
		d = ds_doc_new(buf, strlen(buf), name, 0, &err);
		if (!d || ds_index_add(ix, name, d, NULL, &added, &err)) {
			ds_doc_free(d);
			printf("# %s\n", err.msg);
			return -1;
		}
		ds_doc_free(d);
	}
	return ds_index_commit(ix, &err);
}

T_TEST(train_store_load)
{
	struct ds_err err = {0};
	struct ds_index *ix = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct ds_lm *base = ds_lm_load(base_path, &err), *other = ds_lm_load(other_path, &err);
	struct ds_lm *in = NULL;
	struct ds_index_lm_info info;
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
	int due = -1;
	T_OK(ix && base && other);
	if (!ix || !base || !other)
		goto out;
	/* too few sources: no model, not due */
	T_EQ_INT(add_articles(ix, 0, 50), 0);
	T_EQ_INT(ds_index_lm_due(ix, 0, &due, &err), 0);
	T_EQ_INT(due, 0);
	T_EQ_INT(ds_index_lm_train(ix, base, NULL, &info, &err), DS_EINVAL);
	T_EQ_INT(ds_index_lm_load(ix, base, &in, w, &err), DS_ENOTFOUND);
	/* past the minimum: trained (the first time on demand), stored */
	T_EQ_INT(add_articles(ix, 50, 160), 0);
	T_EQ_INT(ds_index_lm_due(ix, 0, &due, &err), 0);
	T_EQ_INT(due, 0);
	T_EQ_INT(ds_index_lm_train(ix, base, NULL, &info, &err), 0);
	T_EQ_INT(info.sources + info.heldout, 160);
	T_EQ_INT(info.heldout, 8);   /* ids 20, 40, ... 160 */
	T_OK(info.words > 5000);
	T_OK(info.bytes > 0);
	/* the in-domain model reads the held-out market reports far better */
	T_OK(info.ppl_mix < info.ppl_base / 2);
	T_EQ_INT(ds_index_lm_due(ix, 0, &due, &err), 0);
	T_EQ_INT(due, 0);
	T_EQ_INT(ds_index_lm_load(ix, base, &in, w, &err), 0);
	T_OK(in != NULL);
	if (in) {
		T_OK(ds_lm_vocab(in, "globex", 6) != DS_LM_UNK);
		T_OK(ds_lm_vocab(base, "globex", 6) == DS_LM_UNK);
		/* weights of a two-component mixture, each bucket summing to one */
		T_NEAR(w[0] + w[1], 1.0, 1e-9);
		ds_lm_free(in);
		in = NULL;
	}
	/* another base model: refused, to be trained again */
	T_EQ_INT(ds_index_lm_load(ix, other, &in, w, &err), DS_EVERSION);
	T_OK(strstr(err.msg, "despin index train") != NULL);
	/* growth by a quarter makes it due again */
	T_EQ_INT(add_articles(ix, 160, 200), 0);
	T_EQ_INT(ds_index_lm_due(ix, 0, &due, &err), 0);
	T_EQ_INT(due, 0);   /* 40 more: fewer than 50 */
	T_EQ_INT(add_articles(ix, 200, 220), 0);
	T_EQ_INT(ds_index_lm_due(ix, 0, &due, &err), 0);
	T_EQ_INT(due, 1);
	T_EQ_INT(ds_index_lm_drop(ix, &err), 0);
	T_EQ_INT(ds_index_lm_load(ix, base, &in, w, &err), DS_ENOTFOUND);
out:
	ds_lm_free(base);
	ds_lm_free(other);
	ds_index_close(ix);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(base_path, sizeof base_path, "%s/base.bin", dir);
	snprintf(other_path, sizeof other_path, "%s/other.bin", dir);
	if (write_base(base_path, "The cat sat on the mat.\nA dog ran in the park and the cat sat.\n"
				  "The weather was fine on the third day of the trip.\n") ||
	    write_base(other_path, "Other words make another model.\nNothing in common here at all.\n"))
		return 1;
	T_RUN(train_store_load);
	t_rmdir(dir);
	return t_done();
}
