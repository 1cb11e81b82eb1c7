/*
 * Generic scheduling: per-pCPU scheduler locks and current vCPU, the
 * SCHEDULE_SOFTIRQ handler, the slice timers, runstates, pause flags, and
 * the loop every pCPU runs.  The policy (struct scheduler, sched-if.h)
 * decides; this file switches.
 *
 * Design note.
 *
 * There are no per-vCPU hypervisor stacks: guest state lives in memory
 * (VMCB/VMCS and struct hvm_regs), so a context switch is only a change of
 * the vCPU that sched_run_cpu() hands to hvm_vcpu_run_once() next.  The
 * decision is made in the SCHEDULE_SOFTIRQ handler, raised by the slice
 * timer, by a pause flag being set on the running vCPU, by yield, and by
 * sched_tickle() (a remote one is an IPI, which also forces a VM exit).
 * hvm_vcpu_run_once() does not enter the guest while a softirq is pending,
 * so the loop always decides before it enters again.
 *
 * Runstates follow from the fields they summarise: running while
 * is_running, else runnable with no pause flag, blocked with VPF_blocked
 * alone, offline otherwise.  runstate_update() is called after every
 * change of either, under the vCPU's scheduler lock.
 */
#include <xen/arch_vcpu.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct sched_pcpu {
	spinlock_t lock;		/* the scheduler lock of this pCPU */
	struct vcpu *curr;		/* lock; NULL = idle */
	bool active;			/* lock; in sched_run_cpu() */
	struct timer slice_timer;	/* raises SCHEDULE_SOFTIRQ here */
};

static struct sched_pcpu sched_pcpu[NR_CPUS];
static const struct scheduler *sched_ops;
static bool sched_ready;		/* sched_ops chosen and set up */

static const struct scheduler *const schedulers[] = { &sched_credit_def };

unsigned long sched_lock_cpu(unsigned int cpu)
{
	return spin_lock_irqsave(&sched_pcpu[cpu].lock);
}

void sched_unlock_cpu(unsigned int cpu, unsigned long flags)
{
	spin_unlock_irqrestore(&sched_pcpu[cpu].lock, flags);
}

unsigned long sched_lock_vcpu(const struct vcpu *v, unsigned int *cpu)
{
	for (;;) {
		unsigned int c = READ_ONCE(v->processor);
		unsigned long flags = sched_lock_cpu(c);

		/* It may have been pushed elsewhere while we waited. */
		if (c == READ_ONCE(v->processor)) {
			*cpu = c;
			return flags;
		}
		sched_unlock_cpu(c, flags);
	}
}

static int runstate_of(const struct vcpu *v)
{
	if (v->is_running)
		return RUNSTATE_running;
	if (!v->pause_flags)
		return RUNSTATE_runnable;
	if (v->pause_flags == 1UL << VPF_blocked)
		return RUNSTATE_blocked;
	return RUNSTATE_offline;
}

/* Pre: lock of v->processor held. */
static void runstate_update(struct vcpu *v, s_time_t now)
{
	int state = runstate_of(v);

	if (state == v->runstate)
		return;
	if (now > v->runstate_entry)
		v->runstate_time[v->runstate] += now - v->runstate_entry;
	v->runstate = state;
	v->runstate_entry = now;
	/* The guest's runstate area is rewritten before it next enters. */
	vcpu_work_set(v, VCPU_WORK_RUNSTATE);
}

void sched_tickle(unsigned int cpu)
{
	/* A pCPU not in the loop yet decides when it enters it. */
	if (cpu < NR_CPUS && READ_ONCE(sched_pcpu[cpu].active))
		cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

void sched_migrate(struct vcpu *v, unsigned int new_cpu)
{
	struct sched_pcpu *sp = &sched_pcpu[smp_processor_id()];

	BUG_ON(v->processor != smp_processor_id());
	BUG_ON(!spin_is_locked(&sp->lock) || new_cpu >= NR_CPUS);
	/* Only the choice being replaced (we are in schedule(), not in the
	 * guest) may be running; its switch-out is ours to finish. */
	BUG_ON(v->is_running && v != sp->curr);
	WRITE_ONCE(v->is_running, false);
	arch_vcpu_migrate(v, new_cpu);
	vcpu_migrate_timers(v, new_cpu);
	runstate_update(v, NOW());
	/* Last: from here on new_cpu's lock is v's lock. */
	WRITE_ONCE(v->processor, new_cpu);
}

/* SCHEDULE_SOFTIRQ: let the policy choose and switch to its choice. */
static void schedule(void)
{
	unsigned int cpu = smp_processor_id();
	struct sched_pcpu *sp = &sched_pcpu[cpu];
	struct sched_decision dec;
	struct vcpu *prev, *next;
	unsigned long flags;
	s_time_t now;

	flags = sched_lock_cpu(cpu);
	if (!sp->active) {
		sched_unlock_cpu(cpu, flags);
		return;
	}
	now = NOW();
	prev = sp->curr;
	dec = sched_ops->do_schedule(cpu, now);
	next = dec.next;
	BUG_ON(next && (next->processor != cpu || !vcpu_runnable(next) ||
			!vcpu_allowed_on(next, cpu) ||
			(next != prev && next->is_running)));
	/* A prev pushed away was switched out by sched_migrate(). */
	if (prev && prev != next && prev->processor == cpu) {
		WRITE_ONCE(prev->is_running, false);
		runstate_update(prev, now);
	}
	if (next && next != prev) {
		WRITE_ONCE(next->is_running, true);
		runstate_update(next, now);
		/* Xen rewrites a vCPU's pvclock at every switch to it, and
		 * guests count on that after they scribbled on the area:
		 * hvmloader zeroes vcpu_info before it starts OVMF, which
		 * reads the TSC scale from it a few device-model round trips
		 * later (xen/common/shared_info.c). */
		vcpu_work_set(next, VCPU_WORK_TIME);
	}
	WRITE_ONCE(sp->curr, next);
	sched_unlock_cpu(cpu, flags);
	if (dec.slice >= 0)
		set_timer(&sp->slice_timer, now + dec.slice);
	else
		stop_timer(&sp->slice_timer);
}

static void sched_slice_timer_fn(void *unused)
{
	raise_softirq(SCHEDULE_SOFTIRQ);
}

struct vcpu *current_vcpu(void)
{
	return READ_ONCE(sched_pcpu[smp_processor_id()].curr);
}

void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit)
{
	unsigned int cpu;
	unsigned long flags = sched_lock_vcpu(v, &cpu);
	bool was_runnable = !v->pause_flags;

	WRITE_ONCE(v->pause_flags, v->pause_flags | 1UL << bit);
	if (was_runnable) {
		sched_ops->sleep(v);
		/* Get it off the pCPU; the switch updates its runstate. */
		if (v->is_running)
			cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
	}
	runstate_update(v, NOW());
	sched_unlock_cpu(cpu, flags);
}

/* Has @v never run?  Pre: lock of v->processor held. */
static bool vcpu_never_ran(const struct vcpu *v)
{
	return !v->is_running && v->runstate != RUNSTATE_running &&
	       !v->runstate_time[RUNSTATE_running];
}

void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit)
{
	unsigned int cpu, to;
	unsigned long flags = sched_lock_vcpu(v, &cpu);
	unsigned long was = v->pause_flags;

	/*
	 * About to run for the first time (vcpu_start()): nothing of it is
	 * cached on any pCPU, so it may start wherever the policy likes best
	 * (the migration rule's case (b)).  It stays paused while it moves.
	 */
	if (was == 1UL << bit && vcpu_never_ran(v) &&
	    (to = sched_ops->pick_cpu(v)) != cpu) {
		WRITE_ONCE(v->processor, to);
		vcpu_migrate_timers(v, to);
		sched_unlock_cpu(cpu, flags);
		flags = sched_lock_vcpu(v, &cpu);
		was = v->pause_flags;
	}
	WRITE_ONCE(v->pause_flags, was & ~(1UL << bit));
	if (was && !v->pause_flags)
		sched_ops->wake(v);
	runstate_update(v, NOW());
	sched_unlock_cpu(cpu, flags);
}

void vcpu_wake(struct vcpu *v)
{
	vcpu_pause_flag_clear(v, VPF_blocked);
}

/* Pre: @v is this pCPU's current vCPU.  The caller re-checks its wake-up
 * conditions afterwards (see vcpu_block_unless_pending()). */
void vcpu_block(struct vcpu *v)
{
	vcpu_pause_flag_set(v, VPF_blocked);
}

void vcpu_yield(struct vcpu *v)
{
	unsigned int cpu;
	unsigned long flags = sched_lock_vcpu(v, &cpu);

	sched_ops->yield(v);
	sched_unlock_cpu(cpu, flags);
	raise_softirq(SCHEDULE_SOFTIRQ);
}

/*
 * @processor is a hint: a pCPU that is not online or not allowed by
 * v->hard_affinity (all pCPUs when 0) is replaced by the policy's pick.
 */
int sched_init_vcpu(struct vcpu *v, unsigned int processor)
{
	unsigned long flags;
	unsigned int cpu;
	int rc;

	if (!v->hard_affinity)
		v->hard_affinity = ~0ULL;
	rc = sched_ops->alloc_vdata(v);
	if (rc)
		return rc;
	v->is_running = false;
	v->processor = processor < NR_CPUS ? processor : 0;
	if (!per_cpu(v->processor)->online ||
	    !vcpu_allowed_on(v, v->processor)) {
		flags = local_irq_save();
		v->processor = sched_ops->pick_cpu(v);
		local_irq_restore(flags);
	}
	vcpu_migrate_timers(v, v->processor);
	flags = sched_lock_vcpu(v, &cpu);
	runstate_update(v, NOW());
	sched_ops->insert_vcpu(v);
	sched_unlock_cpu(cpu, flags);
	return 0;
}

/* Pre: @v is paused and off its pCPU (!is_running). */
void sched_destroy_vcpu(struct vcpu *v)
{
	unsigned long flags;
	unsigned int cpu;

	if (!v->sched_priv)
		return;		/* sched_init_vcpu() never ran or failed */
	flags = sched_lock_vcpu(v, &cpu);
	BUG_ON(v->is_running || vcpu_runnable(v));
	sched_ops->remove_vcpu(v);
	sched_unlock_cpu(cpu, flags);
	sched_ops->free_vdata(v);
}

int sched_init_domain(struct domain *d)
{
	if (!sched_ops)
		panic("sched: domain %u created before scheduler_init()",
		      d->domain_id);
	if (!d->weight)
		d->weight = SCHED_DEFAULT_WEIGHT;
	return sched_ops->alloc_domdata(d);
}

/* Pre: all of d's vCPUs went through sched_destroy_vcpu(). */
void sched_destroy_domain(struct domain *d)
{
	if (d->sched_priv)
		sched_ops->free_domdata(d);
}

int sched_adjust(struct domain *d, unsigned int weight, unsigned int cap)
{
	unsigned long flags;

	if (weight < 1 || weight > SCHED_MAX_WEIGHT ||
	    cap > 100 * MAX(d->max_vcpus, 1U))
		return -EINVAL;
	flags = local_irq_save();
	sched_ops->adjust(d, weight, cap);
	local_irq_restore(flags);
	return 0;
}

/*
 * XEN_SYSCTL_scheduler_op (Xen's sched_adjust_global() and credit's
 * csched_sys_cntl()): get or put the pool's credit parameters.  A
 * command other than get or put -EINVAL, a pool other than 0 -ESRCH,
 * another scheduler -EINVAL; put checks Xen's bounds (-EINVAL) and
 * returns what is now in force.  Deliberate difference: Amphi's credit
 * has no context-switch rate limit and no cache-hot migration delay, so
 * it reports 0 for both and refuses to set either (-EOPNOTSUPP) rather
 * than accept a setting it would not honour.
 */
long sched_adjust_global(struct xen_sysctl_scheduler_op *op)
{
	struct xen_sysctl_credit_schedule *p = &op->u.sched_credit;
	unsigned long flags;
	unsigned int set = 0;

	if (op->cmd != XEN_SYSCTL_SCHEDOP_putinfo &&
	    op->cmd != XEN_SYSCTL_SCHEDOP_getinfo)
		return -EINVAL;
	if (op->cpupool_id != 0)
		return -ESRCH;
	if (op->sched_id != XEN_SCHEDULER_CREDIT)
		return -EINVAL;
	if (op->cmd == XEN_SYSCTL_SCHEDOP_putinfo) {
		if (p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX ||
		    p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
		    (p->ratelimit_us &&
		     (p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX ||
		      p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN)) ||
		    (u64)p->ratelimit_us > (u64)p->tslice_ms * 1000 ||
		    p->vcpu_migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US)
			return -EINVAL;
		if (p->ratelimit_us || p->vcpu_migr_delay_us)
			return -EOPNOTSUPP;
		set = p->tslice_ms;
	}
	flags = local_irq_save();
	p->tslice_ms = sched_ops->tslice_ms(set);
	local_irq_restore(flags);
	p->ratelimit_us = 0;
	p->vcpu_migr_delay_us = 0;
	return 0;
}

/* Pre: @mask allows an online pCPU. */
int vcpu_set_hard_affinity(struct vcpu *v, u64 mask)
{
	unsigned long flags;
	unsigned int cpu;
	u64 online = 0;

	for (unsigned int i = 0; i < NR_CPUS; i++)
		if (READ_ONCE(per_cpu(i)->online))
			online |= 1ULL << i;
	if (!(mask & online))
		return -EINVAL;
	flags = sched_lock_vcpu(v, &cpu);
	v->hard_affinity = mask;
	/* Its owner decides again: push it off a pCPU no longer allowed,
	 * or to one that is now allowed and idle. */
	if (vcpu_runnable(v))
		sched_tickle(cpu);
	sched_unlock_cpu(cpu, flags);
	return 0;
}

void __noreturn sched_run_cpu(void)
{
	unsigned int cpu = smp_processor_id();
	struct sched_pcpu *sp = &sched_pcpu[cpu];
	unsigned long flags;

	/* An AP may get here before the boot CPU chose the policy. */
	while (!__atomic_load_n(&sched_ready, __ATOMIC_ACQUIRE))
		idle_once();
	init_timer(&sp->slice_timer, sched_slice_timer_fn, NULL, cpu);
	flags = sched_lock_cpu(cpu);
	sched_ops->init_pcpu(cpu);
	sp->active = true;
	sched_unlock_cpu(cpu, flags);
	raise_softirq(SCHEDULE_SOFTIRQ);

	for (;;) {
		struct vcpu *v;

		softirq_do_pending();
		v = READ_ONCE(sp->curr);
		/* Neither waits on a lost timer interrupt: the entry path
		 * and this check run overdue timers (timer_catch_up_at()). */
		if (v) {
			arch_vcpu_run_once(v);	/* returns at once if softirqs */
		} else {
			timer_catch_up_at(rdtsc());
			idle_once();
		}
	}
}

void scheduler_init(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(schedulers); i++)
		if (!strcmp(schedulers[i]->name, name))
			sched_ops = schedulers[i];
	if (!sched_ops)
		panic("sched=%s: no such scheduler (this build has: credit)",
		      name);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		spin_lock_init(&sched_pcpu[cpu].lock);
	if (sched_ops->init())
		panic("sched=%s: cannot set up the scheduler", name);
	open_softirq(SCHEDULE_SOFTIRQ, schedule);
	__atomic_store_n(&sched_ready, true, __ATOMIC_RELEASE);
	/* Wake APs waiting in sched_run_cpu(). */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu != smp_processor_id() && READ_ONCE(per_cpu(cpu)->online))
			cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
	printk("Scheduler: %s (%s)\n", sched_ops->name, sched_ops->desc);
}
