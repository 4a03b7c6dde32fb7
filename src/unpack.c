/* unpack.c - gzip (zlib) and zstd inputs read whole, within a size bound.
 * See unpack.h. */
#include "unpack.h"

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

/* Room for at least CHUNK more bytes (and the NUL) in b. */
static int grow(struct ds_buf *b, const char *name, struct ds_err *err)
{
	if (ds_buf_reserve(b, CHUNK + 1))
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
	return 0;
}

/* How much of b's free room a step may fill: at most up to max, so that
 * passing it is seen with one byte over, not a chunk. */
static size_t room(const struct ds_buf *b, size_t max)
{
	size_t r = b->cap - b->len - 1;
	if (max && r > max - b->len + 1)
		r = max - b->len + 1;
	return r;
}

static int gunzip(const char *name, const unsigned char *p, size_t n, size_t max, struct ds_buf *b,
		  struct ds_err *err)
{
	z_stream z;
	size_t at = 0;
	const char *next;
	int rc = 0, zr;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
	for (;;) {
		/* a member; the next starts where it ends */
		z.next_in = (unsigned char *)(uintptr_t)(p + at);
		z.avail_in = 0;
		do {
			size_t before, used = (size_t)(z.next_in - p);
			if ((rc = grow(b, name, err)) != 0)
				goto done;
			/* zlib counts in 32 bits: a larger input in parts */
			if (z.avail_in == 0)
				z.avail_in = (uInt)(n - used > UINT32_MAX ? UINT32_MAX : n - used);
			before = room(b, max);
			z.next_out = (unsigned char *)b->data + b->len;
			z.avail_out = (uInt)(before > UINT32_MAX ? UINT32_MAX : before);
			before = z.avail_out;
			zr = inflate(&z, Z_NO_FLUSH);
			b->len += before - z.avail_out;
			if (max && b->len > max) {
				rc = ds_err_set(err, DS_ETOOBIG,
						"%s: decompresses to more than the limit of %zu bytes", name, max);
				goto done;
			}
			if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR || zr == Z_STREAM_ERROR) {
				rc = ds_err_set(err, DS_ECORRUPT, "%s: damaged gzip data (%s)", name,
						z.msg ? z.msg : "invalid data");
				goto done;
			}
			if (zr == Z_MEM_ERROR) {
				rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
				goto done;
			}
			if (zr != Z_STREAM_END && (size_t)(z.next_in - p) == n && z.avail_out > 0) {
				/* room to write and nothing left to read: the
				 * input ended inside the member */
				rc = ds_err_set(err, DS_ECORRUPT, "%s: gzip data cut short", name);
				goto done;
			}
		} while (zr != Z_STREAM_END);
		at = (size_t)(z.next_in - p);
		/* what gzip itself passes over: zeros padding the end (tape
		 * blocks); anything else must be another member */
		while (at < n && p[at] == 0)
			at++;
		if (at == n)
			break;
		next = ds_unpack_kind((const char *)p + at, n - at);
		if (!next || strcmp(next, "gzip") != 0) {
			rc = ds_err_set(err, DS_ECORRUPT,
					"%s: bytes after the gzip data that are no more of it (offset %zu)",
					name, at);
			goto done;
		}
		if (inflateReset(&z) != Z_OK) {
			rc = ds_err_set(err, DS_ECORRUPT, "%s: damaged gzip data", name);
			goto done;
		}
	}
done:
	inflateEnd(&z);
	return rc;
}

static int unzstd(const char *name, const unsigned char *p, size_t n, size_t max, struct ds_buf *b,
		  struct ds_err *err)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	ZSTD_inBuffer in = {p, n, 0};
	int rc = 0;

	if (!dc)
		return ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
	for (;;) {
		ZSTD_outBuffer out;
		size_t left;
		if ((rc = grow(b, name, err)) != 0)
			break;
		out.dst = b->data + b->len;
		out.size = room(b, max);
		out.pos = 0;
		left = ZSTD_decompressStream(dc, &out, &in);
		b->len += out.pos;
		if (ZSTD_isError(left)) {
			rc = ds_err_set(err, DS_ECORRUPT, "%s: damaged zstd data (%s)", name,
					ZSTD_getErrorName(left));
			break;
		}
		if (max && b->len > max) {
			rc = ds_err_set(err, DS_ETOOBIG,
					"%s: decompresses to more than the limit of %zu bytes", name, max);
			break;
		}
		/* all read: done when the last frame is whole and written
		 * out (0), cut short when more is wanted and none comes */
		if (in.pos == in.size && left == 0)
			break;
		if (in.pos == in.size && out.pos == 0) {
			rc = ds_err_set(err, DS_ECORRUPT, "%s: zstd data cut short", name);
			break;
		}
	}
	ZSTD_freeDCtx(dc);
	return rc;
}

int ds_unpack(const char *name, const char *p, size_t n, size_t max, char **out, size_t *len,
	      struct ds_err *err)
{
	struct ds_buf b = DS_BUF_INIT;
	const char *kind = ds_unpack_kind(p, n);
	int rc;

	*out = NULL;
	*len = 0;
	if (!kind)
		return ds_err_set(err, DS_EINVAL, "%s: neither gzip nor zstd data", name);
	rc = strcmp(kind, "gzip") == 0 ? gunzip(name, (const unsigned char *)p, n, max, &b, err)
				       : unzstd(name, (const unsigned char *)p, n, max, &b, err);
	if (!rc && !b.data && ds_buf_reserve(&b, 1))
		rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
	if (rc) {
		ds_buf_free(&b);
		return rc;
	}
	b.data[b.len] = '\0';
	*out = b.data;
	*len = b.len;
	return 0;
}
