/* warcread.c - the pages of a WARC archive read as a stream (see
 * warcread.h). */
#include "warcread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "instream.h"

/* A header block larger than this is no WARC header. */
#define HEAD_MAX ((size_t)1 << 20)

/* Why records were left out, counted (at most this many distinct reasons;
 * warc.h's are fewer). */
#define NWHY 16

struct cli_warc {
	char name[1024];
	int fd, own_fd;
	struct cli_instream *in;
	FILE *f;
	size_t max;
	uint64_t records, pages;
	const char *why[NWHY];
	uint64_t nwhy[NWHY];
	struct ds_buf head;
	int done;
	char err[1200];
};

static void count_why(struct cli_warc *w, const char *why)
{
	int i;
	for (i = 0; i < NWHY && w->why[i]; i++)
		if (strcmp(w->why[i], why) == 0)
			break;
	if (i == NWHY)
		i = NWHY - 1;
	w->why[i] = why;
	w->nwhy[i]++;
}

/* Ends the archive where it failed, with why. */
static int fail(struct cli_warc *w, const char *why)
{
	snprintf(w->err, sizeof w->err, "%.500s: %.600s", w->name, why);
	w->done = 1;
	return 0;
}

/* Reads the next record's header block into w->head (blank lines between
 * records passed over).  1 with a block, 0 at the end of the archive or
 * where it is no header (w->err). */
static int read_head(struct cli_warc *w)
{
	char line[8192], why[200];
	w->head.len = 0;
	for (;;) {
		size_t n;
		if (!fgets(line, sizeof line, w->f)) {
			if (w->head.len == 0) {
				w->done = 1;
				return 0;
			}
			snprintf(why, sizeof why, "record %llu: header cut short",
				 (unsigned long long)w->records + 1);
			return fail(w, why);
		}
		if (w->head.len == 0 && (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n')))
			continue; /* the line ends after a block */
		n = strlen(line);
		if (w->head.len == 0 && !ds_warc_is(line, n)) {
			snprintf(why, sizeof why,
				 "not a WARC archive (record %llu does not start with WARC/1.x)",
				 (unsigned long long)w->records + 1);
			return fail(w, why);
		}
		if (ds_buf_append(&w->head, line, n) || w->head.len > HEAD_MAX) {
			snprintf(why, sizeof why, "record %llu: %s", (unsigned long long)w->records + 1,
				 w->head.len > HEAD_MAX ? "header block too large" : "out of memory");
			return fail(w, why);
		}
		if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0)
			return 1;
	}
}

/* Passes over n bytes of the archive: 0, or -1 when it ends first. */
static int skip(struct cli_warc *w, uint64_t n)
{
	char buf[65536];
	while (n > 0) {
		size_t want = n < sizeof buf ? (size_t)n : sizeof buf, got = fread(buf, 1, want, w->f);
		if (got == 0)
			return -1;
		n -= got;
	}
	return 0;
}

struct cli_warc *cli_warc_open(const char *path, const char *name, size_t max,
			       struct ds_err *err)
{
	struct cli_warc *w = calloc(1, sizeof *w);
	if (!w) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(w->name, sizeof w->name, "%s", name);
	w->max = max ? max : SIZE_MAX;
	if (ds_open_input(path, &w->fd, NULL, err)) {
		free(w);
		return NULL;
	}
	w->own_fd = strcmp(path, "-") != 0;
	if (!(w->in = cli_instream_open(w->fd, w->name))) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		cli_warc_close(w);
		return NULL;
	}
	w->f = cli_instream_file(w->in);
	return w;
}

int cli_warc_next(struct cli_warc *w, struct cli_warc_page *pg)
{
	memset(pg, 0, sizeof *pg);
	while (!w->done && read_head(w) > 0) {
		struct ds_warc_head h;
		struct ds_err err = {0};
		const char *why;
		char *block;
		int rc;
		pg->record = ++w->records;
		if (ds_warc_head_parse(w->head.data, w->head.len, &h, &err)) {
			char msg[600];
			/* where the next record starts is unknown */
			snprintf(msg, sizeof msg, "record %llu: %s", (unsigned long long)w->records,
				 err.msg);
			return fail(w, msg);
		}
		if (h.length > w->max) {
			if (skip(w, h.length)) {
				char msg[100];
				snprintf(msg, sizeof msg, "record %llu cut short",
					 (unsigned long long)w->records);
				return fail(w, msg);
			}
			count_why(w, "larger than --max-size");
			continue;
		}
		if (!(block = malloc((size_t)h.length + 1)))
			return -1;
		if (fread(block, 1, (size_t)h.length, w->f) != h.length) {
			char msg[100];
			free(block);
			snprintf(msg, sizeof msg, "record %llu cut short", (unsigned long long)w->records);
			return fail(w, msg);
		}
		if (h.uri[0])
			snprintf(pg->id, sizeof pg->id, "%s", h.uri);
		else
			snprintf(pg->id, sizeof pg->id, "%s#%llu", w->name,
				 (unsigned long long)w->records);
		rc = ds_warc_page(&h, block, (size_t)h.length, w->max == SIZE_MAX ? 0 : w->max,
				  &pg->body, &pg->len, &pg->kind, &why, &err);
		free(block);
		if (rc == DS_ENOMEM)
			return -1;
		if (rc) {
			/* this record's page; the next record is found all the same */
			snprintf(pg->err, sizeof pg->err, "%.300s: record %llu (%.150s): %.200s", w->name,
				 (unsigned long long)w->records, pg->id, err.msg);
			return 1;
		}
		if (pg->kind == DS_WARC_NONE) {
			count_why(w, why);
			continue;
		}
		w->pages++;
		return 1;
	}
	return 0;
}

const char *cli_warc_error(const struct cli_warc *w)
{
	return w->err;
}

const char *cli_warc_stream_error(const struct cli_warc *w)
{
	return w->in ? cli_instream_error(w->in) : "";
}

int cli_warc_counts(const struct cli_warc *w, struct ds_buf *b)
{
	int rc = ds_buf_printf(b, "%llu page%s of %llu record%s", (unsigned long long)w->pages,
			       w->pages == 1 ? "" : "s", (unsigned long long)w->records,
			       w->records == 1 ? "" : "s");
	for (int i = 0; rc == 0 && i < NWHY && w->why[i]; i++)
		rc = ds_buf_printf(b, "%s%llu %s", i ? ", " : "; left out: ",
				   (unsigned long long)w->nwhy[i], w->why[i]);
	return rc ? DS_ENOMEM : 0;
}

void cli_warc_close(struct cli_warc *w)
{
	if (!w)
		return;
	cli_instream_close(w->in);
	if (w->own_fd && w->fd >= 0)
		close(w->fd);
	ds_buf_free(&w->head);
	free(w);
}

int cli_warc_named(const char *path)
{
	static const char *const ends[] = {".warc", ".warc.gz", ".warc.zst"};
	size_t n = strlen(path);
	for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
		size_t e = strlen(ends[k]);
		if (n > e && strcasecmp(path + n - e, ends[k]) == 0)
			return 1;
	}
	return 0;
}

int cli_warc_sniff(const char *path)
{
	struct ds_err err = {0};
	struct cli_instream *in;
	char buf[8];
	int fd, is = 0;
	struct stat st;
	/* a pipe's bytes would be gone */
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    ds_open_input(path, &fd, NULL, &err))
		return 0;
	if ((in = cli_instream_open(fd, path)) != NULL) {
		size_t got = fread(buf, 1, 7, cli_instream_file(in));
		is = ds_warc_is(buf, got);
		cli_instream_close(in);
	}
	close(fd);
	return is;
}
