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

/* ---- the binary payload (after the binfmt header), shared with lex.c ----
 * Sections are 8-byte aligned; offsets count from the payload start.
 * Phrases are sorted by text; phrase i's pairs as original are edges
 * [ph[i].fwd, ph[i+1].fwd) (sorted by weight, best first) and as substitute
 * rev[ph[i].rev .. ph[i+1].rev) (edge indices, best first).  Stem groups
 * list the phrases sharing a stem key in member[stem[g].begin ..
 * stem[g+1].begin).  Hash tables use open addressing with linear probing on
 * ds_hash64(text, hash_seed); a slot holds index + 1, 0 when empty; the
 * irregular-form tables may hold several entries with one key. */
struct ds_lex_hdr {
	uint64_t hash_seed;
	uint64_t nphrase, nedge, nstem, nexc, pool_len;
	uint64_t phash_cap, shash_cap, xform_cap, xbase_cap;
	uint64_t off_phrase, off_edge, off_rev, off_stem, off_member, off_exc;
	uint64_t off_phash, off_shash, off_xform, off_xbase, off_pool;
};

struct ds_lex_phrase {      /* nphrase + 1 entries (the last one ends ranges) */
	uint32_t off;       /* text in pool, NUL-terminated */
	uint16_t len;
	uint8_t pos;        /* union of its pairs' parts of speech */
	uint8_t nwords;
	uint32_t fwd, rev;
	uint32_t stem;      /* stem group */
	uint32_t freq;      /* corpus count */
};

struct ds_lex_edge {
	uint32_t orig, subst;
	float weight;
	uint16_t sources;
	uint8_t senses;
	uint8_t pos;
};

struct ds_lex_stem {        /* nstem + 1 entries */
	uint32_t off;
	uint16_t len, pad;
	uint32_t begin, pad2;
};

struct ds_lex_exc {         /* irregular form -> base, one part of speech */
	uint32_t form_off;
	uint16_t form_len;
	uint8_t pos, pad;
	uint32_t base_off;
	uint16_t base_len, pad2;
};

/* Wraps a payload built in memory (taken over: freed by ds_lex_free). */
struct ds_lex *ds_lex_from_payload(void *payload, size_t len, struct ds_err *err);
/* Stem key of a phrase (stems of its words joined by spaces) into buf;
 * returns its length or -1. */
int ds_lex_stem_key(struct ds_stemmer *st, const char *s, size_t n, char *buf, size_t size);

#endif
