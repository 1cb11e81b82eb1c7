/*
 * What the log says when a vCPU triple-faults (hvm/exit.c crashes the
 * domain right after): enough of the vCPU's state to tell a guest bug
 * from a hypervisor one without a debugger.
 */
#include <hvm/hvm.h>
#include <xen/frame.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <asm/msr-index.h>

/*
 * The long-mode walk of @gla through the guest's own tables, level by
 * level: where each table is (gfn, p2m type, machine frame, that frame's
 * owner and references) and the entry read from it.  A triple fault in
 * event delivery means the IDT was unreachable; this says whether the
 * guest's tables lost the mapping or the frames under them changed.
 */
static void exit_dump_walk(struct vcpu *v, u64 gla)
{
	u64 table = hvm_ops->get_cr(v, 3) & 0x000ffffffffff000ULL;
	struct domain *d = v->domain;

	if (!(hvm_ops->get_efer(v) & EFER_LMA))
		return;
	for (unsigned int level = 4; level >= 1; level--) {
		unsigned int idx = (gla >> (12 + 9 * (level - 1))) & 511;
		struct frame_info *fi;
		struct domain *owner;
		enum p2m_type t;
		mfn_t mfn;
		u64 entry;

		t = arch_p2m_get_entry(d, table >> PAGE_SHIFT, &mfn);
		if (!p2m_holds_frame(t) || !(fi = frame_info_of(mfn))) {
			printk(KERN_ERR "d%u v%u: walk %#lx L%u: table gfn "
			       "%#lx has p2m type %u, no frame\n", d->domain_id,
			       v->vcpu_id, (unsigned long)gla, level,
			       (unsigned long)(table >> PAGE_SHIFT), t);
			return;
		}
		entry = __atomic_load_n((u64 *)(uintptr_t)((mfn << PAGE_SHIFT) +
							   idx * 8),
					__ATOMIC_RELAXED);
		owner = fi->owner;
		printk(KERN_ERR "d%u v%u: walk %#lx L%u: gfn %#lx type %u mfn "
		       "%#lx owner d%d refs %u flags %#x entry[%u] %#lx\n",
		       d->domain_id, v->vcpu_id, (unsigned long)gla, level,
		       (unsigned long)(table >> PAGE_SHIFT), t,
		       (unsigned long)mfn, owner ? (int)owner->domain_id : -1,
		       fi->count, fi->flags, idx, (unsigned long)entry);
		if (!(entry & 1) || (level > 1 && (entry & (1ULL << 7))))
			return;
		table = entry & 0x000ffffffffff000ULL;
	}
}

/* The exits before this one, oldest first (hvm/exit.c exit_record()). */
void hvm_dump_exit_history(struct vcpu *v)
{
	const struct hvm_vcpu *h = v->hvm;

	for (unsigned int i = 0; i < HVM_EXIT_LOG; i++) {
		const struct hvm_exit_record *r =
			&h->exit_log[(h->exit_log_next + i) % HVM_EXIT_LOG];

		if (!r->code && !r->rip)
			continue;
		printk(KERN_ERR "d%u v%u: exit -%lu: code %#lx at RIP %#lx info "
		       "%#lx disposition %u\n", v->domain->domain_id,
		       v->vcpu_id, (unsigned long)(h->entries - r->entry),
		       (unsigned long)r->code, (unsigned long)r->rip,
		       (unsigned long)r->info, r->disp);
	}
}

/*
 * What a triple fault needs explained: the paging and mode state, the
 * stack, the descriptor tables the delivery used, and the events around
 * the exit (struct hvm_event_trace: raw vendor words, vector in 7:0, type
 * in 10:8, valid in 31; SVM's error code in 63:32).
 */
void hvm_dump_triple_fault(struct vcpu *v, const struct hvm_exit *e)
{
	const struct hvm_regs *r = &v->hvm->regs;
	unsigned int d = v->domain->domain_id;
	struct hvm_seg cs, ss, gdtr, idtr;
	struct hvm_event_trace t;

	hvm_ops->get_seg(v, SEG_CS, &cs);
	hvm_ops->get_seg(v, SEG_SS, &ss);
	hvm_ops->get_seg(v, SEG_GDTR, &gdtr);
	hvm_ops->get_seg(v, SEG_IDTR, &idtr);
	hvm_ops->event_trace(v, &t);
	printk(KERN_ERR "d%u v%u: CR0 %#lx CR2 %#lx CR3 %#lx CR4 %#lx EFER "
	       "%#lx RSP %#lx RFLAGS %#lx\n", d, v->vcpu_id,
	       (unsigned long)hvm_ops->get_cr(v, 0),
	       (unsigned long)hvm_ops->get_cr(v, 2),
	       (unsigned long)hvm_ops->get_cr(v, 3),
	       (unsigned long)hvm_ops->get_cr(v, 4),
	       (unsigned long)hvm_ops->get_efer(v), (unsigned long)r->rsp,
	       (unsigned long)r->rflags);
	printk(KERN_ERR "d%u v%u: CS %04x attr %#x SS %04x attr %#x GDTR "
	       "%#lx+%#x IDTR %#lx+%#x\n", d, v->vcpu_id, cs.sel, cs.attr,
	       ss.sel, ss.attr, (unsigned long)gdtr.base, gdtr.limit,
	       (unsigned long)idtr.base, idtr.limit);
	printk(KERN_ERR "d%u v%u: exit %#lx; event injected at entry %#lx, "
	       "cut short by the exit %#lx, last injected %#lx (vector %u, "
	       "%lu entries before)\n", d, v->vcpu_id,
	       (unsigned long)e->vendor_code, (unsigned long)t.entry,
	       (unsigned long)t.exit, (unsigned long)t.last,
	       (unsigned int)(t.last & 0xff), (unsigned long)t.last_age);
	hvm_dump_exit_history(v);
	exit_dump_walk(v, idtr.base);
}
