/*
 * The fake hypervisor the vLAPIC host tests (test_vlapic.c,
 * test_vlapic_xapic.c) run hvm/vlapic*.c in: one domain of NV vCPUs whose
 * vLAPICs the test drives as each vCPU would, a fake clock and a fake
 * timer queue fired by hand, and hooks that count kicks and record the
 * VPF_down changes INIT and SIPI make.  Register numbers and values are
 * written out from the SDM here rather than taken from the vLAPIC.
 */
#ifndef UNIT_VLAPIC_ENV_H
#define UNIT_VLAPIC_ENV_H

#include <stdlib.h>
#include <string.h>
#include <hvm/platform.h>
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include "unit.h"

#define NV 10				/* x2APIC IDs 0..18: clusters 0 and 1 */

static struct domain dom;
static struct vcpu vc[NV];
static struct hvm_vcpu hv[NV];
static unsigned int kicks[NV], downs[NV], ups[NV];

/* --- What the hypervisor provides --- */

static s_time_t fake_now;
static struct timer *timers[NV];
static unsigned int nr_timers;
static struct timer_heap armed;	/* t->heap == &armed: armed */

s_time_t NOW(void)
{
	return fake_now;
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	unsigned int i;

	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	t->heap = NULL;
	t->expires = 0;
	for (i = 0; i < nr_timers && timers[i] != t; i++)
		;
	if (i == nr_timers && nr_timers < NV)
		timers[nr_timers++] = t;
}

void set_timer(struct timer *t, s_time_t expires)
{
	t->expires = expires;
	t->heap = &armed;
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

/* The earliest armed timer due at @until, or NULL. */
static inline struct timer *next_due(s_time_t until)
{
	struct timer *best = NULL;

	for (unsigned int i = 0; i < nr_timers; i++) {
		struct timer *t = timers[i];

		if (t->heap && t->expires <= until &&
		    (!best || t->expires < best->expires))
			best = t;
	}
	return best;
}

/* Let time pass to @until, firing each timer at its exact expiry. */
static inline void run_to(s_time_t until)
{
	struct timer *t;

	while ((t = next_due(until))) {
		fake_now = MAX(fake_now, t->expires);
		t->heap = NULL;
		t->fn(t->data);
	}
	fake_now = until;
}

/* Jump to @until first, then fire what is due: a late timer softirq. */
static inline void jump_to(s_time_t until)
{
	struct timer *t;

	fake_now = until;
	while ((t = next_due(until))) {
		t->heap = NULL;
		t->fn(t->data);
	}
}

void vcpu_kick(struct vcpu *v)
{
	__atomic_fetch_add(&kicks[v->vcpu_id], 1, __ATOMIC_RELAXED);
}

void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit)
{
	CHECK_EQ(bit, VPF_down);
	v->pause_flags |= 1UL << bit;
	downs[v->vcpu_id]++;
}

void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit)
{
	CHECK_EQ(bit, VPF_down);
	v->pause_flags &= ~(1UL << bit);
	ups[v->vcpu_id]++;
}

/* The platform (hvm/platform.h): the EOI broadcast is recorded; the
 * IO-APIC's MMIO (in hvm/mmio.c's table) belongs to a domain without one. */
static unsigned int eois;
static u8 eoi_vec;

void hvm_platform_eoi(struct domain *d, u8 vec)
{
	CHECK(d == &dom);
	eois++;
	eoi_vec = vec;
}

static bool no_ioapic(struct vcpu *v, u64 gpa)
{
	return false;
}

const struct hvm_mmio_ops hvm_platform_ioapic_ops = {
	.name = "vIOAPIC (none)",
	.claims = no_ioapic,
};

/* hvm/mmio.c's table also lists dom0's ECAM window (hvm/vpci_io.c). */
const struct hvm_mmio_ops vpci_ecam_ops = {
	.name = "vPCI ECAM (none)",
	.claims = no_ioapic,
};

void *xzalloc_bytes(size_t size)
{
	return calloc(1, size);
}

void xfree(void *p)
{
	free(p);
}

/* --- Set-up --- */

#define MSR_APIC_BASE 0x1b
#define R_ID 0x802
#define R_VERSION 0x803
#define R_TPR 0x808
#define R_PPR 0x80a
#define R_EOI 0x80b
#define R_LDR 0x80d
#define R_SVR 0x80f
#define R_ISR0 0x810
#define R_TMR0 0x818
#define R_IRR0 0x820
#define R_ESR 0x828
#define R_LVT_CMCI 0x82f
#define R_ICR 0x830
#define R_LVT_TIMER 0x832
#define R_LVT_LINT0 0x835
#define R_LVT_ERROR 0x837
#define R_TMICT 0x838
#define R_TMCCT 0x839
#define R_TDCR 0x83e
#define R_SELF_IPI 0x83f

#define MASKED 0x10000
#define PERIODIC 0x20000
#define TSC_DEADLINE 0x40000

/* ICR: delivery mode, logical, level/assert, shorthand. */
#define DM(m) ((u64)(m) << 8)
#define LOGICAL (1ULL << 11)
#define ASSERT_ (1ULL << 14)
#define LEVEL (1ULL << 15)
#define SH(s) ((u64)(s) << 18)
#define DEST(d) ((u64)(d) << 32)

static inline void setup(void)
{
	for (unsigned int i = 0; i < NV; i++)
		if (vc[i].hvm && vc[i].hvm->vlapic)
			vlapic_destroy(&vc[i]);
	memset(&dom, 0, sizeof(dom));
	memset(vc, 0, sizeof(vc));
	memset(hv, 0, sizeof(hv));
	memset(kicks, 0, sizeof(kicks));
	memset(downs, 0, sizeof(downs));
	memset(ups, 0, sizeof(ups));
	nr_timers = 0;
	fake_now = 1000000;
	dom.max_vcpus = NV;
	for (unsigned int i = 0; i < NV; i++) {
		vc[i].vcpu_id = i;
		vc[i].domain = &dom;
		vc[i].hvm = &hv[i];
		/* As domain.c: all down until started; vCPU 0 is started. */
		vc[i].pause_flags = i ? 1UL << VPF_down : 0;
		dom.vcpu[i] = &vc[i];
		CHECK_EQ(vlapic_init(&vc[i]), 0);
	}
}

static inline u64 rd(unsigned int i, u32 msr)
{
	u64 val = 0xdeadbeef;

	CHECK_EQ(vlapic_msr_read(&vc[i], msr, &val), 0);
	return val;
}

static inline void wr(unsigned int i, u32 msr, u64 val)
{
	CHECK_EQ(vlapic_msr_write(&vc[i], msr, val), 0);
}

static inline bool irr_has(unsigned int i, u8 vec)
{
	return rd(i, R_IRR0 + vec / 32) & (1U << (vec % 32));
}

static inline bool isr_has(unsigned int i, u8 vec)
{
	return rd(i, R_ISR0 + vec / 32) & (1U << (vec % 32));
}

static inline void sw_enable(unsigned int i)
{
	wr(i, R_SVR, 0x1ff);
}

/* Take and complete every pending interrupt of vCPU @i; how many. */
static inline unsigned int drain(unsigned int i)
{
	unsigned int n = 0;
	int vec;

	while ((vec = vlapic_pending_irq(&vc[i])) >= 0) {
		vlapic_ack_irq(&vc[i], vec);
		wr(i, R_EOI, 0);
		n++;
	}
	return n;
}


/* The APIC timer's input: a 100 MHz bus, 10 ns a tick (Xen 4.17's
 * APIC_BUS_CYCLE_NS), before the divider. */
#define TICK 10
#define TICKS(n) ((s_time_t)(n) * TICK)

#endif
