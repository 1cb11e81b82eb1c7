/*
 * ELF parsing for PVH kernel images.
 *
 * The image is hostile input (a domU kernel comes from the toolstack), so
 * the parser follows one rule: every offset and size read from the file is
 * checked against the buffer, in 64-bit arithmetic that cannot overflow,
 * before anything at that offset is read.  Headers are copied into local,
 * naturally aligned structs with memcpy() (the image need not be aligned),
 * and the ELF32 and ELF64 forms are widened into one neutral form so the
 * checks exist once.  Work is bounded: at most ELF_MAX_PHDRS program
 * headers, ELF_MAX_SHDRS section headers and ELF_NOTE_BUDGET bytes of notes.
 *
 * Layouts and constants are those of the System V gABI (ELF-64 object file
 * format 1.5 and the 4.1 gABI for ELF32); the Xen note types come from
 * Xen's public/elfnote.h.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <public/elfnote.h>
#include <pv/elf.h>

#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_NOTE 4
#define SHT_NOTE 7

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6

/* Real kernels have fewer than 10 program headers and ~100 sections. */
#define ELF_MAX_PHDRS 64
#define ELF_MAX_SHDRS 4096
/* Linux's notes are well under 1 KiB; this caps the work of a walk over
 * many overlapping note segments that each cover the whole file. */
#define ELF_NOTE_BUDGET (1UL << 20)

struct elf32_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version, entry, phoff, shoff, flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

struct elf32_shdr {
	u32 name, type, flags, addr, offset, size, link, info, addralign,
	    entsize;
};

struct elf64_shdr {
	u32 name, type;
	u64 flags, addr, offset, size;
	u32 link, info;
	u64 addralign, entsize;
};

/* The parts of the headers we use, in one width. */
struct elf_hdr {
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u16 phentsize, phnum, shentsize, shnum;
};

struct elf_seg {		/* a program or section header */
	u32 type;
	u64 offset, paddr, filesz, memsz, align;
};

struct elf_ctx {
	const u8 *img;
	size_t len;
	bool is64;
	bool have_phys32;
	u64 note_budget;
	struct elf_image *out;
	const char **why;
};

static int elf_fail(struct elf_ctx *c, const char *why)
{
	*c->why = why;
	return -EINVAL;
}

/* Is [off, off + size) inside the file?  Written so nothing overflows. */
static bool elf_in_file(const struct elf_ctx *c, u64 off, u64 size)
{
	return off <= c->len && size <= c->len - off;
}

static int elf_read_hdr(struct elf_ctx *c, struct elf_hdr *h)
{
	struct elf32_ehdr e32;
	struct elf64_ehdr e64;
	const u8 *id = c->img;

	if (c->len < sizeof(e32) || memcmp(id, "\177ELF", 4))
		return elf_fail(c, "not an ELF file");
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return elf_fail(c, "unknown ELF class");
	if (id[EI_DATA] != ELFDATA2LSB)
		return elf_fail(c, "not a little-endian ELF file");
	if (id[EI_VERSION] != EV_CURRENT)
		return elf_fail(c, "unknown ELF version");

	c->is64 = id[EI_CLASS] == ELFCLASS64;
	if (c->is64) {
		if (c->len < sizeof(e64))
			return elf_fail(c, "ELF header past the end of the file");
		memcpy(&e64, c->img, sizeof(e64));
		*h = (struct elf_hdr){ e64.type, e64.machine, e64.version,
				       e64.entry, e64.phoff, e64.shoff,
				       e64.phentsize, e64.phnum,
				       e64.shentsize, e64.shnum };
	} else {
		memcpy(&e32, c->img, sizeof(e32));
		*h = (struct elf_hdr){ e32.type, e32.machine, e32.version,
				       e32.entry, e32.phoff, e32.shoff,
				       e32.phentsize, e32.phnum,
				       e32.shentsize, e32.shnum };
	}

	if (h->version != EV_CURRENT)
		return elf_fail(c, "unknown ELF version");
	if (h->type != ET_EXEC)
		return elf_fail(c, "not an ELF executable (ET_EXEC)");
	/* Either machine in either class: the PVH entry is 32-bit and
	 * physical whatever the kernel then switches to (x32 images exist). */
	if (h->machine != EM_386 && h->machine != EM_X86_64)
		return elf_fail(c, "not an x86 ELF file");
	return 0;
}

/* Is the table of @num entries of @entsize bytes at @off inside the file?
 * (gABI: entsize may exceed the size of the struct we read.) */
static bool elf_table_in_file(const struct elf_ctx *c, u64 off, u16 entsize,
			      u16 num)
{
	/* entsize * num < 2^32: no overflow. */
	return elf_in_file(c, off, (u64)entsize * num);
}

/* Pre: the table holding @off was checked by elf_table_in_file(). */
static void elf_read_phdr(const struct elf_ctx *c, u64 off,
			  struct elf_seg *s)
{
	struct elf32_phdr p32;
	struct elf64_phdr p64;

	if (c->is64) {
		memcpy(&p64, c->img + off, sizeof(p64));
		*s = (struct elf_seg){ p64.type, p64.offset, p64.paddr,
				       p64.filesz, p64.memsz, p64.align };
	} else {
		memcpy(&p32, c->img + off, sizeof(p32));
		*s = (struct elf_seg){ p32.type, p32.offset, p32.paddr,
				       p32.filesz, p32.memsz, p32.align };
	}
}

/* Sections are read into the same form: size as filesz, no address. */
static void elf_read_shdr(const struct elf_ctx *c, u64 off,
			  struct elf_seg *s)
{
	struct elf32_shdr s32;
	struct elf64_shdr s64;

	if (c->is64) {
		memcpy(&s64, c->img + off, sizeof(s64));
		*s = (struct elf_seg){ s64.type, s64.offset, 0, s64.size,
				       s64.size, s64.addralign };
	} else {
		memcpy(&s32, c->img + off, sizeof(s32));
		*s = (struct elf_seg){ s32.type, s32.offset, 0, s32.size,
				       s32.size, s32.addralign };
	}
}

static int elf_add_load(struct elf_ctx *c, const struct elf_seg *s)
{
	struct elf_image *ei = c->out;
	struct elf_load *l;

	if (s->filesz > s->memsz)
		return elf_fail(c, "segment larger in the file than in memory");
	if (!elf_in_file(c, s->offset, s->filesz))
		return elf_fail(c, "segment outside the file");
	if (s->paddr + s->memsz < s->paddr)
		return elf_fail(c, "segment wraps around the address space");
	if (!s->memsz)
		return 0;
	if (ei->nr_load == ELF_MAX_LOAD)
		return elf_fail(c, "too many loadable segments");

	l = &ei->load[ei->nr_load++];
	*l = (struct elf_load){ s->paddr, s->memsz, s->offset, s->filesz };
	if (ei->nr_load == 1 || l->paddr < ei->paddr_lo)
		ei->paddr_lo = l->paddr;
	if (l->paddr + l->memsz > ei->paddr_hi)
		ei->paddr_hi = l->paddr + l->memsz;
	return 0;
}

/* Little-endian unsigned value of 1, 2, 4 or 8 bytes (Xen's numeric note
 * sizes, libelf elf_note_numeric()). */
static bool elf_note_num(const u8 *desc, u32 size, u64 *val)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	*val = 0;
	for (u32 i = 0; i < size; i++)
		*val |= (u64)desc[i] << (8 * i);
	return true;
}

/* String notes only reach the log: keep them short and printable. */
static void elf_note_str(char *dst, const u8 *desc, u32 size)
{
	u32 i;

	for (i = 0; i < size && i < ELF_NOTE_STR_LEN - 1 && desc[i]; i++)
		dst[i] = desc[i] >= 0x20 && desc[i] < 0x7f ? desc[i] : '?';
	dst[i] = '\0';
}

static int elf_xen_note(struct elf_ctx *c, u32 type, const u8 *desc,
			u32 size)
{
	struct elf_image *ei = c->out;
	u64 v;

	switch (type) {
	case XEN_ELFNOTE_PHYS32_ENTRY:
		if (!elf_note_num(desc, size, &v) || v >> 32)
			return elf_fail(c, "malformed XEN_ELFNOTE_PHYS32_ENTRY");
		ei->phys32_entry = v;
		c->have_phys32 = true;
		break;
	case XEN_ELFNOTE_ENTRY:
		ei->has_entry = elf_note_num(desc, size, &ei->entry);
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		ei->has_hypercall_page = elf_note_num(desc, size,
						      &ei->hypercall_page);
		break;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		/* An array of 32-bit XENFEAT_* words; the first is enough. */
		if (size >= 4) {
			ei->supported_features = desc[0] | desc[1] << 8 |
				desc[2] << 16 | (u32)desc[3] << 24;
			ei->has_supported_features = true;
		}
		break;
	case XEN_ELFNOTE_GUEST_OS:
		elf_note_str(ei->guest_os, desc, size);
		break;
	case XEN_ELFNOTE_GUEST_VERSION:
		elf_note_str(ei->guest_version, desc, size);
		break;
	case XEN_ELFNOTE_XEN_VERSION:
		elf_note_str(ei->xen_version, desc, size);
		break;
	case XEN_ELFNOTE_FEATURES:
		elf_note_str(ei->features, desc, size);
		break;
	}
	return 0;
}

/*
 * Walk the notes in [off, off + size) of the file.  Each note is a 12-byte
 * header (namesz, descsz, type), then the name and the descriptor, each
 * padded to @align.  gABI says 8 for ELF64, but toolchains (and Xen's
 * notes in Linux) use 4 everywhere; only a segment or section that itself
 * declares 8-byte alignment holds 8-byte aligned notes (GNU property
 * notes).  This is how binutils and glibc read them.
 */
static int elf_walk_notes(struct elf_ctx *c, u64 off, u64 size, u64 align)
{
	u64 pos = 0, name, desc;
	u32 hdr[3];

	if (!elf_in_file(c, off, size))
		return elf_fail(c, "note segment outside the file");
	if (size > c->note_budget)
		return elf_fail(c, "too many ELF notes");
	c->note_budget -= size;
	align = align == 8 ? 8 : 4;

	while (pos < size) {
		if (size - pos < sizeof(hdr))
			return elf_fail(c, "truncated ELF note");
		memcpy(hdr, c->img + off + pos, sizeof(hdr));
		/* u64 sums of at most size + 2 * 2^32: no overflow. */
		name = pos + sizeof(hdr);
		desc = ROUNDUP(name + hdr[0], align);
		if (name + hdr[0] > size || desc > size || hdr[1] > size - desc)
			return elf_fail(c, "ELF note past the end of its segment");
		if (hdr[0] == 4 && !memcmp(c->img + off + name, "Xen", 4) &&
		    elf_xen_note(c, hdr[2], c->img + off + desc, hdr[1]))
			return -EINVAL;
		pos = ROUNDUP(desc + hdr[1], align);
	}
	return 0;
}

static int elf_scan_phdrs(struct elf_ctx *c, const struct elf_hdr *h,
			  bool *have_pt_note)
{
	struct elf_seg s;
	int rc = 0;

	if (!h->phnum)
		return elf_fail(c, "no program headers");
	if (h->phnum > ELF_MAX_PHDRS)
		return elf_fail(c, "too many program headers");
	if (h->phentsize < (c->is64 ? sizeof(struct elf64_phdr) :
				      sizeof(struct elf32_phdr)))
		return elf_fail(c, "bad program header size");
	if (!elf_table_in_file(c, h->phoff, h->phentsize, h->phnum))
		return elf_fail(c, "program headers outside the file");

	for (unsigned int i = 0; i < h->phnum && !rc; i++) {
		elf_read_phdr(c, h->phoff + (u64)i * h->phentsize, &s);
		if (s.type == PT_LOAD) {
			rc = elf_add_load(c, &s);
		} else if (s.type == PT_NOTE) {
			*have_pt_note = true;
			rc = elf_walk_notes(c, s.offset, s.filesz, s.align);
		}
	}
	return rc;
}

/* Only used when there is no PT_NOTE segment. */
static int elf_scan_note_sections(struct elf_ctx *c, const struct elf_hdr *h)
{
	struct elf_seg s;
	int rc = 0;

	/* shnum 0 means none (or, with SHN_XINDEX, more than we allow). */
	if (!h->shnum)
		return 0;
	if (h->shnum > ELF_MAX_SHDRS)
		return elf_fail(c, "too many section headers");
	if (h->shentsize < (c->is64 ? sizeof(struct elf64_shdr) :
				      sizeof(struct elf32_shdr)))
		return elf_fail(c, "bad section header size");
	if (!elf_table_in_file(c, h->shoff, h->shentsize, h->shnum))
		return elf_fail(c, "section headers outside the file");

	for (unsigned int i = 0; i < h->shnum && !rc; i++) {
		elf_read_shdr(c, h->shoff + (u64)i * h->shentsize, &s);
		if (s.type == SHT_NOTE)
			rc = elf_walk_notes(c, s.offset, s.filesz, s.align);
	}
	return rc;
}

int elf_parse(const void *img, size_t len, struct elf_image *out,
	      const char **why)
{
	struct elf_ctx c = { img, len, false, false, ELF_NOTE_BUDGET, out,
			     why };
	struct elf_hdr h;
	bool have_pt_note = false;
	int rc;

	BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
	BUILD_BUG_ON(sizeof(struct elf64_ehdr) != 64);
	BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);
	BUILD_BUG_ON(sizeof(struct elf64_phdr) != 56);
	BUILD_BUG_ON(sizeof(struct elf32_shdr) != 40);
	BUILD_BUG_ON(sizeof(struct elf64_shdr) != 64);

	memset(out, 0, sizeof(*out));
	rc = elf_read_hdr(&c, &h);
	if (rc)
		return rc;
	out->is64 = c.is64;
	out->machine = h.machine;
	out->e_entry = h.entry;

	rc = elf_scan_phdrs(&c, &h, &have_pt_note);
	if (!rc && !have_pt_note)
		rc = elf_scan_note_sections(&c, &h);
	if (rc)
		return rc;
	if (!out->nr_load)
		return elf_fail(&c, "no loadable segment");
	if (!c.have_phys32)
		return elf_fail(&c, "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY)");
	return 0;
}

void elf_log_notes(const struct elf_image *ei, const char *who)
{
	printk("%s: ELF%d %s, paddr %#llx-%#llx, PVH entry %#x\n", who,
	       ei->is64 ? 64 : 32, ei->machine == EM_X86_64 ? "x86-64" : "i386",
	       (unsigned long long)ei->paddr_lo,
	       (unsigned long long)ei->paddr_hi, ei->phys32_entry);
	if (ei->guest_os[0] || ei->guest_version[0] || ei->xen_version[0])
		printk("%s: guest '%s' version '%s' for '%s'\n", who,
		       ei->guest_os, ei->guest_version, ei->xen_version);
	if (ei->features[0])
		printk("%s: features '%s'\n", who, ei->features);
	if (ei->has_supported_features)
		printk("%s: supported features %#x\n", who,
		       ei->supported_features);
	if (ei->has_entry)
		printk("%s: PV entry %#llx (unused by PVH)\n", who,
		       (unsigned long long)ei->entry);
	if (ei->has_hypercall_page)
		printk("%s: hypercall page note %#llx (unused by PVH)\n", who,
		       (unsigned long long)ei->hypercall_page);
}
