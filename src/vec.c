/* vec.c - word vectors: loading and lookups (see vec.h). */
#include "vec.h"

#include <math.h>
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
};

struct ds_vec *ds_vec_load(const char *path, struct ds_err *err)
{
	struct ds_vec *v = calloc(1, sizeof *v);
	const unsigned char *p;
	const void *payload;
	size_t len, offlen;
	uint32_t hdr[4];
	if (!v) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	if (ds_bin_open(&v->map, path, DS_VEC_KIND, DS_VEC_VERSION, "make models", &payload, &len,
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
	if (!v->n || !v->dim || v->dim > DS_VEC_MAX_DIM ||
	    len != 16 + offlen + (size_t)v->n * v->dim * 4 + v->blob_len || !v->blob_len)
		goto bad;
	v->off = (const uint32_t *)(p + 16);
	v->v = (const float *)(p + 16 + offlen);
	v->blob = (const char *)(p + 16 + offlen + (size_t)v->n * v->dim * 4);
	if (v->blob[v->blob_len - 1] != 0)
		goto bad;
	/* every offset and the order of the words were checked by 'despin
	 * check-models' for a stamped file (binfmt.h): its pages stay unread */
	if (ds_bin_stamp_ok(path, v->map.data))
		return v;
	for (uint32_t i = 0; i < v->n; i++)
		if (v->off[i] >= v->blob_len ||
		    (i && strcmp(v->blob + v->off[i - 1], v->blob + v->off[i]) >= 0))
			goto bad;
	return v;
bad:
	ds_err_set(err, DS_ECORRUPT, "%s: malformed word vectors; rebuild them with 'make models'",
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
size_t ds_vec_dim(const struct ds_vec *v) { return v->dim; }

const char *ds_vec_word(const struct ds_vec *v, size_t i)
{
	return i < v->n ? v->blob + v->off[i] : NULL;
}

const float *ds_vec_get(const struct ds_vec *v, const char *w, size_t n)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = v->blob + v->off[mid];
		int c = strncmp(s, w, n);
		if (c == 0)
			c = s[n] ? 1 : 0;
		if (c == 0)
			return v->v + mid * v->dim;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
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

double ds_vec_sim(const struct ds_vec *v, const char *a, size_t an, const char *b, size_t bn)
{
	double xa[DS_VEC_MAX_DIM], xb[DS_VEC_MAX_DIM], dot = 0, na = 0, nb = 0;
	if (!phrase_vec(v, a, an, xa) || !phrase_vec(v, b, bn, xb))
		return DS_VEC_UNKNOWN;
	for (uint32_t d = 0; d < v->dim; d++) {
		dot += xa[d] * xb[d];
		na += xa[d] * xa[d];
		nb += xb[d] * xb[d];
	}
	if (na <= 0 || nb <= 0)
		return DS_VEC_UNKNOWN;
	return dot / sqrt(na * nb);
}
