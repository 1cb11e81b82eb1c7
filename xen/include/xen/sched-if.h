/*
 * The scheduler's inside: the interface between the generic layer
 * (xen/common/sched/schedule.c: per-pCPU locks, the SCHEDULE_SOFTIRQ
 * handler, slice timers, runstates, the run loop) and a policy
 * (xen/common/sched/credit.c), chosen once at boot by sched=.
 *
 * Locking.
 *  - Each pCPU has a scheduler lock.  The lock of v->processor protects
 *    v's generic scheduling fields (pause_flags, is_running, runstate*,
 *    processor, hard_affinity) and that pCPU's current vCPU.  Take it with
 *    sched_lock_vcpu(), which follows v->processor if it moves meanwhile.
 *    Two pCPU locks are never held together.
 *  - A policy may have one private lock of its own, taken inside a pCPU
 *    lock (order: pCPU lock, then policy lock), for its runqueues and
 *    accounting.
 *  - Every hook except init, alloc_* and free_* is called with interrupts
 *    off and the scheduler lock of the pCPU named in its comment held.
 *
 * Migration rule.  Hardware keeps a vCPU's state cached on the pCPU it
 * last ran on (VMX: the VMCS is active there), so v->processor changes
 * only (a) on the pCPU v->processor itself, with its lock held and v not
 * running, through sched_migrate(), which tells the vendor code first; or
 * (b) before v has ever run (sched_init_vcpu(), and when vcpu_start()
 * first makes it runnable).  (b) needs the vendor code to leave nothing
 * active on the pCPU where vcpu_init()/vcpu_set_state() ran (VMX: VMCLEAR
 * after writing the VMCS there).  A vCPU is only ever run
 * by the pCPU whose runqueue holds it, so load balancing is a push by the
 * owner, never a pull: an idle pCPU asks (sched_tickle()) a busy one to
 * give it work.
 */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include <xen/lib.h>
#include <xen/sched.h>

/* What a pCPU runs next. */
struct sched_decision {
	struct vcpu *next;	/* NULL: idle */
	s_time_t slice;		/* decide again after this; < 0: when told */
};

struct scheduler {
	const char *name;	/* its sched= value */
	const char *desc;

	/* Once at boot, before anything else.  Returns 0 or -errno. */
	int (*init)(void);
	/* @cpu starts taking vCPUs (called on @cpu, lock of @cpu held). */
	void (*init_pcpu)(unsigned int cpu);

	/*
	 * Per-domain and per-vCPU data, in d->sched_priv / v->sched_priv.
	 * alloc_* and free_* run with interrupts on and no lock held, so they
	 * may allocate; they must not touch shared policy state.
	 */
	int (*alloc_domdata)(struct domain *d);
	void (*free_domdata)(struct domain *d);
	int (*alloc_vdata)(struct vcpu *v);
	void (*free_vdata)(struct vcpu *v);

	/* Make @v known (queued if runnable); lock of v->processor held. */
	void (*insert_vcpu)(struct vcpu *v);
	/* Forget @v.  Pre: v->pause_flags set, !v->is_running. */
	void (*remove_vcpu)(struct vcpu *v);

	/*
	 * @v just became runnable (pause_flags went to 0) / stopped being
	 * runnable.  Lock of v->processor held.  sleep() of a running vCPU
	 * only has to make sure do_schedule() will not keep it: the generic
	 * layer has already raised SCHEDULE_SOFTIRQ on its pCPU.
	 */
	void (*wake)(struct vcpu *v);
	void (*sleep)(struct vcpu *v);
	/* @v (running) gives way to others of its priority. */
	void (*yield)(struct vcpu *v);

	/*
	 * Choose what @cpu runs from @now on.  Runs on @cpu with its lock held.
	 * The previous choice is still running (or wants to be): the policy
	 * charges it, requeues it if it is runnable, and may push queued vCPUs
	 * to other pCPUs through sched_migrate().  Never returns a vCPU whose
	 * pause_flags are set or that is not allowed on @cpu.
	 */
	struct sched_decision (*do_schedule)(unsigned int cpu, s_time_t now);

	/* A good pCPU for @v (allowed, least loaded; v->processor wins ties).
	 * Interrupts off; the lock of v->processor may be held. */
	unsigned int (*pick_cpu)(const struct vcpu *v);
	/* Set weight (1..65535) and cap (% of one pCPU, 0 = none); validated
	 * by the caller.  Interrupts off, no pCPU lock held. */
	void (*adjust)(struct domain *d, unsigned int weight, unsigned int cap);
	/* The time slice a vCPU runs before the policy looks again, in
	 * milliseconds (Xen's credit tslice_ms); set first when @set is not
	 * 0 (validated by the caller).  Interrupts off, no pCPU lock held. */
	unsigned int (*tslice_ms)(unsigned int set);
};

/* The policies this build has. */
extern const struct scheduler sched_credit_def;

#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_MAX_WEIGHT 65535

static inline bool vcpu_runnable(const struct vcpu *v)
{
	return !READ_ONCE(v->pause_flags);
}

static inline bool vcpu_allowed_on(const struct vcpu *v, unsigned int cpu)
{
	return cpu < 64 && (v->hard_affinity >> cpu) & 1;
}

/*
 * Services of the generic layer for policies.  A host unit test of a
 * policy provides its own versions of these two and nothing else.
 */

/* Make @cpu run do_schedule() soon (an IPI if it is another pCPU). */
void sched_tickle(unsigned int cpu);
/*
 * Move queued @v from this pCPU to @new_cpu: switch it out if it is the
 * choice being replaced, let the vendor code release its state here (VMX:
 * VMCLEAR), end its runstate here, then set v->processor.  The caller then
 * queues it on @new_cpu and tickles that pCPU.
 * Pre: running on v->processor inside do_schedule() (its lock held).
 */
void sched_migrate(struct vcpu *v, unsigned int new_cpu);

/*
 * Locking helpers (schedule.c).  sched_lock_vcpu() locks v->processor's
 * scheduler lock with interrupts off, stores that pCPU in *cpu, and
 * returns the interrupt flags for sched_unlock_cpu().
 */
unsigned long sched_lock_cpu(unsigned int cpu);
unsigned long sched_lock_vcpu(const struct vcpu *v, unsigned int *cpu);
void sched_unlock_cpu(unsigned int cpu, unsigned long flags);

#endif
