/*
 * Ring 3 and the end of the run.  Xen 4.17 answers every hypercall from
 * guest CPL > 0 with -EPERM before looking at it
 * (xen/arch/x86/hvm/hypercall.c hvm_hypercall()), so pointers into
 * supervisor-only pages never matter there.  Then the domain checks the
 * hypervisor survived all of the above: hypercalls answer, a timer event
 * and a set_timer_op wake-up still arrive, shared_info is still live.
 */
#include "hostile.h"

static struct xen_memory_map user_map;

static void user_memory_map(void)
{
	user_exit(memory_op(XENMEM_memory_map, &user_map));
}

static void user_kernel_pointer(void)
{
	/* The window's pages are supervisor-only. */
	user_exit(memory_op(XENMEM_memory_map, P(WIN)));
}

static void user_unknown(void)
{
	user_exit(hc(99, 0, 0, 0));
}

void check_user_mode(void)
{
	u64 v;

	user_map.nr_entries = 1;
	set_xen_guest_handle(user_map.buffer, P(VA_UNMAPPED));
	v = user_run(user_memory_map);
	expect(v, -EPERM, "ring 3: memory_op(memory_map)");
	v = user_run(user_kernel_pointer);
	expect(v, -EPERM, "ring 3: memory_op with a supervisor-only pointer");
	v = user_run(user_unknown);
	expect(v, -EPERM, "ring 3: hypercall 99");
}

void check_still_alive(void)
{
	static struct evtchn_bind_virq bv;
	static struct vcpu_set_singleshot_timer sst;
	u64 t0, end;

	expect(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011,
	       "alive: xen_version");
	for (int i = 0; i < 3; i++)
		yield();
	t0 = now_ns();
	sleep_ms(10);
	report(now_ns() - t0 >= 10 * NS_PER_MS && now_ns() - t0 < 2 * NS_PER_SEC,
	       "alive: set_timer_op + HLT slept %lu us",
	       (unsigned long)((now_ns() - t0) / 1000));
	if (!shinfo)
		return;
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	if (!expect(evtchn_op(EVTCHNOP_bind_virq, &bv), 0, "alive: bind_virq VIRQ_TIMER"))
		return;
	port_clear(bv.port);
	sst.timeout_abs_ns = now_ns() + 5 * NS_PER_MS;
	expect(vcpu_op(VCPUOP_set_singleshot_timer, 0, &sst), 0,
	       "alive: set_singleshot_timer now + 5 ms");
	end = now_ns() + 500 * NS_PER_MS;
	while (!port_pending(bv.port) && now_ns() < end)
		yield();
	report(port_pending(bv.port), "alive: VIRQ_TIMER arrived after %lu us",
	       (unsigned long)((now_ns() - sst.timeout_abs_ns + 5 * NS_PER_MS) / 1000));
	port_clear(bv.port);
	evtchn_close(bv.port);
	report(shinfo->vcpu_info[0].time.tsc_to_system_mul != 0,
	       "alive: shared_info still mapped and live");
}
