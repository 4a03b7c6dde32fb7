/* scan.c - the scanning engine (see scan.h). */
#include "scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"
#include "../detect.h"
#include "../index.h"
#include "../json.h"
#include "../stem.h"
#include "../text.h"

struct item {
	size_t seq;
	char *name;
	char *text;
	size_t len;
	char err[700];
	struct ds_result *res;
	/* the source chosen for it */
	const char *src_name;
	char *src_text;          /* owned when own_src */
	size_t src_len;
	int own_src;
	struct ds_source_meta meta;
	/* batch mode */
	int64_t id;
	double solo_score;
	char date[11];
	struct ds_doc *doc;      /* batch: tokenised for the index, kept for its query */
};

struct engine {
	const struct scan_opts *o;
	struct ds_models *models;
	int nthreads;
	struct ds_detector **det;
	struct ds_index **ix;
	struct ds_stemmer **st;
	char *srcfile;
	size_t srcfile_len;
	/* inputs */
	char **paths;
	size_t npaths, path_cap, next_path;
	size_t lineno;
	size_t seq;
	/* batch */
	struct item **items;
	size_t nitems, items_cap, next_item;
	int batch_pass;          /* 1 solo, 2 with sources */
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
	ds_doc_free(it->doc);
	free(it->name);
	free(it->text);
	if (it->own_src) {
		free(it->src_text);
		free((char *)it->src_name); /* strdup'd with the text (index mode) */
	}
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

/* Finds the source of the article doc (tokenised and stemmed) in the index. */
static void find_index_source(struct engine *e, int w, struct item *it, const struct ds_doc *doc)
{
	struct ds_err err = {0};
	struct ds_query_opts qo;
	struct ds_match ms[8], m;
	size_t n = 0;
	int64_t self = 0;
	ds_query_opts_init(&qo);
	if (ds_index_find_doc(e->ix[w], doc, &self, &err) == 0)
		qo.exclude_id = self; /* the article is itself a known source */
	memset(&err, 0, sizeof err); /* not found is no error */
	if (ds_index_query(e->ix[w], doc, &qo, ms, 8, &n, &err) == 0 && n > 0) {
		char *text;
		size_t len, b = 0;
		for (size_t k = 1; k < n; k++)
			if (ms[k].containment > ms[b].containment)
				b = k;
		m = ms[b];
		if (ds_index_get_text(e->ix[w], m.id, &text, &len, &err) == 0) {
			it->src_text = text;
			it->src_len = len;
			it->own_src = 1;
			it->src_name = strdup(m.name);
			if (!it->src_name) {
				free(text);
				it->src_text = NULL;
				it->own_src = 0;
			}
			it->meta.similarity = m.similarity;
			it->meta.coverage = m.coverage;
		}
		ds_matches_free(ms, n);
	} else if (err.msg[0]) {
		snprintf(it->err, sizeof it->err, "%s", err.msg);
	}
}

static void work(void *ctx, int w, void *vit)
{
	struct engine *e = ctx;
	struct item *it = vit;
	struct ds_text art, src;
	struct ds_detect_opts opts;
	struct ds_err err = {0};
	const struct ds_text *sp = NULL;
	struct ds_doc *doc = NULL; /* tokenised once: for the query and the detector */
	size_t maxw = e->o->max_words ? e->o->max_words : DS_DETECT_MAX_WORDS_DEFAULT;

	if (it->err[0])
		return;
	it->meta.similarity = it->meta.coverage = -1;
	if (e->o->source) {
		src.name = e->o->source;
		src.data = e->srcfile;
		src.len = e->srcfile_len;
		sp = &src;
	} else if (e->o->index) {
		/* a text that cannot be tokenised is reported by ds_detect below
		 * (also one past the work bound: not tokenised here either) */
		doc = ds_text_count_runs(it->text, it->len, 2 * maxw) > 2 * maxw
			      ? NULL
			      : ds_doc_new(it->text, it->len, it->name, e->o->max_bytes, &err);
		if (doc && ds_doc_stem(doc, e->st[w])) {
			ds_doc_free(doc);
			doc = NULL;
		}
		if (doc)
			find_index_source(e, w, it, doc);
		if (it->err[0]) {
			ds_doc_free(doc);
			return;
		}
	}
	if (!sp && it->src_text && e->batch_pass != 1) {
		src.name = it->src_name;
		src.data = it->src_text;
		src.len = it->src_len;
		sp = &src;
	}
	art.name = it->name;
	art.data = it->text;
	art.len = it->len;
	memset(&opts, 0, sizeof opts);
	opts.max_bytes = e->o->max_bytes;
	opts.threshold = e->o->threshold;
	opts.all_subs = e->o->all_subs;
	opts.max_words = e->o->max_words;
	ds_result_free(it->res);
	it->res = doc ? ds_detect_doc(e->det[w], doc, sp, &it->meta, &opts, &err)
		      : ds_detect(e->det[w], &art, sp, &it->meta, &opts, &err);
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

/* batch mode: passes over e->items */
static void *batch_next(void *ctx)
{
	struct engine *e = ctx;
	while (e->next_item < e->nitems) {
		struct item *it = e->items[e->next_item++];
		if (e->batch_pass == 1 || (it->src_text && !it->err[0]))
			return it;
	}
	return NULL;
}

static void batch_done(void *ctx, void *vit)
{
	struct engine *e = ctx;
	struct item *it = vit;
	if (e->batch_pass == 1 && it->res)
		it->solo_score = ds_result_score(it->res);
	progress(e);
}

/* May items[j] be the source of items[i]?  The earlier one (by the date
 * headers) is the source; without dates, the cleaner one (lower solo score). */
static int may_be_source(const struct item *j, const struct item *i)
{
	if (j->date[0] && i->date[0]) {
		int c = strcmp(j->date, i->date);
		if (c != 0)
			return c < 0;
	}
	if (j->solo_score != i->solo_score)
		return j->solo_score < i->solo_score;
	return j->seq < i->seq;
}

static struct item *item_by_id(struct engine *e, int64_t id)
{
	for (size_t j = 0; j < e->nitems; j++)
		if (e->items[j]->id == id)
			return e->items[j];
	return NULL;
}

/* Is a an older (or, undated, cleaner) text than b? */
static int older(const struct item *a, const struct item *b)
{
	if (a->date[0] && b->date[0] && strcmp(a->date, b->date) != 0)
		return strcmp(a->date, b->date) < 0;
	if (a->date[0] != b->date[0])
		return a->date[0] != 0;
	return a->solo_score < b->solo_score;
}

static double max_containment(struct engine *e, struct item *it, const struct ds_match *m,
			      size_t n)
{
	double best = 0;
	for (size_t k = 0; k < n; k++) {
		struct item *c = item_by_id(e, m[k].id);
		if (c && c != it && !c->err[0] && c->res && may_be_source(c, it) &&
		    m[k].containment > best)
			best = m[k].containment;
	}
	return best;
}

/* Picks it's source among the matches: those that may be its source and are
 * nearly as similar as the best one; of them the oldest, since copies of a
 * copy lead back to the original. */
static void choose_source(struct engine *e, struct item *it, const struct ds_match *m, size_t n)
{
	struct item *best = NULL;
	double best_sim = -1;
	size_t bk = 0;
	for (size_t k = 0; k < n; k++) {
		struct item *c = item_by_id(e, m[k].id);
		if (!c || c == it || c->err[0] || !c->res || !may_be_source(c, it))
			continue;
		if (best_sim < 0)
			best_sim = max_containment(e, it, m, n);
		if (m[k].containment < 0.6 * best_sim)
			continue;
		if (!best || older(c, best)) {
			best = c;
			bk = k;
		}
	}
	if (!best)
		return;
	it->src_text = best->text;
	it->src_len = best->len;
	it->src_name = best->name;
	it->meta.similarity = m[bk].similarity;
	it->meta.coverage = m[bk].coverage;
}

static int run_batch(struct engine *e)
{
	struct ds_err err = {0};
	struct ds_index *mem = ds_index_open(":memory:", DS_INDEX_CREATE, &err);
	struct item *it;
	size_t maxw = e->o->max_words ? e->o->max_words : DS_DETECT_MAX_WORDS_DEFAULT;
	if (!mem) {
		cli_error("cannot create the batch index: %s", err.msg);
		return -1;
	}
	while ((it = next_input(e)) != NULL) {
		if (ds_grow(&e->items, &e->items_cap, e->nitems + 1, sizeof *e->items)) {
			item_free(it);
			break;
		}
		e->items[e->nitems++] = it;
		/* past the work bound: no index entry (ds_detect says why) */
		if (!it->err[0] && ds_text_count_runs(it->text, it->len, 2 * maxw) <= 2 * maxw) {
			struct ds_doc *doc = ds_doc_new(it->text, it->len, it->name, e->o->max_bytes, &err);
			int added;
			if (doc) {
				ds_doc_stem(doc, e->st[0]);
				snprintf(it->date, sizeof it->date, "%s", doc->date);
				if (ds_index_add(mem, it->name, doc, &it->id, &added, &err))
					it->id = 0;
				it->doc = doc;
			}
		}
	}
	e->total = e->nitems * 2;
	/* pass 1: every article on its own */
	e->batch_pass = 1;
	e->next_item = 0;
	pool_run(e->nthreads, batch_next, work, batch_done, e);
	/* sources: the most similar other input that may be the source */
	for (size_t i = 0; i < e->nitems; i++) {
		struct ds_match m[8];
		struct ds_query_opts qo;
		size_t n = 0;
		it = e->items[i];
		if (it->err[0] || !it->res || !it->id || !it->doc)
			continue;
		ds_query_opts_init(&qo);
		qo.exclude_id = it->id;
		if (ds_index_query(mem, it->doc, &qo, m, 8, &n, &err) == 0) {
			choose_source(e, it, m, n);
			ds_matches_free(m, n);
		}
	}
	for (size_t i = 0; i < e->nitems; i++) {
		ds_doc_free(e->items[i]->doc);
		e->items[i]->doc = NULL;
	}
	ds_index_close(mem);
	/* pass 2: articles with a source */
	e->batch_pass = 2;
	e->next_item = 0;
	pool_run(e->nthreads, batch_next, work, batch_done, e);
	if (e->o->progress && isatty(2))
		fputc('\n', stderr);
	for (size_t i = 0; i < e->nitems; i++) {
		emit(e, e->items[i]);
		item_free(e->items[i]);
	}
	free(e->items);
	return 0;
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
	e.ix = calloc((size_t)e.nthreads, sizeof *e.ix);
	e.st = calloc((size_t)e.nthreads, sizeof *e.st);
	if (!e.det || !e.ix || !e.st) {
		cli_error("out of memory");
		rc = -1;
		goto out;
	}
	for (int w = 0; w < e.nthreads; w++) {
		e.det[w] = ds_detector_new(e.models, &err);
		e.st[w] = ds_stemmer_new();
		if (!e.det[w] || !e.st[w]) {
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
			e.ix[w] = ds_index_open(uri, DS_INDEX_READONLY, &err);
			if (!e.ix[w]) {
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
		if (e.ix)
			ds_index_close(e.ix[w]);
		if (e.st)
			ds_stemmer_free(e.st[w]);
	}
	free(e.det);
	free(e.ix);
	free(e.st);
	free(e.srcfile);
	ds_models_free(e.models);
	for (size_t i = 0; i < e.npaths; i++)
		free(e.paths[i]);
	free(e.paths);
	return rc;
}
