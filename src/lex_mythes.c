/*
 * lex_mythes.c - the lexicon builder's reader of the OpenOffice thesaurus
 * (MyThes th_en_US_v2.dat).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex_build_int.h"

/* ---- OpenOffice thesaurus (MyThes) ---------------------------------------------------- */

int lexb_read_mythes(struct bctx *c, const char *path)
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
			head = bar ? lexb_norm_term(c, p, (size_t)(bar - p)) : -1;
			if (head < -1) {
				rc = lexb_nomem(c);
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
			int64_t id = lexb_norm_term(c, q, tl);
			q = te;
			if (id < -1) {
				rc = lexb_nomem(c);
				goto out;
			}
			if (id < 0 || id == head)
				continue;
			if (kind == 2) {
				if (lexb_add_anto(c, (uint32_t)head, (uint32_t)id)) {
					rc = lexb_nomem(c);
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
			struct pacc *pa = lexb_pair_get(&c->pairs, (uint32_t)head, (uint32_t)id);
			if (!pa) {
				rc = lexb_nomem(c);
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
