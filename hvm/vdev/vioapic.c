/*
 * The virtual IO-APIC (hvm/vdev/vioapic.h).  Facts from the Intel 82093AA
 * datasheet (order 290566: registers in 3.0, the redirection table in
 * 3.2.4); Xen 4.17's xen/arch/x86/hvm/vioapic.c fixes what the datasheet
 * leaves open, and its choices are kept:
 *  - The ID register is 4 bits (27:24), and the arbitration register reads
 *    the same value; the version register reads @version with maximum
 *    redirection entry 47.
 *  - A masked edge is lost; a level pin that is asserted when it is
 *    unmasked (or switched to level) with Remote IRR clear is delivered
 *    then.  Delivery status always reads 0: delivery is immediate.
 *  - Remote IRR is set when a level interrupt is delivered and cleared by
 *    an EOI of its vector from any vLAPIC (or the +0x40 EOI register of a
 *    version 0x20 IO-APIC); writing an entry as edge-triggered clears it.
 *  - The upper dword is stored whole (destination 63:56 and the bits
 *    below it), as Xen's record holds it.
 * Destination matching, lowest-priority arbitration and the meaning of
 * NMI/INIT/ExtINT belong to the receiver: every message goes to @deliver
 * as the IO-APIC would put it on the APIC bus.
 */
#include <hvm/vdev/vioapic.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/spinlock.h>
#include <xen/string.h>

/* Direct registers (82093AA 3.0, Xen's window). */
#define REG_SELECT 0x00
#define REG_WINDOW 0x10
#define REG_EOI 0x40

/* Indirect registers, by IOREGSEL. */
#define IND_ID 0x00
#define IND_VERSION 0x01
#define IND_ARB 0x02
#define IND_REDIR0 0x10

#define ID_SHIFT 24
#define ID_MASK 0xfU

#define EDGE 0
#define LEVEL 1

BUILD_BUG_ON(VIOAPIC_NUM_PINS != ARRAY_SIZE(((struct hvm_hw_vioapic *)0)->redirtbl));
BUILD_BUG_ON(VIOAPIC_NUM_PINS > 64);	/* lines is a u64 */

static bool line_high(const struct vioapic *v, unsigned int pin)
{
	return (v->lines >> pin) & 1;
}

/* Put the message of @pin on the bus.  Pre: v->lock held. */
static void deliver(struct vioapic *v, unsigned int pin)
{
	const union vioapic_redir_entry *e = &v->hw.redirtbl[pin];
	struct vioapic_msg m = {
		.dest = e->fields.dest_id,
		.dest_logical = e->fields.dest_mode,
		.delivery_mode = e->fields.delivery_mode,
		.vector = e->fields.vector,
		.level = e->fields.trig_mode == LEVEL,
		.pin = pin,
	};

	if (v->deliver)
		v->deliver(v->opaque, &m);
}

/* A level pin that is asserted, unmasked and not awaiting an EOI
 * interrupts (again).  Pre: v->lock held. */
static void level_recheck(struct vioapic *v, unsigned int pin)
{
	union vioapic_redir_entry *e = &v->hw.redirtbl[pin];

	if (e->fields.trig_mode == LEVEL && !e->fields.mask &&
	    !e->fields.remote_irr && line_high(v, pin)) {
		e->fields.remote_irr = 1;
		deliver(v, pin);
	}
}

void vioapic_reset(struct vioapic *v)
{
	spin_lock(&v->lock);
	memset(&v->hw, 0, sizeof(v->hw));
	v->hw.base_address = VIOAPIC_BASE;
	for (unsigned int pin = 0; pin < VIOAPIC_NUM_PINS; pin++)
		v->hw.redirtbl[pin].fields.mask = 1;
	spin_unlock(&v->lock);
}

void vioapic_init(struct vioapic *v, u8 version,
		  void (*deliver_fn)(void *opaque, const struct vioapic_msg *msg),
		  void *opaque)
{
	spin_lock_init(&v->lock);
	v->version = version;
	v->deliver = deliver_fn;
	v->opaque = opaque;
	v->lines = 0;
	vioapic_reset(v);
}

void vioapic_set_irq(struct vioapic *v, unsigned int pin, bool level)
{
	union vioapic_redir_entry *e;

	if (pin >= VIOAPIC_NUM_PINS)
		return;
	pin = array_index_nospec(pin, VIOAPIC_NUM_PINS);
	e = &v->hw.redirtbl[pin];
	spin_lock(&v->lock);
	if (line_high(v, pin) != level) {
		if (!level) {
			v->lines &= ~(1ULL << pin);
		} else {
			v->lines |= 1ULL << pin;
			if (e->fields.trig_mode == EDGE) {
				if (!e->fields.mask)
					deliver(v, pin);
			} else {
				level_recheck(v, pin);
			}
		}
	}
	spin_unlock(&v->lock);
}

/* Pre: v->lock held. */
static void eoi_locked(struct vioapic *v, u8 vector)
{
	for (unsigned int pin = 0; pin < VIOAPIC_NUM_PINS; pin++) {
		union vioapic_redir_entry *e = &v->hw.redirtbl[pin];

		if (e->fields.vector != vector)
			continue;
		e->fields.remote_irr = 0;
		level_recheck(v, pin);
	}
}

void vioapic_eoi(struct vioapic *v, u8 vector)
{
	spin_lock(&v->lock);
	eoi_locked(v, vector);
	spin_unlock(&v->lock);
}

/* Pre: v->lock held; pin < VIOAPIC_NUM_PINS. */
static void write_redir(struct vioapic *v, unsigned int pin, bool high,
			u32 val)
{
	union vioapic_redir_entry *e = &v->hw.redirtbl[pin];
	union vioapic_redir_entry n = *e;

	if (high) {
		n.bits = (u32)n.bits | ((u64)val << 32);
	} else {
		n.bits = ((n.bits >> 32) << 32) | val;
		/* Read-only: delivery status and Remote IRR. */
		n.fields.delivery_status = 0;
		n.fields.remote_irr = e->fields.remote_irr;
	}
	if (n.fields.trig_mode == EDGE)
		n.fields.remote_irr = 0;
	*e = n;
	if (!high)
		level_recheck(v, pin);
}

/* Pre: v->lock held. */
static u32 read_indirect(struct vioapic *v)
{
	u32 sel = v->hw.ioregsel, idx;
	u64 ent;

	switch (sel) {
	case IND_ID:
	case IND_ARB:
		return (v->hw.id & ID_MASK) << ID_SHIFT;
	case IND_VERSION:
		return v->version | ((VIOAPIC_NUM_PINS - 1) << 16);
	}
	if (sel < IND_REDIR0)
		return 0;
	idx = (sel - IND_REDIR0) / 2;
	if (idx >= VIOAPIC_NUM_PINS)
		return 0;
	ent = v->hw.redirtbl[array_index_nospec(idx, VIOAPIC_NUM_PINS)].bits;
	return sel & 1 ? (u32)(ent >> 32) : (u32)ent;
}

/* Pre: v->lock held. */
static void write_indirect(struct vioapic *v, u32 val)
{
	u32 sel = v->hw.ioregsel, idx;

	if (sel == IND_ID) {
		v->hw.id = (val >> ID_SHIFT) & ID_MASK;
		return;
	}
	if (sel < IND_REDIR0)
		return;			/* version, arbitration: read-only */
	idx = (sel - IND_REDIR0) / 2;
	if (idx >= VIOAPIC_NUM_PINS)
		return;
	write_redir(v, array_index_nospec(idx, VIOAPIC_NUM_PINS), sel & 1, val);
}

u32 vioapic_mmio_read(struct vioapic *v, unsigned int offset,
		      unsigned int size)
{
	u32 val = 0;

	spin_lock(&v->lock);
	if (offset == REG_SELECT)
		val = v->hw.ioregsel;
	else if (offset == REG_WINDOW)
		val = read_indirect(v);
	spin_unlock(&v->lock);
	return val;
}

void vioapic_mmio_write(struct vioapic *v, unsigned int offset,
			unsigned int size, u32 val)
{
	spin_lock(&v->lock);
	if (offset == REG_SELECT)
		v->hw.ioregsel = val;
	else if (offset == REG_WINDOW)
		write_indirect(v, val);
	else if (offset == REG_EOI && v->version >= VIOAPIC_VERSION_EOI_REG)
		eoi_locked(v, (u8)val);
	spin_unlock(&v->lock);
}

u64 vioapic_redir(struct vioapic *v, unsigned int pin)
{
	u64 bits = 0;

	if (pin >= VIOAPIC_NUM_PINS)
		return 0;
	spin_lock(&v->lock);
	bits = v->hw.redirtbl[array_index_nospec(pin, VIOAPIC_NUM_PINS)].bits;
	spin_unlock(&v->lock);
	return bits;
}

/* ---- Save images ---- */

void vioapic_save(struct vioapic *v, struct hvm_hw_vioapic *rec)
{
	spin_lock(&v->lock);
	*rec = v->hw;
	spin_unlock(&v->lock);
}

/*
 * Xen's ioapic_load() takes the record as it is.  Refused here: a base
 * other than the one this IO-APIC has (nothing moves it, and the MMIO
 * handler and the guest's MADT know it there), an ID wider than its 4
 * bits, and entries no register write produces: delivery status set
 * (delivery is immediate) or Remote IRR on an edge pin (cleared when the
 * pin became edge-triggered; an EOI would be needed to clear it, and an
 * edge pin never waits for one).
 */
const char *vioapic_check(const struct hvm_hw_vioapic *rec)
{
	if (rec->base_address != VIOAPIC_BASE)
		return "IO-APIC base other than 0xfec00000";
	if (rec->id > ID_MASK)
		return "IO-APIC ID wider than 4 bits";
	for (unsigned int pin = 0; pin < VIOAPIC_NUM_PINS; pin++) {
		const union vioapic_redir_entry *e = &rec->redirtbl[pin];

		if (e->fields.delivery_status)
			return "a redirection entry with delivery status set";
		if (e->fields.remote_irr && e->fields.trig_mode == EDGE)
			return "Remote IRR on an edge-triggered pin";
	}
	return NULL;
}

void vioapic_restore(struct vioapic *v, const struct hvm_hw_vioapic *rec,
		     u64 lines)
{
	spin_lock(&v->lock);
	if (rec)
		v->hw = *rec;
	v->lines = lines & ((1ULL << VIOAPIC_NUM_PINS) - 1);
	for (unsigned int pin = 0; pin < VIOAPIC_NUM_PINS; pin++)
		level_recheck(v, pin);
	spin_unlock(&v->lock);
}
