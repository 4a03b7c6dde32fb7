/* cmd_index.c - despin index: build, inspect and query an index of sources. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "bundle.h"
#include "../index.h"
#include "../store.h"
#include "../text.h"

static const char USAGE[] =
	"despin index add -i INDEX [-q] [--name NAME] [--batch N] [--no-train] [--progress]\n"
	"                  [--stdin-json | FILE...]\n"
	"       despin index remove -i INDEX [--id] NAME...\n"
	"       despin index list|stats|check|vacuum -i INDEX\n"
	"       despin index query -i INDEX [-n N] [--min-sim X] [--min-coverage X] [--timing]\n"
	"                  FILE...\n"
	"       despin index train -i INDEX [--models DIR]\n"
	"       despin index copy [--batch N] SRC DST\n"
	"\n"
	"INDEX is an SQLite file or a Redis server: redis://HOST[:PORT][/DB]\n"
	"(an IPv6 address in brackets, [::1]; several nodes, H1:P1,H2:P2, tried in\n"
	"turn; a Unix socket: unix:///PATH?db=DB; a cluster: any of its nodes; a\n"
	"server that asks for a password:\n"
	"redis://[USER]:PASSWORD@HOST[:PORT], percent-encoded as redis-cli reads it\n"
	"(%40 for '@'), shown as *** in messages, or DESPIN_REDIS_PASSWORD in\n"
	"the environment, off the command line).\n"
	"\n"
	"  add FILE...      add clean sources (files, directories read recursively,\n"
	"                   '-' for standard input; the web pages of a WARC\n"
	"                   archive, named by their URIs; the records of a .jsonl\n"
	"                   file, as --stdin-json reads them); a text already in the index\n"
	"                   (same words) is not added twice.  The whole command is\n"
	"                   one transaction: interrupted, it adds nothing.  A\n"
	"                   progress line on standard error on a terminal\n"
	"                   (--progress: always)\n"
	"  add --stdin-json sources as JSON Lines records on standard input:\n"
	"                   {\"id\": NAME, \"text\": ..., \"date\": \"YYYY-MM-DD\"}\n"
	"                   (the id, the source's name, required; date optional;\n"
	"                   \"html\" instead of \"text\": a web page); a bad\n"
	"                   record is an error, the others are added; a gzip\n"
	"                   or zstd stream is decoded as it is read\n"
	"  remove NAME...   remove the sources of that name (as 'list' shows it);\n"
	"                   with --id, arguments are source ids; a name or id the\n"
	"                   index lacks is an error, the others are removed\n"
	"  list             one line per source: id, date, words, shingles, name\n"
	"  stats            sizes of the index and its format version\n"
	"  check            full consistency check of the index file\n"
	"  vacuum           reclaim storage: SQLite rewrites the file; on Redis,\n"
	"                   the postings and records of adds whose writer died\n"
	"                   (ids older than the mark an earlier vacuum set a day\n"
	"                   and an hour before, never registered) are taken out\n"
	"                   and a new mark is set: run it daily\n"
	"  query FILE...    the nearest sources of each article\n"
	"  train            train the index's in-domain language model on its\n"
	"                   sources (mixed into the language model by 'lm score -i'\n"
	"                   and, with DESPIN_INDEX_LM=1, 'scan -i'); once trained,\n"
	"                   add and remove train it again by themselves when the\n"
	"                   index changed by a quarter\n"
	"  copy SRC DST     copy every source of index SRC into index DST (created\n"
	"                   if missing; sources already there are skipped), e.g.\n"
	"                   from an SQLite file to a Redis server or back\n"
	"\n"
	"options:\n"
	"  -i, --index FILE     the index (an SQLite file; created by 'add')\n"
	"  -q, --quiet          add: print only the summary\n"
	"      --name NAME      add: the name of the single input (a file or '-')\n"
	"      --batch N        add: commit every N new sources (default: once);\n"
	"                       copy: default 500\n"
	"      --id             remove: arguments are ids\n"
	"  -n N                 query: report up to N sources (default 1)\n"
	"      --min-sim X      query: similarity below X is no source (default 0.03)\n"
	"      --min-coverage X query: covering less than X of the article is no\n"
	"                           source (default 0.08)\n"
	"      --timing         query: print each lookup's time (wall clock and this\n"
	"                           thread's processor time) on standard error\n"
	"      --timeout SEC    wait that long for another writer (default 10)\n"
	"      --no-train       add, remove: never train the language model\n"
	"      --models DIR     train: the models directory (its language model)";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Reads and tokenises one input; NULL with err set. */
static struct ds_doc *read_doc(const char *path, const char *name, struct ds_err *err)
{
	struct ds_doc *d;
	char *text;
	size_t len;
	if (cli_read_article(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, &text,
			 &len, NULL, err))
		return NULL;
	d = ds_doc_new(text, len, name, cli_max_input, err);
	free(text);
	return d;
}

/* read_doc, NULL after printing the error. */
static struct ds_doc *load_doc(const char *path, const char *name)
{
	struct ds_err err = {0};
	struct ds_doc *d = read_doc(path, name, &err);
	if (!d)
		cli_error("%s", err.msg);
	return d;
}

struct opts {
	const char *index;
	const char *name;
	int quiet, by_id, nmax, timeout_s, timing;
	int no_train;
	int stdin_json, progress;
	const char *models;
	long batch;
	double min_sim, min_cov;
};

/* ---- add ---- */

static int is_dir(const char *path)
{
	struct stat sb;
	return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* An add of the open transaction, printed once committed. */
struct add_line {
	int64_t id;
	int added;
	char *name;
};

struct add_ctx {
	struct ds_index *ix;
	const struct opts *o;
	size_t added, present, pending;
	int nerr;
	int fatal;
	double shown;    /* when the progress line was last shown */
	int line_open;   /* the progress line awaits its newline */
	struct add_line *line;
	size_t nline, capline;
};

/* After a commit: prints the lines of the transaction, each add as it
 * ended (another writer may have committed the same text first). */
static void add_flush(struct add_ctx *c)
{
	for (size_t i = 0; i < c->nline; i++) {
		struct add_line *l = &c->line[i];
		if (l->added) {
			int64_t as = ds_index_committed_as(c->ix, l->id);
			if (as != l->id) {
				l->id = as;
				l->added = 0;
				c->added--;
				c->present++;
			}
		}
		if (!c->o->quiet)
			printf("%s %lld %s\n", l->added ? "added" : "present", (long long)l->id,
			       cli_name(l->name));
		free(l->name);
	}
	c->nline = 0;
}

static void add_free(struct add_ctx *c)
{
	for (size_t i = 0; i < c->nline; i++)
		free(c->line[i].name);
	free(c->line);
}

/* Ends the progress line before a message, so that each has its own line. */
static void add_newline(struct add_ctx *c)
{
	if (c->line_open)
		fputc('\n', stderr);
	c->line_open = 0;
}

/* The progress line of add, on standard error: shown on a terminal or
 * with --progress, at most five times a second, and once at the end. */
static void add_progress(struct add_ctx *c, int last)
{
	double now;
	if (!c->o->progress)
		return;
	now = ds_now();
	if (!last && now - c->shown < 0.2)
		return;
	c->shown = now;
	fprintf(stderr, "\rdespin: %zu added, %zu already present, %d unreadable%s", c->added,
		c->present, c->nerr, last ? "\n" : "");
	c->line_open = !last;
	fflush(stderr);
}

/* Adds one tokenised source (freed here); 0, or 1 to stop. */
static int add_doc(struct add_ctx *c, const char *name, struct ds_doc *d)
{
	struct ds_err err = {0};
	int64_t id;
	int added;
	if (d->n_words > DS_DETECT_MAX_WORDS_DEFAULT) {
		add_newline(c);
		cli_note("%s: %zu words, past the work bound of one article (%d): a scan takes it "
			 "as a source only with --max-words %zu or more",
			 name, d->n_words, DS_DETECT_MAX_WORDS_DEFAULT, d->n_words);
	}
	if (ds_index_add(c->ix, name, d, &id, &added, &err)) {
		add_newline(c);
		cli_error("cannot add %s: %s", name, err.msg);
		ds_doc_free(d);
		c->fatal = 1;
		return 1;
	}
	ds_doc_free(d);
	if (added) {
		c->added++;
		c->pending++;
	} else {
		c->present++;
	}
	if (ds_grow(&c->line, &c->capline, c->nline + 1, sizeof *c->line) ||
	    !(c->line[c->nline].name = strdup(name))) {
		add_newline(c);
		cli_error("out of memory");
		c->fatal = 1;
		return 1;
	}
	c->line[c->nline].id = id;
	c->line[c->nline++].added = added;
	add_progress(c, 0);
	if (c->o->batch > 0 && c->pending >= (size_t)c->o->batch) {
		if (ds_index_commit(c->ix, &err)) {
			add_newline(c);
			cli_error("%s", err.msg);
			c->fatal = 1;
			return 1;
		}
		add_newline(c);
		add_flush(c);
		if (ds_index_begin(c->ix, &err)) {
			add_newline(c);
			cli_error("%s", err.msg);
			c->fatal = 1;
			return 1;
		}
		c->pending = 0;
	}
	return 0;
}

/* The inputs of b: --stdin-json's or a file's {"id", "text", "date"}
 * records, one a line (the date, YYYY-MM-DD, becomes the source's date
 * header: records.h), or an archive's pages, named by their URIs.  The id
 * is the source's name, kept in the index: a record without one is an
 * error in its place (scan, whose names last only for its output, calls it
 * NAME:LINE). */
static void add_records(struct add_ctx *c, struct cli_bundle *b)
{
	struct cli_record r;
	int got = 0;
	while (!interrupted && !c->fatal && (got = cli_bundle_next(b, &r)) > 0) {
		struct ds_err err = {0};
		struct ds_doc *d = NULL;
		if (!r.err[0] && r.no_id)
			snprintf(r.err, sizeof r.err, "%.300s:%zu: record %s \"id\" (the source's name)",
				 cli_bundle_name(b), r.line, r.no_id == 1 ? "without an" : "with an empty");
		if (!r.err[0] && !(d = ds_doc_new(r.text, r.len, r.id, cli_max_input, &err)))
			snprintf(r.err, sizeof r.err, "%.500s", err.msg);
		if (r.err[0] || !d) {
			add_newline(c);
			cli_error("%s", r.err);
			c->nerr++;
			add_progress(c, 0);
		} else {
			add_doc(c, r.id, d);
		}
		cli_record_free(&r);
	}
	if (got < 0) {
		cli_error("out of memory");
		c->fatal = 1;
	} else if (!c->fatal && !interrupted) {
		/* the sources before a failure are added; an archive's counts */
		if (cli_bundle_failure(b)[0] ||
		    (cli_bundle_kind(b) == CLI_BUNDLE_PAGES && !c->o->quiet))
			add_newline(c);
		c->nerr += cli_bundle_finish(b, NULL, c->o->quiet);
	}
}

/* The inputs of the file at path that holds many (kind: CLI_BUNDLE_...). */
static int add_bundle(struct add_ctx *c, const char *path, int kind)
{
	struct ds_err err = {0};
	struct cli_bundle *b = cli_bundle_open(
		path, kind, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT, &err);
	if (!b) {
		add_newline(c);
		cli_error("%s", err.msg);
		c->nerr++;
		return 0;
	}
	add_records(c, b);
	cli_bundle_close(b);
	return c->fatal;
}

static int add_one(const char *path, void *vctx)
{
	struct add_ctx *c = vctx;
	const char *name = c->o->name ? c->o->name : cli_input_name(path);
	struct ds_doc *d = NULL;
	struct ds_err err = {0};

	char *text = NULL;
	size_t len = 0;
	int kind, read_rc;

	if (interrupted)
		return 1;
	/* an archive's pages and a file's records are sources (a name that
	 * lies about it is found by the first bytes) */
	if ((kind = cli_bundle_named(path)) != CLI_BUNDLE_NONE)
		return add_bundle(c, path, kind);
	read_rc = cli_read_article(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT,
				   &text, &len, NULL, &err);
	kind = cli_bundle_found(path, read_rc, text, len);
	if (kind && strcmp(path, "-") != 0) {
		free(text);
		return add_bundle(c, path, kind);
	}
	if (kind == CLI_BUNDLE_RECORDS) /* read once: they are gone */
		ds_err_set(&err, DS_EFORMAT,
			   "%s: JSON Lines records, not a source: give them with --stdin-json", name);
	else if (read_rc == 0) /* an archive on standard input is named here */
		d = ds_doc_new(text, len, name, cli_max_input, &err);
	free(text);
	if (!d) {
		add_newline(c);
		cli_error("%s", err.msg);
		c->nerr++;
		add_progress(c, 0);
		return 0;
	}
	return add_doc(c, name, d);
}

/* A path the walk cannot read: its message on a line of its own. */
static int add_walk_error(const char *path, const char *msg, void *vctx)
{
	struct add_ctx *c = vctx;
	(void)path;
	add_newline(c);
	cli_error("%s", msg);
	c->nerr++;
	add_progress(c, 0);
	return 0;
}


/* Adds; *gone set when nothing was added to an index this command created,
 * which is then removed (ds_index_discard): a command that added nothing
 * leaves no file behind. */
static int do_add(struct ds_index *ix, const struct opts *o, char **args, int n, int *gone)
{
	struct add_ctx c = {ix, o, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0};
	struct ds_err err = {0};
	struct sigaction sa;

	if (o->stdin_json && n > 0) {
		cli_error("--stdin-json reads its sources from standard input: no FILE arguments "
			  "(here '%s')", args[0]);
		return EXIT_ERROR;
	}
	if (n == 0 && !o->stdin_json)
		return cli_usage("despin index add -i INDEX FILE...");
	if (o->name && n == 1 && cli_bundle_named(args[0])) {
		/* its pages or records would all get the one name */
		int pages = cli_bundle_named(args[0]) == CLI_BUNDLE_PAGES;
		cli_error("--name applies to a single input, not %s (%s): they are named by their %s",
			  pages ? "a WARC archive's pages" : "a file's records", cli_name(args[0]),
			  pages ? "URIs" : "ids");
		return EXIT_ERROR;
	}
	if (o->name && (n != 1 || is_dir(args[0]))) {
		/* a directory's files would all get the one name */
		if (n == 1)
			cli_error("--name applies to a single input, not a directory (%s)",
				  cli_name(args[0]));
		else
			cli_error("--name applies to a single input");
		return EXIT_ERROR;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (ds_index_begin(ix, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (o->stdin_json) {
		struct cli_bundle *b =
			cli_bundle_stdin(cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT);
		if (b)
			add_records(&c, b);
		else
			cli_error("out of memory");
		c.fatal |= !b;
		cli_bundle_close(b);
	} else if (cli_walk_each(args, n, add_one, add_walk_error, &c, NULL) == 0 && !c.nerr) {
		cli_no_input(args, n);
		c.fatal = 1;
	}
	add_progress(&c, 1);
	if (c.fatal || interrupted) {
		ds_index_rollback(ix, NULL);
		if (c.added == c.pending) /* no batch committed */
			*gone = ds_index_discard(ix);
		if (interrupted)
			cli_error("interrupted: %s", o->batch > 0 && c.added > c.pending
							 ? "sources of earlier batches were kept"
							 : "nothing added");
		add_free(&c);
		return EXIT_ERROR;
	}
	if (ds_index_commit(ix, &err)) {
		cli_error("%s", err.msg);
		ds_index_rollback(ix, NULL);
		if (c.added == c.pending)
			*gone = ds_index_discard(ix);
		add_free(&c);
		return EXIT_ERROR;
	}
	if (c.added == 0)
		*gone = ds_index_discard(ix);
	add_flush(&c);
	add_free(&c);
	printf("%zu added, %zu already present", c.added, c.present);
	if (c.nerr)
		printf(", %d unreadable", c.nerr);
	printf("\n");
	return c.nerr ? EXIT_ERROR : EXIT_CLEAN;
}

/* ---- remove ---- */

struct rm_ctx {
	int64_t ids[64];
	int n;
};

static int collect_id(void *ctx, int64_t id)
{
	struct rm_ctx *r = ctx;
	if (r->n < (int)DS_ARRAY_LEN(r->ids))
		r->ids[r->n++] = id;
	return 0;
}

/* The refusal of a word that remove --id cannot take for an id. */
static int not_an_id(const char *word)
{
	cli_error("index remove: '%s' is not a source id (ids are positive whole numbers)",
		  cli_name(word));
	return EXIT_ERROR;
}

/* A source id as remove --id takes it: a positive whole number in digits
 * alone (strtoll would take " 2" and "+2" too); 0 for any other word. */
static int64_t source_id(const char *word)
{
	char *end;
	long long v;
	if (*word < '0' || *word > '9')
		return 0;
	errno = 0;
	v = strtoll(word, &end, 10);
	return *end == '\0' && v > 0 && errno == 0 ? (int64_t)v : 0;
}

static int copy_name(void *ctx, const struct ds_source_info *si)
{
	char **name = ctx;
	return (*name = strdup(si->name)) ? 0 : DS_ENOMEM;
}

/* Removes source id and prints it with its name; DS_ENOTFOUND (err set)
 * when the index has no such source. */
static int remove_id(struct ds_index *ix, int64_t id, struct ds_err *err)
{
	char *name = NULL;
	int rc = ds_index_get_info(ix, id, copy_name, &name, err);
	if (rc == DS_ENOMEM && !name)
		ds_err_set(err, rc, "out of memory");
	if (rc == 0 && (rc = ds_index_remove(ix, id, err)) == 0)
		printf("removed %lld %s\n", (long long)id, cli_name(name));
	free(name);
	return rc;
}

/* Whether arg asks again for what an argument before it asked (the same
 * name, or the same id however written: "2", "02"; a glob and a name
 * typed beside it give one twice): 1, 0, or DS_ENOMEM.  seen holds the
 * arguments so far. */
static int asked_before(struct ds_strtab *seen, const char *arg, int by_id)
{
	char key[32];
	size_t before = seen->n;
	int64_t k;
	if (by_id) {
		snprintf(key, sizeof key, "%lld", (long long)source_id(arg));
		arg = key;
	}
	k = ds_strtab_intern(seen, arg, strlen(arg));
	return k < 0 ? (int)k : (size_t)k < before;
}

/* A name or id the index does not hold is an error (exit 2), said on a
 * line of its own; the others are removed all the same, and the summary
 * counts both.  A name or id given twice is removed and counted once, its
 * repeat passed over without a word, as git rm does: the second could only
 * fail to find what the first removed. */
static int do_remove(struct ds_index *ix, const struct opts *o, char **args, int n)
{
	struct ds_err err = {0};
	struct ds_strtab seen = DS_STRTAB_INIT;
	int removed = 0, missing = 0;

	if (n == 0)
		return cli_usage("despin index remove -i INDEX [--id] NAME|ID...");
	for (int i = 0; o->by_id && i < n; i++)
		if (!source_id(args[i]))
			return not_an_id(args[i]);
	if (ds_index_begin(ix, &err))
		goto fail;
	for (int i = 0; i < n; i++) {
		struct rm_ctx r = {{0}, 0};
		int found, rc, named = 0;
		if ((rc = asked_before(&seen, args[i], o->by_id)) != 0) {
			if (rc < 0) {
				ds_err_set(&err, rc, "out of memory");
				goto fail;
			}
			continue;
		}
		if (o->by_id) {
			if ((rc = remove_id(ix, source_id(args[i]), &err)) == 0) {
				removed++;
			} else if (rc == DS_ENOTFOUND) {
				cli_error("%s", err.msg);
				missing++;
			} else {
				goto fail;
			}
			continue;
		}
		do {
			r.n = 0;
			found = ds_index_find_name(ix, args[i], collect_id, &r, &err);
			if (found < 0)
				goto fail;
			for (int k = 0; k < r.n; k++) {
				if (remove_id(ix, r.ids[k], &err))
					goto fail;
				removed++;
				named++;
			}
		} while (found > r.n); /* more than one batch of ids */
		if (named == 0) {
			cli_error("no source named %s in %s", cli_name(args[i]),
				  cli_index_name(o->index));
			missing++;
		}
	}
	ds_strtab_free(&seen);
	if (ds_index_commit(ix, &err))
		goto fail;
	printf("%d removed", removed);
	if (missing)
		printf(", %d not found", missing);
	printf("\n");
	return missing ? EXIT_ERROR : EXIT_CLEAN;
fail:
	ds_strtab_free(&seen);
	cli_error("%s", err.msg);
	ds_index_rollback(ix, NULL);
	return EXIT_ERROR;
}

/* ---- list, stats, check ---- */

static int list_one(void *ctx, const struct ds_source_info *s)
{
	(void)ctx;
	printf("%6lld  %-10s  %7llu  %8llu  %s\n", (long long)s->id, s->date[0] ? s->date : "-",
	       (unsigned long long)s->words, (unsigned long long)s->shingles, cli_name(s->name));
	return 0;
}

static int do_list(struct ds_index *ix)
{
	struct ds_err err = {0};
	printf("%6s  %-10s  %7s  %8s  %s\n", "id", "date", "words", "shingles", "name");
	if (ds_index_list(ix, list_one, NULL, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

static int do_stats(struct ds_index *ix)
{
	struct ds_err err = {0};
	struct ds_index_stats s;
	if (ds_index_stats(ix, &s, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	printf("sources            %llu\n", (unsigned long long)s.sources);
	printf("words              %llu\n", (unsigned long long)s.words);
	printf("shingles           %llu\n", (unsigned long long)s.shingles);
	printf("band keys          %llu\n", (unsigned long long)s.band_keys);
	printf("text bytes         %llu\n", (unsigned long long)s.text_bytes);
	printf("bytes              %llu\n", (unsigned long long)s.bytes);
	printf("bytes per source   %llu\n",
	       (unsigned long long)(s.sources ? s.bytes / s.sources : 0));
	if (s.text_store_bytes) { /* a store that counts its texts apart (Redis) */
		printf("texts bytes        %llu\n", (unsigned long long)s.text_store_bytes);
		printf("per source no text %llu\n",
		       (unsigned long long)(s.sources ? (s.bytes - s.text_store_bytes) / s.sources : 0));
	}
	if (s.version < s.version_new)
		printf("format             %d (older: 'index copy' into a new index gives %d)\n",
		       s.version, s.version_new);
	else
		printf("format             %d\n", s.version);
	return EXIT_CLEAN;
}

static int do_check(struct ds_index *ix, const struct opts *o)
{
	struct ds_err err = {0};
	if (ds_index_check(ix, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	printf("%s: ok\n", cli_index_name(o->index));
	return EXIT_CLEAN;
}

static int do_vacuum(struct ds_index *ix)
{
	struct ds_err err = {0};
	struct ds_index_vacuum v;
	if (ds_index_vacuum(ix, &v, &err)) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}
	if (v.next_ms > 0) { /* a store with marks (Redis) */
		printf("postings removed   %llu\n", (unsigned long long)v.postings);
		printf("records removed    %llu\n", (unsigned long long)v.records);
		printf("next sweep in      %.1f h\n", (double)v.next_ms / 3600000.0);
	} else {
		printf("bytes before       %llu\n", (unsigned long long)v.bytes_before);
		printf("bytes after        %llu\n", (unsigned long long)v.bytes_after);
	}
	return EXIT_CLEAN;
}

/* ---- query ---- */

struct query_ctx {
	struct ds_index *ix;
	const struct opts *o;
	struct ds_match *m;
	int nerr;
};

/* This thread's processor time in seconds. */
static double cpu_now(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int query_one(const char *path, void *vctx)
{
	struct query_ctx *c = vctx;
	struct ds_err err = {0};
	struct ds_query_opts qo;
	const char *name = cli_input_name(path);
	struct ds_doc *d = load_doc(path, name);
	size_t n;
	double t0, c0;
	uint64_t trips0;
	int rc;

	if (!d) {
		/* its row in its place, as scan's error rows; why on stderr */
		printf("%s\terror\n", cli_name(name));
		c->nerr++;
		return 0;
	}
	ds_query_opts_init(&qo);
	qo.min_similarity = c->o->min_sim;
	qo.min_coverage = c->o->min_cov;
	t0 = ds_now();
	c0 = cpu_now();
	trips0 = ds_index_round_trips(c->ix);
	rc = ds_index_query(c->ix, d, &qo, c->m, (size_t)c->o->nmax, &n, &err);
	if (c->o->timing)
		fprintf(stderr, "time %.3f ms cpu %.3f ms round trips %llu %s\n",
			(ds_now() - t0) * 1e3, (cpu_now() - c0) * 1e3,
			(unsigned long long)(ds_index_round_trips(c->ix) - trips0), name);
	if (rc) {
		/* as scan does: the other inputs are still looked up (a damaged
		 * page of the index fails only the articles that reach it) */
		char why[sizeof err.msg + 4096];
		cli_input_error(why, sizeof why, name, err.msg);
		cli_error("%s", why);
		printf("%s\terror\n", cli_name(name));
		ds_doc_free(d);
		c->nerr++;
		return 0;
	}
	if (n == 0)
		printf("%s\tnone\n", cli_name(name));
	for (size_t i = 0; i < n; i++)
		printf("%s\t%lld\t%s\tsimilarity %.3f\tcoverage %.3f\tcontainment %.3f\t%s\n",
		       cli_name(name), (long long)c->m[i].id, c->m[i].date[0] ? c->m[i].date : "-",
		       c->m[i].similarity, c->m[i].coverage, c->m[i].containment,
		       cli_name(c->m[i].name));
	ds_matches_free(c->m, n);
	ds_doc_free(d);
	return 0;
}

static int do_query(struct ds_index *ix, const struct opts *o, char **args, int n)
{
	struct query_ctx c = {ix, o, NULL, 0};
	if (n == 0)
		return cli_usage("despin index query -i INDEX FILE...");
	if (!(c.m = calloc((size_t)o->nmax, sizeof *c.m))) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	cli_walk(args, n, query_one, &c, &c.nerr);
	free(c.m);
	return c.nerr ? EXIT_ERROR : EXIT_CLEAN;
}

/* ---- copy ---- */

struct copy_ctx {
	struct ds_index *src, *dst;
	const char *src_uri, *dst_uri;
	long batch;
	size_t copied, present, pending;
};

static int copy_one(void *ctx, const struct ds_source_info *si)
{
	struct copy_ctx *c = ctx;
	struct ds_err err = {0};
	struct ds_doc *d;
	char *text;
	size_t len;
	int added;
	if (interrupted)
		return 1;
	if (ds_index_get_text(c->src, si->id, &text, &len, &err)) {
		cli_error("%s", err.msg);
		return 1;
	}
	d = ds_doc_new(text, len, si->name, len + 1, &err);
	free(text);
	if (!d) {
		cli_error("cannot copy source %lld of %s: %s", (long long)si->id, c->src_uri, err.msg);
		return 1;
	}
	if (ds_index_add(c->dst, si->name, d, NULL, &added, &err)) {
		cli_error("cannot add %s to %s: %s", si->name, c->dst_uri, err.msg);
		ds_doc_free(d);
		return 1;
	}
	ds_doc_free(d);
	if (added) {
		c->copied++;
		c->pending++;
	} else {
		c->present++;
	}
	if (c->pending >= (size_t)c->batch) {
		if (ds_index_commit(c->dst, &err) || ds_index_begin(c->dst, &err)) {
			cli_error("%s", err.msg);
			return 1;
		}
		c->pending = 0;
	}
	return 0;
}

/* Copies every source of one index into another, in id order: the texts are
 * fingerprinted again, so the copy is what 'add' of the same texts makes.
 * Ids are given by the destination (the same ones when it starts empty and
 * the source has no gaps). */
static int do_copy(const struct opts *o, char **args, int n)
{
	struct copy_ctx c = {NULL, NULL, NULL, NULL, o->batch > 0 ? o->batch : 500, 0, 0, 0};
	struct ds_err err = {0};
	struct sigaction sa;
	int rc = EXIT_ERROR, ms = o->timeout_s * 1000;

	if (n != 2)
		return cli_usage("despin index copy [--batch N] SRC DST");
	c.src_uri = args[0];
	c.dst_uri = args[1];
	if (strcmp(args[0], args[1]) == 0) {
		cli_error("cannot copy index %s onto itself", args[0]);
		return EXIT_ERROR;
	}
	if (!(c.src = ds_index_open_wait(cli_redis_address(args[0]), DS_INDEX_READONLY, ms, &err)) ||
	    !(c.dst = ds_index_open_wait(cli_redis_address(args[1]), DS_INDEX_CREATE, ms, &err))) {
		cli_error("%s", err.msg);
		goto out;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (ds_index_begin(c.dst, &err)) {
		cli_error("%s", err.msg);
		goto out;
	}
	if (ds_index_list(c.src, copy_one, &c, &err) != 0 || interrupted) {
		if (err.msg[0])
			cli_error("%s", err.msg);
		if (interrupted)
			cli_error("interrupted: %s", c.copied > c.pending
							 ? "sources of earlier batches were kept"
							 : "nothing copied");
		ds_index_rollback(c.dst, NULL);
		goto out;
	}
	if (ds_index_commit(c.dst, &err)) {
		cli_error("%s", err.msg);
		ds_index_rollback(c.dst, NULL);
		goto out;
	}
	printf("%zu copied, %zu already present\n", c.copied, c.present);
	rc = EXIT_CLEAN;
	c.pending = 0;
out:
	/* a destination this command created and copied nothing into (no
	 * batch committed) is removed, as by add */
	if (c.copied == c.pending)
		ds_index_discard(c.dst);
	ds_index_close(c.src);
	ds_index_close(c.dst);
	return rc;
}

/* ---- dispatch ---- */

static const char SHORTOPTS[] = "+i:qn:h";

/* Whether word is an option whose value is the next word: -i or -n (last
 * in a cluster), or a long option taking one (as getopt reads it, a prefix
 * will do). */
static int value_follows(const char *word, const struct option *longopts)
{
	const char *o;
	if (word[0] != '-' || word[1] == '\0')
		return 0;
	if (word[1] != '-') { /* a cluster: the first letter taking a value */
		for (const char *p = word + 1; *p; p++)
			if (*p != ':' && (o = strchr(SHORTOPTS, *p)) && o[1] == ':')
				return p[1] == '\0';
		return 0;
	}
	if (word[2] == '\0' || strchr(word, '='))
		return 0;
	for (size_t k = 0; longopts[k].name; k++)
		if (strncmp(longopts[k].name, word + 2, strlen(word + 2)) == 0)
			return longopts[k].has_arg == required_argument;
	return 0;
}

/* remove --id -1: getopt would read a minus and digits as options, and call
 * them invalid; with --id they are an id, and not a positive one.  The first
 * such word before "--" (not an option's value), or NULL. */
static const char *negative_id(int argc, char **argv, const struct option *longopts)
{
	const char *neg = NULL;
	int by_id = 0;
	for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++) {
		const char *w = argv[k];
		if (strcmp(w, "--id") == 0)
			by_id = 1;
		else if (!neg && w[0] == '-' && w[1] && strspn(w + 1, "0123456789") == strlen(w + 1))
			neg = w;
		else if (value_follows(w, longopts))
			k++;
	}
	return by_id ? neg : NULL;
}

/* The option codes each subcommand takes (an option it would ignore is
 * refused). */
static const struct cli_sub_options index_options[] = {
	{"add", "iqNbtSLMJP"},
	{"remove", "iqItLM"},
	{"list", "it"},
	{"stats", "it"},
	{"check", "it"},
	{"vacuum", "it"},
	{"query", "inmCTtS"},
	{"train", "itM"},
	{"copy", "bt"},
	{NULL, NULL},
};

int cmd_index(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"index", required_argument, NULL, 'i'},
		{"quiet", no_argument, NULL, 'q'},
		{"name", required_argument, NULL, 'N'},
		{"batch", required_argument, NULL, 'b'},
		{"id", no_argument, NULL, 'I'},
		{"min-sim", required_argument, NULL, 'm'},
		{"timeout", required_argument, NULL, 't'},
		{"max-size", required_argument, NULL, 'S'},
		{"timing", no_argument, NULL, 'T'},
		{"min-coverage", required_argument, NULL, 'C'},
		{"no-train", no_argument, NULL, 'L'},
		{"models", required_argument, NULL, 'M'},
		{"stdin-json", no_argument, NULL, 'J'},
		{"progress", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct opts o = {.nmax = 1, .timeout_s = DS_INDEX_TIMEOUT_MS / 1000,
			 .min_sim = DS_INDEX_MIN_SIMILARITY, .min_cov = DS_INDEX_MIN_COVERAGE};
	struct ds_err err = {0};
	struct ds_index *ix;
	const char *sub, *bad_id;
	int c, flags, rc, gone = 0;
	long v;

	if (argc >= 2 && cli_is_help(argv[1])) {
		printf("usage: %s\n", USAGE);
		return EXIT_CLEAN;
	}
	if (argc < 2)
		return cli_usage("despin index add|remove|list|stats|check|vacuum|query -i INDEX");
	sub = argv[1];
	if (!cli_sub_known(index_options, sub)) {
		cli_error("'%s' is not an index command (add, remove, list, stats, check, vacuum, query, train, copy)",
			  sub);
		return EXIT_ERROR;
	}
	argc--;
	argv++;
	cli_sub_argv0(argv, "index");
	if (strcmp(sub, "remove") == 0 && (bad_id = negative_id(argc, argv, longopts)))
		return not_an_id(bad_id);
	optind = 1;
	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_option_applies("index", sub, index_options, c, longopts))
			return EXIT_ERROR;
		switch (c) {
		case 'i': o.index = cli_redis_address(optarg); break;
		case 'q': o.quiet = 1; break;
		case 'N': o.name = optarg; break;
		case 'b':
			if (cli_parse_int("--batch", optarg, 1, 1000000000L, &o.batch))
				return EXIT_ERROR;
			break;
		case 'I': o.by_id = 1; break;
		case 'n':
			if (cli_parse_int("-n", optarg, 1, 10000, &v))
				return EXIT_ERROR;
			o.nmax = (int)v;
			break;
		case 'm':
			if (cli_parse_real("--min-sim", optarg, 0, 1, 0, &o.min_sim))
				return EXIT_ERROR;
			break;
		case 't':
			if (cli_parse_int("--timeout", optarg, 0, 86400, &v))
				return EXIT_ERROR;
			o.timeout_s = (int)v;
			break;
		case 'T': o.timing = 1; break;
		case 'C':
			if (cli_parse_real("--min-coverage", optarg, 0, 1, 0, &o.min_cov))
				return EXIT_ERROR;
			break;
		case 'L': o.no_train = 1; break;
		case 'M': o.models = optarg; break;
		case 'J': o.stdin_json = 1; break;
		case 'P': o.progress = 1; break;
		case 'S':
			if (cli_parse_size("--max-size", optarg, 1, (size_t)1 << 40, &cli_max_input))
				return EXIT_ERROR;
			break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage("despin index add|remove|list|stats|check|vacuum|query -i INDEX");
		}
	}
	argc -= optind;
	argv += optind;
	if (isatty(2))
		o.progress = 1;
	if (!o.index && strcmp(sub, "copy") != 0) {
		cli_error("index: -i INDEX is required");
		return EXIT_ERROR;
	}
	if (strcmp(sub, "copy") == 0)
		return do_copy(&o, argv, argc);
	if (!ds_store_is_redis(o.index) && cli_walk_own(o.index, CLI_OWN_INDEX)) {
		cli_error("out of memory");
		return EXIT_ERROR;
	}
	if (argc && (strcmp(sub, "list") == 0 || strcmp(sub, "stats") == 0 ||
		     strcmp(sub, "check") == 0 || strcmp(sub, "vacuum") == 0 ||
		     strcmp(sub, "train") == 0)) {
		/* said before the index is opened, and nothing done */
		cli_error("index %s takes no operand (here '%s')", sub, argv[0]);
		return EXIT_ERROR;
	}

	if (strcmp(sub, "add") == 0)
		flags = DS_INDEX_CREATE;
	else if (strcmp(sub, "remove") == 0 || strcmp(sub, "train") == 0 ||
		 strcmp(sub, "vacuum") == 0)
		flags = 0;
	else /* list, stats, check, query */
		flags = DS_INDEX_READONLY;
	if (!(ix = ds_index_open_wait(o.index, flags, o.timeout_s * 1000, &err))) {
		cli_error("%s", err.msg);
		return EXIT_ERROR;
	}

	if (strcmp(sub, "add") == 0)
		rc = do_add(ix, &o, argv, argc, &gone);
	else if (strcmp(sub, "remove") == 0)
		rc = do_remove(ix, &o, argv, argc);
	else if (strcmp(sub, "train") == 0)
		rc = index_lm_train(ix, o.models, 0);
	else if (strcmp(sub, "list") == 0)
		rc = do_list(ix);
	else if (strcmp(sub, "stats") == 0)
		rc = do_stats(ix);
	else if (strcmp(sub, "check") == 0)
		rc = do_check(ix, &o);
	else if (strcmp(sub, "vacuum") == 0)
		rc = do_vacuum(ix);
	else
		rc = do_query(ix, &o, argv, argc);
	if ((strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) && rc != EXIT_ERROR &&
	    !o.no_train && !gone)
		index_lm_maybe_train(ix, o.models, o.quiet);
	ds_index_close(ix);
	return rc;
}
