/* cmd_index_lm.c - the index's in-domain language model on the command
 * line: despin index train, training after add and remove, use by scan -i. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../detect.h"
#include "../index_lm.h"

struct ds_lm *cli_base_lm(const char *models_dir)
{
	struct ds_err err = {0};
	char note[768];
	struct ds_lm *lm = ds_models_load_lm(cli_models_dir(models_dir), cli_lm_file(), note, sizeof note,
					     &err);
	if (!lm)
		cli_error("%s", err.msg);
	else if (note[0])
		cli_note("%s", note);
	return lm;
}

int index_lm_train(struct ds_index *ix, const char *models_dir, int quiet)
{
	struct ds_err err = {0};
	struct ds_index_lm_info info;
	struct ds_lm *base = cli_base_lm(models_dir);
	int rc;
	if (!base)
		return EXIT_ERROR;
	rc = ds_index_lm_train(ix, base, NULL, &info, &err);
	ds_lm_free(base);
	if (rc) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (!quiet)
		printf("in-domain model: %llu sources, %llu words, n-grams %llu/%llu/%llu, %.1f MB, %.1f s; "
		       "%llu held-out sources (%llu words): perplexity %.1f -> %.1f\n",
		       (unsigned long long)info.sources, (unsigned long long)info.words,
		       (unsigned long long)info.count[0], (unsigned long long)info.count[1],
		       (unsigned long long)info.count[2], (double)info.bytes / 1e6, info.seconds,
		       (unsigned long long)info.heldout, (unsigned long long)info.heldout_words,
		       info.ppl_base, info.ppl_mix);
	return EXIT_CLEAN;
}

void index_lm_maybe_train(struct ds_index *ix, const char *models_dir, int quiet)
{
	struct ds_err err = {0};
	int due = 0;
	if (ds_index_lm_due(ix, 0, &due, &err) || !due)
		return;
	if (!quiet)
		fprintf(stderr, "despin index: the index changed by a quarter since its language model was trained: training it\n");
	index_lm_train(ix, models_dir, 1);
}

/* The index's in-domain model and weights for base, or NULL: a note on
 * stderr says why when the index has none or one for other models.  An
 * index that cannot be opened is told here when failed is given (*failed
 * set), else left to the caller, which opens it itself. */
static struct ds_lm *stored_model(const struct ds_lm *base, const char *index_uri, double *w,
				  int *failed)
{
	struct ds_err err = {0};
	struct ds_lm *in = NULL;
	struct ds_index *ix = ds_index_open(index_uri, DS_INDEX_READONLY, &err);
	int rc;
	if (!ix) {
		if (failed) {
			cli_error("%s", err.msg);
			*failed = 1;
		}
		return NULL;
	}
	rc = ds_index_lm_load(ix, base, &in, w, &err);
	ds_index_close(ix);
	if (rc == DS_ENOTFOUND)
		cli_note("index %s has no in-domain model: 'despin index train -i %s' builds one (at least %d sources)",
			 index_uri, index_uri, DS_INDEX_LM_MIN_SOURCES);
	else if (rc)
		cli_note("%s", err.msg);
	return rc ? NULL : in;
}

void index_lm_use(struct ds_models *m, const char *index_uri)
{
	struct ds_err err = {0};
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
	const char *on = getenv("DESPIN_INDEX_LM");
	struct ds_lm *in;
	/* opt-in: the shipped scorer is fitted on the corpus model's evidence */
	if (!on || strcmp(on, "1") != 0)
		return;
	in = stored_model(ds_models_lm(m), index_uri, w, NULL);
	if (in && ds_models_add_lm(m, in, w, &err))
		cli_error("%s", err.msg);
}

struct ds_lm *index_lm_mix(struct ds_lm *base, const char *index_uri)
{
	struct ds_err err = {0};
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX];
	int failed = 0;
	struct ds_lm *in = stored_model(base, index_uri, w, &failed);
	if (failed) {
		ds_lm_free(base);
		return NULL;
	}
	if (!in)
		return base;
	if (ds_lm_mix_weights(base, NULL) > 1) {
		if (ds_lm_mix_add(base, in, w, &err))
			cli_error("%s", err.msg);
		return base;
	}
	{
		struct ds_lm *comp[2] = {base, in};
		struct ds_lm *mix = ds_lm_mix_new(comp, 2, w, &err);
		if (!mix)
			cli_error("%s", err.msg);
		return mix;
	}
}
