/*
 * MSR numbers and their architectural bits, once for the whole tree (Intel
 * SDM vol. 4 "Model-Specific Registers", AMD APM vol. 2 appendix A).  Which
 * of them a guest can reach, and how, is hvm/msr.c and the vendors'
 * msr_read/msr_write; which CPUID feature implies which MSR is noted here.
 */
#ifndef ASM_MSR_INDEX_H
#define ASM_MSR_INDEX_H

#define MSR_TSC				0x00000010	/* CPUID.1:EDX.TSC */
#define MSR_IA32_APIC_BASE		0x0000001b	/* CPUID.1:EDX.APIC */
#define  APIC_BASE_BSP			(1ULL << 8)
#define  APIC_BASE_EXTD			(1ULL << 10)	/* x2APIC mode */
#define  APIC_BASE_ENABLE		(1ULL << 11)
#define MSR_IA32_FEATURE_CONTROL	0x0000003a
#define  FEATURE_CONTROL_LOCK		(1ULL << 0)
#define  FEATURE_CONTROL_VMX_SMX	(1ULL << 1)
#define  FEATURE_CONTROL_VMX		(1ULL << 2)	/* outside SMX */
#define MSR_TSC_ADJUST			0x0000003b	/* CPUID.7.0:EBX.TSC_ADJUST */
/* CPUID.7.0:EDX.IBRSB/STIBP/SSBD, CPUID.80000008:EBX.IBRS/STIBP/SSBD */
#define MSR_SPEC_CTRL			0x00000048
#define  SPEC_CTRL_IBRS			(1ULL << 0)
#define  SPEC_CTRL_STIBP		(1ULL << 1)
#define  SPEC_CTRL_SSBD			(1ULL << 2)
#define  SPEC_CTRL_PSFD			(1ULL << 7)
/* Write-only: CPUID.7.0:EDX.IBRSB, CPUID.80000008:EBX.IBPB */
#define MSR_PRED_CMD			0x00000049
#define  PRED_CMD_IBPB			(1ULL << 0)
#define MSR_UCODE_REV			0x0000008b
/* MSR_PLATFORM_INFO (SDM vol. 4), Xen's name: in a CPU policy only; bit 31
 * is CPUID faulting, which no guest is offered, so guests see no MSR. */
#define MSR_INTEL_PLATFORM_INFO		0x000000ce
#define MSR_MTRRCAP			0x000000fe	/* CPUID.1:EDX.MTRR */
/* Read-only: CPUID.7.0:EDX.ARCH_CAPS */
#define MSR_ARCH_CAPABILITIES		0x0000010a
/* Write-only: CPUID.7.0:EDX.L1D_FLUSH */
#define MSR_FLUSH_CMD			0x0000010b
#define  FLUSH_CMD_L1D			(1ULL << 0)
#define MSR_SYSENTER_CS			0x00000174	/* CPUID.1:EDX.SEP */
#define MSR_SYSENTER_ESP		0x00000175
#define MSR_SYSENTER_EIP		0x00000176
#define MSR_MCG_CAP			0x00000179	/* CPUID.1:EDX.MCA */
#define MSR_MCG_STATUS			0x0000017a
#define MSR_MCG_CTL			0x0000017b
#define MSR_MC0_CTL2			0x00000280	/* Intel, with CMCI */
#define MSR_MC0_CTL			0x00000400	/* + 4 * bank: CTL STATUS ADDR MISC */
#define MSR_MCG_EXT_CTL			0x000004d0
#define MSR_MISC_ENABLE			0x000001a0
#define MSR_DEBUGCTL			0x000001d9
#define MSR_MTRR_PHYS_BASE0		0x00000200	/* base/mask pairs */
#define MSR_MTRR_FIX64K_00000		0x00000250
#define MSR_MTRR_FIX16K_80000		0x00000258
#define MSR_MTRR_FIX16K_A0000		0x00000259
#define MSR_MTRR_FIX4K_C0000		0x00000268	/* ... 0x26f */
#define MSR_PAT				0x00000277	/* CPUID.1:EDX.PAT */
#define  PAT_POWER_ON			0x0007040600070406ULL
#define MSR_MTRR_DEF_TYPE		0x000002ff
#define MSR_IA32_TSC_DEADLINE		0x000006e0	/* CPUID.1:ECX.TSC_DEADLINE */
#define MSR_X2APIC_FIRST		0x00000800	/* CPUID.1:ECX.X2APIC */
#define MSR_X2APIC_LAST			0x000008ff
#define MSR_XSS				0x00000da0	/* CPUID.D.1:EAX.XSAVES */

/* VMX capability reporting (SDM vol. 3 appendix A). */
#define MSR_IA32_VMX_BASIC		0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS	0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS	0x00000482
#define MSR_IA32_VMX_EXIT_CTLS		0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS		0x00000484
#define MSR_IA32_VMX_MISC		0x00000485
#define MSR_IA32_VMX_CR0_FIXED0		0x00000486
#define MSR_IA32_VMX_CR0_FIXED1		0x00000487
#define MSR_IA32_VMX_CR4_FIXED0		0x00000488
#define MSR_IA32_VMX_CR4_FIXED1		0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP	0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x00000490

/* EFER (SDM vol. 4 table 2-2, APM vol. 2 3.1.7). */
#define MSR_EFER			0xc0000080
#define  EFER_SCE			(1ULL << 0)	/* CPUID.80000001:EDX.SYSCALL */
#define  EFER_LME			(1ULL << 8)	/* CPUID.80000001:EDX.LM */
#define  EFER_LMA			(1ULL << 10)	/* read-only */
#define  EFER_NXE			(1ULL << 11)	/* CPUID.80000001:EDX.NX */
#define  EFER_SVME			(1ULL << 12)	/* CPUID.80000001:ECX.SVM */
#define  EFER_LMSLE			(1ULL << 13)	/* AMD, unless NO_LMSL */
#define  EFER_FFXSE			(1ULL << 14)	/* CPUID.80000001:EDX.FFXSR */
#define  EFER_TCE			(1ULL << 15)	/* AMD translation cache */
#define MSR_STAR			0xc0000081	/* CPUID.80000001:EDX.SYSCALL */
#define MSR_LSTAR			0xc0000082
#define MSR_CSTAR			0xc0000083
#define MSR_SFMASK			0xc0000084
#define MSR_FS_BASE			0xc0000100	/* CPUID.80000001:EDX.LM */
#define MSR_GS_BASE			0xc0000101
#define MSR_KERNEL_GS_BASE		0xc0000102
/* CPUID.80000001:EDX.RDTSCP or CPUID.7.0:ECX.RDPID */
#define MSR_TSC_AUX			0xc0000103

/* AMD system configuration (APM vol. 2 appendix A, BKDGs). */
#define MSR_K8_SYSCFG			0xc0010010
#define MSR_K8_TOP_MEM1			0xc001001a
#define MSR_K8_TOP_MEM2			0xc001001d
#define MSR_K8_INT_PENDING_MSG		0xc0010055
#define MSR_VM_CR			0xc0010114	/* APM 15.30.1 */
#define  VM_CR_LOCK			(1ULL << 3)
#define  VM_CR_SVMDIS			(1ULL << 4)
#define MSR_VM_HSAVE_PA			0xc0010117	/* APM 15.30.4 */
/* CPUID.80000008:EBX.VIRT_SSBD */
#define MSR_VIRT_SPEC_CTRL		0xc001011f

/* Xen's hypercall-page MSR: what CPUID 0x40000002 EBX names (Xen's
 * public/arch-x86/cpuid.h, leaf 3). */
#define MSR_XEN_HYPERCALL		0x40000000

#endif
