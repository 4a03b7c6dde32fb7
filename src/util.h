/*
 * util.h - small shared pieces of the despin library: error records, growable
 * buffers, hashing, checksums, memory-mapped files and atomic file writes.
 *
 * Conventions used across the library (see also despin.h):
 *  - actions return 0 on success or a negative DS_E* code, and fill a
 *    caller-owned struct ds_err with a one-line message (no trailing newline);
 *  - constructors return NULL on failure and fill the ds_err;
 *  - the library never prints, never exits, never aborts;
 *  - every *_free(NULL) is a no-op.
 */
#ifndef DS_UTIL_H
#define DS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#include "despin.h"

#define DS_UNUSED(x) ((void)(x))
#define DS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DS_LIKELY(x) __builtin_expect(!!(x), 1)
#define DS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DS_LIKELY(x) (x)
#define DS_UNLIKELY(x) (x)
#define DS_PRINTF(a, b)
#endif

/* Sets err (if not NULL) to code and a formatted message; returns code. */
int ds_err_set(struct ds_err *err, int code, const char *fmt, ...) DS_PRINTF(3, 4);
/* Like ds_err_set, appending ": strerror(errnum)". */
int ds_err_sys(struct ds_err *err, int errnum, const char *fmt, ...) DS_PRINTF(3, 4);

/* ---- growable byte buffer (owned memory; ds_buf_free releases it) ---- */
struct ds_buf {
	char *data;   /* NUL-terminated whenever len > 0 or after any append */
	size_t len;
	size_t cap;
};
#define DS_BUF_INIT {NULL, 0, 0}
int ds_buf_reserve(struct ds_buf *b, size_t extra);       /* 0 or DS_ENOMEM */
int ds_buf_append(struct ds_buf *b, const void *p, size_t n);
int ds_buf_puts(struct ds_buf *b, const char *s);
int ds_buf_putc(struct ds_buf *b, char c);
int ds_buf_printf(struct ds_buf *b, const char *fmt, ...) DS_PRINTF(2, 3);
/* Appends s as the body of a JSON string (no quotes), escaping as needed. */
int ds_buf_json_str(struct ds_buf *b, const char *s, size_t n);
void ds_buf_free(struct ds_buf *b);

/* Grows *arr (element size elt) so that it holds at least need elements.
 * *cap is updated.  Returns 0 or DS_ENOMEM (then *arr is unchanged). */
int ds_grow(void *arr, size_t *cap, size_t need, size_t elt);

/* ---- UTF-8 ---- */
/* Length (1-4) of the well-formed UTF-8 sequence at p[0..n), with its code
 * point in *cp; 0 if p does not start one (stray, overlong, surrogate, cut). */
size_t ds_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);
/* Characters that reorder the text around them on screen: Unicode bidi
 * embeddings, overrides, isolates and marks. */
static inline int ds_is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* ---- hashing and checksums ---- */
/* Fast 64-bit hash of a byte string (not cryptographic). */
uint64_t ds_hash64(const void *p, size_t n, uint64_t seed);
/* 64-bit mixer (a bijection), for hashing integers. */
static inline uint64_t ds_mix64(uint64_t x)
{
	x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27; x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}
/* CRC-32C (Castagnoli) of a byte string, continuing from crc (start with 0). */
uint32_t ds_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- files ---- */
/* Reads a whole file (or stdin when path is "-") into *out (malloc'd, owned by
 * the caller, NUL-terminated; *len excludes the NUL).  max_bytes limits the
 * size (0 = no limit): larger files fail with DS_ETOOBIG. */
int ds_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
		 struct ds_err *err);

/* A read-only memory map of a whole file. */
struct ds_map {
	const unsigned char *data;
	size_t len;
};
int ds_map_open(struct ds_map *m, const char *path, struct ds_err *err);
void ds_map_close(struct ds_map *m);

/* Atomic write: data goes to "PATH.tmp.PID", is flushed to disk, and is
 * renamed over PATH only by ds_afile_commit.  ds_afile_abort (or a failed
 * commit) removes the temporary file, so no partial file is ever left.
 * Only a regular file (or no file) is replaced that way: a PATH that is a
 * symbolic link, a character device or a FIFO is opened and written in
 * place (the link stays a link, /dev/null stays a device); a directory or
 * a block device is refused. */
struct ds_afile {
	int fd;
	char *path;
	char *tmp;
	int failed;  /* a write failed: commit will refuse */
	int inplace; /* written in place, not renamed */
	struct ds_err err;
};
int ds_afile_open(struct ds_afile *f, const char *path, struct ds_err *err);
int ds_afile_write(struct ds_afile *f, const void *p, size_t n);
int ds_afile_commit(struct ds_afile *f, struct ds_err *err);
void ds_afile_abort(struct ds_afile *f);

/* Monotonic clock in seconds. */
double ds_now(void);

#endif
