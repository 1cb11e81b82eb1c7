/*
 * Vendor selection for hardware-assisted virtualization.
 *
 * hvm_init() probes the boot CPU for AMD SVM, then Intel VMX, and picks ONE
 * ops table for the life of the system; everything above hvm/ calls through
 * it.  No CPU vendor check comes first: the feature bits decide, so an
 * emulator that offers SVM on an "Intel" CPU (or the reverse) works.  If
 * neither is usable Amphi has nothing to run guests with, so boot stops
 * with one line naming both reasons and what to change.
 */
#include <hvm/hvm.h>
#include <hvm/p2m/p2m.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/shutdown.h>
#include <asm/percpu.h>

const struct hvm_function_table *hvm_ops;
static enum p2m_format hvm_p2m_fmt;
static char hvm_desc[320];
static bool hvm_policy_ready;

void hvm_list_add(char *buf, size_t len, const char *item)
{
	size_t used = strnlen(buf, len);

	if (used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", item);
}

void hvm_init(void)
{
	const char *svm_why = "not probed", *vmx_why = "not probed";
	const struct hvm_function_table *ops;

	ops = svm_probe(&svm_why);
	hvm_p2m_fmt = P2M_NPT;
	if (!ops) {
		ops = vmx_probe(&vmx_why);
		hvm_p2m_fmt = P2M_EPT;
	}
	if (!ops)
		boot_fatal("this CPU has neither AMD SVM (%s) nor Intel VMX "
			   "(%s); Amphi needs hardware virtualization with "
			   "nested paging: enable it in the firmware or run QEMU "
			   "with -cpu max / Bochs with a VMX CPU model",
			   svm_why, vmx_why);

	hvm_ops = ops;
	ops->describe(hvm_desc, sizeof(hvm_desc));
	printk("hvm: %s enabled: %s\n", ops->name, hvm_desc);
}

int hvm_cpu_up(unsigned int cpu)
{
	int rc;

	BUG_ON(!hvm_ops);
	rc = hvm_ops->cpu_up(cpu);
	/* -ENODEV: this CPU lacks what CPU0 had (firmware or hardware);
	 * anything else is a resource problem or our bug. */
	if (rc)
		boot_fatal("CPU%u: cannot enable %s: %s%s", cpu, hvm_ops->name,
			   hvm_ops->cpu_error(cpu), rc != -ENODEV ? "" :
			   "; every CPU needs it: check the firmware's "
			   "virtualization setting");
	printk("CPU%u: %s enabled (%s)\n", cpu, hvm_ops->name,
	       hvm_ops->cpu_features());
	/* The boot CPU comes up first, alone: the policy needs its FPU
	 * probe (hvm/fpu.c) and the vendor's controls. */
	if (!hvm_policy_ready) {
		hvm_cpu_policy_init();
		hvm_policy_ready = true;
	}
	return 0;
}

void hvm_cpu_down(unsigned int cpu)
{
	if (!hvm_ops)
		return;
	hvm_ops->cpu_down(cpu);
	printk(KERN_DEBUG "CPU%u: %s disabled\n", cpu, hvm_ops->name);
}

const char *hvm_summary(void)
{
	static char summary[sizeof(hvm_desc) + 8];

	if (!hvm_ops)
		return "none (not probed yet)";
	snprintf(summary, sizeof(summary), "%s: %s", hvm_ops->name, hvm_desc);
	return summary;
}

int hvm_p2m_format(void)
{
	BUG_ON(!hvm_ops);
	return hvm_p2m_fmt;
}
