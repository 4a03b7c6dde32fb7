/* fprint.c - shingles of immutables and stems, MinHash, LSH (see fprint.h). */
#include "fprint.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "stem.h"
#include "text.h"

/* ---- function words ---- */

/* Closed-class English words: a spinner's thesaurus has no entries for them
 * (or the spinner keeps them to stay grammatical). */
static const char *const function_words[] = {
	"a", "about", "above", "across", "after", "again", "against", "ago",
	"all", "almost", "along", "already", "also", "although", "always", "am",
	"among", "an", "and", "another", "any", "anybody", "anyone", "anything",
	"are", "around", "as", "at", "be", "because", "been", "before", "behind",
	"being", "below", "beside", "besides", "between", "beyond", "both",
	"but", "by", "can", "cannot", "could", "did", "do", "does", "doing",
	"done", "down", "during", "each", "either", "else", "enough", "even",
	"ever", "every", "everyone", "everything", "few", "for", "from",
	"further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "however", "i", "if", "in",
	"inside", "into", "is", "it", "its", "itself", "just", "less", "many",
	"may", "me", "might", "more", "most", "much", "must", "my", "myself",
	"neither", "never", "no", "nobody", "none", "nor", "not", "nothing",
	"now", "of", "off", "on", "once", "only", "onto", "or", "other",
	"others", "our", "ours", "ourselves", "out", "over", "own", "per",
	"perhaps", "rather", "same", "several", "shall", "she", "should",
	"since", "so", "some", "someone", "something", "such", "than", "that",
	"the", "their", "theirs", "them", "themselves", "then", "there",
	"therefore", "these", "they", "this", "those", "though", "through",
	"throughout", "thus", "to", "too", "toward", "towards", "under",
	"unless", "until", "up", "upon", "us", "very", "via", "was", "we",
	"were", "what", "whatever", "when", "whenever", "where", "whereas",
	"whether", "which", "while", "who", "whoever", "whom", "whose", "why",
	"will", "with", "within", "without", "would", "yet", "you", "your",
	"yours", "yourself",
	/* contractions as one token */
	"it's", "he's", "she's", "that's", "there's", "don't", "doesn't",
	"didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "can't",
	"couldn't", "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't",
	"i'm", "we're", "they're", "you're", "we've", "they've", "i've",
	"'s", "n't",
	/* variants a spinner swaps for words above (see fw_classes) */
	"amongst", "whilst", "simply", "merely", "hence", "numerous", "various",
};

/* Function words a spinner swaps for one another, reduced to one form. */
static const char *const fw_classes[][2] = {
	{"towards", "toward"}, {"amongst", "among"}, {"may", "could"},
	{"might", "could"}, {"can", "could"}, {"would", "will"},
	{"shall", "will"}, {"however", "but"}, {"yet", "but"},
	{"although", "though"}, {"throughout", "within"}, {"inside", "within"},
	{"simply", "just"}, {"merely", "just"}, {"only", "just"},
	{"around", "about"}, {"too", "also"}, {"should", "must"},
	{"whether", "if"}, {"upon", "on"}, {"therefore", "so"},
	{"thus", "so"}, {"hence", "so"}, {"numerous", "many"},
	{"various", "many"}, {"several", "many"}, {"every", "all"},
	{"each", "all"}, {"whereas", "while"}, {"whilst", "while"},
	{"whom", "who"}, {"onto", "on"}, {"into", "in"},
};

/* The function words by hash, built once: value = index in function_words. */
#define FW_SLOTS 1024u
_Static_assert(DS_HMAP_FIXED_OK(FW_SLOTS), "FW_SLOTS: a power of two, at least 2");
static uint64_t fw_key[FW_SLOTS];
static uint32_t fw_val[FW_SLOTS];
static struct ds_hmap fw_map;
static const char *fw_canon[DS_ARRAY_LEN(function_words)]; /* the form hashed into shingles */
static pthread_once_t fw_once = PTHREAD_ONCE_INIT;

/* The function words of at most DS_PACK_MAX bytes (nearly all of them, and
 * all the common ones) also by their packed bytes. */
static struct ds_packset fw_short;

static void fw_build(void)
{
	ds_hmap_init_fixed(&fw_map, fw_key, fw_val, FW_SLOTS);
	for (size_t i = 0; i < DS_ARRAY_LEN(function_words); i++) {
		const char *w = function_words[i];
		size_t n = strlen(w);
		ds_hmap_put(&fw_map, ds_hash64(w, n, 0x66776f7264ULL), (uint32_t)i, NULL, NULL,
			    NULL);
		if (n <= DS_PACK_MAX)
			ds_packset_add(&fw_short, w, n, (uint16_t)i);
		fw_canon[i] = w;
		for (size_t k = 0; k < DS_ARRAY_LEN(fw_classes); k++)
			if (strcmp(fw_classes[k][0], w) == 0)
				fw_canon[i] = fw_classes[k][1];
	}
}

struct fw_probe {
	const char *w;
	size_t n;
};

static int fw_eq(const void *ctx, uint32_t i)
{
	const struct fw_probe *p = ctx;
	return strncmp(function_words[i], p->w, p->n) == 0 && function_words[i][p->n] == '\0';
}

/* The canonical form of a function word, or NULL for other words. */
static const char *function_word(const char *lower, size_t n)
{
	struct fw_probe p = {lower, n};
	const uint32_t *i;
	pthread_once(&fw_once, fw_build);
	if (n >= 1 && n <= DS_PACK_MAX) {
		int k = ds_packset_find(&fw_short, lower, n);
		return k >= 0 ? fw_canon[k] : NULL;
	}
	i = ds_hmap_find(&fw_map, ds_hash64(lower, n, 0x66776f7264ULL), fw_eq, &p);
	return i ? fw_canon[*i] : NULL;
}

int ds_fprint_is_function_word(const char *lower, size_t n)
{
	return function_word(lower, n) != NULL;
}

/* ---- the fingerprint ---- */

struct occ {
	uint32_t h;
	uint32_t sent;
};

struct ds_fprint {
	uint32_t *set;        /* sorted distinct hashes */
	size_t nset;
	size_t nkind[2];
	struct occ *occ;      /* every shingle occurrence, by sentence */
	uint32_t *oset;       /* per occurrence: the index of its hash in set */
	size_t nocc;
	uint32_t *sent_words; /* words per sentence */
	size_t nsent;
	size_t words;
};

/* A token reduced to its hash, its class and its sentence. */
struct item {
	uint64_t h;
	uint32_t sent;
};

static const uint64_t SEED_TOK = 0x746f6b656e736565ULL;

static uint64_t digits_hash(const char *s, size_t n)
{
	char buf[DS_TOK_MAX_BYTES + 1];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			buf[k++] = s[i];
	return ds_hash64(buf, k, SEED_TOK ^ 0x4e);
}

/* The short immutable words (number words, then function words) by their
 * packed bytes, each with the hash its token gets: one look-up instead of
 * ds_number_word, function_word and a hash of the form they give. */
#define NUM_WORDS \
	(DS_ARRAY_LEN(ds_num_ones) + DS_ARRAY_LEN(ds_num_tens) + DS_ARRAY_LEN(ds_num_big))
static struct ds_packset imm_short;
static uint64_t imm_hash[NUM_WORDS + DS_ARRAY_LEN(function_words)];
static pthread_once_t imm_once = PTHREAD_ONCE_INIT;

static void imm_add(size_t *k, const char *w, uint64_t h)
{
	size_t n = strlen(w);
	if (n == 0 || n > DS_PACK_MAX || *k >= DS_ARRAY_LEN(imm_hash))
		return;
	imm_hash[*k] = h;
	ds_packset_add(&imm_short, w, n, (uint16_t)(*k)++);
}

static void imm_build(void)
{
	const char *num;
	size_t k = 0;
	pthread_once(&fw_once, fw_build);
	for (size_t i = 0; i < NUM_WORDS; i++) {
		size_t ones = DS_ARRAY_LEN(ds_num_ones), tens = DS_ARRAY_LEN(ds_num_tens);
		const char *w = i < ones ? ds_num_ones[i]
				: i < ones + tens ? ds_num_tens[i - ones]
				: ds_num_big[i - ones - tens];
		if ((num = ds_number_word(w, strlen(w))) != NULL)
			imm_add(&k, w, digits_hash(num, strlen(num)));
	}
	for (size_t i = 0; i < DS_ARRAY_LEN(function_words); i++)
		imm_add(&k, function_words[i],
			ds_hash64(fw_canon[i], strlen(fw_canon[i]), SEED_TOK));
}

static uint32_t shingle_hash(const struct item *it, size_t k, unsigned kind)
{
	uint64_t h = 0x5348494e474c45ULL + kind;
	for (size_t i = 0; i < k; i++)
		h = ds_mix64(h ^ it[i].h) + 0x9e3779b97f4a7c15ULL;
	return ((uint32_t)(h >> (64 - DS_FP_HASH_BITS)) & ((1u << DS_FP_HASH_BITS) - 2)) | kind;
}

/* Sorts a[0..n) (tmp: room for n), 8 bits a pass from the lowest, as many
 * passes as the largest key needs; a pass whose byte is the same in every
 * key is skipped.  The counts of all passes are taken in one read of the
 * keys.  Small tables (256 counts) suit the few hundred to few thousand
 * keys of an article. */
/* The same on the bytes from byte first (0 the lowest) up: the order of
 * keys equal in those bytes is kept.  n < 2^32 (the counts' width: half
 * the table to clear). */
static void sort_from(uint64_t *a, uint64_t *tmp, size_t n, unsigned first)
{
	uint64_t max = 0, *src = a, *dst = tmp, *t;
	uint32_t count[8][256];
	unsigned passes = 0;
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		max |= a[i];
	max >>= 8 * first;
	while (first + passes < 8 && (max >> (8 * passes)) != 0)
		passes++;
	memset(count, 0, passes * sizeof count[0]);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = a[i] >> (8 * first);
		for (unsigned p = 0; p < passes; p++, x >>= 8)
			count[p][x & 255]++;
	}
	for (unsigned p = 0; p < passes; p++) {
		uint32_t *c = count[p];
		unsigned shift = 8 * (first + p);
		if (c[(src[0] >> shift) & 255] == n)
			continue; /* one value of this byte: the order stays */
		for (uint32_t i = 0, sum = 0; i < 256; i++) {
			uint32_t k = c[i];
			c[i] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i] >> shift) & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

void ds_fprint_sort64(uint64_t *a, uint64_t *tmp, size_t n)
{
	sort_from(a, tmp, n, 0);
}

/* The index of h in the sorted set s[0..n) (where it would go if absent). */
static size_t set_pos(const uint32_t *s, size_t n, uint32_t h)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void add_shingles(struct ds_fprint *fp, const struct item *it, size_t n,
			 size_t k, unsigned kind)
{
	if (n == 0)
		return;
	if (n < k) { /* a short document still gets one shingle */
		fp->occ[fp->nocc].h = shingle_hash(it, n, kind);
		fp->occ[fp->nocc++].sent = it[0].sent;
		return;
	}
	for (size_t i = 0; i + k <= n; i++) {
		fp->occ[fp->nocc].h = shingle_hash(it + i, k, kind);
		fp->occ[fp->nocc++].sent = it[i].sent;
	}
}

void ds_fprint_reduce(uint32_t *set, size_t n)
{
	/* the keys of sorted hashes are sorted but within runs of hashes that
	 * share their top bits and differ in kind: an insertion sort costs
	 * about one pass */
	int bits = ds_fprint_rkey_bits(n);
	for (size_t i = 0; i < n; i++) {
		uint32_t k = ds_fprint_rkey(set[i], bits);
		size_t j = i;
		for (; j > 0 && set[j - 1] > k; j--)
			set[j] = set[j - 1];
		set[j] = k;
	}
}

struct ds_fprint *ds_fprint_new(const struct ds_doc *doc, struct ds_stemmer *st,
				struct ds_err *err)
{
	struct ds_fprint *fp = calloc(1, sizeof *fp);
	struct item *imm = NULL, *con = NULL;
	uint64_t *keys = NULL;
	struct occ *old = NULL;
	size_t *first = NULL; /* per sentence: where its occurrences go */
	size_t nimm = 0, ncon = 0;
	uint32_t maxsent = 0;

	if (!fp)
		goto nomem;
	pthread_once(&imm_once, imm_build);
	imm = malloc((doc->ntok + 1) * sizeof *imm);
	con = malloc((doc->ntok + 1) * sizeof *con);
	fp->occ = malloc((2 * doc->ntok + 2) * sizeof *fp->occ);
	fp->sent_words = calloc(doc->nsent + 1, sizeof *fp->sent_words);
	if (!imm || !con || !fp->occ || !fp->sent_words)
		goto nomem;
	fp->nsent = doc->nsent;

	for (size_t i = 0; i < doc->ntok; i++) {
		const struct ds_token *t = &doc->tok[i];
		const char *lower = ds_tok_lower(doc, i);
		const char *num, *fw;
		uint32_t s = t->sent;
		int k;

		if (t->kind == DS_TOK_PUNCT || (t->flags & DS_TF_BOILER))
			continue;
		fp->words++;
		if (s < doc->nsent)
			fp->sent_words[s]++;
		if (t->kind == DS_TOK_NUM) {
			imm[nimm].h = digits_hash(lower, t->norm_len);
			imm[nimm++].sent = s;
		} else if (t->norm_len <= DS_PACK_MAX &&
			   (k = ds_packset_find(&imm_short, lower, t->norm_len)) >= 0) {
			imm[nimm].h = imm_hash[k];
			imm[nimm++].sent = s;
		} else if (t->norm_len > DS_PACK_MAX &&
			   (num = ds_number_word(lower, t->norm_len)) != NULL) {
			imm[nimm].h = digits_hash(num, strlen(num));
			imm[nimm++].sent = s;
		} else if (t->norm_len > DS_PACK_MAX &&
			   (fw = function_word(lower, t->norm_len)) != NULL) {
			imm[nimm].h = ds_hash64(fw, strlen(fw), SEED_TOK);
			imm[nimm++].sent = s;
		} else if ((t->flags & DS_TF_UPPER) ||
			   ((t->flags & DS_TF_CAP) && !(t->flags & DS_TF_SENT_START))) {
			imm[nimm].h = ds_hash64(lower, t->norm_len, SEED_TOK);
			imm[nimm++].sent = s;
		} else {
			const char *stem = lower;
			size_t len = t->norm_len;
			if (t->stem != DS_NO_STEM) {
				stem = doc->pool + t->stem;
				len = t->stem_len;
			} else if (st) {
				size_t sl;
				const char *r = ds_stem(st, lower, t->norm_len, &sl);
				if (!r)
					goto nomem;
				stem = r;
				len = sl;
			}
			con[ncon].h = ds_hash64(stem, len, SEED_TOK ^ 0x53);
			con[ncon++].sent = s;
		}
	}
	add_shingles(fp, imm, nimm, DS_FP_K_IMM, DS_FP_KIND_IMM);
	add_shingles(fp, con, ncon, DS_FP_K_STEM, DS_FP_KIND_STEM);
	free(imm);
	free(con);
	imm = con = NULL;

	fp->set = malloc((fp->nocc + 1) * sizeof *fp->set);
	fp->oset = malloc((fp->nocc + 1) * sizeof *fp->oset);
	keys = malloc((2 * fp->nocc + 1) * sizeof *keys);
	if (!fp->set || !fp->oset || !keys)
		goto nomem;
	/* the distinct hashes: the hashes sorted with each occurrence's index
	 * below its hash (fewer than 2^32 occurrences: one per token at most) */
	for (size_t i = 0; i < fp->nocc; i++) {
		keys[i] = (uint64_t)fp->occ[i].h << 32 | i;
		if (fp->occ[i].sent > maxsent)
			maxsent = fp->occ[i].sent;
	}
	sort_from(keys, keys + fp->nocc, fp->nocc, 4);
	/* then the occurrences by sentence, then hash: the hash order dealt
	 * into sentences (a stable counting sort), each with its place in the
	 * set */
	if (!(old = malloc((fp->nocc + 1) * sizeof *old)) ||
	    !(first = calloc((size_t)maxsent + 2, sizeof *first)))
		goto nomem;
	memcpy(old, fp->occ, fp->nocc * sizeof *old);
	for (size_t i = 0; i < fp->nocc; i++)
		first[old[i].sent + 1]++;
	for (size_t s = 1; s <= (size_t)maxsent + 1; s++)
		first[s] += first[s - 1];
	for (size_t i = 0; i < fp->nocc; i++) {
		uint32_t h = (uint32_t)(keys[i] >> 32);
		const struct occ *o = &old[(uint32_t)keys[i]];
		size_t j = first[o->sent]++;
		if (fp->nset == 0 || fp->set[fp->nset - 1] != h) {
			fp->set[fp->nset++] = h;
			fp->nkind[h & 1]++;
		}
		fp->occ[j] = *o;
		fp->oset[j] = (uint32_t)(fp->nset - 1);
	}
	free(old);
	free(first);
	old = NULL;
	first = NULL;
	free(keys);
	keys = NULL;
	return fp;

nomem:
	free(imm);
	free(con);
	free(keys);
	free(old);
	free(first);
	ds_fprint_free(fp);
	ds_err_set(err, DS_ENOMEM, "out of memory fingerprinting %s",
		   doc->name ? doc->name : "a document");
	return NULL;
}

void ds_fprint_free(struct ds_fprint *fp)
{
	if (!fp)
		return;
	free(fp->set);
	free(fp->occ);
	free(fp->oset);
	free(fp->sent_words);
	free(fp);
}

const uint32_t *ds_fprint_set(const struct ds_fprint *fp, size_t *n)
{
	*n = fp->nset;
	return fp->set;
}

size_t ds_fprint_count_kind(const struct ds_fprint *fp, unsigned kind)
{
	return fp->nkind[kind & 1];
}

size_t ds_fprint_words(const struct ds_fprint *fp)
{
	return fp->words;
}

/* ---- passage keys ---- */

size_t ds_fprint_nsents(const struct ds_fprint *fp)
{
	return fp->nsent;
}

uint32_t ds_fprint_sent_words(const struct ds_fprint *fp, size_t i)
{
	return i < fp->nsent ? fp->sent_words[i] : 0;
}

/* Hash function j of a shingle: an odd multiplier and an offset per
 * function, then a full mix. */
static uint64_t perm_hash(uint32_t h, size_t j)
{
	uint64_t x = ds_mix64((uint64_t)h * 0x9e3779b97f4a7c15ULL + 0x6d696e68);
	return ds_mix64(x ^ (0xa0761d6478bd642fULL * (j + 1)));
}

int ds_fprint_passage_keys(const struct ds_fprint *fp, struct ds_fp_key **keys, size_t *n)
{
	enum { NH = DS_FP_PASSAGE_BANDS * DS_FP_PASSAGE_ROWS };
	size_t cap = fp->nsent * DS_FP_PASSAGE_BANDS, i = 0, k = 0;
	struct ds_fp_key *out;
	*keys = NULL;
	*n = 0;
	if (cap > DS_FP_MAX_KEYS)
		cap = DS_FP_MAX_KEYS;
	if (!(out = malloc((cap + 1) * sizeof *out)))
		return DS_ENOMEM;
	while (i < fp->nocc && k + DS_FP_PASSAGE_BANDS <= cap) {
		uint32_t s = fp->occ[i].sent;
		uint64_t sig[NH];
		size_t t = 0;
		for (size_t j = 0; j < NH; j++)
			sig[j] = UINT64_MAX;
		for (; i < fp->nocc && fp->occ[i].sent == s; i++) {
			if (t && fp->occ[i].h == fp->occ[i - 1].h)
				continue; /* sorted by hash within the sentence */
			t++;
			for (size_t j = 0; j < NH; j++) {
				uint64_t h = perm_hash(fp->occ[i].h, j);
				if (h < sig[j])
					sig[j] = h;
			}
		}
		if (t < DS_FP_PASSAGE_MIN)
			continue;
		for (size_t b = 0; b < DS_FP_PASSAGE_BANDS; b++) {
			uint64_t h = 0x7061737361676500ULL + b * 0x9e3779b97f4a7c15ULL;
			for (size_t r = 0; r < DS_FP_PASSAGE_ROWS; r++)
				h = ds_mix64(h ^ sig[b * DS_FP_PASSAGE_ROWS + r]);
			out[k].key = h;
			out[k++].sent = s;
		}
	}
	*keys = out;
	*n = k;
	return 0;
}

/* ---- comparisons ---- */

static int in_set(const uint32_t *s, size_t n, uint32_t h)
{
	size_t p = set_pos(s, n, h);
	return p < n && s[p] == h;
}

/* The merge of fp's hashes, as keys of the given bits, with src, sorted
 * keys of those bits (bits DS_FP_HASH_BITS: hashes): as if fp's keys were
 * sorted, each key matching one equal key of src.  The keys of sorted
 * hashes are in order but within a run of hashes that share their top bits,
 * whose keys are the run's top bits and a kind: kind 0 first, then kind 1,
 * each in the hashes' order.  Returns the keys matched; hit (if not NULL)
 * gets 1 at the index of each matched hash, *imm (if not NULL) the matched
 * keys of kind DS_FP_KIND_IMM. */
static size_t merge_keys(const struct ds_fprint *fp, int bits, const uint32_t *src,
			 size_t nsrc, unsigned char *hit, size_t *imm)
{
	size_t c = 0, j = 0, i = 0;
	const int shift = DS_FP_HASH_BITS + 1 - bits;
	if (imm)
		*imm = 0;
	while (i < fp->nset && j < nsrc) {
		uint32_t top = fp->set[i] >> shift;
		size_t end = i + 1;
		while (end < fp->nset && fp->set[end] >> shift == top)
			end++;
		for (uint32_t kind = 0; kind < 2; kind++) {
			uint32_t k = top << 1 | kind;
			while (j < nsrc && src[j] < k)
				j++;
			for (size_t x = i; x < end && j < nsrc && src[j] == k; x++)
				if ((fp->set[x] & 1) == kind) {
					if (hit)
						hit[x] = 1;
					if (imm && kind == DS_FP_KIND_IMM)
						(*imm)++;
					c++;
					j++;
				}
		}
		i = end;
	}
	return c;
}

/* Sentence cover of fp's document by src, sorted keys of the given bits,
 * from hit (1 at the index of each of fp's hashes that src holds; NULL:
 * each looked up in src). */
static size_t cover_of(const struct ds_fprint *fp, int bits, const uint32_t *src, size_t nsrc,
		       const unsigned char *hit, float *out)
{
	size_t covered = 0, i = 0;
	if (out)
		for (size_t s = 0; s < fp->nsent; s++)
			out[s] = 0;
	while (i < fp->nocc) {
		uint32_t s = fp->occ[i].sent;
		size_t t = 0, f = 0, stem = 0;
		for (; i < fp->nocc && fp->occ[i].sent == s; i++) {
			uint32_t h = fp->occ[i].h;
			int in = hit ? hit[fp->oset[i]] : in_set(src, nsrc, ds_fprint_rkey(h, bits));
			t++;
			f += in;
			stem += in && (h & 1) == DS_FP_KIND_STEM;
		}
		if (s >= fp->nsent)
			continue;
		if (f * 4 >= t && f >= (t < 2 ? t : 2) && (stem > 0 || f * 2 >= t)) {
			covered += fp->sent_words[s];
			if (out)
				out[s] = (float)f / (float)t;
		}
	}
	return covered;
}

/* Words of the sentences that have shingles. */
static size_t shingled_words(const struct ds_fprint *fp)
{
	size_t total = 0, i = 0;
	while (i < fp->nocc) {
		uint32_t s = fp->occ[i].sent;
		while (i < fp->nocc && fp->occ[i].sent == s)
			i++;
		if (s < fp->nsent)
			total += fp->sent_words[s];
	}
	return total;
}

/* a against b, sorted keys of the given bits (DS_FP_HASH_BITS: hashes);
 * returns the words of a's sentences b covers, each sentence's share into
 * cover (NULL: not wanted). */
static size_t cmp_with(const struct ds_fprint *a, int bits, const uint32_t *b, size_t nb,
		       struct ds_fp_cmp *out, float *cover)
{
	size_t na = a->nset, mn = na < nb ? na : nb;
	size_t total = shingled_words(a), covered;
	/* one merge of the sets gives the keys in common and which of a's
	 * hashes b holds, which the sentence cover counts */
	unsigned char *hit = calloc(a->nset + 1, 1);
	memset(out, 0, sizeof *out);
	out->n_a = na;
	out->n_b = nb;
	out->common = merge_keys(a, bits, b, nb, hit, &out->common_imm);
	out->common_stem = out->common - out->common_imm;
	out->similarity = mn ? (double)out->common / (double)mn : 0.0;
	out->containment_ab = na ? (double)out->common / (double)na : 0.0;
	out->containment_ba = nb ? (double)out->common / (double)nb : 0.0;
	covered = cover_of(a, bits, b, nb, hit, cover);
	out->coverage_ab = total ? (double)covered / (double)total : 0.0;
	free(hit);
	return covered;
}

double ds_fprint_coverage(const struct ds_fprint *fp, const uint32_t *src, size_t nsrc)
{
	struct ds_fp_cmp c;
	cmp_with(fp, DS_FP_HASH_BITS, src, nsrc, &c, NULL);
	return c.coverage_ab;
}

size_t ds_fprint_cmp_cover(const struct ds_fprint *a, const uint32_t *b, size_t nb,
			   struct ds_fp_cmp *out, float *cover)
{
	return cmp_with(a, ds_fprint_rkey_bits(nb), b, nb, out, cover);
}

void ds_fprint_cmp_set(const struct ds_fprint *a, const uint32_t *b, size_t nb,
		       struct ds_fp_cmp *out)
{
	ds_fprint_cmp_cover(a, b, nb, out, NULL);
}

size_t ds_fprint_sent_cover(const struct ds_fprint *fp, const uint32_t *src, size_t nsrc,
			    float *out)
{
	struct ds_fp_cmp c;
	return ds_fprint_cmp_cover(fp, src, nsrc, &c, out);
}

void ds_fprint_cmp(const struct ds_fprint *a, const struct ds_fprint *b,
		   struct ds_fp_cmp *out)
{
	cmp_with(a, DS_FP_HASH_BITS, b->set, b->nset, out, NULL);
	out->coverage_ba = ds_fprint_coverage(b, a->set, a->nset);
}

double ds_fprint_similarity_to(const struct ds_fprint *a, const struct ds_doc *b,
			       struct ds_stemmer *st)
{
	struct ds_err err = {0};
	struct ds_fprint *fb = ds_fprint_new(b, st, &err);
	struct ds_fp_cmp c = {0};
	if (!fb)
		return -1;
	ds_fprint_cmp(a, fb, &c);
	ds_fprint_free(fb);
	return c.similarity;
}

double ds_fprint_similarity(const struct ds_doc *a, const struct ds_doc *b, struct ds_stemmer *st)
{
	struct ds_err err = {0};
	struct ds_fprint *fa = ds_fprint_new(a, st, &err);
	double sim = fa ? ds_fprint_similarity_to(fa, b, st) : -1;
	ds_fprint_free(fa);
	return sim;
}
