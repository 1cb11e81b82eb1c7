/*
 * 32-bit (compat) callers: the structures whose layout differs from the
 * 64-bit one, and typed translation to and from the native structures of
 * Xen's public headers (xen/common/compat.c).
 *
 * The i386 ABI Xen's 32-bit guests use: pointers, guest handles, unsigned
 * long, xen_pfn_t and xen_ulong_t are 4 bytes; 64-bit fields are aligned
 * to 4.  A structure without any of those has one layout for both and is
 * copied as it is (the BUILD_BUG_ONs in compat.c check the ones we rely
 * on).  Handlers never write sizes of their own: they call the guest_get_*
 * / guest_put_* below with args->compat, and get native structures whose
 * guest handles hold the guest's linear addresses (guest_handle_addr()).
 */
#ifndef XEN_COMPAT_H
#define XEN_COMPAT_H

#include <xen/types.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/sched.h>
#include <public/vcpu.h>

struct vcpu;

/* The guest address a handle holds, and the other way round. */
#define guest_handle_addr(h) ((u64)(uintptr_t)(h).p)
#define guest_handle_set(h, addr) ((h).p = (void *)(uintptr_t)(addr))

/* Element @i of a guest array of xen_ulong_t / xen_pfn_t (4 bytes for a
 * 32-bit caller, 8 otherwise), zero-extended. */
int guest_get_ulong(struct vcpu *v, bool compat, u64 base, u64 i, u64 *val);
int guest_put_ulong(struct vcpu *v, bool compat, u64 base, u64 i, u64 val);

/* Each: 0 or -EFAULT.  "get" reads the caller's layout at @addr into
 * @native; "put" writes @native back in the caller's layout. */
int guest_get_memory_reservation(struct vcpu *v, bool compat, u64 addr,
				 struct xen_memory_reservation *native);
int guest_get_memory_map(struct vcpu *v, bool compat, u64 addr,
			 struct xen_memory_map *native);
int guest_put_memory_map_nr(struct vcpu *v, bool compat, u64 addr,
			    unsigned int nr_entries);
int guest_get_add_to_physmap(struct vcpu *v, bool compat, u64 addr,
			     struct xen_add_to_physmap *native);
int guest_get_add_to_physmap_batch(struct vcpu *v, bool compat, u64 addr,
				   struct xen_add_to_physmap_batch *native);
int guest_get_remove_from_physmap(struct vcpu *v, bool compat, u64 addr,
				  struct xen_remove_from_physmap *native);
int guest_get_acquire_resource(struct vcpu *v, bool compat, u64 addr,
			       struct xen_mem_acquire_resource *native);
int guest_put_acquire_resource_nr(struct vcpu *v, bool compat, u64 addr,
				  u32 nr_frames);
int guest_get_gnttab_setup_table(struct vcpu *v, bool compat, u64 addr,
				 struct gnttab_setup_table *native);
int guest_put_gnttab_setup_table(struct vcpu *v, bool compat, u64 addr,
				 const struct gnttab_setup_table *native);
/* GNTTABOP_copy: element @i of the array at @base. */
int guest_get_gnttab_copy(struct vcpu *v, bool compat, u64 base, u64 i,
			  struct gnttab_copy *native);
int guest_put_gnttab_copy_status(struct vcpu *v, bool compat, u64 base,
				 u64 i, s16 status);
size_t guest_gnttab_copy_size(bool compat);
int guest_get_sched_poll(struct vcpu *v, bool compat, u64 addr,
			 struct sched_poll *native);
/* A struct that holds only a guest handle (the runstate and time areas:
 * vcpu_register_runstate_memory_area, vcpu_register_time_memory_area). */
int guest_get_handle(struct vcpu *v, bool compat, u64 addr, u64 *handle);
int guest_get_singleshot_timer(struct vcpu *v, bool compat, u64 addr,
			       struct vcpu_set_singleshot_timer *native);
int guest_put_runstate_info(struct vcpu *v, bool compat, u64 addr,
			    const struct vcpu_runstate_info *native);

#endif
