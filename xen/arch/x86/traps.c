/*
 * IDT, per-CPU GDT/TSS and the C side of exception and interrupt entry.
 *
 * Policy (docs/style.md "Errors"): the hypervisor never takes an exception on
 * purpose, except through the exception table (rdmsr_safe and similar
 * probes).  Anything else is our bug: dump the registers and a stack trace
 * and panic.  Interrupts go to a per-vector handler table; NMI, double fault
 * and machine check run on their own IST stacks so they survive a blown
 * stack.
 */
#include <xen/lib.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/apic.h>
#include <xen/console.h>

struct idt_entry {
	u16 off_lo, sel;
	u8 ist, attr;
	u16 off_mid;
	u32 off_hi, rsvd;
} __packed;

struct tss64 {
	u32 rsvd0;
	u64 rsp[3];
	u64 rsvd1;
	u64 ist[7];
	u64 rsvd2;
	u16 rsvd3, iomap_base;
} __packed;

struct gdt_desc {
	u16 limit;
	u64 base;
} __packed;

struct ex_entry {
	u64 insn, fixup;
};

#define IST_STACK_SIZE 8192
#define GDT_TSS_SEL 0x18

static struct idt_entry idt[256] __attribute__((aligned(16)));
static u64 gdt[NR_CPUS][5] __attribute__((aligned(16)));
static struct tss64 tss[NR_CPUS] __attribute__((aligned(16)));
static u8 ist_stacks[NR_CPUS][3][IST_STACK_SIZE] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[256];

extern const u8 trap_stubs[];
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const trap_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound", "#UD invalid opcode", "#NM no FPU",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

static void set_gate(unsigned int vec, const void *fn, u8 ist)
{
	u64 a = (u64)(uintptr_t)fn;

	idt[vec] = (struct idt_entry){
		.off_lo = a, .sel = 0x08, .ist = ist, .attr = 0x8e,
		.off_mid = a >> 16, .off_hi = a >> 32,
	};
}

void traps_init_bsp(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, trap_stubs + 16 * v, 0);
	set_gate(TRAP_NMI, trap_stubs + 16 * TRAP_NMI, 1);
	set_gate(TRAP_DF, trap_stubs + 16 * TRAP_DF, 2);
	set_gate(TRAP_MC, trap_stubs + 16 * TRAP_MC, 3);
}

/* Load this CPU's GDT (code, data, TSS), TSS and the shared IDT. */
void traps_init_cpu(unsigned int cpu)
{
	u64 *g = gdt[cpu];
	u64 t = (u64)(uintptr_t)&tss[cpu];
	struct gdt_desc gd = { sizeof(gdt[0]) - 1, (u64)(uintptr_t)g };
	struct gdt_desc id = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	for (int i = 0; i < 3; i++)
		tss[cpu].ist[i] = (u64)(uintptr_t)ist_stacks[cpu][i] + IST_STACK_SIZE;
	tss[cpu].iomap_base = sizeof(struct tss64);
	g[0] = 0;
	g[1] = 0x00af9a000000ffffULL;		/* 64-bit code */
	g[2] = 0x00cf92000000ffffULL;		/* data */
	g[3] = (sizeof(struct tss64) - 1) | ((t & 0xffffff) << 16) |
	       (0x89ULL << 40) | (((t >> 24) & 0xff) << 56);
	g[4] = t >> 32;
	asm volatile("lgdt %0" : : "m"(gd));
	asm volatile("pushq $0x08; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
		     ::: "rax", "memory");
	asm volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"(0x10));
	asm volatile("ltr %w0" : : "r"(GDT_TSS_SEL));
	asm volatile("lidt %0" : : "m"(id));
}

void set_irq_handler(u8 vector, irq_handler_t fn)
{
	irq_handlers[vector] = fn;
}

void show_registers(const struct cpu_regs *r)
{
	printk(KERN_ERR "RIP: %04lx:%016lx  RFLAGS: %016lx  CPU %u\n",
	       (unsigned long)r->cs, (unsigned long)r->rip,
	       (unsigned long)r->rflags, smp_processor_id());
	printk(KERN_ERR "RAX: %016lx RBX: %016lx RCX: %016lx\n",
	       (unsigned long)r->rax, (unsigned long)r->rbx, (unsigned long)r->rcx);
	printk(KERN_ERR "RDX: %016lx RSI: %016lx RDI: %016lx\n",
	       (unsigned long)r->rdx, (unsigned long)r->rsi, (unsigned long)r->rdi);
	printk(KERN_ERR "RBP: %016lx RSP: %016lx R8:  %016lx\n",
	       (unsigned long)r->rbp, (unsigned long)r->rsp, (unsigned long)r->r8);
	printk(KERN_ERR "R9:  %016lx R10: %016lx R11: %016lx\n",
	       (unsigned long)r->r9, (unsigned long)r->r10, (unsigned long)r->r11);
	printk(KERN_ERR "R12: %016lx R13: %016lx R14: %016lx\n",
	       (unsigned long)r->r12, (unsigned long)r->r13, (unsigned long)r->r14);
	printk(KERN_ERR "R15: %016lx CR0: %016lx CR2: %016lx\n",
	       (unsigned long)r->r15, read_cr0(), read_cr2());
	printk(KERN_ERR "CR3: %016lx CR4: %016lx\n", read_cr3(), read_cr4());
}

extern char __text_start[], __text_end[];

/* Walk the frame-pointer chain (the image is built with frame pointers). */
void show_stack_trace(u64 rbp)
{
	printk(KERN_ERR "Call trace:\n");
	for (int depth = 0; rbp && depth < 32; depth++) {
		const u64 *frame = (const u64 *)(uintptr_t)rbp;

		if (rbp & 7 || rbp < 0x1000)
			break;
		if (frame[1] < (u64)(uintptr_t)__text_start ||
		    frame[1] >= (u64)(uintptr_t)__text_end)
			break;
		printk(KERN_ERR "  [<%016lx>]\n", (unsigned long)frame[1]);
		if (frame[0] <= rbp)
			break;	/* stacks grow down: callers are above */
		rbp = frame[0];
	}
}

static bool fixup_exception(struct cpu_regs *regs)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

void do_trap(struct cpu_regs *regs)
{
	unsigned int v = regs->vector;

	if (v >= 32) {
		this_cpu()->irq_count++;
		if (irq_handlers[v])
			irq_handlers[v](regs);
		else
			printk(KERN_WARNING "CPU%u: unexpected interrupt vector %#x\n",
			       smp_processor_id(), v);
		if (v != VEC_SPURIOUS)
			apic_eoi();
		return;
	}
	if (v == TRAP_NMI && irq_handlers[v]) {
		irq_handlers[v](regs);
		return;
	}
	if (fixup_exception(regs))
		return;
	console_force_unlock();
	printk(KERN_ERR "*** Unexpected exception %u (%s), error code %#lx\n", v,
	       trap_names[v] ? trap_names[v] : "reserved",
	       (unsigned long)regs->error_code);
	show_registers(regs);
	show_stack_trace(regs->rbp);
	panic("unexpected %s in the hypervisor on CPU%u",
	      trap_names[v] ? trap_names[v] : "exception", smp_processor_id());
}

bool rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;
	int ok = 1;

	asm volatile("1: rdmsr\n"
		     "2:\n"
		     ".section .ex_table, \"a\"\n"
		     ".balign 8\n"
		     ".quad 1b, 3f\n"
		     ".previous\n"
		     ".section .text.fixup, \"ax\"\n"
		     "3: xor %2, %2\n"
		     "jmp 2b\n"
		     ".previous\n"
		     : "=a"(lo), "=d"(hi), "+r"(ok)
		     : "c"(msr));
	*val = ((u64)hi << 32) | lo;
	return ok;
}
