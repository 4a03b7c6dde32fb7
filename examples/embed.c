/*
 * embed.c - a program embedding libdespin through its public header only.
 *
 * Opens the models once, scores an article on its own and, when a source is
 * given, against that source, prints each verdict and every flagged
 * substitution, and frees everything.
 *
 * Build against an installed libdespin:
 *     cc -o embed embed.c $(pkg-config --cflags --libs despin)
 * Run:
 *     ./embed [-m MODELS_DIR] [-a] ARTICLE [SOURCE]
 * MODELS_DIR holds lm.bin, lex.bin and scorer.bin (default: $DESPIN_MODELS,
 * else the MODELS_DIR this file is compiled with: -DMODELS_DIR='"DIR"', where
 * DIR may be what 'pkg-config --variable=modeldir despin' names; without it,
 * "models", the folder of a source tree).
 * -a lists the candidate substitutions of articles judged clean too.
 * Exit status: 0 clean, 1 spun (in any of the runs), 2 error.
 */
#include <despin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MODELS_DIR
#define MODELS_DIR "models"
#endif

/* Reads a whole file into a new buffer; NULL with a message on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "embed: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 16;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				fprintf(stderr, "embed: %s: out of memory\n", path);
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "embed: cannot read %s: %s\n", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* Prints one result: a verdict line, then one line per substitution. */
static void print_result(const char *mode, const struct ds_result *r)
{
	const char *src = ds_result_source(r);
	size_t n = ds_result_nsubs(r);

	printf("%s: %s %s score %.3f threshold %.2f words %zu substitutions %zu",
	       mode, ds_result_name(r), ds_result_spun(r) ? "spun" : "clean",
	       ds_result_score(r), ds_result_threshold(r), ds_result_words(r), n);
	if (src)
		printf(" source %s similarity %.2f", src, ds_result_source_similarity(r));
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		struct ds_sub s;
		if (ds_result_sub(r, i, &s) != 0)
			break;
		printf("  %zu-%zu\t%s -> %s\t%s\tgain %.2f\t%s\n", s.start, s.end,
		       s.text, s.original,
		       ds_evidence_name(s.evidence),
		       s.gain, s.why ? s.why : "");
	}
}

int main(int argc, char **argv)
{
	const char *dir = getenv("DESPIN_MODELS");
	struct ds_err err = {0};
	struct ds_models *models = NULL;
	struct ds_detector *det = NULL;
	struct ds_result *solo = NULL, *paired = NULL;
	struct ds_text article = {0}, source = {0};
	struct ds_detect_opts opts = {0}; /* zero: the scorer's own threshold */
	char *abuf = NULL, *sbuf = NULL;
	int argi = 1, status = 2;

	if (!dir || !*dir)
		dir = MODELS_DIR;
	for (;;) {
		if (argc - argi > 1 && strcmp(argv[argi], "-m") == 0) {
			dir = argv[argi + 1];
			argi += 2;
		} else if (argc - argi > 0 && strcmp(argv[argi], "-a") == 0) {
			opts.all_subs = 1;
			argi++;
		} else {
			break;
		}
	}
	if (argc - argi < 1 || argc - argi > 2) {
		fprintf(stderr, "usage: embed [-m MODELS_DIR] [-a] ARTICLE [SOURCE]\n");
		return 2;
	}

	/* The models are read-only once open: open them once per process and
	 * share them; each thread gets its own detector. */
	models = ds_models_open(dir, &err);
	if (!models) {
		fprintf(stderr, "embed: %s\n", err.msg);
		goto out;
	}
	det = ds_detector_new(models, &err);
	if (!det) {
		fprintf(stderr, "embed: %s\n", err.msg);
		goto out;
	}

	article.name = argv[argi];
	source.name = argc - argi == 2 ? argv[argi + 1] : NULL;
	abuf = read_file(article.name, &article.len);
	if (!abuf)
		goto out;
	article.data = abuf;
	if (source.name) {
		sbuf = read_file(source.name, &source.len);
		if (!sbuf)
			goto out;
		source.data = sbuf;
	}

	solo = ds_detect(det, &article, NULL, NULL, &opts, &err);
	if (!solo) {
		fprintf(stderr, "embed: %s: %s\n", article.name, err.msg);
		goto out;
	}
	print_result("solo", solo);
	status = ds_result_spun(solo);

	if (source.name) {
		paired = ds_detect(det, &article, &source, NULL, &opts, &err);
		if (!paired) {
			fprintf(stderr, "embed: %s: %s\n", article.name, err.msg);
			status = 2;
			goto out;
		}
		print_result("source", paired);
		status |= ds_result_spun(paired);

		/* The article with the proposed originals put back. */
		size_t rlen = 0;
		char *restored = ds_result_restore(paired, &rlen);
		if (!restored) {
			fprintf(stderr, "embed: out of memory\n");
			status = 2;
			goto out;
		}
		printf("restored: %zu bytes, first line: %.*s\n", rlen,
		       (int)strcspn(restored, "\n"), restored);
		free(restored);
	}

out:
	ds_result_free(paired);
	ds_result_free(solo);
	free(sbuf);
	free(abuf);
	ds_detector_free(det);
	ds_models_free(models);
	return status;
}
