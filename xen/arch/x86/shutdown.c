/*
 * Power-off and reset.
 *
 * Power-off is ACPI S5: SLP_TYP comes from the DSDT's \_S5 package and is
 * written with SLP_EN to PM1a (and PM1b, if present) control (ACPI 6.x
 * 4.8.3.2 and 7.4.2).  Reset tries the FADT reset register, then the PCI
 * reset port 0xCF9, then the keyboard controller, then a triple fault.
 * With `noreboot`, every path that would reset halts instead so the log
 * stays on screen.
 */
#include <xen/acpi.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/shutdown.h>
#include <xen/timer.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/percpu.h>
#include <asm/smp.h>

bool opt_noreboot;

static struct {
	bool s5_ok;
	u8 slp_typa, slp_typb;
	u16 pm1a_cnt, pm1b_cnt;
	bool reset_ok;
	u8 reset_space, reset_val;
	u64 reset_addr;
	u16 smi_cmd;
	u8 acpi_enable;
} pm;

/* Only I/O-space PM1 control registers are supported (all PC firmware). */
static u16 gas_io_port(const struct acpi_gas *g)
{
	return g->space_id == ACPI_GAS_IO && g->address <= 0xffff ? g->address : 0;
}

void shutdown_init(const struct acpi_info *ai)
{
	const struct acpi_fadt_info *f = &ai->fadt;

	pm.pm1a_cnt = gas_io_port(&f->pm1a_cnt);
	pm.pm1b_cnt = gas_io_port(&f->pm1b_cnt);
	pm.smi_cmd = f->smi_cmd <= 0xffff ? f->smi_cmd : 0;
	pm.acpi_enable = f->acpi_enable;
	if (f->reset_supported) {
		pm.reset_ok = true;
		pm.reset_space = f->reset_reg.space_id;
		pm.reset_addr = f->reset_reg.address;
		pm.reset_val = f->reset_value;
	}
	if (f->have_s5 && pm.pm1a_cnt) {
		pm.s5_ok = true;
		pm.slp_typa = f->slp_typa;
		pm.slp_typb = f->slp_typb;
		printk("acpi: S5 via PM1a_CNT %#x SLP_TYPa %u SLP_TYPb %u\n",
		       pm.pm1a_cnt, pm.slp_typa, pm.slp_typb);
	} else {
		printk(KERN_WARNING "acpi: no usable \\_S5: power-off will halt\n");
	}
}

/* SMI_CMD <- ACPI_ENABLE hands PM1 control to us if firmware has not. */
static void acpi_enable_if_needed(void)
{
	if (!pm.pm1a_cnt || (inw(pm.pm1a_cnt) & 1))
		return;		/* SCI_EN already set */
	if (pm.smi_cmd && pm.acpi_enable) {
		outb(pm.acpi_enable, pm.smi_cmd);
		for (int i = 0; i < 100000 && !(inw(pm.pm1a_cnt) & 1); i++)
			cpu_relax();
	}
}

void machine_power_off(void)
{
	timer_dump_queues();		/* while every CPU is still online */
	local_irq_disable();
	smp_stop_other_cpus();
	/* A stopped CPU may have held the console lock mid-line. */
	console_force_unlock();
	if (pm.s5_ok) {
		printk("Powering off (ACPI S5).\n");
		acpi_enable_if_needed();
		if (pm.pm1b_cnt)
			outw(acpi_pm1_sleep_value(pm.slp_typb), pm.pm1b_cnt);
		outw(acpi_pm1_sleep_value(pm.slp_typa), pm.pm1a_cnt);
		for (int i = 0; i < 10000000; i++)
			cpu_relax();
		printk(KERN_ERR "ACPI S5 did not power the machine off.\n");
	}
	printk("System halted: power it off by hand.\n");
	halt_forever();
}

static void reset_via_acpi(void)
{
	if (!pm.reset_ok)
		return;
	if (pm.reset_space == ACPI_GAS_IO)
		outb(pm.reset_val, pm.reset_addr);
	else if (pm.reset_space == ACPI_GAS_MEMORY)
		*(volatile u8 *)(uintptr_t)pm.reset_addr = pm.reset_val;
}

void machine_restart(void)
{
	static const u8 zero_idt[10];

	local_irq_disable();
	smp_stop_other_cpus();
	/* A stopped CPU may have held the console lock mid-line. */
	console_force_unlock();
	printk("Rebooting.\n");
	reset_via_acpi();
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
	outb(0x02, 0xcf9);			/* system reset, then hard */
	outb(0x06, 0xcf9);
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		cpu_relax();
	outb(0xfe, 0x64);			/* keyboard controller pulse */
	for (int i = 0; i < 1000000; i++)
		cpu_relax();
	/* Last resort: triple fault. */
	asm volatile("lidt %0; int3" : : "m"(zero_idt));
	halt_forever();
}

void machine_halt_or_reboot(void)
{
	if (opt_noreboot) {
		local_irq_disable();
		smp_stop_other_cpus();
	/* A stopped CPU may have held the console lock mid-line. */
	console_force_unlock();
		printk("noreboot: halting.\n");
		halt_forever();
	}
	machine_restart();
}

void boot_fatal(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "FATAL: %s\n", buf);
	machine_halt_or_reboot();
}

void panic(const char *fmt, ...)
{
	static int nested;
	char buf[400];
	va_list ap;

	local_irq_disable();
	console_force_unlock();
	if (nested++)
		halt_forever();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "\n****************************************\n");
	printk(KERN_ERR "Panic on CPU %u:\n%s\n", smp_processor_id(), buf);
	printk(KERN_ERR "****************************************\n");
	machine_halt_or_reboot();
}
