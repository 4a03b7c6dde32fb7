/* streams.c - the Redis streams of despin worker, submit and results: a
 * connection that reconnects and follows a cluster's redirections, and an
 * entry's fields. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "cli.h"
#include "streams.h"
#include "../store.h"

volatile sig_atomic_t stream_stopping;

void stream_on_stop(int sig)
{
	(void)sig;
	stream_stopping = 1;
}

void stream_catch_stop(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = stream_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Why q's last command failed: the connection's own reason when it had
 * one ("Connection refused"), else that the server went away. */
const char *stream_conn_why(const struct stream_conn *q)
{
	return q->why[0] ? q->why : "the server went away";
}

/* The streams' server from address uri (what names it in messages: the
 * option or the index it came from): its nodes, tried in turn when it is
 * first reached (the first that answers, as the index takes them; a
 * cluster's other nodes are reached by its redirections), its database,
 * user and password.  Its options are checked and left to the index: the
 * commands keep their own reconnections (--retry) and timeouts. */
static int stream_conn_parse(struct stream_conn *q, const char *uri, const char *what)
{
	struct ds_err err = {0};
	struct ds_redis_addr *a = &q->addr;
	if (!ds_store_is_redis(uri)) {
		const char *scheme = strstr(uri, "://"); /* what follows may hold a password */
		if (scheme)
			cli_error("%s must be a redis:// or unix:// address (here a %.*s:// one)", what,
				  (int)(scheme - uri), uri);
		else
			cli_error("%s must be a redis:// or unix:// address (here '%s')", what, uri);
		return -1;
	}
	memset(a, 0, sizeof *a);
	if (ds_redis_addr_parse(uri, a, &err) != 0) {
		cli_error("%s %s", what, err.msg);
		return -1;
	}
	q->uri = uri;
	snprintf(q->host, sizeof q->host, "%s", a->node[0].host);
	q->port = a->node[0].port;
	return 0;
}

void stream_conn_close(struct stream_conn *q)
{
	if (q->c)
		redisFree(q->c);
	q->c = NULL;
}

const char *stream_conn_where(struct stream_conn *q)
{
	if (!q->reached && q->addr.nnodes > 1 && q->uri)
		ds_store_shown_uri_to(q->uri, q->where, sizeof q->where);
	else
		ds_redis_node_name(q->host, q->port, q->where, sizeof q->where);
	return q->where;
}

/* Connects to host and port (0: a Unix socket), with AUTH and SELECT: 0,
 * or -1 with q->why saying why. */
static int stream_conn_to(struct stream_conn *q, const char *host, int port)
{
	struct timeval tv = {30, 0};
	char why[256];
	stream_conn_close(q);
	q->c = ds_redis_connect(host, port, 2000);
	if (!q->c || q->c->err) {
		snprintf(q->why, sizeof q->why, "cannot connect: %s",
			 q->c ? q->c->errstr : "out of memory");
		stream_conn_close(q);
		return -1;
	}
	q->why[0] = 0;
	redisSetTimeout(q->c, tv);
	if (ds_redis_auth(q->c, q->addr.user, q->addr.pass, why, sizeof why)) {
		snprintf(q->why, sizeof q->why, "the server refused the password: %.120s", why);
		stream_conn_close(q);
		return -1;
	}
	if (ds_redis_select(q->c, q->addr.db, why, sizeof why)) {
		snprintf(q->why, sizeof q->why, "cannot select database %d: %.120s", q->addr.db,
			 why);
		stream_conn_close(q);
		return -1;
	}
	return 0;
}

/* Connects to the streams' server: once reached, the node that answered
 * (or the one a cluster's MOVED named); before, each node of the address
 * in turn, the first that answers holding the streams, as it holds the
 * index (a node that is down is passed over). */
static int stream_conn_open(struct stream_conn *q)
{
	const struct ds_redis_addr *a = &q->addr;
	char last[160];
	int i;
	if (q->reached || !q->uri)
		return stream_conn_to(q, q->host, q->port);
	for (i = 0; i < a->nnodes; i++)
		if (stream_conn_to(q, a->node[i].host, a->node[i].port) == 0)
			break;
	if (i < a->nnodes) {
		snprintf(q->host, sizeof q->host, "%s", a->node[i].host);
		q->port = a->node[i].port;
		return 0;
	}
	if (a->nnodes > 1) {
		ds_redis_node_name(a->node[a->nnodes - 1].host, a->node[a->nnodes - 1].port, last,
				   sizeof last);
		snprintf(q->where, sizeof q->where, "%s", q->why);
		snprintf(q->why, sizeof q->why, "no node answers (%.56s, the last: %.60s)", last,
			 q->where);
	}
	return -1;
}

/* Runs a command (argv form), reconnecting up to q->retry times when the
 * server goes away and following a cluster's MOVED; NULL when it failed. */
redisReply *stream_conn_cmd(struct stream_conn *q, int argc, const char **argv,
			    const size_t *lens)
{
	for (int attempt = 0;; attempt++) {
		redisReply *r = NULL;
		if (q->c || stream_conn_open(q) == 0)
			r = redisCommandArgv(q->c, argc, argv, lens);
		if (r)
			q->reached = 1;
		else if (q->c && q->c->err)
			snprintf(q->why, sizeof q->why, "%s", q->c->errstr);
		if (r && r->type == REDIS_REPLY_ERROR &&
		    (strncmp(r->str, "MOVED ", 6) == 0 || strncmp(r->str, "LOADING", 7) == 0 ||
		     strncmp(r->str, "TRYAGAIN", 8) == 0 || strncmp(r->str, "CLUSTERDOWN", 11) == 0) &&
		    attempt < q->retry) {
			const char *addr = strrchr(r->str, ' ');
			if (strncmp(r->str, "MOVED ", 6) == 0 && addr && strrchr(addr, ':')) {
				snprintf(q->host, sizeof q->host, "%.*s",
					 (int)(strrchr(addr, ':') - addr - 1), addr + 1);
				q->port = atoi(strrchr(addr, ':') + 1);
			}
			freeReplyObject(r);
			stream_conn_close(q);
			usleep(100000);
			continue;
		}
		if (r)
			return r;
		stream_conn_close(q);
		/* a server never reached is not waited for: that is a wrong
		 * address or a server not started, said at once */
		if (attempt >= q->retry || stream_stopping || !q->reached)
			return NULL;
		usleep(attempt < 4 ? 100000u << attempt : 1000000u);
	}
}

redisReply *stream_cmdv(struct stream_conn *q, int argc, const char **argv)
{
	size_t lens[32];
	if (argc > 32) {
		snprintf(q->why, sizeof q->why, "a command of %d arguments", argc);
		return NULL;
	}
	for (int i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	return stream_conn_cmd(q, argc, argv, lens);
}

redisReply *stream_cmd(struct stream_conn *q, const char *a0, const char *a1, const char *a2,
		       const char *a3, const char *a4)
{
	const char *argv[5] = {a0, a1, a2, a3, a4};
	int argc = 0;
	while (argc < 5 && argv[argc])
		argc++;
	return stream_cmdv(q, argc, argv);
}

int stream_queue_of(struct stream_conn *q, const char *queue, const char *index)
{
	memset(q, 0, sizeof *q);
	q->retry = 30;
	if (queue)
		return stream_conn_parse(q, queue, "--queue");
	if (index && ds_store_is_redis(index))
		return stream_conn_parse(q, index, "index");
	cli_error("no Redis server for the streams: give --queue redis://HOST:PORT");
	return -1;
}

const redisReply *stream_field(const redisReply *fields, const char *name)
{
	for (size_t i = 0; fields && i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, name) == 0)
			return fields->element[i + 1];
	return NULL;
}

const redisReply *stream_entries(const redisReply *r)
{
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements == 2 &&
	    r->element[0]->element[1]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->element[1]->elements > 0)
		return r->element[0]->element[1];
	return NULL;
}

long long stream_pending(struct stream_conn *q, char *why, size_t whylen)
{
	redisReply *r = stream_cmd(q, "XPENDING", DS_STREAM_ARTICLES, DS_STREAM_GROUP, NULL, NULL);
	long long n = -1;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
	    r->element[0]->type == REDIS_REPLY_INTEGER)
		n = r->element[0]->integer;
	else
		snprintf(why, whylen, "%s",
			 r && r->type == REDIS_REPLY_ERROR ? r->str : stream_conn_why(q));
	if (r)
		freeReplyObject(r);
	return n;
}
