/*
 * srcrec.h - the packed record of one source in a shared store
 * (src/store_redis.c): its fields and its shingle set in one byte string,
 * the set Golomb-Rice coded.
 *
 * Record format, all integers unsigned LEB128 varints:
 *   byte 0        the live mark: 0 staged or being removed, 1 published
 *   byte 1        format version: 1 or 2
 *   words, nset, text length, number of passage keys
 *   16 bytes      the content hash (the 32 hex digits as bytes)
 *   name length, name bytes, date length, date bytes
 *   (version 2)   byte: the bits of a key (fprint.h ds_fprint_rkey_bits)
 *   byte          k, the Rice parameter
 *   bits          the gaps between sorted values (the first from 0):
 *                 gap >> k in unary (ones, then a zero), then its k low
 *                 bits, least significant bit first in each byte
 * Version 1 codes the shingle hashes, distinct (about 3.1 bytes a
 * shingle); version 2 their keys (fprint.h ds_fprint_rkey: about
 * 1.4 bytes a shingle), one per shingle, so a gap may be 0.  Redis indexes of schema 2
 * hold version 1, those of schema 3 version 2.
 *
 * The live mark is the first byte so that a server can read or change it
 * alone (GETRANGE/SETRANGE key 0 0).
 */
#ifndef DS_SRCREC_H
#define DS_SRCREC_H

#include "util.h"

#define DS_SRCREC_VERSION 2 /* the newest */

/* A source's record unpacked: name, date and hash point into the caller's
 * struct (NUL-terminated copies), the set into a caller's buffer. */
struct ds_srcrec {
	int live;
	int version;
	uint64_t words, nset, text_len, nkeys;
	char hash[33];  /* 32 lower-case hex digits */
	char *name;     /* owned by the struct: ds_srcrec_clear */
	char *date;
	size_t namecap, datecap;
};

/* Appends the record of the given version (1 or 2) to out; set holds the
 * source's shingle hashes (below 2^DS_FP_HASH_BITS), sorted and distinct,
 * whatever the version.  Returns 0, DS_EINVAL (hash not 32 hex digits, set
 * not strictly increasing or out of range, unknown version) or DS_ENOMEM. */
int ds_srcrec_pack(struct ds_buf *out, int version, int live, uint64_t words,
		   uint64_t text_len, uint64_t nkeys, const char *hash, const char *name,
		   const char *date, const uint32_t *set, size_t nset);

/* Unpacks p[0..n) into r; with set != NULL also decodes the shingle set
 * into *set (grown with ds_grow, *setcap its capacity) as sorted keys
 * (fprint.h ds_fprint_reduce), whatever the version.  Returns 0,
 * DS_ECORRUPT (truncated, unknown version, set not as long as it says or
 * out of order) or DS_ENOMEM. */
int ds_srcrec_unpack(const void *p, size_t n, struct ds_srcrec *r, uint32_t **set,
		     size_t *setcap);

void ds_srcrec_clear(struct ds_srcrec *r);

#endif
