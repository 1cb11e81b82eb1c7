/*
 * ELF parsing (pv/elf.c) and the PVH image builder (pv/pvh_boot.c).
 *
 * Images are encoded here by byte offset from the gABI, independently of
 * the parser's structs, and handed to it in exactly-sized heap copies so
 * AddressSanitizer flags any read past the end.  Each corruption test
 * changes one field of a valid image.  pvh_build() runs against a fake
 * domain whose RAM is a host buffer written by a copy_to_guest_phys() stub.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/guest_access.h>
#include <xen/sched.h>
#include <pv/elf.h>
#include <pv/pvh_boot.h>

#include "unit.h"

/* ---- Building images ------------------------------------------------ */

#define PH_OFF		0x40	/* program headers (ELF32 header is 52 bytes) */
#define SH_OFF		0x100	/* section headers: SHT_NULL, SHT_NOTE */
#define NOTE_OFF	0x200
#define LOAD_OFF	0x400
#define LOAD_FILESZ	0x100
#define LOAD_MEMSZ	0x300
#define LOAD_PADDR	0x100000
#define IMG_LEN		(LOAD_OFF + LOAD_FILESZ)
#define ENTRY		0x100010

/* Field offsets of the two classes (gABI). */
struct fmt {
	unsigned int ph_size, sh_size, word;
	unsigned int e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize,
		     e_shnum, e_entry;
	unsigned int p_type, p_offset, p_paddr, p_filesz, p_memsz, p_align;
	unsigned int s_type, s_offset, s_size, s_align;
};

static const struct fmt fmt64 = {
	56, 64, 8, 32, 40, 54, 56, 58, 60, 24,
	0, 8, 24, 32, 40, 48, 4, 24, 32, 48,
};

static const struct fmt fmt32 = {
	32, 40, 4, 28, 32, 42, 44, 46, 48, 24,
	0, 4, 12, 16, 20, 28, 4, 16, 20, 32,
};

struct img {
	uint8_t b[IMG_LEN];
	const struct fmt *f;
	unsigned int ph_load, ph_note, sh_note;	/* header offsets */
	unsigned int phys32_note;		/* that note's header */
	unsigned int notes_len;
};

static void put(uint8_t *p, size_t off, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[off + i] = v >> (8 * i);
}

static uint64_t get(const uint8_t *p, size_t off, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[off + i] << (8 * i);
	return v;
}

/* Append a note at *off; name and descriptor padded to @align. */
static void add_note(uint8_t *p, unsigned int *off, const char *name,
		     uint32_t type, const void *desc, uint32_t descsz,
		     unsigned int align)
{
	uint32_t namesz = strlen(name) + 1;

	put(p, *off, namesz, 4);
	put(p, *off + 4, descsz, 4);
	put(p, *off + 8, type, 4);
	*off += 12;
	memcpy(p + *off, name, namesz);
	*off = (*off + namesz + align - 1) / align * align;
	memcpy(p + *off, desc, descsz);
	*off = (*off + descsz + align - 1) / align * align;
}

static void add_notes(struct img *im, unsigned int align)
{
	static const uint8_t build_id[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t entry64[8], feat[4], phys[4];
	unsigned int off = NOTE_OFF;

	put(entry64, 0, 0xffffffff81000000ULL, 8);
	put(feat, 0, 0x8801, 4);
	put(phys, 0, ENTRY, 4);
	add_note(im->b, &off, "Xen", 6, "linux", 6, align);	/* GUEST_OS */
	add_note(im->b, &off, "GNU", 3, build_id, 8, align);	/* build id */
	add_note(im->b, &off, "Xen", 1, entry64, 8, align);	/* ENTRY */
	add_note(im->b, &off, "Xen", 17, feat, 4, align);	/* SUPPORTED_F. */
	im->phys32_note = off;
	add_note(im->b, &off, "Xen", 18, phys, 4, align);	/* PHYS32_ENTRY */
	add_note(im->b, &off, "Xen", 5, "xen-3.0", 8, align);	/* XEN_VERSION */
	im->notes_len = off - NOTE_OFF;
}

static void build(struct img *im, bool is64, unsigned int note_align)
{
	const struct fmt *f = is64 ? &fmt64 : &fmt32;
	uint8_t *b = im->b;

	memset(im, 0, sizeof(*im));
	im->f = f;
	memcpy(b, "\177ELF", 4);
	b[4] = is64 ? 2 : 1;		/* EI_CLASS */
	b[5] = 1;			/* EI_DATA: little endian */
	b[6] = 1;			/* EI_VERSION */
	put(b, 16, 2, 2);		/* ET_EXEC */
	put(b, 18, is64 ? 62 : 3, 2);	/* EM_X86_64 / EM_386 */
	put(b, 20, 1, 4);		/* e_version */
	put(b, f->e_entry, 0x1000000, f->word);
	put(b, f->e_phoff, PH_OFF, f->word);
	put(b, f->e_shoff, SH_OFF, f->word);
	put(b, f->e_phentsize, f->ph_size, 2);
	put(b, f->e_phnum, 2, 2);
	put(b, f->e_shentsize, f->sh_size, 2);
	put(b, f->e_shnum, 2, 2);

	add_notes(im, note_align);
	im->ph_load = PH_OFF;
	im->ph_note = PH_OFF + f->ph_size;
	im->sh_note = SH_OFF + f->sh_size;
	put(b, im->ph_load + f->p_type, 1, 4);		/* PT_LOAD */
	put(b, im->ph_load + f->p_offset, LOAD_OFF, f->word);
	put(b, im->ph_load + f->p_paddr, LOAD_PADDR, f->word);
	put(b, im->ph_load + f->p_filesz, LOAD_FILESZ, f->word);
	put(b, im->ph_load + f->p_memsz, LOAD_MEMSZ, f->word);
	put(b, im->ph_note + f->p_type, 4, 4);		/* PT_NOTE */
	put(b, im->ph_note + f->p_offset, NOTE_OFF, f->word);
	put(b, im->ph_note + f->p_filesz, im->notes_len, f->word);
	put(b, im->ph_note + f->p_align, note_align, f->word);
	put(b, im->sh_note + f->s_type, 7, 4);		/* SHT_NOTE */
	put(b, im->sh_note + f->s_offset, NOTE_OFF, f->word);
	put(b, im->sh_note + f->s_size, im->notes_len, f->word);
	put(b, im->sh_note + f->s_align, note_align, f->word);
	for (unsigned int i = 0; i < LOAD_FILESZ; i++)
		b[LOAD_OFF + i] = 0x90 + i;
}

/* Parse an exactly-sized heap copy of the first @len bytes. */
static int parse_n(const void *img, size_t len, struct elf_image *ei,
		   const char **why)
{
	void *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, img, len);
	*why = NULL;
	rc = elf_parse(copy, len, ei, why);
	free(copy);
	return rc;
}

static int parse(const struct img *im, struct elf_image *ei,
		 const char **why)
{
	return parse_n(im->b, IMG_LEN, ei, why);
}

#define CHECK_BAD(im, reason) do {					\
	struct elf_image _ei;						\
	const char *_why;						\
	CHECK_EQ(parse(im, &_ei, &_why), -EINVAL);			\
	CHECK(_why && !strcmp(_why, reason));				\
	if (_why && strcmp(_why, reason))				\
		fprintf(stderr, "  why: \"%s\"\n", _why);		\
} while (0)

/* ---- Valid images ---------------------------------------------------- */

static void check_good(const struct img *im, bool is64)
{
	struct elf_image ei;
	const char *why;

	CHECK_EQ(parse(im, &ei, &why), 0);
	CHECK_EQ(ei.is64, is64);
	CHECK_EQ(ei.machine, is64 ? 62 : 3);
	CHECK_EQ(ei.e_entry, 0x1000000);
	CHECK_EQ(ei.nr_load, 1);
	CHECK_EQ(ei.load[0].paddr, LOAD_PADDR);
	CHECK_EQ(ei.load[0].memsz, LOAD_MEMSZ);
	CHECK_EQ(ei.load[0].offset, LOAD_OFF);
	CHECK_EQ(ei.load[0].filesz, LOAD_FILESZ);
	CHECK_EQ(ei.paddr_lo, LOAD_PADDR);
	CHECK_EQ(ei.paddr_hi, LOAD_PADDR + LOAD_MEMSZ);
	CHECK_EQ(ei.phys32_entry, ENTRY);
	CHECK(ei.has_entry);
	CHECK_EQ(ei.entry, 0xffffffff81000000ULL);
	CHECK(ei.has_supported_features);
	CHECK_EQ(ei.supported_features, 0x8801);
	CHECK(!ei.has_hypercall_page);
	CHECK(!strcmp(ei.guest_os, "linux"));
	CHECK(!strcmp(ei.xen_version, "xen-3.0"));
	CHECK(!strcmp(ei.guest_version, ""));
}

TEST(test_elf64_good)
{
	struct img im;

	build(&im, true, 4);
	check_good(&im, true);
	/* GNU-property style: a PT_NOTE declaring 8-byte alignment. */
	build(&im, true, 8);
	check_good(&im, true);
}

TEST(test_elf32_good)
{
	struct img im;

	build(&im, false, 4);
	check_good(&im, false);
}

TEST(test_notes_from_sections)
{
	struct img im;

	/* No PT_NOTE: the SHT_NOTE section is read instead. */
	for (int is64 = 0; is64 < 2; is64++) {
		build(&im, is64, 4);
		put(im.b, im.ph_note + im.f->p_type, 0, 4);	/* PT_NULL */
		check_good(&im, is64);
		/* ...and without sections either, there is no entry. */
		put(im.b, im.f->e_shnum, 0, 2);
		CHECK_BAD(&im, "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY)");
	}
}

TEST(test_many_segments)
{
	/* The image plus a table of ELF_MAX_LOAD + 1 loads and the note
	 * after it; each load covers the same bytes at its own address. */
	enum { N = ELF_MAX_LOAD + 1, TAB = IMG_LEN, LEN = TAB + (N + 1) * 56 };
	static uint8_t b[LEN];
	struct elf_image ei;
	const char *why;
	struct img im;

	build(&im, true, 4);
	memcpy(b, im.b, IMG_LEN);
	put(b, fmt64.e_phoff, TAB, 8);
	put(b, fmt64.e_phnum, N + 1, 2);
	for (unsigned int i = 0; i < N; i++) {
		memcpy(b + TAB + i * 56, im.b + im.ph_load, 56);
		put(b, TAB + i * 56 + fmt64.p_paddr, 0x200000 + i * 0x1000, 8);
	}
	memcpy(b + TAB + N * 56, im.b + im.ph_note, 56);
	CHECK_EQ(parse_n(b, LEN, &ei, &why), -EINVAL);
	CHECK(why && !strcmp(why, "too many loadable segments"));

	/* The note in place of the last load: ELF_MAX_LOAD loads are fine. */
	memcpy(b + TAB + (N - 1) * 56, im.b + im.ph_note, 56);
	put(b, fmt64.e_phnum, N, 2);
	CHECK_EQ(parse_n(b, LEN, &ei, &why), 0);
	CHECK_EQ(ei.nr_load, ELF_MAX_LOAD);
	CHECK_EQ(ei.paddr_lo, 0x200000);
	CHECK_EQ(ei.paddr_hi, 0x200000 + (N - 2) * 0x1000 + LOAD_MEMSZ);
}

/* ---- One corrupted field at a time ------------------------------------ */

TEST(test_bad_headers)
{
	for (int is64 = 0; is64 < 2; is64++) {
		struct img im;
		const struct fmt *f;

		build(&im, is64, 4);
		f = im.f;
		im.b[1] = 'e';
		CHECK_BAD(&im, "not an ELF file");
		build(&im, is64, 4);
		im.b[4] = 3;
		CHECK_BAD(&im, "unknown ELF class");
		build(&im, is64, 4);
		im.b[5] = 2;
		CHECK_BAD(&im, "not a little-endian ELF file");
		build(&im, is64, 4);
		put(im.b, 20, 2, 4);
		CHECK_BAD(&im, "unknown ELF version");
		build(&im, is64, 4);
		put(im.b, 16, 3, 2);		/* ET_DYN */
		CHECK_BAD(&im, "not an ELF executable (ET_EXEC)");
		build(&im, is64, 4);
		put(im.b, 18, 40, 2);		/* EM_ARM */
		CHECK_BAD(&im, "not an x86 ELF file");

		build(&im, is64, 4);
		put(im.b, f->e_phoff, IMG_LEN - 8, f->word);
		CHECK_BAD(&im, "program headers outside the file");
		build(&im, is64, 4);
		put(im.b, f->e_phoff, ~0ULL - 8, f->word);	/* wraps */
		CHECK_BAD(&im, "program headers outside the file");
		build(&im, is64, 4);
		put(im.b, f->e_phentsize, f->ph_size - 1, 2);
		CHECK_BAD(&im, "bad program header size");
		build(&im, is64, 4);
		put(im.b, f->e_phnum, 0xffff, 2);
		CHECK_BAD(&im, "too many program headers");
		build(&im, is64, 4);
		put(im.b, f->e_phnum, 0, 2);
		CHECK_BAD(&im, "no program headers");
		/* Section headers only matter without PT_NOTE. */
		build(&im, is64, 4);
		put(im.b, im.ph_note + f->p_type, 0, 4);
		put(im.b, f->e_shoff, ~0ULL - 8, f->word);
		CHECK_BAD(&im, "section headers outside the file");
	}
}

TEST(test_bad_segments)
{
	for (int is64 = 0; is64 < 2; is64++) {
		struct img im;
		const struct fmt *f;

		build(&im, is64, 4);
		f = im.f;
		put(im.b, im.ph_load + f->p_filesz, LOAD_FILESZ + 1, f->word);
		CHECK_BAD(&im, "segment outside the file");
		build(&im, is64, 4);
		put(im.b, im.ph_load + f->p_offset, is64 ? ~0ULL - 8 : ~0U - 8,
		    f->word);
		CHECK_BAD(&im, "segment outside the file");
		build(&im, is64, 4);
		put(im.b, im.ph_load + f->p_memsz, LOAD_FILESZ - 1, f->word);
		CHECK_BAD(&im, "segment larger in the file than in memory");
		build(&im, is64, 4);
		put(im.b, im.ph_load + f->p_type, 0, 4);
		CHECK_BAD(&im, "no loadable segment");
		build(&im, is64, 4);
		put(im.b, im.ph_note + f->p_filesz, IMG_LEN, f->word);
		CHECK_BAD(&im, "note segment outside the file");
	}
	/* Only 64-bit addresses can wrap. */
	struct img im;

	build(&im, true, 4);
	put(im.b, im.ph_load + fmt64.p_paddr, ~0ULL - 0x100, 8);
	CHECK_BAD(&im, "segment wraps around the address space");
}

TEST(test_bad_notes)
{
	for (int is64 = 0; is64 < 2; is64++) {
		struct img im;
		unsigned int n;

		build(&im, is64, 4);
		n = im.phys32_note;
		put(im.b, n, 0x1000, 4);		/* namesz */
		CHECK_BAD(&im, "ELF note past the end of its segment");
		build(&im, is64, 4);
		put(im.b, n, 0xffffffff, 4);
		CHECK_BAD(&im, "ELF note past the end of its segment");
		build(&im, is64, 4);
		put(im.b, n + 4, 0x1000, 4);		/* descsz */
		CHECK_BAD(&im, "ELF note past the end of its segment");
		build(&im, is64, 4);
		put(im.b, n + 4, 0xffffffff, 4);
		CHECK_BAD(&im, "ELF note past the end of its segment");
		build(&im, is64, 4);
		put(im.b, n + 8, 19, 4);		/* type: not PHYS32 */
		CHECK_BAD(&im, "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY)");
		build(&im, is64, 4);
		put(im.b, n + 12, 'x', 1);		/* owner "xen" */
		CHECK_BAD(&im, "no PVH entry point (XEN_ELFNOTE_PHYS32_ENTRY)");
		build(&im, is64, 4);
		put(im.b, n + 4, 3, 4);			/* 3-byte number */
		CHECK_BAD(&im, "malformed XEN_ELFNOTE_PHYS32_ENTRY");
		build(&im, is64, 4);			/* cut in a header */
		put(im.b, im.ph_note + im.f->p_filesz, n - NOTE_OFF + 8,
		    im.f->word);
		CHECK_BAD(&im, "truncated ELF note");
	}
}

TEST(test_phys32_above_4g)
{
	struct elf_image ei;
	const char *why;
	unsigned int off = NOTE_OFF;
	uint8_t big[8];
	struct img im;

	/* A lone 8-byte PHYS32_ENTRY is fine if it fits in 32 bits. */
	build(&im, true, 4);
	put(big, 0, ENTRY, 8);
	memset(im.b + NOTE_OFF, 0, LOAD_OFF - NOTE_OFF);
	add_note(im.b, &off, "Xen", 18, big, 8, 4);
	put(im.b, im.ph_note + fmt64.p_filesz, off - NOTE_OFF, 8);
	CHECK_EQ(parse(&im, &ei, &why), 0);
	CHECK_EQ(ei.phys32_entry, ENTRY);
	CHECK(!ei.has_entry && !ei.guest_os[0]);
	put(im.b, NOTE_OFF + 16, 0x100000000ULL + ENTRY, 8);
	CHECK_BAD(&im, "malformed XEN_ELFNOTE_PHYS32_ENTRY");
}

/* Every proper prefix of a valid image is invalid, and is read safely. */
TEST(test_truncated)
{
	for (int is64 = 0; is64 < 2; is64++) {
		struct img im;
		struct elf_image ei;
		const char *why;
		int bad = 0;

		build(&im, is64, 4);
		for (size_t n = 0; n < IMG_LEN; n++)
			bad += parse_n(im.b, n, &ei, &why) == -EINVAL && why;
		CHECK_EQ(bad, IMG_LEN);
	}
}

/* Any byte of the headers and notes set to a few nasty values: the parser
 * either refuses or returns segments that lie inside the file. */
TEST(test_byte_flips)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };

	for (int is64 = 0; is64 < 2; is64++) {
		struct img im;
		struct elf_image ei;
		const char *why;

		build(&im, is64, 4);
		for (size_t off = 0; off < LOAD_OFF; off++) {
			for (size_t v = 0; v < sizeof(vals); v++) {
				uint8_t old = im.b[off];
				int rc;

				im.b[off] = vals[v];
				rc = parse(&im, &ei, &why);
				im.b[off] = old;
				CHECK(rc == 0 || (rc == -EINVAL && why));
				if (rc)
					continue;
				CHECK(ei.nr_load >= 1 && ei.nr_load <= ELF_MAX_LOAD);
				for (unsigned int i = 0; i < ei.nr_load; i++) {
					const struct elf_load *l = &ei.load[i];

					CHECK(l->filesz <= l->memsz);
					CHECK(l->offset <= IMG_LEN &&
					      l->filesz <= IMG_LEN - l->offset);
					CHECK(l->paddr >= ei.paddr_lo &&
					      l->paddr + l->memsz <= ei.paddr_hi);
				}
			}
		}
	}
}

/* ---- PVH layout and build -------------------------------------------- */

TEST(test_pvh_layout)
{
	struct pvh_layout l;
	const char *why;

	CHECK_EQ(pvh_layout(0x4a00123, 256 << 20, 0x100005, 10, 3, &l, &why), 0);
	CHECK_EQ(l.initrd, 0x4a01000);
	CHECK_EQ(l.start_info, 0x4b02000);
	CHECK_EQ(l.modlist, 0x4b02000 + 56);
	CHECK_EQ(l.memmap, 0x4b02000 + 88);
	CHECK_EQ(l.cmdline, 0x4b02000 + 88 + 3 * 24);
	CHECK_EQ(l.end, 0x4b02000 + 88 + 3 * 24 + 10);
	CHECK(l.modlist % 8 == 0 && l.memmap % 8 == 0);

	CHECK_EQ(pvh_layout(0x4a00000, 256 << 20, 0, 1, 1, &l, &why), 0);
	CHECK_EQ(l.initrd, 0);
	CHECK_EQ(l.modlist, 0);
	CHECK_EQ(l.start_info, 0x4a00000);
	CHECK_EQ(l.memmap, 0x4a00000 + 56);

	/* Does not fit: RAM, the 1 GiB limit, absurd sizes. */
	CHECK_EQ(pvh_layout(0x4a00000, 0x4a00010, 0, 100, 1, &l, &why), -ENOMEM);
	CHECK_EQ(pvh_layout(0x4a00000, 0x4b00000, 0x100000, 1, 1, &l, &why),
		 -ENOMEM);
	CHECK_EQ(pvh_layout(1ULL << 30, 4ULL << 30, 0, 1, 1, &l, &why), -ENOMEM);
	CHECK_EQ(pvh_layout(0x4a00000, 4ULL << 30, 1ULL << 30, 1, 1, &l, &why),
		 -ENOMEM);
	CHECK_EQ(pvh_layout(0x4a00000, ~0ULL, ~0ULL, 1, 1, &l, &why), -ENOMEM);
	CHECK_EQ(pvh_layout(0x4a00000, ~0ULL, 0, 0, 1, &l, &why), -EINVAL);
	CHECK_EQ(pvh_layout(0x4a00000, ~0ULL, 0, PVH_CMDLINE_MAX + 1, 1, &l,
			    &why), -EINVAL);
	CHECK_EQ(pvh_layout(0x4a00000, ~0ULL, 0, 1, PVH_MAX_E820 + 1, &l,
			    &why), -EINVAL);
	CHECK_EQ(pvh_layout(0x4a00000, ~0ULL, 0, 1, 0, &l, &why), -EINVAL);
}

#define RAM_BYTES (4ULL << 20)
static uint8_t *fake_ram;
static unsigned int nr_copies;

int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src, size_t len)
{
	if (gpa > d->ram_bytes || len > d->ram_bytes - gpa)
		return -EFAULT;
	memcpy(fake_ram + gpa, src, len);
	nr_copies++;
	return 0;
}

static bool ram_untouched(void)
{
	for (size_t i = 0; i < RAM_BYTES; i++)
		if (fake_ram[i] != 0xaa)
			return false;
	return true;
}

static void check_start_info(const uint8_t *si, u64 at)
{
	CHECK_EQ(get(si, 0, 4), 0x336ec578);
	CHECK_EQ(get(si, 4, 4), 1);
	CHECK_EQ(get(si, 8, 4), 3);			/* flags */
	CHECK_EQ(get(si, 12, 4), 1);			/* nr_modules */
	CHECK_EQ(get(si, 16, 8), at + 56);		/* modlist */
	CHECK_EQ(get(si, 24, 8), at + 88 + 2 * 24);	/* cmdline */
	CHECK_EQ(get(si, 32, 8), 0xe0000);		/* rsdp */
	CHECK_EQ(get(si, 40, 8), at + 88);		/* memmap */
	CHECK_EQ(get(si, 48, 4), 2);
	CHECK_EQ(get(si, 52, 4), 0);
	CHECK_EQ(get(si, 56, 8), 0x101000);		/* module paddr */
	CHECK_EQ(get(si, 64, 8), 5000);			/* size */
	CHECK_EQ(get(si, 72, 8), 0);			/* cmdline */
	CHECK_EQ(get(si, 88, 8), 0);			/* RAM entry */
	CHECK_EQ(get(si, 96, 8), RAM_BYTES);
	CHECK_EQ(get(si, 104, 4), 1);
	CHECK_EQ(get(si, 112, 8), 0xfeff8000);		/* the extra entry */
	CHECK_EQ(get(si, 120, 8), 0x8000);
	CHECK_EQ(get(si, 128, 4), 2);
	CHECK(!strcmp((const char *)si + 136, "console=hvc0"));
}

TEST(test_pvh_build)
{
	static const struct e820_entry map[] = {
		{ 0, RAM_BYTES, E820_RAM }, { 0xfeff8000, 0x8000, 2 },
	};
	/* RAM short of the kernel's end by a byte; RAM with a hole in
	 * the kernel's range. */
	static const struct e820_entry short_map[] = {
		{ 0, LOAD_PADDR + LOAD_MEMSZ - 1, E820_RAM },
	};
	static const struct e820_entry holed_map[] = {
		{ 0, LOAD_PADDR + 0x10, E820_RAM },
		{ LOAD_PADDR + 0x10, 0x1000, E820_RESERVED },
		{ LOAD_PADDR + 0x1010, RAM_BYTES - LOAD_PADDR - 0x1010, E820_RAM },
	};
	struct domain d = { .domain_id = 1, .ram_bytes = RAM_BYTES };
	struct hvm_boot_state st;
	uint8_t *initrd = malloc(5000);
	char long_cmdline[PVH_CMDLINE_MAX + 1];
	const char *why;
	struct img im;
	bool ok = true;

	fake_ram = malloc(RAM_BYTES);
	memset(fake_ram, 0xaa, RAM_BYTES);
	memset(initrd, 0x5a, 5000);
	build(&im, true, 4);

	/* Refusals leave guest memory alone. */
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, NULL, NULL, 0, 0, 0, short_map,
			   1, &st, &why), -ENOMEM);
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, NULL, NULL, 0, 0, 0, holed_map,
			   3, &st, &why), -ENOMEM);
	memset(long_cmdline, 'x', PVH_CMDLINE_MAX);
	long_cmdline[PVH_CMDLINE_MAX] = '\0';
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, long_cmdline, NULL, 0, 0, 0,
			   map, 1, &st, &why), -EINVAL);
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN - 1, NULL, NULL, 0, 0, 0, map,
			   1, &st, &why), -EINVAL);
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, NULL, NULL, 0, 0, 0, NULL, 0,
			   &st, &why), -EINVAL);
	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, NULL, NULL, 0, 0, 0, map,
			   PVH_MAX_E820 + 1, &st, &why), -EINVAL);
	CHECK(ram_untouched() && nr_copies == 0);

	CHECK_EQ(pvh_build(&d, im.b, IMG_LEN, "console=hvc0", initrd, 5000, 3,
			   0xe0000, map, 2, &st, &why), 0);
	CHECK_EQ(d.nr_memmap, 2);
	CHECK_EQ(d.memmap[1].addr, 0xfeff8000);
	for (unsigned int i = 0; i < LOAD_FILESZ; i++)
		ok &= fake_ram[LOAD_PADDR + i] == (uint8_t)(0x90 + i);
	for (unsigned int i = LOAD_FILESZ; i < LOAD_MEMSZ; i++)
		ok &= fake_ram[LOAD_PADDR + i] == 0;		/* bss */
	for (unsigned int i = 0; i < 5000; i++)
		ok &= fake_ram[0x101000 + i] == 0x5a;
	CHECK(ok);
	check_start_info(fake_ram + 0x103000, 0x103000);
	CHECK_EQ(fake_ram[0x103000 + 136 + 13], 0xaa);	/* nothing after */

	CHECK_EQ(st.regs.rip, ENTRY);
	CHECK_EQ(st.regs.rbx, 0x103000);
	CHECK_EQ(st.regs.rflags, 2);
	CHECK_EQ(st.cr0, 0x11);
	CHECK_EQ(st.cr4 | st.efer | st.cr3, 0);
	CHECK_EQ(st.seg[SEG_CS].attr, 0xc9b);
	CHECK_EQ(st.seg[SEG_CS].limit, 0xffffffff);
	CHECK_EQ(st.seg[SEG_SS].attr, 0xc93);
	CHECK_EQ(st.seg[SEG_DS].base, 0);
	CHECK_EQ(st.seg[SEG_TR].attr, 0x8b);
	CHECK_EQ(st.seg[SEG_TR].limit, 0x67);
	free(initrd);
	free(fake_ram);
}

TEST(test_realmode_and_flat)
{
	struct domain d = { .domain_id = 2, .ram_bytes = 2 << 20 };
	struct hvm_boot_state st;
	uint8_t img[16] = { 0xea };
	const char *why;

	hvm_realmode_state(&st, 0xf000, 0xfff0);
	CHECK_EQ(st.seg[SEG_CS].base, 0xf0000);
	CHECK_EQ(st.seg[SEG_CS].sel, 0xf000);
	CHECK_EQ(st.seg[SEG_CS].attr, 0x9b);
	CHECK_EQ(st.seg[SEG_CS].limit, 0xffff);
	CHECK_EQ(st.seg[SEG_SS].attr, 0x93);
	CHECK_EQ(st.regs.rip, 0xfff0);
	CHECK_EQ(st.cr0, 0x10);

	fake_ram = calloc(1, d.ram_bytes);
	CHECK_EQ(pvh_load_flat(&d, img, 16, 0xffff0, &why), 0);
	CHECK_EQ(fake_ram[0xffff0], 0xea);
	CHECK_EQ(pvh_load_flat(&d, img, 16, d.ram_bytes - 8, &why), -EINVAL);
	CHECK_EQ(pvh_load_flat(&d, img, 16, 0x100000 - 0x200000, &why),
		 -EINVAL);		/* an image too big for below 1 MiB */
	CHECK_EQ(pvh_load_flat(&d, img, 0, 0, &why), -EINVAL);
	free(fake_ram);
}

UNIT_MAIN(test_elf64_good, test_elf32_good, test_notes_from_sections,
	  test_many_segments, test_bad_headers, test_bad_segments,
	  test_bad_notes, test_phys32_above_4g, test_truncated,
	  test_byte_flips, test_pvh_layout, test_pvh_build,
	  test_realmode_and_flat)
