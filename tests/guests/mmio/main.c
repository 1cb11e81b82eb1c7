/*
 * Emulated MMIO and string port I/O, through the hypervisor's instruction
 * emulator.  The guest touches guest-physical addresses where nothing is
 * (above its RAM): every instruction form must behave as on a bus where
 * nothing answers - reads all ones, writes dropped - with the registers
 * and flags the CPU would leave.  Then string port I/O: REP INS from a
 * port nobody claims fills memory with ones, REP OUTS writes a marker
 * line to port 0xE9 (the runner looks for it), and a REP MOVS that runs
 * into an unmapped page takes #PF with the progress a CPU keeps.
 */
#include "lib.h"

#define SLOT (2UL << 20)

static u8 ram_buf[64] __attribute__((aligned(64)));

/* The MMIO window: a 2 MiB slot of the identity map above RAM. */
static u64 window(void)
{
	u64 w = (memmap_ram_end() + 2 * SLOT - 1) & ~(SLOT - 1);

	return w + SLOT;
}

static void loads(volatile u64 *m)
{
	u64 q, r;
	u32 l;
	u16 w;
	u8 b;

	asm volatile("movb %1, %0" : "=q"(b) : "m"(*(volatile u8 *)m));
	asm volatile("movw %1, %0" : "=r"(w) : "m"(*(volatile u16 *)m));
	asm volatile("movl %1, %0" : "=r"(l) : "m"(*(volatile u32 *)m));
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*m));
	report(b == 0xff && w == 0xffff && l == 0xffffffff && q == ~0ULL,
	       "mov loads all ones: %#x %#x %#x %#lx", b, w, l, q);
	asm volatile("movzbl %1, %k0" : "=r"(q) : "m"(*(volatile u8 *)m));
	asm volatile("movsbq %1, %0" : "=r"(r) : "m"(*(volatile u8 *)m));
	report(q == 0xff && r == ~0ULL, "movzx %#lx, movsx %#lx", q, r);
	q = 1;
	asm volatile("addq %1, %0" : "+r"(q) : "m"(*m) : "cc");
	report(q == 0, "add reg, [mmio]: 1 + ones = %#lx", q);
	asm volatile("cmpl $-1, %1; sete %b0" : "=q"(r) : "m"(*(volatile u32 *)m)
		     : "cc");
	report((r & 0xff) == 1, "cmp [mmio], -1 sets ZF");
	asm volatile("btl $5, %1; setc %b0" : "=q"(r) : "m"(*(volatile u32 *)m)
		     : "cc");
	report((r & 0xff) == 1, "bt [mmio], 5 sets CF");
	asm volatile("testb $0x80, %1; setnz %b0" : "=q"(r)
		     : "m"(*(volatile u8 *)m) : "cc");
	report((r & 0xff) == 1, "test [mmio], 0x80 is non-zero");
}

static void stores(volatile u64 *m)
{
	u64 q = 0x1122334455667788ULL, old;

	*m = q;
	report(*m == ~0ULL, "a stored qword is dropped (reads %#lx)", *m);
	asm volatile("orl $1, %0" : "+m"(*(volatile u32 *)m) : : "cc");
	asm volatile("xchgq %0, %1" : "+r"(q), "+m"(*m));
	report(q == ~0ULL, "xchg reg, [mmio] returns ones (%#lx)", q);
	old = 0;
	q = 5;
	asm volatile("lock cmpxchgq %2, %1" : "+a"(old), "+m"(*m) : "r"(q)
		     : "cc");
	report(old == ~0ULL, "cmpxchg fails and loads ones into RAX (%#lx)",
	       old);
	asm volatile("pushq %1; popq %0" : "=r"(q) : "m"(*m));
	report(q == ~0ULL, "push [mmio] pushes ones (%#lx)", q);
	asm volatile("pushq %1; popq %0" : "=m"(*m) : "r"(q));
	report(*m == ~0ULL, "pop [mmio] is dropped");
}

/* An 8-byte load whose first half is RAM and second half the window. */
static void straddle(void)
{
	volatile u32 *ram_last = (volatile u32 *)(memmap_ram_end() - 4);
	u32 low = *ram_last;
	u64 q;

	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile u64 *)ram_last));
	report((u32)q == low && (q >> 32) == 0xffffffff,
	       "a load across RAM and a hole: %#lx (RAM half %#x)", q, low);
}

static void strings(volatile u64 *m)
{
	u64 rcx, rsi, rdi;

	memset(ram_buf, 0, sizeof(ram_buf));
	rcx = 16;
	rsi = (u64)m;
	rdi = (u64)ram_buf;
	asm volatile("cld; rep movsb" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	report(rcx == 0 && rsi == (u64)m + 16 && rdi == (u64)ram_buf + 16 &&
	       ram_buf[0] == 0xff && ram_buf[15] == 0xff && ram_buf[16] == 0,
	       "rep movsb mmio -> RAM: 16 bytes of ones, rcx %lu", rcx);
	rcx = 4;
	rsi = (u64)ram_buf + 24;
	rdi = (u64)m + 24;
	asm volatile("std; rep movsq; cld" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	report(rcx == 0 && rsi == (u64)ram_buf - 8 && rdi == (u64)m - 8,
	       "rep movsq RAM -> mmio backwards: rsi/rdi moved down by 32");
	rcx = 300;	/* more than one batch of the emulator */
	rdi = (u64)m;
	asm volatile("cld; rep stosl" : "+c"(rcx), "+D"(rdi) : "a"(0x5a5a5a5a)
		     : "memory");
	report(rcx == 0 && rdi == (u64)m + 1200, "rep stosl x300 to mmio");
	rsi = (u64)m;
	asm volatile("lodsw" : "+S"(rsi), "=a"(rcx) : : "memory");
	report((rcx & 0xffff) == 0xffff && rsi == (u64)m + 2,
	       "lodsw from mmio: %#lx", rcx & 0xffff);
}

static void port_strings(void)
{
	static const char marker[] = "mmio: rep outsb to port 0xE9 works\n";
	u64 rcx, rsi, rdi;

	memset(ram_buf, 0, sizeof(ram_buf));
	rcx = 8;
	rdi = (u64)ram_buf;
	asm volatile("cld; rep insw" : "+c"(rcx), "+D"(rdi) : "d"(0x2a0)
		     : "memory");
	report(rcx == 0 && rdi == (u64)ram_buf + 16 && ram_buf[0] == 0xff &&
	       ram_buf[15] == 0xff && ram_buf[16] == 0,
	       "rep insw from an unclaimed port: 8 words of ones");
	console_flush();
	rcx = sizeof(marker) - 1;
	rsi = (u64)marker;
	asm volatile("cld; rep outsb" : "+c"(rcx), "+S"(rsi) : "d"(0xe9)
		     : "memory");
	report(rcx == 0, "rep outsb of the marker line to port 0xE9");
}

/* rep movsb from the window into a page that is not mapped: #PF at the
 * first byte there, with the bytes before it done (SDM vol. 2 "REP"). */
static void string_fault(volatile u64 *m)
{
	u64 hole = window() + SLOT;	/* the next 2 MiB slot */
	unsigned int idx = hole >> 21;
	u64 saved = boot_pd[idx], rcx = 32, rsi = (u64)m, rdi = hole - 8;

	boot_pd[idx] = 0;
	write_cr3(read_cr3());
	fault_clear();
	asm volatile("cld\n1: rep movsb\n2:\n" ASM_EXTABLE(1b, 2b)
		     : "+c"(rcx), "+S"(rsi), "+D"(rdi) : : "memory");
	boot_pd[idx] = saved;
	write_cr3(read_cr3());
	report(fault_vector() == PF_VECTOR && fault_last.cr2 == hole &&
	       (fault_last.error & 3) == 2,
	       "rep movsb into an unmapped page: %s, CR2 %#lx, error %#lx",
	       vector_name(fault_vector()), fault_last.cr2, fault_last.error);
	report(rcx == 24 && rdi == hole && rsi == (u64)m + 8,
	       "the 8 bytes before the fault were done (rcx %lu)", rcx);
}

int main(void)
{
	volatile u64 *m = (volatile u64 *)(window() + 0x1000);

	if (window() + 2 * SLOT > IDENTITY_MAP_END) {
		report_info("RAM reaches too high for an MMIO window; give "
			    "the guest less memory");
		return TEST_FAILURE;
	}
	report_info("MMIO window at %#lx (RAM ends at %#lx)", window(),
		    memmap_ram_end());
	loads(m);
	stores(m);
	straddle();
	strings(m);
	port_strings();
	string_fault(m);
	return report_result();
}
