/*
 * IOMMU register decoding (xen/arch/x86/iommu/caps.c) against values
 * composed here field by field from the VT-d (rev 4.1, 11.4) and AMD-Vi
 * (48882 rev 3.x, 3.4) register layouts.
 */
#include <stdint.h>
#include <string.h>

#include <xen/iommu.h>

#include "unit.h"

TEST(test_vtd_fields)
{
	struct vtd_caps c;
	uint64_t cap = 2ULL			/* ND: 8-bit domain ids */
		| 1ULL << 4			/* RWBF */
		| 1ULL << 7			/* CM */
		| 0x4ULL << 8			/* SAGAW: 4-level */
		| 47ULL << 16			/* MGAW: 48 bits */
		| 0x22ULL << 24			/* FRO: 0x220 */
		| 7ULL << 40;			/* NFR: 8 records */
	uint64_t ecap = 1ULL << 1		/* QI */
		| 1ULL << 3			/* IR */
		| 1ULL << 4			/* EIM */
		| 1ULL << 6			/* PT */
		| 0x50ULL << 8;			/* IRO: 0x500 */

	vtd_decode(0x10, cap, ecap, 0, &c);
	CHECK_EQ(c.major, 1);
	CHECK_EQ(c.minor, 0);
	CHECK_EQ(c.domains, 256);
	CHECK(c.rwbf);
	CHECK(c.caching_mode);
	CHECK_EQ(c.sagaw, 0x4);
	CHECK_EQ(c.mgaw, 48);
	CHECK_EQ(c.fault_reg_offset, 0x220);
	CHECK_EQ(c.nr_fault_regs, 8);
	CHECK(!c.coherent);
	CHECK(c.queued_inval);
	CHECK(c.intr_remap);
	CHECK(c.x2apic);
	CHECK(c.pass_through);
	CHECK(!c.snoop_control);
	CHECK_EQ(c.iotlb_offset, 0x500);
	CHECK(!c.translating);
	CHECK(!c.remapping_intr);

	/* Everything off but what firmware left running; ND 7 is reserved
	 * and read as the largest defined size. */
	vtd_decode(0x61, 7, 1ULL | 1ULL << 7, 1U << 31 | 1U << 25, &c);
	CHECK_EQ(c.major, 6);
	CHECK_EQ(c.minor, 1);
	CHECK_EQ(c.domains, 65536);
	CHECK_EQ(c.mgaw, 1);
	CHECK_EQ(c.nr_fault_regs, 1);
	CHECK(c.coherent);
	CHECK(c.snoop_control);
	CHECK(!c.queued_inval);
	CHECK(c.translating);
	CHECK(c.remapping_intr);
}

TEST(test_amd_vi_fields)
{
	struct amd_vi_caps c;
	uint64_t efr = 1ULL << 1		/* PPRSup */
		| 1ULL << 2			/* XTSup */
		| 1ULL << 3			/* NXSup */
		| 1ULL << 4			/* GTSup */
		| 1ULL << 6			/* IASup */
		| 1ULL << 8			/* HESup */
		| 1ULL << 10			/* HATS: 5 levels */
		| 0ULL << 12;			/* GATS: 4 levels */

	amd_vi_decode(0, efr, 0, &c);
	CHECK(!c.enabled);
	CHECK(!c.prefetch);
	CHECK(c.ppr);
	CHECK(c.x2apic);
	CHECK(c.nx);
	CHECK(c.guest_translation);
	CHECK(c.invalidate_all);
	CHECK(!c.guest_apic);
	CHECK(c.hw_error);
	CHECK(!c.perf_counters);
	CHECK_EQ(c.host_levels, 5);
	CHECK_EQ(c.guest_levels, 4);
	CHECK(!c.event_log_running);
	CHECK(!c.cmd_buf_running);

	amd_vi_decode(1, 1ULL | 1ULL << 7 | 1ULL << 9 | 2ULL << 10 | 1ULL << 12,
		      1ULL << 3 | 1ULL << 4, &c);
	CHECK(c.enabled);
	CHECK(c.prefetch);
	CHECK(c.guest_apic);
	CHECK(c.perf_counters);
	CHECK(!c.ppr);
	CHECK_EQ(c.host_levels, 6);
	CHECK_EQ(c.guest_levels, 5);
	CHECK(c.event_log_running);
	CHECK(c.cmd_buf_running);
}

/* What vtd.c needs to share the p2m: levels and 2 MiB pages. */
TEST(test_vtd_levels_and_pages)
{
	struct vtd_caps c;

	vtd_decode(0x10, 0x2ULL << 8 | 1ULL << 34, 0, 0, &c);	/* QEMU */
	CHECK_EQ(vtd_levels(&c), 3);
	CHECK_EQ(c.sllps, 1);
	vtd_decode(0x10, 0x6ULL << 8 | 3ULL << 34 | 3ULL << 54, 0, 0, &c);
	CHECK_EQ(vtd_levels(&c), 4);
	CHECK_EQ(c.sllps, 3);
	CHECK(c.drain_reads && c.drain_writes);
	vtd_decode(0x10, 0x1ULL << 8 | 0x10ULL << 8, 0, 0, &c);	/* 2, 6 */
	CHECK_EQ(vtd_levels(&c), 0);
	CHECK(!c.drain_reads && !c.drain_writes);
}

/* Root and context entries (9.1, 9.3) and a fault record (11.4.14),
 * bit by bit. */
TEST(test_vtd_entries)
{
	struct vtd_entry e;
	struct vtd_fault f;

	e = vtd_root_entry(0x12345000);
	CHECK_EQ(e.lo, 0x12345001);
	CHECK_EQ(e.hi, 0);
	e = vtd_context_entry(0xabcde000, 3, 7);
	CHECK_EQ(e.lo, 0xabcde001);		/* present, FPD 0, TT 00 */
	CHECK_EQ(e.hi, 1 | 7 << 8);		/* AW 1: 39 bits */
	e = vtd_context_entry(0x1000, 4, 0xffff);
	CHECK_EQ(e.lo, 0x1001);
	CHECK_EQ(e.hi, 2 | 0xffffULL << 8);	/* AW 2: 48 bits */

	CHECK(!vtd_fault_decode(0x11000, 0x05ULL << 32 | 0x0008, &f));
	CHECK(vtd_fault_decode(0x11abc, 1ULL << 63 | 0x05ULL << 32 | 0x0008,
			       &f));
	CHECK_EQ(f.addr, 0x11000);
	CHECK_EQ(f.sid, 0x0008);		/* 00:01.0 */
	CHECK_EQ(f.reason, 5);
	CHECK(!f.read);
	CHECK(vtd_fault_decode(0, 1ULL << 63 | 1ULL << 62 | 0x06ULL << 32 |
				  0xff07, &f));
	CHECK(f.read);
	CHECK_EQ(f.sid, 0xff07);
	CHECK_EQ(f.reason, 6);
	CHECK(strstr(vtd_fault_reason(2), "context entry not present"));
	CHECK(strstr(vtd_fault_reason(0xee), "unknown"));
	CHECK(strstr(vtd_fault_reason(0), "unknown"));
}

/* IO_PAGE_FAULT and ILLEGAL_DEV_TABLE_ENTRY as 2.5.3 and 2.5.2 lay
 * them out, and an event that is not a fault. */
TEST(test_amd_vi_events)
{
	struct amd_vi_event e;

	/* 00:01.0 wrote 0x11abc in domain 7: present, no permission. */
	amd_vi_event_decode(0x0008ULL | 7ULL << 32 | (1ULL << 4 | 1ULL << 5 |
			    1ULL << 6) << 48 | 2ULL << 60, 0x11abc, &e);
	CHECK_EQ(e.code, AMD_VI_EVT_IO_PAGE_FAULT);
	CHECK_EQ(e.dev, 0x0008);
	CHECK_EQ(e.did, 7);
	CHECK(e.flags & AMD_VI_EVT_FLAG_RW);
	CHECK_EQ(e.addr, 0x11abc);
	CHECK(amd_vi_event_is_fault(&e));
	CHECK(strstr(amd_vi_event_reason(&e), "no permission"));
	/* A read of a page that is not there. */
	amd_vi_event_decode(0xff07ULL | 2ULL << 60, 0x5000, &e);
	CHECK(!(e.flags & AMD_VI_EVT_FLAG_RW));
	CHECK_EQ(e.dev, 0xff07);
	CHECK(strstr(amd_vi_event_reason(&e), "not present"));
	amd_vi_event_decode(0x0010ULL | 1ULL << 60, 0, &e);
	CHECK(amd_vi_event_is_fault(&e));
	CHECK(strstr(amd_vi_event_reason(&e), "illegal device table"));
	/* COMMAND_HARDWARE_ERROR (6): not a DMA fault. */
	amd_vi_event_decode(6ULL << 60, 0, &e);
	CHECK(!amd_vi_event_is_fault(&e));
}

UNIT_MAIN(test_vtd_fields, test_amd_vi_fields, test_vtd_levels_and_pages,
	  test_vtd_entries, test_amd_vi_events)
