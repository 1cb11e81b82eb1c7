/*
 * The .xz container (tukaani.org "The .xz File Format", sections cited
 * below): streams of header, blocks, index and footer, with optional
 * stream padding between and after them.
 *
 * Everything is validated as the spec requires of a decoder: magic bytes,
 * every CRC32 of the headers and the index, reserved bits and padding
 * bytes zero, block sizes against the block header, the index against
 * the blocks actually decoded (count, unpadded and uncompressed sizes),
 * the footer against the index and the header, and the check of every
 * block's data.  The input is untrusted: each read is bounded by the
 * input length and each write by the output capacity.
 */
#include <xen/errno.h>
#include <xen/lib.h>

#include <xen/xz.h>
#include "xz_private.h"

#define XZ_HDR_LEN	12	/* stream header and footer (§2.1.1, §2.1.2) */
#define XZ_VLI_MAX_LEN	9	/* §1.2 */
#define XZ_UNKNOWN	(~0ull)
#define XZ_FILTER_X86	0x04
#define XZ_FILTER_LZMA2	0x21

enum { XZ_CHECK_NONE = 0, XZ_CHECK_CRC32 = 1, XZ_CHECK_CRC64 = 4 };

static const u8 xz_magic[XZ_MAGIC_LEN] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
static const u8 xz_footer_magic[2] = { 'Y', 'Z' };

/* Far too big for a hypervisor stack (the literal coders alone are
 * 24 KiB); one decode at a time, guarded by xz_busy. */
static struct xz_lzma xz_lzma_state;
static int xz_busy;

struct xz_in {
	const u8 *buf;
	size_t len;
	size_t pos;
};

/* What one stream's blocks were, to compare with its index (§4.3). */
struct xz_stream {
	u8 flags[2];
	unsigned int check_len;
	u64 nr_blocks;
	u64 unpadded_sum, uncompressed_sum;
	u64 hash;		/* CRC-64 over the (unpadded, uncompressed) list */
};

struct xz_block {
	size_t hdr_len;
	u64 comp_size, uncomp_size;	/* XZ_UNKNOWN when absent */
	bool x86;
	u32 x86_start;
	u8 dict_prop;
};

static inline u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

bool xz_is_stream(const void *in, size_t in_len)
{
	return in_len >= XZ_MAGIC_LEN && !memcmp(in, xz_magic, XZ_MAGIC_LEN);
}

/* §1.2: at most nine bytes, no trailing 0x00 (the encoding is minimal);
 * reads only in->buf[in->pos, end). */
static int xz_vli(struct xz_in *in, size_t end, u64 *v)
{
	*v = 0;
	for (unsigned int i = 0; i < XZ_VLI_MAX_LEN; i++) {
		u8 b;

		if (in->pos >= end)
			return -EINVAL;
		b = in->buf[in->pos++];
		if (i && !b)
			return -EINVAL;
		*v |= (u64)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return 0;
	}
	return -EINVAL;
}

static void xz_hash_pair(u64 *hash, u64 unpadded, u64 uncompressed)
{
	u8 b[16];

	for (unsigned int i = 0; i < 8; i++) {
		b[i] = (u8)(unpadded >> (8 * i));
		b[8 + i] = (u8)(uncompressed >> (8 * i));
	}
	*hash = xz_crc64(b, sizeof(b), *hash);
}

/* §2.1.1: magic, CRC32 of the flags, then the flags themselves. */
static int xz_stream_header(struct xz_in *in, struct xz_stream *st,
			    const char **why)
{
	const u8 *h = in->buf + in->pos;
	unsigned int check;

	if (in->len - in->pos < XZ_HDR_LEN)
		return *why = "xz stream header truncated", -EINVAL;
	if (memcmp(h, xz_magic, XZ_MAGIC_LEN))
		return *why = "not an xz stream (bad magic)", -EINVAL;
	if (xz_crc32(h + 6, 2, 0) != le32(h + 8))
		return *why = "xz stream header CRC32 mismatch", -EINVAL;
	if (h[6] || (h[7] & 0xf0))
		return *why = "xz stream flags have reserved bits set", -EINVAL;
	check = h[7];
	if (check != XZ_CHECK_NONE && check != XZ_CHECK_CRC32 &&
	    check != XZ_CHECK_CRC64)
		return *why = "xz check type unsupported (only none, CRC32, "
			      "CRC64)", -EINVAL;
	memset(st, 0, sizeof(*st));
	st->flags[0] = h[6];
	st->flags[1] = h[7];
	st->check_len = check == XZ_CHECK_CRC64 ? 8 : check ? 4 : 0;
	in->pos += XZ_HDR_LEN;
	return 0;
}

/* One entry of the List of Filter Flags (§3.1.5). */
static int xz_filter(struct xz_in *h, size_t end, bool last,
		     struct xz_block *b, const char **why)
{
	u64 id, plen;

	if (xz_vli(h, end, &id) || xz_vli(h, end, &plen) ||
	    plen > end - h->pos)
		return *why = "xz block header: filter flags malformed", -EINVAL;
	if (last != (id == XZ_FILTER_LZMA2))
		return *why = "xz filter chain unsupported (only [x86 BCJ +] "
			      "LZMA2)", -EINVAL;
	if (id == XZ_FILTER_LZMA2) {
		if (plen != 1 || h->buf[h->pos] & 0xc0)
			return *why = "xz LZMA2 properties invalid", -EINVAL;
		b->dict_prop = h->buf[h->pos];
	} else if (id == XZ_FILTER_X86 && (plen == 0 || plen == 4)) {
		b->x86 = true;
		b->x86_start = plen ? le32(h->buf + h->pos) : 0;
	} else {
		return *why = "xz filter chain unsupported (only [x86 BCJ +] "
			      "LZMA2)", -EINVAL;
	}
	h->pos += plen;
	return 0;
}

/* §3.1: parse and verify the block header at in->pos, step past it. */
static int xz_block_header(struct xz_in *in, struct xz_block *b,
			   const char **why)
{
	const u8 *p = in->buf + in->pos;
	size_t len = ((size_t)p[0] + 1) * 4;
	struct xz_in h = { .buf = p, .len = len - 4, .pos = 2 };
	unsigned int nr_filters;

	if (len > in->len - in->pos)
		return *why = "xz block header truncated", -EINVAL;
	if (xz_crc32(p, len - 4, 0) != le32(p + len - 4))
		return *why = "xz block header CRC32 mismatch", -EINVAL;
	if (p[1] & 0x3c)
		return *why = "xz block flags have reserved bits set", -EINVAL;
	memset(b, 0, sizeof(*b));
	b->hdr_len = len;
	b->comp_size = b->uncomp_size = XZ_UNKNOWN;
	if ((p[1] & 0x40) && (xz_vli(&h, h.len, &b->comp_size) ||
			      !b->comp_size))
		return *why = "xz block header: compressed size malformed",
		       -EINVAL;
	if ((p[1] & 0x80) && xz_vli(&h, h.len, &b->uncomp_size))
		return *why = "xz block header: uncompressed size malformed",
		       -EINVAL;
	nr_filters = (p[1] & 3) + 1;
	if (nr_filters > 2)
		return *why = "xz filter chain unsupported (only [x86 BCJ +] "
			      "LZMA2)", -EINVAL;
	for (unsigned int i = 0; i < nr_filters; i++) {
		int rc = xz_filter(&h, h.len, i == nr_filters - 1, b, why);

		if (rc)
			return rc;
	}
	for (; h.pos < h.len; h.pos++)
		if (p[h.pos])
			return *why = "xz block header padding not zero", -EINVAL;
	in->pos += len;
	return 0;
}

/* §3.4: the check of out[0, len) against the stored value at in->pos. */
static int xz_check(struct xz_in *in, const struct xz_stream *st,
		    const u8 *out, size_t len, const char **why)
{
	const u8 *c = in->buf + in->pos;

	if (st->check_len > in->len - in->pos)
		return *why = "xz block check truncated", -EINVAL;
	if (st->check_len == 4 && xz_crc32(out, len, 0) != le32(c))
		return *why = "xz block CRC32 mismatch (corrupt data)", -EINVAL;
	if (st->check_len == 8 &&
	    xz_crc64(out, len, 0) != (le32(c) | (u64)le32(c + 4) << 32))
		return *why = "xz block CRC64 mismatch (corrupt data)", -EINVAL;
	in->pos += st->check_len;
	return 0;
}

/* Decode the LZMA2 data of block @b into out[*opos, limit). */
static int xz_block_data(struct xz_in *in, const struct xz_block *b,
			 u8 *out, size_t out_cap, size_t *opos,
			 size_t *used, const char **why)
{
	size_t avail = in->len - in->pos, limit = out_cap, end;
	int rc;

	if (b->comp_size != XZ_UNKNOWN) {
		if (b->comp_size > avail)
			return *why = "xz block data truncated", -EINVAL;
		avail = b->comp_size;
	}
	if (b->uncomp_size != XZ_UNKNOWN) {
		if (b->uncomp_size > out_cap - *opos)
			return *why = "output buffer too small", -ENOSPC;
		limit = *opos + b->uncomp_size;
	}
	rc = xz_lzma2_decode(&xz_lzma_state, b->dict_prop, in->buf + in->pos,
			     avail, used, out, *opos, limit, &end, why);
	if (rc == -ENOSPC && limit != out_cap)
		return *why = "xz block larger than its header says", -EINVAL;
	if (rc)
		return rc;
	if (b->comp_size != XZ_UNKNOWN && *used != b->comp_size)
		return *why = "xz block compressed size mismatch", -EINVAL;
	if (b->uncomp_size != XZ_UNKNOWN && end != limit)
		return *why = "xz block uncompressed size mismatch", -EINVAL;
	in->pos += *used;
	*opos = end;
	return 0;
}

/* §3: one block, at in->pos (not the index indicator). */
static int xz_block(struct xz_in *in, struct xz_stream *st, u8 *out,
		    size_t out_cap, size_t *opos, const char **why)
{
	size_t start = in->pos, ostart = *opos, used;
	struct xz_block b;
	u64 unpadded;
	int rc;

	rc = xz_block_header(in, &b, why);
	if (!rc)
		rc = xz_block_data(in, &b, out, out_cap, opos, &used, why);
	if (rc)
		return rc;
	if (b.x86)
		xz_bcj_x86(out + ostart, *opos - ostart, b.x86_start);
	/* §3.3: zero padding to a multiple of four. */
	while ((in->pos - start) & 3) {
		if (in->pos >= in->len)
			return *why = "xz block padding truncated", -EINVAL;
		if (in->buf[in->pos++])
			return *why = "xz block padding not zero", -EINVAL;
	}
	rc = xz_check(in, st, out + ostart, *opos - ostart, why);
	if (rc)
		return rc;
	unpadded = b.hdr_len + used + st->check_len;
	st->nr_blocks++;
	st->unpadded_sum += unpadded;
	st->uncompressed_sum += *opos - ostart;
	xz_hash_pair(&st->hash, unpadded, *opos - ostart);
	return 0;
}

/* §4: the index at in->pos (its indicator byte is 0x00, already seen);
 * its records must describe exactly the blocks decoded. */
static int xz_index(struct xz_in *in, const struct xz_stream *st,
		    size_t *index_len, const char **why)
{
	size_t start = in->pos;
	u64 n, unpadded, uncompressed, usum = 0, csum = 0, hash = 0;

	in->pos++;
	if (xz_vli(in, in->len, &n))
		return *why = "xz index malformed", -EINVAL;
	if (n != st->nr_blocks)
		return *why = "xz index block count mismatch", -EINVAL;
	/* n equals the blocks decoded, each at least 12 input bytes, so
	 * this loop is bounded by the input length. */
	for (u64 i = 0; i < n; i++) {
		if (xz_vli(in, in->len, &unpadded) ||
		    xz_vli(in, in->len, &uncompressed))
			return *why = "xz index malformed", -EINVAL;
		usum += unpadded;
		csum += uncompressed;
		xz_hash_pair(&hash, unpadded, uncompressed);
	}
	if (usum != st->unpadded_sum || csum != st->uncompressed_sum ||
	    hash != st->hash)
		return *why = "xz index does not match the blocks", -EINVAL;
	while ((in->pos - start) & 3) {
		if (in->pos >= in->len || in->buf[in->pos++])
			return *why = "xz index padding bad", -EINVAL;
	}
	if (in->len - in->pos < 4)
		return *why = "xz index truncated", -EINVAL;
	if (xz_crc32(in->buf + start, in->pos - start, 0) !=
	    le32(in->buf + in->pos))
		return *why = "xz index CRC32 mismatch", -EINVAL;
	in->pos += 4;
	*index_len = in->pos - start;
	return 0;
}

/* §2.1.2: the footer repeats the flags and gives the index size. */
static int xz_stream_footer(struct xz_in *in, const struct xz_stream *st,
			    size_t index_len, const char **why)
{
	const u8 *f = in->buf + in->pos;

	if (in->len - in->pos < XZ_HDR_LEN)
		return *why = "xz stream footer truncated", -EINVAL;
	if (memcmp(f + 10, xz_footer_magic, 2))
		return *why = "xz stream footer magic bad", -EINVAL;
	if (xz_crc32(f + 4, 6, 0) != le32(f))
		return *why = "xz stream footer CRC32 mismatch", -EINVAL;
	if (((u64)le32(f + 4) + 1) * 4 != index_len)
		return *why = "xz footer backward size does not match the "
			      "index", -EINVAL;
	if (memcmp(f + 8, st->flags, 2))
		return *why = "xz footer flags differ from the header",
		       -EINVAL;
	in->pos += XZ_HDR_LEN;
	return 0;
}

static int xz_stream(struct xz_in *in, u8 *out, size_t out_cap,
		     size_t *opos, const char **why)
{
	struct xz_stream st;
	size_t index_len;
	int rc = xz_stream_header(in, &st, why);

	/* Every block consumes input, so this ends. */
	while (!rc) {
		if (in->pos >= in->len)
			return *why = "xz stream truncated", -EINVAL;
		if (!in->buf[in->pos])
			break;
		rc = xz_block(in, &st, out, out_cap, opos, why);
	}
	if (!rc)
		rc = xz_index(in, &st, &index_len, why);
	if (!rc)
		rc = xz_stream_footer(in, &st, index_len, why);
	return rc;
}

/* §2: streams, each optionally followed by null padding in whole
 * multiples of four bytes. */
static int xz_decode_all(struct xz_in *in, u8 *out, size_t out_cap,
			 size_t *opos, const char **why)
{
	if (!in->len)
		return *why = "xz input empty", -EINVAL;
	for (;;) {
		int rc = xz_stream(in, out, out_cap, opos, why);

		if (rc)
			return rc;
		while (in->len - in->pos >= 4 && !le32(in->buf + in->pos))
			in->pos += 4;
		if (in->pos == in->len)
			return 0;
		if (!xz_is_stream(in->buf + in->pos, in->len - in->pos))
			return *why = "garbage after the xz stream", -EINVAL;
	}
}

int xz_decode_buf(const u8 *in, size_t in_len, u8 *out, size_t out_cap,
		  size_t *out_len, const char **why)
{
	struct xz_in i = { .buf = in, .len = in_len, .pos = 0 };
	size_t opos = 0;
	int rc;

	*out_len = 0;
	if (__atomic_exchange_n(&xz_busy, 1, __ATOMIC_ACQUIRE))
		return *why = "xz decoder busy", -EBUSY;
	xz_crc_init();
	rc = xz_decode_all(&i, out, out_cap, &opos, why);
	__atomic_store_n(&xz_busy, 0, __ATOMIC_RELEASE);
	if (!rc)
		*out_len = opos;
	return rc;
}
