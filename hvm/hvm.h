/*
 * Hardware-assisted virtualization: the vendor-neutral interface.  One ops
 * table, chosen once at boot by hvm_init(), is implemented by hvm/svm/ and
 * hvm/vmx/.  xen/ code calls only the functions below.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include <xen/types.h>
#include <hvm/vcpu.h>
#include <xen/sched.h>

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
	 * May set v->hvm->mode (HVM_MODE_* | HVM_MODE_KNOWN) at the exit
	 * when that is cheap; it is 0 (ask guest_mode()) otherwise.
	 */
	void (*vcpu_run)(struct vcpu *v, struct hvm_exit *exit);
	/* @v will next run on a different pCPU (VMX: VMCLEAR + reload). */
	void (*vcpu_migrate)(struct vcpu *v, unsigned int new_cpu);
	void (*get_seg)(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s);
	/* HVM_MODE_* of the guest now, cheaply: every hypercall asks. */
	unsigned int (*guest_mode)(struct vcpu *v);
	/* CR0, CR2, CR3, CR4 as the guest sees them; EFER likewise. */
	u64 (*get_cr)(struct vcpu *v, unsigned int cr);
	u64 (*get_efer)(struct vcpu *v);
	/*
	 * CR2, the debug registers and the event queued for the next entry
	 * (struct hvm_aux_state), for save images (hvm/save_vcpu.c).  Pre:
	 * @v is not running.  set_aux_state() takes values already checked
	 * (hvm/save.c) and replaces any queued or deferred event; call it
	 * after vcpu_set_state(), which resets them.
	 */
	void (*get_aux_state)(struct vcpu *v, struct hvm_aux_state *a);
	void (*set_aux_state)(struct vcpu *v, const struct hvm_aux_state *a);
	/* The events of the last entry and exit (crash reports). */
	void (*event_trace)(struct vcpu *v, struct hvm_event_trace *t);
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
	/* Could inject_interrupt() queue one now (RFLAGS.IF, no interrupt
	 * shadow, no event queued)?  When not, the interrupt window is armed
	 * as by a refused inject_interrupt().  For an ExtINT, whose INTA
	 * cycle must run only once the vector will be injected. */
	bool (*interrupt_ready)(struct vcpu *v);
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

/* guest_mode(): the CPL (SS.DPL, 0 in real mode) in bits 0-1, and: */
#define HVM_MODE_CPL_MASK 3U
#define HVM_MODE_64 (1U << 2)	/* EFER.LMA and CS.L: 64-bit code */
#define HVM_MODE_KNOWN (1U << 3) /* v->hvm->mode: filled since the exit */

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
/*
 * The single generic exit dispatcher (hvm/exit.c): handles @exit and acts
 * on the disposition, the only place RIP moves past an instruction.
 * Returns the disposition (for tests and logs).
 */
enum hvm_disposition hvm_handle_exit(struct vcpu *v,
				     const struct hvm_exit *exit);
/* Log what explains a triple fault of @v: modes, descriptor tables, the
 * events around @exit and the walk to its IDT (hvm/crash_dump.c). */
void hvm_dump_triple_fault(struct vcpu *v, const struct hvm_exit *exit);
/* The last exits of @v, oldest first, one KERN_ERR line each. */
void hvm_dump_exit_history(struct vcpu *v);
/* Entry path, VCPU_WORK_IO: finish the instruction whose I/O a device
 * model answered (IN: the value into RAX; RIP past it).  Pre: @v is this
 * pCPU's current vCPU, before entry. */
void hvm_io_finish(struct vcpu *v);
/*
 * The guest's mode (HVM_MODE_*), asked of the vendor at most once per
 * exit: a hypercall wants the CPL, the argument convention and, at a high
 * RIP, whether EIP wraps.  Nothing but the guest (while it runs) and a
 * state load changes it, and both reset v->hvm->mode.
 */
unsigned int hvm_guest_mode_fill(struct vcpu *v);
static inline unsigned int hvm_guest_mode(struct vcpu *v)
{
	unsigned int mode = v->hvm->mode;

	return mode ? mode : hvm_guest_mode_fill(v);
}
/* HVM_EXIT_NPF by the p2m type of the address (hvm/npf.c). */
enum hvm_disposition hvm_nested_page_fault(struct vcpu *v,
					   const struct hvm_exit *e);
/* Guest CPL (SS.DPL; 0 in real mode). */
static inline unsigned int hvm_get_cpl(struct vcpu *v)
{
	return hvm_guest_mode(v) & HVM_MODE_CPL_MASK;
}
/* Long mode with a 64-bit code segment (hypercall argument convention). */
static inline bool hvm_long_mode_64(struct vcpu *v)
{
	return hvm_guest_mode(v) & HVM_MODE_64;
}

/* Per-domain policies (hvm/cpuid.c, hvm/msr.c, hvm/io.c). */
void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c,
	       u32 *d);
/* 0, or -EINVAL: the caller injects #GP(0). */
int hvm_msr_read(struct vcpu *v, u32 msr, u64 *val);
int hvm_msr_write(struct vcpu *v, u32 msr, u64 val);
void hvm_msr_vcpu_init(struct vcpu *v);
/* Set the guest TSC offset, leaving TSC_ADJUST alone (a restore). */
void hvm_msr_set_tsc_offset(struct vcpu *v, u64 offset);
/* Port I/O: @val in/out, low @size bytes.  HVM_DONE (an IN's value is
 * in *val) or HVM_WAIT_IO (hvm_ioreq_wait() was called). */
/* Guest linear -> guest physical for @v as it is now (guest_walk_ad()
 * with @pfec: PFEC_write, PFEC_insn, PFEC_implicit), setting accessed and
 * dirty bits as the CPU does.  0, or -EFAULT with *@fault_pfec (the
 * architectural error code plus PFEC_bad_gpa / PFEC_noncanon). */
int hvm_translate_linear(struct vcpu *v, u64 gla, unsigned int pfec,
			 u64 *gpa, unsigned int *fault_pfec);
/*
 * Emulate the instruction at @v's CS:RIP (hvm/emulate_glue.c): an access
 * to MMIO (hvm/npf.c) or a string port I/O (hvm/exit.c).  The emulator
 * moves RIP itself, so success is HVM_RETRY (the guest goes on from the
 * new RIP); HVM_INJECT, HVM_WAIT_IO (a device model has an access) or
 * HVM_CRASH otherwise.
 */
enum hvm_disposition hvm_emulate_insn(struct vcpu *v);
/* The entry path: a device model answered an emulated access; run the
 * instruction again with the answer (hvm_io_finish()). */
void hvm_emulate_answered(struct vcpu *v, const struct hvm_ioreq *req);
/* An MMIO access of @size (1, 2, 4 or 8, within one page) at @gpa,
 * which is not RAM: an in-hypervisor device's, or nobody's (reads all
 * ones).  0, or -errno once the domain was crashed (hvm/mmio.c). */
int hvm_mmio_access(struct vcpu *v, u64 gpa, unsigned int size, bool write,
		    u64 *val);
/* Does an in-hypervisor device claim @gpa? */
bool hvm_mmio_claimed(struct vcpu *v, u64 gpa);
enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val);
/* Does hvm_portio() handle such an access in the hypervisor (the debug
 * port, an in-hypervisor device), rather than offer it to the ioreq
 * servers? */
bool hvm_port_internal(struct vcpu *v, u16 port, unsigned int size, bool in);

/*
 * Device-model requests, the vCPU side (hvm/ioreq.c).  hvm_ioreq_wait():
 * record @req as @v's outstanding access and block @v until it is
 * answered; the caller returns HVM_WAIT_IO.  Pre: @v is current, in its
 * exit handler, with no request outstanding.  hvm_io_complete(): the
 * answer (@data for an IN; ignored for an OUT), from any pCPU; wakes @v.
 * 0, or -EINVAL when @v waits for nothing (a confused device model).
 */
void hvm_ioreq_wait(struct vcpu *v, const struct hvm_ioreq *req);
int hvm_io_complete(struct vcpu *v, u64 data);
/* The entry path's side: true once with *req for an answered request. */
bool hvm_ioreq_take_answer(struct vcpu *v, struct hvm_ioreq *req);

/* The format the p2m must emit for this vendor (P2M_NPT or P2M_EPT). */
int hvm_p2m_format(void);

/* Append @item to the comma-separated list in @buf (always terminated). */
void hvm_list_add(char *buf, size_t len, const char *item);

#endif
