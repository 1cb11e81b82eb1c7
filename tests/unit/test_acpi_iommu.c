/*
 * DMAR, IVRS and MCFG parsing (xen/arch/x86/acpi/iommu.c) against tables
 * built here byte by byte from the VT-d, AMD IOMMU and PCI firmware specs,
 * independently of the parser's structs.  Each table is a heap buffer of
 * exactly its length, so AddressSanitizer catches a read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/acpi.h>

#include "unit.h"

struct buf {
	uint8_t b[1024];
	unsigned int len;
};

static void put(uint8_t *p, unsigned int off, uint64_t v, unsigned int n)
{
	while (n--) {
		p[off++] = (uint8_t)v;
		v >>= 8;
	}
}

/* A table header (36 bytes) and @body zero bytes after it. */
static void header(struct buf *t, const char *sig, unsigned int body)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->len = 36 + body;
}

static void append(struct buf *t, const uint8_t *p, unsigned int n)
{
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

/* The parser sees exactly t->len bytes, in their own allocation. */
static uint8_t *seal(struct buf *t)
{
	uint8_t *p = malloc(t->len);

	put(t->b, 4, t->len, 4);
	memcpy(p, t->b, t->len);
	return p;
}

/* ---- DMAR (VT-d 4.1 ch. 8) ---- */

/* 8.1: HAW - 1 at 36, flags at 37, 10 reserved. */
static void dmar(struct buf *t, uint8_t haw_minus_1, uint8_t flags)
{
	header(t, "DMAR", 12);
	t->b[36] = haw_minus_1;
	t->b[37] = flags;
}

/* 8.3.1 device scope: type, length, flags, rsvd, enum id, start bus,
 * then @npath (device, function) pairs. */
static unsigned int scope(uint8_t *p, uint8_t type, uint8_t enum_id,
			  uint8_t bus, unsigned int npath)
{
	unsigned int len = 6 + 2 * npath;

	memset(p, 0, len);
	p[0] = type;
	p[1] = (uint8_t)len;
	p[4] = enum_id;
	p[5] = bus;
	for (unsigned int i = 0; i < npath; i++) {
		p[6 + 2 * i] = (uint8_t)(i + 1);	/* device */
		p[7 + 2 * i] = 0;			/* function */
	}
	return len;
}

/* 8.3 DRHD: type 0, length, flags, size, segment, base, scopes. */
static void drhd(struct buf *t, uint8_t flags, uint16_t seg, uint64_t base,
		 const uint8_t *scopes, unsigned int slen)
{
	uint8_t e[16];

	put(e, 0, 0, 2);
	put(e, 2, 16 + slen, 2);
	e[4] = flags;
	e[5] = 0;
	put(e, 6, seg, 2);
	put(e, 8, base, 8);
	append(t, e, 16);
	append(t, scopes, slen);
}

/* 8.4 RMRR: type 1, length, reserved, segment, base, limit, scopes. */
static void rmrr(struct buf *t, uint16_t seg, uint64_t base, uint64_t limit,
		 const uint8_t *scopes, unsigned int slen)
{
	uint8_t e[24] = { 0 };

	put(e, 0, 1, 2);
	put(e, 2, 24 + slen, 2);
	put(e, 6, seg, 2);
	put(e, 8, base, 8);
	put(e, 16, limit, 8);
	append(t, e, 24);
	append(t, scopes, slen);
}

/* What QEMU's intel-iommu (hw/i386/acpi-build.c) emits: HAW 39 bits,
 * interrupt remapping, one catch-all unit with the IO-APIC in its scope. */
TEST(test_dmar_qemu)
{
	struct acpi_dmar_info di;
	struct buf t;
	uint8_t s[16];
	uint8_t *p;

	dmar(&t, 38, 1);
	drhd(&t, 1, 0, 0xfed90000, s, scope(s, 3, 0, 0xff, 1));
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK(di.present);
	CHECK_EQ(di.host_addr_width, 39);
	CHECK_EQ(di.flags, ACPI_DMAR_INTR_REMAP);
	CHECK_EQ(di.nr_drhd, 1);
	CHECK_EQ(di.drhd[0].base, 0xfed90000);
	CHECK_EQ(di.drhd[0].segment, 0);
	CHECK_EQ(di.drhd[0].flags, ACPI_DRHD_INCLUDE_PCI_ALL);
	CHECK_EQ(di.drhd[0].nr_scopes, 1);
	CHECK_EQ(di.drhd[0].nr_ioapic_scopes, 1);
	CHECK_EQ(di.nr_rmrr, 0);
	CHECK_EQ(di.nr_skipped, 0);
	free(p);
}

/* Two units on two segments, a reserved region, an ATSR (not used). */
TEST(test_dmar_units_and_rmrr)
{
	static const uint8_t atsr[8] = { 2, 0, 8, 0, 0, 0, 0, 0 };
	struct acpi_dmar_info di;
	struct buf t;
	uint8_t s[32];
	unsigned int n;
	uint8_t *p;

	dmar(&t, 47, 3);
	n = scope(s, 1, 0, 0, 1);		/* a PCI endpoint */
	n += scope(s + n, 2, 0, 0, 2);		/* a bridge's hierarchy */
	drhd(&t, 0, 0, 0xfed91000, s, n);
	append(&t, atsr, sizeof(atsr));
	drhd(&t, 1, 1, 0xfed92000, s, scope(s, 4, 0, 0, 1));
	rmrr(&t, 0, 0x7e000000, 0x7e0fffff, s, scope(s, 1, 0, 0, 1));
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK_EQ(di.host_addr_width, 48);
	CHECK_EQ(di.flags, 3);
	CHECK_EQ(di.nr_drhd, 2);
	CHECK_EQ(di.drhd[0].nr_scopes, 2);
	CHECK_EQ(di.drhd[0].nr_ioapic_scopes, 0);
	CHECK_EQ(di.drhd[0].flags, 0);
	CHECK_EQ(di.drhd[1].segment, 1);
	CHECK_EQ(di.drhd[1].base, 0xfed92000);
	CHECK_EQ(di.nr_rmrr, 1);
	CHECK_EQ(di.rmrr[0].base, 0x7e000000);
	CHECK_EQ(di.rmrr[0].end, 0x7e0fffff);
	CHECK_EQ(di.rmrr[0].nr_scopes, 1);
	CHECK_EQ(di.nr_other, 1);
	CHECK_EQ(di.nr_skipped, 0);
	free(p);
}

/* Bad contents are skipped and the walk goes on; a bad header ends it. */
TEST(test_dmar_malformed)
{
	struct acpi_dmar_info di;
	struct buf t;
	uint8_t s[16], odd[7] = { 1, 7, 0, 0, 0, 0, 1 };
	uint8_t *p;

	dmar(&t, 38, 0);
	drhd(&t, 0, 0, 0, s, scope(s, 1, 0, 0, 1));		/* base 0 */
	drhd(&t, 0, 0, 0xfed90800, s, scope(s, 1, 0, 0, 1));	/* unaligned */
	drhd(&t, 0, 0, 0xfed91000, odd, sizeof(odd));	/* odd path */
	rmrr(&t, 0, 0x1000, 0x1fff, s, 0);		/* no device */
	rmrr(&t, 0, 0x2000, 0x1fff, s, scope(s, 1, 0, 0, 1)); /* inverted */
	rmrr(&t, 0, 0x2000, 0x2ffe, s, scope(s, 1, 0, 0, 1)); /* limit */
	drhd(&t, 1, 0, 0xfed93000, s, scope(s, 3, 0, 0xff, 1)); /* good */
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK_EQ(di.nr_drhd, 1);
	CHECK_EQ(di.drhd[0].base, 0xfed93000);
	CHECK_EQ(di.nr_rmrr, 0);
	CHECK_EQ(di.nr_skipped, 6);
	free(p);

	/* A structure of length 2 ends the walk: nothing after it is seen. */
	dmar(&t, 38, 0);
	append(&t, (const uint8_t[]){ 0, 0, 2, 0 }, 4);
	drhd(&t, 1, 0, 0xfed93000, s, scope(s, 3, 0, 0xff, 1));
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK(di.present);
	CHECK_EQ(di.nr_drhd, 0);
	CHECK_EQ(di.nr_skipped, 1);
	free(p);

	/* A length past the table's end, and a header cut short. */
	dmar(&t, 38, 0);
	drhd(&t, 1, 0, 0xfed93000, s, scope(s, 3, 0, 0xff, 1));
	t.b[t.len - 24 + 2] = 200;
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK_EQ(di.nr_drhd, 0);
	CHECK_EQ(di.nr_skipped, 1);
	free(p);
	dmar(&t, 38, 0);
	append(&t, (const uint8_t[]){ 0, 0 }, 2);
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK_EQ(di.nr_skipped, 1);
	free(p);

	/* Shorter than the DMAR header: not a DMAR at all. */
	header(&t, "DMAR", 4);
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK(!di.present);
	free(p);
}

TEST(test_dmar_limit)
{
	struct acpi_dmar_info di;
	struct buf t;
	uint8_t s[16];
	uint8_t *p;

	dmar(&t, 38, 0);
	for (unsigned int i = 0; i < ACPI_MAX_DRHD + 2; i++)
		drhd(&t, 0, 0, 0xfed90000 + 0x1000 * i, s,
		     scope(s, 1, 0, 0, 1));
	p = seal(&t);
	acpi_dmar_parse(&di, p, t.len);
	CHECK_EQ(di.nr_drhd, ACPI_MAX_DRHD);
	CHECK_EQ(di.drhd[ACPI_MAX_DRHD - 1].base,
		 0xfed90000 + 0x1000 * (ACPI_MAX_DRHD - 1));
	CHECK_EQ(di.nr_skipped, 2);
	free(p);
}

/* ---- IVRS (AMD 48882 5.2) ---- */

/* IVinfo at 36, 8 reserved. */
static void ivrs(struct buf *t, uint32_t ivinfo)
{
	header(t, "IVRS", 12);
	put(t->b, 36, ivinfo, 4);
}

/* IVHD: type, flags, length, device id, capability offset, base,
 * segment, info, feature/attributes; types 11h/40h: EFR, EFR2. */
static void ivhd(struct buf *t, uint8_t type, uint16_t bdf, uint64_t base,
		 uint64_t efr, const uint8_t *dev, unsigned int dlen)
{
	unsigned int hlen = type == 0x10 ? 24 : 40;
	uint8_t e[40] = { 0 };

	e[0] = type;
	e[1] = 0xb0;
	put(e, 2, hlen + dlen, 2);
	put(e, 4, bdf, 2);
	put(e, 6, 0x40, 2);
	put(e, 8, base, 8);
	put(e, 18, 0x1234, 2);
	put(e, 20, 0x80048f6e, 4);
	if (hlen == 40)
		put(e, 24, efr, 8);
	append(t, e, hlen);
	append(t, dev, dlen);
}

/* IVMD: type, flags, length 32, device, aux, reserved, start, length. */
static void ivmd(struct buf *t, uint8_t type, uint16_t bdf, uint64_t start,
		 uint64_t len)
{
	uint8_t e[32] = { 0 };

	e[0] = type;
	e[1] = 1;
	put(e, 2, 32, 2);
	put(e, 4, bdf, 2);
	put(e, 16, start, 8);
	put(e, 24, len, 8);
	append(t, e, 32);
}

/* Device entries: select all (01h, 4 bytes), range start (03h) and end
 * (04h), a special device (48h, 8 bytes), an ACPI_HID (F0h) with a
 * 2-byte UID (22 + 2 bytes). */
static unsigned int dev_entries(uint8_t *d)
{
	unsigned int n = 0;

	memset(d, 0, 64);
	d[n] = 0x01; n += 4;
	d[n] = 0x03; n += 4;
	d[n] = 0x04; n += 4;
	d[n] = 0x48; n += 8;
	d[n] = 0xf0; d[n + 21] = 2; n += 24;
	return n;
}

/* QEMU's amd-iommu describes its IOMMU twice, as types 10h and 11h. */
TEST(test_ivrs_types)
{
	struct acpi_ivrs_info ii;
	struct buf t;
	uint8_t d[64];
	unsigned int n = dev_entries(d);
	uint8_t *p;

	ivrs(&t, 0x00203040);
	ivhd(&t, 0x10, 0x0010, 0xfeb80000, 0, d, n);
	ivhd(&t, 0x11, 0x0010, 0xfeb80000, 0x29d4, d, 4);
	ivmd(&t, 0x21, 0x0018, 0x7f000000, 0x100000);
	p = seal(&t);
	acpi_ivrs_parse(&ii, p, t.len);
	CHECK(ii.present);
	CHECK_EQ(ii.ivinfo, 0x00203040);
	CHECK_EQ(ii.ivhd_type, 0x11);
	CHECK_EQ(ii.nr_ivhd, 2);
	CHECK_EQ(ii.ivhd[0].type, 0x10);
	CHECK_EQ(ii.ivhd[0].efr, 0);
	CHECK_EQ(ii.ivhd[0].nr_dev_entries, 5);
	CHECK_EQ(ii.ivhd[1].type, 0x11);
	CHECK_EQ(ii.ivhd[1].bdf, 0x0010);
	CHECK_EQ(ii.ivhd[1].base, 0xfeb80000);
	CHECK_EQ(ii.ivhd[1].cap_offset, 0x40);
	CHECK_EQ(ii.ivhd[1].info, 0x1234);
	CHECK_EQ(ii.ivhd[1].efr, 0x29d4);
	CHECK_EQ(ii.ivhd[1].nr_dev_entries, 1);
	CHECK_EQ(ii.nr_ivmd, 1);
	CHECK_EQ(ii.ivmd[0].type, 0x21);
	CHECK_EQ(ii.ivmd[0].bdf, 0x0018);
	CHECK_EQ(ii.ivmd[0].start, 0x7f000000);
	CHECK_EQ(ii.ivmd[0].length, 0x100000);
	CHECK_EQ(ii.nr_skipped, 0);
	free(p);
}

TEST(test_ivrs_malformed)
{
	struct acpi_ivrs_info ii;
	struct buf t;
	uint8_t d[64];
	unsigned int n = dev_entries(d);
	uint8_t *p;

	ivrs(&t, 0);
	ivhd(&t, 0x40, 0x0010, 0, 0, d, 4);			/* base 0 */
	ivhd(&t, 0x40, 0x0010, 0xfeb81000, 0, d, 4);		/* unaligned */
	ivhd(&t, 0x40, 0x0010, 0xfeb80000, 0, d, n - 1);	/* UID cut */
	ivhd(&t, 0x11, 0x0010, 0xfeb80000, 0, d, 6);		/* entry cut */
	ivmd(&t, 0x20, 0, 0x7f000000, 0);			/* empty */
	ivmd(&t, 0x22, 0, 0x7f000800, 0x1000);			/* unaligned */
	ivmd(&t, 0x22, 0, 0xfffffffffffff000ULL, 0x2000);	/* wraps */
	append(&t, (const uint8_t[]){ 0x50, 0, 8, 0, 0, 0, 0, 0 }, 8);
	ivhd(&t, 0x11, 0x0010, 0xfeb80000, 0, d, 4);		/* good */
	p = seal(&t);
	acpi_ivrs_parse(&ii, p, t.len);
	CHECK_EQ(ii.nr_ivhd, 1);
	CHECK_EQ(ii.ivhd_type, 0x11);
	CHECK_EQ(ii.nr_ivmd, 0);
	CHECK_EQ(ii.nr_skipped, 7);
	free(p);

	/* An ACPI_HID entry too short to hold its UID length byte. */
	ivrs(&t, 0);
	d[0] = 0xf0;
	ivhd(&t, 0x10, 0x0010, 0xfeb80000, 0, d, 20);
	p = seal(&t);
	acpi_ivrs_parse(&ii, p, t.len);
	CHECK_EQ(ii.nr_ivhd, 0);
	CHECK_EQ(ii.nr_skipped, 1);
	free(p);

	/* A block of length 3 ends the walk. */
	ivrs(&t, 0);
	append(&t, (const uint8_t[]){ 0x10, 0, 3, 0 }, 4);
	ivhd(&t, 0x10, 0x0010, 0xfeb80000, 0, d, 4);
	p = seal(&t);
	acpi_ivrs_parse(&ii, p, t.len);
	CHECK(ii.present);
	CHECK_EQ(ii.nr_ivhd, 0);
	CHECK_EQ(ii.ivhd_type, 0);
	CHECK_EQ(ii.nr_skipped, 1);
	free(p);
}

/* ---- MCFG (PCI Firmware 3.3 4.1.2) ---- */

static void mcfg_alloc(struct buf *t, uint64_t base, uint16_t seg,
		       uint8_t start, uint8_t end)
{
	uint8_t e[16] = { 0 };

	put(e, 0, base, 8);
	put(e, 8, seg, 2);
	e[10] = start;
	e[11] = end;
	append(t, e, 16);
}

TEST(test_mcfg)
{
	struct acpi_mcfg_info mi;
	struct buf t;
	uint8_t *p;

	header(&t, "MCFG", 8);
	mcfg_alloc(&t, 0xb0000000, 0, 0, 0xff);	/* QEMU q35 */
	mcfg_alloc(&t, 0xc0000000, 1, 0x10, 0x1f);
	mcfg_alloc(&t, 0xd0000000, 2, 0x20, 0x1f);	/* inverted */
	mcfg_alloc(&t, 0xd0080000, 3, 0, 0);		/* unaligned */
	mcfg_alloc(&t, 0, 4, 0, 0);			/* no base */
	append(&t, (const uint8_t[]){ 1, 2, 3, 4, 5, 6, 7, 8 }, 8);
	p = seal(&t);
	acpi_mcfg_parse(&mi, p, t.len);
	CHECK(mi.present);
	CHECK_EQ(mi.nr, 2);
	CHECK_EQ(mi.r[0].base, 0xb0000000);
	CHECK_EQ(mi.r[0].segment, 0);
	CHECK_EQ(mi.r[0].start_bus, 0);
	CHECK_EQ(mi.r[0].end_bus, 0xff);
	CHECK_EQ(mi.r[1].base, 0xc0000000);
	CHECK_EQ(mi.r[1].segment, 1);
	CHECK_EQ(mi.r[1].start_bus, 0x10);
	CHECK_EQ(mi.r[1].end_bus, 0x1f);
	CHECK_EQ(mi.nr_skipped, 4);
	free(p);

	header(&t, "MCFG", 4);
	p = seal(&t);
	acpi_mcfg_parse(&mi, p, t.len);
	CHECK(!mi.present);
	CHECK_EQ(mi.nr, 0);
	free(p);
}

UNIT_MAIN(test_dmar_qemu, test_dmar_units_and_rmrr, test_dmar_malformed,
	  test_dmar_limit, test_ivrs_types, test_ivrs_malformed, test_mcfg)
