/*
 * The test-guest library: a tiny freestanding runtime for PVH test kernels
 * (tests/guests/<case>/main.c).  Model: kvm-unit-tests and Jailhouse
 * inmates - one case per kernel, one "Test result:" line at the end.
 *
 * What a case gets before main() runs (lib/head.S, lib/start.c):
 *  - 64-bit long mode, CPL 0, IF = 0, identity map of [0, 1 GiB) with
 *    2 MiB pages (user-accessible, so ring-3 code can run anywhere);
 *  - our GDT, a TSS (RSP0 = a private trap stack) and an IDT whose 256
 *    vectors all report "unexpected" unless an exception-table entry
 *    (ASM_EXTABLE) covers the faulting RIP;
 *  - a copy of hvm_start_info, its command line and memory map (the
 *    originals may live anywhere in RAM and may be overwritten);
 *  - the console: console_io for the initial domain, port 0xE9 otherwise.
 * main() returns a TEST_* code; the library prints "Test result: X" and
 * shuts the domain down (SCHEDOP_shutdown poweroff).
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/arch-x86/hvm/start_info.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int32_t s32;
typedef int64_t s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define PAGE_SIZE 4096UL

/* Errno values as Xen returns them (negated). */
#define EPERM 1
#define ENOSYS 38

/* Exception vectors. */
#define DE_VECTOR 0
#define DB_VECTOR 1
#define BP_VECTOR 3
#define UD_VECTOR 6
#define DF_VECTOR 8
#define GP_VECTOR 13
#define PF_VECTOR 14
#define USER_VECTOR 0x80	/* DPL-3 gate: ring 3 returns to the kernel */

/* GDT selectors (lib/head.S). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS (0x18 | 3)
#define USER_CS (0x20 | 3)
#define TSS_SEL 0x28

/* ---- the case ------------------------------------------------------- */
enum test_result { TEST_SUCCESS, TEST_FAILURE, TEST_SKIP, TEST_ERROR };
int main(void);			/* provided by the case */
extern const char case_name[];	/* the case directory's name */

/* Print "Test result: X" and shut down; never returns. */
__noreturn void test_result(enum test_result r);
/* Print the result line only (for cases that go on to misbehave). */
void test_result_print(enum test_result r);

/*
 * Checks, kvm-unit-tests style: report() prints "<case>: PASS: msg" or
 * "<case>: FAIL: msg" and counts failures; report_result() turns the count
 * into TEST_SUCCESS or TEST_FAILURE.
 */
__printf(2, 3) bool report(bool ok, const char *fmt, ...);
__printf(1, 2) void report_info(const char *fmt, ...);
__printf(1, 2) void report_skip(const char *fmt, ...);
unsigned int report_failures(void);
enum test_result report_result(void);

/* ---- boot information ------------------------------------------------ */
#define MAX_MEMMAP 32
extern struct hvm_start_info start_info;	/* copy; cmdline/memmap fields
						   point at the copies below */
extern char cmdline[1024];
extern struct hvm_memmap_table_entry memmap[MAX_MEMMAP];
extern unsigned int memmap_entries;
extern bool is_initial_domain;			/* SIF_INITDOMAIN */
extern u32 my_domid, my_vcpu_id;		/* CPUID 0x40000004 */
extern char image_start[], image_end[];		/* lib/guest.lds */

/* Whole word @word in the command line? */
bool cmdline_has(const char *word);
/* Value of "key=<number>" (decimal or 0x hex); false if absent/bad. */
bool cmdline_get_u64(const char *key, u64 *val);
/* Value of "key=<string>" copied into buf (NUL-terminated). */
bool cmdline_get_str(const char *key, char *buf, size_t len);
/* One past the highest RAM byte in the memory map (0 if none), or past
 * the ACPI entry right above it (dom0's tables, populated too): where
 * the hole above the populated memory starts. */
u64 memmap_ram_end(void);

/* ---- output ------------------------------------------------------------ */
__printf(1, 2) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t len, const char *fmt, ...);
int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap);
void puts_raw(const char *s);		/* no newline added */
void console_flush(void);
/* Write bytes straight to port 0xE9, bypassing console_io. */
void e9_write(const char *s, size_t len);
/* True once console_io was refused and output goes to port 0xE9. */
extern bool console_uses_e9;

/* ---- string functions (gcc may also emit calls to mem*) ------------------ */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- x86 ----------------------------------------------------------------- */
struct cpuid { u32 a, b, c, d; };

static inline struct cpuid cpuid_count(u32 leaf, u32 sub)
{
	struct cpuid r;

	asm volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "0"(leaf), "2"(sub));
	return r;
}

static inline struct cpuid cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | ((u64)hi << 32);
}

static inline void wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32))
		     : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 read_cr0(void) { u64 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u64 read_cr3(void) { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr3(u64 v) { asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }

/*
 * HLT with interrupts enabled: in Xen's semantics HLT with IF = 0 takes
 * the vCPU down.  STI's one-instruction shadow keeps an interrupt from
 * slipping in between STI and HLT.
 */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

struct desc_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

static inline void lidt(const struct desc_ptr *p) { asm volatile("lidt %0" : : "m"(*p)); }
static inline void sidt(struct desc_ptr *p) { asm volatile("sidt %0" : "=m"(*p)); }

/* The identity map (lib/head.S): PML4, one PDPT, one PD of 2 MiB pages. */
extern u64 boot_pml4[512], boot_pdpt[512], boot_pd[512];
#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_PS 0x80ULL
#define IDENTITY_MAP_END (1ULL << 30)

/* ---- exceptions ------------------------------------------------------------ */
/* Saved by lib/entry.S, in push order reversed. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;		/* pushed by the CPU */
};

/*
 * Expected faults: an instruction at a label listed with ASM_EXTABLE(insn,
 * fixup) that faults resumes at the fixup label, and the vector is kept in
 * fault_last.  Pattern:
 *	fault_clear();
 *	asm volatile("1: rdmsr\n2:\n" ASM_EXTABLE(1b, 2b) : ...);
 *	if (fault_vector() == GP_VECTOR) ...
 */
#define ASM_EXTABLE(from, to) \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t" \
	".quad " #from ", " #to "\n\t.popsection\n\t"
#define FAULT_NONE (-1)
struct fault_info {
	int vector;		/* FAULT_NONE if nothing faulted */
	u64 error, rip, cr2;
};
extern volatile struct fault_info fault_last;
static inline void fault_clear(void) { fault_last.vector = FAULT_NONE; }
static inline int fault_vector(void) { return fault_last.vector; }
const char *vector_name(int vector);

/* Safe MSR accessors: return FAULT_NONE or the vector raised. */
int rdmsr_safe(u32 msr, u64 *val);
int wrmsr_safe(u32 msr, u64 val);

/* Deliver @vec on interrupt stack @ist (1-7), which starts at @stack_top. */
void trap_set_ist(unsigned int vec, unsigned int ist, void *stack_top);

/* Interrupts: @fn runs for vector @vec (32-255) with IF = 0 and does its
 * own EOI; without a handler an interrupt is unexpected (ERROR). */
void irq_set_handler(unsigned int vec, void (*fn)(unsigned int vec));
/* Replace the IDT by a zero-limit one: any exception then triple-faults. */
void idt_disable(void);

/*
 * Ring 3.  user_run() runs fn at CPL 3 (IF = 0, IOPL 0) on its own stack
 * and returns when fn calls user_exit(v) (an "int $0x80" through a DPL-3
 * gate) with v, or USER_FAULTED if ring 3 raised an exception (fault_last
 * says which).  fn must not return.
 */
#define USER_FAULTED 0xdead0000fa017edULL
u64 user_run(void (*fn)(void));
static inline __noreturn void user_exit(u64 v)
{
	asm volatile("int $0x80" : : "a"(v) : "memory");
	__builtin_unreachable();
}

/* ---- hypercalls -------------------------------------------------------------- */
enum hc_insn { HC_VMCALL, HC_VMMCALL };
extern enum hc_insn hc_native;		/* chosen from the CPUID vendor */
extern bool cpu_is_amd;			/* AuthenticAMD or HygonGenuine */
extern u8 hypercall_page[PAGE_SIZE];	/* page-aligned, in the image */

/* One hypercall through an explicit instruction (64-bit convention:
 * RAX = nr, RDI, RSI, RDX, R10, R8). */
long hypercall_insn(enum hc_insn insn, unsigned long nr, unsigned long a1,
		    unsigned long a2, unsigned long a3, unsigned long a4,
		    unsigned long a5);
/* The same, but a #UD (or any fault) is caught: returns FAULT_NONE with
 * *ret set, or the vector. */
int hypercall_insn_safe(enum hc_insn insn, unsigned long nr, unsigned long a1,
			unsigned long a2, unsigned long a3, long *ret);
/* Through hypercall_page (installed by hypercall_page_install()). */
long hypercall_via_page(unsigned long nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5);
/* Write the page's GPA to the MSR that CPUID 0x40000002 EBX names.
 * Returns FAULT_NONE or the vector the WRMSR raised. */
int hypercall_page_install(void);
/* The default path used by the wrappers below: the native instruction,
 * or the page once hypercall_use_page(true) was called. */
void hypercall_use_page(bool on);
long hypercall(unsigned long nr, unsigned long a1, unsigned long a2,
	       unsigned long a3, unsigned long a4, unsigned long a5);

long hyp_console_write(const char *buf, unsigned long len);
long hyp_xen_version(int cmd, void *arg);
long hyp_sched_op(int cmd, void *arg);
long hyp_shutdown(unsigned int reason);
long hyp_yield(void);
long hyp_block(void);
long hyp_set_timer_op(u64 deadline_ns);

/* ---- secondary vCPUs (lib/smp.c) -------------------------------------------- */
long hyp_vcpu_op(int cmd, unsigned int id, void *arg);
/* Start vCPU @id in 64-bit mode on our page tables, GDT and IDT, running
 * fn(id) on the stack ending at @stack_top (a return halts it).  0, or the
 * VCPUOP_initialise/up error. */
long vcpu_start(unsigned int id, void (*fn)(unsigned int id), void *stack_top);

/* ---- time (CPUID 0x40000003) ------------------------------------------------ */
struct time_info {
	bool valid;
	u32 tsc_khz;
	u64 tsc_base;		/* TSC at Xen system time 0 */
	u32 mul;
	s8 shift;
};
extern struct time_info time_info;
void time_init(void);
u64 tsc_to_ns(u64 tsc_delta);	/* pvclock scale */
u64 now_ns(void);		/* Xen system time */
/* Block (set_timer_op + HLT) until system time reaches @deadline. */
void sleep_until(u64 deadline);
void sleep_ms(u64 ms);

#define NS_PER_MS 1000000UL
#define NS_PER_SEC 1000000000UL

/* ---- internals shared by the library's files ------------------------------------ */
void trap_init(void);
void console_init(void);
void hypercall_init(void);
void lib_start(u32 start_info_pa);

#endif
