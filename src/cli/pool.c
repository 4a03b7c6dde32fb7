/* pool.c - ordered parallel map with bounded in-flight items (see pool.h).
 *
 * The calling thread only produces: it reads items while fewer than cap are
 * in flight (and, when they are weighed, while they weigh under the
 * budget).  A worker that finishes an item hands back every finished item
 * at the head of the ring, in order, unless another worker is doing so
 * already (then that one takes it on: it looks at the head again before it
 * lets go).  So an item is handed back as soon as it and those before it
 * are done, while the calling thread may be waiting for the next input. */
#include "pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

enum { SLOT_EMPTY, SLOT_QUEUED, SLOT_WORKING, SLOT_DONE };

struct slot {
	void *item;
	size_t weight; /* what pool_weigh_fn said of it */
	int state;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv_work;  /* an item queued, or closing */
	pthread_cond_t cv_space; /* an item handed back: room in the ring */
	struct slot *ring;
	size_t cap, head, tail; /* items [head, tail) are in flight */
	size_t next_work;       /* first queued item not taken yet */
	int closing;
	int handing;            /* a worker is handing items back */
	size_t weight, budget;  /* of the items in flight, and its bound */
	pool_work_fn work;
	pool_done_fn done;
	void *ctx;
};

struct worker {
	struct pool *p;
	int id;
};

/* Hands back the finished items at the head, in order; called with the
 * lock held, returns with it held.  One thread at a time does it, so done
 * never runs twice at once and sees the items in input order. */
static void hand_back(struct pool *p)
{
	if (p->handing)
		return;
	p->handing = 1;
	while (p->head != p->tail && p->ring[p->head % p->cap].state == SLOT_DONE) {
		struct slot *s = &p->ring[p->head % p->cap];
		void *item = s->item;
		pthread_mutex_unlock(&p->mu);
		p->done(p->ctx, item);
		pthread_mutex_lock(&p->mu);
		p->weight -= s->weight;
		s->item = NULL;
		s->weight = 0;
		s->state = SLOT_EMPTY;
		p->head++;
		pthread_cond_broadcast(&p->cv_space);
	}
	p->handing = 0;
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct slot *s;
		while (p->next_work == p->tail && !p->closing)
			pthread_cond_wait(&p->cv_work, &p->mu);
		if (p->next_work == p->tail)
			break; /* closing, and nothing left to take */
		s = &p->ring[p->next_work % p->cap];
		p->next_work++;
		s->state = SLOT_WORKING;
		pthread_mutex_unlock(&p->mu);
		p->work(p->ctx, wk->id, s->item);
		pthread_mutex_lock(&p->mu);
		s->state = SLOT_DONE;
		hand_back(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void pool_free(struct pool *p, pthread_t *th, struct worker *wk)
{
	free(p->ring);
	free(th);
	free(wk);
}

/* pool_free, once the lock and conditions were made. */
static void pool_close(struct pool *p, pthread_t *th, struct worker *wk)
{
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_work);
	pthread_cond_destroy(&p->cv_space);
	pool_free(p, th, wk);
}

int pool_run(int nthreads, pool_next_fn next, pool_work_fn work, pool_done_fn done, void *ctx)
{
	return pool_run_weighed(nthreads, next, work, done, NULL, 0, ctx);
}

int pool_run_weighed(int nthreads, pool_next_fn next, pool_work_fn work, pool_done_fn done,
		     pool_weigh_fn weigh, size_t budget, void *ctx)
{
	struct pool p;
	pthread_t *th;
	struct worker *wk;
	int started = 0;

	if (nthreads <= 1) {
		void *item;
		while ((item = next(ctx)) != NULL) {
			work(ctx, 0, item);
			done(ctx, item);
		}
		return 0;
	}
	p.cap = (size_t)nthreads * 4;
	p.ring = calloc(p.cap, sizeof *p.ring);
	th = calloc((size_t)nthreads, sizeof *th);
	wk = calloc((size_t)nthreads, sizeof *wk);
	if (!p.ring || !th || !wk) {
		pool_free(&p, th, wk);
		return -1;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv_work, NULL);
	pthread_cond_init(&p.cv_space, NULL);
	p.head = p.tail = p.next_work = 0;
	p.closing = p.handing = 0;
	p.weight = 0;
	p.budget = weigh ? budget : SIZE_MAX;
	p.work = work;
	p.done = done;
	p.ctx = ctx;
	for (int i = 0; i < nthreads; i++) {
		wk[i].p = &p;
		wk[i].id = i;
		if (pthread_create(&th[i], NULL, worker_main, &wk[i]) != 0)
			break;
		started++;
	}
	if (started == 0) {
		pool_close(&p, th, wk);
		return -1;
	}
	pthread_mutex_lock(&p.mu);
	for (;;) {
		struct slot *s;
		size_t w;
		void *item;
		/* room in the ring, and in the budget (one item is always let
		 * in: a larger one waits only for those before it) */
		while (p.tail - p.head == p.cap || (p.weight >= p.budget && p.tail != p.head))
			pthread_cond_wait(&p.cv_space, &p.mu);
		pthread_mutex_unlock(&p.mu);
		item = next(ctx); /* may wait for input: the workers go on */
		w = item && weigh ? weigh(ctx, item) : 0;
		pthread_mutex_lock(&p.mu);
		if (!item)
			break;
		s = &p.ring[p.tail % p.cap];
		s->item = item;
		s->weight = w;
		s->state = SLOT_QUEUED;
		p.weight += w;
		p.tail++;
		pthread_cond_signal(&p.cv_work);
	}
	/* the end of the input: every item handed back, then the workers go */
	while (p.head != p.tail)
		pthread_cond_wait(&p.cv_space, &p.mu);
	p.closing = 1;
	pthread_cond_broadcast(&p.cv_work);
	pthread_mutex_unlock(&p.mu);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pool_close(&p, th, wk);
	return 0;
}
