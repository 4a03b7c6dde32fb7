/* fuzz_warcread.c - whole WARC archives (src/cli/warcread.c) on arbitrary
 * bytes, read as a file a record at a time: byte 0 even, the rest is the
 * archive; odd, the rest gzip-compressed a member per 512 bytes, as a
 * crawler's .warc.gz.  Checks what warcread.h promises: each page is
 * NUL-terminated text of a known kind named by an id, or a record error
 * with no buffer; the archive ends, its failure (if any) one line naming
 * it; the counts add up. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "warcread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* p (n bytes) as gzip members of up to 512 bytes each, appended to b. */
static void gzip_members(struct ds_buf *b, const uint8_t *p, size_t n)
{
	for (size_t at = 0; at < n; at += 512) {
		size_t k = n - at < 512 ? n - at : 512;
		unsigned char out[1024];
		z_stream z;
		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return;
		z.next_in = (unsigned char *)(uintptr_t)(p + at);
		z.avail_in = (uInt)k;
		z.next_out = out;
		z.avail_out = sizeof out;
		deflate(&z, Z_FINISH);
		ds_buf_append(b, out, sizeof out - z.avail_out);
		deflateEnd(&z);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fz_tmp_path(".warc");
	struct ds_buf b = DS_BUF_INIT;
	struct ds_err err = {0};
	struct cli_warc_page pg;
	struct cli_warc *w;
	size_t pages = 0, records = 0;
	int got;
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		gzip_members(&b, data + 1, size - 1);
		FZ_ASSERT(fz_write2(path, b.data, b.len, NULL, 0) == 0);
		b.len = 0;
	} else {
		FZ_ASSERT(fz_write2(path, data + 1, size - 1, NULL, 0) == 0);
	}
	w = cli_warc_open(path, "fuzz.warc", 1 << 16, &err);
	FZ_ASSERT(w != NULL);
	while ((got = cli_warc_next(w, &pg)) > 0) {
		FZ_ASSERT(pg.record > records && pg.id[0]);
		records = (size_t)pg.record;
		if (pg.err[0]) {
			FZ_ASSERT(pg.body == NULL && !strchr(pg.err, '\n'));
		} else {
			FZ_ASSERT(pg.body && pg.body[pg.len] == 0 &&
				  (pg.kind == DS_WARC_HTML || pg.kind == DS_WARC_TEXT));
			pages++;
		}
		free(pg.body);
	}
	FZ_ASSERT(got == 0);
	FZ_ASSERT(!strchr(cli_warc_error(w), '\n') && !strchr(cli_warc_stream_error(w), '\n'));
	FZ_ASSERT(cli_warc_counts(w, &b) == 0 && b.data);
	/* "N pages of M records": N the pages given */
	FZ_ASSERT(strtoull(b.data, NULL, 10) == pages);
	ds_buf_free(&b);
	cli_warc_close(w);
	return 0;
}
