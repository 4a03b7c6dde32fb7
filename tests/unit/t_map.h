/*
 * t_map.h - for the unit tests of readers that map their text to the bytes
 * they read (test_html.c, test_mime.c): the input bytes a span of the text
 * comes from.
 */
#ifndef DS_T_MAP_H
#define DS_T_MAP_H

#include <stdio.h>
#include <string.h>

#include "despin.h"

/* The bytes of input that the first occurrence of words in text comes
 * from (by map m), into out; "(not in the text)" when it does not occur. */
static inline void t_map_span(const char *input, const char *text, const struct ds_html_map *m,
			      const char *words, char *out, size_t cap)
{
	const char *at = strstr(text, words);
	size_t a, b;
	if (!at) {
		snprintf(out, cap, "(not in the text)");
		return;
	}
	a = ds_html_map_page(m, (size_t)(at - text), 0);
	b = ds_html_map_page(m, (size_t)(at - text) + strlen(words), 1);
	snprintf(out, cap, "%.*s", b >= a ? (int)(b - a) : 0, input + a);
}

/* Checks that words of text come from the bytes want of input (T_EQ_STR
 * of t.h, reported at the caller's line). */
#define T_MAP_SPAN(input, text, m, words, want)                                   \
	do {                                                                       \
		char t_span_[256];                                                 \
		t_map_span(input, text, m, words, t_span_, sizeof t_span_);        \
		T_EQ_STR(t_span_, want);                                           \
	} while (0)

#endif
