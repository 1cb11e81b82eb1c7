/* Secondary-CPU bring-up and cross-CPU calls. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/*
 * AP start-up trampoline (boot/trampoline.S, smpboot.c).  The code is
 * copied to SMP_TRAMP_CODE_PA (== TRAMPOLINE_CODE_PA, so the SIPI vector is
 * 0x08); the boot CPU fills the data page at SMP_TRAMP_DATA_PA (==
 * TRAMPOLINE_DATA_PA) before each INIT-SIPI-SIPI.  Offsets into the data
 * page, shared with the assembly:
 */
#define SMP_TRAMP_CODE_PA	0x8000
#define SMP_TRAMP_DATA_PA	0x9000
#define SMP_TRAMP_CR3		0x00	/* u64: idle_pg_table_pa, < 4 GiB */
#define SMP_TRAMP_ENTRY		0x08	/* u64: 64-bit C entry, (cpu) */
#define SMP_TRAMP_STACK		0x10	/* u64: initial RSP, 16-byte aligned */
#define SMP_TRAMP_CR0		0x18	/* u32: CR0 to load (PE, PG set) */
#define SMP_TRAMP_CR4		0x1c	/* u32: CR4 to load before paging */
#define SMP_TRAMP_EFER		0x20	/* u32: EFER bits to set (LME, NXE) */
#define SMP_TRAMP_CPU		0x24	/* u32: our CPU number for the AP */
#define SMP_TRAMP_STAGE		0x28	/* u32: written by the AP as it goes */
#define SMP_TRAMP_SIZE		0x2c

/* SMP_TRAMP_STAGE values, for the "did not start" diagnostic. */
#define SMP_STAGE_NONE		0
#define SMP_STAGE_REAL		1	/* executed the first instructions */
#define SMP_STAGE_LONG		2	/* reached 64-bit mode */

#ifndef __ASSEMBLY__

#include <xen/types.h>

struct acpi_info;

/* Copy the AP start-up code to low memory; before mm_init() (W^X). */
void smp_install_trampoline(void);
/*
 * Start every enabled MADT CPU (INIT-SIPI-SIPI), at most @max in all
 * (0: no limit beyond NR_CPUS); returns the number of CPUs online.
 * Pre: time calibrated (udelay), LAPIC, traps and hvm up on the BSP.
 */
unsigned int smp_boot_cpus(const struct acpi_info *ai, unsigned int max);
/* Park all other CPUs (NMI-safe enough for shutdown and panic). */
void smp_stop_other_cpus(void);
/* Send the event-check IPI (softirq kick) to @cpu.  Pre: @cpu online. */
void smp_send_event_check(unsigned int cpu);
/*
 * Run @fn(@arg) on every other online CPU, from its VEC_CALL_FUNC
 * interrupt handler.  With @wait, return once all have finished; without,
 * once all have started.  Pre: interrupts enabled (another CPU may be
 * waiting for us to take its call), not in interrupt context.
 */
void smp_call_function(void (*fn)(void *), void *arg, bool wait);
/* Install the NMI and VEC_CALL_FUNC handlers (smp_boot_cpus() does). */
void smp_ipi_init(void);

/* TSC when the last AP came online (BSP's TSC at the end with no APs). */
extern u64 smp_all_online_tsc;

#endif /* __ASSEMBLY__ */
#endif
