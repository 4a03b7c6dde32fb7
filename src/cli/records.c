/* records.c - JSON Lines records on standard input or in a file (see
 * records.h). */
#include "records.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "../despin.h"
#include "../json.h"
#include "cli.h"
#include "instream.h"

/* A record's text that is a web page or a MIME message becomes the text
 * judged (cli_text_of), with its map.  0, or an error code with err set. */
static int judged_text(struct cli_record *r, const char *src, struct ds_err *err)
{
	char *t, name[1100];
	size_t n;
	int rc;
	snprintf(name, sizeof name, "%s:%zu", src, r->line);
	rc = cli_text_of(name, r->text, r->len, r->html, &t, &n, NULL, &r->page, err);
	if (rc || !t)
		return rc;
	free(r->text);
	r->text = t;
	r->len = n;
	return 0;
}

static int member(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	struct cli_record *r = ctx;
	char **dst = NULL;
	if (strcmp(key, "id") == 0)
		dst = &r->id;
	else if ((strcmp(key, "text") == 0 || strcmp(key, "html") == 0) && is_string) {
		if (r->text && r->html != (key[0] == 'h'))
			return DS_EINVAL; /* both: one text per record */
		r->html = key[0] == 'h';
		dst = &r->text;
	}
	else if (strcmp(key, "date") == 0 && is_string)
		dst = &r->date;
	if (!dst)
		return 0;
	free(*dst);
	*dst = malloc(vlen + 1);
	if (!*dst)
		return DS_ENOMEM;
	memcpy(*dst, val, vlen + 1);
	if (dst == &r->text)
		r->len = vlen;
	return 0;
}

/* Reads one line of in (with its newline) into *line, keeping at most
 * keep bytes: the rest of a longer line is read and dropped, so an endless
 * line costs no more memory than the limit.  *total gets the line's full
 * length.  Returns the bytes kept, or -1 at the end of input. */
static ssize_t get_line_max(FILE *in, char **line, size_t *cap, size_t keep, size_t *total)
{
	size_t n = 0, t = 0;
	int c;
	flockfile(in);
	while ((c = getc_unlocked(in)) != EOF) {
		t++;
		if (n < keep) {
			if (n + 2 > *cap) {
				size_t nc = *cap ? *cap * 2 : 4096;
				char *p = realloc(*line, nc);
				if (!p)
					break;
				*line = p;
				*cap = nc;
			}
			(*line)[n++] = (char)c;
		}
		if (c == '\n')
			break;
	}
	funlockfile(in);
	*total = t;
	if (t == 0 || !*line)
		return -1;
	(*line)[n] = 0;
	return (ssize_t)n;
}

void cli_record_free(struct cli_record *rec)
{
	free(rec->id);
	free(rec->text);
	free(rec->date);
	ds_html_map_free(rec->page);
	rec->id = rec->text = rec->date = NULL;
	rec->page = NULL;
}

struct cli_records {
	struct cli_instream *in;
	int fd;          /* the file opened, or -1 (standard input) */
	size_t max, lineno;
	char name[1024]; /* the input's name in messages and default ids */
};

static struct cli_records *records_new(int fd, const char *name, size_t max)
{
	struct cli_records *rs = calloc(1, sizeof *rs);
	if (rs && !(rs->in = cli_instream_open(fd, name))) {
		free(rs);
		return NULL;
	}
	if (rs) {
		rs->max = max;
		rs->fd = -1;
		snprintf(rs->name, sizeof rs->name, "%s", name);
	}
	return rs;
}

struct cli_records *cli_records_open(size_t max)
{
	return records_new(STDIN_FILENO, "stdin", max);
}

struct cli_records *cli_records_open_file(const char *path, const char *name, size_t max,
					  struct ds_err *err)
{
	struct cli_records *rs;
	int fd;
	if (ds_open_input(path, &fd, NULL, err))
		return NULL;
	if (!(rs = records_new(fd, name, max))) {
		if (strcmp(path, "-") != 0)
			close(fd);
		ds_err_set(err, DS_ENOMEM, "out of memory");
		return NULL;
	}
	rs->fd = strcmp(path, "-") != 0 ? fd : -1;
	return rs;
}

int cli_records_named(const char *path)
{
	static const char *const ends[] = {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz",
					   ".jsonl.zst", ".ndjson.zst"};
	size_t n = strlen(path);
	for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
		size_t e = strlen(ends[k]);
		if (n > e && strcasecmp(path + n - e, ends[k]) == 0 && path[n - e - 1] != '/')
			return 1;
	}
	return 0;
}

/* Notes a "text" or "html" string member. */
static int has_text(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	(void)val;
	(void)vlen;
	if (is_string && (strcmp(key, "text") == 0 || strcmp(key, "html") == 0))
		*(int *)ctx = 1;
	return 0;
}

int cli_records_like(const char *s, size_t n)
{
	struct ds_err err = {0};
	const char *end;
	int text = 0;
	/* the first line that is not blank */
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	if (n == 0 || *s != '{')
		return 0;
	end = memchr(s, '\n', n);
	if (end)
		n = (size_t)(end - s);
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return ds_json_object(s, n, has_text, &text, &err) == 0 && text;
}

const char *cli_records_name(const struct cli_records *rs)
{
	return rs->name;
}

const char *cli_records_error(const struct cli_records *rs)
{
	return cli_instream_error(rs->in);
}

void cli_records_close(struct cli_records *rs)
{
	if (!rs)
		return;
	cli_instream_close(rs->in);
	if (rs->fd >= 0)
		close(rs->fd);
	free(rs);
}

int cli_records_next(struct cli_records *rs, struct cli_record *rec)
{
	FILE *in = cli_instream_file(rs->in);
	size_t max = rs->max, *lineno = &rs->lineno;
	char *line = NULL;
	/* JSON's escapes may double a text, and the id and date need room */
	size_t cap = 0, total = 0, limit = max * 2 + 1024;
	ssize_t n;
	int cut = 0;
	memset(rec, 0, sizeof *rec);
	for (;;) {
		n = get_line_max(in, &line, &cap, limit + 1, &total);
		if (n < 0) {
			free(line);
			return 0;
		}
		++*lineno;
		/* a last line without its newline where reading failed (a
		 * damaged compressed stream, a read error): the record was cut */
		cut = n > 0 && line[n - 1] != '\n' && ferror(in);
		/* blank lines (spaces and tabs too, as JSON allows around a
		 * value) hold no record */
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
				 line[n - 1] == '\t'))
			line[--n] = 0;
		if (n > 0)
			break;
	}
	rec->line = *lineno;
	if ((size_t)n > limit) {
		snprintf(rec->err, sizeof rec->err,
			 "%.300s:%zu: record of %zu bytes exceeds the limit of %zu bytes "
			 "(2 x --max-size + 1024)",
			 rs->name, rec->line, total, limit);
	} else {
		struct ds_err err = {0};
		int rc = ds_json_object(line, (size_t)n, member, rec, &err);
		if (rc == DS_EINVAL)
			snprintf(rec->err, sizeof rec->err,
				 "%.300s:%zu: a record with both \"text\" and \"html\"", rs->name, rec->line);
		else if (rc && cut)
			snprintf(rec->err, sizeof rec->err,
				 "%.300s:%zu: record cut short: the input failed inside it", rs->name,
				 rec->line);
		else if (rc)
			snprintf(rec->err, sizeof rec->err, "%.200s:%zu: %.280s", rs->name, rec->line,
				 err.msg);
		else if (!rec->text)
			snprintf(rec->err, sizeof rec->err,
				 "%.300s:%zu: record without a \"text\" or \"html\" string", rs->name,
				 rec->line);
		else if (judged_text(rec, rs->name, &err))
			snprintf(rec->err, sizeof rec->err, "%.500s", err.msg);
		else if (rec->date && (rc = ds_text_set_date(&rec->text, &rec->len, rec->date,
							     &rec->page)) != 0)
			snprintf(rec->err, sizeof rec->err, "%.300s:%zu: %s", rs->name, rec->line,
				 rc == DS_EINVAL ? "\"date\" is not a day of the calendar written YYYY-MM-DD"
				 : rc == DS_ETOOBIG ? "text too large" : "out of memory");
	}
	free(line);
	if (rec->err[0]) {
		free(rec->text);
		rec->text = NULL;
		rec->len = 0;
	}
	if (!rec->id || !rec->id[0]) {
		size_t idcap = strlen(rs->name) + 24;
		rec->no_id = rec->id ? 2 : 1;
		free(rec->id);
		rec->id = malloc(idcap);
		if (!rec->id) {
			cli_record_free(rec);
			return -1;
		}
		snprintf(rec->id, idcap, "%s:%zu", rs->name, rec->line);
	}
	return 1;
}
