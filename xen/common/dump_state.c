/*
 * State dumps for a person looking at a stuck machine.
 *
 * dump_domains() (debug key 'q', Xen's letter for the domain dump) prints
 * every domain and vCPU: scheduling flags, pending wake-ups and work, the
 * vCPU's timers, its pending event channels and upcall flags, and the
 * architecture's part (registers, vLAPIC, last exits, the emulated
 * platform's interrupt state).
 *
 * The stall watchdog (stall_dump=<seconds>, off by default) is for rigs
 * where no one can press a key, such as an emulator whose serial port
 * only writes to a file: once no vCPU has run for that long, it dumps the
 * timer queues and the domains, once per stall.  Its own 1 s check keeps
 * the boot CPU's timer queue non-empty, which a hang caused by a missing
 * timer interrupt would show as the watchdog's silence.
 *
 * Reads of other CPUs' and vCPUs' fields are unlocked snapshots; each
 * domain is held by a reference while it is printed.
 */
#include <xen/arch_vcpu.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>

/* Microseconds until @t fires, or 0 (and "off" from timer_state()). */
static long timer_us(const struct timer *t, s_time_t now)
{
	return timer_is_active(t) ? (long)((timer_expires(t) - now) / 1000) : 0;
}

static const char *timer_state(const struct timer *t)
{
	return timer_is_active(t) ? "in" : "off";
}

static void dump_vcpu(struct vcpu *v, s_time_t now)
{
	printk(KERN_ERR "d%u v%u: pCPU %u pause_flags %#lx running %u "
	       "runstate %d for %ld ms wake_pending %u work %#lx polling %u; "
	       "wake timer %s %ld us (singleshot %ld us) periodic %s poll "
	       "%s\n", v->domain->domain_id, v->vcpu_id,
	       READ_ONCE(v->processor), READ_ONCE(v->pause_flags),
	       READ_ONCE(v->is_running), READ_ONCE(v->runstate),
	       (long)((now - READ_ONCE(v->runstate_entry)) / 1000000),
	       READ_ONCE(v->wake_pending), READ_ONCE(v->work),
	       READ_ONCE(v->polling), timer_state(&v->wake_timer),
	       timer_us(&v->wake_timer, now),
	       v->singleshot_deadline ?
	       (long)((v->singleshot_deadline - now) / 1000) : 0L,
	       timer_state(&v->periodic_timer), timer_state(&v->poll_timer));
	arch_vcpu_dump(v);
}

static void dump_domain(struct domain *d, s_time_t now)
{
	printk(KERN_ERR "d%u (%s): %u vCPUs, pause count %u (controller %u), "
	       "%s%s%s%lu pages\n", d->domain_id, d->name, d->max_vcpus,
	       READ_ONCE(d->pause_count), READ_ONCE(d->controller_pause_count),
	       READ_ONCE(d->is_dying) ? "dying, " : "",
	       READ_ONCE(d->is_shutdown) ? "shut down, " : "",
	       READ_ONCE(d->creation_finished) ? "" : "not started, ",
	       READ_ONCE(d->tot_pages));
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i])
			dump_vcpu(d->vcpu[i], now);
	evtchn_dump(d);
	arch_domain_dump(d);
}

/*
 * Call @fn on every live domain in id order, each held by a reference
 * (unlike domain_for_each(), no lock is held, so @fn may take the
 * domain's own locks).  Returns how many there were.
 */
static unsigned int for_each_domain_held(void (*fn)(struct domain *d,
						     void *arg), void *arg)
{
	struct domain *d = domain_first_from(0);
	unsigned int n = 0;

	while (d) {
		u16 next = d->domain_id + 1;

		fn(d, arg);
		put_domain(d);
		n++;
		d = next ? domain_first_from(next) : NULL;
	}
	return n;
}

static void dump_one(struct domain *d, void *now)
{
	dump_domain(d, *(s_time_t *)now);
}

void dump_domains(void)
{
	s_time_t now = NOW();

	printk(KERN_ERR "domains at %ld ms:\n", (long)(now / 1000000));
	for_each_domain_held(dump_one, &now);
}

/* ---- The stall watchdog ---- */

static struct timer stall_timer;
static s_time_t stall_last_progress;
static s_time_t stall_last_run_ns;
static bool stall_reported;

struct run_time {
	s_time_t sum;
	bool running;
};

static void add_run_time(struct domain *d, void *arg)
{
	struct run_time *rt = arg;

	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (!v)
			continue;
		rt->sum += READ_ONCE(v->runstate_time[RUNSTATE_running]);
		rt->running |= READ_ONCE(v->runstate) == RUNSTATE_running;
	}
}

/* Time all vCPUs have spent running, up to their last state change; true
 * in @running if one runs now, or if there is no vCPU to wait for (the
 * boot, before dom0 exists). */
static s_time_t vcpus_run_time(bool *running)
{
	struct run_time rt = { 0, false };

	if (!for_each_domain_held(add_run_time, &rt))
		rt.running = true;
	*running = rt.running;
	return rt.sum;
}

static void stall_check(void *unused)
{
	s_time_t now = NOW();
	bool running;
	s_time_t run_ns = vcpus_run_time(&running);

	if (running || run_ns != stall_last_run_ns) {
		if (stall_reported)
			printk(KERN_ERR "stall: vCPUs run again after %ld ms\n",
			       (long)((now - stall_last_progress) / 1000000));
		stall_last_progress = now;
		stall_last_run_ns = run_ns;
		stall_reported = false;
	} else if (!stall_reported &&
		   now - stall_last_progress >= SECONDS(opt_stall_dump)) {
		stall_reported = true;
		printk(KERN_ERR "stall: no vCPU has run for %u s (stall_dump=): "
		       "timers and domains follow\n", opt_stall_dump);
		timer_dump_queues();
		dump_domains();
	}
	set_timer(&stall_timer, now + SECONDS(1));
}

void stall_watch_init(void)
{
	if (!opt_stall_dump)
		return;
	init_timer(&stall_timer, stall_check, NULL, 0);
	stall_last_progress = NOW();
	set_timer(&stall_timer, stall_last_progress + SECONDS(1));
	printk("stall watchdog: state dump after %u s without a vCPU "
	       "running\n", opt_stall_dump);
}
