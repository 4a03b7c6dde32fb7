/*
 * html_check.h - checks that a page written by ds_report_render holds only
 * the markup the report itself writes, whatever the articles and names
 * contained: known tags, known attributes with double-quoted values free of
 * markup, event handlers only as the report writes them, links only to the
 * page's own anchors, and no raw quote or '>' in text.  Script and style
 * bodies (constant in the report) are skipped.
 *
 * html_check(page, len, why, whylen) returns 1 when the page is clean,
 * else 0 with the reason in why.  Used by the report fuzzer and unit test.
 */
#ifndef DS_HTML_CHECK_H
#define DS_HTML_CHECK_H

#include <stdio.h>
#include <string.h>

static int html_check_in(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == n && memcmp(*set, s, n) == 0)
			return 1;
	return 0;
}

static int html_check(const char *p, size_t len, char *why, size_t whylen)
{
	static const char *const tags[] = {
		"!DOCTYPE", "html", "head", "meta", "title", "style", "script", "body", "h1", "h2",
		"h3", "p", "table", "thead", "tbody", "tr", "th", "td", "a", "mark", "ins", "div",
		"span", "br", "b", "i", "code", "small", "details", "summary", "input", "label",
		"dl", "dt", "dd", NULL};
	static const char *const attrs[] = {
		"lang", "charset", "http-equiv", "content", "class", "id", "onclick", "href",
		"title", "data-v", "html", "type", "name", "checked", "for", "open", NULL};
	size_t i = 0;

	while (i < len) {
		char c = p[i];
		if (c == '"' || c == '\'' || c == '>') {
			snprintf(why, whylen, "raw %c in text at byte %zu", c, i);
			return 0;
		}
		if (c != '<') {
			i++;
			continue;
		}
		/* A tag: <name attr="value" ...> or </name>. */
		size_t at = i++, ns;
		int closing = 0;
		if (i < len && p[i] == '/') {
			closing = 1;
			i++;
		}
		ns = i;
		while (i < len && p[i] != ' ' && p[i] != '>' && p[i] != '\n')
			i++;
		if (!html_check_in(p + ns, i - ns, tags)) {
			snprintf(why, whylen, "unknown tag <%.*s at byte %zu", (int)(i - ns > 20 ? 20 : i - ns),
				 p + ns, at);
			return 0;
		}
		int is_raw = !closing && ((i - ns == 6 && memcmp(p + ns, "script", 6) == 0) ||
					  (i - ns == 5 && memcmp(p + ns, "style", 5) == 0));
		const char *tag = p + ns;
		size_t tlen = i - ns;
		for (;;) {
			while (i < len && p[i] == ' ')
				i++;
			if (i >= len) {
				snprintf(why, whylen, "unterminated tag at byte %zu", at);
				return 0;
			}
			if (p[i] == '>') {
				i++;
				break;
			}
			if (tlen == 8 && memcmp(tag, "!DOCTYPE", 8) == 0) {
				size_t a = i;
				while (i < len && p[i] != ' ' && p[i] != '>')
					i++;
				if (!html_check_in(p + a, i - a, attrs))
					goto bad_attr;
				continue;
			}
			size_t a = i;
			while (i < len && p[i] != '=' && p[i] != '>' && p[i] != ' ')
				i++;
			if (!html_check_in(p + a, i - a, attrs) || i + 1 >= len || p[i] != '=' ||
			    p[i + 1] != '"') {
				i = a;
				goto bad_attr;
			}
			size_t an = i - a, v = i + 2, e = v;
			while (e < len && p[e] != '"') {
				if (p[e] == '<' || p[e] == '>') {
					snprintf(why, whylen, "markup inside an attribute at byte %zu", e);
					return 0;
				}
				e++;
			}
			if (e >= len) {
				snprintf(why, whylen, "unterminated attribute at byte %zu", a);
				return 0;
			}
			if (an == 7 && memcmp(p + a, "onclick", 7) == 0 &&
			    !(e - v == 12 && memcmp(p + v, "sortBy(this)", 12) == 0)) {
				snprintf(why, whylen, "foreign event handler at byte %zu", a);
				return 0;
			}
			if (an == 4 && memcmp(p + a, "href", 4) == 0 && (e == v || p[v] != '#')) {
				snprintf(why, whylen, "link out of the page at byte %zu", a);
				return 0;
			}
			i = e + 1;
		}
		if (is_raw) {
			const char *end = tlen == 6 ? "</script>" : "</style>";
			size_t el = strlen(end), k = i;
			while (k + el <= len && memcmp(p + k, end, el) != 0)
				k++;
			if (k + el > len) {
				snprintf(why, whylen, "unterminated %.*s", (int)tlen, tag);
				return 0;
			}
			i = k; /* the closing tag is checked as a tag */
		}
		continue;
bad_attr:
		snprintf(why, whylen, "unknown attribute '%.*s' at byte %zu",
			 (int)(len - i > 20 ? 20 : len - i), p + i, i);
		return 0;
	}
	return 1;
}

#endif
