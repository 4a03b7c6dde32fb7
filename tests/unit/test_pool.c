/* test_pool.c - the command line's ordered parallel map (src/cli/pool.c). */
#include <pthread.h>
#include <time.h>

#include "t.h"
#include "pool.h"

#define NITEMS 300

struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int items[NITEMS];
	size_t nread, nhanded;
	size_t order_bad;     /* items handed back out of input order */
	size_t most_in_flight;
	size_t calls_at_once, overlap; /* done calls running at once */
	int wait_for_answer;  /* next waits until every item read is handed back */
	int waited_out;       /* such a wait ran out (a stream's reader left hanging):
	                       * the reader waits no more */
	int worked[NITEMS];
	int bad_worker;
	int nthreads;
	size_t wread, whanded, wmost; /* weights read, handed back, most in flight */
};

/* Item i's weight: every third is heavy. */
static size_t weight_of(int i)
{
	return i % 3 == 0 ? 1000 : 10;
}

static void *next(void *ctx)
{
	struct run *r = ctx;
	void *item = NULL;
	pthread_mutex_lock(&r->mu);
	if (r->wait_for_answer && !r->waited_out && r->nread > 0) {
		/* a reader that sends one record and waits for its verdict */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 10;
		while (r->nhanded < r->nread)
			if (pthread_cond_timedwait(&r->cv, &r->mu, &until) != 0) {
				r->waited_out = 1;
				break;
			}
	}
	if (r->nread < NITEMS) {
		r->items[r->nread] = (int)r->nread;
		r->wread += weight_of((int)r->nread);
		item = &r->items[r->nread++];
		if (r->nread - r->nhanded > r->most_in_flight)
			r->most_in_flight = r->nread - r->nhanded;
		if (r->wread - r->whanded > r->wmost)
			r->wmost = r->wread - r->whanded;
	}
	pthread_mutex_unlock(&r->mu);
	return item;
}

static void work(void *ctx, int w, void *item)
{
	struct run *r = ctx;
	int i = *(int *)item;
	/* uneven work, so that items finish out of order */
	struct timespec d = {0, (long)((i * 7919) % 13) * 20000L};
	if (w < 0 || w >= r->nthreads)
		r->bad_worker = 1;
	nanosleep(&d, NULL);
	r->worked[i]++;
}

static void done(void *ctx, void *item)
{
	struct run *r = ctx;
	int i = *(int *)item;
	struct timespec d = {0, 50000L};
	pthread_mutex_lock(&r->mu);
	if (++r->calls_at_once > 1)
		r->overlap = 1;
	pthread_mutex_unlock(&r->mu);
	nanosleep(&d, NULL); /* a slow writer: another worker finishes meanwhile */
	pthread_mutex_lock(&r->mu);
	r->calls_at_once--;
	if ((size_t)i != r->nhanded)
		r->order_bad++;
	r->nhanded++;
	r->whanded += weight_of(i);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void run_init(struct run *r, int nthreads, int wait_for_answer)
{
	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->nthreads = nthreads;
	r->wait_for_answer = wait_for_answer;
}

static void run_check(struct run *r)
{
	int once = 1;
	for (int i = 0; i < NITEMS; i++)
		once &= r->worked[i] == 1;
	T_OK(once);
	T_EQ_INT(r->nread, NITEMS);
	T_EQ_INT(r->nhanded, NITEMS);
	T_EQ_INT(r->order_bad, 0);
	T_EQ_INT(r->overlap, 0);
	T_EQ_INT(r->bad_worker, 0);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

T_TEST(hands_back_in_input_order)
{
	static struct run r;
	for (int n = 1; n <= 8; n *= 2) {
		run_init(&r, n, 0);
		T_EQ_INT(pool_run(n, next, work, done, &r), 0);
		/* at most four items a thread in flight (one on the calling thread) */
		T_OK(r.most_in_flight <= (size_t)(n > 1 ? 4 * n : 1));
		run_check(&r);
	}
}

/* A stream's reader that waits for each verdict before it sends the next
 * record is answered: an item is handed back while the calling thread waits
 * in next, not once the next item has come. */
T_TEST(answers_a_reader_that_waits)
{
	static struct run r;
	for (int n = 1; n <= 4; n++) {
		run_init(&r, n, 1);
		T_EQ_INT(pool_run(n, next, work, done, &r), 0);
		T_EQ_INT(r.waited_out, 0);
		T_EQ_INT(r.most_in_flight, 1);
		run_check(&r);
	}
}

static size_t weigh(void *ctx, void *item)
{
	(void)ctx;
	return weight_of(*(int *)item);
}

/* Weighed, the items in flight stay under the budget plus the heaviest
 * one, and an item heavier than the whole budget still gets through; the
 * count alone lets sixteen in (more than four heavy ones) */
T_TEST(read_ahead_within_budget)
{
	static struct run r;
	run_init(&r, 4, 0);
	T_EQ_INT(pool_run(4, next, work, done, &r), 0);
	T_OK(r.wmost > 3000);
	run_check(&r);
	for (int n = 2; n <= 8; n *= 2) {
		run_init(&r, n, 0);
		T_EQ_INT(pool_run_weighed(n, next, work, done, weigh, 100, &r), 0);
		T_OK(r.wmost < 100 + 1000);
		run_check(&r);
	}
}

static void *nothing(void *ctx)
{
	(void)ctx;
	return NULL;
}

T_TEST(empty_input)
{
	static struct run r;
	run_init(&r, 4, 0);
	T_EQ_INT(pool_run(4, nothing, work, done, &r), 0);
	T_EQ_INT(r.nhanded, 0);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
}

int main(void)
{
	T_RUN(hands_back_in_input_order);
	T_RUN(answers_a_reader_that_waits);
	T_RUN(read_ahead_within_budget);
	T_RUN(empty_input);
	return t_done();
}
