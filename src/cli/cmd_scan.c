/* cmd_scan.c - despin scan: score articles, as a table, tab-separated
 * values or JSON Lines. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "scan.h"

static const char USAGE[] =
	"despin scan [-i INDEX | -s SOURCE... | --solo] [--format text|tsv|json] [-j N]\n"
	"            [--stdin-json] [--progress] [--all] [--only-spun] [--models DIR]\n"
	"            [--threshold X] [--min-p P] [--max-size BYTES] [--max-words N]\n"
	"            [--retry N] FILE...\n"
	"\n"
	"Scores each article and says whether it is spun.  Each article is\n"
	"compared with its nearest clean source: the closest article of INDEX\n"
	"(-i, see 'despin index'), the file SOURCE (-s; given several times, the\n"
	"sources it shares passages with), or, by default, the other inputs of the\n"
	"batch (the earlier, cleaner one of a similar pair is the source).\n"
	"--solo scores every article on its own.  A web page is judged on the text\n"
	"a reader sees (its JSON offsets are the page's bytes); folders are read\n"
	"without the scripts, styles, images and fonts beside saved pages.  A MIME\n"
	"message (a page saved as .mhtml, an e-mail) is judged on its text part,\n"
	"a .docx or .odt document on its body's text, an .epub on its chapters'.\n"
	"Bytes that are not UTF-8 are read as Windows-1252 (Latin-1), with a note.\n"
	"A file compressed with gzip or zstd (.gz, .zst) is read as the file\n"
	"inside it, within --max-size (its offsets are that file's).  A WARC\n"
	"archive (.warc, .warc.gz, .warc.zst) is read as a stream: its web pages\n"
	"are the articles, named by their URIs, as 'despin warc' prints them; they\n"
	"are judged on their own or against -i or -s, never as a batch.  Given as\n"
	"-s, an archive's pages are the sources.  A file of JSON Lines records\n"
	"(.jsonl, .ndjson, or one whose first line is a record) is read as its\n"
	"records, as --stdin-json reads them.\n"
	"\n"
	"  --format text   a table (default): verdict (spun, clean, unsure: one of a\n"
	"                  pair of inputs is a copy but the evidence does not show\n"
	"                  which, unjudged, error), score, flags, source, file, then\n"
	"                  a summary line (articles, spun, clean, not judged, errors)\n"
	"  --format tsv    tab-separated values for other tools: a header line, then\n"
	"                  one line per input: file (id with --stdin-json), verdict,\n"
	"                  score, threshold, flags, words, source, similarity, note\n"
	"                  (an error, or why an article was not judged); no summary;\n"
	"                  in a field, a backslash, tab, line end, other control\n"
	"                  byte or byte that is not UTF-8 is written \\\\, \\t, \\n,\n"
	"                  \\r or \\xHH (a bidi control \\uHHHH), as names are shown\n"
	"  --format json   JSON Lines, one object per input, in input order (an\n"
	"                  input that failed: {\"file\"|\"id\": ..., \"error\": ...};\n"
	"                  a --stdin-json record's verdict starts with its \"id\");\n"
	"                  fields in docs/despin-output.schema.json\n"
	"  --stdin-json    read {\"id\": ..., \"text\": ...} records from stdin\n"
	"                  (\"html\" instead of \"text\": a web page or a piece of one;\n"
	"                  \"date\": \"YYYY-MM-DD\", the article's date); streamed, the\n"
	"                  records are not compared with one another: each is\n"
	"                  judged on its own unless -i or -s gives sources; a\n"
	"                  gzip or zstd stream is decoded as it is read\n"
	"  -j N            N worker threads sharing one set of models (default:\n"
	"                  one per core; for files no more than there are files;\n"
	"                  a stream's verdicts are written as soon as made)\n"
	"  --progress      a progress line on stderr (only on a terminal)\n"
	"  --all           list candidate substitutions of clean articles too\n"
	"  --only-spun     show only the articles judged spun (and inputs that\n"
	"                  failed); the summary still counts every input\n"
	"  --models DIR    the models folder\n"
	SCAN_THRESHOLD_HELP
	SCAN_MIN_P_HELP
	"  --max-size BYTES\n"
	"                  the largest input read (default 64 MiB): a larger file,\n"
	"                  stream or record is refused (an error)\n"
	"  --retry N       with a redis:// index, reconnect up to N times when the\n"
	"                  server goes away, and resume\n"
	"  --max-words N   the work bound of one article (default 50000): a longer\n"
	"                  article is 'too long to judge' (an error); a longer\n"
	"                  source is not taken, nor one that would take the\n"
	"                  article's sources together past it\n"
	"\n"
	"Exit status: 0 nothing flagged, 1 something flagged, 2 error (the other\n"
	"inputs are still scanned; no input at all is an error).";

enum scan_format { FORMAT_TEXT, FORMAT_TSV, FORMAT_JSON };

struct scan_out {
	const struct scan_opts *so;
	enum scan_format format;
	int flagged;
	int header;
	struct scan_tally tally;
};

static void table_header(struct scan_out *o)
{
	if (o->header)
		return;
	printf("%-8s %6s %5s  %-32s %s\n", "VERDICT", "SCORE", "FLAGS", "SOURCE (SIM)", "FILE");
	o->header = 1;
}

#define SOURCE_CELL 24 /* bytes of a source's name in the table */

/* A source's name in the table: its file name when it sits in the article's
 * folder, else as many of its path's last parts as fit in SOURCE_CELL bytes
 * (the whole path when it fits: "a/x.txt" and "b/x.txt" stay apart); a
 * file name longer than that is "..." and its end, which tells apart the
 * names that share a beginning.  A static buffer. */
static const char *source_cell(const char *src, const char *article)
{
	static char cell[SOURCE_CELL + 1];
	const char *slash = strrchr(src, '/'), *aslash = article ? strrchr(article, '/') : NULL;
	size_t dl = slash ? (size_t)(slash - src) : 0, al = aslash ? (size_t)(aslash - article) : 0;
	const char *shown, *tail, *cut;
	size_t n;
	if (dl == al && (dl == 0 || memcmp(src, article, dl) == 0))
		src = slash ? slash + 1 : src; /* the article's folder */
	shown = cli_name(src);
	n = strlen(shown);
	if (n <= SOURCE_CELL)
		return shown;
	/* the last parts of the path that fit, at least the file name */
	for (cut = shown + n - SOURCE_CELL - 1; *cut && *cut != '/'; cut++)
		;
	if (*cut == '/' && cut[1] == '/') /* a URI's "//": its host, not "/host" */
		cut++;
	if (*cut == '/' && cut[1])
		return cut + 1;
	tail = shown + n - (SOURCE_CELL - 3);
	while ((*tail & 0xC0) == 0x80) /* not inside a UTF-8 character */
		tail++;
	snprintf(cell, sizeof cell, "...%s", tail);
	return cell;
}

/* The table's verdict: "unsure" for an article of a batch pair whose
 * score says one side is a copy when the evidence does not show which
 * (source_direction "uncertain"; neither is flagged, JSON says "clean"). */
static const char *table_verdict(const struct ds_result *r)
{
	if (!ds_result_judged(r, NULL))
		return "unjudged";
	if (ds_result_spun(r))
		return "spun";
	return ds_result_unsure(r) ? "unsure" : "clean";
}

/* A field of the tab-separated output, escaped as the table writes names
 * (cli_escape_name): no byte of it can break a line or a field, or act on
 * a terminal. */
static void tsv_field(const char *s)
{
	char buf[1024], *big = NULL;
	size_t n = cli_escape_name(buf, sizeof buf, s);
	if (n >= sizeof buf && (big = malloc(n + 1)) != NULL)
		cli_escape_name(big, n + 1, s);
	fputs(big ? big : buf, stdout);
	free(big);
}

static void tsv_header(struct scan_out *o)
{
	if (o->header)
		return;
	printf("%s\tverdict\tscore\tthreshold\tflags\twords\tsource\tsimilarity\tnote\n",
	       o->so->stdin_json ? "id" : "file");
	o->header = 1;
}

/* One line of the tab-separated output: a result, or (r NULL) an input
 * that failed with err. */
static void tsv_row(struct scan_out *o, const char *name, const struct ds_result *r,
		    const char *err)
{
	const char *reason = NULL, *src;
	tsv_header(o);
	tsv_field(name);
	if (!r) {
		fputs("\terror\t\t\t\t\t\t\t", stdout);
		tsv_field(err);
		putchar('\n');
		return;
	}
	(void)ds_result_judged(r, &reason);
	printf("\t%s\t%.4f\t%.4f\t%zu\t%zu\t", table_verdict(r), ds_result_score(r),
	       ds_result_threshold(r), ds_result_nsubs(r), ds_result_words(r));
	if ((src = ds_result_source(r)) != NULL) {
		tsv_field(src);
		printf("\t%.4f\t", ds_result_source_similarity(r));
	} else {
		fputs("\t\t", stdout);
	}
	if (reason)
		tsv_field(reason);
	putchar('\n');
}

static int print_result(void *ctx, const char *name, int record, struct ds_result *r,
			const char *err)
{
	struct scan_out *o = ctx;
	scan_tally_add(&o->tally, r);
	if (!r) {
		cli_error("%s", err);
		if (o->format == FORMAT_JSON) {
			if (scan_print_error_json(name, record, err))
				cli_error("%s: out of memory", name);
		} else if (o->format == FORMAT_TSV) {
			tsv_row(o, name, NULL, err);
		} else {
			table_header(o);
			printf("%-8s %6s %5s  %-32s %s\n", "error", "-", "-", "-", cli_name(name));
		}
		return cli_stdout_failed();
	}
	if (ds_result_spun(r))
		o->flagged = 1;
	if (o->so->only_spun && !ds_result_spun(r)) {
		/* counted, not shown */
	} else if (o->format == FORMAT_JSON) {
		scan_print_json(name, record, r);
	} else if (o->format == FORMAT_TSV) {
		tsv_row(o, name, r, NULL);
	} else {
		const char *src = ds_result_source(r);
		char srcbuf[96];
		table_header(o);
		if (src)
			snprintf(srcbuf, sizeof srcbuf, "%s (%.2f)", source_cell(src, name),
				 ds_result_source_similarity(r));
		else
			snprintf(srcbuf, sizeof srcbuf, "-");
		printf("%-8s %6s %5zu  %-32s %s\n", table_verdict(r),
		       cli_score(ds_result_score(r), ds_result_threshold(r)), ds_result_nsubs(r), srcbuf,
		       cli_name(name));
	}
	ds_result_free(r);
	/* a result that could not be written stops the scan (exit 2) */
	return cli_stdout_failed();
}

int scan_judge_opt(int c, const char *arg, double *threshold, double *min_p)
{
	if (c == 'T')
		return cli_parse_real("--threshold", arg, 0, 1, 1, threshold) ? -1 : 1;
	if (c == 'F')
		return cli_parse_real("--min-p", arg, 0, 1, 1, min_p) ? -1 : 1;
	return 0;
}

int scan_common_opt(struct scan_opts *so, int c, const char *arg)
{
	long v;
	switch (c) {
	case 'i': so->index = cli_redis_address(arg); return 1;
	case 's':
		if (scan_add_source(so, arg))
			return -1;
		return 1;
	case 'S': so->solo = 1; return 1;
	case 'm': so->models = arg; return 1;
	case 'j':
		if (cli_parse_int("-j", arg, 1, CLI_MAX_JOBS, &v))
			return -1;
		so->jobs = (int)v;
		return 1;
	case 'T':
	case 'F':
		return scan_judge_opt(c, arg, &so->threshold, &so->min_p);
	case 'M':
		return cli_parse_size("--max-size", arg, 1, (size_t)1 << 40, &so->max_bytes) ? -1 : 1;
	case 'J': so->stdin_json = 1; return 1;
	case 'P': so->progress = 1; return 1;
	case 'A': so->all_subs = 1; return 1;
	case 'O': so->only_spun = 1; return 1;
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
		SCAN_MIN_P_OPTION,
		SCAN_ONLY_SPUN_OPTION,
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct scan_opts so;
	struct scan_out out = {0};
	int c, rc;
	memset(&so, 0, sizeof so);
	so.need_scorer = 1;
	out.so = &so;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:s:j:f:h", opts, NULL)) != -1) {
		int k = scan_common_opt(&so, c, optarg);
		if (k < 0)
			return EXIT_ERROR;
		if (k)
			continue;
		switch (c) {
		case 'f':
			/* the last --format given wins, as for every option */
			if (strcmp(optarg, "text") == 0)
				out.format = FORMAT_TEXT;
			else if (strcmp(optarg, "tsv") == 0)
				out.format = FORMAT_TSV;
			else if (strcmp(optarg, "json") == 0)
				out.format = FORMAT_JSON;
			else {
				cli_error("unknown format '%s' (text, tsv or json)", optarg);
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

	rc = scan_run(&so, argv + optind, argc - optind, print_result, &out);
	if (rc >= 0 && out.format == FORMAT_TSV)
		tsv_header(&out); /* the header alone when no line was shown */
	if (rc >= 0 && out.format == FORMAT_TEXT && out.tally.articles) {
		table_header(&out);
		scan_tally_print(&out.tally);
	}
	if (rc != 0 || cli_stdout_failed())
		return EXIT_ERROR;
	return out.flagged ? EXIT_FLAGGED : EXIT_CLEAN;
}
