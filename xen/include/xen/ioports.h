/*
 * The machine's I/O ports dom0 may reach (xen/arch/x86/ioports.c): all
 * but the hypervisor's own.
 */
#ifndef XEN_IOPORTS_H
#define XEN_IOPORTS_H

#include <xen/types.h>

struct acpi_info;

/* Boot, after the console and ACPI are set up. */
void ioports_init(const struct acpi_info *ai);
/* May dom0 access [@port, @port + @size) on the machine? */
bool ioport_hwdom_allowed(u16 port, unsigned int size);

#endif
