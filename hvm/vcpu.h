/*
 * The vendor-neutral vCPU: registers, the decoded VM exit, and the boot
 * state a vCPU can be started in.  Common code (hvm/exit.c, cpuid.c,
 * msr.c, io.c, resume.c) works only on these; hvm/svm/ and hvm/vmx/ copy
 * between them and the VMCB/VMCS around each entry and exit.
 */
#ifndef HVM_VCPU_H
#define HVM_VCPU_H

/* Offsets of struct hvm_regs, for the vendors' entry.S. */
#define HVM_REG_RAX 0x00
#define HVM_REG_RBX 0x08
#define HVM_REG_RCX 0x10
#define HVM_REG_RDX 0x18
#define HVM_REG_RSI 0x20
#define HVM_REG_RDI 0x28
#define HVM_REG_RBP 0x30
#define HVM_REG_R8 0x38
#define HVM_REG_R9 0x40
#define HVM_REG_R10 0x48
#define HVM_REG_R11 0x50
#define HVM_REG_R12 0x58
#define HVM_REG_R13 0x60
#define HVM_REG_R14 0x68
#define HVM_REG_R15 0x70
#define HVM_REG_RSP 0x78
#define HVM_REG_RIP 0x80
#define HVM_REG_RFLAGS 0x88

#ifdef __ASSEMBLY__
/*
 * The guest GPRs both vendors' entry.S move between struct hvm_regs (at
 * %rdi) and the CPU: everything but RAX (VMCB-held on SVM), RSP, RDI (the
 * base) and RIP/RFLAGS, which each vendor handles itself.
 */
.macro HVM_LOAD_GPRS_BUT_RAX_RDI
	mov	HVM_REG_RBX(%rdi), %rbx
	mov	HVM_REG_RCX(%rdi), %rcx
	mov	HVM_REG_RDX(%rdi), %rdx
	mov	HVM_REG_RSI(%rdi), %rsi
	mov	HVM_REG_RBP(%rdi), %rbp
	mov	HVM_REG_R8(%rdi), %r8
	mov	HVM_REG_R9(%rdi), %r9
	mov	HVM_REG_R10(%rdi), %r10
	mov	HVM_REG_R11(%rdi), %r11
	mov	HVM_REG_R12(%rdi), %r12
	mov	HVM_REG_R13(%rdi), %r13
	mov	HVM_REG_R14(%rdi), %r14
	mov	HVM_REG_R15(%rdi), %r15
.endm

.macro HVM_SAVE_GPRS_BUT_RAX_RDI
	mov	%rbx, HVM_REG_RBX(%rdi)
	mov	%rcx, HVM_REG_RCX(%rdi)
	mov	%rdx, HVM_REG_RDX(%rdi)
	mov	%rsi, HVM_REG_RSI(%rdi)
	mov	%rbp, HVM_REG_RBP(%rdi)
	mov	%r8, HVM_REG_R8(%rdi)
	mov	%r9, HVM_REG_R9(%rdi)
	mov	%r10, HVM_REG_R10(%rdi)
	mov	%r11, HVM_REG_R11(%rdi)
	mov	%r12, HVM_REG_R12(%rdi)
	mov	%r13, HVM_REG_R13(%rdi)
	mov	%r14, HVM_REG_R14(%rdi)
	mov	%r15, HVM_REG_R15(%rdi)
.endm
#endif

#ifndef __ASSEMBLY__

#include <hvm/vmce.h>
#include <xen/types.h>

/*
 * Guest general registers.  RSP, RIP and RFLAGS live in the VMCB/VMCS
 * while the guest runs; the vendor copies them here after every exit and
 * back before every entry, so common code sees one coherent set.
 */
struct hvm_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rsp, rip, rflags;
};

/* General register @n as instructions encode it (SDM vol. 2 table 2-2:
 * RAX RCX RDX RBX RSP RBP RSI RDI, then R8-R15). */
static inline u64 *hvm_gpr(struct hvm_regs *r, unsigned int n)
{
	static const u8 off[16] = {
		HVM_REG_RAX, HVM_REG_RCX, HVM_REG_RDX, HVM_REG_RBX,
		HVM_REG_RSP, HVM_REG_RBP, HVM_REG_RSI, HVM_REG_RDI,
		HVM_REG_R8, HVM_REG_R9, HVM_REG_R10, HVM_REG_R11,
		HVM_REG_R12, HVM_REG_R13, HVM_REG_R14, HVM_REG_R15,
	};

	return (u64 *)((u8 *)r + off[n & 15]);
}

enum hvm_seg_reg {
	SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS,
	SEG_LDTR, SEG_TR, SEG_GDTR, SEG_IDTR, NR_SEGS
};

/*
 * A segment register.  @attr uses the VMCB's packed form (APM vol.2
 * 15.5.1): bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G.
 * VMX converts to and from its access-rights format; an unusable VMX
 * segment is attr 0.
 */
struct hvm_seg {
	u16 sel;
	u16 attr;
	u32 limit;
	u64 base;
};

/* Everything needed to start (or restart) a vCPU in a defined state:
 * PVH 32-bit entry, a real-mode reset vector, later INIT/SIPI. */
struct hvm_boot_state {
	struct hvm_regs regs;
	u64 cr0, cr3, cr4, efer;
	struct hvm_seg seg[NR_SEGS];
};

/*
 * The rest of a vCPU's register state, beyond struct hvm_boot_state: what
 * a save image's CPU record also carries (public/arch-x86/hvm/save.h).
 * @event uses the layout both vendors share for event injection and Xen
 * uses in struct hvm_hw_cpu's pending_event (SDM vol. 3 24.8.3, APM vol. 2
 * 15.20): vector in 7:0, type in 10:8, error code valid in 11, valid in 31.
 */
struct hvm_aux_state {
	u64 cr2;
	u64 dr[4], dr6, dr7;
	u32 event;		/* 0: none */
	u32 error;		/* its error code, if bit 11 */
};

/*
 * The events around a vCPU's last exit, for crash reports (hvm/exit.c):
 * raw vendor words (SVM EVENTINJ/EXITINTINFO with the error code in bits
 * 63:32; VMX interruption information, error code apart), both with the
 * vector in 7:0, the type in 10:8 and valid in bit 31.
 */
struct hvm_event_trace {
	u64 entry;		/* injected at the last entry; 0: none */
	u64 exit;		/* whose delivery the last exit cut short */
	u64 last;		/* the last one injected at any entry */
	u64 last_age;		/* entries since @last (0: at the last one) */
};

/*
 * 16-bit real mode at @cs_sel:@ip (CS base = @cs_sel << 4), the state of
 * a reset or a SIPI (SDM vol.3 table 10-1; Xen's hvm_vcpu_reset_state()):
 * 64 KiB segments in the VMCB's packed attributes (0x9b code, 0x93 data,
 * 0x8b busy TSS, 0x82 LDT), CR0 = ET only (caches on, as Xen), RFLAGS 2.
 * Used for real-mode test guests and for APs started by INIT/SIPI.
 */
static inline void hvm_realmode_state(struct hvm_boot_state *st, u16 cs_sel,
				      u16 ip)
{
	static const u16 attr[NR_SEGS] = {
		[SEG_ES] = 0x93, [SEG_CS] = 0x9b, [SEG_SS] = 0x93,
		[SEG_DS] = 0x93, [SEG_FS] = 0x93, [SEG_GS] = 0x93,
		[SEG_LDTR] = 0x82, [SEG_TR] = 0x8b,
	};

	*st = (struct hvm_boot_state){ .regs.rip = ip, .regs.rflags = 0x2,
				       .cr0 = 0x10 };
	for (unsigned int r = 0; r < NR_SEGS; r++)
		st->seg[r] = (struct hvm_seg){ .attr = attr[r], .limit = 0xffff };
	st->seg[SEG_CS].sel = cs_sel;
	st->seg[SEG_CS].base = (u64)cs_sel << 4;
}

/* Why the guest stopped, decoded by the vendor into neutral terms. */
enum hvm_exit_reason {
	HVM_EXIT_NONE,		/* nothing for common code (e.g. host IRQ taken) */
	HVM_EXIT_EXTINT,	/* host interrupt: take it, then maybe reschedule */
	HVM_EXIT_NMI,
	HVM_EXIT_CPUID,
	HVM_EXIT_RDMSR,
	HVM_EXIT_WRMSR,
	HVM_EXIT_IO,		/* port I/O (not string forms: see io.string) */
	HVM_EXIT_HLT,
	HVM_EXIT_HYPERCALL,	/* VMCALL on VMX, VMMCALL on SVM */
	HVM_EXIT_OTHER_VENDOR_HYPERCALL, /* the other vendor's instruction (#UD) */
	HVM_EXIT_NPF,		/* nested page fault / EPT violation */
	HVM_EXIT_TRIPLE_FAULT,	/* SVM shutdown, VMX triple fault */
	HVM_EXIT_INIT,		/* INIT signal */
	HVM_EXIT_EXCEPTION,	/* an intercepted guest exception */
	HVM_EXIT_RDTSC,
	HVM_EXIT_PAUSE,
	HVM_EXIT_XSETBV,
	HVM_EXIT_INVD,		/* INVD: completed as WBINVD, a no-op here */
	HVM_EXIT_HANDLED,	/* vendor mechanics done; exit.handled says how */
	HVM_EXIT_INVALID,	/* entry failed: bad guest state */
	HVM_EXIT_UNHANDLED,	/* anything else: crash the domain */
};

/*
 * What handling an exit did (hvm/exit.c).  The dispatcher acts on it in
 * one place: only HVM_DONE moves RIP, by exit.insn_len.
 */
enum hvm_disposition {
	HVM_DONE,	/* the instruction completed: RIP moves past it */
	HVM_RETRY,	/* nothing completed: the guest runs it (again) */
	HVM_INJECT,	/* an exception was queued; RIP stays for it */
	HVM_WAIT_IO,	/* a device model has the access; the vCPU waits */
	HVM_CRASH,	/* domain_crash() was called */
};

/*
 * A decoded exit.  The vendor sets reason, vendor_code and insn_len on
 * every exit (nothing else is zeroed: that costs on every exit), and the
 * union member of the reason.
 */
struct hvm_exit {
	enum hvm_exit_reason reason;
	u64 vendor_code;	/* raw exit code, for logs */
	u32 insn_len;		/* bytes to skip to complete the instruction */
	union {
		enum hvm_disposition handled;	/* HVM_EXIT_HANDLED */
		struct {
			u16 port;
			u8 size;	/* 1, 2 or 4 */
			bool in;
			bool string, rep;
		} io;
		u32 msr;		/* RDMSR/WRMSR: ECX */
		struct {
			u64 gpa;
			bool read, write, exec;
			bool present;	/* the gfn was mapped (permission fault) */
		} npf;
		struct {
			u8 vector;
			bool has_error;
			u32 error;
		} exc;
	};
};

/* The exit is an exception for the dispatcher to inject (a refused
 * instruction, or a guest exception to reflect): every field set. */
static inline void hvm_exit_exception(struct hvm_exit *e, u8 vector,
				      bool has_error, u32 error)
{
	e->reason = HVM_EXIT_EXCEPTION;
	e->exc.vector = vector;
	e->exc.has_error = has_error;
	e->exc.error = has_error ? error : 0;
}

struct vlapic;

/*
 * A port access handed to a device model (hvm/ioreq.c).  The vCPU is
 * blocked (VPF_blocked_ioreq) from HVM_WAIT_IO until hvm_io_complete();
 * its entry path then puts an IN's result in RAX and completes the
 * instruction.  MMIO requests join with the instruction emulator.
 */
enum hvm_ioreq_state {
	HVM_IOREQ_NONE,
	HVM_IOREQ_WAITING,	/* sent; the vCPU waits */
	HVM_IOREQ_COMPLETING,	/* hvm_io_complete() is storing the result */
	HVM_IOREQ_READY,	/* answered; the entry path finishes it */
};

struct hvm_ioreq {
	u64 addr;		/* the port, or the guest-physical address */
	u64 data;		/* OUT: the value; IN: the answer */
	u8 size;		/* 1, 2 or 4 (MMIO: up to 8) */
	bool in;
	/* The access came from the instruction emulator: the answer goes
	 * back to it (hvm_emulate_answered()), which completes the
	 * instruction itself; addr is a gpa when mmio. */
	bool emulated, mmio;
	u8 insn_len;		/* completes the instruction afterwards */
	u32 state;		/* enum hvm_ioreq_state; atomic */
};

/*
 * Device-model answers for the instruction being emulated: the
 * emulator's restart rule (hvm/emulate/emulate.h) runs the instruction
 * again once an answer is in, and it makes the same accesses in the same
 * order, so the n-th device-model access of the run takes the n-th
 * answer (accesses nobody claimed are kept too, answered all ones).
 * They belong to the register state they were asked in: a REP string
 * instruction that committed iterations since starts a new list.
 */
#define HVM_EMUL_ANSWERS 16	/* an element's, at most */
struct hvm_emul_access {	/* one access as it was asked */
	u64 addr;		/* port, or guest-physical address */
	u64 buf;		/* a batch's data: its RAM address, or the
				 * value a REP STOS stores */
	u32 count;		/* elements: 1, or a REP batch's */
	u8 size;
	bool in, mmio;
	bool rep, ptr, df;	/* a REP batch; buf is an address; DF */
};

struct hvm_emul_answers {
	u64 rip, rcx, rsi, rdi;		/* the state they belong to */
	unsigned int nr;		/* answers held */
	unsigned int used;		/* taken in the current run */
	struct {
		struct hvm_emul_access k;
		u64 data;
	} a[HVM_EMUL_ANSWERS];
};

#define HVM_EXIT_LOG 8

/* Per-vCPU virtualization state. */
struct hvm_vcpu {
	struct hvm_regs regs;
	void *vendor;		/* struct svm_vcpu / struct vmx_vcpu */
	/* Guest-visible MSR state kept by common code (hvm/msr.c). */
	u64 msr_pat, msr_mtrr_def, msr_mtrr_fixed[11], msr_mtrr_var[16];
	u64 msr_misc_enable, msr_spec_ctrl, msr_tsc_aux;
	u64 msr_tsc_adjust;	/* IA32_TSC_ADJUST: writes to it move tsc_offset */
	u64 tsc_offset;		/* guest TSC = host TSC + offset */
	u64 hypercall_page_msr;
	struct vmce vmce;	/* machine-check MSRs (hvm/vmce.c) */
	struct vlapic *vlapic;	/* hvm/vlapic.c */
	/* In guest mode now, and how many entries so far: what a p2m flush
	 * waits on (hvm/arch.c arch_p2m_flush()). */
	bool in_guest;
	u64 entries;
	/* The last exits (hvm/exit.c), for crash reports: what the guest did
	 * just before it died. */
	struct hvm_exit_record {
		u64 entry;		/* @entries at the exit */
		u64 code, rip, info;	/* vendor code; gpa/port/MSR/vector */
		u8 disp;		/* enum hvm_disposition */
	} exit_log[HVM_EXIT_LOG];
	unsigned int exit_log_next;
	/* HVMOP_set_evtchn_upcall_vector: the upcall goes through the
	 * vLAPIC as this fixed vector (0: use the domain's callback). */
	u8 evtchn_upcall_vector;
	/* HVM_MODE_* | HVM_MODE_KNOWN as of the last exit, 0 until asked
	 * (hvm_guest_mode()); cleared at every exit and state load. */
	unsigned int mode;
	struct hvm_ioreq io;	/* the access a device model is answering */
	struct hvm_emul_answers emul;	/* hvm/emulate_glue.c */
	/* VCPUOP_initialise: a state the vCPU loads itself before entry. */
	bool boot_state_pending;
	struct hvm_boot_state boot_state;
};

#endif /* __ASSEMBLY__ */
#endif
