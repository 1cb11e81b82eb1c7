/*
 * What a guest may write, from the architectural facts (asm/x86-defns.h,
 * asm/msr-index.h) and the features its CPUID policy offers: the checks
 * both vendors, hvm/msr.c and hvm/fpu.c apply before a guest value reaches
 * a VMCB/VMCS or the hardware, so a guest that writes a reserved or
 * unoffered bit gets #GP as on a CPU without the feature, never a failed
 * VM entry.  hvm/x86.c is pure (unit-tested on the host);
 * hvm/cpu_policy.c builds the policy itself.
 */
#ifndef HVM_X86_H
#define HVM_X86_H

#include <xen/types.h>
#include <asm/msr-index.h>
#include <asm/x86-defns.h>
#include <public/arch-x86/cpufeatureset.h>

struct domain;

/* Feature words in the order of Xen's featureset (public/arch-x86/
 * cpufeatureset.h): XEN_X86_FEATURE_x / 32 indexes them. */
enum x86_feature_word {
	X86_FW_1D,		/* CPUID 1 EDX */
	X86_FW_1C,		/* CPUID 1 ECX */
	X86_FW_E1D,		/* CPUID 0x80000001 EDX */
	X86_FW_E1C,		/* CPUID 0x80000001 ECX */
	X86_FW_DA1,		/* CPUID 0xD.1 EAX */
	X86_FW_7B0,		/* CPUID 7.0 EBX */
	X86_FW_7C0,		/* CPUID 7.0 ECX */
	X86_FW_E7D,		/* CPUID 0x80000007 EDX */
	X86_FW_E8B,		/* CPUID 0x80000008 EBX */
	X86_FW_7D0,		/* CPUID 7.0 EDX */
	X86_FW_7A1,		/* CPUID 7.1 EAX */
	X86_NR_FEATURE_WORDS
};

/* Words in a whole Xen featureset (XEN_SYSCTL_get_cpu_featureset, Xen's
 * FEATURESET_NR_ENTRIES): one past the highest word the public header
 * names, counted by the header itself. */
union x86_featureset_size {
#define XEN_CPUFEATURE(name, value) char fs_##name[(value) / 32 + 1];
#include <public/arch-x86/cpufeatureset.h>
#undef XEN_CPUFEATURE
};
#define X86_NR_FEATURESET sizeof(union x86_featureset_size)
/* The featureset's words past those a policy keeps (public/arch-x86/
 * cpufeatureset.h): no feature of theirs is offered to guests. */
#define X86_FS_E21A 11		/* CPUID 0x80000021 EAX */
#define X86_FS_7B1 12		/* CPUID 7.1 EBX */
#define X86_FS_7D2 13		/* CPUID 7.2 EDX */
#define X86_FS_7C1 14		/* CPUID 7.1 ECX */
#define X86_FS_7D1 15		/* CPUID 7.1 EDX */
#define X86_FS_ARCH_CAPS_LO 16	/* MSR_ARCH_CAPABILITIES[31:0] */
#define X86_FS_ARCH_CAPS_HI 17	/* MSR_ARCH_CAPABILITIES[63:32] */
#define X86_FS_E21C 18		/* CPUID 0x80000021 ECX */

enum x86_vendor { X86_VENDOR_INTEL, X86_VENDOR_AMD };

/* What a guest is offered: CPUID answers and the MSRs they imply. */
struct x86_policy {
	u32 fw[X86_NR_FEATURE_WORDS];
	u64 xcr0;		/* state components: CPUID 0xD.0 EDX:EAX */
	u64 arch_caps;		/* MSR_ARCH_CAPABILITIES, if ARCH_CAPS */
	unsigned int maxphysaddr; /* CPUID 0x80000008 EAX[7:0] */
	u32 basic_max;		/* highest basic leaf: CPUID 0 EAX */
	u32 extd_max;		/* highest extended leaf: CPUID 0x80000000 EAX */
	enum x86_vendor vendor;	/* AMD also means Hygon */
};

static inline bool x86_has_feature(const struct x86_policy *p,
				   unsigned int feature)
{
	return p->fw[feature / 32] & (1U << (feature % 32));
}

/* x86_has(p, PKU): is XEN_X86_FEATURE_PKU offered? */
#define x86_has(p, name) x86_has_feature(p, XEN_X86_FEATURE_##name)
#define X86_FEATURE_BIT(name) (1U << (XEN_X86_FEATURE_##name % 32))

/* ---- plain facts ---- */

/* 48-bit linear addresses: bits 63:47 all equal (SDM vol. 1 3.3.7.1).
 * No guest is offered 5-level paging. */
bool x86_is_canonical(u64 va);
/* PAT: every entry a valid type, 0 1 4 5 6 7 (SDM vol. 3 11.12.2). */
bool x86_pat_valid(u64 pat);
/* MTRR memory type: 0 1 4 5 6 (SDM vol. 3 11.11.2). */
bool x86_mtrr_type_valid(unsigned int type);
/* WRMSR's own #GP rules for the MSRs both vendors keep (SDM vol. 4):
 * canonical addresses, PAT types, 32-bit registers.  True if @val is
 * acceptable (or @msr has no such rule). */
bool x86_msr_write_valid(u32 msr, u64 val);
/* Does exception @vec push an error code (X86_EXC_HAS_ERROR_CODE)? */
bool x86_exc_has_error_code(unsigned int vec);

/* What a CPU delivers when exception @second arises while @first is being
 * delivered (SDM vol. 3 6.15 table 6-5, APM vol. 2 8.2.9 table 8-7). */
enum x86_exc_combine {
	X86_EXC_SECOND,		/* the new one; the first recurs on re-execution */
	X86_EXC_DOUBLE_FAULT,
	X86_EXC_TRIPLE_FAULT,
};
enum x86_exc_combine x86_exc_combine(unsigned int first, unsigned int second);

/*
 * Length of a two-byte-opcode instruction "0f @op2 [modrm]" at @b (@n
 * bytes readable): legacy prefixes, then a REX prefix in 64-bit mode,
 * then the opcode (SDM vol. 2 ch. 2).  For emulators' SVM, which reports
 * neither next RIP nor the instruction bytes.  Returns the length, or 0
 * if the bytes are not that instruction (or exceed 15 bytes).  With
 * @modrm set, the ModRM byte is part of it and stored there, with REX.R
 * in bit 8 and REX.B in bit 9 (registers 8-15).
 */
unsigned int x86_insn_len_0f(const u8 *b, unsigned int n, bool mode64,
			     u8 op2, unsigned int *modrm);

/* ---- guest writes, checked against facts and the policy ---- */

/* A value for MTRR @msr (DEF_TYPE, a fixed range, PHYSBASE/PHYSMASK 0-7):
 * valid memory types, no reserved bits, addresses below the policy's
 * MAXPHYADDR (SDM vol. 3 11.11).  False for any other @msr. */
bool x86_mtrr_msr_valid(const struct x86_policy *p, u32 msr, u64 val);

/* The vCPU's control state a write is checked against. */
struct x86_cr_state {
	u64 cr0, cr3, cr4, efer;
	bool cs_l;		/* CS.L: in 64-bit mode if EFER.LMA */
	bool cs_db;		/* CS.D (x86_state_check() only) */
};

/*
 * Each returns NULL if the write is valid, else why not: the instruction
 * raises #GP(0) (MOV to CR0/CR4, WRMSR to EFER, XSETBV).
 *  - CR0: MOV CR0 (SDM vol. 2 "MOV-Move to/from Control Registers", vol. 3
 *    2.5, 4.1.2).  Low reserved bits are ignored by the CPU; the caller
 *    keeps X86_CR0_KNOWN | ET.
 *  - CR4: only bits x86_cr4_valid_bits() allows, plus the mode rules.
 *  - EFER: bits of offered features; LME fixed while paging; LMA is
 *    read-only and ignored (the caller keeps the current LMA).
 *  - XCR0: components offered, with their dependencies (SDM vol. 1 13.3).
 */
const char *x86_cr0_check(const struct x86_cr_state *s, u64 val);
const char *x86_cr4_check(const struct x86_policy *p,
			  const struct x86_cr_state *s, u64 val);
const char *x86_efer_check(const struct x86_policy *p,
			   const struct x86_cr_state *s, u64 val);
const char *x86_xcr0_check(const struct x86_policy *p, u64 val);
/* A whole state to start a vCPU in (VCPUOP_initialise), not a write. */
const char *x86_state_check(const struct x86_policy *p,
			    const struct x86_cr_state *s);

/*
 * Features tied to state (SDM vol. 1 13.2): offer the XCR0 components of
 * the features @p offers that @avail_xcr0 allows (none without XSAVE),
 * and take away the features whose components are not offered.
 */
void x86_policy_state_deps(struct x86_policy *p, u64 avail_xcr0);

/* CR4 bits a guest may set: those of offered features, and PCE. */
u64 x86_cr4_valid_bits(const struct x86_policy *p);
/* SPEC_CTRL bits the offered features define; 0: no SPEC_CTRL MSR. */
u64 x86_spec_ctrl_valid_bits(const struct x86_policy *p);

/* ---- the policy of this host (hvm/cpu_policy.c) ---- */

/* Build the policy from the boot CPU and the vendor's limits; once, from
 * the first hvm_cpu_up() (after the FPU probe). */
void hvm_cpu_policy_init(void);
/* The most Amphi offers an HVM or PVH guest, and what a new domain gets:
 * Xen's hvm_max and hvm_default policies are one here (the allow-list). */
const struct x86_policy *hvm_max_cpu_policy(void);
/* The host's own X86_NR_FEATURESET words, as the boot CPU reports them
 * (Xen's raw and host featuresets: Amphi masks nothing of its own). */
const u32 *hvm_host_featureset(void);

/* ---- per domain (hvm/cpu_policy_ops.c) ---- */

/* @d's policy: a copy of the maximum made with the domain, changed only
 * by XEN_DOMCTL_set_cpu_policy before any of its vCPUs ran. */
int hvm_cpu_policy_domain_init(struct domain *d);
void hvm_cpu_policy_domain_destroy(struct domain *d);
/* What @d is offered (NULL: what a new domain gets). */
const struct x86_policy *hvm_cpu_policy(const struct domain *d);

/* ---- CPUID answers (hvm/cpuid.c) ---- */

struct cpuid_regs;
/* Leaf @leaf/@sub as every vCPU of a domain with policy @p and @nr_vcpus
 * vCPUs sees it, less what is per vCPU (APIC IDs, OSXSAVE, OSPKE, XSAVE
 * sizes for the vCPU's XCR0: these are given for vCPU 0 at reset). */
void hvm_cpuid_policy_leaf(const struct x86_policy *p, unsigned int nr_vcpus,
			   u32 leaf, u32 sub, struct cpuid_regs *r);

#endif
