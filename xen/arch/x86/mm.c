/*
 * The hypervisor's own address space: physical memory identity-mapped,
 * with W^X.  The image is mapped with 4 KiB pages by section (text RX,
 * rodata R, data/bss RW, never W and X together); other RAM is RW+NX with
 * 2 MiB pages; non-RAM below 4 GiB (LAPIC, IO-APIC, HPET...) is RW+NX and
 * uncached.  Page 0 is left unmapped so a NULL dereference faults.  Guests
 * never share this address space (they run under nested paging), so the
 * identity map costs nothing in isolation.
 */
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <asm/page.h>
#include <asm/processor.h>

paddr_t idle_pg_table_pa;
bool cpu_has_nx;

static u64 *pml4;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __image_end[];

static u64 *new_table(void)
{
	u64 *t = alloc_pages_below(0, 1ULL << 32);

	if (!t)
		panic("out of memory below 4 GiB for page tables");
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* The table one level down from @entry, created if absent. */
static u64 *next_level(u64 *entry)
{
	if (!(*entry & _PAGE_PRESENT))
		*entry = (u64)(uintptr_t)new_table() | _PAGE_PRESENT | _PAGE_RW;
	BUG_ON(*entry & _PAGE_PSE);
	return (u64 *)(uintptr_t)(*entry & PTE_ADDR_MASK);
}

static u64 *l2_entry(paddr_t pa)
{
	u64 *l3 = next_level(&pml4[(pa >> 39) & 511]);
	u64 *l2 = next_level(&l3[(pa >> 30) & 511]);

	return &l2[(pa >> 21) & 511];
}

static void map_2m(paddr_t pa, u64 flags)
{
	*l2_entry(pa) = pa | flags | _PAGE_PSE | _PAGE_PRESENT;
}

static void map_4k(paddr_t pa, u64 flags)
{
	u64 *l1 = next_level(l2_entry(pa));

	l1[(pa >> 12) & 511] = flags ? (pa | flags | _PAGE_PRESENT) : 0;
}

static u64 nx(void)
{
	return cpu_has_nx ? _PAGE_NX : 0;
}

/* Flags for one 4 KiB page of the low 2 MiB or of the image. */
static u64 small_page_flags(paddr_t pa, const struct boot_info *bi)
{
	paddr_t ts = (uintptr_t)__text_start, te = (uintptr_t)__text_end;
	paddr_t rs = (uintptr_t)__rodata_start, re = (uintptr_t)__rodata_end;
	paddr_t ds = (uintptr_t)__data_start, de = (uintptr_t)__image_end;

	if (pa == 0)
		return 0;			/* catch NULL */
	if (pa == TRAMPOLINE_CODE_PA || (pa >= ts && pa < te))
		return _PAGE_GLOBAL;		/* RX */
	if (pa >= rs && pa < re)
		return _PAGE_GLOBAL | nx();	/* R */
	if (pa >= ds && pa < de)
		return _PAGE_GLOBAL | _PAGE_RW | nx();
	if (e820_is_ram(bi->map, bi->nr_map, pa, PAGE_SIZE))
		return _PAGE_RW | nx();
	return _PAGE_RW | nx() | _PAGE_PCD | _PAGE_PWT;
}

static bool overlaps_ram(const struct boot_info *bi, paddr_t s, paddr_t e)
{
	for (unsigned int i = 0; i < bi->nr_map; i++)
		if (bi->map[i].type == E820_RAM && bi->map[i].addr < e &&
		    bi->map[i].addr + bi->map[i].size > s)
			return true;
	return false;
}

void mm_init(const struct boot_info *bi)
{
	paddr_t img_lo = ROUNDDOWN((paddr_t)(uintptr_t)__text_start, L2_PAGE_SIZE);
	paddr_t img_hi = ROUNDUP((paddr_t)(uintptr_t)__image_end, L2_PAGE_SIZE);
	paddr_t top = 1ULL << 32;

	cpu_has_nx = rdmsr(MSR_EFER) & EFER_NXE;
	pml4 = new_table();
	for (unsigned int i = 0; i < bi->nr_map; i++)
		if (bi->map[i].type == E820_RAM)
			top = MAX(top, ROUNDUP(bi->map[i].addr + bi->map[i].size,
					       L2_PAGE_SIZE));
	for (paddr_t pa = 0; pa < top; pa += L2_PAGE_SIZE) {
		bool ram = overlaps_ram(bi, pa, pa + L2_PAGE_SIZE);

		if (pa == 0 || (pa >= img_lo && pa < img_hi)) {
			for (paddr_t p = pa; p < pa + L2_PAGE_SIZE; p += PAGE_SIZE)
				map_4k(p, small_page_flags(p, bi));
		} else if (ram) {
			map_2m(pa, _PAGE_RW | nx());
		} else if (pa < (1ULL << 32)) {
			map_2m(pa, _PAGE_RW | nx() | _PAGE_PCD | _PAGE_PWT);
		}
	}
	idle_pg_table_pa = (uintptr_t)pml4;
	write_cr4(read_cr4() | X86_CR4_PGE);
	write_cr3(idle_pg_table_pa);
	printk("mm: W^X page tables loaded (NX %s), %lu MiB mapped\n",
	       cpu_has_nx ? "on" : "unavailable: data is executable",
	       (unsigned long)(top >> 20));
}
