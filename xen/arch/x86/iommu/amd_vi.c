/*
 * AMD-Vi DMA remapping (AMD I/O Virtualization Technology (IOMMU)
 * Specification, 48882 rev 3.x): the IOMMUs of the IVRS walk, for each
 * device a domain was given, a copy of that domain's p2m in AMD-Vi's
 * page-table format (hvm/p2m_iommu.c keeps it in step with the p2m).
 *
 * Tables.  One device table (2.2.2) for all units, covering the 65536
 * requester ids of segment 0: 32 bytes per device, 2 MiB.  Every entry
 * starts valid with translation valid and no page table, which blocks the
 * device (a device whose entry were not valid would pass untranslated).
 * An assigned device's entry points at its owner's copy (4 levels) with
 * read and write allowed there, tagged with the owner's domain id.
 *
 * Commands (2.4) go through each unit's command buffer: the entry
 * invalidated when a device is assigned or taken back, the owner's pages
 * when its p2m loses or changes a translation, each batch ended by a
 * COMPLETION_WAIT whose store the driver polls.  Events (2.5), among them
 * the I/O page faults of blocked DMA, arrive in each unit's event log;
 * its interrupt is the unit's MSI (the unit is a PCI function, kept from
 * dom0), to the boot CPU.  Each fault is counted and the first ones of
 * each unit are logged.  Interrupt remapping stays off (the entries'
 * IV bit clear: interrupts pass unremapped).
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/page_alloc.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include "iommu_private.h"

/* 3.4: MMIO registers. */
#define AMD_VI_DEV_TABLE	0x0000
#define AMD_VI_CMD_BUF		0x0008
#define AMD_VI_EVENT_LOG	0x0010
#define AMD_VI_CONTROL		0x0018
#define AMD_VI_CMD_HEAD		0x2000
#define AMD_VI_CMD_TAIL		0x2008
#define AMD_VI_EVT_HEAD		0x2010
#define AMD_VI_EVT_TAIL		0x2018
#define AMD_VI_STATUS		0x2020
#define  CTRL_IOMMU_EN		(1ULL << 0)
#define  CTRL_EVENT_LOG_EN	(1ULL << 2)
#define  CTRL_EVENT_INT_EN	(1ULL << 3)
#define  CTRL_CMD_BUF_EN	(1ULL << 12)
#define  STATUS_EVENT_OVERFLOW	(1U << 0)
#define  STATUS_EVENT_LOG_INT	(1U << 1)
#define  STATUS_COM_WAIT_INT	(1U << 2)

#define DEV_TABLE_ORDER		9	/* 65536 x 32 bytes = 2 MiB */
#define RING_ENTRIES		IOMMU_RING_ENTRIES /* one page */
#define RING_LEN_CODE		8ULL	/* 2^8 entries, in bits 59:56 */

/* 2.4: commands (opcode in bits 63:60 of the first quadword). */
#define CMD_COMPLETION_WAIT	0x1
#define CMD_INVAL_DEVTAB_ENTRY	0x2
#define CMD_INVAL_IOMMU_PAGES	0x3
#define CMD_INVAL_IOMMU_ALL	0x8	/* where EFR.IA says so */

/* 2.2.2: device table entry, quadwords 0 and 1. */
#define DTE_V			(1ULL << 0)
#define DTE_TV			(1ULL << 1)
#define DTE_MODE(l)		((u64)(l) << 9)
#define DTE_IR			(1ULL << 61)
#define DTE_IW			(1ULL << 62)

struct amd_vi_unit {
	paddr_t base;
	u16 bdf;			/* its own PCI function */
	struct amd_vi_caps c;
	struct iommu_ring cmd;		/* the command buffer */
	u64 *evt;			/* event log */
	unsigned int evt_head;
	unsigned long faults;
};

static struct amd_vi_unit units[ACPI_MAX_IVHD];
static unsigned int nr_units;
static u64 (*dev_table)[4];
/* Where COMPLETION_WAIT stores its word (8-byte aligned). */
static volatile u64 wait_word __attribute__((aligned(8)));
static u64 wait_seq;
/* Registers, rings and the device table. */
static DEFINE_SPINLOCK(amd_vi_lock);

static u64 rd64(const struct amd_vi_unit *u, unsigned int reg)
{
	return mmio_read64(u->base + reg);
}

static void wr64(const struct amd_vi_unit *u, unsigned int reg, u64 v)
{
	mmio_write64(u->base + reg, v);
}

/* ---- Commands --------------------------------------------------------- */

/* Queue one command; the unit starts on it when the tail moves. */
static void queue_cmd(struct amd_vi_unit *u, u64 lo, u64 hi)
{
	iommu_ring_push(&u->cmd, lo, hi);
}

/* COMPLETION_WAIT with a store: everything queued before is done once
 * the word reads the new sequence number. */
static void wait_cmds(struct amd_vi_unit *u)
{
	paddr_t a = (uintptr_t)&wait_word;
	u64 seq = ++wait_seq;

	queue_cmd(u, (a & 0xffffffffffff8ULL) | 1 /* S */ |
		     (u64)CMD_COMPLETION_WAIT << 60, seq);
	if (!iommu_wait_store(&wait_word, seq))
		panic("IOMMU: AMD-Vi unit at 0x%llx: COMPLETION_WAIT timed "
		      "out", (unsigned long long)u->base);
}

static void inval_dte(struct amd_vi_unit *u, u16 bdf)
{
	queue_cmd(u, bdf | (u64)CMD_INVAL_DEVTAB_ENTRY << 60, 0);
}

/* All pages of @did: S=1 with address 7FFF_FFFF_FFFF_F000h, PDE=1
 * (the page-directory caches too). */
static void inval_domain(struct amd_vi_unit *u, u16 did)
{
	queue_cmd(u, (u64)did << 32 | (u64)CMD_INVAL_IOMMU_PAGES << 60,
		  0x7ffffffffffff000ULL | 1 /* S */ | 2 /* PDE */);
}

/* ---- Events ----------------------------------------------------------- */

static void log_event(struct amd_vi_unit *u, u64 lo, u64 hi)
{
	struct amd_vi_event e;
	char unit[48];

	amd_vi_event_decode(lo, hi, &e);
	if (!amd_vi_event_is_fault(&e)) {
		printk(KERN_WARNING "IOMMU: AMD-Vi unit at 0x%llx: event %#x "
		       "(%016llx %016llx)\n", (unsigned long long)u->base,
		       e.code, (unsigned long long)lo, (unsigned long long)hi);
		return;
	}
	snprintf(unit, sizeof(unit), "AMD-Vi unit at 0x%llx, domain id %u",
		 (unsigned long long)u->base, e.did);
	iommu_report_fault(unit, &u->faults, e.dev,
			   e.flags & AMD_VI_EVT_FLAG_RW, e.addr,
			   amd_vi_event_reason(&e), e.flags);
}

static void drain_events(struct amd_vi_unit *u)
{
	unsigned int tail = (rd64(u, AMD_VI_EVT_TAIL) >> 4) % RING_ENTRIES;
	u32 status = rd64(u, AMD_VI_STATUS);

	while (u->evt_head != tail) {
		log_event(u, u->evt[u->evt_head * 2],
			  u->evt[u->evt_head * 2 + 1]);
		u->evt_head = (u->evt_head + 1) % RING_ENTRIES;
	}
	wr64(u, AMD_VI_EVT_HEAD, (u64)u->evt_head << 4);
	if (status & STATUS_EVENT_OVERFLOW) {
		iommu_count_fault(&u->faults);
		printk(KERN_WARNING "IOMMU: AMD-Vi unit at 0x%llx: event log "
		       "overflowed (faults lost to the count)\n",
		       (unsigned long long)u->base);
	}
	/* Write-1-to-clear. */
	wr64(u, AMD_VI_STATUS, status & (STATUS_EVENT_OVERFLOW |
					 STATUS_EVENT_LOG_INT |
					 STATUS_COM_WAIT_INT));
}

static void amd_vi_interrupt(struct cpu_regs *regs)
{
	unsigned long f = spin_lock_irqsave(&amd_vi_lock);

	for (unsigned int i = 0; i < nr_units; i++)
		drain_events(&units[i]);
	spin_unlock_irqrestore(&amd_vi_lock, f);
}

/* ---- Setup ------------------------------------------------------------ */

/* The unit's MSI (PCI 3.0, 6.8.1): capability 05h, fixed, edge, to the
 * boot CPU.  False if it has none. */
static bool enable_msi(const struct amd_vi_unit *u, u32 apic_id)
{
	u8 bus = u->bdf >> 8, dev = (u->bdf >> 3) & 0x1f, fn = u->bdf & 7;
	unsigned int pos, guard = 0;
	u32 ctl;

	if (!(pci_conf_read32(bus, dev, fn, PCI_COMMAND) & (1U << 20)))
		return false;		/* no capability list */
	pos = pci_conf_read32(bus, dev, fn, 0x34) & 0xfc;
	while (pos && guard++ < 48) {
		u32 hdr = pci_conf_read32(bus, dev, fn, pos);

		if ((hdr & 0xff) == 0x05)
			break;
		pos = (hdr >> 8) & 0xfc;
	}
	if (!pos || guard >= 48)
		return false;
	ctl = pci_conf_read32(bus, dev, fn, pos);
	pci_conf_write32(bus, dev, fn, pos + 4, 0xfee00000U | apic_id << 12);
	if (ctl & (1U << 23)) {		/* 64-bit address */
		pci_conf_write32(bus, dev, fn, pos + 8, 0);
		pci_conf_write32(bus, dev, fn, pos + 12, VEC_IOMMU_FAULT);
	} else {
		pci_conf_write32(bus, dev, fn, pos + 8, VEC_IOMMU_FAULT);
	}
	/* Enable, one vector (multiple message enable 0). */
	pci_conf_write32(bus, dev, fn, pos, (ctl & ~(7U << 20)) | 1U << 16);
	return true;
}

static bool take_unit(const struct acpi_ivhd *h)
{
	struct amd_vi_unit *u = &units[nr_units];

	/* probe.c said why a unit above 4 GiB, or all ones, is skipped. */
	if (h->base >= (1ULL << 32) - 0x4000)
		return false;
	u->base = h->base;
	u->bdf = h->bdf;
	if (rd64(u, AMD_VI_CONTROL) == ~0ULL)
		return false;
	amd_vi_decode(rd64(u, AMD_VI_CONTROL), rd64(u, AMD_VI_REG_EFR),
		      rd64(u, AMD_VI_STATUS), &u->c);
	u->cmd = (struct iommu_ring){
		.entries = alloc_zeroed_pages(0),
		.head_reg = u->base + AMD_VI_CMD_HEAD,
		.tail_reg = u->base + AMD_VI_CMD_TAIL,
	};
	u->evt = alloc_zeroed_pages(0);
	if (!u->cmd.entries || !u->evt)
		panic("IOMMU: no memory for the AMD-Vi rings");
	nr_units++;
	return true;
}

/* 3.3: off first (firmware may have left it on), then the tables and
 * rings in, then on with events and commands. */
static void init_unit(struct amd_vi_unit *u, u32 apic_id)
{
	u64 ctrl = rd64(u, AMD_VI_CONTROL);

	if (ctrl & CTRL_IOMMU_EN)
		printk(KERN_WARNING "IOMMU: AMD-Vi unit at 0x%llx: firmware "
		       "left it on; restarting it\n",
		       (unsigned long long)u->base);
	ctrl &= ~(CTRL_IOMMU_EN | CTRL_EVENT_LOG_EN | CTRL_EVENT_INT_EN |
		  CTRL_CMD_BUF_EN);
	wr64(u, AMD_VI_CONTROL, ctrl);
	wr64(u, AMD_VI_DEV_TABLE, (uintptr_t)dev_table |
	     ((1ULL << DEV_TABLE_ORDER) - 1));
	wr64(u, AMD_VI_CMD_BUF, (uintptr_t)u->cmd.entries |
	     RING_LEN_CODE << 56);
	wr64(u, AMD_VI_EVENT_LOG, (uintptr_t)u->evt | RING_LEN_CODE << 56);
	wr64(u, AMD_VI_CMD_HEAD, 0);
	wr64(u, AMD_VI_CMD_TAIL, 0);
	wr64(u, AMD_VI_EVT_HEAD, 0);
	wr64(u, AMD_VI_EVT_TAIL, 0);
	wr64(u, AMD_VI_STATUS, STATUS_EVENT_OVERFLOW | STATUS_EVENT_LOG_INT |
	     STATUS_COM_WAIT_INT);
	if (!enable_msi(u, apic_id))
		printk(KERN_WARNING "IOMMU: AMD-Vi unit at 0x%llx has no MSI: "
		       "faults are counted at the next command only\n",
		       (unsigned long long)u->base);
	ctrl |= CTRL_EVENT_LOG_EN | CTRL_EVENT_INT_EN | CTRL_CMD_BUF_EN |
		CTRL_IOMMU_EN;
	wr64(u, AMD_VI_CONTROL, ctrl);
	iommu_keep_device(u->bdf);
}

/* ---- Devices ---------------------------------------------------------- */

static void all_units(void (*fn)(struct amd_vi_unit *, u16), u16 arg)
{
	for (unsigned int i = 0; i < nr_units; i++) {
		fn(&units[i], arg);
		wait_cmds(&units[i]);
		drain_events(&units[i]);
	}
}

/* Quadword 0 last: the entry is consistent whenever a unit reads it
 * (and the invalidation makes it read it again). */
static void set_dte(u16 bdf, u64 q0, u16 did)
{
	WRITE_ONCE(dev_table[bdf][1], did);
	__atomic_store_n(&dev_table[bdf][0], q0, __ATOMIC_RELEASE);
}

static int amd_vi_attach(struct domain *d, u16 bdf, u16 did)
{
	paddr_t root = arch_p2m_iommu_copy(d);
	unsigned long f;

	if (!root)
		return -ENOMEM;
	f = spin_lock_irqsave(&amd_vi_lock);
	set_dte(bdf, root | DTE_V | DTE_TV | DTE_MODE(4) | DTE_IR | DTE_IW,
		did);
	all_units(inval_dte, bdf);
	spin_unlock_irqrestore(&amd_vi_lock, f);
	return 0;
}

static void amd_vi_detach(u16 bdf, u16 did)
{
	unsigned long f = spin_lock_irqsave(&amd_vi_lock);

	set_dte(bdf, DTE_V | DTE_TV, 0);
	all_units(inval_dte, bdf);
	all_units(inval_domain, did);
	spin_unlock_irqrestore(&amd_vi_lock, f);
}

static void amd_vi_flush(u16 did)
{
	unsigned long f = spin_lock_irqsave(&amd_vi_lock);

	all_units(inval_domain, did);
	spin_unlock_irqrestore(&amd_vi_lock, f);
}

static void amd_vi_release(struct domain *d)
{
	arch_p2m_iommu_release(d);
}

static const struct iommu_vendor amd_vi_vendor = {
	.attach = amd_vi_attach,
	.detach = amd_vi_detach,
	.flush = amd_vi_flush,
	.release = amd_vi_release,
	.nr_dids = IOMMU_MAX_DIDS,
};

const struct iommu_vendor *amd_vi_setup(const struct acpi_info *ai,
					char *summary, size_t len)
{
	unsigned int n = 0;

	/* Each IOMMU once: the IVHDs of the type in use (xen/acpi.h). */
	for (unsigned int i = 0; i < ai->ivrs.nr_ivhd; i++)
		if (ai->ivrs.ivhd[i].type == ai->ivrs.ivhd_type) {
			n++;
			take_unit(&ai->ivrs.ivhd[i]);
		}
	if (!n || nr_units != n) {
		snprintf(summary, len, "AMD-Vi, %u unit%s, not enabled: not "
			 "every unit answers", n, n == 1 ? "" : "s");
		nr_units = 0;
		return NULL;
	}
	dev_table = alloc_zeroed_pages(DEV_TABLE_ORDER);
	if (!dev_table)
		panic("IOMMU: no memory for the AMD-Vi device table");
	for (unsigned int bdf = 0; bdf < 65536; bdf++)
		dev_table[bdf][0] = DTE_V | DTE_TV;
	set_irq_handler(VEC_IOMMU_FAULT, amd_vi_interrupt);
	for (unsigned int i = 0; i < nr_units; i++) {
		init_unit(&units[i], this_cpu()->apic_id);
		/* Nothing it read before counts: every entry, every page. */
		if (units[i].c.invalidate_all)
			queue_cmd(&units[i], (u64)CMD_INVAL_IOMMU_ALL << 60, 0);
		else
			for (unsigned int bdf = 0; bdf < 65536; bdf++)
				inval_dte(&units[i], bdf);
		wait_cmds(&units[i]);
	}
	snprintf(summary, len, "AMD-Vi, %u unit%s, 4-level tables copied "
		 "from the p2m", nr_units, nr_units > 1 ? "s" : "");
	return &amd_vi_vendor;
}
