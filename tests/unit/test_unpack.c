/* Unit tests of unpack.c: gzip and zstd inputs read whole, in members and
 * frames, within a size bound, and decoded as a stream in pieces of any
 * size; what is damaged, cut short or followed by other bytes refused with
 * the input's name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "packers.h"
#include "unpack.h"
#include "util.h"

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

/* Decodes c (cn bytes) through a decoder fed `piece` bytes at a time into
 * room of `room` bytes, as a stream is read; the text in *out (malloc'd).
 * Returns what run or end returned (err set). */
static int stream(const char *kind, const char *c, size_t cn, size_t piece, size_t room,
		  char **out, size_t *n, struct ds_err *err)
{
	struct ds_unpacker *u = ds_unpacker_new(kind);
	struct ds_buf b = DS_BUF_INIT;
	size_t at = 0;
	int rc = 0;
	for (;;) {
		size_t give = cn - at < piece ? cn - at : piece, used = 0, made;
		ds_buf_reserve(&b, room + 1);
		rc = ds_unpacker_run(u, "s", c + at, give, &used, b.data + b.len, room, &made, err);
		if (rc)
			break;
		at += used;
		b.len += made;
		if (made == room || used < give)
			continue; /* more room, or the rest of the piece */
		if (at == cn) {
			rc = ds_unpacker_end(u, "s", err);
			break;
		}
	}
	ds_unpacker_free(u);
	*out = b.data;
	*n = b.len;
	return rc;
}

T_TEST(streams_in_pieces_as_whole)
{
	static const size_t pieces[] = {1, 3, 7, 4096}, rooms[] = {1, 5, 65536};
	char *a, *b, *c, *d, *out;
	size_t an, bn, cn, dn, n;
	struct ds_err err = {0};
	void (*pack[2])(const char *, size_t, char **, size_t *) = {gz, zs};
	const char *kinds[2] = {"gzip", "zstd"};
	for (int k = 0; k < 2; k++) {
		pack[k](TEXT, 20, &a, &an);
		pack[k](TEXT + 20, sizeof TEXT - 21, &b, &bn);
		c = cat2(a, an, b, bn, &cn);
		for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++)
			for (size_t j = 0; j < sizeof rooms / sizeof *rooms; j++) {
				T_EQ_INT(stream(kinds[k], c, cn, pieces[i], rooms[j], &out, &n, &err), 0);
				T_OK(n == sizeof TEXT - 1 && memcmp(out, TEXT, n) == 0);
				free(out);
			}
		/* cut anywhere but between two members: cut short */
		for (size_t cut = 1; cut < cn; cut++) {
			int rc = stream(kinds[k], c, cut, 3, 5, &out, &n, &err);
			free(out);
			if (cut == an)
				T_EQ_INT(rc, 0);
			else
				T_OK(rc == DS_ECORRUPT && strstr(err.msg, "data cut short") != NULL);
		}
		free(a);
		free(b);
		free(c);
	}
	/* zeros padding a gzip stream, then bytes that are no more of it,
	 * named by their offset in the stream */
	gz(TEXT, sizeof TEXT - 1, &a, &an);
	c = cat2(a, an, "\0\0\0", 3, &cn);
	T_EQ_INT(stream("gzip", c, cn, 2, 8, &out, &n, &err), 0);
	T_EQ_INT(n, sizeof TEXT - 1);
	free(out);
	d = cat2(c, cn, "x", 1, &dn);
	T_EQ_INT(stream("gzip", d, dn, 2, 8, &out, &n, &err), DS_ECORRUPT);
	free(out);
	{
		char want[64];
		snprintf(want, sizeof want, "(offset %zu)", an + 3);
		T_OK(strstr(err.msg, want) != NULL);
	}
	free(a);
	free(c);
	free(d);
}

int main(void)
{
	T_RUN(kinds_by_their_first_bytes);
	T_RUN(both_formats_round_trip);
	T_RUN(members_and_frames_concatenated);
	T_RUN(damage_refused_with_the_name);
	T_RUN(bound_on_what_is_inflated);
	T_RUN(streams_in_pieces_as_whole);
	return t_done();
}
