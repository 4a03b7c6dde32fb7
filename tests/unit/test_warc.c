/* Unit tests of warc.c: header blocks parsed (fields in any case, the
 * target URI with or without angle brackets, the day of WARC-Date), what
 * is malformed refused; the page of a response (status 200 only; chunked
 * and gzip bodies undone, a body stored decoded under those headers taken
 * as it is) or of a resource; every other record named by what it is. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "packers.h"
#include "warc.h"

static const char HEAD[] = "WARC/1.1\r\n"
			   "warc-type: response\r\n"
			   "WARC-Target-URI: <https://news.example/a?b=1>\r\n"
			   "WARC-Date: 2025-03-01T10:00:00Z\r\n"
			   "Content-Type: application/http; msgtype=response\r\n"
			   "Content-Length: 1234\r\n"
			   "\r\n";

T_TEST(header_blocks)
{
	struct ds_warc_head h;
	struct ds_err err = {0};
	T_OK(ds_warc_is(HEAD, sizeof HEAD - 1));
	T_OK(!ds_warc_is("WARC/2.0\r\n", 10) && !ds_warc_is("<html>", 6));
	T_EQ_INT(ds_warc_head_parse(HEAD, sizeof HEAD - 1, &h, &err), 0);
	T_EQ_STR(h.type, "response");
	T_EQ_STR(h.uri, "https://news.example/a?b=1");
	T_EQ_STR(h.date, "2025-03-01");
	T_EQ_STR(h.ctype, "application/http; msgtype=response");
	T_EQ_INT(h.length, 1234);
	/* line ends of LF alone, no URI nor date */
	T_EQ_INT(ds_warc_head_parse("WARC/1.0\nWARC-Type: warcinfo\nContent-Length: 0\n\n", 48, &h,
				    &err), 0);
	T_EQ_STR(h.type, "warcinfo");
	T_EQ_STR(h.uri, "");
	T_EQ_STR(h.date, "");
	/* refused: no version line, no length, a length that is no number,
	 * a line that is no field, no blank line */
	T_EQ_INT(ds_warc_head_parse("HTTP/1.1 200 OK\r\n\r\n", 19, &h, &err), DS_ECORRUPT);
	T_EQ_INT(ds_warc_head_parse("WARC/1.0\r\nWARC-Type: request\r\n\r\n", 32, &h, &err),
		 DS_ECORRUPT);
	T_OK(strstr(err.msg, "Content-Length") != NULL);
	T_EQ_INT(ds_warc_head_parse("WARC/1.0\r\nContent-Length: 12x\r\n\r\n", 34, &h, &err),
		 DS_ECORRUPT);
	T_EQ_INT(ds_warc_head_parse("WARC/1.0\r\ngarbage\r\nContent-Length: 1\r\n\r\n", 41, &h, &err),
		 DS_ECORRUPT);
	T_EQ_INT(ds_warc_head_parse("WARC/1.0\r\nContent-Length: 1\r\n", 30, &h, &err), DS_ECORRUPT);
}

/* The page of a response record whose block is http (n bytes). */
static int page_of(const char *type, const char *ctype, const char *block, size_t n, char **out,
		   size_t *len, enum ds_warc_kind *kind, const char **why)
{
	struct ds_warc_head h;
	struct ds_err err = {0};
	memset(&h, 0, sizeof h);
	snprintf(h.type, sizeof h.type, "%s", type);
	snprintf(h.ctype, sizeof h.ctype, "%s", ctype);
	h.length = n;
	return ds_warc_page(&h, block, n, 1 << 20, out, len, kind, why, &err);
}

static const char PAGE[] = "<html><body><p>The council met.</p></body></html>";
#define HTTP_RESPONSE "application/http; msgtype=response"

T_TEST(response_pages)
{
	char *out, *gzb, block[1024];
	size_t len, gzn, n;
	enum ds_warc_kind kind;
	const char *why;
	/* plain */
	n = (size_t)snprintf(block, sizeof block,
			     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n%s", PAGE);
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n, &out, &len, &kind, &why), 0);
	T_OK(kind == DS_WARC_HTML && len == sizeof PAGE - 1 && strcmp(out, PAGE) == 0);
	free(out);
	/* an HTTP/2 status line, without a reason */
	n = (size_t)snprintf(block, sizeof block, "HTTP/2 200\r\ncontent-type: text/html\r\n\r\n%s", PAGE);
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n, &out, &len, &kind, &why), 0);
	T_OK(kind == DS_WARC_HTML && strcmp(out, PAGE) == 0);
	free(out);
	/* chunked, in two chunks with an extension */
	n = (size_t)snprintf(block, sizeof block,
			     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "a;x=1\r\n%.10s\r\n%zx\r\n%s\r\n0\r\n\r\n",
			     PAGE, sizeof PAGE - 11, PAGE + 10);
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n, &out, &len, &kind, &why), 0);
	T_OK(kind == DS_WARC_HTML && strcmp(out, PAGE) == 0);
	free(out);
	/* gzip, and the same headers over a body stored decoded */
	gz(PAGE, sizeof PAGE - 1, &gzb, &gzn);
	n = (size_t)snprintf(block, sizeof block,
			     "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n\r\n");
	memcpy(block + n, gzb, gzn);
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n + gzn, &out, &len, &kind, &why), 0);
	T_OK(kind == DS_WARC_TEXT && strcmp(out, PAGE) == 0);
	free(out);
	free(gzb);
	n = (size_t)snprintf(block, sizeof block,
			     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n%s", PAGE);
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n, &out, &len, &kind, &why), 0);
	T_OK(kind == DS_WARC_HTML && strcmp(out, PAGE) == 0);
	free(out);
	/* broken chunks: an error */
	n = (size_t)snprintf(block, sizeof block,
			     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "ff\r\nshort");
	T_EQ_INT(page_of("response", HTTP_RESPONSE, block, n, &out, &len, &kind, &why), DS_ECORRUPT);
	T_OK(out == NULL);
}

T_TEST(records_without_a_page)
{
	static const struct {
		const char *type, *ctype, *block, *why;
	} cases[] = {
		{"response", HTTP_RESPONSE, "HTTP/1.1 301 Moved\r\nLocation: /a\r\n\r\n", "redirect"},
		{"response", HTTP_RESPONSE, "HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\nno",
		 "HTTP error"},
		{"response", HTTP_RESPONSE, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG",
		 "not HTML nor text"},
		{"response", HTTP_RESPONSE, "HTTP/1.1 200 OK\r\n\r\n<p>x</p>", "no content type"},
		{"response", HTTP_RESPONSE,
		 "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n\r\nxx",
		 "content encoding not read here"},
		{"request", "application/http; msgtype=request", "GET / HTTP/1.1\r\n\r\n", "request"},
		{"warcinfo", "application/warc-fields", "software: x\r\n", "warcinfo"},
		{"revisit", HTTP_RESPONSE, "", "revisit"},
		{"resource", "application/pdf", "%PDF-1.4", "not HTML nor text"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *out = (char *)1;
		size_t len;
		enum ds_warc_kind kind;
		const char *why = NULL;
		T_EQ_INT(page_of(cases[i].type, cases[i].ctype, cases[i].block, strlen(cases[i].block),
				 &out, &len, &kind, &why), 0);
		T_OK(out == NULL && kind == DS_WARC_NONE);
		T_EQ_STR(why, cases[i].why);
	}
	{
		/* a resource record is its own page; a malformed status line
		 * is an error */
		char *out;
		size_t len;
		enum ds_warc_kind kind;
		const char *why;
		T_EQ_INT(page_of("resource", "text/html", PAGE, sizeof PAGE - 1, &out, &len, &kind, &why), 0);
		T_OK(kind == DS_WARC_HTML && strcmp(out, PAGE) == 0);
		free(out);
		T_EQ_INT(page_of("response", HTTP_RESPONSE, "HTTP/1.1 OK\r\n\r\n", 15, &out, &len, &kind,
				 &why), DS_ECORRUPT);
	}
}

int main(void)
{
	T_RUN(header_blocks);
	T_RUN(response_pages);
	T_RUN(records_without_a_page);
	return t_done();
}
