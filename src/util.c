/* util.c - errors, buffers, hashing, files (see util.h). */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *ds_version(void)
{
	return DS_VERSION_STRING;
}

const char *ds_strerror(int code)
{
	switch (code) {
	case DS_OK: return "success";
	case DS_ENOMEM: return "out of memory";
	case DS_EIO: return "input/output error";
	case DS_EFORMAT: return "malformed data";
	case DS_EVERSION: return "unsupported format version";
	case DS_ECORRUPT: return "corrupt or truncated file";
	case DS_EBINARY: return "binary file, not text";
	case DS_EEMPTY: return "empty input";
	case DS_ETOOBIG: return "input too large";
	case DS_EINVAL: return "invalid argument";
	case DS_ENOTFOUND: return "not found";
	case DS_EBUSY: return "resource busy";
	case DS_EDB: return "database error";
	case DS_ETOOLONG: return "too long to judge";
	}
	return "unknown error";
}

/* A message is formatted whole, then fitted to struct ds_err: a name of a
 * few thousand bytes (a deep path) would otherwise push the problem the
 * message is about out of its 512 bytes.  Twice PATH_MAX holds any message
 * of one or two names. */
#define DS_MSG_WHOLE 8192

void ds_msg_fit(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s), cut, from, to, word = 0, wlen = 0;
	if (n < cap) {
		memcpy(out, s, n + 1);
		return;
	}
	/* the bytes left out, "..." in their place */
	cut = n - (cap - 1) + 3;
	for (size_t i = 0; i < n;) {
		size_t start;
		while (i < n && s[i] == ' ')
			i++;
		for (start = i; i < n && s[i] != ' ';)
			i++;
		if (i - start > wlen) {
			word = start;
			wlen = i - start;
		}
	}
	/* a third of what is kept before the cut, two thirds after: the end
	 * of a path (the file's name) says more than its start, and the end
	 * of a message says what went wrong */
	if (wlen >= cut + 16)
		from = word + (wlen - cut) / 3;
	else
		from = (n - cut) / 3;
	to = from + cut;
	while (from > 0 && ((unsigned char)s[from] & 0xc0) == 0x80)
		from--;
	while (to < n && ((unsigned char)s[to] & 0xc0) == 0x80)
		to++;
	memcpy(out, s, from);
	memcpy(out + from, "...", 3);
	memcpy(out + from + 3, s + to, n - to + 1);
}

int (ds_err_set)(struct ds_err *err, int code, const char *fmt, ...)
{
	if (err) {
		char whole[DS_MSG_WHOLE];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(whole, sizeof whole, fmt, ap);
		va_end(ap);
		ds_msg_fit(err->msg, sizeof err->msg, whole);
		err->code = code;
	}
	return code;
}

void ds_err_append(struct ds_err *err, const char *fmt, ...)
{
	char whole[DS_MSG_WHOLE];
	size_t n;
	va_list ap;
	if (!err)
		return;
	n = strnlen(err->msg, sizeof err->msg - 1);
	memcpy(whole, err->msg, n);
	va_start(ap, fmt);
	vsnprintf(whole + n, sizeof whole - n, fmt, ap);
	va_end(ap);
	ds_msg_fit(err->msg, sizeof err->msg, whole);
}

int ds_err_sys(struct ds_err *err, int errnum, const char *fmt, ...)
{
	int code = errnum == ENOMEM ? DS_ENOMEM : DS_EIO;
	if (err) {
		char whole[DS_MSG_WHOLE];
		const char *why = strerror(errnum);
		va_list ap;
		size_t n;
		va_start(ap, fmt);
		vsnprintf(whole, sizeof whole, fmt, ap);
		va_end(ap);
		/* the system's reason is the problem: kept whole */
		n = strlen(whole);
		if (n > sizeof whole - strlen(why) - 3)
			n = sizeof whole - strlen(why) - 3;
		snprintf(whole + n, sizeof whole - n, ": %s", why);
		ds_msg_fit(err->msg, sizeof err->msg, whole);
		err->code = code;
	}
	return code;
}

/* ---- buffers ---- */

int ds_grow(void *arr, size_t *cap, size_t need, size_t elt)
{
	void **pp = arr;
	size_t nc;
	void *np;
	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elt)
			return DS_ENOMEM;
		nc *= 2;
	}
	np = realloc(*pp, nc * elt);
	if (!np)
		return DS_ENOMEM;
	*pp = np;
	*cap = nc;
	return 0;
}

/* ---- tab-separated text files ---- */

int ds_tsv_open(struct ds_tsv *t, const char *path, size_t max_bytes, struct ds_err *err)
{
	size_t len = 0;
	memset(t, 0, sizeof *t);
	if (ds_read_file(path, max_bytes, &t->text, &len, err) < 0)
		return -1;
	t->p = t->text;
	t->end = t->text + len;
	return 0;
}

int ds_old_format(const char *s, size_t n)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s >= '1' && *s <= '9' && *end == 0 && v >= 1 && (size_t)v < n ? (int)v : 0;
}

int ds_field_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end || errno == ERANGE || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int ds_field_real(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v)) /* "nan", "inf", a number overflowed */
		return -1;
	*out = v;
	return 0;
}

int ds_tsv_next(struct ds_tsv *t, char **f, int nmax)
{
	while (t->p && t->p < t->end) {
		char *line = t->p, *eol = memchr(line, '\n', (size_t)(t->end - line));
		int nf = 0;
		if (!eol)
			eol = t->end;
		*eol = 0;
		t->p = eol + 1;
		t->lineno++;
		if (eol > line && eol[-1] == '\r')
			*--eol = 0;
		if (line[0] == '#' || line[0] == 0)
			continue;
		for (char *fld = line; fld && nf < nmax;) {
			char *tab = memchr(fld, '\t', (size_t)(eol - fld));
			if (tab)
				*tab = 0;
			f[nf++] = fld;
			fld = tab ? tab + 1 : NULL;
		}
		return nf;
	}
	return -1;
}

void ds_tsv_close(struct ds_tsv *t)
{
	free(t->text);
	t->text = t->p = t->end = NULL;
}

/* ---- hash map ---- */

static void hmap_geometry(struct ds_hmap *m, size_t cap)
{
	unsigned lg = 1; /* cap is at least 2: never a shift by 64 */
	while (((size_t)1 << lg) < cap)
		lg++;
	m->cap = cap;
	m->shift = 64 - lg;
	m->limit = cap / 10 * 7 + cap % 10 * 7 / 10;
}

int ds_hmap_reserve(struct ds_hmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;
	struct ds_hmap nm;
	while (n * 10 > cap * 7) {
		if (cap > SIZE_MAX / 2 / sizeof *nm.key)
			return DS_ENOMEM;
		cap *= 2;
	}
	if (cap == m->cap)
		return 0;
	if (m->fixed)
		return DS_ENOMEM;
	nm = *m;
	nm.key = malloc(cap * sizeof *nm.key);
	nm.val = malloc(cap * sizeof *nm.val);
	if (!nm.key || !nm.val) {
		free(nm.key);
		free(nm.val);
		return DS_ENOMEM;
	}
	hmap_geometry(&nm, cap);
	memset(nm.val, 0xff, cap * sizeof *nm.val);
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;
		if (m->val[i] == DS_HMAP_EMPTY)
			continue;
		for (j = ds_hmap_slot(&nm, m->key[i]); nm.val[j] != DS_HMAP_EMPTY; j = (j + 1) & (cap - 1))
			;
		nm.key[j] = m->key[i];
		nm.val[j] = m->val[i];
	}
	free(m->key);
	free(m->val);
	*m = nm;
	return 0;
}

void ds_hmap_init_fixed(struct ds_hmap *m, uint64_t *key, uint32_t *val, size_t cap)
{
	m->key = key;
	m->val = val;
	m->n = 0;
	m->fixed = 1;
	if (!DS_HMAP_FIXED_OK(cap)) { /* no slot: never a shift by 64 */
		m->cap = m->limit = 0;
		m->shift = 63;
		return;
	}
	hmap_geometry(m, cap);
	ds_hmap_clear(m);
}

void ds_hmap_clear(struct ds_hmap *m)
{
	if (m->cap)
		memset(m->val, 0xff, m->cap * sizeof *m->val);
	m->n = 0;
}

void ds_hmap_free(struct ds_hmap *m)
{
	if (!m->fixed) {
		free(m->key);
		free(m->val);
	}
	memset(m, 0, sizeof *m);
}

/* ---- string table ---- */

#define STRTAB_SEED 0x7374727461623031ULL /* "strtab01" */

struct strtab_probe {
	const struct ds_strtab *t;
	const char *s;
	size_t n;
};

static int strtab_eq(const void *ctx, uint32_t id)
{
	const struct strtab_probe *p = ctx;
	return p->t->len[id] == p->n && memcmp(ds_strtab_str(p->t, id), p->s, p->n) == 0;
}

int64_t ds_strtab_find(const struct ds_strtab *t, const char *s, size_t n)
{
	struct strtab_probe p = {t, s, n};
	const uint32_t *v = ds_hmap_find(&t->map, ds_hash64(s, n, STRTAB_SEED), strtab_eq, &p);
	return v ? (int64_t)*v : -1;
}

int64_t ds_strtab_intern(struct ds_strtab *t, const char *s, size_t n)
{
	struct strtab_probe p = {t, s, n};
	uint32_t *v;
	int is_new;
	if (n >= UINT32_MAX - t->plen || t->n >= UINT32_MAX - 1)
		return DS_ETOOBIG;
	if (ds_grow(&t->off, &t->cap, t->n + 1, sizeof *t->off) ||
	    ds_grow(&t->len, &t->lcap, t->n + 1, sizeof *t->len) ||
	    ds_grow(&t->pool, &t->pcap, t->plen + n + 1, 1))
		return DS_ENOMEM;
	v = ds_hmap_put(&t->map, ds_hash64(s, n, STRTAB_SEED), (uint32_t)t->n, strtab_eq, &p,
			&is_new);
	if (!v)
		return DS_ENOMEM;
	if (!is_new)
		return *v;
	memcpy(t->pool + t->plen, s, n);
	t->pool[t->plen + n] = 0;
	t->off[t->n] = (uint32_t)t->plen;
	t->len[t->n] = (uint32_t)n;
	t->plen += n + 1;
	return (int64_t)t->n++;
}

void ds_strtab_free(struct ds_strtab *t)
{
	free(t->pool);
	free(t->off);
	free(t->len);
	ds_hmap_free(&t->map);
	memset(t, 0, sizeof *t);
}

/* ---- sorting ---- */

static void sort_run(unsigned char *a, unsigned char *tmp, size_t n, size_t size,
		     int (*cmp)(const void *, const void *, void *), void *ctx)
{
	size_t h = n / 2, i = 0, j = h, k = 0;
	if (n < 2)
		return;
	if (n <= 8) { /* insertion sort: stable */
		for (i = 1; i < n; i++) {
			memcpy(tmp, a + i * size, size);
			for (j = i; j > 0 && cmp(a + (j - 1) * size, tmp, ctx) > 0; j--)
				memcpy(a + j * size, a + (j - 1) * size, size);
			memcpy(a + j * size, tmp, size);
		}
		return;
	}
	sort_run(a, tmp, h, size, cmp, ctx);
	sort_run(a + h * size, tmp, n - h, size, cmp, ctx);
	if (cmp(a + (h - 1) * size, a + h * size, ctx) <= 0)
		return; /* already in order */
	while (i < h && j < n) {
		if (cmp(a + j * size, a + i * size, ctx) < 0)
			memcpy(tmp + k++ * size, a + j++ * size, size);
		else
			memcpy(tmp + k++ * size, a + i++ * size, size);
	}
	if (i < h)
		memcpy(tmp + k * size, a + i * size, (h - i) * size);
	else
		k = j; /* the rest of the right half is in place already */
	memcpy(a, tmp, (i < h ? n : k) * size);
}

int ds_sort(void *base, size_t n, size_t size,
	    int (*cmp)(const void *a, const void *b, void *ctx), void *ctx)
{
	unsigned char *tmp;
	if (n < 2)
		return 0;
	if (size && n > SIZE_MAX / size)
		return DS_ENOMEM;
	tmp = malloc(n * size);
	if (!tmp)
		return DS_ENOMEM;
	sort_run(base, tmp, n, size, cmp, ctx);
	free(tmp);
	return 0;
}

/* The key of x that orders as x does, as unsigned integers: -0 and +0
 * alike (they compare equal). */
static inline uint32_t float_key(float x)
{
	uint32_t u;
	memcpy(&u, &x, sizeof u);
	if (u == 0x80000000u)
		u = 0;
	return u & 0x80000000u ? ~u : u | 0x80000000u;
}

/* Eight bits a pass from the lowest; a pass whose byte is the same in
 * every key is skipped. */
void ds_sort_floats(float *a, float *tmp, size_t n)
{
	uint32_t count[4][256];
	float *src = a, *dst = tmp, *t;
	if (n < 2)
		return;
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++) {
		uint32_t k = float_key(a[i]);
		count[0][k & 255]++;
		count[1][k >> 8 & 255]++;
		count[2][k >> 16 & 255]++;
		count[3][k >> 24]++;
	}
	for (unsigned p = 0; p < 4; p++) {
		uint32_t *c = count[p], sum = 0;
		unsigned shift = 8 * p;
		if (c[float_key(src[0]) >> shift & 255] == n)
			continue;
		for (unsigned i = 0; i < 256; i++) {
			uint32_t k = c[i];
			c[i] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[float_key(src[i]) >> shift & 255]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

int ds_buf_reserve(struct ds_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return DS_ENOMEM;
	return ds_grow(&b->data, &b->cap, b->len + extra + 1, 1);
}

int ds_buf_append(struct ds_buf *b, const void *p, size_t n)
{
	if (ds_buf_reserve(b, n))
		return DS_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ds_buf_puts(struct ds_buf *b, const char *s)
{
	return ds_buf_append(b, s, strlen(s));
}

int ds_buf_putc(struct ds_buf *b, char c)
{
	return ds_buf_append(b, &c, 1);
}

int ds_buf_printf(struct ds_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char small[256];
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DS_EINVAL;
	if ((size_t)n < sizeof small)
		return ds_buf_append(b, small, (size_t)n);
	if (ds_buf_reserve(b, (size_t)n))
		return DS_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int ds_buf_size(struct ds_buf *b, size_t n)
{
	char d[24];
	size_t k = sizeof d;
	do {
		d[--k] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	return ds_buf_append(b, d + k, sizeof d - k);
}

#if LDBL_MANT_DIG >= 64
/* 1 when long double arithmetic keeps the precision its type declares.  An
 * emulator may compute it in double (valgrind does), and the product below
 * would then be rounded before llrintl rounds it again. */
static int long_double_exact(void)
{
	volatile long double one = 1.0L, eps = LDBL_EPSILON;
	return one + eps != one;
}
#endif

int ds_buf_fixed4(struct ds_buf *b, double v)
{
#if LDBL_MANT_DIG >= 64
	/* exact: 10000 is 625 * 16, so the product needs 53 + 10 significant
	 * bits, which an x87 or quadruple long double holds; rounded to the
	 * nearest, ties to even, as printf rounds the exact value */
	long double x = (long double)v * 10000.0L;
	if (isfinite(v) && fabsl(x) < 1e18L && long_double_exact()) {
		long long n = llrintl(x);
		unsigned long long u = (unsigned long long)(n < 0 ? -n : n);
		char d[32];
		size_t k = sizeof d;
		for (int i = 0; i < 4; i++) {
			d[--k] = (char)('0' + u % 10);
			u /= 10;
		}
		d[--k] = '.';
		do {
			d[--k] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (signbit(v)) /* "-0.0000" too, as printf writes it */
			d[--k] = '-';
		return ds_buf_append(b, d + k, sizeof d - k);
	}
#endif
	return ds_buf_printf(b, "%.4f", v);
}

size_t ds_utf8_put(char out[4], uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t ds_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c;
	size_t l;
	uint32_t v;
	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	l = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
	if (l == 0 || l > n)
		return 0;
	v = c & (0x7fu >> l);
	for (size_t k = 1; k < l; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[k] & 0x3f);
	}
	if ((l == 3 && (v < 0x800 || (v >= 0xd800 && v < 0xe000))) ||
	    (l == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	*cp = v;
	return l;
}

int ds_buf_json_str(struct ds_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[7];
		if (c >= 0x80) {
			/* JSON is UTF-8: a byte that is not becomes U+FFFD */
			uint32_t cp;
			size_t l = ds_utf8_seq((const unsigned char *)s + i, n - i, &cp);
			if (l) {
				i += l - 1;
				continue;
			}
			if (ds_buf_append(b, s + run, i - run) || ds_buf_puts(b, "\\ufffd"))
				return DS_ENOMEM;
			run = i + 1;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		if (ds_buf_append(b, s + run, i - run))
			return DS_ENOMEM;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			u[0] = '\\'; u[1] = 'u'; u[2] = '0'; u[3] = '0';
			u[4] = hex[c >> 4]; u[5] = hex[c & 15]; u[6] = 0;
			esc = u;
		}
		if (ds_buf_puts(b, esc))
			return DS_ENOMEM;
		run = i + 1;
	}
	return ds_buf_append(b, s + run, n - run);
}

int ds_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	for (size_t i = 0, l; i < n; i += l)
		if (!(l = p[i] < 0x80 ? 1 : ds_utf8_seq(p + i, n - i, &cp)))
			return 0;
	return 1;
}

int ds_buf_base64(struct ds_buf *b, const void *p, size_t n)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = p;
	char *o;
	if (n > SIZE_MAX / 2 || ds_buf_reserve(b, (n + 2) / 3 * 4 + 1))
		return DS_ENOMEM;
	o = b->data + b->len;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		*o++ = abc[v >> 18];
		*o++ = abc[v >> 12 & 63];
		*o++ = i + 1 < n ? abc[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? abc[v & 63] : '=';
	}
	*o = 0;
	b->len = (size_t)(o - b->data);
	return 0;
}

int ds_buf_json_name(struct ds_buf *b, int comma, const char *key, const char *s)
{
	size_t n = strlen(s);
	if ((comma && ds_buf_putc(b, ',')) || ds_buf_putc(b, '"') || ds_buf_puts(b, key) ||
	    ds_buf_puts(b, "\":\"") || ds_buf_json_str(b, s, n) || ds_buf_putc(b, '"'))
		return DS_ENOMEM;
	if (ds_utf8_valid(s, n))
		return 0;
	return ds_buf_puts(b, ",\"") || ds_buf_puts(b, key) || ds_buf_puts(b, "_bytes\":\"") ||
			       ds_buf_base64(b, s, n) || ds_buf_putc(b, '"')
		       ? DS_ENOMEM
		       : 0;
}

void ds_buf_free(struct ds_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Whether the control character at s[i] lays out text and does nothing
 * else: a newline, a tab, a carriage return ending a line (CR LF).  A lone
 * carriage return would let what follows it cover the line on screen. */
static int lays_out(const char *s, size_t n, size_t i)
{
	return s[i] == '\n' || s[i] == '\t' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
}

/* s[0..n) appended to b with each ASCII character c that has esc[c] set
 * as esc[c] (esc may be NULL); with bad set, what ds_buf_shown says of it
 * shown so; with refs, each UTF-8 character past ASCII as a numeric
 * reference.  What is left is appended as it is. */
static int put_escaped(struct ds_buf *b, const char *s, size_t n, const char *const esc[128],
		       const char *bad, int refs)
{
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp = c;
		size_t l = c < 0x80 ? 1 : ds_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		const char *e = NULL;
		char code[16];
		if (bad && c == '\r' && !lays_out(s, n, i)) {
			/* a CR alone ends a line of old Mac text, read as a
			 * newline (text.c): shown as one */
			e = esc && esc['\n'] ? esc['\n'] : "\n";
		} else if (bad && (l == 0 || (ds_is_control(cp) && !lays_out(s, n, i)))) {
			e = bad;
		} else if (bad && ds_is_bidi_control(cp)) {
			snprintf(code, sizeof code, "[U+%04X]", (unsigned)cp);
			e = code;
		} else if (refs && c >= 0x80 && l) {
			snprintf(code, sizeof code, "&#%u;", (unsigned)cp);
			e = code;
		} else if (c < 0x80 && esc) {
			e = esc[c];
		}
		if (e && (ds_buf_append(b, s + run, i - run) || ds_buf_puts(b, e)))
			return DS_ENOMEM;
		i += l ? l : 1; /* a byte that is not UTF-8 goes alone */
		if (e)
			run = i;
	}
	return ds_buf_append(b, s + run, n - run);
}

int ds_buf_shown(struct ds_buf *b, const char *s, size_t n, const char *const esc[128],
		 const char *bad)
{
	return put_escaped(b, s, n, esc, bad, 0);
}

int ds_html_escape(struct ds_buf *b, const char *s, size_t n, unsigned how)
{
	static const char *const text[128] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;"};
	static const char *const shown[128] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
					       ['"'] = "&quot;", ['\''] = "&#39;"};
	if (how & DS_HTML_SHOWN)
		return put_escaped(b, s, n, shown, "&#xFFFD;", 0);
	return put_escaped(b, s, n, text, NULL, (how & DS_HTML_REFS) != 0);
}

/* ---- hashing ---- */

static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t crc32c_sw(uint32_t crc, const void *vp, size_t n);

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = ~crc;
	while (n >= 8) {
		c = __builtin_ia32_crc32di(c, rd64(p));
		p += 8;
		n -= 8;
	}
	while (n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}
#endif

/* Built once (crc_once): the slicing-by-8 table, and whether the processor
 * has the CRC32 instruction. */
static uint32_t crc_table[8][256];
static int crc_hw;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
#if defined(__x86_64__) && defined(__GNUC__)
	crc_hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#endif
}

uint32_t ds_crc32c(uint32_t crc, const void *vp, size_t n)
{
	pthread_once(&crc_once, crc_init);
#if defined(__x86_64__) && defined(__GNUC__)
	if (crc_hw)
		return crc32c_hw(crc, vp, n);
#endif
	return crc32c_sw(crc, vp, n);
}

static uint32_t crc32c_sw(uint32_t crc, const void *vp, size_t n)
{
	uint32_t (*table)[256] = crc_table;
	const unsigned char *p = vp;
	crc = ~crc;
	while (n >= 8) {
		uint64_t v = rd64(p) ^ crc;
		crc = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^
		      table[5][(v >> 16) & 0xff] ^ table[4][(v >> 24) & 0xff] ^
		      table[3][(v >> 32) & 0xff] ^ table[2][(v >> 40) & 0xff] ^
		      table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* ---- files ---- */

int ds_web_address(const char *path)
{
	static const char *const schemes[] = {"http://", "https://", "ftp://"};
	for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++)
		if (strncasecmp(path, schemes[k], strlen(schemes[k])) == 0)
			return 1;
	return 0;
}

int ds_open_input(const char *path, int *fd_out, uint64_t *size, struct ds_err *err)
{
	int fd, rc = 0;
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	struct stat st;

	*fd_out = -1;
	if (size)
		*size = UINT64_MAX;
	/* O_NONBLOCK: opening a FIFO with no writer must not block; the
	 * file is refused below unless it is regular */
	fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && ds_web_address(path))
		return ds_err_set(err, DS_EIO, "cannot open %s: %s", name, DS_WEB_ADDRESS);
	if (fd < 0)
		return ds_err_sys(err, errno, "cannot open %s", name);
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			rc = ds_err_set(err, DS_EIO, "cannot read %s: is a directory", name);
			goto fail;
		}
		if (!is_stdin && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
			/* a device may be endless (/dev/zero); a pipe given by
			 * name (the shell's <(command)) is read as standard
			 * input is, to its end or the size limit */
			rc = ds_err_set(err, DS_EIO,
					"cannot read %s: not a regular file (%s); give it as '-' on standard input",
					name, S_ISFIFO(st.st_mode)   ? "a FIFO"
					      : S_ISCHR(st.st_mode) ? "a character device"
					      : S_ISBLK(st.st_mode) ? "a block device"
					      : S_ISSOCK(st.st_mode) ? "a socket"
								    : "a special file");
			goto fail;
		}
		if (S_ISREG(st.st_mode) && size)
			*size = (uint64_t)st.st_size;
	}
	if (!is_stdin)
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*fd_out = fd;
	return 0;
fail:
	if (!is_stdin)
		close(fd);
	return rc;
}

int ds_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
		 struct ds_err *err)
{
	int fd, rc = 0;
	struct ds_buf b = DS_BUF_INIT;
	int is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	uint64_t size;

	*out = NULL;
	*len = 0;
	if ((rc = ds_open_input(path, &fd, &size, err)) != 0)
		return rc;
	if (size != UINT64_MAX) {
		if (max_bytes && size > max_bytes) {
			rc = ds_err_set(err, DS_ETOOBIG,
					"%s: file of %llu bytes exceeds the limit of %zu bytes",
					name, (unsigned long long)size, max_bytes);
			goto close_fd;
		}
		if (size >= SIZE_MAX || ds_buf_reserve(&b, (size_t)size + 1)) {
			rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
			goto close_fd;
		}
	}
	for (;;) {
		ssize_t r;
		if (ds_buf_reserve(&b, 65536)) {
			rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
			goto free_buf;
		}
		r = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = ds_err_sys(err, errno, "cannot read %s", name);
			goto free_buf;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		if (max_bytes && b.len > max_bytes) {
			rc = ds_err_set(err, DS_ETOOBIG, "%s: input exceeds the limit of %zu bytes",
					name, max_bytes);
			goto free_buf;
		}
	}
	if (!b.data && ds_buf_reserve(&b, 1)) {
		rc = ds_err_set(err, DS_ENOMEM, "%s: out of memory", name);
		goto close_fd;
	}
	b.data[b.len] = '\0';
	*out = b.data;
	*len = b.len;
	b.data = NULL;
free_buf:
	ds_buf_free(&b);
close_fd:
	if (!is_stdin)
		close(fd);
	return rc;
}

static _Thread_local int map_whole;

int ds_map_whole_folios(int whole)
{
	int prev = map_whole;
	map_whole = whole != 0;
	return prev;
}

/* A read-only map of the whole file, placed one page past a 2 MB boundary
 * of the address space, so that no 2 MB of it starts on one (with whole,
 * on the boundary: see ds_map_whole_folios).  A kernel maps
 * a 2 MB folio of the page cache whole (one page-table entry for all of it)
 * only where the address and the file offset agree modulo 2 MB; one page
 * off, a fault maps the pages around it (fault-around, 64 kB by default).
 * So a short scan's few hundred scattered lookups keep a few MB of model
 * pages resident instead of nearly every page of every model
 * (docs/README-perf.md).  A plain map where the address space cannot be
 * reserved. */
static void *map_placed(int fd, size_t len, int whole)
{
	const size_t huge = (size_t)2 << 20;
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096, span = len + 2 * huge, mapped;
	unsigned char *r = MAP_FAILED, *a;
	if (span > len && page < huge)
		r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	a = (unsigned char *)(((uintptr_t)r + huge - 1) & ~(uintptr_t)(huge - 1)) + (whole ? 0 : page);
	if (mmap(a, len, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(r, span);
		return mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	}
	/* the reservation's head and tail, around the file's pages (the tail
	 * is at least a page: span leaves 2 MB more; the head is none when r
	 * was on a boundary and whole put a there) */
	mapped = (len + page - 1) & ~(page - 1);
	if (a > r)
		munmap(r, (size_t)(a - r));
	munmap(a + mapped, (size_t)(r + span - (a + mapped)));
	return a;
}

int ds_map_open(struct ds_map *m, const char *path, struct ds_err *err)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	m->data = NULL;
	m->len = 0;
	if (fd < 0)
		return ds_err_sys(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return ds_err_sys(err, e, "cannot stat %s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ds_err_set(err, DS_EIO, "cannot map %s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return ds_err_set(err, DS_ECORRUPT, "%s: empty file", path);
	}
	p = map_placed(fd, (size_t)st.st_size, map_whole);
	close(fd);
	if (p == MAP_FAILED)
		return ds_err_sys(err, errno, "cannot map %s", path);
#ifdef MADV_HUGEPAGE
	/* Pages read from disk through this mapping come into the page cache
	 * in large folios, which a later start's faults find and map a
	 * window at a time (docs/README-perf.md).  Pages cached already stay
	 * as they are; a kernel without transparent huge pages ignores the
	 * hint. */
	(void)madvise(p, (size_t)st.st_size, MADV_HUGEPAGE);
#endif
	m->data = p;
	m->len = (size_t)st.st_size;
	return 0;
}

void ds_map_close(struct ds_map *m)
{
	if (m && m->data)
		munmap((void *)m->data, m->len);
	if (m) {
		m->data = NULL;
		m->len = 0;
	}
}

/* ---- temporary files removed on a signal ----
 * A fixed table, so that a signal handler can walk it without locks or
 * allocation: a slot's path is written while its state is 0 and published
 * by setting the state; the handler reads only published slots. */
#define TEMP_SLOTS 64
#define TEMP_PATH 4096

static struct {
	_Atomic int state; /* 0 free, 1 being written, 2 file, 3 folder */
	char path[TEMP_PATH];
} temp_slot[TEMP_SLOTS];

int ds_temp_add(const char *path, int is_dir)
{
	size_t n = strlen(path);
	if (n >= TEMP_PATH)
		return DS_ETOOBIG;
	for (int i = 0; i < TEMP_SLOTS; i++) {
		int expect = 0;
		if (atomic_compare_exchange_strong(&temp_slot[i].state, &expect, 1)) {
			memcpy(temp_slot[i].path, path, n + 1);
			atomic_store(&temp_slot[i].state, is_dir ? 3 : 2);
			return 0;
		}
	}
	return DS_ETOOBIG;
}

void ds_temp_del(const char *path)
{
	for (int i = 0; i < TEMP_SLOTS; i++) {
		int st = atomic_load(&temp_slot[i].state);
		if ((st == 2 || st == 3) && strcmp(temp_slot[i].path, path) == 0) {
			atomic_store(&temp_slot[i].state, 0);
			return;
		}
	}
}

/* Signals are held off from the making to the listing: a SIGTERM that came
 * between the two would end the program with a file on disk that its
 * handler's ds_temp_remove_all did not know of.  A held signal arrives
 * when the mask is restored, with the file listed. */
int ds_temp_create(char *tmpl, int is_dir)
{
	sigset_t all, old;
	int fd, saved;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (is_dir)
		fd = mkdtemp(tmpl) ? 0 : -1;
	else
		fd = mkstemp(tmpl);
	saved = errno;
	if (fd >= 0)
		(void)ds_temp_add(tmpl, is_dir);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return fd;
}

void ds_temp_remove_all(void)
{
	int saved = errno;
	for (int pass = 2; pass <= 3; pass++)
		for (int i = 0; i < TEMP_SLOTS; i++)
			if (atomic_load(&temp_slot[i].state) == pass) {
				if (pass == 2)
					unlink(temp_slot[i].path);
				else
					rmdir(temp_slot[i].path);
			}
	errno = saved;
}

/* Opens the temporary file beside path that f's commit renames or links. */
static int afile_open_temp(struct ds_afile *f, const char *path, struct ds_err *err)
{
	size_t n = strlen(path) + 32;
	f->path = strdup(path);
	f->tmp = malloc(n);
	if (!f->path || !f->tmp) {
		free(f->path);
		free(f->tmp);
		f->path = f->tmp = NULL;
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	}
	snprintf(f->tmp, n, "%s.tmp.%ld", path, (long)getpid());
	/* listed before it is made: a signal between the two finds it */
	(void)ds_temp_add(f->tmp, 0);
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		/* the temporary file is named: it is what could not be made
		 * (in /proc, say, path exists but no new file can) */
		int rc = ds_err_sys(err, errno, "cannot create %s (the temporary file for %s)",
				    f->tmp, path);
		ds_temp_del(f->tmp);
		free(f->path);
		free(f->tmp);
		f->path = f->tmp = NULL;
		return rc;
	}
	return 0;
}

/* An empty name would make the temporary file ".tmp.PID" in the current
 * folder and fail only when renaming it. */
static int afile_start(struct ds_afile *f, const char *path, struct ds_err *err)
{
	memset(f, 0, sizeof *f);
	f->fd = -1;
	if (!*path)
		return ds_err_set(err, DS_EINVAL, "cannot write a file with an empty name");
	return 0;
}

int ds_afile_open_new(struct ds_afile *f, const char *path, struct ds_err *err)
{
	int rc = afile_start(f, path, err);
	if (rc)
		return rc;
	f->is_new = 1;
	return afile_open_temp(f, path, err);
}

int ds_afile_open(struct ds_afile *f, const char *path, struct ds_err *err)
{
	struct stat lst, st;
	int rc = afile_start(f, path, err);
	if (rc)
		return rc;
	if (lstat(path, &lst) == 0 && !S_ISREG(lst.st_mode)) {
		/* Only a regular file (or nothing) is replaced by renaming a
		 * temporary file over it: a symbolic link's file is replaced
		 * where it is; a device or a FIFO is written in place; a
		 * directory or a block device is refused. */
		if (stat(path, &st) < 0)
			return ds_err_sys(err, errno, "cannot write %s", path);
		if (S_ISLNK(lst.st_mode) && S_ISREG(st.st_mode)) {
			/* a link to a file: the file it names is replaced, by a
			 * temporary file beside it, and the link stays */
			char *real = realpath(path, NULL);
			if (!real)
				return ds_err_sys(err, errno, "cannot write %s", path);
			rc = afile_open_temp(f, real, err);
			free(real);
			return rc;
		}
		if (S_ISDIR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))
			return ds_err_set(err, DS_EIO, "cannot write %s: %s, not a file", path,
					  S_ISDIR(st.st_mode) ? "a directory"
					  : S_ISBLK(st.st_mode) ? "a block device" : "a socket");
		f->path = strdup(path);
		if (!f->path)
			return ds_err_set(err, DS_ENOMEM, "out of memory");
		f->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
		if (f->fd < 0) {
			int e = errno;
			free(f->path);
			f->path = NULL;
			return ds_err_sys(err, e, "cannot open %s", path);
		}
		f->inplace = 1;
		return 0;
	}
	return afile_open_temp(f, path, err);
}

int ds_afile_write(struct ds_afile *f, const void *vp, size_t n)
{
	const char *p = vp;
	if (f->failed)
		return f->err.code;
	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			f->failed = 1;
			return ds_err_sys(&f->err, errno, "cannot write %s", f->path);
		}
		if (w == 0) {
			f->failed = 1;
			return ds_err_set(&f->err, DS_EIO, "cannot write %s: short write", f->path);
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void ds_afile_chown(struct ds_afile *f, long uid, long gid)
{
	if (!f->failed && !f->inplace)
		(void)!fchown(f->fd, (uid_t)uid, (gid_t)gid); /* as far as allowed */
}

int ds_afile_chmod(struct ds_afile *f, unsigned mode)
{
	if (f->failed)
		return f->err.code;
	if (f->inplace || fchmod(f->fd, (mode_t)mode) == 0)
		return 0;
	f->failed = 1;
	return ds_err_sys(&f->err, errno, "cannot set the mode of %s", f->tmp);
}

/* Puts the finished temporary file at f->path unless something is there:
 * 0, 1 when something was (f->path as it was), or -errno. */
static int link_new(struct ds_afile *f)
{
	struct stat st;
	if (link(f->tmp, f->path) == 0) {
		unlink(f->tmp);
		return 0;
	}
	if (errno == EEXIST)
		return 1;
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS)
		return -errno;
	/* no hard links on this file system: checked, then renamed */
	if (lstat(f->path, &st) == 0)
		return 1;
	return rename(f->tmp, f->path) == 0 ? 0 : -errno;
}

void ds_afile_abort(struct ds_afile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp) {
		unlink(f->tmp);
		ds_temp_del(f->tmp);
	}
	free(f->tmp);
	free(f->path);
	f->fd = -1;
	f->tmp = f->path = NULL;
}

int ds_afile_commit(struct ds_afile *f, struct ds_err *err)
{
	int rc;
	if (f->failed) {
		rc = ds_err_set(err, f->err.code, "%s", f->err.msg);
		ds_afile_abort(f);
		return rc;
	}
	/* a device or a pipe cannot be synced (EINVAL): its close tells */
	if ((fsync(f->fd) < 0 && !(f->inplace && (errno == EINVAL || errno == EROFS))) ||
	    close(f->fd) < 0) {
		rc = ds_err_sys(err, errno, "cannot write %s", f->path);
		f->fd = -1;
		ds_afile_abort(f);
		return rc;
	}
	f->fd = -1;
	if (f->inplace) {
		free(f->path);
		f->path = NULL;
		return 0;
	}
	if (f->is_new) {
		int made = link_new(f);
		if (made != 0) {
			rc = made > 0 ? 1 : ds_err_sys(err, -made, "cannot create %s", f->path);
			ds_afile_abort(f);
			return rc;
		}
	} else if (rename(f->tmp, f->path) < 0) {
		rc = ds_err_sys(err, errno, "cannot rename %s to %s", f->tmp, f->path);
		ds_afile_abort(f);
		return rc;
	}
	ds_temp_del(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	return 0;
}

double ds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
