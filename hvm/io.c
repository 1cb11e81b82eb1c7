/*
 * Port I/O routing.  Nothing is passed through to hardware.  In order:
 * port 0xE9 writes are the per-domain debug console (Bochs/QEMU
 * convention, and Linux's fallback for xen_raw_printk); then the devices
 * the hypervisor emulates (hvm/io_handlers.h: for dom0, vPCI's 0xCF8 and
 * 0xCFC-0xCFF too) and CONFIG_ADDRESS (a 4-byte
 * 0xCF8, latched in the hypervisor: ioreq_pci_cf8()); then the ioreq
 * servers of the domain's device models (xen/ioreq.h: a port in a
 * server's range, or a PCI configuration cycle through 0xCFC) get
 * the access and the vCPU waits for the answer (HVM_WAIT_IO); a port no
 * one claims reads all ones and drops writes, as Xen's null handler and
 * a bus where nothing answers.
 */
#include <hvm/hvm.h>
#include <hvm/io_handlers.h>
#include <hvm/platform.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define DEBUG_PORT 0xe9
#define PCI_CONF_ADDRESS 0xcf8	/* CONFIG_ADDRESS, xen/ioreq.h */

/* The in-hypervisor port devices (hvm/io_handlers.h), asked in order. */
static const struct hvm_port_ops *const port_handlers[] = {
	&hvm_platform_pic_ops,
	&hvm_platform_pit_ops,
	&vpci_cf8_ops,		/* dom0 only */
	NULL
};

/* The first handler that claims the access, or NULL. */
static const struct hvm_port_ops *port_handler(struct vcpu *v, u16 port,
					       unsigned int size)
{
	for (unsigned int i = 0; port_handlers[i]; i++)
		if (port_handlers[i]->claims(v, port, size))
			return port_handlers[i];
	return NULL;
}

bool hvm_port_internal(struct vcpu *v, u16 port, unsigned int size, bool in)
{
	return (!in && port == DEBUG_PORT) || port_handler(v, port, size) ||
	       (port == PCI_CONF_ADDRESS && size == 4);
}

enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val)
{
	const struct hvm_port_ops *h;

	if (!in && port == DEBUG_PORT) {
		domain_debug_putc(v->domain, (char)*val);
		return HVM_DONE;
	}
	h = port_handler(v, port, size);
	if (h) {
		if (!h->access(v, port, size, in, val))
			return HVM_DONE;
		domain_crash(v->domain, "%s: port %#x access failed", h->name,
			     port);
		return HVM_CRASH;
	}
	if (ioreq_pci_cf8(v, port, size, in, val))
		return HVM_DONE;
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
