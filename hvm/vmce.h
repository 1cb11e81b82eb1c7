/*
 * Virtual machine-check architecture (hvm/vmce.c): the MCG and bank MSRs
 * an HVM vCPU sees when its policy offers MCE and MCA, as Xen 4.17 gives
 * every HVM guest.  Nothing is ever injected: the banks only hold what
 * the guest itself may write to them (zero), so an OS's machine-check
 * set-up and its polling find a machine without errors.
 */
#ifndef HVM_VMCE_H
#define HVM_VMCE_H

#include <xen/types.h>

#define VMCE_BANKS 2	/* Xen 4.17's GUEST_MC_BANK_NUM */

struct vmce {
	u64 mcg_cap, mcg_status;
	u64 ctl2[VMCE_BANKS];	/* Intel's MCi_CTL2 (CMCI enable, threshold) */
};

/* @intel: the guest's vendor is Intel (CMCI and MCi_CTL2 exist). */
void vmce_init(struct vmce *m, bool intel);
/* 0, -EINVAL for #GP, or -ENOENT: @msr is no machine-check MSR. */
int vmce_msr_read(const struct vmce *m, u32 msr, u64 *val);
int vmce_msr_write(struct vmce *m, u32 msr, u64 val);

#endif
