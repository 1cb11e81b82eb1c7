/*
 * AMD SVM: what hvm/svm/ code shares internally.  Only hvm/svm/ includes
 * this header (DESIGN.md §3: only svm/ sees the VMCB).
 */
#ifndef HVM_SVM_SVM_H
#define HVM_SVM_SVM_H

#include <xen/types.h>

/* APM vol. 2 15.30.1 (VM_CR) and 15.30.4 (VM_HSAVE_PA). */
#define MSR_VM_CR		0xC0010114
#define VM_CR_LOCK		(1U << 3)
#define VM_CR_SVMDIS		(1U << 4)
#define MSR_VM_HSAVE_PA		0xC0010117

/* CPUID Fn8000_0001 ECX bit 2: SVM (APM vol. 3, appendix E.4.2). */
#define CPUID_80000001_ECX_SVM	(1U << 2)

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

#endif
