/*
 * bench_text.c - throughput of the text pipeline (tokenisation, then
 * tokenisation with Snowball stemming) on one file, in one thread.
 *
 * usage: bench_text [-r REPEAT] [-a ARTICLE_BYTES] [-t raw] [-s whole|articles] FILE
 *
 * The file is read once into memory; each measure runs REPEAT times and the
 * best run is reported.  Rates are per second of this thread's CPU time, so
 * that other processes on the machine do not skew them; the wall time of
 * the best pass is printed beside.  Two shapes of input: the whole file as one document, and the file
 * cut at line ends into articles of about ARTICLE_BYTES (default 3000, some
 * 500 words), one document each, as a scan sees them: with the command
 * line's allocator settings (-t raw: glibc's defaults); -s runs one shape
 * only (for a profiler).  A third shape is the articles as saved web pages
 * (each line a <p>, '&', '<' and '>' as references, a head with a script, a
 * style and a date, a menu and a footer around the article): their text
 * (ds_html_text), then that text tokenised and stemmed, MB/s of page bytes.
 * Prints "text: ..." lines; exit status 2 on error.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "despin.h"
#include "stem.h"
#include "text.h"
#include "util.h"

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct piece {
	size_t off, len;
};

struct counts {
	size_t docs, tokens, words, stems;
};

/* Tokenises (and stems when st is not NULL) each piece once; fills c.
 * html: each piece is a web page, read as its text first (html 2: only
 * that, nothing tokenised). */
static int run(const char *buf, const struct piece *p, size_t np, struct ds_stemmer *st,
	       int html, struct counts *c)
{
	struct ds_err err = {0};

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < np; i++) {
		const char *text = buf + p[i].off;
		size_t len = p[i].len;
		char *page = NULL;
		struct ds_doc *d;
		if (html) {
			if (ds_html_text(text, len, &page, &len, &err)) {
				fprintf(stderr, "bench_text: out of memory\n");
				return -1;
			}
			c->docs++;
			text = page;
			if (html == 2) {
				free(page);
				continue;
			}
		}
		d = ds_doc_new(text, len, "bench", 0, &err);
		free(page);
		if (!d) {
			if (err.code == DS_EEMPTY)
				continue;
			fprintf(stderr, "bench_text: %s\n", err.msg);
			return -1;
		}
		if (st && ds_doc_stem(d, st) != 0) {
			fprintf(stderr, "bench_text: out of memory while stemming\n");
			ds_doc_free(d);
			return -1;
		}
		c->docs += !html;
		c->tokens += d->ntok;
		c->words += d->n_words;
		if (st)
			for (size_t t = 0; t < d->ntok; t++)
				c->stems += d->tok[t].stem != DS_NO_STEM;
		ds_doc_free(d);
	}
	return 0;
}

/* Runs one measure repeat times; prints the best throughput. */
static int measure(const char *label, const char *buf, size_t bytes, const struct piece *p,
		   size_t np, struct ds_stemmer *st, int html, int repeat)
{
	double best = 1e30, wall = 1e30;
	struct counts c = {0};

	for (int r = 0; r < repeat; r++) {
		double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID), t0 = clock_s(CLOCK_MONOTONIC);
		if (run(buf, p, np, st, html, &c) != 0)
			return -1;
		double dc = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0, dt = clock_s(CLOCK_MONOTONIC) - t0;
		if (dc < best)
			best = dc;
		if (dt < wall)
			wall = dt;
	}
	printf("text: %-27s %6.1f MB/s %5.2f M tokens/s %7.1f docs/s per CPU-s (%.2f s CPU, %.2f s wall "
	       "per pass; best of %d)\n",
	       label, bytes / best / 1e6, c.tokens / best / 1e6, c.docs / best, best, wall, repeat);
	if (st && c.stems == 0) {
		fprintf(stderr, "bench_text: no token was stemmed\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int repeat = 5, raw_malloc = 0, shapes = 7; /* 1 whole, 2 articles, 4 pages */
	size_t article = 3000;
	int argi = 1, status = 2;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct piece whole, *arts = NULL, *page_pieces = NULL;
	struct ds_buf pages = DS_BUF_INIT;
	size_t narts = 0;
	struct ds_stemmer *st = NULL;
	FILE *f = NULL;

	while (argi + 1 < argc && argv[argi][0] == '-') {
		if (strcmp(argv[argi], "-r") == 0)
			repeat = atoi(argv[argi + 1]);
		else if (strcmp(argv[argi], "-t") == 0 && strcmp(argv[argi + 1], "raw") == 0)
			raw_malloc = 1;
		else if (strcmp(argv[argi], "-s") == 0)
			shapes = strcmp(argv[argi + 1], "whole") == 0 ? 1
				 : strcmp(argv[argi + 1], "articles") == 0 ? 2
				 : strcmp(argv[argi + 1], "pages") == 0 ? 4 : 0;
		else if (strcmp(argv[argi], "-a") == 0)
			article = strtoul(argv[argi + 1], NULL, 10);
		else
			break;
		argi += 2;
	}
	if (argi != argc - 1 || repeat < 1 || article < 100 || !shapes) {
		fprintf(stderr, "usage: bench_text [-r REPEAT] [-a ARTICLE_BYTES] [-t raw] [-s whole|articles|pages] FILE\n");
		return 2;
	}
	f = fopen(argv[argi], "rb");
	if (!f) {
		fprintf(stderr, "bench_text: cannot open %s: %s\n", argv[argi], strerror(errno));
		return 2;
	}
	for (;;) {
		if (len == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
			if (!nb)
				goto oom;
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		if (got == 0)
			break;
		len += got;
	}
	if (ferror(f)) {
		fprintf(stderr, "bench_text: cannot read %s: %s\n", argv[argi], strerror(errno));
		goto out;
	}

	/* articles: cut at the first line end after each ARTICLE_BYTES */
	arts = malloc((len / article + 2) * sizeof *arts);
	page_pieces = malloc((len / article + 2) * sizeof *page_pieces);
	if (!arts || !page_pieces)
		goto oom;
	for (size_t off = 0; off < len;) {
		size_t end = off + article < len ? off + article : len;
		while (end < len && buf[end - 1] != '\n')
			end++;
		arts[narts].off = off;
		arts[narts].len = end - off;
		narts++;
		off = end;
	}
	whole.off = 0;
	whole.len = len;

	st = ds_stemmer_new();
	if (!st)
		goto oom;
#ifdef M_TRIM_THRESHOLD
	/* the allocator as the command line sets it (src/cli/main.c), so that
	 * the articles are measured as a scan sees them: without it, glibc
	 * gives the top of the heap back after each article (-t: without) */
	if (!raw_malloc) {
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
		mallopt(M_TOP_PAD, 16 << 20);
	}
#endif

	/* the articles as web pages */
	for (size_t i = 0; i < narts; i++) {
		static const char head[] =
			"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<meta property=\"article:published_time\" content=\"2025-01-02T03:04:05Z\">"
			"<title>A story | The Example Post</title><style>p { margin: 0 }</style>"
			"<script>var t = \"<p>not text</p>\"; if (a < b) { f(); }</script></head>\n"
			"<body><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/world\">World"
			"</a></li></ul></nav>\n<article>\n<p>";
		static const char foot[] = "</p>\n</article>\n<footer>&copy; 2025 The Example Post"
					   "</footer></body></html>\n";
		const char *a = buf + arts[i].off;
		size_t start = pages.len;
		if (ds_buf_puts(&pages, head))
			goto oom;
		for (size_t k = 0; k < arts[i].len; k++) {
			char ch = a[k];
			int r = ch == '&'   ? ds_buf_puts(&pages, "&amp;")
				: ch == '<' ? ds_buf_puts(&pages, "&lt;")
				: ch == '>' ? ds_buf_puts(&pages, "&gt;")
				: ch == '\n' && k + 1 < arts[i].len ? ds_buf_puts(&pages, "</p>\n<p>")
				: ch == '\n' ? 0 : ds_buf_putc(&pages, ch);
			if (r)
				goto oom;
		}
		if (ds_buf_puts(&pages, foot))
			goto oom;
		page_pieces[i].off = start;
		page_pieces[i].len = pages.len - start;
	}

	struct counts c;
	if (run(buf, &whole, 1, NULL, 0, &c) != 0)
		goto out;
	printf("text: %s: %.2f MB, %zu tokens, %zu words; %zu articles of ~%zu bytes\n",
	       argv[argi], len / 1e6, c.tokens, c.words, narts, article);
	if (((shapes & 1) &&
	     (measure("tokenise (whole file)", buf, len, &whole, 1, NULL, 0, repeat) ||
	      measure("tokenise+stem (whole file)", buf, len, &whole, 1, st, 0, repeat))) ||
	    ((shapes & 2) &&
	     (measure("tokenise (articles)", buf, len, arts, narts, NULL, 0, repeat) ||
	      measure("tokenise+stem (articles)", buf, len, arts, narts, st, 0, repeat))))
		goto out;
	if (shapes & 4) {
		printf("text: the articles as web pages: %.2f MB\n", pages.len / 1e6);
		if (measure("page text (pages)", pages.data, pages.len, page_pieces, narts, NULL, 2,
			    repeat) ||
		    measure("page+tokenise+stem (pages)", pages.data, pages.len, page_pieces,
			    narts, st, 1, repeat))
			goto out;
	}
	status = 0;
	goto out;
oom:
	fprintf(stderr, "bench_text: out of memory\n");
out:
	ds_stemmer_free(st);
	free(arts);
	free(page_pieces);
	ds_buf_free(&pages);
	free(buf);
	if (f)
		fclose(f);
	return status;
}
