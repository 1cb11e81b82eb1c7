/*
 * Host tests of the platform glue (hvm/platform.c, hvm/platform_intr.c)
 * with the real vPIC, vPIT, vIOAPIC and wiring behind it.  The test plays
 * the guest (programming the devices through the port and MMIO handlers,
 * as SeaBIOS and Linux do), the entry path (ExtINT acknowledge, the
 * vLAPIC's injections, EOIs) and the rest of the hypervisor: a fake clock,
 * one fake timer queue it fires by hand, and fake vLAPICs that record
 * what reaches them.  Vectors, ports and redirection bits are written out
 * from the datasheets here, not taken from the code under test.
 */
#include <stdlib.h>
#include <string.h>
#include <hvm/platform.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include "unit.h"

#define NV 3
#define ALL_EMU (XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC | XEN_X86_EMU_PIT | \
		 XEN_X86_EMU_IOAPIC)
/* The first ns by which @k PIT clocks (1.193182 MHz from time 0) passed. */
#define PIT_AT(k) ((s_time_t)(((k) * 1000000000ULL + 1193181) / 1193182))

static struct domain dom;
static struct vcpu vc[NV];

/* --- Fake vLAPICs: APIC ID 2 * vCPU id, logical bit per vCPU --- */

static struct fake_lapic {
	bool enabled, hw_disabled, extint;
	u8 irr[256], tmr[256];
	unsigned int nmis, kicks;
} fl[NV];

void vlapic_set_irq_trig(struct vcpu *v, u8 vec, bool level)
{
	fl[v->vcpu_id].irr[vec] = 1;
	fl[v->vcpu_id].tmr[vec] = level;
}

bool vlapic_match_dest(struct vcpu *v, u32 dest, bool logical)
{
	if (fl[v->vcpu_id].hw_disabled)
		return false;
	return logical ? !!(dest & (1U << v->vcpu_id)) : dest == 2 * v->vcpu_id;
}

bool vlapic_enabled(struct vcpu *v)
{
	return fl[v->vcpu_id].enabled;
}

bool vlapic_lint0_extint(struct vcpu *v)
{
	return fl[v->vcpu_id].extint;
}

void vlapic_send_nmi(struct vcpu *v)
{
	fl[v->vcpu_id].nmis++;
}

void vcpu_kick(struct vcpu *v)
{
	fl[v->vcpu_id].kicks++;
}

/* The vLAPIC injected @vec into @v (IRR -> ISR) as the entry path does. */
static void lapic_inject(unsigned int i, u8 vec)
{
	CHECK(fl[i].irr[vec]);
	fl[i].irr[vec] = 0;
	hvm_platform_intr_post(&vc[i], vec);
}

static unsigned int irr_count(unsigned int i)
{
	unsigned int n = 0;

	for (unsigned int v = 0; v < 256; v++)
		n += fl[i].irr[v];
	return n;
}

/* --- Fake clock and timer --- */

static s_time_t fake_now;
static struct timer *the_timer;
static bool armed;
static unsigned int timer_cpu_moves;

s_time_t NOW(void)
{
	return fake_now;
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data,
		unsigned int cpu)
{
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	the_timer = t;
	armed = false;
}

void set_timer(struct timer *t, s_time_t expires)
{
	t->expires = expires;
	armed = true;
}

void stop_timer(struct timer *t)
{
	armed = false;
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
	if (t->cpu != cpu)
		timer_cpu_moves++;
	t->cpu = cpu;
}

void kill_timer(struct timer *t)
{
	armed = false;
	the_timer = NULL;
}

/* Let time pass to @until, firing the timer at its exact expiry. */
static void run_to(s_time_t until)
{
	while (armed && the_timer && the_timer->expires <= until) {
		fake_now = MAX(fake_now, the_timer->expires);
		armed = false;
		the_timer->fn(the_timer->data);
	}
	fake_now = until;
}

void *xzalloc_bytes(size_t size)
{
	return calloc(1, size);
}

void xfree(void *p)
{
	free(p);
}

/* --- The guest's accesses --- */

static void outb(u16 port, u8 val)
{
	struct vcpu *v = &vc[0];
	const struct hvm_port_ops *ops = port >= 0x40 && port <= 0x61 ?
		&hvm_platform_pit_ops : &hvm_platform_pic_ops;
	u32 x = val;

	CHECK(ops->claims(v, port, 1));
	CHECK_EQ(ops->access(v, port, 1, false, &x), 0);
}

static u8 inb(u16 port)
{
	const struct hvm_port_ops *ops = port >= 0x40 && port <= 0x61 ?
		&hvm_platform_pit_ops : &hvm_platform_pic_ops;
	u32 x = 0;

	CHECK_EQ(ops->access(&vc[0], port, 1, true, &x), 0);
	return x;
}

static void ioapic_wr(u32 reg, u32 val)
{
	CHECK(hvm_platform_ioapic_ops.claims(&vc[0], 0xfec00000));
	CHECK_EQ(hvm_platform_ioapic_ops.write(&vc[0], 0xfec00000, 4, reg), 0);
	CHECK(hvm_platform_ioapic_ops.claims(&vc[0], 0xfec00010));
	CHECK_EQ(hvm_platform_ioapic_ops.write(&vc[0], 0xfec00010, 4, val), 0);
}

static u32 ioapic_rd(u32 reg)
{
	u64 val = 0;

	hvm_platform_ioapic_ops.write(&vc[0], 0xfec00000, 4, reg);
	CHECK_EQ(hvm_platform_ioapic_ops.read(&vc[0], 0xfec00010, 4, &val), 0);
	return val;
}

/* Redirection entry @pin: low dword @lo, destination @dest. */
static void redir(unsigned int pin, u32 lo, u8 dest)
{
	ioapic_wr(0x11 + 2 * pin, (u32)dest << 24);
	ioapic_wr(0x10 + 2 * pin, lo);
}

#define MASKED (1U << 16)
#define LEVEL (1U << 15)
#define LOGICAL (1U << 11)
#define DM(m) ((u32)(m) << 8)

/* SeaBIOS's PIC set-up: vectors 0x08/0x70, everything masked. */
static void pic_init(u8 master_base)
{
	outb(0x20, 0x11); outb(0x21, master_base); outb(0x21, 0x04);
	outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xff); outb(0xa1, 0xff);
}

/* Channel 0, mode 2, lobyte/hibyte, @count. */
static void pit_mode2(unsigned int count)
{
	outb(0x43, 0x34);
	outb(0x40, count & 0xff);
	outb(0x40, count >> 8);
}

static void setup(u32 emu)
{
	if (dom.virq)
		hvm_platform_destroy(&dom);
	CHECK(!dom.virq);
	memset(&dom, 0, sizeof(dom));
	memset(vc, 0, sizeof(vc));
	memset(fl, 0, sizeof(fl));
	fake_now = 0;
	timer_cpu_moves = 0;
	dom.max_vcpus = NV;
	dom.emulation_flags = emu;
	CHECK_EQ(hvm_platform_create(&dom), 0);
	for (unsigned int i = 0; i < NV; i++) {
		vc[i].vcpu_id = i;
		vc[i].domain = &dom;
		vc[i].processor = i;
		dom.vcpu[i] = &vc[i];
		fl[i].enabled = true;
	}
}

/* The BSP's entry path for an ExtINT: what it injects, or -1. */
static int bsp_extint(void)
{
	if (!hvm_platform_extint_pending(&vc[0]))
		return -1;
	return hvm_platform_extint_ack(&vc[0]);
}

/* --- Tests --- */

TEST(test_lifetime_and_claims)
{
	u32 x;

	/* PVH: the LAPIC alone, no platform. */
	setup(XEN_X86_EMU_LAPIC);
	CHECK(!dom.virq);
	CHECK(!hvm_platform_pic_ops.claims(&vc[0], 0x20, 1));
	CHECK(!hvm_platform_pit_ops.claims(&vc[0], 0x40, 1));
	CHECK(!hvm_platform_ioapic_ops.claims(&vc[0], 0xfec00000));
	CHECK(!hvm_platform_extint_pending(&vc[0]));
	hvm_platform_intr_post(&vc[0], 0x30);
	hvm_platform_eoi(&dom, 0x30);

	/* The PIC alone: the PIT's and IO-APIC's accesses are not ours. */
	setup(XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC);
	CHECK(dom.virq && hvm_platform(&dom));
	for (u16 port = 0; port < 0x600; port++) {
		bool want = port == 0x20 || port == 0x21 || port == 0xa0 ||
			    port == 0xa1 || port == 0x4d0 || port == 0x4d1;

		CHECK_EQ(hvm_platform_pic_ops.claims(&vc[0], port, 1), want);
		CHECK(!hvm_platform_pit_ops.claims(&vc[0], port, 1));
	}
	CHECK(!hvm_platform_ioapic_ops.claims(&vc[0], 0xfec00000));

	setup(ALL_EMU);
	for (u16 port = 0; port < 0x600; port++)
		CHECK_EQ(hvm_platform_pit_ops.claims(&vc[0], port, 1),
			 (port >= 0x40 && port <= 0x43) || port == 0x61);
	/* Xen's 256-byte window, nothing else of the page. */
	CHECK(!hvm_platform_ioapic_ops.claims(&vc[0], 0xfebfffff));
	CHECK(hvm_platform_ioapic_ops.claims(&vc[0], 0xfec000ff));
	CHECK(!hvm_platform_ioapic_ops.claims(&vc[0], 0xfec00100));
	/* Xen 4.17's version register: 0x11, 47 as the highest entry. */
	CHECK_EQ(ioapic_rd(1), 0x2f0011);
	/* A 2-byte PIC access reads all ones (8259A: 8-bit only). */
	x = 0;
	CHECK_EQ(hvm_platform_pic_ops.access(&vc[0], 0x20, 2, true, &x), 0);
	CHECK_EQ(x & 0xffff, 0xffff);

	hvm_platform_destroy(&dom);
	CHECK(!dom.virq && !the_timer);
}

/* 1 kHz through the PIC and the BSP's LINT0, as SeaBIOS and the pit test
 * guest set it up: every tick arrives, on time, one per INTA. */
TEST(test_pit_through_pic)
{
	unsigned int ticks = 0;
	int vec;

	setup(ALL_EMU);
	pic_init(0x08);
	pit_mode2(1193);			/* 1000.15 Hz */
	CHECK(armed);
	CHECK_EQ(the_timer->expires, PIT_AT(1193));
	CHECK_EQ(the_timer->cpu, 0);		/* vCPU 0's pCPU */
	/* IRQ 0 masked in the PIC: the tick waits in IRR, no timer runs
	 * while it is in flight. */
	run_to(PIT_AT(1193));
	CHECK(!armed);
	CHECK_EQ(bsp_extint(), -1);
	outb(0x21, 0xfe);			/* unmask IRQ 0 */
	CHECK_EQ(inb(0x21), 0xfe);
	/* LINT0 not in ExtINT mode: INTR does not reach the core. */
	CHECK_EQ(bsp_extint(), -1);
	CHECK(fl[0].kicks > 0);
	fl[0].extint = true;
	/* Only the BSP takes the PIC's interrupts. */
	fl[1].extint = true;
	CHECK(!hvm_platform_extint_pending(&vc[1]));
	CHECK_EQ(bsp_extint(), 0x08);
	CHECK(armed);				/* taken: the next is timed */
	CHECK_EQ(bsp_extint(), -1);		/* in service, no EOI yet */
	outb(0x20, 0x20);			/* EOI */
	/* One second: 1000 ticks, each taken and EOIed at once. */
	for (s_time_t end = fake_now + 1000000000; fake_now < end;) {
		if (!armed)
			break;			/* a tick went missing */
		run_to(MIN(the_timer->expires, end));
		while ((vec = bsp_extint()) >= 0) {
			CHECK_EQ(vec, 0x08);
			outb(0x20, 0x20);
			ticks++;
		}
	}
	CHECK(ticks >= 999 && ticks <= 1001);
	CHECK_EQ(irr_count(0), 0);		/* nothing through the IO-APIC */
	/* The timer follows vCPU 0 when it moves. */
	vc[0].processor = 1;
	run_to(the_timer->expires);
	CHECK_EQ(bsp_extint(), 0x08);
	CHECK_EQ(the_timer->cpu, 1);
}

/* Ticks the BSP could not take (IF clear for 10 ms) all arrive later, back
 * to back, and the timer then goes on at the original phase. */
TEST(test_pit_missed_ticks)
{
	unsigned int ticks = 0;
	setup(ALL_EMU);
	pic_init(0x20);
	outb(0x21, 0xfe);
	fl[0].extint = true;
	pit_mode2(1193);
	run_to(10500000);
	while (bsp_extint() == 0x20) {
		outb(0x20, 0x20);
		ticks++;
	}
	CHECK_EQ(ticks, 10);
	CHECK(armed);
	CHECK_EQ(the_timer->expires, PIT_AT(11 * 1193));
}

/* IRQ 0 through IO-APIC pin 2 (hvmloader's MADT override) to a vector,
 * the PIC fully masked: a tick counts as taken when the vLAPIC injects
 * that vector, not before. */
TEST(test_pit_through_ioapic)
{
	unsigned int ticks = 0;

	setup(ALL_EMU);
	pic_init(0x20);
	redir(2, 0x30, 0);			/* fixed, edge, physical 0 */
	pit_mode2(1193);
	run_to(the_timer->expires);
	CHECK(fl[0].irr[0x30] && !fl[0].tmr[0x30]);
	CHECK_EQ(irr_count(1) + irr_count(2), 0);
	CHECK_EQ(bsp_extint(), -1);
	CHECK(!armed);
	/* Another vector injected: the tick is still owed. */
	fl[0].irr[0x41] = 1;
	lapic_inject(0, 0x41);
	CHECK(!armed);
	lapic_inject(0, 0x30);
	CHECK(armed);
	for (s_time_t end = fake_now + 100000000; fake_now < end;) {
		if (!armed)
			break;			/* a tick went missing */
		run_to(MIN(the_timer->expires, end));
		if (fl[0].irr[0x30]) {
			lapic_inject(0, 0x30);
			ticks++;
		}
	}
	CHECK(ticks >= 99 && ticks <= 101);

	/* Retargeted to vCPU 1 (APIC ID 2), lowest priority: IRQ 0's GSI
	 * prefers vCPU 0 when it matches (logical 0x3), else vCPU 1. */
	redir(2, DM(1) | LOGICAL | 0x31, 0x03);
	run_to(the_timer->expires);
	CHECK(fl[0].irr[0x31] && !fl[1].irr[0x31]);
	lapic_inject(0, 0x31);
	redir(2, DM(1) | LOGICAL | 0x31, 0x02);
	run_to(the_timer->expires);
	CHECK(fl[1].irr[0x31] && !fl[0].irr[0x31]);
	lapic_inject(1, 0x31);
	CHECK(armed);
}

/* A tick whose edge met a masked redirection entry is sent again when
 * the guest unmasks it (an IO-APIC drops a masked edge). */
TEST(test_pit_unmask_resends)
{
	setup(ALL_EMU);
	pic_init(0x20);
	redir(2, MASKED | 0x30, 0);
	pit_mode2(1193);
	run_to(the_timer->expires);
	CHECK_EQ(irr_count(0), 0);
	CHECK(!armed);
	run_to(fake_now + 50000000);		/* frozen, as Xen's */
	CHECK_EQ(irr_count(0), 0);
	redir(2, 0x30, 0);
	CHECK(fl[0].irr[0x30]);
	lapic_inject(0, 0x30);
	/* The ticks that fell due meanwhile follow, one per injection. */
	CHECK(fl[0].irr[0x30] && !armed);
}

/* The IO-APIC's pin 0 as the virtual wire to the BSP (ExtINT, physical
 * destination 0): the PIC's INTR is taken without LINT0. */
TEST(test_extint_virtual_wire)
{
	setup(ALL_EMU);
	pic_init(0x20);
	outb(0x21, 0xfe);
	pit_mode2(1193);
	run_to(the_timer->expires);
	CHECK_EQ(bsp_extint(), -1);
	redir(0, DM(7), 2);			/* aimed at vCPU 1 */
	CHECK_EQ(bsp_extint(), -1);
	redir(0, DM(7) | MASKED, 0);
	CHECK_EQ(bsp_extint(), -1);
	redir(0, DM(7), 0);
	fl[0].enabled = false;			/* software-disabled APIC */
	CHECK_EQ(bsp_extint(), -1);
	fl[0].enabled = true;
	CHECK_EQ(irr_count(0), 0);		/* the ExtINT message is dropped */
	CHECK_EQ(bsp_extint(), 0x20);
	/* A hardware-disabled APIC: INTR straight to the core (the vLAPIC
	 * answers that through vlapic_lint0_extint()). */
	outb(0x20, 0x20);
	redir(0, MASKED, 0);
	run_to(the_timer->expires);
	CHECK_EQ(bsp_extint(), -1);
	fl[0].extint = true;
	CHECK_EQ(bsp_extint(), 0x20);
}

/* A level-triggered PCI INTx: Remote IRR holds it until the vLAPIC's EOI
 * broadcast, which re-delivers while the wire is still asserted. */
TEST(test_level_eoi_broadcast)
{
	unsigned int gsi = 16 + ((4 * 3 + 0) & 31);	/* device 3 INTA */

	setup(ALL_EMU);
	redir(gsi, LEVEL | 0x51, 2);		/* vCPU 1 */
	CHECK_EQ(virq_set_pci_intx_level(dom.virq, 0, 0, 3, 0, 1), 0);
	CHECK(fl[1].irr[0x51] && fl[1].tmr[0x51]);
	CHECK(ioapic_rd(0x10 + 2 * gsi) & (1U << 14));	/* Remote IRR */
	lapic_inject(1, 0x51);
	/* Still asserted at the EOI: delivered again. */
	hvm_platform_eoi(&dom, 0x51);
	CHECK(fl[1].irr[0x51]);
	lapic_inject(1, 0x51);
	CHECK_EQ(virq_set_pci_intx_level(dom.virq, 0, 0, 3, 0, 0), 0);
	hvm_platform_eoi(&dom, 0x51);
	CHECK(!fl[1].irr[0x51]);
	CHECK(!(ioapic_rd(0x10 + 2 * gsi) & (1U << 14)));
	/* Without an IO-APIC the broadcast goes nowhere. */
	setup(XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC);
	hvm_platform_eoi(&dom, 0x51);
}

/* Fixed to every enabled match, NMI to every match, ExtINT/SMI/INIT
 * never to a vLAPIC. */
TEST(test_delivery_modes)
{
	setup(ALL_EMU);
	fl[2].enabled = false;
	redir(5, LOGICAL | 0x61, 0x07);
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 5, 1), 0);
	CHECK(fl[0].irr[0x61] && fl[1].irr[0x61] && !fl[2].irr[0x61]);
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 5, 0), 0);
	redir(6, DM(4) | LOGICAL, 0x06);
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 6, 1), 0);
	CHECK(!fl[0].nmis && fl[1].nmis == 1 && fl[2].nmis == 1);
	for (unsigned int dm = 2; dm <= 7; dm += dm == 2 ? 3 : 2) {
		redir(7, DM(dm), 0);
		CHECK_EQ(virq_set_isa_irq_level(dom.virq, 7, 1), 0);
		CHECK_EQ(virq_set_isa_irq_level(dom.virq, 7, 0), 0);
	}
	CHECK_EQ(irr_count(0), 1);		/* 0x61 only */
	/* No match: physical destination nobody has. */
	redir(9, 0x62, 5);
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 9, 1), 0);
	CHECK_EQ(irr_count(0) + irr_count(1) + irr_count(2), 2);
}

static void teardown(void)
{
	hvm_platform_destroy(&dom);
}

TEST(test_zz_teardown)
{
	teardown();
	CHECK(!dom.virq);
}

UNIT_MAIN(test_lifetime_and_claims, test_pit_through_pic,
	  test_pit_missed_ticks, test_pit_through_ioapic,
	  test_pit_unmask_resends, test_extint_virtual_wire,
	  test_level_eoi_broadcast, test_delivery_modes, test_zz_teardown)
