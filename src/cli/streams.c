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

/* 1 when s is decimal digits and nothing else. */
static int digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int stream_conn_parse(struct stream_conn *q, const char *uri)
{
	const char *p, *end, *colon;
	char shown[512]; /* the address for messages: no password */
	snprintf(shown, sizeof shown, "%s", uri);
	ds_store_star_password(shown);
	if (strncmp(uri, "redis://", 8) != 0) {
		const char *scheme = strstr(uri, "://"); /* what follows may hold a password */
		if (scheme)
			cli_error("--queue must be a redis:// address (here a %.*s:// one)",
				  (int)(scheme - uri), uri);
		else
			cli_error("--queue must be a redis:// address (here '%s')", uri);
		return -1;
	}
	p = uri + 8;
	if (ds_redis_userinfo(&p, q->user, sizeof q->user, q->pass, sizeof q->pass) != 0) {
		cli_error("--queue: user name or password too long");
		return -1;
	}
	end = p + strcspn(p, "/?");
	colon = memchr(p, ':', (size_t)(end - p));
	snprintf(q->host, sizeof q->host, "%.*s", (int)((colon ? colon : end) - p), p);
	q->port = 6379;
	q->db = 0;
	/* HOST[:PORT][/DB], nothing else: a port or database that is no
	 * whole number in range, or an option, is refused rather than read
	 * as far as its digits go */
	if (!q->host[0] || (size_t)((colon ? colon : end) - p) >= sizeof q->host) {
		cli_error("--queue %s: no host in the address", shown);
		return -1;
	}
	if (colon) {
		char port[8];
		long v;
		snprintf(port, sizeof port, "%.*s", (int)(end - colon - 1), colon + 1);
		if (end - colon - 1 >= (long)sizeof port || !digits(port) ||
		    ds_field_long(port, 1, 65535, &v)) {
			cli_error("--queue %s: bad port (1 to 65535)", shown);
			return -1;
		}
		q->port = (int)v;
	}
	if (*end == '/' && end[1]) {
		long v;
		if (!digits(end + 1) || ds_field_long(end + 1, 0, 100000, &v)) {
			cli_error("--queue %s: bad database number", shown);
			return -1;
		}
		q->db = (int)v;
	} else if (*end == '?') {
		cli_error("--queue %s: a queue address takes no options", shown);
		return -1;
	}
	return 0;
}

void stream_conn_close(struct stream_conn *q)
{
	if (q->c)
		redisFree(q->c);
	q->c = NULL;
}

static int stream_conn_open(struct stream_conn *q)
{
	struct timeval tv = {2, 0};
	redisReply *r;
	stream_conn_close(q);
	q->c = redisConnectWithTimeout(q->host, q->port, tv);
	if (!q->c || q->c->err) {
		snprintf(q->why, sizeof q->why, "cannot connect: %s",
			 q->c ? q->c->errstr : "out of memory");
		stream_conn_close(q);
		return -1;
	}
	q->why[0] = 0;
	tv.tv_sec = 30;
	redisSetTimeout(q->c, tv);
	if (q->pass[0]) {
		r = q->user[0] ? redisCommand(q->c, "AUTH %s %s", q->user, q->pass)
			       : redisCommand(q->c, "AUTH %s", q->pass);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			snprintf(q->why, sizeof q->why, "the server refused the password: %.120s",
				 r ? r->str : q->c->errstr);
			if (r)
				freeReplyObject(r);
			stream_conn_close(q);
			return -1;
		}
		freeReplyObject(r);
	}
	if (q->db > 0) {
		r = redisCommand(q->c, "SELECT %d", q->db);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			if (r)
				freeReplyObject(r);
			stream_conn_close(q);
			return -1;
		}
		freeReplyObject(r);
	}
	return 0;
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
	if (!queue && index && strncmp(index, "redis://", 8) == 0)
		queue = index;
	if (!queue) {
		cli_error("no Redis server for the streams: give --queue redis://HOST:PORT");
		return -1;
	}
	return stream_conn_parse(q, queue);
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
