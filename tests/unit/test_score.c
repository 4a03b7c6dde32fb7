/* test_score.c - the regression (logit.c), the scorer (score.c) and the
 * tunables they read (tune.h): the logistic function, prediction with
 * clipping, fitting and its fitted thresholds, the features each model
 * uses, the scorer files (models/scorer.tsv and .bin, a round trip with
 * the slot and change models, and malformed or corrupt input refused with
 * the file and line named), and the change model's word-vector cut. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logit.h"
#include "score.h"
#include "t.h"
#include "tune.h"

static char tsv[64], tsv2[64], bin[64];

static void refused(const char *text, const char *where);

/* Deterministic pseudo-random numbers in [0, 1). */
static double rnd(unsigned long *s)
{
	*s = *s * 6364136223846793005UL + 1442695040888963407UL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* The defaults are the ones tune.h documents, and within sense. */
T_TEST(tune_defaults)
{
	static const struct ds_tune d = DS_TUNE_DEFAULTS; /* static: padding zero */
	const struct ds_tune *t = &ds_tune_default;
	T_EQ_INT(t->name_freq, 30);
	T_EQ_INT(t->rel_extra, 4);
	T_NEAR(t->rel_min_sim, 0.3, 0);
	T_EQ_INT(t->rel_max_freq, 3000);
	T_NEAR(t->anom_cut, -0.3, 0);
	T_NEAR(t->flag_prob, 0.65, 0);
	T_NEAR(t->flag_gain, 1.5, 0);
	T_NEAR(t->src_gain, 1.0, 0);
	T_EQ_INT(t->min_pairs, 3);
	T_NEAR(t->min_cover, 0.15, 0);
	T_EQ_INT(t->min_words, 40);
	T_NEAR(t->logit_clip, 4.0, 0);
	T_NEAR(t->solo_floor, 0.5, 0);
	T_NEAR(t->source_floor, 0, 0);
	T_NEAR(t->max_threshold, 0.99, 0);
	/* every field as DS_TUNE_DEFAULTS sets it */
	T_OK(memcmp(&d, t, sizeof d) == 0);
	T_OK(t->solo_floor <= t->max_threshold && t->source_floor <= t->max_threshold);
	T_OK(t->flag_prob > 0 && t->flag_prob < 1);
}

T_TEST(sigmoid)
{
	double prev = 0;
	T_NEAR(ds_sigmoid(0), 0.5, 1e-15);
	T_NEAR(ds_sigmoid(1), 1 / (1 + exp(-1.0)), 1e-15);
	T_NEAR(ds_sigmoid(800), 1.0, 1e-15);
	T_NEAR(ds_sigmoid(-800), 0.0, 1e-15);
	T_OK(ds_sigmoid(-800) >= 0 && ds_sigmoid(800) <= 1);
	for (double z = -40; z <= 40; z += 0.5) {
		double p = ds_sigmoid(z);
		T_NEAR(p + ds_sigmoid(-z), 1.0, 1e-12);
		/* strictly rising where a double can tell (1 - p > 1e-16) */
		if (z > -40 && !(z <= 30 ? p > prev : p >= prev))
			T_FAIL("sigmoid(%g) = %g not above sigmoid(%g) = %g", z, p, z - 0.5, prev);
		prev = p;
	}
}

/* Prediction: the bias column is always 1, columns are standardised, then
 * clipped at logit_clip standard deviations. */
T_TEST(logit_prob)
{
	double mean[3] = {0, 2, 0}, sd[3] = {1, 4, 1}, coef[3] = {-1, 0.5, 0};
	double x[3] = {123, 10, 1e9};
	double c = ds_tune_default.logit_clip;
	/* sigmoid(-1 + 0.5 * (10 - 2) / 4); the unused column does not count */
	T_NEAR(ds_logit_prob(x, 3, mean, sd, coef), ds_sigmoid(-1 + 0.5 * 2), 1e-12);
	x[1] = 1000;
	T_NEAR(ds_logit_prob(x, 3, mean, sd, coef), ds_sigmoid(-1 + 0.5 * c), 1e-12);
	x[1] = -1000;
	T_NEAR(ds_logit_prob(x, 3, mean, sd, coef), ds_sigmoid(-1 - 0.5 * c), 1e-12);
	x[1] = 2;
	T_NEAR(ds_logit_prob(x, 3, mean, sd, coef), ds_sigmoid(-1), 1e-12);
}

/* One informative column, one noise column, 9 negatives to 1 positive:
 * classes weigh equally, so the boundary stays near halfway between the
 * class means; the noise gets a small coefficient, an unused column none. */
/* a model's column read from its text fields, and a model checked */
T_TEST(logit_columns)
{
	double mean[2] = {0, 0}, sd[2] = {1, 1}, coef[2] = {0, 0};
	char a[] = "0.5", b[] = "2", c[] = "-1.25", z[] = "0", n[] = "nan", w[] = "1x";
	char *good[3] = {a, b, c}, *flat[3] = {a, z, c}, *nan[3] = {a, b, n}, *word[3] = {w, b, c};
	T_EQ_INT(ds_logit_read_column(good, 1, mean, sd, coef), 0);
	T_NEAR(mean[1], 0.5, 0);
	T_NEAR(sd[1], 2, 0);
	T_NEAR(coef[1], -1.25, 0);
	T_EQ_INT(ds_logit_check(2, mean, sd, coef), 0);
	T_EQ_INT(ds_logit_read_column(flat, 1, mean, sd, coef), -1); /* sd 0 */
	T_EQ_INT(ds_logit_read_column(nan, 1, mean, sd, coef), -1);
	T_EQ_INT(ds_logit_read_column(word, 1, mean, sd, coef), -1);
	sd[1] = 0;
	T_EQ_INT(ds_logit_check(2, mean, sd, coef), -1);
	sd[1] = 1;
	coef[0] = NAN;
	T_EQ_INT(ds_logit_check(2, mean, sd, coef), -1);
	coef[0] = 0;
	sd[0] = NAN;
	T_EQ_INT(ds_logit_check(2, mean, sd, coef), -1);
}

T_TEST(logit_fit)
{
	enum { N = 2000, D = 3 };
	static double X[N * D];
	static int y[N];
	int use[D] = {1, 1, 1};
	double mean[D], sd[D], coef[D], lo[D] = {1, -1, 0.5}, hi[D] = {1, 3, 0.5},
						    mid[D] = {1, 1, 0.5};
	unsigned long s = 42;
	struct ds_err err;
	for (int r = 0; r < N; r++) {
		y[r] = r % 10 == 0;
		X[r * D] = 1;
		X[r * D + 1] = (y[r] ? 3.0 : -1.0) + 4.0 * (rnd(&s) - 0.5);
		X[r * D + 2] = rnd(&s);
	}
	T_EQ_INT(ds_logit_fit(X, y, N, D, use, 1.0, mean, sd, coef, &err), 0);
	T_OK(coef[1] > 1.0);
	T_OK(fabs(coef[2]) < 0.3);
	T_NEAR(mean[1], 0.1 * 3.0 + 0.9 * -1.0, 0.1);
	T_OK(ds_logit_prob(hi, D, mean, sd, coef) > 0.9);
	T_OK(ds_logit_prob(lo, D, mean, sd, coef) < 0.1);
	T_NEAR(ds_logit_prob(mid, D, mean, sd, coef), 0.5, 0.15);
	use[2] = 0;
	T_EQ_INT(ds_logit_fit(X, y, N, D, use, 1.0, mean, sd, coef, &err), 0);
	T_NEAR(coef[2], 0, 0);
	T_NEAR(mean[2], 0, 0);
	T_NEAR(sd[2], 1, 0);
	/* a stronger penalty shrinks the coefficient */
	{
		double c1 = coef[1];
		T_EQ_INT(ds_logit_fit(X, y, N, D, use, 1000.0, mean, sd, coef, &err), 0);
		T_OK(coef[1] > 0 && coef[1] < c1);
	}
}

T_TEST(logit_fit_needs_both_classes)
{
	double X[4] = {1, 0, 1, 1}, mean[2], sd[2], coef[2];
	int y[2] = {1, 1}, use[2] = {1, 1};
	struct ds_err err;
	T_EQ_INT(ds_logit_fit(X, y, 2, 2, use, 1.0, mean, sd, coef, &err), DS_EINVAL);
	T_OK(strstr(err.msg, "both classes") != NULL);
	y[0] = y[1] = 0;
	T_EQ_INT(ds_logit_fit(X, y, 2, 2, use, 1.0, mean, sd, coef, &err), DS_EINVAL);
}

T_TEST(scorer_uses)
{
	for (int k = 0; k < DS_NMODELS; k++) {
		T_OK(ds_scorer_uses(k, DS_F_BIAS));
		T_OK(!ds_scorer_uses(k, DS_F_HAS_SRC));
		T_OK(!ds_scorer_uses(k, DS_F_LP));
	}
	T_OK(ds_scorer_uses(DS_MODEL_SOLO, DS_F_GTOP));
	/* the solo model has no source features */
	T_OK(!ds_scorer_uses(DS_MODEL_SOLO, DS_F_MATCHED));
	T_OK(!ds_scorer_uses(DS_MODEL_SOLO, DS_F_LLR));
	T_OK(!ds_scorer_uses(DS_MODEL_SOLO, DS_F_DENSITY));
	/* with a source: accumulated evidence and its density in the
	 * article, not the copied share nor the article's own fluency */
	T_OK(ds_scorer_uses(DS_MODEL_SOURCE, DS_F_LLR));
	T_OK(ds_scorer_uses(DS_MODEL_SOURCE, DS_F_NFLAG));
	T_OK(ds_scorer_uses(DS_MODEL_SOURCE, DS_F_SUBRATE));
	T_OK(!ds_scorer_uses(DS_MODEL_SOURCE, DS_F_MATCHED));
	T_OK(!ds_scorer_uses(DS_MODEL_SOURCE, DS_F_COVER));
	T_OK(!ds_scorer_uses(DS_MODEL_SOURCE, DS_F_GTOP));
}

/* The fitted threshold lets through at most the given share of clean
 * examples, within [floor, max_threshold]; unused features get nothing. */
T_TEST(scorer_fit)
{
	enum { N = 400 };
	static double X[N * DS_NFEAT];
	static int y[N];
	struct ds_scorer_model m;
	struct ds_err err;
	unsigned long s = 7;
	size_t fp = 0, neg = 0;
	for (int r = 0; r < N; r++) {
		double *x = X + r * DS_NFEAT;
		y[r] = r & 1;
		x[DS_F_BIAS] = 1;
		for (int i = 1; i < DS_NFEAT; i++)
			x[i] = rnd(&s);
		x[DS_F_LLR] = (y[r] ? 4.0 : -4.0) + 8.0 * rnd(&s);
	}
	T_EQ_INT(ds_scorer_fit(&m, DS_MODEL_SOURCE, X, y, N, 1.0, 0.01, &err), 0);
	T_OK(m.coef[DS_F_LLR] > 0);
	T_NEAR(m.coef[DS_F_GTOP], 0, 0);
	T_NEAR(m.coef[DS_F_HAS_SRC], 0, 0);
	for (int r = 0; r < N; r++)
		if (!y[r]) {
			neg++;
			fp += ds_logit_prob(X + r * DS_NFEAT, DS_NFEAT, m.mean, m.sd, m.coef) >= m.threshold;
		}
	T_OK(fp <= neg / 100);
	T_OK(m.threshold >= ds_tune_default.source_floor);
	T_OK(m.threshold <= ds_tune_default.max_threshold);
	/* the solo model ignores the source feature: nothing to learn from */
	T_EQ_INT(ds_scorer_fit(&m, DS_MODEL_SOLO, X, y, N, 1.0, 0.01, &err), 0);
	T_NEAR(m.coef[DS_F_LLR], 0, 0);
	T_OK(m.threshold >= ds_tune_default.solo_floor);
	T_OK(m.threshold <= ds_tune_default.max_threshold);
	for (int r = 0; r < N; r++)
		y[r] = 1;
	T_EQ_INT(ds_scorer_fit(&m, DS_MODEL_SOLO, X, y, N, 1.0, 0.01, &err), DS_EINVAL);
}

/* With the other features at the model's means, the probability of model
 * never falls as feature feat goes from lo to hi, and ends higher. */
static void rises(const struct ds_scorer *sc, int model, int feat, double lo, double hi)
{
	double f[DS_NFEAT], prev = -1, first = 0;
	for (int i = 0; i < DS_NFEAT; i++)
		f[i] = sc->m[model].mean[i];
	f[DS_F_BIAS] = 1;
	for (int step = 0; step <= 24; step++) {
		double p;
		f[feat] = lo + (hi - lo) * step / 24;
		p = ds_scorer_prob(sc, model, f);
		if (!(p >= 0 && p <= 1))
			T_FAIL("model %d: p(%s %g) = %g", model, ds_feat_names[feat], f[feat], p);
		if (!(p >= prev))
			T_FAIL("model %d: p(%s %g) = %g under %g", model, ds_feat_names[feat], f[feat],
			       p, prev);
		if (step == 0)
			first = p;
		prev = p;
	}
	if (!(prev > first))
		T_FAIL("model %d: p(%s) flat from %g to %g", model, ds_feat_names[feat], lo, hi);
}

/* models/scorer.tsv and its binary form are the same models; the scores
 * rise with the evidence of the features with a positive coefficient. */
T_TEST(models_scorer)
{
	struct ds_err err;
	struct ds_scorer *t = ds_scorer_read_tsv("models/scorer.tsv", &err), *b;
	if (!t) {
		T_FAIL("models/scorer.tsv: %s", err.msg);
		return;
	}
	b = ds_scorer_load("models/scorer.bin", &err);
	if (!b) {
		free(t);
		T_SKIP("no models/scorer.bin (make models)");
	}
	T_OK(t->has_slot && b->has_slot);
	for (int k = 0; k < DS_NMODELS; k++) {
		T_NEAR(b->m[k].threshold, t->m[k].threshold, 1e-9);
		/* solo: at least even odds; with a source, the fitted threshold */
		T_OK(t->m[k].threshold >= (k == DS_MODEL_SOLO ? 0.5 : 0) &&
		     t->m[k].threshold <= 0.99);
		for (int i = 0; i < DS_NFEAT; i++) {
			T_NEAR(b->m[k].coef[i], t->m[k].coef[i], 1e-12);
			T_NEAR(b->m[k].mean[i], t->m[k].mean[i], 1e-12);
			T_NEAR(b->m[k].sd[i], t->m[k].sd[i], 1e-12);
			/* the fitted models give no weight to the features they
			 * do not use */
			if (!ds_scorer_uses(k, i) && t->m[k].coef[i] != 0)
				T_FAIL("model %d: coefficient of unused %s", k, ds_feat_names[i]);
		}
	}
	for (int i = 0; i < DS_NSLOTF; i++)
		T_NEAR(b->slot.coef[i], t->slot.coef[i], 1e-12);
	T_OK(memcmp(&b->slot.trees, &t->slot.trees, sizeof b->slot.trees) == 0);
	T_OK(t->slot.trees.ntrees > 0); /* the shipped slot model is trees */
	T_OK(t->m[DS_MODEL_SOLO].coef[DS_F_PTOP] > 0);
	T_OK(t->m[DS_MODEL_SOURCE].coef[DS_F_LLR] > 0);
	/* solo: surer slots at the top, higher probability (up to the clip;
	 * beside them the top gains' fitted weight is negative, and leaving
	 * those out costs held-out families: docs/README-solo.md, "Trees");
	 * source: more evidence (summed log likelihood ratios), higher */
	rises(b, DS_MODEL_SOLO, DS_F_PTOP, 0.3, 1);
	rises(b, DS_MODEL_SOURCE, DS_F_LLR, 0, 100);
	free(t);
	free(b);
}

/* Written as TSV, read back, written as binary and loaded: the same
 * models and the same probabilities. */
T_TEST(files_round_trip)
{
	struct ds_scorer sc, *r, *b;
	struct ds_err err;
	double f[DS_NFEAT] = {0};
	ds_scorer_blank(&sc);
	for (int k = 0; k < DS_NMODELS; k++)
		sc.m[k].threshold = 0.5 + 0.1 * k;
	sc.m[DS_MODEL_SOURCE].coef[DS_F_BIAS] = -1;
	sc.m[DS_MODEL_SOURCE].coef[DS_F_DENSITY] = 0.5;
	sc.m[DS_MODEL_SOURCE].mean[DS_F_DENSITY] = 2;
	sc.m[DS_MODEL_SOURCE].sd[DS_F_DENSITY] = 4;
	sc.m[DS_MODEL_SOLO].coef[DS_F_GTOP] = 0.125;
	sc.slot.coef[DS_SF_GAIN] = 1.25;
	sc.slot.mean[DS_SF_GAIN] = -0.5;
	sc.slot.sd[DS_SF_GAIN] = 2.5;
	sc.has_slot = 1;
	sc.chg.coef[DS_CF_BIAS] = 0.75;
	sc.chg.coef[DS_CF_VEC] = 2.5;
	sc.chg.mean[DS_CF_VEC] = 0.25;
	sc.chg.sd[DS_CF_VEC] = 0.5;
	sc.chg.vec_cut = 0.375;
	sc.has_chg = 1;
	T_EQ_INT(ds_scorer_write_tsv(&sc, tsv, &err), 0);
	r = ds_scorer_read_tsv(tsv, &err);
	T_OK(r != NULL);
	if (!r)
		return;
	T_OK(r->has_slot && r->has_chg);
	T_NEAR(r->chg.coef[DS_CF_VEC], 2.5, 1e-9);
	T_NEAR(r->chg.mean[DS_CF_VEC], 0.25, 1e-9);
	T_NEAR(r->chg.sd[DS_CF_VEC], 0.5, 1e-9);
	T_NEAR(r->chg.vec_cut, 0.375, 1e-9);
	T_NEAR(r->slot.coef[DS_SF_GAIN], 1.25, 1e-9);
	T_NEAR(r->slot.mean[DS_SF_GAIN], -0.5, 1e-9);
	T_NEAR(r->slot.sd[DS_SF_GAIN], 2.5, 1e-9);
	T_NEAR(r->m[DS_MODEL_SOLO].threshold, 0.5, 1e-6);
	T_NEAR(r->m[DS_MODEL_SOURCE].threshold, 0.6, 1e-6);
	T_NEAR(r->m[DS_MODEL_SOLO].coef[DS_F_GTOP], 0.125, 1e-12);
	T_NEAR(r->m[DS_MODEL_SOURCE].sd[DS_F_DENSITY], 4, 1e-12);
	T_EQ_INT(ds_scorer_write_bin(r, bin, &err), 0);
	b = ds_scorer_load(bin, &err);
	T_OK(b != NULL);
	if (b) {
		T_OK(b->has_slot && b->has_chg);
		T_OK(memcmp(b->m, r->m, sizeof b->m) == 0);
		T_OK(memcmp(&b->slot, &r->slot, sizeof b->slot) == 0);
		T_NEAR(b->chg.coef[DS_CF_BIAS], 0.75, 1e-12);
		T_NEAR(b->chg.vec_cut, 0.375, 1e-12);
		/* sigmoid(-1 + 0.5 * (10 - 2) / 4) */
		f[DS_F_DENSITY] = 10;
		T_NEAR(ds_scorer_prob(b, DS_MODEL_SOURCE, f), ds_sigmoid(-1 + 0.5 * 2), 1e-12);
		/* standardised values are clipped at 4 sd */
		f[DS_F_DENSITY] = 1000;
		T_NEAR(ds_scorer_prob(b, DS_MODEL_SOURCE, f), ds_sigmoid(-1 + 0.5 * 4), 1e-12);
		f[DS_F_DENSITY] = 10;
		/* the solo model has no bias: even odds without top gains */
		T_NEAR(ds_scorer_prob(b, DS_MODEL_SOLO, f), 0.5, 1e-12);
		free(b);
	}
	free(r);
	/* a scorer without a slot model says so */
	sc.has_slot = 0;
	T_EQ_INT(ds_scorer_write_tsv(&sc, tsv, &err), 0);
	r = ds_scorer_read_tsv(tsv, &err);
	T_OK(r && !r->has_slot);
	free(r);
}

/* A slot model of trees: written, read back and built to the same model,
 * which decides over the regression beside it; malformed trees refused. */
T_TEST(trees_round_trip)
{
	static struct ds_scorer sc;
	struct ds_scorer *r, *b;
	struct ds_gbt *g = &sc.slot.trees;
	struct ds_err err;
	double x[DS_NSLOTF] = {0};
	ds_scorer_blank(&sc);
	sc.slot.coef[DS_SF_GAIN] = 1; /* the regression: logit = gain */
	sc.has_slot = 1;
	/* two trees: gain <= 2 -> -0.5 else (follow <= 0 -> 0.25 else 1.5);
	 * then a lone leaf of 0.125 */
	g->base = 0.1;
	g->ntrees = 2;
	g->nnodes = 6;
	g->root[1] = 5;
	g->node[0] = (struct ds_gbt_node){.thr = 2, .feat = DS_SF_GAIN, .left = 1, .right = 2};
	g->node[1] = (struct ds_gbt_node){.value = -0.5, .feat = -1, .left = -1, .right = -1};
	g->node[2] = (struct ds_gbt_node){.thr = 0, .feat = DS_SF_FOLLOW, .left = 3, .right = 4};
	g->node[3] = (struct ds_gbt_node){.value = 0.25, .feat = -1, .left = -1, .right = -1};
	g->node[4] = (struct ds_gbt_node){.value = 1.5, .feat = -1, .left = -1, .right = -1};
	g->node[5] = (struct ds_gbt_node){.value = 0.125, .feat = -1, .left = -1, .right = -1};
	T_EQ_INT(ds_gbt_check(g, DS_NSLOTF), 0);
	T_EQ_INT(ds_scorer_write_tsv(&sc, tsv, &err), 0);
	r = ds_scorer_read_tsv(tsv, &err);
	T_OK(r != NULL);
	if (!r)
		return;
	T_OK(memcmp(&r->slot.trees, g, sizeof *g) == 0);
	T_EQ_INT(ds_scorer_write_bin(r, bin, &err), 0);
	b = ds_scorer_load(bin, &err);
	T_OK(b != NULL);
	if (b) {
		T_OK(memcmp(&b->slot, &r->slot, sizeof b->slot) == 0);
		x[DS_SF_GAIN] = 3;
		x[DS_SF_FOLLOW] = 1;
		T_NEAR(ds_slot_logit(&b->slot, x), 0.1 + 1.5 + 0.125, 1e-12);
		T_NEAR(ds_slot_prob(&b->slot, x), ds_sigmoid(1.725), 1e-12);
		x[DS_SF_GAIN] = 2;
		T_NEAR(ds_slot_logit(&b->slot, x), 0.1 - 0.5 + 0.125, 1e-12);
		/* without trees, the regression */
		memset(&b->slot.trees, 0, sizeof b->slot.trees);
		T_NEAR(ds_slot_logit(&b->slot, x), 2, 1e-12);
		free(b);
	}
	free(r);
	/* a child before its parent */
	g->node[0].left = 0;
	T_EQ_INT(ds_scorer_write_tsv(&sc, tsv, &err), 0);
	memset(&err, 0, sizeof err);
	r = ds_scorer_read_tsv(tsv, &err);
	T_OK(r == NULL && strstr(err.msg, "trees are malformed") && strstr(err.msg, tsv));
	free(r);
	/* a tree row out of order, a node before any tree, an unknown column */
	refused("despin-scorer\t4\ntrees\tslot\tbase\t0\ntree\tslot\t1\n", ":3:");
	refused("despin-scorer\t4\nnode\tslot\t0\t-\t0\t-1\t-1\t1\n", ":2:");
	refused("despin-scorer\t4\ntree\tslot\t0\nnode\tslot\t0\tnosuch\t0\t1\t2\t0\n",
		":3:");
}

/* Refused with a message naming the file and the line. */
static void refused(const char *text, const char *where)
{
	struct ds_err err;
	struct ds_scorer *s;
	char want[96];
	if (write_file(tsv2, text) != 0) {
		T_FAIL("cannot write %s", tsv2);
		return;
	}
	memset(&err, 0, sizeof err);
	s = ds_scorer_read_tsv(tsv2, &err);
	if (s) {
		T_FAIL("accepted: %s", text);
		free(s);
		return;
	}
	snprintf(want, sizeof want, "%s%s", tsv2, where);
	if (!strstr(err.msg, want))
		T_FAIL("message \"%s\" does not name %s", err.msg, want);
	T_EQ_INT(err.code, DS_EFORMAT);
}

T_TEST(malformed_tsv)
{
	struct ds_err err;
	refused("despin-solo\t1\n", ":1:");
	refused("despin-scorer\t5\n", ":1:");
	refused("despin-scorer\t4\nthreshold\tsolo\t0.5\ncoef\tsolo\tnosuch\t0\t1\t1\n", ":3:");
	refused("despin-scorer\t4\ncoef\tnosuch\tbias\t0\t1\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tsource\tgtop\t0\t0\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tslot\tgain\t0\t-1\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tslot\tnosuch\t0\t1\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tchange\tnosuch\t0\t1\t1\n", ":2:");
	refused("despin-scorer\t4\nthreshold\tsolo\n", ":2:");
	refused("despin-scorer\t4\nthreshold\tsolo\t0.5\n\tsolo\tbias\n", ":3:");
	/* numbers that are not finite, or not numbers to the field's end */
	refused("despin-scorer\t4\ncoef\tsolo\tbias\t0\t1\tnan\n", ":2:");
	refused("despin-scorer\t4\ncoef\tsolo\tbias\tinf\t1\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tsolo\tbias\t0\t1e999\t1\n", ":2:");
	refused("despin-scorer\t4\ncoef\tsolo\tbias\t0\t1\t0.5x\n", ":2:");
	refused("despin-scorer\t4\nthreshold\tsolo\tnan\n", ":2:");
	refused("despin-scorer\t4\nthreshold\tsolo\t1.5\n", ":2:");
	refused("despin-scorer\t4\ncut\tchange\tvec\t-inf\n", ":2:");
	refused("despin-scorer\t4\ntrees\tslot\tbase\t\n", ":2:");
	/* a tree's or node's index, and a node's children, are whole numbers */
	refused("despin-scorer\t4\ntrees\tslot\tbase\t0\ntree\tslot\t0x\n", ":3:");
	refused("despin-scorer\t4\ntrees\tslot\tbase\t0\ntree\tslot\t0\n"
		"node\tslot\t0\t-\t0\t-1\t-1x\t0.5\n", ":4:");
	refused("despin-scorer\t4\ntrees\tslot\tbase\t0\ntree\tslot\t0\n"
		"node\tslot\tzero\t-\t0\t-1\t-1\t0.5\n", ":4:");
	/* a file of format 1 weighs gtop as the plain mean of the top gains,
	 * one of format 2 the slots' own gains: refused with the way to refit
	 * it */
	T_OK(write_file(tsv2, "despin-scorer\t1\nthreshold\tsolo\t0.7\n") == 0);
	T_OK(ds_scorer_read_tsv(tsv2, &err) == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, tsv2) != NULL && strstr(err.msg, "format 1") != NULL &&
	     strstr(err.msg, "refit it") != NULL);
	T_OK(write_file(tsv2, "despin-scorer\t2\nthreshold\tsolo\t0.7\n") == 0);
	T_OK(ds_scorer_read_tsv(tsv2, &err) == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, tsv2) != NULL && strstr(err.msg, "format 2") != NULL &&
	     strstr(err.msg, "median") != NULL && strstr(err.msg, "refit it") != NULL);
	/* one of format 3 counts a slot's gain and gtop from the median */
	T_OK(write_file(tsv2, "despin-scorer\t3\nthreshold\tsolo\t0.7\n") == 0);
	T_OK(ds_scorer_read_tsv(tsv2, &err) == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, tsv2) != NULL && strstr(err.msg, "format 3") != NULL &&
	     strstr(err.msg, "lower quartile") != NULL && strstr(err.msg, "refit it") != NULL);
	/* an empty file is not a scorer */
	refused("", ": not a despin scorer file");
	/* a file that is not there */
	T_OK(ds_scorer_read_tsv("/nonexistent/scorer.tsv", &err) == NULL);
	T_OK(strstr(err.msg, "/nonexistent/scorer.tsv") != NULL);
	/* a well-formed one is accepted: the refusals above are the lines' */
	T_OK(write_file(tsv2, "despin-scorer\t4\nthreshold\tsolo\t0.7\n"
			      "coef\tsolo\tgtop\t3\t0.5\t2\n") == 0);
	{
		struct ds_scorer *s = ds_scorer_read_tsv(tsv2, &err);
		T_OK(s != NULL);
		if (s) {
			T_NEAR(s->m[DS_MODEL_SOLO].threshold, 0.7, 1e-12);
			T_NEAR(s->m[DS_MODEL_SOLO].coef[DS_F_GTOP], 2, 1e-12);
			T_NEAR(s->m[DS_MODEL_SOLO].mean[DS_F_GTOP], 3, 1e-12);
			T_NEAR(s->m[DS_MODEL_SOURCE].sd[DS_F_GTOP], 1, 0);
			T_OK(!s->has_slot);
			free(s);
		}
	}
}

/* The library writes and loads a scorer from a thread whose stack is
 * smaller than the scorer's payload (a quarter of a megabyte of trees). */
static void *small_stack_round_trip(void *arg)
{
	struct ds_scorer *sc = calloc(1, sizeof *sc), *b = NULL;
	struct ds_err err;
	int *ok = arg;
	if (!sc)
		return NULL;
	ds_scorer_blank(sc);
	sc->m[DS_MODEL_SOLO].coef[DS_F_GTOP] = 1.5;
	if (ds_scorer_write_bin(sc, bin, &err) == 0 && (b = ds_scorer_load(bin, &err)) != NULL)
		*ok = b->m[DS_MODEL_SOLO].coef[DS_F_GTOP] == 1.5;
	free(b);
	free(sc);
	return NULL;
}

T_TEST(bin_small_stack)
{
	pthread_attr_t attr;
	pthread_t th;
	int ok = 0;
	T_OK(sizeof(struct ds_scorer) > 128 * 1024);
	T_EQ_INT(pthread_attr_init(&attr), 0);
	T_EQ_INT(pthread_attr_setstacksize(&attr, 128 * 1024), 0);
	T_EQ_INT(pthread_create(&th, &attr, small_stack_round_trip, &ok), 0);
	T_EQ_INT(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	T_OK(ok);
}

/* A damaged or foreign binary is refused. */
T_TEST(corrupt_bin)
{
	struct ds_scorer sc, *b;
	struct ds_err err;
	FILE *fh;
	ds_scorer_blank(&sc);
	T_EQ_INT(ds_scorer_write_bin(&sc, bin, &err), 0);
	b = ds_scorer_load(bin, &err);
	T_OK(b != NULL);
	free(b);
	/* a zero standard deviation is an invalid coefficient */
	sc.m[DS_MODEL_SOLO].sd[DS_F_GTOP] = 0;
	T_EQ_INT(ds_scorer_write_bin(&sc, bin, &err), 0);
	T_OK(ds_scorer_load(bin, &err) == NULL);
	T_OK(strstr(err.msg, bin) != NULL);
	/* the kind damaged */
	sc.m[DS_MODEL_SOLO].sd[DS_F_GTOP] = 1;
	T_EQ_INT(ds_scorer_write_bin(&sc, bin, &err), 0);
	fh = fopen(bin, "r+b");
	T_OK(fh != NULL);
	if (fh) {
		fseek(fh, 9, SEEK_SET);
		fputc(0x55, fh);
		fclose(fh);
	}
	T_OK(ds_scorer_load(bin, &err) == NULL);
	/* a TSV is not a binary scorer */
	T_OK(ds_scorer_load("models/scorer.tsv", &err) == NULL);
}

/* The cut on word-vector similarity parts the unrelated changes, spinner's
 * (similar words) from editor's (unrelated ones); related changes do not
 * move it, and only the rows under it are dropped. */
T_TEST(change_vec_cut)
{
	double X[8 * DS_NCHGF] = {0};
	int y[8] = {1, 1, 1, 0, 0, 0, 1, 0};
	const double v[8] = {0.6, 0.5, 0.45, 0.1, 0.2, 0.05, 0.0, 0.9};
	for (int i = 0; i < 8; i++)
		X[i * DS_NCHGF + DS_CF_VEC] = v[i];
	/* row 7: an editor's change the lexicon relates */
	X[7 * DS_NCHGF + DS_CF_LEXW] = 0.5;
	/* row 6: a spinner's change with no vector */
	X[6 * DS_NCHGF + DS_CF_VECUNK] = 1;
	T_NEAR(ds_chg_vec_cut(X, y, 8), 0.45, 1e-12);
	T_EQ_INT(ds_chg_keep(X, y, 8, 0.45), 4);
	T_NEAR(X[3 * DS_NCHGF + DS_CF_VEC], 0.9, 0);
	T_EQ_INT(y[3], 0);
	/* no spinner's change among the unrelated: nothing gets through */
	for (int i = 0; i < 8; i++)
		y[i] = 0;
	T_NEAR(ds_chg_vec_cut(X, y, 8), 1, 0);
}

/* Function-word swaps are kept out of the cut and kept for the fit only
 * as the detector weighs them (ds_chg_func_weighed): in unchanged context,
 * in a close sentence pair, the source's words reading likelier. */
T_TEST(change_keep_function_words)
{
	enum { N = 6 };
	double X[N * DS_NCHGF] = {0};
	int y[N] = {1, 0, 0, 1, 0, 0};
	const double g[N] = {1.5, -0.5, 0.0, 0.8, 2.0, 2.0};
	const double ctx[N] = {1, 1, 1, 1, 0.5, 1};
	const double sim[N] = {0.9, 0.9, 0.9, 0.7, 0.9, 0.3};
	for (int i = 0; i < N; i++) {
		X[i * DS_NCHGF + DS_CF_FUNC] = 1;
		X[i * DS_NCHGF + DS_CF_GAIN] = g[i];
		X[i * DS_NCHGF + DS_CF_CTX] = ctx[i];
		X[i * DS_NCHGF + DS_CF_SIM] = sim[i];
		X[i * DS_NCHGF + DS_CF_VEC] = 0.1 * i;
	}
	/* a related function-word pair is kept whatever its gain */
	X[1 * DS_NCHGF + DS_CF_LEXW] = 0.4;
	/* no unrelated content-word change: no cut */
	T_NEAR(ds_chg_vec_cut(X, y, N), 1, 0);
	/* kept: 0, 1 (related), 3; not 2 (no gain), 4 (context changed), 5
	 * (a loose pair) */
	T_EQ_INT(ds_chg_keep(X, y, N, 1), 3);
	T_NEAR(X[0 * DS_NCHGF + DS_CF_GAIN], 1.5, 0);
	T_NEAR(X[1 * DS_NCHGF + DS_CF_GAIN], -0.5, 0);
	T_NEAR(X[2 * DS_NCHGF + DS_CF_GAIN], 0.8, 0);
	T_EQ_INT(y[2], 1);
	T_OK(ds_chg_func_weighed(0.6, 1, 0.6));
	T_OK(!ds_chg_func_weighed(0.5, 1, 0.9));
	T_OK(!ds_chg_func_weighed(3, 0.5, 0.9));
	T_OK(!ds_chg_func_weighed(3, 1, 0.59));
}

/* A plain one-word swap in unchanged context that nothing relates is
 * weighed, whatever its vectors, when the source's word reads likelier
 * (ds_chg_weighed), by the detector and so in the fit: ds_chg_keep keeps
 * it and the cut is chosen on the other unrelated changes alone. */
T_TEST(change_keep_unrelated_swaps)
{
	enum { N = 10 };
	double X[N * DS_NCHGF] = {0};
	int y[N] = {1, 1, 0, 0, 1, 1, 1, 0, 0, 0};
	const double v[N] = {0.6, 0.5, 0.1, 0.2, 0.15, 0.15, 0.15, 0.05, 0.05, 0.05};
	for (int i = 0; i < N; i++)
		X[i * DS_NCHGF + DS_CF_VEC] = v[i];
	/* rows 4-9: one word for one in unchanged context, the source's word
	 * reading likelier; 4-6 plain */
	for (int i = 4; i < N; i++) {
		X[i * DS_NCHGF + DS_CF_ONE] = 1;
		X[i * DS_NCHGF + DS_CF_CTX] = 1;
		X[i * DS_NCHGF + DS_CF_PLAIN] = i < 7;
		X[i * DS_NCHGF + DS_CF_GAIN] = 0.3;
	}
	/* 7: a digit or a capitalised word; 8: no gain; 9: context changed */
	X[8 * DS_NCHGF + DS_CF_PLAIN] = 1;
	X[8 * DS_NCHGF + DS_CF_GAIN] = ds_tune_default.src_unrel_gain;
	X[9 * DS_NCHGF + DS_CF_PLAIN] = 1;
	X[9 * DS_NCHGF + DS_CF_CTX] = 0.5;
	T_OK(ds_chg_weighed(X + 4 * DS_NCHGF, 0.5));
	T_OK(!ds_chg_weighed(X + 7 * DS_NCHGF, 0.5));
	T_OK(!ds_chg_weighed(X + 8 * DS_NCHGF, 0.5));
	T_OK(!ds_chg_weighed(X + 9 * DS_NCHGF, 0.5));
	T_OK(ds_chg_weighed(X + 9 * DS_NCHGF, 0.05));
	/* with rows 4-6 counted, the cut would fall to 0.15 */
	T_NEAR(ds_chg_vec_cut(X, y, N), 0.5, 1e-12);
	/* kept: 0, 1 (over the cut), 4, 5, 6 */
	T_EQ_INT(ds_chg_keep(X, y, N, 0.5), 5);
	T_NEAR(X[2 * DS_NCHGF + DS_CF_VEC], 0.15, 0);
	T_NEAR(X[4 * DS_NCHGF + DS_CF_GAIN], 0.3, 0);
	/* a function-word swap is judged as ds_chg_func_weighed says */
	X[0 * DS_NCHGF + DS_CF_FUNC] = 1;
	X[0 * DS_NCHGF + DS_CF_GAIN] = 0.6;
	X[0 * DS_NCHGF + DS_CF_CTX] = 1;
	X[0 * DS_NCHGF + DS_CF_SIM] = 0.6;
	T_OK(ds_chg_weighed(X, 2));
	X[0 * DS_NCHGF + DS_CF_SIM] = 0.5;
	T_OK(!ds_chg_weighed(X, 0));
	/* a related pair always */
	X[0 * DS_NCHGF + DS_CF_LEXW] = 0.1;
	T_OK(ds_chg_weighed(X, 2));
}

int main(void)
{
	int pid = (int)getpid();
	snprintf(tsv, sizeof tsv, "/tmp/test_score_%d.tsv", pid);
	snprintf(tsv2, sizeof tsv2, "/tmp/test_score_%d.2.tsv", pid);
	snprintf(bin, sizeof bin, "/tmp/test_score_%d.bin", pid);
	T_RUN(tune_defaults);
	T_RUN(sigmoid);
	T_RUN(logit_prob);
	T_RUN(logit_columns);
	T_RUN(logit_fit);
	T_RUN(logit_fit_needs_both_classes);
	T_RUN(scorer_uses);
	T_RUN(scorer_fit);
	T_RUN(models_scorer);
	T_RUN(files_round_trip);
	T_RUN(trees_round_trip);
	T_RUN(malformed_tsv);
	T_RUN(corrupt_bin);
	T_RUN(bin_small_stack);
	T_RUN(change_vec_cut);
	T_RUN(change_keep_function_words);
	T_RUN(change_keep_unrelated_swaps);
	unlink(tsv);
	unlink(tsv2);
	unlink(bin);
	return t_done();
}
