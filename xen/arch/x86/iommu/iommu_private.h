/*
 * What the vendor drivers (vtd.c, amd_vi.c) give the common IOMMU code
 * (iommu.c), which keeps who owns each device and each domain id.
 */
#ifndef IOMMU_PRIVATE_H
#define IOMMU_PRIVATE_H

#include <xen/types.h>

struct acpi_info;
struct domain;

#define IOMMU_MAX_DIDS 256		/* domain ids handed out, at most */
#define IOMMU_FAULTS_LOGGED 16		/* per unit; the rest are counted */

struct iommu_vendor {
	/* Point requester @bdf at @d's tables, tagged @did, and invalidate
	 * what the units may have cached of it.  0 or -ENOMEM. */
	int (*attach)(struct domain *d, u16 bdf, u16 did);
	/* Block @bdf again; nothing cached of it survives. */
	void (*detach)(u16 bdf, u16 did);
	/* @did's tables lost or changed a translation. */
	void (*flush)(u16 did);
	/* @d has no device left (its tables may go). */
	void (*release)(struct domain *d);
	unsigned int nr_dids;		/* at most IOMMU_MAX_DIDS */
};

/*
 * Take over the units the ACPI tables name, if this vendor's.  Returns
 * the vendor's operations, or NULL with a line for the summary in
 * @summary (none found, or why they cannot be used).
 */
const struct iommu_vendor *vtd_setup(const struct acpi_info *ai,
				     char *summary, size_t len);
const struct iommu_vendor *amd_vi_setup(const struct acpi_info *ai,
					char *summary, size_t len);

/*
 * A ring the unit fetches 16-byte entries from (VT-d's invalidation
 * queue, AMD-Vi's command buffer): one page of 256 entries; both units
 * take head and tail as byte offsets in 64-bit registers.
 */
#define IOMMU_RING_ENTRIES 256
struct iommu_ring {
	u64 *entries;			/* 2 x IOMMU_RING_ENTRIES */
	unsigned int tail;
	paddr_t head_reg, tail_reg;	/* MMIO addresses */
	bool writeback;			/* the unit does not snoop */
};
/* Append one entry and move the tail (waiting while the ring is full). */
void iommu_ring_push(struct iommu_ring *r, u64 lo, u64 hi);
/* Wait for a unit's completion store of @seq into @word: false after a
 * second without it (the caller says what hung). */
bool iommu_wait_store(const volatile u64 *word, u64 seq);

/* Never to be assigned: the hypervisor uses it (before iommu_hwdom_init). */
void iommu_keep_device(u16 bdf);
/* A fault record that is not about a request (overflow and the like):
 * counted only. */
void iommu_count_fault(unsigned long *unit_faults);
/*
 * A request the unit @unit (e.g. "VT-d unit at 0x...") blocked: counted,
 * and logged while the unit has reported at most IOMMU_FAULTS_LOGGED.
 * @why and @code say why in the vendor's terms.
 */
void iommu_report_fault(const char *unit, unsigned long *unit_faults,
			u16 sid, bool write, u64 addr, const char *why,
			unsigned int code);

#endif
