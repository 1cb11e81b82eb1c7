/* The parts of the device-model test guest (main.c, smp.c). */
#ifndef DMTEST_H
#define DMTEST_H

/* The device's counter: the value its next read returns. */
extern u32 next_count;

/* REP string instructions in batches, with their round trips counted
 * (batch.c). */
void dmtest_batches(void);
/* Both vCPUs at the device at once (skipped with one vCPU). */
void dmtest_two_vcpus(void);
/* The hostile "rewrite" mode: returns only if the hypervisor let it. */
void dmtest_rewrite(void);

#endif
