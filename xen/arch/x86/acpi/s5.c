/*
 * \_S5 (soft-off) sleep type from the DSDT, without an AML interpreter.
 *
 * Firmware declares the S5 values as a plain named package, e.g. QEMU's
 * Name(_S5, Package(4){0, 0, 0, 0}), which encodes as
 *	08 5F 53 35 5F 12 06 04 00 00 00 00
 *	NameOp "_S5_" PackageOp PkgLength NumElements Zero Zero Zero Zero
 * so a byte scan for NameOp "_S5_" PackageOp, followed by a strict decode
 * of the package, is enough.  Everything is bounds-checked: the image is
 * firmware data and may be corrupt.
 */
#include <xen/acpi.h>
#include <xen/acpi_layout.h>
#include <xen/errno.h>
#include <xen/lib.h>

#define ACPI_HEADER_LEN		sizeof(struct acpi_header)

/* ACPI 6.5 20.2 AML grammar opcodes. */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		0x5c
#define AML_ONES_OP		0xff

/* ACPI 6.5 4.8.3.2.1 PM1 Control Registers: SLP_TYP is bits 12:10. */
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_EN		(1U << 13)

/*
 * ACPI 6.5 20.2.4 PkgLength: bits 7:6 of the lead byte count the bytes that
 * follow (0-3).  With none, bits 5:0 are the length; otherwise bits 3:0 are
 * its low nibble and each following byte adds 8 more bits.  Bits 5:4 are
 * then reserved; like ACPICA (psargs.c) we ignore them.  The length counts
 * the PkgLength bytes themselves.
 */
static int aml_pkg_length(const u8 *aml, size_t pos, size_t end,
			  size_t *pkg_len, size_t *nbytes)
{
	unsigned int lead, follow, i;
	size_t v;

	if (pos >= end)
		return -EINVAL;
	lead = aml[pos];
	follow = lead >> 6;
	if (follow > end - pos - 1)
		return -EINVAL;
	if (!follow) {
		v = lead & 0x3f;
	} else {
		v = lead & 0x0f;
		for (i = 0; i < follow; i++)
			v |= (size_t)aml[pos + 1 + i] << (4 + 8 * i);
	}
	*pkg_len = v;
	*nbytes = 1 + follow;
	return 0;
}

/* ACPI 6.5 20.2.3 ComputationalData: one integer constant at @pos. */
static int aml_integer(const u8 *aml, size_t pos, size_t end, u64 *val,
		       size_t *nbytes)
{
	unsigned int size, i;

	if (pos >= end)
		return -EINVAL;
	switch (aml[pos]) {
	case AML_ZERO_OP:
		*val = 0;
		*nbytes = 1;
		return 0;
	case AML_ONE_OP:
		*val = 1;
		*nbytes = 1;
		return 0;
	case AML_ONES_OP:
		*val = ~0ULL;
		*nbytes = 1;
		return 0;
	case AML_BYTE_PREFIX:
		size = 1;
		break;
	case AML_WORD_PREFIX:
		size = 2;
		break;
	case AML_DWORD_PREFIX:
		size = 4;
		break;
	default:		/* QWordConst, names, method calls: not for _S5 */
		return -EINVAL;
	}
	if (size > end - pos - 1)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (u64)aml[pos + 1 + i] << (8 * i);
	*nbytes = 1 + size;
	return 0;
}

/*
 * Decode the package whose PackageOp is at @pos.  Like ACPICA
 * (acpi_get_sleep_type_data), the values are truncated to u8; a one-element
 * package gives the same type for PM1a and PM1b.
 */
static int aml_s5_package(const u8 *aml, size_t pos, size_t len,
			  u8 *slp_typa, u8 *slp_typb)
{
	size_t pkg_len, nbytes, end, n;
	unsigned int count, i;
	u64 val[2];
	int rc;

	pos++;				/* PackageOp */
	rc = aml_pkg_length(aml, pos, len, &pkg_len, &nbytes);
	if (rc)
		return rc;
	/* The package must hold its PkgLength and NumElements, within len. */
	if (pkg_len < nbytes + 1 || pkg_len > len - pos)
		return -EINVAL;
	end = pos + pkg_len;
	pos += nbytes;
	count = aml[pos++];		/* NumElements */
	if (!count)
		return -EINVAL;
	for (i = 0; i < MIN(count, 2U); i++) {
		rc = aml_integer(aml, pos, end, &val[i], &n);
		if (rc)
			return rc;
		pos += n;
	}
	*slp_typa = (u8)val[0];
	*slp_typb = (u8)(count >= 2 ? val[1] : val[0]);
	return 0;
}

/* Is the "_S5_" at @pos the NameString of a NameOp (plain or "\_S5_")? */
static bool aml_is_name_decl(const u8 *aml, size_t pos)
{
	if (pos >= ACPI_HEADER_LEN + 1 && aml[pos - 1] == AML_NAME_OP)
		return true;
	return pos >= ACPI_HEADER_LEN + 2 && aml[pos - 1] == AML_ROOT_CHAR &&
	       aml[pos - 2] == AML_NAME_OP;
}

int acpi_find_s5(const void *dsdt_aml, size_t len, u8 *slp_typa, u8 *slp_typb)
{
	const u8 *aml = dsdt_aml;
	int rc = -ENOENT;
	size_t pos;

	if (!aml || len < ACPI_HEADER_LEN)
		return -EINVAL;

	/*
	 * "_S5_" may also occur as a reference inside method code or in
	 * data; only a NameOp followed by PackageOp declares the object.  A
	 * malformed declaration makes us keep looking but report -EINVAL if
	 * nothing better turns up.
	 */
	for (pos = ACPI_HEADER_LEN; len - pos >= 5; pos++) {
		if (memcmp(&aml[pos], "_S5_", 4) || !aml_is_name_decl(aml, pos) ||
		    aml[pos + 4] != AML_PACKAGE_OP)
			continue;
		if (!aml_s5_package(aml, pos + 4, len, slp_typa, slp_typb))
			return 0;
		rc = -EINVAL;
	}
	return rc;
}

u16 acpi_pm1_sleep_value(u8 slp_typ)
{
	return (u16)(((slp_typ & 7U) << ACPI_PM1_SLP_TYP_SHIFT) |
		     ACPI_PM1_SLP_EN);
}
