/*
 * lex_wordnet.c - the lexicon builder's WordNet 3.0 reader: synsets and their
 * relations as pairs, antonyms, and the irregular forms (exc files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex_build_int.h"

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
			rc = lexb_nomem(c);
			break;
		}
		w->first[w->nsyn] = (uint32_t)w->nwords;
		w->spos[w->nsyn] = (uint8_t)pos;
		int is_new;
		uint32_t *slot = m64_slot(&w->byoff, (uint64_t)pos << 32 | off, &is_new);
		if (!slot) {
			rc = lexb_nomem(c);
			break;
		}
		*slot = (uint32_t)w->nsyn + 1;
		for (unsigned long i = 0; i < wcnt; i++) {
			while (*q == ' ')
				q++;
			const char *ws = q;
			while (q < eol && *q != ' ')
				q++;
			int64_t id = lexb_norm_term(c, ws, (size_t)(q - ws));
			if (id < -1) {
				rc = lexb_nomem(c);
				goto out;
			}
			(void)strtoul(q, &q, 16); /* lex_id */
			if (ds_grow(&w->words, &w->wcap, w->nwords + 1, sizeof *w->words)) {
				rc = lexb_nomem(c);
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
				rc = lexb_nomem(c);
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
	struct pacc *p = lexb_pair_get(&c->pairs, a, b);
	if (!p)
		return lexb_nomem(c);
	if (rel)
		p->wn_rel++;
	else
		p->wn_syn++;
	p->pos |= (uint8_t)pos;
	return 0;
}

int lexb_read_exc(struct bctx *c, const char *dir)
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
					int64_t fi = lexb_phrase_id(c, p, (size_t)(sp - p));
					int64_t bi = lexb_phrase_id(c, b, (size_t)(be - b));
					if (fi < 0 || bi < 0 ||
					    ds_grow(&c->exc, &c->exc_cap, c->nexc + 1, sizeof *c->exc)) {
						free(text);
						return lexb_nomem(c);
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

int lexb_read_wordnet(struct bctx *c, const char *dir)
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
					if (lexb_add_anto(c, a, b)) {
						rc = lexb_nomem(c);
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
	rc = lexb_read_exc(c, dir);
out:
	free(w.words);
	free(w.first);
	free(w.spos);
	free(w.ptr);
	ds_hmap_free(&w.byoff);
	return rc;
}
