/* packers.h - test helpers: bytes packed as one gzip member or one zstd
 * frame, as the tools write them (zlib, libzstd), for the tests of
 * compressed inputs. */
#ifndef DS_TEST_PACKERS_H
#define DS_TEST_PACKERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* n bytes of p as one gzip member, in *out (malloc'd), *olen bytes. */
static inline void gz(const char *p, size_t n, char **out, size_t *olen)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	memset(&z, 0, sizeof z);
	*out = malloc(cap);
	deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = (unsigned char *)*out;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*olen = cap - z.avail_out;
	deflateEnd(&z);
}

/* n bytes of p as one zstd frame (level 3), in *out (malloc'd). */
static inline void zs(const char *p, size_t n, char **out, size_t *olen)
{
	size_t cap = ZSTD_compressBound(n);
	*out = malloc(cap);
	*olen = ZSTD_compress(*out, cap, p, n, 3);
}

#endif
