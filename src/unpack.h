/*
 * unpack.h - the bytes inside a compressed input: gzip (RFC 1952) and zstd
 * files, as crawlers and archives keep pages, so that an article is read
 * from NAME.txt.gz or NAME.html.zst as from the file it was.
 *
 * Both formats are read whole: every member (gzip) or frame (zstd), as the
 * tools write them when files are concatenated.  A stream (standard input,
 * a file of any size) is decoded as it is read, a piece at a time
 * (struct ds_unpacker); a file is read whole (ds_unpack).  Never prints.
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

/* A decoder of one gzip or zstd stream, fed as the stream is read.  Owned
 * by its caller: ds_unpacker_free. */
struct ds_unpacker;

/* A decoder for kind ("gzip" or "zstd", as ds_unpack_kind names it), or
 * NULL when out of memory. */
struct ds_unpacker *ds_unpacker_new(const char *kind);

/* Decodes what it can of the next n input bytes in into out (cap bytes):
 * *used input bytes are taken and *made bytes written.  Call it again with
 * the input not taken and more (or the same) room until it takes every
 * byte given and leaves room unwritten: it then holds nothing back.  name
 * names the stream in err's message.  0, or DS_ECORRUPT (damaged data, or
 * bytes after it that are no more of it, with their offset in the stream),
 * DS_ENOMEM; after an error the decoder is only freed. */
int ds_unpacker_run(struct ds_unpacker *u, const char *name, const char *in, size_t n,
		    size_t *used, char *out, size_t cap, size_t *made, struct ds_err *err);

/* The stream ended (its last byte given to ds_unpacker_run): 0 when the
 * data ended whole, DS_ECORRUPT when it was cut short. */
int ds_unpacker_end(const struct ds_unpacker *u, const char *name, struct ds_err *err);

void ds_unpacker_free(struct ds_unpacker *u);

#endif
