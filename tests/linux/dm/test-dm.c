/*
 * test-dm: a device model for one test device, written the way QEMU's
 * xen-hvm.c drives Xen, against Debian's own libxendevicemodel,
 * libxenforeignmemory and libxenevtchn (dynamically linked: the libraries
 * under test are the ones QEMU would use):
 *
 *   test-dm [--stall|--die|--reset|--bad-state|--slow ADDR] [--mmio2 ADDR] DOMID
 *
 * It creates an ioreq server for DOMID (no buffered ring), maps its
 * synchronous page with XENMEM_acquire_resource, claims the device of
 * tests/guests/dmtest/device.h (a port range, an MMIO page and PCI
 * device 00:05.0; --mmio2 claims one more MMIO page at ADDR, which
 * answers like DMT_MMIO), enables the server, binds every vCPU's event
 * channel, prints "test-dm: ready ..." and serves requests until killed:
 * one "test-dm: r|w <kind> <addr> <size> <data>" line per element.
 *
 * A request for many elements (a REP string instruction: count > 1, or
 * data_is_ptr) is served as QEMU's cpu_ioreq_pio() and cpu_ioreq_move()
 * serve it: element i at addr + i * size (- when df; a port stays put),
 * and with data_is_ptr the element's data read from or written to guest
 * memory at data + i * size (- when df), which test-dm maps itself with
 * xenforeignmemory_map() and keeps mapped, as QEMU's map cache does.
 * Such a request is logged as one "test-dm: batch ..." line before its
 * elements' lines, and anything Amphi promises not to send (a guest
 * buffer crossing a page, a count of 0, a batch to a PCI device) is a
 * FAIL line.  The device counts the requests it serves; the guest reads
 * the count (DMT_PORT_SERVED) to see how many round trips it cost.
 *
 * For the hostile cases: --stall ADDR never answers a read of ADDR (the
 * guest's vCPU stays blocked until the test kills this process), --die
 * ADDR _exit()s in the middle of a request for ADDR (state INPROCESS),
 * --reset ADDR sets the slot back to NONE instead of answering (Xen
 * answers all ones), --bad-state ADDR answers with state 7, which is no
 * state at all (Xen crashes the guest), --slow ADDR answers a read of
 * ADDR after two seconds (time for the guest's other vCPU to rewrite the
 * waiting instruction).
 *
 * The slot protocol (public/hvm/ioreq.h), as QEMU's
 * cpu_get_ioreq_from_shared_memory() and cpu_handle_ioreq():
 *   READY -> (read barrier) take the request -> INPROCESS
 *   -> serve -> data -> (write barrier) -> IORESP_READY -> notify.
 */
/* The tools-only half of the public headers (HVM_IOREQSRV_*), as QEMU. */
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xendevicemodel.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/memory.h>
#include "../../guests/dmtest/device.h"

#define MAX_VCPUS 32
#define GUEST_PAGE 4096ULL	/* x86 guest frames */

static xendevicemodel_handle *dmod;
static xenforeignmemory_handle *fmem;
static xenevtchn_handle *xce;
static domid_t domid;
static ioservid_t sid;
static shared_iopage_t *page;
static unsigned int nr_vcpus;
static evtchn_port_t local_port[MAX_VCPUS];
static uint64_t stall_addr = ~0ULL, die_addr = ~0ULL, mmio2 = ~0ULL;
static uint64_t slow_addr = ~0ULL;
static uint64_t reset_addr = ~0ULL, bad_state_addr = ~0ULL;

/* The device's state. */
static uint8_t port_scratch[4];
static uint8_t scratch[DMT_MMIO_LEN - (DMT_SCRATCH - DMT_MMIO)];
static uint8_t pci_scratch[4];
static uint32_t counter = DMT_COUNTER_START;
static char text[128];
static unsigned int text_len;
static uint32_t served;		/* requests served, batches as one */
static uint32_t hash;		/* DMT_PORT_HASH */

/* Guest pages mapped for data_is_ptr requests, kept as QEMU keeps its
 * map cache's; the oldest goes when a new one is needed. */
#define MAP_SLOTS 8
static struct {
	uint64_t gfn;
	uint8_t *va;
} maps[MAP_SLOTS];
static unsigned int map_next;

static void die(const char *what)
{
	fprintf(stdout, "test-dm: FATAL: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Bytes [off, off + size) of a byte array, little-endian. */
static uint64_t bytes_get(const uint8_t *b, unsigned int off, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

static void bytes_put(uint8_t *b, unsigned int off, unsigned int size,
		      uint64_t v)
{
	for (unsigned int i = 0; i < size; i++)
		b[off + i] = v >> (8 * i);
}

/* Guest frame @gfn, mapped (NULL and a FAIL line if it cannot be). */
static uint8_t *guest_page(uint64_t gfn)
{
	xen_pfn_t pfn = gfn;
	int err = 0;
	void *va;

	for (unsigned int i = 0; i < MAP_SLOTS; i++)
		if (maps[i].va && maps[i].gfn == gfn)
			return maps[i].va;
	va = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, 1,
				  &pfn, &err);
	if (!va || err) {
		printf("test-dm: FAIL: cannot map guest frame %#" PRIx64
		       " (%s)\n", gfn, strerror(va ? -err : errno));
		if (va)
			xenforeignmemory_unmap(fmem, va, 1);
		return NULL;
	}
	if (maps[map_next].va)
		xenforeignmemory_unmap(fmem, maps[map_next].va, 1);
	maps[map_next].gfn = gfn;
	maps[map_next].va = va;
	map_next = (map_next + 1) % MAP_SLOTS;
	return va;
}

/* @size bytes of guest-physical @gpa to or from @buf, as QEMU's
 * cpu_physical_memory_rw() (a page boundary may fall inside).  0 or -1. */
static int guest_rw(uint64_t gpa, void *buf, unsigned int size, int write)
{
	uint8_t *b = buf;

	while (size) {
		unsigned int off = gpa & (GUEST_PAGE - 1);
		unsigned int n = GUEST_PAGE - off < size ?
				 GUEST_PAGE - off : size;
		uint8_t *page = guest_page(gpa / GUEST_PAGE);

		if (!page)
			return -1;
		if (write)
			memcpy(page + off, b, n);
		else
			memcpy(b, page + off, n);
		gpa += n;
		b += n;
		size -= n;
	}
	return 0;
}

/* A port access of the device: what a read returns. */
static uint64_t port_io(uint64_t port, unsigned int size, int write,
			uint64_t data)
{
	if (port == DMT_PORT_SERVED && !write)
		return served;
	if (port == DMT_PORT_HASH) {
		uint32_t h = hash;

		hash = write ? dmt_hash(hash, data, size) : 0;
		return h;
	}
	if (port >= DMT_PORT_SCRATCH && port + size <= DMT_PORT_SCRATCH + 4) {
		if (write)
			bytes_put(port_scratch, port - DMT_PORT_SCRATCH, size, data);
		return bytes_get(port_scratch, port - DMT_PORT_SCRATCH, size);
	}
	if (port == DMT_PORT_COUNTER && !write)
		return counter++;
	if (port == DMT_PORT_TEXT && write) {
		char c = data;

		if (c == '\n' || text_len == sizeof(text) - 1) {
			text[text_len] = 0;
			printf("test-dm: text: %s\n", text);
			text_len = 0;
		} else {
			text[text_len++] = c;
		}
		return 0;
	}
	return write ? 0 : dmt_value(DMT_TYPE_PIO, port, size);
}

static uint64_t mmio_io(uint64_t addr, unsigned int size, int write,
			uint64_t data)
{
	uint64_t base = addr >= DMT_MMIO && addr < DMT_MMIO + DMT_MMIO_LEN ?
			DMT_MMIO : mmio2;
	uint64_t off = addr - base;

	if (off >= DMT_SCRATCH - DMT_MMIO && off + size <= DMT_MMIO_LEN) {
		off -= DMT_SCRATCH - DMT_MMIO;
		if (write)
			bytes_put(scratch, off, size, data);
		return bytes_get(scratch, off, size);
	}
	if (addr == DMT_COUNTER && !write)
		return counter++;
	return write ? 0 : dmt_value(DMT_TYPE_COPY, addr, size);
}

static uint64_t pci_io(uint64_t addr, unsigned int size, int write,
		       uint64_t data)
{
	unsigned int reg = addr & 0xfff;

	if ((addr >> 32) == DMT_PCI_SBDF && reg >= DMT_PCI_SCRATCH &&
	    reg + size <= DMT_PCI_SCRATCH + 4) {
		if (write)
			bytes_put(pci_scratch, reg - DMT_PCI_SCRATCH, size, data);
		return bytes_get(pci_scratch, reg - DMT_PCI_SCRATCH, size);
	}
	return write ? 0 : dmt_value(DMT_TYPE_PCI, addr, size);
}

static const char *const kinds[] = { "port", "mmio", "pci" };

/* One element of the device: what a read of it returns. */
static uint64_t element(unsigned int type, uint64_t addr, unsigned int size,
			int write, uint64_t data)
{
	if (type == IOREQ_TYPE_PIO)
		return port_io(addr, size, write, data);
	if (type == IOREQ_TYPE_COPY)
		return mmio_io(addr, size, write, data);
	return pci_io(addr, size, write, data);
}

/* The timing registers answer without a log line: the figure is the
 * round trip, not the log's write(2). */
static int quiet(unsigned int type, uint64_t addr)
{
	return (type == IOREQ_TYPE_PIO && addr == DMT_PORT_BENCH) ||
	       (type == IOREQ_TYPE_COPY && addr == DMT_BENCH);
}

/* Do [first, first + count * size) (downwards from first + size when
 * df) stay in one page? */
static int one_page(uint64_t first, uint32_t count, unsigned int size,
		    int df)
{
	uint64_t lo = df ? first - (uint64_t)(count - 1) * size : first;
	uint64_t hi = (df ? first : first + (uint64_t)(count - 1) * size) +
		      size - 1;

	return lo / GUEST_PAGE == hi / GUEST_PAGE &&
	       (!df || lo <= first);
}

/*
 * A request for many elements, QEMU's way: element i of the device at
 * addr + i * step (a port stays put), its data from or to guest memory
 * at data + i * step when data_is_ptr, else req->data (a write's value;
 * a read leaves the last element's).
 */
static void serve_batch(ioreq_t *req, uint64_t mask)
{
	unsigned int size = req->size, type = req->type;
	int write = req->dir == IOREQ_WRITE, df = req->df;
	int64_t step = df ? -(int64_t)size : (int64_t)size;
	int q = quiet(type, req->addr);

	if (!q)
		printf("test-dm: batch %c %s %#" PRIx64 " %u x%u df %d %s %#"
		       PRIx64 "\n", write ? 'w' : 'r', kinds[type], req->addr,
		       size, req->count, df, req->data_is_ptr ? "ptr" : "data",
		       req->data);
	/* What Amphi promises: each side in one page (Xen's cut). */
	if ((req->data_is_ptr && !one_page(req->data, req->count, size, df)) ||
	    (type == IOREQ_TYPE_COPY &&
	     !one_page(req->addr, req->count, size, df)))
		printf("test-dm: FAIL: a batch crosses a page\n");
	for (uint32_t i = 0; i < req->count; i++) {
		uint64_t a = req->addr + (type == IOREQ_TYPE_COPY ? i * step : 0);
		uint64_t buf = req->data + i * step, v = 0;

		if (write && req->data_is_ptr && guest_rw(buf, &v, size, 0))
			break;
		if (write && !req->data_is_ptr)
			v = req->data & mask;
		if (write)
			element(type, a, size, 1, v);
		else
			v = element(type, a, size, 0, 0) & mask;
		if (!write && req->data_is_ptr && guest_rw(buf, &v, size, 1))
			break;
		if (!write && !req->data_is_ptr)
			req->data = v;
		if (!q)
			printf("test-dm: %c %s %#" PRIx64 " %u %#" PRIx64 "\n",
			       write ? 'w' : 'r', kinds[type], a, size, v);
	}
}

/* Serve @req, which the hypervisor made READY.  Pre: state INPROCESS. */
static void serve(ioreq_t *req)
{
	uint64_t addr = req->addr, data = req->data, mask;
	unsigned int size = req->size, type = req->type;
	int write = req->dir == IOREQ_WRITE;

	if (type > IOREQ_TYPE_PCI_CONFIG || !size || size > 8 ||
	    (size & (size - 1)) || !req->count ||
	    (type == IOREQ_TYPE_PIO && size > 4) ||
	    ((type == IOREQ_TYPE_PCI_CONFIG || type == IOREQ_TYPE_PIO) &&
	     req->count != 1 && !req->data_is_ptr) ||
	    (type == IOREQ_TYPE_PCI_CONFIG && req->data_is_ptr)) {
		/* Not what Xen sends, nor Amphi: news worth failing the
		 * test over. */
		printf("test-dm: FAIL: unexpected request type %u size %u "
		       "count %u data_is_ptr %u\n", type, size, req->count,
		       req->data_is_ptr);
		req->data = ~0ULL;
		return;
	}
	mask = size == 8 ? ~0ULL : (1ULL << 8 * size) - 1;
	if (req->count != 1 || req->data_is_ptr) {
		serve_batch(req, mask);
		return;
	}
	if (addr == die_addr) {
		printf("test-dm: dying in the middle of a request for %#" PRIx64 "\n",
		       addr);
		fflush(stdout);
		_exit(3);
	}
	if (addr == stall_addr && !write) {
		printf("test-dm: stalling on a read of %#" PRIx64 "\n", addr);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (addr == slow_addr && !write) {
		printf("test-dm: answering a read of %#" PRIx64 " in 2 s\n",
		       addr);
		fflush(stdout);
		sleep(2);
	}
	data = element(type, addr, size, write, data);
	if (!quiet(type, addr))
		printf("test-dm: %c %s %#" PRIx64 " %u %#" PRIx64 "\n",
		       write ? 'w' : 'r', kinds[type], addr, size,
		       write ? req->data & mask : data & mask);
	if (!write)
		req->data = data & mask;
}

/* A notification on vCPU @v's port: its slot holds a request, or not
 * (an event can be spurious). */
static void handle_slot(unsigned int v)
{
	ioreq_t *req = &page->vcpu_ioreq[v];

	if (req->state != STATE_IOREQ_READY) {
		printf("test-dm: vCPU %u notified with slot state %u\n", v,
		       req->state);
		return;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* QEMU's xen_rmb() */
	req->state = STATE_IOREQ_INPROCESS;
	serve(req);
	served++;
	__atomic_thread_fence(__ATOMIC_RELEASE);	/* xen_wmb() */
	if (req->addr == reset_addr) {
		printf("test-dm: resetting the slot instead of answering\n");
		req->state = STATE_IOREQ_NONE;
	} else if (req->addr == bad_state_addr) {
		printf("test-dm: answering with state 7\n");
		req->state = 7;
	} else {
		req->state = STATE_IORESP_READY;
	}
	if (xenevtchn_notify(xce, local_port[v]) < 0)
		die("xenevtchn_notify");
}

/*
 * The rest of a server's life, on a second server that serves nothing:
 * with the buffered ring (two frames through acquire_resource, ring
 * first), a range claimed and given back, enabled, disabled, destroyed -
 * what QEMU does at its exit - while the domain is still paused.
 */
static void server_lifecycle(void)
{
	xenforeignmemory_resource_handle *res;
	evtchn_port_t bufport = 0;
	ioservid_t id;
	void *addr = NULL;

	if (xendevicemodel_create_ioreq_server(dmod, domid,
					       HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id) < 0)
		die("second server: create");
	if (xendevicemodel_get_ioreq_server_info(dmod, domid, id, NULL, NULL,
						 &bufport) < 0 || !bufport)
		die("second server: no buffered port");
	res = xenforeignmemory_map_resource(fmem, domid,
					    XENMEM_resource_ioreq_server, id,
					    XENMEM_resource_ioreq_server_frame_bufioreq,
					    2, &addr, PROT_READ | PROT_WRITE, 0);
	if (!res)
		die("second server: map the ring and the slots");
	if (xendevicemodel_map_io_range_to_ioreq_server(dmod, domid, id, 1,
			DMT_MMIO, DMT_MMIO + DMT_MMIO_LEN - 1) < 0 ||
	    xendevicemodel_unmap_io_range_from_ioreq_server(dmod, domid, id, 1,
			DMT_MMIO, DMT_MMIO + DMT_MMIO_LEN - 1) < 0)
		die("second server: claim and give back a range");
	if (xendevicemodel_set_ioreq_server_state(dmod, domid, id, 1) < 0 ||
	    xendevicemodel_set_ioreq_server_state(dmod, domid, id, 0) < 0)
		die("second server: enable and disable");
	if (xenforeignmemory_unmap_resource(fmem, res) < 0)
		die("second server: unmap");
	if (xendevicemodel_destroy_ioreq_server(dmod, domid, id) < 0)
		die("second server: destroy");
	printf("test-dm: a second server (%u, buffered port %u) created, "
	       "mapped, enabled, disabled, destroyed\n", id, bufport);
}

static void setup(void)
{
	xenforeignmemory_resource_handle *res;
	evtchn_port_t bufport = 0;
	void *addr = NULL;

	dmod = xendevicemodel_open(NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	xce = xenevtchn_open(NULL, 0);
	if (!dmod || !fmem || !xce)
		die("opening the Xen libraries");
	if (xendevicemodel_nr_vcpus(dmod, domid, &nr_vcpus) < 0)
		die("xendevicemodel_nr_vcpus");
	if (nr_vcpus > MAX_VCPUS)
		nr_vcpus = MAX_VCPUS;
	server_lifecycle();
	if (xendevicemodel_create_ioreq_server(dmod, domid,
					       HVM_IOREQSRV_BUFIOREQ_OFF, &sid) < 0)
		die("xendevicemodel_create_ioreq_server");
	/* No gfns asked: the pages come through acquire_resource. */
	if (xendevicemodel_get_ioreq_server_info(dmod, domid, sid, NULL, NULL,
						 &bufport) < 0)
		die("xendevicemodel_get_ioreq_server_info");
	res = xenforeignmemory_map_resource(fmem, domid,
					    XENMEM_resource_ioreq_server, sid,
					    XENMEM_resource_ioreq_server_frame_ioreq(0),
					    1, &addr, PROT_READ | PROT_WRITE, 0);
	if (!res)
		die("xenforeignmemory_map_resource");
	page = addr;
	if (xendevicemodel_map_io_range_to_ioreq_server(dmod, domid, sid, 0,
			DMT_PORT, DMT_PORT + DMT_PORT_LEN - 1) < 0 ||
	    xendevicemodel_map_io_range_to_ioreq_server(dmod, domid, sid, 1,
			DMT_MMIO, DMT_MMIO + DMT_MMIO_LEN - 1) < 0 ||
	    (mmio2 != ~0ULL &&
	     xendevicemodel_map_io_range_to_ioreq_server(dmod, domid, sid, 1,
			mmio2, mmio2 + DMT_MMIO_LEN - 1) < 0) ||
	    xendevicemodel_map_pcidev_to_ioreq_server(dmod, domid, sid, 0, 0,
						      DMT_PCI_DEV, 0) < 0)
		die("claiming the device's ranges");
	if (xendevicemodel_set_ioreq_server_state(dmod, domid, sid, 1) < 0)
		die("xendevicemodel_set_ioreq_server_state");
	/* The slots name their ports once the server is enabled. */
	for (unsigned int v = 0; v < nr_vcpus; v++) {
		xenevtchn_port_or_error_t p =
			xenevtchn_bind_interdomain(xce, domid,
						   page->vcpu_ioreq[v].vp_eport);

		if (p < 0)
			die("xenevtchn_bind_interdomain");
		local_port[v] = p;
	}
	printf("test-dm: ready: domain %u, ioreq server %u, %u vCPU(s), "
	       "vCPU 0 port %u (local %u), buffered port %u\n", domid, sid,
	       nr_vcpus, page->vcpu_ioreq[0].vp_eport, local_port[0], bufport);
}

static void serve_forever(void)
{
	for (;;) {
		xenevtchn_port_or_error_t p = xenevtchn_pending(xce);
		unsigned int v;

		if (p < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("xenevtchn_pending");
		}
		if (xenevtchn_unmask(xce, p) < 0)
			die("xenevtchn_unmask");
		for (v = 0; v < nr_vcpus && local_port[v] != (evtchn_port_t)p; v++)
			;
		if (v == nr_vcpus)
			printf("test-dm: event on unknown port %d\n", p);
		else
			handle_slot(v);
	}
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		uint64_t a = strtoull(argv[i + 1], NULL, 0);

		if (!strcmp(argv[i], "--stall"))
			stall_addr = a;
		else if (!strcmp(argv[i], "--die"))
			die_addr = a;
		else if (!strcmp(argv[i], "--mmio2"))
			mmio2 = a;
		else if (!strcmp(argv[i], "--reset"))
			reset_addr = a;
		else if (!strcmp(argv[i], "--bad-state"))
			bad_state_addr = a;
		else if (!strcmp(argv[i], "--slow"))
			slow_addr = a;
		else
			break;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: %s [--stall|--die|--reset|--bad-state"
			"|--slow ADDR] [--mmio2 ADDR] DOMID\n", argv[0]);
		return 2;
	}
	domid = atoi(argv[i]);
	for (unsigned int j = 0; j < sizeof(scratch); j++)
		scratch[j] = dmt_scratch_init(j);
	setup();
	serve_forever();
}
