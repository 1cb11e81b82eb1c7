/*
 * Hostile: jump into a page of garbage with a zero-limit IDT, so the first
 * exception triple-faults.  "fill=ff" (default) is 0xFF bytes (ff ff is an
 * invalid opcode); "fill=random seed=<n>" is xorshift bytes - whatever
 * privileged instructions, port or MSR accesses and wild memory writes
 * they decode to, the hypervisor must only ever end this domain.
 */
#include "lib.h"

static u8 garbage[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int main(void)
{
	char fill[16] = "ff";
	u64 seed = 1, x;
	unsigned int i;

	cmdline_get_str("fill", fill, sizeof(fill));
	cmdline_get_u64("seed", &seed);
	if (!strcmp(fill, "random")) {
		x = seed ? seed : 1;
		for (i = 0; i < PAGE_SIZE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			garbage[i] = (u8)x;
		}
	} else {
		memset(garbage, 0xff, sizeof(garbage));
	}
	report_info("jumping into %s garbage at %p (seed %lu), IDT limit 0",
		    fill, garbage, seed);
	console_flush();
	idt_disable();
	asm volatile("jmp *%0" : : "r"(garbage) : "memory");
	__builtin_unreachable();
}
