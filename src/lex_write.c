/*
 * lex_write.c - the lexicon builder's writers: pair weights, the TSV source
 * of truth, and the binary model (layout in lex_fmt.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "lex_fmt.h"
#include "lex_build_int.h"

#define HASH_SEED 0x6c65786963306eULL /* of the on-disk hash tables */

/* ---- weights -------------------------------------------------------------------------- */

static unsigned pair_sources(const struct pacc *p)
{
	unsigned s = 0;
	if (p->wn_syn)
		s |= DS_LEX_SRC_WORDNET;
	if (p->wn_rel)
		s |= DS_LEX_SRC_WN_REL;
	if (p->my_syn)
		s |= DS_LEX_SRC_MYTHES;
	if (p->my_rel)
		s |= DS_LEX_SRC_MY_REL;
	if (p->dist > 0)
		s |= DS_LEX_SRC_DIST;
	if (p->infl)
		s |= DS_LEX_SRC_INFLECTED;
	if (p->num)
		s |= DS_LEX_SRC_NUMBER;
	if (p->obs)
		s |= DS_LEX_SRC_OBSERVED;
	return s;
}

/* Frequency factor: a spinner takes listed synonyms whatever their
 * frequency, so a rare substitute of a common original is telling. */
static float freq_factor(uint32_t fo, uint32_t fs)
{
	double r = log2((fo + 1.0) / (fs + 1.0));
	double f = 0.8 + 0.05 * r;
	return (float)(f < 0.5 ? 0.5 : f > 1.0 ? 1.0 : f);
}

static float pair_weight(const struct pacc *p, uint32_t fo, uint32_t fs, float mincos)
{
	unsigned syn = p->wn_syn > p->my_syn ? p->wn_syn : p->my_syn;
	unsigned rel = p->wn_rel > p->my_rel ? p->wn_rel : p->my_rel;
	double q = 1.0;
	q *= pow(0.45, syn);
	q *= pow(0.78, rel > 4 ? 4 : rel);
	if (p->dist > 0) {
		/* corpus neighbours alone are weak evidence: they include
		 * co-hyponyms ("economic" ~ "cultural") */
		double d = 0.1 + 0.5 * (p->dist - mincos) / (1.0 - mincos);
		q *= 1.0 - (d < 0.05 ? 0.05 : d > 0.6 ? 0.6 : d);
	}
	if (p->num)
		q *= 0.1;
	double w = (1.0 - q) * freq_factor(fo, fs);
	return (float)(w < 0.01 ? 0.01 : w > 1.0 ? 1.0 : w);
}

/* ---- writing the TSV -------------------------------------------------------------------- */

static int cmp_id_text(const void *a, const void *b, void *tab)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return strcmp(ds_strtab_str(tab, x), ds_strtab_str(tab, y));
}

/* rank[id] = position of phrase id in text order. */
static uint32_t *text_ranks(const struct ds_strtab *t)
{
	uint32_t *order = malloc((t->n + 1) * sizeof *order);
	/* zeroed, though the permutation below sets every entry: make analyze
	 * cannot see that */
	uint32_t *rank = calloc(t->n + 1, sizeof *rank);
	if (!order || !rank) {
		free(order);
		free(rank);
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++)
		order[i] = (uint32_t)i;
	if (ds_sort(order, t->n, sizeof *order, cmp_id_text, (void *)t)) {
		free(order);
		free(rank);
		return NULL;
	}
	for (size_t i = 0; i < t->n; i++)
		rank[order[i]] = (uint32_t)i;
	free(order);
	return rank;
}

static void pos_str(unsigned pos, char *buf)
{
	size_t k = 0;
	if (pos & DS_LEX_NOUN)
		buf[k++] = 'n';
	if (pos & DS_LEX_VERB)
		buf[k++] = 'v';
	if (pos & DS_LEX_ADJ)
		buf[k++] = 'a';
	if (pos & DS_LEX_ADV)
		buf[k++] = 'r';
	if (!k)
		buf[k++] = '-';
	buf[k] = 0;
}

struct sortkey {
	uint64_t key;
	uint32_t idx;
};

static int cmp_sortkey(const void *a, const void *b)
{
	uint64_t x = ((const struct sortkey *)a)->key, y = ((const struct sortkey *)b)->key;
	return x < y ? -1 : x > y;
}

int lexb_write_tsv(struct bctx *c, const char *path, float mincos)
{
	uint32_t *rank = text_ranks(&c->ph);
	struct sortkey *sk = malloc((c->pairs.n + 1) * sizeof *sk);
	struct ds_buf b = DS_BUF_INIT;
	struct ds_afile f;
	int rc = 0;
	if (!rank || !sk) {
		rc = lexb_nomem(c);
		goto out;
	}
	for (size_t i = 0; i < c->pairs.n; i++) {
		sk[i].key = (uint64_t)rank[c->pairs.a[i].o] << 32 | rank[c->pairs.a[i].s];
		sk[i].idx = (uint32_t)i;
	}
	qsort(sk, c->pairs.n, sizeof *sk, cmp_sortkey);
	if ((rc = ds_afile_open(&f, path, c->err)) < 0)
		goto out;
	ds_buf_puts(&b, "# despin synonym-substitution lexicon (scripts/lexicon.sh)\n"
			"# original\tsubstitute\tweight\tsources\tsenses\tpos\tfreq_original\tfreq_substitute\n");
	for (size_t i = 0; i < c->pairs.n; i++) {
		const struct pacc *p = &c->pairs.a[sk[i].idx];
		char srcs[128], pos[8];
		unsigned src = pair_sources(p);
		if (!src)
			continue;
		float w = pair_weight(p, c->freq[p->o], c->freq[p->s], mincos);
		unsigned senses = (p->wn_syn > p->my_syn ? p->wn_syn : p->my_syn);
		pos_str(p->pos, pos);
		ds_lex_sources_str(src, srcs, sizeof srcs);
		if (ds_buf_printf(&b, "%s\t%s\t%.4f\t%s\t%u\t%s\t%u\t%u\n", ds_strtab_str(&c->ph, p->o),
				  ds_strtab_str(&c->ph, p->s), w, srcs, senses, pos, c->freq[p->o],
				  c->freq[p->s]) < 0) {
			rc = lexb_nomem(c);
			ds_afile_abort(&f);
			goto out;
		}
		c->stats->pairs++;
		c->stats->wordnet += !!(src & DS_LEX_SRC_WORDNET);
		c->stats->wn_rel += !!(src & DS_LEX_SRC_WN_REL);
		c->stats->mythes += !!(src & DS_LEX_SRC_MYTHES);
		c->stats->my_rel += !!(src & DS_LEX_SRC_MY_REL);
		c->stats->dist += !!(src & DS_LEX_SRC_DIST);
		c->stats->inflected += !!(src & DS_LEX_SRC_INFLECTED);
		c->stats->numbers += !!(src & DS_LEX_SRC_NUMBER);
		if (b.len > (1 << 20)) {
			ds_afile_write(&f, b.data, b.len);
			b.len = 0;
		}
	}
	ds_afile_write(&f, b.data, b.len);
	rc = ds_afile_commit(&f, c->err);
out:
	ds_buf_free(&b);
	free(rank);
	free(sk);
	return rc;
}

/* ---- the binary model ------------------------------------------------------------------- */

/* Edges by original (phrase ids are in text order), best weight first. */
static int cmp_edge_fwd(const void *a, const void *b, void *unused)
{
	const struct bedge *x = a, *y = b;
	if (x->o != y->o)
		return x->o < y->o ? -1 : 1;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* Indices into the edges (ctx) by substitute, best weight first. */
static int cmp_edge_rev(const void *a, const void *b, void *edges)
{
	const struct bedge *e = edges;
	const struct bedge *x = &e[*(const uint32_t *)a], *y = &e[*(const uint32_t *)b];
	if (x->s != y->s)
		return x->s < y->s ? -1 : 1;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->o < y->o ? -1 : x->o > y->o;
}

static size_t pow2_above(size_t n)
{
	size_t c = 16;
	while (c < n * 2)
		c *= 2;
	return c;
}

static int pad8(struct ds_buf *b)
{
	static const char z[8];
	return ds_buf_append(b, z, (8 - b->len % 8) % 8);
}

/* Serialises a model.  Phrases: ids in c->ph with keep[id] set (NULL: all);
 * edges reference phrase ids.  On success *out / *outlen hold the payload
 * (malloc'd). */
int lexb_make_payload(struct bctx *c, const uint8_t *keep, struct bedge *edges, size_t ne,
		      void **out, size_t *outlen)
{
	size_t N = c->ph.n;
	uint32_t *rank = text_ranks(&c->ph);
	uint32_t *newid = malloc((N + 1) * sizeof *newid);
	uint32_t *order = calloc(N + 1, sizeof *order); /* zeroed, as rank is */
	uint32_t *rev = malloc((ne + 1) * sizeof *rev);
	struct ds_strtab stems = {0};
	uint32_t *stem_of = malloc((N + 1) * sizeof *stem_of);
	struct ds_buf b = DS_BUF_INIT, pool = DS_BUF_INIT, rpool = DS_BUF_INIT;
	struct ds_lex_phrase *ph = NULL;
	struct ds_lex_redge *re = NULL;
	struct ds_lex_stem *sg = NULL;
	uint32_t *member = NULL, *phash = NULL, *shash = NULL, *xform = NULL, *xbase = NULL;
	uint64_t *mbloom = NULL;
	struct ds_lex_exc *xe = NULL;
	int rc = 0;
	size_t np = 0;

	if (!rank || !newid || !order || !rev || !stem_of)
		goto oom;
	/* phrases in text order */
	for (size_t id = 0; id < N; id++)
		order[rank[id]] = (uint32_t)id;
	for (size_t r = 0; r < N; r++) {
		uint32_t id = order[r];
		newid[id] = NONE;
		if (keep && !keep[id])
			continue;
		newid[id] = (uint32_t)np;
		order[np++] = id;
	}
	ph = calloc(np + 1, sizeof *ph);
	if (!ph)
		goto oom;
	/* pool: phrases first */
	if (ds_buf_putc(&pool, 0))
		goto oom;
	for (size_t i = 0; i < np; i++) {
		uint32_t id = order[i];
		ph[i].off = (uint32_t)pool.len;
		ph[i].len = c->ph.len[id];
		ph[i].freq = c->freq[id];
		const char *s = ds_strtab_str(&c->ph, id);
		ph[i].nwords = 1;
		for (const char *q = s; *q; q++)
			ph[i].nwords += *q == ' ';
		if (ds_buf_append(&pool, s, c->ph.len[id] + 1u))
			goto oom;
	}
	/* edges: remap, sort by original then weight */
	for (size_t i = 0; i < ne; i++) {
		edges[i].o = newid[edges[i].o];
		edges[i].s = newid[edges[i].s];
		ph[edges[i].o].pos |= edges[i].pos;
		ph[edges[i].s].pos |= edges[i].pos;
	}
	for (size_t i = 0; i < np; i++)
		if (!ph[i].pos)
			ph[i].pos = c->pos[order[i]];
	for (size_t i = 0; i < ne; i++)
		rev[i] = (uint32_t)i;
	if (ds_sort(edges, ne, sizeof *edges, cmp_edge_fwd, NULL) ||
	    ds_sort(rev, ne, sizeof *rev, cmp_edge_rev, edges))
		goto oom;
	{
		size_t e = 0, r = 0;
		for (size_t i = 0; i <= np; i++) {
			while (e < ne && edges[e].o < i)
				e++;
			while (r < ne && edges[rev[r]].s < i)
				r++;
			ph[i].fwd = (uint32_t)e;
			ph[i].rev = (uint32_t)r;
		}
	}
	/* stem groups */
	for (size_t i = 0; i < np; i++) {
		char key[DS_LEX_MAX_PHRASE * 2 + 8];
		int kl = ds_lex_stem_key(c->st, pool.data + ph[i].off, ph[i].len, key, sizeof key);
		if (kl < 0) {
			memcpy(key, pool.data + ph[i].off, ph[i].len);
			kl = ph[i].len;
		}
		int64_t g = st_intern(&stems, key, (size_t)kl);
		if (g < 0)
			goto oom;
		ph[i].stem = (uint32_t)g;
	}
	size_t ns = stems.n;
	sg = calloc(ns + 1, sizeof *sg);
	member = malloc((np + 1) * sizeof *member);
	if (!sg || !member)
		goto oom;
	for (size_t i = 0; i < np; i++)
		sg[ph[i].stem + 1].begin++;
	for (size_t g = 0; g < ns; g++)
		sg[g + 1].begin += sg[g].begin;
	{
		uint32_t *fill = malloc((ns + 1) * sizeof *fill);
		if (!fill)
			goto oom;
		for (size_t g = 0; g <= ns; g++)
			fill[g] = sg[g].begin;
		for (size_t i = 0; i < np; i++)
			member[fill[ph[i].stem]++] = (uint32_t)i;
		free(fill);
	}
	for (size_t g = 0; g < ns; g++) {
		sg[g].off = (uint32_t)pool.len;
		sg[g].len = stems.len[g];
		if (ds_buf_append(&pool, ds_strtab_str(&stems, (uint32_t)g), stems.len[g] + 1u))
			goto oom;
	}
	/* irregular forms */
	xe = calloc(c->nexc + 1, sizeof *xe);
	if (!xe)
		goto oom;
	for (size_t i = 0; i < c->nexc; i++) {
		uint32_t f = c->exc[i].form, bs = c->exc[i].base;
		xe[i].form_off = (uint32_t)pool.len;
		xe[i].form_len = c->ph.len[f];
		if (ds_buf_append(&pool, ds_strtab_str(&c->ph, f), c->ph.len[f] + 1u))
			goto oom;
		xe[i].base_off = (uint32_t)pool.len;
		xe[i].base_len = c->ph.len[bs];
		if (ds_buf_append(&pool, ds_strtab_str(&c->ph, bs), c->ph.len[bs] + 1u))
			goto oom;
		xe[i].pos = c->exc[i].pos;
	}
	/* hash tables */
	size_t pcap = pow2_above(np), scap = pow2_above(ns), xcap = pow2_above(c->nexc);
	phash = calloc(pcap, 4);
	shash = calloc(scap, 4);
	xform = calloc(xcap, 4);
	xbase = calloc(xcap, 4);
	if (!phash || !shash || !xform || !xbase)
		goto oom;
	for (size_t i = 0; i < np; i++) {
		size_t h = ds_hash64(pool.data + ph[i].off, ph[i].len, HASH_SEED) & (pcap - 1);
		while (phash[h])
			h = (h + 1) & (pcap - 1);
		phash[h] = (uint32_t)i + 1;
	}
	for (size_t g = 0; g < ns; g++) {
		size_t h = ds_hash64(pool.data + sg[g].off, sg[g].len, HASH_SEED) & (scap - 1);
		while (shash[h])
			h = (h + 1) & (scap - 1);
		shash[h] = (uint32_t)g + 1;
	}
	for (size_t i = 0; i < c->nexc; i++) {
		size_t h = ds_hash64(pool.data + xe[i].form_off, xe[i].form_len, HASH_SEED) & (xcap - 1);
		while (xform[h])
			h = (h + 1) & (xcap - 1);
		xform[h] = (uint32_t)i + 1;
		h = ds_hash64(pool.data + xe[i].base_off, xe[i].base_len, HASH_SEED) & (xcap - 1);
		while (xbase[h])
			h = (h + 1) & (xcap - 1);
		xbase[h] = (uint32_t)i + 1;
	}
	sg[ns].begin = (uint32_t)np;
	/* the filter of the phrases of several words */
	size_t nmulti = 0, mwords = 1;
	for (size_t i = 0; i < np; i++)
		nmulti += memchr(pool.data + ph[i].off, ' ', ph[i].len) != NULL;
	while (mwords * 64 < nmulti * DS_LEX_MBLOOM_BITS)
		mwords *= 2;
	mbloom = calloc(mwords, 8);
	if (!mbloom)
		goto oom;
	for (size_t i = 0; i < np; i++)
		if (memchr(pool.data + ph[i].off, ' ', ph[i].len)) {
			uint64_t hh = ds_hash64(pool.data + ph[i].off, ph[i].len, HASH_SEED);
			mbloom[ds_lex_mbloom_word(hh, mwords)] |= ds_lex_mbloom_bits(hh);
		}
	/* assemble */
	struct ds_lex_hdr h;
	memset(&h, 0, sizeof h);
	h.hash_seed = HASH_SEED;
	h.nphrase = np;
	h.nedge = ne;
	h.nstem = ns;
	h.nexc = c->nexc;
	h.phash_cap = pcap;
	h.shash_cap = scap;
	h.xform_cap = xcap;
	h.xbase_cap = xcap;
	h.mbloom_words = mwords;
	if (ds_buf_append(&b, &h, sizeof h))
		goto oom;
#define SECTION(field, ptr, bytes)                                        \
	do {                                                              \
		if (pad8(&b))                                             \
			goto oom;                                         \
		h.field = b.len;                                          \
		if ((bytes) != 0 && ds_buf_append(&b, (ptr), (bytes)))         \
			goto oom;                                         \
	} while (0)
	SECTION(off_phrase, ph, (np + 1) * sizeof *ph);
	struct ds_lex_edge *le = malloc((ne + 1) * sizeof *le);
	if (!le)
		goto oom;
	for (size_t i = 0; i < ne; i++) {
		le[i].orig = edges[i].o;
		le[i].subst = edges[i].s;
		le[i].weight = edges[i].w;
		le[i].sources = edges[i].src;
		le[i].senses = edges[i].senses;
		le[i].pos = edges[i].pos;
	}
	if (pad8(&b)) {
		free(le);
		goto oom;
	}
	h.off_edge = b.len;
	if (ne && ds_buf_append(&b, le, ne * sizeof *le)) {
		free(le);
		goto oom;
	}
	free(le);
	/* the pairs again by substitute, each with a copy of its original's text */
	re = calloc(ne + 1, sizeof *re);
	if (!re || ds_buf_putc(&rpool, 0))
		goto oom;
	for (size_t r = 0; r < ne; r++) {
		const struct bedge *e = &edges[rev[r]];
		re[r].orig = e->o;
		re[r].text = (uint32_t)rpool.len;
		re[r].len = ph[e->o].len;
		re[r].weight = e->w;
		re[r].sources = e->src;
		re[r].senses = e->senses;
		re[r].pos = e->pos;
		if (ds_buf_append(&rpool, pool.data + ph[e->o].off, ph[e->o].len + 1u))
			goto oom;
	}
	SECTION(off_redge, re, ne * sizeof *re);
	SECTION(off_stem, sg, (ns + 1) * sizeof *sg);
	SECTION(off_member, member, np * 4);
	SECTION(off_exc, xe, c->nexc * sizeof *xe);
	SECTION(off_phash, phash, pcap * 4);
	SECTION(off_shash, shash, scap * 4);
	SECTION(off_xform, xform, xcap * 4);
	SECTION(off_xbase, xbase, xcap * 4);
	SECTION(off_pool, pool.data, pool.len);
	h.pool_len = pool.len;
	SECTION(off_rpool, rpool.data, rpool.len);
	h.rpool_len = rpool.len;
	SECTION(off_mbloom, mbloom, mwords * 8);
	if (pad8(&b))
		goto oom;
#undef SECTION
	memcpy(b.data, &h, sizeof h);
	*out = b.data;
	*outlen = b.len;
	b.data = NULL;
	goto out;
oom:
	rc = lexb_nomem(c);
out:
	ds_buf_free(&b);
	ds_buf_free(&pool);
	ds_buf_free(&rpool);
	free(re);
	free(rank);
	free(newid);
	free(order);
	free(rev);
	free(stem_of);
	ds_strtab_free(&stems);
	free(ph);
	free(sg);
	free(member);
	free(mbloom);
	free(xe);
	free(phash);
	free(shash);
	free(xform);
	free(xbase);
	return rc;
}

/* A model of the thesaurus lemmas and irregular forms only, for analysing
 * words while building. */
struct ds_lex *lexb_morph_model(struct bctx *c)
{
	uint8_t *keep = calloc(c->ph.n + 1, 1);
	void *payload;
	size_t len;
	if (!keep) {
		lexb_nomem(c);
		return NULL;
	}
	for (size_t i = 0; i < c->ph.n; i++)
		keep[i] = c->pos[i] != 0;
	int rc = lexb_make_payload(c, keep, NULL, 0, &payload, &len);
	free(keep);
	if (rc)
		return NULL;
	return ds_lex_from_payload(payload, len, c->err);
}
