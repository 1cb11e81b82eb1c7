/*
 * Host tests of the exit dispatcher's dispositions (hvm/exit.c) and the
 * vCPU side of device-model I/O requests (hvm/ioreq.c), compiled as they
 * are.  The test stands in for the vendor (an ops table that records
 * injected exceptions and answers the guest mode), for the handlers the
 * dispatcher calls (CPUID, MSRs, port I/O, hypercalls) and for the
 * scheduler (pause flags kept in the vCPU as the real one keeps them).
 *
 * The rules checked: RIP moves past the instruction exactly once, and
 * only when it completed (done); it stays for retry, inject and wait; a
 * wait blocks the vCPU until the answer, whose completion puts an IN's
 * value in RAX and moves RIP once; a crash calls domain_crash().
 */
#include <string.h>
#include <hvm/fpu.h>
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/hypercall.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include "unit.h"

static struct domain dom;
static struct vcpu vc;
static struct hvm_vcpu hv;

/* --- The vendor --- */

static unsigned int fake_mode, mode_asked;
static unsigned int nr_injected;
static u8 injected_vec;
static bool injected_has_error;

static unsigned int fake_guest_mode(struct vcpu *v)
{
	mode_asked++;
	return fake_mode;
}

static void fake_inject_exception(struct vcpu *v, u8 vector, bool has_error,
				  u32 error)
{
	nr_injected++;
	injected_vec = vector;
	injected_has_error = has_error;
}

/* The state a triple-fault report prints. */
static unsigned int nr_traced;

static void fake_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s)
{
	*s = (struct hvm_seg){ .sel = 8 * r };
}

static u64 fake_get_cr(struct vcpu *v, unsigned int cr)
{
	return cr;
}

static u64 fake_get_efer(struct vcpu *v)
{
	return 0xd01;
}

static void fake_event_trace(struct vcpu *v, struct hvm_event_trace *t)
{
	nr_traced++;
	*t = (struct hvm_event_trace){ .last = 0x80000020, .last_age = 3 };
}

static const struct hvm_function_table fake_ops = {
	.name = "fake",
	.guest_mode = fake_guest_mode,
	.inject_exception = fake_inject_exception,
	.get_seg = fake_get_seg,
	.get_cr = fake_get_cr,
	.get_efer = fake_get_efer,
	.event_trace = fake_event_trace,
};
const struct hvm_function_table *hvm_ops = &fake_ops;

/* --- Handlers the dispatcher calls --- */

void hvm_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, u32 *a, u32 *b, u32 *c,
	       u32 *d)
{
	*a = 0x11, *b = 0x22, *c = 0x33, *d = 0x44;
}

static int msr_rc;

int hvm_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	*val = 0x1122334455667788ULL;
	return msr_rc;
}

int hvm_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	return msr_rc;
}

/* Port I/O: with portio_to_dm the access goes to a "device model". */
static bool portio_to_dm;

enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val)
{
	struct hvm_ioreq req = { .addr = port, .size = size, .in = in,
				 .data = in ? 0 : *val };

	if (!portio_to_dm) {
		if (in)
			*val = 0xffffffff;
		return HVM_DONE;
	}
	hvm_ioreq_wait(v, &req);
	return HVM_WAIT_IO;
}

/* The instruction emulator (hvm/emulate_glue.c, tested through the
 * guests): counts its calls; it moves RIP itself, so a completed
 * instruction is HVM_RETRY. */
static unsigned int nr_emulated, nr_answered;
static u64 answered_data;

enum hvm_disposition hvm_emulate_insn(struct vcpu *v)
{
	nr_emulated++;
	return HVM_RETRY;
}

void hvm_emulate_answered(struct vcpu *v, const struct hvm_ioreq *req)
{
	nr_answered++;
	answered_data = req->data;
}

static enum hypercall_result hc_result;
static unsigned int nr_hypercalls;

enum hypercall_result hypercall_dispatch(struct vcpu *v)
{
	nr_hypercalls++;
	return hc_result;
}

/* Nested page faults are hvm/npf.c's (tested through the guests): here
 * every one is fatal, as an access outside the domain's memory is. */
void domain_crash(struct domain *d, const char *fmt, ...);

enum hvm_disposition hvm_nested_page_fault(struct vcpu *v,
					   const struct hvm_exit *e)
{
	domain_crash(v->domain, "npf");
	return HVM_CRASH;
}

int fpu_guest_xsetbv(struct vcpu *v, u32 idx, u64 val)
{
	return 0;
}

/* --- The rest of the hypervisor --- */

static unsigned int nr_crashes, nr_blocks, nr_yields, nr_shutdowns;

/* The crash dump's walk finds no guest memory here. */
enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn)
{
	*mfn = INVALID_MFN;
	return p2m_invalid;
}

struct frame_info *frame_info_of(mfn_t mfn)
{
	return NULL;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	nr_crashes++;
}

static int last_shutdown;

void domain_shutdown(struct domain *d, int reason)
{
	nr_shutdowns++;
	last_shutdown = reason;
}

void vcpu_block_unless_pending(struct vcpu *v)
{
	nr_blocks++;
}

bool arch_vcpu_has_pending_irq(struct vcpu *v)
{
	return false;
}

void vcpu_yield(struct vcpu *v)
{
	nr_yields++;
}

void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit)
{
	__atomic_fetch_or(&v->pause_flags, 1UL << bit, __ATOMIC_SEQ_CST);
}

void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit)
{
	__atomic_fetch_and(&v->pause_flags, ~(1UL << bit), __ATOMIC_SEQ_CST);
}

/* --- Helpers --- */

#define RIP0 0x401000ULL
#define X86_EFLAGS_IF (1UL << 9)

static void reset(void)
{
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	memset(&hv, 0, sizeof(hv));
	vc.domain = &dom;
	vc.hvm = &hv;
	dom.max_vcpus = 1;
	dom.vcpu[0] = &vc;
	hv.regs.rip = RIP0;
	hv.regs.rflags = 2;
	fake_mode = HVM_MODE_64;
	mode_asked = nr_injected = injected_vec = 0;
	injected_has_error = false;
	msr_rc = 0;
	portio_to_dm = false;
	hc_result = HYPERCALL_DONE;
	nr_hypercalls = nr_crashes = nr_blocks = nr_yields = nr_shutdowns = 0;
}

static struct hvm_exit exit_of(enum hvm_exit_reason reason, u32 len)
{
	struct hvm_exit e;

	/* Garbage outside what the vendor sets: nothing may read it. */
	memset(&e, 0xa5, sizeof(e));
	e.reason = reason;
	e.vendor_code = 0x1234;
	e.insn_len = len;
	return e;
}

static struct hvm_exit io_exit(u16 port, u8 size, bool in)
{
	struct hvm_exit e = exit_of(HVM_EXIT_IO, 2);

	e.io.port = port;
	e.io.size = size;
	e.io.in = in;
	e.io.string = e.io.rep = false;
	return e;
}

static bool blocked_on_io(void)
{
	return vc.pause_flags & (1UL << VPF_blocked_ioreq);
}

/* --- Done --- */

TEST(test_done_moves_rip_once)
{
	struct hvm_exit e = exit_of(HVM_EXIT_CPUID, 2);

	reset();
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
	CHECK_EQ(hv.regs.rax, 0x11);
	CHECK_EQ(hv.regs.rdx, 0x44);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 4);
	/* Far from 4 GiB the vendor is not even asked for the mode. */
	CHECK_EQ(mode_asked, 0);
	CHECK_EQ(nr_injected, 0);

	e = exit_of(HVM_EXIT_HYPERCALL, 3);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 7);
	CHECK_EQ(nr_hypercalls, 1);

	e = exit_of(HVM_EXIT_INVD, 2);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 9);

	e = exit_of(HVM_EXIT_PAUSE, 2);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 11);
	CHECK_EQ(nr_yields, 1);
}

TEST(test_done_wraps_outside_64bit)
{
	struct hvm_exit e = exit_of(HVM_EXIT_CPUID, 2);

	reset();
	fake_mode = 0;			/* 32-bit code: EIP wraps */
	hv.regs.rip = 0xffffffffULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, 1);
	CHECK_EQ(mode_asked, 1);

	reset();			/* 64-bit code: no wrap */
	hv.regs.rip = 0xffffffffULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, 0x100000001ULL);
	hv.regs.rip = 0xffffffff81000000ULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, 0xffffffff81000002ULL);
}

/* A completed instruction clears RF; under TF a single-step #DB follows,
 * and only for a completed instruction. */
TEST(test_done_single_steps)
{
	struct hvm_exit e = exit_of(HVM_EXIT_CPUID, 2);

	reset();
	hv.regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_RF;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rflags, X86_EFLAGS_FIXED);
	CHECK_EQ(nr_injected, 0);

	hv.regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_TF | X86_EFLAGS_RF;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 4);
	CHECK_EQ(hv.regs.rflags, X86_EFLAGS_FIXED | X86_EFLAGS_TF);
	CHECK_EQ(nr_injected, 1);
	CHECK_EQ(injected_vec, 1);
	CHECK(!injected_has_error);

	/* Nothing completed: no trap, RF stays. */
	hv.regs.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_TF | X86_EFLAGS_RF;
	hc_result = HYPERCALL_CONTINUE;
	e = exit_of(HVM_EXIT_HYPERCALL, 3);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_RETRY);
	CHECK_EQ(hv.regs.rflags,
		 X86_EFLAGS_FIXED | X86_EFLAGS_TF | X86_EFLAGS_RF);
	CHECK_EQ(nr_injected, 1);
}

TEST(test_hlt_completes)
{
	struct hvm_exit e = exit_of(HVM_EXIT_HLT, 1);

	reset();
	hv.regs.rflags |= X86_EFLAGS_IF;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 1);
	CHECK_EQ(nr_blocks, 1);

	/* HLT with IF = 0 on the last vCPU: down, and the domain is off. */
	hv.regs.rflags &= ~X86_EFLAGS_IF;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
	CHECK(vc.pause_flags & (1UL << VPF_down));
	CHECK_EQ(nr_shutdowns, 1);
}

/* --- Retry --- */

TEST(test_retry_keeps_rip)
{
	static const enum hvm_exit_reason nothing[] = {
		HVM_EXIT_NONE, HVM_EXIT_EXTINT, HVM_EXIT_NMI,
	};
	struct hvm_exit e;

	reset();
	for (unsigned int i = 0; i < ARRAY_SIZE(nothing); i++) {
		e = exit_of(nothing[i], 3);
		CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_RETRY);
		CHECK_EQ(hv.regs.rip, RIP0);
	}
	/* A preempted hypercall re-executes (HYPERCALL_CONTINUE). */
	hc_result = HYPERCALL_CONTINUE;
	e = exit_of(HVM_EXIT_HYPERCALL, 3);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_RETRY);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(nr_hypercalls, 1);
	CHECK_EQ(nr_injected, 0);
}

/* --- Inject --- */

TEST(test_inject_keeps_rip)
{
	struct hvm_exit e = exit_of(HVM_EXIT_RDMSR, 2);

	reset();
	msr_rc = -EINVAL;
	e.msr = 0x12345678;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_INJECT);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(nr_injected, 1);
	CHECK_EQ(injected_vec, 13);
	CHECK(injected_has_error);
	CHECK_EQ(hv.regs.rax, 0);	/* nothing read */

	e = exit_of(HVM_EXIT_EXCEPTION, 0);
	e.exc.vector = 14;
	e.exc.has_error = true;
	e.exc.error = 2;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_INJECT);
	CHECK_EQ(injected_vec, 14);

	e = exit_of(HVM_EXIT_OTHER_VENDOR_HYPERCALL, 3);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_INJECT);
	CHECK_EQ(injected_vec, 6);
	CHECK(!injected_has_error);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(nr_injected, 3);
	CHECK_EQ(nr_hypercalls, 0);
}

/* Vendor mechanics (a VMX CR write) report their own disposition. */
TEST(test_vendor_handled)
{
	struct hvm_exit e = exit_of(HVM_EXIT_HANDLED, 3);

	reset();
	e.handled = HVM_DONE;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);
	e.handled = HVM_INJECT;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_INJECT);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);
}

/* --- Port I/O handled here: all ones, and the 32-bit zero extension --- */

TEST(test_io_unclaimed)
{
	struct hvm_exit e = io_exit(0x80, 1, true);

	reset();
	hv.regs.rax = 0x1122334455667700ULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rax, 0x11223344556677ffULL);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
	e = io_exit(0x80, 4, true);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rax, 0xffffffffULL);	/* SDM: EAX zero-extends */
	e = io_exit(0x80, 2, false);
	hv.regs.rax = 0x55;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_DONE);
	CHECK_EQ(hv.regs.rax, 0x55);
	CHECK(!blocked_on_io());
}

/* --- Wait for the device model --- */

TEST(test_wait_in)
{
	struct hvm_exit e = io_exit(0x3f8, 2, true);
	struct hvm_ioreq req;

	reset();
	portio_to_dm = true;
	hv.regs.rax = 0x1111222233334444ULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_WAIT_IO);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK(blocked_on_io());
	CHECK_EQ(hv.io.addr, 0x3f8);
	CHECK_EQ(hv.io.size, 2);
	CHECK(hv.io.in);
	CHECK_EQ(hv.io.state, HVM_IOREQ_WAITING);

	/* No answer yet: the entry path finds nothing to finish. */
	CHECK(!hvm_ioreq_take_answer(&vc, &req));
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(hv.regs.rax, 0x1111222233334444ULL);

	/* The answer wakes the vCPU and asks its entry path to finish. */
	CHECK_EQ(hvm_io_complete(&vc, 0xabcdbeef), 0);
	CHECK(!blocked_on_io());
	CHECK(vc.work & VCPU_WORK_IO);
	CHECK_EQ(hvm_io_complete(&vc, 0x5555), -EINVAL);	/* only once */

	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rax, 0x111122223333beefULL);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
	CHECK_EQ(hv.io.state, HVM_IOREQ_NONE);
	/* Finishing twice does not move RIP twice. */
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
	CHECK_EQ(hvm_io_complete(&vc, 1), -EINVAL);

	/* A 32-bit IN zero-extends, as when handled here. */
	e = io_exit(0xcfc, 4, true);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_WAIT_IO);
	CHECK_EQ(hvm_io_complete(&vc, 0x87654321), 0);
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rax, 0x87654321ULL);
	CHECK_EQ(hv.regs.rip, RIP0 + 4);
}

TEST(test_wait_out)
{
	struct hvm_exit e = io_exit(0x80, 1, false);

	reset();
	portio_to_dm = true;
	hv.regs.rax = 0x42;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_WAIT_IO);
	CHECK_EQ(hv.io.data, 0x42);
	CHECK(!hv.io.in);
	CHECK(blocked_on_io());
	CHECK_EQ(hv.regs.rip, RIP0);
	/* An OUT's answer carries no data. */
	CHECK_EQ(hvm_io_complete(&vc, 0xffff), 0);
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rax, 0x42);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);
}

/* An answer 4 GiB short of the end of 32-bit space wraps like the rest. */
TEST(test_wait_wraps)
{
	struct hvm_exit e = io_exit(0x80, 1, true);

	reset();
	portio_to_dm = true;
	fake_mode = 0;
	hv.regs.rip = 0xfffffffeULL;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_WAIT_IO);
	CHECK_EQ(hvm_io_complete(&vc, 7), 0);
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rip, 0);
	CHECK_EQ(hv.regs.rax & 0xff, 7);
}

TEST(test_complete_without_request)
{
	reset();
	CHECK_EQ(hvm_io_complete(&vc, 1), -EINVAL);
	CHECK(!(vc.work & VCPU_WORK_IO));
	hvm_io_finish(&vc);
	CHECK_EQ(hv.regs.rip, RIP0);
}

static void wait_twice(void)
{
	struct hvm_exit e = io_exit(0x80, 1, true);

	reset();
	portio_to_dm = true;
	hvm_handle_exit(&vc, &e);
	hvm_handle_exit(&vc, &e);	/* a second request while one waits */
}

TEST(test_second_request_is_a_bug)
{
	CHECK(unit_dies(wait_twice));
}

/* --- Crash --- */

TEST(test_crash_keeps_rip)
{
	static const enum hvm_exit_reason fatal[] = {
		HVM_EXIT_NPF, HVM_EXIT_TRIPLE_FAULT, HVM_EXIT_INIT,
		HVM_EXIT_INVALID, HVM_EXIT_UNHANDLED, HVM_EXIT_RDTSC,
	};
	struct hvm_exit e;

	unsigned int crashes = 0;

	reset();
	/* As arch_domain_create() leaves it (Xen's default). */
	dom.hvm_param[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_reboot;
	for (unsigned int i = 0; i < ARRAY_SIZE(fatal); i++) {
		bool tf = fatal[i] == HVM_EXIT_TRIPLE_FAULT;

		e = exit_of(fatal[i], 2);
		if (fatal[i] == HVM_EXIT_NPF)
			e.npf = (typeof(e.npf)){ .gpa = 0xfee00000,
						 .write = true };
		nr_traced = 0;
		CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_CRASH);
		crashes += !tf;
		CHECK_EQ(nr_crashes, crashes);
		CHECK_EQ(hv.regs.rip, RIP0);
		/* A triple fault reports the state around it, then shuts the
		 * domain down as HVM_PARAM_TRIPLE_FAULT_REASON says. */
		CHECK_EQ(nr_traced, tf);
		CHECK_EQ(nr_shutdowns, tf ? 1U : (i > 1 ? 1U : 0U));
	}
	CHECK_EQ(last_shutdown, SHUTDOWN_reboot);
	/* The toolstack may choose another action. */
	dom.hvm_param[HVM_PARAM_TRIPLE_FAULT_REASON] = SHUTDOWN_poweroff;
	e = exit_of(HVM_EXIT_TRIPLE_FAULT, 2);
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_CRASH);
	CHECK_EQ(last_shutdown, SHUTDOWN_poweroff);
	CHECK_EQ(nr_injected, 0);
}

/* INS/OUTS go to the instruction emulator, which moves RIP itself. */
TEST(test_string_io_emulated)
{
	struct hvm_exit e = io_exit(0x80, 1, true);

	reset();
	nr_emulated = 0;
	e.io.string = true;
	CHECK_EQ(hvm_handle_exit(&vc, &e), HVM_RETRY);
	CHECK_EQ(nr_emulated, 1);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(nr_crashes, 0);
}

/* A device model's answer to an emulated access goes back to the
 * emulator, not into RAX, and RIP is the emulator's to move. */
TEST(test_answer_to_emulator)
{
	struct hvm_ioreq req = { .addr = 0xfeb00000, .size = 4, .in = true,
				 .emulated = true, .mmio = true };

	reset();
	nr_answered = 0;
	hv.regs.rax = 0x1234;
	hvm_ioreq_wait(&vc, &req);
	CHECK(blocked_on_io());
	CHECK_EQ(hvm_io_complete(&vc, 0xcafe), 0);
	hvm_io_finish(&vc);
	CHECK_EQ(nr_answered, 1);
	CHECK_EQ(answered_data, 0xcafe);
	CHECK_EQ(hv.regs.rax, 0x1234);
	CHECK_EQ(hv.regs.rip, RIP0);
}

UNIT_MAIN(test_done_moves_rip_once, test_done_wraps_outside_64bit,
	  test_done_single_steps,
	  test_hlt_completes, test_retry_keeps_rip, test_inject_keeps_rip,
	  test_vendor_handled, test_io_unclaimed, test_wait_in, test_wait_out,
	  test_wait_wraps, test_complete_without_request,
	  test_second_request_is_a_bug, test_crash_keeps_rip,
	  test_string_io_emulated, test_answer_to_emulator)
