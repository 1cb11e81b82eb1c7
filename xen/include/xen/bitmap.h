/*
 * Bitmaps over arrays of unsigned long, with Linux/Xen names and
 * semantics.  Bit n lives in word n / BITS_PER_LONG at position
 * n % BITS_PER_LONG.
 *
 * Everything here is NON-atomic: use it on bitmaps that no other CPU
 * writes concurrently (or under a lock).  Atomic set_bit()/clear_bit()
 * come from the arch code.
 *
 * The bitmap_*() and find_*() functions take the bitmap's size in bits
 * (@nbits) and never read or write past it; bits of the last word beyond
 * @nbits are ignored by the readers and left as zero by the writers.
 * The single-bit helpers trust the caller to pass nr < nbits.
 */
#ifndef XEN_BITMAP_H
#define XEN_BITMAP_H

#include <xen/types.h>

#define BITS_PER_LONG		(8 * (unsigned int)sizeof(unsigned long))
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define DECLARE_BITMAP(name, nbits) unsigned long name[BITS_TO_LONGS(nbits)]

#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
/* The valid bits of the last word of an @nbits bitmap (nbits > 0). */
#define BITMAP_LAST_WORD_MASK(nbits) \
	(~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

static inline void __set_bit(unsigned int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool test_bit(unsigned int nr, const unsigned long *addr)
{
	return addr[BIT_WORD(nr)] & BIT_MASK(nr);
}

/* Return the old value of bit @nr, then set (clear) it. */
static inline bool __test_and_set_bit(unsigned int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__set_bit(nr, addr);
	return old;
}

static inline bool __test_and_clear_bit(unsigned int nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__clear_bit(nr, addr);
	return old;
}

/*
 * Searches return the index of the first matching bit at or after
 * @offset, or @nbits if there is none (also when offset >= nbits).
 */
unsigned int find_next_bit(const unsigned long *addr, unsigned int nbits,
			   unsigned int offset);
unsigned int find_next_zero_bit(const unsigned long *addr, unsigned int nbits,
				unsigned int offset);

static inline unsigned int find_first_bit(const unsigned long *addr,
					  unsigned int nbits)
{
	return find_next_bit(addr, nbits, 0);
}

static inline unsigned int find_first_zero_bit(const unsigned long *addr,
					       unsigned int nbits)
{
	return find_next_zero_bit(addr, nbits, 0);
}

#define for_each_set_bit(bit, addr, nbits)				\
	for ((bit) = find_first_bit(addr, nbits); (bit) < (nbits);	\
	     (bit) = find_next_bit(addr, nbits, (bit) + 1))

/* Number of set bits among the first @nbits. */
unsigned int bitmap_weight(const unsigned long *addr, unsigned int nbits);

void bitmap_zero(unsigned long *dst, unsigned int nbits);
/* Set bits [0, nbits); the rest of the last word stays zero. */
void bitmap_fill(unsigned long *dst, unsigned int nbits);
void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned int nbits);
/* dst = a & b; returns whether any bit of the result is set. */
bool bitmap_and(unsigned long *dst, const unsigned long *a,
		const unsigned long *b, unsigned int nbits);
/* dst = a | b.  @dst may be @a or @b. */
void bitmap_or(unsigned long *dst, const unsigned long *a,
	       const unsigned long *b, unsigned int nbits);
bool bitmap_empty(const unsigned long *addr, unsigned int nbits);
bool bitmap_full(const unsigned long *addr, unsigned int nbits);
bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned int nbits);

#endif
