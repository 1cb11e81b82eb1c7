/*
 * Rangesets: sets of u64 values stored as inclusive ranges [s, e], kept
 * sorted, disjoint and merged (no two ranges overlap or touch), so a set
 * has exactly one representation.  Used for e820 RAM tracking and I/O
 * port permissions.
 *
 * Unlike Xen's rangesets there is no allocator behind them: the caller
 * hands rangeset_init() an array of @cap ranges to live in.  An operation
 * that would need more than @cap ranges fails with -ENOSPC and leaves the
 * set unchanged.
 *
 * No locking: the owner serialises access (e.g. under the domain's lock).
 */
#ifndef XEN_RANGESET_H
#define XEN_RANGESET_H

#include <xen/types.h>

struct rangeset_range {
	u64 s, e;	/* inclusive, s <= e */
};

struct rangeset {
	struct rangeset_range *ranges;	/* [0, nr) sorted by s */
	unsigned int nr, cap;
};

void rangeset_init(struct rangeset *r, struct rangeset_range *storage,
		   unsigned int cap);
/* Empty the set. */
void rangeset_clear(struct rangeset *r);

/*
 * Add [s, e], merging with overlapping and adjacent ranges.  Returns 0,
 * -EINVAL if s > e, or -ENOSPC if it would need one more range than fits.
 */
int rangeset_add_range(struct rangeset *r, u64 s, u64 e);
/*
 * Remove [s, e] (parts not in the set are ignored), splitting a range in
 * two if [s, e] lies strictly inside it.  Returns 0, -EINVAL if s > e, or
 * -ENOSPC if the split needs a range that does not fit.
 */
int rangeset_remove_range(struct rangeset *r, u64 s, u64 e);

/* Is all of [s, e] in the set?  (false if s > e) */
bool rangeset_contains_range(const struct rangeset *r, u64 s, u64 e);
/* Is any of [s, e] in the set?  (false if s > e) */
bool rangeset_overlaps_range(const struct rangeset *r, u64 s, u64 e);

/*
 * Find the first gap at or after @x: *s is the lowest value >= x not in
 * the set and *e the last value of that gap.  Returns 0, or -ENOENT if
 * every value from x to UINT64_MAX is in the set.
 */
int rangeset_find_free(const struct rangeset *r, u64 x, u64 *s, u64 *e);

/* Number of (merged) ranges. */
static inline unsigned int rangeset_count(const struct rangeset *r)
{
	return r->nr;
}

static inline bool rangeset_is_empty(const struct rangeset *r)
{
	return r->nr == 0;
}

/*
 * Call @cb for the parts of the set's ranges that fall inside [s, e], in
 * increasing order, clipped to [s, e].  Stops at the first non-zero return
 * of @cb and returns it; otherwise returns 0.  @cb must not modify @r.
 * Use [0, UINT64_MAX] to visit the whole set.
 */
int rangeset_report_ranges(const struct rangeset *r, u64 s, u64 e,
			   int (*cb)(u64 s, u64 e, void *ctx), void *ctx);

static inline int rangeset_add_singleton(struct rangeset *r, u64 x)
{
	return rangeset_add_range(r, x, x);
}

static inline int rangeset_remove_singleton(struct rangeset *r, u64 x)
{
	return rangeset_remove_range(r, x, x);
}

static inline bool rangeset_contains_singleton(const struct rangeset *r,
					       u64 x)
{
	return rangeset_contains_range(r, x, x);
}

#endif
