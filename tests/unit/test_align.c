/* test_align.c - sentence matching and word alignment. */
#include "t.h"
#include "align.h"
#include "stem.h"

static struct ds_stemmer *st;

static struct ds_doc *mk(const char *s)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(s, strlen(s), "t", 0, &err);
	if (d)
		ds_doc_stem(d, st);
	return d;
}

static struct ds_doc *load(const char *path)
{
	struct ds_err err = {0};
	char *text;
	size_t len;
	struct ds_doc *d;
	if (ds_read_file(path, 0, &text, &len, &err))
		return NULL;
	d = ds_doc_new(text, len, path, 0, &err);
	free(text);
	if (d)
		ds_doc_stem(d, st);
	return d;
}

static void span(const struct ds_doc *d, uint32_t b, uint32_t e, char *out, size_t n)
{
	if (b >= e) {
		out[0] = 0;
		return;
	}
	snprintf(out, n, "%.*s", (int)(d->tok[e - 1].end - d->tok[b].start), d->text + d->tok[b].start);
}

/* Finds a substitution article-text <- source-text. */
static int has_sub(const struct ds_align *al, const struct ds_doc *a, const struct ds_doc *s,
		   const char *at, const char *stext)
{
	char x[256], y[256];
	for (size_t i = 0; i < al->nedits; i++) {
		if (al->edits[i].kind != DS_EDIT_SUB)
			continue;
		span(a, al->edits[i].a_begin, al->edits[i].a_end, x, sizeof x);
		span(s, al->edits[i].s_begin, al->edits[i].s_end, y, sizeof y);
		if (!strcmp(x, at) && !strcmp(y, stext))
			return 1;
	}
	return 0;
}

T_TEST(substitutions_with_offsets)
{
	struct ds_doc *s = mk("The war in Ukraine went on. Officials met in Geneva on Tuesday.");
	struct ds_doc *a = mk("Officials gathered in Geneva on Tuesday. The battle in Ukraine went on.");
	struct ds_err err = {0};
	struct ds_align *al;
	T_OK(s && a);
	al = ds_align_new(a, s, &err);
	T_OK(al);
	if (!al)
		return;
	T_EQ_INT(al->npairs, 2); /* moved sentences are still paired */
	T_OK(has_sub(al, a, s, "gathered", "met"));
	T_OK(has_sub(al, a, s, "battle", "war"));
	for (size_t i = 0; i < al->nedits; i++)
		if (al->edits[i].kind == DS_EDIT_SUB &&
		    !strcmp(ds_tok_norm(a, al->edits[i].a_begin), "battle")) {
			T_EQ_INT(a->tok[al->edits[i].a_begin].start, 45);
			T_EQ_INT(s->tok[al->edits[i].s_begin].start, 4);
		}
	T_EQ_INT(al->nedits, 2);
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
}

T_TEST(multiword_and_insertions)
{
	struct ds_doc *s = mk("So many people are dead after the year of war, he said.");
	struct ds_doc *a = mk("So lots of people are dead after the 12 months of war, he said today.");
	struct ds_err err = {0};
	struct ds_align *al = ds_align_new(a, s, &err);
	T_OK(al);
	if (!al)
		return;
	T_OK(has_sub(al, a, s, "lots of", "many"));
	T_OK(has_sub(al, a, s, "12 months", "year"));
	{
		int ins = 0;
		for (size_t i = 0; i < al->nedits; i++)
			if (al->edits[i].kind == DS_EDIT_INS &&
			    !strcmp(ds_tok_norm(a, al->edits[i].a_begin), "today"))
				ins = 1;
		T_OK(ins);
	}
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
}

T_TEST(unrelated_text_is_not_paired)
{
	struct ds_doc *s = mk("The committee approved the budget for the new school year.");
	struct ds_doc *a = mk("Heavy rain flooded several villages along the river overnight.");
	struct ds_err err = {0};
	struct ds_align *al = ds_align_new(a, s, &err);
	T_OK(al);
	if (!al)
		return;
	T_EQ_INT(al->npairs, 0);
	T_EQ_INT(al->nedits, 0);
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
}

/* Sentences of fewer than DS_ALIGN_MIN_WORDS distinct words are never
 * paired; their words are counted on each side, so that a caller can tell
 * "unmatched" from "too short to pair". */
T_TEST(short_sentences_are_counted)
{
	struct ds_doc *s = mk("Why did you duck? He snapped. \"No no.\" The rock was wet and cold today.");
	struct ds_doc *a = mk("Why did you duck? He snapped. \"No no.\" The rock was wet and cold today.\n\n"
			      "Yes.");
	struct ds_err err = {0};
	struct ds_align *al = ds_align_new(a, s, &err);
	T_OK(al);
	if (!al)
		return;
	T_EQ_INT(al->a_words, 16);
	T_EQ_INT(al->a_words_short, 5);  /* He snapped, No no, Yes */
	T_EQ_INT(al->s_words, 15);
	T_EQ_INT(al->s_words_short, 4);
	T_EQ_INT(al->a_words_matched, 11);
	T_EQ_INT(al->nedits, 0);
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
}

T_TEST(seed_003_against_000)
{
	struct ds_doc *a = load("corpus/seeds/003_cc34e14e2e5a732a.txt");
	struct ds_doc *s = load("corpus/seeds/000_fcd469a446cc7cc8.txt");
	struct ds_err err = {0};
	struct ds_align *al;
	if (!a || !s) {
		ds_doc_free(a);
		ds_doc_free(s);
		T_SKIP("seeds not found");
	}
	al = ds_align_new(a, s, &err);
	T_OK(al);
	if (al) {
		T_OK(has_sub(al, a, s, "assembly", "meeting"));
		T_OK(has_sub(al, a, s, "overseas", "foreign"));
		T_OK(has_sub(al, a, s, "subsequent", "next"));
		T_OK(has_sub(al, a, s, "financial", "economic"));
		T_OK(has_sub(al, a, s, "international points", "global issues"));
		T_OK(al->npairs >= 8);
	}
	ds_align_free(al);
	ds_doc_free(a);
	ds_doc_free(s);
}

/* A sentence of hundreds of words (a long period of old prose, machine
 * output pasted into an e-mail) is aligned word by word like any other. */
T_TEST(long_sentences_are_aligned)
{
	struct ds_buf bs = {0}, ba = {0};
	struct ds_doc *s, *a;
	struct ds_err err = {0};
	struct ds_align *al;
	for (int i = 0; i < 120; i++) {
		ds_buf_printf(&bs, "%sthe whale number %d swam on", i ? ", " : "", i);
		ds_buf_printf(&ba, "%sthe whale number %d %s on", i ? ", " : "", i,
			      i == 100 ? "paddled" : "swam");
	}
	ds_buf_printf(&bs, ".");
	ds_buf_printf(&ba, ".");
	s = mk(bs.data);
	a = mk(ba.data);
	T_OK(s && a);
	if (!s || !a)
		goto out;
	T_EQ_INT(a->nsent, 1);
	T_OK(a->ntok > 700);
	al = ds_align_new(a, s, &err);
	T_OK(al);
	if (al) {
		T_EQ_INT(al->npairs, 1);
		T_EQ_INT(al->nedits, 1);
		T_OK(has_sub(al, a, s, "paddled", "swam"));
		T_EQ_INT(al->a_words_paired, al->a_words);
		ds_align_free(al);
	}
out:
	ds_doc_free(a);
	ds_doc_free(s);
	ds_buf_free(&bs);
	ds_buf_free(&ba);
}

int main(void)
{
	st = ds_stemmer_new();
	T_RUN(substitutions_with_offsets);
	T_RUN(multiword_and_insertions);
	T_RUN(unrelated_text_is_not_paired);
	T_RUN(short_sentences_are_counted);
	T_RUN(seed_003_against_000);
	T_RUN(long_sentences_are_aligned);
	ds_stemmer_free(st);
	return t_done();
}
