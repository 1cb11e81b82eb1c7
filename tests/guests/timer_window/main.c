/*
 * Timers keep waking a vCPU while interrupt windows are being opened on
 * its pCPU.  A masked periodic vLAPIC timer (100 us, the floor) keeps the
 * pCPU's LAPIC timer firing all along.  Each round:
 *  1. window: an event waits for the callback vector (HVM_PARAM_CALLBACK_IRQ
 *     type 2, public/hvm/params.h) while RFLAGS.IF = 0, so every entry
 *     arms the interrupt window (on SVM a V_IRQ in the VMCB); hypercalls
 *     make entries for 4 ms;
 *  2. sleep: the callback is switched off (nothing deliverable, no window
 *     needed) and the vCPU sleeps 1 ms (set_timer_op + STI;HLT); it must
 *     wake on time.
 * QEMU TCG drops a LAPIC timer interrupt that fires during a VMRUN with
 * V_IRQ set (see timer_catch_up() in xen/common/timer.c).  When the one
 * dropped was the vLAPIC timer's, which nothing else re-arms, the pCPU's
 * timers never ran again and the 1 ms sleep lasted forever.
 * Command line: "secs=N" how long to go on (default 10); "nowindow" keeps
 * the callback off (no window: for comparison).
 */
#include "lib.h"
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

#define CALLBACK_VEC 0xf3
#define CALLBACK_VIA_VECTOR \
	((u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | CALLBACK_VEC)
#define WINDOW_NS (4 * NS_PER_MS)	/* window phase of a round */
#define BLOCK_NS (200 * NS_PER_MS)
/* A sleep that ends later failed (emulation on a busy host is slow; a
 * lost wake-up never ends at all). */
#define LATE_NS (5 * NS_PER_SEC)
/* x2APIC registers as MSRs (SDM vol. 3 11.12.1.2). */
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_TMICT 0x838
#define MSR_X2APIC_TDCR 0x83e
#define LVT_MASKED (1U << 16)
#define LVT_PERIODIC (1U << 17)
#define TDCR_DIV1 0xb
#define PERIOD_TICKS 10000		/* 100 us of Xen's 100 MHz bus clock */

static long set_callback(u64 value)
{
	static struct xen_hvm_param p;

	p = (struct xen_hvm_param){ .domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ, .value = value };
	return hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param,
			 (unsigned long)&p, 0, 0, 0);
}

static long evtchn_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd,
			 (unsigned long)arg, 0, 0, 0);
}

/* An event that stays pending (nothing here ever clears it), and proof
 * that it asks for an interrupt once the callback vector is set: with
 * one waiting, SCHEDOP_block returns at once instead of at the timer. */
static bool make_event_pending(void)
{
	static struct evtchn_bind_ipi bind;
	static struct evtchn_send send;
	u64 t0;
	long rc;

	bind = (struct evtchn_bind_ipi){ .vcpu = my_vcpu_id };
	rc = evtchn_op(EVTCHNOP_bind_ipi, &bind);
	if (!report(rc == 0, "bind_ipi = %ld", rc))
		return false;
	send = (struct evtchn_send){ .port = bind.port };
	rc = evtchn_op(EVTCHNOP_send, &send);
	if (!report(rc == 0, "send on port %u = %ld", bind.port, rc) ||
	    !report(set_callback(CALLBACK_VIA_VECTOR) == 0,
		    "set CALLBACK_IRQ to vector %#x", CALLBACK_VEC))
		return false;
	t0 = now_ns();
	hyp_set_timer_op(t0 + BLOCK_NS);	/* also drops older wake-ups */
	hyp_block();
	hyp_set_timer_op(0);
	return report(now_ns() - t0 < BLOCK_NS / 2, "an interrupt waits for "
		      "the callback vector (SCHEDOP_block returned at once)");
}

/* Phase 1: entries, with the window open unless told otherwise. */
static unsigned long window_phase(void)
{
	u64 end = now_ns() + WINDOW_NS;
	unsigned long entries = 0;

	while (now_ns() < end) {
		hyp_xen_version(XENVER_version, NULL);
		entries++;
	}
	return entries;
}

/* Phase 2: nothing deliverable; a 1 ms sleep must end on time.  Returns
 * how late it woke (ns), or LATE_NS if it was too late. */
static u64 sleep_phase(void)
{
	u64 t0 = now_ns(), late;

	set_callback(0);
	sleep_until(t0 + NS_PER_MS);
	late = now_ns() - t0 - NS_PER_MS;
	return late < LATE_NS ? late : LATE_NS;
}

int main(void)
{
	u64 secs = 10, end, worst = 0, late;
	unsigned long rounds = 0, entries = 0;
	bool window = !cmdline_has("nowindow");

	time_init();
	cmdline_get_u64("secs", &secs);
	if (!report(time_info.valid, "Xen time from CPUID 0x40000003"))
		return report_result();
	if (!make_event_pending())
		return report_result();
	/* Masked: it interrupts the pCPU, never us. */
	wrmsr(MSR_X2APIC_TDCR, TDCR_DIV1);
	wrmsr(MSR_X2APIC_LVT_TIMER, LVT_MASKED | LVT_PERIODIC | 0xf0);
	wrmsr(MSR_X2APIC_TMICT, PERIOD_TICKS);
	end = now_ns() + secs * NS_PER_SEC;
	while (now_ns() < end) {
		/* The event still waits: the next entry opens the window. */
		if (window && set_callback(CALLBACK_VIA_VECTOR)) {
			report(false, "set CALLBACK_IRQ to vector %#x",
			       CALLBACK_VEC);
			break;
		}
		entries += window_phase();
		late = sleep_phase();
		worst = late > worst ? late : worst;
		rounds++;
		if (late >= LATE_NS) {
			report(false, "round %lu: a 1 ms sleep woke over 5 s "
			       "late", rounds);
			break;
		}
	}
	wrmsr(MSR_X2APIC_TMICT, 0);
	report(worst < LATE_NS, "%lu rounds, %lu entries with the window %s; "
	       "latest wake-up %lu us after its deadline", rounds, entries,
	       window ? "open" : "closed", (unsigned long)(worst / 1000));
	return report_result();
}
