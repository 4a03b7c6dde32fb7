/* fuzz_warc.c - WARC records (warc.h) on arbitrary bytes: the input up to
 * its first blank line is a header block, the rest the record's block.
 * Checks what warc.h promises: a header either parsed or refused with a
 * message; a page either NUL-terminated text of a known kind, or no page
 * with a reason, or a documented error with no buffer. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = NULL;
	struct ds_warc_head h;
	struct ds_err err = {0};
	char *out = NULL;
	size_t hn, len = 0;
	enum ds_warc_kind kind;
	const char *why = NULL;
	int rc;

	for (size_t i = 0; i + 1 < size && !end; i++)
		if (p[i] == '\n' && (p[i + 1] == '\n' || (i + 2 < size && p[i + 1] == '\r' &&
							    p[i + 2] == '\n')))
			end = p + i + (p[i + 1] == '\n' ? 2 : 3);
	hn = end ? (size_t)(end - p) : size;
	rc = ds_warc_head_parse(p, hn, &h, &err);
	if (rc) {
		FZ_ASSERT(rc == DS_ECORRUPT && err.msg[0]);
		/* the page parser on its own, as a response of HTTP */
		memset(&h, 0, sizeof h);
		strcpy(h.type, "response");
		strcpy(h.ctype, "application/http; msgtype=response");
	}
	FZ_ASSERT(strlen(h.uri) < sizeof h.uri && strlen(h.type) < sizeof h.type);
	rc = ds_warc_page(&h, p + hn, size - hn, 1 << 20, &out, &len, &kind, &why, &err);
	if (rc) {
		FZ_ASSERT((rc == DS_ECORRUPT || rc == DS_ETOOBIG || rc == DS_ENOMEM) && err.msg[0] &&
			  out == NULL);
		return 0;
	}
	if (kind == DS_WARC_NONE) {
		FZ_ASSERT(out == NULL && why && why[0]);
	} else {
		FZ_ASSERT(out && out[len] == '\0' && len <= size && (kind == DS_WARC_HTML || kind == DS_WARC_TEXT));
		free(out);
	}
	return 0;
}
