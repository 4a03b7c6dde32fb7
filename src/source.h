/*
 * source.h - finding an article's sources in an index and choosing among
 * them (the public side is in despin.h: ds_finder_*, ds_sources_*,
 * ds_detect_found).
 *
 * The index (index.h) hands back the sources that cover sentences of the
 * article, with, for each, the share of every sentence's shingles it holds.
 * The choice is greedy: the source covering most words of the article
 * first, then the one covering most of what is still uncovered, and so on
 * while a source adds at least DS_INDEX_MIN_COVERAGE of the article in two
 * sentences or more (at most DS_SOURCES_MAX sources).  Each covered sentence
 * then goes to the chosen source that holds most of its shingles; runs of
 * sentences of one source become its byte ranges in the article.  The main
 * source is the one covering most words.
 *
 * Several sources are judged together: their texts are joined, in the order
 * in which the article first uses them, into one source text that the
 * detector aligns the article with; the words no source covers are scored
 * on their own as usual.
 */
#ifndef DS_SOURCE_H
#define DS_SOURCE_H

#include "despin.h"

/* At most this many sources per article. */
#define DS_SOURCES_MAX 4

struct ds_doc;
struct ds_fprint;
struct ds_index;
struct ds_match;

/* A mark of ds_sources_choose's last: the match has the article's very
 * words (its content hash), and the article's text stands for it. */
#define DS_COPY_OWN_WORDS 2

/* Builds the choice for doc (tokenised and stemmed; fp its fingerprint,
 * ds_index_fprint, or NULL: made here) from the index's matches m[0..n)
 * (queried with sent_cover); doc is taken over (freed by
 * ds_sources_free), fp is the caller's.  rank (NULL: none) ranks the matches, lower first:
 * of the sources covering at least 0.6 of what the best one covers, the
 * best ranked is chosen (batch mode ranks the oldest first).  The
 * matches marked in last (NULL: none; the article's copies) are taken
 * only for the sentences no other match has; one marked
 * DS_COPY_OWN_WORDS has the article's very words, and the article's text
 * stands for it (it is not read from ix).  Source texts are read from
 * ix.  NULL with err set when out of memory or the index fails. */
struct ds_sources *ds_sources_choose(struct ds_index *ix, struct ds_doc *doc,
				     const struct ds_fprint *fp, const struct ds_match *m, size_t n,
				     const double *rank, const unsigned char *last,
				     struct ds_err *err);

#endif
