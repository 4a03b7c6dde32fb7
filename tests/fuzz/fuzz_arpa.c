/* fuzz_arpa.c - the ARPA reader (ds_lm_load_arpa, through a temporary file):
 * a model it accepts must answer queries within its own tables. */
#include "fuzz.h"
#include "lm_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	const char *path = fz_tmp_path(".arpa");
	struct ds_lm *lm;

	if (fz_write2(path, data, size, NULL, 0))
		return 0;
	lm = ds_lm_load_arpa(path, &err);
	if (!lm) {
		fz_check_refusal(&err, path);
		return 0;
	}
	fz_lm_probe(lm);
	ds_lm_free(lm);
	return 0;
}
