/*
 * vcpu_op (24).  Xen 4.17: xen/arch/x86/domain.c do_vcpu_op() (vCPU
 * lookup, send_nmi, time memory area, get_physid), xen/common/domain.c
 * common_vcpu_op() and map_vcpu_info(), xen/arch/x86/hvm/domain.c
 * arch_set_info_hvm_guest().  The hypercall's cmd is an int and the vCPU
 * id an unsigned int (xen/include/hypercall-defs.c): a 64-bit caller's
 * upper register halves are ignored.
 */
#include "hostile.h"
#include <public/hvm/hvm_vcpu.h>

static u8 vi_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct vcpu_runstate_info runstate;

static long register_vcpu_info(unsigned int vcpu, u64 gfn, u32 offset, u32 rsvd)
{
	static struct vcpu_register_vcpu_info r;

	r = (struct vcpu_register_vcpu_info){ .mfn = gfn, .offset = offset,
					      .rsvd = rsvd };
	return vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

static long singleshot(unsigned int vcpu, u64 t, u32 flags)
{
	static struct vcpu_set_singleshot_timer s;

	s = (struct vcpu_set_singleshot_timer){ .timeout_abs_ns = t, .flags = flags };
	return vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &s);
}

static long periodic(unsigned int vcpu, u64 period)
{
	static struct vcpu_set_periodic_timer p;

	p.period_ns = period;
	return vcpu_op(VCPUOP_set_periodic_timer, vcpu, &p);
}

static long runstate_area(unsigned long cmd, u64 addr)
{
	static struct vcpu_register_runstate_memory_area a;

	a.addr.p = addr;
	return vcpu_op(cmd, 0, &a);
}

/* Spin (yielding) until @port is pending or @ms passed. */
static bool wait_pending(evtchn_port_t port, u64 ms)
{
	u64 end = now_ns() + ms * NS_PER_MS;

	while (!port_pending(port) && now_ns() < end)
		yield();
	return port_pending(port);
}

static void check_ids(void)
{
	expect(vcpu_op(VCPUOP_is_up, nr_vcpus, NULL), -ENOENT,
	       "is_up vCPU %u (= max_vcpus)", nr_vcpus);
	expect(vcpu_op(VCPUOP_is_up, 0xffffffffUL, NULL), -ENOENT, "is_up vCPU 2^32-1");
	expect(vcpu_op(VCPUOP_is_up, 1UL << 32, NULL), 1,
	       "is_up vCPU 2^32 (an unsigned int: vCPU 0)");
	expect(vcpu_op((1UL << 32) | VCPUOP_is_up, 0, NULL), 1,
	       "cmd 2^32 + is_up (an int: is_up)");
	expect(vcpu_op(99, 0, NULL), -ENOSYS, "vcpu_op 99 (unknown)");
	expect(vcpu_op(99, nr_vcpus, NULL), -ENOENT, "vcpu_op 99 on a bad vCPU");
	expect(vcpu_op(VCPUOP_get_runstate_info, 0, P(VA_UNMAPPED)), -EFAULT,
	       "get_runstate_info, argument unmapped");
	expect(vcpu_op(VCPUOP_get_runstate_info, 0, P(win_cross(16))), -EFAULT,
	       "get_runstate_info, argument runs into a hole");
	expect(vcpu_op(VCPUOP_get_physid, 0, &runstate), -EINVAL,
	       "get_physid (dom0 vCPUs are not pinned)");
	expect(vcpu_op(VCPUOP_send_nmi, 0, &runstate), -EINVAL,
	       "send_nmi with a non-NULL argument");
	expect(vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, P(VA_UNMAPPED)),
	       -EFAULT, "register_vcpu_time_memory_area, argument unmapped");
	expect(runstate_area(VCPUOP_register_vcpu_time_memory_area, VA_UNMAPPED), 0,
	       "register_vcpu_time_memory_area at an unmapped address");
}

static void check_vcpu_info(void)
{
	u64 gfn = (u64)vi_page >> 12;
	struct vcpu_info *vi = (void *)(vi_page + 64);
	long rc;

	expect(register_vcpu_info(0, gfn, PAGE_SIZE - 63, 0), -ENXIO,
	       "register_vcpu_info offset PAGE_SIZE-63");
	expect(register_vcpu_info(0, gfn, 0xffffffff, 0), -ENXIO,
	       "register_vcpu_info offset 2^32-1");
	rc = register_vcpu_info(0, gfn, 4, 0);
	expect(rc, -ENXIO, "register_vcpu_info offset 4 (vcpu_info is 8-byte aligned)");
	if (!rc)
		vi = (void *)(vi_page + 4);	/* taken: go on with it */
	expect(register_vcpu_info(0, GFN_NEVER_MAPPED, 64, 0), -EINVAL,
	       "register_vcpu_info at a gfn never mapped");
	expect(register_vcpu_info(0, 1UL << 40, 64, 0), -EINVAL,
	       "register_vcpu_info at gfn 2^40");
	expect(register_vcpu_info(nr_vcpus, gfn, 64, 0), -ENOENT,
	       "register_vcpu_info for vCPU %u", nr_vcpus);
	expect(vcpu_op(VCPUOP_register_vcpu_info, 0, P(VA_UNMAPPED)), -EFAULT,
	       "register_vcpu_info, argument unmapped");
	expect(vcpu_op(VCPUOP_register_vcpu_info, 0, P(win_cross(8))), -EFAULT,
	       "register_vcpu_info, argument runs into a hole");
	if (nr_vcpus > 1) {
		/* Another vCPU's area may be set while that vCPU is down. */
		expect(register_vcpu_info(1, GFN_NEVER_MAPPED, 128, 0), -EINVAL,
		       "register_vcpu_info for offline vCPU 1 at a gfn never mapped");
		expect(register_vcpu_info(1, gfn, 128, 0), 0,
		       "register_vcpu_info for offline vCPU 1");
		expect(register_vcpu_info(1, gfn, 192, 0), -EINVAL,
		       "register_vcpu_info for vCPU 1 again");
	}

	/* Xen 4.17 does not look at rsvd. */
	if (vi == (void *)(vi_page + 64)) {
		rc = register_vcpu_info(0, gfn, 64, 0xdead);
		expect(rc, 0, "register_vcpu_info with rsvd 0xdead");
		if (rc)
			rc = register_vcpu_info(0, gfn, 64, 0);
		if (rc) {
			report(false, "register_vcpu_info refused a good request: %s",
			       err_str(rc));
			return;
		}
	}
	my_vcpu_info = vi;
	/* map_vcpu_info(): everything is marked pending in the new area. */
	report(vi->evtchn_upcall_pending == 1 && vi->evtchn_pending_sel == ~0UL,
	       "new vcpu_info: upcall pending, all selector bits set");
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	expect(register_vcpu_info(0, gfn, 256, 0), -EINVAL, "register_vcpu_info again");
	expect(register_vcpu_info(0, gfn, PAGE_SIZE, 0), -ENXIO,
	       "register_vcpu_info again with a bad offset (offset checked first)");
	yield();
	report(vi->time.tsc_to_system_mul && !(vi->time.version & 1) && vi->time.version,
	       "pvclock kept in the registered vcpu_info (version %u, mul %#x)",
	       vi->time.version, vi->time.tsc_to_system_mul);
}

static void check_timers(void)
{
	evtchn_port_t port = 0;
	static struct evtchn_bind_virq bv;

	/* Xen 4.17 ignores the flag (0, and the timer fires); public/vcpu.h
	 * allows -ETIME as well. */
	expect2(singleshot(0, now_ns() - NS_PER_MS, VCPU_SSHOTTMR_future), 0, -ETIME,
		"set_singleshot_timer in the past with VCPU_SSHOTTMR_future");
	expect(vcpu_op(VCPUOP_set_singleshot_timer, 0, P(VA_UNMAPPED)), -EFAULT,
	       "set_singleshot_timer, argument unmapped");
	expect(singleshot(0, 1UL << 63, 0), 0,
	       "set_singleshot_timer at 2^63 ns (a past s_time_t: fires at once)");
	if (nr_vcpus > 1) {
		expect(singleshot(1, now_ns() + NS_PER_SEC, 0), -EINVAL,
		       "set_singleshot_timer on vCPU 1 (not the caller)");
		expect(vcpu_op(VCPUOP_stop_singleshot_timer, 1, NULL), -EINVAL,
		       "stop_singleshot_timer on vCPU 1 (not the caller)");
		expect(periodic(1, 10 * NS_PER_MS), 0,
		       "set_periodic_timer on offline vCPU 1");
		expect(vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL), 0,
		       "stop_periodic_timer on vCPU 1");
	}
	expect(vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0, "stop_singleshot_timer");
	expect(periodic(0, NS_PER_MS - 1), -EINVAL, "set_periodic_timer 999999 ns");
	expect(periodic(0, 0), -EINVAL, "set_periodic_timer 0 ns");
	expect(periodic(0, 1UL << 62), -EINVAL,
	       "set_periodic_timer 2^62 ns (above STIME_DELTA_MAX)");
	expect(periodic(0, 1UL << 61), 0, "set_periodic_timer 2^61 ns");
	expect(vcpu_op(VCPUOP_set_periodic_timer, 0, P(VA_UNMAPPED)), -EFAULT,
	       "set_periodic_timer, argument unmapped");
	expect(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "stop_periodic_timer");

	/* The timers still work: VIRQ_TIMER from a past singleshot, then
	 * from a 1 ms periodic timer. */
	if (!shinfo)
		return;
	bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0 };
	if (!expect(evtchn_op(EVTCHNOP_bind_virq, &bv), 0, "bind_virq VIRQ_TIMER"))
		return;
	port = bv.port;
	port_clear(port);
	expect(singleshot(0, now_ns() - NS_PER_MS, 0), 0,
	       "set_singleshot_timer 1 ms in the past");
	report(wait_pending(port, 200), "VIRQ_TIMER port %u pending after that", port);
	port_clear(port);
	expect(periodic(0, NS_PER_MS), 0, "set_periodic_timer 1 ms");
	report(wait_pending(port, 200), "VIRQ_TIMER pending from the periodic timer");
	expect(vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "stop_periodic_timer");
	expect(evtchn_close(port), 0, "close VIRQ_TIMER port");
	port_clear(port);
}

static void check_initialise(void)
{
	static struct vcpu_hvm_context ctx;

	ctx = (struct vcpu_hvm_context){ .mode = 7 };
	expect(vcpu_op(VCPUOP_initialise, 0, &ctx), -EEXIST,
	       "initialise vCPU 0 (running) with mode 7");
	expect(vcpu_op(VCPUOP_initialise, nr_vcpus, &ctx), -ENOENT,
	       "initialise vCPU %u", nr_vcpus);
	if (nr_vcpus < 2) {
		report_skip("initialise/up of an offline vCPU: one vCPU only");
		return;
	}
	expect(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "vCPU 1 is down");
	expect(vcpu_op(VCPUOP_up, 1, NULL), -EINVAL, "up vCPU 1 (never initialised)");
	expect(vcpu_op(VCPUOP_down, 1, NULL), 0, "down vCPU 1 (already down)");
	expect(vcpu_op(VCPUOP_get_runstate_info, 1, &runstate), 0,
	       "get_runstate_info vCPU 1");
	expect(runstate.state, RUNSTATE_offline, "vCPU 1 runstate");
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL, "initialise vCPU 1 mode 7");
	expect(vcpu_op(VCPUOP_initialise, 1, P(VA_UNMAPPED)), -EFAULT,
	       "initialise vCPU 1, argument unmapped");
	expect(vcpu_op(VCPUOP_initialise, 1, P(win_cross(64))), -EFAULT,
	       "initialise vCPU 1, argument runs into a hole");
	/* Requests Xen refuses but a lax check might take (vCPU 1 is never
	 * brought up afterwards, whatever happens). */
	ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_32B, .pad = 1 };
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 32-bit with pad 1");
	ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_32B };
	ctx.cpu_regs.x86_32.pad1 = 1;
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 32-bit with pad1 1");
	ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
	ctx.cpu_regs.x86_64.cr0 = 0x80000011;		/* PG, ET, PE */
	ctx.cpu_regs.x86_64.cr4 = 0x20;			/* PAE */
	ctx.cpu_regs.x86_64.efer = 0x500;		/* LMA, LME */
	ctx.cpu_regs.x86_64.rip = 0x8000000000000000UL;
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 64-bit with a non-canonical RIP");
	/* Control state no VM entry takes, or that this domain was not
	 * offered (as Xen's arch_set_info_hvm_guest() checks). */
	ctx.cpu_regs.x86_64.rip = 0x100000;
	ctx.cpu_regs.x86_64.cr4 = 0x2020;		/* PAE, VMXE */
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 with CR4.VMXE (VMX not offered)");
	ctx.cpu_regs.x86_64.cr4 = 0x8020;		/* PAE, reserved bit 15 */
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 with reserved CR4 bit 15");
	ctx.cpu_regs.x86_64.cr4 = 0x20;
	ctx.cpu_regs.x86_64.efer = 0x1500;		/* LMA, LME, SVME */
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 with EFER.SVME (SVM not offered)");
	ctx.cpu_regs.x86_64.efer = 0x500;
	ctx.cpu_regs.x86_64.cr0 = 0xa0000011;		/* PG, NW, ET, PE */
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 with CR0.NW without CD");
	ctx.cpu_regs.x86_64.cr0 = 0x80000011;
	ctx.cpu_regs.x86_64.cr3 = 1ULL << 60;
	expect(vcpu_op(VCPUOP_initialise, 1, &ctx), -EINVAL,
	       "initialise vCPU 1 with CR3 beyond the physical-address width");
	expect(vcpu_op(VCPUOP_is_up, 1, NULL), 0, "vCPU 1 still down");
}

static void check_runstate_area(void)
{
	u64 t0;

	expect(runstate_area(VCPUOP_register_runstate_memory_area, VA_UNMAPPED), 0,
	       "register_runstate_memory_area at an unmapped address (accepted)");
	expect(runstate_area(VCPUOP_register_runstate_memory_area, VA_NONCANON), 0,
	       "register_runstate_memory_area at a non-canonical address");
	expect(runstate_area(VCPUOP_register_runstate_memory_area, win_cross(8)), 0,
	       "register_runstate_memory_area running into a hole");
	/* The hypervisor now writes there at every switch: make some. */
	for (int i = 0; i < 5; i++)
		yield();
	sleep_ms(3);
	sleep_ms(3);
	expect(vcpu_op(VCPUOP_register_runstate_memory_area, 0, P(VA_UNMAPPED)),
	       -EFAULT, "register_runstate_memory_area, argument unmapped");

	memset(&runstate, 0xff, sizeof(runstate));
	expect(runstate_area(VCPUOP_register_runstate_memory_area, (u64)&runstate), 0,
	       "register_runstate_memory_area at a good address");
	sleep_ms(2);
	t0 = now_ns();
	report(runstate.state == RUNSTATE_running && runstate.state_entry_time &&
	       (runstate.state_entry_time & ~XEN_RUNSTATE_UPDATE) <= t0 &&
	       runstate.time[RUNSTATE_running] > 0 &&
	       runstate.time[RUNSTATE_blocked] > 0,
	       "runstate area written: state %d, entry %#lx, running %lu ns, "
	       "blocked %lu ns", runstate.state,
	       (unsigned long)runstate.state_entry_time,
	       (unsigned long)runstate.time[RUNSTATE_running],
	       (unsigned long)runstate.time[RUNSTATE_blocked]);
	/* Leave a bad one registered for the rest of the run. */
	expect(runstate_area(VCPUOP_register_runstate_memory_area, VA_UNMAPPED), 0,
	       "register_runstate_memory_area back at an unmapped address");
	yield();
}

void check_vcpu_op(void)
{
	check_ids();
	check_vcpu_info();
	check_timers();
	check_initialise();
	check_runstate_area();
}
