/*
 * A per-CPU timer queue: a binary min-heap of timers keyed by expiry time.
 *
 * The heap is intrusive: its links live in struct timer itself, so a heap
 * has no capacity, adding a timer needs no memory and cannot fail, and a
 * queue can hold every timer that exists.  (A fixed array of slots would
 * let guests that create many vCPUs exhaust it; a growing one would need
 * an allocation where there may be none, in interrupt or softirq
 * context.)  The shape is that of an array heap - a complete binary tree
 * whose node at position p (1-based) has children 2p and 2p + 1 - with
 * the position's binary digits giving the path from the root, so every
 * operation is O(log n) in the worst case, not only amortised.
 *
 * Timers with equal expiry times come out in no particular order.
 *
 * No locking here: the owner (the per-CPU timer code, xen/common/timer.c)
 * holds the CPU's timer lock around every call.
 */
#ifndef XEN_TIMER_HEAP_H
#define XEN_TIMER_HEAP_H

#include <xen/types.h>

struct timer_heap;

struct timer {
	s_time_t expires;		/* ns since boot; key of the heap */
	struct timer_heap *heap;	/* the heap it is queued on, or NULL */
	struct timer *parent;		/* links inside that heap */
	struct timer *child[2];
	void (*fn)(void *data);		/* run by the timer softirq, not here */
	void *data;
	/* Owned by xen/common/timer.c, under the lock of the queue of cpu. */
	unsigned int cpu;		/* whose queue it belongs to */
	bool killed;			/* set_timer() does nothing any more */
	unsigned int running;		/* softirqs in fn now (atomic) */
};

struct timer_heap {
	struct timer *root;
	unsigned int nr;		/* queued timers: positions 1..nr */
};

void timer_heap_init(struct timer_heap *h);

/* Set up an inactive timer. */
void timer_init(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu);

static inline bool timer_is_active(const struct timer *t)
{
	return t->heap != NULL;
}

/* Queue inactive timer @t at t->expires (queueing a queued one is a bug). */
void timer_heap_add(struct timer_heap *h, struct timer *t);

/*
 * Dequeue @t if it is queued (on @h; on another heap it is a bug).
 * Returns whether it was queued.
 */
bool timer_heap_remove(struct timer_heap *h, struct timer *t);

/* (Re)arm @t for @expires on @h, whether or not it is queued. */
void timer_heap_modify(struct timer_heap *h, struct timer *t,
		       s_time_t expires);

/* The earliest timer, left queued; NULL if the heap is empty. */
static inline struct timer *timer_heap_peek(const struct timer_heap *h)
{
	return h->root;
}

/*
 * Dequeue and return the earliest timer if it has expired
 * (expires <= @now), else NULL.  Call repeatedly to drain the expired
 * timers in non-decreasing expiry order.
 */
struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now);

#endif
