/* test_lm_sphinx.c - the Sphinx trie model reader on the real file of
 * Debian's pocketsphinx-en-us (skipped when the package is absent): counts,
 * distributions that sum to one after every context, golden probabilities,
 * the binary round trip, and damaged files refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "lm.h"

#define SPHINX_LM "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"

static struct ds_lm *model;

static void after(const struct ds_lm *lm, const char *const *ctx, struct ds_lm_state *st)
{
	ds_lm_null(st);
	for (; *ctx; ctx++) {
		ds_lm_id id = ds_lm_vocab(lm, *ctx, strlen(*ctx));
		if (id == DS_LM_BOS)
			ds_lm_begin(lm, st);
		else
			ds_lm_score(lm, st, id, st, NULL);
	}
}

static float prob(const struct ds_lm *lm, const char *const *ctx, const char *w, int *nl)
{
	struct ds_lm_state st;
	after(lm, ctx, &st);
	return ds_lm_score(lm, &st, ds_lm_vocab(lm, w, strlen(w)), &st, nl);
}

T_TEST(counts_of_the_real_file)
{
	struct ds_lm_stats st;
	if (!model)
		T_SKIP("no " SPHINX_LM " (Debian package pocketsphinx-en-us)");
	ds_lm_get_stats(model, &st);
	T_EQ_INT(st.order, 3);
	/* the header counts 72547/2051547/1669625; the file's unigrams are the
	 * 72547 words plus <unk>, and its 2-gram table holds 6 fewer entries
	 * than its header says (the writer counts some twice) */
	T_EQ_INT(st.vocab, 72547 + 1);
	T_EQ_INT(st.count[1], 2051541);
	T_EQ_INT(st.count[2], 1669625);
	T_EQ_STR(ds_lm_word(model, DS_LM_BOS), "<s>");
	T_EQ_STR(ds_lm_word(model, DS_LM_EOS), "</s>");
	T_OK(ds_lm_vocab(model, "aardvark", 8) != DS_LM_UNK);
	T_OK(ds_lm_vocab(model, "don't", 5) != DS_LM_UNK);
	T_OK(ds_lm_vocab(model, "The", 3) == DS_LM_UNK);   /* lower case only */
	T_OK(ds_lm_vocab(model, ",", 1) == DS_LM_UNK);     /* no punctuation */
}

/* Every context's distribution sums to one: probabilities, backoffs, the
 * log base and the trie's ranges are all read right. */
T_TEST(distributions_sum_to_one)
{
	static const char *const ctx[][3] = {
		{NULL}, {"of", NULL}, {"the", "united", NULL}, {"<s>", NULL}, {"new", "york", NULL},
	};
	if (!model)
		T_SKIP("no " SPHINX_LM);
	for (size_t c = 0; c < sizeof ctx / sizeof ctx[0]; c++) {
		struct ds_lm_state st, o;
		double sum = 0;
		after(model, ctx[c], &st);
		for (ds_lm_id w = 0; w < ds_lm_vocab_size(model); w++)
			if (w != DS_LM_BOS)
				sum += pow(10, ds_lm_score(model, &st, w, &o, NULL));
		if (fabs(sum - 1) > 2e-3)
			T_FAIL("context %zu: probabilities sum to %.6f", c, sum);
	}
}

T_TEST(golden_probabilities)
{
	static const char *const of_the[] = {"of", "the", NULL}, *const united[] = {"the", "united", NULL},
				 *const bos[] = {"<s>", NULL}, *const none[] = {NULL};
	int nl;
	if (!model)
		T_SKIP("no " SPHINX_LM);
	T_NEAR(prob(model, united, "states", &nl), -0.052633, 2e-6);
	T_EQ_INT(nl, 3);
	T_NEAR(prob(model, of_the, "</s>", &nl), -2.142336, 2e-6);
	T_EQ_INT(nl, 3);
	T_NEAR(prob(model, bos, "the", &nl), -1.268921, 2e-6);
	T_EQ_INT(nl, 2);
	T_NEAR(prob(model, none, "<unk>", &nl), -100, 1e-6);
}

T_TEST(binary_round_trip_and_damage)
{
	char bin[] = "/tmp/despin-sphinx-XXXXXX", bad[] = "/tmp/despin-sphinx-bad-XXXXXX";
	struct ds_err err = {0};
	struct ds_lm *lm;
	int fd;
	static const char *const united[] = {"the", "united", NULL};
	if (!model)
		T_SKIP("no " SPHINX_LM);
	fd = mkstemp(bin);
	close(fd);
	T_EQ_INT(ds_lm_write(model, bin, &err), 0);
	lm = ds_lm_load(bin, &err);
	T_OK(lm != NULL);
	if (lm) {
		T_NEAR(prob(lm, united, "states", NULL), -0.052633, 2e-6);
		ds_lm_free(lm);
	}
	unlink(bin);
	/* a truncated copy is refused, not read past its end */
	fd = mkstemp(bad);
	{
		FILE *in = fopen(SPHINX_LM, "rb"), *out = fdopen(fd, "wb");
		char buf[65536];
		size_t n = fread(buf, 1, sizeof buf, in);
		fwrite(buf, 1, n, out);
		fclose(in);
		fclose(out);
	}
	lm = ds_lm_load(bad, &err);
	T_OK(lm == NULL);
	T_OK(strstr(err.msg, "truncated") != NULL);
	/* and the message says how to get a whole model back */
	T_OK(strstr(err.msg, "pocketsphinx-en-us") != NULL);
	T_OK(strstr(err.msg, DS_LM_REBUILD) != NULL);
	unlink(bad);
	/* a copy whose 2-gram probability centres are no numbers (NaN) is
	 * refused, not turned into a model that scores NaN */
	memcpy(bad + sizeof bad - 7, "XXXXXX", 6);
	fd = mkstemp(bad);
	T_OK(fd >= 0);
	if (fd >= 0) {
		FILE *in = fopen(SPHINX_LM, "rb"), *out = fdopen(fd, "wb");
		static char buf[1 << 20];
		const size_t at = 19 + 1 + 4 * 3 + 4; /* magic, order, 3 counts, unused */
		const unsigned char nan_le[4] = {0x00, 0x00, 0xc0, 0x7f};
		size_t n;
		int first = 1;
		while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
			for (size_t k = 0; first && k < 65536; k++)
				memcpy(buf + at + 4 * k, nan_le, 4);
			first = 0;
			fwrite(buf, 1, n, out);
		}
		fclose(in);
		fclose(out);
	}
	lm = ds_lm_load(bad, &err);
	T_OK(lm == NULL);
	T_OK(strstr(err.msg, bad) != NULL && strstr(err.msg, "no number") != NULL);
	ds_lm_free(lm);
	unlink(bad);
}

int main(void)
{
	struct ds_err err = {0};
	if (access(SPHINX_LM, R_OK) == 0 && !(model = ds_lm_load(SPHINX_LM, &err)))
		printf("# %s\n", err.msg);
	T_RUN(counts_of_the_real_file);
	T_RUN(distributions_sum_to_one);
	T_RUN(golden_probabilities);
	T_RUN(binary_round_trip_and_damage);
	ds_lm_free(model);
	return t_done();
}
