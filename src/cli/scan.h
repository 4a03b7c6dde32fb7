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

struct scan_opts {
	const char *models;    /* models directory option (NULL: default) */
	const char *index;     /* -i: index file */
	const char *source;    /* -s: one source for every input */
	int solo;              /* --solo: no source at all */
	int jobs;              /* -j: worker threads */
	int stdin_json;        /* --stdin-json: JSON Lines records on stdin */
	int progress;          /* progress bar on stderr */
	int need_scorer;       /* 0: features only (scorer may be missing) */
	double threshold;      /* 0: the scorer's */
	size_t max_bytes;      /* 0: default */
};

/* Receives each input's outcome in input order: r is NULL when the input
 * could not be scored, with the one-line reason in err.  The callback owns
 * r (ds_result_free).  Return 0 to go on. */
typedef int (*scan_result_fn)(void *ctx, const char *name, struct ds_result *r,
			      const char *err);

/* Scans the inputs named by paths (files, directories, "-") or the JSON
 * Lines records on stdin.  Returns the number of inputs that failed, or -1
 * when nothing could be scanned (models or index unusable; reported). */
int scan_run(const struct scan_opts *o, char **paths, int npaths, scan_result_fn fn, void *ctx);

#endif
