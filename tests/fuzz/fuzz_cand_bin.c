/* fuzz_cand_bin.c - the candidate table loader (ds_candtab_load): whole
 * files and payloads in a valid envelope.  An accepted table answers every
 * look-up within its bounds: the phrases probed are the input's own short
 * NUL-separated strings (a table's texts are such), and each candidate it
 * gives has a NUL-terminated text of its stated length, at most
 * DS_CANDTAB_MAX_IDS model ids and a weight in [0, 1]. */
#include "candtab.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void probe(const struct ds_candtab *t, const char *p, size_t len)
{
	struct ds_candtab_ent e;
	struct ds_candtab_cand c;
	if (ds_candtab_find(t, p, len, &e) != 0)
		return;
	FZ_ASSERT(e.known == 0 || e.known == 1);
	for (uint32_t i = 0; i < e.n + 1; i++) {
		if (ds_candtab_cand(t, &e, i, &c) != 0)
			continue;
		FZ_ASSERT(i < e.n);
		FZ_ASSERT(strlen(c.text) == c.len);
		FZ_ASSERT(c.ni <= DS_CANDTAB_MAX_IDS);
		FZ_ASSERT(c.related <= 1 && c.weight >= 0 && c.weight <= 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	const char *path = fz_model_file(data, size, DS_CANDTAB_KIND, DS_CANDTAB_VERSION);
	struct ds_candtab *t;
	static const char *const words[] = {"war", "battle", "meeting", "12 months", "a", ""};
	size_t start = 1, probes = 0;

	if (!path)
		return 0;
	t = ds_candtab_load(path, &err);
	if (!t) {
		fz_check_model_refusal(&err, path);
		return 0;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		probe(t, words[i], strlen(words[i]));
	for (size_t i = 1; i <= size && probes < 512; i++) {
		if (i < size && data[i] != 0)
			continue;
		if (i > start && i - start <= 96) {
			probe(t, (const char *)data + start, i - start);
			probes++;
		}
		start = i + 1;
	}
	ds_candtab_free(t);
	return 0;
}
