/*
 * HVM save images: the framing of XEN_DOMCTL_gethvmcontext and
 * sethvmcontext (public/hvm/save.h), and which records a domain's image
 * holds.  Pure: the domain is reached through struct hvm_save_env
 * (hvm/save.h), so this file links unchanged into the unit tests
 * (tests/unit/test_hvm_save*.c).  The CPU and MTRR records are converted
 * and checked by hvm/save_cpu.c, the device records by their devices.
 *
 * An image is a run of records, each a struct hvm_save_descriptor
 * (typecode, instance, length) and then its body.  Saved in Xen 4.17's
 * order (xen/arch/x86/hvm/save.c hvm_save(): the header, each type in
 * typecode order with per-vCPU types once per vCPU, the end marker):
 *
 *   HEADER (1)      magic, version, changeset ~0 ("unknown", what Xen
 *                   writes without a changeset), the host's CPUID.1:EAX
 *                   (Xen's arch_hvm_save()), the domain's TSC kHz;
 *   CPU (2)         struct hvm_hw_cpu for each vCPU that is up: Xen saves
 *                   none for a vCPU that is down, and a load leaves it
 *                   down;
 *   PIC (3)         instance 0 the master 8259, 1 the slave, IOAPIC (4):
 *                   with the emulated platform's PIC, IO-APIC;
 *   LAPIC (5), LAPIC_REGS (6): each vCPU's vLAPIC (every Amphi vCPU has
 *                   one; a Xen PVH domain has them too);
 *   PCI_IRQ (7), ISA_IRQ (8), PCI_LINK (9): the interrupt wiring, for
 *                   every domain, as Xen writes them for every HVM and PVH
 *                   domain (empty without the platform);
 *   PIT (10)        with the platform's PIT;
 *   MTRR (14)       struct hvm_hw_mtrr for each vCPU;
 *   END (0).
 *
 * So a PVH domain's image is HEADER, CPU, LAPIC, LAPIC_REGS, the three
 * routing records, MTRR and END, as from Xen 4.17.  Not emitted, as Amphi
 * has no such state or does not save it yet: RTC (11), HPET (12),
 * PMTIMER (13) (device-model devices here: QEMU saves them);
 * VIRIDIAN_DOMAIN/VCPU (15, 17): not offered; CPU_XSAVE (16): only the
 * legacy x87/SSE region travels, in CPU; VMCE_VCPU (18), TSC_ADJUST (19),
 * CPU_MSR (20): not yet.  A load refuses those types with -EINVAL, as Xen
 * answers a type it has no handler for.
 *
 * Loading is Xen's hvm_load() with one deliberate difference: the whole
 * image is decoded and checked first, and only then applied (a second
 * pass over the same bytes, which cannot fail), so a bad image changes
 * nothing; Xen applies record by record and stops at the first bad one.
 * Each record type answers as Xen's handler for it does: -ENODEV for a
 * device the domain lacks (PIC, IOAPIC, LAPIC, PIT), -ENOENT for a PIC
 * instance past 1, -EINVAL for a vCPU that does not exist, a bad length
 * -EINVAL, but -ENODATA for IOAPIC and PIT; shorter CPU and LAPIC records
 * are zero-extended.  The instance of a per-domain record other than the
 * PIC is not looked at, as in Xen.  -ENODATA for a missing or short
 * header or a missing end marker, -EINVAL for the rest, including every
 * value a device refuses (vpic_check() and the like say which; Xen takes
 * device records as they are).
 *
 * Applying: CPU and MTRR records in image order; then each vLAPIC with a
 * record (the last LAPIC and LAPIC_REGS for it, a missing half taken
 * from its current state); then the platform, the last record of each
 * type laid over its current state.  The devices then recompute what
 * follows from the loaded state, as Xen's load handlers do (the routing
 * counts) and as any input change would (PIC and IO-APIC outputs); the
 * PIT and vLAPIC timers start again from their loaded counts, as Xen's
 * pit_load() and lapic_rearm() restart them.  Records that never came
 * leave their state alone.  A device record that is in the image twice
 * (same type and instance) is applied once, the last one, where Xen
 * applies both in turn.
 */
#include <hvm/save.h>
#include <hvm/vdev/vioapic.h>
#include <hvm/vdev/virq.h>
#include <hvm/vdev/vpic.h>
#include <hvm/vdev/vpit.h>
#include <hvm/vlapic.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <public/xen.h>

#define DESC_LEN sizeof(struct hvm_save_descriptor)
#define FIRST_RECORD (DESC_LEN + sizeof(struct hvm_save_header))
#define ANY_INSTANCE (-1)

/* The device records (typecodes 3-10), as Xen's handlers frame them. */
static const struct dev_type {
	u32 len;		/* the record's length */
	u32 emu;		/* XEN_X86_EMU_* needed (else -ENODEV), or 0 */
	int len_err;		/* Xen's answer to another length */
	bool per_vcpu;		/* the instance is a vCPU id */
	bool zero_extend;	/* shorter lengths accepted */
} dev_types[] = {
	[HVM_SAVE_CODE(PIC)] = { sizeof(struct hvm_hw_vpic),
				 XEN_X86_EMU_PIC, -EINVAL },
	[HVM_SAVE_CODE(IOAPIC)] = { sizeof(struct hvm_hw_vioapic),
				    XEN_X86_EMU_IOAPIC, -ENODATA },
	[HVM_SAVE_CODE(LAPIC)] = { sizeof(struct hvm_hw_lapic),
				   XEN_X86_EMU_LAPIC, -EINVAL, true, true },
	[HVM_SAVE_CODE(LAPIC_REGS)] = { sizeof(struct hvm_hw_lapic_regs),
					XEN_X86_EMU_LAPIC, -EINVAL, true },
	[HVM_SAVE_CODE(PCI_IRQ)] = { sizeof(struct hvm_hw_pci_irqs), 0,
				     -EINVAL },
	[HVM_SAVE_CODE(ISA_IRQ)] = { sizeof(struct hvm_hw_isa_irqs), 0,
				     -EINVAL },
	[HVM_SAVE_CODE(PCI_LINK)] = { sizeof(struct hvm_hw_pci_link), 0,
				      -EINVAL },
	[HVM_SAVE_CODE(PIT)] = { sizeof(struct hvm_hw_pit), XEN_X86_EMU_PIT,
				 -ENODATA },
};

/* Any device record's body. */
union dev_record {
	struct hvm_hw_vpic pic;
	struct hvm_hw_vioapic ioapic;
	struct hvm_hw_lapic lapic;
	struct hvm_hw_lapic_regs lapic_regs;
	struct hvm_hw_pci_irqs pci_irq;
	struct hvm_hw_isa_irqs isa_irq;
	struct hvm_hw_pci_link pci_link;
	struct hvm_hw_pit pit;
};

static bool has_device(const struct hvm_save_env *env, u32 emu)
{
	if (emu == XEN_X86_EMU_LAPIC)
		return env->get_lapic;
	return !emu || (env->platform_emu & emu);
}

static bool vcpu_ok(const struct hvm_save_env *env, unsigned int id)
{
	return id < env->max_vcpus && env->vcpu_exists(env->ctx, id);
}

/* ---- Saving ---- */

size_t hvm_save_size(unsigned int nr_vcpus)
{
	size_t per_vcpu = 4 * DESC_LEN + sizeof(struct hvm_hw_cpu) +
			  sizeof(struct hvm_hw_mtrr) +
			  sizeof(struct hvm_hw_lapic) +
			  sizeof(struct hvm_hw_lapic_regs);
	size_t platform = 7 * DESC_LEN + 2 * sizeof(struct hvm_hw_vpic) +
			  sizeof(struct hvm_hw_vioapic) +
			  sizeof(struct hvm_hw_pci_irqs) +
			  sizeof(struct hvm_hw_isa_irqs) +
			  sizeof(struct hvm_hw_pci_link) +
			  sizeof(struct hvm_hw_pit);

	return FIRST_RECORD + DESC_LEN + platform + nr_vcpus * per_vcpu;
}

/* One record at @buf + *off.  Pre: it fits (hvm_save_size()). */
static void put_record(u8 *buf, size_t *off, u16 type, u16 inst,
		       const void *body, u32 len)
{
	struct hvm_save_descriptor d = { .typecode = type, .instance = inst,
					 .length = len };

	memcpy(buf + *off, &d, DESC_LEN);
	if (len)
		memcpy(buf + *off + DESC_LEN, body, len);
	*off += DESC_LEN + len;
}

static void put_cpus(const struct hvm_save_env *env, u8 *buf, size_t *off)
{
	struct hvm_cpu_ctx c;
	struct hvm_hw_cpu r;

	for (unsigned int id = 0; id < env->max_vcpus; id++) {
		if (!env->vcpu_exists(env->ctx, id) ||
		    !env->vcpu_up(env->ctx, id))
			continue;
		env->get_cpu(env->ctx, id, &c);
		hvm_cpu_to_record(&c, &r);
		put_record(buf, off, HVM_SAVE_CODE(CPU), id, &r, sizeof(r));
	}
}

/* LAPIC for every vCPU, then LAPIC_REGS for every vCPU. */
static void put_lapics(const struct hvm_save_env *env, u8 *buf, size_t *off)
{
	struct hvm_save_lapic l;
	size_t regs_off = *off;
	unsigned int n = 0;

	if (!env->get_lapic)
		return;
	for (unsigned int id = 0; id < env->max_vcpus; id++)
		n += env->vcpu_exists(env->ctx, id);
	regs_off += n * (DESC_LEN + sizeof(l.hw));
	for (unsigned int id = 0; id < env->max_vcpus; id++) {
		if (!env->vcpu_exists(env->ctx, id))
			continue;
		env->get_lapic(env->ctx, id, &l);
		put_record(buf, off, HVM_SAVE_CODE(LAPIC), id, &l.hw,
			   sizeof(l.hw));
		put_record(buf, &regs_off, HVM_SAVE_CODE(LAPIC_REGS), id,
			   &l.regs, sizeof(l.regs));
	}
	*off = regs_off;
}

static void put_mtrrs(const struct hvm_save_env *env, u8 *buf, size_t *off)
{
	struct hvm_hw_mtrr m;

	for (unsigned int id = 0; id < env->max_vcpus; id++) {
		if (!env->vcpu_exists(env->ctx, id))
			continue;
		env->get_mtrr(env->ctx, id, &m);
		put_record(buf, off, HVM_SAVE_CODE(MTRR), id, &m, sizeof(m));
	}
}

long hvm_save_image(const struct hvm_save_env *env, void *buf, size_t size)
{
	struct hvm_save_header hdr = {
		.magic = HVM_FILE_MAGIC, .version = HVM_FILE_VERSION,
		.changeset = ~0ULL, .cpuid = env->cpuid1_eax,
		.gtsc_khz = env->gtsc_khz };
	struct hvm_save_platform p = { 0 };
	unsigned int n = 0;
	size_t off = 0;

	for (unsigned int id = 0; id < env->max_vcpus; id++)
		n += env->vcpu_exists(env->ctx, id);
	if (!buf)
		return hvm_save_size(n);
	if (size < hvm_save_size(n))
		return -ENOSPC;
	if (env->get_platform)
		env->get_platform(env->ctx, &p);
	put_record(buf, &off, HVM_SAVE_CODE(HEADER), 0, &hdr, sizeof(hdr));
	put_cpus(env, buf, &off);
	if (has_device(env, XEN_X86_EMU_PIC))
		for (u16 i = 0; i < 2; i++)
			put_record(buf, &off, HVM_SAVE_CODE(PIC), i, &p.pic[i],
				   sizeof(p.pic[i]));
	if (has_device(env, XEN_X86_EMU_IOAPIC))
		put_record(buf, &off, HVM_SAVE_CODE(IOAPIC), 0, &p.ioapic,
			   sizeof(p.ioapic));
	put_lapics(env, buf, &off);
	put_record(buf, &off, HVM_SAVE_CODE(PCI_IRQ), 0, &p.pci_irq,
		   sizeof(p.pci_irq));
	put_record(buf, &off, HVM_SAVE_CODE(ISA_IRQ), 0, &p.isa_irq,
		   sizeof(p.isa_irq));
	put_record(buf, &off, HVM_SAVE_CODE(PCI_LINK), 0, &p.pci_link,
		   sizeof(p.pci_link));
	if (has_device(env, XEN_X86_EMU_PIT))
		put_record(buf, &off, HVM_SAVE_CODE(PIT), 0, &p.pit,
			   sizeof(p.pit));
	put_mtrrs(env, buf, &off);
	put_record(buf, &off, HVM_SAVE_CODE(END), 0, NULL, 0);
	return off;
}

/* ---- Loading: one record ---- */

static int bad(const struct hvm_save_descriptor *d, const char *why, int rc)
{
	printk(KERN_WARNING "HVM restore: record type %u instance %u length "
	       "%u: %s\n", d->typecode, d->instance, d->length, why);
	return rc;
}

/* A CPU or MTRR record: checked, and applied if @apply.  0 or -EINVAL. */
static int vcpu_record(const struct hvm_save_env *env,
		       const struct hvm_save_descriptor *d, const u8 *body,
		       size_t left, bool apply)
{
	const char *why;
	struct hvm_cpu_ctx c;
	struct hvm_hw_cpu r;
	struct hvm_hw_mtrr m;

	if (!vcpu_ok(env, d->instance))
		return bad(d, "no such vCPU", -EINVAL);
	if (d->typecode == HVM_SAVE_CODE(CPU)) {
		if (d->length > sizeof(r) || d->length > left)
			return bad(d, "bad length", -EINVAL);
		hvm_cpu_record_read(body, d->length, &r);
		why = hvm_cpu_from_record(env, &r, &c);
		if (why)
			return bad(d, why, -EINVAL);
		if (apply)
			env->set_cpu(env->ctx, d->instance, &c);
		return 0;
	}
	if (d->length != sizeof(m) || d->length > left)
		return bad(d, "bad length", -EINVAL);
	memcpy(&m, body, sizeof(m));
	why = hvm_mtrr_check(env, &m);
	if (why)
		return bad(d, why, -EINVAL);
	if (apply)
		env->set_mtrr(env->ctx, d->instance, &m);
	return 0;
}

/* Device record @d in @rec, zero-extended as its type allows.  Pre: its
 * length passed dev_record(). */
static void dev_read(const struct hvm_save_descriptor *d, const u8 *body,
		     union dev_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	memcpy(rec, body, d->length);
}

/*
 * A device record (typecodes 3-10), checked as far as it can be alone:
 * Xen's handler's checks in its order (the device, the instance, the
 * length), then the device's own.  The vLAPIC's two records are checked
 * together once the whole image is framed (check_lapics()).  Nothing is
 * applied here (apply_devices()).
 */
static int dev_record(const struct hvm_save_env *env,
		      const struct hvm_save_descriptor *d, const u8 *body,
		      size_t left)
{
	const struct dev_type *t = &dev_types[d->typecode];
	union dev_record rec;
	const char *why = NULL;

	if (!has_device(env, t->emu))
		return bad(d, "the domain has no such device", -ENODEV);
	if (d->typecode == HVM_SAVE_CODE(PIC) && d->instance > 1)
		return bad(d, "no such PIC", -ENOENT);
	if (t->per_vcpu && !vcpu_ok(env, d->instance))
		return bad(d, "no such vCPU", -EINVAL);
	if (d->length > left || d->length > t->len ||
	    (!t->zero_extend && d->length != t->len))
		return bad(d, "bad length", t->len_err);
	dev_read(d, body, &rec);
	switch (d->typecode) {
	case HVM_SAVE_CODE(PIC):
		why = vpic_check(&rec.pic, d->instance);
		break;
	case HVM_SAVE_CODE(IOAPIC):
		why = vioapic_check(&rec.ioapic);
		break;
	case HVM_SAVE_CODE(ISA_IRQ):
		why = virq_check_isa(&rec.isa_irq);
		break;
	case HVM_SAVE_CODE(PCI_LINK):
		why = virq_check_link(&rec.pci_link);
		break;
	case HVM_SAVE_CODE(PIT):
		why = vpit_check(&rec.pit);
		break;
	}
	return why ? bad(d, why, -EINVAL) : 0;
}

static int load_record(const struct hvm_save_env *env,
		       const struct hvm_save_descriptor *d, const u8 *body,
		       size_t left, bool apply)
{
	if (d->typecode == HVM_SAVE_CODE(CPU) ||
	    d->typecode == HVM_SAVE_CODE(MTRR))
		return vcpu_record(env, d, body, left, apply);
	if (d->typecode < ARRAY_SIZE(dev_types) && dev_types[d->typecode].len)
		return apply ? 0 : dev_record(env, d, body, left);
	return bad(d, "unknown typecode", -EINVAL);
}

/* ---- Loading: the devices, once the image is framed ---- */

/*
 * The body of the last record of @type (and @inst, unless ANY_INSTANCE)
 * in @buf, or NULL; its descriptor in *@d.  Pre: the records up to END
 * passed load_record().
 */
static const u8 *find_last(const u8 *buf, u16 type, int inst,
			   struct hvm_save_descriptor *d)
{
	struct hvm_save_descriptor x;
	const u8 *found = NULL;

	for (size_t off = FIRST_RECORD;; off += DESC_LEN + x.length) {
		memcpy(&x, buf + off, DESC_LEN);
		if (x.typecode == HVM_SAVE_CODE(END))
			return found;
		if (x.typecode == type &&
		    (inst == ANY_INSTANCE || x.instance == inst)) {
			found = buf + off + DESC_LEN;
			*d = x;
		}
	}
}

/* vCPU @id's vLAPIC as the image leaves it: its last records over its
 * current state.  False if the image has none for it. */
static bool merge_lapic(const struct hvm_save_env *env, const u8 *buf,
			unsigned int id, struct hvm_save_lapic *l,
			struct hvm_save_descriptor *d)
{
	struct hvm_save_descriptor dr;
	const u8 *hw = find_last(buf, HVM_SAVE_CODE(LAPIC), id, d);
	const u8 *regs = find_last(buf, HVM_SAVE_CODE(LAPIC_REGS), id, &dr);

	if (!hw && !regs)
		return false;
	env->get_lapic(env->ctx, id, l);
	if (hw) {
		memset(&l->hw, 0, sizeof(l->hw));
		memcpy(&l->hw, hw, d->length);
	} else {
		*d = dr;
	}
	if (regs)
		memcpy(&l->regs, regs, sizeof(l->regs));
	return true;
}

static int check_lapics(const struct hvm_save_env *env, const u8 *buf)
{
	struct hvm_save_descriptor d;
	struct hvm_save_lapic l;
	const char *why;

	if (!env->get_lapic)
		return 0;
	for (unsigned int id = 0; id < env->max_vcpus; id++) {
		if (!vcpu_ok(env, id) || !merge_lapic(env, buf, id, &l, &d))
			continue;
		why = vlapic_check(id, &l.hw, &l.regs);
		if (why)
			return bad(&d, why, -EINVAL);
	}
	return 0;
}

/* The platform as the image leaves it; the types that came, as a mask. */
static u32 merge_platform(const struct hvm_save_env *env, const u8 *buf,
			  struct hvm_save_platform *p)
{
#define AT(field) offsetof(struct hvm_save_platform, field)
	static const struct { u16 type; int inst; size_t off; } recs[] = {
		{ HVM_SAVE_CODE(PIC), 0, AT(pic[0]) },
		{ HVM_SAVE_CODE(PIC), 1, AT(pic[1]) },
		{ HVM_SAVE_CODE(IOAPIC), ANY_INSTANCE, AT(ioapic) },
		{ HVM_SAVE_CODE(PCI_IRQ), ANY_INSTANCE, AT(pci_irq) },
		{ HVM_SAVE_CODE(ISA_IRQ), ANY_INSTANCE, AT(isa_irq) },
		{ HVM_SAVE_CODE(PCI_LINK), ANY_INSTANCE, AT(pci_link) },
		{ HVM_SAVE_CODE(PIT), ANY_INSTANCE, AT(pit) },
	};
#undef AT
	struct hvm_save_descriptor d;
	const u8 *body;
	u32 loaded = 0;

	env->get_platform(env->ctx, p);
	for (unsigned int i = 0; i < ARRAY_SIZE(recs); i++) {
		body = find_last(buf, recs[i].type, recs[i].inst, &d);
		if (!body)
			continue;
		memcpy((u8 *)p + recs[i].off, body, d.length);
		loaded |= 1U << recs[i].type;
	}
	return loaded;
}

/* After CPU and MTRR: the vLAPICs, then the platform, whose restored
 * outputs may reach them. */
static void apply_devices(const struct hvm_save_env *env, const u8 *buf)
{
	struct hvm_save_descriptor d;
	union {
		struct hvm_save_lapic l;
		struct hvm_save_platform p;
	} u;
	u32 loaded;

	for (unsigned int id = 0; env->get_lapic && id < env->max_vcpus; id++)
		if (vcpu_ok(env, id) && merge_lapic(env, buf, id, &u.l, &d))
			env->set_lapic(env->ctx, id, &u.l);
	if (!env->get_platform)
		return;
	loaded = merge_platform(env, buf, &u.p);
	if (loaded)
		env->set_platform(env->ctx, &u.p, loaded);
}

/* ---- Loading: the image ---- */

/* One pass over the image (file note): checks only, or applies. */
static int load_pass(const struct hvm_save_env *env, const u8 *buf,
		     size_t size, bool apply)
{
	struct hvm_save_descriptor d;
	struct hvm_save_header hdr;
	size_t off = FIRST_RECORD;
	int rc;

	/* Xen's hvm_load(): a header first, exactly its size, or -ENODATA. */
	if (size < off)
		return -ENODATA;
	memcpy(&d, buf, DESC_LEN);
	if (d.typecode != HVM_SAVE_CODE(HEADER) || d.length != sizeof(hdr))
		return -ENODATA;
	memcpy(&hdr, buf + DESC_LEN, sizeof(hdr));
	/* Xen's arch_hvm_load(). */
	if (hdr.magic != HVM_FILE_MAGIC || hdr.version != HVM_FILE_VERSION)
		return -EINVAL;
	if (apply)
		env->down_all(env->ctx);
	/* Xen warns only: feature masking may make the CPUs differ. */
	else if ((hdr.cpuid ^ env->cpuid1_eax) & ~0xfU)
		printk(KERN_INFO "HVM restore: image from a CPU with CPUID.1:EAX "
		       "%#x, this one has %#x\n", hdr.cpuid, env->cpuid1_eax);
	/* Amphi does not scale TSCs: the guest keeps this host's rate. */
	if (!apply && hdr.gtsc_khz && hdr.gtsc_khz != env->gtsc_khz)
		printk(KERN_INFO "HVM restore: image TSC %u kHz, running at "
		       "%u kHz\n", hdr.gtsc_khz, env->gtsc_khz);
	for (;;) {
		if (size - off < DESC_LEN)
			return -ENODATA;	/* no end marker */
		memcpy(&d, buf + off, DESC_LEN);
		off += DESC_LEN;
		if (d.typecode == HVM_SAVE_CODE(END))
			break;			/* what follows is ignored */
		rc = load_record(env, &d, buf + off, size - off, apply);
		if (rc)
			return rc;
		off += d.length;
	}
	if (!apply)
		return check_lapics(env, buf);
	apply_devices(env, buf);
	return 0;
}

int hvm_load_image(const struct hvm_save_env *env, const void *buf,
		   size_t size)
{
	int rc = load_pass(env, buf, size, false);

	if (rc)
		return rc;
	rc = load_pass(env, buf, size, true);
	BUG_ON(rc);		/* the same bytes passed the same checks */
	return 0;
}
