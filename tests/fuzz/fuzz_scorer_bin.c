/* fuzz_scorer_bin.c - the scorer loader (ds_scorer_load): whole files,
 * payloads in a valid envelope, and scorers whose slot trees are built from
 * the input (bit 2 of the first byte): the payload's size must match to the
 * byte, so mutated files alone rarely reach the trees' checks.  An accepted
 * scorer gives probabilities, its slot model's trees too; a scorer of
 * built trees is accepted exactly when ds_gbt_check accepts its trees. */
#include <math.h>

#include "fuzz.h"
#include "gbt.h"
#include "score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next input byte, 0 past the end. */
static unsigned next(const uint8_t *data, size_t size, size_t *at)
{
	return *at < size ? data[(*at)++] : 0;
}

/* A blank scorer (static: it is large) whose slot model is up to 8 trees
 * of up to 63 nodes read from the bytes, near-valid by construction:
 * features from -2 to DS_NSLOTF, children from one before their node to
 * eight after it, trees' first nodes in order or not; written by the
 * library.  NULL when it cannot be written. */
static const char *trees_file(const uint8_t *data, size_t size, struct ds_gbt *built)
{
	static struct ds_scorer s;
	struct ds_err err = {0};
	struct ds_gbt *g = &s.slot.trees;
	const char *path = fz_tmp_path(".bin");
	size_t at = 0;
	ds_scorer_blank(&s);
	s.has_slot = 1;
	g->ntrees = 1 + next(data, size, &at) % 8;
	g->nnodes = next(data, size, &at) % 64;
	g->base = ((double)next(data, size, &at) - 128) / 16;
	for (uint32_t t = 1; t < g->ntrees; t++)
		g->root[t] = g->root[t - 1] + next(data, size, &at) % 12;
	for (uint32_t i = 0; i < g->nnodes; i++) {
		struct ds_gbt_node *nd = &g->node[i];
		nd->feat = (int32_t)(next(data, size, &at) % (DS_NSLOTF + 3)) - 2;
		nd->left = (int32_t)i + (int32_t)(next(data, size, &at) % 10) - 1;
		nd->right = (int32_t)i + (int32_t)(next(data, size, &at) % 10) - 1;
		nd->thr = ((double)next(data, size, &at) - 128) / 32;
		nd->value = ((double)next(data, size, &at) - 128) / 64;
	}
	*built = *g;
	return ds_scorer_write_bin(&s, path, &err) ? NULL : path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ds_gbt built;
	struct ds_err err = {0};
	const int trees = size > 0 && (data[0] & 2);
	const char *path = trees ? trees_file(data + 1, size - 1, &built)
				 : fz_model_file(data, size, DS_SCORER_KIND, DS_SCORER_VERSION);
	struct ds_scorer *s;
	double f[DS_NFEAT];

	if (!path)
		return 0;
	s = ds_scorer_load(path, &err);
	if (trees)
		FZ_ASSERT((s != NULL) == (ds_gbt_check(&built, DS_NSLOTF) == 0));
	if (!s) {
		fz_check_model_refusal(&err, path);
		return 0;
	}
	for (int i = 0; i < DS_NFEAT; i++)
		f[i] = (double)i / 7.0;
	for (int k = 0; k < DS_NMODELS; k++) {
		double p = ds_scorer_prob(s, k, f);
		FZ_ASSERT(!(p < 0) && !(p > 1));
	}
	/* the slot model's trees: every walk ends inside the model, on rows
	 * of every sign */
	for (int r = 0; r < 3; r++) {
		double x[DS_NSLOTF], p;
		for (int i = 0; i < DS_NSLOTF; i++)
			x[i] = ((double)i - 3.5) * (r - 1) + (r == 1 ? (double)(i % 3) - 1 : 0);
		p = ds_slot_prob(&s->slot, x);
		FZ_ASSERT(!(p < 0) && !(p > 1));
	}
	free(s);
	return 0;
}
