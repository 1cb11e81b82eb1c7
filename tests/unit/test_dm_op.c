/*
 * Host tests of the dm_op hypercall (devmodel/dm_op.c) as
 * libxendevicemodel issues it: domid, nr_bufs and the buffer array in the
 * argument registers, struct xen_dm_op in buffer 0.  The answers are Xen
 * 4.17's (xen/common/dm.c, xen/arch/x86/hvm/dm.c), error precedence
 * included; the p2m, the vLAPIC and preemption are fakes that record
 * what they were asked.
 */
#include <sys/mman.h>
#include <xen/hypercall.h>
#include <xen/p2m.h>
#include <public/domctl.h>
#include "ioreq_env.h"

/* --- Fakes --- */

static struct {
	u8 vec;
	unsigned int count;
} msi[NDOMS][NV];

/* The vLAPICs: enabled, in x2APIC mode with ID 2 x vCPU id (physical
 * destinations) and the LDR's cluster 0 bit (logical ones). */
bool vlapic_enabled(struct vcpu *v)
{
	return true;
}

bool vlapic_match_dest(struct vcpu *v, u32 dest, bool logical)
{
	unsigned int id = 2 * v->vcpu_id;

	return logical ? !(id >> 4) && (dest & (1U << (id & 0xf))) :
			 dest == id;
}

void vlapic_set_irq(struct vcpu *v, u8 vec)
{
	msi[v->domain->domain_id][v->vcpu_id].vec = vec;
	msi[v->domain->domain_id][v->vcpu_id].count++;
}

#define P2M_FRAMES 0x400
static enum p2m_type p2m_types[P2M_FRAMES];	/* d1's, gfns 0.. */
static unsigned int type_changes;
static bool preempt;

enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn)
{
	*mfn = gfn;
	return d == d1 && gfn < P2M_FRAMES ? p2m_types[gfn] : p2m_invalid;
}

int arch_p2m_change_type(struct domain *d, u64 gfn, enum p2m_type ot,
			 enum p2m_type nt)
{
	CHECK(d == d1 && gfn < P2M_FRAMES && p2m_types[gfn] == ot);
	p2m_types[gfn] = nt;
	type_changes++;
	return 0;
}

/* d1's RAM moves within gfns 0..P2M_FRAMES; what else is asked fails. */
static unsigned int moves;

int p2m_move_gmfn(struct domain *d, u64 idx, u64 gpfn)
{
	CHECK(d == d1);
	if (idx >= P2M_FRAMES || gpfn >= P2M_FRAMES ||
	    p2m_types[idx] != p2m_ram_rw)
		return -EINVAL;
	p2m_types[idx] = p2m_invalid;
	p2m_types[gpfn] = p2m_ram_rw;
	moves++;
	return 0;
}

bool hypercall_preempt_check(void)
{
	return preempt;
}

/* --- Issuing dm_op as dom0's vCPU 0 (or @caller's) --- */

static struct xen_dm_op_buf bufs[3];
static struct xen_dm_op op;
static u8 bitmap[64];

static long dm_op_as(struct domain *caller, domid_t domid,
		     unsigned int nr_bufs, u64 buf_array)
{
	struct hypercall_args a = {
		.a = { domid, nr_bufs, buf_array },
	};

	return do_dm_op(caller->vcpu[0], &a);
}

/* @op in buffer 0 (@size bytes of it), for d1. */
static long issue(unsigned int size)
{
	bufs[0].h.p = &op;
	bufs[0].size = size;
	return dm_op_as(d0, 1, 1, (uintptr_t)bufs);
}

static long issue_op(u32 nr)
{
	op.op = nr;
	return issue(sizeof(op));
}

static void setup(void)
{
	env_setup();
	memset(&op, 0, sizeof(op));
	memset(bufs, 0, sizeof(bufs));
	memset(msi, 0, sizeof(msi));
	memset(p2m_types, 0, sizeof(p2m_types));
	type_changes = 0;
	preempt = false;
}

TEST(test_buffers_and_privilege)
{
	setup();
	op.op = XEN_DMOP_nr_vcpus;
	bufs[0].h.p = &op;
	bufs[0].size = sizeof(op);
	CHECK_EQ(dm_op_as(d0, 1, 0, (uintptr_t)bufs), -ENODATA);
	CHECK_EQ(dm_op_as(d0, 1, 3, (uintptr_t)bufs), -E2BIG);
	CHECK_EQ(dm_op_as(d0, 1, 1, 16), -EFAULT);
	/* The target: unknown, the caller itself, then the privilege. */
	CHECK_EQ(dm_op_as(d0, 7, 1, (uintptr_t)bufs), -ESRCH);
	CHECK_EQ(dm_op_as(d0, DOMID_SELF, 1, (uintptr_t)bufs), -ESRCH);
	CHECK_EQ(dm_op_as(d0, 0, 1, (uintptr_t)bufs), -EPERM);
	CHECK_EQ(dm_op_as(d2, 1, 1, (uintptr_t)bufs), -EPERM);
	CHECK_EQ(dm_op_as(d2, 7, 1, (uintptr_t)bufs), -ESRCH);
	CHECK_EQ(dm_op_as(d0, 1, 1, (uintptr_t)bufs), 0);
	CHECK_EQ(op.u.nr_vcpus.vcpus, NV);
	/* Buffer 0: the header, then the op's structure, must fit. */
	CHECK_EQ(issue(7), -EFAULT);
	CHECK_EQ(issue(8 + sizeof(struct xen_dm_op_nr_vcpus) - 1), -EFAULT);
	op.u.nr_vcpus.vcpus = 0;
	CHECK_EQ(issue(8 + sizeof(struct xen_dm_op_nr_vcpus)), 0);
	CHECK_EQ(op.u.nr_vcpus.vcpus, NV);
	bufs[0].h.p = (void *)16;
	CHECK_EQ(dm_op_as(d0, 1, 1, (uintptr_t)bufs), -EFAULT);
	/* Unknown ops, before their (absent) size is checked. */
	CHECK_EQ(issue_op(21), -EOPNOTSUPP);
	CHECK_EQ(issue_op(0x80000000), -EOPNOTSUPP);
	CHECK_EQ(issue(8), -EOPNOTSUPP);	/* op 21 with the header only */
	op.op = XEN_DMOP_set_irq_level;
	CHECK_EQ(issue(8), -EOPNOTSUPP);
	CHECK_EQ(issue_op(0), -EOPNOTSUPP);
	/* The header's pad. */
	op.pad = 1;
	CHECK_EQ(issue_op(XEN_DMOP_nr_vcpus), -EINVAL);
	CHECK_EQ(dom[0].refs + dom[1].refs + dom[2].refs, 0);
	env_teardown();
}

TEST(test_compat_buffers)
{
	/* A 32-bit caller's array: 4-byte handle, 4-byte size, pointing
	 * below 4 GiB. */
	u32 *low = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	struct xen_dm_op *lop = (struct xen_dm_op *)(low + 16);
	struct hypercall_args a = {
		.a = { 1, 2, (uintptr_t)low }, .compat = true,
	};

	setup();
	CHECK(low != MAP_FAILED);
	lop->op = XEN_DMOP_nr_vcpus;
	low[0] = (u32)(uintptr_t)lop;
	low[1] = sizeof(*lop);
	low[2] = 0;			/* buffer 1: unused, read anyway */
	low[3] = 0;
	CHECK_EQ(do_dm_op(d0->vcpu[0], &a), 0);
	CHECK_EQ(lop->u.nr_vcpus.vcpus, NV);
	low[1] = 8 + sizeof(struct xen_dm_op_nr_vcpus) - 1;
	CHECK_EQ(do_dm_op(d0->vcpu[0], &a), -EFAULT);
	munmap(low, PAGE_SIZE);
	env_teardown();
}

TEST(test_ioreq_server_ops)
{
	ioservid_t sid;

	setup();
	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_ATOMIC;
	op.u.create_ioreq_server.pad[1] = 1;
	CHECK_EQ(issue_op(XEN_DMOP_create_ioreq_server), -EINVAL);
	op.u.create_ioreq_server.pad[1] = 0;
	op.u.create_ioreq_server.handle_bufioreq = 3;
	CHECK_EQ(issue_op(XEN_DMOP_create_ioreq_server), -EINVAL);
	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_ATOMIC;
	op.u.create_ioreq_server.id = 0x5555;
	CHECK_EQ(issue_op(XEN_DMOP_create_ioreq_server), 0);
	sid = op.u.create_ioreq_server.id;
	CHECK_EQ(sid, 0);
	/* Resources only: XEN_DMOP_no_gfns gives the buffered port. */
	memset(&op.u, 0, sizeof(op.u));
	op.u.get_ioreq_server_info.id = sid;
	op.u.get_ioreq_server_info.flags = 2;
	CHECK_EQ(issue_op(XEN_DMOP_get_ioreq_server_info), -EINVAL);
	op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
	CHECK_EQ(issue_op(XEN_DMOP_get_ioreq_server_info), 0);
	CHECK(op.u.get_ioreq_server_info.bufioreq_port != 0);
	memset(&op.u, 0, sizeof(op.u));
	op.u.map_io_range_to_ioreq_server.id = sid;
	op.u.map_io_range_to_ioreq_server.type = XEN_DMOP_IO_RANGE_PORT;
	op.u.map_io_range_to_ioreq_server.start = 0x3f8;
	op.u.map_io_range_to_ioreq_server.end = 0x3ff;
	op.u.map_io_range_to_ioreq_server.pad = 1;
	CHECK_EQ(issue_op(XEN_DMOP_map_io_range_to_ioreq_server), -EINVAL);
	op.u.map_io_range_to_ioreq_server.pad = 0;
	CHECK_EQ(issue_op(XEN_DMOP_map_io_range_to_ioreq_server), 0);
	CHECK_EQ(issue_op(XEN_DMOP_map_io_range_to_ioreq_server), -EEXIST);
	CHECK_EQ(issue_op(XEN_DMOP_unmap_io_range_from_ioreq_server), 0);
	CHECK_EQ(issue_op(XEN_DMOP_unmap_io_range_from_ioreq_server), -ENOENT);
	memset(&op.u, 0, sizeof(op.u));
	op.u.set_ioreq_server_state.id = sid;
	op.u.set_ioreq_server_state.enabled = 1;
	CHECK_EQ(issue_op(XEN_DMOP_set_ioreq_server_state), 0);
	CHECK(d1->ioreq->server[sid]->enabled);
	/* enabled's byte is destroy's pad. */
	op.u.destroy_ioreq_server.id = sid;
	CHECK_EQ(issue_op(XEN_DMOP_destroy_ioreq_server), -EINVAL);
	memset(&op.u, 0, sizeof(op.u));
	op.u.destroy_ioreq_server.id = 4;
	CHECK_EQ(issue_op(XEN_DMOP_destroy_ioreq_server), -ENOENT);
	op.u.destroy_ioreq_server.id = sid;
	CHECK_EQ(issue_op(XEN_DMOP_destroy_ioreq_server), 0);
	env_teardown();
}

TEST(test_irq_levels)
{
	setup();
	op.u.set_isa_irq_level.isa_irq = 16;
	CHECK_EQ(issue_op(XEN_DMOP_set_isa_irq_level), -EINVAL);
	op.u.set_isa_irq_level.isa_irq = 4;
	op.u.set_isa_irq_level.level = 2;
	CHECK_EQ(issue_op(XEN_DMOP_set_isa_irq_level), -EINVAL);
	op.u.set_isa_irq_level.level = 1;
	CHECK_EQ(issue_op(XEN_DMOP_set_isa_irq_level), 0);
	memset(&op.u, 0, sizeof(op.u));
	op.u.set_pci_intx_level.device = 0x20;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_intx_level), -EINVAL);
	op.u.set_pci_intx_level.device = 3;
	op.u.set_pci_intx_level.bus = 1;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_intx_level), -EINVAL);
	op.u.set_pci_intx_level.bus = 0;
	op.u.set_pci_intx_level.domain = 1;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_intx_level), -EINVAL);
	op.u.set_pci_intx_level.domain = 0;
	op.u.set_pci_intx_level.intx = 4;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_intx_level), -EINVAL);
	op.u.set_pci_intx_level.intx = 3;
	op.u.set_pci_intx_level.level = 1;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_intx_level), 0);
	memset(&op.u, 0, sizeof(op.u));
	op.u.set_pci_link_route.link = 4;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_link_route), -EINVAL);
	op.u.set_pci_link_route.link = 3;
	op.u.set_pci_link_route.isa_irq = 16;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_link_route), -EINVAL);
	op.u.set_pci_link_route.isa_irq = 11;
	CHECK_EQ(issue_op(XEN_DMOP_set_pci_link_route), 0);
	env_teardown();
}

static long msi_to(u64 addr, u32 data)
{
	memset(&op.u, 0, sizeof(op.u));
	op.u.inject_msi.addr = addr;
	op.u.inject_msi.data = data;
	return issue_op(XEN_DMOP_inject_msi);
}

TEST(test_inject_msi)
{
	setup();
	/* Physical destination 2 = vCPU 1's x2APIC ID, fixed, vector 0x51. */
	CHECK_EQ(msi_to(0xfee00000 | (2 << 12), 0x51), 0);
	CHECK_EQ(msi[1][1].count, 1);
	CHECK_EQ(msi[1][1].vec, 0x51);
	CHECK_EQ(msi[1][0].count, 0);
	/* Logical: bits 0 and 2 are IDs 0 and 2, both vCPUs. */
	CHECK_EQ(msi_to(0xfee00004 | (5 << 12), 0x52), 0);
	CHECK_EQ(msi[1][0].vec, 0x52);
	CHECK_EQ(msi[1][1].vec, 0x52);
	/* Lowest priority: one of them. */
	CHECK_EQ(msi_to(0xfee00004 | (5 << 12), 0x153), 0);
	CHECK_EQ(msi[1][0].count + msi[1][1].count, 4);
	/* No one there: fixed drops it, lowest priority is -ESRCH. */
	CHECK_EQ(msi_to(0xfee00000 | (9 << 12), 0x54), 0);
	CHECK_EQ(msi_to(0xfee00000 | (9 << 12), 0x154), -ESRCH);
	/* Other delivery modes; vector 0 (a PIRQ); the pad. */
	CHECK_EQ(msi_to(0xfee00000, 0x455), -EINVAL);
	CHECK_EQ(msi_to(0xfee00000, 0), -ERANGE);
	CHECK_EQ(msi_to(0xfee00000 | (3 << 12), 0), -EOPNOTSUPP);
	op.u.inject_msi.pad = 1;
	CHECK_EQ(issue_op(XEN_DMOP_inject_msi), -EINVAL);
	CHECK_EQ(msi[1][0].count + msi[1][1].count, 4);
	env_teardown();
}

TEST(test_memory_ops)
{
	setup();
	/* track_dirty_vram: everything dirty, within the bitmap buffer. */
	op.u.track_dirty_vram.first_pfn = 0xf0000;
	op.u.track_dirty_vram.nr = 100;
	CHECK_EQ(issue_op(XEN_DMOP_track_dirty_vram), -EINVAL);	/* 1 buf */
	bufs[1].h.p = bitmap;
	bufs[1].size = 12;
	op.op = XEN_DMOP_track_dirty_vram;
	bufs[0].h.p = &op;
	bufs[0].size = sizeof(op);
	CHECK_EQ(dm_op_as(d0, 1, 2, (uintptr_t)bufs), -EINVAL);	/* 13 bytes */
	bufs[1].size = 13;
	memset(bitmap, 0, sizeof(bitmap));
	CHECK_EQ(dm_op_as(d0, 1, 2, (uintptr_t)bufs), 0);
	CHECK_EQ(bitmap[12], 0xff);
	CHECK_EQ(bitmap[13], 0);
	op.u.track_dirty_vram.nr = (1U << 18) + 1;
	CHECK_EQ(dm_op_as(d0, 1, 2, (uintptr_t)bufs), -EINVAL);
	/* modified_memory: two buffers, then nothing to do. */
	memset(&op.u, 0, sizeof(op.u));
	CHECK_EQ(issue_op(XEN_DMOP_modified_memory), -EINVAL);
	CHECK_EQ(dm_op_as(d0, 1, 2, (uintptr_t)bufs), 0);
	/* pin_memory_cacheattr: checked, accepted. */
	memset(&op.u, 0, sizeof(op.u));
	op.u.pin_memory_cacheattr.start = 0xf0000;
	op.u.pin_memory_cacheattr.end = 0xf0fff;
	op.u.pin_memory_cacheattr.type = XEN_DMOP_MEM_CACHEATTR_WB;
	CHECK_EQ(issue_op(XEN_DMOP_pin_memory_cacheattr), 0);
	op.u.pin_memory_cacheattr.type = 2;
	CHECK_EQ(issue_op(XEN_DMOP_pin_memory_cacheattr), -EINVAL);
	op.u.pin_memory_cacheattr.type = XEN_DOMCTL_DELETE_MEM_CACHEATTR;
	CHECK_EQ(issue_op(XEN_DMOP_pin_memory_cacheattr), -ENOENT);
	op.u.pin_memory_cacheattr.type = XEN_DMOP_MEM_CACHEATTR_UC;
	op.u.pin_memory_cacheattr.end = 0xeffff;
	CHECK_EQ(issue_op(XEN_DMOP_pin_memory_cacheattr), -EINVAL);
	env_teardown();
}

static long relocate(u32 size, u64 src, u64 dst)
{
	memset(&op.u, 0, sizeof(op.u));
	op.u.relocate_memory.size = size;
	op.u.relocate_memory.src_gfn = src;
	op.u.relocate_memory.dst_gfn = dst;
	return issue_op(XEN_DMOP_relocate_memory);
}

TEST(test_relocate_memory)
{
	setup();
	memset(p2m_types, 0, sizeof(p2m_types));
	moves = 0;
	for (int i = 0x100; i < 0x110; i++)
		p2m_types[i] = p2m_ram_rw;
	/* All 16 frames of video RAM to the framebuffer BAR's place. */
	CHECK_EQ(relocate(16, 0x100, 0x300), 0);
	CHECK_EQ(moves, 16);
	CHECK_EQ(p2m_types[0x100], p2m_invalid);
	CHECK_EQ(p2m_types[0x30f], p2m_ram_rw);
	/* Preempted after each frame: the progress comes back in the op. */
	preempt = true;
	CHECK_EQ(relocate(16, 0x300, 0x200), -ERESTART);
	CHECK_EQ(op.u.relocate_memory.size, 15);
	CHECK_EQ(op.u.relocate_memory.src_gfn, 0x301);
	CHECK_EQ(op.u.relocate_memory.dst_gfn, 0x201);
	preempt = false;
	CHECK_EQ(relocate(15, 0x301, 0x201), 0);
	CHECK_EQ(moves, 32);
	/* Xen's 16-bit size: 0x10002 moves 2, then asks for the rest;
	 * 0x10000 moves nothing and succeeds. */
	CHECK_EQ(relocate(0x10002, 0x200, 0x100), -ERESTART);
	CHECK_EQ(op.u.relocate_memory.size, 0x10000);
	CHECK_EQ(moves, 34);
	CHECK_EQ(relocate(0x10000, 0x202, 0x102), 0);
	CHECK_EQ(moves, 34);
	/* A frame that is not RAM ends it with the frames before moved. */
	CHECK_EQ(relocate(16, 0x202, 0x102), -EINVAL);
	CHECK_EQ(moves, 48);
	CHECK_EQ(p2m_types[0x210], p2m_invalid);
	/* Ranges that wrap, no destination, the pad. */
	CHECK_EQ(relocate(2, ~0ULL - 1, 0x100), -EOVERFLOW);
	CHECK_EQ(relocate(2, 0x100, ~0ULL), -EINVAL);
	CHECK_EQ(relocate(2, 0x100, ~0ULL - 1), -EOVERFLOW);
	op.u.relocate_memory.pad = 1;
	CHECK_EQ(issue_op(XEN_DMOP_relocate_memory), -EINVAL);
	CHECK_EQ(moves, 48);
	env_teardown();
}

static long mem_type(u64 first, u32 nr, u16 type)
{
	memset(&op.u, 0, sizeof(op.u));
	op.u.set_mem_type.first_pfn = first;
	op.u.set_mem_type.nr = nr;
	op.u.set_mem_type.mem_type = type;
	return issue_op(XEN_DMOP_set_mem_type);
}

TEST(test_set_mem_type)
{
	long rc;

	setup();
	for (int i = 0x100; i < 0x300; i++)
		p2m_types[i] = p2m_ram_rw;
	CHECK_EQ(mem_type(0x100, 0, HVMMEM_ram_ro), -EINVAL);
	CHECK_EQ(mem_type(0x100, 1, 5), -EINVAL);
	CHECK_EQ(mem_type(0x100, 1, HVMMEM_unused), -EINVAL);
	CHECK_EQ(mem_type(0x100, 1, HVMMEM_ioreq_server), -EINVAL);
	CHECK_EQ(mem_type(ARCH_MAX_GFN, 2, HVMMEM_ram_ro), -EINVAL);
	CHECK_EQ(mem_type(0x100, 0x10, HVMMEM_ram_ro), 0);
	CHECK_EQ(p2m_types[0x10f], p2m_ram_ro);
	CHECK_EQ(type_changes, 0x10);
	CHECK_EQ(mem_type(0x100, 0x10, HVMMEM_ram_rw), 0);
	/* A hole may become MMIO, not RAM; RAM may not become MMIO here. */
	CHECK_EQ(mem_type(0x20, 1, HVMMEM_mmio_dm), 0);
	CHECK_EQ(p2m_types[0x20], p2m_mmio_dm);
	CHECK_EQ(mem_type(0x21, 1, HVMMEM_ram_rw), -EINVAL);
	/* Preempted every 256 frames, the progress in buffer 0. */
	preempt = true;
	rc = mem_type(0x100, 0x200, HVMMEM_ram_ro);
	CHECK_EQ(rc, -ERESTART);
	CHECK_EQ(op.u.set_mem_type.first_pfn, 0x200);
	CHECK_EQ(op.u.set_mem_type.nr, 0x100);
	CHECK_EQ(p2m_types[0x1ff], p2m_ram_ro);
	CHECK_EQ(p2m_types[0x200], p2m_ram_rw);
	preempt = false;
	CHECK_EQ(issue(sizeof(op)), 0);
	CHECK_EQ(p2m_types[0x2ff], p2m_ram_ro);
	env_teardown();
}

TEST(test_remote_shutdown)
{
	setup();
	op.u.remote_shutdown.reason = SHUTDOWN_reboot;
	CHECK_EQ(issue_op(XEN_DMOP_remote_shutdown), 0);
	CHECK_EQ(dom[1].shutdowns, 1);
	CHECK_EQ(dom[1].shutdown_reason, SHUTDOWN_reboot);
	/* Not for an unprivileged caller. */
	bufs[0].h.p = &op;
	CHECK_EQ(dm_op_as(d2, 1, 1, (uintptr_t)bufs), -EPERM);
	CHECK_EQ(dom[1].shutdowns, 1);
	env_teardown();
}

UNIT_MAIN(test_buffers_and_privilege, test_compat_buffers,
	  test_ioreq_server_ops, test_irq_levels, test_inject_msi,
	  test_memory_ops, test_relocate_memory, test_set_mem_type, test_remote_shutdown)
