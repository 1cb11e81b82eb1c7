/* Host tests of the intrusive timer min-heap (xen/common/timer_heap.c). */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/timer_heap.h>
#include "unit.h"

#define NTIMERS 64

static struct timer timers[NTIMERS];
static struct timer_heap heap;

static void nop(void *data)
{
}

static void setup(void)
{
	timer_heap_init(&heap);
	for (unsigned int i = 0; i < NTIMERS; i++)
		timer_init(&timers[i], nop, &timers[i], 0);
}

/*
 * Check the subtree of @t, at position @pos (1-based) under @parent:
 * links, heap order, membership.  Returns the number of nodes, or -1.
 */
static long subtree_ok(const struct timer_heap *h, const struct timer *t,
		       const struct timer *parent, unsigned long pos)
{
	long l, r;

	if (!t)
		return 0;
	if (pos > h->nr || t->heap != h || t->parent != parent ||
	    (parent && parent->expires > t->expires))
		return -1;
	l = subtree_ok(h, t->child[0], t, 2 * pos);
	r = subtree_ok(h, t->child[1], t, 2 * pos + 1);
	return l < 0 || r < 0 ? -1 : 1 + l + r;
}

/*
 * The heap property, a complete tree (nr distinct positions, all <= nr),
 * consistent links, and exactly the timers of our array marked active are
 * in the heap.
 */
static bool heap_ok_n(const struct timer_heap *h, const struct timer *ts,
		      unsigned int n)
{
	unsigned int active = 0;

	if (subtree_ok(h, h->root, NULL, 1) != (long)h->nr)
		return false;
	for (unsigned int i = 0; i < n; i++) {
		if (ts[i].heap && ts[i].heap != h)
			return false;
		if (!ts[i].heap && (ts[i].parent || ts[i].child[0] ||
				    ts[i].child[1]))
			return false;
		active += timer_is_active(&ts[i]);
	}
	return active == h->nr;
}

static bool heap_ok(const struct timer_heap *h)
{
	return heap_ok_n(h, timers, NTIMERS);
}

static void arm(struct timer *t, s_time_t when)
{
	t->expires = when;
	timer_heap_add(&heap, t);
	CHECK(heap_ok(&heap));
}

/* The node at position @p (1-based), found the slow way (breadth-first). */
static struct timer *node_at(unsigned int p)
{
	struct timer *queue[NTIMERS + 1];
	unsigned int head = 0, tail = 0;

	if (heap.root)
		queue[tail++] = heap.root;
	while (head < tail) {
		struct timer *t = queue[head++];

		if (head == p)
			return t;
		for (int c = 0; c < 2; c++)
			if (t->child[c] && tail < ARRAY_SIZE(queue))
				queue[tail++] = t->child[c];
	}
	return NULL;
}

TEST(test_basic)
{
	setup();
	CHECK(timer_heap_peek(&heap) == NULL);
	CHECK(timer_heap_pop_expired(&heap, INT64_MAX) == NULL);
	CHECK(!timer_is_active(&timers[0]));

	arm(&timers[0], 300);
	arm(&timers[1], 100);
	arm(&timers[2], 200);
	arm(&timers[3], 100);
	CHECK(timer_is_active(&timers[0]));
	CHECK(timer_heap_peek(&heap)->expires == 100);

	/* Nothing is due before 100; then both 100s, then 200. */
	CHECK(timer_heap_pop_expired(&heap, 99) == NULL);
	CHECK(timer_heap_pop_expired(&heap, 100)->expires == 100);
	CHECK(timer_heap_pop_expired(&heap, 100)->expires == 100);
	CHECK(timer_heap_pop_expired(&heap, 100) == NULL);
	CHECK(timer_heap_pop_expired(&heap, 250) == &timers[2]);
	CHECK(!timer_is_active(&timers[2]));
	CHECK(heap_ok(&heap));
	CHECK_EQ(heap.nr, 1);

	/* Modify: earlier, later, and re-arming an inactive timer. */
	timer_heap_modify(&heap, &timers[2], 400);
	timer_heap_modify(&heap, &timers[0], 500);
	CHECK(timer_heap_peek(&heap) == &timers[2]);
	timer_heap_modify(&heap, &timers[0], -7);	/* negative ok */
	CHECK(timer_heap_peek(&heap) == &timers[0]);
	CHECK(heap_ok(&heap));

	CHECK(timer_heap_remove(&heap, &timers[0]));
	CHECK(!timer_heap_remove(&heap, &timers[0]));	/* already inactive */
	CHECK(timer_heap_peek(&heap) == &timers[2]);
	CHECK(timer_heap_remove(&heap, &timers[2]));
	CHECK(timer_heap_peek(&heap) == NULL);
	CHECK(heap_ok(&heap));
}

/* Remove the first, last and a middle slot of a 15-timer heap. */
TEST(test_remove_positions)
{
	static const int where[] = { 0, 14, 6, 3 };

	for (size_t w = 0; w < ARRAY_SIZE(where); w++) {
		struct timer *t;
		s_time_t prev = INT64_MIN;
		unsigned int n = 0;

		setup();
		for (int i = 0; i < 15; i++)
			arm(&timers[i], (i * 37) % 15 * 10);
		t = node_at(where[w] + 1);
		CHECK(timer_heap_remove(&heap, t));
		CHECK(!timer_is_active(t));
		CHECK_EQ(heap.nr, 14);
		CHECK(heap_ok(&heap));
		while ((t = timer_heap_pop_expired(&heap, INT64_MAX))) {
			CHECK(t->expires >= prev);
			prev = t->expires;
			n++;
			CHECK(heap_ok(&heap));
		}
		CHECK_EQ(n, 14);
	}

	/* The only element, and the element that is also the last slot. */
	setup();
	arm(&timers[0], 1);
	CHECK(timer_heap_remove(&heap, &timers[0]));
	CHECK_EQ(heap.nr, 0);
	CHECK(heap.root == NULL);
	arm(&timers[0], 1);
	arm(&timers[1], 2);
	CHECK(timer_heap_remove(&heap, &timers[1]));
	CHECK(heap.nr == 1 && heap.root == &timers[0]);
	CHECK(heap_ok(&heap));
	/* The root whose only child is the last node; a parent of the last. */
	arm(&timers[1], 0);
	CHECK(heap.root == &timers[1]);
	CHECK(timer_heap_remove(&heap, &timers[1]));
	CHECK(heap.root == &timers[0] && heap_ok(&heap));
	arm(&timers[1], 5);
	arm(&timers[2], 6);
	arm(&timers[3], 7);		/* position 4: child of timers[1] */
	CHECK(node_at(4) == &timers[3]);
	CHECK(timer_heap_remove(&heap, &timers[1]));
	CHECK(heap_ok(&heap) && heap.nr == 3);
}

/* ---- Randomised against a sorted shadow array --------------------------- */

static unsigned long long rng_state = 0x853c49e6748fea9bULL;

static unsigned int rng(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

/* Expiry times of the queued timers, kept sorted. */
static s_time_t shadow[NTIMERS];
static unsigned int shadow_nr;

static void shadow_insert(s_time_t v)
{
	unsigned int i = shadow_nr++;

	for (; i > 0 && shadow[i - 1] > v; i--)
		shadow[i] = shadow[i - 1];
	shadow[i] = v;
}

static void shadow_delete(s_time_t v)
{
	unsigned int i = 0;

	while (i < shadow_nr && shadow[i] != v)
		i++;
	CHECK(i < shadow_nr);
	if (i == shadow_nr)
		return;
	memmove(&shadow[i], &shadow[i + 1], (--shadow_nr - i) * sizeof(v));
}

/* One random operation on the first @n timers of our array. */
static void random_step(unsigned int n, s_time_t *now)
{
	struct timer *t = &timers[rng(n)];
	s_time_t when = *now + rng(1000);	/* many equal keys */
	bool was_active = timer_is_active(t);
	unsigned int op = rng(100);

	if (op < 35) {
		if (was_active)
			return;
		t->expires = when;
		timer_heap_add(&heap, t);
		shadow_insert(when);
	} else if (op < 55) {
		CHECK_EQ(timer_heap_remove(&heap, t), was_active);
		if (was_active)
			shadow_delete(t->expires);
	} else if (op < 85) {
		s_time_t old = t->expires;

		timer_heap_modify(&heap, t, when);
		if (was_active)
			shadow_delete(old);
		shadow_insert(when);
	} else {
		*now += rng(400);
		while ((t = timer_heap_pop_expired(&heap, *now))) {
			CHECK(shadow_nr > 0 && t->expires == shadow[0]);
			CHECK(t->expires <= *now && !timer_is_active(t));
			shadow_delete(t->expires);
		}
		CHECK(!shadow_nr || shadow[0] > *now);
	}
}

TEST(test_random_vs_shadow)
{
	static const unsigned int sizes[] = { 1, 2, 7, 40, NTIMERS };
	s_time_t now = -5000;

	for (size_t c = 0; c < ARRAY_SIZE(sizes); c++) {
		setup();
		shadow_nr = 0;
		for (int step = 0; step < 20000 && !unit_failures; step++) {
			random_step(sizes[c], &now);
			CHECK(heap_ok(&heap));
			CHECK_EQ(heap.nr, shadow_nr);
			CHECK(shadow_nr ? timer_heap_peek(&heap)->expires ==
					  shadow[0] :
					  timer_heap_peek(&heap) == NULL);
		}
	}
}

/*
 * No capacity: far more timers than the 256 slots a CPU's queue once had
 * (guests with many vCPUs filled them and panicked the host) all queue,
 * and come out in order.
 */
TEST(test_many_timers)
{
	enum { MANY = 20000 };
	struct timer *many = calloc(MANY, sizeof(*many));
	struct timer_heap h;
	s_time_t prev = INT64_MIN;
	unsigned int n = 0;
	struct timer *t;

	CHECK(many != NULL);
	if (!many)
		return;
	timer_heap_init(&h);
	for (unsigned int i = 0; i < MANY; i++) {
		timer_init(&many[i], nop, NULL, 0);
		many[i].expires = rng(5000);
		timer_heap_add(&h, &many[i]);
	}
	CHECK_EQ(h.nr, MANY);
	CHECK(heap_ok_n(&h, many, MANY));
	/* Take out every third, re-arm every fifth, then drain. */
	for (unsigned int i = 0; i < MANY; i += 3)
		CHECK(timer_heap_remove(&h, &many[i]));
	for (unsigned int i = 0; i < MANY; i += 5)
		timer_heap_modify(&h, &many[i], rng(5000) - 100);
	CHECK(heap_ok_n(&h, many, MANY));
	while ((t = timer_heap_pop_expired(&h, INT64_MAX))) {
		CHECK(t->expires >= prev);
		prev = t->expires;
		n++;
	}
	CHECK_EQ(n, MANY - (MANY + 2) / 3 + (MANY + 14) / 15);
	CHECK(h.root == NULL && h.nr == 0);
	free(many);
}

/* ---- Misuse is a hypervisor bug: BUG_ON() -> panic() -> abort() -------- */

static struct timer_heap other;

static void do_add_again(void)
{
	timer_heap_add(&heap, &timers[0]);
}

static void do_add_to_other(void)
{
	timer_heap_add(&other, &timers[0]);
}

static void do_remove_from_other(void)
{
	timer_heap_remove(&other, &timers[0]);
}

static void do_modify_on_other(void)
{
	timer_heap_modify(&other, &timers[0], 5);
}

static void do_remove_legit(void)
{
	timer_heap_remove(&heap, &timers[0]);
}

TEST(test_misuse_is_caught)
{
	static struct timer stranger;

	setup();
	timer_heap_init(&other);
	timer_init(&stranger, nop, NULL, 1);
	stranger.expires = 30;
	timer_heap_add(&other, &stranger);
	arm(&timers[0], 10);
	arm(&timers[1], 20);
	CHECK(heap.root == &timers[0]);

	CHECK(!unit_dies(do_remove_legit));		/* the control case */
	CHECK(unit_dies(do_add_again));
	CHECK(unit_dies(do_add_to_other));
	CHECK(unit_dies(do_remove_from_other));
	CHECK(unit_dies(do_modify_on_other));
	CHECK(heap_ok(&heap));
	CHECK(other.root == &stranger && other.nr == 1);
}

UNIT_MAIN(test_basic, test_remove_positions, test_random_vs_shadow,
	  test_many_timers, test_misuse_is_caught)
