/*
 * cli.h - shared pieces of the despin command line: exit codes, messages,
 * input walking, model paths and the subcommand table.
 *
 * Each subcommand lives in its own file src/cli/cmd_NAME.c and exposes
 *     int cmd_NAME(int argc, char **argv);
 * where argv[0] is the subcommand's name; it returns an exit code.
 */
#ifndef DS_CLI_H
#define DS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "despin.h"
#include "../util.h"   /* struct ds_tsv, for struct cli_pairs */

/* Exit codes of the despin command. */
enum {
	EXIT_CLEAN = 0,   /* nothing flagged (or a command that succeeded) */
	EXIT_FLAGGED = 1, /* something flagged as spun */
	EXIT_ERROR = 2    /* an error (usage, input, model, index) */
};

/* Prints "despin: MESSAGE" to stderr (no trailing full stop). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "despin: warning: MESSAGE" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "despin: note: MSG" on stderr: information, not a fault. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Draws a progress line on stderr (the caller checks that stderr is a
 * terminal), over the one drawn before: its cursor stays at the line's end
 * until cli_progress_clear, which erases it ("\r\033[K") so that output
 * or a message takes its place (the messages above erase it themselves);
 * the caller draws it again below them. */
void cli_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_progress_clear(void);
/* Why one input failed, as one line that names it: "NAME: MSG" into out
 * (cap bytes), MSG without the "NAME: " it may start with already (an
 * index's error names the index, not the article being looked up).  A
 * line too long for out has the name shortened (ds_msg_fit). */
void cli_input_error(char *out, size_t cap, const char *name, const char *msg);
/* msg without its leading "NAME: ", the name whole or as ds_msg_fit
 * shortens it (the reason alone, for records that carry the name apart). */
const char *cli_error_reason(const char *name, const char *msg);
/* Prints "usage: ..." to stderr, with a hint to --help; returns EXIT_ERROR. */
int cli_usage(const char *usage);
/* True if s is -h or --help. */
bool cli_is_help(const char *s);
/* Names a command's subcommand in getopt's messages ("despin index remove:
 * invalid option -- 'x'"): argv is the subcommand's own, argv[0] its name. */
void cli_sub_argv0(char **argv, const char *cmd);

/* Calls fn for every input named by paths: regular files, directories
 * (recursively, in name order, skipping hidden entries, the assets beside
 * saved web pages (.css, .js, images, fonts, media) and a page's NAME_files
 * folder, with one note at the end) and "-" (standard input).  Errors walking (unreadable directory, missing file) are reported
 * as one line each and counted in *nerr; the walk goes on.  A directory
 * met again (by device and inode: a symbolic link loop) is skipped with a
 * warning.  fn returns 0 to
 * go on, or non-zero to stop.  Returns the number of inputs seen; none at
 * all, with no error either (folders holding no file), is an error too
 * (cli_no_input, counted in *nerr). */
typedef int (*cli_input_fn)(const char *path, void *ctx);
size_t cli_walk(char **paths, int n, cli_input_fn fn, void *ctx, int *nerr);
/* Names a file this command writes (cli_output_is_input does so for every
 * output) or reads as its index, so that a walk leaves it out of the
 * folders it reads, with what is made beside it: SQLite's PATH-wal,
 * PATH-shm and PATH-journal, an atomic write's PATH.tmp.PID (the page of
 * 'report --html' in the folder it reports on was read as an article, the
 * index of 'index add' in the folder it adds as three unreadable files).
 * The folder is taken by device and inode now: another name of it is the
 * same folder.  Named on the command line ('index add -i ix.db *'), it is
 * skipped with a note naming it by what, a static string ("NAME: WHAT,
 * not an article: skipped"; an output named so was refused before, by
 * cli_output_is_input, unless the command found it to be its own output
 * of an earlier run).  Named twice, the first what stays.  0, or -1 out
 * of memory (the walk reads it). */
int cli_walk_own(const char *path, const char *what);
#define CLI_OWN_INDEX "the index this command uses"
/* The error of a walk that found no input in paths[0..n). */
void cli_no_input(char **paths, int n);
/* cli_walk, with each path that cannot be read handed to err (path, the
 * one-line message, ctx) instead of printed, so that it keeps its place
 * among the inputs; err returns 0 to go on.  *nerr (may be NULL) counts
 * them.  No input at all is left to the caller. */
typedef int (*cli_input_err_fn)(const char *path, const char *msg, void *ctx);
size_t cli_walk_each(char **paths, int n, cli_input_fn fn, cli_input_err_fn err, void *ctx,
		     int *nerr);

/* Writes s into out (cap bytes, NUL-terminated, cut if need be) as it may
 * be shown on a terminal or in a line-based listing: control bytes and
 * backslashes as \n \t \r \\ \xNN, bytes that are not UTF-8 as \xNN,
 * bidi controls (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C) and C1
 * controls (U+0080-U+009F) as \uNNNN.  Returns the length of the whole
 * escaped form. */
size_t cli_escape_name(char *out, size_t cap, const char *s);
/* A phrase as the lexicon and the word vectors hold it: s lower-cased, its
 * words joined by one space ("Loss  of Life" -> "loss of life"), into buf
 * (size bytes, NUL-terminated; cut if need be).  Returns its length. */
size_t cli_phrase(const char *s, char *buf, size_t size);
/* A file of pairs, one "A TAB B" a line (a third column and more ignored),
 * read whole by cli_pairs_open (path "-": stdin) and line by line by
 * cli_pairs_next: each side as cli_phrase puts it into a and b (size bytes
 * each), comments (#) and empty lines passed over, a line without two
 * sides noted ("FILE:LINE: not 'what': skipped") and counted in skipped.
 * cli_pairs_next returns 1 with a pair, 0 at the end; cli_pairs_open 0, or
 * -1 after the error is printed.  The text is the reader's until
 * cli_pairs_close. */
struct cli_pairs {
	const char *path, *what;
	struct ds_tsv t;
	size_t skipped;
};
int cli_pairs_open(struct cli_pairs *r, const char *path, const char *what);
int cli_pairs_next(struct cli_pairs *r, char *a, char *b, size_t size);
void cli_pairs_close(struct cli_pairs *r);
/* 1, with a message, when out names an existing file that is also one of
 * the n paths (the inputs, sources or index a command reads): writing it
 * would lose that input.  Files are compared by device and inode, so
 * another name of the same file ("./a.txt", a link) is found too; "-" and
 * paths that name nothing are no file.  0 otherwise, and 0 too when out
 * is a file a despin command wrote (a model file, an ARPA model, a report
 * page: 'train -o m.bin *' or 'report --html r.html *' run again), which
 * no article is: named among the inputs, the walk skips it with a note.
 * Every command that writes a file asks this before it reads, so out is
 * also named to the folder walk as the command's own (cli_walk_own). */
int cli_output_is_input(const char *out, const char *const *paths, size_t n);
/* cli_escape_name into one of 4 rotating per-thread buffers of 4 KiB. */
const char *cli_name(const char *s);
/* The name of an input path: "<stdin>" for "-" (a static string), else
 * path itself. */
const char *cli_input_name(const char *path);
/* An index as messages name it: a redis:// address with its options cut
 * and its password starred, a file's name as cli_name gives it. */
const char *cli_index_name(const char *index);
/* A redis:// address (an index or a queue) with the password of
 * DESPIN_REDIS_PASSWORD put in, percent-encoded, when the address gives
 * none (and DESPIN_REDIS_USER as its user when it names none): the
 * password need not be on a command line, where other users of the
 * machine can read it (ps).  Anything else is returned as it is.  The
 * address made is kept until exit. */
const char *cli_redis_address(const char *uri);

/* Strict option values: the whole argument is a number in [min, max],
 * written in decimal digits with nothing around them (no blank, '+', "0x"
 * or exponent; a '-' only where min is below 0).  cli_parse_real takes one
 * point among the digits; with open_ends, min and max are excluded.
 * Return 0, or -1 after printing "OPT takes ...". */
int cli_parse_size(const char *opt, const char *arg, size_t min, size_t max, size_t *out);
int cli_parse_int(const char *opt, const char *arg, long min, long max, long *out);
int cli_parse_real(const char *opt, const char *arg, double min, double max, int open_ends,
		   double *out);

/* Refuses an option a subcommand would ignore: c (a getopt code) must be
 * among the codes of allowed (a table of {sub, codes}, ended by a NULL
 * sub).  Returns 0, or -1 after "despin CMD SUB: --OPTION does not apply"
 * (a sub that is not in the table is let through: its own error follows). */
struct option;
struct cli_sub_options {
	const char *sub, *codes;
};
int cli_option_applies(const char *cmd, const char *sub, const struct cli_sub_options *allowed,
		       int c, const struct option *longopts);
/* Whether sub is one of the subcommands of allowed.  A command asks before
 * reading its options, so that 'CMD NOTASUB --help' is the error that
 * 'CMD NOTASUB' is, not the help. */
bool cli_sub_known(const struct cli_sub_options *allowed, const char *sub);

/* v printed with 2 decimals, or as many more (up to 6) as it takes for it
 * not to read like other when they differ (a score beside its threshold).
 * One of 4 rotating per-thread buffers. */
const char *cli_score(double v, double other);
/* --color WHEN: 1 for colour, 0 without; -1 after a message for a bad WHEN.
 * "auto" means a terminal and no NO_COLOR (set and not empty); an explicit
 * "always" wins over NO_COLOR (no-color.org). */
int cli_color(const char *when);

/* Flushes standard output; if that or any earlier write to it failed,
 * prints "cannot write standard output: REASON" once and returns 1. */
int cli_stdout_failed(void);

/* Directory holding the models: --models DIR if given, else $DESPIN_MODELS,
 * else the models folder of the build tree the binary runs from (its
 * ../models, when it holds lm.bin), else the installed share/despin.
 * Returns a static buffer. */
const char *cli_models_dir(const char *opt);
/* Prints "despin: MSG" about a model that could not be used, then, when
 * it could not be read (DS_EIO: missing, say), where models are looked for
 * (all four places). */
void cli_models_error(const struct ds_err *err);
/* The language model file of the models directory the detecting commands
 * use: $DESPIN_LM (e.g. mix.bin, the mixture with the background model), or
 * NULL: the one the scorer was fitted with (ds_models_load_lm). */
const char *cli_lm_file(void);
/* ds_models_open_lm of the models folder cli_models_dir(models) with
 * cli_lm_file() (ds_models_open_lm_many when many: the command goes on to
 * judge many articles); when the language model the scorer was fitted with
 * cannot be loaded and lm.bin stands in, prints a one-line note on stderr. */
struct ds_models *cli_models_open(const char *models, int need_scorer, int many,
				  struct ds_err *err);
/* Inputs from which a scan opens its models for many articles
 * (cli_models_open): under it a short run keeps few model pages resident. */
#define CLI_MANY_ARTICLES 16
/* The most worker threads -j takes, and the default's bound. */
#define CLI_MAX_JOBS 256
/* Joins the models dir and a file name into a static buffer (one of 4
 * rotating buffers, so up to 4 results may be used at once). */
const char *cli_model_path(const char *dir, const char *file);

/* Maximum input size in bytes (the --max-size option; 0 = default). */
extern size_t cli_max_input;

enum { CLI_READ_TEXT, CLI_READ_PAGE, CLI_READ_MIME, CLI_READ_1252, CLI_READ_OFFICE };

/* The text judged of an input's bytes s[0, n), as an article or a source:
 * a web page's text (ds_html_text; page: read s as a page whatever it
 * starts with), a MIME message's text part (ds_mime_text_map: a page saved
 * as .mhtml, an e-mail), a .docx or .odt document's text (ds_office_text,
 * within --max-size; no map), or text read as Windows-1252 when it is not UTF-8
 * (ds_text_legacy_bytes; with a note on stderr naming name), with a note
 * too for a first line that looks like a date header but gives no day of
 * the calendar (ds_text_bad_date).  *text (NULL
 * when s is judged as it is) and *map (NULL when not wanted or none; where
 * the text comes from in s) are the caller's; *how (may be NULL) says which
 * (CLI_READ_...).  0, or an error code with err naming name. */
int cli_text_of(const char *name, const char *s, size_t n, int page, char **text, size_t *len,
		int *how, struct ds_html_map **map, struct ds_err *err);
/* How cli_text_of reads s (page: as a page unless it is a MIME message): its
 * CLI_READ_... kind, with *odd (may be NULL) the bytes that are no UTF-8 it
 * reads as Windows-1252 in a guess (0 for a page that declares it), the
 * first at *first (may be NULL).  Nothing is printed. */
int cli_input_kind(const char *s, size_t n, int page, size_t *odd, size_t *first);
/* Whether the file at path holding s is a fragment of a web page by its
 * name (.html, .htm, .xhtml) and a first character '<': read as a page. */
int cli_html_named(const char *path, const char *s, size_t n);
/* The bytes of the file at path ("-": standard input), at most max, as
 * ds_read_file reads them; a gzip or zstd file is read as the file inside
 * it, within the same bound (unpack.h).  0 or an error code, with err
 * naming the input. */
int cli_read_file(const char *path, size_t max, char **text, size_t *len, struct ds_err *err);

/* Reads an article or a source from path ('-': standard input) as
 * cli_read_file does (max bytes, the limit applying to the file as read and
 * to what a compressed one holds); a
 * saved web page (ds_html_is, or a file named .html, .htm or .xhtml that
 * starts with '<': a fragment of one) is replaced by its text
 * (ds_html_text); a MIME message (a page saved as .mhtml, an e-mail) by
 * the text of its text part (ds_mime_text_map); text that is not UTF-8 but
 * reads as Windows-1252 or Latin-1 (ds_text_legacy_bytes) is read so, with
 * a note on stderr.  *how (may be NULL) says which: CLI_READ_TEXT,
 * CLI_READ_PAGE, CLI_READ_MIME or CLI_READ_1252. */
int cli_read_article(const char *path, size_t max, char **text, size_t *len, int *how,
		     struct ds_err *err);
/* cli_read_article, with a map of where the text comes from in the file's
 * bytes, for a web page, a MIME message or text read as Windows-1252, in
 * *map (NULL for UTF-8 text; ds_html_map_free). */
int cli_read_page(const char *path, size_t max, char **text, size_t *len,
		  struct ds_html_map **map, struct ds_err *err);
/* How cli_read_training reads a text for a language model. */
#define CLI_TRAIN_PRETOK 1 /* pretokenised: read as it is, not as an article */
#define CLI_TRAIN_CHECK 2  /* a file that is no text as a whole is refused */
/* Reads a text to train a language model on, to score or to fit weights
 * on from path ('-': standard input), as 'despin train' reads it: as an
 * article (cli_read_article: a web page's or an e-mail's text, Windows-1252
 * as such) or, with CLI_TRAIN_PRETOK, as it is; at most --max-size bytes
 * (DS_DOC_MAX_BYTES_DEFAULT without it); with CLI_TRAIN_CHECK, one that is no text as a whole (ds_text_check: empty,
 * binary, UTF-16, compressed) is refused.  0 with *text (malloc'd, the
 * caller's to free) and *len, or -1 after the one-line message naming it. */
int cli_read_training(const char *path, int how, char **text, size_t *len);

/* The subcommands. */
int cmd_tokens(int argc, char **argv);
int cmd_warc(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_lm(int argc, char **argv);
int cmd_lex(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_match(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_scorer(int argc, char **argv);
int cmd_vec(int argc, char **argv);
int cmd_check_models(int argc, char **argv);

/* The index's in-domain language model (cmd_index_lm.c). */
struct ds_index;
struct ds_models;
/* despin index train: trains it now; prints a summary unless quiet. */
int index_lm_train(struct ds_index *ix, const char *models_dir, int quiet);
/* After add or remove: trains it when the index changed enough since. */
void index_lm_maybe_train(struct ds_index *ix, const char *models_dir, int quiet);
/* Scanning with an index, when $DESPIN_INDEX_LM is 1: adds its in-domain
 * model to the models' language model when one was trained (a note on
 * stderr when none was, or it is out of date). */
void index_lm_use(struct ds_models *m, const char *index_uri);
/* The same for a language model alone: base (taken over) mixed with the
 * index's in-domain model, or base itself when there is none (with the
 * note); NULL after an error on stderr when the index cannot be opened
 * (base freed). */
struct ds_lm;
struct ds_lm *index_lm_mix(struct ds_lm *base, const char *index_uri);
/* The language model the scorer of models_dir was fitted with ($DESPIN_LM
 * when set), which an index's in-domain model is trained on; NULL after
 * an error on stderr.  The caller frees it. */
struct ds_lm *cli_base_lm(const char *models_dir);

#endif
