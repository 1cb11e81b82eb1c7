/*
 * Boot kernel formats (pv/kernel_image.h).  Debian's vmlinuz is a bzImage
 * whose payload is an XZ stream (x86 BCJ + LZMA2, CRC32 check); the PVH
 * entry point is only in the ELF notes of the vmlinux inside, so the
 * payload is decompressed here, in the hypervisor, the way Xen's libxc
 * does it in the toolstack (docs/xen-abi.md §A.1).
 *
 * The output buffer is one block of the page allocator: physical memory
 * is identity mapped, so the block is directly usable, and single-call
 * XZ decoding needs the whole output contiguous (it is the dictionary).
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/time.h>
#include <xen/xz.h>
#include <pv/bzimage.h>
#include <pv/kernel_image.h>

/* "12.3" for a byte count in MiB, via printk's integer formats. */
#define MIB_WHOLE(b) ((unsigned long)((b) >> 20))
#define MIB_TENTH(b) ((unsigned long)((((b) & ((1UL << 20) - 1)) * 10) >> 20))

static int kernel_image_unxz(const void *payload, size_t plen, u32 hint,
			     void **scratch, unsigned int *scratch_order,
			     size_t *out_len, const char **why)
{
	unsigned int order;
	void *buf;
	int rc;

	if (!hint)
		return *why = "bzImage gives no decompressed size (no length "
			      "trailer, protocol < 2.10)", -EINVAL;
	if (hint > KERNEL_IMAGE_MAX_BYTES)
		return *why = "bzImage claims a decompressed kernel over "
			      "512 MiB", -EINVAL;
	order = page_alloc_order_of_bytes(hint);
	buf = alloc_pages(order);
	if (!buf)
		return *why = "no free contiguous memory block to decompress "
			      "the bzImage into (needs ~2x the vmlinux size "
			      "free; lower dom0_mem=?)", -ENOMEM;

	rc = xz_decode_buf(payload, plen, buf, PAGE_SIZE << order, out_len,
			   why);
	if (rc == -ENOSPC) {
		*why = "bzImage payload decompresses to more than the image "
		       "says (length trailer / init_size)";
		rc = -EINVAL;
	}
	if (rc) {
		free_pages(buf, order);
		return rc;
	}
	*scratch = buf;
	*scratch_order = order;
	return 0;
}

u64 kernel_image_scratch_bytes(const void *img, size_t len)
{
	const void *payload;
	const char *why;
	size_t plen;
	u32 hint;

	if (!bzimage_probe(img, len) ||
	    bzimage_payload(img, len, &payload, &plen, &hint, &why) || !hint ||
	    hint > KERNEL_IMAGE_MAX_BYTES)
		return 0;
	return (u64)PAGE_SIZE << page_alloc_order_of_bytes(hint);
}

int kernel_image_prepare(const void *img, size_t len, const void **elf,
			 size_t *elf_len, void **scratch,
			 unsigned int *scratch_order, const char **why)
{
	const void *payload;
	size_t plen, out_len;
	u32 hint;
	s_time_t t0;
	u16 ver;
	int rc;

	*elf = img;
	*elf_len = len;
	*scratch = NULL;
	*scratch_order = 0;
	if (!bzimage_probe(img, len))
		return 0;	/* an ELF, or garbage elf_parse() will name */

	rc = bzimage_payload(img, len, &payload, &plen, &hint, why);
	if (rc)
		return rc;
	if (!xz_is_stream(payload, plen))
		return *why = "bzImage payload is not XZ (gzip, zstd... are "
			      "not supported)", -EINVAL;

	t0 = NOW();
	rc = kernel_image_unxz(payload, plen, hint, scratch, scratch_order,
			       &out_len, why);
	if (rc)
		return rc;
	ver = bzimage_version(img);
	printk("bzImage v%u.%02u, XZ payload %lu.%lu MiB -> vmlinux %lu.%lu MiB "
	       "in %lu ms\n", ver >> 8, ver & 0xff,
	       MIB_WHOLE((u64)plen), MIB_TENTH((u64)plen),
	       MIB_WHOLE((u64)out_len), MIB_TENTH((u64)out_len),
	       (unsigned long)((NOW() - t0) / MILLISECS(1)));
	*elf = *scratch;
	*elf_len = out_len;
	return 0;
}
