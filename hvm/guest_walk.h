/*
 * The guest page-table walker: guest linear -> guest physical, in whatever
 * paging mode the guest is in (off, 2-level 32-bit, PAE, 4-level long mode),
 * with the architectural permission checks.  Pure: guest memory is reached
 * only through the callbacks, so the host unit tests drive it directly.
 */
#ifndef HVM_GUEST_WALK_H
#define HVM_GUEST_WALK_H

#include <xen/types.h>

/* Page-fault error code (SDM vol.3 4.7, APM vol.2 8.4.2). */
#define PFEC_present	(1U << 0)	/* 0: not present; 1: protection */
#define PFEC_write	(1U << 1)
#define PFEC_user	(1U << 2)
#define PFEC_rsvd	(1U << 3)
#define PFEC_insn	(1U << 4)
#define PFEC_arch_mask	0xffffU		/* what may be injected with a #PF */
/*
 * Software-only bits, never injected (mask with PFEC_arch_mask):
 * PFEC_implicit (in): an implicit supervisor access (descriptor tables,
 *   TSS...), supervisor even at CPL 3, and never exempted from SMAP.
 * PFEC_bad_gpa (out): a paging structure (or its A/D update) is not
 *   guest RAM, or CR4.LA57 asks for 5-level paging: not a guest #PF, the
 *   caller decides (copies fail with -EFAULT).
 * PFEC_noncanon (out): non-canonical address: #GP/#SS, not #PF.
 */
#define PFEC_implicit	(1U << 16)
#define PFEC_bad_gpa	(1U << 17)
#define PFEC_noncanon	(1U << 18)

/* The guest state that decides a translation. */
struct guest_paging {
	u64 cr0, cr3, cr4, efer;
	unsigned int cpl;	/* 3 = user mode */
	bool ac;		/* EFLAGS.AC: explicit accesses bypass SMAP */
	/* Guest MAXPHYADDR for reserved-bit checks; 0 means 48 (the p2m's
	 * guest-physical space), otherwise clamped to [32, 52]. */
	unsigned int maxphyaddr;
};

/*
 * Read the 8 guest-physical bytes at @gpa (always 8-byte aligned, so never
 * across a page).  0, or nonzero if @gpa is not readable guest RAM.
 */
typedef int (*guest_read64_fn)(void *ctx, u64 gpa, u64 *val);
/*
 * Atomically OR @bits into the 8 guest-physical bytes at @gpa (8-byte
 * aligned).  0, or nonzero if @gpa is not writable guest RAM.
 */
typedef int (*guest_setbits64_fn)(void *ctx, u64 gpa, u64 bits);

/*
 * Translate @gla for an access described by @pfec (PFEC_write, PFEC_insn,
 * PFEC_user to force a user access, PFEC_implicit; other bits ignored).
 * The access is a user access when pg->cpl == 3 (or PFEC_user) unless
 * PFEC_implicit.  Returns 0 with *gpa set, or -EFAULT with *fault_pfec
 * set: the architectural error code plus, possibly, one software bit.
 * Reads paging structures only, never sets accessed/dirty bits.
 */
int guest_walk(const struct guest_paging *pg, u64 gla, unsigned int pfec,
	       u64 *gpa, unsigned int *fault_pfec,
	       int (*read_gpa64)(void *ctx, u64 gpa, u64 *val), void *ctx);

/*
 * As guest_walk(), and like the CPU (SDM vol.3 4.8) on success sets the
 * accessed bit of every paging-structure entry used (PAE PDPTEs have none)
 * and, for a write, the dirty bit of the leaf, through @set_bits.  Linux
 * relies on D for pages written behind its back (file-backed mmap).
 * Nothing is set when the walk faults.
 */
int guest_walk_ad(const struct guest_paging *pg, u64 gla, unsigned int pfec,
		  u64 *gpa, unsigned int *fault_pfec, guest_read64_fn read,
		  guest_setbits64_fn set_bits, void *ctx);

#endif
