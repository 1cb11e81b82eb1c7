/*
 * Port I/O routing.  Nothing is passed through to hardware: port 0xE9 is
 * the per-domain debug console (Bochs/QEMU convention, and Linux's
 * fallback for xen_raw_printk, docs/xen-abi.md §A.6 step 6), every other
 * port is unclaimed until the device model arrives: reads return all ones,
 * writes are dropped (docs/style.md "Errors").
 */
#include <hvm/hvm.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define DEBUG_PORT 0xe9

void hvm_portio(struct vcpu *v, u16 port, unsigned int size, bool in,
		u32 *val)
{
	if (in) {
		*val = 0xffffffff;
		return;
	}
	if (port == DEBUG_PORT)
		domain_debug_putc(v->domain, (char)*val);
}
