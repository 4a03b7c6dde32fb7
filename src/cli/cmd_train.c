/* cmd_train.c - despin train: builds the language model from text. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../lm_train.h"
#include "../text.h"

/* The whole synopsis, for --help and for a usage error alike. */
#define SYNOPSIS                                                                          \
	"despin train [-o OUT] [--order N] [--prune N] [--pretokenized] [--arpa OUT.arpa]\n" \
	"             [--max-size BYTES] [-q] FILE..."

static const char USAGE[] =
	SYNOPSIS "\n"
	"\n"
	"Trains the n-gram language model of clean English (interpolated modified\n"
	"Kneser-Ney) and writes it as a despin binary model (default models/lm.bin).\n"
	"Each line of a FILE is a paragraph of raw text, tokenised as 'despin scan'\n"
	"does (lower case, numbers as classes such as <num>); a web page is read as\n"
	"its text.  FILE may be a directory (read recursively) or '-' for standard\n"
	"input.  A FILE that is no text (empty, binary, UTF-16, compressed, a PDF or\n"
	"other document) or is larger than --max-size is named on standard error\n"
	"and left out: the model is written from the others, and the exit status\n"
	"is 2.  When no FILE can be used, nothing is written.\n"
	"\n"
	"  -o, --output OUT   binary model to write (default models/lm.bin)\n"
	"  --order N          n-gram order, 1 to 6 (default 4)\n"
	"  --prune N          drop n-grams of order 2 and more seen fewer than N times\n"
	"  --pretokenized     one sentence a line, words separated by spaces, taken\n"
	"                     as they are (no case folding, no number classes)\n"
	"  --arpa OUT.arpa    also write the model as an ARPA file\n"
	"  --max-size BYTES   the largest FILE read (default 64 MiB)\n"
	"  -q, --quiet        no progress or summary on standard error";

struct train_ctx {
	struct ds_lm_trainer *t;
	int pretok;
	int nerr;     /* inputs that could not be used, each named */
	int fatal;    /* the trainer failed: no model */
	size_t used;  /* inputs trained on */
	int tty;
	const char *file;
	double last;
};

static void show_progress(void *vctx, const char *stage, double done)
{
	struct train_ctx *c = vctx;
	double now;
	if (!c->tty)
		return;
	now = ds_now();
	if (done < 1.0 && now - c->last < 0.1)
		return;
	c->last = now;
	/* cli_progress: a message about an input left out erases the line */
	cli_progress("despin train: %-10s %3.0f%%  %-40.40s", stage, done * 100.0,
		     strcmp(stage, "reading") == 0 && c->file ? c->file : "");
}

/* Reads one input as scan reads an article (pre-tokenised text as it is,
 * its words taken as written) and trains on it.  An input that cannot be
 * read or is no text as a whole is named and left out, and the others are
 * still read; a failure of the trainer (out of memory) stops the walk. */
static int train_one(const char *path, void *vctx)
{
	struct train_ctx *c = vctx;
	struct ds_err err = {0};
	char *text;
	size_t len;
	int rc;
	/* no text as a whole is refused by the trainer, which checks it */
	if (cli_read_training(path, c->pretok ? CLI_TRAIN_PRETOK : 0, &text, &len)) {
		c->nerr++;
		return 0;
	}
	c->file = path;
	rc = ds_lm_trainer_add_text(c->t, text, len, cli_input_name(path), &err);
	free(text);
	if (rc) {
		cli_error("%s", err.msg);
		/* refused whole, nothing of it counted; any other failure may
		 * leave part of the input in the counts */
		if (rc != DS_EBINARY && rc != DS_EEMPTY) {
			c->fatal = 1;
			return 1;
		}
		c->nerr++;
		return 0;
	}
	c->used++;
	return 0;
}

/* Do the two outputs name one file (the same name, or one file already
 * there under two names)? */
static int same_output(const char *a, const char *b)
{
	struct stat sa, sb;
	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Whether the output path cannot be written, said in one line: a
 * directory (one there, or a name ending in '/'), or a file that cannot be
 * made there (no such folder, no right to write in it).  Both outputs are
 * tried before training, so that the binary model is not written and left
 * behind when the ARPA file then fails (nor hours of training lost to a
 * misspelt folder). */
static int output_refused(const char *opt, const char *path)
{
	struct stat st;
	struct ds_afile f;
	struct ds_err err = {0};
	size_t n = path ? strlen(path) : 0;
	if (!n)
		return 0;
	if (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		cli_error("%s %s: a directory, not a file; name the file to write", opt,
			  cli_name(path));
		return 1;
	}
	if (ds_afile_open(&f, path, &err)) {
		cli_error("%s", err.msg);
		return 1;
	}
	ds_afile_abort(&f);
	return 0;
}

int cmd_train(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"order", required_argument, NULL, 'n'},
		{"prune", required_argument, NULL, 'p'},
		{"pretokenized", no_argument, NULL, 't'},
		{"arpa", required_argument, NULL, 'a'},
		{"max-size", required_argument, NULL, 'S'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct ds_lm_train_opts o = {0};
	struct ds_lm_train_info info;
	struct train_ctx ctx = {0};
	struct ds_err err = {0};
	const char *out = "models/lm.bin", *arpa = NULL;
	struct ds_lm *lm;
	int c, quiet = 0;
	long v;
	double t0 = ds_now();

	o.order = 4;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n':
			if (cli_parse_int("--order", optarg, 1, DS_LM_MAX_ORDER, &v))
				return EXIT_ERROR;
			o.order = (int)v;
			break;
		case 'p':
			if (cli_parse_int("--prune", optarg, 0, 1000000000L, &v))
				return EXIT_ERROR;
			o.prune = (uint64_t)v;
			break;
		case 't': o.pretokenized = 1; break;
		case 'a': arpa = optarg; break;
		case 'S':
			if (cli_parse_size("--max-size", optarg, 1, (size_t)1 << 40, &cli_max_input))
				return EXIT_ERROR;
			break;
		case 'q': quiet = 1; break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage(SYNOPSIS);
		}
	}
	if (optind >= argc)
		return cli_usage(SYNOPSIS);
	if (output_refused("-o", out) || output_refused("--arpa", arpa))
		return EXIT_ERROR;
	if (arpa && same_output(out, arpa)) {
		cli_error("-o and --arpa name the same file %s: the ARPA text would replace the "
			  "binary model; name two files", cli_name(arpa));
		return EXIT_ERROR;
	}
	if (cli_output_is_input(out, (const char *const *)(argv + optind), (size_t)(argc - optind)) ||
	    cli_output_is_input(arpa, (const char *const *)(argv + optind), (size_t)(argc - optind)))
		return EXIT_ERROR;
	ctx.tty = !quiet && isatty(2);
	ctx.pretok = o.pretokenized;
	o.progress = show_progress;
	o.progress_ctx = &ctx;
	ctx.t = ds_lm_trainer_new(&o, &err);
	if (!ctx.t) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	cli_walk(argv + optind, argc - optind, train_one, &ctx, &ctx.nerr);
	if (ctx.fatal || !ctx.used) {
		ds_lm_trainer_free(ctx.t);
		if (!ctx.fatal) /* each input said why above */
			cli_error("%s not written: no input could be used", out);
		cli_progress_clear();
		return EXIT_ERROR;
	}
	ctx.file = NULL;
	lm = ds_lm_trainer_finish(ctx.t, &info, &err);
	ds_lm_trainer_free(ctx.t);
	cli_progress_clear();
	if (!lm) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (ds_lm_write(lm, out, &err) || (arpa && ds_lm_write_arpa(lm, arpa, &err))) {
		cli_error("%s", err.msg);
		ds_lm_free(lm);
		return EXIT_ERROR;
	}
	if (!quiet) {
		struct ds_lm_stats st;
		ds_lm_get_stats(lm, &st);
		fprintf(stderr, "despin train: %llu words, %llu sentences, %u word types; n-grams",
			(unsigned long long)info.words, (unsigned long long)info.sentences, info.vocab);
		for (int n = 1; n <= info.order; n++)
			fprintf(stderr, "%c%llu", n == 1 ? ' ' : '/', (unsigned long long)info.count[n - 1]);
		fprintf(stderr, "; %.1f s; wrote %s (%.1f MB)%s%s\n", ds_now() - t0, out,
			(double)st.bytes / 1e6, arpa ? " and " : "", arpa ? arpa : "");
		for (int n = 1; n <= info.order; n++)
			if (info.fallback[n - 1])
				cli_warn("too little text to estimate the discounts of order %d; used 0.5 1 1.5", n);
	}
	ds_lm_free(lm);
	if (ctx.nerr) { /* the model is of the inputs that could be used */
		cli_error("%s written from %zu of %zu inputs: %d could not be used", out, ctx.used,
			  ctx.used + (size_t)ctx.nerr, ctx.nerr);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}
