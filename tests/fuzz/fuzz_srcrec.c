/* fuzz_srcrec.c - the packed source records a Redis index holds
 * (ds_srcrec_unpack): any bytes are refused or decoded within bounds.  A
 * record it accepts has its stated number of keys, in order and within the
 * bits of its version; byte 0 of the input, when it is 'P', asks instead for
 * a record packed from the rest (read as sorted hashes) and checks that it
 * decodes to their keys. */
#include "fuzz.h"
#include "fprint.h"
#include "srcrec.h"

static const char *HASH = "00112233445566778899aabbccddeeff";

static void packed(const uint8_t *data, size_t size)
{
	size_t n = size / 3, m = 0, cap = 0;
	uint32_t *set = malloc((n + 1) * sizeof *set), *keys = malloc((n + 1) * sizeof *keys);
	uint32_t *out = NULL;
	FZ_ASSERT(set && keys);
	/* 3 bytes a hash, kept only while increasing */
	for (size_t i = 0; i < n; i++) {
		uint32_t h = (uint32_t)data[3 * i] << 16 | (uint32_t)data[3 * i + 1] << 8 | data[3 * i + 2];
		if (m == 0 || h > set[m - 1])
			set[m++] = h;
	}
	memcpy(keys, set, m * sizeof *keys);
	ds_fprint_reduce(keys, m);
	for (int version = 1; version <= 2; version++) {
		struct ds_buf b = DS_BUF_INIT;
		struct ds_srcrec r = {0};
		FZ_ASSERT(ds_srcrec_pack(&b, version, 1, 10, 20, 3, HASH, "n", "2024-01-02", set, m) == 0);
		FZ_ASSERT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap) == 0);
		FZ_ASSERT(r.nset == m && r.version == version);
		FZ_ASSERT(m == 0 || memcmp(out, keys, m * sizeof *keys) == 0);
		ds_srcrec_clear(&r);
		ds_buf_free(&b);
	}
	free(out);
	free(set);
	free(keys);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_srcrec r = {0};
	uint32_t *set = NULL;
	size_t cap = 0;
	if (size > 0 && data[0] == 'P') {
		packed(data + 1, size - 1);
		return 0;
	}
	if (ds_srcrec_unpack(data, size, &r, &set, &cap) == 0) {
		int bits = r.version == 2 ? ds_fprint_rkey_bits((size_t)r.nset) : DS_FP_RKEY_SLACK;
		FZ_ASSERT(r.version == 1 || r.version == 2);
		FZ_ASSERT(strlen(r.hash) == 32);
		for (uint64_t i = 0; i < r.nset; i++) {
			FZ_ASSERT(i == 0 || set[i] >= set[i - 1]);
			FZ_ASSERT(r.version == 1 || set[i] < (1u << bits));
		}
	}
	ds_srcrec_clear(&r);
	free(set);
	return 0;
}
