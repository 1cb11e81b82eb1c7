/*
 * Host tests of the credit scheduler (xen/common/sched/credit.c), linked
 * alone.  A small discrete-event machine plays the generic layer: fake
 * pCPUs with slice timers, a fake clock passed to do_schedule(), tickles
 * handled at once, and vCPUs that are CPU-bound or run in bursts.
 */
#include <stdlib.h>
#include <string.h>
#include <xen/lib.h>
#include <xen/sched-if.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include "unit.h"

#define SIM_CPUS 4
#define SIM_DOMS 8
#define SIM_VCPUS 16
#define NEVER INT64_MAX
#define ALL_CPUS 0xfULL

struct sim_vcpu {
	struct vcpu v;
	s_time_t ran;			/* ns on a pCPU */
	s_time_t run_for, sleep_for;	/* bursts; run_for 0 = CPU-bound */
	s_time_t burst_left;
	s_time_t wake_at;		/* scripted wake-up, NEVER if none */
	unsigned int ran_on;		/* pCPUs it ran on (mask) */
};

static const struct scheduler *ops = &sched_credit_def;

static struct sim {
	s_time_t now;
	unsigned int nr_cpus;
	struct vcpu *curr[SIM_CPUS];
	s_time_t deadline[SIM_CPUS];
	bool tickled[SIM_CPUS];
	unsigned int cpu;		/* whose do_schedule() is running */
	unsigned int nr_migrations, violations;
	unsigned int nr_doms, nr_vcpus;
	struct domain dom[SIM_DOMS];
	struct sim_vcpu sv[SIM_VCPUS];
} sim;

#define SV(vcpu) container_of(vcpu, struct sim_vcpu, v)

static void violation(const char *what)
{
	if (!sim.violations++)
		fprintf(stderr, "violation at %lld ns: %s\n", (long long)sim.now,
			what);
}

/* The glue the policy calls, and the allocator it uses. */
void sched_tickle(unsigned int cpu)
{
	if (cpu >= sim.nr_cpus)
		return violation("tickle of a pCPU that is not there");
	sim.tickled[cpu] = true;
}

void sched_migrate(struct vcpu *v, unsigned int new_cpu)
{
	/* The migration rule: only the owner moves a vCPU, and one it runs
	 * only while replacing it (as schedule.c). */
	if (v->processor != sim.cpu || new_cpu >= sim.nr_cpus ||
	    (v->is_running && v != sim.curr[sim.cpu]))
		violation("migration off the owner pCPU or of a running vCPU");
	v->is_running = false;
	if (!vcpu_allowed_on(v, new_cpu))
		violation("migration to a pCPU outside the hard affinity");
	sim.nr_migrations++;
	v->processor = new_cpu;
}

void *xzalloc_bytes(size_t size)
{
	return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
	free(p);
}

static void sim_reset(unsigned int nr_cpus)
{
	memset(&sim, 0, sizeof(sim));
	sim.nr_cpus = nr_cpus;
	CHECK_EQ(ops->init(), 0);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++) {
		ops->init_pcpu(cpu);
		sim.deadline[cpu] = NEVER;
	}
}

static struct domain *sim_domain(unsigned int weight, unsigned int cap)
{
	struct domain *d = &sim.dom[sim.nr_doms];

	d->domain_id = sim.nr_doms++;
	CHECK_EQ(ops->alloc_domdata(d), 0);
	ops->adjust(d, weight, cap);
	return d;
}

/* A vCPU of @d queued on @cpu, runnable unless @blocked. */
static struct sim_vcpu *sim_vcpu(struct domain *d, u64 affinity,
				 unsigned int cpu, bool blocked)
{
	struct sim_vcpu *sv = &sim.sv[sim.nr_vcpus++];
	struct vcpu *v = &sv->v;

	v->domain = d;
	v->vcpu_id = d->max_vcpus;
	d->vcpu[d->max_vcpus++] = v;
	v->hard_affinity = affinity;
	v->processor = cpu;
	v->pause_flags = blocked ? 1UL << VPF_blocked : 0;
	sv->wake_at = NEVER;
	CHECK_EQ(ops->alloc_vdata(v), 0);
	ops->insert_vcpu(v);
	return sv;
}

static void sim_schedule(unsigned int cpu)
{
	struct vcpu *prev = sim.curr[cpu], *next;
	struct sched_decision dec;

	sim.cpu = cpu;
	dec = ops->do_schedule(cpu, sim.now);
	next = dec.next;
	if (next && (next->processor != cpu || !vcpu_runnable(next) ||
		     !vcpu_allowed_on(next, cpu) ||
		     (next != prev && next->is_running) || dec.slice <= 0))
		violation("bad decision");
	if (prev && prev != next && prev->processor == cpu)
		prev->is_running = false;
	if (next) {
		next->is_running = true;
		SV(next)->ran_on |= 1U << cpu;
	}
	sim.curr[cpu] = next;
	sim.deadline[cpu] = dec.slice >= 0 ? sim.now + dec.slice : NEVER;
}

/* Run every tickled pCPU's scheduler until nobody is tickled. */
static void sim_settle(void)
{
	for (unsigned int round = 0;; round++) {
		bool any = false;

		for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++)
			if (sim.tickled[cpu]) {
				sim.tickled[cpu] = false;
				sim_schedule(cpu);
				any = true;
			}
		if (!any)
			return;
		if (round > 100)
			return violation("tickles never settle");
	}
}

/* What the generic layer does for vcpu_block() and vcpu_wake(). */
static void sim_block(struct sim_vcpu *sv)
{
	bool was_runnable = vcpu_runnable(&sv->v);

	sv->v.pause_flags |= 1UL << VPF_blocked;
	if (was_runnable) {
		ops->sleep(&sv->v);
		if (sv->v.is_running)
			sim.tickled[sv->v.processor] = true;
	}
}

static void sim_wake(struct sim_vcpu *sv)
{
	unsigned long was = sv->v.pause_flags;

	sv->v.pause_flags &= ~(1UL << VPF_blocked);
	if (was && !sv->v.pause_flags)
		ops->wake(&sv->v);
}

static bool sim_bursting(const struct sim_vcpu *sv)
{
	return sv->run_for && sv->v.is_running && vcpu_runnable(&sv->v);
}

/* The time of the next event, at most @end. */
static s_time_t sim_next_event(s_time_t end)
{
	s_time_t t = end;

	for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++)
		t = MIN(t, sim.deadline[cpu]);
	for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
		t = MIN(t, sim.sv[i].wake_at);
		if (sim_bursting(&sim.sv[i]))
			t = MIN(t, sim.now + sim.sv[i].burst_left);
	}
	return t;
}

static void sim_events(void)
{
	for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
		struct sim_vcpu *sv = &sim.sv[i];

		if (sv->wake_at <= sim.now) {
			sv->wake_at = NEVER;
			sv->burst_left = sv->run_for;
			sim_wake(sv);
		} else if (sim_bursting(sv) && sv->burst_left <= 0) {
			sim_block(sv);
			sv->wake_at = sim.now + sv->sleep_for;
		}
	}
	for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++)
		if (sim.deadline[cpu] <= sim.now)
			sim_schedule(cpu);
}

/* No pCPU idles while an uncapped vCPU that may run there waits. */
static void sim_check_work_conserving(void)
{
	for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++) {
		if (sim.curr[cpu])
			continue;
		for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
			const struct vcpu *v = &sim.sv[i].v;

			if (vcpu_runnable(v) && !v->is_running &&
			    !v->domain->cap && vcpu_allowed_on(v, cpu))
				violation("a pCPU idles while a vCPU waits");
		}
	}
}

static void sim_run(s_time_t duration)
{
	s_time_t end = sim.now + duration;

	for (;;) {
		s_time_t t;

		sim_settle();
		sim_check_work_conserving();
		t = sim_next_event(end);
		for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++) {
			struct vcpu *v = sim.curr[cpu];

			if (!v)
				continue;
			if (sim_bursting(SV(v)))
				SV(v)->burst_left -= t - sim.now;
			SV(v)->ran += t - sim.now;
		}
		sim.now = t;
		if (t >= end)
			return;
		sim_events();
	}
}

/* Stop everything, check the invariants held, free it all. */
static void sim_teardown(void)
{
	for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
		struct vcpu *v = &sim.sv[i].v;

		if (vcpu_runnable(v))
			ops->sleep(v);
		v->pause_flags |= 1UL << VPF_down;
	}
	for (unsigned int cpu = 0; cpu < sim.nr_cpus; cpu++)
		sim_schedule(cpu);
	for (unsigned int i = 0; i < sim.nr_vcpus; i++) {
		CHECK(!sim.sv[i].v.is_running);
		ops->remove_vcpu(&sim.sv[i].v);
		ops->free_vdata(&sim.sv[i].v);
	}
	for (unsigned int i = 0; i < sim.nr_doms; i++)
		ops->free_domdata(&sim.dom[i]);
	CHECK_EQ(sim.violations, 0);
}

/* |b / a - want| <= tol * want */
static bool ratio_ok(s_time_t a, s_time_t b, double want, double tol)
{
	double r = a ? (double)b / (double)a : 1e9;
	bool ok = r >= want * (1 - tol) && r <= want * (1 + tol);

	if (!ok)
		fprintf(stderr, "ratio %.3f, want %.3f +- %.0f%%\n", r, want,
			tol * 100);
	return ok;
}

static s_time_t dom_ran(const struct domain *d)
{
	s_time_t t = 0;

	for (unsigned int i = 0; i < d->max_vcpus; i++)
		t += SV(d->vcpu[i])->ran;
	return t;
}

/* The acceptance case: weights 256 and 512 pinned to one pCPU of two. */
TEST(test_weight_pinned_1_2)
{
	struct sim_vcpu *a, *b;

	sim_reset(2);
	a = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(512, 0), 1, 0, false);
	sim_run(SECONDS(3));
	CHECK(ratio_ok(a->ran, b->ran, 2.0, 0.05));
	CHECK_EQ(a->ran + b->ran, SECONDS(3));
	CHECK_EQ(a->ran_on | b->ran_on, 1);
	CHECK_EQ(sim.nr_migrations, 0);
	sim_teardown();
}

/* Weights hold on a pCPU whatever the other pCPUs do. */
TEST(test_weight_with_busy_neighbour)
{
	struct sim_vcpu *a, *b, *c;

	sim_reset(2);
	a = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(768, 0), 1, 0, false);
	c = sim_vcpu(sim_domain(1024, 0), 2, 1, false);
	sim_run(SECONDS(3));
	CHECK(ratio_ok(a->ran, b->ran, 3.0, 0.05));
	CHECK_EQ(c->ran, SECONDS(3));
	sim_teardown();
}

TEST(test_weight_three_domains)
{
	struct sim_vcpu *a, *b, *c;

	sim_reset(1);
	a = sim_vcpu(sim_domain(100, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(100, 0), 1, 0, false);
	c = sim_vcpu(sim_domain(200, 0), 1, 0, false);
	sim_run(SECONDS(3));
	CHECK(ratio_ok(a->ran, b->ran, 1.0, 0.05));
	CHECK(ratio_ok(a->ran, c->ran, 2.0, 0.05));
	sim_teardown();
}

/* The acceptance case: cap 25% stays under 25% of a pCPU. */
TEST(test_cap_alone)
{
	struct sim_vcpu *a;

	sim_reset(2);
	a = sim_vcpu(sim_domain(256, 25), ALL_CPUS, 0, false);
	sim_run(SECONDS(3));
	CHECK(a->ran <= SECONDS(3) / 4);
	CHECK(a->ran >= SECONDS(3) / 4 * 95 / 100);
	sim_teardown();
}

/* Capped against an uncapped CPU hog of lower weight, and a 2-vCPU domain
 * capped at 50% in all. */
TEST(test_cap_contended)
{
	struct sim_vcpu *a, *b, *c, *e;
	struct domain *d;

	sim_reset(2);
	a = sim_vcpu(sim_domain(1024, 25), 1, 0, false);
	b = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	d = sim_domain(256, 50);
	c = sim_vcpu(d, 2, 1, false);
	e = sim_vcpu(d, 2, 1, false);
	sim_run(SECONDS(3));
	CHECK(a->ran <= SECONDS(3) / 4 && a->ran >= SECONDS(3) / 5);
	CHECK(b->ran >= SECONDS(3) * 3 / 4);
	CHECK(dom_ran(d) <= SECONDS(3) / 2);
	CHECK(ratio_ok(c->ran, e->ran, 1.0, 0.1));
	sim_teardown();
}

/* Lifting a cap unparks the domain at once. */
TEST(test_cap_lifted)
{
	struct sim_vcpu *a;
	struct domain *d;

	sim_reset(1);
	d = sim_domain(256, 10);
	a = sim_vcpu(d, 1, 0, false);
	sim_run(MILLISECS(5));
	CHECK(!sim.curr[0]);		/* 3 ms of 30 spent: parked */
	ops->adjust(d, 256, 0);
	sim_settle();
	CHECK(sim.curr[0] == &a->v);
	sim_run(SECONDS(1));
	CHECK(a->ran >= SECONDS(1));
	sim_teardown();
}

/* The acceptance case: four CPU hogs on two pCPUs, all queued on one. */
TEST(test_steal_four_on_two)
{
	struct sim_vcpu *v[4];

	sim_reset(2);
	for (int i = 0; i < 4; i++)
		v[i] = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 0, false);
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] && sim.curr[1]);	/* pCPU1 took work at once */
	sim_run(SECONDS(2) - MILLISECS(1));
	for (int i = 0; i < 4; i++)
		CHECK(ratio_ok(SECONDS(1), v[i]->ran, 1.0, 0.05));
	CHECK(sim.nr_migrations <= 4);		/* balanced, no thrashing */
	sim_teardown();
}

/* Pinned vCPUs run only where allowed; the others fill in around them. */
TEST(test_affinity)
{
	struct sim_vcpu *p0, *p1, *f1, *f2;

	sim_reset(2);
	p0 = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	p1 = sim_vcpu(sim_domain(256, 0), 2, 1, false);
	f1 = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 1, false);
	f2 = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 1, false);
	sim_run(SECONDS(2));
	CHECK_EQ(p0->ran_on, 1);
	CHECK_EQ(p1->ran_on, 2);
	CHECK(p0->ran >= SECONDS(2) * 45 / 100);
	CHECK(p1->ran >= SECONDS(2) * 45 / 100);
	CHECK(f1->ran >= SECONDS(2) * 45 / 100);
	CHECK(f2->ran >= SECONDS(2) * 45 / 100);

	/* Re-pin p1 as vcpu_set_hard_affinity() does: its pCPU pushes it. */
	p1->v.hard_affinity = 1;
	sim.tickled[p1->v.processor] = true;
	p1->ran_on = 0;
	sim_run(SECONDS(1));
	CHECK_EQ(p1->ran_on, 1);
	CHECK(p1->ran > SECONDS(1));
	sim_teardown();
}

/* Yield goes behind the others of the same priority, not further. */
TEST(test_yield_order)
{
	struct sim_vcpu *a, *b, *c;

	sim_reset(1);
	a = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	c = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] == &a->v);
	ops->yield(&a->v);
	sim.tickled[0] = true;
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] == &b->v);
	sim_run(MILLISECS(10));			/* b's slice ends */
	CHECK(sim.curr[0] == &c->v);
	sim_run(MILLISECS(10));
	CHECK(sim.curr[0] == &a->v);

	/* Alone, a yield changes nothing. */
	sim_block(b);
	sim_block(c);
	sim_run(MILLISECS(1));
	ops->yield(&a->v);
	sim.tickled[0] = true;
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] == &a->v);
	sim_teardown();
}

/* The toolstack's time slice (XEN_SYSCTL_SCHEDOP_putinfo tslice_ms)
 * applies from the next decision: two equal vCPUs then alternate every
 * 2 ms instead of every 10. */
TEST(test_tslice)
{
	struct sim_vcpu *a, *b;

	sim_reset(1);
	CHECK_EQ(ops->tslice_ms(0), 10);
	a = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] == &a->v);
	sim_run(MILLISECS(5));
	CHECK(sim.curr[0] == &a->v);		/* 10 ms slice */
	sim_run(MILLISECS(5));
	CHECK(sim.curr[0] == &b->v);
	CHECK_EQ(ops->tslice_ms(2), 2);
	CHECK_EQ(ops->tslice_ms(0), 2);
	sim_run(MILLISECS(10));			/* b's 10 ms slice ends */
	CHECK(sim.curr[0] == &a->v);
	sim_run(MILLISECS(3));			/* a's 2 ms slice ends */
	CHECK(sim.curr[0] == &b->v);
	sim_run(MILLISECS(100));
	CHECK(ratio_ok(a->ran, b->ran, 1.0, 0.05));
	CHECK_EQ(ops->tslice_ms(10), 10);
	sim_teardown();
}

/* A blocked vCPU gets no time and banks no credit while blocked. */
TEST(test_blocked_gets_nothing)
{
	struct sim_vcpu *a, *b;

	sim_reset(1);
	a = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	b = sim_vcpu(sim_domain(256, 0), 1, 0, true);
	sim_run(SECONDS(2));
	CHECK_EQ(b->ran, 0);
	CHECK_EQ(a->ran, SECONDS(2));
	sim_wake(b);
	a->ran = 0;
	sim_run(SECONDS(1));
	CHECK(ratio_ok(a->ran, b->ran, 1.0, 0.05));
	sim_teardown();
}

/* A vCPU that runs 1 ms in 5 gets all it asks for next to a CPU hog, and
 * runs as soon as it wakes (boost). */
TEST(test_io_not_starved)
{
	struct sim_vcpu *hog, *io;
	s_time_t wakes = 0;

	sim_reset(1);
	hog = sim_vcpu(sim_domain(256, 0), 1, 0, false);
	io = sim_vcpu(sim_domain(256, 0), 1, 0, true);
	io->run_for = MILLISECS(1);
	io->sleep_for = MILLISECS(4);
	io->wake_at = MILLISECS(3);
	/* Its first wake-ups, before it has been given credit, may wait. */
	sim_run(MILLISECS(60));
	io->ran = hog->ran = 0;
	for (s_time_t t = 0; t < SECONDS(1); t += MICROSECS(500)) {
		sim_run(MICROSECS(500));
		wakes += !vcpu_runnable(&io->v) || sim.curr[0] == &io->v;
	}
	CHECK(io->ran >= MILLISECS(199));	/* 1 of every 5 ms */
	CHECK_EQ(wakes, 2000);			/* never waits in the queue */
	CHECK(hog->ran >= MILLISECS(799));
	sim_teardown();
}

/* A vCPU woken on a busy pCPU goes to an idle one at once. */
TEST(test_wake_to_idle)
{
	struct sim_vcpu *a, *b;

	sim_reset(2);
	a = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 0, false);
	b = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 0, true);
	sim_run(MILLISECS(1));
	CHECK(sim.curr[0] == &a->v && !sim.curr[1]);
	sim_wake(b);
	sim_settle();
	CHECK(sim.curr[0] == &a->v && sim.curr[1] == &b->v);
	CHECK_EQ(sim.nr_migrations, 1);
	sim_teardown();
}

/* Weighted load balancing: {512, 256, 256} on two pCPUs puts the 512
 * alone, which gives exactly the weighted shares. */
TEST(test_balance_by_weight)
{
	struct sim_vcpu *big, *s1, *s2;

	sim_reset(2);
	big = sim_vcpu(sim_domain(512, 0), ALL_CPUS, 0, false);
	s1 = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 0, false);
	s2 = sim_vcpu(sim_domain(256, 0), ALL_CPUS, 0, false);
	sim_run(SECONDS(2));
	CHECK(ratio_ok(s1->ran + s2->ran, big->ran, 1.0, 0.05));
	CHECK(ratio_ok(s1->ran, s2->ran, 1.0, 0.05));
	sim_teardown();
}

/* However lopsided the weights, everyone runs now and then. */
TEST(test_no_starvation)
{
	static const unsigned int weights[] = { 1, 10, 1000, 65535 };
	struct sim_vcpu *v[4];

	sim_reset(1);
	for (int i = 0; i < 4; i++)
		v[i] = sim_vcpu(sim_domain(weights[i], 0), 1, 0, false);
	sim_run(SECONDS(3));
	for (int i = 0; i < 4; i++)
		CHECK(v[i]->ran > 0);
	CHECK(v[3]->ran > SECONDS(3) * 9 / 10);
	sim_teardown();
}

static u64 rng_state;

static unsigned int rnd(unsigned int n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (rng_state >> 33) % n;
}

static u64 rnd_mask(unsigned int nr_cpus)
{
	return 1 + rnd((1U << nr_cpus) - 1);
}

/* Random domains, vCPUs, pinning, blocking, yields and weight changes. */
static void random_setup(void)
{
	unsigned int nr_doms = 1 + rnd(SIM_DOMS);

	sim_reset(1 + rnd(SIM_CPUS));
	for (unsigned int i = 0; i < nr_doms; i++) {
		struct domain *d = sim_domain(1 + rnd(1000),
					      rnd(3) ? 0 : 5 + rnd(96));

		for (unsigned int n = 1 + rnd(2); n--;) {
			u64 mask = rnd_mask(sim.nr_cpus);
			unsigned int cpu = __builtin_ctzll(mask);
			struct sim_vcpu *sv = sim_vcpu(d, mask, cpu, false);

			if (rnd(2)) {
				sv->run_for = MICROSECS(200 + rnd(5000));
				sv->sleep_for = MICROSECS(100 + rnd(10000));
				sv->burst_left = sv->run_for;
			}
		}
	}
}

static void random_action(void)
{
	struct sim_vcpu *sv = &sim.sv[rnd(sim.nr_vcpus)];
	struct vcpu *v = &sv->v;

	switch (rnd(4)) {
	case 0:
		if (v->is_running) {
			ops->yield(v);
			sim.tickled[v->processor] = true;
		}
		break;
	case 1:		/* as vcpu_set_hard_affinity() */
		v->hard_affinity = rnd_mask(sim.nr_cpus);
		if (vcpu_runnable(v))
			sim.tickled[v->processor] = true;
		break;
	case 2:
		ops->adjust(v->domain, 1 + rnd(65535), v->domain->cap);
		break;
	case 3:
		if (!sv->run_for && vcpu_runnable(v)) {
			sim_block(sv);
			sv->wake_at = sim.now + MICROSECS(rnd(20000));
		}
		break;
	}
}

TEST(test_random_invariants)
{
	for (unsigned int seed = 1; seed <= 40; seed++) {
		rng_state = seed;
		random_setup();
		for (unsigned int step = 0; step < 300; step++) {
			sim_run(MICROSECS(rnd(10000)));
			random_action();
		}
		for (unsigned int i = 0; i < sim.nr_doms; i++) {
			const struct domain *d = &sim.dom[i];

			if (d->cap)
				CHECK(dom_ran(d) <= (sim.now + MILLISECS(60)) *
						    d->cap / 100);
		}
		if (sim.violations)
			fprintf(stderr, "seed %u\n", seed);
		sim_teardown();
	}
}

UNIT_MAIN(test_weight_pinned_1_2, test_weight_with_busy_neighbour,
	  test_weight_three_domains, test_cap_alone, test_cap_contended,
	  test_cap_lifted, test_steal_four_on_two, test_affinity,
	  test_yield_order, test_tslice, test_blocked_gets_nothing, test_io_not_starved,
	  test_wake_to_idle, test_balance_by_weight, test_no_starvation,
	  test_random_invariants)
