/*
 * Intel VMX: probe and per-CPU enable (Intel SDM vol. 3 ch. 23-24 and
 * appendix A; section numbers as in vmx.h).
 *
 * Amphi requires EPT (guests would otherwise need shadow page tables) and
 * unrestricted guest (real-mode and unpaged guest code, i.e. firmware and
 * boot loaders, runs natively instead of under an emulator).  VPID is
 * optional: without it every VM entry/exit flushes the TLB.
 *
 * Enabling VMX on a CPU (23.7) takes: IA32_FEATURE_CONTROL locked with
 * "VMX outside SMX" set, CR0/CR4 within the fixed-bit masks with CR4.VMXE,
 * and VMXON on a 4 KiB region stamped with the VMCS revision id.  Every
 * CPU repeats the checks: firmware sets the MSR per CPU and may get one
 * wrong.  (Bochs's BIOS locks it with VMX on, 0x5, on every CPU.)
 *
 * The probe also fixes the execution controls every vCPU starts from
 * (vmx_setup_controls()); the vCPU itself lives in vcpu.c (lifecycle,
 * the VMCS across pCPUs), state.c (registers, CR exits, MSRs) and run.c
 * (events, entry, exit decoding), with entry.S for VMLAUNCH/VMRESUME and
 * debug.c for the rules of an intercepted #DB.
 */
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <hvm/vmx/vmcs.h>
#include <hvm/vmx/vmx.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_alloc.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct vmx_caps vmx_caps;
struct vmx_ctls vmx_ctls;

/* Written only by the CPU it describes, read after cpu_up() returns. */
static const char *vmx_cpu_why[NR_CPUS];

enum vmx_cap_src { VMX_SRC_PIN, VMX_SRC_PROC2, VMX_SRC_EPT };

/* Optional features worth logging, in the order the describe line shows. */
static const struct {
	enum vmx_cap_src src;
	u64 bit;
	const char *name;
} vmx_feature_names[] = {
	{ VMX_SRC_PROC2, VMX_PROC2_UNRESTRICTED, "unrestricted guest" },
	{ VMX_SRC_PROC2, VMX_PROC2_RDTSCP, "RDTSCP" },
	{ VMX_SRC_PROC2, VMX_PROC2_INVPCID, "INVPCID" },
	{ VMX_SRC_PROC2, VMX_PROC2_XSAVES, "XSAVES" },
	{ VMX_SRC_PROC2, VMX_PROC2_PAUSE_LOOP, "PAUSE-loop exiting" },
	{ VMX_SRC_PIN, VMX_PIN_PREEMPT_TIMER, "preemption timer" },
	{ VMX_SRC_PROC2, VMX_PROC2_VIRT_APIC, "APIC-access virtualization" },
	{ VMX_SRC_PROC2, VMX_PROC2_APIC_REG_VIRT, "APIC-register virtualization" },
	{ VMX_SRC_PROC2, VMX_PROC2_VINTR_DELIVERY, "virtual-interrupt delivery" },
	{ VMX_SRC_PIN, VMX_PIN_POSTED_INTR, "posted interrupts" },
};

static const struct {
	u64 bit;
	const char *name;
} vmx_ept_names[] = {
	{ VMX_EPT_2M, "2M" },
	{ VMX_EPT_1G, "1G" },
	{ VMX_EPT_AD, "A/D" },
	{ VMX_EPT_EXEC_ONLY, "exec-only" },
};

static bool vmx_cap_has(enum vmx_cap_src src, u64 bit)
{
	switch (src) {
	case VMX_SRC_PIN:
		return VMX_ALLOWED1(vmx_caps.pin, bit);
	case VMX_SRC_PROC2:
		return VMX_ALLOWED1(vmx_caps.proc2, bit);
	case VMX_SRC_EPT:
		return (vmx_caps.ept_vpid & bit) == bit;
	}
	return false;
}

/* Read the capability MSRs (appendix A).  Pre: CPUID says VMX exists. */
static const char *vmx_read_msrs(struct vmx_caps *c)
{
	bool tru;
	const struct {
		u32 msr, true_msr;
		u64 *val;
	} regs[] = {
		{ MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS, &c->pin },
		{ MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS, &c->proc },
		{ MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS, &c->exit },
		{ MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS, &c->entry },
		{ MSR_IA32_VMX_MISC, MSR_IA32_VMX_MISC, &c->misc },
		{ MSR_IA32_VMX_CR0_FIXED0, MSR_IA32_VMX_CR0_FIXED0, &c->cr0_fixed0 },
		{ MSR_IA32_VMX_CR0_FIXED1, MSR_IA32_VMX_CR0_FIXED1, &c->cr0_fixed1 },
		{ MSR_IA32_VMX_CR4_FIXED0, MSR_IA32_VMX_CR4_FIXED0, &c->cr4_fixed0 },
		{ MSR_IA32_VMX_CR4_FIXED1, MSR_IA32_VMX_CR4_FIXED1, &c->cr4_fixed1 },
	};

	memset(c, 0, sizeof(*c));
	if (!rdmsr_safe(MSR_IA32_VMX_BASIC, &c->basic))
		return "IA32_VMX_BASIC unreadable";
	/* A.1: BASIC[55] says the TRUE_* MSRs exist; they report which
	 * default-1 controls may be 0.  The allowed-1 halves are equal. */
	tru = c->basic & VMX_BASIC_TRUE_CTLS;
	for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++)
		if (!rdmsr_safe(tru ? regs[i].true_msr : regs[i].msr, regs[i].val))
			return "a VMX capability MSR is unreadable";

	/* A.3.2: PROCBASED_CTLS2 exists only if secondary controls can be
	 * activated; A.10: EPT_VPID_CAP only if EPT or VPID can be. */
	if (!VMX_ALLOWED1(c->proc, VMX_PROC_SECONDARY))
		return "VMX without secondary controls (no EPT)";
	if (!rdmsr_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &c->proc2))
		return "IA32_VMX_PROCBASED_CTLS2 unreadable";
	if (!VMX_ALLOWED1(c->proc2, VMX_PROC2_EPT | VMX_PROC2_VPID))
		return "VMX without EPT";
	if (!rdmsr_safe(MSR_IA32_VMX_EPT_VPID_CAP, &c->ept_vpid))
		return "IA32_VMX_EPT_VPID_CAP unreadable";
	return NULL;
}

/* Read this CPU's capabilities and check what Amphi needs; NULL if OK. */
static const char *vmx_read_caps(struct vmx_caps *c)
{
	const u64 ept_need = VMX_EPT_WALK_4 | VMX_EPT_MEMTYPE_WB | VMX_EPT_INVEPT;
	const char *why = vmx_read_msrs(c);

	if (why)
		return why;
	/* A.1: the VMXON region and VMCS take at most 4 KiB and must be
	 * accessed write-back for our page-allocated regions to work. */
	if (VMX_BASIC_VMCS_SIZE(c->basic) > PAGE_SIZE)
		return "VMCS larger than 4 KiB";
	if (VMX_BASIC_MEMTYPE(c->basic) != VMX_MEMTYPE_WB)
		return "VMCS memory type is not write-back";
	if (!VMX_ALLOWED1(c->proc2, VMX_PROC2_EPT))
		return "VMX without EPT";
	if (!VMX_ALLOWED1(c->proc2, VMX_PROC2_UNRESTRICTED))
		return "VMX with EPT but without unrestricted guest";
	/* A.10: our EPT tables are 4-level, write-back, flushed by INVEPT. */
	if ((c->ept_vpid & ept_need) != ept_need ||
	    !(c->ept_vpid & (VMX_EPT_INVEPT_SINGLE | VMX_EPT_INVEPT_ALL)))
		return "EPT without 4-level walks, write-back tables or INVEPT";
	c->vpid = VMX_ALLOWED1(c->proc2, VMX_PROC2_VPID) &&
		  (c->ept_vpid & VMX_VPID_INVVPID) &&
		  (c->ept_vpid & (VMX_VPID_INVVPID_SINGLE | VMX_VPID_INVVPID_ALL));
	return NULL;
}

/*
 * 23.7: VMXON #GPs unless IA32_FEATURE_CONTROL is locked with VMX enabled
 * outside SMX.  Firmware normally locks it; if it left the MSR unlocked
 * (some hypervisors, coreboot setups) we lock it ourselves, with VMX on.
 */
static const char *vmx_enable_feature_control(void)
{
	u64 fc;

	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc))
		return "IA32_FEATURE_CONTROL unreadable";
	if (fc & FEATURE_CONTROL_LOCK)
		return fc & FEATURE_CONTROL_VMX ? NULL :
			"disabled by firmware (IA32_FEATURE_CONTROL locked "
			"without VMX)";
	wrmsr(MSR_IA32_FEATURE_CONTROL,
	      fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX);
	printk(KERN_DEBUG "CPU%u: IA32_FEATURE_CONTROL %#lx was unlocked; "
	       "locked it with VMX on\n", smp_processor_id(), (unsigned long)fc);
	return NULL;
}

/* Everything up to the first state change on this CPU; NULL if usable. */
static const char *vmx_check_cpu(struct vmx_caps *c)
{
	const char *why;

	if (!(cpuid_ecx(1) & X86_FEATURE_BIT(VMX)))
		return "CPU has no VMX";
	why = vmx_read_caps(c);
	return why ? why : vmx_enable_feature_control();
}

/* The backend is built around CPU0's capabilities: all CPUs need them. */
static bool vmx_caps_match_boot_cpu(const struct vmx_caps *c)
{
	return VMX_BASIC_REVISION(c->basic) == VMX_BASIC_REVISION(vmx_caps.basic) &&
	       (c->proc2 & vmx_caps.proc2) == vmx_caps.proc2 &&
	       (c->ept_vpid & vmx_caps.ept_vpid) == vmx_caps.ept_vpid &&
	       c->vpid >= vmx_caps.vpid;
}

/*
 * A.7, A.8: in VMX operation every CR0/CR4 bit set in FIXED0 must be 1 and
 * every bit clear in FIXED1 must be 0.  Setting the missing fixed-1 bits
 * (CR0.NE, CR4.VMXE) is harmless to us; clearing bits the host uses is
 * not, so that is reported instead.
 */
static const char *vmx_fix_control_regs(const struct vmx_caps *c)
{
	unsigned long cr0 = read_cr0(), cr4 = read_cr4() | X86_CR4_VMXE;

	if (cr0 & ~c->cr0_fixed1)
		return "CR0 has bits set that VMX operation forbids";
	if (cr4 & ~c->cr4_fixed1)
		return "CR4 has bits set that VMX operation forbids";
	if ((cr0 | c->cr0_fixed0) != cr0)
		write_cr0(cr0 | c->cr0_fixed0);
	write_cr4(cr4 | c->cr4_fixed0);
	return NULL;
}

enum vmx_insn_result { VMX_OK, VMX_FAULT, VMX_FAIL_INVALID, VMX_FAIL_VALID };

/*
 * 30.3 (VMXON): RFLAGS.CF = VMfailInvalid (bad region address or revision),
 * ZF = VMfailValid (already in VMX root operation).  A #GP or #UD (fixed
 * bits, feature control, A20M) is caught by the exception table so the
 * caller can say what went wrong instead of dumping registers.
 */
static enum vmx_insn_result vmx_vmxon(paddr_t pa)
{
	u8 cf = 0, zf = 0;
	int faulted = 0;

	asm volatile("1: vmxon %[pa]\n"
		     "   setc %[cf]\n"
		     "   setz %[zf]\n"
		     "2:\n"
		     ".section .ex_table, \"a\"\n"
		     ".balign 8\n"
		     ".quad 1b, 3f\n"
		     ".previous\n"
		     ".section .text.fixup, \"ax\"\n"
		     "3: movl $1, %[faulted]\n"
		     "   jmp 2b\n"
		     ".previous\n"
		     : [cf] "+q"(cf), [zf] "+q"(zf), [faulted] "+r"(faulted)
		     : [pa] "m"(pa)
		     : "cc", "memory");
	if (faulted)
		return VMX_FAULT;
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* 30.3 (VMXOFF): leave VMX operation; CF/ZF report failure as for VMXON. */
static enum vmx_insn_result vmx_vmxoff(void)
{
	u8 cf, zf;

	asm volatile("vmxoff\n"
		     "setc %[cf]\n"
		     "setz %[zf]\n"
		     : [cf] "=q"(cf), [zf] "=q"(zf) : : "cc", "memory");
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* 24.11.5: 4 KiB aligned, below 4 GiB if BASIC[48] says addresses are
 * limited to 32 bits, zeroed, revision id (bit 31 clear) in dword 0. */
u32 *vmx_alloc_region(void)
{
	u32 *region;

	if (vmx_caps.basic & VMX_BASIC_32BIT_ADDR) {
		region = alloc_pages_below(0, 1ULL << 32);
		if (region)
			memset(region, 0, PAGE_SIZE);
	} else {
		region = alloc_zeroed_pages(0);
	}
	if (region)
		region[0] = VMX_BASIC_REVISION(vmx_caps.basic);
	return region;
}

static const char *vmx_vmxon_error(enum vmx_insn_result r)
{
	switch (r) {
	case VMX_FAULT:
		return "VMXON faulted (#GP/#UD: CR0/CR4 fixed bits or "
		       "IA32_FEATURE_CONTROL)";
	case VMX_FAIL_INVALID:
		return "VMXON failed: VMfailInvalid (region address or "
		       "revision id rejected)";
	case VMX_FAIL_VALID:
		return "VMXON failed: VMfailValid (already in VMX operation)";
	default:
		return "VMXON failed";
	}
}

/*
 * Pre: runs on @cpu; vmx_probe() succeeded on the boot CPU; @cpu is not in
 * VMX operation (hvm_host_area is NULL until cpu_up() and after cpu_down()).
 */
static int vmx_cpu_up(unsigned int cpu)
{
	struct percpu *pc = per_cpu(cpu);
	const char **why = &vmx_cpu_why[cpu];
	bool had_vmxe = read_cr4() & X86_CR4_VMXE;
	enum vmx_insn_result r;
	struct vmx_caps c;
	u32 *region;

	BUG_ON(cpu != smp_processor_id());
	if (pc->hvm_host_area) {
		*why = "already in VMX operation";
		return -EBUSY;
	}
	*why = vmx_check_cpu(&c);
	if (!*why && !vmx_caps_match_boot_cpu(&c))
		*why = "VMX capabilities differ from CPU0's";
	if (!*why && fpu_cpu_init())
		*why = "XSAVE features differ from CPU0's";
	if (!*why)
		*why = vmx_fix_control_regs(&c);
	if (*why)
		return -ENODEV;

	region = vmx_alloc_region();
	if (!region) {
		*why = "no memory for the VMXON region";
		return -ENOMEM;
	}
	r = vmx_vmxon((uintptr_t)region);
	if (r != VMX_OK) {
		*why = vmx_vmxon_error(r);
		/* 23.8: CR4.VMXE cannot be cleared in VMX operation.  If it
		 * was clear when we came, we cannot be in VMX operation. */
		if (!had_vmxe)
			write_cr4(read_cr4() & ~X86_CR4_VMXE);
		free_pages(region, 0);
		return -EIO;
	}
	pc->hvm_host_area = region;
	return 0;
}

/* Pre: runs on @cpu; no VMCS of a running guest is current on it. */
static void vmx_cpu_down(unsigned int cpu)
{
	struct percpu *pc = per_cpu(cpu);

	BUG_ON(cpu != smp_processor_id());
	if (!pc->hvm_host_area)
		return;		/* never entered VMX operation */
	if (vmx_vmxoff() != VMX_OK) {
		printk(KERN_WARNING "CPU%u: VMXOFF failed; staying in VMX "
		       "operation\n", cpu);
		return;
	}
	write_cr4(read_cr4() & ~X86_CR4_VMXE);
	free_pages(pc->hvm_host_area, 0);
	pc->hvm_host_area = NULL;
}

/*
 * A.3-A.5: a control may be 0 only if its bit in the low dword of the
 * capability MSR is 0, and 1 only if its bit in the high dword is 1.
 * Returns false if a @need bit cannot be 1 or a @clear bit cannot be 0.
 */
static bool vmx_adjust(u64 cap, u32 need, u32 want, u32 clear, u32 *out)
{
	u32 val = (need | want | (u32)cap) & (u32)(cap >> 32);

	*out = val;
	return (val & need) == need && !(val & clear);
}

/*
 * What a guest runs without an exit, and what exits (Intel SDM vol. 3 ch.
 * 25, "VMX non-root operation"), answered as Xen 4.17 does unless noted.
 * The execution controls below set it up; run.c and state.c answer.
 *
 * Exit, always (25.1.2): CPUID (the policy), GETSEC (#UD: SMX hidden),
 * INVD (no-op: dropping dirty lines would hurt others), XSETBV (checked
 * against the policy), the VMX instructions (#UD: no nested VMX), task
 * switches (not emulated yet: the domain is crashed), INIT, SIPI and
 * triple fault.
 * Exit, by control: external interrupts and NMIs (the host owns both),
 * HLT (blocks the vCPU), all port I/O and all MSRs (no bitmaps), MONITOR
 * and MWAIT (#UD: CPUID hides them), RDPMC (#GP: no PMU is offered, as a
 * CPU answers an absent counter; Xen lets it run, reading host counters),
 * WBINVD (no-op: no device of ours caches, and a guest must not stall the
 * host), CR8 accesses (no TPR shadow; the vLAPIC's TPR, state.c), MOV DR until the guest owns the debug registers (run.c), CR0
 * writes to PE, PG, CD, NW and the bits VMX forces, CR4 writes to bits
 * VMX forces or the guest was not offered (#GP, state.c), the exceptions
 * #UD (VMMCALL, the AMD hypercall), #DB and #AC (a guest can make their
 * delivery loop forever inside the CPU, where no interrupt is taken and
 * no exit happens: CVE-2015-8104, CVE-2015-5307; run.c delivers them
 * back as the CPU would have, ICEBP's #DB included), PAUSE loops.
 * No exit, and why that is safe: CR3 loads and stores, INVLPG, INVPCID
 * (EPT; translations are tagged by VPID), RDTSC, RDTSCP and RDPID (TSC
 * offsetting; TSC_AUX is switched per vCPU), XGETBV, SWAPGS, SYSCALL and
 * SYSENTER (their MSRs are switched), CLTS/LMSW/MOV CR0 of other bits,
 * MOV to CR4 of offered bits (the CPU checks them), descriptor-table
 * loads and stores (guest memory only), RDRAND/RDSEED, CLFLUSH and
 * friends (guest memory only), debug registers once owned (switched).
 * #UD without an exit: XSAVES/XRSTORS, UMWAIT/TPAUSE, ENCLS (their
 * enabling controls stay 0 and CPUID hides them).
 * Guest and host EFER and PAT are switched by the CPU; interrupts are not
 * acknowledged on exit, so the host takes them through its IDT once it
 * re-enables interrupts.
 */
const char *vmx_setup_controls(void)
{
	const u32 proc_need = VMX_PROC_TSC_OFFSET | VMX_PROC_HLT |
		VMX_PROC_MWAIT | VMX_PROC_RDPMC | VMX_PROC_CR8_LOAD |
		VMX_PROC_CR8_STORE | VMX_PROC_MOV_DR | VMX_PROC_UNCOND_IO |
		VMX_PROC_MONITOR | VMX_PROC_SECONDARY;
	const u32 proc_clear = VMX_PROC_INTR_WINDOW | VMX_PROC_INVLPG |
		VMX_PROC_RDTSC | VMX_PROC_CR3_LOAD | VMX_PROC_CR3_STORE |
		VMX_PROC_TPR_SHADOW | VMX_PROC_IO_BITMAPS | VMX_PROC_MSR_BITMAP |
		VMX_PROC_PAUSE;
	const u32 exit_need = VMX_EXIT_HOST_64 | VMX_EXIT_SAVE_DEBUG |
		VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | VMX_EXIT_SAVE_EFER |
		VMX_EXIT_LOAD_EFER;
	const u32 entry_need = VMX_ENTRY_LOAD_DEBUG | VMX_ENTRY_LOAD_PAT |
		VMX_ENTRY_LOAD_EFER;
	/* RDTSCP and INVPCID run natively (TSC_AUX is switched, INVPCID
	 * acts on the guest's VPID); PAUSE-loop exiting catches spinning
	 * vCPUs whose lock holder is descheduled. */
	u32 proc2_want = VMX_PROC2_RDTSCP | VMX_PROC2_INVPCID |
		VMX_PROC2_WBINVD | VMX_PROC2_PAUSE_LOOP |
		(vmx_caps.vpid ? VMX_PROC2_VPID : 0);
	struct vmx_ctls *c = &vmx_ctls;

	if (!vmx_adjust(vmx_caps.pin, VMX_PIN_EXT_INTR | VMX_PIN_NMI, 0, 0,
			&c->pin))
		return "VMX without external-interrupt or NMI exiting";
	if (!vmx_adjust(vmx_caps.proc, proc_need, 0, proc_clear, &c->proc) ||
	    !VMX_ALLOWED1(vmx_caps.proc, VMX_PROC_INTR_WINDOW))
		return "VMX processor controls lack a required setting (CR3 "
		       "exiting cannot be turned off, or no HLT, I/O, CR8 or "
		       "interrupt-window exiting)";
	if (!vmx_adjust(vmx_caps.proc2, VMX_PROC2_EPT | VMX_PROC2_UNRESTRICTED,
			proc2_want, 0, &c->proc2))
		return "VMX without EPT and unrestricted guest";
	if (!vmx_adjust(vmx_caps.exit, exit_need, 0, VMX_EXIT_ACK_INTR,
			&c->exit))
		return "VMX cannot switch EFER/PAT on VM exit";
	if (!vmx_adjust(vmx_caps.entry, entry_need, 0, VMX_ENTRY_IA32E,
			&c->entry) ||
	    !VMX_ALLOWED1(vmx_caps.entry, VMX_ENTRY_IA32E))
		return "VMX cannot load EFER/PAT on VM entry or enter IA-32e mode";
	/*
	 * 24.6.6: guest writes to a masked bit exit, guest reads see the
	 * read shadow.  Mask the bits VMX forces (A.7, A.8: CR0.NE,
	 * CR4.VMXE, and any bit the CPU cannot set) so the guest sees its
	 * own values; PE and PG may be clear with unrestricted guest, but
	 * vcpu.c watches them to keep EFER.LMA right (26.3.1.1).  CD and NW
	 * stay the guest's own view only, as Xen does for a domain without
	 * passthrough devices: Linux's MTRR updates disable caching, which
	 * would slow every domain's memory for nothing.  (Bochs also showed
	 * NW appearing in the guest's CR0 after it set CD.)
	 */
	c->cr0_mask = vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1 |
		      X86_CR0_PE | X86_CR0_PG | X86_CR0_CD | X86_CR0_NW;
	c->cr4_mask = vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1;
	return NULL;
}

/*
 * The CPUID policy must not offer what a guest cannot run (25.3):
 * without "enable RDTSCP" RDTSCP and RDPID raise #UD, without "enable
 * INVPCID" INVPCID does.  CR4 writes to bits of features not offered
 * must exit so state.c can refuse them: add those bits to the CR4
 * guest/host mask, which every vCPU starts from.
 */
static void vmx_cpu_policy(struct x86_policy *p)
{
	if (!(vmx_ctls.proc2 & VMX_PROC2_RDTSCP)) {
		p->fw[X86_FW_E1D] &= ~X86_FEATURE_BIT(RDTSCP);
		p->fw[X86_FW_7C0] &= ~X86_FEATURE_BIT(RDPID);
	}
	if (!(vmx_ctls.proc2 & VMX_PROC2_INVPCID))
		p->fw[X86_FW_7B0] &= ~X86_FEATURE_BIT(INVPCID);
	vmx_ctls.cr4_mask |= ~x86_cr4_valid_bits(p);
}

static void vmx_describe(char *buf, size_t len)
{
	char ept[48] = "", item[48];

	for (unsigned int i = 0; i < ARRAY_SIZE(vmx_ept_names); i++)
		if (vmx_cap_has(VMX_SRC_EPT, vmx_ept_names[i].bit))
			hvm_list_add(ept, sizeof(ept), vmx_ept_names[i].name);
	buf[0] = '\0';
	snprintf(item, sizeof(item), "EPT (%s)", ept[0] ? ept : "4K only");
	hvm_list_add(buf, len, item);
	hvm_list_add(buf, len, vmx_caps.vpid ? "VPID" : "no VPID");
	for (unsigned int i = 0; i < ARRAY_SIZE(vmx_feature_names); i++)
		if (vmx_cap_has(vmx_feature_names[i].src, vmx_feature_names[i].bit))
			hvm_list_add(buf, len, vmx_feature_names[i].name);
	snprintf(item, sizeof(item), "VMCS rev %#x, %u bytes",
		 VMX_BASIC_REVISION(vmx_caps.basic),
		 VMX_BASIC_VMCS_SIZE(vmx_caps.basic));
	hvm_list_add(buf, len, item);
}

static const char *vmx_cpu_features(void)
{
	return vmx_caps.vpid ? "EPT, unrestricted guest, VPID" :
			       "EPT, unrestricted guest";
}

static const char *vmx_cpu_error(unsigned int cpu)
{
	return vmx_cpu_why[cpu] ? vmx_cpu_why[cpu] : "unknown error";
}

static const struct hvm_function_table vmx_ops = {
	.name = "VMX",
	.cpu_up = vmx_cpu_up,
	.cpu_down = vmx_cpu_down,
	.describe = vmx_describe,
	.cpu_features = vmx_cpu_features,
	.cpu_error = vmx_cpu_error,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_set_state = vmx_vcpu_set_state,
	.vcpu_run = vmx_vcpu_run,
	.vcpu_migrate = vmx_vcpu_migrate,
	.get_seg = vmx_get_seg,
	.get_cr = vmx_get_cr,
	.guest_mode = vmx_guest_mode,
	.get_efer = vmx_get_efer,
	.get_aux_state = vmx_get_aux_state,
	.set_aux_state = vmx_set_aux_state,
	.event_trace = vmx_event_trace,
	.msr_read = vmx_msr_read,
	.msr_write = vmx_msr_write,
	.inject_exception = vmx_inject_exception,
	.inject_interrupt = vmx_inject_interrupt,
	.interrupt_ready = vmx_interrupt_ready,
	.set_tsc_offset = vmx_set_tsc_offset,
	.flush_guest_tlb = vmx_flush_guest_tlb,
	.hypercall_insn = { 0x0f, 0x01, 0xc1 },		/* VMCALL */
	.cpu_policy = vmx_cpu_policy,
};

const struct hvm_function_table *vmx_probe(const char **why)
{
	*why = vmx_check_cpu(&vmx_caps);
	if (!*why)
		*why = vmx_setup_controls();
	if (*why)
		return NULL;
	vmx_vcpu_setup();
	return &vmx_ops;
}
