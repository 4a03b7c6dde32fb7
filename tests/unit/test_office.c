/* test_office.c - the text of .docx and .odt documents (src/office.c):
 * ZIP archives built here, stored or deflated, a member at a time.  The
 * body's paragraphs become lines with a blank line between, runs join,
 * references decode, tabs and breaks stay, tab stops, deleted text, field
 * codes and notes do not; a damaged archive (cut, a bad checksum, a
 * member that inflates to another size), an encrypted or ZIP64 one and a
 * ZIP that is no such document are refused with a message; the text is
 * bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "t.h"
#include "despin.h"
#include "util.h"

struct zmember {
	const char *name, *data;
	int deflate;
};

static void put16(struct ds_buf *b, uint32_t v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	ds_buf_append(b, x, 2);
}

static void put32(struct ds_buf *b, uint32_t v)
{
	put16(b, v & 0xFFFF);
	put16(b, v >> 16);
}

/* A ZIP archive of the members m[0, n) in *z (flags: the general purpose
 * bits of every member). */
static void zip(struct ds_buf *z, const struct zmember *m, int n, uint32_t flags)
{
	struct ds_buf cd = DS_BUF_INIT;
	for (int i = 0; i < n; i++) {
		size_t ul = strlen(m[i].data), cl = ul, at = z->len;
		uint32_t crc = (uint32_t)crc32(0L, (const unsigned char *)m[i].data, (uInt)ul);
		unsigned char *c = (unsigned char *)(uintptr_t)m[i].data, out[65536];
		if (m[i].deflate) {
			z_stream s;
			memset(&s, 0, sizeof s);
			deflateInit2(&s, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
			s.next_in = c;
			s.avail_in = (uInt)ul;
			s.next_out = out;
			s.avail_out = sizeof out;
			deflate(&s, Z_FINISH);
			cl = sizeof out - s.avail_out;
			deflateEnd(&s);
			c = out;
		}
		put32(z, 0x04034b50);
		put16(z, 20);
		put16(z, flags);
		put16(z, m[i].deflate ? 8 : 0);
		put32(z, 0);
		put32(z, crc);
		put32(z, (uint32_t)cl);
		put32(z, (uint32_t)ul);
		put16(z, (uint32_t)strlen(m[i].name));
		put16(z, 0);
		ds_buf_puts(z, m[i].name);
		ds_buf_append(z, c, cl);
		put32(&cd, 0x02014b50);
		put16(&cd, 20);
		put16(&cd, 20);
		put16(&cd, flags);
		put16(&cd, m[i].deflate ? 8 : 0);
		put32(&cd, 0);
		put32(&cd, crc);
		put32(&cd, (uint32_t)cl);
		put32(&cd, (uint32_t)ul);
		put16(&cd, (uint32_t)strlen(m[i].name));
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put16(&cd, 0);
		put32(&cd, 0);
		put32(&cd, (uint32_t)at);
		ds_buf_puts(&cd, m[i].name);
	}
	{
		size_t cdat = z->len;
		ds_buf_append(z, cd.data, cd.len);
		put32(z, 0x06054b50);
		put16(z, 0);
		put16(z, 0);
		put16(z, (uint32_t)n);
		put16(z, (uint32_t)n);
		put32(z, (uint32_t)cd.len);
		put32(z, (uint32_t)cdat);
		put16(z, 0);
	}
	ds_buf_free(&cd);
}

#define W_DOC(body)                                                                             \
	"<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"     \
	"wordprocessingml/2006/main\"><w:body>" body "</w:body></w:document>"

static const char DOCX_BODY[] = W_DOC(
	"<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
	"<w:r><w:t>The coun</w:t></w:r><w:r><w:t>cil met</w:t></w:r>"
	"<w:del><w:r><w:delText> secretly</w:delText></w:r></w:del>"
	"<w:r><w:t xml:space=\"preserve\"> on Tuesday &amp; voted 7&#8211;2 &#x1F600;</w:t>"
	"<w:tab/><w:t>&lt;AP&gt; &bogus; &#xD800;</w:t></w:r></w:p>"
	"<!-- <w:p><w:r><w:t>a comment</w:t></w:r></w:p> -->"
	"<w:p><w:r><w:instrText> PAGE </w:instrText><w:t>Critics</w:t><w:br/>"
	"<w:t>disagreed.</w:t></w:r></w:p><w:p/>");
static const char DOCX_TEXT[] = "The council met on Tuesday & voted 7\xE2\x80\x93" "2 \xF0\x9F\x98\x80"
				"\t<AP> &bogus; &#xD800;\n\nCritics\ndisagreed.\n\n";

/* Reads z as a document: the text, or NULL with the error in *err. */
static char *text_of(const struct ds_buf *z, size_t max, struct ds_err *err)
{
	char *t = NULL;
	size_t n;
	int rc = ds_office_text(z->data, z->len, max, &t, &n, err);
	T_OK(rc == 0 ? t != NULL && t[n] == 0 && strlen(t) == n : t == NULL && err->msg[0]);
	return t;
}

T_TEST(docx_text)
{
	struct ds_err err = {0};
	struct ds_buf z = DS_BUF_INIT;
	struct zmember m[] = {{"[Content_Types].xml", "<Types/>", 1},
			      {"word/document.xml", DOCX_BODY, 1}};
	char *t;
	for (int deflate = 0; deflate < 2; deflate++) {
		m[1].deflate = deflate;
		z.len = 0;
		zip(&z, m, 2, 0);
		T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_DOCX);
		t = text_of(&z, 0, &err);
		T_EQ_STR(t ? t : "", DOCX_TEXT);
		free(t);
	}
	/* the text past the bound is refused, not cut */
	t = text_of(&z, 20, &err);
	T_OK(t == NULL && err.code == DS_ETOOBIG);
	ds_buf_free(&z);
}

T_TEST(odt_text)
{
	struct ds_err err = {0};
	struct ds_buf z = DS_BUF_INIT;
	struct zmember m[] = {
		{"mimetype", "application/vnd.oasis.opendocument.text", 0},
		{"content.xml",
		 "<office:document-content><office:body><office:text>"
		 "<text:h text:outline-level=\"1\">Budget vote</text:h>"
		 "<text:p>The council <text:span>met</text:span><text:note><text:note-body>"
		 "<text:p>A footnote.</text:p></text:note-body></text:note> on<text:s/>Tuesday."
		 "<text:line-break/>Critics<text:tab/>disagreed.</text:p>"
		 "<text:list><text:list-item><text:p>One item</text:p></text:list-item></text:list>"
		 "</office:text></office:body></office:document-content>",
		 1}};
	char *t;
	zip(&z, m, 2, 0);
	T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_ODT);
	t = text_of(&z, 0, &err);
	T_EQ_STR(t ? t : "", "Budget vote\n\nThe council met on Tuesday.\nCritics\tdisagreed.\n\n"
			     "One item\n\n");
	free(t);
	/* a spreadsheet is no text document */
	m[0].data = "application/vnd.oasis.opendocument.spreadsheet";
	z.len = 0;
	zip(&z, m, 2, 0);
	T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_NONE);
	ds_buf_free(&z);
}

/* an e-book: the spine's chapters in order, found through the manifest
 * (paths relative to the package, "../" and %20 read), a chapter marked
 * linear="no" and one the archive lacks passed over */
T_TEST(epub_text)
{
	struct ds_err err = {0};
	struct ds_buf z = DS_BUF_INIT;
	struct zmember m[] = {
		{"mimetype", "application/epub+zip", 0},
		{"META-INF/container.xml",
		 "<container><rootfiles><rootfile media-type=\"application/oebps-package+xml\" "
		 "full-path='OPS/book.opf'/></rootfiles></container>",
		 1},
		{"OPS/book.opf",
		 "<package><manifest>"
		 "<item id=\"toc\" href=\"toc.xhtml\" media-type=\"application/xhtml+xml\"/>"
		 "<opf:item href=\"text/two%20b.xhtml\" id=\"two\"/>"
		 "<item id=\"one\" href=\"../one.xhtml\"/>"
		 "<item id=\"gone\" href=\"gone.xhtml\"/>"
		 "</manifest><spine><itemref idref=\"toc\" linear=\"no\"/><itemref idref=\"one\"/>"
		 "<itemref idref=\"gone\"/><itemref idref=\"nowhere\"/><itemref idref=\"two\"/>"
		 "</spine></package>",
		 1},
		{"OPS/toc.xhtml", "<html><body><p>Contents</p></body></html>", 1},
		{"one.xhtml", "<html><body><p>The council met.</p><p>It voted.</p></body></html>", 1},
		{"OPS/text/two b.xhtml", "<html><body><p>Critics disagreed.</p></body></html>", 0}};
	char *t;
	zip(&z, m, 6, 0);
	T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_EPUB);
	t = text_of(&z, 0, &err);
	T_EQ_STR(t ? t : "", "The council met.\n\nIt voted.\n\nCritics disagreed.\n");
	free(t);
	/* the text past the bound is refused */
	t = text_of(&z, 20, &err);
	T_OK(t == NULL && err.code == DS_ETOOBIG);
	/* no container: refused, saying what is missing */
	z.len = 0;
	m[1].name = "META-INF/other.xml";
	zip(&z, m, 6, 0);
	t = text_of(&z, 0, &err);
	T_OK(t == NULL && strstr(err.msg, "container") != NULL);
	ds_buf_free(&z);
}

T_TEST(damaged_refused)
{
	struct ds_err err = {0};
	struct ds_buf z = DS_BUF_INIT;
	struct zmember m[] = {{"[Content_Types].xml", "<Types/>", 1},
			      {"word/document.xml", DOCX_BODY, 1}};
	size_t crc_at;
	char *t;
	zip(&z, m, 2, 0);
	/* cut before its central directory: still a .docx, said damaged */
	z.len -= 40;
	T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_DOCX);
	t = text_of(&z, 0, &err);
	T_OK(t == NULL && strstr(err.msg, "cut short") != NULL);
	/* a checksum that does not hold */
	z.len = 0;
	m[1].deflate = 0;
	zip(&z, m, 2, 0);
	for (crc_at = 0; crc_at + 8 < z.len && memcmp(z.data + crc_at, "The coun", 8) != 0; crc_at++)
		;
	z.data[crc_at] = 'X';
	t = text_of(&z, 0, &err);
	T_OK(t == NULL && err.code == DS_ECORRUPT && strstr(err.msg, "checksum") != NULL);
	/* a deflated member whose central directory says another size */
	z.len = 0;
	m[1].deflate = 1;
	zip(&z, m, 2, 0);
	{
		unsigned char *e = (unsigned char *)z.data + z.len - 22;
		size_t cd = (size_t)e[16] | (size_t)e[17] << 8 | (size_t)e[18] << 16;
		size_t second = cd + 46 + strlen(m[0].name);
		z.data[second + 24]++; /* its uncompressed size, one more */
	}
	t = text_of(&z, 0, &err);
	T_OK(t == NULL && err.code == DS_ECORRUPT && strstr(err.msg, "inflate") != NULL);
	m[1].deflate = 0;
	/* encrypted */
	z.len = 0;
	zip(&z, m, 2, 1);
	t = text_of(&z, 0, &err);
	T_OK(t == NULL && strstr(err.msg, "encrypted") != NULL);
	/* a ZIP with no body, and bytes that are no ZIP */
	z.len = 0;
	zip(&z, m, 1, 0);
	T_EQ_INT(ds_office_kind(z.data, z.len), DS_OFFICE_NONE);
	T_OK(ds_office_text(z.data, z.len, 0, &t, &crc_at, &err) == DS_EFORMAT && t == NULL);
	T_EQ_INT(ds_office_kind("PK\x03\x04", 4), DS_OFFICE_NONE);
	T_EQ_INT(ds_office_kind("The council met.", 16), DS_OFFICE_NONE);
	ds_buf_free(&z);
}

int main(void)
{
	T_RUN(docx_text);
	T_RUN(odt_text);
	T_RUN(epub_text);
	T_RUN(damaged_refused);
	return t_done();
}
