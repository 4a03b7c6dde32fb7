/*
 * lex_numbers.c - the lexicon builder's number pairs: number words and
 * digits, ordinals, units.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex_build_int.h"
#include "text.h"

/* ---- numbers -------------------------------------------------------------------------- */

static const char *const ORD1[] = {"zeroth", "first", "second", "third", "fourth", "fifth",
				   "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
				   "twelfth", "thirteenth", "fourteenth", "fifteenth",
				   "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
static const char *const ORD10[] = {"", "", "twentieth", "thirtieth", "fortieth", "fiftieth",
				    "sixtieth", "seventieth", "eightieth", "ninetieth"};

static void number_word(unsigned n, int ordinal, char *buf, size_t size)
{
	if (n < 20) {
		snprintf(buf, size, "%s", ordinal ? ORD1[n] : ds_num_ones[n]);
	} else if (n % 10 == 0) {
		snprintf(buf, size, "%s", ordinal ? ORD10[n / 10] : ds_num_tens[n / 10]);
	} else {
		snprintf(buf, size, "%s-%s", ds_num_tens[n / 10],
			 ordinal ? ORD1[n % 10] : ds_num_ones[n % 10]);
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
	int64_t x = lexb_phrase_id(c, a, strlen(a)), y = lexb_phrase_id(c, b, strlen(b));
	if (x < 0 || y < 0)
		return lexb_nomem(c);
	if (mark)
		c->numword[x] = 1;
	for (int d = 0; make && d < 1 + both; d++) {
		struct pacc *p = d ? lexb_pair_get(&c->pairs, (uint32_t)y, (uint32_t)x)
				   : lexb_pair_get(&c->pairs, (uint32_t)x, (uint32_t)y);
		if (!p)
			return lexb_nomem(c);
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
int lexb_gen_numbers(struct bctx *c, int make_pairs)
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
	for (unsigned m = 1; m < 10; m++)
		for (size_t i = 0; i < DS_ARRAY_LEN(ds_num_big); i++) {
			snprintf(x, sizeof x, "%s %s", ds_num_ones[m], ds_num_big[i]);
			snprintf(y, sizeof y, "%u %s", m, ds_num_big[i]);
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
