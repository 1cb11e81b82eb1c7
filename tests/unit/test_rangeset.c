/* Host tests of rangesets (xen/common/rangeset.c). */
#include <string.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/rangeset.h>
#include "unit.h"

#define U64_MAX UINT64_MAX

/* The sorted, disjoint, non-adjacent invariant. */
static bool invariant_ok(const struct rangeset *r)
{
	if (r->nr > r->cap)
		return false;
	for (unsigned int i = 0; i < r->nr; i++) {
		if (r->ranges[i].s > r->ranges[i].e)
			return false;
		if (i + 1 < r->nr && r->ranges[i].e + 1 >= r->ranges[i + 1].s)
			return false;
	}
	return true;
}

/* Does @r hold exactly the ranges listed as s0, e0, s1, e1, ...? */
static bool holds(const struct rangeset *r, unsigned int n, const u64 *se)
{
	if (!invariant_ok(r) || r->nr != n)
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (r->ranges[i].s != se[2 * i] || r->ranges[i].e != se[2 * i + 1])
			return false;
	return true;
}
#define HOLDS(r, ...) \
	holds(r, sizeof((u64[]){ __VA_ARGS__ }) / sizeof(u64) / 2, \
	      (u64[]){ __VA_ARGS__ })

TEST(test_add_merge)
{
	struct rangeset_range st[8];
	struct rangeset r;

	rangeset_init(&r, st, ARRAY_SIZE(st));
	CHECK(rangeset_is_empty(&r));
	CHECK_EQ(rangeset_add_range(&r, 10, 19), 0);
	CHECK_EQ(rangeset_add_range(&r, 30, 39), 0);
	CHECK_EQ(rangeset_add_range(&r, 0, 4), 0);
	CHECK(HOLDS(&r, 0, 4, 10, 19, 30, 39));
	CHECK_EQ(rangeset_count(&r), 3);

	CHECK_EQ(rangeset_add_range(&r, 5, 5), 0);	/* touches left */
	CHECK(HOLDS(&r, 0, 5, 10, 19, 30, 39));
	CHECK_EQ(rangeset_add_range(&r, 20, 29), 0);	/* bridges two */
	CHECK(HOLDS(&r, 0, 5, 10, 39));
	CHECK_EQ(rangeset_add_range(&r, 12, 15), 0);	/* inside */
	CHECK(HOLDS(&r, 0, 5, 10, 39));
	CHECK_EQ(rangeset_add_range(&r, 7, 8), 0);	/* gap of one each side */
	CHECK(HOLDS(&r, 0, 5, 7, 8, 10, 39));
	CHECK_EQ(rangeset_add_range(&r, 3, 45), 0);	/* swallows all */
	CHECK(HOLDS(&r, 0, 45));
	CHECK_EQ(rangeset_add_singleton(&r, 46), 0);
	CHECK(HOLDS(&r, 0, 46));
	CHECK_EQ(rangeset_add_range(&r, 9, 8), -EINVAL);
	CHECK(HOLDS(&r, 0, 46));

	/* The ends of the u64 space. */
	CHECK_EQ(rangeset_add_range(&r, U64_MAX, U64_MAX), 0);
	CHECK(HOLDS(&r, 0, 46, U64_MAX, U64_MAX));
	CHECK_EQ(rangeset_add_range(&r, U64_MAX - 5, U64_MAX - 1), 0);
	CHECK(HOLDS(&r, 0, 46, U64_MAX - 5, U64_MAX));
	CHECK_EQ(rangeset_add_range(&r, 47, U64_MAX - 6), 0);
	CHECK(HOLDS(&r, 0, U64_MAX));
	CHECK(rangeset_contains_range(&r, 0, U64_MAX));

	rangeset_clear(&r);
	CHECK(rangeset_is_empty(&r));
	CHECK_EQ(rangeset_add_range(&r, 0, U64_MAX), 0);
	CHECK(HOLDS(&r, 0, U64_MAX));
}

TEST(test_remove_split)
{
	struct rangeset_range st[3];
	struct rangeset r;

	rangeset_init(&r, st, ARRAY_SIZE(st));
	CHECK_EQ(rangeset_add_range(&r, 0, 99), 0);
	CHECK_EQ(rangeset_remove_range(&r, 40, 59), 0);		/* split */
	CHECK(HOLDS(&r, 0, 39, 60, 99));
	CHECK_EQ(rangeset_remove_range(&r, 0, 0), 0);		/* first */
	CHECK_EQ(rangeset_remove_singleton(&r, 99), 0);		/* last */
	CHECK(HOLDS(&r, 1, 39, 60, 98));
	CHECK_EQ(rangeset_remove_range(&r, 40, 59), 0);		/* nothing */
	CHECK(HOLDS(&r, 1, 39, 60, 98));
	CHECK_EQ(rangeset_remove_range(&r, 30, 70), 0);		/* spans gap */
	CHECK(HOLDS(&r, 1, 29, 71, 98));
	CHECK_EQ(rangeset_remove_range(&r, 10, 10), 0);
	CHECK(HOLDS(&r, 1, 9, 11, 29, 71, 98));

	/* Full: a split needs a 4th range and must change nothing. */
	CHECK_EQ(rangeset_remove_range(&r, 80, 80), -ENOSPC);
	CHECK(HOLDS(&r, 1, 9, 11, 29, 71, 98));
	CHECK_EQ(rangeset_add_range(&r, 50, 50), -ENOSPC);
	CHECK(HOLDS(&r, 1, 9, 11, 29, 71, 98));
	/* ...but trimming and merging need no room. */
	CHECK_EQ(rangeset_remove_range(&r, 71, 80), 0);
	CHECK_EQ(rangeset_add_range(&r, 30, 30), 0);
	CHECK(HOLDS(&r, 1, 9, 11, 30, 81, 98));
	CHECK_EQ(rangeset_remove_range(&r, 5, 90), 0);		/* several */
	CHECK(HOLDS(&r, 1, 4, 91, 98));
	CHECK_EQ(rangeset_remove_range(&r, 9, 3), -EINVAL);
	CHECK_EQ(rangeset_remove_range(&r, 0, U64_MAX), 0);
	CHECK(rangeset_is_empty(&r));

	CHECK_EQ(rangeset_add_range(&r, 0, U64_MAX), 0);
	CHECK_EQ(rangeset_remove_range(&r, U64_MAX, U64_MAX), 0);
	CHECK_EQ(rangeset_remove_range(&r, 0, 0), 0);
	CHECK(HOLDS(&r, 1, U64_MAX - 1));
	CHECK_EQ(rangeset_remove_range(&r, 1, U64_MAX - 2), 0);
	CHECK(HOLDS(&r, U64_MAX - 1, U64_MAX - 1));

	/* Capacity 0: nothing can be added. */
	rangeset_init(&r, NULL, 0);
	CHECK_EQ(rangeset_add_range(&r, 1, 2), -ENOSPC);
	CHECK_EQ(rangeset_remove_range(&r, 1, 2), 0);
	CHECK(!rangeset_overlaps_range(&r, 0, U64_MAX));
}

TEST(test_queries)
{
	struct rangeset_range st[4];
	struct rangeset r;
	u64 s, e;

	rangeset_init(&r, st, ARRAY_SIZE(st));
	CHECK_EQ(rangeset_find_free(&r, 5, &s, &e), 0);
	CHECK(s == 5 && e == U64_MAX);
	CHECK(!rangeset_contains_singleton(&r, 0));

	rangeset_add_range(&r, 10, 19);
	rangeset_add_range(&r, 30, 39);
	CHECK(rangeset_contains_range(&r, 10, 19));
	CHECK(rangeset_contains_range(&r, 12, 12));
	CHECK(!rangeset_contains_range(&r, 9, 19));
	CHECK(!rangeset_contains_range(&r, 10, 20));
	CHECK(!rangeset_contains_range(&r, 15, 35));	/* spans a gap */
	CHECK(!rangeset_contains_range(&r, 19, 10));
	CHECK(rangeset_contains_singleton(&r, 39));
	CHECK(!rangeset_contains_singleton(&r, 40));

	CHECK(rangeset_overlaps_range(&r, 0, 10));
	CHECK(rangeset_overlaps_range(&r, 19, 29));
	CHECK(rangeset_overlaps_range(&r, 20, 30));
	CHECK(rangeset_overlaps_range(&r, 0, U64_MAX));
	CHECK(!rangeset_overlaps_range(&r, 20, 29));
	CHECK(!rangeset_overlaps_range(&r, 0, 9));
	CHECK(!rangeset_overlaps_range(&r, 40, U64_MAX));
	CHECK(!rangeset_overlaps_range(&r, 30, 10));

	CHECK_EQ(rangeset_find_free(&r, 0, &s, &e), 0);
	CHECK(s == 0 && e == 9);
	CHECK_EQ(rangeset_find_free(&r, 10, &s, &e), 0);
	CHECK(s == 20 && e == 29);
	CHECK_EQ(rangeset_find_free(&r, 19, &s, &e), 0);
	CHECK(s == 20 && e == 29);
	CHECK_EQ(rangeset_find_free(&r, 25, &s, &e), 0);
	CHECK(s == 25 && e == 29);
	CHECK_EQ(rangeset_find_free(&r, 35, &s, &e), 0);
	CHECK(s == 40 && e == U64_MAX);

	rangeset_add_range(&r, 40, U64_MAX);
	s = e = 7;
	CHECK_EQ(rangeset_find_free(&r, 35, &s, &e), -ENOENT);
	CHECK_EQ(rangeset_find_free(&r, U64_MAX, &s, &e), -ENOENT);
	CHECK(s == 7 && e == 7);
	CHECK_EQ(rangeset_find_free(&r, 29, &s, &e), 0);
	CHECK(s == 29 && e == 29);
}

struct report {
	unsigned int n, stop_after;
	u64 se[16];
};

static int report_cb(u64 s, u64 e, void *ctx)
{
	struct report *rep = ctx;

	rep->se[2 * rep->n] = s;
	rep->se[2 * rep->n + 1] = e;
	return ++rep->n == rep->stop_after ? 42 : 0;
}

TEST(test_report)
{
	struct rangeset_range st[4];
	struct rangeset r;
	struct report rep = { 0 };

	rangeset_init(&r, st, ARRAY_SIZE(st));
	CHECK_EQ(rangeset_report_ranges(&r, 0, U64_MAX, report_cb, &rep), 0);
	CHECK_EQ(rep.n, 0);
	rangeset_add_range(&r, 0, 9);
	rangeset_add_range(&r, 20, 29);
	rangeset_add_range(&r, 40, U64_MAX);

	CHECK_EQ(rangeset_report_ranges(&r, 0, U64_MAX, report_cb, &rep), 0);
	CHECK_EQ(rep.n, 3);
	CHECK(rep.se[0] == 0 && rep.se[1] == 9 && rep.se[2] == 20 &&
	      rep.se[3] == 29 && rep.se[4] == 40 && rep.se[5] == U64_MAX);

	memset(&rep, 0, sizeof(rep));
	CHECK_EQ(rangeset_report_ranges(&r, 5, 45, report_cb, &rep), 0);
	CHECK_EQ(rep.n, 3);			/* clipped to [5, 45] */
	CHECK(rep.se[0] == 5 && rep.se[1] == 9 && rep.se[4] == 40 &&
	      rep.se[5] == 45);

	memset(&rep, 0, sizeof(rep));
	CHECK_EQ(rangeset_report_ranges(&r, 10, 19, report_cb, &rep), 0);
	CHECK_EQ(rep.n, 0);

	memset(&rep, 0, sizeof(rep));
	rep.stop_after = 2;
	CHECK_EQ(rangeset_report_ranges(&r, 0, U64_MAX, report_cb, &rep), 42);
	CHECK_EQ(rep.n, 2);
}

/* ---- Randomised against a shadow bitmap of a small universe ---------- */

#define UNIVERSE 300
#define CAP 12

static unsigned long long rng_state = 0x2545f4914f6cdd1dULL;

static unsigned int rng(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static unsigned int shadow_runs(const bool *sh)
{
	unsigned int runs = 0;

	for (unsigned int i = 0; i < UNIVERSE; i++)
		runs += sh[i] && (i == 0 || !sh[i - 1]);
	return runs;
}

static bool matches_shadow(const struct rangeset *r, const bool *sh)
{
	if (!invariant_ok(r) || r->nr != shadow_runs(sh))
		return false;
	for (unsigned int i = 0; i < UNIVERSE; i++)
		if (rangeset_contains_singleton(r, i) != sh[i])
			return false;
	return true;
}

static void check_random_queries(const struct rangeset *r, const bool *sh)
{
	unsigned int s = rng(UNIVERSE), e = s + rng(UNIVERSE - s), x;
	bool all = true, any = false;
	u64 fs, fe;

	for (x = s; x <= e; x++) {
		all &= sh[x];
		any |= sh[x];
	}
	CHECK_EQ(rangeset_contains_range(r, s, e), all);
	CHECK_EQ(rangeset_overlaps_range(r, s, e), any);

	for (x = s; x < UNIVERSE && sh[x]; x++)
		;
	CHECK_EQ(rangeset_find_free(r, s, &fs, &fe), 0);
	CHECK_EQ(fs, x);
	for (; x < UNIVERSE && !sh[x]; x++)
		;
	CHECK(fe == (x < UNIVERSE ? x - 1 : U64_MAX));
}

TEST(test_random_vs_shadow)
{
	struct rangeset_range st[CAP];
	struct rangeset r;
	bool sh[UNIVERSE] = { false }, next[UNIVERSE];
	unsigned int nospc = 0;

	rangeset_init(&r, st, CAP);
	for (int op = 0; op < 20000; op++) {
		unsigned int s = rng(UNIVERSE), e = s + rng(MIN(40, UNIVERSE - s));
		bool add = rng(100) < 50;
		struct rangeset_range before[CAP];
		unsigned int nr_before = r.nr;
		int rc;

		memcpy(before, st, sizeof(st));
		memcpy(next, sh, sizeof(sh));
		for (unsigned int x = s; x <= e; x++)
			next[x] = add;
		rc = add ? rangeset_add_range(&r, s, e) :
			   rangeset_remove_range(&r, s, e);
		if (shadow_runs(next) > CAP) {
			/* Must fail, and change nothing. */
			CHECK_EQ(rc, -ENOSPC);
			CHECK_EQ(r.nr, nr_before);
			CHECK(!memcmp(before, st, nr_before * sizeof(st[0])));
			nospc++;
		} else {
			CHECK_EQ(rc, 0);
			memcpy(sh, next, sizeof(sh));
		}
		CHECK(matches_shadow(&r, sh));
		check_random_queries(&r, sh);
		if (unit_failures)
			break;
	}
	CHECK(nospc > 0);	/* the capacity limit was exercised */
}

UNIT_MAIN(test_add_merge, test_remove_split, test_queries, test_report,
	  test_random_vs_shadow)
