/*
 * LZMA2: a sequence of chunks around LZMA (xz-file-format §5.3.1 for the
 * properties byte; chunk layout as XZ Utils and the LZMA SDK define it).
 * Each chunk starts with a control byte:
 *
 *   0x00                 end of the LZMA2 data
 *   0x01 U U             uncompressed chunk, dictionary reset
 *   0x02 U U             uncompressed chunk
 *   100uuuuu U U P P     LZMA chunk, no reset
 *   101uuuuu U U P P     LZMA chunk, state reset
 *   110uuuuu U U P P S   LZMA chunk, state reset, new properties S
 *   111uuuuu U U P P S   LZMA chunk, state reset, new properties,
 *                        dictionary reset
 *
 * U U (big endian, with the u bits above) is the uncompressed size - 1,
 * P P the compressed size - 1.  The first chunk must reset the dictionary,
 * and after a dictionary reset the next LZMA chunk must bring properties.
 * 0x03..0x7f are invalid.  A chunk produces at most 2 MiB and consumes at
 * most 64 KiB, and each one consumes at least three bytes, so the loop
 * below ends within in_len / 3 chunks.
 */
#include <xen/errno.h>
#include <xen/lib.h>

#include "xz_private.h"

#define LZMA2_DICT_PROP_MAX 40

/* Dictionary size from the filter properties byte (§5.3.1). */
static int lzma2_dict_size(u8 prop, u32 *size)
{
	if (prop > LZMA2_DICT_PROP_MAX)	/* also rejects reserved bits 6-7 */
		return -EINVAL;
	if (prop == LZMA2_DICT_PROP_MAX)
		*size = 0xffffffffu;
	else
		*size = (2u | (prop & 1)) << (prop / 2 + 11);
	return 0;
}

static inline u32 be16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

/* Uncompressed chunk of @len bytes at in[0..len). */
static int lzma2_copy(struct xz_lzma *s, const u8 *in, size_t len,
		      size_t out_end, const char **why)
{
	if (len > out_end - s->pos)
		return *why = "output buffer too small", -ENOSPC;
	memcpy(s->buf + s->pos, in, len);
	s->pos += len;
	return 0;
}

/* The LZMA chunk whose control byte is in[-1]; returns its total size
 * (header after the control byte + data) in *used. */
static int lzma2_lzma_chunk(struct xz_lzma *s, u8 ctrl, const u8 *in,
			    size_t avail, bool *need_props, size_t out_end,
			    size_t *used, const char **why)
{
	size_t hdr = ctrl >= 0xc0 ? 5 : 4, usize, csize;

	if (avail < hdr)
		return *why = "LZMA2 chunk header truncated", -EINVAL;
	usize = ((size_t)(ctrl & 0x1f) << 16) + be16(in) + 1;
	csize = be16(in + 2) + 1;
	if (ctrl >= 0xc0) {
		if (xz_lzma_set_props(s, in[4]))
			return *why = "LZMA2 chunk has invalid lc/lp/pb", -EINVAL;
		*need_props = false;
		xz_lzma_reset(s);
	} else if (*need_props) {
		return *why = "LZMA2 chunk lacks properties after a "
			      "dictionary reset", -EINVAL;
	} else if (ctrl >= 0xa0) {
		xz_lzma_reset(s);
	}
	if (csize > avail - hdr)
		return *why = "LZMA2 chunk data truncated", -EINVAL;
	if (usize > out_end - s->pos)
		return *why = "output buffer too small", -ENOSPC;
	*used = hdr + csize;
	return xz_lzma_chunk(s, in + hdr, csize, usize, why);
}

int xz_lzma2_decode(struct xz_lzma *s, u8 dict_prop, const u8 *in,
		    size_t in_len, size_t *in_used, u8 *out, size_t out_pos,
		    size_t out_end, size_t *out_done, const char **why)
{
	bool need_dict_reset = true, need_props = true;
	size_t ip = 0, used;
	u32 dict_size;
	int rc;

	if (lzma2_dict_size(dict_prop, &dict_size))
		return *why = "LZMA2 dictionary size invalid", -EINVAL;
	xz_lzma_dict_reset(s, out, out_pos, dict_size);

	for (;;) {
		u8 ctrl;

		if (ip >= in_len)
			return *why = "LZMA2 data truncated", -EINVAL;
		ctrl = in[ip++];
		if (ctrl == 0x00)
			break;
		if (ctrl == 0x01 || ctrl >= 0xe0) {
			xz_lzma_dict_reset(s, out, s->pos, dict_size);
			need_dict_reset = false;
			need_props = true;	/* 0xe0+ brings them itself */
		} else if (need_dict_reset) {
			return *why = "LZMA2 data does not start with a "
				      "dictionary reset", -EINVAL;
		}

		if (ctrl >= 0x80) {
			rc = lzma2_lzma_chunk(s, ctrl, in + ip, in_len - ip,
					      &need_props, out_end, &used, why);
		} else if (ctrl > 0x02) {
			return *why = "LZMA2 control byte invalid", -EINVAL;
		} else if (in_len - ip < 2) {
			return *why = "LZMA2 chunk header truncated", -EINVAL;
		} else {
			size_t len = be16(in + ip) + 1;

			if (len > in_len - ip - 2)
				return *why = "LZMA2 chunk data truncated",
				       -EINVAL;
			rc = lzma2_copy(s, in + ip + 2, len, out_end, why);
			used = 2 + len;
		}
		if (rc)
			return rc;
		ip += used;
	}
	*in_used = ip;
	*out_done = s->pos;
	return 0;
}
