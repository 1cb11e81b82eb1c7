/*
 * Hostile: the #DB delivery loop of CVE-2015-8104 (XSA-156).  #DB is
 * delivered on its own interrupt stack (IST), so every delivery writes
 * its frame to the same place, and a data breakpoint watches that place:
 * each delivery raises the next #DB before the handler's first
 * instruction, with no instruction boundary at which an interrupt (or a
 * VM exit for one) could be taken, because debug traps come first (SDM
 * vol. 3 6.9, table 6-2).  A CPU left to deliver #DB by itself never
 * leaves that loop and the pCPU is lost to every other domain; with #DB
 * intercepted, each delivery is one VM exit, and the host schedules as
 * usual in between.  This domain never runs an instruction again: it is
 * neither crashed nor finished, only preempted (as cli_spin).
 */
#include "lib.h"

#define DR7_FIXED	0x400UL
#define DR7_L0		0x1UL
#define DR7_W0_8B	((1UL << 16) | (2UL << 18))	/* write, 8 bytes */
#define FRAME_WORDS	5	/* SS, RSP, RFLAGS, CS, RIP (no error code) */

static u8 db_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

int main(void)
{
	u8 *top = db_stack + sizeof(db_stack);
	u64 rip_slot = (u64)top - 8 * FRAME_WORDS;

	trap_set_ist(DB_VECTOR, 1, top);
	asm volatile("mov %0, %%db0" : : "r"(rip_slot));
	asm volatile("mov %0, %%db7" : : "r"(DR7_FIXED | DR7_L0 | DR7_W0_8B));
	report_info("armed: #DB on IST1, a write breakpoint on its frame "
		    "(%#lx); single-stepping into the loop", rip_slot);
	console_flush();
	fault_clear();
	asm volatile("pushfq; orq $0x100, (%%rsp); popfq\n"
		     "nop\n1:\n" ASM_EXTABLE(1b, 1b) ::: "memory", "cc");
	/* Reached only if delivery did not re-trigger the breakpoint. */
	report(false, "the #DB handler ran (%s): this CPU does not loop, so "
	       "the case proves nothing here", vector_name(fault_vector()));
	return report_result();
}
