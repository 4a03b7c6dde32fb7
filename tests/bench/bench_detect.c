/*
 * bench_detect.c - latency of one detection through the public API
 * (ds_detect), one thread, articles already in memory, the models opened
 * as a pipeline that judges many articles opens them (ds_models_open_many).
 *
 * usage: bench_detect [-m MODELS] [-r REPEAT] LIST
 *
 * LIST has one line per article: "ARTICLE" or "ARTICLE<TAB>SOURCE".  Each
 * article is scored on its own and, when it has a source, against it;
 * every call is timed, REPEAT passes over the list (default 1).  After a
 * warm-up pass, each mode gets a new detector: its cache of candidate
 * originals starts empty, and passes after the first (REPEAT) find the
 * list's words in it.  Prints the model load time, then per mode the mean,
 * percentiles and maximum of the per-article wall time, and the mean CPU
 * time of a call with the articles/s and words/s of one core that follow
 * from it (CPU time does not count the time other processes took the
 * core).  Exit status 2 on error.
 */
#include <despin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct item {
	struct ds_text art, src; /* src.data NULL: no source */
	char *abuf, *sbuf;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f) {
		fprintf(stderr, "bench_detect: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				fprintf(stderr, "bench_detect: out of memory\n");
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* CPU time of this thread: the cost of a call whatever else the machine runs */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
	size_t k = (size_t)(p * (n - 1) + 0.5);
	return v[k < n ? k : n - 1];
}

/* Times every item (with its source when paired); prints one line. */
/* Replaces *det with a new detector over m: 0, or -1 with a message. */
static int fresh(const struct ds_models *m, struct ds_detector **det)
{
	struct ds_err err;
	ds_detector_free(*det);
	if (!(*det = ds_detector_new(m, &err))) {
		fprintf(stderr, "bench_detect: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int bench(const char *mode, struct ds_detector *det, const struct item *it, size_t n,
		 int paired, int repeat)
{
	struct ds_detect_opts opts = {0};
	struct ds_err err = {0};
	double *t = malloc((n * (size_t)repeat + 1) * sizeof *t), sum = 0, cpu = 0;
	size_t nt = 0, words = 0, subs = 0, spun = 0;

	if (!t) {
		fprintf(stderr, "bench_detect: out of memory\n");
		return -1;
	}
	for (int r = 0; r < repeat; r++) {
		for (size_t i = 0; i < n; i++) {
			if (paired && !it[i].src.data)
				continue;
			double c0 = cpu_now(), t0 = now();
			struct ds_result *res = ds_detect(det, &it[i].art, paired ? &it[i].src : NULL,
							  NULL, &opts, &err);
			double dt = now() - t0;
			cpu += cpu_now() - c0;
			if (!res) {
				if (r == 0)
					fprintf(stderr, "bench_detect: %s: %s (skipped)\n", it[i].art.name,
						err.msg);
				continue;
			}
			t[nt++] = dt;
			sum += dt;
			words += ds_result_words(res);
			subs += ds_result_nsubs(res);
			spun += (size_t)ds_result_spun(res);
			ds_result_free(res);
		}
	}
	if (nt == 0) {
		free(t);
		fprintf(stderr, "bench_detect: no article scored (%s)\n", mode);
		return -1;
	}
	qsort(t, nt, sizeof *t, cmp_double);
	printf("detect: %-7s %4zu calls, %3.0f words/article: wall mean %6.2f ms p50 %6.2f p90 %6.2f "
	       "p99 %6.2f max %6.2f; CPU mean %6.2f ms: %5.1f articles/s, %6.0f words/s per core "
	       "(%.0f%% spun, %.1f subs/article)\n",
	       mode, nt, (double)words / nt, 1e3 * sum / nt, 1e3 * pct(t, nt, .5), 1e3 * pct(t, nt, .9),
	       1e3 * pct(t, nt, .99), 1e3 * t[nt - 1], 1e3 * cpu / nt, nt / cpu, words / cpu,
	       100.0 * spun / nt, (double)subs / nt);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "models";
	int repeat = 1, argi = 1, status = 2;
	struct item *it = NULL;
	size_t n = 0, cap = 0;
	struct ds_models *m = NULL;
	struct ds_detector *det = NULL;
	struct ds_err err = {0};
	char line[8192];
	FILE *list = NULL;

	while (argi + 1 < argc && argv[argi][0] == '-') {
		if (strcmp(argv[argi], "-m") == 0)
			dir = argv[argi + 1];
		else if (strcmp(argv[argi], "-r") == 0)
			repeat = atoi(argv[argi + 1]);
		else
			break;
		argi += 2;
	}
	if (argi != argc - 1 || repeat < 1) {
		fprintf(stderr, "usage: bench_detect [-m MODELS] [-r REPEAT] LIST\n");
		return 2;
	}
	list = fopen(argv[argi], "r");
	if (!list) {
		fprintf(stderr, "bench_detect: cannot open %s: %s\n", argv[argi], strerror(errno));
		return 2;
	}
	while (fgets(line, sizeof line, list)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		if (n == cap) {
			struct item *ni = realloc(it, (cap = cap ? cap * 2 : 256) * sizeof *it);
			if (!ni) {
				fprintf(stderr, "bench_detect: out of memory\n");
				goto out;
			}
			it = ni;
		}
		struct item *x = &it[n];
		memset(x, 0, sizeof *x);
		char *tab = strchr(line, '\t');
		if (tab)
			*tab++ = 0;
		x->art.name = strdup(line);
		x->abuf = slurp(line, &x->art.len);
		x->art.data = x->abuf;
		if (tab && *tab && strcmp(tab, "-") != 0) {
			x->src.name = strdup(tab);
			x->sbuf = slurp(tab, &x->src.len);
			x->src.data = x->sbuf;
			if (!x->sbuf || !x->src.name)
				goto out_n;
		}
		if (!x->abuf || !x->art.name)
			goto out_n;
		n++;
	}

	double t0 = now();
	m = ds_models_open_many(dir, &err); /* a pipeline's opening */
	double t1 = now();
	if (!m) {
		fprintf(stderr, "bench_detect: %s\n", err.msg);
		goto out;
	}
	det = ds_detector_new(m, &err);
	if (!det) {
		fprintf(stderr, "bench_detect: %s\n", err.msg);
		goto out;
	}
	printf("detect: models opened in %.1f ms (%s); %zu articles in memory\n", 1e3 * (t1 - t0), dir, n);
	/* one warm-up pass: page in the memory-mapped models; then each mode
	 * with a detector of its own, whose cache of candidate originals
	 * starts empty, as a scan of articles it has not seen does */
	if (bench("warm-up", det, it, n, 0, 1) != 0 || fresh(m, &det) ||
	    bench("solo", det, it, n, 0, repeat) != 0 || fresh(m, &det) ||
	    bench("source", det, it, n, 1, repeat) != 0)
		goto out;
	status = 0;
	goto out;
out_n:
	n++; /* free the partly filled item too */
out:
	for (size_t i = 0; i < n; i++) {
		free((char *)it[i].art.name);
		free((char *)it[i].src.name);
		free(it[i].abuf);
		free(it[i].sbuf);
	}
	free(it);
	ds_detector_free(det);
	ds_models_free(m);
	if (list)
		fclose(list);
	return status;
}
