/*
 * Non-atomic bitmap operations (see xen/bitmap.h).  Pure: also linked into
 * the host unit tests (tests/unit/test_bitmap.c).
 */
#include <xen/bitmap.h>
#include <xen/lib.h>

/* Words holding @nbits bits, without the overflow of BITS_TO_LONGS(). */
static unsigned int bitmap_words(unsigned int nbits)
{
	return nbits / BITS_PER_LONG + !!(nbits % BITS_PER_LONG);
}

/* Mask of the valid bits of word @idx of an @nbits bitmap. */
static unsigned long bitmap_word_mask(unsigned int idx, unsigned int nbits)
{
	if (idx + 1 < bitmap_words(nbits))
		return ~0UL;
	return BITMAP_LAST_WORD_MASK(nbits);
}

/*
 * Population count without __builtin_popcountl(): without -mpopcnt that
 * becomes a call into libgcc, which the hypervisor does not link.
 */
static unsigned int bitmap_hweight(unsigned long w)
{
	BUILD_BUG_ON(sizeof(w) != 8);
	w -= (w >> 1) & 0x5555555555555555UL;
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (w * 0x0101010101010101UL) >> 56;
}

/* First bit at or after @offset that is set in (word ^ @invert). */
static unsigned int bitmap_find(const unsigned long *addr, unsigned int nbits,
				unsigned int offset, unsigned long invert)
{
	unsigned int idx, nwords = bitmap_words(nbits);
	unsigned long word, bit;

	if (offset >= nbits)
		return nbits;
	idx = BIT_WORD(offset);
	word = (addr[idx] ^ invert) & (~0UL << (offset % BITS_PER_LONG));
	while (!word) {
		if (++idx >= nwords)
			return nbits;
		word = addr[idx] ^ invert;
	}
	/* ctz is a bsf/tzcnt instruction on x86-64: no libgcc call. */
	bit = (unsigned long)idx * BITS_PER_LONG + __builtin_ctzl(word);
	/* Bits past @nbits in the last word may match; they do not count. */
	return bit < nbits ? bit : nbits;
}

unsigned int find_next_bit(const unsigned long *addr, unsigned int nbits,
			   unsigned int offset)
{
	return bitmap_find(addr, nbits, offset, 0);
}

unsigned int find_next_zero_bit(const unsigned long *addr, unsigned int nbits,
				unsigned int offset)
{
	return bitmap_find(addr, nbits, offset, ~0UL);
}

unsigned int bitmap_weight(const unsigned long *addr, unsigned int nbits)
{
	unsigned int i, w = 0, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		w += bitmap_hweight(addr[i] & bitmap_word_mask(i, nbits));
	return w;
}

void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		dst[i] = 0;
}

void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		dst[i] = bitmap_word_mask(i, nbits);
}

void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		dst[i] = src[i] & bitmap_word_mask(i, nbits);
}

bool bitmap_and(unsigned long *dst, const unsigned long *a,
		const unsigned long *b, unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);
	unsigned long any = 0;

	for (i = 0; i < nwords; i++) {
		dst[i] = a[i] & b[i] & bitmap_word_mask(i, nbits);
		any |= dst[i];
	}
	return any;
}

void bitmap_or(unsigned long *dst, const unsigned long *a,
	       const unsigned long *b, unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		dst[i] = (a[i] | b[i]) & bitmap_word_mask(i, nbits);
}

bool bitmap_empty(const unsigned long *addr, unsigned int nbits)
{
	return find_first_bit(addr, nbits) == nbits;
}

bool bitmap_full(const unsigned long *addr, unsigned int nbits)
{
	return find_first_zero_bit(addr, nbits) == nbits;
}

bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned int nbits)
{
	unsigned int i, nwords = bitmap_words(nbits);

	for (i = 0; i < nwords; i++)
		if ((a[i] ^ b[i]) & bitmap_word_mask(i, nbits))
			return false;
	return true;
}
