/*
 * Single-call .xz decoder (tukaani.org "The .xz File Format" 1.0.4+):
 * the whole compressed input and the whole output buffer are given at
 * once, so the output buffer itself is the LZMA2 dictionary and no
 * allocation is needed.  Used to unpack the XZ payload of a Linux bzImage
 * (docs/xen-abi.md §A.1), which the domain builder treats as untrusted.
 *
 * Supported: concatenated streams with stream padding; blocks whose
 * filter chain is LZMA2 alone or x86 BCJ + LZMA2; checks None, CRC32 and
 * CRC64.  SHA-256, the other BCJ filters and Delta are rejected.
 */
#ifndef XEN_COMMON_XZ_H
#define XEN_COMMON_XZ_H

#include <xen/types.h>

/* The six-byte stream header magic ({ 0xFD, '7', 'z', 'X', 'Z', 0 }). */
#define XZ_MAGIC_LEN 6
bool xz_is_stream(const void *in, size_t in_len);

/*
 * Decode the .xz file [in, in + in_len) into [out, out + out_cap).
 * Every length field is checked against the input and output bounds, so
 * nothing outside the two buffers is read or written, whatever the input.
 * Work is bounded: each step consumes input or produces output.
 *
 * Returns 0 with *out_len = bytes produced, or
 *   -EINVAL  malformed, corrupt or unsupported input,
 *   -ENOSPC  the output does not fit in out_cap bytes,
 *   -EBUSY   another call is in progress (the decoder state is static),
 * with *why set to a one-line reason.  On error the contents of out are
 * unspecified and *out_len is 0.
 */
int xz_decode_buf(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
		  size_t *out_len, const char **why);

#endif
