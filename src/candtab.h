/*
 * candtab.h - the candidate originals of every phrase, computed once when
 * the models are built.
 *
 * The solo evidence asks, of every word and lexicon phrase of an article,
 * which originals it may have replaced (evidence_cand.c): a search through
 * the lexicon, two lexicon steps and the word vectors that depends on the
 * models only.  A process keeps what it found, but a fresh one (a one-off
 * audit, the first articles of a stream) pays for the search of every new
 * word.  This table holds the answers for the lexicon's phrases and the
 * language model's words, so that the search runs only for the rest.
 *
 * File: models/cand.bin (binfmt kind "CANDS"), built by 'make models' with
 * 'despin lex cands'.  It answers for the models it was built from only:
 * their ids (ds_bin_map_id of the language model, lexicon and word vectors)
 * and the search's version and limits (ds_ev_cand_algo) are in its header,
 * and detection uses it only when they are those of the models loaded
 * (ds_candtab_matches).
 * Payload (little-endian, 4-byte fields, 8-byte aligned sections):
 *     uint32 id_lm, id_lex, id_vec, algo
 *     uint32 nphrase, cap, nword, ncand
 *     uint64 pool_len
 *     uint32 slot[cap]                 phrase index + 1 (0 empty), open
 *                                      addressing with linear probing on
 *                                      ds_hash64 of the phrase
 *     struct phrase[nphrase]           text, known, corpus count, its
 *                                      candidates first..first+n
 *     struct word[nword]               a candidate's text and model ids
 *     struct cand[ncand]               word, weight, lexicon sources, related
 *     char   pool[pool_len]            texts, NUL-terminated
 *
 * Lookups check what they read against the sections' bounds, so a damaged
 * payload gives "not there" (the search then runs), never a read out of
 * the map; 'despin check-models' verifies the checksum.  A loaded table is
 * read-only and may be shared by threads.
 */
#ifndef DS_CANDTAB_H
#define DS_CANDTAB_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DS_CANDTAB_KIND "CANDS"
#define DS_CANDTAB_VERSION 1
#define DS_CANDTAB_FILE "cand.bin"
#define DS_CANDTAB_MAX_IDS 3 /* model ids per candidate */

/* The models a table answers for, and the search that filled it. */
struct ds_candtab_id {
	uint32_t lm, lex, vec; /* ds_bin_map_id of each file (vec 0: none) */
	uint32_t algo;         /* version of the candidate search */
};

/* One candidate of a phrase.  text points into the table (or the
 * builder's copy), NUL-terminated. */
struct ds_candtab_cand {
	const char *text;
	uint32_t len;
	uint32_t ids[DS_CANDTAB_MAX_IDS];
	uint8_t ni;
	uint8_t related;
	uint16_t sources;
	float weight;
};

/* A phrase found: whether the lexicon holds it, its corpus count, and n
 * candidates (ds_candtab_cand 0..n). */
struct ds_candtab_ent {
	int known;
	uint32_t freq;
	uint32_t n;
	uint32_t first; /* private */
};

struct ds_candtab;

/* Maps path and checks its header and sections' sizes; NULL with err set
 * (naming the file and how to rebuild it).  Owned by the caller:
 * ds_candtab_free. */
struct ds_candtab *ds_candtab_load(const char *path, struct ds_err *err);
void ds_candtab_free(struct ds_candtab *t);

/* The table's models and search, and whether they are want's. */
void ds_candtab_get_id(const struct ds_candtab *t, struct ds_candtab_id *out);
int ds_candtab_matches(const struct ds_candtab *t, const struct ds_candtab_id *want);
size_t ds_candtab_phrases(const struct ds_candtab *t);

/* The entry of phrase p[0..len): 0, or -1 when the table does not hold it
 * (or what it holds of it is damaged). */
int ds_candtab_find(const struct ds_candtab *t, const char *p, size_t len,
		    struct ds_candtab_ent *e);
/* Candidate i (< e->n) of an entry ds_candtab_find gave: 0, or -1 when
 * damaged (its text out of the pool or not of its length, more than
 * DS_CANDTAB_MAX_IDS ids, a weight outside [0, 1]). */
int ds_candtab_cand(const struct ds_candtab *t, const struct ds_candtab_ent *e, uint32_t i,
		    struct ds_candtab_cand *out);

/* ---- building ---- */

struct ds_candtab_builder;

struct ds_candtab_builder *ds_candtab_builder_new(const struct ds_candtab_id *id);
void ds_candtab_builder_free(struct ds_candtab_builder *b);
/* Adds phrase p[0..len) with its n candidates (their texts copied); a
 * phrase added twice keeps the first.  0 or DS_ENOMEM/DS_EINVAL. */
int ds_candtab_builder_add(struct ds_candtab_builder *b, const char *p, size_t len, int known,
			   uint32_t freq, const struct ds_candtab_cand *c, size_t n);
/* Phrases added so far. */
size_t ds_candtab_builder_count(const struct ds_candtab_builder *b);
/* Writes the table to path atomically.  0 or a DS_E* code with err set. */
int ds_candtab_builder_write(struct ds_candtab_builder *b, const char *path, struct ds_err *err);

#endif
