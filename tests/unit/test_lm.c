/* test_lm.c - the language model: hand-computed Kneser-Ney, KenLM golden
 * files (ARPA scores, training counts and probabilities), binary round
 * trips, damaged files, token mapping. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "lm.h"
#include "lm_internal.h"
#include "lm_train.h"
#include "binfmt.h"
#include "text.h"

/* The KenLM reference files: $DS_LM_REF, else ../shared/lm-reference next
 * to the source tree ($DS_TOP, set by tests/run.sh, else the current
 * directory). */
static const char *ref_dir(void)
{
	static char dir[4096];
	const char *env = getenv("DS_LM_REF"), *top = getenv("DS_TOP");
	char p[4200];
	if (env && *env)
		snprintf(dir, sizeof dir, "%s", env);
	else
		snprintf(dir, sizeof dir, "%s/../shared/lm-reference", top && *top ? top : ".");
	snprintf(p, sizeof p, "%s/kenlm-o3.arpa", dir);
	return access(p, R_OK) == 0 ? dir : NULL;
}

static struct ds_lm *train_text(const char *text, int order, uint64_t prune,
				struct ds_lm_train_info *info)
{
	struct ds_lm_train_opts o = {0};
	struct ds_err err = {0};
	struct ds_lm_trainer *t;
	struct ds_lm *lm;
	o.order = order;
	o.prune = prune;
	o.pretokenized = 1;
	t = ds_lm_trainer_new(&o, &err);
	if (!t || ds_lm_trainer_add_text(t, text, strlen(text), "test", &err)) {
		printf("# %s\n", err.msg);
		ds_lm_trainer_free(t);
		return NULL;
	}
	lm = ds_lm_trainer_finish(t, info, &err);
	if (!lm)
		printf("# %s\n", err.msg);
	ds_lm_trainer_free(t);
	return lm;
}

static ds_lm_id id_of(const struct ds_lm *lm, const char *w)
{
	return ds_lm_vocab(lm, w, strlen(w));
}

/* Sentences "a b", "a b", "b", order 2.
 *
 * Bigram counts (after <s>, up to </s>): <s> a: 2, a b: 2, b </s>: 3,
 * <s> b: 1.  Count-of-counts t1=1 t2=2 t3=1 t4=0: the estimate is undefined,
 * so the discounts fall back to D1 0.5, D2 1, D3+ 1.5 (as KenLM's
 * --discount_fallback).  Unigram adjusted counts = distinct left words:
 * a 1 (<s>), b 2 (a, <s>), </s> 1 (b); t1=2 t2=1 t3=0: fallback as well.
 * Vocabulary <unk> <s> </s> a b: the uniform share is over 4 words (all
 * but <s>).
 *
 * Unigrams: total 1+2+1 = 4, discounted mass 0.5+1+0.5 = 2, gamma = 2/4 = 0.5
 *   p(a)    = (1-0.5)/4 + 0.5/4 = 0.125 + 0.125 = 0.25
 *   p(b)    = (2-1)/4   + 0.125              = 0.375
 *   p(</s>) = (1-0.5)/4 + 0.125              = 0.25
 *   p(<unk>)= 0.5/4                          = 0.125   (sum = 1)
 * Context <s>: a 2, b 1; total 3, mass 1 + 0.5 = 1.5, gamma(<s>) = 0.5
 *   p(a|<s>) = (2-1)/3 + 0.5 * 0.25  = 0.458333...
 *   p(b|<s>) = (1-0.5)/3 + 0.5*0.375 = 0.354166...
 * Context a: b 2; total 2, mass 1, gamma(a) = 0.5
 *   p(b|a) = (2-1)/2 + 0.5 * 0.375 = 0.6875
 * Context b: </s> 3; total 3, mass 1.5, gamma(b) = 0.5
 *   p(</s>|b) = (3-1.5)/3 + 0.5 * 0.25 = 0.625
 * Unseen: p(a|b) = backoff(b) p(a) = 0.5 * 0.25 = 0.125 (unigram match);
 *         p(z|<s>) = backoff(<s>) p(<unk>) = 0.5 * 0.125 = 0.0625. */
T_TEST(tiny_kneser_ney_by_hand)
{
	struct ds_lm_train_info info;
	struct ds_lm *lm = train_text("a b\na b\nb\n", 2, 0, &info);
	struct ds_lm_state st, st2;
	int len;
	float p;
	T_OK(lm != NULL);
	if (!lm)
		return;
	T_EQ_INT(info.vocab, 5);
	T_EQ_INT(info.count[1], 4);
	T_EQ_INT(info.fallback[0], 1);
	T_EQ_INT(info.fallback[1], 1);
	ds_lm_null(&st);
	T_NEAR(ds_lm_score(lm, &st, id_of(lm, "a"), &st2, &len), log10(0.25), 1e-6);
	T_NEAR(ds_lm_score(lm, &st, id_of(lm, "b"), &st2, &len), log10(0.375), 1e-6);
	T_NEAR(ds_lm_score(lm, &st, DS_LM_EOS, &st2, &len), log10(0.25), 1e-6);
	T_NEAR(ds_lm_score(lm, &st, DS_LM_UNK, &st2, &len), log10(0.125), 1e-6);

	ds_lm_begin(lm, &st);
	p = ds_lm_score(lm, &st, id_of(lm, "a"), &st, &len);
	T_NEAR(p, log10(1.0 / 3 + 0.125), 1e-6);
	T_EQ_INT(len, 2);
	p = ds_lm_score(lm, &st, id_of(lm, "b"), &st, &len);
	T_NEAR(p, log10(0.6875), 1e-6);
	T_EQ_INT(len, 2);
	p = ds_lm_score(lm, &st, DS_LM_EOS, &st, &len);
	T_NEAR(p, log10(0.625), 1e-6);
	T_EQ_INT(len, 2);

	ds_lm_begin(lm, &st);
	T_NEAR(ds_lm_score(lm, &st, id_of(lm, "b"), &st, &len), log10(0.5 / 3 + 0.1875), 1e-6);
	p = ds_lm_score(lm, &st, id_of(lm, "a"), &st, &len);
	T_NEAR(p, log10(0.125), 1e-6);
	T_EQ_INT(len, 1);

	ds_lm_begin(lm, &st);
	T_EQ_INT(id_of(lm, "z"), DS_LM_UNK);
	p = ds_lm_score(lm, &st, id_of(lm, "z"), &st, &len);
	T_NEAR(p, log10(0.0625), 1e-6);
	T_EQ_INT(len, 1);
	T_EQ_INT(st.len, 0);   /* <unk> starts no n-gram: empty context */

	{
		ds_lm_id s[] = {id_of(lm, "a"), id_of(lm, "b")};
		T_NEAR(ds_lm_score_sentence(lm, s, 2),
		       log10(1.0 / 3 + 0.125) + log10(0.6875) + log10(0.625), 1e-5);
	}
	ds_lm_free(lm);
}

/* Pruning keeps a consistent model: with --prune 2 only n-grams seen twice
 * stay; their prefixes and suffixes are seen at least as often. */
T_TEST(prune_keeps_consistent_model)
{
	struct ds_lm_train_info info, full;
	const char *text = "a b c\na b c\na b d\nx y z\n";
	struct ds_lm *lm = train_text(text, 3, 2, &info), *lm0 = train_text(text, 3, 0, &full);
	struct ds_lm_state st;
	int len;
	T_OK(lm && lm0);
	if (!lm || !lm0) {
		ds_lm_free(lm);
		ds_lm_free(lm0);
		return;
	}
	/* kept bigrams: <s> a 3, a b 3, b c 2, c </s> 2; trigrams: <s> a b 3, a b c 2, b c </s> 2 */
	T_EQ_INT(info.count[1], 4);
	T_EQ_INT(info.count[2], 3);
	T_OK(full.count[1] > info.count[1]);
	ds_lm_begin(lm, &st);
	ds_lm_score(lm, &st, id_of(lm, "a"), &st, &len);
	ds_lm_score(lm, &st, id_of(lm, "b"), &st, &len);
	T_EQ_INT(len, 3);
	ds_lm_score(lm, &st, id_of(lm, "d"), &st, &len);
	T_EQ_INT(len, 1);   /* "b d" was pruned */
	ds_lm_free(lm);
	ds_lm_free(lm0);
}

/* Per-token scores of KenLM's query over test.txt: "word=id len log10p". */
static int check_against_query(const struct ds_lm *lm, const char *dir, double tol, int check_ids,
			       double *total_out, long *tokens_out, long *oov_out, double *oovp_out)
{
	char path[300], *test = NULL, *words = NULL;
	size_t tl, wl;
	struct ds_err err = {0};
	const char *p, *q;
	int bad = 0;
	double total = 0, oovp = 0;
	long tokens = 0, oovs = 0;

	snprintf(path, sizeof path, "%s/test.txt", dir);
	if (ds_read_file(path, 0, &test, &tl, &err))
		return -1;
	snprintf(path, sizeof path, "%s/kenlm-o3.test-words.txt", dir);
	if (ds_read_file(path, 0, &words, &wl, &err)) {
		free(test);
		return -1;
	}
	p = test;
	q = words;
	while (*p && *q) {
		const char *pe = strchr(p, '\n'), *qe = strchr(q, '\n');
		struct ds_lm_state st;
		char line[8192];
		char *save = NULL, *tok;
		char ref[8192], *rsave = NULL, *rtok;
		if (!pe)
			pe = p + strlen(p);
		if (!qe)
			qe = q + strlen(q);
		snprintf(line, sizeof line, "%.*s", (int)(pe - p), p);
		snprintf(ref, sizeof ref, "%.*s", (int)(qe - q), q);
		ds_lm_begin(lm, &st);
		tok = strtok_r(line, " ", &save);
		rtok = strtok_r(ref, "\t", &rsave);
		for (;;) {
			ds_lm_id id;
			int len, rlen;
			float lp;
			unsigned rid;
			double rp;
			const char *eq;
			if (!rtok)
				break;
			eq = strrchr(rtok, '=');
			if (!eq || sscanf(eq + 1, "%u %d %lf", &rid, &rlen, &rp) != 3) {
				bad++;
				break;
			}
			id = tok ? ds_lm_vocab(lm, tok, strlen(tok)) : DS_LM_EOS;
			lp = ds_lm_score(lm, &st, id, &st, &len);
			total += lp;
			tokens++;
			if (id == DS_LM_UNK) {
				oovs++;
				oovp += lp;
			}
			if (fabs(lp - rp) > tol || len != rlen || (check_ids && id != rid) ||
			    (!check_ids && (id == 0) != (rid == 0))) {
				if (bad < 5)
					printf("# %s: %g len %d id %u, KenLM %g len %d id %u\n",
					       tok ? tok : "</s>", lp, len, id, rp, rlen, rid);
				bad++;
			}
			if (!tok)
				break;
			tok = strtok_r(NULL, " ", &save);
			rtok = strtok_r(NULL, "\t", &rsave);
		}
		p = *pe ? pe + 1 : pe;
		q = *qe ? qe + 1 : qe;
	}
	free(test);
	free(words);
	*total_out = total;
	*tokens_out = tokens;
	*oov_out = oovs;
	*oovp_out = oovp;
	return bad;
}

T_TEST(arpa_matches_kenlm_query)
{
	const char *dir = ref_dir();
	char path[300];
	struct ds_err err = {0};
	struct ds_lm *lm;
	double total, oovp;
	long tokens, oovs;
	int bad;
	if (!dir)
		T_SKIP("no KenLM reference files in ../shared/lm-reference (or $DS_LM_REF)");
	snprintf(path, sizeof path, "%s/kenlm-o3.arpa", dir);
	lm = ds_lm_load(path, &err);
	T_OK(lm != NULL);
	if (!lm) {
		printf("# %s\n", err.msg);
		return;
	}
	T_EQ_INT(ds_lm_order(lm), 3);
	T_EQ_INT(ds_lm_vocab_size(lm), 16508);
	bad = check_against_query(lm, dir, 1e-5, 1, &total, &tokens, &oovs, &oovp);
	T_EQ_INT(bad, 0);
	T_EQ_INT(tokens, 5959);
	T_EQ_INT(oovs, 401);
	/* kenlm-o3.test-summary.txt */
	T_NEAR(pow(10, -total / tokens), 433.7946574946181, 1e-3);
	T_NEAR(pow(10, -(total - oovp) / (tokens - oovs)), 283.8503251588591, 1e-3);
	ds_lm_free(lm);
}

T_TEST(training_matches_kenlm_lmplz)
{
	const char *dir = ref_dir();
	char path[300], *text;
	size_t len;
	struct ds_err err = {0};
	struct ds_lm_train_opts o = {0};
	struct ds_lm_train_info info;
	struct ds_lm_trainer *t;
	struct ds_lm *lm;
	double total, oovp;
	long tokens, oovs;
	if (!dir)
		T_SKIP("no KenLM reference files in ../shared/lm-reference (or $DS_LM_REF)");
	snprintf(path, sizeof path, "%s/train.txt", dir);
	T_EQ_INT(ds_read_file(path, 0, &text, &len, &err), 0);
	o.order = 3;
	o.pretokenized = 1;
	t = ds_lm_trainer_new(&o, &err);
	T_EQ_INT(ds_lm_trainer_add_text(t, text, len, path, &err), 0);
	free(text);
	lm = ds_lm_trainer_finish(t, &info, &err);
	ds_lm_trainer_free(t);
	T_OK(lm != NULL);
	if (!lm)
		return;
	/* lmplz -o 3: 16,508 / 77,321 / 113,345 */
	T_EQ_INT(info.count[0], 16508);
	T_EQ_INT(info.count[1], 77321);
	T_EQ_INT(info.count[2], 113345);
	T_EQ_INT(info.fallback[0] + info.fallback[1] + info.fallback[2], 0);
	/* the same smoothing: every test token within 1e-5 of KenLM's score */
	T_EQ_INT(check_against_query(lm, dir, 1e-5, 0, &total, &tokens, &oovs, &oovp), 0);
	T_NEAR(pow(10, -total / tokens), 433.7946574946181, 1e-2);
	ds_lm_free(lm);
}

static double score_words(const struct ds_lm *lm, const char *const *w, size_t n)
{
	ds_lm_id ids[32];
	for (size_t i = 0; i < n; i++)
		ids[i] = ds_lm_vocab(lm, w[i], strlen(w[i]));
	return ds_lm_score_sentence(lm, ids, n);
}

T_TEST(binary_and_arpa_round_trips)
{
	const char *text = "the cat sat on the mat\nthe dog sat on the log\na cat and a dog\n"
			   "the cat saw the dog\nthe dog saw a cat on the mat\n";
	const char *s1[] = {"the", "cat", "sat", "on", "a", "log"};
	const char *s2[] = {"a", "dog", "saw", "the", "zebra"};
	struct ds_lm *lm = train_text(text, 3, 0, NULL), *lb, *la;
	struct ds_err err = {0};
	char bin[64], arpa[64];
	snprintf(bin, sizeof bin, "/tmp/test_lm.%d.bin", (int)getpid());
	snprintf(arpa, sizeof arpa, "/tmp/test_lm.%d.arpa", (int)getpid());
	T_OK(lm != NULL);
	if (!lm)
		return;
	T_EQ_INT(ds_lm_write(lm, bin, &err), 0);
	T_EQ_INT(ds_lm_write_arpa(lm, arpa, &err), 0);
	lb = ds_lm_load(bin, &err);
	la = ds_lm_load(arpa, &err);
	T_OK(lb && la);
	if (lb && la) {
		struct ds_lm_stats a, b;
		ds_lm_get_stats(lm, &a);
		ds_lm_get_stats(lb, &b);
		T_EQ_INT(b.mapped, 1);
		for (int n = 0; n < 3; n++)
			T_EQ_INT(a.count[n], b.count[n]);
		T_NEAR(score_words(lb, s1, 6), score_words(lm, s1, 6), 1e-9);
		T_NEAR(score_words(la, s1, 6), score_words(lm, s1, 6), 1e-6);
		T_NEAR(score_words(lb, s2, 5), score_words(lm, s2, 5), 1e-9);
		T_NEAR(score_words(la, s2, 5), score_words(lm, s2, 5), 1e-6);
		T_EQ_STR(ds_lm_word(lb, ds_lm_vocab(lb, "mat", 3)), "mat");
		T_EQ_INT(ds_lm_vocab(lb, "zebra", 5), DS_LM_UNK);
	}
	ds_lm_free(lb);
	ds_lm_free(la);
	ds_lm_free(lm);
	unlink(bin);
	unlink(arpa);
}

static void write_bytes(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

T_TEST(damaged_files_are_refused)
{
	struct ds_lm *lm = train_text("a b c\nb c d\n", 3, 0, NULL), *bad;
	struct ds_err err = {0};
	char bin[64], *data = NULL;
	size_t n = 0;
	snprintf(bin, sizeof bin, "/tmp/test_lm_bad.%d.bin", (int)getpid());
	T_OK(lm != NULL);
	if (!lm)
		return;
	T_EQ_INT(ds_lm_write(lm, bin, &err), 0);
	T_EQ_INT(ds_read_file(bin, 0, &data, &n, &err), 0);
	/* truncated */
	write_bytes(bin, data, n - 40);
	bad = ds_lm_load(bin, &err);
	T_OK(bad == NULL);
	T_EQ_INT(err.code, DS_ECORRUPT);
	T_OK(strstr(err.msg, "rebuild it ('make models' for the shipped models)") != NULL);
	T_OK(strstr(err.msg, bin) != NULL);
	/* one flipped byte in the payload: loading reads only the header and
	 * the layout; the full check (lm check, check-models) catches it */
	data[n - 9] ^= 0x40;
	write_bytes(bin, data, n);
	{
		char kind[9];
		uint32_t version;
		T_EQ_INT(ds_bin_check_file(bin, kind, &version, &err), DS_ECORRUPT);
		T_OK(strstr(err.msg, "checksum mismatch") != NULL);
		T_EQ_STR(kind, "LM");
	}
	/* the writer's tokeniser version is in the header; a file from before
	 * it was recorded (0) reads as version 1, a file of another tokeniser
	 * is refused */
	data[n - 9] ^= 0x40;
	T_EQ_INT(data[48], DS_TOK_VERSION);
	data[48] = 0;
	write_bytes(bin, data, n);
	bad = ds_lm_load(bin, &err);
	T_EQ_INT(bad != NULL, DS_TOK_VERSION == 1);
	ds_lm_free(bad);
	data[48] = DS_TOK_VERSION + 1;
	write_bytes(bin, data, n);
	bad = ds_lm_load(bin, &err);
	T_OK(bad == NULL);
	T_EQ_INT(err.code, DS_EVERSION);
	T_OK(strstr(err.msg, "tokeniser version") != NULL);
	T_OK(strstr(err.msg, "make models") != NULL);
	data[48] = DS_TOK_VERSION;
	/* another version */
	data[16] = 99;
	write_bytes(bin, data, n);
	bad = ds_lm_load(bin, &err);
	T_OK(bad == NULL);
	T_OK(strstr(err.msg, "make models") != NULL);
	/* missing */
	unlink(bin);
	bad = ds_lm_load(bin, &err);
	T_OK(bad == NULL);
	T_OK(strstr(err.msg, "make models") != NULL);
	/* ARPA with a bigram whose words are not 1-grams */
	{
		const char arpa[] = "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\t-0.5\n"
				    "-1\t</s>\n-1\ta\t-0.3\n\n\\2-grams:\n-0.5\t<s> b\n\n\\end\\\n";
		write_bytes(bin, arpa, sizeof arpa - 1);
		bad = ds_lm_load(bin, &err);
		T_OK(bad == NULL);
		T_EQ_INT(err.code, DS_EFORMAT);
		T_OK(strstr(err.msg, "'b'") != NULL);
	}
	/* ARPA probabilities and back-offs that are no finite numbers, each
	 * refused on its line (-99 is how a model writes log 0) */
	{
		static const char *const bad_num[] = {"nan", "inf", "-inf", "1e99x"};
		for (size_t i = 0; i < sizeof bad_num / sizeof bad_num[0]; i++) {
			char arpa[256];
			int len = snprintf(arpa, sizeof arpa,
					 "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-99\t<s>\t%s\n"
					 "-1\t</s>\n-1\ta\t-0.3\n\n\\2-grams:\n-0.5\t<s> a\n\n\\end\\\n",
					 bad_num[i]);
			write_bytes(bin, arpa, (size_t)len);
			bad = ds_lm_load(bin, &err);
			T_OK(bad == NULL);
			T_EQ_INT(err.code, DS_EFORMAT);
			T_OK(strstr(err.msg, ":6:") != NULL);
			ds_lm_free(bad);
		}
	}
	unlink(bin);
	free(data);
	ds_lm_free(lm);
}

T_TEST(score_span_matches_single_steps)
{
	struct ds_lm *lm = train_text("one two three four\ntwo three four five\none two five\n", 4, 0, NULL);
	const char *w[] = {"one", "two", "three", "four", "five", "six"};
	ds_lm_id ids[6];
	struct ds_lm_state a, b, out;
	float per[6];
	int lens[6];
	double sum = 0, span;
	T_OK(lm != NULL);
	if (!lm)
		return;
	for (int i = 0; i < 6; i++)
		ids[i] = id_of(lm, w[i]);
	T_EQ_INT(ids[5], DS_LM_UNK);
	ds_lm_begin(lm, &a);
	b = a;
	for (int i = 0; i < 6; i++)
		sum += ds_lm_score(lm, &a, ids[i], &a, NULL);
	span = ds_lm_score_span(lm, &b, ids, 6, &out, per, lens);
	T_NEAR(span, sum, 1e-6);
	T_EQ_INT(lens[0], 2);
	T_EQ_INT(lens[3], 4);
	T_EQ_INT(lens[5], 1);
	T_EQ_INT(memcmp(&a, &out, sizeof a), 0);
	T_OK(per[3] > per[4]);   /* "four" after "one two three" is seen; "five" after it is not */
	ds_lm_free(lm);
}

/* A text of n sentences drawn from a small vocabulary by a fixed
 * generator (words follow their predecessor more often than not, so that
 * the model has n-grams of every order); malloc'ed. */
static char *gen_text(int n, unsigned seed)
{
	static const char *const W[] = {"the", "cat", "dog", "sat", "on", "a", "mat", "log", "saw",
					"and", "ran", "to", "house", "big", "small", "red", "old",
					"man", "tree", "by"};
	struct ds_buf b = DS_BUF_INIT;
	unsigned x = seed;
	for (int i = 0; i < n; i++) {
		int len = 3 + (int)(x % 9), prev = (int)(x % 20);
		for (int k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			prev = (x >> 16) % 3 ? (prev * 7 + 3) % 20 : (int)((x >> 8) % 20);
			ds_buf_printf(&b, "%s%s", k ? " " : "", W[prev]);
		}
		ds_buf_putc(&b, '\n');
	}
	return b.data;
}

/* Per-token scores and n-gram lengths of the sentences of text. */
static void score_all(const struct ds_lm *lm, const char *text, float *per, int *lens, size_t *n)
{
	ds_lm_id ids[64];
	size_t k = 0, total = 0;
	struct ds_lm_state st;
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t m = 0;
		char line[512];
		size_t l = (size_t)(e - p);
		memcpy(line, p, l);
		line[l] = 0;
		for (char *save = NULL, *t = strtok_r(line, " ", &save); t && m < 63;
		     t = strtok_r(NULL, " ", &save))
			ids[m++] = id_of(lm, t);
		ids[m++] = DS_LM_EOS;
		ds_lm_begin(lm, &st);
		ds_lm_score_span(lm, &st, ids, m, NULL, per + total, lens + total);
		total += m;
		p = e + 1;
		k++;
	}
	*n = total;
}

/* The compact layout: its scores are those of the backoff model its
 * quantised values describe (written as ARPA and read back into the hashed
 * layout: the same scores and n-gram lengths), within 1% of the full
 * model's perplexity; written and loaded again it scores the same; a
 * compact model or a mixture is not made compact again. */
T_TEST(compact_layout)
{
	char *train = gen_text(3000, 7), *test = gen_text(200, 99);
	struct ds_lm *lm = train_text(train, 4, 0, NULL), *q = NULL, *qa = NULL, *ql = NULL;
	struct ds_err err = {0};
	char bin[64], arpa[64];
	static float p0[20000], p1[20000], p2[20000], p3[20000];
	static int l0[20000], l1[20000], l2[20000], l3[20000];
	size_t n0, n1, n2, n3;
	double s0 = 0, s1 = 0;
	int bad = 0;
	snprintf(bin, sizeof bin, "/tmp/test_lmq.%d.bin", (int)getpid());
	snprintf(arpa, sizeof arpa, "/tmp/test_lmq.%d.arpa", (int)getpid());
	T_OK(lm != NULL);
	if (!lm)
		goto out;
	q = ds_lm_compact(lm, &err);
	T_OK(q != NULL);
	if (!q) {
		printf("# %s\n", err.msg);
		goto out;
	}
	{
		struct ds_lm_stats a, b;
		ds_lm_get_stats(lm, &a);
		ds_lm_get_stats(q, &b);
		T_EQ_INT(b.compact, 1);
		T_OK(a.count[1] > 256 && a.count[3] > 256); /* more values than codes */
		for (int k = 0; k < 4; k++)
			T_EQ_INT(a.count[k], b.count[k]);
		T_OK(b.bytes * 2 < a.bytes);
	}
	T_EQ_INT(ds_lm_write_arpa(q, arpa, &err), 0);
	T_EQ_INT(ds_lm_write(q, bin, &err), 0);
	qa = ds_lm_load(arpa, &err);
	ql = ds_lm_load(bin, &err);
	T_OK(qa && ql);
	if (!qa || !ql)
		goto out;
	score_all(lm, test, p0, l0, &n0);
	score_all(q, test, p1, l1, &n1);
	score_all(qa, test, p2, l2, &n2);
	score_all(ql, test, p3, l3, &n3);
	T_EQ_INT(n1, n0);
	T_EQ_INT(n2, n0);
	T_EQ_INT(n3, n0);
	for (size_t i = 0; i < n0 && n1 == n0 && n2 == n0 && n3 == n0; i++) {
		bad += l1[i] != l0[i] || l2[i] != l1[i] || l3[i] != l1[i];
		bad += fabsf(p2[i] - p1[i]) > 1e-5f || p3[i] != p1[i];
		s0 += p0[i];
		s1 += p1[i];
	}
	T_EQ_INT(bad, 0);
	/* perplexity within 1% */
	T_OK(fabs(pow(10, -s1 / (double)n0) / pow(10, -s0 / (double)n0) - 1) < 0.01);
	T_OK(s1 != s0); /* quantised, not a copy */
	{
		struct ds_lm_stats c;
		ds_lm_get_stats(ql, &c);
		T_EQ_INT(c.compact, 1);
		T_EQ_INT(c.mapped, 1);
	}
	T_OK(ds_lm_compact(q, &err) == NULL);
	T_EQ_INT(err.code, DS_EINVAL);
	{
		/* the file image in memory loads back as the file does */
		void *img = NULL;
		size_t ilen = 0;
		struct ds_lm *qi;
		T_EQ_INT(ds_lm_image(q, &img, &ilen, &err), 0);
		qi = img ? ds_lm_load_image(img, ilen, "image", &err) : NULL;
		T_OK(qi != NULL);
		if (qi) {
			score_all(qi, test, p2, l2, &n2);
			T_EQ_INT(n2, n0);
			for (size_t i = 0; i < n0 && n2 == n0; i++)
				bad += p2[i] != p1[i] || l2[i] != l1[i];
			T_EQ_INT(bad, 0);
			ds_lm_free(qi);
		}
	}
out:
	ds_lm_free(lm);
	ds_lm_free(q);
	ds_lm_free(qa);
	ds_lm_free(ql);
	unlink(bin);
	unlink(arpa);
	free(train);
	free(test);
}

/* A damaged compact file: a truncated one and one whose child offsets do
 * not end where the next order does are refused, naming the file; word ids
 * overwritten are found by the checksum, and queries on them stay inside
 * the file. */
/* A vocabulary of more than 65,536 words: word ids take 3 bytes in the
 * compact layout (2 below), and score as the hashed model's do. */
T_TEST(compact_wide_ids)
{
	struct ds_buf b = DS_BUF_INIT, t = DS_BUF_INIT;
	struct ds_lm *lm = NULL, *q = NULL;
	struct ds_err err = {0};
	static float p0[4000], p1[4000];
	static int l0[4000], l1[4000];
	size_t n0 = 0, n1 = 0;
	int bad = 0;
	/* 70,000 distinct words, each seen twice in a fixed neighbourhood, so
	 * that the higher orders hold high ids too */
	for (int i = 0; i < 70000; i += 10) {
		for (int r = 0; r < 2; r++) {
			for (int k = 0; k < 10; k++)
				ds_buf_printf(&b, "%sw%d", k ? " " : "", i + k);
			ds_buf_puts(&b, "\n");
		}
		if (i >= 69000)
			for (int k = 0; k < 10; k++)
				ds_buf_printf(&t, "%sw%d%s", k ? " " : "", i + k, k == 9 ? "\n" : "");
	}
	T_OK(b.data && t.data);
	if (!b.data || !t.data)
		goto out;
	lm = train_text(b.data, 3, 0, NULL);
	T_OK(lm != NULL);
	if (!lm)
		goto out;
	q = ds_lm_compact(lm, &err);
	T_OK(q != NULL);
	if (!q)
		goto out;
	{
		struct ds_lm_stats a, c;
		ds_lm_get_stats(lm, &a);
		ds_lm_get_stats(q, &c);
		T_OK(a.count[0] > 70000);
		T_EQ_INT(c.compact, 1);
	}
	score_all(lm, t.data, p0, l0, &n0);
	score_all(q, t.data, p1, l1, &n1);
	T_EQ_INT(n1, n0);
	T_OK(n0 > 1000);
	for (size_t i = 0; i < n0 && n1 == n0; i++)
		bad += l1[i] != l0[i] || fabsf(p1[i] - p0[i]) > 1e-3f;
	T_EQ_INT(bad, 0);
	/* the high ids are found in the longest n-grams */
	T_OK(n0 > 20 && l0[n0 - 2] == 3);
out:
	ds_buf_free(&b);
	ds_buf_free(&t);
	ds_lm_free(lm);
	ds_lm_free(q);
}

T_TEST(compact_damaged)
{
	char *train = gen_text(300, 3);
	struct ds_lm *lm = train_text(train, 3, 0, NULL), *q = NULL, *bad;
	struct ds_err err = {0};
	char bin[64], *data = NULL;
	size_t n = 0;
	snprintf(bin, sizeof bin, "/tmp/test_lmq_bad.%d.bin", (int)getpid());
	if (lm)
		q = ds_lm_compact(lm, &err);
	T_OK(q != NULL);
	if (!q)
		goto out;
	T_EQ_INT(ds_lm_write(q, bin, &err), 0);
	T_EQ_INT(ds_read_file(bin, 0, &data, &n, &err), 0);
	write_bytes(bin, data, n - 40);
	bad = ds_lm_load(bin, &err);
	T_OK(bad == NULL);
	T_EQ_INT(err.code, DS_ECORRUPT);
	T_OK(strstr(err.msg, bin) != NULL);
	{
		/* the payload after the envelope's header: lm_head, then the tail */
		struct lmq_tail tail;
		size_t toff = DS_BIN_HEADER_SIZE + ((sizeof(struct lm_head) + 7) & ~(size_t)7);
		uint32_t v;
		memcpy(&tail, data + toff, sizeof tail);
		T_OK(tail.child_off[1] > 0 && DS_BIN_HEADER_SIZE + tail.child_off[1] < n);
		/* the last child of order 2: one more than there are 3-grams */
		{
			struct ds_lm_stats st;
			ds_lm_get_stats(q, &st);
			size_t at = DS_BIN_HEADER_SIZE + tail.child_off[1] + 4 * (size_t)st.count[1];
			memcpy(&v, data + at, 4);
			T_EQ_INT(v, st.count[2]);
			v++;
			memcpy(data + at, &v, 4);
			write_bytes(bin, data, n);
			bad = ds_lm_load(bin, &err);
			T_OK(bad == NULL);
			T_EQ_INT(err.code, DS_ECORRUPT);
			T_OK(strstr(err.msg, "compact") != NULL);
			v--;
			memcpy(data + at, &v, 4);
			/* every child offset of order 1 made huge: found nothing, no
			 * read outside */
			for (size_t i = 0; i + 1 < st.count[0]; i++) {
				uint32_t big = 0xfffffff0u;
				memcpy(data + DS_BIN_HEADER_SIZE + tail.child_off[0] + 4 * i, &big, 4);
			}
			write_bytes(bin, data, n);
			bad = ds_lm_load(bin, &err);
			T_OK(bad != NULL);
			if (bad) {
				const char *w[] = {"the", "cat", "sat"};
				double s = score_words(bad, w, 3);
				T_OK(s < 0 && s > -100);
				ds_lm_free(bad);
			}
			{
				char kind[9];
				uint32_t version;
				T_EQ_INT(ds_bin_check_file(bin, kind, &version, &err), DS_ECORRUPT);
				T_EQ_STR(kind, "LMQ");
			}
		}
	}
out:
	unlink(bin);
	free(data);
	free(train);
	ds_lm_free(q);
	ds_lm_free(lm);
}

static int collect(void *ctx, const char *w, size_t len, uint32_t tok)
{
	struct ds_buf *b = ctx;
	if (b->len)
		ds_buf_putc(b, ' ');
	ds_buf_append(b, w, len);
	(void)tok;
	return 0;
}

/* A text that is no text as a whole is refused with nothing of it added
 * (its lines alone would pass: a line of UTF-16 ends in a NUL the next one
 * starts with), and the trainer goes on with the next text. */
T_TEST(training_refuses_no_text_whole)
{
	static const char u16[] = "\xFF\xFE" "a\0 \0b\0\n\0c\0 \0d\0\n\0";
	struct ds_lm_train_opts o = {0};
	struct ds_lm_train_info info;
	struct ds_err err = {0};
	struct ds_lm_trainer *t;
	struct ds_lm *lm;
	o.order = 2;
	o.pretokenized = 1;
	t = ds_lm_trainer_new(&o, &err);
	T_OK(t != NULL);
	if (!t)
		return;
	T_EQ_INT(ds_lm_trainer_add_text(t, u16, sizeof u16 - 1, "u.txt", &err), DS_EBINARY);
	T_OK(strstr(err.msg, "u.txt: UTF-16 text") == err.msg);
	T_EQ_INT(ds_lm_trainer_add_text(t, " \n\n", 3, "e.txt", &err), DS_EEMPTY);
	T_EQ_STR(err.msg, "e.txt: empty file (no text)");
	T_EQ_INT(ds_lm_trainer_add_text(t, "a b\n", 4, "good", &err), 0);
	lm = ds_lm_trainer_finish(t, &info, &err);
	ds_lm_trainer_free(t);
	T_OK(lm != NULL);
	T_EQ_INT(info.words, 2);
	T_EQ_INT(info.sentences, 1);
	ds_lm_free(lm);
}

T_TEST(document_words)
{
	const char txt[] = "The 12 cats sat on 3.5% of the mats. Then they left!";
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(txt, sizeof txt - 1, "t", 0, &err);
	struct ds_buf b = DS_BUF_INIT;
	char want[256];
	const char *num = ds_num_class("12", 2), *pct = ds_num_class("3.5%", 4);
	T_OK(d != NULL);
	if (!d)
		return;
	T_OK(num != NULL && pct != NULL);
	T_EQ_INT(ds_lm_doc_words(d, collect, &b), 0);
	snprintf(want, sizeof want, "<s> the %s cats sat on %s of the mats . </s> <s> then they left ! </s>",
		 num, pct);
	T_EQ_STR(b.data, want);
	/* a trained model maps the same way */
	{
		struct ds_lm_train_opts o = {0};
		struct ds_lm_trainer *t;
		struct ds_lm *lm;
		struct ds_lm_seq seq = {0};
		o.order = 3;
		t = ds_lm_trainer_new(&o, &err);
		T_EQ_INT(ds_lm_trainer_add_doc(t, d, &err), 0);
		lm = ds_lm_trainer_finish(t, NULL, &err);
		ds_lm_trainer_free(t);
		T_OK(lm != NULL);
		if (lm) {
			T_EQ_INT(ds_lm_doc_seq(lm, d, &seq), 0);
			T_EQ_INT(seq.n, 18);
			T_EQ_INT(seq.id[0], DS_LM_BOS);
			T_EQ_INT(seq.tok[0], DS_LM_NO_TOK);
			T_EQ_STR(ds_lm_word(lm, seq.id[1]), "the");
			T_EQ_INT(seq.tok[1], 0);
			T_EQ_STR(ds_lm_word(lm, seq.id[2]), num);
			for (size_t i = 0; i < seq.n; i++)
				T_OK(seq.id[i] != DS_LM_UNK);
		}
		ds_lm_seq_free(&seq);
		ds_lm_free(lm);
	}
	ds_buf_free(&b);
	ds_doc_free(d);
}

/* A long span (the whole reference test text, sentences split by <s>, with
 * words of the text that are the model's <s> and ids past the vocabulary)
 * scores word for word what single steps score, and its vocabulary lookups
 * in one call find what single lookups find. */
T_TEST(long_span_matches_single_steps)
{
	const char *dir = ref_dir();
	char path[300], *text = NULL;
	size_t len, n = 0, cap = 0;
	struct ds_err err = {0};
	struct ds_lm *lm;
	const char **wp = NULL;
	size_t *wl = NULL;
	ds_lm_id *ids = NULL, *one = NULL;
	float *per = NULL;
	int *lens = NULL, bad = 0;
	struct ds_lm_state a, b, out;
	double sum = 0, span;
	if (!dir)
		T_SKIP("no KenLM reference files in ../shared/lm-reference (or $DS_LM_REF)");
	snprintf(path, sizeof path, "%s/kenlm-o3.arpa", dir);
	lm = ds_lm_load(path, &err);
	snprintf(path, sizeof path, "%s/test.txt", dir);
	T_OK(lm != NULL);
	T_EQ_INT(ds_read_file(path, 0, &text, &len, &err), 0);
	if (!lm || !text)
		return;
	for (char *p = text, *e = text + len, *bol = text; p < e;) {
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 1024;
			wp = realloc(wp, cap * sizeof *wp);
			wl = realloc(wl, cap * sizeof *wl);
			ids = realloc(ids, cap * sizeof *ids);
		}
		if (p == bol) {
			wp[n] = NULL;
			ids[n] = n % 7 == 3 ? ds_lm_vocab_size(lm) + 5 : DS_LM_BOS;
			n++;
			bol = NULL;
		}
		if (*p == '\n') {
			bol = ++p;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		wp[n] = p;
		while (p < e && *p != ' ' && *p != '\n')
			p++;
		wl[n] = (size_t)(p - wp[n]);
		ids[n++] = 0;
	}
	T_OK(n > 5000);
	one = malloc(n * sizeof *one);
	per = malloc(n * sizeof *per);
	lens = malloc(n * sizeof *lens);
	memcpy(one, ids, n * sizeof *ids);
	ds_lm_vocab_many(lm, wp, wl, n, ids);
	for (size_t i = 0; i < n; i++) {
		if (wp[i])
			one[i] = ds_lm_vocab(lm, wp[i], wl[i]);
		bad += one[i] != ids[i];
	}
	T_EQ_INT(bad, 0);
	/* "<s>" as a word of the text, where a sentence starts again */
	ids[n / 2] = DS_LM_BOS;
	ds_lm_null(&a);
	b = a;
	for (size_t i = 0; i < n; i++) {
		float p = 0;
		int l = 0;
		if (ids[i] == DS_LM_BOS)
			ds_lm_begin(lm, &a);
		else
			p = ds_lm_score(lm, &a, ids[i], &a, &l);
		sum += p;
		one[i] = (ds_lm_id)l;
		per[i] = p;
	}
	{
		float *per2 = malloc(n * sizeof *per2);
		span = ds_lm_score_span(lm, &b, ids, n, &out, per2, lens);
		for (size_t i = 0; i < n; i++)
			bad += per2[i] != per[i] || (ds_lm_id)lens[i] != one[i];
		free(per2);
	}
	T_EQ_INT(bad, 0);
	T_OK(span == sum);
	T_EQ_INT(memcmp(&a, &out, sizeof a), 0);
	free(text);
	free(wp);
	free(wl);
	free(ids);
	free(one);
	free(per);
	free(lens);
	ds_lm_free(lm);
}

int main(void)
{
	T_RUN(tiny_kneser_ney_by_hand);
	T_RUN(prune_keeps_consistent_model);
	T_RUN(arpa_matches_kenlm_query);
	T_RUN(training_matches_kenlm_lmplz);
	T_RUN(binary_and_arpa_round_trips);
	T_RUN(damaged_files_are_refused);
	T_RUN(score_span_matches_single_steps);
	T_RUN(long_span_matches_single_steps);
	T_RUN(training_refuses_no_text_whole);
	T_RUN(document_words);
	T_RUN(compact_layout);
	T_RUN(compact_wide_ids);
	T_RUN(compact_damaged);
	return t_done();
}
