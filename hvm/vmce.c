/*
 * Virtual machine-check MSRs (hvm/vmce.h).  Why they exist at all: Xen
 * 4.17 offers CPUID MCE and MCA to HVM guests, and firmware relies on it:
 * OVMF's reset vector sets CR4.MCE before anything else, which raises #GP
 * on a CPU without MCE.  Layout and answers are Xen's (SDM vol. 3 ch. 16
 * for the registers):
 *   - MCG_CAP: two banks; on Intel also MCG_TES_P, MCG_SER_P and
 *     MCG_CMCI_P (CMCI offered, never signalled).  No MCG_CTL_P, no
 *     MCG_LMCE_P.  Writes are ignored (read-only; Xen does not fault).
 *   - MCG_STATUS: the guest's own value; MCG_CTL: reads 0, writes ignored;
 *     MCG_EXT_CTL: #GP (no LMCE).
 *   - Banks 0x400 + 4i (CTL, STATUS, ADDR, MISC) for i < 32: CTL reads
 *     all ones and ignores writes; STATUS, ADDR and MISC take only 0 (any
 *     other value raises #GP), so with nothing injected they always read
 *     0.  A bank at or past the count reads 0 and ignores any write, as
 *     in Xen.
 *   - MCi_CTL2 (0x280 + i): on Intel kept for the two banks; otherwise
 *     reads 0 and ignores writes (Xen does not fault there either).
 */
#include <hvm/vmce.h>
#include <xen/errno.h>
#include <asm/msr-index.h>

#define MC_BANKS_MAX	32	/* the architectural MSR ranges */

#define MCG_CMCI_P	(1ULL << 10)
#define MCG_TES_P	(1ULL << 11)
#define MCG_SER_P	(1ULL << 24)

void vmce_init(struct vmce *m, bool intel)
{
	*m = (struct vmce){ .mcg_cap = VMCE_BANKS };
	if (intel)
		m->mcg_cap |= MCG_TES_P | MCG_SER_P | MCG_CMCI_P;
}

/* The bank whose MCi_CTL2 @msr is, if it keeps a value (Intel, one of
 * our banks), else -1. */
static int ctl2_bank(const struct vmce *m, u32 msr)
{
	if (!(m->mcg_cap & MCG_CMCI_P) || msr - MSR_MC0_CTL2 >= VMCE_BANKS)
		return -1;
	return msr - MSR_MC0_CTL2;
}

static bool is_ctl2(u32 msr)
{
	return msr >= MSR_MC0_CTL2 && msr < MSR_MC0_CTL2 + MC_BANKS_MAX;
}

static bool is_bank(u32 msr)
{
	return msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MC_BANKS_MAX;
}

int vmce_msr_read(const struct vmce *m, u32 msr, u64 *val)
{
	*val = 0;
	switch (msr) {
	case MSR_MCG_CAP:
		*val = m->mcg_cap;
		return 0;
	case MSR_MCG_STATUS:
		*val = m->mcg_status;
		return 0;
	case MSR_MCG_CTL:
		return 0;
	case MSR_MCG_EXT_CTL:
		return -EINVAL;
	}
	if (is_ctl2(msr)) {
		int b = ctl2_bank(m, msr);

		*val = b < 0 ? 0 : m->ctl2[b];
		return 0;
	}
	if (!is_bank(msr))
		return -ENOENT;
	if ((msr - MSR_MC0_CTL) / 4 < VMCE_BANKS && (msr & 3) == 0)
		*val = ~0ULL;
	return 0;
}

int vmce_msr_write(struct vmce *m, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_MCG_CAP:
	case MSR_MCG_CTL:
		return 0;
	case MSR_MCG_STATUS:
		m->mcg_status = val;
		return 0;
	case MSR_MCG_EXT_CTL:
		return -EINVAL;
	}
	if (is_ctl2(msr)) {
		int b = ctl2_bank(m, msr);

		if (b >= 0)
			m->ctl2[b] = val;
		return 0;
	}
	if (!is_bank(msr))
		return -ENOENT;
	if (val && (msr & 3) && (msr - MSR_MC0_CTL) / 4 < VMCE_BANKS)
		return -EINVAL;
	return 0;
}
