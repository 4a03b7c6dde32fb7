/*
 * lex_build.c - building the lexicon: thesauri (WordNet 3.0, the OpenOffice
 * thesaurus), number words, distributional neighbours in the clean corpus,
 * weights, the TSV source of truth and the binary model (lex_build.h).
 * This file holds the build context and the two entry points; each data
 * source and the writers have a file of their own (lex_build_int.h).
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "lex_fmt.h"
#include "lex_build_int.h"

/* ---- pair accumulator -------------------------------------------------------------- */

struct pacc *lexb_pair_get(struct pairs *p, uint32_t o, uint32_t s)
{
	int is_new;
	uint32_t *v = m64_slot(&p->idx, (uint64_t)o << 32 | s, &is_new);
	if (!v)
		return NULL;
	if (is_new) {
		if (ds_grow(&p->a, &p->cap, p->n + 1, sizeof *p->a)) {
			*v = 0; /* leaves a dead key; the map stays consistent */
			return NULL;
		}
		memset(&p->a[p->n], 0, sizeof p->a[0]);
		p->a[p->n].o = o;
		p->a[p->n].s = s;
		*v = (uint32_t)++p->n;
	}
	return &p->a[*v - 1];
}

static void pairs_free(struct pairs *p)
{
	free(p->a);
	ds_hmap_free(&p->idx);
	memset(p, 0, sizeof *p);
}

/* ---- build context ------------------------------------------------------------------ */

static int info_fit(struct bctx *c)
{
	if (c->ph.n <= c->info_cap)
		return 0;
	size_t ncap = c->info_cap ? c->info_cap : 4096;
	while (ncap < c->ph.n)
		ncap *= 2;
	uint8_t *p = realloc(c->pos, ncap);
	if (!p)
		return DS_ENOMEM;
	c->pos = p;
	uint8_t *nw = realloc(c->numword, ncap);
	if (!nw)
		return DS_ENOMEM;
	c->numword = nw;
	uint32_t *f = realloc(c->freq, ncap * sizeof *f);
	if (!f)
		return DS_ENOMEM;
	c->freq = f;
	memset(c->pos + c->info_cap, 0, ncap - c->info_cap);
	memset(c->numword + c->info_cap, 0, ncap - c->info_cap);
	memset(c->freq + c->info_cap, 0, (ncap - c->info_cap) * sizeof *f);
	c->info_cap = ncap;
	return 0;
}

/* Interns an already normalised phrase. */
int64_t lexb_phrase_id(struct bctx *c, const char *s, size_t n)
{
	int64_t id = st_intern(&c->ph, s, n);
	if (id >= 0 && info_fit(c))
		return DS_ENOMEM;
	return id;
}

/* Normalises a thesaurus term the way the detector sees text: despin's
 * tokenizer, lower-cased forms joined by one space; 1-3 word or number
 * tokens, no punctuation.  Returns the phrase id, -1 when rejected, or a
 * negative DS_E code below -1. */
int64_t lexb_norm_term(struct bctx *c, const char *s, size_t n)
{
	char buf[512];
	struct ds_err e;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	/* adjective markers of WordNet: "galore(ip)" */
	if (n > 3 && s[n - 1] == ')' && (s[n - 3] == '(' || (n > 4 && s[n - 4] == '(')))
		n -= s[n - 3] == '(' ? 3 : 4;
	if (n == 0 || n >= sizeof buf)
		return -1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] == '_' ? ' ' : s[i];
	int64_t rid = st_intern(&c->raw, buf, n);
	if (rid < 0)
		return DS_ENOMEM;
	if ((size_t)rid < c->raw_done)
		return c->raw_norm[rid];
	if (ds_grow(&c->raw_norm, &c->raw_cap, (size_t)rid + 1, sizeof *c->raw_norm))
		return DS_ENOMEM;
	int64_t res = -1;
	struct ds_doc *d = ds_doc_new(buf, n, "term", 0, &e);
	if (d) {
		char out[DS_LEX_MAX_PHRASE + 1];
		size_t k = 0, words = 0;
		int ok = d->ntok >= 1 && d->ntok <= DS_LEX_MAX_WORDS;
		for (size_t i = 0; ok && i < d->ntok; i++) {
			size_t l = d->tok[i].norm_len;
			if (!ds_tok_is_word(d, i) || k + l + 1 > DS_LEX_MAX_PHRASE) {
				ok = 0;
				break;
			}
			if (k)
				out[k++] = ' ';
			memcpy(out + k, ds_tok_lower(d, i), l);
			k += l;
			words++;
		}
		ds_doc_free(d);
		if (ok && words) {
			res = lexb_phrase_id(c, out, k);
			if (res < 0)
				return res;
		}
	} else if (e.code == DS_ENOMEM) {
		return DS_ENOMEM;
	}
	c->raw_norm[rid] = res;
	c->raw_done = (size_t)rid + 1;
	return res;
}

int lexb_add_anto(struct bctx *c, uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	uint64_t k = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	int is_new;
	uint32_t *v = m64_slot(&c->anto, k, &is_new);
	if (!v)
		return DS_ENOMEM;
	*v = 1;
	return 0;
}

int lexb_is_anto(const struct bctx *c, uint32_t a, uint32_t b)
{
	uint64_t k = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return m64_get(&c->anto, k) != 0;
}

int lexb_nomem(struct bctx *c)
{
	return ds_err_set(c->err, DS_ENOMEM, "lexicon build: out of memory");
}

static void bctx_free(struct bctx *c)
{
	ds_strtab_free(&c->ph);
	ds_strtab_free(&c->raw);
	free(c->pos);
	free(c->freq);
	free(c->numword);
	free(c->raw_norm);
	pairs_free(&c->pairs);
	ds_hmap_free(&c->anto);
	free(c->exc);
	ds_stemmer_free(c->st);
}

static int bctx_init(struct bctx *c, struct ds_lex_build_stats *stats, struct ds_err *err)
{
	memset(c, 0, sizeof *c);
	memset(stats, 0, sizeof *stats);
	c->stats = stats;
	c->err = err;
	c->st = ds_stemmer_new();
	if (!c->st)
		return ds_err_set(err, DS_ENOMEM, "lexicon build: out of memory");
	return 0;
}

int ds_lex_build_tsv(const char *out_path, const struct ds_lex_build_opts *opts,
		     struct ds_lex_build_stats *stats, struct ds_err *err)
{
	struct ds_lex_build_stats dummy;
	struct bctx c;
	struct corpus k;
	struct ds_lex *morph = NULL;
	double t0 = ds_now();
	int rc;
	if (!stats)
		stats = &dummy;
	memset(&k, 0, sizeof k);
	if ((rc = bctx_init(&c, stats, err)))
		return rc;
	if (opts->wordnet_dir && (rc = lexb_read_wordnet(&c, opts->wordnet_dir)))
		goto out;
	if (opts->mythes_path && (rc = lexb_read_mythes(&c, opts->mythes_path)))
		goto out;
	if ((rc = lexb_gen_numbers(&c, opts->numbers)))
		goto out;
	if (opts->corpus_path) {
		if ((rc = lexb_read_corpus(&c, &k, opts->corpus_path)))
			goto out;
		morph = lexb_morph_model(&c);
		if (!morph) {
			rc = err->code ? err->code : DS_ENOMEM;
			goto out;
		}
		if ((rc = lexb_distributional(&c, &k, opts, morph)))
			goto out;
		lexb_phrase_freqs(&c, &k);
	}
	rc = lexb_write_tsv(&c, out_path, opts->min_cosine > 0 ? opts->min_cosine : DIST_MIN_COS);
	stats->phrases = c.ph.n;
out:
	ds_lex_free(morph);
	lexb_corpus_free(&k);
	bctx_free(&c);
	stats->seconds = ds_now() - t0;
	return rc;
}

/* ---- compiling a TSV --------------------------------------------------------------------- */

static int parse_pos(const char *s, size_t n)
{
	int p = 0;
	for (size_t i = 0; i < n; i++)
		p |= s[i] == 'n' ? DS_LEX_NOUN : s[i] == 'v' ? DS_LEX_VERB
		   : s[i] == 'a' ? DS_LEX_ADJ : s[i] == 'r' ? DS_LEX_ADV : 0;
	return p;
}

/* Lower-cases and collapses white space of a field into buf. */
static size_t clean_phrase(const char *s, size_t n, char *buf, size_t size)
{
	size_t k = 0;
	int sp = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			sp = k > 0;
			continue;
		}
		if (sp && k + 2 < size)
			buf[k++] = ' ';
		sp = 0;
		buf[k++] = s[i];
	}
	ds_lower(buf, buf, k);
	buf[k] = 0;
	return k;
}

static int read_pairs(struct bctx *c, const char *path, int observed)
{
	struct ds_tsv t;
	char *f[8];
	int nf, rc = ds_tsv_open(&t, path, 0, c->err);
	if (rc < 0)
		return rc;
	while (!rc && (nf = ds_tsv_next(&t, f, 8)) >= 0) {
		/* observed: ORIG SUBST [COUNT]; the lexicon: ORIG SUBST WEIGHT
		 * SOURCES SENSES POS FREQ_ORIG FREQ_SUBST */
		long cnt = 1, senses = 0, fo = 0, fs = 0;
		double w = 0;
		int src = 0;
		if (nf < 2 || (!observed && nf < 8)) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s:%d: expected %s tab-separated fields",
					path, t.lineno, observed ? "2 or 3" : "8");
			break;
		}
		if (observed && nf >= 3 && ds_field_long(f[2], 0, UINT32_MAX, &cnt)) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s:%d: bad count '%s'", path, t.lineno,
					f[2]);
			break;
		}
		if (!observed && (ds_field_real(f[2], &w) || !(w > 0 && w <= 1) ||
				  (src = ds_lex_sources_parse(f[3], strlen(f[3]))) < 0 ||
				  ds_field_long(f[4], 0, LONG_MAX, &senses) ||
				  ds_field_long(f[6], 0, UINT32_MAX, &fo) ||
				  ds_field_long(f[7], 0, UINT32_MAX, &fs))) {
			rc = ds_err_set(c->err, DS_EFORMAT,
					"%s:%d: bad weight, sources, senses or frequencies", path,
					t.lineno);
			break;
		}
		char a[DS_LEX_MAX_PHRASE + 2], b[DS_LEX_MAX_PHRASE + 2];
		size_t al = clean_phrase(f[0], strlen(f[0]), a, sizeof a);
		size_t bl = clean_phrase(f[1], strlen(f[1]), b, sizeof b);
		if (!al || !bl || al > DS_LEX_MAX_PHRASE || bl > DS_LEX_MAX_PHRASE) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s:%d: empty or over-long phrase", path,
					t.lineno);
			break;
		}
		int64_t o = lexb_phrase_id(c, a, al), s = lexb_phrase_id(c, b, bl);
		if (o < 0 || s < 0) {
			rc = lexb_nomem(c);
			break;
		}
		if (o == s)
			continue;
		struct pacc *pa = lexb_pair_get(&c->pairs, (uint32_t)o, (uint32_t)s);
		if (!pa) {
			rc = lexb_nomem(c);
			break;
		}
		if (observed) {
			pa->obs += cnt ? (uint32_t)cnt : 1;
			c->stats->observed++;
		} else {
			pa->weight = (float)w;
			pa->sources |= (uint16_t)src;
			pa->senses = (uint16_t)(senses > 255 ? 255 : senses);
			pa->pos |= (uint8_t)parse_pos(f[5], strlen(f[5]));
			c->freq[o] = (uint32_t)fo;
			c->freq[s] = (uint32_t)fs;
		}
	}
	ds_tsv_close(&t);
	return rc;
}

int ds_lex_build_bin(const char *tsv_path, const char *observed_path, const char *wordnet_dir,
		     const char *out_path, struct ds_lex_build_stats *stats, struct ds_err *err)
{
	struct ds_lex_build_stats dummy;
	struct bctx c;
	struct bedge *edges = NULL;
	uint8_t *keep = NULL;
	void *payload = NULL;
	size_t len = 0;
	double t0 = ds_now();
	int rc;
	if (!stats)
		stats = &dummy;
	if ((rc = bctx_init(&c, stats, err)))
		return rc;
	if ((rc = read_pairs(&c, tsv_path, 0)))
		goto out;
	if (observed_path && (rc = read_pairs(&c, observed_path, 1)))
		goto out;
	if (wordnet_dir && (rc = lexb_read_exc(&c, wordnet_dir)))
		goto out;
	edges = malloc((c.pairs.n + 1) * sizeof *edges);
	keep = calloc(c.ph.n + 1, 1);
	if (!edges || !keep) {
		rc = lexb_nomem(&c);
		goto out;
	}
	size_t ne = 0;
	for (size_t i = 0; i < c.pairs.n; i++) {
		const struct pacc *p = &c.pairs.a[i];
		struct bedge *e = &edges[ne];
		e->o = p->o;
		e->s = p->s;
		e->w = p->weight;
		e->src = p->sources;
		e->senses = (uint8_t)p->senses;
		e->pos = p->pos;
		if (p->obs) {
			double po = 1.0 - pow(0.5, p->obs);
			e->w = e->w > 0 ? (float)(1.0 - (1.0 - e->w) * (1.0 - po)) : (float)(0.9 * po);
			e->src |= DS_LEX_SRC_OBSERVED;
		}
		if (e->w <= 0)
			continue;
		keep[p->o] = keep[p->s] = 1;
		ne++;
	}
	stats->pairs = ne;
	if ((rc = lexb_make_payload(&c, keep, edges, ne, &payload, &len)))
		goto out;
	for (size_t i = 0; i < c.ph.n; i++)
		stats->phrases += keep[i];
	rc = ds_bin_write(out_path, "LEX", DS_LEX_FORMAT_VERSION, payload, len, err);
out:
	free(payload);
	free(edges);
	free(keep);
	bctx_free(&c);
	stats->seconds = ds_now() - t0;
	return rc;
}
