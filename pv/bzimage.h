/*
 * Linux x86 bzImage (Documentation/x86/boot.rst, "The Linux/x86 Boot
 * Protocol"): find the compressed kernel inside it.  A PVH loader cannot
 * run the bzImage's own decompressor - the PVH entry point lives only in
 * the ELF notes of the embedded vmlinux (docs/xen-abi.md §A.1) - so it
 * takes the payload, decompresses it and loads that ELF.
 *
 * Pure: reads only the image it is given (tests/unit/test_bzimage.c).
 */
#ifndef PV_BZIMAGE_H
#define PV_BZIMAGE_H

#include <xen/types.h>

/* Protocol 2.08 added payload_offset/payload_length (boot.rst). */
#define BZIMAGE_MIN_VERSION 0x0208

/* Does @img start like a bzImage (boot flag and "HdrS")?  Cheap sniff for
 * format dispatch; bzimage_payload() does the real validation. */
bool bzimage_probe(const void *img, size_t len);

/*
 * Validate the setup header of the bzImage [img, img + len) and return its
 * compressed payload: *payload and *payload_len lie inside the protected-mode
 * part of the image.  Linux appends the decompressed length as a 4-byte
 * little-endian trailer to every payload that has no length of its own
 * (arch/x86/boot/compressed/Makefile, size_append; mkpiggy.c reads it
 * back); for an XZ payload that trailer is stripped, so the result is
 * exactly the .xz stream.
 *
 * *uncompressed_hint is a size for the decompression buffer: the larger of
 * that recorded length and init_size (protocol 2.10+: the memory the
 * kernel needs from its load address on), or init_size plus a quarter if
 * there is no recorded length; 0 if neither is known.  It comes from the
 * untrusted image: the decompressor must still bound its output by the
 * buffer it is given.
 *
 * Returns 0, or -EINVAL with *why set.
 */
int bzimage_payload(const void *img, size_t len, const void **payload,
		    size_t *payload_len, u32 *uncompressed_hint,
		    const char **why);

/* Boot protocol version (e.g. 0x020f) of an image bzimage_payload()
 * accepted, for logs. */
u16 bzimage_version(const void *img);

#endif
