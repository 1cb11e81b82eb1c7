/* Hypercall dispatch: one table of number, handler and who may call. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <xen/types.h>

struct vcpu;

/* Decode the arguments from @v's registers, run the handler, put the
 * result in RAX.  Pre: RIP already points past the instruction. */
void hypercall_dispatch(struct vcpu *v);

#endif
