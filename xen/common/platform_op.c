/*
 * The small hypercalls a PVH dom0 makes and Amphi answers the way Xen
 * 4.17 does, or with the error Linux tolerates (docs/xen-abi.md §B.1):
 * platform_op (initial domain only), physdev_op and vm_assist.
 */
#include <xen/bitmap.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <asm/percpu.h>
#include <public/platform.h>
#include <public/physdev.h>

long do_platform_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	struct xen_platform_op op;

	/* Same layout for 32-bit callers for the sub-ops handled here. */
	if (copy_from_guest(v, &op, a[0], sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XENPF_INTERFACE_VERSION)
		return -EACCES;
	switch (op.cmd) {
	case XENPF_settime32:
		wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs,
			      op.u.settime32.system_time);
		return 0;
	case XENPF_settime64:
		if (op.u.settime64.mbz)
			return -EINVAL;
		wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs,
			      op.u.settime64.system_time);
		return 0;
	case XENPF_get_cpuinfo: {
		struct xenpf_pcpuinfo *pi = &op.u.pcpu_info;
		unsigned int max = 0;

		for (unsigned int c = 0; c < NR_CPUS; c++)
			if (percpu_data[c].online)
				max = c;
		pi->max_present = max;
		if (pi->xen_cpuid < NR_CPUS)
			pi->xen_cpuid = array_index_nospec(pi->xen_cpuid, NR_CPUS);
		if (pi->xen_cpuid >= NR_CPUS || !percpu_data[pi->xen_cpuid].online) {
			pi->flags = XEN_PCPU_FLAGS_INVALID;
		} else {
			pi->flags = XEN_PCPU_FLAGS_ONLINE;
			pi->apic_id = percpu_data[pi->xen_cpuid].apic_id;
			/* The MADT UID is not kept per CPU; Linux's pcpu
			 * driver uses it only to match hot-plug events. */
			pi->acpi_id = pi->xen_cpuid;
		}
		return copy_to_guest(v, a[0], &op, sizeof(op)) ? -EFAULT : 0;
	}
	case XENPF_firmware_info:
		/* EFI_INFO without an EFI boot is -ENOSYS in Xen; Linux then
		 * treats dom0 as a BIOS boot. Other types: no data. */
		return op.u.firmware_info.type == XEN_FW_EFI_INFO ? -ENOSYS :
								   -ESRCH;
	}
	/* Incl. XENPF_get_dom0_console (64), new after 4.17: Linux 6.1.158+
	 * asks and ignores the error. */
	return -ENOSYS;
}

/*
 * No emulated PIRQs and no passthrough: Xen answers an HVM domain without
 * them -ENOSYS for every sub-op, and Linux's PCI notifier only warns.
 */
long do_physdev_op(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	/* The PCI sub-ops the hardware domain's notifier sends: read like
	 * Xen does, but there is no PCI passthrough to register them with. */
	static const size_t pci_arg[] = {
		[PHYSDEVOP_manage_pci_add] = sizeof(struct physdev_manage_pci),
		[PHYSDEVOP_manage_pci_remove] = sizeof(struct physdev_manage_pci),
		[PHYSDEVOP_manage_pci_add_ext] =
			sizeof(struct physdev_manage_pci_ext),
		[PHYSDEVOP_pci_mmcfg_reserved] =
			sizeof(struct physdev_pci_mmcfg_reserved),
		[PHYSDEVOP_pci_device_add] = sizeof(struct physdev_pci_device_add),
		[PHYSDEVOP_pci_device_remove] = sizeof(struct physdev_pci_device),
	};
	int cmd = a[0];
	u8 buf[64];

	BUILD_BUG_ON(sizeof(struct physdev_pci_device_add) > sizeof(buf));
	if (!v->domain->is_privileged || cmd < 0 ||
	    (size_t)cmd >= ARRAY_SIZE(pci_arg))
		return -ENOSYS;
	cmd = array_index_nospec(cmd, ARRAY_SIZE(pci_arg));
	if (pci_arg[cmd] && copy_from_guest(v, buf, a[1], pci_arg[cmd]))
		return -EFAULT;
	return -ENOSYS;
}

/* vm_assist: HVM guests may only set runstate_update_flag (Xen's
 * HVM_VM_ASSIST_MASK). */
long do_vm_assist(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	struct domain *d = v->domain;

	u32 cmd = a[0], type = a[1];	/* Xen: (unsigned int, unsigned int) */

	if (type >= BITS_PER_LONG ||
	    !((1UL << VMASST_TYPE_runstate_update_flag) & (1UL << type)))
		return -EINVAL;
	switch (cmd) {
	case VMASST_CMD_enable:
		__atomic_fetch_or(&d->vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
		return 0;
	case VMASST_CMD_disable:
		__atomic_fetch_and(&d->vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
		return 0;
	}
	return -ENOSYS;
}
