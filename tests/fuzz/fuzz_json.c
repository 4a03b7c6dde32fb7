/* fuzz_json.c - the JSON Lines object reader (ds_json_object).  Members it
 * hands back must be NUL-terminated copies of the stated length; a document
 * it accepts must come back the same through ds_buf_json_str. */
#include "fuzz.h"
#include "json.h"

struct seen {
	size_t members;
	struct ds_buf out;
};

static int member(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	struct seen *s = ctx;
	FZ_ASSERT(key != NULL && val != NULL);
	FZ_ASSERT(val[vlen] == 0);
	FZ_ASSERT(is_string || strlen(val) == vlen);
	s->members++;
	/* Re-encode the member: the result must parse to the same value. */
	if (is_string) {
		struct ds_buf b = DS_BUF_INIT;
		ds_buf_puts(&b, "{\"k\":\"");
		ds_buf_json_str(&b, val, vlen);
		ds_buf_puts(&b, "\"}");
		ds_buf_free(&s->out);
		s->out = b;
	}
	return 0;
}

struct one {
	char *val;
	size_t len;
};

static int grab(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	struct one *o = ctx;
	(void)key;
	(void)is_string;
	o->val = malloc(vlen + 1);
	FZ_ASSERT(o->val != NULL);
	memcpy(o->val, val, vlen + 1);
	o->len = vlen;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_err err = {0};
	struct seen s = {0, DS_BUF_INIT};
	/* A private copy without a terminating NUL: reads past size are caught. */
	char *copy = malloc(size ? size : 1);
	int rc;

	FZ_ASSERT(copy != NULL);
	memcpy(copy, data, size);
	rc = ds_json_object(copy, size, member, &s, &err);
	if (rc) {
		FZ_ASSERT(rc == DS_EFORMAT || rc == DS_ENOMEM);
		FZ_ASSERT(strstr(err.msg, "byte") != NULL || rc == DS_ENOMEM);
	} else if (s.out.len) {
		/* The last string member, written back as JSON, reads back; once
		 * written from what was read (invalid UTF-8 replaced by U+FFFD),
		 * reading and writing again gives the same text (a fixed point). */
		struct one o = {NULL, 0}, o2 = {NULL, 0};
		struct ds_buf again = DS_BUF_INIT, again2 = DS_BUF_INIT;
		FZ_ASSERT(ds_json_object(s.out.data, s.out.len, grab, &o, &err) == 0);
		FZ_ASSERT(o.val != NULL);
		ds_buf_puts(&again, "{\"k\":\"");
		ds_buf_json_str(&again, o.val, o.len);
		ds_buf_puts(&again, "\"}");
		FZ_ASSERT(ds_json_object(again.data, again.len, grab, &o2, &err) == 0);
		FZ_ASSERT(o2.val != NULL);
		ds_buf_puts(&again2, "{\"k\":\"");
		ds_buf_json_str(&again2, o2.val, o2.len);
		ds_buf_puts(&again2, "\"}");
		FZ_ASSERT(again2.len == again.len && memcmp(again2.data, again.data, again.len) == 0);
		ds_buf_free(&again);
		ds_buf_free(&again2);
		free(o.val);
		free(o2.val);
	}
	ds_buf_free(&s.out);
	free(copy);
	return 0;
}
