/* cmd_match.c - despin match: fingerprint similarity of two articles. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../fprint.h"
#include "../stem.h"
#include "../text.h"

static const char USAGE[] =
	"despin match [--direction [--models DIR]] A B\n"
	"\n"
	"Prints how the fingerprints of two articles compare (for audits and\n"
	"tests): similarity (shared shingles over the smaller set), containment\n"
	"each way (share of one's shingles found in the other), coverage each\n"
	"way (share of one's text, by sentences, that the other covers), and the\n"
	"shingle counts (immutable: function words, names and numbers; stem:\n"
	"content words).  --direction also weighs which of the two is the other's\n"
	"source, as batch mode does (older date header, else the changes'\n"
	"evidence each way), with the models: 'a is the source', 'b is the\n"
	"source' or 'uncertain', and why: the older date header, or the balance\n"
	"of the evidence in nats in favour of a.\n"
	"Exit status 0, or 2 on errors.";

/* Reads path into t (its data is the caller's to free) and fingerprints it. */
static struct ds_fprint *load(const char *path, struct ds_stemmer *st, size_t *words,
			      struct ds_text *t)
{
	struct ds_err err = {0};
	struct ds_doc *d;
	struct ds_fprint *fp;
	char *text;
	size_t len;
	const char *name = cli_input_name(path);

	if (cli_read_article(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, &text,
			 &len, NULL, &err)) {
		cli_error("%s", err.msg);
		return NULL;
	}
	t->name = name;
	t->data = text;
	t->len = len;
	d = ds_doc_new(text, len, name, cli_max_input, &err);
	if (!d) {
		cli_error("%s", err.msg);
		return NULL;
	}
	fp = ds_fprint_new(d, st, &err);
	if (!fp)
		cli_error("%s", err.msg);
	else
		*words = ds_fprint_words(fp);
	ds_doc_free(d);
	return fp;
}

/* Prints which of ta and tb is the other's source (ds_source_direction). */
static int direction(const char *models, const struct ds_text *ta, const struct ds_text *tb)
{
	static const char *const said[] = {
		[DS_DIR_UNCERTAIN] = "uncertain",
		[DS_DIR_A_SOURCE] = "a is the source",
		[DS_DIR_B_SOURCE] = "b is the source",
	};
	struct ds_err err = {0};
	struct ds_models *m = cli_models_open(models, 1, 0, &err);
	struct ds_detector *det = m ? ds_detector_new(m, &err) : NULL;
	double balance = 0;
	int dir = det ? ds_source_direction(det, ta, tb, &balance, &err) : err.code;

	if (dir < 0)
		cli_error("%s", err.msg);
	else if (isinf(balance))
		printf("direction        %s (older date header)\n", said[dir]);
	else
		printf("direction        %s (balance %.1f nats)\n", said[dir], balance);
	ds_detector_free(det);
	ds_models_free(m);
	return dir < 0 ? EXIT_ERROR : EXIT_CLEAN;
}

int cmd_match(int argc, char **argv)
{
	static const struct option opts[] = {
		{"direction", no_argument, NULL, 'd'},
		{"models", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ds_stemmer *st;
	struct ds_fprint *a = NULL, *b = NULL;
	struct ds_text ta = {0}, tb = {0};
	struct ds_fp_cmp c;
	size_t wa = 0, wb = 0;
	const char *models = NULL;
	int rc = EXIT_ERROR, dir = 0, ch;

	if (argc >= 2 && cli_is_help(argv[1])) {
		printf("usage: %s\n", USAGE);
		return EXIT_CLEAN;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = 1;
			break;
		case 'm':
			models = optarg;
			break;
		case 'h':
			printf("usage: %s\n", USAGE);
			return EXIT_CLEAN;
		default:
			return cli_usage("despin match [--direction [--models DIR]] A B");
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 3)
		return cli_usage("despin match [--direction [--models DIR]] A B");
	if (models && !dir) {
		/* only the direction reads models */
		cli_error("match: --models does not apply without --direction (see 'despin match --help')");
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "-") == 0 && strcmp(argv[2], "-") == 0) {
		cli_error("match: only one input may be '-'");
		return EXIT_ERROR;
	}
	if (!(st = ds_stemmer_new())) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	if (!(a = load(argv[1], st, &wa, &ta)) || !(b = load(argv[2], st, &wb, &tb)))
		goto done;
	ds_fprint_cmp(a, b, &c);
	printf("a                %s\n", cli_name(argv[1]));
	printf("b                %s\n", cli_name(argv[2]));
	printf("similarity       %.3f\n", c.similarity);
	printf("containment a/b  %.3f\n", c.containment_ab);
	printf("containment b/a  %.3f\n", c.containment_ba);
	printf("coverage a/b     %.3f\n", c.coverage_ab);
	printf("coverage b/a     %.3f\n", c.coverage_ba);
	printf("words            %zu %zu\n", wa, wb);
	printf("shingles a       %zu (immutable %zu, stem %zu)\n", c.n_a,
	       ds_fprint_count_kind(a, DS_FP_KIND_IMM), ds_fprint_count_kind(a, DS_FP_KIND_STEM));
	printf("shingles b       %zu (immutable %zu, stem %zu)\n", c.n_b,
	       ds_fprint_count_kind(b, DS_FP_KIND_IMM), ds_fprint_count_kind(b, DS_FP_KIND_STEM));
	printf("common           %zu (immutable %zu, stem %zu)\n", c.common, c.common_imm,
	       c.common_stem);
	rc = dir ? direction(models, &ta, &tb) : EXIT_CLEAN;
done:
	free((char *)ta.data);
	free((char *)tb.data);
	ds_fprint_free(a);
	ds_fprint_free(b);
	ds_stemmer_free(st);
	return rc;
}
