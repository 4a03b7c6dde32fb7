/* evidence_src.c - evidence against an aligned source: each small
 * substitution judged (lexicon relation, gain of the source's words back,
 * names, spelling and inflection), and the article's source features (see
 * evidence_int.h). */
#include "evidence_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Levenshtein distance of two short strings (capped at 9). */
static int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int row[64];
	if (n > 60 || m > 60)
		return 9;
	for (size_t j = 0; j <= m; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cur = row[j];
			int best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[m] > 9 ? 9 : row[m];
}

struct src_stats {
	size_t sub_words, edit_words, big_words, small, small_rel, names, edits;
	double small_gain;
};

static size_t count_words(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	size_t n = 0;
	for (uint32_t i = b; i < e; i++)
		n += d->tok[i].kind != DS_TOK_PUNCT;
	return n;
}

/* True when a word of tokens [b, e) is capitalised inside its sentence. */
static int has_cap_word(const struct ds_doc *d, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[i].kind != DS_TOK_PUNCT && (d->tok[i].flags & DS_TF_CAP) &&
		    !(d->tok[i].flags & DS_TF_SENT_START))
			return 1;
	return 0;
}

/* Judges one small substitution: article tokens [ab, ae) for source tokens
 * [sb, se).  Returns 1 when flagged. */
static int judge_small(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       uint32_t ab, uint32_t ae, uint32_t sb, uint32_t se, double pair_sim,
		       int need_lex, struct src_stats *ss, struct ds_ev *ev, int *rc)
{
	char a[DS_LEX_MAX_PHRASE + 1], s[DS_LEX_MAX_PHRASE + 1], why[400];
	size_t al = ev_phrase_of(doc, ab, ae, a, sizeof a);
	size_t sl = ev_phrase_of(src, sb, se, s, sizeof s);
	struct ds_lex_rel rel;
	float w = 0;
	int related = 0, names = 1, spun;
	double gain = 0;
	ds_lm_id ids[DS_EV_MAX_WORDS];
	size_t ni;

	*rc = 0;
	if (!al || !sl || (al == sl && memcmp(a, s, al) == 0))
		return 0;
	memset(&rel, 0, sizeof rel);
	if (c->lex) {
		w = ds_lex_relation(c->lex, c->st, s, a, &rel);
		related = w > 0 || rel.backward > 0;
		if (!w)
			w = rel.backward;
	}
	for (uint32_t i = ab; i < ae; i++)
		if (doc->tok[i].kind != DS_TOK_PUNCT &&
		    (!(doc->tok[i].flags & DS_TF_CAP) || (doc->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	for (uint32_t i = sb; i < se; i++)
		if (src->tok[i].kind != DS_TOK_PUNCT &&
		    (!(src->tok[i].flags & DS_TF_CAP) || (src->tok[i].flags & DS_TF_SENT_START)))
			names = 0;
	if (names && !related) {
		ss->names++;
		return 0;
	}
	if (!related && al >= 4 && sl >= 4 && edit_distance(a, s) <= 2)
		return 0; /* a spelling variant: Kiev / Kyiv */
	if (al >= 4 && sl >= 4 && (al > sl ? al - sl : sl - al) <= 3 &&
	    memcmp(a, s, al < sl ? al - 1 : sl - 1) == 0)
		return 0; /* another inflection of the same word: small / smaller */
	ni = ev_phrase_ids(c->lm, s, sl, ids);
	if (ni && c->tokpos[ab] != UINT32_MAX && c->tokpos[ae - 1] != UINT32_MAX)
		gain = ev_span_gain(c, c->tokpos[ab], c->tokpos[ae - 1] + 1, ids, ni);
	ss->small++;
	ss->small_rel += related;
	ss->small_gain += gain > 4 ? 4 : gain < -4 ? -4 : gain;
	/* without the lexicon's word, only a short swap of common words that
	 * the model clearly prefers back looks like a spinner's */
	spun = pair_sim >= 0.3 &&
	       (related || (!need_lex && count_words(doc, ab, ae) <= 2 && count_words(src, sb, se) <= 2 &&
			    !has_cap_word(src, sb, se) && gain > ds_tune_default.src_gain));
	if (!spun)
		return 0;
	if (related)
		snprintf(why, sizeof why,
			 "the source has '%s' here; the lexicon lists the pair (weight %.2f); the original reads %.1fx more likely",
			 s, (double)w, pow(10.0, gain > 6 ? 6 : gain));
	else
		snprintf(why, sizeof why,
			 "the source has '%s' here; the original reads %.1fx more likely in context",
			 s, pow(10.0, gain > 6 ? 6 : gain));
	*rc = ev_add_sub(ev, doc, ab, ae, src, sb, se, s, sl, why, gain, w, DS_EV_SOURCE, related);
	if (!*rc)
		ev->subs[ev->nsubs - 1].p = related ? DS_EV_SOURCE_P_REL : DS_EV_SOURCE_P;
	ss->sub_words += count_words(doc, ab, ae);
	return 1;
}

int ev_source_pass(struct ds_ev_ctx *c, const struct ds_doc *doc, const struct ds_doc *src,
		       const struct ds_align *al, uint8_t *covered, struct ds_ev *ev)
{
	struct src_stats ss;
	int rc = 0;
	memset(&ss, 0, sizeof ss);
	/* article tokens inside paired sentences are judged against the source */
	for (size_t p = 0; p < al->npairs; p++) {
		const struct ds_sent *s = &doc->sent[al->pairs[p].a_sent];
		for (uint32_t t = s->tok_begin; t < s->tok_end; t++)
			covered[t] = 1;
	}
	for (size_t i = 0; i < al->nedits; i++) {
		const struct ds_edit *e = &al->edits[i];
		double sim = al->pairs[e->pair].sim;
		size_t aw, sw;
		ss.edits++;
		if (e->kind == DS_EDIT_DEL)
			continue;
		aw = count_words(doc, e->a_begin, e->a_end);
		ss.edit_words += aw;
		if (aw > DS_EV_MAX_WORDS)
			ss.big_words += aw;
		if (e->kind == DS_EDIT_INS)
			continue;
		sw = count_words(src, e->s_begin, e->s_end);
		if (aw <= DS_EV_MAX_WORDS && sw <= DS_EV_MAX_WORDS) {
			judge_small(c, doc, src, e->a_begin, e->a_end, e->s_begin, e->s_end, sim, 0,
				    &ss, ev, &rc);
			if (rc)
				return rc;
		} else if (aw == sw && aw <= 8) {
			/* a run of word-for-word swaps: judge each pair */
			uint32_t x = e->a_begin, y = e->s_begin;
			while (x < e->a_end && y < e->s_end) {
				while (x < e->a_end && doc->tok[x].kind == DS_TOK_PUNCT)
					x++;
				while (y < e->s_end && src->tok[y].kind == DS_TOK_PUNCT)
					y++;
				if (x >= e->a_end || y >= e->s_end)
					break;
				judge_small(c, doc, src, x, x + 1, y, y + 1, sim, 1, &ss, ev, &rc);
				if (rc)
					return rc;
				x++;
				y++;
			}
		}
	}
	ev->f[DS_F_HAS_SRC] = 1;
	ev->f[DS_F_COVER] = al->a_words ? (double)al->a_words_paired / (double)al->a_words : 0;
	if (al->a_words_paired) {
		double pw = (double)al->a_words_paired;
		ev->f[DS_F_MATCHED] = (double)al->a_words_matched / pw;
		ev->f[DS_F_SUBRATE] = (double)ss.sub_words / pw;
		ev->f[DS_F_EDITRATE] = (double)ss.edit_words / pw;
		ev->f[DS_F_NAMES] = (double)ss.names / pw;
	}
	if (ss.small) {
		ev->f[DS_F_SUBREL] = (double)ss.small_rel / (double)ss.small;
		ev->f[DS_F_SUBGAIN] = ss.small_gain / (double)ss.small;
	}
	if (ss.edits)
		ev->f[DS_F_SMALL] = (double)ss.small / (double)ss.edits;
	if (ss.edit_words) {
		ev->f[DS_F_SPINSHARE] = (double)ss.sub_words / (double)ss.edit_words;
		ev->f[DS_F_BIGSHARE] = (double)ss.big_words / (double)ss.edit_words;
	}
	if (al->a_words_paired)
		ev->f[DS_F_DENSITY] = (double)ss.small / (double)al->a_words_paired;
	return 0;
}
