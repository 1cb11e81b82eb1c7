/*
 * Intel VMX: what hvm/vmx/ code shares internally.  Only hvm/vmx/ includes
 * this header (docs/architecture.md "Layering": only vmx/ sees the VMCS).  The capability
 * MSRs' numbers are in asm/msr-index.h, their bits here (Intel SDM vol. 3
 * appendix A); section numbers follow the SDM edition where VMX is
 * chapters 23-33.
 */
#ifndef HVM_VMX_VMX_H
#define HVM_VMX_VMX_H

#include <xen/types.h>
#include <hvm/vcpu.h>

/* IA32_VMX_BASIC (appendix A.1). */
#define VMX_BASIC_REVISION(b)		((u32)(b) & 0x7fffffff)
#define VMX_BASIC_VMCS_SIZE(b)		((u32)((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDR		(1ULL << 48)
#define VMX_BASIC_MEMTYPE(b)		((u32)((b) >> 50) & 0xf)
#define VMX_BASIC_TRUE_CTLS		(1ULL << 55)
#define VMX_MEMTYPE_WB			6

/* Control MSRs hold allowed-0 settings low, allowed-1 settings high
 * (appendix A.3-A.5): a control may be 1 iff its high-dword bit is. */
#define VMX_ALLOWED1(msr, bit)		(!!(((msr) >> 32) & (bit)))

/* Pin-based controls (SDM vol. 3 24.6.1). */
#define VMX_PIN_PREEMPT_TIMER		(1U << 6)
#define VMX_PIN_POSTED_INTR		(1U << 7)
/* Primary processor-based controls (24.6.2). */
#define VMX_PROC_MSR_BITMAP		(1U << 28)
#define VMX_PROC_SECONDARY		(1U << 31)
/* Secondary processor-based controls (24.6.2). */
#define VMX_PROC2_VIRT_APIC		(1U << 0)
#define VMX_PROC2_EPT			(1U << 1)
#define VMX_PROC2_RDTSCP		(1U << 3)
#define VMX_PROC2_VPID			(1U << 5)
#define VMX_PROC2_WBINVD		(1U << 6)
#define VMX_PROC2_UNRESTRICTED		(1U << 7)
#define VMX_PROC2_APIC_REG_VIRT		(1U << 8)
#define VMX_PROC2_VINTR_DELIVERY	(1U << 9)
#define VMX_PROC2_PAUSE_LOOP		(1U << 10)
#define VMX_PROC2_INVPCID		(1U << 12)
#define VMX_PROC2_XSAVES		(1U << 20)
/* VM-exit and VM-entry controls (24.7.1, 24.8.1). */
#define VMX_EXIT_HOST_64		(1U << 9)
#define VMX_EXIT_LOAD_EFER		(1U << 21)
#define VMX_ENTRY_LOAD_EFER		(1U << 15)

/* IA32_VMX_EPT_VPID_CAP (appendix A.10). */
#define VMX_EPT_EXEC_ONLY		(1ULL << 0)
#define VMX_EPT_WALK_4			(1ULL << 6)
#define VMX_EPT_MEMTYPE_WB		(1ULL << 14)
#define VMX_EPT_2M			(1ULL << 16)
#define VMX_EPT_1G			(1ULL << 17)
#define VMX_EPT_INVEPT			(1ULL << 20)
#define VMX_EPT_AD			(1ULL << 21)
#define VMX_EPT_INVEPT_SINGLE		(1ULL << 25)
#define VMX_EPT_INVEPT_ALL		(1ULL << 26)
#define VMX_VPID_INVVPID		(1ULL << 32)
#define VMX_VPID_INVVPID_ADDR		(1ULL << 40)
#define VMX_VPID_INVVPID_SINGLE		(1ULL << 41)
#define VMX_VPID_INVVPID_ALL		(1ULL << 42)

/* What the boot CPU offers; every other CPU must offer the same. */
struct vmx_caps {
	u64 basic;
	/* Raw control MSRs; the TRUE_* ones when BASIC says they exist. */
	u64 pin, proc, proc2, exit, entry;
	u64 misc, ept_vpid;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool vpid;		/* VPID usable: control and INVVPID present */
};

extern struct vmx_caps vmx_caps;

/*
 * The execution controls every vCPU starts from (24.6-24.8), adjusted
 * to the allowed-0/allowed-1 settings of vmx_caps at probe time, and the
 * CR0/CR4 guest/host masks (24.6.6).  vcpu.c changes a few bits per vCPU
 * at run time (interrupt-window and MOV-DR exiting, IA-32e mode guest).
 */
struct vmx_ctls {
	u32 pin, proc, proc2, exit, entry;
	u64 cr0_mask, cr4_mask;
};

extern struct vmx_ctls vmx_ctls;

struct vcpu;

/* A zeroed VMXON/VMCS region stamped with the revision id (24.11.5). */
u32 *vmx_alloc_region(void);
/* Compute vmx_ctls from vmx_caps; NULL, or why VMX is unusable. */
const char *vmx_setup_controls(void);

/* The vCPU half of the ops table (vcpu.c, state.c, run.c); setup runs
 * once VMX is chosen. */
void vmx_vcpu_setup(void);
int vmx_vcpu_init(struct vcpu *v);
void vmx_vcpu_destroy(struct vcpu *v);
void vmx_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s);
void vmx_vcpu_run(struct vcpu *v, struct hvm_exit *exit);
void vmx_vcpu_migrate(struct vcpu *v, unsigned int new_cpu);
void vmx_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s);
u64 vmx_get_cr(struct vcpu *v, unsigned int cr);
unsigned int vmx_guest_mode(struct vcpu *v);
u64 vmx_get_efer(struct vcpu *v);
void vmx_get_aux_state(struct vcpu *v, struct hvm_aux_state *a);
void vmx_set_aux_state(struct vcpu *v, const struct hvm_aux_state *a);
void vmx_event_trace(struct vcpu *v, struct hvm_event_trace *t);
int vmx_msr_read(struct vcpu *v, u32 msr, u64 *val);
int vmx_msr_write(struct vcpu *v, u32 msr, u64 val);
void vmx_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			  u32 error);
bool vmx_inject_interrupt(struct vcpu *v, u8 vector);
bool vmx_interrupt_ready(struct vcpu *v);
void vmx_set_tsc_offset(struct vcpu *v, u64 offset);
void vmx_flush_guest_tlb(struct vcpu *v);

/* ---- vCPU internals shared by vcpu.c, state.c and run.c ---- */

struct fpu_state;

/* An event to inject (24.8.3); info 0: none. */
struct vmx_event {
	u32 info, error, len;
};

/*
 * Per-vCPU state, at v->hvm->vendor.  Used by the pCPU running the vCPU,
 * or by any pCPU while it is not running (vcpu.c's lifecycle note);
 * flush_tlb and tsc_dirty may be set from any pCPU at any time.
 */
struct vmx_vcpu {
	u32 *vmcs;			/* one page, identity-mapped: its PA */
	int active_cpu;			/* pCPU it is active on, or -1 */
	bool launched;			/* VMLAUNCH done since it became active */
	u16 vpid;			/* 0: VPID off for this vCPU */
	u32 pin, proc, entry;		/* controls as last written */
	u64 eptp;
	struct vmx_event pending;	/* for the next entry */
	struct vmx_event deferred;	/* interrupt displaced by an exception */
	bool want_window;		/* inject_interrupt() refused */
	bool triple_fault;		/* exception while delivering #DF */
	bool flush_tlb;			/* flush_guest_tlb() asked */
	bool flush_vpid;		/* we changed paging bits of CR0/CR4 */
	bool tsc_dirty;
	u64 tsc_offset;
	/* For vmx_event_trace(): last_event_entry counts in struct
	 * hvm_vcpu's entries. */
	u64 last_event, last_event_entry, exit_event;
	u64 exit_rip;			/* guest RIP at the last exit */
	u32 intr_state;			/* interruptibility at the last exit */
	/* Guest state VMX does not switch (run.c). */
	u64 cr2, dr[4], dr6;
	bool dr_owned;			/* MOV DR runs natively */
	u64 star, lstar, cstar, sfmask, kgs_base;
	struct fpu_state *fpu;		/* hvm/fpu.c */
};

#define vmx_of(v) ((struct vmx_vcpu *)(v)->hvm->vendor)

/* vcpu.c: make @v's VMCS current here for a few accesses (Pre: @v is not
 * running elsewhere; may IPI, so interrupts on unless the VMCS is known
 * to be here or nowhere); returns the flags for vmx_vmcs_exit(). */
unsigned long vmx_vmcs_enter(struct vcpu *v);
void vmx_vmcs_exit(struct vcpu *v, unsigned long flags);
/* vcpu.c: make the VMCS current for an entry on @cpu (interrupts off). */
void vmx_load_for_run(struct vcpu *v, struct vmx_vcpu *vx, unsigned int cpu);
void vmx_flush_here(struct vmx_vcpu *vx);
void vmx_set_proc(struct vmx_vcpu *vx, u32 proc);

/* state.c; Pre: the VMCS is current. */
void vmx_write_seg(enum hvm_seg_reg r, const struct hvm_seg *s);
u64 vmx_guest_cr0(void);
u64 vmx_guest_cr4(void);
void vmx_write_cr0(u64 val);
void vmx_write_cr4(u64 val);
void vmx_write_efer(struct vmx_vcpu *vx, u64 efer);
bool vmx_in_64bit(void);
int vmx_load_pdptes(struct vcpu *v);
void vmx_exit_cr(struct vcpu *v, struct vmx_vcpu *vx, struct hvm_exit *e);

/* debug.c: the rules of an intercepted #DB, pure (unit-tested). */
u64 vmx_db_dr6(u64 dr6, u64 qual);
bool vmx_db_needs_pending_bs(u64 rflags, u32 intr_state);
bool vmx_event_clears_gd(u32 info);

static inline bool vmx_has_proc2(u32 bit)
{
	return VMX_ALLOWED1(vmx_caps.proc2, bit);
}

#endif
