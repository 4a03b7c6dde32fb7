/* fuzz_html.c - the text of web pages (ds_html_is, ds_html_text) on
 * arbitrary bytes, then tokenised, and a date header given to it
 * (ds_text_set_date); checks what despin.h promises: the text is
 * NUL-terminated, paragraph breaks are at most one blank line, its size is
 * bounded by the page's, and offsets map into the page. */
#include "fuzz.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	char *t;
	size_t n;

	struct ds_html_map *m = NULL;

	(void)ds_html_is((const char *)data, size);
	FZ_ASSERT(ds_html_text_map((const char *)data, size, &t, &n, &m, &err) == 0 && m);
	fz_check_map(m, n, size);
	/* a record's date given to the text (ds_text_set_date): the header
	 * is the text's first line and the map still gives page offsets */
	{
		char *c = malloc(n + 1), date[11];
		size_t cn = n;
		FZ_ASSERT(c != NULL);
		memcpy(c, t, n + 1);
		FZ_ASSERT(ds_text_set_date(&c, &cn, "2025-01-02", &m) == 0);
		FZ_ASSERT(cn == n || cn == n + 17);
		FZ_ASSERT(ds_text_date(c, cn, date) > 0 && strcmp(date, "2025-01-02") == 0);
		for (size_t off = 0; off < cn; off++)
			FZ_ASSERT(ds_html_map_page(m, off, 0) <= size &&
				  ds_html_map_page(m, off + 1, 1) <= size);
		free(c);
	}
	ds_html_map_free(m);
	FZ_ASSERT(t[n] == 0);
	/* every input byte gives at most three (a Windows-1252 byte of a
	 * Latin page as UTF-8; "<p>" is two newlines, a reference at least as
	 * many bytes as its UTF-8), plus the date header and the final newline */
	FZ_ASSERT(n <= 3 * size + 18);
	FZ_ASSERT(n >= 1 && t[n - 1] == '\n');
	for (size_t i = 0; i + 2 < n; i++)
		FZ_ASSERT(!(t[i] == '\n' && t[i + 1] == '\n' && t[i + 2] == '\n'));
	fz_check_doc(t, n);
	free(t);
	return 0;
}
