/*
 * Host tests of the device records of HVM save images (hvm/save.c with
 * hvm/save_devices.c, the vLAPIC's hvm/vlapic_save.c and the devices'
 * own save functions in hvm/vdev/), on the domain of hvm_save_dom.h:
 *  - which records a PVH and an HVM domain's images hold, in Xen 4.17's
 *    order, and what the vLAPIC's look like;
 *  - a busy domain saved, loaded into a fresh one, saved again: the same
 *    bytes; the timers running again;
 *  - what a load recomputes: PIC and IO-APIC outputs from the loaded
 *    registers and lines, the routing counts, the PIT and APIC timers
 *    from their loaded counts; records without their partner.
 * test_hvm_save_bad.c has the refusals.
 */
#include "hvm_save_dom.h"

/* --- Layout --- */

static void expect_types(const struct image *im, const u16 *types,
			 unsigned int n)
{
	struct hvm_save_descriptor d;
	size_t off = 0;
	unsigned int i = 0;

	for (; off + sizeof(d) <= im->len && i < n; i++) {
		memcpy(&d, im->b + off, sizeof(d));
		CHECK_EQ(d.typecode, types[i]);
		off += sizeof(d) + d.length;
	}
	CHECK_EQ(i, n);
	CHECK_EQ(off, im->len);
}

/* Xen 4.17 saves a PVH domain's vLAPICs and (empty) routing records. */
TEST(pvh_image)
{
	static const u16 types[] = { 1, T_LAPIC, T_LAPIC, T_LAPIC_REGS,
		T_LAPIC_REGS, T_PCI_IRQ, T_ISA_IRQ, T_PCI_LINK, T_MTRR, T_MTRR,
		0 };
	static struct image im;
	struct hvm_hw_lapic hw;
	u8 *regs;

	setup(PVH_EMU);
	CHECK(!dom.virq);
	save(&im);
	expect_types(&im, types, ARRAY_SIZE(types));
	for (unsigned int i = 0; i < NV; i++) {
		memcpy(&hw, find_record(im.b, im.len, T_LAPIC, i), sizeof(hw));
		regs = find_record(im.b, im.len, T_LAPIC_REGS, i);
		/* x2APIC mode, APIC software-disabled (SVR 0xff). */
		CHECK_EQ(hw.apic_base_msr, 0xfee00000 | APIC_EN | APIC_EXTD |
			 (i ? 0 : APIC_BSP));
		CHECK_EQ(hw.disabled, 2);
		CHECK_EQ(hw.timer_divisor, 2);
		CHECK_EQ(hw.tdt_msr, 0);
		CHECK_EQ(page_reg(regs, A_ID), 2 * i);
		CHECK_EQ(page_reg(regs, A_VER), 0x50014);
		CHECK_EQ(page_reg(regs, A_LDR), 1U << (2 * i));
		CHECK_EQ(page_reg(regs, A_DFR), 0xffffffff);
		CHECK_EQ(page_reg(regs, A_SVR), 0xff);
		CHECK_EQ(page_reg(regs, A_LVTT), 0x10000);
		CHECK_EQ(page_reg(regs, A_LVTERR), 0x10000);
	}
	for (u16 t = T_PCI_IRQ; t <= T_PCI_LINK; t++) {
		u8 *b = find_record(im.b, im.len, t, 0);

		for (unsigned int i = 0; i < 8; i++)
			CHECK_EQ(b[i], 0);
	}
}

TEST(hvm_image)
{
	static const u16 types[] = { 1, T_PIC, T_PIC, T_IOAPIC, T_LAPIC,
		T_LAPIC, T_LAPIC_REGS, T_LAPIC_REGS, T_PCI_IRQ, T_ISA_IRQ,
		T_PCI_LINK, T_PIT, T_MTRR, T_MTRR, 0 };
	static struct image im;
	struct hvm_hw_vpic pic;
	struct hvm_hw_vioapic io;
	struct hvm_hw_pit pit;
	struct hvm_hw_lapic hw;
	u8 *regs;

	busy();
	save(&im);
	expect_types(&im, types, ARRAY_SIZE(types));
	memcpy(&pic, find_record(im.b, im.len, T_PIC, 0), sizeof(pic));
	CHECK(pic.is_master && pic.irq_base == 0x30 && pic.imr == 0xf8);
	CHECK(pic.elcr == 0x04 && pic.priority_add == 4 && pic.readsel_isr);
	CHECK(pic.irr == 0x06 && pic.int_output);	/* IRQ 1, the slave */
	memcpy(&pic, find_record(im.b, im.len, T_PIC, 1), sizeof(pic));
	CHECK(!pic.is_master && pic.irq_base == 0x38 && pic.elcr == 0x02);
	CHECK_EQ(pic.irr, 0x02);			/* IRQ 9, level */
	memcpy(&io, find_record(im.b, im.len, T_IOAPIC, 0), sizeof(io));
	CHECK_EQ(io.base_address, 0xfec00000);
	CHECK_EQ(io.id, 3);
	CHECK_EQ(io.redirtbl[16].bits, (2ULL << 56) | 0xc051);	/* Remote IRR */
	memcpy(&pit, find_record(im.b, im.len, T_PIT, 0), sizeof(pit));
	CHECK(pit.channels[0].count == 11932 && pit.channels[0].mode == 2);
	CHECK(pit.channels[2].count == 0x1234 && pit.channels[2].mode == 3);
	CHECK(pit.channels[2].gate && pit.speaker_data_on == 1);
	CHECK_EQ(*(u64 *)find_record(im.b, im.len, T_ISA_IRQ, 0), 0x2);
	CHECK_EQ(*(u64 *)find_record(im.b, im.len, T_PCI_IRQ, 0), 0x1);
	CHECK_EQ(*find_record(im.b, im.len, T_PCI_LINK, 0), 9);
	/* vCPU 0 (x2APIC) and vCPU 1 (xAPIC) as the guest reads them. */
	regs = find_record(im.b, im.len, T_LAPIC_REGS, 0);
	CHECK_EQ(page_reg(regs, A_TPR), 0x20);
	CHECK_EQ(page_reg(regs, A_ISR + 0x30), 1U << 1);	/* 0x61 */
	CHECK_EQ(page_reg(regs, A_IRR + 0x30), 1U << 2);	/* 0x62 */
	CHECK_EQ(page_reg(regs, A_ESR), 0x20);
	CHECK_EQ(page_reg(regs, A_ICR), 0x4005);
	CHECK_EQ(page_reg(regs, A_LVTT), 0x200ef);
	CHECK_EQ(page_reg(regs, A_TMICT), 100000);
	CHECK_EQ(page_reg(regs, A_TDCR), 0xb);
	memcpy(&hw, find_record(im.b, im.len, T_LAPIC, 0), sizeof(hw));
	CHECK(hw.disabled == 0 && hw.timer_divisor == 1);
	regs = find_record(im.b, im.len, T_LAPIC_REGS, 1);
	memcpy(&hw, find_record(im.b, im.len, T_LAPIC, 1), sizeof(hw));
	CHECK_EQ(hw.apic_base_msr, 0xfee00000 | APIC_EN);
	CHECK_EQ(page_reg(regs, A_ID), 2 << 24);
	CHECK_EQ(page_reg(regs, A_LDR), 0x12000000);
	CHECK_EQ(page_reg(regs, A_DFR), 0x0fffffff);
	CHECK_EQ(page_reg(regs, A_ICR2), 0x02000000);
	CHECK_EQ(page_reg(regs, A_IRR + 0x20), 1U << 17);	/* 0x51 */
	CHECK_EQ(page_reg(regs, A_TMR + 0x20), 1U << 17);
}

/* --- Round trips --- */

TEST(round_trip)
{
	static struct image a, b;
	struct vlapic *vl;

	busy();
	save(&a);
	setup(ALL_EMU);
	fake_now = 5000000;
	CHECK_EQ(load(&a), 0);
	save(&b);
	CHECK_EQ(b.len, a.len);
	CHECK(!memcmp(a.b, b.b, a.len));
	/* The timers count again from the loaded counts. */
	vl = vc[0].hvm->vlapic;
	CHECK(timer_armed(&vl->timer));
	CHECK_EQ(vl->timer.expires, 5000000 + 1000000);
	CHECK(timer_armed(&plat()->pit_timer));
	CHECK(plat()->pit_timer.expires > 5000000 + 9999000 &&
	      plat()->pit_timer.expires < 5000000 + 10001000);
	CHECK(!timer_armed(&vc[1].hvm->vlapic->timer));
	/* Each vCPU with a vLAPIC record looks at its interrupts again. */
	CHECK(kicks[0] >= 1 && kicks[1] >= 1);
	CHECK_EQ(vlapic_pending_irq(&vc[1]), 0x51);
	/* They run: the PIT ticks into the PIC (IR0), the APIC timer into
	 * the IRR. */
	run_to(5000000 + 10100000);
	CHECK(irr_has(0, 0xef));
	CHECK(plat()->pic.chip[0].irr & 1);
	/* The routing counts are the loaded wires': dropping them works. */
	CHECK_EQ(virq_set_pci_intx_level(dom.virq, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(virq_set_isa_irq_level(dom.virq, 1, 0), 0);
	CHECK_EQ(plat()->pic.chip[1].irr, 0);
	CHECK_EQ(plat()->ioapic.lines & ~(1ULL << 2), 0);
	/* The domain's own image goes back in unchanged (Xen's restore of
	 * a running domain). */
	busy();
	save(&a);
	CHECK_EQ(load(&a), 0);
	save(&b);
	CHECK(b.len == a.len && !memcmp(a.b, b.b, a.len));
}

TEST(pvh_round_trip)
{
	static struct image a, b;

	setup(PVH_EMU);
	apic_wr(0, MSR(A_SVR), 0x1ff);
	apic_wr(1, MSR(A_SVR), 0x1ff);
	apic_wr(1, MSR(A_TPR), 0x40);
	vlapic_set_irq(&vc[1], 0xf3);		/* an upcall vector */
	save(&a);
	setup(PVH_EMU);
	CHECK_EQ(load(&a), 0);
	save(&b);
	CHECK(b.len == a.len && !memcmp(a.b, b.b, a.len));
	CHECK(irr_has(1, 0xf3));
	CHECK(kicks[1] >= 1);
}

/* --- What a load recomputes --- */

/* A master PIC record as Linux leaves it, IRQ 1 requested. */
static struct hvm_hw_vpic master_rec(u8 irr, u8 imr)
{
	return (struct hvm_hw_vpic){ .irr = irr, .imr = imr, .irq_base = 0x30,
				     .is_master = 1, .elcr = 0x04 };
}

TEST(pic_output_recomputed)
{
	static struct image im;
	struct hvm_hw_vpic m = master_rec(0x02, 0x00), s = { .irq_base = 0x38 };
	struct hvm_hw_isa_irqs isa = { .pad = { 1U << 9 } };

	/* Requested and unmasked: INT is high, and the BSP is kicked to
	 * look (the record says so already; a vCPU in HLT must still wake
	 * for it). */
	m.int_output = 1;
	setup(ALL_EMU);
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_PIC, 0, sizeof(m), &m, sizeof(m));
	put(&im, T_PIC, 1, sizeof(s), &s, sizeof(s));
	put_end(&im);
	CHECK_EQ(load(&im), 0);
	CHECK(vpic_int_output(&plat()->pic));
	CHECK_EQ(kicks[0], 1);
	save(&im);
	CHECK(PIC(find_record(im.b, im.len, T_PIC, 0))->int_output);
	/* Masked: no INT (the record's stale 1 is not believed), no kick. */
	setup(ALL_EMU);
	m = master_rec(0x02, 0x02);
	m.int_output = 1;
	one_record(&im, &env, T_PIC, 0, &m, sizeof(m));
	CHECK_EQ(load(&im), 0);
	CHECK(!vpic_int_output(&plat()->pic));
	CHECK_EQ(kicks[0], 0);
	/* A level IR whose line the ISA_IRQ record raises requests, and
	 * the slave's INT reaches master IR2. */
	setup(ALL_EMU);
	m = master_rec(0, 0);
	s = (struct hvm_hw_vpic){ .irq_base = 0x38, .elcr = 0x02 };
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_PIC, 0, sizeof(m), &m, sizeof(m));
	put(&im, T_PIC, 1, sizeof(s), &s, sizeof(s));
	put(&im, T_ISA_IRQ, 0, sizeof(isa), &isa, sizeof(isa));
	put_end(&im);
	CHECK_EQ(load(&im), 0);
	CHECK_EQ(plat()->pic.chip[1].irr, 0x02);
	CHECK_EQ(plat()->pic.chip[0].irr, 0x04);
	CHECK(vpic_int_output(&plat()->pic));
	CHECK_EQ(vpic_ack(&plat()->pic), 0x39);		/* IRQ 9 */
	/* Two records of one instance: the last counts. */
	setup(ALL_EMU);
	m = master_rec(0, 0x11);
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_PIC, 0, sizeof(m), &m, sizeof(m));
	m.imr = 0x22;
	put(&im, T_PIC, 0, sizeof(m), &m, sizeof(m));
	put_end(&im);
	CHECK_EQ(load(&im), 0);
	CHECK_EQ(plat()->pic.chip[0].imr, 0x22);
}

TEST(ioapic_levels_recomputed)
{
	static struct image im;
	struct hvm_hw_vioapic io = { .base_address = 0xfec00000 };
	struct hvm_hw_pci_irqs pci = { .pad = { 1 } };	/* device 0 INTA */

	for (unsigned int p = 0; p < 48; p++)
		io.redirtbl[p].fields.mask = 1;
	/* Pin 16 level, unmasked, vector 0x51 to vCPU 0, not awaiting an
	 * EOI; its wire asserted: delivered at the load. */
	io.redirtbl[16].bits = 0x8051;
	setup(ALL_EMU);
	apic_wr(0, MSR(A_SVR), 0x1ff);
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_IOAPIC, 0, sizeof(io), &io, sizeof(io));
	put(&im, T_PCI_IRQ, 0, sizeof(pci), &pci, sizeof(pci));
	put_end(&im);
	CHECK_EQ(load(&im), 0);
	CHECK(irr_has(0, 0x51));
	CHECK(vc[0].hvm->vlapic->tmr[2] & (1U << 17));
	CHECK(vioapic_redir(&plat()->ioapic, 16) & (1U << 14));
	/* Its EOI: the line is still high, so it comes again. */
	vlapic_ack_irq(&vc[0], 0x51);
	apic_wr(0, MSR(A_EOI), 0);
	CHECK(irr_has(0, 0x51));
	/* The counts are the records': the wire drops, the line drops. */
	CHECK_EQ(virq_set_pci_intx_level(dom.virq, 0, 0, 0, 0, 0), 0);
	CHECK_EQ(plat()->ioapic.lines, 0);
	/* Awaiting its EOI in the record: not delivered again. */
	io.redirtbl[16].fields.remote_irr = 1;
	setup(ALL_EMU);
	apic_wr(0, MSR(A_SVR), 0x1ff);
	im.len = 0;
	put_header(&im, &env);
	put(&im, T_IOAPIC, 0, sizeof(io), &io, sizeof(io));
	put(&im, T_PCI_IRQ, 0, sizeof(pci), &pci, sizeof(pci));
	put_end(&im);
	CHECK_EQ(load(&im), 0);
	CHECK(!irr_has(0, 0x51));
	CHECK_EQ(plat()->ioapic.lines, 1ULL << 16);
}

TEST(pit_rearmed)
{
	static struct image im;
	struct hvm_hw_pit pit = { .channels = {
		{ .count = 1193, .rw_mode = 3, .read_state = 3,
		  .write_state = 3, .mode = 2, .gate = 1 },
		{ .count = 0x10000, .mode = 0xff, .gate = 1 },	/* Xen's */
		{ .count = 0, .rw_mode = 3, .read_state = 3,
		  .write_state = 3 } } };
	struct hvm_hw_pit *saved;
	s_time_t t0 = 7000000;

	setup(ALL_EMU);
	fake_now = t0;
	one_record(&im, &env, T_PIT, 0, &pit, sizeof(pit));
	CHECK_EQ(load(&im), 0);
	/* 1193 PIT clocks from the load: 999.8 us. */
	CHECK(timer_armed(&plat()->pit_timer));
	CHECK(plat()->pit_timer.expires >= t0 + 999000 &&
	      plat()->pit_timer.expires <= t0 + 1000000);
	save(&im);
	saved = PIT(find_record(im.b, im.len, T_PIT, 0));
	CHECK_EQ(saved->channels[1].mode, 0xff);
	CHECK_EQ(saved->channels[2].count, 0x10000);	/* 0 means 65536 */
	CHECK(!plat()->pit.counting[1]);
	CHECK(plat()->pit.counting[0] && plat()->pit.counting[2]);
	/* It ticks: IRQ 0's wire goes high (Xen's pulse leaves it so). */
	run_to(t0 + 1100000);
	save(&im);
	CHECK_EQ(*(u64 *)find_record(im.b, im.len, T_ISA_IRQ, 0), 1);
	/* Loaded again with channel 0 in mode 0 (Linux's shut-down) before
	 * the first tick: the timer stops. */
	setup(ALL_EMU);
	one_record(&im, &env, T_PIT, 0, &pit, sizeof(pit));
	CHECK_EQ(load(&im), 0);
	CHECK(timer_armed(&plat()->pit_timer));
	pit.channels[0].mode = 0;
	one_record(&im, &env, T_PIT, 0, &pit, sizeof(pit));
	CHECK_EQ(load(&im), 0);
	CHECK(!timer_armed(&plat()->pit_timer));
}

TEST(lapic_timer_rearmed)
{
	static struct image a, im;
	struct hvm_save_lapic l;
	struct vlapic *vl;

	setup(PVH_EMU);
	vlapic_save(&vc[0], &l.hw, &l.regs);
	page_set(l.regs.data, A_SVR, 0x1ff);
	page_set(l.regs.data, A_LVTT, 0x200ef);		/* periodic */
	page_set(l.regs.data, A_TMICT, 1000);
	page_set(l.regs.data, A_TDCR, 0xb);
	l.hw.disabled = 0;
	l.hw.timer_divisor = 1;
	a.len = 0;
	put_header(&a, &env);
	put(&a, T_LAPIC, 0, sizeof(l.hw), &l.hw, sizeof(l.hw));
	put(&a, T_LAPIC_REGS, 0, sizeof(l.regs), &l.regs, sizeof(l.regs));
	put_end(&a);
	fake_now = 3000000;
	CHECK_EQ(load(&a), 0);
	vl = vc[0].hvm->vlapic;
	CHECK(timer_armed(&vl->timer));
	CHECK_EQ(vl->timer.expires, 3000000 + 10000);	/* 1000 x 10 ns */
	run_to(3000000 + 25000);
	CHECK(irr_has(0, 0xef));
	/* Hardware-disabled: the count does not run. */
	setup(PVH_EMU);
	l.hw.apic_base_msr = 0xfee00000;
	l.hw.disabled = 1;
	page_set(l.regs.data, A_LDR, 0);
	im = a;
	memcpy(find_record(im.b, im.len, T_LAPIC, 0), &l.hw, sizeof(l.hw));
	memcpy(find_record(im.b, im.len, T_LAPIC_REGS, 0), &l.regs,
	       sizeof(l.regs));
	CHECK_EQ(load(&im), 0);
	CHECK(!timer_armed(&vc[0].hvm->vlapic->timer));
	CHECK_EQ(vlapic_base_msr(&vc[0]), 0xfee00000);
}

/* A record without its partner is checked and applied against the
 * vCPU's current other half; an old LAPIC record is zero-extended. */
TEST(lapic_partial_images)
{
	static struct image im;
	struct hvm_save_lapic l;

	setup(PVH_EMU);
	vlapic_save(&vc[1], &l.hw, &l.regs);
	/* xAPIC mode, but the registers still hold the x2APIC ID. */
	l.hw.apic_base_msr = 0xfee00000 | APIC_EN;
	one_record(&im, &env, T_LAPIC, 1, &l.hw, sizeof(l.hw));
	CHECK_EQ(load(&im), -EINVAL);
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00000 | APIC_EN | APIC_EXTD);
	/* A TPR alone. */
	setup(PVH_EMU);
	vlapic_save(&vc[1], &l.hw, &l.regs);
	page_set(l.regs.data, A_TPR, 0x30);
	one_record(&im, &env, T_LAPIC_REGS, 1, &l.regs, sizeof(l.regs));
	CHECK_EQ(load(&im), 0);
	CHECK_EQ(apic_rd(1, MSR(A_TPR)), 0x30);
	CHECK_EQ(vlapic_base_msr(&vc[1]), 0xfee00000 | APIC_EN | APIC_EXTD);
	/* 16 bytes, as before the TSC deadline: zero-extended. */
	one_record(&im, &env, T_LAPIC, 1, &l.hw, 16);
	CHECK_EQ(load(&im), 0);
	/* Xen 4.4's x2APIC LDR of 1 is fixed to the derived one. */
	page_set(l.regs.data, A_LDR, 1);
	one_record(&im, &env, T_LAPIC_REGS, 1, &l.regs, sizeof(l.regs));
	CHECK_EQ(load(&im), 0);
	CHECK_EQ(apic_rd(1, MSR(A_LDR)), 1U << 2);
}

/* A PVH domain's routing records: checked, then dropped, as dm_op's
 * levels are for a domain without the platform. */
TEST(pvh_routing_records)
{
	static struct image im, a;
	struct hvm_hw_pci_link link = { .route = { 5, 0, 0, 11 } };

	setup(PVH_EMU);
	save(&a);
	one_record(&im, &env, T_PCI_LINK, 0, &link, sizeof(link));
	CHECK_EQ(load(&im), 0);
	save(&im);
	CHECK(im.len == a.len && !memcmp(im.b, a.b, a.len));
	link.route[2] = 16;
	one_record(&im, &env, T_PCI_LINK, 0, &link, sizeof(link));
	CHECK_EQ(load(&im), -EINVAL);
}

UNIT_MAIN(pvh_image, hvm_image, round_trip, pvh_round_trip,
	  pic_output_recomputed, ioapic_levels_recomputed, pit_rearmed,
	  lapic_timer_rearmed, lapic_partial_images, pvh_routing_records)
