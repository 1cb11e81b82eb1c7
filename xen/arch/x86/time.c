/*
 * TSC calibration.  The TSC is counted against a platform timer of known
 * frequency: the ACPI PM timer (3.579545 MHz, FADT) when present, else PIT
 * channel 2 (1.193182 MHz) gated through port 0x61.  The LAPIC timer is then
 * calibrated against the TSC.  Emulators run both clocks from the same
 * virtual time, so the result is as good there as on hardware; under QEMU
 * -icount it is exact and repeatable.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <xen/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/processor.h>

#define PMTMR_HZ 3579545ULL
#define PIT_HZ 1193182ULL
#define CALIBRATE_MS 50

u64 cpu_khz;
u32 lapic_timer_khz;
bool cpu_has_tsc_deadline;

static u64 tsc_at_boot;
/* ns = (tsc * mul) >> 32, split to avoid overflow (see tsc_to_ns). */
static u64 tsc_to_ns_mul;

/* TSC ticks in CALIBRATE_MS, measured on the ACPI PM timer. */
static u64 calibrate_pmtmr(u16 port, bool wide)
{
	u32 mask = wide ? 0xffffffff : 0xffffff;
	u32 want = PMTMR_HZ * CALIBRATE_MS / 1000, start, now;
	u64 t0, t1;

	start = inl(port) & mask;
	t0 = rdtsc();
	do {
		now = inl(port) & mask;
	} while (((now - start) & mask) < want);
	t1 = rdtsc();
	/* Scale to the exact interval the PM timer counted. */
	return (t1 - t0) * want / ((now - start) & mask);
}

/* TSC ticks in CALIBRATE_MS, measured on PIT channel 2 (mode 0). */
static u64 calibrate_pit(void)
{
	u32 count = PIT_HZ * CALIBRATE_MS / 1000;
	u64 t0, t1;
	u8 p61 = inb(0x61);

	outb((p61 & ~0x02) | 0x01, 0x61);	/* gate on, speaker off */
	outb(0xb0, 0x43);			/* ch2, lo/hi, mode 0, binary */
	outb(count & 0xff, 0x42);
	outb(count >> 8, 0x42);
	t0 = rdtsc();
	for (u64 i = 0; !(inb(0x61) & 0x20); i++)
		if (i > 100000000)
			panic("time: PIT channel 2 never counted down: no "
			      "platform timer to calibrate the TSC against");
	t1 = rdtsc();
	outb(p61, 0x61);
	return t1 - t0;
}

/* LAPIC timer ticks (divide by 1) per ms, against the now-known TSC. */
static u32 calibrate_lapic_timer(void)
{
	u64 end;
	u32 left;

	apic_write(APIC_TDCR, 0xb);		/* divide by 1 */
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TMICT, 0xffffffff);
	end = rdtsc() + cpu_khz * 10;
	while (rdtsc() < end)
		cpu_relax();
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	return (0xffffffffU - left) / 10;
}

void time_init(const struct acpi_info *ai)
{
	const char *src;
	u64 ticks;

	if (ai->fadt.pm_tmr_port) {
		ticks = calibrate_pmtmr(ai->fadt.pm_tmr_port, ai->fadt.pm_tmr_32bit);
		src = "ACPI PM timer";
	} else {
		ticks = calibrate_pit();
		src = "PIT";
	}
	cpu_khz = ticks / CALIBRATE_MS;
	if (!cpu_khz)
		panic("time: TSC calibration against the %s gave 0 kHz", src);
	tsc_to_ns_mul = (1000000ULL << 32) / cpu_khz;
	tsc_at_boot = rdtsc();
	cpu_has_tsc_deadline = cpuid_ecx(1) & (1U << 24);
	lapic_timer_khz = calibrate_lapic_timer();
	printk("time: TSC %lu.%03lu MHz (calibrated against the %s), "
	       "LAPIC timer %u kHz, TSC-deadline %s\n",
	       (unsigned long)(cpu_khz / 1000), (unsigned long)(cpu_khz % 1000),
	       src, lapic_timer_khz, cpu_has_tsc_deadline ? "yes" : "no");
}

s_time_t tsc_to_ns(u64 tsc)
{
	/* (tsc * mul) >> 32 in 128 bits: mul exceeds 2^32 for a TSC below
	 * 1 GHz (Bochs runs at 100 MHz), where a 64-bit split overflows. */
	return (s_time_t)(((unsigned __int128)tsc * tsc_to_ns_mul) >> 32);
}

u64 ns_to_tsc(s_time_t ns)
{
	if (ns <= 0)
		return 0;
	return (u64)ns / 1000000 * cpu_khz + (u64)ns % 1000000 * cpu_khz / 1000000;
}

s_time_t NOW(void)
{
	return tsc_to_ns(rdtsc() - tsc_at_boot);
}

/*
 * The same conversion in Xen's pvclock form (public/xen.h vcpu_time_info):
 * scale the TSC delta by 2^shift, then multiply by mul / 2^32.  mul must fit
 * in 32 bits, so shift right until it does (fast TSCs) or left while there
 * is headroom (slow TSCs, keeps precision).
 */
void time_pvclock_scale(u32 *mul, s8 *shift)
{
	u64 m = tsc_to_ns_mul;		/* ns per tick, 32.32 fixed point */
	int s = 0;

	while (m > 0xffffffffULL) {
		m >>= 1;
		s++;
	}
	while (m && m < 0x80000000ULL && s > -31) {
		m <<= 1;
		s--;
	}
	*mul = m;
	*shift = s;
}

u64 time_tsc_at_boot(void)
{
	return tsc_at_boot;
}

void udelay(unsigned long us)
{
	u64 end = rdtsc() + cpu_khz * us / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

void mdelay(unsigned long ms)
{
	while (ms--)
		udelay(1000);
}
