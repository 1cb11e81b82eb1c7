/*
 * Host tests for the guest page-table walker (hvm/guest_walk.c).  A small
 * array stands in for guest-physical memory [0, MEM_SIZE); the tests write
 * guest page tables into it for each paging mode and check translations,
 * every kind of fault and the accessed/dirty updates.  Anything outside
 * the array is "not RAM", as an unmapped gfn is for the real callbacks.
 */
#include <string.h>

#include "unit.h"
#include <hvm/guest_walk.h>
#include <xen/errno.h>
#include <xen/lib.h>

#define MEM_PAGES 16
#define MEM_SIZE (MEM_PAGES * PAGE_SIZE)

static u64 mem[MEM_SIZE / 8];
static unsigned int reads, bad_reads;

static int mem_read(void *ctx, u64 gpa, u64 *val)
{
	reads++;
	if (gpa % 8 || gpa >= MEM_SIZE) {
		bad_reads += gpa % 8 != 0;
		return -1;
	}
	*val = mem[gpa / 8];
	return 0;
}

static int mem_setbits(void *ctx, u64 gpa, u64 bits)
{
	if (gpa % 8 || gpa >= MEM_SIZE)
		return -1;
	mem[gpa / 8] |= bits;
	return 0;
}

static void set64(u64 gpa, u64 v)
{
	mem[gpa / 8] = v;
}

static u64 get64(u64 gpa)
{
	return mem[gpa / 8];
}

static void set32(u64 gpa, u32 v)
{
	memcpy((u8 *)mem + gpa, &v, 4);
}

static u32 get32(u64 gpa)
{
	u32 v;

	memcpy(&v, (u8 *)mem + gpa, 4);
	return v;
}

#define P (1ULL << 0)
#define RW (1ULL << 1)
#define US (1ULL << 2)
#define A (1ULL << 5)
#define D (1ULL << 6)
#define PS (1ULL << 7)
#define NX (1ULL << 63)

#define CR0_PE (1ULL << 0)
#define CR0_WP (1ULL << 16)
#define CR0_PG (1ULL << 31)
#define CR4_PSE (1ULL << 4)
#define CR4_PAE (1ULL << 5)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define PG(n) ((u64)(n) * PAGE_SIZE)
#define FAULT 0x80000000U	/* walk() result flag: it faulted */

/* Translate: the gpa, or FAULT | error code. */
static u64 walk(const struct guest_paging *pg, u64 gla, unsigned int pfec)
{
	u64 gpa = 0xdead;
	unsigned int fault = 0xdead;
	int rc = guest_walk(pg, gla, pfec, &gpa, &fault, mem_read, NULL);

	if (rc) {
		CHECK_EQ(rc, -EFAULT);
		return FAULT | fault;
	}
	return gpa;
}

static u64 walk_ad(const struct guest_paging *pg, u64 gla, unsigned int pfec)
{
	u64 gpa = 0xdead;
	unsigned int fault = 0xdead;

	if (guest_walk_ad(pg, gla, pfec, &gpa, &fault, mem_read, mem_setbits,
			  NULL))
		return FAULT | fault;
	return gpa;
}

static void reset_mem(void)
{
	memset(mem, 0, sizeof(mem));
	reads = bad_reads = 0;
}

TEST(test_paging_off)
{
	struct guest_paging pg = { .cr0 = CR0_PE };

	CHECK_EQ(walk(&pg, 0x123456789ULL, PFEC_write), 0x23456789);
	CHECK_EQ(walk(&pg, 0xfff, PFEC_insn), 0xfff);
	CHECK_EQ(reads, 0);
}

/* 2-level: CR3 = page 1, PDE 0 -> page table at page 2; PDE 1 and 1023
 * are 4 MiB pages (1023 is the upper half of its 8-byte pair). */
static void build_2level(void)
{
	reset_mem();
	set32(PG(1) + 0 * 4, PG(2) | P | RW | US);
	set32(PG(2) + 3 * 4, PG(5) | P | RW | US);	/* 0x3000: user RW */
	set32(PG(2) + 4 * 4, PG(6) | P);		/* 0x4000: super RO */
	set32(PG(2) + 5 * 4, PG(7) | P | US);		/* 0x5000: user RO */
	set32(PG(2) + 1023 * 4, PG(8) | P | RW);	/* 0x3ff000 */
	set32(PG(1) + 1 * 4, 0x00c00000 | PS | P | RW | US);
	set32(PG(1) + 1023 * 4, 0x00800000 | PS | P | RW | (0x3 << 13));
	set32(PG(1) + 2 * 4, 0x01000000 | PS | P | (1 << 21)); /* rsvd */
}

TEST(test_2level)
{
	struct guest_paging pg = {
		.cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = PG(1),
		.cr4 = CR4_PSE, .efer = EFER_NXE,	/* NXE: no effect */
	};

	build_2level();
	CHECK_EQ(walk(&pg, 0x3abc, 0), PG(5) + 0xabc);
	CHECK_EQ(walk(&pg, 0x3ffabc, PFEC_write), PG(8) + 0xabc);
	/* The upper 32 bits of gla are dropped outside long mode. */
	CHECK_EQ(walk(&pg, 0xf00003abcULL, 0), PG(5) + 0xabc);
	/* 4 MiB pages, one with PSE-36 address bits 33:32 = 3. */
	CHECK_EQ(walk(&pg, 0x412345, 0), 0xc12345);
	CHECK_EQ(walk(&pg, 0xffc12345ULL, 0), 0x300812345ULL);
	CHECK_EQ(bad_reads, 0);

	/* Not present: P=0.  Instruction fetches report I/D only with
	 * SMEP or PAE+NXE, so not here. */
	CHECK_EQ(walk(&pg, 0x6000, 0), FAULT | 0);
	CHECK_EQ(walk(&pg, 0xc00000, PFEC_write), FAULT | PFEC_write);
	CHECK_EQ(walk(&pg, 0x6000, PFEC_insn), FAULT | 0);
	/* Write to read-only at CPL 0: faults with CR0.WP, not without. */
	CHECK_EQ(walk(&pg, 0x4000, PFEC_write),
		 FAULT | PFEC_present | PFEC_write);
	pg.cr0 &= ~CR0_WP;
	CHECK_EQ(walk(&pg, 0x4000, PFEC_write), PG(6));
	CHECK_EQ(walk(&pg, 0x5000, PFEC_write), PG(7));
	/* User: supervisor page, and read-only whatever WP says. */
	pg.cpl = 3;
	CHECK_EQ(walk(&pg, 0x4000, 0), FAULT | PFEC_present | PFEC_user);
	CHECK_EQ(walk(&pg, 0x5000, 0), PG(7));
	CHECK_EQ(walk(&pg, 0x5000, PFEC_write),
		 FAULT | PFEC_present | PFEC_write | PFEC_user);
	/* Implicit supervisor access from CPL 3. */
	CHECK_EQ(walk(&pg, 0x4000, PFEC_implicit), PG(6));
	pg.cpl = 0;
	/* Bit 21 of a 4 MiB PDE is reserved. */
	CHECK_EQ(walk(&pg, 0x812345, 0), FAULT | PFEC_present | PFEC_rsvd);
	/* MAXPHYADDR 33: PSE-36 bit 14 (address bit 33) is reserved. */
	pg.maxphyaddr = 33;
	CHECK_EQ(walk(&pg, 0xffc12345ULL, 0), FAULT | PFEC_present | PFEC_rsvd);
	pg.maxphyaddr = 0;
	/* Without CR4.PSE the PS bit is ignored: PDE 1 points at a "table"
	 * at 12 MiB, which is not guest RAM. */
	pg.cr4 = 0;
	CHECK_EQ(walk(&pg, 0x412345, 0), FAULT | PFEC_bad_gpa);
	CHECK_EQ(bad_reads, 0);
}

TEST(test_2level_ad)
{
	struct guest_paging pg = {
		.cr0 = CR0_PE | CR0_PG, .cr3 = PG(1), .cr4 = CR4_PSE,
	};

	build_2level();
	/* guest_walk() never writes. */
	CHECK_EQ(walk(&pg, 0x3abc, PFEC_write), PG(5) + 0xabc);
	CHECK_EQ(get32(PG(1)) & (A | D), 0);
	/* A in both levels, D in the leaf only, on a write. */
	CHECK_EQ(walk_ad(&pg, 0x3abc, 0), PG(5) + 0xabc);
	CHECK_EQ(get32(PG(1)) & (A | D), A);
	CHECK_EQ(get32(PG(2) + 12) & (A | D), A);
	CHECK_EQ(walk_ad(&pg, 0x3abc, PFEC_write), PG(5) + 0xabc);
	CHECK_EQ(get32(PG(1)) & (A | D), A);
	CHECK_EQ(get32(PG(2) + 12) & (A | D), A | D);
	/* An entry in the upper half of its 8 bytes: the neighbour keeps
	 * its bits. */
	CHECK_EQ(walk_ad(&pg, 0xffc00000ULL, PFEC_write), 0x300800000ULL);
	CHECK_EQ(get32(PG(1) + 1023 * 4) & (A | D), A | D);
	CHECK_EQ(get32(PG(1) + 1022 * 4), 0);
	/* A faulting walk sets nothing. */
	pg.cr0 |= CR0_WP;
	CHECK_EQ(walk_ad(&pg, 0x4000, PFEC_write),
		 FAULT | PFEC_present | PFEC_write);
	CHECK_EQ(get32(PG(2) + 16) & (A | D), 0);
}

/* PAE: PDPT at 0x1020 (32-byte aligned, CR3 = 0x1020), PD at page 3 for
 * 2-3 GiB, page table at page 4. */
static void build_pae(void)
{
	reset_mem();
	set64(0x1020 + 2 * 8, PG(3) | P);
	set64(0x1020 + 3 * 8, PG(9) | P | RW);		/* rsvd bit 1 */
	set64(PG(3) + 0 * 8, PG(4) | P | RW | US);
	set64(PG(3) + 1 * 8, 0x400000 | PS | P | RW);	/* 2 MiB */
	set64(PG(3) + 2 * 8, 0x600000 | PS | P | (1ULL << 13));
	set64(PG(4) + 5 * 8, PG(7) | P | RW | US | NX);
	set64(PG(4) + 6 * 8, PG(8) | P | RW | US | (1ULL << 40));
}

TEST(test_pae)
{
	struct guest_paging pg = {
		.cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = 0x1020,
		.cr4 = CR4_PAE, .efer = EFER_NXE,
	};

	build_pae();
	CHECK_EQ(walk(&pg, 0x80201234, 0), 0x401234);
	CHECK_EQ(walk(&pg, 0x80005678, PFEC_write), PG(7) + 0x678);
	CHECK_EQ(walk(&pg, 0x80006678, 0), PG(8) + 0x678 + (1ULL << 40));
	/* NX: a fetch faults, with I/D since PAE and NXE. */
	CHECK_EQ(walk(&pg, 0x80005678, PFEC_insn),
		 FAULT | PFEC_present | PFEC_insn);
	pg.cpl = 3;
	CHECK_EQ(walk(&pg, 0x80005678, PFEC_insn),
		 FAULT | PFEC_present | PFEC_insn | PFEC_user);
	CHECK_EQ(walk(&pg, 0x80201234, 0), FAULT | PFEC_present | PFEC_user);
	pg.cpl = 0;
	/* Not-present PDPTE and PDE. */
	CHECK_EQ(walk(&pg, 0x00001000, PFEC_insn), FAULT | PFEC_insn);
	CHECK_EQ(walk(&pg, 0x80800000, 0), FAULT | 0);
	/* Reserved: PDPTE bit 1, 2 MiB PDE bit 13, address bits at or
	 * above MAXPHYADDR (36 here). */
	CHECK_EQ(walk(&pg, 0xc0000000, 0), FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(walk(&pg, 0x80400000, 0), FAULT | PFEC_present | PFEC_rsvd);
	pg.maxphyaddr = 36;
	CHECK_EQ(walk(&pg, 0x80006678, 0), FAULT | PFEC_present | PFEC_rsvd);
	pg.maxphyaddr = 0;
	/* Without EFER.NXE bit 63 is reserved. */
	pg.efer = 0;
	CHECK_EQ(walk(&pg, 0x80005678, 0), FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(walk(&pg, 0x80201234, PFEC_insn), 0x401234);
	/* PDPTEs have no A bit; the rest get it. */
	pg.efer = EFER_NXE;
	CHECK_EQ(walk_ad(&pg, 0x80201234, PFEC_write), 0x401234);
	CHECK_EQ(get64(0x1020 + 16), PG(3) | P);
	CHECK_EQ(get64(PG(3) + 8) & (A | D), A | D);
	CHECK_EQ(bad_reads, 0);
}

/*
 * Long mode, CR3 = page 1:
 *   PML4[0] -> PDPT page 2; PDPT[0] -> PD page 3; PD[0] -> PT page 4
 *   PT[1]: 0x1000 -> page 9 (RW, user), PT[2]: 0x2000 supervisor RO,
 *   PT[3]: 0x3000 user NX, PT[4]: 0x4000 bit 51 set
 *   PD[1]: 2 MiB at 0x600000, PD[2]: 2 MiB with bit 13 (reserved)
 *   PDPT[1]: 1 GiB at 0xc0000000; PDPT[2]: 1 GiB with bit 29 (reserved)
 *   PML4[1]: PS (reserved in a PML4E); PML4[2] -> page 5, supervisor
 *   PML4[511] -> PDPT page 6 -> PDPT[511] 1 GiB at 0x40000000
 */
static void build_long(void)
{
	reset_mem();
	set64(PG(1) + 0 * 8, PG(2) | P | RW | US);
	set64(PG(1) + 1 * 8, PG(2) | P | RW | US | PS);
	set64(PG(1) + 2 * 8, PG(5) | P | RW);
	set64(PG(1) + 511 * 8, PG(6) | P | RW | US);
	set64(PG(2) + 0 * 8, PG(3) | P | RW | US);
	set64(PG(2) + 1 * 8, 0xc0000000 | PS | P | RW | US);
	set64(PG(2) + 2 * 8, 0x80000000 | PS | P | (1ULL << 29));
	set64(PG(3) + 0 * 8, PG(4) | P | RW | US);
	set64(PG(3) + 1 * 8, 0x600000 | PS | P | RW | US);
	set64(PG(3) + 2 * 8, 0x800000 | PS | P | (1ULL << 13));
	set64(PG(4) + 1 * 8, PG(9) | P | RW | US);
	set64(PG(4) + 2 * 8, PG(10) | P);
	set64(PG(4) + 3 * 8, PG(11) | P | RW | US | NX);
	set64(PG(4) + 4 * 8, PG(12) | P | (1ULL << 51));
	set64(PG(5) + 0 * 8, PG(2) | P | RW | US);	/* user below, but */
	set64(PG(6) + 511 * 8, 0x40000000 | PS | P | RW);
}

static struct guest_paging long_mode(void)
{
	return (struct guest_paging){
		.cr0 = CR0_PE | CR0_PG | CR0_WP, .cr3 = PG(1),
		.cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
}

TEST(test_long_translations)
{
	struct guest_paging pg = long_mode();

	build_long();
	CHECK_EQ(walk(&pg, 0x1abc, PFEC_write), PG(9) + 0xabc);
	CHECK_EQ(walk(&pg, 0x312345, 0), 0x712345);		/* 2 MiB */
	CHECK_EQ(walk(&pg, 0x4abcdef0, 0), 0xcabcdef0);		/* 1 GiB */
	CHECK_EQ(walk(&pg, 0xffffffffc0001234ULL, 0), 0x40001234);
	/* No truncation to 32 bits in long mode. */
	CHECK_EQ(walk(&pg, 0x100001abcULL, 0), FAULT | 0);
	/* CR3's low 12 bits (PCID or PWT/PCD) are not address bits. */
	pg.cr3 |= 0x18;
	CHECK_EQ(walk(&pg, 0x1abc, 0), PG(9) + 0xabc);
	/* Non-canonical: no walk at all. */
	CHECK_EQ(walk(&pg, 0x0000800000000000ULL, 0), FAULT | PFEC_noncanon);
	CHECK_EQ(walk(&pg, 0xffff7fffffffffffULL, 0), FAULT | PFEC_noncanon);
	CHECK_EQ(bad_reads, 0);
}

TEST(test_long_faults)
{
	struct guest_paging pg = long_mode();

	build_long();
	/* Not present at the leaf and at the top. */
	CHECK_EQ(walk(&pg, 0x5000, PFEC_write), FAULT | PFEC_write);
	CHECK_EQ(walk(&pg, 0x8000000000ULL * 3, 0), FAULT | 0);
	/* Supervisor write to read-only: WP decides. */
	CHECK_EQ(walk(&pg, 0x2000, PFEC_write),
		 FAULT | PFEC_present | PFEC_write);
	pg.cr0 &= ~CR0_WP;
	CHECK_EQ(walk(&pg, 0x2000, PFEC_write), PG(10));
	pg.cr0 |= CR0_WP;
	/* User access to a supervisor page; U/S=0 high up counts too. */
	pg.cpl = 3;
	CHECK_EQ(walk(&pg, 0x2000, 0), FAULT | PFEC_present | PFEC_user);
	CHECK_EQ(walk(&pg, 0x10000001000ULL, 0),
		 FAULT | PFEC_present | PFEC_user);
	CHECK_EQ(walk(&pg, 0x1000, PFEC_write), PG(9));
	/* NX, user and supervisor. */
	CHECK_EQ(walk(&pg, 0x3000, PFEC_insn),
		 FAULT | PFEC_present | PFEC_user | PFEC_insn);
	pg.cpl = 0;
	CHECK_EQ(walk(&pg, 0x3000, PFEC_insn),
		 FAULT | PFEC_present | PFEC_insn);
	CHECK_EQ(walk(&pg, 0x3000, 0), PG(11));
	/* PFEC_user forces a user access at CPL 0. */
	CHECK_EQ(walk(&pg, 0x2000, PFEC_user),
		 FAULT | PFEC_present | PFEC_user);
	/* Reserved: bit 51 (>= MAXPHYADDR 48), PS in a PML4E, bit 13 of a
	 * 2 MiB PDE, bit 29 of a 1 GiB PDPTE, XD without NXE. */
	CHECK_EQ(walk(&pg, 0x4000, 0), FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(walk(&pg, 0x8000000000ULL, 0),
		 FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(walk(&pg, 0x400000, 0), FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(walk(&pg, 0x80000000, 0), FAULT | PFEC_present | PFEC_rsvd);
	pg.maxphyaddr = 52;
	CHECK_EQ(walk(&pg, 0x4000, 0), PG(12) | (1ULL << 51));
	pg.maxphyaddr = 0;
	pg.efer &= ~EFER_NXE;
	CHECK_EQ(walk(&pg, 0x3000, 0), FAULT | PFEC_present | PFEC_rsvd);
	/* Without NXE, I/D is reported only under SMEP... */
	CHECK_EQ(walk(&pg, 0x5000, PFEC_insn), FAULT | 0);
	pg.cr4 |= CR4_SMEP;
	CHECK_EQ(walk(&pg, 0x5000, PFEC_insn), FAULT | PFEC_insn);
	CHECK_EQ(bad_reads, 0);
}

TEST(test_smep_smap)
{
	struct guest_paging pg = long_mode();

	build_long();
	/* 0x1000 is a user page, 0x2000 a supervisor one. */
	CHECK_EQ(walk(&pg, 0x1000, PFEC_insn), PG(9));
	pg.cr4 |= CR4_SMEP;
	CHECK_EQ(walk(&pg, 0x1000, PFEC_insn),
		 FAULT | PFEC_present | PFEC_insn);
	CHECK_EQ(walk(&pg, 0x2000, PFEC_insn), PG(10));
	CHECK_EQ(walk(&pg, 0x1000, 0), PG(9));	/* SMEP: fetches only */

	pg.cr4 |= CR4_SMAP;
	CHECK_EQ(walk(&pg, 0x1000, 0), FAULT | PFEC_present);
	CHECK_EQ(walk(&pg, 0x1000, PFEC_write),
		 FAULT | PFEC_present | PFEC_write);
	CHECK_EQ(walk(&pg, 0x2000, 0), PG(10));
	/* EFLAGS.AC lets explicit accesses through (privcmd's buffers)... */
	pg.ac = true;
	CHECK_EQ(walk(&pg, 0x1000, 0), PG(9));
	CHECK_EQ(walk(&pg, 0x1000, PFEC_write), PG(9));
	/* ...but never implicit ones (SDM 4.6.1). */
	CHECK_EQ(walk(&pg, 0x1000, PFEC_implicit), FAULT | PFEC_present);
	/* User mode is not subject to SMAP. */
	pg.ac = false;
	pg.cpl = 3;
	CHECK_EQ(walk(&pg, 0x1000, PFEC_write), PG(9));
	/* Implicit supervisor access at CPL 3: SMAP applies, AC or not. */
	pg.ac = true;
	CHECK_EQ(walk(&pg, 0x1000, PFEC_implicit), FAULT | PFEC_present);
	CHECK_EQ(walk(&pg, 0x2000, PFEC_implicit), PG(10));
}

TEST(test_long_ad)
{
	struct guest_paging pg = long_mode();
	static const u64 path[] = { PG(1), PG(2), PG(3) };

	build_long();
	CHECK_EQ(walk_ad(&pg, 0x1abc, 0), PG(9) + 0xabc);
	for (unsigned int i = 0; i < ARRAY_SIZE(path); i++)
		CHECK_EQ(get64(path[i]) & (A | D), A);
	CHECK_EQ(get64(PG(4) + 8) & (A | D), A);
	CHECK_EQ(walk_ad(&pg, 0x1abc, PFEC_write), PG(9) + 0xabc);
	CHECK_EQ(get64(PG(4) + 8) & (A | D), A | D);
	for (unsigned int i = 0; i < ARRAY_SIZE(path); i++)
		CHECK_EQ(get64(path[i]) & D, 0);
	/* 1 GiB leaf gets D; a fault (NX fetch) leaves its PTE alone. */
	CHECK_EQ(walk_ad(&pg, 0x40000000, PFEC_write), 0xc0000000);
	CHECK_EQ(get64(PG(2) + 8) & (A | D), A | D);
	CHECK_EQ(walk_ad(&pg, 0x3000, PFEC_insn),
		 FAULT | PFEC_present | PFEC_insn);
	CHECK_EQ(get64(PG(4) + 24) & (A | D), 0);
}

/* Tables pointing outside guest memory, or at themselves, end cleanly. */
TEST(test_hostile_tables)
{
	struct guest_paging pg = long_mode();

	build_long();
	/* A PD entry pointing far beyond RAM. */
	set64(PG(3) + 5 * 8, 0x7ffffff000ULL | P | RW | US);
	CHECK_EQ(walk(&pg, 0xa00000, 0), FAULT | PFEC_bad_gpa);
	/* CR3 beyond RAM, in every mode. */
	pg.cr3 = 0xfffff000;
	CHECK_EQ(walk(&pg, 0x1000, PFEC_write),
		 FAULT | PFEC_bad_gpa | PFEC_write);
	pg.efer = 0;
	pg.cr3 = 0xffffffe0;
	CHECK_EQ(walk(&pg, 0x1000, 0), FAULT | PFEC_bad_gpa);
	pg.cr4 = 0;
	pg.cr3 = 0xfffff000;
	CHECK_EQ(walk(&pg, 0x1000, 0), FAULT | PFEC_bad_gpa);

	/* Every entry of page 1 points at page 1: four reads, then a
	 * "translation" to page 1 itself. */
	reset_mem();
	pg = long_mode();
	for (unsigned int i = 0; i < 512; i++)
		set64(PG(1) + i * 8, PG(1) | P | RW | US);
	CHECK_EQ(walk(&pg, 0x7fffffffffffULL, 0), PG(1) + 0xfff);
	CHECK_EQ(reads, 4);
	/* All-ones entries: reserved bits, not a wild pointer. */
	for (unsigned int i = 0; i < 512; i++)
		set64(PG(1) + i * 8, ~0ULL);
	CHECK_EQ(walk(&pg, 0x1000, 0), FAULT | PFEC_present | PFEC_rsvd);
	/* Bogus MAXPHYADDR values are clamped, not trusted. */
	pg.maxphyaddr = 200;
	CHECK_EQ(walk(&pg, 0x1000, 0), FAULT | PFEC_present | PFEC_rsvd);
	CHECK_EQ(bad_reads, 0);
}

static int setbits_refused(void *ctx, u64 gpa, u64 bits)
{
	return -1;
}

/* Tables readable but not writable (read-only in the p2m): the walk
 * succeeds, the A/D update does not, so the access must not proceed. */
TEST(test_ad_refused)
{
	struct guest_paging pg = long_mode();
	unsigned int fault = 0;
	u64 gpa = 0;

	build_long();
	CHECK_EQ(guest_walk_ad(&pg, 0x1000, PFEC_write, &gpa, &fault,
			       mem_read, setbits_refused, NULL), -EFAULT);
	CHECK_EQ(fault, PFEC_bad_gpa | PFEC_write);
	/* Nothing to set: no update needed, no failure. */
	set64(PG(1), get64(PG(1)) | A);
	set64(PG(2), get64(PG(2)) | A);
	set64(PG(3), get64(PG(3)) | A);
	set64(PG(4) + 8, get64(PG(4) + 8) | A);
	CHECK_EQ(guest_walk_ad(&pg, 0x1000, 0, &gpa, &fault, mem_read,
			       setbits_refused, NULL), 0);
	CHECK_EQ(gpa, PG(9));
}

UNIT_MAIN(test_paging_off, test_2level, test_2level_ad, test_pae,
	  test_long_translations, test_long_faults, test_smep_smap,
	  test_long_ad, test_hostile_tables, test_ad_refused)
