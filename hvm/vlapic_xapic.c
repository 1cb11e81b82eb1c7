/*
 * The vLAPIC's xAPIC front end: the 4 KiB MMIO page at the APIC base
 * (SDM vol.3 11.4.1, table 11-1), one of the in-hypervisor MMIO devices
 * of hvm/mmio.c.  The page is the vCPU's own: each vCPU that accesses it
 * reaches its own APIC, and only while that APIC is enabled in xAPIC mode
 * (in x2APIC mode the page is not there, 11.12.1.2; disabled, the access
 * goes on to the device models).
 *
 * The registers are the shared register file of vlapic.c; what is xAPIC's
 * own lives here: the ID in 31:24, the guest's LDR and DFR, the ICR split
 * into ICR_LO and ICR_HI with an 8-bit destination, no SELF_IPI.
 *
 * Accesses, as Xen 4.17's vlapic_mmio_read() and vlapic_mmio_write():
 * registers are 32 bits wide at 16-byte strides; an access of 1, 2 or 4
 * bytes that lies within one register's 32 bits reaches it (a narrow
 * write merges into the current value and is then written whole), any
 * other (8 bytes, straddling, in a register's padding) and any offset
 * past TDCR (so SELF_IPI too) reads 0 and writes nothing.  Write-only and
 * reserved registers read 0; writes to read-only and reserved registers
 * are dropped; reserved bits of a write are dropped, where the x2APIC
 * front end raises #GP for them (11.4.1 leaves the xAPIC's undefined).
 *
 * Pre (every function): @v is the running vCPU, the owner of its vLAPIC;
 * hvm/mmio.c asked vlapic_mmio_claims() on the same exit.
 */
#include <hvm/io_handlers.h>
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <hvm/vlapic_internal.h>
#include <xen/lib.h>
#include <xen/sched.h>

static bool vlapic_mmio_claims(struct vcpu *v, u64 gpa)
{
	struct vlapic *vl = v->hvm->vlapic;

	return vl && vlapic_xapic_mode(vl) &&
	       gpa - (READ_ONCE(vl->base) & APIC_BASE_ADDR) < PAGE_SIZE;
}

/* Register @reg as the xAPIC shows it. */
static u32 xapic_read(struct vlapic *vl, unsigned int reg)
{
	u32 val;

	switch (reg) {
	case REG_ID:
		return (vl->id & 0xff) << 24;	/* 11.4.6 */
	case REG_LDR:
		return vl->ldr;
	case REG_DFR:
		return vl->dfr;
	case REG_ICR:
		return (u32)vl->icr;
	case REG_ICR_HI:
		return vl->icr >> 32;
	}
	/* EOI (write-only) and the reserved registers read 0, as Xen's
	 * register page holds there. */
	return vlapic_reg_read(vl, reg, &val) ? 0 : val;
}

/*
 * Write register @reg with the whole 32-bit @val.
 *
 * Deliberate difference from Xen, which stores a written xAPIC ID: the ID
 * stays 2 * vcpu_id.  Whether software can change it is model specific
 * (SDM vol.3 11.4.6, which tells software not to), and the ID is what the
 * MADT, CPUID, the IO-APIC and MSI routing know the vCPU by.
 */
static void xapic_write(struct vlapic *vl, unsigned int reg, u32 val)
{
	u32 bits;

	switch (reg) {
	case REG_ID:
		return;
	case REG_LDR:
		WRITE_ONCE(vl->ldr, val & XAPIC_LDR_ID);
		return;
	case REG_DFR:
		WRITE_ONCE(vl->dfr, val | DFR_ONES);
		return;
	case REG_ICR_HI:
		vl->icr = (u32)vl->icr | (u64)(val & ICR_XAPIC_DEST) << 32;
		return;
	case REG_ICR:
		/* Delivery is at once, so the delivery status bit reads idle
		 * (11.6.1); the other bits are kept, as Xen keeps them. */
		val &= ~ICR_STATUS;
		vl->icr = (vl->icr & ~0xffffffffULL) | val;
		vlapic_send_ipi(vl, val, vl->icr >> 56);
		return;
	}
	if (vlapic_reg_bits(reg, &bits))
		vlapic_reg_write(vl, reg, val & bits);
}

/* Does an access of @size bytes at page offset @off reach a register? */
static bool reaches_register(unsigned int off, unsigned int size)
{
	return (off & 0xf) + size <= 4 && (off >> 4) <= REG_TDCR;
}

static int vlapic_mmio_read(struct vcpu *v, u64 gpa, unsigned int size,
			    u64 *val)
{
	unsigned int off = gpa & (PAGE_SIZE - 1);
	u32 reg;

	*val = 0;
	if (!reaches_register(off, size))
		return 0;
	reg = xapic_read(v->hvm->vlapic, off >> 4) >> ((off & 3) * 8);
	*val = size == 4 ? reg : reg & ((1U << (size * 8)) - 1);
	return 0;
}

static int vlapic_mmio_write(struct vcpu *v, u64 gpa, unsigned int size,
			     u64 val)
{
	struct vlapic *vl = v->hvm->vlapic;
	unsigned int off = gpa & (PAGE_SIZE - 1);
	unsigned int shift = (off & 3) * 8;

	if (!reaches_register(off, size))
		return 0;
	if (size < 4) {
		u32 mask = ((1U << (size * 8)) - 1) << shift;

		val = (xapic_read(vl, off >> 4) & ~mask) |
		      (((u32)val << shift) & mask);
	}
	xapic_write(vl, off >> 4, val);
	return 0;
}

const struct hvm_mmio_ops vlapic_mmio_ops = {
	.name = "vLAPIC (xAPIC page)",
	.claims = vlapic_mmio_claims,
	.read = vlapic_mmio_read,
	.write = vlapic_mmio_write,
};
