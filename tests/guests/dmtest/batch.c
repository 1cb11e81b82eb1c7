/*
 * REP string instructions against the device model, in batches.  The
 * hypervisor hands a run of elements between the device and RAM to the
 * device model as one request, as Xen 4.17 does (public/hvm/ioreq.h:
 * count, df, data_is_ptr: the device model reads or writes the guest's
 * RAM itself), cut where the RAM side (or the MMIO side) crosses a page;
 * an element across a page, MMIO to MMIO and a hole on the memory side
 * go element by element.  Every element is checked, and so is the number
 * of round trips: the device model counts the requests it serves
 * (DMT_PORT_SERVED) and each case says how many it must take.
 */
#include "lib.h"
#include "device.h"
#include "dmtest.h"
#include <public/memory.h>

#define S(off) ((volatile void *)(DMT_SCRATCH + (off)))

/* Four pages of RAM to fill and drain, and two whose second page is
 * given back to the hypervisor (a hole right after RAM). */
static u8 area[4 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u8 holed[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

struct sregs {
	u64 rcx, rsi, rdi;
};

/* One string instruction @insn (with its cld/std) on @r, DX = @dx,
 * RAX = @ax. */
#define STRING(insn, r, dx, ax)						\
	asm volatile(insn : "+c"((r)->rcx), "+S"((r)->rsi),		\
		     "+D"((r)->rdi) : "d"(dx), "a"(ax) : "memory", "cc")

static u32 served(void)
{
	return inl(DMT_PORT_SERVED);
}

/* Round trips since @s0 = served(), less the read that took s0. */
static u32 trips_since(u32 s0)
{
	return served() - s0 - 1;
}

static u64 p(const volatile void *x)
{
	return (u64)x;
}

/* Sentinels around what an instruction may write. */
static void fill(u8 *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (u8)(i * 13 + 5);
}

static bool untouched(const u8 *b, size_t off)
{
	return b[off] == (u8)(off * 13 + 5);
}

static void ins_forwards(void)
{
	struct sregs r;
	u16 *w = (u16 *)(area + 0x100);
	u32 *l = (u32 *)(area + 0x800);
	bool ok = true;
	u32 s0;

	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 256, .rdi = p(w) };
	s0 = served();
	STRING("cld; rep insw", &r, DMT_PORT + 2, 0);
	for (int i = 0; i < 256; i++)
		ok &= w[i] == dmt_value(DMT_TYPE_PIO, DMT_PORT + 2, 2);
	report(ok && r.rcx == 0 && r.rdi == p(w + 256) &&
	       untouched(area, 0xff) && untouched(area, 0x300) &&
	       trips_since(s0) == 1,
	       "rep insw x256 into one page: one request");

	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 1500, .rdi = p(l) };
	s0 = served();
	STRING("cld; rep insl", &r, DMT_PORT_COUNTER, 0);
	ok = trips_since(s0) == 2;
	for (int i = 0; i < 1500; i++)
		ok &= l[i] == next_count + i;
	report(ok && r.rcx == 0 && r.rdi == p(l + 1500) &&
	       untouched(area, 0x800 + 6000),
	       "rep insl x1500 from the counter across a page: 2 requests, "
	       "in order (%#x .. %#x)", l[0], l[1499]);
	next_count += 1500;

	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 10000, .rdi = p(area) };
	s0 = served();
	STRING("cld; rep insb", &r, DMT_PORT_COUNTER, 0);
	ok = trips_since(s0) == 3;
	for (int i = 0; i < 10000; i++)
		ok &= area[i] == (u8)(next_count + i);
	report(ok && r.rcx == 0 && r.rdi == p(area + 10000) &&
	       untouched(area, 10000),
	       "rep insb x10000, more than two pages: 3 requests");
	next_count += 10000;

	/* The first element crosses a page: it goes alone, then a batch. */
	fill(area, sizeof(area));
	l = (u32 *)(area + PAGE_SIZE - 2);
	r = (struct sregs){ .rcx = 8, .rdi = p(l) };
	s0 = served();
	STRING("cld; rep insl", &r, DMT_PORT_COUNTER, 0);
	ok = trips_since(s0) == 2;
	for (int i = 0; i < 8; i++)
		ok &= l[i] == next_count + i;
	report(ok && r.rcx == 0 && untouched(area, PAGE_SIZE - 3) &&
	       untouched(area, PAGE_SIZE + 30),
	       "rep insl x8, the first across a page: alone, then a batch");
	next_count += 8;
}

static void ins_backwards_and_counts(void)
{
	u16 *top = (u16 *)(area + 2 * PAGE_SIZE + 100);
	struct sregs r;
	bool ok = true;
	u32 s0;

	/* 51 elements in the top page, 2048 in the next, 901 in the last. */
	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 3000, .rdi = p(top) };
	s0 = served();
	STRING("std; rep insw; cld", &r, DMT_PORT_COUNTER, 0);
	ok = trips_since(s0) == 3;
	for (int i = 0; i < 3000; i++)
		ok &= top[-i] == (u16)(next_count + i);
	report(ok && r.rcx == 0 && r.rdi == p(top - 3000) &&
	       untouched(area, 2 * PAGE_SIZE + 102) &&
	       untouched(area, 2 * PAGE_SIZE + 101 - 6000),
	       "std; rep insw x3000 down across two pages: 3 requests");
	next_count += 3000;

	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 0, .rdi = p(area + 8) };
	s0 = served();
	STRING("cld; rep insw", &r, DMT_PORT_COUNTER, 0);
	report(trips_since(s0) == 0 && r.rdi == p(area + 8) &&
	       untouched(area, 8), "rep insw with RCX 0: no request");

	r = (struct sregs){ .rcx = 1, .rdi = p(area + 8) };
	s0 = served();
	STRING("cld; rep insw", &r, DMT_PORT_COUNTER, 0);
	report(trips_since(s0) == 1 && r.rcx == 0 && r.rdi == p(area + 10) &&
	       *(u16 *)(area + 8) == (u16)next_count,
	       "rep insw with RCX 1: one request");
	next_count++;

	/* 32-bit addressing: ECX and EDI, which zero-extend. */
	r = (struct sregs){ .rcx = 0xdead000000000010ULL, .rdi = p(area) };
	s0 = served();
	STRING("cld; addr32 rep insw", &r, DMT_PORT + 2, 0);
	report(trips_since(s0) == 1 && r.rcx == 0 && r.rdi == p(area + 32),
	       "addr32 rep insw x16: ECX, EDI, one request");
}

/* The hash the device computes of @n elements of @size from @b,
 * stepping by @step elements. */
static u32 hash_of(const u8 *b, int n, unsigned int size, int step)
{
	u32 h = 0;

	for (int i = 0; i < n; i++) {
		u32 v = 0;

		memcpy(&v, b + (long)i * step * (int)size, size);
		h = dmt_hash(h, v, size);
	}
	return h;
}

static void outs(void)
{
	struct sregs r;
	u32 s0, trips, h;

	fill(area, sizeof(area));
	(void)inl(DMT_PORT_HASH);	/* resets the hash */
	r = (struct sregs){ .rcx = 3000, .rsi = p(area + 0x400) };
	s0 = served();
	STRING("cld; rep outsw", &r, DMT_PORT_HASH, 0);
	trips = trips_since(s0);
	h = inl(DMT_PORT_HASH);
	report(trips == 2 && r.rcx == 0 && r.rsi == p(area + 0x400 + 6000) &&
	       h == hash_of(area + 0x400, 3000, 2, 1),
	       "rep outsw x3000 across a page: 2 requests, %u trips, hash %#x",
	       trips, h);

	r = (struct sregs){ .rcx = 100, .rsi = p(area + PAGE_SIZE + 10) };
	s0 = served();
	STRING("std; rep outsb; cld", &r, DMT_PORT_HASH, 0);
	trips = trips_since(s0);
	h = inl(DMT_PORT_HASH);
	report(trips == 2 && r.rcx == 0 && r.rsi == p(area + PAGE_SIZE - 90) &&
	       h == hash_of(area + PAGE_SIZE + 10, 100, 1, -1),
	       "std; rep outsb x100 down across a page: 2 requests, in order");
}

static void movs_and_stos(void)
{
	struct sregs r;
	u32 *src = (u32 *)(area + 0xc00), *dst;
	u16 *w;
	bool ok = true;
	u32 s0;

	fill(area, sizeof(area));
	r = (struct sregs){ .rcx = 512, .rsi = p(src), .rdi = p(S(0)) };
	s0 = served();
	STRING("cld; rep movsl", &r, 0, 0);
	report(trips_since(s0) == 2 && r.rcx == 0 && r.rsi == p(src + 512) &&
	       r.rdi == p(S(0x800)),
	       "rep movsl x512 RAM -> device, RAM across a page: 2 requests");

	dst = (u32 *)(area + 2 * PAGE_SIZE + 0xe00);
	memset(dst, 0, 2048);
	r = (struct sregs){ .rcx = 512, .rsi = p(S(0)), .rdi = p(dst) };
	s0 = served();
	STRING("cld; rep movsl", &r, 0, 0);
	ok = trips_since(s0) == 2 && r.rcx == 0 && r.rdi == p(dst + 512);
	for (int i = 0; i < 512; i++)
		ok &= dst[i] == src[i];
	report(ok, "rep movsl x512 device -> RAM, RAM across a page: "
	       "2 requests, the same data back");

	/* Downwards, from the device's top word into RAM across a page;
	 * dst holds what the device holds. */
	w = (u16 *)(area + PAGE_SIZE + 0x100);
	memset(area, 0, 2 * PAGE_SIZE);
	r = (struct sregs){ .rcx = 1024, .rsi = p(S(0x7fe)), .rdi = p(w) };
	s0 = served();
	STRING("std; rep movsw; cld", &r, 0, 0);
	ok = trips_since(s0) == 2 && r.rcx == 0 && r.rsi == p(S(-2)) &&
	     r.rdi == p(w - 1024);
	for (int i = 0; i < 1024; i++)
		ok &= w[-i] == ((u16 *)dst)[1023 - i];
	report(ok, "std; rep movsw x1024 device -> RAM, down across a page: "
	       "2 requests");

	r = (struct sregs){ .rcx = 1024, .rdi = p(S(0)) };
	s0 = served();
	STRING("cld; rep stosw", &r, 0, 0x6b6b);
	ok = trips_since(s0) == 1 && r.rcx == 0 && r.rdi == p(S(0x800));
	memset(area, 0, 2048);
	r = (struct sregs){ .rcx = 512, .rsi = p(S(0)), .rdi = p(area) };
	STRING("cld; rep movsl", &r, 0, 0);
	for (int i = 0; i < 512; i++)
		ok &= ((u32 *)area)[i] == 0x6b6b6b6b;
	report(ok, "rep stosw x1024 into the device: one request");

	/* Device to device: two requests per element, as before. */
	r = (struct sregs){ .rcx = 16, .rsi = p(S(0)), .rdi = p(S(0x100)) };
	s0 = served();
	STRING("cld; rep movsb", &r, 0, 0);
	report(trips_since(s0) == 32 && r.rcx == 0,
	       "rep movsb x16 device -> device: element by element");
}

/* Give @page back: a hole where the guest's RAM was. */
static bool balloon_out(void *page)
{
	xen_pfn_t gfn = p(page) >> 12;
	struct xen_memory_reservation res = {
		.nr_extents = 1, .domid = DOMID_SELF,
	};

	set_xen_guest_handle(res.extent_start, &gfn);
	return hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
			 p(&res), 0, 0, 0) == 1;
}

/* A buffer half in RAM, half in a hole: the RAM half is one request,
 * the hole's elements go one by one (reads of it give all ones, writes
 * to it vanish). */
static void ram_and_hole(void)
{
	u16 *w = (u16 *)(holed + PAGE_SIZE - 64);
	struct sregs r;
	bool ok = true;
	u32 s0, c, h;

	if (!report(balloon_out(holed + PAGE_SIZE), "a page given back"))
		return;
	report(*(volatile u32 *)(holed + PAGE_SIZE + 8) == 0xffffffff,
	       "the hole reads all ones");
	r = (struct sregs){ .rcx = 64, .rdi = p(w) };
	s0 = served();
	STRING("cld; rep insw", &r, DMT_PORT_COUNTER, 0);
	ok = trips_since(s0) == 1 + 32;
	for (int i = 0; i < 32; i++)
		ok &= w[i] == (u16)(next_count + i);
	c = inl(DMT_PORT_COUNTER);
	report(ok && r.rcx == 0 && r.rdi == p(w + 64) && c == next_count + 64,
	       "rep insw x64 into RAM then a hole: 1 + 32 requests, the "
	       "counter read 64 times");
	next_count += 65;

	for (int i = 0; i < 32; i++)
		w[i] = 0x1000 + i;
	(void)inl(DMT_PORT_HASH);
	r = (struct sregs){ .rcx = 64, .rsi = p(w) };
	s0 = served();
	STRING("cld; rep outsw", &r, DMT_PORT_HASH, 0);
	ok = trips_since(s0) == 1 + 32;
	h = hash_of((u8 *)w, 32, 2, 1);
	for (int i = 0; i < 32; i++)
		h = dmt_hash(h, 0xffff, 2);
	report(ok && r.rcx == 0 && inl(DMT_PORT_HASH) == h,
	       "rep outsw x64 from RAM then a hole: 1 + 32 requests, the "
	       "hole's elements all ones");
}

void dmtest_batches(void)
{
	ins_forwards();
	ins_backwards_and_counts();
	outs();
	movs_and_stos();
	ram_and_hole();
}
