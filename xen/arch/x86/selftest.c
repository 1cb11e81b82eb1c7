/*
 * Boot-time checks a test harness can read from the log: every CPU's timer
 * interrupts, the boot-time benchmark figure, and deliberate faults that
 * prove the fault dump and the W^X mappings work: selftest=fault reads
 * address 0 (unmapped), selftest=wx writes into the hypervisor's own code.
 * selftest=domain creates, populates and destroys a domain and checks that
 * every page and every byte of xmalloc came back.  selftest=oom creates a
 * domain with the most vCPUs while only 0, 1, 2... pages are free, so that
 * every allocation of domain and vCPU creation fails in turn: each must
 * fail cleanly (NULL, everything given back), never panic.
 * selftest=hvmcontext starts each boot domain from HVM save images, as
 * libxl does, and checks them (hvm_context_selftest()).
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <xen/options.h>
#include <xen/softirq.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/x86-defns.h>
#include <public/hvm/save.h>

#define HEARTBEAT_PERIOD MILLISECS(10)
#define HEARTBEAT_RUN MILLISECS(100)

static struct timer heartbeat[NR_CPUS];
static unsigned long heartbeat_ticks[NR_CPUS];

/* Runs on its own CPU from the timer softirq; re-arms itself. */
static void heartbeat_fn(void *data)
{
	struct timer *t = data;
	unsigned int cpu = t - heartbeat;

	BUG_ON(cpu != smp_processor_id());
	heartbeat_ticks[cpu]++;
	set_timer(t, timer_expires(t) + HEARTBEAT_PERIOD);
}

void timer_selftest_all_cpus(void)
{
	s_time_t end;

	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!per_cpu(c)->online)
			continue;
		init_timer(&heartbeat[c], heartbeat_fn, &heartbeat[c], c);
		set_timer(&heartbeat[c], NOW() + HEARTBEAT_PERIOD);
	}
	end = NOW() + HEARTBEAT_RUN;
	while (NOW() < end)
		idle_once();
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!per_cpu(c)->online)
			continue;
		kill_timer(&heartbeat[c]);
		printk("CPU%u: %lu timer interrupts, %lu heartbeat ticks in %lu ms\n",
		       c, (unsigned long)per_cpu(c)->timer_irq_count,
		       heartbeat_ticks[c], (unsigned long)(HEARTBEAT_RUN / 1000000));
		if (!heartbeat_ticks[c])
			printk(KERN_ERR "CPU%u: timer queue never ran\n", c);
	}
	if (!strcmp(opt_selftest, "fault")) {
		printk("selftest=fault: reading address 0\n");
		(void)*(volatile int *)0;
	}
	if (!strcmp(opt_selftest, "wx")) {
		printk("selftest=wx: writing to the code of %p\n",
		       (void *)timer_selftest_all_cpus);
		*(volatile u8 *)(uintptr_t)timer_selftest_all_cpus = 0xcc;
		printk(KERN_ERR "selftest=wx: the write to code succeeded\n");
	}
}

/* "first instruction -> all CPUs online", for make bench (-icount). */
void bench_report_boot(u64 boot_tsc)
{
	u64 d = smp_all_online_tsc - boot_tsc;

	printk("bench: boot-to-all-cpus-online %lu TSC ticks = %lu us "
	       "(%u CPUs)\n", (unsigned long)d,
	       (unsigned long)(tsc_to_ns(d) / 1000), nr_cpus_online);
}

/* The test domains have the emulated platform too, so its allocation
 * and teardown are part of what must return every byte. */
#define SELFTEST_EMU (XEN_X86_EMU_LAPIC | XEN_X86_EMU_PIC | XEN_X86_EMU_PIT | \
		      XEN_X86_EMU_IOAPIC)

void domain_selftest(void)
{
	unsigned long pages = page_alloc_free_pages();
	unsigned long bytes = xmalloc_used_bytes();
	struct domain *d;

	if (strcmp(opt_selftest, "domain"))
		return;
	d = domain_create(0x7ff0 - 1, "selftest",
			  &(struct domain_config){ .max_vcpus = 4,
						   .max_evtchn_port = 1023,
						   .emulation_flags = SELFTEST_EMU });
	if (!d || domain_populate_ram(d, (64ULL << 20) + PAGE_SIZE * 3)) {
		printk(KERN_ERR "selftest=domain: cannot build the test domain\n");
		return;
	}
	printk("selftest=domain: built with %lu RAM pages, %lu p2m table pages; "
	       "allocator %lu pages free (was %lu)\n", d->tot_pages,
	       arch_domain_table_pages(d), page_alloc_free_pages(), pages);
	/* Never ran: freed at once, without the reaper. */
	domain_destroy(d);
	if (page_alloc_free_pages() == pages && xmalloc_used_bytes() == bytes)
		printk("selftest=domain: teardown returned all memory (%lu pages "
		       "free, %lu bytes in xmalloc)\n", pages, bytes);
	else
		printk(KERN_ERR "selftest=domain: LEAK: %ld pages, %ld bytes\n",
		       (long)(pages - page_alloc_free_pages()),
		       (long)(xmalloc_used_bytes() - bytes));
}

/* ---- selftest=oom ------------------------------------------------------- */

/* A block taken from the allocator, linked through its own first bytes. */
struct hog {
	struct hog *next;
	unsigned int order;
};

/* Take free memory until exactly @keep pages are left; returns the list. */
static struct hog *hog_all_but(unsigned long keep)
{
	struct hog *list = NULL, *h;

	for (int order = PAGE_ALLOC_MAX_ORDER; order >= 0; order--)
		while (page_alloc_free_pages() >= keep + (1UL << order) &&
		       (h = alloc_pages(order))) {
			h->next = list;
			h->order = order;
			list = h;
		}
	return list;
}

static void hog_release(struct hog *list)
{
	while (list) {
		struct hog *next = list->next;

		free_pages(list, list->order);
		list = next;
	}
}

/*
 * One creation attempt with @keep pages free.  Returns 1 if it succeeded,
 * 0 if it failed cleanly, -1 if it failed and leaked.
 */
static int oom_attempt(unsigned long keep)
{
	unsigned long pages, bytes = xmalloc_used_bytes();
	struct hog *hog = hog_all_but(keep);
	struct domain *d;
	int rc = 0;

	pages = page_alloc_free_pages();
	d = domain_create(0x7ff0 - 1, "selftest-oom",
			  &(struct domain_config){ .max_vcpus = MAX_VIRT_CPUS,
						   .max_evtchn_port = 1023,
						   .emulation_flags = SELFTEST_EMU });
	if (d) {
		domain_destroy(d);	/* never ran: freed at once */
		rc = 1;
	}
	if (page_alloc_free_pages() != pages || xmalloc_used_bytes() != bytes) {
		printk(KERN_ERR "selftest=oom: with %lu pages free: LEAK: %ld "
		       "pages, %ld bytes\n", keep,
		       (long)(pages - page_alloc_free_pages()),
		       (long)(xmalloc_used_bytes() - bytes));
		rc = -1;
	}
	hog_release(hog);
	return rc;
}

void domain_oom_selftest(void)
{
	unsigned long keep;
	int rc = 0;

	if (strcmp(opt_selftest, "oom"))
		return;
	for (keep = 0; keep < 4096 && !(rc = oom_attempt(keep)); keep++)
		;
	if (rc == 1)
		printk("selftest=oom: a %u-vCPU domain failed cleanly with 0..%lu "
		       "pages free and was created with %lu\n", MAX_VIRT_CPUS,
		       keep - 1, keep);
	else if (!rc)
		printk(KERN_ERR "selftest=oom: no domain with 4096 pages free\n");
}

/* ---- selftest=hvmcontext ------------------------------------------------ */

/*
 * A built domain's vCPU 0 is started the way libxl starts a PVH guest
 * (docs/xen-toolstack.md §A.1 step 8), through the interface the domctl
 * handler uses (arch_hvm_save()/arch_hvm_load()): the size query, the
 * image, MTRR images for every vCPU, then HEADER + CPU + END.  Then the
 * image is saved again and must show that state, a bad image must change
 * nothing, and a full save/load round trip must come back identical.
 * The domain is paused around it all (domain_pause_sync(), as by the
 * toolstack and the domctl handler): the vCPU is up and initialised
 * throughout, but runs only after the checks, and then from the state
 * the images gave it (loaded vLAPICs wake a vCPU in HLT, so VPF_blocked
 * would not hold it).  A real-mode domain (no PVH entry)
 * gets its own saved CPU record back instead of libxl's.
 */
#define HVMCTX_MAX 65536	/* 16 vCPUs' records fit */

static u8 *hvmctx_find(u8 *img, long len, u16 type, u16 inst)
{
	struct hvm_save_descriptor d;

	for (long off = 0; off + (long)sizeof(d) <= len;
	     off += sizeof(d) + d.length) {
		memcpy(&d, img + off, sizeof(d));
		if (d.typecode == type && d.instance == inst)
			return img + off + sizeof(d);
		if (!d.typecode)
			break;
	}
	return NULL;
}

/* HEADER (from @saved) + one record + END into @out; its length. */
static size_t hvmctx_image(u8 *out, const u8 *saved, u16 type, u16 inst,
			   const void *body, u32 len)
{
	struct hvm_save_descriptor d = { type, inst, len };
	size_t n = sizeof(d) + sizeof(struct hvm_save_header);

	memcpy(out, saved, n);
	memcpy(out + n, &d, sizeof(d));
	memcpy(out + n + sizeof(d), body, len);
	n += sizeof(d) + len;
	memset(out + n, 0, sizeof(d));
	return n + sizeof(d);
}

/* libxl's vcpu_hvm() record for a PVH entry at @rip with start_info at
 * @rbx (tools/libs/guest/xg_dom_x86.c in Xen 4.17). */
static void hvmctx_libxl_cpu(struct hvm_hw_cpu *r, u64 rip, u64 rbx)
{
	memset(r, 0, sizeof(*r));
	r->cs_limit = r->ds_limit = r->es_limit = r->ss_limit = ~0U;
	r->tr_limit = 0x67;
	r->cs_arbytes = 0xc9b;
	r->ds_arbytes = r->es_arbytes = r->ss_arbytes = 0xc93;
	r->tr_arbytes = 0x8b;
	r->cr0 = X86_CR0_PE | X86_CR0_ET;
	r->rip = rip;
	r->rbx = rbx;
	r->dr6 = X86_DR6_INIT;
	r->dr7 = X86_DR7_INIT;
}

/* Equal but for the TSC and, unless @fpu, the FPU image and flags. */
static bool hvmctx_same(const struct hvm_hw_cpu *a, const struct hvm_hw_cpu *b,
			bool fpu)
{
	struct hvm_hw_cpu x = *a, y = *b;

	x.tsc = y.tsc = 0;
	if (!fpu) {
		memset(x.fpu_regs, 0, sizeof(x.fpu_regs));
		memset(y.fpu_regs, 0, sizeof(y.fpu_regs));
		x.flags = y.flags = 0;
	}
	return !memcmp(&x, &y, sizeof(x));
}

static const char *hvmctx_check(struct domain *d, u8 *img, u8 *img2, u8 *tmp)
{
	struct hvm_hw_cpu cpu;
	struct hvm_hw_mtrr mtrr;
	u8 *c, *m;
	long need, len, len2;
	size_t n;

	need = arch_hvm_save(d, NULL, 0);
	if (need <= 0 || need > HVMCTX_MAX)
		return "size query";
	if (arch_hvm_save(d, img, need - 1) != -ENOSPC)
		return "a short buffer is not -ENOSPC";
	len = arch_hvm_save(d, img, need);
	c = hvmctx_find(img, len, HVM_SAVE_CODE(CPU), 0);
	if (len <= 0 || len > need || !c)
		return "save, or vCPU 0's CPU record";
	memcpy(&cpu, c, sizeof(cpu));
	if (cpu.cr0 == (X86_CR0_PE | X86_CR0_ET) && !cpu.cr4)
		hvmctx_libxl_cpu(&cpu, cpu.rip, cpu.rbx);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		m = hvmctx_find(img, len, HVM_SAVE_CODE(MTRR), i);
		if (!m)
			return "an MTRR record missing";
		memcpy(&mtrr, m, sizeof(mtrr));
		mtrr.msr_mtrr_def_type = 6 | (1 << 11);	/* WB, enabled */
		n = hvmctx_image(tmp, img, HVM_SAVE_CODE(MTRR), i, &mtrr,
				 sizeof(mtrr));
		if (arch_hvm_load(d, tmp, n))
			return "an MTRR image refused";
	}
	n = hvmctx_image(tmp, img, HVM_SAVE_CODE(CPU), 0, &cpu, sizeof(cpu));
	if (arch_hvm_load(d, tmp, n))
		return "the CPU image refused";
	/* Bad images change nothing (checked by the saves below). */
	tmp[8] ^= 1;					/* magic */
	if (arch_hvm_load(d, tmp, n) != -EINVAL)
		return "a bad magic accepted";
	tmp[8] ^= 1;
	((struct hvm_hw_cpu *)(tmp + 40))->cr0 |= 1ULL << 6;
	if (arch_hvm_load(d, tmp, n) != -EINVAL)
		return "a reserved CR0 bit accepted";
	len2 = arch_hvm_save(d, img2, need);
	c = hvmctx_find(img2, len2, HVM_SAVE_CODE(CPU), 0);
	m = hvmctx_find(img2, len2, HVM_SAVE_CODE(MTRR), 0);
	cpu.rflags |= X86_EFLAGS_FIXED;
	if (!c || !m || !hvmctx_same(&cpu, (struct hvm_hw_cpu *)c, false))
		return "the saved CPU record is not the one loaded";
	if (((struct hvm_hw_mtrr *)m)->msr_mtrr_def_type != 0x806)
		return "the saved MTRRs are not the ones loaded";
	/* A full round trip: the same state, FPU image included. */
	if (arch_hvm_load(d, img2, len2))
		return "the domain's own image refused";
	len = arch_hvm_save(d, img, need);
	c = hvmctx_find(img, len, HVM_SAVE_CODE(CPU), 0);
	if (len != len2 || !c ||
	    !hvmctx_same((struct hvm_hw_cpu *)c,
			 (struct hvm_hw_cpu *)hvmctx_find(img2, len2, 2, 0), true) ||
	    memcmp(hvmctx_find(img, len, HVM_SAVE_CODE(MTRR), 0), m,
		   sizeof(struct hvm_hw_mtrr)))
		return "the round trip changed the state";
	return NULL;
}

void hvm_context_selftest(struct vcpu *v, const struct hvm_boot_state *st)
{
	struct domain *d = v->domain;
	u8 *img = xmalloc_bytes(HVMCTX_MAX), *img2 = xmalloc_bytes(HVMCTX_MAX);
	u8 *tmp = xmalloc_bytes(HVMCTX_MAX);
	const char *why = "out of memory";

	domain_pause_sync(d);
	vcpu_start(v, st);
	if (img && img2 && tmp)
		why = hvmctx_check(d, img, img2, tmp);
	if (why)
		printk(KERN_ERR "selftest=hvmcontext: d%u: FAIL: %s\n",
		       d->domain_id, why);
	else
		printk("selftest=hvmcontext: d%u: PASS: started from libxl's "
		       "images, round trip identical\n", d->domain_id);
	xfree(img);
	xfree(img2);
	xfree(tmp);
	domain_unpause_sync(d);
}
