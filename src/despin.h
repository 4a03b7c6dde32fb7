/*
 * despin.h - public interface of libdespin, a detector of spun text.
 *
 * This is the only header a user of the library includes.  Every name carries
 * the prefix ds_ (DS_ for constants).  Conventions:
 *
 *  - Actions return 0 on success or a negative DS_E* code and, when given a
 *    struct ds_err, leave a one-line message there (lower case, no newline).
 *  - Constructors return a new handle or NULL, with the reason in the ds_err.
 *  - What a function returns is owned by the caller when the function's name
 *    ends in _new, _open, _load or _dup; release it with the matching _free or
 *    _close (which accept NULL).  Anything else points into the handle and
 *    lives as long as the handle, unless the comment says otherwise.
 *  - The library never prints, exits or aborts; the command line does.
 *  - Thread rules are given per handle below.
 */
#ifndef DESPIN_H
#define DESPIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DS_VERSION_STRING "0.1.0"
#define DS_VERSION_MAJOR 0
#define DS_VERSION_MINOR 1
#define DS_VERSION_PATCH 0

/* Returns DS_VERSION_STRING of the library actually linked. */
const char *ds_version(void);

/* Error codes (negative). */
enum {
	DS_OK = 0,
	DS_ENOMEM = -1,    /* out of memory */
	DS_EIO = -2,       /* cannot read or write a file */
	DS_EFORMAT = -3,   /* malformed input (model file, ARPA, JSON, ...) */
	DS_EVERSION = -4,  /* model file of another format version */
	DS_ECORRUPT = -5,  /* checksum mismatch or truncated file */
	DS_EBINARY = -6,   /* input is binary (NUL bytes), not text */
	DS_EEMPTY = -7,    /* input holds no text */
	DS_ETOOBIG = -8,   /* input exceeds a documented limit */
	DS_EINVAL = -9,    /* invalid argument */
	DS_ENOTFOUND = -10,/* no such entry */
	DS_EBUSY = -11,    /* resource locked by another process */
	DS_EDB = -12       /* database error */
};

/* A caller-owned error record. */
struct ds_err {
	int code;
	char msg[512];
};

/* Returns a static, human-readable name for an error code. */
const char *ds_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
