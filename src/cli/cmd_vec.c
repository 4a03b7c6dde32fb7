/* cmd_vec.c - despin vec: build word vectors, compare words, list neighbours. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../lm.h"
#include "../vec.h"

static const char USAGE[] =
	"despin vec build [--dim N] [--contexts N] [--words N] [--min-count N] [--window N]\n"
	"                 -o OUT.bin CORPUS.txt\n"
	"       despin vec build --lm [--dim N] [--contexts N] [--words N] -o OUT.bin MODEL\n"
	"       despin vec sim [-m VEC.bin | --models DIR] WORD_OR_PHRASE WORD_OR_PHRASE\n"
	"       despin vec sim [-m VEC.bin | --models DIR] -f PAIRS.tsv\n"
	"       despin vec near [-m VEC.bin | --models DIR] [-n N] WORD";

/* The subcommands and the options (getopt codes) each takes. */
static const struct cli_sub_options VEC_SUBS[] = {
	{"build", "odcwNkl"}, {"sim", "Mmf"}, {"near", "Mmn"}, {NULL, NULL}};

static void help(void)
{
	printf("usage: %s\n\n", USAGE);
	printf("Word vectors learned from a corpus (PPMI co-occurrence reduced by SVD):\n"
	       "words used in the same contexts get similar vectors.\n\n"
	       "build         learns them from CORPUS.txt and writes OUT.bin (vec.bin)\n"
	       "  --dim N       dimensions (64)     --contexts N  context words (800)\n"
	       "  --words N     words kept (20000)  --min-count N least uses (10)\n"
	       "  --window N    words either side (2)\n"
	       "build --lm    learns them from the bigrams of a language model (MODEL:\n"
	       "              despin binary, ARPA or Sphinx): a word's contexts are its\n"
	       "              left and right neighbours among the N likeliest words\n"
	       "              (--contexts, 800 each side), weighed by how much likelier\n"
	       "              the pair is than its words apart; --words 40000\n"
	       "sim           cosine similarity of two words or phrases, in any case\n"
	       "              (the vectors are of lower-case words; 'unknown' when a\n"
	       "              side has no known word)\n"
	       "  -f PAIRS.tsv  each line's two sides (A TAB B; '-': stdin), printed\n"
	       "                as A TAB B TAB cosine, then how many were known\n"
	       "near          the N (10, at most 10000) nearest words to WORD\n"
	       "  -m VEC.bin    the vectors (default: vec.bin of the models folder)\n"
	       "  --models DIR  models folder holding vec.bin\n");
}

/* The vectors of file, else vec.bin of the models folder dir. */
static struct ds_vec *open_vec(const char *file, const char *dir)
{
	struct ds_err err;
	struct ds_vec *v =
		ds_vec_load(file ? file : cli_model_path(cli_models_dir(dir), "vec.bin"), &err);
	if (!v)
		cli_error("%s", err.msg);
	return v;
}

/* Most neighbours near lists (-n). */
#define NEAR_MAX 10000

static int near(struct ds_vec *v, const char *w, size_t k)
{
	const float *x = ds_vec_get(v, w, strlen(w));
	size_t n = ds_vec_words(v), dim = ds_vec_dim(v);
	double *best = calloc(k, sizeof *best);
	size_t *bi = calloc(k, sizeof *bi), nb = 0;
	if (!best || !bi) {
		free(best);
		free(bi);
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	if (!x) {
		free(best);
		free(bi);
		cli_error("'%s' has no vector", w);
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		const char *o = ds_vec_word(v, i);
		const float *y = ds_vec_get(v, o, strlen(o));
		double s = 0;
		size_t j;
		if (y == x)
			continue;
		for (size_t d = 0; d < dim; d++)
			s += (double)x[d] * y[d];
		if (nb == k && s <= best[k - 1])
			continue;
		j = nb < k ? nb++ : k - 1;
		while (j > 0 && best[j - 1] < s) {
			best[j] = best[j - 1];
			bi[j] = bi[j - 1];
			j--;
		}
		best[j] = s;
		bi[j] = i;
	}
	for (size_t j = 0; j < nb; j++)
		printf("%s\t%.3f\n", ds_vec_word(v, bi[j]), best[j]);
	free(best);
	free(bi);
	return EXIT_CLEAN;
}

/* A --dim, --contexts, --words, --min-count or --window value (getopt code
 * c) into o: a whole number from 1 (0 would mean the default), --dim at most
 * DS_VEC_MAX_DIM.  0, or -1 after a message. */
static int build_opt(struct ds_vec_build_opts *o, int c, const char *arg,
		     const struct option *longopts)
{
	unsigned *to = c == 'd' ? &o->dim : c == 'c' ? &o->contexts : c == 'w' ? &o->max_words
		     : c == 'N' ? &o->min_count : &o->window;
	char name[32] = "--";
	long v;
	for (size_t k = 0; longopts[k].name; k++)
		if (longopts[k].val == c)
			snprintf(name, sizeof name, "--%s", longopts[k].name);
	if (cli_parse_int(name, arg, 1, c == 'd' ? DS_VEC_MAX_DIM : (long)UINT32_MAX, &v))
		return -1;
	*to = (unsigned)v;
	return 0;
}

/* vec sim -f PAIRS: each pair's cosine, then how many both sides of were
 * known; a and b are the caller's buffers of size bytes for the sides. */
static int sim_pairs(struct ds_vec *vec, const char *path, char *a, char *b, size_t size)
{
	struct cli_pairs pairs;
	size_t total = 0, known = 0;
	if (cli_pairs_open(&pairs, path, "word TAB word"))
		return EXIT_ERROR;
	while (cli_pairs_next(&pairs, a, b, size)) {
		double s = ds_vec_sim(vec, a, strlen(a), b, strlen(b));
		total++;
		if (s == DS_VEC_UNKNOWN) {
			printf("%s\t%s\tunknown\n", a, b);
		} else {
			printf("%s\t%s\t%.3f\n", a, b, s);
			known++;
		}
	}
	printf("# known %zu of %zu pairs (%.1f%%)%s\n", known, total,
	       total ? 100.0 * known / total : 0.0,
	       pairs.skipped ? "; lines skipped: see the notes" : "");
	cli_pairs_close(&pairs);
	return EXIT_CLEAN;
}

/* vec sim A B, vec sim -f PAIRS, vec near WORD (argv: the words). */
static int sim_or_near(const char *sub, int argc, char **argv, const char *file,
		       const char *dir, const char *pairs, size_t n)
{
	struct ds_vec *vec;
	char a[1024], b[1024];
	size_t al;
	int rc = EXIT_CLEAN;
	if (argc != (pairs ? 0 : sub[0] == 's' ? 2 : 1))
		return cli_usage(USAGE);
	if (!(vec = open_vec(file, dir)))
		return EXIT_ERROR;
	if (pairs) {
		rc = sim_pairs(vec, pairs, a, b, sizeof a);
		ds_vec_free(vec);
		return rc;
	}
	/* the vectors are of lower-case words (vec_build.c counts them so):
	 * "War" is looked up as "war" */
	al = cli_phrase(argv[0], a, sizeof a);
	if (sub[0] == 's') {
		size_t bl = cli_phrase(argv[1], b, sizeof b);
		double s = ds_vec_sim(vec, a, al, b, bl);
		if (s == DS_VEC_UNKNOWN)
			printf("unknown\n");
		else
			printf("%.3f\n", s);
	} else {
		rc = near(vec, a, n);
	}
	ds_vec_free(vec);
	return rc;
}

int cmd_vec(int argc, char **argv)
{
	static const struct option LONG[] = {
		{"dim", required_argument, NULL, 'd'},
		{"contexts", required_argument, NULL, 'c'},
		{"words", required_argument, NULL, 'w'},
		{"min-count", required_argument, NULL, 'N'},
		{"window", required_argument, NULL, 'k'},
		{"lm", no_argument, NULL, 'l'},
		{"models", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct ds_vec_build_opts o;
	const char *out = NULL, *dir = NULL, *file = NULL, *pairs = NULL, *sub;
	size_t n = 10;
	long v;
	int c, from_lm = 0;
	memset(&o, 0, sizeof o);
	if (argc < 2)
		return cli_usage(USAGE);
	if (cli_is_help(argv[1])) {
		help();
		return EXIT_CLEAN;
	}
	sub = argv[1];
	if (!cli_sub_known(VEC_SUBS, sub))
		return cli_usage(USAGE);
	argc--;
	argv++;
	cli_sub_argv0(argv, "vec");
	while ((c = getopt_long(argc, argv, "o:n:m:f:h", LONG, NULL)) != -1) {
		if (cli_option_applies("vec", sub, VEC_SUBS, c, LONG))
			return EXIT_ERROR;
		switch (c) {
		case 'o': out = optarg; break;
		case 'M': dir = optarg; break;
		case 'm': file = optarg; break;
		case 'f': pairs = optarg; break;
		case 'l': from_lm = 1; break;
		case 'n':
			if (cli_parse_int("-n", optarg, 1, NEAR_MAX, &v))
				return EXIT_ERROR;
			n = (size_t)v;
			break;
		case 'd':
		case 'c':
		case 'w':
		case 'N':
		case 'k':
			if (build_opt(&o, c, optarg, LONG))
				return EXIT_ERROR;
			break;
		case 'h': help(); return EXIT_CLEAN;
		default: return cli_usage(USAGE);
		}
	}
	if (strcmp(sub, "build") == 0) {
		struct ds_err err;
		if (!out || optind != argc - 1)
			return cli_usage(USAGE);
		if (cli_output_is_input(out, (const char *const *)(argv + optind), 1))
			return EXIT_ERROR;
		if (from_lm) {
			struct ds_lm *lm;
			int rc;
			if (o.min_count || o.window) {
				cli_error("vec build: --min-count and --window are for a corpus, not --lm");
				return EXIT_ERROR;
			}
			if (!(lm = ds_lm_load(argv[optind], &err))) {
				cli_error("%s", err.msg);
				return EXIT_ERROR;
			}
			rc = ds_vec_build_lm(lm, &o, out, &err);
			ds_lm_free(lm);
			if (rc) {
				cli_error("%s", err.msg);
				return EXIT_ERROR;
			}
			return EXIT_CLEAN;
		}
		if (ds_vec_build(argv[optind], &o, out, &err)) {
			cli_error("%s", err.msg);
			return EXIT_ERROR;
		}
		return EXIT_CLEAN;
	}
	return sim_or_near(sub, argc - optind, argv + optind, file, dir, pairs, n);
}
