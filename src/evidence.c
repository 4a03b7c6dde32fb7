/*
 * evidence.c - the evidence driver (see evidence.h): the per-thread
 * context, ds_ev_compute, and helpers the evidence files share.
 *
 * The central quantity is the gain of a candidate original: how many log10
 * units more probable the language model finds the text when the original
 * is put back in the slot, summed over the slot and the DS_EV_FOLLOW tokens
 * after it.  It compares the article with itself, so the article's own topic
 * and style cancel out.
 */
#include "evidence_int.h"
#include "logit.h"
#include "solocal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stem.h"

const char *const ds_feat_names[DS_NFEAT] = {
	"bias", "loglen", "slots", "g05", "g1", "g2", "gmean", "gmed", "grel",
	"lp", "oov", "func", "uni", "phrase", "ctx", "lowoov", "gtop", "f05", "fmean", "pmean", "phi", "ptop", "psum", "phi8", "has_src", "cover", "matched",
	"subrate", "editrate", "subrel", "subgain", "names", "small", "spinshare", "bigshare", "density",
	"llr", "nchg", "nflag"
};

struct ds_ev_ctx *ds_ev_ctx_new(const struct ds_lm *lm, const struct ds_lex *lex)
{
	struct ds_ev_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->lm = lm;
	c->lex = lex;
	c->ctab_max = CTAB_MAX;
	c->st = ds_stemmer_new();
	if (!c->st) {
		free(c);
		return NULL;
	}
	return c;
}

void ds_ev_ctx_free(struct ds_ev_ctx *c)
{
	if (!c)
		return;
	ds_ev_set_share(c, NULL);
	ds_gbt_flat_free(c->sm_flat);
	ds_stemmer_free(c->st);
	ds_lm_seq_free(&c->seq);
	free(c->before);
	free(c->lp);
	free(c->nlen);
	free(c->tokpos);
	free(c->gains);
	free(c->probs);
	free(c->ftmp);
	free(c->ctab);
	ds_strtab_free(&c->phrases);
	free(c->cands);
	ds_buf_free(&c->ctext);
	ds_strtab_free(&c->words);
	free(c->wordv);
	free(c->names);
	free(c);
}

void ds_ev_set_solocal(struct ds_ev_ctx *c, const struct ds_solocal *sc)
{
	c->sc = sc;
}

void ds_ev_set_vec(struct ds_ev_ctx *c, const struct ds_vec *vec)
{
	if (c->vec != vec)
		ev_cand_reset(c); /* the candidates beyond the lexicon's pairs change */
	c->vec = vec;
}

void ds_ev_set_slot_model(struct ds_ev_ctx *c, const struct ds_slot_model *sm)
{
	c->sm = sm;
	ds_gbt_flat_free(c->sm_flat);
	/* short of memory, NULL: the model's own trees are walked */
	c->sm_flat = sm && sm->trees.ntrees ? ds_gbt_flat_new(&sm->trees) : NULL;
}

double ev_slot_prob(const struct ds_ev_ctx *c, const double x[DS_NSLOTF])
{
	return c->sm_flat ? ds_sigmoid(ds_gbt_flat_logit(c->sm_flat, x)) : ds_slot_prob(c->sm, x);
}

double ds_slot_logit(const struct ds_slot_model *sm, const double x[DS_NSLOTF])
{
	if (sm->trees.ntrees)
		return ds_gbt_logit(&sm->trees, x);
	return ds_logit_odds(x, DS_NSLOTF, sm->mean, sm->sd, sm->coef);
}

double ds_slot_prob(const struct ds_slot_model *sm, const double x[DS_NSLOTF])
{
	return ds_sigmoid(ds_slot_logit(sm, x));
}

void ds_ev_set_slot_dump(struct ds_ev_ctx *c, ds_ev_slot_fn fn, void *ud)
{
	c->dump = fn;
	c->dump_ud = ud;
}

void ds_ev_set_change_model(struct ds_ev_ctx *c, const struct ds_chg_model *cm)
{
	c->cm = cm;
}

void ds_ev_set_change_dump(struct ds_ev_ctx *c, ds_ev_chg_fn fn, void *ud)
{
	c->chg_dump = fn;
	c->chg_ud = ud;
}

struct ds_stemmer *ds_ev_stemmer(struct ds_ev_ctx *c)
{
	return c->st;
}

void ds_ev_clear(struct ds_ev *ev)
{
	free(ev->subs);
	ds_buf_free(&ev->strs);
	memset(ev, 0, sizeof *ev);
}

/* ---- helpers ---- */

static const char *const FUNCTION_WORDS[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "among",
	"an", "and", "any", "are", "as", "at", "be", "because", "been", "before",
	"being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
	"down", "during", "each", "few", "for", "from", "further", "had", "has",
	"have", "having", "he", "her", "here", "hers", "him", "his", "how", "i", "if",
	"in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more",
	"most", "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on",
	"once", "only", "or", "other", "our", "out", "over", "own", "same", "shall",
	"she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "this", "those", "through", "to", "too",
	"toward", "towards", "under", "until", "up", "upon", "very", "was", "we",
	"were", "what", "when", "where", "which", "while", "who", "whom", "why",
	"will", "with", "within", "would", "you", "your", NULL
};

/* The function words as a set of their hashes, built once. */
#define FW_SLOTS 256
_Static_assert(DS_HMAP_FIXED_OK(FW_SLOTS), "FW_SLOTS: a power of two, at least 2");
static uint64_t fw_key[FW_SLOTS];
static uint32_t fw_val[FW_SLOTS];
static struct ds_hmap fw_set;
static pthread_once_t fw_once = PTHREAD_ONCE_INIT;

static void fw_init(void)
{
	ds_hmap_init_fixed(&fw_set, fw_key, fw_val, FW_SLOTS);
	for (size_t i = 0; FUNCTION_WORDS[i]; i++)
		ds_hmap_put(&fw_set, ds_hash64(FUNCTION_WORDS[i], strlen(FUNCTION_WORDS[i]), 7), 1,
			    NULL, NULL, NULL);
}

int ev_is_function_word(const char *w, size_t n)
{
	pthread_once(&fw_once, fw_init);
	return ds_hmap_find(&fw_set, ds_hash64(w, n, 7), NULL, NULL) != NULL;
}

/* Lower-cased text of doc tokens [b, e) joined by single spaces, words only;
 * returns its length or 0 if it does not fit or holds punctuation. */
size_t ev_phrase_of(const struct ds_doc *d, uint32_t b, uint32_t e, char *out, size_t size)
{
	size_t n = 0;
	for (uint32_t i = b; i < e; i++) {
		size_t l = d->tok[i].norm_len;
		if (d->tok[i].kind == DS_TOK_PUNCT)
			continue;
		if (n + l + 2 > size)
			return 0;
		if (n)
			out[n++] = ' ';
		memcpy(out + n, d->pool + d->tok[i].lower, l);
		n += l;
	}
	out[n] = 0;
	return n;
}

int ev_add_sub(struct ds_ev *ev, const struct ds_doc *doc, uint32_t tb, uint32_t te,
		   const struct ds_doc *src, uint32_t sb, uint32_t se, const char *orig,
		   size_t olen, const char *why, double gain, float weight, int kind, int lexrel)
{
	struct ds_ev_sub *s;
	if (ds_grow(&ev->subs, &ev->subs_cap, ev->nsubs + 1, sizeof *ev->subs))
		return DS_ENOMEM;
	s = &ev->subs[ev->nsubs];
	memset(s, 0, sizeof *s);
	s->tok_begin = tb;
	s->tok_end = te;
	s->start = doc->tok[tb].start;
	s->end = doc->tok[te - 1].end;
	if (src && sb < se) {
		s->src_start = src->tok[sb].start;
		s->src_end = src->tok[se - 1].end;
	}
	s->orig = (uint32_t)ev->strs.len;
	if (ds_buf_append(&ev->strs, orig, olen) || ds_buf_putc(&ev->strs, 0))
		return DS_ENOMEM;
	s->cased = DS_EV_NO_CASED;
	if (src && sb < se) {
		/* the source's own capitalisation, for restoring proper nouns */
		s->cased = (uint32_t)ev->strs.len;
		s->src_first = (uint8_t)ds_tok_opens_sent(src, sb);
		for (uint32_t i = sb, n = 0; i < se; i++) {
			if (src->tok[i].kind == DS_TOK_PUNCT)
				continue;
			if ((n++ && ds_buf_putc(&ev->strs, ' ')) ||
			    ds_buf_append(&ev->strs, src->pool + src->tok[i].norm, src->tok[i].norm_len))
				return DS_ENOMEM;
		}
		if (ds_buf_putc(&ev->strs, 0))
			return DS_ENOMEM;
	}
	s->why = (uint32_t)ev->strs.len;
	if (ds_buf_puts(&ev->strs, why) || ds_buf_putc(&ev->strs, 0))
		return DS_ENOMEM;
	s->gain = (float)gain;
	s->weight = weight;
	s->kind = (uint8_t)kind;
	s->lexrel = (uint8_t)lexrel;
	s->p = -1;
	ev->nsubs++;
	return 0;
}

static int cmp_sub(const void *a, const void *b)
{
	const struct ds_ev_sub *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int ds_ev_uses_source(const struct ds_align *al, const struct ds_ev *ev)
{
	const struct ds_tune *t = &ds_tune_default;
	return al && al->npairs > 0 &&
	       ((al->npairs >= t->min_pairs && ev->f[DS_F_COVER] >= t->min_cover) ||
		ev->f[DS_F_COVER] >= t->min_cover_few);
}

/* An article judged against its source: its words outside the sentences
 * paired with the source (the words ev_source_pass leaves uncovered) are
 * judged on their own if there are enough of them. */
static enum ev_skip rest_skip(const struct ds_align *al)
{
	return al->a_words - al->a_words_paired >= ds_tune_default.rest_min_words
		       ? EV_SKIP_COVERED : EV_SKIP_ALL;
}

/* What the solo pass leaves out: an article judged against its source,
 * the words the source covers (rest_skip); one judged on its own but too
 * short to judge, the candidate search (its score is 0 whatever its slots
 * say; while slots or changes are dumped for a fit, every text gets it). */
static enum ev_skip solo_skip(const struct ds_ev_ctx *c, const struct ds_doc *doc,
			      const struct ds_align *al, const uint8_t *covered,
			      const struct ds_ev *ev)
{
	if (covered && ds_ev_uses_source(al, ev))
		return rest_skip(al);
	if (!c->dump && !c->chg_dump && doc->n_words < ds_solocal_min_words(c->sc))
		return EV_SKIP_SHORT;
	return EV_SKIP_NONE;
}

int ds_ev_fluency(struct ds_ev_ctx *c, const struct ds_doc *doc, double *lp)
{
	struct ds_ev ev;
	int rc;
	memset(&ev, 0, sizeof ev);
	rc = ev_lm_pass(c, doc, &ev);
	*lp = rc ? 0 : ev_sentence_fluency(c, doc, &ev);
	ds_ev_clear(&ev);
	return rc;
}

int ds_ev_compute(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		  const struct ds_align *al, struct ds_ev *ev)
{
	uint8_t *covered = NULL;
	int rc;
	ds_ev_clear(ev);
	ev->f[DS_F_BIAS] = 1;
	ev->f[DS_F_LOGLEN] = log1p((double)doc->n_words);
	rc = ev_lm_pass(c, doc, ev);
	if (rc)
		return rc;
	if (src && al) {
		covered = calloc(doc->ntok + 1, 1);
		if (!covered)
			return DS_ENOMEM;
		ev_paired_fluency(c, doc, al, ev);
		rc = ev_source_pass(c, doc, src, al, covered, ev);
		if (rc)
			goto out;
	}
	rc = ev_solo_pass(c, doc, covered, solo_skip(c, doc, al, covered, ev), ev);
	if (!rc)
		rc = ev_template_pass(c, doc, ev);
	if (rc)
		goto out;
	if (ev->nsubs > 1)
		qsort(ev->subs, ev->nsubs, sizeof *ev->subs, cmp_sub);
out:
	free(covered);
	return rc;
}
