/* warc.c - the pages of WARC records.  See warc.h. */
#include "warc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unpack.h"
#include "util.h"

int ds_warc_is(const char *p, size_t n)
{
	return n >= 7 && memcmp(p, "WARC/1.", 7) == 0;
}

/* The line of p[at..n) without its end (LF or CRLF): its start, *len its
 * bytes; *at moves past the line end.  NULL when no line end is left. */
static const char *next_line(const char *p, size_t n, size_t *at, size_t *len)
{
	const char *s = p + *at, *nl = memchr(s, '\n', n - *at);
	if (!nl)
		return NULL;
	*len = (size_t)(nl - s);
	if (*len && s[*len - 1] == '\r')
		--*len;
	*at = (size_t)(nl - p) + 1;
	return s;
}

/* Copies the value v (vn bytes, blanks around it left out) into out (cap
 * bytes, cut to fit, NUL-terminated); lower case when lower. */
static void put_value(char *out, size_t cap, const char *v, size_t vn, int lower)
{
	while (vn && (*v == ' ' || *v == '\t')) {
		v++;
		vn--;
	}
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (vn >= cap)
		vn = cap - 1;
	for (size_t i = 0; i < vn; i++)
		out[i] = lower ? (char)tolower((unsigned char)v[i]) : v[i];
	out[vn] = 0;
}

static int name_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

/* Splits a header line "Name: value"; 0 when it is none. */
static int field(const char *s, size_t n, size_t *name_len, const char **v, size_t *vn)
{
	const char *colon = memchr(s, ':', n);
	if (!colon || colon == s)
		return 0;
	*name_len = (size_t)(colon - s);
	*v = colon + 1;
	*vn = n - *name_len - 1;
	return 1;
}

int ds_warc_head_parse(const char *p, size_t n, struct ds_warc_head *h, struct ds_err *err)
{
	size_t at = 0, len, nl, vn;
	const char *line = next_line(p, n, &at, &len), *v;
	int have_length = 0;

	memset(h, 0, sizeof *h);
	if (!line || len < 8 || !ds_warc_is(line, len))
		return ds_err_set(err, DS_ECORRUPT, "not a WARC record (no WARC/1.x line)");
	while ((line = next_line(p, n, &at, &len)) != NULL && len > 0) {
		if (line[0] == ' ' || line[0] == '\t')
			continue; /* a folded value's continuation: none read here */
		if (!field(line, len, &nl, &v, &vn))
			return ds_err_set(err, DS_ECORRUPT, "malformed WARC header line '%.*s'",
					  (int)(len > 60 ? 60 : len), line);
		if (name_is(line, nl, "WARC-Type")) {
			put_value(h->type, sizeof h->type, v, vn, 1);
		} else if (name_is(line, nl, "WARC-Target-URI")) {
			put_value(h->uri, sizeof h->uri, v, vn, 0);
			/* WARC/1.0 writes it in angle brackets too */
			if (h->uri[0] == '<' && h->uri[strlen(h->uri) - 1] == '>') {
				memmove(h->uri, h->uri + 1, strlen(h->uri));
				h->uri[strlen(h->uri) - 1] = 0;
			}
		} else if (name_is(line, nl, "WARC-Date")) {
			char d[32];
			put_value(d, sizeof d, v, vn, 0);
			if (strlen(d) >= 10 && isdigit((unsigned char)d[0]) && d[4] == '-' && d[7] == '-')
				memcpy(h->date, d, 10);
		} else if (name_is(line, nl, "Content-Type")) {
			put_value(h->ctype, sizeof h->ctype, v, vn, 1);
		} else if (name_is(line, nl, "Content-Length")) {
			char num[32];
			char *end;
			put_value(num, sizeof num, v, vn, 0);
			if (!isdigit((unsigned char)num[0]))
				return ds_err_set(err, DS_ECORRUPT, "WARC Content-Length '%s' is not a number",
						  num);
			h->length = strtoull(num, &end, 10);
			if (*end)
				return ds_err_set(err, DS_ECORRUPT, "WARC Content-Length '%s' is not a number",
						  num);
			have_length = 1;
		}
	}
	if (!line)
		return ds_err_set(err, DS_ECORRUPT, "WARC header block without its blank line");
	if (!have_length)
		return ds_err_set(err, DS_ECORRUPT, "WARC record without a Content-Length");
	return 0;
}

/* The kind of page of a content type (lower case, parameters after ';'). */
static enum ds_warc_kind kind_of(const char *ctype)
{
	size_t n = strcspn(ctype, "; \t");
	if ((n == 9 && memcmp(ctype, "text/html", 9) == 0) ||
	    (n == 21 && memcmp(ctype, "application/xhtml+xml", 21) == 0))
		return DS_WARC_HTML;
	if (n == 10 && memcmp(ctype, "text/plain", 10) == 0)
		return DS_WARC_TEXT;
	return DS_WARC_NONE;
}

/* Undoes "Transfer-Encoding: chunked" of body (n bytes) in place: *len the
 * bytes of data.  DS_ECORRUPT when the chunks are broken. */
static int unchunk(char *body, size_t n, size_t *len, struct ds_err *err)
{
	size_t at = 0, out = 0;
	for (;;) {
		size_t ll, size = 0, digits = 0;
		const char *line = next_line(body, n, &at, &ll);
		if (!line)
			return ds_err_set(err, DS_ECORRUPT, "HTTP chunks cut short");
		while (digits < ll && isxdigit((unsigned char)line[digits])) {
			int d = isdigit((unsigned char)line[digits])
					? line[digits] - '0'
					: tolower((unsigned char)line[digits]) - 'a' + 10;
			if (size > (SIZE_MAX >> 4))
				return ds_err_set(err, DS_ECORRUPT, "HTTP chunk size too large");
			size = size * 16 + (size_t)d;
			digits++;
		}
		if (!digits)
			return ds_err_set(err, DS_ECORRUPT, "malformed HTTP chunk size");
		if (size == 0)
			break; /* the last chunk; trailers, if any, are left out */
		if (size > n - at)
			return ds_err_set(err, DS_ECORRUPT, "HTTP chunk longer than the record");
		memmove(body + out, body + at, size);
		out += size;
		at += size;
		/* the chunk's line end */
		if (at < n && body[at] == '\r')
			at++;
		if (at < n && body[at] == '\n')
			at++;
	}
	*len = out;
	return 0;
}

/* 1 when body's first line is a chunk size: hex digits, then nothing but
 * an extension (';') or blanks. */
static int starts_as_chunks(const char *body, size_t n)
{
	size_t at = 0, ll, d = 0;
	const char *line = next_line(body, n, &at, &ll);
	if (!line)
		return 0;
	while (d < ll && d < 16 && isxdigit((unsigned char)line[d]))
		d++;
	return d > 0 && (d == ll || line[d] == ';' || line[d] == ' ' || line[d] == '\t');
}

static int copy_out(const char *p, size_t n, char **out, size_t *len, struct ds_err *err)
{
	if (!(*out = malloc(n + 1)))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	memcpy(*out, p, n);
	(*out)[n] = 0;
	*len = n;
	return 0;
}

/* The page of an HTTP response (block, n bytes). */
static int http_page(const char *block, size_t n, size_t max, char **out, size_t *len,
		     enum ds_warc_kind *kind, const char **why, struct ds_err *err)
{
	size_t at = 0, ll, nl, vn, blen = 0;
	const char *line = next_line(block, n, &at, &ll), *v;
	char ctype[256] = "", tenc[64] = "", cenc[64] = "";
	int status, rc = 0;
	char *body;

	if (!line || ll < 10 || memcmp(line, "HTTP/", 5) != 0)
		return ds_err_set(err, DS_ECORRUPT, "malformed HTTP response (no status line)");
	{
		const char *sp = memchr(line, ' ', ll);
		if (!sp || (size_t)(sp - line) + 4 > ll || !isdigit((unsigned char)sp[1]) ||
		    !isdigit((unsigned char)sp[2]) || !isdigit((unsigned char)sp[3]))
			return ds_err_set(err, DS_ECORRUPT, "malformed HTTP status line");
		status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	}
	while ((line = next_line(block, n, &at, &ll)) != NULL && ll > 0) {
		if (!field(line, ll, &nl, &v, &vn))
			continue; /* a folded or malformed header: not one read here */
		if (name_is(line, nl, "Content-Type"))
			put_value(ctype, sizeof ctype, v, vn, 1);
		else if (name_is(line, nl, "Transfer-Encoding"))
			put_value(tenc, sizeof tenc, v, vn, 1);
		else if (name_is(line, nl, "Content-Encoding"))
			put_value(cenc, sizeof cenc, v, vn, 1);
	}
	if (!line)
		return ds_err_set(err, DS_ECORRUPT, "HTTP headers without their blank line");
	if (status != 200) {
		*why = status >= 300 && status < 400   ? "redirect"
		       : status >= 400 && status < 600 ? "HTTP error"
						       : "other HTTP status";
		return 0;
	}
	*kind = kind_of(ctype);
	if (*kind == DS_WARC_NONE) {
		*why = ctype[0] ? "not HTML nor text" : "no content type";
		return 0;
	}
	if (cenc[0] && strcmp(cenc, "identity") != 0 && strcmp(cenc, "gzip") != 0 &&
	    strcmp(cenc, "x-gzip") != 0 && strcmp(cenc, "zstd") != 0) {
		*kind = DS_WARC_NONE;
		*why = "content encoding not read here";
		return 0;
	}
	if ((rc = copy_out(block + at, n - at, &body, &blen, err)) != 0)
		return rc;
	/* chunked as the server sent it, unless the crawler stored it
	 * decoded and kept the header: then it does not start as chunks */
	if (strstr(tenc, "chunked") && starts_as_chunks(body, blen) &&
	    (rc = unchunk(body, blen, &blen, err)) != 0) {
		free(body);
		return rc;
	}
	body[blen] = 0;
	/* compressed as the server sent it, unless stored decoded */
	if (cenc[0] && ds_unpack_kind(body, blen)) {
		char *plain;
		size_t plen;
		rc = ds_unpack("the HTTP body", body, blen, max, &plain, &plen, err);
		free(body);
		if (rc)
			return rc;
		body = plain;
		blen = plen;
	}
	*out = body;
	*len = blen;
	return 0;
}

int ds_warc_page(const struct ds_warc_head *h, const char *block, size_t n, size_t max,
		 char **out, size_t *len, enum ds_warc_kind *kind, const char **why,
		 struct ds_err *err)
{
	*out = NULL;
	*len = 0;
	*kind = DS_WARC_NONE;
	*why = "";
	if (strcmp(h->type, "response") == 0) {
		if (strncmp(h->ctype, "application/http", 16) == 0)
			return http_page(block, n, max, out, len, kind, why, err);
		*kind = kind_of(h->ctype); /* a response stored without its HTTP */
	} else if (strcmp(h->type, "resource") == 0) {
		*kind = kind_of(h->ctype);
	} else {
		*why = strcmp(h->type, "request") == 0	 ? "request"
		       : strcmp(h->type, "warcinfo") == 0 ? "warcinfo"
		       : strcmp(h->type, "metadata") == 0 ? "metadata"
		       : strcmp(h->type, "revisit") == 0  ? "revisit"
							  : "other record type";
		return 0;
	}
	if (*kind == DS_WARC_NONE) {
		*why = "not HTML nor text";
		return 0;
	}
	return copy_out(block, n, out, len, err);
}
