/* cmd_check.c - despin check-models: verify every model file completely. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../despin.h"

static const char USAGE[] =
	"despin check-models [--models DIR] [FILE...]\n"
	"\n"
	"Verifies every model file of the models directory completely (header and\n"
	"payload checksum): lm.bin, lex.bin, scorer.bin and, when present, vec.bin,\n"
	"bg.bin, mix.bin (a mixture: with the components it names, which must\n"
	"load from beside it) and cand.bin.  Loading a model checks only its\n"
	"header and size, so run this once after building or copying models;\n"
	"sound files get a stamp\n"
	"(FILE.checked) that lets loading skip the lexicon's full range checks.\n"
	"With FILE arguments: those model files (any kind), checksums only.\n"
	"Prints 'ok FILE' per sound file; exit status 2 when any is damaged or\n"
	"missing.";

static void report(void *ctx, const char *path, int rc, const struct ds_err *err)
{
	(void)ctx;
	if (rc)
		cli_error("%s", err->msg);
	else
		printf("ok\t%s\n", path);
}

int cmd_check_models(int argc, char **argv)
{
	static const struct option opts[] = {
		{"models", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *mdir = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'M': mdir = optarg; break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage("despin check-models [--models DIR] [FILE...]");
		}
	}
	if (optind < argc) {
		int bad = 0;
		for (int i = optind; i < argc; i++) {
			struct ds_err err = {0};
			int rc = ds_model_check_file(argv[i], NULL, NULL, &err);
			report(NULL, argv[i], rc, &err);
			bad |= rc != 0;
		}
		return bad ? EXIT_ERROR : EXIT_CLEAN;
	}
	return ds_models_check(cli_models_dir(mdir), report, NULL) ? EXIT_ERROR : EXIT_CLEAN;
}
