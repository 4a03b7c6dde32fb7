/*
 * bench_report.c - the cost of the HTML report (ds_report_render) for many
 * articles, apart from their detection.
 *
 * usage: bench_report [-m MODELS] [-i INDEX] [-r REPEAT] [-o PAGE.html] LIST
 *
 * LIST has one line per article: "ARTICLE" or "ARTICLE<TAB>SOURCE".  Every
 * article is scored (against its source when given, else against the
 * sources INDEX finds, else on its own; not timed), then the
 * page of all the results is rendered REPEAT times (default 3).  Prints the
 * number of articles, the page's size, and the CPU time of one render (the
 * least of the repeats) with its share per article.  -o writes the page.
 * Exit status 2 on error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "despin.h"
#include "report.h"
#include "util.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *dir = "models", *out = NULL, *index = NULL;
	struct ds_finder *fi = NULL;
	int repeat = 3, argi = 1, status = 2;
	struct ds_models *m = NULL;
	struct ds_detector *det = NULL;
	struct ds_result **res = NULL;
	size_t n = 0, cap = 0;
	struct ds_err err = {0};
	struct ds_buf page = DS_BUF_INIT;
	char line[8192];
	double best = -1;
	FILE *list;

	while (argi + 1 < argc && argv[argi][0] == '-') {
		if (strcmp(argv[argi], "-m") == 0)
			dir = argv[argi + 1];
		else if (strcmp(argv[argi], "-r") == 0)
			repeat = atoi(argv[argi + 1]);
		else if (strcmp(argv[argi], "-o") == 0)
			out = argv[argi + 1];
		else if (strcmp(argv[argi], "-i") == 0)
			index = argv[argi + 1];
		else
			break;
		argi += 2;
	}
	if (argi != argc - 1 || repeat < 1) {
		fprintf(stderr, "usage: bench_report [-m MODELS] [-i INDEX] [-r REPEAT] [-o PAGE.html] LIST\n");
		return 2;
	}
	if (!(list = fopen(argv[argi], "r"))) {
		fprintf(stderr, "bench_report: cannot open %s\n", argv[argi]);
		return 2;
	}
	if (!(m = ds_models_open(dir, &err)) || !(det = ds_detector_new(m, &err)) ||
	    (index && !(fi = ds_finder_open(index, &err)))) {
		fprintf(stderr, "bench_report: %s\n", err.msg);
		goto out;
	}
	while (fgets(line, sizeof line, list)) {
		char *tab, *abuf = NULL, *sbuf = NULL;
		size_t alen = 0, slen = 0;
		struct ds_text a, s;
		struct ds_detect_opts o = {0};
		struct ds_result *r;
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		if ((tab = strchr(line, '\t')))
			*tab++ = 0;
		if (ds_read_file(line, 0, &abuf, &alen, &err) ||
		    (tab && *tab && ds_read_file(tab, 0, &sbuf, &slen, &err))) {
			fprintf(stderr, "bench_report: %s\n", err.msg);
			free(abuf);
			goto out;
		}
		a = (struct ds_text){line, abuf, alen};
		s = (struct ds_text){tab, sbuf, slen};
		if (fi && !sbuf) {
			struct ds_sources *found = ds_finder_find(fi, &a, 0, &err);
			r = found ? ds_detect_found(det, found, &o, &err) : NULL;
			ds_sources_free(found);
		} else {
			r = ds_detect(det, &a, sbuf ? &s : NULL, NULL, &o, &err);
		}
		free(abuf);
		free(sbuf);
		if (!r) {
			fprintf(stderr, "bench_report: %s: %s\n", line, err.msg);
			continue;
		}
		if (ds_grow(&res, &cap, n + 1, sizeof *res)) {
			ds_result_free(r);
			goto out;
		}
		res[n++] = r;
	}
	for (int k = 0; k < repeat; k++) {
		double t0 = cpu_now(), t;
		page.len = 0;
		if (ds_report_render(&page, (const struct ds_result *const *)res, n, NULL, 0)) {
			fprintf(stderr, "bench_report: out of memory\n");
			goto out;
		}
		t = cpu_now() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	printf("articles %zu\npage_bytes %zu\nrender_cpu_s %.3f\nper_article_ms %.3f\n", n, page.len,
	       best, n ? 1000 * best / n : 0.0);
	if (out) {
		FILE *f = fopen(out, "w");
		if (!f || fwrite(page.data, 1, page.len, f) != page.len || fclose(f)) {
			fprintf(stderr, "bench_report: cannot write %s\n", out);
			goto out;
		}
	}
	status = 0;
out:
	fclose(list);
	for (size_t i = 0; i < n; i++)
		ds_result_free(res[i]);
	free(res);
	ds_buf_free(&page);
	ds_detector_free(det);
	ds_finder_close(fi);
	ds_models_free(m);
	return status;
}
