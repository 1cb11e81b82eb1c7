/*
 * Copies between the hypervisor and guest memory.  Hypercall pointers are
 * guest *linear* addresses (docs/xen-abi.md §0): they are translated through
 * the guest's own page tables (whatever mode it is in) and then the p2m.
 * Every failure is -EFAULT; a partial copy may have happened on failure
 * for copy_to_*, never for copy_from_* (the destination is ours).
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include <xen/types.h>

struct vcpu;
struct domain;

/* Linear address in @v's current address space (CR3, mode, CPL). */
int copy_from_guest(struct vcpu *v, void *dst, u64 gla, size_t len);
int copy_to_guest(struct vcpu *v, u64 gla, const void *src, size_t len);
/* Guest-physical address of @d. */
int copy_from_guest_phys(struct domain *d, void *dst, u64 gpa, size_t len);
int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src,
		       size_t len);
/* Host pointer to guest-physical [gpa, gpa+len) if it lies in one mapped,
 * writable page of @d's RAM, else NULL (for shared pages). */
void *guest_phys_to_ptr(struct domain *d, u64 gpa, size_t len);

#endif
