/* pool.c - ordered parallel map with bounded in-flight items (see pool.h). */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
	void *item;
	int state; /* 0 empty, 1 queued, 2 working, 3 done */
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_done;
	struct slot *ring;
	size_t cap, head, tail; /* items [head, tail) are in flight */
	size_t next_work;       /* first queued item not taken yet */
	int closing;
	pool_work_fn work;
	void *ctx;
};

struct worker {
	struct pool *p;
	int id;
};

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->p;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct slot *s;
		while (p->next_work == p->tail && !p->closing)
			pthread_cond_wait(&p->cv_work, &p->mu);
		if (p->next_work == p->tail && p->closing)
			break;
		s = &p->ring[p->next_work % p->cap];
		p->next_work++;
		s->state = 2;
		pthread_mutex_unlock(&p->mu);
		p->work(p->ctx, wk->id, s->item);
		pthread_mutex_lock(&p->mu);
		s->state = 3;
		pthread_cond_broadcast(&p->cv_done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pool_run(int nthreads, pool_next_fn next, pool_work_fn work, pool_done_fn done, void *ctx)
{
	struct pool p;
	pthread_t *th;
	struct worker *wk;
	int started = 0, eof = 0;

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
		free(p.ring);
		free(th);
		free(wk);
		return -1;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv_work, NULL);
	pthread_cond_init(&p.cv_done, NULL);
	p.head = p.tail = p.next_work = 0;
	p.closing = 0;
	p.work = work;
	p.ctx = ctx;
	for (int i = 0; i < nthreads; i++) {
		wk[i].p = &p;
		wk[i].id = i;
		if (pthread_create(&th[i], NULL, worker_main, &wk[i]) != 0)
			break;
		started++;
	}
	if (started == 0) {
		free(p.ring);
		free(th);
		free(wk);
		return -1;
	}
	pthread_mutex_lock(&p.mu);
	while (!eof || p.head != p.tail) {
		/* fill free slots */
		while (!eof && p.tail - p.head < p.cap) {
			void *item;
			pthread_mutex_unlock(&p.mu);
			item = next(ctx);
			pthread_mutex_lock(&p.mu);
			if (!item) {
				eof = 1;
				break;
			}
			p.ring[p.tail % p.cap].item = item;
			p.ring[p.tail % p.cap].state = 1;
			p.tail++;
			pthread_cond_signal(&p.cv_work);
		}
		/* hand back finished items in order */
		while (p.head != p.tail && p.ring[p.head % p.cap].state != 3)
			pthread_cond_wait(&p.cv_done, &p.mu);
		while (p.head != p.tail && p.ring[p.head % p.cap].state == 3) {
			void *item = p.ring[p.head % p.cap].item;
			p.ring[p.head % p.cap].state = 0;
			p.head++;
			pthread_mutex_unlock(&p.mu);
			done(ctx, item);
			pthread_mutex_lock(&p.mu);
		}
	}
	p.closing = 1;
	pthread_cond_broadcast(&p.cv_work);
	pthread_mutex_unlock(&p.mu);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv_work);
	pthread_cond_destroy(&p.cv_done);
	free(p.ring);
	free(th);
	free(wk);
	return 0;
}
