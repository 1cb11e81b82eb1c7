/*
 * The x86 branch/call/jump filter (xz-file-format §5.3.2, filter ID 0x04),
 * decoding direction.
 *
 * The encoder turned the rel32 operand of likely CALL (E8) and JMP (E9)
 * instructions into an absolute address (operand + position of the next
 * instruction), which compresses better.  Which E8/E9 bytes it touched
 * depends on heuristics over the bytes around them, and the decoder must
 * repeat exactly the same choices (XZ Utils' simple/x86.c defines them):
 *
 *  - a candidate at i converts only if its operand's top byte, buf[i + 4],
 *    is 0x00 or 0xFF (a "near" displacement);
 *  - "mask" remembers E8/E9 bytes seen in the previous three positions
 *    that were *not* converted (bit 0 = last byte, shifted per byte); bit 4
 *    marks one rejected although its top byte was 0x00/0xFF.  Only the
 *    patterns in x86_allowed[] convert, and when an unconverted opcode
 *    byte lies inside this operand the value is adjusted until the byte it
 *    overlaps is no longer 0x00/0xFF (x86_overlap[] names that byte);
 *  - a converted instruction is skipped whole (5 bytes), and the last four
 *    bytes of a block are never candidates.
 *
 * Positions are 32-bit and wrap, as in the encoder.  The whole block is in
 * memory, so one pass over it equals the encoder's buffered passes.
 */
#include <xen/types.h>

#include "xz_private.h"

#define X86_INSN_LEN 5
/* In practice the adjustment loop runs at most twice: its first operand
 * byte is one the skipped opcode showed not to be 0x00/0xFF.  A hard bound
 * keeps hostile input from spinning; the block check then fails. */
#define X86_MAX_ROUNDS 8

static const bool x86_allowed[8] = { true, true, true, false,
				     true, false, false, false };
static const u8 x86_overlap[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };

static inline bool x86_near(u8 b)
{
	return b == 0x00 || b == 0xff;
}

static inline u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* Absolute target @src back to a displacement from @next (the address of
 * the following instruction). */
static u32 x86_unconvert(u32 src, u32 next, u32 mask)
{
	u32 dest = src - next;

	for (unsigned int n = 0; mask && n < X86_MAX_ROUNDS; n++) {
		unsigned int k = x86_overlap[(mask >> 1) & 7] * 8;

		if (!x86_near((u8)(dest >> (24 - k))))
			break;
		src = dest ^ ((1u << (32 - k)) - 1);
		dest = src - next;
	}
	return dest;
}

void xz_bcj_x86(u8 *buf, size_t len, u32 start)
{
	size_t i = 0, prev = 0;
	bool seen = false;
	u32 mask = 0;

	if (len < X86_INSN_LEN)
		return;
	while (i <= len - X86_INSN_LEN) {
		u8 top;

		if (buf[i] != 0xe8 && buf[i] != 0xe9) {
			i++;
			continue;
		}
		if (!seen || i - prev > 3) {
			mask = 0;
		} else {
			/* Age the history by the distance moved; bit 3 and
			 * bit 7 fall off (the byte is now outside the
			 * operand window). */
			for (size_t d = i - prev; d; d--)
				mask = (mask & 0x77) << 1;
		}
		prev = i;
		seen = true;

		top = buf[i + 4];
		if (x86_near(top) && x86_allowed[(mask >> 1) & 7] &&
		    (mask >> 1) < 0x10) {
			u32 dest = x86_unconvert(le32(buf + i + 1),
						 start + (u32)i + X86_INSN_LEN,
						 mask);

			buf[i + 1] = (u8)dest;
			buf[i + 2] = (u8)(dest >> 8);
			buf[i + 3] = (u8)(dest >> 16);
			/* Sign-extend bit 24: the top byte is 0x00 or 0xFF. */
			buf[i + 4] = (dest >> 24) & 1 ? 0xff : 0x00;
			i += X86_INSN_LEN;
			mask = 0;
		} else {
			i++;
			mask |= 1;
			if (x86_near(top))
				mask |= 0x10;
		}
	}
}
