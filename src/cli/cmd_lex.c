/* cmd_lex.c - despin lex: query, build and measure the synonym-substitution lexicon. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "candtab.h"
#include "detect.h"
#include "lex.h"
#include "lex_build.h"
#include "stem.h"
#include "text.h"

#define MAX_HITS 256

static const char USAGE[] =
	"despin lex [-m MODEL | --models DIR] [-n N] PHRASE...\n"
	"       despin lex relate [-m MODEL | --models DIR] [ORIGINAL SUBSTITUTE | -f PAIRS.tsv]\n"
	"       despin lex info [-m MODEL | --models DIR]\n"
	"       despin lex bench [-m MODEL | --models DIR] [-r ROUNDS] FILE...\n"
	"       despin lex cands [--models DIR] [-o OUT.bin]\n"
	"       despin lex build [--observed FILE] [--wordnet DIR] -o OUT.bin LEX.tsv\n"
	"       despin lex build-tsv [--wordnet DIR] [--mythes FILE] [--corpus FILE]\n"
	"                            [--no-numbers] [--min-cosine C] [--neighbours K]\n"
	"                            -o OUT.tsv";

static void help(void)
{
	printf("usage: %s\n\n", USAGE);
	printf("Shows, for each word or phrase, the originals it may stand for in a spun\n"
	       "text and the substitutes a spinner may write for it, with weights,\n"
	       "sources and how they matched (surface form, lemma, stem).\n\n"
	       "  -m MODEL      lexicon file (default: lex.bin in the models folder)\n"
	       "  --models DIR  the models folder\n"
	       "  -n N          at most N pairs per direction (default 10)\n"
	       "relate          weight of ORIGINAL -> SUBSTITUTE, or of each pair of a TSV\n"
	       "                file (original TAB substitute), with the share related\n"
	       "info            sizes of the model\n"
	       "bench           lookups per second over the words of FILE\n"
	       "cands           searches the candidate originals of every phrase of the\n"
	       "                lexicon and word of the language model with the models of\n"
	       "                the folder, as detection does, and writes them to OUT.bin\n"
	       "                (default: cand.bin in the models folder), which detection\n"
	       "                with the same models then reads instead of searching\n"
	       "build           compiles the TSV source of truth into the binary model,\n"
	       "                merging pairs observed in aligned texts (--observed)\n"
	       "build-tsv       writes the TSV from WordNet, the OpenOffice thesaurus,\n"
	       "                number words and distributional neighbours in a corpus\n");
}

/* --models DIR: the folder whose lex.bin is the default model */
static const char *models_dir;

static const char *default_model(void)
{
	return cli_model_path(cli_models_dir(models_dir), "lex.bin");
}

static const char *match_name(int m)
{
	return m == DS_LEX_MATCH_SURFACE ? "surface" : m == DS_LEX_MATCH_LEMMA ? "lemma" : "stem";
}

static void print_hits(const struct ds_lex_hit *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char src[128];
		ds_lex_sources_str(h[i].sources, src, sizeof src);
		printf("    %.3f  %-24s %-28s %s\n", h[i].weight, h[i].text, src,
		       match_name(h[i].match));
	}
	if (!n)
		printf("    (none)\n");
}

static struct ds_lex *open_model(const char *path)
{
	struct ds_err err = {0, ""};
	struct ds_lex *lex = ds_lex_load(path, &err);
	if (!lex)
		cli_error("%s", err.msg);
	return lex;
}

static int query(int argc, char **argv)
{
	const char *model = NULL;
	long max = 10;
	int i;
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			model = argv[++i];
		} else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
			models_dir = argv[++i];
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			if (cli_parse_int("-n", argv[++i], 1, MAX_HITS, &max))
				return EXIT_ERROR;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option %s", argv[i]);
			return cli_usage(USAGE);
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage(USAGE);
	struct ds_lex *lex = open_model(model ? model : default_model());
	if (!lex)
		return EXIT_ERROR;
	struct ds_stemmer *st = ds_stemmer_new();
	static struct ds_lex_hit hits[MAX_HITS];
	static char buf[16384];
	int rc = EXIT_CLEAN;
	for (; i < argc; i++) {
		char p[DS_LEX_MAX_PHRASE + 8];
		size_t len = cli_phrase(argv[i], p, sizeof p);
		uint32_t freq = 0;
		if (!len || len > DS_LEX_MAX_PHRASE) {
			cli_error("'%s': expected a word or phrase of at most %d bytes", argv[i],
				  DS_LEX_MAX_PHRASE);
			rc = EXIT_ERROR;
			continue;
		}
		int known = ds_lex_has(lex, p, len, &freq);
		printf("%s%s\n", p, known ? "" : "  (not in the lexicon)");
		printf("  originals it may stand for:\n");
		size_t n = ds_lex_originals_inflected(lex, st, p, len, hits, (size_t)max, buf, sizeof buf);
		print_hits(hits, n);
		printf("  substitutes a spinner may write for it:\n");
		n = ds_lex_substitutes_inflected(lex, st, p, len, hits, (size_t)max, buf, sizeof buf);
		print_hits(hits, n);
	}
	ds_stemmer_free(st);
	ds_lex_free(lex);
	return rc;
}

static int relate(int argc, char **argv)
{
	const char *model = NULL, *file = NULL;
	int i;
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			model = argv[++i];
		} else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
			models_dir = argv[++i];
		} else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc) {
			file = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("unknown option %s", argv[i]);
			return cli_usage(USAGE);
		} else {
			break;
		}
	}
	if ((file && i != argc) || (!file && argc - i != 2))
		return cli_usage(USAGE);
	struct ds_lex *lex = open_model(model ? model : default_model());
	if (!lex)
		return EXIT_ERROR;
	struct ds_stemmer *st = ds_stemmer_new();
	struct cli_pairs pairs = {0};
	size_t total = 0, related = 0;
	int rc = EXIT_CLEAN;
	if (file && cli_pairs_open(&pairs, file, "original TAB substitute")) {
		rc = EXIT_ERROR;
		goto out;
	}
	for (;;) {
		char o[DS_LEX_MAX_PHRASE + 8], s[DS_LEX_MAX_PHRASE + 8];
		if (file) {
			if (!cli_pairs_next(&pairs, o, s, sizeof o))
				break;
		} else {
			cli_phrase(argv[i], o, sizeof o);
			cli_phrase(argv[i + 1], s, sizeof s);
		}
		struct ds_lex_rel r;
		ds_lex_relation(lex, st, o, s, &r);
		char src[128];
		ds_lex_sources_str(r.sources, src, sizeof src);
		printf("%s\t%s\t%.3f\t%.3f\t%s\t%s\n", o, s, r.forward, r.backward,
		       r.match ? match_name(r.match) : "-", *src ? src : "-");
		total++;
		related += r.forward > 0;
		if (!file)
			break;
	}
	if (file)
		printf("# related %zu of %zu pairs (%.1f%%) in the direction original -> substitute%s\n",
		       related, total, total ? 100.0 * related / total : 0.0,
		       pairs.skipped ? "; lines skipped: see the notes" : "");
	else if (!related)
		rc = EXIT_FLAGGED;
out:
	cli_pairs_close(&pairs);
	ds_stemmer_free(st);
	ds_lex_free(lex);
	return rc;
}

/* The arguments [FLAG VALUE] [--models DIR] of info (-m) and cands (-o):
 * -1 when read (*val set when given), else the exit status to return now
 * (help shown, or the usage). */
static int flag_and_models(int argc, char **argv, const char *flag, const char **val)
{
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], flag) == 0 && i + 1 < argc) {
			*val = argv[++i];
		} else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
			models_dir = argv[++i];
		} else {
			return cli_usage(USAGE);
		}
	}
	return -1;
}

static int info(int argc, char **argv)
{
	const char *model = NULL;
	int rc = flag_and_models(argc, argv, "-m", &model);
	if (rc >= 0)
		return rc;
	double t0 = ds_now();
	struct ds_lex *lex = open_model(model ? model : default_model());
	if (!lex)
		return EXIT_ERROR;
	double t1 = ds_now();
	struct ds_lex_info in;
	ds_lex_info(lex, &in);
	printf("phrases\t%llu\npairs\t%llu\nstem_keys\t%llu\nirregular_forms\t%llu\nbytes\t%llu\n"
	       "load_ms\t%.2f\n",
	       (unsigned long long)in.phrases, (unsigned long long)in.pairs,
	       (unsigned long long)in.stem_keys, (unsigned long long)in.irregular_forms,
	       (unsigned long long)in.bytes, (t1 - t0) * 1000.0);
	ds_lex_free(lex);
	return EXIT_CLEAN;
}

struct bench_ctx {
	struct ds_lex *lex;
	struct ds_stemmer *st;
	long rounds;
	double secs_plain, secs_infl;
	size_t lookups, hits_plain, hits_infl, nerr;
};

static int bench_file(const char *path, void *vctx)
{
	struct bench_ctx *b = vctx;
	struct ds_err err = {0, ""};
	char *text;
	size_t len;
	static struct ds_lex_hit hits[64];
	static char buf[8192];
	if (ds_read_file(path, 0, &text, &len, &err) < 0) {
		cli_error("%s", err.msg);
		b->nerr++;
		return 0;
	}
	struct ds_doc *d = ds_doc_new(text, len, path, cli_max_input, &err);
	free(text);
	if (!d) {
		cli_error("%s", err.msg);
		b->nerr++;
		return 0;
	}
	double t0 = ds_now();
	for (long r = 0; r < b->rounds; r++)
		for (size_t i = 0; i < d->ntok; i++)
			b->hits_plain += ds_lex_originals(b->lex, ds_tok_lower(d, i), d->tok[i].norm_len,
							  hits, 64);
	double t1 = ds_now();
	for (long r = 0; r < b->rounds; r++)
		for (size_t i = 0; i < d->ntok; i++)
			b->hits_infl += ds_lex_originals_inflected(b->lex, b->st, ds_tok_lower(d, i),
								   d->tok[i].norm_len, hits, 64,
								   buf, sizeof buf);
	double t2 = ds_now();
	b->secs_plain += t1 - t0;
	b->secs_infl += t2 - t1;
	b->lookups += d->ntok * (size_t)b->rounds;
	ds_doc_free(d);
	return 0;
}

static int bench(int argc, char **argv)
{
	const char *model = NULL;
	struct bench_ctx b;
	int i, nerr = 0;
	memset(&b, 0, sizeof b);
	b.rounds = 20;
	for (i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
			model = argv[++i];
		} else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
			models_dir = argv[++i];
		} else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
			if (cli_parse_int("-r", argv[++i], 1, 1000000, &b.rounds))
				return EXIT_ERROR;
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage(USAGE);
	b.lex = open_model(model ? model : default_model());
	if (!b.lex)
		return EXIT_ERROR;
	b.st = ds_stemmer_new();
	cli_walk(argv + i, argc - i, bench_file, &b, &nerr);
	printf("lookups\t%zu\nsurface_lookups_per_s\t%.0f\ninflected_stem_lookups_per_s\t%.0f\n"
	       "surface_hits_per_lookup\t%.2f\ninflected_hits_per_lookup\t%.2f\n",
	       b.lookups, b.secs_plain > 0 ? b.lookups / b.secs_plain : 0,
	       b.secs_infl > 0 ? b.lookups / b.secs_infl : 0,
	       b.lookups ? (double)b.hits_plain / b.lookups : 0,
	       b.lookups ? (double)b.hits_infl / b.lookups : 0);
	ds_stemmer_free(b.st);
	ds_lex_free(b.lex);
	return nerr || b.nerr ? EXIT_ERROR : EXIT_CLEAN;
}

static int build(int argc, char **argv)
{
	const char *out = NULL, *observed = NULL, *wordnet = NULL, *tsv = NULL;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--observed") == 0 && i + 1 < argc) {
			observed = argv[++i];
		} else if (strcmp(argv[i], "--wordnet") == 0 && i + 1 < argc) {
			wordnet = argv[++i];
		} else if (argv[i][0] == '-' || tsv) {
			return cli_usage(USAGE);
		} else {
			tsv = argv[i];
		}
	}
	if (!out || !tsv)
		return cli_usage(USAGE);
	const char *in[] = {tsv, observed, wordnet};
	if (cli_output_is_input(out, in, 3))
		return EXIT_ERROR;
	struct ds_err err = {0, ""};
	struct ds_lex_build_stats stats;
	if (ds_lex_build_bin(tsv, observed, wordnet, out, &stats, &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	fprintf(stderr, "despin: lex: %llu pairs, %llu phrases, %llu observed, %.2f s -> %s\n",
		(unsigned long long)stats.pairs, (unsigned long long)stats.phrases,
		(unsigned long long)stats.observed, stats.seconds, out);
	return EXIT_CLEAN;
}

static int build_tsv(int argc, char **argv)
{
	struct ds_lex_build_opts o;
	const char *out = NULL;
	memset(&o, 0, sizeof o);
	o.numbers = 1;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			help();
			return EXIT_CLEAN;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--wordnet") == 0 && i + 1 < argc) {
			o.wordnet_dir = argv[++i];
		} else if (strcmp(argv[i], "--mythes") == 0 && i + 1 < argc) {
			o.mythes_path = argv[++i];
		} else if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc) {
			o.corpus_path = argv[++i];
		} else if (strcmp(argv[i], "--no-numbers") == 0) {
			o.numbers = 0;
		} else if (strcmp(argv[i], "--min-cosine") == 0 && i + 1 < argc) {
			double v;
			if (cli_parse_real("--min-cosine", argv[++i], 0, 1, 0, &v))
				return EXIT_ERROR;
			o.min_cosine = (float)v;
		} else if (strcmp(argv[i], "--neighbours") == 0 && i + 1 < argc) {
			long v;
			if (cli_parse_int("--neighbours", argv[++i], 0, 100000, &v))
				return EXIT_ERROR;
			o.neighbours = (unsigned)v;
		} else {
			return cli_usage(USAGE);
		}
	}
	if (!out)
		return cli_usage(USAGE);
	const char *in[] = {o.corpus_path, o.mythes_path};
	if (cli_output_is_input(out, in, 2))
		return EXIT_ERROR;
	struct ds_err err = {0, ""};
	struct ds_lex_build_stats s;
	if (ds_lex_build_tsv(out, &o, &s, &err) < 0) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	fprintf(stderr,
		"despin: lex: %llu pairs (wordnet %llu, wn-rel %llu, mythes %llu, mythes-rel %llu, "
		"dist %llu, inflected %llu, number %llu; %llu antonyms left out), corpus %llu tokens, "
		"%llu distributional targets, %.2f s -> %s\n",
		(unsigned long long)s.pairs, (unsigned long long)s.wordnet,
		(unsigned long long)s.wn_rel, (unsigned long long)s.mythes,
		(unsigned long long)s.my_rel, (unsigned long long)s.dist,
		(unsigned long long)s.inflected, (unsigned long long)s.numbers,
		(unsigned long long)s.antonyms_dropped, (unsigned long long)s.corpus_tokens,
		(unsigned long long)s.dist_targets, s.seconds, out);
	return EXIT_CLEAN;
}

static int cands(int argc, char **argv)
{
	struct ds_err err = {0, ""};
	struct ds_models *m;
	const char *out = NULL, *dir;
	size_t n = 0;
	double t0;
	int rc = flag_and_models(argc, argv, "-o", &out);
	if (rc >= 0)
		return rc;
	dir = cli_models_dir(models_dir);
	if (!out)
		out = cli_model_path(dir, DS_CANDTAB_FILE);
	t0 = ds_now();
	if (!(m = cli_models_open(models_dir, 0, 1, &err))) {
		cli_models_error(&err);
		return EXIT_ERROR;
	}
	rc = ds_models_build_cands(m, out, &n, &err);
	ds_models_free(m);
	if (rc) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	fprintf(stderr, "despin: lex: candidates of %zu phrases, %.2f s -> %s\n", n,
		ds_now() - t0, out);
	return EXIT_CLEAN;
}

int cmd_lex(int argc, char **argv)
{
	if (argc >= 2) {
		if (strcmp(argv[1], "build") == 0)
			return build(argc - 1, argv + 1);
		if (strcmp(argv[1], "build-tsv") == 0)
			return build_tsv(argc - 1, argv + 1);
		if (strcmp(argv[1], "relate") == 0)
			return relate(argc - 1, argv + 1);
		if (strcmp(argv[1], "info") == 0)
			return info(argc - 1, argv + 1);
		if (strcmp(argv[1], "bench") == 0)
			return bench(argc - 1, argv + 1);
		if (strcmp(argv[1], "cands") == 0)
			return cands(argc - 1, argv + 1);
	}
	return query(argc, argv);
}
