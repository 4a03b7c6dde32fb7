/* test_change.c - evidence against a source with the change model, with
 * the models of models/ (built by make models): the lexicon's swap flagged
 * by the rules, the change model's ratios and dump, and changes that are
 * never spin evidence (house style, function words, unrelated words). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "evidence.h"
#include "lex.h"
#include "lm.h"
#include "logit.h"
#include "t.h"
#include "text.h"
#include "vec.h"

static struct ds_lm *lm;
static struct ds_lex *lex;
static struct ds_vec *vec;

static const char SRC[] =
	"The city council met on Tuesday to discuss the new budget for the coming year. "
	"Members said the plan would raise taxes on large companies and cut spending on roads. "
	"Mr. Smith, who leads the council, said the vote is not expected before March. "
	"The mayor has three weeks to answer the proposal and may ask for changes. "
	"Residents will be able to comment at a public meeting next month in the old library.\n";

/* the same text, one word swapped by a spinner ("big" for "large") and
 * house-style edits an editor makes ("Mr" for "Mr.", "isn't" for "is not",
 * "3" for "three") */
static const char ART[] =
	"The city council met on Tuesday to discuss the new budget for the coming year. "
	"Members said the plan would raise taxes on big companies and cut spending on roads. "
	"Mr Smith, who leads the council, said the vote isn't expected before March. "
	"The mayor has 3 weeks to answer the proposal and may ask for changes. "
	"Residents will be able to comment at a public meeting next month in the old library.\n";

static struct ds_doc *doc_of(struct ds_ev_ctx *c, const char *text)
{
	struct ds_err err;
	struct ds_doc *d = ds_doc_new(text, strlen(text), "t", 0, &err);
	if (d && ds_doc_stem(d, ds_ev_stemmer(c))) {
		ds_doc_free(d);
		return NULL;
	}
	return d;
}

/* Computes the evidence of art against src (src NULL: solo). */
static int compute(struct ds_ev_ctx *c, const char *art, const char *src, struct ds_ev *ev)
{
	struct ds_err err;
	struct ds_doc *a = doc_of(c, art), *s = src ? doc_of(c, src) : NULL;
	struct ds_align *al = s ? ds_align_new(a, s, &err) : NULL;
	int rc = a && (!src || al) ? ds_ev_compute(c, a, s, al, ev) : -1;
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
	return rc;
}

static const struct ds_ev_sub *sub_at(const struct ds_ev *ev, const char *art, const char *word)
{
	const char *p = strstr(art, word);
	for (size_t i = 0; p && i < ev->nsubs; i++)
		if (ev->subs[i].start == (uint32_t)(p - art))
			return &ev->subs[i];
	return NULL;
}

/* Without a change model: the lexicon's swap is flagged with the source's
 * word as the original and the fixed probability of a related pair. */
T_TEST(swap_by_rules)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	const struct ds_ev_sub *s;
	T_EQ_INT(compute(c, ART, SRC, &ev), 0);
	s = sub_at(&ev, ART, "big");
	T_OK(s != NULL);
	if (s) {
		T_EQ_STR(ds_ev_str(&ev, s->orig), "large");
		T_EQ_INT(s->kind, DS_EV_SOURCE);
		T_NEAR(s->p, DS_EV_SOURCE_P_REL, 1e-6);
		T_EQ_INT(s->src_start, (uint32_t)(strstr(SRC, "large") - SRC));
	}
	T_OK(ev.f[DS_F_MATCHED] > 0.9 && ev.f[DS_F_MATCHED] < 1);
	T_NEAR(ev.f[DS_F_LLR], 0, 0);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

struct dump {
	size_t n;
	double x[8][DS_NCHGF];
	uint32_t start[8];
};

static void on_change(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
		      const double x[DS_NCHGF])
{
	struct dump *d = ud;
	(void)doc;
	(void)end;
	if (d->n < 8) {
		memcpy(d->x[d->n], x, sizeof d->x[0]);
		d->start[d->n] = start;
	}
	d->n++;
}

/* With a change model: only the swap is weighed and dumped (house style and
 * numbers are never spin evidence, not even for fitting); its log odds are
 * the article's ratio. */
T_TEST(change_model)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	struct ds_chg_model cm;
	struct dump d = {0};
	const struct ds_ev_sub *s;
	memset(&cm, 0, sizeof cm);
	for (int i = 0; i < DS_NCHGF; i++)
		cm.sd[i] = 1;
	cm.coef[DS_CF_BIAS] = 2.0; /* log odds 2 for every change weighed */
	cm.vec_cut = 0.2;
	ds_ev_set_change_model(c, &cm);
	ds_ev_set_change_dump(c, on_change, &d);
	ds_ev_set_vec(c, vec);
	T_EQ_INT(compute(c, ART, SRC, &ev), 0);
	T_EQ_INT(d.n, 1); /* big; not Mr, isn't, 3 */
	T_EQ_INT(d.start[0], (uint32_t)(strstr(ART, "big") - ART));
	T_NEAR(d.x[0][DS_CF_ONE], 1, 0);
	T_NEAR(d.x[0][DS_CF_CTX], 1, 0);
	T_NEAR(d.x[0][DS_CF_NW], 2, 0);
	T_OK(d.x[0][DS_CF_LEXW] > 0);
	T_NEAR(d.x[0][DS_CF_VECUNK], 0, 0);
	T_OK(d.x[0][DS_CF_VEC] > 0.2);
	T_NEAR(ev.f[DS_F_LLR], 2.0, 1e-6);
	T_EQ_INT(ev.nsubs, 1);
	s = sub_at(&ev, ART, "big");
	T_OK(s != NULL);
	if (s)
		T_NEAR(s->p, ds_sigmoid(2.0), 1e-6);
	/* a model that finds every change an editor's flags nothing */
	cm.coef[DS_CF_BIAS] = -2.0;
	T_EQ_INT(compute(c, ART, SRC, &ev), 0);
	T_EQ_INT(ev.nsubs, 0);
	T_NEAR(ev.f[DS_F_LLR], -2.0, 1e-6);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* Never spin evidence, whatever the model says: a function word swapped
 * ("the" for "a") is not even dumped; words with no relation (no lexicon
 * pair, no two steps, vectors under the cut) are dumped, for fitting the
 * cut, but not weighed. */
T_TEST(never_spin)
{
	static const char ARTU[] =
		"The city council met on Tuesday to discuss a new budget for the coming year. "
		"Members said the plan would raise taxes on large companies and cut spending on purple. "
		"Mr. Smith, who leads the council, said the vote is not expected before March. "
		"The mayor has three weeks to answer the proposal and may ask for changes. "
		"Residents will be able to comment at a public meeting next month in the old library.\n";
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	struct ds_chg_model cm;
	struct dump d = {0};
	memset(&cm, 0, sizeof cm);
	for (int i = 0; i < DS_NCHGF; i++)
		cm.sd[i] = 1;
	cm.coef[DS_CF_BIAS] = 9.0; /* the model would call any change spin */
	cm.vec_cut = 0.99;
	ds_ev_set_change_model(c, &cm);
	ds_ev_set_change_dump(c, on_change, &d);
	ds_ev_set_vec(c, vec);
	T_EQ_INT(compute(c, ARTU, SRC, &ev), 0);
	T_EQ_INT(d.n, 1); /* purple */
	T_EQ_INT(d.start[0], (uint32_t)(strstr(ARTU, "purple") - ARTU));
	T_NEAR(d.x[0][DS_CF_LEXW], 0, 0);
	T_NEAR(d.x[0][DS_CF_LEX2], 0, 0);
	T_EQ_INT(ev.nsubs, 0);
	T_NEAR(ev.f[DS_F_LLR], 0, 0);
	/* over the cut, the same change is weighed */
	cm.vec_cut = -1;
	T_EQ_INT(compute(c, ARTU, SRC, &ev), 0);
	T_EQ_INT(ev.nsubs, 1);
	T_NEAR(ev.f[DS_F_LLR], 9.0, 1e-6);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

int main(void)
{
	struct ds_err err;
	lm = ds_lm_load("models/lm.bin", &err);
	lex = lm ? ds_lex_load("models/lex.bin", &err) : NULL;
	vec = lex ? ds_vec_load("models/vec.bin", &err) : NULL;
	if (!vec) {
		printf("# models missing (make models): %s\n", err.msg);
		return 1;
	}
	T_RUN(swap_by_rules);
	T_RUN(change_model);
	T_RUN(never_spin);
	ds_vec_free(vec);
	ds_lex_free(lex);
	ds_lm_free(lm);
	return t_done();
}
