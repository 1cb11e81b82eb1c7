/*
 * event_channel_op (32).  Xen 4.17: xen/common/event_channel.c
 * do_event_channel_op() and the evtchn_*() it calls, event_2l.c,
 * event_fifo.c evtchn_fifo_expand_array(); port validity is
 * port_is_valid() (xen/include/xen/event.h): ports up to the last one
 * allocated, in groups.  Port 0 is reserved: valid, never usable.
 *
 * The 2-level ABI's limit is 4096 ports; an initial domain may have all.
 */
#include "hostile.h"

#define DOMID_NONE 0x7000
#define NR_2L_PORTS 4096

static u64 bits_word(const xen_ulong_t *map, evtchn_port_t port)
{
	return __atomic_load_n(&map[port / 64], __ATOMIC_SEQ_CST) & (1UL << (port % 64));
}

bool port_pending(evtchn_port_t port)
{
	return shinfo && port < NR_2L_PORTS && bits_word(shinfo->evtchn_pending, port);
}

void port_clear(evtchn_port_t port)
{
	if (shinfo && port < NR_2L_PORTS)
		__atomic_fetch_and(&shinfo->evtchn_pending[port / 64],
				   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

static void port_mask(evtchn_port_t port, bool on)
{
	xen_ulong_t *w = &shinfo->evtchn_mask[port / 64];

	if (on)
		__atomic_fetch_or(w, 1UL << (port % 64), __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(w, ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

long evtchn_bind_ipi(unsigned int vcpu, evtchn_port_t *port)
{
	static struct evtchn_bind_ipi b;
	long rc;

	b = (struct evtchn_bind_ipi){ .vcpu = vcpu };
	rc = evtchn_op(EVTCHNOP_bind_ipi, &b);
	if (!rc && port)
		*port = b.port;
	return rc;
}

/* The single-port sub-ops all take { evtchn_port_t port; }. */
static long port_op(unsigned long cmd, evtchn_port_t port)
{
	static evtchn_port_t p;

	p = port;
	return evtchn_op(cmd, &p);
}

long evtchn_close(evtchn_port_t port)
{
	return port_op(EVTCHNOP_close, port);
}

long evtchn_send(evtchn_port_t port)
{
	return port_op(EVTCHNOP_send, port);
}

static struct evtchn_status st;

static long status(domid_t dom, evtchn_port_t port)
{
	memset(&st, 0xee, sizeof(st));
	st.dom = dom;
	st.port = port;
	return evtchn_op(EVTCHNOP_status, &st);
}

static long bind_vcpu(evtchn_port_t port, u32 vcpu)
{
	static struct evtchn_bind_vcpu b;

	b = (struct evtchn_bind_vcpu){ .port = port, .vcpu = vcpu };
	return evtchn_op(EVTCHNOP_bind_vcpu, &b);
}

static long bind_virq(u32 virq, u32 vcpu, evtchn_port_t *port)
{
	static struct evtchn_bind_virq b;
	long rc;

	b = (struct evtchn_bind_virq){ .virq = virq, .vcpu = vcpu };
	rc = evtchn_op(EVTCHNOP_bind_virq, &b);
	if (!rc && port)
		*port = b.port;
	return rc;
}

static long alloc_unbound(domid_t dom, domid_t remote, evtchn_port_t *port)
{
	static struct evtchn_alloc_unbound a;
	long rc;

	a = (struct evtchn_alloc_unbound){ .dom = dom, .remote_dom = remote };
	rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);
	if (!rc && port)
		*port = a.port;
	return rc;
}

static long bind_interdomain(domid_t remote, evtchn_port_t rport, evtchn_port_t *port)
{
	static struct evtchn_bind_interdomain b;
	long rc;

	b = (struct evtchn_bind_interdomain){ .remote_dom = remote, .remote_port = rport };
	rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
	if (!rc && port)
		*port = b.local_port;
	return rc;
}

static long set_priority(evtchn_port_t port, u32 prio)
{
	static struct evtchn_set_priority s;

	s = (struct evtchn_set_priority){ .port = port, .priority = prio };
	return evtchn_op(EVTCHNOP_set_priority, &s);
}

/* Every per-port sub-op on a port that is not valid. */
static void check_invalid_port(evtchn_port_t port)
{
	expect(evtchn_send(port), -EINVAL, "send on port %#x", port);
	expect(evtchn_close(port), -EINVAL, "close port %#x", port);
	expect(port_op(EVTCHNOP_unmask, port), -EINVAL, "unmask port %#x", port);
	expect(status(DOMID_SELF, port), -EINVAL, "status of port %#x", port);
	expect(bind_vcpu(port, 0), -EINVAL, "bind_vcpu port %#x", port);
	expect(set_priority(port, 0), -EINVAL, "set_priority port %#x", port);
}

/* A valid port that is not in use (0, or a closed one). */
static void check_unused_port(evtchn_port_t port)
{
	expect(evtchn_send(port), -EINVAL, "send on unused port %u", port);
	expect(evtchn_close(port), -EINVAL, "close unused port %u", port);
	expect(bind_vcpu(port, 0), -EINVAL, "bind_vcpu unused port %u", port);
	expect(status(DOMID_SELF, port), 0, "status of unused port %u", port);
	expect(st.status, EVTCHNSTAT_closed, "status of unused port %u: status", port);
	/* evtchn_port_unmask() only touches usable ports. */
	if (shinfo)
		port_mask(port, true);
	expect(port_op(EVTCHNOP_unmask, port), 0, "unmask unused port %u", port);
	if (shinfo) {
		report(bits_word(shinfo->evtchn_mask, port),
		       "unmask of unused port %u left its mask bit alone", port);
		port_mask(port, false);
	}
	expect(set_priority(port, 0), -ENOSYS,
	       "set_priority unused port %u (2-level: no priorities)", port);
}

static void check_ports(void)
{
	static const evtchn_port_t bad[] = { NR_2L_PORTS - 1, NR_2L_PORTS,
					     0x80000000, 0xffffffff };
	evtchn_port_t p = 0;

	check_unused_port(0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		check_invalid_port(bad[i]);
	if (expect(evtchn_bind_ipi(0, &p), 0, "bind_ipi vCPU 0")) {
		expect(evtchn_close(p), 0, "close it");
		check_unused_port(p);
	}
	expect(status(DOMID_NONE, NR_2L_PORTS), -ESRCH,
	       "status in nonexistent d%#x (domain before port)", DOMID_NONE);
	expect(status(DOMID_IO, 1), -ESRCH, "status in DOMID_IO");
}

static void check_binds(void)
{
	evtchn_port_t p = 0, q = 0;

	expect(bind_virq(NR_VIRQS, 0, NULL), -EINVAL, "bind_virq %u", NR_VIRQS);
	expect(bind_virq(0xffffffff, 0, NULL), -EINVAL, "bind_virq 2^32-1");
	expect(bind_virq(VIRQ_CONSOLE, 1, NULL), -EINVAL,
	       "bind_virq VIRQ_CONSOLE (global) on vCPU 1");
	expect(bind_virq(VIRQ_TIMER, 99, NULL), -ENOENT, "bind_virq VIRQ_TIMER on vCPU 99");
	expect(bind_virq(VIRQ_TIMER, 0xffffffff, NULL), -ENOENT,
	       "bind_virq VIRQ_TIMER on vCPU 2^32-1");
	if (expect(bind_virq(VIRQ_DEBUG, 0, &p), 0, "bind_virq VIRQ_DEBUG")) {
		expect(bind_virq(VIRQ_DEBUG, 0, NULL), -EEXIST, "bind_virq VIRQ_DEBUG again");
		expect(bind_vcpu(p, 0), -EINVAL, "bind_vcpu of a per-vCPU VIRQ");
		expect(evtchn_send(p), -EINVAL, "send on a VIRQ port");
		expect(evtchn_close(p), 0, "close VIRQ_DEBUG");
	}
	if (expect(bind_virq(VIRQ_DOM_EXC, 0, &p), 0, "bind_virq VIRQ_DOM_EXC")) {
		expect(bind_vcpu(p, 0), 0, "bind_vcpu of a global VIRQ");
		expect(bind_vcpu(p, 99), -ENOENT, "bind_vcpu to vCPU 99");
		if (nr_vcpus > 1)
			expect(bind_vcpu(p, 1), 0, "bind_vcpu of a global VIRQ to vCPU 1");
		expect(evtchn_close(p), 0, "close VIRQ_DOM_EXC");
	}
	expect(evtchn_bind_ipi(99, NULL), -ENOENT, "bind_ipi vCPU 99");
	expect(evtchn_bind_ipi(0xffffffff, NULL), -ENOENT, "bind_ipi vCPU 2^32-1");
	if (nr_vcpus > 1 && expect(evtchn_bind_ipi(1, &p), 0, "bind_ipi offline vCPU 1")) {
		expect(bind_vcpu(p, 0), -EINVAL, "bind_vcpu of an IPI port");
		expect(evtchn_close(p), 0, "close it");
	}

	expect(alloc_unbound(DOMID_NONE, DOMID_SELF, NULL), -ESRCH,
	       "alloc_unbound in nonexistent d%#x", DOMID_NONE);
	expect(alloc_unbound(DOMID_IO, DOMID_SELF, NULL), -ESRCH, "alloc_unbound in DOMID_IO");
	if (expect(alloc_unbound(DOMID_SELF, DOMID_NONE, &p), 0,
		   "alloc_unbound for nonexistent remote d%#x (not checked)", DOMID_NONE)) {
		expect(status(DOMID_SELF, p), 0, "status of that port");
		report(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == DOMID_NONE,
		       "it is unbound for d%#x (status %u, dom %#x)", DOMID_NONE,
		       st.status, st.u.unbound.dom);
		expect(bind_interdomain(DOMID_SELF, p, NULL), -EINVAL,
		       "bind_interdomain to a port reserved for another domain");
		if (nr_vcpus > 1)
			expect(bind_vcpu(p, 1), 0, "bind_vcpu of an unbound port to vCPU 1");
		expect(evtchn_send(p), 0, "send on an unbound port (dropped)");
		expect(evtchn_close(p), 0, "close it");
	}
	expect(bind_interdomain(DOMID_NONE, 1, NULL), -ESRCH,
	       "bind_interdomain to nonexistent d%#x", DOMID_NONE);
	expect(bind_interdomain(DOMID_SELF, 0, NULL), -EINVAL, "bind_interdomain to port 0");
	expect(bind_interdomain(DOMID_SELF, NR_2L_PORTS, NULL), -EINVAL,
	       "bind_interdomain to port %u", NR_2L_PORTS);
	if (expect(evtchn_bind_ipi(0, &q), 0, "bind_ipi")) {
		expect(bind_interdomain(DOMID_SELF, q, NULL), -EINVAL,
		       "bind_interdomain to an IPI port");
		evtchn_close(q);
	}
	/* A loopback pair, then tear one end down. */
	if (!expect(alloc_unbound(DOMID_SELF, DOMID_SELF, &q), 0, "alloc_unbound for self"))
		return;
	if (expect(bind_interdomain(DOMID_SELF, q, &p), 0, "bind_interdomain to it")) {
		expect(status(DOMID_SELF, p), 0, "status of the bound end");
		report(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.port == q,
		       "bound end: interdomain to port %u (status %u, port %u)", q,
		       st.status, st.u.interdomain.port);
		port_clear(q);
		expect(evtchn_send(p), 0, "send on the bound end");
		if (shinfo)
			report(port_pending(q), "the other end %u is pending", q);
		port_clear(p);
		port_clear(q);
		expect(evtchn_close(p), 0, "close the bound end");
		expect(status(DOMID_SELF, q), 0, "status of the other end");
		report(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == my_domid,
		       "the other end is unbound again (status %u)", st.status);
	}
	expect(evtchn_close(q), 0, "close the other end");
}

/* IPI delivery into shared_info and vcpu_info, masked and unmasked. */
static void check_delivery(void)
{
	struct vcpu_info *vi = my_vcpu_info;
	evtchn_port_t p = 0;

	if (!shinfo || !vi) {
		report_skip("event delivery: shared_info not mapped");
		return;
	}
	if (!expect(evtchn_bind_ipi(0, &p), 0, "bind_ipi for delivery"))
		return;
	port_clear(p);
	port_mask(p, false);
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	expect(evtchn_send(p), 0, "send on IPI port %u", p);
	report(port_pending(p) && (vi->evtchn_pending_sel & (1UL << (p / 64))) &&
	       vi->evtchn_upcall_pending,
	       "IPI: pending bit, selector bit and upcall flag set");
	expect(evtchn_op((1UL << 32) | EVTCHNOP_send, &p), 0,
	       "cmd 2^32 + send (an int: send)");

	port_clear(p);
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	port_mask(p, true);
	expect(evtchn_send(p), 0, "send on the masked port");
	report(port_pending(p) && !vi->evtchn_upcall_pending,
	       "masked: pending bit set, no upcall");
	expect(port_op(EVTCHNOP_unmask, p), 0, "unmask it");
	report(!bits_word(shinfo->evtchn_mask, p) && vi->evtchn_upcall_pending &&
	       (vi->evtchn_pending_sel & (1UL << (p / 64))),
	       "unmask of a pending port: mask clear, upcall raised");
	port_clear(p);
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	expect(evtchn_close(p), 0, "close it");
}

static void check_other_ops(void)
{
	static struct evtchn_init_control ic;
	static struct evtchn_expand_array ea;
	static struct evtchn_bind_pirq bp;
	static struct evtchn_reset rs;
	evtchn_port_t p = 0;

	ic = (struct evtchn_init_control){ .control_gfn = GFN_NEVER_MAPPED };
	/* Xen's map_guest_page(): no page there. */
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL,
	       "init_control on a frame never mapped");
	expect(evtchn_op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP,
	       "expand_array without FIFO");
	bp = (struct evtchn_bind_pirq){ .pirq = 0xffffffff };
	expect(evtchn_op(EVTCHNOP_bind_pirq, &bp), -EINVAL, "bind_pirq 2^32-1");
	expect(evtchn_op(99, &p), -ENOSYS, "event_channel_op 99 (unknown)");
	expect(evtchn_op(0xffffffffUL, &p), -ENOSYS, "event_channel_op -1");
	rs.dom = DOMID_NONE;
	expect(evtchn_op(EVTCHNOP_reset, &rs), -ESRCH, "reset nonexistent d%#x", DOMID_NONE);

	expect(evtchn_op(EVTCHNOP_send, P(VA_UNMAPPED)), -EFAULT, "send, argument unmapped");
	expect(evtchn_op(EVTCHNOP_close, P(VA_NONCANON)), -EFAULT,
	       "close, argument non-canonical");
	expect(evtchn_op(EVTCHNOP_bind_ipi, P(win_cross(2))), -EFAULT,
	       "bind_ipi, argument runs into a hole");
	expect(evtchn_op(EVTCHNOP_status, P(win_cross(8))), -EFAULT,
	       "status, argument runs into a hole");
	expect(evtchn_op(EVTCHNOP_bind_virq, P(VA_UNMAPPED)), -EFAULT,
	       "bind_virq, argument unmapped");
	expect(evtchn_op(EVTCHNOP_alloc_unbound, P(VA_UNMAPPED)), -EFAULT,
	       "alloc_unbound, argument unmapped");
	expect(evtchn_op(EVTCHNOP_reset, P(VA_UNMAPPED)), -EFAULT,
	       "reset, argument unmapped");
	expect(evtchn_op(EVTCHNOP_init_control, P(VA_UNMAPPED)), -EFAULT,
	       "init_control, argument unmapped");
	if (have_noram)
		expect(evtchn_op(EVTCHNOP_unmask, P(VA_NORAM)), -EFAULT,
		       "unmask, argument not RAM");
}

/* Take every port there is, then give them back. */
static void check_exhaustion(void)
{
	static evtchn_port_t ports[NR_2L_PORTS];
	unsigned int n = 0, closed = 0;
	long rc;

	while (n < NR_2L_PORTS && !(rc = evtchn_bind_ipi(0, &ports[n])))
		n++;
	expect(rc, -ENOSPC, "bind_ipi after %u ports", n);
	report(n >= NR_2L_PORTS - 16, "took %u ports before running out", n);
	expect(port_op(EVTCHNOP_unmask, NR_2L_PORTS - 1), 0, "unmask port 4095 (in use)");
	check_invalid_port(NR_2L_PORTS);
	for (unsigned int i = 0; i < n; i++)
		closed += !evtchn_close(ports[i]);
	expect(closed, n, "closed all %u", n);
	if (expect(evtchn_bind_ipi(0, &ports[0]), 0, "bind_ipi after that")) {
		static struct evtchn_reset rs = { .dom = DOMID_SELF };

		expect(evtchn_op(EVTCHNOP_reset, &rs), 0, "reset of self");
		expect(status(DOMID_SELF, ports[0]), 0, "status after the reset");
		expect(st.status, EVTCHNSTAT_closed, "the reset closed port %u", ports[0]);
	}
	for (unsigned int i = 1; i < NR_2L_PORTS; i += 511)
		port_clear(i);
}

/*
 * The FIFO ABI (Xen's event_fifo.c): bad control blocks first, then one
 * in scratch page 12 with the event array in page 13, an event through
 * it, and EVTCHNOP_reset back to 2-level (public/event_channel.h).
 */
static void check_fifo(void)
{
	static struct evtchn_init_control ic;
	static struct evtchn_expand_array ea;
	static struct evtchn_reset rs = { .dom = DOMID_SELF };
	struct evtchn_fifo_control_block *cb;
	event_word_t *words;
	evtchn_port_t p = 0;

	ic = (struct evtchn_init_control){ .control_gfn = GFN_NEVER_MAPPED,
					   .vcpu = 99, .offset = 4 };
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -ENOENT,
	       "init_control vCPU 99 (before the offset)");
	ic.vcpu = 0xffffffff;
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -ENOENT, "init_control vCPU 2^32-1");
	ic.vcpu = 0;
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL, "init_control offset 4");
	ic.offset = 4096 - sizeof(*cb) + 8;
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL,
	       "init_control offset %u (crosses the page)", ic.offset);
	ic.offset = 0xfffffff8;
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL, "init_control offset 2^32-8");
	ic.offset = 0;
	ic.control_gfn = VA_UNMAPPED >> 12;
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL, "init_control gfn without RAM");
	ea.array_gfn = GFN_NEVER_MAPPED;
	expect(evtchn_op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP,
	       "expand_array while 2-level");
	if (!scratch_gfn || !my_vcpu_info) {
		report_skip("FIFO events: no free RAM pages or no vcpu_info");
		return;
	}

	cb = P((scratch_gfn + 12) << 12);
	words = P((scratch_gfn + 13) << 12);
	memset(cb, 0, PAGE_SIZE);
	for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*words); i++)
		words[i] = 1U << EVTCHN_FIFO_MASKED;
	ic = (struct evtchn_init_control){ .control_gfn = scratch_gfn + 12 };
	if (!expect(evtchn_op(EVTCHNOP_init_control, &ic), 0, "init_control vCPU 0"))
		return;
	expect(ic.link_bits, EVTCHN_FIFO_LINK_BITS, "init_control link_bits");
	expect(evtchn_op(EVTCHNOP_init_control, &ic), -EINVAL, "init_control vCPU 0 again");
	expect(evtchn_op(EVTCHNOP_expand_array, &ea), -EINVAL,
	       "expand_array on a frame never mapped");
	ea.array_gfn = scratch_gfn + 13;
	expect(evtchn_op(EVTCHNOP_expand_array, &ea), 0, "expand_array");
	expect(set_priority(0, 3), -EACCES, "set_priority port 0 (FIFO)");
	if (expect(evtchn_bind_ipi(0, &p), 0, "bind_ipi under FIFO") && p < 1024) {
		expect(set_priority(p, 16), -EINVAL, "set_priority 16");
		expect(set_priority(p, 3), 0, "set_priority 3");
		words[p] = 0;				/* unmasked */
		my_vcpu_info->evtchn_upcall_pending = 0;
		expect(evtchn_send(p), 0, "send on port %u", p);
		report(words[p] == ((1U << EVTCHN_FIFO_PENDING) | (1U << EVTCHN_FIFO_LINKED)) &&
		       cb->ready == 1U << 3 && cb->head[3] == p &&
		       my_vcpu_info->evtchn_upcall_pending,
		       "FIFO: word %#x, ready %#x, head[3] %u, upcall %u", words[p],
		       cb->ready, cb->head[3], my_vcpu_info->evtchn_upcall_pending);
		my_vcpu_info->evtchn_upcall_pending = 0;
	}
	expect(evtchn_op(EVTCHNOP_reset, &rs), 0, "reset back to 2-level");
	expect(evtchn_op(EVTCHNOP_expand_array, &ea), -EOPNOTSUPP,
	       "expand_array after the reset");
	expect(set_priority(0, 3), -ENOSYS, "set_priority after the reset (2-level)");
}

void check_evtchn_op(void)
{
	check_ports();
	check_binds();
	check_delivery();
	check_other_ops();
	check_exhaustion();
	check_fifo();
}
