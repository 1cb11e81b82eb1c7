/*
 * Domain lifecycle: create, give memory, start vCPUs, shut down, crash,
 * and the reference-counted path to destruction.
 *
 * Design note (docs/architecture.md, "Object lifetimes").
 *
 * A domain is reference-counted (xen/refcount.h).  The domain list holds
 * one reference; every lookup by a caller-supplied id (domain_by_id())
 * returns another, which the caller drops with put_domain().  So a
 * privileged caller naming a domain that is being destroyed keeps a valid
 * structure, p2m and memory for as long as its hypercall needs them.
 *
 * Death runs in stages, driven by the reaper (a timer on CPU 0, so the
 * work is preemptible: each run does a bounded amount and re-arms, and
 * vCPUs and other softirqs run in between):
 *  1. kill: domain_shutdown()/domain_crash() of a domain built at boot,
 *     or XEN_DOMCTL_destroydomain (domain_kill_step()), mark the domain
 *     dying and pause every vCPU (VPF_dying).  A domain the toolstack
 *     created only pauses when it shuts down (VPF_shutdown), as in Xen:
 *     it stays listed, reported as shut down, until the toolstack
 *     destroys it;
 *  2. relinquish, once no vCPU is on a CPU any more: the domain lets go of
 *     what it holds of OTHER domains (its grant mappings and the pins
 *     behind them, its event-channel pairs), its vCPUs leave the scheduler
 *     and their timers stop; it is taken off the list and the list's
 *     reference is dropped, and the initial domain gets VIRQ_DOM_EXC;
 *  3. teardown, after the last reference: the p2m is drained (every frame
 *     reference it holds is dropped, a bounded number per run), then the
 *     grant table, shared_info, vCPUs and the rest are freed;
 *  4. frames of the domain that other domains still map (grant or foreign
 *     mappings hold frame references, xen/frame.h) outlive step 3; the
 *     domain waits for them as a zombie and is freed when the last one
 *     returns to the allocator, so the accounting of every page it ever
 *     got closes exactly (logged).
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/frame.h>
#include <xen/grant_table.h>
#include <xen/ioreq.h>
#include <xen/iommu.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/page_alloc.h>
#include <xen/refcount.h>
#include <xen/sched.h>
#include <xen/shared_info.h>
#include <xen/shutdown.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vpci.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>
#include <asm/smp.h>

#define REAPER_PERIOD MILLISECS(10)
/* Pages a teardown run frees before the reaper yields the CPU. */
#define TEARDOWN_BUDGET 4096

static struct domain *domain_list;	/* domlist_lock */
static struct domain *dead_list;	/* domlist_lock: refcnt 0, to tear down */
static struct domain *zombie_list;	/* domlist_lock: waiting for frames */
static DEFINE_SPINLOCK(domlist_lock);
static struct timer reaper_timer;
static u64 domain_next_uid;
/* When the reaper is due, 0 if not armed (reaper_lock; innermost but for
 * the timer queue's lock, as put_domain() may run under any lock). */
static s_time_t reaper_due;
static DEFINE_SPINLOCK(reaper_lock);

static void reaper_arm(s_time_t delay);
static void reaper_fn(void *unused);

struct evtchn_domain *evtchn_of(struct domain *d)
{
	return d->evtchn;
}

/* --- References --- */

struct domain *domain_by_id(u16 domid)
{
	struct domain *d;
	unsigned long f;

	if (domid >= DOMID_FIRST_RESERVED)
		return NULL;
	f = spin_lock_irqsave(&domlist_lock);
	for (d = domain_list; d && d->domain_id != domid; d = d->next_in_list)
		;
	if (d && !ref_get_live(&d->refcnt))
		d = NULL;
	spin_unlock_irqrestore(&domlist_lock, f);
	return d;
}

struct domain *domain_first_from(u16 domid)
{
	struct domain *d, *best = NULL;
	unsigned long f;

	f = spin_lock_irqsave(&domlist_lock);
	/* The list is unsorted: one pass for the smallest id at or above,
	 * skipping the dying whose last reference is gone. */
	for (d = domain_list; d; d = d->next_in_list)
		if (d->domain_id >= domid && d->domain_id < DOMID_FIRST_RESERVED &&
		    (!best || d->domain_id < best->domain_id) &&
		    ref_read(&d->refcnt))
			best = d;
	if (best && !ref_get_live(&best->refcnt))
		best = NULL;
	spin_unlock_irqrestore(&domlist_lock, f);
	return best;
}

void get_domain(struct domain *d)
{
	/* Saturation would need 2^30 simultaneous holders: a bug. */
	BUG_ON(!ref_get(&d->refcnt));
}

/* The last reference went: queue the teardown (any context). */
void put_domain(struct domain *d)
{
	unsigned long f;

	if (!ref_put(&d->refcnt))
		return;
	f = spin_lock_irqsave(&domlist_lock);
	d->next_dead = dead_list;
	dead_list = d;
	spin_unlock_irqrestore(&domlist_lock, f);
	reaper_arm(0);
}

void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);

	for (struct domain *d = domain_list; d; d = d->next_in_list)
		fn(d, arg);
	spin_unlock_irqrestore(&domlist_lock, f);
}

/* --- Frame accounting (xen/frame.h) --- */

void domain_frame_acquired(struct domain *d, unsigned int flags,
			   unsigned long n)
{
	__atomic_add_fetch(&d->nr_frames, n, __ATOMIC_RELAXED);
	if (flags & FRAME_RAM)
		__atomic_add_fetch(&d->tot_pages, n, __ATOMIC_RELAXED);
}

/*
 * A frame of @d went back to the allocator.  A zombie whose last frame
 * this was is freed by the reaper.  The count drops under domlist_lock,
 * which the reaper holds to find freed zombies, so @d cannot be freed
 * under us.  May run under any lock (domlist_lock is innermost).
 */
void domain_frame_released(struct domain *d, unsigned int flags)
{
	unsigned long f;
	bool last;

	if (flags & FRAME_RAM)
		__atomic_sub_fetch(&d->tot_pages, 1, __ATOMIC_RELAXED);
	f = spin_lock_irqsave(&domlist_lock);
	last = !__atomic_sub_fetch(&d->nr_frames, 1, __ATOMIC_ACQ_REL) &&
	       d->torn_down;
	spin_unlock_irqrestore(&domlist_lock, f);
	if (last)
		reaper_arm(0);
}

/* --- Hooks for event channels --- */

static void vcpu_wake_timer_fn(void *data)
{
	struct vcpu *v = data;

	WRITE_ONCE(v->wake_pending, true);
	v->singleshot_deadline = 0;
	vcpu_singleshot_fired(v);
	vcpu_wake(v);
}

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

/*
 * FIFO event pages (Xen's map_guest_page()): as a registered vcpu_info
 * (vcpu_op.c), the domain's own writable RAM, kept with a frame reference
 * until the event core lets go of it.  The identity map makes the
 * frame's address its mapping.
 */
static int evtchn_map_page_hook(struct domain *d, u64 gfn, void **page)
{
	enum p2m_type t;
	mfn_t mfn;

	if (arch_p2m_get_frame(d, gfn, &mfn, &t))
		return -EINVAL;
	if (t != p2m_ram_rw || !frame_owned_by(mfn, d, FRAME_RAM)) {
		frame_put(mfn);
		return -EINVAL;
	}
	*page = (void *)(uintptr_t)(mfn << PAGE_SHIFT);
	return 0;
}

static void evtchn_unmap_page_hook(struct domain *d, void *page)
{
	frame_put((uintptr_t)page >> PAGE_SHIFT);
}

void domain_subsystem_init(void)
{
	static const struct evtchn_hooks hooks = {
		.kick = evtchn_kick_hook,
		.poll_wake = evtchn_poll_wake_hook,
		.lookup = domain_by_id,
		.put = put_domain,
		.map_page = evtchn_map_page_hook,
		.unmap_page = evtchn_unmap_page_hook,
	};

	evtchn_set_hooks(&hooks);
	init_timer(&reaper_timer, reaper_fn, NULL, 0);
}

/* --- Creation --- */

static void vcpu_free(struct vcpu *v)
{
	kill_timer(&v->wake_timer);
	vcpu_op_kill_timers(v);
	vcpu_op_release(v);
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
	v->vcpu_info_mfn = INVALID_MFN;
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

/* Everything but the memory: what teardown frees once the p2m is empty. */
static void domain_free_structures(struct domain *d)
{
	gnttab_domain_free(d);
	ioreq_domain_free(d);
	vpci_domain_destroy(d);
	shared_info_domain_destroy(d);
	arch_domain_destroy_devices(d);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_free(d->vcpu[i]);
	sched_destroy_domain(d);
	arch_domain_destroy(d);
}

struct domain *domain_create(u16 domid, const char *name,
			     const struct domain_config *cfg)
{
	struct domain *d, *other;
	unsigned long f;

	if (!cfg->max_vcpus || cfg->max_vcpus > MAX_VIRT_CPUS ||
	    domid >= DOMID_FIRST_RESERVED)
		return NULL;
	if ((other = domain_by_id(domid))) {
		put_domain(other);
		return NULL;
	}
	d = xzalloc(struct domain);
	if (!d)
		return NULL;
	d->domain_id = domid;
	d->uid = __atomic_add_fetch(&domain_next_uid, 1, __ATOMIC_RELAXED);
	snprintf(d->name, sizeof(d->name), "%s", name);
	spin_lock_init(&d->lock);
	spin_lock_init(&d->p2m_lock);
	d->refcnt = 1;			/* the list's */
	d->shared_info_gfn = ~0ULL;
	d->is_privileged = cfg->privileged;
	d->kept_after_shutdown = cfg->from_toolstack;
	d->max_vcpus = cfg->max_vcpus;
	d->emulation_flags = cfg->emulation_flags;
	d->weight = 256;
	/* Xen's initial HAP pool (256 pages), what a new domain reports
	 * until the toolstack sets another size. */
	d->paging_mempool_bytes = 256 * PAGE_SIZE;
	if (arch_domain_create(d) || sched_init_domain(d))
		goto fail;
	for (unsigned int i = 0; i < cfg->max_vcpus; i++)
		if (!(d->vcpu[i] = vcpu_create(d, i)))
			goto fail;
	if (cfg->from_toolstack) {
		/* Xen: a new domain is paused by its controller until the
		 * toolstack's XEN_DOMCTL_unpausedomain. */
		d->controller_pause_count = d->pause_count = 1;
		for (unsigned int i = 0; i < cfg->max_vcpus; i++)
			d->vcpu[i]->pause_flags |= 1UL << VPF_paused;
	}
	if (shared_info_domain_init(d, cfg->max_evtchn_port) ||
	    gnttab_domain_init(d, cfg->max_grant_frames ?: GNTTAB_MAX_FRAMES))
		goto fail;
	f = spin_lock_irqsave(&domlist_lock);
	d->next_in_list = domain_list;
	domain_list = d;
	spin_unlock_irqrestore(&domlist_lock, f);
	return d;
fail:
	domain_free_structures(d);
	BUG_ON(d->nr_frames);
	xfree(d);
	return NULL;
}

int domain_populate_extent(struct domain *d, u64 gfn, unsigned int order)
{
	mfn_t mfn = frame_alloc(d, FRAME_RAM, order);
	int rc;

	if (mfn == INVALID_MFN)
		return -ENOMEM;
	rc = arch_domain_map_ram(d, gfn, mfn, order);
	if (rc)
		for (unsigned long i = 0; i < 1UL << order; i++)
			frame_put(mfn + i);
	return rc;
}

int domain_populate_range(struct domain *d, u64 gfn, u64 nr)
{
	u64 end = gfn + nr;
	int rc = 0;

	if (end < gfn || end > ARCH_MAX_GFN + 1)
		return -EINVAL;
	while (!rc && gfn < end) {
		/* 2 MiB where aligned and the allocator still has one. */
		if (!(gfn & 511) && end - gfn >= 512 &&
		    !domain_populate_extent(d, gfn, FRAME_ORDER_2M)) {
			gfn += 512;
			d->ram_bytes += 512 * PAGE_SIZE;
			continue;
		}
		rc = domain_populate_extent(d, gfn++, 0);
		if (!rc)
			d->ram_bytes += PAGE_SIZE;
	}
	d->max_pages = d->tot_pages;
	return rc;
}

int domain_populate_ram(struct domain *d, u64 bytes)
{
	if (bytes & ~PAGE_MASK)
		return -EINVAL;
	return domain_populate_range(d, d->ram_bytes >> PAGE_SHIFT,
				     bytes >> PAGE_SHIFT);
}

/* --- Running --- */

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
	struct domain *d = v->domain;
	unsigned long f = spin_lock_irqsave(&d->lock);

	/* From here the domain may run: a policy change waits or fails. */
	d->creation_finished = true;
	spin_unlock_irqrestore(&d->lock, f);
	arch_vcpu_set_state(v, state);
	v->is_initialised = true;
	vcpu_pause_flag_clear(v, VPF_down);
}

/* --- Death --- */

/* Every vCPU paused for death and off its pCPU. */
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

static void domain_unlist(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);
	struct domain **pp;

	for (pp = &domain_list; *pp && *pp != d; pp = &(*pp)->next_in_list)
		;
	if (*pp)
		*pp = d->next_in_list;
	spin_unlock_irqrestore(&domlist_lock, f);
}

/* Stage 1's mark: no vCPU of @d enters the guest again. */
static void domain_pause_for_death(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			vcpu_pause_flag_set(d->vcpu[i], VPF_dying);
}

/* Stage 2 up to the list's reference: let go of other domains, stop the
 * vCPUs' timers, leave the scheduler and the list. */
static void domain_let_go(struct domain *d)
{
	gnttab_release_mappings(d);
	/* Before the event channels close: the servers free their ports. */
	ioreq_domain_destroy(d);
	evtchn_domain_kill(d, d->evtchn);
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		kill_timer(&v->wake_timer);
		vcpu_op_kill_timers(v);
		sched_destroy_vcpu(v);
	}
	domain_unlist(d);
}

/* Xen's send_global_virq(VIRQ_DOM_EXC): tell the initial domain (its
 * xenstored and toolstack) that a domain shut down or died. */
static void domain_exception_to_dom0(void)
{
	struct domain *dom0 = domain_by_id(0);

	if (!dom0)
		return;
	evtchn_send_virq(dom0, 0, VIRQ_DOM_EXC);
	put_domain(dom0);
}

/* Stage 2. */
static void domain_relinquish(struct domain *d)
{
	domain_let_go(d);
	__atomic_store_n(&d->relinquished, true, __ATOMIC_RELEASE);
	put_domain(d);		/* the list's reference */
	domain_exception_to_dom0();
}

/* One frame reference of a drained p2m entry goes. */
static void teardown_put_frames(void *ctx, u64 gfn, const struct p2m_entry *e)
{
	if (!p2m_holds_frame(e->type))
		return;
	for (unsigned long i = 0; i < 1UL << e->order; i++)
		frame_put(e->mfn + i);
}

/* Stage 3, a bounded piece of it.  True once the domain is torn down. */
static bool domain_teardown_step(struct domain *d, unsigned long *budget)
{
	unsigned long tables = arch_domain_table_pages(d);
	unsigned long ram;

	/* Its devices stop reaching its frames before they go. */
	iommu_domain_teardown(d);
	if (arch_domain_drain_p2m(d, teardown_put_frames, NULL, budget))
		return false;
	ram = d->tot_pages;
	domain_free_structures(d);
	printk("d%u: destroyed: %lu p2m table pages returned, %lu of its "
	       "frames still mapped elsewhere (%lu RAM); %lu pages free\n",
	       d->domain_id, tables, d->nr_frames, ram,
	       page_alloc_free_pages());
	return true;
}

/* Stage 4: a torn-down domain whose frames are all back. */
static void domain_free_zombie(struct domain *d)
{
	printk("d%u: its last frame returned to the allocator; %lu pages "
	       "free\n", d->domain_id, page_alloc_free_pages());
	xfree(d);
}

/* A zombie whose frames are all back.  Pre: domlist_lock. */
static bool zombie_freed(const struct domain *d)
{
	return !__atomic_load_n(&d->nr_frames, __ATOMIC_ACQUIRE);
}

/* Unlink @d from a reaper queue.  Pre: domlist_lock. */
static void queue_remove(struct domain **list, struct domain *d)
{
	struct domain **pp;

	for (pp = list; *pp && *pp != d; pp = &(*pp)->next_dead)
		;
	BUG_ON(!*pp);
	*pp = d->next_dead;
}

/* Stage 2 for one dying listed domain whose vCPUs have left the CPUs. */
static bool reap_relinquish_one(void)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);
	struct domain *d;

	/* A toolstack's domain is relinquished by XEN_DOMCTL_destroydomain
	 * itself (domain_kill_step()). */
	for (d = domain_list; d; d = d->next_in_list)
		if (d->is_dying && !d->kept_after_shutdown && !d->torn_down &&
		    domain_off_cpus(d) && ref_get_live(&d->refcnt))
			break;
	spin_unlock_irqrestore(&domlist_lock, f);
	if (!d)
		return false;
	domain_relinquish(d);
	put_domain(d);		/* ours */
	return true;
}

/* Stage 3 on the first dead domain, within @budget. */
static void reap_teardown(unsigned long *budget)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);
	struct domain *d = dead_list;
	bool zombie;

	spin_unlock_irqrestore(&domlist_lock, f);
	if (!d || !domain_teardown_step(d, budget))
		return;
	f = spin_lock_irqsave(&domlist_lock);
	queue_remove(&dead_list, d);
	d->torn_down = true;
	zombie = !zombie_freed(d);
	if (zombie) {
		d->next_dead = zombie_list;
		zombie_list = d;
	}
	spin_unlock_irqrestore(&domlist_lock, f);
	if (!zombie)
		xfree(d);
}

static bool reaper_has_work(void)
{
	unsigned long f = spin_lock_irqsave(&domlist_lock);
	bool work = dead_list;

	for (struct domain *d = domain_list; !work && d; d = d->next_in_list)
		work = d->is_dying && !d->kept_after_shutdown;
	for (struct domain *d = zombie_list; !work && d; d = d->next_dead)
		work = zombie_freed(d);
	spin_unlock_irqrestore(&domlist_lock, f);
	return work;
}

static void reaper_fn(void *unused)
{
	unsigned long budget = TEARDOWN_BUDGET, f;
	struct domain *z;

	f = spin_lock_irqsave(&reaper_lock);
	reaper_due = 0;
	spin_unlock_irqrestore(&reaper_lock, f);
	while (reap_relinquish_one())
		;
	reap_teardown(&budget);
	do {
		f = spin_lock_irqsave(&domlist_lock);
		for (z = zombie_list; z && !zombie_freed(z); z = z->next_dead)
			;
		if (z)
			queue_remove(&zombie_list, z);
		spin_unlock_irqrestore(&domlist_lock, f);
		if (z)
			domain_free_zombie(z);
	} while (z);
	/* More to do: at once if the budget ran out (other softirqs and
	 * vCPUs had their turn in between), else poll for vCPUs leaving. */
	if (reaper_has_work())
		reaper_arm(budget ? REAPER_PERIOD : 0);
}

/*
 * Run the reaper within @delay.  An earlier deadline always wins: a last
 * reference dropped while the reaper polls for vCPUs leaving (armed
 * REAPER_PERIOD ahead) must not wait out that period.
 */
static void reaper_arm(s_time_t delay)
{
	s_time_t due = NOW() + delay;
	unsigned long f = spin_lock_irqsave(&reaper_lock);

	if (!reaper_due || due < reaper_due) {
		reaper_due = due;
		set_timer(&reaper_timer, due);
	}
	spin_unlock_irqrestore(&reaper_lock, f);
}

void domain_destroy(struct domain *d)
{
	unsigned long budget = ~0UL;

	d->is_dying = true;
	domain_pause_for_death(d);
	domain_let_go(d);
	/* Someone else found it: its holder's put_domain() queues it. */
	if (!ref_put(&d->refcnt))
		return;
	domain_teardown_step(d, &budget);
	BUG_ON(d->nr_frames);
	xfree(d);
}

/* Stop every vCPU and hand the domain to the reaper. */
static void domain_kill(struct domain *d)
{
	domain_pause_for_death(d);
	reaper_arm(REAPER_PERIOD);
}

int domain_kill_step(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool first = !d->is_dying, mine;

	d->is_dying = true;
	spin_unlock_irqrestore(&d->lock, f);
	if (first) {
		printk("d%u: destroyed by the toolstack\n", d->domain_id);
		domain_pause_for_death(d);
	}
	if (!domain_off_cpus(d))
		return -ERESTART;
	/* Stage 2 here rather than in the reaper, so the domain is still
	 * listed (and the continued call finds it) until it is done. */
	mine = !__atomic_exchange_n(&d->relinquish_claimed, true,
				    __ATOMIC_ACQ_REL);
	if (mine)
		domain_relinquish(d);
	return __atomic_load_n(&d->relinquished, __ATOMIC_ACQUIRE) ?
	       0 : -ERESTART;
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
	bool kept = d->kept_after_shutdown && !d->is_privileged;

	if (first) {
		d->is_shutdown = true;
		d->shutdown_code = reason;
	}
	if (!kept)
		d->is_dying = true;
	spin_unlock_irqrestore(&d->lock, f);
	if (!first)
		return;
	printk("d%u: shut down (%s)\n", d->domain_id, shutdown_name(reason));
	if (kept) {
		/* Xen: paused and reported; the toolstack decides (on_poweroff,
		 * on_crash...) and destroys it or lets it be. */
		for (unsigned int i = 0; i < d->max_vcpus; i++)
			if (d->vcpu[i])
				vcpu_pause_flag_set(d->vcpu[i], VPF_shutdown);
		domain_exception_to_dom0();
		return;
	}
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

static void print_runstate(struct domain *d, void *now_p)
{
	s_time_t now = *(s_time_t *)now_p, t[4] = { 0 };

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		for (int s = 0; s < 4; s++)
			t[s] += v->runstate_time[s];
		t[v->runstate] += now - v->runstate_entry;
	}
	printk("domain d%u (%s): running %lu ms, runnable %lu ms, "
	       "blocked %lu ms, offline %lu ms, %lu bad requests, "
	       "%lu continuations\n", d->domain_id, d->name,
	       (unsigned long)(t[RUNSTATE_running] / 1000000),
	       (unsigned long)(t[RUNSTATE_runnable] / 1000000),
	       (unsigned long)(t[RUNSTATE_blocked] / 1000000),
	       (unsigned long)(t[RUNSTATE_offline] / 1000000),
	       d->nr_bad_requests, d->nr_continuations);
}

void domain_print_runstates(void)
{
	s_time_t now = NOW();

	domain_for_each(print_runstate, &now);
}
