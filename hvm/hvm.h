/*
 * Hardware-assisted virtualization: the vendor-neutral interface.  One ops
 * table, chosen once at boot by hvm_init(), is implemented by hvm/svm/ and
 * hvm/vmx/.  xen/ code calls only the functions below.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include <xen/types.h>
#include <hvm/vcpu.h>

struct vcpu;
struct domain;
struct x86_policy;

struct hvm_function_table {
	const char *name;			/* "SVM" or "VMX" */
	/*
	 * Per-CPU enable (EFER.SVME + host save area, or VMXON).  Pre: runs on
	 * @cpu itself, once per bring-up.  Returns 0 or -errno; cpu_error()
	 * then says why in words.
	 */
	int (*cpu_up)(unsigned int cpu);
	/* Undo cpu_up() on @cpu (runs on @cpu).  Harmless if it never ran. */
	void (*cpu_down)(unsigned int cpu);
	/* One line describing the features found, for the boot log. */
	void (*describe)(char *buf, size_t len);
	/* The few features the vendor code branches on, e.g. "EPT, VPID";
	 * the per-CPU "CPUn: VMX enabled (...)" line shows them. */
	const char *(*cpu_features)(void);
	/* Why the last cpu_up(@cpu) failed (static string). */
	const char *(*cpu_error)(unsigned int cpu);

	/*
	 * vCPU lifetime.  vcpu_init() allocates the VMCB/VMCS (v->hvm->vendor),
	 * sets the intercepts (everything Amphi emulates: CPUID, MSRs (all),
	 * I/O ports (all), HLT, VMCALL/VMMCALL, INIT, shutdown/triple fault,
	 * INTR, NMI, INVD, XSETBV where possible), an ASID/VPID, and nested
	 * paging rooted at p2m_root(v->domain->p2m).  Returns 0 or -ENOMEM.
	 */
	int (*vcpu_init)(struct vcpu *v);
	void (*vcpu_destroy)(struct vcpu *v);
	/* Load a complete architectural state (registers, CRs, EFER, segments). */
	void (*vcpu_set_state)(struct vcpu *v, const struct hvm_boot_state *s);
	/*
	 * Enter the guest on this pCPU and return at the next VM exit, with
	 * v->hvm->regs updated and the exit decoded into @exit.  Pre:
	 * interrupts off; v last ran here or vcpu_migrate was called.  Returns
	 * with interrupts still off: the caller enables them, and a host
	 * interrupt that caused the exit is then taken by the host IDT.
	 * Pending work (event injection, TLB flush) is applied on entry.
	 */
	void (*vcpu_run)(struct vcpu *v, struct hvm_exit *exit);
	/* @v will next run on a different pCPU (VMX: VMCLEAR + reload). */
	void (*vcpu_migrate)(struct vcpu *v, unsigned int new_cpu);
	void (*get_seg)(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s);
	/* CR0, CR2, CR3, CR4 as the guest sees them; EFER likewise. */
	u64 (*get_cr)(struct vcpu *v, unsigned int cr);
	u64 (*get_efer)(struct vcpu *v);
	/*
	 * MSRs held in the VMCB/VMCS: EFER, PAT, STAR, LSTAR, CSTAR, SFMASK,
	 * FS/GS/KERNEL_GS base, SYSENTER_CS/ESP/EIP, DEBUGCTL.  Return 0,
	 * -ENOENT for an MSR the vendor does not hold (common code handles
	 * it), or -EINVAL when the value is illegal (the caller injects #GP).
	 */
	int (*msr_read)(struct vcpu *v, u32 msr, u64 *val);
	int (*msr_write)(struct vcpu *v, u32 msr, u64 val);
	/* Deliver an exception at the next entry (#GP(0), #UD...). */
	void (*inject_exception)(struct vcpu *v, u8 vector, bool has_error,
				 u32 error);
	/* Deliver external interrupt @vector at the next entry if the guest
	 * can take it; returns false (nothing queued) if it cannot now. */
	bool (*inject_interrupt)(struct vcpu *v, u8 vector);
	void (*set_tsc_offset)(struct vcpu *v, u64 offset);
	/* The domain's p2m lost mappings: flush guest TLBs on next entry. */
	void (*flush_guest_tlb)(struct vcpu *v);
	/* This vendor's 3-byte hypercall instruction (VMMCALL / VMCALL). */
	u8 hypercall_insn[3];
	/* Remove from the CPUID policy what this vendor cannot let a guest
	 * run (hvm/cpu_policy.c); NULL: nothing.  Once, at boot. */
	void (*cpu_policy)(struct x86_policy *p);
};

extern const struct hvm_function_table *hvm_ops;

/* Probe the boot CPU; boot_fatal() with a clear message when neither
 * vendor's virtualization is usable. */
void hvm_init(void);
/* Enable virtualization on this CPU (called on each CPU as it comes up);
 * boot_fatal() naming the CPU and the reason if it cannot. */
int hvm_cpu_up(unsigned int cpu);
void hvm_cpu_down(unsigned int cpu);
/* Static string for the platform summary, e.g. "VMX: EPT (2M), ...". */
const char *hvm_summary(void);

/* Vendor probes: return the ops table if the CPU supports it, else NULL
 * and set *why to the reason (e.g. "disabled by firmware"). */
const struct hvm_function_table *svm_probe(const char **why);
const struct hvm_function_table *vmx_probe(const char **why);

/*
 * Run @v once on this pCPU: pending work, enter, handle the exit
 * (hvm/resume.c).  Returns without entering when a softirq is pending, so
 * the caller's loop can reschedule.  Pre: @v is this pCPU's current vCPU.
 */
void hvm_vcpu_run_once(struct vcpu *v);
/* The single generic exit dispatcher (hvm/exit.c). */
void hvm_handle_exit(struct vcpu *v, const struct hvm_exit *exit);
/* Guest CPL (SS.DPL; 0 in real mode). */
unsigned int hvm_get_cpl(struct vcpu *v);
/* Long mode with a 64-bit code segment (hypercall argument convention). */
bool hvm_long_mode_64(struct vcpu *v);
/* Advance RIP past the exiting instruction. */
void hvm_skip_insn(struct vcpu *v, const struct hvm_exit *exit);
void hvm_inject_gp0(struct vcpu *v);

void hvm_inject_ud(struct vcpu *v);

/* Per-domain policies (hvm/cpuid.c, hvm/msr.c, hvm/io.c). */
void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c,
	       u32 *d);
/* 0, or -EINVAL: the caller injects #GP(0). */
int hvm_msr_read(struct vcpu *v, u32 msr, u64 *val);
int hvm_msr_write(struct vcpu *v, u32 msr, u64 val);
void hvm_msr_vcpu_init(struct vcpu *v);
/* Port I/O: @val in/out, low @size bytes. */
void hvm_portio(struct vcpu *v, u16 port, unsigned int size, bool in,
		u32 *val);

/* The format the p2m must emit for this vendor (P2M_NPT or P2M_EPT). */
int hvm_p2m_format(void);

/* Append @item to the comma-separated list in @buf (always terminated). */
void hvm_list_add(char *buf, size_t len, const char *item);

#endif
