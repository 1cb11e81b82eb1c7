/*
 * The domain the device-record tests (test_hvm_save_dev.c,
 * test_hvm_save_bad.c) save and load: two vCPUs with real vLAPICs and,
 * unless it is PVH, the real emulated platform, reached through
 * hvm/save_devices.c; the CPU and MTRR hooks are stand-ins (no vCPU is
 * up, so there are no CPU records).  busy() programs everything as a
 * guest and a device model would.  Register offsets and values are
 * written out from the SDM, the 8259A, 82093AA and 8254 datasheets and
 * public/arch-x86/hvm/save.h.
 */
#ifndef UNIT_HVM_SAVE_DOM_H
#define UNIT_HVM_SAVE_DOM_H

#include <stddef.h>
#include <hvm/io_handlers.h>
#include <hvm/platform.h>
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <hvm/vlapic_internal.h>
#include <hvm/x86.h>
#include "hvm_save_env.h"

#define ALL_EMU (XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC | XEN_X86_EMU_PIT | \
		 XEN_X86_EMU_IOAPIC)
#define PVH_EMU XEN_X86_EMU_LAPIC

/* Typecodes (public/arch-x86/hvm/save.h). */
enum { T_CPU = 2, T_PIC, T_IOAPIC, T_LAPIC, T_LAPIC_REGS, T_PCI_IRQ,
       T_ISA_IRQ, T_PCI_LINK, T_PIT, T_MTRR = 14 };

/* The xAPIC page offsets (SDM vol.3 table 11-1) and x2APIC MSRs. */
#define A_ID 0x20
#define A_VER 0x30
#define A_TPR 0x80
#define A_EOI 0xb0
#define A_LDR 0xd0
#define A_DFR 0xe0
#define A_SVR 0xf0
#define A_ISR 0x100
#define A_TMR 0x180
#define A_IRR 0x200
#define A_ESR 0x280
#define A_ICR 0x300
#define A_ICR2 0x310
#define A_LVTT 0x320
#define A_LINT0 0x350
#define A_LVTERR 0x370
#define A_TMICT 0x380
#define A_TDCR 0x3e0
#define MSR(a) (0x800 + ((a) >> 4))
#define APIC_EN 0x800ULL
#define APIC_EXTD 0x400ULL
#define APIC_BSP 0x100ULL

/* A record's body as its type. */
#define PIC(b) ((struct hvm_hw_vpic *)(b))
#define IOAPIC(b) ((struct hvm_hw_vioapic *)(b))
#define PIT(b) ((struct hvm_hw_pit *)(b))
#define LAPIC(b) ((struct hvm_hw_lapic *)(b))

static struct domain dom;
static struct vcpu vc[NV];
static struct hvm_vcpu hv[NV];
static struct hvm_save_ctx sctx = { .d = &dom };
static struct x86_policy policy;

/* --- The CPU and MTRR hooks: no vCPU is up (no CPU records) --- */

static bool f_exists(void *ctx, unsigned int id)
{
	return dom.vcpu[id];
}

static bool f_up(void *ctx, unsigned int id)
{
	return false;
}

static void f_get_cpu(void *ctx, unsigned int id, struct hvm_cpu_ctx *c)
{
}

static void f_down_all(void *ctx)
{
}

static void f_set_cpu(void *ctx, unsigned int id,
		      const struct hvm_cpu_ctx *c)
{
}

static void f_set_mtrr(void *ctx, unsigned int id,
		       const struct hvm_hw_mtrr *m)
{
}

static void f_get_mtrr(void *ctx, unsigned int id, struct hvm_hw_mtrr *m)
{
	memset(m, 0, sizeof(*m));
	m->msr_pat_cr = 0x0007040600070406ULL;
}

static struct hvm_save_env env;

static inline void setup(u32 emu)
{
	for (unsigned int i = 0; i < NV; i++)
		if (hv[i].vlapic)
			vlapic_destroy(&vc[i]);
	hvm_platform_destroy(&dom);
	memset(&dom, 0, sizeof(dom));
	memset(vc, 0, sizeof(vc));
	memset(hv, 0, sizeof(hv));
	memset(kicks, 0, sizeof(kicks));
	nr_timers = 0;
	fake_now = 1000000;
	dom.max_vcpus = NV;
	dom.emulation_flags = emu;
	CHECK_EQ(hvm_platform_create(&dom), 0);
	for (unsigned int i = 0; i < NV; i++) {
		vc[i] = (struct vcpu){ .vcpu_id = i, .domain = &dom,
				       .hvm = &hv[i], .processor = i };
		dom.vcpu[i] = &vc[i];
		CHECK_EQ(vlapic_init(&vc[i]), 0);
		/* A platform's APIC starts in xAPIC mode; these tests drive
		 * it through the x2APIC MSRs, so switch as a guest would. */
		if (emu & XEN_X86_EMU_PIC)
			CHECK_EQ(vlapic_set_base_msr(&vc[i],
				 vlapic_base_msr(&vc[i]) | APIC_EXTD), 0);
	}
	env = (struct hvm_save_env){ .ctx = &sctx, .policy = &policy,
		.max_vcpus = NV, .cpuid1_eax = 0x00a20f12, .gtsc_khz = 2000000,
		.mxcsr_mask = 0xffff, .vcpu_exists = f_exists, .vcpu_up = f_up,
		.get_cpu = f_get_cpu, .get_mtrr = f_get_mtrr,
		.down_all = f_down_all, .set_cpu = f_set_cpu,
		.set_mtrr = f_set_mtrr };
	hvm_save_env_devices(&env, &dom);
}

static inline struct hvm_platform *plat(void)
{
	return hvm_platform(&dom);
}

static inline void save(struct image *im)
{
	long len = hvm_save_image(&env, im->b, sizeof(im->b));

	CHECK(len > 0 && (size_t)len <= hvm_save_size(NV));
	im->len = len > 0 ? len : 0;
}

static inline int load(const struct image *im)
{
	return hvm_load_image(&env, im->b, im->len);
}

/* --- The guest's and the device model's accesses --- */

static inline void outb(u16 port, u8 val)
{
	const struct hvm_port_ops *ops = port >= 0x40 && port <= 0x61 ?
		&hvm_platform_pit_ops : &hvm_platform_pic_ops;
	u32 x = val;

	CHECK_EQ(ops->access(&vc[0], port, 1, false, &x), 0);
}

static inline void ioapic_wr(u32 reg, u32 val)
{
	CHECK_EQ(hvm_platform_ioapic_ops.write(&vc[0], 0xfec00000, 4, reg), 0);
	CHECK_EQ(hvm_platform_ioapic_ops.write(&vc[0], 0xfec00010, 4, val), 0);
}

static inline void apic_wr(unsigned int i, u32 msr, u64 val)
{
	CHECK_EQ(vlapic_msr_write(&vc[i], msr, val), 0);
}

static inline u64 apic_rd(unsigned int i, u32 msr)
{
	u64 val = 0;

	CHECK_EQ(vlapic_msr_read(&vc[i], msr, &val), 0);
	return val;
}

static inline void xapic_wr(unsigned int i, u32 off, u32 val)
{
	CHECK(vlapic_mmio_ops.claims(&vc[i], 0xfee00000 + off));
	CHECK_EQ(vlapic_mmio_ops.write(&vc[i], 0xfee00000 + off, 4, val), 0);
}

static inline bool irr_has(unsigned int i, u8 vec)
{
	return vc[i].hvm->vlapic->irr[vec / 32] & (1U << (vec % 32));
}

static inline u32 page_reg(u8 *regs, u32 off)
{
	u32 v;

	memcpy(&v, regs + off, 4);
	return v;
}

static inline void page_set(u8 *regs, u32 off, u32 v)
{
	memcpy(regs + off, &v, 4);
}

/*
 * Everything at once, as Linux and a device model leave it: the PICs at
 * 0x30/0x38 with rotation, IRQ 9 level, ISA IRQ 1 and a PCI wire (device
 * 0 INTA: GSI 16 and, through link 0 routed to IRQ 9, GSI 9) asserted;
 * IO-APIC pin 16 level to vCPU 1, delivered and awaiting its EOI; PIT
 * channel 0 at 100 Hz, channel 2 as the speaker; vCPU 0 in x2APIC mode
 * with its timer periodic, LINT0 ExtINT, a vector in service and one
 * pending, an ESR error latched; vCPU 1 in xAPIC mode, cluster logical
 * ID.
 */
static inline void busy(void)
{
	setup(ALL_EMU);
	apic_wr(0, MSR(A_SVR), 0x1ff);
	apic_wr(0, MSR(A_TPR), 0x20);
	apic_wr(0, MSR(A_LINT0), 0x700);
	apic_wr(0, MSR(A_TDCR), 0xb);			/* divide by 1 */
	apic_wr(0, MSR(A_LVTT), 0x200ef);			/* periodic, 0xef */
	apic_wr(0, MSR(A_TMICT), 100000);			/* 1 ms */
	vlapic_set_irq(&vc[0], 0x61);
	vlapic_ack_irq(&vc[0], 0x61);
	vlapic_set_irq(&vc[0], 0x62);
	apic_wr(0, MSR(A_ICR), 0x4005);			/* illegal vector */
	apic_wr(0, MSR(A_ESR), 0);
	CHECK_EQ(apic_rd(0, MSR(A_ESR)), 0x20);
	CHECK_EQ(vlapic_set_base_msr(&vc[1], 0), 0);	/* x2APIC -> off */
	CHECK_EQ(vlapic_set_base_msr(&vc[1], 0xfee00000 | APIC_EN), 0);
	xapic_wr(1, A_SVR, 0x1ff);
	xapic_wr(1, A_DFR, 0);				/* cluster */
	xapic_wr(1, A_LDR, 0x12000000);
	xapic_wr(1, A_ICR2, 0x02000000);
	/* PICs: ICW1-4, IMRs, slave IR1 level, priority IR3 lowest, read
	 * ISR on the master. */
	outb(0x20, 0x11); outb(0x21, 0x30); outb(0x21, 0x04); outb(0x21, 0x01);
	outb(0xa0, 0x11); outb(0xa1, 0x38); outb(0xa1, 0x02); outb(0xa1, 0x01);
	outb(0x21, 0xf8); outb(0xa1, 0xfd);
	outb(0x4d1, 0x02);
	outb(0x20, 0xc3);
	outb(0x20, 0x0b);
	/* IO-APIC: ID 3; pin 16 level, vector 0x51 to APIC ID 2; pin 2
	 * edge, masked. */
	ioapic_wr(0, 3 << 24);
	ioapic_wr(0x10 + 2 * 16 + 1, 2 << 24);
	ioapic_wr(0x10 + 2 * 16, 0x8051);
	ioapic_wr(0x10 + 2 * 2, 0x10050);
	/* PIT: channel 0 mode 2 at 100 Hz, channel 2 mode 3, GATE2 on. */
	outb(0x43, 0x34); outb(0x40, 11932 & 0xff); outb(0x40, 11932 >> 8);
	outb(0x43, 0xb6); outb(0x42, 0x34); outb(0x42, 0x12);
	outb(0x61, 3);
	/* The device model: IRQ 1; link 0 -> IRQ 9; device 0 INTA. */
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 1, 1), 0);
	CHECK_EQ(virq_set_pci_link_route(dom.virq, 0, 9), 0);
	CHECK_EQ(virq_set_pci_intx_level(dom.virq, 0, 0, 0, 0, 1), 0);
	CHECK(irr_has(1, 0x51));
}

#endif
