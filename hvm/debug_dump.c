/*
 * The HVM part of the debug dump of a live vCPU or domain (debug key 'q'
 * and the stall watchdog, xen/common/dump_state.c): where a vCPU stands
 * and what its interrupt controllers hold, for a person reading a hang
 * rather than a crash (that is hvm/crash_dump.c).
 */
#include <hvm/hvm.h>
#include <hvm/platform.h>
#include <hvm/vlapic.h>
#include <xen/arch_vcpu.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>

/* Unlocked reads of a vCPU that may be running: a snapshot, not a
 * state. */
void arch_vcpu_dump(struct vcpu *v)
{
	const struct hvm_vcpu *h = v->hvm;
	unsigned int d = v->domain->domain_id;
	struct hvm_event_trace t;

	if (!h)
		return;
	hvm_ops->event_trace(v, &t);
	printk(KERN_ERR "d%u v%u: RIP %#lx RFLAGS %#lx in guest %u entries "
	       "%lu ioreq state %u %s %#lx; event at entry %#lx, last "
	       "injected %#lx (%lu entries before)\n", d, v->vcpu_id,
	       (unsigned long)READ_ONCE(h->regs.rip),
	       (unsigned long)READ_ONCE(h->regs.rflags),
	       READ_ONCE(h->in_guest), (unsigned long)READ_ONCE(h->entries),
	       READ_ONCE(h->io.state), h->io.mmio ? "mmio" : "port",
	       (unsigned long)h->io.addr, (unsigned long)t.entry,
	       (unsigned long)t.last, (unsigned long)t.last_age);
	vlapic_dump(v);
	hvm_dump_exit_history(v);
}

/* The emulated platform's interrupt state, if @d has one. */
void arch_domain_dump(struct domain *d)
{
	struct hvm_platform *p = hvm_platform(d);

	if (!p)
		return;
	printk(KERN_ERR "d%u: vPIC irr/imr/isr %02x/%02x/%02x %02x/%02x/%02x "
	       "lines %02x %02x; vPIT irq0 armed %u pending %u in flight %u; "
	       "PIT timer %s %ld us\n", d->domain_id, p->pic.chip[0].irr,
	       p->pic.chip[0].imr, p->pic.chip[0].isr, p->pic.chip[1].irr,
	       p->pic.chip[1].imr, p->pic.chip[1].isr, p->pic.lines[0],
	       p->pic.lines[1], p->pit.irq0_armed, p->pit.irq0_pending,
	       p->pit.irq0_in_flight,
	       timer_is_active(&p->pit_timer) ? "in" : "off",
	       timer_is_active(&p->pit_timer) ?
	       (long)((timer_expires(&p->pit_timer) - NOW()) / 1000) : 0L);
}
