/*
 * LZMA symbol decoder for LZMA2 chunks (single-call: the dictionary is
 * the output buffer).
 *
 * A binary range decoder with adaptive 11-bit probabilities drives an
 * LZ77 model: each symbol is a literal byte, a match (length + new
 * distance) or a "rep" match reusing one of the last four distances.
 * Facts from the LZMA specification (lzma-specification.txt in the LZMA
 * SDK) and the LZMA2 rules of XZ Utils:
 *  - the range decoder starts with a zero byte and four code bytes, and
 *    renormalises (one input byte) whenever range drops below 2^24, before
 *    decoding a bit;
 *  - an LZMA2 chunk ends exactly at its compressed size (after a final
 *    renormalisation) with code == 0, no end-of-payload marker, and no
 *    match running past the chunk;
 *  - positions for the pb/lp context bits count from the last dictionary
 *    reset.
 *
 * Hostile input: every distance is checked against the valid history
 * before a copy, every length against the chunk's output size, and the
 * range decoder reads nothing past the chunk (it feeds zeros and flags an
 * overrun, checked once per symbol).  Each symbol produces at least one
 * byte, so a chunk takes at most out_len iterations.
 */
#include <xen/errno.h>
#include <xen/lib.h>

#include "xz_private.h"

#define RC_TOP		(1u << 24)
#define RC_PROB_BITS	11
#define RC_PROB_ONE	(1u << RC_PROB_BITS)
#define RC_MOVE_BITS	5
#define RC_INIT_BYTES	5
#define LZMA_MATCH_MIN	2

/* The symbol decoders are small and called from one loop; inlining them
 * lets the compiler keep struct lzma_run in registers, which matters most
 * under emulation (every memory access is a software TLB lookup). */
#define lzma_inline static inline __attribute__((always_inline))

/*
 * Everything the symbol loop changes, copied out of struct xz_lzma for one
 * chunk: the range decoder, the dictionary window and the model state.
 * A local whose address never escapes the inlined helpers, so writes to
 * the output (u8, which may alias anything) do not force it to memory.
 */
struct lzma_run {
	const u8 *in;
	size_t in_pos, in_end;
	u32 range, code;
	bool overrun;

	u8 *buf;
	size_t start;		/* dictionary start (last reset) */
	size_t pos;		/* next output byte */
	size_t end;		/* end of this chunk's output */
	size_t dict_size;
	unsigned int state;
	u32 rep0, rep1, rep2, rep3;
};

lzma_inline void rc_normalize(struct lzma_run *r)
{
	if (r->range >= RC_TOP)
		return;
	r->range <<= 8;
	r->code <<= 8;
	if (likely(r->in_pos < r->in_end))
		r->code |= r->in[r->in_pos++];
	else
		r->overrun = true;
}

lzma_inline unsigned int rc_bit(struct lzma_run *r, u16 *prob)
{
	u32 bound;

	rc_normalize(r);
	bound = (r->range >> RC_PROB_BITS) * *prob;
	if (r->code < bound) {
		r->range = bound;
		*prob += (RC_PROB_ONE - *prob) >> RC_MOVE_BITS;
		return 0;
	}
	r->range -= bound;
	r->code -= bound;
	*prob -= *prob >> RC_MOVE_BITS;
	return 1;
}

/* @bits bits, most significant first, through the tree probs[1 .. 2^bits). */
lzma_inline u32 rc_tree(struct lzma_run *r, u16 *probs, unsigned int bits)
{
	u32 m = 1;

	for (unsigned int i = 0; i < bits; i++)
		m = (m << 1) | rc_bit(r, &probs[m]);
	return m - (1u << bits);
}

/* The same tree, but the value is read least significant bit first. */
lzma_inline u32 rc_tree_rev(struct lzma_run *r, u16 *probs,
			    unsigned int bits)
{
	u32 m = 1, v = 0;

	for (unsigned int i = 0; i < bits; i++) {
		unsigned int b = rc_bit(r, &probs[m]);

		m = (m << 1) | b;
		v |= b << i;
	}
	return v;
}

/* Bits with probability 1/2, no model. */
lzma_inline u32 rc_direct(struct lzma_run *r, unsigned int bits)
{
	u32 v = 0;

	while (bits--) {
		rc_normalize(r);
		r->range >>= 1;
		v <<= 1;
		if (r->code >= r->range) {
			r->code -= r->range;
			v |= 1;
		}
	}
	return v;
}

static void probs_init(u16 *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = RC_PROB_ONE / 2;
}

void xz_lzma_dict_reset(struct xz_lzma *s, u8 *buf, size_t pos,
			u32 dict_size)
{
	s->buf = buf;
	s->dict_start = pos;
	s->pos = pos;
	s->dict_size = dict_size;
}

int xz_lzma_set_props(struct xz_lzma *s, u8 props)
{
	unsigned int lc, lp, pb;

	/* props = (pb * 5 + lp) * 9 + lc */
	if (props >= 9 * 5 * 5)
		return -EINVAL;
	lc = props % 9;
	lp = (props / 9) % 5;
	pb = props / 45;
	if (lc + lp > LZMA2_LCLP_MAX)
		return -EINVAL;
	s->lc = lc;
	s->lp_mask = (1u << lp) - 1;
	s->pb_mask = (1u << pb) - 1;
	return 0;
}

void xz_lzma_reset(struct xz_lzma *s)
{
	s->state = 0;
	s->rep[0] = s->rep[1] = s->rep[2] = s->rep[3] = 0;
	probs_init((u16 *)&s->p, sizeof(s->p) / sizeof(u16));
}

lzma_inline void lzma_literal(struct xz_lzma *s, struct lzma_run *r)
{
	size_t dpos = r->pos - r->start;
	u32 prev = dpos ? r->buf[r->pos - 1] : 0;
	u16 *probs = s->p.literal + LZMA_LITERAL_CODER *
		(((dpos & s->lp_mask) << s->lc) + (prev >> (8 - s->lc)));
	u32 sym = 1;

	if (r->state >= LZMA_LIT_STATES) {
		/* After a match the byte at rep0 predicts this one, until the
		 * first bit that differs.  rep0 was checked against the
		 * history when it was set, and the history only grew since. */
		u32 match;

		BUG_ON(r->rep0 >= dpos);
		match = r->buf[r->pos - r->rep0 - 1];
		while (sym < 0x100) {
			u32 mbit = (match >> 7) & 1;
			unsigned int b;

			match <<= 1;
			b = rc_bit(r, &probs[((1 + mbit) << 8) + sym]);
			sym = (sym << 1) | b;
			if (b != mbit)
				break;
		}
	}
	while (sym < 0x100)
		sym = (sym << 1) | rc_bit(r, &probs[sym]);
	r->buf[r->pos++] = (u8)sym;

	if (r->state < 4)
		r->state = 0;
	else if (r->state < 10)
		r->state -= 3;
	else
		r->state -= 6;
}

lzma_inline u32 lzma_len(struct lzma_run *r, struct xz_lzma_len *l,
			 u32 pos_state)
{
	if (!rc_bit(r, &l->choice))
		return LZMA_MATCH_MIN + rc_tree(r, l->low[pos_state], 3);
	if (!rc_bit(r, &l->choice2))
		return LZMA_MATCH_MIN + 8 + rc_tree(r, l->mid[pos_state], 3);
	return LZMA_MATCH_MIN + 16 + rc_tree(r, l->high, 8);
}

/* Copy @len bytes from distance rep0 + 1; the bounds are checked here. */
lzma_inline int lzma_copy(struct lzma_run *r, u32 len, const char **why)
{
	size_t avail = MIN(r->pos - r->start, r->dict_size);
	u8 *dst;
	const u8 *src;

	if (r->rep0 >= avail)
		return *why = "LZMA match distance reaches before the dictionary",
		       -EINVAL;
	if (len > r->end - r->pos)
		return *why = "LZMA match runs past the end of its chunk", -EINVAL;
	dst = r->buf + r->pos;
	src = dst - r->rep0 - 1;
	/* Byte by byte: source and destination overlap when rep0 < len. */
	for (u32 i = 0; i < len; i++)
		dst[i] = src[i];
	r->pos += len;
	return 0;
}

lzma_inline u32 lzma_distance(struct xz_lzma *s, struct lzma_run *r, u32 len)
{
	u32 slot = rc_tree(r, s->p.dist_slot[MIN(len - LZMA_MATCH_MIN,
						LZMA_LEN_TO_DIST - 1)], 6);
	unsigned int bits;
	u32 dist;

	if (slot < 4)
		return slot;
	bits = (slot >> 1) - 1;
	dist = (2 | (slot & 1)) << bits;
	if (slot < LZMA_DIST_MODEL_END)
		return dist + rc_tree_rev(r, s->p.dist_special + dist - slot,
					  bits);
	dist += rc_direct(r, bits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
	return dist + rc_tree_rev(r, s->p.dist_align, LZMA_ALIGN_BITS);
}

lzma_inline int lzma_match(struct xz_lzma *s, struct lzma_run *r,
			   u32 pos_state, const char **why)
{
	u32 len;

	r->state = r->state < LZMA_LIT_STATES ? 7 : 10;
	len = lzma_len(r, &s->p.match_len, pos_state);
	r->rep3 = r->rep2;
	r->rep2 = r->rep1;
	r->rep1 = r->rep0;
	/* 0xFFFFFFFF would be LZMA's end marker, which LZMA2 never uses;
	 * lzma_copy() rejects it like any other distance out of range. */
	r->rep0 = lzma_distance(s, r, len);
	return lzma_copy(r, len, why);
}

lzma_inline int lzma_rep(struct xz_lzma *s, struct lzma_run *r,
			 u32 pos_state, const char **why)
{
	unsigned int st = r->state;
	u32 dist;

	if (!rc_bit(r, &s->p.is_rep0[st])) {
		if (!rc_bit(r, &s->p.is_rep0_long[st][pos_state])) {
			/* "Short rep": one byte from distance rep0. */
			r->state = st < LZMA_LIT_STATES ? 9 : 11;
			return lzma_copy(r, 1, why);
		}
	} else {
		if (!rc_bit(r, &s->p.is_rep1[st])) {
			dist = r->rep1;
		} else {
			if (!rc_bit(r, &s->p.is_rep2[st])) {
				dist = r->rep2;
			} else {
				dist = r->rep3;
				r->rep3 = r->rep2;
			}
			r->rep2 = r->rep1;
		}
		r->rep1 = r->rep0;
		r->rep0 = dist;
	}
	r->state = st < LZMA_LIT_STATES ? 8 : 11;
	return lzma_copy(r, lzma_len(r, &s->p.rep_len, pos_state), why);
}

static int lzma_symbols(struct xz_lzma *s, struct lzma_run *r,
			const char **why)
{
	while (r->pos < r->end) {
		u32 pos_state = (r->pos - r->start) & s->pb_mask;
		int err = 0;

		if (!rc_bit(r, &s->p.is_match[r->state][pos_state]))
			lzma_literal(s, r);
		else if (!rc_bit(r, &s->p.is_rep[r->state]))
			err = lzma_match(s, r, pos_state, why);
		else
			err = lzma_rep(s, r, pos_state, why);
		if (unlikely(err))
			return err;
		if (unlikely(r->overrun))
			return *why = "LZMA chunk needs more input than its "
				      "compressed size", -EINVAL;
	}
	/* The encoder flushed exactly: after a last renormalisation all
	 * input is used and code is back at 0. */
	rc_normalize(r);
	if (r->overrun || r->in_pos != r->in_end || r->code != 0)
		return *why = "LZMA chunk does not end where its size says",
		       -EINVAL;
	return 0;
}

int xz_lzma_chunk(struct xz_lzma *s, const u8 *in, size_t in_len,
		  size_t out_len, const char **why)
{
	struct lzma_run r = {
		.in = in, .in_pos = RC_INIT_BYTES, .in_end = in_len,
		.range = ~0u, .buf = s->buf, .start = s->dict_start,
		.pos = s->pos, .end = s->pos + out_len,
		.dict_size = s->dict_size, .state = s->state,
		.rep0 = s->rep[0], .rep1 = s->rep[1], .rep2 = s->rep[2],
		.rep3 = s->rep[3],
	};
	int rc;

	if (in_len < RC_INIT_BYTES || in[0] != 0)
		return *why = "LZMA chunk has a bad range coder header", -EINVAL;
	r.code = (u32)in[1] << 24 | (u32)in[2] << 16 | (u32)in[3] << 8 | in[4];

	rc = lzma_symbols(s, &r, why);
	s->pos = r.pos;
	s->state = r.state;
	s->rep[0] = r.rep0;
	s->rep[1] = r.rep1;
	s->rep[2] = r.rep2;
	s->rep[3] = r.rep3;
	return rc;
}
