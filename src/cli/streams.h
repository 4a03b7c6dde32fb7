/* streams.h - the Redis streams that despin worker, submit and results
 * share (one hash tag, so one slot, also in a cluster):
 *   {despin}:articles  the stream of articles: fields name, text
 *   {despin}:results   one entry per judged article: entry (the article's
 *                      entry id), name, worker, json (the verdict, as scan
 *                      --format json prints it) or error
 *   {despin}:stats     counters: processed, failed, latency_us, round_trips,
 *                      lookup_wait_us, and processed:WORKER per worker
 * and a connection to their server.  Command-line code: it prints its
 * errors (cli_error). */
#ifndef DS_CLI_STREAMS_H
#define DS_CLI_STREAMS_H

#include <signal.h>
#include <stddef.h>

#include <hiredis/hiredis.h>

#include "../store.h"

/* DS_STREAM_ARTICLES, _RESULTS and _STATS: store.h (an index beside them
 * knows their keys for its own) */
#define DS_STREAM_GROUP "despin"

/* Set by stream_on_stop (SIGTERM, SIGINT): a connection then gives up
 * reconnecting, and the commands stop after what they hold. */
extern volatile sig_atomic_t stream_stopping;
void stream_on_stop(int sig);
/* Installs stream_on_stop for SIGTERM and SIGINT. */
void stream_catch_stop(void);

/* One server (or the node of the streams' slot).  Zeroed, then filled by
 * stream_queue_of; connected on its first command; one thread's.  A copy
 * made before it connects is a connection of its own. */
struct stream_conn {
	const char *uri; /* the address: the caller's string, which outlives it */
	struct ds_redis_addr addr; /* it, read once: nodes, database, AUTH's user and password */
	char host[256]; /* the node: its first until one answers (port 0: a socket) */
	int port, retry;
	int reached;    /* connected once: a later loss is retried, on that node */
	char why[160];  /* why the last command got no reply */
	char where[300]; /* stream_conn_where's */
	redisContext *c;
};

/* Parses the server's address: queue, else index if it is a redis:// or
 * unix:// address (kept, not copied: it must outlive q).  -1 after a
 * message when there is none or it is not valid. */
int stream_queue_of(struct stream_conn *q, const char *queue, const char *index);
/* The node q is on, as messages name it: "HOST:PORT", "[ADDR]:PORT" or a
 * socket's path; before one answered, the address when it has several. */
const char *stream_conn_where(struct stream_conn *q);
/* Runs a command (argv form), reconnecting up to q->retry times when the
 * server goes away and following a cluster's MOVED; NULL when it failed
 * (stream_conn_why says why).  The caller frees the reply. */
redisReply *stream_conn_cmd(struct stream_conn *q, int argc, const char **argv,
			    const size_t *lens);
/* The same with argc (at most 32) NUL-terminated arguments. */
redisReply *stream_cmdv(struct stream_conn *q, int argc, const char **argv);
/* The same with up to five NUL-terminated arguments, the first NULL ending them. */
redisReply *stream_cmd(struct stream_conn *q, const char *a0, const char *a1, const char *a2,
		       const char *a3, const char *a4);
/* Why q's last command failed. */
const char *stream_conn_why(const struct stream_conn *q);
void stream_conn_close(struct stream_conn *q);

/* The value of field name in an entry's [field, value, ...], or NULL. */
const redisReply *stream_field(const redisReply *fields, const char *name);
/* The entries [id, [field, value, ...]]... of an XREAD or XREADGROUP reply
 * on one stream ([[stream, [entry...]]]), or NULL when it has none (nil). */
const redisReply *stream_entries(const redisReply *r);
/* The entries of the articles' stream that the workers' group read and did
 * not acknowledge: their count, or -1 with why[0..whylen) saying why (the
 * server's error or stream_conn_why). */
long long stream_pending(struct stream_conn *q, char *why, size_t whylen);

#endif
