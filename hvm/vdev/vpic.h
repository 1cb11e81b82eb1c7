/*
 * The virtual dual 8259A PIC of an HVM domain, with the PIIX ELCR
 * (ports 0x20/0x21 master, 0xa0/0xa1 slave, 0x4d0/0x4d1 ELCR), as Xen
 * 4.17 keeps inside the hypervisor (xen/arch/x86/hvm/vpic.c).  The slave's
 * INT output is wired to master IR2, as on every PC.
 *
 * The state of each chip is the PIC save record (public/arch-x86/hvm/
 * save.h, HVM_SAVE_CODE(PIC), instance 0 master, 1 slave).  The input
 * levels are not in the record: a loader rebuilds them from the ISA_IRQ,
 * PCI_IRQ and PCI_LINK records (hvm/vdev/virq.h).
 *
 * Output: the master's INT line goes to the BSP's vLAPIC LINT0 (ExtINT)
 * through @intr, called on every change of level; the vCPU then runs the
 * INTA cycle with vpic_ack().  Locking: p->lock is taken inside every entry
 * point; @intr runs with it held (so two changes cannot reach the vLAPIC
 * out of order) and must not call back into this vPIC.  Lock order:
 * hvm/vdev/virq.c's lock, then this one, then whatever @intr takes.
 */
#ifndef HVM_VDEV_VPIC_H
#define HVM_VDEV_VPIC_H

#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/hvm/save.h>

struct vpic {
	spinlock_t lock;
	struct hvm_hw_vpic chip[2];	/* [0] master, [1] slave; under lock */
	u8 lines[2];			/* input levels, bit per IR; under lock */
	/* Fixed at vpic_init(). */
	void (*intr)(void *opaque, bool level);
	void *opaque;
};

/* Power-on state, and remember the INT output callback. */
void vpic_init(struct vpic *p, void (*intr)(void *opaque, bool level),
	       void *opaque);
/* Reset both chips (as at power-on): INT low, all IRs idle. */
void vpic_reset(struct vpic *p);

/*
 * Set the level of ISA IRQ @irq (0-15) at its PIC input.  IRQ 2 is the
 * cascade and is ignored.  A repeated level is no change.
 */
void vpic_set_irq(struct vpic *p, unsigned int irq, bool level);

/* The master's INT output. */
bool vpic_int_output(struct vpic *p);

/*
 * The INTA cycle: the vector of the highest-priority request, moved from
 * IRR to ISR (unless auto-EOI).  When the request went away after INT was
 * seen, the 8259A answers IR7 of the chip concerned without setting its
 * ISR (a spurious IRQ 7 or 15), and so do we.
 */
u8 vpic_ack(struct vpic *p);

/* The vector ISA IRQ @irq would be acknowledged with (ICW2 base + IR). */
u8 vpic_irq_vector(struct vpic *p, unsigned int irq);

/*
 * Port handler for 0x20, 0x21, 0xa0, 0xa1, 0x4d0 and 0x4d1.  Only 1-byte
 * accesses exist: other sizes read all ones and writes are dropped.
 * 0, or -ENOENT for a port that is not the PIC's.
 */
int vpic_portio(void *dev, bool write, u16 port, unsigned int size,
		u32 *val);

/*
 * Save images (HVM_SAVE_CODE(PIC), instance 0 master, 1 slave).
 *  - vpic_save(): both chips' records.
 *  - vpic_check(): why the record for chip @inst (0, 1) holds a state the
 *    chips cannot be in, or NULL.  Pure.
 *  - vpic_restore(): both chips from @rec (checked; NULL: keep them) and
 *    the input levels from @lines (bit n: ISA IRQ n; IRQ 2 ignored), then
 *    what they imply, as an input change would: level IRs request, the
 *    cascade follows the slave, and INT is recomputed and reported to
 *    @intr when it is asserted (the vCPU then looks).  Pre: the lock
 *    order of the file note (hvm/vdev/virq.c calls it under its lock).
 */
void vpic_save(struct vpic *p, struct hvm_hw_vpic rec[2]);
const char *vpic_check(const struct hvm_hw_vpic *r, unsigned int inst);
void vpic_restore(struct vpic *p, const struct hvm_hw_vpic *rec, u16 lines);

#endif
