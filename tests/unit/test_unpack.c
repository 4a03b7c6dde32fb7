/* Unit tests of unpack.c: gzip and zstd inputs read whole, in members and
 * frames, within a size bound; what is damaged, cut short or followed by
 * other bytes refused with the input's name. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "t.h"
#include "unpack.h"
#include "util.h"

/* n bytes of p as one gzip member, in *out (malloc'd), *olen bytes. */
static void gz(const char *p, size_t n, char **out, size_t *olen)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	memset(&z, 0, sizeof z);
	*out = malloc(cap);
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)*out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*olen = cap - z.avail_out;
	deflateEnd(&z);
}

static void zs(const char *p, size_t n, char **out, size_t *olen)
{
	size_t cap = ZSTD_compressBound(n);
	*out = malloc(cap);
	*olen = ZSTD_compress(*out, cap, p, n, 3);
}

/* a + b, one buffer (malloc'd) */
static char *cat2(const char *a, size_t an, const char *b, size_t bn, size_t *n)
{
	char *c = malloc(an + bn + 1);
	memcpy(c, a, an);
	memcpy(c + an, b, bn);
	*n = an + bn;
	return c;
}

static const char TEXT[] = "The Security Council met on Monday; the General Assembly meets next year.\n";

T_TEST(kinds_by_their_first_bytes)
{
	char *g, *z;
	size_t gn, zn;
	gz(TEXT, sizeof TEXT - 1, &g, &gn);
	zs(TEXT, sizeof TEXT - 1, &z, &zn);
	T_EQ_STR(ds_unpack_kind(g, gn), "gzip");
	T_EQ_STR(ds_unpack_kind(z, zn), "zstd");
	T_OK(ds_unpack_kind(TEXT, sizeof TEXT - 1) == NULL);
	T_OK(ds_unpack_kind("\x1F\x8B", 2) == NULL); /* no method byte */
	T_OK(ds_unpack_kind("\x1F\x8B\x07", 3) == NULL); /* not deflate */
	T_OK(ds_unpack_kind("", 0) == NULL);
	free(g);
	free(z);
}

T_TEST(both_formats_round_trip)
{
	char *c, *out;
	size_t cn, n;
	struct ds_err err = {0};
	void (*pack[2])(const char *, size_t, char **, size_t *) = {gz, zs};
	for (int k = 0; k < 2; k++) {
		pack[k](TEXT, sizeof TEXT - 1, &c, &cn);
		T_EQ_INT(ds_unpack("t", c, cn, 0, &out, &n, &err), 0);
		T_EQ_INT(n, sizeof TEXT - 1);
		T_OK(out && memcmp(out, TEXT, n) == 0 && out[n] == '\0');
		free(out);
		free(c);
		/* nothing inside: an empty text, not an error */
		pack[k]("", 0, &c, &cn);
		T_EQ_INT(ds_unpack("t", c, cn, 0, &out, &n, &err), 0);
		T_EQ_INT(n, 0);
		T_OK(out && out[0] == '\0');
		free(out);
		free(c);
	}
}

T_TEST(members_and_frames_concatenated)
{
	char *a, *b, *c, *out;
	size_t an, bn, cn, n;
	struct ds_err err = {0};
	void (*pack[2])(const char *, size_t, char **, size_t *) = {gz, zs};
	for (int k = 0; k < 2; k++) {
		pack[k](TEXT, 20, &a, &an);
		pack[k](TEXT + 20, sizeof TEXT - 21, &b, &bn);
		c = cat2(a, an, b, bn, &cn);
		T_EQ_INT(ds_unpack("t", c, cn, 0, &out, &n, &err), 0);
		T_OK(n == sizeof TEXT - 1 && memcmp(out, TEXT, n) == 0);
		free(out);
		free(a);
		free(b);
		free(c);
	}
	/* zeros after a gzip member, as gzip passes over them */
	gz(TEXT, sizeof TEXT - 1, &a, &an);
	c = cat2(a, an, "\0\0\0\0", 4, &cn);
	T_EQ_INT(ds_unpack("t", c, cn, 0, &out, &n, &err), 0);
	T_EQ_INT(n, sizeof TEXT - 1);
	free(out);
	free(a);
	free(c);
}

T_TEST(damage_refused_with_the_name)
{
	char *c, *d, *out = (char *)1;
	size_t cn, dn, n;
	struct ds_err err = {0};
	/* gzip: cut short, a flipped byte (its CRC), bytes after it */
	gz(TEXT, sizeof TEXT - 1, &c, &cn);
	T_EQ_INT(ds_unpack("a.gz", c, cn - 5, 0, &out, &n, &err), DS_ECORRUPT);
	T_OK(out == NULL && strstr(err.msg, "a.gz: gzip data cut short") != NULL);
	T_EQ_INT(ds_unpack("a.gz", c, 12, 0, &out, &n, &err), DS_ECORRUPT);
	d = cat2(c, cn, "", 0, &dn);
	d[dn - 6] ^= 0x55; /* in the CRC32 */
	T_EQ_INT(ds_unpack("a.gz", d, dn, 0, &out, &n, &err), DS_ECORRUPT);
	T_OK(strstr(err.msg, "a.gz: damaged gzip data") != NULL);
	free(d);
	d = cat2(c, cn, "junk", 4, &dn);
	T_EQ_INT(ds_unpack("a.gz", d, dn, 0, &out, &n, &err), DS_ECORRUPT);
	T_OK(strstr(err.msg, "no more of it") != NULL);
	free(d);
	free(c);
	/* zstd: cut short, bytes after it */
	zs(TEXT, sizeof TEXT - 1, &c, &cn);
	T_EQ_INT(ds_unpack("b.zst", c, cn - 3, 0, &out, &n, &err), DS_ECORRUPT);
	T_OK(out == NULL && strstr(err.msg, "b.zst: zstd data cut short") != NULL);
	d = cat2(c, cn, "junk", 4, &dn);
	T_EQ_INT(ds_unpack("b.zst", d, dn, 0, &out, &n, &err), DS_ECORRUPT);
	T_OK(strstr(err.msg, "b.zst: damaged zstd data") != NULL);
	free(d);
	free(c);
	/* neither */
	T_EQ_INT(ds_unpack("c.txt", TEXT, sizeof TEXT - 1, 0, &out, &n, &err), DS_EINVAL);
}

T_TEST(bound_on_what_is_inflated)
{
	size_t big = 4u << 20, cn, n;
	char *text = malloc(big), *c, *out;
	struct ds_err err = {0};
	void (*pack[2])(const char *, size_t, char **, size_t *) = {gz, zs};
	memset(text, 'a', big);
	for (int k = 0; k < 2; k++) {
		pack[k](text, big, &c, &cn);
		T_OK(cn < big / 100); /* a small file that inflates a thousandfold */
		T_EQ_INT(ds_unpack("bomb", c, cn, big - 1, &out, &n, &err), DS_ETOOBIG);
		T_OK(out == NULL && strstr(err.msg, "bomb: decompresses to more than the limit of") != NULL);
		/* exactly at the bound: read */
		T_EQ_INT(ds_unpack("bomb", c, cn, big, &out, &n, &err), 0);
		T_EQ_INT(n, big);
		free(out);
		free(c);
	}
	free(text);
}

int main(void)
{
	T_RUN(kinds_by_their_first_bytes);
	T_RUN(both_formats_round_trip);
	T_RUN(members_and_frames_concatenated);
	T_RUN(damage_refused_with_the_name);
	T_RUN(bound_on_what_is_inflated);
	return t_done();
}
