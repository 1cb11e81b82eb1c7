/*
 * Host tests of the virtual 8254 and port 0x61 (hvm/vdev/vpit.c).  The
 * test owns the virtual clock (ns), plays the guest (port accesses as
 * SeaBIOS and Linux make them), the hypervisor's timer (it calls
 * vpit_expire() at the deadline the PIT asks for) and the interrupt path
 * (it counts IRQ 0 rising edges and acknowledges them).  Expected counts
 * are worked out here from 1193182 Hz, not taken from vpit.c.
 */
#include <hvm/vdev/vpit.h>
#include <xen/errno.h>
#include <xen/time.h>
#include "unit.h"

static struct vpit pit;
static s_time_t clock_ns;
static bool irq0;
static unsigned int irq0_edges;

static s_time_t now(void *opaque)
{
	CHECK(opaque == &pit);
	return clock_ns;
}

static void set_irq0(void *opaque, bool level)
{
	if (level && !irq0)
		irq0_edges++;
	irq0 = level;
}

static void setup(s_time_t start)
{
	clock_ns = start;
	irq0 = false;
	irq0_edges = 0;
	vpit_init(&pit, now, set_irq0, &pit);
}

static void out(u16 port, u8 v)
{
	u32 val = v;

	CHECK_EQ(vpit_portio(&pit, true, port, 1, &val), 0);
}

static u8 in(u16 port)
{
	u32 val = 0;

	CHECK_EQ(vpit_portio(&pit, false, port, 1, &val), 0);
	return (u8)val;
}

static unsigned int read16(u16 port)
{
	unsigned int lo = in(port);

	return lo | (unsigned int)in(port) << 8;
}

/* Counter latch command, then LSB and MSB. */
static unsigned int latch_read(unsigned int ch)
{
	out(0x43, (u8)(ch << 6));
	return read16(0x40 + ch);
}

/* The PIT clocks elapsed in @ns, rounded down, computed in 128 bits. */
static u64 clocks(s_time_t ns)
{
	return (u64)((unsigned __int128)ns * 1193182 / 1000000000);
}

/* The first ns at which @k clocks have elapsed since time 0. */
static s_time_t clock_time(u64 k)
{
	return (s_time_t)(((unsigned __int128)k * 1000000000 + 1193181) /
			  1193182);
}

TEST(test_linux_pit_calibrate_tsc)
{
	/* arch/x86/kernel/tsc.c pit_calibrate_tsc(): gate on, speaker off;
	 * channel 2 mode 0 with 11932 (10 ms); wait for OUT (0x61 bit 5). */
	setup(0);
	out(0x61, (in(0x61) & ~0x02) | 0x01);
	out(0x43, 0xb0);
	out(0x42, 11932 & 0xff);
	out(0x42, 11932 >> 8);
	CHECK_EQ(in(0x61) & 0x20, 0);
	clock_ns = clock_time(11932) - 1;	/* 10000150 ns */
	CHECK_EQ(clock_ns, 10000150);
	CHECK_EQ(in(0x61) & 0x20, 0);
	clock_ns++;
	CHECK_EQ(in(0x61) & 0x20, 0x20);
	CHECK_EQ(in(0x61) & 0x03, 0x01);
	/* Mode 0 does not interrupt from channel 2. */
	CHECK_EQ(irq0_edges, 0);
}

TEST(test_linux_quick_pit_calibrate)
{
	/* quick_pit_calibrate(): channel 2 mode 0 from 0xffff, then LSB/MSB
	 * reads (lohi) whose MSB falls by one every 256 clocks. */
	setup(SECONDS(3) + 12345);
	out(0x61, (in(0x61) & ~0x02) | 0x01);
	out(0x43, 0xb0);
	out(0x42, 0xff);
	out(0x42, 0xff);
	/* The load happened at the clock edge at or before now. */
	u64 base = clocks(clock_ns);
	for (unsigned int i = 1; i < 200; i++) {
		clock_ns = clock_time(base + 256 * i);
		CHECK_EQ(read16(0x42), 0xffff - 256 * i);
	}
}

TEST(test_mode2_counts)
{
	/* Linux's i8253 tick: mode 2, LATCH = 1193 for HZ=1000. */
	setup(0);
	out(0x43, 0x34);
	out(0x40, 1193 & 0xff);
	out(0x40, 1193 >> 8);
	CHECK_EQ(latch_read(0), 1193);
	clock_ns = 500000;			/* 596 clocks */
	CHECK_EQ(latch_read(0), 1193 - 596);
	clock_ns = clock_time(1193);
	CHECK_EQ(latch_read(0), 1193);		/* reloaded */
	clock_ns = clock_time(1193 * 1000 + 1);
	CHECK_EQ(latch_read(0), 1192);
}

TEST(test_mode3_counts)
{
	/* SeaBIOS: channel 0 mode 3 (0x36) with 0 = 65536 (18.2 Hz);
	 * mode 3 counts down by two, twice per period. */
	setup(0);
	out(0x43, 0x36);
	out(0x40, 0);
	out(0x40, 0);
	clock_ns = clock_time(100);
	CHECK_EQ(latch_read(0), 65536 - 200);
	clock_ns = clock_time(32768 + 100);
	CHECK_EQ(latch_read(0), 65536 - 200);	/* second half */
	/* Read-back status: OUT low in the second half, lohi, mode 3. */
	out(0x43, 0xe2);
	CHECK_EQ(in(0x40), 0x36);
	clock_ns = clock_time(65536 + 5);
	out(0x43, 0xe2);
	CHECK_EQ(in(0x40), 0x80 | 0x36);
}

TEST(test_latch_and_readback)
{
	setup(0);
	out(0x43, 0x34);
	out(0x40, 0x00);
	out(0x40, 0x10);			/* 4096 */
	clock_ns = clock_time(96);
	out(0x43, 0x00);			/* latch channel 0 */
	clock_ns = clock_time(1000);
	out(0x43, 0x00);			/* ignored: already latched */
	CHECK_EQ(read16(0x40), 4000);		/* the first latch */
	CHECK_EQ(read16(0x40), 4096 - 1000);	/* live again */
	/* Read-back of count and status of channel 0: status first. */
	out(0x43, 0xc2);
	clock_ns = clock_time(2000);
	CHECK_EQ(in(0x40), 0x80 | 0x34);	/* OUT high, lohi, mode 2 */
	CHECK_EQ(read16(0x40), 4096 - 1000);
	/* Status only (bit 5 set: no count). */
	out(0x43, 0xe2);
	CHECK_EQ(in(0x40), 0x80 | 0x34);
	CHECK_EQ(read16(0x40), 4096 - 2000);
	/* Control word then no count: null count (bit 6), OUT low (mode 0). */
	out(0x43, 0x30);
	out(0x43, 0xe2);
	CHECK_EQ(in(0x40), 0x40 | 0x30);
}

TEST(test_access_modes)
{
	setup(0);
	/* lobyte only (RW=1): the high byte is 0. */
	out(0x43, 0x14);
	out(0x40, 0x50);
	CHECK_EQ(in(0x40), 0x50);
	CHECK_EQ(in(0x40), 0x50);
	/* hibyte only (RW=2): the low byte is 0. */
	out(0x43, 0x24);
	out(0x40, 0x02);
	clock_ns = clock_time(1);
	CHECK_EQ(in(0x40), 0x01);		/* 0x1ff: the MSB */
	/* lohi: the flip-flop alternates, for reads and writes apart. */
	out(0x43, 0x34);
	out(0x40, 0x9b);
	clock_ns = clock_time(5);		/* half-written: still old */
	out(0x40, 0x2e);			/* 0x2e9b */
	CHECK_EQ(in(0x40), 0x9b);
	CHECK_EQ(in(0x40), 0x2e);
	CHECK_EQ(in(0x40), 0x9b);
	out(0x43, 0x34);			/* a control word resets it */
	out(0x40, 0x00);
	out(0x40, 0x01);
	CHECK_EQ(in(0x40), 0x00);
	CHECK_EQ(in(0x40), 0x01);
}

TEST(test_port61)
{
	setup(0);
	out(0x61, 0x03);			/* gate and speaker on */
	CHECK_EQ(in(0x61) & 0x03, 0x03);
	/* Refresh toggles every 2^14 ns (Xen's choice). */
	clock_ns = 0;
	u8 a = in(0x61) & 0x10;
	clock_ns = 1 << 14;
	CHECK(a != (in(0x61) & 0x10));
	out(0x61, 0x00);
	CHECK_EQ(in(0x61) & 0x03, 0x00);
}

TEST(test_gate_mode0)
{
	setup(0);
	out(0x61, 0x01);
	out(0x43, 0xb0);
	out(0x42, 0x00);
	out(0x42, 0x01);			/* 256 */
	clock_ns = clock_time(100);
	out(0x61, 0x00);			/* gate low: counting stops */
	clock_ns = clock_time(5000);
	CHECK_EQ(latch_read(2), 156);
	CHECK_EQ(in(0x61) & 0x20, 0);
	out(0x61, 0x01);			/* resumes where it was */
	clock_ns = clock_time(5000 + 155);
	CHECK_EQ(latch_read(2), 1);
	CHECK_EQ(in(0x61) & 0x20, 0);
	clock_ns = clock_time(5000 + 156);
	CHECK_EQ(in(0x61) & 0x20, 0x20);
}

TEST(test_gate_mode2_restarts)
{
	setup(0);
	out(0x61, 0x01);
	out(0x43, 0xb4);			/* channel 2, lohi, mode 2 */
	out(0x42, 100);
	out(0x42, 0);
	clock_ns = clock_time(30);
	CHECK_EQ(latch_read(2), 70);
	out(0x61, 0x00);
	CHECK_EQ(in(0x61) & 0x20, 0x20);	/* gate low forces OUT high */
	clock_ns = clock_time(50);
	out(0x61, 0x01);			/* rising edge: reload */
	CHECK_EQ(latch_read(2), 100);
	clock_ns = clock_time(60);
	CHECK_EQ(latch_read(2), 90);
}

static void program_tick(unsigned int count)
{
	out(0x43, 0x34);
	out(0x40, count & 0xff);
	out(0x40, count >> 8);
}

TEST(test_tick_delivery)
{
	setup(0);
	CHECK_EQ(vpit_next_deadline(&pit), VPIT_NO_DEADLINE);
	program_tick(1193);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(1193));
	clock_ns = clock_time(1193) - 1;
	vpit_expire(&pit);			/* early: nothing */
	CHECK_EQ(irq0_edges, 0);
	clock_ns++;
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 1);
	CHECK(irq0);
	/* Until acknowledged, no timer is needed. */
	CHECK_EQ(vpit_next_deadline(&pit), VPIT_NO_DEADLINE);
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 1);
	vpit_ack_irq0(&pit);
	CHECK_EQ(irq0_edges, 1);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(2 * 1193));
	/* A spurious acknowledgement changes nothing. */
	vpit_ack_irq0(&pit);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(2 * 1193));
}

TEST(test_resend)
{
	setup(0);
	program_tick(1193);
	vpit_irq0_resend(&pit);			/* nothing in flight */
	CHECK_EQ(irq0_edges, 0);
	clock_ns = clock_time(1193);
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 1);
	/* The edge met a mask: sent again, counted once. */
	vpit_irq0_resend(&pit);
	CHECK_EQ(irq0_edges, 2);
	CHECK(irq0);
	vpit_ack_irq0(&pit);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(2 * 1193));
	vpit_irq0_resend(&pit);			/* taken: nothing to resend */
	CHECK_EQ(irq0_edges, 2);
}

TEST(test_missed_ticks)
{
	setup(0);
	program_tick(1193);
	/* The vCPU could not take interrupts for 10.5 ms: the timer fired
	 * once, then nothing was acknowledged. */
	clock_ns = clock_time(1193);
	vpit_expire(&pit);
	clock_ns = 10500000;			/* 12528 clocks: 10 ticks due */
	unsigned int acks = 0;
	while (irq0_edges > acks) {
		vpit_ack_irq0(&pit);
		acks++;
	}
	CHECK_EQ(irq0_edges, 10);		/* all delivered, late */
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(11 * 1193));
	/* Then it goes on at the original phase. */
	clock_ns = clock_time(11 * 1193);
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 11);
}

TEST(test_no_drift)
{
	/* A million 1 ms ticks (~16.7 min), each expired at its deadline and
	 * acknowledged: the millionth falls on the exact PIT clock. */
	setup(0);
	program_tick(1193);
	for (unsigned int i = 1; i <= 1000000; i++) {
		s_time_t d = vpit_next_deadline(&pit);

		if (d != clock_time((u64)1193 * i)) {
			CHECK_EQ(d, clock_time((u64)1193 * i));
			break;
		}
		clock_ns = d;
		vpit_expire(&pit);
		vpit_ack_irq0(&pit);
	}
	CHECK_EQ(irq0_edges, 1000000);
	CHECK_EQ(clock_ns, 999847466690);	/* 1193e9 * 1e6 / 1193182, up */
	CHECK_EQ(latch_read(0), 1193);
}

TEST(test_oneshot_and_stop)
{
	/* Linux's clockevent one-shot: mode 4 (0x38), then shut down with
	 * mode 0 (0x30) and a zero count, which never interrupts (Xen). */
	setup(0);
	out(0x43, 0x38);
	out(0x40, 100);
	out(0x40, 0);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(100));
	clock_ns = SECONDS(1);
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 1);		/* once, however late */
	vpit_ack_irq0(&pit);
	CHECK_EQ(vpit_next_deadline(&pit), VPIT_NO_DEADLINE);
	program_tick(1193);
	out(0x43, 0x30);
	out(0x40, 0);
	out(0x40, 0);
	CHECK_EQ(vpit_next_deadline(&pit), VPIT_NO_DEADLINE);
	clock_ns = SECONDS(2);
	vpit_expire(&pit);
	CHECK_EQ(irq0_edges, 1);
}

TEST(test_min_period)
{
	/* A tiny count ticks at most every 120 clocks (Xen's 100 us floor);
	 * the counter itself still counts the real value. */
	setup(0);
	program_tick(2);
	CHECK_EQ(vpit_next_deadline(&pit), clock_time(120));
	clock_ns = clock_time(3);
	CHECK_EQ(latch_read(0), 1);
}

TEST(test_bad_access)
{
	u32 val = 0;

	setup(0);
	CHECK_EQ(vpit_portio(&pit, false, 0x40, 2, &val), 0);
	CHECK_EQ(val, 0xffffffff);
	CHECK_EQ(vpit_portio(&pit, false, 0x44, 1, &val), -ENOENT);
	CHECK_EQ(vpit_portio(&pit, false, 0x60, 1, &val), -ENOENT);
	/* Reading the control port returns nothing useful (8254: no read). */
	CHECK_EQ(vpit_portio(&pit, false, 0x43, 1, &val), 0);
}

UNIT_MAIN(test_linux_pit_calibrate_tsc, test_linux_quick_pit_calibrate,
	  test_mode2_counts, test_mode3_counts, test_latch_and_readback,
	  test_access_modes, test_port61, test_gate_mode0,
	  test_gate_mode2_restarts, test_tick_delivery, test_resend, test_missed_ticks,
	  test_no_drift, test_oneshot_and_stop, test_min_period,
	  test_bad_access)
