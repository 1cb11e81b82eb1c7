/*
 * Hypercalls: one table of number, handler and who may call
 * (xen/common/hypercall.c), and every handler declared here with one type,
 * so the table and the definitions are checked by the compiler.
 *
 * Calling convention (Xen's for HVM guests, docs/xen-abi.md §A.5): RAX is
 * the number; 64-bit callers pass RDI, RSI, RDX, R10, R8, 32-bit callers
 * EBX, ECX, EDX, ESI, EDI; the result goes back in RAX.  A 32-bit caller's
 * structures have the compat layout: handlers read and write them through
 * the typed translations of xen/compat.h, never with sizes of their own.
 *
 * Continuations.  A handler with a long list of work (grant-table batches,
 * reservation lists, ...) checks hypercall_preempt_check() between items;
 * when it says yes, the handler records its progress in args->a[] exactly
 * as Xen does for that hypercall (e.g. the start extent in memory_op's
 * cmd, the remaining count and advanced pointer of a grant batch) and
 * returns -ERESTART.  The dispatcher then writes the arguments back into
 * the guest's registers and leaves RIP on the hypercall instruction, so
 * the guest re-issues the call when it next runs: other vCPUs, timers and
 * the guest's own interrupts get their turn in between.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>

struct vcpu;

struct hypercall_args {
	u64 a[5];	/* arguments; a 32-bit caller's zero-extended */
	bool compat;	/* the caller is in 32-bit mode */
};

typedef long hypercall_fn_t(struct vcpu *v, struct hypercall_args *args);

/* Should a preemptible handler stop now?  Something else wants this pCPU
 * (a softirq: timers, a reschedule), or the calling vCPU has an
 * interrupt to take.  selftest=preempt says yes every time. */
bool hypercall_preempt_check(void);

/* The handlers (__HYPERVISOR_* in public/xen.h). */
hypercall_fn_t do_set_timer_op;
hypercall_fn_t do_platform_op;
hypercall_fn_t do_memory_op;
hypercall_fn_t do_xen_version;
hypercall_fn_t do_console_io;
hypercall_fn_t do_grant_table_op;
hypercall_fn_t do_vm_assist;
hypercall_fn_t do_vcpu_op;
hypercall_fn_t do_sched_op;
hypercall_fn_t do_event_channel_op;
hypercall_fn_t do_physdev_op;
hypercall_fn_t do_hvm_op;
hypercall_fn_t do_dm_op;		/* devmodel/dm_op.c */
hypercall_fn_t do_multicall;
hypercall_fn_t do_sysctl;
hypercall_fn_t do_domctl;

/*
 * Decode the arguments from @v's registers, run the handler, put the
 * result in RAX.  HYPERCALL_DONE: the caller advances RIP past the
 * hypercall instruction.  HYPERCALL_CONTINUE: the handler was preempted
 * (see above); RIP must stay on the instruction.
 * Pre: RIP still points at the hypercall instruction.
 */
enum hypercall_result {
	HYPERCALL_DONE,
	HYPERCALL_CONTINUE,
};
enum hypercall_result hypercall_dispatch(struct vcpu *v);

#endif
