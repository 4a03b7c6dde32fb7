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
#include "bundle.h"
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
	"scan, explain, restore, report and index add read an archive named among\n"
	"their files the same way, without the pipe.\n"
	"\n"
	"Exit status: 0, or 2 when an archive or a record could not be read (the\n"
	"other pages, and those before the damage, are printed).";

struct warc_opts {
	int quiet;  /* -q */
	size_t max; /* --max-size */
	int nerr;   /* inputs and records that failed, over the archives */
};

/* Prints the record of a page (kind, text p of n bytes) named id. */
static int print_page(struct ds_buf *out, const char *id, enum ds_warc_kind kind, const char *p,
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
	out->len = 0;
	if (ds_buf_puts(out, "{\"id\":\"") || ds_buf_json_str(out, id, strlen(id)) ||
	    ds_buf_puts(out, kind == DS_WARC_HTML ? "\",\"html\":\"" : "\",\"text\":\"") ||
	    ds_buf_json_str(out, p, n) || ds_buf_puts(out, "\"}\n")) {
		free(u8);
		return -1;
	}
	free(u8);
	fwrite(out->data, 1, out->len, stdout);
	return 0;
}

static int warc_archive(const char *path, void *vo)
{
	struct warc_opts *o = vo;
	struct ds_err err = {0};
	struct ds_buf out = DS_BUF_INIT;
	struct cli_warc_page pg;
	const char *name = cli_input_name(path);
	struct cli_warc *w = cli_warc_open(path, name, o->max, &err);
	int got;
	if (!w) {
		cli_error("%s", err.msg);
		o->nerr++;
		return 0;
	}
	while ((got = cli_warc_next(w, &pg)) > 0) {
		if (pg.err[0]) {
			cli_error("%s", pg.err);
			o->nerr++;
			continue;
		}
		got = print_page(&out, pg.id, pg.kind, pg.body, pg.len);
		free(pg.body);
		if (got)
			break;
	}
	if (got < 0) {
		cli_error("out of memory");
		o->nerr++;
	}
	o->nerr += cli_warc_finish(w, name, NULL, o->quiet);
	cli_warc_close(w);
	ds_buf_free(&out);
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
