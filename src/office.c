/* office.c - the text of a word-processing document or an e-book: Office
 * Open XML (.docx, .docm), OpenDocument text (.odt) and EPUB, all ZIP
 * archives of XML parts (see ds_office_text in despin.h).  The ZIP's
 * central directory finds the parts (word/document.xml, content.xml; an
 * EPUB's chapters in the order of its package's spine), zlib inflates
 * each within a bound, and the XML's character data in paragraphs becomes
 * the text, a paragraph a line with a blank line between (an EPUB's
 * XHTML chapters are read as web pages are).  Never prints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "despin.h"
#include "text.h"
#include "textmap.h"
#include "util.h"

/* ZIP records (APPNOTE.TXT 4.3): end of central directory, central
 * directory header, local header. */
#define ZIP_EOCD 0x06054b50u
#define ZIP_CEN 0x02014b50u
#define ZIP_LOC 0x04034b50u
#define EOCD_SIZE 22
#define CEN_SIZE 46
#define LOC_SIZE 30

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* A member of the archive: where its data starts, its method and sizes. */
struct member {
	size_t data;
	uint32_t method, flags, crc, csize, usize;
};

/* Finds the member named name: 1 with *m, 0 when the archive has none, -1
 * when the archive is malformed (err). */
static int find_member(const unsigned char *p, size_t n, const char *name, struct member *m,
		       struct ds_err *err)
{
	size_t nl = strlen(name), at, end, cd, cdn, entries;
	if (n < EOCD_SIZE)
		return ds_err_set(err, DS_ECORRUPT, "ZIP archive cut short"), -1;
	/* the end record, before a comment of up to 64 KiB */
	for (at = n - EOCD_SIZE;; at--) {
		if (le32(p + at) == ZIP_EOCD && at + EOCD_SIZE + le16(p + at + 20) == n)
			break;
		if (at == 0 || n - at > EOCD_SIZE + 65535)
			return ds_err_set(err, DS_ECORRUPT,
					  "ZIP archive cut short (no central directory)"),
			       -1;
	}
	entries = le16(p + at + 10);
	cdn = le32(p + at + 12);
	cd = le32(p + at + 16);
	if (entries == 0xFFFF || cd == 0xFFFFFFFFu || cdn == 0xFFFFFFFFu)
		return ds_err_set(err, DS_EFORMAT, "a ZIP64 archive, not read here"), -1;
	if (cd > at || cdn > at - cd)
		return ds_err_set(err, DS_ECORRUPT, "ZIP central directory out of the archive"), -1;
	end = cd + cdn;
	for (size_t i = 0; i < entries; i++) {
		size_t fnl, xl, cl, loc;
		if (cd + CEN_SIZE > end || le32(p + cd) != ZIP_CEN)
			return ds_err_set(err, DS_ECORRUPT, "malformed ZIP central directory"), -1;
		fnl = le16(p + cd + 28);
		xl = le16(p + cd + 30);
		cl = le16(p + cd + 32);
		if (cd + CEN_SIZE + fnl + xl + cl > end)
			return ds_err_set(err, DS_ECORRUPT, "malformed ZIP central directory"), -1;
		if (fnl == nl && memcmp(p + cd + CEN_SIZE, name, nl) == 0) {
			m->flags = le16(p + cd + 8);
			m->method = le16(p + cd + 10);
			m->crc = le32(p + cd + 16);
			m->csize = le32(p + cd + 20);
			m->usize = le32(p + cd + 24);
			loc = le32(p + cd + 42);
			if (loc > n || n - loc < LOC_SIZE || le32(p + loc) != ZIP_LOC)
				return ds_err_set(err, DS_ECORRUPT, "ZIP member %s out of the archive",
						  name),
				       -1;
			m->data = loc + LOC_SIZE + le16(p + loc + 26) + le16(p + loc + 28);
			if (m->data > n || n - m->data < m->csize)
				return ds_err_set(err, DS_ECORRUPT, "ZIP member %s cut short", name), -1;
			return 1;
		}
		cd += CEN_SIZE + fnl + xl + cl;
	}
	return 0;
}

/* The bytes of member m, inflated (at most max): a new buffer in *out.  0,
 * or an error code with err set. */
static int member_bytes(const unsigned char *p, const struct member *m, const char *name,
			size_t max, char **out, size_t *len, struct ds_err *err)
{
	z_stream z;
	char *buf;
	int zr;
	*out = NULL;
	*len = 0;
	if (m->flags & 1)
		return ds_err_set(err, DS_EFORMAT, "encrypted (a password protects it)");
	if (m->method != 0 && m->method != 8)
		return ds_err_set(err, DS_EFORMAT, "ZIP member %s compressed by method %u, not read here",
				  name, (unsigned)m->method);
	if (m->usize > max)
		return ds_err_set(err, DS_ETOOBIG, "%s of %lu bytes exceeds the limit of %zu bytes",
				  name, (unsigned long)m->usize, max);
	if (!(buf = malloc((size_t)m->usize + 1)))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	if (m->method == 0) {
		if (m->csize != m->usize) {
			free(buf);
			return ds_err_set(err, DS_ECORRUPT, "ZIP member %s damaged (its sizes differ)",
					  name);
		}
		memcpy(buf, p + m->data, m->usize);
	} else {
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
			free(buf);
			return ds_err_set(err, DS_ENOMEM, "out of memory");
		}
		z.next_in = (unsigned char *)(uintptr_t)(p + m->data);
		z.avail_in = m->csize;
		z.next_out = (unsigned char *)buf;
		z.avail_out = m->usize + 1; /* one more: a longer member is found */
		zr = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		if (zr != Z_STREAM_END || z.total_out != m->usize) {
			free(buf);
			return ds_err_set(err, DS_ECORRUPT, "ZIP member %s damaged (it does not inflate "
					  "to its size)", name);
		}
	}
	if (crc32(0L, (unsigned char *)buf, m->usize) != m->crc) {
		free(buf);
		return ds_err_set(err, DS_ECORRUPT, "ZIP member %s damaged (checksum)", name);
	}
	buf[m->usize] = 0;
	*out = buf;
	*len = m->usize;
	return 0;
}

/* What a document's XML is read for: the body's text elements. */
struct dialect {
	const char *para[2];  /* elements that are paragraphs (a line each) */
	const char *text;     /* the element whose character data is text
			       * (NULL: all character data in a paragraph) */
	const char *skip[3];  /* elements whose character data is none of it
			       * (and whose empty elements are no tab nor
			       * break: a paragraph's tab stops) */
	const char *tab, *brk[2], *space; /* empty elements that are a tab, a
					   * line break, a space */
};

static const struct dialect DOCX = {
	{"w:p", NULL}, "w:t", {"w:delText", "w:instrText", "w:pPr"}, "w:tab", {"w:br", "w:cr"}, NULL};
static const struct dialect ODT = {{"text:p", "text:h"},
				   NULL,
				   {"text:note", "office:annotation", "text:tracked-changes"},
				   "text:tab",
				   {"text:line-break", NULL},
				   "text:s"};

static int is_one(const char *tag, size_t tl, const char *name)
{
	return name && strlen(name) == tl && memcmp(tag, name, tl) == 0;
}

/* Appends the character data s[0, n) with its references decoded (as
 * HTML reads them, a superset of XML's); one that names no character is
 * kept as written. */
static int put_chars(struct ds_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		const char *amp = memchr(s + i, '&', n - i);
		uint32_t cp = 0;
		size_t k;
		char u[4];
		if (amp != s + i) { /* the text up to the next '&' as it is */
			size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
			if (ds_buf_append(b, s + i, run))
				return DS_ENOMEM;
			i += run;
			continue;
		}
		k = ds_html_reference(s, i, n, &cp);
		if (k == 0 || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			if (ds_buf_putc(b, s[i++]))
				return DS_ENOMEM;
			continue;
		}
		if (ds_buf_append(b, u, ds_utf8_put(u, cp)))
			return DS_ENOMEM;
		i += k;
	}
	return 0;
}

/* The text of the body XML x (n bytes) in b, read as dialect d. */
static int xml_text(const char *x, size_t n, const struct dialect *d, struct ds_buf *b)
{
	size_t i = 0, depth_p = 0, depth_t = 0, depth_skip = 0;
	int wrote = 0;
	while (i < n) {
		const char *lt = memchr(x + i, '<', n - i), *gt, *tag;
		size_t tl, end = lt ? (size_t)(lt - x) : n;
		int closing, empty;
		if (end > i && depth_p && !depth_skip && (d->text ? depth_t > 0 : 1)) {
			if (put_chars(b, x + i, end - i))
				return DS_ENOMEM;
			wrote = 1;
		}
		if (!lt)
			break;
		i = end;
		if (n - i >= 4 && memcmp(x + i, "<!--", 4) == 0) {
			const char *c = NULL;
			for (size_t j = i + 4; j + 3 <= n && !c; j++)
				if (memcmp(x + j, "-->", 3) == 0)
					c = x + j;
			i = c ? (size_t)(c - x) + 3 : n;
			continue;
		}
		if (!(gt = memchr(x + i, '>', n - i)))
			break;
		tag = x + i + 1;
		closing = *tag == '/';
		tag += closing;
		empty = gt[-1] == '/';
		for (tl = 0; tag + tl < gt && tag[tl] != ' ' && tag[tl] != '\t' && tag[tl] != '\n' &&
			     tag[tl] != '\r' && tag[tl] != '/';
		     tl++)
			;
		i = (size_t)(gt - x) + 1;
		if (depth_skip && !is_one(tag, tl, d->skip[0]) && !is_one(tag, tl, d->skip[1]) &&
		    !is_one(tag, tl, d->skip[2]))
			continue; /* inside a note: its paragraphs are none of the text's */
		if (is_one(tag, tl, d->para[0]) || is_one(tag, tl, d->para[1])) {
			if (closing || empty) {
				depth_p -= depth_p > 0;
				if (wrote && ds_buf_puts(b, "\n\n"))
					return DS_ENOMEM;
				wrote = 0;
			} else {
				depth_p++;
			}
		} else if (is_one(tag, tl, d->text)) {
			if (closing)
				depth_t -= depth_t > 0;
			else if (!empty)
				depth_t++;
		} else if (is_one(tag, tl, d->skip[0]) || is_one(tag, tl, d->skip[1]) ||
			   is_one(tag, tl, d->skip[2])) {
			if (closing)
				depth_skip -= depth_skip > 0;
			else if (!empty)
				depth_skip++;
		} else if (!closing && depth_p && !depth_skip) {
			const char *put = is_one(tag, tl, d->tab)				 ? "\t"
					  : is_one(tag, tl, d->brk[0]) || is_one(tag, tl, d->brk[1]) ? "\n"
					  : is_one(tag, tl, d->space)				 ? " "
											 : NULL;
			if (put && ds_buf_puts(b, put))
				return DS_ENOMEM;
			wrote |= put != NULL;
		}
	}
	return 0;
}

/* Whether the local headers from the start, one after another, name a
 * member name: what a document cut before its central directory still
 * shows. */
static int local_member(const unsigned char *p, size_t n, const char *name)
{
	size_t at = 0, nl = strlen(name);
	while (n - at >= LOC_SIZE && le32(p + at) == ZIP_LOC) {
		size_t fnl = le16(p + at + 26), xl = le16(p + at + 28), cs = le32(p + at + 18);
		if (n - at - LOC_SIZE < fnl)
			break;
		if (fnl == nl && memcmp(p + at + LOC_SIZE, name, nl) == 0)
			return 1;
		if (le16(p + at + 6) & 8) /* sizes after the data: no way on */
			break;
		if (n - at - LOC_SIZE - fnl < xl + (size_t)cs)
			break;
		at += LOC_SIZE + fnl + xl + cs;
	}
	return 0;
}

/* The value of attribute name in the tag tag[0, tl) (its bytes as they
 * stand, references not decoded) in out; 0, or -1 when the tag has none
 * or it does not fit. */
static int attr(const char *tag, size_t tl, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl + 2 < tl; i++) {
		const char *v, *e;
		char q;
		if ((tag[i] != ' ' && tag[i] != '\t' && tag[i] != '\n' && tag[i] != '\r') ||
		    memcmp(tag + i + 1, name, nl) != 0 || tag[i + 1 + nl] != '=')
			continue;
		v = tag + i + 2 + nl;
		q = *v;
		if ((q != '"' && q != '\'') || !(e = memchr(v + 1, q, (size_t)(tag + tl - v - 1))))
			return -1;
		if ((size_t)(e - v - 1) >= cap)
			return -1;
		memcpy(out, v + 1, (size_t)(e - v - 1));
		out[e - v - 1] = 0;
		return 0;
	}
	return -1;
}

/* The next tag named name ("item", "itemref", "rootfile": a prefix such
 * as "opf:" allowed) in x[*at, n): its bytes in *tag, *tl; 0 when there is
 * none more. */
static int next_tag(const char *x, size_t n, size_t *at, const char *name, const char **tag,
		    size_t *tl)
{
	size_t nl = strlen(name);
	while (*at < n) {
		const char *lt = memchr(x + *at, '<', n - *at), *gt, *nm;
		if (!lt || !(gt = memchr(lt, '>', (size_t)(x + n - lt))))
			return 0;
		*at = (size_t)(gt - x) + 1;
		nm = lt + 1;
		for (const char *c = nm; c < gt && *c != ' ' && *c != '/' && *c != '>'; c++)
			if (*c == ':')
				nm = c + 1; /* the local name after a prefix */
		if ((size_t)(gt - nm) >= nl && memcmp(nm, name, nl) == 0 &&
		    (nm[nl] == ' ' || nm[nl] == '/' || nm[nl] == '>' || nm[nl] == '\t' ||
		     nm[nl] == '\n' || nm[nl] == '\r')) {
			*tag = lt;
			*tl = (size_t)(gt - lt);
			return 1;
		}
	}
	return 0;
}

/* path in the archive of href, relative to the folder of base (a part's
 * path): "../" steps up, %XX escapes decoded.  0, or -1 when it leaves
 * the archive or does not fit. */
static int resolve(const char *base, const char *href, char *out, size_t cap)
{
	const char *slash = strrchr(base, '/');
	size_t n = slash ? (size_t)(slash - base) + 1 : 0;
	if (n >= cap)
		return -1;
	memcpy(out, base, n);
	for (const char *h = href; *h && *h != '#';) {
		if (strncmp(h, "../", 3) == 0) {
			if (n == 0)
				return -1;
			for (n--; n > 0 && out[n - 1] != '/'; n--)
				;
			h += 3;
			continue;
		}
		if (strncmp(h, "./", 2) == 0) {
			h += 2;
			continue;
		}
		if (n + 1 >= cap)
			return -1;
		if (*h == '%' && h[1] && h[2]) {
			char hex[3] = {h[1], h[2], 0};
			char *end;
			long v = strtol(hex, &end, 16);
			if (*end == 0 && v > 0) {
				out[n++] = (char)v;
				h += 3;
				continue;
			}
		}
		out[n++] = *h++;
	}
	out[n] = 0;
	return 0;
}

/* The most entries of an e-book's spine read. */
#define EPUB_MAX_CHAPTERS 4096

/* An EPUB's text: its spine's chapters, in order, each read as a web page,
 * into b (at most max bytes). */
static int epub_text(const unsigned char *p, size_t n, size_t max, struct ds_buf *b,
		     struct ds_err *err)
{
	struct member m;
	char *cont = NULL, *opf = NULL, opf_path[1024], idref[256], id[256], href[1024],
	     path[1024];
	size_t cn, on, at = 0, tl, chapters = 0;
	const char *tag;
	int rc;
	if ((rc = find_member(p, n, "META-INF/container.xml", &m, err)) <= 0)
		/* not found (0), or the archive malformed (-1, err set) */
		return rc == 0 ? ds_err_set(err, DS_ECORRUPT, "e-book without its container "
					    "(META-INF/container.xml)")
			       : err->code;
	if ((rc = member_bytes(p, &m, "META-INF/container.xml", 1 << 20, &cont, &cn, err)) != 0)
		return rc;
	rc = next_tag(cont, cn, &at, "rootfile", &tag, &tl) &&
	     attr(tag, tl, "full-path", opf_path, sizeof opf_path) == 0;
	free(cont);
	if (!rc)
		return ds_err_set(err, DS_ECORRUPT, "e-book whose container names no package");
	if ((rc = find_member(p, n, opf_path, &m, err)) <= 0)
		return rc == 0 ? ds_err_set(err, DS_ECORRUPT, "e-book without its package (%.200s)",
					    opf_path)
			       : err->code;
	if ((rc = member_bytes(p, &m, opf_path, 16 << 20, &opf, &on, err)) != 0)
		return rc;
	/* the spine's chapters, each found in the manifest */
	rc = 0;
	for (size_t sp = 0; next_tag(opf, on, &sp, "itemref", &tag, &tl);) {
		char linear[8];
		size_t mi = 0;
		const char *it = NULL;
		size_t itl = 0;
		char *xhtml, *t;
		size_t xn, tn;
		int found = 0;
		/* each entry of the spine costs a pass over the manifest:
		 * their number is bounded */
		if (++chapters > EPUB_MAX_CHAPTERS)
			break;
		if (attr(tag, tl, "idref", idref, sizeof idref) != 0 ||
		    (attr(tag, tl, "linear", linear, sizeof linear) == 0 && strcmp(linear, "no") == 0))
			continue;
		while (!found && next_tag(opf, on, &mi, "item", &it, &itl))
			found = attr(it, itl, "id", id, sizeof id) == 0 && strcmp(id, idref) == 0;
		if (!found || attr(it, itl, "href", href, sizeof href) != 0 ||
		    resolve(opf_path, href, path, sizeof path) != 0)
			continue;
		if ((rc = find_member(p, n, path, &m, err)) < 0) {
			rc = err->code;
			break;
		}
		if (rc == 0)
			continue; /* a chapter the archive lacks: the others are read */
		if ((rc = member_bytes(p, &m, path, max > SIZE_MAX / 8 ? SIZE_MAX : max * 8, &xhtml,
				       &xn, err)) != 0)
			break;
		rc = ds_html_text(xhtml, xn, &t, &tn, err);
		free(xhtml);
		if (rc)
			break;
		while (tn > 0 && (t[tn - 1] == '\n' || t[tn - 1] == ' '))
			tn--;
		if (tn > 0 && ((b->len && ds_buf_puts(b, "\n\n")) || ds_buf_append(b, t, tn)))
			rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		free(t);
		if (rc)
			break;
		if (b->len > max) {
			rc = ds_err_set(err, DS_ETOOBIG, "text of more than %zu bytes exceeds the limit",
					max);
			break;
		}
		rc = 0;
	}
	free(opf);
	if (rc == 0 && b->len)
		rc = ds_buf_putc(b, '\n') ? ds_err_set(err, DS_ENOMEM, "out of memory") : 0;
	return rc < 0 ? rc : 0;
}

int ds_office_kind(const char *p, size_t n)
{
	struct ds_err err = {0};
	struct member m;
	int rc;
	if (n < 4 || memcmp(p, "PK\x03\x04", 4) != 0)
		return DS_OFFICE_NONE;
	rc = find_member((const unsigned char *)p, n, "word/document.xml", &m, &err);
	if (rc == 1 || (rc < 0 && local_member((const unsigned char *)p, n, "word/document.xml")))
		return DS_OFFICE_DOCX; /* a damaged one said so by ds_office_text */
	/* OpenDocument: its first member, stored, names its type */
	if (n >= LOC_SIZE + 8 && le16((const unsigned char *)p + 26) == 8 &&
	    memcmp(p + LOC_SIZE, "mimetype", 8) == 0) {
		/* a text, a template of one or a master document */
		static const char odt[] = "application/vnd.oasis.opendocument.text";
		size_t at = LOC_SIZE + 8 + le16((const unsigned char *)p + 28);
		static const char epub[] = "application/epub+zip";
		if (at <= n && n - at >= sizeof odt - 1 && memcmp(p + at, odt, sizeof odt - 1) == 0)
			return DS_OFFICE_ODT;
		if (at <= n && n - at >= sizeof epub - 1 && memcmp(p + at, epub, sizeof epub - 1) == 0)
			return DS_OFFICE_EPUB;
	}
	return DS_OFFICE_NONE;
}

int ds_office_text(const char *p, size_t n, size_t max, char **text, size_t *len,
		   struct ds_err *err)
{
	int kind = ds_office_kind(p, n), rc;
	const char *part = kind == DS_OFFICE_DOCX ? "word/document.xml" : "content.xml";
	struct ds_buf b = DS_BUF_INIT;
	struct member m;
	char *xml;
	size_t xn;
	*text = NULL;
	*len = 0;
	if (kind == DS_OFFICE_NONE)
		return ds_err_set(err, DS_EFORMAT, "not a .docx, .odt or .epub document");
	if (max == 0)
		max = DS_DOC_MAX_BYTES_DEFAULT;
	if (kind == DS_OFFICE_EPUB) {
		rc = epub_text((const unsigned char *)p, n, max, &b, err);
		if (rc == 0 && ds_buf_putc(&b, 0))
			rc = ds_err_set(err, DS_ENOMEM, "out of memory");
		if (rc) {
			ds_buf_free(&b);
			return rc;
		}
		*text = b.data;
		*len = b.len - 1;
		return 0;
	}
	rc = find_member((const unsigned char *)p, n, part, &m, err);
	if (rc == 0)
		return ds_err_set(err, DS_ECORRUPT, "document without its body (%s)", part);
	if (rc < 0)
		return err->code;
	/* the XML holds the text and its markup: more room than the text */
	if ((rc = member_bytes((const unsigned char *)p, &m, part,
			       max > SIZE_MAX / 8 ? SIZE_MAX : max * 8, &xml, &xn, err)) != 0)
		return rc;
	rc = xml_text(xml, xn, kind == DS_OFFICE_DOCX ? &DOCX : &ODT, &b);
	free(xml);
	if (rc == 0 && b.len > max)
		rc = ds_err_set(err, DS_ETOOBIG, "text of %zu bytes exceeds the limit of %zu bytes",
				b.len, max);
	else if (rc == 0 && ds_buf_putc(&b, 0))
		rc = DS_ENOMEM;
	if (rc) {
		ds_buf_free(&b);
		return rc == DS_ENOMEM ? ds_err_set(err, DS_ENOMEM, "out of memory") : rc;
	}
	*text = b.data;
	*len = b.len - 1;
	return 0;
}
