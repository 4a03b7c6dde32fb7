/* json.c - JSON object reader for JSON Lines input (see json.h). */
#include "json.h"

#include <stdlib.h>
#include <string.h>

struct jp {
	const char *s;
	size_t n, i;
	struct ds_err *err;
	struct ds_buf tmp;
};

static int fail(struct jp *p, const char *what)
{
	return ds_err_set(p->err, DS_EFORMAT, "invalid JSON at byte %zu: %s", p->i, what);
}

static void ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int hex4(struct jp *p, unsigned *out)
{
	unsigned v = 0;
	if (p->i + 4 > p->n)
		return fail(p, "short \\u escape");
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

static int put_utf8(struct ds_buf *b, unsigned cp)
{
	char u[4];
	return ds_buf_append(b, u, ds_utf8_put(u, cp));
}

/* Parses a string at p->i (at the opening quote) into b (appended). */
static int string(struct jp *p, struct ds_buf *b)
{
	p->i++;
	for (;;) {
		size_t run = p->i;
		while (p->i < p->n && p->s[p->i] != '"' && p->s[p->i] != '\\' &&
		       (unsigned char)p->s[p->i] >= 0x20)
			p->i++;
		if (b && ds_buf_append(b, p->s + run, p->i - run))
			return ds_err_set(p->err, DS_ENOMEM, "out of memory");
		if (p->i >= p->n)
			return fail(p, "unterminated string");
		if (p->s[p->i] == '"') {
			p->i++;
			if (b && ds_buf_reserve(b, 1))
				return ds_err_set(p->err, DS_ENOMEM, "out of memory");
			if (b)
				b->data[b->len] = 0;
			return 0;
		}
		if ((unsigned char)p->s[p->i] < 0x20)
			return fail(p, "control character in string");
		p->i++; /* backslash */
		if (p->i >= p->n)
			return fail(p, "unterminated escape");
		{
			char c = p->s[p->i++], out = 0;
			unsigned cp, lo;
			switch (c) {
			case '"': out = '"'; break;
			case '\\': out = '\\'; break;
			case '/': out = '/'; break;
			case 'b': out = '\b'; break;
			case 'f': out = '\f'; break;
			case 'n': out = '\n'; break;
			case 'r': out = '\r'; break;
			case 't': out = '\t'; break;
			case 'u':
				if (hex4(p, &cp))
					return DS_EFORMAT;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (p->i + 6 > p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
						return fail(p, "lone surrogate");
					p->i += 2;
					if (hex4(p, &lo))
						return DS_EFORMAT;
					if (lo < 0xDC00 || lo > 0xDFFF)
						return fail(p, "bad surrogate pair");
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
					return fail(p, "lone surrogate");
				}
				if (b && put_utf8(b, cp))
					return ds_err_set(p->err, DS_ENOMEM, "out of memory");
				continue;
			default:
				return fail(p, "bad escape");
			}
			if (b && ds_buf_putc(b, out))
				return ds_err_set(p->err, DS_ENOMEM, "out of memory");
		}
	}
}

static int number(struct jp *p)
{
	size_t st = p->i;
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
		return fail(p, "bad number");
	if (p->s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return fail(p, "bad number");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9')
			return fail(p, "bad number");
		while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
			p->i++;
	}
	(void)st;
	return 0;
}

static int value(struct jp *p, int depth);

static int lit(struct jp *p, const char *w)
{
	size_t l = strlen(w);
	if (p->i + l > p->n || memcmp(p->s + p->i, w, l) != 0)
		return fail(p, "unexpected character");
	p->i += l;
	return 0;
}

static int container(struct jp *p, int depth, char close)
{
	int first = 1;
	if (depth > DS_JSON_MAX_DEPTH)
		return fail(p, "nested too deeply");
	p->i++;
	for (;;) {
		ws(p);
		if (p->i < p->n && p->s[p->i] == close && first) {
			p->i++;
			return 0;
		}
		if (close == '}') {
			if (p->i >= p->n || p->s[p->i] != '"')
				return fail(p, "expected a member name");
			if (string(p, NULL))
				return DS_EFORMAT;
			ws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return fail(p, "expected ':'");
			p->i++;
		}
		if (value(p, depth + 1))
			return DS_EFORMAT;
		ws(p);
		first = 0;
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		return fail(p, "expected ',' or a closing bracket");
	}
}

static int value(struct jp *p, int depth)
{
	ws(p);
	if (p->i >= p->n)
		return fail(p, "unexpected end");
	switch (p->s[p->i]) {
	case '{': return container(p, depth, '}');
	case '[': return container(p, depth, ']');
	case '"': return string(p, NULL);
	case 't': return lit(p, "true");
	case 'f': return lit(p, "false");
	case 'n': return lit(p, "null");
	default: return number(p);
	}
}

int ds_json_object(const char *s, size_t len, ds_json_member_fn fn, void *ctx,
		   struct ds_err *err)
{
	struct jp p = {s, len, 0, err, DS_BUF_INIT};
	struct ds_buf key = DS_BUF_INIT;
	int rc = 0, first = 1;
	ws(&p);
	if (p.i >= p.n || s[p.i] != '{')
		return fail(&p, "expected an object");
	p.i++;
	for (;;) {
		ws(&p);
		if (p.i < p.n && s[p.i] == '}' && first) {
			p.i++;
			break;
		}
		if (p.i >= p.n || s[p.i] != '"') {
			rc = fail(&p, "expected a member name");
			break;
		}
		key.len = 0;
		if ((rc = string(&p, &key)))
			break;
		if (!key.data && (rc = ds_buf_putc(&key, 0)))
			break;
		ws(&p);
		if (p.i >= p.n || s[p.i] != ':') {
			rc = fail(&p, "expected ':'");
			break;
		}
		p.i++;
		ws(&p);
		if (p.i < p.n && s[p.i] == '"') {
			p.tmp.len = 0;
			if ((rc = string(&p, &p.tmp)))
				break;
			if (!p.tmp.data && (rc = ds_buf_reserve(&p.tmp, 1)))
				break;
			p.tmp.data[p.tmp.len] = 0;
			if (fn && (rc = fn(ctx, key.data, p.tmp.data, p.tmp.len, 1)))
				break;
		} else if (p.i < p.n && (s[p.i] == '-' || (s[p.i] >= '0' && s[p.i] <= '9'))) {
			size_t st = p.i;
			if ((rc = number(&p)))
				break;
			p.tmp.len = 0;
			if ((rc = ds_buf_append(&p.tmp, s + st, p.i - st)))
				break;
			if (fn && (rc = fn(ctx, key.data, p.tmp.data, p.tmp.len, 0)))
				break;
		} else if ((rc = value(&p, 1))) {
			break;
		}
		ws(&p);
		first = 0;
		if (p.i < p.n && s[p.i] == ',') {
			p.i++;
			continue;
		}
		if (p.i < p.n && s[p.i] == '}') {
			p.i++;
			break;
		}
		rc = fail(&p, "expected ',' or '}'");
		break;
	}
	if (!rc) {
		ws(&p);
		if (p.i != p.n)
			rc = fail(&p, "trailing characters after the object");
	}
	ds_buf_free(&key);
	ds_buf_free(&p.tmp);
	return rc;
}
