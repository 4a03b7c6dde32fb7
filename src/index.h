/*
 * index.h - the index of clean sources: finds an article's nearest source
 * despite spinning or a round trip of machine translation.
 *
 * Each source is stored with its name, date (the document's "date" header),
 * a content hash of its normalised words (so the same text is added once),
 * its text (for alignment), its fingerprint's shingle set and the passage
 * keys of its sentences (fprint.h).  A query fingerprints the article,
 * looks up the passage keys of its sentences, counts for every source the
 * article's sentences that share a key with it (keys shared by more than a
 * few dozen sources, stock phrases, are left out), and re-ranks the
 * DS_INDEX_CANDIDATES sources with the most such sentences exactly, by the
 * sentences of the article whose shingles they hold.  The cost of a query
 * grows with the article's length and the candidates read, not with the
 * size of the index.  A source covering fewer than two sentences (one
 * shared sentence is a quotation, unless it is a passage: see
 * DS_INDEX_PASSAGE_WORDS), or less than min_coverage of the article, or
 * below min_similarity, is no source.
 *
 * Storage is a struct ds_store (store.h): by default an SQLite file in WAL
 * mode, so readers go on while one writer adds; ":memory:" is a private
 * in-memory index (batch mode).
 *
 * Thread rules: a struct ds_index is used by one thread at a time (it holds
 * a stemmer and a database connection); open one handle per thread.  Any
 * number of handles, in any processes, may open the same file.
 */
#ifndef DS_INDEX_H
#define DS_INDEX_H

#include "util.h"

struct ds_doc;

/* Flags of ds_index_open. */
#define DS_INDEX_READONLY 1 /* no writes; the file must exist */
#define DS_INDEX_CREATE 2   /* create the index file if missing */

/* Default wait for a lock held by another process (ds_index_set_timeout). */
#define DS_INDEX_TIMEOUT_MS 10000
/* Default min_similarity (shared shingles over the smaller set): a floor
 * only; a partial copy is judged by its coverage. */
#define DS_INDEX_MIN_SIMILARITY 0.03
/* Default min_coverage: a source must cover this share of the article's
 * text (whole sentences), which scattered chance matches never do. */
#define DS_INDEX_MIN_COVERAGE 0.08
/* One sentence this long, half of whose shingles a source holds, is a
 * passage of it, not a quotation: it makes the source one, as two shared
 * sentences do (a paragraph-long sentence of a source, spun and copied
 * into another text, finds it), and a sentence this long sharing a key
 * with a source makes it a candidate.  As long as the shortest text
 * judged on its own.  The share of its shingles keeps out a long sentence
 * of stock phrases that covers a quarter of its shingles by chance. */
#define DS_INDEX_PASSAGE_WORDS 40
#define DS_INDEX_PASSAGE_COVER 0.5
/* Whether a sentence of that many words, cover of whose shingles a source
 * holds, is a passage of it. */
static inline int ds_index_passage(size_t words, double cover)
{
	return words >= DS_INDEX_PASSAGE_WORDS && cover >= DS_INDEX_PASSAGE_COVER;
}
/* Sources re-ranked exactly per query, from the most shared sentences down. */
#define DS_INDEX_CANDIDATES 32

struct ds_index;

/* Opens the index at uri: a file path, or ":memory:".  flags: 0 (read and
 * write an existing index), DS_INDEX_READONLY, DS_INDEX_CREATE.  A file that
 * is not a despin index (not SQLite, another schema or schema version,
 * another fingerprint version) or is damaged is refused with a message
 * naming it.  Returns NULL with err set on failure; ds_index_close frees. */
struct ds_index *ds_index_open(const char *uri, int flags, struct ds_err *err);
/* The same, with ds_index_set_timeout(timeout_ms) in force from the start:
 * creating an index takes the write lock, and two processes creating one
 * wait for each other. */
struct ds_index *ds_index_open_wait(const char *uri, int flags, int timeout_ms,
				    struct ds_err *err);
void ds_index_close(struct ds_index *ix);
/* For a command that added nothing: removes the index file this handle
 * created (DS_INDEX_CREATE, no file there when it was opened), with the
 * -wal and -shm beside it, when it still holds no source and no other
 * process has it open or has added to it; any open transaction is rolled
 * back.  1 when removed (the handle is then good only for ds_index_close),
 * 0 when it stays (an index that was there before always does). */
int ds_index_discard(struct ds_index *ix);
/* The index's store (for modules that keep their own data with the
 * sources, such as index_lm.h); owned by the index. */
struct ds_store *ds_index_store(struct ds_index *ix);
/* The address the index was opened with as messages show it (a redis://
 * password starred, its ?options cut); owned by the index. */
const char *ds_index_uri(const struct ds_index *ix);
/* How long this handle waits for a lock held by another process before
 * failing with DS_EBUSY (default DS_INDEX_TIMEOUT_MS; 0 = fail at once). */
int ds_index_set_timeout(struct ds_index *ix, int timeout_ms, struct ds_err *err);

/* ---- writing ---- */

/* Explicit transactions: everything between begin and commit is applied at
 * once or not at all (a crash, a kill or ds_index_rollback leaves the index
 * as it was).  Without begin, each add/remove is its own transaction. */
int ds_index_begin(struct ds_index *ix, struct ds_err *err);
int ds_index_commit(struct ds_index *ix, struct ds_err *err);
int ds_index_rollback(struct ds_index *ix, struct ds_err *err);
/* After ds_index_commit: the id of the source that ds_index_add of that
 * transaction reported as added under id.  That is id itself, unless
 * another writer committed the same text first (two writers adding it at
 * once to a shared index): then it is that source's id, and the add added
 * nothing. */
int64_t ds_index_committed_as(struct ds_index *ix, int64_t id);
/* Requests sent to the index's server and answered so far by this handle
 * (a pipeline counts once; 0 for an SQLite index): what a query costs in
 * round trips over a network. */
uint64_t ds_index_round_trips(const struct ds_index *ix);

/* Adds doc (tokens flagged DS_TF_BOILER are left out of its fingerprint; the
 * whole text is kept) under name.  If a source with the same normalised
 * words is already there, nothing is added: *added_out = 0 and *id_out is
 * its id; otherwise *added_out = 1 and *id_out the new id (either out
 * pointer may be NULL).  The doc is not modified. */
int ds_index_add(struct ds_index *ix, const char *name, const struct ds_doc *doc,
		 int64_t *id_out, int *added_out, struct ds_err *err);
/* Removes source id; DS_ENOTFOUND if there is none. */
int ds_index_remove(struct ds_index *ix, int64_t id, struct ds_err *err);
/* Calls fn with the id of every source named name (in id order); returns the
 * number of them (>= 0) or a negative DS_E* code. */
int ds_index_find_name(struct ds_index *ix, const char *name,
		       int (*fn)(void *ctx, int64_t id), void *ctx, struct ds_err *err);
/* The id of the source with the same normalised words as doc, or DS_ENOTFOUND. */
int ds_index_find_doc(struct ds_index *ix, const struct ds_doc *doc, int64_t *id,
		      struct ds_err *err);

/* ---- reading ---- */

struct ds_source_info {
	int64_t id;
	const char *name;
	const char *date;   /* "YYYY-MM-DD" or "" */
	const char *hash;   /* 32 hex digits */
	uint64_t words;
	uint64_t shingles;
};
/* Calls fn for every source in id order; the strings live during the call.
 * fn returns 0 to go on.  Returns 0, fn's non-zero value, or a DS_E* code. */
int ds_index_list(struct ds_index *ix,
		  int (*fn)(void *ctx, const struct ds_source_info *src), void *ctx,
		  struct ds_err *err);
/* Calls fn once with source id, as ds_index_list would; DS_ENOTFOUND when
 * there is none.  Returns 0, fn's non-zero value, or a DS_E* code. */
int ds_index_get_info(struct ds_index *ix, int64_t id,
		      int (*fn)(void *ctx, const struct ds_source_info *src), void *ctx,
		      struct ds_err *err);

struct ds_index_stats {
	uint64_t sources, words, shingles, band_keys, text_bytes;
	uint64_t bytes; /* storage in use (0 for ":memory:") */
	uint64_t text_store_bytes; /* of bytes, the stored texts' (0: not counted apart) */
	int version;        /* the index's format (schema) version */
	int version_new;    /* the version a new index gets; 'index copy' into a new
			     * index moves one of an older version to it */
};
int ds_index_stats(struct ds_index *ix, struct ds_index_stats *st, struct ds_err *err);
/* Full consistency check (SQLite integrity_check): 0 or DS_ECORRUPT. */
int ds_index_check(struct ds_index *ix, struct ds_err *err);

/* What ds_index_vacuum did. */
struct ds_index_vacuum {
	uint64_t postings;     /* Redis: postings of abandoned adds and removals taken out */
	uint64_t records;      /* Redis: their records (and texts) deleted */
	uint64_t bytes_before; /* SQLite: the file's pages in use before and after */
	uint64_t bytes_after;
	int64_t next_ms;       /* Redis: in how long a vacuum can sweep the adds
				* begun until now (0: SQLite) */
};
/* Reclaims storage; needs a writable index.  SQLite: VACUUM (rewrites the
 * file, holding the write lock meanwhile) and a WAL checkpoint.  Redis
 * (writers take no lock, so a writer that dies leaves its staged ids under
 * their passage keys, where they count towards the common-key limit):
 * takes out the postings and records of ids never registered that were
 * given out before a mark an earlier vacuum set at least a day and an hour
 * ago (the staged records' time to live, and a margin), then sets a new
 * mark; run it daily.  Sources in the index are never touched. */
int ds_index_vacuum(struct ds_index *ix, struct ds_index_vacuum *v, struct ds_err *err);

/* The stored text of source id (malloc'd, NUL-terminated, owned by the
 * caller; *len excludes the NUL). */
int ds_index_get_text(struct ds_index *ix, int64_t id, char **text, size_t *len,
		      struct ds_err *err);

/* ---- queries ---- */

struct ds_match {
	int64_t id;
	char *name;          /* owned by the match: ds_matches_free */
	char date[11];       /* "YYYY-MM-DD" or "" */
	double similarity;   /* shared shingles / the smaller set's size,
			      * counted on the store's keys (fprint.h
			      * ds_fprint_reduce) */
	double coverage;     /* share of the article's words (in sentences) that
			      * the source covers (fprint.h ds_fprint_coverage) */
	double containment;  /* share of the article's shingles found in the source */
	double containment_src; /* share of the source's shingles found in the article */
	uint64_t common;     /* shared shingles */
	uint64_t source_shingles;
	uint64_t source_words;
	uint32_t votes;      /* article sentences sharing a passage key with it */
	float *sent_cover;   /* with ds_query_opts.sent_cover: per sentence of the
			      * article (doc->sent), the share of its shingles
			      * the source holds when it covers it, else 0;
			      * owned by the match */
	size_t nsents;
};

struct ds_query_opts {
	int64_t exclude_id;     /* skip this source (its own id in batch mode); 0 = none */
	double min_similarity;  /* drop sources below it (DS_INDEX_MIN_SIMILARITY) */
	double min_coverage;    /* and those covering less (DS_INDEX_MIN_COVERAGE) */
	size_t candidates;      /* re-ranked exactly (DS_INDEX_CANDIDATES) */
	int sent_cover;         /* fill ds_match.sent_cover */
};
/* Fills opts with the defaults. */
void ds_query_opts_init(struct ds_query_opts *opts);

/* Finds the sources nearest to doc: up to max matches in out, best first
 * (coverage descending, then similarity, then lower id), *n their number
 * (0: no source).  opts may be NULL (defaults).  Release the names with
 * ds_matches_free(out, *n). */
int ds_index_query(struct ds_index *ix, const struct ds_doc *doc,
		   const struct ds_query_opts *opts, struct ds_match *out, size_t max,
		   size_t *n, struct ds_err *err);
/* The same with doc's fingerprint made already (ds_index_fprint), which
 * the caller keeps. */
struct ds_fprint;
int ds_index_query_fp(struct ds_index *ix, const struct ds_doc *doc, const struct ds_fprint *fp,
		      const struct ds_query_opts *opts, struct ds_match *out, size_t max,
		      size_t *n, struct ds_err *err);
void ds_matches_free(struct ds_match *m, size_t n);
/* doc's fingerprint as the index's queries make it (ds_fprint_free frees
 * it); NULL with err set when out of memory. */
struct ds_fprint *ds_index_fprint(struct ds_index *ix, const struct ds_doc *doc,
				  struct ds_err *err);

/* The similarity of a document, by its fingerprint fp (ds_index_fprint),
 * and src (a source's text from ds_index_get_text, tokenised; stemmed or
 * not: its stems are used where it has them) counted on their full
 * shingle hashes, as fprint.h ds_fprint_cmp and 'despin match' give it; a
 * query's ds_match.similarity counts the store's keys, which a few false
 * matches may raise.  Returns 0 with *sim set, or DS_ENOMEM. */
int ds_index_similarity(struct ds_index *ix, const struct ds_fprint *fp,
			const struct ds_doc *src, double *sim, struct ds_err *err);
/* The stemmer the index's fingerprints use (the index owns it; one thread,
 * as the handle): a caller that stems with it shares its cache. */
struct ds_stemmer *ds_index_stemmer(struct ds_index *ix);

#endif
