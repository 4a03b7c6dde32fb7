/* fuzz_doc.c - the UTF-8 decoder and tokenizer (ds_doc_new, ds_doc_stem),
 * the reading of 8-bit text (ds_text_from_1252) and of a first line that
 * looks like a date header (ds_text_bad_date), on arbitrary bytes;
 * checks the invariants text.h promises of every document. */
#include "fuzz.h"
#include "stem.h"
#include "text.h"
#include "util.h"

static struct ds_stemmer *stemmer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Text read as Windows-1252 (ds_text_legacy_bytes, ds_text_from_1252):
 * the result is well-formed UTF-8, at most three bytes for one, and its
 * map gives every byte a place in the input, in order. */
static void legacy(const uint8_t *data, size_t size)
{
	size_t first, odd = ds_text_legacy_bytes((const char *)data, size, &first), n, last = 0;
	char *t;
	struct ds_html_map *m = NULL;
	struct ds_err err = {0};
	if (!odd)
		return;
	FZ_ASSERT(first < size && odd <= size);
	FZ_ASSERT(ds_text_from_1252((const char *)data, size, &t, &n, &m, &err) == 0 && m);
	FZ_ASSERT(t[n] == 0 && n <= 3 * size && n >= size);
	FZ_ASSERT(ds_text_legacy_bytes(t, n, NULL) == 0);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = (unsigned char)t[i] < 0x80 ? 1 : ds_utf8_seq((const unsigned char *)t + i,
								      n - i, &cp);
		FZ_ASSERT(l > 0);
		i += l;
	}
	for (size_t off = 0; off < n; off++) {
		size_t a = ds_html_map_page(m, off, 0), b = ds_html_map_page(m, off + 1, 1);
		FZ_ASSERT(a < size && b <= size && b > a);
		FZ_ASSERT(a >= last);
		last = a;
	}
	ds_html_map_free(m);
	free(t);
}

/* A line that looks like a date header but gives no day of the calendar
 * (ds_text_bad_date): within the text, "date" and a run of at most 20
 * digits and separators, then maybe a time ('T', a digit, then digits and
 * ":.,+-Z"; 40 bytes in all at most), and never beside a header the text
 * has. */
static void bad_date(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char date[11];
	size_t at, l = ds_text_bad_date(s, size, &at), i;
	if (!l) {
		FZ_ASSERT(at == 0);
		return;
	}
	FZ_ASSERT(at + l <= size && l > 5 && l <= 45 && memcmp(s + at, "date ", 5) == 0);
	FZ_ASSERT(ds_text_date(s, size, date) == 0 && date[0] == 0);
	for (i = at + 5; i < at + l && s[i] != 'T'; i++)
		FZ_ASSERT((s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '/' || s[i] == '.');
	FZ_ASSERT(i - at - 5 <= 20);
	if (i < at + l) {
		FZ_ASSERT(i + 1 < at + l && s[i + 1] >= '0' && s[i + 1] <= '9');
		for (i++; i < at + l; i++)
			FZ_ASSERT((s[i] >= '0' && s[i] <= '9') || (s[i] && strchr(":.,+-Z", s[i])));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0}, check_err = {0};
	struct ds_doc *d;
	int check;

	if (!stemmer)
		stemmer = ds_stemmer_new();
	legacy(data, size);
	/* the whole-text check refuses what the tokenizer refuses, in its words */
	check = ds_text_check((const char *)data, size, "fuzz", &check_err);
	bad_date(data, size);
	d = ds_doc_new((const char *)data, size, "fuzz", 0, &err);
	if (!d) {
		FZ_ASSERT(err.code == DS_EBINARY || err.code == DS_EEMPTY ||
			  err.code == DS_ETOOBIG || err.code == DS_ENOMEM);
		FZ_ASSERT(err.msg[0] != 0);
		if (err.code == DS_EBINARY || err.code == DS_EEMPTY)
			FZ_ASSERT(check == err.code && strcmp(check_err.msg, err.msg) == 0);
		return 0;
	}
	FZ_ASSERT(check == 0);
	FZ_ASSERT(d->len == size);
	FZ_ASSERT(memcmp(d->text, data, size) == 0 && d->text[size] == 0);
	FZ_ASSERT(d->body_start <= d->len);
	if (stemmer)
		FZ_ASSERT(ds_doc_stem(d, stemmer) == 0);
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *t = &d->tok[i];
		FZ_ASSERT(t->start < t->end && t->end <= d->len);
		FZ_ASSERT(i == 0 || t->start >= d->tok[i - 1].end);
		FZ_ASSERT(t->kind >= DS_TOK_WORD && t->kind <= DS_TOK_PUNCT);
		FZ_ASSERT(t->sent < d->nsent);
		FZ_ASSERT((size_t)t->norm + t->norm_len < d->pool_len);
		FZ_ASSERT((size_t)t->lower + t->norm_len < d->pool_len);
		FZ_ASSERT(t->norm_len > 0 && t->norm_len <= DS_TOK_MAX_BYTES + 4);
		FZ_ASSERT(strlen(ds_tok_norm(d, i)) == t->norm_len);
		FZ_ASSERT(strlen(ds_tok_lower(d, i)) == t->norm_len);
		if (t->stem != DS_NO_STEM) {
			FZ_ASSERT((size_t)t->stem + t->stem_len < d->pool_len);
			FZ_ASSERT(strlen(ds_tok_stem(d, i)) == t->stem_len);
		}
	}
	for (size_t s = 0; s < d->nsent; s++) {
		FZ_ASSERT(d->sent[s].tok_begin <= d->sent[s].tok_end);
		FZ_ASSERT(d->sent[s].tok_end <= d->ntok);
		FZ_ASSERT(s == 0 || d->sent[s].tok_begin == d->sent[s - 1].tok_end);
		FZ_ASSERT(d->sent[s].para < d->npara);
	}
	for (size_t p = 0; p < d->npara; p++) {
		FZ_ASSERT(d->para[p].sent_begin <= d->para[p].sent_end);
		FZ_ASSERT(d->para[p].sent_end <= d->nsent);
		FZ_ASSERT(d->para[p].start <= d->para[p].end && d->para[p].end <= d->len);
	}
	FZ_ASSERT(d->n_words <= d->ntok);
	ds_doc_free(d);
	return 0;
}
