/*
 * Where the IOMMUs and the PCI configuration space are: DMAR (Intel VT-d
 * spec rev 4.1, ch. 8), IVRS (AMD I/O Virtualization Technology spec
 * 48882 rev 3.x, 5.2) and MCFG (PCI Firmware spec 3.3, 4.1.2).
 *
 * The tables have been validated by tables.c (signature, length,
 * checksum); every structure inside is still bounds-checked against the
 * table length.  A structure whose header is malformed (shorter than a
 * header, or running past the table) ends the walk, because nothing after
 * it can be found; one whose contents are wrong (a zero or misaligned
 * register base, a bad device scope, an inverted range) is counted and
 * skipped, so one bad unit does not hide the others.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/string.h>
#include "acpi_internal.h"

/*
 * The structures of a DMAR or an IVRS, from @off to @len: both begin with
 * a 4-byte header whose bytes 2-3 hold the structure's length.  @one
 * parses a structure and returns false if it is bad.  Returns how many
 * were skipped: each bad one, and a malformed header, which ends the walk.
 */
static unsigned int walk_structs(const u8 *p, u32 off, u32 len,
				 bool (*one)(void *info, const u8 *s, u16 len),
				 void *info)
{
	unsigned int bad = 0;

	while (off < len) {
		u16 elen;

		if (len - off < 4)
			return bad + 1;
		memcpy(&elen, p + off + 2, sizeof(elen));
		if (elen < 4 || elen > len - off)
			return bad + 1;
		if (!one(info, p + off, elen))
			bad++;
		off += elen;
	}
	return bad;
}

/* ---- DMAR ------------------------------------------------------------ */

struct acpi_dmar {
	struct acpi_header h;
	u8 host_addr_width;	/* address bits - 1 */
	u8 flags;
	u8 reserved[10];
} __packed;

struct acpi_dmar_entry {
	u16 type;
	u16 length;
} __packed;

#define DMAR_TYPE_DRHD 0
#define DMAR_TYPE_RMRR 1

/* 8.3 DMA Remapping Hardware Unit Definition. */
struct acpi_dmar_drhd {
	struct acpi_dmar_entry e;
	u8 flags;
	u8 size;		/* 3:0 register set size, 2^n pages */
	u16 segment;
	u64 base;
} __packed;

/* 8.4 Reserved Memory Region Reporting. */
struct acpi_dmar_rmrr {
	struct acpi_dmar_entry e;
	u16 reserved;
	u16 segment;
	u64 base;
	u64 limit;		/* last byte */
} __packed;

/* 8.3.1 Device Scope: a path of (device, function) pairs follows. */
struct acpi_dmar_scope {
	u8 type;
	u8 length;
	u8 flags;
	u8 reserved;
	u8 enum_id;
	u8 start_bus;
} __packed;

#define DMAR_SCOPE_IOAPIC 3

BUILD_BUG_ON(sizeof(struct acpi_dmar) != 48);
BUILD_BUG_ON(sizeof(struct acpi_dmar_drhd) != 16);
BUILD_BUG_ON(sizeof(struct acpi_dmar_rmrr) != 24);
BUILD_BUG_ON(sizeof(struct acpi_dmar_scope) != 6);

/*
 * Count the device scopes in [@p, @p + @len): false if one is malformed
 * (shorter than a header and one path element, or an odd path length).
 */
static bool dmar_scopes(const u8 *p, u32 len, unsigned int *nr,
			unsigned int *nr_ioapic)
{
	*nr = *nr_ioapic = 0;
	while (len) {
		const struct acpi_dmar_scope *s = (const void *)p;

		if (len < sizeof(*s) || s->length < sizeof(*s) + 2 ||
		    s->length > len || (s->length - sizeof(*s)) % 2)
			return false;
		++*nr;
		if (s->type == DMAR_SCOPE_IOAPIC)
			++*nr_ioapic;
		p += s->length;
		len -= s->length;
	}
	return true;
}

static bool dmar_drhd(struct acpi_dmar_info *di, const u8 *p, u16 len)
{
	const struct acpi_dmar_drhd *d = (const void *)p;
	struct acpi_drhd u;

	if (len < sizeof(*d) || !d->base || (d->base & 0xfff) ||
	    di->nr_drhd >= ACPI_MAX_DRHD)
		return false;
	u = (struct acpi_drhd){
		.base = d->base, .segment = d->segment, .flags = d->flags,
		.size = d->size & 0xf,
	};
	if (!dmar_scopes(p + sizeof(*d), len - sizeof(*d), &u.nr_scopes,
			 &u.nr_ioapic_scopes))
		return false;
	di->drhd[di->nr_drhd++] = u;
	return true;
}

static bool dmar_rmrr(struct acpi_dmar_info *di, const u8 *p, u16 len)
{
	const struct acpi_dmar_rmrr *r = (const void *)p;
	struct acpi_rmrr m;
	unsigned int ioapics;

	/* 8.4: 4 KiB aligned, limit + 1 too. */
	if (len < sizeof(*r) || (r->base & 0xfff) ||
	    ((r->limit + 1) & 0xfff) || r->limit < r->base ||
	    di->nr_rmrr >= ACPI_MAX_RMRR)
		return false;
	m = (struct acpi_rmrr){
		.base = r->base, .end = r->limit, .segment = r->segment,
	};
	if (!dmar_scopes(p + sizeof(*r), len - sizeof(*r), &m.nr_scopes,
			 &ioapics) || !m.nr_scopes)
		return false;
	di->rmrr[di->nr_rmrr++] = m;
	return true;
}

static bool dmar_one(void *info, const u8 *p, u16 len)
{
	struct acpi_dmar_info *di = info;

	switch (((const struct acpi_dmar_entry *)p)->type) {
	case DMAR_TYPE_DRHD:
		return dmar_drhd(di, p, len);
	case DMAR_TYPE_RMRR:
		return dmar_rmrr(di, p, len);
	}
	di->nr_other++;
	return true;
}

void acpi_dmar_parse(struct acpi_dmar_info *di, const void *table, u32 len)
{
	const struct acpi_dmar *t = table;

	memset(di, 0, sizeof(*di));
	if (len < sizeof(*t)) {
		printk(KERN_WARNING "ACPI: DMAR table too short (%u bytes)\n",
		       len);
		return;
	}
	di->present = true;
	di->host_addr_width = t->host_addr_width + 1;
	di->flags = t->flags;
	di->nr_skipped = walk_structs(table, sizeof(*t), len, dmar_one, di);
}

/* ---- IVRS ------------------------------------------------------------ */

struct acpi_ivrs {
	struct acpi_header h;
	u32 ivinfo;
	u64 reserved;
} __packed;

struct acpi_ivrs_entry {
	u8 type;
	u8 flags;
	u16 length;
} __packed;

/* 5.2.2.1 IVHD, type 10h; types 11h and 40h add the EFR image. */
struct acpi_ivrs_ivhd {
	struct acpi_ivrs_entry e;
	u16 bdf;
	u16 cap_offset;
	u64 base;
	u16 segment;
	u16 info;
	u32 feature;
	u64 efr;		/* 11h/40h only */
	u64 efr2;		/* 11h/40h only */
} __packed;

/* 5.2.2.2 IVMD, types 20h-22h. */
struct acpi_ivrs_ivmd {
	struct acpi_ivrs_entry e;
	u16 bdf;
	u16 aux;
	u64 reserved;
	u64 start;
	u64 length;
} __packed;

#define IVHD_LEGACY_LEN 24	/* type 10h: device entries follow */
#define IVHD_EFR_LEN 40		/* types 11h, 40h */
#define IVHD_DEV_ACPI_HID 0xf0

BUILD_BUG_ON(sizeof(struct acpi_ivrs) != 48);
BUILD_BUG_ON(sizeof(struct acpi_ivrs_ivhd) != IVHD_EFR_LEN);
BUILD_BUG_ON(sizeof(struct acpi_ivrs_ivmd) != 32);

/*
 * Count the IVHD device entries in [@p, @p + @len): 4 << (type >> 6)
 * bytes each (5.2.2.1, table 94), but ACPI_HID entries (F0h) carry a UID
 * whose length is their byte 21.  False if one runs past the block.
 */
static bool ivhd_dev_entries(const u8 *p, u32 len, unsigned int *nr)
{
	*nr = 0;
	while (len) {
		u32 n = 4U << (p[0] >> 6);

		if (p[0] == IVHD_DEV_ACPI_HID)
			n = len > 21 ? 22U + p[21] : len + 1;
		if (n > len)
			return false;
		++*nr;
		p += n;
		len -= n;
	}
	return true;
}

static bool ivrs_ivhd(struct acpi_ivrs_info *ii, const u8 *p, u16 len)
{
	const struct acpi_ivrs_ivhd *h = (const void *)p;
	u32 hlen = h->e.type == 0x10 ? IVHD_LEGACY_LEN : IVHD_EFR_LEN;
	struct acpi_ivhd u;

	/* The register block is 16 KiB (type 10h) or 512 KiB, aligned. */
	if (len < hlen || !h->base || (h->base & 0x3fff) ||
	    ii->nr_ivhd >= ACPI_MAX_IVHD)
		return false;
	u = (struct acpi_ivhd){
		.type = h->e.type, .flags = h->e.flags, .bdf = h->bdf,
		.cap_offset = h->cap_offset, .base = h->base,
		.segment = h->segment, .info = h->info,
		.feature = h->feature,
		.efr = hlen == IVHD_EFR_LEN ? h->efr : 0,
	};
	if (!ivhd_dev_entries(p + hlen, len - hlen, &u.nr_dev_entries))
		return false;
	ii->ivhd[ii->nr_ivhd++] = u;
	ii->ivhd_type = MAX(ii->ivhd_type, u.type);
	return true;
}

static bool ivrs_ivmd(struct acpi_ivrs_info *ii, const u8 *p, u16 len)
{
	const struct acpi_ivrs_ivmd *m = (const void *)p;

	if (len < sizeof(*m) || !m->length || (m->start & 0xfff) ||
	    m->start + m->length < m->start || ii->nr_ivmd >= ACPI_MAX_IVMD)
		return false;
	ii->ivmd[ii->nr_ivmd++] = (struct acpi_ivmd){
		.type = m->e.type, .flags = m->e.flags, .bdf = m->bdf,
		.aux = m->aux, .start = m->start, .length = m->length,
	};
	return true;
}

/* Other block types are for other consumers (5.2.2): not ours to judge. */
static bool ivrs_one(void *info, const u8 *p, u16 len)
{
	switch (p[0]) {
	case 0x10: case 0x11: case 0x40:
		return ivrs_ivhd(info, p, len);
	case 0x20: case 0x21: case 0x22:
		return ivrs_ivmd(info, p, len);
	}
	return true;
}

void acpi_ivrs_parse(struct acpi_ivrs_info *ii, const void *table, u32 len)
{
	memset(ii, 0, sizeof(*ii));
	if (len < sizeof(struct acpi_ivrs)) {
		printk(KERN_WARNING "ACPI: IVRS table too short (%u bytes)\n",
		       len);
		return;
	}
	ii->present = true;
	ii->ivinfo = ((const struct acpi_ivrs *)table)->ivinfo;
	ii->nr_skipped = walk_structs(table, sizeof(struct acpi_ivrs), len,
				      ivrs_one, ii);
}

/* ---- MCFG ------------------------------------------------------------ */

struct acpi_mcfg_alloc {
	u64 base;
	u16 segment;
	u8 start_bus;
	u8 end_bus;
	u32 reserved;
} __packed;

#define MCFG_ALLOC_OFF 44	/* header + 8 reserved bytes */

BUILD_BUG_ON(sizeof(struct acpi_mcfg_alloc) != 16);

void acpi_mcfg_parse(struct acpi_mcfg_info *mi, const void *table, u32 len)
{
	const u8 *p = table;

	memset(mi, 0, sizeof(*mi));
	if (len < MCFG_ALLOC_OFF) {
		printk(KERN_WARNING "ACPI: MCFG table too short (%u bytes)\n",
		       len);
		return;
	}
	mi->present = true;
	if ((len - MCFG_ALLOC_OFF) % sizeof(struct acpi_mcfg_alloc))
		mi->nr_skipped++;		/* a trailing partial entry */
	for (u32 off = MCFG_ALLOC_OFF;
	     len - off >= sizeof(struct acpi_mcfg_alloc);
	     off += sizeof(struct acpi_mcfg_alloc)) {
		const struct acpi_mcfg_alloc *a = (const void *)(p + off);

		/* Each bus is 1 MiB of the window, from bus 0's address. */
		if (!a->base || (a->base & 0xfffff) ||
		    a->start_bus > a->end_bus || mi->nr >= ACPI_MAX_MCFG) {
			mi->nr_skipped++;
			continue;
		}
		mi->r[mi->nr++] = (struct acpi_mcfg_region){
			.base = a->base, .segment = a->segment,
			.start_bus = a->start_bus, .end_bus = a->end_bus,
		};
	}
}

/* ---- Log ------------------------------------------------------------- */

static void print_dmar(const struct acpi_dmar_info *di)
{
	printk("ACPI: DMAR: %u-bit DMA addresses, interrupt remapping %s, "
	       "x2APIC opt-out %s\n", di->host_addr_width,
	       di->flags & ACPI_DMAR_INTR_REMAP ? "yes" : "no",
	       di->flags & ACPI_DMAR_X2APIC_OPT_OUT ? "yes" : "no");
	for (unsigned int i = 0; i < di->nr_drhd; i++) {
		const struct acpi_drhd *u = &di->drhd[i];

		printk("ACPI: DMAR: unit %u registers 0x%llx segment %u, %s, "
		       "%u device scopes (%u IO-APICs)\n", i,
		       (unsigned long long)u->base, u->segment,
		       u->flags & ACPI_DRHD_INCLUDE_PCI_ALL ?
		       "all devices not listed elsewhere" : "listed devices",
		       u->nr_scopes, u->nr_ioapic_scopes);
	}
	for (unsigned int i = 0; i < di->nr_rmrr; i++)
		printk("ACPI: DMAR: reserved memory 0x%llx-0x%llx segment %u "
		       "for %u devices\n",
		       (unsigned long long)di->rmrr[i].base,
		       (unsigned long long)di->rmrr[i].end,
		       di->rmrr[i].segment, di->rmrr[i].nr_scopes);
	if (di->nr_skipped)
		printk(KERN_WARNING "ACPI: DMAR: %u malformed structures "
		       "skipped\n", di->nr_skipped);
}

static void print_ivrs(const struct acpi_ivrs_info *ii)
{
	printk("ACPI: IVRS: IVinfo %#x, IOMMUs as IVHD type %#x\n",
	       ii->ivinfo, ii->ivhd_type);
	for (unsigned int i = 0; i < ii->nr_ivhd; i++) {
		const struct acpi_ivhd *h = &ii->ivhd[i];

		if (h->type != ii->ivhd_type)
			continue;
		printk("ACPI: IVRS: IOMMU " PCI_SBDF_FMT " registers 0x%llx, "
		       "EFR %#llx, %u device entries\n",
		       PCI_SBDF_ARGS(h->segment, h->bdf),
		       (unsigned long long)h->base,
		       (unsigned long long)h->efr, h->nr_dev_entries);
	}
	for (unsigned int i = 0; i < ii->nr_ivmd; i++)
		printk("ACPI: IVRS: memory 0x%llx+0x%llx (IVMD type %#x) for "
		       "device %#x\n", (unsigned long long)ii->ivmd[i].start,
		       (unsigned long long)ii->ivmd[i].length,
		       ii->ivmd[i].type, ii->ivmd[i].bdf);
	if (ii->nr_skipped)
		printk(KERN_WARNING "ACPI: IVRS: %u malformed blocks skipped\n",
		       ii->nr_skipped);
}

void acpi_print_iommu(const struct acpi_info *ai)
{
	if (ai->dmar.present)
		print_dmar(&ai->dmar);
	if (ai->ivrs.present)
		print_ivrs(&ai->ivrs);
	for (unsigned int i = 0; i < ai->mcfg.nr; i++)
		printk("ACPI: MCFG: segment %u buses %02x-%02x at 0x%llx\n",
		       ai->mcfg.r[i].segment, ai->mcfg.r[i].start_bus,
		       ai->mcfg.r[i].end_bus,
		       (unsigned long long)ai->mcfg.r[i].base);
	if (ai->mcfg.nr_skipped)
		printk(KERN_WARNING "ACPI: MCFG: %u malformed entries skipped\n",
		       ai->mcfg.nr_skipped);
}
