/*
 * dom0's view of PCI configuration space (xen/vpci.h).  Every access goes
 * through vpci_read()/vpci_write() under the domain's vPCI lock (taken
 * from vCPU context only, never in an interrupt), which also orders the
 * BAR mappings a command write makes; the physical side
 * is pci_conf_read()/pci_conf_write() (xen/arch/x86/pci.c) and the p2m
 * (xen/p2m.h).  The port and ECAM traps that lead here are hvm/vpci_io.c.
 */
#include <xen/errno.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/vpci.h>
#include <xen/xmalloc.h>

#define CAP_ID_MSI	0x05
#define CAP_ID_MSIX	0x11
#define CAP_PTR		0x34	/* type 0 and type 1 headers alike */
#define STATUS_CAP_LIST	(1U << 4)	/* in the status word, 0x06 */
#define MSI_64BIT	(1U << 7)	/* message control, cap + 2 */
#define MSI_MASKING	(1U << 8)
#define MSIX_CAP_LEN	12
#define BARS_END(hdr)	((hdr) ? 0x18 : 0x28)	/* BAR registers end */

static u32 ones(unsigned int size)
{
	return size >= 4 ? ~0U : (1U << (8 * size)) - 1;
}

static struct vpci_dev *find(struct vpci *vp, u16 bdf)
{
	for (unsigned int i = 0; i < vp->nr; i++)
		if (vp->dev[i].bdf == bdf)
			return &vp->dev[i];
	return NULL;
}

/* Length of an MSI capability (PCI Local Bus 3.0, 6.8.1): 32- or 64-bit
 * address, with or without per-vector mask and pending bits. */
static unsigned int msi_len(u16 ctrl)
{
	return (ctrl & MSI_64BIT ? 14 : 10) + (ctrl & MSI_MASKING ? 10 : 0);
}

static void add_ptr(struct vpci_dev *v, u8 off, u8 val)
{
	v->ptr[v->nr_ptrs].off = off;
	v->ptr[v->nr_ptrs++].val = val;
}

/*
 * The capability list dom0 sees: the device's, bounded and without MSI
 * and MSI-X.  Every pointer byte of it is emulated, the list's end too,
 * so a list too long or looping is cut rather than followed.
 */
static void caps_init(struct vpci_dev *v)
{
	u8 at = CAP_PTR, pos;
	unsigned int n = 0;

	if (!(pci_conf_read(v->bdf, 0x06, 2) & STATUS_CAP_LIST))
		return;
	pos = pci_conf_read(v->bdf, CAP_PTR, 1) & 0xfc;
	while (pos >= 0x40 && n++ < 48 && v->nr_ptrs < VPCI_MAX_PTRS - 1) {
		u8 id = pci_conf_read(v->bdf, pos, 1);
		u8 next = pci_conf_read(v->bdf, pos + 1, 1) & 0xfc;

		if (id == CAP_ID_MSI || id == CAP_ID_MSIX) {
			if (v->nr_hidden == VPCI_MAX_HIDDEN)
				break;	/* end the list before it */
			v->hidden[v->nr_hidden].off = pos;
			v->hidden[v->nr_hidden++].len = id == CAP_ID_MSIX ?
				MSIX_CAP_LEN :
				msi_len(pci_conf_read(v->bdf, pos + 2, 2));
		} else {
			add_ptr(v, at, pos);
			at = pos + 1;
		}
		pos = next;
	}
	add_ptr(v, at, 0);
}

/* The address memory BAR @i decodes now (the device's registers). */
static u64 bar_addr(const struct vpci_dev *v, unsigned int i)
{
	u64 a = pci_conf_read(v->bdf, PCI_BASE_ADDRESS_0 + 4 * i, 4) & ~0xfULL;

	if ((v->bar[i].flags & PCI_BAR_MEM64) && i < 5)
		a |= (u64)pci_conf_read(v->bdf, PCI_BASE_ADDRESS_0 + 4 * i + 4,
					4) << 32;
	return a;
}

/* The page frames [*s, *e) BAR @b covers (pages it shares included). */
static void bar_pages(const struct vpci_bar *b, u64 *s, u64 *e)
{
	*s = b->addr >> PAGE_SHIFT;
	*e = (b->addr + b->size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

/* May [s, e) (page frames) be dom0's 1:1: not the allocator's RAM, not
 * the hypervisor's MMIO, within the p2m? */
static bool may_map(const struct vpci *vp, u64 s, u64 e)
{
	if (e <= s || e - s > VPCI_MAX_BAR_PAGES || e - 1 > ARCH_MAX_GFN ||
	    mem_range_overlaps(vp->kept, vp->nr_kept, s << PAGE_SHIFT,
			       e << PAGE_SHIFT))
		return false;
	for (unsigned int i = 0; i < vp->nr_host; i++) {
		const struct e820_entry *h = &vp->host[i];

		if (h->type == E820_RAM && h->addr < e << PAGE_SHIFT &&
		    s << PAGE_SHIFT < h->addr + h->size)
			return false;
	}
	return true;
}

/* Does another mapped BAR of @d still cover page @pfn? */
static bool still_used(const struct vpci *vp, const struct vpci_bar *self,
		       u64 pfn)
{
	for (unsigned int i = 0; i < vp->nr; i++)
		for (unsigned int j = 0; j < 6; j++) {
			const struct vpci_bar *b = &vp->dev[i].bar[j];
			u64 s, e;

			bar_pages(b, &s, &e);
			if (b != self && b->mapped && s <= pfn && pfn < e)
				return true;
		}
	return false;
}

static void bar_unmap(struct domain *d, struct vpci_bar *b)
{
	u64 s, e;

	bar_pages(b, &s, &e);
	b->mapped = false;
	for (u64 pfn = s; pfn < e; pfn++)
		if (!still_used(d->vpci, b, pfn))
			arch_p2m_clear_entry_if(d, pfn, pfn, p2m_mmio_direct);
}

/* Memory decoding of @v turns on (@on) or off: its BARs follow. */
static void bars_map(struct domain *d, struct vpci_dev *v, bool on)
{
	struct vpci *vp = d->vpci;

	for (unsigned int i = 0; i < 6; i++) {
		struct vpci_bar *b = &v->bar[i];
		u64 s, e;
		int rc;

		if (!b->size || (b->flags & PCI_BAR_IO))
			continue;
		if (!on) {
			if (b->mapped)
				bar_unmap(d, b);
			continue;
		}
		if (b->mapped)
			continue;
		b->addr = bar_addr(v, i);
		bar_pages(b, &s, &e);
		if (b->addr + b->size < b->addr || !may_map(vp, s, e)) {
			vp->bad++;
			printk(KERN_WARNING "vPCI: d%u " PCI_SBDF_FMT " BAR%u "
			       "%#llx+%#llx overlaps RAM or the hypervisor's "
			       "MMIO, or is too large: not mapped\n",
			       d->domain_id, PCI_SBDF_ARGS(0, v->bdf), i,
			       (unsigned long long)b->addr,
			       (unsigned long long)b->size);
			continue;
		}
		rc = p2m_map_direct(d, s, e - s);
		b->mapped = true;	/* what was set comes out with it */
		if (rc) {
			printk(KERN_ERR "vPCI: d%u " PCI_SBDF_FMT " BAR%u: "
			       "p2m error %d\n", d->domain_id,
			       PCI_SBDF_ARGS(0, v->bdf), i, rc);
			bar_unmap(d, b);
		}
	}
}

int vpci_hwdom_init(struct domain *d, const struct pci_found *devs,
		    unsigned int nr, const struct e820_entry *host,
		    unsigned int nr_host, const struct mem_range *kept,
		    unsigned int nr_kept)
{
	struct vpci *vp = xzalloc(struct vpci);
	unsigned int mapped = 0, owns = 0;

	if (!vp)
		return -ENOMEM;
	spin_lock_init(&vp->lock);
	vp->host = host;
	vp->nr_host = nr_host;
	vp->nr_kept = MIN(nr_kept, (unsigned int)VPCI_MAX_KEPT);
	memcpy(vp->kept, kept, vp->nr_kept * sizeof(kept[0]));
	d->vpci = vp;
	for (unsigned int i = 0; i < nr && vp->nr < PCI_MAX_DEVICES; i++) {
		struct vpci_dev *v = &vp->dev[vp->nr++];

		v->bdf = PCI_BDF(devs[i].bus, devs[i].dev, devs[i].fn);
		v->header_type = devs[i].header_type;
		for (unsigned int j = 0; j < 6; j++) {
			v->bar[j].size = devs[i].bar[j].size;
			v->bar[j].flags = devs[i].bar[j].flags;
		}
		caps_init(v);
		if (!iommu_device_owned_by(d, v->bdf))
			continue;
		owns++;
		if (pci_conf_read(v->bdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) {
			bars_map(d, v, true);
			mapped++;
		}
	}
	printk("vPCI: d%u reaches the configuration space of %u functions; "
	       "%u decode memory, their BARs mapped 1:1\n", d->domain_id,
	       owns, mapped);
	return 0;
}

void vpci_domain_destroy(struct domain *d)
{
	xfree(d->vpci);
	d->vpci = NULL;
}

static bool bad_access(struct domain *d, u16 bdf, unsigned int reg,
		       unsigned int size)
{
	if ((size == 1 || size == 2 || size == 4) && !(reg & (size - 1)) &&
	    reg < 4096)
		return false;
	d->vpci->bad++;
	domain_bad_request(d, "vPCI: " PCI_SBDF_FMT " access of %u bytes at "
			   "%#x", PCI_SBDF_ARGS(0, bdf), size, reg);
	return true;
}

/* The device @d owns at @bdf, or NULL.  Pre: the vPCI lock. */
static struct vpci_dev *owned(struct domain *d, u16 bdf)
{
	struct vpci_dev *v = find(d->vpci, bdf);

	return v && iommu_device_owned_by(d, bdf) ? v : NULL;
}

u32 vpci_read(struct domain *d, u16 bdf, unsigned int reg, unsigned int size)
{
	struct vpci *vp = d->vpci;
	struct vpci_dev *v;
	u32 val;

	if (bad_access(d, bdf, reg, size))
		return ones(size);
	spin_lock(&vp->lock);
	v = owned(d, bdf);
	if (!v) {
		spin_unlock(&vp->lock);
		return ones(size);
	}
	val = pci_conf_read(bdf, reg, size);
	for (unsigned int i = 0; i < v->nr_ptrs; i++) {
		unsigned int b = v->ptr[i].off - reg;

		if (v->ptr[i].off >= reg && b < size)
			val = (val & ~(0xffU << 8 * b)) |
			      (u32)v->ptr[i].val << 8 * b;
	}
	spin_unlock(&vp->lock);
	return val;
}

static bool hits_hidden(const struct vpci_dev *v, unsigned int reg,
			unsigned int size)
{
	for (unsigned int i = 0; i < v->nr_hidden; i++)
		if (reg < v->hidden[i].off + v->hidden[i].len &&
		    v->hidden[i].off < reg + size)
			return true;
	return false;
}

/* A write to BAR register @reg while that BAR is mapped. */
static bool hits_mapped_bar(const struct vpci_dev *v, unsigned int reg)
{
	unsigned int i;

	if (reg < PCI_BASE_ADDRESS_0 || reg >= BARS_END(v->header_type))
		return false;
	i = (reg - PCI_BASE_ADDRESS_0) / 4;
	/* The upper half of a 64-bit BAR belongs to the BAR below it. */
	if (i && !v->bar[i].size && (v->bar[i - 1].flags & PCI_BAR_MEM64))
		i--;
	return v->bar[i].mapped;
}

void vpci_write(struct domain *d, u16 bdf, unsigned int reg,
		unsigned int size, u32 val)
{
	struct vpci *vp = d->vpci;
	struct vpci_dev *v;
	bool was, now;

	if (bad_access(d, bdf, reg, size))
		return;
	spin_lock(&vp->lock);
	v = owned(d, bdf);
	if (!v)
		goto out;
	if (hits_hidden(v, reg, size) || hits_mapped_bar(v, reg & ~3U)) {
		vp->bad++;
		goto out;
	}
	if (reg != PCI_COMMAND) {
		pci_conf_write(bdf, reg, size, val);
		goto out;
	}
	/* The command word: BARs are mapped before the device decodes,
	 * and unmapped after it stopped. */
	was = pci_conf_read(bdf, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
	now = val & PCI_COMMAND_MEMORY;
	if (now && !was)
		bars_map(d, v, true);
	pci_conf_write(bdf, reg, size, val);
	if (was && !now)
		bars_map(d, v, false);
out:
	spin_unlock(&vp->lock);
}
