/*
 * Rangesets in a caller-provided array (see xen/rangeset.h).
 *
 * Invariant, for 0 <= i < nr - 1:
 *	ranges[i].s <= ranges[i].e  and  ranges[i].e + 1 < ranges[i + 1].s
 * i.e. sorted, disjoint and never adjacent, so lookups are binary searches
 * and a covering range, if any, is a single entry.  Arithmetic avoids
 * e + 1 and s - 1 at the ends of the u64 space.
 *
 * Every update computes the final layout and checks it fits before moving
 * anything (validate, then commit), so -ENOSPC leaves the set untouched.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/rangeset.h>

void rangeset_init(struct rangeset *r, struct rangeset_range *storage,
		   unsigned int cap)
{
	r->ranges = storage;
	r->nr = 0;
	r->cap = cap;
}

void rangeset_clear(struct rangeset *r)
{
	r->nr = 0;
}

/* Index of the first range with e >= x, or nr. */
static unsigned int rangeset_first_ending_from(const struct rangeset *r,
					       u64 x)
{
	unsigned int lo = 0, hi = r->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (r->ranges[mid].e < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the first range at or after @from with s > x, or nr. */
static unsigned int rangeset_first_starting_after(const struct rangeset *r,
						  unsigned int from, u64 x)
{
	unsigned int lo = from, hi = r->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (r->ranges[mid].s <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Replace ranges [i, j) by the @n ranges in @with (0 <= n <= 2). */
static void rangeset_splice(struct rangeset *r, unsigned int i,
			    unsigned int j, const struct rangeset_range *with,
			    unsigned int n)
{
	memmove(&r->ranges[i + n], &r->ranges[j],
		(r->nr - j) * sizeof(r->ranges[0]));
	memcpy(&r->ranges[i], with, n * sizeof(r->ranges[0]));
	r->nr = r->nr - (j - i) + n;
}

int rangeset_add_range(struct rangeset *r, u64 s, u64 e)
{
	struct rangeset_range merged = { s, e };
	unsigned int i, j;

	if (s > e)
		return -EINVAL;
	/* Ranges [i, j) overlap or touch [s, e]: they merge into one. */
	i = rangeset_first_ending_from(r, s ? s - 1 : 0);
	j = e == UINT64_MAX ? r->nr : rangeset_first_starting_after(r, i, e + 1);
	if (i == j && r->nr == r->cap)
		return -ENOSPC;
	if (i < j) {
		merged.s = MIN(s, r->ranges[i].s);
		merged.e = MAX(e, r->ranges[j - 1].e);
	}
	rangeset_splice(r, i, j, &merged, 1);
	return 0;
}

int rangeset_remove_range(struct rangeset *r, u64 s, u64 e)
{
	struct rangeset_range keep[2];
	unsigned int i, j, n = 0;

	if (s > e)
		return -EINVAL;
	/* Ranges [i, j) overlap [s, e]; what sticks out either side stays. */
	i = rangeset_first_ending_from(r, s);
	j = rangeset_first_starting_after(r, i, e);
	if (i == j)
		return 0;
	if (r->ranges[i].s < s)
		keep[n++] = (struct rangeset_range){ r->ranges[i].s, s - 1 };
	if (r->ranges[j - 1].e > e)
		keep[n++] = (struct rangeset_range){ e + 1, r->ranges[j - 1].e };
	if (r->nr - (j - i) + n > r->cap)
		return -ENOSPC;
	rangeset_splice(r, i, j, keep, n);
	return 0;
}

bool rangeset_contains_range(const struct rangeset *r, u64 s, u64 e)
{
	unsigned int i = rangeset_first_ending_from(r, e);

	/* Ranges never touch, so only one range can cover [s, e]. */
	return s <= e && i < r->nr && r->ranges[i].s <= s;
}

bool rangeset_overlaps_range(const struct rangeset *r, u64 s, u64 e)
{
	unsigned int i = rangeset_first_ending_from(r, s);

	return s <= e && i < r->nr && r->ranges[i].s <= e;
}

int rangeset_find_free(const struct rangeset *r, u64 x, u64 *s, u64 *e)
{
	unsigned int i = rangeset_first_ending_from(r, x);

	if (i < r->nr && r->ranges[i].s <= x) {
		/* x is inside range i: the gap starts right after it. */
		if (r->ranges[i].e == UINT64_MAX)
			return -ENOENT;
		x = r->ranges[i].e + 1;
		i++;
	}
	*s = x;
	*e = i < r->nr ? r->ranges[i].s - 1 : UINT64_MAX;
	return 0;
}

int rangeset_report_ranges(const struct rangeset *r, u64 s, u64 e,
			   int (*cb)(u64 s, u64 e, void *ctx), void *ctx)
{
	unsigned int i;
	int rc = 0;

	if (s > e)
		return 0;
	for (i = rangeset_first_ending_from(r, s);
	     !rc && i < r->nr && r->ranges[i].s <= e; i++)
		rc = cb(MAX(s, r->ranges[i].s), MIN(e, r->ranges[i].e), ctx);
	return rc;
}
