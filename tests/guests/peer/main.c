/*
 * peer: the other domain of the dom0 user-space test of foreign memory
 * (tests/linux/xen-devices-test.c --foreign).  It lays out what the test
 * looks for at fixed places, as a toolstack would know them:
 *  - gfn 0x200 holds "amphi peer page" (dom0 maps it with privcmd's
 *    IOCTL_PRIVCMD_MMAPBATCH_V2, writes a string at offset 65, then sets
 *    the byte at offset 64);
 *  - its grant table frame 0 is mapped at gfn 0x300, and grant ref 8
 *    gives dom0 gfn 0x201, which holds "amphi peer grant" (dom0 reads the
 *    entry through IOCTL_PRIVCMD_MMAP_RESOURCE and maps the grant with
 *    gntdev).
 * Then it waits, printing what dom0 wrote, until dom0 shuts it down.
 * Never returns by itself.
 */
#include "lib.h"
#include <public/memory.h>
#include <public/grant_table.h>

#define PAGE_GFN 0x200UL
#define GRANT_PAGE_GFN 0x201UL
#define GRANT_TABLE_GFN 0x300UL
#define GRANT_REF 8

static long add_grant_frame(void)
{
	static struct xen_add_to_physmap x;

	x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
		.space = XENMAPSPACE_grant_table, .idx = 0,
		.gpfn = GRANT_TABLE_GFN };
	return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			 (unsigned long)&x, 0, 0, 0);
}

int main(void)
{
	volatile char *page = (char *)(PAGE_GFN << 12);
	char *gpage = (char *)(GRANT_PAGE_GFN << 12);
	grant_entry_v1_t *gt = (grant_entry_v1_t *)(GRANT_TABLE_GFN << 12);
	long rc;

	memset((void *)page, 0, PAGE_SIZE);
	memcpy((void *)page, "amphi peer page", 16);
	memcpy(gpage, "amphi peer grant", 17);
	rc = add_grant_frame();
	if (rc) {
		report(false, "map grant frame 0 at gfn %#lx: %ld",
		       GRANT_TABLE_GFN, rc);
		return report_result();
	}
	gt[GRANT_REF].frame = GRANT_PAGE_GFN;
	gt[GRANT_REF].domid = 0;
	__atomic_store_n(&gt[GRANT_REF].flags, GTF_permit_access,
			 __ATOMIC_SEQ_CST);
	printf("peer: ready: page at gfn %#lx, grant ref %u for d0\n",
	       PAGE_GFN, GRANT_REF);
	for (;;) {
		if (__atomic_load_n(&page[64], __ATOMIC_ACQUIRE)) {
			char seen[32];

			memcpy(seen, (const char *)page + 65, sizeof(seen) - 1);
			seen[sizeof(seen) - 1] = 0;
			printf("peer: dom0 wrote \"%s\"\n", seen);
			page[64] = 0;
		}
		sleep_ms(10);
	}
}
