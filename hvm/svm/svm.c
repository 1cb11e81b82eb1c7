/*
 * AMD SVM: probe and per-CPU enable (AMD APM vol. 2 ch. 15).
 *
 * Amphi requires nested paging (APM 15.25): without it guests would need
 * shadow page tables, which we do not implement.  Everything else is
 * optional and the backend must cope when it is missing; in particular
 * QEMU TCG and Bochs's SVM models (ryzen, trinity_apu, zambezi) have no
 * next-RIP saving, VMCB clean bits or decode assists, so the describe line
 * names those explicitly when absent.
 *
 * Enabling SVM on a CPU (APM 15.4) is two MSR writes: EFER.SVME, and
 * VM_HSAVE_PA pointing at a 4 KiB page where VMRUN saves host state.
 * Each CPU also gets a page for the host's VMSAVE image (entry.S) and
 * its FPU/XSAVE set-up (hvm/fpu.c).  The vCPU side lives in vcpu.c.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/svm/svm.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct svm_caps svm_caps;
void *svm_host_save[NR_CPUS];

/* Written only by the CPU it describes, read after cpu_up() returns. */
static const char *svm_cpu_why[NR_CPUS];
static char svm_short[80];

/*
 * Optional features worth logging.  "key" ones change code paths in the
 * backend (instruction lengths, VMCB caching, TLB flushes), so the
 * per-CPU line shows them and the describe line lists them when missing.
 */
static const struct {
	u32 bit;
	bool key;
	const char *name;
} svm_feature_names[] = {
	{ SVM_FEAT_NRIPS, true, "NRIPS" },
	{ SVM_FEAT_VMCBCLEAN, true, "VMCB clean bits" },
	{ SVM_FEAT_FLUSHASID, true, "flush-by-ASID" },
	{ SVM_FEAT_DECODE, true, "decode assists" },
	{ SVM_FEAT_VGIF, false, "vGIF" },
	{ SVM_FEAT_PAUSEFILTER, false, "pause filter" },
	{ SVM_FEAT_PFTHRESHOLD, false, "pause filter threshold" },
	{ SVM_FEAT_AVIC, false, "AVIC" },
	{ SVM_FEAT_VMSAVEVIRT, false, "virtual VMSAVE/VMLOAD" },
	{ SVM_FEAT_LBRV, false, "LBR virtualization" },
	{ SVM_FEAT_TSCRATE, false, "TSC ratio" },
};

/*
 * Check that this CPU can run SVM guests and read its capabilities.
 * Returns NULL if usable, else why not.  May clear VM_CR.SVMDIS.
 */
static const char *svm_check_cpu(struct svm_caps *c)
{
	struct cpuid_regs r;
	u64 vm_cr;

	cpuid(0x80000000, &r);
	if (r.eax < 0x80000001 ||
	    !(cpuid_ecx(0x80000001) & X86_FEATURE_BIT(SVM)))
		return "CPU has no SVM";
	if (r.eax < 0x8000000A)
		return "no CPUID leaf 0x8000000A";
	if (!rdmsr_safe(MSR_VM_CR, &vm_cr))
		return "VM_CR MSR unreadable";
	/* APM 15.30.1: SVMDIS makes EFER.SVME reserved.  While LOCK is
	 * clear, software may write SVMDIS; once set only firmware can. */
	if (vm_cr & VM_CR_SVMDIS) {
		if (vm_cr & VM_CR_LOCK)
			return "disabled by firmware (VM_CR.SVMDIS locked)";
		wrmsr(MSR_VM_CR, vm_cr & ~VM_CR_SVMDIS);
	}

	cpuid(0x8000000A, &r);
	c->revision = r.eax & 0xff;
	c->nr_asids = r.ebx;
	c->features = r.edx;
	if (!(c->features & SVM_FEAT_NP))
		return "SVM without nested paging (NPT)";
	if (c->nr_asids < 2)
		return "SVM with no ASID for guests";
	return NULL;
}

static void svm_describe(char *buf, size_t len)
{
	char missing[80] = "";
	char item[32];

	buf[0] = '\0';
	snprintf(item, sizeof(item), "ASIDs %u", svm_caps.nr_asids);
	hvm_list_add(buf, len, "NPT");
	hvm_list_add(buf, len, item);
	for (unsigned int i = 0; i < ARRAY_SIZE(svm_feature_names); i++) {
		if (svm_has(svm_feature_names[i].bit))
			hvm_list_add(buf, len, svm_feature_names[i].name);
		else if (svm_feature_names[i].key)
			hvm_list_add(missing, sizeof(missing),
				     svm_feature_names[i].name);
	}
	if (missing[0]) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "; no %s", missing);
	}
}

static const char *svm_cpu_features(void)
{
	return svm_short;
}

static const char *svm_cpu_error(unsigned int cpu)
{
	return svm_cpu_why[cpu] ? svm_cpu_why[cpu] : "unknown error";
}

/*
 * Pre: runs on @cpu; svm_probe() succeeded on the boot CPU; SVM is off on
 * @cpu (hvm_host_area is NULL until cpu_up() and after cpu_down()).
 */
static int svm_cpu_up(unsigned int cpu)
{
	struct percpu *pc = per_cpu(cpu);
	struct svm_caps c;
	void *hsave;

	BUG_ON(cpu != smp_processor_id());
	if (pc->hvm_host_area) {
		svm_cpu_why[cpu] = "SVM already enabled";
		return -EBUSY;
	}
	svm_cpu_why[cpu] = svm_check_cpu(&c);
	if (svm_cpu_why[cpu])
		return -ENODEV;
	/* The backend is built around CPU0's features: all must have them. */
	if ((c.features & svm_caps.features) != svm_caps.features ||
	    c.nr_asids < svm_caps.nr_asids) {
		svm_cpu_why[cpu] = "SVM features differ from CPU0's";
		return -ENODEV;
	}

	if (fpu_cpu_init()) {
		svm_cpu_why[cpu] = "XSAVE features differ from CPU0's";
		return -ENODEV;
	}

	hsave = alloc_zeroed_pages(0);
	svm_host_save[cpu] = alloc_zeroed_pages(0);
	if (!hsave || !svm_host_save[cpu]) {
		free_pages(hsave, 0);
		free_pages(svm_host_save[cpu], 0);
		svm_host_save[cpu] = NULL;
		svm_cpu_why[cpu] = "no memory for the host save area";
		return -ENOMEM;
	}
	/* APM 15.30.4: 4 KiB aligned physical address; identity-mapped. */
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)hsave);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	pc->hvm_host_area = hsave;
	return 0;
}

/* Pre: runs on @cpu, no guest state loaded on it, GIF = 1. */
static void svm_cpu_down(unsigned int cpu)
{
	struct percpu *pc = per_cpu(cpu);

	BUG_ON(cpu != smp_processor_id());
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
	if (!pc->hvm_host_area)
		return;
	/* With SVME clear the CPU no longer owns the save area. */
	wrmsr(MSR_VM_HSAVE_PA, 0);
	free_pages(pc->hvm_host_area, 0);
	pc->hvm_host_area = NULL;
	free_pages(svm_host_save[cpu], 0);
	svm_host_save[cpu] = NULL;
}

static const struct hvm_function_table svm_ops = {
	.name = "SVM",
	.cpu_up = svm_cpu_up,
	.cpu_down = svm_cpu_down,
	.describe = svm_describe,
	.cpu_features = svm_cpu_features,
	.cpu_error = svm_cpu_error,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_set_state = svm_vcpu_set_state,
	.vcpu_run = svm_vcpu_run,
	.vcpu_migrate = svm_vcpu_migrate,
	.get_seg = svm_get_seg,
	.get_cr = svm_get_cr,
	.guest_mode = svm_guest_mode,
	.get_efer = svm_get_efer,
	.get_aux_state = svm_get_aux_state,
	.set_aux_state = svm_set_aux_state,
	.event_trace = svm_event_trace,
	.msr_read = svm_msr_read,
	.msr_write = svm_msr_write,
	.inject_exception = svm_inject_exception,
	.inject_interrupt = svm_inject_interrupt,
	.interrupt_ready = svm_interrupt_ready,
	.set_tsc_offset = svm_set_tsc_offset,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.hypercall_insn = { 0x0f, 0x01, 0xd9 },	/* VMMCALL */
};

const struct hvm_function_table *svm_probe(const char **why)
{
	*why = svm_check_cpu(&svm_caps);
	if (*why)
		return NULL;
	if (svm_vcpu_setup()) {
		*why = "no memory for the I/O and MSR permission maps";
		return NULL;
	}

	svm_short[0] = '\0';
	hvm_list_add(svm_short, sizeof(svm_short), "NPT");
	for (unsigned int i = 0; i < ARRAY_SIZE(svm_feature_names); i++)
		if (svm_feature_names[i].key && svm_has(svm_feature_names[i].bit))
			hvm_list_add(svm_short, sizeof(svm_short),
				     svm_feature_names[i].name);
	return &svm_ops;
}
