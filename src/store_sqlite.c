/* store_sqlite.c - the embedded store: one SQLite file in WAL mode (store.h). */
#include "index.h"
#include "fprint.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>
#include <zstd.h>

/* "DSPX" in the file header (PRAGMA application_id) and the schema version
 * (PRAGMA user_version).  Version 2: shingle sets Rice-coded, texts
 * deflated (see the codecs below).  Version 3, made by this despin: the same
 * with texts compressed by Zstandard.  Both are read and added to, each with
 * its own text codec. */
#define APP_ID 0x44535058
#define SCHEMA_VERSION 3
#define SCHEMA_DEFLATE 2 /* the oldest version read: texts deflated */
#define ZSTD_LEVEL 1
/* Page cache per connection (KiB; SQLite's default is 2 MiB): a writer
 * fills the passage key table at random places; a reader's pages stay in
 * the system's page cache anyway. */
#define CACHE_KIB_WRITER 65536
#define CACHE_KIB_READER 8192
#define MMAP_BYTES (1LL << 30)

static const char schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE source(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL, date TEXT NOT NULL, words INTEGER NOT NULL,"
	" nset INTEGER NOT NULL);"
	"CREATE INDEX source_name ON source(name);"
	"CREATE TABLE shingles(id INTEGER PRIMARY KEY, hashes BLOB NOT NULL);"
	"CREATE TABLE body(id INTEGER PRIMARY KEY, text BLOB NOT NULL);"
	"CREATE TABLE band(key INTEGER NOT NULL, id INTEGER NOT NULL,"
	" PRIMARY KEY(key, id)) WITHOUT ROWID;";

enum {
	Q_FIND_HASH, Q_FIND_NAME, Q_INS_SRC, Q_INS_SET, Q_INS_BODY, Q_INS_BAND,
	Q_DEL_SRC, Q_DEL_SET, Q_DEL_BODY, Q_DEL_BAND, Q_BAND, Q_GET_SRC,
	Q_GET_SET, Q_GET_BODY, Q_EACH, Q_DATA_VERSION, Q_INS_BANDS, NQ
};

/* Passage keys are filed BAND_ROWS to a statement (Q_INS_BANDS, whose text
 * is made at open: ?1, ?2 the first key and its source, ?3, ?4 the second,
 * ...): one statement a key spent more in running the statement than in the
 * insert itself.  A write transaction keeps its sources' keys in memory
 * (struct band_row) and files them sorted by key when it commits (or before
 * anything reads or deletes keys, or when PEND_MAX are waiting): inserts in
 * key order touch each B-tree page once, where a source's keys one by one
 * land at random places. */
#define BAND_ROWS 32
#define PEND_MAX ((size_t)1 << 20)

struct band_row {
	uint64_t key;
	int64_t id;
};

static const char *const queries[NQ] = {
	[Q_FIND_HASH] = "SELECT id FROM source WHERE hash = ?1",
	[Q_FIND_NAME] = "SELECT id FROM source WHERE name = ?1 ORDER BY id",
	[Q_INS_SRC] = "INSERT INTO source(hash, name, date, words, nset) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_INS_SET] = "INSERT INTO shingles(id, hashes) VALUES (?1, ?2)",
	[Q_INS_BODY] = "INSERT INTO body(id, text) VALUES (?1, ?2)",
	[Q_INS_BAND] = "INSERT OR IGNORE INTO band(key, id) VALUES (?1, ?2)",
	[Q_DEL_SRC] = "DELETE FROM source WHERE id = ?1",
	[Q_DEL_SET] = "DELETE FROM shingles WHERE id = ?1",
	[Q_DEL_BODY] = "DELETE FROM body WHERE id = ?1",
	[Q_DEL_BAND] = "DELETE FROM band WHERE key = ?1 AND id = ?2",
	[Q_BAND] = "SELECT id FROM band WHERE key = ?1 LIMIT ?2",
	[Q_GET_SRC] = "SELECT id, name, date, hash, words, nset FROM source WHERE id = ?1",
	[Q_GET_SET] = "SELECT hashes FROM shingles WHERE id = ?1",
	[Q_GET_BODY] = "SELECT text FROM body WHERE id = ?1",
	[Q_EACH] = "SELECT id, name, date, hash, words, nset FROM source ORDER BY id",
	[Q_DATA_VERSION] = "PRAGMA data_version",
};

struct sqlite_store {
	struct ds_store base;
	sqlite3 *db;
	char *path;
	int timeout_ms;
	double busy_t0;   /* when the current wait for a lock began */
	int gave_up_ms;   /* how long the last wait lasted before it gave up
			   * (-1: none since the last error said so) */
	sqlite3_stmt *q[NQ];
	uint32_t *setbuf; /* decoded shingle set */
	size_t setcap;
	unsigned char *enc; /* encoded set or deflated text being written */
	size_t enccap;
	char *textbuf;    /* inflated text */
	size_t textcap;
	int version;      /* the file's schema version: its text codec */
	z_stream zs;      /* deflate state, reset for every text (version 2) */
	int zs_ready;
	ZSTD_CCtx *zc;    /* Zstandard states (version 3) */
	ZSTD_DCtx *zd;
	struct band_row *pend; /* passage keys not yet filed, in insert order */
	size_t npend, pendcap;
	int pend_lost;         /* a filing failed: this transaction must not commit */
	struct band_row *pendtmp; /* the sort's other buffer */
	size_t pendtmpcap;
	int immutable;           /* read as a file no one writes (open_unwritable) */
	int created;             /* the file was not there when the open began
				  * (op_discard) */
	struct stat at_open;     /* then the file as it was when opened */
	/* keys found holding full_limit ids or more, which a query leaves out
	 * (op_bands): known while the file is as it was (data_version) and
	 * this connection has removed nothing nor rolled back since */
	struct ds_hmap full;
	size_t full_limit;
	int64_t full_ver;
	int64_t *idbuf;          /* one key's ids */
	size_t idcap;
};

/* ---- waiting for another process's lock ----
 *
 * SQLite's own busy timeout, but kept here so that an error can say how
 * long was waited, and that nothing was when SQLite failed without asking
 * to wait (see set_wal). */

/* SQLite's pauses (ms), the last one repeated. */
static const int busy_pause[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

/* The count-th retry of a wait that began at t0: pauses and returns 1 while
 * the timeout has not passed, else records the wait and returns 0. */
static int wait_more(struct sqlite_store *s, double t0, int count)
{
	int waited = (int)((ds_now() - t0) * 1000), pause;
	if (waited >= s->timeout_ms) {
		/* with no timeout, nothing was waited for, however slow the call */
		s->gave_up_ms = s->timeout_ms > 0 ? waited : 0;
		return 0;
	}
	pause = busy_pause[count < (int)DS_ARRAY_LEN(busy_pause) ? count
								  : (int)DS_ARRAY_LEN(busy_pause) - 1];
	sqlite3_sleep(pause < s->timeout_ms - waited ? pause : s->timeout_ms - waited);
	return 1;
}

static int on_busy(void *arg, int count)
{
	struct sqlite_store *s = arg;
	if (count == 0)
		s->busy_t0 = ds_now();
	return wait_more(s, s->busy_t0, count);
}

/* ---- errors ---- */

/* Whether the file read as immutable has been written since it was opened
 * (open_unwritable): what seemed damaged was a writer's checkpoint. */
static int changed_since_open(const struct sqlite_store *s)
{
	struct stat sb;
	const struct stat *o = &s->at_open;
	if (!s->immutable || stat(s->path, &sb) != 0)
		return 0;
	return sb.st_ino != o->st_ino || sb.st_dev != o->st_dev || sb.st_size != o->st_size ||
	       sb.st_mtim.tv_sec != o->st_mtim.tv_sec || sb.st_mtim.tv_nsec != o->st_mtim.tv_nsec;
}

static int db_err(struct sqlite_store *s, int rc, struct ds_err *err, const char *what)
{
	int code = DS_EDB, waited = s->gave_up_ms;
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		s->gave_up_ms = -1;
		if (waited > 0)
			return ds_err_set(err, DS_EBUSY,
					  "index %s is locked by another process (waited %d ms)",
					  s->path, waited);
		return ds_err_set(err, DS_EBUSY,
				  "index %s is locked by another process (gave up at once, without waiting)",
				  s->path);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		if (changed_since_open(s))
			return ds_err_set(err, DS_EBUSY,
					  "index %s was written while this process read it as it was (it may not write the index, so cannot follow a writer): run again",
					  s->path);
		return ds_err_set(err, DS_ECORRUPT, "index %s is damaged: %s", s->path, msg);
	case SQLITE_NOMEM:
		return ds_err_set(err, DS_ENOMEM, "out of memory using index %s", s->path);
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		code = DS_EIO;
		break;
	}
	return ds_err_set(err, code, "index %s: %s: %s", s->path, what, msg);
}

static int exec(struct sqlite_store *s, const char *sql, struct ds_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : db_err(s, rc, err, sql);
}

static sqlite3_stmt *stmt(struct sqlite_store *s, int i)
{
	sqlite3_reset(s->q[i]);
	sqlite3_clear_bindings(s->q[i]);
	return s->q[i];
}

/* Runs a statement that returns no rows. */
static int run(struct sqlite_store *s, sqlite3_stmt *st, struct ds_err *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "write");
}

/* ---- codecs ----
 *
 * A shingle set (sorted distinct hashes) is stored Rice-coded: one byte k,
 * then for each hash its gap from the previous one (the first from 0) as
 * gap >> k in unary (ones ended by a zero) and the k low bits, bits filled
 * from the lowest of each byte.  With 24-bit hashes (fprint.h) that is about
 * 2 bytes a shingle instead of 4.  A text is stored as a 4-byte
 * little-endian length and its zlib stream (version 2) or its Zstandard
 * frame at level 1 (version 3: half the instructions of deflate at level 1,
 * for 3% fewer bytes on news texts). */

static size_t set_enc_max(size_t n)
{
	return 1 + n * 8 + 8; /* never more than 64 bits a value */
}

static unsigned rice_k(const uint32_t *set, size_t n)
{
	uint64_t mean = n ? ((uint64_t)set[n - 1] + 1) / n : 1;
	unsigned k = 0;
	while (k < 31 && (2ULL << k) <= mean)
		k++;
	return k;
}

/* Encodes set[0..n) into out (set_enc_max(n) bytes); returns the bytes used.
 * Bits gather in a 64-bit word, flushed a byte at a time from its low end. */
static size_t set_encode(const uint32_t *set, size_t n, unsigned char *out)
{
	unsigned k = rice_k(set, n);
	size_t o = 1;
	uint64_t acc = 0;  /* pending bits, the oldest lowest */
	unsigned nacc = 0; /* how many */
	uint32_t prev = 0;
	out[0] = (unsigned char)k;
#define PUTBITS(v, nb)                                               \
	do {                                                         \
		acc |= (uint64_t)(v) << nacc;                        \
		nacc += (nb);                                        \
		while (nacc >= 8) {                                  \
			out[o++] = (unsigned char)acc;               \
			acc >>= 8;                                   \
			nacc -= 8;                                   \
		}                                                    \
	} while (0)
	for (size_t i = 0; i < n; i++) {
		uint32_t gap = set[i] - prev;
		uint64_t q = gap >> k;
		prev = set[i];
		if (q > 32) { /* a wild gap: written as 33 ones, a zero and 32 raw bits */
			PUTBITS(UINT64_C(0x1ffffffff), 34); /* 33 ones, then the zero */
			PUTBITS(gap, 32);
			continue;
		}
		/* q ones and the zero (q + 1 <= 33 bits), then the k low bits */
		PUTBITS((UINT64_C(1) << q) - 1, (unsigned)q + 1);
		PUTBITS(gap & ((UINT64_C(1) << k) - 1), k);
	}
#undef PUTBITS
	if (nacc)
		out[o++] = (unsigned char)acc;
	return o;
}

/* Decodes n hashes from in[0..len) into out; -1 when the bytes do not hold
 * n strictly increasing hashes.  A word of bits at a time: the run of ones
 * by counting trailing ones, the k low bits by a mask. */
static int set_decode(const unsigned char *in, size_t len, size_t n, uint32_t *out)
{
	size_t bit = 8, end = len * 8;
	unsigned k;
	uint64_t prev = 0;
	if (len == 0)
		return n == 0 ? 0 : -1;
	if ((k = in[0]) > 31)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = ds_bits_at(in, len, bit), q, gap;
		unsigned bits = k;
		/* at most 33 ones, then a zero, within the 57 bits read */
		q = ~w ? (uint64_t)__builtin_ctzll(~w) : 64;
		if (q > 33)
			return -1;
		bit += q;
		if (bit++ >= end)
			return -1;
		if (q == 33) {
			bits = 32;
			q = 0;
		}
		if (bit + bits > end)
			return -1;
		gap = bits ? ds_bits_at(in, len, bit) & ((UINT64_C(1) << bits) - 1) : 0;
		bit += bits;
		gap |= q << k;
		if ((i && gap == 0) || prev + gap > UINT32_MAX)
			return -1;
		prev += gap;
		out[i] = (uint32_t)prev;
	}
	return 0;
}

/* ---- passage keys filed in key order ---- */

/* Sorts rows[0..n) by key as SQLite orders integers (signed), keeping the
 * order of equal keys (their ids rise already): a byte-wise radix sort
 * through tmp (n rows), skipping a byte that is the same in every key. */
static void band_sort(struct band_row *rows, struct band_row *tmp, size_t n)
{
	size_t count[8][256] = {{0}};
	struct band_row *from = rows, *to = tmp;
	for (size_t i = 0; i < n; i++) {
		uint64_t k = rows[i].key ^ (UINT64_C(1) << 63);
		for (int b = 0; b < 8; b++)
			count[b][k >> (8 * b) & 0xff]++;
	}
	for (int b = 0; b < 8; b++) {
		size_t sum = 0, *c = count[b];
		if (n == 0 || c[(from[0].key ^ (UINT64_C(1) << 63)) >> (8 * b) & 0xff] == n)
			continue;
		for (int v = 0; v < 256; v++) {
			size_t t = c[v];
			c[v] = sum;
			sum += t;
		}
		for (size_t i = 0; i < n; i++)
			to[c[(from[i].key ^ (UINT64_C(1) << 63)) >> (8 * b) & 0xff]++] = from[i];
		struct band_row *t = from;
		from = to;
		to = t;
	}
	if (from != rows)
		memcpy(rows, from, n * sizeof *rows);
}

/* Files the waiting passage keys, sorted; 0 or an error (after which the
 * transaction cannot commit: some keys may be lost). */
static int band_flush(struct sqlite_store *s, struct ds_err *err)
{
	size_t n = 0, np = s->npend;
	sqlite3_stmt *st;
	int rc;
	if (np == 0)
		return 0;
	s->pend_lost = 1; /* until every key is filed */
	if (ds_grow(&s->pendtmp, &s->pendtmpcap, np, sizeof *s->pendtmp)) {
		s->npend = 0;
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	}
	band_sort(s->pend, s->pendtmp, np);
	s->npend = 0;
	for (; n + BAND_ROWS <= np; n += BAND_ROWS) {
		st = stmt(s, Q_INS_BANDS);
		for (int i = 0; i < BAND_ROWS; i++) {
			sqlite3_bind_int64(st, 2 * i + 1, (sqlite3_int64)s->pend[n + (size_t)i].key);
			sqlite3_bind_int64(st, 2 * i + 2, s->pend[n + (size_t)i].id);
		}
		if ((rc = run(s, st, err)) != 0)
			return rc;
	}
	for (; n < np; n++) {
		st = stmt(s, Q_INS_BAND);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)s->pend[n].key);
		sqlite3_bind_int64(st, 2, s->pend[n].id);
		if ((rc = run(s, st, err)) != 0)
			return rc;
	}
	s->pend_lost = 0;
	return 0;
}

/* ---- operations ---- */

static int op_begin(struct ds_store *b, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	s->npend = 0;
	s->pend_lost = 0;
	return exec(s, "BEGIN IMMEDIATE", err);
}

static int op_commit(struct ds_store *b, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	int rc = s->pend_lost ? ds_err_set(err, DS_EDB, "index %s: passage keys not filed",
					   s->path)
			      : band_flush(s, err);
	if (rc != 0) { /* never commit sources without their keys */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return exec(s, "COMMIT", err);
}

/* Forgets the keys op_bands found full. */
static void full_forget(struct sqlite_store *s)
{
	if (s->full.n)
		ds_hmap_clear(&s->full);
}

static int op_rollback(struct ds_store *b, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	s->npend = 0;
	s->pend_lost = 0;
	full_forget(s); /* keys the transaction's own inserts filled */
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return exec(s, "ROLLBACK", err);
}

static int op_read_begin(struct ds_store *b, struct ds_err *err)
{
	return exec((struct sqlite_store *)b, "BEGIN", err);
}

static void op_read_end(struct ds_store *b)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

static int op_find_hash(struct ds_store *b, const char *hash, int64_t *id,
			struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st = stmt(s, Q_FIND_HASH);
	int rc;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ds_err_set(err, DS_ENOTFOUND, "index %s has no source with hash %s",
				  s->path, hash);
	return db_err(s, rc, err, "lookup");
}

static int op_find_name(struct ds_store *b, const char *name, ds_store_id_fn fn,
			void *ctx, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st = stmt(s, Q_FIND_NAME);
	int rc, stop = 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((stop = fn(ctx, sqlite3_column_int64(st, 0))) != 0)
			break;
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "lookup");
}

/* Deflates text into out (room for compressBound); returns the bytes
 * written, 0 on failure.  One deflate state serves every text (a state of
 * its own per call costs more than compressing a short article). */
static size_t deflate_text(struct sqlite_store *s, const char *text, size_t len,
			   unsigned char *out, size_t room)
{
	int rc;
	if (len > UINT32_MAX)
		return 0;
	if (!s->zs_ready) {
		memset(&s->zs, 0, sizeof s->zs);
		/* an 8 KiB window and small hash tables: articles are short;
		 * level 1 costs a fifth less time than 4 for 2% more bytes */
		if (deflateInit2(&s->zs, 1, Z_DEFLATED, 13, 6, Z_DEFAULT_STRATEGY) != Z_OK)
			return 0;
		s->zs_ready = 1;
	} else if (deflateReset(&s->zs) != Z_OK) {
		return 0;
	}
	s->zs.next_in = (Bytef *)(uintptr_t)text;
	s->zs.avail_in = (uInt)len;
	s->zs.next_out = out;
	s->zs.avail_out = (uInt)room;
	rc = deflate(&s->zs, Z_FINISH);
	return rc == Z_STREAM_END ? room - s->zs.avail_out : 0;
}

/* Compresses text with the file's codec into out (room for text_bound);
 * returns the bytes written, 0 on failure. */
static size_t text_encode(struct sqlite_store *s, const char *text, size_t len,
			  unsigned char *out, size_t room)
{
	size_t n;
	if (s->version == SCHEMA_DEFLATE)
		return deflate_text(s, text, len, out, room);
	/* each frame with its content checksum (4 bytes), which reading
	 * checks: a text damaged in the file is refused, never judged
	 * (deflate's zlib format has its own, Adler-32) */
	if (!s->zc && (!(s->zc = ZSTD_createCCtx()) ||
		       ZSTD_isError(ZSTD_CCtx_setParameter(s->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
		       ZSTD_isError(ZSTD_CCtx_setParameter(s->zc, ZSTD_c_checksumFlag, 1)))) {
		ZSTD_freeCCtx(s->zc);
		s->zc = NULL;
		return 0;
	}
	n = ZSTD_compress2(s->zc, out, room, text, len);
	return ZSTD_isError(n) ? 0 : n;
}

static size_t text_bound(size_t len)
{
	size_t z = compressBound((uLong)len) + len / 64 + 64; /* any deflate parameters */
	size_t zs = ZSTD_compressBound(len);
	return z > zs ? z : zs;
}

static int op_insert(struct ds_store *b, const struct ds_store_src *src,
		     const uint64_t *keys, size_t nkeys, int64_t *id, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st = stmt(s, Q_INS_SRC);
	size_t zlen;
	size_t need, n;
	int rc;

	sqlite3_bind_text(st, 1, src->hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, src->date ? src->date : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)src->words);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)src->nset);
	if ((rc = run(s, st, err)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);

	for (size_t i = 1; i < src->nset; i++)
		if (src->set[i] <= src->set[i - 1])
			return ds_err_set(err, DS_EINVAL, "index %s: shingle set not sorted", s->path);
	zlen = text_bound(src->len);
	need = set_enc_max(src->nset);
	if (need < zlen)
		need = zlen;
	if (ds_grow(&s->enc, &s->enccap, need, 1))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	n = set_encode(src->set, src->nset, s->enc);
	st = stmt(s, Q_INS_SET);
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_blob64(st, 2, s->enc, n, SQLITE_STATIC);
	if ((rc = run(s, st, err)) != 0)
		return rc;

	if ((zlen = text_encode(s, src->text ? src->text : "", src->len, s->enc + 4,
				 s->enccap - 4)) == 0)
		return ds_err_set(err, DS_ENOMEM, "index %s: cannot compress the text of %s",
				  s->path, src->name);
	for (int i = 0; i < 4; i++)
		s->enc[i] = (unsigned char)(src->len >> (8 * i));
	st = stmt(s, Q_INS_BODY);
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_blob64(st, 2, s->enc, zlen + 4, SQLITE_STATIC);
	if ((rc = run(s, st, err)) != 0)
		return rc;

	if (s->npend + nkeys > PEND_MAX && (rc = band_flush(s, err)) != 0)
		return rc;
	if (ds_grow(&s->pend, &s->pendcap, s->npend + nkeys, sizeof *s->pend))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	for (size_t i = 0; i < nkeys; i++)
		s->pend[s->npend++] = (struct band_row){keys[i], *id};
	/* outside a transaction the insert above is already committed */
	return sqlite3_get_autocommit(s->db) ? band_flush(s, err) : 0;
}

static int op_remove(struct ds_store *b, int64_t id, const uint64_t *keys,
		     size_t nkeys, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	static const int del[] = {Q_DEL_SRC, Q_DEL_SET, Q_DEL_BODY};
	sqlite3_stmt *st;
	int rc;
	full_forget(s); /* a key may hold fewer ids now */
	if ((rc = band_flush(s, err)) != 0)
		return rc;
	for (size_t i = 0; i < DS_ARRAY_LEN(del); i++) {
		st = stmt(s, del[i]);
		sqlite3_bind_int64(st, 1, id);
		if ((rc = run(s, st, err)) != 0)
			return rc;
	}
	for (size_t i = 0; i < nkeys; i++) {
		st = stmt(s, Q_DEL_BAND);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)keys[i]);
		sqlite3_bind_int64(st, 2, id);
		if ((rc = run(s, st, err)) != 0)
			return rc;
	}
	return 0;
}

/* Forgets the full keys when another connection has changed the file
 * since they were counted (PRAGMA data_version, which this connection's
 * own writes leave as it is: op_remove and op_rollback forget them; an
 * insert only adds ids, so a full key stays full). */
static int full_check(struct sqlite_store *s, struct ds_err *err)
{
	sqlite3_stmt *st = stmt(s, Q_DATA_VERSION);
	int rc = sqlite3_step(st);
	int64_t v;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, rc, err, "read");
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (v != s->full_ver) {
		full_forget(s);
		s->full_ver = v;
	}
	return 0;
}

/* The ids under each key (store.h); a key holding limit ids or more
 * comes with ids NULL, and is remembered (struct sqlite_store's
 * full): the commonest keys are looked up by nearly every query, each time
 * for limit rows the index leaves out. */
static int op_bands(struct ds_store *b, const uint64_t *keys, size_t nkeys, size_t limit,
		    int (*fn)(void *ctx, size_t k, const int64_t *ids, size_t n), void *ctx,
		    struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st;
	int rc, stop = 0;
	if ((rc = band_flush(s, err)) != 0)
		return rc;
	if (ds_grow(&s->idbuf, &s->idcap, limit + 1, sizeof *s->idbuf))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	if (limit != s->full_limit) {
		full_forget(s);
		s->full_limit = limit;
	}
	for (size_t k = 0; k < nkeys && !stop; k++) {
		size_t n = 0;
		/* after the first look-up, which began the query's read view
		 * (op_read_begin): is what was counted still so in it? */
		if (k == 1 && (rc = full_check(s, err)) != 0)
			return rc;
		if (k > 0 && ds_hmap_find(&s->full, keys[k], NULL, NULL)) {
			stop = fn(ctx, k, NULL, limit);
			continue;
		}
		st = stmt(s, Q_BAND);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)keys[k]);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)limit);
		while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW)
			s->idbuf[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (n < limit && rc != SQLITE_DONE)
			return db_err(s, rc, err, "band lookup");
		if (n >= limit)
			(void)ds_hmap_put(&s->full, keys[k], 0, NULL, NULL, NULL); /* or not remembered */
		stop = fn(ctx, k, n >= limit ? NULL : s->idbuf, n);
	}
	return stop;
}

static void row_src(sqlite3_stmt *st, struct ds_store_src *src)
{
	memset(src, 0, sizeof *src);
	src->id = sqlite3_column_int64(st, 0);
	src->name = (const char *)sqlite3_column_text(st, 1);
	src->date = (const char *)sqlite3_column_text(st, 2);
	src->hash = (const char *)sqlite3_column_text(st, 3);
	src->words = (uint64_t)sqlite3_column_int64(st, 4);
	src->nset = (size_t)sqlite3_column_int64(st, 5);
}

/* The text of src from the body row st is on. */
static int inflate_text(struct sqlite_store *s, sqlite3_stmt *st, struct ds_store_src *src,
			struct ds_err *err)
{
	const unsigned char *z = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0), len = 0;
	if (n < 4 || !z)
		goto bad;
	for (int i = 0; i < 4; i++)
		len |= (size_t)z[i] << (8 * i);
	if (len > (size_t)1 << 31)
		goto bad;
	if (ds_grow(&s->textbuf, &s->textcap, len + 1, 1))
		return ds_err_set(err, DS_ENOMEM, "out of memory");
	if (s->version == SCHEMA_DEFLATE) {
		uLongf out = (uLongf)len;
		if (uncompress((Bytef *)s->textbuf, &out, z + 4, (uLong)(n - 4)) != Z_OK ||
		    out != len)
			goto bad;
	} else {
		size_t out;
		if (!s->zd && !(s->zd = ZSTD_createDCtx()))
			return ds_err_set(err, DS_ENOMEM, "out of memory");
		out = ZSTD_decompressDCtx(s->zd, s->textbuf, len, z + 4, n - 4);
		if (ZSTD_isError(out) || out != len)
			goto bad;
	}
	s->textbuf[len] = '\0';
	src->text = s->textbuf;
	src->len = len;
	return 0;
bad:
	return ds_err_set(err, DS_ECORRUPT,
			  "index %s is damaged: text of source %lld does not inflate or fails its checksum",
			  s->path, (long long)src->id);
}

/* Fills the set and text of src (row of source already read). */
static int fill_blobs(struct sqlite_store *s, struct ds_store_src *src, unsigned what,
		      struct ds_err *err)
{
	int rc;
	if (what & DS_STORE_SET) {
		sqlite3_stmt *st = stmt(s, Q_GET_SET);
		size_t n;
		sqlite3_bind_int64(st, 1, src->id);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			return rc == SQLITE_DONE
				       ? ds_err_set(err, DS_ECORRUPT,
						    "index %s is damaged: source %lld has no shingles",
						    s->path, (long long)src->id)
				       : db_err(s, rc, err, "read");
		n = (size_t)sqlite3_column_bytes(st, 0);
		if (src->nset > n * 8 + 8)
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: shingle set of source %lld has %zu bytes",
					  s->path, (long long)src->id, n);
		if (ds_grow(&s->setbuf, &s->setcap, src->nset + 1, sizeof *s->setbuf))
			return ds_err_set(err, DS_ENOMEM, "out of memory");
		if (set_decode(sqlite3_column_blob(st, 0), n, src->nset, s->setbuf))
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: shingle set of source %lld does not decode",
					  s->path, (long long)src->id);
		ds_fprint_reduce(s->setbuf, src->nset);
		src->set = s->setbuf;
	}
	if (what & DS_STORE_TEXT) {
		sqlite3_stmt *st = stmt(s, Q_GET_BODY);
		sqlite3_bind_int64(st, 1, src->id);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			return rc == SQLITE_DONE
				       ? ds_err_set(err, DS_ECORRUPT,
						    "index %s is damaged: source %lld has no text",
						    s->path, (long long)src->id)
				       : db_err(s, rc, err, "read");
		if ((rc = inflate_text(s, st, src, err)) != 0)
			return rc;
	}
	return 0;
}

static int op_get(struct ds_store *b, int64_t id, unsigned what, ds_store_src_fn fn,
		  void *ctx, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st = stmt(s, Q_GET_SRC);
	struct ds_store_src src;
	int rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld",
					  s->path, (long long)id);
		return db_err(s, rc, err, "read");
	}
	row_src(st, &src);
	rc = fill_blobs(s, &src, what, err);
	if (rc == 0)
		rc = fn(ctx, &src);
	sqlite3_reset(s->q[Q_GET_SET]);
	sqlite3_reset(s->q[Q_GET_BODY]);
	sqlite3_reset(st);
	return rc;
}

static int op_each(struct ds_store *b, unsigned what, ds_store_src_fn fn, void *ctx,
		   struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st = stmt(s, Q_EACH);
	struct ds_store_src src;
	int rc, stop = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_src(st, &src);
		stop = fill_blobs(s, &src, what, err);
		if (stop == 0)
			stop = fn(ctx, &src);
		if (stop)
			break;
	}
	sqlite3_reset(s->q[Q_GET_SET]);
	sqlite3_reset(s->q[Q_GET_BODY]);
	sqlite3_reset(st);
	if (stop)
		return stop;
	return rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "read");
}

static int one_int(struct sqlite_store *s, const char *sql, int64_t *out, struct ds_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(s, rc, err, "read");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "read");
}

static int op_stats(struct ds_store *b, struct ds_store_stats *out, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	int64_t v[6], pages = 0, free_pages = 0, page_size = 0;
	static const char *const sql[] = {
		"SELECT count(*) FROM source", "SELECT total(words) FROM source",
		"SELECT total(nset) FROM source", "SELECT count(*) FROM band",
		"SELECT total(length(text)) FROM body", "PRAGMA page_count",
	};
	int rc;
	if ((rc = band_flush(s, err)) != 0)
		return rc;
	for (size_t i = 0; i < DS_ARRAY_LEN(sql); i++)
		if ((rc = one_int(s, sql[i], &v[i], err)) != 0)
			return rc;
	pages = v[5];
	if ((rc = one_int(s, "PRAGMA freelist_count", &free_pages, err)) != 0 ||
	    (rc = one_int(s, "PRAGMA page_size", &page_size, err)) != 0)
		return rc;
	out->sources = (uint64_t)v[0];
	out->words = (uint64_t)v[1];
	out->shingles = (uint64_t)v[2];
	out->band_keys = (uint64_t)v[3];
	out->text_bytes = (uint64_t)v[4];
	out->bytes = (uint64_t)((pages - free_pages) * page_size);
	out->version = s->version;
	out->version_new = SCHEMA_VERSION;
	return 0;
}

/* The database file's size (its pages; the WAL apart). */
static int file_bytes(struct sqlite_store *s, uint64_t *bytes, struct ds_err *err)
{
	int64_t pages = 0, page_size = 0;
	int rc;
	if ((rc = one_int(s, "PRAGMA page_count", &pages, err)) != 0 ||
	    (rc = one_int(s, "PRAGMA page_size", &page_size, err)) != 0)
		return rc;
	*bytes = (uint64_t)(pages * page_size);
	return 0;
}

static int op_vacuum(struct ds_store *b, struct ds_index_vacuum *v, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	int rc;
	if ((rc = file_bytes(s, &v->bytes_before, err)) != 0 || (rc = exec(s, "VACUUM", err)) != 0 ||
	    (rc = exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err)) != 0)
		return rc;
	s->gave_up_ms = -1; /* a checkpoint that gave up waiting for readers is no error */
	return file_bytes(s, &v->bytes_after, err);
}

static int op_count(struct ds_store *b, uint64_t limit, uint64_t *n, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	char sql[96];
	int64_t v = 0;
	int rc;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM (SELECT 1 FROM source LIMIT %llu)",
		 (unsigned long long)(limit > INT64_MAX ? INT64_MAX : limit));
	rc = one_int(s, sql, &v, err);
	*n = (uint64_t)v;
	return rc;
}

static int op_check(struct ds_store *b, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
	const char *r;
	if (rc != SQLITE_OK)
		return db_err(s, rc, err, "check");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_err(s, rc, err, "check");
	}
	r = (const char *)sqlite3_column_text(st, 0);
	if (!r || strcmp(r, "ok") != 0) {
		ds_err_set(err, DS_ECORRUPT, "index %s is damaged: %s", s->path,
			   r ? r : "integrity check failed");
		sqlite3_finalize(st);
		return DS_ECORRUPT;
	}
	sqlite3_finalize(st);
	/* the file's pages hold together; every text must also read back
	 * (its frame's checksum, where it has one) */
	if ((rc = sqlite3_prepare_v2(s->db, "SELECT text, id FROM body", -1, &st, NULL)) != SQLITE_OK)
		return db_err(s, rc, err, "check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ds_store_src src;
		memset(&src, 0, sizeof src);
		src.id = sqlite3_column_int64(st, 1);
		if ((rc = inflate_text(s, st, &src, err)) != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "check");
}

static int op_set_timeout(struct ds_store *b, int timeout_ms, struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	s->timeout_ms = timeout_ms < 0 ? 0 : timeout_ms;
	return 0;
}

static void op_close(struct ds_store *b)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	if (!s)
		return;
	for (int i = 0; i < NQ; i++)
		sqlite3_finalize(s->q[i]);
	if (s->db) {
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	free(s->pend);
	free(s->pendtmp);
	ds_hmap_free(&s->full);
	free(s->idbuf);
	free(s->setbuf);
	free(s->enc);
	free(s->textbuf);
	if (s->zs_ready)
		deflateEnd(&s->zs);
	ZSTD_freeCCtx(s->zc);
	ZSTD_freeDCtx(s->zd);
	free(s->path);
	free(s);
}

/* ---- blobs: a table of their own, created on first use ---- */

static int op_blob_get(struct ds_store *b, const char *key, void **data, size_t *len,
		       struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT data FROM blob WHERE key = ?1", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(s->db), "no such table"))
			return ds_err_set(err, DS_ENOTFOUND, "index %s: no %s", s->path, key);
		return db_err(s, rc, err, "read");
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		*data = malloc(n ? n : 1);
		if (!*data) {
			sqlite3_finalize(st);
			return ds_err_set(err, DS_ENOMEM, "out of memory reading index %s", s->path);
		}
		if (n)
			memcpy(*data, p, n);
		*len = n;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ds_err_set(err, DS_ENOTFOUND, "index %s: no %s", s->path, key);
	} else {
		rc = db_err(s, rc, err, "read");
	}
	sqlite3_finalize(st);
	return rc;
}

static int op_blob_put(struct ds_store *b, const char *key, const void *data, size_t len,
		       struct ds_err *err)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	sqlite3_stmt *st;
	int rc = exec(s, "CREATE TABLE IF NOT EXISTS blob(key TEXT PRIMARY KEY, data BLOB NOT NULL)", err);
	if (rc)
		return rc;
	rc = sqlite3_prepare_v2(s->db,
				data ? "INSERT OR REPLACE INTO blob(key, data) VALUES (?1, ?2)"
				     : "DELETE FROM blob WHERE key = ?1",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(s, rc, err, "write");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (data)
		sqlite3_bind_blob64(st, 2, data, (sqlite3_uint64)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(s, rc, err, "write");
}

static int op_discard(struct ds_store *b);

static const struct ds_store_ops sqlite_ops = {
	.name = "sqlite",
	.begin = op_begin,
	.commit = op_commit,
	.rollback = op_rollback,
	.find_hash = op_find_hash,
	.find_name = op_find_name,
	.insert = op_insert,
	.remove = op_remove,
	.read_begin = op_read_begin,
	.read_end = op_read_end,
	.bands = op_bands,
	.get = op_get,
	.each = op_each,
	.stats = op_stats,
	.count = op_count,
	.set_timeout = op_set_timeout,
	.check = op_check,
	.vacuum = op_vacuum,
	.close = op_close,
	.blob_get = op_blob_get,
	.blob_put = op_blob_put,
	.discard = op_discard,
};

/* ---- opening ---- */

/* What marks the file: its application id, schema version and number of
 * tables, read by one statement, so at one moment (another process may be
 * creating the schema meanwhile). */
static int read_marks(struct sqlite_store *s, int64_t *app, int64_t *ver, int64_t *ntables,
		      struct ds_err *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db,
				    "SELECT (SELECT application_id FROM pragma_application_id),"
				    " (SELECT user_version FROM pragma_user_version),"
				    " (SELECT count(*) FROM sqlite_master)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_err(s, rc, err, "read");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*app = sqlite3_column_int64(st, 0);
		*ver = sqlite3_column_int64(st, 1);
		*ntables = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_err(s, rc, err, "read");
}

/* Creates the schema in an empty database.  Returns 1, creating nothing,
 * when the database is no longer empty once the write lock is held: another
 * process created it first, and what it made is to be checked. */
static int init_schema(struct sqlite_store *s, const char *params, struct ds_err *err)
{
	char sql[256];
	sqlite3_stmt *st;
	int64_t app = 0, ver = 0, ntables = 0;
	int rc;
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)) != 0)
		return rc;
	if ((rc = read_marks(s, &app, &ver, &ntables, err)) != 0)
		goto rollback;
	if (app != 0 || ver != 0 || ntables != 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return 1;
	}
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
		 APP_ID, SCHEMA_VERSION);
	if ((rc = exec(s, schema, err)) != 0 || (rc = exec(s, sql, err)) != 0)
		goto rollback;
	rc = sqlite3_prepare_v2(s->db, "INSERT INTO meta VALUES ('fingerprint', ?1)", -1,
				&st, NULL);
	if (rc != SQLITE_OK) {
		rc = db_err(s, rc, err, "create");
		goto rollback;
	}
	sqlite3_bind_text(st, 1, params, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = db_err(s, rc, err, "create");
		goto rollback;
	}
	return exec(s, "COMMIT", err);
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Checks that the database holds a despin index made with params; create:
 * an empty database gets the schema (CHECK_ONLY: is accepted as it is). */
#define CHECK_ONLY 2
static int check_schema(struct sqlite_store *s, const char *params, int create,
			struct ds_err *err)
{
	int64_t app = 0, ver = 0, ntables = 0;
	sqlite3_stmt *st;
	int rc;
again:
	if ((rc = read_marks(s, &app, &ver, &ntables, err)) != 0) {
		if (rc == DS_ECORRUPT || rc == DS_EDB)
			return ds_err_set(err, DS_EFORMAT,
					  "%s is not a despin index (not a readable SQLite database)",
					  s->path);
		return rc;
	}
	if (app == 0 && ver == 0 && ntables == 0) {
		s->version = SCHEMA_VERSION;
		if (!create)
			return ds_err_set(err, DS_EFORMAT,
					  "%s is an empty SQLite database, not a despin index",
					  s->path);
		if (create == CHECK_ONLY)
			return 0; /* the schema is made by the usual open */
		if ((rc = init_schema(s, params, err)) != 1)
			return rc;
		goto again; /* made by another process meanwhile: checked as any */
	}
	if (app != APP_ID)
		return ds_err_set(err, DS_EFORMAT,
				  "%s is an SQLite database but not a despin index", s->path);
	if (ver > SCHEMA_VERSION)
		return ds_err_set(err, DS_EVERSION,
				  "index %s has schema version %lld, made by a newer despin: this one reads versions %d and %d (read it with that despin, or rebuild it into a new index with 'despin index add')",
				  s->path, (long long)ver, SCHEMA_DEFLATE, SCHEMA_VERSION);
	if (ver < SCHEMA_DEFLATE)
		return ds_err_set(err, DS_EVERSION,
				  "index %s has schema version %lld, this despin reads versions %d and %d: rebuild it into a new index with 'despin index add'",
				  s->path, (long long)ver, SCHEMA_DEFLATE, SCHEMA_VERSION);
	s->version = (int)ver;
	rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'fingerprint'", -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return ds_err_set(err, DS_ECORRUPT, "index %s is damaged: %s", s->path,
				  sqlite3_errmsg(s->db));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: no fingerprint parameters", s->path);
		return db_err(s, rc, err, "open");
	}
	if (strcmp((const char *)sqlite3_column_text(st, 0), params) != 0) {
		ds_err_set(err, DS_EVERSION,
			   "index %s was built with fingerprints %s, this despin makes %s: rebuild it into a new index with 'despin index add'",
			   s->path, (const char *)sqlite3_column_text(st, 0), params);
		sqlite3_finalize(st);
		return DS_EVERSION;
	}
	sqlite3_finalize(st);
	return 0;
}

/* ---- an index created and left empty ----
 *
 * An index this handle created (no file was there when the open began) and
 * to which nothing was added is removed, with the files beside it, so that
 * a command that added nothing leaves the folder as it was; never one that
 * another connection has open or has added to.  The switch out of WAL mode
 * needs the file's exclusive lock, which the shared lock of any other
 * connection that has the index open refuses at once: then it stays.  With
 * the lock, SQLite copies the log into the file and removes its -wal and
 * -shm itself, the file still in place; locking_mode exclusive keeps the
 * lock until the close, so that from the check that the index holds
 * nothing to the file's removal no one reads or writes it, and a process
 * that opened the file meanwhile waits for the lock, then finds the file
 * gone (still_there) before SQLite reads it or makes anything beside it.
 * The MEMORY journal: the switch writes the header with no -journal file. */

/* Whether the database holds nothing but what a creator makes: no table at
 * all, or the despin schema with no source and no blob. */
static int holds_nothing(struct sqlite_store *s)
{
	int64_t app = 0, ver = 0, ntables = 0;
	sqlite3_stmt *st;
	int empty;
	if (read_marks(s, &app, &ver, &ntables, NULL) != 0)
		return 0;
	if (app == 0 && ver == 0 && ntables == 0)
		return 1;
	if (app != APP_ID ||
	    sqlite3_prepare_v2(s->db,
			       "SELECT (SELECT count(*) FROM source),"
			       " (SELECT count(*) FROM sqlite_master WHERE name = 'blob')",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	empty = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0 &&
		sqlite3_column_int64(st, 1) == 0;
	sqlite3_finalize(st);
	return empty;
}

/* Sets the journal mode; whether it is now mode (lowercase). */
static int journal_mode(struct sqlite_store *s, const char *mode)
{
	char sql[64];
	sqlite3_stmt *st;
	int ok = 0;
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(st, 0);
		ok = m && strcmp(m, mode) == 0;
	}
	sqlite3_finalize(st);
	return ok;
}

/* 1 when the index was removed (the handle is then good only for closing),
 * 0 when it stays. */
static int op_discard(struct ds_store *b)
{
	struct sqlite_store *s = (struct sqlite_store *)b;
	const char *file;
	int moved = 1;
	if (!s->created || !s->db)
		return 0;
	for (int i = 0; i < NQ; i++)
		if (s->q[i])
			sqlite3_reset(s->q[i]);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->npend = 0;
	full_forget(s);
	s->timeout_ms = 0; /* another connection has it: it stays, at once */
	if (!holds_nothing(s))
		return 0;
	if (exec(s, "PRAGMA locking_mode = EXCLUSIVE", NULL) != 0)
		return 0;
	if (!journal_mode(s, "memory")) {
		sqlite3_exec(s->db, "PRAGMA locking_mode = NORMAL", NULL, NULL, NULL);
		return 0;
	}
	file = sqlite3_db_filename(s->db, "main");
	if (!holds_nothing(s) ||
	    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK ||
	    moved || !file || !*file || unlink(file) != 0) {
		/* added to by a process that has closed it since, or replaced */
		journal_mode(s, "wal");
		return 0;
	}
	s->created = 0;
	return 1;
}

/* Takes the shared lock through the connection's own file, waiting as for
 * any lock, and tells whether the path still names the file opened: 1 when
 * it does not (removed by op_discard: open again), 0 when it does, the lock
 * kept for SQLite's first read to take over, or an error. */
static int still_there(struct sqlite_store *s, struct ds_err *err)
{
	sqlite3_file *f = NULL;
	double t0 = ds_now();
	int rc, moved = 0;
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods)
		return ds_err_set(err, DS_EIO, "cannot open index %s", s->path);
	for (int n = 0; (rc = f->pMethods->xLock(f, SQLITE_LOCK_SHARED)) == SQLITE_BUSY; n++)
		if (!wait_more(s, t0, n))
			break;
	if (rc != SQLITE_OK)
		return db_err(s, rc, err, "open");
	if (f->pMethods->xFileControl(f, SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK)
		moved = 0;
	return moved ? 1 : 0;
}

/* Whether path is there (*exists) and holds bytes (*filled); refuses a
 * directory.  The bytes themselves are read through SQLite's own file
 * (magic_ok): a file descriptor of this process's own on the database,
 * once closed, would drop every lock the process holds on it, the shared
 * lock of another connection's open WAL index among them, and a writer
 * closing in another process would then take the log away under it
 * ("database disk image is malformed" in a reader beside a writer). */
static int check_header(const char *path, int *exists, int *filled, struct ds_err *err)
{
	struct stat sb;
	*exists = *filled = 0;
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return 0;
		return ds_err_sys(err, errno, "cannot open index %s", path);
	}
	*exists = 1;
	if (S_ISDIR(sb.st_mode))
		return ds_err_set(err, DS_EINVAL, "cannot open index %s: is a directory", path);
	*filled = sb.st_size > 0;
	return 0;
}

/* Refuses a file that is not an SQLite database, reading its first bytes
 * through the connection's file before SQLite reads or writes anything. */
static int magic_ok(struct sqlite_store *s, struct ds_err *err)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods)
		return ds_err_set(err, DS_EIO, "cannot open index %s", s->path);
	if (f->pMethods->xRead(f, head, sizeof head, 0) != SQLITE_OK ||
	    memcmp(head, magic, sizeof magic) != 0)
		return ds_err_set(err, DS_EFORMAT,
				  "%s is not a despin index (not an SQLite database)", s->path);
	return 0;
}

/* The directory of path into dir (size bytes; "." when path names none);
 * -1 when it does not fit. */
static int dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if (n + 2 > size)
		return -1;
	if (n == 0)
		dir[n++] = '.';
	else
		memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* Refuses to create an index in a directory that is not there or that this
 * process may not write (SQLite would say only "unable to open database
 * file"). */
static int check_dir(const char *path, struct ds_err *err)
{
	char dir[PATH_MAX];
	struct stat sb;
	if (dir_of(path, dir, sizeof dir) != 0)
		return 0; /* SQLite tells */
	if (stat(dir, &sb) != 0) {
		if (errno == ENOENT)
			return ds_err_set(err, DS_ENOTFOUND,
					  "cannot create index %s: directory %s does not exist", path,
					  dir);
		return ds_err_sys(err, errno, "cannot create index %s: %s", path, dir);
	}
	if (!S_ISDIR(sb.st_mode))
		return ds_err_set(err, DS_EINVAL, "cannot create index %s: %s is not a directory",
				  path, dir);
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0)
		return ds_err_sys(err, errno, "cannot create index %s in %s", path, dir);
	return 0;
}

/* PATH with suffix ("-wal", "-shm") into out (PATH_MAX bytes); -1 when it
 * does not fit. */
static int side_file(const char *path, const char *suffix, char *out)
{
	return (size_t)snprintf(out, PATH_MAX, "%s%s", path, suffix) < PATH_MAX ? 0 : -1;
}

/* Refuses a writer the index file, or the -wal or -shm beside it, that it
 * may not write (made by a reader of another user with an earlier despin,
 * say), or a directory where it may not make the missing ones, naming the
 * file, instead of SQLite's "attempt to write a readonly database" at the
 * first write.  real: the file's path, links resolved. */
static int check_writable(const char *path, const char *real, struct ds_err *err)
{
	static const char *const sides[] = {"", "-wal", "-shm"};
	char name[PATH_MAX], dir[PATH_MAX];
	for (size_t i = 0; i < DS_ARRAY_LEN(sides); i++) {
		if (side_file(real, sides[i], name) != 0)
			continue;
		if (access(name, F_OK) != 0) {
			if (dir_of(real, dir, sizeof dir) == 0 &&
			    faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0)
				return ds_err_sys(err, errno, "cannot write index %s: %s cannot be made in %s",
						  path, name, dir);
			continue;
		}
		if (faccessat(AT_FDCWD, name, W_OK, AT_EACCESS) != 0)
			return i == 0 ? ds_err_sys(err, errno, "cannot write index %s", path)
				      : ds_err_sys(err, errno, "cannot write index %s: %s", path, name);
	}
	return 0;
}

/* ---- readers that may not write the index ----
 *
 * SQLite reads a WAL database with two files beside it: PATH-wal, the log
 * of commits not yet copied into the file, and PATH-shm, the log's index
 * in shared memory.  A reader opened as usual creates both when they are
 * missing, owned by itself and with the index file's mode bits.  When the
 * reader may not write the index (another user; a file of mode 444) they
 * come out unwritable to the index's writers, whose next write fails
 * ("attempt to write a readonly database") until someone removes them; and
 * when it may not create files in the directory, its open fails.  So a
 * reader that may not write the index, or create files beside it, creates
 * nothing:
 *
 *   - no PATH-wal: no process has the index open (one that has keeps the
 *     log, which the last to close copies into the file and removes), so
 *     the file holds every commit, and it is read as immutable: no locks,
 *     no other files.  A writer that begins meanwhile is not seen; should
 *     it copy its commits into the file before this reader is done (when
 *     its log passes 1000 pages, or at its close), a read meeting a page
 *     it rewrote may go wrong, and where SQLite sees it, the error says
 *     that the index was written meanwhile (changed_since_open), not that
 *     it is damaged.
 *   - a PATH-wal: it is opened as it is, never created (the VFS below), and
 *     PATH-shm read-only (readonly_shm=1), which SQLite supports: it reads
 *     the log's index from the shared memory a writer keeps up to date, or
 *     with no writer about rebuilds it from the log in private memory, and
 *     holds the read lock that keeps a checkpoint from rewriting pages it
 *     reads.  Commits still in the log are seen, as by any reader.
 *   - a PATH-wal holding commits but no PATH-shm (removed by hand, or the
 *     files copied without it): refused, as the file alone would show the
 *     index without its last commits.  A log without commits (its header
 *     at most) and without PATH-shm is as no log. */

#define RO_VFS "despin-ro"
#define WAL_HEADER 32 /* the bytes of a log before its first commit */

static sqlite3_vfs *base_vfs; /* SQLite's default, which RO_VFS wraps */
static sqlite3_vfs ro_vfs;
static pthread_once_t ro_vfs_once = PTHREAD_ONCE_INIT;

/* Opens a log without O_CREAT: one that is not there fails (CANTOPEN). */
static int ro_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	if (flags & SQLITE_OPEN_WAL)
		flags &= ~SQLITE_OPEN_CREATE;
	return base_vfs->xOpen(base_vfs, name, f, flags, out);
}

static void ro_vfs_register(void)
{
	sqlite3_vfs *base = sqlite3_vfs_find(NULL);
	if (!base)
		return;
	ro_vfs = *base;
	ro_vfs.pNext = NULL;
	ro_vfs.zName = RO_VFS;
	ro_vfs.xOpen = ro_open;
	base_vfs = base;
	if (sqlite3_vfs_register(&ro_vfs, 0) != SQLITE_OK)
		base_vfs = NULL;
}

/* Whether this process may write the index file at real (its path, links
 * resolved) and create files beside it.  A file that no one may write
 * (mode 444) counts as read-only even for root: the -wal and -shm SQLite
 * would make would get its mode, and no writer but root could use them. */
static int may_write(const char *real)
{
	char dir[PATH_MAX];
	struct stat sb;
	return stat(real, &sb) == 0 && (sb.st_mode & 0222) &&
	       faccessat(AT_FDCWD, real, W_OK, AT_EACCESS) == 0 &&
	       dir_of(real, dir, sizeof dir) == 0 &&
	       faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == 0;
}

/* After sqlite3_open_v2: its error, else the connection's settings. */
static int opened(struct sqlite_store *s, int rc, struct ds_err *err)
{
	if (rc != SQLITE_OK)
		return ds_err_set(err, rc == SQLITE_NOMEM ? DS_ENOMEM : DS_EIO,
				  "cannot open index %s: %s", s->path,
				  s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	sqlite3_busy_handler(s->db, on_busy, s);
	sqlite3_extended_result_codes(s->db, 0);
	return 0;
}

/* Opens s->db read-only on "file:PATH?query" (PATH's %, ? and # escaped)
 * with the VFS vfs (NULL: the default). */
static int open_uri(struct sqlite_store *s, const char *path, const char *query,
		    const char *vfs, struct ds_err *err)
{
	char *u = malloc(3 * strlen(path) + strlen(query) + 16), *o;
	int rc;
	if (!u)
		return ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", s->path);
	o = u + sprintf(u, path[0] == '/' ? "file://" : "file:"); /* never an authority */
	for (const char *p = path; *p; p++)
		o += *p == '%' || *p == '?' || *p == '#' ? sprintf(o, "%%%02x", (unsigned char)*p)
							  : (*o = *p, 1);
	sprintf(o, "?%s", query);
	rc = sqlite3_open_v2(u, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     vfs);
	free(u);
	return opened(s, rc, err);
}

/* Opens s->db for a reader that may not write the index at real (its path,
 * links resolved), creating no file (see above). */
static int open_unwritable(struct sqlite_store *s, const char *real, struct ds_err *err)
{
	char wal[PATH_MAX], shm[PATH_MAX];
	struct stat sb;
	int rc;
	if (side_file(real, "-wal", wal) != 0 || side_file(real, "-shm", shm) != 0)
		return ds_err_set(err, DS_EINVAL, "cannot open index %s: path too long", s->path);
	pthread_once(&ro_vfs_once, ro_vfs_register);
	if (!base_vfs)
		return ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", s->path);
	if (stat(wal, &sb) == 0) {
		if ((rc = open_uri(s, real, "readonly_shm=1", RO_VFS, err)) != 0)
			return rc;
		/* the first read opens the log and its index */
		rc = sqlite3_exec(s->db, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL);
		if ((rc & 0xff) != SQLITE_CANTOPEN)
			return 0; /* any other failure is the next read's to tell */
		sqlite3_close(s->db);
		s->db = NULL;
		/* the log may have gone meanwhile, its last user closing */
		if (stat(wal, &sb) == 0 && sb.st_size > WAL_HEADER) {
			if (access(wal, R_OK) != 0)
				return ds_err_sys(err, errno, "cannot read index %s: %s", s->path, wal);
			if (access(shm, F_OK) != 0)
				return ds_err_set(err, DS_EIO,
						  "cannot read index %s: %s holds commits not yet in the file, and %s, needed to read them, is missing (it is made when a user who may write the index opens it)",
						  s->path, wal, shm);
			return ds_err_sys(err, access(shm, R_OK) != 0 ? errno : EIO,
					  "cannot read index %s: %s", s->path, shm);
		}
	}
	if (stat(real, &s->at_open) != 0)
		return ds_err_sys(err, errno, "cannot open index %s", s->path);
	s->immutable = 1;
	return open_uri(s, real, "immutable=1", NULL, err);
}

/* Puts the file in WAL mode; nothing to do once it is.  The change asks
 * for the write lock while it reads the file, and there SQLite fails at
 * once instead of calling the busy handler (a reader waiting for the writer
 * that waits for it to finish would wait forever): two processes creating
 * one index meet here.  So the statement is run again, a new read each
 * time, with the busy handler's pauses until the timeout. */
static int set_wal(struct sqlite_store *s, struct ds_err *err)
{
	double t0 = ds_now();
	sqlite3_stmt *st;
	int rc;
	for (int n = 0;; n++) {
		rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
		if ((rc & 0xff) != SQLITE_BUSY || !wait_more(s, t0, n))
			break;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		return ds_err_set(err, DS_EFORMAT,
				  "%s is not a despin index (not a readable SQLite database)", s->path);
	return db_err(s, rc, err, "open");
}

/* Reads a file that no process has open (no -wal beside it) as immutable,
 * creating nothing, and refuses it there when it is no despin index, one
 * this despin does not read, or damaged: opened as usual, a reader would
 * make a -wal and -shm beside a file in WAL mode that, refused, it could
 * not remove (a reader's connection never does), and a writer would put a
 * foreign file in WAL mode before reading its schema.  A file written
 * meanwhile (a writer opening it) is left to the usual open to judge. */
static int check_unopened(struct sqlite_store *s, const char *real, const char *params,
			  int create, struct ds_err *err)
{
	struct sqlite_store p;
	struct ds_err e = {0};
	char wal[PATH_MAX];
	struct stat sb;
	int rc, refused;
	if (side_file(real, "-wal", wal) != 0 || stat(wal, &sb) == 0)
		return 0;
	memset(&p, 0, sizeof p);
	if (stat(real, &p.at_open) != 0)
		return 0;
	p.path = s->path;
	p.gave_up_ms = -1;
	p.immutable = 1;
	rc = open_uri(&p, real, "immutable=1", NULL, &e);
	if (rc == 0)
		rc = magic_ok(&p, &e);
	if (rc == 0)
		rc = check_schema(&p, params, create ? CHECK_ONLY : 0, &e);
	refused = (rc == DS_EFORMAT || rc == DS_ECORRUPT || rc == DS_EVERSION) &&
		  !changed_since_open(&p) && stat(wal, &sb) != 0;
	sqlite3_close(p.db);
	if (!refused)
		return 0;
	if (err)
		*err = e;
	return rc;
}

struct ds_store *ds_store_sqlite_open(const char *path, int flags, int timeout_ms,
				      const char *params, struct ds_err *err)
{
	struct sqlite_store *s;
	int memory = strcmp(path, ":memory:") == 0;
	int ro = (flags & DS_STORE_READONLY) != 0;
	int create = !ro && (flags & DS_STORE_CREATE);
	char *real = NULL; /* path, links resolved: SQLite's files go beside it */
	int exists = 0, filled = 0, oflags, rc, tries = 0;

	if (!(s = calloc(1, sizeof *s)) || !(s->path = strdup(path))) {
		free(s);
		ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", path);
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	s->timeout_ms = timeout_ms < 0 ? 0 : timeout_ms;
	s->gave_up_ms = -1;
again:
	if (!memory && check_header(path, &exists, &filled, err) != 0)
		goto fail;
	if (!memory && !exists && !create) {
		ds_err_set(err, DS_ENOTFOUND, "cannot open index %s: no such file", path);
		goto fail;
	}
	s->created = !memory && !exists;
	if (!memory && !(real = realpath(path, NULL)) && !(real = strdup(path))) {
		ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", path);
		goto fail;
	}
	if (ro && !memory && !may_write(real)) {
		if (open_unwritable(s, real, err) != 0)
			goto fail;
	} else {
		if (!ro && !memory &&
		    (exists ? check_writable(path, real, err) : check_dir(path, err)) != 0)
			goto fail;
		if (filled && check_unopened(s, real, params, create, err) != 0)
			goto fail;
		/* a reader that may write the index opens it for writing and
		 * writes nothing (query_only): SQLite then removes the -wal and
		 * -shm it made when the last connection closes, as it does for
		 * a writer; a connection opened read-only never does, and would
		 * leave them beside the index after every scan */
		oflags = ro && memory ? SQLITE_OPEN_READONLY
				      : SQLITE_OPEN_READWRITE | (ro ? 0 : SQLITE_OPEN_CREATE);
		if (opened(s, sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL),
			   err) != 0)
			goto fail;
		if (ro && !memory && exec(s, "PRAGMA query_only = 1", err) != 0)
			goto fail;
		/* a file removed by its creator as this process opened it
		 * (op_discard) is opened again: gone, or made anew */
		if (!memory && (rc = still_there(s, err)) != 0) {
			if (rc < 0)
				goto fail;
			sqlite3_close(s->db);
			s->db = NULL;
			free(real);
			real = NULL;
			if (++tries < 3)
				goto again;
			ds_err_set(err, DS_EBUSY,
				   "index %s was removed by another process as this one opened it: run again",
				   path);
			goto fail;
		}
	}
	if (filled && magic_ok(s, err) != 0)
		goto fail;
	if (!memory && !ro) {
		/* WAL: readers go on while one writer adds; a crash at any point
		 * leaves the last committed state.  NORMAL sync is safe against a
		 * crash of the process (not of the machine, where the last
		 * commits may be lost but the file stays consistent). */
		if (set_wal(s, err) != 0 || exec(s, "PRAGMA synchronous = NORMAL", err) != 0)
			goto fail;
	}
	if (check_schema(s, params, create, err) != 0)
		goto fail;
	{
		char sql[128];
		snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d; PRAGMA mmap_size = %lld",
			 ro ? CACHE_KIB_READER : CACHE_KIB_WRITER, (long long)MMAP_BYTES);
		if (exec(s, sql, err) != 0)
			goto fail;
	}
	for (int i = 0; i < NQ; i++) {
		char bands[64 + 20 * BAND_ROWS];
		const char *sql = queries[i];
		if (i == Q_INS_BANDS) {
			size_t o = (size_t)snprintf(bands, sizeof bands,
						    "INSERT OR IGNORE INTO band(key, id) VALUES ");
			for (int r = 0; r < BAND_ROWS; r++)
				o += (size_t)snprintf(bands + o, sizeof bands - o, "%s(?%d, ?%d)",
						      r ? ", " : "", 2 * r + 1, 2 * r + 2);
			sql = bands;
		}
		rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					&s->q[i], NULL);
		if (rc != SQLITE_OK) {
			ds_err_set(err, DS_ECORRUPT, "index %s is damaged: %s", path,
				   sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	free(real);
	return &s->base;
fail:
	free(real);
	if (s->created)
		op_discard(&s->base); /* e.g. no room for the schema */
	op_close(&s->base);
	return NULL;
}
