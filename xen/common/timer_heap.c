/*
 * Binary min-heap of timers (see xen/timer_heap.h).
 *
 * Invariants, for every queued timer t and 0 < i < nr:
 *	slots[t->heap_idx] == t
 *	slots[(i - 1) / 2]->expires <= slots[i]->expires
 * Every move of a slot goes through timer_heap_place() so heap_idx can
 * never go stale.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/timer_heap.h>

void timer_heap_init(struct timer_heap *h, struct timer **slots,
		     unsigned int cap)
{
	BUG_ON(cap > INT32_MAX);	/* heap_idx is an int */
	h->slots = slots;
	h->nr = 0;
	h->cap = cap;
}

void timer_init(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	t->expires = 0;
	t->heap_idx = -1;
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
}

static void timer_heap_place(struct timer_heap *h, unsigned int i,
			     struct timer *t)
{
	h->slots[i] = t;
	t->heap_idx = i;
}

/* Move @t, destined for slot @i, up past later parents; place it. */
static void timer_heap_sift_up(struct timer_heap *h, unsigned int i,
			       struct timer *t)
{
	while (i > 0) {
		unsigned int parent = (i - 1) / 2;

		if (h->slots[parent]->expires <= t->expires)
			break;
		timer_heap_place(h, i, h->slots[parent]);
		i = parent;
	}
	timer_heap_place(h, i, t);
}

/* Move @t, destined for slot @i, down past earlier children; place it. */
static void timer_heap_sift_down(struct timer_heap *h, unsigned int i,
				 struct timer *t)
{
	for (;;) {
		unsigned int c = 2 * i + 1;

		if (c >= h->nr)
			break;
		if (c + 1 < h->nr &&
		    h->slots[c + 1]->expires < h->slots[c]->expires)
			c++;
		if (t->expires <= h->slots[c]->expires)
			break;
		timer_heap_place(h, i, h->slots[c]);
		i = c;
	}
	timer_heap_place(h, i, t);
}

/* Put @t into slot @i, whose old occupant is gone, restoring order. */
static void timer_heap_fix(struct timer_heap *h, unsigned int i,
			   struct timer *t)
{
	if (i > 0 && t->expires < h->slots[(i - 1) / 2]->expires)
		timer_heap_sift_up(h, i, t);
	else
		timer_heap_sift_down(h, i, t);
}

int timer_heap_add(struct timer_heap *h, struct timer *t)
{
	BUG_ON(timer_is_active(t));
	if (h->nr == h->cap)
		return -ENOSPC;
	h->nr++;
	timer_heap_sift_up(h, h->nr - 1, t);
	return 0;
}

bool timer_heap_remove(struct timer_heap *h, struct timer *t)
{
	unsigned int i = t->heap_idx;
	struct timer *last;

	if (!timer_is_active(t))
		return false;
	/* Queued on another CPU's heap, or a corrupted index. */
	BUG_ON(i >= h->nr || h->slots[i] != t);
	t->heap_idx = -1;
	last = h->slots[--h->nr];
	if (last != t)	/* the last slot's timer refills the hole */
		timer_heap_fix(h, i, last);
	return true;
}

int timer_heap_modify(struct timer_heap *h, struct timer *t,
		      s_time_t expires)
{
	unsigned int i = t->heap_idx;

	if (!timer_is_active(t)) {
		if (h->nr == h->cap)
			return -ENOSPC;
		t->expires = expires;
		return timer_heap_add(h, t);
	}
	BUG_ON(i >= h->nr || h->slots[i] != t);
	t->expires = expires;
	timer_heap_fix(h, i, t);
	return 0;
}

struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now)
{
	struct timer *t = timer_heap_peek(h);

	if (!t || t->expires > now)
		return NULL;
	timer_heap_remove(h, t);
	return t;
}
