/*
 * The emulated PC platform's life, its port and MMIO handlers and the
 * PIT's timer (hvm/platform.h; the routing is hvm/platform_intr.c).
 *
 * A domain gets one when its emulation_flags name the PIC, the PIT or the
 * IO-APIC; it holds all three devices and their wiring, and each device's
 * handler claims accesses only when its own flag is set, as Xen's
 * has_vpic()/has_vpit()/has_vioapic() gate them.  The IO-APIC is the
 * version Xen 4.17 gives HVM guests (0x11, 48 pins) and claims Xen's 256
 * bytes at its base (VIOAPIC_MEM_LENGTH); the rest of that page goes to
 * the device models, as in Xen.
 *
 * The PIT's timer.  Channel 0's next tick is vpit_next_deadline() on the
 * guest's clock (Xen system time, the pvclock's base).  One Xen timer is
 * armed for it on vCPU 0's pCPU (where its ticks are taken, so expiry and
 * delivery stay local; it follows vCPU 0 at every arming, as the vLAPIC
 * timer does) after anything that can move the deadline: a write to the
 * PIT's ports, an expiry, a tick taken.  While a tick is in flight there
 * is no deadline and the timer stays idle (hvm/vdev/vpit.h).
 */
#include <hvm/platform.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <public/xen.h>

#define PLATFORM_EMU (XEN_X86_EMU_PIC | XEN_X86_EMU_PIT | XEN_X86_EMU_IOAPIC)
#define IOAPIC_IOWIN 0x10		/* 82093AA 3.0: the data window */

/* ---- The PIT's clock, IRQ 0 and timer ---- */

static s_time_t pit_now(void *opaque)
{
	return NOW();
}

/* Pre: the vPIT's lock (its output); takes virq's, then the PIC's and
 * IO-APIC's. */
static void pit_set_irq0(void *opaque, bool level)
{
	struct hvm_platform *p = opaque;

	virq_set_isa_irq_level(&p->irq, 0, level);
}

void hvm_platform_pit_arm(struct hvm_platform *p)
{
	struct vcpu *bsp = p->domain->vcpu[0];
	s_time_t deadline;

	spin_lock(&p->timer_lock);
	deadline = vpit_next_deadline(&p->pit);
	if (deadline == VPIT_NO_DEADLINE) {
		stop_timer(&p->pit_timer);
	} else {
		if (bsp)
			migrate_timer(&p->pit_timer, READ_ONCE(bsp->processor));
		set_timer(&p->pit_timer, deadline);
	}
	spin_unlock(&p->timer_lock);
}

/* On the timer's pCPU, no lock held.  A late run is fine: vpit_expire()
 * counts every tick due by now. */
static void pit_timer_fn(void *data)
{
	struct hvm_platform *p = data;

	vpit_expire(&p->pit);
	hvm_platform_pit_arm(p);
}

/* ---- Life ---- */

int hvm_platform_create(struct domain *d)
{
	struct hvm_platform *p;

	if (!(d->emulation_flags & PLATFORM_EMU))
		return 0;
	p = xzalloc(struct hvm_platform);
	if (!p)
		return -ENOMEM;
	p->domain = d;
	p->emu = d->emulation_flags;
	vpic_init(&p->pic, hvm_platform_pic_intr, p);
	vioapic_init(&p->ioapic, VIOAPIC_VERSION_82093AA,
		     hvm_platform_ioapic_deliver, p);
	virq_init(&p->irq, &p->pic, &p->ioapic);
	vpit_init(&p->pit, pit_now, pit_set_irq0, p);
	spin_lock_init(&p->timer_lock);
	init_timer(&p->pit_timer, pit_timer_fn, p, 0);
	d->virq = &p->irq;
	return 0;
}

void hvm_platform_destroy(struct domain *d)
{
	struct hvm_platform *p = hvm_platform(d);

	if (!p)
		return;
	/* Waits for a running pit_timer_fn(); its re-arming is ignored. */
	kill_timer(&p->pit_timer);
	d->virq = NULL;
	xfree(p);
}

/* ---- Port handlers (hvm/io.c) ---- */

static struct hvm_platform *platform_with(struct vcpu *v, u32 emu)
{
	struct hvm_platform *p = hvm_platform(v->domain);

	return p && (p->emu & emu) ? p : NULL;
}

static bool pic_claims(struct vcpu *v, u16 port, unsigned int size)
{
	switch (port) {
	case 0x20: case 0x21: case 0xa0: case 0xa1: case 0x4d0: case 0x4d1:
		return platform_with(v, XEN_X86_EMU_PIC);
	}
	return false;
}

static int pic_access(struct vcpu *v, u16 port, unsigned int size, bool in,
		      u32 *val)
{
	struct hvm_platform *p = hvm_platform(v->domain);
	int rc = vpic_portio(&p->pic, !in, port, size, val);

	/* A write to the data port may be OCW1 (the mask register). */
	if (!rc && !in && (port == 0x21 || port == 0xa1))
		hvm_platform_irq0_unmask(p);
	return rc;
}

const struct hvm_port_ops hvm_platform_pic_ops = {
	.name = "vPIC",
	.claims = pic_claims,
	.access = pic_access,
};

static bool pit_claims(struct vcpu *v, u16 port, unsigned int size)
{
	if ((port >= 0x40 && port <= 0x43) || port == 0x61)
		return platform_with(v, XEN_X86_EMU_PIT);
	return false;
}

static int pit_access(struct vcpu *v, u16 port, unsigned int size, bool in,
		      u32 *val)
{
	struct hvm_platform *p = hvm_platform(v->domain);
	int rc = vpit_portio(&p->pit, !in, port, size, val);

	if (!rc && !in)
		hvm_platform_pit_arm(p);
	return rc;
}

const struct hvm_port_ops hvm_platform_pit_ops = {
	.name = "vPIT",
	.claims = pit_claims,
	.access = pit_access,
};

/* ---- The IO-APIC's MMIO (hvm/mmio.c) ---- */

/* The offset of @gpa in the IO-APIC's window, or -1. */
static long ioapic_offset(struct hvm_platform *p, u64 gpa)
{
	u64 base = READ_ONCE(p->ioapic.hw.base_address);

	return gpa - base < VIOAPIC_MMIO_SIZE ? (long)(gpa - base) : -1;
}

static bool ioapic_claims(struct vcpu *v, u64 gpa)
{
	struct hvm_platform *p = platform_with(v, XEN_X86_EMU_IOAPIC);

	return p && ioapic_offset(p, gpa) >= 0;
}

static int ioapic_read(struct vcpu *v, u64 gpa, unsigned int size, u64 *val)
{
	struct hvm_platform *p = hvm_platform(v->domain);

	*val = vioapic_mmio_read(&p->ioapic, ioapic_offset(p, gpa), size);
	if (size < 8)
		*val &= (1ULL << (size * 8)) - 1;
	return 0;
}

static int ioapic_write(struct vcpu *v, u64 gpa, unsigned int size, u64 val)
{
	struct hvm_platform *p = hvm_platform(v->domain);

	long off = ioapic_offset(p, gpa);

	vioapic_mmio_write(&p->ioapic, off, size, val);
	/* A write to IOWIN may have unmasked a redirection entry. */
	if (off == IOAPIC_IOWIN)
		hvm_platform_irq0_unmask(p);
	return 0;
}

const struct hvm_mmio_ops hvm_platform_ioapic_ops = {
	.name = "vIOAPIC",
	.claims = ioapic_claims,
	.read = ioapic_read,
	.write = ioapic_write,
};
