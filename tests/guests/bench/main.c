/*
 * Path-length benchmarks for `make bench` (run under QEMU -icount shift=0,
 * where the TSC advances one tick per guest instruction, so these figures
 * count instructions through the hypervisor, not host speed):
 *   null hypercall round trip (xen_version XENVER_version, direct VMCALL/
 *   VMMCALL), CPUID exit round trip (leaf 0x40000000), a port read and an
 *   MMIO read the hypervisor answers itself (a port and an address nobody
 *   claims: the port exit alone, then the nested page fault, instruction
 *   emulator and null handler), and SCHEDOP_yield (with `yield`: run two
 *   of these on one pCPU to measure a switch).
 * Each result is one line "bench: <name> <ticks> ticks/op over <n> ops".
 */
#include "lib.h"

#define OPS 2000

static u64 per_op(u64 t0, u64 t1, u64 n)
{
	return (t1 - t0) / n;
}

static void bench_hypercall(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < OPS; i++)
		hyp_xen_version(0, NULL);
	printf("bench: null-hypercall %lu ticks/op over %u ops\n",
	       per_op(t0, rdtsc(), OPS), OPS);
}

static void bench_cpuid(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < OPS; i++)
		cpuid(0x40000000);
	printf("bench: cpuid-exit %lu ticks/op over %u ops\n",
	       per_op(t0, rdtsc(), OPS), OPS);
}

static void bench_port_read(void)
{
	u64 t0 = rdtsc();

	for (int i = 0; i < OPS; i++)
		inl(0x2a0);
	printf("bench: port-read %lu ticks/op over %u ops\n",
	       per_op(t0, rdtsc(), OPS), OPS);
}

/* A 2 MiB slot of the identity map well above RAM: nothing is there. */
static void bench_mmio_read(void)
{
	u64 hole = ((memmap_ram_end() + (4UL << 20) - 1) & ~((2UL << 20) - 1)) +
		   (2UL << 20);
	volatile u32 *m = (volatile u32 *)hole;
	u64 t0;

	if (hole + 4096 > IDENTITY_MAP_END)
		return;
	t0 = rdtsc();
	for (int i = 0; i < OPS; i++)
		(void)*m;
	printf("bench: mmio-read %lu ticks/op over %u ops\n",
	       per_op(t0, rdtsc(), OPS), OPS);
}

static void bench_yield(void)
{
	u64 n = OPS, t0;

	cmdline_get_u64("yields", &n);
	t0 = rdtsc();
	for (u64 i = 0; i < n; i++)
		hyp_yield();
	printf("bench: yield %lu ticks/op over %lu ops\n",
	       per_op(t0, rdtsc(), n), n);
}

int main(void)
{
	if (cmdline_has("yield")) {
		bench_yield();
	} else {
		bench_hypercall();
		bench_cpuid();
		bench_port_read();
		bench_mmio_read();
	}
	return report_result();
}
