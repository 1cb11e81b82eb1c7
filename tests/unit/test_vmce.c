/*
 * Host tests of the virtual machine-check MSRs (hvm/vmce.c) against Xen
 * 4.17's answers: the capability per vendor, which writes fault, which
 * are ignored, and where the MSR ranges end.
 */
#include <hvm/vmce.h>
#include <xen/errno.h>
#include <asm/msr-index.h>
#include "unit.h"

TEST(test_caps)
{
	struct vmce m;
	u64 v;

	vmce_init(&m, false);			/* AMD: two banks, nothing else */
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_CAP, &v), 0);
	CHECK_EQ(v, 2);
	vmce_init(&m, true);			/* Intel: TES_P, SER_P, CMCI_P */
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_CAP, &v), 0);
	CHECK_EQ(v, 2 | (1ULL << 10) | (1ULL << 11) | (1ULL << 24));
	/* Read-only, but a write is ignored rather than faulting. */
	CHECK_EQ(vmce_msr_write(&m, MSR_MCG_CAP, 0), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_CAP, &v), 0);
	CHECK_EQ(v & 0xff, 2);
	/* No MCG_CTL_P: MCG_CTL reads 0 and ignores writes. */
	CHECK_EQ(vmce_msr_write(&m, MSR_MCG_CTL, ~0ULL), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_CTL, &v), 0);
	CHECK_EQ(v, 0);
	/* No LMCE: MCG_EXT_CTL faults both ways. */
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_EXT_CTL, &v), -EINVAL);
	CHECK_EQ(vmce_msr_write(&m, MSR_MCG_EXT_CTL, 0), -EINVAL);
	/* MCG_STATUS is the guest's. */
	CHECK_EQ(vmce_msr_write(&m, MSR_MCG_STATUS, 5), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_STATUS, &v), 0);
	CHECK_EQ(v, 5);
}

TEST(test_banks)
{
	struct vmce m;
	u64 v;

	vmce_init(&m, false);
	for (u32 b = 0; b < 2; b++) {
		u32 ctl = MSR_MC0_CTL + 4 * b;

		CHECK_EQ(vmce_msr_read(&m, ctl, &v), 0);
		CHECK_EQ(v, ~0ULL);		/* all error reporting on */
		CHECK_EQ(vmce_msr_write(&m, ctl, 0), 0);
		CHECK_EQ(vmce_msr_read(&m, ctl, &v), 0);
		CHECK_EQ(v, ~0ULL);		/* and it stays on */
		for (u32 r = 1; r < 4; r++) {	/* STATUS, ADDR, MISC */
			CHECK_EQ(vmce_msr_write(&m, ctl + r, 0), 0);
			CHECK_EQ(vmce_msr_write(&m, ctl + r, 1), -EINVAL);
			CHECK_EQ(vmce_msr_read(&m, ctl + r, &v), 0);
			CHECK_EQ(v, 0);
		}
	}
	/* Banks past the count, up to the architectural 32: 0, writes
	 * ignored; past those, not a machine-check MSR at all. */
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL + 8, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(vmce_msr_write(&m, MSR_MC0_CTL + 9, 123), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL + 127, &v), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL + 128, &v), -ENOENT);
	CHECK_EQ(vmce_msr_write(&m, MSR_MC0_CTL - 1, 0), -ENOENT);
	CHECK_EQ(vmce_msr_read(&m, MSR_MCG_CAP - 1, &v), -ENOENT);
}

TEST(test_ctl2)
{
	struct vmce m;
	u64 v;

	/* Intel keeps MC0_CTL2 and MC1_CTL2; MC2_CTL2 on reads 0. */
	vmce_init(&m, true);
	CHECK_EQ(vmce_msr_write(&m, MSR_MC0_CTL2 + 1, (1ULL << 30) | 7), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL2 + 1, &v), 0);
	CHECK_EQ(v, (1ULL << 30) | 7);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL2, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(vmce_msr_write(&m, MSR_MC0_CTL2 + 2, 1), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL2 + 2, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL2 + 32, &v), -ENOENT);
	/* AMD has no CMCI: the range reads 0 and keeps nothing. */
	vmce_init(&m, false);
	CHECK_EQ(vmce_msr_write(&m, MSR_MC0_CTL2, 1), 0);
	CHECK_EQ(vmce_msr_read(&m, MSR_MC0_CTL2, &v), 0);
	CHECK_EQ(v, 0);
}

UNIT_MAIN(test_caps, test_banks, test_ctl2)
