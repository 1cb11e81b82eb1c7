/* Hypervisor time: the TSC, calibrated once at boot against a platform
 * timer, scaled to nanoseconds since boot. */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

struct acpi_info;

extern u64 cpu_khz;		/* TSC frequency */
extern u32 lapic_timer_khz;	/* LAPIC timer input after the divider */
extern bool cpu_has_tsc_deadline;

void time_init(const struct acpi_info *ai);
/* ns since time_init(); monotonic and consistent across CPUs. */
s_time_t NOW(void);
u64 ns_to_tsc(s_time_t ns);
s_time_t tsc_to_ns(u64 tsc);
/* pvclock scale: ns = ((tsc_delta << shift or >> -shift) * mul) >> 32. */
void time_pvclock_scale(u32 *mul, s8 *shift);
/* The TSC value NOW() counts from. */
u64 time_tsc_at_boot(void);
void udelay(unsigned long us);
void mdelay(unsigned long ms);

#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)
#define SECONDS(s) ((s_time_t)(s) * 1000000000LL)

#endif
