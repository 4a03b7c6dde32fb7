/* evidence_solo.c - evidence without a source: every word's best
 * candidate original, spun neighbours, the slot model's features and
 * probabilities, the article's gain features and the flagged slots (see
 * evidence_int.h). */
#include "evidence_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logit.h"

const char *const ds_slotf_names[DS_NSLOTF] = {
	"bias", "gain", "follow", "wgain", "logw", "lfw", "lfo", "cap", "multi", "lpslot",
	"func", "dist", "ncand"
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* The slot model's features of slot t (see enum ds_slot_feat). */
static void slot_features(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t,
			  const struct slot_best *b, double x[DS_NSLOTF])
{
	const struct ds_token *tk = &doc->tok[t];
	double g = b->raw > 6 ? 6 : b->raw < -6 ? -6 : b->raw;
	double fg = b->follow > 6 ? 6 : b->follow < -6 ? -6 : b->follow;
	x[DS_SF_BIAS] = 1;
	x[DS_SF_GAIN] = g;
	x[DS_SF_FOLLOW] = fg;
	x[DS_SF_WGAIN] = b->gain > 6 ? 6 : b->gain < -6 ? -6 : b->gain;
	x[DS_SF_LOGW] = log10(b->weight > 0.001f ? b->weight : 0.001f);
	x[DS_SF_LFW] = log10(1.0 + b->freq_word);
	x[DS_SF_LFO] = log10(1.0 + b->freq_orig);
	x[DS_SF_CAP] = (tk->flags & DS_TF_CAP) != 0;
	x[DS_SF_MULTI] = b->k > 1 || strchr(b->orig, ' ') != NULL;
	x[DS_SF_LPSLOT] = c->lp[c->tokpos[t]];
	x[DS_SF_FUNC] = ev_is_function_word(doc->pool + tk->lower, tk->norm_len);
	x[DS_SF_DIST] = (b->sources & ~(DS_LEX_SRC_DIST | DS_LEX_SRC_INFLECTED)) == 0;
	x[DS_SF_NCAND] = b->ncand;
}

int ev_solo_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const uint8_t *covered,
		     struct ds_ev *ev)
{
	size_t nslots = 0, nwords = 0, nphrase = 0;
	size_t g05 = 0, g1 = 0, g2 = 0, f05 = 0, phi = 0, phi8 = 0;
	double gsum = 0, med = 0, fsum = 0, psum = 0;
	struct slot_best *bests = NULL;
	uint8_t *used = NULL;
	uint32_t *order = NULL;
	int rc = 0;

	if (!c->lex)
		return 0;
	ev_cand_reset(c);
	bests = calloc(doc->ntok + 1, sizeof *bests);
	used = calloc(doc->ntok + 1, 1);
	if (!bests || !used) {
		rc = DS_ENOMEM;
		goto out;
	}
	if (ds_grow(&c->gains, &c->gains_cap, doc->ntok + 1, sizeof *c->gains) ||
	    ds_grow(&c->probs, &c->probs_cap, doc->ntok + 1, sizeof *c->probs)) {
		rc = DS_ENOMEM;
		goto out;
	}
	/* the best candidate original of every word (and phrase starting there) */
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best b, cur;
		int any = 0;
		if (doc->tok[t].kind == DS_TOK_PUNCT || (doc->tok[t].flags & DS_TF_BOILER) ||
		    c->tokpos[t] == UINT32_MAX)
			continue;
		nwords++;
		for (uint32_t k = 1; k <= DS_EV_MAX_WORDS; k++) {
			if (!ev_best_candidate(c, doc, t, k, &cur))
				continue;
			if (!any || cur.gain > b.gain) {
				struct slot_best keep = b;
				b = cur;
				if (any && k > 1) { /* keep the single-word candidates */
					memcpy(b.top, keep.top, sizeof b.top);
					memcpy(b.top_w, keep.top_w, sizeof b.top_w);
					memcpy(b.top_txt, keep.top_txt, sizeof b.top_txt);
					b.ntop = keep.ntop;
				}
			}
			any = 1;
		}
		bests[t] = b;
		if (!any)
			bests[t].k = 0;
	}
	/* neighbours spun together ("the Common Meeting" for "the General
	 * Assembly"): neither original helps alone, both together do */
	for (uint32_t t = 0; t + 1 < doc->ntok; t++) {
		struct slot_best *a = &bests[t], *b2 = &bests[t + 1];
		double best_g = 0;
		int bi = -1, bj = -1;
		double bf = 0;
		if (a->k != 1 || b2->k != 1 || !a->ntop || !b2->ntop ||
		    c->tokpos[t + 1] != c->tokpos[t] + 1)
			continue;
		/* each side's best candidate joins its most common ones */
		for (int side = 0; side < 2; side++) {
			struct slot_best *x = side ? b2 : a;
			ds_lm_id id;
			if (x->ntop < DS_EV_PAIR_TOP + 1 && !strchr(x->orig, ' ') &&
			    ev_phrase_ids(c->lm, x->orig, strlen(x->orig), &id) == 1) {
				int dup = 0;
				for (int i = 0; i < x->ntop; i++)
					dup |= x->top[i] == id;
				if (!dup && strlen(x->orig) < sizeof x->top_txt[0]) {
					x->top[x->ntop] = id;
					x->top_w[x->ntop] = x->weight;
					strcpy(x->top_txt[x->ntop], x->orig);
					x->ntop++;
				}
			}
		}
		for (int i = 0; i < a->ntop; i++)
			for (int j = 0; j < b2->ntop; j++) {
				ds_lm_id ids[2] = {a->top[i], b2->top[j]};
				double fg, g = ev_span_gain2(c, c->tokpos[t], c->tokpos[t] + 2, ids, 2, &fg);
				if (g > best_g) {
					best_g = g;
					bi = i;
					bj = j;
					bf = fg;
				}
			}
		if (bi < 0 || best_g < 1.0 || best_g < a->raw + 0.5 || best_g < b2->raw + 0.5)
			continue;
		a->k = 2;
		a->raw = best_g;
		a->gain = best_g + 0.5 * log10(fminf(a->top_w[bi], b2->top_w[bj]) > 0.01f
							? fminf(a->top_w[bi], b2->top_w[bj]) : 0.01f);
		a->follow = bf;
		a->weight = fminf(a->top_w[bi], b2->top_w[bj]);
		snprintf(a->orig, sizeof a->orig, "%s %s", a->top_txt[bi], b2->top_txt[bj]);
		b2->k = 0;
		t++;
	}
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best b = bests[t];
		if (!b.k)
			continue;
		if (c->sm || c->dump) {
			double x[DS_NSLOTF];
			slot_features(c, doc, t, &b, x);
			if (c->dump)
				c->dump(c->dump_ud, doc, doc->tok[t].start, doc->tok[t + b.k - 1].end, x);
			if (c->sm) {
				b.prob = ds_logit_prob(x, DS_NSLOTF, c->sm->mean, c->sm->sd, c->sm->coef);
				psum += b.prob;
				phi += b.prob > 0.5;
				phi8 += b.prob > 0.8;
				c->probs[nslots] = (float)b.prob;
			}
		}
		bests[t] = b;
		c->gains[nslots++] = (float)b.gain;
		gsum += b.gain > 0 ? b.gain : 0;
		g05 += b.gain > 0.5;
		g1 += b.gain > 1.0;
		g2 += b.gain > 2.0;
		nphrase += b.k > 1 && b.gain > 1.0;
		f05 += b.follow > 0.5;
		fsum += b.follow > 0 ? b.follow : 0;
	}
	if (nslots) {
		float *g = c->gains;
		qsort(g, nslots, sizeof *g, cmp_float);
		med = g[nslots / 2];
	}
	ev->n_slots = nslots;
	ev->f[DS_F_SLOTS] = nwords ? (double)nslots / (double)nwords : 0;
	if (nslots) {
		size_t rel = 0;
		ev->f[DS_F_G05] = (double)g05 / (double)nslots;
		ev->f[DS_F_G1] = (double)g1 / (double)nslots;
		ev->f[DS_F_G2] = (double)g2 / (double)nslots;
		ev->f[DS_F_GMEAN] = gsum / (double)nslots;
		ev->f[DS_F_GMED] = med;
		for (size_t i = 0; i < nslots; i++)
			rel += c->gains[i] > med + 1.0;
		ev->f[DS_F_GREL] = (double)rel / (double)nslots;
		ev->f[DS_F_PHRASE] = (double)nphrase / (double)nslots;
		ev->f[DS_F_F05] = (double)f05 / (double)nslots;
		if (c->sm) {
			size_t top = nslots / 10 + 1;
			double sum = 0;
			qsort(c->probs, nslots, sizeof *c->probs, cmp_float);
			for (size_t i = nslots - top; i < nslots; i++)
				sum += c->probs[i];
			ev->f[DS_F_PMEAN] = psum / (double)nslots;
			ev->f[DS_F_PHI] = (double)phi / (double)nslots;
			ev->f[DS_F_PTOP] = sum / (double)top;
			ev->f[DS_F_PSUM] = nwords ? psum / (double)nwords : 0;
			ev->f[DS_F_PHI8] = nwords ? (double)phi8 / (double)nwords : 0;
		}
		ev->f[DS_F_FMEAN] = fsum / (double)nslots;
		{
			size_t top = nslots / 10 + 1;
			double sum = 0;
			for (size_t i = nslots - top; i < nslots; i++)
				sum += c->gains[i];
			ev->f[DS_F_GTOP] = sum / (double)top;
		}
	}
	/* flag the strongest slots, without overlaps, outside source-covered text */
	order = malloc((doc->ntok + 1) * sizeof *order);
	if (!order) {
		rc = DS_ENOMEM;
		goto out;
	}
	{
		size_t no = 0;
		for (uint32_t t = 0; t < doc->ntok; t++)
			if (bests[t].k && !(covered && covered[t]) &&
			    (c->sm ? bests[t].prob >= ds_tune_default.flag_prob : bests[t].gain >= ds_tune_default.flag_gain))
				order[no++] = t;
		/* selection sort by gain is fine: flagged slots are few */
		for (size_t i = 0; i < no; i++) {
			size_t m = i;
			for (size_t j = i + 1; j < no; j++)
				if ((c->sm ? bests[order[j]].prob > bests[order[m]].prob
					   : bests[order[j]].gain > bests[order[m]].gain))
					m = j;
			{
				uint32_t t = order[m], k = bests[t].k, free_ = 1;
				char why[400];
				order[m] = order[i];
				order[i] = t;
				for (uint32_t x = t; x < t + k; x++)
					free_ &= !used[x];
				if (!free_)
					continue;
				for (uint32_t x = t; x < t + k; x++)
					used[x] = 1;
				snprintf(why, sizeof why,
					 "the language model finds '%s' %.0fx more likely here; lexicon weight %.2f",
					 bests[t].orig, pow(10.0, bests[t].raw > 6 ? 6 : bests[t].raw),
					 (double)bests[t].weight);
				rc = ev_add_sub(ev, doc, t, t + k, NULL, 0, 0, bests[t].orig,
					     strlen(bests[t].orig), why, bests[t].raw, bests[t].weight,
					     DS_EV_MODEL, 1);
				if (rc)
					goto out;
			}
		}
	}
out:
	free(order);
	free(bests);
	free(used);
	return rc;
}
