/*
 * The CPUID policy and the MSR handlers agree, and CR0/CR4/EFER/XCR0
 * writes are checked against the features offered:
 *  - every MSR an advertised feature implies reads and writes without a
 *    fault (its own value back, or the documented command), and the MSR
 *    of every hidden feature raises #GP (as Xen 4.17 answers);
 *  - TSC_ADJUST has its architectural link with the TSC;
 *  - the machine-check banks answer as Xen 4.17's vMCE;
 *  - a CR4 bit whose feature is hidden, or that is reserved, raises #GP
 *    and leaves CR4 alone; offered ones can be set and cleared, and
 *    OSXSAVE/OSPKE in CPUID follow CR4;
 *  - invalid CR0 and EFER values and un-offered XCR0 components raise
 *    #GP (not a failed VM entry, which would crash this domain).
 * The CPUID leaves are printed for the log.
 */
#include "lib.h"
#include <public/arch-x86/cpufeatureset.h>

#define F(name) XEN_X86_FEATURE_##name
#define NONE (~0U)
/* Features Xen 4.17's featureset does not name (never offered). */
#define XEN_X86_FEATURE_WAITPKG (6 * 32 + 5)	/* CPUID 7.0 ECX[5] */
#define XEN_X86_FEATURE_LA57 (6 * 32 + 16)	/* CPUID 7.0 ECX[16] */

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_TS (1ULL << 3)
#define CR0_AM (1ULL << 18)
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)
#define CR0_WP (1ULL << 16)
#define CR4_PAE (1ULL << 5)
#define CR4_LA57 (1ULL << 12)
#define CR4_PCIDE (1ULL << 17)
#define CR4_OSXSAVE (1ULL << 18)
#define CR4_PKE (1ULL << 22)
#define MSR_EFER 0xc0000080
#define EFER_LME (1ULL << 8)

/* The CPUID register each featureset word comes from. */
static const struct { u32 leaf, sub; char reg; } words[] = {
	{ 1, 0, 'd' }, { 1, 0, 'c' }, { 0x80000001, 0, 'd' },
	{ 0x80000001, 0, 'c' }, { 0xd, 1, 'a' }, { 7, 0, 'b' }, { 7, 0, 'c' },
	{ 0x80000007, 0, 'd' }, { 0x80000008, 0, 'b' }, { 7, 0, 'd' },
	{ 7, 1, 'a' },
};

static bool leaf_exists(u32 leaf)
{
	return leaf < 0x80000000 ? cpuid(0).a >= leaf :
				   cpuid(0x80000000).a >= leaf;
}

static bool has(unsigned int feature)
{
	unsigned int w = feature / 32;
	struct cpuid c;
	u32 r;

	if (feature == NONE || w >= ARRAY_SIZE(words) ||
	    !leaf_exists(words[w].leaf))
		return false;
	c = cpuid_count(words[w].leaf, words[w].sub);
	r = words[w].reg == 'a' ? c.a : words[w].reg == 'b' ? c.b :
	    words[w].reg == 'c' ? c.c : c.d;
	return r & (1U << (feature % 32));
}

static void dump_cpuid(void)
{
	static const u32 leaves[][2] = {
		{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 7, 1 }, { 0xd, 0 }, { 0xd, 1 },
		{ 0x80000000, 0 }, { 0x80000001, 0 }, { 0x80000007, 0 },
		{ 0x80000008, 0 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(leaves); i++) {
		struct cpuid c = cpuid_count(leaves[i][0], leaves[i][1]);

		report_info("cpuid %#x.%u: %08x %08x %08x %08x", leaves[i][0],
			    leaves[i][1], c.a, c.b, c.c, c.d);
	}
}

/* ---- MSRs ---- */

enum access { RW, RO, WO };

struct msr_case {
	const char *name;
	u32 msr;
	unsigned int feat[3];	/* any of them implies the MSR; NONE: end */
	enum access access;
	u64 cmd;		/* WO: the value written */
};

static const struct msr_case msrs[] = {
	{ "TSC", 0x10, { F(TSC), NONE, NONE }, RW, 0 },
	{ "APIC_BASE", 0x1b, { F(APIC), NONE, NONE }, RW, 0 },
	{ "MTRRcap", 0xfe, { F(MTRR), NONE, NONE }, RO, 0 },
	{ "MTRRdefType", 0x2ff, { F(MTRR), NONE, NONE }, RW, 0 },
	{ "MTRRphysBase0", 0x200, { F(MTRR), NONE, NONE }, RW, 0 },
	{ "MTRRphysMask0", 0x201, { F(MTRR), NONE, NONE }, RW, 0 },
	{ "MTRRfix64K_00000", 0x250, { F(MTRR), NONE, NONE }, RW, 0 },
	{ "PAT", 0x277, { F(PAT), NONE, NONE }, RW, 0 },
	{ "SYSENTER_CS", 0x174, { F(SEP), NONE, NONE }, RW, 0 },
	{ "SYSENTER_ESP", 0x175, { F(SEP), NONE, NONE }, RW, 0 },
	{ "SYSENTER_EIP", 0x176, { F(SEP), NONE, NONE }, RW, 0 },
	{ "STAR", 0xc0000081, { F(SYSCALL), NONE, NONE }, RW, 0 },
	{ "LSTAR", 0xc0000082, { F(SYSCALL), NONE, NONE }, RW, 0 },
	{ "CSTAR", 0xc0000083, { F(SYSCALL), NONE, NONE }, RW, 0 },
	{ "SFMASK", 0xc0000084, { F(SYSCALL), NONE, NONE }, RW, 0 },
	{ "FS_BASE", 0xc0000100, { F(LM), NONE, NONE }, RW, 0 },
	{ "GS_BASE", 0xc0000101, { F(LM), NONE, NONE }, RW, 0 },
	{ "KERNEL_GS_BASE", 0xc0000102, { F(LM), NONE, NONE }, RW, 0 },
	{ "EFER", MSR_EFER, { F(LM), NONE, NONE }, RW, 0 },
	{ "TSC_AUX", 0xc0000103, { F(RDTSCP), F(RDPID), NONE }, RW, 0 },
	{ "TSC_ADJUST", 0x3b, { F(TSC_ADJUST), NONE, NONE }, RW, 0 },
	{ "PRED_CMD", 0x49, { F(IBRSB), F(IBPB), NONE }, WO, 1 },
	{ "FLUSH_CMD", 0x10b, { F(L1D_FLUSH), NONE, NONE }, WO, 1 },
	{ "ARCH_CAPABILITIES", 0x10a, { F(ARCH_CAPS), NONE, NONE }, RO, 0 },
	{ "MCG_CAP", 0x179, { F(MCA), NONE, NONE }, RW, 0 },	/* writes ignored */
	{ "MCG_STATUS", 0x17a, { F(MCA), NONE, NONE }, RW, 0 },
	{ "MC0_CTL", 0x400, { F(MCA), NONE, NONE }, RW, 0 },
	{ "TSC_DEADLINE", 0x6e0, { F(TSC_DEADLINE), NONE, NONE }, RW, 0 },
	{ "XSS", 0xda0, { F(XSAVES), NONE, NONE }, RW, 0 },
	{ "PERF_CAPABILITIES", 0x345, { F(PDCM), NONE, NONE }, RO, 0 },
	{ "DS_AREA", 0x600, { F(DS), NONE, NONE }, RW, 0 },
	{ "BNDCFGS", 0xd90, { F(MPX), NONE, NONE }, RW, 0 },
	{ "U_CET", 0x6a0, { F(CET_SS), F(CET_IBT), NONE }, RW, 0 },
	{ "UMWAIT_CONTROL", 0xe1, { F(WAITPKG), NONE, NONE }, RW, 0 },
	{ "VIRT_SPEC_CTRL", 0xc001011f, { F(VIRT_SSBD), NONE, NONE }, RW, 0 },
	{ "DR0_ADDR_MASK", 0xc0011027, { F(DBEXT), NONE, NONE }, RW, 0 },
};

static bool msr_offered(const struct msr_case *m)
{
	for (unsigned int i = 0; i < 3 && m->feat[i] != NONE; i++)
		if (has(m->feat[i]))
			return true;
	return false;
}

static const char *vec(int v)
{
	return v == FAULT_NONE ? "no fault" : vector_name(v);
}

static void check_offered_msr(const struct msr_case *m)
{
	u64 val = 0, back = 0;
	int v;

	if (m->access != WO) {
		v = rdmsr_safe(m->msr, &val);
		report(v == FAULT_NONE, "offered %s (%#x) reads (%s, %#lx)",
		       m->name, m->msr, vec(v), val);
		if (v != FAULT_NONE)
			return;
	}
	if (m->access == RO) {
		v = wrmsr_safe(m->msr, val ^ 1);
		report(v == GP_VECTOR, "read-only %s: write raises #GP (%s)",
		       m->name, vec(v));
		return;
	}
	if (m->access == WO) {
		v = wrmsr_safe(m->msr, m->cmd);
		report(v == FAULT_NONE, "offered %s accepts %#lx (%s)", m->name,
		       m->cmd, vec(v));
		v = rdmsr_safe(m->msr, &val);
		report(v == GP_VECTOR, "write-only %s: read raises #GP (%s)",
		       m->name, vec(v));
		return;
	}
	v = wrmsr_safe(m->msr, val);
	if (v == FAULT_NONE)
		v = rdmsr_safe(m->msr, &back);
	report(v == FAULT_NONE && (back == val || m->msr == 0x10),
	       "offered %s takes its own value %#lx back (%s, reads %#lx)",
	       m->name, val, vec(v), back);
}

static void check_hidden_msr(const struct msr_case *m)
{
	u64 val;
	int r = rdmsr_safe(m->msr, &val), w = wrmsr_safe(m->msr, 0);

	report(r == GP_VECTOR && w == GP_VECTOR,
	       "hidden %s (%#x): read and write raise #GP (%s, %s)", m->name,
	       m->msr, vec(r), vec(w));
}

/* SPEC_CTRL: exists if any of its features is offered; each bit only
 * with its feature. */
static void check_spec_ctrl(void)
{
	static const struct { u64 bit; unsigned int f1, f2; } bits[] = {
		{ 1 << 0, F(IBRSB), F(IBRS) },
		{ 1 << 1, F(STIBP), F(AMD_STIBP) },
		{ 1 << 2, F(SSBD), F(AMD_SSBD) },
		{ 1 << 7, F(PSFD), F(INTEL_PSFD) },
	};
	u64 ok = 0, val;
	int v;

	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++)
		if (has(bits[i].f1) || has(bits[i].f2))
			ok |= bits[i].bit;
	if (!ok) {
		v = rdmsr_safe(0x48, &val);
		report(v == GP_VECTOR, "no SPEC_CTRL feature: SPEC_CTRL read "
		       "raises #GP (%s)", vec(v));
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
		v = wrmsr_safe(0x48, bits[i].bit);
		report(v == (ok & bits[i].bit ? FAULT_NONE : GP_VECTOR),
		       "SPEC_CTRL bit %#lx (%s): %s", (unsigned long)bits[i].bit,
		       ok & bits[i].bit ? "offered" : "not offered", vec(v));
	}
	report(wrmsr_safe(0x48, 0) == FAULT_NONE &&
	       rdmsr_safe(0x48, &val) == FAULT_NONE && val == 0,
	       "SPEC_CTRL back to 0 (%#lx)", val);
}

/* The machine-check MSRs as Xen 4.17 answers them (hvm/vmce.c): two
 * banks, MCi_CTL all ones, MCi_STATUS takes only 0, no LMCE. */
static void check_vmce(void)
{
	u64 cap, val;
	int v;

	if (!has(F(MCA)) || rdmsr_safe(0x179, &cap) != FAULT_NONE)
		return;
	report((cap & 0xff) == 2, "MCG_CAP: %lu banks (%#lx)", cap & 0xff, cap);
	v = wrmsr_safe(0x179, 0);
	if (v == FAULT_NONE)
		v = rdmsr_safe(0x179, &val);
	report(v == FAULT_NONE && val == cap,
	       "MCG_CAP: a write is ignored (%s, reads %#lx)", vec(v), val);
	v = rdmsr_safe(0x404, &val);
	report(v == FAULT_NONE && val == ~0ULL, "MC1_CTL reads all ones (%s, %#lx)",
	       vec(v), val);
	report(wrmsr_safe(0x405, 0) == FAULT_NONE, "MC1_STATUS takes 0");
	v = wrmsr_safe(0x405, 1);
	report(v == GP_VECTOR, "MC1_STATUS: a non-zero write raises #GP (%s)", vec(v));
	v = rdmsr_safe(0x408, &val);
	report(v == FAULT_NONE && val == 0, "MC2_CTL (past the banks) reads 0 (%s, %#lx)",
	       vec(v), val);
	v = rdmsr_safe(0x4d0, &val);
	report(v == GP_VECTOR, "MCG_EXT_CTL (no LMCE) raises #GP (%s)", vec(v));
}

/* SDM vol. 3 17.17.3: TSC_ADJUST moves with the TSC and the TSC with it. */
static void check_tsc_adjust(void)
{
	const u64 step = 1ULL << 36;
	u64 adj0, adj, t0, t1;

	if (!has(F(TSC_ADJUST)) || rdmsr_safe(0x3b, &adj0) != FAULT_NONE)
		return;
	t0 = rdtsc();
	wrmsr(0x3b, adj0 + step);
	t1 = rdtsc();
	report(t1 - t0 >= step && t1 - t0 < step + (1ULL << 32),
	       "TSC_ADJUST += 2^36 moved the TSC by %#lx", t1 - t0);
	wrmsr(0x10, rdtsc() - step);
	adj = rdmsr(0x3b);
	report(adj - adj0 < (1ULL << 32) || adj0 - adj < (1ULL << 32),
	       "TSC write moved TSC_ADJUST back: %#lx -> %#lx", adj0, adj);
	wrmsr(0x3b, adj0);
}

static void check_msrs(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(msrs); i++) {
		if (msr_offered(&msrs[i]))
			check_offered_msr(&msrs[i]);
		else
			check_hidden_msr(&msrs[i]);
	}
	check_spec_ctrl();
	check_tsc_adjust();
	check_vmce();
}

/* ---- control registers, EFER, XCR0 ---- */

static int write_cr0_safe(u64 v)
{
	fault_clear();
	asm volatile("1: mov %0, %%cr0\n2:\n" ASM_EXTABLE(1b, 2b)
		     : : "r"(v) : "memory");
	return fault_vector();
}

static int write_cr4_safe(u64 v)
{
	fault_clear();
	asm volatile("1: mov %0, %%cr4\n2:\n" ASM_EXTABLE(1b, 2b)
		     : : "r"(v) : "memory");
	return fault_vector();
}

static int xsetbv_safe(u32 idx, u64 v)
{
	fault_clear();
	asm volatile("1: xsetbv\n2:\n" ASM_EXTABLE(1b, 2b)
		     : : "c"(idx), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
	return fault_vector();
}

static u64 xgetbv0(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo | ((u64)hi << 32);
}

/* Each CR4 bit, the feature that offers it, and whether this guest can
 * flip it without harming itself (SMEP/SMAP would stop it running from
 * its user-accessible pages; PAE and LA57 are mode rules, below). */
static const struct { unsigned int bit, f1, f2; bool toggle; } cr4_bits[] = {
	{ 0, F(VME), NONE, true }, { 1, F(VME), NONE, true },
	{ 2, F(TSC), NONE, true }, { 3, F(DE), NONE, true },
	{ 6, F(MCE), F(MCA), true }, { 8, NONE, NONE, true },
	{ 11, F(UMIP), NONE, true }, { 13, F(VMX), NONE, true },
	{ 14, F(SMX), NONE, true }, { 15, NONE, NONE, false },
	{ 16, F(FSGSBASE), NONE, true }, { 17, F(PCID), NONE, true },
	{ 18, F(XSAVE), NONE, true }, { 19, NONE, NONE, false },
	{ 20, F(SMEP), NONE, false }, { 21, F(SMAP), NONE, false },
	{ 22, F(PKU), NONE, true }, { 23, F(CET_SS), F(CET_IBT), false },
	{ 24, NONE, NONE, false }, { 25, NONE, NONE, false },
	{ 28, NONE, NONE, false }, { 31, NONE, NONE, false },
	{ 32, NONE, NONE, false }, { 63, NONE, NONE, false },
};

static void check_cr4_bit(unsigned int i, u64 cr4)
{
	unsigned int b = cr4_bits[i].bit;
	bool offered = b == 8 || has(cr4_bits[i].f1) || has(cr4_bits[i].f2);
	u64 bit = 1ULL << b;
	int v;

	if ((cr4 & bit) || (offered && !cr4_bits[i].toggle))
		return;			/* set already, or not to be set */
	if (b == 17 && (read_cr3() & 0xfff))
		return;			/* PCIDE needs CR3[11:0] = 0 */
	v = write_cr4_safe(cr4 | bit);
	if (!offered) {
		report(v == GP_VECTOR && read_cr4() == cr4,
		       "CR4 bit %u (not offered) raises #GP (%s)", b, vec(v));
		return;
	}
	report(v == FAULT_NONE && read_cr4() == (cr4 | bit),
	       "CR4 bit %u (offered) sets (%s, CR4 %#lx)", b, vec(v), read_cr4());
	report(write_cr4_safe(cr4) == FAULT_NONE && read_cr4() == cr4,
	       "CR4 bit %u clears again", b);
}

static void check_cr4(void)
{
	u64 cr4 = read_cr4();
	int v;

	report_info("CR0 %#lx CR4 %#lx", read_cr0(), cr4);
	for (unsigned int i = 0; i < ARRAY_SIZE(cr4_bits); i++)
		check_cr4_bit(i, cr4);
	v = write_cr4_safe(cr4 & ~CR4_PAE);
	report(v == GP_VECTOR, "clearing CR4.PAE in long mode raises #GP (%s)",
	       vec(v));
	v = write_cr4_safe(cr4 | CR4_LA57);
	report(v == GP_VECTOR, "setting CR4.LA57 in long mode raises #GP (%s)",
	       vec(v));
	report(read_cr4() == cr4, "CR4 unchanged by the refused writes");
	/* The OS* bits in CPUID follow CR4. */
	if (has(F(XSAVE)) && !(cr4 & CR4_OSXSAVE)) {
		write_cr4_safe(cr4 | CR4_OSXSAVE);
		report(has(F(OSXSAVE)), "CPUID OSXSAVE follows CR4.OSXSAVE");
		write_cr4_safe(cr4);
		report(!has(F(OSXSAVE)), "CPUID OSXSAVE clears with CR4");
	}
	if (has(F(PKU)) && !(cr4 & CR4_PKE)) {
		write_cr4_safe(cr4 | CR4_PKE);
		report(has(F(OSPKE)), "CPUID OSPKE follows CR4.PKE");
		write_cr4_safe(cr4);
		report(!has(F(OSPKE)), "CPUID OSPKE clears with CR4");
	}
}

static void check_cr0(void)
{
	u64 cr0 = read_cr0();
	int v;

	v = write_cr0_safe(cr0 | (1ULL << 32));
	report(v == GP_VECTOR, "CR0 bit 32 raises #GP (%s)", vec(v));
	v = write_cr0_safe((cr0 & ~CR0_CD) | CR0_NW);
	report(v == GP_VECTOR, "CR0.NW without CD raises #GP (%s)", vec(v));
	v = write_cr0_safe(cr0 & ~CR0_PG);
	report(v == GP_VECTOR, "clearing CR0.PG in 64-bit mode raises #GP (%s)",
	       vec(v));
	v = write_cr0_safe(cr0 & ~CR0_PE);
	report(v == GP_VECTOR, "CR0.PG without PE raises #GP (%s)", vec(v));
	report(read_cr0() == cr0, "CR0 unchanged by the refused writes");
	v = write_cr0_safe(cr0 ^ CR0_AM);
	report(v == FAULT_NONE && read_cr0() == (cr0 ^ CR0_AM),
	       "CR0.AM toggles (%s)", vec(v));
	v = write_cr0_safe(cr0 | CR0_CD | CR0_NW);
	report(v == FAULT_NONE, "CR0.CD|NW accepted (%s)", vec(v));
	write_cr0_safe(cr0 | CR0_TS);
	asm volatile("clts" ::: "memory");
	report(read_cr0() == cr0, "CLTS clears CR0.TS (%#lx)", read_cr0());
	/* LMSW writes CR0[3:0] (here MP), and cannot clear PE. */
	asm volatile("lmsw %w0" : : "r"((u16)(cr0 ^ CR0_MP)) : "memory");
	report(read_cr0() == (cr0 ^ CR0_MP), "LMSW toggles CR0.MP (%#lx)",
	       read_cr0());
	asm volatile("lmsw %w0" : : "r"((u16)(cr0 & ~CR0_PE)) : "memory");
	report(read_cr0() == cr0, "LMSW restores MP and keeps PE (%#lx)",
	       read_cr0());
	report(write_cr0_safe(cr0) == FAULT_NONE && read_cr0() == cr0,
	       "CR0 restored to %#lx", cr0);
}

static void check_efer(void)
{
	static const struct { u64 bit; unsigned int feat; const char *name; }
	bits[] = {
		{ 1ULL << 1, NONE, "bit 1" }, { 1ULL << 12, F(SVM), "SVME" },
		{ 1ULL << 13, NONE, "LMSLE" }, { 1ULL << 14, F(FFXSR), "FFXSE" },
		{ 1ULL << 15, NONE, "TCE" }, { 1ULL << 63, NONE, "bit 63" },
	};
	u64 efer = rdmsr(MSR_EFER);
	int v;

	for (unsigned int i = 0; i < ARRAY_SIZE(bits); i++) {
		bool offered = has(bits[i].feat);

		v = wrmsr_safe(MSR_EFER, efer | bits[i].bit);
		report(v == (offered ? FAULT_NONE : GP_VECTOR),
		       "EFER.%s (%s): %s", bits[i].name,
		       offered ? "offered" : "not offered", vec(v));
		wrmsr_safe(MSR_EFER, efer);
	}
	v = wrmsr_safe(MSR_EFER, efer & ~EFER_LME);
	report(v == GP_VECTOR, "clearing EFER.LME while paging raises #GP (%s)",
	       vec(v));
	report(rdmsr(MSR_EFER) == efer, "EFER unchanged (%#lx)", efer);
}

static void check_xcr0(void)
{
	u64 cr4 = read_cr4(), offered, x87_sse = 3, taken = 0;
	struct cpuid c;
	int v;

	if (!has(F(XSAVE))) {
		report_skip("XSAVE not offered: no XCR0");
		return;
	}
	write_cr4_safe(cr4 | CR4_OSXSAVE);
	c = cpuid_count(0xd, 0);
	offered = c.a | ((u64)c.d << 32);
	report_info("XCR0 offered %#lx, now %#lx", offered, xgetbv0());
	v = xsetbv_safe(0, offered);
	report(v == FAULT_NONE && xgetbv0() == offered,
	       "XCR0 = every offered component (%#lx): %s", offered, vec(v));
	c = cpuid_count(0xd, 0);
	report(c.b == c.c, "CPUID 0xD.0 EBX %u = ECX %u for the full XCR0",
	       c.b, c.c);
	report(xsetbv_safe(0, x87_sse) == FAULT_NONE && xgetbv0() == x87_sse &&
	       cpuid_count(0xd, 0).b == 576, "XCR0 = x87|SSE, area 576 bytes");
	v = xsetbv_safe(0, 2);
	report(v == GP_VECTOR, "XCR0 without x87 raises #GP (%s)", vec(v));
	v = xsetbv_safe(0, 5);
	report(v == GP_VECTOR, "XCR0 AVX without SSE raises #GP (%s)", vec(v));
	v = xsetbv_safe(1, x87_sse);
	report(v == GP_VECTOR, "XSETBV to XCR1 raises #GP (%s)", vec(v));
	for (unsigned int i = 2; i < 64; i++)
		if (!(offered & (1ULL << i)) &&
		    xsetbv_safe(0, offered | (1ULL << i)) != GP_VECTOR)
			taken |= 1ULL << i;
	report(!taken, "every XCR0 bit not offered raises #GP (taken: %#lx)",
	       taken);
	report(xgetbv0() == x87_sse, "XCR0 unchanged by the refused writes");
	write_cr4_safe(cr4);
}

int main(void)
{
	dump_cpuid();
	report(!has(F(MONITOR)) && !has(F(VMX)) && !has(F(SVM)) &&
	       !has(F(LA57)) && !has(F(MPX)),
	       "MONITOR, VMX, SVM, LA57, MPX not offered");
	check_msrs();
	check_cr0();
	check_cr4();
	check_efer();
	check_xcr0();
	return report_result();
}
