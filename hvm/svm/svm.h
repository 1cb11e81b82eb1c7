/*
 * AMD SVM: what hvm/svm/ code shares internally.  Only hvm/svm/ includes
 * this header (docs/architecture.md "Layering": only svm/ sees the VMCB).
 */
#ifndef HVM_SVM_SVM_H
#define HVM_SVM_SVM_H

#include <xen/types.h>
#include <hvm/vcpu.h>
#include <xen/sched.h>

/* CPUID Fn8000_000A EDX: SVM feature identification (APM vol. 3 E.4.9). */
#define SVM_FEAT_NP		(1U << 0)	/* nested paging */
#define SVM_FEAT_LBRV		(1U << 1)	/* LBR virtualization */
#define SVM_FEAT_SVML		(1U << 2)	/* SVM lock */
#define SVM_FEAT_NRIPS		(1U << 3)	/* next-RIP saved on #VMEXIT */
#define SVM_FEAT_TSCRATE	(1U << 4)	/* TSC ratio MSR */
#define SVM_FEAT_VMCBCLEAN	(1U << 5)	/* VMCB clean bits */
#define SVM_FEAT_FLUSHASID	(1U << 6)	/* flush by ASID */
#define SVM_FEAT_DECODE		(1U << 7)	/* decode assists */
#define SVM_FEAT_PAUSEFILTER	(1U << 10)
#define SVM_FEAT_PFTHRESHOLD	(1U << 12)
#define SVM_FEAT_AVIC		(1U << 13)
#define SVM_FEAT_VMSAVEVIRT	(1U << 15)	/* virtual VMSAVE/VMLOAD */
#define SVM_FEAT_VGIF		(1U << 16)

/* What the boot CPU offers; every other CPU must offer the same. */
struct svm_caps {
	u32 revision;		/* Fn8000_000A EAX[7:0] */
	u32 nr_asids;		/* Fn8000_000A EBX; ASID 0 is the host's */
	u32 features;		/* Fn8000_000A EDX, SVM_FEAT_* */
};

extern struct svm_caps svm_caps;

static inline bool svm_has(u32 feat)
{
	return (svm_caps.features & feat) == feat;
}

struct vcpu;

/*
 * Per pCPU: a page VMSAVE/VMLOAD keep the host's FS/GS/TR/LDTR/syscall
 * MSRs in while a guest runs (entry.S).  Set by svm_cpu_up().
 */
extern void *svm_host_save[];

/* entry.S: enter the guest and return at #VMEXIT (contract there). */
void svm_vmrun(struct hvm_regs *regs, paddr_t vmcb_pa, paddr_t host_save_pa);

/* vcpu.c: once at probe: the shared I/O and MSR permission maps. */
int svm_vcpu_setup(void);

struct vmcb;

/* vcpu.c: @v's VMCB (one page, identity-mapped). */
struct vmcb *svm_vmcb(struct vcpu *v);

/* state.c: where the guest's RIP points, and the length of the
 * instruction there, 0f @op2 [ModRM] (0: not that instruction). */
u64 svm_rip_linear(const struct vmcb *vmcb);
unsigned int svm_insn_len(struct vcpu *v, const struct vmcb *vmcb, u8 op2,
			  unsigned int *modrm);
/* state.c: the selective CR0 and the CR4 write intercepts, handled. */
void svm_exit_cr_write(struct vcpu *v, struct vmcb *vmcb, unsigned int cr,
		       struct hvm_exit *e);

/* vcpu.c and state.c: the vCPU half of the ops table (hvm/hvm.h
 * documents each). */
int svm_vcpu_init(struct vcpu *v);
void svm_vcpu_destroy(struct vcpu *v);
void svm_vcpu_set_state(struct vcpu *v, const struct hvm_boot_state *s);
void svm_vcpu_run(struct vcpu *v, struct hvm_exit *exit);
void svm_vcpu_migrate(struct vcpu *v, unsigned int new_cpu);
void svm_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s);
u64 svm_get_cr(struct vcpu *v, unsigned int cr);
unsigned int svm_guest_mode(struct vcpu *v);
u64 svm_get_efer(struct vcpu *v);
void svm_get_aux_state(struct vcpu *v, struct hvm_aux_state *a);
void svm_set_aux_state(struct vcpu *v, const struct hvm_aux_state *a);
void svm_event_trace(struct vcpu *v, struct hvm_event_trace *t);
int svm_msr_read(struct vcpu *v, u32 msr, u64 *val);
int svm_msr_write(struct vcpu *v, u32 msr, u64 val);
void svm_inject_exception(struct vcpu *v, u8 vector, bool has_error,
			  u32 error);
bool svm_inject_interrupt(struct vcpu *v, u8 vector);
bool svm_interrupt_ready(struct vcpu *v);
void svm_set_tsc_offset(struct vcpu *v, u64 offset);
void svm_flush_guest_tlb(struct vcpu *v);

struct fpu_state;
struct vmcb;

/* Per-vCPU SVM state (v->hvm->vendor). */
struct svm_vcpu {
	struct vmcb *vmcb;		/* one page, identity-mapped: its PA */
	struct fpu_state *fpu;		/* hvm/fpu.c */
	u64 pending_event;		/* for the next entry (event.c); 0: none */
	u64 deferred_event;		/* interrupt displaced by an exception */
	u64 exit_rip;			/* guest RIP at the last exit */
	u64 asid_gen;			/* svm_asid[asid_cpu].gen at assignment */
	unsigned int asid_cpu;		/* pCPU the ASID is valid on */
	unsigned int dr_cpu;		/* pCPU that last loaded dr[] */
	bool dr_owned;			/* DR0-3 accesses run natively */
	u64 id;				/* unique, for svm_dr_loaded[] */
	u64 dr[4];			/* guest DR0-3 (not in the VMCB) */
	bool flush_tlb;			/* flush_guest_tlb(): any pCPU writes */
	bool triple_fault;		/* exception while delivering #DF */
	bool want_window;		/* the next entry opens a window */
	u8 vintr_use;			/* SVM_VINTR_*: what V_IRQ carries now */
	/* For svm_event_trace(): the last event injected and at which of
	 * the vCPU's entries (struct hvm_vcpu's count). */
	u64 last_event, last_event_entry;
};

static inline struct svm_vcpu *svm_of(struct vcpu *v)
{
	return v->hvm->vendor;
}

/* event.c: the pending event and window into the VMCB before entry, and
 * what is still to deliver after an exit. */
void svm_event_to_vmcb(struct vcpu *v, struct svm_vcpu *sv,
		       struct vmcb *vmcb);
void svm_event_from_vmcb(struct svm_vcpu *sv, struct vmcb *vmcb);

#endif
