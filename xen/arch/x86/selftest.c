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
 */
#include <xen/arch_vcpu.h>
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

void domain_selftest(void)
{
	unsigned long pages = page_alloc_free_pages();
	unsigned long bytes = xmalloc_used_bytes();
	struct domain *d;

	if (strcmp(opt_selftest, "domain"))
		return;
	d = domain_create(0x7ff0 - 1, "selftest",
			  &(struct domain_config){ .max_vcpus = 4,
						   .max_evtchn_port = 1023 });
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
						   .max_evtchn_port = 1023 });
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
