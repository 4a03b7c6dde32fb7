/* mime.c - the text of a MIME message: a web page saved as one file
 * (.mhtml, "Webpage, Single File") or an e-mail (.eml).  The first part
 * that is text (text/plain or text/html, not an attachment) is taken (of
 * alternatives, a plain text and a page, the page when the plain text is a
 * stub of it), decoded (quoted-printable, base64; bytes that are no UTF-8
 * read as Windows-1252; format=flowed lines joined) and, when it is a
 * page, read as one (html.c).  See
 * despin.h. */
#include "despin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "textmap.h"
#include "util.h"

#define MIME_DEPTH 8        /* nested multiparts followed */
#define MIME_HEAD_MAX 65536 /* bytes of a header block looked at */

enum { ENC_IDENTITY, ENC_QP, ENC_BASE64 };

/* What the headers of a message or part say. */
struct part {
	size_t body, end;    /* the body: bytes [body, end) of the message */
	char type[64];       /* lower case; "" when not given (text/plain) */
	char boundary[72];   /* of a multipart */
	char charset[24];    /* lower case; "" when not given */
	int flowed, delsp;   /* format=flowed, delsp=yes (RFC 3676) */
	int enc;             /* ENC_... */
	int attachment;      /* Content-Disposition: attachment */
	int mime_version;    /* MIME-Version: seen */
	int from, about;     /* From: seen; Subject:, Date: or To: seen */
	int snapshot;        /* Snapshot-Content-Location: a saved page */
	char date[11];       /* Date:, as YYYY-MM-DD ("" when none or unread) */
};

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* The end of the line at i (at its '\n', or n). */
static size_t line_end(const char *s, size_t i, size_t n)
{
	const char *p = memchr(s + i, '\n', n - i);
	return p ? (size_t)(p - s) : n;
}

/* Whether s[i, e) is a header field's first line: a name of printable
 * characters but ':' and blanks, then ':'. */
static int field_line(const char *s, size_t i, size_t e)
{
	size_t j = i;
	while (j < e && s[j] > ' ' && s[j] < 127 && s[j] != ':')
		j++;
	return j > i && j < e && s[j] == ':';
}

/* Copies a parameter's value at v[0, n) (quoted or a token) into out. */
static void param_value(const char *v, size_t n, char *out, size_t cap, int lower)
{
	size_t i = 0, k = 0;
	int quoted = n && v[0] == '"';
	if (quoted)
		i = 1;
	for (; i < n && k + 1 < cap; i++) {
		char c = v[i];
		if (quoted ? c == '"' : (c == ';' || is_blank(c) || c == '\r' || c == '\n'))
			break;
		if (quoted && c == '\\' && i + 1 < n)
			c = v[++i];
		out[k++] = lower && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	out[k] = 0;
}

/* The value of parameter name in a header value v[0, n) ("type/sub;
 * a=b; c="d""), into out ("" when absent). */
static void param(const char *v, size_t n, const char *name, char *out, size_t cap, int lower)
{
	size_t l = strlen(name);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] != ';')
			continue;
		i++;
		while (i < n && (is_blank(v[i]) || v[i] == '\r' || v[i] == '\n'))
			i++;
		if (i + l < n && strncasecmp(v + i, name, l) == 0) {
			size_t j = i + l;
			while (j < n && is_blank(v[j]))
				j++;
			if (j < n && v[j] == '=') {
				j++;
				while (j < n && is_blank(v[j]))
					j++;
				param_value(v + j, n - j, out, cap, lower);
				return;
			}
		}
		i--;
	}
}

/* Whether parameter name of a header value v[0, n) is value (lower case). */
static int param_is(const char *v, size_t n, const char *name, const char *value)
{
	char got[16];
	param(v, n, name, got, sizeof got, 1);
	return strcmp(got, value) == 0;
}

/* "Tue, 1 Dec 2026 15:27:07 +0000" (RFC 5322) as "2026-12-01"; "" when it
 * reads otherwise. */
static void mail_date(const char *v, size_t n, char date[11])
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	size_t i = 0;
	unsigned day = 0, year = 0, mon = 0;
	date[0] = 0;
	while (i < n && !(v[i] >= '0' && v[i] <= '9')) /* the day's name */
		i++;
	while (i < n && v[i] >= '0' && v[i] <= '9' && day < 100)
		day = day * 10 + (unsigned)(v[i++] - '0');
	while (i < n && is_blank(v[i]))
		i++;
	for (unsigned m = 0; m < 12 && i + 3 <= n; m++)
		if (strncasecmp(v + i, months + 3 * m, 3) == 0)
			mon = m + 1;
	i += 3;
	while (i < n && is_blank(v[i]))
		i++;
	for (int k = 0; k < 4 && i < n && v[i] >= '0' && v[i] <= '9'; k++)
		year = year * 10 + (unsigned)(v[i++] - '0');
	if (!mon || day < 1 || day > 31 || year < 1000 || year > 9999 ||
	    (i < n && v[i] >= '0' && v[i] <= '9'))
		return;
	date[0] = (char)('0' + year / 1000);
	date[1] = (char)('0' + year / 100 % 10);
	date[2] = (char)('0' + year / 10 % 10);
	date[3] = (char)('0' + year % 10);
	date[4] = '-';
	date[5] = (char)('0' + mon / 10);
	date[6] = (char)('0' + mon % 10);
	date[7] = '-';
	date[8] = (char)('0' + day / 10);
	date[9] = (char)('0' + day % 10);
	date[10] = 0;
}

/* Reads the header block at s[i, n) into *p (the body starts after its
 * blank line).  Returns 0 when s[i] does not start a header block that
 * ends. */
static int headers(const char *s, size_t i, size_t n, struct part *p)
{
	size_t limit = n - i > MIME_HEAD_MAX ? i + MIME_HEAD_MAX : n;
	memset(p, 0, sizeof *p);
	p->end = n;
	while (i < limit) {
		size_t e = line_end(s, i, n), ve, name_len;
		const char *name = s + i, *v;
		if (e == i || (e == i + 1 && s[i] == '\r')) { /* the blank line */
			p->body = e < n ? e + 1 : n;
			return 1;
		}
		if (!field_line(s, i, e))
			return 0;
		name_len = (size_t)((const char *)memchr(name, ':', e - i) - name);
		/* the value, with the lines that fold into it */
		v = name + name_len + 1;
		ve = e;
		while (ve + 1 < n && is_blank(s[ve + 1]))
			ve = line_end(s, ve + 1, n);
		while (v < s + ve && (is_blank(*v) || *v == '\r' || *v == '\n'))
			v++;
#define FIELD(x) (name_len == sizeof x - 1 && strncasecmp(name, x, name_len) == 0)
		if (FIELD("content-type")) {
			param_value(v, (size_t)(s + ve - v), p->type, sizeof p->type, 1);
			param(v, (size_t)(s + ve - v), "boundary", p->boundary, sizeof p->boundary, 0);
			param(v, (size_t)(s + ve - v), "charset", p->charset, sizeof p->charset, 1);
			p->flowed = param_is(v, (size_t)(s + ve - v), "format", "flowed");
			p->delsp = param_is(v, (size_t)(s + ve - v), "delsp", "yes");
		} else if (FIELD("content-transfer-encoding")) {
			char enc[24];
			param_value(v, (size_t)(s + ve - v), enc, sizeof enc, 1);
			p->enc = strcmp(enc, "quoted-printable") == 0 ? ENC_QP
				 : strcmp(enc, "base64") == 0	    ? ENC_BASE64
									    : ENC_IDENTITY;
		} else if (FIELD("content-disposition")) {
			p->attachment = (size_t)(s + ve - v) >= 10 &&
					strncasecmp(v, "attachment", 10) == 0;
		} else if (FIELD("mime-version")) {
			p->mime_version = 1;
		} else if (FIELD("from")) {
			p->from = 1;
		} else if (FIELD("subject") || FIELD("to")) {
			p->about = 1;
		} else if (FIELD("snapshot-content-location")) {
			p->snapshot = 1;
		} else if (FIELD("date")) {
			p->about = 1;
			mail_date(v, (size_t)(s + ve - v), p->date);
		}
#undef FIELD
		i = ve < n ? ve + 1 : n;
	}
	return 0;
}

int ds_mime_is(const char *s, size_t n)
{
	struct part p;
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (!headers(s, i, n, &p))
		return 0;
	/* a MIME message; or a plain e-mail (RFC 5322, no MIME-Version: its
	 * body is text), told by a From: and a Subject:, Date: or To: */
	if (p.mime_version && p.type[0])
		return strncmp(p.type, "multipart/", 10) == 0 || strncmp(p.type, "text/", 5) == 0;
	return p.from && p.about && (!p.type[0] || strcmp(p.type, "text/plain") == 0);
}

/* Whether s[i, e) is the delimiter line "--boundary" (close: "--boundary--"). */
static int delimiter(const char *s, size_t i, size_t e, const char *b, size_t bl, int *close)
{
	if (e - i < bl + 2 || s[i] != '-' || s[i + 1] != '-' || memcmp(s + i + 2, b, bl) != 0)
		return 0;
	i += bl + 2;
	*close = e - i >= 2 && s[i] == '-' && s[i + 1] == '-';
	if (*close)
		i += 2;
	while (i < e && (is_blank(s[i]) || s[i] == '\r'))
		i++;
	return i == e;
}

/* Whether a part's type is one of text: text/plain (or none given) or
 * text/html. */
static int is_text_type(const char *type)
{
	return type[0] == 0 || strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0;
}

/* The first text part of *p (a message or a part: the first text/plain or
 * text/html that is not an attachment, in order, through nested
 * multiparts) into *out; 0 when there is none.  In a multipart/alternative
 * whose first text is plain and a later one a page, or the other way
 * round, the other goes to *alt (alt->type[0] stays 0 when there is none):
 * the same text in the other form, which ds_mime_text_map weighs.  In
 * another multipart, a forwarded message (message/rfc822) whose text is
 * longer than the text before it (a note sent with it) is taken instead. */
static int text_part(const char *s, const struct part *p, int depth, struct part *out,
		     struct part *alt)
{
	size_t i, bl;
	int found = 0, alternative;
	if (strcmp(p->type, "message/rfc822") == 0 && !p->attachment && depth < MIME_DEPTH) {
		struct part inner; /* a message forwarded whole */
		return headers(s, p->body, p->end, &inner) && text_part(s, &inner, depth + 1, out, alt);
	}
	if (strncmp(p->type, "multipart/", 10) != 0) {
		if (p->attachment || !is_text_type(p->type))
			return 0;
		*out = *p;
		return 1;
	}
	bl = strlen(p->boundary);
	if (!bl || depth >= MIME_DEPTH)
		return 0;
	alternative = strcmp(p->type, "multipart/alternative") == 0;
	/* the parts: from after each delimiter line to the line break before
	 * the next */
	i = p->body;
	while (i < p->end) {
		size_t e = line_end(s, i, p->end), start;
		int close = 0;
		if (!delimiter(s, i, e, p->boundary, bl, &close)) {
			i = e + 1;
			continue;
		}
		if (close)
			return found;
		start = e < p->end ? e + 1 : p->end;
		for (i = start; i < p->end;) {
			size_t e2 = line_end(s, i, p->end);
			int c2;
			if (delimiter(s, i, e2, p->boundary, bl, &c2)) {
				struct part child, leaf, inner_alt;
				size_t stop = i;
				if (stop > start && s[stop - 1] == '\n')
					stop--;
				if (stop > start && s[stop - 1] == '\r')
					stop--;
				inner_alt.type[0] = 0;
				if (headers(s, start, stop, &child)) {
					if (!child.type[0] && strcmp(p->type, "multipart/digest") == 0)
						strcpy(child.type, "message/rfc822");
					if (text_part(s, &child, depth + 1, &leaf, &inner_alt)) {
						if (!found) {
							*out = leaf;
							*alt = inner_alt;
							found = 1;
						} else if (alternative) {
							if (!alt->type[0] &&
							    (strcmp(leaf.type, "text/html") == 0) !=
								    (strcmp(out->type, "text/html") == 0))
								*alt = leaf;
						} else if (strcmp(child.type, "message/rfc822") == 0 &&
							   leaf.end - leaf.body > out->end - out->body) {
							/* a forwarded message beside a shorter
							 * note ("please check this one") */
							*out = leaf;
							*alt = inner_alt;
						}
						if (alternative && alt->type[0])
							return 1;
					}
				}
				break;
			}
			i = e2 + 1;
		}
		if (i >= p->end)
			return found; /* no delimiter after the part: unterminated */
	}
	return found;
}

static int hex(int c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : -1;
}

static int b64(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A'
	       : c >= 'a' && c <= 'z' ? c - 'a' + 26
	       : c >= '0' && c <= '9' ? c - '0' + 52
	       : c == '+'	      ? 62
	       : c == '/'	      ? 63
				      : -1;
}

/* A run of decoded bytes that stands for the message's bytes [in, end) as a
 * whole, from text offset out on: quoted-printable escapes in a row (the
 * bytes of one character, "=C3=A9").  One segment a run, as one a line of
 * base64, not one a byte: a 64 MiB part stays a few MB of map. */
struct run {
	size_t out, in, end;
	int on;
};

static int run_flush(struct run *r, struct ds_html_map *m)
{
	int rc = r->on ? ds_map_add(m, r->out, r->in, r->end - r->in, 0) : 0;
	r->on = 0;
	return rc;
}

/* Bytes [in, end) of the message, now decoded from text offset out on, go
 * into r: they continue it when they follow it in the message. */
static int run_add(struct run *r, struct ds_html_map *m, size_t out, size_t in, size_t end)
{
	if (r->on && r->end == in) {
		r->end = end;
		return 0;
	}
	if (run_flush(r, m))
		return DS_ENOMEM;
	*r = (struct run){out, in, end, 1};
	return 0;
}

/* Decodes the body of part p into *b, with *m mapping it to the message's
 * bytes.  0 or DS_ENOMEM. */
static int decode(const char *s, const struct part *p, struct ds_buf *b, struct ds_html_map *m)
{
	size_t i = p->body, e = p->end;
	if (p->enc == ENC_IDENTITY)
		return ds_map_add(m, 0, i, e - i, 1) || ds_buf_append(b, s + i, e - i) ? DS_ENOMEM : 0;
	if (p->enc == ENC_QP) {
		struct run r = {0, 0, 0, 0};
		while (i < e) {
			int h, l;
			if (s[i] == '=' && i + 1 < e && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
				/* a soft line break: nothing, inside a run or not */
				size_t k = s[i + 1] == '\r' && i + 2 < e && s[i + 2] == '\n' ? 3 : 2;
				if (r.on && r.end == i)
					r.end += k;
				i += k;
			} else if (s[i] == '=' && i + 2 < e && (h = hex((unsigned char)s[i + 1])) >= 0 &&
				   (l = hex((unsigned char)s[i + 2])) >= 0) {
				if (run_add(&r, m, b->len, i, i + 3) || ds_buf_putc(b, (char)(h * 16 + l)))
					return DS_ENOMEM;
				i += 3;
			} else { /* a byte as it is (a stray '=' too) */
				if (run_flush(&r, m) || ds_map_add(m, b->len, i, 1, 1) ||
				    ds_buf_putc(b, s[i]))
					return DS_ENOMEM;
				i++;
			}
		}
		return run_flush(&r, m);
	}
	/* base64: each group of four characters gives three bytes; the bytes
	 * of a line stand for the line */
	{
		uint32_t acc = 0;
		int k = 0, any = 0;
		size_t line = i, line_out = 0;
		for (; i < e && s[i] != '='; i++) {
			int v = b64((unsigned char)s[i]);
			if (s[i] == '\n') {
				if (any && ds_map_add(m, line_out, line, i - line, 0))
					return DS_ENOMEM;
				any = 0;
				line = i + 1;
				continue;
			}
			if (v < 0)
				continue;
			acc = acc << 6 | (uint32_t)v;
			if (++k == 4) {
				char t[3] = {(char)(acc >> 16), (char)(acc >> 8), (char)acc};
				if (!any)
					line_out = b->len;
				any = 1;
				if (ds_buf_append(b, t, 3))
					return DS_ENOMEM;
				k = 0;
				acc = 0;
			}
		}
		if (k >= 2) { /* the last, short group */
			char t[2];
			acc <<= 6 * (4 - k);
			t[0] = (char)(acc >> 16);
			t[1] = (char)(acc >> 8);
			if (!any)
				line_out = b->len;
			any = 1;
			if (ds_buf_append(b, t, (size_t)k - 1))
				return DS_ENOMEM;
		}
		if (any && ds_map_add(m, line_out, line, i - line, 0))
			return DS_ENOMEM;
	}
	return 0;
}

/* Bytes [in, in + len) of t, copied to the end of b as they are. */
static int copy_span(struct ds_buf *b, struct ds_html_map *m, const char *t, size_t in, size_t len)
{
	if (!len)
		return 0;
	return ds_map_add(m, b->len, in, len, 1) || ds_buf_append(b, t + in, len) ? DS_ENOMEM : 0;
}

/* A line of a flowed text (RFC 3676): its quote depth (the '>' it starts
 * with), where its text starts (past them and the space stuffed after
 * them) and ends (before its line break), and where the next line starts. */
struct fline {
	size_t start, text, end, next;
	int depth;
};

static void flowed_line(const char *t, size_t i, size_t n, struct fline *l)
{
	l->start = i;
	l->next = line_end(t, i, n);
	l->end = l->next > i && t[l->next - 1] == '\r' ? l->next - 1 : l->next;
	if (l->next < n)
		l->next++;
	l->depth = 0;
	while (i < l->end && t[i] == '>')
		i++, l->depth++;
	if (i < l->end && t[i] == ' ')
		i++;
	l->text = i;
}

/* Whether line l is the signature separator "-- ", which is no soft break. */
static int sig_line(const char *t, const struct fline *l)
{
	return l->end - l->text == 3 && memcmp(t + l->text, "-- ", 3) == 0;
}

/* The text t[0, n) of a part in format=flowed (RFC 3676), its lines
 * joined where the sender wrapped them, into *b with m mapping it to t:
 * a line that ends in a space goes on in the next one of the same quote
 * depth that is not blank (delsp: without that space; the signature
 * separator "-- " ends no line and is no line to go on in), and a space
 * stuffed at the start of a line is left out; quote marks are kept where
 * a paragraph starts.  Mail clients wrap a paragraph at 72 or 78 columns
 * this way, and the text reader would take a line wrapped before a
 * capital for a paragraph of its own.  0 or DS_ENOMEM. */
static int unflow(const char *t, size_t n, int delsp, struct ds_buf *b, struct ds_html_map *m)
{
	int joined = 0; /* the line goes on from the one before */
	for (size_t i = 0; i < n;) {
		struct fline l, next = {0, 0, 0, 0, 0};
		size_t from, to;
		int soft;
		flowed_line(t, i, n, &l);
		if (l.next < n)
			flowed_line(t, l.next, n, &next);
		soft = l.end > l.text && t[l.end - 1] == ' ' && !sig_line(t, &l) && l.next < n &&
		       next.depth == l.depth && next.end > next.text && !sig_line(t, &next);
		/* a paragraph starts with its quote marks (and the space after
		 * them) as written; an unquoted one without its stuffed space */
		from = joined ? l.text : l.depth ? l.start : l.text;
		to = soft ? l.end - (delsp ? 1 : 0) : l.next;
		if (copy_span(b, m, t, from, to - from))
			return DS_ENOMEM;
		joined = soft;
		i = l.next;
	}
	return 0;
}

/* The text of part *leaf of msg and its map into the message: decoded,
 * odd bytes read as Windows-1252, a page read as a page.  0, or an error
 * code with err set. */
static int leaf_text(const char *msg, const struct part *leaf, char **text, size_t *len,
		     struct ds_html_map **map, struct ds_err *err)
{
	struct ds_buf b = DS_BUF_INIT;
	struct ds_html_map *dm = NULL, *m = NULL;
	char *t = NULL;
	size_t tn = 0;
	int rc = 0;
	/* a part in UTF-16 or UTF-32 decodes to bytes with NULs among the
	 * letters: said for what it is, not read as text */
	if (strncmp(leaf->charset, "utf-16", 6) == 0 || strncmp(leaf->charset, "utf-32", 6) == 0 ||
	    strncmp(leaf->charset, "ucs-", 4) == 0 || strncmp(leaf->charset, "unicode", 7) == 0)
		return ds_err_set(err, DS_EBINARY,
				  "its text part is in %s: only parts in UTF-8 (or ASCII) and "
				  "Windows-1252 are read", leaf->charset);
	if (!(dm = ds_map_new()) || decode(msg, leaf, &b, dm) || ds_buf_reserve(&b, 1)) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		goto fail;
	}
	b.data[b.len] = 0;
	/* a part in Windows-1252 or Latin-1 (whatever its charset says), or
	 * with a stray byte of them: as ds_text_from_1252 reads text */
	if (ds_text_legacy_bytes(b.data, b.len, NULL)) {
		struct ds_html_map *lm = NULL;
		if ((rc = ds_text_from_1252(b.data, b.len, &t, &tn, &lm, err)) != 0)
			goto fail;
		ds_map_chain(lm, dm);
		dm = lm;
		ds_buf_free(&b);
		b.data = t;
		b.len = tn;
		t = NULL;
	}
	if (leaf->flowed && strcmp(leaf->type, "text/html") != 0) {
		struct ds_buf fb = DS_BUF_INIT;
		struct ds_html_map *fm = ds_map_new();
		if (!fm || unflow(b.data, b.len, leaf->delsp, &fb, fm) || ds_buf_reserve(&fb, 1)) {
			ds_buf_free(&fb);
			ds_html_map_free(fm);
			rc = ds_err_set(err, DS_ENOMEM, "out of memory");
			goto fail;
		}
		fb.data[fb.len] = 0;
		ds_map_chain(fm, dm);
		dm = fm;
		ds_buf_free(&b);
		b = fb;
	}
	if (strcmp(leaf->type, "text/html") == 0) {
		if ((rc = ds_html_text_map(b.data, b.len, &t, &tn, &m, err)) != 0)
			goto fail;
		ds_map_chain(m, dm);
		dm = NULL;
		ds_buf_free(&b);
	} else {
		t = b.data;
		tn = b.len;
		b.data = NULL;
		m = dm;
		dm = NULL;
	}
	*text = t;
	*len = tn;
	*map = m;
	return 0;
fail:
	ds_buf_free(&b);
	ds_html_map_free(dm);
	ds_html_map_free(m);
	free(t);
	return rc;
}

/* Words of a text: runs of bytes other than blanks and line breaks. */
static size_t count_words(const char *t, size_t n)
{
	size_t w = 0;
	int in = 0;
	for (size_t i = 0; i < n; i++) {
		int sp = t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r';
		w += !sp && !in;
		in = !sp;
	}
	return w;
}

int ds_mime_text_map(const char *msg, size_t len, char **text, size_t *text_len,
		     struct ds_html_map **map, struct ds_err *err)
{
	struct part top, leaf, alt;
	struct ds_html_map *m = NULL;
	char *t = NULL, own[11];
	size_t tn = 0, at = 0;
	int rc = 0;
	*text = NULL;
	*text_len = 0;
	if (map)
		*map = NULL;
	if (len >= UINT32_MAX)
		return ds_err_set(err, DS_ETOOBIG, "%zu bytes: too large to map", len);
	if (len >= 3 && memcmp(msg, "\xEF\xBB\xBF", 3) == 0)
		at = 3;
	alt.type[0] = 0;
	if (!headers(msg, at, len, &top) || !text_part(msg, &top, 0, &leaf, &alt))
		return ds_err_set(err, DS_EEMPTY, "a MIME message with no text part");
	if ((rc = leaf_text(msg, &leaf, &t, &tn, &m, err)) != 0)
		return rc;
	if (alt.type[0]) {
		/* the same message as plain text and as a page: the plain text,
		 * unless it is a stub of the page ("view this message in your
		 * browser"), under half its words */
		struct ds_html_map *am = NULL;
		struct ds_err aerr = {0}; /* an unreadable alternative is no error */
		char *a = NULL;
		size_t an = 0;
		int leaf_html = strcmp(leaf.type, "text/html") == 0;
		if ((rc = leaf_text(msg, &alt, &a, &an, &am, &aerr)) == DS_ENOMEM) {
			*err = aerr;
			goto fail;
		}
		if (rc == 0) {
			size_t wl = count_words(t, tn), wa = count_words(a, an);
			size_t plain = leaf_html ? wa : wl, page = leaf_html ? wl : wa;
			if (leaf_html == (2 * plain < page)) {
				free(a); /* the first one stands */
				ds_html_map_free(am);
			} else {
				free(t);
				ds_html_map_free(m);
				t = a;
				tn = an;
				m = am;
			}
		} /* else the alternative cannot be read: the first stands */
	}
	/* an e-mail's date is when it was written, a saved page's when it was
	 * saved: only the first dates the text, and not over a date of its own */
	if (top.date[0] && !top.snapshot && !ds_text_date(t, tn, own) &&
	    ds_text_set_date(&t, &tn, top.date, &m) == DS_ENOMEM) {
		rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		goto fail;
	}
	*text = t;
	*text_len = tn;
	if (map)
		*map = m;
	else
		ds_html_map_free(m);
	return 0;
fail:
	ds_html_map_free(m);
	free(t);
	return rc;
}
