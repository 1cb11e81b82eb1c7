/*
 * The devices the hypervisor emulates itself, as Xen's HVM intercepts
 * (arch/x86/hvm/intercept.c) do: an access goes to the first handler that
 * claims it, then to the domain's device models (ioreq servers), then to
 * nobody (reads all ones, writes dropped).  Each device lists one const
 * ops structure here and is added to the table in hvm/io.c (ports) or
 * hvm/mmio.c (MMIO); whether it claims an access is asked on every access,
 * so ownership can follow guest state (the APIC base, a domain without
 * the device).
 */
#ifndef HVM_IO_HANDLERS_H
#define HVM_IO_HANDLERS_H

#include <xen/types.h>

struct vcpu;

struct hvm_port_ops {
	const char *name;
	bool (*claims)(struct vcpu *v, u16 port, unsigned int size);
	/* @size 1, 2 or 4; *@val in and out (an IN's result in the low
	 * @size bytes).  0, or -errno: the domain is crashed, named. */
	int (*access)(struct vcpu *v, u16 port, unsigned int size, bool in,
		      u32 *val);
};

struct hvm_mmio_ops {
	const char *name;
	bool (*claims)(struct vcpu *v, u64 gpa);
	/* @size 1, 2, 4 or 8, within the page of @gpa.  0, or -errno: the
	 * domain is crashed, named. */
	int (*read)(struct vcpu *v, u64 gpa, unsigned int size, u64 *val);
	int (*write)(struct vcpu *v, u64 gpa, unsigned int size, u64 val);
};

/* The devices. */
extern const struct hvm_mmio_ops vlapic_mmio_ops;	/* hvm/vlapic_xapic.c */
extern const struct hvm_port_ops vpci_cf8_ops;		/* hvm/vpci_io.c */
extern const struct hvm_mmio_ops vpci_ecam_ops;		/* hvm/vpci_io.c */

#endif
