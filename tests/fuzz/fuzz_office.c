/* fuzz_office.c - .docx, .odt and .epub documents (ds_office_text) on
 * arbitrary bytes.  Checks what despin.h promises: a document's text
 * NUL-terminated and within the bound, from a document its kind names; or
 * a documented error with a message and no buffer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	char *t = NULL;
	size_t n = 0, max = 1 << 16;
	int kind = ds_office_kind((const char *)data, size);
	int rc = ds_office_text((const char *)data, size, max, &t, &n, &err);
	FZ_ASSERT(kind == DS_OFFICE_NONE || kind == DS_OFFICE_DOCX || kind == DS_OFFICE_ODT ||
		  kind == DS_OFFICE_EPUB);
	if (rc) {
		FZ_ASSERT((rc == DS_EFORMAT || rc == DS_ECORRUPT || rc == DS_ETOOBIG ||
			   rc == DS_ENOMEM) &&
			  t == NULL && err.msg[0]);
		FZ_ASSERT(kind != DS_OFFICE_NONE || rc == DS_EFORMAT);
		return 0;
	}
	FZ_ASSERT(kind != DS_OFFICE_NONE && t && t[n] == 0 && n <= max);
	free(t);
	return 0;
}
