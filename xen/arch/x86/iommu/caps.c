/*
 * What an IOMMU's capability registers say, decoded (xen/iommu.h).  Pure:
 * the register values come from probe.c, or from a unit test.
 */
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/string.h>

static u64 bits(u64 v, unsigned int hi, unsigned int lo)
{
	return (v >> lo) & ((2ULL << (hi - lo)) - 1);
}

/* VT-d rev 4.1, 11.4.1 (VER), 11.4.2 (CAP), 11.4.3 (ECAP), 11.4.5 (GSTS). */
void vtd_decode(u32 ver, u64 cap, u64 ecap, u32 gsts, struct vtd_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->major = bits(ver, 7, 4);
	c->minor = bits(ver, 3, 0);
	/* ND 2:0: 4, 6, 8 ... 16 bits of domain id (7 is reserved). */
	c->domains = 1U << (4 + 2 * MIN(bits(cap, 2, 0), 6ULL));
	c->rwbf = bits(cap, 4, 4);
	c->caching_mode = bits(cap, 7, 7);
	c->sagaw = bits(cap, 12, 8);
	c->mgaw = bits(cap, 21, 16) + 1;
	c->fault_reg_offset = bits(cap, 33, 24) * 16;
	c->nr_fault_regs = bits(cap, 47, 40) + 1;
	c->coherent = bits(ecap, 0, 0);
	c->queued_inval = bits(ecap, 1, 1);
	c->intr_remap = bits(ecap, 3, 3);
	c->x2apic = bits(ecap, 4, 4);
	c->pass_through = bits(ecap, 6, 6);
	c->snoop_control = bits(ecap, 7, 7);
	c->iotlb_offset = bits(ecap, 17, 8) * 16;
	c->translating = bits(gsts, 31, 31);
	c->remapping_intr = bits(gsts, 25, 25);
}

/* AMD 48882 rev 3.x, 3.4.3 (control), 3.4.5 (EFR), 3.4.21 (status). */
void amd_vi_decode(u64 control, u64 efr, u64 status, struct amd_vi_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = bits(control, 0, 0);
	c->prefetch = bits(efr, 0, 0);
	c->ppr = bits(efr, 1, 1);
	c->x2apic = bits(efr, 2, 2);
	c->nx = bits(efr, 3, 3);
	c->guest_translation = bits(efr, 4, 4);
	c->invalidate_all = bits(efr, 6, 6);
	c->guest_apic = bits(efr, 7, 7);
	c->hw_error = bits(efr, 8, 8);
	c->perf_counters = bits(efr, 9, 9);
	c->host_levels = 4 + bits(efr, 11, 10);
	c->guest_levels = 4 + bits(efr, 13, 12);
	c->event_log_running = bits(status, 3, 3);
	c->cmd_buf_running = bits(status, 4, 4);
}
