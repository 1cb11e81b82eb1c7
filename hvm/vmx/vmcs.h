/*
 * Intel VMX: the VMCS.  Field encodings (SDM vol. 3 appendix B), the
 * control bits Amphi sets (24.6-24.8), exit reasons (appendix C), exit
 * qualifications (27.2.1) and the VMX instructions that operate on a VMCS
 * (ch. 30), as inline wrappers.  Only hvm/vmx/ includes this header.
 */
#ifndef HVM_VMX_VMCS_H
#define HVM_VMX_VMCS_H

#ifndef __ASSEMBLY__
#include <xen/lib.h>
#include <xen/types.h>
#include <hvm/vmx/vmx.h>
#endif

/* B.1.1: 16-bit control fields. */
#define VMCS_VPID			0x0000
/* B.1.2: 16-bit guest-state fields; ES..TR are consecutive (stride 2). */
#define VMCS_GUEST_ES_SEL		0x0800
/* B.1.3: 16-bit host-state fields. */
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* B.2.1: 64-bit control fields. */
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_EPT_POINTER		0x201a
/* B.2.2: 64-bit read-only data fields. */
#define VMCS_GUEST_PHYS_ADDR		0x2400
/* B.2.3: 64-bit guest-state fields. */
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_GUEST_PDPTE0		0x280a	/* PDPTE1-3 follow, stride 2 */
/* B.2.4: 64-bit host-state fields. */
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* B.3.1: 32-bit control fields. */
#define VMCS_PIN_CONTROLS		0x4000
#define VMCS_PROC_CONTROLS		0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_PF_ERROR_MASK		0x4006
#define VMCS_PF_ERROR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CONTROLS		0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CONTROLS		0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR	0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_PROC2_CONTROLS		0x401e
#define VMCS_PLE_GAP			0x4020
#define VMCS_PLE_WINDOW			0x4022
/* B.3.2: 32-bit read-only data fields. */
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_EXIT_INTR_ERROR		0x4406
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
/* B.3.3: 32-bit guest-state fields; limits and access rights of ES..TR
 * are consecutive (stride 2), like the selectors. */
#define VMCS_GUEST_ES_LIMIT		0x4800
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_ES_AR		0x4814
#define VMCS_GUEST_CS_AR		0x4816
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_GUEST_PREEMPT_TIMER	0x482e
/* B.3.4: 32-bit host-state fields. */
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* B.4.1: natural-width control fields. */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
/* B.4.2: natural-width read-only data fields. */
#define VMCS_EXIT_QUALIFICATION		0x6400
/* B.4.3: natural-width guest-state fields; bases of ES..TR consecutive. */
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_ES_BASE		0x6806
#define VMCS_GUEST_CS_BASE		0x6808
#define VMCS_GUEST_FS_BASE		0x680e
#define VMCS_GUEST_GS_BASE		0x6810
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
/* B.4.4: natural-width host-state fields. */
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14
#define VMCS_HOST_RIP			0x6c16

/* Pin-based controls (24.6.1); vmx.h has the ones probed at boot. */
#define VMX_PIN_EXT_INTR		(1U << 0)
#define VMX_PIN_NMI			(1U << 3)
/* Primary processor-based controls (24.6.2). */
#define VMX_PROC_INTR_WINDOW		(1U << 2)
#define VMX_PROC_TSC_OFFSET		(1U << 3)
#define VMX_PROC_HLT			(1U << 7)
#define VMX_PROC_INVLPG			(1U << 9)
#define VMX_PROC_MWAIT			(1U << 10)
#define VMX_PROC_RDPMC			(1U << 11)
#define VMX_PROC_RDTSC			(1U << 12)
#define VMX_PROC_CR3_LOAD		(1U << 15)
#define VMX_PROC_CR3_STORE		(1U << 16)
#define VMX_PROC_CR8_LOAD		(1U << 19)
#define VMX_PROC_CR8_STORE		(1U << 20)
#define VMX_PROC_TPR_SHADOW		(1U << 21)
#define VMX_PROC_MOV_DR			(1U << 23)
#define VMX_PROC_UNCOND_IO		(1U << 24)
#define VMX_PROC_IO_BITMAPS		(1U << 25)
#define VMX_PROC_MONITOR		(1U << 29)
#define VMX_PROC_PAUSE			(1U << 30)
/* VM-exit controls (24.7.1). */
#define VMX_EXIT_SAVE_DEBUG		(1U << 2)
#define VMX_EXIT_ACK_INTR		(1U << 15)
#define VMX_EXIT_SAVE_PAT		(1U << 18)
#define VMX_EXIT_LOAD_PAT		(1U << 19)
#define VMX_EXIT_SAVE_EFER		(1U << 20)
/* VM-entry controls (24.8.1). */
#define VMX_ENTRY_LOAD_DEBUG		(1U << 2)
#define VMX_ENTRY_IA32E			(1U << 9)
#define VMX_ENTRY_LOAD_PAT		(1U << 14)

/* EPTP (24.6.11): memory type WB, page-walk length 4 (encoded as 3). */
#define VMX_EPTP_WB_WALK4		(6ULL | (3ULL << 3))

/* Interruption information, VM entry (24.8.3) and exit (24.9.2). */
#define VMX_INTR_VECTOR(i)		((i) & 0xff)
#define VMX_INTR_TYPE(i)		(((i) >> 8) & 7)
#define VMX_INTR_TYPE_EXT		(0U << 8)
#define VMX_INTR_TYPE_NMI		(2U << 8)
#define VMX_INTR_TYPE_HW_EXC		(3U << 8)
#define VMX_INTR_TYPE_SW_INT		(4U << 8)
#define VMX_INTR_TYPE_PRIV_SW_EXC	(5U << 8)
#define VMX_INTR_TYPE_SW_EXC		(6U << 8)
#define VMX_INTR_HAS_ERROR		(1U << 11)
#define VMX_INTR_VALID			(1U << 31)

/* Guest interruptibility state (24.4.2). */
#define VMX_INTR_BLOCK_STI		(1U << 0)
#define VMX_INTR_BLOCK_MOV_SS		(1U << 1)
#define VMX_INTR_BLOCK_NMI		(1U << 3)

/* Access rights of a guest segment (24.4.1): bit 16 = unusable. */
#define VMX_AR_L			(1U << 13)
#define VMX_AR_UNUSABLE			(1U << 16)

/* Exit reason (24.9.1): basic reason in 15:0, entry failure in bit 31. */
#define VMX_EXIT_REASON_BASIC(r)	((r) & 0xffff)
#define VMX_EXIT_REASON_ENTRY_FAIL	(1U << 31)

#ifndef __ASSEMBLY__

/* Basic exit reasons (appendix C). */
enum vmx_exit_reason {
	VMX_EXIT_EXCEPTION_NMI = 0,
	VMX_EXIT_EXT_INTR = 1,
	VMX_EXIT_TRIPLE_FAULT = 2,
	VMX_EXIT_INIT = 3,
	VMX_EXIT_SIPI = 4,
	VMX_EXIT_INTR_WINDOW = 7,
	VMX_EXIT_NMI_WINDOW = 8,
	VMX_EXIT_TASK_SWITCH = 9,
	VMX_EXIT_CPUID = 10,
	VMX_EXIT_GETSEC = 11,
	VMX_EXIT_HLT = 12,
	VMX_EXIT_INVD = 13,
	VMX_EXIT_INVLPG = 14,
	VMX_EXIT_RDPMC = 15,
	VMX_EXIT_RDTSC = 16,
	VMX_EXIT_RSM = 17,
	VMX_EXIT_VMCALL = 18,
	VMX_EXIT_VMCLEAR = 19,		/* 19-27: VMX instructions */
	VMX_EXIT_VMXON = 27,
	VMX_EXIT_CR_ACCESS = 28,
	VMX_EXIT_DR_ACCESS = 29,
	VMX_EXIT_IO = 30,
	VMX_EXIT_RDMSR = 31,
	VMX_EXIT_WRMSR = 32,
	VMX_EXIT_INVALID_STATE = 33,
	VMX_EXIT_MSR_LOADING = 34,
	VMX_EXIT_MWAIT = 36,
	VMX_EXIT_MONITOR = 39,
	VMX_EXIT_PAUSE = 40,
	VMX_EXIT_MCE_DURING_ENTRY = 41,
	VMX_EXIT_EPT_VIOLATION = 48,
	VMX_EXIT_EPT_MISCONFIG = 49,
	VMX_EXIT_INVEPT = 50,
	VMX_EXIT_RDTSCP = 51,
	VMX_EXIT_PREEMPT_TIMER = 52,
	VMX_EXIT_INVVPID = 53,
	VMX_EXIT_WBINVD = 54,
	VMX_EXIT_XSETBV = 55,
	VMX_EXIT_VMFUNC = 59,
};

#endif /* __ASSEMBLY__ */

/* Exit qualification for debug exceptions (table 27-1), and the pending
 * debug exceptions field (table 24-4): B0-B3, BD and BS sit where DR6
 * has them (17.2.3); bit 16 (RTM) never arises, RTM is not offered. */
#define VMX_DBG_B0_3			0xfULL
#define VMX_DBG_BD			(1ULL << 13)
#define VMX_DBG_BS			(1ULL << 14)
/* Exit qualification for control-register accesses (table 27-3). */
#define VMX_CR_QUAL_CR(q)		((q) & 0xf)
#define VMX_CR_QUAL_TYPE(q)		(((q) >> 4) & 3)
#define VMX_CR_TYPE_MOV_TO		0
#define VMX_CR_TYPE_MOV_FROM		1
#define VMX_CR_TYPE_CLTS		2
#define VMX_CR_TYPE_LMSW		3
#define VMX_CR_QUAL_GPR(q)		(((q) >> 8) & 0xf)
#define VMX_CR_QUAL_LMSW(q)		(((q) >> 16) & 0xffff)
/* I/O instructions (table 27-5). */
#define VMX_IO_QUAL_SIZE(q)		(((q) & 7) + 1)
#define VMX_IO_QUAL_IN			(1U << 3)
#define VMX_IO_QUAL_STRING		(1U << 4)
#define VMX_IO_QUAL_REP			(1U << 5)
#define VMX_IO_QUAL_PORT(q)		(((q) >> 16) & 0xffff)
/* EPT violations (table 27-7). */
#define VMX_EPT_QUAL_READ		(1U << 0)
#define VMX_EPT_QUAL_WRITE		(1U << 1)
#define VMX_EPT_QUAL_EXEC		(1U << 2)
#define VMX_EPT_QUAL_PERMS		(7U << 3)

/* INVEPT (30.3) and INVVPID types. */
#define VMX_INVEPT_SINGLE		1
#define VMX_INVEPT_ALL			2
#define VMX_INVVPID_SINGLE		1
#define VMX_INVVPID_ALL			2

#ifndef __ASSEMBLY__

/* VM-instruction failure: print the VM-instruction error and stop.  A
 * VMREAD/VMWRITE/VMPTRLD that fails is our bug (bad field or pointer). */
__attribute__((noreturn)) void vmx_insn_failed(const char *insn, u64 arg);

/* 30.3: CF or ZF set means VMfailInvalid / VMfailValid: SETNA catches both. */
static inline u64 vmx_vmread(u32 field)
{
	u64 val;
	u8 fail;

	asm volatile("vmread %[f], %[v]\n\tsetna %[fail]"
		     : [v] "=rm"(val), [fail] "=q"(fail)
		     : [f] "r"((u64)field) : "cc");
	if (unlikely(fail))
		vmx_insn_failed("VMREAD", field);
	return val;
}

static inline void vmx_vmwrite(u32 field, u64 val)
{
	u8 fail;

	asm volatile("vmwrite %[v], %[f]\n\tsetna %[fail]"
		     : [fail] "=q"(fail)
		     : [f] "r"((u64)field), [v] "rm"(val) : "cc");
	if (unlikely(fail))
		vmx_insn_failed("VMWRITE", field);
}

static inline void vmx_vmptrld(paddr_t pa)
{
	u8 fail;

	asm volatile("vmptrld %[pa]\n\tsetna %[fail]"
		     : [fail] "=q"(fail) : [pa] "m"(pa) : "cc", "memory");
	if (unlikely(fail))
		vmx_insn_failed("VMPTRLD", pa);
}

static inline void vmx_vmclear(paddr_t pa)
{
	u8 fail;

	asm volatile("vmclear %[pa]\n\tsetna %[fail]"
		     : [fail] "=q"(fail) : [pa] "m"(pa) : "cc", "memory");
	if (unlikely(fail))
		vmx_insn_failed("VMCLEAR", pa);
}

static inline void vmx_invept(u64 type, u64 eptp)
{
	struct { u64 eptp, rsvd; } desc = { eptp, 0 };
	u8 fail;

	asm volatile("invept %[d], %[t]\n\tsetna %[fail]"
		     : [fail] "=q"(fail) : [d] "m"(desc), [t] "r"(type)
		     : "cc", "memory");
	if (unlikely(fail))
		vmx_insn_failed("INVEPT", eptp);
}

static inline void vmx_invvpid(u64 type, u16 vpid)
{
	struct { u64 vpid, gla; } desc = { vpid, 0 };
	u8 fail;

	asm volatile("invvpid %[d], %[t]\n\tsetna %[fail]"
		     : [fail] "=q"(fail) : [d] "m"(desc), [t] "r"(type)
		     : "cc", "memory");
	if (unlikely(fail))
		vmx_insn_failed("INVVPID", vpid);
}

#endif /* __ASSEMBLY__ */
#endif
