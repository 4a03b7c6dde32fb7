/* score.c - logistic-regression scorer: files, prediction, IRLS fitting. */
#include "score.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort_double.h>

#include "binfmt.h"
#include "logit.h"
#include "tune.h"

static const char *const MODEL_NAMES[DS_NMODELS] = {"solo", "source"};

int ds_scorer_uses(int model, int feat)
{
	if (model == DS_MODEL_SOURCE) {
		/* Against a source, the article is judged on accumulated
		 * evidence alone: the changes' summed likelihood ratios
		 * (spinner against editor), how many changes were weighed, how
		 * many of them look a spinner's, and the words in those per
		 * word of the article (DS_F_SUBRATE: three spinner's swaps in a
		 * 150-word copy are a heavier sign than in a 900-word one, or in
		 * a paragraph quoted by an article of its own).  With none of
		 * them the score is the fitted prior, low: a rewrite that shares
		 * little text, or a copy with a few edits, is not spun for what
		 * it does not share.  How much was copied and the article's own
		 * fluency describe the editor, the genre and the spinner's
		 * thesaurus more than spinning, and are left out: measured on
		 * held-out families, the copied share as a feature flagged human
		 * rewrites (docs/README-bench.md). */
		switch (feat) {
		case DS_F_BIAS:
		case DS_F_LLR:
		case DS_F_NCHG:
		case DS_F_NFLAG:
		case DS_F_SUBRATE:
			return 1;
		}
		return 0;
	}
	/* on its own, an article is judged on the strongest evidence its
	 * words give: the gains of the likeliest originals, the slot model's
	 * confident flags, and round-trip garble.  Absolute fluency and
	 * vocabulary figures measure the topic and style of an article (news
	 * against the training corpus) more than spinning, and shares of weak
	 * gains (g05, g1, ...) track the genre of the training text: left
	 * out, the model relies on gains relative to the article itself. */
	switch (feat) {
	case DS_F_BIAS:
	case DS_F_GMEAN:
	case DS_F_GTOP:
	case DS_F_FMEAN:
	case DS_F_PHI8:
	case DS_F_PTOP:
	case DS_F_FUNC:
	case DS_F_LOWOOV:
	case DS_F_CTX:
	case DS_F_PHRASE:
		return 1;
	}
	return 0;
}

double ds_scorer_prob(const struct ds_scorer *s, int model, const double f[DS_NFEAT])
{
	const struct ds_scorer_model *m = &s->m[model];
	return ds_logit_prob(f, DS_NFEAT, m->mean, m->sd, m->coef);
}

/* ---- files ---- */

/* A row 'coef MODEL NAME mean sd coef' into feature i (-1: unknown) of the
 * arrays; -1 unless i is known, the three are finite numbers and sd > 0. */
static int coef_row(char **f, int i, double *mean, double *sd, double *coef)
{
	return i < 0 ? -1 : ds_logit_read_column(f + 3, (size_t)i, mean, sd, coef);
}

/* What the scorer's models must hold, however they were read: thresholds
 * in [0, 1], finite coefficients over positive spreads, well-formed trees
 * and a finite cut.  0, or the part that is not: "coefficient" or
 * "trees". */
static const char *invalid_part(const struct ds_scorer *s)
{
	for (int k = 0; k < DS_NMODELS; k++)
		if (!(s->m[k].threshold >= 0 && s->m[k].threshold <= 1) ||
		    ds_logit_check(DS_NFEAT, s->m[k].mean, s->m[k].sd, s->m[k].coef))
			return "coefficient";
	if (ds_logit_check(DS_NSLOTF, s->slot.mean, s->slot.sd, s->slot.coef) ||
	    ds_logit_check(DS_NCHGF, s->chg.mean, s->chg.sd, s->chg.coef) ||
	    !isfinite(s->chg.vec_cut))
		return "coefficient";
	if (ds_gbt_check(&s->slot.trees, DS_NSLOTF))
		return "trees";
	return NULL;
}

/* Binary payload: uint32 nfeat, nmodels, nslotf, has_slot, nchgf, has_chg;
 * the article models; the slot model; the change model. */
#define PAYLOAD_LEN                                                                  \
	(24 + sizeof(struct ds_scorer_model) * DS_NMODELS + sizeof(struct ds_slot_model) + \
	 sizeof(struct ds_chg_model))

struct ds_scorer *ds_scorer_load(const char *path, struct ds_err *err)
{
	struct ds_map map;
	const void *payload;
	size_t len;
	struct ds_scorer *s;
	const unsigned char *p;
	const char *wrong;
	uint32_t hdr[6];
	if (ds_bin_open(&map, path, DS_SCORER_KIND, DS_SCORER_VERSION, DS_BIN_REBUILD, &payload,
			&len, err))
		return NULL;
	p = payload;
	if (len < 24) {
		ds_err_set(err, DS_ECORRUPT, "%s: truncated scorer; rebuild it (" DS_BIN_REBUILD ")",
			   path);
		goto fail;
	}
	memcpy(hdr, p, 24);
	if (hdr[0] != DS_NFEAT || hdr[1] != DS_NMODELS || hdr[2] != DS_NSLOTF || hdr[3] > 1 ||
	    hdr[4] != DS_NCHGF || hdr[5] > 1 || len != PAYLOAD_LEN) {
		ds_err_set(err, DS_EVERSION,
			   "%s: scorer for %u article, %u slot and %u change features, this despin has "
			   "%d, %d and %d; rebuild it (" DS_BIN_REBUILD ")",
			   path, hdr[0], hdr[2], hdr[4], DS_NFEAT, DS_NSLOTF, DS_NCHGF);
		goto fail;
	}
	s = calloc(1, sizeof *s);
	if (!s) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(s->m, p + 24, sizeof s->m);
	memcpy(&s->slot, p + 24 + sizeof s->m, sizeof s->slot);
	memcpy(&s->chg, p + 24 + sizeof s->m + sizeof s->slot, sizeof s->chg);
	s->has_slot = (int)hdr[3];
	s->has_chg = (int)hdr[5];
	ds_map_close(&map);
	if ((wrong = invalid_part(s)) != NULL) {
		ds_err_set(err, DS_ECORRUPT, "%s: invalid %s; rebuild it (" DS_BIN_REBUILD ")", path,
			   wrong);
		free(s);
		return NULL;
	}
	return s;
fail:
	ds_map_close(&map);
	return NULL;
}

int ds_scorer_write_bin(const struct ds_scorer *s, const char *path, struct ds_err *err)
{
	/* on the heap: the payload (the slot trees) is a quarter of a
	 * megabyte, more than a thread's stack may hold */
	unsigned char *buf = malloc(PAYLOAD_LEN);
	uint32_t hdr[6] = {DS_NFEAT, DS_NMODELS, DS_NSLOTF, (uint32_t)(s->has_slot != 0),
			   DS_NCHGF, (uint32_t)(s->has_chg != 0)};
	int rc;
	if (!buf)
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", path);
	memcpy(buf, hdr, 24);
	memcpy(buf + 24, s->m, sizeof s->m);
	memcpy(buf + 24 + sizeof s->m, &s->slot, sizeof s->slot);
	memcpy(buf + 24 + sizeof s->m + sizeof s->slot, &s->chg, sizeof s->chg);
	rc = ds_bin_write(path, DS_SCORER_KIND, DS_SCORER_VERSION, buf, PAYLOAD_LEN, err);
	free(buf);
	return rc;
}

static int model_index(const char *name)
{
	for (int k = 0; k < DS_NMODELS; k++)
		if (strcmp(name, MODEL_NAMES[k]) == 0)
			return k;
	return -1;
}

static int feat_index(const char *name)
{
	for (int i = 0; i < DS_NFEAT; i++)
		if (strcmp(name, ds_feat_names[i]) == 0)
			return i;
	return -1;
}

static int slotf_index(const char *name)
{
	for (int i = 0; i < DS_NSLOTF; i++)
		if (strcmp(name, ds_slotf_names[i]) == 0)
			return i;
	return -1;
}

static int chgf_index(const char *name)
{
	for (int i = 0; i < DS_NCHGF; i++)
		if (strcmp(name, ds_chgf_names[i]) == 0)
			return i;
	return -1;
}

/* Why a scorer of an earlier format (index) weighs its features otherwise:
 * one reason for each format before DS_SCORER_TSV_VERSION. */
static const char *const OLD_FORMAT[] = {
	NULL,
	"gtop was the plain mean of the top gains",
	"a slot's gain and fluency were not counted from the article's median",
	"a slot's gain and gtop were counted from the article's median, not its lower quartile",
};

void ds_scorer_blank(struct ds_scorer *s)
{
	memset(s, 0, sizeof *s);
	for (int k = 0; k < DS_NMODELS; k++)
		for (int i = 0; i < DS_NFEAT; i++)
			s->m[k].sd[i] = 1;
	for (int i = 0; i < DS_NSLOTF; i++)
		s->slot.sd[i] = 1;
	for (int i = 0; i < DS_NCHGF; i++)
		s->chg.sd[i] = 1;
}

struct ds_scorer *ds_scorer_read_tsv(const char *path, struct ds_err *err)
{
	struct ds_tsv t;
	char *f[8];
	const char *wrong;
	int nf, header = 0, old = 0;
	struct ds_scorer *s;
	if (ds_tsv_open(&t, path, 1 << 20, err))
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s) {
		ds_tsv_close(&t);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	ds_scorer_blank(s);
	while ((nf = ds_tsv_next(&t, f, 8)) >= 0) {
		if (!header) {
			if (nf != 2 || strcmp(f[0], "despin-scorer") != 0)
				goto bad;
			if (strcmp(f[1], DS_SCORER_TSV_VERSION) != 0) {
				old = ds_old_format(f[1], DS_ARRAY_LEN(OLD_FORMAT));
				goto bad;
			}
			header = 1;
		} else if (nf == 3 && strcmp(f[0], "threshold") == 0) {
			int k = model_index(f[1]);
			if (k < 0 || ds_field_real(f[2], &s->m[k].threshold) ||
			    !(s->m[k].threshold >= 0 && s->m[k].threshold <= 1))
				goto bad;
		} else if (nf == 6 && strcmp(f[0], "coef") == 0 && strcmp(f[1], "slot") == 0) {
			if (coef_row(f, slotf_index(f[2]), s->slot.mean, s->slot.sd, s->slot.coef))
				goto bad;
			s->has_slot = 1;
		} else if (nf == 4 && strcmp(f[0], "trees") == 0 && strcmp(f[1], "slot") == 0 &&
			   strcmp(f[2], "base") == 0) {
			if (ds_field_real(f[3], &s->slot.trees.base))
				goto bad;
			s->has_slot = 1;
		} else if (nf == 3 && strcmp(f[0], "tree") == 0 && strcmp(f[1], "slot") == 0) {
			/* a tree starts at the next node: its row says which */
			struct ds_gbt *g = &s->slot.trees;
			long at;
			if (g->ntrees == DS_GBT_MAX_TREES ||
			    ds_field_long(f[2], 0, DS_GBT_MAX_NODES, &at) || (uint32_t)at != g->nnodes)
				goto bad;
			g->root[g->ntrees++] = g->nnodes;
		} else if (nf == 8 && strcmp(f[0], "node") == 0 && strcmp(f[1], "slot") == 0) {
			struct ds_gbt *g = &s->slot.trees;
			struct ds_gbt_node *nd;
			int leaf = strcmp(f[3], "-") == 0;
			long at, left, right;
			if (!g->ntrees || g->nnodes == DS_GBT_MAX_NODES ||
			    ds_field_long(f[2], 0, DS_GBT_MAX_NODES, &at) || (uint32_t)at != g->nnodes ||
			    (!leaf && slotf_index(f[3]) < 0) ||
			    ds_field_long(f[5], -1, DS_GBT_MAX_NODES, &left) ||
			    ds_field_long(f[6], -1, DS_GBT_MAX_NODES, &right))
				goto bad;
			nd = &g->node[g->nnodes++];
			nd->feat = leaf ? -1 : slotf_index(f[3]);
			if (ds_field_real(f[4], &nd->thr) || ds_field_real(f[7], &nd->value))
				goto bad;
			nd->left = (int32_t)left;
			nd->right = (int32_t)right;
		} else if (nf == 4 && strcmp(f[0], "cut") == 0 && strcmp(f[1], "change") == 0 &&
			   strcmp(f[2], "vec") == 0) {
			if (ds_field_real(f[3], &s->chg.vec_cut))
				goto bad;
		} else if (nf == 6 && strcmp(f[0], "coef") == 0 && strcmp(f[1], "change") == 0) {
			if (coef_row(f, chgf_index(f[2]), s->chg.mean, s->chg.sd, s->chg.coef))
				goto bad;
			s->has_chg = 1;
		} else if (nf == 6 && strcmp(f[0], "coef") == 0) {
			int k = model_index(f[1]);
			if (k < 0 || coef_row(f, feat_index(f[2]), s->m[k].mean, s->m[k].sd, s->m[k].coef))
				goto bad;
		} else {
			goto bad;
		}
	}
	ds_tsv_close(&t);
	if (!header) {
		free(s);
		ds_err_set(err, DS_EFORMAT, "%s: not a despin scorer file", path);
		return NULL;
	}
	/* what the binary loader refuses is refused here, so that no scorer
	 * read from text is built into one that will not load */
	if ((wrong = invalid_part(s)) != NULL) {
		free(s);
		ds_err_set(err, DS_EFORMAT, "%s: %s", path,
			   strcmp(wrong, "trees") == 0 ? "the slot model's trees are malformed"
						     : "an invalid coefficient");
		return NULL;
	}
	return s;
bad:
	ds_tsv_close(&t);
	free(s);
	if (old)
		ds_err_set(err, DS_EVERSION, "%s: a scorer of format %d, fitted when %s; refit it "
			   "(scripts/fit_scorer.sh)", path, old, OLD_FORMAT[old]);
	else
		ds_err_set(err, DS_EFORMAT, "%s:%d: malformed scorer line", path, t.lineno);
	return NULL;
}

int ds_scorer_write_tsv(const struct ds_scorer *s, const char *path, struct ds_err *err)
{
	struct ds_buf b = DS_BUF_INIT;
	struct ds_afile f;
	int rc;
	ds_buf_puts(&b, "despin-scorer\t" DS_SCORER_TSV_VERSION "\n");
	if (s->has_slot)
		for (int i = 0; i < DS_NSLOTF; i++)
			if (s->slot.coef[i] != 0)
				ds_buf_printf(&b, "coef\tslot\t%s\t%.9g\t%.9g\t%.9g\n", ds_slotf_names[i],
					      s->slot.mean[i], s->slot.sd[i], s->slot.coef[i]);
	if (s->has_slot && s->slot.trees.ntrees) {
		const struct ds_gbt *g = &s->slot.trees;
		ds_buf_printf(&b, "trees\tslot\tbase\t%.17g\n", g->base);
		for (uint32_t t = 0, i = 0; t < g->ntrees; t++) {
			const uint32_t end = t + 1 < g->ntrees ? g->root[t + 1] : g->nnodes;
			ds_buf_printf(&b, "tree\tslot\t%u\n", g->root[t]);
			for (; i < end; i++) {
				const struct ds_gbt_node *nd = &g->node[i];
				ds_buf_printf(&b, "node\tslot\t%u\t%s\t%.17g\t%d\t%d\t%.17g\n", i,
					      nd->feat < 0 ? "-" : ds_slotf_names[nd->feat], nd->thr,
					      nd->left, nd->right, nd->value);
			}
		}
	}
	if (s->has_chg)
		ds_buf_printf(&b, "cut\tchange\tvec\t%.6f\n", s->chg.vec_cut);
	if (s->has_chg)
		for (int i = 0; i < DS_NCHGF; i++)
			if (s->chg.coef[i] != 0)
				ds_buf_printf(&b, "coef\tchange\t%s\t%.9g\t%.9g\t%.9g\n", ds_chgf_names[i],
					      s->chg.mean[i], s->chg.sd[i], s->chg.coef[i]);
	for (int k = 0; k < DS_NMODELS; k++) {
		ds_buf_printf(&b, "threshold\t%s\t%.6f\n", MODEL_NAMES[k], s->m[k].threshold);
		for (int i = 0; i < DS_NFEAT; i++)
			if (s->m[k].coef[i] != 0)
				ds_buf_printf(&b, "coef\t%s\t%s\t%.9g\t%.9g\t%.9g\n", MODEL_NAMES[k],
					      ds_feat_names[i], s->m[k].mean[i], s->m[k].sd[i],
					      s->m[k].coef[i]);
	}
	if (!b.data)
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	rc = ds_afile_open(&f, path, err);
	if (!rc) {
		ds_afile_write(&f, b.data, b.len);
		rc = ds_afile_commit(&f, err);
	}
	ds_buf_free(&b);
	return rc;
}

/* ---- fitting ---- */

int ds_scorer_fit(struct ds_scorer_model *m, int model, const double *X, const int *y,
		  size_t n, double l2, double fp_rate, struct ds_err *err)
{
	int use[DS_NFEAT];
	double *scores;
	size_t k = 0, allowed;
	double floor_;
	int rc;
	memset(m, 0, sizeof *m);
	for (int i = 0; i < DS_NFEAT; i++)
		use[i] = ds_scorer_uses(model, i);
	rc = ds_logit_fit(X, y, n, DS_NFEAT, use, l2, m->mean, m->sd, m->coef, err);
	if (rc)
		return rc;
	/* threshold: at most fp_rate of the clean examples at or above it */
	scores = malloc(n * sizeof *scores);
	if (!scores)
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	for (size_t r = 0; r < n; r++)
		if (!y[r])
			scores[k++] = ds_logit_prob(X + r * DS_NFEAT, DS_NFEAT, m->mean, m->sd, m->coef);
	gsl_sort(scores, 1, k);
	allowed = (size_t)floor(fp_rate * (double)k);
	m->threshold = scores[k - 1 - allowed] + 1e-6;
	/* never under even odds: the probability is calibrated for an even
	 * prior (tune.h) */
	floor_ = model == DS_MODEL_SOURCE ? ds_tune_default.source_floor
					  : ds_tune_default.solo_floor;
	if (m->threshold < floor_)
		m->threshold = floor_;
	if (m->threshold > ds_tune_default.max_threshold)
		m->threshold = ds_tune_default.max_threshold;
	free(scores);
	return 0;
}

/* ---- the change model's cut ---- */

struct cut_row {
	double v;
	int y;
};

static int cmp_cut_row(const void *a, const void *b)
{
	double x = ((const struct cut_row *)a)->v, y = ((const struct cut_row *)b)->v;
	return x < y ? -1 : x > y;
}

/* Sides the lexicon relates neither directly nor in two steps (a function
 * word swapped for another is judged on its fluency instead). */
static int chg_unrelated(const double *x)
{
	return x[DS_CF_LEXW] == 0 && x[DS_CF_LEX2] == 0 && x[DS_CF_FUNC] == 0;
}

double ds_chg_vec_cut(const double *X, const int *y, size_t n)
{
	struct cut_row *r = malloc((n ? n : 1) * sizeof *r);
	size_t m = 0, npos = 0, nneg = 0, pos_below = 0, neg_below = 0;
	double best = 1, best_j = -1;
	if (!r)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const double *x = X + i * DS_NCHGF;
		/* the cut decides only rows ds_chg_weighed leaves to it (it
		 * takes them with no cut at all) */
		if (!chg_unrelated(x) || x[DS_CF_VECUNK] != 0 || ds_chg_weighed(x, HUGE_VAL))
			continue;
		r[m].v = x[DS_CF_VEC];
		r[m].y = y[i];
		npos += y[i] != 0;
		nneg += y[i] == 0;
		m++;
	}
	if (!npos) {
		free(r);
		return 1;
	}
	qsort(r, m, sizeof *r, cmp_cut_row);
	/* cut at r[k].v: rows under it are never spin */
	for (size_t k = 0; k <= m; k++) {
		if (k == 0 || k == m || r[k].v != r[k - 1].v) {
			double tpr = (double)(npos - pos_below) / (double)npos;
			double fpr = nneg ? (double)(nneg - neg_below) / (double)nneg : 0;
			if (tpr - fpr > best_j) {
				best_j = tpr - fpr;
				best = k < m ? r[k].v : 1;
			}
		}
		if (k < m) {
			pos_below += r[k].y != 0;
			neg_below += r[k].y == 0;
		}
	}
	free(r);
	return best;
}

size_t ds_chg_keep(double *X, int *y, size_t n, double cut)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const double *x = X + i * DS_NCHGF;
		if (!ds_chg_weighed(x, cut))
			continue;
		if (k != i) {
			memmove(X + k * DS_NCHGF, x, DS_NCHGF * sizeof *X);
			y[k] = y[i];
		}
		k++;
	}
	return k;
}
