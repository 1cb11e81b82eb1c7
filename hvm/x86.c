/*
 * The checks behind hvm/x86.h: pure functions of architectural facts and
 * a CPUID policy, shared by both vendors, hvm/msr.c, hvm/fpu.c and
 * VCPUOP_initialise.  Compiled unmodified into the host unit tests
 * (tests/unit/test_x86.c).
 */
#include <hvm/x86.h>
#include <xen/lib.h>

bool x86_is_canonical(u64 va)
{
	return (u64)((s64)(va << 16) >> 16) == va;
}

bool x86_mtrr_type_valid(unsigned int type)
{
	/* UC, WC, WT, WP, WB; 2, 3 and 7 up are reserved for MTRRs. */
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

bool x86_pat_valid(u64 pat)
{
	for (unsigned int i = 0; i < 8; i++) {
		unsigned int type = (pat >> (8 * i)) & 0xff;

		/* PAT adds 7, UC-, to the MTRR types. */
		if (type != 7 && !x86_mtrr_type_valid(type))
			return false;
	}
	return true;
}

bool x86_mtrr_msr_valid(const struct x86_policy *p, u32 msr, u64 val)
{
	/* Address bits of a variable range: 4 KiB granules below
	 * MAXPHYADDR (SDM vol. 3 11.11.2.3). */
	u64 addr = ((1ULL << p->maxphysaddr) - 1) & ~0xfffULL;

	if (msr == MSR_MTRR_DEF_TYPE)		/* type, FE (10), E (11) */
		return !(val & ~0xcffULL) && x86_mtrr_type_valid(val & 0xff);
	if (msr == MSR_MTRR_FIX64K_00000 || msr == MSR_MTRR_FIX16K_80000 ||
	    msr == MSR_MTRR_FIX16K_A0000 ||
	    (msr >= MSR_MTRR_FIX4K_C0000 && msr < MSR_MTRR_FIX4K_C0000 + 8)) {
		/* Eight ranges, one type byte each (11.11.2.2). */
		for (unsigned int i = 0; i < 8; i++)
			if (!x86_mtrr_type_valid((val >> (8 * i)) & 0xff))
				return false;
		return true;
	}
	if (msr < MSR_MTRR_PHYS_BASE0 || msr >= MSR_MTRR_PHYS_BASE0 + 2 * 8)
		return false;
	if (msr & 1)				/* PHYSMASK: address, V (11) */
		return !(val & ~(addr | (1ULL << 11)));
	return !(val & ~(addr | 0xff)) &&	/* PHYSBASE: address, type */
	       x86_mtrr_type_valid(val & 0xff);
}

bool x86_msr_write_valid(u32 msr, u64 val)
{
	switch (msr) {
	case MSR_PAT:
		return x86_pat_valid(val);
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		return x86_is_canonical(val);
	case MSR_SFMASK:
	case MSR_SYSENTER_CS:
	case MSR_TSC_AUX:
		return !(val >> 32);
	}
	return true;
}

bool x86_exc_has_error_code(unsigned int vec)
{
	return vec < 32 && (X86_EXC_HAS_ERROR_CODE & (1U << vec));
}

/* SDM vol. 3 table 6-4: #DE and #TS-#GP are contributory, #PF its own
 * class, everything else benign. */
static bool x86_exc_contributory(unsigned int vec)
{
	return vec == TRAP_DE || (vec >= TRAP_TS && vec <= TRAP_GP);
}

enum x86_exc_combine x86_exc_combine(unsigned int first, unsigned int second)
{
	bool second_bad = x86_exc_contributory(second) || second == TRAP_PF;

	if (first == TRAP_DF && second_bad)
		return X86_EXC_TRIPLE_FAULT;
	if ((x86_exc_contributory(first) && x86_exc_contributory(second)) ||
	    (first == TRAP_PF && second_bad))
		return X86_EXC_DOUBLE_FAULT;
	return X86_EXC_SECOND;
}

static bool x86_legacy_prefix(u8 b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3:		/* LOCK, REPNE, REP */
	case 0x2e: case 0x36: case 0x3e: case 0x26:	/* segments */
	case 0x64: case 0x65:
	case 0x66: case 0x67:				/* sizes */
		return true;
	}
	return false;
}

unsigned int x86_insn_len_0f(const u8 *b, unsigned int n, bool mode64,
			     u8 op2, unsigned int *modrm)
{
	unsigned int i = 0, rex = 0;

	n = n < 15 ? n : 15;
	/* A REX prefix counts only right before the opcode. */
	for (; i < n; i++) {
		if (x86_legacy_prefix(b[i]))
			rex = 0;
		else if (mode64 && (b[i] & 0xf0) == 0x40)
			rex = b[i];
		else
			break;
	}
	if (i + 2 > n || b[i] != 0x0f || b[i + 1] != op2)
		return 0;
	i += 2;
	if (!modrm)
		return i;
	if (i >= n)
		return 0;
	*modrm = b[i] | ((rex & 4) << 6) | ((rex & 1) << 9);
	return i + 1;
}

#define F(name) XEN_X86_FEATURE_##name

/* Features that need the AVX, AVX-512 or PKRU state components. */
static const unsigned int needs_avx[] = {
	F(FMA), F(AVX), F(F16C), F(FMA4), F(XOP), F(AVX2), F(VAES),
	F(VPCLMULQDQ), F(AVX_VNNI),
};
static const unsigned int needs_avx512[] = {
	F(AVX512F), F(AVX512DQ), F(AVX512_IFMA), F(AVX512PF), F(AVX512ER),
	F(AVX512CD), F(AVX512BW), F(AVX512VL), F(AVX512_VBMI),
	F(AVX512_VBMI2), F(AVX512_VNNI), F(AVX512_BITALG),
	F(AVX512_VPOPCNTDQ), F(AVX512_4VNNIW), F(AVX512_4FMAPS),
	F(AVX512_BF16),
};

static void clear_all(struct x86_policy *p, const unsigned int *f,
		      unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p->fw[f[i] / 32] &= ~(1U << (f[i] % 32));
}

void x86_policy_state_deps(struct x86_policy *p, u64 avail_xcr0)
{
	u64 xcr0 = X86_XCR0_X87 | X86_XCR0_SSE;

	if (!avail_xcr0)
		p->fw[X86_FW_1C] &= ~X86_FEATURE_BIT(XSAVE);
	if (x86_has(p, AVX))
		xcr0 |= X86_XCR0_AVX;
	if (x86_has(p, AVX512F))
		xcr0 |= X86_XCR0_AVX512;
	if (x86_has(p, PKU))
		xcr0 |= X86_XCR0_PKRU;
	p->xcr0 = x86_has(p, XSAVE) ? xcr0 & avail_xcr0 : 0;
	if (!p->xcr0)
		p->fw[X86_FW_DA1] = 0;
	if (!(p->xcr0 & X86_XCR0_AVX))
		clear_all(p, needs_avx, ARRAY_SIZE(needs_avx));
	/* AVX-512 needs all three of its components, and AVX's. */
	if ((p->xcr0 & X86_XCR0_AVX512) != X86_XCR0_AVX512 ||
	    !(p->xcr0 & X86_XCR0_AVX)) {
		clear_all(p, needs_avx512, ARRAY_SIZE(needs_avx512));
		p->xcr0 &= ~X86_XCR0_AVX512;
	}
	if (!(p->xcr0 & X86_XCR0_PKRU))
		p->fw[X86_FW_7C0] &= ~X86_FEATURE_BIT(PKU);
}

/* Each CR4 bit and the feature that defines it (SDM vol. 3 2.5). */
u64 x86_cr4_valid_bits(const struct x86_policy *p)
{
	u64 ok = X86_CR4_PCE;

	ok |= x86_has(p, VME) ? X86_CR4_VME | X86_CR4_PVI : 0;
	ok |= x86_has(p, TSC) ? X86_CR4_TSD : 0;
	ok |= x86_has(p, DE) ? X86_CR4_DE : 0;
	ok |= x86_has(p, PSE) ? X86_CR4_PSE : 0;
	ok |= x86_has(p, PAE) ? X86_CR4_PAE : 0;
	ok |= x86_has(p, MCE) || x86_has(p, MCA) ? X86_CR4_MCE : 0;
	ok |= x86_has(p, PGE) ? X86_CR4_PGE : 0;
	ok |= x86_has(p, FXSR) ? X86_CR4_OSFXSR : 0;
	ok |= x86_has(p, SSE) ? X86_CR4_OSXMMEXCPT : 0;
	ok |= x86_has(p, UMIP) ? X86_CR4_UMIP : 0;
	ok |= x86_has(p, VMX) ? X86_CR4_VMXE : 0;
	ok |= x86_has(p, SMX) ? X86_CR4_SMXE : 0;
	ok |= x86_has(p, FSGSBASE) ? X86_CR4_FSGSBASE : 0;
	ok |= x86_has(p, PCID) ? X86_CR4_PCIDE : 0;
	ok |= x86_has(p, XSAVE) ? X86_CR4_OSXSAVE : 0;
	ok |= x86_has(p, SMEP) ? X86_CR4_SMEP : 0;
	ok |= x86_has(p, SMAP) ? X86_CR4_SMAP : 0;
	ok |= x86_has(p, PKU) ? X86_CR4_PKE : 0;
	ok |= x86_has(p, CET_SS) || x86_has(p, CET_IBT) ? X86_CR4_CET : 0;
	/* LA57 and PKS have no feature in a Xen 4.17 policy: never offered. */
	return ok;
}

u64 x86_spec_ctrl_valid_bits(const struct x86_policy *p)
{
	u64 ok = 0;

	/* SDM vol. 4 table 2-2; AMD "Speculation control" white papers. */
	ok |= x86_has(p, IBRSB) || x86_has(p, IBRS) ? SPEC_CTRL_IBRS : 0;
	ok |= x86_has(p, STIBP) || x86_has(p, AMD_STIBP) ? SPEC_CTRL_STIBP : 0;
	ok |= x86_has(p, SSBD) || x86_has(p, AMD_SSBD) ? SPEC_CTRL_SSBD : 0;
	ok |= x86_has(p, PSFD) ? SPEC_CTRL_PSFD : 0;
	return ok;
}

static bool x86_long_mode_64(const struct x86_cr_state *s)
{
	return (s->efer & EFER_LMA) && s->cs_l;
}

const char *x86_cr0_check(const struct x86_cr_state *s, u64 val)
{
	bool pg_on = (val & X86_CR0_PG) && !(s->cr0 & X86_CR0_PG);
	bool pg_off = !(val & X86_CR0_PG) && (s->cr0 & X86_CR0_PG);

	if (val >> 32)
		return "CR0[63:32] set";
	if ((val & X86_CR0_PG) && !(val & X86_CR0_PE))
		return "PG without PE";
	if ((val & X86_CR0_NW) && !(val & X86_CR0_CD))
		return "NW without CD";
	/* SDM vol. 3 9.8.5: long mode needs PAE when paging turns on. */
	if (pg_on && (s->efer & EFER_LME) && !(s->cr4 & X86_CR4_PAE))
		return "PG with LME but without PAE";
	/* 9.8.5.4: paging goes off only from compatibility mode. */
	if (pg_off && x86_long_mode_64(s))
		return "PG cleared in 64-bit mode";
	if (pg_off && (s->cr4 & X86_CR4_PCIDE))
		return "PG cleared with PCIDE set";
	if ((val & X86_CR0_PG) && !(val & X86_CR0_WP) &&
	    (s->cr4 & X86_CR4_CET))
		return "WP cleared with CET set";
	return NULL;
}

const char *x86_cr4_check(const struct x86_policy *p,
			  const struct x86_cr_state *s, u64 val)
{
	u64 changed = val ^ s->cr4;
	bool lma = s->efer & EFER_LMA;

	if (val & ~x86_cr4_valid_bits(p))
		return "reserved or unoffered CR4 bit";
	if (lma && !(val & X86_CR4_PAE))
		return "PAE cleared in long mode";
	if ((changed & X86_CR4_LA57) && lma)
		return "LA57 changed in long mode";
	if ((val & changed & X86_CR4_PCIDE) &&
	    (!lma || (s->cr3 & 0xfff)))
		return "PCIDE set outside long mode or with CR3[11:0] != 0";
	if ((val & X86_CR4_CET) && !(s->cr0 & X86_CR0_WP))
		return "CET set with WP clear";
	return NULL;
}

const char *x86_efer_check(const struct x86_policy *p,
			   const struct x86_cr_state *s, u64 val)
{
	const u64 known = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
			  EFER_SVME | EFER_FFXSE;

	if (val & ~known)
		return "unknown EFER bit";
	if ((val & EFER_SCE) && !x86_has(p, SYSCALL))
		return "SCE without SYSCALL";
	if ((val & (EFER_LME | EFER_LMA)) && !x86_has(p, LM))
		return "LME without long mode";
	if ((val & EFER_NXE) && !x86_has(p, NX))
		return "NXE without NX";
	/* Xen offers SVM to a guest only for nested virtualization. */
	if ((val & EFER_SVME) && !x86_has(p, SVM))
		return "SVME without SVM";
	if ((val & EFER_FFXSE) && !x86_has(p, FFXSR))
		return "FFXSE without FFXSR";
	if (((val ^ s->efer) & EFER_LME) && (s->cr0 & X86_CR0_PG))
		return "LME changed while paging";
	return NULL;
}

const char *x86_xcr0_check(const struct x86_policy *p, u64 val)
{
	if (!(val & X86_XCR0_X87))
		return "x87 clear";
	if (val & ~p->xcr0)
		return "component not offered";
	if ((val & X86_XCR0_AVX) && !(val & X86_XCR0_SSE))
		return "AVX without SSE";
	if ((val & X86_XCR0_AVX512) &&
	    ((val & X86_XCR0_AVX512) != X86_XCR0_AVX512 ||
	     !(val & X86_XCR0_AVX)))
		return "AVX-512 partial or without AVX";
	if ((val & X86_XCR0_MPX) && (val & X86_XCR0_MPX) != X86_XCR0_MPX)
		return "MPX partial";
	if ((val & X86_XCR0_AMX) && (val & X86_XCR0_AMX) != X86_XCR0_AMX)
		return "AMX partial";
	return NULL;
}

/*
 * As Xen's arch_set_info_hvm_guest(), and what VM entry itself checks
 * (APM vol. 2 15.5.1, SDM vol. 3 26.3.1): a start state no VMRUN or
 * VMLAUNCH refuses, now or once the guest turns paging on.
 */
const char *x86_state_check(const struct x86_policy *p,
			    const struct x86_cr_state *s)
{
	static const struct x86_cr_state reset;
	bool lma = s->efer & EFER_LMA;
	const char *why;

	if (s->cr0 & ~X86_CR0_KNOWN)
		return "reserved CR0 bit";
	why = x86_cr0_check(&reset, s->cr0);
	if (why)
		return why;
	if (s->cr4 & ~x86_cr4_valid_bits(p))
		return "reserved or unoffered CR4 bit";
	why = x86_efer_check(p, &reset, s->efer);
	if (why)
		return why;
	if (lma != ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)))
		return "EFER.LMA is not LME && CR0.PG";
	if (lma && !(s->cr4 & X86_CR4_PAE))
		return "long mode without PAE";
	if ((s->efer & EFER_LME) && s->cs_l && s->cs_db)
		return "CS.L and CS.D both set with EFER.LME";
	if (s->cr3 >> p->maxphysaddr)
		return "CR3 beyond the physical-address width";
	return NULL;
}
