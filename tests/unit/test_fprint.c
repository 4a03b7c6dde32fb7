/* test_fprint.c - fingerprints: immutables, stems, MinHash, LSH, coverage. */
#include <stdint.h>

#include "t.h"
#include "t_seed.h"
#include "fprint.h"
#include "stem.h"
#include "text.h"

static struct ds_stemmer *stemmer;

static struct ds_doc *doc_of(const char *text, const char *name)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(text, strlen(text), name, 0, &err);
	if (!d)
		printf("# %s\n", err.msg);
	return d;
}

static struct ds_fprint *fp_of(const struct ds_doc *d)
{
	struct ds_err err = {0};
	return d ? ds_fprint_new(d, stemmer, &err) : NULL;
}

/* A quick spinner: replaces about pct% of the content words (not function
 * words, not capitalised, not numbers) with a made-up word, which is what a
 * synonym looks like to the fingerprint.  Returns malloc'd text. */
static char *spin_text(const char *text, int pct, uint64_t seed)
{
	size_t n = strlen(text), k = 0;
	char *out = malloc(n * 3 + 16);
	const char *p = text;
	uint64_t r = seed;
	int sent_start = 1;
	while (*p) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			const char *q = p;
			char low[64];
			size_t wl;
			while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '\'')
				q++;
			wl = (size_t)(q - p);
			for (size_t i = 0; i < wl && i < sizeof low - 1; i++)
				low[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
			low[wl < sizeof low - 1 ? wl : sizeof low - 1] = '\0';
			r = ds_mix64(r + 0x9e3779b97f4a7c15ULL);
			if ((sent_start || !(*p >= 'A' && *p <= 'Z')) && wl > 2 &&
			    !ds_fprint_is_function_word(low, strlen(low)) && (int)(r % 100) < pct) {
				/* a "synonym": different letters, similar length */
				for (size_t i = 0; i < wl + 1; i++)
					out[k++] = (char)('a' + (ds_mix64(r + i) % 26));
			} else {
				memcpy(out + k, p, wl);
				k += wl;
			}
			sent_start = 0;
			p = q;
		} else {
			if (*p == '.' || *p == '\n')
				sent_start = 1;
			out[k++] = *p++;
		}
	}
	out[k] = '\0';
	return out;
}

T_TEST(function_words)
{
	T_OK(ds_fprint_is_function_word("the", 3));
	T_OK(ds_fprint_is_function_word("towards", 7));
	T_OK(ds_fprint_is_function_word("however", 7));
	T_OK(!ds_fprint_is_function_word("war", 3));
	T_OK(!ds_fprint_is_function_word("th", 2));
	T_OK(!ds_fprint_is_function_word("thereby", 7));
}

T_TEST(immutables_survive_content_swaps)
{
	/* Same function words, names and numbers; every content word replaced. */
	struct ds_doc *a = doc_of("The ministers of Russia met in Riyadh on Tuesday with 20 envoys "
				  "and they agreed to start talks about the war.", "a");
	struct ds_doc *b = doc_of("The officials of Russia assembled in Riyadh on Tuesday with 20 "
				  "representatives and they decided to begin negotiations about the battle.",
				  "b");
	struct ds_fprint *fa = fp_of(a), *fb = fp_of(b);
	struct ds_fp_cmp c;
	T_OK(fa && fb);
	if (!fa || !fb)
		goto out;
	ds_fprint_cmp(fa, fb, &c);
	T_EQ_INT(c.common_stem, 0);
	T_OK(c.common_imm >= 8);
	T_EQ_INT(c.common_imm, ds_fprint_count_kind(fa, DS_FP_KIND_IMM));
	T_NEAR(c.coverage_ab, 1.0, 1e-9);
out:
	ds_fprint_free(fa);
	ds_fprint_free(fb);
	ds_doc_free(a);
	ds_doc_free(b);
}

T_TEST(number_words_and_function_word_classes)
{
	/* number words as their digits, short ("twenty", "thousand") and long
	 * ("seventeen"); function words as their class, short ("numerous" as
	 * "many") and long ("throughout") */
	struct ds_doc *a = doc_of("They sent seventeen envoys and twenty ships with a thousand men "
				  "throughout numerous ports whilst the war went on.", "a");
	struct ds_doc *b = doc_of("They sent 17 envoys and 20 ships with a 1000 men throughout "
				  "many ports while the war went on.", "b");
	struct ds_doc *c = doc_of("They sent 16 envoys and 20 ships with a 1000 men throughout "
				  "many ports while the war went on.", "c");
	struct ds_fprint *fa = fp_of(a), *fb = fp_of(b), *fc = fp_of(c);
	struct ds_fp_cmp r;
	T_OK(fa && fb && fc);
	if (!fa || !fb || !fc)
		goto out;
	ds_fprint_cmp(fa, fb, &r);
	T_OK(ds_fprint_count_kind(fa, DS_FP_KIND_IMM) >= 8);
	T_EQ_INT(r.common_imm, ds_fprint_count_kind(fa, DS_FP_KIND_IMM));
	T_EQ_INT(r.common_imm, ds_fprint_count_kind(fb, DS_FP_KIND_IMM));
	/* a number changed is not the same immutable */
	ds_fprint_cmp(fa, fc, &r);
	T_OK(r.common_imm < ds_fprint_count_kind(fa, DS_FP_KIND_IMM));
out:
	ds_fprint_free(fa);
	ds_fprint_free(fb);
	ds_fprint_free(fc);
	ds_doc_free(a);
	ds_doc_free(b);
	ds_doc_free(c);
}

T_TEST(identical_and_empty)
{
	struct ds_doc *a = t_seed("000");
	struct ds_fprint *fa = fp_of(a), *fb = fp_of(a);
	struct ds_fp_cmp c;
	struct ds_fp_key *k1 = NULL, *k2 = NULL;
	size_t n1, n2, nk1 = 0, nk2 = 0;
	const uint32_t *set1;
	T_OK(fa && fb);
	if (!fa || !fb)
		goto out;
	set1 = ds_fprint_set(fa, &n1);
	ds_fprint_set(fb, &n2);
	T_EQ_INT(n1, n2);
	T_OK(n1 > 500);
	for (size_t i = 1; i < n1; i++)
		if (set1[i - 1] >= set1[i]) {
			T_FAIL("set not sorted and distinct at %zu", i);
			break;
		}
	ds_fprint_cmp(fa, fb, &c);
	T_NEAR(c.similarity, 1.0, 1e-9);
	T_NEAR(c.coverage_ab, 1.0, 1e-9);
	T_EQ_INT(ds_fprint_passage_keys(fa, &k1, &nk1), 0);
	T_EQ_INT(ds_fprint_passage_keys(fb, &k2, &nk2), 0);
	T_EQ_INT(nk1, nk2);
	T_OK(nk1 % DS_FP_PASSAGE_BANDS == 0 && nk1 >= 10 * DS_FP_PASSAGE_BANDS);
	for (size_t i = 0; k1 && k2 && i < nk1; i++)
		if (k1[i].key != k2[i].key || k1[i].sent != k2[i].sent) {
			T_FAIL("passage key %zu differs", i);
			break;
		}
	for (size_t i = 1; i < nk1; i++)
		if (k1[i].sent < k1[i - 1].sent) {
			T_FAIL("passage keys out of sentence order at %zu", i);
			break;
		}
out:
	free(k1);
	free(k2);
	ds_fprint_free(fa);
	ds_fprint_free(fb);
	ds_doc_free(a);
}

T_TEST(passage_keys_survive_in_a_larger_text)
{
	/* a paragraph of 000 copied into another article keeps its keys */
	struct ds_doc *a = t_seed("000"), *b = NULL;
	struct ds_fprint *fa = NULL, *fb = NULL;
	struct ds_fp_key *ka = NULL, *kb = NULL;
	size_t na = 0, nb = 0, shared = 0;
	char *text = NULL;
	const char *para = "Russian officials said a face-to-face meeting between the two "
			   "presidents could take place within the next two weeks, while the "
			   "Ukrainian foreign minister warned that no deal about Ukraine could be "
			   "made without Ukraine at the table.";
	T_OK(a != NULL);
	if (!a)
		return;
	text = malloc(a->len + strlen(para) * 2 + 8);
	sprintf(text, "%s\n\n%s\n", a->text, para);
	b = doc_of(text, "b");
	fa = fp_of(a);
	fb = fp_of(b);
	T_OK(fa && fb);
	if (!fa || !fb)
		goto out;
	T_EQ_INT(ds_fprint_passage_keys(fa, &ka, &na), 0);
	T_EQ_INT(ds_fprint_passage_keys(fb, &kb, &nb), 0);
	/* every key of the article is in the larger text, but for its last
	 * sentence's (its shingles now run on into the new paragraph) */
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (ka[i].key == kb[j].key) {
				shared++;
				break;
			}
	T_OK(shared + DS_FP_PASSAGE_BANDS >= na);
	T_OK(nb >= na + DS_FP_PASSAGE_BANDS);
out:
	free(ka);
	free(kb);
	free(text);
	ds_fprint_free(fa);
	ds_fprint_free(fb);
	ds_doc_free(a);
	ds_doc_free(b);
}

T_TEST(seeds)
{
	struct ds_doc *d[5];
	struct ds_fprint *f[5];
	struct ds_fp_cmp c10, c30, c40, c20;
	static const char *const ids[] = {"000", "001", "002", "003", "004"};
	int ok = 1;
	for (int i = 0; i < 5; i++) {
		d[i] = t_seed(ids[i]);
		f[i] = fp_of(d[i]);
		ok &= f[i] != NULL;
	}
	T_OK(ok);
	if (!ok)
		goto out;
	ds_fprint_cmp(f[1], f[0], &c10);
	ds_fprint_cmp(f[3], f[0], &c30);
	ds_fprint_cmp(f[4], f[0], &c40);
	ds_fprint_cmp(f[2], f[0], &c20);
	printf("# 001/000 sim %.3f cov %.3f; 003/000 sim %.3f cov %.3f; 004/000 sim %.3f cov %.3f\n",
	       c10.similarity, c10.coverage_ab, c30.similarity, c30.coverage_ab,
	       c40.similarity, c40.coverage_ab);
	/* 001 republishes most of 000 */
	T_OK(c10.similarity > 0.6);
	T_OK(c10.coverage_ab > 0.7);
	/* 000 holds about 40% of 001's length: 001 covers less of 000 */
	T_OK(c10.coverage_ba < 0.6);
	/* 003 shares spun paragraphs with 000: well above 004 */
	T_OK(c30.coverage_ab > 0.2);
	T_OK(c30.coverage_ab > 2 * c40.coverage_ab);
	T_OK(c30.similarity > 1.5 * c40.similarity);
	/* 004 has no close source */
	T_OK(c40.similarity < 0.1);
	/* 002 rewrites the story freely: far below the republication */
	T_OK(c20.similarity < c10.similarity / 3);
out:
	for (int i = 0; i < 5; i++) {
		ds_fprint_free(f[i]);
		ds_doc_free(d[i]);
	}
}

T_TEST(spun_copy_still_matches)
{
	struct ds_doc *src = t_seed("000"), *other = t_seed("004"), *sp = NULL;
	struct ds_fprint *fs = NULL, *fo = NULL, *fsp = NULL;
	struct ds_fp_cmp c, co;
	char *spun;
	T_OK(src && other);
	if (!src || !other)
		goto out;
	spun = spin_text(src->text, 40, 42);
	T_OK(strcmp(spun, src->text) != 0);
	sp = doc_of(spun, "spun");
	free(spun);
	fs = fp_of(src);
	fo = fp_of(other);
	fsp = fp_of(sp);
	T_OK(fs && fo && fsp);
	if (!fs || !fo || !fsp)
		goto out;
	ds_fprint_cmp(fsp, fs, &c);
	ds_fprint_cmp(fsp, fo, &co);
	printf("# 40%% spun copy: sim %.3f cov %.3f; against 004: sim %.3f\n", c.similarity,
	       c.coverage_ab, co.similarity);
	T_OK(c.similarity > 0.4);
	T_OK(c.coverage_ab > 0.8);
	T_OK(co.similarity < 0.1);
	/* the stems alone lose much more than the immutables */
	T_OK(c.common_imm > c.common_stem);
out:
	ds_fprint_free(fs);
	ds_fprint_free(fo);
	ds_fprint_free(fsp);
	ds_doc_free(src);
	ds_doc_free(other);
	ds_doc_free(sp);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* A store's set of keys (ds_fprint_reduce) compares as the full hashes do,
 * but for rare false matches: at most a few more common shingles against
 * a seed, about n_a / 2^DS_FP_RKEY_SLACK against a source of any size. */
T_TEST(store_keys_compare_as_hashes)
{
	static const char *const ids[] = {"000", "001", "003", "004"};
	struct ds_doc *d[4];
	struct ds_fprint *f[4];
	int ok = 1;
	for (int i = 0; i < 4; i++)
		ok &= (f[i] = fp_of(d[i] = t_seed(ids[i]))) != NULL;
	T_OK(ok);
	for (int i = 1; ok && i < 4; i++) {
		struct ds_fp_cmp full, keys;
		size_t n;
		const uint32_t *set = ds_fprint_set(f[0], &n);
		uint32_t *k = malloc((n + 1) * sizeof *k);
		memcpy(k, set, n * sizeof *k);
		ds_fprint_reduce(k, n);
		for (size_t j = 1; j < n; j++)
			if (k[j] < k[j - 1])
				T_FAIL("keys out of order at %zu", j);
		ds_fprint_cmp(f[i], f[0], &full);
		ds_fprint_cmp_set(f[i], k, n, &keys);
		T_EQ_INT(keys.n_b, n);
		T_OK(keys.common >= full.common && keys.common <= full.common + 3);
		T_OK(keys.common_imm >= full.common_imm);
		T_OK(keys.coverage_ab >= full.coverage_ab && keys.coverage_ab <= full.coverage_ab + 0.05);
		free(k);
	}
	for (size_t n = 3000; ok && n <= 30000; n *= 10) {
		/* a source of n random shingles shares no true one with 004: its
		 * keys meet about one false one in 2^DS_FP_RKEY_SLACK */
		size_t na, m = 0;
		uint32_t *big = malloc(n * sizeof *big);
		uint64_t x = 0x9e3779b97f4a7c15ull;
		struct ds_fp_cmp c;
		ds_fprint_set(f[3], &na);
		for (size_t j = 0; j < n; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			big[j] = (uint32_t)x & ((1u << DS_FP_HASH_BITS) - 1);
		}
		qsort(big, n, sizeof *big, cmp_u32);
		for (size_t j = 0; j < n; j++)
			if (m == 0 || big[j] != big[m - 1])
				big[m++] = big[j];
		ds_fprint_reduce(big, m);
		ds_fprint_cmp_set(f[3], big, m, &c);
		printf("# 004 against %zu random keys of %d bits: %zu of %zu common\n", m,
		       ds_fprint_rkey_bits(m), c.common, na);
		T_OK(c.common <= na / 64);
		free(big);
	}
	for (int i = 0; i < 4; i++) {
		ds_fprint_free(f[i]);
		ds_doc_free(d[i]);
	}
}

/* The set figures and the sentence cover come from one merge of the sets
 * (ds_fprint_cmp_cover), which ds_fprint_cmp_set and ds_fprint_sent_cover
 * share: each call gives the same figures, the words covered are those of
 * the sentences given a share (each at least a quarter of their shingles),
 * and the texts that share passages are found covered. */
T_TEST(cmp_and_cover_at_once)
{
	static const char *const ids[] = {"000", "001", "003", "004"};
	struct ds_doc *d[4];
	struct ds_fprint *f[4];
	int ok = 1;
	size_t covered_any = 0;
	for (int i = 0; i < 4; i++)
		ok &= (f[i] = fp_of(d[i] = t_seed(ids[i]))) != NULL;
	T_OK(ok);
	for (int i = 0; ok && i < 4; i++)
		for (int j = 0; j < 4; j++) {
			struct ds_fp_cmp one, two;
			size_t n, ns = ds_fprint_nsents(f[i]), c1, c2, words = 0;
			const uint32_t *set = ds_fprint_set(f[j], &n);
			uint32_t *k = malloc((n + 1) * sizeof *k);
			float *cov1 = calloc(ns + 1, sizeof *cov1), *cov2 = calloc(ns + 1, sizeof *cov2);
			memcpy(k, set, n * sizeof *k);
			ds_fprint_reduce(k, n);
			c1 = ds_fprint_cmp_cover(f[i], k, n, &one, cov1);
			c2 = ds_fprint_sent_cover(f[i], k, n, cov2);
			ds_fprint_cmp_set(f[i], k, n, &two);
			T_EQ_INT(c1, c2);
			T_OK(memcmp(cov1, cov2, ns * sizeof *cov1) == 0);
			T_OK(memcmp(&one, &two, sizeof one) == 0);
			T_OK(ds_fprint_cmp_cover(f[i], k, n, &one, NULL) == c2);
			for (size_t s = 0; s < ns; s++) {
				if (cov1[s] > 0)
					words += ds_fprint_sent_words(f[i], s);
				if (cov1[s] != 0 && (cov1[s] < 0.25f || cov1[s] > 1.0f))
					T_FAIL("sentence %zu of %s covered by %s at %g", s, ids[i], ids[j],
					       (double)cov1[s]);
			}
			T_EQ_INT(words, c1);
			T_OK(i != j || one.common == one.n_a);
			covered_any += i != j && c1 > 0;
			free(k);
			free(cov1);
			free(cov2);
		}
	T_OK(covered_any >= 2); /* 001 and 003 share text with 000 */
	for (int i = 0; i < 4; i++) {
		ds_fprint_free(f[i]);
		ds_doc_free(d[i]);
	}
}

T_TEST(stemmed_doc_same_as_stemmer)
{
	/* a doc stemmed beforehand and one stemmed during fingerprinting agree */
	struct ds_doc *a = t_seed("001"), *b = t_seed("001");
	struct ds_fprint *fa, *fb;
	struct ds_fp_cmp c;
	if (!a || !b) {
		T_FAIL("cannot read seed 001");
		goto out;
	}
	ds_doc_stem(a, stemmer);
	fa = fp_of(a);
	fb = fp_of(b);
	T_OK(fa && fb);
	if (fa && fb) {
		ds_fprint_cmp(fa, fb, &c);
		T_NEAR(c.similarity, 1.0, 1e-9);
		T_EQ_INT(c.n_a, c.n_b);
	}
	ds_fprint_free(fa);
	ds_fprint_free(fb);
out:
	ds_doc_free(a);
	ds_doc_free(b);
}

/* The radix sort against a plain one: random 64-bit keys, keys of a few
 * bits (passes skipped), shared high bytes, duplicates, 0 and 1 keys. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

T_TEST(sort64_matches_qsort)
{
	static const uint64_t masks[] = {UINT64_MAX, 0xff, 0xfff, 0xff00ff0000ULL, 0x3fffffffULL};
	enum { N = 3000 };
	uint64_t *a = malloc(2 * N * sizeof *a), *b = malloc(N * sizeof *b), x = 88172645463325252ULL;
	T_OK(a && b);
	if (!a || !b)
		goto out;
	for (size_t m = 0; m < DS_ARRAY_LEN(masks); m++)
		for (size_t n = 0; n <= N; n = n ? n * 7 : 1) {
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				b[i] = a[i] = (x & masks[m]) | (m == 3 ? 0x7700000000000000ULL : 0);
			}
			ds_fprint_sort64(a, a + N, n);
			qsort(b, n, sizeof *b, cmp_u64);
			if (n && memcmp(a, b, n * sizeof *a) != 0)
				T_FAIL("mask %zu, %zu keys: not sorted as qsort sorts them", m, n);
		}
out:
	free(a);
	free(b);
}

int main(void)
{
	stemmer = ds_stemmer_new();
	T_RUN(function_words);
	T_RUN(immutables_survive_content_swaps);
	T_RUN(number_words_and_function_word_classes);
	T_RUN(identical_and_empty);
	T_RUN(passage_keys_survive_in_a_larger_text);
	T_RUN(seeds);
	T_RUN(spun_copy_still_matches);
	T_RUN(store_keys_compare_as_hashes);
	T_RUN(cmp_and_cover_at_once);
	T_RUN(stemmed_doc_same_as_stemmer);
	T_RUN(sort64_matches_qsort);
	ds_stemmer_free(stemmer);
	return t_done();
}
