/* cmd_report.c - despin report --html: one self-contained page for an audit. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan.h"
#include "../report.h"

static const char USAGE[] =
	"despin report --html OUT.html [-i INDEX | -s SOURCE... | --solo] [--models DIR] FILE...\n"
	"\n"
	"Writes one self-contained HTML page (no network resources) for an audit:\n"
	"a sortable table of the articles with verdict, score and source, and per\n"
	"article the text beside its source with the substitutions highlighted\n"
	"and their originals shown.  The page is written to a temporary file and\n"
	"renamed to OUT.html when complete.";

struct report_ctx {
	struct ds_result **res;
	size_t n, cap;
	int flagged, nerr;
};

static int collect(void *ctx, const char *name, struct ds_result *r, const char *err)
{
	struct report_ctx *c = ctx;
	if (!r) {
		cli_error("%s", err);
		c->nerr++;
		return 0;
	}
	if (ds_grow(&c->res, &c->cap, c->n + 1, sizeof *c->res)) {
		cli_error("%s: out of memory", name);
		ds_result_free(r);
		return 1;
	}
	c->flagged |= ds_result_spun(r);
	c->res[c->n++] = r;
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		SCAN_LONG_OPTIONS,
		{"html", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct scan_opts so;
	struct report_ctx ctx = {0};
	const char *out = NULL;
	struct ds_err err = {0};
	int c, rc;
	memset(&so, 0, sizeof so);
	so.need_scorer = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:s:j:o:h", opts, NULL)) != -1) {
		int k = scan_common_opt(&so, c, optarg);
		if (k < 0)
			return EXIT_ERROR;
		if (k)
			continue;
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage("despin report --html OUT.html FILE...");
		}
	}
	if (!out || (optind >= argc && !so.stdin_json))
		return cli_usage("despin report --html OUT.html FILE...");
	rc = scan_run(&so, argv + optind, argc - optind, collect, &ctx);
	if (rc >= 0 && ctx.n > 0) {
		if (ds_report_html(out, (const struct ds_result *const *)ctx.res, ctx.n, &err)) {
			cli_error("%s", err.msg);
			rc = -1;
		} else {
			fprintf(stderr, "despin: wrote %s (%zu article%s)\n", out, ctx.n,
				ctx.n == 1 ? "" : "s");
		}
	} else if (rc >= 0) {
		cli_error("no article could be scanned; %s not written", out);
		rc = -1;
	}
	for (size_t i = 0; i < ctx.n; i++)
		ds_result_free(ctx.res[i]);
	free(ctx.res);
	if (rc != 0)
		return EXIT_ERROR;
	return ctx.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}
