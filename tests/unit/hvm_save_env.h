/*
 * What the HVM save-image host tests (test_hvm_save.c, test_hvm_save_dev.c)
 * share: the hypervisor services the real devices behind hvm/save.c need
 * (a fake clock and timer queue fired by hand, vcpu_kick() counted, the
 * pause flags, the heap), and images built by hand.  Both link the whole
 * save path: hvm/save*.c, the platform (hvm/platform*.c, hvm/vdev/) and
 * the vLAPIC (hvm/vlapic*.c).
 */
#ifndef UNIT_HVM_SAVE_ENV_H
#define UNIT_HVM_SAVE_ENV_H

#include <string.h>
#include <hvm/save.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include "fake_xmalloc.h"
#include "unit.h"

#define NV 2
#define MAX_TIMERS 16

/* --- The clock and the timers --- */

static s_time_t fake_now = 1000000;
static struct timer *timers[MAX_TIMERS];
static unsigned int nr_timers;
static struct timer_heap armed_heap;	/* t->heap == &armed_heap: armed */

s_time_t NOW(void)
{
	return fake_now;
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	unsigned int i;

	*t = (struct timer){ .fn = fn, .data = data, .cpu = cpu };
	for (i = 0; i < nr_timers && timers[i] != t; i++)
		;
	if (i == nr_timers && nr_timers < MAX_TIMERS)
		timers[nr_timers++] = t;
}

void set_timer(struct timer *t, s_time_t expires)
{
	t->expires = expires;
	t->heap = &armed_heap;
}

void stop_timer(struct timer *t)
{
	t->heap = NULL;
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
	t->cpu = cpu;
}

void kill_timer(struct timer *t)
{
	stop_timer(t);
	for (unsigned int i = 0; i < nr_timers; i++)
		if (timers[i] == t)
			timers[i] = timers[--nr_timers];
}

static inline bool timer_armed(const struct timer *t)
{
	return t->heap == &armed_heap;
}

/* Let time pass to @until, firing each timer at its exact expiry. */
static inline void run_to(s_time_t until)
{
	for (;;) {
		struct timer *t = NULL;

		for (unsigned int i = 0; i < nr_timers; i++)
			if (timer_armed(timers[i]) &&
			    timers[i]->expires <= until &&
			    (!t || timers[i]->expires < t->expires))
				t = timers[i];
		if (!t)
			break;
		fake_now = MAX(fake_now, t->expires);
		t->heap = NULL;
		t->fn(t->data);
	}
	fake_now = until;
}

/* --- vCPUs --- */

static unsigned int kicks[NV];

void vcpu_kick(struct vcpu *v)
{
	kicks[v->vcpu_id]++;
	vcpu_work_set(v, VCPU_WORK_IRQ);
}

void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit)
{
	v->pause_flags |= 1UL << bit;
}

void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit)
{
	v->pause_flags &= ~(1UL << bit);
}

/* --- Images built by hand --- */

struct image {
	u8 b[32768];
	size_t len;
};

static inline void put(struct image *im, u16 type, u16 inst, u32 len,
		       const void *body, u32 body_len)
{
	struct hvm_save_descriptor d = { type, inst, len };

	memcpy(im->b + im->len, &d, sizeof(d));
	if (body_len)
		memcpy(im->b + im->len + sizeof(d), body, body_len);
	im->len += sizeof(d) + body_len;
}

static inline void put_header(struct image *im, const struct hvm_save_env *e)
{
	struct hvm_save_header h = { .magic = HVM_FILE_MAGIC,
		.version = HVM_FILE_VERSION, .changeset = ~0ULL,
		.cpuid = e->cpuid1_eax, .gtsc_khz = e->gtsc_khz };

	put(im, 1, 0, sizeof(h), &h, sizeof(h));
}

static inline void put_end(struct image *im)
{
	put(im, 0, 0, 0, NULL, 0);
}

/* HEADER + one record (@len bytes of @body) + END. */
static inline void one_record(struct image *im, const struct hvm_save_env *e,
			      u16 type, u16 inst, const void *body, u32 len)
{
	im->len = 0;
	put_header(im, e);
	put(im, type, inst, len, body, len);
	put_end(im);
}

/* The body of record @type/@inst in an image, or NULL. */
static inline u8 *find_record(u8 *b, size_t len, u16 type, u16 inst)
{
	struct hvm_save_descriptor d;

	for (size_t off = 0; off + sizeof(d) <= len;
	     off += sizeof(d) + d.length) {
		memcpy(&d, b + off, sizeof(d));
		if (d.typecode == type && d.instance == inst)
			return b + off + sizeof(d);
		if (!d.typecode)
			break;
	}
	return NULL;
}

#endif
