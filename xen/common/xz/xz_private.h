/*
 * Internal interfaces of the .xz decoder (xen/common/xz/): the checks,
 * the LZMA symbol decoder, the LZMA2 chunk layer and the x86 BCJ filter.
 * Only xen/common/xz/ and its unit test include this.
 *
 * Single-call design: the compressed data of a block is entirely in
 * memory, and the output buffer doubles as the LZMA dictionary - a match
 * copies from bytes already written to it.  Nothing here allocates.
 */
#ifndef XEN_COMMON_XZ_PRIVATE_H
#define XEN_COMMON_XZ_PRIVATE_H

#include <xen/types.h>

/* ---- Checks (xz-file-format §6) ------------------------------------- */

/* Build the lookup tables; idempotent.  Pre: called under the decoder's
 * busy flag (xz_decode_buf()), so no two builders race. */
void xz_crc_init(void);
/* CRC-32 (IEEE 802.3, reflected 0xEDB88320) continuing from @crc. */
u32 xz_crc32(const u8 *buf, size_t len, u32 crc);
/* CRC-64 (ECMA-182, reflected 0xC96C5795D7870F42) continuing from @crc. */
u64 xz_crc64(const u8 *buf, size_t len, u64 crc);

/* ---- LZMA (Igor Pavlov's LZMA specification, lzma-specification.txt) - */

#define LZMA_STATES		12	/* literal/match/rep history states */
#define LZMA_LIT_STATES		7	/* states below this: last was a literal */
#define LZMA_POS_STATES_MAX	16	/* 1 << pb, pb <= 4 */
#define LZMA_LEN_TO_DIST	4	/* distance slot trees, by match length */
#define LZMA_DIST_SLOTS		64
#define LZMA_DIST_MODEL_END	14	/* slots below use dist_special */
#define LZMA_FULL_DISTANCES	128	/* 1 << (LZMA_DIST_MODEL_END / 2) */
#define LZMA_ALIGN_BITS		4
#define LZMA_LITERAL_CODER	0x300	/* probabilities per literal coder */
#define LZMA2_LCLP_MAX		4	/* LZMA2 requires lc + lp <= 4 */

struct xz_lzma_len {
	u16 choice;			/* 0: low, 1: mid or high */
	u16 choice2;			/* 0: mid, 1: high */
	u16 low[LZMA_POS_STATES_MAX][8];	/* lengths 2..9 */
	u16 mid[LZMA_POS_STATES_MAX][8];	/* lengths 10..17 */
	u16 high[256];			/* lengths 18..273 */
};

/* Adaptive bit probabilities, 11-bit fixed point. */
struct xz_lzma_probs {
	u16 is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
	u16 is_rep[LZMA_STATES];
	u16 is_rep0[LZMA_STATES];
	u16 is_rep1[LZMA_STATES];
	u16 is_rep2[LZMA_STATES];
	u16 is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
	u16 dist_slot[LZMA_LEN_TO_DIST][LZMA_DIST_SLOTS];
	/* Reverse bit trees of slots 4..13, indexed from 1 as the trees are
	 * (entry 0 is unused); the last one ends at index 114. */
	u16 dist_special[LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END + 1];
	u16 dist_align[1 << LZMA_ALIGN_BITS];
	struct xz_lzma_len match_len;
	struct xz_lzma_len rep_len;
	u16 literal[LZMA_LITERAL_CODER << LZMA2_LCLP_MAX];
};

struct xz_lzma {
	/* Dictionary: buf[dict_start, pos) is valid history; a match may
	 * reach back at most min(pos - dict_start, dict_size) bytes. */
	u8 *buf;
	size_t dict_start;
	size_t pos;
	u32 dict_size;

	/* Model state; carried from chunk to chunk unless reset. */
	unsigned int state;
	u32 rep[4];			/* last four match distances - 1 */
	unsigned int lc, lp_mask, pb_mask;
	struct xz_lzma_probs p;
};

/* Start a new dictionary at buf[pos] (LZMA2 dictionary reset). */
void xz_lzma_dict_reset(struct xz_lzma *s, u8 *buf, size_t pos,
			u32 dict_size);
/* Take the lc/lp/pb properties byte; -EINVAL if out of range. */
int xz_lzma_set_props(struct xz_lzma *s, u8 props);
/* State reset: history state, distances and all probabilities. */
void xz_lzma_reset(struct xz_lzma *s);
/*
 * Decode one LZMA chunk: exactly @in_len compressed bytes (range coder
 * init included) into exactly @out_len bytes at s->buf + s->pos.
 * Pre: the caller checked that s->buf has room for @out_len more bytes.
 * Returns 0 or -EINVAL with *why set.
 */
int xz_lzma_chunk(struct xz_lzma *s, const u8 *in, size_t in_len,
		  size_t out_len, const char **why);

/* ---- LZMA2 (xz-file-format §5.3.1) ---------------------------------- */

/*
 * Decode one LZMA2 stream from [in, in + in_len) to out[out_pos, out_end);
 * @dict_prop is the filter's properties byte.  On success *in_used is the
 * number of input bytes up to and including the end marker and
 * *out_done the output position reached.  -ENOSPC if the data does not
 * fit before out_end, -EINVAL if malformed.
 */
int xz_lzma2_decode(struct xz_lzma *s, u8 dict_prop, const u8 *in,
		    size_t in_len, size_t *in_used, u8 *out, size_t out_pos,
		    size_t out_end, size_t *out_done, const char **why);

/* ---- Branch/call/jump filter (xz-file-format §5.3.2) ---------------- */

/* Undo the x86 BCJ filter in place on one block's output, whose first
 * byte had position @start (the filter's start offset property). */
void xz_bcj_x86(u8 *buf, size_t len, u32 start);

#endif
