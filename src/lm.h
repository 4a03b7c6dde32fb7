/*
 * lm.h - the n-gram language model of clean English: loading (despin binary
 * or ARPA), writing (binary or ARPA) and queries.
 *
 * The model is a backoff n-gram model (order 2..DS_LM_MAX_ORDER) as written
 * in ARPA files: every stored n-gram has a log10 probability and, unless it is
 * of the highest order, a log10 backoff weight.  A query for word w after a
 * context finds the longest stored n-gram ending in w and adds the backoff
 * weights of the longer contexts that were not matched (as KenLM and SRILM
 * do).  Probabilities are log10 throughout.
 *
 * Words are small integers (ds_lm_id): 0 is <unk> (any word not in the
 * vocabulary), 1 is <s>, 2 is </s>.
 *
 * Threads: a struct ds_lm is read-only once loaded and may be queried by any
 * number of threads at once.  The query state (struct ds_lm_state) belongs to
 * the caller: it is a small plain struct that may be copied freely.
 *
 * Binary files (kind "LM" of binfmt.h) are memory-mapped: loading checks the
 * envelope's header, the file's size and the layout and touches nothing
 * else; the payload's checksum is checked by ds_models_check (`despin
 * check-models`), once after building or copying.  Hash tables use open addressing; n-gram keys are exact
 * (no false positives): (first word, slot of the rest in the table one order
 * down).
 */
#ifndef DS_LM_H
#define DS_LM_H

#include "binfmt.h"
#include "util.h"

struct ds_doc;

#define DS_LM_MAX_ORDER 6
#define DS_LM_BIN_VERSION 1
#define DS_LM_KIND "LM"
/* The compact layout: sorted n-grams, 16-bit probabilities and 8-bit
 * backoffs (ds_lm_compact). */
#define DS_LMQ_KIND "LMQ"
#define DS_LMQ_VERSION 2
/* How a damaged or missing model is made again (used in messages). */
#define DS_LM_REBUILD DS_BIN_REBUILD

typedef uint32_t ds_lm_id;
#define DS_LM_UNK 0u
#define DS_LM_BOS 1u
#define DS_LM_EOS 2u

struct ds_lm;

/* The left context of the next word.  words[0] is the most recent word;
 * backoff[j] is the log10 backoff weight of the (j+1)-word context
 * words[j..0].  len is kept as short as the model allows (a context that no
 * stored n-gram extends is dropped), so equal states give equal scores. */
struct ds_lm_ctx {
	uint32_t len;
	ds_lm_id words[DS_LM_MAX_ORDER - 1];
	float backoff[DS_LM_MAX_ORDER - 1];
};
/* Components of a mixture, at most (see ds_lm_mix_new). */
#define DS_LM_MIX_MAX 3
/* The state of a model: its context (a mixture: its first component's, in
 * that component's ids) and, for a mixture, the other components' contexts
 * (all zero for a single model). */
struct ds_lm_state {
	uint32_t len;
	ds_lm_id words[DS_LM_MAX_ORDER - 1];
	float backoff[DS_LM_MAX_ORDER - 1];
	struct ds_lm_ctx part[DS_LM_MIX_MAX - 1];
};

struct ds_lm_stats {
	int order;
	uint32_t vocab;                    /* words, with <unk>, <s>, </s> */
	uint64_t count[DS_LM_MAX_ORDER];   /* count[n-1]: n-grams of order n */
	size_t bytes;                      /* size of the model in memory or on disk */
	int mapped;                        /* 1 when memory-mapped from a file */
	int parts;                         /* components of a mixture, 1 for a single model */
	int compact;                       /* 1 for the compact layout (ds_lm_compact) */
};

/* ---- loading and writing ------------------------------------------------ */

/* Loads a model file: a despin binary model (memory-mapped) or, when the
 * file starts with "\data\" (after blank lines), an ARPA file, or a Sphinx
 * trie binary model (both built in memory).  Corrupt, truncated and
 * other-version binaries are refused with a message naming the file and
 * saying "rebuild it (DS_LM_REBUILD)"; a file of none of the three kinds,
 * with one naming them. */
struct ds_lm *ds_lm_load(const char *path, struct ds_err *err);
/* Reads an ARPA file (KenLM, SRILM, IRSTLM output).  Every n-gram's
 * context and suffix must be present, as in any complete model; <unk> is
 * added (log10 p = -100) when missing.  Order at most DS_LM_MAX_ORDER. */
struct ds_lm *ds_lm_load_arpa(const char *path, struct ds_err *err);
/* Reads a CMU Sphinx trie binary model ("Trie Language Model", e.g.
 * pocketsphinx-en-us's en-us.lm.bin; lm_sphinx.c describes the layout) into
 * memory.  Its words are kept as written; <unk> is added (log10 p = -100). */
struct ds_lm *ds_lm_load_sphinx(const char *path, struct ds_err *err);
/* True when data (len bytes) starts like a Sphinx trie binary model. */
int ds_lm_is_sphinx(const void *data, size_t len);
/* What the file at path is when ds_lm_load reads it but it is no despin
 * binary model: "an ARPA text model" or "a Sphinx model" (static strings);
 * NULL for anything else. */
const char *ds_lm_foreign_kind(const char *path);
void ds_lm_free(struct ds_lm *lm);

/* The model's binary file image in memory (*data malloc'ed, owned by the
 * caller), as ds_lm_write would write it (hashed or compact layout); a
 * single model only. */
int ds_lm_image(const struct ds_lm *lm, void **data, size_t *len, struct ds_err *err);
/* A model from a binary file image in memory (data malloc'ed: taken over,
 * also on failure); name is used in messages.  Checks as ds_lm_load. */
struct ds_lm *ds_lm_load_image(void *data, size_t len, const char *name, struct ds_err *err);

/* The model in the compact layout, built in memory (ds_lm_write writes it):
 * the n-grams of each order in one array sorted as a trie, searched by
 * bisection; their log10 probabilities in 16-bit fixed point per order,
 * their backoffs quantised to 256 values per order (bins of equal counts,
 * each its values' mean; backoffs of exactly 0 and "no extension" kept
 * exact); unigrams and the vocabulary as they are.  About a third of the
 * hashed layout's size; scores differ by the rounding (docs/README-lm.md
 * measures the perplexity).  lm must be a single model (not a mixture) with
 * fewer than 2^24 words. */
struct ds_lm *ds_lm_compact(const struct ds_lm *lm, struct ds_err *err);

/* Writes the model as a despin binary (atomically: temporary file, rename). */
int ds_lm_write(const struct ds_lm *lm, const char *path, struct ds_err *err);
/* Writes the model as an ARPA file (atomically), n-grams sorted by word ids
 * within each order, which KenLM, SRILM and despin read back.  Not
 * reentrant: one ARPA writer at a time per process. */
int ds_lm_write_arpa(const struct ds_lm *lm, const char *path, struct ds_err *err);

/* Calls fn(ud, w1, w2, prob) for every bigram "w1 w2" the model holds
 * (prob: log10 P(w2 | w1) as stored, without backing off), in no
 * particular order, until fn returns non-zero, which is returned.
 * DS_EINVAL for a mixture or a model of order 1. */
typedef int (*ds_lm_bigram_fn)(void *ud, ds_lm_id w1, ds_lm_id w2, float prob);
int ds_lm_each_bigram(const struct ds_lm *lm, ds_lm_bigram_fn fn, void *ud);
/* The unigram log10 probability of word w; -99 for a mixture or an id out
 * of range. */
float ds_lm_unigram(const struct ds_lm *lm, ds_lm_id w);

int ds_lm_order(const struct ds_lm *lm);
/* The file the model was loaded from (NULL for a model built in memory). */
const char *ds_lm_path(const struct ds_lm *lm);
/* The model file's id (binfmt.h ds_bin_map_id: its header checksum), a
 * mixture's its own file's; 0 for a model not mapped from a despin model
 * file (built in memory, read from ARPA, a mixture made at run time). */
uint32_t ds_lm_file_id(const struct ds_lm *lm);
void ds_lm_get_stats(const struct ds_lm *lm, struct ds_lm_stats *st);

/* ---- vocabulary ---------------------------------------------------------- */

/* The id of a word (len bytes, need not be NUL-terminated), DS_LM_UNK when
 * it is not in the vocabulary.  Words are compared through a 64-bit hash. */
ds_lm_id ds_lm_vocab(const struct ds_lm *lm, const char *w, size_t len);
/* ds_lm_vocab of n words at once (faster: lookups overlap): out[i] receives
 * the id of w[i] (len[i] bytes); entries whose w[i] is NULL are left alone. */
void ds_lm_vocab_many(const struct ds_lm *lm, const char *const *w, const size_t *len,
		      size_t n, ds_lm_id *out);
/* The string of a word id (NUL-terminated, lives as long as lm); NULL when
 * id is out of range. */
const char *ds_lm_word(const struct ds_lm *lm, ds_lm_id id);
/* Number of word ids (valid ids are 0 .. n-1). */
uint32_t ds_lm_vocab_size(const struct ds_lm *lm);

/* ---- queries ----------------------------------------------------------- */

/* Sets *st to the context at the start of a sentence (after <s>). */
void ds_lm_begin(const struct ds_lm *lm, struct ds_lm_state *st);
/* Sets *st to the empty context (no history at all). */
void ds_lm_null(struct ds_lm_state *st);

/* log10 p(w | in).  Writes the context after w to *out (which may be the
 * same object as in) and, if ngram_len is not NULL, the length of the
 * longest stored n-gram that matched (1 = unigram, also for <unk>). */
float ds_lm_score(const struct ds_lm *lm, const struct ds_lm_state *in,
		  ds_lm_id w, struct ds_lm_state *out, int *ngram_len);

/* Scores n words after the context *in: returns the sum of their log10
 * probabilities.  per_word (n floats) and ngram_len (n ints) receive each
 * word's score and n-gram length when not NULL; *out (when not NULL)
 * receives the context after the last word.  DS_LM_BOS inside w resets the
 * context to the start of a sentence and scores 0.  This is the call to use
 * for "these k words after this context", e.g. candidate replacements. */
double ds_lm_score_span(const struct ds_lm *lm, const struct ds_lm_state *in,
			const ds_lm_id *w, size_t n, struct ds_lm_state *out,
			float *per_word, int *ngram_len);
/* The same, with before[i] (n states; NULL: not wanted) the context before
 * word i, as ds_lm_score would have it stepping word by word from *in: a
 * document's pass that needs every context, with the lookups of the words
 * ahead fetched while a word is scored. */
double ds_lm_score_span_states(const struct ds_lm *lm, const struct ds_lm_state *in,
			       const ds_lm_id *w, size_t n, struct ds_lm_state *before,
			       struct ds_lm_state *out, float *per_word, int *ngram_len);

/* Scores ns spans that all start from the context *in (the candidates for
 * one slot): total[s] gets what ds_lm_score_span(lm, in, w[s], n[s], NULL,
 * per_word[s], NULL) returns, and per_word (NULL, or ns pointers of which
 * any may be NULL) each word's score, the same figures to the bit.  The
 * spans are scored side by side, word i of each before word i + 1 of any,
 * so that their n-gram lookups are fetched from memory together rather than
 * one after another. */
void ds_lm_score_spans(const struct ds_lm *lm, const struct ds_lm_state *in,
		       const ds_lm_id *const *w, const size_t *n, size_t ns, double *total,
		       float *const *per_word);

/* A tail of words that every span of ds_lm_score_spans_tail ends with, as
 * it reads in a text already scored: st[k] the state before its word k
 * there and p[k] that word's score.  Borrowed: the caller keeps both. */
struct ds_lm_tail {
	size_t n;
	const struct ds_lm_state *st;
	const float *p;
};

/* ds_lm_score_spans where span s ends with the n words of tail (its last
 * tail->n words are those the text has after the slot).  Once a span's
 * state before a tail word is the text's own state there, the rest of
 * the span scores as the text does, so its scores are taken from tail->p
 * instead of being looked up: the same figures to the bit, with fewer
 * lookups (an n-gram model forgets a candidate a few words on, sooner when
 * it backs off).  tail NULL or empty: ds_lm_score_spans. */
void ds_lm_score_spans_tail(const struct ds_lm *lm, const struct ds_lm_state *in,
			    const ds_lm_id *const *w, const size_t *n, size_t ns,
			    const struct ds_lm_tail *tail, double *total, float *const *per_word);

/* 1 when a and b are the same state of one model: the same contexts (words
 * and backoffs, as far as each context's length), whatever else the structs
 * hold; the scores of any words that follow are then the same. */
int ds_lm_state_same(const struct ds_lm_state *a, const struct ds_lm_state *b);

/* Scores a whole sentence given as ids without markers: <s> w... </s>.
 * Returns the total log10 probability including </s>. */
double ds_lm_score_sentence(const struct ds_lm *lm, const ds_lm_id *w, size_t n);

/* ---- from documents to model words ------------------------------------ */

/* The model word of token i of doc (no copy; *len receives its length):
 * numbers are mapped to their class (ds_num_class, e.g. "<num>"), every
 * other token (words and punctuation) to its lower-cased normalised form.
 * Training and queries both use this mapping. */
const char *ds_lm_tok_word(const struct ds_doc *doc, size_t i, size_t *len);

/* No token: marks <s> and </s> in sequences. */
#define DS_LM_NO_TOK UINT32_MAX

/* Calls fn for each model word of doc, sentence by sentence: "<s>" (tok =
 * DS_LM_NO_TOK), the sentence's words with their token index, "</s>"
 * (DS_LM_NO_TOK).  Boilerplate sentences and sentences without tokens are
 * skipped.  Stops and returns fn's value when it is not 0. */
typedef int (*ds_lm_word_fn)(void *ctx, const char *w, size_t len, uint32_t tok);
int ds_lm_doc_words(const struct ds_doc *doc, ds_lm_word_fn fn, void *ctx);

/* A document as model word ids, with <s> and </s> around each sentence
 * (their tok is DS_LM_NO_TOK): what ds_lm_score_span takes.  Owned by the
 * caller; reuse it across documents and release it with ds_lm_seq_free. */
struct ds_lm_seq {
	ds_lm_id *id;
	uint32_t *tok;   /* token index in the doc, or DS_LM_NO_TOK */
	size_t n, cap;
};
/* Fills seq (replacing its contents) with doc's words as lm's ids.
 * Returns 0 or DS_ENOMEM. */
int ds_lm_doc_seq(const struct ds_lm *lm, const struct ds_doc *doc,
		  struct ds_lm_seq *seq);
void ds_lm_seq_free(struct ds_lm_seq *seq);

/* ---- mixtures (lm_mix.c) ------------------------------------------------
 *
 * A mixture interpolates 2 to DS_LM_MIX_MAX models per word:
 * p(w | h) = sum_c weight_c p_c(w | h), each component with its own context,
 * behind the same calls as a single model (ds_lm_vocab, ds_lm_score...).
 * Its word ids are the first component's, then the words only later
 * components know.  A component without punctuation tokens (a "words-only"
 * model such as the Sphinx background model: lower case, no punctuation, no
 * number classes) skips the tokens it does not model (punctuation, number
 * classes): its context goes on without them, it gives them the first
 * component's probability, and its word probabilities are scaled by the
 * share of words among tokens (so the mixture stays close to normalised).
 *
 * A mixture file (kind DS_LM_MIX_KIND) names its component files (relative
 * to its own directory, checked against their size and checksum) and holds
 * the fitted weights and the word maps; ds_lm_load opens it with its
 * components. */
#define DS_LM_MIX_BUCKETS (DS_LM_MAX_ORDER * DS_LM_MAX_ORDER)
#define DS_LM_MIX_KIND "LMMIX"
#define DS_LM_MIX_VERSION 1

/* Mixture weights are kept per bucket of the context: the lengths l0 and l1
 * (0 .. DS_LM_MAX_ORDER - 1) of the contexts the first two components hold
 * (how much of the history each knows as an n-gram), bucket
 * l0 * DS_LM_MAX_ORDER + l1: where the first knows nothing of the history and
 * the second two words of it, the second counts for more.  Weight arrays
 * below are DS_LM_MIX_BUCKETS rows of DS_LM_MIX_MAX doubles,
 * w[bucket * DS_LM_MIX_MAX + component].
 *
 * A mixture of the n models comp[0..n-1] (taken over: freed with the
 * mixture, and on failure), weights w (NULL: equal; normalised).  Builds
 * the word maps (a few tens of milliseconds for large vocabularies). */
struct ds_lm *ds_lm_mix_new(struct ds_lm **comp, int n, const double *w, struct ds_err *err);
/* Adds a component (taken over, also on failure) to a mixture; w gives the
 * weights of all components after the addition (NULL: the new one gets
 * 1/(n+1), the others keep their ratios). */
int ds_lm_mix_add(struct ds_lm *mix, struct ds_lm *comp, const double *w, struct ds_err *err);
/* Number of components (1 for a single model); w (a weight array, may be
 * NULL) receives the weights. */
int ds_lm_mix_weights(const struct ds_lm *lm, double *w);
int ds_lm_mix_set_weights(struct ds_lm *mix, const double *w);
/* Component i of a mixture (NULL when out of range). */
const struct ds_lm *ds_lm_mix_part(const struct ds_lm *mix, int i);
/* Fits the weights by expectation-maximisation on a word sequence (as
 * ds_lm_doc_seq makes it, in the mixture's ids; unknown words are left out)
 * and sets them.  Returns the number of words used; *log10_total (may be
 * NULL) receives their total log10 probability under the fitted weights. */
size_t ds_lm_mix_fit(struct ds_lm *mix, const ds_lm_id *ids, size_t n, int iterations,
		     double *log10_total);
/* Writes a mixture file, which names its components by their file names:
 * the loader looks for them in the mixture's folder, so that the folder
 * moves as a whole.  Each component must have been loaded from a file that
 * is found there (ds_lm_mix_can_name); nothing is written otherwise. */
int ds_lm_mix_write(const struct ds_lm *mix, const char *path, struct ds_err *err);
/* Whether a mixture written to path can name the model file comp: comp is
 * found in path's folder under its own file name (the same file, or a link
 * to it), and is not path itself.  0, or an error code with err naming comp
 * and saying why. */
int ds_lm_mix_can_name(const char *path, const char *comp, struct ds_err *err);

/* ---- building (used by the trainer and the ARPA reader) --------------- */

/* An n-gram model as plain lists, the common input of ds_lm_build.  ids of
 * order n are n words per entry, oldest first; entries in any order.  Vocab
 * strings: words[i] for id i, ids 0, 1, 2 being <unk>, <s>, </s>. */
struct ds_lm_grams {
	size_t n;        /* entries */
	uint32_t *ids;   /* n * order ids */
	float *prob;     /* log10 probabilities */
	float *backoff;  /* log10 backoffs (NULL for the highest order: 0) */
};
struct ds_lm_lists {
	int order;
	uint32_t vocab;
	const char *const *words;   /* vocab strings */
	struct ds_lm_grams g[DS_LM_MAX_ORDER];   /* g[n-1]: order n; g[0] has vocab entries in id order, its ids may be NULL */
};
/* Builds an in-memory model from lists (nothing of lists is kept).
 * Fails with DS_EFORMAT when an n-gram's context or suffix is missing. */
struct ds_lm *ds_lm_build(const struct ds_lm_lists *lists, const char *name,
			  struct ds_err *err);

#endif
