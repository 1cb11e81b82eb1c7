/*
 * Pausing a domain: the controller's pause (XEN_DOMCTL_pausedomain and
 * unpausedomain, with Xen's count; a domain the toolstack creates starts
 * paused) and the hypervisor's own (domain_pause_sync(), Xen's
 * domain_pause(), while it reads or replaces vCPU state).  Both count in
 * d->pause_count; VPF_paused keeps the vCPUs off the CPUs while any
 * holds.  The first unpause by the controller ends the domain's creation
 * (its CPU policy is fixed from then on), as in Xen.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <asm/processor.h>

bool domain_vcpus_off_cpus(const struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i] && READ_ONCE(d->vcpu[i]->is_running))
			return false;
	return true;
}

/* One more reason for @d's vCPUs to stay off the CPUs (VPF_paused while
 * any holds).  Pre: d->lock. */
static bool pause_get(struct domain *d)
{
	return !d->pause_count++;
}

static bool pause_put(struct domain *d)
{
	return !--d->pause_count;
}

static void set_vcpus_paused(struct domain *d, bool on)
{
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		if (d->vcpu[i]) {
			if (on)
				vcpu_pause_flag_set(d->vcpu[i], VPF_paused);
			else
				vcpu_pause_flag_clear(d->vcpu[i], VPF_paused);
		}
}

int domain_controller_pause(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool first;

	if (d->controller_pause_count == ~0U) {
		spin_unlock_irqrestore(&d->lock, f);
		return -EOVERFLOW;
	}
	d->controller_pause_count++;
	first = pause_get(d);
	spin_unlock_irqrestore(&d->lock, f);
	if (first)
		set_vcpus_paused(d, true);
	return 0;
}

int domain_controller_unpause(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool last;

	if (!d->controller_pause_count) {
		spin_unlock_irqrestore(&d->lock, f);
		return -EINVAL;
	}
	/* Xen: the toolstack's first unpause ends creation (the CPU policy
	 * is fixed from here). */
	if (!--d->controller_pause_count)
		d->creation_finished = true;
	last = pause_put(d);
	spin_unlock_irqrestore(&d->lock, f);
	if (last)
		set_vcpus_paused(d, false);
	return 0;
}

void domain_pause_sync(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool first = pause_get(d);

	spin_unlock_irqrestore(&d->lock, f);
	if (first)
		set_vcpus_paused(d, true);
	/* vcpu_pause_flag_set() asked each pCPU running one to reschedule;
	 * it leaves guest mode at its next exit, which the IPI forces. */
	while (!domain_vcpus_off_cpus(d))
		cpu_relax();
}

void domain_unpause_sync(struct domain *d)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	bool last = pause_put(d);

	spin_unlock_irqrestore(&d->lock, f);
	if (last)
		set_vcpus_paused(d, false);
}
