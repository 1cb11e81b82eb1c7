/*
 * Ioreq servers inside devmodel/: the structures ioreq_server.c (their
 * life: create, ranges, state, pages, destroy) and ioreq_send.c (their
 * use: selection, requests, completions) share, and the operations
 * dm_op.c calls.  The interface for the rest of the hypervisor is
 * xen/ioreq.h.
 *
 * Locking: one lock per domain (struct ioreq_domain.lock) covers the
 * server table and everything in each server except the shared pages'
 * contents, which the device model changes at will.  It is a plain spin
 * lock (no interrupt handler takes it); under it only scheduler locks
 * are taken (blocking a vCPU).  Ports are allocated, freed and notified,
 * and memory allocated and freed, outside it.
 */
#ifndef DEVMODEL_IOREQ_SERVER_H
#define DEVMODEL_IOREQ_SERVER_H

#include <xen/ioreq.h>
#include <xen/rangeset.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/hvm/dm_op.h>
#include <public/hvm/hvm_op.h>

/* XEN_DMOP_IO_RANGE_PORT, _MEMORY, _PCI index the rangesets. */
#define IOREQ_NR_RANGE_TYPES 3

/* One vCPU of the target as a server sees it. */
struct ioreq_vcpu {
	evtchn_port_t port;	/* fixed: the Xen-consumed port (vp_eport) */
	bool pending;		/* a request in the slot waits for its answer */
};

struct ioreq_server {
	/* Fixed from creation until destroy. */
	unsigned int id;
	struct domain *target;
	struct domain *emulator;	/* holds a reference */
	int bufioreq_handling;		/* HVM_IOREQSRV_BUFIOREQ_* */
	shared_iopage_t *ioreq_page;	/* frame, allocation reference held */
	buffered_iopage_t *bufioreq_page; /* NULL when handling is OFF */
	evtchn_port_t bufioreq_port;	/* 0 when handling is OFF */
	/* Under the domain's ioreq lock. */
	bool enabled;
	struct rangeset range[IOREQ_NR_RANGE_TYPES];
	struct rangeset_range *range_storage;	/* fixed */
	struct ioreq_vcpu vcpu[MAX_VIRT_CPUS];	/* [i] for d->vcpu[i] */
};

struct ioreq_domain {
	spinlock_t lock;
	struct ioreq_server *server[IOREQ_MAX_SERVERS];	/* lock */
	/* The last 4-byte write to port 0xCF8 (Xen's d->arch.hvm.pci_cf8). */
	u32 pci_cf8;
};

/* d->ioreq, allocated on first use (NULL if memory is short). */
struct ioreq_domain *ioreq_domain_get(struct domain *d);

/*
 * The ioreq-server sub-ops of dm_op, for the caller domain @caller on
 * target @d, with Xen 4.17's answers (xen/common/ioreq.c).  Arguments
 * the dm_op layer already checked: pads; @id is unchecked.
 */
int ioreq_server_create(struct domain *d, struct domain *caller,
			int bufioreq_handling, ioservid_t *id);
int ioreq_server_destroy(struct domain *d, struct domain *caller,
			 ioservid_t id);
int ioreq_server_get_info(struct domain *d, struct domain *caller,
			  ioservid_t id, bool want_gfns,
			  evtchn_port_t *bufioreq_port);
int ioreq_server_map_range(struct domain *d, struct domain *caller,
			   ioservid_t id, u32 type, u64 start, u64 end);
int ioreq_server_unmap_range(struct domain *d, struct domain *caller,
			     ioservid_t id, u32 type, u64 start, u64 end);
int ioreq_server_set_state(struct domain *d, struct domain *caller,
			   ioservid_t id, bool enabled);

/*
 * ioreq_send.c.  select: Xen's ioreq_server_select() for @p (PIO or
 * COPY), newest server first; a port access to 0xCFC-0xCFF with the
 * latch enabled is rewritten in @p as the PCI_CONFIG request it selects.
 * Pre: id->lock held.
 */
struct ioreq_server *ioreq_server_select(struct ioreq_domain *id,
					 ioreq_t *p);
/* The Xen-consumer callback of every ioreq port (event.h evtchn_xen_fn):
 * the device model notified vCPU @port's slot. */
void ioreq_port_notified(struct domain *d, evtchn_port_t port, void *priv);
/* Whoever waits on @s gets all ones (destroy).  Pre: id->lock held;
 * returns the vCPUs to release after unlocking, as a bitmap. */
u32 ioreq_server_take_waiters(struct ioreq_server *s);
void ioreq_release_waiters(struct domain *d, u32 waiters);

/* Xen's PCI config-address latch fields (CF8_* in Xen's asm/pci.h):
 * enable bit 31, bus/device/function bits 23:8, register bits 7:2. */
#define IOREQ_CF8_ENABLED(cf8) (((cf8) >> 31) & 1)
#define IOREQ_CF8_BDF(cf8) (((cf8) & 0x00ffff00) >> 8)
#define IOREQ_CF8_REG(cf8) ((cf8) & 0xfc)

/* public/hvm/ioreq.h: ioreq_t's state shares byte 30 with data_is_ptr,
 * dir and df; it is read and published with single byte accesses. */
#define IOREQ_STATE_BYTE 30
#define IOREQ_STATE_MASK 0x0f

#endif
