/*
 * Host tests of event channels (xen/common/event_channel.c, event_2l.c).
 * The test plays the hypervisor: fake domains with vCPUs, a shared_info
 * page and vcpu_info areas in ordinary memory, hooks that count kicks and
 * poll wake-ups, a domain lookup, copy_{from,to}_guest on host pointers,
 * and an allocator that can be told to fail.  Ends with 2 domains x 150
 * ports of seeded random operations checked against a simple model.
 */
#include "evtchn_env.h"

/* --- Tests --- */

TEST(test_port0_reserved)
{
	struct evtchn_status st;

	setup2();
	CHECK_EQ(ipi(1, 0), 1);			/* port 0 is never handed out */
	CHECK_EQ(status(1, DOMID_SELF, 0, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_closed);
	CHECK_EQ(xclose(1, 0), -EINVAL);
	CHECK_EQ(send(1, 0), -EINVAL);
	CHECK_EQ(bind_vcpu(1, 0, 1), -EINVAL);
	teardown();
}

TEST(test_alloc_unbound)
{
	struct evtchn_status st;
	long p;

	setup2();
	p = unbound(1, DOMID_SELF, DOMID_SELF);
	CHECK_EQ(p, 1);
	CHECK_EQ(status(1, DOMID_SELF, p, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 5);		/* DOMID_SELF = the caller */
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(unbound(1, 5, 0), 2);		/* own id works like SELF */
	CHECK_EQ(unbound(1, 0, 5), -EPERM);	/* not privileged over dom0 */
	CHECK_EQ(unbound(1, 77, 0), -ESRCH);
	/* The privileged domain allocates in dom 5 for itself. */
	p = unbound(0, 5, DOMID_SELF);
	CHECK_EQ(p, 3);
	CHECK_EQ(status(1, DOMID_SELF, p, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0);
	/* Xen does not check that remote_dom exists. */
	CHECK_EQ(unbound(1, DOMID_SELF, 1234), 4);
	CHECK_EQ(total_kicks(1), 0);
	teardown();
}

TEST(test_bind_interdomain)
{
	struct evtchn_status st;
	long rp, lp, ip, other;

	setup2();
	rp = unbound(1, DOMID_SELF, 0);		/* dom5 offers a port to dom0 */
	other = unbound(1, DOMID_SELF, 9);	/* ... and one to dom9 */
	ip = ipi(1, 0);
	CHECK_EQ(interdomain(0, 77, rp), -ESRCH);
	CHECK_EQ(interdomain(0, 5, 1000), -EINVAL);	/* beyond the table */
	CHECK_EQ(interdomain(0, 5, 60), -EINVAL);	/* free */
	CHECK_EQ(interdomain(0, 5, ip), -EINVAL);	/* not unbound */
	CHECK_EQ(interdomain(0, 5, other), -EINVAL);	/* not for us */
	CHECK_EQ(interdomain(0, 5, 0), -EINVAL);	/* reserved */
	CHECK_EQ(total_kicks(0), 0);
	CHECK_EQ(status(0, DOMID_SELF, 1, &st), 0);	/* nothing committed */
	CHECK_EQ(st.status, EVTCHNSTAT_closed);

	lp = interdomain(0, 5, rp);
	CHECK_EQ(lp, 1);
	CHECK_EQ(status(0, DOMID_SELF, lp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 5);
	CHECK_EQ(st.u.interdomain.port, rp);
	CHECK_EQ(status(1, DOMID_SELF, rp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 0);
	CHECK_EQ(st.u.interdomain.port, lp);
	/* Xen leaves an event pending on the new local port. */
	CHECK(pending(0, lp));
	CHECK_EQ(dom[0].kicks[0], 1);
	CHECK_EQ(interdomain(0, 5, rp), -EINVAL);	/* already bound */
	/* Loopback within one domain. */
	rp = unbound(1, DOMID_SELF, DOMID_SELF);
	lp = interdomain(1, DOMID_SELF, rp);
	CHECK(lp > 0);
	CHECK_EQ(send(1, lp), 0);
	CHECK(pending(1, rp));
	teardown();
}

TEST(test_bind_virq)
{
	struct evtchn_status st;
	long p;

	setup2();
	p = virq(1, VIRQ_TIMER, 1);
	CHECK_EQ(p, 1);
	CHECK_EQ(status(1, DOMID_SELF, p, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, VIRQ_TIMER);
	CHECK_EQ(st.vcpu, 1);
	CHECK_EQ(virq(1, VIRQ_TIMER, 1), -EEXIST);
	CHECK_EQ(virq(1, VIRQ_TIMER, 0), 2);		/* per vCPU */
	CHECK_EQ(virq(1, VIRQ_DEBUG, 3), 3);
	CHECK_EQ(virq(1, NR_VIRQS, 0), -EINVAL);
	CHECK_EQ(virq(1, 0x80000000u, 0), -EINVAL);
	CHECK_EQ(virq(1, VIRQ_TIMER, 4), -ENOENT);	/* 4 vCPUs: 0..3 */
	CHECK_EQ(virq(0, VIRQ_TIMER, 2), -ENOENT);	/* 2 vCPUs */
	CHECK_EQ(virq(1, VIRQ_TIMER, 0xffffffffu), -ENOENT);
	/* Global VIRQs (CONSOLE, DOM_EXC...) bind on vCPU 0 only. */
	CHECK_EQ(virq(0, VIRQ_CONSOLE, 1), -EINVAL);
	CHECK_EQ(virq(0, VIRQ_DOM_EXC, 1), -EINVAL);
	CHECK_EQ(virq(0, VIRQ_ARCH_0, 1), -EINVAL);
	p = virq(0, VIRQ_DOM_EXC, 0);
	CHECK_EQ(p, 1);
	CHECK_EQ(virq(0, VIRQ_DOM_EXC, 0), -EEXIST);
	/* A vCPU slot without a vCPU. */
	dom[1].d.vcpu[2] = NULL;
	CHECK_EQ(virq(1, VIRQ_TIMER, 2), -ENOENT);
	CHECK_EQ(ipi(1, 2), -ENOENT);
	dom[1].d.vcpu[2] = &dom[1].v[2];
	/* Closing unbinds: the VIRQ can be bound again. */
	CHECK_EQ(xclose(1, 1), 0);
	CHECK_EQ(virq(1, VIRQ_TIMER, 1), 1);
	CHECK_EQ(send(1, 1), -EINVAL);			/* cannot send on a VIRQ */
	teardown();
}

TEST(test_bind_ipi)
{
	struct evtchn_status st;

	setup2();
	CHECK_EQ(ipi(1, 3), 1);
	CHECK_EQ(status(1, DOMID_SELF, 1, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_ipi);
	CHECK_EQ(st.vcpu, 3);
	CHECK_EQ(ipi(1, 4), -ENOENT);
	CHECK_EQ(ipi(1, MAX_VIRT_CPUS), -ENOENT);
	CHECK_EQ(ipi(1, 3), 2);
	teardown();
}

TEST(test_close)
{
	struct evtchn_status st;
	long rp, lp, p;

	setup2();
	p = ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	CHECK(pending(1, p));
	CHECK_EQ(xclose(1, p), 0);
	CHECK(!pending(1, p));			/* Xen clears it on free */
	CHECK_EQ(xclose(1, p), -EINVAL);	/* double close */
	CHECK_EQ(xclose(1, 63), -EINVAL);	/* free, in the table */
	CHECK_EQ(xclose(1, 64), -EINVAL);	/* beyond the table */
	CHECK_EQ(xclose(1, 0xffffffffu), -EINVAL);
	CHECK_EQ(unbound(1, DOMID_SELF, 0), p);	/* lowest free port reused */
	CHECK_EQ(xclose(1, p), 0);

	/* Closing one end of a pair makes the other unbound for the closer. */
	rp = unbound(1, DOMID_SELF, 0);
	lp = interdomain(0, 5, rp);
	CHECK_EQ(xclose(0, lp), 0);
	CHECK_EQ(status(1, DOMID_SELF, rp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0);
	CHECK_EQ(send(1, rp), 0);		/* dropped */
	lp = interdomain(0, 5, rp);		/* and it can be bound again */
	CHECK(lp > 0);
	/* The other way round. */
	CHECK_EQ(xclose(1, rp), 0);
	CHECK_EQ(status(0, DOMID_SELF, lp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 5);
	CHECK_EQ(xclose(0, lp), 0);
	CHECK_EQ(xclose(0, lp), -EINVAL);
	teardown();
}

TEST(test_send_delivery)
{
	long p;

	setup2();
	p = ipi(1, 2);
	CHECK_EQ(send(1, p), 0);
	CHECK(pending(1, p));
	CHECK_EQ(VI(1, 2)->evtchn_pending_sel, 1UL << (p / 64));
	CHECK_EQ(VI(1, 2)->evtchn_upcall_pending, 1);
	CHECK(VI(1, 2) == &dom[1].si.vcpu_info[2]);	/* legacy slot */
	CHECK_EQ(dom[1].kicks[2], 1);
	CHECK_EQ(total_kicks(1), 1);
	CHECK_EQ(VI(1, 0)->evtchn_pending_sel, 0);
	CHECK(evtchn_upcall_pending(&dom[1].d, 2));
	CHECK(!evtchn_upcall_pending(&dom[1].d, 0));
	/* Still pending: nothing more happens. */
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(dom[1].kicks[2], 1);
	/* The guest acked the upcall but not the port: no new kick. */
	VI(1, 2)->evtchn_upcall_pending = 0;
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(dom[1].kicks[2], 1);
	/* Fully handled: the next send kicks again. */
	guest_ack_all(1);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(dom[1].kicks[2], 2);

	/* Masked: pending only, no selector, no upcall, no kick. */
	guest_ack_all(1);
	mask(1, p, true);
	CHECK_EQ(send(1, p), 0);
	CHECK(pending(1, p));
	CHECK_EQ(VI(1, 2)->evtchn_pending_sel, 0);
	CHECK_EQ(VI(1, 2)->evtchn_upcall_pending, 0);
	CHECK_EQ(dom[1].kicks[2], 2);
	/* ... but pollers are woken (Xen's evtchn_check_pollers()). */
	CHECK_EQ(dom[1].last_poll_port, p);

	/* Selector bit set by another port: upcall not re-raised. */
	guest_ack_all(1);
	mask(1, p, false);
	VI(1, 2)->evtchn_pending_sel = 1;
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(VI(1, 2)->evtchn_upcall_pending, 0);
	CHECK_EQ(dom[1].kicks[2], 2);

	CHECK_EQ(send(1, 62), -EINVAL);		/* free */
	CHECK_EQ(send(1, 64), -EINVAL);		/* beyond */
	CHECK_EQ(send(1, 4096), -EINVAL);
	teardown();
}

TEST(test_high_port_selector)
{
	long p = 0;

	setup_dom(1, 5, 1, 4095, false, true);
	for (int i = 0; i < 200; i++)
		p = ipi(1, 0);
	CHECK_EQ(p, 200);
	CHECK_EQ(send(1, p), 0);
	CHECK(bit(dom[1].si.evtchn_pending, 200));
	CHECK_EQ(VI(1, 0)->evtchn_pending_sel, 1UL << 3);
	teardown();
}

TEST(test_unmask)
{
	long p;

	setup2();
	p = ipi(1, 1);
	mask(1, p, true);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(total_kicks(1), 0);
	/* What Linux does: hypercall with the mask bit still set. */
	CHECK_EQ(unmask(1, p), 0);
	CHECK(!bit(dom[1].si.evtchn_mask, p));
	CHECK_EQ(VI(1, 1)->evtchn_pending_sel, 1UL << (p / 64));
	CHECK_EQ(VI(1, 1)->evtchn_upcall_pending, 1);
	CHECK_EQ(dom[1].kicks[1], 1);
	CHECK_EQ(total_kicks(1), 1);
	/* Masked, not pending: just unmasked. */
	guest_ack_all(1);
	mask(1, p, true);
	CHECK_EQ(unmask(1, p), 0);
	CHECK(!bit(dom[1].si.evtchn_mask, p));
	CHECK_EQ(VI(1, 1)->evtchn_upcall_pending, 0);
	CHECK_EQ(total_kicks(1), 1);
	/* Not masked but pending: Xen's unmask does nothing. */
	set_bit(dom[1].si.evtchn_pending, p, true);
	CHECK_EQ(unmask(1, p), 0);
	CHECK_EQ(VI(1, 1)->evtchn_upcall_pending, 0);
	/* Any port in the table, even free; beyond it -EINVAL. */
	CHECK_EQ(unmask(1, 50), 0);
	CHECK_EQ(unmask(1, 64), -EINVAL);
	teardown();
}

TEST(test_interdomain_delivery)
{
	long rp, lp;

	setup2();
	rp = unbound(1, DOMID_SELF, 0);
	CHECK_EQ(bind_vcpu(1, rp, 3), 0);	/* unbound ports can move */
	lp = interdomain(0, 5, rp);
	guest_ack_all(0);
	CHECK_EQ(send(0, lp), 0);
	CHECK(pending(1, rp));
	CHECK(!pending(0, lp));
	CHECK_EQ(VI(1, 3)->evtchn_pending_sel, 1UL << (rp / 64));
	CHECK_EQ(dom[1].kicks[3], 1);
	CHECK_EQ(total_kicks(0), 1);		/* only the bind's event */
	CHECK_EQ(send(1, rp), 0);
	CHECK(pending(0, lp));
	CHECK_EQ(dom[0].kicks[0], 2);
	teardown();
}

TEST(test_bind_vcpu)
{
	long rp, lp, t, g, i;

	setup2();
	rp = unbound(0, DOMID_SELF, 5);
	lp = interdomain(1, 0, rp);
	guest_ack_all(1);
	CHECK_EQ(bind_vcpu(1, lp, 2), 0);
	CHECK_EQ(send(0, rp), 0);
	CHECK_EQ(VI(1, 2)->evtchn_upcall_pending, 1);
	CHECK_EQ(VI(1, 0)->evtchn_upcall_pending, 0);
	CHECK_EQ(dom[1].kicks[2], 1);
	struct evtchn_status st;
	CHECK_EQ(status(1, DOMID_SELF, lp, &st), 0);
	CHECK_EQ(st.vcpu, 2);

	t = virq(1, VIRQ_TIMER, 1);
	i = ipi(1, 1);
	g = virq(1, VIRQ_CON_RING, 0);
	CHECK_EQ(bind_vcpu(1, t, 0), -EINVAL);		/* per-vCPU VIRQ */
	CHECK_EQ(bind_vcpu(1, i, 0), -EINVAL);		/* IPI */
	CHECK_EQ(bind_vcpu(1, 60, 0), -EINVAL);		/* free */
	CHECK_EQ(bind_vcpu(1, 64, 0), -EINVAL);		/* beyond */
	CHECK_EQ(bind_vcpu(1, lp, 4), -ENOENT);
	CHECK_EQ(bind_vcpu(1, 64, 4), -ENOENT);		/* vCPU checked first */
	CHECK_EQ(bind_vcpu(1, g, 3), 0);		/* global VIRQ moves */
	guest_ack_all(1);
	evtchn_send_virq(&dom[1].d, 0, VIRQ_CON_RING);
	CHECK(pending(1, g));
	CHECK_EQ(VI(1, 3)->evtchn_upcall_pending, 1);
	CHECK_EQ(VI(1, 0)->evtchn_upcall_pending, 0);
	/* Closing a moved global VIRQ unbinds it from vCPU 0's table. */
	CHECK_EQ(xclose(1, g), 0);
	CHECK_EQ(virq(1, VIRQ_CON_RING, 0), g);
	teardown();
}

TEST(test_send_virq)
{
	long t0, t1;

	setup2();
	t0 = virq(1, VIRQ_TIMER, 0);
	t1 = virq(1, VIRQ_TIMER, 1);
	evtchn_send_virq(&dom[1].d, 1, VIRQ_TIMER);
	CHECK(pending(1, t1));
	CHECK(!pending(1, t0));
	CHECK_EQ(dom[1].kicks[1], 1);
	CHECK_EQ(dom[1].kicks[0], 0);
	evtchn_send_virq(&dom[1].d, 2, VIRQ_TIMER);	/* unbound: dropped */
	evtchn_send_virq(&dom[1].d, 0, VIRQ_DEBUG);
	evtchn_send_virq(&dom[1].d, 0, NR_VIRQS);
	evtchn_send_virq(&dom[1].d, 99, VIRQ_TIMER);
	CHECK_EQ(total_kicks(1), 1);
	teardown();
}

TEST(test_out_of_ports)
{
	setup_dom(1, 5, 1, 10, false, true);
	for (long p = 1; p <= 10; p++)
		CHECK_EQ(ipi(1, 0), p);
	CHECK_EQ(ipi(1, 0), -ENOSPC);
	CHECK_EQ(unbound(1, DOMID_SELF, 0), -ENOSPC);
	CHECK_EQ(virq(1, VIRQ_TIMER, 0), -ENOSPC);
	CHECK_EQ(interdomain(1, DOMID_SELF, 3), -ENOSPC);	/* before port checks */
	CHECK_EQ(xclose(1, 4), 0);
	CHECK_EQ(ipi(1, 0), 4);
	teardown();

	/* The 2-level limit: 4095 ports after port 0, whatever is asked. */
	setup_dom(1, 5, 1, 100000, false, true);
	for (long p = 1; p < 4096; p++)
		if (ipi(1, 0) != p)
			CHECK(0);
	CHECK_EQ(ipi(1, 0), -ENOSPC);
	CHECK_EQ(dom[1].ed->valid, 4096);
	teardown();
}

TEST(test_groups_on_demand)
{
	setup_dom(1, 5, 1, 1023, false, true);
	CHECK_EQ(dom[1].ed->valid, 64);
	for (long p = 1; p < 64; p++)
		CHECK_EQ(ipi(1, 0), p);
	CHECK_EQ(dom[1].ed->valid, 64);
	CHECK_EQ(live_allocs, 4);		/* table, shadow, dir 0, group 0 */
	/* The group allocation fails: -ENOMEM, nothing changes. */
	fail_alloc_in = 0;
	CHECK_EQ(ipi(1, 0), -ENOMEM);
	CHECK_EQ(dom[1].ed->valid, 64);
	CHECK_EQ(ipi(1, 0), 64);
	CHECK_EQ(dom[1].ed->valid, 128);
	CHECK_EQ(live_allocs, 5);
	teardown();

	fail_alloc_in = 1;			/* init: shadow fails */
	dom[2].d.domain_id = 9;
	CHECK_EQ(evtchn_domain_init(&dom[2].d, 100, &dom[2].ed), -ENOMEM);
	CHECK(dom[2].ed == NULL);
	teardown();
}

TEST(test_status_errors)
{
	struct evtchn_status st;
	long p;

	setup2();
	p = ipi(1, 0);
	CHECK_EQ(status(1, 77, p, &st), -ESRCH);
	CHECK_EQ(status(1, 0, 1, &st), -EPERM);		/* dom0's, unprivileged */
	CHECK_EQ(status(1, 0, 64, &st), -EINVAL);	/* Xen: port before XSM */
	CHECK_EQ(status(1, DOMID_SELF, 64, &st), -EINVAL);
	CHECK_EQ(status(0, 5, p, &st), 0);		/* privileged */
	CHECK_EQ(st.status, EVTCHNSTAT_ipi);
	CHECK_EQ(status(1, 5, p, &st), 0);		/* own id */
	teardown();
}

TEST(test_reset)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };
	struct evtchn_status st;
	long rp, lp, t;

	setup2();
	rp = unbound(0, DOMID_SELF, 5);
	lp = interdomain(1, 0, rp);
	t = virq(1, VIRQ_TIMER, 0);
	ipi(1, 1);
	r.dom = 77;
	CHECK_EQ(op(1, EVTCHNOP_reset, &r), -ESRCH);
	r.dom = 0;
	CHECK_EQ(op(1, EVTCHNOP_reset, &r), -EPERM);
	r.dom = 5;
	CHECK_EQ(op(0, EVTCHNOP_reset, &r), -EINVAL);	/* not paused by us */
	r.dom = DOMID_SELF;
	CHECK_EQ(op(1, 14 /* reset_cont */, &r), -EBUSY);
	CHECK_EQ(status(1, DOMID_SELF, lp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);	/* nothing done yet */
	CHECK_EQ(op(1, EVTCHNOP_reset, &r), 0);
	for (evtchn_port_t p = 1; p < 64; p++) {
		CHECK_EQ(status(1, DOMID_SELF, p, &st), 0);
		if (st.status != EVTCHNSTAT_closed)
			CHECK(0);
	}
	CHECK_EQ(status(0, DOMID_SELF, rp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK(t != 1);
	CHECK_EQ(virq(1, VIRQ_TIMER, 0), 1);	/* VIRQ table cleared */
	teardown();
}

TEST(test_misc_ops)
{
	struct evtchn_set_priority sp = { .port = 1, .priority = 7 };
	struct evtchn_init_control ic = { .vcpu = 0 };
	struct evtchn_expand_array ea = { .array_gfn = 1 };
	struct evtchn_bind_pirq bp = { .pirq = 1 };

	setup2();
	ipi(1, 0);
	CHECK_EQ(op(1, EVTCHNOP_set_priority, &sp), -ENOSYS);
	sp.port = 64;
	CHECK_EQ(op(1, EVTCHNOP_set_priority, &sp), -EINVAL);
	/* FIFO (test_evtchn_fifo.c): gfn 0 is no RAM; Xen's answer to
	 * expand_array before init_control. */
	CHECK_EQ(op(1, EVTCHNOP_init_control, &ic), -EINVAL);
	CHECK_EQ(op(1, EVTCHNOP_expand_array, &ea), -EOPNOTSUPP);
	CHECK_EQ(op(1, EVTCHNOP_bind_pirq, &bp), -ENOSYS);
	CHECK_EQ(op(1, 15, &sp), -ENOSYS);
	CHECK_EQ(op(1, -1, &sp), -ENOSYS);
	CHECK_EQ(evtchn_op_arg_size(15), 0);
	CHECK_EQ(evtchn_op_arg_size(EVTCHNOP_status), 24);
	CHECK_EQ(evtchn_op_arg_size(EVTCHNOP_init_control), 24);
	teardown();
}

/* The table entry, as the dispatcher calls it. */
static long evtchn_hc(struct vcpu *v, const u64 a[5], bool compat)
{
	struct hypercall_args args = { { a[0], a[1], a[2], a[3], a[4] },
				       compat };

	return do_event_channel_op(v, &args);
}

TEST(test_hypercall_entry)
{
	struct evtchn_bind_ipi b = { .vcpu = 1, .port = 999 };
	struct evtchn_status st = { .dom = DOMID_SELF, .port = 1 };
	struct evtchn_send s = { .port = 1 };
	u64 a[5] = { EVTCHNOP_bind_ipi, (uintptr_t)&b };

	setup2();
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), 0);
	CHECK_EQ(b.port, 1);				/* copied back */
	a[1] = 0;
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), -EFAULT);
	CHECK_EQ(ipi(1, 0), 2);				/* nothing allocated */
	a[0] = EVTCHNOP_status;
	a[1] = (uintptr_t)&st;
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, true), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_ipi);
	CHECK_EQ(st.vcpu, 1);
	a[0] = EVTCHNOP_send;
	a[1] = (uintptr_t)&s;
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), 0);
	CHECK(pending(1, 1));
	a[0] = 99;
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), -ENOSYS);
	/* dom0's privilege comes from struct domain. */
	struct evtchn_alloc_unbound au = { .dom = 5, .remote_dom = 0 };
	a[0] = EVTCHNOP_alloc_unbound;
	a[1] = (uintptr_t)&au;
	CHECK_EQ(evtchn_hc(&dom[0].v[0], a, false), 0);
	CHECK_EQ(au.port, 3);
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), 0);
	au.dom = 0;
	CHECK_EQ(evtchn_hc(&dom[1].v[0], a, false), -EPERM);
	teardown();
}

TEST(test_shadow_then_install)
{
	long p, m;

	setup_dom(1, 5, 2, 1023, false, false);		/* no page yet */
	p = ipi(1, 1);
	m = ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(dom[1].kicks[1], 1);
	CHECK(evtchn_upcall_pending(&dom[1].d, 1));
	CHECK(evtchn_port_is_pending(&dom[1].d, p));
	CHECK(!pending(1, p));				/* not in the page yet */
	memset(&dom[1].si, 0xff, sizeof(dom[1].si));	/* garbage page */
	dom[1].si.vcpu_info[1].time.version = 42;	/* the time code's */
	evtchn_set_shared_info(&dom[1].d, &dom[1].si);
	CHECK(pending(1, p));
	CHECK(!pending(1, m));
	CHECK(!bit(dom[1].si.evtchn_mask, p));
	CHECK(VI(1, 1) == &dom[1].si.vcpu_info[1]);
	CHECK_EQ(VI(1, 1)->evtchn_upcall_pending, 1);
	CHECK_EQ(VI(1, 1)->evtchn_pending_sel, 1);
	CHECK_EQ(VI(1, 0)->evtchn_upcall_pending, 0);
	CHECK_EQ(dom[1].si.vcpu_info[1].time.version, 42);
	CHECK(evtchn_upcall_pending(&dom[1].d, 1));
	CHECK_EQ(dom[1].kicks[1], 1);
	/* Installing the same page again changes nothing. */
	mask(1, m, true);
	evtchn_set_shared_info(&dom[1].d, &dom[1].si);
	CHECK(bit(dom[1].si.evtchn_mask, m));
	teardown();
}

TEST(test_register_vcpu_info)
{
	struct vcpu_info *own;
	long p;

	setup2();
	p = ipi(1, 1);
	own = &dom[1].own_vi[1];
	memset(own, 0xaa, sizeof(*own));
	dom[1].si.vcpu_info[1].time.system_time = 1234;
	evtchn_set_vcpu_info(&dom[1].d, 1, own);
	CHECK(VI(1, 1) == own);
	CHECK_EQ(own->time.system_time, 1234);		/* whole copy, as Xen */
	CHECK_EQ(own->evtchn_pending_sel, ~0UL);	/* everything pending */
	CHECK_EQ(own->evtchn_upcall_pending, 1);
	CHECK_EQ(dom[1].kicks[1], 1);
	guest_ack_all(1);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(own->evtchn_pending_sel, 1);
	CHECK_EQ(own->evtchn_upcall_pending, 1);
	CHECK_EQ(dom[1].si.vcpu_info[1].evtchn_upcall_pending, 0);
	CHECK_EQ(dom[1].kicks[1], 2);
	/* A registered area stays when the shared_info page changes. */
	evtchn_set_shared_info(&dom[1].d, NULL);
	CHECK(VI(1, 1) == own);
	CHECK(VI(1, 0) == &dom[1].ed->shadow->vcpu_info[0]);
	teardown();
}

static int xen_calls;
static struct domain *xen_call_d;
static evtchn_port_t xen_call_port;
static void *xen_call_priv;

static void xen_fn(struct domain *d, evtchn_port_t port, void *priv)
{
	xen_calls++;
	xen_call_d = d;
	xen_call_port = port;
	xen_call_priv = priv;
	/* No lock held: a backend may answer at once. */
	CHECK_EQ(irq_depth, 0);
	evtchn_notify_xen(d, port);
}

TEST(test_poll)
{
	evtchn_port_t ports[3];
	long a, b, rp;

	setup2();
	a = ipi(1, 0);
	b = ipi(1, 0);
	rp = evtchn_alloc_xen(&dom[1].d, 0, 0, xen_fn, NULL);
	ports[0] = a;
	ports[1] = b;
	ports[2] = 60;
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 2), 0);
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 3), -EINVAL);	/* free */
	ports[2] = 0;
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 3), -EINVAL);	/* reserved */
	ports[2] = rp;
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 3), -EINVAL);	/* Xen's */
	mask(1, b, true);
	CHECK_EQ(send(1, b), 0);
	CHECK_EQ(dom[1].poll_wakes, 1);
	CHECK_EQ(dom[1].last_poll_port, b);
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 3), 1);	/* b first */
	CHECK(evtchn_port_is_pending(&dom[1].d, b));
	CHECK(!evtchn_port_is_pending(&dom[1].d, a));
	CHECK(!evtchn_port_is_pending(&dom[1].d, 9999));
	CHECK_EQ(evtchn_poll_ready(&dom[1].d, ports, 0), 0);
	teardown();
}

TEST(test_xen_ports)
{
	struct evtchn_status st;
	int xp, bp;
	evtchn_port_t gp, xp2;
	int cookie;
	static int privs[EVTCHN_NR_XEN_CONSUMERS];

	setup2();
	xen_calls = 0;
	xp = evtchn_alloc_xen(&dom[0].d, 1, 5, xen_fn, &cookie);
	CHECK_EQ(xp, 1);
	/* The guest cannot touch it. */
	CHECK_EQ(xclose(0, xp), -EINVAL);
	CHECK_EQ(send(0, xp), -EINVAL);
	CHECK_EQ(bind_vcpu(0, xp, 0), -EINVAL);
	CHECK_EQ(status(0, DOMID_SELF, xp, &st), -EACCES);
	/* dom5 binds it like any unbound port. */
	bp = interdomain(1, 0, xp);
	CHECK(bp > 0);
	guest_ack_all(1);
	CHECK_EQ(send(1, bp), 0);
	CHECK_EQ(xen_calls, 1);
	CHECK(xen_call_d == &dom[0].d);
	CHECK_EQ(xen_call_port, xp);
	CHECK(xen_call_priv == &cookie);
	CHECK(!pending(0, xp));
	/* The callback's answer reached dom5's port. */
	CHECK(pending(1, bp));
	CHECK_EQ(total_kicks(0), 0);
	/* Freeing makes dom5's end unbound. */
	evtchn_free_xen(&dom[0].d, xp);
	CHECK_EQ(status(1, DOMID_SELF, bp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(status(0, DOMID_SELF, xp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_closed);

	/* Hypervisor-as-backend pair inside one domain (console). */
	guest_ack_all(1);
	CHECK_EQ(evtchn_bind_xen_backend(&dom[1].d, xen_fn, &cookie, &gp, &xp2), 0);
	CHECK(pending(1, gp));			/* Xen's bind leaves one */
	guest_ack_all(1);
	xen_calls = 0;
	CHECK_EQ(send(1, gp), 0);
	CHECK_EQ(xen_calls, 1);
	CHECK_EQ(xen_call_port, xp2);
	CHECK(pending(1, gp));
	CHECK_EQ(status(1, DOMID_SELF, gp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 5);
	/* Consumer slots are shared per (fn, priv) and run out. */
	for (int i = 1; i < EVTCHN_NR_XEN_CONSUMERS; i++) {
		bp = evtchn_alloc_xen(&dom[1].d, 0, 0, xen_fn, &privs[i]);
		CHECK(bp > 0);
	}
	CHECK_EQ(evtchn_alloc_xen(&dom[1].d, 0, 0, xen_fn, &xp), -ENOSPC);
	CHECK(evtchn_alloc_xen(&dom[1].d, 0, 0, xen_fn, &cookie) > 0);
	evtchn_free_xen(&dom[1].d, bp);		/* its slot's last port */
	CHECK(evtchn_alloc_xen(&dom[1].d, 0, 0, xen_fn, &xp) > 0);
	teardown();
}

TEST(test_destroy_unbinds_peers)
{
	struct evtchn_status st;
	long rp, lp, rp2, lp2;

	setup2();
	rp = unbound(1, DOMID_SELF, 0);
	lp = interdomain(0, 5, rp);
	rp2 = unbound(0, DOMID_SELF, 5);
	lp2 = interdomain(1, 0, rp2);
	dom[1].listed = false;
	destroy_dom(1);
	CHECK(dom[1].ed == NULL);
	CHECK_EQ(status(0, DOMID_SELF, lp, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 5);
	CHECK_EQ(status(0, DOMID_SELF, rp2, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(send(0, lp), 0);
	CHECK_EQ(interdomain(0, 5, lp2), -ESRCH);
	/* Listed but torn down: still not found. */
	dom[1].listed = true;
	CHECK_EQ(status(0, 5, 1, &st), -ESRCH);
	dom[1].listed = false;
	teardown();
}

/* --- Random operations against a model --- */

#define MP 150			/* max_port of both domains */
#define MV 3			/* vCPUs of both domains */
#define NOID 77			/* no such domain */
#define MPA 256			/* >= any table size with MP */

struct mport {
	int state;
	int peer_dom, peer_port;	/* ECS_INTERDOMAIN */
	int remote;			/* ECS_UNBOUND */
	int notify;
	int virq;
};

static struct mdom {
	domid_t id;
	unsigned int valid;
	struct mport p[MPA];
	bool pending[MPA], mask[MPA];
	xen_ulong_t sel[MV];
	bool upcall[MV];
	unsigned int kicks[MV];
	int virq_port[MV][NR_VIRQS];
} m[2];

static unsigned int rnd_state = 12345;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static int m_by_id(domid_t id, int self)
{
	if (id == DOMID_SELF)
		return self;
	for (int i = 0; i < 2; i++)
		if (m[i].id == id)
			return i;
	return -1;
}

static long m_free_port(int i)
{
	for (int p = 1; p <= MP; p++) {
		if (m[i].p[p].state == ECS_FREE) {
			while ((unsigned int)p >= m[i].valid)
				m[i].valid += 64;
			return p;
		}
	}
	return -ENOSPC;
}

static struct mport *m_port(int i, unsigned int port)
{
	return port < m[i].valid ? &m[i].p[port] : NULL;
}

static void m_set_pending(int i, int v, int port)
{
	if (m[i].pending[port])
		return;
	m[i].pending[port] = true;
	if (!m[i].mask[port] && !(m[i].sel[v] & (1UL << (port / 64)))) {
		m[i].sel[v] |= 1UL << (port / 64);
		if (!m[i].upcall[v]) {
			m[i].upcall[v] = true;
			m[i].kicks[v]++;
		}
	}
}

static void m_free(int i, int port)
{
	struct mport *c = &m[i].p[port];

	m[i].pending[port] = false;
	if (c->state == ECS_VIRQ)
		m[i].virq_port[evtchn_virq_is_global(c->virq) ? 0 : c->notify][c->virq] = 0;
	memset(c, 0, sizeof(*c));
}

static long m_op(int i, int kind, unsigned int a, unsigned int b)
{
	struct mport *c;
	long p;
	int j;

	switch (kind) {
	case 0:					/* alloc_unbound(self, a) */
		if ((p = m_free_port(i)) < 0)
			return p;
		m[i].p[p].state = ECS_UNBOUND;
		m[i].p[p].remote = a == DOMID_SELF ? m[i].id : a;
		return p;
	case 1:					/* bind_interdomain(a, b) */
		if ((j = m_by_id(a, i)) < 0)
			return -ESRCH;
		if ((p = m_free_port(i)) < 0)
			return p;
		c = m_port(j, b);
		if (!c || c->state != ECS_UNBOUND || c->remote != m[i].id)
			return -EINVAL;
		c->state = ECS_INTERDOMAIN;
		c->peer_dom = i;
		c->peer_port = p;
		m[i].p[p] = (struct mport){ .state = ECS_INTERDOMAIN,
					    .peer_dom = j, .peer_port = b };
		m_set_pending(i, 0, p);
		return p;
	case 2:					/* bind_virq(a, b) */
		if (a >= NR_VIRQS || (evtchn_virq_is_global(a) && b))
			return -EINVAL;
		if (b >= MV)
			return -ENOENT;
		if (m[i].virq_port[b][a])
			return -EEXIST;
		if ((p = m_free_port(i)) < 0)
			return p;
		m[i].p[p] = (struct mport){ .state = ECS_VIRQ, .notify = b,
					    .virq = a };
		m[i].virq_port[b][a] = p;
		return p;
	case 3:					/* bind_ipi(b) */
		if (b >= MV)
			return -ENOENT;
		if ((p = m_free_port(i)) < 0)
			return p;
		m[i].p[p] = (struct mport){ .state = ECS_IPI, .notify = b };
		return p;
	case 4:					/* close(a) */
		c = m_port(i, a);
		if (!c || c->state <= ECS_RESERVED)
			return -EINVAL;
		if (c->state == ECS_INTERDOMAIN) {
			struct mport *r = &m[c->peer_dom].p[c->peer_port];

			r->state = ECS_UNBOUND;
			r->remote = m[i].id;
		}
		m_free(i, a);
		return 0;
	case 5:					/* send(a) */
		c = m_port(i, a);
		if (!c)
			return -EINVAL;
		if (c->state == ECS_INTERDOMAIN)
			m_set_pending(c->peer_dom,
				      m[c->peer_dom].p[c->peer_port].notify,
				      c->peer_port);
		else if (c->state == ECS_IPI)
			m_set_pending(i, c->notify, a);
		else if (c->state != ECS_UNBOUND)
			return -EINVAL;
		return 0;
	case 6:					/* unmask(a) */
		c = m_port(i, a);
		if (!c)
			return -EINVAL;
		/* Xen: an unusable port (0, free) keeps its mask bit. */
		if (c->state <= ECS_RESERVED)
			return 0;
		if (m[i].mask[a] && (m[i].mask[a] = false, m[i].pending[a]) &&
		    !(m[i].sel[c->notify] & (1UL << (a / 64)))) {
			m[i].sel[c->notify] |= 1UL << (a / 64);
			if (!m[i].upcall[c->notify]) {
				m[i].upcall[c->notify] = true;
				m[i].kicks[c->notify]++;
			}
		}
		return 0;
	case 7:					/* bind_vcpu(a, b) */
		if (b >= MV)
			return -ENOENT;
		c = m_port(i, a);
		if (!c)
			return -EINVAL;
		if (c->state == ECS_UNBOUND || c->state == ECS_INTERDOMAIN ||
		    (c->state == ECS_VIRQ && evtchn_virq_is_global(c->virq))) {
			c->notify = b;
			return 0;
		}
		return -EINVAL;
	}
	return 0;
}

static long real_op(int i, int kind, unsigned int a, unsigned int b)
{
	switch (kind) {
	case 0: return unbound(i, DOMID_SELF, a);
	case 1: return interdomain(i, a, b);
	case 2: return virq(i, a, b);
	case 3: return ipi(i, b);
	case 4: return xclose(i, a);
	case 5: return send(i, a);
	case 6: return unmask(i, a);
	case 7: return bind_vcpu(i, a, b);
	}
	return 0;
}

/* Guest-side actions, done to both. */
static void guest_action(int i, int kind, unsigned int a, unsigned int v)
{
	if (kind == 8) {			/* mask or unmask in memory */
		bool on = rnd(2);

		mask(i, a, on);
		m[i].mask[a] = on;
		return;
	}
	/* Upcall handler on vCPU v: ack, scan selected words. */
	VI(i, v)->evtchn_upcall_pending = 0;
	m[i].upcall[v] = false;
	for (unsigned int w = 0; w * 64 <= MP; w++) {
		if (!(VI(i, v)->evtchn_pending_sel & (1UL << w)))
			continue;
		VI(i, v)->evtchn_pending_sel &= ~(1UL << w);
		m[i].sel[v] &= ~(1UL << w);
		for (unsigned int p = w * 64; p < w * 64 + 64 && p <= MP; p++) {
			if (m[i].pending[p] && !m[i].mask[p]) {
				set_bit(dom[i].si.evtchn_pending, p, false);
				m[i].pending[p] = false;
			}
		}
	}
}

static int compare(int i)
{
	int bad = 0;

	for (unsigned int p = 0; p <= MP; p++) {
		bad |= pending(i, p) != m[i].pending[p];
		bad |= bit(dom[i].si.evtchn_mask, p) != m[i].mask[p];
	}
	for (unsigned int v = 0; v < MV; v++) {
		bad |= VI(i, v)->evtchn_pending_sel != m[i].sel[v];
		bad |= VI(i, v)->evtchn_upcall_pending != m[i].upcall[v];
		bad |= dom[i].kicks[v] != m[i].kicks[v];
	}
	bad |= dom[i].ed->valid != m[i].valid;
	return bad;
}

static int compare_status(int i)
{
	static const int stat[] = { EVTCHNSTAT_closed, EVTCHNSTAT_closed,
		EVTCHNSTAT_unbound, EVTCHNSTAT_interdomain, EVTCHNSTAT_virq,
		EVTCHNSTAT_ipi };
	struct evtchn_status st;
	int bad = 0;

	for (unsigned int p = 0; p <= MP + 1; p++) {
		struct mport *c = m_port(i, p);
		long rc = status(i, DOMID_SELF, p, &st);

		if (!c) {
			bad |= rc != -EINVAL;
			continue;
		}
		bad |= rc != 0 || st.status != (u32)stat[c->state];
		bad |= st.vcpu != (u32)c->notify;
		if (c->state == ECS_UNBOUND)
			bad |= st.u.unbound.dom != c->remote;
		if (c->state == ECS_INTERDOMAIN)
			bad |= st.u.interdomain.dom != m[c->peer_dom].id ||
			       st.u.interdomain.port != (u32)c->peer_port;
		if (c->state == ECS_VIRQ)
			bad |= st.u.virq != (u32)c->virq;
	}
	return bad;
}

static unsigned int pick_port(int i)
{
	unsigned int p = rnd(MP + 8);

	/* Prefer ports that are in use. */
	for (int tries = 0; tries < 4 && p <= MP &&
	     m[i].p[p].state == ECS_FREE; tries++)
		p = rnd(MP + 8);
	return p;
}

TEST(test_random_vs_model)
{
	static const domid_t ids[] = { 0, 5, NOID, DOMID_SELF };
	unsigned int mismatches = 0, counts[10] = { 0 };

	setup_dom(0, 0, MV, MP, false, true);
	setup_dom(1, 5, MV, MP, false, true);
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 2; i++) {
		m[i].id = dom[i].d.domain_id;
		m[i].valid = 64;
		m[i].p[0].state = ECS_RESERVED;
	}
	for (int step = 0; step < 40000; step++) {
		int i = rnd(2), kind = rnd(10);
		unsigned int a = pick_port(i), b = rnd(MV + 1);
		long want = 0, got = 0;

		if (kind == 0)
			a = ids[rnd(4)];
		if (kind == 1) {
			a = ids[rnd(4)];
			b = pick_port(m_by_id(a, i) < 0 ? i : m_by_id(a, i));
		}
		if (kind == 2)
			a = rnd(100) < 80 ? rnd(4) : rnd(NR_VIRQS + 2);
		if (kind >= 8) {
			a = rnd(MP + 1);
			guest_action(i, kind, a, rnd(MV));
		} else {
			want = m_op(i, kind, a, b);
			got = real_op(i, kind, a, b);
		}
		counts[kind] += want >= 0;
		if (want != got || compare(0) || compare(1) ||
		    (step % 1000 == 0 && (compare_status(0) || compare_status(1)))) {
			if (!mismatches++)
				fprintf(stderr, "step %d: dom %d op %d(%u, %u): "
					"got %ld, model %ld\n", step, i, kind,
					a, b, got, want);
		}
	}
	if (getenv("EVTCHN_VERBOSE"))
		for (int k = 0; k < 10; k++)
			fprintf(stderr, "op %d: %u successes\n", k, counts[k]);
	CHECK_EQ(mismatches, 0);
	CHECK_EQ(compare_status(0) | compare_status(1), 0);
	for (int k = 0; k < 10; k++)
		CHECK(counts[k] > 100);		/* every op succeeded often */
	teardown();
}

/* --- Concurrency: senders on both ends while pairs are torn down and
 * re-made from either side, so the lower-addressed domain takes the
 * fast path and the other the trylock / global-lock path.  A deadlock
 * ends the run through alarm(). --- */

#define NPAIRS 8
#define ROUNDS 20000

static evtchn_port_t pair_port[2][NPAIRS];	/* [dom][k], atomically */
static int thread_errors;

static void *sender(void *arg)
{
	int i = (int)(uintptr_t)arg;
	unsigned int seed = 7 + i;

	for (int n = 0; n < ROUNDS * 4; n++) {
		seed = seed * 1103515245u + 12345u;
		evtchn_port_t p = __atomic_load_n(&pair_port[i][(seed >> 8) % NPAIRS],
						  __ATOMIC_RELAXED);
		long rc = send(i, p);

		if (rc != 0 && rc != -EINVAL)
			__atomic_fetch_add(&thread_errors, 1, __ATOMIC_RELAXED);
		if (!(n & 15)) {
			VI(i, 0)->evtchn_upcall_pending = 0;
			__atomic_store_n(&VI(i, 0)->evtchn_pending_sel, 0,
					 __ATOMIC_RELAXED);
			__atomic_store_n(&dom[i].si.evtchn_pending[0], 0,
					 __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

/* Close pair k from side @i, then side i binds the other's port again. */
static void *rebinder(void *arg)
{
	int i = (int)(uintptr_t)arg, j = !i;

	for (int n = 0; n < ROUNDS; n++) {
		int k = (n * 3 + i) % NPAIRS;
		evtchn_port_t mine = pair_port[i][k];
		long lp;

		/* Both rebinders run: each owns the pairs of its parity. */
		if (k % 2 != i)
			continue;
		if (xclose(i, mine) != 0)
			__atomic_fetch_add(&thread_errors, 1, __ATOMIC_RELAXED);
		lp = interdomain(i, dom[j].d.domain_id, pair_port[j][k]);
		if (lp <= 0)
			__atomic_fetch_add(&thread_errors, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&pair_port[i][k], lp, __ATOMIC_RELAXED);
	}
	return NULL;
}

TEST(test_concurrent_pairs)
{
	pthread_t t[4];
	struct evtchn_status st;

	setup2();
	for (int k = 0; k < NPAIRS; k++) {
		pair_port[1][k] = unbound(1, DOMID_SELF, 0);
		pair_port[0][k] = interdomain(0, 5, pair_port[1][k]);
	}
	alarm(60);
	for (int i = 0; i < 2; i++) {
		pthread_create(&t[i], NULL, sender, (void *)(uintptr_t)i);
		pthread_create(&t[2 + i], NULL, rebinder, (void *)(uintptr_t)i);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	alarm(0);
	CHECK_EQ(thread_errors, 0);
	for (int k = 0; k < NPAIRS; k++) {
		CHECK_EQ(status(0, DOMID_SELF, pair_port[0][k], &st), 0);
		CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
		CHECK_EQ(st.u.interdomain.port, pair_port[1][k]);
	}
	teardown();
}

UNIT_MAIN(test_port0_reserved, test_alloc_unbound, test_bind_interdomain,
	  test_bind_virq, test_bind_ipi, test_close, test_send_delivery,
	  test_high_port_selector, test_unmask, test_interdomain_delivery,
	  test_bind_vcpu, test_send_virq, test_out_of_ports,
	  test_groups_on_demand, test_status_errors, test_reset, test_misc_ops,
	  test_hypercall_entry, test_shadow_then_install,
	  test_register_vcpu_info, test_poll, test_xen_ports,
	  test_destroy_unbinds_peers, test_random_vs_model,
	  test_concurrent_pairs)
