/*
 * The test device of the device-model test, shared by both sides: the
 * guest (tests/guests/dmtest, freestanding) and the device model in dom0
 * (tests/linux/dm/test-dm.c, against Debian's libxendevicemodel).  Both
 * compute the same answers from this file, so the guest can check every
 * value it reads without knowing anything the device model does not.
 *
 * The device has three faces, each claimed by the device model's ioreq
 * server:
 *   ports  DMT_PORT .. +31   reads: dmt_value(); 8..11 a scratch register
 *                            that reads back what was written; 12 a
 *                            counter (each read returns the next value);
 *                            14 a byte sink the device model logs as text;
 *                            16 how many requests the device model served
 *                            before this read (a REP batch is one);
 *                            20 a hash of the values written to it, in
 *                            order (dmt_hash()), which a read returns
 *                            and resets to 0
 *   MMIO   DMT_MMIO .. +4095 reads below DMT_SCRATCH: dmt_value();
 *                            DMT_COUNTER: the counter; from DMT_SCRATCH:
 *                            memory that reads back what was written
 *   PCI    00:05.0 config    reads: dmt_value() of (SBDF << 32 | reg);
 *                            DMT_PCI_SCRATCH .. +3 reads back writes
 * Writes anywhere are logged by the device model ("test-dm: w ...").
 *
 * Types are the ioreq types of public/hvm/ioreq.h (0 port I/O, 1 memory,
 * 2 PCI configuration); an access the hypervisor splits (an unaligned
 * MMIO access goes as naturally aligned pieces) is answered piece by
 * piece, each piece by its own address and size.
 */
#ifndef DMTEST_DEVICE_H
#define DMTEST_DEVICE_H

#define DMT_PORT		0xc000
#define DMT_PORT_SCRATCH	(DMT_PORT + 8)
#define DMT_PORT_COUNTER	(DMT_PORT + 12)
#define DMT_PORT_TEXT		(DMT_PORT + 14)
#define DMT_PORT_BENCH		(DMT_PORT + 6)	/* inw, not logged: timing */
#define DMT_PORT_SERVED		(DMT_PORT + 16)
#define DMT_PORT_HASH		(DMT_PORT + 20)
#define DMT_PORT_LEN		32

/* Above a small guest's RAM, inside its 1 GiB identity map. */
#define DMT_MMIO		0x30000000ULL
#define DMT_MMIO_LEN		0x1000
#define DMT_STALL		(DMT_MMIO + 0x7e0)	/* see test-dm --stall */
#define DMT_SLOW		(DMT_MMIO + 0x7e8)	/* see test-dm --slow */
#define DMT_COUNTER		(DMT_MMIO + 0x7f0)
#define DMT_SCRATCH		(DMT_MMIO + 0x800)
#define DMT_BENCH		(DMT_MMIO + 0x700)	/* read, not logged */

/* 0000:00:05.0 */
#define DMT_PCI_DEV		5
#define DMT_PCI_SBDF		(DMT_PCI_DEV << 3)
#define DMT_PCI_SCRATCH		0x40

#define DMT_TYPE_PIO		0
#define DMT_TYPE_COPY		1
#define DMT_TYPE_PCI		2

/* The counter's first value. */
#define DMT_COUNTER_START	0x1000

/* What a read of @size bytes at @addr returns (splitmix64's finaliser:
 * neighbouring addresses and sizes give unrelated values, so a value
 * answered for the wrong access cannot pass for the right one). */
static inline unsigned long long dmt_value(unsigned int type,
					   unsigned long long addr,
					   unsigned int size)
{
	unsigned long long x = addr * 0x9e3779b97f4a7c15ULL ^
			       (unsigned long long)type << 56 ^
			       size * 0xbf58476d1ce4e5b9ULL;

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	return size >= 8 ? x : x & ((1ULL << 8 * size) - 1);
}

/* The hash after writing @val of @size bytes to DMT_PORT_HASH, from
 * @h: order matters, so elements that arrive out of order, twice or not
 * at all give another hash. */
static inline unsigned int dmt_hash(unsigned int h, unsigned int val,
				    unsigned int size)
{
	return (h ^ (val & (size >= 4 ? ~0U : (1U << 8 * size) - 1))) *
	       16777619U + size;
}

/* The scratch memory's contents before any write: byte i of it. */
static inline unsigned char dmt_scratch_init(unsigned int i)
{
	return (unsigned char)(i * 7 + 3);
}

#endif
