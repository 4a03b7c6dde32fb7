/* fuzz_unpack.c - compressed inputs (ds_unpack_kind, ds_unpack: gzip and
 * zstd) on arbitrary bytes, within a bound of 1 MiB; checks what unpack.h
 * promises: either a NUL-terminated text within the bound, or one of the
 * documented errors with a message and no buffer. */
#include <stdlib.h>

#include "fuzz.h"
#include "unpack.h"

#define MAX_OUT ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	char *out = NULL;
	size_t n = 0;
	int rc;

	if (!ds_unpack_kind((const char *)data, size))
		return 0;
	rc = ds_unpack("fuzz", (const char *)data, size, MAX_OUT, &out, &n, &err);
	if (rc) {
		FZ_ASSERT((rc == DS_ECORRUPT || rc == DS_ETOOBIG || rc == DS_ENOMEM) &&
			  err.code == rc && err.msg[0] && out == NULL && n == 0);
		return 0;
	}
	FZ_ASSERT(out != NULL && n <= MAX_OUT && out[n] == '\0');
	free(out);
	return 0;
}
