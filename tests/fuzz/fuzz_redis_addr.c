/* fuzz_redis_addr.c - redis:// and unix:// addresses (ds_redis_addr_parse,
 * the one reader of the index's and the streams' addresses) and the
 * starred form messages show (ds_store_star_password).  The input,
 * NUL-terminated, is the address ("redis://" put before it when byte 0 is
 * odd, so that the parts after the scheme are reached whatever the
 * mutation).  An accepted address has 1 to DS_REDIS_MAX_NODES distinct
 * nodes with a host and a port in range (a ':' only in an IPv6 address),
 * or a unix:// one a socket's absolute path (port 0), a database and
 * options in their ranges; a refused one
 * says why in a message that starts with the address (or is out of
 * memory), never longer than the address; the starred form is never
 * longer than the address and holds no character of a password of
 * three or more that the address does not hold elsewhere; the form
 * written into a buffer (ds_store_shown_uri_to) is the same when it fits,
 * and cut short an exact prefix of it, showing no part of a password the
 * whole form hides; a
 * password put in (ds_redis_addr_with_password) reads back as it was. */
#include "fuzz.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ds_redis_addr a;
	struct ds_err err = {0};
	char *uri, *starred;
	size_t n, pre;
	int rc;
	if (size < 1 || size > 4096)
		return 0;
	pre = data[0] & 1 ? 8 : 0;
	if (!(uri = malloc(pre + size)) || !(starred = malloc(pre + size))) {
		free(uri);
		return 0;
	}
	memcpy(uri, "redis://", pre);
	memcpy(uri + pre, data + 1, size - 1);
	uri[pre + size - 1] = '\0';
	n = strlen(uri);
	memcpy(starred, uri, n + 1);
	ds_store_star_password(starred);
	FZ_ASSERT(strlen(starred) <= n);
	memset(&a, 0x5a, sizeof a);
	a.timeout_ms = a.retry = a.wait_replicas = a.wait_ms = -7;
	rc = ds_redis_addr_parse(uri, &a, &err);
	if (rc == 0) {
		FZ_ASSERT(strncmp(uri, "redis://", 8) == 0 || strncmp(uri, "unix://", 7) == 0);
		FZ_ASSERT(a.nnodes >= 1 && a.nnodes <= DS_REDIS_MAX_NODES);
		FZ_ASSERT(a.db >= 0 && a.db <= 100000);
		FZ_ASSERT(memchr(a.user, 0, sizeof a.user) && memchr(a.pass, 0, sizeof a.pass));
		for (int i = 0; i < a.nnodes; i++) {
			const char *h = a.node[i].host;
			FZ_ASSERT(memchr(h, 0, sizeof a.node[i].host) != NULL);
			if (a.node[i].port == 0) { /* a socket: the address's one node */
				FZ_ASSERT(strncmp(uri, "unix://", 7) == 0 && a.nnodes == 1);
				FZ_ASSERT(h[0] == '/' && !strchr(h, '?'));
				continue;
			}
			FZ_ASSERT(strncmp(uri, "redis://", 8) == 0);
			FZ_ASSERT(h[0] && a.node[i].port >= 1 && a.node[i].port <= 65535);
			FZ_ASSERT(!strpbrk(h, ",/?[]"));
			FZ_ASSERT(!strchr(h, ':') ||
				  strspn(h, "0123456789abcdefABCDEF:.") == strlen(h));
			for (int j = 0; j < i; j++)
				FZ_ASSERT(a.node[j].port != a.node[i].port ||
					  strcmp(a.node[j].host, a.node[i].host) != 0);
		}
		FZ_ASSERT(a.timeout_ms == -7 || (a.timeout_ms >= 1 && a.timeout_ms <= 86400000));
		FZ_ASSERT(a.wait_ms == -7 || (a.wait_ms >= 1 && a.wait_ms <= 86400000));
		FZ_ASSERT(a.retry == -7 || (a.retry >= 0 && a.retry <= 1000));
		FZ_ASSERT(a.wait_replicas == -7 || (a.wait_replicas >= 0 && a.wait_replicas <= 1000));
	} else {
		FZ_ASSERT(rc == DS_EINVAL || rc == DS_ENOMEM);
		FZ_ASSERT(err.msg[0] != 0);
		/* the message begins with the address as shown: options cut,
		 * the password starred; or, the message being too long for
		 * err.msg, with its start up to the "..." that shortens it */
		if (rc == DS_EINVAL) {
			size_t k = strcspn(starred, "?");
			const char *dots = strstr(err.msg, "...");
			FZ_ASSERT(k >= sizeof err.msg - 1 || strncmp(err.msg, starred, k) == 0 ||
				  (dots && strncmp(err.msg, starred, (size_t)(dots - err.msg)) == 0));
		}
	}
	/* a password put in reads back as it was, wherever the address
	 * itself reads */
	if (rc == 0) {
		char *w = ds_redis_addr_with_password(uri, "u @:", "p@:/?%&#");
		if (w) {
			FZ_ASSERT(ds_redis_addr_parse(w, &a, &err) == 0);
			FZ_ASSERT(strcmp(a.pass, "p@:/?%&#") == 0);
			free(w);
		}
	}
	/* the form written into a buffer, for messages made without
	 * allocating: the in-place form when it fits; cut short, it is
	 * terminated and shows no password that the in-place form hides */
	{
		char out[64], whole[4200];
		size_t cap = 1 + data[0] % sizeof out;
		ds_store_shown_uri_to(uri, whole, sizeof whole);
		memcpy(starred, uri, n + 1);
		ds_store_shown_uri(starred);
		FZ_ASSERT(strcmp(whole, starred) == 0);
		ds_store_shown_uri_to(uri, out, cap);
		FZ_ASSERT(strlen(out) < cap);
		/* cut short: an exact prefix of the whole */
		FZ_ASSERT(strlen(out) == (strlen(starred) < cap ? strlen(starred) : cap - 1));
		FZ_ASSERT(strncmp(out, starred, strlen(out)) == 0);
		if (strncmp(uri, "redis://", 8) == 0 && strstr(starred, ":***@")) {
			const char *pw = strchr(uri + 8, ':') + 1;
			size_t pl = (size_t)(strstr(pw, "@") - pw);
			char *p8 = pl >= 8 ? strndup(pw, 8) : NULL;
			if (p8 && !strstr(starred, p8))
				FZ_ASSERT(!strstr(out, p8));
			free(p8);
		}
	}
	free(uri);
	free(starred);
	return 0;
}
