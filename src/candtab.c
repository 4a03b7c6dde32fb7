/* candtab.c - the precomputed candidate table (see candtab.h). */
#include "candtab.h"

#include <stdlib.h>
#include <string.h>

#include "binfmt.h"

#define HASH_SEED 0x63616e6473ULL /* "cands" */
#define HDR_BYTES 40

struct tab_phrase {
	uint32_t off;   /* text in pool */
	uint32_t len;
	uint32_t freq;
	uint32_t first; /* candidates first .. first + n */
	uint16_t n;
	uint8_t known;
	uint8_t pad;
};

struct tab_word {
	uint32_t off, len;
	uint32_t ids[DS_CANDTAB_MAX_IDS];
	uint32_t ni;
};

struct tab_cand {
	uint32_t word;
	float weight;
	uint16_t sources;
	uint8_t related;
	uint8_t pad;
};

struct ds_candtab {
	struct ds_map map;
	struct ds_candtab_id id;
	uint32_t nphrase, cap, nword, ncand;
	uint64_t pool_len;
	const uint32_t *slot;
	const struct tab_phrase *ph;
	const struct tab_word *word;
	const struct tab_cand *cand;
	const char *pool;
};

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

struct ds_candtab *ds_candtab_load(const char *path, struct ds_err *err)
{
	struct ds_candtab *t = calloc(1, sizeof *t);
	const unsigned char *p;
	const void *payload;
	size_t len, at;
	if (!t) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (ds_bin_open(&t->map, path, DS_CANDTAB_KIND, DS_CANDTAB_VERSION, DS_BIN_REBUILD,
			&payload, &len, err)) {
		free(t);
		return NULL;
	}
	p = payload;
	if (len < HDR_BYTES)
		goto bad;
	t->id.lm = get32(p);
	t->id.lex = get32(p + 4);
	t->id.vec = get32(p + 8);
	t->id.algo = get32(p + 12);
	t->nphrase = get32(p + 16);
	t->cap = get32(p + 20);
	t->nword = get32(p + 24);
	t->ncand = get32(p + 28);
	memcpy(&t->pool_len, p + 32, 8);
	/* the slots: a power of two, more than the phrases (one empty at least) */
	if (!t->cap || (t->cap & (t->cap - 1)) || t->cap <= t->nphrase || !t->pool_len ||
	    t->pool_len > len)
		goto bad;
	at = HDR_BYTES;
	t->slot = (const uint32_t *)(p + at);
	at = pad8(at + (size_t)t->cap * 4);
	t->ph = (const struct tab_phrase *)(p + at);
	at = pad8(at + (size_t)t->nphrase * sizeof *t->ph);
	t->word = (const struct tab_word *)(p + at);
	at = pad8(at + (size_t)t->nword * sizeof *t->word);
	t->cand = (const struct tab_cand *)(p + at);
	at = pad8(at + (size_t)t->ncand * sizeof *t->cand);
	t->pool = (const char *)(p + at);
	if (at > len || len - at != pad8(t->pool_len) || t->pool[t->pool_len - 1] != 0)
		goto bad;
	return t;
bad:
	ds_err_set(err, DS_ECORRUPT, "%s: malformed candidate table; rebuild it (" DS_BIN_REBUILD ")",
		   path);
	ds_candtab_free(t);
	return NULL;
}

void ds_candtab_free(struct ds_candtab *t)
{
	if (!t)
		return;
	ds_map_close(&t->map);
	free(t);
}

void ds_candtab_get_id(const struct ds_candtab *t, struct ds_candtab_id *out)
{
	*out = t->id;
}

int ds_candtab_matches(const struct ds_candtab *t, const struct ds_candtab_id *want)
{
	return t && want->lm && want->lex && t->id.lm == want->lm && t->id.lex == want->lex &&
	       t->id.vec == want->vec && t->id.algo == want->algo;
}

size_t ds_candtab_phrases(const struct ds_candtab *t)
{
	return t->nphrase;
}

/* Text [off, off + len) of the pool, or NULL when out of it. */
static const char *pool_text(const struct ds_candtab *t, uint32_t off, uint32_t len)
{
	if ((uint64_t)off + len >= t->pool_len)
		return NULL;
	return t->pool + off;
}

int ds_candtab_find(const struct ds_candtab *t, const char *p, size_t len,
		    struct ds_candtab_ent *e)
{
	uint32_t mask = t->cap - 1, i = (uint32_t)ds_hash64(p, len, HASH_SEED) & mask;
	for (uint32_t probes = 0; probes < t->cap; probes++, i = (i + 1) & mask) {
		uint32_t s = t->slot[i];
		const struct tab_phrase *ph;
		const char *txt;
		if (s == 0)
			return -1;
		if (s > t->nphrase)
			return -1;
		ph = &t->ph[s - 1];
		if (ph->len != len || !(txt = pool_text(t, ph->off, ph->len)) ||
		    memcmp(txt, p, len) != 0)
			continue;
		if ((uint64_t)ph->first + ph->n > t->ncand)
			return -1;
		e->known = ph->known != 0;
		e->freq = ph->freq;
		e->n = ph->n;
		e->first = ph->first;
		return 0;
	}
	return -1;
}

int ds_candtab_cand(const struct ds_candtab *t, const struct ds_candtab_ent *e, uint32_t i,
		    struct ds_candtab_cand *out)
{
	const struct tab_cand *c;
	const struct tab_word *w;
	if (i >= e->n || (uint64_t)e->first + i >= t->ncand)
		return -1;
	c = &t->cand[e->first + i];
	if (c->word >= t->nword)
		return -1;
	w = &t->word[c->word];
	if (w->ni > DS_CANDTAB_MAX_IDS || !(out->text = pool_text(t, w->off, w->len)) ||
	    out->text[w->len] != 0 || memchr(out->text, 0, w->len))
		return -1;
	/* a weight is a lexicon weight or a share of one */
	if (!(c->weight >= 0 && c->weight <= 1))
		return -1;
	out->len = w->len;
	memcpy(out->ids, w->ids, sizeof out->ids);
	out->ni = (uint8_t)w->ni;
	out->related = c->related != 0;
	out->sources = c->sources;
	out->weight = c->weight;
	return 0;
}

/* ---- building ---- */

struct ds_candtab_builder {
	struct ds_candtab_id id;
	struct ds_strtab texts;   /* phrases and candidate texts */
	struct ds_hmap phrase_of; /* text id -> index in ph */
	struct ds_hmap word_of;   /* text id -> index in word */
	struct tab_phrase *ph;
	size_t nph, ph_cap;
	struct tab_word *word;
	size_t nword, word_cap;
	struct tab_cand *cand;
	size_t ncand, cand_cap;
};

struct ds_candtab_builder *ds_candtab_builder_new(const struct ds_candtab_id *id)
{
	struct ds_candtab_builder *b = calloc(1, sizeof *b);
	if (b)
		b->id = *id;
	return b;
}

void ds_candtab_builder_free(struct ds_candtab_builder *b)
{
	if (!b)
		return;
	ds_strtab_free(&b->texts);
	ds_hmap_free(&b->phrase_of);
	ds_hmap_free(&b->word_of);
	free(b->ph);
	free(b->word);
	free(b->cand);
	free(b);
}

int ds_candtab_builder_add(struct ds_candtab_builder *b, const char *p, size_t len, int known,
			   uint32_t freq, const struct ds_candtab_cand *c, size_t n)
{
	int64_t tid;
	int is_new;
	/* everything that can be refused is checked, and every array grown,
	 * before the phrase is entered: a failed add leaves the builder as it
	 * was but for texts and word records no phrase uses */
	if (n > UINT16_MAX || b->ncand + n > UINT32_MAX / 2)
		return DS_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (c[i].ni > DS_CANDTAB_MAX_IDS)
			return DS_EINVAL;
	if ((tid = ds_strtab_intern(&b->texts, p, len)) < 0)
		return (int)tid;
	if (ds_hmap_find(&b->phrase_of, (uint64_t)tid, NULL, NULL))
		return 0;
	if (ds_grow(&b->ph, &b->ph_cap, b->nph + 1, sizeof *b->ph) ||
	    ds_grow(&b->cand, &b->cand_cap, b->ncand + n, sizeof *b->cand))
		return DS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int64_t wt;
		uint32_t *wi;
		int wnew;
		if ((wt = ds_strtab_intern(&b->texts, c[i].text, c[i].len)) < 0)
			return (int)wt;
		/* one word record per text: a text has the same ids throughout;
		 * room for it first, so that no entry names a missing record */
		if (ds_grow(&b->word, &b->word_cap, b->nword + 1, sizeof *b->word) ||
		    !(wi = ds_hmap_put(&b->word_of, (uint64_t)wt, (uint32_t)b->nword, NULL, NULL,
				       &wnew)))
			return DS_ENOMEM;
		if (wnew) {
			struct tab_word *w = &b->word[b->nword++];
			memset(w, 0, sizeof *w);
			w->off = (uint32_t)wt; /* a text id until written */
			w->len = c[i].len;
			memcpy(w->ids, c[i].ids, sizeof w->ids);
			w->ni = c[i].ni;
		}
		memset(&b->cand[b->ncand + i], 0, sizeof *b->cand);
		b->cand[b->ncand + i].word = *wi;
		b->cand[b->ncand + i].weight = c[i].weight;
		b->cand[b->ncand + i].sources = c[i].sources;
		b->cand[b->ncand + i].related = c[i].related;
	}
	if (!ds_hmap_put(&b->phrase_of, (uint64_t)tid, (uint32_t)b->nph, NULL, NULL, &is_new))
		return DS_ENOMEM;
	memset(&b->ph[b->nph], 0, sizeof *b->ph);
	b->ph[b->nph].off = (uint32_t)tid; /* a text id until written */
	b->ph[b->nph].len = (uint32_t)len;
	b->ph[b->nph].freq = freq;
	b->ph[b->nph].first = (uint32_t)b->ncand;
	b->ph[b->nph].n = (uint16_t)n;
	b->ph[b->nph].known = known != 0;
	b->ncand += n;
	b->nph++;
	return 0;
}

size_t ds_candtab_builder_count(const struct ds_candtab_builder *b)
{
	return b->nph;
}

int ds_candtab_builder_write(struct ds_candtab_builder *b, const char *path, struct ds_err *err)
{
	uint32_t cap = 16, mask;
	size_t at, total;
	unsigned char *out;
	uint32_t *slot;
	uint64_t pool_len = b->texts.plen ? b->texts.plen : 1;
	int rc;
	if (b->nph >= UINT32_MAX / 4 || pool_len >= UINT32_MAX)
		return ds_err_set(err, DS_ETOOBIG, "%s: too many phrases for a candidate table", path);
	while (cap < 2 * b->nph + 1)
		cap <<= 1;
	mask = cap - 1;
	total = pad8(HDR_BYTES + (size_t)cap * 4) + pad8(b->nph * sizeof *b->ph) +
		pad8(b->nword * sizeof *b->word) + pad8(b->ncand * sizeof *b->cand) +
		pad8((size_t)pool_len);
	if (!(out = calloc(1, total)))
		return ds_err_set(err, DS_ENOMEM, "out of memory writing %s", path);
	memcpy(out, &b->id.lm, 4);
	memcpy(out + 4, &b->id.lex, 4);
	memcpy(out + 8, &b->id.vec, 4);
	memcpy(out + 12, &b->id.algo, 4);
	{
		uint32_t v[4] = {(uint32_t)b->nph, cap, (uint32_t)b->nword, (uint32_t)b->ncand};
		memcpy(out + 16, v, sizeof v);
	}
	memcpy(out + 32, &pool_len, 8);
	at = HDR_BYTES;
	slot = (uint32_t *)(out + at);
	at = pad8(at + (size_t)cap * 4);
	for (size_t i = 0; i < b->nph; i++) {
		struct tab_phrase ph = b->ph[i];
		const char *txt = ds_strtab_str(&b->texts, ph.off);
		uint32_t h = (uint32_t)ds_hash64(txt, ph.len, HASH_SEED) & mask;
		while (slot[h])
			h = (h + 1) & mask;
		slot[h] = (uint32_t)i + 1;
		ph.off = b->texts.off[ph.off];
		memcpy(out + at + i * sizeof ph, &ph, sizeof ph);
	}
	at = pad8(at + b->nph * sizeof *b->ph);
	for (size_t i = 0; i < b->nword; i++) {
		struct tab_word w = b->word[i];
		w.off = b->texts.off[w.off];
		memcpy(out + at + i * sizeof w, &w, sizeof w);
	}
	at = pad8(at + b->nword * sizeof *b->word);
	if (b->ncand)
		memcpy(out + at, b->cand, b->ncand * sizeof *b->cand);
	at = pad8(at + b->ncand * sizeof *b->cand);
	if (b->texts.plen)
		memcpy(out + at, b->texts.pool, b->texts.plen);
	rc = ds_bin_write(path, DS_CANDTAB_KIND, DS_CANDTAB_VERSION, out, total, err);
	free(out);
	return rc;
}
