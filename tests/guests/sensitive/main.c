/*
 * What a guest may run natively is a written choice (hvm/svm/vcpu.c
 * above svm_vmcb_init(), hvm/vmx/vmx.c above vmx_setup_controls()):
 * each sensitive instruction gets the answer Xen 4.17 gives, under
 * either vendor.  #UD for what CPUID hides (the SVM and VMX instructions
 * without nesting, GETSEC, MONITOR/MWAIT and MONITORX/MWAITX, RDPRU,
 * INVLPGA), #GP for RDPMC (no counters), INVD/WBINVD/WBNOINVD complete,
 * the native ones (RDTSCP and RDPID if offered, INT3, debug registers,
 * descriptor tables, SWAPGS, INVLPG) behave as on hardware.  #DB is
 * intercepted by both and must still arrive as the CPU delivers it
 * (single step, data and instruction breakpoints, ICEBP, general
 * detect, STI and MOV SS shadows: debug.c).
 *
 * "tlb=victim" / "tlb=attacker": two domains pinned to one pCPU.  Under
 * SVM, an INVLPGA that ran natively would flush TLB entries of any ASID:
 * the attacker tries every ASID (each must raise #UD), while the victim
 * keeps a stale translation (a PTE changed without INVLPG) and checks it
 * survives.  That is observable only where a TLB entry survives a world
 * switch (ASID-tagged TLBs on hardware); the victim measures this first
 * and says so when it cannot be observed (QEMU TCG flushes its TLB at
 * every VMRUN and #VMEXIT), leaving the #UD answers as the assertion.
 */
#include "lib.h"
#include "sensitive.h"

static u8 scratch[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

const char *vec_name(int v)
{
	return v == FAULT_NONE ? "no fault" : vector_name(v);
}

/* One instruction, run with RAX = &scratch, RBX = RCX = RDX = 0 (any
 * of which it may change). */
#define INSN(fn, text)							\
static int fn(void)							\
{									\
	u64 a = (u64)scratch, b = 0, c = 0, d = 0;			\
									\
	fault_clear();							\
	asm volatile("1: " text "\n2:\n" ASM_EXTABLE(1b, 2b)		\
		     : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");	\
	return fault_vector();						\
}

/* AMD SVM (APM vol. 3): CPUID hides SVM. */
INSN(do_vmrun, ".byte 0x0f, 0x01, 0xd8")
INSN(do_vmload, ".byte 0x0f, 0x01, 0xda")
INSN(do_vmsave, ".byte 0x0f, 0x01, 0xdb")
INSN(do_stgi, ".byte 0x0f, 0x01, 0xdc")
INSN(do_clgi, ".byte 0x0f, 0x01, 0xdd")
INSN(do_skinit, ".byte 0x0f, 0x01, 0xde")
INSN(do_invlpga, ".byte 0x0f, 0x01, 0xdf")
/* Intel VMX and SMX (SDM vol. 2): CPUID hides them. */
INSN(do_vmxon, "vmxon (%%rax)")
INSN(do_vmxoff, "vmxoff")
INSN(do_vmclear, "vmclear (%%rax)")
INSN(do_vmptrld, "vmptrld (%%rax)")
INSN(do_vmptrst, "vmptrst (%%rax)")
INSN(do_vmread, "vmread %%rax, %%rbx")
INSN(do_vmwrite, "vmwrite %%rbx, %%rax")
INSN(do_vmlaunch, "vmlaunch")
INSN(do_vmresume, "vmresume")
INSN(do_invept, "invept (%%rax), %%rcx")
INSN(do_invvpid, "invvpid (%%rax), %%rcx")
INSN(do_vmfunc, ".byte 0x0f, 0x01, 0xd4")
INSN(do_getsec, ".byte 0x0f, 0x37")
/* Hidden by CPUID: MONITOR/MWAIT, MONITORX/MWAITX, RDPRU. */
INSN(do_monitor, ".byte 0x0f, 0x01, 0xc8")
INSN(do_mwait, ".byte 0x0f, 0x01, 0xc9")
INSN(do_monitorx, ".byte 0x0f, 0x01, 0xfa")
INSN(do_mwaitx, ".byte 0x0f, 0x01, 0xfb")
INSN(do_rdpru, ".byte 0x0f, 0x01, 0xfd")
/* No PMU is offered. */
INSN(do_rdpmc, "rdpmc")
/* Caches: completed as no-ops. */
INSN(do_invd, "invd")
INSN(do_wbinvd, "wbinvd")
INSN(do_wbnoinvd, ".byte 0xf3, 0x0f, 0x09")
INSN(do_wbinvd_pfx, ".byte 0x2e, 0x66, 0x0f, 0x09")
/* Native. */
INSN(do_rdtscp, "rdtscp")
INSN(do_rdpid, ".byte 0xf3, 0x0f, 0xc7, 0xf8")		/* rdpid %eax */
INSN(do_invlpg, "invlpg (%%rax)")
INSN(do_sgdt, "sgdt (%%rax)")
INSN(do_sidt, "sidt (%%rax)")
INSN(do_str, "str %%ebx")
INSN(do_swapgs2, "swapgs; swapgs")
INSN(do_pause, "pause")
INSN(do_xgetbv, "xgetbv")

enum expect { UD, GP, NONE, NONE_IF_OFFERED };

#define C(n, f, w) { .name = n, .fn = f, .want = w }
#define C_IF(n, f, l, r, b) { .name = n, .fn = f, .want = NONE_IF_OFFERED, \
			      .leaf = l, .reg = r, .bit = b }

static const struct insn_case {
	const char *name;
	int (*fn)(void);
	enum expect want;
	u32 leaf, reg, bit;	/* NONE_IF_OFFERED: the CPUID feature */
} cases[] = {
	C("VMRUN", do_vmrun, UD), C("VMLOAD", do_vmload, UD),
	C("VMSAVE", do_vmsave, UD), C("STGI", do_stgi, UD),
	C("CLGI", do_clgi, UD), C("SKINIT", do_skinit, UD),
	C("INVLPGA", do_invlpga, UD),
	C("VMXON", do_vmxon, UD), C("VMXOFF", do_vmxoff, UD),
	C("VMCLEAR", do_vmclear, UD), C("VMPTRLD", do_vmptrld, UD),
	C("VMPTRST", do_vmptrst, UD), C("VMREAD", do_vmread, UD),
	C("VMWRITE", do_vmwrite, UD), C("VMLAUNCH", do_vmlaunch, UD),
	C("VMRESUME", do_vmresume, UD), C("INVEPT", do_invept, UD),
	C("INVVPID", do_invvpid, UD), C("VMFUNC", do_vmfunc, UD),
	C("GETSEC", do_getsec, UD),
	C("MONITOR", do_monitor, UD), C("MWAIT", do_mwait, UD),
	C("MONITORX", do_monitorx, UD), C("MWAITX", do_mwaitx, UD),
	C("RDPRU", do_rdpru, UD),
	C("RDPMC", do_rdpmc, GP),
	C("INVD", do_invd, NONE), C("WBINVD", do_wbinvd, NONE),
	C("WBNOINVD", do_wbnoinvd, NONE),
	C("WBINVD with prefixes", do_wbinvd_pfx, NONE),
	C_IF("RDTSCP", do_rdtscp, 0x80000001, 'd', 27),
	C_IF("RDPID", do_rdpid, 7, 'c', 22),
	C("INVLPG", do_invlpg, NONE), C("SGDT", do_sgdt, NONE),
	C("SIDT", do_sidt, NONE), C("STR", do_str, NONE),
	C("SWAPGS x2", do_swapgs2, NONE), C("PAUSE", do_pause, NONE),
	C_IF("XGETBV", do_xgetbv, 1, 'c', 27),	/* OSXSAVE */
};

static bool cpuid_bit(u32 leaf, u32 reg, u32 bit)
{
	struct cpuid c;
	u32 r;

	if (leaf >= 0x80000000 ? cpuid(0x80000000).a < leaf : cpuid(0).a < leaf)
		return false;
	c = cpuid_count(leaf, 0);
	r = reg == 'b' ? c.b : reg == 'c' ? c.c : c.d;
	return r & (1U << bit);
}

static void check_insn(const struct insn_case *c)
{
	int want = c->want == UD ? UD_VECTOR : c->want == GP ? GP_VECTOR :
		   FAULT_NONE;
	int got = c->fn();

	if (c->want == NONE_IF_OFFERED &&
	    !cpuid_bit(c->leaf, c->reg, c->bit))
		want = UD_VECTOR;
	/* A refused instruction's #GP is #GP(0). */
	report(got == want && (want != GP_VECTOR || !fault_last.error),
	       "%s: %s, error code %#lx (want %s)", c->name, vec_name(got),
	       (unsigned long)fault_last.error, vec_name(want));
}

/* INT3 runs natively: the guest's own #BP, a trap (RIP after it). */
static void check_int3(void)
{
	fault_clear();
	asm volatile("1: int3\n2:\n" ASM_EXTABLE(2b, 2b) ::: "memory");
	report(fault_vector() == BP_VECTOR, "INT3 raises #BP in the guest (%s)",
	       vec_name(fault_vector()));
}

static void check_debug_regs(void)
{
	u64 dr0 = 0x12340000, got;

	asm volatile("mov %0, %%db0" : : "r"(dr0));
	asm volatile("mov %%db0, %0" : "=r"(got));
	report(got == dr0, "DR0 holds its value (%#lx)", got);
	asm volatile("mov %0, %%db0" : : "r"(0UL));
}

static u64 read_dr6(void)
{
	u64 v;

	asm volatile("mov %%db6, %0" : "=r"(v));
	return v;
}

/* #DB runs through the guest's own IDT (intercepted under SVM against
 * CVE-2015-8104, and sent back): a single step and a data breakpoint
 * are traps with DR6 saying which. */
static void check_debug_traps(void)
{
	static volatile u32 watched;
	u64 dr7 = (1ULL << 0) | (1ULL << 16) | (3ULL << 18); /* L0, W, 4 B */

	asm volatile("mov %0, %%db6" : : "r"(0xffff0ff0UL));
	fault_clear();
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq\n"
		     "nop\n1:\n" ASM_EXTABLE(1b, 1b) ::: "memory", "cc");
	report(fault_vector() == DB_VECTOR && (read_dr6() & (1 << 14)),
	       "single step: #DB with DR6.BS (%s, DR6 %#lx)",
	       vec_name(fault_vector()), read_dr6());
	asm volatile("mov %0, %%db6" : : "r"(0xffff0ff0UL));
	asm volatile("mov %0, %%db0" : : "r"((u64)&watched));
	asm volatile("mov %0, %%db7" : : "r"(dr7));
	fault_clear();
	asm volatile("movl $1, %0\n1:\n" ASM_EXTABLE(1b, 1b)
		     : "=m"(watched) : : "memory");
	report(fault_vector() == DB_VECTOR && (read_dr6() & 1),
	       "data breakpoint: #DB with DR6.B0 (%s, DR6 %#lx)",
	       vec_name(fault_vector()), read_dr6());
	asm volatile("mov %0, %%db7" : : "r"(0x400UL));
	asm volatile("mov %0, %%db0" : : "r"(0UL));
	asm volatile("mov %0, %%db6" : : "r"(0xffff0ff0UL));
}

static void check_rdtscp_aux(void)
{
	u32 aux;

	if (!cpuid_bit(0x80000001, 'd', 27))
		return;
	wrmsr(0xc0000103, 0x2a);
	asm volatile("rdtscp" : "=c"(aux) : : "rax", "rdx");
	report(aux == 0x2a, "RDTSCP returns the vCPU's TSC_AUX (%#x)", aux);
	wrmsr(0xc0000103, 0);
}

/* ---- the two-domain TLB check ---- */

#define TLB_VA 0x40000000UL		/* 1 GiB: above the identity map */
#define TLB_ASIDS 256

static u64 tlb_pd[512] __attribute__((aligned(PAGE_SIZE)));
static u64 tlb_pt[512] __attribute__((aligned(PAGE_SIZE)));
static u32 page_a[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));
static u32 page_b[PAGE_SIZE / 4] __attribute__((aligned(PAGE_SIZE)));

static u32 tlb_read(void)
{
	return *(volatile u32 *)TLB_VA;
}

/* Map TLB_VA to page A, load the translation, then point the PTE at B
 * without INVLPG: reads see A for as long as the TLB entry lives. */
static bool tlb_make_stale(void)
{
	tlb_pt[0] = (u64)page_a | PTE_P | PTE_W;
	asm volatile("invlpg (%0)" : : "r"(TLB_VA) : "memory");
	if (tlb_read() != 0xaaaa)
		return false;
	tlb_pt[0] = (u64)page_b | PTE_P | PTE_W;
	asm volatile("" ::: "memory");
	return tlb_read() == 0xaaaa;
}

static int tlb_victim(void)
{
	bool survives;

	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	tlb_pd[0] = (u64)tlb_pt | PTE_P | PTE_W;
	boot_pdpt[TLB_VA >> 30] = (u64)tlb_pd | PTE_P | PTE_W;
	write_cr3(read_cr3());
	if (!tlb_make_stale()) {
		report_skip("this CPU re-walks page tables without INVLPG");
		return report_result();
	}
	cpuid(0);				/* an exit and a re-entry */
	survives = tlb_read() == 0xaaaa;
	if (!survives) {
		report_skip("TLB entries do not survive an exit here (QEMU "
			    "TCG flushes them): the #UD answers are the check");
		sleep_ms(300);
		return report_result();
	}
	tlb_make_stale();
	sleep_ms(300);				/* the attacker runs */
	report(tlb_read() == 0xaaaa, "the stale translation survived the "
	       "other domain's INVLPGA sweep (read %#x)", tlb_read());
	return report_result();
}

static int tlb_attacker(void)
{
	unsigned int taken = 0;
	u64 t_end = now_ns() + 200 * NS_PER_MS;

	do {
		for (u32 asid = 0; asid < TLB_ASIDS; asid++) {
			fault_clear();
			asm volatile("1: .byte 0x0f, 0x01, 0xdf\n2:\n"
				     ASM_EXTABLE(1b, 2b)
				     : : "a"(TLB_VA), "c"(asid) : "memory");
			taken += fault_vector() != UD_VECTOR;
		}
		hyp_yield();
	} while (now_ns() < t_end);
	report(taken == 0, "INVLPGA raised #UD for every ASID 0-%u (%u not)",
	       TLB_ASIDS - 1, taken);
	return report_result();
}

int main(void)
{
	char role[16];

	if (cmdline_get_str("tlb", role, sizeof(role)))
		return !strcmp(role, "victim") ? tlb_victim() : tlb_attacker();
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		check_insn(&cases[i]);
	check_int3();
	check_debug_regs();
	check_debug_traps();
	check_debug_exceptions();
	check_rdtscp_aux();
	return report_result();
}
