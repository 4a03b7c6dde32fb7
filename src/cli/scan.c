/* scan.c - the scanning engine (see scan.h). */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"
#include "../detect.h"
#include "../json.h"
#include "../text.h"

struct item {
	size_t seq;
	char *name;
	char *text;
	size_t len;
	char err[700];
	struct ds_result *res;
	struct ds_source_meta meta;
	size_t bidx;             /* batch mode: its number in the batch */
};

struct engine {
	const struct scan_opts *o;
	struct ds_models *models;
	int nthreads;
	struct ds_detector **det;
	struct ds_finder **fd;
	char *srcfile;
	size_t srcfile_len;
	/* inputs */
	char **paths;
	size_t npaths, path_cap, next_path;
	size_t lineno;
	size_t seq;
	/* batch */
	struct ds_batch *batch;
	struct item **items;
	size_t nitems, items_cap, next_item;
	int batch_pass;          /* 1 related, 2 solo scores, 3 with sources */
	/* output */
	scan_result_fn fn;
	void *ctx;
	int nerr;
	int stop;
	size_t done, total;
};

static void item_free(struct item *it)
{
	if (!it)
		return;
	free(it->name);
	free(it->text);
	ds_result_free(it->res);
	free(it);
}

static int collect_path(const char *path, void *ctx)
{
	struct engine *e = ctx;
	char *p = strdup(path);
	if (!p || ds_grow(&e->paths, &e->path_cap, e->npaths + 1, sizeof *e->paths)) {
		free(p);
		return 1;
	}
	e->paths[e->npaths++] = p;
	return 0;
}

/* ---- reading inputs ---- */

struct json_rec {
	char *id;
	char *text;
	size_t len;
};

static int json_member(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	struct json_rec *r = ctx;
	char **dst = NULL;
	if (strcmp(key, "id") == 0)
		dst = &r->id;
	else if (strcmp(key, "text") == 0 && is_string)
		dst = &r->text;
	if (!dst)
		return 0;
	free(*dst);
	*dst = malloc(vlen + 1);
	if (!*dst)
		return DS_ENOMEM;
	memcpy(*dst, val, vlen + 1);
	if (dst == &r->text)
		r->len = vlen;
	return 0;
}

/* Reads one line of stdin (with its newline) into *line, keeping at most
 * keep bytes: the rest of a longer line is read and dropped, so an endless
 * line costs no more memory than the limit.  *total gets the line's full
 * length.  Returns the bytes kept, or -1 at the end of input. */
static ssize_t get_line_max(char **line, size_t *cap, size_t keep, size_t *total)
{
	size_t n = 0, t = 0;
	int c;
	flockfile(stdin);
	while ((c = getc_unlocked(stdin)) != EOF) {
		t++;
		if (n < keep) {
			if (n + 2 > *cap) {
				size_t nc = *cap ? *cap * 2 : 4096;
				char *p = realloc(*line, nc);
				if (!p)
					break;
				*line = p;
				*cap = nc;
			}
			(*line)[n++] = (char)c;
		}
		if (c == '\n')
			break;
	}
	funlockfile(stdin);
	*total = t;
	if (t == 0 || !*line)
		return -1;
	(*line)[n] = 0;
	return (ssize_t)n;
}

static struct item *next_json(struct engine *e)
{
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;
	struct item *it;
	size_t max = e->o->max_bytes ? e->o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT;
	for (;;) {
		n = get_line_max(&line, &cap, max * 2 + 1024 + 1, &total);
		if (n < 0) {
			free(line);
			return NULL;
		}
		e->lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n > 0)
			break;
	}
	it = calloc(1, sizeof *it);
	if (!it) {
		free(line);
		return NULL;
	}
	it->seq = e->seq++;
	if ((size_t)n > max * 2 + 1024) {
		it->name = malloc(32);
		if (it->name)
			snprintf(it->name, 32, "stdin:%zu", e->lineno);
		snprintf(it->err, sizeof it->err, "stdin:%zu: record of %zu bytes exceeds the limit",
			 e->lineno, total);
	} else {
		struct json_rec r = {0};
		struct ds_err err = {0};
		if (ds_json_object(line, (size_t)n, json_member, &r, &err)) {
			snprintf(it->err, sizeof it->err, "stdin:%zu: %s", e->lineno, err.msg);
		} else if (!r.text) {
			snprintf(it->err, sizeof it->err, "stdin:%zu: record without a \"text\" string",
				 e->lineno);
		}
		if (r.id) {
			it->name = r.id;
		} else {
			it->name = malloc(32);
			if (it->name)
				snprintf(it->name, 32, "stdin:%zu", e->lineno);
		}
		if (it->err[0])
			free(r.text);
		else {
			it->text = r.text;
			it->len = r.len;
		}
	}
	free(line);
	if (!it->name) {
		item_free(it);
		return NULL;
	}
	return it;
}

static struct item *next_file(struct engine *e)
{
	struct item *it;
	struct ds_err err = {0};
	const char *path;
	size_t max = e->o->max_bytes ? e->o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT;
	if (e->next_path >= e->npaths)
		return NULL;
	path = e->paths[e->next_path++];
	it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	it->seq = e->seq++;
	it->name = strdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (!it->name) {
		free(it);
		return NULL;
	}
	if (ds_read_file(path, max, &it->text, &it->len, &err))
		snprintf(it->err, sizeof it->err, "%s", err.msg);
	return it;
}

static struct item *next_input(struct engine *e)
{
	return e->o->stdin_json ? next_json(e) : next_file(e);
}

/* ---- work ---- */

static void work(void *ctx, int w, void *vit)
{
	struct engine *e = ctx;
	struct item *it = vit;
	struct ds_text art, src;
	struct ds_detect_opts opts;
	struct ds_err err = {0};
	const struct ds_text *sp = NULL;
	struct ds_sources *found = NULL;

	if (it->err[0])
		return;
	it->meta.similarity = it->meta.coverage = -1;
	art.name = it->name;
	art.data = it->text;
	art.len = it->len;
	memset(&opts, 0, sizeof opts);
	opts.max_bytes = e->o->max_bytes;
	opts.threshold = e->o->threshold;
	opts.all_subs = e->o->all_subs;
	opts.max_words = e->o->max_words;
	if (e->o->source) {
		src.name = e->o->source;
		src.data = e->srcfile;
		src.len = e->srcfile_len;
		sp = &src;
	} else if (e->o->index) {
		/* tokenised once, for the index query and the detector */
		ds_result_free(it->res);
		it->res = NULL;
		if ((found = ds_finder_find(e->fd[w], &art, e->o->max_bytes, &err)) != NULL) {
			it->res = ds_detect_found(e->det[w], found, &opts, &err);
			ds_sources_free(found);
		}
		if (!it->res)
			snprintf(it->err, sizeof it->err, "%s", err.msg);
		return;
	}
	ds_result_free(it->res);
	it->res = ds_detect(e->det[w], &art, sp, &it->meta, &opts, &err);
	if (!it->res)
		snprintf(it->err, sizeof it->err, "%s", err.msg);
}

static void progress(struct engine *e)
{
	if (!e->o->progress || !isatty(2))
		return;
	e->done++;
	if (e->total)
		fprintf(stderr, "\rdespin: %zu/%zu articles", e->done, e->total);
	else
		fprintf(stderr, "\rdespin: %zu articles", e->done);
	fflush(stderr);
}

static void emit(struct engine *e, struct item *it)
{
	progress(e);
	if (e->stop)
		return;
	if (!it->res)
		e->nerr++;
	if (e->fn(e->ctx, it->name, it->res, it->res ? NULL : it->err))
		e->stop = 1;
	it->res = NULL; /* the callback owns it */
}

/* streaming mode */
static void *stream_next(void *ctx)
{
	struct engine *e = ctx;
	return e->stop ? NULL : next_input(e);
}

static void stream_done(void *ctx, void *vit)
{
	struct engine *e = ctx;
	emit(e, vit);
	item_free(vit);
}

/* batch mode: passes over e->items (names and errors only: the texts are
 * in the batch's index) */
static void *batch_next(void *ctx)
{
	struct engine *e = ctx;
	while (e->next_item < e->nitems) {
		struct item *it = e->items[e->next_item++];
		if (e->batch_pass == 3 || (!it->err[0] && (e->batch_pass == 1 ||
							   ds_batch_needs_score(e->batch, it->bidx))))
			return it;
	}
	return NULL;
}

static void batch_work(void *ctx, int w, void *vit)
{
	struct engine *e = ctx;
	struct item *it = vit;
	struct ds_err err = {0};
	struct ds_detect_opts opts;
	struct ds_sources *s = NULL;
	if (it->err[0])
		return;
	memset(&opts, 0, sizeof opts);
	opts.max_bytes = e->o->max_bytes;
	opts.threshold = e->o->threshold;
	opts.all_subs = e->o->all_subs;
	switch (e->batch_pass) {
	case 1: /* which articles share passages */
		if (ds_batch_related(e->batch, e->fd[w], it->bidx, &err))
			snprintf(it->err, sizeof it->err, "%s", err.msg);
		return;
	case 2: /* the solo score of those that do */
		s = ds_batch_article(e->batch, e->fd[w], it->bidx, &err);
		break;
	default: /* each against the sources chosen among the others */
		s = ds_batch_find(e->batch, e->fd[w], it->bidx, &err);
		break;
	}
	it->res = s ? ds_detect_found(e->det[w], s, &opts, &err) : NULL;
	ds_sources_free(s);
	if (!it->res) {
		snprintf(it->err, sizeof it->err, "%s", err.msg);
	} else if (e->batch_pass == 2) {
		ds_batch_set_score(e->batch, it->bidx, ds_result_score(it->res));
		ds_result_free(it->res);
		it->res = NULL;
	}
}

static void batch_done(void *ctx, void *vit)
{
	struct engine *e = ctx;
	struct item *it = vit;
	if (e->batch_pass == 3) {
		emit(e, it);
		ds_result_free(it->res);
		it->res = NULL;
	} else {
		progress(e);
	}
}

static int run_batch(struct engine *e)
{
	struct ds_err err = {0};
	struct item *it;
	int rc = 0;
	if (!(e->batch = ds_batch_new(NULL, &err))) {
		cli_error("cannot create the batch index: %s", err.msg);
		return -1;
	}
	while ((it = next_input(e)) != NULL) {
		if (ds_grow(&e->items, &e->items_cap, e->nitems + 1, sizeof *e->items)) {
			item_free(it);
			break;
		}
		e->items[e->nitems++] = it;
		if (!it->err[0]) {
			struct ds_text art = {it->name, it->text, it->len};
			if (ds_batch_add(e->batch, &art, e->o->max_bytes, &it->bidx, &err))
				snprintf(it->err, sizeof it->err, "%s", err.msg);
		}
		free(it->text); /* kept in the batch's index */
		it->text = NULL;
	}
	for (int w = 0; w < e->nthreads; w++)
		if (!(e->fd[w] = ds_batch_finder(e->batch, &err))) {
			cli_error("cannot open the batch index: %s", err.msg);
			rc = -1;
			goto out;
		}
	e->total = e->nitems * 3;
	for (e->batch_pass = 1; e->batch_pass <= 3; e->batch_pass++) {
		e->next_item = 0;
		if (pool_run(e->nthreads, batch_next, batch_work, batch_done, e) < 0) {
			cli_error("cannot start worker threads");
			rc = -1;
			goto out;
		}
	}
	if (e->o->progress && isatty(2))
		fputc('\n', stderr);
out:
	for (int w = 0; w < e->nthreads; w++) {
		ds_finder_close(e->fd[w]);
		e->fd[w] = NULL;
	}
	for (size_t i = 0; i < e->nitems; i++)
		item_free(e->items[i]);
	free(e->items);
	ds_batch_free(e->batch);
	return rc;
}

int scan_run(const struct scan_opts *o, char **paths, int npaths, scan_result_fn fn, void *ctx)
{
	struct engine e;
	struct ds_err err = {0};
	int rc = 0, batch;
	memset(&e, 0, sizeof e);
	e.o = o;
	e.fn = fn;
	e.ctx = ctx;
	e.nthreads = o->jobs > 0 ? o->jobs : 1;
	if (o->stdin_json && npaths > 0) {
		cli_error("--stdin-json reads its articles from standard input: no FILE arguments "
			  "(here '%s')", paths[0]);
		return -1;
	}
	if (!o->stdin_json)
		cli_walk(paths, npaths, collect_path, &e, &e.nerr);
	e.models = ds_models_open_lm(cli_models_dir(o->models), cli_lm_file(), o->need_scorer, &err);
	if (!e.models) {
		cli_error("%s", err.msg);
		rc = -1;
		goto out;
	}
	if (o->index)
		index_lm_use(e.models, o->index);
	if (o->source) {
		if (ds_read_file(o->source, o->max_bytes ? o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT,
				 &e.srcfile, &e.srcfile_len, &err)) {
			cli_error("%s", err.msg);
			rc = -1;
			goto out;
		}
	}
	e.det = calloc((size_t)e.nthreads, sizeof *e.det);
	e.fd = calloc((size_t)e.nthreads, sizeof *e.fd);
	if (!e.det || !e.fd) {
		cli_error("out of memory");
		rc = -1;
		goto out;
	}
	for (int w = 0; w < e.nthreads; w++) {
		e.det[w] = ds_detector_new(e.models, &err);
		if (!e.det[w]) {
			cli_error("out of memory");
			rc = -1;
			goto out;
		}
		if (o->index) {
			const char *uri = o->index;
			char rbuf[4096];
			if (o->retry > 0 && strncmp(uri, "redis://", 8) == 0) {
				/* reconnections are an option of the address */
				snprintf(rbuf, sizeof rbuf, "%s%cretry=%d", uri,
					 strchr(uri, '?') ? '&' : '?', o->retry);
				uri = rbuf;
			}
			e.fd[w] = ds_finder_open(uri, &err);
			if (!e.fd[w]) {
				cli_error("%s", err.msg);
				rc = -1;
				goto out;
			}
		}
	}
	batch = !o->index && !o->source && !o->solo && !o->stdin_json && e.npaths > 1;
	if (batch) {
		rc = run_batch(&e);
	} else {
		e.total = o->stdin_json ? 0 : e.npaths;
		if (pool_run(e.nthreads, stream_next, work, stream_done, &e) < 0) {
			cli_error("cannot start worker threads");
			rc = -1;
		}
		if (o->progress && isatty(2) && e.done)
			fputc('\n', stderr);
	}
	if (rc == 0)
		rc = e.nerr;
out:
	for (int w = 0; w < e.nthreads; w++) {
		if (e.det)
			ds_detector_free(e.det[w]);
		if (e.fd)
			ds_finder_close(e.fd[w]);
	}
	free(e.det);
	free(e.fd);
	free(e.srcfile);
	ds_models_free(e.models);
	for (size_t i = 0; i < e.npaths; i++)
		free(e.paths[i]);
	free(e.paths);
	return rc;
}
