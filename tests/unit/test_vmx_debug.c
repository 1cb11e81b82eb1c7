/*
 * Host tests for the rules of an intercepted #DB under VMX
 * (hvm/vmx/debug.c): the guest's DR6 after the exit, when the entry that
 * delivers it back needs BS pending, and which injected events clear
 * DR7.GD.
 */
#include "unit.h"
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>

#define DR6_CLEAN	0xffff0ff0ULL		/* every status bit clear */

TEST(test_dr6)
{
	/* Each condition as the qualification reports it (table 27-1). */
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, 0x1), DR6_CLEAN | 0x1);
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, 0x8), DR6_CLEAN | 0x8);
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, 1ULL << 13), DR6_CLEAN | (1ULL << 13));
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, 1ULL << 14), DR6_CLEAN | (1ULL << 14));
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, (1ULL << 14) | 0x2),
		 DR6_CLEAN | (1ULL << 14) | 0x2);
	/* B0-B3 report the last #DB only; BD and BS are sticky. */
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN | 0x5, 0x2), DR6_CLEAN | 0x2);
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN | (1ULL << 14) | 0x1, 0x4),
		 DR6_CLEAN | (1ULL << 14) | 0x4);
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN | (1ULL << 13), 1ULL << 14),
		 DR6_CLEAN | (3ULL << 13));
	/* ICEBP reports no condition: B0-B3 go, the rest stays. */
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN | (1ULL << 14) | 0x3, 0),
		 DR6_CLEAN | (1ULL << 14));
	/* Reserved qualification bits and RTM (not offered) are ignored. */
	CHECK_EQ(vmx_db_dr6(DR6_CLEAN, (1ULL << 16) | (1ULL << 12) | 0xf0),
		 DR6_CLEAN);
	/* The guest's own DR6 bits outside the status bits are kept. */
	CHECK_EQ(vmx_db_dr6(0xffffffffffff0ff0ULL, 0x1), 0xffffffffffff0ff1ULL);
}

TEST(test_pending_bs)
{
	const u64 tf = 1ULL << 8;

	CHECK(vmx_db_needs_pending_bs(tf | 0x202, VMX_INTR_BLOCK_STI));
	CHECK(vmx_db_needs_pending_bs(tf | 0x2, VMX_INTR_BLOCK_MOV_SS));
	CHECK(!vmx_db_needs_pending_bs(tf | 0x2, 0));
	CHECK(!vmx_db_needs_pending_bs(tf | 0x2, VMX_INTR_BLOCK_NMI));
	CHECK(!vmx_db_needs_pending_bs(0x202, VMX_INTR_BLOCK_STI));
	CHECK(!vmx_db_needs_pending_bs(0x2, VMX_INTR_BLOCK_MOV_SS));
}

TEST(test_clears_gd)
{
	/* #DB as a hardware exception and as ICEBP's privileged one. */
	CHECK(vmx_event_clears_gd(1 | VMX_INTR_TYPE_HW_EXC | VMX_INTR_VALID));
	CHECK(vmx_event_clears_gd(1 | VMX_INTR_TYPE_PRIV_SW_EXC |
				  VMX_INTR_VALID));
	/* Not a #DB delivery: INT 1, an interrupt on vector 1, #BP, #GP,
	 * or no event at all. */
	CHECK(!vmx_event_clears_gd(1 | VMX_INTR_TYPE_SW_INT | VMX_INTR_VALID));
	CHECK(!vmx_event_clears_gd(1 | VMX_INTR_TYPE_EXT | VMX_INTR_VALID));
	CHECK(!vmx_event_clears_gd(3 | VMX_INTR_TYPE_SW_EXC | VMX_INTR_VALID));
	CHECK(!vmx_event_clears_gd(13 | VMX_INTR_TYPE_HW_EXC |
				   VMX_INTR_HAS_ERROR | VMX_INTR_VALID));
	CHECK(!vmx_event_clears_gd(1 | VMX_INTR_TYPE_HW_EXC));
}

UNIT_MAIN(test_dr6, test_pending_bs, test_clears_gd)
