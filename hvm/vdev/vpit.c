/*
 * The virtual 8254 and port 0x61 (hvm/vdev/vpit.h).  Facts from the Intel
 * 8254 datasheet (order 231164: the control word, counter latch and
 * read-back commands, modes 0-5, the GATE rules); Xen 4.17's
 * xen/arch/x86/emul-i8254.c and vpt.c where a choice was left open.
 *
 * Time base.  The PIT clock is a free-running 1.193182 MHz grid on the
 * virtual clock: clock(t) = floor(t * VPIT_HZ / 1e9).  A channel keeps
 * the clock at which it started counting (load_tick) and every count is
 * clock(now) - load_tick, so reads and deadlines never drift however long
 * the guest runs.  Counting is binary; the BCD flag is stored and
 * reported but does not change the arithmetic (as in Xen).
 *
 * Modes, as read back (datasheet "Operation"): 0 and 4 count down once
 * and wrap; 1 and 5 likewise (their GATE trigger is the start of
 * counting, and on channels 0 and 1 GATE is tied high); 2 reloads every N
 * clocks; 3 counts down by two, twice per period (Xen's formula, exact
 * for even N).  OUT: mode 0 and 1 low until the terminal count, mode 2
 * low for the clock before reload, mode 3 high for the first half, modes
 * 4 and 5 low for the clock at the terminal count; a control word makes
 * OUT low (mode 0) or high (others) until a count is written.
 * (Deliberate difference: Xen, after QEMU, reports OUT inverted in modes
 * 1, 2, 4 and 5; only channel 2's OUT is visible, in port 0x61 bit 5,
 * and no OS tests it in those modes.)
 *
 * GATE (channel 2 only, port 0x61 bit 0): low suspends counting in modes
 * 0 and 4 and resumes where it was; in modes 2 and 3 low holds OUT high
 * and a rising edge restarts the count; in modes 1 and 5 a rising edge
 * (re)starts the count.
 *
 * IRQ 0 (channel 0) follows Xen: modes 2 and 3 tick periodically, modes
 * 1 and 4 once, modes 0 and 5 never (Linux shuts the PIT down with mode 0
 * and a zero count, and Xen stops the timer on it; the datasheet would
 * raise OUT once after 65536 clocks).  A periodic tick comes at least 120
 * clocks (100.6 us) apart, Xen's 100 us floor for guest periodic timers.
 *
 * Missed ticks.  Xen 4.17's default HVM_PARAM_TIMER_MODE is
 * delay_for_missed_ticks (libxl chooses no_delay_for_missed_ticks); in
 * both, vpt.c counts every tick that fell due, injects one at a time,
 * injects the next only once the previous was accepted, and does not run
 * its timer while one is pending.  That is what this file does: ticks are
 * never dropped, never merged, and never more than one is outstanding;
 * they arrive late after a stall, back to back, one per acknowledgement.
 * The two modes differ only in the guest's clock (delay_for_missed_ticks
 * holds it back while ticks are owed), which is the hypervisor's @now and
 * not the PIT's business.  (The other modes, no_missed_ticks_pending and
 * one_missed_tick_pending, collapse missed ticks; they are not modelled.)
 */
#include <hvm/vdev/vpit.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#define NS_PER_S 1000000000ULL
#define MIN_PERIOD_CLOCKS 120	/* ceil(100 us * VPIT_HZ) */

/* hvm_hw_pit_channel.{read,write}_state and rw_mode (control word RW). */
#define RW_LATCH 0
#define RW_LSB 1
#define RW_MSB 2
#define RW_WORD0 3		/* lohi, LSB next */
#define RW_WORD1 4		/* lohi, MSB next */

#define STATUS_OUT 0x80
#define STATUS_NULL_COUNT 0x40

#define PORT61_GATE2 0x01
#define PORT61_SPEAKER 0x02
#define PORT61_REFRESH 0x10
#define PORT61_OUT2 0x20
#define REFRESH_SHIFT 14	/* Xen: toggles every 2^14 ns */

/* floor(ns * VPIT_HZ / 1e9), without overflow for any ns >= 0. */
static u64 ns_to_clocks(s_time_t ns)
{
	u64 t = ns < 0 ? 0 : (u64)ns;

	return t / NS_PER_S * VPIT_HZ + t % NS_PER_S * VPIT_HZ / NS_PER_S;
}

/* The first ns at which @k clocks have passed: ceil(k * 1e9 / VPIT_HZ). */
static s_time_t clocks_to_ns(u64 k)
{
	return (s_time_t)(k / VPIT_HZ * NS_PER_S +
			  (k % VPIT_HZ * NS_PER_S + VPIT_HZ - 1) / VPIT_HZ);
}

static u64 clock_now(struct vpit *p)
{
	return ns_to_clocks(p->now(p->opaque));
}

static bool gate_pauses(u8 mode)
{
	return mode == 0 || mode == 2 || mode == 3 || mode == 4;
}

/* Clocks counted by channel @ch since its count began.  Pre: lock. */
static u64 elapsed(struct vpit *p, unsigned int ch, u64 now)
{
	const struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

	if (!c->gate && gate_pauses(c->mode))
		return p->frozen[ch];
	return now - p->load_tick[ch];
}

/* The counting element, as a latch would see it.  Pre: lock held. */
static u16 read_counter(struct vpit *p, unsigned int ch, u64 now)
{
	const struct hvm_hw_pit_channel *c = &p->hw.channels[ch];
	u64 d;

	if (!p->counting[ch])
		return (u16)c->count;
	d = elapsed(p, ch, now);
	switch (c->mode) {
	case 2:
		return (u16)(c->count - d % c->count);
	case 3:
		return (u16)(c->count - (2 * d) % c->count);
	default:
		return (u16)(c->count - d);
	}
}

/* The OUT pin.  Pre: lock held. */
static bool read_out(struct vpit *p, unsigned int ch, u64 now)
{
	const struct hvm_hw_pit_channel *c = &p->hw.channels[ch];
	u64 d;

	if (!p->counting[ch])
		return c->mode != 0;
	if (!c->gate && (c->mode == 2 || c->mode == 3))
		return true;
	d = elapsed(p, ch, now);
	switch (c->mode) {
	case 0:
	case 1:
		return d >= c->count;
	case 2:
		return d % c->count != c->count - 1;
	case 3:
		return d % c->count < (c->count + 1) / 2;
	default:
		return d != c->count;
	}
}

/* Start or stop channel 0's ticks after its mode or count changed.
 * Pre: lock held. */
static void irq0_program(struct vpit *p)
{
	const struct hvm_hw_pit_channel *c = &p->hw.channels[0];
	u8 m = c->mode;

	p->irq0_armed = p->counting[0] && (m == 1 || m == 2 || m == 3 || m == 4);
	p->irq0_periodic = m == 2 || m == 3;
	p->irq0_period = p->irq0_periodic ? MAX((u64)c->count, MIN_PERIOD_CLOCKS)
					  : c->count;
	p->irq0_counted = 0;
	p->irq0_pending = 0;
	p->irq0_in_flight = false;
}

/* Count the ticks due by @now and send one if none is in flight.
 * Pre: lock held. */
static void irq0_update(struct vpit *p, u64 now)
{
	if (p->irq0_armed && now >= p->load_tick[0]) {
		u64 due = (now - p->load_tick[0]) / p->irq0_period;

		if (!p->irq0_periodic)
			due = MIN(due, 1);
		if (due > p->irq0_counted) {
			p->irq0_pending += (u32)MIN(due - p->irq0_counted,
						    (u64)UINT32_MAX - p->irq0_pending);
			p->irq0_counted = due;
		}
		if (!p->irq0_periodic && due)
			p->irq0_armed = false;
	}
	if (p->irq0_pending && !p->irq0_in_flight) {
		p->irq0_in_flight = true;
		/* Xen's vpt.c pulse: deassert, assert; the line stays high. */
		p->set_irq0(p->opaque, false);
		p->set_irq0(p->opaque, true);
	}
}

/* Pre: lock held. */
static void load_count(struct vpit *p, unsigned int ch, u32 val, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

	c->count = val ? val : 0x10000;	/* 0 is the maximum count */
	p->load_tick[ch] = now;
	p->frozen[ch] = 0;
	p->counting[ch] = true;
	if (ch == 0)
		irq0_program(p);
}

static void write_count(struct vpit *p, unsigned int ch, u8 val, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

	switch (c->write_state) {
	case RW_LSB:
		load_count(p, ch, val, now);
		break;
	case RW_MSB:
		load_count(p, ch, (u32)val << 8, now);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		/* Mode 0: writing the first byte stops the count. */
		if (c->mode == 0) {
			p->counting[ch] = false;
			if (ch == 0)
				irq0_program(p);
		}
		break;
	case RW_WORD1:
		load_count(p, ch, c->write_latch | ((u32)val << 8), now);
		c->write_state = RW_WORD0;
		break;
	}
}

static void latch_count(struct vpit *p, unsigned int ch, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

	/* A second latch before the first is read is ignored. */
	if (!c->count_latched) {
		c->latched_count = read_counter(p, ch, now);
		c->count_latched = c->rw_mode;
	}
}

static void latch_status(struct vpit *p, unsigned int ch, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

	if (!c->status_latched) {
		c->status = (read_out(p, ch, now) ? STATUS_OUT : 0) |
			    (p->counting[ch] ? 0 : STATUS_NULL_COUNT) |
			    (c->rw_mode << 4) | (c->mode << 1) | c->bcd;
		c->status_latched = 1;
	}
}

/* Port 0x43.  Pre: lock held. */
static void write_control(struct vpit *p, u8 val, u64 now)
{
	unsigned int ch = val >> 6, rw = (val >> 4) & 3;
	struct hvm_hw_pit_channel *c;

	if (ch == 3) {
		/* Read-back: bit 5 clear latches counts, bit 4 clear
		 * latches status, bits 3-1 select channels 2-0. */
		for (ch = 0; ch < 3; ch++) {
			if (!(val & (2 << ch)))
				continue;
			if (!(val & 0x20))
				latch_count(p, ch, now);
			if (!(val & 0x10))
				latch_status(p, ch, now);
		}
		return;
	}
	if (rw == RW_LATCH) {
		latch_count(p, ch, now);
		return;
	}
	c = &p->hw.channels[ch];
	c->rw_mode = rw;
	c->read_state = c->write_state = rw;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;		/* 6 and 7 are modes 2 and 3 */
	c->bcd = val & 1;
	c->count_latched = c->status_latched = 0;
	/* The control logic resets: no counting until a count arrives. */
	p->counting[ch] = false;
	if (ch == 0)
		irq0_program(p);
}

/* Ports 0x40-0x42 read.  Pre: lock held. */
static u8 read_channel(struct vpit *p, unsigned int ch, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[ch];
	u16 v;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		v = c->latched_count;
		switch (c->count_latched) {
		case RW_MSB:
			c->count_latched = 0;
			return v >> 8;
		case RW_WORD0:
			c->count_latched = RW_MSB;
			return v & 0xff;
		default:
			c->count_latched = 0;
			return v & 0xff;
		}
	}
	v = read_counter(p, ch, now);
	switch (c->read_state) {
	case RW_MSB:
		return v >> 8;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return v & 0xff;
	case RW_WORD1:
		c->read_state = RW_WORD0;
		return v >> 8;
	default:
		return v & 0xff;
	}
}

/* Channel 2's GATE from port 0x61.  Pre: lock held. */
static void set_gate2(struct vpit *p, bool gate, u64 now)
{
	struct hvm_hw_pit_channel *c = &p->hw.channels[2];

	if (gate == !!c->gate)
		return;
	if (!gate) {
		if (gate_pauses(c->mode))
			p->frozen[2] = now - p->load_tick[2];
	} else if (c->mode == 0 || c->mode == 4) {
		p->load_tick[2] = now - p->frozen[2];	/* resume */
	} else {
		p->load_tick[2] = now;			/* restart */
	}
	c->gate = gate;
}

static u8 read_port61(struct vpit *p, s_time_t ns, u64 now)
{
	return (p->hw.channels[2].gate ? PORT61_GATE2 : 0) |
	       (p->hw.speaker_data_on ? PORT61_SPEAKER : 0) |
	       (((u64)ns >> REFRESH_SHIFT) & 1 ? PORT61_REFRESH : 0) |
	       (read_out(p, 2, now) ? PORT61_OUT2 : 0);
}

int vpit_portio(void *dev, bool write, u16 port, unsigned int size,
		u32 *val)
{
	struct vpit *p = dev;
	s_time_t ns;
	u64 now;

	if ((port < 0x40 || port > 0x43) && port != 0x61)
		return -ENOENT;
	if (size != 1) {
		if (!write)
			*val = 0xffffffff;
		return 0;
	}
	spin_lock(&p->lock);
	ns = p->now(p->opaque);
	now = ns_to_clocks(ns);
	if (port == 0x61 && write) {
		p->hw.speaker_data_on = !!(*val & PORT61_SPEAKER);
		set_gate2(p, *val & PORT61_GATE2, now);
	} else if (port == 0x61) {
		*val = read_port61(p, ns, now);
	} else if (port == 0x43 && write) {
		write_control(p, (u8)*val, now);
	} else if (port == 0x43) {
		*val = 0xff;		/* the control word is write-only */
	} else if (write) {
		write_count(p, port - 0x40, (u8)*val, now);
	} else {
		*val = read_channel(p, port - 0x40, now);
	}
	spin_unlock(&p->lock);
	return 0;
}

s_time_t vpit_next_deadline(struct vpit *p)
{
	s_time_t d = VPIT_NO_DEADLINE;

	spin_lock(&p->lock);
	if (p->irq0_armed && !p->irq0_pending)
		d = clocks_to_ns(p->load_tick[0] +
				 (p->irq0_counted + 1) * p->irq0_period);
	spin_unlock(&p->lock);
	return d;
}

void vpit_expire(struct vpit *p)
{
	spin_lock(&p->lock);
	irq0_update(p, clock_now(p));
	spin_unlock(&p->lock);
}

void vpit_ack_irq0(struct vpit *p)
{
	spin_lock(&p->lock);
	if (p->irq0_in_flight) {
		p->irq0_in_flight = false;
		p->irq0_pending--;
		irq0_update(p, clock_now(p));
	}
	spin_unlock(&p->lock);
}

/* Xen's pt_may_unmask_irq() puts a masked timer back on its vCPU's list,
 * whose next entry re-asserts the ISA IRQ while the tick is pending. */
void vpit_irq0_resend(struct vpit *p)
{
	spin_lock(&p->lock);
	if (p->irq0_in_flight) {
		p->set_irq0(p->opaque, false);
		p->set_irq0(p->opaque, true);
	}
	spin_unlock(&p->lock);
}

void vpit_reset(struct vpit *p)
{
	spin_lock(&p->lock);
	memset(&p->hw, 0, sizeof(p->hw));
	for (unsigned int ch = 0; ch < 3; ch++) {
		/* Channels 0 and 1 have GATE tied high; channel 2's comes
		 * from port 0x61, low at power-on. */
		p->hw.channels[ch].gate = ch != 2;
		p->hw.channels[ch].rw_mode = RW_WORD0;
		p->hw.channels[ch].read_state = RW_WORD0;
		p->hw.channels[ch].write_state = RW_WORD0;
		p->hw.channels[ch].count = 0x10000;
		p->load_tick[ch] = p->frozen[ch] = 0;
		p->counting[ch] = false;
	}
	irq0_program(p);
	spin_unlock(&p->lock);
}

void vpit_init(struct vpit *p, s_time_t (*now)(void *opaque),
	       void (*set_irq0)(void *opaque, bool level), void *opaque)
{
	spin_lock_init(&p->lock);
	p->now = now;
	p->set_irq0 = set_irq0;
	p->opaque = opaque;
	vpit_reset(p);
}

/* ---- Save images ---- */

/* Xen's pit_reset() leaves a channel in this mode until the guest writes
 * a control word; images from Xen carry it for channels no one set up. */
#define MODE_XEN_INIT 0xff

void vpit_save(struct vpit *p, struct hvm_hw_pit *rec)
{
	spin_lock(&p->lock);
	*rec = p->hw;
	spin_unlock(&p->lock);
}

/*
 * Xen's pit_load() takes the record as it is.  Refused here: a count
 * above the 8254's 65536 (0 is accepted and means 65536, as in Xen), a
 * mode above 5 but Xen's initial one, read/write states no control word
 * produces, flags that are not 0 or 1, GATE low where it is tied high
 * (channels 0 and 1), and the padding.
 */
const char *vpit_check(const struct hvm_hw_pit *rec)
{
	for (unsigned int ch = 0; ch < 3; ch++) {
		const struct hvm_hw_pit_channel *c = &rec->channels[ch];

		if (c->count > 0x10000)
			return "a PIT count above 65536";
		if (c->mode > 5 && c->mode != MODE_XEN_INIT)
			return "a PIT mode above 5";
		if (c->rw_mode > RW_WORD0 || c->count_latched > RW_WORD0 ||
		    c->read_state > RW_WORD1 || c->write_state > RW_WORD1)
			return "a PIT read/write state no control word sets";
		if (c->status_latched > 1 || c->bcd > 1 || c->gate > 1)
			return "a PIT flag other than 0 or 1";
		if (ch < 2 && !c->gate)
			return "GATE low on PIT channel 0 or 1 (tied high)";
	}
	if (rec->speaker_data_on > 1 || rec->pad0)
		return "port 0x61 speaker bit other than 0 or 1, or padding";
	return NULL;
}

/*
 * Xen's pit_load() reloads every channel's count at the time of the load
 * (pit_load_count()): the counts start again, channel 0's ticks with
 * them.  A channel still in Xen's initial mode, or in mode 0 between the
 * two bytes of a count (which stops it, datasheet mode 0), does not
 * count.  A channel that had not counted since a control word is counted
 * from now on (the record cannot tell it apart); only channel 2's OUT
 * could show it, and only if the guest raised GATE without a count.
 */
void vpit_restore(struct vpit *p, const struct hvm_hw_pit *rec)
{
	u64 now;

	spin_lock(&p->lock);
	now = clock_now(p);
	p->hw = *rec;
	for (unsigned int ch = 0; ch < 3; ch++) {
		struct hvm_hw_pit_channel *c = &p->hw.channels[ch];

		if (!c->count)
			c->count = 0x10000;
		p->load_tick[ch] = now;
		p->frozen[ch] = 0;
		p->counting[ch] = c->mode <= 5 &&
				  !(c->mode == 0 && c->write_state == RW_WORD1);
	}
	irq0_program(p);
	spin_unlock(&p->lock);
}
