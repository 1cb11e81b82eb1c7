/*
 * Intel VT-d DMA remapping (VT-d rev 4.1): the units of the DMAR walk,
 * for each device a domain was given, that domain's p2m.
 *
 * Tables.  One root table and one context table per bus that has an
 * assigned device, shared by every unit: they are plain memory, and a
 * unit only ever looks up its own devices.  A context entry points at the
 * domain's p2m (xen/p2m.h: arch_p2m_iommu_root()), which hvm/p2m/p2m.c
 * keeps readable as second-level tables, so the IOMMU follows every
 * change to the p2m (RAM, grant and foreign maps, ballooning) with nothing
 * to mirror.  All units must walk the same number of levels: 4 where all
 * have 48-bit tables, else 3 (then devices reach gfns below 512 GiB).
 * A device with no context entry is blocked, and its DMA faults.
 *
 * Invalidation: the context cache and the IOTLB globally on every
 * assignment, the IOTLB per domain id when a domain's p2m loses or
 * changes a translation (iommu_flush_domain(), from the p2m's own flush,
 * before the old frame can be freed).  Through the invalidation queue
 * (6.5.2) where the unit has one, each batch ended by a wait descriptor
 * whose status write is polled; through the registers (6.5.1) otherwise,
 * or with iommu=no-qinval.  Interrupt remapping is left off; firmware's
 * settings of it and of the queue are turned off at setup.
 *
 * Faults (7.1) raise the unit's fault event, an MSI to the boot CPU; the
 * handler reads and clears the recording registers, counts every fault
 * and logs the first ones of each unit.  A faulting request is dropped by
 * the unit: it never reaches memory.  Who owns which device, and domain
 * ids, are iommu.c's.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/p2m.h>
#include <xen/page_alloc.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include "iommu_private.h"

#define VTD_TIMEOUT_US 1000000

struct vtd_unit {
	paddr_t base;
	struct vtd_caps c;
	struct iommu_ring iq;		/* entries NULL: no queue in use */
	unsigned long faults;
};

static struct vtd_unit units[ACPI_MAX_DRHD];
static unsigned int nr_units, levels;
static struct vtd_entry *root_table;
static struct vtd_entry *context_table[256];
static bool translating, noncoherent;
/* Tables and registers; taken with interrupts off (the p2m's flush). */
static DEFINE_SPINLOCK(vtd_lock);

static u32 rd32(const struct vtd_unit *u, unsigned int reg)
{
	return mmio_read32(u->base + reg);
}

static u64 rd64(const struct vtd_unit *u, unsigned int reg)
{
	return mmio_read64(u->base + reg);
}

static void wr32(const struct vtd_unit *u, unsigned int reg, u32 v)
{
	mmio_write32(u->base + reg, v);
}

static void wr64(const struct vtd_unit *u, unsigned int reg, u64 v)
{
	mmio_write64(u->base + reg, v);
}

/* Spin until (read & mask) == want; a unit that never gets there is
 * broken, and the boot cannot trust its DMA protection. */
static void wait_reg(const struct vtd_unit *u, unsigned int reg, bool wide,
		     u64 mask, u64 want, const char *what)
{
	for (unsigned int us = 0; us < VTD_TIMEOUT_US; us++) {
		if (((wide ? rd64(u, reg) : rd32(u, reg)) & mask) == want)
			return;
		udelay(1);
	}
	panic("IOMMU: VT-d unit at 0x%llx: %s timed out",
	      (unsigned long long)u->base, what);
}

/* GCMD (11.4.4): the persistent bits as GSTS has them, changed by @set
 * and @clear, then wait for GSTS to agree on @status. */
static void gcmd(const struct vtd_unit *u, u32 set, u32 clear, u32 status,
		 bool want_set, const char *what)
{
	u32 keep = rd32(u, VTD_REG_GSTS) & (VTD_GSTS_TES | VTD_GSTS_QIES |
					   VTD_GSTS_IRES | VTD_GSTS_CFIS);

	wr32(u, VTD_REG_GCMD, (keep & ~clear) | set);
	wait_reg(u, VTD_REG_GSTS, false, status, want_set ? status : 0, what);
}

/* Memory the units read: written back when their walks do not snoop. */
static void sync_for_units(const void *p, size_t len)
{
	if (noncoherent)
		clflush_range(p, len);
}

static void flush_write_buffer(const struct vtd_unit *u)
{
	if (u->c.rwbf)
		gcmd(u, VTD_GSTS_WBFS, 0, VTD_GSTS_WBFS, false,
		     "write buffer flush");
}

/* ---- Queued invalidation (6.5.2) -------------------------------------- */

#define VTD_REG_IQH		0x80
#define VTD_REG_IQT		0x88
#define VTD_REG_IQA		0x90
#define IQ_CONTEXT		0x1	/* descriptor types (6.5.2.1-6.5.2.8) */
#define IQ_IOTLB		0x2
#define IQ_WAIT			0x5
#define IQ_GLOBAL		(1ULL << 4)	/* granularity 01 */
#define IQ_DOMAIN		(2ULL << 4)	/* granularity 10 */

/* Where wait descriptors write their 32-bit status: the low half of a
 * zeroed quadword, so it reads back as the sequence number. */
static volatile u64 iq_status __attribute__((aligned(8)));
static u32 iq_seq;

/* 6.5.2.8: a wait descriptor with a status write (SW, bit 5) and fence
 * (FN, bit 6): once the status reads back, all before it is done. */
static void iq_wait(struct vtd_unit *u)
{
	u32 seq = ++iq_seq;

	iommu_ring_push(&u->iq, IQ_WAIT | 1ULL << 5 | 1ULL << 6 |
			(u64)seq << 32, (uintptr_t)&iq_status);
	if (!iommu_wait_store(&iq_status, seq))
		panic("IOMMU: VT-d unit at 0x%llx: invalidation wait timed "
		      "out (FSTS %#x)", (unsigned long long)u->base,
		      rd32(u, VTD_REG_FSTS));
}

/* 11.4.4.1 CCMD: ICC (63), CIRG 01 = global (62:61); or its descriptor. */
static void inval_context_all(struct vtd_unit *u)
{
	if (u->iq.entries) {
		iommu_ring_push(&u->iq, IQ_CONTEXT | IQ_GLOBAL, 0);
		iq_wait(u);
		return;
	}
	wr64(u, VTD_REG_CCMD, 1ULL << 63 | 1ULL << 61);
	wait_reg(u, VTD_REG_CCMD, true, 1ULL << 63, 0, "context invalidation");
}

/* 11.4.8.1 IOTLB_REG: IVT (63), IIRG (61:60) 01 global or 10 one domain
 * id (47:32), drain reads and writes (49, 48) where the unit can; or the
 * IOTLB descriptor (6.5.2.3: DR 7, DW 6, DID 31:16). */
static void inval_iotlb(struct vtd_unit *u, int did)
{
	unsigned int reg = u->c.iotlb_offset + 8;
	u64 cmd = 1ULL << 63;

	if (u->iq.entries) {
		cmd = IQ_IOTLB | (did < 0 ? IQ_GLOBAL :
				  IQ_DOMAIN | (u64)did << 16);
		if (u->c.drain_reads)
			cmd |= 1ULL << 7;
		if (u->c.drain_writes)
			cmd |= 1ULL << 6;
		iommu_ring_push(&u->iq, cmd, 0);
		iq_wait(u);
		return;
	}

	cmd |= did < 0 ? 1ULL << 60 : 2ULL << 60 | (u64)did << 32;
	if (u->c.drain_reads)
		cmd |= 1ULL << 49;
	if (u->c.drain_writes)
		cmd |= 1ULL << 48;
	wr64(u, reg, cmd);
	wait_reg(u, reg, true, 1ULL << 63, 0, "IOTLB invalidation");
}

static void inval_all_units(void)
{
	for (unsigned int i = 0; i < nr_units; i++) {
		flush_write_buffer(&units[i]);
		inval_context_all(&units[i]);
		inval_iotlb(&units[i], -1);
	}
}

/* ---- Faults ----------------------------------------------------------- */

static void log_fault(struct vtd_unit *u, const struct vtd_fault *f)
{
	char unit[32];

	snprintf(unit, sizeof(unit), "VT-d unit at 0x%llx",
		 (unsigned long long)u->base);
	iommu_report_fault(unit, &u->faults, f->sid, !f->read, f->addr,
			   vtd_fault_reason(f->reason), f->reason);
}

/* 7.3.1: from the index FSTS names, each record with F set is read and
 * cleared (F is write-1-to-clear), then the overflow flag. */
static void drain_faults(struct vtd_unit *u)
{
	u32 fsts = rd32(u, VTD_REG_FSTS);
	unsigned int n = u->c.nr_fault_regs, idx = VTD_FSTS_FRI(fsts);
	struct vtd_fault f;

	if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
		return;
	for (unsigned int i = 0; i < n; i++, idx = (idx + 1) % n) {
		unsigned int reg = u->c.fault_reg_offset + idx * 16;

		if (!vtd_fault_decode(rd64(u, reg), rd64(u, reg + 8), &f))
			break;
		log_fault(u, &f);
		wr32(u, reg + 12, 1U << 31);
	}
	if (fsts & VTD_FSTS_PFO) {
		iommu_count_fault(&u->faults);
		printk(KERN_WARNING "IOMMU: VT-d unit at 0x%llx: fault records "
		       "overflowed (faults lost to the count)\n",
		       (unsigned long long)u->base);
	}
	wr32(u, VTD_REG_FSTS, VTD_FSTS_PFO);
}

static void vtd_fault_interrupt(struct cpu_regs *regs)
{
	unsigned long f = spin_lock_irqsave(&vtd_lock);

	for (unsigned int i = 0; i < nr_units; i++)
		drain_faults(&units[i]);
	spin_unlock_irqrestore(&vtd_lock, f);
}

/* ---- Setup ------------------------------------------------------------ */

/* Can this unit walk the p2m?  Says why not. */
static const char *unit_unusable(const struct vtd_caps *c)
{
	if (!vtd_levels(c))
		return "neither 3- nor 4-level tables (SAGAW)";
	if (!(c->sllps & 1))
		return "no 2 MiB pages, which the p2m uses (SLLPS)";
	if (!c->nr_fault_regs || !c->iotlb_offset)
		return "no fault or IOTLB registers";
	return NULL;
}

static bool take_unit(const struct acpi_drhd *d, unsigned int i)
{
	struct vtd_unit *u = &units[nr_units];
	const char *why;
	u32 ver;

	/* probe.c said why a unit above 4 GiB, or all ones, is skipped. */
	if (d->base >= (1ULL << 32) - 0x1000)
		return false;
	u->base = d->base;
	ver = rd32(u, VTD_REG_VER);
	if (ver == 0xffffffff)
		return false;
	vtd_decode(ver, rd64(u, VTD_REG_CAP), rd64(u, VTD_REG_ECAP),
		   rd32(u, VTD_REG_GSTS), &u->c);
	why = unit_unusable(&u->c);
	if (why) {
		printk(KERN_WARNING "IOMMU: VT-d unit %u cannot remap: %s\n",
		       i, why);
		return false;
	}
	nr_units++;
	return true;
}

/* Firmware's state off, then our root table in, fault events on. */
static void init_unit(struct vtd_unit *u, u32 apic_id)
{
	if (u->c.translating || (rd32(u, VTD_REG_GSTS) &
				 (VTD_GSTS_QIES | VTD_GSTS_IRES))) {
		printk(KERN_WARNING "IOMMU: VT-d unit at 0x%llx: turning off "
		       "what firmware left on\n", (unsigned long long)u->base);
		gcmd(u, 0, VTD_GSTS_TES, VTD_GSTS_TES, false, "disable");
		gcmd(u, 0, VTD_GSTS_IRES, VTD_GSTS_IRES, false, "IR off");
		gcmd(u, 0, VTD_GSTS_QIES, VTD_GSTS_QIES, false, "QI off");
	}
	/* Fault events (11.4.6-11.4.9): fixed, edge, to the boot CPU. */
	wr32(u, VTD_REG_FECTL, VTD_FECTL_IM);
	wr32(u, VTD_REG_FEDATA, VEC_IOMMU_FAULT);
	wr32(u, VTD_REG_FEADDR, 0xfee00000U | apic_id << 12);
	wr32(u, VTD_REG_FEUADDR, 0);
	drain_faults(u);
	wr32(u, VTD_REG_FECTL, 0);
	wr64(u, VTD_REG_RTADDR, (uintptr_t)root_table);
	gcmd(u, VTD_GSTS_RTPS, 0, VTD_GSTS_RTPS, true, "root table pointer");
	/* 6.5.2: the queue from its first entry, one page (QS 0), 128-bit
	 * descriptors (DW 0). */
	if (u->c.queued_inval && opt_iommu.qinval) {
		u64 *q = alloc_zeroed_pages(0);

		if (!q)
			panic("IOMMU: no memory for the invalidation queue");
		sync_for_units(q, PAGE_SIZE);
		wr64(u, VTD_REG_IQT, 0);
		wr64(u, VTD_REG_IQA, (uintptr_t)q);
		gcmd(u, VTD_GSTS_QIES, 0, VTD_GSTS_QIES, true,
		     "queued invalidation on");
		u->iq = (struct iommu_ring){
			.entries = q,
			.head_reg = u->base + VTD_REG_IQH,
			.tail_reg = u->base + VTD_REG_IQT,
			.writeback = noncoherent,
		};
	}
	flush_write_buffer(u);
	inval_context_all(u);
	inval_iotlb(u, -1);
}

/* ---- Devices ---------------------------------------------------------- */

static int vtd_attach(struct domain *d, u16 bdf, u16 did)
{
	u8 bus = bdf >> 8, devfn = bdf & 0xff;
	struct vtd_entry *ctx, *e, ce;
	paddr_t sl_root = arch_p2m_iommu_root(d, levels);
	unsigned long f;

	if (!sl_root)
		return -ENOMEM;
	f = spin_lock_irqsave(&vtd_lock);
	ctx = context_table[bus];
	if (!ctx) {
		ctx = alloc_zeroed_pages(0);
		if (!ctx) {
			spin_unlock_irqrestore(&vtd_lock, f);
			return -ENOMEM;
		}
		sync_for_units(ctx, PAGE_SIZE);
		context_table[bus] = ctx;
		root_table[bus] = vtd_root_entry((uintptr_t)ctx);
		sync_for_units(&root_table[bus], sizeof(root_table[bus]));
	}
	/* The high half first: the unit may read the entry once present. */
	e = &ctx[devfn];
	ce = vtd_context_entry(sl_root, levels, did);
	WRITE_ONCE(e->hi, ce.hi);
	__atomic_store_n(&e->lo, ce.lo, __ATOMIC_RELEASE);
	sync_for_units(e, sizeof(*e));
	inval_all_units();
	if (!translating) {
		for (unsigned int i = 0; i < nr_units; i++)
			gcmd(&units[i], VTD_GSTS_TES, 0, VTD_GSTS_TES, true,
			     "enable translation");
		translating = true;
		printk("IOMMU: translation on: DMA goes through each owner's "
		       "p2m; other devices are blocked\n");
	}
	spin_unlock_irqrestore(&vtd_lock, f);
	return 0;
}

static void vtd_detach(u16 bdf, u16 did)
{
	struct vtd_entry *e = &context_table[bdf >> 8][bdf & 0xff];
	unsigned long f = spin_lock_irqsave(&vtd_lock);

	__atomic_store_n(&e->lo, 0, __ATOMIC_RELEASE);
	WRITE_ONCE(e->hi, 0);
	sync_for_units(e, sizeof(*e));
	inval_all_units();
	spin_unlock_irqrestore(&vtd_lock, f);
}

static void vtd_flush(u16 did)
{
	unsigned long f = spin_lock_irqsave(&vtd_lock);

	for (unsigned int i = 0; i < nr_units; i++) {
		flush_write_buffer(&units[i]);
		inval_iotlb(&units[i], did);
	}
	spin_unlock_irqrestore(&vtd_lock, f);
}

static struct iommu_vendor vtd_vendor = {
	.attach = vtd_attach,
	.detach = vtd_detach,
	.flush = vtd_flush,
};

const struct iommu_vendor *vtd_setup(const struct acpi_info *ai,
				     char *summary, size_t len)
{
	unsigned int lv = 4, dids = IOMMU_MAX_DIDS;

	for (unsigned int i = 0; i < ai->dmar.nr_drhd; i++) {
		if (!take_unit(&ai->dmar.drhd[i], i))
			continue;
		lv = MIN(lv, vtd_levels(&units[nr_units - 1].c));
		dids = MIN(dids, units[nr_units - 1].c.domains);
		noncoherent |= !units[nr_units - 1].c.coherent;
	}
	/* A unit left out still passes its devices' DMA through unchecked,
	 * so either all take part or none does. */
	if (nr_units != ai->dmar.nr_drhd) {
		nr_units = 0;
		snprintf(summary, len, "Intel VT-d, %u unit%s, not enabled: not "
			 "every unit can remap", ai->dmar.nr_drhd,
			 ai->dmar.nr_drhd > 1 ? "s" : "");
		return NULL;
	}
	root_table = alloc_zeroed_pages(0);
	if (!root_table)
		panic("IOMMU: no memory for the VT-d root table");
	levels = lv;
	vtd_vendor.nr_dids = dids;
	if (noncoherent) {
		arch_p2m_iommu_writeback(true);
		sync_for_units(root_table, PAGE_SIZE);
	}
	set_irq_handler(VEC_IOMMU_FAULT, vtd_fault_interrupt);
	for (unsigned int i = 0; i < nr_units; i++)
		init_unit(&units[i], this_cpu()->apic_id);
	snprintf(summary, len, "Intel VT-d, %u unit%s, %u-level tables shared "
		 "with the p2m, %s invalidation%s", nr_units,
		 nr_units > 1 ? "s" : "", levels,
		 units[0].iq.entries ? "queued" : "register",
		 noncoherent ? ", written back for non-snooping walks" : "");
	return &vtd_vendor;
}
