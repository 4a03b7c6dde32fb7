/* lm_probe.h - queries every part of a language model that a loader accepted,
 * so that a model whose tables point outside themselves is caught. */
#ifndef DS_FUZZ_LM_PROBE_H
#define DS_FUZZ_LM_PROBE_H

#include "lm.h"

static inline void fz_lm_probe(const struct ds_lm *lm)
{
	struct ds_lm_stats st;
	struct ds_lm_state s0, s1;
	uint32_t nv = ds_lm_vocab_size(lm);
	ds_lm_id ids[64];
	size_t n = 0;
	float per[64];
	int ng[64];
	static const char *const words[] = {"the", "a", "<unk>", "<s>", "</s>", "war", "", "x"};

	ds_lm_get_stats(lm, &st);
	FZ_ASSERT(st.order >= 1 && st.order <= DS_LM_MAX_ORDER);
	FZ_ASSERT(nv >= 3);
	for (size_t i = 0; i < DS_ARRAY_LEN(words); i++) {
		ds_lm_id id = ds_lm_vocab(lm, words[i], strlen(words[i]));
		FZ_ASSERT(id < nv);
		ids[n++] = id;
	}
	for (uint32_t id = 0; id < nv && n < DS_ARRAY_LEN(ids); id += 1 + nv / 40) {
		/* NULL for an id whose string lies outside the table (a damaged
		 * model: loading checks a sample of the offsets only). */
		const char *w = ds_lm_word(lm, id);
		if (w)
			(void)ds_lm_vocab(lm, w, strlen(w));
		ids[n++] = id;
	}
	FZ_ASSERT(ds_lm_word(lm, nv) == NULL);
	ds_lm_begin(lm, &s0);
	(void)ds_lm_score_span(lm, &s0, ids, n, &s1, per, ng);
	for (size_t i = 0; i < n; i++)
		FZ_ASSERT(ids[i] == DS_LM_BOS ? ng[i] == 0 : ng[i] >= 1 && ng[i] <= st.order);
	ds_lm_null(&s0);
	for (size_t i = 0; i < n; i++)
		(void)ds_lm_score(lm, &s0, ids[n - 1 - i], &s0, NULL);
	(void)ds_lm_score_sentence(lm, ids, n);
}

#endif
