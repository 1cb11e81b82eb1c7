/*
 * Secondary-CPU (AP) bring-up.
 *
 * The boot CPU starts the APs one at a time, because they share the
 * trampoline's data page: it fills the page (CR3, CR0/CR4/EFER, stack, CPU
 * number), sends INIT-SIPI-SIPI (SDM vol.3 8.4.4.1) and waits for the AP
 * to report from smp_ap_entry() before moving on.  CPU numbers are dense
 * (0 = the boot CPU) in MADT order; an AP that does not start keeps no
 * number and is put back in wait-for-SIPI with another INIT, so it cannot
 * wake up later on the next AP's stack.
 *
 * A late AP that wakes anyway would read the next AP's CPU number; it
 * notices that its APIC ID is not the one recorded for that number and
 * halts before touching anything shared.
 */
#include <xen/acpi.h>
#include <xen/arch_vcpu.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define AP_STACK_ORDER 2		/* 16 KiB */
#define AP_STACK_SIZE (PAGE_SIZE << AP_STACK_ORDER)
/* Generous: under QEMU TCG or Bochs an AP can take a long time. */
#define AP_START_TIMEOUT_US 5000000UL
#define XAPIC_MAX_ID 0xfe		/* 0xff is the broadcast ID */
/* SDM vol.3 8.4.4.1 example: INIT, level-triggered, assert. */
#define ICR_INIT_ASSERT (APIC_DM_INIT | APIC_LEVEL_ASSERT | APIC_TRIGGER_LEVEL)

enum ap_status {
	AP_WAITING,
	AP_ONLINE,
	AP_FAILED,
};

u64 smp_all_online_tsc;

/* Written by the AP being started, polled by the boot CPU. */
static enum ap_status ap_status;

extern const u8 trampoline_start[], trampoline_end[];

BUILD_BUG_ON(SMP_TRAMP_CODE_PA != TRAMPOLINE_CODE_PA);
BUILD_BUG_ON(SMP_TRAMP_DATA_PA != TRAMPOLINE_DATA_PA);
/* SDM vol.3 8.4.4.1: the SIPI vector is the 4 KiB page number. */
BUILD_BUG_ON((TRAMPOLINE_CODE_PA & (PAGE_SIZE - 1)) ||
	     TRAMPOLINE_CODE_PA >= 0x100000);

static void __noreturn smp_ap_entry(unsigned int cpu)
{
	int rc;

	/* A latecomer reading someone else's data page: see the top. */
	if (cpu >= NR_CPUS || apic_current_id() != per_cpu(cpu)->apic_id)
		halt_forever();

	percpu_init_cpu(cpu);
	traps_init_cpu(cpu);
	lapic_init_cpu();
	this_cpu()->apic_id = apic_current_id();

	rc = arch_virt_cpu_up(cpu);
	if (rc) {
		printk(KERN_WARNING "CPU%u: arch_virt_cpu_up failed (%d); leaving it "
		       "offline\n", cpu, rc);
		WRITE_ONCE(ap_status, AP_FAILED);
		halt_forever();
	}
	timer_init_cpu();

	/* APs come up one at a time, so the last write is the last AP's. */
	smp_all_online_tsc = rdtsc();
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(this_cpu()->online, true);
	printk("CPU%u online (APIC ID %u)\n", cpu, this_cpu()->apic_id);
	__atomic_store_n(&ap_status, AP_ONLINE, __ATOMIC_RELEASE);

	local_irq_enable();
	sched_run_cpu();
}

/*
 * Copy the AP start-up code to TRAMPOLINE_CODE_PA.  Called by the boot CPU
 * before mm_init(): the final page tables map that page read-only and
 * executable (W^X), so this is the one moment it can be written.
 */
void smp_install_trampoline(void)
{
	size_t len = trampoline_end - trampoline_start;

	BUG_ON(len > PAGE_SIZE);
	memcpy((void *)TRAMPOLINE_CODE_PA, trampoline_start, len);
}

static void smp_fill_trampoline_data(unsigned int cpu, void *stack_top)
{
	u8 *d = (u8 *)TRAMPOLINE_DATA_PA;
	u32 efer = EFER_LME | (cpu_has_nx ? EFER_NXE : 0);
	/* Only what 32-bit mode can load; arch_virt_cpu_up() adds the rest. */
	u32 cr4 = read_cr4() & (X86_CR4_PAE | X86_CR4_PGE);

	BUILD_BUG_ON(SMP_TRAMP_SIZE > PAGE_SIZE);
	BUG_ON(idle_pg_table_pa >> 32);
	memset(d, 0, SMP_TRAMP_SIZE);
	*(u64 *)(d + SMP_TRAMP_CR3) = idle_pg_table_pa;
	*(u64 *)(d + SMP_TRAMP_ENTRY) = (u64)(uintptr_t)smp_ap_entry;
	*(u64 *)(d + SMP_TRAMP_STACK) = (u64)(uintptr_t)stack_top;
	*(u32 *)(d + SMP_TRAMP_CR0) = (u32)read_cr0();
	*(u32 *)(d + SMP_TRAMP_CR4) = cr4;
	*(u32 *)(d + SMP_TRAMP_EFER) = efer;
	*(u32 *)(d + SMP_TRAMP_CPU) = cpu;
}

static const char *smp_stage_name(u32 stage)
{
	switch (stage) {
	case SMP_STAGE_NONE:
		return "never ran the trampoline";
	case SMP_STAGE_REAL:
		return "stuck in the trampoline before long mode";
	case SMP_STAGE_LONG:
		return "reached long mode but did not finish start-up";
	}
	return "unknown stage";
}

/* SDM vol.3 8.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI, 200 us. */
static void smp_send_init_sipi_sipi(u32 apic_id)
{
	u32 sipi = APIC_DM_STARTUP | APIC_LEVEL_ASSERT |
		   (TRAMPOLINE_CODE_PA >> PAGE_SHIFT);

	apic_write(APIC_ESR, 0);
	apic_send_ipi(apic_id, ICR_INIT_ASSERT);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		apic_send_ipi(apic_id, sipi);
		udelay(200);
	}
}

static enum ap_status smp_wait_for_ap(void)
{
	enum ap_status s = AP_WAITING;

	for (unsigned long t = 0; t < AP_START_TIMEOUT_US; t += 100) {
		s = __atomic_load_n(&ap_status, __ATOMIC_ACQUIRE);
		if (s != AP_WAITING)
			break;
		udelay(100);
	}
	return s;
}

/* Start one AP as CPU @cpu; true once it reported online. */
static bool smp_boot_one(unsigned int cpu, u32 apic_id)
{
	void *stack = alloc_pages(AP_STACK_ORDER);
	enum ap_status s;
	u32 stage;

	if (!stack) {
		printk(KERN_WARNING "SMP: no memory for a stack; CPU with "
		       "APIC ID %u left offline\n", apic_id);
		return false;
	}
	per_cpu(cpu)->apic_id = apic_id;
	per_cpu(cpu)->stack_top = (u8 *)stack + AP_STACK_SIZE;
	smp_fill_trampoline_data(cpu, per_cpu(cpu)->stack_top);
	WRITE_ONCE(ap_status, AP_WAITING);
	smp_mb();

	smp_send_init_sipi_sipi(apic_id);
	s = smp_wait_for_ap();
	if (s == AP_ONLINE)
		return true;

	stage = READ_ONCE(*(u32 *)(TRAMPOLINE_DATA_PA + SMP_TRAMP_STAGE));
	if (s == AP_WAITING)
		printk(KERN_WARNING "CPU with APIC ID %u did not start (%s)\n",
		       apic_id, smp_stage_name(stage));
	else
		printk(KERN_WARNING "CPU with APIC ID %u failed to start\n",
		       apic_id);
	/* Park it (SDM vol.3 8.4.1: INIT -> wait-for-SIPI).  Its stack is
	 * deliberately leaked: INIT is blocked in VMX root operation, so we
	 * cannot be sure it stopped using it. */
	apic_send_ipi(apic_id, ICR_INIT_ASSERT);
	per_cpu(cpu)->apic_id = ~0U;
	per_cpu(cpu)->stack_top = NULL;
	return false;
}

static unsigned int smp_cpu_limit(unsigned int max)
{
	return (max == 0 || max > NR_CPUS) ? NR_CPUS : max;
}

unsigned int smp_boot_cpus(const struct acpi_info *ai, unsigned int max)
{
	const struct acpi_madt_info *madt = &ai->madt;
	unsigned int limit = smp_cpu_limit(max), next = 1, skipped = 0;
	u32 bsp_apic_id = this_cpu()->apic_id;

	if (!nr_cpus_online) {
		nr_cpus_online = 1;
		this_cpu()->online = true;
	}
	smp_all_online_tsc = rdtsc();
	smp_ipi_init();
	if (!madt->present) {
		printk(KERN_WARNING "SMP: no MADT: running on the boot CPU "
		       "only\n");
		return nr_cpus_online;
	}

	for (unsigned int i = 0; i < madt->nr_cpus; i++) {
		const struct acpi_cpu *c = &madt->cpus[i];

		if (!(c->flags & ACPI_MADT_ENABLED) ||
		    c->apic_id == bsp_apic_id)
			continue;
		if (c->apic_id > XAPIC_MAX_ID) {
			printk(KERN_WARNING "SMP: CPU with APIC ID %u needs "
			       "x2APIC, which Amphi does not use; left "
			       "offline\n", c->apic_id);
			continue;
		}
		if (next >= limit) {
			skipped++;
			continue;
		}
		if (smp_boot_one(next, c->apic_id))
			next++;
	}
	if (skipped)
		printk(KERN_WARNING "SMP: limit of %u CPUs reached (maxcpus=, "
		       "at most NR_CPUS=%u); %u more left offline\n", limit,
		       NR_CPUS, skipped);
	printk("SMP: %u CPUs online\n", nr_cpus_online);
	return nr_cpus_online;
}
