/* store_redis.c - a shared store on a Redis server or Redis Cluster (store.h).
 *
 * Key layout, schema 5.  Schema 4, read and written too, starts its
 * second generation of postings (below) at 1,025 sources instead of
 * 16,385.  Schemas 3 and 2, read and written too, also keep a
 * passage key's ids past INLINE_IDS in a set of integers instead of a
 * packed string (which a set of more than set-max-intset-entries ids, 512
 * by default, turns into a hash table of some 40 bytes an id); schema 2
 * also has records of srcrec.h version 1 (full shingle hashes) and longer
 * fields (field_len).  The registry is spread over RBUCKETS buckets, each
 * with its own hash tag {ds:XX} (XX: the first two hex digits of the
 * source's content hash), so that a cluster puts them on all its shards and
 * one Lua script per bucket can change a bucket's keys at once:
 *
 *   {ds}:meta          hash: magic, schema, fingerprint parameters, gen (a
 *                      random token written when the index is created)
 *   {ds}:next          counter: INCR gives new source ids (never reused)
 *   {ds:XX}:hash       hash: content hash -> id, for the hashes starting XX
 *   {ds:XX}:ids        sorted set: id -> id, those registered (visible)
 *                      sources
 *   {ds:XX}:n:NAME     sorted set: ids of those sources named NAME
 *   {ds:XX}:stats      hash: their sources, words, shingles, band_keys,
 *                      text_bytes
 *   {src:ID}           string: the packed record (srcrec.h: live mark, fields,
 *                      Rice-coded shingle keys)
 *   {src:ID}t          string: the text, deflated (zlib); same slot
 *   {pG:PREFIX}        hash: passage key postings of the sources of
 *                      generation G (below), bucketed by the top bits of
 *                      the passage key (PREFIX, hex); field = the key's
 *                      low 32 bits (schema 2: all its other bits),
 *                      little-endian bytes, value = the ids
 *                      under it, 4 bytes each, little-endian, or, past
 *                      INLINE_IDS ids, 'o' + their count (4 bytes), the
 *                      ids then in the string {pG:PREFIX}o + field (same
 *                      slot), 4 bytes each, big-endian, ascending
 *
 * Generations: ids 1..16384 are generation 0 (schemas 2 to 4: 1..1024),
 * then each generation holds as many ids as all before it (16385..32768
 * is 1, 32769..65536 is 2, ...), and generation G has 2^(15 + max(G - 1,
 * 0)) buckets (schemas 2 to 4: 2^(11 + ...)): about 35 passage keys a
 * bucket when it is full, so that every bucket stays a small listpack
 * (Redis's hash-max-listpack-entries, 128) however large the index grows.
 * A look-up reads a passage key in every generation (one HMGET each, all
 * in one pipeline), so the number of generations is its cost: schema 5's
 * first generation, as large as schema 4's first five, saves four
 * commands a passage key (at a million sources a look-up reads 7
 * generations, not 11); an index of fewer than 16,384 sources has emptier
 * buckets (3.9 kB a source without the texts at 1,000 sources, against
 * 2.1 kB in schema 4).  The format is refused by despin versions that
 * read another schema, and this one refuses theirs.
 *
 * Adding: INCR gives the id; the record and the text are written with a
 * time to live (STAGE_TTL_MS) and the id is put under its passage keys
 * (one script per bucket).  Commit makes them permanent (PERSIST), then
 * one script per registry bucket (all in one pipeline) checks each content
 * hash of its bucket and registers the new ids (and unregisters removed
 * ones) at once, then the records are marked live.
 * Until its bucket's script runs a source is invisible: a reader that meets an
 * unpublished id under a passage key finds no live mark and no
 * registration and skips it.  A writer killed before the script leaves
 * records that expire and ids under passage keys that point nowhere.
 *
 * The connection layer knows Redis Cluster: it reads CLUSTER SLOTS, sends
 * each command to the shard of its key (CRC16 of the key or of its hash
 * tag), follows MOVED (re-reading the slot map) and ASK redirections, and
 * pipelines commands to several shards at once.
 *
 * A server that restarts empty, or is flushed, under a running reader must
 * not look like an index without a match: every query (read_begin) reads
 * the meta hash's gen in the same round trip as its first command and fails
 * when it is gone or changed; each connection notes the server's run_id, so
 * the message can say that the server restarted.
 */
#include "index.h"
#include "store.h"
#include "srcrec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <zlib.h>

#define MAGIC "despin-index"
#define SCHEMA 5     /* made by this despin: records of version 2, packed overflows,
		      * a first generation of 16,384 ids */
#define SCHEMA_MIN 2 /* the oldest still read and written (4: a first generation of
		      * 1,024 ids; 3: also overflow sets; 2: also records of version 1) */
#define CHUNK_IDS 14  /* ids in one field of a passage key (56 bytes) */
#define INLINE_IDS 56 /* ids in a passage key's 4 fields; past that, in its overflow */
_Static_assert(INLINE_IDS == 4 * CHUNK_IDS, "a passage key has 4 fields of CHUNK_IDS ids");
/* A number macro as a string literal, for the scripts' text. */
#define NUM_(x) #x
#define NUM(x) NUM_(x)
#define MAX_ID 0xffffffffLL /* ids are 4 bytes in postings */
#define MAX_GENS 24 /* generations of 32-bit ids: at most 32 - 10 + 1 (gen_of) */
#define MAX_NODES 64
#define NSLOTS 16384
#define NO_NODE 0xff
#define STAGE_TTL_MS "86400000" /* unpublished records expire after a day */
#define CONNECT_MS 2000
#define MAX_REDIRECTS 8
#define EACH_CHUNK 512
#define CACHE_MAX_BYTES (64u << 20)

#define K_META "{ds}:meta"
#define K_NEXT "{ds}:next"
#define RBUCKETS 256 /* registry buckets: the content hash's first two hex digits */

/* Registers new sources and unregisters removed ones, atomically.  ARGV:
 * 7 values per entry (op 'a' or 'r', id, hash, words, nset, nkeys, text
 * bytes); KEYS[4 + i] is entry i's name key.  Returns per entry 0 (done) or,
 * for an add whose content hash is taken by another id, that id. */
static const char publish_lua[] =
	"local out = {}\n"
	"local k = 4\n"
	"for i = 1, #ARGV, 7 do\n"
	"  local op, id, h = ARGV[i], ARGV[i+1], ARGV[i+2]\n"
	"  local w, ns, nk, tl = ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]\n"
	"  local r = 0\n"
	"  if op == 'a' then\n"
	"    local cur = redis.call('HGET', KEYS[1], h)\n"
	"    if cur and cur ~= id then r = tonumber(cur)\n"
	"    elseif not cur then\n"
	"      redis.call('HSET', KEYS[1], h, id)\n"
	"      redis.call('ZADD', KEYS[2], id, id)\n"
	"      redis.call('ZADD', KEYS[k], id, id)\n"
	"      redis.call('HINCRBY', KEYS[3], 'sources', 1)\n"
	"      redis.call('HINCRBY', KEYS[3], 'words', w)\n"
	"      redis.call('HINCRBY', KEYS[3], 'shingles', ns)\n"
	"      redis.call('HINCRBY', KEYS[3], 'band_keys', nk)\n"
	"      redis.call('HINCRBY', KEYS[3], 'text_bytes', tl)\n"
	"    end\n"
	"  elseif redis.call('ZREM', KEYS[2], id) == 1 then\n"
	"    if redis.call('HGET', KEYS[1], h) == id then redis.call('HDEL', KEYS[1], h) end\n"
	"    redis.call('ZREM', KEYS[k], id)\n"
	"    redis.call('HINCRBY', KEYS[3], 'sources', -1)\n"
	"    redis.call('HINCRBY', KEYS[3], 'words', -w)\n"
	"    redis.call('HINCRBY', KEYS[3], 'shingles', -ns)\n"
	"    redis.call('HINCRBY', KEYS[3], 'band_keys', -nk)\n"
	"    redis.call('HINCRBY', KEYS[3], 'text_bytes', -tl)\n"
	"  end\n"
	"  out[#out + 1] = r\n"
	"  k = k + 1\n"
	"end\n"
	"return out\n";

/* Writes the meta hash if there is none (concurrent creators agree). */
static const char create_lua[] =
	"if redis.call('EXISTS', KEYS[1]) == 0 then\n"
	"  redis.call('HSET', KEYS[1], 'magic', ARGV[1], 'schema', ARGV[2], 'fingerprint', ARGV[3],\n"
	"             'gen', ARGV[4])\n"
	"end\n"
	"return 0\n";

/* What both posting scripts share.  ARGV[1] says how the index keeps the
 * ids of a passage key past INLINE_IDS (its overflow): 'p' (schemas 4 and 5) a
 * string of the ids, 4 bytes each, big-endian, ascending; 's' (schemas 2
 * and 3) a set of the ids as integers.  Then for each (field, id) pair of
 * ARGV: the passage key's four fields in parts, and o, the name of its
 * overflow when it has moved to one (field's value 'o' + count, 5 bytes).
 * A new id is most often the highest (ids grow): it is appended (APPEND:
 * the string is not rewritten, and Redis gives a string it grows room for
 * twice its length, so an id takes 4 to 8 bytes, about 5.5 on average);
 * otherwise, and to take an id away, its place is found by binary search
 * and the string written anew.  o_add gives the overflow's count after the
 * add, or nil when it held the id already.
 * A set of more than set-max-intset-entries (512) ids becomes a hash table
 * of some 40 bytes an id. */
#define POST_OVERFLOW \
	"local packed = ARGV[1] == 'p'\n" \
	"local function pk_find(s, x)\n" \
	"  local lo, hi = 1, #s / 4 + 1\n" \
	"  while lo < hi do\n" \
	"    local m = math.floor((lo + hi) / 2)\n" \
	"    if (struct.unpack('>I4', s, 4 * m - 3)) < x then lo = m + 1 else hi = m end\n" \
	"  end\n" \
	"  return lo, lo <= #s / 4 and (struct.unpack('>I4', s, 4 * lo - 3)) == x\n" \
	"end\n" \
	"local function o_add(o, x)\n" \
	"  if not packed then\n" \
	"    if redis.call('SADD', o, x) == 0 then return nil end\n" \
	"    return redis.call('SCARD', o)\n" \
	"  end\n" \
	"  local last = redis.call('GETRANGE', o, -4, -1)\n" \
	"  if #last < 4 or (struct.unpack('>I4', last)) < x then\n" \
	"    return redis.call('APPEND', o, struct.pack('>I4', x)) / 4\n" \
	"  end\n" \
	"  local s = redis.call('GET', o) or ''\n" \
	"  local p, has = pk_find(s, x)\n" \
	"  if has then return nil end\n" \
	"  redis.call('SET', o, string.sub(s, 1, 4 * p - 4) .. struct.pack('>I4', x) .. string.sub(s, 4 * p - 3))\n" \
	"  return #s / 4 + 1\n" \
	"end\n" \
	"local function o_rem(o, x)\n" \
	"  if not packed then return redis.call('SREM', o, x) end\n" \
	"  local s = redis.call('GET', o) or ''\n" \
	"  local p, has = pk_find(s, x)\n" \
	"  if not has then return 0 end\n" \
	"  s = string.sub(s, 1, 4 * p - 4) .. string.sub(s, 4 * p + 1)\n" \
	"  if #s == 0 then redis.call('DEL', o) else redis.call('SET', o, s) end\n" \
	"  return 1\n" \
	"end\n" \
	"local function o_count(o)\n" \
	"  if packed then return redis.call('STRLEN', o) / 4 end\n" \
	"  return redis.call('SCARD', o)\n" \
	"end\n" \
	"local function o_members(o)\n" \
	"  if not packed then return redis.call('SMEMBERS', o) end\n" \
	"  local s, t = redis.call('GET', o) or '', {}\n" \
	"  for j = 1, #s, 4 do t[#t + 1] = (struct.unpack('>I4', s, j)) end\n" \
	"  return t\n" \
	"end\n" \
	"local function o_new(o, t)\n" \
	"  if not packed then\n" \
	"    for _, x in ipairs(t) do redis.call('SADD', o, x) end\n" \
	"    return\n" \
	"  end\n" \
	"  table.sort(t)\n" \
	"  local u = {}\n" \
	"  for i, x in ipairs(t) do\n" \
	"    if i == 1 or x ~= t[i - 1] then u[#u + 1] = struct.pack('>I4', x) end\n" \
	"  end\n" \
	"  redis.call('SET', o, table.concat(u))\n" \
	"end\n" \
	"for i = 2, #ARGV, 2 do\n" \
	"  local f, id = ARGV[i], ARGV[i + 1]\n" \
	"  local names = {f, f .. '\\1', f .. '\\2', f .. '\\3'}\n" \
	"  local parts = redis.call('HMGET', b, names[1], names[2], names[3], names[4])\n" \
	"  if parts[1] and #parts[1] == 5 then\n" \
	"    local o = b .. 'o' .. f\n"

/* Puts ids under passage keys of one bucket (KEYS[1]).  ARGV: the
 * overflow's kind, then pairs (field, id as 4 bytes little-endian).  A
 * passage key's ids fill up to 4 fields of CHUNK_IDS (14) ids each (56 bytes, under
 * hash-max-listpack-value): field, field .. "\\1", "\\2", "\\3", all read
 * with one HMGET.  The 57th moves them all to the overflow KEYS[1] .. 'o'
 * .. field (same hash tag, so same slot) and field's value becomes 'o' +
 * their count (4 bytes): a key that a query leaves out (more than 48 ids)
 * whatever the ids are. */
static const char post_add_lua[] =
	"local b = KEYS[1]\n"
	POST_OVERFLOW
	"    local n = o_add(o, (struct.unpack('<I4', id)))\n"
	"    if n then redis.call('HSET', b, f, 'o' .. struct.pack('<I4', n)) end\n"
	"  else\n"
	"    local has, free = false, nil\n"
	"    for k = 1, 4 do\n"
	"      local v = parts[k] or ''\n"
	"      for j = 1, #v, 4 do\n"
	"        if string.sub(v, j, j + 3) == id then has = true end\n"
	"      end\n"
	"      if not free and #v < 4 * " NUM(CHUNK_IDS) " then free = k end\n"
	"    end\n"
	"    if not has and free then\n"
	"      redis.call('HSET', b, names[free], (parts[free] or '') .. id)\n"
	"    elseif not has then\n"
	"      local o, t = b .. 'o' .. f, {(struct.unpack('<I4', id))}\n"
	"      for k = 1, 4 do\n"
	"        local v = parts[k] or ''\n"
	"        for j = 1, #v, 4 do t[#t + 1] = (struct.unpack('<I4', v, j)) end\n"
	"      end\n"
	"      o_new(o, t)\n"
	"      redis.call('HDEL', b, names[2], names[3], names[4])\n"
	"      redis.call('HSET', b, f, 'o' .. struct.pack('<I4', o_count(o)))\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return 0\n";

/* Takes ids from under passage keys of one bucket (same ARGV); an
 * overflow down to INLINE_IDS ids goes back into the fields. */
static const char post_rem_lua[] =
	"local b = KEYS[1]\n"
	POST_OVERFLOW
	"    o_rem(o, (struct.unpack('<I4', id)))\n"
	"    local n = o_count(o)\n"
	"    if n <= " NUM(INLINE_IDS) " then\n"
	"      local t = {'', '', '', ''}\n"
	"      for k, x in ipairs(o_members(o)) do\n"
	"        local p = math.floor((k - 1) / " NUM(CHUNK_IDS) ") + 1\n"
	"        t[p] = t[p] .. struct.pack('<I4', tonumber(x))\n"
	"      end\n"
	"      redis.call('DEL', o)\n"
	"      redis.call('HDEL', b, f)\n"
	"      for k = 1, 4 do\n"
	"        if #t[k] > 0 then redis.call('HSET', b, names[k], t[k]) end\n"
	"      end\n"
	"    else\n"
	"      redis.call('HSET', b, f, 'o' .. struct.pack('<I4', n))\n"
	"    end\n"
	"  else\n"
	"    for k = 1, 4 do\n"
	"      local v = parts[k] or ''\n"
	"      for j = 1, #v, 4 do\n"
	"        if string.sub(v, j, j + 3) == id then\n"
	"          v = string.sub(v, 1, j - 1) .. string.sub(v, j + 4)\n"
	"          if #v == 0 then redis.call('HDEL', b, names[k]) else redis.call('HSET', b, names[k], v) end\n"
	"          break\n"
	"        end\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return 0\n";

/* Sets the live mark (first byte) of the record KEYS[1] to ARGV[1], if the
 * record is there (SETRANGE alone would create it). */
static const char mark_lua[] =
	"if redis.call('EXISTS', KEYS[1]) == 1 then\n"
	"  return redis.call('SETRANGE', KEYS[1], 0, ARGV[1])\n"
	"end\n"
	"return 0\n";

struct node {
	char host[128];
	int port;
	redisContext *c;
	char run_id[48];   /* the server's run_id when first connected ("" unknown) */
	int restarted;     /* a reconnection found another run_id */
};

/* A source added or removed in the open transaction. */
struct pend {
	int64_t id;
	char hash[33];
	char *name;
	uint64_t words, nset, len;
	size_t nkeys;
	uint64_t *keys;      /* malloc'd with the entry */
};

/* An immutable copy of a source's fields and set (ids are never reused). */
struct centry {
	int64_t id;
	const char *name, *date;
	char hash[33];
	uint64_t words;
	size_t nset;
	uint32_t *set;
};

struct rstore {
	struct ds_store base;
	char *uri;          /* the address for messages: options cut, password starred */
	char user[128], pass[256]; /* redis://[USER]:PASSWORD@HOST: AUTH on connecting */
	int db, readonly, cluster;
	int schema;         /* its key layout (SCHEMA_MIN..SCHEMA): rec_version, field_len
			     * and packed_overflows follow from it */
	int timeout_ms, retry;
	int wait_replicas;  /* ?wait=N: a commit waits for N replicas of each shard */
	int wait_ms;        /* ?wait_ms=MS: for at most this long (default 1000) */
	char gen[40];      /* {ds}:meta gen when opened ("" for an index without one) */
	int check_gen;     /* the next pipeline checks gen (armed by read_begin) */
	/* SHA1 of the scripts a writer sends once per passage key or source
	 * (EVALSHA), loaded on every node when it connects */
	char sha[3][48];
	struct node node[MAX_NODES];
	int nnodes;
	uint8_t slot[NSLOTS];
	/* the open transaction */
	int in_tx;
	struct pend *add, *rem;
	size_t nadd, capadd, nrem, caprem;
	/* adds of the last commit that lost to another writer's same text:
	 * pairs (staged id, that writer's id) */
	int64_t *merged;
	size_t nmerged, capmerged;
	/* the highest id given out when last seen ({ds}:next): the look-ups
	 * read the generations up to its one */
	int64_t maxid;
	/* decoded records, sets and texts */
	struct ds_srcrec rec;
	uint32_t *setbuf;
	size_t setcap;
	char *textbuf;
	size_t textcap;
	/* cache of sources: open addressing on id */
	struct centry **cache;
	size_t ccap, cused, cbytes;
};

/* ---- small helpers ---- */

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}


static void put32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ids of a packed overflow are big-endian, so that their bytes sort as
 * they do. */
static uint32_t get32be(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}



/* CRC16-CCITT (XMODEM), the hash of Redis Cluster key slots. */
static uint16_t crc16(const char *p, size_t n)
{
	uint16_t crc = 0;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)((unsigned char)p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

/* The cluster slot of a key: of its hash tag {...} if it has a non-empty one. */
static int key_slot(const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k[i] == '{') {
			for (size_t j = i + 1; j < n; j++)
				if (k[j] == '}') {
					if (j > i + 1)
						return crc16(k + i + 1, j - i - 1) & (NSLOTS - 1);
					break;
				}
			break;
		}
	return crc16(k, n) & (NSLOTS - 1);
}

static int slot_of(const char *k)
{
	return key_slot(k, strlen(k));
}

static int src_key(char *buf, size_t n, int64_t id)
{
	return snprintf(buf, n, "{src:%lld}", (long long)id);
}

static int text_key(char *buf, size_t n, int64_t id)
{
	return snprintf(buf, n, "{src:%lld}t", (long long)id);
}

/* The registry bucket of a content hash (its first two hex digits). */
static int rbucket(const char *hash)
{
	unsigned v = 0;
	for (int i = 0; i < 2; i++) {
		char c = hash[0] ? hash[i] : '0';
		v = v << 4 | (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
	}
	return (int)(v & (RBUCKETS - 1));
}

#define REG_KEY_MAX 40
static void reg_key_s(char buf[REG_KEY_MAX], int b, const char *what)
{
	snprintf(buf, REG_KEY_MAX, "{ds:%02x}:%s", b, what);
}

/* log2 of the ids of generation 0: 2^14 from schema 5, 2^10 before. */
static int gen0_log2(const struct rstore *s)
{
	return s->schema >= 5 ? 14 : 10;
}

/* The generation of an id: 0 for 1..N (N = 2^gen0_log2), then G for the
 * ids in (N * 2^(G-1), N * 2^G]. */
static int gen_of(const struct rstore *s, int64_t id)
{
	int bits = 0, b0 = gen0_log2(s);
	if (id <= (int64_t)1 << b0)
		return 0;
	for (uint64_t v = (uint64_t)(id - 1); v; v >>= 1)
		bits++;
	return bits - b0;
}

/* Bits of the passage key that choose a bucket in generation g: two
 * buckets an id of a full generation. */
static int gen_bits(const struct rstore *s, int g)
{
	return gen0_log2(s) + 1 + (g > 0 ? g - 1 : 0);
}

/* Bytes of a passage key's field in generation g: from schema 3, the low 32
 * bits of the key (with the bucket's 11 bits or more, 15 from schema 5, 43
 * bits or more of it tell keys apart: two of a bucket's 35 share a field
 * once in 2^32 pairs, and share their postings then); schema 2, all its
 * bits below the bucket's (6 or 7 bytes). */
static size_t field_len(const struct rstore *s, int g)
{
	return s->schema >= 3 ? 4 : (size_t)(64 - gen_bits(s, g) + 7) / 8;
}

/* The record version its schema holds (srcrec.h): 2 from schema 3 on. */
static int rec_version(const struct rstore *s)
{
	return s->schema >= 3 ? 2 : 1;
}

/* Does the index keep a passage key's ids past INLINE_IDS packed in a
 * string (from schema 4), not in a set? */
static int packed_overflows(const struct rstore *s)
{
	return s->schema >= 4;
}

/* How the index keeps the ids of a passage key past INLINE_IDS, as the
 * posting scripts' ARGV[1] says it: 'p' a packed string, 's' a set. */
static const char *overflow_kind(const struct rstore *s)
{
	return packed_overflows(s) ? "p" : "s";
}

/* Do passage keys a and b have one posting in generation g (one bucket,
 * one field)? */
static int same_posting(const struct rstore *s, int g, uint64_t a, uint64_t b)
{
	int bits = gen_bits(s, g);
	if (field_len(s, g) * 8 >= (size_t)(64 - bits))
		return a == b;
	return a >> (64 - bits) == b >> (64 - bits) && (uint32_t)a == (uint32_t)b;
}

/* A passage key in generation g: its bucket's key (returns its length)
 * and its field there (*flen bytes of the key's bits below the prefix,
 * from the lowest). */
static size_t post_key(const struct rstore *s, char bk[32], unsigned char field[8], size_t *flen,
		       int g, uint64_t key)
{
	int bits = gen_bits(s, g);
	uint64_t low = key & ((1ull << (64 - bits)) - 1);
	*flen = field_len(s, g);
	for (size_t i = 0; i < *flen; i++)
		field[i] = (unsigned char)(low >> (8 * i));
	return (size_t)snprintf(bk, 32, "{p%d:%llx}", g, (unsigned long long)(key >> (64 - bits)));
}

static int parse_i64(const redisReply *r, int64_t *v)
{
	char *end;
	if (r->type == REDIS_REPLY_INTEGER) {
		*v = r->integer;
		return 0;
	}
	if (r->type != REDIS_REPLY_STRING || r->len == 0)
		return -1;
	*v = strtoll(r->str, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* ---- connections ---- */

static void drop_all(struct rstore *s)
{
	for (int i = 0; i < s->nnodes; i++)
		if (s->node[i].c) {
			redisFree(s->node[i].c);
			s->node[i].c = NULL;
		}
}

static struct timeval ms_tv(int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	return tv;
}

void ds_redis_node_name(const char *host, int port, char *out, size_t cap)
{
	if (!port)
		snprintf(out, cap, "%s", host);
	else
		snprintf(out, cap, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
}

struct redisContext *ds_redis_connect(const char *host, int port, int timeout_ms)
{
	return port ? redisConnectWithTimeout(host, port, ms_tv(timeout_ms))
		    : redisConnectUnixWithTimeout(host, ms_tv(timeout_ms));
}

/* Runs one command of a connection's set-up: 0, or -1 with the server's
 * answer (or the connection's error) in why. */
static int setup_reply(struct redisContext *c, redisReply *r, char *why, size_t cap)
{
	int rc = !r || r->type == REDIS_REPLY_ERROR ? -1 : 0;
	if (rc)
		snprintf(why, cap, "%s", r ? r->str : c->errstr);
	if (r)
		freeReplyObject(r);
	return rc;
}

int ds_redis_auth(struct redisContext *c, const char *user, const char *pass, char *why,
		  size_t cap)
{
	if (!pass[0])
		return 0;
	return setup_reply(c, user[0] ? redisCommand(c, "AUTH %s %s", user, pass)
				       : redisCommand(c, "AUTH %s", pass),
			   why, cap);
}

int ds_redis_select(struct redisContext *c, int db, char *why, size_t cap)
{
	return db > 0 ? setup_reply(c, redisCommand(c, "SELECT %d", db), why, cap) : 0;
}

static int conn_fail(struct rstore *s, struct node *nd, const char *what, struct ds_err *err)
{
	const char *why = nd->c && nd->c->errstr[0] ? nd->c->errstr : "no answer";
	char name[160];
	ds_redis_node_name(nd->host, nd->port, name, sizeof name);
	if (nd->c && nd->c->err == REDIS_ERR_IO &&
	    (strcmp(why, strerror(EAGAIN)) == 0 || strcmp(why, strerror(ETIMEDOUT)) == 0))
		ds_err_set(err, DS_EIO, "index %s: %s did not answer within %d ms", s->uri, name,
			   s->timeout_ms);
	else
		ds_err_set(err, DS_EIO, "index %s: %s %s: %s", s->uri, what, name, why);
	return DS_EIO;
}

static const char post_add_lua[], post_rem_lua[], mark_lua[];

/* SCRIPT LOAD of the scripts sent with EVALSHA (a server forgets them when
 * it restarts, and a promoted replica may never have had them). */
static int load_scripts(struct rstore *s, struct node *nd, struct ds_err *err)
{
	const char *body[3] = {post_add_lua, post_rem_lua, mark_lua};
	for (int i = 0; i < 3; i++)
		redisAppendCommand(nd->c, "SCRIPT LOAD %s", body[i]);
	for (int i = 0; i < 3; i++) {
		redisReply *r = NULL;
		if (redisGetReply(nd->c, (void **)&r) != REDIS_OK || !r)
			return conn_fail(s, nd, "connection lost to", err);
		if (r->type == REDIS_REPLY_STRING)
			snprintf(s->sha[i], sizeof s->sha[i], "%s", r->str);
		freeReplyObject(r);
	}
	return 0;
}

/* Drops nd's new connection after a refusal (r, may be NULL, freed):
 * DS_EINVAL. */
static int connect_refused(struct node *nd, redisReply *r)
{
	if (r)
		freeReplyObject(r);
	redisFree(nd->c);
	nd->c = NULL;
	return DS_EINVAL;
}

static int node_connect(struct rstore *s, struct node *nd, struct ds_err *err)
{
	redisReply *r;
	char why[256];
	if (nd->c)
		return 0;
	nd->c = ds_redis_connect(nd->host, nd->port,
				 s->timeout_ms < CONNECT_MS ? s->timeout_ms : CONNECT_MS);
	if (!nd->c || nd->c->err) {
		if (!nd->c)
			return ds_err_set(err, DS_ENOMEM, "out of memory connecting to %s", s->uri);
		conn_fail(s, nd, "cannot connect to", err);
		redisFree(nd->c);
		nd->c = NULL;
		return DS_EIO;
	}
	redisSetTimeout(nd->c, ms_tv(s->timeout_ms > 0 ? s->timeout_ms : 1));
	if (nd->port) /* TCP's: on a Unix socket it fails, leaving the context in error */
		redisEnableKeepAlive(nd->c);
	if (ds_redis_auth(nd->c, s->user, s->pass, why, sizeof why)) {
		ds_err_set(err, DS_EINVAL, "index %s: the server refused the password: %s", s->uri,
			   why);
		return connect_refused(nd, NULL);
	}
	/* the server's run_id: another one after a reconnection is a restart */
	r = redisCommand(nd->c, "INFO server");
	if (r && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOAUTH", 6) == 0) {
		ds_err_set(err, DS_EINVAL,
			   "index %s: the server asks for a password: give it in the address (redis://[USER]:PASSWORD@HOST[:PORT])",
			   s->uri);
		return connect_refused(nd, r);
	}
	if (r && r->type == REDIS_REPLY_STRING) {
		const char *ri = strstr(r->str, "run_id:");
		char id[48];
		size_t l;
		if (ri) {
			ri += strlen("run_id:");
			l = strcspn(ri, "\r\n");
			snprintf(id, sizeof id, "%.*s", (int)(l < sizeof id ? l : sizeof id - 1), ri);
			if (nd->run_id[0] && strcmp(nd->run_id, id) != 0)
				nd->restarted = 1;
			snprintf(nd->run_id, sizeof nd->run_id, "%s", id);
		}
	}
	if (r)
		freeReplyObject(r);
	if (!s->readonly && load_scripts(s, nd, err) != 0) {
		redisFree(nd->c);
		nd->c = NULL;
		return DS_EIO;
	}
	if (ds_redis_select(nd->c, s->db, why, sizeof why)) {
		ds_err_set(err, DS_EINVAL, "index %s: cannot select database %d: %s", s->uri, s->db,
			   why);
		return connect_refused(nd, NULL);
	}
	return 0;
}

static int find_node(struct rstore *s, const char *host, size_t hlen, int port)
{
	for (int i = 0; i < s->nnodes; i++)
		if (s->node[i].port == port && strlen(s->node[i].host) == hlen &&
		    memcmp(s->node[i].host, host, hlen) == 0)
			return i;
	if (s->nnodes == MAX_NODES || hlen >= sizeof s->node[0].host)
		return -1;
	memcpy(s->node[s->nnodes].host, host, hlen);
	s->node[s->nnodes].host[hlen] = '\0';
	s->node[s->nnodes].port = port;
	s->node[s->nnodes].c = NULL;
	return s->nnodes++;
}

/* Reads the slot map from the first node that answers CLUSTER SLOTS.
 * Sets s->cluster to 0 when the server has cluster support disabled. */
static int load_slots(struct rstore *s, struct ds_err *err)
{
	int rc = DS_EIO;
	for (int i = 0; i < s->nnodes; i++) {
		struct node *nd = &s->node[i];
		redisReply *r;
		if ((rc = node_connect(s, nd, err)) != 0)
			continue;
		r = redisCommand(nd->c, "CLUSTER SLOTS");
		if (!r) {
			rc = conn_fail(s, nd, "connection lost to", err);
			redisFree(nd->c);
			nd->c = NULL;
			continue;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			int disabled = strstr(r->str, "cluster support disabled") != NULL;
			rc = disabled ? 0 : ds_err_set(err, DS_EDB, "index %s: CLUSTER SLOTS: %s",
						       s->uri, r->str);
			freeReplyObject(r);
			if (disabled) {
				s->cluster = 0;
				if (i > 0) {
					/* the server is the node that answered, not
					 * the ones before it that did not */
					struct node t = s->node[0];
					s->node[0] = s->node[i];
					s->node[i] = t;
					if (err)
						memset(err, 0, sizeof *err);
				}
				return 0;
			}
			continue;
		}
		if (r->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);
			continue;
		}
		s->cluster = 1;
		memset(s->slot, NO_NODE, sizeof s->slot);
		for (size_t k = 0; k < r->elements; k++) {
			redisReply *e = r->element[k], *m;
			const char *host;
			size_t hlen;
			int ni;
			if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
			    e->element[2]->type != REDIS_REPLY_ARRAY || e->element[2]->elements < 2)
				continue;
			m = e->element[2];
			host = m->element[0]->type == REDIS_REPLY_STRING ? m->element[0]->str : "";
			hlen = strlen(host);
			if (hlen == 0 || strcmp(host, "?") == 0) { /* unknown: the node we asked */
				host = nd->host;
				hlen = strlen(host);
			}
			ni = find_node(s, host, hlen, (int)m->element[1]->integer);
			if (ni < 0)
				continue;
			for (long long sl = e->element[0]->integer;
			     sl <= e->element[1]->integer && sl < NSLOTS; sl++)
				if (sl >= 0)
					s->slot[sl] = (uint8_t)ni;
		}
		freeReplyObject(r);
		return 0;
	}
	return rc;
}

/* Does node i serve the index: the server, or a master of some slots (not
 * a replica, nor a node named in the address that lost its slots)? */
static int serves(struct rstore *s, int i)
{
	if (!s->cluster)
		return i == 0;
	for (int k = 0; k < NSLOTS; k++)
		if (s->slot[k] == i)
			return 1;
	return 0;
}

/* ---- pipelines: commands to one or several shards, replies in order ---- */

struct pcmd {
	char *buf; /* the command in protocol form */
	int len;
	int slot;
	int node;
	redisReply *r;
};

struct pipe {
	struct pcmd *c;
	size_t n, cap;
};

struct arg {
	const char *p;
	size_t n;
};

#define S(str) ((struct arg){(str), strlen(str)})
#define B(ptr, len) ((struct arg){(const char *)(ptr), (len)})
#define ARGS(...) (int)(sizeof((struct arg[]){__VA_ARGS__}) / sizeof(struct arg)), \
		  (struct arg[]){__VA_ARGS__}

static void pipe_reset(struct pipe *p)
{
	for (size_t i = 0; i < p->n; i++) {
		redisFreeCommand(p->c[i].buf);
		if (p->c[i].r)
			freeReplyObject(p->c[i].r);
	}
	p->n = 0;
}

static void pipe_free(struct pipe *p)
{
	pipe_reset(p);
	free(p->c);
	p->c = NULL;
	p->cap = 0;
}

/* Queues a command; slot is the slot of its key (-1: any node). */
static int pipe_add(struct pipe *p, int slot, int argc, const struct arg *a)
{
	const char *argv[24];
	size_t lens[24];
	char *buf;
	int len;
	if (argc > 24)
		return DS_EINVAL;
	for (int i = 0; i < argc; i++) {
		argv[i] = a[i].p;
		lens[i] = a[i].n;
	}
	if (ds_grow(&p->c, &p->cap, p->n + 1, sizeof *p->c))
		return DS_ENOMEM;
	if ((len = redisFormatCommandArgv(&buf, argc, argv, lens)) < 0)
		return DS_ENOMEM;
	p->c[p->n].buf = buf;
	p->c[p->n].len = len;
	p->c[p->n].slot = slot;
	p->c[p->n].node = 0;
	p->c[p->n].r = NULL;
	p->n++;
	return 0;
}

/* Queues a command with many arguments (EVAL of a large commit). */
static int pipe_addv(struct pipe *p, int slot, int argc, const char **argv, const size_t *lens)
{
	char *buf;
	int len;
	if (ds_grow(&p->c, &p->cap, p->n + 1, sizeof *p->c))
		return DS_ENOMEM;
	if ((len = redisFormatCommandArgv(&buf, argc, argv, lens)) < 0)
		return DS_ENOMEM;
	p->c[p->n] = (struct pcmd){buf, len, slot, 0, NULL};
	p->n++;
	return 0;
}

static int node_of(struct rstore *s, int slot)
{
	if (!s->cluster || slot < 0 || s->slot[slot] == NO_NODE)
		return 0;
	return s->slot[slot];
}

/* "MOVED 3999 127.0.0.1:6381" or "ASK ...": the node index, or -1. */
static int redirect_node(struct rstore *s, const char *msg)
{
	const char *sp = strchr(msg, ' '), *addr, *colon;
	if (!sp || !(addr = strchr(sp + 1, ' ')))
		return -1;
	addr++;
	if (!(colon = strrchr(addr, ':')))
		return -1;
	return find_node(s, addr, (size_t)(colon - addr), atoi(colon + 1));
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Runs every queued command that has no reply yet.  Connection failures
 * drop every connection and, with s->retry > 0, reconnect and resend up
 * to retry times with a growing pause; MOVED re-reads the slot map; ASK
 * sends ASKING and the command to the node named.  Error replies other
 * than redirections are left in the replies for the caller. */
static int pipe_exec(struct rstore *s, struct pipe *p, struct ds_err *err)
{
	int attempt = 0, redirects = 0;
	for (;;) {
		int lost = 0, moved = 0, rc = 0;
		s->base.round_trips++;
		for (size_t i = 0; i < p->n && !lost; i++) {
			struct pcmd *c = &p->c[i];
			if (c->r)
				continue;
			c->node = node_of(s, c->slot);
			if ((rc = node_connect(s, &s->node[c->node], err)) != 0) {
				if (rc != DS_EIO)
					return rc;
				lost = 1;
				break;
			}
			if (redisAppendFormattedCommand(s->node[c->node].c, c->buf, (size_t)c->len) !=
			    REDIS_OK)
				return ds_err_set(err, DS_ENOMEM, "out of memory talking to %s", s->uri);
		}
		for (size_t i = 0; i < p->n && !lost; i++) {
			struct pcmd *c = &p->c[i];
			struct node *nd = &s->node[c->node];
			void *rv = NULL;
			if (c->r)
				continue;
			if (redisGetReply(nd->c, &rv) != REDIS_OK || !rv) {
				conn_fail(s, nd, "connection lost to", err);
				lost = 1;
				break;
			}
			c->r = rv;
			if (c->r->type != REDIS_REPLY_ERROR)
				continue;
			if (starts(c->r->str, "MOVED ") || starts(c->r->str, "TRYAGAIN") ||
			    starts(c->r->str, "CLUSTERDOWN")) {
				if (starts(c->r->str, "MOVED "))
					redirect_node(s, c->r->str);
				freeReplyObject(c->r);
				c->r = NULL;
				moved = 1;
			} else if (starts(c->r->str, "LOADING") && attempt < s->retry) {
				freeReplyObject(c->r);
				c->r = NULL;
				moved = 2;
			} else if (starts(c->r->str, "NOSCRIPT") && attempt <= s->retry) {
				/* the script cache was emptied (SCRIPT FLUSH): load again
				 * after this round's replies are read */
				freeReplyObject(c->r);
				c->r = NULL;
				moved = 3;
			}
		}
		if (lost) {
			drop_all(s);
			if (attempt >= s->retry)
				return DS_EIO;
			sleep_ms(attempt < 4 ? 100 << attempt : 1000);
			attempt++;
			if (s->cluster)
				load_slots(s, NULL);
			continue;
		}
		if (!moved) {
			/* a reconnection that came through leaves no message of
			 * the attempts before it: the caller's err is for failures */
			if (attempt && err && err->code == DS_EIO)
				memset(err, 0, sizeof *err);
			break;
		}
		if (moved == 2) {
			sleep_ms(attempt < 4 ? 100 << attempt : 1000);
			attempt++;
			continue;
		}
		if (moved == 3) {
			for (int i = 0; i < s->nnodes; i++)
				if (s->node[i].c && (rc = load_scripts(s, &s->node[i], err)) != 0) {
					drop_all(s);
					return rc;
				}
			attempt++;
			continue;
		}
		if (++redirects > MAX_REDIRECTS)
			return ds_err_set(err, DS_EDB, "index %s: too many cluster redirections", s->uri);
		if (redirects > 1)
			sleep_ms(50 * redirects);
		if ((rc = load_slots(s, err)) != 0)
			return rc;
	}
	/* ASK redirections: send ASKING then the command to that node. */
	for (size_t i = 0; i < p->n; i++) {
		struct pcmd *c = &p->c[i];
		int ni;
		void *rv = NULL;
		if (!c->r || c->r->type != REDIS_REPLY_ERROR || !starts(c->r->str, "ASK "))
			continue;
		if ((ni = redirect_node(s, c->r->str)) < 0 || node_connect(s, &s->node[ni], err))
			return ds_err_set(err, DS_EIO, "index %s: cannot follow %s", s->uri, c->r->str);
		freeReplyObject(c->r);
		c->r = NULL;
		s->base.round_trips++;
		redisAppendCommand(s->node[ni].c, "ASKING");
		redisAppendFormattedCommand(s->node[ni].c, c->buf, (size_t)c->len);
		if (redisGetReply(s->node[ni].c, &rv) != REDIS_OK) {
			conn_fail(s, &s->node[ni], "connection lost to", err);
			drop_all(s);
			return DS_EIO;
		}
		freeReplyObject(rv);
		rv = NULL;
		if (redisGetReply(s->node[ni].c, &rv) != REDIS_OK || !rv) {
			conn_fail(s, &s->node[ni], "connection lost to", err);
			drop_all(s);
			return DS_EIO;
		}
		c->r = rv;
	}
	return 0;
}

/* The reply of command i, or an error (an error reply of the server). */
static int reply_ok(struct rstore *s, struct pipe *p, size_t i, struct ds_err *err)
{
	redisReply *r = p->c[i].r;
	if (!r)
		return ds_err_set(err, DS_EIO, "index %s: no reply", s->uri);
	if (r->type == REDIS_REPLY_ERROR) {
		if (starts(r->str, "OOM"))
			return ds_err_set(err, DS_ENOMEM, "index %s: server out of memory: %s", s->uri,
					  r->str);
		return ds_err_set(err, DS_EDB, "index %s: %s", s->uri, r->str);
	}
	return 0;
}

static int no_mem(struct rstore *s, struct ds_err *err)
{
	return ds_err_set(err, DS_ENOMEM, "out of memory using index %s", s->uri);
}

static int same_index(struct rstore *s, const redisReply *r, struct ds_err *err);

/* Runs the queued commands (pipe_exec).  The first pipeline of a query
 * (read_begin arms it) also reads the meta hash, in the same round trip,
 * to make sure the index is still the one opened: a FLUSHALL or a server
 * restarted without its data must fail the query, not find no source. */
static int pipe_run(struct rstore *s, struct pipe *p, struct ds_err *err)
{
	size_t g = p->n;
	int rc;
	if (!s->check_gen)
		return pipe_exec(s, p, err);
	if (pipe_add(p, slot_of(K_META), ARGS(S("HMGET"), S(K_META), S("magic"), S("gen"))))
		return no_mem(s, err);
	rc = pipe_exec(s, p, err);
	if (rc == 0 && (rc = reply_ok(s, p, g, err)) == 0)
		rc = same_index(s, p->c[g].r, err);
	redisFreeCommand(p->c[g].buf);
	if (p->c[g].r)
		freeReplyObject(p->c[g].r);
	p->n = g;
	if (rc == 0)
		s->check_gen = 0;
	return rc;
}

/* Runs one command alone; *r is owned by p until pipe_reset/pipe_free. */
static int call(struct rstore *s, struct pipe *p, int slot, int argc, const struct arg *a,
		redisReply **r, struct ds_err *err)
{
	int rc;
	pipe_reset(p);
	if (pipe_add(p, slot, argc, a))
		return ds_err_set(err, DS_ENOMEM, "out of memory talking to %s", s->uri);
	if ((rc = pipe_run(s, p, err)) != 0 || (rc = reply_ok(s, p, 0, err)) != 0)
		return rc;
	*r = p->c[0].r;
	return 0;
}


/* ---- cache ---- */

static struct centry *cache_get(struct rstore *s, int64_t id)
{
	if (!s->ccap)
		return NULL;
	for (size_t j = ds_mix64((uint64_t)id) & (s->ccap - 1); s->cache[j];
	     j = (j + 1) & (s->ccap - 1))
		if (s->cache[j]->id == id)
			return s->cache[j];
	return NULL;
}

static void cache_put_entry(struct centry **tab, size_t cap, struct centry *e)
{
	size_t j;
	for (j = ds_mix64((uint64_t)e->id) & (cap - 1); tab[j]; j = (j + 1) & (cap - 1))
		;
	tab[j] = e;
}

/* Keeps a copy of src (with its set); silently does nothing when full. */
static void cache_put(struct rstore *s, const struct ds_store_src *src)
{
	size_t nl = strlen(src->name) + 1, dl = strlen(src->date) + 1;
	size_t bytes = sizeof(struct centry) + src->nset * 4 + nl + dl;
	struct centry *e;
	char *p;
	if (s->cbytes + bytes > CACHE_MAX_BYTES || cache_get(s, src->id))
		return;
	if ((s->cused + 1) * 2 > s->ccap) {
		size_t cap = s->ccap ? s->ccap * 2 : 1024;
		struct centry **tab = calloc(cap, sizeof *tab);
		if (!tab)
			return;
		for (size_t i = 0; i < s->ccap; i++)
			if (s->cache[i])
				cache_put_entry(tab, cap, s->cache[i]);
		free(s->cache);
		s->cache = tab;
		s->ccap = cap;
	}
	if (!(e = malloc(bytes)))
		return;
	e->id = src->id;
	e->words = src->words;
	e->nset = src->nset;
	snprintf(e->hash, sizeof e->hash, "%s", src->hash);
	e->set = (uint32_t *)(e + 1);
	if (src->nset)
		memcpy(e->set, src->set, src->nset * 4);
	p = (char *)(e->set + src->nset);
	memcpy(p, src->name, nl);
	e->name = p;
	memcpy(p + nl, src->date, dl);
	e->date = p + nl;
	cache_put_entry(s->cache, s->ccap, e);
	s->cused++;
	s->cbytes += bytes;
}

static void cache_free(struct rstore *s)
{
	for (size_t i = 0; i < s->ccap; i++)
		free(s->cache[i]);
	free(s->cache);
	s->cache = NULL;
	s->ccap = s->cused = s->cbytes = 0;
}

static void cache_src(const struct centry *e, struct ds_store_src *src)
{
	memset(src, 0, sizeof *src);
	src->id = e->id;
	src->name = e->name;
	src->date = e->date;
	src->hash = e->hash;
	src->words = e->words;
	src->set = e->set;
	src->nset = e->nset;
}

/* ---- the open transaction ---- */

static struct pend *pend_find(struct pend *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

static void pend_clear(struct rstore *s)
{
	for (size_t i = 0; i < s->nadd; i++) {
		free(s->add[i].name);
		free(s->add[i].keys);
	}
	for (size_t i = 0; i < s->nrem; i++) {
		free(s->rem[i].name);
		free(s->rem[i].keys);
	}
	s->nadd = s->nrem = 0;
}

static int removed_in_tx(struct rstore *s, int64_t id)
{
	return pend_find(s->rem, s->nrem, id) != NULL;
}

/* How queue_postings puts an id under a passage key or takes it away. */
enum { POST_REM, POST_ADD, POST_NEW };

/* Queues the commands that put id under its passage keys or take it from
 * under them: POST_ADD and POST_REM the scripts; POST_NEW an HSETNX of
 * the key's first field, which does it alone when the key is new in its
 * generation (most keys belong to one source) and answers 0 otherwise,
 * for the script to do it then. */
static int queue_postings(struct rstore *s, struct pipe *p, int64_t id, const uint64_t *keys,
			  size_t nkeys, int how)
{
	unsigned char idb[4], field[8];
	char bk[32];
	size_t flen, blen;
	int g = gen_of(s, id), rc = 0;
	put32le(idb, (uint32_t)id);
	for (size_t k = 0; k < nkeys && rc == 0; k++) {
		blen = post_key(s, bk, field, &flen, g, keys[k]);
		if (how == POST_NEW)
			rc = pipe_add(p, key_slot(bk, blen),
				      ARGS(S("HSETNX"), B(bk, blen), B(field, flen), B(idb, 4)));
		else
			rc = pipe_add(p, key_slot(bk, blen),
				      ARGS(S("EVALSHA"), S(s->sha[how == POST_ADD ? 0 : 1]), S("1"),
					   B(bk, blen), S(overflow_kind(s)), B(field, flen), B(idb, 4)));
	}
	return rc;
}

/* Queues the deletion of a record, its text and its id under its passage
 * keys. */
static int queue_discard(struct rstore *s, struct pipe *p, const struct pend *e)
{
	char key[40], tkey[40];
	int rc;
	src_key(key, sizeof key, e->id);
	text_key(tkey, sizeof tkey, e->id);
	if ((rc = pipe_add(p, slot_of(key), ARGS(S("DEL"), S(key)))) != 0 ||
	    (rc = pipe_add(p, slot_of(tkey), ARGS(S("DEL"), S(tkey)))) != 0)
		return rc;
	return queue_postings(s, p, e->id, e->keys, e->nkeys, POST_REM);
}

/* Queues setting the live mark of a record (if it is there). */
static int queue_mark(struct rstore *s, struct pipe *p, int64_t id, int live)
{
	char key[40];
	src_key(key, sizeof key, id);
	return pipe_add(p, slot_of(key),
			ARGS(S("EVALSHA"), S(s->sha[2]), S("1"), S(key), B(live ? "\1" : "\0", 1)));
}

/* ---- operations ---- */

static int writable(struct rstore *s, struct ds_err *err)
{
	if (s->readonly)
		return ds_err_set(err, DS_EINVAL, "index %s is open read-only", s->uri);
	return 0;
}

static int op_begin(struct ds_store *b, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	int rc;
	if ((rc = writable(s, err)) != 0)
		return rc;
	pend_clear(s);
	s->nmerged = 0;
	s->in_tx = 1;
	return 0;
}

static int64_t op_committed_as(struct ds_store *b, int64_t id)
{
	struct rstore *s = (struct rstore *)b;
	for (size_t i = 0; i < s->nmerged; i++)
		if (s->merged[2 * i] == id)
			return s->merged[2 * i + 1];
	return id;
}

static int op_rollback(struct ds_store *b, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	(void)err;
	for (size_t i = 0; i < s->nadd; i++)
		queue_discard(s, &p, &s->add[i]);
	if (p.n)
		pipe_run(s, &p, NULL); /* best effort: staged records expire anyway */
	pipe_free(&p);
	pend_clear(s);
	s->in_tx = 0;
	return 0;
}

/* Appends s and its terminating NUL. */
static int put_z(struct ds_buf *b, const char *str)
{
	return ds_buf_append(b, str, strlen(str) + 1);
}

/* Appends one publish entry: its name key to names, its 7 values to vals
 * (each NUL-terminated). */
static int publish_args(struct ds_buf *names, struct ds_buf *vals, char op, const struct pend *e)
{
	char v[5][24];
	const char ops[2] = {op, 0};
	snprintf(v[0], sizeof v[0], "%lld", (long long)e->id);
	snprintf(v[1], sizeof v[1], "%llu", (unsigned long long)e->words);
	snprintf(v[2], sizeof v[2], "%llu", (unsigned long long)e->nset);
	snprintf(v[3], sizeof v[3], "%zu", e->nkeys);
	snprintf(v[4], sizeof v[4], "%llu", (unsigned long long)e->len);
	if (ds_buf_printf(names, "{ds:%02x}:n:", rbucket(e->hash)) || put_z(names, e->name) ||
	    put_z(vals, ops) ||
	    put_z(vals, v[0]) || put_z(vals, e->hash) || put_z(vals, v[1]) ||
	    put_z(vals, v[2]) || put_z(vals, v[3]) || put_z(vals, v[4]))
		return DS_ENOMEM;
	return 0;
}

/* WAIT on every shard this handle wrote to: the commit is acknowledged
 * only once wait_replicas replicas of each hold it, so a failover (a
 * replica promoted when its master dies) cannot lose it. */
static int wait_replicas(struct rstore *s, struct ds_err *err)
{
	char n[16], ms[16];
	snprintf(n, sizeof n, "%d", s->wait_replicas);
	snprintf(ms, sizeof ms, "%d", s->wait_ms > 0 ? s->wait_ms : 1000);
	for (int i = 0; i < s->nnodes; i++) {
		redisReply *r;
		char name[160];
		if (!s->node[i].c || !serves(s, i))
			continue;
		s->base.round_trips++;
		r = redisCommand(s->node[i].c, "WAIT %s %s", n, ms);
		if (!r) {
			conn_fail(s, &s->node[i], "connection lost to", err);
			drop_all(s);
			return DS_EIO;
		}
		if (r->type != REDIS_REPLY_INTEGER || r->integer < s->wait_replicas) {
			ds_redis_node_name(s->node[i].host, s->node[i].port, name, sizeof name);
			ds_err_set(err, DS_EIO,
				   "index %s: the commit reached %lld of %d replicas of %s within %s ms: it is on the master but may be lost if it fails over",
				   s->uri, r->type == REDIS_REPLY_INTEGER ? r->integer : 0LL,
				   s->wait_replicas, name, ms);
			freeReplyObject(r);
			return DS_EIO;
		}
		freeReplyObject(r);
	}
	return 0;
}

static int op_commit(struct ds_store *b, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	struct ds_buf names = DS_BUF_INIT, vals = DS_BUF_INIT;
	char nkeys[24];
	const char **argv = NULL;
	size_t *lens = NULL, nent = s->nadd + s->nrem, argc, *order = NULL;
	int64_t *res = NULL; /* per entry: 0, or the id that has its text */
	char key[40];
	int rc = 0;
	redisReply *r;
#define ENT(i) ((i) < s->nadd ? &s->add[i] : &s->rem[(i) - s->nadd])

	if (!s->in_tx)
		return ds_err_set(err, DS_EINVAL, "index %s: no transaction to commit", s->uri);
	if (nent == 0)
		goto done;
	/* 1. make the staged records permanent (they must still be there) */
	for (size_t i = 0; i < s->nadd && rc == 0; i++) {
		char tkey[40];
		src_key(key, sizeof key, s->add[i].id);
		text_key(tkey, sizeof tkey, s->add[i].id);
		rc = pipe_add(&p, slot_of(key), ARGS(S("EXISTS"), S(key), S(tkey)));
		rc = rc ? rc : pipe_add(&p, slot_of(key), ARGS(S("PERSIST"), S(key)));
		rc = rc ? rc : pipe_add(&p, slot_of(tkey), ARGS(S("PERSIST"), S(tkey)));
	}
	/* a removed source stops being live (it is still registered) */
	for (size_t i = 0; i < s->nrem && rc == 0; i++)
		rc = queue_mark(s, &p, s->rem[i].id, 0);
	if (rc) {
		rc = no_mem(s, err);
		goto out;
	}
	if ((rc = pipe_run(s, &p, err)) != 0)
		goto out;
	for (size_t i = 0; i < p.n; i++)
		if ((rc = reply_ok(s, &p, i, err)) != 0)
			goto out;
	for (size_t i = 0; i < s->nadd; i++)
		if (p.c[3 * i].r->integer != 2) {
			rc = ds_err_set(err, DS_EDB,
					"index %s: the staged record of source %lld is gone (the transaction outlived its %s ms)",
					s->uri, (long long)s->add[i].id, STAGE_TTL_MS);
			goto out;
		}
	pipe_reset(&p);

	/* 2. one script per registry bucket registers its adds and
	 * unregisters its removes, all in one round trip */
	if (!(order = malloc(nent * sizeof *order)) || !(res = calloc(nent, sizeof *res))) {
		rc = no_mem(s, err);
		goto out;
	}
	{
		size_t cnt[RBUCKETS + 1] = {0};
		for (size_t i = 0; i < nent; i++)
			cnt[rbucket(ENT(i)->hash) + 1]++;
		for (int b2 = 0; b2 < RBUCKETS; b2++)
			cnt[b2 + 1] += cnt[b2];
		for (size_t i = 0; i < nent; i++)
			order[cnt[rbucket(ENT(i)->hash)]++] = i;
	}
	for (size_t i = 0; i < nent && rc == 0;) {
		int bkt = rbucket(ENT(order[i])->hash);
		size_t m = 0, a = 0;
		const char *q;
		char kh[REG_KEY_MAX], ki[REG_KEY_MAX], ks[REG_KEY_MAX];
		names.len = vals.len = 0;
		while (i + m < nent && rbucket(ENT(order[i + m])->hash) == bkt && rc == 0) {
			size_t e = order[i + m];
			rc = publish_args(&names, &vals, e < s->nadd ? 'a' : 'r', ENT(e));
			m++;
		}
		argc = 6 + m + 7 * m;
		free(argv);
		free(lens);
		if (rc || !(argv = malloc(argc * sizeof *argv)) || !(lens = malloc(argc * sizeof *lens))) {
			rc = no_mem(s, err);
			goto out;
		}
		reg_key_s(kh, bkt, "hash");
		reg_key_s(ki, bkt, "ids");
		reg_key_s(ks, bkt, "stats");
		snprintf(nkeys, sizeof nkeys, "%zu", 3 + m);
		argv[a++] = "EVAL";
		argv[a++] = publish_lua;
		argv[a++] = nkeys;
		argv[a++] = kh;
		argv[a++] = ki;
		argv[a++] = ks;
		for (q = names.data; a < 6 + m; q += strlen(q) + 1)
			argv[a++] = q;
		for (q = vals.data; a < argc; q += strlen(q) + 1)
			argv[a++] = q;
		for (size_t k = 0; k < argc; k++)
			lens[k] = strlen(argv[k]);
		if (pipe_addv(&p, slot_of(ki), (int)argc, argv, lens))
			rc = no_mem(s, err);
		i += m;
	}
	if (rc)
		goto out;
	if ((rc = pipe_run(s, &p, err)) != 0) {
		/* the scripts may have run: keep the records (unregistered ones
		 * are invisible) rather than discard registered sources */
		if (rc == DS_EIO && err) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			ds_err_set(err, DS_EIO,
				   "%s while committing: the last sources may or may not be in the index (adding them again is safe)",
				   msg);
		}
		goto forget;
	}
	for (size_t c = 0, i = 0; c < p.n && rc == 0; c++) {
		if ((rc = reply_ok(s, &p, c, err)) != 0)
			break;
		r = p.c[c].r;
		for (size_t k = 0; r->type == REDIS_REPLY_ARRAY && k < r->elements && i < nent; k++)
			res[order[i++]] = r->element[k]->integer;
		if (r->type != REDIS_REPLY_ARRAY || (c + 1 == p.n && i != nent))
			rc = ds_err_set(err, DS_EDB, "index %s: unexpected reply to the commit", s->uri);
	}
	if (rc)
		goto forget;
	/* 3. mark new sources live; discard duplicates and removed sources */
	{
		struct pipe q = {0};
		for (size_t i = 0; i < s->nadd; i++) {
			if (res[i] == 0) {
				queue_mark(s, &q, s->add[i].id, 1);
				continue;
			}
			/* another writer committed the same text first */
			queue_discard(s, &q, &s->add[i]);
			if (ds_grow(&s->merged, &s->capmerged, 2 * (s->nmerged + 1), sizeof *s->merged) == 0) {
				s->merged[2 * s->nmerged] = s->add[i].id;
				s->merged[2 * s->nmerged++ + 1] = res[i];
			}
		}
		for (size_t i = 0; i < s->nrem; i++)
			queue_discard(s, &q, &s->rem[i]);
		if (q.n)
			pipe_run(s, &q, NULL); /* readers fall back on the registry */
		pipe_free(&q);
	}
	if (s->wait_replicas > 0)
		rc = wait_replicas(s, err);
done:
forget:
	for (size_t i = 0; i < s->nrem && rc == 0; i++) {
		struct centry *e = cache_get(s, s->rem[i].id);
		if (e) /* never used again: ids are not reused */
			e->nset = 0;
	}
	pend_clear(s);
	s->in_tx = 0;
out:
	pipe_free(&p);
	ds_buf_free(&names);
	ds_buf_free(&vals);
	free(argv);
	free(lens);
	free(order);
	free(res);
	return rc;
#undef ENT
}

static int op_find_hash(struct ds_store *b, const char *hash, int64_t *id, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	redisReply *r;
	int rc;
	for (size_t i = 0; i < s->nadd; i++)
		if (strcmp(s->add[i].hash, hash) == 0) {
			*id = s->add[i].id;
			return 0;
		}
	{
		char kh[REG_KEY_MAX];
		reg_key_s(kh, rbucket(hash), "hash");
		rc = call(s, &p, slot_of(kh), ARGS(S("HGET"), S(kh), S(hash)), &r, err);
	}
	if (rc == 0) {
		if (r->type == REDIS_REPLY_NIL || parse_i64(r, id) || removed_in_tx(s, *id))
			rc = ds_err_set(err, DS_ENOTFOUND, "index %s has no source with hash %s",
					s->uri, hash);
	}
	pipe_free(&p);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Runs p, one command per registry bucket (in bucket order) each
 * answering with ids, and appends them to *ids (*n of them, *cap its
 * capacity); ids removed in the open transaction are left out.  A member
 * that is not a source id is skipped, or with strict an error. */
static int gather_ids(struct rstore *s, struct pipe *p, int strict, int64_t **ids, size_t *n,
		      size_t *cap, struct ds_err *err)
{
	int rc = pipe_run(s, p, err);
	for (size_t c = 0; rc == 0 && c < p->n; c++) {
		redisReply *r;
		if ((rc = reply_ok(s, p, c, err)) != 0)
			break;
		r = p->c[c].r;
		for (size_t i = 0; rc == 0 && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
			int64_t id;
			if (parse_i64(r->element[i], &id) || id <= 0) {
				if (strict)
					rc = ds_err_set(err, DS_ECORRUPT,
							"index %s is damaged: {ds:%02x}:ids holds '%.40s', not a source id",
							s->uri, (int)c,
							r->element[i]->type == REDIS_REPLY_STRING ? r->element[i]->str : "?");
				continue;
			}
			if (removed_in_tx(s, id))
				continue;
			if (ds_grow(ids, cap, *n + 1, sizeof **ids))
				rc = no_mem(s, err);
			else
				(*ids)[(*n)++] = id;
		}
	}
	return rc;
}

static int op_find_name(struct ds_store *b, const char *name, ds_store_id_fn fn, void *ctx,
			struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	struct ds_buf k = DS_BUF_INIT;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	/* the name's list is in the bucket of each source's hash: ask them all */
	for (int bkt = 0; bkt < RBUCKETS && rc == 0; bkt++) {
		k.len = 0;
		if (ds_buf_printf(&k, "{ds:%02x}:n:%s", bkt, name) ||
		    pipe_add(&p, slot_of(k.data), ARGS(S("ZRANGE"), B(k.data, k.len), S("0"), S("-1"))))
			rc = no_mem(s, err);
	}
	if (rc == 0)
		rc = gather_ids(s, &p, 0, &ids, &n, &cap, err);
	for (size_t i = 0; rc == 0 && i < s->nadd; i++)
		if (strcmp(s->add[i].name, name) == 0) {
			if (ds_grow(&ids, &cap, n + 1, sizeof *ids))
				rc = no_mem(s, err);
			else
				ids[n++] = s->add[i].id;
		}
	pipe_free(&p);
	ds_buf_free(&k);
	if (n)
		qsort(ids, n, sizeof *ids, cmp_i64);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fn(ctx, ids[i]);
	free(ids);
	return rc;
}

static int op_insert(struct ds_store *b, const struct ds_store_src *src, const uint64_t *keys,
		     size_t nkeys, int64_t *id, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0}, q = {0};
	struct pend *e;
	struct ds_buf rec = DS_BUF_INIT;
	uint64_t *old = NULL;
	size_t nold = 0;
	unsigned char *ztext = NULL;
	uLongf zlen;
	char key[40], tkey[40];
	redisReply *r;
	int rc;

	if ((rc = writable(s, err)) != 0)
		return rc;
	if ((rc = call(s, &p, slot_of(K_NEXT), ARGS(S("INCR"), S(K_NEXT)), &r, err)) != 0)
		goto out;
	*id = r->integer;
	pipe_reset(&p);
	if (*id > MAX_ID) {
		rc = ds_err_set(err, DS_ETOOBIG,
				"index %s is full: source ids stop at %lld (4 bytes in its postings)",
				s->uri, (long long)MAX_ID);
		goto out;
	}
	if (*id > s->maxid)
		s->maxid = *id;

	if (ds_grow(&s->add, &s->capadd, s->nadd + 1, sizeof *s->add)) {
		rc = no_mem(s, err);
		goto out;
	}
	e = &s->add[s->nadd];
	memset(e, 0, sizeof *e);
	if (!(e->name = strdup(src->name)) || !(e->keys = malloc((nkeys + 1) * sizeof *keys))) {
		free(e->name);
		rc = no_mem(s, err);
		goto out;
	}
	e->id = *id;
	snprintf(e->hash, sizeof e->hash, "%s", src->hash);
	e->words = src->words;
	e->nset = src->nset;
	e->len = src->len;
	/* distinct passage keys (the band table holds (key, id) once), as
	 * their postings tell them apart: two that share a bucket and a field
	 * are posted once, and counted once in the record, which 'check'
	 * compares with the postings found */
	for (size_t i = 0; i < nkeys; i++) {
		size_t j;
		for (j = 0; j < e->nkeys && !same_posting(s, gen_of(s, *id), e->keys[j], keys[i]); j++)
			;
		if (j == e->nkeys)
			e->keys[e->nkeys++] = keys[i];
	}
	s->nadd++; /* from here on, rollback discards what was written */

	if ((rc = ds_srcrec_pack(&rec, rec_version(s), 0, src->words, src->len, e->nkeys, src->hash, src->name,
				 src->date ? src->date : "", src->set, src->nset)) != 0) {
		rc = rc == DS_EINVAL ? ds_err_set(err, DS_EINVAL,
						  "index %s: source '%s' has a bad hash or shingle set",
						  s->uri, src->name)
				     : no_mem(s, err);
		goto out;
	}
	src_key(key, sizeof key, *id);
	text_key(tkey, sizeof tkey, *id);
	/* the text deflated, in its own key: read only for the sources chosen
	 * for an article, never with the records */
	zlen = compressBound((uLong)src->len);
	if (!(ztext = malloc(zlen + 1)) ||
	    compress2(ztext, &zlen, (const Bytef *)(src->text ? src->text : ""), (uLong)src->len,
		      6) != Z_OK) {
		rc = no_mem(s, err);
		goto out;
	}
	rc = pipe_add(&p, slot_of(key),
		      ARGS(S("SET"), S(key), B(rec.data, rec.len), S("PX"), S(STAGE_TTL_MS)));
	rc = rc ? rc : pipe_add(&p, slot_of(tkey),
				ARGS(S("SET"), S(tkey), B(ztext, zlen), S("PX"), S(STAGE_TTL_MS)));
	rc = rc ? rc : queue_postings(s, &p, *id, e->keys, e->nkeys, POST_NEW);
	if (rc) {
		rc = no_mem(s, err);
		goto out;
	}
	if ((rc = pipe_run(s, &p, err)) != 0)
		goto out;
	for (size_t i = 0; i < p.n && rc == 0; i++)
		rc = reply_ok(s, &p, i, err);
	/* keys that other sources of the generation have: the script */
	if (rc == 0 && !(old = malloc((e->nkeys + 1) * sizeof *old))) {
		rc = no_mem(s, err);
		goto out;
	}
	for (size_t k = 0; k < e->nkeys && rc == 0; k++)
		if (p.c[2 + k].r->type == REDIS_REPLY_INTEGER && p.c[2 + k].r->integer == 0)
			old[nold++] = e->keys[k];
	if (rc == 0 && nold) {
		if (queue_postings(s, &q, *id, old, nold, POST_ADD))
			rc = no_mem(s, err);
		else if ((rc = pipe_run(s, &q, err)) == 0)
			for (size_t i = 0; i < q.n && rc == 0; i++)
				rc = reply_ok(s, &q, i, err);
	}
out:
	ds_buf_free(&rec);
	free(ztext);
	free(old);
	pipe_free(&p);
	pipe_free(&q);
	return rc;
}

/* Queues the read of a source: GET of its record, and with DS_STORE_TEXT
 * of its text (2 commands). */
static int queue_read(struct pipe *p, int64_t id, unsigned what)
{
	char key[40];
	int rc;
	src_key(key, sizeof key, id);
	if ((rc = pipe_add(p, slot_of(key), ARGS(S("GET"), S(key)))) != 0 || !(what & DS_STORE_TEXT))
		return rc;
	text_key(key, sizeof key, id);
	return pipe_add(p, slot_of(key), ARGS(S("GET"), S(key)));
}

static int nreads(unsigned what)
{
	return what & DS_STORE_TEXT ? 2 : 1;
}

/* Decodes the replies of queue_read (rec, and text with DS_STORE_TEXT)
 * into src (strings in s->rec, set in s->setbuf, text in s->textbuf);
 * *live gets the record's live mark.  DS_ENOTFOUND when there is no
 * record. */
static int decode_src(struct rstore *s, int64_t id, unsigned what, const redisReply *rec,
		      const redisReply *text, struct ds_store_src *src, int *live,
		      struct ds_err *err)
{
	int rc;
	if (rec->type == REDIS_REPLY_NIL)
		return ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld", s->uri,
				  (long long)id);
	if (rec->type != REDIS_REPLY_STRING)
		return ds_err_set(err, DS_EDB, "index %s: unexpected reply reading source %lld",
				  s->uri, (long long)id);
	rc = ds_srcrec_unpack(rec->str, (size_t)rec->len, &s->rec,
			      what & DS_STORE_SET ? &s->setbuf : NULL, &s->setcap);
	if (rc == DS_ENOMEM)
		return no_mem(s, err);
	if (rc)
		return ds_err_set(err, DS_ECORRUPT,
				  "index %s is damaged: the record of source %lld does not decode",
				  s->uri, (long long)id);
	memset(src, 0, sizeof *src);
	src->id = id;
	src->name = s->rec.name;
	src->date = s->rec.date;
	src->hash = s->rec.hash;
	src->words = s->rec.words;
	src->nset = (size_t)s->rec.nset;
	src->set = what & DS_STORE_SET ? s->setbuf : NULL;
	*live = s->rec.live;
	if (what & DS_STORE_TEXT) {
		uLongf n = (uLongf)s->rec.text_len;
		if (!text || text->type != REDIS_REPLY_STRING)
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: source %lld has no text", s->uri,
					  (long long)id);
		if (ds_grow(&s->textbuf, &s->textcap, (size_t)n + 1, 1))
			return no_mem(s, err);
		if (uncompress((Bytef *)s->textbuf, &n, (const Bytef *)text->str, (uLong)text->len) !=
			    Z_OK ||
		    n != (uLongf)s->rec.text_len)
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: the text of source %lld does not inflate",
					  s->uri, (long long)id);
		src->text = s->textbuf;
		src->len = (size_t)n;
	}
	return 0;
}

/* decode_src of the replies from at in p; 1 (err cleared) when the
 * record is not there (removed meanwhile: skipped). */
static int decode_at(struct rstore *s, int64_t id, unsigned what, const struct pipe *p, size_t at,
		     struct ds_store_src *src, int *live, struct ds_err *err)
{
	int rc = decode_src(s, id, what, p->c[at].r, what & DS_STORE_TEXT ? p->c[at + 1].r : NULL,
			    src, live, err);
	if (rc != DS_ENOTFOUND)
		return rc;
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
	return 1;
}

/* Reads a source's record (one round trip). */
static int read_src(struct rstore *s, int64_t id, unsigned what, struct pipe *p,
		    struct ds_store_src *src, int *live, struct ds_err *err)
{
	size_t at = p->n;
	int rc;
	if (queue_read(p, id, what))
		return no_mem(s, err);
	if ((rc = pipe_run(s, p, err)) != 0)
		return rc;
	for (size_t i = at; i < p->n; i++)
		if ((rc = reply_ok(s, p, i, err)) != 0)
			return rc;
	return decode_src(s, id, what, p->c[at].r, what & DS_STORE_TEXT ? p->c[at + 1].r : NULL,
			  src, live, err);
}

/* Is source id registered?  (Its record was written but not marked live:
 * an add that registered it and stopped, or a remove under way.) */
static int queue_registered(struct pipe *p, int64_t id, const char *hash)
{
	char ki[REG_KEY_MAX], idstr[24];
	reg_key_s(ki, rbucket(hash), "ids");
	snprintf(idstr, sizeof idstr, "%lld", (long long)id);
	return pipe_add(p, slot_of(ki), ARGS(S("ZSCORE"), S(ki), S(idstr)));
}

static int registered(struct rstore *s, int64_t id, const char *hash, int *yes,
		      struct ds_err *err)
{
	struct pipe p = {0};
	redisReply *r;
	int rc;
	if (queue_registered(&p, id, hash))
		return no_mem(s, err);
	if ((rc = pipe_run(s, &p, err)) == 0 && (rc = reply_ok(s, &p, 0, err)) == 0)
		r = p.c[0].r;
	if (rc == 0)
		*yes = r->type != REDIS_REPLY_NIL;
	pipe_free(&p);
	return rc;
}

/* Queues the read of a record's live mark (its first byte). */
static int queue_live(struct pipe *p, int64_t id)
{
	char key[40];
	src_key(key, sizeof key, id);
	return pipe_add(p, slot_of(key), ARGS(S("GETRANGE"), S(key), S("0"), S("0")));
}

static int live_of(const redisReply *r)
{
	return r && r->type == REDIS_REPLY_STRING && r->len == 1 && r->str[0] == 1;
}

static int op_get(struct ds_store *b, int64_t id, unsigned what, ds_store_src_fn fn, void *ctx,
		  struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	struct ds_store_src src;
	struct centry *e;
	int live = 0, rc, own = pend_find(s->add, s->nadd, id) != NULL;

	if (removed_in_tx(s, id))
		return ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld", s->uri,
				  (long long)id);
	e = what == DS_STORE_SET ? cache_get(s, id) : NULL;
	if (e && e->nset) {
		/* the fields never change: only ask whether it is still there */
		if (queue_live(&p, id)) {
			rc = no_mem(s, err);
			goto out;
		}
		if ((rc = pipe_run(s, &p, err)) != 0 || (rc = reply_ok(s, &p, 0, err)) != 0)
			goto out;
		live = live_of(p.c[0].r);
		if (!live && !own && ((rc = registered(s, id, e->hash, &live, err)) != 0 || !live)) {
			if (rc == 0)
				rc = ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld",
						s->uri, (long long)id);
			goto out;
		}
		cache_src(e, &src);
		rc = fn(ctx, &src);
		goto out;
	}
	if ((rc = read_src(s, id, what, &p, &src, &live, err)) != 0)
		goto out;
	if (!live && !own && ((rc = registered(s, id, src.hash, &live, err)) != 0 || !live)) {
		if (rc == 0)
			rc = ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld", s->uri,
					(long long)id);
		goto out;
	}
	if (what & DS_STORE_SET && !own)
		cache_put(s, &src);
	rc = fn(ctx, &src);
out:
	pipe_free(&p);
	return rc;
}

/* Many sources in one round trip (the candidates of a query): a record
 * per id, or, for a shingle set already cached, whether the source is
 * still live; a second round trip only for records found without their
 * live mark (asking the registry).  Sources not there are skipped. */
static int op_gets(struct ds_store *b, const int64_t *ids, size_t n, unsigned what,
		   ds_store_src_fn fn, void *ctx, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0}, q = {0};
	unsigned char *state = calloc(n + 1, 1); /* 1 cached, 2 read, 0 skipped */
	size_t *at = calloc(n + 1, sizeof *at), *reg = calloc(n + 1, sizeof *reg);
	int rc = 0;
	if (!state || !at || !reg) {
		rc = no_mem(s, err);
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct centry *e = what == DS_STORE_SET ? cache_get(s, ids[i]) : NULL;
		if (removed_in_tx(s, ids[i]))
			continue;
		at[i] = p.n;
		if (e && e->nset) {
			state[i] = 1;
			rc = queue_live(&p, ids[i]);
		} else {
			state[i] = 2;
			rc = queue_read(&p, ids[i], what);
		}
	}
	if (rc) {
		rc = no_mem(s, err);
		goto out;
	}
	if (p.n && (rc = pipe_run(s, &p, err)) != 0)
		goto out;
	/* records without the live mark: is the source registered? */
	for (size_t i = 0; i < n && rc == 0; i++) {
		redisReply *r;
		int live;
		const char *hash;
		if (!state[i])
			continue;
		for (size_t k = 0; k < (state[i] == 1 ? 1u : (size_t)nreads(what)) && rc == 0; k++)
			rc = reply_ok(s, &p, at[i] + k, err);
		if (rc)
			goto out;
		r = p.c[at[i]].r;
		if (state[i] == 1)
			live = live_of(r);
		else /* a record that is not there is skipped below */
			live = r->type != REDIS_REPLY_STRING || (r->len > 0 && r->str[0] == 1);
		if (live || pend_find(s->add, s->nadd, ids[i]))
			continue;
		/* the registry bucket is the record's hash's */
		if (state[i] == 1)
			hash = cache_get(s, ids[i])->hash;
		else if (ds_srcrec_unpack(r->str, (size_t)r->len, &s->rec, NULL, NULL) == 0)
			hash = s->rec.hash;
		else
			continue; /* damaged: decode_src says so below */
		reg[i] = q.n + 1;
		if (queue_registered(&q, ids[i], hash))
			rc = no_mem(s, err);
	}
	if (rc || (q.n && (rc = pipe_run(s, &q, err)) != 0))
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct ds_store_src src;
		int live = 1;
		if (!state[i])
			continue;
		if (reg[i] && (!q.c[reg[i] - 1].r || q.c[reg[i] - 1].r->type != REDIS_REPLY_STRING))
			continue; /* neither live nor registered: removed, or not yet added */
		if (state[i] == 1) {
			cache_src(cache_get(s, ids[i]), &src);
		} else {
			if ((rc = decode_at(s, ids[i], what, &p, at[i], &src, &live, err)) == 1) {
				rc = 0; /* removed meanwhile */
				continue;
			}
			if (rc)
				break;
			if (what & DS_STORE_SET && !pend_find(s->add, s->nadd, ids[i]))
				cache_put(s, &src);
		}
		rc = fn(ctx, &src);
	}
out:
	free(state);
	free(at);
	free(reg);
	pipe_free(&p);
	pipe_free(&q);
	return rc;
}

/* The next registered ids after last, in order, at most EACH_CHUNK of
 * them (*n; fewer: the last ones): the smallest of every registry
 * bucket's, in one round trip.  A member that is not a source id is
 * skipped, or with strict an error. */
static int next_ids(struct rstore *s, int64_t last, int64_t *ids, size_t *n, int strict,
		    struct ds_err *err)
{
	struct pipe p = {0};
	char from[32], lim[16];
	int64_t *all = NULL;
	size_t nall = 0, cap = 0;
	int rc = 0;
	snprintf(from, sizeof from, "(%lld", (long long)last);
	snprintf(lim, sizeof lim, "%d", EACH_CHUNK);
	*n = 0;
	for (int bkt = 0; bkt < RBUCKETS && rc == 0; bkt++) {
		char ki[REG_KEY_MAX];
		reg_key_s(ki, bkt, "ids");
		if (pipe_add(&p, slot_of(ki), ARGS(S("ZRANGEBYSCORE"), S(ki), S(from), S("+inf"),
						   S("LIMIT"), S("0"), S(lim))))
			rc = no_mem(s, err);
	}
	if (rc == 0)
		rc = gather_ids(s, &p, strict, &all, &nall, &cap, err);
	if (rc == 0 && nall) {
		qsort(all, nall, sizeof *all, cmp_i64);
		*n = nall < EACH_CHUNK ? nall : EACH_CHUNK;
		memcpy(ids, all, *n * sizeof *ids);
	}
	free(all);
	pipe_free(&p);
	return rc;
}

static int op_each(struct ds_store *b, unsigned what, ds_store_src_fn fn, void *ctx,
		   struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0}, q = {0};
	int64_t last = 0, ids[EACH_CHUNK];
	size_t at[EACH_CHUNK];
	int rc = 0;

	for (;;) {
		size_t n = 0;
		if ((rc = next_ids(s, last, ids, &n, 0, err)) != 0 || n == 0)
			break;
		last = ids[n - 1];
		/* records not in the cache, in one pipeline */
		pipe_reset(&q);
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct centry *e = what == DS_STORE_SET ? cache_get(s, ids[i]) : NULL;
			at[i] = q.n;
			if ((e && e->nset) || removed_in_tx(s, ids[i]))
				continue;
			rc = queue_read(&q, ids[i], what);
		}
		if (rc) {
			rc = no_mem(s, err);
			break;
		}
		if (q.n && (rc = pipe_run(s, &q, err)) != 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct ds_store_src src;
			struct centry *e = what == DS_STORE_SET ? cache_get(s, ids[i]) : NULL;
			int live;
			if (removed_in_tx(s, ids[i]))
				continue;
			if (e && e->nset) {
				cache_src(e, &src);
				rc = fn(ctx, &src);
				continue;
			}
			for (int k = 0; k < nreads(what) && rc == 0; k++)
				rc = reply_ok(s, &q, at[i] + (size_t)k, err);
			if (rc)
				break;
			if ((rc = decode_at(s, ids[i], what, &q, at[i], &src, &live, err)) == 1) {
				rc = 0; /* removed since the registry was read */
				continue;
			}
			if (rc)
				break;
			if (what & DS_STORE_SET)
				cache_put(s, &src);
			rc = fn(ctx, &src);
		}
		if (rc || n < EACH_CHUNK)
			break;
	}
	pipe_free(&p);
	pipe_free(&q);
	/* sources added in the open transaction come last */
	for (size_t i = 0; rc == 0 && i < s->nadd; i++)
		rc = op_get(b, s->add[i].id, what, fn, ctx, err);
	return rc;
}

/* The posting value of key k in generation g: its reply. */
struct look {
	struct pipe p, q; /* generations 0..g1, g1+1..g2 */
	int g1, g2;
	size_t nkeys;
};

static redisReply *look_reply(const struct look *l, size_t k, int g)
{
	if (g <= l->g1)
		return l->p.c[k * (size_t)(l->g1 + 1) + (size_t)g].r;
	return l->q.c[k * (size_t)(l->g2 - l->g1) + (size_t)(g - l->g1 - 1)].r;
}

/* Queues HGET of keys[0..nkeys) in generations from..to. */
static int queue_look(const struct rstore *s, struct pipe *p, const uint64_t *keys, size_t nkeys,
		      int from, int to)
{
	for (size_t k = 0; k < nkeys; k++)
		for (int g = from; g <= to; g++) {
			char bk[32];
			unsigned char field[8];
			size_t flen, blen = post_key(s, bk, field, &flen, g, keys[k]);
			unsigned char f[4][9];
			for (int j = 0; j < 4; j++) {
				memcpy(f[j], field, flen);
				f[j][flen] = (unsigned char)j;
			}
			if (pipe_add(p, key_slot(bk, blen),
				     ARGS(S("HMGET"), B(bk, blen), B(field, flen), B(f[1], flen + 1),
					  B(f[2], flen + 1), B(f[3], flen + 1))))
				return DS_ENOMEM;
		}
	return 0;
}

/* The ids under each key in every generation: one round trip (with the
 * counter {ds}:next, which says whether a generation was opened since the
 * last look-up: then one more).  fn gets at most limit ids per key (limit
 * at most INLINE_IDS); a key holding limit ids or more comes with n = limit
 * and ids NULL, its overflow set unread. */
static int lookup(struct rstore *s, const uint64_t *keys, size_t nkeys, size_t limit,
		  int (*fn)(void *ctx, size_t k, const int64_t *ids, size_t n), void *ctx,
		  struct ds_err *err)
{
	struct look l = {.nkeys = nkeys};
	int64_t *ids = malloc((limit + 1) * sizeof *ids), next = 0;
	size_t *total = calloc(nkeys + 1, sizeof *total);
	int rc = 0;
	if (limit > INLINE_IDS) {
		rc = ds_err_set(err, DS_EINVAL, "index %s: at most %d ids a key", s->uri, INLINE_IDS);
		goto out;
	}
	if (!ids || !total) {
		rc = no_mem(s, err);
		goto out;
	}
	l.g1 = l.g2 = gen_of(s, s->maxid > 0 ? s->maxid : 1);
	if (queue_look(s, &l.p, keys, nkeys, 0, l.g1) ||
	    pipe_add(&l.p, slot_of(K_NEXT), ARGS(S("GET"), S(K_NEXT)))) {
		rc = no_mem(s, err);
		goto out;
	}
	if ((rc = pipe_run(s, &l.p, err)) != 0 || (rc = reply_ok(s, &l.p, l.p.n - 1, err)) != 0)
		goto out;
	if (l.p.c[l.p.n - 1].r->type == REDIS_REPLY_STRING && parse_i64(l.p.c[l.p.n - 1].r, &next) == 0 &&
	    next > s->maxid)
		s->maxid = next;
	if ((l.g2 = gen_of(s, s->maxid > 0 ? s->maxid : 1)) > l.g1) {
		if (queue_look(s, &l.q, keys, nkeys, l.g1 + 1, l.g2)) {
			rc = no_mem(s, err);
			goto out;
		}
		if ((rc = pipe_run(s, &l.q, err)) != 0)
			goto out;
	}
	/* counts (an overflow set, past INLINE_IDS ids, is counted, not read:
	 * its key holds more than limit ids) */
	for (size_t k = 0; k < nkeys && rc == 0; k++) {
		for (int g = 0; g <= l.g2 && rc == 0; g++) {
			redisReply *r = look_reply(&l, k, g), *v;
			if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
				rc = r && r->type == REDIS_REPLY_ERROR
					     ? ds_err_set(err, DS_EDB, "index %s: %s", s->uri, r->str)
					     : ds_err_set(err, DS_EDB, "index %s: unexpected reply to HMGET",
							  s->uri);
				break;
			}
			for (size_t j = 0; j < 4 && rc == 0; j++) {
				v = r->element[j];
				if (v->type == REDIS_REPLY_STRING && v->len % 4 == 0)
					total[k] += (size_t)v->len / 4;
				else if (j == 0 && v->type == REDIS_REPLY_STRING && v->len == 5 && v->str[0] == 'o')
					total[k] += get32le((const unsigned char *)v->str + 1);
				else if (v->type != REDIS_REPLY_NIL)
					rc = ds_err_set(err, DS_ECORRUPT,
							"index %s is damaged: a posting of %zu bytes", s->uri,
							(size_t)v->len);
			}
		}
	}
	if (rc)
		goto out;
	for (size_t k = 0; k < nkeys && rc == 0; k++) {
		size_t n = 0;
		if (total[k] >= limit) {
			rc = fn(ctx, k, NULL, limit);
			continue;
		}
		for (int g = 0; g <= l.g2 && n < limit && rc == 0; g++) {
			redisReply *r = look_reply(&l, k, g);
			for (size_t j = 0; j < 4; j++) {
				redisReply *v = r->element[j];
				for (size_t i = 0; v->type == REDIS_REPLY_STRING && i + 4 <= (size_t)v->len &&
						   n < limit;
				     i += 4)
					if (!removed_in_tx(s, ids[n] = get32le((const unsigned char *)v->str + i)))
						n++;
			}
		}
		if (rc == 0)
			rc = fn(ctx, k, ids, n);
	}
out:
	free(ids);
	free(total);
	pipe_free(&l.p);
	pipe_free(&l.q);
	return rc;
}

/* Every key's postings in one pipeline (to all the shards at once). */
static int op_bands(struct ds_store *b, const uint64_t *keys, size_t nkeys, size_t limit,
		    int (*fn)(void *ctx, size_t k, const int64_t *ids, size_t n), void *ctx,
		    struct ds_err *err)
{
	return lookup((struct rstore *)b, keys, nkeys, limit, fn, ctx, err);
}

static int op_remove(struct ds_store *b, int64_t id, const uint64_t *keys, size_t nkeys,
		     struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	struct ds_store_src src;
	struct pend *e, *staged;
	int live, rc;

	if ((rc = writable(s, err)) != 0)
		return rc;
	if (removed_in_tx(s, id))
		return ds_err_set(err, DS_ENOTFOUND, "index %s has no source %lld", s->uri,
				  (long long)id);
	if ((staged = pend_find(s->add, s->nadd, id)) != NULL) {
		/* added in this transaction: drop it at once */
		queue_discard(s, &p, staged);
		pipe_run(s, &p, NULL);
		pipe_free(&p);
		free(staged->name);
		free(staged->keys);
		*staged = s->add[--s->nadd];
		return 0;
	}
	if ((rc = read_src(s, id, 0, &p, &src, &live, err)) != 0)
		goto out;
	if (ds_grow(&s->rem, &s->caprem, s->nrem + 1, sizeof *s->rem)) {
		rc = no_mem(s, err);
		goto out;
	}
	e = &s->rem[s->nrem];
	memset(e, 0, sizeof *e);
	if (!(e->name = strdup(src.name)) || !(e->keys = malloc((nkeys + 1) * sizeof *keys))) {
		free(e->name);
		rc = no_mem(s, err);
		goto out;
	}
	e->id = id;
	snprintf(e->hash, sizeof e->hash, "%s", src.hash);
	e->words = src.words;
	e->nset = src.nset;
	e->nkeys = nkeys;
	memcpy(e->keys, keys, nkeys * sizeof *keys);
	e->len = s->rec.text_len;
	/* band_keys counts distinct keys, as insert stored them */
	for (size_t i = 0, n = 0; i < nkeys; i++) {
		size_t j;
		for (j = 0; j < n && e->keys[j] != keys[i]; j++)
			;
		if (j == n)
			e->keys[n++] = keys[i];
		e->nkeys = n;
	}
	s->nrem++;
out:
	pipe_free(&p);
	return rc;
}

static int64_t field_i64(const redisReply *r)
{
	int64_t v = 0;
	return r && parse_i64(r, &v) == 0 ? v : 0;
}

/* Is key one of the index's (registry, records and texts, postings)? */
static int index_key(const char *k, size_t n)
{
	return (n > 2 && memcmp(k, "{p", 2) == 0) || (n > 3 && memcmp(k, "{ds", 3) == 0) ||
	       (n > 5 && memcmp(k, "{src:", 5) == 0);
}

static int lost(struct rstore *s, struct node *nd, struct ds_err *err)
{
	conn_fail(s, nd, "connection lost to", err);
	drop_all(s);
	return DS_EIO;
}

typedef int (*scan_fn)(struct rstore *s, struct node *nd, const redisReply *keys, void *ctx,
		       struct ds_err *err);

/* Calls fn with every batch of key names matching pattern (an array
 * reply), on every shard in turn (SCAN).  fn may send commands on nd. */
static int scan_keys(struct rstore *s, const char *pattern, scan_fn fn, void *ctx,
		     struct ds_err *err)
{
	for (int i = 0; i < s->nnodes; i++) {
		struct node *nd = &s->node[i];
		char cursor[32] = "0";
		int rc;
		if (!serves(s, i))
			continue;
		if ((rc = node_connect(s, nd, err)) != 0)
			return rc;
		do {
			redisReply *r = redisCommand(nd->c, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);
			if (!r)
				return lost(s, nd, err);
			if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
			    r->element[0]->type != REDIS_REPLY_STRING) {
				freeReplyObject(r);
				return ds_err_set(err, DS_EDB, "index %s: unexpected reply to SCAN", s->uri);
			}
			snprintf(cursor, sizeof cursor, "%s", r->element[0]->str);
			rc = fn(s, nd, r->element[1], ctx, err);
			freeReplyObject(r);
			if (rc)
				return rc;
		} while (strcmp(cursor, "0") != 0);
		if (!s->cluster)
			break;
	}
	return 0;
}

/* Is key the text of a source ({src:ID}t)? */
static int text_key_name(const char *k, size_t n)
{
	return n > 7 && memcmp(k, "{src:", 5) == 0 && k[n - 1] == 't' && k[n - 2] == '}';
}

static int add_bytes(struct rstore *s, struct node *nd, const redisReply *keys, void *ctx,
		     struct ds_err *err)
{
	struct ds_store_stats *st = ctx;
	for (size_t k = 0; k < keys->elements; k++) {
		redisReply *e = keys->element[k];
		if (e->type == REDIS_REPLY_STRING && index_key(e->str, e->len))
			redisAppendCommand(nd->c, "MEMORY USAGE %b SAMPLES 0", e->str, (size_t)e->len);
	}
	for (size_t k = 0; k < keys->elements; k++) {
		redisReply *e = keys->element[k];
		void *rv = NULL;
		uint64_t b;
		if (e->type != REDIS_REPLY_STRING || !index_key(e->str, e->len))
			continue;
		if (redisGetReply(nd->c, &rv) != REDIS_OK || !rv)
			return lost(s, nd, err);
		b = ((redisReply *)rv)->type == REDIS_REPLY_INTEGER ? (uint64_t)((redisReply *)rv)->integer : 0;
		st->bytes += b;
		if (text_key_name(e->str, e->len))
			st->text_store_bytes += b;
		freeReplyObject(rv);
	}
	return 0;
}

/* The memory of the index's own keys (MEMORY USAGE of each, over every
 * shard, walked with SCAN): not the server's whole memory, which other
 * databases and other keys share; text_store_bytes: the texts' part.
 * Reads every key name once: an administrator's figure, not one for
 * every query. */
static int data_bytes(struct rstore *s, struct ds_store_stats *st, struct ds_err *err)
{
	st->bytes = st->text_store_bytes = 0;
	return scan_keys(s, "*", add_bytes, st, err);
}

/* The counters, summed over the registry buckets (one round trip). */
static int counters(struct rstore *s, struct ds_store_stats *st, struct ds_err *err)
{
	struct pipe p = {0};
	int rc = 0;
	memset(st, 0, sizeof *st);
	for (int bkt = 0; bkt < RBUCKETS && rc == 0; bkt++) {
		char ks[REG_KEY_MAX];
		reg_key_s(ks, bkt, "stats");
		if (pipe_add(&p, slot_of(ks), ARGS(S("HMGET"), S(ks), S("sources"), S("words"),
						   S("shingles"), S("band_keys"), S("text_bytes"))))
			rc = no_mem(s, err);
	}
	if (rc == 0)
		rc = pipe_run(s, &p, err);
	for (size_t c = 0; rc == 0 && c < p.n; c++) {
		redisReply *r;
		if ((rc = reply_ok(s, &p, c, err)) != 0)
			break;
		r = p.c[c].r;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 5) {
			rc = ds_err_set(err, DS_EDB, "index %s: unexpected reply to HMGET", s->uri);
			break;
		}
		st->sources += (uint64_t)field_i64(r->element[0]);
		st->words += (uint64_t)field_i64(r->element[1]);
		st->shingles += (uint64_t)field_i64(r->element[2]);
		st->band_keys += (uint64_t)field_i64(r->element[3]);
		st->text_bytes += (uint64_t)field_i64(r->element[4]);
	}
	pipe_free(&p);
	return rc;
}

static int op_stats(struct ds_store *b, struct ds_store_stats *st, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	int rc = counters(s, st, err);
	st->version = s->schema;
	st->version_new = SCHEMA;
	return rc ? rc : data_bytes(s, st, err);
}

/* Is the index still the one opened?  r: the reply of HMGET meta magic gen. */
static int same_index(struct rstore *s, const redisReply *r, struct ds_err *err)
{
	int restarted = 0;
	const char *magic, *gen;
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
		return ds_err_set(err, DS_EDB, "index %s: unexpected reply to HMGET %s", s->uri, K_META);
	magic = r->element[0]->type == REDIS_REPLY_STRING ? r->element[0]->str : NULL;
	gen = r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "";
	if (magic && strcmp(magic, MAGIC) == 0 && strcmp(gen, s->gen) == 0)
		return 0;
	for (int i = 0; i < s->nnodes; i++)
		restarted |= s->node[i].restarted;
	if (restarted)
		return ds_err_set(err, DS_EDB,
				  "index %s is gone: the server restarted without it (another run_id); nothing was judged against it",
				  s->uri);
	return ds_err_set(err, DS_EDB,
			  "index %s is gone: it was %s since despin opened it (FLUSHALL, FLUSHDB, or a new index); nothing was judged against it",
			  s->uri, magic ? "replaced" : "emptied");
}

static int op_count(struct ds_store *b, uint64_t limit, uint64_t *n, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct ds_store_stats st;
	int rc = counters(s, &st, err);
	(void)limit;
	if (rc == 0)
		*n = st.sources + s->nadd;
	return rc;
}

/* A query begins: its first round trip checks that the index is still
 * the one opened (pipe_run). */
static int op_read_begin(struct ds_store *b, struct ds_err *err)
{
	(void)err;
	((struct rstore *)b)->check_gen = 1;
	return 0;
}

static void op_read_end(struct ds_store *b)
{
	((struct rstore *)b)->check_gen = 0;
}

static int op_set_timeout(struct ds_store *b, int timeout_ms, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	(void)err;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	for (int i = 0; i < s->nnodes; i++)
		if (s->node[i].c)
			redisSetTimeout(s->node[i].c, ms_tv(s->timeout_ms));
	return 0;
}

/* check: every registered source has a whole record, its hash and name
 * entries and its band keys; the counters add up. */
struct check_sum {
	uint64_t sources, words, shingles, band_keys, text_bytes;
	/* every registered source in id order, its passage keys by its
	 * record, and the postings found for it */
	int64_t *id;
	uint32_t *nkeys, *found;
	size_t n, cap;
	/* vacuum: ids up to cutoff that are not registered are abandoned;
	 * their postings are collected in dead */
	int64_t cutoff;
	struct dead_posting {
		char bk[40];
		unsigned char f[16];
		size_t blen, flen;
		int64_t id;
	} *dead;
	size_t ndead, capdead;
};

static int check_chunk(struct rstore *s, const int64_t *ids, size_t n, struct check_sum *sum,
		       struct ds_err *err)
{
	struct pipe p = {0}, q = {0};
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char key[40], tkey[40];
		src_key(key, sizeof key, ids[i]);
		text_key(tkey, sizeof tkey, ids[i]);
		rc = pipe_add(&p, slot_of(key), ARGS(S("GET"), S(key)));
		rc = rc ? rc : pipe_add(&p, slot_of(key), ARGS(S("PTTL"), S(key)));
		rc = rc ? rc : pipe_add(&p, slot_of(tkey), ARGS(S("PTTL"), S(tkey)));
	}
	if (rc || (rc = pipe_run(s, &p, err)) != 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		redisReply *r;
		char idstr[24], nk_key[600], kh[REG_KEY_MAX];
		for (size_t k = 0; k < 3 && rc == 0; k++)
			rc = reply_ok(s, &p, 3 * i + k, err);
		if (rc)
			break;
		r = p.c[3 * i].r;
		if (r->type != REDIS_REPLY_STRING || p.c[3 * i + 2].r->integer == -2) {
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: source %lld has no whole record", s->uri,
					(long long)ids[i]);
			break;
		}
		if (p.c[3 * i + 1].r->integer != -1 || p.c[3 * i + 2].r->integer != -1) {
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: the record of source %lld expires", s->uri,
					(long long)ids[i]);
			break;
		}
		rc = ds_srcrec_unpack(r->str, (size_t)r->len, &s->rec, &s->setbuf, &s->setcap);
		if (rc == DS_ENOMEM) {
			rc = no_mem(s, err);
			break;
		}
		if (rc) {
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: the record of source %lld does not decode (or its shingle set is not sorted)",
					s->uri, (long long)ids[i]);
			break;
		}
		sum->sources++;
		sum->words += s->rec.words;
		sum->shingles += s->rec.nset;
		sum->text_bytes += s->rec.text_len;
		sum->band_keys += s->rec.nkeys;
		if (ds_grow(&sum->id, &sum->cap, sum->n + 1, sizeof *sum->id) ||
		    !(sum->nkeys = realloc(sum->nkeys, sum->cap * sizeof *sum->nkeys)) ||
		    !(sum->found = realloc(sum->found, sum->cap * sizeof *sum->found))) {
			rc = no_mem(s, err);
			break;
		}
		sum->id[sum->n] = ids[i];
		sum->nkeys[sum->n] = (uint32_t)s->rec.nkeys;
		sum->found[sum->n++] = 0;
		snprintf(idstr, sizeof idstr, "%lld", (long long)ids[i]);
		snprintf(nk_key, sizeof nk_key, "{ds:%02x}:n:%s", rbucket(s->rec.hash), s->rec.name);
		reg_key_s(kh, rbucket(s->rec.hash), "hash");
		rc = pipe_add(&q, slot_of(kh), ARGS(S("HGET"), S(kh), S(s->rec.hash)));
		rc = rc ? rc : pipe_add(&q, slot_of(nk_key), ARGS(S("ZSCORE"), S(nk_key), S(idstr)));
	}
	if (rc || (rc = pipe_run(s, &q, err)) != 0)
		goto out;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (field_i64(q.c[2 * i].r) != ids[i])
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: the hash of source %lld leads elsewhere",
					s->uri, (long long)ids[i]);
		else if (!q.c[2 * i + 1].r || q.c[2 * i + 1].r->type == REDIS_REPLY_NIL)
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: source %lld is missing from its name's list",
					s->uri, (long long)ids[i]);
	}
out:
	pipe_free(&p);
	pipe_free(&q);
	return rc;
}

/* Where id is among the registered ids of sum, or sum->n. */
static size_t reg_find(const struct check_sum *sum, int64_t id)
{
	size_t lo = 0, hi = sum->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (sum->id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sum->n && sum->id[lo] == id ? lo : sum->n;
}

/* One posting: id under the passage key field f of bucket bk, of
 * generation g. */
static int check_posting(struct rstore *s, struct check_sum *sum, int g, int64_t id,
			 const char *bk, size_t blen, const redisReply *f, struct ds_err *err)
{
	size_t lo = reg_find(sum, id);
	if (lo == sum->n) {
		/* not registered: staged by a writer that died, or removed */
		struct dead_posting *d;
		if (id > sum->cutoff)
			return 0;
		if (blen >= sizeof d->bk || (size_t)f->len > sizeof d->f)
			return ds_err_set(err, DS_ECORRUPT,
					  "index %s is damaged: a posting key of %zu bytes", s->uri,
					  blen + (size_t)f->len);
		if (ds_grow(&sum->dead, &sum->capdead, sum->ndead + 1, sizeof *sum->dead))
			return no_mem(s, err);
		d = &sum->dead[sum->ndead++];
		memcpy(d->bk, bk, blen);
		d->blen = blen;
		/* the removal script takes the passage key's first field, not
		 * the continuation fields (its name and one byte, 1 to 3) */
		d->flen = field_len(s, g);
		if ((size_t)f->len < d->flen)
			d->flen = (size_t)f->len;
		memcpy(d->f, f->str, d->flen);
		d->id = id;
		return 0;
	}
	if (gen_of(s, id) != g)
		return ds_err_set(err, DS_ECORRUPT,
				  "index %s is damaged: source %lld is posted in generation %d, not %d",
				  s->uri, (long long)id, g, gen_of(s, id));
	sum->found[lo]++;
	return 0;
}

/* One bucket's HGETALL reply (r), key bk of generation g: every posting
 * well formed, an overflow count that its set has. */
static int check_bucket(struct rstore *s, struct node *nd, const char *bk, size_t blen,
			const redisReply *r, struct check_sum *sum, struct ds_err *err)
{
	int g = atoi(bk + 2), rc = 0;
	if (r->type != REDIS_REPLY_ARRAY)
		return ds_err_set(err, DS_ECORRUPT, "index %s is damaged: %.*s is not a hash", s->uri,
				  (int)blen, bk);
	for (size_t i = 0; i + 1 < r->elements && rc == 0; i += 2) {
		const redisReply *f = r->element[i], *v = r->element[i + 1];
		if (v->len % 4 == 0 && v->len > 0) {
			for (size_t j = 0; j < (size_t)v->len && rc == 0; j += 4)
				rc = check_posting(s, sum, g,
						   get32le((const unsigned char *)v->str + j), bk,
						   blen, f, err);
		} else if (v->len == 5 && v->str[0] == 'o') {
			redisReply *m = redisCommand(nd->c, packed_overflows(s) ? "GET %b%s%b" : "SMEMBERS %b%s%b",
						     bk, blen, "o", f->str, (size_t)f->len);
			uint32_t count = get32le((const unsigned char *)v->str + 1);
			int64_t id;
			if (!m)
				return lost(s, nd, err);
			if (packed_overflows(s) ? m->type != REDIS_REPLY_STRING || (size_t)m->len != 4 * (size_t)count
					   : m->type != REDIS_REPLY_ARRAY || m->elements != count)
				rc = ds_err_set(err, DS_ECORRUPT,
						"index %s is damaged: an overflow of %.*s does not hold its count",
						s->uri, (int)blen, bk);
			for (size_t j = 0; rc == 0 && m->type == REDIS_REPLY_ARRAY && j < m->elements; j++)
				if (parse_i64(m->element[j], &id) == 0)
					rc = check_posting(s, sum, g, id, bk, blen, f, err);
			for (size_t j = 0; rc == 0 && m->type == REDIS_REPLY_STRING && j < (size_t)m->len; j += 4) {
				id = get32be((const unsigned char *)m->str + j);
				if (j > 0 && id <= (int64_t)get32be((const unsigned char *)m->str + j - 4))
					rc = ds_err_set(err, DS_ECORRUPT,
							"index %s is damaged: an overflow of %.*s is not in ascending order",
							s->uri, (int)blen, bk);
				else
					rc = check_posting(s, sum, g, id, bk, blen, f, err);
			}
			freeReplyObject(m);
		} else {
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: a posting of %zu bytes in %.*s", s->uri,
					(size_t)v->len, (int)blen, bk);
		}
	}
	return rc;
}

/* Is k (n bytes) a bucket of postings, {pG:PREFIX}, and not an overflow
 * set, {pG:PREFIX}o + field, whose field's last byte may be '}' too? */
static int bucket_key_name(const char *k, size_t n)
{
	return n > 2 && memchr(k, '}', n) == k + n - 1;
}

/* A batch of bucket keys: their HGETALL, all the replies read before a
 * bucket with an overflow set sends one more command on the connection. */
static int check_buckets(struct rstore *s, struct node *nd, const redisReply *keys, void *ctx,
			 struct ds_err *err)
{
	redisReply **rv = calloc(keys->elements + 1, sizeof *rv);
	int rc = 0;
	if (!rv)
		return no_mem(s, err);
	for (size_t k = 0; k < keys->elements; k++) {
		redisReply *e = keys->element[k];
		if (bucket_key_name(e->str, (size_t)e->len))
			redisAppendCommand(nd->c, "HGETALL %b", e->str, (size_t)e->len);
	}
	for (size_t k = 0; k < keys->elements && rc == 0; k++) {
		redisReply *e = keys->element[k];
		if (bucket_key_name(e->str, (size_t)e->len) &&
		    (redisGetReply(nd->c, (void **)&rv[k]) != REDIS_OK || !rv[k]))
			rc = lost(s, nd, err);
	}
	for (size_t k = 0; k < keys->elements; k++) {
		if (!rv[k])
			continue;
		if (rc == 0)
			rc = check_bucket(s, nd, keys->element[k]->str, (size_t)keys->element[k]->len,
					  rv[k], ctx, err);
		freeReplyObject(rv[k]);
	}
	free(rv);
	return rc;
}

/* Walks every bucket of postings and counts the postings of each
 * registered source: as many as its record says. */
static int check_postings(struct rstore *s, struct check_sum *sum, struct ds_err *err)
{
	int rc = scan_keys(s, "{p*", check_buckets, sum, err);
	for (size_t i = 0; rc == 0 && i < sum->n; i++)
		if (sum->found[i] != sum->nkeys[i])
			rc = ds_err_set(err, DS_ECORRUPT,
					"index %s is damaged: source %lld is under %u passage keys, its record says %u",
					s->uri, (long long)sum->id[i], sum->found[i], sum->nkeys[i]);
	return rc;
}

static int op_check(struct ds_store *b, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct check_sum sum = {0};
	struct ds_store_stats st;
	int64_t last = 0, ids[EACH_CHUNK];
	int rc;
	for (;;) {
		size_t n = 0;
		if ((rc = next_ids(s, last, ids, &n, 1, err)) != 0 || n == 0)
			break;
		last = ids[n - 1];
		if ((rc = check_chunk(s, ids, n, &sum, err)) != 0 || n < EACH_CHUNK)
			break;
	}
	if (rc == 0)
		rc = check_postings(s, &sum, err);
	free(sum.id);
	free(sum.nkeys);
	free(sum.found);
	if (rc || (rc = counters(s, &st, err)) != 0)
		return rc;
	if (st.sources != sum.sources || st.words != sum.words || st.shingles != sum.shingles ||
	    st.band_keys != sum.band_keys || st.text_bytes != sum.text_bytes)
		return ds_err_set(err, DS_ECORRUPT,
				  "index %s is damaged: the counters say %llu sources, %llu shingles, the records %llu, %llu",
				  s->uri, (unsigned long long)st.sources, (unsigned long long)st.shingles,
				  (unsigned long long)sum.sources, (unsigned long long)sum.shingles);
	return 0;
}

/* ---- vacuum ---- */

/* The vacuum mark in the meta hash: "ID MS", the id counter and the
 * server's clock (ms) when an earlier vacuum set it.  Once the mark is
 * older than the staging time to live (the records of ids given out
 * before it have expired, so their adds can no longer commit) and an hour
 * (a commit that made its records permanent just in time is registered
 * within seconds), an id up to ID that is not registered belongs to an
 * add or a removal whose writer died: its postings and record are
 * garbage. */
#define VACUUM_FIELD "vacuum"
#define VACUUM_MARGIN_MS 3600000LL

/* Every registered id, in order, into sum (ids, no records read). */
static int vacuum_ids(struct rstore *s, struct check_sum *sum, struct ds_err *err)
{
	int64_t last = 0, ids[EACH_CHUNK];
	int rc;
	for (;;) {
		size_t n = 0;
		if ((rc = next_ids(s, last, ids, &n, 1, err)) != 0 || n == 0)
			return rc;
		if (ds_grow(&sum->id, &sum->cap, sum->n + n, sizeof *sum->id) ||
		    !(sum->found = realloc(sum->found, sum->cap * sizeof *sum->found)))
			return no_mem(s, err);
		memcpy(sum->id + sum->n, ids, n * sizeof *ids);
		memset(sum->found + sum->n, 0, n * sizeof *sum->found);
		sum->n += n;
		last = ids[n - 1];
		if (n < EACH_CHUNK)
			return 0;
	}
}

/* A batch of {src:*} key names: the abandoned ones (ids up to the cutoff,
 * not registered) go into the vector of ids to delete (ctx: struct
 * vacuum_recs). */
struct vacuum_recs {
	const struct check_sum *sum;
	int64_t *id;
	size_t n, cap;
};

static int vacuum_rec_keys(struct rstore *s, struct node *nd, const redisReply *keys, void *ctx,
			   struct ds_err *err)
{
	struct vacuum_recs *vr = ctx;
	(void)nd;
	for (size_t k = 0; k < keys->elements; k++) {
		const redisReply *e = keys->element[k];
		char *end;
		long long id;
		if (e->type != REDIS_REPLY_STRING || e->len < 7 || memcmp(e->str, "{src:", 5) != 0 ||
		    text_key_name(e->str, (size_t)e->len))
			continue;
		id = strtoll(e->str + 5, &end, 10);
		if (*end != '}' || id <= 0 || id > vr->sum->cutoff || reg_find(vr->sum, id) < vr->sum->n)
			continue;
		if (ds_grow(&vr->id, &vr->cap, vr->n + 1, sizeof *vr->id))
			return no_mem(s, err);
		vr->id[vr->n++] = id;
	}
	return 0;
}

/* Runs p when it has grown past n commands (or at the end, n = 0), every
 * reply checked. */
static int pipe_flush(struct rstore *s, struct pipe *p, size_t n, struct ds_err *err)
{
	int rc = 0;
	if (p->n == 0 || p->n < n)
		return 0;
	if ((rc = pipe_run(s, p, err)) == 0)
		for (size_t i = 0; i < p->n && rc == 0; i++)
			rc = reply_ok(s, p, i, err);
	pipe_reset(p);
	return rc;
}

static int op_vacuum(struct ds_store *b, struct ds_index_vacuum *v, struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct check_sum sum = {0};
	struct vacuum_recs vr = {.sum = &sum};
	struct pipe p = {0};
	long long mark_id = 0, mark_ms = -1, now_ms, next = 0;
	const long long age = strtoll(STAGE_TTL_MS, NULL, 10) + VACUUM_MARGIN_MS;
	const redisReply *t;
	char mark[64];
	int rc;

	memset(v, 0, sizeof *v);
	if ((rc = writable(s, err)) != 0)
		return rc;
	/* the server's clock, the id counter and the mark, in one round trip */
	if (pipe_add(&p, slot_of(K_META), ARGS(S("TIME"))) ||
	    pipe_add(&p, slot_of(K_NEXT), ARGS(S("GET"), S(K_NEXT))) ||
	    pipe_add(&p, slot_of(K_META), ARGS(S("HGET"), S(K_META), S(VACUUM_FIELD)))) {
		rc = no_mem(s, err);
		goto out;
	}
	if ((rc = pipe_run(s, &p, err)) != 0)
		goto out;
	for (size_t i = 0; i < 3 && rc == 0; i++)
		rc = reply_ok(s, &p, i, err);
	if (rc)
		goto out;
	t = p.c[0].r;
	if (t->type != REDIS_REPLY_ARRAY || t->elements != 2 ||
	    t->element[0]->type != REDIS_REPLY_STRING || t->element[1]->type != REDIS_REPLY_STRING) {
		rc = ds_err_set(err, DS_EDB, "index %s: unexpected reply to TIME", s->uri);
		goto out;
	}
	now_ms = strtoll(t->element[0]->str, NULL, 10) * 1000 +
		 strtoll(t->element[1]->str, NULL, 10) / 1000;
	if (p.c[1].r->type == REDIS_REPLY_STRING)
		next = strtoll(p.c[1].r->str, NULL, 10);
	if (p.c[2].r->type == REDIS_REPLY_STRING &&
	    sscanf(p.c[2].r->str, "%lld %lld", &mark_id, &mark_ms) != 2) {
		rc = ds_err_set(err, DS_ECORRUPT, "index %s is damaged: its vacuum mark is '%.40s'",
				s->uri, p.c[2].r->str);
		goto out;
	}
	pipe_reset(&p);
	if (mark_ms >= 0 && now_ms - mark_ms < age) {
		/* too young: keep it, say when it is ripe */
		v->next_ms = age - (now_ms - mark_ms);
		goto out;
	}
	if (mark_ms >= 0 && mark_id > 0) {
		sum.cutoff = mark_id;
		if ((rc = vacuum_ids(s, &sum, err)) != 0 ||
		    (rc = scan_keys(s, "{p*", check_buckets, &sum, err)) != 0 ||
		    (rc = scan_keys(s, "{src:*", vacuum_rec_keys, &vr, err)) != 0)
			goto out;
		for (size_t i = 0; i < sum.ndead && rc == 0; i++) {
			const struct dead_posting *d = &sum.dead[i];
			unsigned char idb[4];
			put32le(idb, (uint32_t)d->id);
			if (pipe_add(&p, key_slot(d->bk, d->blen),
				     ARGS(S("EVALSHA"), S(s->sha[1]), S("1"), B(d->bk, d->blen),
					  S(overflow_kind(s)), B(d->f, d->flen), B(idb, 4))))
				rc = no_mem(s, err);
			else
				rc = pipe_flush(s, &p, 1024, err);
		}
		for (size_t i = 0; i < vr.n && rc == 0; i++) {
			char key[40], tkey[40];
			src_key(key, sizeof key, vr.id[i]);
			text_key(tkey, sizeof tkey, vr.id[i]);
			if (pipe_add(&p, slot_of(key), ARGS(S("DEL"), S(key))) ||
			    pipe_add(&p, slot_of(tkey), ARGS(S("DEL"), S(tkey))))
				rc = no_mem(s, err);
			else
				rc = pipe_flush(s, &p, 1024, err);
		}
		if (rc || (rc = pipe_flush(s, &p, 0, err)) != 0)
			goto out;
		v->postings = sum.ndead;
		v->records = vr.n;
	}
	/* the next mark: the ids given out until now */
	snprintf(mark, sizeof mark, "%lld %lld", next, now_ms);
	rc = pipe_add(&p, slot_of(K_META), ARGS(S("HSET"), S(K_META), S(VACUUM_FIELD), S(mark)))
		     ? no_mem(s, err)
		     : pipe_flush(s, &p, 0, err);
	if (rc == 0)
		v->next_ms = age;
out:
	pipe_free(&p);
	free(sum.id);
	free(sum.found);
	free(sum.dead);
	free(vr.id);
	return rc;
}

static void op_close(struct ds_store *b)
{
	struct rstore *s = (struct rstore *)b;
	if (!s)
		return;
	if (s->in_tx)
		op_rollback(b, NULL);
	drop_all(s);
	pend_clear(s);
	free(s->add);
	free(s->rem);
	free(s->merged);
	free(s->setbuf);
	free(s->textbuf);
	ds_srcrec_clear(&s->rec);
	cache_free(s);
	free(s->uri);
	free(s);
}

/* ---- blobs: one string key each, {ds}:blob:KEY ---- */

static int op_blob_get(struct ds_store *b, const char *key, void **data, size_t *len,
		       struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	redisReply *r;
	char k[256];
	int rc;
	snprintf(k, sizeof k, "{ds}:blob:%s", key);
	rc = call(s, &p, slot_of(k), ARGS(S("GET"), S(k)), &r, err);
	if (!rc) {
		if (r->type != REDIS_REPLY_STRING) {
			rc = ds_err_set(err, DS_ENOTFOUND, "index %s: no %s", s->uri, key);
		} else if (!(*data = malloc(r->len ? r->len : 1))) {
			rc = no_mem(s, err);
		} else {
			memcpy(*data, r->str, r->len);
			*len = r->len;
		}
	}
	pipe_free(&p);
	return rc;
}

static int op_blob_put(struct ds_store *b, const char *key, const void *data, size_t len,
		       struct ds_err *err)
{
	struct rstore *s = (struct rstore *)b;
	struct pipe p = {0};
	redisReply *r;
	char k[256];
	int rc;
	snprintf(k, sizeof k, "{ds}:blob:%s", key);
	if (data)
		rc = call(s, &p, slot_of(k), ARGS(S("SET"), S(k), B(data, len)), &r, err);
	else
		rc = call(s, &p, slot_of(k), ARGS(S("DEL"), S(k)), &r, err);
	pipe_free(&p);
	return rc;
}

static const struct ds_store_ops redis_ops = {
	.name = "redis",
	.begin = op_begin,
	.commit = op_commit,
	.rollback = op_rollback,
	.committed_as = op_committed_as,
	.find_hash = op_find_hash,
	.find_name = op_find_name,
	.insert = op_insert,
	.remove = op_remove,
	.read_begin = op_read_begin,
	.read_end = op_read_end,
	.bands = op_bands,
	.get = op_get,
	.gets = op_gets,
	.each = op_each,
	.stats = op_stats,
	.count = op_count,
	.set_timeout = op_set_timeout,
	.check = op_check,
	.vacuum = op_vacuum,
	.close = op_close,
	.blob_get = op_blob_get,
	.blob_put = op_blob_put,
};

/* ---- opening ---- */

/* The '@' that ends the user information of the address part p (after
 * "redis://"), or NULL without one: the last before the first '/' or '?',
 * so that a password's own '@' left unencoded does not end it early. */
static const char *uri_at(const char *p)
{
	const char *at = NULL;
	for (const char *c = p; *c && *c != '/' && *c != '?'; c++)
		if (*c == '@')
			at = c;
	return at;
}

/* The n bytes at s, percent-decoded ("%40" is '@'), into out (cap bytes,
 * NUL-terminated): 0, -1 when they do not fit, -2 for a '%' not followed by
 * two hexadecimal digits or one that makes a NUL. */
static int uri_decode(const char *s, size_t n, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			const char *hi, *lo;
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return -2;
			hi = strchr(hex, tolower((unsigned char)s[i + 1]));
			lo = strchr(hex, tolower((unsigned char)s[i + 2]));
			if ((c = (int)(16 * (hi - hex) + (lo - hex))) == 0)
				return -2;
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = 0;
	return 0;
}

/* The [USER]:PASSWORD@ of the address part at *p (after "redis://"), when
 * there is one, percent-decoded, into user and pass (ucap, pcap bytes; ""
 * when absent), *p moved past it: 0, -1 when either does not fit, -2 for a
 * bad percent-encoding. */
static int uri_userinfo(const char **p, char *user, size_t ucap, char *pass, size_t pcap)
{
	const char *at = uri_at(*p), *sep;
	int rc;
	user[0] = pass[0] = 0;
	if (!at)
		return 0;
	sep = memchr(*p, ':', (size_t)(at - *p));
	if ((rc = uri_decode(*p, (size_t)((sep ? sep : at) - *p), user, ucap)) != 0 ||
	    (sep && (rc = uri_decode(sep + 1, (size_t)(at - sep - 1), pass, pcap)) != 0))
		return rc;
	*p = at + 1;
	return 0;
}

/* A whole number from min to max written as the decimal digits s[0..n)
 * and nothing else (no sign, no blank) into *v; -1 when it is not one.
 * The address's ports, database and option values. */
static int uri_number(const char *s, size_t n, long min, long max, int *v)
{
	long x = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (x <= max) /* past max it stays past: no overflow */
			x = 10 * x + (s[i] - '0');
	}
	if (x < min || x > max)
		return -1;
	*v = (int)x;
	return 0;
}

/* An option's value: the digits up to the next '&' or the end. */
static int option_number(const char *s, long min, long max, int *v)
{
	return uri_number(s, strcspn(s, "&"), min, max, v);
}

/* The length of uri's scheme and "://" when it is a Redis address: 8 for
 * redis://HOST..., 7 for unix:///PATH (a Unix socket); 0 for anything
 * else (a file's name). */
static size_t redis_scheme(const char *uri)
{
	return starts(uri, "redis://") ? 8 : starts(uri, "unix://") ? 7 : 0;
}

/* The nodes HOST[:PORT][,HOST[:PORT]...] of a redis:// address, from h to
 * end, into a (a node named twice counts once); a HOST in brackets is an
 * IPv6 address ("[::1]:6379", RFC 3986).  0, or DS_EINVAL with err's
 * message naming the address as shown. */
static int addr_nodes(const char *h, const char *end, struct ds_redis_addr *a,
		      const char *shown, struct ds_err *err)
{
	while (h < end) {
		const char *hs = h, *he, *colon;
		size_t hlen;
		int port = 6379, i;
		if (*h == '[') {
			const char *rb = memchr(h, ']', (size_t)(end - h));
			hs = h + 1;
			hlen = rb ? (size_t)(rb - hs) : 0;
			/* hexadecimal digits, ':' and the dots of an IPv4 tail */
			if (!hlen || strspn(hs, "0123456789abcdefABCDEF:.") < hlen ||
			    !memchr(hs, ':', hlen))
				return ds_err_set(err, DS_EINVAL,
						  "%s: bad IPv6 address in brackets (redis://[::1]:6379)",
						  shown);
			he = rb + 1 + strcspn(rb + 1, ",/?");
			colon = rb + 1;
			if (colon == he)
				colon = NULL;
			else if (*colon != ':')
				return ds_err_set(err, DS_EINVAL, "%s: bad port (1 to 65535)", shown);
		} else {
			he = h + strcspn(h, ",/?");
			colon = memchr(h, ':', (size_t)(he - h));
			hlen = (size_t)((colon ? colon : he) - h);
			if (colon && memchr(colon + 1, ':', (size_t)(he - colon - 1)))
				return ds_err_set(err, DS_EINVAL,
						  "%s: an IPv6 address is written in brackets (redis://[::1]:6379)",
						  shown);
			if (memchr(h, '[', (size_t)(he - h)) || memchr(h, ']', (size_t)(he - h)))
				return ds_err_set(err, DS_EINVAL,
						  "%s: brackets enclose a whole IPv6 address (redis://[::1]:6379)",
						  shown);
		}
		if (hlen == 0 || hlen >= sizeof a->node[0].host)
			return ds_err_set(err, DS_EINVAL, "%s: no host in the address", shown);
		if (colon && uri_number(colon + 1, (size_t)(he - colon - 1), 1, 65535, &port))
			return ds_err_set(err, DS_EINVAL, "%s: bad port (1 to 65535)", shown);
		for (i = 0; i < a->nnodes; i++)
			if (a->node[i].port == port && strlen(a->node[i].host) == hlen &&
			    memcmp(a->node[i].host, hs, hlen) == 0)
				break;
		if (i == a->nnodes) {
			if (a->nnodes == DS_REDIS_MAX_NODES)
				return ds_err_set(err, DS_EINVAL, "%s: too many nodes", shown);
			memcpy(a->node[i].host, hs, hlen);
			a->node[i].host[hlen] = '\0';
			a->node[i].port = port;
			a->nnodes++;
		}
		h = *he == ',' ? he + 1 : he;
	}
	return 0;
}

/* The socket of a unix:///PATH address, from p to the options: one node,
 * port 0, whose host is the path (not decoded: a path holds no '?'). */
static int addr_socket(const char *p, struct ds_redis_addr *a, const char *shown,
		       struct ds_err *err)
{
	size_t n = strcspn(p, "?");
	if (n == 0 || *p != '/')
		return ds_err_set(err, DS_EINVAL,
				  "%s: no socket path (unix:///PATH/TO/redis.sock, the path absolute)",
				  shown);
	if (n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return ds_err_set(err, DS_EINVAL, "%s: socket path longer than %zu bytes", shown,
				  sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	memcpy(a->node[0].host, p, n);
	a->node[0].host[n] = '\0';
	a->node[0].port = 0;
	a->nnodes = 1;
	return 0;
}

int ds_redis_addr_parse(const char *uri, struct ds_redis_addr *a, struct ds_err *err)
{
	const char *p, *end, *q;
	char shown[sizeof err->msg]; /* the messages' address: no options, no password */
	size_t sch = redis_scheme(uri);
	int rc = 0;
	ds_store_shown_uri_to(uri, shown, sizeof shown);
	a->nnodes = a->db = 0;
	if (!sch) {
		rc = ds_err_set(err, DS_EINVAL, "%s: not a redis:// or unix:// address", shown);
		goto out;
	}
	p = uri + sch;
	if ((rc = uri_userinfo(&p, a->user, sizeof a->user, a->pass, sizeof a->pass)) != 0) {
		rc = ds_err_set(err, DS_EINVAL,
				rc == -1 ? "%s: user name or password too long"
					 : "%s: bad percent-encoding in the user name or password (%%XX, not %%00)",
				shown);
		goto out;
	}
	if (sch == 7) {
		rc = addr_socket(p, a, shown, err);
	} else {
		end = p + strcspn(p, "/?");
		rc = addr_nodes(p, end, a, shown, err);
		if (!rc && !a->nnodes)
			rc = ds_err_set(err, DS_EINVAL, "%s: no host in the address", shown);
		if (!rc && *end == '/' && end[1] && end[1] != '?' &&
		    uri_number(end + 1, strcspn(end + 1, "?"), 0, 100000, &a->db))
			rc = ds_err_set(err, DS_EINVAL, "%s: bad database number", shown);
	}
	for (q = strchr(p, '?'); !rc && q; q = strchr(q + 1, '&')) {
		const char *o = q + 1;
		int olen = (int)strcspn(o, "&"), bad = 0;
		if (olen == 0)
			continue; /* a lone '?', "&&" or a last '&' names no option */
		if (*o == '=')
			rc = ds_err_set(err, DS_EINVAL, "%s: an option without a name (%.*s)", shown,
					olen, o);
		else if (starts(o, "timeout="))
			bad = option_number(o + strlen("timeout="), 1, 86400000, &a->timeout_ms);
		else if (starts(o, "retry="))
			bad = option_number(o + strlen("retry="), 0, 1000, &a->retry);
		else if (starts(o, "wait="))
			bad = option_number(o + strlen("wait="), 0, 1000, &a->wait_replicas);
		else if (starts(o, "wait_ms="))
			bad = option_number(o + strlen("wait_ms="), 1, 86400000, &a->wait_ms);
		else if (starts(o, "db=") && sch == 7) {
			if (option_number(o + strlen("db="), 0, 100000, &a->db))
				rc = ds_err_set(err, DS_EINVAL, "%s: bad database number", shown);
		} else if (starts(o, "db="))
			rc = ds_err_set(err, DS_EINVAL,
					"%s: db= is for unix:// addresses (a redis:// one names its database as redis://HOST:PORT/DB)",
					shown);
		else
			rc = ds_err_set(err, DS_EINVAL, "%s: unknown option %.*s", shown, olen, o);
		if (bad)
			rc = ds_err_set(err, DS_EINVAL,
					"%s: %.*s takes a whole number (timeout and wait_ms: 1 to 86400000 ms; retry and wait: 0 to 1000)",
					shown, olen, o);
	}
out:
	return rc;
}

_Static_assert(MAX_NODES == DS_REDIS_MAX_NODES && sizeof(((struct node *)0)->host) ==
			       sizeof(((struct ds_redis_addr *)0)->node[0].host) &&
		       sizeof(((struct rstore *)0)->user) == sizeof(((struct ds_redis_addr *)0)->user) &&
		       sizeof(((struct rstore *)0)->pass) == sizeof(((struct ds_redis_addr *)0)->pass),
	       "an index holds every node, user and password an address can name");

/* The index's address into s: its user, nodes, database and options.
 * Messages name the index (s->uri shows no password). */
static int parse_uri(struct rstore *s, const char *uri, struct ds_err *err)
{
	struct ds_redis_addr *a = calloc(1, sizeof *a); /* 9 kB: off a thread's stack */
	int rc;
	if (!a)
		return ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", s->uri);
	a->timeout_ms = s->timeout_ms;
	a->retry = s->retry;
	a->wait_replicas = s->wait_replicas;
	a->wait_ms = s->wait_ms;
	if ((rc = ds_redis_addr_parse(uri, a, err)) != 0) {
		char why[sizeof err->msg];
		memcpy(why, err->msg, sizeof why);
		ds_err_set(err, rc, "index %s", why);
		free(a);
		return rc;
	}
	memcpy(s->user, a->user, sizeof s->user);
	memcpy(s->pass, a->pass, sizeof s->pass);
	for (int i = 0; i < a->nnodes; i++)
		find_node(s, a->node[i].host, strlen(a->node[i].host), a->node[i].port);
	s->db = a->db;
	s->timeout_ms = a->timeout_ms > 0 ? a->timeout_ms : 1;
	s->retry = a->retry < 0 ? 0 : a->retry > 1000 ? 1000 : a->retry;
	s->wait_replicas = a->wait_replicas;
	s->wait_ms = a->wait_ms;
	free(a);
	return 0;
}

/* Number of keys in the database, over every shard. */
static int db_keys(struct rstore *s, int64_t *n, struct ds_err *err)
{
	*n = 0;
	for (int i = 0; i < s->nnodes; i++) {
		redisReply *r;
		int rc;
		if (!serves(s, i))
			continue;
		if ((rc = node_connect(s, &s->node[i], err)) != 0)
			return rc;
		if (!(r = redisCommand(s->node[i].c, "DBSIZE"))) {
			conn_fail(s, &s->node[i], "connection lost to", err);
			drop_all(s);
			return DS_EIO;
		}
		if (r->type == REDIS_REPLY_INTEGER)
			*n += r->integer;
		freeReplyObject(r);
		/* the work queue of despin's workers ('despin submit', one
		 * hash slot) may share the database: its keys are not another
		 * program's (a node that does not serve the slot says so, an
		 * error, and counts none) */
		if (!(r = redisCommand(s->node[i].c, "EXISTS %s %s %s", DS_STREAM_ARTICLES,
				       DS_STREAM_RESULTS, DS_STREAM_STATS))) {
			conn_fail(s, &s->node[i], "connection lost to", err);
			drop_all(s);
			return DS_EIO;
		}
		if (r->type == REDIS_REPLY_INTEGER)
			*n -= r->integer;
		freeReplyObject(r);
		if (!s->cluster)
			break;
	}
	return 0;
}

/* A random token for {ds}:meta gen. */
static void new_gen(char *buf, size_t n)
{
	uint64_t v = 0;
	struct timespec ts;
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(&v, sizeof v, 1, f) != 1) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)getpid() << 32;
	}
	if (f)
		fclose(f);
	snprintf(buf, n, "%016llx", (unsigned long long)v);
}

static int check_meta(struct rstore *s, const char *params, int create, struct ds_err *err)
{
	struct pipe p = {0};
	redisReply *r;
	int rc;
	int64_t nkeys;
	const char *magic, *schema, *fp;
	char gen[40], sbuf[16];
	int looked_again = 0, sv;
again:
	rc = call(s, &p, slot_of(K_META),
		  ARGS(S("HMGET"), S(K_META), S("magic"), S("schema"), S("fingerprint"), S("gen")), &r,
		  err);
	if (rc)
		goto out;
	snprintf(s->gen, sizeof s->gen, "%s",
		 r->element[3]->type == REDIS_REPLY_STRING ? r->element[3]->str : "");
	magic = r->element[0]->type == REDIS_REPLY_STRING ? r->element[0]->str : NULL;
	schema = r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "?";
	fp = r->element[2]->type == REDIS_REPLY_STRING ? r->element[2]->str : "?";
	if (!magic && r->element[1]->type == REDIS_REPLY_NIL) {
		if (!create) {
			/* a database of other keys is not one the first add takes */
			if ((rc = db_keys(s, &nkeys, err)) != 0)
				goto out;
			rc = nkeys > 0
				     ? ds_err_set(err, DS_ENOTFOUND,
						  "cannot open index %s: it holds %lld keys but no despin index (use another database: redis://HOST:PORT/DB)",
						  s->uri, (long long)nkeys)
				     : ds_err_set(err, DS_ENOTFOUND,
						  "cannot open index %s: no despin index there (the first 'despin index add' creates it)",
						  s->uri);
			goto out;
		}
		if ((rc = db_keys(s, &nkeys, err)) != 0)
			goto out;
		if (nkeys > 0 && !looked_again) {
			/* another writer may have made the index between the two
			 * reads (its meta hash the keys counted): read it again */
			looked_again = 1;
			goto again;
		}
		if (nkeys > 0) {
			rc = ds_err_set(err, DS_EFORMAT,
					"%s holds %lld keys but no despin index: use another database (redis://HOST:PORT/DB)",
					s->uri, (long long)nkeys);
			goto out;
		}
		new_gen(gen, sizeof gen);
		snprintf(sbuf, sizeof sbuf, "%d", SCHEMA);
		rc = call(s, &p, slot_of(K_META),
			  ARGS(S("EVAL"), S(create_lua), S("1"), S(K_META), S(MAGIC), S(sbuf),
			       S(params), S(gen)),
			  &r, err);
		if (rc)
			goto out;
		create = 0;
		goto again;
	}
	/* a schema is a number written without leading zeros */
	sv = strlen(schema) <= 4 && strspn(schema, "0123456789") == strlen(schema) ? atoi(schema) : -1;
	snprintf(sbuf, sizeof sbuf, "%d", sv);
	if (strcmp(sbuf, schema) != 0)
		sv = -1;
	if (!magic || strcmp(magic, MAGIC) != 0)
		rc = ds_err_set(err, DS_EFORMAT, "%s holds a key %s that is not a despin index", s->uri,
				K_META);
	else if (sv > SCHEMA)
		rc = ds_err_set(err, DS_EVERSION,
				"index %s has schema version %s, made by a newer despin: this one reads versions %d to %d (read it with that despin, or rebuild it in an empty database with 'despin index add' of its texts)",
				s->uri, schema, SCHEMA_MIN, SCHEMA);
	else if (sv < SCHEMA_MIN)
		rc = ds_err_set(err, DS_EVERSION,
				"index %s has schema version %s, this despin reads versions %d to %d (another key layout): rebuild it in an empty database with 'despin index add' of its texts, or 'despin index copy' from an SQLite index of them",
				s->uri, schema, SCHEMA_MIN, SCHEMA);
	else if (strcmp(fp, params) != 0)
		rc = ds_err_set(err, DS_EVERSION,
				"index %s was built with fingerprints %s, this despin makes %s: rebuild it into a new index with 'despin index add'",
				s->uri, fp, params);
	if (rc == 0)
		s->schema = sv;
	if (rc == 0 && (rc = call(s, &p, slot_of(K_NEXT), ARGS(S("GET"), S(K_NEXT)), &r, err)) == 0 &&
	    r->type == REDIS_REPLY_STRING)
		parse_i64(r, &s->maxid);
out:
	pipe_free(&p);
	return rc;
}

bool ds_store_is_redis(const char *uri)
{
	return redis_scheme(uri) != 0;
}

/* The address as messages show it, into out (cap bytes, always terminated;
 * cut short when it does not fit, so an exact prefix of the whole): the
 * password of a redis:// address starred ("***", or a star for each
 * character of a shorter one) and, with cut, its ?options left out.  A
 * file's name is copied as it is.  out may be uri itself: a star stands
 * for at least one byte, so what is written never overtakes what is
 * read. */
static void shown_into(const char *uri, char *out, size_t cap, int cut)
{
	const char *p = uri + redis_scheme(uri), *at = NULL, *colon = NULL, *end;
	size_t o = 0;
	if (!cap)
		return;
	end = uri + strlen(uri);
	if (p != uri) {
		if (cut)
			end = uri + strcspn(uri, "?");
		if ((at = uri_at(p)) != NULL)
			colon = memchr(p, ':', (size_t)(at - p));
	}
	for (const char *c = uri; c < end && o + 1 < cap; c++) {
		if (colon && c == colon + 1 && c < at) {
			size_t stars = (size_t)(at - c) < 3 ? (size_t)(at - c) : 3;
			for (; stars && o + 1 < cap; stars--)
				out[o++] = '*';
			c = at - 1; /* on to the '@' */
			continue;
		}
		out[o++] = *c;
	}
	out[o] = '\0';
}

void ds_store_star_password(char *uri)
{
	shown_into(uri, uri, strlen(uri) + 1, 0);
}

void ds_store_shown_uri(char *uri)
{
	shown_into(uri, uri, strlen(uri) + 1, 1);
}

/* s percent-encoded (every byte but letters, digits and "-._~") onto b,
 * what uri_decode reads back. */
static int uri_encode(struct ds_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		if ((isalnum(c) || strchr("-._~", c)) ? ds_buf_append(b, s, 1) : ds_buf_append(b, e, 3))
			return -1;
	}
	return 0;
}

char *ds_redis_addr_with_password(const char *uri, const char *user, const char *pass)
{
	const char *p, *at;
	struct ds_buf b = {0};
	if (!redis_scheme(uri))
		return NULL;
	p = uri + redis_scheme(uri);
	if ((at = uri_at(p)) != NULL && memchr(p, ':', (size_t)(at - p)))
		return NULL; /* a password of its own */
	if (ds_buf_append(&b, uri, redis_scheme(uri)) ||
	    (at ? ds_buf_append(&b, p, (size_t)(at - p)) : uri_encode(&b, user ? user : "")) ||
	    ds_buf_append(&b, ":", 1) || uri_encode(&b, pass) || ds_buf_append(&b, "@", 1) ||
	    ds_buf_append(&b, at ? at + 1 : p, strlen(at ? at + 1 : p))) {
		ds_buf_free(&b);
		return NULL;
	}
	return b.data;
}

void ds_store_shown_uri_to(const char *uri, char *out, size_t cap)
{
	shown_into(uri, out, cap, 1);
}

struct ds_store *ds_store_redis_open(const char *uri, int flags, int timeout_ms,
				     const char *params, struct ds_err *err)
{
	struct rstore *s = calloc(1, sizeof *s);
	if (!s || !(s->uri = strdup(uri))) {
		char shown[sizeof err->msg];
		free(s);
		ds_store_shown_uri_to(uri, shown, sizeof shown);
		ds_err_set(err, DS_ENOMEM, "out of memory opening index %s", shown);
		return NULL;
	}
	s->base.ops = &redis_ops;
	s->readonly = (flags & DS_STORE_READONLY) != 0;
	s->timeout_ms = timeout_ms;
	s->retry = 0; /* ?retry=N in the address */
	ds_store_shown_uri(s->uri); /* the address for messages */
	if (parse_uri(s, uri, err) != 0)
		goto fail;
	/* not reachable: with retries, wait for it like any command */
	for (int i = 0, rc = load_slots(s, err); rc != 0; i++) {
		if (rc != DS_EIO || i >= s->retry)
			goto fail;
		sleep_ms(i < 4 ? 100 << i : 1000);
		if ((rc = load_slots(s, err)) == 0 && err)
			memset(err, 0, sizeof *err); /* reached: no message left */
	}
	if (s->cluster && s->db != 0) {
		ds_err_set(err, DS_EINVAL, "index %s: a cluster has only database 0", s->uri);
		goto fail;
	}
	if (check_meta(s, params, !s->readonly && (flags & DS_STORE_CREATE), err) != 0)
		goto fail;
	return &s->base;
fail:
	op_close(&s->base);
	return NULL;
}
