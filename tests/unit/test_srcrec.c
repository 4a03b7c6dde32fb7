/* test_srcrec.c - packed source records and their Rice-coded sets. */
#include "t.h"
#include "srcrec.h"
#include "fprint.h"

static const char *HASH = "0123456789abcdef00ff11ee22dd33cc";

/* A random increasing set of n hashes, some pairs sharing a key. */
static size_t random_set(uint32_t *set, size_t n)
{
	uint64_t x = 88172645463325252ull;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) { /* increasing, random gaps */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v += 1 + (uint32_t)(x % (i % 50 == 7 ? 3u : 70000u));
		set[i] = v;
	}
	return n;
}

T_TEST(round_trip)
{
	uint32_t set[500], keys[500], *out = NULL;
	size_t n = random_set(set, 441), cap = 0, len[3] = {0};
	for (int version = 1; version <= 2; version++) {
		struct ds_buf b = DS_BUF_INIT;
		struct ds_srcrec r = {0};
		T_EQ_INT(ds_srcrec_pack(&b, version, 1, 412, 2714, 71, HASH, "a name.txt",
					"2024-05-01", set, n),
			 0);
		len[version] = b.len;
		T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
		T_EQ_INT(r.version, version);
		T_EQ_INT(r.live, 1);
		T_EQ_INT(r.words, 412);
		T_EQ_INT(r.nset, 441);
		T_EQ_INT(r.text_len, 2714);
		T_EQ_INT(r.nkeys, 71);
		T_EQ_STR(r.hash, HASH);
		T_EQ_STR(r.name, "a name.txt");
		T_EQ_STR(r.date, "2024-05-01");
		/* either version reads as the hashes' keys, one per hash */
		memcpy(keys, set, n * 4);
		ds_fprint_reduce(keys, n);
		T_OK(memcmp(out, keys, n * 4) == 0);
		/* every truncation is refused, never read past the end */
		for (size_t cut = 0; cut < b.len; cut++) {
			struct ds_srcrec t = {0};
			int rc = ds_srcrec_unpack(b.data, cut, &t, &out, &cap);
			if (rc != DS_ECORRUPT)
				T_FAIL("version %d, cut at %zu of %zu: %d", version, cut, b.len, rc);
			ds_srcrec_clear(&t);
		}
		ds_srcrec_clear(&r);
		ds_buf_free(&b);
	}
	/* Rice coding: well under 4 bytes a shingle; keys about 4 bits less */
	T_OK(len[1] < n * 4 * 85 / 100);
	T_OK(len[2] < n * 2);
	T_OK(len[2] < len[1] * 85 / 100);
	free(out);
}

/* Keys: sorted, the kind bit kept, equal keys kept apart. */
T_TEST(keys)
{
	int bits = ds_fprint_rkey_bits(6), sh = DS_FP_HASH_BITS + 1 - bits;
	uint32_t top = (1u << DS_FP_HASH_BITS) - 1;
	uint32_t s[6] = {0, 1, 1u << sh, 0x5u << sh, (0x5u << sh) + 2, top};
	/* the bits grow with the set: DS_FP_RKEY_SLACK over what n needs */
	T_EQ_INT(bits, DS_FP_RKEY_SLACK + 3);
	T_EQ_INT(ds_fprint_rkey_bits(0), DS_FP_RKEY_SLACK + 1);
	T_EQ_INT(ds_fprint_rkey_bits(700), DS_FP_RKEY_SLACK + 10);
	T_EQ_INT(ds_fprint_rkey_bits(1000000), DS_FP_HASH_BITS);
	ds_fprint_reduce(s, 6);
	T_EQ_INT(s[0], 0);
	T_EQ_INT(s[1], 1);
	T_EQ_INT(s[2], 2);
	T_EQ_INT(s[3], 0x5u << 1);
	T_EQ_INT(s[4], 0x5u << 1);
	T_EQ_INT(s[5], (1u << bits) - 1);
	/* a later hash of kind 0 after an earlier one of kind 1 with the same top bits */
	bits = ds_fprint_rkey_bits(3), sh = DS_FP_HASH_BITS + 1 - bits;
	uint32_t t[3] = {(0x1u << sh) + 1, (0x1u << sh) + 2, 0x2u << sh};
	ds_fprint_reduce(t, 3);
	T_EQ_INT(t[0], 0x1u << 1);
	T_EQ_INT(t[1], 0x1u << 1 | 1);
	T_EQ_INT(t[2], 0x2u << 1);
}

T_TEST(edges)
{
	uint32_t big[3] = {0, 1, (1u << DS_FP_HASH_BITS) - 1}, *out = NULL;
	size_t cap = 0;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_srcrec r = {0};
	T_EQ_INT(ds_srcrec_pack(&b, 2, 0, 0, 0, 0, HASH, "", "", NULL, 0), 0);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_EQ_INT(r.live, 0);
	T_EQ_INT(r.nset, 0);
	T_EQ_STR(r.date, "");
	b.len = 0;
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, 1, HASH, "x", NULL, big, 3), 0);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_EQ_INT(r.nset, 3);
	T_OK(out[0] == 0 && out[1] == 1 && out[2] == (1u << ds_fprint_rkey_bits(3)) - 1);
	b.len = 0;
	big[2] = 1u << DS_FP_HASH_BITS; /* not a shingle hash */
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, 1, HASH, "x", NULL, big, 3), DS_EINVAL);
	big[2]--;
	T_EQ_INT(ds_srcrec_pack(&b, 2, 1, 1, 1, 1, HASH, "x", NULL, big, 3), 0);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_OK(out[0] == 0 && out[1] == 1 && out[2] == (1u << ds_fprint_rkey_bits(3)) - 1);
	/* a version 1 record whose hashes repeat, a version 2 one whose key
	 * does not fit its bits, a version 2 record of other key bits */
	b.len = 0;
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, 1, HASH, "x", "", (uint32_t[]){4, 5}, 2), 0);
	b.data[b.len - 1] = 0; /* second gap 0 */
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), DS_ECORRUPT);
	b.len = 0;
	T_EQ_INT(ds_srcrec_pack(&b, 2, 1, 1, 1, 1, HASH, "x", "", (uint32_t[]){4, 5}, 2), 0);
	b.data[b.len - 3]++; /* the bits of a key (then k, then one byte of gaps) */
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), DS_ECORRUPT);
	/* refused: a set out of order, a hash that is not hex */
	T_EQ_INT(ds_srcrec_pack(&b, 2, 1, 1, 1, 1, HASH, "x", "", (uint32_t[]){5, 5}, 2), DS_EINVAL);
	T_EQ_INT(ds_srcrec_pack(&b, 2, 1, 1, 1, 1, "xyz", "x", "", NULL, 0), DS_EINVAL);
	T_EQ_INT(ds_srcrec_pack(&b, 3, 1, 1, 1, 1, HASH, "x", "", NULL, 0), DS_EINVAL);
	/* another version */
	b.len = 0;
	ds_srcrec_pack(&b, 2, 1, 1, 1, 1, HASH, "x", "", NULL, 0);
	b.data[1] = 9;
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, NULL, NULL), DS_ECORRUPT);
	ds_srcrec_clear(&r);
	ds_buf_free(&b);
	free(out);
}

int main(void)
{
	T_RUN(round_trip);
	T_RUN(keys);
	T_RUN(edges);
	return t_done();
}
