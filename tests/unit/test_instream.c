/* test_instream.c - streams the command line reads as they come, decoded
 * when compressed (src/cli/instream.c): plain bytes pass as they are, a
 * gzip or zstd stream is decoded whatever the pieces a pipe delivers, what
 * was decoded is given as soon as it is (a pipe's first member before the
 * writer sends the next), and a damaged stream ends after the text before
 * the damage with one message naming it. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "packers.h"
#include "instream.h"

static const char A[] = "{\"id\": \"a\", \"text\": \"The council met.\"}\n";
static const char B[] = "{\"id\": \"b\", \"text\": \"The war went on.\"}\n";

/* Writes p to fd a byte at a time (a pipe's smallest pieces). */
static void put(int fd, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (write(fd, p + i, 1) != 1)
			return;
}

/* Reads a stream of n bytes through stdio into a new buffer. */
static char *slurp(struct cli_instream *s, size_t *n)
{
	FILE *f = cli_instream_file(s);
	char *buf = malloc(4096);
	*n = fread(buf, 1, 4095, f);
	buf[*n] = 0;
	return buf;
}

/* A pipe holding bytes p (n of them), closed after: its read end. */
static int pipe_of(const char *p, size_t n)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	put(fds[1], p, n);
	close(fds[1]);
	return fds[0];
}

/* p (n bytes) through a pipe: read as it is. */
static void check_plain(const char *p, size_t n)
{
	char *got;
	size_t got_n;
	int fd = pipe_of(p, n);
	struct cli_instream *s = cli_instream_open(fd, "stdin");
	T_OK(s != NULL && cli_instream_kind(s) == NULL);
	got = slurp(s, &got_n);
	T_OK(got_n == n && memcmp(got, p, n) == 0);
	T_EQ_STR(cli_instream_error(s), "");
	free(got);
	cli_instream_close(s);
	close(fd);
}

T_TEST(plain_bytes_as_they_are)
{
	check_plain(A, sizeof A - 1);
	/* shorter than the four bytes looked at first, and empty */
	check_plain("{}", 2);
	check_plain("", 0);
}

T_TEST(compressed_decoded_in_any_pieces)
{
	void (*pack[2])(const char *, size_t, char **, size_t *) = {gz, zs};
	const char *kinds[2] = {"gzip", "zstd"};
	for (int k = 0; k < 2; k++) {
		char *a, *b, *both, *got;
		size_t an, bn, n;
		int fd;
		struct cli_instream *s;
		pack[k](A, sizeof A - 1, &a, &an);
		pack[k](B, sizeof B - 1, &b, &bn);
		both = malloc(an + bn);
		memcpy(both, a, an);
		memcpy(both + an, b, bn);
		fd = pipe_of(both, an + bn);
		s = cli_instream_open(fd, "stdin");
		T_EQ_STR(cli_instream_kind(s), kinds[k]);
		got = slurp(s, &n);
		T_OK(n == sizeof A + sizeof B - 2 && memcmp(got, A, sizeof A - 1) == 0 &&
		     strcmp(got + sizeof A - 1, B) == 0);
		T_EQ_STR(cli_instream_error(s), "");
		free(got);
		cli_instream_close(s);
		close(fd);
		/* cut inside the second member: the first's text, then the
		 * error naming the stream */
		fd = pipe_of(both, an + bn / 2);
		s = cli_instream_open(fd, "in.jsonl");
		got = slurp(s, &n);
		T_OK(n >= sizeof A - 1 && memcmp(got, A, sizeof A - 1) == 0);
		T_OK(strstr(cli_instream_error(s), "in.jsonl: ") == cli_instream_error(s) &&
		     strstr(cli_instream_error(s), "data cut short") != NULL);
		free(got);
		cli_instream_close(s);
		close(fd);
		free(a);
		free(b);
		free(both);
	}
}

struct writer {
	int fd;
	const char *first, *second;
	size_t n1, n2;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int first_read;
};

static void *write_two(void *v)
{
	struct writer *w = v;
	put(w->fd, w->first, w->n1);
	/* the second member only once the first's text was read: a reader
	 * that waited for more would wait for ever (the alarm ends it) */
	pthread_mutex_lock(&w->mu);
	while (!w->first_read)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	put(w->fd, w->second, w->n2);
	close(w->fd);
	return NULL;
}

T_TEST(text_given_as_soon_as_decoded)
{
	char *a, *b, buf[256];
	size_t an, bn, have = 0;
	int fds[2];
	pthread_t th;
	struct writer w;
	struct cli_instream *s;
	ssize_t r;
	gz(A, sizeof A - 1, &a, &an);
	gz(B, sizeof B - 1, &b, &bn);
	T_OK(pipe(fds) == 0);
	memset(&w, 0, sizeof w);
	w.fd = fds[1];
	w.first = a;
	w.n1 = an;
	w.second = b;
	w.n2 = bn;
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	alarm(20);
	pthread_create(&th, NULL, write_two, &w);
	s = cli_instream_open(fds[0], "stdin");
	while (have < sizeof A - 1 && (r = cli_instream_read(s, buf + have, sizeof buf - have)) > 0)
		have += (size_t)r;
	T_OK(have == sizeof A - 1 && memcmp(buf, A, have) == 0);
	pthread_mutex_lock(&w.mu);
	w.first_read = 1;
	pthread_cond_signal(&w.cv);
	pthread_mutex_unlock(&w.mu);
	while ((r = cli_instream_read(s, buf + have, sizeof buf - have)) > 0)
		have += (size_t)r;
	T_OK(r == 0 && have == sizeof A + sizeof B - 2 && memcmp(buf + sizeof A - 1, B, sizeof B - 1) == 0);
	pthread_join(th, NULL);
	alarm(0);
	cli_instream_close(s);
	close(fds[0]);
	free(a);
	free(b);
}

int main(void)
{
	T_RUN(plain_bytes_as_they_are);
	T_RUN(compressed_decoded_in_any_pieces);
	T_RUN(text_given_as_soon_as_decoded);
	return t_done();
}
