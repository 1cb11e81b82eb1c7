/*
 * Intel VMX: what an intercepted #DB means for the guest's debug state,
 * as pure functions of the exit's fields.  run.c (vmx_exit_db(),
 * vmx_write_event()) reads and writes the VMCS around them; the host
 * unit tests (tests/unit/test_vmx_debug.c) check them.  Section numbers
 * as in vmx.h.
 */
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <asm/x86-defns.h>

/*
 * A #DB that exits has not written DR6 (27.1); its exit qualification
 * holds the B0-B3, BD and BS bits delivery would have set (table 27-1).
 * They are merged as the CPU merges them (17.2.3): B0-B3 report this
 * exception only, BD and BS stay set until software clears them.  The
 * qualification's reserved bits and RTM (bit 16, RTM is not offered)
 * are ignored.
 */
u64 vmx_db_dr6(u64 dr6, u64 qual)
{
	return (dr6 & ~VMX_DBG_B0_3) |
	       (qual & (VMX_DBG_B0_3 | VMX_DBG_BD | VMX_DBG_BS));
}

/*
 * 26.3.1.5: an entry with blocking by STI or MOV SS and RFLAGS.TF = 1
 * (IA32_DEBUGCTL.BTF is always 0 here) fails unless BS is set in the
 * pending debug exceptions, which a #DB exit leaves clear (27.3.4).
 * A single step that trapped right after STI, or an ICEBP right after
 * MOV SS, exits with that blocking still recorded: the entry that
 * delivers the #DB back must then set BS.  It is not delivered a second
 * time: an entry that injects an exception delivers no pending debug
 * exception (26.6.3), and ends the blocking (26.6.1).
 */
bool vmx_db_needs_pending_bs(u64 rflags, u32 intr_state)
{
	return (rflags & X86_EFLAGS_TF) &&
	       (intr_state & (VMX_INTR_BLOCK_STI | VMX_INTR_BLOCK_MOV_SS));
}

/*
 * 17.2.4: delivering #DB clears DR7.GD, so that the handler may use the
 * debug registers.  Neither a #DB that exits (27.1) nor one that entry
 * injects does it: true for the entry events that deliver a #DB, the
 * hardware exception and ICEBP's privileged software exception.
 */
bool vmx_event_clears_gd(u32 info)
{
	u32 type = info & (7U << 8);

	return (info & VMX_INTR_VALID) && VMX_INTR_VECTOR(info) == TRAP_DB &&
	       (type == VMX_INTR_TYPE_HW_EXC ||
		type == VMX_INTR_TYPE_PRIV_SW_EXC);
}
