/*
 * ELF kernel images for PVH guests: validate an untrusted ELF32/ELF64
 * little-endian x86 executable and extract what the PVH builder needs -
 * the PT_LOAD segments (loaded at p_paddr) and the Xen ELF notes
 * (public/elfnote.h), above all XEN_ELFNOTE_PHYS32_ENTRY.
 *
 * Pure: reads only the image it is given, so it is unit tested on the host
 * (tests/unit/test_elf.c).
 */
#ifndef PV_ELF_H
#define PV_ELF_H

#include <xen/types.h>

/* Linux 6.1 has 5 PT_LOAD segments; anything near this limit is odd. */
#define ELF_MAX_LOAD 16
/* Xen's string notes are short ("linux", "2.6", "xen-3.0", a few
 * feature names); longer ones are truncated - they only go to the log. */
#define ELF_NOTE_STR_LEN 64

struct elf_load {
	u64 paddr;		/* guest-physical load address (p_paddr) */
	u64 memsz;		/* bytes in memory; filesz..memsz are zeroed */
	u64 offset;		/* file offset of the first byte */
	u64 filesz;		/* bytes taken from the file, <= memsz */
};

struct elf_image {
	bool is64;		/* ELFCLASS64 */
	u16 machine;		/* EM_386 or EM_X86_64 */
	u64 e_entry;		/* ELF entry (virtual; unused for PVH) */

	unsigned int nr_load;	/* PT_LOAD segments with memsz != 0 */
	struct elf_load load[ELF_MAX_LOAD];
	u64 paddr_lo;		/* lowest p_paddr of a segment */
	u64 paddr_hi;		/* highest p_paddr + p_memsz (exclusive) */

	/* Xen notes (owner "Xen"); has_* says whether each was present. */
	u32 phys32_entry;	/* XEN_ELFNOTE_PHYS32_ENTRY, always present */
	bool has_entry, has_hypercall_page, has_supported_features;
	u64 entry;		/* XEN_ELFNOTE_ENTRY (PV entry, for logs) */
	u64 hypercall_page;	/* XEN_ELFNOTE_HYPERCALL_PAGE (ignored by PVH) */
	u32 supported_features;	/* first 32 bits of the XENFEAT_* bitmap */
	/* NUL-terminated, non-printable bytes replaced by '?'; "" if absent. */
	char guest_os[ELF_NOTE_STR_LEN];
	char guest_version[ELF_NOTE_STR_LEN];
	char xen_version[ELF_NOTE_STR_LEN];
	char features[ELF_NOTE_STR_LEN];
};

/*
 * Parse the ELF executable [img, img + len).  Every header, offset and size
 * is checked against len before use; nothing outside the buffer is read.
 * Returns 0 with *out filled, or -EINVAL with *why set to a one-line reason
 * (*out is then unspecified).  A PVH entry point is required.
 */
int elf_parse(const void *img, size_t len, struct elf_image *out,
	      const char **why);

/* One line per Xen note found, prefixed with @who (e.g. "d1"). */
void elf_log_notes(const struct elf_image *ei, const char *who);

#endif
