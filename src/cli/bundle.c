/* bundle.c - files that hold many inputs, read as records (see bundle.h). */
#include "bundle.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../warc.h"

struct cli_bundle {
	int kind;
	char name[1024];
	struct cli_warc *warc;       /* CLI_BUNDLE_PAGES */
	struct cli_records *records; /* CLI_BUNDLE_RECORDS */
};

int cli_bundle_named(const char *path)
{
	return cli_warc_named(path)	     ? CLI_BUNDLE_PAGES
	       : cli_records_named(path) ? CLI_BUNDLE_RECORDS
					 : CLI_BUNDLE_NONE;
}

int cli_bundle_found(const char *path, int read_rc, const char *text, size_t len)
{
	if (read_rc)
		return cli_warc_sniff(path) ? CLI_BUNDLE_PAGES : CLI_BUNDLE_NONE;
	return ds_warc_is(text, len)	       ? CLI_BUNDLE_PAGES
	       : cli_records_like(text, len) ? CLI_BUNDLE_RECORDS
					     : CLI_BUNDLE_NONE;
}

struct cli_bundle *cli_bundle_open(const char *path, int kind, size_t max, struct ds_err *err)
{
	struct cli_bundle *b = calloc(1, sizeof *b);
	const char *name = cli_input_name(path);
	if (!b) {
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	b->kind = kind;
	snprintf(b->name, sizeof b->name, "%s", name);
	if (kind == CLI_BUNDLE_PAGES ? !(b->warc = cli_warc_open(path, name, max, err))
				     : !(b->records = cli_records_open_file(path, name, max, err))) {
		free(b);
		return NULL;
	}
	return b;
}

struct cli_bundle *cli_bundle_stdin(size_t max)
{
	struct cli_bundle *b = calloc(1, sizeof *b);
	if (b && !(b->records = cli_records_open(max))) {
		free(b);
		return NULL;
	}
	if (b) {
		b->kind = CLI_BUNDLE_RECORDS;
		snprintf(b->name, sizeof b->name, "stdin");
	}
	return b;
}

/* The text judged of an archive's page, as cli_text_of reads a file's, in
 * rec; 0, or -1 when out of memory. */
static int page_record(struct cli_warc_page *pg, struct cli_record *rec)
{
	struct ds_err err = {0};
	char *t = NULL;
	size_t n = 0;
	memset(rec, 0, sizeof *rec);
	rec->line = (size_t)pg->record;
	if (!(rec->id = strdup(pg->id))) {
		free(pg->body);
		return -1;
	}
	if (pg->err[0]) {
		ds_msg_fit(rec->err, sizeof rec->err, pg->err);
		return 0;
	}
	if (cli_text_of(pg->id, pg->body, pg->len, pg->kind == DS_WARC_HTML, &t, &n, NULL,
			&rec->page, &err)) {
		ds_msg_fit(rec->err, sizeof rec->err, err.msg);
		free(pg->body);
		return 0;
	}
	rec->text = t ? t : pg->body;
	rec->len = t ? n : pg->len;
	if (t)
		free(pg->body);
	return 0;
}

int cli_bundle_next(struct cli_bundle *b, struct cli_record *rec)
{
	struct cli_warc_page pg;
	int got;
	if (b->records)
		return cli_records_next(b->records, rec);
	if ((got = cli_warc_next(b->warc, &pg)) <= 0)
		return got;
	return page_record(&pg, rec) ? -1 : 1;
}

int cli_bundle_kind(const struct cli_bundle *b)
{
	return b->kind;
}

const char *cli_bundle_name(const struct cli_bundle *b)
{
	return b->name;
}

const char *cli_bundle_failure(const struct cli_bundle *b)
{
	if (b->records)
		return cli_records_error(b->records);
	return cli_warc_error(b->warc)[0] ? cli_warc_error(b->warc) : cli_warc_stream_error(b->warc);
}

/* The counts of archive w, named name, in a note. */
static void warc_note(const struct cli_warc *w, const char *name, const char *what)
{
	struct ds_buf buf = DS_BUF_INIT;
	if (cli_warc_counts(w, &buf) == 0)
		cli_note("%s: %s%s%s", name, what ? what : "", what ? ": " : "", buf.data);
	ds_buf_free(&buf);
}

void cli_bundle_note(const struct cli_bundle *b, const char *what)
{
	if (b->warc)
		warc_note(b->warc, b->name, what);
}

int cli_warc_finish(const struct cli_warc *w, const char *name, const char *what, int quiet)
{
	const char *fail[2] = {cli_warc_error(w), cli_warc_stream_error(w)};
	int n = 0;
	for (int k = 0; k < 2; k++)
		if (fail[k][0]) {
			cli_error("%s", fail[k]);
			n++;
		}
	if (!quiet)
		warc_note(w, name, what);
	return n;
}

int cli_bundle_finish(const struct cli_bundle *b, const char *what, int quiet)
{
	if (b->warc)
		return cli_warc_finish(b->warc, b->name, what, quiet);
	if (!cli_records_error(b->records)[0])
		return 0;
	cli_error("%s", cli_records_error(b->records));
	return 1;
}

void cli_bundle_close(struct cli_bundle *b)
{
	if (!b)
		return;
	cli_warc_close(b->warc);
	cli_records_close(b->records);
	free(b);
}
