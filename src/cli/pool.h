/*
 * pool.h - ordered parallel map for the command line: items come from a
 * producer, are processed by N worker threads, and are handed back to the
 * consumer in input order.  At most 4 * N items are in flight, so an endless
 * input stream is processed with bounded memory; an item is handed back
 * without waiting for the next one to be read, so a stream's reader that
 * waits for each answer before it sends more is answered.
 */
#ifndef DS_POOL_H
#define DS_POOL_H

#include <stddef.h>

/* Returns the next item or NULL at the end (called from the calling thread). */
typedef void *(*pool_next_fn)(void *ctx);
/* Processes an item on worker thread number w (0 <= w < nthreads). */
typedef void (*pool_work_fn)(void *ctx, int w, void *item);
/* Receives each processed item, in input order, as soon as it and those
 * before it are processed: with workers, on one of them (never two calls
 * at once), while the calling thread may be waiting in next. */
typedef void (*pool_done_fn)(void *ctx, void *item);

/* What an item weighs (its bytes, say), called on the calling thread as it
 * is read, outside the pool's lock. */
typedef size_t (*pool_weigh_fn)(void *ctx, void *item);

/* Runs the pipeline; with nthreads <= 1 everything runs on the calling
 * thread.  Returns 0, or -1 if threads could not be started. */
int pool_run(int nthreads, pool_next_fn next, pool_work_fn work, pool_done_fn done, void *ctx);
/* pool_run, and no item is read while the items in flight weigh budget or
 * more (weigh NULL: no bound but the count); one item is always let in,
 * so the memory held is under budget plus the heaviest item. */
int pool_run_weighed(int nthreads, pool_next_fn next, pool_work_fn work, pool_done_fn done,
		     pool_weigh_fn weigh, size_t budget, void *ctx);

#endif
