/*
 * unpack.h - the bytes inside a compressed input: gzip (RFC 1952) and zstd
 * files, as crawlers and archives keep pages, so that an article is read
 * from NAME.txt.gz or NAME.html.zst as from the file it was.
 *
 * Both formats are read whole: every member (gzip) or frame (zstd), as the
 * tools write them when files are concatenated.  Never prints.
 */
#ifndef DS_UNPACK_H
#define DS_UNPACK_H

#include <stddef.h>

#include "despin.h"

/* "gzip" or "zstd" when p (n bytes) starts as that format does, else NULL. */
const char *ds_unpack_kind(const char *p, size_t n);

/* Decompresses p (n bytes, as ds_unpack_kind names it) into *out, a new
 * NUL-terminated buffer the caller frees, of *len bytes.  max (0: no
 * limit) bounds what is decompressed: past it, DS_ETOOBIG, and no more is
 * inflated (a small file that would fill memory is refused).  Damaged or
 * cut-short data, or bytes after it that are no more of it: DS_ECORRUPT.
 * name names the input in err's message.  0 or an error code; on an error
 * *out is NULL. */
int ds_unpack(const char *name, const char *p, size_t n, size_t max, char **out, size_t *len,
	      struct ds_err *err);

#endif
