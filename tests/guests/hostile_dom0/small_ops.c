/*
 * The small hypercalls, against Xen 4.17:
 *  - xen_version (17): xen/common/kernel.c do_xen_version(); cmd is an
 *    int; only submap 0 exists; XENVER_pagesize wants a NULL argument;
 *  - platform_op (7): xen/arch/x86/platform_hypercall.c do_platform_op();
 *  - physdev_op (33): xen/arch/x86/hvm/hypercall.c hvm_physdev_op(): PIRQ
 *    ops -ENOSYS without emulated PIRQs, the PCI ops go on for the
 *    hardware domain (xen/drivers/passthrough/pci.c pci_physdev_op()
 *    copies its argument first);
 *  - vm_assist (21): xen/common/domain.c do_vm_assist(), unsigned int
 *    arguments, HVM guests only runstate_update_flag;
 *  - console_io (18): xen/drivers/char/console.c do_console_io().
 */
#include "hostile.h"
#include <public/features.h>
#include <public/platform.h>
#include <public/physdev.h>

static long xen_version(unsigned long cmd, const void *arg)
{
	return hc(__HYPERVISOR_xen_version, cmd, (unsigned long)arg, 0);
}

static void check_xen_version(void)
{
	static struct xen_feature_info fi;
	static char cmdline_buf[sizeof(xen_commandline_t)];
	static xen_build_id_t bid;
	static const unsigned long string_ops[] = {
		XENVER_extraversion, XENVER_compile_info, XENVER_capabilities,
		XENVER_changeset, XENVER_platform_parameters, XENVER_guest_handle,
		XENVER_commandline,
	};

	fi.submap_idx = 5;
	expect(xen_version(XENVER_get_features, &fi), -EINVAL, "get_features submap 5");
	fi.submap_idx = 1;
	expect(xen_version(XENVER_get_features, &fi), -EINVAL, "get_features submap 1");
	fi.submap_idx = 0;
	expect(xen_version(XENVER_get_features, &fi), 0, "get_features submap 0");
	report(fi.submap & (1U << XENFEAT_dom0), "features say dom0 (%#x)", fi.submap);
	expect(xen_version(XENVER_get_features, P(VA_UNMAPPED)), -EFAULT,
	       "get_features, argument unmapped");
	expect(xen_version(XENVER_get_features, P(win_cross(4))), -EFAULT,
	       "get_features, result runs into a hole");
	expect(xen_version(XENVER_get_features, P(VA_NONCANON)), -EFAULT,
	       "get_features, argument non-canonical");

	expect(xen_version(XENVER_commandline, cmdline_buf), 0, "commandline (dom0)");
	report(cmdline_buf[0] && strlen(cmdline_buf) < sizeof(cmdline_buf),
	       "commandline: \"%s\"", cmdline_buf);
	for (unsigned int i = 0; i < ARRAY_SIZE(string_ops); i++) {
		expect(xen_version(string_ops[i], P(VA_UNMAPPED)), -EFAULT,
		       "xen_version %lu, buffer unmapped", string_ops[i]);
		expect(xen_version(string_ops[i], P(win_cross(4))), -EFAULT,
		       "xen_version %lu, buffer runs into a hole", string_ops[i]);
	}
	expect(xen_version(XENVER_pagesize, NULL), PAGE_SIZE, "pagesize");
	expect(xen_version(XENVER_pagesize, &fi), -EINVAL,
	       "pagesize with a non-NULL argument");
	bid.len = 0;
	expect(xen_version(XENVER_build_id, &bid), -EINVAL, "build_id with len 0");
	expect(xen_version(XENVER_build_id, P(VA_UNMAPPED)), -EFAULT,
	       "build_id, argument unmapped");
	expect(xen_version(99, NULL), -ENOSYS, "xen_version 99 (unknown)");
	expect(xen_version((1UL << 32) | XENVER_version, NULL), 0x40011,
	       "cmd 2^32 + version (an int: version)");
}

static long platform_op(struct xen_platform_op *op)
{
	return hc(__HYPERVISOR_platform_op, (unsigned long)op, 0, 0);
}

static void check_platform_op(void)
{
	static struct xen_platform_op op;

	op = (struct xen_platform_op){ .cmd = XENPF_get_cpuinfo,
				       .interface_version = XENPF_INTERFACE_VERSION - 1 };
	expect(platform_op(&op), -EACCES, "platform_op, interface version %#x",
	       op.interface_version);
	op.interface_version = XENPF_INTERFACE_VERSION;
	op.cmd = 999;
	expect(platform_op(&op), -ENOSYS, "platform_op 999 (unknown)");
	op = (struct xen_platform_op){ .cmd = XENPF_get_cpuinfo,
				       .interface_version = XENPF_INTERFACE_VERSION };
	op.u.pcpu_info.xen_cpuid = 999;
	expect(platform_op(&op), 0, "get_cpuinfo cpu 999");
	report(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID,
	       "cpu 999: flags %#x (INVALID)", op.u.pcpu_info.flags);
	op.u.pcpu_info.xen_cpuid = 0xffffffff;
	expect(platform_op(&op), 0, "get_cpuinfo cpu 2^32-1");
	report(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID, "cpu 2^32-1: INVALID");
	op.u.pcpu_info.xen_cpuid = 0;
	expect(platform_op(&op), 0, "get_cpuinfo cpu 0");
	report((op.u.pcpu_info.flags & XEN_PCPU_FLAGS_ONLINE) &&
	       !(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID),
	       "cpu 0 online, max_present %u", op.u.pcpu_info.max_present);
	op = (struct xen_platform_op){ .cmd = XENPF_settime64,
				       .interface_version = XENPF_INTERFACE_VERSION };
	op.u.settime64.mbz = 1;
	expect(platform_op(&op), -EINVAL, "settime64 with mbz 1");
	expect(platform_op(P(VA_UNMAPPED)), -EFAULT, "platform_op, argument unmapped");
	expect(platform_op(P(win_cross(64))), -EFAULT,
	       "platform_op, argument runs into a hole");
}

static void check_physdev_vm_assist(void)
{
	static struct physdev_map_pirq mp;

	expect(hc(__HYPERVISOR_physdev_op, PHYSDEVOP_map_pirq, (unsigned long)&mp, 0),
	       -ENOSYS, "physdev_op map_pirq (no emulated PIRQs)");
	expect(hc(__HYPERVISOR_physdev_op, PHYSDEVOP_eoi, VA_UNMAPPED, 0), -ENOSYS,
	       "physdev_op eoi");
	expect(hc(__HYPERVISOR_physdev_op, 99, 0, 0), -ENOSYS, "physdev_op 99 (unknown)");
	expect(hc(__HYPERVISOR_physdev_op, PHYSDEVOP_pci_device_add, VA_UNMAPPED, 0),
	       -EFAULT, "physdev_op pci_device_add (hardware domain), argument unmapped");

	expect(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable, VMASST_TYPE_4gb_segments, 0),
	       -EINVAL, "vm_assist 4gb_segments (PV only)");
	expect(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 64, 0), -EINVAL,
	       "vm_assist type 64");
	expect(hc(__HYPERVISOR_vm_assist, 99, VMASST_TYPE_runstate_update_flag, 0),
	       -ENOSYS, "vm_assist cmd 99");
	expect(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
		  (1UL << 32) | VMASST_TYPE_runstate_update_flag, 0), 0,
	       "vm_assist type 2^32 + runstate_update_flag (an unsigned int)");
	expect(hc(__HYPERVISOR_vm_assist, VMASST_CMD_disable,
		  VMASST_TYPE_runstate_update_flag, 0), 0,
	       "vm_assist disable runstate_update_flag");
}

static void check_console_io(void)
{
	char *cross = P(win_cross(8));

	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 16, VA_UNMAPPED), -EFAULT,
	       "console_io write, buffer unmapped");
	memcpy(cross, "partial\n", 8);
	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 16, (unsigned long)cross),
	       -EFAULT, "console_io write, buffer runs into a hole");
	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 0, VA_UNMAPPED), 0,
	       "console_io write of 0 bytes from nowhere");
	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 1, VA_NONCANON), -EFAULT,
	       "console_io write, buffer non-canonical");
	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 0x80000000UL, VA_UNMAPPED),
	       -E2BIG, "console_io read of 2^31 bytes");
	expect(hc(__HYPERVISOR_console_io, CONSOLEIO_read, 16, VA_UNMAPPED), 0,
	       "console_io read into nowhere, nothing typed");
	expect(hc(__HYPERVISOR_console_io, 99, 1, VA_UNMAPPED), -ENOSYS,
	       "console_io 99 (unknown)");
}

void check_small_ops(void)
{
	check_xen_version();
	check_platform_op();
	check_physdev_vm_assist();
	check_console_io();
}
