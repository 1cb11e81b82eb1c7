/*
 * Hypercall entry (docs/xen-abi.md §A.5, F.1): the vendor's instruction and
 * the hypercall page give the same answers; the page holds Xen's 32-byte
 * stubs; unknown and out-of-range numbers return -ENOSYS; ring 3 gets
 * -EPERM; the guest's registers other than RAX survive; and the other
 * vendor's instruction raises #UD, as on Xen 4.17.
 */
#include "lib.h"

#define XENVER_4_17 0x40011
#define STUB_IRET 23		/* __HYPERVISOR_iret: ud2 in Xen's page */

static const char *insn_name(enum hc_insn i)
{
	return i == HC_VMMCALL ? "VMMCALL" : "VMCALL";
}

static void check_native(void)
{
	long v = hypercall_insn(hc_native, __HYPERVISOR_xen_version,
				XENVER_version, 0, 0, 0, 0);

	report(v == XENVER_4_17, "%s xen_version(XENVER_version) = %#lx",
	       insn_name(hc_native), v);
	v = hypercall_insn(hc_native, 40, 0, 0, 0, 0, 0);
	report(v == -ENOSYS, "%s hypercall 40 (unimplemented) = %ld", insn_name(hc_native), v);
	v = hypercall_insn(hc_native, 1000, 0, 0, 0, 0, 0);
	report(v == -ENOSYS, "%s hypercall 1000 (out of range) = %ld", insn_name(hc_native), v);
	/* All of RAX is the number: 2^32 + 17 is not xen_version. */
	v = hypercall_insn(hc_native, (1UL << 32) | __HYPERVISOR_xen_version,
			   XENVER_version, 0, 0, 0, 0);
	report(v == -ENOSYS, "%s hypercall 2^32+17 (out of range) = %ld",
	       insn_name(hc_native), v);
}

/* Every stub is "mov $i, %eax; <insn>; ret" except iret's "ud2". */
static bool stub_ok(unsigned int i, const u8 *insn)
{
	const u8 *s = hypercall_page + 32 * i;

	if (i == STUB_IRET)
		return s[0] == 0x0f && s[1] == 0x0b;
	return s[0] == 0xb8 && s[1] == i && !s[2] && !s[3] && !s[4] &&
	       !memcmp(s + 5, insn, 3) && s[8] == 0xc3;
}

static void check_page(void)
{
	static const u8 vmcall[3] = { 0x0f, 0x01, 0xc1 }, vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	const u8 *insn = hc_native == HC_VMMCALL ? vmmcall : vmcall;
	const u8 *s17 = hypercall_page + 32 * __HYPERVISOR_xen_version;
	unsigned int i, bad = 0;
	int vec;
	long v;

	memset(hypercall_page, 0xcc, sizeof(hypercall_page));
	vec = hypercall_page_install();
	if (!report(vec == FAULT_NONE, "wrmsr %#x = %p (hypercall page) accepted",
		    cpuid(0x40000002).b, hypercall_page))
		return;
	report_info("stub 17: %02x %02x %02x %02x %02x %02x %02x %02x %02x",
		    s17[0], s17[1], s17[2], s17[3], s17[4], s17[5], s17[6], s17[7], s17[8]);
	report(!memcmp(s17 + 5, insn, 3), "stub 17 holds %s (%02x %02x %02x)",
	       insn_name(hc_native), insn[0], insn[1], insn[2]);
	for (i = 0; i < PAGE_SIZE / 32; i++) {
		if (!stub_ok(i, insn)) {
			if (bad++ < 4)
				report_info("stub %u differs: %02x %02x %02x %02x %02x %02x %02x %02x %02x",
					    i, hypercall_page[32 * i], hypercall_page[32 * i + 1],
					    hypercall_page[32 * i + 2], hypercall_page[32 * i + 3],
					    hypercall_page[32 * i + 4], hypercall_page[32 * i + 5],
					    hypercall_page[32 * i + 6], hypercall_page[32 * i + 7],
					    hypercall_page[32 * i + 8]);
		}
	}
	report(!bad, "all 128 stubs are mov/%s/ret (stub 23, iret, is ud2): %u differ",
	       insn_name(hc_native), bad);

	v = hypercall_via_page(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	report(v == XENVER_4_17, "page: xen_version(XENVER_version) = %#lx", v);
	v = hypercall_via_page(40, 0, 0, 0, 0, 0);
	report(v == -ENOSYS, "page: hypercall 40 (unimplemented) = %ld", v);
	if (is_initial_domain) {
		static const char msg[] = "hypercall: console_io through the page\n";

		v = hypercall_via_page(__HYPERVISOR_console_io, CONSOLEIO_write,
				       sizeof(msg) - 1, (unsigned long)msg, 0, 0);
		report(v >= 0, "page: console_io write = %ld", v);
	} else {
		v = hypercall_via_page(__HYPERVISOR_console_io, CONSOLEIO_write, 1,
				       (unsigned long)"x", 0, 0);
		report(v == -EPERM, "page: console_io from a domU = %ld (-EPERM)", v);
	}
}

/* Registers other than RAX (and the argument registers, which Xen may
 * clobber) come back unchanged. */
static void check_preserved(void)
{
	register u64 rbx asm("rbx") = 0x1111111111111111;
	register u64 rcx asm("rcx") = 0x2222222222222222;
	register u64 r9 asm("r9") = 0x3333333333333333;
	register u64 r11 asm("r11") = 0x4444444444444444;
	register u64 r12 asm("r12") = 0x5555555555555555;
	register u64 r13 asm("r13") = 0x6666666666666666;
	register u64 r14 asm("r14") = 0x7777777777777777;
	register u64 r15 asm("r15") = 0x8888888888888888;
	u64 rax = __HYPERVISOR_xen_version, rdi = XENVER_version, rsi = 0, rdx = 0;
	register u64 r10 asm("r10") = 0;
	register u64 r8 asm("r8") = 0;
	bool ok;

	if (hc_native == HC_VMMCALL)
		asm volatile("vmmcall" : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			     "+r"(r10), "+r"(r8), "+r"(rbx), "+r"(rcx), "+r"(r9),
			     "+r"(r11), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			     : : "memory");
	else
		asm volatile("vmcall" : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx),
			     "+r"(r10), "+r"(r8), "+r"(rbx), "+r"(rcx), "+r"(r9),
			     "+r"(r11), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			     : : "memory");
	ok = rbx == 0x1111111111111111 && rcx == 0x2222222222222222 &&
	     r9 == 0x3333333333333333 && r11 == 0x4444444444444444 &&
	     r12 == 0x5555555555555555 && r13 == 0x6666666666666666 &&
	     r14 == 0x7777777777777777 && r15 == 0x8888888888888888;
	report(ok && rax == XENVER_4_17,
	       "RBX RCX R9 R11-R15 preserved across a hypercall (RAX %#lx)", rax);
}

static void user_native(void)
{
	user_exit(hypercall_insn(hc_native, __HYPERVISOR_xen_version,
				 XENVER_version, 0, 0, 0, 0));
}

static void user_page(void)
{
	user_exit(hypercall_via_page(__HYPERVISOR_xen_version, XENVER_version,
				     0, 0, 0, 0));
}

static void user_noop(void)
{
	user_exit(42);
}

static void check_user(void)
{
	u64 v = user_run(user_noop);

	if (!report(v == 42, "ring 3 round trip works (%#lx)", v))
		return;
	v = user_run(user_native);
	report((long)v == -EPERM, "%s from CPL 3 = %ld (-EPERM)%s",
	       insn_name(hc_native), (long)v,
	       v == USER_FAULTED ? " - it faulted instead" : "");
	v = user_run(user_page);
	report((long)v == -EPERM, "page call from CPL 3 = %ld (-EPERM)%s", (long)v,
	       v == USER_FAULTED ? " - it faulted instead" : "");
}

/*
 * Xen 4.17 does not emulate the other vendor's instruction for HVM guests:
 * it raises #UD, as the CPU would (docs/xen-abi.md §A.5, §F.1).  Linux
 * picks the right one from the CPUID vendor, so nothing relies on it.
 */
static void check_other_vendor(void)
{
	enum hc_insn other = hc_native == HC_VMMCALL ? HC_VMCALL : HC_VMMCALL;
	long v = 0;
	int vec = hypercall_insn_safe(other, __HYPERVISOR_xen_version,
				      XENVER_version, 0, 0, &v);

	report(vec == 6, "%s (the other vendor's) raises #UD as on Xen (got %s)",
	       insn_name(other), vec == FAULT_NONE ? "a result" : vector_name(vec));
}

int main(void)
{
	report_info("CPU vendor is %s: native instruction %s",
		    cpu_is_amd ? "AMD/Hygon" : "not AMD", insn_name(hc_native));
	check_native();
	check_preserved();
	check_page();
	check_user();
	check_other_vendor();
	return report_result();
}
