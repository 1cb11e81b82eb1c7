/*
 * The initial domain of the multi-domain scenarios: blocks (set_timer_op
 * + HLT, no CPU used) for "sleep=<ms>" (default 1000) of system time
 * while the other domains run, then reports SUCCESS and powers the
 * machine off; the hypervisor prints every domain's runstate times then.
 * "tick=<ms>" prints a line every tick (default: no ticks).
 */
#include "lib.h"

int main(void)
{
	u64 ms = 1000, tick = 0, t0, end, next;

	if (!time_info.valid) {
		report_info("no Xen time leaf (CPUID 0x40000003)");
		return TEST_ERROR;
	}
	cmdline_get_u64("sleep", &ms);
	cmdline_get_u64("tick", &tick);
	t0 = now_ns();
	end = t0 + ms * NS_PER_MS;
	report_info("sleeping %lu ms", ms);
	if (tick) {
		for (next = t0 + tick * NS_PER_MS; next < end; next += tick * NS_PER_MS) {
			sleep_until(next);
			report_info("t+%lu ms", (now_ns() - t0) / NS_PER_MS);
		}
	}
	sleep_until(end);
	report(now_ns() >= end, "slept %lu ms of system time",
	       (now_ns() - t0) / NS_PER_MS);
	return report_result();
}
