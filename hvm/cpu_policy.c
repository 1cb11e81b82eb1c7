/*
 * The CPUID policy: which features a guest is offered.  An allow-list,
 * not a deny-list: a feature is offered only if the host has it AND it is
 * in hvm_offered[] below, so a new host feature (and the MSRs or
 * instructions it implies) never reaches a guest by accident.
 *
 * The list is Xen 4.17's default for HVM guests with hardware-assisted
 * paging (public/arch-x86/cpufeatureset.h, attributes A, S and H), less
 * what Amphi does not virtualise; each difference is noted where it is.
 * Every offered feature that implies an MSR has a handler in hvm/msr.c or
 * the vendor (tests/guests/x86_policy checks each one on both vendors):
 *   TSC, MSR, PAT, MTRR, APIC, X2APIC, SEP, SYSCALL, LM, RDTSCP/RDPID
 *   (TSC_AUX), TSC_ADJUST, IBRSB/IBRS/STIBP/SSBD/PSFD (SPEC_CTRL),
 *   IBRSB/IBPB (PRED_CMD), L1D_FLUSH (FLUSH_CMD), ARCH_CAPS, MCA (the
 *   MCG and bank MSRs, hvm/vmce.c; MCE lets the guest set CR4.MCE).
 * Hidden, with what they would imply: ACPI/TM (thermal MSRs),
 * TSC_DEADLINE (the vLAPIC timer has no such mode), PDCM and the PMU
 * leaves (no virtual PMU), DS/DTES64/PT, MONITOR/MONITORX (intercepted:
 * #UD), VMX/SVM/SMX (no nesting), XSAVES (IA32_XSS), MPX (BNDCFGS; Xen's
 * default too), HLE/RTM (TSX controls), DBEXT (DR address masks),
 * VIRT_SSBD, WAITPKG/UMWAIT, CET, PKS, SGX, LA57, RDPRU (intercepted:
 * #UD).
 *
 * Features tied to state: AVX and AVX-512 need their XCR0 components,
 * PKU needs PKRU, and only components the host saves for us
 * (hvm/fpu.c) are offered (x86_policy_state_deps(), hvm/x86.c).  The
 * vendor removes what it cannot run natively (VMX: RDTSCP/RDPID and
 * INVPCID without their controls).
 *
 * This policy is both Xen's hvm_max and hvm_default; each domain gets a
 * copy that the toolstack may narrow (hvm/cpu_policy_ops.c).
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/x86.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <asm/processor.h>

#define F(name) XEN_X86_FEATURE_##name

static const unsigned int hvm_offered[] = {
	/* CPUID 1 EDX.  ACPI: hidden (file note). */
	F(FPU), F(VME), F(DE), F(PSE), F(TSC), F(MSR), F(PAE), F(MCE),
	F(CX8), F(APIC), F(SEP), F(MTRR), F(PGE), F(MCA), F(CMOV), F(PAT),
	F(PSE36),
	F(CLFLUSH), F(MMX), F(FXSR), F(SSE), F(SSE2), F(SS),
	/* CPUID 1 ECX.  TSC_DEADLINE: hidden. */
	F(SSE3), F(PCLMULQDQ), F(SSSE3), F(FMA), F(CX16), F(PCID),
	F(SSE4_1), F(SSE4_2), F(MOVBE), F(POPCNT), F(AESNI), F(XSAVE),
	F(AVX), F(F16C), F(RDRAND),
	/* CPUID 0x80000001 EDX */
	F(SYSCALL), F(NX), F(MMXEXT), F(FFXSR), F(PAGE1GB), F(RDTSCP),
	F(LM), F(3DNOWEXT), F(3DNOW),
	/* CPUID 0x80000001 ECX.  DBEXT: hidden. */
	F(LAHF_LM), F(CMP_LEGACY), F(CR8_LEGACY), F(ABM), F(SSE4A),
	F(MISALIGNSSE), F(3DNOWPREFETCH), F(XOP), F(FMA4), F(TBM),
	/* CPUID 0xD.1 EAX.  XSAVES: hidden. */
	F(XSAVEOPT), F(XSAVEC), F(XGETBV1),
	/* CPUID 7.0 EBX.  HLE, RTM, MPX: hidden. */
	F(FSGSBASE), F(TSC_ADJUST), F(BMI1), F(AVX2), F(FDP_EXCP_ONLY),
	F(SMEP), F(BMI2), F(ERMS), F(INVPCID), F(NO_FPU_SEL), F(AVX512F),
	F(AVX512DQ), F(RDSEED), F(ADX), F(SMAP), F(AVX512_IFMA),
	F(CLFLUSHOPT), F(CLWB), F(AVX512PF), F(AVX512ER), F(AVX512CD),
	F(SHA), F(AVX512BW), F(AVX512VL),
	/* CPUID 7.0 ECX */
	F(PREFETCHWT1), F(AVX512_VBMI), F(UMIP), F(PKU), F(AVX512_VBMI2),
	F(GFNI), F(VAES), F(VPCLMULQDQ), F(AVX512_VNNI), F(AVX512_BITALG),
	F(AVX512_VPOPCNTDQ), F(RDPID), F(CLDEMOTE),
	/* CPUID 0x80000007 EDX: invariant TSC (the offset never changes
	 * its rate).  Xen makes it opt-in for migratable guests. */
	F(ITSC),
	/* CPUID 0x80000008 EBX */
	F(CLZERO), F(RSTR_FP_ERR_PTRS), F(IBPB), F(IBRS), F(AMD_STIBP),
	F(IBRS_ALWAYS), F(STIBP_ALWAYS), F(IBRS_FAST), F(IBRS_SAME_MODE),
	F(NO_LMSL), F(AMD_SSBD), F(SSB_NO), F(PSFD), F(BTC_NO), F(IBPB_RET),
	/* CPUID 7.0 EDX */
	F(AVX512_4VNNIW), F(AVX512_4FMAPS), F(FSRM), F(MD_CLEAR),
	F(RTM_ALWAYS_ABORT), F(SERIALIZE), F(IBRSB), F(STIBP), F(L1D_FLUSH),
	F(ARCH_CAPS), F(SSBD),
	/* CPUID 7.1 EAX */
	F(AVX_VNNI), F(AVX512_BF16), F(FZRM), F(FSRS), F(FSRCS),
};

/* ARCH_CAPABILITIES bits a guest sees: "not vulnerable" and "cleared
 * by VERW" facts (word 16 of the featureset, 'A' and '!'). */
#define AC(name) (1ULL << (F(name) - 16 * 32))
#define HVM_ARCH_CAPS (AC(RDCL_NO) | AC(EIBRS) | AC(RSBA) | \
		       AC(INTEL_SSB_NO) | AC(MDS_NO) | AC(IF_PSCHANGE_MC_NO) | \
		       AC(TAA_NO) | AC(SBDR_SSDP_NO) | AC(FBSDP_NO) | \
		       AC(PSDP_NO) | AC(FB_CLEAR) | AC(RRSBA) | AC(BHI_NO) | \
		       AC(PBRSB_NO) | AC(GDS_NO) | AC(RFDS_NO) | \
		       AC(RFDS_CLEAR) | AC(ITS_NO))

/* On AMD, 0x80000001 EDX repeats these leaf-1 EDX bits (APM vol. 3
 * E.4.2): FPU-CX8, APIC, MTRR-PSE36, MMX, FXSR. */
#define AMD_E1D_COMMON 0x0183f3ffU

static struct x86_policy hvm_policy;
static u32 host_featureset[X86_NR_FEATURESET];

/* The host's featureset, word by word (0 for leaves it does not have). */
static void host_featureset_read(u32 fs[X86_NR_FEATURESET])
{
	u32 max = cpuid_eax(0), max_ext = cpuid_eax(0x80000000);
	struct cpuid_regs r;
	u64 caps;

	memset(fs, 0, X86_NR_FEATURESET * sizeof(*fs));
	cpuid(1, &r);
	fs[X86_FW_1D] = r.edx;
	fs[X86_FW_1C] = r.ecx;
	if (max >= 7) {
		u32 max_sub;

		cpuid_count(7, 0, &r);
		max_sub = r.eax;
		fs[X86_FW_7B0] = r.ebx;
		fs[X86_FW_7C0] = r.ecx;
		fs[X86_FW_7D0] = r.edx;
		if (max_sub >= 1) {
			cpuid_count(7, 1, &r);
			fs[X86_FW_7A1] = r.eax;
			fs[X86_FS_7B1] = r.ebx;
			fs[X86_FS_7C1] = r.ecx;
			fs[X86_FS_7D1] = r.edx;
		}
		if (max_sub >= 2) {
			cpuid_count(7, 2, &r);
			fs[X86_FS_7D2] = r.edx;
		}
	}
	if (max >= 0xd) {
		cpuid_count(0xd, 1, &r);
		fs[X86_FW_DA1] = r.eax;
	}
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, &r);
		fs[X86_FW_E1D] = r.edx;
		fs[X86_FW_E1C] = r.ecx;
	}
	if (max_ext >= 0x80000007)
		fs[X86_FW_E7D] = cpuid_edx(0x80000007);
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, &r);
		fs[X86_FW_E8B] = r.ebx;
	}
	if (max_ext >= 0x80000021) {
		cpuid(0x80000021, &r);
		fs[X86_FS_E21A] = r.eax;
		fs[X86_FS_E21C] = r.ecx;
	}
	if ((fs[X86_FW_7D0] & X86_FEATURE_BIT(ARCH_CAPS)) &&
	    rdmsr_safe(MSR_ARCH_CAPABILITIES, &caps)) {
		fs[X86_FS_ARCH_CAPS_LO] = (u32)caps;
		fs[X86_FS_ARCH_CAPS_HI] = caps >> 32;
	}
}

static enum x86_vendor host_vendor(void)
{
	struct cpuid_regs r;

	cpuid(0, &r);
	/* "AuthenticAMD", "HygonGenuine" */
	return r.ebx == 0x68747541 || r.ebx == 0x6f677948 ? X86_VENDOR_AMD :
							    X86_VENDOR_INTEL;
}

void hvm_cpu_policy_init(void)
{
	struct x86_policy *p = &hvm_policy;
	const u32 *host = host_featureset;
	u32 allow[X86_NR_FEATURE_WORDS] = { 0 };

	host_featureset_read(host_featureset);
	for (unsigned int i = 0; i < ARRAY_SIZE(hvm_offered); i++)
		allow[hvm_offered[i] / 32] |= 1U << (hvm_offered[i] % 32);
	for (unsigned int w = 0; w < X86_NR_FEATURE_WORDS; w++)
		p->fw[w] = host[w] & allow[w];
	p->vendor = host_vendor();
	if (p->vendor == X86_VENDOR_AMD)
		p->fw[X86_FW_E1D] |= host[X86_FW_E1D] & p->fw[X86_FW_1D] &
				     AMD_E1D_COMMON;
	/* As Xen: EFER.LMSLE is never offered, so say so. */
	p->fw[X86_FW_E8B] |= X86_FEATURE_BIT(NO_LMSL);
	p->fw[X86_FW_1C] |= X86_FEATURE_BIT(X2APIC) | X86_FEATURE_BIT(HYPERVISOR);
	p->fw[X86_FW_1D] |= X86_FEATURE_BIT(HTT);
	x86_policy_state_deps(p, fpu_host_xcr0());
	if (hvm_ops->cpu_policy)
		hvm_ops->cpu_policy(p);
	/* At most the width the p2m covers (ARCH_MAX_GFN): Linux places
	 * grant and foreign mappings anywhere below what CPUID says, and
	 * the MTRR and CR3 checks must agree with it. */
	p->maxphysaddr = MIN(cpuid_eax(0x80000000) >= 0x80000008 ?
			     cpuid_eax(0x80000008) & 0xff : 36,
			     (unsigned int)P2M_GUEST_PHYS_BITS);
	/* The leaves hvm/cpuid.c answers. */
	p->basic_max = MIN(cpuid_eax(0), 0xdU);
	p->extd_max = MIN(cpuid_eax(0x80000000), 0x80000008U);
	if (x86_has(p, ARCH_CAPS) &&
	    rdmsr_safe(MSR_ARCH_CAPABILITIES, &p->arch_caps))
		p->arch_caps &= HVM_ARCH_CAPS;
	else
		p->fw[X86_FW_7D0] &= ~X86_FEATURE_BIT(ARCH_CAPS);
}

const struct x86_policy *hvm_max_cpu_policy(void)
{
	return &hvm_policy;
}

const u32 *hvm_host_featureset(void)
{
	return host_featureset;
}
