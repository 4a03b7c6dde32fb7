/* test_vec.c - word vectors: building from a small corpus and from a
 * language model's bigrams, lookups, similarity of words sharing contexts,
 * phrases, a word looked up once and compared many times, corrupt files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lm.h"
#include "lm_train.h"
#include "binfmt.h"
#include "t.h"
#include "vec.h"

static char corpus[64], model[64];

/* Two families of words used in disjoint contexts: cat/dog with animal
 * contexts, car/truck with road contexts. */
static void write_corpus(void)
{
	static const char *const A[] = {"cat", "dog"}, *const B[] = {"car", "truck"};
	static const char *const CA[][2] = {{"the", "ate the food and slept on the rug ."},
					    {"a hungry", "chased the mouse in the barn ."},
					    {"my", "purred and licked the fur ."}};
	static const char *const CB[][2] = {{"the", "drove down the road at speed ."},
					    {"a red", "parked on the street near the garage ."},
					    {"my", "needed fuel and new tyres ."}};
	FILE *f = fopen(corpus, "w");
	if (!f)
		return;
	for (int r = 0; r < 20; r++)
		for (int i = 0; i < 2; i++)
			for (int k = 0; k < 3; k++) {
				fprintf(f, "%s %s %s\n", CA[k][0], A[i], CA[k][1]);
				fprintf(f, "%s %s %s\n", CB[k][0], B[i], CB[k][1]);
			}
	fclose(f);
}

T_TEST(build_and_compare)
{
	struct ds_vec_build_opts o = {.min_count = 5, .contexts = 30, .dim = 4, .window = 2};
	struct ds_err err;
	struct ds_vec *v;
	double same, other;
	T_OK(ds_vec_build(corpus, &o, model, &err) == 0);
	v = ds_vec_load(model, &err);
	T_OK(v != NULL);
	if (!v)
		return;
	T_EQ_INT(ds_vec_dim(v), 4);
	T_OK(ds_vec_words(v) >= 12);
	T_OK(ds_vec_get(v, "cat", 3) != NULL);
	T_OK(ds_vec_get(v, "ca", 2) == NULL);
	T_OK(ds_vec_get(v, "zebra", 5) == NULL);
	for (size_t i = 1; i < ds_vec_words(v); i++)
		T_OK(strcmp(ds_vec_word(v, i - 1), ds_vec_word(v, i)) < 0);
	same = ds_vec_sim(v, "cat", 3, "dog", 3);
	other = ds_vec_sim(v, "cat", 3, "truck", 5);
	if (!(same > other + 0.3))
		printf("# cat/dog %.3f, cat/truck %.3f\n", same, other);
	T_OK(same > 0.9);
	T_OK(same > other + 0.3);
	T_OK(ds_vec_sim(v, "car", 3, "truck", 5) > 0.9);
	/* a phrase is the mean of its known words; unknown words are skipped */
	T_OK(ds_vec_sim(v, "red car", 7, "truck", 5) > other);
	T_OK(ds_vec_sim(v, "zebra", 5, "cat", 3) == DS_VEC_UNKNOWN);
	/* the first phrase is remembered between calls: same answers, in any order */
	T_OK(ds_vec_sim(v, "cat", 3, "dog", 3) == same);
	T_OK(ds_vec_sim(v, "cat", 3, "truck", 5) == other);
	T_OK(ds_vec_sim(v, "dog", 3, "cat", 3) == ds_vec_sim(v, "dog", 3, "cat", 3));
	/* a single word scores exactly as a phrase of it and unknown words
	 * (one path each), and as a pair too long to be remembered */
	T_OK(ds_vec_sim(v, "cat", 3, "zebra dog", 9) == same);
	T_OK(ds_vec_sim(v, "cat", 3, "dog zebrazebrazebrazebrazebra", 29) == same);
	T_OK(ds_vec_sim(v, "cat zebrazebrazebrazebrazebra", 29, "dog", 3) == same);
	/* a word looked up once compares as ds_vec_sim compares it, to the bit */
	{
		static const char *const as[] = {"cat", "red car", "zebra", "dog zebra"};
		struct ds_vec_word w;
		for (size_t i = 0; i < ds_vec_words(v); i++)
			for (size_t k = 0; k < sizeof as / sizeof as[0]; k++) {
				const char *b = ds_vec_word(v, i);
				ds_vec_word_of(v, b, strlen(b), &w);
				T_OK(w.x != NULL && w.norm2 > 0.5);
				T_OK(ds_vec_sim_word(v, as[k], strlen(as[k]), &w) ==
				     ds_vec_sim(v, as[k], strlen(as[k]), b, strlen(b)));
			}
		ds_vec_word_of(v, "zebra", 5, &w);
		T_OK(w.x == NULL);
		T_OK(ds_vec_sim_word(v, "cat", 3, &w) == DS_VEC_UNKNOWN);
		ds_vec_word_of(v, "cat", 0, &w);
		T_OK(w.x == NULL);
	}
	/* every word is found by the hash as by its place in the sorted list */
	for (size_t i = 0; i < ds_vec_words(v); i++) {
		const char *w = ds_vec_word(v, i);
		T_OK(ds_vec_get(v, w, strlen(w)) != NULL);
	}
	ds_vec_free(v);
	/* vectors loaded again (perhaps at the same address) are not confused
	 * with the last ones */
	o.dim = 3;
	T_OK(ds_vec_build(corpus, &o, model, &err) == 0);
	v = ds_vec_load(model, &err);
	T_OK(v != NULL);
	if (!v)
		return;
	T_EQ_INT(ds_vec_dim(v), 3);
	T_OK(ds_vec_sim(v, "cat", 3, "dog", 3) != DS_VEC_UNKNOWN);
	T_OK(ds_vec_sim(v, "cat", 3, "dog", 3) ==
	     ds_vec_sim(v, "cat zebrazebrazebrazebrazebra", 29, "dog", 3));
	ds_vec_free(v);
}

/* A bigram model of the corpus, trained in memory (order 2; 1 for one of
 * unigrams alone); NULL on failure. */
static struct ds_lm *corpus_lm(int order)
{
	struct ds_lm_train_opts o = {0};
	struct ds_err err = {0};
	struct ds_lm_trainer *t;
	struct ds_lm *lm = NULL;
	char *text = NULL;
	size_t len;
	o.order = order;
	if (ds_read_file(corpus, 0, &text, &len, &err) || !(t = ds_lm_trainer_new(&o, &err))) {
		free(text);
		return NULL;
	}
	if (!ds_lm_trainer_add_text(t, text, len, "corpus", &err))
		lm = ds_lm_trainer_finish(t, NULL, &err);
	ds_lm_trainer_free(t);
	free(text);
	return lm;
}

struct bigrams_seen {
	const struct ds_lm *lm;
	uint64_t n, bad;
	int the_cat;
};

static int see_bigram(void *ud, ds_lm_id a, ds_lm_id b, float prob)
{
	struct bigrams_seen *s = ud;
	struct ds_lm_state st, out;
	s->n++;
	/* what the model answers for b after a, with a's context alone */
	ds_lm_null(&st);
	ds_lm_score(s->lm, &st, a, &st, NULL);
	s->bad += ds_lm_score(s->lm, &st, b, &out, NULL) != prob;
	s->the_cat |= strcmp(ds_lm_word(s->lm, a), "the") == 0 &&
		      strcmp(ds_lm_word(s->lm, b), "cat") == 0;
	return 0;
}

static int stop_at_third(void *ud, ds_lm_id a, ds_lm_id b, float prob)
{
	(void)a, (void)b, (void)prob;
	return ++*(int *)ud == 3 ? 42 : 0;
}

T_TEST(build_from_bigrams)
{
	struct ds_vec_build_opts o = {.contexts = 30, .dim = 8};
	struct ds_err err;
	struct ds_lm *lm = corpus_lm(2), *uni = corpus_lm(1), *parts[2], *mix;
	struct ds_lm_stats stats;
	struct bigrams_seen seen = {0};
	struct ds_vec *v;
	int calls = 0;
	T_OK(lm != NULL && uni != NULL);
	if (!lm || !uni) {
		ds_lm_free(lm);
		ds_lm_free(uni);
		return;
	}
	/* every bigram once, with the probability the model gives it */
	seen.lm = lm;
	ds_lm_get_stats(lm, &stats);
	T_EQ_INT(ds_lm_each_bigram(lm, see_bigram, &seen), 0);
	T_EQ_INT(seen.n, stats.count[1]);
	T_EQ_INT(seen.bad, 0);
	T_OK(seen.the_cat);
	T_EQ_INT(ds_lm_each_bigram(lm, stop_at_third, &calls), 42);
	T_EQ_INT(calls, 3);
	/* the compact layout walks its sorted bigrams alike */
	{
		struct ds_lm *q = ds_lm_compact(lm, &err);
		struct bigrams_seen qs = {0};
		T_OK(q != NULL);
		if (q) {
			qs.lm = q;
			T_EQ_INT(ds_lm_each_bigram(q, see_bigram, &qs), 0);
			T_EQ_INT(qs.n, stats.count[1]);
			T_EQ_INT(qs.bad, 0);
			T_OK(qs.the_cat);
			ds_lm_free(q);
		}
	}
	T_EQ_INT(ds_lm_each_bigram(uni, see_bigram, &seen), DS_EINVAL);
	T_OK(ds_lm_unigram(lm, ds_lm_vocab(lm, "the", 3)) > ds_lm_unigram(lm, ds_lm_vocab(lm, "cat", 3)));
	T_OK(ds_lm_unigram(lm, ds_lm_vocab_size(lm)) == -99.0f);

	T_EQ_INT(ds_vec_build_lm(lm, &o, model, &err), 0);
	v = ds_vec_load(model, &err);
	T_OK(v != NULL);
	if (v) {
		double same = ds_vec_sim(v, "cat", 3, "dog", 3), other = ds_vec_sim(v, "cat", 3, "truck", 5);
		if (!(same > other + 0.3))
			printf("# from bigrams: cat/dog %.3f, cat/truck %.3f\n", same, other);
		T_EQ_INT(ds_vec_dim(v), 8);
		T_OK(same > 0.9);
		T_OK(same > other + 0.3);
		T_OK(ds_vec_sim(v, "car", 3, "truck", 5) > 0.9);
		/* the model's markers and punctuation are no words of the vectors */
		T_OK(ds_vec_get(v, "<s>", 3) == NULL);
		T_OK(ds_vec_get(v, ".", 1) == NULL);
		for (size_t i = 1; i < ds_vec_words(v); i++)
			T_OK(strcmp(ds_vec_word(v, i - 1), ds_vec_word(v, i)) < 0);
		ds_vec_free(v);
	}
	/* a model of unigrams alone, a mixture, too many contexts or
	 * dimensions: refused, nothing written */
	unlink(model);
	T_EQ_INT(ds_vec_build_lm(uni, &o, model, &err), DS_EINVAL);
	T_OK(strstr(err.msg, "unigrams") != NULL);
	parts[0] = lm;
	parts[1] = corpus_lm(2);
	/* the mixture takes its parts over, also when it fails */
	mix = parts[1] ? ds_lm_mix_new(parts, 2, NULL, &err) : (ds_lm_free(lm), NULL);
	T_OK(mix != NULL);
	if (mix) {
		T_EQ_INT(ds_vec_build_lm(mix, &o, model, &err), DS_EINVAL);
		T_OK(strstr(err.msg, "mixture") != NULL);
		ds_lm_free(mix);
	}
	lm = corpus_lm(2);
	o.contexts = 500;
	T_EQ_INT(ds_vec_build_lm(lm, &o, model, &err), DS_EINVAL);
	o.contexts = 30;
	o.dim = 61;
	T_EQ_INT(ds_vec_build_lm(lm, &o, model, &err), DS_EINVAL);
	T_OK(access(model, F_OK) != 0);
	ds_lm_free(lm);
	ds_lm_free(uni);
}

T_TEST(bad_options_and_files)
{
	struct ds_vec_build_opts o = {.min_count = 5, .contexts = 12, .dim = 13};
	struct ds_err err;
	FILE *f;
	T_OK(ds_vec_build(corpus, &o, model, &err) == DS_EINVAL);
	o.dim = 4;
	o.contexts = 500; /* more contexts than words */
	T_OK(ds_vec_build(corpus, &o, "/tmp/never-written.bin", &err) == DS_EINVAL);
	T_OK(ds_vec_load("/nonexistent/vec.bin", &err) == NULL);
	f = fopen(model, "r+b");
	if (f) {
		fseek(f, 100, SEEK_SET);
		fputc('X', f);
		fclose(f);
	}
	T_OK(ds_vec_load(model, &err) == NULL);
	T_OK(strstr(err.msg, "make models") != NULL);
}

/* Files whose envelope is sound but whose payload lies: refused at once
 * (no endless loop over a table size that cannot be), a word its hash does
 * not lead to, a vector that is no unit vector. */
T_TEST(lying_payloads_refused)
{
	/* two words "a", "b" of 1 dimension: header, offsets, vectors, blob,
	 * 16 slots */
	uint32_t pay[4 + 2 + 2 + 1 + 16] = {2, 1, 4, 16, 0, 2};
	const float x[2] = {1, -1};
	char path[64];
	struct ds_err err;
	struct ds_vec *v;
	snprintf(path, sizeof path, "/tmp/test_vec_lie_%d.bin", (int)getpid());
	memcpy(&pay[6], x, sizeof x);
	memcpy(&pay[8], "a\0b\0", 4);
	ds_vec_fill_slots(&pay[4], (const char *)&pay[8], 2, &pay[9], 16);
	T_EQ_INT(ds_bin_write(path, DS_VEC_KIND, DS_VEC_VERSION, pay, sizeof pay, &err), 0);
	v = ds_vec_load(path, &err);
	T_OK(v != NULL);
	if (v)
		T_NEAR(ds_vec_sim(v, "a", 1, "b", 1), -1, 1e-9);
	ds_vec_free(v);
	{ /* 2^31 words: no table of slots holds them */
		uint32_t big[4] = {1u << 31, 1, 4, 0};
		T_EQ_INT(ds_bin_write(path, DS_VEC_KIND, DS_VEC_VERSION, big, sizeof big, &err), 0);
		T_OK(ds_vec_load(path, &err) == NULL && strstr(err.msg, "malformed") != NULL);
	}
	{ /* "b" moved out of its hash's reach: unfindable */
		uint32_t lie[sizeof pay / 4];
		memcpy(lie, pay, sizeof pay);
		int jb = 0, k;
		while (lie[9 + jb] != 2)
			jb++;
		/* one slot back from where the probe found it (two when "a" is
		 * there, its probe then ending at the empty slot left) */
		k = (jb + 15) % 16;
		if (lie[9 + k])
			k = (jb + 14) % 16;
		lie[9 + jb] = 0;
		lie[9 + k] = 2;
		T_EQ_INT(ds_bin_write(path, DS_VEC_KIND, DS_VEC_VERSION, lie, sizeof lie, &err), 0);
		v = ds_vec_load(path, &err);
		T_OK(v == NULL);
		ds_vec_free(v);
	}
	{ /* a vector of length 2 */
		uint32_t lie[sizeof pay / 4];
		const float two = 2;
		memcpy(lie, pay, sizeof pay);
		memcpy(&lie[6], &two, 4);
		T_EQ_INT(ds_bin_write(path, DS_VEC_KIND, DS_VEC_VERSION, lie, sizeof lie, &err), 0);
		T_OK(ds_vec_load(path, &err) == NULL && strstr(err.msg, path) != NULL);
	}
	unlink(path);
}

int main(void)
{
	snprintf(corpus, sizeof corpus, "/tmp/test_vec_%d.txt", (int)getpid());
	snprintf(model, sizeof model, "/tmp/test_vec_%d.bin", (int)getpid());
	write_corpus();
	T_RUN(build_and_compare);
	T_RUN(build_from_bigrams);
	T_RUN(bad_options_and_files);
	T_RUN(lying_payloads_refused);
	unlink(corpus);
	unlink(model);
	return t_done();
}
