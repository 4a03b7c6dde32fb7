/* test_evidence.c - evidence against a source and on its own, with the
 * models of models/ (built by make models): a lexicon swap flagged with its
 * original, an identical copy with none, solo evidence higher on spun text
 * than on clean text, common words never seen together in a round trip,
 * no lexicon no candidates, feature names, the change
 * model's ratios and dump, changes that are never spin evidence (house
 * style, function words, unrelated words), the cache of candidate
 * originals and the table of them built with the models, and the same
 * results again and from threads computing at once, and the fluency of
 * the sentences paired with the source, and a spinner's templates left in
 * the text. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "candtab.h"
#include "evidence.h"
#include "evidence_int.h"
#include "lex.h"
#include "solocal.h"
#include "lm.h"
#include "logit.h"
#include "score.h"
#include "t.h"
#include "text.h"
#include "vec.h"

static struct ds_lm *lm;
static struct ds_lex *lex;
static struct ds_vec *vec;
static struct ds_scorer *scorer;

static const char SRC[] =
	"The city council met on Tuesday to discuss the new budget for the coming year. "
	"Members said the plan would raise taxes on large companies and cut spending on roads. "
	"Mr. Smith, who leads the council, said the vote is not expected before March. "
	"The mayor has three weeks to answer the proposal and may ask for changes. "
	"Residents will be able to comment at a public meeting next month in the old library.\n";

/* the same text with one word swapped by a spinner: "big" for "large" */
static const char ART[] =
	"The city council met on Tuesday to discuss the new budget for the coming year. "
	"Members said the plan would raise taxes on big companies and cut spending on roads. "
	"Mr. Smith, who leads the council, said the vote is not expected before March. "
	"The mayor has three weeks to answer the proposal and may ask for changes. "
	"Residents will be able to comment at a public meeting next month in the old library.\n";

/* the same text through a word spinner: most content words swapped for a
 * thesaurus entry */
static const char SPUN[] =
	"The metropolis assembly met on Tuesday to talk over the novel fund for the approaching "
	"twelvemonth. Associates said the scheme would elevate levies on big corporations and "
	"slash expenditure on thoroughfares. Mr. Smith, who heads the assembly, said the ballot "
	"is not anticipated prior to March. The mayor has three weeks to reply the suggestion "
	"and may request for alterations. Inhabitants will be capable to remark at a populace "
	"gathering following month in the aged bibliotheca.\n";

/* the same text, one word swapped by a spinner ("big" for "large") and
 * house-style edits an editor makes ("Mr" for "Mr.", "isn't" for "is not",
 * "3" for "three") */
static const char ART_HOUSE[] =
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
	struct ds_align *al = s && a ? ds_align_new(a, s, &err) : NULL;
	int rc = a && (!src || al) ? ds_ev_compute(c, a, s, al, ev) : -1;
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
	return rc;
}

/* A context set up as the detector sets it: slot model and word vectors. */
static struct ds_ev_ctx *ctx_new(void)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	if (c) {
		ds_ev_set_slot_model(c, &scorer->slot);
		ds_ev_set_vec(c, vec);
	}
	return c;
}

static const struct ds_ev_sub *sub_at(const struct ds_ev *ev, const char *art, const char *word)
{
	const char *p = strstr(art, word);
	for (size_t i = 0; p && i < ev->nsubs; i++)
		if (ev->subs[i].start == (uint32_t)(p - art))
			return &ev->subs[i];
	return NULL;
}

/* Two results the same to the bit: features, counts and flags. */
static int same_ev(const struct ds_ev *a, const struct ds_ev *b)
{
	if (memcmp(a->f, b->f, sizeof a->f) != 0 || a->nsubs != b->nsubs ||
	    a->n_slots != b->n_slots || a->n_tokens != b->n_tokens || a->logprob != b->logprob)
		return 0;
	for (size_t i = 0; i < a->nsubs; i++) {
		const struct ds_ev_sub *x = &a->subs[i], *y = &b->subs[i];
		if (x->start != y->start || x->end != y->end || x->kind != y->kind ||
		    x->gain != y->gain || x->p != y->p ||
		    strcmp(ds_ev_str(a, x->orig), ds_ev_str(b, y->orig)) != 0)
			return 0;
	}
	return 1;
}

/* Names all given, none twice. */
static void names_ok(const char *const *names, int n, const char *what)
{
	for (int i = 0; i < n; i++) {
		if (!names[i] || !names[i][0]) {
			T_FAIL("%s %d has no name", what, i);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (names[j] && strcmp(names[i], names[j]) == 0)
				T_FAIL("%s %d and %d both named %s", what, j, i, names[i]);
	}
}

T_TEST(feature_names)
{
	names_ok(ds_feat_names, DS_NFEAT, "feature");
	names_ok(ds_slotf_names, DS_NSLOTF, "slot feature");
	T_EQ_STR(ds_feat_names[DS_F_BIAS], "bias");
	T_EQ_STR(ds_slotf_names[DS_SF_BIAS], "bias");
}

/* A short form with no vowel whose letters the long form has in order is
 * house style; a word of its own ("act", "war", "mins") is not; two number
 * words are a figure. */
T_TEST(abbreviations_and_number_words)
{
#define AB(a, b) ev_abbreviates(a, strlen(a), b, strlen(b))
#define NW(a, b) ev_number_words(a, strlen(a), b, strlen(b))
	T_OK(AB("pct", "percent"));
	T_OK(AB("pct", "per centum"));
	T_OK(AB("mln", "million"));
	T_OK(AB("dlrs", "dollars"));
	T_OK(AB("cts", "cents"));
	T_OK(!AB("percent", "pct"));   /* the long form written */
	T_OK(!AB("act", "action"));    /* a word of its own */
	T_OK(!AB("war", "warfare"));
	T_OK(!AB("mins", "minutes"));
	T_OK(!AB("pt", "percent"));    /* too short */
	T_OK(!AB("ptc", "percent"));   /* not in order */
	T_OK(!AB("tcp", "percent"));   /* another first letter */
	T_OK(!AB("prcnt", "percent")); /* over three fifths */
	T_OK(NW("billion", "million"));
	T_OK(NW("two", "three"));
	T_OK(!NW("two", "pair"));
	T_OK(!NW("a million", "billion"));
#undef AB
#undef NW
}

T_TEST(identical_copy)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	T_EQ_INT(compute(c, SRC, SRC, &ev), 0);
	T_EQ_INT(ev.nsubs, 0);
	T_NEAR(ev.f[DS_F_BIAS], 1, 0);
	T_NEAR(ev.f[DS_F_HAS_SRC], 1, 0);
	T_NEAR(ev.f[DS_F_COVER], 1, 1e-9);
	T_NEAR(ev.f[DS_F_MATCHED], 1, 1e-9);
	T_NEAR(ev.f[DS_F_SUBRATE], 0, 0);
	T_NEAR(ev.f[DS_F_EDITRATE], 0, 0);
	T_NEAR(ev.f[DS_F_DENSITY], 0, 0);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* The fluency of the sentences paired with the source: lines of dialogue
 * the article adds ('"Really?" "Yes."', too short to pair) count in the
 * whole text's, not in it; the shared sentences' is the same to the bit;
 * on its own an article has none.  Nor do they count in the fluency that
 * ranks candidate sources (ds_ev_fluency). */
T_TEST(paired_fluency)
{
	static const char DLG[] =
		"The city council met on Tuesday to discuss the new budget for the coming year.\n"
		"\"Really?\" \"Yes.\"\n"
		"Members said the plan would raise taxes on large companies and cut spending on roads. "
		"Mr. Smith, who leads the council, said the vote is not expected before March.\n"
		"\"Really?\" \"Yes.\"\n"
		"The mayor has three weeks to answer the proposal and may ask for changes. "
		"Residents will be able to comment at a public meeting next month in the old library.\n";
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev same = {0}, added = {0}, solo = {0};
	T_EQ_INT(compute(c, SRC, SRC, &same), 0);
	T_EQ_INT(compute(c, DLG, SRC, &added), 0);
	T_EQ_INT(compute(c, SRC, NULL, &solo), 0);
	T_OK(same.paired_tokens > 60 && same.paired_tokens <= same.n_tokens);
	T_EQ_INT(added.paired_tokens, same.paired_tokens);
	T_NEAR(added.paired_logprob, same.paired_logprob, 1e-9);
	T_OK(added.n_tokens > same.n_tokens);
	T_OK(added.logprob != same.logprob);
	T_EQ_INT(solo.paired_tokens, 0);
	T_NEAR(solo.paired_logprob, 0, 0);
	/* the fluency that ranks candidate sources reads sentences of three
	 * words or more: the dialogue does not count in it either */
	{
		struct ds_doc *a = doc_of(c, SRC), *b = doc_of(c, DLG);
		double la = 0, lb = 1;
		T_OK(a && b);
		T_EQ_INT(a && b ? ds_ev_fluency(c, a, &la) : -1, 0);
		T_EQ_INT(a && b ? ds_ev_fluency(c, b, &lb) : -1, 0);
		T_NEAR(lb, la, 1e-12);
		T_NEAR(la, same.paired_logprob / (double)same.paired_tokens, 1e-12);
		T_OK(la < solo.f[DS_F_LP]); /* the sentences' ends, left out, are probable */
		T_OK(added.f[DS_F_LP] > la); /* over every sentence, more fluent */
		ds_doc_free(a);
		ds_doc_free(b);
	}
	ds_ev_clear(&same);
	ds_ev_clear(&added);
	ds_ev_clear(&solo);
	ds_ev_ctx_free(c);
}

/* A swap's density is per word of the whole article: the same copied
 * paragraph, with its one swap, inside an article that says as much again
 * of its own has half the density and the same flag. */
T_TEST(subrate_per_article_word)
{
	static const char OWN[] =
		"\n\nFarmers north of the river expect an early harvest after a dry spring. "
		"Prices at the weekly market have fallen for the third month in a row. "
		"A new bridge over the canal should open to traffic before the winter. "
		"The school board plans two more classrooms for the growing district. "
		"Local shops will stay open later on Fridays through the end of the year.\n";
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	char *both = malloc(sizeof ART + sizeof OWN);
	double whole, part;
	T_OK(both != NULL);
	if (!both) {
		ds_ev_ctx_free(c);
		return;
	}
	memcpy(both, ART, sizeof ART - 1);
	memcpy(both + sizeof ART - 1, OWN, sizeof OWN);
	T_EQ_INT(compute(c, ART, SRC, &ev), 0);
	whole = ev.f[DS_F_SUBRATE];
	T_EQ_INT(compute(c, both, SRC, &ev), 0);
	part = ev.f[DS_F_SUBRATE];
	T_OK(sub_at(&ev, both, "big") != NULL);
	T_OK(ev.f[DS_F_COVER] > 0.4 && ev.f[DS_F_COVER] < 0.6);
	T_OK(whole > 0);
	T_NEAR(part / whole, ev.f[DS_F_COVER], 0.02);
	ds_ev_clear(&ev);
	free(both);
	ds_ev_ctx_free(c);
}

/* The lexicon lists "large" -> "big": the swap is flagged against the
 * source, with the source's word as the original and the fixed probability
 * of a related pair; nothing else is. */
T_TEST(lexicon_swap)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	struct ds_lex_rel rel;
	const struct ds_ev_sub *s;
	T_OK(ds_lex_relation(lex, ds_ev_stemmer(c), "large", "big", &rel) > 0);
	T_EQ_INT(compute(c, ART, SRC, &ev), 0);
	T_EQ_INT(ev.nsubs, 1);
	s = sub_at(&ev, ART, "big");
	T_OK(s != NULL);
	if (s) {
		T_EQ_INT(s->end - s->start, 3);
		T_EQ_STR(ds_ev_str(&ev, s->orig), "large");
		T_EQ_INT(s->kind, DS_EV_SOURCE);
		T_EQ_INT(s->lexrel, 1);
		T_OK(s->weight > 0);
		T_NEAR(s->p, DS_EV_SOURCE_P_REL, 1e-6);
		T_EQ_INT(s->src_start, (uint32_t)(strstr(SRC, "large") - SRC));
		T_EQ_INT(s->src_end - s->src_start, 5);
		T_OK(strstr(ds_ev_str(&ev, s->why), "large") != NULL);
	}
	T_NEAR(ev.f[DS_F_HAS_SRC], 1, 0);
	T_OK(ev.f[DS_F_MATCHED] > 0.9 && ev.f[DS_F_MATCHED] < 1);
	T_OK(ev.f[DS_F_SUBRATE] > 0);
	T_NEAR(ev.f[DS_F_SUBREL], 1, 1e-9);
	/* ev is reset by each computation: the identical copy has no flag */
	T_EQ_INT(compute(c, SRC, SRC, &ev), 0);
	T_EQ_INT(ev.nsubs, 0);
	ds_ev_clear(&ev);
	T_EQ_INT(ev.nsubs, 0);
	ds_ev_ctx_free(c);
}

/* Without a source: the clean text gets fewer flags and lower gains than
 * the spun one. */
T_TEST(solo_clean_vs_spun)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev clean = {0}, spun = {0};
	const struct ds_ev_sub *s;
	T_EQ_INT(compute(c, SRC, NULL, &clean), 0);
	T_EQ_INT(compute(c, SPUN, NULL, &spun), 0);
	T_NEAR(clean.f[DS_F_HAS_SRC], 0, 0);
	T_NEAR(clean.f[DS_F_BIAS], 1, 0);
	T_OK(clean.f[DS_F_LP] < 0 && clean.f[DS_F_LP] > -8);
	T_OK(clean.n_tokens > 60);
	T_OK(clean.n_slots > 0);
	for (size_t i = 0; i < spun.nsubs; i++) {
		s = &spun.subs[i];
		T_EQ_INT(s->kind, DS_EV_MODEL);
		T_OK(s->gain > 0);
		T_OK(s->end > s->start && s->end <= sizeof SPUN - 1);
		T_OK(ds_ev_str(&spun, s->orig)[0] != '\0');
		T_OK(s->p > 0 && s->p < 1);
	}
	/* a spinner's swaps found with the word they replaced */
	s = sub_at(&spun, SPUN, "reply");
	T_OK(s != NULL);
	if (s)
		T_EQ_STR(ds_ev_str(&spun, s->orig), "answer");
	s = sub_at(&spun, SPUN, "capable");
	T_OK(s != NULL);
	if (s)
		T_EQ_STR(ds_ev_str(&spun, s->orig), "able");
	T_OK(spun.nsubs > clean.nsubs);
	T_OK(spun.f[DS_F_GTOP] > clean.f[DS_F_GTOP]);
	T_OK(spun.f[DS_F_PSUM] > clean.f[DS_F_PSUM]);
	T_OK(spun.f[DS_F_LP] < clean.f[DS_F_LP]);
	/* the solo model of models/scorer.bin agrees */
	T_OK(ds_scorer_prob(scorer, DS_MODEL_SOLO, spun.f) >
	     ds_scorer_prob(scorer, DS_MODEL_SOLO, clean.f));
	ds_ev_clear(&clean);
	ds_ev_clear(&spun);
	ds_ev_ctx_free(c);
}

/* Sentences of a Brown press story (ca06) after a round trip through
 * Esperanto, with the Esperanto words it left out. */
static const char GARBLED[] =
	"It is urgent effort endorse up sinking candidate that proved him can not answer any "
	"questions about New Jersey. Sheets, that is candidate for the Democrat gubernatorial "
	"nomination, today solicited finish to votes in those counties in the state that yet "
	"uses them. The offer, Sheets said, represent part of his program for election reform "
	"necessary do democracy in New Jersey more than a word.\n";

/* Common words side by side that the corpus model never saw together: a
 * round trip has them, the clean text none; counted in every pass. */
T_TEST(unseen_pairs)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev clean = {0}, garbled = {0}, copy = {0};
	T_EQ_INT(compute(c, SRC, NULL, &clean), 0);
	T_EQ_INT(compute(c, GARBLED, NULL, &garbled), 0);
	T_EQ_INT(compute(c, SRC, SRC, &copy), 0);
	T_OK(clean.n_pairs >= 10);
	T_EQ_INT(clean.n_unseen, 0);
	T_OK(garbled.n_pairs >= 10);
	T_OK(garbled.n_unseen >= 2 && garbled.n_unseen <= garbled.n_pairs);
	T_EQ_INT(copy.n_pairs, clean.n_pairs);
	T_EQ_INT(copy.n_unseen, clean.n_unseen);
	ds_ev_clear(&clean);
	ds_ev_clear(&garbled);
	ds_ev_clear(&copy);
	ds_ev_ctx_free(c);
}

/* The slot features of an article's slots, as the slot dump gives them. */
struct slotx {
	double x[2048][DS_NSLOTF];
	size_t n;
};

static void keep_slot(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
		      const double *x)
{
	struct slotx *sx = ud;
	(void)doc, (void)start, (void)end;
	if (sx->n < sizeof sx->x / sizeof sx->x[0])
		memcpy(sx->x[sx->n++], x, sizeof sx->x[0]);
}

/* The spans of an article's slots, their gains and whether they restore a
 * compound name, as the slot dump gives them. */
struct slot_spans {
	uint32_t start[512], end[512];
	double gain[512], compound[512];
	size_t n;
};

static void keep_span(void *ud, const struct ds_doc *doc, uint32_t start, uint32_t end,
		      const double *x)
{
	struct slot_spans *sp = ud;
	(void)doc;
	if (sp->n < sizeof sp->start / sizeof sp->start[0]) {
		sp->start[sp->n] = start;
		sp->end[sp->n] = end;
		sp->gain[sp->n] = x[DS_SF_GAIN];
		sp->compound[sp->n++] = x[DS_SF_COMPOUND];
	}
}

/* The slots of txt, judged on its own, into sp; compute's status. */
static int slot_spans_of(const char *txt, struct slot_spans *sp)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	int rc;
	sp->n = 0;
	ds_ev_set_slot_dump(c, keep_span, sp);
	rc = compute(c, txt, NULL, &ev);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
	return rc;
}

/* The slot of sp over bytes [start, end), or -1. */
static int span_at(const struct slot_spans *sp, size_t start, size_t end)
{
	for (size_t i = 0; i < sp->n; i++)
		if (sp->start[i] == start && sp->end[i] == end)
			return (int)i;
	return -1;
}

/* A number inside a phrase the lexicon holds is part of the slot ("for 12
 * months" -> "for a year"), and a phrase's possessive takes the phrase's
 * originals, possessive too ("this 12 months's" -> "this year's"). */
T_TEST(number_and_possessive_slots)
{
	static const char TXT[] =
		"The city council said on Tuesday that this 12 months's budget is the largest "
		"it has passed, and that taxes on large companies would rise again. "
		"The mayor has waited for 12 months to see the plan, and residents will be able "
		"to comment on it at a public meeting next month in the old library.\n";
	static struct slot_spans sp;
	const char *poss = strstr(TXT, "12 months's"), *plain = strstr(TXT, "12 months to");
	int i;
	T_EQ_INT(slot_spans_of(TXT, &sp), 0);
	i = span_at(&sp, (size_t)(poss - TXT), (size_t)(poss - TXT) + strlen("12 months's"));
	T_OK(i >= 0);
	if (i >= 0)
		T_OK(sp.gain[i] > 0);
	T_OK(span_at(&sp, (size_t)(plain - TXT), (size_t)(plain - TXT) + strlen("12 months")) >= 0);
	/* a number alone is no slot */
	T_OK(span_at(&sp, (size_t)(plain - TXT), (size_t)(plain - TXT) + 2) < 0);
}

/* Two lower-case neighbours are one slot when the pair put back is a phrase
 * the lexicon holds ("jurisprudence shoal" -> "law school"), not when it is
 * any two candidates the language model likes side by side ("delegates
 * said" -> "place had"). */
T_TEST(pair_slots_are_phrases)
{
	static const char TXT[] =
		"After college she went to jurisprudence shoal in Boston, and the delegates said "
		"she worked for a judge for three years before she opened her own office in the "
		"city.\n";
	static struct slot_spans sp;
	const char *law = strstr(TXT, "jurisprudence shoal"), *said = strstr(TXT, "delegates said");
	T_EQ_INT(slot_spans_of(TXT, &sp), 0);
	T_OK(span_at(&sp, (size_t)(law - TXT), (size_t)(law - TXT) + strlen("jurisprudence shoal")) >= 0);
	T_OK(span_at(&sp, (size_t)(said - TXT), (size_t)(said - TXT) + strlen("delegates said")) < 0);
	/* each word is still a slot of its own */
	T_OK(span_at(&sp, (size_t)(said - TXT), (size_t)(said - TXT) + strlen("delegates")) >= 0);
}

/* Whether a slot of sp over the bytes of needle in txt restores a compound
 * name: 1 yes, 0 a slot that does not, -1 no slot there. */
static int name_slot(const struct slot_spans *sp, const char *txt, const char *needle)
{
	const char *at = strstr(txt, needle);
	int i = at ? span_at(sp, (size_t)(at - txt), (size_t)(at - txt) + strlen(needle)) : -1;
	return i < 0 ? -1 : sp->compound[i] != 0;
}

/* Two capitalised words that read as a compound the lexicon holds once one
 * or both are put back are one slot, the compound its original ("the
 * Safety Council" -> "security council", "the Common Meeting" -> "general
 * assembly"); the compound itself and a person's name are not. */
T_TEST(compound_names)
{
	static const char TXT[] =
		"The foreign minister spoke to the Safety Council on Friday, and the White Home "
		"said the Common Meeting will vote on Monday on the resolution that the Security "
		"Council could not pass. Tom Glocer, a banker, said the Security Council and the "
		"assembly would meet again next week to discuss the war and the peace talks. "
		"Rubio spoke with Ukrainian International Minister Andrii Sybiha on Friday.\n";
	static struct slot_spans sn;
	T_EQ_INT(slot_spans_of(TXT, &sn), 0);
	T_EQ_INT(name_slot(&sn, TXT, "Safety Council"), 1);
	T_EQ_INT(name_slot(&sn, TXT, "White Home"), 1);
	T_EQ_INT(name_slot(&sn, TXT, "Common Meeting"), 1);
	T_OK(name_slot(&sn, TXT, "Security Council") != 1);
	T_OK(name_slot(&sn, TXT, "Tom Glocer") != 1);
	/* a word's side is what it may stand for, not what may stand for it
	 * ("ukrainian" -> "state", "international" -> "socialism") */
	T_EQ_INT(name_slot(&sn, TXT, "International Minister"), 1);
	T_OK(name_slot(&sn, TXT, "Ukrainian International") != 1);
	{ /* only the four broken names */
		size_t names = 0;
		for (size_t i = 0; i < sn.n; i++)
			names += sn.compound[i] != 0;
		T_EQ_INT((int)names, 4);
	}
}

/* The pairings of a capitalised pair (up to 1,089 lexicon look-ups) are
 * looked up once per context: a second article with the same names finds
 * them kept, and judges as a fresh context does. */
T_TEST(names_kept)
{
	static const char TXT[] =
		"The foreign minister spoke to the Safety Council on Friday, and the White Home "
		"said the Common Meeting will vote on Monday on the resolution that the Safety "
		"Council could not pass. Tom Glocer, a banker, said the Security Council and the "
		"Common Meeting would meet again next week to discuss the war and the peace talks.\n";
	struct ds_ev_ctx *c = ctx_new(), *d = ctx_new();
	struct ds_ev a = {0}, b = {0};
	struct ds_ev_cache_stats s1, s2;
	T_OK(c && d);
	if (!c || !d)
		goto out;
	T_EQ_INT(compute(c, TXT, NULL, &a), 0);
	ds_ev_cache_stats(c, &s1);
	T_OK(s1.name_misses >= 5);  /* Safety Council, White Home, Common Meeting, ... */
	T_OK(s1.name_hits >= 2);    /* the second Safety Council and Common Meeting */
	T_EQ_INT(compute(c, TXT, NULL, &b), 0);
	ds_ev_cache_stats(c, &s2);
	T_EQ_INT(s2.name_misses, s1.name_misses);  /* nothing looked up again */
	T_EQ_INT(s2.name_hits, 2 * s1.name_hits + s1.name_misses);
	T_OK(same_ev(&a, &b));
	ds_ev_clear(&b);
	T_EQ_INT(compute(d, TXT, NULL, &b), 0);
	T_OK(same_ev(&a, &b));
out:
	ds_ev_clear(&a);
	ds_ev_clear(&b);
	ds_ev_ctx_free(c);
	ds_ev_ctx_free(d);
}

static int cmp_f(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* gtop is the mean of the top tenth of the slots' gains over their lower
 * quartile (a text far from the model's register raises every gain, a
 * spinner its swaps', at the top), grel the share more than 1 over it;
 * gmed is their median */
T_TEST(gtop_over_lower_quartile)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	static struct slotx sx;
	static float g[2048];
	size_t top, n;
	double sum = 0;
	sx.n = 0;
	ds_ev_set_slot_dump(c, keep_slot, &sx);
	/* the clean text: no gain reaches the dump's clip at 6 */
	T_EQ_INT(compute(c, SRC, NULL, &ev), 0);
	n = sx.n;
	T_OK(n >= 10 && n == ev.n_slots);
	for (size_t i = 0; i < n; i++)
		g[i] = (float)sx.x[i][DS_SF_WGAIN];
	qsort(g, n, sizeof g[0], cmp_f);
	T_OK(g[n - 1] < 6);
	top = n / 10 + 1;
	for (size_t i = n - top; i < n; i++)
		sum += g[i];
	T_NEAR(ev.f[DS_F_GTOP], sum / (double)top - g[n / 4], 1e-9);
	T_NEAR(ev.f[DS_F_GMED], g[n / 2], 1e-9);
	{
		size_t rel = 0;
		for (size_t i = 0; i < n; i++)
			rel += g[i] > g[n / 4] + 1.0;
		T_NEAR(ev.f[DS_F_GREL], (double)rel / (double)n, 1e-9);
	}
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* A slot's gain counts from the article's lower-quartile slot gain, the
 * probability of its word from the median slot's: the median slot's
 * fluency is 0, and a gain is the slot's own (its weighted gain less half
 * the log weight) less the lower quartile of the slots' weighted gains */
T_TEST(slot_features_over_article)
{
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev = {0};
	static struct slotx sx;
	static float lp[2048], wg[2048];
	size_t checked = 0;
	double base;
	sx.n = 0;
	ds_ev_set_slot_dump(c, keep_slot, &sx);
	T_EQ_INT(compute(c, SPUN, NULL, &ev), 0);
	T_OK(sx.n >= 10 && sx.n == ev.n_slots);
	for (size_t i = 0; i < sx.n; i++)
		lp[i] = (float)sx.x[i][DS_SF_LPSLOT];
	qsort(lp, sx.n, sizeof lp[0], cmp_f);
	T_NEAR(lp[sx.n / 2], 0, 0);
	T_OK(lp[0] < 0 && lp[sx.n - 1] > 0);
	for (size_t i = 0; i < sx.n; i++)
		wg[i] = (float)sx.x[i][DS_SF_WGAIN];
	qsort(wg, sx.n, sizeof wg[0], cmp_f);
	base = wg[sx.n / 4];
	T_OK(base != 0 && base < wg[sx.n / 2]);
	for (size_t i = 0; i < sx.n; i++) {
		const double *x = sx.x[i];
		double own = x[DS_SF_WGAIN] - 0.5 * x[DS_SF_LOGW];
		/* unclipped, and a weight whose log the gain saw unfloored */
		if (fabs(x[DS_SF_WGAIN]) >= 6 || fabs(own) >= 6 || x[DS_SF_LOGW] < -2)
			continue;
		T_NEAR(x[DS_SF_GAIN], own - base, 1e-6);
		checked++;
	}
	T_OK(checked >= 10);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* Without a lexicon there are no candidate originals: fluency only. */
T_TEST(no_lexicon)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, NULL);
	struct ds_ev ev = {0};
	T_OK(c != NULL);
	if (!c)
		return;
	T_EQ_INT(compute(c, SPUN, NULL, &ev), 0);
	T_EQ_INT(ev.n_slots, 0);
	T_EQ_INT(ev.nsubs, 0);
	T_NEAR(ev.f[DS_F_SLOTS], 0, 0);
	T_OK(ev.n_tokens > 60);
	T_OK(ev.f[DS_F_LP] < 0);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* The same document twice in one context (its candidate cache kept
 * between) and in a fresh context gives the same evidence. */
T_TEST(deterministic)
{
	struct ds_ev_ctx *c = ctx_new(), *d = ctx_new();
	struct ds_ev a = {0}, b = {0};
	T_EQ_INT(compute(c, SPUN, NULL, &a), 0);
	T_EQ_INT(compute(c, ART, SRC, &b), 0);
	T_EQ_INT(compute(c, SPUN, NULL, &b), 0);
	T_OK(same_ev(&a, &b));
	T_EQ_INT(compute(d, SPUN, NULL, &b), 0);
	T_OK(same_ev(&a, &b));
	T_EQ_INT(compute(c, ART, SRC, &a), 0);
	T_EQ_INT(compute(d, ART, SRC, &b), 0);
	T_OK(same_ev(&a, &b));
	ds_ev_clear(&a);
	ds_ev_clear(&b);
	ds_ev_ctx_free(c);
	ds_ev_ctx_free(d);
}

/* The cache of candidate originals: a document scored again finds every
 * phrase kept; a cache of 16 phrases starts again when full and stays
 * within its bound; changing the word vectors empties it; the evidence is
 * the same to the bit whatever the cache holds. */
T_TEST(candidate_cache)
{
	struct ds_ev_ctx *c = ctx_new(), *d = ctx_new();
	struct ds_ev a = {0}, b = {0};
	struct ds_ev_cache_stats s1, s2, sd;
	T_OK(c && d);
	if (!c || !d)
		goto out;
	T_EQ_INT(compute(c, SPUN, NULL, &a), 0);
	ds_ev_cache_stats(c, &s1);
	T_OK(s1.misses > 20);
	T_EQ_INT(s1.used, s1.misses);
	T_EQ_INT(s1.resets, 0);
	T_EQ_INT(s1.max, CTAB_MAX);
	T_EQ_INT(compute(c, SPUN, NULL, &b), 0);
	ds_ev_cache_stats(c, &s2);
	T_EQ_INT(s2.misses, s1.misses);              /* nothing looked up again */
	T_EQ_INT(s2.hits, 2 * s1.hits + s1.misses);  /* every phrase found */
	T_OK(same_ev(&a, &b));
	/* a small cache: full, emptied, within bounds, same results */
	T_EQ_INT(ds_ev_set_cache_size(d, 16), 0);
	T_EQ_INT(compute(d, SPUN, NULL, &b), 0);
	ds_ev_cache_stats(d, &sd);
	T_EQ_INT(sd.max, 16);
	T_OK(sd.misses > s1.misses);                 /* evicted phrases met again */
	T_EQ_INT(sd.resets, (sd.misses - 1) / 16);   /* emptied at each 17th new phrase */
	T_EQ_INT(sd.used, (sd.misses - 1) % 16 + 1);
	T_OK(same_ev(&a, &b));
	T_EQ_INT(compute(c, SRC, NULL, &a), 0);
	T_EQ_INT(compute(d, SRC, NULL, &b), 0);
	T_OK(same_ev(&a, &b));
	/* other word vectors, other candidates: the cache is emptied */
	ds_ev_set_vec(c, NULL);
	ds_ev_cache_stats(c, &s2);
	T_EQ_INT(s2.used, 0);
	ds_ev_set_vec(c, vec);
	T_EQ_INT(ds_ev_set_cache_size(c, 0), 0);
	ds_ev_cache_stats(c, &s2);
	T_EQ_INT(s2.max, CTAB_MAX);
	T_EQ_INT(s2.used, 0);
out:
	ds_ev_clear(&a);
	ds_ev_clear(&b);
	ds_ev_ctx_free(c);
	ds_ev_ctx_free(d);
}

/* Candidates from a table built by the same search: the same evidence to
 * the bit as searching, every phrase of the table answered from it, the
 * others searched; a phrase the table holds damaged is searched too. */
static size_t add_words(struct ds_ev_ctx *c, struct ds_candtab_builder *b, const char *text)
{
	char w[3][64], ph[200];
	size_t n = 0, k = 0, nw = 0;
	for (const char *p = text;; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			if (k + 1 < sizeof w[0])
				w[nw % 3][k++] = (char)(*p | 0x20);
			continue;
		}
		if (k) {
			w[nw % 3][k] = 0;
			nw++;
			/* the word, and the two and three words it ends */
			for (size_t m = 1; m <= 3 && m <= nw; m++) {
				size_t len = 0;
				for (size_t j = nw - m; j < nw; j++)
					len += (size_t)snprintf(ph + len, sizeof ph - len, "%s%s",
								j > nw - m ? " " : "", w[j % 3]);
				n += ds_ev_candtab_add(c, b, ph, len) == 0;
			}
		}
		k = 0;
		if (!*p)
			break;
	}
	return n;
}

/* What a table records of the search: its version in the top byte, and
 * the digest of the limits it ran with below it, the same at every call. */
T_TEST(candidate_search_recorded_with_its_limits)
{
	uint32_t a = ds_ev_cand_algo();
	T_EQ_INT(a >> 24, DS_EV_CAND_ALGO);
	T_OK((a & 0xffffff) != 0);
	T_EQ_INT(ds_ev_cand_algo(), a);
}

T_TEST(candidate_table)
{
	const struct ds_candtab_id id = {1, 2, 3, ds_ev_cand_algo()};
	struct ds_ev_ctx *c = ctx_new(), *d = ctx_new(), *e = ctx_new();
	struct ds_candtab_builder *b = ds_candtab_builder_new(&id);
	struct ds_candtab *t = NULL;
	struct ds_ev a = {0}, x = {0};
	struct ds_ev_cache_stats sc, sd;
	struct ds_err err = {0};
	char path[64];
	snprintf(path, sizeof path, "/tmp/test_evidence_cands_%d.bin", (int)getpid());
	T_OK(c && d && e && b);
	if (!c || !d || !e || !b)
		goto out;
	/* the words and phrases of the spun text and "12 months"; not those
	 * of SRC */
	T_OK(add_words(e, b, SPUN) > 40);
	T_EQ_INT(ds_ev_candtab_add(e, b, "12 months", 9), 0);
	/* a phrase no slot can be is not added */
	T_EQ_INT(ds_ev_candtab_add(e, b, "purple seven zebra", 18), 0);
	T_EQ_INT(ds_candtab_builder_write(b, path, &err), 0);
	T_OK((t = ds_candtab_load(path, &err)) != NULL);
	if (!t)
		goto out;
	{
		struct ds_candtab_ent en;
		T_EQ_INT(ds_candtab_find(t, "12 months", 9, &en), 0);
		T_OK(en.known && en.n > 0);
		T_EQ_INT(ds_candtab_find(t, "purple seven zebra", 18, &en), -1);
	}
	ds_ev_set_candtab(c, t);
	T_EQ_INT(compute(c, SPUN, NULL, &a), 0);
	T_EQ_INT(compute(d, SPUN, NULL, &x), 0);
	T_OK(same_ev(&a, &x));
	T_OK(a.nsubs > 3);
	ds_ev_cache_stats(c, &sc);
	ds_ev_cache_stats(d, &sd);
	T_EQ_INT(sc.misses, sd.misses);
	T_EQ_INT(sc.table_hits, sc.misses); /* every phrase of SPUN in the table */
	T_EQ_INT(sd.table_hits, 0);
	/* words the table lacks are searched */
	T_EQ_INT(compute(c, SRC, NULL, &a), 0);
	T_EQ_INT(compute(d, SRC, NULL, &x), 0);
	T_OK(same_ev(&a, &x));
	ds_ev_cache_stats(c, &sd);
	T_OK(sd.misses > sc.misses && sd.table_hits < sd.misses);
	/* two contexts sharing a cache beside the table: what the table lacks
	 * passes through the share, here only words without candidates, so
	 * that the share holds phrases and no candidate yet */
	{
		static const char ODD[] = "Associates said the zorblax met quentaris.\n";
		static struct ds_solocal all = {.min_words = 1}; /* judge six words */
		struct ds_ev_share *sh = ds_ev_share_new();
		struct ds_ev_ctx *p = ctx_new(), *q = ctx_new();
		struct ds_ev y = {0};
		T_OK(sh && p && q);
		if (sh && p && q) {
			ds_ev_set_solocal(d, &all);
			ds_ev_set_solocal(p, &all);
			ds_ev_set_solocal(q, &all);
			ds_ev_set_candtab(p, t);
			ds_ev_set_candtab(q, t);
			ds_ev_set_share(p, sh);
			ds_ev_set_share(q, sh);
			T_EQ_INT(compute(d, ODD, NULL, &x), 0);
			T_EQ_INT(compute(p, ODD, NULL, &y), 0);
			T_OK(same_ev(&y, &x));
			T_EQ_INT(compute(q, ODD, NULL, &y), 0);
			T_OK(same_ev(&y, &x));
			ds_ev_cache_stats(q, &sd);
			T_EQ_INT(sd.shared_hits, 2); /* "zorblax", "quentaris" */
			T_OK(sd.table_hits > 0);
		}
		ds_ev_clear(&y);
		ds_ev_ctx_free(p);
		ds_ev_ctx_free(q);
		ds_ev_share_free(sh);
	}
out:
	ds_ev_clear(&a);
	ds_ev_clear(&x);
	ds_ev_ctx_free(c);
	ds_ev_ctx_free(d);
	ds_ev_ctx_free(e);
	ds_candtab_free(t);
	ds_candtab_builder_free(b);
	unlink(path);
}

/* An article judged against its source gets no candidate originals in the
 * text the source covers: none in a copy; in a partial copy only in the
 * paragraph the source lacks (where the solo flags are), or none when that
 * paragraph is too short to judge on its own; the source evidence is the
 * same, and the features only the solo model reads (the context's gain,
 * the out-of-place words) are left at 0.  While slots are written out for
 * fitting, every word has them. */
/* A text shorter than the calibration's min_words is not judged: it gets
 * the fluency features but no candidate search, unless slots are dumped. */
T_TEST(short_text_no_candidates)
{
	static const char SIX[] = "The Safety Council met on Tuesday.\n";
	static struct ds_solocal eight = {.min_words = 8}, one = {.min_words = 1};
	struct ds_ev_ctx *c = ctx_new(), *d = ctx_new();
	struct ds_ev a = {0}, b = {0};
	struct ds_ev_cache_stats sa, sb;
	T_OK(c && d);
	if (!c || !d)
		goto out;
	ds_ev_set_solocal(c, &eight);
	ds_ev_set_solocal(d, &one);
	T_EQ_INT(compute(c, SIX, NULL, &a), 0);
	T_EQ_INT(compute(d, SIX, NULL, &b), 0);
	ds_ev_cache_stats(c, &sa);
	ds_ev_cache_stats(d, &sb);
	T_EQ_INT(sa.misses, 0);
	T_EQ_INT(a.n_slots, 0);
	T_EQ_INT(a.nsubs, 0);
	T_OK(sb.misses > 0 && b.n_slots > 0);
	/* the fluency features are the same either way */
	T_EQ_INT(a.n_content, b.n_content);
	T_NEAR(a.f[DS_F_CTX], b.f[DS_F_CTX], 0);
	T_NEAR(a.logprob, b.logprob, 0);
	/* without a calibration the default minimum holds (40 words) */
	ds_ev_set_solocal(c, NULL);
	T_EQ_INT(compute(c, SIX, NULL, &a), 0);
	T_EQ_INT(a.n_slots, 0);
out:
	ds_ev_clear(&a);
	ds_ev_clear(&b);
	ds_ev_ctx_free(c);
	ds_ev_ctx_free(d);
}

T_TEST(covered_no_candidates)
{
	static const char LONG[] =
		"Merchants in the aged downtown quarter additionally asked for a halt to the "
		"scheme, saying purchasers would drive to the malls outside town. Their "
		"association plans a petition, and its chairman expects many thousand "
		"signatures before the hearing, which will be held in a school gymnasium.\n";
	static const char SHORT[] = "Associates said so on the following day.\n";
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev solo = {0}, copy = {0}, part = {0}, whole = {0};
	char *art = malloc(sizeof ART + sizeof LONG);
	static struct slotx sx;
	T_OK(c && art);
	if (!c || !art)
		goto out;
	T_EQ_INT(compute(c, ART, NULL, &solo), 0);
	T_OK(solo.n_slots > 20);
	T_EQ_INT(compute(c, ART, SRC, &copy), 0);
	T_NEAR(copy.f[DS_F_COVER], 1, 1e-9);
	T_EQ_INT(copy.n_slots, 0);
	T_EQ_INT(copy.nsubs, 1); /* "big" for "large", against the source */
	/* nor what only the solo model reads */
	T_OK(solo.f[DS_F_CTX] != 0 && solo.n_content > 20);
	T_NEAR(copy.f[DS_F_CTX], 0, 0);
	T_EQ_INT(copy.n_content, 0);
	/* a rest of 46 words: judged on its own */
	memcpy(art, ART, sizeof ART - 1);
	memcpy(art + sizeof ART - 1, LONG, sizeof LONG);
	T_EQ_INT(compute(c, art, NULL, &whole), 0);
	T_EQ_INT(compute(c, art, SRC, &part), 0);
	T_OK(part.f[DS_F_COVER] < 1 && part.f[DS_F_COVER] > 0.5);
	T_OK(part.n_slots > 10 && part.n_slots + solo.n_slots / 2 < whole.n_slots);
	T_NEAR(part.f[DS_F_LLR], copy.f[DS_F_LLR], 1e-9);
	T_OK(part.nsubs > 1);
	for (size_t i = 0; i < part.nsubs; i++)
		if (part.subs[i].kind != DS_EV_SOURCE)
			T_OK(part.subs[i].start >= sizeof ART - 1);
	/* a rest of 7 words: not judged */
	memcpy(art + sizeof ART - 1, SHORT, sizeof SHORT);
	T_EQ_INT(compute(c, art, SRC, &part), 0);
	T_OK(part.f[DS_F_COVER] < 1);
	T_EQ_INT(part.n_slots, 0);
	T_EQ_INT(part.nsubs, 1);
	/* the slots of the covered text again, for a dump */
	sx.n = 0;
	ds_ev_set_slot_dump(c, keep_slot, &sx);
	T_EQ_INT(compute(c, ART, SRC, &copy), 0);
	T_EQ_INT(copy.n_slots, solo.n_slots);
	T_EQ_INT(sx.n, solo.n_slots);
	ds_ev_set_slot_dump(c, NULL, NULL);
out:
	free(art);
	ds_ev_clear(&solo);
	ds_ev_clear(&copy);
	ds_ev_clear(&part);
	ds_ev_clear(&whole);
	ds_ev_ctx_free(c);
}

/* Without a change model: the lexicon's swap is flagged with the source's
 * word as the original and the fixed probability of a related pair. */
T_TEST(swap_by_rules)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	const struct ds_ev_sub *s;
	T_EQ_INT(compute(c, ART_HOUSE, SRC, &ev), 0);
	s = sub_at(&ev, ART_HOUSE, "big");
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

/* Substitutions flagged outright (not candidates left to the article's
 * odds). */
static size_t n_flags(const struct ds_ev *ev)
{
	size_t n = 0;
	for (size_t i = 0; i < ev->nsubs; i++)
		n += !ev->subs[i].cand;
	return n;
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

/* A change model that gives every change it weighs the log odds 'bias',
 * with word vectors under 'cut' never spin; set on c with its dump to d. */
static void set_flat_model(struct ds_ev_ctx *c, struct ds_chg_model *cm, double bias, double cut,
			   struct dump *d)
{
	memset(cm, 0, sizeof *cm);
	for (int i = 0; i < DS_NCHGF; i++)
		cm->sd[i] = 1;
	cm->coef[DS_CF_BIAS] = bias;
	cm->vec_cut = cut;
	ds_ev_set_change_model(c, cm);
	ds_ev_set_change_dump(c, on_change, d);
	ds_ev_set_vec(c, vec);
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
	set_flat_model(c, &cm, 2.0, 0.2, &d); /* log odds 2 for every change weighed */
	T_EQ_INT(compute(c, ART_HOUSE, SRC, &ev), 0);
	T_EQ_INT(d.n, 1); /* big; not Mr, isn't, 3 */
	T_EQ_INT(d.start[0], (uint32_t)(strstr(ART_HOUSE, "big") - ART_HOUSE));
	T_NEAR(d.x[0][DS_CF_ONE], 1, 0);
	T_NEAR(d.x[0][DS_CF_CTX], 1, 0);
	T_NEAR(d.x[0][DS_CF_NW], 2, 0);
	T_OK(d.x[0][DS_CF_LEXW] > 0);
	T_NEAR(d.x[0][DS_CF_VECUNK], 0, 0);
	T_OK(d.x[0][DS_CF_VEC] > 0.2);
	T_NEAR(ev.f[DS_F_LLR], 2.0, 1e-6);
	T_EQ_INT(ev.nsubs, 1);
	s = sub_at(&ev, ART_HOUSE, "big");
	T_OK(s != NULL);
	if (s)
		T_NEAR(s->p, ds_sigmoid(2.0), 1e-6);
	/* a model that finds every change an editor's flags nothing: the
	 * swap is left a candidate, with its ratio */
	cm.coef[DS_CF_BIAS] = -2.0;
	T_EQ_INT(compute(c, ART_HOUSE, SRC, &ev), 0);
	T_EQ_INT(n_flags(&ev), 0);
	T_EQ_INT(ev.nsubs, 1);
	s = sub_at(&ev, ART_HOUSE, "big");
	T_OK(s != NULL && s->cand);
	if (s)
		T_NEAR(s->p, ds_sigmoid(-2.0), 1e-6);
	T_NEAR(ev.f[DS_F_LLR], -2.0, 1e-6);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* SRC with its first 'from' replaced by 'to', in buf (of n bytes). */
static const char *src_with(char *buf, size_t n, const char *from, const char *to)
{
	const char *at = strstr(SRC, from);
	snprintf(buf, n, "%.*s%s%s", at ? (int)(at - SRC) : 0, SRC, to, at ? at + strlen(from) : "");
	return buf;
}

/* Never spin evidence, whatever the model says: words with no relation (no
 * lexicon pair, no two steps, vectors under the cut) are dumped, for
 * fitting the cut, but not weighed; unless the swap is one word for one in
 * unchanged context and the source's word reads likelier there, what a
 * thesaurus the lexicon lacks does ("on purple" for "on roads").  The same
 * pair the other way round ("roads" for "purple") reads better than its
 * source and is no evidence. */
T_TEST(never_spin)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	struct ds_chg_model cm;
	struct dump d = {0};
	char buf[sizeof SRC + 16];
	const char *artu = src_with(buf, sizeof buf, "on roads", "on purple");
	set_flat_model(c, &cm, 9.0, 0.99, &d); /* the model would call any change spin */
	T_EQ_INT(compute(c, SRC, artu, &ev), 0); /* "roads" for "purple" */
	T_EQ_INT(d.n, 1);
	T_EQ_INT(d.start[0], (uint32_t)(strstr(SRC, "roads") - SRC));
	T_NEAR(d.x[0][DS_CF_LEXW], 0, 0);
	T_NEAR(d.x[0][DS_CF_LEX2], 0, 0);
	T_NEAR(d.x[0][DS_CF_FUNC], 0, 0);
	T_NEAR(d.x[0][DS_CF_CTX], 1, 0);
	T_OK(d.x[0][DS_CF_GAIN] <= ds_tune_default.src_unrel_gain);
	/* no evidence for the article; a candidate flag only, at even odds
	 * (the model's ratio of 9 would be an extrapolation), saying so */
	T_EQ_INT(n_flags(&ev), 0);
	T_EQ_INT(ev.nsubs, 1);
	T_OK(ev.nsubs == 1 && ev.subs[0].cand == DS_EV_CAND_NEVER);
	if (ev.nsubs == 1) {
		T_NEAR(ev.subs[0].p, 0.5, 1e-6);
		T_OK(strstr(ev.strs.data + ev.subs[0].why, "no evidence on its own") != NULL);
	}
	T_NEAR(ev.f[DS_F_LLR], 0, 0);
	T_NEAR(ev.f[DS_F_NCHG], 0, 0);
	/* over the cut, the same change is weighed */
	cm.vec_cut = -1;
	T_EQ_INT(compute(c, SRC, artu, &ev), 0);
	T_EQ_INT(ev.nsubs, 1);
	T_EQ_INT(n_flags(&ev), 1);
	T_NEAR(ev.f[DS_F_LLR], 9.0, 1e-6);
	/* under the cut again, "purple" for "roads", which reads worse */
	cm.vec_cut = 0.99;
	d.n = 0;
	T_EQ_INT(compute(c, artu, SRC, &ev), 0);
	T_EQ_INT(d.n, 1);
	T_EQ_INT(d.start[0], (uint32_t)(strstr(artu, "purple") - artu));
	T_OK(d.x[0][DS_CF_GAIN] > ds_tune_default.src_unrel_gain);
	T_EQ_INT(n_flags(&ev), 1);
	T_NEAR(ev.f[DS_F_LLR], 9.0, 1e-6);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* A function word swapped for another: dumped and weighed when the
 * source's word reads likelier in the article's unchanged context ("within
 * the old library" for "in the old library" here), never when the
 * article's reads as well (the same pair the other way round). */
T_TEST(function_word_swap)
{
	struct ds_ev_ctx *c = ds_ev_ctx_new(lm, lex);
	struct ds_ev ev = {0};
	struct ds_chg_model cm;
	struct dump d = {0};
	double gain;
	char buf[sizeof SRC + 16];
	const char *art_func = src_with(buf, sizeof buf, "month in the", "month within the");
	set_flat_model(c, &cm, 9.0, 0.99, &d);
	T_EQ_INT(compute(c, art_func, SRC, &ev), 0);
	T_EQ_INT(d.n, 1);
	T_EQ_INT(d.start[0], (uint32_t)(strstr(art_func, "within") - art_func));
	T_NEAR(d.x[0][DS_CF_FUNC], 1, 0);
	T_NEAR(d.x[0][DS_CF_LEXW], 0, 0);
	T_NEAR(d.x[0][DS_CF_CTX], 1, 0);
	gain = d.x[0][DS_CF_GAIN];
	T_OK(gain > ds_tune_default.src_func_gain);
	T_NEAR(ev.f[DS_F_NCHG], 1, 0);
	T_NEAR(ev.f[DS_F_LLR], 9.0, 1e-6);
	T_EQ_INT(n_flags(&ev), 1);
	/* the other way round the article reads better than its source */
	d.n = 0;
	T_EQ_INT(compute(c, SRC, art_func, &ev), 0);
	T_EQ_INT(d.n, 1);
	T_OK(d.x[0][DS_CF_GAIN] <= ds_tune_default.src_func_gain);
	T_NEAR(ev.f[DS_F_NCHG], 0, 0);
	T_NEAR(ev.f[DS_F_LLR], 0, 0);
	T_EQ_INT(n_flags(&ev), 0);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
}

/* Contexts sharing a candidate cache: the second finds the first's
 * look-ups there and gets what a context alone gets; a context alone with
 * the cache, or one with other word vectors, does not use it. */
T_TEST(shared_cache)
{
	enum { N = 5 };
	struct ds_ev_share *s = ds_ev_share_new();
	struct ds_ev_ctx *c[N], *alone = ctx_new();
	struct ds_ev ref = {0}, a = {0};
	struct ds_ev_cache_stats st[N];
	int ok = s && alone;
	for (int i = 0; i < N; i++)
		ok &= (c[i] = ctx_new()) != NULL;
	T_OK(ok);
	if (!ok)
		goto out;
	T_EQ_INT(compute(alone, SPUN, NULL, &ref), 0);
	/* one context: its own cache only, nothing kept in the share */
	ds_ev_set_share(c[0], s);
	T_EQ_INT(compute(c[0], SPUN, NULL, &a), 0);
	/* two: the second finds nothing there, and keeps what it looks up */
	ds_ev_set_share(c[1], s);
	T_EQ_INT(compute(c[1], SPUN, NULL, &a), 0);
	/* a third copies it all */
	ds_ev_set_share(c[2], s);
	T_EQ_INT(compute(c[2], SPUN, NULL, &a), 0);
	T_OK(same_ev(&a, &ref));
	/* other word vectors, other candidates: not from the share */
	ds_ev_set_share(c[3], s);
	ds_ev_set_vec(c[3], NULL);
	T_EQ_INT(compute(c[3], SPUN, NULL, &a), 0);
	/* emptied: looked up again */
	ds_ev_share_clear(s);
	ds_ev_set_share(c[4], s);
	T_EQ_INT(compute(c[4], SPUN, NULL, &a), 0);
	T_OK(same_ev(&a, &ref));
	for (int i = 0; i < N; i++)
		ds_ev_cache_stats(c[i], &st[i]);
	T_OK(st[0].misses > 20);
	T_EQ_INT(st[0].shared_hits, 0);
	T_EQ_INT(st[1].shared_hits, 0);
	T_EQ_INT(st[2].misses, st[0].misses);
	T_EQ_INT(st[2].shared_hits, st[2].misses);
	T_EQ_INT(st[3].shared_hits, 0);
	T_EQ_INT(st[4].shared_hits, 0);
out:
	ds_ev_clear(&ref);
	ds_ev_clear(&a);
	for (int i = 0; i < N; i++)
		ds_ev_ctx_free(c[i]);
	ds_ev_ctx_free(alone);
	ds_ev_share_free(s);
}

/* Threads computing at once (each with its own context over the shared
 * models, sharing a candidate cache) get the results of one thread alone. */
struct job {
	struct ds_ev solo, src;
	struct ds_ev_share *share;
	int rc;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	struct ds_ev_ctx *c = ctx_new();
	j->rc = -1;
	if (c && j->share)
		ds_ev_set_share(c, j->share);
	if (c && compute(c, SPUN, NULL, &j->solo) == 0 && compute(c, ART, SRC, &j->src) == 0)
		j->rc = 0;
	ds_ev_ctx_free(c);
	return NULL;
}

T_TEST(threads)
{
	enum { NT = 4 };
	pthread_t th[NT];
	struct job jobs[NT], one;
	struct ds_ev_share *share = ds_ev_share_new();
	T_OK(share != NULL);
	memset(jobs, 0, sizeof jobs);
	memset(&one, 0, sizeof one);
	run_job(&one);
	T_EQ_INT(one.rc, 0);
	for (int i = 0; i < NT; i++) {
		jobs[i].share = share;
		T_EQ_INT(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
	}
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NT; i++) {
		T_EQ_INT(jobs[i].rc, 0);
		T_OK(same_ev(&jobs[i].solo, &one.solo));
		T_OK(same_ev(&jobs[i].src, &one.src));
		ds_ev_clear(&jobs[i].solo);
		ds_ev_clear(&jobs[i].src);
	}
	T_EQ_INT(one.src.nsubs, 1);
	ds_ev_clear(&one.solo);
	ds_ev_clear(&one.src);
	ds_ev_share_free(share);
}

/* A spinner's template left in the text: a brace group of synonyms is one
 * flag of its own kind, the first alternative its original, whatever the
 * words inside would have drawn; groups nest and hold sentences; braces and
 * bars that are not a spinner's (a command's usage, antonyms, a type union,
 * an identifier, a template engine's filter, a grammar, keywords, markup, a
 * lone or unclosed group) are not. */
T_TEST(spinner_templates)
{
	static const char ART_TPL[] =
		"The {war|battle|conflict} went on for a {Year|12 months} and the city council met "
		"on Tuesday to discuss the new budget.\n";
	static const char NOT_TPL[] =
		"Usage: service foo {start|stop|restart|status}. Turn it {on|off}. "
		"Call dev_{hold|put} or {{ name|title }} with {string|Buffer} and {war|battle "
		"and {war|war} and {war}. Drop { FUNCTION | PROCEDURE } or {FUNCTION|PROCEDURE} "
		"as {real number | signed integer}, {\\fBwar\\fR|\\fBbattle\\fR} or {war |battle} "
		"or {<war>|<battle>}, {0|1}, {e|i}, {war|1}, {record|report|script|info|contention}.\n";
	static const char NESTED[] =
		"Officials said on Friday that {The {war|battle} went on for a {year|12 months}|The "
		"fighting lasted a year|The conflict continued for twelve months}, and the talks "
		"{ended|finished}, {war|battle|clash} going on.\n";
	struct ds_ev_ctx *c = ctx_new();
	struct ds_ev ev;
	const struct ds_ev_sub *s;
	memset(&ev, 0, sizeof ev);
	T_OK(c);
	if (!c)
		return;
	T_EQ_INT(compute(c, ART_TPL, NULL, &ev), 0);
	T_EQ_INT(ev.n_templates, 2);
	s = sub_at(&ev, ART_TPL, "{war|battle|conflict}");
	T_OK(s && s->kind == DS_EV_TEMPLATE);
	if (s) {
		T_EQ_INT(s->end - s->start, strlen("{war|battle|conflict}"));
		T_EQ_STR(ds_ev_str(&ev, s->orig), "war");
		T_OK(s->p == (float)DS_EV_TEMPLATE_P);
	}
	s = sub_at(&ev, ART_TPL, "{Year|12 months}");
	T_OK(s && s->kind == DS_EV_TEMPLATE);
	if (s) {
		T_EQ_STR(ds_ev_str(&ev, s->orig), "year");
		T_OK(s->cased != DS_EV_NO_CASED && !strcmp(ds_ev_str(&ev, s->cased), "Year"));
	}
	/* nothing else inside a group */
	for (size_t i = 0; i < ev.nsubs; i++)
		T_OK(ev.subs[i].kind == DS_EV_TEMPLATE ||
		     ev.subs[i].start >= (uint32_t)(strstr(ART_TPL, "} and") - ART_TPL));
	T_EQ_INT(compute(c, NESTED, NULL, &ev), 0);
	T_EQ_INT(ev.n_templates, 3);
	/* "clash" linked in two steps (through "conflict"), the others directly */
	s = sub_at(&ev, NESTED, "{war|battle|clash}");
	T_OK(s && s->kind == DS_EV_TEMPLATE);
	s = sub_at(&ev, NESTED, "{The {war");
	T_OK(s && s->kind == DS_EV_TEMPLATE);
	if (s) {
		T_EQ_INT(s->end - s->start, strlen("{The {war|battle} went on for a {year|12 months}|The "
						   "fighting lasted a year|The conflict continued for "
						   "twelve months}"));
		T_EQ_STR(ds_ev_str(&ev, s->orig), "the war went on for a year");
		T_OK(s->cased != DS_EV_NO_CASED &&
		     !strcmp(ds_ev_str(&ev, s->cased), "The war went on for a year"));
	}
	/* groups the thesaurus does not link: templates only beside one it
	 * links, and then less sure */
	T_EQ_INT(compute(c, "They walked {quickly|hastily} into the {valley|gorge} on Tuesday "
			    "and saw the town.\n", NULL, &ev), 0);
	T_EQ_INT(ev.n_templates, 0);
	{
		static const char KIN[] = "They walked {quickly|hastily} into the {valley|gorge} on "
					  "Tuesday and the {war|battle} went on.\n";
		T_EQ_INT(compute(c, KIN, NULL, &ev), 0);
		T_EQ_INT(ev.n_templates, 3);
		s = sub_at(&ev, KIN, "{valley|gorge}");
		T_OK(s && s->kind == DS_EV_TEMPLATE && s->p == (float)DS_EV_TEMPLATE_FORM_P);
		s = sub_at(&ev, KIN, "{war|battle}");
		T_OK(s && s->kind == DS_EV_TEMPLATE && s->p == (float)DS_EV_TEMPLATE_P);
	}
	/* the original in lower case as the text's words are, accents too;
	 * put back as written */
	{
		static const char ACC[] = "{\xc3\x89lan|Flair} was gone and the {war|battle} went on.\n";
		T_EQ_INT(compute(c, ACC, NULL, &ev), 0);
		s = sub_at(&ev, ACC, "{\xc3\x89lan");
		T_OK(s && s->kind == DS_EV_TEMPLATE);
		if (s) {
			T_EQ_STR(ds_ev_str(&ev, s->orig), "\xc3\xa9lan");
			T_OK(s->cased != DS_EV_NO_CASED &&
			     !strcmp(ds_ev_str(&ev, s->cased), "\xc3\x89lan"));
		}
	}
	/* a linked group inside one written alike is one flag, counted once */
	{
		static const char OUTER[] = "Then {the {war|battle} raged|nobody cared} that "
					    "day in the town by the river.\n";
		size_t ntpl = 0;
		T_EQ_INT(compute(c, OUTER, NULL, &ev), 0);
		T_EQ_INT(ev.n_templates, 1);
		for (size_t i = 0; i < ev.nsubs; i++)
			ntpl += ev.subs[i].kind == DS_EV_TEMPLATE;
		T_EQ_INT(ntpl, 1);
		s = sub_at(&ev, OUTER, "{the {war");
		T_OK(s && s->p == (float)DS_EV_TEMPLATE_FORM_P &&
		     !strcmp(ds_ev_str(&ev, s->orig), "the war raged"));
	}
	T_EQ_INT(compute(c, NOT_TPL, NULL, &ev), 0);
	T_EQ_INT(ev.n_templates, 0);
	for (size_t i = 0; i < ev.nsubs; i++)
		T_OK(ev.subs[i].kind != DS_EV_TEMPLATE);
	/* against a source the group is still one flag of its own kind */
	T_EQ_INT(compute(c, ART_TPL, "The war went on for a year and the city council met on "
				     "Tuesday to discuss the new budget.\n", &ev), 0);
	T_EQ_INT(ev.n_templates, 2);
	s = sub_at(&ev, ART_TPL, "{war|battle|conflict}");
	T_OK(s && s->kind == DS_EV_TEMPLATE);
	ds_ev_clear(&ev);
	ds_ev_ctx_free(c);
	/* no lexicon, no synonyms: no template */
	c = ds_ev_ctx_new(lm, NULL);
	T_OK(c);
	if (c) {
		T_EQ_INT(compute(c, ART_TPL, NULL, &ev), 0);
		T_EQ_INT(ev.n_templates, 0);
		ds_ev_clear(&ev);
		ds_ev_ctx_free(c);
	}
}

int main(void)
{
	struct ds_err err;
	lm = ds_lm_load("models/lm.bin", &err);
	lex = lm ? ds_lex_load("models/lex.bin", &err) : NULL;
	vec = lex ? ds_vec_load("models/vec.bin", &err) : NULL;
	scorer = vec ? ds_scorer_load("models/scorer.bin", &err) : NULL;
	if (!scorer) {
		printf("# models missing (make models): %s\n", err.msg);
		return 1;
	}
	T_RUN(feature_names);
	T_RUN(abbreviations_and_number_words);
	T_RUN(identical_copy);
	T_RUN(paired_fluency);
	T_RUN(lexicon_swap);
	T_RUN(subrate_per_article_word);
	T_RUN(solo_clean_vs_spun);
	T_RUN(unseen_pairs);
	T_RUN(gtop_over_lower_quartile);
	T_RUN(number_and_possessive_slots);
	T_RUN(pair_slots_are_phrases);
	T_RUN(compound_names);
	T_RUN(names_kept);
	T_RUN(slot_features_over_article);
	T_RUN(no_lexicon);
	T_RUN(deterministic);
	T_RUN(candidate_cache);
	T_RUN(candidate_search_recorded_with_its_limits);
	T_RUN(candidate_table);
	T_RUN(short_text_no_candidates);
	T_RUN(covered_no_candidates);
	T_RUN(swap_by_rules);
	T_RUN(change_model);
	T_RUN(never_spin);
	T_RUN(function_word_swap);
	T_RUN(shared_cache);
	T_RUN(threads);
	T_RUN(spinner_templates);
	free(scorer);
	ds_vec_free(vec);
	ds_lex_free(lex);
	ds_lm_free(lm);
	return t_done();
}
