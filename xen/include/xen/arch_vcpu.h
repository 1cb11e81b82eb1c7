/*
 * What common code needs from the guest-type code below it
 * (docs/architecture.md "Layering" include direction: xen/common never
 * includes hvm/ or pv/ headers).
 * Implemented by hvm/arch.c on top of the vendor ops table chosen at boot.
 * Types come from <hvm/vcpu.h>, a plain data-structure header that
 * xen/include/xen/sched.h embeds in struct vcpu.
 */
#ifndef XEN_ARCH_VCPU_H
#define XEN_ARCH_VCPU_H

#include <xen/types.h>

struct domain;
struct vcpu;
struct hvm_boot_state;

/* Highest guest frame a domain can have (48-bit guest-physical space). */
#define ARCH_MAX_GFN ((1ULL << 36) - 1)

/* Nested paging for @d: created empty, RAM mapped extent by extent. */
int arch_domain_create(struct domain *d);
void arch_domain_destroy(struct domain *d);
int arch_domain_map_ram(struct domain *d, u64 gfn, mfn_t mfn,
			unsigned int order);
unsigned long arch_domain_table_pages(const struct domain *d);

/*
 * Single 4 KiB p2m changes while the domain runs: the shared_info page,
 * grant-table frames, grant mappings, ballooning.  Serialised by
 * d->p2m_lock.  Replacing or removing a translation makes every vCPU of
 * @d flush its guest TLB before it next runs guest code, and returns only
 * once none can still use the old translation (vCPUs in guest mode on
 * other pCPUs are sent an IPI and waited for; see hvm/arch.c).  May be
 * called with locks held and interrupts off.
 * Returns 0, -EINVAL (gfn beyond ARCH_MAX_GFN) or -ENOMEM.
 */
int arch_p2m_set_page(struct domain *d, u64 gfn, mfn_t mfn, bool writable);
int arch_p2m_clear_page(struct domain *d, u64 gfn);
/* 0 with *mfn (and *writable if non-NULL), or -ENOENT. */
int arch_p2m_get_page(struct domain *d, u64 gfn, mfn_t *mfn, bool *writable);

/* Hardware virtualization: pick the vendor at boot (fatal without one),
 * enable it on each CPU as it comes up, one line for the summary. */
void arch_virt_init(void);
int arch_virt_cpu_up(unsigned int cpu);
const char *arch_virt_summary(void);

/* v->hvm, VMCB/VMCS, MSR defaults, FPU area.  Returns 0 or -ENOMEM. */
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);
void arch_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s);
/* VCPUOP_initialise: the guest's start state for @v, applied by @v
 * before its first entry.  0, -EEXIST, -EFAULT or -EINVAL as Xen. */
long arch_vcpu_initialise(struct vcpu *v, u64 arg);
/* Guest TSC = host TSC + this (the pvclock's tsc_timestamp). */
u64 arch_vcpu_tsc_offset(const struct vcpu *v);
/* Enter the guest once and handle the exit (see hvm_vcpu_run_once). */
void arch_vcpu_run_once(struct vcpu *v);
/* Called on @v's old pCPU before it runs on @new_cpu. */
void arch_vcpu_migrate(struct vcpu *v, unsigned int new_cpu);

/* Hypercall ABI (docs/xen-abi.md §0): the number and five arguments by
 * the caller's mode; returns true for a 32-bit (compat) caller. */
bool arch_hypercall_args(struct vcpu *v, u64 *nr, u64 a[5]);
void arch_hypercall_result(struct vcpu *v, long rc, bool compat);
unsigned int arch_vcpu_cpl(struct vcpu *v);
/* A new event-channel upcall for @v (before it is kicked). */
void arch_evtchn_upcall(struct vcpu *v);
/* VCPUOP_send_nmi: an NMI for @v at its next entry. */
void arch_vcpu_send_nmi(struct vcpu *v);

#endif
