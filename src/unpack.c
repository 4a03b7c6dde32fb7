/* unpack.c - gzip (zlib) and zstd inputs read whole, within a size bound.
 * See unpack.h. */
#include "unpack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "util.h"

#define CHUNK 65536

const char *ds_unpack_kind(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	/* gzip: magic, then method 8 (deflate), the only one defined */
	if (n >= 3 && u[0] == 0x1F && u[1] == 0x8B && u[2] == 8)
		return "gzip";
	if (n >= 4 && u[0] == 0x28 && u[1] == 0xB5 && u[2] == 0x2F && u[3] == 0xFD)
		return "zstd";
	return NULL;
}

struct ds_unpacker {
	int zstd;            /* else gzip */
	int between;         /* gzip: a member ended; zeros or a member follow */
	size_t zstd_left;    /* zstd: the decoder's last hint, 0 when a frame
			      * ended written out */
	uint64_t at;         /* input bytes taken so far */
	struct ds_err late;  /* an error met after text was written in the
			      * same call: given by the next call */
	z_stream z;
	ZSTD_DCtx *dc;
};

struct ds_unpacker *ds_unpacker_new(const char *kind)
{
	struct ds_unpacker *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->zstd = strcmp(kind, "zstd") == 0;
	if (u->zstd) {
		u->zstd_left = 1;
		if (!(u->dc = ZSTD_createDCtx())) {
			free(u);
			return NULL;
		}
	} else if (inflateInit2(&u->z, 16 + MAX_WBITS) != Z_OK) {
		free(u);
		return NULL;
	}
	return u;
}

void ds_unpacker_free(struct ds_unpacker *u)
{
	if (!u)
		return;
	if (u->zstd)
		ZSTD_freeDCtx(u->dc);
	else
		inflateEnd(&u->z);
	free(u);
}

/* zlib counts in 32 bits: a larger piece in parts */
static uInt part32(size_t n)
{
	return (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
}

static int gunzip_run(struct ds_unpacker *u, const char *name, const unsigned char *in, size_t n,
		      size_t *used, char *out, size_t cap, size_t *made, struct ds_err *err)
{
	for (;;) {
		size_t took, wrote;
		int zr;
		if (u->between) {
			/* what gzip itself passes over: zeros padding the
			 * end (tape blocks); anything else must be another
			 * member, whose header inflate then reads */
			while (*used < n && in[*used] == 0) {
				++*used;
				u->at++;
			}
			if (*used == n)
				return 0;
			if (in[*used] != 0x1F)
				return ds_err_set(err, DS_ECORRUPT,
						  "%s: bytes after the gzip data that are no more of it "
						  "(offset %llu)",
						  name, (unsigned long long)u->at);
			if (inflateReset(&u->z) != Z_OK)
				return ds_err_set(err, DS_ECORRUPT, "%s: damaged gzip data", name);
			u->between = 0;
		}
		if (*made == cap)
			return 0;
		u->z.next_in = (unsigned char *)(uintptr_t)(in + *used);
		u->z.avail_in = part32(n - *used);
		u->z.next_out = (unsigned char *)out + *made;
		u->z.avail_out = part32(cap - *made);
		took = u->z.avail_in;
		wrote = u->z.avail_out;
		zr = inflate(&u->z, Z_NO_FLUSH);
		took -= u->z.avail_in;
		wrote -= u->z.avail_out;
		*used += took;
		*made += wrote;
		u->at += took;
		if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR)
			return ds_err_set(err, DS_ECORRUPT, "%s: damaged gzip data (%s)", name,
					  u->z.msg ? u->z.msg : "invalid data");
		if (zr == Z_MEM_ERROR)
			return ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
		if (zr == Z_STREAM_END)
			u->between = 1;
		else if ((*used == n && *made < cap) || (!took && !wrote))
			return 0; /* wants more input */
	}
}

static int unzstd_run(struct ds_unpacker *u, const char *name, const char *in, size_t n,
		      size_t *used, char *out, size_t cap, size_t *made, struct ds_err *err)
{
	for (;;) {
		ZSTD_inBuffer ib = {in + *used, n - *used, 0};
		ZSTD_outBuffer ob = {out + *made, cap - *made, 0};
		size_t left = ZSTD_decompressStream(u->dc, &ob, &ib);
		*used += ib.pos;
		*made += ob.pos;
		u->at += ib.pos;
		if (ZSTD_isError(left))
			return ds_err_set(err, DS_ECORRUPT, "%s: damaged zstd data (%s)", name,
					  ZSTD_getErrorName(left));
		/* a call that does nothing answers for the next frame */
		if (ib.pos || ob.pos)
			u->zstd_left = left;
		/* written out all it could (room left), or no step made */
		if ((*used == n && *made < cap) || *made == cap || (!ib.pos && !ob.pos))
			return 0;
	}
}

int ds_unpacker_run(struct ds_unpacker *u, const char *name, const char *in, size_t n,
		    size_t *used, char *out, size_t cap, size_t *made, struct ds_err *err)
{
	struct ds_err mine = {0};
	int rc;
	*used = *made = 0;
	if (u->late.code)
		return ds_unpacker_end(u, name, err);
	rc = u->zstd ? unzstd_run(u, name, in, n, used, out, cap, made, &mine)
		     : gunzip_run(u, name, (const unsigned char *)in, n, used, out, cap, made, &mine);
	if (rc && *made) {
		/* the text before the damage is given first */
		u->late = mine;
		return 0;
	}
	if (rc && err)
		*err = mine;
	return rc;
}

int ds_unpacker_end(const struct ds_unpacker *u, const char *name, struct ds_err *err)
{
	if (u->late.code) {
		if (err)
			*err = u->late;
		return u->late.code;
	}
	if (u->zstd ? u->zstd_left != 0 : !u->between)
		return ds_err_set(err, DS_ECORRUPT, "%s: %s data cut short", name,
				  u->zstd ? "zstd" : "gzip");
	return 0;
}

int ds_unpack(const char *name, const char *p, size_t n, size_t max, char **out, size_t *len,
	      struct ds_err *err)
{
	struct ds_buf b = DS_BUF_INIT;
	const char *kind = ds_unpack_kind(p, n);
	struct ds_unpacker *u;
	size_t at = 0;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (!kind)
		return ds_err_set(err, DS_EINVAL, "%s: neither gzip nor zstd data", name);
	if (!(u = ds_unpacker_new(kind)))
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
	for (;;) {
		size_t used, made, r;
		if (ds_buf_reserve(&b, CHUNK + 1)) {
			rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
			break;
		}
		/* at most up to max, so that passing it is seen with one
		 * byte over, not a chunk */
		r = b.cap - b.len - 1;
		if (max && r > max - b.len + 1)
			r = max - b.len + 1;
		if ((rc = ds_unpacker_run(u, name, p + at, n - at, &used, b.data + b.len, r, &made,
					  err)) != 0)
			break;
		at += used;
		b.len += made;
		if (max && b.len > max) {
			rc = ds_err_set(err, DS_ETOOBIG,
					"%s: decompresses to more than the limit of %zu bytes", name, max);
			break;
		}
		if (made < r) { /* it holds nothing back: every byte was taken */
			rc = ds_unpacker_end(u, name, err);
			break;
		}
	}
	ds_unpacker_free(u);
	if (rc) {
		ds_buf_free(&b);
		return rc;
	}
	b.data[b.len] = '\0';
	*out = b.data;
	*len = b.len;
	return 0;
}
