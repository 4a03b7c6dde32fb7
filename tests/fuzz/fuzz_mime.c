/* fuzz_mime.c - the text of MIME messages (ds_mime_is, ds_mime_text_map:
 * saved pages and e-mails) on arbitrary bytes, then tokenised; checks what
 * despin.h promises: a message gives its text, DS_EEMPTY or DS_EBINARY, the text is
 * NUL-terminated and well-formed where it was decoded, and every offset of
 * it maps into the message, starts in order. */
#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	struct ds_html_map *m = NULL;
	char *t;
	size_t n;
	int rc;

	(void)ds_mime_is((const char *)data, size);
	rc = ds_mime_text_map((const char *)data, size, &t, &n, &m, &err);
	if (rc) {
		FZ_ASSERT((rc == DS_EEMPTY || rc == DS_EBINARY) && err.code == rc && err.msg[0] && !m);
		return 0;
	}
	FZ_ASSERT(m != NULL && t[n] == 0);
	fz_check_map(m, n, size);
	ds_html_map_free(m);
	fz_check_doc(t, n);
	free(t);
	return 0;
}
