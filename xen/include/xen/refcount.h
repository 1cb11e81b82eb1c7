/*
 * Reference counts: the one lifetime rule of the hypervisor
 * (docs/architecture.md, "Object lifetimes").
 *
 * An object that others may reach (a domain, a domain's memory frame)
 * carries a count of the references to it.  Whoever finds the object
 * through a lookup gets a reference and drops it when done; the object is
 * released exactly once, by whoever drops the last reference.  A count
 * never goes from 0 back up: ref_get_live() refuses a dead object, and
 * ref_get() is for holders that already own a reference (so the count
 * cannot be 0).  Counts saturate well below 2^32: a get that would pass
 * REF_MAX fails instead, so no guest can wrap a count by mapping one
 * frame billions of times.
 */
#ifndef XEN_REFCOUNT_H
#define XEN_REFCOUNT_H

#include <xen/lib.h>
#include <xen/types.h>

#define REF_MAX (1U << 30)

/* Another reference to an object the caller already holds one on.
 * False (nothing taken) if the count is saturated. */
static inline bool ref_get(u32 *count)
{
	u32 old = __atomic_load_n(count, __ATOMIC_RELAXED);

	do {
		BUG_ON(!old);
		if (old >= REF_MAX)
			return false;
	} while (!__atomic_compare_exchange_n(count, &old, old + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* A reference to an object found without one (a lookup under the lock
 * of the structure that lists it): fails once the count reached 0. */
static inline bool ref_get_live(u32 *count)
{
	u32 old = __atomic_load_n(count, __ATOMIC_RELAXED);

	do {
		if (!old || old >= REF_MAX)
			return false;
	} while (!__atomic_compare_exchange_n(count, &old, old + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

/* Drop a reference; true for the one caller that dropped the last. */
static inline bool ref_put(u32 *count)
{
	u32 old = __atomic_fetch_sub(count, 1, __ATOMIC_ACQ_REL);

	BUG_ON(!old);
	return old == 1;
}

static inline u32 ref_read(const u32 *count)
{
	return __atomic_load_n(count, __ATOMIC_RELAXED);
}

#endif
