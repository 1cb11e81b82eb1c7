/*
 * Host tests of the virtual local APIC in x2APIC mode (hvm/vlapic.c and
 * vlapic_timer.c, through the MSR interface; the xAPIC page is
 * test_vlapic_xapic.c's).  The fake hypervisor is vlapic_env.h.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include "vlapic_env.h"

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
	  test_platform_messages, test_init_sipi, test_timer_oneshot,
	  test_timer_periodic, test_timer_init, test_concurrent_senders,
	  test_zz_teardown)
