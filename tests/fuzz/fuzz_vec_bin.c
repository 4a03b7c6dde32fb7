/* fuzz_vec_bin.c - the word vectors' loader (ds_vec_load): whole files and
 * payloads in a valid envelope.  Accepted vectors answer every look-up
 * within their bounds: each of their words is found, and the cosine of two
 * words or phrases (of the model's own words, of words it lacks, and of the
 * input's short strings) is unknown or within [-1, 1]. */
#include <math.h>

#include "fuzz.h"
#include "vec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sim_ok(const struct ds_vec *v, const char *a, const char *b)
{
	struct ds_vec_word w;
	double s = ds_vec_sim(v, a, strlen(a), b, strlen(b));
	FZ_ASSERT(s == DS_VEC_UNKNOWN || (s >= -1.000001 && s <= 1.000001));
	ds_vec_word_of(v, b, strlen(b), &w);
	if (!strchr(b, ' '))
		FZ_ASSERT(ds_vec_sim_word(v, a, strlen(a), &w) == s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	const char *path = fz_model_file(data, size, DS_VEC_KIND, DS_VEC_VERSION);
	static const char *const words[] = {"war", "battle", "the war", "", "zzqx"};
	struct ds_vec *v;
	size_t n;

	if (!path)
		return 0;
	v = ds_vec_load(path, &err);
	if (!v) {
		fz_check_model_refusal(&err, path);
		return 0;
	}
	n = ds_vec_words(v);
	FZ_ASSERT(n > 0 && ds_vec_dim(v) > 0 && ds_vec_dim(v) <= DS_VEC_MAX_DIM);
	FZ_ASSERT(ds_vec_word(v, n) == NULL);
	for (size_t i = 0; i < n && i < 64; i++) {
		const char *w = ds_vec_word(v, i);
		FZ_ASSERT(w != NULL && ds_vec_get(v, w, strlen(w)) != NULL);
		sim_ok(v, w, ds_vec_word(v, (i * 7 + 3) % n));
		for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
			sim_ok(v, words[k], w);
	}
	ds_vec_free(v);
	return 0;
}
