/*
 * set_timer_op wakes a halted vCPU: HLT (with IF = 1: HLT with IF = 0
 * takes the vCPU down in Xen) returns once the deadline passed, not
 * before, and not seconds later.  Also: a cancelled timer does not fire,
 * a deadline in the past wakes at once, and SCHEDOP_block returns at the
 * timer too.
 */
#include "lib.h"
#include <public/vcpu.h>

#define SLACK_NS 50000UL		/* rounding between TSC and timers */
#define LATE_NS (2 * NS_PER_SEC)

/* One HLT (no loop: an early return must be seen). */
static u64 halt_once(void)
{
	u64 t0 = now_ns();

	safe_halt();
	return now_ns() - t0;
}

static void check_elapsed(const char *what, u64 t0, u64 want_ns)
{
	u64 el = now_ns() - t0;

	report(el + SLACK_NS >= want_ns && el < LATE_NS,
	       "%s: woke after %lu.%03lu ms (want >= %lu ms, < 2 s)", what,
	       el / NS_PER_MS, el / 1000 % 1000, want_ns / NS_PER_MS);
}

static void check_hlt(void)
{
	u64 t0 = now_ns();
	long rc = hyp_set_timer_op(t0 + 20 * NS_PER_MS);

	report(rc == 0, "set_timer_op(now + 20 ms) = %ld", rc);
	safe_halt();
	check_elapsed("HLT, timer at +20 ms", t0, 20 * NS_PER_MS);
}

static void check_cancel(void)
{
	u64 t0 = now_ns();

	/* Arm +10 ms, cancel, re-arm +50 ms: waking before 50 ms means the
	 * cancelled timer fired. */
	hyp_set_timer_op(t0 + 10 * NS_PER_MS);
	report(hyp_set_timer_op(0) == 0, "set_timer_op(0) cancels");
	hyp_set_timer_op(t0 + 50 * NS_PER_MS);
	safe_halt();
	check_elapsed("HLT after cancel, timer at +50 ms", t0, 50 * NS_PER_MS);
}

static void check_past(void)
{
	u64 t0 = now_ns(), el;

	hyp_set_timer_op(t0 - NS_PER_MS);
	el = halt_once();
	report(el < 100 * NS_PER_MS, "deadline in the past wakes at once (%lu us)",
	       el / 1000);
}

/*
 * VCPUOP_set_singleshot_timer with a time before 0 (as a signed value)
 * fires at once, as Xen's does (the hypervisor arms it for time 0, which
 * its LAPIC programming once took for "disarm": the vCPU then slept until
 * some other timer of its pCPU happened to fire).
 */
static void check_singleshot_zero(void)
{
	struct vcpu_set_singleshot_timer set = { .timeout_abs_ns = ~0ULL };
	u64 t0 = now_ns(), el;
	long rc;

	rc = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer,
		       my_vcpu_id, (unsigned long)&set, 0, 0);
	report(rc == 0, "set_singleshot_timer(-1) = %ld", rc);
	el = halt_once();
	report(el < 5 * NS_PER_MS, "singleshot at time < 0 wakes at once (%lu us)",
	       el / 1000);
	(void)t0;
}

static void check_block(void)
{
	u64 t0 = now_ns();
	long rc;

	/* SCHEDOP_block is PV-style: it does not need IF = 1. */
	hyp_set_timer_op(t0 + 20 * NS_PER_MS);
	rc = hyp_block();
	report(rc == 0, "SCHEDOP_block returned %ld", rc);
	check_elapsed("SCHEDOP_block, timer at +20 ms", t0, 20 * NS_PER_MS);
}

static void check_yield(void)
{
	report(hyp_yield() == 0, "SCHEDOP_yield returns 0");
}

int main(void)
{
	if (!time_info.valid) {
		report_info("no Xen time leaf (CPUID 0x40000003)");
		return TEST_ERROR;
	}
	report_info("TSC %u kHz, system time now %lu ms", time_info.tsc_khz,
		    now_ns() / NS_PER_MS);
	check_yield();
	check_hlt();
	check_cancel();
	check_past();
	check_singleshot_zero();
	check_block();
	/* A longer one: 200 ms in one go. */
	{
		u64 t0 = now_ns();

		hyp_set_timer_op(t0 + 200 * NS_PER_MS);
		safe_halt();
		check_elapsed("HLT, timer at +200 ms", t0, 200 * NS_PER_MS);
	}
	return report_result();
}
