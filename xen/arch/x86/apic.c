/*
 * Local APIC in xAPIC mode, through MMIO at the base the MADT (or the
 * APIC_BASE MSR) reports.  x2APIC is not needed for the hypervisor's own
 * use: we address at most NR_CPUS CPUs with 8-bit IDs.
 */
#include <xen/lib.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

paddr_t lapic_base = 0xfee00000;

u32 apic_read(u32 reg)
{
	return mmio_read32(lapic_base + reg);
}

void apic_write(u32 reg, u32 v)
{
	mmio_write32(lapic_base + reg, v);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

u32 apic_current_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

static void apic_error_interrupt(struct cpu_regs *regs)
{
	u32 esr;

	apic_write(APIC_ESR, 0);
	esr = apic_read(APIC_ESR);
	printk(KERN_WARNING "CPU%u: APIC error, ESR %#x\n",
	       smp_processor_id(), esr);
}

static void apic_spurious_interrupt(struct cpu_regs *regs)
{
	/* Architecturally harmless; SDM 10.9: no EOI for spurious vectors. */
}

void lapic_init_cpu(void)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE);

	/* Globally enable in xAPIC mode at the expected base. */
	base &= ~APIC_BASE_EXTD;		/* x2APIC off */
	wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_base = base & 0xfffff000;
	set_irq_handler(VEC_ERROR, apic_error_interrupt);
	set_irq_handler(VEC_SPURIOUS, apic_spurious_interrupt);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_DFR, 0xffffffff);	/* flat model */
	apic_write(APIC_LDR, 1U << 24);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_LVT_THERMAL, APIC_LVT_MASKED);
	apic_write(APIC_LVT_PERF, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_DM_NMI);	/* NMI stays NMI */
	apic_write(APIC_LVT_ERROR, VEC_ERROR);
	apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);	/* software enable */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_eoi();
}

bool apic_wait_icr_idle(void)
{
	for (int i = 0; i < 1000000; i++) {
		if (!(apic_read(APIC_ICR_LO) & APIC_ICR_BUSY))
			return true;
		cpu_relax();
	}
	return false;
}

void apic_send_ipi(u32 apic_id, u32 icr_lo)
{
	unsigned long flags = local_irq_save();

	apic_wait_icr_idle();
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, icr_lo);
	local_irq_restore(flags);
}
