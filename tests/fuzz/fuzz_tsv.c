/* fuzz_tsv.c - the readers of the models' text forms (through a temporary
 * file): the scorer's (ds_scorer_read_tsv) and the solo calibration's
 * (ds_solocal_read), and the line reader under both (ds_tsv_next).  Byte 0
 * picks the reader (even: scorer, odd: calibration).  Every line the reader
 * returns is inside the file, numbered as the file's lines are, its fields
 * NUL-terminated and without a tab or a line end; a refusal names the file;
 * a scorer read from text is one the binary loader accepts once written,
 * and a calibration's numbers are finite; both give probabilities in
 * [0, 1] (or NaN, from sums of huge terms, as binary scorers may). */
#include <math.h>

#include "fuzz.h"
#include "score.h"
#include "solocal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ds_tsv_next over the file: line numbers rising, at most one line per
 * line end (plus a last line without one), fields as promised. */
static void check_lines(const char *path, const uint8_t *data, size_t size)
{
	struct ds_tsv t;
	struct ds_err err = {0};
	char *f[8];
	int nf, last = 0;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (ds_tsv_open(&t, path, 0, &err)) {
		fz_check_refusal(&err, path);
		return;
	}
	while ((nf = ds_tsv_next(&t, f, 8)) >= 0) {
		FZ_ASSERT(nf >= 1 && nf <= 8);
		FZ_ASSERT(t.lineno > last && (size_t)t.lineno <= lines);
		last = t.lineno;
		FZ_ASSERT(f[0][0] != '#' && (nf > 1 || f[0][0] != 0));
		for (int k = 0; k < nf; k++) {
			FZ_ASSERT(f[k] >= t.text && f[k] <= t.end);
			FZ_ASSERT(strpbrk(f[k], "\t\n") == NULL);
		}
	}
	FZ_ASSERT(ds_tsv_next(&t, f, 8) == -1);
	ds_tsv_close(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	const char *path = fz_tmp_path(".tsv");
	double x[64]; /* features of every model read here */
	_Static_assert(DS_NFEAT <= 64 && DS_NFLAGF <= 64 && DS_NARTF <= 64, "x too small");
	if (size < 1 || fz_write2(path, data + 1, size - 1, NULL, 0))
		return 0;
	check_lines(path, data + 1, size - 1);
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		x[i] = (double)(i % 5) - 2;
	if (data[0] % 2 == 0) {
		struct ds_scorer *s = ds_scorer_read_tsv(path, &err);
		if (!s) {
			fz_check_refusal(&err, path);
			return 0;
		}
		/* what the text reader accepts, the binary loader does */
		const char *bin = fz_tmp_path(".bin");
		struct ds_scorer *b;
		FZ_ASSERT(ds_scorer_write_bin(s, bin, &err) == 0);
		b = ds_scorer_load(bin, &err);
		FZ_ASSERT(b != NULL || err.code == DS_ENOMEM);
		for (int m = 0; b && m < DS_NMODELS; m++) {
			double p = ds_scorer_prob(b, m, x); /* NaN: sums of huge terms */
			FZ_ASSERT(!(p < 0) && !(p > 1));
		}
		free(b);
		free(s);
	} else {
		struct ds_solocal *sc = ds_solocal_read(path, &err);
		double p;
		if (!sc) {
			fz_check_refusal(&err, path);
			return 0;
		}
		FZ_ASSERT(sc->threshold > 0 && sc->threshold < 1);
		FZ_ASSERT(isfinite(sc->calibrated_fp));
		for (size_t k = 0; k < DS_ARRAY_LEN(sc->flag.sd); k++)
			FZ_ASSERT(sc->flag.sd[k] > 0 && isfinite(sc->flag.sd[k]) &&
				  isfinite(sc->flag.mean[k]) && isfinite(sc->flag.coef[k]) &&
				  sc->article.sd[k] > 0 && isfinite(sc->article.sd[k]) &&
				  isfinite(sc->article.mean[k]) && isfinite(sc->article.coef[k]));
		p = ds_solocal_flag_p(sc, x);
		FZ_ASSERT(!(p < 0 && p != -1) && !(p > 1));
		p = ds_solocal_article_p(sc, 0.5, x);
		FZ_ASSERT(!(p < 0) && !(p > 1));
		free(sc);
	}
	return 0;
}
