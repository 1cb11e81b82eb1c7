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
