/*
 * A per-CPU timer queue: a binary min-heap of struct timer pointers keyed
 * by expiry time.  Each timer records its slot in the heap, so removing or
 * re-arming any timer is O(log n) without a search.
 *
 * The heap lives in an array the caller provides (no allocator); adding to
 * a full heap fails with -ENOSPC and changes nothing.  Timers with equal
 * expiry times come out in no particular order.
 *
 * No locking here: the owner (the per-CPU timer code) holds the CPU's
 * timer lock around every call.
 */
#ifndef XEN_TIMER_HEAP_H
#define XEN_TIMER_HEAP_H

#include <xen/types.h>

struct timer {
	s_time_t expires;		/* ns since boot; key of the heap */
	int heap_idx;			/* slot in its heap, -1 if not queued */
	void (*fn)(void *data);		/* run by the timer softirq, not here */
	void *data;
	unsigned int cpu;		/* whose heap it is queued on */
};

struct timer_heap {
	struct timer **slots;		/* [0, nr) form the heap */
	unsigned int nr, cap;
};

void timer_heap_init(struct timer_heap *h, struct timer **slots,
		     unsigned int cap);

/* Set up an inactive timer. */
void timer_init(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu);

static inline bool timer_is_active(const struct timer *t)
{
	return t->heap_idx >= 0;
}

/* Queue inactive timer @t at t->expires.  Returns 0 or -ENOSPC. */
int timer_heap_add(struct timer_heap *h, struct timer *t);

/*
 * Dequeue @t if it is queued (on @h; anything else is a bug).  Returns
 * whether it was queued.
 */
bool timer_heap_remove(struct timer_heap *h, struct timer *t);

/*
 * (Re)arm @t for @expires, whether or not it is queued.  Returns 0, or
 * -ENOSPC (only possible for an inactive timer) with @t unchanged.
 */
int timer_heap_modify(struct timer_heap *h, struct timer *t,
		      s_time_t expires);

/* The earliest timer, left queued; NULL if the heap is empty. */
static inline struct timer *timer_heap_peek(const struct timer_heap *h)
{
	return h->nr ? h->slots[0] : NULL;
}

/*
 * Dequeue and return the earliest timer if it has expired
 * (expires <= @now), else NULL.  Call repeatedly to drain the expired
 * timers in non-decreasing expiry order.
 */
struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now);

#endif
