/*
 * CPUID as a Xen 4.17 HVM guest sees it (docs/xen-abi.md §A.4): the leaves
 * at 0x40000000 exactly, the hypervisor bit, and VMX/SVM hidden.
 */
#include "lib.h"

#define XEN_BASE 0x40000000

static void check_xen_leaves(void)
{
	struct cpuid c = cpuid(XEN_BASE);
	u64 t0, t1, ns;

	report(c.a == XEN_BASE + 5, "0x40000000 EAX = %#x (max leaf 0x40000005)", c.a);
	report(c.b == 0x566e6558 && c.c == 0x65584d4d && c.d == 0x4d4d566e,
	       "0x40000000 signature %.4s%.4s%.4s", (char *)&c.b, (char *)&c.c,
	       (char *)&c.d);
	if (c.a < XEN_BASE + 4) {
		report(false, "Xen leaves missing: not checking 0x40000001-4");
		return;
	}

	c = cpuid(XEN_BASE + 1);
	report(c.a == 0x00040011, "0x40000001 EAX = %#x (Xen 4.17)", c.a);

	c = cpuid(XEN_BASE + 2);
	report(c.a == 1, "0x40000002 EAX = %u hypercall page(s)", c.a);
	report(c.b == 0x40000000, "0x40000002 EBX = %#x (hypercall page MSR)", c.b);

	c = cpuid_count(XEN_BASE + 3, 0);
	report(c.c >= 1000 && c.c <= 10000000,
	       "0x40000003.0 ECX = %u kHz TSC (plausible: 1 MHz-10 GHz)", c.c);
	c = cpuid_count(XEN_BASE + 3, 1);
	report(c.c != 0 && (s32)c.d >= -32 && (s32)c.d <= 32,
	       "0x40000003.1 mul %#x shift %d", c.c, (s32)c.d);
	report_info("0x40000003.1 TSC at system time 0: %#lx, TSC now %#lx",
		    c.a | ((u64)c.b << 32), rdtsc());

	/* The scale must agree with the frequency: tsc_khz ticks are 1 ms. */
	if (time_info.valid && time_info.tsc_khz) {
		ns = tsc_to_ns(time_info.tsc_khz);
		report(ns >= 990000 && ns <= 1010000,
		       "scale(tsc_khz ticks) = %lu ns (1 ms +-1%%)", ns);
	}
	t0 = now_ns();
	t1 = now_ns();
	report(t0 > 0 && t1 >= t0, "system time runs: %lu then %lu ns", t0, t1);

	c = cpuid(XEN_BASE + 4);
	report(c.a & (1U << 3), "0x40000004 EAX = %#x has VCPU_ID_PRESENT (bit 3)", c.a);
	report(c.b == 0, "0x40000004 EBX = vcpu id %u (we are vCPU 0)", c.b);
	if (is_initial_domain)
		report(c.c == 0, "0x40000004 ECX = domid %u (initial domain: 0)", c.c);
	else
		report(c.c != 0 && c.c < 0x7ff0, "0x40000004 ECX = domid %u (not 0)", c.c);
}

static void check_features(void)
{
	struct cpuid c = cpuid(0);
	u32 max_ext = cpuid(0x80000000).a;
	char vendor[13];

	memcpy(vendor, &c.b, 4);
	memcpy(vendor + 4, &c.d, 4);
	memcpy(vendor + 8, &c.c, 4);
	vendor[12] = 0;
	c = cpuid(1);
	report_info("vendor %s, leaf 1 ECX %#x EDX %#x", vendor, c.c, c.d);
	report(c.c & (1U << 31), "leaf 1 ECX bit 31 (hypervisor) set");
	report(!(c.c & (1U << 5)), "leaf 1 ECX bit 5 (VMX) clear");
	if (max_ext >= 0x80000001) {
		c = cpuid(0x80000001);
		report(!(c.c & (1U << 2)), "0x80000001 ECX bit 2 (SVM) clear (ECX %#x)", c.c);
	} else {
		report_skip("no leaf 0x80000001");
	}
}

int main(void)
{
	check_xen_leaves();
	check_features();
	return report_result();
}
