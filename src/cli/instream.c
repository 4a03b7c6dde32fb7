/* instream.c - streams read as they come, decoded when compressed.  See
 * instream.h.  A stdio stream of our own (fopencookie) over the fd, so
 * that the readers of records and lines keep reading a FILE. */
#define _GNU_SOURCE /* fopencookie */
#include "instream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unpack.h"

#define IN_BUF 65536

struct cli_instream {
	FILE *f;
	int fd;
	struct ds_unpacker *u; /* NULL: the bytes as they are */
	const char *kind;
	char *buf;             /* input read and not yet taken: buf[at..len) */
	size_t at, len;
	int eof;
	char name[256];
	char err[512];
};

/* Refills buf when it is used up: 1 when there are bytes, 0 at the end,
 * -1 at an error or a signal (err set for an error). */
static int fill(struct cli_instream *s)
{
	ssize_t r;
	if (s->at < s->len)
		return 1;
	if (s->eof)
		return 0;
	s->at = s->len = 0;
	r = read(s->fd, s->buf, IN_BUF);
	if (r < 0) {
		if (errno != EINTR)
			snprintf(s->err, sizeof s->err, "cannot read %s: %s", s->name,
				 strerror(errno));
		return -1;
	}
	if (r == 0) {
		s->eof = 1;
		return 0;
	}
	s->len = (size_t)r;
	return 1;
}

static ssize_t in_read(void *cookie, char *out, size_t size)
{
	struct cli_instream *s = cookie;
	struct ds_err err = {0};
	if (s->err[0])
		return -1;
	for (;;) {
		size_t used, made;
		int got = fill(s);
		if (got < 0)
			return -1;
		if (!s->u) { /* as it is */
			size_t k = s->len - s->at < size ? s->len - s->at : size;
			memcpy(out, s->buf + s->at, k);
			s->at += k;
			return (ssize_t)k;
		}
		if (got == 0) { /* the end of the input: did the data end whole? */
			if (ds_unpacker_end(s->u, s->name, &err)) {
				snprintf(s->err, sizeof s->err, "%s", err.msg);
				return -1;
			}
			return 0;
		}
		if (ds_unpacker_run(s->u, s->name, s->buf + s->at, s->len - s->at, &used, out, size,
				    &made, &err)) {
			snprintf(s->err, sizeof s->err, "%s", err.msg);
			return -1;
		}
		s->at += used;
		if (made)
			return (ssize_t)made;
	}
}

struct cli_instream *cli_instream_open(int fd, const char *name)
{
	cookie_io_functions_t io = {in_read, NULL, NULL, NULL}; /* closing frees nothing of ours */
	struct cli_instream *s = calloc(1, sizeof *s);
	if (!s || !(s->buf = malloc(IN_BUF)))
		goto fail;
	s->fd = fd;
	snprintf(s->name, sizeof s->name, "%s", name);
	/* the first bytes, enough to tell a compressed stream: read to
	 * four (or the end), then given back as the stream's first */
	while (!s->eof && !s->err[0] && s->len < 4) {
		ssize_t r = read(fd, s->buf + s->len, 4 - s->len);
		if (r < 0 && errno == EINTR)
			break;
		if (r < 0)
			snprintf(s->err, sizeof s->err, "cannot read %s: %s", s->name,
				 strerror(errno));
		else if (r == 0)
			s->eof = 1;
		else
			s->len += (size_t)r;
	}
	if ((s->kind = ds_unpack_kind(s->buf, s->len)) != NULL && !(s->u = ds_unpacker_new(s->kind)))
		goto fail;
	if (!(s->f = fopencookie(s, "r", io)))
		goto fail;
	return s;
fail:
	cli_instream_close(s);
	return NULL;
}

ssize_t cli_instream_read(struct cli_instream *s, char *buf, size_t n)
{
	return in_read(s, buf, n);
}

FILE *cli_instream_file(struct cli_instream *s)
{
	return s->f;
}

const char *cli_instream_kind(const struct cli_instream *s)
{
	return s->kind;
}

const char *cli_instream_error(const struct cli_instream *s)
{
	return s->err;
}

void cli_instream_close(struct cli_instream *s)
{
	if (!s)
		return;
	if (s->f)
		fclose(s->f);
	ds_unpacker_free(s->u);
	free(s->buf);
	free(s);
}
