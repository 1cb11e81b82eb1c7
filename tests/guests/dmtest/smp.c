/*
 * Both vCPUs at the device at once: each writes and reads back its own
 * scratch word, reads the value region and a port of its own, many
 * times, so two slots, their two ports and the hypervisor's per-domain
 * ioreq lock are busy together.  vCPU 1 is started with the guest
 * library's vcpu_start().
 */
#include "lib.h"
#include "device.h"
#include "dmtest.h"
#include <public/vcpu.h>

#define ROUNDS 200

static u8 ap_stack[8192] __attribute__((aligned(16)));
static unsigned int errors[2];
static bool done[2];

static void hammer(unsigned int id)
{
	volatile u64 *mine = (volatile u64 *)(DMT_SCRATCH + 0x700 + 8 * id);
	u16 port = DMT_PORT + 2 * id;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		u64 want = (u64)id << 56 | i;
		u64 addr = DMT_MMIO + 0x400 + 8 * (i % 64);

		*mine = want;
		errors[id] += *mine != want;
		errors[id] += *(volatile u64 *)addr !=
			      dmt_value(DMT_TYPE_COPY, addr, 8);
		errors[id] += inw(port) != dmt_value(DMT_TYPE_PIO, port, 2);
	}
	__atomic_store_n(&done[id], true, __ATOMIC_RELEASE);
}

/* vCPU 1 (vcpu_start()). */
static void ap_main(unsigned int id)
{
	hammer(id);
	hyp_vcpu_op(VCPUOP_down, id, NULL);
}

void dmtest_two_vcpus(void)
{
	u64 t0;
	long rc;

	if (hyp_vcpu_op(VCPUOP_is_up, 1, NULL) < 0) {
		report_skip("one vCPU: nothing concurrent");
		return;
	}
	rc = vcpu_start(1, ap_main, &ap_stack[sizeof(ap_stack)]);
	if (!report(rc == 0, "vCPU 1: initialise + up = %ld", rc))
		return;
	hammer(0);
	t0 = now_ns();
	while (!__atomic_load_n(&done[1], __ATOMIC_ACQUIRE) &&
	       now_ns() - t0 < 60 * NS_PER_SEC)
		cpu_relax();
	report(done[1] && !errors[0] && !errors[1],
	       "two vCPUs at the device at once, %u rounds each: %u and %u "
	       "wrong answers%s", ROUNDS, errors[0], errors[1],
	       done[1] ? "" : ", vCPU 1 did not finish");
}

/*
 * Hostile ("rewrite"): vCPU 0 runs a MOV from the device's slow register
 * out of a RAM buffer and waits for the device model (test-dm --slow
 * answers after 2 s); meanwhile vCPU 1 rewrites the MOV's address.  The
 * hypervisor runs the instruction again with the answer, finds another
 * access and must crash this domain - nothing else.
 */
static u8 rewrite_code[16] __attribute__((aligned(16))) = {
	0x8b, 0x04, 0x25, 0, 0, 0, 0,	/* mov (abs32), %eax */
	0xc3,				/* ret */
};

static void put_abs32(u64 addr)
{
	for (unsigned int i = 0; i < 4; i++)
		__atomic_store_n(&rewrite_code[3 + i], (u8)(addr >> (8 * i)),
				 __ATOMIC_RELEASE);
}

static void rewriter(unsigned int id)
{
	u64 t0 = now_ns();

	while (now_ns() - t0 < 500 * NS_PER_MS)
		cpu_relax();
	put_abs32(DMT_SLOW + 4);
	hyp_vcpu_op(VCPUOP_down, id, NULL);
}

void dmtest_rewrite(void)
{
	u32 (*fn)(void) = (u32 (*)(void))(void *)rewrite_code;
	long rc;

	put_abs32(DMT_SLOW);
	rc = vcpu_start(1, rewriter, &ap_stack[sizeof(ap_stack)]);
	report_info("vCPU 1 started (%ld); reading the slow register from a "
		    "buffer vCPU 1 rewrites meanwhile", rc);
	console_flush();
	report_info("ERROR: the read completed with %#x", fn());
}
