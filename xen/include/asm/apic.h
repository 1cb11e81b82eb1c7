/* Local APIC (xAPIC MMIO) and IO-APIC. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <xen/types.h>

#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_LDR 0xd0
#define APIC_DFR 0xe0
#define APIC_SVR 0xf0
#define APIC_IRR 0x200	/* 8 x 32 bits, 16 bytes apart (SDM vol. 3 11.8.4) */
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_THERMAL 0x330
#define APIC_LVT_PERF 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_LVT_MASKED (1U << 16)
#define APIC_TIMER_TSC_DEADLINE (2U << 17)
#define APIC_ICR_BUSY (1U << 12)
#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_LEVEL_ASSERT (1U << 14)
#define APIC_TRIGGER_LEVEL (1U << 15)

extern paddr_t lapic_base;

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 v);
void apic_eoi(void);
u32 apic_current_id(void);
/* Enable this CPU's LAPIC: software-enable, all LVTs masked but error. */
void lapic_init_cpu(void);
void apic_send_ipi(u32 apic_id, u32 icr_lo);
bool apic_wait_icr_idle(void);

struct acpi_info;
/* Mask every IO-APIC pin (and the legacy 8259s): the hypervisor itself
 * uses no device interrupts yet; guests get virtual ones. */
void ioapic_init_all(const struct acpi_info *ai);

#endif
