/*
 * The IOMMU as the rest of the hypervisor sees it (xen/iommu.h): which
 * domain owns each PCI function's DMA, and which domain id tags its
 * tables on the units.  The vendor driver (vtd.c for Intel VT-d, amd_vi.c
 * for AMD-Vi) does the hardware; this file keeps the bookkeeping, so
 * both answer the same: a device has at most one owner, a domain gets an
 * id with its first device and gives it back with its last, and a dying
 * domain's devices are taken back before its memory goes.
 */
#include <xen/acpi.h>
#include <xen/bootinfo.h>
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/p2m.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include <asm/io.h>
#include <asm/processor.h>
#include "iommu_private.h"

static const struct iommu_vendor *vendor;
static char summary[160] = "none in the ACPI tables";
/* owner[bus][devfn], a bus's table allocated with its first device. */
static struct domain **owner[256];
/* The owner of a function the hypervisor keeps (an AMD-Vi unit's own). */
#define OWNER_HYPERVISOR ((struct domain *)&owner)
static struct domain *did_owner[IOMMU_MAX_DIDS];
static unsigned long faults_total;
/* Ownership and ids.  Taken with interrupts off; nests outside the p2m
 * lock (attach builds or finds the AMD-Vi copy, release frees it) and
 * the vendor's register lock. */
static DEFINE_SPINLOCK(iommu_lock);

/* The firmware's tables, for dom0's reserved regions (iommu_setup()). */
static const struct acpi_info *host_acpi;

void iommu_setup(const struct acpi_info *ai)
{
	if (!opt_iommu.on) {
		if (ai->dmar.nr_drhd || ai->ivrs.ivhd_type)
			snprintf(summary, sizeof(summary), "%s, off (iommu=0): "
				 "DMA is not remapped", ai->dmar.nr_drhd ?
				 "Intel VT-d" : "AMD-Vi");
		return;
	}
	if (ai->dmar.nr_drhd)
		vendor = vtd_setup(ai, summary, sizeof(summary));
	else if (ai->ivrs.ivhd_type)
		vendor = amd_vi_setup(ai, summary, sizeof(summary));
	if (vendor) {
		printk("IOMMU: DMA remapping ready: %s\n", summary);
		host_acpi = ai;
	} else if (opt_iommu.force)
		panic("IOMMU: iommu=force, but DMA cannot be remapped (%s)",
		      summary);
}

bool iommu_enabled(void)
{
	return vendor != NULL;
}

const char *iommu_summary(void)
{
	return summary;
}

void iommu_count_fault(unsigned long *unit_faults)
{
	(*unit_faults)++;
	__atomic_fetch_add(&faults_total, 1, __ATOMIC_RELAXED);
}

void iommu_report_fault(const char *unit, unsigned long *unit_faults,
			u16 sid, bool write, u64 addr, const char *why,
			unsigned int code)
{
	iommu_count_fault(unit_faults);
	if (*unit_faults > IOMMU_FAULTS_LOGGED + 1)
		return;
	if (*unit_faults == IOMMU_FAULTS_LOGGED + 1) {
		printk(KERN_WARNING "IOMMU: %s: more DMA faults, counted but "
		       "not logged\n", unit);
		return;
	}
	printk(KERN_WARNING "IOMMU: DMA fault %lu: " PCI_SBDF_FMT " %s at "
	       "0x%llx blocked: %s (%s, code %#x)\n", *unit_faults,
	       PCI_SBDF_ARGS(0, sid), write ? "write" : "read",
	       (unsigned long long)(addr & ~0xfffULL), why, unit, code);
}

unsigned long iommu_fault_count(void)
{
	return __atomic_load_n(&faults_total, __ATOMIC_RELAXED);
}

#define IOMMU_TIMEOUT_US 1000000

void iommu_ring_push(struct iommu_ring *r, u64 lo, u64 hi)
{
	unsigned int next = (r->tail + 1) % IOMMU_RING_ENTRIES;

	/* Full: the unit is a whole ring behind; wait for its head. */
	for (unsigned int us = 0; (mmio_read64(r->head_reg) >> 4) %
				  IOMMU_RING_ENTRIES == next; us++) {
		if (us == IOMMU_TIMEOUT_US)
			panic("IOMMU: the ring with its tail at 0x%llx is "
			      "stuck", (unsigned long long)r->tail_reg);
		udelay(1);
	}
	r->entries[r->tail * 2] = lo;
	r->entries[r->tail * 2 + 1] = hi;
	if (r->writeback)
		clflush_range(&r->entries[r->tail * 2], 16);
	r->tail = next;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mmio_write64(r->tail_reg, (u64)r->tail << 4);
}

bool iommu_wait_store(const volatile u64 *word, u64 seq)
{
	for (unsigned int us = 0; us < IOMMU_TIMEOUT_US; us++) {
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) == seq)
			return true;
		udelay(1);
	}
	return false;
}

/* The owner table of @bus, made on first use.  Pre: iommu_lock. */
static struct domain **bus_owners(u8 bus)
{
	if (!owner[bus])
		owner[bus] = xzalloc_array(struct domain *, 256);
	return owner[bus];
}

void iommu_keep_device(u16 bdf)
{
	unsigned long f = spin_lock_irqsave(&iommu_lock);
	struct domain **o = bus_owners(bdf >> 8);

	if (o)
		o[bdf & 0xff] = OWNER_HYPERVISOR;
	spin_unlock_irqrestore(&iommu_lock, f);
	printk("IOMMU: " PCI_SBDF_FMT " is the hypervisor's: hidden from "
	       "dom0\n", PCI_SBDF_ARGS(0, bdf));
}

bool iommu_device_owned_by(const struct domain *d, u16 bdf)
{
	struct domain **o;

	/* Without remapping there is no owner table: the hardware domain
	 * has every device (and nothing keeps its DMA in check). */
	if (!vendor)
		return is_hardware_domain(d);
	o = READ_ONCE(owner[bdf >> 8]);
	return o && READ_ONCE(o[bdf & 0xff]) == d;
}

/* @d's id on the units, taken with its first device. */
static int did_get(struct domain *d)
{
	if (d->iommu_devices)
		return d->iommu_did;
	for (unsigned int did = 1; did < vendor->nr_dids; did++)
		if (!did_owner[did]) {
			did_owner[did] = d;
			d->iommu_did = did;
			return did;
		}
	return -ENOSPC;
}

int iommu_assign_device(struct domain *d, u8 bus, u8 devfn)
{
	u16 bdf = (u16)bus << 8 | devfn;
	unsigned long f;
	int did, rc;

	if (!vendor)
		return -ENODEV;
	f = spin_lock_irqsave(&iommu_lock);
	if (!bus_owners(bus)) {
		spin_unlock_irqrestore(&iommu_lock, f);
		return -ENOMEM;
	}
	if (owner[bus][devfn]) {
		rc = owner[bus][devfn] == d ? 0 : -EBUSY;
		spin_unlock_irqrestore(&iommu_lock, f);
		return rc;
	}
	did = did_get(d);
	rc = did < 0 ? did : vendor->attach(d, bdf, did);
	if (!rc) {
		owner[bus][devfn] = d;
		d->iommu_devices++;
	} else if (did > 0 && !d->iommu_devices) {
		did_owner[did] = NULL;
	}
	spin_unlock_irqrestore(&iommu_lock, f);
	return rc;
}

void iommu_deassign_device(struct domain *d, u8 bus, u8 devfn)
{
	unsigned long f;

	if (!vendor)
		return;
	f = spin_lock_irqsave(&iommu_lock);
	if (owner[bus] && owner[bus][devfn] == d) {
		vendor->detach((u16)bus << 8 | devfn, d->iommu_did);
		owner[bus][devfn] = NULL;
		/* The units cache nothing of it any more (detach
		 * invalidated); under the lock, so that no assignment can
		 * pick up tables about to go. */
		if (!--d->iommu_devices) {
			did_owner[d->iommu_did] = NULL;
			if (vendor->release)
				vendor->release(d);
		}
	}
	spin_unlock_irqrestore(&iommu_lock, f);
}

void iommu_domain_teardown(struct domain *d)
{
	for (unsigned int bus = 0; bus < 256 && READ_ONCE(d->iommu_devices);
	     bus++)
		for (unsigned int devfn = 0; owner[bus] && devfn < 256; devfn++)
			if (READ_ONCE(owner[bus][devfn]) == d)
				iommu_deassign_device(d, bus, devfn);
}

void iommu_flush_domain(struct domain *d)
{
	if (vendor && READ_ONCE(d->iommu_devices))
		vendor->flush(d->iommu_did);
}

/*
 * A firmware reserved region (DMAR RMRR, IVRS IVMD): memory some devices
 * keep reaching by DMA after boot (USB legacy emulation, for one).  Their
 * owner, dom0, gets it 1:1 in the p2m their DMA goes through, as Xen maps
 * it for its hardware domain.  A region over RAM the hypervisor allocates
 * is a firmware bug, refused with a warning.
 */
static void hwdom_map_reserved(struct domain *d, const struct e820_entry *host,
			       unsigned int nr_host, const char *what,
			       u64 start, u64 end)
{
	u64 s = start >> PAGE_SHIFT, e = (end + PAGE_SIZE - 1) >> PAGE_SHIFT;
	int rc;

	if (end <= start || e - s > (1ULL << (30 - PAGE_SHIFT))) {
		printk(KERN_WARNING "IOMMU: %s [%#llx, %#llx) is empty or "
		       "over 1 GiB: not mapped\n", what,
		       (unsigned long long)start, (unsigned long long)end);
		return;
	}
	for (u64 pfn = s; pfn < e; pfn++)
		if (e820_is_ram(host, nr_host, pfn << PAGE_SHIFT, PAGE_SIZE)) {
			printk(KERN_WARNING "IOMMU: %s [%#llx, %#llx) lies in "
			       "RAM: not mapped; its devices' DMA there will "
			       "fault\n", what, (unsigned long long)start,
			       (unsigned long long)end);
			return;
		}
	rc = p2m_map_direct(d, s, e - s);
	printk("IOMMU: %s [%#llx, %#llx) 1:1 for d%u%s\n", what,
	       (unsigned long long)start, (unsigned long long)end,
	       d->domain_id, rc ? ": out of memory for the p2m" : "");
}

void iommu_hwdom_init(struct domain *d, const struct e820_entry *host,
		      unsigned int nr_host)
{
	const struct acpi_info *ai = host_acpi;
	const struct pci_found *dev;
	unsigned int nr, given = 0;
	int rc;

	if (!vendor)
		return;
	for (unsigned int i = 0; i < ai->dmar.nr_rmrr; i++)
		hwdom_map_reserved(d, host, nr_host, "RMRR",
				   ai->dmar.rmrr[i].base,
				   ai->dmar.rmrr[i].end + 1);
	for (unsigned int i = 0; i < ai->ivrs.nr_ivmd; i++)
		hwdom_map_reserved(d, host, nr_host, "IVMD",
				   ai->ivrs.ivmd[i].start,
				   ai->ivrs.ivmd[i].start +
				   ai->ivrs.ivmd[i].length);
	dev = pci_devices(&nr);
	for (unsigned int i = 0; i < nr; i++) {
		rc = iommu_assign_device(d, dev[i].bus,
					 dev[i].dev << 3 | dev[i].fn);
		if (!rc)
			given++;
		else if (rc != -EBUSY)
			printk(KERN_ERR "IOMMU: " PCI_SBDF_FMT " not given to "
			       "d%u: error %d\n", PCI_SBDF_ARGS(0, PCI_BDF(
			       dev[i].bus, dev[i].dev, dev[i].fn)),
			       d->domain_id, rc);
	}
	printk("IOMMU: d%u owns %u PCI functions; their DMA goes through its "
	       "memory map\n", d->domain_id, given);
}
