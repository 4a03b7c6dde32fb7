/*
 * json.h - a small reader for the JSON Lines records despin takes as input:
 * one object per line, {"id": ..., "text": ...}.  It parses any valid JSON
 * value, but hands back only the top-level members whose values are strings
 * or numbers (as text).  Strings are unescaped to UTF-8 (\uXXXX with
 * surrogate pairs; an invalid escape or a lone surrogate is an error).
 */
#ifndef DS_JSON_H
#define DS_JSON_H

#include "util.h"

#define DS_JSON_MAX_DEPTH 64

/* Called for each top-level string or number member; val is NUL-terminated
 * (a copy valid during the call), vlen its length. Return 0 to go on. */
typedef int (*ds_json_member_fn)(void *ctx, const char *key, const char *val, size_t vlen,
				 int is_string);

/* Parses one JSON object from s[0..len).  Returns 0, or DS_EFORMAT with a
 * message giving the byte offset of the problem. */
int ds_json_object(const char *s, size_t len, ds_json_member_fn fn, void *ctx,
		   struct ds_err *err);

#endif
