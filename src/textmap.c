/* textmap.c - maps of where a text's bytes come from in its input (see
 * textmap.h), and the readings that make text with one: bytes that are no
 * UTF-8 read as Windows-1252, a date header put before a text (despin.h). */
#include "textmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

size_t ds_put_char(char *o, uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	return ds_utf8_put(o, cp);
}

/* Windows-1252's characters 0x80-0x9F (0: undefined there); its other
 * bytes are Latin-1's, the code point of the same number. */
static const uint16_t W1252[32] = {
	0x20AC, 0, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030,
	0x160, 0x2039, 0x152, 0, 0x17D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D,
	0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0, 0x17E, 0x178};

uint32_t ds_cp1252(uint32_t c)
{
	return c >= 0x80 && c < 0xA0 ? W1252[c - 0x80] : c;
}

int ds_to_cp1252(uint32_t cp)
{
	if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
		return (int)cp;
	for (int i = 0; i < 32; i++)
		if (W1252[i] && W1252[i] == cp)
			return 0x80 + i;
	return -1;
}

/* Segment k covers the text from out to the next segment's out (or its
 * end); a verbatim one is the input's bytes from in on, one for one;
 * another (a reference, a transcoded byte, an encoded run) stands for the
 * in_len input bytes at in as a whole. */
struct seg {
	uint32_t out, in, in_len;
	uint32_t verbatim;
};

struct ds_html_map {
	struct seg *seg;
	size_t n, cap;
	uint32_t shift; /* the date header's bytes, before the first segment */
	struct ds_html_map *next; /* the map the input offsets go on through */
};

struct ds_html_map *ds_map_new(void)
{
	return calloc(1, sizeof(struct ds_html_map));
}

int ds_map_add(struct ds_html_map *m, size_t out, size_t in, size_t len, int verbatim)
{
	struct seg *last = m->n ? &m->seg[m->n - 1] : NULL;
	if (out >= UINT32_MAX || in + len >= UINT32_MAX)
		return DS_ETOOBIG;
	if (last && verbatim && last->verbatim && out - last->out == in - last->in) {
		last->in_len = (uint32_t)(in + len - last->in);
		return 0;
	}
	if (ds_grow(&m->seg, &m->cap, m->n + 1, sizeof *m->seg))
		return DS_ENOMEM;
	m->seg[m->n++] = (struct seg){(uint32_t)out, (uint32_t)in, (uint32_t)len,
				      (uint32_t)verbatim};
	return 0;
}

void ds_map_chain(struct ds_html_map *m, struct ds_html_map *inner)
{
	m->next = inner;
}

void ds_html_map_free(struct ds_html_map *m)
{
	while (m) {
		struct ds_html_map *next = m->next;
		free(m->seg);
		free(m);
		m = next;
	}
}

/* The input offset of text offset off by m alone (end: of the end of a
 * span) in *res; 0 when there is none (no text, or the date header). */
static int map_one(const struct ds_html_map *m, size_t off, int end, size_t *res)
{
	size_t lo = 0, hi, at;
	const struct seg *k;
	if (!m->n || (end ? off <= m->shift : off < m->shift))
		return 0; /* no text, or inside the date header the page has no bytes for */
	at = off - m->shift - (end ? 1 : 0); /* the byte at the start, or before the end */
	hi = m->n;
	while (hi - lo > 1) { /* the last segment that starts at or before at */
		size_t mid = (lo + hi) / 2;
		if (m->seg[mid].out <= at)
			lo = mid;
		else
			hi = mid;
	}
	k = &m->seg[lo];
	if (k->verbatim) {
		size_t d = at - k->out + (end ? 1 : 0);
		*res = k->in + (d < k->in_len ? d : k->in_len);
	} else {
		*res = k->in + (end ? k->in_len : 0);
	}
	return 1;
}

static size_t map_chain(const struct ds_html_map *m, size_t off, int end)
{
	for (; m; m = m->next)
		if (!map_one(m, off, end, &off))
			return 0;
	return off;
}

size_t ds_html_map_page(const struct ds_html_map *m, size_t off, int end)
{
	size_t r = map_chain(m, off, end), s;
	/* a byte the text put in (a blank between a page's words) stands at
	 * the input offset where the next one starts; through a chain, the end
	 * of a span that closes on it could fall before that start (across
	 * bytes a decoder skipped): the end is never before its last byte's
	 * start */
	if (end && r && m && m->next && off > 0 && (s = map_chain(m, off - 1, 0)) > r)
		r = s;
	return r;
}

int ds_map_begin(size_t n, struct ds_html_map **map, struct ds_html_map **m,
		 struct ds_err *err)
{
	*m = NULL;
	if (!map)
		return 0;
	*map = NULL;
	if (n >= UINT32_MAX)
		return ds_err_set(err, DS_ETOOBIG, "%zu bytes: too large to map", n);
	if (!(*m = ds_map_new()))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	return 0;
}

int ds_map_finish(struct ds_buf *b, struct ds_html_map *m, int rc, char **text, size_t *len,
		  struct ds_html_map **map, struct ds_err *err)
{
	if (rc || ds_buf_reserve(b, 1)) {
		ds_buf_free(b);
		ds_html_map_free(m);
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	}
	b->data[b->len] = 0;
	*text = b->data;
	*len = b->len;
	if (map)
		*map = m;
	return 0;
}

void ds_map_reset(struct ds_html_map *m)
{
	m->n = 0;
}

void ds_map_shift(struct ds_html_map *m, size_t header)
{
	m->shift += (uint32_t)header;
}

int ds_text_from_1252(const char *in, size_t len, char **text, size_t *text_len,
		      struct ds_html_map **map, struct ds_err *err)
{
	const unsigned char *p = (const unsigned char *)in;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_html_map *m = NULL;
	size_t i = 0;
	int rc = 0;
	*text = NULL;
	*text_len = 0;
	if ((rc = ds_map_begin(len, map, &m, err)) != 0)
		return rc;
	while (i < len && !rc) {
		uint32_t cp;
		size_t l = 0, j = i;
		/* a run of ASCII and well-formed UTF-8, kept as it is */
		while (j < len && (p[j] < 0x80 || (l = ds_utf8_seq(p + j, len - j, &cp)) != 0))
			j += p[j] < 0x80 ? 1 : l;
		if (j > i)
			rc = (m && ds_map_add(m, b.len, i, j - i, 1)) || ds_buf_append(&b, in + i, j - i);
		if (j < len && !rc) {
			char u[4];
			rc = (m && ds_map_add(m, b.len, j, 1, 0)) ||
			     ds_buf_append(&b, u, ds_put_char(u, ds_cp1252(p[j])));
			j++;
		}
		i = j;
	}
	return ds_map_finish(&b, m, rc, text, text_len, map, err);
}

int ds_text_set_date(char **text, size_t *len, const char *date, struct ds_html_map **map)
{
	char own[11], *t;
	size_t end = ds_text_date(*text, *len, own);
	struct ds_html_map *m = *map;
	if (strlen(date) != 10 || !ds_is_iso_date(date))
		return DS_EINVAL;
	if (end) {
		/* the header's date is its last ten bytes but blanks */
		while (end && ((*text)[end - 1] == ' ' || (*text)[end - 1] == '\t'))
			end--;
		memcpy(*text + end - 10, date, 10);
		return 0;
	}
	if (*len >= UINT32_MAX - 32)
		return DS_ETOOBIG;
	if (!m) {
		/* the text as read: one run, the input's bytes one for one */
		if (!(m = ds_map_new()) || ds_map_add(m, 0, 0, *len, 1)) {
			ds_html_map_free(m);
			return DS_ENOMEM;
		}
	}
	if (!(t = realloc(*text, *len + 18))) {
		if (m != *map)
			ds_html_map_free(m);
		return DS_ENOMEM;
	}
	memmove(t + 17, t, *len + 1);
	memcpy(t, "date ", 5);
	memcpy(t + 5, date, 10);
	memcpy(t + 15, "\n\n", 2);
	*text = t;
	*len += 17;
	ds_map_shift(m, 17);
	*map = m;
	return 0;
}

