/*
 * bundle.h - files that hold many inputs of their own: a WARC archive's
 * web pages (warcread.h) and a file of JSON Lines records (records.h; or
 * standard input's records, --stdin-json).  Whatever the file, its inputs
 * are read one at a time as records (struct cli_record): an id, the text
 * judged (a page's text, with its map), or why it cannot be used.  scan,
 * index add and submit read them through this, as articles or sources.
 * Command-line code: cli_bundle_finish and cli_warc_finish say messages.
 */
#ifndef DS_CLI_BUNDLE_H
#define DS_CLI_BUNDLE_H

#include <stddef.h>

#include "records.h"
#include "warcread.h"

/* What a file holds. */
enum { CLI_BUNDLE_NONE = 0, CLI_BUNDLE_PAGES = 1, CLI_BUNDLE_RECORDS = 2 };

/* What the file at path holds by its name (cli_warc_named,
 * cli_records_named): CLI_BUNDLE_... */
int cli_bundle_named(const char *path);
/* What it holds by its bytes, once read: read_rc 0 and its text (len
 * bytes) when it was read as one input (a WARC header, a first line that
 * is a record), else the read failed and its first bytes are looked at
 * (cli_warc_sniff: an archive too large to read whole). */
int cli_bundle_found(const char *path, int read_rc, const char *text, size_t len);

struct cli_bundle;

/* Opens the file at path as kind (CLI_BUNDLE_PAGES or _RECORDS), records
 * up to max bytes; NULL with err set when it cannot be. */
struct cli_bundle *cli_bundle_open(const char *path, int kind, size_t max, struct ds_err *err);
/* Standard input's records (--stdin-json); NULL when out of memory. */
struct cli_bundle *cli_bundle_stdin(size_t max);

/* The next input: 1 with *rec (cli_record_free; rec->err says why it
 * cannot be used, the next is read all the same), 0 at the end or where
 * the file failed (cli_bundle_failure), -1 when out of memory.  A page's
 * id is its URI; a record's its "id" (records.h). */
int cli_bundle_next(struct cli_bundle *b, struct cli_record *rec);

/* Its kind (CLI_BUNDLE_PAGES, _RECORDS) and name ("stdin" for standard
 * input's records). */
int cli_bundle_kind(const struct cli_bundle *b);
const char *cli_bundle_name(const struct cli_bundle *b);

/* Why the file ended before its end, one line naming it, or "". */
const char *cli_bundle_failure(const struct cli_bundle *b);
/* Notes an archive's counts ("NAME: WHAT: N pages of N records; left out:
 * ..."; what may be NULL) on standard error; nothing for records. */
void cli_bundle_note(const struct cli_bundle *b, const char *what);
/* At its end: says why it ended early (an archive may say two lines: its
 * record's and its stream's), then, unless quiet, cli_bundle_note.
 * Returns the errors said. */
int cli_bundle_finish(const struct cli_bundle *b, const char *what, int quiet);

void cli_bundle_close(struct cli_bundle *b);

/* cli_bundle_finish for a WARC archive read page by page (despin warc),
 * named name. */
int cli_warc_finish(const struct cli_warc *w, const char *name, const char *what, int quiet);

#endif
