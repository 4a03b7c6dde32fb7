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
#include "solocal.h"

const char *const ds_slotf_names[DS_NSLOTF] = {
	"bias", "gain", "follow", "wgain", "logw", "lfw", "lfo", "cap", "multi", "lpslot",
	"func", "dist", "ncand", "loglen", "related", "vsim", "compound"
};


/* The slot model's features of slot t (see enum ds_slot_feat). */
static void slot_features(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t,
			  const struct slot_best *b, double x[DS_NSLOTF])
{
	const struct ds_token *tk = &doc->tok[t];
	/* gain and fluency count from the article's own slots: a text far
	 * from the language model's register (an old novel) raises every
	 * gain and lowers every word's probability, a spinner only its
	 * swaps' (the gain from the lower quartile, which the swaps, at the
	 * top, leave alone) */
	double g = (b->raw > 6 ? 6 : b->raw < -6 ? -6 : b->raw) - c->slot_gbase;
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
	x[DS_SF_LPSLOT] = c->lp[c->tokpos[t]] - c->slot_lpmed;
	x[DS_SF_FUNC] = ev_is_function_word(doc->pool + tk->lower, tk->norm_len);
	x[DS_SF_DIST] = (b->sources & ~(DS_LEX_SRC_DIST | DS_LEX_SRC_INFLECTED)) == 0;
	x[DS_SF_NCAND] = b->ncand;
	x[DS_SF_LOGLEN] = log1p((double)doc->n_words);
	x[DS_SF_RELATED] = b->related;
	x[DS_SF_VSIM] = b->vsim > -1.5 ? b->vsim : 0;
	x[DS_SF_COMPOUND] = b->compound;
}

void ds_ev_set_flag_min(struct ds_ev_ctx *c, double p)
{
	c->flag_min = p;
}

/* The flag model's features of a slot with slot features sx and slot
 * probability prob, in an article whose slot probabilities have mean
 * pmean, share above 0.5 phi and top-tenth mean ptop. */
static void flag_features(const double sx[DS_NSLOTF], double prob, double pmean, double phi,
			  double ptop, double x[DS_NFLAGF])
{
	double z = prob <= 0 ? -8 : prob >= 1 ? 8 : log(prob / (1 - prob));
	x[DS_FF_BIAS] = 1;
	x[DS_FF_SLOT] = z > 8 ? 8 : z < -8 ? -8 : z;
	x[DS_FF_GAIN] = sx[DS_SF_GAIN];
	x[DS_FF_LOGW] = sx[DS_SF_LOGW];
	x[DS_FF_PMEAN] = pmean;
	x[DS_FF_PHI] = phi;
	x[DS_FF_PTOP] = ptop;
	x[DS_FF_LOGLEN] = sx[DS_SF_LOGLEN];
	x[DS_FF_MULTI] = sx[DS_SF_MULTI];
}

/* Anomaly without a candidate: counts the lower-case content words the
 * model knows, and those whose probability in context falls short of their
 * unigram probability by more than ds_tune.anom_cut (log10): a word that its
 * neighbours do not expect ("the second cockatrice of the day"). */
static void anomaly(struct ds_ev_ctx *c, const struct ds_doc *doc, struct ds_ev *ev)
{
	struct ds_lm_state nul, tmp;
	ds_lm_null(&nul);
	ev->n_content = ev->n_anom = 0;
	for (uint32_t t = 0; t < doc->ntok; t++) {
		const struct ds_token *tk = &doc->tok[t];
		uint32_t p = c->tokpos[t];
		double uni;
		if (p == UINT32_MAX || tk->kind != DS_TOK_WORD || (tk->flags & (DS_TF_BOILER | DS_TF_UPPER)) ||
		    ((tk->flags & DS_TF_CAP) && !(tk->flags & DS_TF_SENT_START)) ||
		    c->seq.id[p] == DS_LM_UNK ||
		    ev_is_function_word(doc->pool + tk->lower, tk->norm_len))
			continue;
		uni = ds_lm_score(c->lm, &nul, c->seq.id[p], &tmp, NULL);
		ev->n_content++;
		ev->n_anom += c->lp[p] - uni < ds_tune_default.anom_cut;
	}
}

/* ---- compound names a spinner broke ------------------------------------ */

/* Words a side of a compound may have been: the word itself (weight 1) and
 * the originals the lexicon says it may stand for; single words only.  Not
 * its substitutes: what a word may be replaced by is no sign of what it
 * replaced, and a name's words have many ("Ukrainian" -> "state", "land":
 * "Ukrainian International" read as "state socialism"). */
#define COMPOUND_SIDE 32
#define COMPOUND_MAX 32
struct compound_side {
	char w[COMPOUND_SIDE + 1][DS_LEX_MAX_PHRASE + 1];
	uint8_t len[COMPOUND_SIDE + 1];
	float weight[COMPOUND_SIDE + 1];
	uint16_t sources[COMPOUND_SIDE + 1];
	size_t n;
};

/* The sides of the last pair compound_slot looked up: the right one is
 * the left one of the next pair in a run of capitalised words ("Russian
 * President Vladimir Putin"). */
struct compound_sides {
	struct compound_side sd[2];
	uint32_t right_at; /* the token sd[1] is of; UINT32_MAX: none */
};

static void compound_side(const struct ds_lex *lex, const char *w, size_t len,
			  struct compound_side *sd)
{
	struct ds_lex_hit h[COMPOUND_SIDE];
	size_t nh = ds_lex_originals(lex, w, len, h, COMPOUND_SIDE);
	memcpy(sd->w[0], w, len);
	sd->w[0][len] = 0;
	sd->len[0] = (uint8_t)len;
	sd->weight[0] = 1;
	sd->sources[0] = 0;
	sd->n = 1;
	for (size_t i = 0; i < nh; i++) {
		int dup = 0;
		if (h[i].len > DS_LEX_MAX_PHRASE || memchr(h[i].text, ' ', h[i].len))
			continue;
		for (size_t j = 0; j < sd->n && !dup; j++)
			dup = sd->len[j] == h[i].len && memcmp(sd->w[j], h[i].text, h[i].len) == 0;
		if (dup)
			continue;
		memcpy(sd->w[sd->n], h[i].text, h[i].len + 1);
		sd->len[sd->n] = (uint8_t)h[i].len;
		sd->weight[sd->n] = h[i].weight;
		sd->sources[sd->n] = h[i].sources;
		sd->n++;
	}
}

/* What compound_slot learns of a pair of words from the models alone:
 * whether the pair is a lexicon phrase itself, and which pairings of the
 * sides' words (their indexes, ci) the lexicon holds as a phrase and the
 * language model knows (their ids).  A name recurs in an article and from
 * one article to the next, and its pairings cost up to 1,089 lexicon
 * look-ups (10% of a solo scan of news), so a context keeps them:
 * NAME_MEMO entries, direct-mapped by the pair's hash, a later pair taking
 * an earlier one's place. */
#define NAME_MEMO 512
struct ev_name_memo {
	char key[2 * DS_LEX_MAX_PHRASE + 2]; /* "w1 w2" in lower case; "" empty */
	uint8_t known;
	uint8_t nc;
	uint8_t ci[COMPOUND_MAX][2];
	ds_lm_id ids[COMPOUND_MAX][2];
};

/* Word i of side 0 and word j of side 1 as one phrase into out (room for
 * 2 * DS_LEX_MAX_PHRASE + 2 bytes); returns its length. */
static size_t pairing_text(const struct compound_side *sd, size_t i, size_t j, char *out)
{
	memcpy(out, sd[0].w[i], sd[0].len[i]);
	out[sd[0].len[i]] = ' ';
	memcpy(out + sd[0].len[i] + 1, sd[1].w[j], sd[1].len[j] + 1);
	return (size_t)sd[0].len[i] + 1 + sd[1].len[j];
}

/* The memo entry of written (n bytes): *hit 1 when it holds written's
 * pairings, else 0 and the entry (its key set) is the caller's to fill.
 * NULL when out of memory (then nothing is kept). */
static struct ev_name_memo *name_memo(struct ds_ev_ctx *c, const char *written, size_t n,
				      int *hit)
{
	struct ev_name_memo *e;
	*hit = 0;
	if (!c->names && !(c->names = calloc(NAME_MEMO, sizeof *c->names)))
		return NULL;
	e = &c->names[ds_hash64(written, n, 0) & (NAME_MEMO - 1)];
	if (strcmp(e->key, written) == 0) {
		c->cstats.name_hits++;
		*hit = 1;
		return e;
	}
	c->cstats.name_misses++;
	memcpy(e->key, written, n + 1);
	return e;
}

/* Tokens t and t + 1, two capitalised words that are not a compound the
 * lexicon holds, read as one that it does once either or both are put back
 * ("the Safety Council" -> "security council", "the Common Meeting" ->
 * "general assembly"): the best such compound, scored by the language
 * model as the pair rule scores neighbours, becomes the slot at t when it
 * explains the words at least as well as their own slots do.  Returns 1
 * when it did. */
static int compound_slot(struct ds_ev_ctx *c, const struct ds_doc *doc, uint32_t t,
			 struct slot_best *a, struct slot_best *b2, struct compound_sides *cs)
{
	const struct ds_token *x[2] = {&doc->tok[t], &doc->tok[t + 1]};
	char written[2 * DS_LEX_MAX_PHRASE + 2], cand[COMPOUND_MAX][2 * DS_LEX_MAX_PHRASE + 2];
	struct compound_side *sd = cs->sd;
	ds_lm_id ids[COMPOUND_MAX][2];
	const ds_lm_id *span[COMPOUND_MAX];
	size_t len[COMPOUND_MAX], nc = 0, bi = 0;
	uint32_t ci[COMPOUND_MAX][2], oi, oj, freq = 0;
	double g[COMPOUND_MAX], fg[COMPOUND_MAX], best = 0;
	struct ev_name_memo *pm, tmp;
	int found = 0, hit;

	for (int i = 0; i < 2; i++)
		if (x[i]->kind != DS_TOK_WORD || !(x[i]->flags & DS_TF_CAP) ||
		    (x[i]->flags & (DS_TF_UPPER | DS_TF_BOILER)) || x[i]->norm_len > DS_LEX_MAX_PHRASE ||
		    memchr(doc->pool + x[i]->lower, '.', x[i]->norm_len))
			return 0;
	if (c->tokpos[t] == UINT32_MAX || c->tokpos[t + 1] != c->tokpos[t] + 1)
		return 0;
	snprintf(written, sizeof written, "%.*s %.*s", (int)x[0]->norm_len, doc->pool + x[0]->lower,
		 (int)x[1]->norm_len, doc->pool + x[1]->lower);
	/* out of memory, nothing is kept: the pair's pairings go to tmp */
	if (!(pm = name_memo(c, written, strlen(written), &hit)))
		pm = &tmp;
	if (!hit)
		pm->known = (uint8_t)ds_lex_has(c->lex, written, strlen(written), NULL);
	if (pm->known)
		return 0;
	if (cs->right_at == t)
		sd[0] = sd[1];
	else
		compound_side(c->lex, doc->pool + x[0]->lower, x[0]->norm_len, &sd[0]);
	compound_side(c->lex, doc->pool + x[1]->lower, x[1]->norm_len, &sd[1]);
	cs->right_at = t + 1;
	if (!hit) { /* the pairings the lexicon holds and the model knows */
		pm->nc = 0;
		for (size_t i = 0; i < sd[0].n && pm->nc < COMPOUND_MAX; i++)
			for (size_t j = i ? 0 : 1; j < sd[1].n && pm->nc < COMPOUND_MAX; j++) {
				size_t n = pairing_text(sd, i, j, cand[0]);
				if (!ds_lex_has(c->lex, cand[0], n, NULL) ||
				    ev_phrase_ids(c->lm, cand[0], n, pm->ids[pm->nc]) != 2)
					continue;
				pm->ci[pm->nc][0] = (uint8_t)i;
				pm->ci[pm->nc][1] = (uint8_t)j;
				pm->nc++;
			}
	}
	for (nc = 0; nc < pm->nc; nc++) {
		ci[nc][0] = pm->ci[nc][0];
		ci[nc][1] = pm->ci[nc][1];
		pairing_text(sd, ci[nc][0], ci[nc][1], cand[nc]);
		memcpy(ids[nc], pm->ids[nc], sizeof ids[nc]);
		span[nc] = ids[nc];
		len[nc] = 2;
	}
	if (nc)
		ev_span_gains(c, c->tokpos[t], c->tokpos[t] + 2, span, len, nc, g, fg);
	for (size_t k = 0; k < nc; k++) {
		float w = fminf(sd[0].weight[ci[k][0]], sd[1].weight[ci[k][1]]);
		double wg = g[k] + 0.5 * log10(w > 0.01f ? w : 0.01f);
		if (!found || wg > best) {
			found = 1;
			best = wg;
			bi = k;
		}
	}
	if (!found || g[bi] < 1.0 || g[bi] + 0.5 < (a->k == 1 ? a->raw : 0) ||
	    g[bi] + 0.5 < (b2->k == 1 ? b2->raw : 0))
		return 0;
	oi = ci[bi][0];
	oj = ci[bi][1];
	if (!a->k) {
		ds_lex_has(c->lex, sd[0].w[0], strlen(sd[0].w[0]), &freq);
		a->freq_word = freq;
		a->ncand = 0;
	}
	ds_lex_has(c->lex, cand[bi], strlen(cand[bi]), &freq);
	a->k = 2;
	a->raw = g[bi];
	a->gain = best;
	a->follow = fg[bi];
	a->weight = fminf(sd[0].weight[oi], sd[1].weight[oj]);
	a->sources = sd[0].sources[oi] | sd[1].sources[oj];
	a->related = 0; /* every option is an exact reverse pair */
	a->freq_orig = freq;
	a->vsim = c->vec ? ds_vec_sim(c->vec, written, strlen(written), cand[bi], strlen(cand[bi]))
			 : DS_VEC_UNKNOWN;
	a->compound = 1;
	snprintf(a->orig, sizeof a->orig, "%s", cand[bi]);
	b2->k = 0;
	return 1;
}

/* Whether token t is judged here: what a source covers is judged against
 * it (the slots' statistics are then those of the rest, which they flag),
 * a rest too short is not judged at all; everything when slots are dumped
 * for a fit. */
static int judged_here(const struct ds_ev_ctx *c, enum ev_skip skip, const uint8_t *covered,
		       uint32_t t)
{
	return c->dump || (skip != EV_SKIP_ALL && !(skip == EV_SKIP_COVERED && covered[t]));
}

/* Whether the slots at t and u (compound names, two words each) are the
 * same name in lower case with the same original. */
static int same_name(const struct ds_doc *doc, const struct slot_best *bests, uint32_t t,
		     uint32_t u)
{
	for (uint32_t i = 0; i < 2; i++) {
		const struct ds_token *x = &doc->tok[t + i], *y = &doc->tok[u + i];
		if (x->norm_len != y->norm_len ||
		    memcmp(doc->pool + x->lower, doc->pool + y->lower, x->norm_len) != 0)
			return 0;
	}
	return strcmp(bests[t].orig, bests[u].orig) == 0;
}

/* A broken name is one decision, not one per sentence: every occurrence of
 * the same compound slot ("the Safety Council" -> "security council", three
 * times in an article) takes the probability of its likeliest one.  idx
 * (room for doc->ntok) is scratch. */
static void same_names_alike(const struct ds_doc *doc, struct slot_best *bests, uint32_t *idx)
{
	size_t n = 0;
	for (uint32_t t = 0; t < doc->ntok; t++)
		if (bests[t].k == 2 && bests[t].compound)
			idx[n++] = t;
	/* a group's maximum stays its maximum as its members take it */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (bests[idx[j]].p > bests[idx[i]].p && same_name(doc, bests, idx[i], idx[j]))
				bests[idx[i]].p = bests[idx[j]].p;
}

int ev_solo_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const uint8_t *covered,
		 enum ev_skip skip, struct ds_ev *ev)
{
	size_t nslots = 0, nwords = 0, nphrase = 0;
	size_t g05 = 0, g1 = 0, g2 = 0, f05 = 0, phi = 0, phi8 = 0;
	double gsum = 0, med = 0, fsum = 0, psum = 0;
	struct slot_best *bests = NULL;
	struct compound_sides sides; /* compound_slot's, along the text */
	uint8_t *used = NULL;
	uint32_t *order = NULL;
	int rc = 0;

	/* what only the solo model and its calibration read */
	if (skip == EV_SKIP_NONE || skip == EV_SKIP_SHORT) {
		ev_context_gain(c, ev);
		anomaly(c, doc, ev);
	}
	if (!c->lex || skip == EV_SKIP_SHORT)
		return 0;
	bests = calloc(doc->ntok + 1, sizeof *bests);
	used = calloc(doc->ntok + 1, 1);
	if (!bests || !used) {
		rc = DS_ENOMEM;
		goto out;
	}
	if (ds_grow(&c->gains, &c->gains_cap, doc->ntok + 1, sizeof *c->gains) ||
	    ds_grow(&c->probs, &c->probs_cap, doc->ntok + 1, sizeof *c->probs) ||
	    ds_grow(&c->ftmp, &c->ftmp_cap, doc->ntok + 1, sizeof *c->ftmp)) {
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
		if (!judged_here(c, skip, covered, t))
			continue;
		for (uint32_t k = 1; k <= DS_EV_MAX_WORDS; k++) {
			if (!ev_best_candidate(c, doc, t, k, &cur))
				continue;
			if (!any) {
				b = cur;
			} else if (cur.gain > b.gain) {
				/* a phrase wins: the single-word candidates stay */
				if (k > 1) {
					memcpy(cur.top, b.top, sizeof cur.top);
					memcpy(cur.top_w, b.top_w, sizeof cur.top_w);
					memcpy(cur.top_txt, b.top_txt, sizeof cur.top_txt);
					cur.ntop = b.ntop;
				}
				b = cur;
			}
			any = 1;
		}
		if (any) /* else no slot: bests is zeroed */
			bests[t] = b;
	}
	/* neighbours spun together ("the Common Meeting" for "the General
	 * Assembly"): both originals put back read likelier than either alone
	 * (a gain of at least 1, and 0.5 over each word's own slot).  Two
	 * capitalised words are first read as a broken compound name
	 * (compound_slot), others as a pair of their common candidates that
	 * the lexicon holds as a phrase ("jurisprudence shoal" -> "law
	 * school"; any two candidates the language model likes together,
	 * "being process", were mostly put back where no word was swapped, in
	 * clean text and spun alike); the words a source covers are judged
	 * against it */
	sides.right_at = UINT32_MAX;
	for (uint32_t t = 0; t + 1 < doc->ntok; t++) {
		struct slot_best *a = &bests[t], *b2 = &bests[t + 1];
		double best_g = 0;
		int bi = -1, bj = -1;
		double bf = 0;
		if (judged_here(c, skip, covered, t) && judged_here(c, skip, covered, t + 1) &&
		    a->k <= 1 && b2->k <= 1 && compound_slot(c, doc, t, a, b2, &sides)) {
			t++;
			continue;
		}
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
		{ /* every pair's gain, side by side */
			enum { NP = (DS_EV_PAIR_TOP + 1) * (DS_EV_PAIR_TOP + 1) };
			ds_lm_id ids[NP][2];
			const ds_lm_id *span[NP];
			size_t len[NP], np = 0;
			double g[NP], fg[NP];
			int pi[NP], pj[NP];
			size_t bl[DS_EV_PAIR_TOP + 1];
			for (int j = 0; j < b2->ntop; j++)
				bl[j] = strlen(b2->top_txt[j]);
			for (int i = 0; i < a->ntop; i++) {
				/* "a b", the left word written once */
				char ph[2 * sizeof a->top_txt[0] + 2];
				size_t al = strlen(a->top_txt[i]);
				memcpy(ph, a->top_txt[i], al);
				ph[al] = ' ';
				for (int j = 0; j < b2->ntop; j++) {
					memcpy(ph + al + 1, b2->top_txt[j], bl[j]);
					if (!ds_lex_has(c->lex, ph, al + 1 + bl[j], NULL))
						continue;
					ids[np][0] = a->top[i];
					ids[np][1] = b2->top[j];
					pi[np] = i;
					pj[np] = j;
					span[np] = ids[np];
					len[np++] = 2;
				}
			}
			if (np)
				ev_span_gains(c, c->tokpos[t], c->tokpos[t] + 2, span, len, np, g,
					      fg);
			for (size_t x = 0; x < np; x++)
				if (g[x] > best_g) {
					best_g = g[x];
					bi = pi[x];
					bj = pj[x];
					bf = fg[x];
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
	/* the slots' gains, sorted (for their lower quartile, which each
	 * slot's gain counts from, their median and their top tenth), and
	 * the median slot word's probability (c->probs as scratch: the loop
	 * below fills it with the slots' probabilities) */
	c->slot_gbase = c->slot_lpmed = 0;
	for (uint32_t t = 0; t < doc->ntok; t++)
		if (bests[t].k) {
			c->gains[nslots] = (float)bests[t].gain;
			c->probs[nslots++] = c->lp[c->tokpos[t]];
		}
	if (nslots) {
		ds_sort_floats(c->gains, c->ftmp, nslots);
		ds_sort_floats(c->probs, c->ftmp, nslots);
		c->slot_gbase = c->gains[nslots / 4];
		med = c->gains[nslots / 2];
		c->slot_lpmed = c->probs[nslots / 2];
	}
	nslots = 0;
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
				b.prob = ev_slot_prob(c, x);
				psum += b.prob;
				phi += b.prob > 0.5;
				phi8 += b.prob > 0.8;
				c->probs[nslots] = (float)b.prob;
			}
		}
		bests[t] = b;
		nslots++;
		gsum += b.gain > 0 ? b.gain : 0;
		g05 += b.gain > 0.5;
		g1 += b.gain > 1.0;
		g2 += b.gain > 2.0;
		nphrase += b.k > 1 && b.gain > 1.0;
		f05 += b.follow > 0.5;
		fsum += b.follow > 0 ? b.follow : 0;
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
			rel += c->gains[i] > c->slot_gbase + 1.0;
		ev->f[DS_F_GREL] = (double)rel / (double)nslots;
		ev->f[DS_F_PHRASE] = (double)nphrase / (double)nslots;
		ev->f[DS_F_F05] = (double)f05 / (double)nslots;
		if (c->sm) {
			size_t top = nslots / 10 + 1;
			double sum = 0;
			ds_sort_floats(c->probs, c->ftmp, nslots);
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
			/* over the article's lower-quartile slot: a text far
			 * from the model's own register (an old novel) raises
			 * every gain, a spinner the few of its swaps */
			ev->f[DS_F_GTOP] = sum / (double)top - c->slot_gbase;
		}
	}
	/* each slot's calibrated probability: the flag model's when there is
	 * one, else the slot model's */
	for (uint32_t t = 0; t < doc->ntok; t++) {
		struct slot_best *b = &bests[t];
		if (!b->k)
			continue;
		b->p = c->sm ? b->prob : 0;
		if (c->sm && c->sc && nslots) {
			double sx[DS_NSLOTF], fx[DS_NFLAGF], p;
			slot_features(c, doc, t, b, sx);
			flag_features(sx, b->prob, ev->f[DS_F_PMEAN], ev->f[DS_F_PHI], ev->f[DS_F_PTOP], fx);
			if ((p = ds_solocal_flag_p(c->sc, fx)) >= 0)
				b->p = p;
		}
	}
	/* flag the likeliest slots, without overlaps, outside source-covered text */
	order = malloc((doc->ntok + 1) * sizeof *order);
	if (!order) {
		rc = DS_ENOMEM;
		goto out;
	}
	if (c->sm)
		same_names_alike(doc, bests, order);
	{
		size_t no = 0;
		/* the default floor; a lower one asked for lists the slots
		 * between them too, marked as under the default */
		double floor = c->sc && c->sc->flag.present ? DS_FLAG_MIN_P
							    : ds_tune_default.flag_prob;
		double min_p = c->flag_min > 0 && c->flag_min < floor ? c->flag_min : floor;
		/* a flag says the language model finds its original likelier
		 * here: a slot whose original reads worse is never one, however
		 * the slot model ranks it (its trees see the gain among
		 * others, and need not fall with it everywhere) */
		for (uint32_t t = 0; t < doc->ntok; t++)
			if (bests[t].k && !(covered && covered[t]) && bests[t].raw > 0 &&
			    (c->sm ? bests[t].p >= min_p : bests[t].gain >= ds_tune_default.flag_gain))
				order[no++] = t;
		/* selection sort is fine: flagged slots are few */
		for (size_t i = 0; i < no; i++) {
			size_t m = i;
			for (size_t j = i + 1; j < no; j++)
				if ((c->sm ? bests[order[j]].p > bests[order[m]].p
					   : bests[order[j]].gain > bests[order[m]].gain))
					m = j;
			{
				uint32_t t = order[m], k = bests[t].k, free_ = 1;
				char why[400], name[sizeof bests[t].orig + 64] = "";
				order[m] = order[i];
				order[i] = t;
				for (uint32_t x = t; x < t + k; x++)
					free_ &= !used[x];
				if (!free_)
					continue;
				for (uint32_t x = t; x < t + k; x++)
					used[x] = 1;
				if (bests[t].compound)
					snprintf(name, sizeof name,
						 "'%s' is a name the lexicon knows and these words are not; ",
						 bests[t].orig);
				snprintf(why, sizeof why,
					 "%sthe language model finds '%s' %.0fx more likely here; lexicon weight %.2f",
					 name, bests[t].orig, pow(10.0, bests[t].raw > 6 ? 6 : bests[t].raw),
					 (double)bests[t].weight);
				rc = ev_add_sub(ev, doc, t, t + k, NULL, 0, 0, bests[t].orig,
					     strlen(bests[t].orig), why, bests[t].raw, bests[t].weight,
					     DS_EV_MODEL, 1);
				if (rc)
					goto out;
				ev->subs[ev->nsubs - 1].p = (float)bests[t].p;
				ev->subs[ev->nsubs - 1].under_floor = c->sm && bests[t].p < floor;
			}
		}
	}
out:
	free(order);
	free(bests);
	free(used);
	return rc;
}
