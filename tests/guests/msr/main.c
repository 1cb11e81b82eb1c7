/*
 * MSRs a PVH guest (Linux, hvmloader) touches: each one reads, the
 * writable ones round-trip, and the architectural #GP cases raise #GP in
 * the guest: an unknown MSR (read and write), an invalid PAT memory type,
 * a non-canonical LSTAR, writes to the read-only MTRRcap.
 */
#include "lib.h"

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_SPEC_CTRL 0x48
#define MSR_MTRRCAP 0xfe
#define MSR_MISC_ENABLE 0x1a0
#define MSR_PAT 0x277
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define MSR_UNKNOWN 0x12345678

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define PAT_RESET 0x0007040600070406ULL

/* Read @msr; on success report and return true with *val set. */
static bool read_ok(u32 msr, const char *name, u64 *val)
{
	int v = rdmsr_safe(msr, val);

	if (v != FAULT_NONE)
		return report(false, "rdmsr %s (%#x) raised %s", name, msr, vector_name(v));
	report_info("rdmsr %s (%#x) = %#lx", name, msr, *val);
	return true;
}

/* Write @val, read it back, then restore the old value. */
static void round_trip(u32 msr, const char *name, u64 val)
{
	u64 old, got = 0;
	int v;

	if (!read_ok(msr, name, &old))
		return;
	v = wrmsr_safe(msr, val);
	if (v != FAULT_NONE) {
		report(false, "wrmsr %s (%#x) = %#lx raised %s", name, msr, val,
		       vector_name(v));
		return;
	}
	v = rdmsr_safe(msr, &got);
	report(v == FAULT_NONE && got == val, "%s round-trips %#lx (read %#lx)",
	       name, val, got);
	report(wrmsr_safe(msr, old) == FAULT_NONE, "%s restored to %#lx", name, old);
}

static void expect_gp_write(u32 msr, const char *name, u64 val)
{
	int v = wrmsr_safe(msr, val);

	report(v == GP_VECTOR, "wrmsr %s (%#x) = %#lx raises #GP (got %s)", name,
	       msr, val, v == FAULT_NONE ? "no fault" : vector_name(v));
}

static void check_efer(void)
{
	u64 efer;

	if (!read_ok(MSR_EFER, "EFER", &efer))
		return;
	report((efer & (EFER_LME | EFER_LMA)) == (EFER_LME | EFER_LMA),
	       "EFER has LME and LMA in long mode");
	round_trip(MSR_EFER, "EFER", efer ^ EFER_SCE);
}

static void check_pat(void)
{
	u64 pat, now;

	if (!read_ok(MSR_PAT, "PAT", &pat))
		return;
	report(pat == PAT_RESET, "PAT reset value %#llx", PAT_RESET);
	/* UC, WC, WT, WP, WB, UC- in different slots. */
	round_trip(MSR_PAT, "PAT", 0x0007010600050406ULL);
	expect_gp_write(MSR_PAT, "PAT (type 2 in entry 0)", (pat & ~0xffULL) | 2);
	expect_gp_write(MSR_PAT, "PAT (type 3 in entry 5)", (pat & ~(0xffULL << 40)) | (3ULL << 40));
	expect_gp_write(MSR_PAT, "PAT (type 8 in entry 7)", (pat & ~(0xffULL << 56)) | (8ULL << 56));
	report(rdmsr_safe(MSR_PAT, &now) == FAULT_NONE && now == pat,
	       "PAT unchanged by the faulting writes (%#lx)", now);
}

static void check_mtrr(void)
{
	u64 cap, def;

	if (read_ok(MSR_MTRRCAP, "MTRRcap", &cap))
		expect_gp_write(MSR_MTRRCAP, "MTRRcap (read-only)", cap);
	if (!read_ok(MSR_MTRR_DEF_TYPE, "MTRRdefType", &def))
		return;
	round_trip(MSR_MTRR_DEF_TYPE, "MTRRdefType", (1ULL << 11) | 6);	/* E, WB */
	round_trip(MSR_MTRR_DEF_TYPE, "MTRRdefType", 0);		/* disabled, UC */
	expect_gp_write(MSR_MTRR_DEF_TYPE, "MTRRdefType (type 2)", (1ULL << 11) | 2);
}

static void check_apic_base(void)
{
	u64 base;

	if (!read_ok(MSR_APIC_BASE, "APIC_BASE", &base))
		return;
	report((base & ~0xfffULL) == 0xfee00000 && (base & (1 << 11)) &&
	       (base & (1 << 8)), "APIC_BASE = 0xfee00000, enabled, BSP");
	report(wrmsr_safe(MSR_APIC_BASE, base) == FAULT_NONE,
	       "APIC_BASE accepts its own value back");
}

static void check_syscall_msrs(void)
{
	round_trip(MSR_STAR, "STAR", 0x0023001000080000ULL);
	round_trip(MSR_LSTAR, "LSTAR", 0xffffffff81234560ULL);
	round_trip(MSR_CSTAR, "CSTAR", 0x0000000000123450ULL);
	round_trip(MSR_SFMASK, "SFMASK", 0x47700);
	expect_gp_write(MSR_LSTAR, "LSTAR (non-canonical)", 0x8000000000000000ULL);
}

static u64 fs_probe = 0x1122334455667788ULL;

static void check_segment_bases(void)
{
	u64 got;

	round_trip(MSR_GS_BASE, "GS_BASE", 0xffff888000001000ULL);
	round_trip(MSR_KERNEL_GS_BASE, "KERNEL_GS_BASE", 0x00007f0000002000ULL);
	round_trip(MSR_FS_BASE, "FS_BASE", 0x0000000000403000ULL);
	/* The base must really be in use: %fs:0 reads fs_probe. */
	if (wrmsr_safe(MSR_FS_BASE, (u64)&fs_probe) == FAULT_NONE) {
		asm volatile("mov %%fs:0, %0" : "=r"(got));
		report(got == fs_probe, "FS_BASE is live: %%fs:0 = %#lx", got);
		wrmsr(MSR_FS_BASE, 0);
	}
}

static void check_tsc(void)
{
	u64 t0 = rdtsc(), t1, t2, target;

	if (!read_ok(MSR_TSC, "TSC", &t1))
		return;
	report(t1 >= t0, "rdmsr TSC %#lx >= earlier rdtsc %#lx", t1, t0);
	/* Move the TSC 2^40 ticks ahead, check, and move it back. */
	target = rdtsc() + (1ULL << 40);
	if (wrmsr_safe(MSR_TSC, target) != FAULT_NONE) {
		report(false, "wrmsr TSC raised a fault");
		return;
	}
	t2 = rdtsc();
	report(t2 >= target && t2 - target < (1ULL << 32),
	       "TSC write took effect: wrote %#lx, rdtsc %#lx", target, t2);
	wrmsr(MSR_TSC, rdtsc() - (1ULL << 40));
}

static void check_tsc_aux(void)
{
	u32 lo, hi, aux;

	round_trip(MSR_TSC_AUX, "TSC_AUX", 0x12345);
	if (cpuid(0x80000000).a >= 0x80000001 && (cpuid(0x80000001).d & (1U << 27))) {
		wrmsr(MSR_TSC_AUX, 0x54321);
		asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
		report(aux == 0x54321, "RDTSCP returns TSC_AUX in ECX (%#x)", aux);
		wrmsr(MSR_TSC_AUX, 0);
	} else {
		report_skip("RDTSCP not advertised");
	}
}

static bool spec_ctrl_advertised(void)
{
	u32 max_ext = cpuid(0x80000000).a;

	if (cpuid(0).a >= 7 && (cpuid_count(7, 0).d & 0x8c000000))
		return true;
	return max_ext >= 0x80000008 && (cpuid(0x80000008).b & 0x0100c000);
}

static void check_misc(void)
{
	u64 v;

	if (read_ok(MSR_MISC_ENABLE, "MISC_ENABLE", &v))
		report(wrmsr_safe(MSR_MISC_ENABLE, v) == FAULT_NONE,
		       "MISC_ENABLE accepts its own value back");
	/* SPEC_CTRL exists when CPUID names one of its controls (7.0 EDX
	 * IBRSB/STIBP/SSBD, 0x80000008 EBX IBRS/STIBP/SSBD), as in Xen. */
	if (!spec_ctrl_advertised()) {
		int vec = rdmsr_safe(MSR_SPEC_CTRL, &v);

		report(vec == GP_VECTOR, "SPEC_CTRL not advertised: #GP (got %s)",
		       vec == FAULT_NONE ? "no fault" : vector_name(vec));
	} else if (read_ok(MSR_SPEC_CTRL, "SPEC_CTRL", &v)) {
		report(wrmsr_safe(MSR_SPEC_CTRL, 0) == FAULT_NONE, "SPEC_CTRL = 0 accepted");
		report(rdmsr_safe(MSR_SPEC_CTRL, &v) == FAULT_NONE && v == 0,
		       "SPEC_CTRL reads back 0 (%#lx)", v);
	}
}

static void check_unknown(void)
{
	u64 v;
	int vec = rdmsr_safe(MSR_UNKNOWN, &v);

	report(vec == GP_VECTOR, "rdmsr %#x (unknown) raises #GP (got %s)",
	       MSR_UNKNOWN, vec == FAULT_NONE ? "no fault" : vector_name(vec));
	expect_gp_write(MSR_UNKNOWN, "unknown", 0);
}

int main(void)
{
	check_efer();
	check_pat();
	check_mtrr();
	check_apic_base();
	check_syscall_msrs();
	check_segment_bases();
	check_tsc();
	check_tsc_aux();
	check_misc();
	check_unknown();
	return report_result();
}
