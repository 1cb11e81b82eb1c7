/*
 * Host tests of the vLAPIC's xAPIC mode (hvm/vlapic_xapic.c on the shared
 * register file of hvm/vlapic.c): the IA32_APIC_BASE transitions into and
 * out of it, and every register through the MMIO page, as hvm/mmio.c's
 * table reaches it (hvm_mmio_access()).  Offsets and formats are written
 * out from the SDM (vol.3 table 11-1); the fake hypervisor is
 * vlapic_env.h.
 */
#include <hvm/hvm.h>
#include <hvm/io_handlers.h>
#include "vlapic_env.h"

#define BASE 0xfee00000ULL
#define EN 0x800
#define EXTD 0x400
#define BSP 0x100

/* xAPIC offsets (SDM vol.3 table 11-1). */
#define X_ID 0x20
#define X_VERSION 0x30
#define X_TPR 0x80
#define X_APR 0x90
#define X_PPR 0xa0
#define X_EOI 0xb0
#define X_RRD 0xc0
#define X_LDR 0xd0
#define X_DFR 0xe0
#define X_SVR 0xf0
#define X_ISR0 0x100
#define X_TMR0 0x180
#define X_IRR0 0x200
#define X_ESR 0x280
#define X_LVT_CMCI 0x2f0
#define X_ICR_LO 0x300
#define X_ICR_HI 0x310
#define X_LVT_TIMER 0x320
#define X_LVT_LINT0 0x350
#define X_LVT_ERROR 0x370
#define X_TMICT 0x380
#define X_TMCCT 0x390
#define X_TDCR 0x3e0
#define X_SELF_IPI 0x3f0		/* x2APIC only */

static unsigned int crashes;

void domain_crash(struct domain *d, const char *fmt, ...)
{
	crashes++;
}

/* An MMIO access by vCPU @i at page offset @off, as the NPF path makes it. */
static u64 mrd(unsigned int i, unsigned int off, unsigned int size)
{
	u64 val = 0xdeadbeefdeadbeefULL;

	CHECK_EQ(hvm_mmio_access(&vc[i], BASE + off, size, false, &val), 0);
	return val;
}

static u32 mr(unsigned int i, unsigned int off)
{
	return mrd(i, off, 4);
}

static void mwr(unsigned int i, unsigned int off, unsigned int size, u64 val)
{
	CHECK_EQ(hvm_mmio_access(&vc[i], BASE + off, size, true, &val), 0);
}

static void mw(unsigned int i, unsigned int off, u32 val)
{
	mwr(i, off, 4, val);
}

static int set_base(unsigned int i, u64 val)
{
	return vlapic_set_base_msr(&vc[i], val | (i ? 0 : BSP));
}

/* x2APIC -> disabled -> xAPIC, as a guest leaves x2APIC mode. */
static void to_xapic(unsigned int i)
{
	CHECK_EQ(set_base(i, BASE), 0);
	CHECK_EQ(set_base(i, BASE | EN), 0);
}

static bool x_irr_has(unsigned int i, u8 vec)
{
	return mr(i, X_IRR0 + vec / 32 * 0x10) & (1U << (vec % 32));
}

static bool x_isr_has(unsigned int i, u8 vec)
{
	return mr(i, X_ISR0 + vec / 32 * 0x10) & (1U << (vec % 32));
}

/* Take and complete every pending interrupt of vCPU @i through the
 * page's EOI register; how many. */
static unsigned int x_drain(unsigned int i)
{
	unsigned int n = 0;
	int vec;

	while ((vec = vlapic_pending_irq(&vc[i])) >= 0) {
		vlapic_ack_irq(&vc[i], vec);
		mw(i, X_EOI, 0);
		n++;
	}
	return n;
}

/* --- Tests --- */

TEST(test_transitions)
{
	u64 val;

	setup();
	/* The page is not there in x2APIC mode: all ones, writes dropped. */
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE));
	CHECK(!hvm_mmio_claimed(&vc[0], BASE + X_ID));
	CHECK_EQ(mrd(0, X_ID, 4), 0xffffffffffffffffULL);
	/* x2APIC -> xAPIC directly, EXTD without EN: #GP. */
	CHECK_EQ(set_base(0, BASE | EN), -EINVAL);
	CHECK_EQ(set_base(0, BASE | EXTD), -EINVAL);
	CHECK_EQ(vlapic_base_msr(&vc[0]), 0xfee00d00);
	/* x2APIC -> disabled: no page, no MSRs. */
	wr(0, 0x808, 0x20);				/* x2APIC TPR */
	CHECK_EQ(set_base(0, BASE), 0);
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE));
	CHECK_EQ(vlapic_msr_read(&vc[0], 0x808, &val), -EINVAL);
	/* disabled -> x2APIC: #GP; -> xAPIC elsewhere than the default
	 * base: #GP, as Xen; -> xAPIC at the default base. */
	CHECK_EQ(set_base(0, BASE | EN | EXTD), -EINVAL);
	CHECK_EQ(set_base(0, 0xfed00000 | EN), -EINVAL);
	CHECK_EQ(set_base(0, BASE | EN), 0);
	CHECK_EQ(vlapic_base_msr(&vc[0]), 0xfee00900);
	/* The page is claimed exactly, and the MSRs #GP. */
	CHECK(vlapic_mmio_ops.claims(&vc[0], BASE));
	CHECK(vlapic_mmio_ops.claims(&vc[0], BASE + 0xfff));
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE + 0x1000));
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE - 1));
	CHECK(!vlapic_mmio_ops.claims(&vc[1], BASE));	/* still x2APIC */
	CHECK_EQ(vlapic_msr_read(&vc[0], 0x802, &val), -EINVAL);
	CHECK_EQ(vlapic_msr_write(&vc[0], 0x808, 0), -EINVAL);
	/* Nothing survived the trip through disabled but the ID. */
	CHECK_EQ(mr(0, X_TPR), 0);
	CHECK_EQ(mr(0, X_ID), 0);
	/* xAPIC -> disabled -> xAPIC resets again. */
	mw(0, X_TPR, 0x30);
	mw(0, X_LDR, 0x01000000);
	mw(0, X_DFR, 0x0fffffff);
	CHECK_EQ(set_base(0, BASE), 0);
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE));
	CHECK_EQ(set_base(0, BASE | EN), 0);
	CHECK_EQ(mr(0, X_TPR), 0);
	CHECK_EQ(mr(0, X_LDR), 0);
	CHECK_EQ(mr(0, X_DFR), 0xffffffff);
	/* xAPIC -> x2APIC keeps the registers; the LDR is the derived one
	 * and the page goes away. */
	mw(0, X_TPR, 0x40);
	mw(0, X_LDR, 0x01000000);
	mw(0, X_SVR, 0x1ff);
	CHECK_EQ(set_base(0, BASE | EN | EXTD), 0);
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE));
	CHECK_EQ(rd(0, 0x808), 0x40);
	CHECK_EQ(rd(0, 0x80f), 0x1ff);
	CHECK_EQ(rd(0, 0x80d), 1);			/* ID 0: cluster 0, bit 0 */
	CHECK_EQ(crashes, 0);
}

/* Every register at its offset, in xAPIC format, after reset. */
TEST(test_register_formats)
{
	setup();
	for (unsigned int i = 0; i < NV; i++) {
		to_xapic(i);
		CHECK_EQ(mr(i, X_ID), (2 * i) << 24);
		CHECK_EQ(mr(i, X_LDR), 0);
	}
	CHECK_EQ(mr(0, X_VERSION), 0x50014);
	CHECK_EQ(mr(0, X_TPR), 0);
	CHECK_EQ(mr(0, X_APR), 0);
	CHECK_EQ(mr(0, X_PPR), 0);
	CHECK_EQ(mr(0, X_EOI), 0);			/* write-only */
	CHECK_EQ(mr(0, X_RRD), 0);
	CHECK_EQ(mr(0, X_DFR), 0xffffffff);		/* flat */
	CHECK_EQ(mr(0, X_SVR), 0xff);
	for (unsigned int r = 0; r < 8; r++) {
		CHECK_EQ(mr(0, X_ISR0 + r * 0x10), 0);
		CHECK_EQ(mr(0, X_TMR0 + r * 0x10), 0);
		CHECK_EQ(mr(0, X_IRR0 + r * 0x10), 0);
	}
	CHECK_EQ(mr(0, X_ESR), 0);
	CHECK_EQ(mr(0, X_LVT_CMCI), MASKED);
	CHECK_EQ(mr(0, X_ICR_LO), 0);
	CHECK_EQ(mr(0, X_ICR_HI), 0);
	for (unsigned int off = X_LVT_TIMER; off <= X_LVT_ERROR; off += 0x10)
		CHECK_EQ(mr(0, off), MASKED);
	CHECK_EQ(mr(0, X_TMICT), 0);
	CHECK_EQ(mr(0, X_TMCCT), 0);
	CHECK_EQ(mr(0, X_TDCR), 0);
	/* Reserved offsets and SELF_IPI (x2APIC only) read 0. */
	static const unsigned int zero[] = { 0x00, 0x10, 0x40, 0x70, 0x290,
		0x2a0, 0x2e0, 0x3a0, 0x3d0, X_SELF_IPI, 0x400, 0xff0 };
	for (unsigned int i = 0; i < ARRAY_SIZE(zero); i++)
		CHECK_EQ(mr(0, zero[i]), 0);
	/* Parts of a register: any access within its 32 bits. */
	CHECK_EQ(mrd(3, X_ID + 3, 1), 6);
	CHECK_EQ(mrd(3, X_ID + 2, 2), 0x0600);
	CHECK_EQ(mrd(0, X_VERSION, 1), 0x14);
	CHECK_EQ(mrd(0, X_VERSION + 2, 2), 0x5);
	CHECK_EQ(mrd(0, X_VERSION + 1, 2), 0x500);
	/* Straddling, 8 bytes, the padding: 0, as Xen. */
	CHECK_EQ(mrd(3, X_ID + 2, 4), 0);
	CHECK_EQ(mrd(0, X_VERSION, 8), 0);
	CHECK_EQ(mrd(0, X_VERSION + 4, 4), 0);
	CHECK_EQ(mrd(0, X_VERSION + 12, 4), 0);
	CHECK_EQ(crashes, 0);
}

/* Writes: reserved bits dropped, read-only registers and bad sizes too. */
TEST(test_writes)
{
	setup();
	to_xapic(1);
	mw(1, X_SVR, 0xffffffff);
	CHECK_EQ(mr(1, X_SVR), 0x3ff);
	mw(1, X_TPR, 0x1ff);
	CHECK_EQ(mr(1, X_TPR), 0xff);
	mw(1, X_TPR, 0);
	mw(1, X_TDCR, 0xffffffff);
	CHECK_EQ(mr(1, X_TDCR), 0xb);
	mw(1, X_LVT_LINT0, 0xffffffff);		/* no status, no remote IRR */
	CHECK_EQ(mr(1, X_LVT_LINT0), 0x1a7ff);
	mw(1, X_LVT_ERROR, 0xffffffff);
	CHECK_EQ(mr(1, X_LVT_ERROR), 0x100ff);
	mw(1, X_LDR, 0xffffffff);
	CHECK_EQ(mr(1, X_LDR), 0xff000000);
	mw(1, X_DFR, 0);
	CHECK_EQ(mr(1, X_DFR), 0x0fffffff);		/* cluster */
	mw(1, X_DFR, 0x12345678);
	CHECK_EQ(mr(1, X_DFR), 0x1fffffff);
	mw(1, X_ICR_HI, 0xffffffff);
	CHECK_EQ(mr(1, X_ICR_HI), 0xff000000);
	/* Read-only registers.  Deliberately unlike Xen, the ID too. */
	mw(1, X_ID, 0x07000000);
	mw(1, X_VERSION, 0);
	mw(1, X_PPR, 0x50);
	mw(1, X_ISR0 + 0x20, ~0U);
	mw(1, X_IRR0 + 0x20, ~0U);
	mw(1, X_TMCCT, 5);
	CHECK_EQ(mr(1, X_ID), 2 << 24);
	CHECK_EQ(mr(1, X_VERSION), 0x50014);
	CHECK_EQ(mr(1, X_PPR), 0);
	CHECK(!x_irr_has(1, 0x40));
	CHECK_EQ(mr(1, X_TMCCT), 0);
	/* Narrow writes merge into the register. */
	mw(1, X_LVT_ERROR, 0x10000);
	mwr(1, X_LVT_ERROR, 1, 0xe3);
	CHECK_EQ(mr(1, X_LVT_ERROR), 0x100e3);
	mwr(1, X_LVT_ERROR + 2, 1, 0);			/* unmask */
	CHECK_EQ(mr(1, X_LVT_ERROR), 0xe3);
	mwr(1, X_TPR + 1, 1, 0x55);			/* reserved byte */
	CHECK_EQ(mr(1, X_TPR), 0);
	mwr(1, X_ICR_HI + 3, 1, 0x04);
	CHECK_EQ(mr(1, X_ICR_HI), 0x04000000);
	/* Straddling, 8 bytes, padding, SELF_IPI, past TDCR: dropped. */
	mwr(1, X_TPR + 2, 4, 0x77777777);
	mwr(1, X_TPR, 8, 0x20);
	mwr(1, X_TPR + 4, 4, 0x20);
	CHECK_EQ(mr(1, X_TPR), 0);
	mw(1, X_SELF_IPI, 0x40);
	CHECK(!x_irr_has(1, 0x40));
	mw(1, 0x800, 0x20);
	CHECK_EQ(crashes, 0);
}

/* TPR, PPR, ISR and EOI through the page; ESR latched by any write. */
TEST(test_priority_eoi_esr)
{
	setup();
	to_xapic(0);
	mw(0, X_SVR, 0x1ff);
	vlapic_set_irq(&vc[0], 0x52);
	vlapic_set_irq(&vc[0], 0x61);
	CHECK(x_irr_has(0, 0x52) && x_irr_has(0, 0x61));
	mw(0, X_TPR, 0x60);
	CHECK_EQ(mr(0, X_PPR), 0x60);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	mw(0, X_TPR, 0x4f);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x61);
	vlapic_ack_irq(&vc[0], 0x61);
	CHECK(x_isr_has(0, 0x61));
	CHECK_EQ(mr(0, X_PPR), 0x60);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);	/* 0x52 below ISR class */
	mw(0, X_EOI, 0x12345678);		/* any value is an EOI */
	CHECK(!x_isr_has(0, 0x61));
	CHECK_EQ(mr(0, X_PPR), 0x4f);
	CHECK_EQ(vlapic_pending_irq(&vc[0]), 0x52);
	CHECK_EQ(x_drain(0), 1);

	/* ESR: any value written latches; illegal vector sent. */
	mw(0, X_LVT_ERROR, 0xfe);
	mw(0, X_ICR_LO, 0x40005);		/* self, vector 5 */
	CHECK(!x_irr_has(0, 0x05));
	CHECK_EQ(x_drain(0), 1);		/* LVT error */
	CHECK_EQ(mr(0, X_ESR), 0);
	mw(0, X_ESR, 0xffffffff);
	CHECK_EQ(mr(0, X_ESR), 0x20);
	mw(0, X_ESR, 0);
	CHECK_EQ(mr(0, X_ESR), 0);
	CHECK_EQ(crashes, 0);
}

/* Physical, broadcast and shorthand IPIs through ICR_LO/ICR_HI. */
TEST(test_physical_ipis)
{
	setup();
	for (unsigned int i = 0; i < NV; i++) {
		to_xapic(i);
		if (i != 3)
			mw(i, X_SVR, 0x1ff);
	}
	/* ICR_HI first, the write to ICR_LO sends; delivery status idle. */
	mw(0, X_ICR_HI, 2 << 24);
	mw(0, X_ICR_LO, 0x1041);		/* status bit written: dropped */
	CHECK_EQ(mr(0, X_ICR_LO), 0x41);
	CHECK_EQ(mr(0, X_ICR_HI), 2 << 24);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(x_irr_has(i, 0x41), i == 1);
	CHECK_EQ(kicks[1], 1);
	/* ICR_HI's low bits are not part of the destination; an odd ID and
	 * a software-disabled target get nothing. */
	mw(0, X_ICR_HI, (4 << 24) | 0xffffff);
	mw(0, X_ICR_LO, 0x42);
	mw(0, X_ICR_HI, 5 << 24);
	mw(0, X_ICR_LO, 0x43);
	mw(0, X_ICR_HI, 6 << 24);
	mw(0, X_ICR_LO, 0x44);
	for (unsigned int i = 0; i < NV; i++) {
		CHECK_EQ(x_irr_has(i, 0x42), i == 2);
		CHECK(!x_irr_has(i, 0x43));
		CHECK(!x_irr_has(i, 0x44));
	}
	/* Broadcast 0xff; shorthands self, all, all but self. */
	mw(1, X_ICR_HI, 0xff000000);
	mw(1, X_ICR_LO, 0x50);
	mw(2, X_ICR_LO, 0x40051);		/* self */
	mw(2, X_ICR_LO, 0x80052);		/* all including self */
	mw(2, X_ICR_LO, 0xc0053);		/* all but self */
	for (unsigned int i = 0; i < NV; i++) {
		bool on = i != 3;

		CHECK_EQ(x_irr_has(i, 0x50), on);
		CHECK_EQ(x_irr_has(i, 0x51), i == 2);
		CHECK_EQ(x_irr_has(i, 0x52), on);
		CHECK_EQ(x_irr_has(i, 0x53), on && i != 2);
	}
	/* A narrow write to ICR_LO sends too, as in Xen. */
	mw(0, X_ICR_HI, 0);
	mwr(0, X_ICR_LO, 1, 0x54);
	CHECK(x_irr_has(0, 0x54));
	/* NMI. */
	mw(0, X_ICR_HI, 8 << 24);
	mw(0, X_ICR_LO, 0x400);
	CHECK(vlapic_take_nmi(&vc[4]));
	CHECK(!vlapic_take_nmi(&vc[0]));
	/* An x2APIC vCPU is not reached by an xAPIC broadcast (its own is
	 * 0xffffffff), as in Xen: the destination is read in the target's
	 * mode. */
	CHECK_EQ(set_base(9, BASE | EN | EXTD), 0);
	wr(9, 0x80f, 0x1ff);
	mw(0, X_ICR_HI, 0xff000000);
	mw(0, X_ICR_LO, 0x55);
	CHECK(!irr_has(9, 0x55));
	CHECK(x_irr_has(8, 0x55));
	CHECK_EQ(crashes, 0);
}

/* Logical IPIs: the flat and the cluster model (SDM vol.3 11.6.2.2). */
TEST(test_logical_ipis)
{
	setup();
	for (unsigned int i = 0; i < NV; i++) {
		to_xapic(i);
		mw(i, X_SVR, 0x1ff);
	}
	/* Flat: vCPU i < 8 has logical ID bit i; 8 and 9 none (LDR 0). */
	for (unsigned int i = 0; i < 8; i++)
		mw(i, X_LDR, 1U << (24 + i));
	mw(0, X_ICR_HI, 0x06 << 24);
	mw(0, X_ICR_LO, 0x800 | 0x41);
	mw(0, X_ICR_HI, 0xff000000);
	mw(0, X_ICR_LO, 0x800 | 0x42);
	for (unsigned int i = 0; i < NV; i++) {
		CHECK_EQ(x_irr_has(i, 0x41), i == 1 || i == 2);
		CHECK_EQ(x_irr_has(i, 0x42), i < 8);
	}
	/* Lowest priority: one of them. */
	mw(0, X_ICR_HI, 0x30 << 24);
	mw(0, X_ICR_LO, 0x800 | 0x100 | 0x43);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(x_irr_has(i, 0x43), i == 4);

	/* Cluster: vCPU i in cluster i / 4, bit i % 4. */
	for (unsigned int i = 0; i < NV; i++) {
		mw(i, X_DFR, 0x0fffffff);
		mw(i, X_LDR, (((i / 4) << 4) | (1U << (i % 4))) << 24);
	}
	mw(0, X_ICR_HI, 0x13 << 24);			/* cluster 1, bits 0-1 */
	mw(0, X_ICR_LO, 0x800 | 0x50);
	mw(0, X_ICR_HI, 0x0f << 24);			/* all of cluster 0 */
	mw(0, X_ICR_LO, 0x800 | 0x51);
	mw(0, X_ICR_HI, 0x22 << 24);			/* cluster 2, bit 1 */
	mw(0, X_ICR_LO, 0x800 | 0x52);
	for (unsigned int i = 0; i < NV; i++) {
		CHECK_EQ(x_irr_has(i, 0x50), i == 4 || i == 5);
		CHECK_EQ(x_irr_has(i, 0x51), i < 4);
		CHECK_EQ(x_irr_has(i, 0x52), i == 9);
	}
	/* A target whose DFR names no model is never addressed (Xen). */
	mw(5, X_DFR, 0x8fffffff);
	mw(0, X_ICR_HI, 0x13 << 24);
	mw(0, X_ICR_LO, 0x800 | 0x53);
	for (unsigned int i = 0; i < NV; i++)
		CHECK_EQ(x_irr_has(i, 0x53), i == 4);
	CHECK_EQ(crashes, 0);
}

/* INIT and SIPI through the page, as HVM firmware starts its APs. */
TEST(test_init_sipi)
{
	struct hvm_boot_state st;

	setup();
	to_xapic(0);
	mw(0, X_ICR_HI, 2 << 24);
	mw(0, X_ICR_LO, 0xc500);			/* INIT, level, assert */
	mw(0, X_ICR_LO, 0x8500);			/* de-assert: nothing */
	CHECK_EQ(downs[1], 1);
	mw(0, X_ICR_LO, 0x69a);				/* SIPI 0x9a */
	CHECK_EQ(ups[1], 1);
	CHECK(vlapic_take_boot_state(&vc[1], &st));
	CHECK_EQ(st.seg[SEG_CS].sel, 0x9a00);
	/* The AP keeps its own mode (x2APIC, as it started) and ID. */
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00c00);
	CHECK_EQ(rd(1, 0x802), 2);
	/* INIT of an xAPIC vCPU keeps xAPIC mode and the ID, resets LDR. */
	to_xapic(1);
	mw(1, X_LDR, 0x02000000);
	mw(0, X_ICR_LO, 0xc500);
	mw(0, X_ICR_LO, 0x610);
	CHECK(vlapic_take_boot_state(&vc[1], &st));
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00800);
	CHECK_EQ(mr(1, X_ID), 2 << 24);
	CHECK_EQ(mr(1, X_LDR), 0);
	CHECK_EQ(mr(1, X_DFR), 0xffffffff);
	CHECK_EQ(crashes, 0);
}

/* The timer programmed through the page, on virtual time. */
TEST(test_timer)
{
	s_time_t t0;

	setup();
	to_xapic(0);
	mw(0, X_SVR, 0x1ff);
	mw(0, X_TDCR, 0xb);				/* divide by 1 */
	mw(0, X_LVT_TIMER, PERIODIC | 0x31);
	CHECK_EQ(mr(0, X_LVT_TIMER), PERIODIC | 0x31);
	t0 = fake_now;
	mw(0, X_TMICT, 20000);				/* 200 us */
	CHECK_EQ(mr(0, X_TMICT), 20000);
	for (int i = 1; i <= 3; i++) {
		run_to(t0 + TICKS(i * 20000) - 1);
		CHECK_EQ(x_drain(0), 0);
		run_to(t0 + TICKS(i * 20000));
		CHECK_EQ(x_drain(0), 1);
	}
	run_to(t0 + TICKS(3 * 20000 + 5000));
	CHECK_EQ(mr(0, X_TMCCT), 15000);
	/* Divide by 2 from now: the count left takes twice as long. */
	mw(0, X_TDCR, 0);
	CHECK_EQ(mr(0, X_TMCCT), 15000);
	run_to(t0 + TICKS(3 * 20000 + 5000 + 30000) - 1);
	CHECK_EQ(x_drain(0), 0);
	run_to(t0 + TICKS(3 * 20000 + 5000 + 30000));
	CHECK_EQ(x_drain(0), 1);
	/* One-shot, then stop; masked counts without interrupting. */
	mw(0, X_LVT_TIMER, 0x31);
	mw(0, X_TDCR, 0xb);
	t0 = fake_now;
	mw(0, X_TMICT, 1000);
	run_to(t0 + TICKS(1000));
	CHECK_EQ(x_drain(0), 1);
	run_to(t0 + TICKS(100000));
	CHECK_EQ(x_drain(0), 0);
	mw(0, X_LVT_TIMER, MASKED | 0x31);
	mw(0, X_TMICT, 1000);
	run_to(fake_now + TICKS(1000));
	CHECK_EQ(x_drain(0), 0);
	/* Timer mode 3 (reserved): kept, as Xen keeps it, and the timer
	 * does not count. */
	mw(0, X_LVT_TIMER, 0x60031);
	CHECK_EQ(mr(0, X_LVT_TIMER), 0x60031);
	mw(0, X_TMICT, 1000);
	CHECK_EQ(mr(0, X_TMICT), 0);
	run_to(fake_now + TICKS(10000));
	CHECK_EQ(x_drain(0), 0);
	/* Disabling the APIC stops the timer. */
	mw(0, X_LVT_TIMER, PERIODIC | 0x31);
	mw(0, X_TMICT, 1000);
	CHECK_EQ(set_base(0, BASE), 0);
	run_to(fake_now + TICKS(10000));
	CHECK_EQ(vlapic_pending_irq(&vc[0]), -1);
	CHECK_EQ(crashes, 0);
}

TEST(test_zz_teardown)
{
	setup();
	to_xapic(0);
	for (unsigned int i = 0; i < NV; i++)
		vlapic_destroy(&vc[i]);
	CHECK_EQ(nr_timers, 0);
	/* A vCPU without a vLAPIC has no page. */
	CHECK(!vlapic_mmio_ops.claims(&vc[0], BASE));
}

UNIT_MAIN(test_transitions, test_register_formats, test_writes,
	  test_priority_eoi_esr, test_physical_ipis, test_logical_ipis,
	  test_init_sipi, test_timer, test_zz_teardown)
