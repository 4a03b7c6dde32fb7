/* solocal.c - calibration of the judgement without a source (see solocal.h). */
#include "solocal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logit.h"
#include "tune.h"

const char *const ds_sc_flagf_names[DS_NFLAGF] = {
	"bias", "slot", "gain", "logw", "pmean", "phi", "ptop", "loglen", "multi"
};

const char *const ds_sc_artf_names[DS_NARTF] = {
	"bias", "base", "loglen", "baselen", "psum", "n8", "pmax", "anom", "unseen"
};

static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* How a slot's gain was counted in a calibration of an earlier format:
 * one for each format before DS_SOLOCAL_VERSION. */
static const char *const OLD_FORMAT[] = {
	NULL,
	"not counted from the article's median",
	"counted from the article's median, not its lower quartile",
};

struct ds_solocal *ds_solocal_read(const char *path, struct ds_err *err)
{
	struct ds_tsv t;
	char *f[8];
	int nf, header = 0, old = 0;
	char unknown[32] = "";
	struct ds_solocal *sc;
	if (ds_tsv_open(&t, path, 1 << 20, err))
		return NULL;
	sc = calloc(1, sizeof *sc);
	if (!sc) {
		ds_tsv_close(&t);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < DS_ARRAY_LEN(sc->flag.sd); i++)
		sc->flag.sd[i] = sc->article.sd[i] = 1;
	sc->threshold = 0.5;
	while ((nf = ds_tsv_next(&t, f, 8)) >= 0) {
		if (!header) {
			if (nf != 2 || strcmp(f[0], "despin-solo") != 0)
				goto bad;
			if (strcmp(f[1], DS_SOLOCAL_VERSION) != 0) {
				old = ds_old_format(f[1], DS_ARRAY_LEN(OLD_FORMAT));
				goto bad;
			}
			header = 1;
		} else if (nf == 2 && strcmp(f[0], "threshold") == 0) {
			if (ds_field_real(f[1], &sc->threshold) ||
			    !(sc->threshold > 0 && sc->threshold < 1))
				goto bad;
		} else if (nf == 2 && strcmp(f[0], "min_words") == 0) {
			long v;
			if (ds_field_long(f[1], 0, 1000000, &v))
				goto bad;
			sc->min_words = (unsigned)v;
		} else if (nf == 2 && strcmp(f[0], "anom_rate") == 0) {
			if (ds_field_real(f[1], &sc->anom_rate) ||
			    !(sc->anom_rate > 0 && sc->anom_rate < 1))
				goto bad;
		} else if (nf == 2 && strcmp(f[0], "unseen_rate") == 0) {
			if (ds_field_real(f[1], &sc->unseen_rate) ||
			    !(sc->unseen_rate > 0 && sc->unseen_rate < 1))
				goto bad;
		} else if (nf == 2 && strcmp(f[0], "lm") == 0) {
			if (strlen(f[1]) >= sizeof sc->lm || strchr(f[1], '/') || f[1][0] == '.')
				goto bad;
			strcpy(sc->lm, f[1]);
		} else if (nf == 3 && strcmp(f[0], "fp_by_length") == 0) {
			continue;
		} else if (nf == 3 && strcmp(f[0], "calibrated") == 0) {
			long v;
			if (ds_field_long(f[1], 0, LONG_MAX, &v) ||
			    ds_field_real(f[2], &sc->calibrated_fp))
				goto bad;
			sc->calibrated_n = (unsigned long)v;
		} else if (nf == 6 && strcmp(f[0], "coef") == 0) {
			struct ds_sc_model *m;
			int i;
			if (strcmp(f[1], "flag") == 0) {
				m = &sc->flag;
				i = name_index(ds_sc_flagf_names, DS_NFLAGF, f[2]);
			} else if (strcmp(f[1], "article") == 0) {
				m = &sc->article;
				i = name_index(ds_sc_artf_names, DS_NARTF, f[2]);
			} else {
				goto bad;
			}
			if (i < 0) {
				snprintf(unknown, sizeof unknown, "%s", f[2]);
				goto bad;
			}
			if (ds_logit_read_column(f + 3, (size_t)i, m->mean, m->sd, m->coef))
				goto bad;
			m->present = 1;
		} else {
			if (nf >= 2 && strspn(f[0], "abcdefghijklmnopqrstuvwxyz_") == strlen(f[0]))
				snprintf(unknown, sizeof unknown, "%s", f[0]);
			goto bad;
		}
	}
	if (!header) {
		t.lineno = 1;
		goto bad;
	}
	ds_tsv_close(&t);
	return sc;
bad:
	if (old)
		ds_err_set(err, DS_EVERSION,
			   "%s: a solo calibration of format %d, fitted when a slot's gain was %s; "
			   "refit it (scripts/fit_scorer.sh)",
			   path, old, OLD_FORMAT[old]);
	else if (unknown[0])
		ds_err_set(err, DS_EFORMAT,
			   "%s:%d: '%s' is not a row or feature this despin knows: written by a "
			   "newer despin, or damaged; rebuild it with scripts/fit_scorer.sh",
			   path, t.lineno, unknown);
	else
		ds_err_set(err, DS_EFORMAT,
			   "%s:%d: not a solo calibration row; rebuild it with scripts/fit_scorer.sh",
			   path, t.lineno);
	ds_tsv_close(&t);
	free(sc);
	return NULL;
}

double ds_solocal_flag_p(const struct ds_solocal *sc, const double x[DS_NFLAGF])
{
	if (!sc || !sc->flag.present)
		return -1;
	return ds_logit_prob(x, DS_NFLAGF, sc->flag.mean, sc->flag.sd, sc->flag.coef);
}

/* The z-score of k of n against the rate q, clipped to +-10; 0 without a
 * rate or a count. */
static double rate_z(size_t k, size_t n, double q)
{
	double z;
	if (!(q > 0) || !n)
		return 0;
	z = ((double)k / (double)n - q) / sqrt(q * (1 - q) / (double)n);
	return z > 10 ? 10 : z < -10 ? -10 : z;
}

void ds_solocal_article_x(const struct ds_solocal *sc, double base, size_t words,
			  const float *p, size_t np, const struct ds_sc_counts *n,
			  double x[DS_NARTF])
{
	double b = base <= 0 ? -10 : base >= 1 ? 10 : log(base / (1 - base));
	double sum = 0, max = 0;
	size_t n8 = 0;
	if (b > 10)
		b = 10;
	if (b < -10)
		b = -10;
	for (size_t i = 0; i < np; i++) {
		if (p[i] < DS_SC_ARTICLE_MIN_P)
			continue;
		sum += p[i];
		n8 += p[i] >= 0.8f;
		if (p[i] > max)
			max = p[i];
	}
	x[DS_AF_BIAS] = 1;
	x[DS_AF_BASE] = b;
	x[DS_AF_LOGLEN] = log1p((double)words);
	x[DS_AF_BASELEN] = b * x[DS_AF_LOGLEN];
	x[DS_AF_PSUM] = words ? sum / (double)words : 0;
	x[DS_AF_N8] = log1p((double)n8);
	x[DS_AF_PMAX] = max;
	x[DS_AF_ANOM] = rate_z(n->anom, n->content, sc ? sc->anom_rate : 0);
	x[DS_AF_UNSEEN] = rate_z(n->unseen, n->pairs, sc ? sc->unseen_rate : 0);
}

double ds_solocal_article_p(const struct ds_solocal *sc, double base, const double x[DS_NARTF])
{
	if (!sc || !sc->article.present)
		return base;
	return ds_logit_prob(x, DS_NARTF, sc->article.mean, sc->article.sd, sc->article.coef);
}

unsigned ds_solocal_min_words(const struct ds_solocal *sc)
{
	return sc && sc->min_words ? sc->min_words : (unsigned)ds_tune_default.min_words;
}
