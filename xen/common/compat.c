/*
 * Typed translation of 32-bit (compat) hypercall structures
 * (xen/compat.h).  Each compat_* structure below is the i386 layout of
 * the public structure of the same name, written with explicit packing so
 * that its size and offsets are checked here once; each guest_get_ and
 * guest_put_ function copies exactly what Xen's own compat layer copies
 * (the whole compat structure) and converts field by field.
 */
#include <xen/compat.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/string.h>

#define COMPAT __attribute__((packed, aligned(4)))

struct compat_memory_reservation {
	u32 extent_start;	/* handle */
	u32 nr_extents;		/* xen_ulong_t */
	u32 extent_order;
	u32 mem_flags;
	domid_t domid;
	u16 pad;
} COMPAT;

struct compat_memory_map {
	u32 nr_entries;
	u32 buffer;		/* handle */
} COMPAT;

struct compat_add_to_physmap {
	domid_t domid;
	u16 size;
	u32 space;
	u32 idx;		/* xen_ulong_t */
	u32 gpfn;		/* xen_pfn_t */
} COMPAT;

struct compat_add_to_physmap_batch {
	domid_t domid;
	u16 space;
	u16 size;
	u16 u;			/* foreign_domid / res0 */
	u32 idxs, gpfns, errs;	/* handles */
} COMPAT;

struct compat_remove_from_physmap {
	domid_t domid;
	u16 pad;
	u32 gpfn;		/* xen_pfn_t */
} COMPAT;

struct compat_mem_acquire_resource {
	domid_t domid;
	u16 type;
	u32 id;
	u32 nr_frames;
	u32 pad;
	u64 frame;
	u32 frame_list;		/* handle */
} COMPAT;

struct compat_gnttab_setup_table {
	domid_t dom;
	u16 pad0;
	u32 nr_frames;
	s16 status;
	u16 pad1;
	u32 frame_list;		/* handle */
} COMPAT;

struct compat_gnttab_copy_ptr {
	u32 u;			/* ref or xen_pfn_t gmfn */
	domid_t domid;
	u16 offset;
} COMPAT;

struct compat_gnttab_copy {
	struct compat_gnttab_copy_ptr source, dest;
	u16 len;
	u16 flags;
	s16 status;
	u16 pad;
} COMPAT;

struct compat_sched_poll {
	u32 ports;		/* handle */
	u32 nr_ports;
	u64 timeout;
} COMPAT;

struct compat_singleshot_timer {
	u64 timeout_abs_ns;
	u32 flags;
} COMPAT;

struct compat_runstate_info {
	s32 state;
	u64 state_entry_time;
	u64 time[4];
} COMPAT;

BUILD_BUG_ON(sizeof(struct compat_memory_reservation) != 20);
BUILD_BUG_ON(sizeof(struct compat_memory_map) != 8);
BUILD_BUG_ON(sizeof(struct compat_add_to_physmap) != 16);
BUILD_BUG_ON(sizeof(struct compat_add_to_physmap_batch) != 20);
BUILD_BUG_ON(sizeof(struct compat_remove_from_physmap) != 8);
BUILD_BUG_ON(sizeof(struct compat_mem_acquire_resource) != 28);
BUILD_BUG_ON(sizeof(struct compat_gnttab_setup_table) != 16);
BUILD_BUG_ON(offsetof(struct compat_gnttab_setup_table, status) != 8);
BUILD_BUG_ON(sizeof(struct compat_gnttab_copy) != 24);
BUILD_BUG_ON(offsetof(struct compat_gnttab_copy, status) != 20);
BUILD_BUG_ON(sizeof(struct compat_sched_poll) != 16);
BUILD_BUG_ON(sizeof(struct compat_singleshot_timer) != 12);
BUILD_BUG_ON(sizeof(struct compat_runstate_info) != 44);
/* The native layouts the handlers rely on (64-bit callers). */
BUILD_BUG_ON(sizeof(struct gnttab_copy) != 40);
BUILD_BUG_ON(offsetof(struct gnttab_copy, status) != 36);
BUILD_BUG_ON(sizeof(struct xen_mem_acquire_resource) != 32);
BUILD_BUG_ON(sizeof(struct vcpu_register_runstate_memory_area) != 8);
BUILD_BUG_ON(sizeof(struct vcpu_register_time_memory_area) != 8);

/* Read the structure at @addr in whichever layout the caller uses. */
#define GET_EITHER(v, compat, addr, cstruct, native)			\
	((compat) ? copy_from_guest(v, &(cstruct), addr, sizeof(cstruct)) : \
		    copy_from_guest(v, native, addr, sizeof(*(native))))

int guest_get_ulong(struct vcpu *v, bool compat, u64 base, u64 i, u64 *val)
{
	u32 c;

	if (!compat)
		return copy_from_guest(v, val, base + i * 8, 8);
	if (copy_from_guest(v, &c, base + i * 4, 4))
		return -EFAULT;
	*val = c;
	return 0;
}

int guest_put_ulong(struct vcpu *v, bool compat, u64 base, u64 i, u64 val)
{
	u32 c = val;

	if (!compat)
		return copy_to_guest(v, base + i * 8, &val, 8);
	return copy_to_guest(v, base + i * 4, &c, 4);
}

int guest_get_memory_reservation(struct vcpu *v, bool compat, u64 addr,
				 struct xen_memory_reservation *n)
{
	struct compat_memory_reservation c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		guest_handle_set(n->extent_start, c.extent_start);
		n->nr_extents = c.nr_extents;
		n->extent_order = c.extent_order;
		n->mem_flags = c.mem_flags;
		n->domid = c.domid;
	}
	return 0;
}

int guest_get_memory_map(struct vcpu *v, bool compat, u64 addr,
			 struct xen_memory_map *n)
{
	struct compat_memory_map c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		n->nr_entries = c.nr_entries;
		guest_handle_set(n->buffer, c.buffer);
	}
	return 0;
}

/* nr_entries is the first field in both layouts. */
int guest_put_memory_map_nr(struct vcpu *v, bool compat, u64 addr,
			    unsigned int nr_entries)
{
	BUILD_BUG_ON(offsetof(struct xen_memory_map, nr_entries) != 0);
	return copy_to_guest(v, addr, &nr_entries, 4);
}

int guest_get_add_to_physmap(struct vcpu *v, bool compat, u64 addr,
			     struct xen_add_to_physmap *n)
{
	struct compat_add_to_physmap c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat)
		*n = (struct xen_add_to_physmap){ .domid = c.domid,
			.size = c.size, .space = c.space, .idx = c.idx,
			.gpfn = c.gpfn };
	return 0;
}

int guest_get_add_to_physmap_batch(struct vcpu *v, bool compat, u64 addr,
				   struct xen_add_to_physmap_batch *n)
{
	struct compat_add_to_physmap_batch c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		n->domid = c.domid;
		n->space = c.space;
		n->size = c.size;
		n->u.foreign_domid = c.u;
		guest_handle_set(n->idxs, c.idxs);
		guest_handle_set(n->gpfns, c.gpfns);
		guest_handle_set(n->errs, c.errs);
	}
	return 0;
}

int guest_get_remove_from_physmap(struct vcpu *v, bool compat, u64 addr,
				  struct xen_remove_from_physmap *n)
{
	struct compat_remove_from_physmap c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat)
		*n = (struct xen_remove_from_physmap){ .domid = c.domid,
						       .gpfn = c.gpfn };
	return 0;
}

int guest_get_acquire_resource(struct vcpu *v, bool compat, u64 addr,
			       struct xen_mem_acquire_resource *n)
{
	struct compat_mem_acquire_resource c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		n->domid = c.domid;
		n->type = c.type;
		n->id = c.id;
		n->nr_frames = c.nr_frames;
		n->pad = c.pad;
		n->frame = c.frame;
		guest_handle_set(n->frame_list, c.frame_list);
	}
	return 0;
}

/* nr_frames sits at offset 8 in both layouts. */
int guest_put_acquire_resource_nr(struct vcpu *v, bool compat, u64 addr,
				  u32 nr_frames)
{
	BUILD_BUG_ON(offsetof(struct xen_mem_acquire_resource, nr_frames) != 8);
	BUILD_BUG_ON(offsetof(struct compat_mem_acquire_resource, nr_frames) != 8);
	return copy_to_guest(v, addr + 8, &nr_frames, 4);
}

int guest_get_gnttab_setup_table(struct vcpu *v, bool compat, u64 addr,
				 struct gnttab_setup_table *n)
{
	struct compat_gnttab_setup_table c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		n->dom = c.dom;
		n->nr_frames = c.nr_frames;
		n->status = c.status;
		guest_handle_set(n->frame_list, c.frame_list);
	}
	return 0;
}

/* Xen writes a 64-bit caller's status alone, a 32-bit caller's whole
 * structure (its compat layer translates the lot back). */
int guest_put_gnttab_setup_table(struct vcpu *v, bool compat, u64 addr,
				 const struct gnttab_setup_table *n)
{
	struct compat_gnttab_setup_table c = {
		.dom = n->dom, .nr_frames = n->nr_frames, .status = n->status,
		.frame_list = (u32)guest_handle_addr(n->frame_list),
	};

	if (compat)
		return copy_to_guest(v, addr, &c, sizeof(c));
	return copy_to_guest(v, addr + offsetof(struct gnttab_setup_table,
						status),
			     &n->status, sizeof(n->status));
}

size_t guest_gnttab_copy_size(bool compat)
{
	return compat ? sizeof(struct compat_gnttab_copy) :
			sizeof(struct gnttab_copy);
}

/* A 32-bit gmfn is zero-extended, as Xen's translation does. */
int guest_get_gnttab_copy(struct vcpu *v, bool compat, u64 base, u64 i,
			  struct gnttab_copy *n)
{
	struct compat_gnttab_copy c;
	u64 addr = base + i * guest_gnttab_copy_size(compat);

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		n->source.u.gmfn = c.source.u;
		n->source.domid = c.source.domid;
		n->source.offset = c.source.offset;
		n->dest.u.gmfn = c.dest.u;
		n->dest.domid = c.dest.domid;
		n->dest.offset = c.dest.offset;
		n->len = c.len;
		n->flags = c.flags;
		n->status = c.status;
	}
	return 0;
}

int guest_put_gnttab_copy_status(struct vcpu *v, bool compat, u64 base,
				 u64 i, s16 status)
{
	u64 addr = base + i * guest_gnttab_copy_size(compat);

	addr += compat ? offsetof(struct compat_gnttab_copy, status) :
			 offsetof(struct gnttab_copy, status);
	return copy_to_guest(v, addr, &status, sizeof(status));
}

int guest_get_sched_poll(struct vcpu *v, bool compat, u64 addr,
			 struct sched_poll *n)
{
	struct compat_sched_poll c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat) {
		memset(n, 0, sizeof(*n));
		guest_handle_set(n->ports, c.ports);
		n->nr_ports = c.nr_ports;
		n->timeout = c.timeout;
	}
	return 0;
}

/* The area structures are a union of a handle and a u64 (8 bytes in both
 * layouts); a 32-bit caller's handle is the low half. */
int guest_get_handle(struct vcpu *v, bool compat, u64 addr, u64 *handle)
{
	if (copy_from_guest(v, handle, addr, 8))
		return -EFAULT;
	if (compat)
		*handle = (u32)*handle;
	return 0;
}

int guest_get_singleshot_timer(struct vcpu *v, bool compat, u64 addr,
			       struct vcpu_set_singleshot_timer *n)
{
	struct compat_singleshot_timer c;

	if (GET_EITHER(v, compat, addr, c, n))
		return -EFAULT;
	if (compat)
		*n = (struct vcpu_set_singleshot_timer){
			.timeout_abs_ns = c.timeout_abs_ns, .flags = c.flags };
	return 0;
}

int guest_put_runstate_info(struct vcpu *v, bool compat, u64 addr,
			    const struct vcpu_runstate_info *n)
{
	struct compat_runstate_info c = {
		.state = n->state, .state_entry_time = n->state_entry_time,
	};

	if (!compat)
		return copy_to_guest(v, addr, n, sizeof(*n));
	memcpy(c.time, n->time, sizeof(c.time));
	return copy_to_guest(v, addr, &c, sizeof(c));
}
