/* Host tests of array_index_nospec() (xen/include/xen/nospec.h). */
#include <limits.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include "unit.h"

/* What it must compute, the branchy way. */
static unsigned long model(unsigned long idx, unsigned long size)
{
	return idx < size ? idx : 0;
}

TEST(test_mask)
{
	CHECK(array_index_mask_nospec(0, 1) == ~0UL);
	CHECK(array_index_mask_nospec(1, 1) == 0);
	CHECK(array_index_mask_nospec(0, 0) == 0);
	CHECK(array_index_mask_nospec(ULONG_MAX - 1, ULONG_MAX) == ~0UL);
	CHECK(array_index_mask_nospec(ULONG_MAX, ULONG_MAX) == 0);
	CHECK(array_index_mask_nospec(ULONG_MAX, 0) == 0);
	CHECK(array_index_mask_nospec(5, 1UL << 40) == ~0UL);	/* size in a register */
	CHECK(array_index_mask_nospec(1UL << 40, 64) == 0);
}

TEST(test_in_range_and_boundaries)
{
	static const unsigned long sizes[] = {
		1, 2, 63, 64, 4096, 0x7fffffffUL, 0x80000000UL, 0xffffffffUL,
		0x100000000UL, ULONG_MAX / 2, ULONG_MAX,
	};

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned long n = sizes[s];

		CHECK_EQ(array_index_nospec(0UL, n), 0);
		CHECK(array_index_nospec(n - 1, n) == n - 1);	/* last in */
		CHECK(array_index_nospec(n, n) == 0);		/* first out */
		if (n < ULONG_MAX)
			CHECK(array_index_nospec(n + 1, n) == 0);
		CHECK(array_index_nospec(ULONG_MAX, n) == 0);
		CHECK(array_index_nospec(n / 2, n) == n / 2);
	}
	/* Nothing is in range of an empty array. */
	CHECK_EQ(array_index_nospec(0UL, 0), 0);
	CHECK_EQ(array_index_nospec(7UL, 0), 0);
}

/* The index keeps its type; negative signed indices are out of range. */
TEST(test_types)
{
	unsigned int u32v = 4095;
	unsigned short u16v = 65535;
	int neg = -1, pos = 3;
	long lneg = LONG_MIN;
	unsigned char c = 200;

	CHECK_EQ(array_index_nospec(u32v, 4096), 4095);
	CHECK_EQ(array_index_nospec(u32v + 1, 4096), 0);
	CHECK_EQ(array_index_nospec(u16v, 65536), 65535);
	CHECK_EQ(array_index_nospec(u16v, 65535), 0);
	CHECK_EQ(array_index_nospec(neg, 16), 0);
	CHECK_EQ(array_index_nospec(pos, 16), 3);
	CHECK_EQ(array_index_nospec(lneg, 16), 0);
	CHECK_EQ(array_index_nospec(c, 201), 200);
	CHECK_EQ(array_index_nospec(c, 200), 0);
	CHECK(__builtin_types_compatible_p(__typeof__(array_index_nospec(u16v, 9)),
					   unsigned short));
	CHECK(__builtin_types_compatible_p(__typeof__(array_index_nospec(neg, 9)),
					   int));
	/* The argument is evaluated once. */
	CHECK_EQ(array_index_nospec(pos++, 16), 3);
	CHECK_EQ(pos, 4);
}

/* Constant sizes become immediates: also the largest the instruction takes. */
TEST(test_constant_sizes)
{
	volatile unsigned long i = 0x7ffffffe;

	CHECK(array_index_nospec(i, 0x7fffffff) == 0x7ffffffe);
	CHECK(array_index_nospec(i, 0x7ffffffe) == 0);
	CHECK(array_index_nospec(i, 0x100000000UL) == 0x7ffffffe);
	CHECK(array_index_nospec(i, 16) == 0);
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random pairs near each other, near the ends and anywhere. */
TEST(test_random_vs_model)
{
	for (int i = 0; i < 200000 && !unit_failures; i++) {
		unsigned long size = rng() >> (rng() % 64);
		unsigned long idx;

		switch (rng() % 3) {
		case 0:
			idx = size + (long)(rng() % 5) - 2;
			break;
		case 1:
			idx = rng() >> (rng() % 64);
			break;
		default:
			idx = ULONG_MAX - rng() % 3;
		}
		CHECK(array_index_nospec(idx, size) == model(idx, size));
	}
}

UNIT_MAIN(test_mask, test_in_range_and_boundaries, test_types,
	  test_constant_sizes, test_random_vs_model)
