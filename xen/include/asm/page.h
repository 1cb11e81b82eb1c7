/* x86-64 4-level page-table entries and the hypervisor's own mappings. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <xen/types.h>
#include <xen/bootinfo.h>

#define _PAGE_PRESENT (1ULL << 0)
#define _PAGE_RW (1ULL << 1)
#define _PAGE_USER (1ULL << 2)
#define _PAGE_PWT (1ULL << 3)
#define _PAGE_PCD (1ULL << 4)
#define _PAGE_PSE (1ULL << 7)
#define _PAGE_GLOBAL (1ULL << 8)
#define _PAGE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#define L2_PAGE_SIZE (1ULL << 21)

/* Low-memory pages reserved for the AP start-up trampoline. */
#define TRAMPOLINE_CODE_PA 0x8000
#define TRAMPOLINE_DATA_PA 0x9000

/* Build W^X page tables for the hypervisor and switch to them. */
void mm_init(const struct boot_info *bi);
/* The CR3 value every CPU loads (below 4 GiB, for the AP trampoline). */
extern paddr_t idle_pg_table_pa;
extern bool cpu_has_nx;

#endif
