/*
 * detect.c - the public detection API of despin.h: models, detectors,
 * results.  It ties the pipeline together: text -> tokens -> alignment with
 * the source (when known) -> evidence -> score.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect.h"
#include "logit.h"

#include "binfmt.h"
#include "align.h"
#include "candtab.h"
#include "evidence.h"
#include "fprint.h"
#include "lex.h"
#include "lm.h"
#include "score.h"
#include "solocal.h"
#include "text.h"
#include "textmap.h"
#include "tune.h"
#include "vec.h"


struct ds_models {
	struct ds_lm *lm;
	struct ds_lex *lex;
	struct ds_scorer *scorer;
	struct ds_solocal *solo;  /* NULL: no solo calibration */
	struct ds_vec *vec;       /* NULL: no word vectors */
	struct ds_ev_share *share; /* the candidate cache its detectors share */
	struct ds_candtab *cands;  /* precomputed candidates (cand.bin), or NULL */
	struct ds_candtab_id id;   /* the models loaded, as a table names them */
	int cands_ok;              /* cands answers for the models loaded */
	char lm_note[768];        /* "": the language model chosen was loaded */
	char opt_note[3600];       /* "": no optional model file is missing or stale */
};

struct ds_detector {
	const struct ds_models *m;
	struct ds_ev_ctx *ev;
};

struct ds_result {
	struct ds_doc *doc;
	struct ds_doc *src;
	struct ds_ev ev;
	double score, threshold;
	double similarity, coverage;
	int spun;
	int model;
	const char *direction; /* "uncertain", "original" or NULL */
	char *copy;            /* "original": the text that reads as its copy, or NULL */
	const char *unjudged;  /* why not judged (a static string), or NULL: judged */
	char **texts;     /* per substitution: the article's words */
	struct ds_found_source *srcs; /* the sources judged against (ds_result_set_sources) */
	size_t left_out;              /* sources found past the work bound, not taken */
	size_t nsrcs;
	struct ds_html_map *page; /* the page the text was read from (JSON offsets), or NULL */
};

/* Whether a text is English prose enough to judge: not another language,
 * nor a list or dump of settings with hardly a function word.  Two signs,
 * each far from what English prose gives:
 * - its words mostly in another script (Chinese, Cyrillic, Greek...): a
 *   word is Latin when it starts with a letter of ASCII or one from U+00C0
 *   to U+027F (Latin-1, Latin Extended, IPA: lead bytes 0xC3 to 0xC9);
 * - from LANG_MIN_WORDS words, English function words (the fingerprint's
 *   list: "the", "of", "and"...) under LANG_MIN_FUNC of its words.  In the
 *   benchmark's 4,704 English texts of 40 words or more (clean, spun, round
 *   trips, rewrites, copy edits) the lowest share is 0.082 (a dump of a
 *   program's settings) and each kind's 1st percentile 0.33 or more, in
 *   582 clean paragraphs the lowest is 0.33; in Spanish and Esperanto (60
 *   sources each, translated by apertium) the highest is 0.063 and the
 *   medians 0.029 and 0.004 (scripts/lang_shares.py). */
#define LANG_MIN_WORDS 30
#define LANG_MIN_FUNC 0.07
static int looks_english(const struct ds_doc *d)
{
	size_t words = 0, latin = 0, func = 0;
	for (size_t t = 0; t < d->ntok; t++) {
		const struct ds_token *k = &d->tok[t];
		unsigned char c = (unsigned char)d->text[k->start];
		if (k->kind != DS_TOK_WORD || (k->flags & DS_TF_BOILER))
			continue;
		words++;
		if (c < 0x80 ? isalpha(c) != 0 : c >= 0xC3 && c <= 0xC9)
			latin++;
		func += ds_fprint_is_function_word(d->pool + k->lower, k->norm_len) != 0;
	}
	if (words && 2 * latin < words)
		return 0;
	return words < LANG_MIN_WORDS || (double)func >= LANG_MIN_FUNC * (double)words;
}

struct ds_models *ds_models_open(const char *dir, struct ds_err *err)
{
	return ds_models_open_opt(dir, 1, err);
}

struct ds_models *ds_models_open_opt(const char *dir, int need_scorer, struct ds_err *err)
{
	return ds_models_open_lm(dir, NULL, need_scorer, err);
}

struct ds_models *ds_models_open_many(const char *dir, struct ds_err *err)
{
	return ds_models_open_lm_many(dir, NULL, 1, err);
}

struct ds_models *ds_models_open_lm_many(const char *dir, const char *lm_file, int need_scorer,
					 struct ds_err *err)
{
	int prev = ds_map_whole_folios(1);
	struct ds_models *m = ds_models_open_lm(dir, lm_file, need_scorer, err);
	ds_map_whole_folios(prev);
	return m;
}

const struct ds_lm *ds_models_lm(const struct ds_models *m)
{
	return m->lm;
}

int ds_models_add_lm(struct ds_models *m, struct ds_lm *lm, const double *w, struct ds_err *err)
{
	struct ds_lm *comp[2];
	/* the candidates found so far came from the model before, and so did
	 * the table's (a mixture made here has no file id: none matches) */
	ds_ev_share_clear(m->share);
	m->cands_ok = 0;
	m->id.lm = 0;
	if (ds_lm_mix_weights(m->lm, NULL) > 1)
		return ds_lm_mix_add(m->lm, lm, w, err);
	comp[0] = m->lm;
	comp[1] = lm;
	m->lm = ds_lm_mix_new(comp, 2, w, err);
	return m->lm ? 0 : (err ? err->code : DS_ENOMEM);
}

/* The language model file the scorer of dir was fitted with: the lm row of
 * its solo calibration, else lm.bin.  Returns buf. */
static const char *fitted_lm_file(const char *dir, char *buf, size_t n)
{
	char path[4096];
	struct ds_err err = {0};
	struct ds_solocal *sc;
	snprintf(buf, n, "lm.bin");
	snprintf(path, sizeof path, "%s/%s", dir, DS_SOLOCAL_FILE);
	if (access(path, F_OK) != 0 || !(sc = ds_solocal_read(path, &err)))
		return buf;
	if (sc->lm[0])
		snprintf(buf, n, "%s", sc->lm);
	free(sc);
	return buf;
}

/* How to get a mixture's background model back. */
#define LM_MIX_HINT "the background model of the mixture, bg.bin, comes with the package " \
	"pocketsphinx-en-us: install it, then run 'make models'"

struct ds_lm *ds_models_load_lm(const char *dir, const char *lm_file, char *note, size_t n,
				struct ds_err *err)
{
	char path[4096], fitted[64];
	const char *want = lm_file ? lm_file : fitted_lm_file(dir, fitted, sizeof fitted);
	struct ds_err e = {0};
	struct ds_lm *lm;
	if (note && n)
		note[0] = 0;
	snprintf(path, sizeof path, "%s/%s", dir, want);
	lm = ds_lm_load(path, &e);
	if (!lm && strcmp(want, "lm.bin") != 0 && e.code == DS_EIO) {
		/* the hint only where the background model is missing: not for
		 * a misspelt name beside a whole set of models */
		char bg[4096];
		int hint;
		snprintf(bg, sizeof bg, "%s/bg.bin", dir);
		hint = access(bg, F_OK) != 0;
		if (lm_file) {
			size_t k = strlen(e.msg);
			if (hint)
				snprintf(e.msg + k, sizeof e.msg - k, " (%s)", LM_MIX_HINT);
		} else {
			/* the fitted model is not there: the corpus model alone */
			if (note && n)
				snprintf(note, n, "the scorer was fitted with %s, which cannot be loaded "
					 "(%s); lm.bin, the corpus model alone, stands in and judges texts "
					 "without a source less well%s%s%s", want, e.msg,
					 hint ? " (" : "", hint ? LM_MIX_HINT : "", hint ? ")" : "");
			snprintf(path, sizeof path, "%s/lm.bin", dir);
			memset(&e, 0, sizeof e);
			lm = ds_lm_load(path, &e);
		}
	}
	if (!lm && err)
		*err = e;
	return lm;
}

/* The sentence of ds_models_load_lm when m's models fell back to lm.bin,
 * else NULL. */
static const char *ds_models_lm_note(const struct ds_models *m)
{
	return m->lm_note[0] ? m->lm_note : NULL;
}

/* The sentence naming m's missing optional files (vec.bin, solo.tsv) and
 * what detection does without them, else NULL. */
static const char *ds_models_missing_note(const struct ds_models *m)
{
	return m->opt_note[0] ? m->opt_note : NULL;
}

const char *ds_models_note(const struct ds_models *m, size_t i)
{
	const char *notes[2] = {ds_models_lm_note(m), ds_models_missing_note(m)};
	for (size_t k = 0; k < DS_ARRAY_LEN(notes); k++)
		if (notes[k] && i-- == 0)
			return notes[k];
	return NULL;
}

struct ds_models *ds_models_open_lm(const char *dir, const char *lm_file, int need_scorer,
				    struct ds_err *err)
{
	struct ds_models *m;
	char path[4096];
	if (!dir || !*dir) {
		ds_err_set(err, DS_EINVAL, "no models directory given");
		return NULL;
	}
	if (!(m = calloc(1, sizeof *m)) || !(m->share = ds_ev_share_new())) {
		free(m);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (!(m->lm = ds_models_load_lm(dir, lm_file, m->lm_note, sizeof m->lm_note, err)))
		goto fail;
	snprintf(path, sizeof path, "%s/lex.bin", dir);
	if (!(m->lex = ds_lex_load(path, err)))
		goto fail;
	/* word vectors are optional: without them relatedness comes from the
	 * lexicon alone (a file that is there must load) */
	snprintf(path, sizeof path, "%s/vec.bin", dir);
	if (access(path, F_OK) != 0)
		snprintf(m->opt_note, sizeof m->opt_note,
			 "%.1000s is missing: relatedness comes from the lexicon alone and texts are judged "
			 "less well ('make models' builds it)", path);
	else if (!(m->vec = ds_vec_load(path, err)))
		goto fail;
	/* the scorer may be missing when it is not needed (fitting one), but
	 * one that is there must load: a stale or damaged scorer left out
	 * would change the features computed without a word */
	snprintf(path, sizeof path, "%s/scorer.bin", dir);
	if (!(m->scorer = ds_scorer_load(path, err)) && (need_scorer || access(path, F_OK) == 0))
		goto fail;
	snprintf(path, sizeof path, "%s/%s", dir, DS_SOLOCAL_FILE);
	if (access(path, F_OK) != 0) {
		size_t k = strlen(m->opt_note);
		snprintf(m->opt_note + k, sizeof m->opt_note - k,
			 "%s%.1000s is missing: flags without a source are not calibrated and the "
			 "scorer's own threshold judges texts on their own",
			 k ? "; " : "", path);
	} else if (!(m->solo = ds_solocal_read(path, err))) {
		goto fail;
	}
	/* the candidate table is optional too (a table that is there must
	 * load, unless another despin made it), and of use only when built
	 * from the models just loaded */
	m->id.lm = ds_lm_file_id(m->lm);
	m->id.lex = ds_lex_file_id(m->lex);
	m->id.vec = m->vec ? ds_vec_file_id(m->vec) : 0;
	m->id.algo = ds_ev_cand_algo();
	snprintf(path, sizeof path, "%s/%s", dir, DS_CANDTAB_FILE);
	if (access(path, F_OK) == 0) {
		struct ds_err cerr = {0};
		struct ds_candtab_id tid;
		int stale = 1; /* made by another despin (its format or tokeniser) */
		if ((m->cands = ds_candtab_load(path, &cerr)) != NULL) {
			m->cands_ok = ds_candtab_matches(m->cands, &m->id);
			ds_candtab_get_id(m->cands, &tid);
			/* a language model asked for by name (DESPIN_LM) that the
			 * table was not built with is a choice, not a stale table:
			 * no note */
			stale = !m->cands_ok && !(lm_file && tid.lm != m->id.lm && tid.lex == m->id.lex &&
						  tid.vec == m->id.vec && tid.algo == m->id.algo);
		} else if (cerr.code != DS_EVERSION) {
			if (err)
				*err = cerr;
			goto fail;
		}
		if (stale) {
			size_t k = strlen(m->opt_note);
			snprintf(m->opt_note + k, sizeof m->opt_note - k,
				 "%s%.1000s holds the candidates of other models than those loaded "
				 "(another language model, lexicon or word vectors, or another "
				 "version of the search, its limits or despin): they are searched as texts "
				 "come, more slowly, with the same results ('despin lex cands' makes "
				 "a table for the models loaded)",
				 k ? "; " : "", path);
		}
	}
	return m;
fail:
	ds_models_free(m);
	return NULL;
}

void ds_models_free(struct ds_models *m)
{
	if (!m)
		return;
	ds_lm_free(m->lm);
	ds_lex_free(m->lex);
	free(m->scorer);
	free(m->solo);
	ds_vec_free(m->vec);
	ds_ev_share_free(m->share);
	ds_candtab_free(m->cands);
	free(m);
}

struct ds_detector *ds_detector_new(const struct ds_models *m, struct ds_err *err)
{
	struct ds_detector *d = calloc(1, sizeof *d);
	if (!d || !(d->ev = ds_ev_ctx_new(m->lm, m->lex))) {
		free(d);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (m->scorer && m->scorer->has_slot)
		ds_ev_set_slot_model(d->ev, &m->scorer->slot);
	if (m->scorer && m->scorer->has_chg)
		ds_ev_set_change_model(d->ev, &m->scorer->chg);
	ds_ev_set_solocal(d->ev, m->solo);
	ds_ev_set_vec(d->ev, m->vec);
	ds_ev_set_share(d->ev, m->share);
	ds_ev_set_candtab(d->ev, m->cands_ok ? m->cands : NULL);
	d->m = m;
	return d;
}

int ds_models_build_cands(const struct ds_models *m, const char *path, size_t *nphrases,
			  struct ds_err *err)
{
	struct ds_candtab_builder *b = ds_candtab_builder_new(&m->id);
	struct ds_ev_ctx *c = ds_ev_ctx_new(m->lm, m->lex);
	uint32_t vocab = ds_lm_vocab_size(m->lm);
	size_t np = ds_lex_phrases(m->lex);
	int rc = 0;
	if (!b || !c) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory building %s", path);
		goto out;
	}
	if (!m->id.lm || !m->id.lex) {
		rc = ds_err_set(err, DS_EINVAL,
				"%s: the language model or lexicon loaded is no model file of its own "
				"(a mixture made at run time), so no table can name it",
				path);
		goto out;
	}
	ds_ev_set_vec(c, m->vec);
	/* the lexicon's phrases, then the model's words (a word in both is
	 * added once) */
	for (size_t i = 0; rc == 0 && i < np; i++) {
		size_t len;
		const char *p = ds_lex_phrase(m->lex, i, &len);
		rc = ds_ev_candtab_add(c, b, p, len);
	}
	for (ds_lm_id id = 0; rc == 0 && id < vocab; id++) {
		const char *w = ds_lm_word(m->lm, id);
		if (w && w[0] && w[0] != '<')
			rc = ds_ev_candtab_add(c, b, w, strlen(w));
	}
	if (rc && err && !err->msg[0])
		ds_err_set(err, rc, rc == DS_ENOMEM ? "out of memory building %s"
						    : "%s: too many phrases or candidates for a table",
			   path);
	if (rc == 0) {
		if (nphrases)
			*nphrases = ds_candtab_builder_count(b);
		rc = ds_candtab_builder_write(b, path, err);
	}
out:
	ds_ev_ctx_free(c);
	ds_candtab_builder_free(b);
	return rc;
}

void ds_detector_dump_slots(struct ds_detector *det, ds_ev_slot_fn fn, void *ud)
{
	ds_ev_set_slot_dump(det->ev, fn, ud);
}

void ds_detector_dump_changes(struct ds_detector *det, ds_ev_chg_fn fn, void *ud)
{
	ds_ev_set_change_dump(det->ev, fn, ud);
}

void ds_detector_free(struct ds_detector *d)
{
	if (!d)
		return;
	ds_ev_ctx_free(d->ev);
	free(d);
}

static size_t max_words(const struct ds_detect_opts *opts)
{
	return opts && opts->max_words ? opts->max_words : DS_DETECT_MAX_WORDS_DEFAULT;
}

static int too_long(const char *name, size_t words, size_t max, int exact, struct ds_err *err)
{
	return ds_err_set(err, DS_ETOOLONG,
			  "%s: too long to judge: %s%zu words, past the limit of %zu words of one article (--max-words)",
			  name, exact ? "" : "more than ", words, max);
}

/* The work bound, first on the raw text: twice the bound in
 * whitespace-separated runs is refused before tokenising (not a binary
 * file's bytes, which ds_doc_new says are no text). */
static struct ds_doc *load_doc(struct ds_detector *det, const struct ds_text *t, size_t max,
			       size_t maxw, struct ds_doc *made, struct ds_err *err)
{
	struct ds_doc *d;
	if (ds_text_count_runs(t->data, t->len, 2 * maxw) > 2 * maxw &&
	    !memchr(t->data, '\0', t->len)) {
		too_long(t->name ? t->name : "<input>", 2 * maxw, maxw, 0, err);
		ds_doc_free(made);
		return NULL;
	}
	/* t tokenised already: held to the same limits (one over max bytes is
	 * tokenised again, for ds_doc_new's error) */
	if (made && t->len <= (max ? max : DS_DOC_MAX_BYTES_DEFAULT)) {
		d = made;
	} else {
		ds_doc_free(made);
		d = ds_doc_new(t->data, t->len, t->name, max, err);
	}
	if (d && d->n_words > maxw) {
		too_long(d->name, d->n_words, maxw, 1, err);
		ds_doc_free(d);
		return NULL;
	}
	if (d && ds_doc_stem(d, ds_ev_stemmer(det->ev))) {
		ds_doc_free(d);
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", t->name);
		return NULL;
	}
	return d;
}

struct ds_result *ds_detect(struct ds_detector *det, const struct ds_text *article,
			    const struct ds_text *source, const struct ds_source_meta *meta,
			    const struct ds_detect_opts *opts, struct ds_err *err)
{
	struct ds_doc *doc = load_doc(det, article, opts ? opts->max_bytes : 0, max_words(opts), NULL,
				      err);
	if (!doc)
		return NULL;
	return ds_detect_doc(det, doc, source, meta, opts, err);
}

/* Whether opts holds a probability outside 0 to 1 (NaN fails both
 * comparisons); err says which. */
static int bad_opts(const struct ds_detect_opts *opts, struct ds_err *err)
{
	if (opts && !(opts->threshold >= 0 && opts->threshold <= 1)) {
		ds_err_set(err, DS_EINVAL, "the verdict threshold is a probability from 0 to 1, not %g",
			   opts->threshold);
		return 1;
	}
	if (opts && !(opts->min_p >= 0 && opts->min_p <= 1)) {
		ds_err_set(err, DS_EINVAL, "the flags' least probability is from 0 to 1, not %g",
			   opts->min_p);
		return 1;
	}
	return 0;
}

/* Leaves out the flags whose probability is under min_p (a flag no model
 * gives one keeps its place). */
static void drop_flags_under(struct ds_result *r, double min_p)
{
	size_t k = 0;
	for (size_t i = 0; i < r->ev.nsubs; i++)
		if (!(r->ev.subs[i].p >= 0 && r->ev.subs[i].p < min_p))
			r->ev.subs[k++] = r->ev.subs[i];
	r->ev.nsubs = k;
}

/* The article's solo probability from the scorer's and its flags'. */
static void solo_calibrate(const struct ds_solocal *sc, struct ds_result *r)
{
	float p[256];
	size_t np = 0;
	double x[DS_NARTF];
	const struct ds_sc_counts n = {r->ev.n_content, r->ev.n_anom, r->ev.n_pairs, r->ev.n_unseen};
	/* the flags listed by default, whatever the floor asked for: the
	 * weaker ones were not in the fit (they count for nothing there) */
	for (size_t i = 0; i < r->ev.nsubs && np < DS_ARRAY_LEN(p); i++)
		if (r->ev.subs[i].kind == DS_EV_MODEL && !r->ev.subs[i].under_floor)
			p[np++] = r->ev.subs[i].p;
	ds_solocal_article_x(sc, r->score, r->doc->n_words, p, np, &n, x);
	r->score = ds_solocal_article_p(sc, r->score, x);
	r->threshold = sc->threshold;
}

/* A spinner's template left in the text is evidence whatever the rest
 * says and however short the text: the article is at least as likely spun
 * as one of its templates is a spinner's, 1 - (1 - p)^k for k of them,
 * and judged. */
static void template_score(struct ds_result *r)
{
	double at_least;
	if (!r->ev.n_templates)
		return;
	at_least = 1 - pow(1 - DS_EV_TEMPLATE_P, (double)r->ev.n_templates);
	r->unjudged = NULL;
	if (r->score < at_least)
		r->score = at_least;
}

/* A candidate's prior is also the share of the article's weighed changes
 * that the change model calls a spinner's (log odds, smoothed): in a spin
 * nearly all, in an edited copy few. */
static double cand_share(const struct ds_result *r)
{
	return log((r->ev.f[DS_F_NFLAG] + 1) / (r->ev.f[DS_F_NCHG] - r->ev.f[DS_F_NFLAG] + 1));
}

/* Ends a kept candidate's explanation with why it stayed.  0 or
 * DS_ENOMEM. */
static int why_stays(struct ds_ev *ev, struct ds_ev_sub *s, const char *reason)
{
	char *old = strdup(ev->strs.data + s->why);
	size_t off = ev->strs.len;
	int rc = !old || ds_buf_printf(&ev->strs, "%s; %s", old, reason) ||
		 ds_buf_putc(&ev->strs, 0);
	free(old);
	if (rc)
		return DS_ENOMEM;
	s->why = (uint32_t)off;
	return 0;
}

/* A source-backed change's probability of being a spinner's on the
 * article's log odds lo: its likelihood ratio (the change model's odds,
 * fitted on even classes) times the prior odds that the article is spun
 * (its score), times exp(extra). */
static float src_p(const struct ds_ev_sub *s, double lo, double extra)
{
	double p = s->p;
	if (s->kind != DS_EV_SOURCE || !(p > 0 && p < 1))
		return s->p;
	return (float)ds_sigmoid(log(p / (1 - p)) + lo + extra);
}

/* The flags of an article judged with its source, with their
 * probabilities (src_p).  Candidate changes (no evidence for the article,
 * or a ratio that favours the editor) stay flags only when, in an article
 * that the source covers for the most part, the article's odds and
 * cand_share's make them more likely a spinner's than not.  An article
 * judged spun on many changes none of which stays so (fifteen one-for-one
 * swaps in a verbatim copy, each of a kind an editor might make) keeps the
 * changes it was weighed on as its flags: a verdict shows what it rests
 * on.  Their probability is then src_p's without cand_share, which the
 * verdict outweighed; changes that are never evidence are not among them.
 * An article judged on its own keeps no candidate.  0 or DS_ENOMEM. */
static int source_flags(struct ds_result *r)
{
	size_t k = 0;
	int src = r->model == DS_MODEL_SOURCE;
	int whole = src && r->ev.f[DS_F_COVER] >= ds_tune_default.cand_min_cover;
	double sc = r->score < 1e-6 ? 1e-6 : r->score > 1 - 1e-6 ? 1 - 1e-6 : r->score;
	double lo = log(sc / (1 - sc)), share = cand_share(r);
	/* weighed: the verdict is spun and no change stays a flag on its own */
	int weighed = r->spun && src;
	for (size_t i = 0; i < r->ev.nsubs && weighed; i++) {
		const struct ds_ev_sub *s = &r->ev.subs[i];
		if (s->under_floor)
			continue;
		weighed = s->cand && !(whole && src_p(s, lo, share) >= 0.5f);
	}
	for (size_t i = 0; i < r->ev.nsubs; i++) {
		struct ds_ev_sub *s = &r->ev.subs[i];
		if (!src) {
			if (s->cand)
				continue;
		} else if (!s->cand) {
			s->p = src_p(s, lo, 0);
		} else {
			float on_odds = src_p(s, lo, share);
			if (whole && on_odds >= 0.5f)
				s->p = on_odds;
			else if (weighed && s->cand == DS_EV_CAND)
				s->p = src_p(s, lo, 0);
			else
				continue;
			if (why_stays(&r->ev, s,
				      s->p >= 0.5f ? "a spinner's in an article this likely spun"
						   : "one of the changes the verdict of spun rests on"))
				return DS_ENOMEM;
		}
		r->ev.subs[k++] = *s;
	}
	r->ev.nsubs = k;
	return 0;
}

void ds_ranges_add_sent(const struct ds_doc *doc, size_t i, int joined, struct ds_range *rg,
			size_t *n)
{
	const struct ds_sent *se = &doc->sent[i];
	size_t a = doc->tok[se->tok_begin].start, b = doc->tok[se->tok_end - 1].end;
	if (joined && *n)
		rg[*n - 1].end = b;
	else
		rg[(*n)++] = (struct ds_range){a, b};
}

/* Records the source r was given as its only one, with the parts of the
 * article it covers: the sentences aligned with the source's (al), runs of
 * them as one range, as ds_sources_choose gives a found source's; the
 * share of the article's words in them is DS_F_COVER.  ds_detect_found
 * records its sources over it.  0 or DS_ENOMEM. */
static int given_source(struct ds_result *r, const struct ds_align *al)
{
	const struct ds_doc *d = r->doc;
	struct ds_found_source fs = {r->src->name, r->similarity, r->coverage, NULL, 0};
	struct ds_range *rg = malloc((al->npairs + 1) * sizeof *rg);
	unsigned char *paired = calloc(d->nsent + 1, 1);
	int rc = DS_ENOMEM;
	if (rg && paired) {
		for (size_t k = 0; k < al->npairs; k++)
			paired[al->pairs[k].a_sent] = 1;
		for (size_t i = 0; i < d->nsent; i++)
			if (paired[i])
				ds_ranges_add_sent(d, i, i > 0 && paired[i - 1], rg, &fs.nranges);
		fs.ranges = rg;
		rc = ds_result_set_sources(r, &fs, 1);
	}
	free(rg);
	free(paired);
	return rc;
}

/* Whether every word of tokens [b, e) of d (two words or more) starts
 * with a capital: a name ("White Home", also broken across a line or
 * joined by any space the tokeniser reads as one). */
static int title_words(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	size_t words = 0;
	for (uint32_t t = b; t < e && t < d->ntok; t++)
		if (d->tok[t].kind == DS_TOK_WORD) {
			if (!(d->tok[t].flags & DS_TF_CAP))
				return 0;
			words++;
		}
	return words > 1;
}

static int has_upper(const char *t)
{
	for (; *t; t++)
		if (isupper((unsigned char)*t))
			return 1;
	return 0;
}

/* Copies the original of s into b, cased for the article: as the source
 * writes it when there is one (proper nouns stay capitalised), else as the
 * lexicon writes it; all capitals when the article's span is, every word
 * capitalised when each of the span's is (a name: "White Home" -> "White
 * House"; one word in capitals for a source's words with a capital is an
 * acronym and keeps the source's case), and a capital first letter when the span opens a sentence or
 * starts with one while no source says otherwise. */
static int put_cased(struct ds_buf *b, const struct ds_result *r, const struct ds_ev_sub *s)
{
	const char *text = r->doc->text + s->start;
	size_t tlen = s->end - s->start;
	int cased = s->cased != DS_EV_NO_CASED;
	int first_upper = tlen && isupper((unsigned char)text[0]);
	int opens = ds_tok_opens_sent(r->doc, s->tok_begin);
	int all_upper = first_upper;
	size_t letters = 0, start = b->len;
	for (size_t i = 0; i < tlen; i++)
		if (isalpha((unsigned char)text[i])) {
			letters++;
			if (!isupper((unsigned char)text[i]))
				all_upper = 0;
		}
	if (letters < 2)
		all_upper = 0;
	/* one word in capitals for words the source writes with a capital
	 * is an acronym ("USA" for "U.S. officials"), not a line in capitals */
	if (all_upper && cased && !memchr(text, ' ', tlen) && has_upper(ds_ev_str(&r->ev, s->cased)))
		all_upper = 0;
	if (ds_buf_puts(b, ds_ev_str(&r->ev, cased ? s->cased : s->orig)))
		return DS_ENOMEM;
	if (b->len == start)
		return 0;
	if (all_upper) {
		for (size_t i = start; i < b->len; i++)
			b->data[i] = (char)toupper((unsigned char)b->data[i]);
	} else if (!cased) {
		int title = title_words(r->doc, s->tok_begin, s->tok_end);
		for (size_t i = start; i < b->len; i++)
			if (i == start ? first_upper : title && b->data[i - 1] == ' ')
				b->data[i] = (char)toupper((unsigned char)b->data[i]);
	} else if (opens) {
		b->data[start] = (char)toupper((unsigned char)b->data[start]);
	} else if (s->src_first) {
		/* a capital the source's sentence start gave */
		b->data[start] = (char)tolower((unsigned char)b->data[start]);
	}
	/* a possessive keeps the article's apostrophe: after a right single
	 * quotation mark (U+2019, "12 months\u2019s"), "year\u2019s", not
	 * "year's" */
	if (tlen >= 4 && memcmp(text + tlen - 4, "\xe2\x80\x99s", 4) == 0 && b->len - start >= 2 &&
	    memcmp(b->data + b->len - 2, "'s", 2) == 0) {
		b->len -= 2;
		if (ds_buf_puts(b, "\xe2\x80\x99s"))
			return DS_ENOMEM;
	}
	return 0;
}

/* Copies each substitution's words and, after them, its original as
 * restore puts it back (cased: put_cased), into one allocation each. */
static int sub_texts(struct ds_result *r)
{
	struct ds_buf b = DS_BUF_INIT;
	r->texts = calloc(r->ev.nsubs + 1, sizeof *r->texts);
	if (!r->texts)
		return DS_ENOMEM;
	for (size_t i = 0; i < r->ev.nsubs; i++) {
		const struct ds_ev_sub *s = &r->ev.subs[i];
		b.len = 0;
		if (ds_buf_append(&b, r->doc->text + s->start, s->end - s->start) ||
		    ds_buf_putc(&b, 0) || put_cased(&b, r, s) || ds_buf_putc(&b, 0) ||
		    !(r->texts[i] = malloc(b.len))) {
			ds_buf_free(&b);
			return DS_ENOMEM;
		}
		memcpy(r->texts[i], b.data, b.len);
	}
	ds_buf_free(&b);
	return 0;
}

/* The original of substitution i as restore puts it back (sub_texts). */
static const char *sub_restored(const struct ds_result *r, size_t i)
{
	return r->texts[i] + (r->ev.subs[i].end - r->ev.subs[i].start) + 1;
}

int ds_detect_fluency(struct ds_detector *det, const struct ds_doc *doc, double *lp,
		      struct ds_err *err)
{
	if (ds_ev_fluency(det->ev, doc, lp))
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", doc->name);
	return 0;
}

struct ds_result *ds_detect_doc(struct ds_detector *det, struct ds_doc *doc,
				const struct ds_text *source, const struct ds_source_meta *meta,
				const struct ds_detect_opts *opts, struct ds_err *err)
{
	return ds_detect_docs(det, doc, source, NULL, meta, opts, err);
}

struct ds_result *ds_detect_docs(struct ds_detector *det, struct ds_doc *doc,
				 const struct ds_text *source, struct ds_doc *src,
				 const struct ds_source_meta *meta,
				 const struct ds_detect_opts *opts, struct ds_err *err)
{
	struct ds_result *r = calloc(1, sizeof *r);
	struct ds_align *al = NULL;
	size_t max = opts ? opts->max_bytes : 0;
	int rc;

	if (!r) {
		ds_doc_free(doc);
		ds_doc_free(src);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (bad_opts(opts, err)) {
		ds_doc_free(doc);
		ds_doc_free(src);
		free(r);
		return NULL;
	}
	if (doc->n_words > max_words(opts)) {
		too_long(doc->name, doc->n_words, max_words(opts), 1, err);
		ds_doc_free(doc);
		ds_doc_free(src);
		free(r);
		return NULL;
	}
	r->similarity = r->coverage = -1;
	r->doc = doc;
	if (!source)
		ds_doc_free(src); /* nothing to judge against */
	if (source) {
		struct ds_err serr;
		r->src = load_doc(det, source, max, max_words(opts), src, &serr);
		if (!r->src) {
			ds_err_set(err, serr.code, "source %s", serr.msg);
			goto fail;
		}
		if (!(al = ds_align_new(r->doc, r->src, err)))
			goto fail;
	}
	/* weaker flags of the language model when asked for (the evidence
	 * marks them); a higher floor is applied to the result, once scored
	 * as by default */
	ds_ev_set_flag_min(det->ev, opts ? opts->min_p : 0);
	rc = ds_ev_compute(det->ev, r->doc, r->src, al, &r->ev);
	if (rc) {
		ds_err_set(err, rc, "%s: out of memory", doc->name);
		goto fail;
	}
	if (al) { /* a source, aligned with the article */
		r->similarity = meta && meta->similarity >= 0 ? meta->similarity
							    : ds_fprint_similarity(r->doc, r->src, ds_ev_stemmer(det->ev));
		r->coverage = meta && meta->coverage >= 0 ? meta->coverage : r->ev.f[DS_F_COVER];
		if (given_source(r, al))
			goto nomem;
	}
	/* a source that shares only a sentence or two says too little: such
	 * an article is judged on its own */
	r->model = ds_ev_uses_source(al, &r->ev) ? DS_MODEL_SOURCE : DS_MODEL_SOLO;
	if (det->m->scorer) {
		r->score = ds_scorer_prob(det->m->scorer, r->model, r->ev.f);
		r->threshold = det->m->scorer->m[r->model].threshold;
	} else {
		r->threshold = 1;
	}
	if (r->model == DS_MODEL_SOLO && det->m->solo && det->m->solo->article.present)
		solo_calibrate(det->m->solo, r);
	if (opts && opts->threshold > 0)
		r->threshold = opts->threshold;
	/* a few words are no evidence either way, nor is a text in another
	 * language, which the models of English read as noise (nor a list
	 * with hardly a function word, which they read as noise as well) */
	if (r->doc->n_words < ds_solocal_min_words(det->m->solo))
		r->unjudged = DS_UNJUDGED_SHORT;
	else if (!looks_english(r->doc))
		r->unjudged = DS_UNJUDGED_LANGUAGE;
	if (r->unjudged)
		r->score = 0;
	template_score(r);
	r->spun = r->score >= r->threshold;
	if (source_flags(r))
		goto nomem;
	if (opts && opts->min_p > 0)
		drop_flags_under(r, opts->min_p);
	/* which text copied which is unclear: never accuse either, unless
	 * the article shows a spinner's template */
	if (r->src && opts && opts->uncertain_source && !r->ev.n_templates) {
		r->direction = "uncertain";
		r->spun = 0;
	}
	ds_align_free(al);
	al = NULL;
	/* a clean article's weak evidence is not a flag */
	if (!r->spun && !(opts && opts->all_subs))
		r->ev.nsubs = 0;
	if (sub_texts(r))
		goto nomem;
	return r;
nomem:
	ds_err_set(err, DS_ENOMEM, "out of memory");
fail:
	ds_align_free(al);
	ds_result_free(r);
	return NULL;
}

/* Mean log10 probability per token of the sentences paired with the
 * source, or of the whole text when none is */
static double paired_fluency(const struct ds_ev *ev)
{
	if (!ev->paired_tokens)
		return ev->f[DS_F_LP];
	return ev->paired_logprob / (double)ev->paired_tokens;
}

int ds_direction_of(struct ds_detector *det, const struct ds_result *ba, const struct ds_result *ab,
		    int dates, double *balance)
{
	int dir = DS_DIR_UNCERTAIN;
	double d = 0;
	if (dates && ba->doc->date[0] && ab->doc->date[0] &&
	    strcmp(ba->doc->date, ab->doc->date) != 0) {
		/* ba->doc is b, ab->doc is a: the older one is the source */
		dir = strcmp(ab->doc->date, ba->doc->date) < 0 ? DS_DIR_A_SOURCE : DS_DIR_B_SOURCE;
		d = dir == DS_DIR_A_SOURCE ? HUGE_VAL : -HUGE_VAL;
	} else if (!ab->ev.n_templates != !ba->ev.n_templates) {
		/* a spinner's template left in one of them: that one is the
		 * copy (ab->doc is a) */
		dir = ab->ev.n_templates ? DS_DIR_B_SOURCE : DS_DIR_A_SOURCE;
		d = dir == DS_DIR_A_SOURCE ? HUGE_VAL : -HUGE_VAL;
	} else if (ba->model == DS_MODEL_SOURCE && ab->model == DS_MODEL_SOURCE) {
		double margin = ds_tune_default.direction_margin;
		/* the language model prefers the source's words back: the
		 * fluency balance, which must not contradict the change model's
		 * (round trips, whose changes it was not fitted on, can fool the
		 * ratios) */
		double g = ba->ev.f[DS_F_SUBGAIN] * ba->ev.f[DS_F_SMALL] -
			   ab->ev.f[DS_F_SUBGAIN] * ab->ev.f[DS_F_SMALL];
		/* and the texts' fluency (mean log probability per token,
		 * unknown words included) must not contradict either: a round
		 * trip's untranslated words, which the pairs' ratios and gains
		 * do not weigh, or an old text whose spinner wrote today's
		 * words, where the ratios alone would accuse the original.  It
		 * is measured on the sentences the two share, so that what one
		 * side adds (a line of dialogue, a caption) does not weigh */
		double flu = paired_fluency(&ab->ev) - paired_fluency(&ba->ev);
		if (det->m->scorer && det->m->scorer->has_chg) {
			d = ba->ev.f[DS_F_LLR] - ab->ev.f[DS_F_LLR];
		} else {
			d = g;
			margin = ds_tune_default.direction_gain_margin;
		}
		double fm = ds_tune_default.direction_flu_margin;
		if (d > margin && g > 0 && flu > fm)
			dir = DS_DIR_A_SOURCE;
		else if (d < -margin && g < 0 && flu < -fm)
			dir = DS_DIR_B_SOURCE;
	}
	if (balance)
		*balance = d;
	return dir;
}

void ds_result_set_direction(struct ds_result *r, const char *direction,
			     const struct ds_detect_opts *opts)
{
	r->direction = direction;
	r->spun = 0;
	if (!(opts && opts->all_subs)) {
		for (size_t i = 0; i < r->ev.nsubs; i++)
			free(r->texts[i]);
		r->ev.nsubs = 0;
	}
}

int ds_direction_weigh(struct ds_detector *det, const struct ds_text *art,
		       const struct ds_text *src, const struct ds_result *fwd,
		       const struct ds_detect_opts *o, int dates, double *balance,
		       struct ds_err *err)
{
	struct ds_result *own = NULL, *rev;
	int dir;
	if (!fwd && !(fwd = own = ds_detect(det, art, src, NULL, o, err)))
		return err ? err->code : DS_ENOMEM;
	if (!(rev = ds_detect(det, src, art, NULL, o, err))) {
		ds_result_free(own);
		return err ? err->code : DS_ENOMEM;
	}
	dir = ds_direction_of(det, fwd, rev, dates, balance);
	ds_result_free(rev);
	ds_result_free(own);
	return dir;
}

int ds_source_direction(struct ds_detector *det, const struct ds_text *a, const struct ds_text *b,
			double *balance, struct ds_err *err)
{
	/* b judged against a: DS_DIR_A_SOURCE when a is b's source */
	return ds_direction_weigh(det, b, a, NULL, NULL, 1, balance, err);
}

static void free_sources(struct ds_result *r)
{
	for (size_t i = 0; i < r->nsrcs; i++) {
		free((char *)r->srcs[i].name);
		free((struct ds_range *)r->srcs[i].ranges);
	}
	free(r->srcs);
	r->srcs = NULL;
	r->nsrcs = 0;
}

void ds_result_set_left_out(struct ds_result *r, size_t n)
{
	r->left_out = n;
}

size_t ds_result_sources_left_out(const struct ds_result *r)
{
	return r->left_out;
}

int ds_result_set_sources(struct ds_result *r, const struct ds_found_source *src, size_t n)
{
	free_sources(r);
	if (!(r->srcs = calloc(n + 1, sizeof *r->srcs)))
		return DS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct ds_range *rg = malloc((src[i].nranges + 1) * sizeof *rg);
		char *name = strdup(src[i].name);
		if (!rg || !name) {
			free(rg);
			free(name);
			return DS_ENOMEM;
		}
		memcpy(rg, src[i].ranges, src[i].nranges * sizeof *rg);
		r->srcs[i] = src[i];
		r->srcs[i].name = name;
		r->srcs[i].ranges = rg;
		r->nsrcs = i + 1;
	}
	return 0;
}

size_t ds_result_nsources(const struct ds_result *r)
{
	return r->nsrcs;
}

int ds_result_source_at(const struct ds_result *r, size_t i, struct ds_found_source *out)
{
	if (i >= r->nsrcs)
		return DS_EINVAL;
	*out = r->srcs[i];
	return 0;
}

void ds_result_free(struct ds_result *r)
{
	if (!r)
		return;
	free_sources(r);
	if (r->texts)
		for (size_t i = 0; i < r->ev.nsubs; i++)
			free(r->texts[i]);
	free(r->texts);
	ds_ev_clear(&r->ev);
	ds_doc_free(r->doc);
	ds_doc_free(r->src);
	ds_html_map_free(r->page);
	free(r->copy);
	free(r);
}

void ds_result_set_page(struct ds_result *r, struct ds_html_map *map)
{
	ds_html_map_free(r->page);
	r->page = map;
}

/* An offset in the article as the JSON gives it: in the page it was read
 * from, when there is one. */
static size_t json_off(const struct ds_result *r, size_t off, int end)
{
	return r->page ? ds_html_map_page(r->page, off, end) : off;
}

const char *ds_result_name(const struct ds_result *r) { return r->doc->name; }

int ds_result_judged(const struct ds_result *r, const char **reason)
{
	if (reason)
		*reason = r->unjudged ? r->unjudged : "";
	return !r->unjudged;
}
int ds_result_model(const struct ds_result *r) { return r->model; }
int ds_result_spun(const struct ds_result *r) { return r->spun; }
double ds_result_score(const struct ds_result *r) { return r->score; }
double ds_result_threshold(const struct ds_result *r) { return r->threshold; }
const char *ds_result_source(const struct ds_result *r) { return r->src ? r->src->name : NULL; }
double ds_result_source_similarity(const struct ds_result *r) { return r->similarity; }
double ds_result_source_coverage(const struct ds_result *r) { return r->coverage; }
const char *ds_result_date(const struct ds_result *r) { return r->doc->date; }
size_t ds_result_tokens(const struct ds_result *r) { return r->doc->ntok; }
size_t ds_result_words(const struct ds_result *r) { return r->doc->n_words; }
const char *ds_result_source_direction(const struct ds_result *r) { return r->direction; }
const char *ds_result_copy(const struct ds_result *r) { return r->copy; }

int ds_result_set_copy(struct ds_result *r, const char *name)
{
	char *c = name ? strdup(name) : NULL;
	if (name && !c)
		return DS_ENOMEM;
	free(r->copy);
	r->copy = c;
	return 0;
}
int ds_result_unsure(const struct ds_result *r)
{
	return r->direction && strcmp(r->direction, "uncertain") == 0;
}
size_t ds_result_nsubs(const struct ds_result *r) { return r->ev.nsubs; }

int ds_result_sub(const struct ds_result *r, size_t i, struct ds_sub *out)
{
	const struct ds_ev_sub *s;
	if (i >= r->ev.nsubs)
		return DS_EINVAL;
	s = &r->ev.subs[i];
	out->start = s->start;
	out->end = s->end;
	out->src_start = s->src_start;
	out->src_end = s->src_end;
	out->text = r->texts[i];
	out->original = ds_ev_str(&r->ev, s->orig);
	out->restored = sub_restored(r, i);
	out->evidence = s->kind == DS_EV_SOURCE	    ? DS_EVIDENCE_SOURCE
			: s->kind == DS_EV_TEMPLATE ? DS_EVIDENCE_TEMPLATE
						    : DS_EVIDENCE_MODEL;
	out->gain = s->gain;
	out->why = ds_ev_str(&r->ev, s->why);
	out->p = s->p;
	return 0;
}

const char *ds_evidence_name(int evidence)
{
	switch (evidence) {
	case DS_EVIDENCE_SOURCE:
		return "source";
	case DS_EVIDENCE_TEMPLATE:
		return "template";
	default:
		return "model";
	}
}

const char *ds_result_text(const struct ds_result *r, size_t *len)
{
	*len = r->doc->len;
	return r->doc->text;
}

const char *ds_result_source_text(const struct ds_result *r, size_t *len)
{
	if (!r->src) {
		*len = 0;
		return NULL;
	}
	*len = r->src->len;
	return r->src->text;
}

const double *ds_result_features(const struct ds_result *r, size_t *n)
{
	*n = DS_NFEAT;
	return r->ev.f;
}

const char *ds_feature_name(size_t i)
{
	return i < DS_NFEAT ? ds_feat_names[i] : NULL;
}

static void json_num(struct ds_buf *b, double v)
{
	if (!isfinite(v))
		ds_buf_puts(b, "null");
	else
		ds_buf_fixed4(b, v);
}

char *ds_result_json(const struct ds_result *r)
{
	struct ds_buf b = DS_BUF_INIT;
	const char *src = ds_result_source(r);
	ds_buf_putc(&b, '{');
	ds_buf_json_name(&b, 0, "file", r->doc->name);
	ds_buf_printf(&b, ",\"verdict\":\"%s\",\"score\":", r->spun ? "spun" : "clean");
	json_num(&b, r->score);
	if (src) {
		ds_buf_json_name(&b, 1, "source", src);
		ds_buf_puts(&b, ",\"source_similarity\":");
		json_num(&b, r->similarity);
		ds_buf_puts(&b, ",\"source_coverage\":");
		json_num(&b, r->coverage);
	} else {
		ds_buf_puts(&b, ",\"source\":null,\"source_similarity\":null,\"source_coverage\":null");
	}
	if (r->direction)
		ds_buf_printf(&b, ",\"source_direction\":\"%s\"", r->direction);
	if (r->copy)
		ds_buf_json_name(&b, 1, "copy", r->copy);
	ds_buf_puts(&b, ",\"sources\":[");
	for (size_t i = 0; i < ds_result_nsources(r); i++) {
		struct ds_found_source fs;
		ds_result_source_at(r, i, &fs);
		ds_buf_puts(&b, i ? ",{" : "{");
		ds_buf_json_name(&b, 0, "name", fs.name);
		ds_buf_puts(&b, ",\"similarity\":");
		json_num(&b, fs.similarity);
		ds_buf_puts(&b, ",\"coverage\":");
		json_num(&b, fs.coverage);
		ds_buf_puts(&b, ",\"ranges\":[");
		for (size_t k = 0; k < fs.nranges; k++)
			ds_buf_printf(&b, "%s[%zu,%zu]", k ? "," : "", json_off(r, fs.ranges[k].start, 0),
				      json_off(r, fs.ranges[k].end, 1));
		ds_buf_puts(&b, "]}");
	}
	ds_buf_putc(&b, ']');
	ds_buf_printf(&b, ",\"threshold\":%.4f,\"tokens\":%zu,\"words\":%zu,\"judged\":%s",
		      r->threshold, r->doc->ntok, r->doc->n_words, r->unjudged ? "false" : "true");
	if (r->unjudged)
		ds_buf_printf(&b, ",\"reason\":\"%s\"", r->unjudged);
	if (r->model == DS_MODEL_SOLO)
		ds_buf_printf(&b,
			      ",\"content_words\":%zu,\"out_of_place\":%zu,\"common_pairs\":%zu,"
			      "\"unseen_pairs\":%zu",
			      r->ev.n_content, r->ev.n_anom, r->ev.n_pairs, r->ev.n_unseen);
	if (r->doc->date[0])
		ds_buf_printf(&b, ",\"date\":\"%s\"", r->doc->date);
	ds_buf_puts(&b, ",\"substitutions\":[");
	for (size_t i = 0; i < r->ev.nsubs; i++) {
		struct ds_sub s;
		ds_result_sub(r, i, &s);
		ds_buf_puts(&b, i ? ",{\"start\":" : "{\"start\":");
		ds_buf_size(&b, json_off(r, s.start, 0));
		ds_buf_puts(&b, ",\"end\":");
		ds_buf_size(&b, json_off(r, s.end, 1));
		ds_buf_puts(&b, ",\"text\":\"");
		ds_buf_json_str(&b, s.text, strlen(s.text));
		ds_buf_puts(&b, "\",\"original\":\"");
		ds_buf_json_str(&b, s.original, strlen(s.original));
		ds_buf_puts(&b, "\",\"evidence\":\"");
		ds_buf_puts(&b, ds_evidence_name(s.evidence));
		ds_buf_puts(&b, "\",\"gain\":");
		json_num(&b, s.gain);
		ds_buf_puts(&b, ",\"p\":");
		if (s.p >= 0)
			json_num(&b, s.p);
		else
			ds_buf_puts(&b, "null");
		ds_buf_puts(&b, ",\"why\":\"");
		ds_buf_json_str(&b, s.why, strlen(s.why));
		ds_buf_puts(&b, "\"}");
	}
	if (ds_buf_puts(&b, "]}")) {
		ds_buf_free(&b);
		return NULL;
	}
	return b.data;
}

char *ds_result_restore(const struct ds_result *r, size_t *len)
{
	return ds_result_restore_p(r, DS_RESTORE_MIN_P, len, NULL);
}

/* After a flag put back as nothing (a template whose first alternative is
 * empty, "{|very|really}"), at pos in src[0..n): one of the spaces around
 * it goes, so that "a {|very} hard" reads "a hard" and "it {|too}." reads
 * "it.".  The space after it goes when out ends in a space or a line's
 * start; else out's last space when punctuation or the end follows.
 * Returns the new pos. */
static size_t drop_gap(struct ds_buf *out, const char *src, size_t n, size_t pos)
{
	static const char closing[] = ",.;:!?)\r\n";
	char prev = out->len ? out->data[out->len - 1] : '\n';
	char next = pos < n ? src[pos] : '\n';
	if ((prev == ' ' || prev == '\n') && next == ' ')
		return pos + 1;
	if (prev == ' ' && memchr(closing, next, sizeof closing - 1))
		out->len--;
	return pos;
}

char *ds_result_restore_p(const struct ds_result *r, double min_p, size_t *len, size_t *left)
{
	struct ds_buf b = DS_BUF_INIT;
	size_t pos = r->doc->body_start, kept = 0;
	/* the date header stays as it was */
	ds_buf_append(&b, r->doc->text, pos);
	for (size_t i = 0; i < r->ev.nsubs; i++) {
		const struct ds_ev_sub *s = &r->ev.subs[i];
		const char *t;
		if (s->start < pos)
			continue;
		if (s->p < min_p) {
			kept++;
			continue;
		}
		t = sub_restored(r, i);
		ds_buf_append(&b, r->doc->text + pos, s->start - pos);
		ds_buf_puts(&b, t);
		pos = s->end;
		if (!*t)
			pos = drop_gap(&b, r->doc->text, r->doc->len, pos);
	}
	if (ds_buf_append(&b, r->doc->text + pos, r->doc->len - pos)) {
		ds_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	if (left)
		*left = kept;
	return b.data;
}

/* The UTF-8 text s written in Windows-1252 at the end of b: 0, DS_ENOMEM,
 * or DS_EINVAL (b unchanged) when a character of s has no byte there. */
static int put_cp1252(struct ds_buf *b, const char *s)
{
	size_t n = strlen(s), at = b->len;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = ds_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		int c = l ? ds_to_cp1252(cp) : -1;
		if (c < 0) {
			b->len = at;
			return DS_EINVAL;
		}
		if (ds_buf_putc(b, (char)c))
			return DS_ENOMEM;
		i += l;
	}
	return 0;
}

char *ds_result_restore_page(const struct ds_result *r, const char *page, size_t page_len,
			     double min_p, int how, size_t *len, size_t *left, size_t *unfit)
{
	struct ds_buf b = DS_BUF_INIT;
	size_t pos = 0, kept = 0, unfitting = 0;
	int markup = how != DS_RESTORE_LEGACY;
	if (!r->page)
		return NULL;
	for (size_t i = 0; i < r->ev.nsubs; i++) {
		const struct ds_ev_sub *s = &r->ev.subs[i];
		size_t ps = json_off(r, s->start, 0), pe = json_off(r, s->end, 1);
		const char *t = sub_restored(r, i);
		int rc;
		if (s->start < r->doc->body_start)
			continue;
		if (s->p < min_p) {
			kept++;
			continue;
		}
		/* words whose bytes hold markup (<b>big</b> dog) are left: put
		 * back, the markup would be lost */
		if (ps < pos || pe > page_len || pe < ps ||
		    (markup && memchr(page + ps, '<', pe - ps))) {
			unfitting++;
			continue;
		}
		/* put back as the page's text: markup escaped, and past ASCII
		 * as references on a page not in UTF-8; in a legacy text's
		 * encoding, or left when it has no byte for a character */
		if ((rc = ds_buf_append(&b, page + pos, ps - pos)) == 0)
			rc = markup ? ds_html_escape(&b, t, strlen(t),
						     how == DS_RESTORE_PAGE_REFS ? DS_HTML_REFS : 0)
				    : put_cp1252(&b, t);
		if (rc == DS_EINVAL) {
			b.len -= ps - pos; /* the bytes before it go with the next */
			unfitting++;
			continue;
		}
		if (rc) {
			ds_buf_free(&b);
			return NULL;
		}
		pos = *t ? pe : drop_gap(&b, page, page_len, pe);
	}
	if (ds_buf_append(&b, page + pos, page_len - pos) || !b.data) {
		ds_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	if (left)
		*left = kept;
	if (unfit)
		*unfit = unfitting;
	return b.data;
}

/* Model files whose loaders check every index unless the file is stamped. */
static int has_tables(const char *file)
{
	return strcmp(file, "lex.bin") == 0 || strcmp(file, "vec.bin") == 0;
}

/* Loads such a file without a stamp, so its tables are checked in full. */
static int check_tables(const char *file, const char *path, struct ds_err *err)
{
	if (strcmp(file, "lex.bin") == 0) {
		struct ds_lex *lex = ds_lex_load(path, err);
		ds_lex_free(lex);
		if (lex)
			return 0;
	} else {
		struct ds_vec *vec = ds_vec_load(path, err);
		ds_vec_free(vec);
		if (vec)
			return 0;
	}
	return err->code ? err->code : DS_ECORRUPT;
}

int ds_model_check_file(const char *path, ds_model_ok_fn fn, void *ctx, struct ds_err *err)
{
	struct ds_err e = {0};
	struct ds_lm *mix;
	const char *what;
	char kind[9];
	uint32_t version;
	int rc = ds_bin_check_file(path, kind, &version, &e);
	/* a model despin reads but does not check (it has no checksum): what
	 * it is, rather than a rebuild */
	if (rc == DS_EFORMAT && (what = ds_lm_foreign_kind(path)) != NULL)
		ds_err_set(&e, rc, "%s: not a despin model file (%s: 'despin lm convert' makes one)",
			   path, what);
	if (!rc && fn)
		fn(ctx, path, kind, version);
	if (rc || strcmp(kind, DS_LM_MIX_KIND) != 0)
		goto done;
	/* a sound mixture file is of no use when its components are not
	 * where it finds them, or are no longer the files it was built from:
	 * loading it says which */
	if (!(mix = ds_lm_load(path, &e))) {
		rc = e.code ? e.code : DS_ECORRUPT;
		goto done;
	}
	for (int i = 0; !rc && i < ds_lm_mix_weights(mix, NULL); i++) {
		const char *p = ds_lm_path(ds_lm_mix_part(mix, i));
		rc = ds_bin_check_file(p, kind, &version, &e);
		if (!rc && fn)
			fn(ctx, p, kind, version);
	}
	ds_lm_free(mix);
done:
	if (rc && err)
		*err = e;
	return rc;
}

int ds_models_check(const char *dir, ds_models_check_fn fn, void *ctx)
{
	static const struct {
		const char *file;
		int optional;
	} files[] = {{"lm.bin", 0},  {"lex.bin", 0}, {"scorer.bin", 0}, {"vec.bin", 1},
		     {"bg.bin", 1},  {"mix.bin", 1}, {DS_CANDTAB_FILE, 1}};
	int first = 0;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[4096], stamp[4200], kind[9];
		uint32_t version;
		struct ds_err err = {0};
		int rc;
		snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
		if (files[i].optional && access(path, F_OK) != 0)
			continue;
		/* the lexicon's and the word vectors' tables are checked in full
		 * (their loaders skip that for a stamped file): before the stamp
		 * is renewed */
		snprintf(stamp, sizeof stamp, "%s.checked", path);
		unlink(stamp);
		rc = ds_model_check_file(path, NULL, NULL, &err);
		if (!rc && has_tables(files[i].file)) {
			unlink(stamp);
			rc = check_tables(files[i].file, path, &err);
			if (!rc)
				rc = ds_bin_check_file(path, kind, &version, &err);
		}
		if (fn)
			fn(ctx, path, rc, &err);
		if (rc && !first)
			first = rc;
	}
	return first;
}
