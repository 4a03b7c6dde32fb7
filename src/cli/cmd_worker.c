/* cmd_worker.c - despin worker: the articles of a Redis stream (streams.h),
 * judged by any number of worker processes against one index.
 *
 * Workers read with XREADGROUP in one consumer group, and first claim, with
 * XAUTOCLAIM, entries that another worker read and did not acknowledge for
 * --claim-ms (a worker that died).  One script acknowledges an entry and
 * writes its result and counters at once, and writes nothing when the entry
 * was acknowledged already (the slow worker whose entry was claimed): so an
 * article is never lost and never has two results.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <hiredis/hiredis.h>

#include "cli.h"
#include "scan.h"
#include "streams.h"
#include "../detect.h"
#include "../store.h"
#include "../text.h"
#include "../util.h"

static const char USAGE_WORKER[] =
	"despin worker -i INDEX [--queue redis://HOST[:PORT][/DB]] [--models DIR]\n"
	"              [--name NAME] [--claim-ms MS] [--max N] [--until-empty]\n"
	"              [--retry N] [-j N] [--prefetch N] [--readers N]\n"
	"              [--threshold X] [--min-p P]\n"
	"despin worker --stats [--queue redis://HOST[:PORT][/DB]]\n"
	"\n"
	"Judges the articles of the Redis stream " DS_STREAM_ARTICLES " (fed by 'despin\n"
	"submit') against INDEX, and writes one verdict per article to the stream\n"
	DS_STREAM_RESULTS " (fields entry, name, worker, json or error).  Any number\n"
	"of workers, on any machines, share the stream (consumer group '" DS_STREAM_GROUP "');\n"
	"the models are loaded once per worker, and its -j threads judge with\n"
	"them.  An article a worker read and did not finish within --claim-ms\n"
	"(default 60000) is taken over by another (a worker that died); each\n"
	"article gets one result.  While it scores an article, a worker reads the\n"
	"next and looks up its sources (--prefetch).\n"
	"SIGTERM or SIGINT: the worker finishes the articles it has read and\n"
	"stops.\n"
	"\n"
	"  --queue URI     the server of the streams (default: INDEX's, if redis://\n"
	"                  or unix://)\n"
	"  --models DIR    the models folder (-m DIR too; default as for 'despin\n"
	"                  scan')\n"
	"  --name NAME     this worker's name in the group (default HOST-PID)\n"
	"  --max N         stop after N articles\n"
	"  --until-empty   stop when the stream has nothing left: no new entry and\n"
	"                  none another worker read and has not finished (one a\n"
	"                  dead worker left is taken over after --claim-ms)\n"
	"  --retry N       reconnections to a server that went away (default 30)\n"
	"  -j N            threads that judge articles, at most 64 (default 1: run\n"
	"                  a worker per core, or one worker with -j CORES)\n"
	"  --prefetch N    articles read and looked up ahead of those scored, on\n"
	"                  threads of their own (default 2 per judging thread; 0:\n"
	"                  one article at a time, with -j 1)\n"
	"  --readers N     threads that read and look up articles (default one per\n"
	"                  two judging threads; more when a look-up takes longer\n"
	"                  than scoring an article)\n"
	SCAN_THRESHOLD_HELP
	SCAN_MIN_P_HELP
	"  --stats         print the counters of the workers and of the stream";

/* ---- the worker ---- */

/* Acknowledges entry and, if it was still pending (no other worker
 * finished it), deletes it from the stream (its text is done with: the
 * stream holds only articles still to judge), writes its result and
 * counters, all at once.  KEYS: stream,
 * results, stats; ARGV: group, entry, name, worker, field (json|error),
 * value, failed (0|1), latency_us, round trips, look-up wait_us.  Returns
 * 1 if written. */
static const char finish_lua[] =
	"if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end\n"
	"redis.call('XDEL', KEYS[1], ARGV[2])\n"
	"redis.call('XADD', KEYS[2], '*', 'entry', ARGV[2], 'name', ARGV[3], 'worker', ARGV[4],\n"
	"           ARGV[5], ARGV[6])\n"
	"redis.call('HINCRBY', KEYS[3], ARGV[7] == '1' and 'failed' or 'processed', 1)\n"
	"redis.call('HINCRBY', KEYS[3], 'processed:' .. ARGV[4], 1)\n"
	"redis.call('HINCRBY', KEYS[3], 'latency_us', ARGV[8])\n"
	"redis.call('HINCRBY', KEYS[3], 'round_trips', ARGV[9])\n"
	"redis.call('HINCRBY', KEYS[3], 'lookup_wait_us', ARGV[10])\n"
	"return 1\n";

/* An article read from the stream, its sources looked up. */
struct item {
	redisReply *r;          /* the read's reply, which holds the entry */
	const char *id;         /* the entry's id, in r */
	struct ds_text art;     /* name and text, in r or page */
	char *page;             /* the text taken out of a page or message */
	struct ds_html_map *map;
	struct ds_sources *found; /* NULL: err says why */
	struct ds_err err;
	double t_read;          /* when it was read */
	double t_look, t_found; /* when its look-up began and ended */
	uint64_t trips;         /* the look-up's round trips to the index */
};

static void item_free(struct item *it)
{
	ds_sources_free(it->found);
	ds_html_map_free(it->map);
	free(it->page);
	if (it->r)
		freeReplyObject(it->r);
	memset(it, 0, sizeof *it);
}

#define PREFETCH_MAX 256
#define READERS_MAX 16
#define JUDGES_MAX 64

struct worker;

/* A reader: takes articles from the stream and looks up their sources, on
 * a thread of its own with --prefetch N > 0. */
struct reader {
	struct worker *w;
	struct stream_conn q;   /* XAUTOCLAIM, XREADGROUP, XPENDING */
	struct ds_finder *fd;
	char cursor[64];        /* XAUTOCLAIM's */
	pthread_t th;
};

/* A judge: scores articles against their sources and writes the results,
 * -j of them, the first on the worker's own thread. */
struct judge {
	struct worker *w;
	struct stream_conn q;   /* results and counters */
	struct ds_detector *det;
	long processed, failed, dropped;
	int rc;                 /* -1: a result could not be written */
	pthread_t th;
};

/* The worker: --readers readers, which look up articles up to --prefetch
 * ahead of the judges, and -j judges.  Each thread has its own connection
 * (a hiredis context is one thread's). */
struct worker {
	struct stream_conn q;   /* joins the group */
	char name[128];
	struct reader rd[READERS_MAX];
	int nreaders;
	struct judge jd[JUDGES_MAX];
	int njudges;
	int claim_ms;
	double threshold;       /* --threshold, 0 the models' own */
	double min_p;           /* --min-p, 0 the default floor */
	long max;               /* articles to read, -1 no limit */
	int until_empty;
	/* the queue between readers and judges, under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long nread;             /* articles read or being read */
	struct item ring[PREFETCH_MAX];
	size_t head, count, depth;
	int looking;            /* articles the readers are reading or looking up */
	int busy;               /* articles the judges hold */
	int active;             /* readers still running */
	int done;               /* every reader stopped */
	int quit;               /* a thread failed: the readers stop */
	int judge_failed;       /* a result could not be written: the judges stop */
	int reader_rc;          /* -1 if a reader failed */
};

/* Takes entry [id, [field, value, ...]] of reply r into it (which then
 * owns r).  Returns 0 (r not taken) for an entry deleted meanwhile or not
 * an entry. */
static int item_take(struct item *it, redisReply *r, const redisReply *entry)
{
	const redisReply *fields, *name, *text;
	if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
	    entry->element[0]->type != REDIS_REPLY_STRING)
		return 0;
	fields = entry->element[1];
	if (fields->type != REDIS_REPLY_ARRAY)
		return 0; /* deleted from the stream meanwhile */
	memset(it, 0, sizeof *it);
	it->r = r;
	it->id = entry->element[0]->str;
	name = stream_field(fields, "name");
	text = stream_field(fields, "text");
	it->art.name = name && name->type == REDIS_REPLY_STRING ? name->str : it->id;
	it->art.data = text && text->type == REDIS_REPLY_STRING ? text->str : "";
	it->art.len = text && text->type == REDIS_REPLY_STRING ? (size_t)text->len : 0;
	it->t_read = ds_now();
	return 1;
}

/* Reads one article: a stale entry claimed, or a new one (waiting up to
 * 1 s for one, except with --until-empty).  Returns 1 with it filled, 0 if
 * there was none, -1 on error. */
static int reader_read(struct reader *rd, struct item *it)
{
	struct worker *w = rd->w;
	char idle[32];
	redisReply *r;
	snprintf(idle, sizeof idle, "%d", w->claim_ms);
	{
		const char *argv[] = {"XAUTOCLAIM", DS_STREAM_ARTICLES, DS_STREAM_GROUP, w->name,
				      idle, rd->cursor, "COUNT", "1"};
		r = stream_cmdv(&rd->q, 8, argv);
	}
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 2) {
		cli_error("worker %s: XAUTOCLAIM: %s", w->name,
			  r && r->type == REDIS_REPLY_ERROR ? r->str : stream_conn_why(&rd->q));
		if (r)
			freeReplyObject(r);
		return -1;
	}
	if (r->element[0]->type == REDIS_REPLY_STRING)
		snprintf(rd->cursor, sizeof rd->cursor, "%s", r->element[0]->str);
	if (r->element[1]->type == REDIS_REPLY_ARRAY && r->element[1]->elements > 0 &&
	    item_take(it, r, r->element[1]->element[0]))
		return 1;
	freeReplyObject(r);
	{
		const char *argv[11] = {"XREADGROUP", "GROUP", DS_STREAM_GROUP, w->name, "COUNT", "1"};
		int argc = 6;
		if (!w->until_empty) { /* --until-empty: an empty stream ends the run */
			argv[argc++] = "BLOCK";
			argv[argc++] = "1000";
		}
		argv[argc++] = "STREAMS";
		argv[argc++] = DS_STREAM_ARTICLES;
		argv[argc++] = ">";
		r = stream_cmdv(&rd->q, argc, argv);
	}
	if (!r || r->type == REDIS_REPLY_ERROR) {
		cli_error("worker %s: XREADGROUP: %s", w->name, r ? r->str : stream_conn_why(&rd->q));
		if (r)
			freeReplyObject(r);
		return -1;
	}
	if (stream_entries(r) && item_take(it, r, stream_entries(r)->element[0]))
		return 1;
	freeReplyObject(r);
	return 0;
}

/* Makes it's text (a producer other than 'despin submit' may send web
 * pages, MIME messages or text that is not UTF-8) and looks up its
 * sources; a failure is kept in it->err for the judge to report. */
static void reader_look_up(struct reader *rd, struct item *it)
{
	size_t n;
	uint64_t rt0 = ds_finder_round_trips(rd->fd);
	it->t_look = ds_now();
	if (cli_text_of(it->art.name, it->art.data, it->art.len, 0, &it->page, &n, NULL, &it->map,
			&it->err) == 0 &&
	    it->page) {
		it->art.data = it->page;
		it->art.len = n;
	}
	if (!it->err.code)
		it->found = ds_finder_find(rd->fd, &it->art, 0, &it->err);
	it->t_found = ds_now();
	it->trips = ds_finder_round_trips(rd->fd) - rt0;
}

/* After a read found nothing: whether entries are still to do, read by
 * some worker and not acknowledged (it finishes them, or, dead, leaves them
 * to be taken over once --claim-ms has passed).  1 (after a short wait:
 * read again), 0 (the stream is done with), -1 after a message. */
static int still_to_do(struct reader *rd)
{
	char why[160];
	long long left = stream_pending(&rd->q, why, sizeof why);
	if (left < 0) {
		cli_error("worker %s: XPENDING: %s", rd->w->name, why);
		return -1;
	}
	if (left == 0)
		return 0;
	usleep(100000);
	return 1;
}

/* Reads one article and looks up its sources: 1 with it filled, 0 for
 * none, -1 on error. */
static int reader_take(struct reader *rd, struct item *it)
{
	int got = reader_read(rd, it);
	if (got > 0)
		reader_look_up(rd, it);
	return got;
}

/* Waits on w->cv for at most 100 ms (a signal sets 'stream_stopping' without
 * waking the thread).  Called with w->mu held. */
static void wait_a_while(struct worker *w)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

/* Reads one article and looks it up, without a thread: 1 with it filled,
 * 0 for none (the stream is empty: with --until-empty, stop), -1 error. */
static int reader_next(struct reader *rd, struct item *it)
{
	struct worker *w = rd->w;
	for (;;) {
		int got, more;
		if (stream_stopping || (w->max >= 0 && w->nread >= w->max))
			return 0;
		if ((got = reader_take(rd, it)) != 0) {
			w->nread += got > 0;
			return got;
		}
		if (w->until_empty && (more = still_to_do(rd)) <= 0)
			return more;
	}
}

/* A reader's thread: fills the queue, the readers together at most
 * w->depth articles ahead of the judge. */
static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct worker *w = rd->w;
	int rc = 0;
	for (;;) {
		struct item it;
		int got;
		pthread_mutex_lock(&w->mu);
		while (w->count + (size_t)w->looking >= w->depth && !stream_stopping && !w->quit)
			wait_a_while(w);
		if (w->quit || stream_stopping || (w->max >= 0 && w->nread >= w->max)) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		w->looking++;
		w->nread++;
		pthread_mutex_unlock(&w->mu);
		got = reader_take(rd, &it);
		pthread_mutex_lock(&w->mu);
		w->looking--;
		if (got > 0) {
			w->ring[(w->head + w->count) % PREFETCH_MAX] = it;
			w->count++;
		} else {
			w->nread--;
		}
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		if (got < 0) {
			rc = -1;
			break;
		}
		if (got == 0 && w->until_empty) {
			int more;
			/* what this worker holds is pending too: wait for it */
			pthread_mutex_lock(&w->mu);
			while ((w->count || w->busy || w->looking) && !w->quit)
				wait_a_while(w);
			pthread_mutex_unlock(&w->mu);
			if ((more = still_to_do(rd)) <= 0) {
				rc = more;
				break;
			}
		}
	}
	pthread_mutex_lock(&w->mu);
	if (rc) {
		w->reader_rc = rc;
		w->quit = 1;
	}
	if (--w->active == 0)
		w->done = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Scores it against its sources and finishes it; t_wait: when the judge
 * began waiting for it (its look-up's time after that was waited for).
 * Returns 0, or -1 if the result could not be written. */
static int judge(struct judge *jd, struct item *it, double t_wait)
{
	struct worker *w = jd->w;
	struct ds_detect_opts opts;
	struct ds_err err = it->err;
	struct ds_result *res = NULL;
	char *json = NULL, lat[32], trips[32], waited[32];
	double since = t_wait > it->t_look ? t_wait : it->t_look;
	redisReply *r;
	int failed;

	memset(&opts, 0, sizeof opts);
	opts.check_direction = DS_DIRECTION_PRESUMED; /* as scan -i does */
	opts.threshold = w->threshold;
	opts.min_p = w->min_p;
	if (!err.code && it->found)
		res = ds_detect_found(jd->det, it->found, &opts, &err);
	if (res && it->map) { /* offsets in the page */
		ds_result_set_page(res, it->map);
		it->map = NULL;
	}
	if (res && !(json = ds_result_json(res)))
		snprintf(err.msg, sizeof err.msg, "%s: out of memory", it->art.name);
	failed = json == NULL;
	ds_result_free(res);
	snprintf(lat, sizeof lat, "%.0f", (ds_now() - it->t_read) * 1e6);
	snprintf(trips, sizeof trips, "%llu", (unsigned long long)it->trips);
	snprintf(waited, sizeof waited, "%.0f",
		 it->t_found > since ? (it->t_found - since) * 1e6 : 0.0);
	{
		const char *argv[] = {"EVAL", finish_lua, "3", DS_STREAM_ARTICLES,
				      DS_STREAM_RESULTS, DS_STREAM_STATS, DS_STREAM_GROUP,
				      it->id, it->art.name, w->name, failed ? "error" : "json",
				      failed ? err.msg : json, failed ? "1" : "0", lat, trips,
				      waited};
		r = stream_cmdv(&jd->q, (int)(sizeof argv / sizeof argv[0]), argv);
	}
	free(json);
	if (!r || r->type == REDIS_REPLY_ERROR) {
		cli_error("worker %s: cannot write the result of %s: %s", w->name, it->id,
			  r ? r->str : stream_conn_why(&jd->q));
		if (r)
			freeReplyObject(r);
		return -1;
	}
	if (r->integer == 1) {
		if (failed)
			jd->failed++;
		else
			jd->processed++;
	} else {
		jd->dropped++; /* another worker finished it first */
	}
	freeReplyObject(r);
	return 0;
}

/* The queue's first article, taken out (w->mu held, w->count > 0). */
static struct item ring_pop(struct worker *w)
{
	struct item it = w->ring[w->head];
	w->head = (w->head + 1) % PREFETCH_MAX;
	w->count--;
	return it;
}

/* A judge's loop: takes the queue's articles until the readers are done
 * and it is empty, or until a judge could not write a result. */
static void *judge_main(void *arg)
{
	struct judge *jd = arg;
	struct worker *w = jd->w;
	for (;;) {
		struct item it;
		double t_wait;
		int rc;
		pthread_mutex_lock(&w->mu);
		t_wait = ds_now();
		/* what the readers hold is judged, also after one failed */
		while (w->count == 0 && !w->done && !w->judge_failed)
			wait_a_while(w);
		if (w->count == 0 || w->judge_failed) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		it = ring_pop(w);
		w->busy++;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		rc = judge(jd, &it, t_wait);
		item_free(&it);
		pthread_mutex_lock(&w->mu);
		w->busy--;
		if (rc) {
			jd->rc = -1;
			w->quit = 1;
			w->judge_failed = 1;
		}
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		if (rc)
			break;
	}
	return NULL;
}

/* Sets w->quit after thread start failures: the threads started stop. */
static void start_failed(struct worker *w)
{
	cli_error("worker %s: cannot start a thread", w->name);
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	w->reader_rc = -1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Judges every article the readers give.  Returns 0, or -1 after a
 * message. */
static int run(struct worker *w)
{
	int rc = 0, nstarted = 1;
	if (w->depth == 0) { /* --prefetch 0: one thread, one article at a time */
		struct item it;
		int got;
		while ((got = reader_next(&w->rd[0], &it)) > 0) {
			rc = judge(&w->jd[0], &it, it.t_look);
			item_free(&it);
			if (rc)
				return -1;
		}
		return got;
	}
	w->active = w->nreaders; /* before any reader can stop */
	for (int i = 0; i < w->nreaders; i++) {
		if (pthread_create(&w->rd[i].th, NULL, reader_main, &w->rd[i]) != 0) {
			start_failed(w);
			pthread_mutex_lock(&w->mu);
			w->active -= w->nreaders - i;
			if (w->active == 0)
				w->done = 1;
			pthread_cond_broadcast(&w->cv);
			pthread_mutex_unlock(&w->mu);
			w->nreaders = i;
			break;
		}
	}
	for (; nstarted < w->njudges; nstarted++)
		if (pthread_create(&w->jd[nstarted].th, NULL, judge_main, &w->jd[nstarted]) != 0) {
			start_failed(w);
			break;
		}
	judge_main(&w->jd[0]);
	for (int i = 1; i < nstarted; i++)
		pthread_join(w->jd[i].th, NULL);
	for (int i = 0; i < w->nreaders; i++)
		pthread_join(w->rd[i].th, NULL);
	/* articles read and not judged (a judge failed) stay pending: another
	 * worker takes them over after --claim-ms */
	while (w->count) {
		struct item it = ring_pop(w);
		item_free(&it);
	}
	for (int i = 0; i < nstarted; i++)
		rc |= w->jd[i].rc;
	return rc ? -1 : w->reader_rc;
}

static int print_stats(struct stream_conn *q)
{
	redisReply *r = stream_cmd(q, "HGETALL", DS_STREAM_STATS, NULL, NULL, NULL), *len;
	long long processed = 0, failed = 0, lat = 0, trips = 0, waited = 0, pend;
	char why[160];
	if (!r || r->type != REDIS_REPLY_ARRAY) {
		cli_error("cannot read %s from %s: %s", DS_STREAM_STATS, stream_conn_where(q),
			  r && r->type == REDIS_REPLY_ERROR ? r->str : stream_conn_why(q));
		if (r)
			freeReplyObject(r);
		return EXIT_ERROR;
	}
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const char *k = r->element[i]->str;
		long long v = atoll(r->element[i + 1]->str);
		if (strcmp(k, "processed") == 0)
			processed = v;
		else if (strcmp(k, "failed") == 0)
			failed = v;
		else if (strcmp(k, "latency_us") == 0)
			lat = v;
		else if (strcmp(k, "round_trips") == 0)
			trips = v;
		else if (strcmp(k, "lookup_wait_us") == 0)
			waited = v;
	}
	len = stream_cmd(q, "XLEN", DS_STREAM_ARTICLES, NULL, NULL, NULL);
	pend = stream_pending(q, why, sizeof why);
	printf("stream             %s\n", DS_STREAM_ARTICLES);
	printf("entries            %lld\n", len && len->type == REDIS_REPLY_INTEGER ? len->integer : 0);
	printf("pending            %lld\n", pend < 0 ? 0 : pend);
	printf("processed          %lld\n", processed);
	printf("failed             %lld\n", failed);
	printf("latency ms         %.1f (mean, per article)\n",
	       processed + failed ? (double)lat / 1e3 / (double)(processed + failed) : 0.0);
	printf("round trips        %.2f (mean, per article, to the index)\n",
	       processed + failed ? (double)trips / (double)(processed + failed) : 0.0);
	printf("look-up wait ms    %.3f (mean, per article: the judge waiting for its sources)\n",
	       processed + failed ? (double)waited / 1e3 / (double)(processed + failed) : 0.0);
	for (size_t i = 0; i + 1 < r->elements; i += 2)
		if (strncmp(r->element[i]->str, "processed:", 10) == 0)
			printf("worker %-20s %s processed\n", r->element[i]->str + 10,
			       r->element[i + 1]->str);
	freeReplyObject(r);
	if (len)
		freeReplyObject(len);
	return EXIT_CLEAN;
}

int cmd_worker(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"index", required_argument, NULL, 'i'},  {"models", required_argument, NULL, 'm'},
		{"queue", required_argument, NULL, 'Q'},  {"name", required_argument, NULL, 'N'},
		{"claim-ms", required_argument, NULL, 'C'}, {"max", required_argument, NULL, 'X'},
		{"until-empty", no_argument, NULL, 'E'},  {"retry", required_argument, NULL, 'R'},
		{"stats", no_argument, NULL, 'S'},        {"help", no_argument, NULL, 'h'},
		{"prefetch", required_argument, NULL, 'P'}, {"readers", required_argument, NULL, 'D'},
		{"jobs", required_argument, NULL, 'j'},   {"threshold", required_argument, NULL, 'T'},
		SCAN_MIN_P_OPTION,                        {NULL, 0, NULL, 0}};
	const char *index = NULL, *models = NULL, *queue = NULL, *name = NULL;
	char index_retry[4096];
	long max = -1, v, depth = -1;
	int c, stats = 0, until_empty = 0, retry = 30, rc = EXIT_CLEAN, nreaders = 0;
	struct worker w;
	struct ds_models *m = NULL;
	struct ds_err err = {0};
	redisReply *r;

	memset(&w, 0, sizeof w);
	w.claim_ms = 60000;
	w.njudges = 1;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:m:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': index = cli_redis_address(optarg); break;
		case 'm': models = optarg; break;
		case 'Q': queue = cli_redis_address(optarg); break;
		case 'N': name = optarg; break;
		case 'C':
			if (cli_parse_int("--claim-ms", optarg, 1, 86400000, &v))
				return EXIT_ERROR;
			w.claim_ms = (int)v;
			break;
		case 'X':
			if (cli_parse_int("--max", optarg, 0, LONG_MAX, &v))
				return EXIT_ERROR;
			max = v;
			break;
		case 'E': until_empty = 1; break;
		case 'R':
			if (cli_parse_int("--retry", optarg, 0, 1000, &v))
				return EXIT_ERROR;
			retry = (int)v;
			break;
		case 'S': stats = 1; break;
		case 'T':
		case 'F':
			if (scan_judge_opt(c, optarg, &w.threshold, &w.min_p) < 0)
				return EXIT_ERROR;
			break;
		case 'P':
			if (cli_parse_int("--prefetch", optarg, 0, PREFETCH_MAX, &v))
				return EXIT_ERROR;
			depth = v;
			break;
		case 'D':
			if (cli_parse_int("--readers", optarg, 1, READERS_MAX, &v))
				return EXIT_ERROR;
			nreaders = (int)v;
			break;
		case 'j':
			if (cli_parse_int("-j", optarg, 1, JUDGES_MAX, &v))
				return EXIT_ERROR;
			w.njudges = (int)v;
			break;
		case 'h': puts(USAGE_WORKER); return EXIT_CLEAN;
		default: return cli_usage("despin worker -i INDEX [--queue URI]");
		}
	}
	if (stream_queue_of(&w.q, queue, index))
		return EXIT_ERROR;
	w.q.retry = retry;
	if (stats) {
		rc = print_stats(&w.q);
		stream_conn_close(&w.q);
		return rc;
	}
	if (!index || optind < argc)
		return cli_usage("despin worker -i INDEX [--queue URI]");
	if (w.claim_ms < 1)
		w.claim_ms = 1;
	if (depth == 0 && nreaders > 1) {
		cli_error("--readers %d needs --prefetch above 0 (one article at a time has one reader)",
			  nreaders);
		return EXIT_ERROR;
	}
	if (depth == 0 && w.njudges > 1) {
		cli_error("-j %d needs --prefetch above 0 (one article at a time has one judge)",
			  w.njudges);
		return EXIT_ERROR;
	}
	/* by default two articles read ahead per judge, one reader per two */
	w.nreaders = nreaders ? nreaders : (w.njudges + 1) / 2;
	if (w.nreaders > READERS_MAX)
		w.nreaders = READERS_MAX;
	w.depth = depth >= 0 ? (size_t)depth : 2 * (size_t)w.njudges;
	if (w.depth > 0 && w.depth < (size_t)w.nreaders)
		w.depth = (size_t)w.nreaders; /* room for each reader's article */
	if (name) {
		snprintf(w.name, sizeof w.name, "%s", name);
	} else {
		char host[64] = "worker";
		gethostname(host, sizeof host - 1);
		snprintf(w.name, sizeof w.name, "%s-%ld", host, (long)getpid());
	}
	/* the models and the index, once */
	if (!(m = cli_models_open(models, 1, 1, &err))) {
		cli_error("%s", err.msg);
		rc = EXIT_ERROR;
		goto out;
	}
	index_lm_use(m, index);
	for (int i = 0; i < w.njudges; i++) {
		struct judge *jd = &w.jd[i];
		jd->w = &w;
		jd->q = w.q; /* not connected yet: the judge's own connection */
		if (!(jd->det = ds_detector_new(m, &err))) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
	}
	if (retry > 0 && ds_store_is_redis(index) &&
	    !(strchr(index, '?') && strstr(strchr(index, '?'), "retry="))) {
		/* the index's reconnections too, an option of its address (one
		 * the address sets wins) */
		snprintf(index_retry, sizeof index_retry, "%s%cretry=%d", index,
			 strchr(index, '?') ? '&' : '?', retry);
		index = index_retry;
	}
	for (int i = 0; i < w.nreaders; i++) {
		struct reader *rd = &w.rd[i];
		rd->w = &w;
		rd->q = w.q; /* not connected yet: the reader's own connection */
		snprintf(rd->cursor, sizeof rd->cursor, "0-0");
		if (!(rd->fd = ds_finder_open(index, &err))) {
			cli_error("%s", err.msg);
			rc = EXIT_ERROR;
			goto out;
		}
	}
	r = stream_cmd(&w.q, "XGROUP", "CREATE", DS_STREAM_ARTICLES, DS_STREAM_GROUP, "0");
	if (r && r->type == REDIS_REPLY_ERROR && strstr(r->str, "requires the key to exist")) {
		freeReplyObject(r);
		r = redisCommand(w.q.c, "XGROUP CREATE %s %s 0 MKSTREAM", DS_STREAM_ARTICLES, DS_STREAM_GROUP);
	}
	if (!r || (r->type == REDIS_REPLY_ERROR && !strstr(r->str, "BUSYGROUP"))) {
		cli_error("worker %s: cannot join group %s of %s at %s: %s", w.name,
			  DS_STREAM_GROUP, DS_STREAM_ARTICLES, stream_conn_where(&w.q),
			  r ? r->str : stream_conn_why(&w.q));
		if (r)
			freeReplyObject(r);
		rc = EXIT_ERROR;
		goto out;
	}
	freeReplyObject(r);
	stream_catch_stop();
	w.max = max;
	w.until_empty = until_empty;
	if (run(&w))
		rc = EXIT_ERROR;
	{
		long processed = 0, failed = 0, dropped = 0;
		for (int i = 0; i < w.njudges; i++) {
			processed += w.jd[i].processed;
			failed += w.jd[i].failed;
			dropped += w.jd[i].dropped;
		}
		printf("worker %s: %ld processed, %ld failed, %ld finished by another worker%s\n",
		       w.name, processed, failed, dropped,
		       stream_stopping ? " (stopped by a signal)" : "");
	}
out:
	for (int i = 0; i < w.nreaders; i++) {
		ds_finder_close(w.rd[i].fd);
		stream_conn_close(&w.rd[i].q);
	}
	for (int i = 0; i < w.njudges; i++) {
		ds_detector_free(w.jd[i].det);
		stream_conn_close(&w.jd[i].q);
	}
	ds_models_free(m);
	stream_conn_close(&w.q);
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return rc;
}

