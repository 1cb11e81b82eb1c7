/*
 * Host tests of the ioreq servers (devmodel/ioreq_server.c,
 * ioreq_send.c) over the real vCPU side (hvm/ioreq.c) and rangesets.  The
 * test plays the device model in dom0: it creates servers for d1, maps
 * ranges, reads and writes the slots of the synchronous page and sends
 * on the ports, and checks the answers Xen 4.17's xen/common/ioreq.c
 * gives, the requests a vCPU's port access makes, and what the guest's
 * vCPU gets back.
 */
#include "ioreq_env.h"

static ioservid_t create(int handling)
{
	ioservid_t sid = 0xffff;

	CHECK_EQ(ioreq_server_create(d1, d0, handling, &sid), 0);
	return sid;
}

/* A server claiming ports [s, e], enabled. */
static ioservid_t port_server(u64 s, u64 e)
{
	ioservid_t sid = create(HVM_IOREQSRV_BUFIOREQ_ATOMIC);

	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, XEN_DMOP_IO_RANGE_PORT,
					s, e), 0);
	CHECK_EQ(ioreq_server_set_state(d1, d0, sid, true), 0);
	return sid;
}

TEST(test_create_destroy_limits)
{
	ioservid_t sid;

	env_setup();
	CHECK_EQ(ioreq_server_create(d1, d0, 3, &sid), -EINVAL);
	CHECK_EQ(ioreq_server_create(d1, d0, -1, &sid), -EINVAL);
	for (unsigned int i = 0; i < IOREQ_MAX_SERVERS; i++)
		CHECK_EQ(create(i % 3), i);
	CHECK_EQ(ioreq_server_create(d1, d0, 0, &sid), -ENOSPC);
	/* Each holds dom0 and has a port per vCPU for dom0, plus the
	 * buffered one unless created with BUFIOREQ_OFF. */
	CHECK_EQ(dom[0].refs, IOREQ_MAX_SERVERS);
	CHECK_EQ(ports_in_use(1), IOREQ_MAX_SERVERS * NV + 5);
	CHECK_EQ(dom[1].port_remote[1], 0);
	CHECK_EQ(dom[1].port_vcpu[1], 0);
	CHECK_EQ(dom[1].port_vcpu[2], 1);
	/* Only the emulator may destroy; an absent id is -ENOENT. */
	CHECK_EQ(ioreq_server_destroy(d1, d2, 3), -EPERM);
	CHECK_EQ(ioreq_server_destroy(d1, d0, 3), 0);
	CHECK_EQ(ioreq_server_destroy(d1, d0, 3), -ENOENT);
	CHECK_EQ(ioreq_server_destroy(d1, d0, 8), -ENOENT);
	CHECK_EQ(ioreq_server_destroy(d1, d0, 0xffff), -ENOENT);
	CHECK_EQ(ioreq_server_destroy(d2, d0, 0), -ENOENT);
	/* The lowest free id is taken again. */
	CHECK_EQ(create(0), 3);
	env_teardown();
}

TEST(test_create_failures_leave_nothing)
{
	ioservid_t sid;

	env_setup();
	dom[1].fail_ports = true;
	CHECK_EQ(ioreq_server_create(d1, d0, 2, &sid), -ENOSPC);
	dom[1].fail_ports = false;
	CHECK_EQ(frames_live(), 0);
	CHECK_EQ(dom[0].refs, 0);
	for (int n = 0; n < 3; n++) {
		fail_alloc_in = n == 2 ? -1 : n;	/* server, ranges */
		fail_frames_in = n == 2 ? 1 : -1;	/* the buffered page */
		CHECK_EQ(ioreq_server_create(d1, d0, 2, &sid), -ENOMEM);
		CHECK_EQ(frames_live(), 0);
		CHECK_EQ(ports_in_use(1), 0);
		CHECK_EQ(dom[0].refs, 0);
	}
	fail_alloc_in = fail_frames_in = -1;
	/* A dying domain gets no new server. */
	d1->is_dying = true;
	CHECK_EQ(ioreq_server_create(d1, d0, 2, &sid), -ESRCH);
	d1->is_dying = false;
	/* A domain without event channels cannot have one either. */
	d2->evtchn = NULL;
	CHECK_EQ(ioreq_server_create(d2, d0, 0, &sid), -EINVAL);
	env_teardown();
}

TEST(test_ranges)
{
	ioservid_t sid;
	int rc = 0;

	env_setup();
	sid = create(0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 0, 0x20, 0x1f), -EINVAL);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 3, 0x20, 0x2f), -EINVAL);
	CHECK_EQ(ioreq_server_map_range(d1, d2, sid, 0, 0x20, 0x2f), -EPERM);
	CHECK_EQ(ioreq_server_map_range(d1, d0, 5, 0, 0x20, 0x2f), -ENOENT);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 0, 0x20, 0x2f), 0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 0, 0x2f, 0x30), -EEXIST);
	/* Adjacent is no overlap; other types are separate sets. */
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 0, 0x30, 0x3f), 0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 1, 0x20, 0x2f), 0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, sid, 2, 0x20, 0x20), 0);
	/* Unmap: only what is wholly there; a hole may be cut. */
	CHECK_EQ(ioreq_server_unmap_range(d1, d0, sid, 0, 0x10, 0x20), -ENOENT);
	CHECK_EQ(ioreq_server_unmap_range(d1, d0, sid, 0, 0x28, 0x29), 0);
	CHECK_EQ(ioreq_server_unmap_range(d1, d0, sid, 0, 0x28, 0x28), -ENOENT);
	CHECK_EQ(ioreq_server_unmap_range(d1, d0, sid, 0, 0x30, 0x3f), 0);
	CHECK_EQ(ioreq_server_unmap_range(d1, d0, sid, 9, 0x30, 0x3f), -EINVAL);
	CHECK_EQ(ioreq_server_unmap_range(d1, d2, sid, 0, 0x20, 0x21), -EPERM);
	/* 256 ranges per set, then Xen's allocation failure. */
	for (u64 i = 0; i < IOREQ_MAX_RANGES && !rc; i++)
		rc = ioreq_server_map_range(d1, d0, sid, 1, 0x1000 + 2 * i,
					    0x1000 + 2 * i);
	CHECK_EQ(rc, -ENOMEM);
	env_teardown();
}

/* A port access from d1's vCPU @vcpu; the vCPU-side answer in *val. */
static enum ioreq_route pio(unsigned int vcpu, u16 port, unsigned int size,
			    bool in, u32 val)
{
	return ioreq_send_pio(d1->vcpu[vcpu], port, size, in, val);
}

/* A 4-byte access to CONFIG_ADDRESS (answered in the hypervisor). */
static bool cf8(unsigned int vcpu, bool in, u32 val, u64 *out)
{
	bool mine = ioreq_pci_cf8(d1->vcpu[vcpu], 0xcf8, 4, in, &val);

	*out = val;
	return mine;
}

/* The device model answers @sid's slot of @vcpu with @data. */
static void dm_answer(ioservid_t sid, unsigned int vcpu, u64 data)
{
	ioreq_t *p = slot_of(d1, sid, vcpu);

	slot_set_state(p, STATE_IOREQ_INPROCESS);
	p->data = data;
	slot_set_state(p, STATE_IORESP_READY);
	dm_send(d1, p->vp_eport);
}

/* What the vCPU's entry path gets: true with *data if answered. */
static bool vcpu_answer(unsigned int vcpu, u64 *data)
{
	struct hvm_ioreq req;

	if (!hvm_ioreq_take_answer(d1->vcpu[vcpu], &req))
		return false;
	*data = req.data;
	return true;
}

TEST(test_select_overlapping)
{
	ioservid_t a, b, c;
	u64 data;

	env_setup();
	/* Nothing claims anything before a server exists. */
	CHECK_EQ(pio(0, 0x60, 1, true, 0), IOREQ_UNCLAIMED);
	a = port_server(0x60, 0x6f);
	b = port_server(0x64, 0x64);	/* inside a's range */
	c = create(0);			/* same range, never enabled */
	CHECK_EQ(ioreq_server_map_range(d1, d0, c, 0, 0x60, 0x6f), 0);
	/* Newest enabled server first: 0x64 goes to b, 0x60 to a. */
	CHECK_EQ(pio(0, 0x64, 1, true, 0), IOREQ_SENT);
	CHECK_EQ(slot_state(slot_of(d1, b, 0)), STATE_IOREQ_READY);
	CHECK_EQ(slot_state(slot_of(d1, a, 0)), STATE_IOREQ_NONE);
	dm_answer(b, 0, 0x11);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(pio(1, 0x60, 1, true, 0), IOREQ_SENT);
	CHECK_EQ(slot_state(slot_of(d1, a, 1)), STATE_IOREQ_READY);
	dm_answer(a, 1, 0x22);
	CHECK(vcpu_answer(1, &data));
	/* The whole access must lie in the range: 0x63..0x66 is not in
	 * b's, but is in a's. */
	CHECK_EQ(pio(0, 0x63, 4, true, 0), IOREQ_SENT);
	CHECK_EQ(slot_state(slot_of(d1, a, 0)), STATE_IOREQ_READY);
	dm_answer(a, 0, 0);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(pio(0, 0x6e, 4, true, 0), IOREQ_UNCLAIMED);
	/* Disabling b hands 0x64 back to a. */
	CHECK_EQ(ioreq_server_set_state(d1, d0, b, false), 0);
	CHECK_EQ(pio(0, 0x64, 2, false, 0xbeef), IOREQ_SENT);
	CHECK_EQ(slot_state(slot_of(d1, a, 0)), STATE_IOREQ_READY);
	dm_answer(a, 0, 0);
	CHECK(vcpu_answer(0, &data));
	env_teardown();
}

TEST(test_pci_config_cycles)
{
	ioservid_t pci, ports;
	ioreq_t *p;
	u64 data;
	u32 val = 0x1810;

	env_setup();
	/* One server takes the config ports as ports, another device
	 * 00:03.0 (QEMU registers both). */
	ports = port_server(0xcf8, 0xcff);
	pci = create(0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, pci, XEN_DMOP_IO_RANGE_PCI,
					XEN_DMOP_PCI_SBDF(0, 0, 3, 0),
					XEN_DMOP_PCI_SBDF(0, 0, 3, 0)), 0);
	CHECK_EQ(ioreq_server_set_state(d1, d0, pci, true), 0);
	/* CONFIG_ADDRESS is the hypervisor's: a 4-byte write is latched,
	 * not sent; a 4-byte read answers the latch. */
	CHECK(cf8(0, false, 0x80001810, &data));
	CHECK_EQ(d1->ioreq->pci_cf8, 0x80001810);
	CHECK(cf8(0, true, 0, &data));
	CHECK_EQ(data, 0x80001810);
	CHECK_EQ(slot_of(d1, ports, 0)->state, STATE_IOREQ_NONE);
	/* A 2-byte read of 0xCFE: register 0x12 of 00:03.0. */
	CHECK_EQ(pio(0, 0xcfe, 2, true, 0), IOREQ_SENT);
	p = slot_of(d1, pci, 0);
	CHECK_EQ(p->type, IOREQ_TYPE_PCI_CONFIG);
	CHECK_EQ(p->addr, (0x18ULL << 32) | 0x12);
	CHECK_EQ(p->size, 2);
	CHECK_EQ(p->dir, IOREQ_READ);
	dm_answer(pci, 0, 0x7000);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(data, 0x7000);
	/* Enabled latch, unregistered device: nobody, not even the port
	 * server (Xen looks only at PCI ranges then). */
	CHECK(cf8(0, false, 0x80002000, &data));
	CHECK_EQ(pio(0, 0xcfc, 4, true, 0), IOREQ_UNCLAIMED);
	/* Other sizes, and 0xCF9 (reset control), are ports as any other:
	 * the device model's, and they do not latch. */
	CHECK(!ioreq_pci_cf8(d1->vcpu[0], 0xcf8, 2, false, &val));
	CHECK(!ioreq_pci_cf8(d1->vcpu[0], 0xcf9, 1, false, &val));
	CHECK_EQ(pio(0, 0xcf8, 2, false, 0x1810), IOREQ_SENT);
	dm_answer(ports, 0, 0);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(d1->ioreq->pci_cf8, 0x80002000);
	/* A disabled latch makes 0xCFC a plain port. */
	CHECK(cf8(0, false, 0x00001810, &data));
	CHECK_EQ(pio(0, 0xcfc, 4, true, 0), IOREQ_SENT);
	CHECK_EQ(slot_of(d1, ports, 0)->type, IOREQ_TYPE_PIO);
	dm_answer(ports, 0, 0);
	CHECK(vcpu_answer(0, &data));
	env_teardown();
}

TEST(test_slot_protocol)
{
	ioservid_t sid;
	evtchn_port_t port;
	ioreq_t *p;
	u64 data;

	env_setup();
	sid = port_server(0x60, 0x64);
	p = slot_of(d1, sid, 1);
	port = p->vp_eport;
	/* Enabling wrote each vCPU's own port into its slot. */
	CHECK(port != 0 && port != slot_of(d1, sid, 0)->vp_eport);
	CHECK_EQ(dom[1].port_vcpu[port], 1);
	/* An OUT of 0x1234abcd, 2 bytes: only the low 16 go out. */
	CHECK_EQ(pio(1, 0x62, 2, false, 0x1234abcd), IOREQ_SENT);
	CHECK(io_blocked(d1->vcpu[1]));
	CHECK(!io_blocked(d1->vcpu[0]));
	CHECK_EQ(slot_state(p), STATE_IOREQ_READY);
	CHECK_EQ(p->addr, 0x62);
	CHECK_EQ(p->data, 0xabcd);
	CHECK_EQ(p->size, 2);
	CHECK_EQ(p->count, 1);
	CHECK_EQ(p->dir, IOREQ_WRITE);
	CHECK_EQ(p->type, IOREQ_TYPE_PIO);
	CHECK_EQ(p->data_is_ptr, 0);
	CHECK_EQ(p->vp_eport, port);
	CHECK_EQ(dom[1].notified[port], 1);
	/* Taken, not answered yet: a notification changes nothing. */
	slot_set_state(p, STATE_IOREQ_INPROCESS);
	dm_send(d1, port);
	CHECK(io_blocked(d1->vcpu[1]));
	CHECK(!vcpu_answer(1, &data));
	slot_set_state(p, STATE_IORESP_READY);
	dm_send(d1, port);
	CHECK(!io_blocked(d1->vcpu[1]));
	CHECK(vcpu_answer(1, &data));
	CHECK_EQ(slot_state(p), STATE_IOREQ_NONE);
	/* A read, answered; a late duplicate notification is harmless. */
	CHECK_EQ(pio(1, 0x60, 1, true, 0), IOREQ_SENT);
	CHECK_EQ(p->dir, IOREQ_READ);
	CHECK_EQ(p->data, 0);
	dm_answer(sid, 1, 0x5a);
	dm_send(d1, port);
	CHECK(vcpu_answer(1, &data));
	CHECK_EQ(data, 0x5a);
	CHECK(!vcpu_answer(1, &data));
	CHECK_EQ(dom[1].crashes, 0);
	env_teardown();
}

TEST(test_hostile_device_model)
{
	ioservid_t sid;
	ioreq_t *p;
	u64 data;

	env_setup();
	sid = port_server(0x60, 0x64);
	p = slot_of(d1, sid, 0);
	/* The answer's size is never read back: the vCPU keeps its own,
	 * and the exit path uses only that many bytes of data. */
	CHECK_EQ(pio(0, 0x60, 1, true, 0), IOREQ_SENT);
	p->size = 0xffffffff;
	dm_answer(sid, 0, ~0ULL);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(d1->vcpu[0]->hvm->io.size, 1);
	/* A slot reset to NONE answers all ones (Xen's wait_for_io()). */
	CHECK_EQ(pio(0, 0x60, 4, true, 0), IOREQ_SENT);
	p->data = 0x1234;
	slot_set_state(p, STATE_IOREQ_NONE);
	dm_send(d1, p->vp_eport);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(data, ~0ULL);
	CHECK_EQ(dom[1].crashes, 0);
	/* Notifications with nothing asked change nothing. */
	slot_set_state(p, STATE_IORESP_READY);
	dm_send(d1, p->vp_eport);
	CHECK(!vcpu_answer(0, &data));
	CHECK_EQ(dom[1].crashes, 0);
	/* A request due while the slot is not NONE: Xen's "bad IO state". */
	CHECK_EQ(pio(0, 0x60, 1, true, 0), IOREQ_CRASHED);
	CHECK_EQ(dom[1].crashes, 1);
	CHECK(!io_blocked(d1->vcpu[0]));
	slot_set_state(p, STATE_IOREQ_NONE);
	/* A slot naming another port: Xen's "bad event channel". */
	p->vp_eport ^= 0x100;
	CHECK_EQ(pio(0, 0x60, 1, true, 0), IOREQ_CRASHED);
	CHECK_EQ(dom[1].crashes, 2);
	p->vp_eport ^= 0x100;
	/* A state that is no state. */
	CHECK_EQ(pio(0, 0x60, 1, true, 0), IOREQ_SENT);
	slot_set_state(p, 9);
	dm_send(d1, p->vp_eport);
	CHECK_EQ(dom[1].crashes, 3);
	CHECK(io_blocked(d1->vcpu[0]));	/* it stays, its domain dies */
	/* Sends on a port of no slot (the buffered one) are ignored. */
	dm_send(d1, dom[1].next_port + 3);
	env_teardown();
}

/* A REP batch from d1's vCPU @vcpu (ioreq_send_rep()). */
static enum ioreq_route rep(unsigned int vcpu, u8 type, u64 addr, u8 size,
			    u32 count, bool df, bool read, bool ptr, u64 data)
{
	ioreq_t p = {
		.type = type, .addr = addr, .size = size, .count = count,
		.df = df, .dir = read ? IOREQ_READ : IOREQ_WRITE,
		.data_is_ptr = ptr, .data = data,
	};

	return ioreq_send_rep(d1->vcpu[vcpu], &p);
}

TEST(test_rep_batches)
{
	ioservid_t ports, mmio;
	ioreq_t *p;
	u64 data;

	env_setup();
	ports = port_server(0x1f0, 0x1f7);
	mmio = create(0);
	CHECK_EQ(ioreq_server_map_range(d1, d0, mmio, XEN_DMOP_IO_RANGE_MEMORY,
					0xa0000, 0xa0fff), 0);
	CHECK_EQ(ioreq_server_set_state(d1, d0, mmio, true), 0);
	/* rep insw x256 into RAM at 0x7000: one request, as Xen's. */
	CHECK_EQ(rep(0, IOREQ_TYPE_PIO, 0x1f0, 2, 256, false, true, true,
		     0x7000), IOREQ_SENT);
	p = slot_of(d1, ports, 0);
	CHECK_EQ(p->type, IOREQ_TYPE_PIO);
	CHECK_EQ(p->addr, 0x1f0);
	CHECK_EQ(p->size, 2);
	CHECK_EQ(p->count, 256);
	CHECK_EQ(p->dir, IOREQ_READ);
	CHECK_EQ(p->df, 0);
	CHECK_EQ(p->data_is_ptr, 1);
	CHECK_EQ(p->data, 0x7000);
	CHECK(io_blocked(d1->vcpu[0]));
	dm_answer(ports, 0, 0x1234);
	CHECK(vcpu_answer(0, &data));
	/* MMIO downwards: the whole run [0xa0000, 0xa0ffe] is the
	 * server's; one more element below 0xa0000 is nobody's whole. */
	CHECK_EQ(rep(1, IOREQ_TYPE_COPY, 0xa0ffe, 2, 0x800, true, false, true,
		     0x8ffe), IOREQ_SENT);
	p = slot_of(d1, mmio, 1);
	CHECK_EQ(p->count, 0x800);
	CHECK_EQ(p->df, 1);
	CHECK_EQ(p->dir, IOREQ_WRITE);
	dm_answer(mmio, 1, 0);
	CHECK(vcpu_answer(1, &data));
	CHECK_EQ(rep(1, IOREQ_TYPE_COPY, 0xa0ffe, 2, 0x801, true, false, true,
		     0x8ffe), IOREQ_UNCLAIMED);
	CHECK(!io_blocked(d1->vcpu[1]));
	/* A REP STOS into MMIO carries the value, cut to its size. */
	CHECK_EQ(rep(1, IOREQ_TYPE_COPY, 0xa0100, 2, 16, false, false, false,
		     0xdead6b6b), IOREQ_SENT);
	CHECK_EQ(p->data, 0x6b6b);
	CHECK_EQ(p->data_is_ptr, 0);
	dm_answer(mmio, 1, 0);
	CHECK(vcpu_answer(1, &data));
	/* The PCI configuration ports go element by element, even to a
	 * server that claims them as ports. */
	port_server(0xcf8, 0xcff);
	CHECK_EQ(rep(0, IOREQ_TYPE_PIO, 0xcfc, 4, 2, false, true, true,
		     0x7000), IOREQ_UNCLAIMED);
	CHECK_EQ(rep(0, IOREQ_TYPE_PIO, 0xcf8, 1, 2, false, false, true,
		     0x7000), IOREQ_UNCLAIMED);
	CHECK(!io_blocked(d1->vcpu[0]));
	CHECK_EQ(dom[1].crashes, 0);
	env_teardown();
}

TEST(test_destroy_releases_waiters)
{
	mfn_t mfns[2];
	ioservid_t sid;
	u64 data;

	env_setup();
	sid = port_server(0x60, 0x64);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, sid, 0, 2, mfns), 2);
	CHECK_EQ(pio(1, 0x60, 4, true, 0), IOREQ_SENT);
	CHECK(io_blocked(d1->vcpu[1]));
	/* The device model goes away without answering: all ones. */
	CHECK_EQ(ioreq_server_destroy(d1, d0, sid), 0);
	CHECK(!io_blocked(d1->vcpu[1]));
	CHECK(vcpu_answer(1, &data));
	CHECK_EQ(data, ~0ULL);
	CHECK_EQ(ports_in_use(1), 0);
	CHECK_EQ(dom[0].refs, 0);
	/* Its mappings still hold the pages; they go with the last one. */
	CHECK_EQ(frame_refs(mfns[0]), 1);
	CHECK_EQ(frame_refs(mfns[1]), 1);
	frame_put(mfns[0]);
	frame_put(mfns[1]);
	CHECK_EQ(frames_live(), 0);
	/* Domain death does the same for every server. */
	port_server(0x60, 0x64);
	port_server(0x70, 0x74);
	CHECK_EQ(pio(0, 0x70, 1, true, 0), IOREQ_SENT);
	ioreq_domain_destroy(d1);
	CHECK(vcpu_answer(0, &data));
	CHECK_EQ(data, ~0ULL);
	CHECK_EQ(ports_in_use(1), 0);
	CHECK_EQ(frames_live(), 0);
	CHECK_EQ(pio(0, 0x70, 1, true, 0), IOREQ_UNCLAIMED);
	env_teardown();
}

TEST(test_acquire_frames)
{
	ioservid_t sid, off;
	mfn_t mfns[3];

	env_setup();
	CHECK_EQ(ioreq_server_max_frames(d1), 2);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, 0, 0, 1, mfns), -ENOENT);
	sid = create(HVM_IOREQSRV_BUFIOREQ_ATOMIC);
	off = create(HVM_IOREQSRV_BUFIOREQ_OFF);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, sid, 0, 2, mfns), 2);
	/* Frame 0 the ring, frame 1 the slots (public/memory.h). */
	CHECK_EQ(mfns[0] << PAGE_SHIFT,
		 (uintptr_t)d1->ioreq->server[sid]->bufioreq_page);
	CHECK_EQ(mfns[1] << PAGE_SHIFT,
		 (uintptr_t)d1->ioreq->server[sid]->ioreq_page);
	CHECK_EQ(frame_refs(mfns[0]), 2);
	frame_put(mfns[0]);
	frame_put(mfns[1]);
	/* Errors take no reference. */
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, sid, 1, 2, mfns), -EINVAL);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, off, 0, 1, mfns), -ENOENT);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, off, 1, 1, mfns), 1);
	frame_put(mfns[0]);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d2, sid, 0, 1, mfns), -EPERM);
	CHECK_EQ(ioreq_server_acquire_frames(d1, d0, 0x10000 + sid, 0, 1,
					     mfns), -EINVAL);
	CHECK_EQ(frame_refs((uintptr_t)d1->ioreq->server[sid]->ioreq_page >>
			    PAGE_SHIFT), 1);
	env_teardown();
}

TEST(test_get_info)
{
	evtchn_port_t port = 0;
	ioservid_t sid, off;

	env_setup();
	sid = create(HVM_IOREQSRV_BUFIOREQ_ATOMIC);
	off = create(HVM_IOREQSRV_BUFIOREQ_OFF);
	CHECK_EQ(ioreq_server_get_info(d1, d0, sid, false, &port), 0);
	CHECK(port != 0);
	CHECK_EQ(dom[1].port_remote[port], 0);
	port = 0;
	CHECK_EQ(ioreq_server_get_info(d1, d0, off, false, &port), 0);
	CHECK_EQ(port, 0);
	CHECK_EQ(ioreq_server_get_info(d1, d2, sid, false, &port), -EPERM);
	CHECK_EQ(ioreq_server_get_info(d1, d0, 7, false, &port), -ENOENT);
	/* Pages at guest frames: not offered (resources only). */
	CHECK_EQ(ioreq_server_get_info(d1, d0, sid, true, &port), -ENOMEM);
	env_teardown();
}

UNIT_MAIN(test_create_destroy_limits, test_create_failures_leave_nothing,
	  test_ranges, test_select_overlapping, test_pci_config_cycles,
	  test_slot_protocol, test_hostile_device_model, test_rep_batches,
	  test_destroy_releases_waiters, test_acquire_frames, test_get_info)
