/*
 * xen_version hypercall (public/version.h), as Xen 4.17 answers an
 * HVM/PVH guest.  Amphi presents itself as Xen 4.17 (that is the ABI it
 * implements); the extraversion says what it really is.
 */
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <public/version.h>
#include <public/features.h>

#define XEN_EXTRAVERSION ".0-amphi"
/* Xen's HYPERVISOR_VIRT_START for x86-64 guests. */
#define HYPERVISOR_VIRT_START_64 0xffff800000000000ULL

/* Xen 4.17's submap 0 for an HVM/PVH domain (docs/xen-abi.md §A.6 step 2):
 * no hvm_pirqs (no emulated PIRQs), dom0 only for the hardware domain. */
static u32 features_submap0(const struct domain *d)
{
	u32 f = (1U << XENFEAT_writable_page_tables) |
		(1U << XENFEAT_auto_translated_physmap) |
		(1U << XENFEAT_hvm_callback_vector) |
		(1U << XENFEAT_hvm_safe_pvclock) |
		(1U << XENFEAT_memory_op_vnode_supported) |
		(1U << XENFEAT_not_direct_mapped);

	if (d->is_privileged)
		f |= 1U << XENFEAT_dom0;
	return f;
}

static long copy_string(struct vcpu *v, u64 to, const char *s, size_t len)
{
	char buf[1024];

	memset(buf, 0, len);
	snprintf(buf, len, "%s", s);
	return copy_to_guest(v, to, buf, len) ? -EFAULT : 0;
}

long do_xen_version(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	bool compat = args->compat;
	struct domain *d = v->domain;

	switch ((int)a[0]) {	/* Xen's handler takes (int, ptr) */
	case XENVER_version:
		return (4 << 16) | 17;
	case XENVER_extraversion:
		return copy_string(v, a[1], XEN_EXTRAVERSION,
				   XEN_EXTRAVERSION_LEN);
	case XENVER_compile_info: {
		xen_compile_info_t ci;

		memset(&ci, 0, sizeof(ci));
		snprintf(ci.compiler, sizeof(ci.compiler), "gcc %s", __VERSION__);
		snprintf(ci.compile_by, sizeof(ci.compile_by), "amphi");
		snprintf(ci.compile_domain, sizeof(ci.compile_domain), "amphi");
		/* No date: builds stay reproducible. */
		return copy_to_guest(v, a[1], &ci, sizeof(ci)) ? -EFAULT : 0;
	}
	case XENVER_capabilities:
		/* HVM only: no PV (xen-3.0-*) guests. */
		return copy_string(v, a[1], "hvm-3.0-x86_32 hvm-3.0-x86_32p "
				   "hvm-3.0-x86_64", sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return copy_string(v, a[1], "amphi",
				   sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters: {
		/* 32-bit: Xen 4.17 never sets hv_compat_vstart for HVM. */
		u64 start = compat ? 0 : HYPERVISOR_VIRT_START_64;

		return guest_put_ulong(v, compat, a[1], 0, start) ?
		       -EFAULT : 0;
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;

		if (copy_from_guest(v, &fi, a[1], sizeof(fi)))
			return -EFAULT;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -EINVAL;
		fi.submap = features_submap0(d);
		return copy_to_guest(v, a[1], &fi, sizeof(fi)) ? -EFAULT : 0;
	}
	case XENVER_pagesize:
		return a[1] ? -EINVAL : (long)PAGE_SIZE;
	case XENVER_guest_handle:
		/* The toolstack's UUID (createdomain, setdomainhandle); all
		 * zero for domains built at boot, as in Xen. */
		BUILD_BUG_ON(sizeof(d->handle) != sizeof(xen_domain_handle_t));
		return copy_to_guest(v, a[1], d->handle, sizeof(d->handle)) ?
		       -EFAULT : 0;
	case XENVER_commandline:
		if (!d->is_privileged)
			return -EPERM;
		return copy_string(v, a[1], hypervisor_cmdline,
				   sizeof(xen_commandline_t));
	case XENVER_build_id: {
		u32 len;	/* struct xen_build_id { u32 len; u8 buf[]; } */

		if (!d->is_privileged)
			return -EPERM;
		if (copy_from_guest(v, &len, a[1], sizeof(len)))
			return -EFAULT;
		if (!len)
			return -EINVAL;
		return -ENODATA;	/* built without a build id note */
	}
	}
	return -ENOSYS;
}
