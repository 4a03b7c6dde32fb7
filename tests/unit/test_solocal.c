/* test_solocal.c - the solo calibration file: reading, refusing bad rows,
 * flag and article probabilities, the out-of-place z-score. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "solocal.h"
#include "t.h"

static char path[64];

static int write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

T_TEST(read_and_predict)
{
	struct ds_err err;
	struct ds_solocal *sc;
	double fx[DS_NFLAGF] = {0}, ax[DS_NARTF];
	float p[3] = {0.9f, 0.85f, 0.4f};
	struct ds_sc_counts counts = {10, 2, 50, 4};
	T_OK(write_file("despin-solo\t3\n"
			"coef\tflag\tbias\t0\t1\t-1\n"
			"coef\tflag\tslot\t0\t2\t2\n"
			"coef\tarticle\tbias\t0\t1\t0\n"
			"coef\tarticle\tn8\t0\t1\t1\n"
			"threshold\t0.7\n"
			"min_words\t25\n"
			"anom_rate\t0.1\n"
			"unseen_rate\t0.01\n"
			"lm\tmix.bin\n"
			"fp_by_length\t40\t0.0050\n"
			"calibrated\t250\t0.02\n") == 0);
	sc = ds_solocal_read(path, &err);
	T_OK(sc != NULL);
	if (!sc)
		return;
	T_EQ_INT(sc->min_words, 25);
	T_NEAR(sc->threshold, 0.7, 1e-9);
	T_NEAR(sc->anom_rate, 0.1, 1e-9);
	T_NEAR(sc->unseen_rate, 0.01, 1e-9);
	T_EQ_INT(sc->calibrated_n, 250);
	T_NEAR(sc->calibrated_fp, 0.02, 1e-12);
	T_OK(strcmp(sc->lm, "mix.bin") == 0);
	/* flag: sigmoid(-1 + 2 * slot / 2) */
	fx[DS_FF_BIAS] = 1;
	fx[DS_FF_SLOT] = 1;
	T_NEAR(ds_solocal_flag_p(sc, fx), 0.5, 1e-9);
	fx[DS_FF_SLOT] = 3;
	T_NEAR(ds_solocal_flag_p(sc, fx), 1 / (1 + exp(-2.0)), 1e-9);
	/* article: two flags at 0.8 or more; 2 of 10 content words out of
	 * place against a clean rate of 0.1; 4 of 50 common-word pairs
	 * unseen against 0.01 */
	ds_solocal_article_x(sc, 0.5, 100, p, 3, &counts, ax);
	T_NEAR(ax[DS_AF_BASE], 0, 1e-9);
	T_NEAR(ax[DS_AF_N8], log(3.0), 1e-9);
	T_NEAR(ax[DS_AF_PMAX], 0.9, 1e-6);
	/* the flag under DS_SC_ARTICLE_MIN_P does not count */
	T_NEAR(ax[DS_AF_PSUM], 1.75 / 100, 1e-6);
	T_NEAR(ax[DS_AF_ANOM], (0.2 - 0.1) / sqrt(0.1 * 0.9 / 10), 1e-9);
	T_NEAR(ax[DS_AF_UNSEEN], (0.08 - 0.01) / sqrt(0.01 * 0.99 / 50), 1e-9);
	/* a z-score past 10 is clipped; no pairs, no score */
	counts.unseen = 40;
	ds_solocal_article_x(sc, 0.5, 100, p, 3, &counts, ax);
	T_NEAR(ax[DS_AF_UNSEEN], 10, 1e-9);
	counts.pairs = counts.unseen = 0;
	ds_solocal_article_x(sc, 0.5, 100, p, 3, &counts, ax);
	T_NEAR(ax[DS_AF_UNSEEN], 0, 1e-12);
	T_NEAR(ds_solocal_article_p(sc, 0.3, ax), 1 / (1 + exp(-log(3.0))), 1e-9);
	free(sc);
	/* no models: the base probability and no flag model */
	T_NEAR(ds_solocal_article_p(NULL, 0.3, ax), 0.3, 1e-12);
	T_OK(ds_solocal_flag_p(NULL, fx) < 0);
}

T_TEST(bad_files)
{
	struct ds_err err;
	T_OK(ds_solocal_read("/nonexistent/solo.tsv", &err) == NULL);
	T_OK(write_file("despin-scorer\t1\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, ":1:") != NULL);
	T_OK(write_file("despin-solo\t3\ncoef\tflag\tnosuch\t0\t1\t1\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, ":2:") != NULL);
	/* a row or a feature of a later despin is named as such */
	T_OK(strstr(err.msg, "'nosuch'") != NULL && strstr(err.msg, "newer despin") != NULL);
	T_OK(write_file("despin-solo\t3\nthreshold\t0.5\nlater_rate\t0.1\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, ":3:") != NULL && strstr(err.msg, "'later_rate'") != NULL);
	/* the line named is the file's, blank lines and comments counted */
	T_OK(write_file("despin-solo\t3\n\n# fitted\n\nthreshold\t0.5\nlater_rate\t0.1\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, ":6:") != NULL && strstr(err.msg, "'later_rate'") != NULL);
	/* two tabs make an empty field, not one separator */
	T_OK(write_file("despin-solo\t3\nthreshold\t\t0.5\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, ":2:") != NULL);
	/* a line that is no row at all is not called a newer one */
	T_OK(write_file("despin-solo\t3\n\x01\x02 3\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(strstr(err.msg, "not a solo calibration row") != NULL);
	T_OK(write_file("despin-solo\t3\ncoef\tflag\tslot\t0\t0\t1\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(write_file("despin-solo\t3\nthreshold\t1.5\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	/* numbers that are not finite, or not numbers to the field's end:
	 * refused on their line */
	{
		static const char *const bad[] = {
			"threshold\tnan", "coef\tflag\tbias\t0\t1\tinf",
			"coef\tarticle\tbias\t0\tnan\t1", "anom_rate\t0.1%",
			"calibrated\t10\tnan", "calibrated\tten\t0.01", "calibrated\t-3\t0.01",
			"min_words\teight", "min_words\t8x", "min_words\t-1"};
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			char text[128];
			snprintf(text, sizeof text, "despin-solo\t3\n%s\n", bad[i]);
			T_OK(write_file(text) == 0);
			T_OK(ds_solocal_read(path, &err) == NULL && strstr(err.msg, ":2:") != NULL);
		}
	}
	/* the language model is a file of the models directory */
	T_OK(write_file("despin-solo\t3\nlm\t../lm.bin\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_OK(write_file("") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	/* format 1 weighs the slots' own gains: refused with the way to
	 * refit it */
	T_OK(write_file("despin-solo\t1\nthreshold\t0.5\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, path) != NULL && strstr(err.msg, "format 1") != NULL &&
	     strstr(err.msg, "refit it") != NULL);
	/* format 2 counts them from the median, not the lower quartile */
	T_OK(write_file("despin-solo\t2\nthreshold\t0.5\n") == 0);
	T_OK(ds_solocal_read(path, &err) == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, path) != NULL && strstr(err.msg, "format 2") != NULL &&
	     strstr(err.msg, "lower quartile") != NULL && strstr(err.msg, "refit it") != NULL);
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/test_solocal_%d.tsv", (int)getpid());
	T_RUN(read_and_predict);
	T_RUN(bad_files);
	unlink(path);
	return t_done();
}
