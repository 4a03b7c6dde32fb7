/* html.c - the text of a saved web page, as a reader sees it (despin.h,
 * "HTML input").  One pass over the bytes, no tree: tags are read for their
 * name only, blocks become paragraph breaks, markup that is not the page's
 * prose (scripts, styles, menus, forms, asides, footers) is dropped, and
 * character references are decoded.  Headline boxes, runs of paragraphs
 * of links alone, are found as the page is read and left out as it is
 * read again. */
#include "despin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textmap.h"
#include "util.h"

/* ---- sniffing ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether s[i..n) starts with the lower-case ASCII word w, case-insensitively. */
static int starts_ci(const char *s, size_t i, size_t n, const char *w)
{
	size_t k = 0;
	for (; w[k]; k++)
		if (i + k >= n || lower((unsigned char)s[i + k]) != w[k])
			return 0;
	return 1;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The first byte at or after j that is not blank (n when none is). */
static size_t past_blanks(const char *s, size_t j, size_t n)
{
	while (j < n && is_blank((unsigned char)s[j]))
		j++;
	return j;
}

int ds_html_is(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (int comments = 0; comments < 8; comments++) {
		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != '<')
			return 0;
		if (starts_ci(s, i, n, "<!doctype html") || starts_ci(s, i, n, "<html") ||
		    starts_ci(s, i, n, "<head") || starts_ci(s, i, n, "<body") ||
		    starts_ci(s, i, n, "<meta") || starts_ci(s, i, n, "<title"))
			return 1;
		if (starts_ci(s, i, n, "<?xml")) { /* XHTML: the declaration first */
			const char *e = memchr(s + i, '>', n - i);
			if (!e)
				return 0;
			i = (size_t)(e - s) + 1;
			continue;
		}
		if (!starts_ci(s, i, n, "<!--"))
			return 0;
		/* a comment before the document (a saved page's "saved from url") */
		for (i += 4; i + 2 < n && memcmp(s + i, "-->", 3) != 0; i++)
			;
		if (i + 2 >= n)
			return 0;
		i += 3;
	}
	return 0;
}

/* ---- elements ---- */

enum { EL_INLINE, EL_BLOCK, EL_BREAK, EL_RAW_DROP, EL_DROP };

/* What an element does to the text: most are inline (nothing); blocks end
 * a paragraph; raw-text elements (script, style, title, ...) hold no markup
 * and are skipped to their end tag; dropped elements are skipped with what
 * they hold, counting nested elements of the same name. */
static int element_kind(const char *name)
{
	static const char *const block[] = {
		"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
		"dd", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption",
		"blockquote", "pre", "section", "article", "header", "main", "figure",
		"figcaption", "hr", "address", "details", "summary", "body", "html", "center",
		"legend", "fieldset", "hgroup", "dialog", NULL};
	static const char *const raw[] = {"script", "style", "title", "textarea", "xmp",
					  "noscript", "iframe", "noembed", "noframes", NULL};
	static const char *const drop[] = {"nav", "aside", "footer", "form", "select",
					   "button", "svg", "math", "template", "object",
					   "video", "audio", "canvas", "map", "head", NULL};
	if (strcmp(name, "br") == 0)
		return EL_BREAK;
	for (int i = 0; block[i]; i++)
		if (strcmp(name, block[i]) == 0)
			return EL_BLOCK;
	for (int i = 0; raw[i]; i++)
		if (strcmp(name, raw[i]) == 0)
			return EL_RAW_DROP;
	for (int i = 0; drop[i]; i++)
		if (strcmp(name, drop[i]) == 0)
			return EL_DROP;
	return EL_INLINE;
}

/* ---- character references ---- */

struct ent {
	const char *name;
	uint32_t cp;
};

/* The references news pages use (HTML's full table has 2,231; an unknown
 * name is kept as written), and every name HTML 4 gave a character of
 * Latin-1: HTML reads those without their ';' too (bare_name). */
static const struct ent ents[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"AMP", '&'}, {"LT", '<'}, {"GT", '>'}, {"QUOT", '"'}, {"COPY", 0xA9}, {"REG", 0xAE},
	{"nbsp", 0xA0}, {"ensp", ' '}, {"emsp", ' '}, {"thinsp", ' '}, {"shy", 0xAD},
	{"zwnj", 0x200C}, {"zwj", 0x200D}, {"lrm", 0x200E}, {"rlm", 0x200F},
	{"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018},
	{"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
	{"bdquo", 0x201E}, {"laquo", 0xAB}, {"raquo", 0xBB}, {"lsaquo", 0x2039},
	{"rsaquo", 0x203A}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122},
	{"deg", 0xB0}, {"middot", 0xB7}, {"bull", 0x2022}, {"prime", 0x2032},
	{"Prime", 0x2033}, {"euro", 0x20AC}, {"pound", 0xA3}, {"yen", 0xA5},
	{"cent", 0xA2}, {"sect", 0xA7}, {"para", 0xB6}, {"times", 0xD7},
	{"divide", 0xF7}, {"plusmn", 0xB1}, {"minus", 0x2212}, {"frac12", 0xBD},
	{"frac14", 0xBC}, {"frac34", 0xBE}, {"sup2", 0xB2}, {"sup3", 0xB3},
	{"micro", 0xB5}, {"iexcl", 0xA1}, {"iquest", 0xBF}, {"dagger", 0x2020},
	{"Dagger", 0x2021}, {"permil", 0x2030}, {"larr", 0x2190}, {"rarr", 0x2192},
	{"uarr", 0x2191}, {"darr", 0x2193}, {"szlig", 0xDF}, {"aelig", 0xE6},
	{"AElig", 0xC6}, {"oelig", 0x153}, {"OElig", 0x152}, {"oslash", 0xF8},
	{"Oslash", 0xD8}, {"aring", 0xE5}, {"Aring", 0xC5}, {"ccedil", 0xE7},
	{"Ccedil", 0xC7}, {"ntilde", 0xF1}, {"Ntilde", 0xD1}, {"eth", 0xF0},
	{"thorn", 0xFE}, {"scaron", 0x161}, {"Scaron", 0x160}, {"zcaron", 0x17E},
	{"Zcaron", 0x17D}, {"yuml", 0xFF}, {"Yuml", 0x178}, {"ETH", 0xD0},
	{"THORN", 0xDE}, {"curren", 0xA4}, {"brvbar", 0xA6}, {"uml", 0xA8},
	{"ordf", 0xAA}, {"not", 0xAC}, {"macr", 0xAF}, {"acute", 0xB4},
	{"cedil", 0xB8}, {"sup1", 0xB9}, {"ordm", 0xBA},
	{NULL, 0}};

/* Letters with an accent: &Xacute; and its kin, from the base letter. */
static uint32_t accented(const char *name, size_t n)
{
	static const uint16_t acute[] = {0xE1, 0xE9, 0xED, 0xF3, 0xFA, 0xFD},
			      grave[] = {0xE0, 0xE8, 0xEC, 0xF2, 0xF9},
			      circ[] = {0xE2, 0xEA, 0xEE, 0xF4, 0xFB},
			      uml[] = {0xE4, 0xEB, 0xEF, 0xF6, 0xFC}, tilde[] = {0xE3, 0xF5};
	static const struct {
		const char *suffix;
		const char *bases;   /* the letters that take it, in order */
		const uint16_t *cps; /* their code points, lower case */
	} acc[] = {
		{"acute", "aeiouy", acute}, {"grave", "aeiou", grave}, {"circ", "aeiou", circ},
		{"uml", "aeiou", uml},       {"tilde", "ao", tilde},
	};
	if (n < 2)
		return 0;
	for (size_t k = 0; k < sizeof acc / sizeof acc[0]; k++) {
		size_t sl = strlen(acc[k].suffix);
		const char *p;
		int up = name[0] >= 'A' && name[0] <= 'Z';
		if (n != sl + 1 || memcmp(name + 1, acc[k].suffix, sl) != 0)
			continue;
		if ((p = strchr(acc[k].bases, lower((unsigned char)name[0]))) == NULL || !*p)
			return 0;
		/* Latin-1's capitals are 0x20 below their small letters */
		return (uint32_t)acc[k].cps[p - acc[k].bases] - (up ? 0x20 : 0);
	}
	return 0;
}

/* The code point of the reference named name[0, len) (without '&' and
 * ';') in *cp; 0 when the name is not known. */
static int named(const char *name, size_t len, uint32_t *cp)
{
	uint32_t a;
	for (int k = 0; ents[k].name; k++)
		if (strlen(ents[k].name) == len && memcmp(ents[k].name, name, len) == 0) {
			*cp = ents[k].cp;
			return 1;
		}
	if ((a = accented(name, len)) != 0) {
		*cp = a;
		return 1;
	}
	return 0;
}

/* Whether a name of the table for cp is one HTML reads without its ';'
 * ("&nbsp", "&eacute"): those of amp, lt, gt, quot and of Latin-1's
 * characters, which are all HTML 4's names (its legacy set; apos, a later
 * name, is none, and a name added for Latin-1 must be one of HTML 4's).
 * In an attribute's value one followed by a letter, a digit or '=' is
 * read as written, but the text holds no attribute. */
static int bare_name(uint32_t cp)
{
	return cp == '&' || cp == '<' || cp == '>' || cp == '"' || (cp >= 0xA0 && cp <= 0xFF);
}

/* Decodes the reference at s[i] == '&': its code point in *cp and its
 * length, or 0 when it is not one (the '&' is then text). */
size_t ds_html_reference(const char *s, size_t i, size_t n, uint32_t *cp)
{
	size_t j = i + 1;
	if (j < n && s[j] == '#') {
		uint32_t v = 0;
		int hex = 0, digits = 0;
		j++;
		if (j < n && (s[j] == 'x' || s[j] == 'X')) {
			hex = 1;
			j++;
		}
		for (; j < n && digits < 8; j++, digits++) {
			int c = (unsigned char)s[j], d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
				d = lower(c) - 'a' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (!digits)
			return 0;
		while (j < n && digits >= 8 && ((s[j] >= '0' && s[j] <= '9') ||
						(hex && lower((unsigned char)s[j]) >= 'a' &&
						 lower((unsigned char)s[j]) <= 'f'))) {
			v = 0x110000; /* too long: out of range */
			j++;
		}
		/* Windows-1252 in numeric references, as browsers read them */
		if (v >= 0x80 && v < 0xA0 && ds_cp1252(v))
			v = ds_cp1252(v);
		*cp = v;
		return (j < n && s[j] == ';' ? j + 1 : j) - i;
	}
	while (j < n && j - i <= 10 && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
					(s[j] >= '0' && s[j] <= '9')))
		j++;
	if (j == i + 1)
		return 0;
	if (j < n && s[j] == ';')
		/* a name this table does not know stays as written, even one
		 * that starts with a name of the legacy set: HTML's full table
		 * may know it ("&notin;" is no "&not" before "in;") */
		return named(s + i + 1, j - i - 1, cp) ? j + 1 - i : 0;
	/* without ';', the longest name of the legacy set that starts the
	 * run, as HTML reads "&nbspThe" and "&copy2025": at most 6 letters
	 * ("eacute") */
	for (size_t len = j - i - 1 < 6 ? j - i - 1 : 6; len >= 2; len--)
		if (named(s + i + 1, len, cp) && bare_name(*cp))
			return len + 1;
	return 0;
}

/* ---- extraction ---- */

/* Page bytes [from, to): a headline box. */
struct span {
	size_t from, to;
};

struct out {
	struct ds_buf b;
	int latin;  /* the page's bytes are Windows-1252 (or Latin-1) */
	int odd;    /* it declares no 8-bit charset and has bytes that are no
		     * UTF-8: those are read as Windows-1252 */
	int space;  /* a blank is pending before the next text */
	int breaks; /* line breaks pending (1: a <br>, 2: a paragraph) */
	size_t hidden; /* bytes of text left out in elements hidden from the reader */
	struct ds_html_map *map; /* or NULL */
	/* Headline boxes: runs of paragraphs whose text is links alone
	 * ("Related: Story one | Story two", a list of links), told apart as
	 * the page is read and left out when it is read again. */
	int link;             /* inside an <a> (a browser nests none) */
	int link_new;         /* that <a> has given no text yet */
	size_t para_in;       /* where the open paragraph's text starts in the page */
	size_t para_chars;    /* its letters and digits (letters()) */
	size_t para_link_chars; /* those inside links */
	size_t para_links;    /* the links whose text starts in it */
	int run_on;           /* a run of paragraphs of links alone is open */
	size_t run_in, run_links; /* where it starts in the page; its links */
	struct span *boxes;   /* the runs of BOX_LINKS links or more found */
	size_t nboxes, boxes_cap;
	const struct span *skip; /* boxes left out of this reading, in order */
	size_t nskip, skip_at;
};

#define BOX_LINKS 3 /* links in a run of paragraphs of links alone that make it a box */

/* Records that the text from o->b.len on comes from the page at in: len
 * page bytes, verbatim or as a whole.  A verbatim run that continues the
 * last one in both (a single space between) extends it. */
static int map_add(struct out *o, size_t in, size_t len, int verbatim)
{
	return o->map ? ds_map_add(o->map, o->b.len, in, len, verbatim) : 0;
}

/* Appends n bytes of text that stand for the page's bytes [in, in + in_len)
 * (verbatim: they are those bytes), after the pending blank or breaks. */
static int put_bytes(struct out *o, const char *p, size_t n, size_t in, size_t in_len, int verbatim)
{
	if (o->b.len) {
		if (o->breaks >= 2 && ds_buf_puts(&o->b, "\n\n"))
			return DS_ENOMEM;
		if (o->breaks == 1 && ds_buf_putc(&o->b, '\n'))
			return DS_ENOMEM;
		if (!o->breaks && o->space && ds_buf_putc(&o->b, ' '))
			return DS_ENOMEM;
	}
	o->breaks = o->space = 0;
	if ((o->latin || o->odd) && verbatim) {
		/* each byte a character, 0x80 and up to UTF-8; on a page that
		 * declares none, only the bytes that are no part of UTF-8 */
		for (size_t i = 0; i < n;) {
			unsigned char c = (unsigned char)p[i];
			char u[4];
			uint32_t cp;
			size_t l = c < 0x80 ? 1 : o->latin ? 0 : ds_utf8_seq((const unsigned char *)p + i,
									   n - i, &cp);
			if (l) {
				if (map_add(o, in + i, l, 1) || ds_buf_append(&o->b, p + i, l))
					return DS_ENOMEM;
				i += l;
				continue;
			}
			cp = ds_cp1252(c);
			if (map_add(o, in + i, 1, 0) || ds_buf_append(&o->b, u, ds_put_char(u, cp)))
				return DS_ENOMEM;
			i++;
		}
		return 0;
	}
	if (map_add(o, in, in_len, verbatim))
		return DS_ENOMEM;
	return ds_buf_append(&o->b, p, n);
}

/* Letters and digits among the text's bytes p[0, n): the ASCII ones, and
 * characters past ASCII but Latin-1's signs and General Punctuation's
 * (dashes, quotes, bullets), which separate links as '|' does. */
static size_t letters(const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)p[i];
		uint32_t cp;
		size_t l;
		if (c < 0x80) {
			k += (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z');
			i++;
			continue;
		}
		if ((l = ds_utf8_seq((const unsigned char *)p + i, n - i, &cp)) == 0) {
			i++; /* no character: a byte of text as it is */
			continue;
		}
		k += !(cp >= 0xA0 && cp <= 0xBF) && !(cp >= 0x2000 && cp <= 0x206F);
		i += l;
	}
	return k;
}

/* The open run of paragraphs of links alone ends before page offset to:
 * with BOX_LINKS links or more it is a headline box.  0 or DS_ENOMEM. */
static int run_end(struct out *o, size_t to)
{
	if (o->run_on && o->run_links >= BOX_LINKS) {
		if (ds_grow(&o->boxes, &o->boxes_cap, o->nboxes + 1, sizeof *o->boxes))
			return DS_ENOMEM;
		o->boxes[o->nboxes++] = (struct span){o->run_in, to};
	}
	o->run_on = 0;
	return 0;
}

/* The open paragraph ends: one whose letters are link text (nine in ten
 * or more: a "Related:" before the links) goes on the run of them, and
 * another, prose that may hold links, ends the run; one without letters
 * ("|" alone) does neither. */
static int para_end(struct out *o)
{
	if (!o->para_chars)
		return 0;
	if (o->para_link_chars * 10 < o->para_chars * 9)
		return run_end(o, o->para_in);
	if (!o->run_on) {
		o->run_on = 1;
		o->run_in = o->para_in;
		o->run_links = 0;
	}
	o->run_links += o->para_links;
	return 0;
}

/* put_bytes, where the text's paragraphs are weighed for headline boxes,
 * and text inside a box found before is left out. */
static int put_text(struct out *o, const char *p, size_t n, size_t in, size_t in_len, int verbatim)
{
	size_t from, k;
	int rc;
	while (o->skip_at < o->nskip && o->skip[o->skip_at].to <= in)
		o->skip_at++;
	if (o->skip_at < o->nskip && o->skip[o->skip_at].from <= in)
		return 0;
	if (!o->b.len || o->breaks >= 2) { /* a paragraph starts */
		if (o->b.len && (rc = para_end(o)) != 0)
			return rc;
		o->para_in = in;
		o->para_chars = o->para_link_chars = o->para_links = 0;
	}
	from = o->b.len;
	if ((rc = put_bytes(o, p, n, in, in_len, verbatim)) != 0)
		return rc;
	k = letters(o->b.data + from, o->b.len - from);
	o->para_chars += k;
	if (o->link) {
		o->para_link_chars += k;
		if (o->link_new && k) {
			o->para_links++;
			o->link_new = 0;
		}
	}
	return 0;
}

/* Reads the tag at s[i] == '<' followed by a letter or '/': its lower-case
 * name (cut at 15 bytes), whether it closes, and where it ends (past '>',
 * or n when it does not end). */
static size_t read_tag(const char *s, size_t i, size_t n, char name[16], int *closing,
		       const char **attrs, size_t *attrs_len)
{
	size_t j = i + 1, k = 0;
	char q = 0;
	*closing = 0;
	if (j < n && s[j] == '/') {
		*closing = 1;
		j++;
	}
	while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
			 (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == ':')) {
		if (k < 15)
			name[k++] = (char)lower((unsigned char)s[j]);
		j++;
	}
	name[k] = 0;
	*attrs = s + j;
	for (; j < n; j++) {
		if (q) {
			if (s[j] == q)
				q = 0;
		} else if (s[j] == '"' || s[j] == '\'') {
			/* a quote starts a value only after '=' (with blanks) */
			size_t b = j;
			while (b > i && is_blank((unsigned char)s[b - 1]))
				b--;
			if (b > i && s[b - 1] == '=')
				q = s[j];
		} else if (s[j] == '>') {
			*attrs_len = (size_t)(s + j - *attrs);
			return j + 1;
		}
	}
	*attrs_len = (size_t)(s + n - *attrs);
	return n;
}

/* The value of attribute name (lower case) in attrs, or NULL; *len gets its
 * length. */
static const char *attr_value(const char *a, size_t n, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl < n; i++) {
		size_t j;
		char q;
		if ((i && !is_blank((unsigned char)a[i - 1])) || !starts_ci(a, i, n, name))
			continue;
		j = past_blanks(a, i + nl, n);
		if (j >= n || a[j] != '=')
			continue;
		j = past_blanks(a, j + 1, n);
		if (j >= n)
			return NULL;
		q = a[j];
		if (q == '"' || q == '\'') {
			const char *e = memchr(a + j + 1, q, n - j - 1);
			if (!e)
				return NULL;
			*len = (size_t)(e - (a + j + 1));
			return a + j + 1;
		}
		for (i = j; i < n && !is_blank((unsigned char)a[i]) && a[i] != '>'; i++)
			;
		*len = i - j;
		return a + j;
	}
	return NULL;
}

/* Whether attrs hold the attribute name (lower case), with a value or
 * none (hidden, hidden="", hidden="hidden"); *v and *vl get its value
 * ("" when it has none). */
static int attr_present(const char *a, size_t n, const char *name, const char **v, size_t *vl)
{
	size_t nl = strlen(name);
	char q = 0;
	for (size_t i = 0; i + nl <= n; i++) {
		size_t j = i + nl;
		if (q) { /* inside a quoted value */
			if (a[i] == q)
				q = 0;
			continue;
		}
		if (a[i] == '"' || a[i] == '\'') {
			q = a[i];
			continue;
		}
		if ((i && !is_blank((unsigned char)a[i - 1]) && a[i - 1] != '"' && a[i - 1] != '\'' &&
		     a[i - 1] != '/') ||
		    !starts_ci(a, i, n, name))
			continue;
		if (j < n && !is_blank((unsigned char)a[j]) && a[j] != '=' && a[j] != '/' && a[j] != '>')
			continue;
		while (j < n && is_blank((unsigned char)a[j]))
			j++;
		*v = "";
		*vl = 0;
		if (j < n && a[j] == '=') {
			const char *val = attr_value(a + i, n - i, name, vl);
			if (val)
				*v = val;
		}
		return 1;
	}
	return 0;
}

/* Whether an element (name, attributes) is hidden from a reader: the
 * hidden attribute (but hidden="until-found", which find-in-page opens), a
 * style with display:none or visibility:hidden, or a <dialog> without
 * open (a sign-in or cookie box that scripts show). */
static int hidden(const char *name, const char *attrs, size_t alen)
{
	const char *v;
	size_t vl;
	if (strcmp(name, "dialog") == 0 && !attr_present(attrs, alen, "open", &v, &vl))
		return 1;
	if (attr_present(attrs, alen, "hidden", &v, &vl) && !(vl == 11 && starts_ci(v, 0, vl, "until-found")))
		return 1;
	if (attr_present(attrs, alen, "style", &v, &vl)) {
		char css[64];
		size_t k = 0;
		for (size_t i = 0; i < vl; i++) {
			/* the declarations without blanks, a window of them */
			if (is_blank((unsigned char)v[i]))
				continue;
			if (k == sizeof css - 1) {
				memmove(css, css + 32, k - 32);
				k -= 32;
			}
			css[k++] = (char)lower((unsigned char)v[i]);
			css[k] = 0;
			if ((k >= 12 && memcmp(css + k - 12, "display:none", 12) == 0) ||
			    (k >= 17 && memcmp(css + k - 17, "visibility:hidden", 17) == 0))
				return 1;
		}
	}
	return 0;
}

/* Elements that have no end tag: hidden or not, they hold no text. */
static int is_void(const char *name)
{
	static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img",
					"input", "link", "meta", "param", "source", "track",
					"wbr", NULL};
	for (int i = 0; v[i]; i++)
		if (strcmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* A publication date in a <meta> or <time> tag: "YYYY-MM-DD" into date. */
static void find_date(const char *name, const char *attrs, size_t alen, char date[11])
{
	static const char *const keys[] = {"article:published_time", "datepublished",
					   "date", "pubdate", "publish-date", "dc.date",
					   "dc.date.issued", "parsely-pub-date", NULL};
	const char *v = NULL, *key;
	size_t vl = 0, kl = 0;
	if (date[0])
		return;
	if (strcmp(name, "time") == 0) {
		v = attr_value(attrs, alen, "datetime", &vl);
	} else if (strcmp(name, "meta") == 0) {
		key = attr_value(attrs, alen, "property", &kl);
		if (!key)
			key = attr_value(attrs, alen, "name", &kl);
		if (!key)
			key = attr_value(attrs, alen, "itemprop", &kl);
		if (!key)
			return;
		for (int k = 0; keys[k]; k++)
			if (strlen(keys[k]) == kl && starts_ci(key, 0, kl, keys[k])) {
				v = attr_value(attrs, alen, "content", &vl);
				break;
			}
	}
	if (!v || vl < 10 || !ds_is_iso_date(v))
		return;
	if (vl > 10 && v[10] != 'T' && v[10] != ' ' && v[10] != 't')
		return;
	memcpy(date, v, 10);
	date[10] = 0;
}

/* A publication date in the JSON-LD of a <script type="application/ld+json">
 * whose text starts at s[i]: the first "datePublished" whose value is
 * "YYYY-MM-DD...", before the script's end tag.  Returns where the search
 * ended (a script inside that one is not searched again). */
static size_t find_json_date(const char *s, size_t i, size_t n, const char *attrs, size_t alen,
			     char date[11])
{
	static const char key[] = "\"datepublished\"";
	const char *v;
	size_t vl, e = i;
	if (!attr_present(attrs, alen, "type", &v, &vl) || vl < 7 || !starts_ci(v, vl - 7, vl, "ld+json"))
		return i;
	while (e < n && !starts_ci(s, e, n, "</script"))
		e++;
	for (; i + sizeof key - 1 < e && !date[0]; i++) {
		size_t j;
		if (!starts_ci(s, i, e, key))
			continue;
		j = past_blanks(s, i + sizeof key - 1, e);
		if (j >= e || s[j] != ':')
			continue;
		j = past_blanks(s, j + 1, e);
		if (j + 11 >= e || s[j] != '"' || !ds_is_iso_date(s + j + 1) ||
		    (s[j + 11] != '"' && s[j + 11] != 'T' && s[j + 11] != ' ' && s[j + 11] != 't'))
			continue;
		memcpy(date, s + j + 1, 10);
		date[10] = 0;
	}
	return e;
}

enum { DROP_ELEMENTS = 1, DROP_HIDDEN = 2 };

/* One pass; drop: whether EL_DROP elements (DROP_ELEMENTS) and elements
 * hidden from the reader (DROP_HIDDEN) are dropped.  Returns 0, or
 * DS_ENOMEM; *unclosed is set when the text ended inside a dropped
 * element (a page that never closes its <nav>, say). */
static int extract(const char *s, size_t n, int drop, struct out *o, char date[11],
		   int *unclosed)
{
	char drop_name[16] = "";
	int depth = 0;	/* inside a dropped element: its nesting */
	int hiding = 0; /* that element is one hidden from the reader */
	int pre = 0;   /* inside <pre>: its nesting (its line breaks are the text's) */
	size_t i = 0, run = 0, json_to = 0; /* JSON-LD searched up to json_to */
	int rc = 0;
	*unclosed = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && rc == 0) {
		unsigned char c = (unsigned char)s[i];
		if (c == '<' && i + 1 < n) {
			unsigned char d = (unsigned char)s[i + 1];
			if (d == '!' || d == '?') {
				const char *e;
				if (starts_ci(s, i, n, "<!--")) {
					size_t j = i + 4;
					while (j + 2 < n && memcmp(s + j, "-->", 3) != 0)
						j++;
					i = j + 2 < n ? j + 3 : n;
				} else {
					e = memchr(s + i, '>', n - i);
					i = e ? (size_t)(e - s) + 1 : n;
				}
				continue;
			}
			if (d == '/' || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) {
				char name[16];
				int closing, kind;
				const char *attrs;
				size_t alen, end = read_tag(s, i, n, name, &closing, &attrs, &alen);
				kind = element_kind(name);
				if (!closing)
					find_date(name, attrs, alen, date);
				if (!closing && !date[0] && end >= json_to && strcmp(name, "script") == 0)
					json_to = find_json_date(s, end, n, attrs, alen, date);
				if (depth) {
					if (strcmp(name, drop_name) == 0) {
						depth += closing ? -1 : 1;
						/* a <head> ends where <body> starts, even unclosed */
					}
					if (strcmp(drop_name, "head") == 0 && !closing &&
					    strcmp(name, "body") == 0)
						depth = 0;
					i = end;
					continue;
				}
				if (!closing && kind == EL_RAW_DROP) {
					/* skip to its end tag: the text holds no markup */
					size_t j = end;
					char close[20];
					snprintf(close, sizeof close, "</%s", name);
					while (j < n && !starts_ci(s, j, n, close))
						j++;
					if (j < n) {
						const char *e = memchr(s + j, '>', n - j);
						j = e ? (size_t)(e - s) + 1 : n;
					}
					i = j;
					o->space = 1;
					continue;
				}
				if (!closing && drop && !(end >= 2 && s[end - 2] == '/') &&
				    ((kind == EL_DROP && (drop & DROP_ELEMENTS)) ||
				     ((drop & DROP_HIDDEN) && !is_void(name) && name[0] &&
				      hidden(name, attrs, alen)))) {
					/* dropped, or hidden from a reader: with what
					 * it holds */
					hiding = kind != EL_DROP || !(drop & DROP_ELEMENTS);
					memcpy(drop_name, name, sizeof drop_name);
					depth = 1;
					i = end;
					continue;
				}
				if (strcmp(name, "a") == 0) {
					/* an <a> inside one closes it, as browsers read it */
					o->link = !closing;
					o->link_new = !closing;
				}
				if (strcmp(name, "pre") == 0)
					pre = closing ? (pre > 0 ? pre - 1 : 0) : pre + 1;
				if (kind == EL_BLOCK)
					o->breaks = 2;
				else if (kind == EL_BREAK && o->breaks < 1)
					o->breaks = 1;
				else if (strcmp(name, "img") == 0)
					o->space = 1;
				i = end;
				continue;
			}
		}
		if (depth) {
			o->hidden += hiding && !is_blank(c);
			i++;
			continue;
		}
		if (is_blank(c)) {
			if (pre && c == '\n') /* a line; two in a row, a paragraph */
				o->breaks = o->breaks ? 2 : 1;
			o->space = 1;
			i++;
			continue;
		}
		if (c == '&') {
			uint32_t cp;
			size_t len = ds_html_reference(s, i, n, &cp);
			if (len) {
				char u[4];
				size_t ul;
				i += len;
				if (cp == 0x20 || cp == 0xA0 || (cp > 0 && cp < 0x20) || cp == 0x7F) {
					/* a no-break space, and control characters
					 * (&#10; is a newline in the source, not a
					 * paragraph), are blanks */
					o->space = 1;
					continue;
				}
				if (cp == 0xAD || cp == 0x200B)
					continue; /* soft hyphen, zero-width space: nothing */
				ul = ds_put_char(u, cp);
				rc = put_text(o, u, ul, i - len, len, 0);
				continue;
			}
		}
		/* a run of plain text up to the next blank, '<' or '&' */
		run = i + 1;
		while (run < n && s[run] != '<' && s[run] != '&' && !is_blank((unsigned char)s[run]))
			run++;
		rc = put_text(o, s + i, run - i, i, run - i, 1);
		i = run;
	}
	if (rc == 0 && o->b.len)
		rc = para_end(o);
	if (rc == 0)
		rc = run_end(o, SIZE_MAX);
	*unclosed = depth > 0;
	return rc;
}

/* Reads the page again into *o, as from the start, with drop (and
 * without the boxes o->skip holds). */
static int extract_again(const char *s, size_t n, int drop, struct out *o, char date[11],
			 int *unclosed)
{
	struct out fresh;
	memset(&fresh, 0, sizeof fresh);
	fresh.latin = o->latin;
	fresh.odd = o->odd;
	fresh.map = o->map;
	fresh.skip = o->skip;
	fresh.nskip = o->nskip;
	free(o->boxes);
	ds_buf_free(&o->b);
	if (o->map)
		ds_map_reset(o->map);
	*o = fresh;
	date[0] = 0;
	return extract(s, n, drop, o, date, unclosed);
}

/* Whether all of s is well-formed UTF-8 with at least one non-ASCII
 * character. */
static int utf8_text(const char *s, size_t n)
{
	int wide = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = ds_utf8_seq((const unsigned char *)s + i, n - i, &cp)) == 0)
			return 0;
		wide = 1;
		i += l;
	}
	return wide;
}

/* Whether the page says its bytes are Windows-1252 or Latin-1 (<meta
 * charset=...> or http-equiv's "charset=", in its first 4 kB) and they are
 * not well-formed UTF-8 (pages that say Latin-1 and hold UTF-8 are common:
 * UTF-8 is kept then, as a byte-order mark would keep it). */
int ds_html_is_1252(const char *s, size_t n)
{
	static const char *const names[] = {"windows-1252", "cp1252", "iso-8859-1", "iso8859-1",
					    "latin1", "latin-1", "us-ascii", NULL};
	size_t head = n < 4096 ? n : 4096;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return 0;
	for (size_t i = 0; i + 8 < head; i++) {
		size_t j;
		if (!starts_ci(s, i, head, "charset"))
			continue;
		j = i + 7;
		while (j < head && is_blank((unsigned char)s[j]))
			j++;
		if (j >= head || s[j] != '=')
			continue;
		j++;
		while (j < head && (is_blank((unsigned char)s[j]) || s[j] == '"' || s[j] == '\''))
			j++;
		for (int k = 0; names[k]; k++) {
			size_t l = strlen(names[k]);
			if (starts_ci(s, j, head, names[k]) &&
			    (j + l >= head || !((s[j + l] >= 'a' && s[j + l] <= 'z') ||
						(s[j + l] >= 'A' && s[j + l] <= 'Z') ||
						(s[j + l] >= '0' && s[j + l] <= '9') || s[j + l] == '-')))
				return !utf8_text(s, n);
		}
		return 0; /* another charset: read as UTF-8 */
	}
	return 0;
}

int ds_html_text(const char *html, size_t len, char **text, size_t *text_len, struct ds_err *err)
{
	return ds_html_text_map(html, len, text, text_len, NULL, err);
}

int ds_html_text_map(const char *html, size_t len, char **text, size_t *text_len,
		     struct ds_html_map **map, struct ds_err *err)
{
	struct out o;
	char date[11] = "";
	int unclosed = 0, rc = 0, latin = ds_html_is_1252(html, len);
	int drop = DROP_ELEMENTS | DROP_HIDDEN;
	int odd = !latin && ds_text_legacy_bytes(html, len, NULL) > 0;
	struct ds_html_map *m;
	if ((rc = ds_map_begin(len, map, &m, err)) != 0)
		return rc;
	memset(&o, 0, sizeof o);
	o.latin = latin;
	o.odd = odd;
	o.map = m;
	rc = extract(html, len, drop, &o, date, &unclosed);
	if (rc == 0 && !unclosed && o.hidden > o.b.len)
		/* a page that hides more text than it shows is one that scripts
		 * show (<body style="display:none"> until they run): read it
		 * again keeping what it hides */
		rc = extract_again(html, len, drop = DROP_ELEMENTS, &o, date, &unclosed);
	if (rc == 0 && unclosed)
		/* a dropped element never closed took the rest of the page with
		 * it: read the page again keeping them */
		rc = extract_again(html, len, drop = 0, &o, date, &unclosed);
	if (rc == 0 && o.nboxes) {
		/* headline boxes: read the page again without them, unless that
		 * leaves no text (a page of links alone is read as it is) */
		struct span *boxes = o.boxes;
		o.skip = boxes;
		o.nskip = o.nboxes;
		o.boxes = NULL;
		rc = extract_again(html, len, drop, &o, date, &unclosed);
		if (rc == 0 && !o.b.len) {
			o.nskip = 0;
			rc = extract_again(html, len, drop, &o, date, &unclosed);
		}
		free(boxes);
		o.skip = NULL;
	}
	free(o.boxes);
	if (rc == 0 && date[0] && o.b.len) {
		/* the date header despin reads (docs: "date YYYY-MM-DD" first) */
		struct ds_buf h = {0};
		if (ds_buf_printf(&h, "date %s\n\n", date) || ds_buf_append(&h, o.b.data, o.b.len)) {
			ds_buf_free(&h);
			rc = DS_ENOMEM;
		} else {
			ds_buf_free(&o.b);
			o.b = h;
			if (m)
				ds_map_shift(m, 17);
		}
	}
	if (rc == 0 && ds_buf_putc(&o.b, '\n'))
		rc = DS_ENOMEM;
	return ds_map_finish(&o.b, m, rc, text, text_len, map, err);
}
