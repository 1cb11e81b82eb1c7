/*
 * The vLAPIC in xAPIC mode, through its MMIO page at 0xfee00000 (SDM
 * vol.3 11.4.1, table 11-1), as HVM firmware and legacy OSes use it.  The
 * vCPUs start in x2APIC mode; each leaves it the one way the SDM allows
 * (11.12.5: clear EN and EXTD, then set EN) after checking that the
 * direct way raises #GP.  Then, through the page: the ID and version; a
 * self IPI; CR8 as the TPR (written, read, masking a self IPI); the
 * timer periodic every 1 ms, counted against Xen system
 * time, each interrupt ended by an EOI to the page; and an IPI through
 * ICR_HI/ICR_LO to vCPU 1, itself in xAPIC mode, which answers with one
 * back.  Every access to the page is an emulated MMIO access (nested
 * page fault -> instruction emulator -> the vLAPIC's MMIO handler).
 *
 * Needs 2 vCPUs (dom0 on 2 pCPUs); with one, the cross-vCPU part skips.
 */
#include "lib.h"
#include <public/vcpu.h>

#define MSR_APIC_BASE 0x1b
#define BASE_BSP (1ULL << 8)
#define BASE_EXTD (1ULL << 10)
#define BASE_EN (1ULL << 11)
#define APIC_PAGE 0xfee00000ULL

/* xAPIC offsets (SDM vol.3 table 11-1). */
#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define ICR_SELF (1U << 18)
#define ICR_STATUS (1U << 12)
#define LVT_PERIODIC (1U << 17)
#define VEC_TIMER 0x40
#define VEC_SELF 0x41
#define VEC_PING 0x42
#define VEC_PONG 0x43
#define VEC_SELF2 0x44
/* 100 MHz APIC bus (Xen's APIC_BUS_CYCLE_NS = 10), divide by 1. */
#define TICKS_PER_MS 100000U
#define RUN_MS 100

static u64 apic_pd[512] __attribute__((aligned(4096)));
static u8 ap_stack[8192] __attribute__((aligned(16)));
static volatile unsigned int count[256];
static volatile unsigned int ap_ready;
static volatile bool ap_failed;

static u32 apic_read(unsigned int off)
{
	return *(volatile u32 *)(APIC_PAGE + off);
}

static void apic_write(unsigned int off, u32 val)
{
	*(volatile u32 *)(APIC_PAGE + off) = val;
}

/* Every handler counts its vector and ends it with an EOI to the page. */
static void on_irq(unsigned int vec)
{
	count[vec]++;
	apic_write(APIC_EOI, 0);
}

/* vCPU 1 answers a ping with a pong to ID 0. */
static void on_ping(unsigned int vec)
{
	count[vec]++;
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, VEC_PONG);
	apic_write(APIC_EOI, 0);
}

/* The identity map covers [0, 1 GiB): add the 2 MiB page holding the
 * APIC page, uncached, in the fourth GiB. */
static void map_apic_page(void)
{
	boot_pdpt[3] = (u64)apic_pd | PTE_P | PTE_W;
	apic_pd[(APIC_PAGE >> 21) & 511] = (APIC_PAGE & ~((2ULL << 20) - 1)) |
					   PTE_P | PTE_W | PTE_PS | 0x18;
	write_cr3(read_cr3());
}

/* x2APIC -> disabled -> xAPIC.  False (and reported on vCPU 0) if a step
 * misbehaved. */
static bool leave_x2apic(bool quiet)
{
	u64 base = rdmsr(MSR_APIC_BASE), v;
	bool ok = true;

	ok &= wrmsr_safe(MSR_APIC_BASE, (base & ~BASE_EXTD)) == GP_VECTOR;
	ok &= wrmsr_safe(MSR_APIC_BASE, base & ~(BASE_EN | BASE_EXTD)) ==
	      FAULT_NONE;
	ok &= wrmsr_safe(MSR_APIC_BASE, base | BASE_EXTD) == GP_VECTOR;
	ok &= wrmsr_safe(MSR_APIC_BASE, (base & ~BASE_EXTD)) == FAULT_NONE;
	ok &= rdmsr_safe(0x802, &v) == GP_VECTOR;	/* no x2APIC MSRs */
	if (!quiet)
		report(ok, "x2APIC -> xAPIC #GPs, x2APIC -> disabled -> xAPIC "
		       "works, x2APIC MSRs #GP (base now %#lx)",
		       rdmsr(MSR_APIC_BASE));
	return ok;
}

/* vCPU 1 (vcpu_start()): into xAPIC mode, then wait for pings with
 * interrupts on. */
static void ap_main(unsigned int id)
{
	if (!leave_x2apic(true) || apic_read(APIC_ID) != 2U << 24)
		ap_failed = true;
	apic_write(APIC_SVR, 0x1ff);
	__atomic_store_n(&ap_ready, 1, __ATOMIC_RELEASE);
	for (;;)
		safe_halt();
}

/* Wait with interrupts on until *@c reaches @n or @ms pass. */
static bool wait_count(volatile unsigned int *c, unsigned int n, u64 ms)
{
	u64 end = now_ns() + ms * NS_PER_MS;

	while (*c < n && now_ns() < end) {
		asm volatile("sti; nop; cli" ::: "memory");
		cpu_relax();
	}
	return *c >= n;
}

static void timer_periodic(void)
{
	unsigned int n, after;
	u64 t0, el;

	apic_write(APIC_TDCR, 0xb);			/* divide by 1 */
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
	report(apic_read(APIC_LVT_TIMER) == (LVT_PERIODIC | VEC_TIMER),
	       "LVT timer reads back periodic, vector %#x", VEC_TIMER);
	t0 = now_ns();
	apic_write(APIC_TMICT, TICKS_PER_MS);
	report(apic_read(APIC_TMCCT) <= TICKS_PER_MS,
	       "current count %u within the initial count",
	       apic_read(APIC_TMCCT));
	while ((el = now_ns() - t0) < RUN_MS * NS_PER_MS)
		safe_halt();
	apic_write(APIC_TMICT, 0);
	n = count[VEC_TIMER];
	/* Missed periods are dropped (a late emulated host), never added. */
	report(n >= RUN_MS / 10 && n <= el / NS_PER_MS + 1,
	       "periodic 1 ms timer: %u interrupts in %lu ms of system time",
	       n, el / NS_PER_MS);
	wait_count(&count[0], 1, 5);			/* 5 ms, IF on */
	after = count[VEC_TIMER];
	report(after == n, "stopped: %u more interrupts", after - n);
}

static u64 read_cr8(void)
{
	u64 v;

	asm volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static int write_cr8_safe(u64 v)
{
	fault_clear();
	asm volatile("1: mov %0, %%cr8\n2:\n" ASM_EXTABLE(1b, 2b)
		     : : "r"(v) : "memory");
	return fault_vector();
}

/* CR8 is TPR[7:4] both ways (SDM vol. 3 10.8.6.1), its bits 63:4 are
 * reserved, and it masks what it covers: a self IPI of priority class 4
 * waits while CR8 is 4 and arrives when CR8 drops. */
static void check_cr8(void)
{
	u32 tpr;
	int v;

	v = write_cr8_safe(5);
	tpr = apic_read(APIC_TPR);
	report(v == FAULT_NONE && tpr == 0x50, "CR8 = 5 sets the TPR to %#x", tpr);
	apic_write(APIC_TPR, 0x3f);
	report(read_cr8() == 3, "TPR 0x3f reads as CR8 %lu", read_cr8());
	v = write_cr8_safe(0x10);
	report(v == GP_VECTOR && read_cr8() == 3,
	       "CR8 bit 4 (reserved) raises #GP (%d), CR8 stays 3", v);
	write_cr8_safe(4);
	apic_write(APIC_ICR_LO, ICR_SELF | VEC_SELF);
	asm volatile("sti; nop; nop; nop; cli" ::: "memory");
	report(count[VEC_SELF] == 1, "a class-4 self IPI waits while CR8 is 4");
	write_cr8_safe(0);
	report(wait_count(&count[VEC_SELF], 2, 100), "and arrives once CR8 is 0");
}

int main(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	u32 id, ver, icr;

	report(base == (APIC_PAGE | BASE_EN | BASE_EXTD | BASE_BSP),
	       "starts in x2APIC mode at the default base (%#lx)", base);
	map_apic_page();
	for (unsigned int v = 0x40; v < 0x50; v++)
		irq_set_handler(v, on_irq);
	irq_set_handler(VEC_PING, on_ping);
	if (!leave_x2apic(false))
		return report_result();

	id = apic_read(APIC_ID);
	ver = apic_read(APIC_VERSION);
	report(id == 0, "xAPIC ID %#x (vCPU 0: 0 in bits 31:24)", id);
	report((ver & 0xff) == 0x14 && ((ver >> 16) & 0xff) == 5,
	       "version %#x: 0x14, max LVT 5", ver);
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_TPR, 0);

	/* A self IPI by shorthand, and one to our own ID. */
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, ICR_SELF | VEC_SELF);
	apic_write(APIC_ICR_LO, VEC_SELF2);
	icr = apic_read(APIC_ICR_LO);
	report(!(icr & ICR_STATUS), "ICR_LO delivery status idle (%#x)", icr);
	report(wait_count(&count[VEC_SELF], 1, 100) &&
	       wait_count(&count[VEC_SELF2], 1, 100),
	       "self IPIs by shorthand and by ID arrive");
	check_cr8();

	timer_periodic();

	/* vCPU 1 in xAPIC mode: ping it at ID 2, it pongs back to ID 0. */
	if (vcpu_start(1, ap_main, &ap_stack[sizeof(ap_stack)])) {
		report_skip("one vCPU: no IPI to another vCPU");
		return report_result();
	}
	if (!report(wait_count(&ap_ready, 1, 2000) &&
		    !ap_failed, "vCPU 1 left x2APIC mode; its xAPIC ID is 2"))
		return report_result();
	apic_write(APIC_ICR_HI, 2U << 24);
	apic_write(APIC_ICR_LO, VEC_PING);
	report(wait_count(&count[VEC_PONG], 1, 2000) && count[VEC_PING] == 1,
	       "IPI to vCPU 1 through ICR_HI/ICR_LO, and its answer");
	return report_result();
}
