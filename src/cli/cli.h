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
/* Prints "usage: ..." to stderr, with a hint to --help; returns EXIT_ERROR. */
int cli_usage(const char *usage);
/* True if s is -h or --help. */
bool cli_is_help(const char *s);

/* Calls fn for every input named by paths: regular files, directories
 * (recursively, in name order, skipping hidden entries) and "-" (standard
 * input).  Errors walking (unreadable directory, missing file) are reported
 * as one line each and counted in *nerr; the walk goes on.  fn returns 0 to
 * go on, or non-zero to stop.  Returns the number of inputs seen. */
typedef int (*cli_input_fn)(const char *path, void *ctx);
size_t cli_walk(char **paths, int n, cli_input_fn fn, void *ctx, int *nerr);

/* Directory holding the models: --models DIR if given, else $DESPIN_MODELS,
 * else ./models if it holds lm.bin, else the installed share/despin.
 * Returns a static buffer. */
const char *cli_models_dir(const char *opt);
/* The language model file of the models directory the detecting commands
 * use: $DESPIN_LM (e.g. mix.bin, the mixture with the background model) or
 * lm.bin. */
const char *cli_lm_file(void);
/* Joins the models dir and a file name into a static buffer (one of 4
 * rotating buffers, so up to 4 results may be used at once). */
const char *cli_model_path(const char *dir, const char *file);

/* Maximum input size in bytes (the --max-size option; 0 = default). */
extern size_t cli_max_input;

/* The subcommands. */
int cmd_tokens(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_lm(int argc, char **argv);
int cmd_lex(int argc, char **argv);
int cmd_index(int argc, char **argv);
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
/* Scanning with an index: adds its in-domain model to the models' language
 * model when one was trained (a note on stderr when it is out of date). */
void index_lm_use(struct ds_models *m, const char *index_uri);
/* The same for a language model alone: base (taken over) mixed with the
 * index's in-domain model, or base itself when there is none. */
struct ds_lm;
struct ds_lm *index_lm_mix(struct ds_lm *base, const char *index_uri);

#endif
