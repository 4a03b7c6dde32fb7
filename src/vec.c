/* vec.c - word vectors: loading and lookups (see vec.h). */
#include "vec.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"

struct ds_vec {
	struct ds_map map;
	uint32_t n, dim;
	const uint32_t *off;
	const float *v;
	const char *blob;
	uint32_t blob_len;
	const uint32_t *slot;      /* the word hash, in the file */
	uint32_t mask;
	uint64_t serial;           /* unique among the loads of this process */
};

static atomic_uint_fast64_t loads;

static const uint64_t WORD_SEED = 0x766563776f7264ULL;

uint32_t ds_vec_slots_cap(uint32_t n)
{
	uint32_t cap = 16;
	if (n > UINT32_MAX / 4) /* more words than a table of 2^31 slots can hold */
		return 0;
	while (cap < 2 * (uint64_t)n)
		cap *= 2;
	return cap;
}

void ds_vec_fill_slots(const uint32_t *off, const char *blob, uint32_t n, uint32_t *slot,
		       uint32_t cap)
{
	memset(slot, 0, (size_t)cap * sizeof *slot);
	for (uint32_t i = 0; i < n; i++) {
		const char *w = blob + off[i];
		uint64_t j = ds_hash64(w, strlen(w), WORD_SEED) & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = i + 1;
	}
}

struct ds_vec *ds_vec_load(const char *path, struct ds_err *err)
{
	struct ds_vec *v = calloc(1, sizeof *v);
	const unsigned char *p;
	const void *payload;
	size_t len, offlen, slot_at;
	uint32_t hdr[4];
	if (!v) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	v->serial = atomic_fetch_add(&loads, 1) + 1;
	if (ds_bin_open(&v->map, path, DS_VEC_KIND, DS_VEC_VERSION, DS_BIN_REBUILD, &payload, &len,
			err)) {
		free(v);
		return NULL;
	}
	p = payload;
	if (len < 16)
		goto bad;
	memcpy(hdr, p, 16);
	v->n = hdr[0];
	v->dim = hdr[1];
	v->blob_len = hdr[2];
	offlen = ((size_t)v->n * 4 + 7) & ~(size_t)7;
	slot_at = (16 + offlen + (size_t)v->n * v->dim * 4 + v->blob_len + 3) & ~(size_t)3;
	if (!v->n || !v->dim || v->dim > DS_VEC_MAX_DIM || !v->blob_len || !hdr[3] ||
	    hdr[3] != ds_vec_slots_cap(v->n) || len != slot_at + (size_t)hdr[3] * 4)
		goto bad;
	v->off = (const uint32_t *)(p + 16);
	v->v = (const float *)(p + 16 + offlen);
	v->blob = (const char *)(p + 16 + offlen + (size_t)v->n * v->dim * 4);
	v->slot = (const uint32_t *)(p + slot_at);
	v->mask = hdr[3] - 1;
	if (v->blob[v->blob_len - 1] != 0)
		goto bad;
	/* every offset, the order of the words and the hash were checked by
	 * 'despin check-models' for a stamped file (binfmt.h): its pages stay
	 * unread */
	if (ds_bin_stamp_ok(path, v->map.data))
		return v;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->off[i] >= v->blob_len ||
		    (i && strcmp(v->blob + v->off[i - 1], v->blob + v->off[i]) >= 0))
			goto bad;
	for (size_t k = 0; k < (size_t)v->n * v->dim; k++) /* unit vectors: within [-1, 1] */
		if (!(v->v[k] >= -1.0001f && v->v[k] <= 1.0001f))
			goto bad;
	/* the word hash is the one the builder makes of these words (every
	 * word found, no probe sequence longer than theirs) */
	{
		uint32_t *slot = calloc(hdr[3], sizeof *slot);
		int same;
		if (!slot) {
			ds_err_set(err, DS_ENOMEM, "out of memory");
			ds_vec_free(v);
			return NULL;
		}
		ds_vec_fill_slots(v->off, v->blob, v->n, slot, hdr[3]);
		same = memcmp(slot, v->slot, (size_t)hdr[3] * sizeof *slot) == 0;
		free(slot);
		if (!same)
			goto bad;
	}
	return v;
bad:
	ds_err_set(err, DS_ECORRUPT, "%s: malformed word vectors; rebuild them (" DS_BIN_REBUILD ")",
		   path);
	ds_vec_free(v);
	return NULL;
}

void ds_vec_free(struct ds_vec *v)
{
	if (!v)
		return;
	ds_map_close(&v->map);
	free(v);
}

size_t ds_vec_words(const struct ds_vec *v) { return v->n; }
uint32_t ds_vec_file_id(const struct ds_vec *v) { return ds_bin_map_id(&v->map); }
size_t ds_vec_dim(const struct ds_vec *v) { return v->dim; }

const char *ds_vec_word(const struct ds_vec *v, size_t i)
{
	return i < v->n ? v->blob + v->off[i] : NULL;
}

const float *ds_vec_get(const struct ds_vec *v, const char *w, size_t n)
{
	for (uint64_t j = ds_hash64(w, n, WORD_SEED) & v->mask; v->slot[j]; j = (j + 1) & v->mask) {
		const char *s = v->blob + v->off[v->slot[j] - 1];
		if (strncmp(s, w, n) == 0 && s[n] == 0)
			return v->v + (size_t)(v->slot[j] - 1) * v->dim;
	}
	return NULL;
}

/* Sum of the vectors of the known words of a phrase into out; returns how
 * many were known. */
static size_t phrase_vec(const struct ds_vec *v, const char *p, size_t n, double *out)
{
	size_t known = 0, i = 0;
	memset(out, 0, v->dim * sizeof *out);
	while (i < n) {
		size_t j = i;
		const float *x;
		while (j < n && p[j] != ' ')
			j++;
		if (j > i && (x = ds_vec_get(v, p + i, j - i))) {
			for (uint32_t d = 0; d < v->dim; d++)
				out[d] += x[d];
			known++;
		}
		i = j + 1;
	}
	return known;
}

/* The last first phrase of ds_vec_sim in this thread, with its summed
 * vector and squared norm: a caller compares one word with many others. */
struct sim_memo {
	uint64_t serial;           /* of the vectors (a freed one's address may come back) */
	size_t n;                  /* bytes of a; 0: empty */
	char a[128];
	size_t known;
	double na, x[DS_VEC_MAX_DIM];
};
static _Thread_local struct sim_memo memo;

/* The last results of ds_vec_sim in this thread, by pair of phrases (a
 * candidate is compared with the same word again and again): a direct-mapped
 * table of short pairs, serial 0 empty. */
#define PAIR_SLOTS 512             /* power of two */
#define PAIR_KEY 24                /* longer phrases are not kept */
struct pair_ent {
	uint64_t serial;
	double sim;
	uint8_t an, bn;
	char a[PAIR_KEY], b[PAIR_KEY];
};
static _Thread_local struct pair_ent pairs[PAIR_SLOTS];
static const uint64_t PAIR_SEED = 0x7061697273696dULL;

/* The summed vector of phrase a, from the memo or computed into it. */
static const struct sim_memo *memo_of(const struct ds_vec *v, const char *a, size_t an)
{
	struct sim_memo *m = &memo;
	if (!(m->serial == v->serial && m->n == an && an && memcmp(m->a, a, an) == 0)) {
		m->n = 0;
		m->known = phrase_vec(v, a, an, m->x);
		m->na = 0;
		for (uint32_t d = 0; d < v->dim; d++)
			m->na += m->x[d] * m->x[d];
		if (an > 0 && an <= sizeof m->a) {
			m->serial = v->serial;
			m->n = an;
			memcpy(m->a, a, an);
		}
	}
	return m;
}

void ds_vec_word_of(const struct ds_vec *v, const char *w, size_t n, struct ds_vec_word *out)
{
	out->norm2 = 0;
	out->x = n ? ds_vec_get(v, w, n) : NULL;
	if (!out->x)
		return;
	for (uint32_t d = 0; d < v->dim; d++) {
		double y = out->x[d];
		out->norm2 += y * y;
	}
}

double ds_vec_sim_word(const struct ds_vec *v, const char *a, size_t an,
		       const struct ds_vec_word *b)
{
	const struct sim_memo *m = memo_of(v, a, an);
	double dot = 0;
	uint32_t d = 0;
	if (!m->known || !b->x)
		return DS_VEC_UNKNOWN;
	/* the sums of vec_sim's one-word case, in the same order (four terms
	 * a turn: one loop test for four) */
	for (; d + 4 <= v->dim; d += 4) {
		dot += m->x[d] * (double)b->x[d];
		dot += m->x[d + 1] * (double)b->x[d + 1];
		dot += m->x[d + 2] * (double)b->x[d + 2];
		dot += m->x[d + 3] * (double)b->x[d + 3];
	}
	for (; d < v->dim; d++)
		dot += m->x[d] * (double)b->x[d];
	if (m->na <= 0 || b->norm2 <= 0)
		return DS_VEC_UNKNOWN;
	return dot / sqrt(m->na * b->norm2);
}

/* ds_vec_sim without the table of pairs. */
static double vec_sim(const struct ds_vec *v, const char *a, size_t an, const char *b, size_t bn)
{
	double xb[DS_VEC_MAX_DIM], dot = 0, nb = 0;
	const struct sim_memo *m = memo_of(v, a, an);
	if (!m->known)
		return DS_VEC_UNKNOWN;
	if (bn && !memchr(b, ' ', bn)) {
		/* one word: its vector as it is (the sum of phrase_vec would be
		 * the same doubles, and a zero's sign does not reach the sums) */
		struct ds_vec_word w;
		ds_vec_word_of(v, b, bn, &w);
		return ds_vec_sim_word(v, a, an, &w);
	}
	if (!phrase_vec(v, b, bn, xb))
		return DS_VEC_UNKNOWN;
	for (uint32_t d = 0; d < v->dim; d++) {
		dot += m->x[d] * xb[d];
		nb += xb[d] * xb[d];
	}
	if (m->na <= 0 || nb <= 0)
		return DS_VEC_UNKNOWN;
	return dot / sqrt(m->na * nb);
}

double ds_vec_sim(const struct ds_vec *v, const char *a, size_t an, const char *b, size_t bn)
{
	struct pair_ent *e = NULL;
	double r;
	if (an && bn && an <= PAIR_KEY && bn <= PAIR_KEY) {
		e = &pairs[ds_hash64(b, bn, ds_hash64(a, an, PAIR_SEED)) & (PAIR_SLOTS - 1)];
		if (e->serial == v->serial && e->an == an && e->bn == bn && memcmp(e->a, a, an) == 0 &&
		    memcmp(e->b, b, bn) == 0)
			return e->sim;
	}
	r = vec_sim(v, a, an, b, bn);
	if (e) {
		e->serial = v->serial;
		e->sim = r;
		e->an = (uint8_t)an;
		e->bn = (uint8_t)bn;
		memcpy(e->a, a, an);
		memcpy(e->b, b, bn);
	}
	return r;
}
