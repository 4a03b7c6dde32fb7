/*
 * lex.h - the synonym-substitution lexicon: which words and short phrases a
 * spinner may have put for which, with a weight.
 *
 * A pair (original, substitute) says that a spinner meeting ORIGINAL in a
 * clean text may write SUBSTITUTE instead ("war" -> "battle", "year" ->
 * "12 months").  The detector mostly asks the reverse question: given a word
 * or phrase in an article, which originals could it have replaced?
 *
 * Phrases are lower-case UTF-8, 1 to DS_LEX_MAX_WORDS words separated by one
 * space ("loss of life"), as ds_tok_lower gives them.  Pairs are stored on
 * lemmas (as thesauri list them) and, for pairs learnt from the corpus, on
 * their inflected forms too; the _inflected and relation calls find "assemblies"
 * -> "meetings" and "instructed" -> "told" through the morphology kept in the
 * model (regular rules plus WordNet's lists of irregular forms).
 *
 * The model (models/lex.bin, binfmt kind "LEX") is built from a TSV source of
 * truth by ds_lex_build_bin (lex_build.h) and memory-mapped by ds_lex_load.
 *
 * Threads: a loaded struct ds_lex is read-only and may be shared by any number
 * of threads.  Calls that stem take a struct ds_stemmer *, which is not
 * thread-safe: give each thread its own (NULL skips stem matching).
 * Hit texts point into the model (or into the caller's buffer for the
 * _inflected call) and live as long as those.
 */
#ifndef DS_LEX_H
#define DS_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define DS_LEX_FORMAT_VERSION 3 /* 3: a filter of the phrases of several words */
#define DS_LEX_MAX_WORDS 3     /* words per phrase */
#define DS_LEX_MAX_PHRASE 96   /* bytes per phrase, NUL excluded */

/* Where a pair comes from (bits of ds_lex_hit.sources). */
enum ds_lex_source {
	DS_LEX_SRC_WORDNET = 1 << 0,  /* same WordNet 3.0 synset */
	DS_LEX_SRC_WN_REL = 1 << 1,   /* WordNet similar-to, also-see, verb group,
				       * hypernym or hyponym */
	DS_LEX_SRC_MYTHES = 1 << 2,   /* OpenOffice thesaurus, plain synonym */
	DS_LEX_SRC_MY_REL = 1 << 3,   /* OpenOffice thesaurus, similar, related
				       * or generic term */
	DS_LEX_SRC_DIST = 1 << 4,     /* distributional neighbours in the corpus */
	DS_LEX_SRC_NUMBER = 1 << 5,   /* number words, digits, units */
	DS_LEX_SRC_OBSERVED = 1 << 6, /* seen in aligned spun/source texts */
	DS_LEX_SRC_INFLECTED = 1 << 7 /* inflected copy of a corpus pair */
};
#define DS_LEX_SRC_ALL 0xff

/* Parts of speech (bits). */
enum ds_lex_pos {
	DS_LEX_NOUN = 1 << 0,
	DS_LEX_VERB = 1 << 1,
	DS_LEX_ADJ = 1 << 2,
	DS_LEX_ADV = 1 << 3
};

/* How a hit was matched. */
enum ds_lex_match {
	DS_LEX_MATCH_SURFACE = 1, /* the phrase itself */
	DS_LEX_MATCH_LEMMA = 2,   /* through its lemma, other side inflected to match */
	DS_LEX_MATCH_STEM = 3     /* through Snowball stems of every word */
};

/* Inflection classes used by ds_lex_analyse / ds_lex_inflect. */
enum ds_lex_infl {
	DS_LEX_BASE = 0,   /* noun singular, verb base form, adjective positive */
	DS_LEX_PLURAL = 1, /* nouns */
	DS_LEX_3SG = 2,    /* verbs: -s */
	DS_LEX_PAST = 3,   /* verbs: past tense or past participle */
	DS_LEX_ING = 4,    /* verbs: -ing */
	DS_LEX_COMPAR = 5, /* adjectives: -er */
	DS_LEX_SUPERL = 6  /* adjectives: -est */
};

struct ds_lex;
struct ds_stemmer;

/* One pair seen from the side that was looked up. */
struct ds_lex_hit {
	const char *text;  /* the other side, NUL-terminated */
	uint32_t len;      /* its length in bytes */
	float weight;      /* plausibility as a spinner substitution, (0, 1] */
	uint16_t sources;  /* DS_LEX_SRC_* bits */
	uint8_t pos;       /* DS_LEX_* part-of-speech bits (0 = unknown) */
	uint8_t match;     /* DS_LEX_MATCH_* */
	uint32_t senses;   /* senses (synsets, thesaurus entries) the pair shares */
};

/* Details of ds_lex_relation. */
struct ds_lex_rel {
	float forward;     /* weight of orig -> subst (a spinner put subst for orig) */
	float backward;    /* weight of subst -> orig (the reverse substitution) */
	uint16_t sources;  /* sources of the forward pair (else of the backward one) */
	uint8_t match;     /* DS_LEX_MATCH_* of the best pair found, 0 if none */
};

/* Figures about a loaded model. */
struct ds_lex_info {
	uint64_t phrases, pairs, stem_keys, irregular_forms;
	uint64_t bytes;    /* size of the file */
};

/* Maps and checks a model file.  Returns NULL with the reason in err (a
 * model of another format version says how to rebuild it). */
struct ds_lex *ds_lex_load(const char *path, struct ds_err *err);
void ds_lex_free(struct ds_lex *lex);
void ds_lex_info(const struct ds_lex *lex, struct ds_lex_info *info);
/* The phrases of the lexicon, i < ds_lex_phrases: NUL-terminated, *len
 * bytes (points into the model). */
size_t ds_lex_phrases(const struct ds_lex *lex);
/* The model file's id (binfmt.h ds_bin_map_id); 0 when built in memory. */
uint32_t ds_lex_file_id(const struct ds_lex *lex);
const char *ds_lex_phrase(const struct ds_lex *lex, size_t i, size_t *len);

/* True when the phrase (lower-case, words separated by one space) is in the
 * lexicon on either side.  *freq (may be NULL) gets its count in the corpus
 * the model was built with (0 if unknown). */
int ds_lex_has(const struct ds_lex *lex, const char *phrase, size_t len, uint32_t *freq);

/* Originals that phrase, found in a text, could have replaced: pairs
 * (original, phrase), by surface form only.  Fills up to max hits, best
 * weight first, and returns how many it wrote. */
size_t ds_lex_originals(const struct ds_lex *lex, const char *phrase, size_t len,
			struct ds_lex_hit *out, size_t max);
/* Substitutes a spinner could put for phrase: pairs (phrase, substitute). */
size_t ds_lex_substitutes(const struct ds_lex *lex, const char *phrase, size_t len,
			  struct ds_lex_hit *out, size_t max);

/* Like ds_lex_originals, also matching through the lemma (with the original
 * inflected to the phrase's form: "assemblies" -> "meetings", "instructed"
 * -> "told", "shedding" -> "losing") and, when st is not NULL, through the
 * Snowball stems of every word.  Inflected texts are written to buf (bufsize
 * bytes; 2 KB is plenty for 64 hits); hits whose text does not fit are left
 * out.  One hit per distinct text (a surface match wins over a lemma match,
 * which wins over a stem match of the same text); lemma matches weigh 0.9 and
 * stem matches 0.5 of the pair's weight.  Best weight first, among up to 256
 * candidates. */
size_t ds_lex_originals_inflected(const struct ds_lex *lex, struct ds_stemmer *st,
				  const char *phrase, size_t len,
				  struct ds_lex_hit *out, size_t max,
				  char *buf, size_t bufsize);
/* The same for substitutes of phrase. */
size_t ds_lex_substitutes_inflected(const struct ds_lex *lex, struct ds_stemmer *st,
				    const char *phrase, size_t len,
				    struct ds_lex_hit *out, size_t max,
				    char *buf, size_t bufsize);

/* How plausible it is that a spinner wrote subst for orig (both lower-case
 * phrases, NUL-terminated).  Checks surface forms, then lemmas with matching
 * inflection, then (when st is not NULL) stems, then, for phrases of as
 * many words, word by word ("losing ground" -> "shedding floor": the weakest
 * differing word counts, match is the loosest used).  Returns the forward
 * weight, 0 when unrelated; rel (may be NULL) also gets the backward weight
 * (subst listed with orig as substitute), the sources and how it matched. */
float ds_lex_relation(const struct ds_lex *lex, struct ds_stemmer *st,
		      const char *orig, const char *subst, struct ds_lex_rel *rel);

/* ---- morphology (regular English rules + WordNet's irregular forms) ---- */

struct ds_lex_form {
	char lemma[DS_LEX_MAX_PHRASE + 1];
	uint8_t pos;   /* one DS_LEX_* bit */
	uint8_t infl;  /* DS_LEX_BASE ... */
};

/* Possible (lemma, part of speech, inflection) readings of a word or phrase
 * (a phrase is inflected on its head: the first word of a verb phrase, the
 * last word of a noun phrase, or the word before "of").  Only readings whose
 * lemma is in the lexicon with that part of speech (or irregular forms) are
 * kept; the phrase itself comes first as DS_LEX_BASE when it is in the
 * lexicon.  Returns the number written (at most max). */
size_t ds_lex_analyse(const struct ds_lex *lex, const char *phrase, size_t len,
		      struct ds_lex_form *out, size_t max);

/* Writes the form of lemma (a phrase) for part of speech pos and inflection
 * infl into buf (NUL-terminated).  Irregular forms come from the model (lex
 * may be NULL: regular rules only); variant selects among several irregular
 * forms ("went", "gone").  Returns the length, 0 when variant is past the
 * last form, or DS_ETOOBIG when buf is too small. */
int ds_lex_inflect(const struct ds_lex *lex, const char *lemma, size_t len,
		   int pos, int infl, unsigned variant, char *buf, size_t size);

/* Names of sources, comma-separated ("wordnet,dist"), into buf; returns buf.
 * ds_lex_source_parse reads such a list: returns the bits or -1. */
const char *ds_lex_sources_str(unsigned sources, char *buf, size_t size);
int ds_lex_sources_parse(const char *s, size_t len);

#endif
