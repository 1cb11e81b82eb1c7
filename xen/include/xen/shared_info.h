/*
 * The shared_info page, the pvclock in each vcpu_info, the wallclock and
 * the runstate area (xen/common/shared_info.c).
 */
#ifndef XEN_SHARED_INFO_H
#define XEN_SHARED_INFO_H

#include <xen/sched.h>
#include <xen/types.h>
#include <asm/processor.h>

struct domain;
struct vcpu;

/* At domain creation, after its vCPUs exist: the page, the event-channel
 * table (ports up to @max_evtchn_port) and every vCPU's pvclock. */
int shared_info_domain_init(struct domain *d, unsigned int max_evtchn_port);
/* XEN_DOMCTL_settimeoffset: the domain's wallclock runs @seconds ahead
 * of the host's; its shared_info is rewritten now. */
void shared_info_set_time_offset(struct domain *d, s64 seconds);
void shared_info_domain_destroy(struct domain *d);
/* XENMEM_add_to_physmap(XENMAPSPACE_shared_info): map it at @gfn (a
 * previous mapping elsewhere is removed).  0 or -errno. */
int shared_info_map(struct domain *d, u64 gfn);

/* Rewrite @v's pvclock.  Pre: on @v's pCPU before entry, or @v never ran. */
void vcpu_time_update(struct vcpu *v);
/* Before entry: refresh when asked to (VCPU_WORK_TIME) or when old. */
void vcpu_time_maybe_update(struct vcpu *v);
/*
 * Is @v's pvclock old enough to be rewritten anyway (its mul/shift
 * rounding must not drift from NOW())?  One TSC read against a deadline,
 * cheap enough for every entry.
 */
static inline bool vcpu_time_due_at(const struct vcpu *v, u64 tsc)
{
	return tsc >= v->time_refresh_tsc;
}

static inline bool vcpu_time_due(const struct vcpu *v)
{
	return vcpu_time_due_at(v, rdtsc());
}
/* Before entry: write the registered runstate area if it changed. */
void vcpu_runstate_update_guest(struct vcpu *v);

/* Wall time @sec.@nsec was current at system time @system_time. */
void wallclock_set(u64 sec, u32 nsec, s_time_t system_time);

#endif
