/* fuzz_doc.c - the UTF-8 decoder and tokenizer (ds_doc_new, ds_doc_stem) on
 * arbitrary bytes; checks the invariants text.h promises of every document. */
#include "fuzz.h"
#include "stem.h"
#include "text.h"

static struct ds_stemmer *stemmer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	struct ds_doc *d;

	if (!stemmer)
		stemmer = ds_stemmer_new();
	d = ds_doc_new((const char *)data, size, "fuzz", 0, &err);
	if (!d) {
		FZ_ASSERT(err.code == DS_EBINARY || err.code == DS_EEMPTY ||
			  err.code == DS_ETOOBIG || err.code == DS_ENOMEM);
		FZ_ASSERT(err.msg[0] != 0);
		return 0;
	}
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
