/*
 * text.h - the text pipeline: UTF-8 decoding, normalisation, tokens with byte
 * offsets into the original, sentences, paragraphs, page boilerplate and the
 * optional "date YYYY-MM-DD" header.
 *
 * A struct ds_doc owns a copy of the original bytes and everything derived
 * from them.  It is immutable after ds_doc_new (except ds_doc_stem, which
 * fills the stems once) and may be read by several threads at once.
 *
 * Offsets: every token's [start, end) are byte offsets into the original
 * input (doc->text), including any date header, so that reports can point
 * into the file the user gave.  Normalised forms (curly quotes, dashes,
 * non-breaking spaces, ligatures folded; invalid UTF-8 replaced by U+FFFD)
 * live in doc->pool and are reached with ds_tok_norm / ds_tok_lower /
 * ds_tok_stem.
 */
#ifndef DS_TEXT_H
#define DS_TEXT_H

#include "util.h"

/* The tokeniser's version, written into every model file (binfmt.h): the
 * models hold words as this tokeniser cut and normalised their training
 * text, and a despin that cuts them otherwise refuses files of another
 * version rather than look up words those models never saw.  Bump it with
 * any change to the tokens of text (the unit test tokens_are_versioned
 * holds a digest of the tokens of the seeds and other texts, and fails
 * until it is bumped and the digest renewed). */
#define DS_TOK_VERSION 3 /* 2: "accessible.Then" is two sentences; 3: so is
			  * "Tuesday.The", and "Mr.Smith" is two words */

/* Inputs larger than this are refused with DS_ETOOBIG unless the caller
 * passes another limit to ds_doc_new (the command line's --max-size). */
#define DS_DOC_MAX_BYTES_DEFAULT (64u << 20)
/* Words longer than this (in normalised bytes) are cut into pieces flagged
 * DS_TF_LONG, so a 10 MB line without spaces stays bounded. */
#define DS_TOK_MAX_BYTES 255

enum ds_tok_kind {
	DS_TOK_WORD = 1,  /* letters (maybe digits, inner ' - . as in U.S.) */
	DS_TOK_NUM = 2,   /* numbers: 2, 1,200, 3.5, 20%, $1.13bn, 24th, 1990s */
	DS_TOK_PUNCT = 3  /* punctuation and symbols */
};

enum ds_tok_flag {
	DS_TF_SENT_START = 1 << 0, /* first token of a sentence */
	DS_TF_PARA_START = 1 << 1, /* first token of a paragraph */
	DS_TF_BOILER = 1 << 2,     /* inside page boilerplate: leave out of scoring */
	DS_TF_CAP = 1 << 3,        /* first letter upper case */
	DS_TF_UPPER = 1 << 4,      /* all letters upper case (and >= 2 letters) */
	DS_TF_QUOTED = 1 << 5,     /* inside a quotation */
	DS_TF_LONG = 1 << 6,       /* piece of an over-long run of letters */
	DS_TF_INVALID = 1 << 7     /* held invalid UTF-8 (replaced by U+FFFD) */
};

#define DS_NO_STEM UINT32_MAX

struct ds_token {
	uint32_t start, end;  /* byte offsets in doc->text */
	uint32_t norm;        /* offset of the normalised form in doc->pool */
	uint32_t lower;       /* offset of the lower-cased normalised form */
	uint32_t stem;        /* offset of the Snowball stem, or DS_NO_STEM */
	uint32_t sent;        /* index of the sentence holding the token */
	uint16_t norm_len;    /* bytes of the normalised form (and of lower) */
	uint16_t stem_len;
	uint8_t kind;         /* enum ds_tok_kind */
	uint8_t flags;        /* enum ds_tok_flag */
	uint16_t pad;
};

struct ds_sent {
	uint32_t tok_begin, tok_end; /* tokens [begin, end) */
	uint32_t para;
	uint32_t boiler;             /* 1 when the whole sentence is boilerplate */
};

struct ds_para {
	uint32_t sent_begin, sent_end; /* sentences [begin, end) */
	uint32_t start, end;           /* byte offsets in doc->text */
	uint32_t boiler;               /* 1 when boilerplate */
};

struct ds_doc {
	char *name;                 /* display name (owned copy) */
	char *text;                 /* original bytes, NUL-terminated (owned) */
	size_t len;
	char *pool;                 /* normalised token forms, NUL-separated */
	size_t pool_len, pool_cap;
	struct ds_token *tok;
	size_t ntok, tok_cap;
	struct ds_sent *sent;
	size_t nsent, sent_cap;
	struct ds_para *para;
	size_t npara, para_cap;
	char date[11];              /* "YYYY-MM-DD" from the header, or "" */
	uint32_t body_start;        /* byte offset after the date header */
	size_t n_invalid;           /* invalid UTF-8 sequences replaced */
	size_t first_invalid;       /* byte offset of the first one */
	size_t n_words;             /* word + number tokens outside boilerplate */
};

/* Tokenises len bytes of text (copied).  name is used in messages.
 * max_bytes: refuse larger inputs (0 = DS_DOC_MAX_BYTES_DEFAULT).
 * Fails with DS_EBINARY (NUL bytes or mostly non-text), DS_EEMPTY (no words),
 * DS_ETOOBIG or DS_ENOMEM.  Invalid UTF-8 is not an error: it is replaced,
 * counted in n_invalid and flagged on the tokens. */
struct ds_doc *ds_doc_new(const char *text, size_t len, const char *name,
			  size_t max_bytes, struct ds_err *err);

/* Whether len bytes are text at all, as ds_doc_new judges a whole input
 * before its tokens: fails, err naming name, with DS_EBINARY (UTF-16, a PDF
 * or other document, compressed, NUL bytes, mostly non-text) or DS_EEMPTY
 * (no token), in ds_doc_new's words.  For text tokenised a line at a time
 * (training text), whose lines alone cannot tell: a line of a UTF-16 file
 * holds no NUL, say, and one of an empty file is just an empty line. */
int ds_text_check(const char *text, size_t len, const char *name, struct ds_err *err);

/* The "date YYYY-MM-DD" header that may open a text (after a byte-order
 * mark and blanks): the date into date ("" when there is none) and the
 * offset of the text after it (0 when none). */
size_t ds_text_date(const char *text, size_t len, char date[11]);

/* Counts the whitespace-separated runs of text (a run of more than
 * DS_TOK_MAX_BYTES counting once per DS_TOK_MAX_BYTES, as the tokeniser
 * cuts it), stopping past limit: a cheap look at its size (no allocation)
 * before tokenising.
 * Returns min(count, limit + 1). */
size_t ds_text_count_runs(const char *text, size_t len, size_t limit);
void ds_doc_free(struct ds_doc *doc);

static inline const char *ds_tok_norm(const struct ds_doc *d, size_t i)
{
	return d->pool + d->tok[i].norm;
}
static inline const char *ds_tok_lower(const struct ds_doc *d, size_t i)
{
	return d->pool + d->tok[i].lower;
}
/* The stem, or the lower-cased form when ds_doc_stem has not run. */
static inline const char *ds_tok_stem(const struct ds_doc *d, size_t i)
{
	return d->tok[i].stem == DS_NO_STEM ? d->pool + d->tok[i].lower
					    : d->pool + d->tok[i].stem;
}
static inline int ds_tok_is_word(const struct ds_doc *d, size_t i)
{
	return d->tok[i].kind != DS_TOK_PUNCT;
}
/* 1 when no word or number comes before token t in its sentence. */
static inline int ds_tok_opens_sent(const struct ds_doc *d, size_t t)
{
	for (size_t i = d->sent[d->tok[t].sent].tok_begin; i < t; i++)
		if (ds_tok_is_word(d, i))
			return 0;
	return 1;
}

struct ds_stemmer;
/* Fills the stems of every word token with the given stemmer (one stemmer
 * per thread).  Returns 0 or DS_ENOMEM. */
int ds_doc_stem(struct ds_doc *doc, struct ds_stemmer *st);

/* Lower-cases UTF-8 (ASCII and Latin-1 letters; byte length unchanged) from
 * src into dst (n bytes; dst may equal src). */
void ds_lower(char *dst, const char *src, size_t n);

/* A fixed set of short words (at most DS_PACK_MAX bytes, no NUL), each
 * with a 16-bit value, found by the word's bytes packed into 64 bits: no
 * string hash and no string comparison.  For word lists of at most 256
 * words; zero-initialise, then ds_packset_add each word. */
#define DS_PACK_MAX 8
#define DS_PACK_SLOTS 512u
struct ds_packset {
	uint64_t key[DS_PACK_SLOTS]; /* 0 = empty */
	uint16_t val[DS_PACK_SLOTS];
};
static inline uint64_t ds_pack_word(const char *w, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)(unsigned char)w[i] << (8 * i);
	return v;
}
static inline size_t ds_pack_slot(uint64_t v)
{
	return (size_t)((v * 0x9E3779B97F4A7C15ULL) >> 55);
}
/* Adds w (1..DS_PACK_MAX bytes) with val; a word already there keeps its value. */
void ds_packset_add(struct ds_packset *s, const char *w, size_t n, uint16_t val);
/* The value of w, or -1 when absent (or longer than DS_PACK_MAX, or empty). */
static inline int ds_packset_find(const struct ds_packset *s, const char *w, size_t n)
{
	uint64_t v;
	if (n == 0 || n > DS_PACK_MAX)
		return -1;
	v = ds_pack_word(w, n);
	for (size_t k = ds_pack_slot(v); s->key[k]; k = (k + 1) & (DS_PACK_SLOTS - 1))
		if (s->key[k] == v)
			return s->val[k];
	return -1;
}

/* Cardinal number words, lower case: "zero" to "nineteen", the tens,
 * "hundred", "thousand", "million" and "billion".  Returns the value as
 * digits ("15", "1000000"), a static string, or NULL for any other word. */
const char *ds_number_word(const char *lower, size_t n);
/* The cardinals under twenty by value, and the tens by value / 10 (""
 * for 0 and 10): the words ds_number_word knows, for spelling numbers out. */
extern const char *const ds_num_ones[20];
extern const char *const ds_num_tens[10];
/* The multipliers ds_number_word knows: "hundred" to "billion". */
extern const char *const ds_num_big[4];

/* Number class used by the language model and lexicon: returns a static
 * class token such as "<num>" for a number form, or NULL for other words. */
const char *ds_num_class(const char *norm, size_t len);

#endif
