/* fuzz_lex_bin.c - the lexicon loader (ds_lex_load): whole files and payloads
 * in a valid envelope.  An accepted lexicon must answer every kind of query
 * (lookups, inflection, relations, stems) within its own tables. */
#include "fuzz.h"
#include "lex.h"
#include "stem.h"

static struct ds_stemmer *stemmer;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const phrases[] = {
		"war", "battle", "meeting", "assemblies", "instructed", "told", "year",
		"12 months", "loss of life", "went", "security council", "a", "",
		"running", "bigger", "happiest", "children"};
	struct ds_err err = {0};
	const char *path = fz_model_file(data, size, "LEX", DS_LEX_FORMAT_VERSION);
	struct ds_lex *lex;
	struct ds_lex_info info;
	struct ds_lex_hit hits[64];
	struct ds_lex_form forms[16];
	struct ds_lex_rel rel;
	char buf[2048];

	if (!stemmer)
		stemmer = ds_stemmer_new();
	if (!path)
		return 0;
	lex = ds_lex_load(path, &err);
	if (!lex) {
		fz_check_refusal(&err, path);
		return 0;
	}
	ds_lex_info(lex, &info);
	for (size_t i = 0; i < DS_ARRAY_LEN(phrases); i++) {
		const char *p = phrases[i];
		size_t n = strlen(p), k;
		(void)ds_lex_has(lex, p, n, NULL);
		k = ds_lex_originals(lex, p, n, hits, 64);
		FZ_ASSERT(k <= 64);
		for (size_t j = 0; j < k; j++) {
			FZ_ASSERT(strlen(hits[j].text) <= hits[j].len);
			/* Follow each hit: the other side must be a phrase too. */
			(void)ds_lex_substitutes(lex, hits[j].text, hits[j].len, hits + 32, 32);
			(void)ds_lex_relation(lex, stemmer, hits[j].text, p, &rel);
		}
		k = ds_lex_substitutes(lex, p, n, hits, 64);
		for (size_t j = 0; j < k; j++)
			FZ_ASSERT(strlen(hits[j].text) <= hits[j].len);
		k = ds_lex_originals_inflected(lex, stemmer, p, n, hits, 64, buf, sizeof buf);
		for (size_t j = 0; j < k; j++)
			FZ_ASSERT(strlen(hits[j].text) <= hits[j].len);
		k = ds_lex_substitutes_inflected(lex, stemmer, p, n, hits, 64, buf, sizeof buf);
		for (size_t j = 0; j < k; j++)
			FZ_ASSERT(strlen(hits[j].text) <= hits[j].len);
		k = ds_lex_analyse(lex, p, n, forms, 16);
		FZ_ASSERT(k <= 16);
		for (size_t j = 0; j < k; j++) {
			for (int infl = DS_LEX_BASE; infl <= DS_LEX_SUPERL; infl++)
				for (unsigned v = 0; v < 3; v++)
					(void)ds_lex_inflect(lex, forms[j].lemma, strlen(forms[j].lemma),
							     forms[j].pos, infl, v, buf, sizeof buf);
		}
		(void)ds_lex_relation(lex, stemmer, p, phrases[(i + 1) % DS_ARRAY_LEN(phrases)],
				      &rel);
	}
	ds_lex_free(lex);
	return 0;
}
