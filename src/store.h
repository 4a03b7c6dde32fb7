/*
 * store.h - the storage interface under a source index (index.h).
 *
 * A store keeps, per source: an id, a name, a date, a content hash, the word
 * count, the sorted shingle set of its fingerprint (fprint.h) and its text;
 * and a table of LSH band keys -> source ids.  It knows nothing about
 * fingerprints: the index computes everything and hands the store plain
 * records.  A backend fills a struct ds_store_ops; src/store_sqlite.c is the
 * embedded one (an SQLite file, or ":memory:").  Another backend (a Redis
 * server, say) only has to provide the same operations.
 *
 * Conventions: every operation returns 0 or a negative DS_E* code with the
 * message in err (naming the store); DS_ENOTFOUND when an id or hash is not
 * there; DS_EBUSY when the store stayed locked by another process for longer
 * than the timeout given at open; DS_ECORRUPT when the store is damaged.
 * Callbacks return 0 to go on, non-zero to stop (the operation then returns
 * that value).  Pointers handed to a callback are valid only during the call.
 *
 * Thread rules: a store handle is used by one thread at a time.  Several
 * handles (in one process or several) may open the same file: readers go on
 * while one writer adds.
 */
#ifndef DS_STORE_H
#define DS_STORE_H

#include "util.h"

/* Flags of the open functions. */
#define DS_STORE_READONLY 1 /* no writes; the file must exist */
#define DS_STORE_CREATE 2   /* create the file (and schema) if missing */

/* What a callback of get/each receives (fields left NULL/0 when not asked). */
#define DS_STORE_SET 1      /* the shingle set */
#define DS_STORE_TEXT 2     /* the text */

struct ds_store_src {
	int64_t id;
	const char *name;
	const char *date;   /* "YYYY-MM-DD" or "" */
	const char *hash;   /* content hash: 32 lower-case hex digits */
	uint64_t words;
	const uint32_t *set; /* put: sorted distinct shingle hashes; get: their
			      * keys, sorted (fprint.h ds_fprint_reduce) (DS_STORE_SET) */
	size_t nset;         /* always filled */
	const char *text;    /* original bytes (DS_STORE_TEXT), not NUL-terminated */
	size_t len;
};

struct ds_store_stats {
	uint64_t sources;
	uint64_t words;
	uint64_t shingles;  /* sum of the set sizes */
	uint64_t band_keys; /* rows of the band table */
	uint64_t text_bytes;
	uint64_t bytes;     /* size of the store (file pages in use), 0 if unknown */
	uint64_t text_store_bytes; /* of bytes, the stored texts' (0: not counted apart) */
	int version;        /* the store's format (schema) version */
	int version_new;    /* the version this despin gives a new store */
};

struct ds_store;
struct ds_index_vacuum;
typedef int (*ds_store_id_fn)(void *ctx, int64_t id);
typedef int (*ds_store_src_fn)(void *ctx, const struct ds_store_src *src);

struct ds_store_ops {
	const char *name; /* "sqlite", ... */
	/* One write transaction: begin waits for other writers (up to the
	 * timeout); nothing is visible to others before commit; rollback (or
	 * a crash, or close without commit) leaves the store as it was. */
	int (*begin)(struct ds_store *s, struct ds_err *err);
	int (*commit)(struct ds_store *s, struct ds_err *err);
	int (*rollback)(struct ds_store *s, struct ds_err *err);
	/* Optional (NULL: the id itself): after a commit, the id under which
	 * the source that insert staged as id now lives: id itself, or the id
	 * of the same text (content hash) that another writer committed first
	 * when two writers added it at once (the staged copy is dropped).
	 * Valid until the next begin. */
	int64_t (*committed_as)(struct ds_store *s, int64_t id);
	/* The id of the source with this content hash, or DS_ENOTFOUND. */
	int (*find_hash)(struct ds_store *s, const char *hash, int64_t *id,
			 struct ds_err *err);
	/* Calls fn with the id of every source named name, in id order. */
	int (*find_name)(struct ds_store *s, const char *name, ds_store_id_fn fn,
			 void *ctx, struct ds_err *err);
	/* Stores src (its id is ignored) and its band keys; *id gets the new id. */
	int (*insert)(struct ds_store *s, const struct ds_store_src *src,
		      const uint64_t *keys, size_t nkeys, int64_t *id,
		      struct ds_err *err);
	/* Deletes source id and its band keys (as computed when it was added). */
	int (*remove)(struct ds_store *s, int64_t id, const uint64_t *keys,
		      size_t nkeys, struct ds_err *err);
	/* Optional (NULL: none): one consistent read view for a run of
	 * band/get calls (a query), so that they need not each take and drop
	 * the store's locks.  Not used inside begin ... commit. */
	int (*read_begin)(struct ds_store *s, struct ds_err *err);
	void (*read_end)(struct ds_store *s);
	/* The ids under each of the band keys keys[0..nkeys), at most limit per
	 * key, handed to fn key by key (k the key's index, ids valid during the
	 * call): one call for a query, one round trip for a server.  A key
	 * holding limit ids or more may come with n = limit and ids NULL (the
	 * index leaves such keys out); the Redis store refuses a limit above
	 * 56. */
	int (*bands)(struct ds_store *s, const uint64_t *keys, size_t nkeys, size_t limit,
		     int (*fn)(void *ctx, size_t k, const int64_t *ids, size_t n), void *ctx,
		     struct ds_err *err);
	/* Calls fn once with source id; what = DS_STORE_SET | DS_STORE_TEXT. */
	int (*get)(struct ds_store *s, int64_t id, unsigned what,
		   ds_store_src_fn fn, void *ctx, struct ds_err *err);
	/* Optional (NULL: get is called per id): like get for each of
	 * ids[0..n), in that order, in one round trip for a server; an id
	 * that is not there (removed meanwhile) is skipped. */
	int (*gets)(struct ds_store *s, const int64_t *ids, size_t n, unsigned what,
		    ds_store_src_fn fn, void *ctx, struct ds_err *err);
	/* Calls fn with every source in id order. */
	int (*each)(struct ds_store *s, unsigned what, ds_store_src_fn fn,
		    void *ctx, struct ds_err *err);
	int (*stats)(struct ds_store *s, struct ds_store_stats *st,
		     struct ds_err *err);
	/* *n = the number of sources, counting no further than limit. */
	int (*count)(struct ds_store *s, uint64_t limit, uint64_t *n,
		     struct ds_err *err);
	/* How long to wait for another process's lock (milliseconds). */
	int (*set_timeout)(struct ds_store *s, int timeout_ms, struct ds_err *err);
	/* Full consistency check of the storage. */
	int (*check)(struct ds_store *s, struct ds_err *err);
	/* Reclaims storage (see ds_index_vacuum); fills *v. */
	int (*vacuum)(struct ds_store *s, struct ds_index_vacuum *v, struct ds_err *err);
	void (*close)(struct ds_store *s);
	/* Named blobs kept with the sources (the in-domain language model
	 * learnt from them and its bookkeeping), apart from the source tables.
	 * blob_get copies the value into *data (malloc'ed, owned by the
	 * caller), DS_ENOTFOUND when there is none; blob_put replaces it (data
	 * NULL: deletes it), inside or outside a write transaction. */
	int (*blob_get)(struct ds_store *s, const char *key, void **data, size_t *len,
			struct ds_err *err);
	int (*blob_put)(struct ds_store *s, const char *key, const void *data, size_t len,
			struct ds_err *err);
	/* Optional (NULL: never): removes the store when this handle created
	 * it (nothing was there when it was opened) and it still holds no
	 * source, nor did anyone else add one, and no other connection has it
	 * open; 1 when removed (then only close), 0 when it stays.  Any open
	 * transaction is rolled back. */
	int (*discard)(struct ds_store *s);
};

/* Every backend's handle starts with this. */
struct ds_store {
	const struct ds_store_ops *ops;
	/* requests sent to a server and answered (a pipeline of many commands
	 * counts once), for figures; 0 for an embedded store */
	uint64_t round_trips;
};

/* Opens (or with DS_STORE_CREATE creates) an SQLite store: path is a file,
 * or ":memory:" for a private in-memory store.  A file that is not an SQLite
 * database, an SQLite database without this schema (application id and
 * schema version), or one made with other fingerprint parameters (params:
 * a short string the index derives from fprint.h, recorded at creation) is
 * refused with a message naming the file.  timeout_ms: how long to wait for
 * a lock held by another process.  Returns NULL with err set on failure;
 * close with s->ops->close(s). */
struct ds_store *ds_store_sqlite_open(const char *path, int flags, int timeout_ms,
				      const char *params, struct ds_err *err);

/* The keys of the workers' streams (cli/streams.h), which may share a
 * Redis database with an index: despin's own, not another program's. */
#define DS_STREAM_ARTICLES "{despin}:articles"
#define DS_STREAM_RESULTS "{despin}:results"
#define DS_STREAM_STATS "{despin}:stats"

/* Replaces the password of a redis://[USER]:PASSWORD@HOST address by "***"
 * (a password under three characters by as many stars), in place: the
 * address as messages show it. */
void ds_store_star_password(char *uri);
/* The same, and a redis:// address's ?options cut, in place: the address
 * as the store's messages name it.  A file's name is left as it is. */
void ds_store_shown_uri(char *uri);
/* The same into out (cap bytes, always terminated), for when no copy can
 * be allocated: an address too long for out is cut short, an exact prefix
 * of what ds_store_shown_uri makes, so it never shows part of a password. */
void ds_store_shown_uri_to(const char *uri, char *out, size_t cap);
/* A redis:// or unix:// address taken apart, the one reading of it that
 * the index and the streams of submit and worker share:
 *   redis://[[USER]:PASSWORD@]HOST[:PORT][,HOST[:PORT]...][/DB]
 *     [?timeout=MS&retry=N&wait=N&wait_ms=MS]
 *   unix://[[USER]:PASSWORD@]/PATH[?db=DB&timeout=MS&...]
 * A HOST in brackets is an IPv6 address ("[::1]:6379"); unix:// names a
 * server's Unix socket by its absolute path.  Ports (1 to 65535, default
 * 6379), the database (0 to 100000, default 0) and option values are
 * decimal digits; a node named twice counts once; empty options ("?",
 * "&&") are none, an unknown one or one without a name is refused.
 * USER and PASSWORD are percent-decoded ("%40" is '@', as redis-cli reads
 * them), and the user information ends at the last '@' before the host.
 * (The command line puts DESPIN_REDIS_PASSWORD into an address without a
 * password; the library reads no environment.) */
#define DS_REDIS_MAX_NODES 64
struct ds_redis_addr {
	char user[128], pass[256]; /* "" when absent */
	struct {
		char host[128]; /* an IPv6 address without its brackets */
		int port;       /* 0: host is the path of a Unix socket */
	} node[DS_REDIS_MAX_NODES];
	int nnodes, db;
	/* the options: left as the caller set them when absent */
	int timeout_ms, retry, wait_replicas, wait_ms;
};
/* Reads uri into *a: 0, or DS_EINVAL (DS_ENOMEM) with err's message
 * naming the address, its options cut and its password starred, and the
 * problem ("redis://h:80x: bad port"). */
int ds_redis_addr_parse(const char *uri, struct ds_redis_addr *a, struct ds_err *err);
/* uri, a redis:// address that gives no password, with pass put in and,
 * when it names no user, user (may be NULL), both percent-encoded: a new
 * string the caller frees.  NULL when uri is no redis:// address, gives a
 * password of its own, or memory runs out. */
char *ds_redis_addr_with_password(const char *uri, const char *user, const char *pass);
/* A node of an address as messages name it, into out (cap bytes):
 * "HOST:PORT", "[ADDR]:PORT" for an IPv6 address, or the socket's path
 * (port 0). */
void ds_redis_node_name(const char *host, int port, char *out, size_t cap);
/* A connection to a node (port 0: host is a Unix socket's path), given up
 * after timeout_ms: hiredis's context, which the caller frees
 * (redisFree); its err is set when it failed, NULL when out of memory. */
struct redisContext;
struct redisContext *ds_redis_connect(const char *host, int port, int timeout_ms);
/* On connection c, AUTH with pass (and user when not empty; nothing sent
 * when pass is empty), and SELECT database db (nothing sent for 0): 0, or
 * -1 with what the server answered (or the connection's error) in why
 * (cap bytes), for the caller's message. */
int ds_redis_auth(struct redisContext *c, const char *user, const char *pass, char *why,
		  size_t cap);
int ds_redis_select(struct redisContext *c, int db, char *why, size_t cap);

/* Opens (or with DS_STORE_CREATE creates) a store on a Redis server or
 * Redis Cluster (src/store_redis.c): uri is
 * redis://HOST[:PORT][,HOST[:PORT]...][/DB][?timeout=MS&retry=N&wait=N&wait_ms=MS]
 * (the first node that answers, or every node of a cluster) or
 * unix:///PATH[?db=DB&...] (above).
 * timeout_ms bounds every command; retry is how many times a lost
 * connection is re-opened, with growing pauses, before an operation fails
 * with DS_EIO; wait=N makes every commit wait (WAIT, at most wait_ms, 1000
 * by default) until N replicas of each shard written to hold it, and fail
 * with DS_EIO when fewer do.
 * Same refusals and same NULL/err convention as ds_store_sqlite_open. */
struct ds_store *ds_store_redis_open(const char *uri, int flags, int timeout_ms,
				     const char *params, struct ds_err *err);
/* True if uri names a Redis store ("redis://..." or "unix://..."). */
bool ds_store_is_redis(const char *uri);

#endif
