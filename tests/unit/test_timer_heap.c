/* Host tests of the timer min-heap (xen/common/timer_heap.c). */
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
static struct timer *slots[NTIMERS];
static struct timer_heap heap;

static void nop(void *data)
{
}

static void setup(unsigned int cap)
{
	timer_heap_init(&heap, slots, cap);
	for (unsigned int i = 0; i < NTIMERS; i++)
		timer_init(&timers[i], nop, &timers[i], 0);
}

/*
 * The heap property, index consistency, and that exactly the timers marked
 * active in our array are in the heap.
 */
static bool heap_ok(const struct timer_heap *h)
{
	unsigned int active = 0;

	for (unsigned int i = 0; i < h->nr; i++) {
		if (h->slots[i]->heap_idx != (int)i)
			return false;
		if (i && h->slots[(i - 1) / 2]->expires > h->slots[i]->expires)
			return false;
	}
	for (unsigned int i = 0; i < NTIMERS; i++) {
		int idx = timers[i].heap_idx;

		if (idx < -1 || idx >= (int)h->nr)
			return false;
		if (idx >= 0 && h->slots[idx] != &timers[i])
			return false;
		active += idx >= 0;
	}
	return active == h->nr;
}

static void arm(struct timer *t, s_time_t when)
{
	t->expires = when;
	CHECK_EQ(timer_heap_add(&heap, t), 0);
	CHECK(heap_ok(&heap));
}

TEST(test_basic)
{
	setup(4);
	CHECK(timer_heap_peek(&heap) == NULL);
	CHECK(timer_heap_pop_expired(&heap, INT64_MAX) == NULL);
	CHECK(!timer_is_active(&timers[0]));

	arm(&timers[0], 300);
	arm(&timers[1], 100);
	arm(&timers[2], 200);
	arm(&timers[3], 100);
	CHECK(timer_is_active(&timers[0]));
	CHECK(timer_heap_peek(&heap)->expires == 100);

	timers[4].expires = 50;
	CHECK_EQ(timer_heap_add(&heap, &timers[4]), -ENOSPC);
	CHECK(!timer_is_active(&timers[4]));
	CHECK_EQ(timer_heap_modify(&heap, &timers[4], 5), -ENOSPC);
	CHECK(timers[4].expires == 50);
	CHECK(heap_ok(&heap));

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
	CHECK_EQ(timer_heap_modify(&heap, &timers[2], 400), 0);
	CHECK_EQ(timer_heap_modify(&heap, &timers[0], 500), 0);
	CHECK(timer_heap_peek(&heap) == &timers[2]);
	CHECK_EQ(timer_heap_modify(&heap, &timers[0], -7), 0);	/* negative ok */
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

		setup(NTIMERS);
		for (int i = 0; i < 15; i++)
			arm(&timers[i], (i * 37) % 15 * 10);
		t = heap.slots[where[w]];
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
	setup(2);
	arm(&timers[0], 1);
	CHECK(timer_heap_remove(&heap, &timers[0]));
	CHECK_EQ(heap.nr, 0);
	arm(&timers[0], 1);
	arm(&timers[1], 2);
	CHECK(timer_heap_remove(&heap, &timers[1]));
	CHECK(heap.nr == 1 && heap.slots[0] == &timers[0]);
	CHECK(heap_ok(&heap));
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

static void random_step(unsigned int cap, s_time_t *now)
{
	struct timer *t = &timers[rng(NTIMERS)];
	s_time_t when = *now + rng(1000);	/* many equal keys */
	bool was_active = timer_is_active(t);
	unsigned int op = rng(100);

	if (op < 35) {
		if (was_active)
			return;
		t->expires = when;
		CHECK_EQ(timer_heap_add(&heap, t), shadow_nr == cap ? -ENOSPC : 0);
		if (timer_is_active(t))
			shadow_insert(when);
	} else if (op < 55) {
		CHECK_EQ(timer_heap_remove(&heap, t), was_active);
		if (was_active)
			shadow_delete(t->expires);
	} else if (op < 85) {
		s_time_t old = t->expires;
		int rc = timer_heap_modify(&heap, t, when);

		CHECK_EQ(rc, !was_active && shadow_nr == cap ? -ENOSPC : 0);
		if (rc)
			return;
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
	static const unsigned int caps[] = { 1, 7, 40, NTIMERS };
	s_time_t now = -5000;

	for (size_t c = 0; c < ARRAY_SIZE(caps); c++) {
		setup(caps[c]);
		shadow_nr = 0;
		for (int step = 0; step < 20000 && !unit_failures; step++) {
			random_step(caps[c], &now);
			CHECK(heap_ok(&heap));
			CHECK_EQ(heap.nr, shadow_nr);
			CHECK(shadow_nr ? timer_heap_peek(&heap)->expires ==
					  shadow[0] :
					  timer_heap_peek(&heap) == NULL);
		}
	}
}

/* ---- Misuse is a hypervisor bug: BUG_ON() -> panic() -> abort() -------- */

static struct timer_heap other;
static struct timer *other_slots[4];


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

	setup(4);
	timer_heap_init(&other, other_slots, ARRAY_SIZE(other_slots));
	timer_init(&stranger, nop, NULL, 1);
	stranger.expires = 30;
	CHECK_EQ(timer_heap_add(&other, &stranger), 0);
	arm(&timers[0], 10);
	arm(&timers[1], 20);
	CHECK_EQ(timers[0].heap_idx, 0);

	CHECK(!unit_dies(do_remove_legit));		/* the control case */
	CHECK(unit_dies(do_add_again));
	CHECK(unit_dies(do_add_to_other));
	CHECK(unit_dies(do_remove_from_other));	/* slot 0 there is stranger's */
	CHECK(unit_dies(do_modify_on_other));
	timers[0].heap_idx = 2;			/* past the other heap's nr */
	CHECK(unit_dies(do_remove_from_other));
	timers[0].heap_idx = 0;
	CHECK(heap_ok(&heap));
}

UNIT_MAIN(test_basic, test_remove_positions, test_random_vs_shadow,
	  test_misuse_is_caught)
