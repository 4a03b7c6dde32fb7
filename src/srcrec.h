/*
 * srcrec.h - the packed record of one source in a shared store
 * (src/store_redis.c): its fields and its shingle set in one byte string,
 * the set Golomb-Rice coded (about 3.1 bytes a shingle instead of 4).
 *
 * Record format (version 1), all integers unsigned LEB128 varints:
 *   byte 0        the live mark: 0 staged or being removed, 1 published
 *   byte 1        format version (1)
 *   words, nset, text length, number of passage keys
 *   16 bytes      the content hash (the 32 hex digits as bytes)
 *   name length, name bytes, date length, date bytes
 *   byte          k, the Rice parameter
 *   bits          the gaps between sorted shingles (the first from 0):
 *                 gap >> k in unary (ones, then a zero), then its k low
 *                 bits, least significant bit first in each byte
 *
 * The live mark is the first byte so that a server can read or change it
 * alone (GETRANGE/SETRANGE key 0 0).
 */
#ifndef DS_SRCREC_H
#define DS_SRCREC_H

#include "util.h"

#define DS_SRCREC_VERSION 1

/* A source's record unpacked: name, date and hash point into the caller's
 * struct (NUL-terminated copies), the set into a caller's buffer. */
struct ds_srcrec {
	int live;
	uint64_t words, nset, text_len, nkeys;
	char hash[33];  /* 32 lower-case hex digits */
	char *name;     /* owned by the struct: ds_srcrec_clear */
	char *date;
	size_t namecap, datecap;
};

/* Appends the packed record to out: 0, DS_EINVAL (hash not 32 hex
 * digits, set not strictly increasing) or DS_ENOMEM. */
int ds_srcrec_pack(struct ds_buf *out, int live, uint64_t words, uint64_t text_len,
		   uint64_t nkeys, const char *hash, const char *name, const char *date,
		   const uint32_t *set, size_t nset);

/* Unpacks p[0..n) into r; with set != NULL also decodes the shingle set
 * into *set (grown with ds_grow, *setcap its capacity).  Returns 0,
 * DS_ECORRUPT (truncated, unknown version, set not as long as it says or
 * not increasing) or DS_ENOMEM. */
int ds_srcrec_unpack(const void *p, size_t n, struct ds_srcrec *r, uint32_t **set,
		     size_t *setcap);

void ds_srcrec_clear(struct ds_srcrec *r);

#endif
