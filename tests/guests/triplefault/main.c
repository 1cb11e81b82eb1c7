/*
 * Hostile: load an IDT with limit 0 and execute int3.  #BP cannot be
 * delivered, nor the #GP nor the #DF that follow: a triple fault, which
 * must crash this domain and nothing else.
 */
#include "lib.h"

int main(void)
{
	report_info("loading a zero-limit IDT and executing int3 (triple fault)");
	console_flush();
	idt_disable();
	asm volatile("int3");
	report_info("ERROR: still running after the triple fault");
	return TEST_FAILURE;
}
