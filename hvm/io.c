/*
 * Port I/O routing.  Nothing is passed through to hardware.  In order:
 * port 0xE9 writes are the per-domain debug console (Bochs/QEMU
 * convention, and Linux's fallback for xen_raw_printk); then the ioreq
 * servers of the domain's device models (xen/ioreq.h: a port in a
 * server's range, or a PCI configuration cycle through 0xCF8/0xCFC) get
 * the access and the vCPU waits for the answer (HVM_WAIT_IO); a port no
 * one claims reads all ones and drops writes, as Xen's null handler and
 * a bus where nothing answers.
 */
#include <hvm/hvm.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define DEBUG_PORT 0xe9

enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val)
{
	if (!in && port == DEBUG_PORT) {
		domain_debug_putc(v->domain, (char)*val);
		return HVM_DONE;
	}
	switch (ioreq_send_pio(v, port, size, in, *val)) {
	case IOREQ_SENT:
		return HVM_WAIT_IO;
	case IOREQ_CRASHED:
		return HVM_CRASH;
	case IOREQ_UNCLAIMED:
		break;
	}
	if (in)
		*val = 0xffffffff;
	return HVM_DONE;
}
