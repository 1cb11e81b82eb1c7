/* Hypercall dispatch: one table of number, handler and who may call. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>

struct vcpu;

/*
 * Decode the arguments from @v's registers, run the handler, put the
 * result in RAX.  HYPERCALL_DONE: the caller advances RIP past the
 * hypercall instruction.  HYPERCALL_CONTINUE: the handler was preempted
 * and recorded its progress in @v's argument registers (Xen's hypercall
 * continuation); RIP must stay on the instruction, so the guest re-issues
 * the call once it next runs, after other vCPUs and softirqs had the CPU.
 * Pre: RIP still points at the hypercall instruction.
 */
enum hypercall_result {
	HYPERCALL_DONE,
	HYPERCALL_CONTINUE,
};
enum hypercall_result hypercall_dispatch(struct vcpu *v);

#endif
