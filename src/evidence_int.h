/*
 * evidence_int.h - private to the evidence files: the per-thread context
 * and the helpers they share.
 *
 *   evidence.c       the driver: context, ds_ev_compute, shared helpers
 *   evidence_lm.c    the language-model pass and span gains
 *   evidence_cand.c  candidate originals of a phrase from the lexicon
 *   evidence_solo.c  evidence without a source (slots, slot model, flags)
 *   evidence_src.c   evidence against an aligned source
 *   evidence_tpl.c   a spinner's templates left in the text
 */
#ifndef DS_EVIDENCE_INT_H
#define DS_EVIDENCE_INT_H

#include "evidence.h"
#include "lex.h"
#include "lm.h"
#include "tune.h"
#include "vec.h"

/* Phrases whose candidates a context keeps, over all the documents it
 * scores, before the cache starts again: a phrase's candidates depend on the
 * models only, and the words of one language recur from one article to the
 * next. */
#define CTAB_MAX 65536

struct ev_cand {
	ds_lm_id ids[DS_EV_MAX_WORDS];
	uint8_t ni;
	uint16_t sources;
	uint8_t related;     /* not an exact reverse pair (cand_related) */
	float weight;
	double half_logw;    /* 0.5 log10 of the weight (at least 0.01) */
	uint32_t text, len;  /* in ctext */
	/* what a slot whose best candidate this is reports, computed at the
	 * first such slot (best_done): corpus count, similarity to the phrase */
	uint8_t best_done;
	uint32_t freq;
	double vsim;
};

/* Marks, in ev_cand.sources, a candidate two lexicon steps away. */
#define DS_EV_SRC_TWOSTEP 0x100

struct ev_centry {
	uint32_t first, n;   /* its candidates in cands */
	uint32_t freq;       /* its corpus count */
	int known;           /* in the lexicon */
};

/* What a candidate search needs of a single word whatever the phrase: its
 * model id (DS_LM_UNK when the model does not know it or it is a function
 * word, neither of which is a related candidate), its unigram log10
 * probability and its word vector. */
struct ev_word {
	ds_lm_id id;
	double uni;
	struct ds_vec_word vw;  /* its word vector (x NULL: none) */
};
#define EV_WORDS_MAX 65536 /* words kept before the table starts again */

struct ds_ev_ctx {
	const struct ds_slot_model *sm;
	struct ds_gbt_flat *sm_flat;    /* sm's trees laid out for prediction
					 * (owned; NULL: walk sm's own) */
	const struct ds_chg_model *cm;  /* change model (NULL: fixed rules) */
	ds_ev_chg_fn chg_dump;
	void *chg_ud;
	const struct ds_solocal *sc;  /* flag calibration (NULL: none) */
	double flag_min;              /* the language model's flags listed from
				       * this probability (0: the default) */
	const struct ds_vec *vec;     /* word vectors (NULL: none) */
	ds_ev_slot_fn dump;
	void *dump_ud;
	const struct ds_lm *lm;
	const struct ds_lex *lex;
	struct ds_stemmer *st;
	struct ds_lm_seq seq;
	struct ds_lm_state *before;  /* state before each position */
	float *lp;                   /* log10 p of each position */
	int *nlen;                   /* n-gram length of each position */
	uint32_t *tokpos;            /* token -> position, or UINT32_MAX */
	size_t cap, tok_cap;
	float *gains;
	size_t gains_cap;
	float *probs;
	size_t probs_cap;
	float *ftmp;                 /* sort_floats' scratch, as long */
	size_t ftmp_cap;
	/* what slot_features counts a slot's own from: the article's
	 * lower-quartile slot gain and median log10 probability of a slot's
	 * word */
	double slot_gbase, slot_lpmed;
	/* the candidate originals of each phrase met, over the documents this
	 * context scores, so that a word is looked up and ranked once; emptied
	 * (with words) when ctab_max phrases are kept, and by ds_ev_set_vec */
	struct ds_strtab phrases; /* the phrases kept; an id is their index in ctab */
	struct ev_centry *ctab;   /* grown as phrases come, up to ctab_max */
	size_t ctab_used, ctab_cap, ctab_max;
	struct ev_centry spare;   /* the answer for a phrase not kept */
	struct ds_ev_cache_stats cstats;
	struct ds_ev_share *share; /* shared with other threads' contexts, or NULL */
	const struct ds_candtab *tab; /* precomputed candidates, or NULL */
	struct ev_cand *cands;
	size_t ncands, cands_cap;
	struct ds_buf ctext;
	struct ds_strtab words;   /* words met by the candidate search... */
	struct ev_word *wordv;    /* ...and what they are, by id in words */
	size_t wordv_cap;
	struct ds_lex_hit hits[DS_EV_MAX_LOOKUP];
	double hitkey[DS_EV_MAX_LOOKUP];
	char hitbuf[16384];
	/* the lexicon pairings of capitalised word pairs met (evidence_solo.c,
	 * compound_slot), over the documents this context scores; NULL until
	 * the first */
	struct ev_name_memo *names;
};

struct slot_best {
	double gain;         /* weighted gain of the best candidate */
	double raw;          /* its plain LM gain */
	double follow;       /* the part of it earned by the following tokens */
	double prob;         /* slot model: probability of a substitution */
	double p;            /* flag model: calibrated probability */
	uint32_t ncand;      /* candidates with a positive gain */
	uint16_t sources;    /* lexicon sources of the best pair */
	uint8_t related;     /* the best is not an exact reverse pair */
	uint8_t compound;    /* the best restores a compound name (DS_SF_COMPOUND) */
	double vsim;         /* distributional similarity of word and original */
	uint32_t freq_word, freq_orig;
	float weight;
	/* the two best single-word candidates, for pairs of spun neighbours */
	ds_lm_id top[DS_EV_PAIR_TOP + 1];
	float top_w[DS_EV_PAIR_TOP + 1];
	char top_txt[DS_EV_PAIR_TOP + 1][32];
	uint8_t ntop;
	uint32_t k;          /* tokens the slot spans */
	char orig[DS_LEX_MAX_PHRASE + 1];
};

/* True for a function word (w lower-case, n bytes). */
int ev_is_function_word(const char *w, size_t n);
/* Whether word a[0, al) abbreviates b[0, bl), a word or a phrase, with
 * no vowel ("pct" / "percent", "per centum"); whether both are number
 * words ("billion" / "million"): house style or a figure, never a
 * spinner's synonym (evidence_cand.c). */
int ev_abbreviates(const char *a, size_t al, const char *b, size_t bl);
int ev_number_words(const char *a, size_t al, const char *b, size_t bl);
/* The slot model's probability for slot features x: ds_slot_prob's, through
 * the trees laid out for prediction when the context has them. */
double ev_slot_prob(const struct ds_ev_ctx *c, const double x[DS_NSLOTF]);
/* Splits a phrase into model ids; returns the count, 0 if a word is unknown
 * or there are too many. */
size_t ev_phrase_ids(const struct ds_lm *lm, const char *p, size_t len, ds_lm_id *out);
/* Log10 gains of replacing positions [p0, p1) with each of n candidates,
 * scored side by side (see evidence_lm.c); follow (may be NULL) gets the
 * following tokens' part of each. */
void ev_span_gains(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *const *cand,
		   const size_t *nc, size_t n, double *gain, double *follow);
/* The same for one candidate. */
double ev_span_gain2(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
		     size_t nc, double *follow);
double ev_span_gain(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
		    size_t nc);
/* Lower-cased words of doc tokens [b, e) joined by spaces; 0 if too long. */
size_t ev_phrase_of(const struct ds_doc *d, uint32_t b, uint32_t e, char *out, size_t size);
/* Appends a flagged substitution to ev.  Returns 0 or DS_ENOMEM. */
int ev_add_sub(struct ds_ev *ev, const struct ds_doc *doc, uint32_t tb, uint32_t te,
	       const struct ds_doc *src, uint32_t sb, uint32_t se, const char *orig,
	       size_t olen, const char *why, double gain, float weight, int kind, int lexrel);

/* Scores doc with the language model: per-position state and log10
 * probability in c, fluency features in ev. */
int ev_lm_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev);
/* The fluency of the sentences al pairs with the source (ev's
 * paired_tokens, paired_logprob: their tokens), after ev_lm_pass. */
void ev_paired_fluency(const struct ds_ev_ctx *c, const struct ds_doc *doc,
		       const struct ds_align *al, struct ds_ev *ev);
/* The mean log10 probability per token of doc's sentences of at least
 * DS_ALIGN_MIN_WORDS words (ev's DS_F_LP when it has none), after
 * ev_lm_pass filled ev. */
double ev_sentence_fluency(const struct ds_ev_ctx *c, const struct ds_doc *doc,
			   const struct ds_ev *ev);
/* The mean log10 gain of each token's context over its unigram probability
 * (DS_F_CTX), after ev_lm_pass; only an article judged on its own needs
 * it. */
void ev_context_gain(struct ds_ev_ctx *c, struct ds_ev *ev);
/* Empties the candidate cache. */
void ev_cand_reset(struct ds_ev_ctx *c);
/* Best candidate original for the phrase of tokens [t, t + k); 0: none. */
int ev_best_candidate(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t, uint32_t k,
		      struct slot_best *best);
/* Which words of an article judged against its source ev_solo_pass gives
 * no candidates (while slots are dumped, every word gets them). */
enum ev_skip {
	EV_SKIP_NONE,    /* judged on its own: none skipped */
	EV_SKIP_COVERED, /* the words the source covers */
	EV_SKIP_ALL,     /* all: the rest is too short to judge alone */
	EV_SKIP_SHORT    /* the text is too short to judge: no slot at all,
			  * the fluency features only */
};
/* Solo evidence over doc; tokens with covered[t] set (covered may be NULL)
 * are not flagged, and those that skip (enum ev_skip) get no candidates:
 * the slot statistics are then those of the text the source does not
 * cover. */
int ev_solo_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const uint8_t *covered,
		 enum ev_skip skip, struct ds_ev *ev);
/* Evidence against src aligned by al; sets covered[t] for article tokens in
 * paired sentences. */
int ev_source_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		   const struct ds_align *al, uint8_t *covered, struct ds_ev *ev);
/* Flags every spinner's template left in doc ("{war|battle|conflict}": a
 * brace group of synonyms) as one substitution of kind DS_EV_TEMPLATE,
 * replacing the flags inside it, and counts them in ev->n_templates.
 * Nothing without a lexicon.  0 or DS_ENOMEM. */
int ev_template_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev);

#endif
