/*
 * ACPI static table parsing: RSDP -> RSDT/XSDT -> MADT, FADT (-> DSDT),
 * HPET, DMAR, IVRS, MCFG (the last three in iommu.c), into a plain struct
 * acpi_info that the rest of boot consumes.
 *
 * Design: firmware tables are untrusted input.  Memory is reached only via
 * the caller's map callback, which refuses ranges outside valid memory.  A
 * table is used only after its signature, length (>= header, <= a sanity
 * cap, all of it mappable) and checksum check out; then it is walked
 * strictly inside its own length.  A bad table is logged, counted and
 * skipped: a machine with a broken HPET table should still boot.  Fields
 * read from a table are copied out once; nothing is written to @ai's
 * sub-structures until that table validated.
 *
 * References: ACPI 6.5 chapter 5.2 (tables), ACPICA (tbxfroot.c, tbfadt.c)
 * and Linux (arch/x86/kernel/acpi/boot.c) for firmware quirks.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include "acpi_internal.h"


/* The parse in progress. */
struct acpi_walk {
	struct acpi_info *ai;
	acpi_map_fn map;
	void *ctx;
};

static const void *acpi_map(const struct acpi_walk *w, paddr_t pa, size_t len)
{
	if (!pa || !len || pa + len < pa)
		return NULL;
	return w->map(pa, len, w->ctx);
}

/* Copy @n firmware bytes into a printable, NUL-terminated string. */
static void acpi_copy_id(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[n] = '\0';
}

static void acpi_describe(struct acpi_table_desc *d, const struct acpi_header *h,
			  paddr_t pa, u32 len)
{
	acpi_copy_id(d->sig, h->signature, sizeof(h->signature));
	acpi_copy_id(d->oem_id, h->oem_id, sizeof(h->oem_id));
	acpi_copy_id(d->oem_table_id, h->oem_table_id, sizeof(h->oem_table_id));
	d->revision = h->revision;
	d->length = len;	/* what was validated, not a re-read */
	d->pa = pa;
}

/*
 * Map and validate the table at @pa (ACPI 6.5 5.2.6): signature @sig if
 * non-NULL, header-sized to ACPI_TABLE_MAX_LEN long, all of it in valid
 * memory, bytes summing to zero.  Returns the table and fills @d, or warns
 * and returns NULL.
 */
static const void *acpi_table_get(const struct acpi_walk *w, paddr_t pa,
				  const char *sig, struct acpi_table_desc *d)
{
	const struct acpi_header *h = acpi_map(w, pa, sizeof(*h));
	char name[5] = "????";
	u32 len;

	if (!h) {
		printk(KERN_WARNING "ACPI: table at 0x%llx is not in memory\n",
		       (unsigned long long)pa);
		return NULL;
	}
	acpi_copy_id(name, h->signature, sizeof(h->signature));
	len = h->length;
	if (sig && memcmp(h->signature, sig, sizeof(h->signature))) {
		printk(KERN_WARNING "ACPI: %s at 0x%llx, expected %s\n", name,
		       (unsigned long long)pa, sig);
		return NULL;
	}
	if (len < sizeof(*h) || len > ACPI_TABLE_MAX_LEN) {
		printk(KERN_WARNING "ACPI: %s at 0x%llx has bad length %u\n",
		       name, (unsigned long long)pa, len);
		return NULL;
	}
	h = acpi_map(w, pa, len);
	if (!h) {
		printk(KERN_WARNING "ACPI: %s at 0x%llx (%u bytes) runs out of memory\n",
		       name, (unsigned long long)pa, len);
		return NULL;
	}
	if (acpi_checksum(h, len)) {
		printk(KERN_WARNING "ACPI: %s at 0x%llx has a bad checksum\n",
		       name, (unsigned long long)pa);
		return NULL;
	}
	acpi_describe(d, h, pa, len);
	return h;
}

/* ---- RSDP ---------------------------------------------------------- */

/* ACPI 6.5 5.2.5.3: the 1.0 checksum covers the first 20 bytes. */
static bool acpi_rsdp_v1_ok(const struct acpi_rsdp *r)
{
	return !memcmp(r->signature, ACPI_RSDP_SIG, sizeof(r->signature)) &&
	       !acpi_checksum(r, ACPI_RSDP_V1_LEN);
}

/*
 * Pre: 36 bytes readable if r->revision >= 2.  Like ACPICA
 * (acpi_tb_validate_rsdp) the extended checksum covers the fixed 36 bytes,
 * not the Length field, which a corrupt RSDP could make anything.
 */
static bool acpi_rsdp_v2_ok(const struct acpi_rsdp *r)
{
	return r->revision < 2 || !acpi_checksum(r, ACPI_RSDP_V2_LEN);
}

/* Read a validated RSDP into @out (zero-extended if 1.0). */
static void acpi_rsdp_save(struct acpi_rsdp *out, const struct acpi_rsdp *r)
{
	memset(out, 0, sizeof(*out));
	memcpy(out, r, r->revision >= 2 ? ACPI_RSDP_V2_LEN : ACPI_RSDP_V1_LEN);
}

static bool acpi_rsdp_at(const struct acpi_walk *w, paddr_t pa,
			 struct acpi_rsdp *out)
{
	const struct acpi_rsdp *r = acpi_map(w, pa, ACPI_RSDP_V1_LEN);

	if (!r || memcmp(r->signature, ACPI_RSDP_SIG, sizeof(r->signature)))
		return false;
	if (acpi_rsdp_v1_ok(r) && r->revision >= 2)
		r = acpi_map(w, pa, ACPI_RSDP_V2_LEN);
	if (!r || !acpi_rsdp_v1_ok(r) || !acpi_rsdp_v2_ok(r)) {
		printk(KERN_WARNING "ACPI: RSDP at 0x%llx has a bad checksum\n",
		       (unsigned long long)pa);
		return false;
	}
	acpi_rsdp_save(out, r);
	return true;
}

/* ACPI 6.5 5.2.5.1: the RSDP sits on a 16-byte boundary in the window. */
static paddr_t acpi_rsdp_scan(const struct acpi_walk *w, paddr_t base,
			      size_t len, struct acpi_rsdp *out)
{
	paddr_t pa;

	/*
	 * Map one candidate at a time: the e820 map may leave parts of the
	 * window (often 0xE0000-0xEFFFF) undescribed.
	 */
	for (pa = base; pa + ACPI_RSDP_V1_LEN <= base + len; pa += 16)
		if (acpi_rsdp_at(w, pa, out))
			return pa;
	return 0;
}

/*
 * ACPI 6.5 5.2.5.1: on IA-PC systems search the first KiB of the EBDA
 * (segment in the BDA word at 0x40E), then 0xE0000-0xFFFFF.
 */
static paddr_t acpi_rsdp_find(const struct acpi_walk *w, struct acpi_rsdp *out)
{
	const u8 *bda = acpi_map(w, 0x40e, 2);
	paddr_t pa, ebda;

	if (bda) {
		ebda = (paddr_t)(bda[0] | bda[1] << 8) << 4;
		/* ACPICA skips an EBDA pointer into the BDA/IVT itself. */
		if (ebda > 0x400 && ebda < 0xa0000) {
			pa = acpi_rsdp_scan(w, ebda, 1024, out);
			if (pa)
				return pa;
		}
	}
	return acpi_rsdp_scan(w, 0xe0000, 0x20000, out);
}

/* Fill @out from the copy, the address or the scan, in that order. */
static int acpi_rsdp_get(struct acpi_walk *w, paddr_t rsdp_pa,
			 const struct acpi_rsdp *copy, struct acpi_rsdp *out)
{
	struct acpi_info *ai = w->ai;

	if (copy) {
		if (acpi_rsdp_v1_ok(copy) && acpi_rsdp_v2_ok(copy)) {
			acpi_rsdp_save(out, copy);
			return 0;
		}
		printk(KERN_WARNING "ACPI: RSDP copy from the loader is invalid\n");
	}
	if (rsdp_pa) {
		if (acpi_rsdp_at(w, rsdp_pa, out)) {
			ai->rsdp_pa = rsdp_pa;
			return 0;
		}
		printk(KERN_WARNING "ACPI: no RSDP at 0x%llx, scanning\n",
		       (unsigned long long)rsdp_pa);
	}
	ai->rsdp_pa = acpi_rsdp_find(w, out);
	return ai->rsdp_pa ? 0 : -ENOENT;
}

/* ---- FADT (ACPI 6.5 5.2.9) ----------------------------------------- */

/* Does a FADT of @len bytes contain @field? */
#define FADT_HAS(len, field) ((len) >= offsetof(struct acpi_fadt, field) + \
			      sizeof(((struct acpi_fadt *)0)->field))

/*
 * A register block: the X_ GAS if the table has it and it is non-zero,
 * else the 32-bit I/O port (ACPI 6.5 5.2.9: "If this field contains a
 * nonzero value, then [the legacy] field must be ignored").  Like ACPICA
 * (tbfadt.c) a zero X_ width is taken from the legacy length byte.
 */
static void acpi_fadt_block(struct acpi_gas *out, bool has_x,
			    const struct acpi_gas *x, u32 port, u8 len)
{
	memset(out, 0, sizeof(*out));
	if (has_x && x->address) {
		*out = *x;
		if (!out->bit_width)
			out->bit_width = (u8)(len * 8);
	} else if (port) {
		out->space_id = ACPI_GAS_IO;
		out->bit_width = (u8)(len * 8);
		out->address = port;
	}
}

/* The fixed-hardware fields, which HW-reduced platforms do not have. */
static void acpi_fadt_fixed_hw(struct acpi_fadt_info *fi,
			       const struct acpi_fadt *f, u32 len)
{
	fi->sci_irq = f->sci_int;
	fi->smi_cmd = f->smi_cmd;
	fi->acpi_enable = f->acpi_enable;
	acpi_fadt_block(&fi->pm1a_cnt, FADT_HAS(len, x_pm1a_cnt_blk),
			&f->x_pm1a_cnt_blk, f->pm1a_cnt_blk, f->pm1_cnt_len);
	acpi_fadt_block(&fi->pm1b_cnt, FADT_HAS(len, x_pm1b_cnt_blk),
			&f->x_pm1b_cnt_blk, f->pm1b_cnt_blk, f->pm1_cnt_len);
	acpi_fadt_block(&fi->pm_tmr, FADT_HAS(len, x_pm_tmr_blk),
			&f->x_pm_tmr_blk, f->pm_tmr_blk, f->pm_tmr_len);
	if (fi->pm_tmr.space_id == ACPI_GAS_IO && fi->pm_tmr.address &&
	    fi->pm_tmr.address <= 0xfffc)
		fi->pm_tmr_port = (u16)fi->pm_tmr.address;
	/* Table 5.10: TMR_VAL_EXT, the PM timer counts 32 bits, not 24. */
	fi->pm_tmr_32bit = f->flags & ACPI_FADT_TMR_VAL_EXT;
}

/* Validate the DSDT the FADT points at and look up \_S5 in it. */
static void acpi_dsdt_parse(struct acpi_walk *w, struct acpi_fadt_info *fi)
{
	struct acpi_info *ai = w->ai;
	struct acpi_table_desc d;
	const void *t;

	if (!fi->dsdt_pa)
		return;
	t = acpi_table_get(w, fi->dsdt_pa, "DSDT", &d);
	if (!t) {
		ai->nr_bad_tables++;
		return;
	}
	if (ai->nr_tables < ACPI_MAX_TABLES)
		ai->tables[ai->nr_tables++] = d;
	fi->dsdt_len = d.length;
	fi->have_s5 = !acpi_find_s5(t, d.length, &fi->slp_typa, &fi->slp_typb);
}

/* Pre: @table is a validated "FACP" table of @len bytes. */
static void acpi_fadt_parse(struct acpi_walk *w, const void *table, u32 len)
{
	struct acpi_fadt_info *fi = &w->ai->fadt;
	struct acpi_fadt f;

	if (len < ACPI_FADT_V1_LEN) {
		printk(KERN_WARNING "ACPI: FADT too short (%u bytes)\n", len);
		return;
	}
	/* Like ACPICA, work on a zero-padded copy: older FADTs are shorter. */
	memset(&f, 0, sizeof(f));
	memcpy(&f, table, MIN((size_t)len, sizeof(f)));

	memset(fi, 0, sizeof(*fi));
	fi->revision = f.h.revision;
	fi->length = len;
	fi->flags = f.flags;
	/*
	 * Table 5.10 HW_REDUCED_ACPI: OSPM ignores the fixed hardware fields
	 * (offsets 46-108 and 148-232).
	 */
	fi->hw_reduced = f.flags & ACPI_FADT_HW_REDUCED;
	if (!fi->hw_reduced)
		acpi_fadt_fixed_hw(fi, &f, len);

	/*
	 * The reset register arrived with FADT revision 2.  Like Linux
	 * (drivers/acpi/reboot.c) ignore its bit width/offset: Windows does.
	 */
	if (FADT_HAS(len, reset_value) && f.h.revision >= 2) {
		fi->reset_reg = f.reset_reg;
		fi->reset_value = f.reset_value;
		fi->reset_supported = (f.flags & ACPI_FADT_RESET_REG_SUP) &&
				      f.reset_reg.address;
	}

	fi->dsdt_pa = f.dsdt;
	if (FADT_HAS(len, x_dsdt) && f.x_dsdt)
		fi->dsdt_pa = f.x_dsdt;
	fi->present = true;
	acpi_dsdt_parse(w, fi);
}

/* ---- HPET ---------------------------------------------------------- */

static void acpi_hpet_parse(struct acpi_hpet_info *hi, const void *table,
			    u32 len)
{
	const struct acpi_hpet *t = table;

	if (len < sizeof(*t)) {
		printk(KERN_WARNING "ACPI: HPET table too short (%u bytes)\n",
		       len);
		return;
	}
	hi->block_id = t->block_id;
	hi->base = t->base;
	hi->number = t->number;
	hi->min_tick = t->min_tick;
	hi->present = true;
}

/* ---- RSDT/XSDT ----------------------------------------------------- */

/* Validate one table listed by the root and hand it to its parser. */
static void acpi_table_one(struct acpi_walk *w, paddr_t pa)
{
	struct acpi_info *ai = w->ai;
	struct acpi_table_desc d;
	const void *t;

	t = acpi_table_get(w, pa, NULL, &d);
	if (!t) {
		ai->nr_bad_tables++;
		return;
	}
	if (ai->nr_tables < ACPI_MAX_TABLES)
		ai->tables[ai->nr_tables++] = d;

	/* ACPI 6.5 5.2.8: use the first instance of a table, like Linux. */
	if (!memcmp(d.sig, "APIC", 4) && !ai->madt.present)
		acpi_madt_parse(&ai->madt, t, d.length);
	else if (!memcmp(d.sig, "FACP", 4) && !ai->fadt.present)
		acpi_fadt_parse(w, t, d.length);
	else if (!memcmp(d.sig, "HPET", 4) && !ai->hpet.present)
		acpi_hpet_parse(&ai->hpet, t, d.length);
	else if (!memcmp(d.sig, "DMAR", 4) && !ai->dmar.present)
		acpi_dmar_parse(&ai->dmar, t, d.length);
	else if (!memcmp(d.sig, "IVRS", 4) && !ai->ivrs.present)
		acpi_ivrs_parse(&ai->ivrs, t, d.length);
	else if (!memcmp(d.sig, "MCFG", 4) && !ai->mcfg.present)
		acpi_mcfg_parse(&ai->mcfg, t, d.length);
}

/* Little-endian read of a 4- or 8-byte root entry (XSDT ones unaligned). */
static paddr_t acpi_root_entry(const u8 *p, unsigned int size)
{
	paddr_t pa = 0;

	while (size--)
		pa = pa << 8 | p[size];
	return pa;
}

/*
 * ACPI 6.5 5.2.5.3: use the XSDT when the RSDP is 2.0+ and gives one, else
 * the RSDT.  Like ACPICA we fall back to the RSDT if the XSDT is bad.
 */
static int acpi_root_parse(struct acpi_walk *w, const struct acpi_rsdp *rsdp)
{
	struct acpi_info *ai = w->ai;
	unsigned int esize = 8;
	const u8 *root = NULL;
	u32 i, n;

	if (rsdp->revision >= 2 && rsdp->xsdt_address) {
		root = acpi_table_get(w, rsdp->xsdt_address, "XSDT", &ai->root);
		if (!root)
			printk(KERN_WARNING "ACPI: bad XSDT, trying the RSDT\n");
	}
	if (!root) {
		esize = 4;
		if (rsdp->rsdt_address)
			root = acpi_table_get(w, rsdp->rsdt_address, "RSDT",
					      &ai->root);
		if (!root) {
			printk(KERN_WARNING "ACPI: no valid RSDT/XSDT\n");
			return -EINVAL;
		}
	}
	ai->xsdt = esize == 8;

	/* Bounded by the validated length; a partial last entry is ignored. */
	n = (ai->root.length - sizeof(struct acpi_header)) / esize;
	for (i = 0; i < n; i++)
		acpi_table_one(w, acpi_root_entry(root +
			sizeof(struct acpi_header) + i * esize, esize));
	return 0;
}

int acpi_parse(struct acpi_info *ai, paddr_t rsdp_pa, const void *rsdp_copy,
	       acpi_map_fn map, void *ctx)
{
	struct acpi_walk w = { .ai = ai, .map = map, .ctx = ctx };
	struct acpi_rsdp rsdp;

	memset(ai, 0, sizeof(*ai));
	if (acpi_rsdp_get(&w, rsdp_pa, rsdp_copy, &rsdp)) {
		printk(KERN_WARNING "ACPI: no valid RSDP found\n");
		return -ENOENT;
	}
	ai->rsdp_revision = rsdp.revision;
	acpi_copy_id(ai->rsdp_oem_id, rsdp.oem_id, sizeof(rsdp.oem_id));
	return acpi_root_parse(&w, &rsdp);
}

/* ---- Summary ------------------------------------------------------- */

/* "io 0x604", "mem 0xfed00000", "none" */
static const char *acpi_gas_str(char *buf, size_t size,
				const struct acpi_gas *g)
{
	static const char *const spaces[] = { "mem", "io", "pcicfg" };

	if (!g->address)
		return "none";
	if (g->space_id < ARRAY_SIZE(spaces))
		snprintf(buf, size, "%s 0x%llx", spaces[g->space_id],
			 (unsigned long long)g->address);
	else
		snprintf(buf, size, "space%u 0x%llx", g->space_id,
			 (unsigned long long)g->address);
	return buf;
}

static void acpi_print_madt(const struct acpi_madt_info *m)
{
	unsigned int i;

	if (!m->present) {
		printk(KERN_WARNING "ACPI: no MADT\n");
		return;
	}
	printk("ACPI: MADT: LAPIC 0x%llx, %u CPUs (+%u disabled), %u IO-APICs, %u overrides, %u NMIs, %u skipped%s\n",
	       (unsigned long long)m->lapic_addr, m->nr_cpus,
	       m->nr_cpus_disabled, m->nr_ioapics, m->nr_overrides,
	       m->nr_nmis, m->nr_skipped,
	       m->pcat_compat ? ", PCAT_COMPAT" : "");
	for (i = 0; i < m->nr_ioapics; i++)
		printk("ACPI: IO-APIC %u at 0x%x, GSI base %u\n",
		       m->ioapics[i].id, m->ioapics[i].addr,
		       m->ioapics[i].gsi_base);
}

static void acpi_print_fadt(const struct acpi_fadt_info *fi)
{
	char pm1a[32], pm1b[32], rst[32];

	if (!fi->present) {
		printk(KERN_WARNING "ACPI: no FADT\n");
		return;
	}
	if (fi->hw_reduced)
		printk("ACPI: FADT: HW-reduced, no fixed hardware\n");
	else
		printk("ACPI: FADT: PM1a_CNT %s, PM1b_CNT %s, PM timer io 0x%x (%u-bit), SCI %u, SMI_CMD 0x%x/0x%x\n",
		       acpi_gas_str(pm1a, sizeof(pm1a), &fi->pm1a_cnt),
		       acpi_gas_str(pm1b, sizeof(pm1b), &fi->pm1b_cnt),
		       fi->pm_tmr_port, fi->pm_tmr_32bit ? 32 : 24,
		       fi->sci_irq, fi->smi_cmd, fi->acpi_enable);
	if (fi->reset_supported)
		printk("ACPI: FADT: reset %s <- 0x%x\n",
		       acpi_gas_str(rst, sizeof(rst), &fi->reset_reg),
		       fi->reset_value);
	if (fi->have_s5)
		printk("ACPI: DSDT 0x%llx: S5 SLP_TYPa %u SLP_TYPb %u\n",
		       (unsigned long long)fi->dsdt_pa, fi->slp_typa,
		       fi->slp_typb);
	else
		printk(KERN_WARNING "ACPI: DSDT 0x%llx: no usable \\_S5\n",
		       (unsigned long long)fi->dsdt_pa);
}

void acpi_print_summary(const struct acpi_info *ai)
{
	const struct acpi_hpet_info *hi = &ai->hpet;
	const struct acpi_table_desc *d;
	char base[32];
	unsigned int i;

	if (!ai->root.length) {
		printk(KERN_WARNING "ACPI: no tables\n");
		return;
	}
	/* pa 0: the loader handed us a copy. */
	printk("ACPI: RSDP 0x%llx rev %u %s\n", (unsigned long long)ai->rsdp_pa,
	       ai->rsdp_revision, ai->rsdp_oem_id);
	for (i = 0; i <= ai->nr_tables; i++) {
		d = i ? &ai->tables[i - 1] : &ai->root;
		printk("ACPI: %s 0x%llx %6u bytes rev %u %-6s %-8s\n",
		       d->sig, (unsigned long long)d->pa, d->length,
		       d->revision, d->oem_id, d->oem_table_id);
	}
	if (ai->nr_bad_tables)
		printk(KERN_WARNING "ACPI: %u invalid tables skipped\n",
		       ai->nr_bad_tables);
	acpi_print_madt(&ai->madt);
	acpi_print_fadt(&ai->fadt);
	if (hi->present)
		printk("ACPI: HPET %u at %s, min tick %u\n", hi->number,
		       acpi_gas_str(base, sizeof(base), &hi->base),
		       hi->min_tick);
	acpi_print_iommu(ai);
}
