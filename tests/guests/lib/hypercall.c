/*
 * Hypercalls, 64-bit convention (docs/xen-abi.md §A.5): RAX = number,
 * arguments in RDI, RSI, RDX, R10, R8, result in RAX.  Xen may clobber
 * the argument registers, so they are all in/out operands.  Two ways in:
 * the vendor's instruction (VMCALL on Intel, VMMCALL on AMD/Hygon) or a
 * call into the hypercall page at page + 32 * nr.
 */
#include "lib.h"

enum hc_insn hc_native;
bool cpu_is_amd;
u8 hypercall_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static bool use_page;

#define HC_REGS(a4, a5)						\
	register unsigned long r10 asm("r10") = (a4);		\
	register unsigned long r8 asm("r8") = (a5);		\
	unsigned long rax = nr

#define HC_OPERANDS "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)

long hypercall_insn(enum hc_insn insn, unsigned long nr, unsigned long a1,
		    unsigned long a2, unsigned long a3, unsigned long a4,
		    unsigned long a5)
{
	HC_REGS(a4, a5);

	if (insn == HC_VMMCALL)
		asm volatile("vmmcall" : HC_OPERANDS : : "memory");
	else
		asm volatile("vmcall" : HC_OPERANDS : : "memory");
	return (long)rax;
}

int hypercall_insn_safe(enum hc_insn insn, unsigned long nr, unsigned long a1,
			unsigned long a2, unsigned long a3, long *ret)
{
	HC_REGS(0, 0);

	fault_clear();
	if (insn == HC_VMMCALL)
		asm volatile("1: vmmcall\n2:\n" ASM_EXTABLE(1b, 2b)
			     : HC_OPERANDS : : "memory");
	else
		asm volatile("1: vmcall\n2:\n" ASM_EXTABLE(1b, 2b)
			     : HC_OPERANDS : : "memory");
	*ret = (long)rax;
	return fault_vector();
}

long hypercall_via_page(unsigned long nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5)
{
	void *stub = hypercall_page + 32 * (nr & 127);
	HC_REGS(a4, a5);

	/* The stub is "mov $nr, %eax; vmcall|vmmcall; ret": RAX is loaded by
	 * the stub itself.  RCX, R9 and R11 are treated as clobbered. */
	asm volatile("call *%[stub]"
		     : HC_OPERANDS : [stub] "r"(stub)
		     : "rcx", "r9", "r11", "memory");
	return (long)rax;
}

int hypercall_page_install(void)
{
	u32 msr = cpuid(0x40000002).b;

	return wrmsr_safe(msr, (u64)hypercall_page);
}

void hypercall_use_page(bool on)
{
	use_page = on;
}

void hypercall_init(void)
{
	struct cpuid c = cpuid(0);

	/* "AuthenticAMD" and "HygonGenuine" use VMMCALL, everyone else VMCALL
	 * (Linux 6.1.158+ does the same). */
	cpu_is_amd = (c.b == 0x68747541 && c.d == 0x69746e65 && c.c == 0x444d4163) ||
		     (c.b == 0x6f677948 && c.d == 0x6e65476e && c.c == 0x656e6975);
	hc_native = cpu_is_amd ? HC_VMMCALL : HC_VMCALL;
	use_page = false;
}

long hypercall(unsigned long nr, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long a4, unsigned long a5)
{
	if (use_page && nr < 128)
		return hypercall_via_page(nr, a1, a2, a3, a4, a5);
	return hypercall_insn(hc_native, nr, a1, a2, a3, a4, a5);
}

long hyp_console_write(const char *buf, unsigned long len)
{
	return hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len,
			 (unsigned long)buf, 0, 0);
}

long hyp_xen_version(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_xen_version, cmd, (unsigned long)arg, 0, 0, 0);
}

long hyp_sched_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_sched_op, cmd, (unsigned long)arg, 0, 0, 0);
}

long hyp_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	return hyp_sched_op(SCHEDOP_shutdown, &s);
}

long hyp_yield(void)
{
	return hyp_sched_op(SCHEDOP_yield, NULL);
}

long hyp_block(void)
{
	return hyp_sched_op(SCHEDOP_block, NULL);
}

long hyp_set_timer_op(u64 deadline_ns)
{
	return hypercall(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0, 0, 0);
}
