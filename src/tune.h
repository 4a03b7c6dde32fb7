/*
 * tune.h - every tunable of detection in one place: the struct ds_tune
 * with its defaults (ds_tune_default), and the compile-time limits that size
 * buffers.
 *
 * The values were set on the benchmark's training split; the fitted parts of
 * scoring live in models/scorer.tsv, not here.  ds_tune_default is read-only
 * and may be shared by threads.
 */
#ifndef DS_TUNE_H
#define DS_TUNE_H

#include <stddef.h>
#include <stdint.h>

/* Compile-time limits of the evidence pass (they size arrays). */
#define DS_EV_FOLLOW 3      /* tokens after a slot that share its gain */
#define DS_EV_MAX_LOOKUP 96 /* candidate originals looked up per phrase */
#define DS_EV_PAIR_TOP 3    /* candidates per word tried in pairs */
#define DS_EV_MAX_HITS 8    /* candidate originals tried per phrase */
#define DS_EV_MAX_WORDS 3   /* words per phrase on either side */
#define DS_EV_REL_VIA 3     /* words a two-step candidate search goes through */

struct ds_tune {
	/* candidates: corpus count above which a capitalised word may be a
	 * common word rather than a name */
	uint32_t name_freq;
	/* candidates beyond the exact pair: how many are kept per word, and
	 * the least distributional similarity (word vectors) they need */
	size_t rel_extra;
	double rel_min_sim;
	uint32_t rel_max_freq;  /* words this common (corpus count) get none */
	/* anomaly: a content word is out of place when its log10 probability
	 * in context is this far under its unigram probability */
	double anom_cut;
	/* a word is common when its log10 unigram probability in the corpus
	 * model is at least this (about its 200 most frequent words: 186 at
	 * -3.4, 249 at -3.5) */
	double common_cut;
	/* solo evidence: a slot is flagged at or above this probability of the
	 * slot model, or (without a slot model) this log10 gain */
	double flag_prob;
	double flag_gain;
	/* evidence with a source: log10 gain above which a small substitution
	 * the lexicon does not list still looks spun */
	double src_gain;
	/* evidence with a source: log10 gain above which a one-word swap that
	 * nothing relates (no lexicon pair, no two steps, vectors apart or
	 * unknown), in unchanged context, with no digit nor capitalised word,
	 * is weighed by the change model (ds_chg_weighed, in its fit too)
	 * instead of never counting ("It seems to me" -> "It mimics to me",
	 * "a face-to-face meeting" -> "a face-to-face russian"); 0: whenever
	 * the source's word reads likelier, the model then weighing how much
	 * (docs/README-bench.md, "Unrelated swaps that read worse") */
	double src_unrel_gain;
	/* evidence with a source: a function word swapped for words the
	 * lexicon does not relate ("however" for "but") is weighed by the
	 * change model only in unchanged context, in a sentence pair at least
	 * this similar, when the source's words read over this log10 gain
	 * likelier back in context (ds_chg_func_weighed); any other ("Iran's"
	 * -> "the", "a criminal" -> "an") never counts */
	double src_func_gain;
	double src_func_sim;
	/* detection: least alignment with a source for the source model to
	 * judge (sentence pairs, share of the article's words) */
	size_t min_pairs;
	double min_cover;
	/* ... or, with fewer pairs, this share of the article's words (a short
	 * article copied whole) */
	double min_cover_few;
	/* detection: least share of the article's words in sentences paired
	 * with the source for changes that are no evidence on their own to be
	 * flagged on the article's odds (a partial copy's pairs are loose: the
	 * alignment meets unrelated text there) */
	double cand_min_cover;
	/* detection: articles with fewer words are not judged (score 0) */
	size_t min_words;
	/* an article judged against its source: the words the source does not
	 * cover are judged on their own (candidate originals, model flags)
	 * when there are at least this many; fewer (a date line, a headline, a
	 * sentence the alignment left out) are too little to judge alone */
	size_t rest_min_words;
	/* batch direction: log likelihood ratio (natural log) by which one
	 * text must look the other's spun copy for the direction to be
	 * decided; under it the direction is uncertain */
	double direction_margin;
	/* ... without a change model: the difference of the two texts' mean
	 * log10 gains of the other's words back, weighed by the share of small
	 * changes */
	double direction_gain_margin;
	/* ... and the mean log10 probability per token by which the copy must
	 * read less fluently than the other on the sentences the two share (the
	 * whole text when none is shared): a spinner that checks
	 * its words against their context (or an editor bringing an old text's
	 * words up to date) leaves the copy as fluent as the original or more,
	 * and every fluency-based sign then points at the original; the text
	 * called the copy must be clearly the less fluent one */
	double direction_flu_margin;
	/* regression: standardised features are clipped to +-this */
	double logit_clip;
	/* scoring: fitted thresholds are kept within [floor, max].  The solo
	 * floor is even odds (its probabilities are calibrated for an even
	 * prior, and a solo verdict under it would be a guess); the source
	 * model's threshold is the fitted one (floor 0): its evidence is the
	 * changes' summed likelihood ratios against a known source */
	double solo_floor;
	double source_floor;
	double max_threshold;
};

#define DS_TUNE_DEFAULTS                                                              \
	{                                                                             \
		.name_freq = 30, .rel_extra = 4, .rel_min_sim = 0.3, .rel_max_freq = 3000, .anom_cut = -0.3, \
		.common_cut = -3.45,                                                   \
		.flag_prob = 0.65, .flag_gain = 1.5, .src_gain = 1.0, .src_unrel_gain = 0.0, \
		.src_func_gain = 0.5, .src_func_sim = 0.6, \
		.min_pairs = 3, .min_cover = 0.15, .min_cover_few = 0.5, .cand_min_cover = 0.5, .min_words = 40, .rest_min_words = 40, .logit_clip = 4.0, \
		.direction_margin = 6.0, .direction_gain_margin = 1.0,                 \
		.direction_flu_margin = 0.05,                                          \
		.solo_floor = 0.5, .source_floor = 0, .max_threshold = 0.99         \
	}

/* The defaults, as used by the library. */
extern const struct ds_tune ds_tune_default;

#endif
