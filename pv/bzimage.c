/*
 * bzImage setup header parsing (Documentation/x86/boot.rst).
 *
 * Layout of a bzImage file: the real-mode "setup" part, (setup_sects + 1)
 * 512-byte sectors including the boot sector, then the protected-mode
 * part.  The setup header sits at 0x1f1 in the boot sector; the fields
 * used here, all little endian:
 *
 *   0x1f1  u8   setup_sects      0 means 4 (ancient images)
 *   0x1f4  u32  syssize          protected-mode size in 16-byte units (2.04+)
 *   0x1fe  u16  boot_flag        0xAA55
 *   0x202  u32  header           "HdrS"
 *   0x206  u16  version          protocol version
 *   0x211  u8   loadflags        bit 0 LOADED_HIGH: a bzImage, not zImage
 *   0x248  u32  payload_offset   from the start of the protected-mode part (2.08+)
 *   0x24c  u32  payload_length
 *   0x260  u32  init_size        (2.10+)
 *
 * The image is untrusted: every field is checked against the file length
 * before the bytes it names are touched, in 64-bit arithmetic so no sum
 * overflows.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <pv/bzimage.h>

#define BZ_SETUP_SECTS		0x1f1
#define BZ_SYSSIZE		0x1f4
#define BZ_BOOT_FLAG		0x1fe
#define BZ_HEADER		0x202
#define BZ_VERSION		0x206
#define BZ_LOADFLAGS		0x211
#define BZ_PAYLOAD_OFFSET	0x248
#define BZ_PAYLOAD_LENGTH	0x24c
#define BZ_INIT_SIZE		0x260
#define BZ_HDR_END		0x264	/* through init_size */

#define BZ_SECTOR		512
#define BZ_LOADED_HIGH		0x01
#define BZ_VERSION_INIT_SIZE	0x020a
#define BZ_VERSION_SYSSIZE32	0x0204
#define BZ_TRAILER		4	/* size_append's length */

static const u8 bz_xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

static u16 le16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

bool bzimage_probe(const void *img, size_t len)
{
	const u8 *p = img;

	return len >= BZ_HDR_END && le16(p + BZ_BOOT_FLAG) == 0xaa55 &&
	       !memcmp(p + BZ_HEADER, "HdrS", 4);
}

u16 bzimage_version(const void *img)
{
	return le16((const u8 *)img + BZ_VERSION);
}

/*
 * Pre: [p, p + len) is the payload.  An XZ stream ends with the footer
 * magic "YZ"; if those two bytes come 4 bytes before the end, the last 4
 * are Linux's length trailer.
 */
static void bz_trailer(const u8 *p, size_t *len, u32 *recorded)
{
	*recorded = 0;
	if (*len < sizeof(bz_xz_magic) + BZ_TRAILER + 2 ||
	    memcmp(p, bz_xz_magic, sizeof(bz_xz_magic)) ||
	    p[*len - BZ_TRAILER - 2] != 'Y' || p[*len - BZ_TRAILER - 1] != 'Z')
		return;
	*recorded = le32(p + *len - BZ_TRAILER);
	*len -= BZ_TRAILER;
}

int bzimage_payload(const void *img, size_t len, const void **payload,
		    size_t *payload_len, u32 *uncompressed_hint,
		    const char **why)
{
	const u8 *p = img;
	u64 setup_len, pm_len, off, plen;
	u16 version;
	u32 recorded, init_size = 0;
	size_t n;

	if (!bzimage_probe(img, len))
		return *why = "not a bzImage (no 0xAA55 boot flag and "
			      "\"HdrS\" header)", -EINVAL;
	version = le16(p + BZ_VERSION);
	if (version < BZIMAGE_MIN_VERSION)
		return *why = "bzImage boot protocol older than 2.08 (no "
			      "payload fields)", -EINVAL;
	if (!(p[BZ_LOADFLAGS] & BZ_LOADED_HIGH))
		return *why = "zImage (not loaded high) unsupported", -EINVAL;

	setup_len = ((u64)(p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4) + 1) *
		    BZ_SECTOR;
	if (setup_len >= len)
		return *why = "bzImage setup_sects leaves no protected-mode "
			      "part", -EINVAL;
	pm_len = len - setup_len;
	/* syssize counts the protected-mode code; bytes after it (e.g. a
	 * signature) are not part of the kernel. */
	if (version >= BZ_VERSION_SYSSIZE32 && le32(p + BZ_SYSSIZE))
		pm_len = MIN(pm_len, (u64)le32(p + BZ_SYSSIZE) * 16);

	off = le32(p + BZ_PAYLOAD_OFFSET);
	plen = le32(p + BZ_PAYLOAD_LENGTH);
	if (!plen || off > pm_len || plen > pm_len - off)
		return *why = "bzImage payload lies outside the protected-mode "
			      "part", -EINVAL;

	n = plen;
	bz_trailer(p + setup_len + off, &n, &recorded);
	if (version >= BZ_VERSION_INIT_SIZE)
		init_size = le32(p + BZ_INIT_SIZE);

	*payload = p + setup_len + off;
	*payload_len = n;
	/* Without a recorded length, init_size bounds the memory image, and
	 * the ELF file exceeds that only by headers and alignment: allow a
	 * quarter more. */
	if (recorded)
		*uncompressed_hint = MAX(recorded, init_size);
	else
		*uncompressed_hint = MIN((u64)init_size + init_size / 4,
					 (u64)UINT32_MAX);
	return 0;
}
