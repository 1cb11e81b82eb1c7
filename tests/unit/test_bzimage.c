/*
 * bzImage parsing (pv/bzimage.c) and the kernel format front end
 * (pv/kernel_image.c) that decompresses a bzImage for the PVH builder.
 *
 * A synthetic bzImage is built at run time: setup sectors carrying the
 * boot protocol header (fields by offset from Documentation/x86/boot.rst),
 * then a protected-mode part holding filler "decompressor" bytes, the XZ
 * payload - a small PVH ELF compressed by the xz tool the way Linux does
 * (--check=crc32 --x86 --lzma2) plus Linux's 4-byte length trailer - and
 * bytes past syssize standing for a signature.  Each check changes one
 * field.  Images are handed over in exactly-sized heap copies so
 * AddressSanitizer flags any read past the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/time.h>
#include <pv/bzimage.h>
#include <pv/elf.h>
#include <pv/kernel_image.h>

#include "unit.h"

/* kernel_image.c times the decompression. */
s_time_t NOW(void)
{
	return 0;
}

#define SETUP_SECTS	7
#define SETUP_LEN	((SETUP_SECTS + 1) * 512)
#define STUB_LEN	0x3c0		/* "decompressor" before the payload */
#define SIG_LEN		40		/* bytes after syssize */
#define INIT_SIZE	0x20000
#define ELF_LEN		0x2000
#define ELF_ENTRY	0x1000850

struct buf {
	u8 *p;
	size_t len;
};

static void put(u8 *p, size_t off, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[off + i] = v >> (8 * i);
}

/* An ELF64 PVH kernel: one PT_LOAD at 16 MiB and the PHYS32_ENTRY note. */
static struct buf make_elf(void)
{
	struct buf e = { calloc(1, ELF_LEN), ELF_LEN };
	u8 *p = e.p;

	memcpy(p, "\177ELF\2\1\1", 7);
	put(p, 16, 2, 2);		/* ET_EXEC */
	put(p, 18, 62, 2);		/* EM_X86_64 */
	put(p, 20, 1, 4);
	put(p, 24, 0xffffffff81000000ull, 8);
	put(p, 32, 64, 8);		/* e_phoff */
	put(p, 52, 64, 2);		/* e_ehsize */
	put(p, 54, 56, 2);		/* e_phentsize */
	put(p, 56, 2, 2);		/* e_phnum */
	/* PT_LOAD: file [0x1000, 0x2000) at paddr 16 MiB, 8 KiB in memory. */
	put(p, 64, 1, 4);
	put(p, 64 + 8, 0x1000, 8);
	put(p, 64 + 16, 0xffffffff81000000ull, 8);
	put(p, 64 + 24, 0x1000000, 8);
	put(p, 64 + 32, 0x1000, 8);
	put(p, 64 + 40, 0x2000, 8);
	put(p, 64 + 48, 0x1000, 8);
	/* PT_NOTE at 0x200: "Xen", type 18, a 4-byte entry. */
	put(p, 120, 4, 4);
	put(p, 120 + 8, 0x200, 8);
	put(p, 120 + 32, 20, 8);
	put(p, 120 + 40, 20, 8);
	put(p, 120 + 48, 4, 8);
	put(p, 0x200, 4, 4);
	put(p, 0x204, 4, 4);
	put(p, 0x208, 18, 4);
	memcpy(p + 0x20c, "Xen", 4);
	put(p, 0x210, ELF_ENTRY, 4);
	/* Code-like bytes for the x86 filter. */
	for (unsigned int i = 0x1000; i < ELF_LEN; i += 8)
		memcpy(p + i, "\xe8\x10\x00\x00\x00\x90\xc3\x55", 8);
	return e;
}

static struct buf read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		abort();
	rewind(f);
	b.p = malloc(n ? n : 1);
	b.len = n;
	if (!b.p || (n && fread(b.p, 1, n, f) != (size_t)n))
		abort();
	fclose(f);
	return b;
}

/* The payload as Linux builds it: xz's output, then the length. */
static struct buf make_payload(const struct buf *elf)
{
	char tin[] = "/tmp/unit_bz_in_XXXXXX", tout[] = "/tmp/unit_bz_out_XXXXXX";
	char cmd[256];
	int fi = mkstemp(tin), fo = mkstemp(tout);
	struct buf x;

	if (fi < 0 || fo < 0 || write(fi, elf->p, elf->len) != (ssize_t)elf->len)
		abort();
	close(fi);
	close(fo);
	snprintf(cmd, sizeof(cmd), "xz --check=crc32 --x86 --lzma2=dict=1MiB "
		 "-c < %s > %s", tin, tout);
	if (system(cmd))
		abort();
	x = read_file(tout);
	unlink(tin);
	unlink(tout);
	x.p = realloc(x.p, x.len + 4);
	put(x.p, x.len, elf->len, 4);
	x.len += 4;
	return x;
}

static struct buf elf_img, payload;

/* A valid bzImage around the payload. */
static struct buf make_bzimage(void)
{
	size_t pm = STUB_LEN + payload.len, len = SETUP_LEN + pm + SIG_LEN;
	struct buf b = { calloc(1, len), len };
	u8 *p = b.p;

	p[0x1f1] = SETUP_SECTS;
	put(p, 0x1f4, (pm + 15) / 16, 4);	/* syssize */
	put(p, 0x1fe, 0xaa55, 2);
	memcpy(p + 0x202, "HdrS", 4);
	put(p, 0x206, 0x020f, 2);
	p[0x211] = 0x01;			/* LOADED_HIGH */
	put(p, 0x248, STUB_LEN, 4);
	put(p, 0x24c, payload.len, 4);
	put(p, 0x260, INIT_SIZE, 4);
	memset(p + SETUP_LEN, 0x90, STUB_LEN);
	memcpy(p + SETUP_LEN + STUB_LEN, payload.p, payload.len);
	memset(p + SETUP_LEN + pm, 0xa5, SIG_LEN);
	return b;
}

/* bzimage_payload() on an exact-size copy of [img, img + len); on success
 * the result must lie inside it. */
static int parse(const u8 *img, size_t len, size_t *off, size_t *plen,
		 u32 *hint)
{
	u8 *copy = malloc(len ? len : 1);
	const void *pl = NULL;
	const char *why = NULL;
	int rc;

	memcpy(copy, img, len);
	rc = bzimage_payload(copy, len, &pl, plen, hint, &why);
	if (rc) {
		CHECK(why != NULL);
	} else {
		*off = (const u8 *)pl - copy;
		CHECK(*off <= len && *plen <= len - *off);
	}
	free(copy);
	return rc;
}

static void setup(void)
{
	if (!elf_img.p) {
		elf_img = make_elf();
		payload = make_payload(&elf_img);
	}
}

TEST(test_valid)
{
	struct buf b;
	size_t off, plen;
	u32 hint;

	setup();
	b = make_bzimage();
	CHECK(bzimage_probe(b.p, b.len));
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	CHECK_EQ(off, SETUP_LEN + STUB_LEN);
	CHECK_EQ(plen, payload.len - 4);	/* trailer stripped */
	CHECK_EQ(hint, MAX(ELF_LEN, INIT_SIZE));
	CHECK_EQ(bzimage_version(b.p), 0x020f);
	/* setup_sects == 0 means 4. */
	b.p[0x1f1] = 0;
	memmove(b.p + 5 * 512, b.p + SETUP_LEN, b.len - SETUP_LEN);
	CHECK_EQ(parse(b.p, b.len - (SETUP_LEN - 5 * 512), &off, &plen, &hint),
		 0);
	CHECK_EQ(off, 5 * 512 + STUB_LEN);
	free(b.p);
}

/* One field changed at a time; each must be refused. */
TEST(test_bad_fields)
{
	static const struct { unsigned int off, n; u64 v; } bad[] = {
		{ 0x1fe, 2, 0xaa56 },		/* boot flag */
		{ 0x202, 4, 0x48647253 },	/* "SrdH" */
		{ 0x206, 2, 0x0207 },		/* no payload fields */
		{ 0x211, 1, 0x00 },		/* zImage */
		{ 0x1f1, 1, 0xff },		/* setup beyond the file */
		{ 0x248, 4, STUB_LEN + 0x100000 },	/* offset past the end */
		{ 0x248, 4, 0xffffffff },
		{ 0x24c, 4, 0 },		/* empty payload */
		{ 0x24c, 4, 0xffffffff },
		{ 0x1f4, 4, 0x10 },		/* payload past syssize */
	};
	size_t off, plen;
	u32 hint;

	setup();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = make_bzimage();

		int rc;

		put(b.p, bad[i].off, bad[i].v, bad[i].n);
		rc = parse(b.p, b.len, &off, &plen, &hint);
		if (rc != -EINVAL)
			fprintf(stderr, "field %#x = %#llx accepted\n",
				bad[i].off, (unsigned long long)bad[i].v);
		CHECK_EQ(rc, -EINVAL);
		free(b.p);
	}
}

/* The payload may end exactly at syssize / the file, not a byte later. */
TEST(test_payload_bounds)
{
	struct buf b;
	size_t pm = STUB_LEN + payload.len, off, plen;
	u32 hint;

	setup();
	b = make_bzimage();
	put(b.p, 0x1f4, 0, 4);			/* no syssize: file bound */
	CHECK_EQ(parse(b.p, SETUP_LEN + pm, &off, &plen, &hint), 0);
	CHECK_EQ(parse(b.p, SETUP_LEN + pm - 1, &off, &plen, &hint), -EINVAL);
	put(b.p, 0x24c, payload.len + SIG_LEN, 4);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	put(b.p, 0x24c, payload.len + SIG_LEN + 1, 4);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), -EINVAL);
	/* Every truncation of a valid image: refused or still in bounds. */
	free(b.p);
	b = make_bzimage();
	for (size_t n = 0; n < b.len; n++)
		parse(b.p, n, &off, &plen, &hint);
	CHECK_EQ(parse(b.p, SETUP_LEN + pm - 1, &off, &plen, &hint), -EINVAL);
	free(b.p);
}

TEST(test_size_hint)
{
	struct buf b;
	size_t off, plen;
	u32 hint;

	setup();
	b = make_bzimage();
	/* No trailer (the stream ends in "YZ"): init_size plus a quarter. */
	put(b.p, 0x24c, payload.len - 4, 4);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	CHECK_EQ(plen, payload.len - 4);
	CHECK_EQ(hint, INIT_SIZE + INIT_SIZE / 4);
	/* Protocol 2.09 has no init_size: nothing known. */
	put(b.p, 0x206, 0x0209, 2);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	CHECK_EQ(hint, 0);
	/* A huge init_size saturates instead of wrapping. */
	put(b.p, 0x206, 0x020f, 2);
	put(b.p, 0x260, 0xf0000000, 4);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	CHECK_EQ(hint, UINT32_MAX);
	/* A bigger recorded length wins over init_size. */
	put(b.p, 0x24c, payload.len, 4);
	put(b.p, 0x260, 0x1000, 4);
	CHECK_EQ(parse(b.p, b.len, &off, &plen, &hint), 0);
	CHECK_EQ(hint, ELF_LEN);
	free(b.p);
}

/* ---- kernel_image_prepare() over a host arena ------------------------ */

#define ARENA (4UL << 20)

static void *arena;

static void arena_reset(size_t bytes)
{
	page_alloc_reset();
	if (!arena && posix_memalign(&arena, ARENA, ARENA))
		abort();
	page_alloc_add_region((uintptr_t)arena, (uintptr_t)arena + bytes);
}

static int prepare(const struct buf *b, const void **elf, size_t *elf_len,
		   void **scratch, unsigned int *order)
{
	u8 *copy = malloc(b->len);
	const char *why = NULL;
	int rc;

	memcpy(copy, b->p, b->len);
	rc = kernel_image_prepare(copy, b->len, elf, elf_len, scratch, order,
				  &why);
	if (rc)
		CHECK(why != NULL);
	if (!rc && !*scratch)
		CHECK(*elf == copy);
	free(copy);
	return rc;
}

TEST(test_prepare)
{
	struct elf_image ei;
	const void *elf;
	size_t elf_len;
	void *scratch;
	unsigned int order;
	unsigned long before;
	const char *why;
	struct buf b;

	setup();
	arena_reset(ARENA);
	before = page_alloc_free_pages();
	b = make_bzimage();
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), 0);
	CHECK(scratch != NULL && elf == scratch);
	CHECK_EQ(elf_len, ELF_LEN);
	CHECK(!memcmp(elf, elf_img.p, ELF_LEN));
	CHECK_EQ(elf_parse(elf, elf_len, &ei, &why), 0);
	CHECK_EQ(ei.phys32_entry, ELF_ENTRY);
	free_pages(scratch, order);
	CHECK_EQ(page_alloc_free_pages(), before);

	/* An ELF (or anything not a bzImage) passes through untouched. */
	CHECK_EQ(prepare(&elf_img, &elf, &elf_len, &scratch, &order), 0);
	CHECK(scratch == NULL && elf_len == ELF_LEN);
	free(b.p);
}

TEST(test_prepare_failures)
{
	const void *elf;
	size_t elf_len;
	void *scratch;
	unsigned int order;
	unsigned long before;
	struct buf b;

	setup();
	arena_reset(ARENA);
	before = page_alloc_free_pages();
	b = make_bzimage();
	/* Corrupt payload: the CRC32 fails, nothing stays allocated. */
	b.p[SETUP_LEN + STUB_LEN + 40] ^= 0x55;
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -EINVAL);
	CHECK_EQ(page_alloc_free_pages(), before);
	free(b.p);

	/* The image understates the size: the decoder runs out of room. */
	b = make_bzimage();
	put(b.p, 0x260, 0x100, 4);
	put(b.p, SETUP_LEN + STUB_LEN + payload.len - 4, 0x100, 4);
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -EINVAL);
	CHECK_EQ(page_alloc_free_pages(), before);
	/* Absurd size claims are refused before allocating. */
	put(b.p, SETUP_LEN + STUB_LEN + payload.len - 4, 0xfffff000, 4);
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -EINVAL);
	/* No trailer and no init_size: no size to allocate by. */
	put(b.p, 0x206, 0x0209, 2);
	put(b.p, 0x24c, payload.len - 4, 4);
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -EINVAL);
	free(b.p);

	/* Not XZ (a gzip payload): refused. */
	b = make_bzimage();
	memcpy(b.p + SETUP_LEN + STUB_LEN, "\x1f\x8b\x08\x00", 4);
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -EINVAL);
	free(b.p);

	/* Too little memory for the buffer: -ENOMEM. */
	arena_reset(64 << 10);
	b = make_bzimage();
	CHECK_EQ(prepare(&b, &elf, &elf_len, &scratch, &order), -ENOMEM);
	free(b.p);
	page_alloc_reset();
}

static void cleanup(void)
{
	free(elf_img.p);
	free(payload.p);
	free(arena);
}

UNIT_MAIN(test_valid, test_bad_fields, test_payload_bounds, test_size_hint,
	  test_prepare, test_prepare_failures, cleanup)
