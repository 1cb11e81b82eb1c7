/*
 * Host tests for the x86 fact checks (hvm/x86.c): canonical addresses,
 * PAT and MTRR types, error-code vectors and exception combination, and
 * what a guest may write to CR0, CR4, EFER and XCR0 for a given policy.
 */
#include "unit.h"
#include <hvm/x86.h>

static void offer(struct x86_policy *p, unsigned int feature)
{
	p->fw[feature / 32] |= 1U << (feature % 32);
}

/* A 64-bit guest's usual offer: no VMX/SVM, PKU, PCID, no LA57. */
static struct x86_policy base_policy(void)
{
	static const unsigned int feats[] = {
		XEN_X86_FEATURE_FPU, XEN_X86_FEATURE_VME, XEN_X86_FEATURE_DE,
		XEN_X86_FEATURE_PSE, XEN_X86_FEATURE_TSC, XEN_X86_FEATURE_PAE,
		XEN_X86_FEATURE_PGE, XEN_X86_FEATURE_FXSR, XEN_X86_FEATURE_SSE,
		XEN_X86_FEATURE_XSAVE, XEN_X86_FEATURE_PCID,
		XEN_X86_FEATURE_SYSCALL, XEN_X86_FEATURE_LM, XEN_X86_FEATURE_NX,
		XEN_X86_FEATURE_FSGSBASE, XEN_X86_FEATURE_SMEP,
		XEN_X86_FEATURE_SMAP, XEN_X86_FEATURE_PKU,
	};
	struct x86_policy p = { .xcr0 = X86_XCR0_X87 | X86_XCR0_SSE |
					X86_XCR0_AVX | X86_XCR0_PKRU,
				.maxphysaddr = 40 };

	for (unsigned int i = 0; i < sizeof(feats) / sizeof(feats[0]); i++)
		offer(&p, feats[i]);
	return p;
}

/* 64-bit long mode as Linux runs it. */
static const struct x86_cr_state long_mode = {
	.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG,
	.cr3 = 0x1000,
	.cr4 = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR,
	.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE,
	.cs_l = true,
};

TEST(test_canonical)
{
	CHECK(x86_is_canonical(0));
	CHECK(x86_is_canonical(0x00007fffffffffffULL));
	CHECK(x86_is_canonical(0xffff800000000000ULL));
	CHECK(x86_is_canonical(~0ULL));
	CHECK(!x86_is_canonical(0x0000800000000000ULL));
	CHECK(!x86_is_canonical(0xffff7fffffffffffULL));
	CHECK(!x86_is_canonical(0x8000000000000000ULL));
}

TEST(test_memory_types)
{
	CHECK(x86_pat_valid(PAT_POWER_ON));
	CHECK(x86_pat_valid(0x0007010600050406ULL));
	CHECK(!x86_pat_valid((PAT_POWER_ON & ~0xffULL) | 2));
	CHECK(!x86_pat_valid((PAT_POWER_ON & ~(0xffULL << 40)) | (3ULL << 40)));
	CHECK(!x86_pat_valid((PAT_POWER_ON & ~(0xffULL << 56)) | (8ULL << 56)));
	CHECK(x86_mtrr_type_valid(6) && x86_mtrr_type_valid(0));
	CHECK(!x86_mtrr_type_valid(7) && !x86_mtrr_type_valid(2));
}

TEST(test_error_codes)
{
	/* The list both vendors once kept apart, now one. */
	static const unsigned int with[] = { 8, 10, 11, 12, 13, 14, 17, 21,
					     29, 30 };
	unsigned int n = 0;

	for (unsigned int i = 0; i < sizeof(with) / sizeof(with[0]); i++)
		CHECK(x86_exc_has_error_code(with[i]));
	for (unsigned int v = 0; v < 256; v++)
		n += x86_exc_has_error_code(v);
	CHECK_EQ(n, 10);
	CHECK(!x86_exc_has_error_code(TRAP_UD));
	CHECK(!x86_exc_has_error_code(TRAP_DB));
}

TEST(test_exc_combine)
{
	CHECK_EQ(x86_exc_combine(TRAP_GP, TRAP_NP), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exc_combine(TRAP_PF, TRAP_PF), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exc_combine(TRAP_PF, TRAP_GP), X86_EXC_DOUBLE_FAULT);
	CHECK_EQ(x86_exc_combine(TRAP_GP, TRAP_PF), X86_EXC_SECOND);
	CHECK_EQ(x86_exc_combine(TRAP_DF, TRAP_GP), X86_EXC_TRIPLE_FAULT);
	CHECK_EQ(x86_exc_combine(TRAP_DF, TRAP_UD), X86_EXC_SECOND);
	CHECK_EQ(x86_exc_combine(TRAP_DB, TRAP_GP), X86_EXC_SECOND);
}

TEST(test_cr0)
{
	struct x86_cr_state s = long_mode;
	struct x86_cr_state real = { .cr0 = X86_CR0_ET, .efer = EFER_LME };

	CHECK(!x86_cr0_check(&s, s.cr0 | X86_CR0_AM));
	CHECK(x86_cr0_check(&s, s.cr0 | (1ULL << 32)));
	CHECK(x86_cr0_check(&s, s.cr0 & ~X86_CR0_PE));		/* PG, no PE */
	CHECK(x86_cr0_check(&s, s.cr0 | X86_CR0_NW));		/* NW, no CD */
	CHECK(!x86_cr0_check(&s, s.cr0 | X86_CR0_NW | X86_CR0_CD));
	CHECK(x86_cr0_check(&s, s.cr0 & ~X86_CR0_PG));		/* 64-bit */
	s.cs_l = false;						/* compat */
	CHECK(!x86_cr0_check(&s, s.cr0 & ~X86_CR0_PG));
	/* Long mode on without PAE. */
	CHECK(x86_cr0_check(&real, X86_CR0_PE | X86_CR0_PG));
	real.cr4 = X86_CR4_PAE;
	CHECK(!x86_cr0_check(&real, X86_CR0_PE | X86_CR0_PG));
}

TEST(test_cr4)
{
	struct x86_policy p = base_policy();
	struct x86_cr_state s = long_mode;

	CHECK(!x86_cr4_check(&p, &s, s.cr4 | X86_CR4_OSXSAVE | X86_CR4_PKE));
	CHECK(!x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PCE));
	/* Not offered: VMXE (no nested), SMXE, LA57, MCE, UMIP, CET, PKS. */
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_VMXE));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_SMXE));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_LA57));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_MCE));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_UMIP));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PKS));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | (1ULL << 32)));
	CHECK(x86_cr4_check(&p, &s, s.cr4 | (1ULL << 15)));
	/* Offering MCE gives CR4.MCE, as OVMF's reset vector needs. */
	offer(&p, XEN_X86_FEATURE_MCE);
	CHECK(!x86_cr4_check(&p, &s, s.cr4 | X86_CR4_MCE));
	/* Hiding a feature takes its bit away. */
	p.fw[X86_FW_7C0] &= ~X86_FEATURE_BIT(PKU);
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PKE));
	offer(&p, XEN_X86_FEATURE_UMIP);
	CHECK(!x86_cr4_check(&p, &s, s.cr4 | X86_CR4_UMIP));
	/* Mode rules. */
	CHECK(x86_cr4_check(&p, &s, s.cr4 & ~X86_CR4_PAE));
	CHECK(!x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PCIDE));
	s.cr3 = 0x1001;
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PCIDE));
	s.efer &= ~EFER_LMA;
	s.cr3 = 0x1000;
	CHECK(x86_cr4_check(&p, &s, s.cr4 | X86_CR4_PCIDE));
	CHECK(!x86_cr4_check(&p, &s, s.cr4 & ~X86_CR4_PAE));
}

TEST(test_efer)
{
	struct x86_policy p = base_policy();
	struct x86_cr_state s = long_mode;

	CHECK(!x86_efer_check(&p, &s, s.efer));
	CHECK(!x86_efer_check(&p, &s, s.efer & ~EFER_SCE));
	CHECK(x86_efer_check(&p, &s, s.efer | EFER_SVME));
	CHECK(x86_efer_check(&p, &s, s.efer | EFER_LMSLE));
	CHECK(x86_efer_check(&p, &s, s.efer | EFER_FFXSE));
	CHECK(x86_efer_check(&p, &s, s.efer | EFER_TCE));
	CHECK(x86_efer_check(&p, &s, s.efer | (1ULL << 1)));
	CHECK(x86_efer_check(&p, &s, s.efer & ~EFER_LME));	/* paging */
	offer(&p, XEN_X86_FEATURE_FFXSR);
	CHECK(!x86_efer_check(&p, &s, s.efer | EFER_FFXSE));
	p.fw[X86_FW_E1D] &= ~X86_FEATURE_BIT(NX);
	CHECK(x86_efer_check(&p, &s, s.efer));
	s.cr0 &= ~X86_CR0_PG;
	CHECK(!x86_efer_check(&p, &s, EFER_LME));
}

TEST(test_xcr0)
{
	struct x86_policy p = base_policy();

	CHECK(!x86_xcr0_check(&p, X86_XCR0_X87));
	CHECK(!x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX));
	CHECK(!x86_xcr0_check(&p, p.xcr0));
	CHECK(x86_xcr0_check(&p, X86_XCR0_SSE));
	CHECK(x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_AVX));
	CHECK(x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_MPX));
	p.xcr0 |= X86_XCR0_MPX | X86_XCR0_AVX512;
	CHECK(!x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_MPX));
	CHECK(x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_BNDREGS));
	CHECK(x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX |
			     X86_XCR0_OPMASK));
	CHECK(x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_SSE |
			     X86_XCR0_AVX512));
	CHECK(!x86_xcr0_check(&p, X86_XCR0_X87 | X86_XCR0_SSE | X86_XCR0_AVX |
			      X86_XCR0_AVX512));
}

TEST(test_state)
{
	struct x86_policy p = base_policy();
	struct x86_cr_state s = long_mode;
	struct x86_cr_state rm = { .cr0 = X86_CR0_ET };

	CHECK(!x86_state_check(&p, &s));
	CHECK(!x86_state_check(&p, &rm));
	s.cr4 |= X86_CR4_VMXE;
	CHECK(x86_state_check(&p, &s));
	s = long_mode;
	s.efer &= ~EFER_LMA;				/* LME && PG, no LMA */
	CHECK(x86_state_check(&p, &s));
	s = long_mode;
	s.cr4 &= ~X86_CR4_PAE;
	CHECK(x86_state_check(&p, &s));
	s = long_mode;
	s.cr3 = 1ULL << 40;
	CHECK(x86_state_check(&p, &s));
	/* Legacy mode with LME and a CS that long mode would refuse. */
	rm.cr0 |= X86_CR0_PE;
	rm.efer = EFER_LME;
	rm.cs_l = rm.cs_db = true;
	CHECK(x86_state_check(&p, &rm));
	rm.cs_l = false;
	CHECK(!x86_state_check(&p, &rm));
	rm.cr0 |= 1ULL << 8;				/* reserved low bit */
	CHECK(x86_state_check(&p, &rm));
}

TEST(test_spec_ctrl)
{
	struct x86_policy p = base_policy();

	CHECK_EQ(x86_spec_ctrl_valid_bits(&p), 0);
	offer(&p, XEN_X86_FEATURE_IBRSB);
	offer(&p, XEN_X86_FEATURE_AMD_SSBD);
	CHECK_EQ(x86_spec_ctrl_valid_bits(&p), SPEC_CTRL_IBRS | SPEC_CTRL_SSBD);
	offer(&p, XEN_X86_FEATURE_PSFD);
	CHECK(x86_spec_ctrl_valid_bits(&p) & SPEC_CTRL_PSFD);
}

TEST(test_insn_len)
{
	static const u8 wbinvd[] = { 0x0f, 0x09 };
	static const u8 pfx_wbinvd[] = { 0xf3, 0x66, 0x0f, 0x09 };
	static const u8 mov_cr4_rax[] = { 0x0f, 0x22, 0xe0 };
	static const u8 mov_cr4_r9[] = { 0x41, 0x0f, 0x22, 0xe1 };
	static const u8 rex_then_pfx[] = { 0x41, 0x66, 0x0f, 0x22, 0xe1 };
	static const u8 too_long[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0x09 };
	unsigned int m = 0;

	CHECK_EQ(x86_insn_len_0f(wbinvd, 2, true, 0x09, NULL), 2);
	CHECK_EQ(x86_insn_len_0f(wbinvd, 1, true, 0x09, NULL), 0);
	CHECK_EQ(x86_insn_len_0f(wbinvd, 2, true, 0x08, NULL), 0);
	CHECK_EQ(x86_insn_len_0f(pfx_wbinvd, 4, false, 0x09, NULL), 4);
	CHECK_EQ(x86_insn_len_0f(mov_cr4_rax, 3, true, 0x22, &m), 3);
	CHECK_EQ(m, 0xe0);
	CHECK_EQ(x86_insn_len_0f(mov_cr4_rax, 2, true, 0x22, &m), 0);
	CHECK_EQ(x86_insn_len_0f(mov_cr4_r9, 4, true, 0x22, &m), 4);
	CHECK_EQ(m, 0xe1 | 0x200);			/* REX.B: r9 */
	/* Outside 64-bit mode 0x41 is INC ECX, not a prefix. */
	CHECK_EQ(x86_insn_len_0f(mov_cr4_r9, 4, false, 0x22, &m), 0);
	/* A REX before a legacy prefix is ignored (not r9 but rcx). */
	CHECK_EQ(x86_insn_len_0f(rex_then_pfx, 5, true, 0x22, &m), 5);
	CHECK_EQ(m, 0xe1);
	CHECK_EQ(x86_insn_len_0f(too_long, 16, true, 0x09, NULL), 0);
	CHECK_EQ(x86_insn_len_0f(too_long + 1, 15, true, 0x09, NULL), 15);
}

UNIT_MAIN(test_canonical, test_memory_types, test_error_codes,
	  test_exc_combine, test_cr0, test_cr4, test_efer, test_xcr0,
	  test_state, test_spec_ctrl, test_insn_len)
