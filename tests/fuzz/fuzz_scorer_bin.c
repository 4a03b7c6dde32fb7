/* fuzz_scorer_bin.c - the scorer loader (ds_scorer_load): whole files and
 * payloads in a valid envelope.  An accepted scorer gives probabilities,
 * its slot model's trees too. */
#include <math.h>

#include "fuzz.h"
#include "score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	const char *path = fz_model_file(data, size, DS_SCORER_KIND, DS_SCORER_VERSION);
	struct ds_scorer *s;
	double f[DS_NFEAT];

	if (!path)
		return 0;
	s = ds_scorer_load(path, &err);
	if (!s) {
		fz_check_refusal(&err, path);
		FZ_ASSERT(err.code == DS_ENOMEM || strstr(err.msg, "make models") != NULL);
		return 0;
	}
	for (int i = 0; i < DS_NFEAT; i++)
		f[i] = (double)i / 7.0;
	for (int k = 0; k < DS_NMODELS; k++) {
		double p = ds_scorer_prob(s, k, f);
		FZ_ASSERT(!(p < 0) && !(p > 1));
	}
	{ /* the slot model's trees: every walk ends inside the model */
		double x[DS_NSLOTF], p;
		for (int i = 0; i < DS_NSLOTF; i++)
			x[i] = (double)i - 3.5;
		p = ds_slot_prob(&s->slot, x);
		FZ_ASSERT(!(p < 0) && !(p > 1));
	}
	free(s);
	return 0;
}
