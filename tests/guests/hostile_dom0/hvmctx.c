/*
 * XEN_DOMCTL_gethvmcontext / sethvmcontext (Xen 4.17: arch/x86/domctl.c,
 * arch/x86/hvm/save.c and each device's load handler), as the toolstack
 * uses them and with bad images:
 *
 *  - check_hvmcontext(d), on the PVH domain the toolstack section creates
 *    (2 vCPUs, offline): the size query, -ENOSPC, the image (for a PVH
 *    domain Xen writes the vLAPICs and the three IRQ routing records, no
 *    PIC, IO-APIC or PIT), the image set back and read again unchanged,
 *    records for devices the domain lacks (-ENODEV), bad framing.
 *  - check_platform_context(), on the peer (d1, booted with the emulated
 *    platform: domain=peer,platform): paused, its image holds PIC 0 and
 *    1, IOAPIC, LAPIC and LAPIC_REGS per vCPU, the routing records and
 *    PIT; set back, read again: the same bytes but each CPU record's TSC
 *    (the guest's TSC moves on between reads); a changed PIC mask is
 *    loaded and read back; bad PIC, PIT, IOAPIC and LAPIC records are
 *    refused with Xen's answers and change nothing; then the peer gets
 *    its image back and runs on.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__
#include "hostile.h"
#include <public/domctl.h>
#include <public/hvm/save.h>

#define PEER 1
#define IMG_MAX 65536

static struct xen_domctl dc;
static u8 img[IMG_MAX], img2[IMG_MAX], bad[IMG_MAX];

static long domctl(u32 cmd, domid_t dom)
{
	dc.cmd = cmd;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = dom;
	return hc(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0);
}

/* The image of @d into @buf (IMG_MAX bytes): its length, or an error. */
static long get_image(domid_t d, u8 *buf)
{
	memset(&dc, 0, sizeof(dc));
	set_xen_guest_handle(dc.u.hvmcontext.buffer, buf);
	dc.u.hvmcontext.size = IMG_MAX;
	if (domctl(XEN_DOMCTL_gethvmcontext, d))
		return -1;
	return dc.u.hvmcontext.size;
}

static long set_image(domid_t d, u8 *buf, u32 len)
{
	memset(&dc, 0, sizeof(dc));
	set_xen_guest_handle(dc.u.hvmcontext.buffer, buf);
	dc.u.hvmcontext.size = len;
	return domctl(XEN_DOMCTL_sethvmcontext, d);
}

/* Record @type/@inst of an image: its body and length, or NULL. */
static u8 *find(u8 *buf, long len, u16 type, u16 inst, u32 *rlen)
{
	struct hvm_save_descriptor d;

	for (long off = 0; off + (long)sizeof(d) <= len;
	     off += sizeof(d) + d.length) {
		memcpy(&d, buf + off, sizeof(d));
		if (d.typecode == type && d.instance == inst) {
			if (rlen)
				*rlen = d.length;
			return buf + off + sizeof(d);
		}
		if (!d.typecode)
			break;
	}
	return NULL;
}

/* The number of records of @type. */
static unsigned int count(u8 *buf, long len, u16 type)
{
	struct hvm_save_descriptor d;
	unsigned int n = 0;

	for (long off = 0; off + (long)sizeof(d) <= len;
	     off += sizeof(d) + d.length) {
		memcpy(&d, buf + off, sizeof(d));
		n += d.typecode == type;
		if (!d.typecode)
			break;
	}
	return n;
}

/* HEADER (from @from) + one record + END into @out: its length. */
static u32 one_record(u8 *out, const u8 *from, u16 type, u16 inst,
		      const void *body, u32 len)
{
	struct hvm_save_descriptor d = { type, inst, len };
	u32 n = sizeof(d) + sizeof(struct hvm_save_header);

	memcpy(out, from, n);
	memcpy(out + n, &d, sizeof(d));
	memcpy(out + n + sizeof(d), body, len);
	n += sizeof(d) + len;
	memset(out + n, 0, sizeof(d));
	return n + sizeof(d);
}

/* Do images @a and @b hold the same bytes, but for the CPU records'
 * TSCs? */
static bool same_but_tsc(u8 *a, long alen, u8 *b, long blen)
{
	u8 *ca, *cb;

	if (alen != blen)
		return false;
	for (u16 i = 0; i < 64; i++) {
		ca = find(a, alen, HVM_SAVE_CODE(CPU), i, NULL);
		cb = find(b, blen, HVM_SAVE_CODE(CPU), i, NULL);
		if (!ca != !cb)
			return false;
		if (ca)
			((struct hvm_hw_cpu *)cb)->tsc =
				((struct hvm_hw_cpu *)ca)->tsc;
	}
	return !memcmp(a, b, alen);
}

/* @buf's image, refused with @want, leaves @d's image @ref unchanged. */
static void refused(domid_t d, u8 *buf, u32 len, long want, u8 *ref,
		    long ref_len, const char *what)
{
	long n;

	expect(set_image(d, buf, len), want, "sethvmcontext with %s", what);
	n = get_image(d, img2);
	report(same_but_tsc(ref, ref_len, img2, n),
	       "  and d%u's image is unchanged", d);
}

void check_hvmcontext(domid_t d)
{
	struct xen_domctl_hvmcontext *h = &dc.u.hvmcontext;
	const struct hvm_save_descriptor *desc = (const void *)img;
	struct hvm_hw_pit pit = { 0 };
	long len, len2;
	u32 size;

	memset(&dc, 0, sizeof(dc));
	if (!expect(domctl(XEN_DOMCTL_gethvmcontext, d), 0, "hvmcontext size"))
		return;
	size = h->size;
	report(size > sizeof(*desc) && size <= sizeof(img), "image of %u bytes", size);
	set_xen_guest_handle(h->buffer, img);
	h->size = 8;
	expect(domctl(XEN_DOMCTL_gethvmcontext, d), -ENOSPC, "hvmcontext into 8 bytes");
	len = get_image(d, img);
	if (report(len > 0 && len <= size, "gethvmcontext: %ld bytes", len))
		report(desc->typecode == HVM_SAVE_CODE(HEADER) &&
		       ((const struct hvm_save_header *)(desc + 1))->magic ==
		       HVM_FILE_MAGIC, "the image starts with Xen's header");
	report(count(img, len, HVM_SAVE_CODE(LAPIC)) == 2 &&
	       count(img, len, HVM_SAVE_CODE(LAPIC_REGS)) == 2 &&
	       count(img, len, HVM_SAVE_CODE(PCI_IRQ)) == 1 &&
	       count(img, len, HVM_SAVE_CODE(ISA_IRQ)) == 1 &&
	       count(img, len, HVM_SAVE_CODE(PCI_LINK)) == 1 &&
	       count(img, len, HVM_SAVE_CODE(MTRR)) == 2 &&
	       !count(img, len, HVM_SAVE_CODE(PIC)) &&
	       !count(img, len, HVM_SAVE_CODE(IOAPIC)) &&
	       !count(img, len, HVM_SAVE_CODE(PIT)) &&
	       !count(img, len, HVM_SAVE_CODE(CPU)),
	       "a PVH domain's records, as Xen's: LAPIC, LAPIC_REGS, the IRQ "
	       "routing, MTRR (no CPU while its vCPUs are down)");
	expect(set_image(d, img, len), 0, "d%u's own image set back", d);
	len2 = get_image(d, img2);
	report(len2 == len && !memcmp(img, img2, len),
	       "and read again unchanged (%ld bytes)", len2);
	pit.channels[0].gate = pit.channels[1].gate = 1;
	refused(d, bad, one_record(bad, img, HVM_SAVE_CODE(PIT), 0, &pit,
				   sizeof(pit)), -ENODEV, img, len,
		"a PIT record for a domain without one");
	refused(d, bad, one_record(bad, img, HVM_SAVE_CODE(PIC), 0, &pit, 8),
		-ENODEV, img, len, "a PIC record for a domain without one");
	expect(domctl(XEN_DOMCTL_gethvmcontext, 0), -EINVAL, "gethvmcontext of dom0 itself");
	set_xen_guest_handle(h->buffer, img);
	h->size = 4;
	expect2(domctl(XEN_DOMCTL_sethvmcontext, d), -EINVAL, -ENODATA,
		"sethvmcontext of 4 bytes");
	h->size = 1U << 30;
	expect(domctl(XEN_DOMCTL_sethvmcontext, d), -ENOMEM, "sethvmcontext of 1 GiB");
	img[0] ^= 0xff;
	h->size = size;
	expect2(domctl(XEN_DOMCTL_sethvmcontext, d), -EINVAL, -ENODATA,
		"sethvmcontext with a bad first record");
	img[0] ^= 0xff;
	set_xen_guest_handle(h->buffer, P(VA_UNMAPPED));
	expect(domctl(XEN_DOMCTL_sethvmcontext, d), -EFAULT, "sethvmcontext unmapped");
}

/* The peer's image with one byte of record @type/@inst changed. */
static u32 mutated(long len, u16 type, u16 inst, u32 off, u8 val)
{
	u8 *r;

	memcpy(bad, img, len);
	r = find(bad, len, type, inst, NULL);
	if (r)
		r[off] = val;
	return len;
}

static void platform_refusals(long len)
{
	struct hvm_hw_vpic *pic = (void *)find(img, len, HVM_SAVE_CODE(PIC), 0,
					       NULL);
	u32 iolen;
	u8 *io = find(img, len, HVM_SAVE_CODE(IOAPIC), 0, &iolen);

	/* Byte 5 of the PIC record holds the mode bits, is_master bit 6. */
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(PIC), 0, 5,
				   ((u8 *)pic)[5] & ~0x40), -EINVAL, img, len,
		"a master PIC record without is_master");
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(PIC), 1, 3, 0x71),
		-EINVAL, img, len, "a slave PIC base 0x71 (bits 2-0 set)");
	refused(PEER, bad, one_record(bad, img, HVM_SAVE_CODE(PIC), 2, pic,
				      sizeof(*pic)), -ENOENT, img, len,
		"PIC instance 2");
	/* Channel 1's mode byte: offset 16 + 13. */
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(PIT), 0, 29, 6),
		-EINVAL, img, len, "PIT mode 6");
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(PIT), 0, 2, 2),
		-EINVAL, img, len, "a PIT count of 0x20000");
	if (io)
		refused(PEER, bad, one_record(bad, img, HVM_SAVE_CODE(IOAPIC),
					      0, io, iolen - 8),
			-ENODATA, img, len, "a short IOAPIC record");
	/* Redirection entry 3's Remote IRR (bit 14) on an edge pin. */
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(IOAPIC), 0, 16 + 3 * 8 + 1,
				   0x40), -EINVAL, img, len,
		"Remote IRR on an edge-triggered IO-APIC pin");
	/* LAPIC: x2APIC mode with the APIC disabled (base bits 11, 10). */
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(LAPIC), 0, 1, 0x04),
		-EINVAL, img, len, "x2APIC mode with the APIC disabled");
	/* LAPIC_REGS: vector 3 pending (IRR at 0x200). */
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(LAPIC_REGS), 0, 0x200,
				   0x08), -EINVAL, img, len, "vector 3 pending");
	refused(PEER, bad, mutated(len, HVM_SAVE_CODE(PCI_LINK), 0, 1, 16),
		-EINVAL, img, len, "a PCI link routed to IRQ 16");
}

void check_platform_context(void)
{
	struct hvm_hw_vpic *pic;
	long len, len2;
	u8 imr;

	len = get_image(PEER, img);
	if (len < 0) {
		report_skip("hvmcontext: no peer domain d%u", PEER);
		return;
	}
	if (!count(img, len, HVM_SAVE_CODE(PIC))) {
		report_skip("hvmcontext: d%u has no emulated platform", PEER);
		return;
	}
	if (!expect(domctl(XEN_DOMCTL_pausedomain, PEER), 0, "pause d%u", PEER))
		return;
	len = get_image(PEER, img);
	report(len > 0 && find(img, len, HVM_SAVE_CODE(PIC), 0, NULL) &&
	       find(img, len, HVM_SAVE_CODE(PIC), 1, NULL) &&
	       count(img, len, HVM_SAVE_CODE(IOAPIC)) == 1 &&
	       count(img, len, HVM_SAVE_CODE(PIT)) == 1 &&
	       count(img, len, HVM_SAVE_CODE(LAPIC)) ==
	       count(img, len, HVM_SAVE_CODE(MTRR)) &&
	       count(img, len, HVM_SAVE_CODE(LAPIC_REGS)) ==
	       count(img, len, HVM_SAVE_CODE(MTRR)) &&
	       count(img, len, HVM_SAVE_CODE(ISA_IRQ)) == 1,
	       "d%u's image (%ld bytes) holds PIC 0 and 1, IOAPIC, LAPIC and "
	       "LAPIC_REGS per vCPU, the IRQ routing and PIT", PEER, len);
	expect(set_image(PEER, img, len), 0, "d%u's image set back", PEER);
	len2 = get_image(PEER, img2);
	report(same_but_tsc(img, len, img2, len2),
	       "and read again: the same %ld bytes (but the TSC)", len2);
	/* A new master PIC mask goes in and comes back. */
	pic = (void *)find(img, len, HVM_SAVE_CODE(PIC), 0, NULL);
	imr = pic->imr;
	pic->imr = 0x5a;
	expect(set_image(PEER, img, len), 0, "d%u's image with PIC IMR 0x5a", PEER);
	len2 = get_image(PEER, img2);
	pic = (void *)find(img2, len2, HVM_SAVE_CODE(PIC), 0, NULL);
	report(pic && pic->imr == 0x5a, "and the PIC's IMR reads 0x5a (%#x)",
	       pic ? pic->imr : 0);
	platform_refusals(len);
	pic = (void *)find(img, len, HVM_SAVE_CODE(PIC), 0, NULL);
	pic->imr = imr;
	expect(set_image(PEER, img, len), 0, "d%u's own image back", PEER);
	expect(domctl(XEN_DOMCTL_unpausedomain, PEER), 0, "unpause d%u", PEER);
}
