/*
 * Secondary vCPUs: VCPUOP_initialise in 64-bit mode on the caller's page
 * tables, then VCPUOP_up.  The new vCPU loads our GDT and IDT and real
 * selectors (it starts with flat selector-0 segments), then runs fn(id).
 */
#include "lib.h"
#include <public/vcpu.h>
#include <public/hvm/hvm_vcpu.h>

#define MSR_EFER 0xc0000080

static struct desc_ptr smp_gdt, smp_idt;

/* RDI = id, RSI = our GDT's descriptor, RDX = our IDT's, RCX = fn. */
asm(".pushsection .text\n"
    "vcpu_entry:\n\t"
    "lgdt (%rsi)\n\t"
    "lidt (%rdx)\n\t"
    "pushq $0x08\n\t"
    "leaq 1f(%rip), %rax\n\t"
    "pushq %rax\n\t"
    "lretq\n"
    "1:\tmovl $0x10, %eax\n\t"
    "movl %eax, %ds\n\tmovl %eax, %es\n\tmovl %eax, %ss\n\t"
    "movl %eax, %fs\n\tmovl %eax, %gs\n\t"
    "xorl %ebp, %ebp\n\t"
    "call *%rcx\n"
    "2:\tcli\n\thlt\n\tjmp 2b\n"
    ".popsection");
extern char vcpu_entry[];

long hyp_vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall(__HYPERVISOR_vcpu_op, cmd, id, (unsigned long)arg, 0, 0);
}

long vcpu_start(unsigned int id, void (*fn)(unsigned int id), void *stack_top)
{
	struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };
	struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
	long rc;

	asm volatile("sgdt %0" : "=m"(smp_gdt));
	sidt(&smp_idt);
	r->rip = (u64)vcpu_entry;
	r->rsp = (u64)stack_top;
	r->rdi = id;
	r->rsi = (u64)&smp_gdt;
	r->rdx = (u64)&smp_idt;
	r->rcx = (u64)fn;
	r->rflags = 2;
	r->cr0 = read_cr0();
	r->cr3 = read_cr3();
	r->cr4 = read_cr4();
	r->efer = rdmsr(MSR_EFER);
	rc = hyp_vcpu_op(VCPUOP_initialise, id, &ctx);
	return rc ? rc : hyp_vcpu_op(VCPUOP_up, id, NULL);
}
