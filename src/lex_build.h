/*
 * lex_build.h - building the synonym-substitution lexicon (lex.h).
 *
 * Two steps, both run by scripts/lexicon.sh (make models):
 *
 *  1. ds_lex_build_tsv reads the thesauri and the clean corpus and writes the
 *     text source of truth, one pair a line:
 *
 *       original <TAB> substitute <TAB> weight <TAB> sources <TAB> senses
 *                <TAB> pos <TAB> freq_original <TAB> freq_substitute
 *
 *     sources is a comma list of ds_lex_sources_str names ("wordnet,mythes"),
 *     pos a string of n v a r letters or "-", frequencies are counts in the
 *     corpus.  Lines starting with '#' are comments.
 *
 *  2. ds_lex_build_bin compiles such a TSV (plus, optionally, a TSV of pairs
 *     observed in aligned spun/source texts: original <TAB> substitute
 *     [<TAB> count]) into the binary model, with WordNet's irregular forms
 *     for the morphology.
 *
 * Both write their output atomically.  Neither is thread-safe with respect to
 * its own arguments; they start no threads.
 */
#ifndef DS_LEX_BUILD_H
#define DS_LEX_BUILD_H

#include "lex.h"

struct ds_lex_build_opts {
	const char *wordnet_dir;  /* WordNet 3.0 database folder, or NULL */
	const char *mythes_path;  /* th_en_US_v2.dat, or NULL */
	const char *corpus_path;  /* clean text, one paragraph a line, or NULL */
	int numbers;              /* generate number words <-> digits, units */
	/* distributional neighbours (defaults when 0) */
	unsigned min_freq;        /* words seen fewer times are not targets (30) */
	unsigned min_phrase_freq; /* 2-3 word phrases seen fewer times (25) */
	unsigned max_phrases;     /* phrases kept as targets (6000) */
	unsigned neighbours;      /* neighbours kept per target (12) */
	float min_cosine;         /* (0.12) */
};

struct ds_lex_build_stats {
	uint64_t pairs;           /* lines written */
	uint64_t phrases;         /* distinct phrases */
	uint64_t wordnet, wn_rel, mythes, my_rel, dist, numbers, observed, inflected;
	uint64_t antonyms_dropped;
	uint64_t corpus_tokens, dist_targets;
	double seconds;
};

/* Writes the TSV source of truth to out_path. */
int ds_lex_build_tsv(const char *out_path, const struct ds_lex_build_opts *opts,
		     struct ds_lex_build_stats *stats, struct ds_err *err);

/* Compiles tsv_path (and observed_path, may be NULL) into the binary model
 * out_path; wordnet_dir (may be NULL) supplies the irregular forms. */
int ds_lex_build_bin(const char *tsv_path, const char *observed_path,
		     const char *wordnet_dir, const char *out_path,
		     struct ds_lex_build_stats *stats, struct ds_err *err);

#endif
