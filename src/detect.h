/*
 * detect.h - internal entry points of the detection layer, for the command
 * line's training tools (the public API is in despin.h).
 */
#ifndef DS_DETECT_H
#define DS_DETECT_H

#include "despin.h"

/* Like ds_models_open; with need_scorer 0 a missing scorer.bin is not an
 * error (results then score 0): used to compute features for fitting.  A
 * scorer.bin that is there but does not load (an older version, damaged)
 * is an error either way. */
struct ds_models *ds_models_open_opt(const char *dir, int need_scorer, struct ds_err *err);
/* Same, with the language model ds_models_load_lm loads. */
struct ds_models *ds_models_open_lm(const char *dir, const char *lm_file, int need_scorer,
				    struct ds_err *err);
/* ds_models_open_lm as ds_models_open_many opens them: for a process that
 * goes on to judge many articles (a scan of a folder, a stream, a worker),
 * each model file mapped where the kernel's 2 MB folios of it map whole
 * (ds_map_whole_folios). */
struct ds_models *ds_models_open_lm_many(const char *dir, const char *lm_file, int need_scorer,
					 struct ds_err *err);
/* Loads the language model of the models folder dir that detection uses:
 * lm_file (e.g. mix.bin, the mixture with the background model) when given,
 * an error if it cannot be loaded; else the one the scorer was fitted with
 * (the lm row of solo.tsv, written with the scorer; default lm.bin).  When
 * that one cannot be read (a missing file or mixture component: the
 * background model needs pocketsphinx-en-us), loads lm.bin instead and
 * writes a sentence saying so into note (n bytes, NUL-terminated; "" when
 * nothing was replaced; note may be NULL).  The caller frees the model. */
struct ds_lm *ds_models_load_lm(const char *dir, const char *lm_file, char *note, size_t n,
				struct ds_err *err);
/* The language model of m. */
const struct ds_lm *ds_models_lm(const struct ds_models *m);
/* Adds lm (taken over, also on failure) to m's language model as one more
 * mixture component with weights w (lm.h; NULL: equal share).  Call before
 * any detector is made from m. */
int ds_models_add_lm(struct ds_models *m, struct ds_lm *lm, const double *w, struct ds_err *err);

/* Searches the candidate originals of every phrase of m's lexicon and
 * every word of its language model with m's models, and writes them to
 * path as a candidate table (candtab.h) that detection with the same
 * models reads instead of searching.  *nphrases (may be NULL) receives the
 * count written.  0 or a DS_E* code with err set. */
int ds_models_build_cands(const struct ds_models *m, const char *path, size_t *nphrases,
			  struct ds_err *err);

/* Hands every slot's features of the articles det scores to fn (for fitting
 * the slot model); fn NULL turns it off. */
#include "evidence.h"
void ds_detector_dump_slots(struct ds_detector *det, ds_ev_slot_fn fn, void *ud);
/* Every change against a source goes to fn with its features (NULL: off). */
void ds_detector_dump_changes(struct ds_detector *det, ds_ev_chg_fn fn, void *ud);

/* Like ds_detect on an article already tokenised and stemmed (any English
 * stemmer gives the same stems): the result takes doc over, also when it
 * fails (then doc is freed). */
struct ds_doc;
struct ds_result *ds_detect_doc(struct ds_detector *det, struct ds_doc *doc,
				const struct ds_text *source, const struct ds_source_meta *meta,
				const struct ds_detect_opts *opts, struct ds_err *err);
/* The same with source's text tokenised already (src, stemmed; NULL: it
 * is tokenised here), taken over like doc.  The limits of opts apply to
 * it as to a text given: one over them is refused with the same error. */
struct ds_result *ds_detect_docs(struct ds_detector *det, struct ds_doc *doc,
				 const struct ds_text *source, struct ds_doc *src,
				 const struct ds_source_meta *meta,
				 const struct ds_detect_opts *opts, struct ds_err *err);

/* doc's mean log10 probability per token under det's language model, over
 * its sentences of DS_ALIGN_MIN_WORDS words or more (ds_ev_fluency): how
 * fluent a text is, without judging it.  doc stays
 * the caller's.  0 or DS_ENOMEM with err set. */
int ds_detect_fluency(struct ds_detector *det, const struct ds_doc *doc, double *lp,
		      struct ds_err *err);

/* Records the sources r was judged against (copied, in place of those
 * recorded before; the first is the main one, whose name
 * ds_result_source gives): 0 or DS_ENOMEM. */
int ds_result_set_sources(struct ds_result *r, const struct ds_found_source *src, size_t n);
/* Records how many sources found were left out past the work bound
 * (ds_result_sources_left_out). */
void ds_result_set_left_out(struct ds_result *r, size_t n);
/* Adds sentence i of doc (its first token's start to its last token's
 * end) to the byte ranges rg[0..*n) of the article's parts that a source
 * covers: to the last range when joined (sentence i - 1 ends it), else as
 * a new one (rg has room for it). */
void ds_ranges_add_sent(const struct ds_doc *doc, size_t i, int joined, struct ds_range *rg,
			size_t *n);

/* The direction from two results, ba (b judged against a) and ab (a
 * against b), as ds_source_direction decides it: by their date headers
 * when dates is set and both have one and they differ, else by a
 * spinner's template left in one of them alone (that one is the copy),
 * else by the evidence. */
int ds_direction_of(struct ds_detector *det, const struct ds_result *ba, const struct ds_result *ab,
		    int dates, double *balance);
/* Whether src is art's source (DS_DIR_A_SOURCE), art src's
 * (DS_DIR_B_SOURCE) or neither is clear (DS_DIR_UNCERTAIN): art judged
 * against src (fwd when the caller has it, else judged here) and src
 * against art, with options o (may be NULL), dates as ds_direction_of
 * takes them; a negative DS_E* code with err
 * set on failure.  ds_source_direction(a, b) is (b, a). */
int ds_direction_weigh(struct ds_detector *det, const struct ds_text *art,
		       const struct ds_text *src, const struct ds_result *fwd,
		       const struct ds_detect_opts *o, int dates, double *balance,
		       struct ds_err *err);
/* Names the text that reads as r's copy (ds_result_copy; copied).  0 or
 * DS_ENOMEM. */
int ds_result_set_copy(struct ds_result *r, const char *name);
/* Sets r's role in an unordered pair, "uncertain" or "original" (see
 * ds_result_source_direction): r is then not spun (and lists no
 * substitutions unless opts->all_subs); direction must be a literal. */
void ds_result_set_direction(struct ds_result *r, const char *direction,
			     const struct ds_detect_opts *opts);

/* Which scorer model judged the result: 0 solo, 1 source. */
int ds_result_model(const struct ds_result *r);

#endif
