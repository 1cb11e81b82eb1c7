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
	c->sllps = bits(cap, 37, 34);
	c->drain_writes = bits(cap, 54, 54);
	c->drain_reads = bits(cap, 55, 55);
	c->translating = bits(gsts, 31, 31);
	c->remapping_intr = bits(gsts, 25, 25);
}

unsigned int vtd_levels(const struct vtd_caps *c)
{
	if (c->sagaw & 0x4)
		return 4;
	return c->sagaw & 0x2 ? 3 : 0;
}

/* 9.1: present (bit 0) and the context table's address (63:12). */
struct vtd_entry vtd_root_entry(paddr_t context_table)
{
	return (struct vtd_entry){ .lo = (context_table & ~0xfffULL) | 1 };
}

/*
 * 9.3: present (bit 0), fault processing on (FPD, bit 1, clear), type 00
 * (untranslated requests through the second-level tables, 3:2), their
 * root in 63:12; AW (66:64) 1 for 3 levels (39 bits), 2 for 4 (48 bits);
 * the domain id in 87:72.
 */
struct vtd_entry vtd_context_entry(paddr_t sl_root, unsigned int levels,
				   u16 did)
{
	return (struct vtd_entry){
		.lo = (sl_root & ~0xfffULL) | 1,
		.hi = (levels - 2) | (u64)did << 8,
	};
}

/* 11.4.14: fault info (the page, 63:12), SID (79:64), FR (103:96),
 * T (126: 1 for a read), F (127). */
bool vtd_fault_decode(u64 lo, u64 hi, struct vtd_fault *f)
{
	if (!bits(hi, 63, 63))
		return false;
	f->addr = lo & ~0xfffULL;
	f->sid = bits(hi, 15, 0);
	f->reason = bits(hi, 39, 32);
	f->read = bits(hi, 62, 62);
	return true;
}

/* 7.1.3, table "Unrecoverable fault conditions", legacy mode. */
const char *vtd_fault_reason(u8 reason)
{
	static const char *const why[] = {
		[1] = "root entry not present",
		[2] = "context entry not present",
		[3] = "invalid context entry",
		[4] = "address beyond the guest address width",
		[5] = "write to a page that is not writable",
		[6] = "read of a page that is not readable",
		[7] = "bad second-level table address",
		[8] = "bad root table address",
		[9] = "bad context table address",
		[0xa] = "reserved bits in a root entry",
		[0xb] = "reserved bits in a context entry",
		[0xc] = "reserved bits in a second-level entry",
		[0xd] = "translation type not allowed",
	};

	return reason < ARRAY_SIZE(why) && why[reason] ? why[reason] :
							   "unknown reason";
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

/* 2.5.1-2.5.3: DeviceID 15:0, then in the second dword the domain id
 * (15:0), the flags (27:16) and the event code (31:28); the address in
 * the second quadword. */
void amd_vi_event_decode(u64 lo, u64 hi, struct amd_vi_event *e)
{
	e->code = bits(lo, 63, 60);
	e->dev = bits(lo, 15, 0);
	e->did = bits(lo, 47, 32);
	e->flags = bits(lo, 59, 48);
	e->addr = hi;
}

bool amd_vi_event_is_fault(const struct amd_vi_event *e)
{
	return e->code == AMD_VI_EVT_IO_PAGE_FAULT ||
	       e->code == AMD_VI_EVT_ILLEGAL_DEV_TABLE_ENTRY;
}

const char *amd_vi_event_reason(const struct amd_vi_event *e)
{
	if (e->code == AMD_VI_EVT_ILLEGAL_DEV_TABLE_ENTRY)
		return "illegal device table entry";
	if (e->code != AMD_VI_EVT_IO_PAGE_FAULT)
		return "not a fault";
	if (e->flags & AMD_VI_EVT_FLAG_PE)
		return "no permission";
	return e->flags & AMD_VI_EVT_FLAG_PR ? "page fault" :
					       "page not present";
}
