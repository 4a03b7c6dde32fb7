/*
 * util.h - small shared pieces of the despin library: error records, growable
 * buffers, hashing, checksums, memory-mapped files and atomic file writes.
 *
 * Conventions used across the library (see also despin.h):
 *  - actions return 0 on success or a negative DS_E* code, and fill a
 *    caller-owned struct ds_err with a one-line message (no trailing newline);
 *  - constructors return NULL on failure and fill the ds_err;
 *  - the library never prints, never exits, never aborts;
 *  - every *_free(NULL) is a no-op.
 */
#ifndef DS_UTIL_H
#define DS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>

#include "despin.h"

#define DS_UNUSED(x) ((void)(x))
#define DS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DS_LIKELY(x) __builtin_expect(!!(x), 1)
#define DS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define DS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DS_LIKELY(x) (x)
#define DS_UNLIKELY(x) (x)
#define DS_PRINTF(a, b)
#endif

/* Sets err (if not NULL) to code and a formatted message; returns code. */
int ds_err_set(struct ds_err *err, int code, const char *fmt, ...) DS_PRINTF(3, 4);
/* Like ds_err_set, appending ": strerror(errnum)". */
int ds_err_sys(struct ds_err *err, int errnum, const char *fmt, ...) DS_PRINTF(3, 4);
/* Appends a formatted hint to err's message (if err is not NULL), the
 * whole fitted again with ds_msg_fit: the name in it is shortened, not the
 * hint left out. */
void ds_err_append(struct ds_err *err, const char *fmt, ...) DS_PRINTF(2, 3);
/* Copies the message s into out (cap bytes, at least 32, NUL-terminated).
 * One longer than that is shortened where the cut costs least: in the
 * middle of its longest word (a file's name, most often), with "..." in
 * place of what is left out, so that the problem said after the name, and
 * the end of the name, are kept; only a message with no word that long is
 * cut in its own middle.  Never inside a UTF-8 character.  ds_err_set and
 * ds_err_sys fit their messages to struct ds_err with it. */
void ds_msg_fit(char *out, size_t cap, const char *s);
#ifdef __clang_analyzer__
/* The static analyser (make analyze) reads one file at a time: it is told
 * here what ds_err_set returns, the code it is given (never 0), so that
 * 'return ds_err_set(...)' reads as the failure it is. */
#define ds_err_set(err, code, ...) ((ds_err_set)((err), (code), __VA_ARGS__), (code))
#endif

/* ---- growable byte buffer (owned memory; ds_buf_free releases it) ---- */
struct ds_buf {
	char *data;   /* NUL-terminated whenever len > 0 or after any append */
	size_t len;
	size_t cap;
};
#define DS_BUF_INIT {NULL, 0, 0}
int ds_buf_reserve(struct ds_buf *b, size_t extra);       /* 0 or DS_ENOMEM */
int ds_buf_append(struct ds_buf *b, const void *p, size_t n);
int ds_buf_puts(struct ds_buf *b, const char *s);
int ds_buf_putc(struct ds_buf *b, char c);
int ds_buf_printf(struct ds_buf *b, const char *fmt, ...) DS_PRINTF(2, 3);
/* Appends v as printf's "%.4f" writes it (the same bytes, without the
 * cost of the format machinery: a scan writes a few numbers per change). */
int ds_buf_fixed4(struct ds_buf *b, double v);
/* Appends n in decimal, as "%zu" writes it. */
int ds_buf_size(struct ds_buf *b, size_t n);
/* Appends s as the body of a JSON string (no quotes), escaping as needed;
 * a byte that is not UTF-8 becomes U+FFFD. */
int ds_buf_json_str(struct ds_buf *b, const char *s, size_t n);
/* Appends the member "KEY":"S" (s as ds_buf_json_str writes it, after a
 * comma when comma is set) and, when s is not UTF-8 throughout (a file
 * name is any bytes), "KEY_bytes":"..." with its bytes in base64 (RFC 4648,
 * padded), so that a reader gets the name back exactly.  0 or DS_ENOMEM. */
int ds_buf_json_name(struct ds_buf *b, int comma, const char *key, const char *s);
/* Appends p[0..n) in base64 (RFC 4648's alphabet, padded).  0 or
 * DS_ENOMEM. */
int ds_buf_base64(struct ds_buf *b, const void *p, size_t n);
/* Appends s[0..n) to b so that showing it, on a terminal or in a page,
 * shows the text and does nothing else (an article's escape sequences
 * would fake a highlight; a bidi override would show "\u202etxt.exe" as
 * "exe.txt"): control characters but newline, tab and the CR of a CR LF,
 * and bytes that are not UTF-8, become bad; a CR alone (a line end of old
 * Mac text, which on a terminal would let the next line cover this one)
 * becomes a newline; bidi controls are shown by their code, as
 * "[U+202E]"; an ASCII character c with esc[c] set becomes esc[c] (the
 * markup of a page; esc may be NULL).  0 or DS_ENOMEM. */
int ds_buf_shown(struct ds_buf *b, const char *s, size_t n, const char *const esc[128],
		 const char *bad);
/* How ds_html_escape writes what is not markup: DS_HTML_SHOWN for text
 * shown on a page of its own (the report, an attribute's value as well as
 * an element's text); 0 for text put into a page's own text (a web page
 * restored), DS_HTML_REFS when that page is not in UTF-8. */
#define DS_HTML_SHOWN 1
#define DS_HTML_REFS 2
/* Appends s[0..n) to b (the caller's, grown as needed) HTML-escaped: '&',
 * '<' and '>' as references.  With DS_HTML_SHOWN, '"' and '\'' too, and
 * the rest as ds_buf_shown shows it (control characters and bytes that
 * are not UTF-8 as U+FFFD, a CR alone as a newline, bidi controls by their
 * code).  Without it, the rest as it is (the page keeps its bytes), but
 * with DS_HTML_REFS each UTF-8 character past ASCII as a numeric
 * reference ("&#233;").  0 or DS_ENOMEM. */
int ds_html_escape(struct ds_buf *b, const char *s, size_t n, unsigned how);
void ds_buf_free(struct ds_buf *b);

/* Grows *arr (element size elt) so that it holds at least need elements.
 * *cap is updated.  Returns 0 or DS_ENOMEM (then *arr is unchanged). */
int ds_grow(void *arr, size_t *cap, size_t need, size_t elt);

/* ---- UTF-8 ---- */
/* Length (1-4) of the well-formed UTF-8 sequence at p[0..n), with its code
 * point in *cp; 0 if p does not start one (stray, overlong, surrogate, cut). */
size_t ds_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);
/* Whether s[0..n) is well-formed UTF-8 throughout. */
int ds_utf8_valid(const char *s, size_t n);
/* Writes code point cp (at most U+10FFFF) as UTF-8 into out; its length,
 * 1-4.  No check: the caller maps what it cannot write to U+FFFD. */
size_t ds_utf8_put(char out[4], uint32_t cp);
/* Characters that reorder the text around them on screen: Unicode bidi
 * embeddings, overrides, isolates and marks. */
static inline int ds_is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}
/* Control characters, which a terminal acts on instead of showing: C0
 * (newline and tab among them), DEL and C1 (U+0080-U+009F). */
static inline int ds_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* ---- hashing and checksums ---- */
/* 64-bit mixer (a bijection), for hashing integers. */
static inline uint64_t ds_mix64(uint64_t x)
{
	x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27; x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}
/* Fast 64-bit hash of a byte string (not cryptographic), inline: most of
 * its strings are words of a few bytes.  Its values are stored in indexes
 * and models: they must not change. */
static inline uint64_t ds_rd64_(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline uint64_t ds_mulfold_(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* The bits of in[0..len) from bit on, the first in the lowest place: 57 of
 * them at least, zeros past the end (for Rice-coded sets: a run of ones is
 * counted with __builtin_ctzll of the complement). */
static inline uint64_t ds_bits_at(const unsigned char *in, size_t len, uint64_t bit)
{
	size_t at = (size_t)(bit >> 3);
	uint64_t w = 0;
	if (at + 8 <= len) {
		/* one load (a byte loop here cost some 70 instructions a call) */
		memcpy(&w, in + at, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		w = __builtin_bswap64(w);
#endif
	} else {
		for (size_t i = 0; at + i < len; i++)
			w |= (uint64_t)in[at + i] << (8 * i);
	}
	return w >> (bit & 7);
}

static inline uint64_t ds_hash64(const void *vp, size_t n, uint64_t seed)
{
	const unsigned char *p = vp;
	const uint64_t k0 = 0x9e3779b97f4a7c15ULL, k1 = 0xd6e8feb86659fd93ULL;
	uint64_t h = seed ^ (n * k0);
	while (n >= 16) {
		h = ds_mulfold_(ds_rd64_(p) ^ k1 ^ h, ds_rd64_(p + 8) ^ k0);
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		h = ds_mulfold_(ds_rd64_(p) ^ k1, h ^ k0);
		p += 8;
		n -= 8;
	}
	if (n) {
		/* the n < 8 bytes left, little-endian and zero-padded (what a
		 * memcpy into a zeroed word gives), without a call */
		uint64_t t;
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		t = 0;
		memcpy(&t, p, n);
#else
		if (n >= 4) {
			uint32_t lo, hi;
			memcpy(&lo, p, 4);
			memcpy(&hi, p + n - 4, 4);
			t = lo | (uint64_t)hi << (8 * (n - 4));
		} else {
			t = p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
		}
#endif
		h = ds_mulfold_(t ^ k0, h ^ k1 ^ n);
	}
	return ds_mix64(h);
}
/* CRC-32C (Castagnoli) of a byte string, continuing from crc (start with 0). */
uint32_t ds_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- tab-separated text files (the models' text sources of truth) ----
 * ds_tsv_open reads PATH whole (at most max_bytes, see ds_read_file; "-"
 * is standard input); ds_tsv_next splits the next line that is neither
 * empty nor a '#' comment at each tab into f[0..nmax) (an empty field
 * between two tabs is one; fields after the nmax-th are dropped; a CR
 * before the line's end is not part of it) and returns the number of
 * fields it stored, or -1 at the end.  t->lineno is the number of that
 * line in the file, counting every line, for messages.  The fields point
 * into t's copy of the file, valid until ds_tsv_close. */
struct ds_tsv {
	char *text, *p, *end;
	int lineno;
};
int ds_tsv_open(struct ds_tsv *t, const char *path, size_t max_bytes, struct ds_err *err);
int ds_tsv_next(struct ds_tsv *t, char **f, int nmax);
/* The format a file's header field s names when it is 1 .. n - 1 (an
 * earlier format the reader has a reason to refuse), else 0. */
int ds_old_format(const char *s, size_t n);
/* A field that is a finite number and nothing else (after optional
 * blanks before it), in *out: 0, else -1 and *out unchanged. */
int ds_field_real(const char *s, double *out);
/* A field that is a decimal integer in [lo, hi] and nothing else (after
 * optional blanks before it), in *out: 0, else -1 and *out unchanged. */
int ds_field_long(const char *s, long lo, long hi, long *out);
void ds_tsv_close(struct ds_tsv *t);

/* ---- hash map: 64-bit keys to 32-bit values ----
 * The one hash table of the library: open addressing with linear probing,
 * first slot ds_hmap_slot(key), at most 70% full.  A key is any 64-bit
 * value.  Tables of integers use the integer as the key and pass eq = NULL.
 * Tables of strings (or other long keys) use a 64-bit hash of the string as
 * the key and a value naming the string (an index in the caller's array):
 * several entries may then share a key, and eq(ctx, value) tells whether an
 * entry's value names the string looked for.
 *
 * The map owns its two arrays (ds_hmap_free releases them) unless they were
 * given by ds_hmap_init_fixed: such a map never grows, and ds_hmap_put
 * returns NULL rather than fill it beyond 70%.  Value pointers returned by
 * ds_hmap_find and ds_hmap_put stay valid until the next put.  Iterating:
 * for (i = 0; i < m->cap; i++) if (m->val[i] != DS_HMAP_EMPTY) ...  A map
 * is not thread-safe; readers may share a map no one writes. */
#define DS_HMAP_EMPTY UINT32_MAX   /* the value of an empty slot */
struct ds_hmap {
	uint64_t *key;
	uint32_t *val;   /* DS_HMAP_EMPTY in empty slots */
	size_t n, cap;   /* entries; slots (0 or a power of two) */
	size_t limit;    /* entries that fit before the map grows (70% of cap) */
	unsigned shift;  /* 64 - log2(cap) */
	int fixed;       /* arrays given by the caller */
};
#define DS_HMAP_INIT {NULL, NULL, 0, 0, 0, 0, 0}
/* The first slot probed for key: Fibonacci hashing (the top bits of
 * key * 2^64 / phi), which spreads integers and hashes alike. */
static inline size_t ds_hmap_slot(const struct ds_hmap *m, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> m->shift);
}
typedef int (*ds_hmap_eq)(const void *ctx, uint32_t val);

/* Makes room for n entries without growing: 0 or DS_ENOMEM. */
int ds_hmap_reserve(struct ds_hmap *m, size_t n);
/* Uses the caller's arrays of cap slots (a power of two, at least 2: the
 * slot is the key's top log2(cap) bits); clears them.  Any other cap makes
 * a map of no slots, which finds nothing and takes nothing.  Callers give a
 * constant and check it where it is defined with DS_HMAP_FIXED_OK. */
void ds_hmap_init_fixed(struct ds_hmap *m, uint64_t *key, uint32_t *val, size_t cap);
#define DS_HMAP_FIXED_OK(cap) ((cap) >= 2 && ((cap) & ((cap) - 1)) == 0)
/* Empties the map, keeping its memory. */
void ds_hmap_clear(struct ds_hmap *m);
void ds_hmap_free(struct ds_hmap *m);

/* The value of an entry with this key (and eq(ctx, value) true when eq is
 * not NULL), or NULL. */
static inline uint32_t *ds_hmap_find(const struct ds_hmap *m, uint64_t key, ds_hmap_eq eq,
				     const void *ctx)
{
	size_t mask = m->cap - 1, i;
	if (!m->cap)
		return NULL;
	for (i = ds_hmap_slot(m, key); m->val[i] != DS_HMAP_EMPTY; i = (i + 1) & mask)
		if (m->key[i] == key && (!eq || eq(ctx, m->val[i])))
			return &m->val[i];
	return NULL;
}

/* Finds the entry like ds_hmap_find or, when there is none, adds one with
 * value val; *is_new (may be NULL) says which.  NULL when out of memory (or
 * a fixed map is 70% full). */
static inline uint32_t *ds_hmap_put(struct ds_hmap *m, uint64_t key, uint32_t val,
				    ds_hmap_eq eq, const void *ctx, int *is_new)
{
	size_t mask, i;
	if (m->n >= m->limit && ds_hmap_reserve(m, m->n + 1))
		return NULL;
	mask = m->cap - 1;
	for (i = ds_hmap_slot(m, key); m->val[i] != DS_HMAP_EMPTY; i = (i + 1) & mask)
		if (m->key[i] == key && (!eq || eq(ctx, m->val[i]))) {
			if (is_new)
				*is_new = 0;
			return &m->val[i];
		}
	m->key[i] = key;
	m->val[i] = val;
	m->n++;
	if (is_new)
		*is_new = 1;
	return &m->val[i];
}

/* ---- string table: interned strings with dense ids ----
 * Each distinct string gets the next id (0, 1, 2...).  Texts are kept with a
 * NUL after them in one pool, which moves when it grows: a pointer from
 * ds_strtab_str is valid until the next ds_strtab_intern.
 * Found through a ds_hmap on ds_hash64 of the text. */
struct ds_strtab {
	char *pool;        /* texts, each followed by a NUL */
	size_t plen, pcap;
	uint32_t *off;     /* id -> offset in pool */
	uint32_t *len;     /* id -> length */
	size_t n, cap, lcap;
	struct ds_hmap map;
};
#define DS_STRTAB_INIT {NULL, 0, 0, NULL, NULL, 0, 0, 0, DS_HMAP_INIT}

/* The id of s[0..n), added when new: >= 0, or DS_ENOMEM, or DS_ETOOBIG when
 * the pool would pass 4 GB. */
int64_t ds_strtab_intern(struct ds_strtab *t, const char *s, size_t n);
/* The id of s[0..n), or -1. */
int64_t ds_strtab_find(const struct ds_strtab *t, const char *s, size_t n);
static inline const char *ds_strtab_str(const struct ds_strtab *t, uint32_t id)
{
	return t->pool + t->off[id];
}
void ds_strtab_free(struct ds_strtab *t);

/* ---- sorting ---- */
/* Sorts a[0..n) (no NaN) ascending in place, values that compare equal
 * (-0 and +0 too) in their order, as a stable sort comparing with < would,
 * without a call per comparison (a radix sort: the slots' gains of an
 * article took qsort 1.3% of a solo scan); tmp has room for n floats;
 * n < 2^32. */
void ds_sort_floats(float *a, float *tmp, size_t n);
/* A stable merge sort with a context pointer passed to the comparison (like
 * qsort, without global state): 0 or DS_ENOMEM (it needs n * size bytes). */
int ds_sort(void *base, size_t n, size_t size,
	    int (*cmp)(const void *a, const void *b, void *ctx), void *ctx);

/* ---- files ---- */
/* 1 when a path that names no file starts as a web address does
 * (http://, https://, ftp://, any case), 0 if not: said with
 * DS_WEB_ADDRESS, for despin reads files, never the network. */
int ds_web_address(const char *path);
#define DS_WEB_ADDRESS                                                              \
	"a web address, not a file: despin reads no network (save the page first, " \
	"e.g. curl -o page.html URL)"
/* Reads a whole file (or stdin when path is "-") into *out (malloc'd, owned by
 * the caller, NUL-terminated; *len excludes the NUL).  max_bytes limits the
 * size (0 = no limit): larger files fail with DS_ETOOBIG. */
int ds_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
		 struct ds_err *err);
/* Opens a file to be read from start to end (stdin when path is "-"), with
 * ds_read_file's checks: a directory, a device or a socket is refused (a
 * FIFO or a pipe is read as standard input is).  *fd is the caller's to
 * close unless path is "-" (stdin); *size (size may be NULL) is the
 * file's size when it is a regular file, else UINT64_MAX.  0 or the error (said in err). */
int ds_open_input(const char *path, int *fd, uint64_t *size, struct ds_err *err);

/* A read-only memory map of a whole file. */
struct ds_map {
	const unsigned char *data;
	size_t len;
};
int ds_map_open(struct ds_map *m, const char *path, struct ds_err *err);
void ds_map_close(struct ds_map *m);
/* Where ds_map_open places the maps the calling thread makes from now on:
 * with whole 0 (the default) one page past a 2 MB boundary, so that a
 * fault maps the 64 kB around it and a short run keeps few model pages
 * resident; with whole 1 on a 2 MB boundary, so that a 2 MB folio of the
 * page cache is mapped whole by one page-table entry: fewer TLB misses for
 * a process that goes on to judge many articles (docs/README-perf.md).
 * Returns the previous setting.  Thread-local: other threads' maps are
 * not affected. */
int ds_map_whole_folios(int whole);

/* Atomic write: data goes to "PATH.tmp.PID", is flushed to disk, and is
 * renamed over PATH only by ds_afile_commit.  ds_afile_abort (or a failed
 * commit) removes the temporary file, so no partial file is ever left.
 * Only a regular file (or no file) is replaced that way: a PATH that is a
 * symbolic link to a file has that file replaced so (the link stays a
 * link, the temporary file is made beside the file it names); a character
 * device or a FIFO is opened and written in place (/dev/null stays a
 * device); a directory or a block device is refused, and so is an empty
 * PATH (DS_EINVAL).  The
 * new file has mode 0644 less the umask unless ds_afile_chmod says
 * otherwise.
 * ds_afile_open_new is for a file that must never replace another (a
 * backup): it always writes a temporary file, and its commit makes PATH
 * only if nothing is there by then (a hard link, which fails when PATH
 * exists; where the file system has none, a check and a rename), else
 * leaves PATH as it is, removes the temporary file and returns 1. */
struct ds_afile {
	int fd;
	char *path;
	char *tmp;
	int failed;  /* a write failed: commit will refuse */
	int inplace; /* written in place, not renamed */
	int is_new;  /* opened by ds_afile_open_new: never over a file */
	struct ds_err err;
};
int ds_afile_open(struct ds_afile *f, const char *path, struct ds_err *err);
int ds_afile_open_new(struct ds_afile *f, const char *path, struct ds_err *err);
int ds_afile_write(struct ds_afile *f, const void *p, size_t n);
/* Gives the new file the owner and group uid and gid (those of a file it
 * takes the place of, say) as far as the process may: root can give any,
 * another user only a group of its own; what it may not is left as is,
 * silently.  A file written in place keeps its own. */
void ds_afile_chown(struct ds_afile *f, long uid, long gid);
/* Gives the new file the permission bits mode (those of a file it takes
 * the place of, say), whatever the umask; a file written in place keeps
 * its own.  Like a write, a failure is told by the commit, which refuses. */
int ds_afile_chmod(struct ds_afile *f, unsigned mode);
int ds_afile_commit(struct ds_afile *f, struct ds_err *err);
void ds_afile_abort(struct ds_afile *f);

/* Monotonic clock in seconds. */
double ds_now(void);

/* Whether the 10 bytes at s are a date of the Gregorian calendar written
 * YYYY-MM-DD (the date headers, records and pages' dates all read so):
 * "2024-02-29" is, "2025-02-29" and "2025-13-40" are not. */
static inline int ds_is_iso_date(const char *s)
{
	static const unsigned char days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	for (int k = 0; k < 10; k++)
		if (k == 4 || k == 7 ? s[k] != '-' : !(s[k] >= '0' && s[k] <= '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

#endif
