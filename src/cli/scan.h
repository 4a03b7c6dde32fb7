/*
 * scan.h - the scanning engine shared by scan, explain, restore and report:
 * reads the inputs, finds each one's source (an index, a given source file,
 * or the other inputs of the batch), runs the detector on worker threads
 * and hands the results back in input order.
 */
#ifndef DS_CLI_SCAN_H
#define DS_CLI_SCAN_H

#include <stddef.h>

#include "despin.h"

#define SCAN_MAX_SOURCES 64

struct scan_opts {
	const char *models;    /* models directory option (NULL: default) */
	const char *index;     /* -i: index file */
	const char *source;    /* -s: one source for every input (the first -s) */
	const char *sources[SCAN_MAX_SOURCES]; /* every -s given (scan_add_source) */
	size_t nsources;
	int solo;              /* --solo: no source at all */
	int jobs;              /* -j: worker threads */
	int stdin_json;        /* --stdin-json: JSON Lines records on stdin */
	int progress;          /* progress bar on stderr */
	int need_scorer;       /* 0: features only (scorer may be missing) */
	int all_subs;          /* list candidate substitutions of clean articles */
	double threshold;      /* 0: the scorer's */
	size_t max_bytes;      /* 0: default */
	int retry;             /* --retry: reconnections to a redis:// index */
	size_t max_words;      /* --max-words: the work bound (0: default) */
	int only_spun;         /* --only-spun: show only spun articles (and failures) */
	double min_p;          /* --min-p: flags listed from this probability
				* (0: the default, ds_detect_opts.min_p) */
};

/* Receives each input's outcome in input order: r is NULL when the input
 * could not be scored, with the one-line reason in err.  record is 1 when
 * the input is a record (--stdin-json) or a page of a WARC archive, named
 * by its id (no file of that name), 0 for a file.  The callback owns r
 * (ds_result_free).  Return 0 to go on. */
typedef int (*scan_result_fn)(void *ctx, const char *name, int record, struct ds_result *r,
			      const char *err);

/* Scans the inputs named by paths (files, directories, "-"; the pages of
 * the WARC archives and the records of the JSON Lines files among them,
 * as records: bundle.h) or the JSON Lines records on stdin.  Returns the number of inputs that failed, or -1
 * when nothing could be scanned (models or index unusable; reported). */
int scan_run(const struct scan_opts *o, char **paths, int npaths, scan_result_fn fn, void *ctx);

/* Options shared by scan, explain, restore and report (getopt codes
 * i s S m j T M J P A R W O F); returns 1 when c was one of them, 0 if not, -1 on a
 * bad value (reported). */
int scan_common_opt(struct scan_opts *so, int c, const char *arg);

/* --threshold (getopt code T) and --min-p (F), which scan and the worker
 * share: as scan_common_opt, into *threshold and *min_p. */
int scan_judge_opt(int c, const char *arg, double *threshold, double *min_p);

/* Adds a -s SOURCE (up to SCAN_MAX_SOURCES); 0, or -1 after a message. */
int scan_add_source(struct scan_opts *o, const char *path);

/* What a run judged: every input counts once. */
struct scan_tally {
	size_t articles, spun, clean, unjudged, errors;
	size_t unsure; /* of the clean: a batch pair's direction uncertain */
	size_t foreign; /* of the not judged: not English prose */
};
/* Counts one outcome (r NULL: an input that failed). */
void scan_tally_add(struct scan_tally *t, const struct ds_result *r);
/* "N articles, N spun, N clean, N not judged, N errors" on standard output;
 * "N clean (N unsure)" when some clean ones are of an uncertain pair, "N
 * not judged (N not English prose)" when some are, the others too short. */
void scan_tally_print(const struct scan_tally *t);
/* The JSON Lines record of a result (ds_result_json) on standard output;
 * a record's (record 1: --stdin-json, an archive's page) starts with its
 * "id" (as its error record has it), before "file", which holds the same. */
void scan_print_json(const char *name, int record, const struct ds_result *r);
/* The JSON Lines record of an input that failed, in its place:
 * {"file": NAME, "error": REASON}, or {"id": ...} for a record.  0, or
 * DS_ENOMEM. */
int scan_print_error_json(const char *name, int record, const char *err);

/* The long options behind those codes, for getopt_long tables. */
#define SCAN_LONG_OPTIONS                                               \
	{"index", required_argument, NULL, 'i'},                        \
	{"source", required_argument, NULL, 's'},                       \
	{"solo", no_argument, NULL, 'S'},                               \
	{"models", required_argument, NULL, 'm'},                       \
	{"jobs", required_argument, NULL, 'j'},                         \
	{"threshold", required_argument, NULL, 'T'},                    \
	{"max-size", required_argument, NULL, 'M'},                     \
	{"stdin-json", no_argument, NULL, 'J'},                         \
	{"progress", no_argument, NULL, 'P'},                           \
	{"all", no_argument, NULL, 'A'},                                \
	{"retry", required_argument, NULL, 'R'},                        \
	{"max-words", required_argument, NULL, 'W'}
/* --min-p (code F), for the commands that list flags (restore has its own). */
#define SCAN_MIN_P_OPTION {"min-p", required_argument, NULL, 'F'}
/* The help of --threshold and --min-p, for scan and for the worker, which
 * judge alike. */
#define SCAN_THRESHOLD_HELP                                                          \
	"  --threshold X   an article scoring X or more is spun (0 < X < 1; default:\n" \
	"                  the scorer's own, one with a source and one without)\n"
#define SCAN_MIN_P_HELP                                                              \
	"  --min-p P       list only the flags whose probability of being a\n"          \
	"                  spinner's is P or more (0 < P < 1; default: the\n"           \
	"                  language model's from 0.35, every one backed by a\n"        \
	"                  source); under 0.35 the weaker ones are listed too.\n"      \
	"                  Verdicts and scores do not change\n"
/* --only-spun (code O), for the commands that print one article at a time. */
#define SCAN_ONLY_SPUN_OPTION {"only-spun", no_argument, NULL, 'O'}

#endif
