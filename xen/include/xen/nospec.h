/*
 * Array indices a guest chose, clamped against speculation.
 *
 * A bounds check is a conditional branch, and a CPU may run ahead past a
 * mispredicted one: with an out-of-range index it loads from beyond the
 * array, and what that load touches can be recovered through the cache
 * (Spectre variant 1, "bounds check bypass").  So after checking a
 * guest-supplied index architecturally, use
 *
 *	if (idx >= size)
 *		return -EINVAL;
 *	idx = array_index_nospec(idx, size);
 *	... array[idx] ...
 *
 * array_index_nospec() is @idx when idx < size and 0 otherwise, computed
 * with data flow only (a compare and a subtract-with-borrow), no branch,
 * so it holds on the speculative path too: the worst a mispredicted path
 * can read is element 0.  The mask comes out of an asm statement, so the
 * compiler can neither see that the check above makes it all-ones nor
 * turn it back into a branch.
 */
#ifndef XEN_NOSPEC_H
#define XEN_NOSPEC_H

#include <xen/types.h>

/* ~0UL if @idx < @size (unsigned), else 0.  CMP computes idx - size and
 * leaves CF set exactly when that borrows; SBB of a register from itself
 * then gives 0 - CF. */
static inline unsigned long array_index_mask_nospec(unsigned long idx,
						    unsigned long size)
{
	unsigned long mask;

	asm volatile("cmp %[size], %[idx]\n\t"
		     "sbb %[mask], %[mask]"
		     : [mask] "=r"(mask)
		     : [size] "re"(size), [idx] "r"(idx)
		     : "cc");
	return mask;
}

/* @idx if @idx < @size, else 0, in @idx's type (see above).  A negative
 * signed index is out of range. */
#define array_index_nospec(idx, size) ({				\
	__typeof__(idx) _nospec_i = (idx);				\
	unsigned long _nospec_m =					\
		array_index_mask_nospec((unsigned long)_nospec_i,	\
					(unsigned long)(size));		\
	(__typeof__(idx))((unsigned long)_nospec_i & _nospec_m);	\
})

#endif
