/* test_warcread.c - the pages of a WARC archive read as a stream
 * (src/cli/warcread.c): pages in archive order, named by their URIs, the
 * records without a page counted by why; an archive gzip-compressed a
 * member per record reads as the plain one; a record whose page is damaged
 * is an error in its place with the pages after it read; a cut or
 * malformed archive ends after the pages before, with one message naming
 * it; names and first bytes tell an archive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "packers.h"
#include "tmpfiles.h"
#include "warcread.h"

/* A record of type typ for uri (NULL: none) holding block. */
static void record(struct ds_buf *b, const char *typ, const char *uri, const char *ctype,
		   const char *block)
{
	ds_buf_printf(b, "WARC/1.1\r\nWARC-Type: %s\r\n", typ);
	if (uri)
		ds_buf_printf(b, "WARC-Target-URI: %s\r\n", uri);
	ds_buf_printf(b, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s\r\n\r\n", ctype,
		      strlen(block), block);
}

#define HTTP "application/http; msgtype=response"

/* The archive of the tests, appended to b: warcinfo, a page, a redirect,
 * a page whose chunks are cut, a text resource, a request; record i
 * starts at b's byte starts[i] (starts[6]: the end). */
static void archive(struct ds_buf *b, size_t *starts)
{
	int k = 0;
	starts[k++] = b->len;
	record(b, "warcinfo", NULL, "application/warc-fields", "software: test\r\n");
	starts[k++] = b->len;
	record(b, "response", "https://a.example/one", HTTP,
	       "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>The council met.</p>");
	starts[k++] = b->len;
	record(b, "response", "https://a.example/old", HTTP,
	       "HTTP/1.1 301 Moved\r\nLocation: /one\r\n\r\n");
	starts[k++] = b->len;
	record(b, "response", "https://a.example/broken", HTTP,
	       "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
	       "40\r\nonly a few bytes\r\n");
	starts[k++] = b->len;
	record(b, "resource", "file:///notes.txt", "text/plain", "The war went on.");
	starts[k++] = b->len;
	record(b, "request", "https://a.example/one", "application/http; msgtype=request",
	       "GET /one HTTP/1.1\r\n\r\n");
	starts[k] = b->len;
}

/* Records [0, n) of b (starting at starts[i]) as a gzip member each, as
 * crawlers write .warc.gz, appended to z; the last one short of cut
 * bytes. */
static void gz_members(const struct ds_buf *b, const size_t *starts, int n, size_t cut,
		       struct ds_buf *z)
{
	for (int i = 0; i < n; i++) {
		char *p;
		size_t pn;
		gz(b->data + starts[i], starts[i + 1] - starts[i], &p, &pn);
		ds_buf_append(z, p, i == n - 1 ? pn - cut : pn);
		free(p);
	}
}

/* What reading an archive gave: its pages' kinds ("H"/"T", or "E" for a
 * record error) and ids, joined by spaces; its counts; its failure. */
struct got {
	char out[1024], counts[256], error[256];
};

/* Reads the archive at path into *g. */
static void read_all(const char *path, struct got *g)
{
	char *out = g->out;
	size_t cap = sizeof g->out;
	struct ds_err err = {0};
	struct cli_warc *w = cli_warc_open(path, "a.warc", 0, &err);
	struct cli_warc_page pg;
	struct ds_buf b = DS_BUF_INIT;
	size_t n = 0;
	out[0] = 0;
	T_OK(w != NULL);
	if (!w)
		return;
	while (cli_warc_next(w, &pg) > 0) {
		n += (size_t)snprintf(out + n, cap - n, "%s%s %s", n ? " " : "",
				      pg.err[0] ? "E" : pg.kind == DS_WARC_HTML ? "H" : "T", pg.id);
		T_OK(pg.err[0] ? pg.body == NULL : pg.body != NULL && pg.body[pg.len] == 0);
		free(pg.body);
	}
	cli_warc_counts(w, &b);
	snprintf(g->counts, sizeof g->counts, "%s", b.data ? b.data : "");
	snprintf(g->error, sizeof g->error, "%s",
		 cli_warc_error(w)[0] ? cli_warc_error(w) : cli_warc_stream_error(w));
	ds_buf_free(&b);
	cli_warc_close(w);
}

T_TEST(pages_in_order_others_counted)
{
	struct ds_buf b = DS_BUF_INIT;
	size_t starts[8];
	char path[256];
	struct got g;
	archive(&b, starts);
	t_put_file("a.warc", b.data, b.len, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.out, "H https://a.example/one E https://a.example/broken T file:///notes.txt");
	T_EQ_STR(g.counts, "2 pages of 6 records; left out: 1 warcinfo, 1 redirect, 1 request");
	T_EQ_STR(g.error, "");
	ds_buf_free(&b);
}

/* a member per record, as crawlers write .warc.gz, reads as the plain
 * archive; so does one zstd frame of the whole */
T_TEST(compressed_reads_as_plain)
{
	struct ds_buf b = DS_BUF_INIT, z = DS_BUF_INIT;
	size_t starts[8];
	char path[256], *p;
	struct got g;
	size_t pn;
	archive(&b, starts);
	gz_members(&b, starts, 6, 0, &z);
	t_put_file("a.warc.gz", z.data, z.len, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.out, "H https://a.example/one E https://a.example/broken T file:///notes.txt");
	T_EQ_STR(g.error, "");
	zs(b.data, b.len, &p, &pn);
	t_put_file("a.warc.zst", p, pn, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.counts, "2 pages of 6 records; left out: 1 warcinfo, 1 redirect, 1 request");
	free(p);
	ds_buf_free(&b);
	ds_buf_free(&z);
}

/* cut inside a record's block, or a gzip member: the pages before, then
 * one message; a header that is not one ends the archive the same way */
T_TEST(cut_or_malformed_ends_after_pages_before)
{
	struct ds_buf b = DS_BUF_INIT, z = DS_BUF_INIT;
	size_t starts[8];
	char path[256];
	struct got g;
	archive(&b, starts);
	t_put_file("cut.warc", b.data, starts[5] - 10, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.out, "H https://a.example/one E https://a.example/broken");
	T_EQ_STR(g.error, "a.warc: record 5 cut short");
	gz_members(&b, starts, 2, 5, &z);
	t_put_file("cut.warc.gz", z.data, z.len, path, sizeof path);
	read_all(path, &g);
	T_OK(strstr(g.error, "cut short") != NULL);
	b.len = starts[2];
	ds_buf_puts(&b, "WARC/1.1\r\nno colon here\r\n\r\n");
	t_put_file("bad.warc", b.data, b.len, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.out, "H https://a.example/one");
	T_OK(strncmp(g.error, "a.warc: record 3: ", 18) == 0);
	t_put_file("plain.txt", "The council met.\n", 17, path, sizeof path);
	read_all(path, &g);
	T_EQ_STR(g.out, "");
	T_EQ_STR(g.error, "a.warc: not a WARC archive (record 1 does not start with WARC/1.x)");
	ds_buf_free(&b);
	ds_buf_free(&z);
}

/* a record past the size bound is passed over, counted, and the next read */
T_TEST(record_past_bound_left_out)
{
	struct ds_buf b = DS_BUF_INIT;
	struct ds_err err = {0};
	size_t starts[8];
	char path[256];
	struct cli_warc *w;
	struct cli_warc_page pg;
	archive(&b, starts);
	t_put_file("a.warc", b.data, b.len, path, sizeof path);
	w = cli_warc_open(path, "a.warc", 60, &err);
	T_OK(w != NULL);
	T_EQ_INT(cli_warc_next(w, &pg), 1); /* the resource, of 16 bytes */
	T_EQ_STR(pg.id, "file:///notes.txt");
	T_EQ_INT(pg.record, 5);
	free(pg.body);
	T_EQ_INT(cli_warc_next(w, &pg), 0);
	ds_buf_free(&b);
	cli_warc_counts(w, &b);
	T_OK(strstr(b.data, "2 larger than --max-size") != NULL);
	T_EQ_STR(cli_warc_error(w), "");
	cli_warc_close(w);
	ds_buf_free(&b);
	T_OK(cli_warc_open("/nonexistent/a.warc", "a.warc", 0, &err) == NULL &&
	     strstr(err.msg, "/nonexistent/a.warc") != NULL);
}

T_TEST(named_and_sniffed)
{
	char path[256], *p;
	size_t pn;
	static const char rec[] = "WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n";
	T_EQ_INT(cli_warc_named("crawl.warc"), 1);
	T_EQ_INT(cli_warc_named("dir/CRAWL.WARC.GZ"), 1);
	T_EQ_INT(cli_warc_named("crawl.warc.zst"), 1);
	T_EQ_INT(cli_warc_named(".warc"), 0);
	T_EQ_INT(cli_warc_named("crawl.warc.txt"), 0);
	T_EQ_INT(cli_warc_named("warc"), 0);
	t_put_file("x.dat", rec, sizeof rec - 1, path, sizeof path);
	T_EQ_INT(cli_warc_sniff(path), 1);
	gz(rec, sizeof rec - 1, &p, &pn);
	t_put_file("x.gz", p, pn, path, sizeof path);
	T_EQ_INT(cli_warc_sniff(path), 1);
	free(p);
	t_put_file("y.txt", "WARC is a format.\n", 18, path, sizeof path);
	T_EQ_INT(cli_warc_sniff(path), 0);
	T_EQ_INT(cli_warc_sniff("-"), 0);
	T_EQ_INT(cli_warc_sniff(t_dir), 0);
}

int main(void)
{
	if (t_dir_make())
		return 2;
	T_RUN(pages_in_order_others_counted);
	T_RUN(compressed_reads_as_plain);
	T_RUN(cut_or_malformed_ends_after_pages_before);
	T_RUN(record_past_bound_left_out);
	T_RUN(named_and_sniffed);
	if (t_dir_remove())
		return 2;
	return t_done();
}
