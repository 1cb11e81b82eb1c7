/*
 * The virtual 8259A pair (hvm/vdev/vpic.h).  Facts from the Intel 8259A
 * datasheet (order 231468) and the PIIX/PIIX3 datasheet for the ELCR;
 * behaviour matched to Xen 4.17's xen/arch/x86/hvm/vpic.c where the two
 * could differ.
 *
 * Requests.  The 8259A wants a request held until the first INTA in both
 * trigger modes; a request that goes away earlier yields the default IR7.
 * So a falling input clears its IRR bit in either mode, a rising one sets
 * it, and only the INTA of an edge-triggered IR clears it (the next request
 * needs a new edge).  A level-triggered IR keeps IRR while its line is
 * high, so it requests again after the EOI.
 *
 * The cascade.  The slave's INT output is master IR2's input, a level
 * (the master's ELCR bit 2 is kept set internally, as in Xen's record,
 * and reads as 0).  ICW3 and ICW1.SNGL/LTIM are accepted and ignored: the
 * wiring of a PC is fixed, and the PIIX ignores LTIM in favour of ELCR.
 *
 * Poll mode is per chip, as the datasheet describes it: a poll of the
 * master that finds IR2 acknowledges IR2 only, and software then polls
 * the slave.  (Deliberate difference: Xen's poll read acknowledges through
 * to the slave and returns the IRQ number without the I bit.)
 */
#include <hvm/vdev/vpic.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#define MASTER 0
#define SLAVE 1
#define CASCADE_IR 2

/* PIIX ELCR: IRQ 0, 1, 2 (master) and 8, 13 (slave) are edge only. */
#define ELCR_MASK_MASTER 0xf8
#define ELCR_MASK_SLAVE 0xde

/* Datasheet "Programming the 8259A": A0=0 command bytes. */
#define ICW1 0x10
#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define OCW3 0x08
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

/* OCW2 bits 7-5 (R, SL, EOI). */
enum { OCW2_ROTATE_AEOI_CLEAR, OCW2_EOI, OCW2_NOP, OCW2_SPECIFIC_EOI,
       OCW2_ROTATE_AEOI_SET, OCW2_ROTATE_EOI, OCW2_SET_PRIORITY,
       OCW2_ROTATE_SPECIFIC_EOI };

/* init_state (public/arch-x86/hvm/save.h): bits 0-1 the next ICW at A0=1
 * (1: ICW2, 2: ICW3, 3: ICW4), bit 2 ICW4 expected, bit 3 single mode. */
#define INIT_NEXT 3
#define INIT_IC4 4
#define INIT_SNGL 8

#define NO_PRIO 8

/* The priority (0 highest) of the best IR in @mask, or NO_PRIO.  IR
 * priority_add is the highest, then the next ones round the ring. */
static unsigned int best_priority(const struct hvm_hw_vpic *c, u8 mask)
{
	unsigned int rot = c->priority_add & 7;
	u8 r = (u8)((mask >> rot) | (mask << ((8 - rot) & 7)));

	return r ? (unsigned int)__builtin_ctz(r) : NO_PRIO;
}

static unsigned int prio_to_ir(const struct hvm_hw_vpic *c, unsigned int pr)
{
	return (pr + c->priority_add) & 7;
}

/* The IR the chip would interrupt for now, or -1. */
static int chip_pending_ir(const struct hvm_hw_vpic *c)
{
	unsigned int pr, ir, cur;
	u8 in_service = c->isr;

	pr = best_priority(c, c->irr & ~c->imr);
	if (pr == NO_PRIO)
		return -1;
	ir = prio_to_ir(c, pr);
	/* Datasheet: special fully nested mode lets the slave interrupt
	 * again while master IR2 is in service; special mask mode keeps
	 * masked in-service IRs from blocking lower ones. */
	if (c->special_fully_nested_mode && c->is_master && ir == CASCADE_IR)
		in_service &= (u8)~(1U << CASCADE_IR);
	if (c->special_mask_mode)
		in_service &= (u8)~c->imr;
	cur = best_priority(c, in_service);
	return pr < cur ? (int)ir : -1;
}

/* Recompute both INT outputs (slave first: it is master IR2's input) and
 * tell the vLAPIC when the master's changes.  Pre: p->lock held. */
static void update_outputs(struct vpic *p)
{
	struct hvm_hw_vpic *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
	bool out;

	/* No INT while an initialisation sequence is in progress. */
	s->int_output = !s->init_state && chip_pending_ir(s) >= 0;
	if (s->int_output) {
		p->lines[MASTER] |= 1U << CASCADE_IR;
		m->irr |= 1U << CASCADE_IR;
	} else {
		p->lines[MASTER] &= (u8)~(1U << CASCADE_IR);
		m->irr &= (u8)~(1U << CASCADE_IR);
	}
	out = !m->init_state && chip_pending_ir(m) >= 0;
	if (out != m->int_output) {
		m->int_output = out;
		if (p->intr)
			p->intr(p->opaque, out);
	}
}

/* The INTA (or poll) of @ir on one chip.  Pre: p->lock held. */
static void chip_intack(struct hvm_hw_vpic *c, unsigned int ir)
{
	u8 bit = 1U << ir;

	if (!(c->elcr & bit))
		c->irr &= (u8)~bit;	/* the edge is consumed */
	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_on_auto_eoi)
		c->priority_add = (ir + 1) & 7;
}

static void chip_reset(struct hvm_hw_vpic *c, bool master)
{
	memset(c, 0, sizeof(*c));
	c->is_master = master;
	if (master)
		c->elcr = 1U << CASCADE_IR;
}

void vpic_reset(struct vpic *p)
{
	spin_lock(&p->lock);
	chip_reset(&p->chip[MASTER], true);
	chip_reset(&p->chip[SLAVE], false);
	p->lines[MASTER] = p->lines[SLAVE] = 0;
	update_outputs(p);
	spin_unlock(&p->lock);
}

void vpic_init(struct vpic *p, void (*intr)(void *opaque, bool level),
	       void *opaque)
{
	spin_lock_init(&p->lock);
	p->intr = intr;
	p->opaque = opaque;
	/* Power-on: INT low, which the vLAPIC also assumes. */
	chip_reset(&p->chip[MASTER], true);
	chip_reset(&p->chip[SLAVE], false);
	p->lines[MASTER] = p->lines[SLAVE] = 0;
}

void vpic_set_irq(struct vpic *p, unsigned int irq, bool level)
{
	struct hvm_hw_vpic *c;
	u8 bit;

	if (irq > 15 || irq == CASCADE_IR)
		return;
	c = &p->chip[irq >> 3];
	bit = 1U << (irq & 7);
	spin_lock(&p->lock);
	if (!!(p->lines[irq >> 3] & bit) != level) {
		if (level) {
			p->lines[irq >> 3] |= bit;
			c->irr |= bit;
		} else {
			p->lines[irq >> 3] &= (u8)~bit;
			c->irr &= (u8)~bit;
		}
		update_outputs(p);
	}
	spin_unlock(&p->lock);
}

bool vpic_int_output(struct vpic *p)
{
	bool out;

	spin_lock(&p->lock);
	out = p->chip[MASTER].int_output;
	spin_unlock(&p->lock);
	return out;
}

u8 vpic_ack(struct vpic *p)
{
	struct hvm_hw_vpic *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
	int ir;
	u8 vec;

	spin_lock(&p->lock);
	ir = chip_pending_ir(m);
	if (ir < 0) {
		vec = m->irq_base + 7;	/* spurious IRQ 7: no ISR bit */
	} else {
		chip_intack(m, ir);
		vec = m->irq_base + ir;
		if (ir == CASCADE_IR) {
			ir = chip_pending_ir(s);
			if (ir < 0) {
				/* Spurious IRQ 15; master ISR2 stays set,
				 * for the handler's master EOI. */
				vec = s->irq_base + 7;
			} else {
				chip_intack(s, ir);
				vec = s->irq_base + ir;
			}
		}
	}
	update_outputs(p);
	spin_unlock(&p->lock);
	return vec;
}

u8 vpic_irq_vector(struct vpic *p, unsigned int irq)
{
	u8 vec;

	spin_lock(&p->lock);
	vec = p->chip[(irq >> 3) & 1].irq_base + (irq & 7);
	spin_unlock(&p->lock);
	return vec;
}

/* ICW1: start initialisation.  Pre: p->lock held. */
static void write_icw1(struct hvm_hw_vpic *c, u8 val)
{
	/* Datasheet: the edge sense circuit is reset (an edge IR needs a new
	 * rising edge), IMR and ISR cleared, IR7 lowest priority, special
	 * mask mode off, status read selects IRR; without IC4 the ICW4
	 * functions are zero. */
	c->irr &= c->elcr;
	c->imr = c->isr = 0;
	c->priority_add = 0;
	c->rotate_on_auto_eoi = 0;
	c->special_mask_mode = 0;
	c->readsel_isr = 0;
	c->poll = 0;
	if (!(val & ICW1_IC4)) {
		c->auto_eoi = 0;
		c->special_fully_nested_mode = 0;
	}
	c->init_state = (val & ICW1_IC4 ? INIT_IC4 : 0) |
			(val & ICW1_SNGL ? INIT_SNGL : 0) | 1;
}

/* OCW2: EOIs and rotation.  Pre: p->lock held. */
static void write_ocw2(struct hvm_hw_vpic *c, u8 val)
{
	unsigned int cmd = val >> 5, ir, pr;
	u8 in_service = c->isr;

	switch (cmd) {
	case OCW2_ROTATE_AEOI_CLEAR:
	case OCW2_ROTATE_AEOI_SET:
		c->rotate_on_auto_eoi = cmd == OCW2_ROTATE_AEOI_SET;
		return;
	case OCW2_EOI:
	case OCW2_ROTATE_EOI:
		/* The highest-priority IR in service; in special mask mode
		 * the masked ones do not count. */
		if (c->special_mask_mode)
			in_service &= (u8)~c->imr;
		pr = best_priority(c, in_service);
		if (pr == NO_PRIO)
			return;
		ir = prio_to_ir(c, pr);
		break;
	case OCW2_SPECIFIC_EOI:
	case OCW2_ROTATE_SPECIFIC_EOI:
		ir = val & 7;
		break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (val + 1) & 7;	/* val & 7 lowest */
		return;
	default:
		return;
	}
	c->isr &= (u8)~(1U << ir);
	if (cmd == OCW2_ROTATE_EOI || cmd == OCW2_ROTATE_SPECIFIC_EOI)
		c->priority_add = (ir + 1) & 7;	/* just served: lowest */
}

/* A0=1: OCW1 (IMR), or ICW2-4 during initialisation.  Pre: lock held. */
static void write_data(struct hvm_hw_vpic *c, u8 val)
{
	switch (c->init_state & INIT_NEXT) {
	case 0:
		c->imr = val;
		return;
	case 1:
		c->irq_base = val & 0xf8;	/* ICW2: T7-T3 in 8086 mode */
		c->init_state++;
		if (!(c->init_state & INIT_SNGL))
			return;			/* ICW3 next */
		/* Single mode: no ICW3. */
		/* fall through */
	case 2:
		c->init_state++;		/* ICW3: the fixed PC wiring */
		if (!(c->init_state & INIT_IC4))
			c->init_state = 0;
		return;
	case 3:
		c->special_fully_nested_mode = !!(val & ICW4_SFNM);
		c->auto_eoi = !!(val & ICW4_AEOI);
		c->init_state = 0;
		return;
	}
}

/* A read while poll is set: the poll word, and the read acknowledges.
 * Pre: p->lock held. */
static u8 poll_read(struct hvm_hw_vpic *c)
{
	int ir = chip_pending_ir(c);

	c->poll = 0;
	if (ir < 0)
		return 0;
	chip_intack(c, ir);
	return 0x80 | ir;
}

static void pic_write(struct vpic *p, unsigned int chip, bool a0, u8 val)
{
	struct hvm_hw_vpic *c = &p->chip[chip];

	if (a0)
		write_data(c, val);
	else if (val & ICW1)
		write_icw1(c, val);
	else if (val & OCW3) {
		if (val & OCW3_POLL)
			c->poll = 1;
		if (val & OCW3_RR)
			c->readsel_isr = !!(val & OCW3_RIS);
		if (val & OCW3_ESMM)
			c->special_mask_mode = !!(val & OCW3_SMM);
	} else {
		write_ocw2(c, val);
	}
}

static u8 pic_read(struct vpic *p, unsigned int chip, bool a0)
{
	struct hvm_hw_vpic *c = &p->chip[chip];

	if (c->poll)
		return poll_read(c);
	if (a0)
		return c->imr;
	return c->readsel_isr ? c->isr : c->irr;
}

static void elcr_write(struct vpic *p, unsigned int chip, u8 val)
{
	struct hvm_hw_vpic *c = &p->chip[chip];

	if (chip == MASTER)
		c->elcr = (val & ELCR_MASK_MASTER) | (1U << CASCADE_IR);
	else
		c->elcr = val & ELCR_MASK_SLAVE;
	/* A level IR requests for as long as its line is high. */
	c->irr |= p->lines[chip] & c->elcr;
}

static u8 elcr_read(struct vpic *p, unsigned int chip)
{
	return p->chip[chip].elcr &
	       (chip == MASTER ? ELCR_MASK_MASTER : ELCR_MASK_SLAVE);
}

int vpic_portio(void *dev, bool write, u16 port, unsigned int size,
		u32 *val)
{
	struct vpic *p = dev;
	unsigned int chip;
	bool elcr;

	switch (port) {
	case 0x20: case 0x21: case 0xa0: case 0xa1:
		chip = !!(port & 0x80);
		elcr = false;
		break;
	case 0x4d0: case 0x4d1:
		chip = port & 1;
		elcr = true;
		break;
	default:
		return -ENOENT;
	}
	if (size != 1) {
		if (!write)
			*val = 0xffffffff;
		return 0;
	}
	spin_lock(&p->lock);
	if (write && elcr)
		elcr_write(p, chip, (u8)*val);
	else if (write)
		pic_write(p, chip, port & 1, (u8)*val);
	else if (elcr)
		*val = elcr_read(p, chip);
	else
		*val = pic_read(p, chip, port & 1);
	update_outputs(p);
	spin_unlock(&p->lock);
	return 0;
}

/* ---- Save images ---- */

void vpic_save(struct vpic *p, struct hvm_hw_vpic rec[2])
{
	spin_lock(&p->lock);
	rec[MASTER] = p->chip[MASTER];
	rec[SLAVE] = p->chip[SLAVE];
	spin_unlock(&p->lock);
}

/* @r with only its named fields copied: any other bit (the bit after
 * is_master) differs. */
static bool only_fields(const struct hvm_hw_vpic *r)
{
	struct hvm_hw_vpic f;

	memset(&f, 0, sizeof(f));
	f.irr = r->irr;
	f.imr = r->imr;
	f.isr = r->isr;
	f.irq_base = r->irq_base;
	f.init_state = r->init_state;
	f.priority_add = r->priority_add;
	f.readsel_isr = r->readsel_isr;
	f.poll = r->poll;
	f.auto_eoi = r->auto_eoi;
	f.rotate_on_auto_eoi = r->rotate_on_auto_eoi;
	f.special_fully_nested_mode = r->special_fully_nested_mode;
	f.special_mask_mode = r->special_mask_mode;
	f.is_master = r->is_master;
	f.elcr = r->elcr;
	f.int_output = r->int_output;
	return !memcmp(&f, r, sizeof(f));
}

/*
 * Xen's vpic_load() takes the record as it is.  These states no sequence
 * of port writes reaches, and the ones the code above relies on never
 * meeting, are refused instead: a chip that is not the one its instance
 * says, ELCR bits the PIIX does not have (the master's IR2 is always
 * level, internally), ICW2 bits 2-0 (ignored in 8086 mode), an ICW step
 * without the step bits, a rotation past IR7, an INT that is not a level.
 */
const char *vpic_check(const struct hvm_hw_vpic *r, unsigned int inst)
{
	bool master = inst == MASTER;

	if (!only_fields(r))
		return "bits outside the record's fields";
	if (r->is_master != master)
		return "is_master does not match the instance";
	if (master ? (r->elcr & ~ELCR_MASK_MASTER) != (1U << CASCADE_IR)
		   : r->elcr & ~ELCR_MASK_SLAVE)
		return "ELCR bits the chip does not have";
	if (r->irq_base & 7)
		return "ICW2 bits 2-0 set";
	if (r->init_state && !(r->init_state & INIT_NEXT))
		return "an initialisation state with no next ICW";
	if (r->priority_add > 7)
		return "priority rotation past IR7";
	if (r->int_output > 1)
		return "INT output not 0 or 1";
	return NULL;
}

void vpic_restore(struct vpic *p, const struct hvm_hw_vpic *rec, u16 lines)
{
	spin_lock(&p->lock);
	if (rec) {
		p->chip[MASTER] = rec[MASTER];
		p->chip[SLAVE] = rec[SLAVE];
	}
	/* IR2's input is the slave's INT, which update_outputs() sets. */
	p->lines[MASTER] = (u8)lines & (u8)~(1U << CASCADE_IR);
	p->lines[SLAVE] = lines >> 8;
	for (unsigned int c = MASTER; c <= SLAVE; c++)
		p->chip[c].irr |= p->lines[c] & p->chip[c].elcr;
	/* From low, so an asserted INT is reported to the vLAPIC. */
	p->chip[MASTER].int_output = 0;
	update_outputs(p);
	spin_unlock(&p->lock);
}
