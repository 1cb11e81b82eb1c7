/* Softirqs: per-CPU deferred work run with interrupts enabled, outside
 * interrupt context, before returning to idle (or, later, to a guest). */
#ifndef XEN_SOFTIRQ_H
#define XEN_SOFTIRQ_H

enum {
	TIMER_SOFTIRQ,
	SCHEDULE_SOFTIRQ,
	NR_SOFTIRQS
};

void softirq_init(void);
void open_softirq(unsigned int nr, void (*fn)(void));
void raise_softirq(unsigned int nr);
/* Mark @nr pending on @cpu and kick it with an event-check IPI. */
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
void softirq_do_pending(void);
/* Run pending softirqs, or halt until the next interrupt if none. */
void idle_once(void);
/* idle_once(), forever. */
__attribute__((noreturn)) void idle_loop(void);

#endif
