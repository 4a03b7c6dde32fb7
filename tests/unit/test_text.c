/* test_text.c - the text pipeline: decoding, normalisation, tokens, sentences,
 * paragraphs, boilerplate and the date header. */
#include "t.h"
#include "t_seed.h"
#include "text.h"
#include "stem.h"

#include <libstemmer.h>
#include "util.h"

static struct ds_doc *doc(const char *s)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(s, strlen(s), "t", 0, &err);
	if (!d)
		printf("# ds_doc_new: %s\n", err.msg);
	return d;
}

/* Joins the normalised tokens with '|'. */
static const char *joined(const struct ds_doc *d)
{
	static char buf[4096];
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < d->ntok && n + 300 < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "", ds_tok_norm(d, i));
	return buf;
}

T_TEST(words_keep_abbreviations_and_apostrophes)
{
	struct ds_doc *d = doc("The U.S. and Russia\xE2\x80\x99s envoys didn\xE2\x80\x99t meet on Feb. 24, 2022.");
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(joined(d), "The|U.S.|and|Russia's|envoys|didn't|meet|on|Feb.|24|,|2022|.");
	T_EQ_INT(d->nsent, 1);
	ds_doc_free(d);
}

T_TEST(numbers_stay_whole)
{
	struct ds_doc *d = doc("It cost $1.13bn, or 20% of 1,200 units, in the 1990s; 3:53 AM.");
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(joined(d), "It|cost|$1.13bn|,|or|20%|of|1,200|units|,|in|the|1990s|;|3:53|AM|.");
	T_EQ_INT(d->tok[2].kind, DS_TOK_NUM);
	T_EQ_INT(d->tok[5].kind, DS_TOK_NUM);
	T_EQ_STR(ds_num_class("1,200", 5), "<num>");
	T_EQ_STR(ds_num_class("2", 1), "<num>");
	T_EQ_STR(ds_num_class("20%", 3), "<pct>");
	T_EQ_STR(ds_num_class("$1.13bn", 7), "<money>");
	T_EQ_STR(ds_num_class("2022", 4), "<year>");
	T_EQ_STR(ds_num_class("24th", 4), "<ord>");
	T_OK(ds_num_class("abc", 3) == NULL);
	T_OK(ds_num_class("G20", 3) == NULL);
	ds_doc_free(d);
}

T_TEST(hyphens_and_dashes)
{
	struct ds_doc *d = doc("a face-to-face meeting \xE2\x80\x93 an all-out war");
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(joined(d), "a|face-to-face|meeting|-|an|all-out|war");
	ds_doc_free(d);
}

T_TEST(normalisation_keeps_original_offsets)
{
	/* curly quotes, NBSP, ligature: folded forms, original offsets */
	const char *s = "\xE2\x80\x9C" "of\xEF\xAC\x81" "ce\xE2\x80\x9D\xC2\xA0" "now";
	struct ds_doc *d = doc(s);
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(joined(d), "\"|office|\"|now");
	T_EQ_INT(d->tok[0].start, 0);
	T_EQ_INT(d->tok[0].end, 3);
	T_EQ_INT(d->tok[1].start, 3);
	T_EQ_INT(d->tok[1].end, 10); /* "of" + 3-byte ligature + "ce" */
	T_EQ_INT(d->tok[3].start, 15);
	T_OK(d->tok[1].flags & DS_TF_QUOTED);
	ds_doc_free(d);
}

T_TEST(invalid_utf8_is_replaced_not_fatal)
{
	struct ds_doc *d = doc("a bro\xC3ken word and \xFF more");
	T_OK(d);
	if (!d)
		return;
	T_EQ_INT(d->n_invalid, 2);
	T_EQ_INT(d->first_invalid, 5);
	T_EQ_STR(ds_tok_norm(d, 1), "bro\xEF\xBF\xBDken");
	T_OK(d->tok[1].flags & DS_TF_INVALID);
	T_EQ_INT(d->tok[1].start, 2);
	T_EQ_INT(d->tok[1].end, 9);
	ds_doc_free(d);
}

T_TEST(binary_and_empty_refused)
{
	struct ds_err err = {0};
	char bin[100];
	for (int i = 0; i < 100; i++)
		bin[i] = (char)(i * 37 + 1);
	bin[50] = 0;
	T_OK(ds_doc_new(bin, sizeof bin, "x.bin", 0, &err) == NULL);
	T_EQ_INT(err.code, DS_EBINARY);
	T_OK(strstr(err.msg, "x.bin") != NULL);
	T_OK(ds_doc_new("  \n\n ", 5, "e.txt", 0, &err) == NULL);
	T_EQ_INT(err.code, DS_EEMPTY);
	T_OK(ds_doc_new("", 0, "e.txt", 0, &err) == NULL);
	T_EQ_INT(err.code, DS_EEMPTY);
	T_OK(ds_doc_new("abcdef", 6, "big.txt", 3, &err) == NULL);
	T_EQ_INT(err.code, DS_ETOOBIG);
}

/* ds_text_check refuses what ds_doc_new refuses of a whole text, in its
 * words, without tokenising it. */
T_TEST(whole_text_check)
{
	static const char u16[] = "\xFF\xFET\0h\0e\0 \0c\0a\0t\0.\0\n\0";
	static const char gz[] = "\x1F\x8B\x08\0\0\0\0\0";
	static const char *const none[] = {"", "  \n\n ", "\xC2\xA0\t\xE2\x80\x8B\r\n\xEF\xBB\xBF",
					   "date 2024-01-02\n\n"};
	static const char *const some[] = {"word", "\xE2\x80\x8B.", "\n\n  1", "caf\xE9"};
	struct ds_err err = {0}, doc_err = {0};
	T_EQ_INT(ds_text_check(u16, sizeof u16 - 1, "u.txt", &err), DS_EBINARY);
	T_OK(ds_doc_new(u16, sizeof u16 - 1, "u.txt", 0, &doc_err) == NULL);
	T_EQ_STR(err.msg, doc_err.msg);
	T_EQ_INT(ds_text_check(gz, sizeof gz - 1, "c.gz", &err), DS_EBINARY);
	T_EQ_STR(err.msg, "c.gz: gzip-compressed, not text: decompress it first (zcat)");
	T_EQ_INT(ds_text_check("a\0b", 3, NULL, &err), DS_EBINARY);
	T_EQ_STR(err.msg, "<input>: binary file (NUL byte at offset 1), not text");
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		T_EQ_INT(ds_text_check(none[i], strlen(none[i]), "e.txt", &err), DS_EEMPTY);
		T_EQ_STR(err.msg, "e.txt: empty file (no text)");
		T_OK(ds_doc_new(none[i], strlen(none[i]), "e.txt", 0, &doc_err) == NULL);
		T_EQ_INT(doc_err.code, DS_EEMPTY);
	}
	for (size_t i = 0; i < sizeof some / sizeof some[0]; i++) {
		struct ds_doc *d = ds_doc_new(some[i], strlen(some[i]), "t", 0, &doc_err);
		T_EQ_INT(ds_text_check(some[i], strlen(some[i]), "t", &err), 0);
		T_OK(d != NULL);
		ds_doc_free(d);
	}
}

/* s in UTF-32 or UTF-16 (unit 4 or 2 bytes), big-endian or not, after the
 * byte order mark when bom: into out, its length returned. */
static size_t wide(const char *s, int unit, int big, int bom, char *out)
{
	size_t n = 0;
	for (size_t i = bom ? 0 : 1; i <= strlen(s); i++) {
		uint32_t c = i ? (unsigned char)s[i - 1] : 0xFEFF;
		for (int k = 0; k < unit; k++)
			out[n++] = (char)(c >> 8 * (big ? unit - 1 - k : k));
	}
	return n - (size_t)unit; /* not the NUL */
}

/* Text in UTF-32 is named so, not UTF-16 (whose mark FF FE starts the
 * little-endian one's) nor binary, with the iconv that converts it: the
 * byte order from its mark, else named. */
T_TEST(wide_text_named)
{
	static const struct {
		int unit, big, bom;
		const char *msg;
	} c[] = {
		{4, 0, 1, "w.txt: UTF-32 text (little-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-32 -t UTF-8'"},
		{4, 1, 1, "w.txt: UTF-32 text (big-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-32 -t UTF-8'"},
		{4, 0, 0, "w.txt: UTF-32 text (little-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-32LE -t UTF-8'"},
		{4, 1, 0, "w.txt: UTF-32 text (big-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-32BE -t UTF-8'"},
		{2, 0, 1, "w.txt: UTF-16 text (little-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-16 -t UTF-8'"},
		{2, 1, 1, "w.txt: UTF-16 text (big-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-16 -t UTF-8'"},
		{2, 0, 0, "w.txt: UTF-16 text (little-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-16LE -t UTF-8'"},
		{2, 1, 0, "w.txt: UTF-16 text (big-endian), not UTF-8: convert it first, e.g. with 'iconv -f UTF-16BE -t UTF-8'"},
	};
	const char *text = "The council met on Tuesday.\nIt voted 7-2 for the budget.\n";
	char buf[512];
	struct ds_err err = {0};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t n = wide(text, c[i].unit, c[i].big, c[i].bom, buf);
		memset(&err, 0, sizeof err);
		T_OK(ds_doc_new(buf, n, "w.txt", 0, &err) == NULL);
		T_EQ_INT(err.code, DS_EBINARY);
		T_EQ_STR(err.msg, c[i].msg);
		T_EQ_INT(ds_text_legacy_bytes(buf, n, NULL), 0);
	}
	/* a code point past ASCII in one unit in four is still UTF-32 */
	T_OK(ds_doc_new("c\0\0\0a\0\0\0f\0\0\0\xE9\0\0\0", 16, "w.txt", 0, &err) == NULL);
	T_OK(strstr(err.msg, "UTF-32 text (little-endian)") != NULL);
	/* one unit is too little to tell; a control code point, a surrogate,
	 * a value past U+10FFFF, or small numbers of four bytes are no text */
	static const struct {
		const char *s;
		size_t n;
	} no[] = {
		{"a\0\0\0", 4},
		{"a\0\0\0\x01\0\0\0b\0\0\0", 12},
		{"a\0\0\0\0\xD8\0\0b\0\0\0", 12},
		{"a\0\0\0b\0\x11\0c\0\0\0", 12},
		{"\x05\0\0\0\x10\0\0\0\x02\0\0\0", 12},
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		T_OK(ds_doc_new(no[i].s, no[i].n, "b.bin", 0, &err) == NULL);
		T_OK(strncmp(err.msg, "b.bin: binary file (NUL byte at offset", 38) == 0);
	}
}

T_TEST(long_runs_are_bounded)
{
	size_t n = 100000;
	char *s = malloc(n + 1);
	struct ds_doc *d;
	memset(s, 'a', n);
	s[n] = 0;
	d = doc(s);
	T_OK(d);
	if (d) {
		T_OK(d->ntok >= n / DS_TOK_MAX_BYTES);
		T_OK(d->tok[0].flags & DS_TF_LONG);
		T_EQ_INT(d->tok[d->ntok - 1].end, n);
	}
	ds_doc_free(d);
	free(s);
}

T_TEST(sentences_and_paragraphs)
{
	struct ds_doc *d = doc("He met Mr. Smith in the U.S. The talks ended. \"We agree,\" he said.\n"
			       "It was late.\n\nA new paragraph\nwrapped here.");
	T_OK(d);
	if (!d)
		return;
	T_EQ_INT(d->nsent, 5);
	T_EQ_INT(d->npara, 3);
	/* "The" after U.S. starts a sentence; "Smith" after Mr. does not */
	for (size_t i = 0; i < d->ntok; i++) {
		if (strcmp(ds_tok_norm(d, i), "The") == 0)
			T_OK(d->tok[i].flags & DS_TF_SENT_START);
		if (strcmp(ds_tok_norm(d, i), "Smith") == 0)
			T_OK(!(d->tok[i].flags & DS_TF_SENT_START));
		if (strcmp(ds_tok_norm(d, i), "wrapped") == 0)
			T_OK(!(d->tok[i].flags & DS_TF_PARA_START));
	}
	ds_doc_free(d);
}

T_TEST(date_header)
{
	struct ds_doc *d = doc(" date 2025-02-22 Preparations are underway.\n");
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(d->date, "2025-02-22");
	T_EQ_STR(ds_tok_norm(d, 0), "Preparations");
	T_EQ_INT(d->tok[0].start, 17);
	ds_doc_free(d);
	d = doc("date 2025-02 is not a header.");
	T_OK(d && d->date[0] == 0);
	ds_doc_free(d);
	/* an ISO 8601 date and time: the day is read, the time passed over */
	static const char *const timed[] = {"date 2025-02-22T10:00\nPreparations.",
					    "date 2025-02-22T10:00:05.5Z Preparations.",
					    "date 2025-02-22T10:00+02:00\r\nPreparations."};
	for (size_t i = 0; i < sizeof timed / sizeof timed[0]; i++) {
		d = doc(timed[i]);
		T_OK(d && strcmp(d->date, "2025-02-22") == 0);
		if (d)
			T_EQ_STR(ds_tok_norm(d, 0), "Preparations");
		ds_doc_free(d);
	}
	d = doc("date 2025-02-22Tea is served.");
	T_OK(d && d->date[0] == 0);
	ds_doc_free(d);
}

/* A first line that looks like a date header but gives no day of the
 * calendar is found, for a note; one that gives one, or text that merely
 * starts with the word "date", is not. */
T_TEST(bad_date_header_found)
{
	static const struct {
		const char *s, *said; /* said: the header as written, or NULL */
		size_t at;
	} c[] = {
		{"date 2025-02-29\nText.", "date 2025-02-29", 0},
		{"date 2025-13-01 Text.", "date 2025-13-01", 0},
		{"\xEF\xBB\xBF \n date 29/02/2025\r\nText.", "date 29/02/2025", 6},
		{"date 2025-2-5\tText.", "date 2025-2-5", 0},
		{"date 2025-02", "date 2025-02", 0},
		{"date 2025-02-28-1\nText.", "date 2025-02-28-1", 0},
		{"date 31.12.2024\nText.", "date 31.12.2024", 0},
		{"date 2025-02-28\nText.", NULL, 0},    /* a header */
		{"date 2024-02-29 Text.", NULL, 0},     /* a header: a leap day */
		{"date night was fun.", NULL, 0},
		{"date 3 was fun.", NULL, 0},           /* no separator */
		{"date 2025- was fun.", NULL, 0},       /* no digit after it */
		{"date -2025-02-29\nText.", NULL, 0},   /* starts with no digit */
		{"date 2025-02-28T10:00\nText.", NULL, 0}, /* a header */
		{"date 2025-02-29T10:00:00Z\nText.", "date 2025-02-29T10:00:00Z", 0},
		{"date 2025-02-29x\nText.", NULL, 0},
		{"Date 2025-02-29\nText.", NULL, 0},
		{"date  2025-02-29\nText.", NULL, 0},
		{"date\t2025-02-29\nText.", NULL, 0},
		{"date 1-2-3-4-5-6-7-8-9-10-11\nText.", NULL, 0}, /* over 20 bytes */
		{"Text first.\ndate 2025-02-29\n", NULL, 0},
		{"date ", NULL, 0},
		{"", NULL, 0},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		size_t at = 99, n = ds_text_bad_date(c[i].s, strlen(c[i].s), &at);
		if (!c[i].said) {
			T_EQ_INT(n, 0);
			T_EQ_INT(at, 0);
			continue;
		}
		T_EQ_INT(n, strlen(c[i].said));
		T_EQ_INT(at, c[i].at);
		T_OK(strncmp(c[i].s + at, c[i].said, n) == 0);
	}
	/* the line is read as text: no date, its words tokens */
	struct ds_doc *d = doc("date 2025-02-29\nThe talks ended.");
	T_OK(d && d->date[0] == 0 && d->body_start == 0);
	if (d)
		T_EQ_STR(ds_tok_norm(d, 0), "date");
	ds_doc_free(d);
}

/* Checks that every token of s spelt as a word of text is not marked
 * boilerplate, and every one spelt as a word of boiler is. */
static void check_boiler(const char *s, const char *const *text, const char *const *boiler)
{
	struct ds_doc *d = doc(s);
	T_OK(d);
	if (!d)
		return;
	for (size_t i = 0; i < d->ntok; i++) {
		const char *w = ds_tok_norm(d, i);
		int b = (d->tok[i].flags & DS_TF_BOILER) != 0;
		for (size_t k = 0; text[k]; k++)
			if (!strcmp(w, text[k]))
				T_OK(!b);
		for (size_t k = 0; boiler[k]; k++)
			if (!strcmp(w, boiler[k]))
				T_OK(b);
	}
	ds_doc_free(d);
}

T_TEST(boilerplate_marked)
{
	const char *s =
		"Skip to content\nNews Politics Business Sport Culture\nSubscribe\n"
		"The minister said on Monday that the talks would continue next week in Geneva.\n"
		"Officials from both sides described the meeting as useful and constructive.\n"
		"Latest news\n- First Unrelated Headline Here\n- Second Unrelated Headline Here\n"
		"- Third Unrelated Headline Here\n* indicates required\n";
	static const char *const text[] = {"minister", "constructive", NULL};
	static const char *const boiler[] = {"Skip", "Politics", "Unrelated", "indicates",
					     "Subscribe", NULL};
	check_boiler(s, text, boiler);
}

/* A line that labels a link to another article is boilerplate however
 * its headline reads; prose that speaks of related things is text. */
T_TEST(link_labels_are_boilerplate)
{
	const char *s =
		"The minister said on Monday that the talks would continue next week in Geneva. "
		"Both delegations are expected to bring new proposals on trade and security, and "
		"the host government has offered to chair the first session.\n"
		"Related: Unrelated Leaders Agree To Meet In Riyadh\n"
		"Officials from both sides described the meeting as useful and constructive. They "
		"said that a second round could follow within a month if the first one goes well, "
		"though no date has been set.\n"
		"See also: Another unrelated story about the summit\n"
		"Related reports said the envoy would travel to Moscow on Friday. He is due to "
		"meet the foreign minister and several members of parliament before he flies on "
		"to Berlin at the weekend.\n"
		"Also read: Still another unrelated story\n";
	static const char *const text[] = {"minister", "constructive", "reports", "envoy", NULL};
	static const char *const boiler[] = {"Unrelated", "unrelated", "Riyadh", "See", "Still", NULL};
	check_boiler(s, text, boiler);
}

/* A bulleted list of sentences is text, a spinner's as much as the
 * prose around it; a bulleted list of headlines is not. */
T_TEST(bullet_points_are_text)
{
	const char *s =
		"Red Hat Linux 8.0 is now available to every subscriber of the network service.\n"
		"* Instant ISOs of any public release for the duration of your subscription.\n"
		"* Priority access to updates, with no busy signals and no waiting.\n"
		"* After purchase, follow the instructions for downloading the images.\n"
		"Officials from both sides described the meeting as useful and constructive.\n"
		"- First Unrelated Headline Here\n- Second Unrelated Headline Here\n"
		"- Third Unrelated Headline Here\n";
	static const char *const text[] = {"instructions", "Priority", "ISOs", NULL};
	static const char *const boiler[] = {"Unrelated", NULL};
	check_boiler(s, text, boiler);
}

T_TEST(seed_boilerplate)
{
	struct ds_err err = {0};
	char *text;
	size_t len;
	struct ds_doc *d;
	if (ds_read_file("corpus/seeds/004_1faaaa5fa0c635fb.txt", 0, &text, &len, &err))
		T_SKIP("seed 004 not found");
	d = ds_doc_new(text, len, "004", 0, &err);
	free(text);
	T_OK(d);
	if (!d)
		return;
	/* the list of unrelated headlines is boilerplate, the article is not */
	for (size_t i = 0; i < d->ntok; i++) {
		if (!strcmp(ds_tok_norm(d, i), "KazTransOil"))
			T_OK(d->tok[i].flags & DS_TF_BOILER);
		if (!strcmp(ds_tok_norm(d, i), "noncommittal"))
			T_OK(!(d->tok[i].flags & DS_TF_BOILER));
	}
	ds_doc_free(d);
}

T_TEST(stems)
{
	struct ds_stemmer *st = ds_stemmer_new();
	struct ds_doc *d = doc("Meetings were organized by officials.");
	T_OK(st && d);
	if (!st || !d)
		return;
	T_EQ_INT(ds_doc_stem(d, st), 0);
	T_EQ_STR(ds_tok_stem(d, 0), "meet");
	T_EQ_STR(ds_tok_stem(d, 2), "organ");
	T_EQ_STR(ds_tok_stem(d, 4), "offici");
	ds_doc_free(d);
	ds_stemmer_free(st);
}

/* Cardinal number words as digits; other words, capitals, ordinals and
 * prefixes are not number words. */
T_TEST(number_words)
{
	static const char *const cases[][2] = {
		{"zero", "0"}, {"seven", "7"}, {"twelve", "12"}, {"seventeen", "17"},
		{"nineteen", "19"}, {"twenty", "20"}, {"ninety", "90"}, {"hundred", "100"},
		{"billion", "1000000000"}};
	static const char *const not[] = {"Seven", "seventh", "seventee", "seventeens",
					  "tens", "on", "", "millions", "dozen"};
	for (size_t i = 0; i < DS_ARRAY_LEN(cases); i++) {
		const char *d = ds_number_word(cases[i][0], strlen(cases[i][0]));
		T_OK(d != NULL);
		if (d)
			T_EQ_STR(d, cases[i][1]);
	}
	for (size_t i = 0; i < DS_ARRAY_LEN(not); i++)
		T_OK(ds_number_word(not[i], strlen(not[i])) == NULL);
	/* every word under twenty and every ten is one */
	for (size_t i = 0; i < 20; i++)
		T_OK(ds_number_word(ds_num_ones[i], strlen(ds_num_ones[i])) != NULL);
	for (size_t i = 2; i < 10; i++)
		T_OK(ds_number_word(ds_num_tens[i], strlen(ds_num_tens[i])) != NULL);
}

T_TEST(lower_case_latin)
{
	char out[16];
	ds_lower(out, "\xC3\x89TAT Abc", 9);
	out[9] = 0;
	T_EQ_STR(out, "\xC3\xA9tat abc");
}

/* The stem cache grows from a small table and restarts when its arena is
 * full: through all that, every answer is the stemmer's own. */
T_TEST(stem_cache_grows)
{
	static const char *const suf[] = {"", "s", "ing", "ed", "ation", "ness", "ly", "ers"};
	struct ds_stemmer *st = ds_stemmer_new();
	struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
	int bad = 0;
	T_OK(st != NULL && sb != NULL);
	if (!st || !sb)
		goto out;
	/* 240,000 distinct words: the table grows to its largest and the
	 * arena fills up more than once; the second pass asks again */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 30000; i++)
			for (size_t k = 0; k < sizeof suf / sizeof suf[0]; k++) {
				char w[64];
				size_t n, sl;
				const char *s;
				const sb_symbol *r;
				n = (size_t)snprintf(w, sizeof w, "w%c%cx%d%s", 'a' + i % 26,
						     'a' + i / 26 % 26, i, suf[k]);
				s = ds_stem(st, w, n, &sl);
				r = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n);
				if (!s || !r || sl != (size_t)sb_stemmer_length(sb) ||
				    memcmp(s, r, sl) != 0)
					bad++;
			}
	T_EQ_INT(bad, 0);
out:
	if (sb)
		sb_stemmer_delete(sb);
	ds_stemmer_free(st);
}

/* A word of one or two bytes is its own stem without asking the stemmer:
 * Porter2 leaves words of fewer than three letters as they are.  Every
 * such word of letters, digits, apostrophes and UTF-8 lead bytes agrees
 * with libstemmer. */
T_TEST(short_words_own_stems)
{
	struct ds_stemmer *st = ds_stemmer_new();
	struct sb_stemmer *sb = sb_stemmer_new("english", "UTF_8");
	int bad = 0, n = 0;
	T_OK(st != NULL && sb != NULL);
	if (!st || !sb)
		goto out;
	for (int a = 0; a < 256; a++)
		for (int b = -1; b < 256; b++) {
			char w[2] = {(char)a, (char)b};
			size_t len = b < 0 ? 1 : 2, sl;
			const char *s;
			const sb_symbol *r;
			if (!a || !b)
				continue;
			s = ds_stem(st, w, len, &sl);
			r = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)len);
			n++;
			if (!s || (r && (sl != (size_t)sb_stemmer_length(sb) ||
					 memcmp(s, r, sl) != 0)))
				bad++;
		}
	T_OK(n > 60000);
	T_EQ_INT(bad, 0);
out:
	if (sb)
		sb_stemmer_delete(sb);
	ds_stemmer_free(st);
}

/* A document's stems, asked for ahead of the word in hand, are the words'
 * own stems one by one: every word of a long text, with numbers,
 * punctuation and boilerplate between them. */
T_TEST(doc_stems_match_word_stems)
{
	static const char *const w[] = {"meetings", "of", "the", "organisation", "officials",
					"2025", "running", "--", "a", "generously", "hopping",
					"connection", "is", "nationalities", "I", "\xc3\xa9t\xc3\xa9s"};
	struct ds_buf b = {0};
	struct ds_err err = {0};
	struct ds_stemmer *st = ds_stemmer_new(), *one = ds_stemmer_new();
	struct ds_doc *d = NULL;
	int bad = 0, words = 0;
	unsigned x = 12345;
	T_OK(st != NULL && one != NULL);
	for (int i = 0; i < 5000; i++) {
		x = x * 1103515245u + 12345u;
		ds_buf_printf(&b, "%s%s", w[(x >> 16) % (sizeof w / sizeof w[0])],
			      (x >> 8) % 13 == 0 ? ".\n\n" : (x >> 8) % 5 == 0 ? ", " : " ");
	}
	d = b.data ? ds_doc_new(b.data, b.len, "t", 0, &err) : NULL;
	T_OK(d != NULL);
	if (!d || !st || !one)
		goto out;
	T_EQ_INT(ds_doc_stem(d, st), 0);
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *t = &d->tok[i];
		size_t sl;
		const char *s;
		if (t->kind != DS_TOK_WORD)
			continue;
		words++;
		s = ds_stem(one, d->pool + t->lower, t->norm_len, &sl);
		if (!s || t->stem == DS_NO_STEM || sl != t->stem_len ||
		    memcmp(s, d->pool + t->stem, sl) != 0)
			bad++;
	}
	T_OK(words > 4000);
	T_EQ_INT(bad, 0);
out:
	ds_doc_free(d);
	ds_buf_free(&b);
	ds_stemmer_free(st);
	ds_stemmer_free(one);
}

/* Every ASCII byte at every place of runs long enough for the eight-byte
 * path, and runs broken by a non-ASCII byte, lower-cased as byte by byte. */
T_TEST(lower_case_ascii_runs)
{
	char src[40], out[40], want[40];
	int bad = 0;
	for (int b = 1; b < 128; b++)
		for (size_t n = 1; n <= 24; n++)
			for (size_t at = 0; at < n; at++) {
				for (size_t i = 0; i < n; i++)
					src[i] = (char)("aZ@[`{Az09"[(i * 7 + at) % 10]);
				src[at] = (char)b;
				if (n > 12 && at + 1 < n)
					src[n - 1] = (char)0xE2;   /* the slow path from there */
				ds_lower(out, src, n);
				for (size_t i = 0; i < n; i++) {
					unsigned char c = (unsigned char)src[i];
					want[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
				}
				bad += memcmp(out, want, n) != 0;
			}
	T_EQ_INT(bad, 0);
}

/* Words read eight bytes at a time: for every length around the chunk
 * sizes, with an upper-case letter, a digit or a character past ASCII at
 * each place, or all in capitals, the token is the word, its lower case and its flags are
 * right, and a space, punctuation or the end of the text after it ends
 * it. */
T_TEST(word_runs_across_chunks)
{
	static const char *const after[] = {" x", "!", ";", ",", "\xC2\xA0", "\n", ""};
	int bad = 0;
	for (size_t n = 1; n <= 20; n++)
		for (size_t at = 0; at < n; at++)
			for (int kind = 0; kind < 4; kind++)
				for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
					char w[64], text[80], low[64];
					size_t wl = 0, up = 0;
					struct ds_doc *d;
					for (size_t i = 0; i < n; i++) {
						if (i == at && kind == 0) {
							w[wl++] = 'Q';
							up++;
						} else if (i == at && kind == 1) {
							w[wl++] = '7';
						} else if (i == at && kind == 2) {
							w[wl++] = (char)0xC3; /* e acute */
							w[wl++] = (char)0xA9;
						} else if (kind == 3) { /* all capitals */
							w[wl++] = (char)('A' + (i * 5 + n) % 26);
							up++;
						} else {
							w[wl++] = (char)('a' + (i * 5 + n) % 26);
						}
					}
					w[wl] = 0;
					memcpy(low, w, wl + 1);
					for (size_t i = 0; i < wl; i++)
						if (low[i] >= 'A' && low[i] <= 'Z')
							low[i] = (char)(low[i] + 32);
					snprintf(text, sizeof text, "%s%s", w, after[a]);
					d = doc(text);
					if (!d || d->ntok < 1 || d->tok[0].end != wl ||
					    strcmp(ds_tok_norm(d, 0), w) != 0 ||
					    strcmp(ds_tok_lower(d, 0), low) != 0 ||
					    !!(d->tok[0].flags & DS_TF_CAP) != ((up && at == 0) || kind == 3) ||
					    !!(d->tok[0].flags & DS_TF_UPPER) != (kind == 3 && n >= 2)) {
						if (bad++ < 3)
							printf("# %s -> %s\n", text, d ? joined(d) : "(none)");
					}
					ds_doc_free(d);
				}
	T_EQ_INT(bad, 0);
}

/* The longest tokens the scanner makes: a run of 255 bytes of single
 * letters and periods read as an abbreviation, with its period and a
 * possessive after it, and a number of 255 digits with a percent sign
 * (under AddressSanitizer, 'make asan', their copies stay in bounds). */
T_TEST(longest_tokens)
{
	char text[600];
	size_t n = 0;
	struct ds_doc *d;
	n += (size_t)snprintf(text + n, sizeof text - n, "Word ");
	for (int i = 0; i < 127; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "a.");
	n += (size_t)snprintf(text + n, sizeof text - n, "a.'s end.");
	d = doc(text);
	T_OK(d && d->ntok >= 3);
	if (d) {
		T_EQ_INT(d->tok[1].norm_len, 258);
		T_OK(strcmp(ds_tok_norm(d, 1) + 254, "a.'s") == 0);
		T_OK(strcmp(ds_tok_lower(d, 1) + 254, "a.'s") == 0);
		ds_doc_free(d);
	}
	n = (size_t)snprintf(text, sizeof text, "It was ");
	for (int i = 0; i < 255; i++)
		text[n++] = '1';
	snprintf(text + n, sizeof text - n, "%% of it.");
	d = doc(text);
	T_OK(d && d->ntok >= 3);
	if (d) {
		T_EQ_INT(d->tok[2].norm_len, 256);
		T_EQ_INT(ds_tok_norm(d, 2)[255], '%');
		T_EQ_INT(d->tok[2].kind, DS_TOK_NUM);
		ds_doc_free(d);
	}
}

/* A word that is its own stem keeps its lower-case form as the stem, on
 * the first call and from the cache. */
T_TEST(own_stems)
{
	struct ds_stemmer *st = ds_stemmer_new();
	size_t sl = 0;
	const char *w = "meet meet";
	T_OK(st);
	if (!st)
		return;
	for (int pass = 0; pass < 2; pass++) {
		const char *s = ds_stem(st, w, 4, &sl);
		T_OK(s == w);
		T_EQ_INT(sl, 4);
		s = ds_stem(st, "meetings", 8, &sl);
		T_OK(s && sl == 4 && memcmp(s, "meet", 4) == 0);
	}
	ds_stemmer_free(st);
}

/* The packed-word set: every word added is found with its value (the
 * first value for a word added twice); prefixes, extensions, other cases,
 * empty and over-long words are not. */
T_TEST(packset_finds_exactly_its_words)
{
	static struct ds_packset set;
	static const char *const words[] = {"a", "an", "and", "the", "they", "them", "without",
					    "whatever", "I", "it's", "na\xC3\xAFve"};
	for (size_t i = 0; i < DS_ARRAY_LEN(words); i++)
		ds_packset_add(&set, words[i], strlen(words[i]), (uint16_t)(i + 10));
	ds_packset_add(&set, "the", 3, 99);
	for (size_t i = 0; i < DS_ARRAY_LEN(words); i++)
		T_EQ_INT(ds_packset_find(&set, words[i], strlen(words[i])), (long long)i + 10);
	T_EQ_INT(ds_packset_find(&set, "th", 2), -1);
	T_EQ_INT(ds_packset_find(&set, "thee", 4), -1);
	T_EQ_INT(ds_packset_find(&set, "The", 3), -1);
	T_EQ_INT(ds_packset_find(&set, "and", 0), -1);
	T_EQ_INT(ds_packset_find(&set, "whatevers", 9), -1);
	T_EQ_INT(ds_packset_find(&set, "andand", 3), 12); /* only n bytes are read */
}

/* s with each LF written as eol (a copy to free). */
static char *with_line_ends(const char *s, const char *eol)
{
	size_t n = 0, k = strlen(eol);
	char *out = malloc(strlen(s) * k + 1);
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == '\n') {
			memcpy(out + n, eol, k);
			n += k;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = 0;
	return out;
}

/* Whether d and e hold the same tokens (forms, kinds, flags, the bytes
 * they span), sentences and paragraphs; offsets too when same_offsets. */
static int read_alike(const struct ds_doc *d, const struct ds_doc *e, int same_offsets)
{
	if (d->ntok != e->ntok || d->nsent != e->nsent || d->npara != e->npara ||
	    d->n_words != e->n_words || strcmp(d->date, e->date) != 0)
		return 0;
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *a = &d->tok[i], *b = &e->tok[i];
		if (strcmp(ds_tok_norm(d, i), ds_tok_norm(e, i)) != 0 || a->kind != b->kind ||
		    a->flags != b->flags || a->sent != b->sent || a->end - a->start != b->end - b->start ||
		    memcmp(d->text + a->start, e->text + b->start, a->end - a->start) != 0 ||
		    (same_offsets && (a->start != b->start || a->end != b->end)))
			return 0;
	}
	for (size_t i = 0; i < d->npara; i++)
		if (d->para[i].boiler != e->para[i].boiler ||
		    d->para[i].sent_end != e->para[i].sent_end)
			return 0;
	return 1;
}

/* Old Mac text ends its lines with a CR alone: it reads as LF text does
 * (paragraphs, wrapped lines, a photo credit as boilerplate), at the same
 * offsets; CR LF text too, its words ending before the CR. */
T_TEST(cr_line_ends_read_as_lf)
{
	const char *lf = "date 2025-02-22\nTalks in Geneva\n"
			 "The minister said on Monday that the talks would\n"
			 "continue next week in Geneva, where both sides met.\n"
			 "Evelyn Hockstein / AP\n\n"
			 "Officials described the meeting as useful and constructive\n"
			 "It ended late";
	static const char *const text[] = {"minister", "continue", NULL};
	static const char *const boiler[] = {"Hockstein", "AP", NULL};
	char *cr = with_line_ends(lf, "\r"), *crlf = with_line_ends(lf, "\r\n");
	struct ds_doc *d = doc(lf), *e = cr ? doc(cr) : NULL, *f = crlf ? doc(crlf) : NULL;
	T_OK(d && e && f);
	if (d && e && f) {
		T_EQ_INT(e->npara, 5); /* the wrapped line ("continue") joins the one before */
		T_OK(read_alike(d, e, 1));
		T_OK(read_alike(d, f, 0));
		check_boiler(cr, text, boiler);
	}
	ds_doc_free(d);
	ds_doc_free(e);
	ds_doc_free(f);
	free(cr);
	free(crlf);
	/* a CR alone ends a word as a line end does, the last one too */
	d = doc("It ended late.\rNext one\r");
	T_OK(d);
	if (d) {
		T_EQ_STR(joined(d), "It|ended|late|.|Next|one");
		T_EQ_INT(d->npara, 2);
		T_EQ_INT(d->tok[5].end, 23);
	}
	ds_doc_free(d);
}

T_TEST(opens_sentence_skips_punctuation)
{
	struct ds_doc *d = doc("\"The war,\" he said. It ended.");
	T_OK(d);
	if (!d)
		return;
	T_EQ_STR(joined(d), "\"|The|war|,|\"|he|said|.|It|ended|.");
	T_EQ_INT(ds_tok_opens_sent(d, 1), 1); /* "The" after the quote mark */
	T_EQ_INT(ds_tok_opens_sent(d, 2), 0);
	T_EQ_INT(ds_tok_opens_sent(d, 5), 0); /* "he" */
	T_EQ_INT(ds_tok_opens_sent(d, 8), 1); /* "It" */
	ds_doc_free(d);
}

/* The text's sentences as its tokens joined by | and sentences by /
 * are want. */
static void check_sentences(const char *text, const char *want)
{
	struct ds_doc *d = doc(text);
	char buf[256];
	size_t n = 0;
	T_OK(d);
	if (!d)
		return;
	for (size_t s = 0; s < d->nsent; s++)
		for (uint32_t i = d->sent[s].tok_begin; i < d->sent[s].tok_end; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
					      i == d->sent[s].tok_begin ? (s ? "/" : "") : "|",
					      ds_tok_norm(d, i));
	T_EQ_STR(buf, want);
	ds_doc_free(d);
}

/* A closing quote after a sentence end belongs to that sentence; the next
 * sentence starts with the word after it, or not at all when that word is
 * lower case ("Why?" he asked); an opening quote starts one.  Curly marks
 * face one way; straight ones close the quotation that is open. */
T_TEST(closing_quotes_end_their_sentence)
{
	static const char *const cases[][2] = {
		/* text, the sentences as tokens joined by | and sentences by / */
		{"\"It is over.\" Then he left.", "\"|It|is|over|.|\"/Then|he|left|."},
		{"\xE2\x80\x9CWhy?\xE2\x80\x9D he asked. \xE2\x80\x9CGo!\xE2\x80\x9D She went.",
		 "\"|Why|?|\"|he|asked|./\"|Go|!|\"/She|went|."},
		{"He left. \"Next,\" she said. (See the note.) It ended.",
		 "He|left|./\"|Next|,|\"|she|said|./(|See|the|note|.|)/It|ended|."},
		/* a curly mark says which way it faces, whatever came before
		 * (here a stray closing one) */
		{"A stray \xE2\x80\x9D mark. \xE2\x80\x9CNew, too.\xE2\x80\x9D Then.",
		 "A|stray|\"|mark|./\"|New|,|too|.|\"/Then|."},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		check_sentences(cases[k][0], cases[k][1]);
}

/* A writer who starts sentences in lower case (many e-mails) still writes
 * sentences: when most full stops are followed by a lower-case word, each
 * ends one.  In any other text a lower-case word goes on the sentence. */
T_TEST(lower_case_writers_sentences)
{
	static const char *const cases[][2] = {
		{"thanks for the help. i tried it again. then it worked. see you.",
		 "thanks|for|the|help|./i|tried|it|again|./then|it|worked|./see|you|."},
		/* one lower-case start among capitals: not the writer's style */
		{"He said no. but she went on. It ended. They left.",
		 "He|said|no|.|but|she|went|on|./It|ended|./They|left|."},
		/* too few full stops to tell */
		{"it broke. then it worked.", "it|broke|.|then|it|worked|."},
		/* abbreviations and initials do not count, nor end sentences */
		{"see the docs, e.g. the faq. it helps. mr. smith agrees. ok then.",
		 "see|the|docs|,|e.g.|the|faq|./it|helps|./mr.|smith|agrees|./ok|then|."},
		/* a full stop whose space was lost, but not a name's inner dot */
		{"It is accessible.Then we left. See ASP.NET, node.JS and example.com.",
		 "It|is|accessible|./Then|we|left|./See|ASP.NET|,|node.JS|and|example.com|."},
		/* also after a capitalised word, and a title's stop before a name */
		{"They met on Tuesday.The talks went on. Mr.Smith and Dr.Jones came. U.S.Army is one.",
		 "They|met|on|Tuesday|./The|talks|went|on|./Mr.|Smith|and|Dr.|Jones|came|./U.S.Army|is|one|."},
		/* but not inside an address or a name with parts */
		{"Mail John.Smith@example.com or see www.Example.Com and Report.Final.docx today.",
		 "Mail|John.Smith|@|example.com|or|see|www.Example.Com|and|Report.Final.docx|today|."},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		check_sentences(cases[k][0], cases[k][1]);
}

/* The digest of tokens_are_versioned for DS_TOK_VERSION 3 (1: before a
 * full stop whose space was lost, "accessible.Then", ended a sentence; 2:
 * before it did so after a capitalised word, "Tuesday.The", and a title,
 * "Mr.Smith"). */
#define TOKENS_DIGEST_V3 0x7eaaf6f7d0666683ULL

/* A digest of what the tokeniser makes of a text: every token's offsets,
 * kind, flags, sentence and normal forms, every sentence's paragraph and
 * boilerplate mark, each hashed (ds_hash64) on the hash before it. */
static uint64_t tokens_digest(uint64_t h, const char *text, size_t len)
{
	struct ds_err err = {0};
	struct ds_doc *d = ds_doc_new(text, len, "t", 0, &err);
	if (!d)
		return 0; /* no digest of any version */
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *t = &d->tok[i];
		uint32_t f[5] = {t->start, t->end, t->sent, t->kind, t->flags};
		h = ds_hash64(f, sizeof f, h);
		h = ds_hash64(d->pool + t->norm, t->norm_len + 1u, h);
		h = ds_hash64(d->pool + t->lower, t->norm_len + 1u, h);
	}
	for (size_t i = 0; i < d->nsent; i++) {
		uint32_t f[4] = {d->sent[i].tok_begin, d->sent[i].tok_end, d->sent[i].para,
				 d->sent[i].boiler};
		h = ds_hash64(f, sizeof f, h);
	}
	ds_doc_free(d);
	return h;
}

/* The models hold words as the tokeniser cut them, and each model file
 * records the tokeniser's version (DS_TOK_VERSION, binfmt.h).  This digest
 * of the tokens of the seeds and of a text of the tokeniser's hard cases
 * changes with any change to the tokens: bump DS_TOK_VERSION with it (the
 * models are then rebuilt and older files refused), and write the new
 * digest here for the new version. */
T_TEST(tokens_are_versioned)
{
	static const char hard[] =
		"Mr. O'Neill paid $5.50 (3.5%) on Jan. 3, 2025 -- at 10:30 a.m. -- in the U.S.\r\n"
		"\xe2\x80\x9cIt\xe2\x80\x99s well-known,\xe2\x80\x9d she said.\xc2\xa0" "Caf\xc3\xa9 "
		"na\xc3\xafve r\xc3\xb4le e.g. the co-op's 1st-rate 12-month plan, see "
		"https://example.com/a?b=1 or x@example.org.\n\n"
		"save your changes, and exit. to stop it, type q. then restart. "
		"it works. ok.\n\nSkip to content | Privacy Policy | Terms of Use\n"
		"It is accessible.Then see ASP.NET or node.JS.\n"
		"They met on Tuesday.The talks went on. Mr.Smith came. Mail John.Smith@example.com.\n";
	uint64_t h = 1;
	struct ds_err err = {0};
	for (size_t i = 0; i < sizeof t_seed_files / sizeof *t_seed_files; i++) {
		char *text;
		size_t len;
		if (ds_read_file(t_seed_files[i], 0, &text, &len, &err))
			T_SKIP("the seeds are not in corpus/seeds");
		h = tokens_digest(h, text, len);
		free(text);
	}
	h = tokens_digest(h, hard, sizeof hard - 1);
	T_EQ_INT(DS_TOK_VERSION, 3);
	if (h != TOKENS_DIGEST_V3)
		printf("# tokens digest %016llx\n", (unsigned long long)h);
	T_OK(h == TOKENS_DIGEST_V3);
}

int main(void)
{
	T_RUN(packset_finds_exactly_its_words);
	T_RUN(words_keep_abbreviations_and_apostrophes);
	T_RUN(numbers_stay_whole);
	T_RUN(hyphens_and_dashes);
	T_RUN(normalisation_keeps_original_offsets);
	T_RUN(invalid_utf8_is_replaced_not_fatal);
	T_RUN(binary_and_empty_refused);
	T_RUN(whole_text_check);
	T_RUN(wide_text_named);
	T_RUN(long_runs_are_bounded);
	T_RUN(sentences_and_paragraphs);
	T_RUN(cr_line_ends_read_as_lf);
	T_RUN(date_header);
	T_RUN(bad_date_header_found);
	T_RUN(boilerplate_marked);
	T_RUN(bullet_points_are_text);
	T_RUN(link_labels_are_boilerplate);
	T_RUN(seed_boilerplate);
	T_RUN(stems);
	T_RUN(stem_cache_grows);
	T_RUN(short_words_own_stems);
	T_RUN(doc_stems_match_word_stems);
	T_RUN(number_words);
	T_RUN(lower_case_latin);
	T_RUN(lower_case_ascii_runs);
	T_RUN(word_runs_across_chunks);
	T_RUN(own_stems);
	T_RUN(longest_tokens);
	T_RUN(opens_sentence_skips_punctuation);
	T_RUN(closing_quotes_end_their_sentence);
	T_RUN(lower_case_writers_sentences);
	T_RUN(tokens_are_versioned);
	return t_done();
}
