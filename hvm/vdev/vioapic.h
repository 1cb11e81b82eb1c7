/*
 * The virtual IO-APIC of an HVM domain: one 82093AA-style IO-APIC with
 * Xen's 48 pins (VIOAPIC_NUM_PINS, public/arch-x86/hvm/save.h: GSIs 0-15
 * for ISA, 16-47 for PCI INTx), at 0xfec00000, as Xen 4.17 keeps inside
 * the hypervisor (xen/arch/x86/hvm/vioapic.c).
 *
 * The registers are the IOAPIC save record (HVM_SAVE_CODE(IOAPIC)); the
 * pin levels are not in it and are rebuilt by a loader from the routing
 * records (hvm/vdev/virq.h).
 *
 * Output: each interrupt message goes through @deliver, which the
 * hypervisor routes to vLAPICs.  Locking: v->lock is taken inside every
 * entry point; @deliver runs with it held (a re-delivery at EOI cannot
 * overtake the delivery before it) and must not call back into this
 * IO-APIC: a vLAPIC sets IRR and kicks.  The vLAPIC calls vioapic_eoi()
 * holding none of its locks.  Lock order: hvm/vdev/virq.c's lock, then
 * this one, then whatever @deliver takes.
 */
#ifndef HVM_VDEV_VIOAPIC_H
#define HVM_VDEV_VIOAPIC_H

#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/hvm/save.h>

#define VIOAPIC_BASE 0xfec00000UL	/* Xen's default base (MADT) */
#define VIOAPIC_MMIO_SIZE 0x100		/* Xen claims 256 bytes */

/* The IO-APIC versions Xen knows: 0x11 (82093AA, 4.17's default) and
 * 0x20 (with the directed-EOI register at +0x40). */
#define VIOAPIC_VERSION_82093AA 0x11
#define VIOAPIC_VERSION_EOI_REG 0x20

/* Redirection entry delivery modes (82093AA 3.2.4). */
#define VIOAPIC_DM_FIXED 0
#define VIOAPIC_DM_LOWEST 1
#define VIOAPIC_DM_SMI 2
#define VIOAPIC_DM_NMI 4
#define VIOAPIC_DM_INIT 5
#define VIOAPIC_DM_EXTINT 7

/* One interrupt message (82093AA 3.2.4): what a vLAPIC bus would carry. */
struct vioapic_msg {
	u8 dest;		/* APIC ID, or logical mask when logical */
	bool dest_logical;
	u8 delivery_mode;	/* VIOAPIC_DM_* */
	u8 vector;
	bool level;		/* level-triggered: the vLAPIC must EOI it */
	unsigned int pin;	/* for tracing; not on the real bus */
};

struct vioapic {
	spinlock_t lock;
	struct hvm_hw_vioapic hw;	/* the IOAPIC record; under lock */
	u64 lines;			/* pin levels, bit per pin; under lock */
	/* Fixed at vioapic_init(). */
	u8 version;
	void (*deliver)(void *opaque, const struct vioapic_msg *msg);
	void *opaque;
};

/*
 * Reset to power-on (every pin masked, ID 0, base 0xfec00000) and keep
 * @version (VIOAPIC_VERSION_*) and the delivery callback.
 */
void vioapic_init(struct vioapic *v, u8 version,
		  void (*deliver)(void *opaque, const struct vioapic_msg *msg),
		  void *opaque);
void vioapic_reset(struct vioapic *v);

/* The logical level of input @pin (< VIOAPIC_NUM_PINS); the polarity bit
 * is not applied (Xen's lines are logical too).  Repeats are no change. */
void vioapic_set_irq(struct vioapic *v, unsigned int pin, bool level);

/* The vLAPIC's EOI broadcast of @vector: clears Remote IRR of the pins
 * with that vector and re-delivers a level pin that is still asserted. */
void vioapic_eoi(struct vioapic *v, u8 vector);

/* Register access at @offset into the 256-byte window (IOREGSEL +0x00,
 * IOWIN +0x10, EOI +0x40 on version 0x20).  Any @size, as Xen: the
 * caller truncates a read.  Other offsets read 0, writes are dropped. */
u32 vioapic_mmio_read(struct vioapic *v, unsigned int offset,
		      unsigned int size);
void vioapic_mmio_write(struct vioapic *v, unsigned int offset,
			unsigned int size, u32 val);

/* Entry @pin's 64 bits (for the vPIT's missed-tick accounting and the
 * hypervisor's ExtINT decisions). */
u64 vioapic_redir(struct vioapic *v, unsigned int pin);

/*
 * Save images (HVM_SAVE_CODE(IOAPIC)).
 *  - vioapic_save(): the record.
 *  - vioapic_check(): why @rec holds a state this IO-APIC cannot be in,
 *    or NULL.  Pure.
 *  - vioapic_restore(): the registers from @rec (checked; NULL: keep
 *    them) and the pin levels from @lines (bit per pin), then every
 *    level pin that is asserted, unmasked and not awaiting an EOI
 *    interrupts, as it would have when it last changed.  Pre: the lock
 *    order of the file note.
 */
void vioapic_save(struct vioapic *v, struct hvm_hw_vioapic *rec);
const char *vioapic_check(const struct hvm_hw_vioapic *rec);
void vioapic_restore(struct vioapic *v, const struct hvm_hw_vioapic *rec,
		     u64 lines);

#endif
