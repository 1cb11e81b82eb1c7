/*
 * MADT parsing (ACPI 6.5 5.2.12): local APICs and x2APICs (enabled CPUs
 * only, duplicates dropped), IO-APICs, interrupt source overrides, LAPIC
 * NMI sources and the 64-bit LAPIC address override.  The table has been
 * validated by tables.c; every entry is still bounds-checked against the
 * table length, and a malformed one ends the walk.
 */
#include <xen/acpi.h>
#include <xen/lib.h>
#include "acpi_internal.h"

/* 5.2.12.3 I/O APIC. */
struct acpi_madt_ioapic {
	struct acpi_madt_entry e;
	u8 id;
	u8 reserved;
	u32 addr;
	u32 gsi_base;
} __packed;

/* 5.2.12.5 Interrupt Source Override. */
struct acpi_madt_iso {
	struct acpi_madt_entry e;
	u8 bus;
	u8 source;
	u32 gsi;
	u16 flags;
} __packed;

/* 5.2.12.7 Local APIC NMI. */
struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry e;
	u8 uid;
	u16 flags;
	u8 lint;
} __packed;

/* 5.2.12.8 Local APIC Address Override. */
struct acpi_madt_lapic_addr {
	struct acpi_madt_entry e;
	u16 reserved;
	u64 addr;
} __packed;

/* 5.2.12.12 Processor Local x2APIC. */
struct acpi_madt_x2apic {
	struct acpi_madt_entry e;
	u16 reserved;
	u32 apic_id;
	u32 flags;
	u32 uid;
} __packed;

/* 5.2.12.13 Local x2APIC NMI. */
struct acpi_madt_x2apic_nmi {
	struct acpi_madt_entry e;
	u16 flags;
	u32 uid;
	u8 lint;
	u8 reserved[3];
} __packed;

BUILD_BUG_ON(sizeof(struct acpi_madt_ioapic) != 12);
BUILD_BUG_ON(sizeof(struct acpi_madt_iso) != 10);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_nmi) != 6);
BUILD_BUG_ON(sizeof(struct acpi_madt_lapic_addr) != 12);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic) != 16);
BUILD_BUG_ON(sizeof(struct acpi_madt_x2apic_nmi) != 12);

/*
 * Record one processor.  Returns false (entry skipped) for an invalid or
 * duplicate APIC ID or a full table.  Firmware may list a CPU both as type
 * 0 and type 9; the first entry wins.
 */
static bool acpi_madt_add_cpu(struct acpi_madt_info *m, u32 apic_id, u32 uid,
			      u32 flags, bool x2apic)
{
	struct acpi_cpu *c;
	unsigned int i;

	/* 5.2.12.2: not enabled means absent, or hot-pluggable later if
	 * online-capable; neither can be started now. */
	if (!(flags & ACPI_MADT_ENABLED)) {
		m->nr_cpus_disabled++;
		return true;
	}
	if (apic_id == (x2apic ? 0xffffffffU : 0xffU))
		return false;	/* broadcast ID: a placeholder, not a CPU */
	for (i = 0; i < m->nr_cpus; i++)
		if (m->cpus[i].apic_id == apic_id)
			return false;
	if (m->nr_cpus >= ACPI_MAX_CPUS)
		return false;
	c = &m->cpus[m->nr_cpus++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->flags = flags & (ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE);
	c->x2apic = x2apic;
	return true;
}

static bool acpi_madt_lapic(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_lapic *e = p;

	return acpi_madt_add_cpu(m, e->apic_id, e->uid, e->flags, false);
}

static bool acpi_madt_x2apic(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_x2apic *e = p;

	return acpi_madt_add_cpu(m, e->apic_id, e->uid, e->flags, true);
}

static bool acpi_madt_ioapic(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_ioapic *e = p;
	struct acpi_ioapic *io;

	if (m->nr_ioapics >= ACPI_MAX_IOAPICS)
		return false;
	io = &m->ioapics[m->nr_ioapics++];
	io->id = e->id;
	io->addr = e->addr;
	io->gsi_base = e->gsi_base;
	return true;
}

static bool acpi_madt_iso(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_iso *e = p;
	struct acpi_irq_override *o;

	if (m->nr_overrides >= ACPI_MAX_OVERRIDES)
		return false;
	o = &m->overrides[m->nr_overrides++];
	o->bus = e->bus;
	o->source = e->source;
	o->gsi = e->gsi;
	o->flags = e->flags;
	return true;
}

static bool acpi_madt_add_nmi(struct acpi_madt_info *m, u32 uid, u16 flags,
			      u8 lint)
{
	struct acpi_lapic_nmi *n;

	if (m->nr_nmis >= ACPI_MAX_NMIS || lint > 1)
		return false;
	n = &m->nmis[m->nr_nmis++];
	n->uid = uid;
	n->flags = flags;
	n->lint = lint;
	return true;
}

/* 5.2.12.7: UID 0xFF means all processors. */
static bool acpi_madt_lapic_nmi(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_lapic_nmi *e = p;

	return acpi_madt_add_nmi(m, e->uid == 0xff ? ACPI_NMI_ALL_CPUS : e->uid,
				 e->flags, e->lint);
}

/* 5.2.12.13: UID 0xFFFFFFFF means all processors. */
static bool acpi_madt_x2apic_nmi(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_x2apic_nmi *e = p;

	return acpi_madt_add_nmi(m, e->uid, e->flags, e->lint);
}

/* 5.2.12.8: the 64-bit address replaces the header's 32-bit one. */
static bool acpi_madt_lapic_addr(struct acpi_madt_info *m, const void *p)
{
	const struct acpi_madt_lapic_addr *e = p;

	m->lapic_addr = e->addr;
	return true;
}

static const struct acpi_madt_handler {
	u8 type;
	u8 min_len;
	bool (*fn)(struct acpi_madt_info *m, const void *entry);
} acpi_madt_handlers[] = {
	{ 0, sizeof(struct acpi_madt_lapic), acpi_madt_lapic },
	{ 1, sizeof(struct acpi_madt_ioapic), acpi_madt_ioapic },
	{ 2, sizeof(struct acpi_madt_iso), acpi_madt_iso },
	{ 4, sizeof(struct acpi_madt_lapic_nmi), acpi_madt_lapic_nmi },
	{ 5, sizeof(struct acpi_madt_lapic_addr), acpi_madt_lapic_addr },
	{ 9, sizeof(struct acpi_madt_x2apic), acpi_madt_x2apic },
	{ 10, sizeof(struct acpi_madt_x2apic_nmi), acpi_madt_x2apic_nmi },
};

/* Returns false if the entry was skipped. Other types are not ours. */
static bool acpi_madt_entry(struct acpi_madt_info *m,
			    const struct acpi_madt_entry *e)
{
	const struct acpi_madt_handler *h;

	for (h = acpi_madt_handlers; h < acpi_madt_handlers +
	     ARRAY_SIZE(acpi_madt_handlers); h++) {
		if (h->type != e->type)
			continue;
		/* Longer is fine: later revisions append fields. */
		if (e->length < h->min_len) {
			printk(KERN_WARNING "ACPI: MADT type %u entry too short (%u)\n",
			       e->type, e->length);
			return false;
		}
		return h->fn(m, e);
	}
	return true;
}

void acpi_madt_parse(struct acpi_madt_info *m, const void *table,
			    u32 len)
{
	const struct acpi_madt *t = table;
	const struct acpi_madt_entry *e;
	u32 off;

	if (len < sizeof(*t)) {
		printk(KERN_WARNING "ACPI: MADT too short (%u bytes)\n", len);
		return;
	}
	memset(m, 0, sizeof(*m));
	m->lapic_addr = t->lapic_addr;
	m->pcat_compat = t->flags & ACPI_MADT_PCAT_COMPAT;

	/* Every step advances >= 2 bytes, so this ends within len. */
	for (off = sizeof(*t); off < len; off += e->length) {
		e = (const void *)((const u8 *)table + off);
		if (len - off < sizeof(*e) || e->length < sizeof(*e) ||
		    e->length > len - off) {
			printk(KERN_WARNING "ACPI: MADT entry at offset %u is malformed, ignoring the rest\n",
			       off);
			m->nr_skipped++;
			break;
		}
		if (!acpi_madt_entry(m, e))
			m->nr_skipped++;
	}
	if (m->nr_skipped)
		printk(KERN_WARNING "ACPI: MADT: %u entries skipped\n",
		       m->nr_skipped);
	m->present = true;
}
