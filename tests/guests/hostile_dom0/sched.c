/*
 * sched_op (29).  Xen 4.17: xen/common/sched/core.c do_sched_op(),
 * do_poll(): at most 128 ports; each port is read and checked in turn
 * (-EFAULT, -EINVAL for a port that is not usable); a timeout in the past
 * returns at once.  SCHEDOP_remote_shutdown looks the domain up by id only
 * (DOMID_SELF is -ESRCH) and passes any reason.  SCHEDOP_shutdown passes
 * any reason to domain_shutdown(): for the hardware domain an unknown one
 * reboots the host (hwdom_shutdown()), so that check expects Amphi's
 * refusal (-EINVAL) instead.  cmd is an int.
 */
#include "hostile.h"

#define DOMID_NONE 0x7000

static long poll(const evtchn_port_t *ports, u32 nr, u64 timeout)
{
	static struct sched_poll p;

	set_xen_guest_handle(p.ports, (evtchn_port_t *)ports);
	p.nr_ports = nr;
	p.timeout = timeout;
	return sched_op(SCHEDOP_poll, &p);
}

static long remote_shutdown(domid_t dom, u32 reason)
{
	static struct sched_remote_shutdown r;

	r = (struct sched_remote_shutdown){ .domain_id = dom, .reason = reason };
	return sched_op(SCHEDOP_remote_shutdown, &r);
}

void check_sched_op(void)
{
	static evtchn_port_t ports[130];
	evtchn_port_t *cross = P(win_cross(sizeof(evtchn_port_t)));
	static struct sched_shutdown sd;
	evtchn_port_t p = 0;
	u64 t0, dt;

	if (!expect(evtchn_bind_ipi(0, &p), 0, "bind_ipi for polling"))
		return;
	port_clear(p);
	for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
		ports[i] = p;
	expect(poll(ports, 129, 1), -EINVAL, "poll 129 ports");
	expect(poll(ports, 0xffffffff, 1), -EINVAL, "poll 2^32-1 ports");
	ports[1] = 4096;
	expect(poll(ports, 2, 1), -EINVAL, "poll, second port 4096");
	ports[1] = 0;
	expect(poll(ports, 2, 1), -EINVAL, "poll, second port 0 (reserved)");
	ports[1] = p;
	expect(poll(P(VA_UNMAPPED), 1, 1), -EFAULT, "poll, port list unmapped");
	cross[0] = p;
	expect(poll(cross, 2, 1), -EFAULT, "poll, port list runs into a hole");
	expect(sched_op(SCHEDOP_poll, P(VA_UNMAPPED)), -EFAULT, "poll, argument unmapped");

	t0 = now_ns();
	expect(poll(ports, 128, 1), 0, "poll 128 ports, timeout long past");
	expect(poll(ports, 1, t0 - NS_PER_MS), 0, "poll, timeout 1 ms ago");
	dt = now_ns() - t0;
	report(dt < 200 * NS_PER_MS, "past timeouts return at once (%lu us)",
	       (unsigned long)(dt / 1000));
	t0 = now_ns();
	expect(poll(ports, 1, t0 + 10 * NS_PER_MS), 0, "poll, timeout in 10 ms");
	dt = now_ns() - t0;
	report(dt >= 5 * NS_PER_MS && dt < 2 * NS_PER_SEC,
	       "poll blocked until the timeout (%lu us)", (unsigned long)(dt / 1000));
	if (shinfo) {
		expect(evtchn_send(p), 0, "send on the polled port");
		t0 = now_ns();
		expect(poll(ports, 1, 0), 0, "poll a pending port, no timeout");
		report(now_ns() - t0 < 200 * NS_PER_MS, "returned at once");
		port_clear(p);
	}
	evtchn_close(p);
	expect(poll(ports, 1, 1), -EINVAL, "poll a closed port");

	expect(remote_shutdown(DOMID_NONE, SHUTDOWN_poweroff), -ESRCH,
	       "remote_shutdown nonexistent d%#x", DOMID_NONE);
	expect(remote_shutdown(DOMID_SELF, SHUTDOWN_poweroff), -ESRCH,
	       "remote_shutdown DOMID_SELF (looked up by id)");
	expect(remote_shutdown(DOMID_NONE, 99), -ESRCH,
	       "remote_shutdown nonexistent d%#x, reason 99 (reason not checked)",
	       DOMID_NONE);
	expect(sched_op(SCHEDOP_remote_shutdown, P(VA_UNMAPPED)), -EFAULT,
	       "remote_shutdown, argument unmapped");
	expect(sched_op(SCHEDOP_shutdown, P(VA_UNMAPPED)), -EFAULT,
	       "shutdown, argument unmapped");
	sd.reason = 99;
	expect(sched_op(SCHEDOP_shutdown, &sd), -EINVAL,
	       "shutdown reason 99 (Xen 4.17 reboots the host for dom0; Amphi refuses)");
	expect(sched_op(99, NULL), -ENOSYS, "sched_op 99 (unknown)");
	expect(sched_op((1UL << 32) | SCHEDOP_yield, NULL), 0,
	       "cmd 2^32 + yield (an int: yield)");
}
