/*
 * Hostile: rewrite our own page tables so [2 MiB, 1 GiB) maps random
 * guest-physical addresses below 64 GiB - half as 2 MiB pages, half as
 * page-table pointers, so the hardware walker itself reads "page tables"
 * from random (mostly unbacked) GPAs - reload CR3 and touch every 2 MiB.
 * The first 2 MiB (this image, its stack and page tables) stays mapped.
 * A zero-limit IDT turns any guest-level fault into a triple fault.
 * "mode=cr3" instead loads CR3 with a GPA above RAM.  Either way the
 * hypervisor must crash this domain and nothing else.
 */
#include "lib.h"

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(void)
{
	char mode[16] = "pd";
	u64 seed = 0, gpa, sum = 0;
	unsigned int i;

	cmdline_get_str("mode", mode, sizeof(mode));
	if (cmdline_get_u64("seed", &seed) && seed)
		rng = seed;
	idt_disable();

	if (!strcmp(mode, "cr3")) {
		gpa = memmap_ram_end() + (16UL << 20);
		report_info("loading CR3 = %#lx (above RAM), IDT limit 0", gpa);
		console_flush();
		write_cr3(gpa);
		report_info("ERROR: survived a CR3 above RAM");
		return TEST_FAILURE;
	}

	report_info("mapping [2 MiB, 1 GiB) to random GPAs, IDT limit 0");
	for (i = 1; i < 512; i++) {
		gpa = next_rand() & ((64UL << 30) - 1);
		if (i & 1)
			boot_pd[i] = (gpa & ~((2UL << 20) - 1)) | PTE_PS | PTE_U | PTE_W | PTE_P;
		else
			boot_pd[i] = (gpa & ~(PAGE_SIZE - 1)) | PTE_U | PTE_W | PTE_P;
	}
	report_info("PD[1] = %#lx, PD[2] = %#lx; reloading CR3 and touching "
		    "every 2 MiB", boot_pd[1], boot_pd[2]);
	console_flush();
	write_cr3(read_cr3());
	for (i = 1; i < 512; i++) {
		volatile u64 *p = (volatile u64 *)((u64)i << 21);

		sum += *p;
		*p = sum;
	}
	report_info("ERROR: survived touching all of it (sum %#lx)", sum);
	return TEST_FAILURE;
}
