/*
 * IDT, TSS and the exception policy of the test guests: a fault at an
 * instruction listed in the exception table (ASM_EXTABLE) is recorded in
 * fault_last and execution resumes at the fixup; a fault in ring 3 during
 * user_run() returns USER_FAULTED to its caller; anything else is a bug in
 * the guest or the hypervisor - we print vector, RIP and registers and end
 * with "Test result: ERROR".
 */
#include "lib.h"

struct idt_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

struct tss64 {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3, iomap_base;
} __attribute__((packed));

struct extable_entry {
	u64 from, to;
};

extern char trap_stubs[], user_gate[], trap_stack_top[];
extern u64 gdt[];
extern const struct extable_entry __start_extable[], __stop_extable[];
__noreturn void user_abort(u64 v);

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
volatile struct fault_info fault_last = { .vector = FAULT_NONE };
static bool user_active;
static int trap_depth;

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound", "#UD invalid opcode", "#NM no FPU",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection",
};

const char *vector_name(int vector)
{
	if (vector >= 0 && vector < 32 && names[vector])
		return names[vector];
	return vector < 32 ? "reserved" : "interrupt";
}

static void set_gate(unsigned int vec, void *handler, unsigned int dpl)
{
	u64 a = (u64)handler;

	idt[vec] = (struct idt_gate){
		.off_lo = a & 0xffff, .sel = KERNEL_CS, .ist = 0,
		.type = 0x8e | (dpl << 5),	/* present 64-bit interrupt gate */
		.off_mid = (a >> 16) & 0xffff, .off_hi = a >> 32,
	};
}

void trap_init(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	unsigned int i;

	for (i = 0; i < 256; i++)
		set_gate(i, trap_stubs + 16 * i, 0);
	set_gate(USER_VECTOR, user_gate, 3);
	lidt(&p);

	/* SDM vol.3 7.2.3: a 16-byte available 64-bit TSS descriptor (type 9). */
	tss.rsp0 = (u64)trap_stack_top;
	tss.iomap_base = sizeof(tss);		/* no I/O bitmap */
	gdt[TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[TSS_SEL / 8 + 1] = base >> 32;
	asm volatile("ltr %w0" : : "r"(TSS_SEL));
}

void trap_set_ist(unsigned int vec, unsigned int ist, void *stack_top)
{
	/* SDM vol.3 6.14.5: IST n (1-7) loads RSP from tss.ist[n - 1] on
	 * every delivery through this gate, nested or not. */
	tss.ist[ist - 1] = (u64)stack_top;
	idt[vec].ist = ist;
}

static void (*irq_handlers[256])(unsigned int vec);

void irq_set_handler(unsigned int vec, void (*fn)(unsigned int vec))
{
	if (vec >= 32 && vec < 256)
		__atomic_store_n(&irq_handlers[vec], fn, __ATOMIC_RELEASE);
}

void idt_disable(void)
{
	struct desc_ptr p = { 0, 0 };

	lidt(&p);
}

static u64 read_cr2(void)
{
	u64 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static void dump_frame(const struct trap_frame *f)
{
	printf("%s: unexpected %s %lu (%s) at RIP %04lx:%016lx, error %#lx\n",
	       case_name, f->vector < 32 ? "exception" : "interrupt", f->vector,
	       vector_name(f->vector), f->cs, f->rip, f->error);
	printf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n",
	       f->rax, f->rbx, f->rcx, f->rdx);
	printf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n",
	       f->rsi, f->rdi, f->rbp, f->rsp);
	printf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n",
	       f->r8, f->r9, f->r10, f->r11);
	printf("  RFLAGS %08lx CR0 %08lx CR2 %016lx CR3 %08lx CR4 %08lx\n",
	       f->rflags, read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void record(const struct trap_frame *f)
{
	fault_last.error = f->error;
	fault_last.rip = f->rip;
	fault_last.cr2 = f->vector == PF_VECTOR ? read_cr2() : 0;
	fault_last.vector = f->vector;
}

void trap_handle(struct trap_frame *f);
void trap_handle(struct trap_frame *f)
{
	const struct extable_entry *e;
	void (*irq)(unsigned int vec);

	if (f->vector >= 32 && f->vector < 256 &&
	    (irq = __atomic_load_n(&irq_handlers[f->vector],
				   __ATOMIC_ACQUIRE))) {
		irq(f->vector);
		return;
	}
	for (e = __start_extable; e < __stop_extable; e++) {
		if (e->from == f->rip && f->vector < 32) {
			record(f);
			f->rip = e->to;
			/* An expected #DB ends single-stepping (TF), and
			 * resumes with RF set so that an instruction
			 * breakpoint fault at the fixup lets it run once
			 * (SDM vol. 3 17.3.1.1; the CPU clears RF after it). */
			if (f->vector == DB_VECTOR) {
				f->rflags &= ~0x100UL;		/* TF */
				f->rflags |= 0x10000UL;		/* RF */
			}
			return;
		}
	}
	if ((f->cs & 3) == 3 && user_active && f->vector < 32) {
		record(f);
		user_active = false;
		user_abort(USER_FAULTED);
	}
	/* A fault while reporting a fault: give up without printing. */
	if (trap_depth++ > 0) {
		struct sched_shutdown s = { .reason = SHUTDOWN_crash };
		long rc;

		hypercall_insn_safe(hc_native, __HYPERVISOR_sched_op,
				    SCHEDOP_shutdown, (unsigned long)&s, 0, &rc);
		for (;;)
			asm volatile("cli; hlt");
	}
	dump_frame(f);
	test_result(TEST_ERROR);
}

/* Ring 3 (lib/entry.S does the switch). */
u64 user_run_asm(void (*fn)(void));

int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;

	fault_clear();
	asm volatile("1: rdmsr\n2:\n" ASM_EXTABLE(1b, 2b)
		     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = lo | ((u64)hi << 32);
	return fault_vector();
}

int wrmsr_safe(u32 msr, u64 val)
{
	fault_clear();
	asm volatile("1: wrmsr\n2:\n" ASM_EXTABLE(1b, 2b)
		     : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return fault_vector();
}

/* Called by user_run() (entry.S) through this wrapper so trap.c knows
 * that a ring-3 fault should come back to the caller. */
u64 user_run(void (*fn)(void))
{
	u64 v;

	fault_clear();
	user_active = true;
	v = user_run_asm(fn);
	user_active = false;
	return v;
}
