/* logit.c - penalised logistic regression (see logit.h). */
#include "logit.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "tune.h"

/* Standardised features are clipped so that an article unlike the training
 * data cannot push the score by an extrapolated amount. */
static double clip(double v)
{
	double c = ds_tune_default.logit_clip;
	return v > c ? c : v < -c ? -c : v;
}

double ds_sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	return exp(z) / (1.0 + exp(z));
}

int ds_logit_fit(const double *X, const int *y, size_t n, size_t d, const int *use, double l2,
		 double *mean, double *sd, double *coef, struct ds_err *err)
{
	size_t npos = 0, nneg = 0, k = 0;
	size_t *idx = NULL;
	gsl_matrix *H = NULL;
	gsl_vector *g = NULL, *delta = NULL;
	double *beta = NULL, *x = NULL;
	int rc = 0;
	gsl_error_handler_t *old = gsl_set_error_handler_off();

	for (size_t r = 0; r < n; r++) {
		if (y[r])
			npos++;
		else
			nneg++;
	}
	if (!npos || !nneg) {
		rc = ds_err_set(err, DS_EINVAL, "fitting needs examples of both classes");
		goto out;
	}
	idx = calloc(d, sizeof *idx);
	x = calloc(d, sizeof *x);
	if (!idx || !x) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < d; i++) {
		double sum = 0, ss = 0;
		mean[i] = 0;
		sd[i] = 1;
		coef[i] = 0;
		if (!use[i])
			continue;
		if (i != 0) {
			for (size_t r = 0; r < n; r++)
				sum += X[r * d + i];
			mean[i] = sum / (double)n;
			for (size_t r = 0; r < n; r++) {
				double v = X[r * d + i] - mean[i];
				ss += v * v;
			}
			sd[i] = sqrt(ss / (double)n);
			if (sd[i] < 1e-9) {
				sd[i] = 1;
				continue; /* constant: no information */
			}
		}
		idx[k++] = i;
	}
	H = gsl_matrix_alloc(k, k);
	g = gsl_vector_alloc(k);
	delta = gsl_vector_alloc(k);
	beta = calloc(k, sizeof *beta);
	if (!H || !g || !delta || !beta) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		goto out;
	}
	/* Newton-Raphson on the penalised log-likelihood (IRLS) */
	for (int iter = 0; iter < 50; iter++) {
		double change = 0;
		gsl_matrix_set_zero(H);
		gsl_vector_set_zero(g);
		for (size_t r = 0; r < n; r++) {
			double z = 0, p, w;
			/* classes weigh equally: the probability is calibrated for an even
			 * prior, whatever the mix of the training set */
			double cw = y[r] ? (double)n / (2.0 * (double)npos) : (double)n / (2.0 * (double)nneg);
			for (size_t a = 0; a < k; a++) {
				size_t i = idx[a];
				x[a] = i == 0 ? 1.0 : clip((X[r * d + i] - mean[i]) / sd[i]);
				z += beta[a] * x[a];
			}
			p = ds_sigmoid(z);
			w = cw * p * (1 - p);
			if (w < 1e-10)
				w = 1e-10;
			for (size_t a = 0; a < k; a++) {
				*gsl_vector_ptr(g, a) += cw * (y[r] - p) * x[a];
				for (size_t b = 0; b <= a; b++)
					*gsl_matrix_ptr(H, a, b) += w * x[a] * x[b];
			}
		}
		for (size_t a = 0; a < k; a++) {
			for (size_t b = 0; b < a; b++)
				gsl_matrix_set(H, b, a, gsl_matrix_get(H, a, b));
			if (idx[a] != 0) {
				*gsl_matrix_ptr(H, a, a) += l2;
				*gsl_vector_ptr(g, a) -= l2 * beta[a];
			}
		}
		if (gsl_linalg_cholesky_decomp1(H) || gsl_linalg_cholesky_solve(H, g, delta)) {
			rc = ds_err_set(err, DS_EFORMAT, "fitting: singular system");
			goto out;
		}
		for (size_t a = 0; a < k; a++) {
			double dl = gsl_vector_get(delta, a);
			beta[a] += dl;
			change += fabs(dl);
		}
		if (change < 1e-8)
			break;
	}
	for (size_t a = 0; a < k; a++)
		coef[idx[a]] = beta[a];
out:
	gsl_set_error_handler(old);
	gsl_matrix_free(H);
	gsl_vector_free(g);
	gsl_vector_free(delta);
	free(beta);
	free(idx);
	free(x);
	return rc;
}

double ds_logit_odds(const double *x, size_t d, const double *mean, const double *sd,
		     const double *coef)
{
	double z = 0;
	for (size_t i = 0; i < d; i++) {
		if (coef[i] == 0)
			continue;
		z += coef[i] * (i == 0 ? 1.0 : clip((x[i] - mean[i]) / sd[i]));
	}
	return z;
}

double ds_logit_prob(const double *x, size_t d, const double *mean, const double *sd,
		     const double *coef)
{
	return ds_sigmoid(ds_logit_odds(x, d, mean, sd, coef));
}

int ds_logit_read_column(char *const f[3], size_t i, double *mean, double *sd, double *coef)
{
	if (ds_field_real(f[0], &mean[i]) || ds_field_real(f[1], &sd[i]) ||
	    ds_field_real(f[2], &coef[i]))
		return -1;
	return sd[i] > 0 ? 0 : -1;
}

int ds_logit_check(size_t d, const double *mean, const double *sd, const double *coef)
{
	for (size_t i = 0; i < d; i++)
		if (!(sd[i] > 0) || !isfinite(coef[i]) || !isfinite(mean[i]))
			return -1; /* NaN fails every comparison: !(sd > 0) */
	return 0;
}
