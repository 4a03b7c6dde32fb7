/* srcrec.c - packed source records with Rice-coded shingle sets (srcrec.h). */
#include "srcrec.h"
#include "fprint.h"

#include <stdlib.h>
#include <string.h>

static int put_varint(struct ds_buf *b, uint64_t v)
{
	unsigned char t[10];
	size_t n = 0;
	do {
		t[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	return ds_buf_append(b, t, n);
}

struct rd {
	const unsigned char *p, *end;
};

static int get_varint(struct rd *r, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		unsigned char c;
		if (r->p == r->end)
			return -1;
		c = *r->p++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
	}
	return -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Bit writer: least significant bit first. */
struct bw {
	struct ds_buf *b;
	uint32_t acc;
	int nacc;
	int rc;
};

static void bw_bits(struct bw *w, uint32_t v, int n)
{
	for (int i = 0; i < n; i++) {
		w->acc |= ((v >> i) & 1u) << w->nacc;
		if (++w->nacc == 8) {
			char c = (char)w->acc;
			w->rc |= ds_buf_append(w->b, &c, 1);
			w->acc = 0;
			w->nacc = 0;
		}
	}
}

static void bw_flush(struct bw *w)
{
	if (w->nacc) {
		char c = (char)w->acc;
		w->rc |= ds_buf_append(w->b, &c, 1);
	}
}

/* The Rice parameter for n values below 2^32: about log2 of the mean gap. */
static int rice_k(const uint32_t *set, size_t n)
{
	uint64_t mean;
	int k = 0;
	if (n == 0)
		return 0;
	mean = ((uint64_t)set[n - 1] + 1) / n;
	while (k < 31 && (2ull << k) <= mean)
		k++;
	return k;
}

int ds_srcrec_pack(struct ds_buf *out, int version, int live, uint64_t words,
		   uint64_t text_len, uint64_t nkeys, const char *hash, const char *name,
		   const char *date, const uint32_t *set, size_t nset)
{
	unsigned char h[16], head[2] = {live ? 1 : 0, (unsigned char)version};
	size_t nl = strlen(name), dl = date ? strlen(date) : 0;
	struct bw w = {out, 0, 0, 0};
	uint32_t prev = 0, *keys = NULL;
	const uint32_t *v = set;
	int k;
	if (strlen(hash) != 32 || (version != 1 && version != 2))
		return DS_EINVAL;
	for (int i = 0; i < 16; i++) {
		int a = hexval(hash[2 * i]), b = hexval(hash[2 * i + 1]);
		if (a < 0 || b < 0)
			return DS_EINVAL;
		h[i] = (unsigned char)(a << 4 | b);
	}
	for (size_t i = 1; i < nset; i++)
		if (set[i] <= set[i - 1])
			return DS_EINVAL;
	if (nset && set[nset - 1] >> DS_FP_HASH_BITS)
		return DS_EINVAL;
	if (version == 2) {
		if (!(keys = malloc((nset + 1) * sizeof *keys)))
			return DS_ENOMEM;
		if (nset)
			memcpy(keys, set, nset * sizeof *keys);
		ds_fprint_reduce(keys, nset);
		v = keys;
	}
	k = rice_k(v, nset);
	if (ds_buf_append(out, head, 2) || put_varint(out, words) || put_varint(out, nset) ||
	    put_varint(out, text_len) || put_varint(out, nkeys) || ds_buf_append(out, h, 16) ||
	    put_varint(out, nl) || ds_buf_append(out, name, nl) || put_varint(out, dl) ||
	    ds_buf_append(out, date ? date : "", dl) ||
	    (version == 2 && ds_buf_putc(out, (char)ds_fprint_rkey_bits(nset))) ||
	    ds_buf_putc(out, (char)k)) {
		free(keys);
		return DS_ENOMEM;
	}
	for (size_t i = 0; i < nset; i++) {
		uint32_t gap = v[i] - prev, q = gap >> k;
		prev = v[i];
		while (q >= 32) {
			bw_bits(&w, 0xffffffffu, 32);
			q -= 32;
		}
		bw_bits(&w, (1u << q) - 1, (int)q); /* q ones */
		bw_bits(&w, 0, 1);
		bw_bits(&w, gap, k);
	}
	bw_flush(&w);
	free(keys);
	return w.rc ? DS_ENOMEM : 0;
}

/* A length-prefixed string into a growable NUL-terminated copy. */
static int get_str(struct rd *r, char **dst, size_t *cap)
{
	uint64_t n;
	if (get_varint(r, &n) || n > (uint64_t)(r->end - r->p))
		return DS_ECORRUPT;
	if (ds_grow(dst, cap, (size_t)n + 1, 1))
		return DS_ENOMEM;
	memcpy(*dst, r->p, (size_t)n);
	(*dst)[n] = '\0';
	r->p += n;
	return 0;
}

int ds_srcrec_unpack(const void *data, size_t len, struct ds_srcrec *rec, uint32_t **set,
		     size_t *setcap)
{
	static const char hex[] = "0123456789abcdef";
	struct rd r = {data, (const unsigned char *)data + len};
	int k, rc, version;
	uint64_t max = (1u << DS_FP_HASH_BITS) - 1;
	if (len < 2 || (r.p[1] != 1 && r.p[1] != 2))
		return DS_ECORRUPT;
	rec->live = r.p[0] == 1;
	rec->version = version = r.p[1];
	r.p += 2;
	if (get_varint(&r, &rec->words) || get_varint(&r, &rec->nset) ||
	    get_varint(&r, &rec->text_len) || get_varint(&r, &rec->nkeys) || r.end - r.p < 16)
		return DS_ECORRUPT;
	for (int i = 0; i < 16; i++) {
		rec->hash[2 * i] = hex[r.p[i] >> 4];
		rec->hash[2 * i + 1] = hex[r.p[i] & 15];
	}
	rec->hash[32] = '\0';
	r.p += 16;
	if ((rc = get_str(&r, &rec->name, &rec->namecap)) != 0 ||
	    (rc = get_str(&r, &rec->date, &rec->datecap)) != 0)
		return rc;
	if (version == 2) {
		int bits = ds_fprint_rkey_bits((size_t)rec->nset);
		if (r.p == r.end || *r.p++ != bits)
			return DS_ECORRUPT;
		max = (1u << bits) - 1;
	}
	if (r.p == r.end || (k = *r.p++) > 31)
		return DS_ECORRUPT;
	/* every shingle takes at least k + 1 bits */
	if (rec->nset > (uint64_t)(r.end - r.p) * 8 / (uint64_t)(k + 1))
		return DS_ECORRUPT;
	if (!set)
		return 0;
	if (ds_grow(set, setcap, (size_t)rec->nset + 1, sizeof **set))
		return DS_ENOMEM;
	{
		uint64_t bit = 0, nbits = (uint64_t)(r.end - r.p) * 8, prev = 0;
		const unsigned char *b = r.p;
		const size_t blen = (size_t)(r.end - r.p);
		for (uint64_t i = 0; i < rec->nset; i++) {
			uint64_t q = 0, low, v;
			/* the run of ones, 57 bits a step; the zero that ends it must
			 * be in the record, not past its end */
			for (;;) {
				uint64_t w = bit < nbits ? ds_bits_at(b, blen, bit) : 0;
				unsigned ones = ~w ? (unsigned)__builtin_ctzll(~w) : 64;
				if (ones < 57) {
					q += ones;
					bit += ones;
					break;
				}
				q += 57;
				bit += 57;
			}
			if (bit++ >= nbits || bit + (uint64_t)k > nbits)
				return DS_ECORRUPT;
			low = k ? ds_bits_at(b, blen, bit) & ((UINT64_C(1) << k) - 1) : 0;
			bit += (uint64_t)k;
			v = prev + (q << k | low);
			/* version 1: distinct hashes; version 2: keys, one a shingle */
			if ((version == 1 && i > 0 && v <= prev) || v > max)
				return DS_ECORRUPT;
			(*set)[i] = (uint32_t)v;
			prev = v;
		}
	}
	if (version == 1)
		ds_fprint_reduce(*set, (size_t)rec->nset);
	return 0;
}

void ds_srcrec_clear(struct ds_srcrec *r)
{
	free(r->name);
	free(r->date);
	r->name = r->date = NULL;
	r->namecap = r->datecap = 0;
}
