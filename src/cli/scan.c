/* scan.c - the scanning engine (see scan.h). */
#include "scan.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"
#include "records.h"
#include "bundle.h"
#include "../detect.h"
#include "../index.h"
#include "../store.h"
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
	struct ds_html_map *page; /* a web page's map, for the result's offsets */
	int record;              /* a record (--stdin-json) or an archive's page,
				  * named by its id */
};

struct engine {
	const struct scan_opts *o;
	struct ds_models *models;
	int nthreads;
	struct ds_detector **det;
	struct ds_finder **fd;
	const char *index;       /* -i, or the temporary index of several -s */
	char tmpdir[4096];       /* that temporary index's folder, or "" */
	char *srcfile;
	size_t srcfile_len;
	/* inputs (perr[i]: why path i cannot be read, or NULL) */
	char **paths;
	char **perr;
	size_t perr_cap;
	size_t npaths, path_cap, next_path;
	struct cli_bundle *records; /* --stdin-json */
	struct cli_bundle *bundle; /* the file of many inputs being read: an
				    * archive's pages, a file's records */
	int bundles;             /* inputs named as files of many inputs */
	size_t seq;
	/* batch */
	struct ds_batch *batch;
	struct item **items;
	size_t nitems, items_cap, next_item;
	int batch_pass;          /* 1 related, 2 fluency ranks, 3 with sources */
	size_t pass_done, pass_total; /* the articles of this pass, for the count */
	/* output */
	scan_result_fn fn;
	void *ctx;
	int nerr;
	atomic_int stop;        /* set where verdicts are handed back, read by the reader */
	size_t done, total;
};

static void item_free(struct item *it)
{
	if (!it)
		return;
	free(it->name);
	free(it->text);
	ds_result_free(it->res);
	ds_html_map_free(it->page);
	free(it);
}

static int add_path(struct engine *e, const char *path, const char *msg)
{
	char *p = strdup(path), *m = msg ? strdup(msg) : NULL;
	if (!p || (msg && !m) || ds_grow(&e->paths, &e->path_cap, e->npaths + 1, sizeof *e->paths) ||
	    ds_grow(&e->perr, &e->perr_cap, e->npaths + 1, sizeof *e->perr)) {
		free(p);
		free(m);
		return 1;
	}
	e->paths[e->npaths] = p;
	e->perr[e->npaths++] = m;
	return 0;
}

static int collect_path(const char *path, void *ctx)
{
	return add_path(ctx, path, NULL);
}

/* a path the walk could not read keeps its place among the inputs */
static int collect_error(const char *path, const char *msg, void *ctx)
{
	return add_path(ctx, path, msg);
}

/* ---- reading inputs ---- */

/* The next input of b (a record, an archive's page) as an item, or NULL at
 * its end (*oom set when out of memory). */
static struct item *next_record(struct engine *e, struct cli_bundle *b, int *oom)
{
	struct cli_record r;
	struct item *it;
	int got = cli_bundle_next(b, &r);
	if (got <= 0) {
		*oom |= got < 0;
		return NULL;
	}
	it = calloc(1, sizeof *it);
	if (!it) {
		cli_record_free(&r);
		*oom = 1;
		return NULL;
	}
	it->seq = e->seq++;
	it->record = 1;
	it->name = r.id;
	it->text = r.text;
	it->len = r.len;
	it->page = r.page;
	r.id = r.text = NULL;
	r.page = NULL;
	snprintf(it->err, sizeof it->err, "%s", r.err);
	cli_record_free(&r);
	return it;
}

/* An input named name that failed with msg; NULL (*oom set) when out of
 * memory. */
static struct item *error_item(struct engine *e, const char *name, const char *msg, int *oom)
{
	struct item *it = calloc(1, sizeof *it);
	if (!it || !(it->name = strdup(name))) {
		free(it);
		*oom = 1;
		return NULL;
	}
	it->seq = e->seq++;
	ds_msg_fit(it->err, sizeof it->err, msg);
	return it;
}

/* The next input of the open file that holds many, or NULL at its end
 * (closed, after an archive's counts, with an item of its failure when it
 * failed: the inputs before were judged). */
static struct item *next_held(struct engine *e, int *oom)
{
	struct item *it = next_record(e, e->bundle, oom);
	if (it || *oom)
		return it;
	cli_progress_clear();
	cli_bundle_note(e->bundle, NULL);
	if (cli_bundle_failure(e->bundle)[0])
		it = error_item(e, cli_input_name(e->paths[e->next_path - 1]),
				cli_bundle_failure(e->bundle), oom);
	cli_bundle_close(e->bundle);
	e->bundle = NULL;
	return it;
}

/* Records on standard input given as -s -: read once, they are gone. */
#define RECORDS_NOT_SOURCE                                                              \
	"JSON Lines records, not a source: give them in a file (-s FILE.jsonl) or add " \
	"them to an index (index add --stdin-json)"

/* Opens path as a file that holds many inputs (kind: CLI_BUNDLE_...),
 * whose inputs come next: NULL, or an item of why it cannot be read. */
static struct item *open_bundle(struct engine *e, const char *path, int kind, int *oom)
{
	struct ds_err err = {0};
	size_t max = e->o->max_bytes ? e->o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT;
	if ((e->bundle = cli_bundle_open(path, kind, max, &err)) != NULL)
		return NULL;
	return error_item(e, cli_input_name(path), err.msg, oom);
}

static struct item *next_file(struct engine *e)
{
	struct item *it;
	struct ds_err err = {0};
	const char *path;
	size_t max = e->o->max_bytes ? e->o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT;
	int oom = 0;
	for (;;) {
		int kind = CLI_BUNDLE_NONE, rc;
		if (e->bundle) {
			if ((it = next_held(e, &oom)) != NULL || oom)
				return it;
			continue;
		}
		if (e->next_path >= e->npaths)
			return NULL;
		path = e->paths[e->next_path];
		/* an archive's pages and a file's records are articles (a
		 * name that lies about it is found by the first bytes) */
		if (!e->perr[e->next_path] && (kind = cli_bundle_named(path)) != CLI_BUNDLE_NONE) {
			e->next_path++;
			if ((it = open_bundle(e, path, kind, &oom)) != NULL || oom)
				return it;
			continue;
		}
		it = calloc(1, sizeof *it);
		if (!it)
			return NULL;
		it->seq = e->seq++;
		it->name = strdup(cli_input_name(path));
		if (!it->name) {
			free(it);
			return NULL;
		}
		if (e->perr[e->next_path]) {
			ds_msg_fit(it->err, sizeof it->err, e->perr[e->next_path]);
		} else {
			rc = cli_read_page(path, max, &it->text, &it->len, &it->page, &err);
			kind = cli_bundle_found(path, rc, it->text, it->len);
			if (rc && !kind)
				snprintf(it->err, sizeof it->err, "%s", err.msg);
		}
		if (kind && strcmp(path, "-") == 0) {
			/* read once: its records are gone */
			if (kind == CLI_BUNDLE_RECORDS)
				snprintf(it->err, sizeof it->err,
					 "%s: JSON Lines records, not an article: give them with "
					 "--stdin-json",
					 it->name);
			kind = CLI_BUNDLE_NONE;
		}
		if (kind) {
			item_free(it);
			e->seq--;
			e->next_path++;
			if ((it = open_bundle(e, path, kind, &oom)) != NULL || oom)
				return it;
			continue;
		}
		e->next_path++;
		return it;
	}
}

static struct item *next_input(struct engine *e)
{
	int oom = 0;
	return e->o->stdin_json ? next_record(e, e->records, &oom) : next_file(e);
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
	opts.min_p = e->o->min_p;
	opts.max_words = e->o->max_words;
	if (e->o->source && !e->index) {
		/* named as an article read from standard input is: "-"
		 * reads as no source in the table */
		src.name = cli_input_name(e->o->source);
		src.data = e->srcfile;
		src.len = e->srcfile_len;
		sp = &src;
	} else if (e->index) {
		/* sources presumed clean, weighed the other way where the dates
		 * do not show them older (an index that took in a copy) */
		opts.check_direction = DS_DIRECTION_PRESUMED;
		/* tokenised once, for the index query and the detector */
		ds_result_free(it->res);
		it->res = NULL;
		if ((found = ds_finder_find(e->fd[w], &art, e->o->max_bytes, &err)) != NULL) {
			it->res = ds_detect_found(e->det[w], found, &opts, &err);
			ds_sources_free(found);
		}
		if (!it->res)
			cli_input_error(it->err, sizeof it->err, it->name, err.msg);
		return;
	}
	ds_result_free(it->res);
	it->res = ds_detect(e->det[w], &art, sp, &it->meta, &opts, &err);
	if (!it->res)
		cli_input_error(it->err, sizeof it->err, it->name, err.msg);
}

/* Counts an article done, and shows the count on a terminal when asked. */
static void progress(struct engine *e)
{
	e->done++;
	e->pass_done++;
	if (!e->o->progress || !isatty(2))
		return;
	/* a batch's articles are gone over in three passes: each counted
	 * apart, so that the count is of articles, not of steps */
	if (e->batch_pass)
		cli_progress("despin: pass %d of 3, %zu/%zu articles", e->batch_pass, e->pass_done,
			     e->pass_total);
	else if (e->total)
		cli_progress("despin: %zu/%zu articles", e->done, e->total);
	else
		cli_progress("despin: %zu articles", e->done);
}

static void emit(struct engine *e, struct item *it)
{
	if (!atomic_load(&e->stop)) {
		if (!it->res)
			e->nerr++;
		if (it->res && ds_result_sources_left_out(it->res)) {
			size_t k = ds_result_sources_left_out(it->res);
			cli_progress_clear();
			cli_note("%s: %zu source%s found past the work bound of one article "
				 "(--max-words, --max-size) not judged against",
				 it->name, k, k == 1 ? "" : "s");
		}
		if (it->res && ds_result_copy(it->res)) {
			cli_progress_clear();
			cli_note("%s: judged on its own: the index's source '%s' reads as its copy "
				 "(an index of clean sources that took in a copy, perhaps spun)",
				 it->name, ds_result_copy(it->res));
		}
		if (it->res && it->page) { /* offsets in the page it was read from */
			ds_result_set_page(it->res, it->page);
			it->page = NULL;
		}
		/* the article's output where the progress line stood (a table
		 * row would follow the count on the line), the count drawn
		 * again below it */
		cli_progress_clear();
		if (e->fn(e->ctx, it->name, it->record, it->res, it->res ? NULL : it->err))
			atomic_store(&e->stop, 1);
		it->res = NULL; /* the callback owns it */
	}
	progress(e);
}

/* streaming mode */
static void *stream_next(void *ctx)
{
	struct engine *e = ctx;
	return atomic_load(&e->stop) ? NULL : next_input(e);
}

/* What an input holds while it waits or is judged: its text.  The inputs
 * read ahead of the verdicts weigh at most SCAN_READ_AHEAD bytes (and the
 * one let in after them): a folder or stream of large inputs on many
 * cores holds a bounded amount of memory, not 4 per thread of --max-size
 * each. */
#define SCAN_READ_AHEAD ((size_t)256 << 20)

static size_t stream_weigh(void *ctx, void *vit)
{
	const struct item *it = vit;
	(void)ctx;
	return it->len;
}

static void stream_done(void *ctx, void *vit)
{
	struct engine *e = ctx;
	emit(e, vit);
	item_free(vit);
}

/* batch mode: passes over e->items (names and errors only: the texts are
 * in the batch's index) */
/* Whether pass (1 related, 2 fluency ranks, 3 with sources) has work for it. */
static int batch_wants(const struct engine *e, int pass, const struct item *it)
{
	return pass == 3 ||
	       (!it->err[0] && (pass == 1 || ds_batch_needs_rank(e->batch, it->bidx)));
}

/* The articles pass has work for, for the progress count. */
static size_t batch_steps(const struct engine *e, int pass)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nitems; i++)
		n += batch_wants(e, pass, e->items[i]);
	return n;
}

static void *batch_next(void *ctx)
{
	struct engine *e = ctx;
	while (e->next_item < e->nitems) {
		struct item *it = e->items[e->next_item++];
		if (batch_wants(e, e->batch_pass, it))
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
	opts.max_words = e->o->max_words;
	opts.threshold = e->o->threshold;
	opts.all_subs = e->o->all_subs;
	opts.min_p = e->o->min_p;
	opts.check_direction = 1;
	switch (e->batch_pass) {
	case 1: /* which articles share passages */
		if (ds_batch_related(e->batch, e->fd[w], it->bidx, &err))
			cli_input_error(it->err, sizeof it->err, it->name, err.msg);
		return;
	case 2: /* the fluency of those that may be one of several sources */
		if (ds_batch_rank(e->batch, e->fd[w], e->det[w], it->bidx, &err))
			cli_input_error(it->err, sizeof it->err, it->name, err.msg);
		return;
	default: /* each against the sources chosen among the others */
		s = ds_batch_find(e->batch, e->fd[w], it->bidx, &err);
		break;
	}
	it->res = s ? ds_detect_found(e->det[w], s, &opts, &err) : NULL;
	ds_sources_free(s);
	if (!it->res)
		cli_input_error(it->err, sizeof it->err, it->name, err.msg);
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
				cli_input_error(it->err, sizeof it->err, it->name, err.msg);
		}
		free(it->text); /* kept in the batch's index */
		it->text = NULL;
	}
	for (int w = 0; w < e->nthreads; w++)
		if (!(e->fd[w] = ds_batch_finder(e->batch, &err))) {
			cli_error("cannot open the batch index: %s", err.msg);
			rc = -1;
			goto out;
		} else {
			ds_finder_set_max_words(e->fd[w], e->o->max_words);
		}
	for (e->batch_pass = 1; e->batch_pass <= 3; e->batch_pass++) {
		e->next_item = 0;
		e->pass_done = 0;
		e->pass_total = batch_steps(e, e->batch_pass);
		if (pool_run(e->nthreads, batch_next, batch_work, batch_done, e) < 0) {
			cli_error("cannot start worker threads");
			rc = -1;
			goto out;
		}
	}
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

/* ---- several sources (-s A -s B): a temporary index of them ---- */

static const char *const sources_files[] = {"sources.db", "sources.db-wal", "sources.db-shm",
					    "sources.db-journal"};

static void sources_index_remove(struct engine *e)
{
	char p[4200];
	if (!e->tmpdir[0])
		return;
	for (size_t i = 0; i < sizeof sources_files / sizeof sources_files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", e->tmpdir, sources_files[i]);
		unlink(p);
		ds_temp_del(p);
	}
	rmdir(e->tmpdir);
	ds_temp_del(e->tmpdir);
	e->tmpdir[0] = 0;
}

/* Each article is then judged against the sources it shares passages with,
 * as with an index (several at once for an article stitched from them). */
/* The inputs of the file at path that holds many (kind: an archive's
 * pages, a file's records) as sources in ix, named by their ids: one that
 * cannot be read, or the file's failure after the inputs before it, is
 * said and counted as an error of the run.  0, or -1 (said) when the file
 * cannot be opened or the index written. */
static int sources_bundle(struct engine *e, struct ds_index *ix, const char *path, int kind,
			  size_t max)
{
	struct ds_err err = {0};
	struct cli_record r;
	struct cli_bundle *b = cli_bundle_open(path, kind, max, &err);
	int got = 0, rc = 0;
	if (!b) {
		cli_error("%s", err.msg);
		return -1;
	}
	while (rc == 0 && (got = cli_bundle_next(b, &r)) > 0) {
		struct ds_doc *d = NULL;
		if (!r.err[0] && !(d = ds_doc_new(r.text, r.len, r.id, e->o->max_bytes, &err)))
			ds_msg_fit(r.err, sizeof r.err, err.msg);
		if (!d) {
			cli_error("%s", r.err);
			e->nerr++;
		} else if (ds_index_add(ix, r.id, d, NULL, NULL, &err)) {
			cli_error("%s", err.msg);
			rc = -1;
		}
		ds_doc_free(d);
		cli_record_free(&r);
	}
	if (rc == 0 && got < 0) {
		cli_error("out of memory");
		rc = -1;
	}
	if (rc == 0) /* the inputs before a failure are sources */
		e->nerr += cli_bundle_finish(b, "sources", 0);
	cli_bundle_close(b);
	return rc;
}

static int sources_index(struct engine *e)
{
	static char uri[4200];
	const char *tmp = getenv("TMPDIR");
	size_t max = e->o->max_bytes ? e->o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT;
	struct ds_err err = {0};
	struct ds_index *ix;
	int rc = 0;
	snprintf(e->tmpdir, sizeof e->tmpdir, "%s/despin-sources.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (ds_temp_create(e->tmpdir, 1) < 0) {
		cli_error("cannot create a folder in %s: %s", tmp && *tmp ? tmp : "/tmp",
			  strerror(errno));
		e->tmpdir[0] = 0;
		return -1;
	}
	/* removed on SIGINT or SIGTERM too (main.c), with the files in it */
	for (size_t i = 0; i < sizeof sources_files / sizeof sources_files[0]; i++) {
		snprintf(uri, sizeof uri, "%s/%s", e->tmpdir, sources_files[i]);
		(void)ds_temp_add(uri, 0);
	}
	snprintf(uri, sizeof uri, "%s/sources.db", e->tmpdir);
	if (!(ix = ds_index_open(uri, DS_INDEX_CREATE, &err)) || ds_index_begin(ix, &err)) {
		cli_error("%s", err.msg);
		ds_index_close(ix);
		return -1;
	}
	for (size_t i = 0; i < e->o->nsources && rc == 0; i++) {
		const char *path = e->o->sources[i];
		const char *name = cli_input_name(path);
		char *text = NULL;
		size_t len;
		struct ds_doc *d = NULL;
		int kind = cli_bundle_named(path), read_rc = 0;
		if (!kind) {
			read_rc = cli_read_article(path, max, &text, &len, NULL, &err);
			kind = cli_bundle_found(path, read_rc, text, len);
		}
		if (kind == CLI_BUNDLE_RECORDS && strcmp(path, "-") == 0) {
			cli_error("%s: %s", name, RECORDS_NOT_SOURCE);
			rc = -1;
		} else if (kind && strcmp(path, "-") != 0) {
			rc = sources_bundle(e, ix, path, kind, max);
		} else if (read_rc) {
			cli_error("%s", err.msg);
			rc = -1;
		} else if (!(d = ds_doc_new(text, len, name, e->o->max_bytes, &err)) ||
			   ds_index_add(ix, name, d, NULL, NULL, &err)) {
			/* an archive on standard input is named by ds_doc_new */
			cli_error("%s", err.msg);
			rc = -1;
		}
		ds_doc_free(d);
		free(text);
	}
	if (rc == 0 && ds_index_commit(ix, &err)) {
		cli_error("%s", err.msg);
		rc = -1;
	}
	ds_index_close(ix);
	e->index = uri;
	return rc;
}

int scan_add_source(struct scan_opts *o, const char *path)
{
	if (o->nsources == SCAN_MAX_SOURCES) {
		cli_error("-s: at most %d sources (an index holds more: 'despin index')",
			  SCAN_MAX_SOURCES);
		return -1;
	}
	o->sources[o->nsources++] = path;
	o->source = o->sources[0];
	return 0;
}

int scan_run(const struct scan_opts *o, char **paths, int npaths, scan_result_fn fn, void *ctx)
{
	struct engine e;
	struct ds_err err = {0};
	int rc = 0, batch, held = CLI_BUNDLE_NONE;
	memset(&e, 0, sizeof e);
	atomic_init(&e.stop, 0);
	if (!!o->index + !!o->source + !!o->solo > 1) {
		cli_error("-i, -s and --solo exclude one another");
		return -1;
	}
	/* options that would be ignored are refused */
	if (o->retry > 0 && !(o->index && ds_store_is_redis(o->index))) {
		cli_error("--retry reconnects to a redis:// index (-i redis://...); it has none here");
		return -1;
	}
	if (o->all_subs && o->only_spun) {
		cli_error("--all lists the candidates of clean articles, which --only-spun hides: "
			  "give one of them");
		return -1;
	}
	{
		/* standard input is read once: a second reader would find it
		 * empty, and say so of a file that is not */
		int readers = !!o->stdin_json;
		for (int i = 0; i < npaths; i++)
			readers += strcmp(paths[i], "-") == 0;
		for (size_t i = 0; i < o->nsources; i++)
			readers += strcmp(o->sources[i], "-") == 0;
		if (readers > 1) {
			cli_error("only one input may be standard input ('-', -s -, --stdin-json)");
			return -1;
		}
	}
	e.o = o;
	e.fn = fn;
	e.ctx = ctx;
	if (o->stdin_json && npaths > 0) {
		cli_error("--stdin-json reads its articles from standard input: no FILE arguments "
			  "(here '%s')", paths[0]);
		return -1;
	}
	if (o->index && !ds_store_is_redis(o->index) && cli_walk_own(o->index, CLI_OWN_INDEX)) {
		cli_error("out of memory");
		return -1;
	}
	if (!o->stdin_json) {
		cli_walk_each(paths, npaths, collect_path, collect_error, &e, NULL);
		if (e.npaths == 0) {
			cli_no_input(paths, npaths);
			return -1;
		}
		for (size_t i = 0; i < e.npaths; i++)
			e.bundles += cli_bundle_named(e.paths[i]) != CLI_BUNDLE_NONE;
	}
	/* without -j, a thread per core; for files, with -j too, no more
	 * than there are of them (a stream's verdicts are written as soon as they are made, in
	 * input order, whatever the threads) */
	if (o->jobs > 0) {
		e.nthreads = o->jobs;
	} else {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		e.nthreads = ncpu > 1 ? (ncpu < CLI_MAX_JOBS ? (int)ncpu : CLI_MAX_JOBS) : 1;
	}
	/* a thread more than there are files would only set up its models'
	 * detector and open the index for nothing (-j 256 for two files took
	 * seconds) */
	if (!o->stdin_json && !e.bundles && e.npaths < (size_t)e.nthreads)
		e.nthreads = e.npaths > 0 ? (int)e.npaths : 1;
	/* a folder's worth of articles, or a stream: the models mapped for
	 * many lookups */
	e.models = cli_models_open(o->models, o->need_scorer,
				   o->stdin_json || e.bundles || e.npaths >= CLI_MANY_ARTICLES, &err);
	if (!e.models) {
		cli_models_error(&err);
		rc = -1;
		goto out;
	}
	if (o->index)
		index_lm_use(e.models, o->index);
	e.index = o->index;
	if (o->nsources == 1 && !(held = cli_bundle_named(o->source))) {
		/* a source that is no text is said once, before any article,
		 * as one that cannot be read is; a file of many inputs is read
		 * as them */
		int read_rc = cli_read_article(
			o->source, o->max_bytes ? o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT, &e.srcfile,
			&e.srcfile_len, NULL, &err);
		held = cli_bundle_found(o->source, read_rc, e.srcfile, e.srcfile_len);
		if (held && strcmp(o->source, "-") == 0) { /* read once: they are gone */
			if (held == CLI_BUNDLE_RECORDS) {
				cli_error("%s: %s", cli_input_name(o->source), RECORDS_NOT_SOURCE);
				rc = -1;
				goto out;
			}
			held = CLI_BUNDLE_NONE; /* an archive: named by ds_text_check */
		}
		if (held) {
			free(e.srcfile);
			e.srcfile = NULL;
		} else if (read_rc ||
			   ds_text_check(e.srcfile, e.srcfile_len, cli_input_name(o->source), &err)) {
			cli_error("%s", err.msg);
			rc = -1;
			goto out;
		}
	}
	/* several sources, or the pages of an archive or the records of a
	 * file: an index of them */
	if (o->nsources > 1 || held) {
		if (sources_index(&e) < 0) {
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
		if (e.index) {
			const char *uri = e.index;
			char rbuf[4096];
			if (o->retry > 0 && ds_store_is_redis(uri)) {
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
			ds_finder_set_max_words(e.fd[w], o->max_words);
		}
	}
	if (o->stdin_json &&
	    !(e.records = cli_bundle_stdin(o->max_bytes ? o->max_bytes : DS_DOC_MAX_BYTES_DEFAULT))) {
		cli_error("out of memory");
		rc = -1;
		goto out;
	}
	/* an archive's pages, like records, are judged as they come, not
	 * held for a batch */
	batch = !e.index && !o->source && !o->solo && !o->stdin_json && !e.bundles && e.npaths > 1;
	if (batch) {
		rc = run_batch(&e);
	} else {
		e.total = o->stdin_json || e.bundles ? 0 : e.npaths;
		if (pool_run_weighed(e.nthreads, stream_next, work, stream_done, stream_weigh,
				     SCAN_READ_AHEAD, &e) < 0) {
			cli_error("cannot start worker threads");
			rc = -1;
		}
	}
	/* the summary (or the prompt) in the progress line's place */
	cli_progress_clear();
	if (e.records && cli_bundle_failure(e.records)[0]) {
		/* the records before the damage were judged */
		e.nerr += cli_bundle_finish(e.records, NULL, 1);
	} else if (rc == 0 && o->stdin_json && e.seq == 0) {
		cli_error("no input: no record on standard input");
		rc = -1;
	}
	if (rc == 0)
		rc = e.nerr;
out:
	cli_bundle_close(e.records);
	cli_bundle_close(e.bundle);
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
	sources_index_remove(&e);
	for (size_t i = 0; i < e.npaths; i++) {
		free(e.paths[i]);
		free(e.perr[i]);
	}
	free(e.paths);
	free(e.perr);
	return rc;
}

/* ---- records of the outcome ---- */

/* Starts a record {"KEY":"NAME", in b (and "KEY_bytes" when the name is
 * not UTF-8: ds_buf_json_name); 0 or DS_ENOMEM. */
static int record_start(struct ds_buf *b, const char *key, const char *name)
{
	return ds_buf_putc(b, '{') || ds_buf_json_name(b, 0, key, name) || ds_buf_putc(b, ',')
		       ? DS_ENOMEM
		       : 0;
}

int scan_print_error_json(const char *name, int record, const char *err)
{
	struct ds_buf b = DS_BUF_INIT;
	const char *why = cli_error_reason(name, err);
	int rc;
	record_start(&b, record ? "id" : "file", name);
	ds_buf_puts(&b, "\"error\":\"");
	ds_buf_json_str(&b, why, strlen(why));
	rc = ds_buf_puts(&b, "\"}");
	if (rc == 0)
		puts(b.data);
	ds_buf_free(&b);
	return rc;
}

void scan_print_json(const char *name, int record, const struct ds_result *r)
{
	struct ds_buf b = DS_BUF_INIT;
	char *j = ds_result_json(r);
	int id = j && record && j[0] == '{';
	if (!j || (id && record_start(&b, "id", name)))
		cli_error("%s: out of memory", name);
	else if (id)
		printf("%s%s\n", b.data, j + 1); /* {"id":"...", then the record's fields */
	else
		puts(j);
	ds_buf_free(&b);
	free(j);
}

void scan_tally_add(struct scan_tally *t, const struct ds_result *r)
{
	const char *why = NULL;
	t->articles++;
	if (!r)
		t->errors++;
	else if (!ds_result_judged(r, &why)) {
		t->unjudged++;
		t->foreign += strcmp(why, DS_UNJUDGED_LANGUAGE) == 0;
	} else if (ds_result_spun(r))
		t->spun++;
	else {
		t->clean++;
		t->unsure += ds_result_unsure(r) != 0;
	}
}

void scan_tally_print(const struct scan_tally *t)
{
	char unsure[40] = "", foreign[48] = "";
	if (t->unsure)
		snprintf(unsure, sizeof unsure, " (%zu unsure)", t->unsure);
	if (t->foreign)
		snprintf(foreign, sizeof foreign, " (%zu not English prose)", t->foreign);
	printf("%zu article%s, %zu spun, %zu clean%s, %zu not judged%s, %zu error%s\n", t->articles,
	       t->articles == 1 ? "" : "s", t->spun, t->clean, unsure, t->unjudged, foreign,
	       t->errors, t->errors == 1 ? "" : "s");
}
