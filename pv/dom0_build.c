/*
 * Domains at boot.  Module 1 is the initial domain's kernel (a PVH ELF),
 * module 2 its initrd unless that module's command line starts with
 * "domain=": every such module starts one more domain (syntax in
 * xen/include/xen/domain_build.h), so scheduling and isolation can be
 * exercised before there is a toolstack.  Extra domains are built first
 * with their explicit sizes; dom0 then gets dom0_mem= (Xen's syntax and
 * default: all but a reserve).
 */
#include <hvm/vcpu.h>
#include <pv/dom0_acpi.h>
#include <pv/dom0_memmap.h>
#include <pv/kernel_image.h>
#include <pv/pvh_boot.h>
#include <xen/acpi.h>
#include <xen/bootinfo.h>
#include <xen/domain_build.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/p2m.h>
#include <xen/pci.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/timer.h>
#include <xen/vpci.h>
#include <asm/percpu.h>
#include <public/xen.h>

static u64 memsize_bytes(const struct param_memsize *m, u64 avail)
{
	u64 b = m->bytes + avail / 100 * m->percent;

	return m->minus ? (b < avail ? avail - b : 0) : b;
}

/* Xen's dom0_mem semantics: amount (default: all but min(1/16, 128 MiB)),
 * clamped to [min, max], never more than is available. */
static u64 dom0_mem_bytes(u64 avail)
{
	const struct param_dom0_mem *o = &opt_dom0_mem;
	u64 amt = o->has_amt ? memsize_bytes(&o->amt, avail) :
		  avail - MIN(avail / 16, 128ULL << 20);

	if (o->has_max)
		amt = MIN(amt, memsize_bytes(&o->max, avail));
	if (o->has_min)
		amt = MAX(amt, memsize_bytes(&o->min, avail));
	return ROUNDDOWN(MIN(amt, avail), PAGE_SIZE);
}

static int place_vcpus(struct domain *d, int pin, const char **why)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		if (pin < 0)
			continue;
		if ((unsigned int)pin >= nr_cpus_online)
			return *why = "pin= names a CPU that is not online", -EINVAL;
		if (vcpu_set_hard_affinity(d->vcpu[i], 1ULL << pin))
			return *why = "cannot pin the vCPU", -EINVAL;
	}
	return 0;
}

/* Every dom0 vCPU count must have its tables. */
BUILD_BUG_ON(MAX_VIRT_CPUS > DOM0_ACPI_MAX_VCPUS);

/* What the boot loader and the firmware said, for dom0's layout. */
static const struct boot_info *boot;
static const struct acpi_info *host_acpi;

/*
 * Host MMIO dom0 never sees 1:1 even where the firmware lists it as
 * reserved: the interrupt address window (writes there are MSIs), the
 * IO-APICs, HPET and IOMMUs the hypervisor drives, and the ECAM windows
 * (PCI configuration is the hypervisor's to filter).
 */
static unsigned int dom0_mmio_deny(struct mem_range *r, unsigned int max)
{
	const struct acpi_info *ai = host_acpi;
	unsigned int n = 0;

#define DENY(s, len) do { if (n < max) r[n++] = (struct mem_range){ \
		(s), (s) + (len) }; } while (0)
	DENY(0xfee00000ULL, 0x100000);
	for (unsigned int i = 0; i < ai->madt.nr_ioapics; i++)
		DENY(ai->madt.ioapics[i].addr, PAGE_SIZE);
	if (ai->hpet.present && ai->hpet.base.space_id == ACPI_GAS_MEMORY)
		DENY(ai->hpet.base.address, PAGE_SIZE);
	/* A VT-d unit's register set is 2^size pages; an AMD-Vi unit's
	 * up to 512 KiB (16 KiB base, then the PPR and event counters). */
	for (unsigned int i = 0; i < ai->dmar.nr_drhd; i++)
		DENY(ai->dmar.drhd[i].base,
		     PAGE_SIZE << MIN(ai->dmar.drhd[i].size, 12));
	for (unsigned int i = 0; i < ai->ivrs.nr_ivhd; i++)
		DENY(ai->ivrs.ivhd[i].base, 0x80000);
	for (unsigned int i = 0; i < ai->mcfg.nr; i++)
		DENY(ai->mcfg.r[i].base + ((u64)ai->mcfg.r[i].start_bus << 20),
		     (u64)(ai->mcfg.r[i].end_bus - ai->mcfg.r[i].start_bus + 1)
			     << 20);
#undef DENY
	return n;
}

static int dom0_map_1to1(void *ctx, u64 pfn, u64 nr)
{
	struct domain *d = ctx;
	int rc = p2m_map_direct(d, pfn, nr);

	printk("d%u: host %#llx-%#llx 1:1%s\n", d->domain_id,
	       (unsigned long long)pfn << PAGE_SHIFT,
	       (unsigned long long)(pfn + nr) << PAGE_SHIFT,
	       rc ? ": out of memory for the p2m" : "");
	return rc;
}

/* dom0_mmio_deny()'s list, made once at boot for dom0's 1:1 maps and
 * its vPCI. */
static struct mem_range kept[2 + ACPI_MAX_IOAPICS + ACPI_MAX_DRHD +
			     ACPI_MAX_IVHD + ACPI_MAX_MCFG];
static unsigned int nr_kept;

/*
 * dom0's memory (pv/dom0_memmap.h): @bytes of RAM laid over the host's
 * map, populated, with room for its ACPI tables, and the host ranges it
 * sees 1:1 mapped.
 */
static int dom0_memory(struct domain *d, u64 bytes, struct dom0_layout *l,
		       const char **why)
{
	int rc;

	rc = dom0_layout_build(boot->map, boot->nr_map, bytes,
			       dom0_acpi_size(d->max_vcpus), l, why);
	for (unsigned int i = 0; i < l->nr_map && !rc; i++) {
		const struct e820_entry *e = &l->map[i];

		if (e->type == E820_RAM ||
		    (e->type == E820_ACPI && e->addr == l->acpi_gpa))
			rc = domain_populate_range(d, e->addr >> PAGE_SHIFT,
						   e->size >> PAGE_SHIFT);
		if (rc)
			*why = "not enough free memory for dom0_mem=";
	}
	if (rc)
		return rc;
	printk("d%u: memory map follows the host's: %u entries, %llu MiB of "
	       "RAM, ACPI tables at %#llx\n", d->domain_id, l->nr_map,
	       (unsigned long long)(l->ram_bytes >> 20),
	       (unsigned long long)l->acpi_gpa);
	if (opt_dom0_iommu.pv_only)
		printk(KERN_WARNING "dom0-iommu=: passthrough, strict, "
		       "map-inclusive and none apply to a PV dom0; dom0 is "
		       "PVH: ignored\n");
	rc = dom0_identity_ranges(boot->map, boot->nr_map, l,
				  opt_dom0_iommu.map_reserved, kept, nr_kept,
				  dom0_map_1to1, d);
	if (rc)
		*why = "cannot map the host's firmware areas 1:1";
	return rc;
}

/*
 * dom0's ACPI tables (pv/dom0_acpi.h) at @gpa, listing its vCPUs so Linux
 * starts them; *rsdp goes into start_info.  Boot is single-threaded: one
 * buffer.
 */
static int dom0_acpi_load(struct domain *d, u64 gpa, u64 *rsdp,
			  const char **why)
{
	static u8 tables[DOM0_ACPI_MAX_BYTES];
	size_t used;
	int rc;

	rc = dom0_acpi_build(tables, sizeof(tables), gpa, d->max_vcpus, rsdp,
			     &used, why);
	if (rc)
		return rc;
	if (copy_to_guest_phys(d, gpa, tables, used))
		return *why = "cannot write the ACPI tables", -EFAULT;
	printk("d%u: ACPI tables %#llx+%#zx, RSDP %#llx\n", d->domain_id,
	       (unsigned long long)gpa, used, (unsigned long long)*rsdp);
	return 0;
}

/*
 * Boot domains are all built before any starts, so the time the boot CPU
 * spends building is nobody's "runnable" time.
 */
static struct {
	struct domain *d;
	struct hvm_boot_state st;
} to_start[BOOT_MAX_MODULES];
static unsigned int nr_to_start;

/* Build one domain, queued to start; on failure nothing of it remains. */
static int build_one(u16 domid, const struct domain_spec *sp,
		     const struct boot_module *kernel,
		     const struct boot_module *initrd, u32 flags,
		     const char **why)
{
	const void *img = (const void *)(uintptr_t)kernel->start;
	struct hvm_boot_state *stp = &to_start[nr_to_start].st, st;
	static struct dom0_layout l;	/* boot is single-threaded */
	u64 rsdp = 0;
	const void *elf = img;
	size_t elf_len = kernel->size;
	void *scratch = NULL;
	unsigned int scratch_order = 0;
	struct domain_config cfg = { 0 };
	struct domain *d;
	int rc;

	BUG_ON(nr_to_start == ARRAY_SIZE(to_start));

	/* A bzImage is decompressed first, before the domain takes its RAM. */
	if (!sp->realmode &&
	    (rc = kernel_image_prepare(img, kernel->size, &elf, &elf_len,
				       &scratch, &scratch_order, why)))
		return rc;
	/* Xen's defaults: 1023 ports for a domU (libxl), all for dom0. */
	cfg.max_vcpus = sp->vcpus;
	cfg.privileged = flags & SIF_PRIVILEGED;
	cfg.max_evtchn_port = cfg.privileged ? EVTCHN_MAX_PORTS - 1 : 1023;
	/* Test guests that ask get the emulated platform; the others (and
	 * dom0) keep the flags they always had: none. */
	if (sp->platform)
		cfg.emulation_flags = XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC |
				      XEN_X86_EMU_PIT | XEN_X86_EMU_IOAPIC;
	d = domain_create(domid, sp->name, &cfg);
	if (!d) {
		free_pages(scratch, scratch_order);
		return *why = "cannot create the domain (out of memory?)", -ENOMEM;
	}
	rc = sched_adjust(d, sp->weight, sp->cap);
	if (rc)
		*why = "bad weight/cap";
	/* dom0's RAM follows the host's map and it gets ACPI tables; the
	 * domain= test guests have RAM from 0 and never look for tables. */
	if (!rc && (flags & SIF_INITDOMAIN))
		rc = dom0_memory(d, sp->mem_bytes, &l, why);
	else if (!rc) {
		l.nr_map = 1;
		if ((rc = domain_populate_ram(d, sp->mem_bytes)))
			*why = "not enough free memory for mem=";
		l.map[0] = (struct e820_entry){ 0, d->ram_bytes, E820_RAM };
	}
	if (!rc)
		rc = place_vcpus(d, sp->pin, why);
	if (!rc && sp->realmode) {
		rc = pvh_load_flat(d, img, kernel->size, 0x100000 - kernel->size, why);
		hvm_realmode_state(&st, 0xf000, 0xfff0);
	} else if (!rc) {
		if (flags & SIF_INITDOMAIN)
			rc = dom0_acpi_load(d, l.acpi_gpa, &rsdp, why);
		if (!rc)
			rc = pvh_build(d, elf, elf_len, sp->guest_cmdline,
				       initrd ? (const void *)(uintptr_t)initrd->start : NULL,
				       initrd ? initrd->size : 0, flags, rsdp,
				       l.map, l.nr_map, &st, why);
	}
	free_pages(scratch, scratch_order);
	if (rc) {
		domain_destroy(d);
		return rc;
	}
	printk("d%u: \"%s\" built: %lu MiB, %u vCPU%s, weight %u, cap %u%%%s%s\n",
	       domid, sp->name, (unsigned long)(d->ram_bytes >> 20), d->max_vcpus,
	       d->max_vcpus > 1 ? "s" : "", sp->weight, sp->cap,
	       sp->realmode ? ", real mode" : "",
	       sp->platform ? ", PIC/PIT/IO-APIC" : "");
	*stp = st;
	to_start[nr_to_start++].d = d;
	return 0;
}

static void build_extra_domains(const struct boot_info *bi, unsigned int first)
{
	u16 domid = 1;

	for (unsigned int i = first; i < bi->nr_mods; i++) {
		struct domain_spec sp;
		const char *why = NULL;

		if (domain_spec_parse(bi->mods[i].cmdline, &sp, &why) ||
		    build_one(domid, &sp, &bi->mods[i], NULL, 0, &why)) {
			printk(KERN_ERR "module %u (\"%s\"): domain not started: "
			       "%s\n", i + 1, bi->mods[i].cmdline, why);
			continue;
		}
		domid++;
	}
}

void domains_build_at_boot(const struct boot_info *bi,
			   const struct acpi_info *ai)
{
	const struct boot_module *initrd = NULL;
	struct domain_spec dom0 = { .name = "Domain-0", .weight = 256, .pin = -1 };
	unsigned int first_extra = 1;
	const char *why = NULL;
	const struct pci_found *devs;
	unsigned int nr_devs;
	struct domain *d0;
	u64 avail;

	boot = bi;
	host_acpi = ai;
	nr_kept = dom0_mmio_deny(kept, ARRAY_SIZE(kept));
	if (bi->nr_mods > 1 &&
	    strncmp(bi->mods[1].cmdline, DOMAIN_SPEC_PREFIX,
		    strlen(DOMAIN_SPEC_PREFIX))) {
		initrd = &bi->mods[1];
		first_extra = 2;
	}
	build_extra_domains(bi, first_extra);

	/* dom0's share must leave room for unpacking its own kernel. */
	avail = (u64)page_alloc_free_pages() << PAGE_SHIFT;
	avail -= MIN(avail, kernel_image_scratch_bytes(
		(const void *)(uintptr_t)bi->mods[0].start, bi->mods[0].size));
	dom0.mem_bytes = dom0_mem_bytes(avail);
	dom0.vcpus = MIN(MAX(nr_cpus_online, opt_dom0_max_vcpus.min),
			 MIN(opt_dom0_max_vcpus.max, (u32)MAX_VIRT_CPUS));
	dom0.guest_cmdline = bi->mods[0].cmdline;
	if (build_one(0, &dom0, &bi->mods[0], initrd,
		      SIF_INITDOMAIN | SIF_PRIVILEGED, &why))
		boot_fatal("cannot build dom0 from module 1 (\"%s\"): %s",
			   bi->mods[0].cmdline, why);
	/* dom0 owns the machine's devices: their DMA through its p2m, their
	 * configuration space through vPCI. */
	d0 = to_start[nr_to_start - 1].d;
	iommu_hwdom_init(d0, bi->map, bi->nr_map);
	devs = pci_devices(&nr_devs);
	if (vpci_hwdom_init(d0, devs, nr_devs, bi->map, bi->nr_map, kept,
			    nr_kept))
		boot_fatal("out of memory for dom0's vPCI");
	for (unsigned int i = 0; i < nr_to_start; i++) {
		if (!strcmp(opt_selftest, "hvmcontext"))
			hvm_context_selftest(to_start[i].d->vcpu[0],
					     &to_start[i].st);
		else
			vcpu_start(to_start[i].d->vcpu[0], &to_start[i].st);
	}
}
