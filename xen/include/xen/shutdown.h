/* Machine power-off, reboot and the fatal-boot-error path. */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include <xen/lib.h>

struct acpi_info;

void shutdown_init(const struct acpi_info *ai);
__noreturn void machine_power_off(void);
__noreturn void machine_restart(void);
/* Halt (noreboot) or restart: the end of every fatal path. */
__noreturn void machine_halt_or_reboot(void);
/* One clear line saying what is wrong and what to do, then halt/reboot. */
__printf(1, 2) __noreturn void boot_fatal(const char *fmt, ...);

extern bool opt_noreboot;

#endif
