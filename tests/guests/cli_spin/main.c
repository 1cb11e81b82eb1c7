/*
 * Hostile: "cli; jmp ." forever.  Guest IF = 0 must not stop the
 * hypervisor from preempting this vCPU: the other domains keep running.
 */
#include "lib.h"

int main(void)
{
	report_info("cli; jmp . - spinning forever with interrupts off");
	console_flush();
	asm volatile("cli; 1: jmp 1b");
	__builtin_unreachable();
}
