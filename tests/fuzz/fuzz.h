/*
 * fuzz.h - shared pieces of despin's libFuzzer targets (tests/fuzz/fuzz_*.c).
 *
 * Loaders that take a path get the fuzz input through a private temporary
 * file (in /dev/shm when it exists).  Binary model loaders are fed two ways,
 * chosen by the first input byte: even, the rest of the input is the whole
 * file (the envelope itself is attacked); odd, the rest is a payload wrapped
 * in a valid envelope with its checksum recomputed, so the payload parser is
 * reached whatever the mutation.
 */
#ifndef DS_FUZZ_H
#define DS_FUZZ_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binfmt.h"
#include "despin.h"
#include "text.h"
#include "util.h"

/* Aborts (a finding for libFuzzer) when an invariant does not hold. */
#define FZ_ASSERT(c)                                                             \
	do {                                                                     \
		if (!(c)) {                                                      \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
				__LINE__, #c);                                   \
			abort();                                                 \
		}                                                                \
	} while (0)

/* The temporary paths handed out, removed when the fuzzer exits. */
static char fz_made[8][256];
static int fz_nmade;

static void fz_remove_made(void)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal", ".checked"};
	char p[300];
	for (int i = 0; i < fz_nmade; i++)
		for (size_t k = 0; k < sizeof side / sizeof side[0]; k++) {
			snprintf(p, sizeof p, "%s%s", fz_made[i], side[k]);
			unlink(p);
		}
}

/* A per-process temporary path ending in suffix (static storage); the file
 * (and an index's or a model's files beside it) is removed at exit. */
static inline const char *fz_tmp_path(const char *suffix)
{
	static char path[256];
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	int i;
	snprintf(path, sizeof path, "%s/despin-fuzz-%ld%s", dir, (long)getpid(), suffix);
	for (i = 0; i < fz_nmade && strcmp(fz_made[i], path) != 0; i++)
		;
	if (i == fz_nmade && fz_nmade < 8) {
		if (fz_nmade == 0)
			atexit(fz_remove_made);
		memcpy(fz_made[fz_nmade++], path, sizeof path);
	}
	return path;
}

/* Writes a, then b (either may be empty) to path, replacing it.  Returns 0 or -1. */
static inline int fz_write2(const char *path, const void *a, size_t na, const void *b, size_t nb)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const unsigned char *parts[2] = {a, b};
	size_t lens[2] = {na, nb};
	if (fd < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		size_t off = 0;
		while (off < lens[k]) {
			ssize_t w = write(fd, parts[k] + off, lens[k] - off);
			if (w <= 0) {
				close(fd);
				return -1;
			}
			off += (size_t)w;
		}
	}
	return close(fd);
}

/* The 64-byte binfmt.h header for a payload of len bytes. */
static inline void fz_envelope(unsigned char h[DS_BIN_HEADER_SIZE], const char *kind,
			       uint32_t version, const void *payload, size_t len)
{
	static const char magic[8] = {'D', 'E', 'S', 'P', 'I', 'N', '\r', '\n'};
	uint32_t bom = 0x01020304u, crc;
	double test = 1.0 / 3.0;
	uint64_t plen = len;
	memset(h, 0, DS_BIN_HEADER_SIZE);
	memcpy(h, magic, 8);
	strncpy((char *)h + 8, kind, 8);
	memcpy(h + 16, &version, 4);
	memcpy(h + 20, &bom, 4);
	memcpy(h + 24, &test, 8);
	memcpy(h + 32, &plen, 8);
	crc = ds_crc32c(0, payload, len);
	memcpy(h + 40, &crc, 4);
	crc = ds_crc32c(0, h, 44);
	memcpy(h + 44, &crc, 4);
}

/* Writes the model file for a fuzz input as described above; returns its
 * path, or NULL when the input is empty or the file cannot be written. */
static inline const char *fz_model_file(const uint8_t *data, size_t size, const char *kind,
					uint32_t version)
{
	const char *path = fz_tmp_path(".bin");
	unsigned char h[DS_BIN_HEADER_SIZE];
	if (size < 1)
		return NULL;
	if (data[0] & 1) {
		fz_envelope(h, kind, version, data + 1, size - 1);
		if (fz_write2(path, h, sizeof h, data + 1, size - 1))
			return NULL;
	} else if (fz_write2(path, data + 1, size - 1, NULL, 0)) {
		return NULL;
	}
	return path;
}

/* Every offset of a text of n bytes that map gives is inside the size
 * input bytes, starts come in order, and a byte's end is at or after its
 * start (0: no input bytes, a date header's). */
static inline void fz_check_map(const struct ds_html_map *m, size_t n, size_t size)
{
	size_t last = 0;
	for (size_t off = 0; off < n; off++) {
		size_t a = ds_html_map_page(m, off, 0), b = ds_html_map_page(m, off + 1, 1);
		FZ_ASSERT(a <= size && b <= size);
		FZ_ASSERT(b >= a || b == 0);
		FZ_ASSERT(a >= last || a == 0);
		if (a)
			last = a;
	}
}

/* A text a reader made tokenises, or is refused for what it is. */
static inline void fz_check_doc(const char *t, size_t n)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(t, n, "fuzz", 0, &err);
	if (d)
		ds_doc_free(d);
	else
		FZ_ASSERT(err.code == DS_EBINARY || err.code == DS_EEMPTY ||
			  err.code == DS_ETOOBIG || err.code == DS_ENOMEM);
}

/* A refusal must say what went wrong with which file. */
static inline void fz_check_refusal(const struct ds_err *err, const char *path)
{
	FZ_ASSERT(err->code < 0);
	FZ_ASSERT(err->msg[0] != 0);
	FZ_ASSERT(strstr(err->msg, path) != NULL || err->code == DS_ENOMEM);
}

/* A model loader's refusal: as above, and it says how to rebuild the file. */
static inline void fz_check_model_refusal(const struct ds_err *err, const char *path)
{
	fz_check_refusal(err, path);
	FZ_ASSERT(err->code == DS_ENOMEM || strstr(err->msg, "make models") != NULL);
}

#endif
