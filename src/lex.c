/* lex.c - loading and querying the synonym-substitution lexicon (lex.h). */
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "lex.h"
#include "lex_fmt.h"
#include "stem.h"

#define LEX_KIND "LEX"
#define LEMMA_FACTOR 0.9f
#define STEM_FACTOR 0.5f

struct ds_lex {
	struct ds_map map;      /* zero when built in memory */
	void *owned;            /* payload copy owned by the handle, or NULL */
	const struct ds_lex_hdr *h;
	const struct ds_lex_phrase *ph;
	const struct ds_lex_edge *edge;
	const struct ds_lex_redge *redge;
	const struct ds_lex_stem *stem;
	const uint32_t *member;
	const struct ds_lex_exc *exc;
	const uint32_t *phash, *shash, *xform, *xbase;
	const char *pool, *rpool;
	const uint64_t *mbloom; /* lex_fmt.h */
	uint64_t bytes;
};

/* ---- loading ---------------------------------------------------------------- */

static int sect(const struct ds_lex_hdr *h, size_t len, uint64_t off, uint64_t n,
		size_t elt)
{
	if (off % 8 || off > len || n > (len - off) / (elt ? elt : 1))
		return 0;
	return 1;
}

static int pow2(uint64_t x)
{
	return x && !(x & (x - 1)) && x < (1ull << 32);
}

static int hash_ok(const uint32_t *t, uint64_t cap, uint64_t max)
{
	int empty = 0;
	for (uint64_t i = 0; i < cap; i++) {
		if (t[i] > max)
			return 0;
		empty |= t[i] == 0;
	}
	return empty;
}

static int lex_attach(struct ds_lex *lex, const unsigned char *p, size_t len,
		      const char *name, int checked, struct ds_err *err)
{
	const struct ds_lex_hdr *h = (const void *)p;
	if (len < sizeof *h || h->nphrase >= UINT32_MAX || h->nedge >= UINT32_MAX ||
	    h->nstem >= UINT32_MAX || h->nexc >= UINT32_MAX ||
	    !pow2(h->phash_cap) || !pow2(h->shash_cap) || !pow2(h->xform_cap) ||
	    !pow2(h->xbase_cap) || h->phash_cap <= h->nphrase || h->shash_cap <= h->nstem ||
	    h->xform_cap <= h->nexc || h->xbase_cap <= h->nexc ||
	    !sect(h, len, h->off_phrase, h->nphrase + 1, sizeof(struct ds_lex_phrase)) ||
	    !sect(h, len, h->off_edge, h->nedge, sizeof(struct ds_lex_edge)) ||
	    !sect(h, len, h->off_redge, h->nedge, sizeof(struct ds_lex_redge)) ||
	    !sect(h, len, h->off_stem, h->nstem + 1, sizeof(struct ds_lex_stem)) ||
	    !sect(h, len, h->off_member, h->nphrase, 4) ||
	    !sect(h, len, h->off_exc, h->nexc, sizeof(struct ds_lex_exc)) ||
	    !sect(h, len, h->off_phash, h->phash_cap, 4) ||
	    !sect(h, len, h->off_shash, h->shash_cap, 4) ||
	    !sect(h, len, h->off_xform, h->xform_cap, 4) ||
	    !sect(h, len, h->off_xbase, h->xbase_cap, 4) ||
	    !sect(h, len, h->off_pool, h->pool_len, 1) || h->pool_len == 0 ||
	    p[h->off_pool + h->pool_len - 1] != 0 ||
	    !sect(h, len, h->off_rpool, h->rpool_len, 1) || h->rpool_len == 0 ||
	    p[h->off_rpool + h->rpool_len - 1] != 0 || !pow2(h->mbloom_words) ||
	    !sect(h, len, h->off_mbloom, h->mbloom_words, 8))
		return ds_err_set(err, DS_EFORMAT,
				  "%s: malformed lexicon tables; rebuild it (" DS_BIN_REBUILD ")", name);
	lex->h = h;
	lex->ph = (const void *)(p + h->off_phrase);
	lex->edge = (const void *)(p + h->off_edge);
	lex->redge = (const void *)(p + h->off_redge);
	lex->stem = (const void *)(p + h->off_stem);
	lex->member = (const void *)(p + h->off_member);
	lex->exc = (const void *)(p + h->off_exc);
	lex->phash = (const void *)(p + h->off_phash);
	lex->shash = (const void *)(p + h->off_shash);
	lex->xform = (const void *)(p + h->off_xform);
	lex->xbase = (const void *)(p + h->off_xbase);
	lex->pool = (const char *)(p + h->off_pool);
	lex->rpool = (const char *)(p + h->off_rpool);
	lex->mbloom = (const void *)(p + h->off_mbloom);

	/* Every index is checked once here, so queries need no bounds checks;
	 * a file 'despin check-models' vouched for (binfmt.h) was checked
	 * already, and its pages are read only when queries touch them. */
	uint64_t np = h->nphrase, ne = h->nedge, pl = h->pool_len, rl = h->rpool_len;
	if (checked)
		return 0;
	for (uint64_t i = 0; i <= np; i++) {
		const struct ds_lex_phrase *q = &lex->ph[i];
		if (q->fwd > ne || q->rev > ne || (i && (q->fwd < q[-1].fwd || q->rev < q[-1].rev)))
			goto bad;
		if (i < np && ((uint64_t)q->off + q->len >= pl || q->stem >= h->nstem ||
			       lex->pool[q->off + q->len] != 0))
			goto bad;
	}
	if (lex->ph[np].fwd != ne || lex->ph[np].rev != ne)
		goto bad;
	for (uint64_t i = 0; i < ne; i++)
		if (lex->edge[i].orig >= np || lex->edge[i].subst >= np || lex->redge[i].orig >= np ||
		    (uint64_t)lex->redge[i].text + lex->redge[i].len >= rl ||
		    lex->rpool[lex->redge[i].text + lex->redge[i].len] != 0)
			goto bad;
	for (uint64_t i = 0; i <= h->nstem; i++) {
		const struct ds_lex_stem *s = &lex->stem[i];
		if (s->begin > np || (i && s->begin < s[-1].begin))
			goto bad;
		if (i < h->nstem && (uint64_t)s->off + s->len >= pl)
			goto bad;
	}
	if (lex->stem[h->nstem].begin != np)
		goto bad;
	for (uint64_t i = 0; i < np; i++)
		if (lex->member[i] >= np)
			goto bad;
	for (uint64_t i = 0; i < h->nexc; i++) {
		const struct ds_lex_exc *x = &lex->exc[i];
		if ((uint64_t)x->form_off + x->form_len >= pl || (uint64_t)x->base_off + x->base_len >= pl)
			goto bad;
	}
	/* Values in range, and an empty (0) slot in each table: probing stops there. */
	if (!hash_ok(lex->phash, h->phash_cap, np) || !hash_ok(lex->shash, h->shash_cap, h->nstem) ||
	    !hash_ok(lex->xform, h->xform_cap, h->nexc) || !hash_ok(lex->xbase, h->xbase_cap, h->nexc))
		goto bad;
	return 0;
bad:
	return ds_err_set(err, DS_ECORRUPT, "%s: lexicon index out of range; rebuild it (" DS_BIN_REBUILD ")",
			  name);
}

struct ds_lex *ds_lex_load(const char *path, struct ds_err *err)
{
	struct ds_lex *lex = calloc(1, sizeof *lex);
	const void *payload;
	size_t len;
	if (!lex) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	if (ds_bin_open(&lex->map, path, LEX_KIND, DS_LEX_FORMAT_VERSION, DS_BIN_REBUILD,
			&payload, &len, err) < 0)
		goto fail_alloc;
	if (lex_attach(lex, payload, len, path, ds_bin_stamp_ok(path, lex->map.data), err) < 0)
		goto fail_map;
	lex->bytes = lex->map.len;
	return lex;
fail_map:
	ds_map_close(&lex->map);
fail_alloc:
	free(lex);
	return NULL;
}

struct ds_lex *ds_lex_from_payload(void *payload, size_t len, struct ds_err *err)
{
	struct ds_lex *lex = calloc(1, sizeof *lex);
	if (!lex) {
		free(payload);
		ds_err_set(err, DS_ENOMEM, "lexicon: out of memory");
		return NULL;
	}
	lex->owned = payload;
	if (lex_attach(lex, payload, len, "lexicon", 0, err) < 0) {
		free(payload);
		free(lex);
		return NULL;
	}
	lex->bytes = len;
	return lex;
}

void ds_lex_free(struct ds_lex *lex)
{
	if (!lex)
		return;
	if (lex->owned)
		free(lex->owned);
	else
		ds_map_close(&lex->map);
	free(lex);
}

size_t ds_lex_phrases(const struct ds_lex *lex)
{
	return lex->h->nphrase;
}

uint32_t ds_lex_file_id(const struct ds_lex *lex)
{
	return ds_bin_map_id(&lex->map);
}

const char *ds_lex_phrase(const struct ds_lex *lex, size_t i, size_t *len)
{
	*len = lex->ph[i].len;
	return lex->pool + lex->ph[i].off;
}

void ds_lex_info(const struct ds_lex *lex, struct ds_lex_info *info)
{
	info->phrases = lex->h->nphrase;
	info->pairs = lex->h->nedge;
	info->stem_keys = lex->h->nstem;
	info->irregular_forms = lex->h->nexc;
	info->bytes = lex->bytes;
}

/* ---- lookups -------------------------------------------------------------------- */

static int64_t find_phrase(const struct ds_lex *lex, const char *s, size_t n)
{
	uint64_t mask = lex->h->phash_cap - 1;
	uint64_t h = ds_hash64(s, n, lex->h->hash_seed), i = h & mask;
	uint32_t v;
	/* a phrase of several words: the filter first (lex_fmt.h) */
	if (n > 2 && memchr(s + 1, ' ', n - 2) &&
	    (ds_lex_mbloom_bits(h) &
	     ~lex->mbloom[ds_lex_mbloom_word(h, lex->h->mbloom_words)]) != 0)
		return -1;
	while ((v = lex->phash[i]) != 0) {
		const struct ds_lex_phrase *p = &lex->ph[v - 1];
		if (p->len == n && memcmp(lex->pool + p->off, s, n) == 0)
			return v - 1;
		i = (i + 1) & mask;
	}
	return -1;
}

static int64_t find_stem(const struct ds_lex *lex, const char *s, size_t n)
{
	uint64_t mask = lex->h->shash_cap - 1;
	uint64_t i = ds_hash64(s, n, lex->h->hash_seed) & mask;
	uint32_t v;
	while ((v = lex->shash[i]) != 0) {
		const struct ds_lex_stem *p = &lex->stem[v - 1];
		if (p->len == n && memcmp(lex->pool + p->off, s, n) == 0)
			return v - 1;
		i = (i + 1) & mask;
	}
	return -1;
}

int ds_lex_has(const struct ds_lex *lex, const char *phrase, size_t len, uint32_t *freq)
{
	int64_t id = find_phrase(lex, phrase, len);
	if (freq)
		*freq = id < 0 ? 0 : lex->ph[id].freq;
	return id >= 0;
}

/* Pair r of a phrase's pairs as original (fwd: edge r, the other side its
 * substitute) or as substitute (redge r, the other side its original). */
struct pair {
	uint32_t other;     /* the other side's phrase id */
	const char *text;   /* its text */
	uint32_t len;
	float weight;
	uint16_t sources;
	uint8_t senses, pos;
};

static inline void pair_at(const struct ds_lex *lex, int want_orig, uint32_t r, struct pair *v)
{
	if (want_orig) {
		const struct ds_lex_redge *e = &lex->redge[r];
		*v = (struct pair){e->orig, lex->rpool + e->text, e->len,
				   e->weight, e->sources, e->senses, e->pos};
	} else {
		const struct ds_lex_edge *e = &lex->edge[r];
		const struct ds_lex_phrase *p = &lex->ph[e->subst];
		*v = (struct pair){e->subst, lex->pool + p->off, p->len,
				   e->weight, e->sources, e->senses, e->pos};
	}
}

static void set_hit(struct ds_lex_hit *h, const struct pair *v, int match, float factor)
{
	h->text = v->text;
	h->len = v->len;
	h->weight = v->weight * factor;
	h->sources = v->sources;
	h->pos = v->pos;
	h->match = (uint8_t)match;
	h->senses = v->senses;
}

size_t ds_lex_originals(const struct ds_lex *lex, const char *phrase, size_t len,
			struct ds_lex_hit *out, size_t max)
{
	int64_t id = find_phrase(lex, phrase, len);
	size_t n = 0;
	if (id < 0)
		return 0;
	for (uint32_t r = lex->ph[id].rev; r < lex->ph[id + 1].rev && n < max; r++) {
		struct pair v;
		pair_at(lex, 1, r, &v);
		set_hit(&out[n++], &v, DS_LEX_MATCH_SURFACE, 1.0f);
	}
	return n;
}

size_t ds_lex_substitutes(const struct ds_lex *lex, const char *phrase, size_t len,
			  struct ds_lex_hit *out, size_t max)
{
	int64_t id = find_phrase(lex, phrase, len);
	size_t n = 0;
	if (id < 0)
		return 0;
	for (uint32_t r = lex->ph[id].fwd; r < lex->ph[id + 1].fwd && n < max; r++) {
		struct pair v;
		pair_at(lex, 0, r, &v);
		set_hit(&out[n++], &v, DS_LEX_MATCH_SURFACE, 1.0f);
	}
	return n;
}

/* ---- morphology ---------------------------------------------------------------- */

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static int is_cons(char c)
{
	return c >= 'a' && c <= 'z' && !is_vowel(c);
}

/* Short final consonant-vowel-consonant with one vowel group: the final
 * consonant doubles before -ed, -ing, -er ("stop" -> "stopped"). */
static int doubles(const char *w, size_t n)
{
	int groups = 0;
	if (n < 3 || !is_cons(w[n - 1]) || !is_vowel(w[n - 2]) || !is_cons(w[n - 3]) ||
	    w[n - 1] == 'w' || w[n - 1] == 'x' || w[n - 1] == 'y')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (is_vowel(w[i]) && (i == 0 || !is_vowel(w[i - 1])))
			groups++;
	return groups == 1;
}

static int ends(const char *w, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Regular inflection of one word into buf; returns length or -1. */
static int regular(const char *w, size_t n, int pos, int infl, char *buf, size_t size)
{
	char t[DS_LEX_MAX_PHRASE + 8];
	size_t k = 0;
	if (n + 5 > sizeof t)
		return -1;
	memcpy(t, w, n);
	k = n;
	switch (infl) {
	case DS_LEX_BASE:
		break;
	case DS_LEX_PLURAL:
	case DS_LEX_3SG:
		if (ends(w, n, "s") || ends(w, n, "x") || ends(w, n, "z") || ends(w, n, "ch") ||
		    ends(w, n, "sh") || (infl == DS_LEX_3SG && ends(w, n, "o") && n <= 3)) {
			memcpy(t + k, "es", 2), k += 2;
		} else if (n >= 2 && w[n - 1] == 'y' && is_cons(w[n - 2])) {
			memcpy(t + k - 1, "ies", 3), k += 2;
		} else {
			t[k++] = 's';
		}
		break;
	case DS_LEX_PAST:
		if (ends(w, n, "e")) {
			t[k++] = 'd';
		} else if (n >= 2 && w[n - 1] == 'y' && is_cons(w[n - 2])) {
			memcpy(t + k - 1, "ied", 3), k += 2;
		} else {
			if (doubles(w, n))
				t[k++] = w[n - 1];
			memcpy(t + k, "ed", 2), k += 2;
		}
		break;
	case DS_LEX_ING:
		if (ends(w, n, "ie")) {
			memcpy(t + k - 2, "ying", 4), k += 2;
		} else if (ends(w, n, "e") && !ends(w, n, "ee") && !ends(w, n, "ye") &&
			   !ends(w, n, "oe") && n > 2) {
			memcpy(t + k - 1, "ing", 3), k += 2;
		} else {
			if (doubles(w, n))
				t[k++] = w[n - 1];
			memcpy(t + k, "ing", 3), k += 3;
		}
		break;
	case DS_LEX_COMPAR:
	case DS_LEX_SUPERL: {
		const char *suf = infl == DS_LEX_COMPAR ? "er" : "est";
		size_t sl = strlen(suf);
		if (ends(w, n, "e")) {
			k--;
		} else if (n >= 2 && w[n - 1] == 'y' && is_cons(w[n - 2])) {
			t[k - 1] = 'i';
		} else if (doubles(w, n)) {
			t[k++] = w[n - 1];
		}
		memcpy(t + k, suf, sl), k += sl;
		break;
	}
	default:
		return -1;
	}
	if (k + 1 > size)
		return -1;
	memcpy(buf, t, k);
	buf[k] = 0;
	return (int)k;
}

/* Inflection class of an irregular form of base. */
static int exc_class(const char *form, size_t n, const char *base, size_t bn, int pos)
{
	if (pos == DS_LEX_NOUN)
		return DS_LEX_PLURAL;
	if (pos == DS_LEX_ADJ || pos == DS_LEX_ADV)
		return ends(form, n, "st") ? DS_LEX_SUPERL : DS_LEX_COMPAR;
	if (ends(form, n, "ing"))
		return DS_LEX_ING;
	if (n == 2 && memcmp(form, "is", 2) == 0)
		return DS_LEX_3SG;
	if ((n == 2 && memcmp(form, "am", 2) == 0) || (n == 3 && memcmp(form, "are", 3) == 0))
		return DS_LEX_BASE;
	if (ends(form, n, "s") && bn >= 2 && n >= 2 && memcmp(form, base, 2) == 0 &&
	    !ends(base, bn, "s"))
		return DS_LEX_3SG;
	return DS_LEX_PAST;
}

/* Where the inflected word of a phrase is: [*b, *e). */
static void head_word(const char *s, size_t n, int pos, size_t *b, size_t *e)
{
	const char *sp;
	if (pos == DS_LEX_VERB) {
		sp = memchr(s, ' ', n);
		*b = 0;
		*e = sp ? (size_t)(sp - s) : n;
		return;
	}
	if (pos == DS_LEX_NOUN) {
		for (size_t i = 0; i + 4 <= n; i++)
			if (memcmp(s + i, " of ", 4) == 0) {
				size_t j = i;
				while (j > 0 && s[j - 1] != ' ')
					j--;
				*b = j;
				*e = i;
				return;
			}
	}
	size_t j = n;
	while (j > 0 && s[j - 1] != ' ')
		j--;
	*b = j;
	*e = n;
}

static int pos_bit_ok(int pos)
{
	return pos == DS_LEX_NOUN || pos == DS_LEX_VERB || pos == DS_LEX_ADJ || pos == DS_LEX_ADV;
}

int ds_lex_inflect(const struct ds_lex *lex, const char *lemma, size_t len, int pos,
		   int infl, unsigned variant, char *buf, size_t size)
{
	size_t b, e;
	char word[DS_LEX_MAX_PHRASE + 8];
	int wl = -1;
	if (len > DS_LEX_MAX_PHRASE || !pos_bit_ok(pos))
		return DS_EINVAL;
	head_word(lemma, len, pos, &b, &e);
	if (infl == DS_LEX_BASE) {
		if (variant)
			return 0;
		memcpy(word, lemma + b, e - b);
		wl = (int)(e - b);
	} else {
		unsigned seen = 0;
		int irregular = 0;
		if (lex && lex->h->nexc) {
			uint64_t mask = lex->h->xbase_cap - 1;
			uint64_t i = ds_hash64(lemma + b, e - b, lex->h->hash_seed) & mask;
			uint32_t v;
			while ((v = lex->xbase[i]) != 0) {
				const struct ds_lex_exc *x = &lex->exc[v - 1];
				const char *base = lex->pool + x->base_off;
				const char *form = lex->pool + x->form_off;
				if (x->base_len == e - b && memcmp(base, lemma + b, e - b) == 0 &&
				    x->pos == pos) {
					irregular = 1;
					if (exc_class(form, x->form_len, base, x->base_len, pos) == infl) {
						if (seen++ == variant) {
							memcpy(word, form, x->form_len);
							wl = x->form_len;
							break;
						}
					}
				}
				i = (i + 1) & mask;
			}
			/* Verbs with irregular forms have no regular form of the
			 * class listed there (told, not telled). */
			if (wl < 0 && seen)
				return 0;
			(void)irregular;
		}
		if (wl < 0) {
			if (variant)
				return 0;
			wl = regular(lemma + b, e - b, pos, infl, word, sizeof word);
			if (wl < 0)
				return DS_ETOOBIG;
		}
	}
	size_t total = b + (size_t)wl + (len - e);
	if (total + 1 > size)
		return DS_ETOOBIG;
	memmove(buf + b + wl, lemma + e, len - e);
	memcpy(buf, lemma, b);
	memcpy(buf + b, word, (size_t)wl);
	buf[total] = 0;
	return (int)total;
}

struct rule {
	const char *suf, *rep;
	uint8_t pos, infl;
};

static const struct rule rules[] = {
	{"s", "", DS_LEX_NOUN, DS_LEX_PLURAL},    {"ses", "s", DS_LEX_NOUN, DS_LEX_PLURAL},
	{"xes", "x", DS_LEX_NOUN, DS_LEX_PLURAL}, {"zes", "z", DS_LEX_NOUN, DS_LEX_PLURAL},
	{"ches", "ch", DS_LEX_NOUN, DS_LEX_PLURAL}, {"shes", "sh", DS_LEX_NOUN, DS_LEX_PLURAL},
	{"men", "man", DS_LEX_NOUN, DS_LEX_PLURAL}, {"ies", "y", DS_LEX_NOUN, DS_LEX_PLURAL},
	{"s", "", DS_LEX_VERB, DS_LEX_3SG},       {"ies", "y", DS_LEX_VERB, DS_LEX_3SG},
	{"es", "e", DS_LEX_VERB, DS_LEX_3SG},     {"es", "", DS_LEX_VERB, DS_LEX_3SG},
	{"ed", "e", DS_LEX_VERB, DS_LEX_PAST},    {"ed", "", DS_LEX_VERB, DS_LEX_PAST},
	{"ied", "y", DS_LEX_VERB, DS_LEX_PAST},   {"ing", "e", DS_LEX_VERB, DS_LEX_ING},
	{"ing", "", DS_LEX_VERB, DS_LEX_ING},     {"ying", "ie", DS_LEX_VERB, DS_LEX_ING},
	{"er", "", DS_LEX_ADJ, DS_LEX_COMPAR},    {"er", "e", DS_LEX_ADJ, DS_LEX_COMPAR},
	{"ier", "y", DS_LEX_ADJ, DS_LEX_COMPAR},  {"est", "", DS_LEX_ADJ, DS_LEX_SUPERL},
	{"est", "e", DS_LEX_ADJ, DS_LEX_SUPERL},  {"iest", "y", DS_LEX_ADJ, DS_LEX_SUPERL},
};

static int add_form(const struct ds_lex *lex, const char *s, size_t n, int pos, int infl,
		    int need_known, struct ds_lex_form *out, size_t *k, size_t max)
{
	if (*k >= max || n > DS_LEX_MAX_PHRASE)
		return 0;
	if (need_known) {
		int64_t id = find_phrase(lex, s, n);
		if (id < 0 || (lex->ph[id].pos && !(lex->ph[id].pos & pos)))
			return 0;
	}
	for (size_t i = 0; i < *k; i++)
		if (out[i].pos == pos && out[i].infl == infl && strlen(out[i].lemma) == n &&
		    memcmp(out[i].lemma, s, n) == 0)
			return 0;
	memcpy(out[*k].lemma, s, n);
	out[*k].lemma[n] = 0;
	out[*k].pos = (uint8_t)pos;
	out[*k].infl = (uint8_t)infl;
	(*k)++;
	return 1;
}

size_t ds_lex_analyse(const struct ds_lex *lex, const char *phrase, size_t len,
		      struct ds_lex_form *out, size_t max)
{
	size_t k = 0;
	char t[DS_LEX_MAX_PHRASE + 8];
	int64_t self;
	if (len > DS_LEX_MAX_PHRASE || len == 0)
		return 0;
	self = find_phrase(lex, phrase, len);
	if (self >= 0) {
		int pm = lex->ph[self].pos;
		for (int p = 1; p <= DS_LEX_ADV; p <<= 1)
			if (pm & p)
				add_form(lex, phrase, len, p, DS_LEX_BASE, 0, out, &k, max);
		if (!pm)
			add_form(lex, phrase, len, DS_LEX_NOUN, DS_LEX_BASE, 0, out, &k, max);
	}
	for (int pos = 1; pos <= DS_LEX_ADV; pos <<= 1) {
		size_t b, e;
		head_word(phrase, len, pos, &b, &e);
		const char *w = phrase + b;
		size_t wn = e - b;
		/* irregular forms */
		if (lex->h->nexc) {
			uint64_t mask = lex->h->xform_cap - 1;
			uint64_t i = ds_hash64(w, wn, lex->h->hash_seed) & mask;
			uint32_t v;
			while ((v = lex->xform[i]) != 0) {
				const struct ds_lex_exc *x = &lex->exc[v - 1];
				if (x->form_len == wn && x->pos == pos &&
				    memcmp(lex->pool + x->form_off, w, wn) == 0) {
					size_t bl = x->base_len;
					size_t tl = b + bl + (len - e);
					if (tl <= DS_LEX_MAX_PHRASE) {
						memcpy(t, phrase, b);
						memcpy(t + b, lex->pool + x->base_off, bl);
						memcpy(t + b + bl, phrase + e, len - e);
						add_form(lex, t, tl, pos,
							 exc_class(w, wn, lex->pool + x->base_off, bl, pos),
							 1, out, &k, max);
					}
				}
				i = (i + 1) & mask;
			}
		}
		/* regular rules */
		for (size_t r = 0; r < DS_ARRAY_LEN(rules); r++) {
			const struct rule *ru = &rules[r];
			size_t sl, rl;
			if (ru->pos != pos)
				continue;
			sl = strlen(ru->suf);
			rl = strlen(ru->rep);
			if (wn <= sl + 1 || !ends(w, wn, ru->suf))
				continue;
			size_t stem = wn - sl;
			size_t tl = b + stem + rl + (len - e);
			if (tl > DS_LEX_MAX_PHRASE)
				continue;
			memcpy(t, phrase, b);
			memcpy(t + b, w, stem);
			memcpy(t + b + stem, ru->rep, rl);
			memcpy(t + b + stem + rl, phrase + e, len - e);
			add_form(lex, t, tl, pos, ru->infl, 1, out, &k, max);
			/* doubled consonant: "stopped" -> "stop" */
			if (rl == 0 && stem >= 3 && w[stem - 1] == w[stem - 2] && is_cons(w[stem - 1]) &&
			    ru->infl != DS_LEX_PLURAL && ru->infl != DS_LEX_3SG) {
				memmove(t + b + stem - 1, t + b + stem, len - e);
				add_form(lex, t, tl - 1, pos, ru->infl, 1, out, &k, max);
			}
		}
	}
	return k;
}

/* ---- inflected lookups ------------------------------------------------------------ */

/* Stem key of a phrase: the Snowball stem of each word, joined by spaces. */
static int stem_key(struct ds_stemmer *st, const char *s, size_t n, char *buf, size_t size)
{
	size_t k = 0, i = 0;
	while (i < n) {
		size_t j = i, sl;
		while (j < n && s[j] != ' ')
			j++;
		const char *stem = ds_stem(st, s + i, j - i, &sl);
		if (!stem)
			return -1;
		if (k + sl + 2 > size)
			return -1;
		if (k)
			buf[k++] = ' ';
		memcpy(buf + k, stem, sl);
		k += sl;
		i = j + 1;
	}
	buf[k] = 0;
	return (int)k;
}

int ds_lex_stem_key(struct ds_stemmer *st, const char *s, size_t n, char *buf, size_t size)
{
	return stem_key(st, s, n, buf, size);
}

#define POOL_HITS 256
#define SEEN_SLOTS 512 /* power of two, > POOL_HITS / 0.7 */
_Static_assert(DS_HMAP_FIXED_OK(SEEN_SLOTS), "SEEN_SLOTS: a power of two, at least 2");

/* A set of hit texts (their 64-bit hashes), to keep one hit per text
 * without comparing every pair.  Returns 1 when s was in the set already. */
static inline int seen_add(struct ds_hmap *seen, const char *s, size_t len)
{
	int is_new = 1;
	ds_hmap_put(seen, ds_hash64(s, len, 0x5eed), 0, NULL, NULL, &is_new);
	return !is_new;
}

/* Does hit a come before hit b: a higher weight, or the same and a closer match? */
static inline int hit_before(const struct ds_lex_hit *a, const struct ds_lex_hit *b)
{
	return a->weight > b->weight || (a->weight == b->weight && a->match < b->match);
}

/* The order of hit_before, then of i, as one integer, smallest first: the
 * weight's bits made to sort as unsigned integers (highest weight first),
 * the match, then i.  0 for a weight that is not a number, which
 * hit_before does not order. */
static inline uint64_t hit_key(const struct ds_lex_hit *h, size_t i)
{
	float w = h->weight == 0 ? 0.0f : h->weight; /* -0 sorts as 0 */
	uint32_t u;
	if (w != w)
		return 0;
	memcpy(&u, &w, sizeof u);
	u = (u & 0x80000000u) ? ~u : u | 0x80000000u; /* ascending as unsigned */
	return (uint64_t)~u << 32 | (uint64_t)h->match << 16 | i;
}

/* Sorts the n hits of out (n <= POOL_HITS) into ix: best first by
 * hit_before, in their order among equals (a stable sort). */
static void hits_order(const struct ds_lex_hit *out, size_t n, uint16_t *ix)
{
	uint64_t k[2][POOL_HITS], *a = k[0], *b = k[1];
	for (size_t i = 0; i < n; i++)
		if (!(a[i] = hit_key(&out[i], i)))
			goto any_weight;
	/* a merge sort of unique keys, bottom up, between two arrays */
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t p = lo, q = mid, o = lo;
			while (p < mid && q < hi)
				b[o++] = a[q] < a[p] ? a[q++] : a[p++];
			while (p < mid)
				b[o++] = a[p++];
			while (q < hi)
				b[o++] = a[q++];
		}
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++)
		ix[i] = (uint16_t)(a[i] & 0xffff);
	return;
any_weight: {
	/* the same merge sort on hit_before itself */
	uint16_t merged[POOL_HITS];
	for (size_t i = 0; i < n; i++)
		ix[i] = (uint16_t)i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo + w < n; lo += 2 * w) {
			size_t mid = lo + w, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t p = lo, q = mid, o = lo;
			while (p < mid && q < hi)
				merged[o++] = hit_before(&out[ix[q]], &out[ix[p]]) ? ix[q++] : ix[p++];
			while (p < mid)
				merged[o++] = ix[p++];
			while (q < hi)
				merged[o++] = ix[q++];
			memcpy(ix + lo, merged + lo, (hi - lo) * sizeof *ix);
		}
	}
}
}

static size_t inflected(const struct ds_lex *lex, struct ds_stemmer *st, const char *phrase,
			size_t len, struct ds_lex_hit *res, size_t want, char *buf,
			size_t bufsize, int want_orig)
{
	/* Gathers up to POOL_HITS candidates, then keeps the best want. */
	struct ds_lex_hit out[POOL_HITS];
	size_t max = POOL_HITS;
	size_t n = want_orig ? ds_lex_originals(lex, phrase, len, out, max)
			     : ds_lex_substitutes(lex, phrase, len, out, max);
	struct ds_lex_form forms[16];
	size_t nf = ds_lex_analyse(lex, phrase, len, forms, DS_ARRAY_LEN(forms));
	size_t used = 0;
	char tmp[DS_LEX_MAX_PHRASE + 32];
	uint64_t seen_key[SEEN_SLOTS];
	uint32_t seen_val[SEEN_SLOTS];
	struct ds_hmap seen;

	ds_hmap_init_fixed(&seen, seen_key, seen_val, SEEN_SLOTS);
	for (size_t i = 0; i < n; i++)
		seen_add(&seen, out[i].text, out[i].len);
	for (size_t f = 0; f < nf && n < max; f++) {
		const struct ds_lex_form *fm = &forms[f];
		size_t ll = strlen(fm->lemma);
		if (ll == len && memcmp(fm->lemma, phrase, len) == 0)
			continue;
		int64_t id = find_phrase(lex, fm->lemma, ll);
		if (id < 0)
			continue;
		uint32_t a = want_orig ? lex->ph[id].rev : lex->ph[id].fwd;
		uint32_t z = want_orig ? lex->ph[id + 1].rev : lex->ph[id + 1].fwd;
		for (uint32_t r = a; r < z && n < max; r++) {
			struct pair pv;
			pair_at(lex, want_orig, r, &pv);
			if (pv.pos && !(pv.pos & fm->pos))
				continue;
			for (unsigned v = 0; n < max; v++) {
				int tl = ds_lex_inflect(lex, pv.text, pv.len, fm->pos,
							fm->infl, v, tmp, sizeof tmp);
				if (tl <= 0)
					break;
				if (used + (size_t)tl + 1 > bufsize)
					break;
				if (seen_add(&seen, tmp, (size_t)tl))
					continue;
				memcpy(buf + used, tmp, (size_t)tl + 1);
				set_hit(&out[n], &pv, DS_LEX_MATCH_LEMMA, LEMMA_FACTOR);
				out[n].text = buf + used;
				out[n].len = (uint32_t)tl;
				n++;
				used += (size_t)tl + 1;
			}
		}
	}
	if (st && n < max) {
		char key[DS_LEX_MAX_PHRASE * 2 + 8];
		int kl = stem_key(st, phrase, len, key, sizeof key);
		int64_t sid = kl > 0 ? find_stem(lex, key, (size_t)kl) : -1;
		if (sid >= 0) {
			for (uint32_t m = lex->stem[sid].begin; m < lex->stem[sid + 1].begin && n < max; m++) {
				uint32_t id = lex->member[m];
				uint32_t a = want_orig ? lex->ph[id].rev : lex->ph[id].fwd;
				uint32_t z = want_orig ? lex->ph[id + 1].rev : lex->ph[id + 1].fwd;
				for (uint32_t r = a; r < z && n < max; r++) {
					struct pair pv;
					pair_at(lex, want_orig, r, &pv);
					if (seen_add(&seen, pv.text, pv.len))
						continue;
					set_hit(&out[n++], &pv, DS_LEX_MATCH_STEM, STEM_FACTOR);
				}
			}
		}
	}
	/* Best weight first, the closer match first among equals, in a stable
	 * order, then the first want. */
	{
		uint16_t ix[POOL_HITS];
		hits_order(out, n, ix);
		if (n > want)
			n = want;
		for (size_t i = 0; i < n; i++)
			res[i] = out[ix[i]];
	}
	return n;
}

size_t ds_lex_originals_inflected(const struct ds_lex *lex, struct ds_stemmer *st,
				  const char *phrase, size_t len, struct ds_lex_hit *out,
				  size_t max, char *buf, size_t bufsize)
{
	return inflected(lex, st, phrase, len, out, max, buf, bufsize, 1);
}

size_t ds_lex_substitutes_inflected(const struct ds_lex *lex, struct ds_stemmer *st,
				    const char *phrase, size_t len, struct ds_lex_hit *out,
				    size_t max, char *buf, size_t bufsize)
{
	return inflected(lex, st, phrase, len, out, max, buf, bufsize, 0);
}

/* ---- relation -------------------------------------------------------------------- */

static const struct ds_lex_edge *find_edge(const struct ds_lex *lex, int64_t o, int64_t s)
{
	if (o < 0 || s < 0)
		return NULL;
	for (uint32_t r = lex->ph[o].fwd; r < lex->ph[o + 1].fwd; r++)
		if (lex->edge[r].subst == (uint32_t)s)
			return &lex->edge[r];
	return NULL;
}

static void rel_take(struct ds_lex_rel *r, const struct ds_lex_edge *fw,
		     const struct ds_lex_edge *bw, float factor, int match)
{
	if (fw && fw->weight * factor > r->forward) {
		r->forward = fw->weight * factor;
		r->sources = fw->sources;
		r->match = (uint8_t)match;
	}
	if (bw && bw->weight * factor > r->backward) {
		r->backward = bw->weight * factor;
		if (!r->forward) {
			r->sources = bw->sources;
			r->match = (uint8_t)match;
		}
	}
}

/* Edges between any phrases of two stem groups. */
static void stem_pairs(const struct ds_lex *lex, int64_t go, int64_t gs, struct ds_lex_rel *r)
{
	for (uint32_t m = lex->stem[go].begin; m < lex->stem[go + 1].begin; m++) {
		uint32_t id = lex->member[m];
		for (uint32_t e = lex->ph[id].fwd; e < lex->ph[id + 1].fwd; e++)
			if (lex->ph[lex->edge[e].subst].stem == (uint32_t)gs)
				rel_take(r, &lex->edge[e], NULL, STEM_FACTOR, DS_LEX_MATCH_STEM);
		for (uint32_t e = lex->ph[id].rev; e < lex->ph[id + 1].rev; e++) {
			const struct ds_lex_redge *re = &lex->redge[e];
			if (lex->ph[re->orig].stem == (uint32_t)gs) {
				struct ds_lex_edge ed = {re->orig, (uint32_t)id, re->weight, re->sources,
							 re->senses, re->pos};
				rel_take(r, NULL, &ed, STEM_FACTOR, DS_LEX_MATCH_STEM);
			}
		}
	}
}

/* Phrases of as many words, related word by word where they differ
 * ("losing ground" -> "shedding floor"): the weakest link counts. */
static void word_by_word(const struct ds_lex *lex, struct ds_stemmer *st, const char *a,
			 size_t al, const char *b, size_t bl, struct ds_lex_rel *r)
{
	char wa[DS_LEX_MAX_WORDS][DS_LEX_MAX_PHRASE + 1], wb[DS_LEX_MAX_WORDS][DS_LEX_MAX_PHRASE + 1];
	size_t na = 0, nb = 0, i = 0;
	if (al > DS_LEX_MAX_PHRASE || bl > DS_LEX_MAX_PHRASE)
		return;
	for (i = 0; i < al && na < DS_LEX_MAX_WORDS + 1;) {
		size_t j = i;
		while (j < al && a[j] != ' ')
			j++;
		if (na == DS_LEX_MAX_WORDS)
			return;
		memcpy(wa[na], a + i, j - i);
		wa[na++][j - i] = 0;
		i = j + 1;
	}
	for (i = 0; i < bl;) {
		size_t j = i;
		while (j < bl && b[j] != ' ')
			j++;
		if (nb == DS_LEX_MAX_WORDS)
			return;
		memcpy(wb[nb], b + i, j - i);
		wb[nb++][j - i] = 0;
		i = j + 1;
	}
	if (na < 2 || na != nb)
		return;
	float fw = 1, bw = 1;
	int differ = 0, match = DS_LEX_MATCH_SURFACE;
	uint16_t sources = 0;
	for (i = 0; i < na; i++) {
		if (strcmp(wa[i], wb[i]) == 0)
			continue;
		struct ds_lex_rel w;
		ds_lex_relation(lex, st, wa[i], wb[i], &w);
		if (!w.forward && !w.backward)
			return;
		differ++;
		fw = w.forward < fw ? w.forward : fw;
		bw = w.backward < bw ? w.backward : bw;
		sources |= w.sources;
		if (w.match > match)
			match = w.match;
	}
	if (!differ)
		return;
	r->forward = fw * LEMMA_FACTOR;
	r->backward = bw * LEMMA_FACTOR;
	r->sources = sources;
	r->match = (uint8_t)match;
}

float ds_lex_relation(const struct ds_lex *lex, struct ds_stemmer *st, const char *orig,
		      const char *subst, struct ds_lex_rel *rel)
{
	struct ds_lex_rel r = {0, 0, 0, 0};
	size_t ol = strlen(orig), sl = strlen(subst);
	int64_t o = find_phrase(lex, orig, ol), s = find_phrase(lex, subst, sl);

	rel_take(&r, find_edge(lex, o, s), find_edge(lex, s, o), 1.0f, DS_LEX_MATCH_SURFACE);
	if (!r.forward) {
		struct ds_lex_form fo[16], fs[16];
		size_t no = ds_lex_analyse(lex, orig, ol, fo, DS_ARRAY_LEN(fo));
		size_t ns = ds_lex_analyse(lex, subst, sl, fs, DS_ARRAY_LEN(fs));
		for (size_t i = 0; i < no; i++)
			for (size_t j = 0; j < ns; j++) {
				if (fo[i].pos != fs[j].pos || fo[i].infl != fs[j].infl)
					continue;
				int64_t a = find_phrase(lex, fo[i].lemma, strlen(fo[i].lemma));
				int64_t b = find_phrase(lex, fs[j].lemma, strlen(fs[j].lemma));
				const struct ds_lex_edge *f = find_edge(lex, a, b);
				const struct ds_lex_edge *g = find_edge(lex, b, a);
				if (f && f->pos && !(f->pos & fo[i].pos))
					f = NULL;
				if (g && g->pos && !(g->pos & fo[i].pos))
					g = NULL;
				rel_take(&r, f, g, LEMMA_FACTOR, DS_LEX_MATCH_LEMMA);
			}
	}
	if (!r.forward && st) {
		char ko[DS_LEX_MAX_PHRASE * 2 + 8], ks[DS_LEX_MAX_PHRASE * 2 + 8];
		int kol = stem_key(st, orig, ol, ko, sizeof ko);
		int ksl = stem_key(st, subst, sl, ks, sizeof ks);
		int64_t go = kol > 0 ? find_stem(lex, ko, (size_t)kol) : -1;
		int64_t gs = ksl > 0 ? find_stem(lex, ks, (size_t)ksl) : -1;
		if (go >= 0 && gs >= 0 && go != gs)
			stem_pairs(lex, go, gs, &r);
	}
	if (!r.forward && !r.backward)
		word_by_word(lex, st, orig, ol, subst, sl, &r);
	if (rel)
		*rel = r;
	return r.forward;
}

/* ---- sources -------------------------------------------------------------------- */

static const char *const src_names[] = {"wordnet", "wn-rel", "mythes", "mythes-rel",
					"dist", "number", "observed", "inflected"};

const char *ds_lex_sources_str(unsigned sources, char *buf, size_t size)
{
	size_t k = 0;
	if (size)
		buf[0] = 0;
	for (unsigned i = 0; i < DS_ARRAY_LEN(src_names); i++) {
		if (!(sources & (1u << i)))
			continue;
		size_t l = strlen(src_names[i]);
		if (k + l + 2 > size)
			break;
		if (k)
			buf[k++] = ',';
		memcpy(buf + k, src_names[i], l + 1);
		k += l;
	}
	return buf;
}

int ds_lex_sources_parse(const char *s, size_t len)
{
	int bits = 0;
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != ',')
			j++;
		unsigned k;
		for (k = 0; k < DS_ARRAY_LEN(src_names); k++)
			if (strlen(src_names[k]) == j - i && memcmp(src_names[k], s + i, j - i) == 0)
				break;
		if (k == DS_ARRAY_LEN(src_names)) {
			if (!(j - i == 1 && s[i] == '-'))
				return -1;
		} else {
			bits |= 1 << k;
		}
		i = j + 1;
	}
	return bits;
}
