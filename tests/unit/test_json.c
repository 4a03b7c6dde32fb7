/* test_json.c - the JSON Lines object reader: members and values, escapes and
 * surrogate pairs, skipped nested values, every kind of malformed input (with
 * the byte offset in the message), deep nesting, buffers without a NUL, and
 * round trips through ds_buf_json_str. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "json.h"
#include "util.h"

struct member {
	char key[32];
	char *val;
	size_t len;
	int is_string;
};

struct members {
	struct member m[16];
	size_t n;
	int stop_at; /* return 7 from the callback at this member (1-based), 0: never */
};

static int collect(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	struct members *ms = ctx;
	if (ms->n < 16) {
		struct member *m = &ms->m[ms->n];
		snprintf(m->key, sizeof m->key, "%s", key);
		m->val = malloc(vlen + 1);
		memcpy(m->val, val, vlen + 1);
		m->len = vlen;
		m->is_string = is_string;
	}
	ms->n++;
	return ms->stop_at && (int)ms->n == ms->stop_at ? 7 : 0;
}

static void members_free(struct members *ms)
{
	for (size_t i = 0; i < ms->n && i < 16; i++)
		free(ms->m[i].val);
	ms->n = 0;
}

/* Parses s from an exact-size heap copy (no NUL after it). */
static int parse(const char *s, size_t len, struct members *ms, struct ds_err *err)
{
	char *copy = malloc(len ? len : 1);
	int rc;
	memcpy(copy, s, len);
	rc = ds_json_object(copy, len, collect, ms, err);
	free(copy);
	return rc;
}

static int parse_str(const char *s, struct members *ms, struct ds_err *err)
{
	return parse(s, strlen(s), ms, err);
}

T_TEST(record_members)
{
	struct members ms = {0};
	struct ds_err err = {0};
	T_EQ_INT(parse_str("{\"id\": 12, \"text\": \"some text here\", \"score\": -1.5e3}", &ms, &err), 0);
	T_EQ_INT(ms.n, 3);
	T_EQ_STR(ms.m[0].key, "id");
	T_EQ_STR(ms.m[0].val, "12");
	T_EQ_INT(ms.m[0].is_string, 0);
	T_EQ_STR(ms.m[1].key, "text");
	T_EQ_STR(ms.m[1].val, "some text here");
	T_EQ_INT(ms.m[1].len, 14);
	T_EQ_INT(ms.m[1].is_string, 1);
	T_EQ_STR(ms.m[2].val, "-1.5e3");
	members_free(&ms);
	T_EQ_INT(parse_str("  {}  \r\n", &ms, &err), 0);
	T_EQ_INT(ms.n, 0);
}

T_TEST(nested_values_skipped)
{
	struct members ms = {0};
	struct ds_err err = {0};
	const char *s = "{\"a\": [1, {\"x\": \"no\"}, [true, false, null]], \"b\": {\"c\": \"d\"},"
			" \"t\": true, \"f\": false, \"n\": null, \"text\": \"yes\"}";
	T_EQ_INT(parse_str(s, &ms, &err), 0);
	T_EQ_INT(ms.n, 1);
	T_EQ_STR(ms.m[0].key, "text");
	T_EQ_STR(ms.m[0].val, "yes");
	members_free(&ms);
}

T_TEST(escapes)
{
	struct members ms = {0};
	struct ds_err err = {0};
	T_EQ_INT(parse_str("{\"k\\u00e9y\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\"}",
			   &ms, &err), 0);
	T_EQ_INT(ms.n, 1);
	T_EQ_STR(ms.m[0].key, "k\xc3\xa9y");
	T_EQ_STR(ms.m[0].val, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	members_free(&ms);
	/* \u0000 is kept: the length says where the value ends */
	T_EQ_INT(parse_str("{\"t\": \"a\\u0000b\"}", &ms, &err), 0);
	T_EQ_INT(ms.m[0].len, 3);
	T_OK(memcmp(ms.m[0].val, "a\0b", 4) == 0);
	members_free(&ms);
	/* bytes >= 0x80 pass through as they are */
	T_EQ_INT(parse_str("{\"t\": \"caf\xc3\xa9 \xff\"}", &ms, &err), 0);
	T_EQ_STR(ms.m[0].val, "caf\xc3\xa9 \xff");
	members_free(&ms);
}

static void expect_error(const char *s, size_t len, const char *what)
{
	struct members ms = {0};
	struct ds_err err = {0};
	int rc = parse(s, len, &ms, &err);
	if (rc != DS_EFORMAT)
		T_FAIL("%s: rc %d, expected DS_EFORMAT", what, rc);
	else if (!strstr(err.msg, "at byte"))
		T_FAIL("%s: message without an offset: %s", what, err.msg);
	members_free(&ms);
}
#define BAD(lit) expect_error(lit, sizeof lit - 1, lit)

T_TEST(malformed)
{
	BAD("");
	BAD("   ");
	BAD("[1, 2]");
	BAD("\"text\"");
	BAD("{");
	BAD("{\"a\"}");
	BAD("{\"a\" 1}");
	BAD("{\"a\": }");
	BAD("{\"a\": 1,}");
	BAD("{\"a\": 1 \"b\": 2}");
	BAD("{a: 1}");
	BAD("{\"a\": \"unterminated}");
	BAD("{\"a\": \"bad \\q escape\"}");
	BAD("{\"a\": \"short \\u12\"}");
	BAD("{\"a\": \"bad \\u12g4\"}");
	BAD("{\"a\": \"lone \\ud83d\"}");
	BAD("{\"a\": \"lone \\ude00\"}");
	BAD("{\"a\": \"pair \\ud83d\\u0041\"}");
	BAD("{\"a\": \"tab\tinside\"}");
	BAD("{\"a\": \"nl\ninside\"}");
	BAD("{\"a\": 01}");
	BAD("{\"a\": 1.}");
	BAD("{\"a\": 1e}");
	BAD("{\"a\": -}");
	BAD("{\"a\": +1}");
	BAD("{\"a\": tru}");
	BAD("{\"a\": nul}");
	BAD("{\"a\": [1, 2}");
	BAD("{\"a\": {\"b\": 1]}");
	BAD("{\"a\": 1} x");
	BAD("{\"a\": 1}{\"b\": 2}");
	BAD("{\"a\": \"x\\");
}

T_TEST(every_prefix_fails)
{
	static const char line[] =
		"{\"id\": \"a-1\", \"text\": \"The council \\u00e9 met \\ud83d\\ude00.\", \"n\": [1, {\"x\": null}], \"v\": 2.5e-3}";
	struct members ms = {0};
	struct ds_err err = {0};
	size_t n = sizeof line - 1, bad = 0;
	T_EQ_INT(parse(line, n, &ms, &err), 0);
	T_EQ_INT(ms.n, 3);
	members_free(&ms);
	for (size_t k = 0; k < n; k++) {
		int rc = parse(line, k, &ms, &err);
		members_free(&ms);
		if (rc != DS_EFORMAT)
			bad++;
	}
	T_EQ_INT(bad, 0);
}

T_TEST(deep_nesting)
{
	struct members ms = {0};
	struct ds_err err = {0};
	struct ds_buf b = DS_BUF_INIT;
	/* within the limit */
	ds_buf_puts(&b, "{\"a\": ");
	for (int i = 0; i < DS_JSON_MAX_DEPTH - 1; i++)
		ds_buf_putc(&b, '[');
	for (int i = 0; i < DS_JSON_MAX_DEPTH - 1; i++)
		ds_buf_putc(&b, ']');
	ds_buf_puts(&b, ", \"t\": \"x\"}");
	T_EQ_INT(parse(b.data, b.len, &ms, &err), 0);
	T_EQ_INT(ms.n, 1);
	members_free(&ms);
	ds_buf_free(&b);
	/* far past it: refused, no stack overflow */
	ds_buf_puts(&b, "{\"a\": ");
	for (int i = 0; i < 100000; i++)
		ds_buf_putc(&b, '[');
	T_EQ_INT(parse(b.data, b.len, &ms, &err), DS_EFORMAT);
	T_OK(strstr(err.msg, "deep") != NULL);
	ds_buf_free(&b);
}

T_TEST(callback_stops)
{
	struct members ms = {0};
	struct ds_err err = {0};
	ms.stop_at = 2;
	T_EQ_INT(parse_str("{\"a\": 1, \"b\": 2, \"c\": 3}", &ms, &err), 7);
	T_EQ_INT(ms.n, 2);
	members_free(&ms);
	/* a NULL callback only validates */
	T_EQ_INT(ds_json_object("{\"a\": 1}", 8, NULL, NULL, &err), 0);
}

T_TEST(long_string)
{
	struct members ms = {0};
	struct ds_err err = {0};
	struct ds_buf b = DS_BUF_INIT;
	size_t n = 1 << 20;
	ds_buf_puts(&b, "{\"text\": \"");
	for (size_t i = 0; i < n; i++)
		ds_buf_putc(&b, (char)('a' + i % 26));
	ds_buf_puts(&b, "\"}");
	T_EQ_INT(parse(b.data, b.len, &ms, &err), 0);
	T_EQ_INT(ms.m[0].len, n);
	T_OK(ms.m[0].val[n - 1] == (char)('a' + (n - 1) % 26));
	members_free(&ms);
	ds_buf_free(&b);
}

T_TEST(round_trip_json_str)
{
	/* every byte 0x01..0xff alone, and UTF-8 text: written by ds_buf_json_str,
	 * read back unchanged (valid UTF-8), or as the writer's replacement */
	char raw[300];
	size_t n = 0;
	struct members ms = {0};
	struct ds_err err = {0};
	struct ds_buf b = DS_BUF_INIT;
	for (int c = 1; c < 0x80; c++)
		raw[n++] = (char)c;
	memcpy(raw + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	n += 9;
	ds_buf_puts(&b, "{\"t\": \"");
	ds_buf_json_str(&b, raw, n);
	ds_buf_puts(&b, "\"}");
	T_EQ_INT(parse(b.data, b.len, &ms, &err), 0);
	T_EQ_INT(ms.n, 1);
	if (ms.n == 1) {
		T_EQ_INT(ms.m[0].len, n);
		T_OK(memcmp(ms.m[0].val, raw, n) == 0);
	}
	members_free(&ms);
	ds_buf_free(&b);
	/* invalid UTF-8 and lone bytes still give JSON that parses */
	ds_buf_puts(&b, "{\"t\": \"");
	ds_buf_json_str(&b, "a\xff\xc3(\xed\xa0\x80z", 8);
	ds_buf_puts(&b, "\"}");
	T_EQ_INT(parse(b.data, b.len, &ms, &err), 0);
	members_free(&ms);
	ds_buf_free(&b);
}

T_TEST(names_not_utf8_keep_their_bytes)
{
	/* a UTF-8 name is the member alone; any other gets KEY_bytes, its bytes
	 * in base64, which decodes to the name (RFC 4648's test vectors for the
	 * padding) */
	struct ds_buf b = DS_BUF_INIT;
	static const char *const vec[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="},
					     {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
					     {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		T_EQ_INT(ds_buf_base64(&b, vec[i][0], strlen(vec[i][0])), 0);
		T_EQ_STR(b.len ? b.data : "", vec[i][1]);
		ds_buf_free(&b);
	}
	T_OK(ds_utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
	T_OK(!ds_utf8_valid("caf\xe9", 4));
	T_OK(!ds_utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
	T_OK(!ds_utf8_valid("\xc3", 1));          /* cut */
	ds_buf_json_name(&b, 0, "file", "d/caf\xc3\xa9.txt");
	T_EQ_STR(b.data, "\"file\":\"d/caf\xc3\xa9.txt\"");
	ds_buf_free(&b);
	ds_buf_json_name(&b, 1, "file", "d/caf\xe9.txt");
	T_EQ_STR(b.data, ",\"file\":\"d/caf\\ufffd.txt\",\"file_bytes\":\"ZC9jYWbpLnR4dA==\"");
	ds_buf_free(&b);
}

int main(void)
{
	T_RUN(record_members);
	T_RUN(nested_values_skipped);
	T_RUN(escapes);
	T_RUN(malformed);
	T_RUN(every_prefix_fails);
	T_RUN(deep_nesting);
	T_RUN(callback_stops);
	T_RUN(long_string);
	T_RUN(round_trip_json_str);
	T_RUN(names_not_utf8_keep_their_bytes);
	return t_done();
}
