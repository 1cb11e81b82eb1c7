/*
 * Guest page-table walker (SDM vol.3 ch.4, APM vol.2 ch.5).
 *
 * Design note.
 *
 * One walk is: pick the mode from CR0.PG, EFER.LMA and CR4.PAE; read at
 * most four entries, each checked for presence and then reserved bits
 * (a reserved-bit fault has P=1 in the error code, SDM 4.7); fold their
 * R/W, U/S and NX bits; then check the access against the folded rights
 * (SDM 4.6).  Every loop is bounded by the number of levels, and guest
 * memory is touched only through the caller's callbacks, which reject
 * addresses that are not guest RAM, so hostile tables (pointing anywhere,
 * at themselves, beyond MAXPHYADDR) end in -EFAULT, never in a hang.
 *
 * Choices, all within what hardware does:
 *  - PAE PDPTEs are read from memory at CR3 on every walk; the CPU loads
 *    them at MOV CR3 (SDM 4.4.1), so a guest editing its PDPT without
 *    reloading CR3 sees the new value here a little early.  A reserved bit
 *    in a PDPTE is reported as a reserved-bit #PF (the CPU would #GP at
 *    the load).
 *  - Accessed/dirty bits are set only by guest_walk_ad(), only after the
 *    walk and the permission check succeeded (as Xen does), with an atomic
 *    OR so concurrent guest updates of other bits are not lost.
 *  - 1 GiB pages are always allowed; protection keys (CR4.PKE) and
 *    5-level paging are not modelled (guests are not offered them).
 *  - SMAP exempts explicit supervisor accesses with EFLAGS.AC=1 only;
 *    implicit accesses are always checked (SDM 4.6.1).  Hypercall copies
 *    are explicit accesses, so privcmd's user buffers (passed with AC set,
 *    docs/xen-abi.md §0) pass.
 */
#include <hvm/guest_walk.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/lib.h>

#define GW_P (1ULL << 0)
#define GW_RW (1ULL << 1)
#define GW_US (1ULL << 2)
#define GW_A (1ULL << 5)
#define GW_D (1ULL << 6)
#define GW_PS (1ULL << 7)
#define GW_NX (1ULL << 63)
/* SDM table 4-8: PAE PDPTE bits 2:1 and 8:5 are reserved. */
#define GW_PDPTE_RSVD 0x1e6ULL

#define GW_MAX_LEVELS 4

struct gw {
	const struct guest_paging *pg;
	guest_read64_fn read;
	void *ctx;
	unsigned int access;	/* PFEC_write/insn/implicit asked for */
	bool user;		/* user-mode access */
	unsigned int maxphy;	/* guest MAXPHYADDR, 32..52 */
	u64 addr_mask;		/* address bits of an entry: M-1:12 */
	u64 rsvd;		/* reserved in every 64-bit entry of the mode */
	/* Folded rights of the entries read so far. */
	bool rw, us, nx;
	/* Entries read, for the A/D update; the last one is the leaf. */
	unsigned int n;
	u64 ent_gpa[GW_MAX_LEVELS], ent_val[GW_MAX_LEVELS];
	unsigned int fault;	/* error code when -EFAULT */
};

/* The error-code bits that describe the access itself (SDM 4.7). */
static unsigned int gw_access_bits(const struct gw *w)
{
	const struct guest_paging *pg = w->pg;
	unsigned int pfec = w->access & PFEC_write;
	bool pae_nx = (pg->cr4 & X86_CR4_PAE) && (pg->efer & EFER_NXE);

	if (w->user)
		pfec |= PFEC_user;
	/* I/D is reported only when it could have caused the fault. */
	if ((w->access & PFEC_insn) && ((pg->cr4 & X86_CR4_SMEP) || pae_nx))
		pfec |= PFEC_insn;
	return pfec;
}

static int gw_fault(struct gw *w, unsigned int bits)
{
	w->fault = gw_access_bits(w) | bits;
	return -EFAULT;
}

/*
 * Read the entry at @gpa: 8 bytes, or 4 when @narrow (32-bit paging; the
 * aligned 8 bytes around it are read so a callback never crosses a page).
 * @track: remember it for the A/D update.
 */
static int gw_entry(struct gw *w, u64 gpa, bool narrow, bool track, u64 *e)
{
	u64 v;

	if (w->read(w->ctx, gpa & ~7ULL, &v))
		return gw_fault(w, PFEC_bad_gpa);
	if (narrow)
		v = (gpa & 4) ? v >> 32 : (u32)v;
	*e = v;
	if (track) {
		BUG_ON(w->n >= GW_MAX_LEVELS);
		w->ent_gpa[w->n] = gpa;
		w->ent_val[w->n++] = v;
	}
	return 0;
}

static void gw_fold(struct gw *w, u64 e)
{
	w->rw &= !!(e & GW_RW);
	w->us &= !!(e & GW_US);
	if (w->pg->efer & EFER_NXE)
		w->nx |= !!(e & GW_NX);
}

/* SDM 4.10.2 (2-level): 4 KiB pages, or 4 MiB ones when CR4.PSE. */
static int gw_walk_2level(struct gw *w, u32 la, u64 *gpa)
{
	unsigned int maxphy = MIN(w->maxphy, 40U);
	u64 e, rsvd;

	if (gw_entry(w, (w->pg->cr3 & 0xfffff000) + ((la >> 22) << 2), true,
		     true, &e))
		return -EFAULT;
	if (!(e & GW_P))
		return gw_fault(w, 0);
	if ((e & GW_PS) && (w->pg->cr4 & X86_CR4_PSE)) {
		/* PSE-36 (SDM table 4-4): bits 20:13 are address bits 39:32,
		 * those at or above MAXPHYADDR and bit 21 are reserved. */
		rsvd = (1ULL << 22) - (1ULL << (13 + maxphy - 32));
		if (e & rsvd)
			return gw_fault(w, PFEC_present | PFEC_rsvd);
		gw_fold(w, e);
		*gpa = (e & 0xffc00000) | (((e >> 13) & 0xff) << 32) |
		       (la & 0x3fffff);
		return 0;
	}
	gw_fold(w, e);
	if (gw_entry(w, (e & 0xfffff000) + (((la >> 12) & 0x3ff) << 2), true,
		     true, &e))
		return -EFAULT;
	if (!(e & GW_P))
		return gw_fault(w, 0);
	gw_fold(w, e);
	*gpa = (e & 0xfffff000) | (la & 0xfff);
	return 0;
}

/*
 * Walk 64-bit entries from @level (4: PML4, 2: PAE page directory) down,
 * starting with the table at @base (SDM tables 4-14 to 4-20).
 */
static int gw_walk64(struct gw *w, u64 base, u64 gla, unsigned int level,
		     u64 *gpa)
{
	for (; level >= 1; level--) {
		unsigned int shift = PAGE_SHIFT + 9 * (level - 1);
		u64 mask = (1ULL << shift) - 1, rsvd = w->rsvd, e;
		bool leaf;

		if (gw_entry(w, base + (((gla >> shift) & 511) << 3), false,
			     true, &e))
			return -EFAULT;
		if (!(e & GW_P))
			return gw_fault(w, 0);
		leaf = level == 1 || (level <= 3 && (e & GW_PS));
		if (level == 4)
			rsvd |= GW_PS;
		/* Large page: bit 12 is PAT, bits shift-1:13 reserved. */
		if (leaf && level > 1)
			rsvd |= mask & ~0x1fffULL;
		if (e & rsvd)
			return gw_fault(w, PFEC_present | PFEC_rsvd);
		gw_fold(w, e);
		if (leaf) {
			*gpa = (e & w->addr_mask & ~mask) | (gla & mask);
			return 0;
		}
		base = e & w->addr_mask;
	}
	BUG();	/* level 1 is always a leaf */
}

/* SDM 4.4: PAE paging; the 4 PDPTEs carry no access rights. */
static int gw_walk_pae(struct gw *w, u32 la, u64 *gpa)
{
	u64 e;

	if (gw_entry(w, (w->pg->cr3 & 0xffffffe0) + ((la >> 30) << 3), false,
		     false, &e))
		return -EFAULT;
	if (!(e & GW_P))
		return gw_fault(w, 0);
	/* Bits 63:M are reserved too: a PDPTE has no XD bit. */
	if (e & ((~w->addr_mask & ~0xfffULL) | GW_PDPTE_RSVD))
		return gw_fault(w, PFEC_present | PFEC_rsvd);
	return gw_walk64(w, e & w->addr_mask, la, 2, gpa);
}

/* SDM 4.5: 4-level paging, 48-bit canonical linear addresses. */
static int gw_walk_long(struct gw *w, u64 gla, u64 *gpa)
{
	if (w->pg->cr4 & X86_CR4_LA57)
		return gw_fault(w, PFEC_bad_gpa);
	if (!x86_is_canonical(gla))
		return gw_fault(w, PFEC_noncanon);
	return gw_walk64(w, w->pg->cr3 & w->addr_mask, gla, 4, gpa);
}

/* SDM 4.6: the folded rights against the access. */
static int gw_check(struct gw *w)
{
	const struct guest_paging *pg = w->pg;
	bool write = w->access & PFEC_write, fetch = w->access & PFEC_insn;
	bool ok;

	if (w->user) {
		ok = w->us && !(write && !w->rw) && !(fetch && w->nx);
	} else if (fetch) {
		ok = !w->nx && !(w->us && (pg->cr4 & X86_CR4_SMEP));
	} else {
		bool smap = (pg->cr4 & X86_CR4_SMAP) &&
			    ((w->access & PFEC_implicit) || !pg->ac);

		ok = !(w->us && smap) &&
		     !(write && !w->rw && (pg->cr0 & X86_CR0_WP));
	}
	return ok ? 0 : gw_fault(w, PFEC_present);
}

/* SDM 4.8: A in every entry used, D in the leaf on a write. */
static int gw_set_ad(struct gw *w, guest_setbits64_fn set_bits)
{
	for (unsigned int i = 0; i < w->n; i++) {
		u64 e = w->ent_val[i], gpa = w->ent_gpa[i], bits = 0;

		if (!(e & GW_A))
			bits |= GW_A;
		if (i == w->n - 1 && (w->access & PFEC_write) && !(e & GW_D))
			bits |= GW_D;
		if (!bits)
			continue;
		if (gpa & 4)	/* the upper half of a 32-bit paging pair */
			bits <<= 32;
		if (set_bits(w->ctx, gpa & ~7ULL, bits))
			return gw_fault(w, PFEC_bad_gpa);
	}
	return 0;
}

static void gw_init(struct gw *w, const struct guest_paging *pg,
		    unsigned int pfec, guest_read64_fn read, void *ctx)
{
	unsigned int maxphy = pg->maxphyaddr ? pg->maxphyaddr : 48;

	maxphy = MAX(MIN(maxphy, 52U), 32U);
	*w = (struct gw){
		.pg = pg, .read = read, .ctx = ctx,
		.access = pfec & (PFEC_write | PFEC_insn | PFEC_implicit),
		.rw = true, .us = true, .nx = false, .n = 0,
	};
	w->user = !(pfec & PFEC_implicit) &&
		  (pg->cpl == 3 || (pfec & PFEC_user));
	w->maxphy = maxphy;
	w->addr_mask = ((1ULL << maxphy) - 1) & PAGE_MASK;
	/* Long mode: bits 51:M reserved (62:52 are ignored/keys); PAE: bits
	 * 62:M.  Bit 63 is XD, reserved unless EFER.NXE. */
	if (pg->efer & EFER_LMA)
		w->rsvd = ((1ULL << 52) - 1) & ~((1ULL << maxphy) - 1);
	else
		w->rsvd = ((1ULL << 63) - 1) & ~((1ULL << maxphy) - 1);
	if (!(pg->efer & EFER_NXE))
		w->rsvd |= GW_NX;
}

int guest_walk_ad(const struct guest_paging *pg, u64 gla, unsigned int pfec,
		  u64 *gpa, unsigned int *fault_pfec, guest_read64_fn read,
		  guest_setbits64_fn set_bits, void *ctx)
{
	struct gw w;
	u64 out;
	int rc;

	/* Paging off: linear is physical, 32 bits wide outside long mode. */
	if (!(pg->cr0 & X86_CR0_PG)) {
		*gpa = (pg->efer & EFER_LMA) ? gla : (u32)gla;
		return 0;
	}
	gw_init(&w, pg, pfec, read, ctx);
	if (pg->efer & EFER_LMA)
		rc = gw_walk_long(&w, gla, &out);
	else if (pg->cr4 & X86_CR4_PAE)
		rc = gw_walk_pae(&w, gla, &out);
	else
		rc = gw_walk_2level(&w, gla, &out);
	if (!rc)
		rc = gw_check(&w);
	if (!rc && set_bits)
		rc = gw_set_ad(&w, set_bits);
	if (rc) {
		*fault_pfec = w.fault;
		return -EFAULT;
	}
	*gpa = out;
	return 0;
}

int guest_walk(const struct guest_paging *pg, u64 gla, unsigned int pfec,
	       u64 *gpa, unsigned int *fault_pfec,
	       int (*read_gpa64)(void *ctx, u64 gpa, u64 *val), void *ctx)
{
	return guest_walk_ad(pg, gla, pfec, gpa, fault_pfec, read_gpa64, NULL,
			     ctx);
}
