/*
 * textmap.h - building the maps of despin.h's ds_html_map: where each part
 * of a text that a reader made comes from in the bytes it read.  The
 * readers that make text (html.c: web pages; textmap.c: 8-bit text and
 * date headers; mime.c: MIME messages) build them; ds_html_map_page reads
 * them.
 *
 * A segment says that the text from offset out on comes from the input's
 * bytes [in, in + len): one for one when verbatim, else as a whole (a
 * character reference, a transcoded byte, an encoded run).  A map may pass
 * its input offsets on to another map (ds_map_chain): a page decoded from
 * a MIME message maps its text to the decoded page, which maps to the
 * message.
 */
#ifndef DS_TEXTMAP_H
#define DS_TEXTMAP_H

#include <stddef.h>
#include <stdint.h>

#include "despin.h"
#include "util.h"

/* An empty map (free with ds_html_map_free); NULL when out of memory. */
struct ds_html_map *ds_map_new(void);
/* Appends the segment (out, in, len, verbatim); a verbatim one that goes
 * on from the last one in both the text and the input extends it.
 * Segments come in the order of out.  0, DS_ENOMEM, or DS_ETOOBIG past
 * 4 GiB. */
int ds_map_add(struct ds_html_map *m, size_t out, size_t in, size_t len, int verbatim);
/* Makes the input offsets that m gives offsets into inner's text, which
 * inner maps on: m owns inner from then on (it is freed with m).  m must
 * not have an inner map already. */
void ds_map_chain(struct ds_html_map *m, struct ds_html_map *inner);
/* Drops m's segments (a reader that starts its text again). */
void ds_map_reset(struct ds_html_map *m);
/* A header of that many bytes now goes before the mapped text (it has no
 * input bytes: offsets in it map to none). */
void ds_map_shift(struct ds_html_map *m, size_t header);

/* For a reader that makes a text of n input bytes into a buffer: a new map
 * in *m when map is not NULL (*map cleared), else *m NULL.  0, DS_ETOOBIG
 * (4 GiB or more) or DS_ENOMEM, with err set. */
int ds_map_begin(size_t n, struct ds_html_map **map, struct ds_html_map **m,
		 struct ds_err *err);
/* Hands the text in b (NUL-terminated) and the map m to the caller as
 * *text, *len and *map (when map is not NULL), or frees both when rc says
 * the work failed (DS_ENOMEM then, with err set). */
int ds_map_finish(struct ds_buf *b, struct ds_html_map *m, int rc, char **text, size_t *len,
		  struct ds_html_map **map, struct ds_err *err);

/* Decodes the character reference at s[i] == '&' ("&amp;", "&#8211;",
 * "&#x1F600;", HTML's names; a name of its legacy set without its ';'):
 * its code point in *cp (not checked: a surrogate or past U+10FFFF as
 * written) and its length, or 0 when it is none (the '&' is then text). */
size_t ds_html_reference(const char *s, size_t i, size_t n, uint32_t *cp);
/* Code point cp written as UTF-8 into o, its length; what is no character
 * (NUL, a surrogate, past U+10FFFF) becomes U+FFFD, as browsers show it. */
size_t ds_put_char(char *o, uint32_t cp);
/* The code point of Windows-1252's byte c (0 for the five bytes it leaves
 * undefined; a code point under 0x80 or past 0x9F is its own). */
uint32_t ds_cp1252(uint32_t c);
/* The Windows-1252 byte of code point cp, or -1 when it has none. */
int ds_to_cp1252(uint32_t cp);

#endif
