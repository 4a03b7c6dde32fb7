/*
 * evidence.h - what points to spinning in one article: substitutions judged
 * against a source, language-model gains of putting likely originals back
 * (with or without a source), and fluency statistics for round-trip
 * translation garble.  The result is a feature vector (score.h turns it into
 * a score) and a list of flagged substitutions with their evidence.
 *
 * Thread rules: a struct ds_ev_ctx holds per-thread scratch (a stemmer,
 * buffers) over read-only models; give each thread its own.
 */
#ifndef DS_EVIDENCE_H
#define DS_EVIDENCE_H

#include "align.h"
#include "gbt.h"
#include "text.h"

struct ds_lm;
struct ds_lex;
struct ds_stemmer;

/* Features of an article (indices into a double[DS_NFEAT]). */
enum ds_feat {
	DS_F_BIAS,        /* 1 */
	DS_F_LOGLEN,      /* log(1 + words) */
	DS_F_SLOTS,       /* share of words with candidate originals */
	DS_F_G05,         /* share of candidate slots with gain > 0.5 */
	DS_F_G1,          /* ... > 1 */
	DS_F_G2,          /* ... > 2 */
	DS_F_GMEAN,       /* mean positive gain over candidate slots */
	DS_F_GMED,        /* median gain over candidate slots */
	DS_F_GREL,        /* share of slots with gain > lower quartile + 1 */
	DS_F_LP,          /* mean log10 probability per token */
	DS_F_OOV,         /* share of out-of-vocabulary tokens */
	DS_F_FUNC,        /* share of improbable function-word trigrams */
	DS_F_UNI,         /* share of tokens scored by unigrams only */
	DS_F_PHRASE,      /* share of slots won by a multi-word phrase, gain > 1 */
	DS_F_CTX,         /* mean log10 gain of the context over the unigram */
	DS_F_LOWOOV,      /* share of lower-case words unknown to the model */
	DS_F_GTOP,        /* mean of the top tenth of slot gains, over the lower quartile */
	DS_F_F05,         /* share of slots whose following tokens gain > 0.5 */
	DS_F_FMEAN,       /* mean positive gain of the following tokens */
	DS_F_PMEAN,       /* mean probability that a slot is a substitution */
	DS_F_PHI,         /* share of slots with probability > 0.5 */
	DS_F_PTOP,        /* mean of the top tenth of slot probabilities */
	DS_F_PSUM,        /* expected substitutions per word */
	DS_F_PHI8,        /* share of words whose slot probability is > 0.8 */
	DS_F_HAS_SRC,     /* 1 when a source was aligned */
	DS_F_COVER,       /* share of article words in sentences paired with it */
	DS_F_MATCHED,     /* share of paired words identical to the source */
	DS_F_SUBRATE,     /* words in spinner-like substitutions / article words */
	DS_F_EDITRATE,    /* words in any substitution or insertion / paired words */
	DS_F_SUBREL,      /* share of small substitutions related in the lexicon */
	DS_F_SUBGAIN,     /* mean gain of small substitutions */
	DS_F_NAMES,       /* names changed / paired words */
	DS_F_SMALL,       /* share of edits that are small substitutions */
	DS_F_SPINSHARE,   /* words in spinner-like substitutions / words changed */
	DS_F_BIGSHARE,    /* words in rewritten runs of more than 3 words / words changed */
	DS_F_DENSITY,     /* small substitutions per paired word */
	DS_F_LLR,         /* sum of the changes' log likelihood ratios, spinner
			   * against editor (change model; 0 without one) */
	DS_F_NCHG,        /* changes weighed by the change model */
	DS_F_NFLAG,       /* of them, those the model gives p >= 0.5 (flagged) */
	DS_NFEAT
};

/* Feature names, for the scorer's files and --features output. */
extern const char *const ds_feat_names[DS_NFEAT];

/* Features of one slot (a word or phrase with candidate originals), for
 * the slot model: how likely it is that a spinner put it there. */
enum ds_slot_feat {
	DS_SF_BIAS,
	DS_SF_GAIN,     /* log10 gain of the best candidate original, over the
			 * article's lower-quartile slot gain */
	DS_SF_FOLLOW,   /* the part of it earned by the following tokens */
	DS_SF_WGAIN,    /* gain weighted by the lexicon weight */
	DS_SF_LOGW,     /* log10 lexicon weight of the pair */
	DS_SF_LFW,      /* log10(1 + corpus count) of the word */
	DS_SF_LFO,      /* log10(1 + corpus count) of the original */
	DS_SF_CAP,      /* capitalised */
	DS_SF_MULTI,    /* a phrase on either side */
	DS_SF_LPSLOT,   /* log10 probability of the word in its context, over
			 * the article's median slot word's */
	DS_SF_FUNC,     /* a function word */
	DS_SF_DIST,     /* the pair comes from corpus neighbours only */
	DS_SF_NCAND,    /* candidates with a positive gain */
	DS_SF_LOGLEN,   /* log(1 + words of the article): for the flag model */
	DS_SF_RELATED,  /* the original is not an exact reverse pair of the lexicon */
	DS_SF_VSIM,     /* distributional similarity of word and original (0 unknown) */
	DS_SF_COMPOUND, /* two capitalised words whose original is a compound the
			 * lexicon holds and they are not ("the Safety Council" ->
			 * "security council"): a name a spinner broke */
	DS_NSLOTF
};
extern const char *const ds_slotf_names[DS_NSLOTF];

/* The slot model: logistic regression (mean, sd, coef), or, when
 * trees.ntrees > 0, gradient-boosted trees over the same features, which
 * then decide alone. */
struct ds_slot_model {
	double mean[DS_NSLOTF], sd[DS_NSLOTF], coef[DS_NSLOTF];
	struct ds_gbt trees;
};

/* The slot model's probability that a slot of features x is a spinner's
 * substitution, and its log-odds. */
double ds_slot_prob(const struct ds_slot_model *sm, const double x[DS_NSLOTF]);
double ds_slot_logit(const struct ds_slot_model *sm, const double x[DS_NSLOTF]);

/* Features of one change against the source (a small substitution found
 * by the alignment), for the change model: spinner against editor.  They
 * avoid the lexicon's own pairs where they can, so that they carry over to
 * thesauri the lexicon lacks. */
enum ds_chg_feat {
	DS_CF_BIAS,
	DS_CF_LEXW,     /* lexicon weight of the pair, either direction */
	DS_CF_LEX2,     /* related in two steps through the lexicon */
	DS_CF_VEC,      /* cosine of the word vectors (0 when unknown) */
	DS_CF_VECUNK,   /* a side has no word vector */
	DS_CF_GAIN,     /* log10 gain of the source's words back in context */
	DS_CF_FREQD,    /* log10 corpus count of the source's words over the article's */
	DS_CF_ONE,      /* one word for one word */
	DS_CF_CTX,      /* the words either side are the same in both texts */
	DS_CF_SIM,      /* similarity of the sentence pair */
	DS_CF_NW,       /* words on both sides */
	DS_CF_FUNC,     /* a side is function words only */
	DS_CF_RUN,      /* part of a run of word-for-word swaps */
	DS_CF_PLAIN,    /* no digit, nor capitalised word inside a sentence, on
			 * either side; not a regressor (its coefficient stays
			 * 0): it says which changes ds_chg_weighed takes */
	DS_NCHGF
};
extern const char *const ds_chgf_names[DS_NCHGF];

struct ds_chg_model {
	double mean[DS_NCHGF], sd[DS_NCHGF], coef[DS_NCHGF];
	/* a change the lexicon does not relate, even in two steps, whose word
	 * vectors are less similar than this (or unknown) is never spin
	 * evidence (fitted: the cut that best parts such changes, spinner's
	 * from editor's, on the training changes) */
	double vec_cut;
	double pad;
};

/* True when a function word swapped for words the lexicon does not relate
 * is weighed by the change model: a swap in unchanged context (ctx, as
 * DS_CF_CTX, 1) of a closely paired sentence (sim, as DS_CF_SIM, at least
 * ds_tune's src_func_sim) that the source's words read likelier in (gain,
 * as DS_CF_GAIN, over src_func_gain): "but" -> "however".  Any other is
 * never spin evidence: "Iran's" -> "the", a clause rewritten round it. */
int ds_chg_func_weighed(double gain, double ctx, double sim);

/* True when the change model weighs the change x (DS_NCHGF features) at
 * all, with the fitted word-vector cut; the detector and the fit
 * (ds_chg_keep) both ask it, so the model is fitted on what it judges:
 * - a function word swapped for words the lexicon does not relate: as
 *   ds_chg_func_weighed says;
 * - sides the lexicon relates, directly or in two steps: always;
 * - others: when their word vectors are at least vec_cut alike, or when it
 *   is a plain (DS_CF_PLAIN) one-word swap in unchanged context that the
 *   source's word reads likelier in (gain over ds_tune's src_unrel_gain),
 *   what a thesaurus the lexicon lacks does ("russian" for "meeting").
 * Any other is never spin evidence: "did" -> "talks", a clause rewritten. */
int ds_chg_weighed(const double x[DS_NCHGF], double vec_cut);

/* Receives each change's features (for fitting the change model): byte
 * offsets in the article. */
typedef void (*ds_ev_chg_fn)(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
			     const double x[DS_NCHGF]);

/* Receives each slot's features (for fitting the slot model). */
typedef void (*ds_ev_slot_fn)(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
			      const double x[DS_NSLOTF]);

enum ds_ev_kind {
	DS_EV_SOURCE = 1, /* a substitution against the source */
	DS_EV_MODEL = 2,  /* the language model prefers a likely original */
	DS_EV_TEMPLATE = 3 /* a spinner's template left unresolved: "{war|battle}" */
};

/* ds_ev_sub.cand */
enum { DS_EV_CAND = 1, DS_EV_CAND_NEVER = 2 };

/* One flagged substitution. */
#define DS_EV_NO_CASED UINT32_MAX

struct ds_ev_sub {
	uint32_t start, end;        /* byte offsets in the article */
	uint32_t src_start, src_end;/* byte offsets in the source (DS_EV_SOURCE) */
	uint32_t tok_begin, tok_end;/* article tokens */
	uint32_t orig;              /* offset of the proposed original in strs */
	uint32_t cased;             /* offset of the original as the source
				     * writes it, or DS_EV_NO_CASED */
	uint32_t why;               /* offset of the explanation in strs */
	float gain;                 /* log10 gain of putting the original back */
	float weight;               /* lexicon weight of the pair (0 if none) */
	float p;                    /* probability that it is a spinner's swap,
				     * or -1 when no model gives one */
	uint8_t kind;               /* enum ds_ev_kind */
	uint8_t lexrel;             /* 1 when the lexicon relates the pair */
	uint8_t cand;               /* DS_EV_CAND: a flag only if the article's
				     * odds make it a spinner's, or if it is among
				     * the changes a verdict of spun rests on;
				     * DS_EV_CAND_NEVER: a change that is never
				     * evidence (DS_EV_SOURCE; see ds_detect) */
	uint8_t src_first;          /* 1 when the source's span opens its sentence */
	uint8_t under_floor;        /* a model flag under the default floor,
				     * listed on request (ds_ev_set_flag_min):
				     * nothing the verdict rests on reads it */
};

struct ds_ev {
	double f[DS_NFEAT];
	struct ds_ev_sub *subs;
	size_t nsubs, subs_cap;
	struct ds_buf strs;         /* originals and explanations, NUL-separated */
	size_t n_slots;             /* words with candidate originals */
	size_t n_content;           /* lower-case content words the model knows */
	size_t n_anom;              /* of them, those far less likely in context
				     * than their frequency predicts */
	size_t n_pairs;             /* adjacent words of a sentence, both common
				     * in the corpus model (ds_tune.common_cut) */
	size_t n_unseen;            /* of them, pairs the corpus model (a
				     * mixture's first component) never saw
				     * together: it backs off to the unigram */
	size_t n_templates;         /* a spinner's templates left in the text */
	size_t n_tokens;            /* tokens scored by the language model */
	double logprob;             /* their total log10 probability */
	/* against a source: the tokens of the sentences the alignment pairs
	 * with it, and their total log10 probability (0 without a source) */
	size_t paired_tokens;
	double paired_logprob;
};

struct ds_ev_ctx;

/* Probability given to flags against a source: a fixed value, not fitted per
 * flag, set from the share of such flags that are the spinner's on held-out
 * families (8,611 of 8,611, 'EVAL_QUICK=1 make eval'), lower when the
 * lexicon does not list the pair. */
#define DS_EV_SOURCE_P_REL 0.99
#define DS_EV_SOURCE_P 0.9
/* Probability given to a spinner's template left in the text (a brace
 * group of synonyms, "{war|battle|conflict}"): none of the 1,730 distinct
 * brace groups with bars in the manuals, documentation, licences and
 * headers of a Debian system passes the test (evidence_tpl.c;
 * 'scripts/eval_templates.py --system'), nor any of the clean news and
 * mail of the corpus (it holds one group, "{start|stop|restart|status}").
 * At most 3 in 1,730 would pass at 95% confidence; the value rounds down. */
#define DS_EV_TEMPLATE_P 0.99
/* Probability given to a group written as a template ("{valley|gorge}")
 * whose alternatives the thesaurus does not link, in an article holding a
 * linked one: its evidence is the article's rather than its own.  Every
 * such group is a template in the articles of 'scripts/eval_templates.py'
 * (a thesaurus the lexicon was not built from); no text of the system's
 * with groups of the kind holds a linked one, so none was seen false. */
#define DS_EV_TEMPLATE_FORM_P 0.9

/* Creates per-thread scratch over the models (lex may be NULL: no
 * candidates, fluency features only).  NULL when out of memory. */
struct ds_ev_ctx *ds_ev_ctx_new(const struct ds_lm *lm, const struct ds_lex *lex);
/* Slot probabilities come from sm (NULL: none; the slot features stay 0).
 * Its trees are laid out for prediction here, once (ds_gbt_flat_new): a
 * change to sm's trees after this call is not seen until it is made
 * again. */
void ds_ev_set_slot_model(struct ds_ev_ctx *c, const struct ds_slot_model *sm);
/* Every slot's features go to fn as well (NULL: off). */
void ds_ev_set_slot_dump(struct ds_ev_ctx *c, ds_ev_slot_fn fn, void *ud);
/* Changes against a source are weighed by cm (NULL: by fixed rules, and
 * DS_F_LLR stays 0); every change's features go to fn (NULL: off). */
void ds_ev_set_change_model(struct ds_ev_ctx *c, const struct ds_chg_model *cm);
void ds_ev_set_change_dump(struct ds_ev_ctx *c, ds_ev_chg_fn fn, void *ud);
/* Flag probabilities come from sc's flag model (NULL or no flag model:
 * the slot model's output is the flags' p). */
struct ds_solocal;
void ds_ev_set_solocal(struct ds_ev_ctx *c, const struct ds_solocal *sc);
/* Word vectors: candidates beyond the lexicon's exact pairs, and the
 * relatedness of a change's two sides (NULL: none). */
struct ds_vec;
void ds_ev_set_vec(struct ds_ev_ctx *c, const struct ds_vec *vec);
void ds_ev_ctx_free(struct ds_ev_ctx *c);

/* The context's cache of candidate originals: it keeps up to 'max' phrases
 * (single words and the lexicon's phrases), over all the documents the
 * context scores, and starts again empty when full.  Results do not depend
 * on it. */
struct ds_ev_cache_stats {
	uint64_t hits, misses;  /* look-ups of a phrase kept / not kept */
	uint64_t resets;        /* times the full cache was emptied */
	size_t used, max;       /* phrases kept now; the bound */
	uint64_t shared_hits;   /* of the misses, those the shared cache answered */
	uint64_t table_hits;    /* of the misses, those the candidate table answered */
	/* pairs of capitalised words read as a broken name: their lexicon
	 * pairings found kept / looked up */
	uint64_t name_hits, name_misses;
};
void ds_ev_cache_stats(const struct ds_ev_ctx *c, struct ds_ev_cache_stats *out);
/* The language model's flags of the next computations: from the default
 * floor (DS_FLAG_MIN_P with a flag calibration, ds_tune_default.flag_prob
 * on the slot model's output without), or from p when p is lower (0: the
 * default), those under the default marked (ds_ev_sub.under_floor).  The
 * article's features do not depend on it. */
void ds_ev_set_flag_min(struct ds_ev_ctx *c, double p);
/* Sets the bound (0: the default, CTAB_MAX of evidence_int.h) and empties
 * the cache.  Returns 0, or DS_EINVAL for a bound past UINT32_MAX / 2. */
int ds_ev_set_cache_size(struct ds_ev_ctx *c, size_t max);
/* A candidate cache that the contexts of several threads share: what one
 * thread looked up in the lexicon, another copies instead of looking it up
 * again.  Behind a mutex; used once two contexts are attached (one context
 * has its own cache).  A context uses it only with the language model,
 * lexicon and word vectors of the first context attached.  Owned by the
 * caller, who frees it after every context attached to it. */
struct ds_ev_share;
struct ds_ev_share *ds_ev_share_new(void);
void ds_ev_share_free(struct ds_ev_share *s);
/* Forgets what it holds and the models it served (they changed: the next
 * context attached names them). */
void ds_ev_share_clear(struct ds_ev_share *s);
/* Attaches c to s (NULL: detaches). */
void ds_ev_set_share(struct ds_ev_ctx *c, struct ds_ev_share *s);

/* Candidates computed once when the models were built (candtab.h): a
 * phrase the table holds is copied from it instead of searched for.  The
 * caller gives a table built from the context's models (ds_candtab_matches)
 * or NULL (none); results do not depend on it.  Owned by the caller. */
struct ds_candtab;
/* The version of the candidate search (evidence_cand.c): a change to what
 * the search finds changes it. */
#define DS_EV_CAND_ALGO 1
/* What a table records of the search that filled it: DS_EV_CAND_ALGO in
 * the top byte, and below it a digest of the limits and settings the
 * search runs with (DS_EV_MAX_HITS, DS_EV_MAX_LOOKUP, DS_EV_REL_VIA, the
 * ds_tune_default rel_* values), so that a table built before one of them
 * changed goes unused until rebuilt instead of answering with the old
 * lists (a table keeps each phrase's candidates cut to DS_EV_MAX_HITS). */
uint32_t ds_ev_cand_algo(void);
void ds_ev_set_candtab(struct ds_ev_ctx *c, const struct ds_candtab *t);
/* Searches the candidates of phrase p[0..len) as detection does without a
 * table, and adds them to b (a phrase no slot can be, a several-word
 * phrase the lexicon does not hold, is not added).  0 or a DS_E* code. */
struct ds_candtab_builder;
int ds_ev_candtab_add(struct ds_ev_ctx *c, struct ds_candtab_builder *b, const char *p,
		      size_t len);

/* The context's stemmer (for ds_doc_stem). */
struct ds_stemmer *ds_ev_stemmer(struct ds_ev_ctx *c);

/* True when an article aligned to its source by al, with evidence ev from
 * ds_ev_compute, is judged against that source: the source shares enough
 * of it (DS_F_COVER, ds_tune's min_pairs, min_cover and min_cover_few).
 * Otherwise it is judged on its own. */
int ds_ev_uses_source(const struct ds_align *al, const struct ds_ev *ev);

/* Computes the evidence for doc, against src/al when both are given (src
 * and al NULL: solo).  doc must be stemmed.  ev is reset first; release it
 * with ds_ev_clear.  An article judged against its source
 * (ds_ev_uses_source) gets no candidate originals in the text the source
 * covers (they would neither be flagged nor score it), nor in the rest
 * when it holds fewer than ds_tune's rest_min_words words, unless slots
 * are being written out (ds_ev_set_slot_dump).  Returns 0 or DS_ENOMEM. */
int ds_ev_compute(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		  const struct ds_align *al, struct ds_ev *ev);
void ds_ev_clear(struct ds_ev *ev);
/* The language-model pass of ds_ev_compute alone: *lp gets doc's mean log10
 * probability per token (unknown words included) over its sentences of
 * DS_ALIGN_MIN_WORDS words or more ("Really?" "Yes." say nothing of how
 * fluent a text is, and common words make them probable), DS_F_LP when it
 * has none; with no candidate search.  Returns 0 or DS_ENOMEM. */
int ds_ev_fluency(struct ds_ev_ctx *c, const struct ds_doc *doc, double *lp);

static inline const char *ds_ev_str(const struct ds_ev *ev, uint32_t off)
{
	return ev->strs.data ? ev->strs.data + off : "";
}

#endif
