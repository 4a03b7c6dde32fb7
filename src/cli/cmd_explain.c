/* cmd_explain.c - despin explain and despin restore: an article with its
 * flagged substitutions shown in place, or put back to the originals. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "scan.h"

static const char EXPLAIN_USAGE[] =
	"despin explain [-s SOURCE | -i INDEX | --solo] [--color WHEN] [--all] [-m MODELS] FILE...\n"
	"\n"
	"Prints each article with every flagged substitution highlighted and the\n"
	"original it most likely replaced beside it, then the list of flags with\n"
	"their evidence, the score and the source.  Without -s or -i, several\n"
	"files are compared with one another as in 'despin scan'.  Colour is used\n"
	"on a terminal unless NO_COLOR is set (--color always|never|auto).\n"
	"Without colour a flag backed by the source reads [spun words -> original]\n"
	"and a flag of the language model alone reads {spun words ~> original? p}\n"
	"with its probability p of being a spinner's substitution.";

static const char RESTORE_USAGE[] =
	"despin restore [-s SOURCE | -i INDEX | --solo] [--diff] [--min-p P] [-m MODELS] FILE...\n"
	"\n"
	"Prints each article with its flagged substitutions replaced by their\n"
	"proposed originals (capitalisation kept), so that an auditor reads what\n"
	"the source most likely said.  Only flags whose probability of being a\n"
	"spinner's substitution is at least P (0.8) are put back; how many were\n"
	"left is said on standard error.  --diff prints only the changed lines, as\n"
	"'-' (article) and '+' (restored) pairs with their line numbers.";

struct explain_out {
	int color;
	int restore;
	int diff;
	int many;
	int flagged;
	double min_p;
};

#define C_SPUN "\033[1;31m"
#define C_MODEL "\033[1;33m"
#define C_ORIG "\033[32m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static void header(struct explain_out *o, const char *name, struct ds_result *r)
{
	const char *src = ds_result_source(r), *why;
	printf("%s%s%s: %s, score %.2f (threshold %.2f), %zu words\n", o->color ? C_BOLD : "",
	       name, o->color ? C_OFF : "", ds_result_spun(r) ? "SPUN" : "clean", ds_result_score(r),
	       ds_result_threshold(r), ds_result_tokens(r));
	if (src)
		printf("source: %s (similarity %.2f, covers %.0f%% of the article)\n", src,
		       ds_result_source_similarity(r), 100 * ds_result_source_coverage(r));
	else
		printf("source: none (scored on its own)\n");
	if (!ds_result_judged(r, &why))
		printf("not judged: %s\n", why);
}

static void explain_one(struct explain_out *o, const char *name, struct ds_result *r)
{
	size_t len, pos = 0, n = ds_result_nsubs(r);
	const char *text = ds_result_text(r, &len);
	header(o, name, r);
	putchar('\n');
	for (size_t i = 0; i < n; i++) {
		struct ds_sub s;
		ds_result_sub(r, i, &s);
		if (s.start < pos)
			continue;
		fwrite(text + pos, 1, s.start - pos, stdout);
		if (s.evidence == DS_EVIDENCE_SOURCE && o->color)
			printf(C_SPUN "%s" C_OFF C_ORIG " [%s]" C_OFF, s.text, s.original);
		else if (s.evidence == DS_EVIDENCE_SOURCE)
			printf("[%s -> %s]", s.text, s.original);
		else if (o->color)
			printf(C_MODEL "%s" C_OFF C_DIM " {%s? %.2f}" C_OFF, s.text, s.original, s.p);
		else
			printf("{%s ~> %s? %.2f}", s.text, s.original, s.p);
		pos = s.end;
	}
	fwrite(text + pos, 1, len - pos, stdout);
	if (len && text[len - 1] != '\n')
		putchar('\n');
	printf("\n%zu substitution%s flagged\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		struct ds_sub s;
		int src;
		ds_result_sub(r, i, &s);
		src = s.evidence == DS_EVIDENCE_SOURCE;
		printf("  %6zu-%-6zu %s%s%s %s %s%s%s  (%s, p %.2f, gain %.2f) %s\n", s.start, s.end,
		       o->color ? (src ? C_SPUN : C_MODEL) : "", s.text, o->color ? C_OFF : "",
		       src ? "->" : "~>", o->color ? (src ? C_ORIG : C_DIM) : "", s.original,
		       o->color ? C_OFF : "", src ? "source" : "model", s.p, s.gain, s.why);
	}
}

static void print_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0, line = 1;
	while (i < alen || j < blen) {
		size_t ie = i, je = j;
		while (ie < alen && a[ie] != '\n')
			ie++;
		while (je < blen && b[je] != '\n')
			je++;
		if (ie - i != je - j || memcmp(a + i, b + j, ie - i) != 0) {
			printf("@@ line %zu\n-", line);
			fwrite(a + i, 1, ie - i, stdout);
			printf("\n+");
			fwrite(b + j, 1, je - j, stdout);
			putchar('\n');
		}
		i = ie < alen ? ie + 1 : ie;
		j = je < blen ? je + 1 : je;
		line++;
	}
}

static int on_result(void *ctx, const char *name, struct ds_result *r, const char *err)
{
	struct explain_out *o = ctx;
	if (!r) {
		cli_error("%s", err);
		return 0;
	}
	if (ds_result_spun(r))
		o->flagged = 1;
	if (o->restore) {
		size_t len, olen, left = 0;
		char *out = ds_result_restore_p(r, o->min_p, &len, &left);
		const char *orig = ds_result_text(r, &olen);
		if (!out) {
			cli_error("%s: out of memory", name);
		} else {
			if (o->many || o->diff)
				printf("%s %s\n", o->diff ? "---" : "==", name);
			if (o->diff)
				print_diff(orig, olen, out, len);
			else
				fwrite(out, 1, len, stdout);
			free(out);
			if (left)
				fprintf(stderr, "despin: %s: left %zu of %zu flag%s below p %.2f\n", name,
					left, ds_result_nsubs(r), ds_result_nsubs(r) == 1 ? "" : "s", o->min_p);
		}
	} else {
		if (o->many)
			printf("%s\n", "======================================================================");
		explain_one(o, name, r);
	}
	fflush(stdout);
	ds_result_free(r);
	return 0;
}

static int run(int argc, char **argv, int restore)
{
	static const struct option opts[] = {
		SCAN_LONG_OPTIONS,
		{"color", required_argument, NULL, 'c'},
		{"colour", required_argument, NULL, 'c'},
		{"diff", no_argument, NULL, 'd'},
		{"min-p", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct scan_opts so;
	struct explain_out out = {0};
	const char *when = "auto";
	int c, rc;
	memset(&so, 0, sizeof so);
	so.need_scorer = 1;
	out.restore = restore;
	out.min_p = DS_RESTORE_MIN_P;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:s:m:j:h", opts, NULL)) != -1) {
		int k = scan_common_opt(&so, c, optarg);
		if (k < 0)
			return EXIT_ERROR;
		if (k)
			continue;
		switch (c) {
		case 'c': when = optarg; break;
		case 'd': out.diff = 1; break;
		case 'p': {
			char *end;
			out.min_p = strtod(optarg, &end);
			if (end == optarg || *end || !(out.min_p >= 0 && out.min_p <= 1)) {
				cli_error("--min-p takes a probability from 0 to 1");
				return EXIT_ERROR;
			}
			break;
		}
		case 'h': printf("usage: %s\n", restore ? RESTORE_USAGE : EXPLAIN_USAGE); return EXIT_CLEAN;
		default:
			return cli_usage(restore ? "despin restore [OPTIONS] FILE..." : "despin explain [OPTIONS] FILE...");
		}
	}
	if (optind >= argc && !so.stdin_json)
		return cli_usage(restore ? "despin restore [OPTIONS] FILE..." : "despin explain [OPTIONS] FILE...");
	if (strcmp(when, "always") == 0)
		out.color = 1;
	else if (strcmp(when, "never") == 0)
		out.color = 0;
	else if (strcmp(when, "auto") == 0)
		out.color = isatty(1) && !getenv("NO_COLOR");
	else {
		cli_error("--color takes always, never or auto");
		return EXIT_ERROR;
	}
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		out.color = 0;
	out.many = argc - optind > 1;
	rc = scan_run(&so, argv + optind, argc - optind, on_result, &out);
	if (rc != 0)
		return EXIT_ERROR;
	return out.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}

int cmd_explain(int argc, char **argv)
{
	return run(argc, argv, 0);
}

int cmd_restore(int argc, char **argv)
{
	return run(argc, argv, 1);
}
