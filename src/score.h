/*
 * score.h - from evidence features to a calibrated spin score.
 *
 * Two logistic-regression models over the features of evidence.h: "solo"
 * (no source known: the language-model and fluency features) and "source"
 * (a source was aligned: every feature).  Fitted by iteratively reweighted
 * least squares with GSL on labelled benchmark articles, so the output is a
 * probability on that mix; each model carries the threshold that keeps false
 * positives on clean training articles at or under 1%.
 *
 * Files: a TSV source of truth (models/scorer.tsv, written by fitting) and
 * its binary form (models/scorer.bin, binfmt kind "SCORER"), which the
 * detector loads.  TSV rows:
 *     despin-scorer  4
 *     threshold  MODEL  VALUE
 *     coef  MODEL  FEATURE  MEAN  SD  COEF
 * The slot model may instead be gradient-boosted trees (gbt.h), which then
 * decide alone:
 *     trees  slot  base  LOGODDS
 *     tree   slot  FIRST          (a tree starts at node FIRST)
 *     node   slot  I  FEATURE  THR  LEFT  RIGHT  VALUE
 * nodes numbered from 0 in order; FEATURE "-" for a leaf (VALUE added to
 * the log-odds), else x[FEATURE] <= THR goes to node LEFT, else RIGHT.
 * where MODEL is "solo" or "source" and FEATURE a name of ds_feat_names, or
 * MODEL is "slot" and FEATURE a name of ds_slotf_names (the slot model,
 * fitted first: its probabilities feed the article models), or MODEL is
 * "change" and FEATURE a name of ds_chgf_names (the change model: is a
 * change against the source a spinner's or an editor's; its log odds are
 * the log likelihood ratios summed in DS_F_LLR); a feature not listed has
 * coefficient 0.  The change model's cut on word-vector similarity:
 *     cut  change  vec  VALUE
 *
 * Format 2: gtop counts over the article's median slot gain.  Format 3:
 * the slot model's gain and lpslot count from the article's median slot
 * (evidence.h).  Format 4: the slot gain and gtop count from the article's
 * lower-quartile slot gain.  A file of an earlier format weighs features
 * this despin computes otherwise and is refused, with the way to refit it.
 *
 * A struct ds_scorer is read-only after loading and may be shared by threads.
 */
#ifndef DS_SCORE_H
#define DS_SCORE_H

#include "evidence.h"
#include "logit.h"

/* binary; 5: gtop over the median (TSV format 2); 6: slot gain and
 * fluency over the article's median (TSV format 3); 7: the change
 * feature plain; 8: the slot feature compound; 9: slot gain and gtop over
 * the lower quartile (TSV format 4); 10: the slot model's trees */
#define DS_SCORER_VERSION 10
#define DS_SCORER_TSV_VERSION "4"
#define DS_SCORER_KIND "SCORER"

enum { DS_MODEL_SOLO = 0, DS_MODEL_SOURCE = 1, DS_NMODELS = 2 };

struct ds_scorer_model {
	double mean[DS_NFEAT];
	double sd[DS_NFEAT];
	double coef[DS_NFEAT];
	double threshold;
	double pad;
};

struct ds_scorer {
	struct ds_scorer_model m[DS_NMODELS];
	struct ds_slot_model slot;  /* all zero: no slot model */
	int has_slot;
	struct ds_chg_model chg;    /* all zero: no change model */
	int has_chg;
};

/* Features each model uses (1) or ignores (0). */
int ds_scorer_uses(int model, int feat);

/* Sets *s to a scorer of no coefficients, every sd 1, no slot or change
 * model: what the readers start from and a fit fills in. */
void ds_scorer_blank(struct ds_scorer *s);

/* Loads models/scorer.bin; NULL with err set. Free with free(). */
struct ds_scorer *ds_scorer_load(const char *path, struct ds_err *err);
/* Reads the TSV form; NULL with err set (naming the file and line). */
struct ds_scorer *ds_scorer_read_tsv(const char *path, struct ds_err *err);
int ds_scorer_write_tsv(const struct ds_scorer *s, const char *path, struct ds_err *err);
int ds_scorer_write_bin(const struct ds_scorer *s, const char *path, struct ds_err *err);

/* Probability that an article with features f is spun, by model. */
double ds_scorer_prob(const struct ds_scorer *s, int model, const double f[DS_NFEAT]);

/* Fits one model on n examples: rows of DS_NFEAT features in X, labels y
 * (1 spun, 0 clean), with L2 penalty l2 on the standardised coefficients.
 * Sets mean, sd, coef and the threshold of at most fp_rate false positives
 * on the clean examples.  Returns 0, DS_EINVAL (no examples of a class) or
 * DS_EFORMAT (did not converge). */
int ds_scorer_fit(struct ds_scorer_model *m, int model, const double *X, const int *y,
		  size_t n, double l2, double fp_rate, struct ds_err *err);

/* The change model's cut on word-vector similarity, from n rows of
 * DS_NCHGF change features X with labels y (1 a spinner's): among the
 * changes with no lexicon relation, even in two steps, that are not
 * function-word swaps, that ds_chg_weighed does not take whatever the cut
 * (a plain one-word swap), and with known vectors,
 * the similarity that best parts spinner's from editor's (the most true
 * positive rate over false positive rate, classes weighed equally); 1 when
 * no such change is a spinner's. */
double ds_chg_vec_cut(const double *X, const int *y, size_t n);
/* Moves to the front the rows the detector weighs with this cut
 * (ds_chg_weighed) and returns how many. */
size_t ds_chg_keep(double *X, int *y, size_t n, double cut);

#endif
