/*
 * lm_sphinx.c - reads a CMU Sphinx trie binary language model ("Trie
 * Language Model", as written by sphinxbase's sphinx_lm_convert and shipped
 * in Debian's pocketsphinx-en-us) into a despin model (see lm.h).
 *
 * File layout (little-endian, no padding), as sphinxbase writes it:
 *
 *   char     magic[19]          "Trie Language Model"
 *   uint8    order
 *   uint32   count[order]       n-grams per order (as the writer counted them)
 *   int32    (unused)           only when order >= 2
 *   float    quant[]            per middle order (2 .. order-1) a table of
 *                               65536 probability centres then 65536 backoff
 *                               centres; then 65536 centres for the highest
 *                               order (only when order >= 2)
 *   struct { float prob, backoff; uint32 next; } uni[count[0] + 1]
 *   bit-packed tables          per middle order, then the highest order
 *   int32    k                  bytes of word strings
 *   char     words[k]           count[0] NUL-terminated words, by word id
 *
 * The n-gram tables form a reversed trie: the entries under unigram w (range
 * uni[w].next .. uni[w+1].next in the order-2 table) hold the word before w;
 * under a middle entry (range next[i] .. next[i+1] in the table one order up)
 * the word before that, and so on.  An entry is bit-packed (bit offset i *
 * total_bits, a 64-bit little-endian load shifted by the offset's low 3 bits):
 * word (bits to hold count[0]), then for a middle order a 16-bit backoff code
 * and a 16-bit probability code and the index of its first child (bits to
 * hold count[n] of the next order), for the highest order a 16-bit
 * probability code.  Each table is ((entries + 1) * total_bits + 7) / 8 + 8
 * bytes long.  Probabilities and backoffs are logarithms in the base of the
 * writer's log table (1.0001 for sphinx_lm_convert); the base is recovered by
 * making the unigram probabilities sum to one.
 *
 * Words are kept as written (the model is lower case, without punctuation
 * or number classes); <s> and </s> get despin's ids 1 and 2, <unk> (absent
 * from the file) is added as id 0 with log10 p = -100.
 */
#include "lm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "Trie Language Model";
#define QBINS 65536u

struct rd {
	const unsigned char *p;
	size_t len;
};

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float getf(const unsigned char *p)
{
	uint32_t u = get32(p);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

/* Bits needed to hold values up to max (0 for 0), as the writer computes it. */
static unsigned req_bits(uint32_t max)
{
	unsigned b = 0;
	while (max) {
		b++;
		max >>= 1;
	}
	return b;
}

/* A value of len <= 32 bits at bit offset off of a table of size bytes
 * (the table carries 8 bytes of slack after its last entry). */
static uint32_t bits_at(const unsigned char *t, uint64_t off, unsigned len)
{
	const unsigned char *q = t + (off >> 3);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | q[i];
	return (uint32_t)((v >> (off & 7)) & ((len >= 32) ? 0xffffffffu : ((1u << len) - 1u)));
}

struct table {
	const unsigned char *base;
	uint64_t entries;      /* as the header counts them */
	unsigned word_bits, total_bits, next_bits;   /* next_bits 0: highest order */
	const float *prob_q, *bo_q;   /* centres (unaligned: read with getf) */
	const unsigned char *prob_qb, *bo_qb;
};

static uint64_t table_bytes(uint64_t entries, unsigned total_bits)
{
	return ((1 + entries) * total_bits + 7) / 8 + 8;
}

static uint32_t ent_word(const struct table *t, uint64_t i)
{
	return bits_at(t->base, i * t->total_bits, t->word_bits);
}

static float ent_prob(const struct table *t, uint64_t i)
{
	uint64_t off = i * t->total_bits + t->word_bits + (t->next_bits ? 16 : 0);
	return getf(t->prob_qb + 4 * (size_t)bits_at(t->base, off, 16));
}

static float ent_backoff(const struct table *t, uint64_t i)
{
	uint64_t off = i * t->total_bits + t->word_bits;
	return getf(t->bo_qb + 4 * (size_t)bits_at(t->base, off, 16));
}

static uint32_t ent_next(const struct table *t, uint64_t i)
{
	uint64_t off = i * t->total_bits + t->word_bits + 32;
	return bits_at(t->base, off, t->next_bits);
}

/* The log10 of the writer's log base: the scale s with sum 10^(s p) = 1 over
 * the unigrams (p in the file's units), snapped to log10(1.0001) when within
 * 0.1% of it. */
static double find_scale(const unsigned char *uni, uint32_t V)
{
	double lo = 1e-9, hi = 1.0, s = 0;
	for (int it = 0; it < 200; it++) {
		double sum = 0;
		s = sqrt(lo * hi);
		for (uint32_t i = 0; i < V; i++) {
			float p = getf(uni + 12 * (size_t)i);
			if (p < 0)
				sum += pow(10.0, s * p);
		}
		if (sum > 1)
			lo = s;   /* probabilities too large: p are not scaled down enough */
		else
			hi = s;
		if (hi / lo < 1 + 1e-12)
			break;
	}
	if (fabs(s / log10(1.0001) - 1) < 1e-3)
		s = log10(1.0001);
	return s;
}

struct ds_lm *ds_lm_load_sphinx(const char *path, struct ds_err *err)
{
	struct ds_map m;
	struct ds_lm_lists L;
	struct ds_lm *lm = NULL;
	const char **words = NULL;
	uint32_t *map = NULL;
	struct table tab[DS_LM_MAX_ORDER];   /* tab[n-1] for order n >= 2 */
	uint32_t cnt[DS_LM_MAX_ORDER] = {0};
	const unsigned char *p, *uni, *quant = NULL;
	size_t at;
	unsigned N;
	double scale;
	uint32_t V;

	memset(&L, 0, sizeof L);
	if (ds_map_open(&m, path, err))
		return NULL;
	p = m.data;
#define NEED(n) do { if ((n) > m.len || at > m.len - (n)) goto trunc; } while (0)
	at = 0;
	NEED(sizeof MAGIC);
	if (memcmp(p, MAGIC, sizeof MAGIC - 1) != 0) {
		ds_err_set(err, DS_EFORMAT, "%s: not a Sphinx trie language model", path);
		goto fail;
	}
	at = sizeof MAGIC - 1;
	N = p[at++];
	if (N < 1 || N > DS_LM_MAX_ORDER) {
		ds_err_set(err, DS_EFORMAT, "%s: Sphinx model of order %u (despin reads 1 to %d)", path, N,
			   DS_LM_MAX_ORDER);
		goto fail;
	}
	NEED(4 * (size_t)N);
	for (unsigned n = 0; n < N; n++, at += 4)
		cnt[n] = get32(p + at);
	V = cnt[0];
	if (V < 2 || V >= (1u << 25)) {
		ds_err_set(err, DS_EFORMAT, "%s: bad number of 1-grams (%u)", path, V);
		goto fail;
	}
	if (N >= 2) {
		size_t qlen = ((size_t)(N - 2) * 2 * QBINS + QBINS) * 4;
		NEED(4 + qlen);
		quant = p + at + 4;
		at += 4 + qlen;
	}
	NEED(12 * ((size_t)V + 1));
	uni = p + at;
	at += 12 * ((size_t)V + 1);
	for (unsigned n = 2; n <= N; n++) {
		struct table *t = &tab[n - 1];
		uint64_t bytes;
		t->entries = cnt[n - 1];
		if (t->entries + 1 >= (1u << 25)) {
			ds_err_set(err, DS_EFORMAT, "%s: too many %u-grams (%u)", path, n, cnt[n - 1]);
			goto fail;
		}
		t->word_bits = req_bits(V);
		t->next_bits = n < N ? req_bits(cnt[n]) : 0;
		t->total_bits = t->word_bits + (n < N ? 32 + t->next_bits : 16);
		if (n < N) {
			t->prob_qb = quant + (size_t)(n - 2) * 2 * QBINS * 4;
			t->bo_qb = t->prob_qb + QBINS * 4;
		} else {
			t->prob_qb = quant + (size_t)(N - 2) * 2 * QBINS * 4;
			t->bo_qb = NULL;
		}
		bytes = table_bytes(t->entries, t->total_bits);
		NEED(bytes);
		t->base = p + at;
		at += bytes;
	}
	NEED(4);
	{
		uint32_t k = get32(p + at);
		const char *s;
		size_t off = 0;
		at += 4;
		NEED((size_t)k);
		if (at + k != m.len) {
			ds_err_set(err, DS_EFORMAT, "%s: %zu bytes after the word strings", path,
				   m.len - at - k);
			goto fail;
		}
		s = (const char *)p + at;
		words = calloc((size_t)V + 1, sizeof *words);
		map = malloc(((size_t)V + 1) * sizeof *map);
		if (!words || !map)
			goto nomem;
		words[DS_LM_UNK] = "<unk>";
		words[DS_LM_BOS] = "<s>";
		words[DS_LM_EOS] = "</s>";
		{
			uint32_t next = 3;
			int bos = 0, eos = 0;
			for (uint32_t i = 0; i < V; i++) {
				const char *w = s + off;
				const char *z = memchr(w, 0, k - off);
				if (off >= k || !z) {
					ds_err_set(err, DS_EFORMAT, "%s: word strings hold fewer than %u words", path, V);
					goto fail;
				}
				off += (size_t)(z - w) + 1;
				if (strcmp(w, "<s>") == 0 && !bos) {
					map[i] = DS_LM_BOS;
					bos = 1;
				} else if (strcmp(w, "</s>") == 0 && !eos) {
					map[i] = DS_LM_EOS;
					eos = 1;
				} else if (strcmp(w, "<unk>") == 0 || strcmp(w, "<UNK>") == 0) {
					map[i] = DS_LM_UNK;
				} else {
					if (next > V) {
						ds_err_set(err, DS_EFORMAT, "%s: no <s> or </s> among the words", path);
						goto fail;
					}
					map[i] = next;
					words[next++] = w;
				}
			}
			if (!bos || !eos) {
				ds_err_set(err, DS_EFORMAT, "%s: no <s> or </s> among the words", path);
				goto fail;
			}
			L.vocab = next;
		}
	}
	scale = find_scale(uni, V);

	/* unigrams */
	L.order = (int)N;
	L.words = words;
	L.g[0].n = L.vocab;
	L.g[0].prob = calloc(L.vocab, sizeof(float));
	L.g[0].backoff = calloc(L.vocab, sizeof(float));
	if (!L.g[0].prob || !L.g[0].backoff)
		goto nomem;
	L.g[0].prob[DS_LM_UNK] = -100.0f;
	for (uint32_t i = 0; i < V; i++) {
		uint32_t id = map[i];
		const unsigned char *u = uni + 12 * (size_t)i;
		if (get32(u + 8) > get32(u + 20) || (N >= 2 && get32(u + 20) > tab[1].entries)) {
			ds_err_set(err, DS_EFORMAT, "%s: bad 2-gram range of word %u", path, i);
			goto fail;
		}
		L.g[0].prob[id] = (float)(scale * getf(u));
		L.g[0].backoff[id] = (float)(scale * getf(u + 4));
		if (!isfinite(L.g[0].prob[id]) || !isfinite(L.g[0].backoff[id])) {
			ds_err_set(err, DS_EFORMAT, "%s: word %u's probability is no number", path, i);
			goto fail;
		}
	}
	for (unsigned n = 2; n <= N; n++) {
		struct ds_lm_grams *g = &L.g[n - 1];
		/* at least one entry: malloc(0) may give NULL, which is no
		 * shortage of memory */
		size_t e = tab[n - 1].entries ? tab[n - 1].entries : 1;
		g->ids = malloc(e * n * sizeof *g->ids);
		g->prob = malloc(e * sizeof *g->prob);
		g->backoff = n < N ? malloc(e * sizeof *g->backoff) : NULL;
		if (!g->ids || !g->prob || (n < N && !g->backoff))
			goto nomem;
	}

	/* n-grams: depth first through the reversed trie */
	for (uint32_t w = 0; w < V && N >= 2; w++) {
		struct {
			uint32_t i, end;
		} st[DS_LM_MAX_ORDER];
		uint32_t ctx[DS_LM_MAX_ORDER];   /* ctx[0] = w, ctx[1] = word before, ... */
		int d = 0;   /* st[d]: the range being walked in the order d+2 table */
		ctx[0] = map[w];
		st[0].i = get32(uni + 12 * (size_t)w + 8);
		st[0].end = get32(uni + 12 * (size_t)w + 20);
		while (d >= 0) {
			const struct table *t = &tab[d + 1];
			unsigned n = (unsigned)d + 2;
			struct ds_lm_grams *g = &L.g[n - 1];
			uint32_t i, hw;
			if (st[d].i >= st[d].end) {
				d--;
				continue;
			}
			i = st[d].i++;
			hw = ent_word(t, i);
			if (hw >= V || g->n >= t->entries) {
				ds_err_set(err, DS_EFORMAT, "%s: damaged %u-gram table", path, n);
				goto fail;
			}
			ctx[d + 1] = map[hw];
			for (unsigned k = 0; k < n; k++)   /* oldest first */
				g->ids[g->n * n + k] = ctx[n - 1 - k];
			g->prob[g->n] = (float)(scale * ent_prob(t, i));
			if (n < N)
				g->backoff[g->n] = (float)(scale * ent_backoff(t, i));
			if (!isfinite(g->prob[g->n]) || (n < N && !isfinite(g->backoff[g->n]))) {
				ds_err_set(err, DS_EFORMAT, "%s: %u-gram %u's probability is no number",
					   path, n, i);
				goto fail;
			}
			if (n < N) {
				uint32_t b = ent_next(t, i), e = ent_next(t, i + 1);
				if (b > e || e > tab[n].entries) {
					ds_err_set(err, DS_EFORMAT, "%s: bad %u-gram range", path, n + 1);
					goto fail;
				}
				g->n++;
				if (b < e) {
					d++;
					st[d].i = b;
					st[d].end = e;
				}
			} else {
				g->n++;
			}
		}
	}
	lm = ds_lm_build(&L, path, err);
	goto done;
trunc:
	ds_err_set(err, DS_EFORMAT, "%s: truncated Sphinx trie model (%zu bytes)", path, m.len);
	goto fail;
nomem:
	ds_err_set(err, DS_ENOMEM, "%s: out of memory reading the Sphinx model", path);
fail:
	lm = NULL;
done:
	for (int n = 1; n <= DS_LM_MAX_ORDER; n++) {
		free(L.g[n - 1].ids);
		free(L.g[n - 1].prob);
		free(L.g[n - 1].backoff);
	}
	free(words);
	free(map);
	ds_map_close(&m);
	return lm;
#undef NEED
}

int ds_lm_is_sphinx(const void *data, size_t len)
{
	return len >= sizeof MAGIC - 1 && memcmp(data, MAGIC, sizeof MAGIC - 1) == 0;
}
