/*
 * The credit scheduler, after Xen's credit1 (in spirit, not code).
 *
 * Design note.
 *
 * Priorities.  Each pCPU has a runqueue of the runnable vCPUs placed on it
 * that are not running, ordered BOOST, UNDER, OVER, within a priority by
 * credit (most first: keeps shares exact when everyone is OVER), then
 * first come first served.  UNDER means credit >= 0, OVER credit < 0;
 * BOOST is UNDER just woken from blocking, so an I/O-bound vCPU preempts
 * CPU-bound ones once (it drops to UNDER/OVER when next charged).  A vCPU
 * runs for a slice (CSCHED_TSLICE) unless something of higher priority
 * arrives; it is then queued behind the others of its priority, which is
 * also all that SCHEDOP_yield does, sooner.
 *
 * Credit is CPU time in ns.  A running vCPU is charged what it ran at
 * every decision on its pCPU.  Every accounting period (CSCHED_ACCT_PERIOD)
 * the time charged on each pCPU is handed back to the vCPUs active there
 * (runnable there, or ran there in the period) in proportion to their
 * domain's weight.  So the credit on a pCPU is conserved and a vCPU's share
 * of a contended pCPU converges to its weight's share, also when vCPUs are
 * pinned or other pCPUs idle; handing out the whole machine's capacity, as
 * credit1 does, gives credit that nobody can burn and flattens the ratio.
 * Credit stays within [CSCHED_CREDIT_MIN, CSCHED_CREDIT_MAX]; what a vCPU
 * cannot take without passing the maximum goes to the others, so a mostly
 * blocked vCPU neither hoards credit nor takes it from busy ones.  As in
 * credit1 the weight counts per vCPU: a domain's share grows with its
 * number of active vCPUs.  Blocked vCPUs that did not run are not active.
 *
 * Caps.  A capped domain may run cap% of one pCPU per period, summed over
 * its vCPUs.  Slices never outlast the budget left; once it is spent the
 * domain is parked: its vCPUs stay queued but are skipped (and stopped
 * at once on other pCPUs) until the period that refills the budget.
 * Overshoot (several vCPUs running at once) is carried into the next
 * period, so the long-run share holds.
 *
 * Balancing.  A pCPU's load is the summed weight of its runnable vCPUs
 * (running or queued, not parked).  Around each decision a pCPU pushes
 * queued vCPUs to the least loaded pCPU they may run on when that narrows
 * the gap (difference > the vCPU's weight), and vCPUs no longer allowed
 * here (hard affinity) to where they are.  An idle pCPU asks (tickles) the
 * pCPUs that have work for it.  A woken vCPU is queued where it last ran;
 * that pCPU is tickled if it idles, if the vCPU outranks what it runs, or
 * if another allowed pCPU idles (it then pushes the vCPU there).  Only the
 * owner moves a vCPU: see the migration rule in sched-if.h.
 *
 * Locking: one private lock, csched.lock, covers everything here; it is
 * taken inside the generic layer's pCPU lock.  Work under it is O(vCPUs)
 * once per period and O(runqueue * pCPUs) per decision, fine at our scale.
 *
 * The file touches no hardware: host unit tests link it alone and provide
 * sched_tickle() and sched_migrate().
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include <asm/percpu.h>

#define CSCHED_TSLICE MILLISECS(10)
#define CSCHED_ACCT_PERIOD MILLISECS(30)
/*
 * A heavy vCPU may be owed nearly a whole period, and runs while its
 * credit is >= 0: a bound below a period would cap its share (1:3 came out
 * 1:2 with one slice).  The debt bound only stops an old debt from
 * keeping a vCPU OVER long after the load changed.
 */
#define CSCHED_CREDIT_MAX CSCHED_ACCT_PERIOD
#define CSCHED_CREDIT_MIN (-2 * CSCHED_ACCT_PERIOD)

enum { CSCHED_PRI_OVER, CSCHED_PRI_UNDER, CSCHED_PRI_BOOST };

struct csched_list {
	struct csched_list *next, *prev;
};

/* Per vCPU; every field under csched.lock. */
struct csched_vcpu {
	struct vcpu *vcpu;
	struct csched_dom *sdom;
	struct csched_list runq_elem;	/* on a runqueue, else empty */
	struct csched_list all_elem;	/* csched.vcpus, once inserted */
	s64 credit;			/* ns */
	int pri;			/* CSCHED_PRI_* */
	bool yield;			/* requeue at the next decision */
	bool acct_full;			/* scratch of csched_share() */
	struct csched_vcpu *acct_next;	/* scratch of csched_acct_credits() */
	s_time_t start;			/* last charged (while running) */
	s_time_t slice_end;		/* while running */
	s_time_t used;			/* run in this period */
};

/* Per domain; under csched.lock. */
struct csched_dom {
	struct domain *dom;		/* weight, cap: under csched.lock */
	struct csched_list elem;	/* csched.doms while it has vCPUs */
	unsigned int nr_vcpus;
	s_time_t cap_used;		/* run in this period, against the cap */
	bool parked;			/* cap reached: vCPUs are skipped */
	bool unparked;			/* scratch: csched_tickle_unparked() */
};

/* Per pCPU; under csched.lock. */
struct csched_pcpu {
	struct csched_list runq;
	struct csched_vcpu *curr;	/* NULL: idle */
	s_time_t used;			/* charged here in this period */
	struct csched_vcpu *acct_list;	/* scratch of csched_acct_credits() */
};

static struct {
	spinlock_t lock;
	u64 online;			/* pCPUs taking vCPUs */
	s_time_t tslice;		/* CSCHED_TSLICE unless the toolstack set it */
	s_time_t next_acct;		/* end of the current period */
	struct csched_list vcpus, doms;
	struct csched_pcpu pcpu[NR_CPUS];
} csched;

#define RUNQ_ELEM(l) container_of(l, struct csched_vcpu, runq_elem)
#define ALL_ELEM(l) container_of(l, struct csched_vcpu, all_elem)
#define DOM_ELEM(l) container_of(l, struct csched_dom, elem)
#define list_for(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

static void csched_list_init(struct csched_list *l)
{
	l->next = l->prev = l;
}

static bool csched_list_empty(const struct csched_list *l)
{
	return l->next == l;
}

/* Link @n in front of @pos (at the tail when @pos is the head). */
static void csched_list_add_before(struct csched_list *n,
				   struct csched_list *pos)
{
	n->next = pos;
	n->prev = pos->prev;
	pos->prev->next = n;
	pos->prev = n;
}

static void csched_list_del(struct csched_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	csched_list_init(n);
}

static struct csched_vcpu *CSV(const struct vcpu *v)
{
	return v->sched_priv;
}

static u64 csched_weight(const struct csched_vcpu *svc)
{
	return svc->sdom->dom->weight;
}

static s_time_t csched_budget(const struct csched_dom *sdom)
{
	return (s_time_t)sdom->dom->cap * CSCHED_ACCT_PERIOD / 100;
}

static bool csched_online(unsigned int cpu)
{
	return cpu < NR_CPUS && (csched.online >> cpu) & 1;
}

/* May @svc run on @cpu now? */
static bool csched_eligible(const struct csched_vcpu *svc, unsigned int cpu)
{
	return !svc->sdom->parked && vcpu_allowed_on(svc->vcpu, cpu);
}

static void csched_set_pri(struct csched_vcpu *svc)
{
	svc->pri = svc->credit >= 0 ? CSCHED_PRI_UNDER : CSCHED_PRI_OVER;
}

/*
 * Queue @svc on @cpu: by priority, then by credit (most first), then first
 * come first served; a yielding vCPU goes behind all of its priority.
 */
static void runq_insert(unsigned int cpu, struct csched_vcpu *svc)
{
	struct csched_list *head = &csched.pcpu[cpu].runq, *pos;

	BUG_ON(svc->vcpu->processor != cpu);
	BUG_ON(!csched_list_empty(&svc->runq_elem));
	list_for(pos, head) {
		const struct csched_vcpu *o = RUNQ_ELEM(pos);

		if (o->pri < svc->pri || (o->pri == svc->pri && !svc->yield &&
					  o->credit < svc->credit))
			break;
	}
	csched_list_add_before(&svc->runq_elem, pos);
}

/* Restore the order after priorities changed (stable within one). */
static void runq_sort(unsigned int cpu)
{
	struct csched_list *head = &csched.pcpu[cpu].runq, tmp;

	if (csched_list_empty(head))
		return;
	tmp = *head;
	tmp.next->prev = tmp.prev->next = &tmp;
	csched_list_init(head);
	while (!csched_list_empty(&tmp)) {
		struct csched_vcpu *svc = RUNQ_ELEM(tmp.next);

		csched_list_del(&svc->runq_elem);
		runq_insert(cpu, svc);
	}
}

static struct csched_vcpu *runq_first_eligible(unsigned int cpu)
{
	struct csched_list *pos;

	list_for(pos, &csched.pcpu[cpu].runq)
		if (csched_eligible(RUNQ_ELEM(pos), cpu))
			return RUNQ_ELEM(pos);
	return NULL;
}

/* Summed weight of @cpu's runnable vCPUs (running or queued). */
static u64 csched_load(unsigned int cpu)
{
	const struct csched_pcpu *pc = &csched.pcpu[cpu];
	const struct csched_vcpu *curr = pc->curr;
	struct csched_list *pos;
	u64 load = 0;

	/* The current vCPU may be on its way out (blocked, parked). */
	if (curr && vcpu_runnable(curr->vcpu) && !curr->sdom->parked)
		load = csched_weight(curr);

	list_for(pos, &pc->runq)
		if (!RUNQ_ELEM(pos)->sdom->parked)
			load += csched_weight(RUNQ_ELEM(pos));
	return load;
}

static bool csched_cpu_idle(unsigned int cpu)
{
	return !csched.pcpu[cpu].curr && !runq_first_eligible(cpu);
}

/* Is some other pCPU that @svc may run on idle? */
static bool csched_idle_peer(const struct csched_vcpu *svc, unsigned int cpu)
{
	for (unsigned int p = 0; p < NR_CPUS; p++)
		if (p != cpu && csched_online(p) &&
		    vcpu_allowed_on(svc->vcpu, p) && csched_cpu_idle(p))
			return true;
	return false;
}

/*
 * Queue runnable @svc on its pCPU and get it looked at: that pCPU decides
 * again if it is idle, if @svc outranks what it runs, or if @svc should be
 * pushed elsewhere (not allowed there, or another pCPU is idle).
 */
static void csched_enqueue(struct csched_vcpu *svc)
{
	unsigned int cpu = svc->vcpu->processor;
	const struct csched_vcpu *curr = csched.pcpu[cpu].curr;

	runq_insert(cpu, svc);
	if (svc->sdom->parked)
		return;
	if (!curr || !vcpu_allowed_on(svc->vcpu, cpu) || svc->pri > curr->pri ||
	    csched_idle_peer(svc, cpu))
		sched_tickle(cpu);
}

/* Charge running @svc on @cpu up to @now; park its domain at its cap. */
static void csched_burn(unsigned int cpu, struct csched_vcpu *svc,
			s_time_t now)
{
	struct csched_dom *sdom = svc->sdom;
	s_time_t delta = now - svc->start;

	if (delta > 0) {
		svc->start = now;
		svc->credit -= delta;
		svc->used += delta;
		csched.pcpu[cpu].used += delta;
		sdom->cap_used += delta;
	}
	if (sdom->dom->cap && sdom->cap_used >= csched_budget(sdom) &&
	    !sdom->parked) {
		sdom->parked = true;
		/* Its other vCPUs running elsewhere must stop now, too. */
		for (unsigned int p = 0; p < NR_CPUS; p++)
			if (p != cpu && csched.pcpu[p].curr &&
			    csched.pcpu[p].curr->sdom == sdom)
				sched_tickle(p);
	}
	csched_set_pri(svc);
}

/* Get the pCPUs holding queued vCPUs of just unparked domains to look. */
static void csched_tickle_unparked(void)
{
	struct csched_list *pos;

	list_for(pos, &csched.vcpus) {
		struct csched_vcpu *svc = ALL_ELEM(pos);

		if (svc->sdom->unparked && !csched_list_empty(&svc->runq_elem))
			sched_tickle(svc->vcpu->processor);
	}
	list_for(pos, &csched.doms)
		DOM_ELEM(pos)->unparked = false;
}

/* Refill cap budgets; wake the pCPUs holding vCPUs of unparked domains. */
static void csched_acct_caps(void)
{
	struct csched_list *pos;

	list_for(pos, &csched.doms) {
		struct csched_dom *sdom = DOM_ELEM(pos);
		s_time_t budget = csched_budget(sdom);
		bool was = sdom->parked;

		sdom->cap_used = budget ? MAX(sdom->cap_used - budget, 0) : 0;
		sdom->parked = budget && sdom->cap_used >= budget;
		sdom->unparked = was && !sdom->parked;
	}
	csched_tickle_unparked();
}

/*
 * Hand @amount of credit to the vCPUs on @list by weight, filling up: a
 * vCPU that would pass CSCHED_CREDIT_MAX gets what fits and the rest is
 * shared among the others, so nothing is lost while anyone has room.
 */
static void csched_share(struct csched_vcpu *list, s_time_t amount)
{
	struct csched_vcpu *svc;
	bool clipped = true;

	for (svc = list; svc; svc = svc->acct_next)
		svc->acct_full = false;
	while (amount > 0 && clipped) {
		u64 weight = 0;
		s_time_t given = 0;

		for (svc = list; svc; svc = svc->acct_next)
			weight += svc->acct_full ? 0 : csched_weight(svc);
		if (!weight)
			break;
		clipped = false;
		for (svc = list; svc; svc = svc->acct_next) {
			s_time_t share, room = CSCHED_CREDIT_MAX - svc->credit;

			if (svc->acct_full)
				continue;
			share = (s_time_t)((u64)amount * csched_weight(svc) /
					   weight);
			if (share >= room) {
				share = MAX(room, 0);
				svc->acct_full = clipped = true;
			}
			svc->credit += share;
			given += share;
		}
		amount -= given;
	}
	for (svc = list; svc; svc = svc->acct_next) {
		svc->credit = MAX(svc->credit, CSCHED_CREDIT_MIN);
		if (svc->pri != CSCHED_PRI_BOOST)
			csched_set_pri(svc);
	}
}

/* Active on its pCPU in this period: queued, running, or ran. */
static bool csched_active(const struct csched_vcpu *svc)
{
	return svc->used > 0 || !csched_list_empty(&svc->runq_elem) ||
	       csched.pcpu[svc->vcpu->processor].curr == svc;
}

static void csched_acct_credits(void)
{
	struct csched_list *pos;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		csched.pcpu[cpu].acct_list = NULL;
	list_for(pos, &csched.vcpus) {
		struct csched_vcpu *svc = ALL_ELEM(pos);
		struct csched_pcpu *pc = &csched.pcpu[svc->vcpu->processor];

		if (!csched_active(svc))
			continue;
		svc->acct_next = pc->acct_list;
		pc->acct_list = svc;
	}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct csched_pcpu *pc = &csched.pcpu[cpu];

		if (pc->acct_list)
			csched_share(pc->acct_list, pc->used);
		pc->used = 0;
		runq_sort(cpu);
	}
	list_for(pos, &csched.vcpus)
		ALL_ELEM(pos)->used = 0;
}

/* A period ended: keep the cadence unless we fell a whole period behind. */
static void csched_acct(s_time_t now)
{
	csched.next_acct += CSCHED_ACCT_PERIOD;
	if (csched.next_acct <= now)
		csched.next_acct = now + CSCHED_ACCT_PERIOD;
	csched_acct_caps();
	csched_acct_credits();
}

/*
 * Where should queued @svc go from @cpu?  The least loaded other pCPU it
 * may run on, if it must leave or if moving it narrows the gap; else -1.
 */
static int csched_push_target(const struct csched_vcpu *svc, unsigned int cpu,
			      const u64 *load)
{
	int best = -1;

	for (unsigned int p = 0; p < NR_CPUS; p++)
		if (p != cpu && csched_online(p) &&
		    vcpu_allowed_on(svc->vcpu, p) &&
		    (best < 0 || load[p] < load[best]))
			best = p;
	if (best < 0 || !vcpu_allowed_on(svc->vcpu, cpu))
		return best;
	return load[cpu] > load[best] + csched_weight(svc) ? best : -1;
}

/* Push queued vCPUs from @cpu (the pCPU we run on) to where they fit. */
static void csched_balance(unsigned int cpu)
{
	struct csched_list *head = &csched.pcpu[cpu].runq, *pos, *next;
	u64 load[NR_CPUS];

	if (csched_list_empty(head))
		return;
	for (unsigned int p = 0; p < NR_CPUS; p++)
		load[p] = csched_online(p) ? csched_load(p) : 0;
	for (pos = head->next; pos != head; pos = next) {
		struct csched_vcpu *svc = RUNQ_ELEM(pos);
		int to;

		next = pos->next;
		if (svc->sdom->parked ||
		    (to = csched_push_target(svc, cpu, load)) < 0)
			continue;
		csched_list_del(pos);
		load[cpu] -= csched_weight(svc);
		load[to] += csched_weight(svc);
		sched_migrate(svc->vcpu, to);
		runq_insert(to, svc);
		sched_tickle(to);
	}
}

/* Does @p have a queued vCPU it would push to idle @cpu? */
static bool csched_has_work_for(unsigned int p, unsigned int cpu)
{
	u64 load = csched_load(p);
	struct csched_list *pos;

	list_for(pos, &csched.pcpu[p].runq)
		if (csched_eligible(RUNQ_ELEM(pos), cpu) &&
		    load > csched_weight(RUNQ_ELEM(pos)))
			return true;
	return false;
}

/*
 * Idle @cpu: ask the pCPUs that could push work here to do so.  All of
 * them, since what one has may be gone (run, parked) when it looks.
 */
static void csched_ask_for_work(unsigned int cpu)
{
	for (unsigned int p = 0; p < NR_CPUS; p++)
		if (p != cpu && csched_online(p) && csched_has_work_for(p, cpu))
			sched_tickle(p);
}

/* Should @cpu go on running @svc (charged up to @now)? */
static bool csched_keep(unsigned int cpu, const struct csched_vcpu *svc,
			s_time_t now)
{
	const struct csched_vcpu *best;

	if (!vcpu_runnable(svc->vcpu) || svc->yield ||
	    !csched_eligible(svc, cpu) || now >= svc->slice_end)
		return false;
	best = runq_first_eligible(cpu);
	return !best || best->pri <= svc->pri;
}

/* How long @cpu may run @next before deciding again. */
static s_time_t csched_slice(const struct csched_vcpu *next, s_time_t now)
{
	s_time_t slice = next->slice_end - now;

	if (next->sdom->dom->cap)
		slice = MIN(slice, csched_budget(next->sdom) -
				   next->sdom->cap_used);
	/* End at the period so accounting (and unparking) is on time. */
	return MAX(MIN(slice, csched.next_acct - now), 0);
}

/* @cpu stops running @prev (charged; may be NULL): requeue it, pick. */
static struct csched_vcpu *csched_pick(unsigned int cpu,
				       struct csched_vcpu *prev, s_time_t now)
{
	struct csched_vcpu *next;

	if (prev) {
		if (vcpu_runnable(prev->vcpu))
			runq_insert(cpu, prev);
		prev->yield = false;
	}
	next = runq_first_eligible(cpu);
	if (next) {
		csched_list_del(&next->runq_elem);
		next->start = now;
		next->slice_end = now + csched.tslice;
	}
	return next;
}

static struct sched_decision csched_schedule(unsigned int cpu, s_time_t now)
{
	struct csched_pcpu *pc = &csched.pcpu[cpu];
	struct csched_vcpu *prev = pc->curr, *next = prev;
	struct sched_decision dec = { NULL, -1 };

	spin_lock(&csched.lock);
	if (prev)
		csched_burn(cpu, prev, now);
	if (now >= csched.next_acct)
		csched_acct(now);
	/* Spread the queue first: a waiting vCPU that can run elsewhere at
	 * once should not preempt the one running here. */
	csched_balance(cpu);
	if (!prev || !csched_keep(cpu, prev, now)) {
		pc->curr = next = csched_pick(cpu, prev, now);
		/* The requeued prev may now fit better elsewhere. */
		csched_balance(cpu);
	}
	if (next) {
		dec.next = next->vcpu;
		dec.slice = csched_slice(next, now);
	} else {
		/* Parked vCPUs left here wait for the next period. */
		if (!csched_list_empty(&pc->runq))
			dec.slice = MAX(csched.next_acct - now, 0);
		csched_ask_for_work(cpu);
	}
	spin_unlock(&csched.lock);
	return dec;
}

static void csched_vcpu_wake(struct vcpu *v)
{
	struct csched_vcpu *svc = CSV(v);

	spin_lock(&csched.lock);
	/* Still current (blocked and woken before it was switched out)? */
	if (csched.pcpu[v->processor].curr != svc &&
	    csched_list_empty(&svc->runq_elem)) {
		if (svc->pri == CSCHED_PRI_UNDER)
			svc->pri = CSCHED_PRI_BOOST;
		csched_enqueue(svc);
	}
	spin_unlock(&csched.lock);
}

static void csched_vcpu_sleep(struct vcpu *v)
{
	struct csched_vcpu *svc = CSV(v);

	spin_lock(&csched.lock);
	if (!csched_list_empty(&svc->runq_elem))
		csched_list_del(&svc->runq_elem);
	spin_unlock(&csched.lock);
}

static void csched_vcpu_yield(struct vcpu *v)
{
	spin_lock(&csched.lock);
	CSV(v)->yield = true;
	spin_unlock(&csched.lock);
}

static void csched_insert_vcpu(struct vcpu *v)
{
	struct csched_vcpu *svc = CSV(v);

	spin_lock(&csched.lock);
	csched_list_add_before(&svc->all_elem, &csched.vcpus);
	if (svc->sdom->nr_vcpus++ == 0)
		csched_list_add_before(&svc->sdom->elem, &csched.doms);
	csched_set_pri(svc);
	if (vcpu_runnable(v))
		csched_enqueue(svc);
	spin_unlock(&csched.lock);
}

static void csched_remove_vcpu(struct vcpu *v)
{
	struct csched_vcpu *svc = CSV(v);

	spin_lock(&csched.lock);
	BUG_ON(csched.pcpu[v->processor].curr == svc);
	if (!csched_list_empty(&svc->runq_elem))
		csched_list_del(&svc->runq_elem);
	csched_list_del(&svc->all_elem);
	if (--svc->sdom->nr_vcpus == 0)
		csched_list_del(&svc->sdom->elem);
	spin_unlock(&csched.lock);
}

static int csched_alloc_vdata(struct vcpu *v)
{
	struct csched_vcpu *svc = xzalloc(struct csched_vcpu);

	if (!svc)
		return -ENOMEM;
	svc->vcpu = v;
	svc->sdom = v->domain->sched_priv;
	csched_list_init(&svc->runq_elem);
	csched_list_init(&svc->all_elem);
	v->sched_priv = svc;
	return 0;
}

static void csched_free_vdata(struct vcpu *v)
{
	xfree(v->sched_priv);
	v->sched_priv = NULL;
}

static int csched_alloc_domdata(struct domain *d)
{
	struct csched_dom *sdom = xzalloc(struct csched_dom);

	if (!sdom)
		return -ENOMEM;
	sdom->dom = d;
	csched_list_init(&sdom->elem);
	d->sched_priv = sdom;
	return 0;
}

static void csched_free_domdata(struct domain *d)
{
	struct csched_dom *sdom = d->sched_priv;

	BUG_ON(sdom && sdom->nr_vcpus);
	xfree(sdom);
	d->sched_priv = NULL;
}

static void csched_adjust(struct domain *d, unsigned int weight,
			  unsigned int cap)
{
	struct csched_dom *sdom = d->sched_priv;
	bool was;

	spin_lock(&csched.lock);
	d->weight = weight;
	d->cap = cap;
	was = sdom->parked;
	sdom->parked = cap && sdom->cap_used >= csched_budget(sdom);
	sdom->unparked = was && !sdom->parked;
	csched_tickle_unparked();
	sdom->unparked = false;		/* if it has no vCPUs (not listed) */
	spin_unlock(&csched.lock);
}

/* Xen's XEN_SYSCTL_SCHEDOP_putinfo/getinfo tslice_ms; a new slice
 * applies from each pCPU's next decision. */
static unsigned int csched_tslice_ms(unsigned int set)
{
	unsigned int ms;

	spin_lock(&csched.lock);
	if (set)
		csched.tslice = MILLISECS(set);
	ms = csched.tslice / MILLISECS(1);
	spin_unlock(&csched.lock);
	return ms;
}

/* The least loaded pCPU @v may run on; v->processor wins ties. */
static unsigned int csched_pick_cpu(const struct vcpu *v)
{
	unsigned int best = v->processor;
	u64 best_load = ~0ULL;

	spin_lock(&csched.lock);
	if (csched_online(best) && vcpu_allowed_on(v, best))
		best_load = csched_load(best);
	for (unsigned int p = 0; p < NR_CPUS; p++) {
		u64 load;

		if (!csched_online(p) || !vcpu_allowed_on(v, p))
			continue;
		load = csched_load(p);
		if (load < best_load) {
			best = p;
			best_load = load;
		}
	}
	spin_unlock(&csched.lock);
	/* Nothing online that it may use yet (boot): keep the hint if it
	 * may, else the first pCPU it may use. */
	if (best_load == ~0ULL && !vcpu_allowed_on(v, best))
		best = v->hard_affinity ? __builtin_ctzll(v->hard_affinity) : 0;
	return MIN(best, NR_CPUS - 1);
}

static void csched_init_pcpu(unsigned int cpu)
{
	spin_lock(&csched.lock);
	csched.online |= 1ULL << cpu;
	spin_unlock(&csched.lock);
}

static int csched_init(void)
{
	memset(&csched, 0, sizeof(csched));
	spin_lock_init(&csched.lock);
	csched.tslice = CSCHED_TSLICE;
	csched_list_init(&csched.vcpus);
	csched_list_init(&csched.doms);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		csched_list_init(&csched.pcpu[cpu].runq);
	return 0;
}

const struct scheduler sched_credit_def = {
	.name = "credit",
	.desc = "credit: weights, caps, pinning, load balancing",
	.init = csched_init,
	.init_pcpu = csched_init_pcpu,
	.alloc_domdata = csched_alloc_domdata,
	.free_domdata = csched_free_domdata,
	.alloc_vdata = csched_alloc_vdata,
	.free_vdata = csched_free_vdata,
	.insert_vcpu = csched_insert_vcpu,
	.remove_vcpu = csched_remove_vcpu,
	.wake = csched_vcpu_wake,
	.sleep = csched_vcpu_sleep,
	.yield = csched_vcpu_yield,
	.do_schedule = csched_schedule,
	.pick_cpu = csched_pick_cpu,
	.adjust = csched_adjust,
	.tslice_ms = csched_tslice_ms,
};
