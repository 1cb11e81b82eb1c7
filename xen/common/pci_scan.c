/*
 * The walk of PCI segment 0 (xen/pci.h): bus by bus from bus 0, function
 * 0 of each device first and functions 1-7 only of a multi-function
 * device, then the buses behind every PCI-to-PCI bridge (header layout 1)
 * whose secondary bus is above its own and not yet queued.  Each bus is
 * walked at most once, from a queue rather than by recursion, so neither
 * a bridge loop nor a chain of 255 bridges in broken firmware or hostile
 * devices can make it run forever or overflow the stack.
 */
#include <xen/bitmap.h>
#include <xen/lib.h>
#include <xen/pci.h>
#include <xen/string.h>

struct walk {
	struct pci_scan *s;
	DECLARE_BITMAP(queued, 256);
	u8 queue[256];
	unsigned int head, tail;
};

/*
 * Size BAR @i of bus:dev.fn (6.2.5.1): write all ones, read what sticks,
 * put the old value back.  Returns the slots used (2 for a 64-bit BAR).
 * Pre: decoding is off, so the device answers no address meanwhile.
 */
static unsigned int size_bar(struct pci_scan *s, u8 bus, u8 dev, u8 fn,
			     unsigned int i, unsigned int nr,
			     struct pci_bar *b)
{
	unsigned int reg = PCI_BASE_ADDRESS_0 + 4 * i;
	u32 lo = s->read32(s->ctx, bus, dev, fn, reg), hi = 0, mlo, mhi = 0;
	u64 mask;

	s->write32(s->ctx, bus, dev, fn, reg, ~0U);
	mlo = s->read32(s->ctx, bus, dev, fn, reg);
	s->write32(s->ctx, bus, dev, fn, reg, lo);
	if (lo & 1) {				/* I/O: 32 bits, 16 used on PCs */
		mask = mlo & ~3U;
		if (!(mask >> 16))
			mask |= 0xffff0000U;
		b->flags = PCI_BAR_IO;
		b->addr = lo & ~3U;
		b->size = mask ? (u32)(~mask + 1) : 0;
		return 1;
	}
	if (((lo >> 1) & 3) == 2 && i + 1 < nr) {	/* 64-bit memory */
		hi = s->read32(s->ctx, bus, dev, fn, reg + 4);
		s->write32(s->ctx, bus, dev, fn, reg + 4, ~0U);
		mhi = s->read32(s->ctx, bus, dev, fn, reg + 4);
		s->write32(s->ctx, bus, dev, fn, reg + 4, hi);
		b->flags = PCI_BAR_MEM64;
	}
	if (lo & 8)
		b->flags |= PCI_BAR_PREFETCH;
	b->addr = ((u64)hi << 32) | (lo & ~0xfU);
	/* The bits that stuck; none: not implemented.  A 64-bit BAR of 4 GiB
	 * or more has them all in its upper half. */
	if (b->flags & PCI_BAR_MEM64) {
		mask = ((u64)mhi << 32) | (mlo & ~0xfU);
		b->size = mask ? ~mask + 1 : 0;
	} else {
		u32 m32 = mlo & ~0xfU;

		b->size = m32 ? (u32)(~m32 + 1) : 0;
	}
	return b->flags & PCI_BAR_MEM64 ? 2 : 1;
}

static void size_bars(struct pci_scan *s, struct pci_found *f)
{
	unsigned int nr = f->header_type == 0 ? 6 : f->header_type == 1 ? 2 : 0;
	u32 cmd;

	if (!nr || !s->write32)
		return;
	cmd = s->read32(s->ctx, f->bus, f->dev, f->fn, PCI_COMMAND);
	s->write32(s->ctx, f->bus, f->dev, f->fn, PCI_COMMAND,
		   cmd & ~(u32)(PCI_COMMAND_IO | PCI_COMMAND_MEMORY) & 0xffff);
	for (unsigned int i = 0; i < nr;)
		i += size_bar(s, f->bus, f->dev, f->fn, i, nr, &f->bar[i]);
	s->write32(s->ctx, f->bus, f->dev, f->fn, PCI_COMMAND, cmd & 0xffff);
}

static void found(struct walk *w, u8 bus, u8 dev, u8 fn, u32 id, u32 hdr)
{
	struct pci_scan *s = w->s;
	struct pci_found f = {
		.bus = bus, .dev = dev, .fn = fn,
		.vendor = id & 0xffff, .device = id >> 16,
		.class_rev = s->read32(s->ctx, bus, dev, fn, PCI_CLASS_REVISION),
		.header_type = (hdr >> 16) & 0x7f,
	};

	if (f.header_type == 1) {
		u32 buses = s->read32(s->ctx, bus, dev, fn, PCI_PRIMARY_BUS);

		f.secondary_bus = (buses >> 8) & 0xff;
	}
	size_bars(s, &f);
	if (s->nr < PCI_MAX_DEVICES)
		s->dev[s->nr++] = f;
	else
		s->nr_dropped++;
	if (f.header_type != 1)
		return;
	if (f.secondary_bus <= bus || test_bit(f.secondary_bus, w->queued)) {
		s->nr_bad_bridges++;
		return;
	}
	__set_bit(f.secondary_bus, w->queued);
	w->queue[w->tail++] = f.secondary_bus;
}

static void walk_bus(struct walk *w, u8 bus)
{
	struct pci_scan *s = w->s;

	s->nr_buses++;
	for (u8 dev = 0; dev < 32; dev++) {
		for (u8 fn = 0; fn < 8; fn++) {
			u32 id = s->read32(s->ctx, bus, dev, fn, PCI_VENDOR_ID);
			u32 hdr;

			/* No function 0: no device (functions 1-7 are not
			 * looked at, as they may answer garbage). */
			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (!fn)
					break;
				continue;
			}
			hdr = s->read32(s->ctx, bus, dev, fn, PCI_HEADER_TYPE & ~3);
			found(w, bus, dev, fn, id, hdr);
			if (!fn && !(hdr & (0x80U << 16)))
				break;		/* single-function */
		}
	}
}

void pci_scan_buses(struct pci_scan *s)
{
	struct walk w = { .s = s, .tail = 1 };

	s->nr = s->nr_dropped = s->nr_bad_bridges = s->nr_buses = 0;
	__set_bit(0, w.queued);		/* queue[0] = bus 0 */
	while (w.head < w.tail)
		walk_bus(&w, w.queue[w.head++]);
}
