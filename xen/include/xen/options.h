/* The hypervisor's command-line options (parsed by options_parse()). */
#ifndef XEN_OPTIONS_H
#define XEN_OPTIONS_H

#include <xen/param.h>

extern unsigned int opt_console;		/* PARAM_CONSOLE_* mask */
extern struct param_com opt_com1;
extern struct param_loglvl opt_loglvl;
extern struct param_dom0_mem opt_dom0_mem;
extern struct param_vcpu_range opt_dom0_max_vcpus;
extern char opt_sched[16];
extern unsigned int opt_max_cpus;
extern char opt_selftest[16];
/* selftest=preempt: every preemptible hypercall continues after each step
 * (a test of continuations: the answers must not change). */
extern bool opt_selftest_preempt;
/* stall_dump=<seconds>: dump state once no vCPU ran for that long; 0 off
 * (xen/common/dump_state.c). */
extern unsigned int opt_stall_dump;
/* iommu=: remap DMA where there is an IOMMU (xen/arch/x86/iommu/vtd.c). */
extern struct param_iommu opt_iommu;
/* dom0-iommu=: what dom0's p2m holds for its devices (pv/dom0_build.c). */
extern struct param_dom0_iommu opt_dom0_iommu;

/* Parse, apply the console options, and stop with one clear line if any
 * value was bad. */
void options_parse(const char *cmdline);
/* The hypervisor's command line as the boot loader gave it. */
extern const char *hypervisor_cmdline;

#endif
