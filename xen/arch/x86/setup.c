/*
 * start_amphi(): the boot CPU's path from the loader to a running system.
 *
 * Order matters: the console first (so every later failure can be
 * reported), then traps (so a bug dumps registers instead of resetting),
 * the boot information and command line, memory, ACPI, interrupts, time,
 * virtualization and the other CPUs.  Every failure a user can cause
 * (loader, map, options, hardware) ends in boot_fatal() with one line
 * saying what is wrong and what to do.
 */
#include <xen/acpi.h>
#include <xen/bootinfo.h>
#include <xen/ioports.h>
#include <xen/console.h>
#include <xen/domain_build.h>
#include <xen/arch_vcpu.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/page_alloc.h>
#include <xen/iommu.h>
#include <xen/pci.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define AMPHI_VERSION "0.1"

static struct boot_info boot_info;
/* XENVER_commandline. */
const char *hypervisor_cmdline = "";
static struct acpi_info acpi_info;
extern u64 boot_tsc;
extern char __image_start[], __image_end[];

/* Boot information lives in the identity-mapped first 4 GiB. */
static const void *boot_map(paddr_t pa, size_t len, void *ctx)
{
	if (pa + len < pa || pa + len > (1ULL << 32) || pa < 0x1000)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

/* ACPI tables must lie in memory the map says exists and is not RAM-less. */
static const void *acpi_map(paddr_t pa, size_t len, void *ctx)
{
	if (pa + len < pa || pa + len > (1ULL << 32) || pa < 0x1000)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

/* Free RAM = map RAM minus: low 1 MiB, the image, modules, loader info. */
static void add_free_ram(paddr_t lo, paddr_t hi)
{
	const struct boot_info *bi = &boot_info;
	paddr_t cuts[2 * (BOOT_MAX_MODULES + 2)];
	unsigned int n = 0;

	cuts[n++] = (uintptr_t)__image_start;
	cuts[n++] = (uintptr_t)__image_end;
	cuts[n++] = bi->info_start;
	cuts[n++] = bi->info_end;
	for (unsigned int i = 0; i < bi->nr_mods; i++) {
		cuts[n++] = bi->mods[i].start;
		cuts[n++] = bi->mods[i].start + bi->mods[i].size;
	}
	for (unsigned int i = 0; i < bi->nr_map; i++) {
		paddr_t s = MAX(bi->map[i].addr, MAX(lo, (paddr_t)0x100000));
		paddr_t e = MIN(bi->map[i].addr + bi->map[i].size, hi);

		if (bi->map[i].type != E820_RAM)
			continue;
		/* Walk [s, e) skipping every reserved cut. */
		while (s < e) {
			paddr_t next = e;

			for (unsigned int c = 0; c < n; c += 2) {
				if (cuts[c] <= s && cuts[c + 1] > s)
					s = cuts[c + 1], c = (unsigned int)-2;
			}
			if (s >= e)
				break;
			for (unsigned int c = 0; c < n; c += 2)
				if (cuts[c] > s && cuts[c] < next)
					next = cuts[c];
			page_alloc_add_region(s, next);
			s = next;
		}
	}
}

static void print_platform_summary(void)
{
	printk("Platform summary:\n");
	printk("  CPUs online: %u of %u in the MADT\n", nr_cpus_online,
	       acpi_info.madt.nr_cpus);
	printk("  RAM: %lu MiB, free %lu MiB\n",
	       (unsigned long)(e820_ram_bytes(boot_info.map, boot_info.nr_map) >> 20),
	       page_alloc_free_pages() >> 8);
	printk("  TSC: %lu kHz; timer: %s\n", (unsigned long)cpu_khz,
	       timer_mode_name());
	printk("  Virtualization: %s\n", arch_virt_summary());
	printk("  IOMMU: %s\n", iommu_summary());
}

static __noreturn void start_domains(void)
{
	if (!boot_info.nr_mods) {
		printk("No dom0 kernel module was given (module 1 = dom0 kernel, "
		       "module 2 = its initrd): nothing to run.\n");
		print_platform_summary();
		machine_power_off();
	}
	print_platform_summary();
	domains_build_at_boot(&boot_info, &acpi_info);
	/* The boot CPU joins the others in the scheduler's loop. */
	sched_run_cpu();
}

void __noreturn start_amphi(u32 magic, u32 info)
{
	const char *why;

	console_init_early();
	percpu_init_cpu(0);
	traps_init_bsp();
	traps_init_cpu(0);
	printk("Amphi %s hypervisor starting\n", AMPHI_VERSION);

	if (multiboot_parse(magic, info, boot_map, NULL, &boot_info, &why))
		boot_fatal("%s. Boot Amphi with GRUB (multiboot2) or QEMU -kernel "
			   "(multiboot1) on a machine with a valid memory map", why);
	options_parse(boot_info.cmdline);
	hypervisor_cmdline = boot_info.cmdline;
	printk("Loader: %s (multiboot%d), command line: \"%s\"\n",
	       boot_info.loader[0] ? boot_info.loader : "unknown",
	       boot_info.mb_version, boot_info.cmdline);
	for (unsigned int i = 0; i < boot_info.nr_map; i++)
		printk(KERN_DEBUG " e820 %016lx-%016lx type %u\n",
		       (unsigned long)boot_info.map[i].addr,
		       (unsigned long)(boot_info.map[i].addr + boot_info.map[i].size),
		       boot_info.map[i].type);

	add_free_ram(0, 1ULL << 32);
	smp_install_trampoline();
	mm_init(&boot_info);
	add_free_ram(1ULL << 32, ~0ULL);
	printk("Memory: %lu MiB RAM, %lu MiB free for the allocator\n",
	       (unsigned long)(e820_ram_bytes(boot_info.map, boot_info.nr_map) >> 20),
	       page_alloc_free_pages() >> 8);

	if (acpi_parse(&acpi_info, 0,
		       boot_info.have_rsdp_copy ? boot_info.rsdp_copy : NULL,
		       acpi_map, NULL))
		boot_fatal("no valid ACPI tables (RSDP/XSDT/MADT) found; Amphi "
			   "needs ACPI to find CPUs and power off");
	acpi_print_summary(&acpi_info);
	iommu_probe(&acpi_info);
	pci_init(&acpi_info);
	ioports_init(&acpi_info);
	shutdown_init(&acpi_info);

	lapic_init_cpu();
	per_cpu(0)->apic_id = apic_current_id();
	ioapic_init_all(&acpi_info);
	time_init(&acpi_info);
	/* Its waits need udelay(); its fault events go to this CPU. */
	iommu_setup(&acpi_info);
	timer_init_cpu();
	softirq_init();
	local_irq_enable();
	console_init_postirq();

	arch_virt_init();
	arch_virt_cpu_up(0);

	smp_boot_cpus(&acpi_info, opt_max_cpus);
	bench_report_boot(boot_tsc);
	timer_selftest_all_cpus();

	scheduler_init(opt_sched);
	domain_subsystem_init();
	stall_watch_init();
	domain_selftest();
	domain_oom_selftest();
	iommu_selftest();
	start_domains();
}
