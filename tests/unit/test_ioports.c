/*
 * Which machine ports dom0 reaches (xen/arch/x86/ioports.c): everything
 * but the PICs, the PIT, PCI configuration, the console's UART and the
 * FADT's power registers, checked at the edges of each.
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/ioports.h>

#include "unit.h"

u16 console_serial_port(void)
{
	return 0x2f8;
}

TEST(test_kept_ports)
{
	struct acpi_info ai;

	memset(&ai, 0, sizeof(ai));
	ai.fadt.present = true;
	ai.fadt.pm1a_cnt = (struct acpi_gas){ .space_id = ACPI_GAS_IO,
					      .address = 0x604 };
	ai.fadt.reset_reg = (struct acpi_gas){ .space_id = ACPI_GAS_IO,
					       .address = 0xb2 };
	ai.fadt.pm1b_cnt = (struct acpi_gas){ .space_id = 0,	/* memory */
					      .address = 0x700 };
	ai.fadt.pm_tmr_port = 0x608;
	ioports_init(&ai);

	/* The hypervisor's. */
	CHECK(!ioport_hwdom_allowed(0x20, 1));
	CHECK(!ioport_hwdom_allowed(0xa1, 1));
	CHECK(!ioport_hwdom_allowed(0x4d0, 2));
	CHECK(!ioport_hwdom_allowed(0x43, 1));
	CHECK(!ioport_hwdom_allowed(0x61, 1));
	CHECK(!ioport_hwdom_allowed(0xcf8, 4));
	CHECK(!ioport_hwdom_allowed(0xcf9, 1));
	CHECK(!ioport_hwdom_allowed(0xcfe, 2));
	CHECK(!ioport_hwdom_allowed(0xe9, 1));
	CHECK(ioport_hwdom_allowed(0xe8, 1));
	CHECK(ioport_hwdom_allowed(0xea, 2));
	CHECK(!ioport_hwdom_allowed(0x2f8, 1));
	CHECK(!ioport_hwdom_allowed(0x2ff, 1));
	CHECK(!ioport_hwdom_allowed(0x604, 2));
	CHECK(!ioport_hwdom_allowed(0x60b, 1));
	CHECK(!ioport_hwdom_allowed(0xb2, 1));
	/* Partly the hypervisor's: refused whole. */
	CHECK(!ioport_hwdom_allowed(0x2f6, 4));
	CHECK(!ioport_hwdom_allowed(0x1e, 4));
	CHECK(!ioport_hwdom_allowed(0xfffe, 4));
	/* dom0's: right next to them, and everywhere else. */
	CHECK(ioport_hwdom_allowed(0x22, 2));
	CHECK(ioport_hwdom_allowed(0x44, 4));
	CHECK(ioport_hwdom_allowed(0x60, 1));
	CHECK(ioport_hwdom_allowed(0x64, 1));
	CHECK(ioport_hwdom_allowed(0x70, 2));
	CHECK(ioport_hwdom_allowed(0x80, 1));
	CHECK(ioport_hwdom_allowed(0x2f4, 4));
	CHECK(ioport_hwdom_allowed(0x300, 4));
	CHECK(ioport_hwdom_allowed(0x3f8, 1));	/* not this console's */
	CHECK(ioport_hwdom_allowed(0x600, 4));
	CHECK(ioport_hwdom_allowed(0x700, 2));	/* PM1b in memory space */
	CHECK(ioport_hwdom_allowed(0xc040, 4));
	CHECK(ioport_hwdom_allowed(0xfffc, 4));
}

UNIT_MAIN(test_kept_ports)
