/*
 * Copies between the hypervisor and guest memory (xen/guest_access.h).
 *
 * Design note.
 *
 * A copy is cut at guest page boundaries; each piece is translated on its
 * own (linear -> guest-physical with guest_walk_ad() and the vCPU's paging
 * state as it is now, then guest-physical -> machine with p2m_lookup()),
 * and copied with memcpy() through the identity map.  Reads need a
 * mapping (all mappings are readable, hvm/p2m/p2m.c), writes need P2M_W.
 * The walk sets accessed/dirty bits like the CPU would, so a guest kernel
 * sees hypervisor writes to its user pages as dirty.
 *
 * Locking: none.  p2m lookups only read entries, each with one atomic
 * load, so a concurrent update yields the old or the new translation.  What
 * that does not cover is a table page or a RAM page freed under a copy:
 * removing translations from a domain that may be in a copy (its own
 * hypercall, or another domain's grant copy / foreign map) must wait until
 * no copy can be using them (vCPUs paused; frees deferred past running
 * copies).  The p2m's users arrange that, not this file.
 *
 * Every gfn the p2m maps is RAM in the identity map; when MMIO or foreign
 * mappings appear in the p2m, the lookup here must learn to refuse them.
 */
#include <hvm/guest_walk.h>
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define GA_EFLAGS_AC (1ULL << 18)

/*
 * Host pointer to guest-physical [gpa, gpa + len) of @d if it lies in one
 * page mapped with (at least) @need, else NULL.
 */
static void *ga_map(struct domain *d, u64 gpa, size_t len, unsigned int need)
{
	unsigned int perms;
	mfn_t mfn;

	if (!d->p2m || !len || len > PAGE_SIZE - (gpa & ~PAGE_MASK))
		return NULL;
	if (p2m_lookup(d->p2m, gpa >> PAGE_SHIFT, &mfn, &perms))
		return NULL;
	if ((perms & need) != need)
		return NULL;
	return (void *)(uintptr_t)((mfn << PAGE_SHIFT) | (gpa & ~PAGE_MASK));
}

/* Walker callbacks: @ctx is the domain. */
static int ga_read64(void *ctx, u64 gpa, u64 *val)
{
	const u64 *p = ga_map(ctx, gpa, sizeof(*p), P2M_R);

	if (!p)
		return -EFAULT;
	/* One load: the guest may be rewriting the entry right now. */
	*val = __atomic_load_n(p, __ATOMIC_RELAXED);
	return 0;
}

static int ga_setbits64(void *ctx, u64 gpa, u64 bits)
{
	u64 *p = ga_map(ctx, gpa, sizeof(*p), P2M_W);

	if (!p)
		return -EFAULT;
	/* Locked OR, as the CPU's own A/D update: no guest bit is lost. */
	__atomic_fetch_or(p, bits, __ATOMIC_SEQ_CST);
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
 * (len already cut to the page), or NULL.
 */
static void *ga_translate(struct vcpu *v, const struct guest_paging *pg,
			  u64 gla, size_t len, bool write)
{
	unsigned int pfec = write ? PFEC_write : 0, fault;
	u64 gpa;

	if (guest_walk_ad(pg, gla, pfec, &gpa, &fault, ga_read64, ga_setbits64,
			  v->domain))
		return NULL;
	return ga_map(v->domain, gpa, len, write ? P2M_W : P2M_R);
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

	ga_paging_state(v, &pg);
	while (len) {
		size_t n = ga_chunk(gla, len);
		const void *s = ga_translate(v, &pg, gla, n, false);

		if (!s) {
			memset(dst, 0, total);
			return -EFAULT;
		}
		memcpy(d, s, n);
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

	ga_paging_state(v, &pg);
	while (len) {
		size_t n = ga_chunk(gla, len);
		void *d = ga_translate(v, &pg, gla, n, true);

		if (!d)
			return -EFAULT;
		memcpy(d, s, n);
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

	while (len) {
		size_t n = ga_chunk(gpa, len);
		const void *s = ga_map(d, gpa, n, P2M_R);

		/* gpa cannot wrap: p2m_lookup() refuses gfns near 2^64. */
		if (!s) {
			memset(dst, 0, total);
			return -EFAULT;
		}
		memcpy(p, s, n);
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

	while (len) {
		size_t n = ga_chunk(gpa, len);
		void *t = ga_map(d, gpa, n, P2M_W);

		if (!t)
			return -EFAULT;
		memcpy(t, p, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

void *guest_phys_to_ptr(struct domain *d, u64 gpa, size_t len)
{
	return ga_map(d, gpa, len, P2M_W);
}
