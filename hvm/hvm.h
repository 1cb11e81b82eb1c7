/*
 * Hardware-assisted virtualization: the vendor-neutral interface.  One ops
 * table, chosen once at boot by hvm_init(), is implemented by hvm/svm/ and
 * hvm/vmx/.  xen/ code calls only the functions below.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include <xen/types.h>

struct hvm_function_table {
	const char *name;			/* "SVM" or "VMX" */
	/*
	 * Per-CPU enable (EFER.SVME + host save area, or VMXON).  Pre: runs on
	 * @cpu itself, once per bring-up.  Returns 0 or -errno; cpu_error()
	 * then says why in words.
	 */
	int (*cpu_up)(unsigned int cpu);
	/* Undo cpu_up() on @cpu (runs on @cpu).  Harmless if it never ran. */
	void (*cpu_down)(unsigned int cpu);
	/* One line describing the features found, for the boot log. */
	void (*describe)(char *buf, size_t len);
	/* The few features the vendor code branches on, e.g. "EPT, VPID";
	 * the per-CPU "CPUn: VMX enabled (...)" line shows them. */
	const char *(*cpu_features)(void);
	/* Why the last cpu_up(@cpu) failed (static string). */
	const char *(*cpu_error)(unsigned int cpu);
};

/* Probe the boot CPU; boot_fatal() with a clear message when neither
 * vendor's virtualization is usable. */
void hvm_init(void);
/* Enable virtualization on this CPU (called on each CPU as it comes up);
 * boot_fatal() naming the CPU and the reason if it cannot. */
int hvm_cpu_up(unsigned int cpu);
void hvm_cpu_down(unsigned int cpu);
/* Static string for the platform summary, e.g. "VMX: EPT (2M), ...". */
const char *hvm_summary(void);

/* Vendor probes: return the ops table if the CPU supports it, else NULL
 * and set *why to the reason (e.g. "disabled by firmware"). */
const struct hvm_function_table *svm_probe(const char **why);
const struct hvm_function_table *vmx_probe(const char **why);

/* Append @item to the comma-separated list in @buf (always terminated). */
void hvm_list_add(char *buf, size_t len, const char *item);

#endif
