/* fuzz_unpack.c - compressed inputs (ds_unpack_kind, ds_unpack: gzip and
 * zstd) on arbitrary bytes, within a bound of 1 MiB; checks what unpack.h
 * promises: either a NUL-terminated text within the bound, or one of the
 * documented errors with a message and no buffer.  The same bytes decoded
 * as a stream (ds_unpacker), fed and drained in pieces of sizes the input
 * picks, give the same text and the same verdict. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "unpack.h"

#define MAX_OUT ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes data as a stream into out (MAX_OUT + 1 bytes); piece and room
 * sizes from the data's last byte.  Returns run's or end's code, or
 * DS_ETOOBIG past MAX_OUT. */
static int stream(const uint8_t *data, size_t size, char *out, size_t *n)
{
	struct ds_unpacker *u = ds_unpacker_new(ds_unpack_kind((const char *)data, size));
	size_t at = 0, piece = 1 + data[size - 1] % 61, room = 1 + data[size - 1] % 17;
	int rc = 0;
	*n = 0;
	if (!u)
		return DS_ENOMEM;
	for (;;) {
		size_t give = size - at < piece ? size - at : piece, used, made;
		if (*n + room > MAX_OUT + 1) {
			rc = DS_ETOOBIG;
			break;
		}
		if ((rc = ds_unpacker_run(u, "fuzz", (const char *)data + at, give, &used, out + *n,
					  room, &made, NULL)) != 0)
			break;
		FZ_ASSERT(used <= give && made <= room);
		at += used;
		*n += made;
		if (made == room || used < give)
			continue;
		if (at == size) {
			rc = ds_unpacker_end(u, "fuzz", NULL);
			break;
		}
	}
	ds_unpacker_free(u);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	char *out = NULL, *sout;
	size_t n = 0, sn;
	int rc, src;

	if (!ds_unpack_kind((const char *)data, size))
		return 0;
	rc = ds_unpack("fuzz", (const char *)data, size, MAX_OUT, &out, &n, &err);
	if (rc) {
		FZ_ASSERT((rc == DS_ECORRUPT || rc == DS_ETOOBIG || rc == DS_ENOMEM) &&
			  err.code == rc && err.msg[0] && out == NULL && n == 0);
	} else {
		FZ_ASSERT(out != NULL && n <= MAX_OUT && out[n] == '\0');
	}
	if ((sout = malloc(MAX_OUT + 1)) != NULL) {
		src = stream(data, size, sout, &sn);
		/* a text too large for the whole read may be cut short or
		 * damaged further on: the stream stops at the bound first */
		if (rc != DS_ETOOBIG && src != DS_ETOOBIG && rc != DS_ENOMEM && src != DS_ENOMEM) {
			FZ_ASSERT(src == rc);
			FZ_ASSERT(rc || (sn == n && memcmp(sout, out, n) == 0));
		}
		free(sout);
	}
	free(out);
	return 0;
}
