/*
 * Ioreq servers: how an access no in-hypervisor device claims reaches a
 * device model (QEMU in dom0), and how the rest of the hypervisor reaches
 * them.  Implemented in devmodel/ (docs/architecture.md "Ioreq servers
 * and dm_op"); declared here, as Xen declares them in its xen/ioreq.h, so
 * that common code (memory_op, domain teardown) and hvm/ (the exit path)
 * call it without including a layer above their own.
 *
 * The device-model side is the dm_op hypercall (devmodel/dm_op.c,
 * public/hvm/dm_op.h) and XENMEM_acquire_resource of type
 * XENMEM_resource_ioreq_server (public/memory.h).
 */
#ifndef XEN_IOREQ_H
#define XEN_IOREQ_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/hvm/ioreq.h>

struct domain;
struct vcpu;

/* Xen's limits (xen/include/xen/ioreq.h in Xen 4.17): servers per
 * domain (ids 0..7) and ranges per rangeset of a server. */
#define IOREQ_MAX_SERVERS 8
#define IOREQ_MAX_RANGES 256

/* What became of an access offered to the ioreq servers. */
enum ioreq_route {
	IOREQ_UNCLAIMED,	/* no enabled server claims it: the caller
				 * answers as Xen's null handler (reads all
				 * ones, writes dropped) */
	IOREQ_SENT,		/* a server has it; the vCPU waits
				 * (hvm_ioreq_wait() was called: the exit
				 * handler answers HVM_WAIT_IO) */
	IOREQ_CRASHED,		/* the device model broke the protocol and
				 * the domain was crashed, as Xen does */
};

/*
 * Offer @v's port access to the ioreq servers of its domain.  Port 0xCF8
 * is latched here (a 4-byte write) and still offered; 0xCFC-0xCFF while
 * the latch has its enable bit become a PCI_CONFIG request for the device
 * it selects.  @val: the value of an OUT (its low @size bytes).
 * Pre: @v is current, in its exit handler; @size is 1, 2 or 4.
 */
enum ioreq_route ioreq_send_pio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 val);
/* Port 0xCF8 with @size 4 (CONFIG_ADDRESS) is answered in the hypervisor:
 * true, and *@val read or latched; false for any other port or size. */
bool ioreq_pci_cf8(struct vcpu *v, u16 port, unsigned int size, bool in,
		   u32 *val);

/* The same for an MMIO access of @size (1, 2, 4 or 8) at guest-physical
 * @gpa, decoded by the instruction emulator (an IOREQ_TYPE_COPY request;
 * @val: what a write stores). */
enum ioreq_route ioreq_send_mmio(struct vcpu *v, u64 gpa, unsigned int size,
				 bool write, u64 val);

/*
 * A REP string batch (Xen's hvmemul_do_io() with a count): @rep->type
 * IOREQ_TYPE_PIO (port @rep->addr, size 1, 2 or 4) or IOREQ_TYPE_COPY
 * (guest-physical @rep->addr of the first element, size 1 to 8),
 * @rep->count elements (1 or more) running downwards if @rep->df, in
 * direction @rep->dir; @rep->data the guest-physical address of the
 * first element in RAM when @rep->data_is_ptr (the device model reads or
 * writes guest memory itself), else what every element writes.  The
 * caller has checked that each side lies in one page and that the RAM is
 * the guest's own.  IOREQ_UNCLAIMED means not sent: no server takes the
 * whole batch, or the port is one of the PCI configuration ports, whose
 * latch and decoding go element by element; the caller then runs the
 * elements one at a time.
 */
enum ioreq_route ioreq_send_rep(struct vcpu *v, const ioreq_t *rep);

/* XENMEM_acquire_resource: Xen's ioreq_server_max_frames() (the buffered
 * page and the synchronous pages, whatever the id). */
unsigned int ioreq_server_max_frames(const struct domain *d);
/*
 * Frames @frame.. @frame + @n - 1 of server @id of @d, for @caller (who
 * must be its emulator), each with a reference for the caller in @mfns.
 * Frame 0 is the buffered ring (XENMEM_resource_ioreq_server_frame_
 * bufioreq), frame 1 the synchronous page.  @n, or -errno with no
 * reference held: -ENOENT (no such server, or no buffered ring), -EPERM
 * (not its emulator), -EINVAL (no such frame).
 */
int ioreq_server_acquire_frames(struct domain *d, struct domain *caller,
				unsigned int id, u32 frame, unsigned int n,
				mfn_t *mfns);

/*
 * Domain death (xen/common/domain.c).  destroy, when the domain lets go
 * of what it holds (before its event channels close): every server goes,
 * with its ports and its references on the pages and on the emulator.
 * free, at teardown: the per-domain structure.
 */
void ioreq_domain_destroy(struct domain *d);
void ioreq_domain_free(struct domain *d);

#endif
