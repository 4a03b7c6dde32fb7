/*
 * records.h - the JSON Lines records the command line reads on standard
 * input (scan --stdin-json, index add --stdin-json) or in a file named
 * among its inputs (records.jsonl, found by its name or its first line):
 * one object a line,
 * {"id": ..., "text": ..., "date": ...}; blank lines are skipped.  A text
 * that is a web page (ds_html_is), or one given as "html" instead of
 * "text" (a page or a fragment of one), is replaced by the page's text,
 * with the page's map in page.  A "date" (YYYY-MM-DD) becomes the text's
 * date header, over the one the text has (a page's publication date); the
 * text then has a map in page too, which gives offsets in the record's
 * text (ds_text_set_date).
 */
#ifndef DS_CLI_RECORDS_H
#define DS_CLI_RECORDS_H

#include <stddef.h>

#include "../despin.h"

struct cli_record {
	char *id;        /* the "id" member (string or number), or "NAME:LINE" */
	int no_id;       /* 1: the record has no "id", 2: an empty one; either
			  * way id is "NAME:LINE" ("stdin:LINE") */
	char *text;      /* the "text" string (NULL when err is set) */
	size_t len;
	char *date;      /* the "date" string, or NULL */
	struct ds_html_map *page; /* where text comes from in the record's page or
				   * text (a page, a date header), or NULL */
	int html;        /* given as "html" */
	size_t line;     /* its line number on the input */
	char err[512];   /* why the record cannot be used ("" when it can) */
};

/* The records of standard input or a file, read as they come; a gzip or
 * zstd stream is decoded on the way (instream.h).  Owned by its caller:
 * cli_records_close. */
struct cli_records;

/* A reader of standard input's records, for texts of up to max bytes
 * (--max-size); NULL when out of memory.  Its messages and the ids of
 * records without one say "stdin:LINE". */
struct cli_records *cli_records_open(size_t max);
/* A reader of the records of the file at path ("-": standard input), named
 * name in its messages and default ids ("NAME:LINE"); NULL with err set
 * when the file cannot be opened or memory is out. */
struct cli_records *cli_records_open_file(const char *path, const char *name, size_t max,
					  struct ds_err *err);
/* The input's name ("stdin", or the file's). */
const char *cli_records_name(const struct cli_records *rs);
/* 1 when path is named as a file of JSON Lines records (.jsonl, .ndjson,
 * compressed: .jsonl.gz, .jsonl.zst, ...), 0 if not. */
int cli_records_named(const char *path);
/* 1 when the text s (n bytes) reads as JSON Lines records: its first line
 * that is not blank is a JSON object with a "text" or "html" string. */
int cli_records_like(const char *s, size_t n);

/* Reads the next record: a line longer than twice max and 1 KiB is read to
 * its end and dropped (memory stays bounded) and gets an error that gives
 * the limit, as does a line that is not a JSON object with a "text" string
 * or one the input's failure cut.  Returns 1 with *rec filled (free with
 * cli_record_free), 0 at the end of input (or at its failure:
 * cli_records_error), -1 when out of memory. */
int cli_records_next(struct cli_records *rs, struct cli_record *rec);

/* Why the input ended early, one line naming it ("stdin: gzip data cut
 * short"), or "" when it ended with its data. */
const char *cli_records_error(const struct cli_records *rs);

void cli_records_close(struct cli_records *rs);
void cli_record_free(struct cli_record *rec);

#endif
