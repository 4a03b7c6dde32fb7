/* evidence_lm.c - the language-model pass of the evidence: fluency
 * features and the gain of putting a candidate back (see evidence_int.h). */
#include "evidence_int.h"

#include <stdlib.h>
#include <string.h>

/* Model id of one word of a candidate phrase (numbers to their class). */
static ds_lm_id word_id(const struct ds_lm *lm, const char *w, size_t n)
{
	const char *cls = ds_num_class(w, n);
	if (cls)
		return ds_lm_vocab(lm, cls, strlen(cls));
	return ds_lm_vocab(lm, w, n);
}

/* Splits a phrase into model ids; returns the count, 0 if a word is unknown
 * or there are too many. */
size_t ev_phrase_ids(const struct ds_lm *lm, const char *p, size_t len, ds_lm_id *out)
{
	size_t n = 0, i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && p[j] != ' ')
			j++;
		if (n == DS_EV_MAX_WORDS)
			return 0;
		out[n] = word_id(lm, p + i, j - i);
		if (out[n] == DS_LM_UNK)
			return 0;
		n++;
		i = j + 1;
	}
	return n;
}

/* Candidates whose gains one ds_lm_score_spans call computes. */
#define GAINS_AT_ONCE 16

/* Log10 gain of replacing positions [p0, p1) with each of the n candidates
 * cand[i][0..nc[i]), over the slot and the DS_EV_FOLLOW tokens after it,
 * into gain[i]; follow[i] (follow may be NULL) gets the part of it earned
 * by the following tokens alone, which does not depend on how common the
 * candidate itself is.  The candidates are scored side by side
 * (ds_lm_score_spans). */
void ev_span_gains(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *const *cand,
		   const size_t *nc, size_t n, double *gain, double *follow)
{
	ds_lm_id buf[GAINS_AT_ONCE][DS_EV_MAX_WORDS + DS_EV_FOLLOW + 2];
	float per[GAINS_AT_ONCE][DS_EV_MAX_WORDS + DS_EV_FOLLOW + 2];
	const ds_lm_id *span[GAINS_AT_ONCE];
	float *perp[GAINS_AT_ONCE];
	size_t len[GAINS_AT_ONCE];
	double alt[GAINS_AT_ONCE];
	ds_lm_id after[DS_EV_FOLLOW];
	struct ds_lm_tail tail;
	size_t nf = 0, q = p1;
	double orig = 0, orig_f = 0;
	for (size_t p = p0; p < p1; p++)
		orig += c->lp[p];
	while (q < c->seq.n && nf < DS_EV_FOLLOW) {
		ds_lm_id id = c->seq.id[q];
		if (id == DS_LM_BOS)
			break;
		after[nf++] = id;
		orig_f += c->lp[q];
		q++;
		if (id == DS_LM_EOS)
			break;
	}
	/* the tokens after the slot, as the text has them: a candidate's span
	 * scores as the text once the model has forgotten the candidate */
	tail.n = nf;
	tail.st = &c->before[p1];
	tail.p = &c->lp[p1];
	for (size_t at = 0; at < n; at += GAINS_AT_ONCE) {
		const size_t m = n - at < GAINS_AT_ONCE ? n - at : GAINS_AT_ONCE;
		for (size_t i = 0; i < m; i++) {
			memcpy(buf[i], cand[at + i], nc[at + i] * sizeof *buf[i]);
			memcpy(buf[i] + nc[at + i], after, nf * sizeof *after);
			span[i] = buf[i];
			len[i] = nc[at + i] + nf;
			perp[i] = per[i];
		}
		ds_lm_score_spans_tail(c->lm, &c->before[p0], span, len, m, &tail, alt,
				       follow ? perp : NULL);
		for (size_t i = 0; i < m; i++) {
			if (follow) {
				double alt_f = 0;
				for (size_t k = nc[at + i]; k < len[i]; k++)
					alt_f += per[i][k];
				follow[at + i] = alt_f - orig_f;
			}
			gain[at + i] = alt[i] - (orig + orig_f);
		}
	}
}

/* The gain of one candidate (see ev_span_gains). */
double ev_span_gain2(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
			 size_t nc, double *follow)
{
	double g;
	ev_span_gains(c, p0, p1, &cand, &nc, 1, &g, follow);
	return g;
}

double ev_span_gain(struct ds_ev_ctx *c, size_t p0, size_t p1, const ds_lm_id *cand,
			size_t nc)
{
	return ev_span_gain2(c, p0, p1, cand, nc, NULL);
}

/* ---- language-model pass ---- */

/* Common words side by side that the corpus model never saw together are
 * what a round trip of machine translation leaves ("proved him can not
 * answer", "reform necessary do democracy") and a writer rarely does.  The
 * corpus model is a mixture's first component (a mixture's ids below its
 * vocabulary size are that model's): the larger background model has seen
 * nearly every pair of common words, in garble too.  1 when position p of
 * the sequence is a word of the text (not a number, punctuation or
 * boilerplate) common in m; *after is then m's state after the word alone,
 * from which the next word's bigram is looked up. */
static int common_word(const struct ds_lm *m, struct ds_ev_ctx *c, const struct ds_doc *doc,
		       size_t p, struct ds_lm_state *after)
{
	struct ds_lm_state nul;
	uint32_t t = c->seq.tok[p];
	ds_lm_id id = c->seq.id[p];
	if (t == DS_LM_NO_TOK || id == DS_LM_UNK || id >= ds_lm_vocab_size(m) ||
	    doc->tok[t].kind != DS_TOK_WORD || (doc->tok[t].flags & DS_TF_BOILER))
		return 0;
	ds_lm_null(&nul);
	return ds_lm_score(m, &nul, id, after, NULL) >= ds_tune_default.common_cut;
}

/* 1 when m has never seen word b after the word whose state is *after_a
 * (common_word's). */
static int pair_unseen(const struct ds_lm *m, const struct ds_lm_state *after_a, ds_lm_id b)
{
	struct ds_lm_state tmp;
	int len = 0;
	ds_lm_score(m, after_a, b, &tmp, &len);
	return len <= 1;
}

int ev_lm_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev)
{
	struct ds_lm_state cur;
	size_t n, ntok = 0, oov = 0, uni = 0, ftri = 0, fbad = 0, nlow = 0, lowoov = 0;
	size_t pairs = 0, unseen = 0;
	const struct ds_lm *m0 = ds_lm_mix_part(c->lm, 0);
	struct ds_lm_state after[2];
	int common, prev_common = 0, half = 0;
	double lp = 0;
	int rc = ds_lm_doc_seq(c->lm, doc, &c->seq);
	if (rc)
		return rc;
	n = c->seq.n;
	if (n + 1 > c->cap) {
		size_t nc = n + 64;
		struct ds_lm_state *b = realloc(c->before, nc * sizeof *b);
		float *l;
		int *nl;
		if (!b)
			return DS_ENOMEM;
		c->before = b;
		l = realloc(c->lp, nc * sizeof *l);
		if (!l)
			return DS_ENOMEM;
		c->lp = l;
		nl = realloc(c->nlen, nc * sizeof *nl);
		if (!nl)
			return DS_ENOMEM;
		c->nlen = nl;
		c->cap = nc;
	}
	if (doc->ntok + 1 > c->tok_cap) {
		uint32_t *t = realloc(c->tokpos, (doc->ntok + 64) * sizeof *t);
		if (!t)
			return DS_ENOMEM;
		c->tokpos = t;
		c->tok_cap = doc->ntok + 64;
	}
	for (size_t i = 0; i < doc->ntok; i++)
		c->tokpos[i] = UINT32_MAX;
	/* every token's probability and the context before it, in one run
	 * whose n-gram lookups are fetched ahead */
	ds_lm_null(&cur);
	ds_lm_score_span_states(c->lm, &cur, c->seq.id, n, c->before, NULL, c->lp, c->nlen);
	for (size_t p = 0; p < n; p++) {
		ds_lm_id id = c->seq.id[p];
		uint32_t t = c->seq.tok[p];
		if (t != DS_LM_NO_TOK)
			c->tokpos[t] = (uint32_t)p;
		if (id == DS_LM_BOS) {
			c->nlen[p] = 1;
			prev_common = 0;
			continue;
		}
		/* after[half]: this word's state alone, after[half ^ 1] the last one's */
		common = common_word(m0, c, doc, p, &after[half]);
		if (prev_common && common) {
			pairs++;
			unseen += pair_unseen(m0, &after[half ^ 1], id);
		}
		prev_common = common;
		half ^= 1;
		lp += c->lp[p];
		ntok++;
		oov += id == DS_LM_UNK;
		if (t != DS_LM_NO_TOK && doc->tok[t].kind == DS_TOK_WORD &&
		    !(doc->tok[t].flags & (DS_TF_CAP | DS_TF_UPPER))) {
			nlow++;
			lowoov += id == DS_LM_UNK;
		}
		uni += c->nlen[p] <= 1;
		/* trigrams of function words */
		if (p >= 2 && t != DS_LM_NO_TOK && c->seq.tok[p - 1] != DS_LM_NO_TOK &&
		    c->seq.tok[p - 2] != DS_LM_NO_TOK) {
			int all = 1;
			for (size_t k = p - 2; k <= p && all; k++) {
				uint32_t tk = c->seq.tok[k];
				all = ev_is_function_word(doc->pool + doc->tok[tk].lower,
						       doc->tok[tk].norm_len);
			}
			if (all) {
				ftri++;
				fbad += c->lp[p] < -2.5f;
			}
		}
	}
	ev->n_tokens = ntok;
	ev->n_pairs = pairs;
	ev->n_unseen = unseen;
	ev->logprob = lp;
	ev->f[DS_F_LP] = ntok ? lp / (double)ntok : 0;
	ev->f[DS_F_OOV] = ntok ? (double)oov / (double)ntok : 0;
	ev->f[DS_F_UNI] = ntok ? (double)uni / (double)ntok : 0;
	ev->f[DS_F_FUNC] = ftri ? (double)fbad / (double)ftri : 0;
	ev->f[DS_F_LOWOOV] = nlow ? (double)lowoov / (double)nlow : 0;
	return 0;
}

/* Adds the log10 probabilities of sentence se's scored tokens (c->tokpos:
 * not its start or end marks, not boilerplate) to *lp and their number to
 * *n; returns how many of them are words or numbers.  (With the marks, the
 * batch figures of docs/README-index.md were a little worse: 279 for 280
 * copies flagged, 263 for 266 copies ranked under their original.) */
static size_t sent_lp(const struct ds_ev_ctx *c, const struct ds_doc *doc,
		      const struct ds_sent *se, double *lp, size_t *n)
{
	size_t words = 0;
	for (uint32_t t = se->tok_begin; t < se->tok_end; t++) {
		uint32_t p = c->tokpos[t];
		if (p == UINT32_MAX)
			continue;
		*lp += c->lp[p];
		(*n)++;
		words += doc->tok[t].kind == DS_TOK_WORD || doc->tok[t].kind == DS_TOK_NUM;
	}
	return words;
}

void ev_paired_fluency(const struct ds_ev_ctx *c, const struct ds_doc *doc,
		       const struct ds_align *al, struct ds_ev *ev)
{
	size_t n = 0;
	double lp = 0;
	/* one pair at most per article sentence */
	for (size_t k = 0; k < al->npairs; k++)
		sent_lp(c, doc, &doc->sent[al->pairs[k].a_sent], &lp, &n);
	ev->paired_tokens = n;
	ev->paired_logprob = lp;
}

double ev_sentence_fluency(const struct ds_ev_ctx *c, const struct ds_doc *doc,
			   const struct ds_ev *ev)
{
	size_t n = 0;
	double lp = 0;
	for (size_t i = 0; i < doc->nsent; i++) {
		double l = 0;
		size_t k = 0;
		if (sent_lp(c, doc, &doc->sent[i], &l, &k) >= DS_ALIGN_MIN_WORDS) {
			lp += l;
			n += k;
		}
	}
	return n ? lp / (double)n : ev->f[DS_F_LP];
}

void ev_context_gain(struct ds_ev_ctx *c, struct ds_ev *ev)
{
	struct ds_lm_state nul, tmp;
	double ctx = 0;
	ds_lm_null(&nul);
	for (size_t p = 0; p < c->seq.n; p++) {
		ds_lm_id id = c->seq.id[p];
		if (id != DS_LM_BOS && id != DS_LM_EOS)
			ctx += c->lp[p] - ds_lm_score(c->lm, &nul, id, &tmp, NULL);
	}
	ev->f[DS_F_CTX] = ev->n_tokens ? ctx / (double)ev->n_tokens : 0;
}
