/*
 * Domain lifecycle: create, give memory, start vCPUs, shut down, crash,
 * destroy.
 *
 * Memory comes from the page allocator in 2 MiB extents where alignment
 * allows (fewer, larger nested-paging leaves) and 4 KiB otherwise, is
 * zeroed before the guest sees it, and is recorded per domain so that
 * destruction returns every page: after domain_destroy() the allocator's
 * free count is back where it was before domain_create() (checked at boot
 * by the domain self-test, see domain_selftest()).
 *
 * Destruction is deferred: a dying domain's vCPUs are paused at once, but
 * the structures are freed by a reaper timer only when none of them is on
 * a pCPU any more (a vCPU may be mid-exit on another CPU when its domain
 * crashes).
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/shutdown.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>
#include <asm/smp.h>

#define REAPER_PERIOD MILLISECS(10)

struct domain *domain_list;
static DEFINE_SPINLOCK(domlist_lock);
static struct timer reaper_timer;
static bool reaper_armed;

struct evtchn_domain *evtchn_of(struct domain *d)
{
	return d->evtchn;
}

struct domain *domain_by_id(u16 domid)
{
	struct domain *d;
	unsigned long f = spin_lock_irqsave(&domlist_lock);

	for (d = domain_list; d && d->domain_id != domid; d = d->next_in_list)
		;
	spin_unlock_irqrestore(&domlist_lock, f);
	return d;
}

static void vcpu_wake_timer_fn(void *data)
{
	struct vcpu *v = data;

	WRITE_ONCE(v->wake_pending, true);
	v->singleshot_deadline = 0;
	vcpu_singleshot_fired(v);
	vcpu_wake(v);
}

/* Event-channel hooks (xen/include/xen/event.h). */
static void evtchn_kick_hook(struct domain *d, unsigned int vcpu)
{
	if (vcpu < d->max_vcpus && d->vcpu[vcpu]) {
		arch_evtchn_upcall(d->vcpu[vcpu]);
		vcpu_kick(d->vcpu[vcpu]);
	}
}

/* A port became pending: pollers re-check (Xen wakes every vCPU polling
 * in the domain when it cannot tell which port they wait on). */
static void evtchn_poll_wake_hook(struct domain *d, evtchn_port_t port)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (v && READ_ONCE(v->polling))
			vcpu_wake(v);
	}
}

static struct domain *evtchn_lookup_hook(domid_t domid)
{
	return domid < DOMID_FIRST_RESERVED ? domain_by_id(domid) : NULL;
}

void domain_subsystem_init(void)
{
	static const struct evtchn_hooks hooks = {
		.kick = evtchn_kick_hook,
		.poll_wake = evtchn_poll_wake_hook,
		.lookup = evtchn_lookup_hook,
	};

	evtchn_set_hooks(&hooks);
}

static void vcpu_free(struct vcpu *v)
{
	kill_timer(&v->wake_timer);
	vcpu_op_kill_timers(v);
	sched_destroy_vcpu(v);
	arch_vcpu_destroy(v);
	xfree(v);
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
	struct vcpu *v = xzalloc(struct vcpu);

	if (!v)
		return NULL;
	v->vcpu_id = id;
	v->domain = d;
	v->pause_flags = 1UL << VPF_down;
	v->runstate = RUNSTATE_offline;
	v->runstate_entry = NOW();
	v->hard_affinity = ~0ULL;
	v->work = VCPU_WORK_ALL;	/* the first entry does everything */
	init_timer(&v->wake_timer, vcpu_wake_timer_fn, v, 0);
	vcpu_op_init_timers(v);
	if (arch_vcpu_create(v) ||
	    sched_init_vcpu(v, id % nr_cpus_online)) {
		vcpu_free(v);
		return NULL;
	}
	return v;
}

static void domain_free(struct domain *d)
{
	struct domain_extent *e, *next;

	/* Grants first (mappings in other domains go), then ports: closing
	 * them writes to shared_info. */
	gnttab_domain_destroy(d);
	shared_info_domain_destroy(d);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_free(d->vcpu[i]);
	sched_destroy_domain(d);
	for (e = d->extents; e; e = next) {
		next = e->next;
		free_pages((void *)(uintptr_t)e->maddr, e->order);
		xfree(e);
	}
	/* Pool records only name frames of the extents above. */
	for (e = d->ballooned; e; e = next) {
		next = e->next;
		xfree(e);
	}
	arch_domain_destroy(d);
	xfree(d);
}

struct domain *domain_create(u16 domid, const char *name,
			     unsigned int max_vcpus, bool privileged)
{
	struct domain *d;
	unsigned long f;

	if (!max_vcpus || max_vcpus > MAX_VIRT_CPUS || domain_by_id(domid))
		return NULL;
	d = xzalloc(struct domain);
	if (!d)
		return NULL;
	d->domain_id = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	spin_lock_init(&d->lock);
	spin_lock_init(&d->p2m_lock);
	d->shared_info_gfn = ~0ULL;
	d->is_privileged = privileged;
	d->max_vcpus = max_vcpus;
	d->weight = 256;
	if (arch_domain_create(d) || sched_init_domain(d))
		goto fail;
	for (unsigned int i = 0; i < max_vcpus; i++)
		if (!(d->vcpu[i] = vcpu_create(d, i)))
			goto fail;
	/* Xen's defaults: 1023 ports for a domU (libxl), all for dom0. */
	if (shared_info_domain_init(d, privileged ? EVTCHN_MAX_PORTS - 1 : 1023) ||
	    gnttab_domain_init(d, GNTTAB_MAX_FRAMES))
		goto fail;
	f = spin_lock_irqsave(&domlist_lock);
	d->next_in_list = domain_list;
	domain_list = d;
	spin_unlock_irqrestore(&domlist_lock, f);
	return d;
fail:
	domain_free(d);
	return NULL;
}

/* Give [gfn, gfn + 2^order) one extent of zeroed memory. */
static int populate_extent(struct domain *d, u64 gfn, unsigned int order)
{
	struct domain_extent *e = xzalloc(struct domain_extent);
	void *mem = e ? alloc_pages(order) : NULL;

	if (!mem) {
		xfree(e);
		return -ENOMEM;
	}
	memset(mem, 0, PAGE_SIZE << order);
	e->maddr = (uintptr_t)mem;
	e->gfn = gfn;
	e->order = order;
	e->next = d->extents;
	d->extents = e;
	d->tot_pages += 1UL << order;
	return arch_domain_map_ram(d, gfn, e->maddr >> PAGE_SHIFT, order);
}

int domain_populate_ram(struct domain *d, u64 bytes)
{
	u64 gfn = d->ram_bytes >> PAGE_SHIFT;
	u64 end = gfn + (bytes >> PAGE_SHIFT);
	int rc = 0;

	if (bytes & ~PAGE_MASK || end > ARCH_MAX_GFN)
		return -EINVAL;
	while (!rc && gfn < end) {
		/* 2 MiB where aligned and the allocator still has one. */
		if (!(gfn & 511) && end - gfn >= 512 &&
		    !(rc = populate_extent(d, gfn, 9))) {
			gfn += 512;
			continue;
		}
		rc = populate_extent(d, gfn, 0);
		gfn++;
	}
	d->ram_bytes = gfn << PAGE_SHIFT;
	d->max_pages = d->tot_pages;
	return rc;
}

/*
 * Block @v (the current vCPU) unless a wake-up is already pending.  The
 * flag is checked after blocking as well, so a timer firing between the
 * guest's decision to sleep and this call is never lost.
 */
void vcpu_block_unless_pending(struct vcpu *v)
{
	if (__atomic_exchange_n(&v->wake_pending, false, __ATOMIC_SEQ_CST))
		return;
	vcpu_block(v);
	if (__atomic_exchange_n(&v->wake_pending, false, __ATOMIC_SEQ_CST))
		vcpu_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned int cpu = READ_ONCE(v->processor);

	__atomic_store_n(&v->wake_pending, true, __ATOMIC_SEQ_CST);
	/* The entry path looks for interrupts only when this bit says so. */
	vcpu_work_set(v, VCPU_WORK_IRQ);
	if (READ_ONCE(v->pause_flags) & (1UL << VPF_blocked))
		vcpu_wake(v);
	/* In guest mode elsewhere: an IPI makes it exit, and its next entry
	 * delivers what is pending.  A stale answer costs one spurious IPI
	 * or a delay until its next exit, never a lost interrupt: the entry
	 * path checks for pending work with interrupts off. */
	else if (READ_ONCE(v->is_running) && cpu != smp_processor_id())
		smp_send_event_check(cpu);
}

void vcpu_start(struct vcpu *v, const struct hvm_boot_state *state)
{
	arch_vcpu_set_state(v, state);
	v->is_initialised = true;
	vcpu_pause_flag_clear(v, VPF_down);
}

/* Every vCPU paused for death and off its pCPU: safe to free. */
static bool domain_off_cpus(const struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		const struct vcpu *v = d->vcpu[i];

		if (v && (READ_ONCE(v->is_running) ||
			  !(READ_ONCE(v->pause_flags) & (1UL << VPF_dying))))
			return false;
	}
	return true;
}

/* Free dying domains whose vCPUs have all left the CPUs. */
static void reaper_fn(void *unused)
{
	struct domain **pp, *d;
	bool again = false;
	unsigned long f;

	for (;;) {
		f = spin_lock_irqsave(&domlist_lock);
		for (pp = &domain_list; (d = *pp); pp = &d->next_in_list)
			if (d->is_dying && domain_off_cpus(d))
				break;
		if (d)
			*pp = d->next_in_list;
		for (struct domain *o = domain_list; o; o = o->next_in_list)
			again |= o->is_dying;
		spin_unlock_irqrestore(&domlist_lock, f);
		if (!d)
			break;
		domain_destroy(d);
	}
	if (again)
		set_timer(&reaper_timer, NOW() + REAPER_PERIOD);
	else
		WRITE_ONCE(reaper_armed, false);
}

/* Take a never-started domain off the list (the reaper does this for
 * domains that ran). */
void domain_unlist(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);
	struct domain **pp;

	for (pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next_in_list)
		;
	if (*pp)
		*pp = d->next_in_list;
	spin_unlock_irqrestore(&domlist_lock, f);
}

void domain_destroy(struct domain *d)
{
	unsigned long ram = d->tot_pages, tables = arch_domain_table_pages(d);
	u16 id = d->domain_id;

	domain_free(d);
	printk("d%u: destroyed: %lu RAM pages and %lu p2m table pages "
	       "returned (%lu pages free)\n", id, ram, tables,
	       page_alloc_free_pages());
}

/* Stop every vCPU and hand the domain to the reaper. */
static void domain_kill(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_pause_flag_set(d->vcpu[i], VPF_dying);
	if (!__atomic_exchange_n(&reaper_armed, true, __ATOMIC_SEQ_CST)) {
		init_timer(&reaper_timer, reaper_fn, NULL, 0);
		set_timer(&reaper_timer, NOW() + REAPER_PERIOD);
	}
}

static const char *shutdown_name(int reason)
{
	static const char *const names[] = {
		"poweroff", "reboot", "suspend", "crash", "watchdog",
	};

	return reason >= 0 && reason < (int)ARRAY_SIZE(names) ?
	       names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, int reason)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool first = !d->is_shutdown;

	d->is_shutdown = true;
	d->shutdown_code = reason;
	d->is_dying = true;
	spin_unlock_irqrestore(&d->lock, f);
	if (!first)
		return;
	printk("d%u: shut down (%s)\n", d->domain_id, shutdown_name(reason));
	if (d->is_privileged) {
		/* The initial domain decides for the machine, as in Xen. */
		domain_print_runstates();
		if (reason == SHUTDOWN_poweroff)
			machine_power_off();
		machine_halt_or_reboot();
	}
	domain_kill(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_ERR "d%u: crashed: %s\n", d->domain_id, buf);
	domain_shutdown(d, SHUTDOWN_crash);
}

void domain_bad_request(struct domain *d, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	/* Count every one; log the first few and then every 1000th. */
	unsigned long n = __atomic_add_fetch(&d->nr_bad_requests, 1,
					     __ATOMIC_RELAXED);

	if (n > 10 && n % 1000)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_WARNING "d%u: bad request #%lu: %s\n", d->domain_id, n,
	       buf);
}

void domain_print_runstates(void)
{
	s_time_t now = NOW();

	for (struct domain *d = domain_list; d; d = d->next_in_list) {
		s_time_t t[4] = { 0 };

		for (unsigned int i = 0; i < d->max_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			if (!v)
				continue;
			for (int s = 0; s < 4; s++)
				t[s] += v->runstate_time[s];
			t[v->runstate] += now - v->runstate_entry;
		}
		printk("domain d%u (%s): running %lu ms, runnable %lu ms, "
		       "blocked %lu ms, offline %lu ms, %lu bad requests\n",
		       d->domain_id, d->name,
		       (unsigned long)(t[RUNSTATE_running] / 1000000),
		       (unsigned long)(t[RUNSTATE_runnable] / 1000000),
		       (unsigned long)(t[RUNSTATE_blocked] / 1000000),
		       (unsigned long)(t[RUNSTATE_offline] / 1000000),
		       d->nr_bad_requests);
	}
}
