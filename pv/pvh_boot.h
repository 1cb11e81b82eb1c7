/*
 * Building a PVH domain's boot image (docs/xen-abi.md §A.1-A.3): load the
 * ELF kernel at its physical addresses, place the initrd and the "start
 * info" area (struct hvm_start_info, module list, memory map, command
 * line) after it, and describe the vCPU state Linux's PVH entry expects.
 * Also the loader of flat firmware-style test images (started in real
 * mode with hvm_realmode_state(), hvm/vcpu.h).
 */
#ifndef PV_PVH_BOOT_H
#define PV_PVH_BOOT_H

#include <xen/bootinfo.h>
#include <xen/sched.h>
#include <xen/types.h>
#include <hvm/vcpu.h>

struct domain;

/* Command line bytes including the NUL (Linux's COMMAND_LINE_SIZE is
 * 2048 on x86; 1024 is libxl's practical limit and plenty). */
#define PVH_CMDLINE_MAX 1024
/* Memory map entries: Linux 6.1 takes at most 128 (E820_MAX_ENTRIES_ZEROPAGE)
 * and wants one free for its own ISA entry. */
#define PVH_MAX_E820 DOMAIN_MAX_E820

/* Linux's early page tables map only the first GiB (head_64.S), and it
 * reads start_info, the module list and the memory map through them. */
#define PVH_START_INFO_LIMIT (1ULL << 30)

/* Guest-physical addresses chosen by pvh_layout(); 0 = not present. */
struct pvh_layout {
	u64 initrd;		/* page after the kernel */
	u64 start_info;		/* struct hvm_start_info, page aligned */
	u64 modlist;		/* one struct hvm_modlist_entry */
	u64 memmap;		/* struct hvm_memmap_table_entry[] */
	u64 cmdline;		/* NUL-terminated */
	u64 end;		/* first byte after the start info area */
};

/*
 * Pure: place the initrd and the start info area after a kernel ending at
 * @kernel_end, in the RAM range that holds the kernel and ends at
 * @ram_end.  @cmdline_size counts the NUL; @nr_memmap entries (at least
 * one) are reserved for the memory map.  Returns 0, or -EINVAL/-ENOMEM
 * with *why set.
 */
int pvh_layout(u64 kernel_end, u64 ram_end, u64 initrd_len,
	       size_t cmdline_size, unsigned int nr_memmap,
	       struct pvh_layout *l, const char **why);

/*
 * Load the ELF PVH kernel @img into @d and write the start info area.
 * @cmdline may be NULL (empty), @initrd NULL when @initrd_len is 0;
 * @rsdp_gpa becomes start_info.rsdp_paddr (0: no ACPI tables);
 * @map[0..nr_map) is the domain's memory map (sorted), given to the guest
 * and kept as d->memmap; the kernel's segments must lie in one of its RAM
 * entries.  On success *st is the initial state of the boot vCPU (32-bit
 * protected mode, EIP = PHYS32_ENTRY, EBX = start info).
 * Pre: the map's RAM entries are populated; no vCPU of @d runs.
 * Returns 0 or a negative errno with *why set; nothing is written to the
 * guest unless the whole image was validated and fits.
 */
int pvh_build(struct domain *d, const void *img, size_t len,
	      const char *cmdline, const void *initrd, size_t initrd_len,
	      u32 start_info_flags, u64 rsdp_gpa,
	      const struct e820_entry *map, unsigned int nr_map,
	      struct hvm_boot_state *st, const char **why);

/* The PVH entry state (docs/xen-abi.md §A.2) with EIP @entry, EBX @si. */
void pvh_entry_state(struct hvm_boot_state *st, u32 entry, u32 si);

/* Copy a flat binary to [load_gpa, load_gpa + len) of @d's RAM (a
 * firmware-style guest: load it so its last 16 bytes cover 0xFFFF0 and
 * start it at F000:FFF0). */
int pvh_load_flat(struct domain *d, const void *img, size_t len,
		  u64 load_gpa, const char **why);

#endif
