/* cmd_warc.c - despin warc: the web pages of WARC archives as the JSON
 * Lines records that scan, index add and submit read with --stdin-json
 * (warc.h parses; this reads the archives as streams, a record at a
 * time). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "instream.h"
#include "../text.h"
#include "../util.h"
#include "../warc.h"

static const char USAGE[] =
	"despin warc [-q] [--max-size BYTES] FILE...\n"
	"\n"
	"Prints the web pages of WARC archives (ISO 28500, as crawlers write them:\n"
	".warc, or compressed, .warc.gz or .warc.zst; folders of them, '-' for\n"
	"standard input) as the JSON Lines records\n"
	"that 'despin scan --stdin-json', 'index add --stdin-json' and 'submit\n"
	"--stdin-json' read: {\"id\": URI, \"html\": PAGE}, one a line, in archive\n"
	"order (\"text\" instead of \"html\" for a text/plain page).  A page is a\n"
	"response record of HTTP status 200 whose body is HTML or plain text\n"
	"(chunked transfer and gzip or zstd content encodings undone), or a\n"
	"resource record of those types; its id is the record's target URI.  An\n"
	"archive is read as a stream, one record at a time, whatever its size.\n"
	"Then a line on standard error counts each archive's pages and the\n"
	"records left out, by why.\n"
	"\n"
	"  -q              no counts\n"
	"  --max-size BYTES\n"
	"                  the largest record read (default 64 MiB): a larger one\n"
	"                  is left out, and counted\n"
	"\n"
	"  despin warc crawl.warc.gz | despin scan --solo --stdin-json\n"
	"\n"
	"Exit status: 0, or 2 when an archive or a record could not be read (the\n"
	"other pages, and those before the damage, are printed).";

/* A header block larger than this is no WARC header. */
#define HEAD_MAX ((size_t)1 << 20)

/* Why records were left out, counted (at most this many distinct reasons;
 * warc.h's are fewer). */
#define NWHY 16

struct warc_opts {
	int quiet;  /* -q */
	size_t max; /* --max-size */
	int nerr;   /* inputs and records that failed, over the archives */
};

/* One archive as it is read. */
struct warc_file {
	const char *name;
	FILE *in;
	uint64_t records, pages;
	const char *why[NWHY];
	uint64_t nwhy[NWHY];
	struct ds_buf head, out;
};

static void count_why(struct warc_file *w, const char *why)
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

/* Reads the next record's header block into w->head (blank lines between
 * records passed over).  1 with a block, 0 at the end of the archive, -1
 * when it is no header (said). */
static int read_head(struct warc_file *w)
{
	char line[8192];
	w->head.len = 0;
	for (;;) {
		if (!fgets(line, sizeof line, w->in)) {
			if (w->head.len == 0)
				return 0;
			cli_error("%s: record %llu: header cut short", w->name,
				  (unsigned long long)w->records + 1);
			return -1;
		}
		if (w->head.len == 0 && (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n')))
			continue; /* the line ends after a block */
		if (ds_buf_puts(&w->head, line) || w->head.len > HEAD_MAX) {
			cli_error("%s: record %llu: %s", w->name, (unsigned long long)w->records + 1,
				  w->head.len > HEAD_MAX ? "header block too large" : "out of memory");
			return -1;
		}
		if (w->head.len == strlen(line) && !ds_warc_is(line, strlen(line))) {
			cli_error("%s: not a WARC archive (record %llu does not start with WARC/1.x)",
				  w->name, (unsigned long long)w->records + 1);
			return -1;
		}
		if (strcmp(line, "\r\n") == 0 || strcmp(line, "\n") == 0)
			return 1;
	}
}

/* Passes over n bytes of w->in: 0, or -1 when it ends first. */
static int skip(struct warc_file *w, uint64_t n)
{
	char buf[65536];
	while (n > 0) {
		size_t want = n < sizeof buf ? (size_t)n : sizeof buf, got = fread(buf, 1, want, w->in);
		if (got == 0)
			return -1;
		n -= got;
	}
	return 0;
}

/* Prints the record of a page (kind, text p of n bytes) named id. */
static int print_page(struct warc_file *w, const char *id, enum ds_warc_kind kind, const char *p,
		      size_t n)
{
	char *u8 = NULL;
	size_t u8n;
	struct ds_err err = {0};
	/* JSON holds UTF-8: other bytes are read as Windows-1252, as scan
	 * reads a file */
	if (ds_text_legacy_bytes(p, n, NULL) && ds_text_from_1252(p, n, &u8, &u8n, NULL, &err) == 0) {
		p = u8;
		n = u8n;
	}
	w->out.len = 0;
	if (ds_buf_puts(&w->out, "{\"id\":\"") || ds_buf_json_str(&w->out, id, strlen(id)) ||
	    ds_buf_puts(&w->out, kind == DS_WARC_HTML ? "\",\"html\":\"" : "\",\"text\":\"") ||
	    ds_buf_json_str(&w->out, p, n) || ds_buf_puts(&w->out, "\"}\n")) {
		free(u8);
		return -1;
	}
	free(u8);
	fwrite(w->out.data, 1, w->out.len, stdout);
	return 0;
}

static int warc_archive(const char *path, void *vo)
{
	struct warc_opts *o = vo;
	struct warc_file w;
	struct ds_err err = {0};
	struct cli_instream *in;
	int fd, got;

	memset(&w, 0, sizeof w);
	w.name = cli_input_name(path);
	if (ds_open_input(path, &fd, NULL, &err)) {
		cli_error("%s", err.msg);
		o->nerr++;
		return 0;
	}
	if (!(in = cli_instream_open(fd, w.name))) {
		cli_error("out of memory");
		o->nerr++;
		goto close_fd;
	}
	w.in = cli_instream_file(in);
	while ((got = read_head(&w)) > 0) {
		struct ds_warc_head h;
		char *block, *page, id[2100];
		size_t plen;
		enum ds_warc_kind kind;
		const char *why;
		int rc;
		w.records++;
		if (ds_warc_head_parse(w.head.data, w.head.len, &h, &err)) {
			cli_error("%s: record %llu: %s", w.name, (unsigned long long)w.records, err.msg);
			o->nerr++;
			break; /* where the next record starts is unknown */
		}
		if (h.length > o->max) {
			if (skip(&w, h.length)) {
				cli_error("%s: record %llu cut short", w.name, (unsigned long long)w.records);
				o->nerr++;
				break;
			}
			count_why(&w, "larger than --max-size");
			continue;
		}
		if (!(block = malloc((size_t)h.length + 1))) {
			cli_error("out of memory");
			o->nerr++;
			break;
		}
		if (fread(block, 1, (size_t)h.length, w.in) != h.length) {
			cli_error("%s: record %llu cut short", w.name, (unsigned long long)w.records);
			free(block);
			o->nerr++;
			break;
		}
		if (h.uri[0])
			snprintf(id, sizeof id, "%s", h.uri);
		else
			snprintf(id, sizeof id, "%s#%llu", w.name, (unsigned long long)w.records);
		rc = ds_warc_page(&h, block, (size_t)h.length, o->max, &page, &plen, &kind, &why, &err);
		free(block);
		if (rc) {
			/* one record's page; the next record is found all the same */
			cli_error("%s: record %llu (%s): %s", w.name, (unsigned long long)w.records, id,
				  err.msg);
			o->nerr++;
			continue;
		}
		if (kind == DS_WARC_NONE) {
			count_why(&w, why);
			continue;
		}
		rc = print_page(&w, id, kind, page, plen);
		free(page);
		if (rc) {
			cli_error("out of memory");
			o->nerr++;
			break;
		}
		w.pages++;
	}
	if (got < 0)
		o->nerr++;
	if (cli_instream_error(in)[0]) {
		cli_error("%s", cli_instream_error(in));
		o->nerr++;
	}
	if (!o->quiet) {
		struct ds_buf b = DS_BUF_INIT;
		for (int i = 0; i < NWHY && w.why[i]; i++)
			ds_buf_printf(&b, "%s%llu %s", i ? ", " : "; left out: ",
				      (unsigned long long)w.nwhy[i], w.why[i]);
		cli_note("%s: %llu page%s of %llu record%s%s", w.name, (unsigned long long)w.pages,
			 w.pages == 1 ? "" : "s", (unsigned long long)w.records,
			 w.records == 1 ? "" : "s", b.data ? b.data : "");
		ds_buf_free(&b);
	}
	cli_instream_close(in);
	ds_buf_free(&w.head);
	ds_buf_free(&w.out);
close_fd:
	if (strcmp(path, "-") != 0)
		close(fd);
	return 0;
}

int cmd_warc(int argc, char **argv)
{
	static const struct option longopts[] = {{"max-size", required_argument, NULL, 'S'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	struct warc_opts o = {0, DS_DOC_MAX_BYTES_DEFAULT, 0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': o.quiet = 1; break;
		case 'S':
			if (cli_parse_size("--max-size", optarg, 1, (size_t)1 << 40, &o.max))
				return EXIT_ERROR;
			break;
		case 'h': return puts(USAGE), EXIT_CLEAN;
		default: return cli_usage("despin warc [-q] [--max-size BYTES] FILE...");
		}
	}
	if (optind >= argc)
		return cli_usage("despin warc [-q] [--max-size BYTES] FILE...");
	cli_walk(argv + optind, argc - optind, warc_archive, &o, &o.nerr);
	if (cli_stdout_failed())
		return EXIT_ERROR;
	return o.nerr ? EXIT_ERROR : EXIT_CLEAN;
}
