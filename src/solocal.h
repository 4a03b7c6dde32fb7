/*
 * solocal.h - calibration of the judgement without a source: how sure each
 * model flag is, how sure the article's verdict is at its length, and the
 * shortest text worth judging.
 *
 * The slot model (evidence.h) ranks slots but is fitted with balanced
 * classes, so its output is no probability.  The flag model turns it, with
 * what the rest of the article says (its slots' mean probability, its share
 * of likely slots, its length), into the probability that the flagged words
 * are a spinner's substitution, fitted on unbalanced labelled slots.  The
 * article model turns the solo scorer's probability and the flags'
 * probabilities into the article's, with the length as a covariate, fitted
 * on whole articles and on paragraphs of every length.
 *
 * File: models/solo.tsv, written by scripts/fit_scorer.sh (scripts/fit_solo.py):
 *     despin-solo  3
 *     coef  flag     FEATURE  MEAN  SD  COEF     (names of ds_sc_flagf_names)
 *     coef  article  FEATURE  MEAN  SD  COEF     (names of ds_sc_artf_names)
 *     threshold  VALUE        (article probability of a "spun" verdict)
 *     min_words  N            (fewer words: not judged)
 *     anom_rate  R            (share of out-of-place content words, clean text)
 *     unseen_rate  R          (share of common-word pairs the model never
 *                              saw together, clean text)
 *     lm  FILE                (the language model of the models directory the
 *                              fit used, e.g. mix.bin; absent: lm.bin)
 *     fp_by_length  WORDS  RATE  (measured, for the record; ignored)
 *     calibrated  N  RATE     (the threshold was set by 'despin scorer
 *                              calibrate' on N clean texts, at most RATE
 *                              of them above it)
 * A feature not listed has coefficient 0; a model with no row is absent.
 *
 * A struct ds_solocal is read-only after loading and may be shared by
 * threads.
 */
#ifndef DS_SOLOCAL_H
#define DS_SOLOCAL_H

#include <stddef.h>

#include "util.h"

#define DS_SOLOCAL_FILE "solo.tsv"
/* Format 2: the flag model's gain is the slot model's, over the article's
 * median slot gain (evidence.h); format 3: over its lower-quartile slot
 * gain.  A file of an earlier format is refused. */
#define DS_SOLOCAL_VERSION "3"

/* The article model counts the flags at or above this probability (the
 * flags listed start lower: DS_FLAG_MIN_P of despin.h). */
#define DS_SC_ARTICLE_MIN_P 0.5

/* Features of a flag (one slot of an article). */
enum ds_sc_flagf {
	DS_FF_BIAS,
	DS_FF_SLOT,    /* log-odds of the slot model, clipped to +-8 */
	DS_FF_GAIN,    /* log10 gain of the proposed original, clipped to +-6 */
	DS_FF_LOGW,    /* log10 lexicon weight of the pair */
	DS_FF_PMEAN,   /* the article's mean slot probability */
	DS_FF_PHI,     /* the article's share of slots with probability > 0.5 */
	DS_FF_PTOP,    /* mean of the article's top tenth of slot probabilities */
	DS_FF_LOGLEN,  /* log(1 + words of the article) */
	DS_FF_MULTI,   /* a phrase on either side */
	DS_NFLAGF
};
extern const char *const ds_sc_flagf_names[DS_NFLAGF];

/* Features of an article judged without a source. */
enum ds_sc_artf {
	DS_AF_BIAS,
	DS_AF_BASE,    /* log-odds of the solo scorer, clipped to +-10 */
	DS_AF_LOGLEN,  /* log(1 + words) */
	DS_AF_BASELEN, /* DS_AF_BASE * DS_AF_LOGLEN: the slope changes with length */
	DS_AF_PSUM,    /* sum of the flags' probabilities per word */
	DS_AF_N8,      /* log(1 + flags with probability >= 0.8) */
	DS_AF_PMAX,    /* highest flag probability */
	DS_AF_ANOM,    /* out-of-place content words against clean text: the
			* z-score of their share under the clean rate */
	DS_AF_UNSEEN,  /* pairs of common words the model never saw together,
			* against clean text: the z-score of their share */
	DS_NARTF
};
extern const char *const ds_sc_artf_names[DS_NARTF];

struct ds_sc_model {
	double mean[16], sd[16], coef[16];
	int present;
};

struct ds_solocal {
	struct ds_sc_model flag, article;
	double threshold;      /* article probability of a spun verdict */
	double anom_rate;      /* share of out-of-place content words in clean text */
	double unseen_rate;    /* share of unseen common-word pairs in clean text */
	unsigned min_words;    /* fewer words: not judged */
	unsigned long calibrated_n; /* 'scorer calibrate': the clean texts the
				     * threshold was set on (0: the fit's) */
	double calibrated_fp;  /* and the share of them it lets through */
	char lm[64];           /* language model file the fit used ("": lm.bin) */
};

/* The fewest words a text is judged on: sc's min_words, else (sc NULL or
 * without the row) ds_tune_default.min_words.  A shorter text scores 0 and
 * gets no candidate search. */
unsigned ds_solocal_min_words(const struct ds_solocal *sc);

/* Reads the TSV; NULL with err set (naming the file and line).  Free with
 * free(). */
struct ds_solocal *ds_solocal_read(const char *path, struct ds_err *err);

/* Probability that a flag with features x[DS_NFLAGF] is a spinner's
 * substitution; -1 when there is no flag model. */
double ds_solocal_flag_p(const struct ds_solocal *sc, const double x[DS_NFLAGF]);

/* What the language-model pass counted in an article (struct ds_ev,
 * evidence.h). */
struct ds_sc_counts {
	size_t content, anom;  /* lower-case content words the model knows; of
				* them, those out of place in their context */
	size_t pairs, unseen;  /* adjacent common words; of them, pairs the
				* model never saw together */
};

/* Article features from the solo scorer's probability, the article's word
 * count, its flags' probabilities (p[0..np); those under
 * DS_SC_ARTICLE_MIN_P are not counted) and its counts n. */
void ds_solocal_article_x(const struct ds_solocal *sc, double base, size_t words,
			  const float *p, size_t np, const struct ds_sc_counts *n,
			  double x[DS_NARTF]);
/* The article's probability of being spun; base when there is no article
 * model. */
double ds_solocal_article_p(const struct ds_solocal *sc, double base, const double x[DS_NARTF]);

#endif
