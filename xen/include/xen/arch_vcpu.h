/*
 * What common code needs from the guest-type code below it (the include
 * direction of docs/architecture.md, "Layering": xen/ never includes hvm/
 * or pv/ headers, and sees a vCPU's architecture state, v->hvm, only as an
 * opaque pointer).  Implemented by hvm/arch.c on top of the vendor ops
 * table chosen at boot; the p2m part is in xen/p2m.h.
 */
#ifndef XEN_ARCH_VCPU_H
#define XEN_ARCH_VCPU_H

#include <xen/p2m.h>
#include <xen/types.h>

struct domain;
struct vcpu;
struct hvm_boot_state;

/* Nested paging for @d: created empty, RAM mapped extent by extent
 * (2^order fresh frames whose allocation references the p2m takes over),
 * drained a budget of pages at a time when the domain is torn down (each
 * entry handed to @fn, which drops what it holds), then destroyed. */
int arch_domain_create(struct domain *d);
int arch_domain_map_ram(struct domain *d, u64 gfn, mfn_t mfn,
			unsigned int order);
int arch_domain_drain_p2m(struct domain *d,
			  void (*fn)(void *ctx, u64 gfn,
				     const struct p2m_entry *e),
			  void *ctx, unsigned long *budget);
void arch_domain_destroy(struct domain *d);
unsigned long arch_domain_table_pages(const struct domain *d);
/* The emulated platform devices arch_domain_create() made from
 * d->emulation_flags go, their timers stopped: before the vCPUs they
 * deliver to are freed. */
void arch_domain_destroy_devices(struct domain *d);

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

/*
 * HVM save images (public/hvm/save.h; hvm/save.c says which records).
 * The buffers are hypervisor memory: the domctl handler copies from and to
 * the guest.  Error codes are Xen 4.17's (xen/arch/x86/domctl.c,
 * xen/arch/x86/hvm/save.c): a buffer below the size query's answer is
 * -ENOSPC; a load without a header or end marker -ENODATA.
 */
/* XEN_DOMCTL_gethvmcontext: write the domain's save image into buf (size
 * bytes); returns the image length, or -ENOSPC if size is too small;
 * buf == NULL: return the needed length.  Caller has paused the domain. */
long arch_hvm_save(struct domain *d, void *buf, size_t size);
/* XEN_DOMCTL_sethvmcontext: validate the whole image, then apply it.
 * Returns 0, -EINVAL or -ENODATA, and on error nothing changed.  Caller
 * has paused the domain. */
int arch_hvm_load(struct domain *d, const void *buf, size_t size);

/* Hypercall ABI (docs/xen-abi.md §0): the number and five arguments by
 * the caller's mode; returns true for a 32-bit (compat) caller. */
bool arch_hypercall_args(struct vcpu *v, u64 *nr, u64 a[5]);
void arch_hypercall_result(struct vcpu *v, long rc, bool compat);
/* A continuation: the (updated) arguments back into the registers. */
void arch_hypercall_set_args(struct vcpu *v, const u64 a[5], bool compat);
unsigned int arch_vcpu_cpl(struct vcpu *v);
/* The debug dump: KERN_ERR lines of @v's registers, vLAPIC and last
 * exits; of @d's emulated interrupt controllers and PIT. */
void arch_vcpu_dump(struct vcpu *v);
void arch_domain_dump(struct domain *d);
/* A new event-channel upcall for @v (before it is kicked). */
void arch_evtchn_upcall(struct vcpu *v);
/* VCPUOP_send_nmi: an NMI for @v at its next entry. */
void arch_vcpu_send_nmi(struct vcpu *v);

#endif
