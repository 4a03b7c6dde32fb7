/*
 * align.h - word alignment of an article with its source.
 *
 * Sentences are matched first (each article sentence with the source
 * sentence, or pair of consecutive sentences, sharing most words), so that
 * deleted, inserted or moved paragraphs do not derail the alignment; words
 * are then aligned inside each matched pair by a longest-common-subsequence
 * dynamic programme on lower-cased forms.  What lies between two aligned
 * words is an edit: a substitution (n:m words), an insertion (article only)
 * or a deletion (source only), with byte offsets in both files.
 *
 * Boilerplate tokens (DS_TF_BOILER) are left out.  The result is owned by
 * the caller (ds_align_free).  Both documents must outlive the result only
 * while the caller reads token indices through it.
 */
#ifndef DS_ALIGN_H
#define DS_ALIGN_H

#include "text.h"

enum ds_edit_kind {
	DS_EDIT_SUB = 1, /* article words replace source words */
	DS_EDIT_INS = 2, /* article words with no source counterpart */
	DS_EDIT_DEL = 3  /* source words left out of the article */
};

struct ds_edit {
	uint8_t kind;          /* enum ds_edit_kind */
	uint8_t pad[3];
	uint32_t a_begin, a_end; /* article tokens [begin, end) (empty for DEL) */
	uint32_t s_begin, s_end; /* source tokens [begin, end) (empty for INS) */
	uint32_t a_sent;         /* article sentence */
	uint32_t pair;           /* index of the sentence pair in ds_align.pairs */
};

struct ds_sent_pair {
	uint32_t a_sent;         /* article sentence */
	uint32_t s_first, s_last;/* source sentences [first, last] */
	uint32_t a_words;        /* word tokens of the article sentence */
	uint32_t matched;        /* of them aligned to an identical source word */
	double sim;              /* matched / max(words on either side) */
};

struct ds_align {
	struct ds_edit *edits;
	size_t nedits, edits_cap;
	struct ds_sent_pair *pairs;
	size_t npairs, pairs_cap;
	/* a_match[i]: source token aligned with article token i, or UINT32_MAX */
	uint32_t *a_match;
	size_t a_words;          /* article word tokens outside boilerplate */
	size_t a_words_paired;   /* of them in a matched sentence pair */
	size_t a_words_matched;  /* of them aligned with an identical word */
	size_t a_words_short;    /* of them in sentences too short to pair */
	size_t s_words;          /* source word tokens outside boilerplate */
	size_t s_words_short;    /* of them in sentences too short to pair */
};

/* Minimum share of shared words for two sentences to be paired. */
#define DS_ALIGN_MIN_SIM 0.25
/* An article sentence of fewer distinct words is not paired ("Isn't.",
 * "He snapped."): the share of shared words says nothing about so few. */
#define DS_ALIGN_MIN_WORDS 3

/* Aligns article a with source s.  Returns NULL on allocation failure (with
 * err set). */
struct ds_align *ds_align_new(const struct ds_doc *a, const struct ds_doc *s,
			      struct ds_err *err);
void ds_align_free(struct ds_align *al);

#endif
