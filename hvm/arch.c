/*
 * The arch interface common code calls (xen/include/xen/arch_vcpu.h),
 * for hardware-assisted guests: thin wrappers over the vendor ops table
 * and the p2m, so that xen/common includes no hvm/ header.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <hvm/p2m_iommu.h>
#include <hvm/platform.h>
#include <hvm/vlapic.h>
#include <hvm/x86.h>
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <public/hvm/params.h>
#include <public/sched.h>

int arch_domain_create(struct domain *d)
{
	/* Xen's hvm_domain_initialise(): a triple fault reboots the guest,
	 * as it resets a PC, unless the toolstack chose otherwise. */
	d->hvm_param[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
	if (hvm_cpu_policy_domain_init(d))
		return -ENOMEM;
	d->p2m = p2m_create(hvm_p2m_format());
	if (!d->p2m)
		return -ENOMEM;
	return hvm_platform_create(d);
}

void arch_domain_destroy_devices(struct domain *d)
{
	hvm_platform_destroy(d);
}

/* Pre: drained (arch_domain_drain_p2m() returned 0), or never filled;
 * also after a failed arch_domain_create(). */
void arch_domain_destroy(struct domain *d)
{
	arch_p2m_iommu_release(d);
	p2m_destroy(d->p2m);
	d->p2m = NULL;
	hvm_cpu_policy_domain_destroy(d);
}

/*
 * Every change below goes to the IOMMU's copy of the p2m first, where
 * there is one (hvm/p2m_iommu.h): a copy that cannot change leaves both
 * as they were, and a p2m that cannot change has the copy put back.
 */
int arch_domain_map_ram(struct domain *d, u64 gfn, mfn_t mfn,
			unsigned int order)
{
	unsigned long f = spin_lock_irqsave(&d->p2m_lock);
	struct p2m_iommu_undo u;
	int rc = p2m_iommu_set(d, gfn, mfn, order, p2m_ram_rw, &u);

	if (!rc) {
		rc = p2m_set(d->p2m, gfn, mfn, order, p2m_ram_rw, NULL);
		if (rc)
			p2m_iommu_undo(d, &u);
	}
	if (!rc)
		d->max_mapped_gfn = MAX(d->max_mapped_gfn,
					gfn + (1ULL << order) - 1);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	return rc;
}

int arch_domain_drain_p2m(struct domain *d,
			  void (*fn)(void *ctx, u64 gfn,
				     const struct p2m_entry *e),
			  void *ctx, unsigned long *budget)
{
	return d->p2m ? p2m_drain(d->p2m, fn, ctx, budget) : 0;
}

/*
 * Run-time single-page changes.  Every vCPU of the domain flushes its
 * guest TLB before it next runs guest code, and this waits until each one
 * that was in guest mode on another pCPU has left it (the IPI forces the
 * exit), as Xen's synchronous flush does: once we return, no vCPU can
 * still reach the old frame through a stale translation, so the frame may
 * be released.  Deadlock-free: a vCPU in guest mode leaves it on the IPI
 * whatever locks the caller holds, and one in the hypervisor (e.g.
 * spinning on such a lock) is not waited for - it flushes on entry.
 * Hypervisor copies do not rely on this: they hold a frame reference for
 * as long as they use a frame (arch_p2m_get_frame()).
 */
static void arch_p2m_flush(struct domain *d)
{
	u64 entries[MAX_VIRT_CPUS];
	unsigned int i, cpu = smp_processor_id();

	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		hvm_ops->flush_guest_tlb(v);
		/* Pairs with the barrier between in_guest and the entry's
		 * flush check in hvm_vcpu_run_once(). */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		entries[i] = __atomic_load_n(&v->hvm->entries, __ATOMIC_SEQ_CST);
		if (READ_ONCE(v->hvm->in_guest) && READ_ONCE(v->processor) != cpu)
			smp_send_event_check(READ_ONCE(v->processor));
	}
	for (i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		while (v && READ_ONCE(v->processor) != cpu &&
		       __atomic_load_n(&v->hvm->in_guest, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&v->hvm->entries, __ATOMIC_SEQ_CST) ==
		       entries[i])
			cpu_relax();
	}
	/* Its devices walk the same tree (hvm/p2m/p2m.c). */
	iommu_flush_domain(d);
}

/* After an entry was replaced or removed: no vCPU may still use it, then
 * its frame reference goes. */
static void arch_p2m_retire(struct domain *d, const struct p2m_entry *old)
{
	if (old->type == p2m_invalid)
		return;
	arch_p2m_flush(d);
	if (p2m_holds_frame(old->type))
		frame_put(old->mfn);
}

/* Order 0, the copy first.  Pre: the p2m lock. */
static int p2m_set_both(struct domain *d, u64 gfn, mfn_t mfn,
			enum p2m_type t, struct p2m_entry *old)
{
	struct p2m_iommu_undo u;
	int rc = p2m_iommu_set(d, gfn, mfn, 0, t, &u);

	if (!rc) {
		rc = p2m_set(d->p2m, gfn, mfn, 0, t, old);
		if (rc)
			p2m_iommu_undo(d, &u);
	}
	if (!rc)
		d->max_mapped_gfn = MAX(d->max_mapped_gfn, gfn);
	return rc;
}

static int p2m_clear_both(struct domain *d, u64 gfn, struct p2m_entry *old,
			  struct p2m_retired *tables)
{
	struct p2m_iommu_undo u;
	int rc = p2m_iommu_clear(d, gfn, &u);

	if (!rc) {
		rc = p2m_clear(d->p2m, gfn, old, tables);
		if (rc)
			p2m_iommu_undo(d, &u);
	}
	return rc;
}

int arch_p2m_set_entry(struct domain *d, u64 gfn, mfn_t mfn,
		       enum p2m_type t)
{
	struct p2m_entry old;
	unsigned long f;
	int rc;

	if (gfn > ARCH_MAX_GFN || t == p2m_invalid)
		return -EINVAL;
	f = spin_lock_irqsave(&d->p2m_lock);
	rc = p2m_set_both(d, gfn, mfn, t, &old);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	if (!rc)
		arch_p2m_retire(d, &old);
	return rc;
}

/* After a clear: the flush, the old frame's reference, then the table
 * pages the clear emptied (no vCPU can be walking them any more). */
static void arch_p2m_retire_clear(struct domain *d, const struct p2m_entry *old,
				  struct p2m_retired *tables)
{
	if (tables->nr && old->type == p2m_invalid)
		arch_p2m_flush(d);
	arch_p2m_retire(d, old);
	p2m_retired_free(tables);
}

int arch_p2m_clear_entry(struct domain *d, u64 gfn, enum p2m_type *oldt)
{
	struct p2m_entry old = { .type = p2m_invalid };
	struct p2m_retired tables = { .nr = 0 };
	unsigned long f;
	int rc = -EINVAL;

	if (gfn <= ARCH_MAX_GFN) {
		f = spin_lock_irqsave(&d->p2m_lock);
		rc = p2m_clear_both(d, gfn, &old, &tables);
		spin_unlock_irqrestore(&d->p2m_lock, f);
	}
	if (oldt)
		*oldt = old.type;
	if (!rc)
		arch_p2m_retire_clear(d, &old, &tables);
	return rc;
}

int arch_p2m_clear_entry_if(struct domain *d, u64 gfn, mfn_t mfn,
			    enum p2m_type t)
{
	struct p2m_entry old = { .type = p2m_invalid };
	struct p2m_retired tables = { .nr = 0 };
	unsigned long f;
	mfn_t cur;
	int rc = -ENOENT;

	if (gfn > ARCH_MAX_GFN)
		return -ENOENT;
	f = spin_lock_irqsave(&d->p2m_lock);
	if (p2m_get(d->p2m, gfn, &cur) == t && cur == mfn)
		rc = p2m_clear_both(d, gfn, &old, &tables);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	if (!rc)
		arch_p2m_retire_clear(d, &old, &tables);
	return rc;
}

int arch_p2m_change_type(struct domain *d, u64 gfn, enum p2m_type ot,
			 enum p2m_type nt)
{
	struct p2m_entry old = { .type = p2m_invalid };
	unsigned long f;
	mfn_t mfn;
	int rc = -EBUSY;

	/* Types that hold a frame keep the same frame; the others map
	 * none, so the change is only between like kinds. */
	if (gfn > ARCH_MAX_GFN || nt == p2m_invalid ||
	    p2m_holds_frame(ot) != p2m_holds_frame(nt))
		return -EINVAL;
	f = spin_lock_irqsave(&d->p2m_lock);
	if (p2m_get(d->p2m, gfn, &mfn) == ot) {
		/* The new entry takes a reference of its own (the p2m holds
		 * one, so it may be raised here); the old one's goes in
		 * retire. */
		if (p2m_holds_frame(nt) && !frame_get(mfn)) {
			rc = -ENOMEM;
		} else {
			rc = p2m_set_both(d, gfn, mfn, nt, &old);
			/* Not the last: the entry still holds one. */
			if (rc && p2m_holds_frame(nt))
				frame_put(mfn);
		}
	}
	spin_unlock_irqrestore(&d->p2m_lock, f);
	if (!rc)
		arch_p2m_retire(d, &old);
	return rc;
}

enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn)
{
	*mfn = INVALID_MFN;
	return d->p2m ? p2m_get(d->p2m, gfn, mfn) : p2m_invalid;
}

int arch_p2m_get_frame(struct domain *d, u64 gfn, mfn_t *mfn,
		       enum p2m_type *t)
{
	unsigned long f;
	enum p2m_type type;
	int rc = -ENOENT;

	*mfn = INVALID_MFN;
	if (!d->p2m)
		return -ENOENT;
	f = spin_lock_irqsave(&d->p2m_lock);
	type = p2m_get(d->p2m, gfn, mfn);
	if (p2m_holds_frame(type))
		rc = frame_get(*mfn) ? 0 : -ENOMEM;
	spin_unlock_irqrestore(&d->p2m_lock, f);
	if (t)
		*t = type;
	return rc;
}

paddr_t arch_p2m_iommu_root(struct domain *d, unsigned int levels)
{
	unsigned long f;
	paddr_t root;

	if (levels == 4)
		return p2m_root(d->p2m);
	f = spin_lock_irqsave(&d->p2m_lock);
	root = p2m_low_table(d->p2m);
	spin_unlock_irqrestore(&d->p2m_lock, f);
	return root;
}

void arch_p2m_iommu_writeback(bool on)
{
	p2m_set_writeback(on);
}

unsigned long arch_domain_table_pages(const struct domain *d)
{
	return d->p2m ? p2m_table_pages(d->p2m) : 0;
}

void arch_virt_init(void)
{
	hvm_init();
}

int arch_virt_cpu_up(unsigned int cpu)
{
	return hvm_cpu_up(cpu);
}

const char *arch_virt_summary(void)
{
	return hvm_summary();
}

int arch_vcpu_create(struct vcpu *v)
{
	int rc;

	v->hvm = xzalloc(struct hvm_vcpu);
	if (!v->hvm)
		return -ENOMEM;
	hvm_msr_vcpu_init(v);
	rc = vlapic_init(v);
	return rc ? rc : hvm_ops->vcpu_init(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
	if (!v->hvm)
		return;
	vlapic_destroy(v);
	if (v->hvm->vendor)
		hvm_ops->vcpu_destroy(v);
	xfree(v->hvm);
	v->hvm = NULL;
}

u64 arch_vcpu_tsc_offset(const struct vcpu *v)
{
	return v->hvm->tsc_offset;
}

void arch_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s)
{
	v->hvm->regs = s->regs;
	hvm_ops->vcpu_set_state(v, s);
	v->hvm->mode = 0;
}

void arch_vcpu_run_once(struct vcpu *v)
{
	hvm_vcpu_run_once(v);
}

void arch_vcpu_migrate(struct vcpu *v, unsigned int new_cpu)
{
	/* Its pvclock was stamped with this pCPU's TSC: restamp it there,
	 * as Xen does on every move. */
	vcpu_work_set(v, VCPU_WORK_TIME);
	vlapic_migrate_timer(v, new_cpu);
	if (!hvm_ops)
		return;
	/* Its FPU registers may still be on this pCPU only (hvm/fpu.h). */
	fpu_vcpu_migrate(v);
	if (hvm_ops->vcpu_migrate)
		hvm_ops->vcpu_migrate(v, new_cpu);
}

unsigned int arch_vcpu_cpl(struct vcpu *v)
{
	return hvm_get_cpl(v);
}

bool arch_hypercall_args(struct vcpu *v, u64 *nr, u64 a[5])
{
	const struct hvm_regs *r = &v->hvm->regs;

	if (hvm_long_mode_64(v)) {
		*nr = r->rax;
		a[0] = r->rdi, a[1] = r->rsi, a[2] = r->rdx;
		a[3] = r->r10, a[4] = r->r8;
		return false;
	}
	*nr = (u32)r->rax;
	a[0] = (u32)r->rbx, a[1] = (u32)r->rcx, a[2] = (u32)r->rdx;
	a[3] = (u32)r->rsi, a[4] = (u32)r->rdi;
	return true;
}

void arch_hypercall_result(struct vcpu *v, long rc, bool compat)
{
	v->hvm->regs.rax = compat ? (u32)rc : (u64)rc;
}

void arch_hypercall_set_args(struct vcpu *v, const u64 a[5], bool compat)
{
	struct hvm_regs *r = &v->hvm->regs;

	if (!compat) {
		r->rdi = a[0], r->rsi = a[1], r->rdx = a[2];
		r->r10 = a[3], r->r8 = a[4];
		return;
	}
	/* 32-bit registers: the upper halves are the guest's own. */
	r->rbx = (u32)a[0], r->rcx = (u32)a[1], r->rdx = (u32)a[2];
	r->rsi = (u32)a[3], r->rdi = (u32)a[4];
}

void arch_vcpu_send_nmi(struct vcpu *v)
{
	vlapic_send_nmi(v);
}

/* Xen's hvm_assert_evtchn_irq(): with a per-vCPU upcall vector, each new
 * upcall (evtchn_upcall_pending going 0 -> 1) is a fixed interrupt in the
 * vLAPIC, which the guest EOIs. */
void arch_evtchn_upcall(struct vcpu *v)
{
	u8 vec = READ_ONCE(v->hvm->evtchn_upcall_vector);

	if (vec)
		vlapic_set_irq(v, vec);
}
