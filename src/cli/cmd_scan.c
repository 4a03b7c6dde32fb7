/* cmd_scan.c - despin scan: score articles, as a table or JSON Lines. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan.h"

static const char USAGE[] =
	"despin scan [-i INDEX | -s SOURCE | --solo] [--format text|json] [-j N]\n"
	"            [--stdin-json] [-m MODELS] [--threshold X] [--max-size BYTES]\n"
	"            [--max-words N] FILE...\n"
	"\n"
	"Scores each article and says whether it is spun.  Each article is\n"
	"compared with its nearest clean source: the closest article of INDEX\n"
	"(-i, see 'despin index'), the file SOURCE (-s), or, by default, the other\n"
	"inputs of the batch (the earlier, cleaner one of a similar pair is the\n"
	"source).  --solo scores every article on its own.\n"
	"\n"
	"  --format text   a table (default): verdict, score, flags, source, file\n"
	"  --format json   JSON Lines, one object per input, in input order:\n"
	"                  file, verdict, score, source, source_similarity,\n"
	"                  tokens, substitutions [{start, end, text, original,\n"
	"                  evidence, gain}]\n"
	"  --stdin-json    read {\"id\": ..., \"text\": ...} records from stdin\n"
	"  -j N            N worker threads sharing one set of models\n"
	"  --progress      a progress line on stderr (only on a terminal)\n"
	"  --all           list candidate substitutions of clean articles too\n"
	"  --retry N       with a redis:// index, reconnect up to N times when the\n"
	"                  server goes away, and resume\n"
	"  --max-words N   the work bound of one article (default 50000): a longer\n"
	"                  article or source is 'too long to judge' (an error)\n"
	"\n"
	"Exit status: 0 nothing flagged, 1 something flagged, 2 error (the other\n"
	"inputs are still scanned).";

struct scan_out {
	int json;
	int flagged;
	int header;
};

static int print_result(void *ctx, const char *name, struct ds_result *r, const char *err)
{
	struct scan_out *o = ctx;
	if (!r) {
		cli_error("%s", err);
		return 0;
	}
	if (ds_result_spun(r))
		o->flagged = 1;
	if (o->json) {
		char *j = ds_result_json(r);
		if (j) {
			puts(j);
			free(j);
		} else {
			cli_error("%s: out of memory", name);
		}
	} else {
		const char *src = ds_result_source(r);
		const char *base = src ? strrchr(src, '/') : NULL;
		char srcbuf[96];
		if (!o->header) {
			printf("%-7s %5s %5s  %-32s %s\n", "VERDICT", "SCORE", "FLAGS", "SOURCE (SIM)",
			       "FILE");
			o->header = 1;
		}
		if (src)
			snprintf(srcbuf, sizeof srcbuf, "%.24s (%.2f)", cli_name(base ? base + 1 : src),
				 ds_result_source_similarity(r));
		else
			snprintf(srcbuf, sizeof srcbuf, "-");
		printf("%-7s %5.2f %5zu  %-32s %s\n", ds_result_spun(r) ? "spun" : "clean",
		       ds_result_score(r), ds_result_nsubs(r), srcbuf, cli_name(name));
	}
	ds_result_free(r);
	/* a result that could not be written stops the scan (exit 2) */
	return cli_stdout_failed();
}

int scan_common_opt(struct scan_opts *so, int c, const char *arg)
{
	long v;
	switch (c) {
	case 'i': so->index = arg; return 1;
	case 's': so->source = arg; return 1;
	case 'S': so->solo = 1; return 1;
	case 'm': so->models = arg; return 1;
	case 'j':
		if (cli_parse_int("-j", arg, 1, 256, &v))
			return -1;
		so->jobs = (int)v;
		return 1;
	case 'T':
		return cli_parse_real("--threshold", arg, 0, 1, 1, &so->threshold) ? -1 : 1;
	case 'M':
		return cli_parse_size("--max-size", arg, 1, (size_t)1 << 40, &so->max_bytes) ? -1 : 1;
	case 'J': so->stdin_json = 1; return 1;
	case 'P': so->progress = 1; return 1;
	case 'A': so->all_subs = 1; return 1;
	case 'R':
		if (cli_parse_int("--retry", arg, 0, 1000, &v))
			return -1;
		so->retry = (int)v;
		return 1;
	case 'W':
		return cli_parse_size("--max-words", arg, 1, 10000000, &so->max_words) ? -1 : 1;
	}
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		SCAN_LONG_OPTIONS,
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct scan_opts so;
	struct scan_out out = {0};
	int c, rc;
	memset(&so, 0, sizeof so);
	so.need_scorer = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:s:m:j:f:h", opts, NULL)) != -1) {
		int k = scan_common_opt(&so, c, optarg);
		if (k < 0)
			return EXIT_ERROR;
		if (k)
			continue;
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0)
				out.json = 1;
			else if (strcmp(optarg, "text") != 0) {
				cli_error("unknown format '%s' (text or json)", optarg);
				return EXIT_ERROR;
			}
			break;
		case 'h':
			printf("usage: %s\n", USAGE);
			return EXIT_CLEAN;
		default:
			return cli_usage("despin scan [OPTIONS] FILE...");
		}
	}
	if (optind >= argc && !so.stdin_json)
		return cli_usage("despin scan [OPTIONS] FILE...");

	if (!!so.index + !!so.source + so.solo > 1) {
		cli_error("-i, -s and --solo exclude one another");
		return EXIT_ERROR;
	}
	rc = scan_run(&so, argv + optind, argc - optind, print_result, &out);
	if (rc != 0 || cli_stdout_failed())
		return EXIT_ERROR;
	return out.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}
