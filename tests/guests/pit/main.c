/*
 * The emulated PIT and the interrupt controllers of a domain built with
 * "domain=<name>,platform" (hvm/platform.h), as firmware and an OS use
 * them:
 *  - channel 2 as Linux's pit_calibrate_tsc() uses it: gate on through
 *    port 0x61, mode 0, poll OUT (port 0x61 bit 5) until the terminal
 *    count, which must come when the count says (PV-clock time);
 *  - channel 0 in mode 2 at ~1 kHz (count 1193), IRQ 0 through the 8259A
 *    pair set up as SeaBIOS does (ICW1-4, everything masked, then IRQ 0
 *    unmasked) and the BSP's LVT LINT0 in ExtINT mode: the ticks counted
 *    over a PV-clock interval must match the rate within 5%, and none
 *    may come once the PIT is shut down (mode 0, as Linux does);
 *  - with via=ioapic, IRQ 0 through the IO-APIC instead (pin 2: Xen's
 *    MADT override of IRQ 0) to a fixed vector, the PIC masked, LINT0
 *    masked, each tick ended with an EOI to the x2APIC.
 * Options: via=pic|ioapic (default pic), ms=<measuring interval>.
 */
#include "lib.h"

#define PIT_HZ 1193182ULL
#define TICK_COUNT 1193			/* 1000.15 Hz */
#define CAL_LATCH 11932			/* 10 ms, as Linux's calibration */

#define VEC_PIC 0x20			/* ICW2 of the master */
#define VEC_IOAPIC 0x30

/* x2APIC registers as MSRs (SDM vol.3 11.12.1.2). */
#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1ULL << 10)
#define MSR_X2APIC_EOI 0x80b
#define MSR_X2APIC_SVR 0x80f
#define MSR_X2APIC_LVT_LINT0 0x835
#define LVT_MASKED (1U << 16)
#define LVT_EXTINT (7U << 8)

#define IOAPIC_BASE 0xfec00000ULL
#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10

static volatile u64 ticks;
static u64 ioapic_pd[512] __attribute__((aligned(4096)));

static void on_tick_pic(unsigned int vec)
{
	ticks++;
	outb(0x20, 0x20);			/* OCW2: non-specific EOI */
}

static void on_tick_ioapic(unsigned int vec)
{
	ticks++;
	wrmsr(MSR_X2APIC_EOI, 0);
}

/* SeaBIOS's pic_setup(): both chips initialised, everything masked. */
static void pic_init(void)
{
	outb(0x20, 0x11);			/* ICW1: edge, cascade, ICW4 */
	outb(0x21, VEC_PIC);			/* ICW2 */
	outb(0x21, 0x04);			/* ICW3: slave on IR2 */
	outb(0x21, 0x01);			/* ICW4: 8086 mode */
	outb(0xa0, 0x11);
	outb(0xa1, VEC_PIC + 8);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/* The identity map covers [0, 1 GiB): add the IO-APIC's 2 MiB page,
 * uncached, in the fourth GiB. */
static void ioapic_map(void)
{
	boot_pdpt[3] = (u64)ioapic_pd | PTE_P | PTE_W;
	ioapic_pd[(IOAPIC_BASE >> 21) & 511] =
		(IOAPIC_BASE & ~((2ULL << 20) - 1)) | PTE_P | PTE_W | PTE_PS | 0x18;
	write_cr3(read_cr3());
}

static u32 ioapic_read(u32 reg)
{
	*(volatile u32 *)(IOAPIC_BASE + IOAPIC_IOREGSEL) = reg;
	return *(volatile u32 *)(IOAPIC_BASE + IOAPIC_IOWIN);
}

static void ioapic_write(u32 reg, u32 val)
{
	*(volatile u32 *)(IOAPIC_BASE + IOAPIC_IOREGSEL) = reg;
	*(volatile u32 *)(IOAPIC_BASE + IOAPIC_IOWIN) = val;
}

/* Linux's pit_calibrate_tsc(): channel 2, mode 0, gate on, speaker off,
 * then poll OUT. */
static void check_calibration(void)
{
	u64 want = CAL_LATCH * 1000000000ULL / PIT_HZ, t0, el;
	bool low_at_start;
	unsigned long polls = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);			/* ch 2, lobyte/hibyte, mode 0 */
	outb(0x42, CAL_LATCH & 0xff);
	outb(0x42, CAL_LATCH >> 8);
	t0 = now_ns();
	low_at_start = !(inb(0x61) & 0x20);
	while (!(inb(0x61) & 0x20) && now_ns() - t0 < NS_PER_SEC)
		polls++;
	el = now_ns() - t0;
	report(low_at_start, "channel 2 OUT low after the count is written");
	/* Counting began when the count was written, a little before t0. */
	report(el + 100000 >= want && el < want + 20 * NS_PER_MS,
	       "channel 2 mode 0: OUT high after %lu us (want %lu us), %lu polls",
	       el / 1000, want / 1000, polls);
}

/* Channel 0, mode 2 at TICK_COUNT; count ticks over @ms once the first
 * has come; then shut the PIT down and check the ticks stop. */
static void check_rate(const char *via, u64 ms)
{
	u64 t0, t1, n0, n1, want, n, after;

	ticks = 0;
	outb(0x43, 0x34);			/* ch 0, lobyte/hibyte, mode 2 */
	outb(0x40, TICK_COUNT & 0xff);
	outb(0x40, TICK_COUNT >> 8);
	/* HLT until the first tick; set_timer_op ends a wait for none. */
	t0 = now_ns();
	hyp_set_timer_op(t0 + NS_PER_SEC);
	while (!ticks && now_ns() - t0 < NS_PER_SEC)
		safe_halt();
	hyp_set_timer_op(0);
	if (!report(ticks, "%s: the first tick came (after %lu us)", via,
		    (now_ns() - t0) / 1000))
		return;
	t0 = now_ns();
	n0 = ticks;
	sleep_until(t0 + ms * NS_PER_MS);
	t1 = now_ns();
	n1 = ticks;
	n = n1 - n0;
	want = (t1 - t0) * PIT_HZ / TICK_COUNT / 1000000000ULL;
	report(n + want / 20 + 2 >= want && n <= want + want / 20 + 2,
	       "%s: %lu ticks in %lu ms (want %lu, 1000.15 Hz, within 5%%)",
	       via, n, (t1 - t0) / NS_PER_MS, want);
	/* Linux's shutdown: mode 0, count 0.  At most the tick in flight
	 * may still arrive. */
	outb(0x43, 0x30);
	outb(0x40, 0);
	outb(0x40, 0);
	after = ticks;
	sleep_until(now_ns() + 50 * NS_PER_MS);
	report(ticks - after <= 1, "%s: %lu ticks in 50 ms after the PIT "
	       "was shut down", via, ticks - after);
}

static void via_pic(u64 ms)
{
	pic_init();
	wrmsr(MSR_X2APIC_LVT_LINT0, LVT_EXTINT);
	irq_set_handler(VEC_PIC, on_tick_pic);
	outb(0x21, 0xfe);			/* IRQ 0 only */
	report(inb(0x21) == 0xfe, "PIC: IMR reads back 0xfe");
	check_rate("PIC + LINT0 ExtINT", ms);
	outb(0x21, 0xff);
}

static void via_ioapic(u64 ms)
{
	u32 ver;

	pic_init();
	wrmsr(MSR_X2APIC_LVT_LINT0, LVT_MASKED | LVT_EXTINT);
	ioapic_map();
	ver = ioapic_read(0x01);
	report(ver == 0x2f0011, "IO-APIC version %#x (Xen 4.17: 0x11, 48 pins)",
	       ver);
	irq_set_handler(VEC_IOAPIC, on_tick_ioapic);
	/* Pin 2: fixed, edge, active high, physical destination APIC ID 0. */
	ioapic_write(0x10 + 2 * 2 + 1, 0);
	ioapic_write(0x10 + 2 * 2, VEC_IOAPIC);
	report(ioapic_read(0x10 + 2 * 2) == VEC_IOAPIC,
	       "IO-APIC: redirection entry 2 reads back");
	check_rate("IO-APIC pin 2", ms);
	ioapic_write(0x10 + 2 * 2, 1U << 16);
}

int main(void)
{
	char via[16] = "pic";
	u64 ms = 500;

	cmdline_get_str("via", via, sizeof(via));
	cmdline_get_u64("ms", &ms);
	/* The platform's APIC starts in xAPIC mode, as after a reset: into
	 * x2APIC mode (SDM vol.3 11.12.5).  Fixed interrupts need it
	 * software-enabled; LINT0 writes are forced masked until then
	 * (11.4.7.2). */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_EXTD);
	wrmsr(MSR_X2APIC_SVR, 0x1ff);
	check_calibration();
	if (!strcmp(via, "ioapic"))
		via_ioapic(ms);
	else
		via_pic(ms);
	return report_result();
}
