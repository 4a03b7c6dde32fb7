/*
 * warc.h - the web pages of a WARC archive (ISO 28500: WARC/1.0 and 1.1, as
 * crawlers such as Heritrix, wget --warc-file and Common Crawl write them):
 * a record's header block, and the page a response or resource record
 * holds, with the HTTP response's transfer and content encodings undone.
 *
 * A record is a header block ("WARC/1.x", named fields, a blank line), a
 * block of Content-Length bytes, then two line ends.  The caller reads the
 * archive (a stream, record by record: memory is one record's) and hands
 * each part here.  Never prints.
 */
#ifndef DS_WARC_H
#define DS_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "despin.h"

/* The fields of a record's header block that find its page. */
struct ds_warc_head {
	char type[32];      /* WARC-Type: "response", "resource", "request", ... */
	char uri[2048];     /* WARC-Target-URI ("" when none; a longer one is cut) */
	char date[11];      /* the day of WARC-Date, YYYY-MM-DD ("" when none) */
	char ctype[256];    /* Content-Type of the block, lower case */
	uint64_t length;    /* Content-Length: the block's bytes */
};

/* 1 when p (n bytes) starts as a WARC record does ("WARC/1."). */
int ds_warc_is(const char *p, size_t n);

/* Parses the header block p (n bytes: the version line to the blank line,
 * both included) into *h.  DS_ECORRUPT, with what is wrong in err, when the
 * version line or a field is malformed or Content-Length is missing or not
 * a number. */
int ds_warc_head_parse(const char *p, size_t n, struct ds_warc_head *h, struct ds_err *err);

enum ds_warc_kind {
	DS_WARC_NONE = 0,  /* no page: *why says what the record is */
	DS_WARC_HTML = 1,  /* a web page (text/html, application/xhtml+xml) */
	DS_WARC_TEXT = 2   /* plain text (text/plain) */
};

/* The page record h holds in block (h->length bytes): a "response" of
 * Content-Type application/http (its HTTP response, status 200, with
 * "Transfer-Encoding: chunked" and a gzip or zstd "Content-Encoding"
 * undone) or a "resource" of its own type.  *out gets the page (a new
 * buffer, NUL-terminated, the caller frees it), *len its bytes and *kind
 * its kind; max (0: no limit) bounds what a compressed body may inflate
 * to.  A record that holds no page (a request, a redirect, an image, a
 * body in an encoding not read here) gives *kind DS_WARC_NONE, *out NULL
 * and *why a short static noun phrase that counts read well after
 * ("request", "revisit", "redirect", "HTTP error", "not HTML nor text",
 * "content encoding not read here").  Returns 0, DS_ECORRUPT
 * (a malformed HTTP response, broken chunks, a damaged compressed body),
 * DS_ETOOBIG (past max) or DS_ENOMEM. */
int ds_warc_page(const struct ds_warc_head *h, const char *block, size_t n, size_t max,
		 char **out, size_t *len, enum ds_warc_kind *kind, const char **why,
		 struct ds_err *err);

#endif
