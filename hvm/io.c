/*
 * Port I/O routing.  Nothing is passed through to hardware: port 0xE9 is
 * the per-domain debug console (Bochs/QEMU convention, and Linux's
 * fallback for xen_raw_printk), every other port is unclaimed until the
 * device model arrives: reads return all ones, writes are dropped, as on
 * a bus where nothing answers.  A port a device model claims will be
 * handed to it with hvm_ioreq_wait() and answered HVM_WAIT_IO.
 */
#include <hvm/hvm.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define DEBUG_PORT 0xe9

enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val)
{
	if (in) {
		*val = 0xffffffff;
		return HVM_DONE;
	}
	if (port == DEBUG_PORT)
		domain_debug_putc(v->domain, (char)*val);
	return HVM_DONE;
}
