/*
 * Host tests of the device records of HVM save images: each class of bad
 * value refused with Xen's error code (the device missing, the instance,
 * the length, then the device's own checks), the busy domain of
 * hvm_save_dom.h unchanged (saved again: the same bytes; no timer moved,
 * no vCPU kicked), and nothing of an image applied when any of it is bad.
 */
#include "hvm_save_dom.h"

/* --- Refusals --- */

static struct image good, before;

/* @im into the busy domain: refused with @err, the domain unchanged. */
static void refused(const struct image *im, int err, const char *what)
{
	static struct image after;
	unsigned int k0, k1;
	s_time_t lt, pt;
	int rc;

	busy();
	save(&before);
	k0 = kicks[0], k1 = kicks[1];
	lt = vc[0].hvm->vlapic->timer.expires;
	pt = plat()->pit_timer.expires;
	rc = load(im);
	save(&after);
	unit_checks++;
	if (rc != err || after.len != before.len ||
	    memcmp(after.b, before.b, before.len) || kicks[0] != k0 ||
	    kicks[1] != k1 || vc[0].hvm->vlapic->timer.expires != lt ||
	    plat()->pit_timer.expires != pt) {
		unit_failures++;
		fprintf(stderr, "%s: %d (want %d), or the domain changed\n",
			what, rc, err);
	}
}

/* The busy domain's image with @mutate applied to record @type/@inst. */
static void bad_value(u16 type, u16 inst, void (*mutate)(u8 *b),
		      const char *what)
{
	static struct image im;

	im = good;
	mutate(find_record(im.b, im.len, type, inst));
	refused(&im, -EINVAL, what);
}

#define BAD(type, inst, what, stmt)					\
	do {								\
		void m_(u8 *b) { stmt; }				\
		bad_value(type, inst, m_, what);			\
	} while (0)

TEST(bad_platform_values)
{
	busy();
	save(&good);
	/* The unmutated image is good. */
	CHECK_EQ(load(&good), 0);

	BAD(T_PIC, 0, "a master claiming to be the slave", PIC(b)->is_master = 0);
	BAD(T_PIC, 1, "a slave claiming to be the master", PIC(b)->is_master = 1);
	BAD(T_PIC, 0, "master ELCR IR0", PIC(b)->elcr |= 1);
	BAD(T_PIC, 0, "master ELCR without IR2", PIC(b)->elcr = 0);
	BAD(T_PIC, 1, "slave ELCR IR0 (IRQ 8)", PIC(b)->elcr |= 1);
	BAD(T_PIC, 0, "ICW2 bits 2-0", PIC(b)->irq_base = 0x31);
	BAD(T_PIC, 1, "an init state without a next ICW", PIC(b)->init_state = 4);
	BAD(T_PIC, 0, "rotation past IR7", PIC(b)->priority_add = 8);
	BAD(T_PIC, 0, "INT output 2", PIC(b)->int_output = 2);
	BAD(T_PIC, 0, "the bit after is_master", b[5] |= 0x80);
	BAD(T_IOAPIC, 0, "a moved IO-APIC", IOAPIC(b)->base_address = 0xfed00000);
	BAD(T_IOAPIC, 0, "ID 16", IOAPIC(b)->id = 16);
	BAD(T_IOAPIC, 0, "delivery status set",
	    IOAPIC(b)->redirtbl[5].fields.delivery_status = 1);
	BAD(T_IOAPIC, 0, "Remote IRR on an edge pin",
	    IOAPIC(b)->redirtbl[2].fields.remote_irr = 1);
	BAD(T_ISA_IRQ, 0, "ISA IRQ 16", b[2] = 1);
	BAD(T_PCI_LINK, 0, "a link routed to IRQ 16", b[3] = 16);
	BAD(T_PCI_LINK, 0, "PCI_LINK padding", b[7] = 1);
	BAD(T_PIT, 0, "count 65537", PIT(b)->channels[1].count = 0x10001);
	BAD(T_PIT, 0, "mode 6", PIT(b)->channels[0].mode = 6);
	BAD(T_PIT, 0, "mode 0xfe", PIT(b)->channels[2].mode = 0xfe);
	BAD(T_PIT, 0, "rw_mode 4", PIT(b)->channels[0].rw_mode = 4);
	BAD(T_PIT, 0, "read_state 5", PIT(b)->channels[0].read_state = 5);
	BAD(T_PIT, 0, "count_latched 4", PIT(b)->channels[2].count_latched = 4);
	BAD(T_PIT, 0, "status_latched 2", PIT(b)->channels[0].status_latched = 2);
	BAD(T_PIT, 0, "BCD 2", PIT(b)->channels[0].bcd = 2);
	BAD(T_PIT, 0, "GATE low on channel 0", PIT(b)->channels[0].gate = 0);
	BAD(T_PIT, 0, "GATE 2", PIT(b)->channels[2].gate = 2);
	BAD(T_PIT, 0, "speaker 2", PIT(b)->speaker_data_on = 2);
	BAD(T_PIT, 0, "PIT padding", PIT(b)->pad0 = 1);
}

TEST(bad_lapic_values)
{
	busy();
	save(&good);
	BAD(T_LAPIC, 0, "a reserved APIC_BASE bit", LAPIC(b)->apic_base_msr |= 1 << 9);
	BAD(T_LAPIC, 0, "APIC_BASE past 52 bits", LAPIC(b)->apic_base_msr |= 1ULL << 52);
	BAD(T_LAPIC, 0, "x2APIC with the APIC disabled (Xen's check)",
	    LAPIC(b)->apic_base_msr &= ~APIC_EN; LAPIC(b)->disabled |= 1);
	BAD(T_LAPIC, 1, "a moved xAPIC page", LAPIC(b)->apic_base_msr += 0x1000);
	BAD(T_LAPIC, 0, "hw-disabled flag with EN set", LAPIC(b)->disabled = 1);
	BAD(T_LAPIC, 0, "sw-disabled flag with SVR enabled", LAPIC(b)->disabled = 2);
	BAD(T_LAPIC, 0, "a divisor TDCR contradicts", LAPIC(b)->timer_divisor = 2);
	BAD(T_LAPIC, 0, "a TSC deadline", LAPIC(b)->tdt_msr = 12345);
	BAD(T_LAPIC_REGS, 0, "another version", page_set(b, A_VER, 0x50015));
	BAD(T_LAPIC_REGS, 0, "another x2APIC ID", page_set(b, A_ID, 4));
	BAD(T_LAPIC_REGS, 1, "an x2APIC-form ID in xAPIC mode", page_set(b, A_ID, 2));
	BAD(T_LAPIC_REGS, 1, "another xAPIC ID", page_set(b, A_ID, 4 << 24));
	BAD(T_LAPIC_REGS, 0, "an x2APIC LDR not derived", page_set(b, A_LDR, 2));
	BAD(T_LAPIC_REGS, 1, "xAPIC LDR bits 23-0", page_set(b, A_LDR, 0x12000001));
	BAD(T_LAPIC_REGS, 0, "TPR 0x100", page_set(b, A_TPR, 0x100));
	BAD(T_LAPIC_REGS, 0, "SVR bit 12", page_set(b, A_SVR, 0x11ff));
	BAD(T_LAPIC_REGS, 1, "DFR bit 0 clear", page_set(b, A_DFR, 0x0ffffffe));
	BAD(T_LAPIC_REGS, 0, "ESR bit 7", page_set(b, A_ESR, 0xa0));
	BAD(T_LAPIC_REGS, 0, "vector 5 pending", page_set(b, A_IRR, 1 << 5));
	BAD(T_LAPIC_REGS, 0, "vector 15 in service", page_set(b, A_ISR, 1 << 15));
	BAD(T_LAPIC_REGS, 1, "vector 2 in TMR", page_set(b, A_TMR, 1 << 2));
	BAD(T_LAPIC_REGS, 0, "ICR delivery status", page_set(b, A_ICR, 0x5005));
	BAD(T_LAPIC_REGS, 1, "xAPIC ICR2 bits 23-0", page_set(b, A_ICR2, 0x02000001));
	BAD(T_LAPIC_REGS, 0, "TDCR bit 2", page_set(b, A_TDCR, 0xf));
	BAD(T_LAPIC_REGS, 0, "LVT LINT0 bit 17", page_set(b, A_LINT0, 0x20700));
	BAD(T_LAPIC_REGS, 0, "LVT error delivery status",
	    page_set(b, A_LVTERR, 0x11000));
	BAD(T_LAPIC_REGS, 0, "LVT LINT0 Remote IRR", page_set(b, A_LINT0, 0x4700));
	BAD(T_LAPIC_REGS, 0, "TDCR against the LAPIC record's divisor",
	    page_set(b, A_TDCR, 0));
	/* Software-disabled (SVR and the LAPIC record agreeing), LINT0
	 * left unmasked. */
	{
		static struct image im;

		im = good;
		page_set(find_record(im.b, im.len, T_LAPIC_REGS, 0), A_SVR, 0xff);
		LAPIC(find_record(im.b, im.len, T_LAPIC, 0))->disabled = 2;
		refused(&im, -EINVAL, "an unmasked LVT while software-disabled");
		page_set(find_record(im.b, im.len, T_LAPIC_REGS, 0), A_LINT0,
			 0x10700);
		page_set(find_record(im.b, im.len, T_LAPIC_REGS, 0), A_LVTT,
			 0x300ef);
		busy();
		CHECK_EQ(load(&im), 0);		/* all masked: good */
		CHECK(!timer_armed(&vc[0].hvm->vlapic->timer) ||
		      vc[0].hvm->vlapic->lvt[LVT_TIMER] & LVT_MASKED);
	}
}

/* Framing, per Xen's handlers: the device, the instance, the length. */
TEST(bad_device_framing)
{
	static struct image im;
	struct hvm_hw_vpic pic;
	struct hvm_hw_vioapic io;
	struct hvm_hw_pit pit;
	struct hvm_hw_lapic hw;
	struct hvm_hw_pci_irqs pci = { 0 };
	struct hvm_save_lapic l;
	u8 big[1100] = { 0 };

	busy();
	save(&good);
	memcpy(&pic, find_record(good.b, good.len, T_PIC, 0), sizeof(pic));
	memcpy(&io, find_record(good.b, good.len, T_IOAPIC, 0), sizeof(io));
	memcpy(&pit, find_record(good.b, good.len, T_PIT, 0), sizeof(pit));
	memcpy(&hw, find_record(good.b, good.len, T_LAPIC, 0), sizeof(hw));
	one_record(&im, &env, T_PIC, 2, &pic, sizeof(pic));
	refused(&im, -ENOENT, "PIC instance 2");
	one_record(&im, &env, T_PIC, 0, &pic, sizeof(pic) - 1);
	refused(&im, -EINVAL, "a short PIC record");
	one_record(&im, &env, T_IOAPIC, 0, &io, sizeof(io) - 8);
	refused(&im, -ENODATA, "a short IOAPIC record");
	memcpy(big, &pit, sizeof(pit));
	one_record(&im, &env, T_PIT, 0, big, sizeof(pit) + 4);
	refused(&im, -ENODATA, "a long PIT record");
	memset(big, 0, sizeof(big));
	memcpy(big, &hw, sizeof(hw));
	one_record(&im, &env, T_LAPIC, 0, big, sizeof(hw) + 8);
	refused(&im, -EINVAL, "a long LAPIC record");
	one_record(&im, &env, T_LAPIC, NV, &hw, sizeof(hw));
	refused(&im, -EINVAL, "LAPIC of vCPU 2 (there are 2)");
	one_record(&im, &env, T_LAPIC_REGS, 0, big, 1000);
	refused(&im, -EINVAL, "a short LAPIC_REGS record");
	one_record(&im, &env, T_PCI_IRQ, 0, &pci, 8);
	refused(&im, -EINVAL, "a short PCI_IRQ record");
	one_record(&im, &env, T_ISA_IRQ, 0, &pci, 16);
	refused(&im, -EINVAL, "a long ISA_IRQ record");
	/* Past the image's end. */
	one_record(&im, &env, T_PIT, 0, &pit, sizeof(pit));
	im.len -= 8 + 4;
	refused(&im, -ENODATA, "a PIT record cut short by the image");
	/* A PVH domain has no PIC, IO-APIC or PIT: Xen's -ENODEV. */
	setup(PVH_EMU);
	save(&before);
	one_record(&im, &env, T_PIC, 0, &pic, sizeof(pic));
	CHECK_EQ(load(&im), -ENODEV);
	one_record(&im, &env, T_IOAPIC, 0, &io, sizeof(io));
	CHECK_EQ(load(&im), -ENODEV);
	one_record(&im, &env, T_PIT, 0, &pit, sizeof(pit));
	CHECK_EQ(load(&im), -ENODEV);
	/* Nor does a domain without vLAPICs have LAPIC records. */
	env.get_lapic = NULL;
	vlapic_save(&vc[0], &l.hw, &l.regs);
	one_record(&im, &env, T_LAPIC, 0, &l.hw, sizeof(l.hw));
	CHECK_EQ(load(&im), -ENODEV);
	one_record(&im, &env, T_LAPIC_REGS, 0, &l.regs, sizeof(l.regs));
	CHECK_EQ(load(&im), -ENODEV);
	hvm_save_env_devices(&env, &dom);
	save(&im);
	CHECK(im.len == before.len && !memcmp(im.b, before.b, im.len));
}

/* A good PIC record, then a bad PIT one: nothing of the first applies. */
TEST(validate_before_apply)
{
	static struct image im;
	struct hvm_hw_vpic pic;
	struct hvm_hw_pit pit;

	busy();
	save(&good);
	memcpy(&pic, find_record(good.b, good.len, T_PIC, 0), sizeof(pic));
	memcpy(&pit, find_record(good.b, good.len, T_PIT, 0), sizeof(pit));
	pic.imr = 0;
	pit.channels[0].mode = 7;
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_PIC, 0, sizeof(pic), &pic, sizeof(pic));
	put(&im, T_PIT, 0, sizeof(pit), &pit, sizeof(pit));
	put_end(&im);
	refused(&im, -EINVAL, "a good PIC, then a PIT in mode 7");
}

UNIT_MAIN(bad_platform_values, bad_lapic_values, bad_device_framing,
	  validate_before_apply)
