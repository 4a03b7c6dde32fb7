/* test_lm_mix.c - mixtures of language models: the word union, scores that
 * form a distribution, the EM fit, the mixture file and its checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "binfmt.h"
#include "detect.h"
#include "lm.h"
#include "lm_train.h"

static char dir[] = "/tmp/despin-mix-XXXXXX";

static const char TEXT_A[] =
	"the cat sat on the mat .\n"
	"the dog sat on the log , and the cat ran .\n"
	"a cat and a dog met on the mat .\n"
	"the cat ran to the dog , then sat .\n";
/* words only: lower case, no punctuation */
static const char TEXT_B[] =
	"the market rose on monday\n"
	"the market fell on tuesday and the dollar rose\n"
	"the dollar fell and the market sat\n"
	"shares rose on the market\n";

static struct ds_lm *train_file(const char *text, const char *name)
{
	struct ds_lm_train_opts o = {0};
	struct ds_err err = {0};
	struct ds_lm_trainer *t;
	struct ds_lm *lm;
	char path[256];
	o.order = 3;
	o.pretokenized = 1;
	t = ds_lm_trainer_new(&o, &err);
	if (!t || ds_lm_trainer_add_text(t, text, strlen(text), name, &err))
		return NULL;
	lm = ds_lm_trainer_finish(t, NULL, &err);
	ds_lm_trainer_free(t);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!lm || ds_lm_write(lm, path, &err)) {
		ds_lm_free(lm);
		return NULL;
	}
	ds_lm_free(lm);
	return ds_lm_load(path, &err);   /* mapped from its file, as mixtures need */
}

static struct ds_lm *two(void)
{
	struct ds_lm *c[2] = {train_file(TEXT_A, "a.bin"), train_file(TEXT_B, "b.bin")};
	struct ds_err err = {0};
	if (!c[0] || !c[1])
		return NULL;
	return ds_lm_mix_new(c, 2, NULL, &err);
}

static double sum_after(const struct ds_lm *lm, const char *const *ctx)
{
	struct ds_lm_state st, o;
	double s = 0;
	ds_lm_begin(lm, &st);
	for (; *ctx; ctx++)
		ds_lm_score(lm, &st, ds_lm_vocab(lm, *ctx, strlen(*ctx)), &st, NULL);
	for (ds_lm_id w = 0; w < ds_lm_vocab_size(lm); w++)
		if (w != DS_LM_BOS)
			s += pow(10, ds_lm_score(lm, &st, w, &o, NULL));
	return s;
}

T_TEST(union_of_words)
{
	struct ds_lm *m = two();
	const struct ds_lm *a;
	ds_lm_id id;
	T_OK(m != NULL);
	if (!m)
		return;
	a = ds_lm_mix_part(m, 0);
	T_EQ_INT(ds_lm_mix_weights(m, NULL), 2);
	/* the first component's ids are the mixture's */
	T_EQ_INT(ds_lm_vocab(m, "cat", 3), ds_lm_vocab(a, "cat", 3));
	/* a word only the second knows gets a new id, with its string */
	id = ds_lm_vocab(m, "market", 6);
	T_OK(id >= ds_lm_vocab_size(a));
	T_OK(id < ds_lm_vocab_size(m));
	T_EQ_STR(ds_lm_word(m, id), "market");
	T_EQ_INT(ds_lm_vocab(m, "zebra", 5), DS_LM_UNK);
	/* "the" is in both: one id */
	T_EQ_INT(ds_lm_vocab(m, "the", 3), ds_lm_vocab(a, "the", 3));
	ds_lm_free(m);
}

T_TEST(scores_form_a_distribution)
{
	static const char *const c0[] = {NULL}, *const c1[] = {"the", NULL}, *const c2[] = {"the", "market", NULL},
			      *const c3[] = {"the", "cat", ",", NULL};
	struct ds_lm *m = two();
	if (!m)
		T_SKIP("no mixture");
	/* the words-only component's share of words is an approximation:
	 * a few percent either way */
	T_NEAR(sum_after(m, c0), 1.0, 0.1);
	T_NEAR(sum_after(m, c1), 1.0, 0.1);
	T_NEAR(sum_after(m, c2), 1.0, 0.1);
	T_NEAR(sum_after(m, c3), 1.0, 0.1);
	ds_lm_free(m);
}

/* The fit moves weight to the component that predicts the text. */
T_TEST(em_fit_follows_the_text)
{
	struct ds_lm *m = two();
	double w[DS_LM_MIX_BUCKETS * DS_LM_MIX_MAX], before, after;
	ds_lm_id ids[512];
	size_t n = 0;
	const char *words[] = {"the", "market", "rose", "on", "tuesday", "and", "the", "dollar", "fell"};
	if (!m)
		T_SKIP("no mixture");
	for (int r = 0; r < 40; r++) {
		ids[n++] = DS_LM_BOS;
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			ids[n++] = ds_lm_vocab(m, words[i], strlen(words[i]));
		ids[n++] = DS_LM_EOS;
	}
	before = ds_lm_score_span(m, &(struct ds_lm_state){0}, ids, n, NULL, NULL, NULL);
	T_OK(ds_lm_mix_fit(m, ids, n, 20, &after) > 0);
	ds_lm_mix_weights(m, w);
	/* some context bucket now trusts the second component (buckets with
	 * few words keep their weights) */
	{
		double best = 0;
		for (int b = 0; b < DS_LM_MIX_BUCKETS; b++)
			if (w[b * DS_LM_MIX_MAX + 1] > best)
				best = w[b * DS_LM_MIX_MAX + 1];
		T_OK(best > 0.7);
	}
	T_OK(after > before);
	ds_lm_free(m);
}

T_TEST(mixture_file_round_trip)
{
	struct ds_lm *m = two(), *back;
	struct ds_err err = {0};
	char path[256], kind[9];
	uint32_t version;
	ds_lm_id ids[] = {DS_LM_BOS, 0, 0, 0, DS_LM_EOS};
	if (!m)
		T_SKIP("no mixture");
	ids[1] = ds_lm_vocab(m, "the", 3);
	ids[2] = ds_lm_vocab(m, "market", 6);
	ids[3] = ds_lm_vocab(m, ",", 1);
	snprintf(path, sizeof path, "%s/mix.bin", dir);
	T_EQ_INT(ds_lm_write(m, path, &err), 0);
	back = ds_lm_load(path, &err);
	T_OK(back != NULL);
	if (back) {
		struct ds_lm_state s0 = {0};
		T_EQ_INT(ds_lm_vocab_size(back), ds_lm_vocab_size(m));
		T_NEAR(ds_lm_score_span(back, &s0, ids, 5, NULL, NULL, NULL),
		       ds_lm_score_span(m, &s0, ids, 5, NULL, NULL, NULL), 1e-6);
		T_EQ_STR(ds_lm_word(back, ids[2]), "market");
		ds_lm_free(back);
	}
	T_EQ_INT(ds_bin_check_file(path, kind, &version, &err), 0);
	T_EQ_STR(kind, DS_LM_MIX_KIND);
	ds_lm_free(m);
	/* a component rebuilt since: refused, saying how to rebuild */
	{
		struct ds_lm *b = train_file("other words here\n", "b.bin");
		ds_lm_free(b);
	}
	back = ds_lm_load(path, &err);
	T_OK(back == NULL);
	T_OK(strstr(err.msg, "changed since the mixture was built") != NULL);
	ds_lm_free(back);
}

/* A mixture names its components by file name and finds them in its own
 * folder: one written elsewhere, or over a component, is refused before
 * anything is written. */
T_TEST(mixture_beside_its_components)
{
	struct ds_lm *m = two();
	struct ds_err err = {0};
	char sub[200], path[256];
	if (!m)
		T_SKIP("no mixture");
	snprintf(sub, sizeof sub, "%s/sub", dir);
	T_EQ_INT(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/mix.bin", sub);
	T_EQ_INT(ds_lm_write(m, path, &err), DS_EINVAL);
	T_OK(strstr(err.msg, "a.bin: not in the folder of") != NULL);
	T_OK(access(path, F_OK) != 0);
	snprintf(path, sizeof path, "%s/b.bin", dir);
	T_EQ_INT(ds_lm_write(m, path, &err), DS_EINVAL);
	T_OK(strstr(err.msg, "cannot be written over one of its own components") != NULL);
	T_EQ_INT(ds_lm_mix_can_name(path, path, &err), DS_EINVAL);
	snprintf(path, sizeof path, "%s/mix.bin", dir);
	T_EQ_INT(ds_lm_write(m, path, &err), 0);
	ds_lm_free(m);
	rmdir(sub);
}

/* The shipped mixture (when built: needs pocketsphinx-en-us) is a
 * distribution too. */
T_TEST(real_mixture_sums_to_one)
{
	static const char *const c0[] = {NULL}, *const c1[] = {"of", NULL},
				 *const c2[] = {"the", "united", NULL}, *const c3[] = {",", "and", NULL};
	char path[4096];
	struct ds_err err = {0};
	struct ds_lm *m;
	const char *top = getenv("DS_TOP");
	snprintf(path, sizeof path, "%s/models/mix.bin", top ? top : ".");
	if (access(path, R_OK) != 0)
		T_SKIP("no models/mix.bin (built when pocketsphinx-en-us is installed)");
	m = ds_lm_load(path, &err);
	T_OK(m != NULL);
	if (!m)
		return;
	T_NEAR(sum_after(m, c0), 1.0, 0.03);
	T_NEAR(sum_after(m, c1), 1.0, 0.03);
	T_NEAR(sum_after(m, c2), 1.0, 0.03);
	T_NEAR(sum_after(m, c3), 1.0, 0.03);
	ds_lm_free(m);
}

/* The language model detection loads by default is the one the scorer was
 * fitted with (solo.tsv's lm row); when a component of that mixture is
 * missing, lm.bin stands in and a note says why; asked for by name, the
 * missing model is an error naming the package. */
T_TEST(fitted_model_falls_back_to_lm_bin)
{
	char note[768], path[256];
	struct ds_err err = {0};
	struct ds_lm *c[2] = {train_file(TEXT_A, "lm.bin"), train_file(TEXT_B, "bg.bin")};
	struct ds_lm *m, *got;
	FILE *f;
	size_t vmix, vlm;
	if (!c[0] || !c[1])
		T_SKIP("no models");
	vlm = ds_lm_vocab_size(c[0]);
	m = ds_lm_mix_new(c, 2, NULL, &err);
	T_OK(m != NULL);
	if (!m)
		return;
	vmix = ds_lm_vocab_size(m);
	T_OK(vmix > vlm);
	snprintf(path, sizeof path, "%s/mix.bin", dir);
	T_EQ_INT(ds_lm_write(m, path, &err), 0);
	ds_lm_free(m);
	snprintf(path, sizeof path, "%s/solo.tsv", dir);
	f = fopen(path, "w");
	T_OK(f != NULL);
	if (!f)
		return;
	fputs("despin-solo\t3\nlm\tmix.bin\n", f);
	fclose(f);
	/* all there: the mixture, no note */
	got = ds_models_load_lm(dir, NULL, note, sizeof note, &err);
	T_OK(got != NULL && ds_lm_vocab_size(got) == vmix);
	T_EQ_STR(note, "");
	ds_lm_free(got);
	/* the background model gone: lm.bin, with a note */
	snprintf(path, sizeof path, "%s/bg.bin", dir);
	unlink(path);
	got = ds_models_load_lm(dir, NULL, note, sizeof note, &err);
	T_OK(got != NULL && ds_lm_vocab_size(got) == vlm);
	T_OK(strstr(note, "fitted with mix.bin") != NULL);
	T_OK(strstr(note, "pocketsphinx-en-us") != NULL);
	ds_lm_free(got);
	/* asked for by name: an error that names the package */
	got = ds_models_load_lm(dir, "mix.bin", note, sizeof note, &err);
	T_OK(got == NULL);
	T_OK(strstr(err.msg, "bg.bin") != NULL && strstr(err.msg, "pocketsphinx-en-us") != NULL);
	T_EQ_STR(note, "");
	/* lm.bin itself missing: an error, nothing stands in */
	snprintf(path, sizeof path, "%s/lm.bin", dir);
	unlink(path);
	got = ds_models_load_lm(dir, NULL, note, sizeof note, &err);
	T_OK(got == NULL);
	T_OK(strstr(err.msg, "lm.bin") != NULL);
	snprintf(path, sizeof path, "%s/solo.tsv", dir);
	unlink(path);
}

/* n ids of words of both components, with <s> at every i % bos == 5 and
 * an id past the vocabulary at every i % past == 7. */
static void mixed_ids(const struct ds_lm *m, ds_lm_id *ids, size_t n, size_t bos, size_t past)
{
	static const char *const words[] = {"the", "cat", "market", "rose", ",", "dollar",
					    "mat", ".", "zebra", "on", "monday", "sat"};
	for (size_t i = 0; i < n; i++) {
		const char *w = words[(i * 7 + i / 13) % DS_ARRAY_LEN(words)];
		ids[i] = i % bos == 5 ? DS_LM_BOS : i % past == 7 ? ds_lm_vocab_size(m) + 3
								  : ds_lm_vocab(m, w, strlen(w));
	}
}

/* Steps x through ids[0..n) word by word from the beginning of a sentence,
 * as ds_lm_score does: the words whose score or n-gram length is not
 * per[i] and lens[i], or whose context before is not before[i] (before
 * NULL: not compared); *sum gets the total and *end the last context. */
static int steps_differ(const struct ds_lm *x, const ds_lm_id *ids, size_t n, const float *per,
			const int *lens, const struct ds_lm_state *before, double *sum,
			struct ds_lm_state *end)
{
	struct ds_lm_state st;
	int bad = 0;
	ds_lm_begin(x, &st);
	*sum = 0;
	for (size_t i = 0; i < n; i++) {
		float p;
		int len = 0;
		if (before)
			bad += memcmp(&before[i], &st, sizeof st) != 0;
		if (ids[i] == DS_LM_BOS) {
			ds_lm_begin(x, &st);
			p = 0;
		} else {
			p = ds_lm_score(x, &st, ids[i], &st, &len);
		}
		bad += p != per[i] || len != lens[i];
		*sum += p;
	}
	*end = st;
	return bad;
}

/* A long span (several prefetch chunks, <s> inside, ids past the
 * vocabulary, words of one component only) scores word for word as single
 * steps do; with the context before each word too, for the mixture and its
 * first component alone. */
T_TEST(span_matches_single_steps)
{
	struct ds_lm *m = two();
	enum { N = 1000 };
	static struct ds_lm_state before[N];
	ds_lm_id ids[N];
	float per[N];
	int lens[N];
	struct ds_lm_state st, a, b;
	double sum = 0, span;
	T_OK(m != NULL);
	if (!m)
		return;
	mixed_ids(m, ids, N, 97, 89);
	ds_lm_begin(m, &st);
	span = ds_lm_score_span(m, &st, ids, N, &a, per, lens);
	T_EQ_INT(steps_differ(m, ids, N, per, lens, NULL, &sum, &b), 0);
	T_OK(span == sum);
	T_OK(memcmp(&a, &b, sizeof a) == 0);
	for (int k = 0; k < 2; k++) {
		const struct ds_lm *x = k ? ds_lm_mix_part(m, 0) : m;
		ds_lm_begin(x, &st);
		span = ds_lm_score_span_states(x, &st, ids, N, before, &a, per, lens);
		T_EQ_INT(steps_differ(x, ids, N, per, lens, before, &sum, &b), 0);
		T_OK(span == sum);
		T_OK(memcmp(&a, &b, sizeof a) == 0);
	}
	ds_lm_free(m);
}

/* The spans that differ when scored side by side (more than one batch of
 * them, of lengths 0 to 12, with <s> and ids past the vocabulary) from each
 * scored alone, word for word; a NULL per-word row is skipped.  Checked for
 * a mixture, a single model and a compact one. */
static int spans_differ(const struct ds_lm *m, const ds_lm_id *pool, size_t npool)
{
	enum { NS = 40, L = 12 };
	const ds_lm_id *w[NS];
	size_t n[NS];
	float per[NS][L], one[L];
	float *rows[NS];
	double total[NS];
	struct ds_lm_state st;
	int bad = 0;
	ds_lm_begin(m, &st);
	ds_lm_score_span(m, &st, pool, 3, &st, NULL, NULL);
	for (size_t s = 0; s < NS; s++) {
		w[s] = pool + (s * 5) % (npool - L);
		n[s] = s % (L + 1);
		rows[s] = s % 7 == 3 ? NULL : per[s];
	}
	ds_lm_score_spans(m, &st, w, n, NS, total, rows);
	for (size_t s = 0; s < NS; s++) {
		double alone = ds_lm_score_span(m, &st, w[s], n[s], NULL, one, NULL);
		bad += alone != total[s];
		for (size_t i = 0; rows[s] && i < n[s]; i++)
			bad += one[i] != per[s][i];
	}
	return bad;
}

T_TEST(spans_side_by_side_match_one_by_one)
{
	struct ds_lm *m = two();
	enum { N = 300 };
	ds_lm_id ids[N];
	T_OK(m != NULL);
	if (!m)
		return;
	mixed_ids(m, ids, N, 23, 19);
	T_EQ_INT(spans_differ(m, ids, N), 0);
	/* a single model: its own ids (the first component's are the mixture's) */
	for (size_t i = 0; i < N; i++)
		if (ids[i] != DS_LM_BOS && ids[i] >= ds_lm_vocab_size(ds_lm_mix_part(m, 0)))
			ids[i] = DS_LM_UNK;
	T_EQ_INT(spans_differ(ds_lm_mix_part(m, 0), ids, N), 0);
	/* the compact layout, whose searches are not overlapped */
	{
		struct ds_err err = {0};
		struct ds_lm *q = ds_lm_compact(ds_lm_mix_part(m, 0), &err);
		T_OK(q != NULL);
		if (q)
			T_EQ_INT(spans_differ(q, ids, N), 0);
		ds_lm_free(q);
	}
	ds_lm_free(m);
}

/* Spans that end with the text's own next words (a candidate put in the
 * place of the text's words [p, p + k), then the three words after them):
 * with the text's states and scores as their tail, the same totals and
 * per-word scores to the bit as without; *joins counts the spans whose
 * state, stepped word by word, meets the text's before the tail ends (where
 * the tail's scores are taken instead of looked up). */
static int tail_spans_differ(const struct ds_lm *m, const ds_lm_id *ids, size_t n, int *joins)
{
	enum { NS = 24, F = 3, L = 2 + F };
	static struct ds_lm_state before[400];
	static float text[400];
	ds_lm_id buf[NS][L];
	const ds_lm_id *w[NS];
	size_t len[NS];
	float per[NS][L], per2[NS][L];
	float *rows[NS], *rows2[NS];
	double total[NS], total2[NS];
	struct ds_lm_state st;
	int bad = 0;
	if (n > 400)
		return -1;
	ds_lm_begin(m, &st);
	ds_lm_score_span_states(m, &st, ids, n, before, NULL, text, NULL);
	for (size_t p = 1; p + 2 + F < n; p += 11) {
		size_t k = 1 + p % 2, p1 = p + k;
		struct ds_lm_tail tail = {F, &before[p1], &text[p1]};
		int skip = 0;
		for (size_t i = p1; i < p1 + F; i++)
			skip |= ids[i] == DS_LM_BOS;
		if (skip)
			continue;
		for (size_t s = 0; s < NS; s++) {
			size_t nc = s % 3 == 2 ? 2 : 1;
			/* the text's own words first, then others of the text */
			for (size_t i = 0; i < nc; i++)
				buf[s][i] = s == 0 && nc == k ? ids[p + i] : ids[(p * 3 + s * 7 + i) % n];
			if (buf[s][0] == DS_LM_BOS)
				buf[s][0] = DS_LM_UNK;
			memcpy(buf[s] + nc, ids + p1, F * sizeof *ids);
			w[s] = buf[s];
			len[s] = nc + F;
			rows[s] = s % 5 == 4 ? NULL : per[s];
			rows2[s] = s % 5 == 4 ? NULL : per2[s];
		}
		ds_lm_score_spans(m, &before[p], w, len, NS, total, rows);
		ds_lm_score_spans_tail(m, &before[p], w, len, NS, &tail, total2, rows2);
		for (size_t s = 0; s < NS; s++) {
			struct ds_lm_state t = before[p];
			bad += total[s] != total2[s];
			for (size_t i = 0; rows[s] && i < len[s]; i++)
				bad += per[s][i] != per2[s][i];
			for (size_t i = 0; i < len[s]; i++) {
				if (i + F >= len[s] && ds_lm_state_same(&t, &before[p1 + i + F - len[s]])) {
					++*joins;
					break;
				}
				ds_lm_score(m, &t, w[s][i], &t, NULL);
			}
		}
	}
	return bad;
}

T_TEST(spans_with_the_texts_tail)
{
	struct ds_lm *m = two();
	enum { N = 300 };
	ds_lm_id ids[N];
	struct ds_lm_state a, b;
	int joins = 0;
	T_OK(m != NULL);
	if (!m)
		return;
	mixed_ids(m, ids, N, 41, 37);
	T_EQ_INT(tail_spans_differ(m, ids, N, &joins), 0);
	T_OK(joins > 10);
	for (size_t i = 0; i < N; i++)
		if (ids[i] != DS_LM_BOS && ids[i] >= ds_lm_vocab_size(ds_lm_mix_part(m, 0)))
			ids[i] = DS_LM_UNK;
	joins = 0;
	T_EQ_INT(tail_spans_differ(ds_lm_mix_part(m, 0), ids, N, &joins), 0);
	T_OK(joins > 10);
	/* the same state whatever lies past each context's length */
	ds_lm_begin(m, &a);
	ds_lm_score(m, &a, ids[1], &a, NULL);
	b = a;
	b.words[DS_LM_MAX_ORDER - 2] ^= 1u;
	b.part[DS_LM_MIX_MAX - 2].backoff[DS_LM_MAX_ORDER - 2] += 1.0f;
	T_OK(a.len < DS_LM_MAX_ORDER - 1 && ds_lm_state_same(&a, &b));
	b.len = a.len + 1;
	T_OK(!ds_lm_state_same(&a, &b));
	ds_lm_free(m);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	T_RUN(union_of_words);
	T_RUN(scores_form_a_distribution);
	T_RUN(em_fit_follows_the_text);
	T_RUN(mixture_file_round_trip);
	T_RUN(mixture_beside_its_components);
	T_RUN(real_mixture_sums_to_one);
	T_RUN(span_matches_single_steps);
	T_RUN(spans_side_by_side_match_one_by_one);
	T_RUN(spans_with_the_texts_tail);
	T_RUN(fitted_model_falls_back_to_lm_bin);
	t_rmdir(dir);
	return t_done();
}
