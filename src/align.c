/* align.c - sentence matching, then word alignment by LCS (see align.h). */
#include "align.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sentences longer than this (tokens) are not aligned word by word.  Prose
 * has sentences of 500 tokens (Melville's "The Whiteness of the Whale"),
 * machine output pasted into an e-mail more; the table of a pair of the
 * longest is 1,500 by 3,000 cells of 2 bytes (weights up to 4,500). */
#define MAX_SENT_TOKENS 1500

struct sinfo {
	uint32_t *toks;     /* token indices (non-boilerplate, whole sentence) */
	uint32_t ntoks;
	uint64_t *words;    /* distinct word hashes, sorted */
	uint32_t nwords;
	double *widf;       /* the article's: idf of each of words */
	double weight;      /* sum of idf weights of its distinct words */
};

struct side {
	const struct ds_doc *d;
	uint64_t *h;        /* per token: hash of the lower-cased form */
	uint64_t *hs;       /* per token: hash of the stem (or lower form) */
	struct sinfo *s;    /* per sentence */
	uint32_t *tokbuf;
	uint64_t *wordbuf;
	double *idfbuf;     /* the article's: room for every sentence's widf */
	size_t words;       /* word tokens outside boilerplate */
	size_t words_short; /* of them in sentences of < DS_ALIGN_MIN_WORDS distinct words */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void side_free(struct side *sd)
{
	free(sd->h);
	free(sd->hs);
	free(sd->s);
	free(sd->tokbuf);
	free(sd->wordbuf);
	free(sd->idfbuf);
}

static int side_init(struct side *sd, const struct ds_doc *d)
{
	memset(sd, 0, sizeof *sd);
	sd->d = d;
	sd->h = malloc((d->ntok + 1) * sizeof *sd->h);
	sd->hs = malloc((d->ntok + 1) * sizeof *sd->hs);
	sd->s = calloc(d->nsent + 1, sizeof *sd->s);
	sd->tokbuf = malloc((d->ntok + 1) * sizeof *sd->tokbuf);
	sd->wordbuf = malloc((d->ntok + 1) * sizeof *sd->wordbuf);
	if (!sd->h || !sd->hs || !sd->s || !sd->tokbuf || !sd->wordbuf)
		return DS_ENOMEM;
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *t = &d->tok[i];
		sd->h[i] = ds_hash64(d->pool + t->lower, t->norm_len, 0);
		sd->hs[i] = t->stem == DS_NO_STEM ? sd->h[i]
						  : ds_hash64(d->pool + t->stem, t->stem_len, 0);
	}
	{
		uint32_t *tp = sd->tokbuf;
		uint64_t *wp = sd->wordbuf;
		for (size_t s = 0; s < d->nsent; s++) {
			struct sinfo *si = &sd->s[s];
			uint32_t words;
			si->toks = tp;
			si->words = wp;
			if (d->sent[s].boiler)
				continue;
			for (uint32_t i = d->sent[s].tok_begin; i < d->sent[s].tok_end; i++) {
				if (d->tok[i].flags & DS_TF_BOILER)
					continue;
				tp[si->ntoks++] = i;
				if (d->tok[i].kind != DS_TOK_PUNCT)
					wp[si->nwords++] = sd->h[i];
			}
			words = si->nwords;
			qsort(wp, si->nwords, sizeof *wp, cmp_u64);
			{
				uint32_t k = 0;
				for (uint32_t j = 0; j < si->nwords; j++)
					if (j == 0 || wp[j] != wp[k - 1])
						wp[k++] = wp[j];
				si->nwords = k;
			}
			sd->words += words;
			if (si->nwords < DS_ALIGN_MIN_WORDS)
				sd->words_short += words;
			tp += si->ntoks;
			wp += si->nwords;
		}
	}
	return 0;
}

/* ---- document frequencies over the source's sentences ---- */

struct dfmap {
	struct ds_hmap map; /* word hash -> sentences holding it */
};

static int df_build(struct dfmap *m, const struct side *s)
{
	size_t total = 0;
	for (size_t i = 0; i < s->d->nsent; i++)
		total += s->s[i].nwords;
	if (ds_hmap_reserve(&m->map, total))
		return DS_ENOMEM;
	for (size_t i = 0; i < s->d->nsent; i++)
		for (uint32_t j = 0; j < s->s[i].nwords; j++) {
			uint32_t *c = ds_hmap_put(&m->map, s->s[i].words[j] | 1, 0, NULL, NULL, NULL);
			if (!c)
				return DS_ENOMEM;
			(*c)++;
		}
	return 0;
}

static uint32_t df_get(const struct dfmap *m, uint64_t k)
{
	const uint32_t *c = ds_hmap_find(&m->map, k | 1, NULL, NULL);
	return c ? *c : 0;
}

static double idf(const struct dfmap *m, uint64_t k, double nsent)
{
	return log((nsent + 1.0) / (df_get(m, k) + 0.5));
}

/* Weighted overlap of article sentence x with source sentences [f, l]
 * (the idf of x's words computed once, in x->widf). */
static double overlap(const struct sinfo *x, const struct side *s, uint32_t f, uint32_t l,
		      double *sw)
{
	double shared = 0, wsrc = 0;
	for (uint32_t k = f; k <= l; k++) {
		const struct sinfo *y = &s->s[k];
		uint32_t i = 0, j = 0;
		wsrc += y->weight;
		while (i < x->nwords && j < y->nwords) {
			if (x->words[i] < y->words[j])
				i++;
			else if (x->words[i] > y->words[j])
				j++;
			else {
				shared += x->widf[i];
				i++;
				j++;
			}
		}
	}
	*sw = wsrc;
	return shared;
}

/* ---- word alignment of one sentence pair ---- */

static int add_edit(struct ds_align *al, int kind, uint32_t ab, uint32_t ae, uint32_t sb,
		    uint32_t se, uint32_t a_sent, uint32_t pair)
{
	struct ds_edit *e;
	if (ds_grow(&al->edits, &al->edits_cap, al->nedits + 1, sizeof *al->edits))
		return DS_ENOMEM;
	e = &al->edits[al->nedits++];
	memset(e, 0, sizeof *e);
	e->kind = (uint8_t)kind;
	e->a_begin = ab;
	e->a_end = ae;
	e->s_begin = sb;
	e->s_end = se;
	e->a_sent = a_sent;
	e->pair = pair;
	return 0;
}

static int all_punct(const struct ds_doc *d, const uint32_t *t, uint32_t b, uint32_t e)
{
	for (uint32_t i = b; i < e; i++)
		if (d->tok[t[i]].kind != DS_TOK_PUNCT)
			return 0;
	return 1;
}

/* Emits the edit for the unaligned runs xa[ab, ae) and xs[sb, se). */
static int emit_block(struct ds_align *al, const struct side *A, const struct side *S,
		      const uint32_t *xa, uint32_t ab, uint32_t ae, const uint32_t *xs,
		      uint32_t sb, uint32_t se, uint32_t a_sent, uint32_t pair)
{
	int ka = ab < ae && !all_punct(A->d, xa, ab, ae);
	int ks = sb < se && !all_punct(S->d, xs, sb, se);
	/* trim punctuation at the block's edges: edits are about words */
	while (ka && A->d->tok[xa[ab]].kind == DS_TOK_PUNCT)
		ab++;
	while (ka && A->d->tok[xa[ae - 1]].kind == DS_TOK_PUNCT)
		ae--;
	while (ks && S->d->tok[xs[sb]].kind == DS_TOK_PUNCT)
		sb++;
	while (ks && S->d->tok[xs[se - 1]].kind == DS_TOK_PUNCT)
		se--;
	if (ka && ks)
		return add_edit(al, DS_EDIT_SUB, xa[ab], xa[ae - 1] + 1, xs[sb], xs[se - 1] + 1,
				a_sent, pair);
	if (ka)
		return add_edit(al, DS_EDIT_INS, xa[ab], xa[ae - 1] + 1, 0, 0, a_sent, pair);
	if (ks)
		return add_edit(al, DS_EDIT_DEL, 0, 0, xs[sb], xs[se - 1] + 1, a_sent, pair);
	return 0;
}

static int align_pair(struct ds_align *al, const struct side *A, const struct side *S,
		      uint32_t as, uint32_t sf, uint32_t sl, uint32_t pair)
{
	const struct sinfo *x = &A->s[as];
	uint32_t n = x->ntoks, m = 0;
	uint32_t xs[2 * MAX_SENT_TOKENS + 2];
	uint16_t *dp;
	uint64_t *ha;
	uint32_t i, j, pa, ps, matched = 0, words = 0;
	int rc = 0;

	for (uint32_t k = sf; k <= sl; k++) {
		const struct sinfo *y = &S->s[k];
		if (m + y->ntoks > 2 * MAX_SENT_TOKENS)
			break;
		memcpy(xs + m, y->toks, y->ntoks * sizeof *xs);
		m += y->ntoks;
	}
	if (n == 0 || n > MAX_SENT_TOKENS || m == 0)
		return 0;
	/* the table and, per position of either side, its hashes and whether
	 * it is a word (the loop reads them in order, not through the
	 * documents' tokens) */
	ha = malloc((size_t)(n + m) * 2 * sizeof *ha + (size_t)(n + 1) * (m + 1) * sizeof *dp +
		    (size_t)(n + m));
	if (!ha)
		return DS_ENOMEM;
	dp = (uint16_t *)(ha + 2 * ((size_t)n + m));
#define DP(i, j) dp[(size_t)(i) * (m + 1) + (j)]
	for (j = 0; j <= m; j++)
		DP(n, j) = 0;
	for (i = 0; i < n; i++)
		DP(i, m) = 0;
	{
		uint64_t *hsa = ha + n, *hb = hsa + n, *hsb = hb + m;
		uint8_t *ka = (uint8_t *)(dp + (size_t)(n + 1) * (m + 1)), *kb = ka + n;
		for (i = 0; i < n; i++) {
			uint32_t ta = x->toks[i];
			ha[i] = A->h[ta];
			hsa[i] = A->hs[ta];
			ka[i] = (uint8_t)A->d->tok[ta].kind;
		}
		for (j = 0; j < m; j++) {
			hb[j] = S->h[xs[j]];
			hsb[j] = S->hs[xs[j]];
			kb[j] = (uint8_t)S->d->tok[xs[j]].kind;
		}
		/* suffix LCS with weights: identical word 3, same stem 2, punctuation 1 */
		for (i = n; i-- > 0;) {
			uint16_t *row = &DP(i, 0), *below = &DP(i + 1, 0);
			uint64_t h = ha[i], hs = hsa[i];
			uint16_t same = ka[i] == DS_TOK_PUNCT ? 1 : 3;
			int word = ka[i] == DS_TOK_WORD;
			for (j = m; j-- > 0;) {
				uint16_t best = below[j] > row[j + 1] ? below[j] : row[j + 1];
				uint16_t w = 0;
				if (h == hb[j])
					w = same;
				else if (hs == hsb[j] && word && kb[j] == DS_TOK_WORD)
					w = 2;
				if (w && below[j + 1] + w > best)
					best = (uint16_t)(below[j + 1] + w);
				row[j] = best;
			}
		}
	}
	/* walk forward, emitting blocks between anchors */
	i = j = pa = ps = 0;
	while (i < n && j < m) {
		uint32_t ta = x->toks[i], ts = xs[j];
		uint16_t w = 0;
		if (A->h[ta] == S->h[ts])
			w = A->d->tok[ta].kind == DS_TOK_PUNCT ? 1 : 3;
		else if (A->hs[ta] == S->hs[ts] && A->d->tok[ta].kind == DS_TOK_WORD &&
			 S->d->tok[ts].kind == DS_TOK_WORD)
			w = 2;
		if (w && DP(i, j) == DP(i + 1, j + 1) + w) {
			if (pa < i || ps < j) {
				rc = emit_block(al, A, S, x->toks, pa, i, xs, ps, j, as, pair);
				if (rc)
					goto out;
			}
			al->a_match[ta] = ts;
			if (A->d->tok[ta].kind != DS_TOK_PUNCT)
				matched++;
			i++;
			j++;
			pa = i;
			ps = j;
		} else if (DP(i + 1, j) >= DP(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
	/* the tail: an article remainder is an insertion or substitution; a
	 * source remainder after the article's last word is left alone when the
	 * source window is longer than the sentence */
	if (pa < n || ps < m) {
		uint32_t se = m;
		if (pa >= n)
			se = ps; /* nothing left in the article: ignore the window's tail */
		rc = emit_block(al, A, S, x->toks, pa, n, xs, ps, se, as, pair);
		if (rc)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (A->d->tok[x->toks[i]].kind != DS_TOK_PUNCT)
			words++;
	al->pairs[pair].a_words = words;
	al->pairs[pair].matched = matched;
	al->a_words_paired += words;
	al->a_words_matched += matched;
	{
		uint32_t swords = 0;
		for (j = 0; j < m; j++)
			if (S->d->tok[xs[j]].kind != DS_TOK_PUNCT)
				swords++;
		al->pairs[pair].sim = (double)matched / (double)(words > swords ? words : swords);
	}
out:
	free(ha); /* and dp */
#undef DP
	return rc;
}

struct ds_align *ds_align_new(const struct ds_doc *a, const struct ds_doc *s,
			      struct ds_err *err)
{
	struct ds_align *al = calloc(1, sizeof *al);
	struct side A, S;
	struct dfmap df = {DS_HMAP_INIT};
	double ns = (double)s->nsent;
	int rc;

	memset(&A, 0, sizeof A);
	memset(&S, 0, sizeof S);
	if (!al || side_init(&A, a) || side_init(&S, s) || df_build(&df, &S) ||
	    !(A.idfbuf = malloc((a->ntok + 1) * sizeof *A.idfbuf)))
		goto nomem;
	al->a_match = malloc((a->ntok + 1) * sizeof *al->a_match);
	if (!al->a_match)
		goto nomem;
	for (size_t i = 0; i < a->ntok; i++) {
		al->a_match[i] = UINT32_MAX;
		if (a->tok[i].kind != DS_TOK_PUNCT && !(a->tok[i].flags & DS_TF_BOILER))
			al->a_words++;
	}
	al->a_words_short = A.words_short;
	al->s_words = S.words;
	al->s_words_short = S.words_short;
	for (size_t k = 0; k < s->nsent; k++) {
		struct sinfo *y = &S.s[k];
		for (uint32_t j = 0; j < y->nwords; j++)
			y->weight += idf(&df, y->words[j], ns);
	}
	for (size_t k = 0; k < a->nsent; k++) {
		struct sinfo *x = &A.s[k];
		double best = 0;
		uint32_t bf = 0, bl = 0;
		int found = 0;
		x->weight = 0;
		x->widf = A.idfbuf + (x->words - A.wordbuf);
		for (uint32_t j = 0; j < x->nwords; j++)
			x->weight += x->widf[j] = idf(&df, x->words[j], ns);
		if (x->nwords < DS_ALIGN_MIN_WORDS)
			continue;
		/* the best single source sentence, then widen it by a neighbour */
		for (uint32_t j = 0; j < s->nsent; j++) {
			double sw, sh, sim;
			if (S.s[j].nwords == 0)
				continue;
			sh = overlap(x, &S, j, j, &sw);
			sim = sh / (x->weight > sw ? x->weight : sw);
			if (sim > best) {
				best = sim;
				bf = bl = j;
				found = 1;
			}
		}
		if (!found)
			continue;
		for (int side = 0; side < 2; side++) {
			uint32_t f = side ? bf : (bf ? bf - 1 : bf);
			uint32_t l = side ? bl + 1 : bl;
			double sw, sh, sim;
			if (l >= s->nsent || (f == bf && l == bl) || S.s[side ? l : f].nwords == 0)
				continue;
			sh = overlap(x, &S, f, l, &sw);
			sim = sh / (x->weight > sw ? x->weight : sw);
			if (sim > best + 0.05) {
				best = sim;
				bf = f;
				bl = l;
			}
		}
		if (best < DS_ALIGN_MIN_SIM)
			continue;
		if (ds_grow(&al->pairs, &al->pairs_cap, al->npairs + 1, sizeof *al->pairs))
			goto nomem;
		memset(&al->pairs[al->npairs], 0, sizeof *al->pairs);
		al->pairs[al->npairs].a_sent = (uint32_t)k;
		al->pairs[al->npairs].s_first = bf;
		al->pairs[al->npairs].s_last = bl;
		rc = align_pair(al, &A, &S, (uint32_t)k, bf, bl, (uint32_t)al->npairs);
		if (rc)
			goto nomem;
		al->npairs++;
	}
	side_free(&A);
	side_free(&S);
	ds_hmap_free(&df.map);
	return al;
nomem:
	side_free(&A);
	side_free(&S);
	ds_hmap_free(&df.map);
	ds_align_free(al);
	ds_err_set(err, DS_ENOMEM, "out of memory aligning %s with %s", a->name, s->name);
	return NULL;
}

void ds_align_free(struct ds_align *al)
{
	if (!al)
		return;
	free(al->edits);
	free(al->pairs);
	free(al->a_match);
	free(al);
}
