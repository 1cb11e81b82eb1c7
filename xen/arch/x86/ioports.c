/*
 * The I/O ports dom0 reaches on the machine (docs/architecture.md,
 * "dom0's I/O ports"): all of them but those the hypervisor drives or
 * emulates itself.  Xen's dom0_setup_permissions() keeps the first five:
 *   0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1  the 8259A PICs and their ELCR
 *   0x40-0x43, 0x61                    the PIT and its channel-2 gate
 *   0xcf8-0xcff                        PCI configuration (vPCI)
 *   0xe9                               the debug console (hvm/io.c)
 *   the FADT's PM timer                4 ports
 * and Amphi keeps three more, which Xen leaves to dom0:
 *   0xcf9                              the reset control (within vPCI's)
 *   the console's UART                 8 ports (Xen's own UART is
 *                                      hidden from dom0 another way)
 *   the FADT's PM1a/PM1b control and reset register: power-off, sleep
 *   and reset stay the hypervisor's, so it can act for the machine in
 *   order (dom0 today has no FADT of the host's that names them)
 * An access dom0 may make is done by the hypervisor for it
 * (hvm/io.c); the rest read all ones and drop writes.
 */
#include <xen/acpi.h>
#include <xen/console.h>
#include <xen/ioports.h>
#include <xen/lib.h>

static u8 kept[65536 / 8];

static void keep(u32 first, u32 n)
{
	for (u32 p = first; p < first + n && p < 65536; p++)
		kept[p / 8] |= 1U << (p % 8);
}

static void keep_gas(const struct acpi_gas *g, u32 n)
{
	if (g->space_id == ACPI_GAS_IO && g->address && g->address < 65536)
		keep(g->address, n);
}

void ioports_init(const struct acpi_info *ai)
{
	keep(0x20, 2);
	keep(0xa0, 2);
	keep(0x4d0, 2);
	keep(0x40, 4);
	keep(0x61, 1);
	keep(0xcf8, 8);
	keep(0xe9, 1);
	if (console_serial_port())
		keep(console_serial_port(), 8);
	if (ai->fadt.present) {
		keep_gas(&ai->fadt.pm1a_cnt, 2);
		keep_gas(&ai->fadt.pm1b_cnt, 2);
		keep_gas(&ai->fadt.reset_reg, 1);
		if (ai->fadt.pm_tmr_port)
			keep(ai->fadt.pm_tmr_port, 4);
	}
}

bool ioport_hwdom_allowed(u16 port, unsigned int size)
{
	for (u32 p = port; p < (u32)port + size; p++)
		if (p >= 65536 || (kept[p / 8] & (1U << (p % 8))))
			return false;
	return true;
}
