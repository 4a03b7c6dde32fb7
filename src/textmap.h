/*
 * textmap.h - building the maps of despin.h's ds_html_map: where each part
 * of a text that a reader made comes from in the bytes it read.  The
 * readers that make text (html.c: web pages and 8-bit text; mime.c: MIME
 * messages) build them; ds_html_map_page reads them.
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

#include "despin.h"

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

#endif
