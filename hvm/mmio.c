/*
 * Emulated MMIO: a guest access to a guest-physical address that is not
 * RAM (hvm/npf.c sends it here through the instruction emulator,
 * hvm/emulate_glue.c) goes to the first in-hypervisor device that claims
 * it (hvm/io_handlers.h), else to nobody: reads all ones, writes dropped,
 * as Xen's null handler answers an access no device model claims.
 */
#include <hvm/hvm.h>
#include <hvm/io_handlers.h>
#include <hvm/platform.h>
#include <xen/lib.h>
#include <xen/sched.h>

/* The in-hypervisor MMIO devices, asked in order. */
static const struct hvm_mmio_ops *const mmio_handlers[] = {
	&hvm_platform_ioapic_ops,
	&vlapic_mmio_ops,	/* the xAPIC page, while in xAPIC mode */
	&vpci_ecam_ops,		/* dom0: the host's ECAM window */
	NULL
};

static const struct hvm_mmio_ops *mmio_handler(struct vcpu *v, u64 gpa)
{
	for (unsigned int i = 0; mmio_handlers[i]; i++)
		if (mmio_handlers[i]->claims(v, gpa))
			return mmio_handlers[i];
	return NULL;
}

bool hvm_mmio_claimed(struct vcpu *v, u64 gpa)
{
	return mmio_handler(v, gpa) != NULL;
}

int hvm_mmio_access(struct vcpu *v, u64 gpa, unsigned int size, bool write,
		    u64 *val)
{
	const struct hvm_mmio_ops *h = mmio_handler(v, gpa);
	int rc;

	if (!h) {
		if (!write)
			*val = ~0ULL;
		return 0;
	}
	rc = write ? h->write(v, gpa, size, *val) : h->read(v, gpa, size, val);
	if (rc)
		domain_crash(v->domain, "%s: %u-byte %s at %#lx failed (%d)",
			     h->name, size, write ? "write" : "read",
			     (unsigned long)gpa, rc);
	return rc;
}
