/* Host tests of the non-atomic bitmap helpers (xen/common/lib/bitmap.c). */
#include <string.h>
#include <xen/bitmap.h>
#include <xen/lib.h>
#include "unit.h"

#define MAXBITS 200
#define CANARY 0xdeadbeefcafef00dUL

/* A bitmap with a canary word after it, to catch writes past the end. */
struct guarded {
	unsigned long w[BITS_TO_LONGS(MAXBITS)];
	unsigned long canary;
};

static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 127, 128, 129, 200 };

/* Deterministic xorshift, so failures reproduce. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void random_bits(struct guarded *g, bool *ref, unsigned int nbits,
			unsigned int density)
{
	memset(g, 0, sizeof(*g));
	g->canary = CANARY;
	for (unsigned int i = 0; i < nbits; i++) {
		ref[i] = rng() % 100 < density;
		if (ref[i])
			__set_bit(i, g->w);
	}
}

static unsigned int ref_next(const bool *ref, unsigned int nbits,
			     unsigned int off, bool val)
{
	for (; off < nbits; off++)
		if (ref[off] == val)
			return off;
	return nbits;
}

/*
 * Nonzero if a writer touched what it must not: bits past @nbits in the
 * last word (must be clear) or any later word (must still be @fill), or
 * the canary.
 */
static unsigned long g_tail(const struct guarded *g, unsigned int nbits,
			    unsigned long fill)
{
	unsigned int i = nbits / BITS_PER_LONG;
	unsigned long bad = g->canary ^ CANARY;

	if (nbits % BITS_PER_LONG)
		bad |= g->w[i++] & ~BITMAP_LAST_WORD_MASK(nbits);
	for (; i < ARRAY_SIZE(g->w); i++)
		bad |= g->w[i] ^ fill;
	return bad;
}

TEST(test_single_bits)
{
	DECLARE_BITMAP(b, 130) = { 0 };

	CHECK_EQ(sizeof(b), 3 * sizeof(long));
	__set_bit(0, b);
	__set_bit(63, b);
	__set_bit(64, b);
	__set_bit(129, b);
	CHECK(b[0] == (1UL | 1UL << 63));
	CHECK_EQ(b[1], 1);
	CHECK_EQ(b[2], 2);
	CHECK(test_bit(0, b) && test_bit(63, b) && test_bit(64, b));
	CHECK(!test_bit(1, b) && !test_bit(62, b) && !test_bit(128, b));
	__clear_bit(63, b);
	CHECK(!test_bit(63, b));
	CHECK_EQ(b[0], 1);
	CHECK(!__test_and_set_bit(5, b));
	CHECK(__test_and_set_bit(5, b));
	CHECK(__test_and_clear_bit(5, b));
	CHECK(!__test_and_clear_bit(5, b));
	CHECK(!test_bit(5, b));
}

TEST(test_find_fixed)
{
	unsigned long b[3] = { 0 };
	unsigned int bit, n = 0;

	CHECK_EQ(find_first_bit(b, 130), 130);
	CHECK_EQ(find_first_zero_bit(b, 130), 0);
	CHECK_EQ(find_first_bit(b, 0), 0);
	CHECK_EQ(find_next_bit(b, 130, 500), 130);
	CHECK_EQ(find_next_zero_bit(b, 130, 130), 130);

	/* Bits beyond nbits in the last word must not be found. */
	b[2] = ~0UL << 2;		/* bits 130..191 */
	CHECK_EQ(find_first_bit(b, 130), 130);
	CHECK_EQ(find_next_bit(b, 131, 0), 130);
	b[0] = b[1] = ~0UL;
	b[2] = 3;			/* bits 0..129 set */
	CHECK_EQ(find_first_zero_bit(b, 130), 130);
	CHECK_EQ(find_next_zero_bit(b, 129, 5), 129);

	b[0] = 1UL << 63;
	b[1] = 0;
	b[2] = 1UL << 1;
	CHECK_EQ(find_first_bit(b, 130), 63);
	CHECK_EQ(find_next_bit(b, 130, 63), 63);
	CHECK_EQ(find_next_bit(b, 130, 64), 129);
	CHECK_EQ(find_next_bit(b, 129, 64), 129);	/* 129 is past nbits */
	CHECK_EQ(find_next_zero_bit(b, 130, 63), 64);
	for_each_set_bit(bit, b, 130)
		n += bit;
	CHECK_EQ(n, 63 + 129);
}

TEST(test_find_random)
{
	struct guarded g;
	bool ref[MAXBITS];

	for (int round = 0; round < 200; round++) {
		unsigned int nbits = sizes[round % ARRAY_SIZE(sizes)];
		unsigned int density = (round * 7) % 101;

		random_bits(&g, ref, nbits, density);
		/* Poison the unused tail of the last word. */
		if (nbits % BITS_PER_LONG)
			g.w[nbits / BITS_PER_LONG] |= ~BITMAP_LAST_WORD_MASK(nbits);
		for (unsigned int off = 0; off <= nbits + 1; off++) {
			CHECK_EQ(find_next_bit(g.w, nbits, off),
				 ref_next(ref, nbits, off, true));
			CHECK_EQ(find_next_zero_bit(g.w, nbits, off),
				 ref_next(ref, nbits, off, false));
		}
		CHECK_EQ(find_first_bit(g.w, nbits),
			 ref_next(ref, nbits, 0, true));
	}
}

TEST(test_weight_fill_zero)
{
	struct guarded g;
	bool ref[MAXBITS];

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned int nbits = sizes[s], want = 0;

		random_bits(&g, ref, nbits, 50);
		for (unsigned int i = 0; i < nbits; i++)
			want += ref[i];
		if (nbits % BITS_PER_LONG)
			g.w[nbits / BITS_PER_LONG] |= ~BITMAP_LAST_WORD_MASK(nbits);
		CHECK_EQ(bitmap_weight(g.w, nbits), want);

		memset(g.w, 0x5a, sizeof(g.w));
		bitmap_fill(g.w, nbits);
		CHECK_EQ(bitmap_weight(g.w, nbits), nbits);
		CHECK(bitmap_full(g.w, nbits));
		CHECK(!bitmap_empty(g.w, nbits));
		CHECK_EQ(g_tail(&g, nbits, 0x5a5a5a5a5a5a5a5aUL), 0);

		memset(g.w, 0x5a, sizeof(g.w));
		bitmap_zero(g.w, nbits);
		CHECK_EQ(bitmap_weight(g.w, nbits), 0);
		CHECK(bitmap_empty(g.w, nbits));
		CHECK(!bitmap_full(g.w, nbits));
		CHECK_EQ(g_tail(&g, nbits, 0x5a5a5a5a5a5a5a5aUL), 0);
	}
	g.w[0] = ~0UL;
	CHECK_EQ(bitmap_weight(g.w, 64), 64);
	CHECK_EQ(bitmap_weight(g.w, 0), 0);
	CHECK(bitmap_empty(g.w, 0));
}

TEST(test_and_or_copy)
{
	struct guarded a, b, d;
	bool ra[MAXBITS], rb[MAXBITS];

	for (int round = 0; round < 60; round++) {
		unsigned int nbits = sizes[round % ARRAY_SIZE(sizes)];
		bool any = false;

		random_bits(&a, ra, nbits, 30 + round % 40);
		random_bits(&b, rb, nbits, 60 - round % 40);
		for (unsigned int i = 0; i < nbits; i++)
			any |= ra[i] && rb[i];
		memset(&d, 0xff, sizeof(d.w));
		d.canary = CANARY;

		CHECK_EQ(bitmap_and(d.w, a.w, b.w, nbits), any);
		for (unsigned int i = 0; i < nbits; i++)
			CHECK_EQ(test_bit(i, d.w), ra[i] && rb[i]);
		CHECK_EQ(g_tail(&d, nbits, ~0UL), 0);

		memset(&d, 0xff, sizeof(d.w));
		bitmap_or(d.w, a.w, b.w, nbits);
		for (unsigned int i = 0; i < nbits; i++)
			CHECK_EQ(test_bit(i, d.w), ra[i] || rb[i]);
		CHECK_EQ(g_tail(&d, nbits, ~0UL), 0);

		/* copy() drops junk past nbits in the source. */
		if (nbits % BITS_PER_LONG)
			a.w[nbits / BITS_PER_LONG] |= ~BITMAP_LAST_WORD_MASK(nbits);
		memset(&d, 0xff, sizeof(d.w));
		bitmap_copy(d.w, a.w, nbits);
		CHECK(bitmap_equal(d.w, a.w, nbits));
		CHECK_EQ(g_tail(&d, nbits, ~0UL), 0);

		/* In place: a |= b. */
		bitmap_or(a.w, a.w, b.w, nbits);
		for (unsigned int i = 0; i < nbits; i++)
			CHECK_EQ(test_bit(i, a.w), ra[i] || rb[i]);
	}

	/* Disjoint operands: the result is empty. */
	a.w[0] = 0x0f;
	b.w[0] = 0xf0;
	CHECK(!bitmap_and(d.w, a.w, b.w, 8));
	CHECK_EQ(d.w[0], 0);
	/* equal() ignores bits past nbits. */
	a.w[0] = 0x10f;
	CHECK(bitmap_equal(a.w, (unsigned long[]){ 0x0f }, 8));
	CHECK(!bitmap_equal(a.w, (unsigned long[]){ 0x0f }, 9));
}

UNIT_MAIN(test_single_bits, test_find_fixed, test_find_random,
	  test_weight_fill_zero, test_and_or_copy)
