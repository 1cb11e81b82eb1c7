/*
 * Debug exceptions through the guest's own IDT.  Both vendors intercept
 * #DB (a guest could otherwise make its delivery loop inside the CPU
 * without an exit, CVE-2015-8104) and send it back: what the guest sees
 * must be what a CPU delivers natively (Intel SDM vol. 3 ch. 17, AMD APM
 * vol. 2 ch. 13): the trap or fault RIP, DR6 saying why, DR7.GD cleared
 * on delivery, RF letting a faulting instruction breakpoint resume, and
 * the one-instruction delay of a single step after MOV SS.
 *
 * QEMU TCG (our SVM rig, CPUID brand "QEMU TCG CPU ...") departs from
 * the CPU in four of these, whatever the hypervisor does: ICEBP is #UD
 * (built without WANT_ICEBP), DR7.GD is not implemented, a single step
 * after STI is held back like one after MOV SS, and a data breakpoint
 * on MOV SS is not held back.  Those checks are skipped there, saying
 * so; everywhere else (Bochs, hardware) they run.
 */
#include "lib.h"
#include "sensitive.h"

#define DR6_CLEAN	0xffff0ff0UL	/* every status bit clear */
#define DR6_B(n)	(1UL << (n))
#define DR6_BD		(1UL << 13)
#define DR6_BS		(1UL << 14)
#define DR6_STATUS	(0xfUL | DR6_BD | DR6_BS)
#define DR7_FIXED	0x400UL
#define DR7_L(n)	(1UL << (2 * (n)))
#define DR7_GD		(1UL << 13)
/* R/W and LEN of breakpoint n (SDM 17.2.4): 00 execute, 01 write,
 * 11 read/write; LEN 00 one byte, 01 two, 11 four, 10 eight. */
#define DR7_RW(n, rw)	((u64)(rw) << (16 + 4 * (n)))
#define DR7_LEN(n, len)	((u64)(len) << (18 + 4 * (n)))

static u64 dr6(void)
{
	u64 v;

	asm volatile("mov %%db6, %0" : "=r"(v));
	return v;
}

/* DR7, or ~0 with fault_vector() set: general detect may (wrongly) be
 * still set. */
static u64 dr7_safe(void)
{
	u64 v = ~0UL;

	fault_clear();
	asm volatile("1: mov %%db7, %0\n2:\n" ASM_EXTABLE(1b, 2b)
		     : "+r"(v) : : "memory");
	return v;
}

static void set_dr6(u64 v) { asm volatile("mov %0, %%db6" : : "r"(v)); }
static void set_dr7(u64 v) { asm volatile("mov %0, %%db7" : : "r"(v)); }

static bool qemu_tcg;

static bool on_qemu_tcg(void)
{
	static const char tag[] = "QEMU TCG ";
	char brand[49] = "";

	if (cpuid(0x80000000).a < 0x80000004)
		return false;
	for (u32 i = 0; i < 3; i++) {
		struct cpuid c = cpuid(0x80000002 + i);

		memcpy(brand + 16 * i, &c, sizeof(c));
	}
	return !memcmp(brand, tag, sizeof(tag) - 1);
}

/* Skip a check that QEMU TCG cannot pass (file note); true if skipped. */
static bool skip_on_qemu(const char *check, const char *why)
{
	if (qemu_tcg)
		report_skip("%s: QEMU TCG %s", check, why);
	return qemu_tcg;
}

static void debug_reset(void)
{
	set_dr7(DR7_FIXED);
	asm volatile("mov %0, %%db0; mov %0, %%db1; mov %0, %%db2; "
		     "mov %0, %%db3" : : "r"(0UL));
	set_dr6(DR6_CLEAN);
	fault_clear();
}

/* ICEBP (INT1, opcode F1): a trap-like #DB, RIP after the instruction,
 * no breakpoint condition in DR6.  VMX reports it as a privileged
 * software exception that must go back with its type and length. */
static void check_icebp(void)
{
	u64 after;

	if (skip_on_qemu("ICEBP", "raises #UD for it"))
		return;

	debug_reset();
	asm volatile("lea 2f(%%rip), %0\n"
		     "1: .byte 0xf1\n2:\n"
		     ASM_EXTABLE(1b, 2b) ASM_EXTABLE(2b, 2b)
		     : "=r"(after) : : "memory");
	report(fault_vector() == DB_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == 0,
	       "ICEBP: #DB after the instruction, no DR6 status "
	       "(%s at %+ld, DR6 %#lx)", vec_name(fault_vector()),
	       (long)(fault_last.rip - after), dr6());
}

/*
 * ICEBP right after MOV SS while single-stepping: one #DB, after ICEBP.
 * On an Intel CPU its VMX exit still has MOV SS blocking with RFLAGS.TF
 * set, so the entry that delivers it needs BS pending (SDM 26.3.1.5);
 * Bochs records no blocking at a #DB exit, so there only the #DB is
 * checked (tests/unit/test_vmx_debug.c checks the rule).  Whether DR6.BS
 * reports the single step that MOV SS held back is not written down
 * (natively Bochs drops it), so DR6 is not checked.
 */
static void check_icebp_mov_ss(void)
{
	u64 after;

	if (skip_on_qemu("ICEBP after MOV SS", "raises #UD for ICEBP"))
		return;

	debug_reset();
	asm volatile("lea 2f(%%rip), %0\n"
		     "mov %%ss, %%eax\n"
		     "pushfq; orq $0x100, (%%rsp); popfq\n"
		     "mov %%eax, %%ss\n"
		     "1: .byte 0xf1\n2:\n"
		     ASM_EXTABLE(1b, 2b) ASM_EXTABLE(2b, 2b)
		     : "=r"(after) : : "rax", "memory", "cc");
	report(fault_vector() == DB_VECTOR && fault_last.rip == after,
	       "ICEBP after MOV SS, single-stepping: one #DB after it "
	       "(%s at %+ld, DR6 %#lx)", vec_name(fault_vector()),
	       (long)(fault_last.rip - after), dr6());
}

/* INT3 beside an enabled breakpoint: still #BP, RIP after it. */
static void check_int3_rip(void)
{
	u64 after;

	debug_reset();
	asm volatile("lea 2f(%%rip), %0\n"
		     "1: int3\n2:\n" ASM_EXTABLE(2b, 2b)
		     : "=r"(after) : : "memory");
	report(fault_vector() == BP_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == 0,
	       "INT3: #BP after the instruction, DR6 untouched (%s, DR6 %#lx)",
	       vec_name(fault_vector()), dr6());
}

/*
 * Instruction breakpoint on DR2: a fault (RIP at the instruction, which
 * has not run), DR6.B2 alone.  The handler resumes at the same
 * instruction with RF set (lib/trap.c), which must then run exactly once
 * instead of faulting again.
 */
static void check_insn_breakpoint(void)
{
	u64 at, runs = 0;

	debug_reset();
	asm volatile("lea 1f(%%rip), %0\n"
		     "mov %0, %%db2\n"
		     "mov %2, %%db7\n"
		     "1: inc %1\n2:\n" ASM_EXTABLE(1b, 1b)
		     : "=&r"(at), "+r"(runs)
		     : "r"(DR7_FIXED | DR7_L(2) | DR7_RW(2, 0) | DR7_LEN(2, 0))
		     : "memory");
	set_dr7(DR7_FIXED);
	report(fault_vector() == DB_VECTOR && fault_last.rip == at &&
	       (dr6() & DR6_STATUS) == DR6_B(2) && runs == 1,
	       "instruction breakpoint: #DB fault at it, DR6.B2, runs once "
	       "with RF (%s at %+ld, DR6 %#lx, ran %lu times)",
	       vec_name(fault_vector()), (long)(fault_last.rip - at), dr6(),
	       runs);
}

/*
 * General detect: with DR7.GD set, the next MOV DR faults (#DB before
 * it runs) with DR6.BD, and delivery clears GD so the handler may use
 * the debug registers (SDM 17.2.4).
 */
static bool check_general_detect(void)
{
	u64 at, v = 0x5a5a, rip, d6, d7;
	int got;

	if (skip_on_qemu("general detect", "does not implement DR7.GD"))
		return true;

	debug_reset();
	set_dr7(DR7_FIXED | DR7_GD);
	asm volatile("lea 1f(%%rip), %0\n"
		     "1: mov %%db0, %1\n2:\n" ASM_EXTABLE(1b, 2b)
		     : "=&r"(at), "+r"(v) : : "memory");
	got = fault_vector();
	rip = fault_last.rip;
	d7 = dr7_safe();
	if (fault_vector() != FAULT_NONE)
		return report(false, "general detect: DR7.GD still set after "
			      "the #DB (%s at %+ld): MOV DR faults",
			      vec_name(got), (long)(rip - at));
	d6 = dr6();
	return report(got == DB_VECTOR && rip == at &&
		      (d6 & DR6_STATUS) == DR6_BD && v == 0x5a5a &&
		      !(d7 & DR7_GD),
		      "general detect: #DB fault at MOV DR with DR6.BD, GD "
		      "cleared (%s at %+ld, DR6 %#lx, DR7 %#lx)", vec_name(got),
		      (long)(rip - at), d6, d7);
}

/*
 * TF set by POPF traps after the next instruction.  After STI that is a
 * #DB while interrupts are still blocked by STI: on an Intel CPU the VM
 * entry that delivers it must carry BS in the pending debug exceptions
 * (SDM 26.3.1.5) or it fails (not observable under Bochs, as above).
 */
static void check_single_step_sti(void)
{
	u64 after;

	if (skip_on_qemu("single step over STI", "holds the trap back one more instruction"))
		return;

	debug_reset();
	asm volatile("lea 1f(%%rip), %0\n"
		     "cli\n"
		     "pushfq; orq $0x100, (%%rsp); popfq\n"
		     "sti\n"
		     "1: nop\n2:\n"
		     "cli\n"
		     ASM_EXTABLE(1b, 1b) ASM_EXTABLE(2b, 2b)
		     : "=r"(after) : : "memory", "cc");
	report(fault_vector() == DB_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == DR6_BS,
	       "single step over STI: #DB after it with DR6.BS (%s at %+ld, "
	       "DR6 %#lx)", vec_name(fault_vector()),
	       (long)(fault_last.rip - after), dr6());
}

/*
 * MOV SS holds debug traps back for one instruction (SDM 6.8.3): the
 * single step of the MOV SS that follows POPF traps after the
 * instruction after it, once.
 */
static void check_single_step_mov_ss(void)
{
	u64 after;

	debug_reset();
	asm volatile("lea 2f(%%rip), %0\n"
		     "mov %%ss, %%eax\n"
		     "pushfq; orq $0x100, (%%rsp); popfq\n"
		     "mov %%eax, %%ss\n"
		     "1: nop\n2:\n"
		     ASM_EXTABLE(1b, 1b) ASM_EXTABLE(2b, 2b)
		     : "=r"(after) : : "rax", "memory", "cc");
	report(fault_vector() == DB_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == DR6_BS,
	       "single step over MOV SS: one #DB after the next instruction "
	       "(%s at %+ld, DR6 %#lx)", vec_name(fault_vector()),
	       (long)(fault_last.rip - after), dr6());
}

/*
 * CPUID exits on both vendors and the hypervisor completes it: the
 * single step must still trap right after it, as on a CPU, with DR6.BS
 * (not after whatever instruction comes next).
 */
static void check_single_step_emulated(void)
{
	u64 after;

	debug_reset();
	asm volatile("lea 2f(%%rip), %0\n"
		     "xor %%eax, %%eax\n"
		     "xor %%ecx, %%ecx\n"
		     "pushfq; orq $0x100, (%%rsp); popfq\n"
		     "cpuid\n"
		     "2: nop\n3:\n"
		     ASM_EXTABLE(2b, 2b) ASM_EXTABLE(3b, 3b)
		     : "=r"(after) : : "rax", "rbx", "rcx", "rdx", "memory",
		       "cc");
	report(fault_vector() == DB_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == DR6_BS,
	       "single step over CPUID (completed by the hypervisor): #DB "
	       "right after it with DR6.BS (%s at %+ld, DR6 %#lx)",
	       vec_name(fault_vector()), (long)(fault_last.rip - after),
	       dr6());
}

/* A data breakpoint on MOV SS's own operand is held back the same way. */
static void check_mov_ss_breakpoint(void)
{
	static volatile u16 ss_copy;
	u64 after;

	if (skip_on_qemu("data breakpoint on MOV SS", "does not hold the trap back"))
		return;

	debug_reset();
	asm volatile("mov %%ss, %0" : "=m"(ss_copy));
	asm volatile("mov %0, %%db1" : : "r"((u64)&ss_copy));
	set_dr7(DR7_FIXED | DR7_L(1) | DR7_RW(1, 3) | DR7_LEN(1, 1));
	asm volatile("lea 2f(%%rip), %0\n"
		     "mov %1, %%ss\n"
		     "1: nop\n2:\n"
		     ASM_EXTABLE(1b, 1b) ASM_EXTABLE(2b, 2b)
		     : "=&r"(after) : "m"(ss_copy) : "memory");
	set_dr7(DR7_FIXED);
	report(fault_vector() == DB_VECTOR && fault_last.rip == after &&
	       (dr6() & DR6_STATUS) == DR6_B(1),
	       "data breakpoint on MOV SS: #DB after the next instruction "
	       "with DR6.B1 (%s at %+ld, DR6 %#lx)", vec_name(fault_vector()),
	       (long)(fault_last.rip - after), dr6());
}

void check_debug_exceptions(void)
{
	qemu_tcg = on_qemu_tcg();
	check_icebp();
	check_int3_rip();
	check_insn_breakpoint();
	if (!check_general_detect())
		return;		/* every MOV DR would fault from here on */
	check_single_step_sti();
	check_single_step_mov_ss();
	check_single_step_emulated();
	check_mov_ss_breakpoint();
	check_icebp_mov_ss();
	debug_reset();
}
