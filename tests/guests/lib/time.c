/*
 * Xen system time from the TSC: CPUID 0x40000003 subleaf 0 ECX is the
 * TSC frequency in kHz; subleaf 1 gives the TSC value at system time 0
 * (EBX:EAX) and the pvclock scale (ECX = mul, EDX = signed shift), so
 * system_time = ((tsc - base) << shift, or >> -shift) * mul >> 32.
 */
#include "lib.h"

struct time_info time_info;

void time_init(void)
{
	struct cpuid c;

	time_info.valid = false;
	if (cpuid(0x40000000).a < 0x40000003)
		return;
	c = cpuid_count(0x40000003, 0);
	time_info.tsc_khz = c.c;
	c = cpuid_count(0x40000003, 1);
	time_info.tsc_base = c.a | ((u64)c.b << 32);
	time_info.mul = c.c;
	time_info.shift = (s8)c.d;
	time_info.valid = time_info.mul != 0;
}

u64 tsc_to_ns(u64 delta)
{
	if (time_info.shift < 0)
		delta >>= -time_info.shift;
	else
		delta <<= time_info.shift;
	return (u64)(((unsigned __int128)delta * time_info.mul) >> 32);
}

u64 now_ns(void)
{
	u64 tsc = rdtsc();

	/* The base is in this vCPU's TSC and may have wrapped (a TSC that
	 * started at 0 after Xen's system time did): compare differences. */
	u64 delta = tsc - time_info.tsc_base;

	return (s64)delta > 0 ? tsc_to_ns(delta) : 0;
}

void sleep_until(u64 deadline)
{
	while (now_ns() < deadline) {
		hyp_set_timer_op(deadline);
		safe_halt();
	}
	hyp_set_timer_op(0);
}

void sleep_ms(u64 ms)
{
	sleep_until(now_ns() + ms * NS_PER_MS);
}
