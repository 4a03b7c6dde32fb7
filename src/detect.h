/*
 * detect.h - internal entry points of the detection layer, for the command
 * line's training tools (the public API is in despin.h).
 */
#ifndef DS_DETECT_H
#define DS_DETECT_H

#include "despin.h"

/* Like ds_models_open; with need_scorer 0 a missing scorer.bin is not an
 * error (results then score 0): used to compute features for fitting. */
struct ds_models *ds_models_open_opt(const char *dir, int need_scorer, struct ds_err *err);
/* Same, with the language model file lm_file of dir (e.g. mix.bin, the
 * mixture with the background model; NULL: ds_models_lm_file's). */
struct ds_models *ds_models_open_lm(const char *dir, const char *lm_file, int need_scorer,
				    struct ds_err *err);
/* The language model file of dir that detection uses by default: the one
 * the solo calibration (solo.tsv, written with the scorer) says the scorer
 * was fitted with, when dir holds it, else lm.bin.  Returns buf. */
const char *ds_models_lm_file(const char *dir, char *buf, size_t n);
/* The language model of m. */
const struct ds_lm *ds_models_lm(const struct ds_models *m);
/* Adds lm (taken over, also on failure) to m's language model as one more
 * mixture component with weights w (lm.h; NULL: equal share).  Call before
 * any detector is made from m. */
int ds_models_add_lm(struct ds_models *m, struct ds_lm *lm, const double *w, struct ds_err *err);

/* Hands every slot's features of the articles det scores to fn (for fitting
 * the slot model); fn NULL turns it off. */
#include "evidence.h"
void ds_detector_dump_slots(struct ds_detector *det, ds_ev_slot_fn fn, void *ud);

/* Like ds_detect on an article already tokenised and stemmed (any English
 * stemmer gives the same stems): the result takes doc over, also when it
 * fails (then doc is freed). */
struct ds_doc;
struct ds_result *ds_detect_doc(struct ds_detector *det, struct ds_doc *doc,
				const struct ds_text *source, const struct ds_source_meta *meta,
				const struct ds_detect_opts *opts, struct ds_err *err);

/* Records the sources r was judged against (copied; the first is the
 * main one, whose name ds_result_source gives): 0 or DS_ENOMEM. */
int ds_result_set_sources(struct ds_result *r, const struct ds_found_source *src, size_t n);

/* Which scorer model judged the result: 0 solo, 1 source. */
int ds_result_model(const struct ds_result *r);

#endif
