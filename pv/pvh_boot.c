/*
 * The PVH domain image builder (docs/xen-abi.md §A.1-A.3).
 *
 * The caller gives the domain's memory map (its RAM populated).  The
 * kernel's PT_LOAD segments go at their p_paddr, all in one RAM entry;
 * after the last kernel byte, page aligned and in the same entry, come the
 * initrd and then one "start info" area, the order libxc uses:
 *
 *   kernel ... | initrd (page aligned) | start info area (page aligned):
 *     +0   struct hvm_start_info (56 bytes, version 1)
 *     +56  struct hvm_modlist_entry (32 bytes; only with an initrd)
 *     then struct hvm_memmap_table_entry[nr] (24 bytes each)
 *     then the command line, NUL-terminated (at most 1024 bytes)
 *
 * Everything is 8-byte aligned and lies below 1 GiB: Linux 6.1 reads the
 * area through early page tables that map only the first GiB, and copies
 * the initrd and command line addresses into 32-bit boot_params fields.
 *
 * The kernel image is untrusted: elf_parse() validates it, and everything
 * is checked and placed before the first byte is written to the guest.
 */
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/arch-x86/hvm/start_info.h>
#include <pv/elf.h>
#include <pv/pvh_boot.h>

/* Whole MiB, rounded up (what is needed) or down (what is there). */
#define MiB_UP(x) ((unsigned long long)((x) >> 20) + !!((x) & ((1 << 20) - 1)))
#define MiB_DOWN(x) ((unsigned long long)(x) >> 20)

/* The layouts Linux reads (public/arch-x86/hvm/start_info.h). */
BUILD_BUG_ON(sizeof(struct hvm_start_info) != 56);
BUILD_BUG_ON(offsetof(struct hvm_start_info, memmap_paddr) != 40);
BUILD_BUG_ON(offsetof(struct hvm_start_info, memmap_entries) != 48);
BUILD_BUG_ON(sizeof(struct hvm_modlist_entry) != 32);
BUILD_BUG_ON(sizeof(struct hvm_memmap_table_entry) != 24);
/* We pass our E820_* types through as memmap types. */
BUILD_BUG_ON(E820_RAM != XEN_HVM_MEMMAP_TYPE_RAM);
BUILD_BUG_ON(E820_RESERVED != XEN_HVM_MEMMAP_TYPE_RESERVED);
BUILD_BUG_ON(E820_ACPI != XEN_HVM_MEMMAP_TYPE_ACPI);
BUILD_BUG_ON(E820_NVS != XEN_HVM_MEMMAP_TYPE_NVS);
BUILD_BUG_ON(E820_UNUSABLE != XEN_HVM_MEMMAP_TYPE_UNUSABLE);

int pvh_layout(u64 kernel_end, u64 ram_end, u64 initrd_len,
	       size_t cmdline_size, unsigned int nr_memmap,
	       struct pvh_layout *l, const char **why)
{
	u64 at, limit = MIN(ram_end, PVH_START_INFO_LIMIT);

	*l = (struct pvh_layout){ 0 };
	if (!cmdline_size || cmdline_size > PVH_CMDLINE_MAX ||
	    !nr_memmap || nr_memmap > PVH_MAX_E820) {
		*why = "command line or memory map too large";
		return -EINVAL;
	}
	/* Below, every sum is of values < 2^31 or <= ram_end: no wrap. */
	if (kernel_end > limit) {
		*why = "kernel ends above 1 GiB or past the domain's RAM";
		return -ENOMEM;
	}
	at = ROUNDUP(kernel_end, PAGE_SIZE);
	if (initrd_len) {
		if (at > limit || initrd_len > limit - at) {
			*why = "no room for the initrd below 1 GiB in the domain's RAM";
			return -ENOMEM;
		}
		l->initrd = at;
		at = ROUNDUP(at + initrd_len, PAGE_SIZE);
	}

	l->start_info = at;
	at += sizeof(struct hvm_start_info);
	if (initrd_len) {
		l->modlist = at;
		at += sizeof(struct hvm_modlist_entry);
	}
	l->memmap = at;
	at += nr_memmap * sizeof(struct hvm_memmap_table_entry);
	l->cmdline = at;
	l->end = at + cmdline_size;
	if (l->end > limit) {
		*why = "no room for the start info below 1 GiB in the domain's RAM";
		return -ENOMEM;
	}
	return 0;
}

static int pvh_zero(struct domain *d, u64 gpa, u64 len)
{
	static const u8 zeroes[PAGE_SIZE];
	int rc = 0;

	while (len && !rc) {
		size_t n = MIN(len, sizeof(zeroes));

		rc = copy_to_guest_phys(d, gpa, zeroes, n);
		gpa += n;
		len -= n;
	}
	return rc;
}

/* Pre: elf_parse() accepted @img and every segment lies in guest RAM. */
static int pvh_load_segments(struct domain *d, const u8 *img,
			     const struct elf_image *ei)
{
	int rc = 0;

	for (unsigned int i = 0; i < ei->nr_load && !rc; i++) {
		const struct elf_load *s = &ei->load[i];

		rc = copy_to_guest_phys(d, s->paddr, img + s->offset,
					s->filesz);
		if (!rc)
			rc = pvh_zero(d, s->paddr + s->filesz,
				      s->memsz - s->filesz);
	}
	return rc;
}

/* Also d->memmap: the same map answers XENMEM_memory_map later. */
static int pvh_write_memmap(struct domain *d, u64 gpa,
			    const struct e820_entry *map, unsigned int nr_map)
{
	int rc = 0;

	BUILD_BUG_ON(PVH_MAX_E820 > DOMAIN_MAX_E820);
	memcpy(d->memmap, map, nr_map * sizeof(map[0]));
	d->nr_memmap = nr_map;
	for (unsigned int i = 0; i < nr_map && !rc; i++) {
		struct hvm_memmap_table_entry e = {
			.addr = map[i].addr, .size = map[i].size,
			.type = map[i].type,
		};

		rc = copy_to_guest_phys(d, gpa + i * sizeof(e), &e, sizeof(e));
	}
	return rc;
}

/* Pre: @l was computed by pvh_layout() for these sizes. */
static int pvh_write_start_info(struct domain *d, const struct pvh_layout *l,
				const char *cmdline, size_t cmdline_size,
				u64 initrd_len, u32 flags, u64 rsdp_gpa,
				const struct e820_entry *map,
				unsigned int nr_map)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.flags = flags,
		.nr_modules = initrd_len ? 1 : 0,
		.modlist_paddr = l->modlist,
		.cmdline_paddr = l->cmdline,
		.rsdp_paddr = rsdp_gpa,
		.memmap_paddr = l->memmap,
		.memmap_entries = nr_map,
	};
	struct hvm_modlist_entry mod = {
		.paddr = l->initrd, .size = initrd_len,
	};
	int rc;

	/* Start from zeroes so no stale RAM content hides in padding. */
	rc = pvh_zero(d, l->start_info, l->end - l->start_info);
	if (!rc)
		rc = copy_to_guest_phys(d, l->start_info, &si, sizeof(si));
	if (!rc && initrd_len)
		rc = copy_to_guest_phys(d, l->modlist, &mod, sizeof(mod));
	if (!rc)
		rc = pvh_write_memmap(d, l->memmap, map, nr_map);
	if (!rc)
		rc = copy_to_guest_phys(d, l->cmdline, cmdline, cmdline_size);
	return rc;
}

/* The end of @map's RAM entry holding all of [lo, hi), or 0. */
static u64 pvh_ram_end(const struct e820_entry *map, unsigned int nr,
		       u64 lo, u64 hi)
{
	for (unsigned int i = 0; i < nr; i++)
		if (map[i].type == E820_RAM && map[i].addr <= lo &&
		    hi <= map[i].addr + map[i].size)
			return map[i].addr + map[i].size;
	return 0;
}

int pvh_build(struct domain *d, const void *img, size_t len,
	      const char *cmdline, const void *initrd, size_t initrd_len,
	      u32 start_info_flags, u64 rsdp_gpa,
	      const struct e820_entry *map, unsigned int nr_map,
	      struct hvm_boot_state *st, const char **why)
{
	struct elf_image ei;
	struct pvh_layout l;
	size_t cmdline_size;
	u64 ram_end;
	char who[8];
	int rc;

	/* Validate and place everything first: past "Commit" only a copy
	 * fault can fail, and it leaves a half-built domain to destroy. */
	if ((!initrd && initrd_len) || !map || !nr_map ||
	    nr_map > PVH_MAX_E820) {
		*why = "bad initrd or memory map arguments";
		return -EINVAL;
	}
	cmdline = cmdline ? cmdline : "";
	cmdline_size = strnlen(cmdline, PVH_CMDLINE_MAX) + 1;
	if (cmdline_size > PVH_CMDLINE_MAX) {
		*why = "command line longer than 1023 bytes";
		return -EINVAL;
	}
	rc = elf_parse(img, len, &ei, why);
	if (rc)
		return rc;
	ram_end = pvh_ram_end(map, nr_map, ei.paddr_lo, ei.paddr_hi);
	if (!ram_end) {
		printk(KERN_ERR "d%u: kernel needs RAM at %#llx-%#llx (%llu MiB), "
		       "which no RAM range of the domain's %llu MiB holds\n",
		       d->domain_id, (unsigned long long)ei.paddr_lo,
		       (unsigned long long)ei.paddr_hi, MiB_UP(ei.paddr_hi),
		       MiB_DOWN(d->ram_bytes));
		*why = "kernel does not fit in the domain's RAM";
		return -ENOMEM;
	}
	rc = pvh_layout(ei.paddr_hi, ram_end, initrd_len, cmdline_size,
			nr_map, &l, why);
	if (rc)
		return rc;

	/* Commit. */
	snprintf(who, sizeof(who), "d%u", d->domain_id);
	elf_log_notes(&ei, who);
	rc = pvh_load_segments(d, img, &ei);
	if (!rc && initrd_len)
		rc = copy_to_guest_phys(d, l.initrd, initrd, initrd_len);
	if (!rc)
		rc = pvh_write_start_info(d, &l, cmdline, cmdline_size,
					  initrd_len, start_info_flags,
					  rsdp_gpa, map, nr_map);
	if (rc) {
		*why = "cannot write the guest's memory";
		return rc;
	}
	printk("%s: initrd %#llx+%#zx, start info %#llx-%#llx\n", who,
	       (unsigned long long)l.initrd, initrd_len,
	       (unsigned long long)l.start_info, (unsigned long long)l.end);
	pvh_entry_state(st, ei.phys32_entry, l.start_info);
	return 0;
}

static void pvh_seg(struct hvm_boot_state *st, enum hvm_seg_reg r, u16 sel,
		    u16 attr, u32 limit, u64 base)
{
	st->seg[r] = (struct hvm_seg){ sel, attr, limit, base };
}

/* docs/xen-abi.md §A.2 (Linux arch/x86/platform/pvh/head.S, libxc
 * vcpu_hvm()): flat 32-bit protected mode, paging off.  Attributes are
 * the VMCB's packed form: 0xc9b = G|D|P|S|code exec/read accessed,
 * 0xc93 = G|B|P|S|data read/write accessed, 0x8b = P|busy 32-bit TSS,
 * 0x82 = P|LDT. */
void pvh_entry_state(struct hvm_boot_state *st, u32 entry, u32 si)
{
	memset(st, 0, sizeof(*st));
	st->regs.rip = entry;
	st->regs.rbx = si;
	st->regs.rflags = 0x2;		/* bit 1 is always set */
	st->cr0 = 0x11;			/* PE | ET */

	pvh_seg(st, SEG_CS, 0x08, 0xc9b, 0xffffffff, 0);
	pvh_seg(st, SEG_DS, 0x10, 0xc93, 0xffffffff, 0);
	pvh_seg(st, SEG_ES, 0x10, 0xc93, 0xffffffff, 0);
	pvh_seg(st, SEG_SS, 0x10, 0xc93, 0xffffffff, 0);
	pvh_seg(st, SEG_FS, 0x10, 0xc93, 0xffffffff, 0);
	pvh_seg(st, SEG_GS, 0x10, 0xc93, 0xffffffff, 0);
	/* VMX refuses to enter without a usable busy TSS in TR. */
	pvh_seg(st, SEG_TR, 0x18, 0x8b, 0x67, 0);
	pvh_seg(st, SEG_LDTR, 0, 0x82, 0, 0);
	pvh_seg(st, SEG_GDTR, 0, 0, 0, 0);
	pvh_seg(st, SEG_IDTR, 0, 0, 0, 0);
}

/* The state after RESET, but at @cs_sel:@ip with base @cs_sel << 4 rather
 * than the reset CS base 0xffff0000 (SDM vol.3 9.1.1, table 9-1). */
int pvh_load_flat(struct domain *d, const void *img, size_t len,
		  u64 load_gpa, const char **why)
{
	if (!len || load_gpa > d->ram_bytes || len > d->ram_bytes - load_gpa) {
		*why = "flat image empty or outside the domain's RAM";
		return -EINVAL;
	}
	if (copy_to_guest_phys(d, load_gpa, img, len)) {
		*why = "cannot write the guest's memory";
		return -EFAULT;
	}
	printk("d%u: flat image %#llx+%#zx\n", d->domain_id,
	       (unsigned long long)load_gpa, len);
	return 0;
}
