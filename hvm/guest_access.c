/*
 * Copies between the hypervisor and guest memory (xen/guest_access.h).
 *
 * Design note.
 *
 * A copy is cut at guest page boundaries; each piece is translated on its
 * own (linear -> guest-physical with guest_walk_ad() and the vCPU's paging
 * state as it is now, then guest-physical -> machine through the p2m) and
 * copied with memcpy() through the identity map.
 *
 * What a gfn may be used for follows from its p2m type (xen/p2m.h): reads
 * need a type that maps a frame readably (RAM, a grant or foreign
 * mapping), writes one that is writable (p2m_ram_rw, p2m_grant_map_rw,
 * p2m_map_foreign).  Read-only RAM and read-only grants refuse a write,
 * MMIO (direct or for a device model) refuses both: -EFAULT, never a
 * silent write or a read of device memory.
 *
 * Each piece holds a reference on its frame while it copies
 * (arch_p2m_get_frame()), so another vCPU removing the mapping - a
 * balloon-out, a grant unmap, the death of the frame's owner - cannot free
 * the frame under the copy: it goes back to the allocator only when the
 * copy drops its reference.  The walker's reads and accessed/dirty updates
 * of guest page tables go through the same path.
 */
#include <hvm/guest_walk.h>
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>

#define GA_EFLAGS_AC (1ULL << 18)

/* May this type be written by a hypervisor copy? */
static bool ga_writable(enum p2m_type t)
{
	return t == p2m_ram_rw || t == p2m_grant_map_rw ||
	       t == p2m_map_foreign;
}

/*
 * Host pointer to guest-physical [gpa, gpa + len) of @d if it lies in one
 * page whose type allows the access, else NULL.  On success *mfn holds a
 * reference the caller drops (ga_unmap()).
 */
static void *ga_map(struct domain *d, u64 gpa, size_t len, bool write,
		    mfn_t *mfn)
{
	enum p2m_type t;

	if (!len || len > PAGE_SIZE - (gpa & ~PAGE_MASK))
		return NULL;
	if (arch_p2m_get_frame(d, gpa >> PAGE_SHIFT, mfn, &t))
		return NULL;
	if (!(p2m_type_perms(t) & P2M_R) || (write && !ga_writable(t))) {
		frame_put(*mfn);
		return NULL;
	}
	return (void *)(uintptr_t)((*mfn << PAGE_SHIFT) | (gpa & ~PAGE_MASK));
}

static void ga_unmap(mfn_t mfn)
{
	frame_put(mfn);
}

/* Walker callbacks: @ctx is the domain. */
static int ga_read64(void *ctx, u64 gpa, u64 *val)
{
	mfn_t mfn;
	const u64 *p = ga_map(ctx, gpa, sizeof(*p), false, &mfn);

	if (!p)
		return -EFAULT;
	/* One load: the guest may be rewriting the entry right now. */
	*val = __atomic_load_n(p, __ATOMIC_RELAXED);
	ga_unmap(mfn);
	return 0;
}

static int ga_setbits64(void *ctx, u64 gpa, u64 bits)
{
	mfn_t mfn;
	u64 *p = ga_map(ctx, gpa, sizeof(*p), true, &mfn);

	if (!p)
		return -EFAULT;
	/* Locked OR, as the CPU's own A/D update: no guest bit is lost. */
	__atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST);
	ga_unmap(mfn);
	return 0;
}

static void ga_paging_state(struct vcpu *v, struct guest_paging *pg)
{
	struct hvm_seg ss;

	hvm_ops->get_seg(v, SEG_SS, &ss);
	*pg = (struct guest_paging){
		.cr0 = hvm_ops->get_cr(v, 0),
		.cr3 = hvm_ops->get_cr(v, 3),
		.cr4 = hvm_ops->get_cr(v, 4),
		.efer = hvm_ops->get_efer(v),
		/* APM vol.2 4.9.1 / SDM 5.5: CPL is SS.DPL (attr bits 5-6). */
		.cpl = (ss.attr >> 5) & 3,
		.ac = v->hvm->regs.rflags & GA_EFLAGS_AC,
	};
}

/*
 * Host pointer for the piece of linear [gla, gla + len) in gla's page
 * (len already cut to the page), with a frame reference in *mfn, or NULL.
 */
static void *ga_translate(struct vcpu *v, const struct guest_paging *pg,
			  u64 gla, size_t len, bool write, mfn_t *mfn)
{
	unsigned int pfec = write ? PFEC_write : 0, fault;
	u64 gpa;

	if (guest_walk_ad(pg, gla, pfec, &gpa, &fault, ga_read64, ga_setbits64,
			  v->domain))
		return NULL;
	return ga_map(v->domain, gpa, len, write, mfn);
}

int hvm_translate_linear(struct vcpu *v, u64 gla, unsigned int pfec,
			 u64 *gpa, unsigned int *fault_pfec)
{
	struct guest_paging pg;

	ga_paging_state(v, &pg);
	return guest_walk_ad(&pg, gla, pfec, gpa, fault_pfec, ga_read64,
			     ga_setbits64, v->domain);
}

/* Bytes from @addr to the end of its page, at most @len. */
static size_t ga_chunk(u64 addr, size_t len)
{
	return MIN(len, PAGE_SIZE - (size_t)(addr & ~PAGE_MASK));
}

/*
 * Pre: @dst holds @len bytes, so the loop runs at most len/4K + 2 times.
 * On failure @dst is zeroed: no stale hypervisor data survives in it.
 */
int copy_from_guest(struct vcpu *v, void *dst, u64 gla, size_t len)
{
	struct guest_paging pg;
	size_t total = len;
	u8 *d = dst;
	mfn_t mfn;

	ga_paging_state(v, &pg);
	while (len) {
		size_t n = ga_chunk(gla, len);
		const void *s = ga_translate(v, &pg, gla, n, false, &mfn);

		if (!s) {
			memset(dst, 0, total);
			return -EFAULT;
		}
		memcpy(d, s, n);
		ga_unmap(mfn);
		d += n;
		gla += n;
		len -= n;
	}
	return 0;
}

int copy_to_guest(struct vcpu *v, u64 gla, const void *src, size_t len)
{
	struct guest_paging pg;
	const u8 *s = src;
	mfn_t mfn;

	ga_paging_state(v, &pg);
	while (len) {
		size_t n = ga_chunk(gla, len);
		void *d = ga_translate(v, &pg, gla, n, true, &mfn);

		if (!d)
			return -EFAULT;
		memcpy(d, s, n);
		ga_unmap(mfn);
		s += n;
		gla += n;
		len -= n;
	}
	return 0;
}

/* As copy_from_guest(): on failure @dst is zeroed. */
int copy_from_guest_phys(struct domain *d, void *dst, u64 gpa, size_t len)
{
	size_t total = len;
	u8 *p = dst;
	mfn_t mfn;

	while (len) {
		size_t n = ga_chunk(gpa, len);
		const void *s = ga_map(d, gpa, n, false, &mfn);

		/* gpa cannot wrap: the p2m refuses gfns near 2^64. */
		if (!s) {
			memset(dst, 0, total);
			return -EFAULT;
		}
		memcpy(p, s, n);
		ga_unmap(mfn);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src,
		       size_t len)
{
	const u8 *p = src;
	mfn_t mfn;

	while (len) {
		size_t n = ga_chunk(gpa, len);
		void *t = ga_map(d, gpa, n, true, &mfn);

		if (!t)
			return -EFAULT;
		memcpy(t, p, n);
		ga_unmap(mfn);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}
