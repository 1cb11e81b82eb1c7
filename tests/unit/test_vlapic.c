/*
 * Host tests of the virtual local APIC (hvm/vlapic.c).  The test plays
 * every vCPU of one domain: it calls the MSR interface as each vCPU would,
 * and stands in for the rest of the hypervisor with a fake clock, a fake
 * timer queue it fires by hand, and hooks that count kicks and record the
 * VPF_down changes INIT and SIPI make.  Register numbers and values are
 * written out from the SDM here rather than taken from vlapic.c.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
static struct timer *next_due(s_time_t until)
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
static void run_to(s_time_t until)
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
static void jump_to(s_time_t until)
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

/* The EOI broadcast to the IO-APIC (hvm/platform.h). */
static unsigned int eois;
static u8 eoi_vec;

void hvm_platform_eoi(struct domain *d, u8 vec)
{
	CHECK(d == &dom);
	eois++;
	eoi_vec = vec;
}

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

static void setup(void)
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

static u64 rd(unsigned int i, u32 msr)
{
	u64 val = 0xdeadbeef;

	CHECK_EQ(vlapic_msr_read(&vc[i], msr, &val), 0);
	return val;
}

static void wr(unsigned int i, u32 msr, u64 val)
{
	CHECK_EQ(vlapic_msr_write(&vc[i], msr, val), 0);
}

static bool irr_has(unsigned int i, u8 vec)
{
	return rd(i, R_IRR0 + vec / 32) & (1U << (vec % 32));
}

static bool isr_has(unsigned int i, u8 vec)
{
	return rd(i, R_ISR0 + vec / 32) & (1U << (vec % 32));
}

static void sw_enable(unsigned int i)
{
	wr(i, R_SVR, 0x1ff);
}

/* Take and complete every pending interrupt of vCPU @i; how many. */
static unsigned int drain(unsigned int i)
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

/* --- Tests --- */

TEST(test_reset_values)
{
	setup();
	CHECK_EQ(vlapic_base_msr(&vc[0]), 0xfee00d00);	/* EN|EXTD|BSP */
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00c00);
	for (unsigned int i = 0; i < NV; i++) {
		u32 id = 2 * i;

		CHECK_EQ(rd(i, R_ID), id);
		CHECK_EQ(rd(i, R_LDR), ((id >> 4) << 16) | (1U << (id & 15)));
	}
	CHECK_EQ(rd(9, R_LDR), 0x10004);		/* ID 18 */
	CHECK_EQ(rd(0, R_VERSION), 0x50014);
	CHECK_EQ(rd(0, R_TPR), 0);
	CHECK_EQ(rd(0, R_PPR), 0);
	CHECK_EQ(rd(0, R_SVR), 0xff);
	CHECK_EQ(rd(0, R_ESR), 0);
	CHECK_EQ(rd(0, R_ICR), 0);
	CHECK_EQ(rd(0, R_LVT_CMCI), MASKED);
	for (u32 r = R_LVT_TIMER; r <= R_LVT_ERROR; r++)
		CHECK_EQ(rd(0, r), MASKED);
	for (u32 r = 0; r < 8; r++) {
		CHECK_EQ(rd(0, R_ISR0 + r), 0);
		CHECK_EQ(rd(0, R_TMR0 + r), 0);
		CHECK_EQ(rd(0, R_IRR0 + r), 0);
	}
	CHECK_EQ(rd(0, R_TMICT), 0);
	CHECK_EQ(rd(0, R_TMCCT), 0);
	CHECK_EQ(rd(0, R_TDCR), 0);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	CHECK(!vlapic_take_nmi(&vc[0]));
}

TEST(test_bad_accesses)
{
	static const u32 ro[] = { R_ID, R_VERSION, R_PPR, R_LDR, R_ISR0,
		R_ISR0 + 7, R_TMR0, R_IRR0, R_IRR0 + 7, R_TMCCT };
	static const u32 reserved[] = { 0x800, 0x801, 0x804, 0x807, 0x809,
		0x80c, 0x80e, 0x829, 0x82e, 0x831, 0x83a, 0x83d, 0x840, 0x8ff };
	u64 val;

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(ro); i++)
		CHECK_EQ(vlapic_msr_write(&vc[0], ro[i], 0), -EINVAL);
	for (unsigned int i = 0; i < ARRAY_SIZE(reserved); i++) {
		CHECK_EQ(vlapic_msr_read(&vc[0], reserved[i], &val), -EINVAL);
		CHECK_EQ(vlapic_msr_write(&vc[0], reserved[i], 0), -EINVAL);
	}
	/* Write-only registers. */
	CHECK_EQ(vlapic_msr_read(&vc[0], R_EOI, &val), -EINVAL);
	CHECK_EQ(vlapic_msr_read(&vc[0], R_SELF_IPI, &val), -EINVAL);
	/* Reserved bits. */
	CHECK_EQ(vlapic_msr_write(&vc[0], R_EOI, 1), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_ESR, 1), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_TPR, 0x100), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_SVR, 0x1000 | 0x1ff), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_SVR, 1ULL << 32), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_ICR, 1U << 12), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_ICR, 1U << 20), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_TDCR, 4), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_TMICT, 1ULL << 32), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_SELF_IPI, 0x100), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_LVT_TIMER, 3U << 17), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_LVT_TIMER, 0x700), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_LVT_ERROR, 0x400), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_LVT_LINT0, 1U << 17), -EINVAL);
	/* Nothing of that changed anything. */
	CHECK_EQ(rd(0, R_TPR), 0);
	CHECK_EQ(rd(0, R_SVR), 0xff);
	CHECK_EQ(rd(0, R_ICR), 0);
	CHECK_EQ(rd(0, R_LVT_TIMER), MASKED);
	/* Accepted values, and the read-only LVT bits are not kept. */
	sw_enable(0);
	wr(0, R_LVT_LINT0, 0x700 | 0xe000 | 0x1000);	/* ExtINT, status */
	CHECK_EQ(rd(0, R_LVT_LINT0), 0x700 | 0xa000);
	wr(0, R_SVR, 0x3ff);				/* focus disabled */
	CHECK_EQ(rd(0, R_SVR), 0x3ff);
}

TEST(test_apic_base)
{
	u64 val;

	setup();
	/* Reserved bits, EXTD without EN, x2APIC -> xAPIC. */
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00d01), -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00d00 | (1ULL << 52)),
		 -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00500), -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00900), -EINVAL);
	CHECK_EQ(vlapic_base_msr(&vc[0]), 0xfee00d00);
	/* Its own value back, then x2APIC -> disabled. */
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00d00), 0);
	wr(0, R_TPR, 0x20);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00100), 0);
	CHECK_EQ(vlapic_msr_read(&vc[0], R_TPR, &val), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], R_TPR, 0), -EINVAL);
	/* Disabled -> x2APIC directly is illegal; -> xAPIC only at the
	 * default base; then xAPIC -> x2APIC. */
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00d00), -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfed00900), -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00900), 0);
	CHECK_EQ(vlapic_msr_read(&vc[0], R_TPR, &val), -EINVAL);
	CHECK_EQ(vlapic_set_base_msr(&vc[0], 0xfee00d00), 0);
	/* Enabling again reset the APIC: TPR back to 0, same ID. */
	CHECK_EQ(rd(0, R_TPR), 0);
	CHECK_EQ(rd(0, R_ID), 0);
	/* A hardware-disabled APIC takes no IPIs. */
	CHECK_EQ(vlapic_set_base_msr(&vc[1], 0xfee00000), 0);
	wr(0, R_ICR, DEST(2) | DM(5) | ASSERT_);		/* INIT */
	CHECK_EQ(downs[1], 0);
}

TEST(test_priority)
{
	setup();
	vlapic_set_irq(&vc[0], 0x52);
	/* Software-disabled: pending in IRR, not deliverable. */
	CHECK(irr_has(0, 0x52));
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	sw_enable(0);
	vlapic_set_irq(&vc[0], 0x31);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x52);
	wr(0, R_TPR, 0x60);
	CHECK_EQ(rd(0, R_PPR), 0x60);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	wr(0, R_TPR, 0x5f);		/* same class as 0x52: still blocked */
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	wr(0, R_TPR, 0x4f);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x52);

	vlapic_ack_irq(&vc[0], 0x52);
	CHECK(!irr_has(0, 0x52));
	CHECK(isr_has(0, 0x52));
	CHECK_EQ(rd(0, R_PPR), 0x50);	/* ISR class above TPR class */
	wr(0, R_TPR, 0x5f);
	CHECK_EQ(rd(0, R_PPR), 0x5f);	/* same class: TPR, low bits too */
	wr(0, R_TPR, 0x4f);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	vlapic_set_irq(&vc[0], 0x61);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x61);
	vlapic_ack_irq(&vc[0], 0x61);
	CHECK_EQ(rd(0, R_PPR), 0x60);
	/* EOI retires the highest in-service vector first. */
	wr(0, R_EOI, 0);
	CHECK(!isr_has(0, 0x61));
	CHECK(isr_has(0, 0x52));
	CHECK_EQ(rd(0, R_PPR), 0x50);
	wr(0, R_EOI, 0);
	CHECK(!isr_has(0, 0x52));
	CHECK_EQ(rd(0, R_PPR), 0x4f);	/* TPR again */
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);	/* 0x31 below TPR */
	wr(0, R_TPR, 0);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x31);
	CHECK_EQ(drain(0), 1);
	wr(0, R_EOI, 0);		/* nothing in service: ignored */
	CHECK_EQ(rd(0, R_PPR), 0);

	/* Software disable masks the LVTs and keeps them masked. */
	wr(0, R_LVT_ERROR, 0xfe);
	CHECK_EQ(rd(0, R_LVT_ERROR), 0xfe);
	wr(0, R_SVR, 0xff);
	CHECK_EQ(rd(0, R_LVT_ERROR), 0xfe | MASKED);
	wr(0, R_LVT_ERROR, 0xfe);
	CHECK_EQ(rd(0, R_LVT_ERROR), 0xfe | MASKED);
	vlapic_set_irq(&vc[0], 0x80);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
}

TEST(test_self_ipi_and_esr)
{
	setup();
	sw_enable(0);
	wr(0, R_SELF_IPI, 0x40);
	CHECK(irr_has(0, 0x40));
	wr(0, R_ICR, SH(1) | 0x41);			/* shorthand self */
	CHECK(irr_has(0, 0x41));
	CHECK_EQ(rd(0, R_ICR), SH(1) | 0x41);
	for (unsigned int i = 1; i < NV; i++)
		CHECK_EQ(kicks[i], 0);
	CHECK_EQ(drain(0), 2);

	/* Illegal vector: ESR "send illegal vector", LVT error raised once
	 * until ESR is written. */
	wr(0, R_LVT_ERROR, 0xfe);
	wr(0, R_SELF_IPI, 0x05);
	CHECK(!irr_has(0, 0x05));
	CHECK(irr_has(0, 0xfe));
	CHECK_EQ(drain(0), 1);
	wr(0, R_SELF_IPI, 0x05);		/* same error again: no IRQ */
	CHECK(!irr_has(0, 0xfe));
	CHECK_EQ(rd(0, R_ESR), 0);		/* not latched yet */
	wr(0, R_ESR, 0);
	CHECK_EQ(rd(0, R_ESR), 0x20);
	wr(0, R_ESR, 0);
	CHECK_EQ(rd(0, R_ESR), 0);
	/* Received illegal vector, from a hypervisor source. */
	vlapic_set_irq(&vc[0], 0x0f);
	wr(0, R_ESR, 0);
	CHECK_EQ(rd(0, R_ESR), 0x40);
}

TEST(test_fixed_ipi)
{
	setup();
	for (unsigned int i = 0; i < NV; i++)
		if (i != 3)
			sw_enable(i);

	/* Physical destination. */
	wr(0, R_ICR, DEST(2) | 0x41);
	CHECK(irr_has(1, 0x41));
	CHECK_EQ(kicks[1], 1);
	CHECK(!irr_has(0, 0x41) && !irr_has(2, 0x41));
	/* Already pending: no second kick. */
	wr(0, R_ICR, DEST(2) | 0x41);
	CHECK_EQ(kicks[1], 1);
	/* No such ID, and an odd ID nobody has. */
	wr(0, R_ICR, DEST(40) | 0x42);
	wr(0, R_ICR, DEST(3) | 0x42);
	for (unsigned int i = 0; i < NV; i++)
		CHECK(!irr_has(i, 0x42));
	/* A software-disabled target drops fixed IPIs. */
	wr(0, R_ICR, DEST(6) | 0x43);
	CHECK(!irr_has(3, 0x43));

	/* Logical, cluster 0, bits for IDs 2 and 4 (vCPUs 1 and 2). */
	wr(0, R_ICR, LOGICAL | DEST(0x14) | 0x50);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(irr_has(i, 0x50), i == 1 || i == 2);
	/* Cluster 1, bit 2: ID 18 (vCPU 9) only, not ID 2. */
	wr(0, R_ICR, LOGICAL | DEST(0x10004) | 0x51);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(irr_has(i, 0x51), i == 9);
	/* Lowest priority: one target only. */
	wr(0, R_ICR, LOGICAL | DM(1) | DEST(0x14) | 0x52);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(irr_has(i, 0x52), i == 1);

	/* Broadcast, physical and logical; shorthands. */
	wr(0, R_ICR, DEST(0xffffffff) | 0x60);
	wr(1, R_ICR, LOGICAL | DEST(0xffffffff) | 0x61);
	wr(2, R_ICR, SH(2) | 0x62);			/* all incl. self */
	wr(2, R_ICR, SH(3) | 0x63);			/* all but self */
	for (unsigned int i = 0; i < NV; i++) {
		bool on = i != 3;

		CHECK_EQ(irr_has(i, 0x60), on);
		CHECK_EQ(irr_has(i, 0x61), on);
		CHECK_EQ(irr_has(i, 0x62), on);
		CHECK_EQ(irr_has(i, 0x63), on && i != 2);
	}
	/* Illegal vector: not sent, the sender's ESR says why. */
	wr(0, R_ICR, DEST(2) | 0x0e);
	CHECK(!irr_has(1, 0x0e));
	wr(0, R_ESR, 0);
	CHECK_EQ(rd(0, R_ESR), 0x20);

	/* NMI: taken once; the vector field is ignored. */
	wr(0, R_ICR, DM(4) | DEST(4) | 2);
	CHECK(!irr_has(2, 2));
	CHECK(vlapic_take_nmi(&vc[2]));
	CHECK(!vlapic_take_nmi(&vc[2]));
	CHECK(!vlapic_take_nmi(&vc[1]));
}

/* Messages from the platform's IO-APIC and PIC (hvm/platform_intr.c). */
TEST(test_platform_messages)
{
	setup();
	eois = 0;
	sw_enable(1);
	/* Level: TMR set at acceptance; its EOI is broadcast once. */
	vlapic_set_irq_trig(&vc[1], 0x71, true);
	CHECK(irr_has(1, 0x71));
	CHECK_EQ(rd(1, R_TMR0 + 3), 1U << (0x71 % 32));
	CHECK_EQ(kicks[1], 1);
	CHECK_EQ(drain(1), 1);
	CHECK_EQ(eois, 1);
	CHECK_EQ(eoi_vec, 0x71);
	/* Edge on the same vector clears TMR: its EOI is not broadcast. */
	vlapic_set_irq_trig(&vc[1], 0x71, false);
	CHECK_EQ(rd(1, R_TMR0 + 3), 0);
	CHECK_EQ(drain(1), 1);
	CHECK_EQ(eois, 1);
	/* An IPI's EOI is not broadcast either. */
	wr(1, R_SELF_IPI, 0x72);
	CHECK_EQ(drain(1), 1);
	CHECK_EQ(eois, 1);
	/* Illegal vector: ESR only. */
	vlapic_set_irq_trig(&vc[1], 0x05, false);
	CHECK(!irr_has(1, 0x05));
	wr(1, R_ESR, 0);
	CHECK_EQ(rd(1, R_ESR), 0x40);

	/* Destinations: physical APIC ID, logical against the LDR. */
	CHECK(vlapic_match_dest(&vc[2], 4, false));
	CHECK(!vlapic_match_dest(&vc[2], 2, false));
	CHECK(vlapic_match_dest(&vc[2], 0xffffffff, false));
	CHECK(vlapic_match_dest(&vc[2], 0x10, true));
	CHECK(!vlapic_match_dest(&vc[2], 0x04, true));
	CHECK(!vlapic_match_dest(&vc[9], 0x04, true));	/* cluster 1 */
	CHECK(vlapic_enabled(&vc[1]) && !vlapic_enabled(&vc[2]));

	/* LINT0: masked at reset; ExtINT unmasked passes INTR, and writing
	 * it asks the entry path to look. */
	CHECK(!vlapic_lint0_extint(&vc[1]));
	vc[1].work = 0;
	wr(1, R_LVT_LINT0, 0x700);
	CHECK(vlapic_lint0_extint(&vc[1]));
	CHECK(vc[1].work & VCPU_WORK_IRQ);
	wr(1, R_LVT_LINT0, 0x10700);			/* masked */
	CHECK(!vlapic_lint0_extint(&vc[1]));
	wr(1, R_LVT_LINT0, 0x400);			/* NMI mode */
	CHECK(!vlapic_lint0_extint(&vc[1]));
	/* A hardware-disabled APIC passes INTR straight to the core. */
	CHECK_EQ(vlapic_set_base_msr(&vc[1], 0xfee00000), 0);
	CHECK(vlapic_lint0_extint(&vc[1]));
	CHECK(!vlapic_match_dest(&vc[1], 2, false));
}

TEST(test_init_sipi)
{
	struct hvm_boot_state st;

	setup();
	/* SIPI to a running vCPU (vCPU 0, by vCPU 1) is ignored. */
	wr(1, R_ICR, DM(6) | DEST(0) | 0x9a);
	CHECK_EQ(ups[0], 0);
	CHECK(!vlapic_take_boot_state(&vc[0], &st));
	/* Linux's sequence for vCPU 1: INIT assert, INIT de-assert, SIPI,
	 * SIPI.  It starts down, as domain.c creates it; here it had run
	 * before (initialised), so the INIT resets its APIC. */
	vc[1].is_initialised = true;
	sw_enable(1);
	wr(1, R_TPR, 0x20);
	vlapic_set_irq(&vc[1], 0x70);
	wr(0, R_ICR, DM(5) | LEVEL | ASSERT_ | DEST(2));
	CHECK_EQ(downs[1], 1);
	wr(0, R_ICR, DM(5) | LEVEL | DEST(2));		/* de-assert */
	CHECK_EQ(downs[1], 1);
	CHECK(!vlapic_take_boot_state(&vc[1], &st));	/* no SIPI yet */
	wr(0, R_ICR, DM(6) | DEST(2) | 0x9a);
	CHECK_EQ(ups[1], 1);
	CHECK(!(vc[1].pause_flags & (1UL << VPF_down)));
	wr(0, R_ICR, DM(6) | DEST(2) | 0x9b);		/* second SIPI */
	CHECK_EQ(ups[1], 1);

	memset(&st, 0xa5, sizeof(st));
	CHECK(vlapic_take_boot_state(&vc[1], &st));
	CHECK_EQ(st.seg[SEG_CS].sel, 0x9a00);
	CHECK_EQ(st.seg[SEG_CS].base, 0x9a000);
	CHECK_EQ(st.seg[SEG_CS].limit, 0xffff);
	CHECK_EQ(st.seg[SEG_CS].attr, 0x9b);
	for (int s = SEG_ES; s <= SEG_GS; s++) {
		if (s == SEG_CS)
			continue;
		CHECK_EQ(st.seg[s].sel, 0);
		CHECK_EQ(st.seg[s].base, 0);
		CHECK_EQ(st.seg[s].limit, 0xffff);
		CHECK_EQ(st.seg[s].attr, 0x93);
	}
	CHECK_EQ(st.seg[SEG_TR].attr, 0x8b);
	CHECK_EQ(st.seg[SEG_LDTR].attr, 0x82);
	CHECK_EQ(st.regs.rip, 0);
	CHECK_EQ(st.regs.rflags, 2);
	CHECK_EQ(st.regs.rax, 0);
	CHECK_EQ(st.cr0 & ~0x60000000ULL, 0x10);
	CHECK_EQ(st.efer, 0);
	CHECK_EQ(st.cr4, 0);
	/* Exactly once. */
	CHECK(!vlapic_take_boot_state(&vc[1], &st));
	/* The INIT reset the APIC; x2APIC mode and ID survive it. */
	CHECK_EQ(rd(1, R_TPR), 0);
	CHECK_EQ(rd(1, R_SVR), 0xff);
	CHECK(!irr_has(1, 0x70));
	CHECK_EQ(rd(1, R_ID), 2);
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00c00);

	/* A never-started AP takes a SIPI without an INIT (it starts in
	 * wait-for-SIPI) and, as on Xen, its first INIT does not reset it:
	 * an interrupt raised while it waited (Linux's per-vCPU upcall
	 * vector) survives.  INIT by broadcast shorthand reaches the others. */
	CHECK(!vc[2].is_initialised);
	vlapic_set_irq(&vc[2], 0xf3);
	wr(0, R_ICR, DM(5) | ASSERT_ | DEST(4));
	wr(0, R_ICR, DM(6) | DEST(4) | 0x10);
	CHECK_EQ(ups[2], 1);
	CHECK(vlapic_take_boot_state(&vc[2], &st));
	CHECK(irr_has(2, 0xf3));
	CHECK(vc[2].is_initialised);
	CHECK_EQ(st.seg[SEG_CS].base, 0x10000);
	wr(0, R_ICR, DM(5) | ASSERT_ | SH(3));
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(downs[i], i == 0 ? 0 : i <= 2 ? 2 : 1);
	CHECK(vc[2].pause_flags & (1UL << VPF_down));
	CHECK(!vlapic_take_boot_state(&vc[2], &st));
	wr(0, R_ICR, DM(6) | DEST(4) | 0x11);
	CHECK(vlapic_take_boot_state(&vc[2], &st));
	CHECK_EQ(st.seg[SEG_CS].sel, 0x1100);
	/* vCPU 2 has run now: this INIT did reset it. */
	CHECK(!irr_has(2, 0xf3));
	/* INIT after an accepted SIPI, before the state is taken, wins. */
	wr(0, R_ICR, DM(6) | DEST(6) | 0x12);
	wr(0, R_ICR, DM(5) | ASSERT_ | DEST(6));
	CHECK(!vlapic_take_boot_state(&vc[3], &st));
	CHECK(vc[3].pause_flags & (1UL << VPF_down));
}

/* The APIC timer's input: a 100 MHz bus, 10 ns a tick (Xen 4.17's
 * APIC_BUS_CYCLE_NS), before the divider. */
#define TICK 10
#define TICKS(n) ((s_time_t)(n) * TICK)

/* One-shot counting, the divide configurations, current count, expiry. */
TEST(test_timer_oneshot)
{
	s_time_t t0;

	setup();
	sw_enable(0);
	wr(0, R_LVT_TIMER, 0x30);
	wr(0, R_TDCR, 0xb);				/* divide by 1 */
	t0 = fake_now;
	wr(0, R_TMICT, 1000);
	CHECK_EQ(rd(0, R_TMICT), 1000);
	CHECK_EQ(rd(0, R_TMCCT), 1000);
	run_to(t0 + TICKS(400));
	CHECK_EQ(rd(0, R_TMCCT), 600);
	run_to(t0 + TICKS(1000) - 1);
	CHECK(!irr_has(0, 0x30));
	CHECK_EQ(rd(0, R_TMCCT), 1);
	run_to(t0 + TICKS(1000));
	CHECK(irr_has(0, 0x30));
	CHECK_EQ(kicks[0], 1);
	CHECK_EQ(rd(0, R_TMCCT), 0);
	CHECK_EQ(drain(0), 1);
	run_to(t0 + TICKS(100000));
	CHECK_EQ(drain(0), 0);

	/* Divide configurations (11.5.4): 0 -> 2 ... 0xa -> 128, 0xb -> 1. */
	static const struct { u32 tdcr, div; } divs[] = {
		{ 0, 2 }, { 1, 4 }, { 2, 8 }, { 3, 16 }, { 8, 32 }, { 9, 64 },
		{ 0xa, 128 }, { 0xb, 1 },
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(divs); i++) {
		wr(0, R_TDCR, divs[i].tdcr);
		CHECK_EQ(rd(0, R_TDCR), divs[i].tdcr);
		t0 = fake_now;
		wr(0, R_TMICT, 100);
		run_to(t0 + TICKS(100 * divs[i].div) - 1);
		CHECK_EQ(rd(0, R_TMCCT), 1);
		CHECK_EQ(drain(0), 0);
		run_to(t0 + TICKS(100 * divs[i].div));
		CHECK_EQ(drain(0), 1);
	}

	/* Changing the divisor mid-count keeps the count left. */
	wr(0, R_TDCR, 0xb);
	t0 = fake_now;
	wr(0, R_TMICT, 1000);
	run_to(t0 + TICKS(250));
	wr(0, R_TDCR, 0);				/* now 2 bus cycles a tick */
	CHECK_EQ(rd(0, R_TMCCT), 750);
	run_to(t0 + TICKS(250 + 1500) - 1);
	CHECK_EQ(drain(0), 0);
	run_to(t0 + TICKS(250 + 1500));
	CHECK_EQ(drain(0), 1);

	/* Masked: counts and expires, delivers nothing.  TMICT 0 stops. */
	wr(0, R_TDCR, 0xb);
	wr(0, R_LVT_TIMER, 0x30 | MASKED);
	t0 = fake_now;
	wr(0, R_TMICT, 500);
	run_to(t0 + TICKS(1000));
	CHECK_EQ(drain(0), 0);
	wr(0, R_LVT_TIMER, 0x30);
	wr(0, R_TMICT, 500);
	wr(0, R_TMICT, 0);
	run_to(fake_now + TICKS(1000));
	CHECK_EQ(drain(0), 0);
	CHECK_EQ(rd(0, R_TMCCT), 0);

	/* TSC-deadline mode (hidden by CPUID): the count is dropped and
	 * the counter does nothing. */
	wr(0, R_TMICT, 500);
	run_to(fake_now + TICKS(100));
	wr(0, R_LVT_TIMER, 0x30 | TSC_DEADLINE);
	CHECK_EQ(rd(0, R_TMICT), 0);
	CHECK_EQ(rd(0, R_TMCCT), 0);
	run_to(fake_now + TICKS(1000));
	CHECK_EQ(drain(0), 0);
	wr(0, R_TMICT, 500);
	CHECK_EQ(rd(0, R_TMICT), 0);
	run_to(fake_now + TICKS(1000));
	CHECK_EQ(drain(0), 0);

	/* A callback that lost the race with a re-arm does nothing. */
	t0 = fake_now;
	wr(0, R_LVT_TIMER, 0x30);
	wr(0, R_TMICT, 500);
	run_to(t0 + TICKS(400));
	timers[0]->fn(timers[0]->data);
	CHECK_EQ(drain(0), 0);
	run_to(t0 + TICKS(500));
	CHECK_EQ(drain(0), 1);

	/* An idle timer follows its vCPU to the vCPU's pCPU. */
	vc[0].processor = 3;
	wr(0, R_TMICT, 100);
	CHECK_EQ(timers[0]->cpu, 3);
	run_to(fake_now + TICKS(100));
	CHECK_EQ(drain(0), 1);
}

TEST(test_timer_periodic)
{
	const s_time_t period = 20000;		/* ticks: 200 us */
	unsigned int n;
	s_time_t t0;

	setup();
	sw_enable(0);
	wr(0, R_TDCR, 0xb);
	wr(0, R_LVT_TIMER, PERIODIC | 0x31);
	t0 = fake_now;
	wr(0, R_TMICT, period);
	for (int i = 1; i <= 3; i++) {
		run_to(t0 + TICKS(i * period) - 1);
		CHECK_EQ(drain(0), 0);
		run_to(t0 + TICKS(i * period));
		CHECK_EQ(drain(0), 1);
	}
	run_to(t0 + TICKS(3 * period + 5000));
	CHECK_EQ(rd(0, R_TMCCT), 15000);
	/* A late softirq: missed periods give one interrupt, and the phase
	 * is kept. */
	jump_to(t0 + TICKS(13 * period + 1));
	CHECK_EQ(drain(0), 1);
	run_to(t0 + TICKS(14 * period) - 1);
	CHECK_EQ(drain(0), 0);
	run_to(t0 + TICKS(14 * period));
	CHECK_EQ(drain(0), 1);
	/* Periodic -> one-shot: finishes this count, then stops. */
	run_to(t0 + TICKS(14 * period + 100));
	wr(0, R_LVT_TIMER, 0x31);
	run_to(t0 + TICKS(15 * period) - 1);
	CHECK_EQ(drain(0), 0);
	run_to(t0 + TICKS(15 * period));
	CHECK_EQ(drain(0), 1);
	run_to(t0 + TICKS(20 * period));
	CHECK_EQ(drain(0), 0);

	/* A 1-tick period interrupts at most every 100 us. */
	wr(0, R_LVT_TIMER, PERIODIC | 0x31);
	t0 = fake_now;
	wr(0, R_TMICT, 1);
	n = 0;
	for (s_time_t t = t0; t < t0 + MILLISECS(1); t += MICROSECS(1)) {
		run_to(t);
		n += drain(0);
	}
	CHECK(n >= 9 && n <= 11);
	wr(0, R_TMICT, 0);
}

/* INIT stops a running timer; its registers reset with the SIPI. */
TEST(test_timer_init)
{
	struct hvm_boot_state st;

	setup();
	wr(0, R_ICR, DM(6) | DEST(2) | 0x10);		/* start vCPU 1 */
	CHECK(vlapic_take_boot_state(&vc[1], &st));
	sw_enable(1);
	wr(1, R_TDCR, 0xb);
	wr(1, R_LVT_TIMER, PERIODIC | 0x32);
	wr(1, R_TMICT, 20000);
	run_to(fake_now + TICKS(20000));
	CHECK_EQ(drain(1), 1);
	/* INIT stops it at once: nothing while waiting for the SIPI. */
	wr(0, R_ICR, DM(5) | ASSERT_ | DEST(2));
	run_to(fake_now + MILLISECS(1));
	CHECK(!irr_has(1, 0x32));
	wr(0, R_ICR, DM(6) | DEST(2) | 0x10);
	CHECK(vlapic_take_boot_state(&vc[1], &st));
	CHECK_EQ(rd(1, R_TMICT), 0);
	CHECK_EQ(rd(1, R_LVT_TIMER), MASKED);
	sw_enable(1);
	run_to(fake_now + MILLISECS(1));
	CHECK_EQ(drain(1), 0);
}

/*
 * Senders on other threads (other pCPUs) raise vectors in the same IRR
 * word while the owner acknowledges and retires them: every IPI must
 * arrive exactly once.  Each sender waits for its vector to be serviced
 * before sending it again, so a lost IRR update shows as a sender that
 * never sees its delivery.
 */
#define NSEND 8
#define ROUNDS 20000
static unsigned int delivered[NSEND];
static bool stuck;

static void *sender(void *arg)
{
	unsigned int i = (uintptr_t)arg;
	struct timespec t0, t;

	for (unsigned int r = 0; r < ROUNDS && !stuck; r++) {
		CHECK_EQ(vlapic_msr_write(&vc[1 + i], R_ICR, DEST(0) | (0x41 + i)),
			 0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (__atomic_load_n(&delivered[i], __ATOMIC_ACQUIRE) <= r &&
		       !__atomic_load_n(&stuck, __ATOMIC_RELAXED)) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec > 5)
				__atomic_store_n(&stuck, true, __ATOMIC_RELAXED);
			sched_yield();
		}
	}
	return NULL;
}

TEST(test_concurrent_senders)
{
	pthread_t th[NSEND];
	unsigned int total = 0;

	setup();
	sw_enable(0);
	memset(delivered, 0, sizeof(delivered));
	stuck = false;
	for (unsigned int i = 0; i < NSEND; i++)
		pthread_create(&th[i], NULL, sender, (void *)(uintptr_t)i);
	while (total < NSEND * ROUNDS && !__atomic_load_n(&stuck, __ATOMIC_RELAXED)) {
		int vec = vlapic_pending_irq(&vc[0]);

		if (vec < 0) {
			sched_yield();
			continue;
		}
		CHECK(vec >= 0x41 && vec < 0x41 + NSEND);
		vlapic_ack_irq(&vc[0], vec);
		__atomic_fetch_add(&delivered[vec - 0x41], 1, __ATOMIC_RELEASE);
		CHECK_EQ(vlapic_msr_write(&vc[0], R_EOI, 0), 0);
		total++;
	}
	for (unsigned int i = 0; i < NSEND; i++)
		pthread_join(th[i], NULL);
	CHECK(!stuck);
	CHECK_EQ(total, NSEND * ROUNDS);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	for (unsigned int i = 0; i < NSEND; i++)
		CHECK_EQ(delivered[i], ROUNDS);
}

static void teardown(void)
{
	for (unsigned int i = 0; i < NV; i++)
		vlapic_destroy(&vc[i]);
	CHECK_EQ(nr_timers, 0);
}

TEST(test_zz_teardown)
{
	setup();
	teardown();
	CHECK(!vc[0].hvm->vlapic);
	vlapic_destroy(&vc[0]);				/* twice: harmless */
}

UNIT_MAIN(test_reset_values, test_bad_accesses, test_apic_base,
	  test_priority, test_self_ipi_and_esr, test_fixed_ipi,
	  test_platform_messages, test_init_sipi, test_timer_oneshot, test_timer_periodic,
	  test_timer_init, test_concurrent_senders, test_zz_teardown)
