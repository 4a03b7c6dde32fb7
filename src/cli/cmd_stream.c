/* cmd_stream.c - despin submit and despin results: articles into the Redis
 * stream that despin worker reads, and the workers' verdicts out of theirs
 * (streams.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "bundle.h"
#include "cli.h"
#include "scan.h"
#include "streams.h"
#include "../json.h"
#include "../text.h"

static const char USAGE_SUBMIT[] =
	"despin submit [--queue redis://HOST[:PORT][/DB]] [--stdin-json | FILE...]\n"
	"\n"
	"Adds each article (files, directories; the web pages of a WARC archive,\n"
	"named by their URIs; the records of a .jsonl file, by their ids) to the\n"
	"Redis stream " DS_STREAM_ARTICLES " that 'despin worker' reads, and prints\n"
	"how many were added.\n"
	"\n"
	"  --queue URI     the server of the streams\n"
	"  --stdin-json    the articles as JSON Lines records on standard input,\n"
	"                  as 'despin scan --stdin-json' reads them: {\"id\": ...,\n"
	"                  \"text\": ...} (\"html\" instead of \"text\": a web page,\n"
	"                  sent as its text; \"date\": \"YYYY-MM-DD\"); the id names\n"
	"                  the article's result (stdin:LINE without one); a gzip\n"
	"                  or zstd stream is decoded as it is read; a bad record\n"
	"                  is an error, the others are added";

static const char USAGE_RESULTS[] =
	"despin results [--queue redis://HOST[:PORT][/DB]] [--keep] [--follow]\n"
	"               [--max N]\n"
	"\n"
	"Prints the verdicts that workers wrote to the stream " DS_STREAM_RESULTS ",\n"
	"oldest first, as JSON Lines: each as 'despin scan --format json' prints\n"
	"it, an article that could not be judged as {\"file\": ..., \"error\": ...};\n"
	"then deletes them from the stream, so that each is printed once.  Exit 1\n"
	"if an article printed is spun, 2 on an error (one of an article too).\n"
	"\n"
	"  --queue URI   the server of the streams\n"
	"  --keep        leave the results in the stream\n"
	"  --follow      go on printing results as workers write them, until\n"
	"                SIGINT or SIGTERM\n"
	"  --max N       print at most N results";

/* ---- results ---- */

static int is_spun(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	(void)vlen;
	if (is_string && strcmp(key, "verdict") == 0 && strcmp(val, "spun") == 0)
		*(int *)ctx = 1;
	return 0;
}

/* Prints the result entry e ([id, [field, value, ...]]); sets *spun and
 * *failed from it.  Returns 0, or -1 when e is not a result. */
static int print_result(const redisReply *e, int *spun, int *failed)
{
	const redisReply *fields, *name, *json, *error;
	struct ds_err err = {0};
	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[1]->type != REDIS_REPLY_ARRAY)
		return -1;
	fields = e->element[1];
	name = stream_field(fields, "name");
	json = stream_field(fields, "json");
	error = stream_field(fields, "error");
	if (json && json->type == REDIS_REPLY_STRING) {
		int s = 0;
		fwrite(json->str, 1, json->len, stdout);
		putchar('\n');
		if (ds_json_object(json->str, json->len, is_spun, &s, &err) == 0 && s)
			*spun = 1;
		return 0;
	}
	if (error && error->type == REDIS_REPLY_STRING) {
		/* {"file": ..., "error": ...} */
		scan_print_error_json(name && name->type == REDIS_REPLY_STRING ? name->str : "", 0,
				      error->str);
		*failed = 1;
		return 0;
	}
	return -1;
}

int cmd_results(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"queue", required_argument, NULL, 'Q'}, {"keep", no_argument, NULL, 'K'},
		{"follow", no_argument, NULL, 'F'},      {"max", required_argument, NULL, 'X'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
	const char *queue = NULL;
	char last[64] = "0-0", count[32];
	long max = -1, printed = 0, v;
	int c, keep = 0, follow = 0, spun = 0, failed = 0, rc = 0;
	struct stream_conn q;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'Q': queue = cli_redis_address(optarg); break;
		case 'K': keep = 1; break;
		case 'F': follow = 1; break;
		case 'X':
			if (cli_parse_int("--max", optarg, 0, LONG_MAX, &v))
				return EXIT_ERROR;
			max = v;
			break;
		case 'h': puts(USAGE_RESULTS); return EXIT_CLEAN;
		default: return cli_usage("despin results [--queue URI] [--keep] [--follow]");
		}
	}
	if (optind < argc)
		return cli_usage("despin results [--queue URI] [--keep] [--follow]");
	if (stream_queue_of(&q, queue, NULL))
		return EXIT_ERROR;
	q.retry = follow ? 30 : 3;
	stream_catch_stop();
	while (!stream_stopping && (max < 0 || printed < max)) {
		const redisReply *entries = NULL;
		redisReply *r;
		snprintf(count, sizeof count, "%ld", max < 0 || max - printed > 100 ? 100 : max - printed);
		{
			/* the entries after last */
			const char *args[8] = {"XREAD"};
			int n = 1;
			if (follow) {
				args[n++] = "BLOCK";
				args[n++] = "1000";
			}
			args[n++] = "COUNT";
			args[n++] = count;
			args[n++] = "STREAMS";
			args[n++] = DS_STREAM_RESULTS;
			args[n++] = last;
			r = stream_cmdv(&q, n, args);
		}
		if (!r || r->type == REDIS_REPLY_ERROR) {
			cli_error("cannot read %s from %s: %s", DS_STREAM_RESULTS, stream_conn_where(&q),
				  r ? r->str : stream_conn_why(&q));
			if (r)
				freeReplyObject(r);
			rc = -1;
			break;
		}
		if (!(entries = stream_entries(r))) {
			freeReplyObject(r);
			if (follow)
				continue;
			break;
		}
		{
			const char **ids = malloc((entries->elements + 2) * sizeof *ids);
			size_t *lens = malloc((entries->elements + 2) * sizeof *lens), nid = 2;
			if (!ids || !lens) {
				free(ids);
				free(lens);
				freeReplyObject(r);
				cli_error("out of memory");
				rc = -1;
				break;
			}
			ids[0] = "XDEL";
			ids[1] = DS_STREAM_RESULTS;
			for (size_t i = 0; i < entries->elements; i++) {
				const redisReply *e = entries->element[i];
				if (e->type != REDIS_REPLY_ARRAY || e->elements < 1 ||
				    e->element[0]->type != REDIS_REPLY_STRING)
					continue;
				snprintf(last, sizeof last, "%s", e->element[0]->str);
				/* an entry that is no result (another program's) is
				 * passed over and left in the stream */
				if (print_result(e, &spun, &failed) == 0) {
					printed++;
					ids[nid++] = e->element[0]->str;
				}
			}
			/* deleted only once printed: a failed write leaves them */
			if (fflush(stdout) != 0 || ferror(stdout)) {
				cli_error("cannot write the results: %s", strerror(errno));
				rc = -1;
			} else if (!keep && nid > 2) {
				redisReply *d;
				for (size_t i = 0; i < nid; i++)
					lens[i] = strlen(ids[i]);
				d = stream_conn_cmd(&q, (int)nid, ids, lens);
				if (!d || d->type == REDIS_REPLY_ERROR) {
					cli_error("cannot delete the results printed from %s: %s",
						  DS_STREAM_RESULTS, d ? d->str : stream_conn_why(&q));
					rc = -1;
				}
				if (d)
					freeReplyObject(d);
			}
			free(ids);
			free(lens);
		}
		freeReplyObject(r);
		if (rc)
			break;
	}
	stream_conn_close(&q);
	if (rc || failed)
		return EXIT_ERROR;
	return spun ? EXIT_FLAGGED : EXIT_CLEAN;
}

/* ---- submit ---- */

struct submit_ctx {
	struct stream_conn q;
	long n;
	int nerr;
};

/* Adds the article name (len bytes of text) to the stream: 0, or 1 when the
 * server failed (said). */
static int submit_text(struct submit_ctx *s, const char *name, const char *text, size_t len)
{
	const char *argv[] = {"XADD", DS_STREAM_ARTICLES, "*", "name", name, "text", text};
	size_t lens[] = {4, strlen(DS_STREAM_ARTICLES), 1, 4, strlen(name), 4, len};
	redisReply *r = stream_conn_cmd(&s->q, 7, argv, lens);
	if (!r || r->type == REDIS_REPLY_ERROR) {
		cli_error("cannot add %s to %s at %s: %s", name, DS_STREAM_ARTICLES, stream_conn_where(&s->q),
			  r ? r->str : stream_conn_why(&s->q));
		if (r)
			freeReplyObject(r);
		s->nerr++;
		return 1;
	}
	freeReplyObject(r);
	s->n++;
	return 0;
}

/* The inputs of b (bundle.h: standard input's records with --stdin-json,
 * a file's records, an archive's pages), decoded when compressed; stops at
 * a server's failure (1). */
static int submit_records(struct submit_ctx *s, struct cli_bundle *b)
{
	struct cli_record r;
	int got, stop = 0;
	while (!stop && (got = cli_bundle_next(b, &r)) > 0) {
		if (r.err[0]) {
			cli_error("%s", r.err);
			s->nerr++;
		} else {
			stop = submit_text(s, r.id, r.text, r.len);
		}
		cli_record_free(&r);
	}
	if (got < 0) {
		cli_error("out of memory");
		s->nerr++;
	} else {
		/* the inputs before a failure were added; an archive's counts,
		 * unless the server failed before its end */
		s->nerr += cli_bundle_finish(b, NULL, stop);
	}
	return stop;
}

/* The inputs of the file at path that holds many (kind: CLI_BUNDLE_...). */
static int submit_bundle(struct submit_ctx *s, const char *path, int kind)
{
	struct ds_err err = {0};
	struct cli_bundle *b = cli_bundle_open(path, kind, DS_DOC_MAX_BYTES_DEFAULT, &err);
	int stop;
	if (!b) {
		cli_error("%s", err.msg);
		s->nerr++;
		return 0;
	}
	stop = submit_records(s, b);
	cli_bundle_close(b);
	return stop;
}

static int submit_one(const char *path, void *vctx)
{
	struct submit_ctx *s = vctx;
	struct ds_err err = {0};
	char *text = NULL;
	size_t len = 0;
	int rc, kind;
	/* an archive's pages and a file's records are articles (found by
	 * the name, or by the first bytes) */
	if ((kind = cli_bundle_named(path)) != CLI_BUNDLE_NONE)
		return submit_bundle(s, path, kind);
	rc = cli_read_article(path, DS_DOC_MAX_BYTES_DEFAULT, &text, &len, NULL, &err);
	kind = cli_bundle_found(path, rc, text, len);
	if (kind && strcmp(path, "-") != 0) {
		free(text);
		return submit_bundle(s, path, kind);
	}
	if (kind == CLI_BUNDLE_RECORDS) {
		/* read once: they are gone */
		free(text);
		rc = ds_err_set(&err, DS_EFORMAT,
				"%s: JSON Lines records, not an article: give them with --stdin-json",
				cli_input_name(path));
	}
	if (rc) {
		cli_error("%s", err.msg);
		s->nerr++;
		return 0;
	}
	rc = submit_text(s, cli_input_name(path), text, len);
	free(text);
	return rc;
}


int cmd_submit(int argc, char **argv)
{
	static const struct option longopts[] = {{"queue", required_argument, NULL, 'Q'},
						 {"stdin-json", no_argument, NULL, 'J'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	const char *queue = NULL;
	struct submit_ctx s;
	int c, stdin_json = 0;
	memset(&s, 0, sizeof s);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'Q')
			queue = cli_redis_address(optarg);
		else if (c == 'J')
			stdin_json = 1;
		else if (c == 'h')
			return puts(USAGE_SUBMIT), EXIT_CLEAN;
		else
			return cli_usage("despin submit --queue URI [--stdin-json | FILE...]");
	}
	if (stdin_json && optind < argc) {
		cli_error("--stdin-json reads its articles from standard input: no FILE arguments "
			  "(here '%s')", argv[optind]);
		return EXIT_ERROR;
	}
	if (optind >= argc && !stdin_json)
		return cli_usage("despin submit --queue URI [--stdin-json | FILE...]");
	if (stream_queue_of(&s.q, queue, NULL))
		return EXIT_ERROR;
	s.q.retry = 3;
	if (stdin_json) {
		struct cli_bundle *b = cli_bundle_stdin(DS_DOC_MAX_BYTES_DEFAULT);
		if (b)
			submit_records(&s, b);
		else
			cli_error("out of memory");
		s.nerr += !b;
		cli_bundle_close(b);
	} else
		cli_walk(argv + optind, argc - optind, submit_one, &s, &s.nerr);
	printf("%ld submitted to %s\n", s.n, DS_STREAM_ARTICLES);
	stream_conn_close(&s.q);
	return s.nerr ? EXIT_ERROR : EXIT_CLEAN;
}
