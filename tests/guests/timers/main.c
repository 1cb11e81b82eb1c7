/*
 * Every vCPU of the domain arms all four of its hypervisor timers at once
 * - set_timer_op (the singleshot/wake timer), VCPUOP_set_periodic_timer,
 * the vLAPIC timer (masked) and SCHEDOP_poll's timeout - and then checks
 * that the ones it waits for wake it on time.  Run in many domains with
 * many vCPUs at once it puts hundreds of timers in the hypervisor's
 * queues at the same moment (once, more than a pCPU's queue could hold
 * panicked the host).
 *
 * vCPU 0 starts the others (VCPUOP_initialise in 64-bit mode + VCPUOP_up,
 * public/vcpu.h and public/hvm/hvm_vcpu.h), does the same work, waits for
 * them and reports; the others record their results in memory and take
 * themselves down.  Only vCPU 0 prints (the console is per domain).
 *
 * Phases, on every vCPU:
 *  1. arm: vLAPIC one-shot ~86 s (masked), periodic every 30 s, wake at
 *     +30 s; then meet the others (a barrier, waiting in SCHEDOP_poll
 *     with a timeout, which arms the fourth timer): all armed together.
 *  2. "rounds=" polls with a 10-30 ms timeout: each returns no earlier
 *     than its timeout (the far wake and periodic timers must not fire).
 *  3. periodic every 20 ms, wake far: HLT returns after >= 20 ms.
 *  4. set_timer_op(+15 ms), periodic stopped: HLT returns after >= 15 ms.
 */
#include "lib.h"
#include <public/vcpu.h>

#define MAX_VCPUS 64
#define AP_STACK 8192
#define SLACK_NS 50000UL	/* rounding between TSC and timers */
/* 100+ vCPUs share 2 emulated pCPUs: lateness is mostly emulation.  A
 * lost timer shows as a wait of FAR_NS (another timer ends it) or none. */
#define LATE_NS (8 * NS_PER_SEC)
#define FAR_NS (30 * NS_PER_SEC)
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_TMICT 0x838
#define MSR_X2APIC_TMCCT 0x839
#define LVT_MASKED (1U << 16)

struct vcpu_result {
	unsigned int failures;
	char first[120];	/* the first failed check */
	u64 worst_ns;		/* largest lateness seen */
	const char *worst_what;	/* and where */
	bool done;
};

static struct vcpu_result results[MAX_VCPUS];
static u8 ap_stacks[MAX_VCPUS][AP_STACK] __attribute__((aligned(16)));
static unsigned int nr_vcpus, rounds = 5;
static volatile unsigned int nr_armed;

static __printf(3, 4) void check(unsigned int id, bool ok,
				 const char *fmt, ...)
{
	struct vcpu_result *r = &results[id];
	va_list ap;

	if (ok)
		return;
	if (!r->failures++) {
		va_start(ap, fmt);
		vsnprintf(r->first, sizeof(r->first), fmt, ap);
		va_end(ap);
	}
}

/* Woke @el ns after starting to wait for a timer due @want ns later. */
static void check_woke(unsigned int id, const char *what, u64 el, u64 want)
{
	check(id, el + SLACK_NS >= want && el < LATE_NS,
	      "%s: woke after %lu us (want >= %lu us, < 8 s)", what,
	      el / 1000, want / 1000);
	if (el > want && el - want > results[id].worst_ns) {
		results[id].worst_ns = el - want;
		results[id].worst_what = what;
	}
}

/* SCHEDOP_poll on no ports: sleeps until the timeout (or a wake-up). */
static long poll_until(u64 deadline)
{
	struct sched_poll p = { .nr_ports = 0, .timeout = deadline };

	return hyp_sched_op(SCHEDOP_poll, &p);
}

static long set_periodic(unsigned int id, u64 period_ns)
{
	struct vcpu_set_periodic_timer set = { .period_ns = period_ns };

	return hyp_vcpu_op(VCPUOP_set_periodic_timer, id, &set);
}

static void phase_arm(unsigned int id)
{
	u64 t0 = now_ns();

	/* Default divider (2): 2^32 ticks of 20 ns, about 86 s. */
	wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED | 0xf0);
	wrmsr(MSR_X2APIC_TMICT, 0xffffffffU);
	check(id, set_periodic(id, FAR_NS) == 0, "set_periodic_timer(30 s)");
	check(id, hyp_set_timer_op(t0 + FAR_NS) == 0, "set_timer_op(+30 s)");
	__atomic_add_fetch(&nr_armed, 1, __ATOMIC_SEQ_CST);
	/* Meet the others: everyone's timers are armed together. */
	while (__atomic_load_n(&nr_armed, __ATOMIC_SEQ_CST) < nr_vcpus &&
	       now_ns() - t0 < LATE_NS)
		poll_until(now_ns() + 100 * NS_PER_MS);
	check(id, nr_armed == nr_vcpus, "only %u of %u vCPUs armed in 8 s",
	      nr_armed, nr_vcpus);
	check(id, (u32)rdmsr(MSR_X2APIC_TMCCT) != 0,
	      "vLAPIC timer not counting");
}

static void phase_poll(unsigned int id)
{
	for (unsigned int i = 0; i < rounds; i++) {
		u64 want = (10 + (id * 7 + i * 3) % 21) * NS_PER_MS;
		u64 t0 = now_ns();
		long rc = poll_until(t0 + want);

		check(id, rc == 0, "poll round %u returned %ld", i, rc);
		/* A wake-up from elsewhere ends a poll early: only the
		 * timers above could send one, and they are far. */
		check_woke(id, "poll timeout", now_ns() - t0, want);
	}
}

static void phase_periodic_and_wake(unsigned int id)
{
	u64 t0 = now_ns();

	/* Re-arming the far wake-up also drops any stale one. */
	hyp_set_timer_op(t0 + FAR_NS);
	check(id, set_periodic(id, 20 * NS_PER_MS) == 0,
	      "set_periodic_timer(20 ms)");
	safe_halt();
	check_woke(id, "HLT, periodic 20 ms", now_ns() - t0, 20 * NS_PER_MS);
	check(id, hyp_vcpu_op(VCPUOP_stop_periodic_timer, id, NULL) == 0,
	      "stop_periodic_timer");
	t0 = now_ns();
	hyp_set_timer_op(t0 + 15 * NS_PER_MS);
	safe_halt();
	check_woke(id, "HLT, set_timer_op +15 ms", now_ns() - t0,
		   15 * NS_PER_MS);
	hyp_set_timer_op(0);
	wrmsr(MSR_X2APIC_TMICT, 0);
}

static void vcpu_work(unsigned int id)
{
	phase_arm(id);
	phase_poll(id);
	phase_periodic_and_wake(id);
	__atomic_store_n(&results[id].done, true, __ATOMIC_RELEASE);
}

/* A secondary vCPU (vcpu_start()). */
static void ap_main(unsigned int id)
{
	vcpu_work(id);
	hyp_vcpu_op(VCPUOP_down, id, NULL);
}

/* VCPUOP_is_up answers -ENOENT past the last vCPU. */
static unsigned int count_vcpus(void)
{
	unsigned int n = 1;

	while (n < MAX_VCPUS && hyp_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
		n++;
	return n;
}

static void wait_for_all(void)
{
	u64 t0 = now_ns();

	for (unsigned int id = 1; id < nr_vcpus; id++)
		while (!__atomic_load_n(&results[id].done, __ATOMIC_ACQUIRE) &&
		       now_ns() - t0 < 60 * NS_PER_SEC)
			poll_until(now_ns() + 100 * NS_PER_MS);
}

int main(void)
{
	u64 rounds_arg, worst = 0;
	const char *worst_what = "-";

	if (!time_info.valid) {
		report_info("no Xen time leaf (CPUID 0x40000003)");
		return TEST_ERROR;
	}
	if (cmdline_get_u64("rounds", &rounds_arg))
		rounds = rounds_arg;
	nr_vcpus = count_vcpus();
	report_info("%u vCPUs, %u poll rounds each", nr_vcpus, rounds);
	for (unsigned int id = 1; id < nr_vcpus; id++) {
		long rc = vcpu_start(id, ap_main, &ap_stacks[id][AP_STACK]);

		report(rc == 0, "vCPU %u: initialise + up = %ld", id, rc);
		if (rc)
			return TEST_FAILURE;
	}
	vcpu_work(0);
	wait_for_all();
	for (unsigned int id = 0; id < nr_vcpus; id++) {
		const struct vcpu_result *r = &results[id];

		if (!r->done)
			report(false, "vCPU %u did not finish", id);
		else if (r->failures)
			report(false, "vCPU %u: %u failed checks, first: %s",
			       id, r->failures, r->first);
		if (r->worst_ns > worst) {
			worst = r->worst_ns;
			worst_what = r->worst_what;
		}
	}
	report(true, "%u vCPUs woke on time from every timer (latest by %lu us, %s)",
	       nr_vcpus, worst / 1000, worst_what);
	return report_result();
}
