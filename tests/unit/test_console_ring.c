/* Host tests of dom0's serial input ring and the CTRL-a x3 input switch
 * (xen/common/console_rx.c). */
#include <limits.h>
#include <string.h>
#include <xen/console.h>
#include "unit.h"

static struct console_rx ring;

static void put_str(const char *s)
{
	while (*s)
		CHECK(console_rx_put(&ring, *s++));
}

TEST(empty)
{
	char buf[8];

	console_rx_init(&ring);
	CHECK_EQ(console_rx_used(&ring), 0);
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), 0);
	console_rx_consume(&ring, 0);
	CHECK_EQ(ring.dropped, 0);
}

/* Oldest first; peeking does not consume; a short buffer gets a prefix. */
TEST(fifo_order)
{
	char buf[16];

	console_rx_init(&ring);
	put_str("hello");
	CHECK_EQ(console_rx_used(&ring), 5);
	CHECK_EQ(console_rx_peek(&ring, buf, 3), 3);
	CHECK(!memcmp(buf, "hel", 3));
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), 5);
	CHECK(!memcmp(buf, "hello", 5));
	console_rx_consume(&ring, 2);
	put_str("!");
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), 4);
	CHECK(!memcmp(buf, "llo!", 4));
	console_rx_consume(&ring, 4);
	CHECK_EQ(console_rx_used(&ring), 0);
}

/* A full ring drops (and counts) new input and keeps the old intact. */
TEST(overflow_drops_new)
{
	static char buf[CONSOLE_RX_SIZE];

	console_rx_init(&ring);
	for (unsigned int i = 0; i < CONSOLE_RX_SIZE; i++)
		CHECK(console_rx_put(&ring, (char)i));
	CHECK(!console_rx_put(&ring, 'x'));
	CHECK(!console_rx_put(&ring, 'y'));
	CHECK_EQ(ring.dropped, 2);
	CHECK_EQ(console_rx_used(&ring), CONSOLE_RX_SIZE);
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), CONSOLE_RX_SIZE);
	for (unsigned int i = 0; i < CONSOLE_RX_SIZE; i++)
		CHECK_EQ(buf[i], (char)i);
	/* Room for one again. */
	console_rx_consume(&ring, 1);
	CHECK(console_rx_put(&ring, 'z'));
	CHECK(!console_rx_put(&ring, 'w'));
	CHECK_EQ(ring.dropped, 3);
	console_rx_consume(&ring, CONSOLE_RX_SIZE - 1);
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'z');
}

/* Free-running indices wrap through UINT_MAX without losing bytes. */
TEST(index_wrap)
{
	char buf[32];

	console_rx_init(&ring);
	ring.prod = ring.cons = UINT_MAX - 4;
	put_str("0123456789");
	CHECK(ring.prod < ring.cons);		/* wrapped */
	CHECK_EQ(console_rx_used(&ring), 10);
	CHECK_EQ(console_rx_peek(&ring, buf, sizeof(buf)), 10);
	CHECK(!memcmp(buf, "0123456789", 10));
	console_rx_consume(&ring, 10);
	CHECK_EQ(console_rx_used(&ring), 0);
	/* Full across the wrap too. */
	ring.prod = ring.cons = UINT_MAX - 2;
	for (unsigned int i = 0; i < CONSOLE_RX_SIZE; i++)
		CHECK(console_rx_put(&ring, 'a'));
	CHECK(!console_rx_put(&ring, 'b'));
}

static void consume_too_much(void)
{
	console_rx_init(&ring);
	put_str("ab");
	console_rx_consume(&ring, 3);
}

TEST(consume_beyond_used_is_a_bug)
{
	CHECK(unit_dies(consume_too_much));
}

/* ---- the switch ---- */
static struct console_switch sw;
static char got[64];
static unsigned int got_len, switches;

/* Feed @s; collect what is delivered and count target changes. */
static void feed(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char out[3];
		bool switched;
		unsigned int n = console_switch_feed(&sw, s[i], out, &switched);

		CHECK(n <= 3);
		CHECK(!(switched && n));
		switches += switched;
		for (unsigned int k = 0; k < n && got_len < sizeof(got); k++)
			got[got_len++] = out[k];
	}
}

static void sw_reset(void)
{
	memset(&sw, 0, sizeof(sw));
	got_len = switches = 0;
}

TEST(switch_plain_text_passes)
{
	sw_reset();
	feed("ls -l\r", 6);
	CHECK_EQ(got_len, 6);
	CHECK(!memcmp(got, "ls -l\r", 6));
	CHECK_EQ(switches, 0);
	CHECK(!sw.to_xen);
}

TEST(switch_three_codes_toggle)
{
	sw_reset();
	feed("\x01\x01\x01", 3);
	CHECK_EQ(switches, 1);
	CHECK(sw.to_xen);
	CHECK_EQ(got_len, 0);
	feed("\x01\x01\x01", 3);
	CHECK_EQ(switches, 2);
	CHECK(!sw.to_xen);
	CHECK_EQ(got_len, 0);
}

/* One or two codes followed by something else are ordinary input
 * (CTRL-a is the shell's beginning-of-line). */
TEST(switch_short_runs_are_input)
{
	sw_reset();
	feed("\x01x", 2);
	CHECK_EQ(got_len, 2);
	CHECK(!memcmp(got, "\x01x", 2));
	feed("\x01\x01y", 3);
	CHECK_EQ(got_len, 5);
	CHECK(!memcmp(got, "\x01x\x01\x01y", 5));
	CHECK_EQ(switches, 0);
	CHECK_EQ(sw.held, 0);
}

/* Four codes: a switch, then one held that goes with the next char to
 * the new target. */
TEST(switch_four_codes)
{
	sw_reset();
	feed("\x01\x01\x01\x01", 4);
	CHECK_EQ(switches, 1);
	CHECK(sw.to_xen);
	CHECK_EQ(sw.held, 1);
	CHECK_EQ(got_len, 0);
	feed("h", 1);
	CHECK_EQ(got_len, 2);
	CHECK(!memcmp(got, "\x01h", 2));
	/* Six codes switch twice. */
	sw_reset();
	feed("\x01\x01\x01\x01\x01\x01", 6);
	CHECK_EQ(switches, 2);
	CHECK(!sw.to_xen);
	CHECK_EQ(sw.held, 0);
}

UNIT_MAIN(empty, fifo_order, overflow_drops_new, index_wrap,
	  consume_beyond_used_is_a_bug, switch_plain_text_passes,
	  switch_three_codes_toggle, switch_short_runs_are_input,
	  switch_four_codes)
