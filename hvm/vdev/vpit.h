/*
 * The virtual 8254 PIT of an HVM domain (ports 0x40-0x43) and the PC's
 * port 0x61 (channel 2 gate, speaker data, refresh toggle, channel 2
 * output), as Xen 4.17 keeps inside the hypervisor
 * (xen/arch/x86/emul-i8254.c, with ticks from xen/arch/x86/hvm/vpt.c).
 *
 * Time: the counters run at 1.193182 MHz on the virtual clock @now gives
 * (ns; the hypervisor passes the guest's time).  Every count is computed
 * from the clock, never accumulated, so nothing drifts.
 *
 * IRQ 0: channel 0 pulses ISA IRQ 0 through @set_irq0 (low, then high,
 * leaving the line high as Xen does).  One tick is in flight at a time:
 * the hypervisor calls vpit_ack_irq0() when the guest has accepted the
 * IRQ 0 vector (from the PIC or the IO-APIC), and ticks that fell due
 * meanwhile are delivered then, one per acknowledgement, late but none
 * lost (Xen's delay_for_missed_ticks and no_delay_for_missed_ticks; see
 * vpit.c).  The hypervisor arms a timer for vpit_next_deadline() and
 * calls vpit_expire() when it fires.
 *
 * The registers are the PIT save record (HVM_SAVE_CODE(PIT)).  Locking:
 * p->lock in every entry point, held across @set_irq0 (so pulses stay in
 * order); lock order this lock, then hvm/vdev/virq.c's.  @now is called
 * with the lock held and must take none of these.  vpit_ack_irq0() must
 * not be called from the vPIC's or vIOAPIC's callbacks.
 */
#ifndef HVM_VDEV_VPIT_H
#define HVM_VDEV_VPIT_H

#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/hvm/save.h>

#define VPIT_HZ 1193182ULL		/* 14.31818 MHz / 12 */
#define VPIT_NO_DEADLINE ((s_time_t)-1)

struct vpit {
	spinlock_t lock;
	struct hvm_hw_pit hw;		/* the PIT record; under lock */
	/* Counting state, under lock (derived; not in the record). */
	u64 load_tick[3];		/* PIT clock at which counting began */
	u64 frozen[3];			/* clocks counted when the gate fell */
	bool counting[3];		/* a count is loaded and running */
	/* IRQ 0, under lock. */
	bool irq0_armed;		/* channel 0 will tick (again) */
	bool irq0_periodic;
	u64 irq0_period;		/* PIT clocks between ticks */
	u64 irq0_counted;		/* ticks counted since load_tick[0] */
	u32 irq0_pending;		/* counted, not yet acknowledged */
	bool irq0_in_flight;		/* pulsed, awaiting vpit_ack_irq0() */
	/* Fixed at vpit_init(). */
	s_time_t (*now)(void *opaque);
	void (*set_irq0)(void *opaque, bool level);
	void *opaque;
};

/* Power-on state (every channel in mode 0, nothing counting), and the
 * clock and IRQ 0 callbacks. */
void vpit_init(struct vpit *p, s_time_t (*now)(void *opaque),
	       void (*set_irq0)(void *opaque, bool level), void *opaque);
void vpit_reset(struct vpit *p);

/* Port handler for 0x40-0x43 and 0x61: 1-byte accesses (others read all
 * ones, writes dropped).  0, or -ENOENT for a port that is not ours. */
int vpit_portio(void *dev, bool write, u16 port, unsigned int size,
		u32 *val);

/* When vpit_expire() should run next: virtual ns, or VPIT_NO_DEADLINE
 * (nothing counting, or a tick still awaiting its acknowledgement). */
s_time_t vpit_next_deadline(struct vpit *p);
/* The timer for the deadline fired (late is fine): count the ticks due
 * and pulse IRQ 0 if none is in flight. */
void vpit_expire(struct vpit *p);
/* The guest accepted the IRQ 0 interrupt: the next due tick goes out. */
void vpit_ack_irq0(struct vpit *p);
/* The tick in flight may have met a mask (an IO-APIC drops a masked
 * edge): if one is in flight, pulse IRQ 0 again.  Nothing is counted. */
void vpit_irq0_resend(struct vpit *p);

/*
 * Save images (HVM_SAVE_CODE(PIT)).
 *  - vpit_save(): the record.
 *  - vpit_check(): why @rec holds what the 8254 cannot, or NULL.  Pure.
 *  - vpit_restore(): the registers from @rec (checked), and every channel
 *    that was counting starts its count again now (Xen's pit_load()), so
 *    IRQ 0 ticks from now on at the loaded rate, none in flight.  The
 *    caller re-arms its timer (vpit_next_deadline()).
 */
void vpit_save(struct vpit *p, struct hvm_hw_pit *rec);
const char *vpit_check(const struct hvm_hw_pit *rec);
void vpit_restore(struct vpit *p, const struct hvm_hw_pit *rec);

#endif
