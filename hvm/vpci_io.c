/*
 * The traps that lead dom0's PCI configuration cycles to vPCI
 * (xen/vpci.h): configuration mechanism #1 (PCI Local Bus 3.0,
 * 3.2.2.3.2: a 4-byte write to 0xCF8 selects, 0xCFC-0xCFF carry data)
 * and the ECAM window of the host's MCFG, which is never in dom0's p2m,
 * so its accesses fault and come here.  Only a domain with vPCI (dom0)
 * has these handlers; the others keep theirs (hvm/io.c, ioreq servers).
 */
#include <hvm/io_handlers.h>
#include <xen/errno.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/vpci.h>

#define CF8_ENABLE	(1U << 31)

static bool cf8_claims(struct vcpu *v, u16 port, unsigned int size)
{
	return v->domain->vpci &&
	       ((port == 0xcf8 && size == 4) || (port >= 0xcfc && port <= 0xcff));
}

static int cf8_access(struct vcpu *v, u16 port, unsigned int size, bool in,
		      u32 *val)
{
	struct vpci *vp = v->domain->vpci;
	u32 cf8 = READ_ONCE(vp->cf8);
	unsigned int reg = (cf8 & 0xfc) | (port & 3);
	u16 bdf = (cf8 >> 8) & 0xffff;

	if (port == 0xcf8) {
		if (in)
			*val = cf8;
		else
			WRITE_ONCE(vp->cf8, *val);
		return 0;
	}
	/* Nothing selected, or data past the 4-byte window: as a bus
	 * where nothing answers. */
	if (!(cf8 & CF8_ENABLE) || (port & 3) + size > 4) {
		if (in)
			*val = ~0U;
		return 0;
	}
	if (in)
		*val = vpci_read(v->domain, bdf, reg, size);
	else
		vpci_write(v->domain, bdf, reg, size, *val);
	return 0;
}

const struct hvm_port_ops vpci_cf8_ops = {
	.name = "vPCI 0xcf8/0xcfc",
	.claims = cf8_claims,
	.access = cf8_access,
};

static bool ecam_claims(struct vcpu *v, u64 gpa)
{
	u16 bdf;
	unsigned int reg;

	return v->domain->vpci && pci_ecam_window(gpa, &bdf, &reg);
}

static int ecam_read(struct vcpu *v, u64 gpa, unsigned int size, u64 *val)
{
	u16 bdf;
	unsigned int reg;

	if (!pci_ecam_window(gpa, &bdf, &reg))
		return -EINVAL;
	/* vpci_read() refuses 8 bytes: two halves, as a CPU's split. */
	if (size == 8 && !(reg & 7)) {
		*val = vpci_read(v->domain, bdf, reg, 4) |
		       (u64)vpci_read(v->domain, bdf, reg + 4, 4) << 32;
		return 0;
	}
	*val = vpci_read(v->domain, bdf, reg, size);
	return 0;
}

static int ecam_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val)
{
	u16 bdf;
	unsigned int reg;

	if (!pci_ecam_window(gpa, &bdf, &reg))
		return -EINVAL;
	if (size == 8 && !(reg & 7)) {
		vpci_write(v->domain, bdf, reg, 4, (u32)val);
		vpci_write(v->domain, bdf, reg + 4, 4, val >> 32);
		return 0;
	}
	vpci_write(v->domain, bdf, reg, size, val);
	return 0;
}

const struct hvm_mmio_ops vpci_ecam_ops = {
	.name = "vPCI ECAM",
	.claims = ecam_claims,
	.read = ecam_read,
	.write = ecam_write,
};
