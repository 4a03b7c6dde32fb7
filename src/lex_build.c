/*
 * lex_build.c - building the lexicon: thesauri (WordNet 3.0, the OpenOffice
 * thesaurus), number words, distributional neighbours in the clean corpus,
 * weights, the TSV source of truth and the binary model (lex_build.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "lex_build.h"
#include "lex_fmt.h"
#include "stem.h"
#include "text.h"

#define HASH_SEED 0x6c65786963306eULL
#define NONE UINT32_MAX

/* ---- string table: interned strings with dense ids ------------------------------ */

struct strtab {
	char *pool;
	size_t plen, pcap;
	uint32_t *off;
	uint16_t *len;
	size_t n, cap, lcap;
	struct ds_hmap map; /* ds_hash64 of the text -> id */
};

static void st_free(struct strtab *t)
{
	free(t->pool);
	free(t->off);
	free(t->len);
	ds_hmap_free(&t->map);
	memset(t, 0, sizeof *t);
}

static const char *st_str(const struct strtab *t, uint32_t id)
{
	return t->pool + t->off[id];
}

struct st_probe {
	const struct strtab *t;
	const char *s;
	size_t n;
};

static int st_eq(const void *ctx, uint32_t id)
{
	const struct st_probe *p = ctx;
	return p->t->len[id] == p->n && memcmp(st_str(p->t, id), p->s, p->n) == 0;
}

static int64_t st_find(const struct strtab *t, const char *s, size_t n)
{
	struct st_probe p = {t, s, n};
	const uint32_t *v = ds_hmap_find(&t->map, ds_hash64(s, n, HASH_SEED), st_eq, &p);
	return v ? (int64_t)*v : -1;
}

/* Returns the id of s (added when new) or a negative DS_E code. */
static int64_t st_intern(struct strtab *t, const char *s, size_t n)
{
	struct st_probe p = {t, s, n};
	uint32_t *v;
	int is_new;
	if (n > UINT16_MAX)
		return DS_ETOOBIG;
	if (ds_grow(&t->off, &t->cap, t->n + 1, sizeof *t->off) ||
	    ds_grow(&t->len, &t->lcap, t->n + 1, sizeof *t->len) ||
	    ds_grow(&t->pool, &t->pcap, t->plen + n + 1, 1))
		return DS_ENOMEM;
	v = ds_hmap_put(&t->map, ds_hash64(s, n, HASH_SEED), (uint32_t)t->n, st_eq, &p, &is_new);
	if (!v)
		return DS_ENOMEM;
	if (!is_new)
		return *v;
	memcpy(t->pool + t->plen, s, n);
	t->pool[t->plen + n] = 0;
	t->off[t->n] = (uint32_t)t->plen;
	t->len[t->n] = (uint16_t)n;
	t->plen += n + 1;
	return (int64_t)t->n++;
}

/* ---- u64 -> u32 counts or index + 1 on ds_hmap (0: absent) ------------------------- */

/* Slot of key (inserted with value 0 when new) or NULL on ENOMEM. */
static uint32_t *m64_slot(struct ds_hmap *m, uint64_t key, int *is_new)
{
	return ds_hmap_put(m, key, 0, NULL, NULL, is_new);
}

static uint32_t m64_get(const struct ds_hmap *m, uint64_t key)
{
	const uint32_t *v = ds_hmap_find(m, key, NULL, NULL);
	return v ? *v : 0;
}

static int m64_add(struct ds_hmap *m, uint64_t key, uint32_t inc)
{
	uint32_t *v = ds_hmap_put(m, key, 0, NULL, NULL, NULL);
	if (!v)
		return DS_ENOMEM;
	*v += inc;
	return 0;
}

/* ---- pair accumulator -------------------------------------------------------------- */

struct pacc {
	uint32_t o, s;
	uint16_t wn_syn, wn_rel, my_syn, my_rel;
	uint8_t num, pos, infl, pad;
	float dist;
	float weight;     /* when read from a TSV */
	uint32_t obs;     /* observed count */
	uint16_t sources; /* when read from a TSV */
	uint16_t senses;
};

struct pairs {
	struct pacc *a;
	size_t n, cap;
	struct ds_hmap idx; /* (o << 32 | s) -> index + 1 */
};

static struct pacc *pair_get(struct pairs *p, uint32_t o, uint32_t s)
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

struct exc_in {
	uint32_t form, base; /* ids in the phrase table */
	uint8_t pos;
};

struct bctx {
	struct strtab ph;       /* normalised phrases */
	uint8_t *pos;           /* per phrase: parts of speech seen in thesauri */
	uint32_t *freq;         /* per phrase: corpus count */
	uint8_t *numword;       /* per phrase: a number word */
	size_t info_cap;
	struct strtab raw;      /* raw thesaurus terms */
	int64_t *raw_norm;      /* raw id -> phrase id, or -1 rejected */
	size_t raw_cap, raw_done;
	struct pairs pairs;
	struct ds_hmap anto;      /* antonym pairs (smaller id << 32 | larger) */
	struct exc_in *exc;
	size_t nexc, exc_cap;
	struct ds_stemmer *st;
	struct ds_lex_build_stats *stats;
	struct ds_err *err;
};

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
static int64_t phrase_id(struct bctx *c, const char *s, size_t n)
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
static int64_t norm_term(struct bctx *c, const char *s, size_t n)
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
			res = phrase_id(c, out, k);
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

static int add_anto(struct bctx *c, uint32_t a, uint32_t b)
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

static int is_anto(const struct bctx *c, uint32_t a, uint32_t b)
{
	uint64_t k = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	return m64_get(&c->anto, k) != 0;
}

static int nomem(struct bctx *c)
{
	return ds_err_set(c->err, DS_ENOMEM, "lexicon build: out of memory");
}

/* ---- WordNet ----------------------------------------------------------------------- */

struct wn_ptr {
	uint32_t src;       /* synset index */
	uint32_t tgt_off;
	uint8_t sym;        /* '&', '^', '$', '@', '!' */
	uint8_t tgt_pos;    /* DS_LEX_* */
	uint8_t sw, tw;     /* source/target word numbers (1-based; 0 = whole synset) */
};

struct wn {
	uint32_t *words;    /* phrase ids (NONE = rejected) */
	size_t nwords, wcap;
	uint32_t *first;    /* per synset: first word; synset i's words [first[i], first[i+1]) */
	uint8_t *spos;
	size_t nsyn, scap;
	struct ds_hmap byoff; /* (pos << 32 | offset) -> synset + 1 */
	struct wn_ptr *ptr;
	size_t nptr, pcap;
};

static int pos_of_char(char ch)
{
	switch (ch) {
	case 'n': return DS_LEX_NOUN;
	case 'v': return DS_LEX_VERB;
	case 'a': case 's': return DS_LEX_ADJ;
	case 'r': return DS_LEX_ADV;
	}
	return 0;
}

static int wn_read_data(struct bctx *c, struct wn *w, const char *dir, const char *file)
{
	char path[4096];
	struct ds_map m;
	snprintf(path, sizeof path, "%s/data.%s", dir, file);
	if (ds_map_open(&m, path, c->err) < 0)
		return c->err->code;
	const char *p = (const char *)m.data, *end = p + m.len;
	int rc = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (*p == ' ')
			goto next;
		char *q;
		unsigned long off = strtoul(p, &q, 10);
		(void)strtoul(q, &q, 10); /* lex_filenum */
		while (*q == ' ')
			q++;
		int pos = pos_of_char(*q);
		q++;
		unsigned long wcnt = strtoul(q, &q, 16);
		if (!pos || q >= eol) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s: malformed synset line", path);
			break;
		}
		if (ds_grow(&w->first, &w->scap, w->nsyn + 2, sizeof *w->first) ||
		    !(w->spos = realloc(w->spos, w->scap))) {
			rc = nomem(c);
			break;
		}
		w->first[w->nsyn] = (uint32_t)w->nwords;
		w->spos[w->nsyn] = (uint8_t)pos;
		int is_new;
		uint32_t *slot = m64_slot(&w->byoff, (uint64_t)pos << 32 | off, &is_new);
		if (!slot) {
			rc = nomem(c);
			break;
		}
		*slot = (uint32_t)w->nsyn + 1;
		for (unsigned long i = 0; i < wcnt; i++) {
			while (*q == ' ')
				q++;
			const char *ws = q;
			while (q < eol && *q != ' ')
				q++;
			int64_t id = norm_term(c, ws, (size_t)(q - ws));
			if (id < -1) {
				rc = nomem(c);
				goto out;
			}
			(void)strtoul(q, &q, 16); /* lex_id */
			if (ds_grow(&w->words, &w->wcap, w->nwords + 1, sizeof *w->words)) {
				rc = nomem(c);
				goto out;
			}
			w->words[w->nwords++] = id < 0 ? NONE : (uint32_t)id;
			if (id >= 0)
				c->pos[id] |= (uint8_t)pos;
		}
		unsigned long pcnt = strtoul(q, &q, 10);
		for (unsigned long i = 0; i < pcnt; i++) {
			while (*q == ' ')
				q++;
			char s0 = q[0], s1 = q[1];
			while (q < eol && *q != ' ')
				q++;
			unsigned long toff = strtoul(q, &q, 10);
			while (*q == ' ')
				q++;
			int tpos = pos_of_char(*q);
			q++;
			unsigned long st = strtoul(q, &q, 16);
			int sym = 0;
			if (s1 == ' ' && (s0 == '&' || s0 == '^' || s0 == '$' || s0 == '@' || s0 == '!'))
				sym = s0;
			if (!sym || !tpos)
				continue;
			if (ds_grow(&w->ptr, &w->pcap, w->nptr + 1, sizeof *w->ptr)) {
				rc = nomem(c);
				goto out;
			}
			struct wn_ptr *pt = &w->ptr[w->nptr++];
			pt->src = (uint32_t)w->nsyn;
			pt->tgt_off = (uint32_t)toff;
			pt->sym = (uint8_t)sym;
			pt->tgt_pos = (uint8_t)tpos;
			pt->sw = (uint8_t)(st >> 8);
			pt->tw = (uint8_t)(st & 0xff);
		}
		w->nsyn++;
next:
		p = eol + 1;
	}
out:
	if (w->first)
		w->first[w->nsyn] = (uint32_t)w->nwords;
	ds_map_close(&m);
	return rc;
}

static int wn_pair(struct bctx *c, uint32_t a, uint32_t b, int pos, int rel)
{
	if (a == NONE || b == NONE || a == b)
		return 0;
	struct pacc *p = pair_get(&c->pairs, a, b);
	if (!p)
		return nomem(c);
	if (rel)
		p->wn_rel++;
	else
		p->wn_syn++;
	p->pos |= (uint8_t)pos;
	return 0;
}

static int read_exc(struct bctx *c, const char *dir)
{
	static const char *const files[] = {"noun", "verb", "adj", "adv"};
	static const int poss[] = {DS_LEX_NOUN, DS_LEX_VERB, DS_LEX_ADJ, DS_LEX_ADV};
	for (int f = 0; f < 4; f++) {
		char path[4096], *text;
		size_t len;
		snprintf(path, sizeof path, "%s/%s.exc", dir, files[f]);
		int rc = ds_read_file(path, 0, &text, &len, c->err);
		if (rc == DS_EEMPTY)
			continue; /* no irregular forms of that part of speech */
		if (rc < 0)
			return rc;
		const char *p = text, *end = p + len;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (!eol)
				eol = end;
			const char *sp = memchr(p, ' ', (size_t)(eol - p));
			if (sp) {
				const char *b = sp + 1, *be = b;
				while (be < eol && *be != ' ')
					be++;
				/* single words only: the morphology inflects one head word */
				if (!memchr(p, '_', (size_t)(sp - p)) && !memchr(b, '_', (size_t)(be - b)) &&
				    be > b && (size_t)(sp - p) <= DS_LEX_MAX_PHRASE &&
				    (size_t)(be - b) <= DS_LEX_MAX_PHRASE &&
				    !((size_t)(sp - p) == (size_t)(be - b) && memcmp(p, b, (size_t)(be - b)) == 0)) {
					int64_t fi = phrase_id(c, p, (size_t)(sp - p));
					int64_t bi = phrase_id(c, b, (size_t)(be - b));
					if (fi < 0 || bi < 0 ||
					    ds_grow(&c->exc, &c->exc_cap, c->nexc + 1, sizeof *c->exc)) {
						free(text);
						return nomem(c);
					}
					c->exc[c->nexc].form = (uint32_t)fi;
					c->exc[c->nexc].base = (uint32_t)bi;
					c->exc[c->nexc].pos = (uint8_t)poss[f];
					c->nexc++;
				}
			}
			p = eol + 1;
		}
		free(text);
	}
	return 0;
}

static int read_wordnet(struct bctx *c, const char *dir)
{
	static const char *const files[] = {"noun", "verb", "adj", "adv"};
	struct wn w;
	int rc = 0;
	memset(&w, 0, sizeof w);
	for (int f = 0; f < 4 && !rc; f++)
		rc = wn_read_data(c, &w, dir, files[f]);
	if (rc)
		goto out;
	/* synonyms: every ordered pair of words of a synset */
	for (size_t s = 0; s < w.nsyn; s++)
		for (uint32_t i = w.first[s]; i < w.first[s + 1]; i++)
			for (uint32_t j = w.first[s]; j < w.first[s + 1]; j++)
				if (i != j && (rc = wn_pair(c, w.words[i], w.words[j], w.spos[s], 0)))
					goto out;
	/* relations */
	for (size_t k = 0; k < w.nptr; k++) {
		const struct wn_ptr *pt = &w.ptr[k];
		int tpos = pt->tgt_pos;
		/* adjective satellites are stored in data.adj under 'a' and 's' */
		uint32_t t = m64_get(&w.byoff, (uint64_t)tpos << 32 | pt->tgt_off);
		if (!t)
			continue;
		t--;
		uint32_t sb = w.first[pt->src], se = w.first[pt->src + 1];
		uint32_t tb = w.first[t], te = w.first[t + 1];
		if (pt->sw) {
			if (sb + pt->sw - 1 >= se)
				continue;
			sb += pt->sw - 1;
			se = sb + 1;
		}
		if (pt->tw) {
			if (tb + pt->tw - 1 >= te)
				continue;
			tb += pt->tw - 1;
			te = tb + 1;
		}
		for (uint32_t i = sb; i < se; i++)
			for (uint32_t j = tb; j < te; j++) {
				uint32_t a = w.words[i], b = w.words[j];
				if (a == NONE || b == NONE)
					continue;
				if (pt->sym == '!') {
					if (add_anto(c, a, b)) {
						rc = nomem(c);
						goto out;
					}
				} else if (w.spos[pt->src] == w.spos[t]) {
					/* a hypernym also yields the hyponym direction: a
					 * spinner's thesaurus lists both ways */
					if ((rc = wn_pair(c, a, b, w.spos[pt->src], 1)) ||
					    (pt->sym == '@' && (rc = wn_pair(c, b, a, w.spos[t], 1))))
						goto out;
				}
			}
	}
	rc = read_exc(c, dir);
out:
	free(w.words);
	free(w.first);
	free(w.spos);
	free(w.ptr);
	ds_hmap_free(&w.byoff);
	return rc;
}

/* ---- OpenOffice thesaurus (MyThes) ---------------------------------------------------- */

static int read_mythes(struct bctx *c, const char *path)
{
	struct ds_map m;
	if (ds_map_open(&m, path, c->err) < 0)
		return c->err->code;
	const char *p = (const char *)m.data, *end = p + m.len;
	int rc = 0;
	const char *eol = memchr(p, '\n', (size_t)(end - p)); /* encoding line */
	p = eol ? eol + 1 : end;
	int64_t head = -1;
	uint32_t seen[256];
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (*p != '(') {
			const char *bar = memchr(p, '|', (size_t)(eol - p));
			head = bar ? norm_term(c, p, (size_t)(bar - p)) : -1;
			if (head < -1) {
				rc = nomem(c);
				break;
			}
			goto next;
		}
		if (head < 0)
			goto next;
		const char *cp = memchr(p, ')', (size_t)(eol - p));
		if (!cp)
			goto next;
		int pos = 0;
		if (cp - p == 5 && memcmp(p, "(noun", 5) == 0)
			pos = DS_LEX_NOUN;
		else if (cp - p == 5 && memcmp(p, "(verb", 5) == 0)
			pos = DS_LEX_VERB;
		else if (cp - p == 4 && memcmp(p, "(adj", 4) == 0)
			pos = DS_LEX_ADJ;
		else if (cp - p == 4 && memcmp(p, "(adv", 4) == 0)
			pos = DS_LEX_ADV;
		if (pos)
			c->pos[head] |= (uint8_t)pos;
		size_t nseen = 0;
		const char *q = cp + 1;
		while (q < eol) {
			if (*q == '|')
				q++;
			const char *te = memchr(q, '|', (size_t)(eol - q));
			if (!te)
				te = eol;
			size_t tl = (size_t)(te - q);
			int kind = 0; /* 0 plain, 1 related, 2 antonym */
			static const char *const ann[] = {" (generic term)", " (similar term)",
							  " (related term)", " (antonym)"};
			for (int a = 0; a < 4; a++) {
				size_t al = strlen(ann[a]);
				if (tl > al && memcmp(te - al, ann[a], al) == 0) {
					tl -= al;
					kind = a == 3 ? 2 : 1;
					break;
				}
			}
			int64_t id = norm_term(c, q, tl);
			q = te;
			if (id < -1) {
				rc = nomem(c);
				goto out;
			}
			if (id < 0 || id == head)
				continue;
			if (kind == 2) {
				if (add_anto(c, (uint32_t)head, (uint32_t)id)) {
					rc = nomem(c);
					goto out;
				}
				continue;
			}
			size_t k;
			for (k = 0; k < nseen; k++)
				if (seen[k] == (uint32_t)id)
					break;
			if (k < nseen)
				continue;
			if (nseen < DS_ARRAY_LEN(seen))
				seen[nseen++] = (uint32_t)id;
			struct pacc *pa = pair_get(&c->pairs, (uint32_t)head, (uint32_t)id);
			if (!pa) {
				rc = nomem(c);
				goto out;
			}
			if (kind)
				pa->my_rel++;
			else
				pa->my_syn++;
			pa->pos |= (uint8_t)pos;
			if (!kind && pos)
				c->pos[id] |= (uint8_t)pos;
		}
next:
		p = eol + 1;
	}
out:
	ds_map_close(&m);
	return rc;
}

/* ---- numbers -------------------------------------------------------------------------- */

static const char *const ONES[] = {"zero", "one", "two", "three", "four", "five", "six",
				   "seven", "eight", "nine", "ten", "eleven", "twelve",
				   "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
				   "eighteen", "nineteen"};
static const char *const TENS[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
				   "seventy", "eighty", "ninety"};
static const char *const ORD1[] = {"zeroth", "first", "second", "third", "fourth", "fifth",
				   "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
				   "twelfth", "thirteenth", "fourteenth", "fifteenth",
				   "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
static const char *const ORD10[] = {"", "", "twentieth", "thirtieth", "fortieth", "fiftieth",
				    "sixtieth", "seventieth", "eightieth", "ninetieth"};

static void number_word(unsigned n, int ordinal, char *buf, size_t size)
{
	if (n < 20) {
		snprintf(buf, size, "%s", ordinal ? ORD1[n] : ONES[n]);
	} else if (n % 10 == 0) {
		snprintf(buf, size, "%s", ordinal ? ORD10[n / 10] : TENS[n / 10]);
	} else {
		snprintf(buf, size, "%s-%s", TENS[n / 10], ordinal ? ORD1[n % 10] : ONES[n % 10]);
	}
}

static const char *ord_suffix(unsigned n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	}
	return "th";
}

static int num_pair(struct bctx *c, const char *a, const char *b, int both, int mark)
{
	int make = both >= 0;
	both = both > 0;
	int64_t x = phrase_id(c, a, strlen(a)), y = phrase_id(c, b, strlen(b));
	if (x < 0 || y < 0)
		return nomem(c);
	if (mark)
		c->numword[x] = 1;
	for (int d = 0; make && d < 1 + both; d++) {
		struct pacc *p = d ? pair_get(&c->pairs, (uint32_t)y, (uint32_t)x)
				   : pair_get(&c->pairs, (uint32_t)x, (uint32_t)y);
		if (!p)
			return nomem(c);
		p->num = 1;
	}
	return 0;
}

/* Units a spinner writes out as a count of smaller units ("year" ->
 * "12 months"). */
struct unit {
	const char *name;
	unsigned count;
	const char *of;   /* smaller unit, or NULL for a plain number */
};
static const struct unit UNITS[] = {
	{"year", 12, "months"},  {"year", 52, "weeks"},     {"year", 365, "days"},
	{"month", 4, "weeks"},   {"month", 30, "days"},     {"week", 7, "days"},
	{"day", 24, "hours"},    {"hour", 60, "minutes"},   {"minute", 60, "seconds"},
	{"decade", 10, "years"}, {"century", 100, "years"}, {"fortnight", 14, "days"},
	{"fortnight", 2, "weeks"}, {"millennium", 1000, "years"}, {"dozen", 12, NULL},
};

/* Number words <-> digits (cardinals 0-99, ordinals 1st-99th, hundreds to
 * billions) and units.  With make_pairs 0 only marks the number words (so
 * that distributional neighbours "two"/"three" can be left out). */
static int gen_numbers(struct bctx *c, int make_pairs)
{
	char w[64], d[64], x[96], y[96];
	int both = make_pairs ? 1 : -1;
	for (unsigned n = 0; n < 100; n++) {
		number_word(n, 0, w, sizeof w);
		snprintf(d, sizeof d, "%u", n);
		if (num_pair(c, w, d, both, 1))
			return c->err->code;
		if (n >= 1) {
			number_word(n, 1, w, sizeof w);
			snprintf(d, sizeof d, "%u%s", n, ord_suffix(n));
			if (num_pair(c, w, d, both, 1))
				return c->err->code;
		}
	}
	static const struct { const char *w; const char *d; } big[] = {
		{"hundred", "100"}, {"thousand", "1,000"}, {"thousand", "1000"},
		{"million", "1,000,000"}, {"billion", "1,000,000,000"}};
	for (size_t i = 0; i < DS_ARRAY_LEN(big); i++) {
		snprintf(x, sizeof x, "a %s", big[i].w);
		snprintf(y, sizeof y, "one %s", big[i].w);
		if (num_pair(c, x, big[i].d, both, 1) || num_pair(c, y, big[i].d, both, 1) ||
		    num_pair(c, x, y, both, 1) || num_pair(c, big[i].w, big[i].d, -1, 1))
			return c->err->code;
	}
	if (!make_pairs)
		return 0;
	static const char *const mult[] = {"hundred", "thousand", "million", "billion"};
	for (unsigned m = 1; m < 10; m++)
		for (size_t i = 0; i < DS_ARRAY_LEN(mult); i++) {
			snprintf(x, sizeof x, "%s %s", ONES[m], mult[i]);
			snprintf(y, sizeof y, "%u %s", m, mult[i]);
			if (num_pair(c, x, y, 1, 0))
				return c->err->code;
		}
	for (size_t i = 0; i < DS_ARRAY_LEN(UNITS); i++) {
		const struct unit *u = &UNITS[i];
		char word[64], an[64];
		if (u->count < 100)
			number_word(u->count, 0, word, sizeof word);
		else
			snprintf(word, sizeof word, "%u", u->count);
		snprintf(an, sizeof an, "%s %s", strchr("aeiou", u->name[0]) ? "an" : "a", u->name);
		const char *lhs[] = {u->name, an};
		for (int l = 0; l < 2; l++) {
			snprintf(x, sizeof x, "%u%s%s", u->count, u->of ? " " : "", u->of ? u->of : "");
			snprintf(y, sizeof y, "%s%s%s", word, u->of ? " " : "", u->of ? u->of : "");
			if (num_pair(c, lhs[l], x, 1, 0) || num_pair(c, lhs[l], y, 1, 0))
				return c->err->code;
		}
	}
	return 0;
}

/* ---- the corpus: counts, phrases, distributional neighbours ---------------------------- */

#define BOUND UINT32_MAX
#define NCTX 6000u   /* most frequent forms used as context words */
#define TOPF 200     /* features kept per target vector */
#define DIST_MIN_COS 0.12f

struct corpus {
	struct strtab voc;
	uint64_t *count;
	uint32_t *capc, *midc;  /* capitalised / all occurrences not sentence-initial */
	uint8_t *isword;
	size_t vcap;
	uint32_t *tok;          /* word and number tokens; BOUND ends sentences */
	uint8_t *gap;           /* punctuation stood before token i */
	size_t ntok, tcap, gcap;
	struct ds_hmap bi, tri;   /* n-gram counts */
};

static void corpus_free(struct corpus *k)
{
	st_free(&k->voc);
	free(k->count);
	free(k->capc);
	free(k->midc);
	free(k->isword);
	free(k->tok);
	free(k->gap);
	ds_hmap_free(&k->bi);
	ds_hmap_free(&k->tri);
}

static int word_shape(const char *s, size_t n)
{
	int letters = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || ch >= 0x80)
			letters++;
		else if (ch != '-' && ch != '\'' && ch != '.')
			return 0;
	}
	return letters >= 1;
}

static int64_t voc_id(struct corpus *k, const char *s, size_t n, int isword)
{
	int64_t id = st_intern(&k->voc, s, n);
	if (id < 0)
		return id;
	if ((size_t)id >= k->vcap) {
		size_t ncap = k->vcap ? k->vcap * 2 : 65536;
		uint64_t *c = realloc(k->count, ncap * sizeof *c);
		if (!c)
			return DS_ENOMEM;
		k->count = c;
		uint32_t *a = realloc(k->capc, ncap * sizeof *a);
		if (!a)
			return DS_ENOMEM;
		k->capc = a;
		uint32_t *b = realloc(k->midc, ncap * sizeof *b);
		if (!b)
			return DS_ENOMEM;
		k->midc = b;
		uint8_t *w = realloc(k->isword, ncap);
		if (!w)
			return DS_ENOMEM;
		k->isword = w;
		memset(k->count + k->vcap, 0, (ncap - k->vcap) * sizeof *c);
		memset(k->capc + k->vcap, 0, (ncap - k->vcap) * sizeof *a);
		memset(k->midc + k->vcap, 0, (ncap - k->vcap) * sizeof *b);
		memset(k->isword + k->vcap, 0, ncap - k->vcap);
		k->vcap = ncap;
	}
	if (k->voc.n - 1 == (size_t)id && k->count[id] == 0)
		k->isword[id] = (uint8_t)(isword && word_shape(s, n));
	return id;
}

static int push_tok(struct corpus *k, uint32_t t, int gap)
{
	if (ds_grow(&k->tok, &k->tcap, k->ntok + 1, sizeof *k->tok) ||
	    ds_grow(&k->gap, &k->gcap, k->ntok + 1, 1))
		return DS_ENOMEM;
	k->gap[k->ntok] = (uint8_t)gap;
	k->tok[k->ntok++] = t;
	return 0;
}

static int read_corpus(struct bctx *c, struct corpus *k, const char *path)
{
	char *text;
	size_t len;
	int rc = ds_read_file(path, 0, &text, &len, c->err);
	if (rc < 0)
		return rc;
	int64_t num = voc_id(k, "<num>", 5, 0);
	if (num < 0) {
		free(text);
		return nomem(c);
	}
	char *p = text, *end = text + len;
	while (p < end && !rc) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		struct ds_err e;
		struct ds_doc *d = eol > p ? ds_doc_new(p, (size_t)(eol - p), path, 0, &e) : NULL;
		if (d) {
			uint32_t sent = UINT32_MAX;
			int gap = 0;
			for (size_t i = 0; i < d->ntok && !rc; i++) {
				const struct ds_token *t = &d->tok[i];
				if (t->sent != sent && sent != UINT32_MAX && push_tok(k, BOUND, 0))
					rc = nomem(c);
				sent = t->sent;
				/* punctuation is left out of contexts, but n-grams do
				 * not cross it */
				if (t->kind == DS_TOK_PUNCT) {
					gap = 1;
					continue;
				}
				int64_t id;
				if (t->kind == DS_TOK_NUM)
					id = num;
				else
					id = voc_id(k, ds_tok_lower(d, i), t->norm_len, t->kind == DS_TOK_WORD);
				if (id < 0 || push_tok(k, (uint32_t)id, gap)) {
					rc = nomem(c);
					break;
				}
				gap = 0;
				k->count[id]++;
				if (!(t->flags & DS_TF_SENT_START)) {
					k->midc[id]++;
					if (t->flags & DS_TF_CAP)
						k->capc[id]++;
				}
			}
			if (!rc && push_tok(k, BOUND, 0))
				rc = nomem(c);
			ds_doc_free(d);
		} else if (eol > p && e.code == DS_ENOMEM) {
			rc = nomem(c);
		}
		p = eol + 1;
	}
	free(text);
	if (rc)
		return rc;
	/* n-gram counts of word tokens, within sentences */
	for (size_t i = 0; i + 1 < k->ntok; i++) {
		uint32_t a = k->tok[i], b = k->tok[i + 1];
		if (a == BOUND || b == BOUND || !k->isword[a] || !k->isword[b] || k->gap[i + 1])
			continue;
		if (m64_add(&k->bi, (uint64_t)a << 32 | b, 1))
			return nomem(c);
		if (i + 2 < k->ntok) {
			uint32_t d = k->tok[i + 2];
			if (d != BOUND && k->isword[d] && !k->gap[i + 2] &&
			    m64_add(&k->tri, ((uint64_t)a << 42) | ((uint64_t)b << 21) | d, 1))
				return nomem(c);
		}
	}
	c->stats->corpus_tokens = k->ntok;
	return 0;
}

struct target {
	uint32_t w[3];
	uint8_t nw;
	uint32_t phrase;   /* id in the phrase table */
	uint64_t count;
};

struct fent {
	uint32_t id;       /* feature (in vectors) or target (in postings) */
	float w;
};

struct simjob {
	const struct fent *vec;     /* per target [vb[t], vb[t+1]) */
	const uint32_t *vb;
	const struct fent *post;
	const uint32_t *pb;
	size_t ntarget;
	unsigned k;
	float min_cos;
	size_t from, step;
	struct fent *nb;            /* ntarget * k results, id NONE = empty */
	int rc;
};

static int cmp_fent_desc(const void *a, const void *b)
{
	float x = ((const struct fent *)a)->w, y = ((const struct fent *)b)->w;
	return x < y ? 1 : x > y ? -1 : (int)((const struct fent *)a)->id - (int)((const struct fent *)b)->id;
}

static void *sim_thread(void *arg)
{
	struct simjob *j = arg;
	float *acc = calloc(j->ntarget, sizeof *acc);
	uint32_t *touched = malloc(j->ntarget * sizeof *touched);
	struct fent *cand = malloc(j->ntarget * sizeof *cand);
	if (!acc || !touched || !cand) {
		j->rc = DS_ENOMEM;
		goto out;
	}
	for (size_t t = j->from; t < j->ntarget; t += j->step) {
		size_t nt = 0, nc = 0;
		for (uint32_t a = j->vb[t]; a < j->vb[t + 1]; a++) {
			uint32_t f = j->vec[a].id;
			float wt = j->vec[a].w;
			for (uint32_t b = j->pb[f]; b < j->pb[f + 1]; b++) {
				uint32_t u = j->post[b].id;
				if (u == t)
					continue;
				if (acc[u] == 0)
					touched[nt++] = u;
				acc[u] += wt * j->post[b].w;
			}
		}
		for (size_t i = 0; i < nt; i++) {
			uint32_t u = touched[i];
			if (acc[u] >= j->min_cos) {
				cand[nc].id = u;
				cand[nc].w = acc[u];
				nc++;
			}
			acc[u] = 0;
		}
		qsort(cand, nc, sizeof *cand, cmp_fent_desc);
		for (unsigned i = 0; i < j->k; i++) {
			j->nb[t * j->k + i].id = i < nc ? cand[i].id : NONE;
			j->nb[t * j->k + i].w = i < nc ? cand[i].w : 0;
		}
	}
out:
	free(acc);
	free(touched);
	free(cand);
	return NULL;
}

static int join_words(const struct corpus *k, const uint32_t *w, int n, char *buf, size_t size)
{
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		size_t l = k->voc.len[w[i]];
		if (len + l + 2 > size)
			return -1;
		if (i)
			buf[len++] = ' ';
		memcpy(buf + len, st_str(&k->voc, w[i]), l);
		len += l;
	}
	buf[len] = 0;
	return (int)len;
}

static int cmp_target_count(const void *a, const void *b)
{
	uint64_t x = ((const struct target *)a)->count, y = ((const struct target *)b)->count;
	return x < y ? 1 : x > y ? -1 : 0;
}

static int cmp_u64_desc_count(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : (x[0] < y[0] ? -1 : x[0] > y[0]);
}

/* Adds a distributional pair, with its inflected forms when both sides read
 * as the same inflection of two lemmas. */
static int dist_pair(struct bctx *c, struct ds_lex *morph, uint32_t a, uint32_t b, float cosv)
{
	struct pacc *p = pair_get(&c->pairs, a, b);
	if (!p)
		return nomem(c);
	if (cosv > p->dist)
		p->dist = cosv;
	if (!morph)
		return 0;
	size_t pi = (size_t)(p - c->pairs.a); /* p moves when the pairs grow */
	struct ds_lex_form fa[8], fb[8];
	const char *sa = st_str(&c->ph, a), *sb = st_str(&c->ph, b);
	size_t na = ds_lex_analyse(morph, sa, c->ph.len[a], fa, 8);
	size_t nb = ds_lex_analyse(morph, sb, c->ph.len[b], fb, 8);
	int done = 0;
	for (size_t i = 0; i < na && done < 2; i++)
		for (size_t j = 0; j < nb && done < 2; j++) {
			if (fa[i].pos != fb[j].pos || fa[i].infl != fb[j].infl ||
			    strcmp(fa[i].lemma, fb[j].lemma) == 0)
				continue;
			done++;
			int pos = fa[i].pos;
			c->pairs.a[pi].pos |= (uint8_t)pos;
			static const int cls[][4] = {
				[DS_LEX_NOUN] = {DS_LEX_BASE, DS_LEX_PLURAL, -1, -1},
				[DS_LEX_VERB] = {DS_LEX_BASE, DS_LEX_3SG, DS_LEX_PAST, DS_LEX_ING},
				[DS_LEX_ADJ] = {DS_LEX_BASE, DS_LEX_COMPAR, DS_LEX_SUPERL, -1},
				[DS_LEX_ADV] = {DS_LEX_BASE, -1, -1, -1},
			};
			for (int ci = 0; ci < 4 && cls[pos][ci] >= 0; ci++) {
				char x[DS_LEX_MAX_PHRASE + 32], y[DS_LEX_MAX_PHRASE + 32];
				int xl = ds_lex_inflect(morph, fa[i].lemma, strlen(fa[i].lemma), pos,
							cls[pos][ci], 0, x, sizeof x);
				int yl = ds_lex_inflect(morph, fb[j].lemma, strlen(fb[j].lemma), pos,
							cls[pos][ci], 0, y, sizeof y);
				if (xl <= 0 || yl <= 0 || xl > DS_LEX_MAX_PHRASE || yl > DS_LEX_MAX_PHRASE)
					continue;
				int64_t xi = phrase_id(c, x, (size_t)xl), yi = phrase_id(c, y, (size_t)yl);
				if (xi < 0 || yi < 0)
					return nomem(c);
				if (xi == yi || (xi == a && yi == b))
					continue;
				struct pacc *q = pair_get(&c->pairs, (uint32_t)xi, (uint32_t)yi);
				if (!q)
					return nomem(c);
				if (q->dist == 0)
					q->infl = 1;
				if (cosv * 0.95f > q->dist)
					q->dist = cosv * 0.95f;
				q->pos |= (uint8_t)pos;
			}
		}
	return 0;
}

/* Word sets: does one phrase contain a word of the other? */
static int share_word(const char *a, const char *b)
{
	const char *p = a;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *q = b;
		while (*q) {
			const char *f = strchr(q, ' ');
			size_t m = f ? (size_t)(f - q) : strlen(q);
			if (m == l && memcmp(p, q, l) == 0)
				return 1;
			q += m + (f ? 1 : 0);
		}
		p += l + (e ? 1 : 0);
	}
	return 0;
}

/* Phrases opening with a determiner or a pronoun ("the end", "our
 * industrial") or ending with an article are poor units of substitution. */
static int word_in(const struct corpus *k, uint32_t w, const char *const *list)
{
	const char *s = st_str(&k->voc, w);
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int determiner(const struct corpus *k, uint32_t w)
{
	static const char *const l[] = {"the", "a", "an", "this", "that", "these", "those",
					"my", "our", "your", "his", "her", "its", "their",
					"i", "we", "you", "he", "she", "it", "they", NULL};
	return word_in(k, w, l);
}

static int article(const struct corpus *k, uint32_t w)
{
	static const char *const l[] = {"the", "a", "an", NULL};
	return word_in(k, w, l);
}

static int distributional(struct bctx *c, struct corpus *k, const struct ds_lex_build_opts *o,
			  struct ds_lex *morph)
{
	unsigned minf = o->min_freq ? o->min_freq : 30;
	unsigned minpf = o->min_phrase_freq ? o->min_phrase_freq : 25;
	unsigned maxph = o->max_phrases ? o->max_phrases : 6000;
	unsigned kn = o->neighbours ? o->neighbours : 12;
	float mincos = o->min_cosine > 0 ? o->min_cosine : DIST_MIN_COS;
	double N = (double)k->ntok;
	struct target *tg = NULL;
	size_t nt = 0, tcap = 0;
	uint32_t *ctx = NULL;
	struct ds_hmap tmap = {0}, cooc = {0};
	uint64_t *cand = NULL;
	uint32_t *vb = NULL, *pb = NULL;
	struct fent *vec = NULL, *post = NULL, *nb = NULL;
	uint64_t *rowsum = NULL;
	double *colw = NULL;
	int rc = 0;
	size_t V = k->voc.n;
	if (V >= (1u << 20))
		return ds_err_set(c->err, DS_ETOOBIG, "corpus vocabulary of %zu forms is too large", V);

	/* targets: frequent lower-case words */
	for (size_t v = 0; v < V; v++) {
		if (!k->isword[v] || k->count[v] < minf || k->voc.len[v] < 2)
			continue;
		if (k->midc[v] && k->capc[v] * 2 > k->midc[v])
			continue; /* mostly capitalised: a name */
		if (ds_grow(&tg, &tcap, nt + 1, sizeof *tg))
			goto oom;
		memset(&tg[nt], 0, sizeof tg[nt]);
		tg[nt].w[0] = (uint32_t)v;
		tg[nt].nw = 1;
		tg[nt].count = k->count[v];
		nt++;
	}
	/* phrases: cohesive 2-3 word n-grams */
	size_t ncand = 0, ccap = 0;
	for (size_t i = 0; i < k->bi.cap; i++) {
		uint32_t cnt = k->bi.val[i];
		if (cnt == DS_HMAP_EMPTY || cnt < minpf)
			continue;
		uint32_t a = (uint32_t)(k->bi.key[i] >> 32), b = (uint32_t)k->bi.key[i];
		double pmi = log2(cnt * N / ((double)k->count[a] * k->count[b]));
		if (pmi < 3.0 || determiner(k, a) || article(k, b) || (k->midc[a] && k->capc[a] * 2 > k->midc[a]) ||
		    (k->midc[b] && k->capc[b] * 2 > k->midc[b]))
			continue;
		if (ds_grow(&cand, &ccap, ncand * 2 + 2, 2 * sizeof *cand))
			goto oom;
		cand[2 * ncand] = k->bi.key[i];
		cand[2 * ncand + 1] = cnt;
		ncand++;
	}
	for (size_t i = 0; i < k->tri.cap; i++) {
		uint32_t cnt = k->tri.val[i];
		if (cnt == DS_HMAP_EMPTY || cnt < minpf)
			continue;
		uint64_t key = k->tri.key[i];
		uint32_t a = (uint32_t)(key >> 42), b = (uint32_t)(key >> 21) & 0x1fffff,
			 d = (uint32_t)key & 0x1fffff;
		uint32_t ab = m64_get(&k->bi, (uint64_t)a << 32 | b);
		uint32_t bd = m64_get(&k->bi, (uint64_t)b << 32 | d);
		if (!ab || !bd)
			continue;
		double p1 = log2(cnt * N / ((double)ab * k->count[d]));
		double p2 = log2(cnt * N / ((double)k->count[a] * bd));
		if (p1 < 3.0 || p2 < 3.0 || determiner(k, a) || article(k, d) || (k->midc[a] && k->capc[a] * 2 > k->midc[a]) ||
		    (k->midc[b] && k->capc[b] * 2 > k->midc[b]) ||
		    (k->midc[d] && k->capc[d] * 2 > k->midc[d]))
			continue;
		if (ds_grow(&cand, &ccap, ncand * 2 + 2, 2 * sizeof *cand))
			goto oom;
		cand[2 * ncand] = key | (1ull << 63);
		cand[2 * ncand + 1] = cnt;
		ncand++;
	}
	qsort(cand, ncand, 2 * sizeof *cand, cmp_u64_desc_count);
	for (size_t i = 0; i < ncand && i < maxph; i++) {
		uint64_t key = cand[2 * i];
		if (ds_grow(&tg, &tcap, nt + 1, sizeof *tg))
			goto oom;
		memset(&tg[nt], 0, sizeof tg[nt]);
		if (key >> 63) {
			key &= ~(1ull << 63);
			tg[nt].w[0] = (uint32_t)(key >> 42);
			tg[nt].w[1] = (uint32_t)(key >> 21) & 0x1fffff;
			tg[nt].w[2] = (uint32_t)key & 0x1fffff;
			tg[nt].nw = 3;
		} else {
			tg[nt].w[0] = (uint32_t)(key >> 32);
			tg[nt].w[1] = (uint32_t)key;
			tg[nt].nw = 2;
		}
		tg[nt].count = cand[2 * i + 1];
		nt++;
	}
	(void)cmp_target_count;
	c->stats->dist_targets = nt;
	/* target keys -> index */
	for (size_t t = 0; t < nt; t++) {
		uint64_t key;
		if (tg[t].nw == 1)
			key = tg[t].w[0];
		else if (tg[t].nw == 2)
			key = (1ull << 62) | (uint64_t)tg[t].w[0] << 32 | tg[t].w[1];
		else
			key = (1ull << 63) | ((uint64_t)tg[t].w[0] << 42) | ((uint64_t)tg[t].w[1] << 21) |
			      tg[t].w[2];
		int is_new;
		uint32_t *s = m64_slot(&tmap, key, &is_new);
		if (!s)
			goto oom;
		*s = (uint32_t)t + 1;
	}
	/* context ids: the NCTX most frequent forms */
	{
		uint64_t *order = malloc(V * 2 * sizeof *order);
		if (!order)
			goto oom;
		for (size_t v = 0; v < V; v++) {
			order[2 * v] = v;
			order[2 * v + 1] = k->count[v];
		}
		qsort(order, V, 2 * sizeof *order, cmp_u64_desc_count);
		ctx = malloc(V * sizeof *ctx);
		if (!ctx) {
			free(order);
			goto oom;
		}
		for (size_t v = 0; v < V; v++)
			ctx[v] = NCTX;
		for (size_t i = 0; i < V && i < NCTX; i++)
			ctx[order[2 * i]] = (uint32_t)i;
		free(order);
	}
	const uint32_t FW = NCTX + 2; /* per offset: context ids, other, boundary */
	/* co-occurrence counts (target << 32 | feature) */
	for (size_t i = 0; i < k->ntok; i++) {
		if (k->tok[i] == BOUND)
			continue;
		for (int n = 1; n <= 3; n++) {
			if (i + n > k->ntok)
				break;
			uint64_t key;
			const uint32_t *w = &k->tok[i];
			if (w[n - 1] == BOUND || (n > 1 && k->gap[i + n - 1]))
				break;
			if (n == 1)
				key = w[0];
			else if (n == 2)
				key = (1ull << 62) | (uint64_t)w[0] << 32 | w[1];
			else
				key = (1ull << 63) | ((uint64_t)w[0] << 42) | ((uint64_t)w[1] << 21) | w[2];
			uint32_t t = m64_get(&tmap, key);
			if (!t)
				continue;
			t--;
			uint32_t l1 = i >= 1 ? k->tok[i - 1] : BOUND;
			uint32_t l2 = l1 != BOUND && i >= 2 ? k->tok[i - 2] : BOUND;
			uint32_t r1 = i + n < k->ntok ? k->tok[i + n] : BOUND;
			uint32_t r2 = r1 != BOUND && i + n + 1 < k->ntok ? k->tok[i + n + 1] : BOUND;
			uint32_t cx[4] = {l2, l1, r1, r2};
			for (int q = 0; q < 4; q++) {
				uint32_t f = (uint32_t)q * FW + (cx[q] == BOUND ? NCTX + 1 : ctx[cx[q]]);
				if (m64_add(&cooc, (uint64_t)t << 32 | f, 1))
					goto oom;
			}
		}
	}
	/* PPMI vectors, context distribution smoothed (alpha 0.75) */
	size_t NF = 4 * (size_t)FW;
	rowsum = calloc(nt, sizeof *rowsum);
	colw = calloc(NF, sizeof *colw);
	vb = calloc(nt + 1, sizeof *vb);
	pb = calloc(NF + 1, sizeof *pb);
	if (!rowsum || !colw || !vb || !pb)
		goto oom;
	double Z = 0;
	{
		uint64_t *colc = calloc(NF, sizeof *colc);
		if (!colc)
			goto oom;
		for (size_t i = 0; i < cooc.cap; i++)
			if (cooc.val[i] != DS_HMAP_EMPTY) {
				rowsum[cooc.key[i] >> 32] += cooc.val[i];
				colc[(uint32_t)cooc.key[i]] += cooc.val[i];
			}
		for (size_t f = 0; f < NF; f++) {
			colw[f] = pow((double)colc[f], 0.75);
			Z += colw[f];
		}
		free(colc);
	}
	/* gather rows */
	size_t *rowcnt = calloc(nt + 1, sizeof *rowcnt);
	if (!rowcnt)
		goto oom;
	for (size_t i = 0; i < cooc.cap; i++)
		if (cooc.val[i] != DS_HMAP_EMPTY && cooc.val[i] >= 2)
			rowcnt[(cooc.key[i] >> 32) + 1]++;
	for (size_t t = 0; t < nt; t++)
		rowcnt[t + 1] += rowcnt[t];
	struct fent *all = malloc((rowcnt[nt] + 1) * sizeof *all);
	size_t *fill = malloc((nt + 1) * sizeof *fill);
	if (!all || !fill) {
		free(all);
		free(fill);
		free(rowcnt);
		goto oom;
	}
	memcpy(fill, rowcnt, (nt + 1) * sizeof *fill);
	for (size_t i = 0; i < cooc.cap; i++) {
		if (cooc.val[i] == DS_HMAP_EMPTY || cooc.val[i] < 2)
			continue;
		uint32_t t = (uint32_t)(cooc.key[i] >> 32), f = (uint32_t)cooc.key[i];
		double pmi = log((double)cooc.val[i] * Z / ((double)rowsum[t] * colw[f]));
		all[fill[t]].id = f;
		all[fill[t]].w = pmi > 0 ? (float)pmi : 0;
		fill[t]++;
	}
	free(fill);
	ds_hmap_free(&cooc);
	/* keep the TOPF strongest features per target, normalised */
	size_t nvec = 0;
	vec = malloc((rowcnt[nt] + 1) * sizeof *vec);
	if (!vec) {
		free(all);
		free(rowcnt);
		goto oom;
	}
	for (size_t t = 0; t < nt; t++) {
		struct fent *r = all + rowcnt[t];
		size_t n = rowcnt[t + 1] - rowcnt[t];
		qsort(r, n, sizeof *r, cmp_fent_desc);
		if (n > TOPF)
			n = TOPF;
		while (n && r[n - 1].w <= 0)
			n--;
		double norm = 0;
		for (size_t i = 0; i < n; i++)
			norm += (double)r[i].w * r[i].w;
		norm = norm > 0 ? sqrt(norm) : 1;
		vb[t] = (uint32_t)nvec;
		for (size_t i = 0; i < n; i++) {
			vec[nvec].id = r[i].id;
			vec[nvec].w = (float)(r[i].w / norm);
			pb[r[i].id + 1]++;
			nvec++;
		}
	}
	vb[nt] = (uint32_t)nvec;
	free(all);
	free(rowcnt);
	for (size_t f = 0; f < NF; f++)
		pb[f + 1] += pb[f];
	post = malloc((nvec + 1) * sizeof *post);
	uint32_t *pf = malloc((NF + 1) * sizeof *pf);
	if (!post || !pf) {
		free(pf);
		goto oom;
	}
	memcpy(pf, pb, (NF + 1) * sizeof *pf);
	for (size_t t = 0; t < nt; t++)
		for (uint32_t a = vb[t]; a < vb[t + 1]; a++) {
			post[pf[vec[a].id]].id = (uint32_t)t;
			post[pf[vec[a].id]].w = vec[a].w;
			pf[vec[a].id]++;
		}
	free(pf);
	/* neighbours, on two threads */
	nb = malloc(nt * kn * sizeof *nb);
	if (!nb)
		goto oom;
	{
		struct simjob jobs[2];
		pthread_t th;
		for (int i = 0; i < 2; i++)
			jobs[i] = (struct simjob){vec, vb, post, pb, nt, kn, mincos, (size_t)i, 2, nb, 0};
		int started = pthread_create(&th, NULL, sim_thread, &jobs[1]) == 0;
		sim_thread(&jobs[0]);
		if (started)
			pthread_join(th, NULL);
		else
			sim_thread(&jobs[1]); /* no second thread: run it here */
		if (jobs[0].rc || jobs[1].rc)
			goto oom;
	}
	/* phrase ids of the targets */
	for (size_t t = 0; t < nt; t++) {
		char buf[DS_LEX_MAX_PHRASE + 8];
		int l = join_words(k, tg[t].w, tg[t].nw, buf, sizeof buf);
		tg[t].phrase = NONE;
		if (l > 0 && l <= DS_LEX_MAX_PHRASE) {
			int64_t id = phrase_id(c, buf, (size_t)l);
			if (id < 0)
				goto oom;
			tg[t].phrase = (uint32_t)id;
		}
	}
	/* filtered pairs */
	for (size_t t = 0; t < nt; t++) {
		uint32_t a = tg[t].phrase;
		if (a == NONE)
			continue;
		for (unsigned i = 0; i < kn; i++) {
			struct fent *e = &nb[t * kn + i];
			if (e->id == NONE)
				break;
			uint32_t b = tg[e->id].phrase;
			if (b == NONE || a == b)
				continue;
			const char *sa = st_str(&c->ph, a), *sb = st_str(&c->ph, b);
			if (is_anto(c, a, b) || (c->numword[a] && c->numword[b]) || share_word(sa, sb)) {
				c->stats->antonyms_dropped += is_anto(c, a, b);
				continue;
			}
			/* inflections of one word, or antonyms through their lemmas */
			char ka[DS_LEX_MAX_PHRASE * 2 + 8], kb[DS_LEX_MAX_PHRASE * 2 + 8];
			int la = ds_lex_stem_key(c->st, sa, c->ph.len[a], ka, sizeof ka);
			int lb = ds_lex_stem_key(c->st, sb, c->ph.len[b], kb, sizeof kb);
			if (la > 0 && la == lb && memcmp(ka, kb, (size_t)la) == 0)
				continue;
			int drop = 0;
			if (morph) {
				struct ds_lex_form fa[8], fb[8];
				size_t na = ds_lex_analyse(morph, sa, c->ph.len[a], fa, 8);
				size_t nbb = ds_lex_analyse(morph, sb, c->ph.len[b], fb, 8);
				for (size_t x = 0; x < na && !drop; x++)
					for (size_t y = 0; y < nbb && !drop; y++) {
						if (strcmp(fa[x].lemma, fb[y].lemma) == 0)
							drop = 1;
						int64_t ia = st_find(&c->ph, fa[x].lemma, strlen(fa[x].lemma));
						int64_t ib = st_find(&c->ph, fb[y].lemma, strlen(fb[y].lemma));
						if (ia >= 0 && ib >= 0 && is_anto(c, (uint32_t)ia, (uint32_t)ib)) {
							drop = 1;
							c->stats->antonyms_dropped++;
						}
					}
			}
			if (drop)
				continue;
			if ((rc = dist_pair(c, morph, a, b, e->w)) || (rc = dist_pair(c, morph, b, a, e->w)))
				goto out;
		}
	}
	goto out;
oom:
	rc = nomem(c);
out:
	free(tg);
	free(ctx);
	free(cand);
	free(vb);
	free(pb);
	free(vec);
	free(post);
	free(nb);
	free(rowsum);
	free(colw);
	ds_hmap_free(&tmap);
	ds_hmap_free(&cooc);
	return rc;
}

/* Corpus counts of every phrase (words, and 2-3 word n-grams). */
static void phrase_freqs(struct bctx *c, const struct corpus *k)
{
	for (size_t id = 0; id < c->ph.n; id++) {
		const char *s = st_str(&c->ph, (uint32_t)id);
		uint32_t w[3];
		int n = 0;
		const char *p = s;
		c->freq[id] = 0;
		while (*p && n < 3) {
			const char *e = strchr(p, ' ');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			int64_t v = st_find(&k->voc, p, l);
			if (v < 0)
				break;
			w[n++] = (uint32_t)v;
			p += l + (e ? 1 : 0);
			if (!e)
				p = s + strlen(s);
		}
		if (*p || n == 0)
			continue;
		uint64_t f;
		if (n == 1)
			f = k->count[w[0]];
		else if (n == 2)
			f = m64_get(&k->bi, (uint64_t)w[0] << 32 | w[1]);
		else
			f = m64_get(&k->tri, ((uint64_t)w[0] << 42) | ((uint64_t)w[1] << 21) | w[2]);
		c->freq[id] = f > UINT32_MAX ? UINT32_MAX : (uint32_t)f;
	}
}

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
	return strcmp(st_str(tab, x), st_str(tab, y));
}

/* rank[id] = position of phrase id in text order. */
static uint32_t *text_ranks(const struct strtab *t)
{
	uint32_t *order = malloc((t->n + 1) * sizeof *order);
	uint32_t *rank = malloc((t->n + 1) * sizeof *rank);
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

static int write_tsv(struct bctx *c, const char *path, float mincos)
{
	uint32_t *rank = text_ranks(&c->ph);
	struct sortkey *sk = malloc((c->pairs.n + 1) * sizeof *sk);
	struct ds_buf b = DS_BUF_INIT;
	struct ds_afile f;
	int rc = 0;
	if (!rank || !sk) {
		rc = nomem(c);
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
		if (ds_buf_printf(&b, "%s\t%s\t%.4f\t%s\t%u\t%s\t%u\t%u\n", st_str(&c->ph, p->o),
				  st_str(&c->ph, p->s), w, srcs, senses, pos, c->freq[p->o],
				  c->freq[p->s]) < 0) {
			rc = nomem(c);
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

struct bedge {
	uint32_t o, s;
	float w;
	uint16_t src;
	uint8_t senses, pos;
};

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
static int make_payload(struct bctx *c, const uint8_t *keep, struct bedge *edges, size_t ne,
			void **out, size_t *outlen)
{
	size_t N = c->ph.n;
	uint32_t *rank = text_ranks(&c->ph);
	uint32_t *newid = malloc((N + 1) * sizeof *newid);
	uint32_t *order = malloc((N + 1) * sizeof *order);
	uint32_t *rev = malloc((ne + 1) * sizeof *rev);
	struct strtab stems = {0};
	uint32_t *stem_of = malloc((N + 1) * sizeof *stem_of);
	struct ds_buf b = DS_BUF_INIT, pool = DS_BUF_INIT;
	struct ds_lex_phrase *ph = NULL;
	struct ds_lex_stem *sg = NULL;
	uint32_t *member = NULL, *phash = NULL, *shash = NULL, *xform = NULL, *xbase = NULL;
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
		const char *s = st_str(&c->ph, id);
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
		if (ds_buf_append(&pool, st_str(&stems, (uint32_t)g), stems.len[g] + 1u))
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
		if (ds_buf_append(&pool, st_str(&c->ph, f), c->ph.len[f] + 1u))
			goto oom;
		xe[i].base_off = (uint32_t)pool.len;
		xe[i].base_len = c->ph.len[bs];
		if (ds_buf_append(&pool, st_str(&c->ph, bs), c->ph.len[bs] + 1u))
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
	SECTION(off_phrase, ph, (np + 1) * sizeof *ph);
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
	SECTION(off_rev, rev, ne * 4);
	SECTION(off_stem, sg, (ns + 1) * sizeof *sg);
	SECTION(off_member, member, np * 4);
	SECTION(off_exc, xe, c->nexc * sizeof *xe);
	SECTION(off_phash, phash, pcap * 4);
	SECTION(off_shash, shash, scap * 4);
	SECTION(off_xform, xform, xcap * 4);
	SECTION(off_xbase, xbase, xcap * 4);
	SECTION(off_pool, pool.data, pool.len);
	h.pool_len = pool.len;
	if (pad8(&b))
		goto oom;
#undef SECTION
	memcpy(b.data, &h, sizeof h);
	*out = b.data;
	*outlen = b.len;
	b.data = NULL;
	goto out;
oom:
	rc = nomem(c);
out:
	ds_buf_free(&b);
	ds_buf_free(&pool);
	free(rank);
	free(newid);
	free(order);
	free(rev);
	free(stem_of);
	st_free(&stems);
	free(ph);
	free(sg);
	free(member);
	free(xe);
	free(phash);
	free(shash);
	free(xform);
	free(xbase);
	return rc;
}

/* A model of the thesaurus lemmas and irregular forms only, for analysing
 * words while building. */
static struct ds_lex *morph_model(struct bctx *c)
{
	uint8_t *keep = calloc(c->ph.n + 1, 1);
	void *payload;
	size_t len;
	if (!keep) {
		nomem(c);
		return NULL;
	}
	for (size_t i = 0; i < c->ph.n; i++)
		keep[i] = c->pos[i] != 0;
	int rc = make_payload(c, keep, NULL, 0, &payload, &len);
	free(keep);
	if (rc)
		return NULL;
	return ds_lex_from_payload(payload, len, c->err);
}

static void bctx_free(struct bctx *c)
{
	st_free(&c->ph);
	st_free(&c->raw);
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
	if (opts->wordnet_dir && (rc = read_wordnet(&c, opts->wordnet_dir)))
		goto out;
	if (opts->mythes_path && (rc = read_mythes(&c, opts->mythes_path)))
		goto out;
	if ((rc = gen_numbers(&c, opts->numbers)))
		goto out;
	if (opts->corpus_path) {
		if ((rc = read_corpus(&c, &k, opts->corpus_path)))
			goto out;
		morph = morph_model(&c);
		if (!morph) {
			rc = err->code ? err->code : DS_ENOMEM;
			goto out;
		}
		if ((rc = distributional(&c, &k, opts, morph)))
			goto out;
		phrase_freqs(&c, &k);
	}
	rc = write_tsv(&c, out_path, opts->min_cosine > 0 ? opts->min_cosine : DIST_MIN_COS);
	stats->phrases = c.ph.n;
out:
	ds_lex_free(morph);
	corpus_free(&k);
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
	char *text;
	size_t len;
	int rc = ds_read_file(path, 0, &text, &len, c->err);
	if (rc < 0)
		return rc;
	char *p = text, *end = text + len;
	size_t line = 0;
	while (p < end && !rc) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		*eol = 0;
		if (*p == '#' || p == eol || (eol == p + 1 && *p == '\r'))
			goto next;
		char *f[8];
		size_t nf = 0;
		f[nf++] = p;
		for (char *q = p; *q && nf < 8; q++)
			if (*q == '\t') {
				*q = 0;
				f[nf++] = q + 1;
			}
		if (nf < 2 || (!observed && nf < 8)) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s:%zu: expected %s tab-separated fields",
					path, line, observed ? "2 or 3" : "8");
			break;
		}
		char a[DS_LEX_MAX_PHRASE + 2], b[DS_LEX_MAX_PHRASE + 2];
		size_t al = clean_phrase(f[0], strlen(f[0]), a, sizeof a);
		size_t bl = clean_phrase(f[1], strlen(f[1]), b, sizeof b);
		if (!al || !bl || al > DS_LEX_MAX_PHRASE || bl > DS_LEX_MAX_PHRASE) {
			rc = ds_err_set(c->err, DS_EFORMAT, "%s:%zu: empty or over-long phrase", path, line);
			break;
		}
		int64_t o = phrase_id(c, a, al), s = phrase_id(c, b, bl);
		if (o < 0 || s < 0) {
			rc = nomem(c);
			break;
		}
		if (o == s)
			goto next;
		struct pacc *pa = pair_get(&c->pairs, (uint32_t)o, (uint32_t)s);
		if (!pa) {
			rc = nomem(c);
			break;
		}
		if (observed) {
			unsigned long cnt = nf >= 3 ? strtoul(f[2], NULL, 10) : 1;
			pa->obs += cnt ? (uint32_t)cnt : 1;
			c->stats->observed++;
		} else {
			char *e1, *e2;
			double w = strtod(f[2], &e1);
			int src = ds_lex_sources_parse(f[3], strlen(f[3]));
			unsigned long senses = strtoul(f[4], &e2, 10);
			if (*e1 || w <= 0 || w > 1 || src < 0 || *e2) {
				rc = ds_err_set(c->err, DS_EFORMAT, "%s:%zu: bad weight, sources or senses",
						path, line);
				break;
			}
			pa->weight = (float)w;
			pa->sources |= (uint16_t)src;
			pa->senses = (uint16_t)(senses > 255 ? 255 : senses);
			pa->pos |= (uint8_t)parse_pos(f[5], strlen(f[5]));
			c->freq[o] = (uint32_t)strtoul(f[6], NULL, 10);
			c->freq[s] = (uint32_t)strtoul(f[7], NULL, 10);
		}
next:
		p = eol + 1;
	}
	free(text);
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
	if (wordnet_dir && (rc = read_exc(&c, wordnet_dir)))
		goto out;
	edges = malloc((c.pairs.n + 1) * sizeof *edges);
	keep = calloc(c.ph.n + 1, 1);
	if (!edges || !keep) {
		rc = nomem(&c);
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
	if ((rc = make_payload(&c, keep, edges, ne, &payload, &len)))
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
