/*
 * binfmt.h - the envelope shared by despin's binary model files.
 *
 * Layout (all integers little-endian, every field 8-byte aligned):
 *
 *   0  char     magic[8]    "DESPIN\r\n" (catches text-mode mangling)
 *   8  char     kind[8]     "LM", "LEX", "SCORER", ... NUL padded
 *  16  uint32   version     format version of that kind
 *  20  uint32   byte_order  0x01020304 as written by the producer
 *  24  double   test_value  1.0 / 3.0 (catches float layout mismatches)
 *  32  uint64   payload_len bytes of payload after the 64-byte header
 *  40  uint32   crc32c      CRC-32C of the payload
 *  44  uint32   header_crc  CRC-32C of bytes 0..43
 *  48  uint32   tok_version the writer's DS_TOK_VERSION (text.h); 0 in files
 *                           written before it was recorded, read as 1
 *  52  uint32   reserved    zero
 *  56  uint64   reserved    zero
 *  64  payload (8-byte aligned)
 *
 * Files are written to a temporary name and renamed only when complete
 * (ds_afile), so a reader sees either the old file or the whole new one.
 */
#ifndef DS_BINFMT_H
#define DS_BINFMT_H

#include "util.h"

#define DS_BIN_HEADER_SIZE 64

/* How a damaged or missing model file is made again, as messages say it:
 * "rebuild it (DS_BIN_REBUILD)".  The library cannot tell the models
 * folder's own files from a user's (despin train -o, lex build, scorer
 * build), so it names what rebuilds the shipped ones as such. */
#define DS_BIN_REBUILD "'make models' for the shipped models"

/* Writes header + payload to path atomically.  kind is at most 8 chars. */
int ds_bin_write(const char *path, const char *kind, uint32_t version,
		 const void *payload, size_t len, struct ds_err *err);

/* The whole file image (header + payload) in memory: *out is malloc'ed,
 * owned by the caller.  0 or DS_ENOMEM. */
int ds_bin_image(const char *kind, uint32_t version, const void *payload, size_t len,
		 void **out, size_t *out_len);

/* True when data (len bytes) starts with the envelope's magic: a despin
 * model file, sound or not. */
int ds_bin_is(const void *data, size_t len);

/* Maps path (lazily: pages are read when touched) and checks the envelope's
 * header: magic, header checksum, kind, version, tokeniser version, byte
 * order, test value and length.  The payload checksum is not computed here
 * (it would read every page at every start): ds_bin_verify and
 * ds_bin_check_file do that, once, after a build or a copy ('despin
 * check-models').  On success *payload and *len describe the payload inside
 * the map (which the caller closes with ds_map_close).  On failure the message names the file, the problem, and
 * says "rebuild it (HINT)" (NULL: DS_BIN_REBUILD); a file that is no despin
 * model file at all gets that advice only when hint is given (a loader's
 * file was one; any file handed to ds_bin_check_file may be anything). */
int ds_bin_open(struct ds_map *m, const char *path, const char *kind,
		uint32_t version, const char *hint, const void **payload,
		size_t *len, struct ds_err *err);

/* Same header checks on a buffer already in memory (used by ds_bin_open and fuzzers). */
int ds_bin_check(const unsigned char *data, size_t size, const char *name,
		 const char *kind, uint32_t version, const char *hint,
		 const void **payload, size_t *len, struct ds_err *err);

/* The payload checksum of a file image whose header passed ds_bin_check:
 * DS_ECORRUPT when it does not match. */
int ds_bin_verify(const unsigned char *data, size_t size, const char *name,
		  const char *hint, struct ds_err *err);

/* Checks a model file of any kind completely (header and payload checksum);
 * kind (9 bytes) and *version receive what its header says.  A file that is
 * no despin model file is said to be one, without advice to rebuild it.  A sound file
 * gets a stamp beside it, PATH.checked (its device and inode, size,
 * modification and status-change times and header checksum; nothing when
 * the directory is read-only), a damaged one loses it. */
int ds_bin_check_file(const char *path, char kind[9], uint32_t *version, struct ds_err *err);

/* True when PATH.checked vouches for the file whose header is hdr (as
 * ds_bin_check_file left it, and unchanged since): a loader may then skip
 * the checks that read every page (the lexicon's index ranges).  Damage
 * that no write made (the disk's own) goes unseen until the next
 * ds_bin_check_file. */
int ds_bin_stamp_ok(const char *path, const unsigned char *hdr);

/* What names the content of a model file mapped by ds_bin_open (m): its
 * header checksum, which covers the kind, version, length and payload
 * checksum.  0 for no map (a model built in memory): a file built from it
 * then matches nothing. */
uint32_t ds_bin_map_id(const struct ds_map *m);

#endif
