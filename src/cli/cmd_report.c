/* cmd_report.c - despin report --html: one self-contained page for an audit. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "scan.h"
#include "../report.h"

static const char USAGE[] =
	"despin report --html OUT.html [-i INDEX | -s SOURCE... | --solo] [-j N]\n"
	"              [--threshold X] [--min-p P] [--models DIR] FILE...\n"
	"\n"
	"Writes one self-contained HTML page (no network resources, readable\n"
	"without scripts) for an audit: spun articles first, filters by verdict and\n"
	"by evidence kind, a legend, a sortable summary table, and per article its\n"
	"score and threshold, coverage and flags (each linked to its place), with\n"
	"the article beside its source in aligned sentence rows; clean articles\n"
	"are folded.  The page is written to a temporary file and renamed to\n"
	"OUT.html when complete ('--html -' writes it to standard output).\n"
	"-j N scores with N worker threads and\n"
	"--threshold X makes an article scoring X or more spun, as in 'despin\n"
	"scan'; also as there: --stdin-json, --max-size BYTES, --max-words N,\n"
	"--retry N, --progress, --all, --min-p P (the flags listed).";

struct report_ctx {
	struct ds_result **res;
	size_t n, cap;
	struct ds_report_failure *failed; /* name and reason: owned copies */
	size_t nfailed, failed_cap;
	int flagged;
};

/* Keeps an input that could not be scored for the page's list. */
static int keep_failure(struct report_ctx *c, const char *name, const char *err)
{
	size_t nl = strlen(name);
	const char *reason = err ? err : "cannot be scored";
	char *n2, *r2;
	/* the reason without the name it starts with */
	if (strncmp(reason, name, nl) == 0 && strncmp(reason + nl, ": ", 2) == 0)
		reason += nl + 2;
	if (ds_grow(&c->failed, &c->failed_cap, c->nfailed + 1, sizeof *c->failed))
		return -1;
	n2 = strdup(name);
	r2 = strdup(reason);
	if (!n2 || !r2) {
		free(n2);
		free(r2);
		return -1;
	}
	c->failed[c->nfailed++] = (struct ds_report_failure){n2, r2};
	return 0;
}

static int collect(void *ctx, const char *name, int record, struct ds_result *r,
		   const char *err)
{
	struct report_ctx *c = ctx;
	if (!r) {
		cli_error("%s", err);
		if (keep_failure(c, name, err)) {
			cli_error("%s: out of memory", name);
			return 1;
		}
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

/* Opens the page's file before any article is scanned, so that a page that
 * cannot be written (no such folder, no right to write there, a folder
 * by that name) is said at once, not after the whole scan: a new file or
 * a regular one is made as a temporary file beside it, renamed when the
 * page is written (removed if none is), with the mode, owner and group of
 * the file it replaces.  A device, a pipe or a link is
 * left to the end (page_write: a device or a pipe written in place, a
 * link's file replaced), so that none is touched by a scan that finds
 * nothing; a folder is refused now.  *f is open when 1 is
 * returned; 0 leaves it to the end; -1 after the error. */
/* A page written again keeps the permission bits, owner and group of the
 * file it replaces, there or behind a link (a private report stays
 * private). */
static void keep_mode(struct ds_afile *f, const char *out)
{
	struct stat st;
	if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
		ds_afile_chown(f, (long)st.st_uid, (long)st.st_gid);
		ds_afile_chmod(f, st.st_mode & 0777);
	}
}

static int page_open(struct ds_afile *f, const char *out)
{
	struct ds_err err = {0};
	struct stat st, lst;
	int there = lstat(out, &lst) == 0;
	if (there && !S_ISREG(lst.st_mode) &&
	    !(stat(out, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode) ||
				      S_ISSOCK(st.st_mode))))
		return 0;
	if (ds_afile_open(f, out, &err)) {
		cli_error("%s", err.msg);
		return -1;
	}
	keep_mode(f, out);
	return 1;
}

/* Renders the page and writes it: for '-' to standard output, where it
 * is and as it is (appended to with '>>', after what came before in it,
 * never opened again by a name); else into f, opened by page_open when
 * opened is set, and otherwise (what page_open left to the end) opened
 * now, then renamed or, written in place, closed.  0, or -1 after the
 * error; f is closed either way (its temporary file removed on an error). */
static int page_write(struct ds_afile *f, int opened, const char *out, const struct report_ctx *c)
{
	struct ds_buf b = DS_BUF_INIT;
	struct ds_err err = {0};
	int rc = 0;
	if (ds_report_render(&b, (const struct ds_result *const *)c->res, c->n, c->failed,
			     c->nfailed)) {
		if (opened)
			ds_afile_abort(f);
		cli_error("out of memory rendering the page");
		rc = -1;
	} else if (strcmp(out, "-") == 0) {
		if (fwrite(b.data, 1, b.len, stdout) != b.len || cli_stdout_failed())
			rc = -1;
	} else if (!opened && ds_afile_open(f, out, &err)) {
		cli_error("%s", err.msg);
		rc = -1;
	} else {
		if (!opened)
			keep_mode(f, out);
		ds_afile_write(f, b.data, b.len);
		if (ds_afile_commit(f, &err)) {
			cli_error("%s", err.msg);
			rc = -1;
		}
	}
	ds_buf_free(&b);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		SCAN_LONG_OPTIONS,
		SCAN_MIN_P_OPTION,
		{"html", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct scan_opts so;
	struct report_ctx ctx = {0};
	const char *out = NULL;
	struct ds_afile page;
	int c, rc, opened = 0;
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
	if (!*out) {
		/* said now, not after every article was scanned */
		cli_error("--html takes the name of the page to write, not an empty one");
		return EXIT_ERROR;
	}
	/* said before any article is scanned: the page would replace one (a
	 * page of an earlier run is skipped instead: cli_output_is_input) */
	if (cli_output_is_input(out, (const char *const *)(argv + optind), (size_t)(argc - optind)) ||
	    cli_output_is_input(out, so.sources, so.nsources) ||
	    cli_output_is_input(out, &so.index, 1))
		return EXIT_ERROR;
	if (strcmp(out, "-") != 0 && (opened = page_open(&page, out)) < 0)
		return EXIT_ERROR;
	rc = scan_run(&so, argv + optind, argc - optind, collect, &ctx);
	if (rc >= 0 && ctx.n > 0) {
		int failed = page_write(&page, opened, out, &ctx);
		opened = 0; /* renamed, or removed */
		if (failed)
			rc = -1;
		else
			fprintf(stderr, "despin: wrote %s (%zu article%s)\n",
				strcmp(out, "-") == 0 ? "standard output" : cli_name(out), ctx.n,
				ctx.n == 1 ? "" : "s");
	} else if (rc >= 0) {
		cli_error("no article could be scanned; %s not written", out);
		rc = -1;
	}
	if (opened)
		ds_afile_abort(&page); /* no page: nothing made */
	for (size_t i = 0; i < ctx.n; i++)
		ds_result_free(ctx.res[i]);
	free(ctx.res);
	for (size_t i = 0; i < ctx.nfailed; i++) {
		free((char *)ctx.failed[i].name);
		free((char *)ctx.failed[i].reason);
	}
	free(ctx.failed);
	if (rc != 0)
		return EXIT_ERROR;
	return ctx.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}
