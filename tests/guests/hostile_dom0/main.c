/*
 * hostile_dom0: bad values at every hypercall Amphi implements, from the
 * initial domain (which may name other domains and so reaches the most
 * code), 64-bit and 32-bit (compatibility mode) callers, plus ring 3.
 * Every check expects Xen 4.17's exact answer (hostile.h says where it
 * deliberately does not); at the end the domain checks that the
 * hypervisor still works: hypercalls answer, timers fire.
 *
 * Needs to be the initial domain.  With two or more vCPUs (dom0 gets one
 * per pCPU) the checks that name another, offline, vCPU run as well.
 */
#include "hostile.h"

bool have_noram;
unsigned int nr_vcpus;
struct shared_info *shinfo;
struct vcpu_info *my_vcpu_info;
u64 scratch_gfn;

/* The window's page table and its two RAM pages. */
static u64 win_pt[512] __attribute__((aligned(PAGE_SIZE)));
static u8 win_page0[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static u8 win_page3[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static const struct { int e; const char *name; } errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
	{ EDOM, "EDOM" }, { ERANGE, "ERANGE" }, { ENOBUFS, "ENOBUFS" }, { ENOSYS, "ENOSYS" }, { ENODATA, "ENODATA" },
	{ ETIME, "ETIME" }, { EILSEQ, "EILSEQ" }, { EOPNOTSUPP, "EOPNOTSUPP" },
};

/* Up to four results per report() line, so a small ring of buffers. */
const char *err_str(long v)
{
	static char buf[8][24];
	static unsigned int next;
	char *b = buf[next++ % ARRAY_SIZE(buf)];

	for (unsigned int i = 0; i < ARRAY_SIZE(errnames); i++)
		if (v == -errnames[i].e) {
			snprintf(b, sizeof(buf[0]), "-%s", errnames[i].name);
			return b;
		}
	if (v >= -4096 && v <= 4096)
		snprintf(b, sizeof(buf[0]), "%ld", v);
	else
		snprintf(b, sizeof(buf[0]), "%#lx", v);
	return b;
}

/* PD entry 256 (2 MiB at WIN) becomes a 4 KiB page table. */
void window_init(void)
{
	memset(win_pt, 0, sizeof(win_pt));
	win_pt[0] = (u64)win_page0 | PTE_P | PTE_W;
	win_pt[2] = VA_NORAM | PTE_P | PTE_W;
	win_pt[3] = (u64)win_page3 | PTE_P | PTE_W;
	boot_pd[WIN >> 21] = (u64)win_pt | PTE_P | PTE_W | PTE_U;
	write_cr3(read_cr3());
}

/* Is [addr, addr + len) inside one RAM entry of the memory map? */
static bool is_ram(u64 addr, u64 len)
{
	for (unsigned int i = 0; i < memmap_entries; i++)
		if (memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM &&
		    addr >= memmap[i].addr &&
		    addr + len <= memmap[i].addr + memmap[i].size)
			return true;
	return false;
}

static bool overlaps_map(u64 addr, u64 len)
{
	for (unsigned int i = 0; i < memmap_entries; i++)
		if (addr < memmap[i].addr + memmap[i].size &&
		    memmap[i].addr < addr + len)
			return true;
	return false;
}

/* 16 pages in the middle of RAM, above the image. */
static bool pick_scratch(void)
{
	u64 end = memmap_ram_end(), base;

	base = (end / 2) & ~(PAGE_SIZE - 1);
	if (base < (u64)image_end)
		base = ((u64)image_end + 0x100000) & ~(PAGE_SIZE - 1);
	if (!is_ram(base, 16 * PAGE_SIZE))
		return false;
	scratch_gfn = base >> 12;
	return true;
}

/* vCPUs: VCPUOP_is_up answers for every id below max_vcpus. */
static unsigned int count_vcpus(void)
{
	unsigned int n = 1;

	while (n < 64 && vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
		n++;
	return n;
}

static void setup(void)
{
	window_init();
	have_noram = memmap_ram_end() <= VA_NORAM && !overlaps_map(VA_NORAM, PAGE_SIZE);
	nr_vcpus = count_vcpus();
	if (!pick_scratch())
		scratch_gfn = 0;
	report_info("RAM ends at %#lx, image %p-%p, scratch gfn %#lx, %u vCPU%s, "
		    "%s", (unsigned long)memmap_ram_end(), image_start, image_end,
		    (unsigned long)scratch_gfn, nr_vcpus, nr_vcpus > 1 ? "s" : "",
		    have_noram ? "probe gpa beyond RAM usable" : "no probe gpa");
	/* Reading through the window works (page 0 and 3 are ours). */
	*(volatile u32 *)WIN = 0x12345678;
	report(win_page0[0] == 0x78 && *(volatile u32 *)WIN_RAM3 == 0,
	       "window: page 0 and 3 are RAM through 4 KiB mappings");
}

int main(void)
{
	if (!is_initial_domain) {
		report_skip("needs to be the initial domain");
		return TEST_SKIP;
	}
	setup();
	check_memory_op();
	check_vcpu_op();
	check_hvm_op();
	check_evtchn_op();
	check_sched_op();
	check_small_ops();
	check_grant_table_op();
	check_platform_context();
	check_foreign_memory();
	check_compat();
	check_toolstack();
	check_user_mode();
	check_still_alive();
	return report_result();
}
