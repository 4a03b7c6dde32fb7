/*
 * logit.h - penalised logistic regression: fitting by iteratively
 * reweighted least squares (GSL) and prediction.
 *
 * A model of d columns is three arrays of d doubles: mean and sd (the
 * columns are standardised with them, then clipped to +-logit_clip of
 * tune.h) and coef (0 for an unused column).  Column 0 is the bias, always
 * taken as 1.  Functions are pure: no state, safe from any thread.
 */
#ifndef DS_LOGIT_H
#define DS_LOGIT_H

#include <stddef.h>

#include "util.h"

/* Fits on X (n rows of d columns) with labels y (1 or 0); use[i] selects
 * columns; l2 penalises the standardised coefficients.  Classes are
 * weighted equally, so the probability is calibrated for an even prior.
 * Writes mean, sd, coef (d each).  Returns 0, DS_EINVAL (no examples of a
 * class), DS_ENOMEM or DS_EFORMAT (singular system), with err set. */
int ds_logit_fit(const double *X, const int *y, size_t n, size_t d, const int *use, double l2,
		 double *mean, double *sd, double *coef, struct ds_err *err);
/* The log-odds of the model (mean, sd, coef of d columns) for row x. */
double ds_logit_odds(const double *x, size_t d, const double *mean, const double *sd,
		     const double *coef);
/* The probability of the model (mean, sd, coef of d columns) for row x. */
double ds_logit_prob(const double *x, size_t d, const double *mean, const double *sd,
		     const double *coef);
/* Column i of a model from the three text fields mean, sd and coef (a
 * model file's row): 0 when each is a finite number (ds_field_real) and
 * sd > 0, else -1 with the arrays' values unspecified. */
int ds_logit_read_column(char *const f[3], size_t i, double *mean, double *sd, double *coef);
/* 0 when each of the d columns has a finite mean and coef and sd > 0 (a
 * model read back from a binary file), else -1. */
int ds_logit_check(size_t d, const double *mean, const double *sd, const double *coef);
/* The logistic function, computed without overflow. */
double ds_sigmoid(double z);

#endif
