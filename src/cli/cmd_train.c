/* cmd_train.c - despin train: builds the language model from text. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../lm_train.h"

/* The whole synopsis, for --help and for a usage error alike. */
#define SYNOPSIS                                                                          \
	"despin train [-o OUT] [--order N] [--prune N] [--pretokenized] [--arpa OUT.arpa]\n" \
	"             [-q] FILE..."

static const char USAGE[] =
	SYNOPSIS "\n"
	"\n"
	"Trains the n-gram language model of clean English (interpolated modified\n"
	"Kneser-Ney) and writes it as a despin binary model (default models/lm.bin).\n"
	"Each line of a FILE is a paragraph of raw text, tokenised as 'despin scan'\n"
	"does (lower case, numbers as classes such as <num>).\n"
	"\n"
	"  -o, --output OUT   binary model to write (default models/lm.bin)\n"
	"  --order N          n-gram order, 1 to 6 (default 4)\n"
	"  --prune N          drop n-grams of order 2 and more seen fewer than N times\n"
	"  --pretokenized     one sentence a line, words separated by spaces, taken\n"
	"                     as they are (no case folding, no number classes)\n"
	"  --arpa OUT.arpa    also write the model as an ARPA file\n"
	"  -q, --quiet        no progress or summary on standard error";

struct train_ctx {
	struct ds_lm_trainer *t;
	int nerr;
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
	fprintf(stderr, "\rdespin train: %-10s %3.0f%%  %-40.40s", stage, done * 100.0,
		strcmp(stage, "reading") == 0 && c->file ? c->file : "");
	fflush(stderr);
}

static int train_one(const char *path, void *vctx)
{
	struct train_ctx *c = vctx;
	struct ds_err err = {0};
	char *text;
	size_t len;
	if (ds_read_file(path, 0, &text, &len, &err)) {
		cli_error("%s", err.msg);
		c->nerr++;
		return 0;
	}
	c->file = path;
	if (ds_lm_trainer_add_text(c->t, text, len, strcmp(path, "-") ? path : "<stdin>", &err)) {
		cli_error("%s", err.msg);
		c->nerr++;
		free(text);
		return 1;
	}
	free(text);
	return 0;
}

static int parse_num(const char *s, const char *opt, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end || v < lo || v > hi) {
		cli_error("%s: '%s' is not a number from %ld to %ld", opt, s, lo, hi);
		return -1;
	}
	*out = v;
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
			if (parse_num(optarg, "--order", 1, DS_LM_MAX_ORDER, &v))
				return EXIT_ERROR;
			o.order = (int)v;
			break;
		case 'p':
			if (parse_num(optarg, "--prune", 0, 1000000000L, &v))
				return EXIT_ERROR;
			o.prune = (uint64_t)v;
			break;
		case 't': o.pretokenized = 1; break;
		case 'a': arpa = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage(SYNOPSIS);
		}
	}
	if (optind >= argc)
		return cli_usage(SYNOPSIS);
	if (cli_output_is_input(out, (const char *const *)(argv + optind), (size_t)(argc - optind)) ||
	    cli_output_is_input(arpa, (const char *const *)(argv + optind), (size_t)(argc - optind)))
		return EXIT_ERROR;
	ctx.tty = !quiet && isatty(2);
	o.progress = show_progress;
	o.progress_ctx = &ctx;
	ctx.t = ds_lm_trainer_new(&o, &err);
	if (!ctx.t) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	cli_walk(argv + optind, argc - optind, train_one, &ctx, &ctx.nerr);
	if (ctx.nerr) {
		ds_lm_trainer_free(ctx.t);
		if (ctx.tty)
			fputc('\n', stderr);
		return EXIT_ERROR;
	}
	ctx.file = NULL;
	lm = ds_lm_trainer_finish(ctx.t, &info, &err);
	ds_lm_trainer_free(ctx.t);
	if (ctx.tty)
		fputs("\r\033[K", stderr);
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
	return EXIT_CLEAN;
}
