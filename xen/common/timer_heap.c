/*
 * Intrusive binary min-heap of timers (see xen/timer_heap.h).
 *
 * Invariants, for every timer t queued on heap h:
 *	t->heap == h, and t's links make h a complete binary tree of h->nr
 *	nodes rooted at h->root (t->parent->child[0 or 1] == t);
 *	t->parent == NULL or t->parent->expires <= t->expires.
 * The node at position p (1-based, as in an array heap) is found by
 * walking from the root along the binary digits of p below its leading 1:
 * 0 is the left child, 1 the right.  Adding appends at position nr + 1;
 * removing moves the node at position nr into the hole.  Nodes trade
 * places by relinking (timer_heap_swap()), never by copying, so a timer's
 * address is its identity and nothing points at a stale slot.
 */
#include <xen/lib.h>
#include <xen/timer_heap.h>

void timer_heap_init(struct timer_heap *h)
{
	h->root = NULL;
	h->nr = 0;
}

void timer_init(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	*t = (struct timer){ .fn = fn, .data = data, .cpu = cpu };
}

/* The node at position @p, 1 <= p <= h->nr. */
static struct timer *timer_heap_at(const struct timer_heap *h, unsigned int p)
{
	struct timer *n = h->root;

	for (int b = 30 - __builtin_clz(p); b >= 0; b--)
		n = n->child[(p >> b) & 1];
	return n;
}

/* Make whatever pointed at @old (its parent's link, or the root) point at
 * @new.  @parent is old's parent. */
static void timer_heap_relink(struct timer_heap *h, struct timer *parent,
			      struct timer *old, struct timer *new)
{
	if (!parent)
		h->root = new;
	else
		parent->child[parent->child[1] == old] = new;
}

/* Exchange parent @a and its child @b in the tree. */
static void timer_heap_swap(struct timer_heap *h, struct timer *a,
			    struct timer *b)
{
	unsigned int side = a->child[1] == b;
	struct timer *sibling = a->child[!side];
	struct timer *c0 = b->child[0], *c1 = b->child[1];

	timer_heap_relink(h, a->parent, a, b);
	b->parent = a->parent;
	b->child[side] = a;
	b->child[!side] = sibling;
	if (sibling)
		sibling->parent = b;
	a->parent = b;
	a->child[0] = c0;
	a->child[1] = c1;
	if (c0)
		c0->parent = a;
	if (c1)
		c1->parent = a;
}

static void timer_heap_sift_up(struct timer_heap *h, struct timer *t)
{
	while (t->parent && t->expires < t->parent->expires)
		timer_heap_swap(h, t->parent, t);
}

static void timer_heap_sift_down(struct timer_heap *h, struct timer *t)
{
	for (;;) {
		struct timer *c = t->child[0];

		if (!c)
			break;	/* complete tree: no left child, no right one */
		if (t->child[1] && t->child[1]->expires < c->expires)
			c = t->child[1];
		if (t->expires <= c->expires)
			break;
		timer_heap_swap(h, t, c);
	}
}

/* @t's key changed, or it was just put in a hole: restore the order. */
static void timer_heap_fix(struct timer_heap *h, struct timer *t)
{
	if (t->parent && t->expires < t->parent->expires)
		timer_heap_sift_up(h, t);
	else
		timer_heap_sift_down(h, t);
}

void timer_heap_add(struct timer_heap *h, struct timer *t)
{
	struct timer *parent;

	BUG_ON(timer_is_active(t));
	BUG_ON(h->nr == UINT32_MAX);
	t->heap = h;
	t->child[0] = t->child[1] = NULL;
	if (++h->nr == 1) {
		t->parent = NULL;
		h->root = t;
		return;
	}
	parent = timer_heap_at(h, h->nr >> 1);
	parent->child[h->nr & 1] = t;
	t->parent = parent;
	timer_heap_sift_up(h, t);
}

bool timer_heap_remove(struct timer_heap *h, struct timer *t)
{
	struct timer *last;

	if (!timer_is_active(t))
		return false;
	BUG_ON(t->heap != h);	/* queued on another CPU's heap */
	last = timer_heap_at(h, h->nr);
	timer_heap_relink(h, last->parent, last, NULL);
	h->nr--;
	if (last != t) {	/* the last node refills the hole */
		last->parent = t->parent;
		last->child[0] = t->child[0];
		last->child[1] = t->child[1];
		timer_heap_relink(h, t->parent, t, last);
		if (last->child[0])
			last->child[0]->parent = last;
		if (last->child[1])
			last->child[1]->parent = last;
		timer_heap_fix(h, last);
	}
	t->heap = NULL;
	t->parent = t->child[0] = t->child[1] = NULL;
	return true;
}

void timer_heap_modify(struct timer_heap *h, struct timer *t,
		       s_time_t expires)
{
	if (!timer_is_active(t)) {
		t->expires = expires;
		timer_heap_add(h, t);
		return;
	}
	BUG_ON(t->heap != h);
	t->expires = expires;
	timer_heap_fix(h, t);
}

struct timer *timer_heap_pop_expired(struct timer_heap *h, s_time_t now)
{
	struct timer *t = timer_heap_peek(h);

	if (!t || t->expires > now)
		return NULL;
	timer_heap_remove(h, t);
	return t;
}
