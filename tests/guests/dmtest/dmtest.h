/* The parts of the device-model test guest (main.c, smp.c). */
#ifndef DMTEST_H
#define DMTEST_H

/* Both vCPUs at the device at once (skipped with one vCPU). */
void dmtest_two_vcpus(void);
/* The hostile "rewrite" mode: returns only if the hypervisor let it. */
void dmtest_rewrite(void);

#endif
