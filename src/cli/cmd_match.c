/* cmd_match.c - despin match: fingerprint similarity of two articles. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../fprint.h"
#include "../stem.h"
#include "../text.h"

static const char USAGE[] =
	"despin match A B\n"
	"\n"
	"Prints how the fingerprints of two articles compare (for audits and\n"
	"tests): similarity (shared shingles over the smaller set), containment\n"
	"each way (share of one's shingles found in the other), coverage each\n"
	"way (share of one's text, by sentences, that the other covers), and the\n"
	"shingle counts (immutable: function words, names and numbers; stem:\n"
	"content words).  Exit status 0, or 2 on errors.";

static struct ds_fprint *load(const char *path, struct ds_stemmer *st, size_t *words)
{
	struct ds_err err = {0};
	struct ds_doc *d;
	struct ds_fprint *fp;
	char *text;
	size_t len;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	if (ds_read_file(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, &text,
			 &len, &err)) {
		cli_error("%s", err.msg);
		return NULL;
	}
	d = ds_doc_new(text, len, name, cli_max_input, &err);
	free(text);
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

int cmd_match(int argc, char **argv)
{
	struct ds_stemmer *st;
	struct ds_fprint *a = NULL, *b = NULL;
	struct ds_fp_cmp c;
	size_t wa = 0, wb = 0;
	int rc = EXIT_ERROR;

	if (argc >= 2 && cli_is_help(argv[1])) {
		printf("usage: %s\n", USAGE);
		return EXIT_CLEAN;
	}
	if (argc != 3)
		return cli_usage("despin match A B");
	if (strcmp(argv[1], "-") == 0 && strcmp(argv[2], "-") == 0) {
		cli_error("match: only one input may be '-'");
		return EXIT_ERROR;
	}
	if (!(st = ds_stemmer_new())) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	if (!(a = load(argv[1], st, &wa)) || !(b = load(argv[2], st, &wb)))
		goto done;
	ds_fprint_cmp(a, b, &c);
	printf("a                %s\n", argv[1]);
	printf("b                %s\n", argv[2]);
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
	rc = EXIT_CLEAN;
done:
	ds_fprint_free(a);
	ds_fprint_free(b);
	ds_stemmer_free(st);
	return rc;
}
