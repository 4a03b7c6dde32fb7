/* cmd_scorer.c - despin scorer: evidence features, fitting, building. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_sort_double.h>

#include "cli.h"
#include "scan.h"
#include "../detect.h"
#include "../score.h"
#include "../evidence.h"
#include "../solocal.h"
#include "../tune.h"

static const char USAGE[] =
	"despin scorer features [--models DIR] --pairs LIST\n"
	"       despin scorer slots [--models DIR] --pairs LIST\n"
	"       despin scorer fit-slots [--trees N] -o OUT.tsv SLOTS.tsv\n"
	"       despin scorer slot-logits --slot-model TSV -o OUT.tsv SLOTS.tsv\n"
	"       despin scorer changes [--models DIR] --pairs LIST\n"
	"       despin scorer fit-changes [--slot-model TSV] -o OUT.tsv CHANGES.tsv\n"
	"       despin scorer fit [--l2 X] [--fp RATE] [--fp-source RATE] [--slot-model TSV]\n"
	"           -o OUT.tsv FEATURES.tsv\n"
	"       despin scorer build -o OUT.bin SCORER.tsv\n"
	"       despin scorer info [--models DIR]\n"
	"       despin scorer calibrate [--models DIR] [--fp RATE] [-j N] -o OUT.tsv CLEAN...\n"
	"\n"
	"features: for each line 'LABEL<TAB>ARTICLE<TAB>SOURCE' of LIST (SOURCE '-'\n"
	"  for none), prints 'LABEL<TAB>MODEL<TAB>ARTICLE<TAB>' and the evidence\n"
	"  features (the first line names the columns).\n"
	"slots: prints 'ARTICLE<TAB>START<TAB>END<TAB>' and the features of every\n"
	"  slot (word with candidate originals) of the articles of LIST.\n"
	"fit-slots: fits the slot model on such rows with a label column first\n"
	"  (1: the slot is a spinner's substitution) and writes it as a scorer TSV:\n"
	"  N gradient-boosted trees of depth 4 (--trees, 120), which decide, and a\n"
	"  logistic regression kept beside them (--trees 0: the regression alone).\n"
	"slot-logits: the log-odds the slot model of TSV gives each row of such a\n"
	"  file, as 'ARTICLE<TAB>START<TAB>END<TAB>LOGODDS'.\n"
	"changes: prints 'ARTICLE<TAB>START<TAB>END<TAB>' and the features of every\n"
	"  change against the source of the lines of LIST that have one.\n"
	"fit-changes: fits the change model (spinner against editor) on such rows\n"
	"  with a label column first; --slot-model carries a slot model over.\n"
	"fit: fits the solo and source models by logistic regression (IRLS, GSL)\n"
	"  on such rows (LABEL 1 spun, 0 clean) and writes the scorer's TSV, with\n"
	"  each model's threshold set for at most a share of the clean rows above\n"
	"  it: --fp for the solo model (0.01), --fp-source for the source model\n"
	"  (0.005); --slot-model TSV carries the fitted slot and change models over\n"
	"  into OUT.\n"
	"build: turns the TSV into the binary the detector loads.\n"
	"info: prints the scorer in use: its article models, the kind of its slot\n"
	"  and change models, and the solo calibration.\n"
	"calibrate: judges CLEAN (files or folders of texts known to be clean, of the\n"
	"  kind you will scan) on their own and writes the models' solo calibration\n"
	"  (solo.tsv) to OUT with the threshold at which at most RATE (--fp, 0.01)\n"
	"  of them are judged spun, never under 0.5; at least 1/RATE texts long\n"
	"  enough to judge are needed.  Use it in a copy of the models folder\n"
	"  (OUT may be its solo.tsv): the shipped threshold keeps 1% of the\n"
	"  benchmark's clean texts, a 19th-century novel among them, and your\n"
	"  texts may read differently.";

/* Opens the pairs list and the models (scorer optional) and a detector;
 * on failure reports and returns EXIT_ERROR. */
static int open_list(const char *models, const char *list, struct ds_tsv *t,
		     struct ds_models **m, struct ds_detector **det)
{
	struct ds_err err = {0};
	*m = NULL;
	*det = NULL;
	if (ds_tsv_open(t, list, 0, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	*m = cli_models_open(models, 0, 1, &err);
	*det = *m ? ds_detector_new(*m, &err) : NULL;
	if (!*det) {
		cli_error("%s", err.msg);
		ds_models_free(*m);
		ds_tsv_close(t);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

/* The next line of the pairs list, LABEL ARTICLE SOURCE, into f; 1, or 0
 * at the end.  A line of another shape is reported (counted in *nerr) and
 * passed over. */
static int next_pair(struct ds_tsv *t, const char *list, char *f[3], int *nerr)
{
	char *g[4];
	int nf;
	while ((nf = ds_tsv_next(t, g, 4)) >= 0) {
		if (nf == 3 && g[1][0] && g[2][0]) {
			memcpy(f, g, 3 * sizeof *f);
			return 1;
		}
		cli_error("%s:%d: expected LABEL<TAB>ARTICLE<TAB>SOURCE ('-' for none)", list,
			  t->lineno);
		(*nerr)++;
	}
	return 0;
}

static int features(const char *models, const char *list)
{
	struct ds_err err = {0};
	struct ds_tsv t;
	char *f3[3];
	struct ds_models *m;
	struct ds_detector *det;
	int nerr = 0;
	if (open_list(models, list, &t, &m, &det))
		return EXIT_ERROR;
	printf("label\tmodel\tarticle");
	for (size_t i = 0; ds_feature_name(i); i++)
		printf("\t%s", ds_feature_name(i));
	putchar('\n');
	while (next_pair(&t, list, f3, &nerr)) {
		const char *label = f3[0], *art = f3[1], *src = f3[2];
		char *a = NULL, *s = NULL;
		size_t alen, slen = 0;
		struct ds_text at, st;
		struct ds_result *r;
		if (ds_read_file(art, 0, &a, &alen, &err) ||
		    (strcmp(src, "-") && ds_read_file(src, 0, &s, &slen, &err))) {
			cli_error("%s", err.msg);
			free(a);
			nerr++;
			continue;
		}
		at.name = art;
		at.data = a;
		at.len = alen;
		st.name = src;
		st.data = s;
		st.len = slen;
		r = ds_detect(det, &at, s ? &st : NULL, NULL, NULL, &err);
		if (!r) {
			cli_error("%s", err.msg);
			nerr++;
		} else {
			size_t n;
			const double *f = ds_result_features(r, &n);
			printf("%s\t%s\t%s", label, ds_result_model(r) ? "source" : "solo", art);
			for (size_t i = 0; i < n; i++)
				printf("\t%.6g", f[i]);
			putchar('\n');
			ds_result_free(r);
		}
		free(a);
		free(s);
	}
	ds_detector_free(det);
	ds_models_free(m);
	ds_tsv_close(&t);
	return nerr ? EXIT_ERROR : EXIT_CLEAN;
}

static void print_slot(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
		       const double x[DS_NSLOTF])
{
	(void)doc;
	printf("%s\t%u\t%u", (const char *)ud, start, end);
	for (int i = 0; i < DS_NSLOTF; i++)
		printf("\t%.5g", x[i]);
	putchar('\n');
}

static void print_change(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
			 const double x[DS_NCHGF])
{
	(void)doc;
	printf("%s\t%u\t%u", (const char *)ud, start, end);
	for (int i = 0; i < DS_NCHGF; i++)
		printf("\t%.5g", x[i]);
	putchar('\n');
}

/* Prints the slots (changes = 0) or the changes against the source
 * (changes = 1) of the articles of list. */
static int slots(const char *models, const char *list, int changes)
{
	struct ds_err err = {0};
	struct ds_tsv t;
	char *f3[3];
	struct ds_models *m;
	struct ds_detector *det;
	int nerr = 0;
	if (open_list(models, list, &t, &m, &det))
		return EXIT_ERROR;
	printf("article\tstart\tend");
	for (int i = 0; i < (changes ? DS_NCHGF : DS_NSLOTF); i++)
		printf("\t%s", changes ? ds_chgf_names[i] : ds_slotf_names[i]);
	putchar('\n');
	while (next_pair(&t, list, f3, &nerr)) {
		char *art = f3[1], *src = f3[2], *a = NULL, *s = NULL;
		size_t alen, slen = 0;
		struct ds_text at, st;
		struct ds_result *r;
		if (changes && strcmp(src, "-") == 0)
			continue;
		if (ds_read_file(art, 0, &a, &alen, &err) ||
		    (changes && ds_read_file(src, 0, &s, &slen, &err))) {
			cli_error("%s", err.msg);
			free(a);
			nerr++;
			continue;
		}
		at.name = art;
		at.data = a;
		at.len = alen;
		st.name = src;
		st.data = s;
		st.len = slen;
		if (changes)
			ds_detector_dump_changes(det, print_change, art);
		else
			ds_detector_dump_slots(det, print_slot, art);
		r = ds_detect(det, &at, changes ? &st : NULL, NULL, NULL, &err);
		if (!r) {
			cli_error("%s", err.msg);
			nerr++;
		}
		ds_result_free(r);
		free(a);
		free(s);
	}
	ds_detector_free(det);
	ds_models_free(m);
	ds_tsv_close(&t);
	return nerr ? EXIT_ERROR : EXIT_CLEAN;
}

/* Fits trees of the default shape on the rows (the trees decide; the
 * regression beside them stays in the file, readable); reports a failure
 * naming in. */
static int fit_trees(const double *X, const int *y, size_t n, int d, const int *use, int trees,
		     struct ds_gbt *g, const char *in)
{
	struct ds_err err = {0};
	struct ds_gbt_params gp = ds_gbt_default;
	gp.trees = trees;
	if (ds_gbt_fit(X, y, n, (size_t)d, use, &gp, g, &err)) {
		cli_error("%s: %s", in, err.msg);
		return -1;
	}
	return 0;
}

/* Reads the numbers of one labelled row of a features file into x: f[0]
 * the label (0 or 1) into *label, then nkey key fields, then nx numbers.
 * 0, or -1 after a message naming the file, the line and the field; a
 * header line (first field "label") gives 1. */
static int labelled_row(const struct ds_tsv *t, const char *path, char **f, int nf, int nkey,
			int nx, int *label, double *x)
{
	if (strcmp(f[0], "label") == 0)
		return 1;
	if (nf != 1 + nkey + nx) {
		cli_error("%s:%d: %d fields, expected %d (a label, %d keys and %d features)", path,
			  t->lineno, nf, 1 + nkey + nx, nkey, nx);
		return -1;
	}
	if (strcmp(f[0], "0") != 0 && strcmp(f[0], "1") != 0) {
		cli_error("%s:%d: label '%s' is neither 0 nor 1", path, t->lineno, f[0]);
		return -1;
	}
	*label = f[0][0] == '1';
	for (int i = 0; i < nx; i++)
		if (ds_field_real(f[1 + nkey + i], &x[i])) {
			cli_error("%s:%d: field %d '%s' is not a finite number", path, t->lineno,
				  2 + nkey + i, f[1 + nkey + i]);
			return -1;
		}
	return 0;
}

/* Fits the slot model (changes = 0) or the change model (changes = 1) on
 * labelled rows; carry (may be NULL) is a scorer TSV whose other parts are
 * kept. */
static int fit_slots(const char *in, const char *out, double l2, int changes, const char *carry,
		     int trees, int apply)
{
	struct ds_err err = {0};
	struct ds_tsv t;
	size_t n = 0, cap = 0, ycap = 0, kcap = 0;
	double *X = NULL;
	char **key = NULL; /* each row's article, start and end (apply), in t */
	int *y = NULL, use[DS_NSLOTF + DS_NCHGF], rc = EXIT_CLEAN, nf;
	const int d = changes ? DS_NCHGF : DS_NSLOTF;
	struct ds_scorer sc;
	char *f[DS_NSLOTF + DS_NCHGF + 5];
	if (ds_tsv_open(&t, in, 0, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	while ((nf = ds_tsv_next(&t, f, d + 5)) >= 0) {
		int r;
		if (ds_grow(&X, &cap, (n + 1) * (size_t)d, sizeof *X) ||
		    ds_grow(&y, &ycap, n + 1, sizeof *y) ||
		    ds_grow(&key, &kcap, 3 * (n + 1), sizeof *key)) {
			cli_error("out of memory");
			goto fail;
		}
		if ((r = labelled_row(&t, in, f, nf, 3, d, &y[n], X + n * (size_t)d)) < 0)
			goto fail;
		if (r > 0)
			continue;
		memcpy(key + 3 * n, f + 1, 3 * sizeof *key);
		n++;
	}
	ds_scorer_blank(&sc);
	for (int k = 0; k < DS_NMODELS; k++)
		sc.m[k].threshold = 0.9;
	if (carry) {
		struct ds_scorer *cs = ds_scorer_read_tsv(carry, &err);
		if (!cs) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
		sc = *cs;
		free(cs);
	}
	if (apply) {
		/* slot-logits: the carried slot model's log-odds of each row */
		struct ds_buf b = DS_BUF_INIT;
		struct ds_afile lf;
		if (!sc.has_slot) {
			cli_error("%s: no slot model", carry);
			rc = EXIT_ERROR;
			goto out;
		}
		for (size_t r = 0; r < n; r++)
			ds_buf_printf(&b, "%s\t%s\t%s\t%.9g\n", key[3 * r], key[3 * r + 1],
				      key[3 * r + 2], ds_slot_logit(&sc.slot, X + r * DS_NSLOTF));
		if (n && !b.data) {
			cli_error("out of memory");
			rc = EXIT_ERROR;
		} else if (ds_afile_open(&lf, out, &err) ||
			   (ds_afile_write(&lf, b.data ? b.data : "", b.len),
			    ds_afile_commit(&lf, &err))) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
		}
		ds_buf_free(&b);
		goto out;
	}
	if (changes) {
		size_t kept;
		for (int i = 0; i < DS_NCHGF; i++)
			use[i] = i != DS_CF_PLAIN; /* says what is weighed, no more */
		sc.chg.vec_cut = ds_chg_vec_cut(X, y, n);
		kept = ds_chg_keep(X, y, n, sc.chg.vec_cut);
		fprintf(stderr, "despin: unrelated changes under word-vector similarity %.3f are never spin\n",
			sc.chg.vec_cut);
		n = kept;
		if (ds_logit_fit(X, y, n, DS_NCHGF, use, l2, sc.chg.mean, sc.chg.sd, sc.chg.coef,
				 &err)) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
		sc.has_chg = 1;
		fprintf(stderr, "despin: fitted the change model on %zu changes\n", n);
		goto write;
	}
	for (int i = 0; i < DS_NSLOTF; i++)
		/* wgain: the gain and the weight already say it; cap: the
		 * benchmark's spinners spare capitalised words more often than
		 * real ones do ("the Safety Council") */
		use[i] = i != DS_SF_WGAIN && i != DS_SF_CAP && i != DS_SF_LOGLEN;
	if (ds_logit_fit(X, y, n, DS_NSLOTF, use, l2, sc.slot.mean, sc.slot.sd, sc.slot.coef, &err)) {
		cli_error("%s", err.msg);
		rc = EXIT_ERROR;
		goto out;
	}
	sc.has_slot = 1;
	memset(&sc.slot.trees, 0, sizeof sc.slot.trees);
	if (trees && fit_trees(X, y, n, DS_NSLOTF, use, trees, &sc.slot.trees, in))
		goto fail;
	fprintf(stderr, "despin: fitted the slot model on %zu slots (%s)\n", n,
		trees ? "gradient-boosted trees" : "logistic regression");
write:
	if (ds_scorer_write_tsv(&sc, out, &err)) {
		cli_error("%s", err.msg);
		rc = EXIT_ERROR;
	}
	goto out;
fail:
	rc = EXIT_ERROR;
out:
	free(X);
	free(y);
	free(key);
	ds_tsv_close(&t);
	return rc;
}

static int fit(const char *in, const char *out, double l2, double fp, double fp_src,
	       const char *slotm)
{
	struct ds_err err = {0};
	struct ds_tsv t;
	char *f[DS_NFEAT + 4];
	size_t n[DS_NMODELS] = {0}, cap[DS_NMODELS] = {0};
	double *X[DS_NMODELS] = {NULL, NULL};
	int *y[DS_NMODELS] = {NULL, NULL};
	size_t ycap[DS_NMODELS] = {0};
	struct ds_scorer sc;
	int rc = EXIT_CLEAN, nf;
	if (ds_tsv_open(&t, in, 0, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	while ((nf = ds_tsv_next(&t, f, DS_NFEAT + 4)) >= 0) {
		int k, r;
		/* LABEL, MODEL, ARTICLE, the features */
		if (nf >= 2 && strcmp(f[1], "source") == 0) {
			k = DS_MODEL_SOURCE;
		} else if (nf >= 2 && strcmp(f[1], "solo") == 0) {
			k = DS_MODEL_SOLO;
		} else if (strcmp(f[0], "label") == 0) {
			continue;
		} else {
			cli_error("%s:%d: the second field is not a model (solo or source)", in,
				  t.lineno);
			rc = EXIT_ERROR;
			goto out;
		}
		if (ds_grow(&X[k], &cap[k], (n[k] + 1) * DS_NFEAT, sizeof *X[k]) ||
		    ds_grow(&y[k], &ycap[k], n[k] + 1, sizeof *y[k])) {
			cli_error("out of memory");
			rc = EXIT_ERROR;
			goto out;
		}
		if ((r = labelled_row(&t, in, f, nf, 2, DS_NFEAT, &y[k][n[k]],
				      X[k] + n[k] * DS_NFEAT)) < 0) {
			rc = EXIT_ERROR;
			goto out;
		}
		n[k] += r == 0;
	}
	memset(&sc, 0, sizeof sc);
	if (slotm) {
		struct ds_scorer *sm = ds_scorer_read_tsv(slotm, &err);
		if (!sm) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
		sc.slot = sm->slot;
		sc.has_slot = sm->has_slot;
		sc.chg = sm->chg;
		sc.has_chg = sm->has_chg;
		free(sm);
	}
	for (int k = 0; k < DS_NMODELS; k++) {
		if (ds_scorer_fit(&sc.m[k], k, X[k], y[k], n[k], l2,
				  k == DS_MODEL_SOURCE ? fp_src : fp, &err)) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
		fprintf(stderr, "despin: fitted the %s model on %zu articles, threshold %.3f\n",
			k ? "source" : "solo", n[k], sc.m[k].threshold);
	}
	if (ds_scorer_write_tsv(&sc, out, &err)) {
		cli_error("%s", err.msg);
		rc = EXIT_ERROR;
	}
out:
	for (int k = 0; k < DS_NMODELS; k++) {
		free(X[k]);
		free(y[k]);
	}
	ds_tsv_close(&t);
	return rc;
}

/* The solo calibration's part of 'scorer info': with it, judging without
 * a source uses its article model and threshold, not the solo model's. */
static int solo_info(const char *path)
{
	struct ds_err err = {0};
	struct ds_solocal *sc;
	if (access(path, F_OK) != 0) {
		printf("solo calibration none (%s is missing: the solo model's threshold judges)\n",
		       path);
		return EXIT_CLEAN;
	}
	if (!(sc = ds_solocal_read(path, &err))) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	printf("solo calibration %s\n", path);
	if (sc->article.present)
		printf("  threshold %.4f (judging without a source: used in place of the solo model's)\n",
		       sc->threshold);
	if (sc->calibrated_n)
		printf("  threshold set by 'scorer calibrate' on %lu clean texts, at most %g of them "
		       "above it\n",
		       sc->calibrated_n, sc->calibrated_fp);
	printf("  min_words %u, language model %s\n", sc->min_words, sc->lm[0] ? sc->lm : "lm.bin");
	free(sc);
	return EXIT_CLEAN;
}

static int scorer_info(const char *models)
{
	struct ds_err err = {0};
	const char *path = cli_model_path(cli_models_dir(models), "scorer.bin");
	struct ds_scorer *s = ds_scorer_load(path, &err);
	if (!s) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	printf("scorer %s\n", path);
	for (int k = 0; k < DS_NMODELS; k++) {
		printf("model %s threshold %.4f\n", k ? "source" : "solo", s->m[k].threshold);
		for (int i = 0; i < DS_NFEAT; i++)
			if (s->m[k].coef[i] != 0)
				printf("  %-9s coef %8.4f  mean %9.4f  sd %8.4f\n", ds_feat_names[i],
				       s->m[k].coef[i], s->m[k].mean[i], s->m[k].sd[i]);
	}
	if (!s->has_slot) {
		printf("slot model: none (slots are flagged on their gain)\n");
	} else if (s->slot.trees.ntrees) {
		int leaves = 0;
		for (uint32_t i = 0; i < s->slot.trees.nnodes; i++)
			leaves += s->slot.trees.node[i].feat < 0;
		printf("slot model: %u gradient-boosted trees, %d leaves (a logistic regression "
		       "beside them, not used)\n", s->slot.trees.ntrees, leaves);
	} else {
		printf("slot model: logistic regression\n");
	}
	if (!s->has_chg) {
		printf("change model: none (changes are judged by fixed rules)\n");
	} else {
		printf("change model: logistic regression\n");
	}
	free(s);
	return solo_info(cli_model_path(cli_models_dir(models), DS_SOLOCAL_FILE));
}

/* The scores of the clean texts 'scorer calibrate' judged. */
struct calib {
	double *score;
	size_t n, cap;
	size_t unjudged, failed;
};

static int calib_add(void *ctx, const char *name, int record, struct ds_result *r,
		     const char *err)
{
	struct calib *c = ctx;
	(void)name;
	if (!r) {
		cli_error("%s", err);
		c->failed++;
		return 0;
	}
	if (!ds_result_judged(r, NULL)) {
		c->unjudged++;
	} else {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 1024;
			double *s = realloc(c->score, cap * sizeof *s);
			if (!s) {
				ds_result_free(r);
				cli_error("out of memory");
				return -1;
			}
			c->score = s;
			c->cap = cap;
		}
		c->score[c->n++] = ds_result_score(r);
	}
	ds_result_free(r);
	return 0;
}

static size_t count_at_least(const double *v, size_t n, double t)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += v[i] >= t;
	return k;
}

/* The threshold that at most fp of the sorted scores v[0..n) reach, as
 * scripts/fit_solo.py sets the solo calibration's (one over the clean
 * score at rank n (1 - fp)), between the floor and the ceiling that
 * ds_scorer_fit keeps the solo model's in (tune.h). */
static double calib_threshold(const double *v, size_t n, double fp)
{
	size_t k = (size_t)((double)n * (1 - fp));
	double t = v[k < n ? k : n - 1] + 1e-4;
	if (t < ds_tune_default.solo_floor)
		t = ds_tune_default.solo_floor;
	return t > ds_tune_default.max_threshold ? ds_tune_default.max_threshold : t;
}

/* Writes the solo calibration text (NUL-terminated, taken apart) to f,
 * its threshold row set to t and a 'calibrated N RATE' row after it (in
 * place of the threshold row, or at the end without one; a row of an
 * earlier calibration is dropped).  Nonzero when a write failed. */
static int calib_write(struct ds_afile *f, char *text, double t, size_t n, double fp)
{
	char *line, *save = NULL;
	char rows[96];
	int bad = 0, done = 0;
	int k = snprintf(rows, sizeof rows, "threshold\t%.6f\ncalibrated\t%zu\t%g\n", t, n, fp);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int thr = strncmp(line, "threshold\t", 10) == 0;
		if (strncmp(line, "calibrated\t", 11) == 0 || (done && thr))
			continue;
		if (thr) {
			bad |= ds_afile_write(f, rows, (size_t)k);
			done = 1;
			continue;
		}
		bad |= ds_afile_write(f, line, strlen(line));
		bad |= ds_afile_write(f, "\n", 1);
	}
	if (!done)
		bad |= ds_afile_write(f, rows, (size_t)k);
	return bad;
}

/* 'scorer calibrate': the models' solo calibration and the output are
 * opened before any text is judged, so that a path that cannot be read
 * or written is said at once; the output is renamed into place only once
 * it is whole. */
static int calibrate(struct scan_opts *so, char **paths, int npaths, const char *out, double fp)
{
	struct ds_err err = {0};
	char *in = strdup(cli_model_path(cli_models_dir(so->models), DS_SOLOCAL_FILE));
	struct ds_solocal *sc = NULL;
	struct ds_afile f;
	struct calib c = {0};
	size_t need = (size_t)(1 / fp + 0.5), len, before, after;
	char *text = NULL;
	double t;
	int rc = EXIT_ERROR, opened = 0;
	if (!in) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	if (!(sc = ds_solocal_read(in, &err)) || ds_read_file(in, 0, &text, &len, &err) ||
	    ds_afile_open(&f, out, &err)) {
		cli_error("%s", err.msg);
		goto done;
	}
	opened = 1;
	so->solo = 1;
	so->need_scorer = 1;
	if (scan_run(so, paths, npaths, calib_add, &c) < 0)
		goto done;
	if (c.n < need) {
		cli_error("%zu text%s judged (%zu not judged, %zu failed): a rate of %g needs at "
			  "least %zu; %s not written",
			  c.n, c.n == 1 ? "" : "s", c.unjudged, c.failed, fp, need, out);
		goto done;
	}
	gsl_sort(c.score, 1, c.n);
	t = calib_threshold(c.score, c.n, fp);
	if (calib_write(&f, text, t, c.n, fp)) {
		cli_error("%s: cannot write", out);
		goto done;
	}
	opened = 0;
	if (ds_afile_commit(&f, &err)) {
		cli_error("%s", err.msg);
		goto done;
	}
	before = count_at_least(c.score, c.n, sc->threshold);
	after = count_at_least(c.score, c.n, t);
	printf("judged %zu clean text%s (%zu not judged: too short or not English prose, %zu "
	       "failed)\n",
	       c.n, c.n == 1 ? "" : "s", c.unjudged, c.failed);
	printf("the models' threshold %.4f: %zu of them judged spun (%.1f%%)\n", sc->threshold,
	       before, 100.0 * (double)before / (double)c.n);
	printf("the calibrated threshold %.4f%s: %zu of them judged spun (%.1f%%)\n", t,
	       t == ds_tune_default.solo_floor ? " (the floor)" : "", after,
	       100.0 * (double)after / (double)c.n);
	printf("wrote %s\n", out);
	rc = c.failed ? EXIT_ERROR : EXIT_CLEAN;
done:
	if (opened)
		ds_afile_abort(&f);
	free(text);
	free(sc);
	free(in);
	free(c.score);
	return rc;
}

/* The subcommands and the options (getopt codes) each takes. */
static const struct cli_sub_options SCORER_SUBS[] = {
	{"features", "mp"}, {"slots", "mp"}, {"fit-slots", "olt"}, {"slot-logits", "os"},
	{"changes", "mp"}, {"fit-changes", "ols"}, {"fit", "olfFs"}, {"build", "o"},
	{"info", "m"}, {"calibrate", "mofj"}, {NULL, NULL}};

int cmd_scorer(int argc, char **argv)
{
	static const struct option opts[] = {
		{"models", required_argument, NULL, 'm'},
		{"pairs", required_argument, NULL, 'p'},
		{"output", required_argument, NULL, 'o'},
		{"l2", required_argument, NULL, 'l'},
		{"fp", required_argument, NULL, 'f'},
		{"fp-source", required_argument, NULL, 'F'},
		{"slot-model", required_argument, NULL, 's'},
		{"jobs", required_argument, NULL, 'j'},
		{"trees", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *models = NULL, *pairs = NULL, *out = NULL, *sub, *slotm = NULL;
	int trees = ds_gbt_default.trees;
	/* the source model's budget is the stricter: its goals allow 0.5%
	 * of copy edits and 1% of human rewrites, the hardest of its clean
	 * training rows (docs/README-bench.md) */
	double l2 = 1.0, fp = 0.01, fp_src = 0.005;
	struct scan_opts so;
	struct ds_err err = {0};
	int c;
	memset(&so, 0, sizeof so);
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("usage: %s\n", USAGE);
		return argc < 2 ? EXIT_ERROR : EXIT_CLEAN;
	}
	sub = argv[1];
	if (!cli_sub_known(SCORER_SUBS, sub)) {
		cli_error("unknown scorer command '%s'", sub);
		return EXIT_ERROR;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "p:o:j:h", opts, NULL)) != -1) {
		if (cli_option_applies("scorer", sub, SCORER_SUBS, c, opts))
			return EXIT_ERROR;
		switch (c) {
		case 'm': models = optarg; break;
		case 'p': pairs = optarg; break;
		case 'o': out = optarg; break;
		case 'l':
			if (cli_parse_real("--l2", optarg, 0, 1e9, 0, &l2))
				return EXIT_ERROR;
			break;
		case 'f':
			if (cli_parse_real("--fp", optarg, 0, 1, 1, &fp))
				return EXIT_ERROR;
			break;
		case 'F':
			if (cli_parse_real("--fp-source", optarg, 0, 1, 1, &fp_src))
				return EXIT_ERROR;
			break;
		case 's': slotm = optarg; break;
		case 't': {
			long t;
			if (cli_parse_int("--trees", optarg, 0, DS_GBT_MAX_TREES, &t))
				return EXIT_ERROR;
			trees = (int)t;
			break;
		}
		case 'j':
			if (scan_common_opt(&so, c, optarg) < 0)
				return EXIT_ERROR;
			break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default:
			return cli_usage("despin scorer features|slots|fit-slots|slot-logits|changes|"
					 "fit-changes|fit|build|info|calibrate ...");
		}
	}
	{
		const char *in[] = {pairs, slotm};
		if (cli_output_is_input(out, (const char *const *)(argv + optind),
					(size_t)(argc - optind)) ||
		    cli_output_is_input(out, in, 2))
			return EXIT_ERROR;
	}
	if (strcmp(sub, "features") == 0) {
		if (!pairs)
			return cli_usage("despin scorer features --pairs LIST");
		return features(models, pairs);
	}
	if (strcmp(sub, "fit") == 0) {
		if (!out || optind != argc - 1)
			return cli_usage("despin scorer fit [--fp RATE] [--fp-source RATE] "
					 "[--slot-model TSV] -o OUT.tsv FEATURES.tsv");
		return fit(argv[optind], out, l2, fp, fp_src, slotm);
	}
	if (strcmp(sub, "slots") == 0) {
		if (!pairs)
			return cli_usage("despin scorer slots --pairs LIST");
		return slots(models, pairs, 0);
	}
	if (strcmp(sub, "fit-slots") == 0) {
		if (!out || optind != argc - 1)
			return cli_usage("despin scorer fit-slots [--trees N] -o OUT.tsv SLOTS.tsv");
		return fit_slots(argv[optind], out, l2, 0, NULL, trees, 0);
	}
	if (strcmp(sub, "slot-logits") == 0) {
		if (!out || !slotm || optind != argc - 1)
			return cli_usage("despin scorer slot-logits --slot-model TSV -o OUT.tsv SLOTS.tsv");
		return fit_slots(argv[optind], out, l2, 0, slotm, 0, 1);
	}
	if (strcmp(sub, "changes") == 0) {
		if (!pairs)
			return cli_usage("despin scorer changes --pairs LIST");
		return slots(models, pairs, 1);
	}
	if (strcmp(sub, "fit-changes") == 0) {
		if (!out || optind != argc - 1)
			return cli_usage("despin scorer fit-changes -o OUT.tsv CHANGES.tsv");
		return fit_slots(argv[optind], out, l2, 1, slotm, 0, 0);
	}
	if (strcmp(sub, "calibrate") == 0) {
		if (!out || optind >= argc)
			return cli_usage("despin scorer calibrate [--models DIR] [--fp RATE] [-j N] "
					 "-o OUT.tsv CLEAN...");
		so.models = models;
		return calibrate(&so, argv + optind, argc - optind, out, fp);
	}
	if (strcmp(sub, "build") == 0) {
		struct ds_scorer *s;
		if (!out || optind != argc - 1)
			return cli_usage("despin scorer build -o OUT.bin SCORER.tsv");
		s = ds_scorer_read_tsv(argv[optind], &err);
		if (!s || ds_scorer_write_bin(s, out, &err)) {
			cli_error("%s", err.msg);
			free(s);
			return EXIT_ERROR;
		}
		free(s);
		return EXIT_CLEAN;
	}
	return scorer_info(models);
}
