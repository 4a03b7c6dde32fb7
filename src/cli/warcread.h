/*
 * warcread.h - the pages of a WARC archive read as a stream, one record at
 * a time (warc.h parses each record), for despin warc and for the commands
 * that take an archive among their articles (scan, explain, restore,
 * report) or their sources (index add).  A gzip or zstd archive is decoded
 * on the way (instream.h); memory is one record's, whatever the archive's
 * size.  Command-line code that never prints: the caller says the
 * messages it is given.
 */
#ifndef DS_CLI_WARCREAD_H
#define DS_CLI_WARCREAD_H

#include <stddef.h>
#include <stdint.h>

#include "../despin.h"
#include "../util.h"
#include "../warc.h"

/* An archive being read; owned by its opener (cli_warc_close). */
struct cli_warc;

/* One record's page, or why it has none that can be read. */
struct cli_warc_page {
	char id[2100];          /* its target URI, or "ARCHIVE#N" when it has none */
	uint64_t record;        /* the record's number in the archive, from 1 */
	enum ds_warc_kind kind; /* DS_WARC_HTML or DS_WARC_TEXT */
	char *body;             /* the page (NUL-terminated), the caller's to
				 * free; NULL when err is set */
	size_t len;
	char err[700];          /* "ARCHIVE: record N (URI): why", or "" */
};

/* Opens the archive at path ("-": standard input), named name in the
 * messages; records larger than max bytes (0: no limit) are left out and
 * counted.  NULL with err set when it cannot be opened or memory is out. */
struct cli_warc *cli_warc_open(const char *path, const char *name, size_t max,
			       struct ds_err *err);

/* Reads on to the next page: returns 1 with *pg filled, a page or a record
 * whose page cannot be read (pg->err; the records after it are read all
 * the same), 0 at the end of the archive or where it failed
 * (cli_warc_error), -1 when out of memory.  Records that hold no page
 * (requests, redirects, images, ...) are passed over and counted. */
int cli_warc_next(struct cli_warc *w, struct cli_warc_page *pg);

/* Why the archive ended before its end, as one line naming it ("ARCHIVE:
 * record 4 cut short", "ARCHIVE: not a WARC archive ..."), or "". */
const char *cli_warc_error(const struct cli_warc *w);
/* Why its stream failed, when it did ("ARCHIVE: gzip data cut short"),
 * or "". */
const char *cli_warc_stream_error(const struct cli_warc *w);

/* Appends "N pages of N records" and, when records were left out,
 * "; left out: N request, N redirect, ..." to b; 0 or DS_ENOMEM. */
int cli_warc_counts(const struct cli_warc *w, struct ds_buf *b);

/* Closes the archive (and the file it opened). */
void cli_warc_close(struct cli_warc *w);

/* 1 when path is named as a WARC archive is (.warc, .warc.gz, .warc.zst,
 * any case), 0 if not. */
int cli_warc_named(const char *path);

/* 1 when the file at path (not standard input) holds a WARC archive by its
 * first bytes, decoded when it is gzip or zstd data; 0 if not, when it is
 * not a regular file (a pipe's bytes would be lost) or cannot be read. */
int cli_warc_sniff(const char *path);

#endif
