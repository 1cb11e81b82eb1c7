/* Exceptions and interrupts: the register frame and the handler hooks. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <xen/types.h>
#include <asm/x86-defns.h>	/* TRAP_*: the exception vectors */

/* Layout pushed by entry.S; keep in sync with it. */
struct cpu_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};

/* Interrupt vectors owned by the hypervisor. */
#define VEC_FIRST_DYNAMIC 0x30
#define VEC_IOMMU_FAULT 0xef	/* VT-d fault events (iommu/vtd.c) */
#define VEC_TIMER 0xf0
#define VEC_EVENT_CHECK 0xf1	/* IPI: softirq / schedule */
#define VEC_CALL_FUNC 0xf2	/* IPI: run a function */
#define VEC_ERROR 0xfe
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct cpu_regs *regs);

void traps_init_bsp(void);
void traps_init_cpu(unsigned int cpu);
void set_irq_handler(u8 vector, irq_handler_t fn);
/* Arm a fixup: a fault at @rip resumes at @fixup (rdmsr_safe and friends). */
void show_registers(const struct cpu_regs *regs);
/* Every exception and interrupt, from entry.S. */
void do_trap(struct cpu_regs *regs);
void show_stack_trace(u64 rbp);

#endif
