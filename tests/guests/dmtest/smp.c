/*
 * Both vCPUs at the device at once: each writes and reads back its own
 * scratch word, reads the value region and a port of its own, many
 * times, so two slots, their two ports and the hypervisor's per-domain
 * ioreq lock are busy together.  vCPU 1 is started the way
 * tests/guests/timers starts its vCPUs (VCPUOP_initialise in 64-bit mode
 * on our page tables, then VCPUOP_up).
 */
#include "lib.h"
#include "device.h"
#include "dmtest.h"
#include <public/vcpu.h>
#include <public/hvm/hvm_vcpu.h>

#define ROUNDS 200
#define MSR_EFER 0xc0000080

static u8 ap_stack[8192] __attribute__((aligned(16)));
static unsigned int errors[2];
static bool done[2];
static struct desc_ptr ap_gdt, ap_idt;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
	return hypercall(__HYPERVISOR_vcpu_op, cmd, id, (unsigned long)arg, 0, 0);
}

static void hammer(unsigned int id)
{
	volatile u64 *mine = (volatile u64 *)(DMT_SCRATCH + 0x700 + 8 * id);
	u16 port = DMT_PORT + 2 * id;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		u64 want = (u64)id << 56 | i;
		u64 addr = DMT_MMIO + 0x400 + 8 * (i % 64);

		*mine = want;
		errors[id] += *mine != want;
		errors[id] += *(volatile u64 *)addr !=
			      dmt_value(DMT_TYPE_COPY, addr, 8);
		errors[id] += inw(port) != dmt_value(DMT_TYPE_PIO, port, 2);
	}
	__atomic_store_n(&done[id], true, __ATOMIC_RELEASE);
}

__noreturn void ap_main(void);
__noreturn void ap_main(void)
{
	hammer(1);
	vcpu_op(VCPUOP_down, 1, NULL);
	for (;;)
		asm volatile("cli; hlt");
}

/* vCPU 1 starts here in 64-bit mode with flat segments (selector 0):
 * RSI = our GDT's descriptor, RDX = our IDT's. */
asm(".pushsection .text\n"
    "dmtest_ap_entry:\n\t"
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
    "call ap_main\n"
    ".popsection");
extern char dmtest_ap_entry[];

static long start_vcpu1(void)
{
	struct vcpu_hvm_context ctx = { .mode = VCPU_HVM_MODE_64B };
	struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
	long rc;

	asm volatile("sgdt %0" : "=m"(ap_gdt));
	sidt(&ap_idt);
	r->rip = (u64)dmtest_ap_entry;
	r->rsp = (u64)&ap_stack[sizeof(ap_stack)];
	r->rsi = (u64)&ap_gdt;
	r->rdx = (u64)&ap_idt;
	r->rflags = 2;
	r->cr0 = read_cr0();
	r->cr3 = read_cr3();
	r->cr4 = read_cr4();
	r->efer = rdmsr(MSR_EFER);
	rc = vcpu_op(VCPUOP_initialise, 1, &ctx);
	return rc ? rc : vcpu_op(VCPUOP_up, 1, NULL);
}

void dmtest_two_vcpus(void)
{
	u64 t0;
	long rc;

	if (vcpu_op(VCPUOP_is_up, 1, NULL) < 0) {
		report_skip("one vCPU: nothing concurrent");
		return;
	}
	rc = start_vcpu1();
	if (!report(rc == 0, "vCPU 1: initialise + up = %ld", rc))
		return;
	hammer(0);
	t0 = now_ns();
	while (!__atomic_load_n(&done[1], __ATOMIC_ACQUIRE) &&
	       now_ns() - t0 < 60 * NS_PER_SEC)
		cpu_relax();
	report(done[1] && !errors[0] && !errors[1],
	       "two vCPUs at the device at once, %u rounds each: %u and %u "
	       "wrong answers%s", ROUNDS, errors[0], errors[1],
	       done[1] ? "" : ", vCPU 1 did not finish");
}
