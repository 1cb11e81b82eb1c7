/*
 * Host tests of FIFO event channels (xen/common/event_fifo.c and the
 * port-ops switch in event_channel.c), in the fake hypervisor of
 * evtchn_env.h.  The guest side follows Linux's FIFO driver
 * (drivers/xen/events/events_fifo.c): a zeroed control block per vCPU,
 * array pages filled with MASKED before EVTCHNOP_expand_array, unmask
 * by compare-exchange waiting while BUSY then EVTCHNOP_unmask if
 * pending, and the consumer loop: take the ready word, walk the queue
 * of the highest ready priority from the local head or the control
 * block's head, clear LINKED (and LINK) by compare-exchange, handle the
 * port if pending and not masked.
 */
#include "evtchn_env.h"

#define CB_PAGE 0		/* RAM page n holds vCPU n's control block */
#define ARRAY_PAGE NV		/* array pages from RAM page NV on */
#define WPP 1024		/* event words per page */
#define PRIO_BIT(p) (1U << (p))

/* The guest's side, per domain. */
static struct guest {
	event_word_t *array[128];
	unsigned int pages;
	struct evtchn_fifo_control_block *cb[NV];
	u32 head[NV][EVTCHN_FIFO_MAX_QUEUES];	/* Linux's local heads */
	evtchn_port_t seen[8192];		/* handled, in order */
	unsigned int nseen;
} g[NDOMS];

static long g_init_control(int i, u32 vcpu, u64 gfn, u32 offset)
{
	struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset,
					  .vcpu = vcpu };
	long rc = op(i, EVTCHNOP_init_control, &ic);

	if (!rc) {
		CHECK_EQ(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
		g[i].cb[vcpu] = (void *)((char *)ram_page(i, gfn - RAM_GFN) + offset);
	}
	return rc;
}

/* Linux's evtchn_fifo_alloc_control_block(): page n for vCPU n. */
static void g_fifo_on(int i)
{
	memset(&g[i], 0, sizeof(g[i]));
	for (unsigned int v = 0; v < dom[i].d.max_vcpus; v++)
		CHECK_EQ(g_init_control(i, v, RAM_GFN + CB_PAGE + v, 0), 0);
}

static long g_expand(int i)
{
	struct evtchn_expand_array ea;
	event_word_t *page = ram_page(i, ARRAY_PAGE + g[i].pages);
	long rc;

	for (unsigned int w = 0; w < WPP; w++)
		page[w] = 1U << EVTCHN_FIFO_MASKED;
	ea.array_gfn = RAM_GFN + ARRAY_PAGE + g[i].pages;
	rc = op(i, EVTCHNOP_expand_array, &ea);
	if (!rc)
		g[i].array[g[i].pages++] = page;
	return rc;
}

/* Linux's evtchn_fifo_setup(): the array covers the port. */
static void g_setup(int i, evtchn_port_t port)
{
	while (g[i].pages <= port / WPP)
		if (g_expand(i))
			CHECK(0);
}

static event_word_t *W(int i, evtchn_port_t port)
{
	return &g[i].array[port / WPP][port % WPP];
}

static bool wbit(int i, evtchn_port_t port, unsigned int b)
{
	return __atomic_load_n(W(i, port), __ATOMIC_SEQ_CST) & (1U << b);
}

static void wset(int i, evtchn_port_t port, unsigned int b, bool on)
{
	if (on)
		__atomic_fetch_or(W(i, port), 1U << b, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(W(i, port), ~(1U << b), __ATOMIC_SEQ_CST);
}

/* A bound port as Linux binds one: set up, then unmasked. */
static void g_unmask(int i, evtchn_port_t port)
{
	event_word_t *word = W(i, port), old, w = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	do {
		old = w & ~(1U << EVTCHN_FIFO_BUSY);
		w = old;
	} while (!__atomic_compare_exchange_n(word, &w, old & ~(1U << EVTCHN_FIFO_MASKED),
					      false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) &&
		 (w = __atomic_load_n(word, __ATOMIC_SEQ_CST), true));
	if (wbit(i, port, EVTCHN_FIFO_PENDING))
		CHECK_EQ(unmask(i, port), 0);
}

static long g_ipi(int i, u32 vcpu)
{
	long p = ipi(i, vcpu);

	if (p > 0) {
		g_setup(i, p);
		g_unmask(i, p);
	}
	return p;
}

/* Linux's clear_linked(): the old LINK. */
static u32 clear_linked(event_word_t *word)
{
	event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	while (!__atomic_compare_exchange_n(word, &w,
			w & ~((1U << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
			false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	return w & EVTCHN_FIFO_LINK_MASK;
}

/* Linux's consume_one_event(); the handler acks (clears PENDING). */
static void consume_one(int i, unsigned int v, unsigned int prio, u32 *ready)
{
	u32 head = g[i].head[v][prio];
	evtchn_port_t port;

	if (!head)
		head = __atomic_load_n(&g[i].cb[v]->head[prio], __ATOMIC_SEQ_CST);
	port = head;
	if (port / WPP >= g[i].pages) {		/* a corrupt queue */
		CHECK(0);
		*ready &= ~PRIO_BIT(prio);
		return;
	}
	head = clear_linked(W(i, port));
	if (!head)
		*ready &= ~PRIO_BIT(prio);
	if (wbit(i, port, EVTCHN_FIFO_PENDING) && !wbit(i, port, EVTCHN_FIFO_MASKED)) {
		wset(i, port, EVTCHN_FIFO_PENDING, false);
		if (g[i].nseen < ARRAY_SIZE(g[i].seen))
			g[i].seen[g[i].nseen++] = port;
	}
	g[i].head[v][prio] = head;
}

/* Linux's __evtchn_fifo_handle_events() after the upcall: the ports
 * handled, in order, into g[i].seen (reset first). */
static unsigned int consume(int i, unsigned int v)
{
	u32 ready;
	unsigned int n = 0;

	g[i].nseen = 0;
	VI(i, v)->evtchn_upcall_pending = 0;
	ready = __atomic_exchange_n(&g[i].cb[v]->ready, 0, __ATOMIC_SEQ_CST);
	while (ready && n++ < 200000) {
		consume_one(i, v, __builtin_ctz(ready), &ready);
		ready |= __atomic_exchange_n(&g[i].cb[v]->ready, 0, __ATOMIC_SEQ_CST);
	}
	CHECK(n < 200000);
	return g[i].nseen;
}

static long prio(int i, evtchn_port_t port, u32 p)
{
	struct evtchn_set_priority sp = { .port = port, .priority = p };

	return op(i, EVTCHNOP_set_priority, &sp);
}

static bool is_fifo(int i)
{
	struct evtchn_expand_array ea = { .array_gfn = 0 };

	/* FIFO answers -EINVAL for gfn 0, 2-level -EOPNOTSUPP. */
	return op(i, EVTCHNOP_expand_array, &ea) != -EOPNOTSUPP;
}

static long reset_self(int i)
{
	struct evtchn_reset r = { .dom = DOMID_SELF };

	return op(i, EVTCHNOP_reset, &r);
}

/* --- Tests --- */

TEST(test_init_control_validation)
{
	setup_dom(1, 5, 2, 1023, false, true);
	memset(&g[1], 0, sizeof(g[1]));
	/* vCPU first, then the offset, then the frame (Xen's order). */
	CHECK_EQ(g_init_control(1, 2, RAM_GFN, 4), -ENOENT);
	CHECK_EQ(g_init_control(1, NV, RAM_GFN, 0), -ENOENT);
	CHECK_EQ(g_init_control(1, 0xffffffff, RAM_GFN, 0), -ENOENT);
	CHECK_EQ(g_init_control(1, 0, 0, 4025), -EINVAL);
	CHECK_EQ(g_init_control(1, 0, RAM_GFN, 4032), -EINVAL);
	CHECK_EQ(g_init_control(1, 0, RAM_GFN, 0xffffffff), -EINVAL);
	CHECK_EQ(g_init_control(1, 0, RAM_GFN, 4), -EINVAL);	/* 8-byte aligned */
	CHECK_EQ(dom[1].maps, 0);				/* all before mapping */
	CHECK_EQ(g_init_control(1, 0, 0, 0), -EINVAL);		/* not RAM */
	CHECK_EQ(g_init_control(1, 0, RAM_GFN + NPAGES, 0), -EINVAL);
	CHECK_EQ(g_init_control(1, 0, ~0ULL, 0), -EINVAL);
	/* Failures leave 2-level in place and nothing mapped. */
	CHECK(!is_fifo(1));
	CHECK_EQ(prio(1, 64, 3), -EINVAL);			/* no such port */
	CHECK_EQ(ipi(1, 0), 1);
	CHECK_EQ(prio(1, 1, 3), -ENOSYS);			/* 2-level */
	CHECK_EQ(ram_refs(1), 0);
	CHECK_EQ(live_allocs, 4);

	/* The last offset that fits. */
	CHECK_EQ(g_init_control(1, 1, RAM_GFN + 1, 4096 - 72), 0);
	CHECK(is_fifo(1));
	CHECK_EQ(ram_refs(1), 1);
	CHECK_EQ(g_init_control(1, 1, RAM_GFN + 2, 0), -EINVAL);	/* again */
	CHECK_EQ(g_init_control(1, 0, RAM_GFN + 7, 8), 0);
	CHECK_EQ(g_init_control(1, 0, RAM_GFN + 7, 8), -EINVAL);
	CHECK_EQ(ram_refs(1), 2);
	teardown();

	/* Out of memory at each allocation of the first init_control. */
	for (int k = 0; k < 3; k++) {
		setup_dom(1, 5, 2, 1023, false, true);
		fail_alloc_in = k;
		CHECK_EQ(g_init_control(1, 0, RAM_GFN, 0), -ENOMEM);
		CHECK(!is_fifo(1));
		CHECK_EQ(ram_refs(1), 0);
		teardown();
	}
}

/* link_bits comes back through the hypercall; a bad pointer is -EFAULT. */
TEST(test_init_control_hypercall)
{
	struct evtchn_init_control ic = { .control_gfn = RAM_GFN, .vcpu = 0 };
	struct hypercall_args a = { { EVTCHNOP_init_control, (uintptr_t)&ic }, false };
	struct hypercall_args bad = { { EVTCHNOP_init_control, 0 }, false };

	setup_dom(1, 5, 1, 1023, false, true);
	CHECK_EQ(do_event_channel_op(&dom[1].v[0], &bad), -EFAULT);
	CHECK_EQ(do_event_channel_op(&dom[1].v[0], &a), 0);
	CHECK_EQ(ic.link_bits, 17);
	a.a[0] = EVTCHNOP_expand_array;
	CHECK_EQ(do_event_channel_op(&dom[1].v[0], &a), 0);
	teardown();
}

TEST(test_expand_array)
{
	setup_dom(1, 5, 1, 1023, false, true);
	memset(&g[1], 0, sizeof(g[1]));
	CHECK_EQ(g_expand(1), -EOPNOTSUPP);
	g_fifo_on(1);
	for (unsigned int k = 0; k < 128; k++)
		CHECK_EQ(g_expand(1), 0);
	CHECK_EQ(ram_refs(1), 129);
	CHECK_EQ(g_expand(1), -ENOSPC);		/* 2^17 ports at most */
	CHECK_EQ(ram_refs(1), 129);
	teardown();

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	{
		struct evtchn_expand_array ea = { .array_gfn = RAM_GFN + NPAGES };

		CHECK_EQ(op(1, EVTCHNOP_expand_array, &ea), -EINVAL);
		ea.array_gfn = 3;
		CHECK_EQ(op(1, EVTCHNOP_expand_array, &ea), -EINVAL);
	}
	CHECK_EQ(ram_refs(1), 1);
	teardown();
}

/* Highest priority first, first in first out within one. */
TEST(test_priorities_and_order)
{
	long a, b, c, d, e;

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	a = g_ipi(1, 0);
	b = g_ipi(1, 0);
	c = g_ipi(1, 0);
	d = g_ipi(1, 0);
	e = g_ipi(1, 0);
	CHECK_EQ(prio(1, b, 3), 0);
	CHECK_EQ(prio(1, d, 12), 0);
	CHECK_EQ(prio(1, e, EVTCHN_FIFO_PRIORITY_MAX), 0);
	CHECK_EQ(dom[1].kicks[0], 0);
	CHECK_EQ(send(1, a), 0);
	CHECK_EQ(dom[1].kicks[0], 1);
	CHECK(VI(1, 0)->evtchn_upcall_pending);
	CHECK_EQ(g[1].cb[0]->ready, PRIO_BIT(7));
	CHECK_EQ(g[1].cb[0]->head[7], a);
	CHECK_EQ(send(1, d), 0);
	CHECK_EQ(send(1, c), 0);
	CHECK_EQ(send(1, a), 0);		/* linked already: nothing new */
	CHECK_EQ(send(1, b), 0);
	CHECK_EQ(send(1, e), 0);
	CHECK_EQ(dom[1].kicks[0], 1);		/* one upcall for them all */
	CHECK_EQ(*W(1, a) & EVTCHN_FIFO_LINK_MASK, c);	/* a -> c */
	CHECK(wbit(1, c, EVTCHN_FIFO_LINKED));
	CHECK_EQ(g[1].cb[0]->ready, PRIO_BIT(0) | PRIO_BIT(3) | PRIO_BIT(7) |
				    PRIO_BIT(12));
	CHECK_EQ(consume(1, 0), 5);
	CHECK_EQ(g[1].seen[0], e);
	CHECK_EQ(g[1].seen[1], b);
	CHECK_EQ(g[1].seen[2], a);
	CHECK_EQ(g[1].seen[3], c);
	CHECK_EQ(g[1].seen[4], d);
	CHECK(!wbit(1, a, EVTCHN_FIFO_LINKED) && !wbit(1, c, EVTCHN_FIFO_LINKED));

	/* The tail was consumed: the next event starts the queue again. */
	CHECK_EQ(send(1, c), 0);
	CHECK_EQ(g[1].cb[0]->head[7], c);
	CHECK_EQ(dom[1].kicks[0], 2);
	CHECK_EQ(send(1, a), 0);
	CHECK_EQ(consume(1, 0), 2);
	CHECK_EQ(g[1].seen[0], c);
	CHECK_EQ(g[1].seen[1], a);

	/* Priority errors: Xen's order. */
	CHECK_EQ(prio(1, a, 16), -EINVAL);
	CHECK_EQ(prio(1, a, 0xffffffff), -EINVAL);
	CHECK_EQ(prio(1, 0, 3), -EACCES);	/* reserved */
	CHECK_EQ(prio(1, 63, 3), -EACCES);	/* free */
	CHECK_EQ(prio(1, 64, 3), -EINVAL);	/* no such port */
	CHECK_EQ(prio(1, 0x80000000, 3), -EINVAL);
	/* A rebound port starts at the default priority again. */
	CHECK_EQ(xclose(1, e), 0);
	CHECK_EQ(g_ipi(1, 0), e);
	CHECK_EQ(send(1, e), 0);
	CHECK_EQ(g[1].cb[0]->ready, PRIO_BIT(EVTCHN_FIFO_PRIORITY_DEFAULT));
	consume(1, 0);
	teardown();
}

TEST(test_mask_and_unmask)
{
	long p;

	setup_dom(1, 5, 2, 1023, false, true);
	g_fifo_on(1);
	p = g_ipi(1, 1);
	wset(1, p, EVTCHN_FIFO_MASKED, true);
	CHECK_EQ(send(1, p), 0);
	CHECK(wbit(1, p, EVTCHN_FIFO_PENDING));
	CHECK(!wbit(1, p, EVTCHN_FIFO_LINKED));
	CHECK_EQ(g[1].cb[1]->ready, 0);
	CHECK_EQ(dom[1].kicks[1], 0);
	CHECK_EQ(dom[1].poll_wakes, 1);		/* pollers see masked ports */
	/* Linux's unmask: clear MASKED, then the hypercall as it is pending. */
	g_unmask(1, p);
	CHECK(wbit(1, p, EVTCHN_FIFO_LINKED));
	CHECK_EQ(g[1].cb[1]->ready, PRIO_BIT(7));
	CHECK_EQ(g[1].cb[1]->head[7], p);
	CHECK_EQ(dom[1].kicks[1], 1);
	CHECK_EQ(consume(1, 1), 1);
	/* Unmask of a port that is not pending raises nothing. */
	CHECK_EQ(unmask(1, p), 0);
	CHECK_EQ(g[1].cb[1]->ready, 0);
	CHECK(!wbit(1, p, EVTCHN_FIFO_LINKED));
	/* The hypercall alone clears MASKED (another vCPU's port). */
	wset(1, p, EVTCHN_FIFO_MASKED, true);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(unmask(1, p), 0);
	CHECK(!wbit(1, p, EVTCHN_FIFO_MASKED));
	CHECK_EQ(consume(1, 1), 1);
	/* Close clears PENDING, not LINKED (the guest unlinks). */
	wset(1, p, EVTCHN_FIFO_MASKED, true);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(xclose(1, p), 0);
	CHECK(!wbit(1, p, EVTCHN_FIFO_PENDING));
	teardown();
}

/*
 * A port that moves (bind_vcpu, set_priority) after the guest consumed
 * it but while it is still its old queue's tail: the next event on the
 * old queue must not be linked behind it on the new queue.
 */
TEST(test_port_moves_between_queues)
{
	long p, q, r;

	setup_dom(1, 5, 2, 1023, false, true);
	g_fifo_on(1);
	/* A loopback pair: sending on r raises p, which can move. */
	p = unbound(1, DOMID_SELF, DOMID_SELF);
	g_setup(1, p);
	g_unmask(1, p);
	r = interdomain(1, DOMID_SELF, p);	/* leaves r pending */
	CHECK(r > 0);
	g_unmask(1, r);
	q = g_ipi(1, 0);
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(g[1].seen[0], r);
	CHECK_EQ(send(1, r), 0);		/* p: head and tail of (0, 7) */
	CHECK_EQ(g[1].cb[0]->head[7], p);
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(g[1].seen[0], p);

	/* p to vCPU 1; its next event heads (1, 7)... */
	CHECK_EQ(bind_vcpu(1, p, 1), 0);
	CHECK_EQ(send(1, r), 0);
	CHECK_EQ(g[1].cb[1]->head[7], p);
	CHECK(wbit(1, p, EVTCHN_FIFO_LINKED));
	/* ... and an event on (0, 7) starts that queue afresh instead of
	 * going behind p, which is on vCPU 1 now. */
	CHECK_EQ(send(1, q), 0);
	CHECK_EQ(g[1].cb[0]->head[7], q);
	CHECK_EQ(*W(1, p) & EVTCHN_FIFO_LINK_MASK, 0);
	CHECK_EQ(consume(1, 1), 1);
	CHECK_EQ(g[1].seen[0], p);
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(g[1].seen[0], q);

	/* The same for a priority change on one vCPU. */
	CHECK_EQ(bind_vcpu(1, p, 0), 0);
	CHECK_EQ(send(1, r), 0);		/* p: tail of (0, 7) */
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(prio(1, p, 2), 0);
	CHECK_EQ(send(1, r), 0);
	CHECK_EQ(g[1].cb[0]->head[2], p);
	CHECK_EQ(send(1, q), 0);
	CHECK_EQ(g[1].cb[0]->head[7], q);
	CHECK_EQ(*W(1, p) & EVTCHN_FIFO_LINK_MASK, 0);
	CHECK_EQ(consume(1, 0), 2);
	CHECK_EQ(g[1].seen[0], p);
	CHECK_EQ(g[1].seen[1], q);

	/* Moved while still linked: it stays on its old queue. */
	CHECK_EQ(send(1, r), 0);
	CHECK_EQ(bind_vcpu(1, p, 1), 0);
	CHECK_EQ(send(1, r), 0);
	CHECK_EQ(consume(1, 1), 0);
	CHECK_EQ(consume(1, 0), 1);
	teardown();
}

/* A vCPU without a control block drops its events (Xen). */
TEST(test_vcpu_without_control_block)
{
	long p;

	setup_dom(1, 5, 2, 1023, false, true);
	memset(&g[1], 0, sizeof(g[1]));
	CHECK_EQ(g_init_control(1, 0, RAM_GFN, 0), 0);
	p = g_ipi(1, 1);
	CHECK_EQ(send(1, p), 0);
	CHECK(!wbit(1, p, EVTCHN_FIFO_PENDING));
	CHECK_EQ(dom[1].kicks[1], 0);
	teardown();
}

/* Bound ports survive the switch; 2-level-pending ones are raised
 * when their page arrives; so is an event sent before its page. */
TEST(test_switch_from_2level)
{
	struct evtchn_status st;
	long p, q, far;

	setup_dom(1, 5, 1, 4095, false, true);
	p = ipi(1, 0);
	q = ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	CHECK(pending(1, p));
	g_fifo_on(1);
	CHECK_EQ(status(1, DOMID_SELF, q, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_ipi);
	CHECK_EQ(g[1].cb[0]->ready, 0);
	CHECK_EQ(g_expand(1), 0);
	CHECK(wbit(1, p, EVTCHN_FIFO_PENDING));
	CHECK(!wbit(1, q, EVTCHN_FIFO_PENDING));
	g_unmask(1, p);
	g_unmask(1, q);
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(g[1].seen[0], p);

	/* A port beyond the array: the event waits for its page. */
	while ((far = ipi(1, 0)) < 1500)
		CHECK(far > 0);
	CHECK_EQ(send(1, far), 0);
	CHECK_EQ(g[1].cb[0]->ready, 0);
	CHECK_EQ(evtchn_port_is_pending(&dom[1].d, far), false);
	CHECK_EQ(g_expand(1), 0);
	CHECK(wbit(1, far, EVTCHN_FIFO_PENDING));
	g_unmask(1, far);
	CHECK_EQ(consume(1, 0), 1);
	CHECK_EQ(g[1].seen[0], far);
	teardown();
}

/* dom0's limit is the FIFO one; a domU keeps max_evtchn_port. */
TEST(test_beyond_4096_ports)
{
	long p = 0, last = 0;

	setup_dom(0, 0, 2, EVTCHN_MAX_PORTS - 1, true, true);
	g_fifo_on(0);
	for (unsigned int n = 1; n <= 5000; n++) {
		p = g_ipi(0, n % 2);
		if (p != n)
			CHECK_EQ(p, n);
	}
	CHECK_EQ(dom[0].ed->valid, 5056);
	CHECK_EQ(g[0].pages, 5);
	last = p;
	CHECK_EQ(send(0, last), 0);
	CHECK_EQ(send(0, 4096), 0);
	CHECK_EQ(send(0, 4095), 0);
	CHECK_EQ(consume(0, 0), 2);
	CHECK_EQ(g[0].seen[0], last);
	CHECK_EQ(g[0].seen[1], 4096);
	CHECK_EQ(consume(0, 1), 1);
	CHECK_EQ(g[0].seen[0], 4095);
	CHECK_EQ(evtchn_poll_ready(&dom[0].d, (evtchn_port_t[]){ 4999 }, 1), 0);
	CHECK_EQ(send(0, 4999), 0);
	CHECK_EQ(evtchn_poll_ready(&dom[0].d, (evtchn_port_t[]){ 4999 }, 1), 1);
	teardown();

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	for (unsigned int n = 1; n <= 1023; n++)
		if (g_ipi(1, 0) != n)
			CHECK(0);
	CHECK_EQ(ipi(1, 0), -ENOSPC);
	teardown();
}

/* A closed port the guest still has linked is not handed out again
 * until the guest unlinks it (Xen's evtchn_is_busy()). */
TEST(test_linked_port_is_busy)
{
	long p, q;

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	p = g_ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(xclose(1, p), 0);
	q = g_ipi(1, 0);
	CHECK(q != p);
	consume(1, 0);				/* unlinks p, handles nothing */
	CHECK_EQ(g[1].nseen, 0);
	CHECK_EQ(g_ipi(1, 0), p);
	teardown();
}

static void never_called(struct domain *d, evtchn_port_t port, void *priv)
{
	CHECK(0);
}

TEST(test_reset_back_to_2level)
{
	long p, x;

	setup_dom(1, 5, 2, 1023, false, true);
	g_fifo_on(1);
	p = g_ipi(1, 0);
	CHECK_EQ(g_expand(1), 0);
	x = evtchn_alloc_xen(&dom[1].d, 0, 0, never_called, NULL);
	CHECK(x > 0);
	CHECK_EQ(ram_refs(1), 4);		/* 2 control blocks, 2 pages */
	CHECK_EQ(reset_self(1), 0);
	CHECK(!is_fifo(1));
	CHECK_EQ(ram_refs(1), 0);
	CHECK_EQ(prio(1, x, 3), -ENOSYS);
	/* 2-level again: bitmaps, 4096 at most. */
	p = ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	CHECK(pending(1, p));
	/* And FIFO once more. */
	g_fifo_on(1);
	CHECK(is_fifo(1));
	g_setup(1, p);
	CHECK(wbit(1, p, EVTCHN_FIFO_PENDING));	/* carried over again */
	evtchn_free_xen(&dom[1].d, x);
	teardown();				/* death unmaps too */
}

/* What a guest can scribble on does not hurt the hypervisor. */
TEST(test_hostile_guest_memory)
{
	long p, q;

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	p = g_ipi(1, 0);
	q = g_ipi(1, 0);
	CHECK_EQ(send(1, p), 0);
	/* Garbage everywhere: links to nowhere, BUSY, LINKED on q. */
	*W(1, p) = 0xffffffff;
	*W(1, q) = (1U << EVTCHN_FIFO_LINKED) | 0x1ffff;
	g[1].cb[0]->head[7] = 0x1ffff;
	g[1].cb[0]->ready = 0xffffffff;
	CHECK_EQ(send(1, q), 0);
	CHECK_EQ(send(1, p), 0);
	CHECK_EQ(unmask(1, p), 0);
	CHECK_EQ(unmask(1, q), 0);
	for (evtchn_port_t k = 0; k < 64; k++)
		*W(1, k) = (1U << EVTCHN_FIFO_LINKED) | k;
	CHECK_EQ(xclose(1, p), 0);
	CHECK(g_ipi(1, 0) > q);			/* p looks linked: busy */
	CHECK_EQ(send(1, q), 0);
	teardown();
}

/*
 * The guest consumes on one thread while the hypervisor raises events on
 * another: every event sent after the guest handled the previous one is
 * handled, and the queue never breaks (LINKED/BUSY compare-exchange).
 */
#define RACE_PORTS 16
#define RACE_ROUNDS 20000
static volatile bool race_done;
static unsigned int race_handled[RACE_PORTS + 1];

static void *race_consumer(void *arg)
{
	while (!__atomic_load_n(&race_done, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&g[1].cb[0]->ready, __ATOMIC_SEQ_CST)) {
		consume(1, 0);
		for (unsigned int k = 0; k < g[1].nseen; k++)
			if (g[1].seen[k] <= RACE_PORTS)
				race_handled[g[1].seen[k]]++;
		/* Mask and unmask as a handler may, racing the linking. */
		wset(1, 1 + g[1].nseen % RACE_PORTS, EVTCHN_FIFO_MASKED, true);
		g_unmask(1, 1 + g[1].nseen % RACE_PORTS);
	}
	return arg;
}

TEST(test_concurrent_consumer)
{
	pthread_t t;

	setup_dom(1, 5, 1, 1023, false, true);
	g_fifo_on(1);
	for (int k = 1; k <= RACE_PORTS; k++) {
		CHECK_EQ(g_ipi(1, 0), k);
		CHECK_EQ(prio(1, k, k % 3), 0);
	}
	race_done = false;
	memset(race_handled, 0, sizeof(race_handled));
	alarm(60);
	pthread_create(&t, NULL, race_consumer, NULL);
	for (unsigned int n = 0; n < RACE_ROUNDS; n++)
		send(1, 1 + n % RACE_PORTS);
	__atomic_store_n(&race_done, true, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	alarm(0);
	/* Whatever is left: one more send each must come through. */
	for (int k = 1; k <= RACE_PORTS; k++) {
		g_unmask(1, k);
		CHECK_EQ(send(1, k), 0);
	}
	memset(g[1].head, 0, sizeof(g[1].head));
	consume(1, 0);
	for (int k = 1; k <= RACE_PORTS; k++) {
		unsigned int seen = 0;

		for (unsigned int s = 0; s < g[1].nseen; s++)
			seen += g[1].seen[s] == (evtchn_port_t)k;
		CHECK(race_handled[k] > 0);
		CHECK_EQ(seen, 1);
	}
	teardown();
}

UNIT_MAIN(test_init_control_validation, test_init_control_hypercall,
	  test_expand_array, test_priorities_and_order, test_mask_and_unmask,
	  test_port_moves_between_queues, test_vcpu_without_control_block,
	  test_switch_from_2level, test_beyond_4096_ports,
	  test_linked_port_is_busy, test_reset_back_to_2level,
	  test_hostile_guest_memory, test_concurrent_consumer)
