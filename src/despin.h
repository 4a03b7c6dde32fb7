/*
 * despin.h - public interface of libdespin, a detector of spun text.
 *
 * This is the only header a user of the library includes.  Every name carries
 * the prefix ds_ (DS_ for constants).  Conventions:
 *
 *  - Actions return 0 on success or a negative DS_E* code and, when given a
 *    struct ds_err, leave a one-line message there (lower case, no newline).
 *  - Constructors return a new handle or NULL, with the reason in the ds_err.
 *  - What a function returns is owned by the caller when the function's name
 *    ends in _new, _open, _load or _dup; release it with the matching _free or
 *    _close (which accept NULL).  Anything else points into the handle and
 *    lives as long as the handle, unless the comment says otherwise.
 *  - The library never prints, exits or aborts; the command line does.
 *  - Thread rules are given per handle below.
 */
#ifndef DESPIN_H
#define DESPIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DS_VERSION_STRING "0.1.0"
#define DS_VERSION_MAJOR 0
#define DS_VERSION_MINOR 1
#define DS_VERSION_PATCH 0

/* Returns DS_VERSION_STRING of the library actually linked. */
const char *ds_version(void);

/* Error codes (negative). */
enum {
	DS_OK = 0,
	DS_ENOMEM = -1,    /* out of memory */
	DS_EIO = -2,       /* cannot read or write a file */
	DS_EFORMAT = -3,   /* malformed input (model file, ARPA, JSON, ...) */
	DS_EVERSION = -4,  /* model file of another format version */
	DS_ECORRUPT = -5,  /* checksum mismatch or truncated file */
	DS_EBINARY = -6,   /* input is binary (NUL bytes), not text */
	DS_EEMPTY = -7,    /* input holds no text */
	DS_ETOOBIG = -8,   /* input exceeds a documented limit */
	DS_EINVAL = -9,    /* invalid argument */
	DS_ENOTFOUND = -10,/* no such entry */
	DS_EBUSY = -11,    /* resource locked by another process */
	DS_EDB = -12,      /* database error */
	DS_ETOOLONG = -13  /* an article past the work bound: too long to judge */
};

/* A caller-owned error record.  A message longer than msg holds has the
 * middle of its longest word (a long file name, most often) replaced by
 * "...", so that the problem it ends with is kept. */
struct ds_err {
	int code;
	char msg[512];
};

/* Returns a static, human-readable name for an error code. */
const char *ds_strerror(int code);

/* Removes the temporary files the library has open at this moment (an
 * atomic write's "FILE.tmp.PID", a batch's index and its -wal and -shm
 * files, and those a program lists with ds_temp_add).  Async-signal-safe:
 * for a program's handler of SIGINT or SIGTERM, which then ends the
 * process (the files are gone, so nothing may use them after).  A normal
 * return or an error path removes them anyway; this is for being killed. */
void ds_temp_remove_all(void);
/* Lists PATH (copied; at most 4,095 bytes) until ds_temp_del: a file, or a
 * folder when is_dir (removed after the files).  0, or DS_ETOOBIG when the
 * list of 64 is full or the path too long (the file is then only not
 * removed on a signal). */
int ds_temp_add(const char *path, int is_dir);
void ds_temp_del(const char *path);
/* mkstemp (is_dir 0) or mkdtemp (is_dir 1) of TMPL, a name ending in
 * "XXXXXX" that is rewritten in place, listed as ds_temp_add does with no
 * moment between in which a signal finds the new file unlisted.  Returns
 * the open descriptor of the file (the caller's to close), 0 for a folder,
 * or -1 with errno set. */
int ds_temp_create(char *tmpl, int is_dir);


/* ---- HTML input ------------------------------------------------------------
 * A saved web page is judged on the text a reader sees.  ds_html_is says
 * whether len bytes are an HTML document: after a byte-order mark, blanks,
 * comments and an XML declaration, "<!DOCTYPE html", "<html", "<head",
 * "<body", "<meta" or "<title" (any case).  ds_html_text returns that text
 * (malloc'd, NUL-terminated, owned by the caller), ready for ds_doc_new:
 * - blocks (p, div, h1-h6, li, td, blockquote, article, ...) end a paragraph,
 *   <br> a line, and so does a line break in <pre> (a blank line there, a
 *   paragraph); inline markup (a, span, em, ...) is dropped, its text kept;
 * - scripts, styles, the title, comments, and menus, forms, asides,
 *   footers and embedded media (nav, form, aside, footer, svg, ...) are
 *   dropped with what they hold, and so is an element hidden from the
 *   reader (the hidden attribute, a style of display:none or
 *   visibility:hidden, a <dialog> not open; kept on a page that hides
 *   more text than it shows, one its scripts show) (a page that never
 *   closes one is read again with them kept), and so are headline boxes:
 *   paragraphs in a row whose text is links alone (nine letters in ten or
 *   more) with 3 links or more among them (a page of nothing else is read
 *   with them);
 * - character references are decoded (numeric, and the named ones news
 *   pages use; an unknown name stays as written; the names of HTML 4's
 *   legacy set, amp, lt, gt, quot and those of Latin-1's characters, also
 *   without their ';', "&nbsp", "&eacute"); blanks are collapsed;
 * - a page that declares Windows-1252 or Latin-1 (<meta charset>) and is
 *   not well-formed UTF-8 is read as Windows-1252 (ds_html_is_1252 says
 *   whether it is one); on another page, the bytes that are no part of
 *   UTF-8 are (as ds_text_from_1252 reads text);
 * - a publication date (<meta property="article:published_time">,
 *   itemprop "datePublished" or "datePublished" in the page's JSON-LD
 *   <script type="application/ld+json">, <time datetime>, ...) becomes the text's
 *   "date YYYY-MM-DD" header, which batch mode reads.
 * Returns 0, or DS_ENOMEM.  Offsets in a result are offsets in this text;
 * ds_html_text_map also returns where the text's bytes come from in the
 * page (*map, owned by the caller: ds_html_map_free), so that
 * ds_html_map_page gives the page offset of a text offset (end: of the end
 * of a span), and ds_result_set_page makes a result's JSON give page
 * offsets.  A page of 4 GiB or more has no map (DS_ETOOBIG). */
int ds_html_is(const char *text, size_t len);
int ds_html_is_1252(const char *html, size_t len);
int ds_html_text(const char *html, size_t len, char **text, size_t *text_len, struct ds_err *err);
struct ds_html_map;
int ds_html_text_map(const char *html, size_t len, char **text, size_t *text_len,
		     struct ds_html_map **map, struct ds_err *err);
size_t ds_html_map_page(const struct ds_html_map *map, size_t text_off, int end);
void ds_html_map_free(struct ds_html_map *map);

/* Text in an 8-bit encoding.  Old text files and mail are often Windows-1252
 * or Latin-1, and scraped UTF-8 text often holds a stray byte of them (0x92,
 * a curly apostrophe).  ds_text_legacy_bytes counts the bytes of text that
 * are no part of well-formed UTF-8 (the first at *first, may be NULL); 0
 * when there are none, and when the bytes are no text this reading can fix
 * (a NUL byte, UTF-16, a PDF or other document, or as many odd bytes as a
 * binary file has: ds_doc_new refuses those).  ds_text_from_1252 reads
 * each such byte as the Windows-1252 character (Latin-1 for 0xA0-0xFF; the
 * five bytes Windows-1252 leaves undefined become U+FFFD) and keeps the rest
 * as it is: the UTF-8 text in *text (NUL-terminated, owned by the caller),
 * and in *map (may be NULL; ds_html_map_free) where its bytes come from,
 * for ds_result_set_page.  Returns 0, DS_ENOMEM, or DS_ETOOBIG for a map of
 * 4 GiB or more.  The reading is a guess: say so where it is made. */
size_t ds_text_legacy_bytes(const char *text, size_t len, size_t *first);
int ds_text_from_1252(const char *in, size_t len, char **text, size_t *text_len,
		      struct ds_html_map **map, struct ds_err *err);

/* A MIME message: a web page saved as one file (.mhtml, "Webpage, Single
 * File") or an e-mail (.eml).  ds_mime_is says whether text is one: a
 * header block with MIME-Version and a Content-Type of multipart/ or
 * text/, or a plain e-mail's (no MIME-Version; From: and a Subject:, Date:
 * or To:, and no Content-Type other than text/plain).  ds_mime_text_map gives the text of its first part that is text
 * (text/plain or text/html, not an attachment; through nested multiparts
 * and forwarded messages; of a plain text and a page that are alternatives,
 * the plain text unless it has under half the page's words, a stub of it;
 * a forwarded message, message/rfc822, whose text is longer than the text
 * before it, a note sent with it, in that text's place):
 * quoted-printable and base64 decoded, bytes that
 * are no UTF-8 read as Windows-1252, a plain text in format=flowed (RFC
 * 3676) with its wrapped lines joined (a line that ends in a space goes on
 * in the next; stuffed spaces left out; "-- " stays a line of its own), a
 * page read as ds_html_text reads one,
 * and an e-mail's Date as the date header (a saved page's Date is when it
 * was saved: not used).  *text (NUL-terminated) and *map (may be NULL:
 * where the text comes from in the message, for ds_result_set_page) are
 * owned by the caller.  Returns 0, DS_EEMPTY for a message with no text
 * part, DS_EBINARY for a text part in UTF-16 or UTF-32 (its charset),
 * DS_ETOOBIG (4 GiB or more) or DS_ENOMEM. */
int ds_mime_is(const char *text, size_t len);
int ds_mime_text_map(const char *msg, size_t len, char **text, size_t *text_len,
		     struct ds_html_map **map, struct ds_err *err);

/* A word-processing document or an e-book: Office Open XML (.docx, .docm:
 * a ZIP archive with word/document.xml), OpenDocument text (.odt: a ZIP
 * whose first member, mimetype, says application/vnd.oasis.opendocument.text)
 * or EPUB (mimetype application/epub+zip: its package's spine of XHTML
 * chapters, each read as ds_html_text reads a page, a blank line between,
 * chapters marked linear="no" and ones the archive lacks passed over).
 * ds_office_kind says which bytes p (n) are (DS_OFFICE_NONE for any other
 * file, a spreadsheet or a presentation too).  ds_office_text gives the
 * text of its body: the character data of its paragraphs (docx: the runs'
 * text, w:t; odt: text:p and text:h), XML references decoded, a tab and a
 * line break as such, each paragraph a line with a blank line after it;
 * deleted text of tracked changes, field codes, notes and comments left
 * out (headers and footers are other parts, not read).  *text
 * (NUL-terminated) is the caller's; offsets in it are the text's (a
 * document has no map).  max (0: 64 MiB) bounds the text,
 * and eight times it the body's XML.  Returns 0, DS_EFORMAT (not one;
 * encrypted; ZIP64 or a compression method other than deflate), DS_ECORRUPT
 * (damaged: a member cut, a checksum), DS_ETOOBIG or DS_ENOMEM, with err
 * set. */
enum { DS_OFFICE_NONE = 0, DS_OFFICE_DOCX = 1, DS_OFFICE_ODT = 2, DS_OFFICE_EPUB = 3 };
int ds_office_kind(const char *p, size_t n);
int ds_office_text(const char *p, size_t n, size_t max, char **text, size_t *len,
		   struct ds_err *err);

/* Gives a text the date header batch mode reads ("date DATE", DATE a
 * YYYY-MM-DD string): the date of the header the text has is overwritten,
 * else "date DATE" and a blank line go before the text, and *text (owned
 * by the caller, NUL-terminated; realloc'd) and *len change.  *map, where
 * the text comes from (a page's map, or NULL for text as it was read: one
 * is made), is kept true: offsets in the text still give the same input
 * bytes, and the header none.  Returns 0, DS_EINVAL for a date that is not
 * YYYY-MM-DD, DS_ETOOBIG for a text of 4 GiB or more, or DS_ENOMEM (then
 * nothing changed). */
int ds_text_set_date(char **text, size_t *len, const char *date, struct ds_html_map **map);

/* A first line that looks like a date header but gives no day of the
 * calendar, so that the text has none and the line is read as its text
 * ("date 2025-02-29", "date 2025-13-01", "date 29/02/2025"): where the
 * header would be (past a byte-order mark and blanks), "date", one space,
 * then a run of digits, '-', '/' and '.' of at most 20 bytes that starts
 * with a digit and has a digit after one of the separators, ended by a
 * blank, a line end or the end of the text, and that is no YYYY-MM-DD
 * date of the calendar.  Its length ("date" and the run), its offset in
 * *at; 0 when text has a date header or no such line ("date 3 was fun",
 * "date night", "date 2025-02-28T10:00" are none).  For the caller to
 * say so: the text is still read. */
size_t ds_text_bad_date(const char *text, size_t len, size_t *at);

/* ---- models ---------------------------------------------------------------
 * The language model, the substitution lexicon (lex.bin), the scorer
 * (scorer.bin) and what goes with them, of one directory, memory-mapped.
 * Read-only once open: one struct ds_models may be shared by any number of
 * threads (the detectors made from it share, behind a lock, a cache of the
 * candidate originals they have looked up).  Free it after every detector
 * made from it. */
struct ds_models;

/* Opens the models of DIR: lex.bin, scorer.bin and the language model the
 * scorer was fitted with (the lm row of solo.tsv: mix.bin, the mixture with
 * bg.bin beside it; lm.bin without that row), which must be there, and
 * vec.bin (word vectors) and solo.tsv (the calibration of judging without
 * a source), which may be missing.  Results depend on all of them: a
 * fitted language model that cannot be read is replaced by lm.bin, and
 * missing optional files change verdicts; ds_models_note says so.  NULL
 * with the reason (naming the file and how to rebuild it) in err; an empty
 * DIR is DS_EINVAL. */
struct ds_models *ds_models_open(const char *dir, struct ds_err *err);
/* ds_models_open for a process that goes on to judge many articles (a
 * pipeline, a folder, a stream): the same models and results, with each
 * file mapped where the kernel's 2 MB folios of it map whole, so that
 * detection's scattered lookups miss the TLB less (6-13% more articles a
 * second, docs/README-perf.md), while the first articles make most model
 * pages count as resident.  ds_models_open keeps a short run's resident
 * size small instead. */
struct ds_models *ds_models_open_many(const char *dir, struct ds_err *err);
/* The i-th sentence (i = 0, 1, ... until NULL) saying what m lacks or
 * replaced, for an application to show: the language model that stood in
 * for the fitted one, the optional files missing and what detection does
 * without them.  NULL at once when m is complete.  Owned by m. */
const char *ds_models_note(const struct ds_models *m, size_t i);
void ds_models_free(struct ds_models *m);

/* Opening a model checks its header and size, not its payload checksum (that
 * would read every page at every start).  This checks every model file of
 * DIR completely, once after building or copying them: lm.bin, lex.bin,
 * scorer.bin and, when present, vec.bin, bg.bin and mix.bin (the language-model
 * mixture, with its components: ds_model_check_file).  fn (may be NULL) is called for each file with 0 or its error.
 * Returns 0 when all are sound, else the first error code. */
typedef void (*ds_models_check_fn)(void *ctx, const char *path, int rc, const struct ds_err *err);
int ds_models_check(const char *dir, ds_models_check_fn fn, void *ctx);
/* Checks one model file of any kind completely, as ds_models_check checks
 * each: its header and payload checksum; a mixture is also loaded (its
 * components found beside it, and still the files it was built from) and
 * each of its components is checked the same way.  fn (may be NULL) is told
 * each file found sound, with the kind and format version its header gives:
 * path first, then a mixture's components.  Returns 0 or the first error,
 * with err naming the file (an ARPA or Sphinx model, which despin reads but
 * has no checksum, is refused saying so and what makes a despin model of
 * it). */
typedef void (*ds_model_ok_fn)(void *ctx, const char *path, const char *kind, uint32_t version);
int ds_model_check_file(const char *path, ds_model_ok_fn fn, void *ctx, struct ds_err *err);

/* ---- detection --------------------------------------------------------------
 * A detector holds one thread's scratch space (a stemmer, buffers) over
 * shared models.  It is NOT thread-safe: give each thread its own. */
struct ds_detector;

struct ds_detector *ds_detector_new(const struct ds_models *m, struct ds_err *err);
void ds_detector_free(struct ds_detector *det);

/* A text to score or to compare with: name is used in messages and output. */
struct ds_text {
	const char *name;
	const char *data;   /* UTF-8 bytes (need not be NUL-terminated) */
	size_t len;
};

/* What a source-finding step knew of the source (all optional). */
struct ds_source_meta {
	double similarity;  /* the index's similarity figure, or -1 */
	double coverage;    /* share of the article the source covers, or -1 */
};

/* The work bound of one article: past this many words (whitespace-separated
 * runs, and words of the tokeniser) an article, or its source, is not
 * judged: ds_detect fails with DS_ETOOLONG ("too long to judge"), before
 * tokenising when the raw count is already twice the bound, so memory and
 * time per article stay flat whatever its size. */
#define DS_DETECT_MAX_WORDS_DEFAULT 50000

/* Options of ds_detect; zero-initialise, then set what you need. */
struct ds_detect_opts {
	size_t max_bytes;   /* refuse larger inputs (0: 64 MiB) */
	size_t max_words;   /* the work bound (0: DS_DETECT_MAX_WORDS_DEFAULT) */
	double threshold;   /* verdict threshold, 0 to 1 (0: the scorer's own);
			     * another value (NaN, negative, past 1) is
			     * refused with DS_EINVAL */
	int all_subs;       /* list candidate substitutions of clean articles too */
	int uncertain_source; /* which text copied which is uncertain (see
			       * ds_source_direction): the article is scored
			       * but never flagged, and says so, unless it
			       * holds a spinner's template (then it is the
			       * spinner's work whichever came first) */
	int check_direction;  /* ds_detect_found: 1, an article judged spun against
			       * a source that no date shows is older is also
			       * weighed the other way (ds_source_direction);
			       * unless the evidence shows it is the copy it is
			       * not flagged ("uncertain", or "original" when it
			       * looks the source); when it shows the article
			       * copied one source, it is judged again against
			       * those it is shown to have copied alone (its
			       * copies and undecided ones left out).  Batch
			       * mode sets it.
			       * DS_DIRECTION_PRESUMED: sources presumed clean
			       * (an index's), weighed unless the date headers
			       * show every one older than the article (an
			       * index that took in a spun copy, or a later
			       * copy, hands it out as the original's source),
			       * and then the evidence alone decides: when it
			       * shows the article is the source of every one,
			       * the article is judged on its own ("original");
			       * otherwise the verdict stands, judged again
			       * without the sources shown to be its copies.
			       * Scans with an index set it. */
	double min_p;         /* list only the flags whose probability of being
			       * a spinner's is at least min_p, 0 to 1 (0: the
			       * default, DS_FLAG_MIN_P for the language model's
			       * flags and every flag against a source); under
			       * DS_FLAG_MIN_P it lists the model's weaker ones
			       * too.  The verdict and score do not depend on
			       * it.  Another value is refused with DS_EINVAL */
};
#define DS_DIRECTION_PRESUMED 2
#define DS_DIRECTION_IF_NEWER DS_DIRECTION_PRESUMED /* its former name */

/* Scores one article, against source when it is not NULL, on its own
 * otherwise.  Returns a result (free with ds_result_free) or NULL with err
 * set: DS_EBINARY, DS_EEMPTY, DS_ETOOBIG for unusable input, DS_ETOOLONG
 * past the work bound, DS_ENOMEM.
 * The texts are copied; the caller's buffers may go after the call. */
struct ds_result *ds_detect(struct ds_detector *det, const struct ds_text *article,
			    const struct ds_text *source, const struct ds_source_meta *meta,
			    const struct ds_detect_opts *opts, struct ds_err *err);

/* Which of two near-copies is the other's source, from the evidence: the
 * older date header when both have one, else the balance of the changes'
 * log likelihood ratios each way (the spun side's differing words are the
 * less fluent, the rarer, the lexicon's substitutes), when neither the
 * differing words' fluency nor the whole texts' contradicts it.  Returns
 * DS_DIR_A_SOURCE, DS_DIR_B_SOURCE or DS_DIR_UNCERTAIN (also when the texts
 * do not align), or a negative DS_E* code with err set.  *balance (may be
 * NULL) gets the log likelihood ratio in favour of a being the source. */
enum { DS_DIR_UNCERTAIN = 0, DS_DIR_A_SOURCE = 1, DS_DIR_B_SOURCE = 2 };
int ds_source_direction(struct ds_detector *det, const struct ds_text *a, const struct ds_text *b,
			double *balance, struct ds_err *err);

/* ---- finding sources ----------------------------------------------------------
 * A finder queries an index of clean sources (an SQLite file or
 * redis://HOST:PORT, built with 'despin index add') for the sources an
 * article was made from: whole copies, copies of some paragraphs, and
 * articles stitched from several sources.  A finder is NOT thread-safe:
 * open one per thread (any number may open the same index). */
struct ds_finder;
struct ds_sources;

/* Opens the index at uri read-only.  NULL with err set when it is missing,
 * damaged, or of another format (then it names the command to rebuild it). */
struct ds_finder *ds_finder_open(const char *uri, struct ds_err *err);
void ds_finder_close(struct ds_finder *f);
/* The work bound of the articles judged (ds_detect_opts' max_words; 0, the
 * default: DS_DETECT_MAX_WORDS_DEFAULT): a source of more words is not
 * taken, since judged against it the article would be refused. */
void ds_finder_set_max_words(struct ds_finder *f, size_t max_words);
/* Requests the finder sent to its index's server so far (a pipeline
 * counts once; 0 for an SQLite index). */
uint64_t ds_finder_round_trips(const struct ds_finder *f);

/* Finds the sources of article (max_bytes: refuse larger inputs, 0 the
 * default limit).  Returns the sources found, possibly none
 * (ds_sources_count 0), or NULL with err set (unusable article, index
 * error, out of memory).  An article that is itself in the index is not its
 * own source.  Free with ds_sources_free. */
struct ds_sources *ds_finder_find(struct ds_finder *f, const struct ds_text *article,
				  size_t max_bytes, struct ds_err *err);

/* A byte range [start, end) of the article. */
struct ds_range {
	size_t start, end;
};

/* One source found (strings and ranges live as long as the ds_sources). */
struct ds_found_source {
	const char *name;
	double similarity;  /* shared shingles over the smaller set */
	double coverage;    /* share of the article's words it covers */
	const struct ds_range *ranges; /* the article's parts taken from it */
	size_t nranges;
};

/* Sources found, the main one (covering most) first. */
size_t ds_sources_count(const struct ds_sources *s);
/* Fills *out with source i (< ds_sources_count); 0 or DS_EINVAL. */
int ds_sources_get(const struct ds_sources *s, size_t i, struct ds_found_source *out);
void ds_sources_free(struct ds_sources *s);

/* ---- batches: the inputs as each other's sources --------------------------------
 * A batch holds a set of articles in a temporary index (a file under dir,
 * or under $TMPDIR, or /tmp; removed by ds_batch_free) and finds each one's
 * sources among the others, with the same passage matching as an index.
 * Of two related articles the older one (by their "date" headers) is the
 * source; undated or of one date, each may be the other's (the more
 * fluent one, by ds_batch_rank, is preferred among several), and the
 * evidence decides which is the copy (ds_detect_opts' check_direction).
 * Memory: about 100 bytes per article plus the
 * index's page cache (64 MiB per handle); the texts live in the file.
 *
 * Use: ds_batch_add every article (one thread); then, on any number of
 * threads, each with its own finder (ds_batch_finder): ds_batch_related for
 * every article, ds_batch_rank for those ds_batch_needs_rank names, and
 * ds_batch_find for every article. */
struct ds_batch;

struct ds_batch *ds_batch_new(const char *dir, struct ds_err *err);
void ds_batch_free(struct ds_batch *b);
/* Adds an article (copied into the batch's index); *idx gets its number
 * (0, 1, ...).  An article that cannot be read (DS_EEMPTY, DS_EBINARY,
 * DS_ETOOBIG) is refused and gets no number. */
int ds_batch_add(struct ds_batch *b, const struct ds_text *article, size_t max_bytes,
		 size_t *idx, struct ds_err *err);
/* The number of articles added. */
size_t ds_batch_count(const struct ds_batch *b);
/* A finder on the batch's index, for one thread; close with
 * ds_finder_close before ds_batch_free. */
struct ds_finder *ds_batch_finder(struct ds_batch *b, struct ds_err *err);
/* Looks up article idx: when it shares passages with several others,
 * they will need ranking, as its possible sources (one alone needs
 * none).  Returns 0 or a negative DS_E* code.  Thread-safe for distinct
 * finders. */
int ds_batch_related(struct ds_batch *b, struct ds_finder *f, size_t idx, struct ds_err *err);
/* 1 when article idx needs ranking (after every ds_batch_related). */
int ds_batch_needs_rank(const struct ds_batch *b, size_t idx);
/* Ranks article idx among the candidate sources of the others: its
 * fluency, the mean log10 probability per token under det's language
 * model, the more fluent first (a spinner's copy reads worse than its
 * source); no judgement, no candidate search.  Returns 0 or a negative
 * DS_E* code.  Thread-safe for distinct finders and detectors. */
int ds_batch_rank(struct ds_batch *b, struct ds_finder *f, struct ds_detector *det,
		  size_t idx, struct ds_err *err);
/* The sources of article idx among the others that may be its source, with
 * its text (for ds_detect_found).  A copy of the article, or one it copies
 * (aligned word by word, no word replaced), takes only the sentences no
 * other candidate has; with copies alone there is no source (the article
 * is judged on its own). */
struct ds_sources *ds_batch_find(struct ds_batch *b, struct ds_finder *f, size_t idx,
				 struct ds_err *err);

/* Scores the article of s against all its sources at once (on its own when
 * there are none): like ds_detect, and the result lists every source
 * (ds_result_nsources).  The work bound (opts' max_words) holds for the
 * sources joined: one that would take them past it is left out (the one
 * covering most is taken first), and not listed.  s may be freed after the
 * call. */
struct ds_result *ds_detect_found(struct ds_detector *det, struct ds_sources *s,
				  const struct ds_detect_opts *opts, struct ds_err *err);

/* ---- results ------------------------------------------------------------------
 * A result is immutable and owned by the caller; strings it returns live as
 * long as the result. */
struct ds_result;

/* What a flag rests on: the source; the models (the language model and
 * the lexicon, without a source); a spinner's template left in the text
 * ("{war|battle|conflict}": a brace group of synonyms). */
enum ds_evidence { DS_EVIDENCE_SOURCE = 1, DS_EVIDENCE_MODEL = 2, DS_EVIDENCE_TEMPLATE = 3 };
/* Its name in the outputs: "source", "model", "template" (a static
 * string). */
const char *ds_evidence_name(int evidence);

/* One flagged substitution. */
struct ds_sub {
	size_t start, end;          /* byte offsets in the article */
	size_t src_start, src_end;  /* byte offsets in the source (evidence SOURCE) */
	const char *text;           /* the article's words (a copy) */
	const char *original;       /* the original they most likely replaced */
	const char *restored;       /* that original as restore puts it back:
				     * capitalised as the article, or with a
				     * source as the source writes it */
	int evidence;               /* enum ds_evidence */
	double gain;                /* log10 gain of putting the original back */
	const char *why;            /* one-line explanation */
	double p;                   /* probability that the words are a spinner's
				     * substitution (calibrated on held-out
				     * spins); -1 when no model gives one */
};

/* Gives r the page its text was read from (ds_html_text_map; r owns map
 * from now on, NULL for none): its JSON then gives the substitutions'
 * start and end, and the sources' ranges, as byte offsets in the page. */
void ds_result_set_page(struct ds_result *r, struct ds_html_map *map);

const char *ds_result_name(const struct ds_result *r);
int ds_result_spun(const struct ds_result *r);          /* 1 spun, 0 clean */
double ds_result_score(const struct ds_result *r);      /* 0..1; 0 when not judged */
/* 1 when the article was judged; 0 when it is too short to judge (fewer
 * words than the shortest length at which clean texts stay under 1% false
 * positives) or not English prose (another language, in another script
 * or from 30 words with hardly any English function words, or a list or
 * dump with as few), with the reason in *reason (may be
 * NULL; a static string: DS_UNJUDGED_SHORT or DS_UNJUDGED_LANGUAGE). */
#define DS_UNJUDGED_SHORT "too short to judge"
#define DS_UNJUDGED_LANGUAGE "not English prose"
int ds_result_judged(const struct ds_result *r, const char **reason);
double ds_result_threshold(const struct ds_result *r);  /* verdict threshold */
const char *ds_result_source(const struct ds_result *r);/* NULL: none (the main source) */
double ds_result_source_similarity(const struct ds_result *r); /* -1: none */
double ds_result_source_coverage(const struct ds_result *r);   /* -1: none */
const char *ds_result_date(const struct ds_result *r);  /* "" when none */
/* Tokens of the article (words, numbers and punctuation, boilerplate
 * included) and its words (words and numbers outside boilerplate: what is
 * scored). */
size_t ds_result_tokens(const struct ds_result *r);
size_t ds_result_words(const struct ds_result *r);
/* The article's role in a pair whose direction the dates do not settle:
 * "uncertain" (given with uncertain_source, or a batch pair the evidence
 * cannot order: judged against the other, never spun), "original" (a batch
 * article the evidence takes for the other's source: judged on its own,
 * never spun), or NULL. */
const char *ds_result_source_direction(const struct ds_result *r);
/* For an article judged "original" against sources presumed clean (an
 * index's, ds_detect_opts' DS_DIRECTION_PRESUMED): the name of the source
 * the evidence shows is the article's copy (an index that took in a spun
 * copy); NULL otherwise.  Owned by r. */
const char *ds_result_copy(const struct ds_result *r);
/* Whether r is left unflagged because the evidence does not show which of
 * its batch pair is the copy (source_direction "uncertain"): a reader's
 * "unsure". */
int ds_result_unsure(const struct ds_result *r);
size_t ds_result_nsubs(const struct ds_result *r);
/* Sources the article was judged against (0 without a source; 1 for a
 * source given with ds_detect) and source i (< ds_result_nsources; 0 or
 * DS_EINVAL): the main source first. */
size_t ds_result_nsources(const struct ds_result *r);
int ds_result_source_at(const struct ds_result *r, size_t i, struct ds_found_source *out);
/* Sources found (in an index or a batch) but not judged against: past the
 * work bound (ds_detect_opts' max_words, max_bytes; ds_finder_set_max_words). */
size_t ds_result_sources_left_out(const struct ds_result *r);
/* Fills *out with substitution i (< ds_result_nsubs); returns 0 or DS_EINVAL. */
int ds_result_sub(const struct ds_result *r, size_t i, struct ds_sub *out);
/* The article's text (its bytes as given) and length. */
const char *ds_result_text(const struct ds_result *r, size_t *len);
/* The source's text, or NULL. */
const char *ds_result_source_text(const struct ds_result *r, size_t *len);
/* The evidence features (names from ds_feature_name). */
const double *ds_result_features(const struct ds_result *r, size_t *n);
const char *ds_feature_name(size_t i);
/* The result as one line of JSON (no newline); caller frees.  NULL when out
 * of memory.  Fields: file, verdict, score, source, source_similarity,
 * source_coverage, sources [{name, similarity, coverage, ranges [[start,
 * end]]}], threshold, tokens, words, judged (and reason when false), date,
 * substitutions [{start, end, text, original, evidence, gain, p, why}].  A
 * name that is not UTF-8 (file, source, copy, a source's name) is written
 * with U+FFFD in place of its odd bytes and followed by NAME_bytes, its
 * bytes in base64 (file_bytes, ...). */
char *ds_result_json(const struct ds_result *r);
/* The article with every flagged substitution of probability p >= min_p
 * replaced by its proposed original (capitalisation kept; an original of
 * nothing, a template's empty first alternative, takes one space around it
 * with it); caller frees; *len gets the length and *left (may be NULL) the
 * number of flags left as they were.  NULL when out of memory. */
char *ds_result_restore_p(const struct ds_result *r, double min_p, size_t *len, size_t *left);
/* The same put back into the bytes the article was read from (page,
 * page_len: the bytes whose map ds_result_set_page gave r), everything
 * else kept: each flag's bytes replaced by the original.  how says what
 * the bytes are: DS_RESTORE_PAGE, a web page in UTF-8 ('&', '<' and '>'
 * written as references); DS_RESTORE_PAGE_REFS, a page not in UTF-8
 * (every character past ASCII a reference too); DS_RESTORE_LEGACY, a
 * plain text not in UTF-8 (read as Windows-1252), each original written
 * in Windows-1252.  Flags the bytes cannot take (a page's words whose
 * bytes hold markup, "<b>big</b> dog"; an original with a character
 * Windows-1252 has not) are left as they were, counted in
 * *unfit (may be NULL); *left (may be NULL) counts the flags under min_p.
 * NULL when out of memory or r has no page. */
#define DS_RESTORE_PAGE 0
#define DS_RESTORE_PAGE_REFS 1
#define DS_RESTORE_LEGACY 2
char *ds_result_restore_page(const struct ds_result *r, const char *page, size_t page_len,
			     double min_p, int how, size_t *len, size_t *left, size_t *unfit);
/* The language model's flags listed by default (ds_detect_opts.min_p):
 * those of probability at least this. */
#define DS_FLAG_MIN_P 0.35
/* ds_result_restore_p at the default confidence, DS_RESTORE_MIN_P. */
#define DS_RESTORE_MIN_P 0.8
char *ds_result_restore(const struct ds_result *r, size_t *len);
void ds_result_free(struct ds_result *r);

#ifdef __cplusplus
}
#endif
#endif
