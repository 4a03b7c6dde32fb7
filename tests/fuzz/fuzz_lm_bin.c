/* fuzz_lm_bin.c - the binary language-model loader (ds_lm_load): whole files,
 * and payloads inside a valid envelope (fuzz.h), of the hashed layout or,
 * when bit 1 of the first byte is set, of the compact one.  A refusal must
 * name the file and say how to rebuild it; an accepted model must answer
 * queries. */
#define _GNU_SOURCE /* memmem */
#include "fuzz.h"
#include "lm_probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	int compact = size > 0 && (data[0] & 2);
	const char *path = fz_model_file(data, size, compact ? DS_LMQ_KIND : DS_LM_KIND,
					 compact ? DS_LMQ_VERSION : DS_LM_BIN_VERSION);
	struct ds_lm *lm;

	if (!path)
		return 0;
	lm = ds_lm_load(path, &err);
	if (!lm) {
		fz_check_refusal(&err, path);
		/* A binary must be refused with the way to rebuild it (ARPA
		 * text goes to the ARPA reader, whose messages give a line). */
		if (err.code != DS_ENOMEM && !memmem(data, size < 4097 ? size : 4097, "\\data\\", 6))
			FZ_ASSERT(strstr(err.msg, DS_LM_REBUILD) != NULL);
		return 0;
	}
	fz_lm_probe(lm);
	ds_lm_free(lm);
	return 0;
}
