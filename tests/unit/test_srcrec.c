/* test_srcrec.c - packed source records and their Rice-coded sets. */
#include "t.h"
#include "srcrec.h"

static const char *HASH = "0123456789abcdef00ff11ee22dd33cc";

T_TEST(round_trip)
{
	uint32_t set[500], *out = NULL;
	size_t n = 0, cap = 0;
	uint64_t x = 88172645463325252ull;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_srcrec r = {0};
	uint32_t v = 0;
	for (size_t i = 0; i < 441; i++) { /* increasing, random gaps */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v += 1 + (uint32_t)(x % 19000000u);
		set[n++] = v;
	}
	T_EQ_INT(ds_srcrec_pack(&b, 1, 412, 2714, 71, HASH, "a name.txt", "2024-05-01", set, n), 0);
	/* Rice coding: well under 4 bytes a shingle */
	T_OK(b.len < n * 4 * 85 / 100);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_EQ_INT(r.live, 1);
	T_EQ_INT(r.words, 412);
	T_EQ_INT(r.nset, 441);
	T_EQ_INT(r.text_len, 2714);
	T_EQ_INT(r.nkeys, 71);
	T_EQ_STR(r.hash, HASH);
	T_EQ_STR(r.name, "a name.txt");
	T_EQ_STR(r.date, "2024-05-01");
	T_OK(memcmp(out, set, n * 4) == 0);
	/* every truncation is refused, never read past the end */
	for (size_t cut = 0; cut < b.len; cut++) {
		struct ds_srcrec t = {0};
		int rc = ds_srcrec_unpack(b.data, cut, &t, &out, &cap);
		if (rc != DS_ECORRUPT)
			T_FAIL("cut at %zu of %zu: %d", cut, b.len, rc);
		ds_srcrec_clear(&t);
	}
	ds_srcrec_clear(&r);
	ds_buf_free(&b);
	free(out);
}

T_TEST(edges)
{
	uint32_t big[3] = {0, 1, 0xffffffffu}, *out = NULL;
	size_t cap = 0;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_srcrec r = {0};
	T_EQ_INT(ds_srcrec_pack(&b, 0, 0, 0, 0, HASH, "", "", NULL, 0), 0);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_EQ_INT(r.live, 0);
	T_EQ_INT(r.nset, 0);
	T_EQ_STR(r.date, "");
	b.len = 0;
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, HASH, "x", NULL, big, 3), 0);
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, &out, &cap), 0);
	T_EQ_INT(r.nset, 3);
	T_OK(out[0] == 0 && out[1] == 1 && out[2] == 0xffffffffu);
	/* refused: a set out of order, a hash that is not hex */
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, HASH, "x", "", (uint32_t[]){5, 5}, 2), DS_EINVAL);
	T_EQ_INT(ds_srcrec_pack(&b, 1, 1, 1, 1, "xyz", "x", "", NULL, 0), DS_EINVAL);
	/* another version */
	b.len = 0;
	ds_srcrec_pack(&b, 1, 1, 1, 1, HASH, "x", "", NULL, 0);
	b.data[1] = 9;
	T_EQ_INT(ds_srcrec_unpack(b.data, b.len, &r, NULL, NULL), DS_ECORRUPT);
	ds_srcrec_clear(&r);
	ds_buf_free(&b);
	free(out);
}

int main(void)
{
	T_RUN(round_trip);
	T_RUN(edges);
	return t_done();
}
