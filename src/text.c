/*
 * text.c - UTF-8 decoding, normalisation, tokenisation, sentences,
 * paragraphs and boilerplate (see text.h).
 *
 * The scanner walks the original bytes once.  Each code point is decoded
 * (invalid bytes become U+FFFD), folded (typographic variants to ASCII) and
 * classified; tokens are built from folded characters while their byte
 * offsets stay those of the original.
 */
#include "text.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "stem.h"

/* ---- character classes ---- */
enum cls {
	C_SPACE, C_NL, C_LETTER, C_DIGIT, C_APOS, C_HYPHEN, C_PERIOD, C_COMMA,
	C_COLON, C_QUOTE, C_CURRENCY, C_PERCENT, C_SKIP, C_PUNCT
};

struct ch {
	enum cls cls;
	uint32_t cp;        /* folded code point (first one for expansions) */
	size_t next;        /* byte offset after the character */
	const char *fold;   /* folded UTF-8 form */
	uint8_t flen;       /* its length */
	uint8_t invalid;    /* was an invalid sequence */
	uint8_t upper;      /* an upper-case letter */
	uint8_t lower;      /* a lower-case letter */
	char buf[4];        /* storage for single-byte folds */
};

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

/* Decodes one code point at p[i], n bytes total.  Returns its length, or 0
 * for an invalid sequence (then one byte is skipped). */
static size_t utf8_decode(const unsigned char *p, size_t i, size_t n, uint32_t *cp)
{
	unsigned c = p[i];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
			*cp = ((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
			return 2;
		}
		return 0;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		uint32_t v;
		if (i + 2 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80)
			return 0;
		v = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
		if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		*cp = v;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		uint32_t v;
		if (i + 3 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80 ||
		    (p[i + 3] & 0xC0) != 0x80)
			return 0;
		v = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) |
		    ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
		if (v < 0x10000 || v > 0x10FFFF)
			return 0;
		*cp = v;
		return 4;
	}
	return 0;
}

/* Class of each ASCII byte, and bit 0x40 lower case, 0x80 upper case. */
static const uint8_t ASCII_CLASS[128] = {
#define CL(x) (uint8_t)(x)
	/* 0x00 */ CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE),
	CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_NL), CL(C_NL), CL(C_NL),
	CL(C_SKIP), CL(C_SPACE), CL(C_SPACE),
	/* 0x10 */ CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE),
	CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE),
	CL(C_SPACE), CL(C_SPACE), CL(C_SPACE), CL(C_SPACE),
	/* 0x20 */ CL(C_SPACE), CL(C_PUNCT), CL(C_QUOTE), CL(C_PUNCT), CL(C_CURRENCY),
	CL(C_PERCENT), CL(C_PUNCT), CL(C_APOS), CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT),
	CL(C_PUNCT), CL(C_COMMA), CL(C_HYPHEN), CL(C_PERIOD), CL(C_PUNCT),
	/* 0x30 */ CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT),
	CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT), CL(C_DIGIT), CL(C_COLON), CL(C_PUNCT),
	CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT),
	/* 0x40 */ CL(C_PUNCT), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	/* 0x50 */ CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80), CL(C_LETTER | 0x80),
	CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT),
	/* 0x60 */ CL(C_PUNCT), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	/* 0x70 */ CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40), CL(C_LETTER | 0x40),
	CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT), CL(C_PUNCT), CL(C_SPACE)
#undef CL
};

/* Per byte: 0 for anything but an ASCII letter or digit, else 1 for a
 * letter plus 2 for an upper-case one, 4 for a digit (the scanner's fast
 * path over runs of plain ASCII letters and digits). */
static const uint8_t ALNUM_BITS[256] = {
	['0'] = 4, ['1'] = 4, ['2'] = 4, ['3'] = 4, ['4'] = 4,
	['5'] = 4, ['6'] = 4, ['7'] = 4, ['8'] = 4, ['9'] = 4,
#define UP(x) [x] = 3, [x + 32] = 1
	UP('A'), UP('B'), UP('C'), UP('D'), UP('E'), UP('F'), UP('G'), UP('H'), UP('I'),
	UP('J'), UP('K'), UP('L'), UP('M'), UP('N'), UP('O'), UP('P'), UP('Q'), UP('R'),
	UP('S'), UP('T'), UP('U'), UP('V'), UP('W'), UP('X'), UP('Y'), UP('Z')
#undef UP
};

/* Eight bytes at a time (SWAR): the high bit of each byte of the result is
 * set where that byte is ASCII and lo < byte < hi (0 <= lo, hi <= 128;
 * exact, no carries between bytes). */
#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGH 0x8080808080808080ULL
static inline uint64_t swar_between(uint64_t x, unsigned lo, unsigned hi)
{
	uint64_t v = x & (SWAR_ONES * 127);
	return (SWAR_ONES * (127 + hi) - v) & ~x & (v + SWAR_ONES * (127 - lo)) & SWAR_HIGH;
}
static inline uint64_t swar_upper(uint64_t x)
{
	return swar_between(x, 'A' - 1, 'Z' + 1);
}
static inline uint64_t swar_lower(uint64_t x)
{
	return swar_between(x, 'a' - 1, 'z' + 1);
}
static inline uint64_t swar_digit(uint64_t x)
{
	return swar_between(x, '0' - 1, '9' + 1);
}
/* The number of bytes whose high bit m sets (a multiply adds them up; no
 * popcount instruction needed). */
static inline unsigned swar_count(uint64_t m)
{
	return (unsigned)(((m >> 7) * SWAR_ONES) >> 56);
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_LE 1
#else
#define SWAR_LE 0
#endif

static inline void ascii_char(struct ch *c, unsigned b)
{
	uint8_t k = ASCII_CLASS[b & 0x7f];
	c->cp = b;
	c->buf[0] = (char)b;
	c->fold = c->buf;
	c->flen = 1;
	c->cls = (enum cls)(k & 0x3f);
	c->lower = (k & 0x40) != 0;
	c->upper = (k & 0x80) != 0;
}

/* get_ch past ASCII: p[i] >= 0x80. */
static void get_ch_utf8(const unsigned char *p, size_t n, size_t i, struct ch *c)
{
	uint32_t cp;
	size_t l;
	c->invalid = c->upper = c->lower = 0;
	l = utf8_decode(p, i, n, &cp);
	if (l == 0) {
		c->next = i + 1;
		c->cp = 0xFFFD;
		c->fold = REPLACEMENT;
		c->flen = 3;
		c->invalid = 1;
		c->cls = C_LETTER;
		return;
	}
	c->next = i + l;
	c->cp = cp;
	c->fold = (const char *)p + i;
	c->flen = (uint8_t)l;
	c->cls = C_LETTER;
	switch (cp) {
	case 0x00A0: case 0x1680: case 0x202F: case 0x205F: case 0x3000:
		c->cls = C_SPACE;
		return;
	case 0x0085: case 0x2028: case 0x2029:
		c->cls = C_NL;
		return;
	case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
		c->cls = C_SKIP;
		return;
	case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x02BC:
	case 0xFF07:
		ascii_char(c, '\'');
		return;
	case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB:
	case 0x00BB: case 0xFF02:
		ascii_char(c, '"');
		return;
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
	case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D:
		ascii_char(c, '-');
		return;
	case 0x2026:
		c->cls = C_PERIOD;
		c->cp = '.';
		c->fold = "...";
		c->flen = 3;
		return;
	case 0xFB00: c->fold = "ff"; c->flen = 2; c->cp = 'f'; c->lower = 1; return;
	case 0xFB01: c->fold = "fi"; c->flen = 2; c->cp = 'f'; c->lower = 1; return;
	case 0xFB02: c->fold = "fl"; c->flen = 2; c->cp = 'f'; c->lower = 1; return;
	case 0xFB03: c->fold = "ffi"; c->flen = 3; c->cp = 'f'; c->lower = 1; return;
	case 0xFB04: c->fold = "ffl"; c->flen = 3; c->cp = 'f'; c->lower = 1; return;
	case 0xFB05: case 0xFB06: c->fold = "st"; c->flen = 2; c->cp = 's'; c->lower = 1; return;
	case 0x00A3: case 0x20AC: case 0x00A5:
		c->cls = C_CURRENCY;
		return;
	}
	if (cp >= 0x2000 && cp <= 0x200A) {
		c->cls = C_SPACE;
		return;
	}
	if (cp >= 0xFF01 && cp <= 0xFF5E) { /* full-width ASCII */
		ascii_char(c, cp - 0xFF01 + 0x21);
		return;
	}
	if (cp < 0xC0 || (cp >= 0x2016 && cp <= 0x2BFF) || (cp >= 0x3001 && cp <= 0x303F) ||
	    cp == 0x00D7 || cp == 0x00F7) {
		c->cls = C_PUNCT;
		return;
	}
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		c->upper = 1;
	else if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)
		c->lower = 1;
	else if (cp >= 0x100 && cp <= 0x17F)
		(cp & 1) ? (c->lower = 1) : (c->upper = 1);
}

/* Reads the character at byte offset i: ASCII inline, the rest out of
 * line. */
static inline __attribute__((always_inline)) void get_ch(const unsigned char *p, size_t n,
							 size_t i, struct ch *c)
{
	if (DS_LIKELY(p[i] < 0x80)) {
		c->invalid = c->upper = c->lower = 0;
		c->next = i + 1;
		ascii_char(c, p[i]);
		return;
	}
	get_ch_utf8(p, n, i, c);
}

/* Whether p[i] is a CR alone (no LF after it): the line end of old Mac
 * text, read as a LF.  The CR of a CR LF is passed over (C_SKIP): its LF
 * ends the line. */
static inline int lone_cr(const unsigned char *p, size_t n, size_t i)
{
	return p[i] == '\r' && (i + 1 >= n || p[i + 1] != '\n');
}

void ds_lower(char *dst, const char *src, size_t n)
{
	size_t i = 0;
	/* plain ASCII first, eight bytes at a time: a byte b < 0x80 is upper
	 * case when b + 0x3f reaches 0x80 (b >= 'A') and b + 0x25 does not
	 * (b <= 'Z'); no sum carries into the next byte */
	while (i + 8 <= n) {
		const uint64_t hi = 0x8080808080808080ULL;
		uint64_t x;
		memcpy(&x, src + i, 8);
		if (x & hi)
			break;
		x |= ((x + 0x3f3f3f3f3f3f3f3fULL) & ~(x + 0x2525252525252525ULL) & hi) >> 2;
		memcpy(dst + i, &x, 8);
		i += 8;
	}
	/* then byte by byte, without branches */
	while (i < n && !((unsigned char)src[i] & 0x80)) {
		unsigned char b = (unsigned char)src[i];
		dst[i] = (char)(b + (((unsigned)(b - 'A') < 26u) << 5));
		i++;
	}
	while (i < n) {
		unsigned char b = (unsigned char)src[i];
		if (b < 0x80) {
			dst[i] = (char)((b >= 'A' && b <= 'Z') ? b + 32 : b);
			i++;
		} else if (b == 0xC3 && i + 1 < n) {
			unsigned char b2 = (unsigned char)src[i + 1];
			dst[i] = (char)b;
			/* U+00C0..U+00DE except U+00D7 */
			dst[i + 1] = (char)((b2 >= 0x80 && b2 <= 0x9E && b2 != 0x97) ? b2 + 0x20 : b2);
			i += 2;
		} else if ((b == 0xC4 || b == 0xC5) && i + 1 < n) {
			unsigned char b2 = (unsigned char)src[i + 1];
			uint32_t cp = ((b & 0x1Fu) << 6) | (b2 & 0x3Fu);
			dst[i] = (char)b;
			/* Latin Extended-A: even = upper, odd = lower (mostly) */
			dst[i + 1] = (char)((cp >= 0x100 && cp <= 0x17F && !(cp & 1)) ? b2 + 1 : b2);
			i += 2;
		} else {
			dst[i] = (char)b;
			i++;
		}
	}
}

/* ---- abbreviations ---- */

/* Abbreviations that keep their period.  Titles never end a sentence. */
static const char *const TITLES[] = {
	"mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col",
	"capt", "sgt", "rev", "st", "mt", "ft", "jr", "sr", "hon", "pres", "supt",
	"adm", "cmdr", "maj", "cpl", "pvt", "messrs", "mme", "mlle", "no", "nos",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
	"dec", "vs", "v", "cf", "fig", "vol", "pp", "p", "ch", "art", "sec", "ave",
	"blvd", "rd", "ste", NULL
};
static const char *const ABBREVS[] = {
	"inc", "co", "corp", "ltd", "llc", "plc", "bros", "dept", "univ", "assn",
	"etc", "approx", "est", "govt", "intl", "natl", "ex", "al", "e.g", "i.e",
	"a.m", "p.m", NULL
};

/* The word lists are looked up through small hash sets of their words,
 * built once. */
#define WSET_SLOTS 256
_Static_assert(DS_HMAP_FIXED_OK(WSET_SLOTS), "WSET_SLOTS: a power of two, at least 2");
struct wordset {
	uint64_t key[WSET_SLOTS];   /* storage of map: hashes of the words */
	uint32_t val[WSET_SLOTS];
	struct ds_hmap map;
};

static void wset_build(struct wordset *ws, const char *const *list)
{
	ds_hmap_init_fixed(&ws->map, ws->key, ws->val, WSET_SLOTS);
	for (size_t i = 0; list[i]; i++)
		ds_hmap_put(&ws->map, ds_hash64(list[i], strlen(list[i]), 11), 1, NULL, NULL, NULL);
}

static int wset_has(const struct wordset *ws, const char *w, size_t n)
{
	return ds_hmap_find(&ws->map, ds_hash64(w, n, 11), NULL, NULL) != NULL;
}

static struct wordset ws_titles, ws_abbrevs, ws_starters;

/* The function words (all of at most 4 bytes) by their packed bytes: a
 * paragraph's words are looked up without a hash of the string. */
static struct ds_packset func_set;

void ds_packset_add(struct ds_packset *s, const char *w, size_t n, uint16_t val)
{
	uint64_t v = ds_pack_word(w, n);
	size_t k = ds_pack_slot(v);
	while (s->key[k] && s->key[k] != v)
		k = (k + 1) & (DS_PACK_SLOTS - 1);
	if (!s->key[k]) {
		s->key[k] = v;
		s->val[k] = val;
	}
}

static pthread_once_t ws_once = PTHREAD_ONCE_INIT;
static void ws_init(void);

/* Is w (any case, n bytes) one of the list's words? */
static int in_set(const struct wordset *ws, const char *w, size_t n)
{
	char low[16];
	if (n == 0 || n >= sizeof low)
		return 0;
	pthread_once(&ws_once, ws_init);
	ds_lower(low, w, n);
	return wset_has(ws, low, n);
}

/* Words that start sentences after an abbreviation like "U.S." */
static const char *const STARTERS[] = {
	"the", "a", "an", "it", "he", "she", "they", "we", "i", "but", "and", "in",
	"on", "this", "that", "there", "these", "those", "his", "her", "its",
	"their", "our", "after", "at", "for", "if", "when", "while", "as", "so",
	"yet", "still", "however", "meanwhile", "no", "some", "many", NULL
};

/* ---- document building ---- */

/* Whether the text's writer starts sentences in lower case ("thanks. i
 * tried it. then it worked.", as in many e-mails and chat messages): of
 * the full stops after a word of three letters or more and before a
 * letter, at least LOWER_STYLE_MIN are followed by a lower-case one, more
 * than twice as many as by a capital.  In such a text a sentence's end (a
 * full stop, "?", "!") ends it whatever the case of the next word; in any
 * other a lower-case word goes on the sentence ("approx. three", '"Why?"
 * he asked').  One pass of memchr over the text. */
#define LOWER_STYLE_MIN 3
static int lower_style(const unsigned char *p, size_t n, size_t from)
{
	size_t lower = 0, upper = 0;
	const unsigned char *q = p + from, *end = p + n;
	while ((q = memchr(q, '.', (size_t)(end - q))) != NULL) {
		const unsigned char *w = q, *a = q + 1;
		size_t wl = 0;
		while (w > p && ((w[-1] | 0x20) >= 'a' && (w[-1] | 0x20) <= 'z')) {
			w--;
			wl++;
		}
		q++;
		if (wl < 3 || (w > p && w[-1] == '.'))
			continue; /* "e.g.", "U.S.", "cu. ft.", an initial */
		if (a >= end || (*a != ' ' && *a != '\n'))
			continue;
		while (a < end && (*a == ' ' || *a == '\n'))
			a++;
		if (a >= end)
			break;
		if (*a >= 'a' && *a <= 'z')
			lower++;
		else if (*a >= 'A' && *a <= 'Z')
			upper++;
	}
	return lower >= LOWER_STYLE_MIN && lower > 2 * upper;
}

struct builder {
	struct ds_doc *d;
	const unsigned char *p;
	size_t n;
	int err;
	uint32_t para_start_tok;  /* first token of the open paragraph */
	uint32_t sent_start_tok;  /* first token of the open sentence */
	uint32_t para_start_byte;
	int in_quote;
	int end_pending;          /* last token ended a sentence (. ! ?) */
	int abbrev_pending;       /* last token was a general abbreviation */
	int new_para;             /* next token starts a paragraph */
	int lower_style;          /* sentences may start in lower case (lower_style) */
};

static void close_sentence(struct builder *b)
{
	struct ds_doc *d = b->d;
	if (b->sent_start_tok == d->ntok)
		return;
	if (ds_grow(&d->sent, &d->sent_cap, d->nsent + 1, sizeof *d->sent)) {
		b->err = DS_ENOMEM;
		return;
	}
	d->sent[d->nsent].tok_begin = b->sent_start_tok;
	d->sent[d->nsent].tok_end = (uint32_t)d->ntok;
	d->sent[d->nsent].para = (uint32_t)d->npara;
	d->sent[d->nsent].boiler = 0;
	d->nsent++;
	b->sent_start_tok = (uint32_t)d->ntok;
	b->end_pending = b->abbrev_pending = 0;
}

static void close_paragraph(struct builder *b, size_t end_byte)
{
	struct ds_doc *d = b->d;
	uint32_t first_sent;
	close_sentence(b);
	if (b->para_start_tok == d->ntok)
		return;
	if (ds_grow(&d->para, &d->para_cap, d->npara + 1, sizeof *d->para)) {
		b->err = DS_ENOMEM;
		return;
	}
	first_sent = (uint32_t)d->nsent;
	while (first_sent > 0 && d->sent[first_sent - 1].tok_begin >= b->para_start_tok)
		first_sent--;
	d->para[d->npara].sent_begin = first_sent;
	d->para[d->npara].sent_end = (uint32_t)d->nsent;
	d->para[d->npara].start = d->tok[b->para_start_tok].start;
	d->para[d->npara].end = (uint32_t)end_byte;
	d->para[d->npara].boiler = 0;
	d->npara++;
	b->para_start_tok = (uint32_t)d->ntok;
	b->in_quote = 0;
	b->new_para = 1;
	(void)first_sent;
}

/* A token's normalised bytes as the scanner builds them: at most
 * DS_TOK_MAX_BYTES of the word itself, then an abbreviation's period and a
 * possessive "'s" (or a number's percent sign), and the 7 bytes copy_lower
 * reads past the end. */
#define NORM_ROOM (DS_TOK_MAX_BYTES + 16)

/* Copies src[0..n) to out and its lower case (ds_lower) to low = out + n +
 * 1, each NUL-terminated: plain ASCII eight bytes at a time, as words
 * mostly are, the rest through ds_lower.  src may be read and low written
 * up to 7 bytes past their n (the callers' buffers have that room). */
static inline void copy_lower(char *out, char *low, const char *src, size_t n)
{
	size_t i = 0;
	if (SWAR_LE) {
		uint64_t any = 0;
		for (; i < n; i += 8) {
			uint64_t x;
			memcpy(&x, src + i, 8);
			if (n - i < 8)
				x &= ((uint64_t)1 << (8 * (n - i))) - 1;
			any |= x;
			memcpy(out + i, &x, 8);
		}
		if (!(any & SWAR_HIGH)) {
			/* low after out: out's last chunk ran into low's bytes */
			for (i = 0; i < n; i += 8) {
				uint64_t x;
				memcpy(&x, out + i, 8);
				x |= swar_upper(x) >> 2;
				memcpy(low + i, &x, 8);
			}
			out[n] = 0;
			low[n] = 0;
			return;
		}
		i = 0;
	}
	for (; i < n; i++) {
		unsigned char b = (unsigned char)src[i];
		if (b & 0x80)
			break;
		out[i] = (char)b;
		low[i] = (char)(b + (((unsigned)(b - 'A') < 26u) << 5));
	}
	if (i < n) { /* from a byte that starts a sequence, as ds_lower reads it */
		memcpy(out + i, src + i, n - i);
		ds_lower(low + i, src + i, n - i);
	}
	out[n] = 0;
	low[n] = 0;
}

/* Appends a token; norm holds its normalised bytes. */
static void emit(struct builder *b, size_t start, size_t end, const char *norm, size_t nlen,
		 int kind, int flags)
{
	struct ds_doc *d = b->d;
	struct ds_token *t;
	char *low;
	if (b->err)
		return;
	/* the pool has 8 bytes to spare after the two forms (copy_lower) */
	if ((d->ntok >= d->tok_cap && ds_grow(&d->tok, &d->tok_cap, d->ntok + 1, sizeof *d->tok)) ||
	    (d->pool_len + 2 * nlen + 10 > d->pool_cap &&
	     ds_grow(&d->pool, &d->pool_cap, d->pool_len + 2 * nlen + 10, 1))) {
		b->err = DS_ENOMEM;
		return;
	}
	t = &d->tok[d->ntok];
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	/* the normalised form, then its lower case, both NUL-terminated */
	low = d->pool + d->pool_len;
	copy_lower(low, low + nlen + 1, norm, nlen);
	t->norm = (uint32_t)d->pool_len;
	t->lower = (uint32_t)(d->pool_len + nlen + 1);
	d->pool_len += 2 * nlen + 2;
	t->stem = DS_NO_STEM;
	t->stem_len = 0;
	t->norm_len = (uint16_t)nlen;
	t->kind = (uint8_t)kind;
	t->flags = (uint8_t)flags;
	t->pad = 0;
	if (b->new_para) {
		t->flags |= DS_TF_PARA_START;
		b->new_para = 0;
	}
	if (b->sent_start_tok == d->ntok)
		t->flags |= DS_TF_SENT_START;
	t->sent = (uint32_t)d->nsent;
	d->ntok++;
	d->n_words += kind != DS_TOK_PUNCT;
}

static int is_closer(const struct ds_doc *d, size_t i)
{
	const char *s = ds_tok_norm(d, i);
	return d->tok[i].kind == DS_TOK_PUNCT &&
	       (strcmp(s, "\"") == 0 || strcmp(s, "'") == 0 || strcmp(s, ")") == 0 ||
		strcmp(s, "]") == 0);
}

/* Whether the quote mark starting at byte start closes a quotation: a curly
 * mark says which it is (U+201D, U+00BB close; U+201C, U+201E, U+00AB
 * open); a straight one closes the quotation that is open. */
static int quote_closes(const struct builder *b, size_t start)
{
	uint32_t cp;
	if (utf8_decode(b->p, start, b->n, &cp) == 0)
		return b->in_quote;
	switch (cp) {
	case 0x201D: case 0x00BB:
		return 1;
	case 0x201C: case 0x201E: case 0x00AB:
		return 0;
	}
	return b->in_quote;
}

/* Called before a token of the given first character is emitted: decides
 * whether a pending sentence end takes effect. */
static void maybe_break(struct builder *b, const struct ch *c, const char *word, size_t wlen)
{
	if (b->end_pending) {
		if (c->upper || c->cls == C_DIGIT || c->cls == C_CURRENCY || c->cp == '(' ||
		    (c->cls == C_LETTER && (!c->lower || b->lower_style)))
			close_sentence(b);
		b->end_pending = 0;
	} else if (b->abbrev_pending) {
		if (c->upper && in_set(&ws_starters, word, wlen))
			close_sentence(b);
		b->abbrev_pending = 0;
	}
}

static inline int is_alnum_cls(enum cls k)
{
	return k == C_LETTER || k == C_DIGIT;
}

/* Whether the run of text from j to the next space goes on as an address
 * or a name with parts ("Smith@example.com", "Example.Com/news",
 * "Final.docx"): an '@' or a '/', or a dot before a letter or digit.  Only
 * the first 64 bytes are looked at.  Seldom asked: kept out of the word
 * scan's code (inlined, it cost the tokeniser 1% more instructions). */
static __attribute__((noinline, cold)) int dotted_run_ahead(const unsigned char *p, size_t n,
							     size_t j)
{
	for (size_t e = j + 64 < n ? j + 64 : n; j < e; j++) {
		unsigned char x = p[j];
		if (x == ' ' || x == '\t' || x == '\n' || x == '\r')
			return 0;
		if (x == '@' || x == '/')
			return 1;
		if (x == '.' && j + 1 < n && ALNUM_BITS[p[j + 1]])
			return 1;
	}
	return 0;
}

/* Scans a word or number starting at i; returns the byte offset after it. */
static size_t scan_word(struct builder *b, size_t i, const struct ch *first)
{
	const unsigned char *p = b->p;
	size_t n = b->n;
	char norm[NORM_ROOM];
	size_t nlen = 0, start = i, end;
	struct ch c, c2, c3;
	int letters = 0, uppers = 0, digits_only = 1, has_inner_period = 0;
	int single_letter_segments = 1, seg_len = 0, flags = 0, kind;
	int seg_letters0 = 0, seg_uppers0 = 0; /* letters, uppers before the segment */
	int is_num = first->cls == C_DIGIT || first->cls == C_CURRENCY;
	int abbrev = 0; /* 1 title, 2 general */

	/* decoded again rather than copied: a copy of *first, written a byte
	 * at a time a moment ago, costs a stalled load */
	get_ch(p, n, i, &c);
#define PUT(ch)                                                                  \
	do {                                                                     \
		if ((ch).flen == 1)                                              \
			norm[nlen] = (ch).fold[0];                               \
		else                                                             \
			memcpy(norm + nlen, (ch).fold, (ch).flen);               \
		nlen += (ch).flen;                                               \
	} while (0)

	if (first->cls == C_CURRENCY) {
		PUT(c);
		i = c.next;
		get_ch(p, n, i, &c);
	}
	for (;;) {
		/* a character that is not shown (a soft hyphen, a zero-width
		 * space) is passed over inside a word; a CR ends it there, as
		 * the LF of its line would (the word of "word\r\n" is "word") */
		if (c.cls == C_SKIP && c.next < n && p[i] != '\r') {
			i = c.next;
			get_ch(p, n, i, &c);
			if (!is_alnum_cls(c.cls))
				break;
			continue;
		}
		if (is_alnum_cls(c.cls)) {
			if (nlen + c.flen > DS_TOK_MAX_BYTES) {
				flags |= DS_TF_LONG;
				break;
			}
			if (p[i] >= 0x80) { /* a character past ASCII, on its own */
				PUT(c);
				if (c.invalid)
					flags |= DS_TF_INVALID;
				if (c.cls == C_LETTER) {
					letters++;
					uppers += c.upper;
					digits_only = 0;
				}
				seg_len++;
				i = c.next;
			}
			/* fast path: a run of plain ASCII letters and digits (an
			 * ASCII character at i starts it), copied as measured:
			 * whole words of norm written in one store read back in
			 * one load (copy_lower) */
			{
				size_t j = i, lim = i + (DS_TOK_MAX_BYTES - nlen);
				int run_letters = 0, run_uppers = 0;
				if (lim > n)
					lim = n;
				/* eight bytes at a time while they lie inside the
				 * text and the token's room (NORM_ROOM) */
				while (SWAR_LE && j + 8 <= lim) {
					uint64_t x, up, let, stop;
					memcpy(&x, p + j, 8);
					memcpy(norm + nlen + (j - i), &x, 8);
					up = swar_upper(x);
					let = up | swar_lower(x);
					stop = ~(let | swar_digit(x)) & SWAR_HIGH;
					if (stop) {
						uint64_t m = (stop & -stop) - 1; /* bytes before */
						run_letters += (int)swar_count(let & m);
						run_uppers += (int)swar_count(up & m);
						j += (size_t)__builtin_ctzll(stop) >> 3;
						goto run_end;
					}
					run_letters += (int)swar_count(let);
					run_uppers += (int)swar_count(up);
					j += 8;
				}
				for (uint8_t k; j < lim && (k = ALNUM_BITS[p[j]]) != 0; j++) {
					norm[nlen + (j - i)] = (char)p[j];
					run_letters += k & 1;
					run_uppers += (k >> 1) & 1;
				}
			run_end:
				nlen += j - i;
				seg_len += (int)(j - i);
				letters += run_letters;
				uppers += run_uppers;
				if (run_letters)
					digits_only = 0;
				i = j;
			}
			if (i >= n)
				break;
			get_ch(p, n, i, &c);
			continue;
		}
		if (i >= n || c.next >= n)
			break;
		/* only these join what follows them to the word */
		if (c.cls != C_APOS && c.cls != C_HYPHEN && c.cls != C_PERIOD && c.cls != C_COMMA &&
		    c.cls != C_COLON)
			break;
		get_ch(p, n, c.next, &c2);
		if (c.cls == C_APOS && c2.cls == C_LETTER && !is_num) {
			/* Russia's, didn't, O'Brien */
		} else if (c.cls == C_HYPHEN && is_alnum_cls(c2.cls)) {
			/* face-to-face, COVID-19 */
			if (c.flen != 1)
				break;
		} else if (c.cls == C_PERIOD && c.flen == 1 && is_alnum_cls(c2.cls)) {
			/* U.S, 1.13, example.com; but a full stop whose space was
			 * lost ("accessible.Then", "Tuesday.The") ends the word:
			 * after two lower-case letters or more, or (the word's
			 * first part) a capital and two or more, or a title
			 * ("Mr.Smith"), before a capital
			 * and a lower-case letter ("ASP.NET", "node.JS", "U.S.Army"
			 * stay whole), unless an address or a name with parts
			 * goes on ("John.Smith@example.com", "Report.Final.docx") */
			if (c2.cls == C_LETTER && c2.upper && seg_len >= 2 &&
			    letters - seg_letters0 == seg_len && c2.next < n &&
			    (uppers == seg_uppers0 ||
			     (!has_inner_period && uppers == 1 && first->cls == C_LETTER &&
			      first->upper && (seg_len >= 3 || in_set(&ws_titles, norm, nlen))))) {
				get_ch(p, n, c2.next, &c3);
				if (c3.cls == C_LETTER && c3.lower && !dotted_run_ahead(p, n, c3.next))
					break;
			}
			has_inner_period = 1;
			if (seg_len != 1)
				single_letter_segments = 0;
			seg_len = -1;
		} else if ((c.cls == C_COMMA || c.cls == C_COLON) && is_num && digits_only &&
			   c2.cls == C_DIGIT) {
			/* 1,200 (exactly three digits follow) and 3:53 */
			if (c.cls == C_COMMA) {
				size_t j = c2.next;
				int k = 1;
				while (j < n && k < 4 && p[j] >= '0' && p[j] <= '9') {
					j++;
					k++;
				}
				if (k != 3 || (j < n && p[j] >= '0' && p[j] <= '9'))
					break;
			}
		} else {
			break;
		}
		if (nlen + c.flen + c2.flen > DS_TOK_MAX_BYTES)
			break;
		PUT(c);
		i = c.next;
		c = c2;
		if (seg_len == -1) {
			seg_len = 0;
			seg_letters0 = letters;
			seg_uppers0 = uppers;
		}
	}
	end = i;
	if (seg_len != 1)
		single_letter_segments = 0;
	/* trailing % after a number */
	if (is_num && i < n && c.cls == C_PERCENT) {
		PUT(c);
		end = c.next;
		i = end;
		if (i < n)
			get_ch(p, n, i, &c);
	}
	/* abbreviation period: U.S. Feb. Mr. J. */
	if (i < n && c.cls == C_PERIOD && c.flen == 1 && !is_num && letters > 0) {
		int take = 0;
		if (has_inner_period && single_letter_segments) {
			take = 2;
		} else if (!has_inner_period && in_set(&ws_titles, norm, nlen)) {
			take = 1;
			/* "no." only before a number */
			if (nlen == 2 && (norm[0] == 'n' || norm[0] == 'N')) {
				size_t j = c.next;
				while (j < n && p[j] == ' ')
					j++;
				take = (j < n && p[j] >= '0' && p[j] <= '9') ? 1 : 0;
			}
		} else if (!has_inner_period && in_set(&ws_abbrevs, norm, nlen)) {
			take = 2;
		} else if (letters == 1 && uppers == 1 && nlen == 1) {
			take = 1; /* initial */
		} else if (has_inner_period && in_set(&ws_abbrevs, norm, nlen)) {
			take = 2;
		}
		if (take) {
			PUT(c);
			end = i = c.next;
			abbrev = take;
			/* possessive after an abbreviation: U.K.'s */
			if (i + 1 < n) {
				get_ch(p, n, i, &c2);
				if (c2.cls == C_APOS && c2.next < n) {
					get_ch(p, n, c2.next, &c3);
					if (c3.cp == 's' && (c3.next >= n || !is_alnum_cls((get_ch(p, n, c3.next, &c), c.cls)))) {
						PUT(c2);
						PUT(c3);
						end = c3.next;
					}
				}
			}
		}
	}
	kind = is_num ? DS_TOK_NUM : DS_TOK_WORD;
	if (is_num && letters > 0 && !ds_num_class(norm, nlen))
		kind = DS_TOK_WORD;
	if (letters > 0 && (first->upper || (first->cls == C_LETTER && !first->lower && !first->invalid)))
		flags |= DS_TF_CAP;
	if (letters >= 2 && uppers == letters)
		flags |= DS_TF_UPPER;
	if (b->in_quote)
		flags |= DS_TF_QUOTED;
	maybe_break(b, first, norm, nlen);
	emit(b, start, end, norm, nlen, kind, flags);
	if (abbrev == 2)
		b->abbrev_pending = 1;
#undef PUT
	return end;
}

/* ---- boilerplate ---- */

static const char *const BOILER_SUBSTR[] = {
	"subscribe", "indicates required", "skip to content", "sign up", "newsletter",
	"all rights reserved", "cookie", "privacy policy", "terms of use",
	"terms of service", "share this", "read more", "advertisement", "follow us",
	"most popular", "editors' picks", "editor's picks", "latest news", "more news",
	"related articles", "related stories", "log in", "enter your email",
	"email address", "min read", "pre-order", "shop now", "learn more", "click here",
	"copyright", "download the app", "contact us", "about us", "back to top",
	"getty images", "ap photo", "share on", "recommended for you", "you may also like",
	"watch live", "sponsored", "(c) ",
	/* a label before a link to another article ("Related: HEADLINE") */
	"related :", "see also", "also read", "read also", "more from", NULL
};
static const char *const BOILER_LINE[] = {
	"comments", "more", "print", "share", "menu", "search", "home", "news feed",
	"sections", "store", "jobs", "team", "featured", "follow", "close", "next",
	"previous", "top stories", "trending", "video", "photos", "opinion", NULL
};

struct para_info {
	int nwords, ncap, nfunc, terminal, bullet, phrase, teaser, boiler;
};

static const char *const FUNC_WORDS[] = {
	"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "but", "is",
	"are", "was", "were", "be", "has", "have", "had", "with", "by", "at", "as",
	"that", "this", "it", "he", "she", "they", "we", "from", "not", "will", NULL
};

static void ws_init(void)
{
	wset_build(&ws_titles, TITLES);
	wset_build(&ws_abbrevs, ABBREVS);
	wset_build(&ws_starters, STARTERS);
	for (size_t i = 0; FUNC_WORDS[i]; i++)
		ds_packset_add(&func_set, FUNC_WORDS[i], strlen(FUNC_WORDS[i]), 1);
}

static int word_in(const char *const *list, const char *w)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

static void para_features(const struct ds_doc *d, size_t pi, struct para_info *f)
{
	const struct ds_para *pa = &d->para[pi];
	uint32_t tb = d->sent[pa->sent_begin].tok_begin;
	uint32_t te = d->sent[pa->sent_end - 1].tok_end;
	char line[512];
	size_t ll = 0;
	int copyright = 0;
	pthread_once(&ws_once, ws_init);
	memset(f, 0, sizeof *f);
	/* the words, capitals and a copyright sign among the tokens that the
	 * paragraph's line (its lower-case forms joined by spaces, as much of
	 * them as fits) would hold */
	for (uint32_t i = tb; i < te; i++) {
		size_t l = d->tok[i].norm_len;
		if (d->tok[i].kind != DS_TOK_PUNCT) {
			f->nwords++;
			if (d->tok[i].flags & DS_TF_CAP)
				f->ncap++;
		} else if (l == 2 && ll + l + 2 < sizeof line &&
			   memcmp(ds_tok_lower(d, i), "\xC2\xA9", 2) == 0) {
			copyright = 1;
		}
		if (ll + l + 2 < sizeof line)
			ll += l + (ll > 0);
	}
	{
		const char *first = ds_tok_norm(d, tb);
		if (d->tok[tb].kind == DS_TOK_PUNCT && te - tb > 1 &&
		    (strcmp(first, "-") == 0 || strcmp(first, "*") == 0 ||
		     strcmp(first, "\xE2\x80\xA2") == 0 || strcmp(first, "\xC2\xB7") == 0))
			f->bullet = 1;
	}
	{
		uint32_t last = te - 1;
		while (last > tb && is_closer(d, last))
			last--;
		const char *s = ds_tok_norm(d, last);
		if (d->tok[last].kind == DS_TOK_PUNCT &&
		    (strchr(".!?:;", s[0]) != NULL))
			f->terminal = 1;
		if (strcmp(s, "...") == 0 && last > tb && d->tok[last - 1].kind != DS_TOK_PUNCT &&
		    d->tok[last].start == d->tok[last - 1].end)
			f->teaser = 1;
	}
	/* function words matter only to a line of capitals without a full
	 * stop (a navigation menu: mark_boilerplate) */
	if (!f->terminal && f->nwords >= 4 && f->ncap * 10 >= f->nwords * 8)
		for (uint32_t i = tb; i < te; i++) {
			size_t l = d->tok[i].norm_len;
			/* the list's words are short, and the form is lower case already */
			if (d->tok[i].kind != DS_TOK_PUNCT && l <= 4 &&
			    ds_packset_find(&func_set, ds_tok_lower(d, i), l) >= 0)
				f->nfunc++;
		}
	if (copyright)
		f->phrase = 1;
	/* only short paragraphs can be page furniture by their wording */
	if (f->phrase || f->nwords > 12)
		return;
	ll = 0;
	for (uint32_t i = tb; i < te; i++) {
		size_t l = d->tok[i].norm_len;
		if (ll + l + 2 < sizeof line) {
			if (ll)
				line[ll++] = ' ';
			memcpy(line + ll, ds_tok_lower(d, i), l);
			ll += l;
		}
	}
	line[ll] = 0;
	for (size_t k = 0; BOILER_SUBSTR[k]; k++)
		if (strstr(line, BOILER_SUBSTR[k])) {
			f->phrase = 1;
			break;
		}
	if (!f->phrase && word_in(BOILER_LINE, line))
		f->phrase = 1;
	if (strstr(line, " / ") && f->nwords <= 8)
		f->phrase = 1; /* photo credit: "Name / AP" */
}

static void mark_boilerplate(struct ds_doc *d)
{
	size_t np = d->npara;
	struct para_info *f;
	if (np == 0)
		return;
	f = calloc(np, sizeof *f);
	if (!f)
		return;
	for (size_t i = 0; i < np; i++) {
		struct para_info *x = &f[i];
		para_features(d, i, x);
		if (x->phrase && (x->nwords <= 8 || (!x->terminal && x->nwords <= 12)))
			x->boiler = 1;
		else if (x->nwords <= 3 && !x->terminal)
			x->boiler = 1; /* headings, datelines, menu items, credits */
		else if (!x->terminal && x->nwords >= 4 && x->ncap * 10 >= x->nwords * 8 &&
			 x->nfunc * 10 <= x->nwords)
			x->boiler = 1; /* navigation menu: all capitalised, no function words */
		else if (x->teaser)
			x->boiler = 1; /* truncated teaser of another article */
	}
	/* runs of >= 3 bulleted lines: lists of headlines or links, unless
	 * most items are sentences (a list of points, which is text) */
	for (size_t i = 0; i < np;) {
		size_t j = i, sentences = 0;
		while (j < np && f[j].bullet) {
			sentences += f[j].terminal && f[j].nwords >= 6;
			j++;
		}
		if (j - i >= 3 && sentences * 2 < j - i)
			for (size_t k = i; k < j; k++)
				f[k].boiler = 1;
		i = j > i ? j : i + 1;
	}
	/* a headline without a full stop right before boilerplate */
	for (size_t i = np - 1; i > 0; i--)
		if (f[i].boiler && !f[i - 1].boiler && !f[i - 1].terminal && f[i - 1].nwords <= 20)
			f[i - 1].boiler = 1;
	/* The article core: the run of paragraphs with the most prose, where a
	 * paragraph of prose weighs by its length and a boilerplate one counts
	 * against.  What lies before and after it is page furniture when mostly
	 * boilerplate already. */
	{
		long sum = 0, best = -1;
		size_t bs = 0, be = 0, s0 = 0;
		for (size_t i = 0; i < np; i++) {
			if (sum <= 0) {
				sum = 0;
				s0 = i;
			}
			sum += f[i].boiler ? -2 : (long)(f[i].nwords / 8 + 1);
			if (sum > best) {
				best = sum;
				bs = s0;
				be = i + 1;
			}
		}
		if (best > 0) {
			size_t nb = 0;
			for (size_t i = 0; i < bs; i++)
				nb += (size_t)f[i].boiler;
			if (bs && nb * 2 >= bs)
				for (size_t i = 0; i < bs; i++)
					f[i].boiler = 1;
			nb = 0;
			for (size_t i = be; i < np; i++)
				nb += (size_t)f[i].boiler;
			if (be < np && nb * 2 >= np - be)
				for (size_t i = be; i < np; i++)
					f[i].boiler = 1;
		}
	}
	{
		/* a text that is all "boilerplate" is a short note, not a page */
		size_t nb = 0;
		for (size_t i = 0; i < np; i++)
			nb += (size_t)f[i].boiler;
		if (nb == np)
			for (size_t i = 0; i < np; i++)
				f[i].boiler = f[i].phrase && f[i].nwords <= 8;
	}
	/* every token lies in a paragraph: the words outside boilerplate are
	 * those of the paragraphs kept */
	d->n_words = 0;
	for (size_t i = 0; i < np; i++) {
		struct ds_para *pa = &d->para[i];
		pa->boiler = (uint32_t)f[i].boiler;
		if (!pa->boiler)
			d->n_words += (size_t)f[i].nwords;
		for (uint32_t s = pa->sent_begin; s < pa->sent_end; s++) {
			d->sent[s].boiler = pa->boiler;
			if (pa->boiler)
				for (uint32_t t = d->sent[s].tok_begin; t < d->sent[s].tok_end; t++)
					d->tok[t].flags |= DS_TF_BOILER;
		}
	}
	free(f);
}

/* ---- the date header ---- */

/* Where a date header would start: past a byte-order mark and blanks. */
static size_t header_start(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Past the time of an ISO 8601 date and time that may follow a date at j
 * ("T10:00", "T10:00:00.5Z", "T10:00+02:00"): the offset after it, or j
 * when none follows. */
static size_t time_end(const char *s, size_t n, size_t j)
{
	size_t k;
	if (j + 1 >= n || s[j] != 'T' || !is_digit(s[j + 1]))
		return j;
	for (k = j + 1; k < n && (is_digit(s[k]) || (s[k] && strchr(":.,+-Z", s[k]))); k++)
		;
	return k;
}

size_t ds_text_date(const char *s, size_t n, char date[11])
{
	size_t i = header_start(s, n), j;
	date[0] = 0;
	if (i + 15 > n || strncmp(s + i, "date ", 5) != 0 || !ds_is_iso_date(s + i + 5))
		return 0;
	i += 5;
	j = time_end(s, n, i + 10);
	if (j < n && !is_blank(s[j]))
		return 0;
	memcpy(date, s + i, 10);
	date[10] = 0;
	i = j;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

enum { DATE_LIKE_MAX = 20 }; /* bytes of what looks like a date (ds_text_bad_date) */

static int is_sep(char c) { return c == '-' || c == '/' || c == '.'; }

size_t ds_text_bad_date(const char *s, size_t n, size_t *at)
{
	size_t i = header_start(s, n), j = i + 5;
	int two_parts = 0; /* a digit after a separator */
	char date[11];
	*at = 0;
	if (n - i < 6 || memcmp(s + i, "date ", 5) != 0 || !is_digit(s[j]) ||
	    ds_text_date(s, n, date))
		return 0;
	for (; j < n && (is_digit(s[j]) || is_sep(s[j])); j++)
		two_parts |= is_digit(s[j]) && is_sep(s[j - 1]);
	if (!two_parts || j - i - 5 > DATE_LIKE_MAX)
		return 0;
	j = time_end(s, n, j);
	if (j - i - 5 > 2 * DATE_LIKE_MAX || (j < n && !is_blank(s[j])))
		return 0;
	*at = i;
	return j - i;
}

static size_t parse_date_header(struct ds_doc *d)
{
	return ds_text_date(d->text, d->len, d->date);
}

/* ---- main entry ---- */

/* Whether c is a code point of text: a Unicode scalar value that is no
 * NUL and no control but the blanks and line ends. */
static int text_point(uint32_t c)
{
	return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF) &&
	       (c >= 0x20 || (c >= '\t' && c <= '\r'));
}

/* Text in UTF-32 or UTF-16, which a reader of UTF-8 cannot take: its
 * name, byte order and whether it opens with a byte order mark. */
struct wide {
	const char *name; /* "UTF-32", "UTF-16", or NULL for neither */
	int big;          /* big-endian */
	int bom;
};

/* UTF-32 if p has its byte order mark (FF FE 00 00 or 00 00 FE FF, tried
 * before UTF-16's, FF FE being the start of one), or if its first 256 code
 * units are all code points of text (text_point) and three in four of them
 * ASCII; else UTF-16 if p has its mark, or NUL in most of the high bytes of
 * its first 256 code units and in none of the low ones; else neither.  The
 * two readings exclude each other: ASCII in UTF-32 has NUL in the low byte
 * of every other UTF-16 unit, and UTF-16 no NUL high byte in UTF-32's. */
static struct wide wide_kind(const unsigned char *p, size_t n)
{
	struct wide w = {NULL, 0, 0};
	size_t zero[2] = {0, 0}, units = n / 4 < 256 ? n / 4 : 256, ascii[2] = {0, 0};
	int text[2] = {1, 1}; /* little-, big-endian */
	if (n >= 4 && (memcmp(p, "\xFF\xFE\0\0", 4) == 0 || memcmp(p, "\0\0\xFE\xFF", 4) == 0))
		return (struct wide){"UTF-32", p[0] == 0, 1};
	for (size_t i = 0; i < units && (text[0] || text[1]); i++) {
		const unsigned char *u = p + 4 * i;
		uint32_t le = u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
		uint32_t be = u[3] | (uint32_t)u[2] << 8 | (uint32_t)u[1] << 16 | (uint32_t)u[0] << 24;
		text[0] = text[0] && text_point(le);
		text[1] = text[1] && text_point(be);
		ascii[0] += le < 0x80;
		ascii[1] += be < 0x80;
	}
	for (int b = 0; b < 2 && units >= 2; b++)
		if (text[b] && ascii[b] * 4 >= units * 3)
			return (struct wide){"UTF-32", b, 0};
	if (n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff)))
		return (struct wide){"UTF-16", p[0] == 0xfe, 1};
	units = n / 2 < 256 ? n / 2 : 256;
	if (units < 2)
		return w;
	for (size_t i = 0; i < units; i++) {
		zero[0] += p[2 * i] == 0;
		zero[1] += p[2 * i + 1] == 0;
	}
	if (zero[1] * 4 >= units * 3 && zero[0] == 0)
		return (struct wide){"UTF-16", 0, 0};
	if (zero[0] * 4 >= units * 3 && zero[1] == 0)
		return (struct wide){"UTF-16", 1, 0};
	return w;
}

/* What a document that is not text is, by its first bytes, with how to get
 * its text; NULL when it is none of these. */
static const char *document_kind(const unsigned char *p, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} kinds[] = {
		{"%PDF-", 5, "a PDF document, not text: extract its text first, e.g. with "
			     "'pdftotext FILE -'"},
		{"PK\x03\x04", 4, "a ZIP archive (a spreadsheet, a presentation, or a .docx, .odt "
				 "or .epub this reading does not take), not text: save or extract its "
				 "text first"},
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "an old Office document, not text: save "
							 "it as plain text first"},
		{"{\\rtf", 5, "an RTF document, not plain text: save it as plain text first"},
		{"\x1F\x8B", 2, "gzip-compressed, not text: decompress it first (zcat)"},
		{"WARC/1.", 7, "a WARC web archive, not an article: name the archive as a file "
			       "(its pages are read as articles), or pipe 'despin warc FILE' into "
			       "--stdin-json"},
		{"\x28\xB5\x2F\xFD", 4, "zstd-compressed, not text: decompress it first (zstdcat)"},
		{"\xFD" "7zXZ", 5, "xz-compressed, not text: decompress it first (xzcat)"},
		{"BZh", 3, NULL}, /* bzip2 only with its block magic after the level */
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		if (n < kinds[k].len || memcmp(p, kinds[k].magic, kinds[k].len) != 0)
			continue;
		if (kinds[k].what)
			return kinds[k].what;
		if (n >= 10 && p[3] >= '1' && p[3] <= '9' && memcmp(p + 4, "1AY&SY", 6) == 0)
			return "bzip2-compressed, not text: decompress it first (bzcat)";
	}
	return NULL;
}

/* Counts the bytes of p that are no part of well-formed UTF-8 (*bad, the
 * first at *first) and the control bytes that text does not hold (*ctrl). */
static void count_bytes(const unsigned char *p, size_t n, size_t *bad, size_t *ctrl,
			size_t *first)
{
	size_t i = 0;
	*bad = *ctrl = 0;
	*first = n;
	while (i < n) {
		uint32_t cp;
		size_t l;
		/* eight bytes at a time while they are ASCII and none below 0x20 */
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, p + i, 8);
			if (((x | (((x | 0x8080808080808080ULL) - 0x2020202020202020ULL) ^
				   0x8080808080808080ULL)) & 0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (p[i] < 0x80) {
			if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' &&
			    p[i] != '\f' && p[i] != '\v')
				(*ctrl)++;
			i++;
			continue;
		}
		l = utf8_decode(p, i, n, &cp);
		if (l == 0) {
			if (!*bad)
				*first = i;
			(*bad)++;
			i++;
		} else {
			i += l;
		}
	}
}

/* Whether n bytes with bad invalid UTF-8 and ctrl control bytes are too
 * few of them text to be read as text. */
static int binary_share(size_t n, size_t bad, size_t ctrl)
{
	return n >= 64 && (bad + ctrl) * 10 > n;
}

static int check_binary(const unsigned char *p, size_t n, const char *name, struct ds_err *err)
{
	size_t ctrl, bad, first;
	const void *nul = memchr(p, 0, n);
	const char *kind = document_kind(p, n);
	struct wide w = wide_kind(p, n);
	/* iconv reads the byte order from a mark; without one it is named */
	if (w.name)
		return ds_err_set(err, DS_EBINARY,
				  "%s: %s text (%s), not UTF-8: convert it first, e.g. with "
				  "'iconv -f %s%s -t UTF-8'", name, w.name,
				  w.big ? "big-endian" : "little-endian", w.name,
				  w.bom ? "" : w.big ? "BE" : "LE");
	if (kind)
		return ds_err_set(err, DS_EBINARY, "%s: %s", name, kind);
	if (nul)
		return ds_err_set(err, DS_EBINARY,
				  "%s: binary file (NUL byte at offset %zu), not text", name,
				  (size_t)((const unsigned char *)nul - p));
	count_bytes(p, n, &bad, &ctrl, &first);
	if (binary_share(n, bad, ctrl))
		return ds_err_set(err, DS_EBINARY,
				  "%s: binary file (%zu invalid UTF-8 and %zu control bytes in %zu), not text",
				  name, bad, ctrl, n);
	return 0;
}

size_t ds_text_legacy_bytes(const char *text, size_t len, size_t *first)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t bad, ctrl, at;
	if (first)
		*first = 0;
	if (!len) /* text may then be NULL, which memchr may not be given */
		return 0;
	if (memchr(p, 0, len) || wide_kind(p, len).name || document_kind(p, len))
		return 0;
	count_bytes(p, len, &bad, &ctrl, &at);
	if (!bad || binary_share(len, bad, ctrl))
		return 0;
	if (first)
		*first = at;
	return bad;
}

/* The error of a text without a single token. */
static int empty_error(const char *name, struct ds_err *err)
{
	return ds_err_set(err, DS_EEMPTY, "%s: empty file (no text)", name);
}

/* Whether p[i, n) holds a token: ds_doc_new makes one of every character
 * that is not a blank, a line end or one passed over (a soft hyphen, a
 * zero-width space, a byte-order mark).  Looked for without tokenising, and
 * most texts show one in their first bytes. */
static int holds_token(const unsigned char *p, size_t n, size_t i)
{
	while (i < n) {
		struct ch c;
		get_ch(p, n, i, &c);
		if (c.cls != C_SPACE && c.cls != C_NL && c.cls != C_SKIP)
			return 1;
		i = c.next;
	}
	return 0;
}

int ds_text_check(const char *text, size_t len, const char *name, struct ds_err *err)
{
	const char *nm = name ? name : "<input>";
	char date[11];
	int rc;
	if (!len) /* text may then be NULL, which memchr may not be given */
		return empty_error(nm, err);
	if ((rc = check_binary((const unsigned char *)text, len, nm, err)))
		return rc;
	if (!holds_token((const unsigned char *)text, len, ds_text_date(text, len, date)))
		return empty_error(nm, err);
	return 0;
}

/* Asks for huge pages under a large array (where the system gives them on
 * request): a whole large file then takes a few hundred page faults
 * instead of tens of thousands.  Only a hint; failures are ignored. */
static void huge_hint(void *p, size_t n)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
	if (n >= 4 * huge && e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

struct ds_doc *ds_doc_new(const char *text, size_t len, const char *name,
			  size_t max_bytes, struct ds_err *err)
{
	struct ds_doc *d;
	struct builder b;
	size_t i;
	const char *nm = name ? name : "<input>";

	if (!max_bytes)
		max_bytes = DS_DOC_MAX_BYTES_DEFAULT;
	if (len > max_bytes) {
		ds_err_set(err, DS_ETOOBIG, "%s: %zu bytes exceed the limit of %zu bytes",
			   nm, len, max_bytes);
		return NULL;
	}
	if (len >= UINT32_MAX) {
		ds_err_set(err, DS_ETOOBIG, "%s: input too large", nm);
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", nm);
		return NULL;
	}
	d->name = strdup(nm);
	d->text = malloc(len + 1);
	if (!d->name || !d->text) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", nm);
		goto fail;
	}
	huge_hint(d->text, len + 1);
	if (len)
		memcpy(d->text, text, len);
	d->text[len] = 0;
	d->len = len;
	if (check_binary((const unsigned char *)d->text, len, nm, err))
		goto fail;
	/* rough sizes: one token per 5 bytes; in the pool, the normalised and
	 * lower-case forms of every word and room for its stem (ds_doc_stem),
	 * so that stemming a long text does not copy the pool to grow it
	 * (pages not written are not allocated) */
	if (ds_grow(&d->tok, &d->tok_cap, len / 5 + 16, sizeof *d->tok) ||
	    ds_grow(&d->pool, &d->pool_cap, len * 3 + 64, 1)) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", nm);
		goto fail;
	}
	huge_hint(d->tok, d->tok_cap * sizeof *d->tok);
	huge_hint(d->pool, d->pool_cap);

	i = parse_date_header(d);
	d->body_start = (uint32_t)i;
	memset(&b, 0, sizeof b);
	b.d = d;
	b.p = (const unsigned char *)d->text;
	b.n = len;
	b.new_para = 1;
	b.lower_style = lower_style(b.p, len, i);
	{
		int nl_run = 0;            /* newlines since the last token */
		size_t nl_pos = 0;
		while (i < len && !b.err) {
			struct ch c;
			if (b.p[i] == ' ') { /* the commonest byte, between words */
				i++;
				continue;
			}
			get_ch(b.p, len, i, &c);
			if (c.invalid)
				d->n_invalid++, d->first_invalid = d->n_invalid == 1 ? i : d->first_invalid;
			if (DS_UNLIKELY(c.cls == C_SKIP) && lone_cr(b.p, len, i))
				c.cls = C_NL;
			if (c.cls == C_SPACE || c.cls == C_SKIP) {
				i = c.next;
				continue;
			}
			if (c.cls == C_NL) {
				if (nl_run == 0)
					nl_pos = i;
				nl_run++;
				i = c.next;
				continue;
			}
			if (nl_run && d->ntok > b.para_start_tok) {
				/* a single newline joins wrapped lines: previous line
				 * without final punctuation, next starting lower case */
				size_t last = d->ntok - 1;
				int prev_final = d->tok[last].kind == DS_TOK_PUNCT &&
						 (strchr(".!?:;\"')", ds_tok_norm(d, last)[0]) != NULL);
				if (nl_run >= 2 || prev_final || !c.lower)
					close_paragraph(&b, nl_pos);
			}
			nl_run = 0;
			if (c.cls == C_LETTER || c.cls == C_DIGIT ||
			    (c.cls == C_CURRENCY && c.next < len && b.p[c.next] >= '0' &&
			     b.p[c.next] <= '9')) {
				if (c.invalid)
					d->n_invalid--; /* counted again inside the word scan */
				size_t start_inv = i;
				size_t e = scan_word(&b, i, &c);
				/* count invalid sequences inside the word (only
				 * bytes past ASCII can start one); a word that holds
				 * one has DS_TF_INVALID (every character of a word is
				 * kept in it), so a word without has none */
				size_t k = start_inv;
				if (!b.err && !(d->tok[d->ntok - 1].flags & DS_TF_INVALID))
					k = e;
				for (uint64_t x; k + 8 <= e; k += 8) {
					memcpy(&x, b.p + k, 8);
					if (x & 0x8080808080808080ULL)
						break;
				}
				while (k < e && b.p[k] < 0x80)
					k++;
				while (k < e) {
					struct ch cc;
					get_ch(b.p, len, k, &cc);
					if (cc.invalid) {
						if (!d->n_invalid)
							d->first_invalid = k;
						d->n_invalid++;
					}
					k = cc.next;
				}
				i = e;
				continue;
			}
			/* punctuation: runs of . - ! ? stay together */
			{
				size_t start = i, e = c.next;
				char norm[NORM_ROOM];
				size_t nlen = 0;
				memcpy(norm, c.fold, c.flen);
				nlen = c.flen;
				if (c.cp == '.' || c.cp == '-' || c.cp == '!' || c.cp == '?') {
					while (e < len && nlen + 3 <= DS_TOK_MAX_BYTES) {
						struct ch c2;
						get_ch(b.p, len, e, &c2);
						if (!((c.cp == '!' || c.cp == '?')
							      ? (c2.cp == '!' || c2.cp == '?')
							      : c2.cp == c.cp))
							break;
						memcpy(norm + nlen, c2.fold, c2.flen);
						nlen += c2.flen;
						e = c2.next;
					}
				}
				if (c.cls == C_QUOTE) {
					/* an opening quote after a sentence end starts the
					 * next sentence; a closing one ends this one, and
					 * the word after it decides as after any end
					 * ('over." Then', '"Why?" he asked') */
					int closes = quote_closes(&b, start);
					if (b.end_pending && !closes)
						close_sentence(&b);
					b.end_pending = b.abbrev_pending = 0;
					emit(&b, start, e, norm, nlen, DS_TOK_PUNCT, 0);
					b.in_quote = !closes;
					if (closes && d->ntok >= 2) {
						const char *prev = ds_tok_norm(d, d->ntok - 2);
						if (strchr(".!?", prev[0]))
							b.end_pending = 1;
					}
				} else {
					int closer = c.cp == ')' || c.cp == ']' || c.cp == '\'';
					int pend = b.end_pending;
					if (!closer)
						maybe_break(&b, &c, norm, nlen);
					emit(&b, start, e, norm, nlen, DS_TOK_PUNCT,
					     b.in_quote ? DS_TF_QUOTED : 0);
					if (closer)
						b.end_pending = pend;
					if (norm[0] == '.' || norm[0] == '!' || norm[0] == '?')
						b.end_pending = 1;
				}
				i = e;
			}
		}
		close_paragraph(&b, len);
	}
	if (b.err) {
		ds_err_set(err, DS_ENOMEM, "%s: out of memory", nm);
		goto fail;
	}
	if (d->ntok == 0) {
		empty_error(nm, err);
		goto fail;
	}
	/* n_words counts every word so far (emit); mark_boilerplate leaves
	 * out those of boilerplate (unless it finds no memory for its work) */
	mark_boilerplate(d);
	return d;
fail:
	ds_doc_free(d);
	return NULL;
}

size_t ds_text_count_runs(const char *text, size_t len, size_t limit)
{
	size_t n = 0, run = 0;
	for (size_t i = 0; i < len && n <= limit; i++) {
		unsigned char c = (unsigned char)text[i];
		int sp = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
		/* a run counts once per DS_TOK_MAX_BYTES, as the tokeniser cuts it */
		if (sp)
			run = 0;
		else if (run++ % DS_TOK_MAX_BYTES == 0)
			n++;
	}
	return n;
}

void ds_doc_free(struct ds_doc *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->text);
	free(d->pool);
	free(d->tok);
	free(d->sent);
	free(d->para);
	free(d);
}

int ds_doc_stem(struct ds_doc *d, struct ds_stemmer *st)
{
	for (size_t i = 0; i < d->ntok; i++) {
		struct ds_token *t = &d->tok[i];
		const char *s;
		size_t sl;
		if (t->kind != DS_TOK_WORD || t->stem != DS_NO_STEM)
			continue;
		s = ds_stem(st, d->pool + t->lower, t->norm_len, &sl);
		if (!s)
			return DS_ENOMEM;
		if (s == d->pool + t->lower) { /* the word is its own stem */
			t->stem = t->lower;
		} else {
			if (d->pool_len + sl + 1 > d->pool_cap) {
				if (ds_grow(&d->pool, &d->pool_cap, d->pool_len + sl + 1, 1))
					return DS_ENOMEM;
				huge_hint(d->pool, d->pool_cap);
			}
			memcpy(d->pool + d->pool_len, s, sl);
			d->pool[d->pool_len + sl] = 0;
			t->stem = (uint32_t)d->pool_len;
			d->pool_len += sl + 1;
		}
		t->stem_len = (uint16_t)sl;
	}
	return 0;
}

/* ---- number words ---- */

const char *const ds_num_ones[20] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
	"eighteen", "nineteen"};
const char *const ds_num_tens[10] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
				     "seventy", "eighty", "ninety"};
const char *const ds_num_big[4] = {"hundred", "thousand", "million", "billion"};
static const char *const NUM_BIG_DIGITS[4] = {"100", "1000", "1000000", "1000000000"};
static const char *const NUM_DIGITS[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
	"16", "17", "18", "19", "20", "30", "40", "50", "60", "70", "80", "90"};

static struct ds_packset num_set; /* value: index in NUM_DIGITS, or 100 + ds_num_big's */
static size_t num_long_max;        /* the longest of the words num_set cannot hold */
static pthread_once_t num_once = PTHREAD_ONCE_INIT;

static void num_init(void)
{
	for (size_t i = 0; i < 20; i++) {
		size_t n = strlen(ds_num_ones[i]);
		if (n <= DS_PACK_MAX)
			ds_packset_add(&num_set, ds_num_ones[i], n, (uint16_t)i);
		else if (n > num_long_max)
			num_long_max = n;
	}
	for (size_t i = 2; i < 10; i++)
		ds_packset_add(&num_set, ds_num_tens[i], strlen(ds_num_tens[i]), (uint16_t)(18 + i));
	for (size_t i = 0; i < DS_ARRAY_LEN(ds_num_big); i++)
		ds_packset_add(&num_set, ds_num_big[i], strlen(ds_num_big[i]), (uint16_t)(100 + i));
}

const char *ds_number_word(const char *lower, size_t n)
{
	int k;
	pthread_once(&num_once, num_init);
	if (n > DS_PACK_MAX) { /* "seventeen": too long for the packed set */
		for (size_t i = 0; n <= num_long_max && i < 20; i++)
			if (ds_num_ones[i][0] == lower[0] && strlen(ds_num_ones[i]) == n &&
			    memcmp(ds_num_ones[i], lower, n) == 0)
				return NUM_DIGITS[i];
		return NULL;
	}
	k = ds_packset_find(&num_set, lower, n);
	return k < 0 ? NULL : k >= 100 ? NUM_BIG_DIGITS[k - 100] : NUM_DIGITS[k];
}

const char *ds_num_class(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	int money = 0, pct = 0, ord = 0, other = 0;
	if (n == 0)
		return NULL;
	if (s[0] == '$') {
		money = 1;
		i = 1;
	} else if ((unsigned char)s[0] >= 0xC2) { /* pound, euro, yen */
		uint32_t cp;
		size_t l = utf8_decode((const unsigned char *)s, 0, n, &cp);
		if (l && (cp == 0xA3 || cp == 0x20AC || cp == 0xA5)) {
			money = 1;
			i = l;
		}
	}
	if (i >= n || s[i] < '0' || s[i] > '9')
		return NULL;
	for (; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			digits++;
		} else if (c == ',' || c == '.' || c == ':' || c == '-') {
			other = 1;
		} else if (c == '%') {
			pct = 1;
		} else {
			/* suffixes: st nd rd th s bn m k */
			size_t rest = n - i;
			char suf[4] = {0};
			if (rest > 3)
				return NULL;
			ds_lower(suf, s + i, rest);
			if (!strcmp(suf, "st") || !strcmp(suf, "nd") || !strcmp(suf, "rd") ||
			    !strcmp(suf, "th"))
				ord = 1;
			else if (!strcmp(suf, "s") || !strcmp(suf, "bn") || !strcmp(suf, "m") ||
				 !strcmp(suf, "k") || !strcmp(suf, "mn") || !strcmp(suf, "tn"))
				;
			else
				return NULL;
			break;
		}
	}
	if (money)
		return "<money>";
	if (pct)
		return "<pct>";
	if (ord)
		return "<ord>";
	if (!other && digits == 4 && (s[0] == '1' || s[0] == '2'))
		return "<year>";
	return "<num>";
}
