/*
 * Port I/O routing.  In order:
 * port 0xE9 writes are the per-domain debug console (Bochs/QEMU
 * convention, and Linux's fallback for xen_raw_printk); then the devices
 * the hypervisor emulates (hvm/io_handlers.h: for dom0, vPCI's 0xCF8 and
 * 0xCFC-0xCFF too) and CONFIG_ADDRESS (a 4-byte
 * 0xCF8, latched in the hypervisor: ioreq_pci_cf8()); then dom0's
 * access to a port of the machine it may reach (xen/ioports.h) is done
 * on the machine; then the ioreq servers of the domain's device models
 * (xen/ioreq.h: a port in a server's range, or a PCI configuration
 * cycle through 0xCFC) get the access and the vCPU waits for the answer
 * (HVM_WAIT_IO); a port no one claims reads all ones and drops writes,
 * as Xen's null handler and a bus where nothing answers.
 */
#include <hvm/hvm.h>
#include <hvm/io_handlers.h>
#include <hvm/platform.h>
#include <xen/ioports.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <asm/io.h>

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

/* dom0's access to the machine's port: sizes 1, 2 and 4 (hvm_portio()'s). */
static void hwdom_port(u16 port, unsigned int size, bool in, u32 *val)
{
	if (in)
		*val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	else if (size == 1)
		outb((u8)*val, port);
	else if (size == 2)
		outw((u16)*val, port);
	else
		outl(*val, port);
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
	if (is_hardware_domain(v->domain) && ioport_hwdom_allowed(port, size)) {
		hwdom_port(port, size, in, val);
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
