/*
 * Host tests of the emulator on a vCPU (hvm/emulate_glue.c, with the
 * emulator itself), compiled as they are: REP string instructions that
 * go to a device model as one request (data_is_ptr, as Xen 4.17), and
 * the answers list they share with single accesses.
 *
 * The test stands in for the vendor (a 64-bit vCPU at CPL 0), the guest's
 * page tables (linear = physical, one page that faults), its p2m (RAM
 * pages of several kinds, a device model's MMIO page, an in-hypervisor
 * device's page, holes), the in-hypervisor devices and the ioreq servers:
 * port 0x1f0 and the MMIO page are a device model's, which records each
 * request; the test answers them as the entry path does
 * (hvm_emulate_answered()).
 *
 * The rules checked: one request for the elements of a page, its fields
 * as Xen sends them; nothing committed before the answer, then RCX, RSI
 * and RDI for all of them and RIP only when the count is done; RAM a
 * device model may not reach (read-only for INS, a grant, a frame the
 * domain does not own, a hole) and MMIO to MMIO go element by element;
 * and accesses the hypervisor answers itself (nobody's, an in-hypervisor
 * device's) replay in place when a later access of the element waits.
 */
#include <string.h>
#include <asm/x86-defns.h>
#include <asm/msr-index.h>
#include <hvm/guest_walk.h>
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/frame.h>
#include <xen/guest_access.h>
#include <xen/ioreq.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include "unit.h"

#define RIP0 0x1000ULL		/* the instruction, in RAM */
#define RAM_PAGES 16
#define GFN_RO 5		/* read-only RAM */
#define GFN_GRANT 6		/* a grant mapping */
#define GFN_FOREIGN 7		/* a frame the domain does not own */
#define GFN_FAULT 9		/* its linear page faults */
#define DM_PORT 0x1f0
#define DM_MMIO 0x100000ULL
#define HV_MMIO 0x200000ULL	/* an in-hypervisor device */
#define HOLE 0x50000ULL
#define MFN0 0x1000ULL

static struct domain dom;
static struct vcpu vc;
static struct hvm_vcpu hv;
static u8 ram[RAM_PAGES * PAGE_SIZE];
static int frame_refs;
static unsigned int nr_crashes, nr_injected;
static u8 injected_vec;

/* The device model: the requests it got, and whether it takes them. */
static struct {
	unsigned int reps, mmios, ports;	/* requests of each kind */
	ioreq_t last;				/* the last batch */
	bool rep_unclaimed;			/* batches: nobody's */
} dm;

/* --- The vendor: 64-bit code at CPL 0 --- */

static void fake_get_seg(struct vcpu *v, enum hvm_seg_reg r, struct hvm_seg *s)
{
	*s = (struct hvm_seg){ .attr = r == SEG_CS ? 0xa9b : 0xc93,
			       .limit = ~0U };
}

static u64 fake_get_cr(struct vcpu *v, unsigned int cr)
{
	return cr ? 0 : X86_CR0_PE | X86_CR0_PG;
}

static u64 fake_get_efer(struct vcpu *v)
{
	return EFER_LME | EFER_LMA;
}

static void fake_aux(struct vcpu *v, struct hvm_aux_state *a)
{
}

static void fake_set_aux(struct vcpu *v, const struct hvm_aux_state *a)
{
}

static void fake_inject(struct vcpu *v, u8 vector, bool has_error, u32 error)
{
	nr_injected++;
	injected_vec = vector;
}

static const struct hvm_function_table fake_ops = {
	.name = "fake",
	.get_seg = fake_get_seg,
	.get_cr = fake_get_cr,
	.get_efer = fake_get_efer,
	.get_aux_state = fake_aux,
	.set_aux_state = fake_set_aux,
	.inject_exception = fake_inject,
};
const struct hvm_function_table *hvm_ops = &fake_ops;

unsigned int hvm_guest_mode_fill(struct vcpu *v)
{
	return v->hvm->mode = HVM_MODE_KNOWN | HVM_MODE_64;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	nr_crashes++;
}

/* --- Paging and the p2m --- */

int hvm_translate_linear(struct vcpu *v, u64 gla, unsigned int pfec,
			 u64 *gpa, unsigned int *fault_pfec)
{
	if (gla >> PAGE_SHIFT == GFN_FAULT) {
		*fault_pfec = pfec & PFEC_write;	/* not present */
		return -EFAULT;
	}
	*gpa = gla;
	return 0;
}

static u64 gone_gfn = ~0ULL;	/* given back by the guest */

static enum p2m_type type_of(u64 gfn)
{
	if (gfn == gone_gfn)
		return p2m_invalid;
	if (gfn == GFN_RO)
		return p2m_ram_ro;
	if (gfn == GFN_GRANT)
		return p2m_grant_map_rw;
	if (gfn < RAM_PAGES)
		return p2m_ram_rw;
	if (gfn == DM_MMIO >> PAGE_SHIFT)
		return p2m_mmio_dm;
	return p2m_invalid;
}

enum p2m_type arch_p2m_get_entry(struct domain *d, u64 gfn, mfn_t *mfn)
{
	*mfn = gfn < RAM_PAGES && gfn != gone_gfn ? MFN0 + gfn : INVALID_MFN;
	return type_of(gfn);
}

int arch_p2m_get_frame(struct domain *d, u64 gfn, mfn_t *mfn,
		       enum p2m_type *t)
{
	*t = arch_p2m_get_entry(d, gfn, mfn);
	if (*mfn == INVALID_MFN)
		return -ENOENT;
	frame_refs++;
	return 0;
}

void frame_put(mfn_t mfn)
{
	frame_refs--;
}

bool frame_owned_by(mfn_t mfn, const struct domain *d, unsigned int flags)
{
	return mfn != MFN0 + GFN_FOREIGN && mfn != MFN0 + GFN_GRANT;
}

static bool ram_ok(u64 gpa, size_t len, bool write)
{
	enum p2m_type t = type_of(gpa >> PAGE_SHIFT);

	return gpa + len <= sizeof(ram) &&
	       (t == p2m_ram_rw || (!write && t == p2m_ram_ro));
}

int copy_from_guest_phys(struct domain *d, void *dst, u64 gpa, size_t len)
{
	if (!ram_ok(gpa, len, false))
		return -EFAULT;
	memcpy(dst, ram + gpa, len);
	return 0;
}

int copy_to_guest_phys(struct domain *d, u64 gpa, const void *src, size_t len)
{
	if (!ram_ok(gpa, len, true))
		return -EFAULT;
	memcpy(ram + gpa, src, len);
	return 0;
}

/* --- Devices: an in-hypervisor one, the device model's, nobody --- */

bool hvm_mmio_claimed(struct vcpu *v, u64 gpa)
{
	return gpa >> PAGE_SHIFT == HV_MMIO >> PAGE_SHIFT;
}

static unsigned int hv_reads;

int hvm_mmio_access(struct vcpu *v, u64 gpa, unsigned int size, bool write,
		    u64 *val)
{
	if (!write) {
		hv_reads++;
		*val = 0x77;
	}
	return 0;
}

bool hvm_port_internal(struct vcpu *v, u16 port, unsigned int size, bool in)
{
	return port == 0x80;
}

enum hvm_disposition hvm_portio(struct vcpu *v, u16 port, unsigned int size,
				bool in, u32 *val)
{
	if (port == DM_PORT) {
		dm.ports++;
		return HVM_WAIT_IO;
	}
	if (in)
		*val = 0xffffffff;
	return HVM_DONE;
}

enum ioreq_route ioreq_send_mmio(struct vcpu *v, u64 gpa, unsigned int size,
				 bool write, u64 val)
{
	if (gpa >> PAGE_SHIFT != DM_MMIO >> PAGE_SHIFT)
		return IOREQ_UNCLAIMED;
	dm.mmios++;
	return IOREQ_SENT;
}

enum ioreq_route ioreq_send_rep(struct vcpu *v, const ioreq_t *rep)
{
	if (dm.rep_unclaimed ||
	    (rep->type == IOREQ_TYPE_PIO && rep->addr != DM_PORT) ||
	    (rep->type == IOREQ_TYPE_COPY &&
	     rep->addr >> PAGE_SHIFT != DM_MMIO >> PAGE_SHIFT))
		return IOREQ_UNCLAIMED;
	dm.reps++;
	dm.last = *rep;
	return IOREQ_SENT;
}

/* --- The test's vCPU --- */

/* A vCPU at RIP0 with the instruction @bytes there. */
static void setup(const char *bytes, unsigned int n)
{
	memset(&dom, 0, sizeof(dom));
	memset(&vc, 0, sizeof(vc));
	memset(&hv, 0, sizeof(hv));
	memset(&dm, 0, sizeof(dm));
	memset(ram, 0, sizeof(ram));
	vc.domain = &dom;
	vc.hvm = &hv;
	dom.max_vcpus = 1;
	dom.vcpu[0] = &vc;
	hv.regs.rip = RIP0;
	hv.regs.rflags = X86_EFLAGS_FIXED;
	memcpy(ram + RIP0, bytes, n);
	nr_crashes = nr_injected = hv_reads = 0;
}

#define SETUP(s) setup(s, sizeof(s) - 1)

/* The device model answers the outstanding request with @data. */
static void answer(u64 data)
{
	struct hvm_ioreq req = { .data = data };

	hvm_emulate_answered(&vc, &req);
}

static u16 rd16(u64 gpa)
{
	u16 v;

	memcpy(&v, ram + gpa, 2);
	return v;
}

TEST(ins_one_request)
{
	SETUP("\x66\xf3\x6d");		/* rep insw */
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 256;
	hv.regs.rdi = 0x3000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.reps, 1);
	CHECK_EQ(dm.ports, 0);
	CHECK_EQ(dm.last.type, IOREQ_TYPE_PIO);
	CHECK_EQ(dm.last.addr, DM_PORT);
	CHECK_EQ(dm.last.size, 2);
	CHECK_EQ(dm.last.count, 256);
	CHECK_EQ(dm.last.dir, IOREQ_READ);
	CHECK_EQ(dm.last.df, 0);
	CHECK_EQ(dm.last.data_is_ptr, 1);
	CHECK_EQ(dm.last.data, 0x3000);
	CHECK(hv.io.emulated && !hv.io.mmio);
	/* Nothing committed while the device model works. */
	CHECK_EQ(hv.regs.rcx, 256);
	CHECK_EQ(hv.regs.rdi, 0x3000);
	CHECK_EQ(hv.regs.rip, RIP0);
	/* The device model wrote the buffer itself; the answer commits. */
	for (int i = 0; i < 256; i++)
		memcpy(ram + 0x3000 + 2 * i, &(u16){ 0x100 + i }, 2);
	answer(0xdead);
	CHECK_EQ(dm.reps, 1);		/* not asked again */
	CHECK_EQ(hv.regs.rcx, 0);
	CHECK_EQ(hv.regs.rdi, 0x3200);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);
	CHECK_EQ(rd16(0x31fe), 0x1ff);	/* the data value went nowhere */
	CHECK_EQ(hv.emul.nr, 0);
	CHECK_EQ(nr_crashes, 0);
	CHECK_EQ(frame_refs, 0);
}

TEST(partial_completion)
{
	/* 3000 words from 0x3100: the page holds 1920 of them. */
	SETUP("\x66\xf3\x6d");
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 3000;
	hv.regs.rdi = 0x3100;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.count, 1920);
	answer(0);
	CHECK_EQ(hv.regs.rcx, 1080);
	CHECK_EQ(hv.regs.rdi, 0x4000);
	CHECK_EQ(hv.regs.rip, RIP0);	/* the guest runs it again */
	CHECK_EQ(hv.emul.nr, 0);
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.count, 1080);
	CHECK_EQ(dm.last.data, 0x4000);
	answer(0);
	CHECK_EQ(hv.regs.rcx, 0);
	CHECK_EQ(hv.regs.rdi, 0x4000 + 2160);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);

	/* std; rep outsb from 0x3010: 17 bytes down to the page's start,
	 * read by the device model from its guest-physical address. */
	SETUP("\xf3\x6e");
	hv.regs.rflags |= X86_EFLAGS_DF;
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 100;
	hv.regs.rsi = 0x3010;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.count, 17);
	CHECK_EQ(dm.last.df, 1);
	CHECK_EQ(dm.last.dir, IOREQ_WRITE);
	CHECK_EQ(dm.last.data, 0x3010);
	answer(0);
	CHECK_EQ(hv.regs.rsi, 0x2fff);
	CHECK_EQ(hv.regs.rcx, 83);
	CHECK_EQ(hv.regs.rip, RIP0);
	CHECK_EQ(frame_refs, 0);
}

/* rep insw of 4 into @rdi: does it go as one request? */
static bool ins_batched(u64 rdi)
{
	SETUP("\x66\xf3\x6d");
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 4;
	hv.regs.rdi = rdi;
	hvm_emulate_insn(&vc);
	return dm.reps == 1;
}

/* rep outsw of 4 from @rsi. */
static bool outs_batched(u64 rsi)
{
	SETUP("\x66\xf3\x6f");
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 4;
	hv.regs.rsi = rsi;
	hvm_emulate_insn(&vc);
	return dm.reps == 1;
}

TEST(ram_the_device_model_may_reach)
{
	CHECK(ins_batched(0x3000));
	CHECK(!ins_batched(GFN_RO << PAGE_SHIFT));	/* it would write */
	CHECK_EQ(dm.ports, 1);				/* element by element */
	CHECK(outs_batched(GFN_RO << PAGE_SHIFT));	/* it only reads */
	CHECK(!ins_batched(GFN_GRANT << PAGE_SHIFT));
	CHECK(!outs_batched(GFN_GRANT << PAGE_SHIFT));
	CHECK(!ins_batched(GFN_FOREIGN << PAGE_SHIFT));
	CHECK(!ins_batched(HOLE));
	CHECK(!ins_batched(DM_MMIO));			/* MMIO: alone */
	CHECK(!ins_batched(0x3fff));			/* across a page */
	CHECK_EQ(nr_crashes, 0);
	/* A fault: the element goes alone and raises it (after its port
	 * read, as the element's write is what faults). */
	CHECK(!ins_batched(GFN_FAULT << PAGE_SHIFT));
	CHECK_EQ(dm.ports, 1);
	answer(0);
	CHECK_EQ(nr_injected, 1);
	CHECK_EQ(injected_vec, TRAP_PF);
	CHECK_EQ(hv.regs.rcx, 4);
	/* An in-hypervisor port: never a batch. */
	SETUP("\xf3\x6e");
	hv.regs.rdx = 0x80;
	hv.regs.rcx = 8;
	hv.regs.rsi = 0x3000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_RETRY);
	CHECK_EQ(dm.reps, 0);
	CHECK_EQ(hv.regs.rcx, 0);
	CHECK_EQ(frame_refs, 0);
}

TEST(movs_and_stos)
{
	/* rep movsd RAM -> device: the device model reads the RAM. */
	SETUP("\xf3\xa5");
	hv.regs.rcx = 16;
	hv.regs.rsi = 0x3000;
	hv.regs.rdi = DM_MMIO + 0x40;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.type, IOREQ_TYPE_COPY);
	CHECK_EQ(dm.last.addr, DM_MMIO + 0x40);
	CHECK_EQ(dm.last.dir, IOREQ_WRITE);
	CHECK_EQ(dm.last.data, 0x3000);
	CHECK_EQ(dm.last.data_is_ptr, 1);
	CHECK_EQ(dm.last.count, 16);
	CHECK(hv.io.mmio);
	answer(0);
	CHECK_EQ(hv.regs.rsi, 0x3040);
	CHECK_EQ(hv.regs.rdi, DM_MMIO + 0x80);
	CHECK_EQ(hv.regs.rip, RIP0 + 2);

	/* std; rep movsw device -> RAM: cut to the device's page. */
	SETUP("\xf3\x66\xa5");
	hv.regs.rflags |= X86_EFLAGS_DF;
	hv.regs.rcx = 100;
	hv.regs.rsi = DM_MMIO + 6;
	hv.regs.rdi = 0x3ffe;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.dir, IOREQ_READ);
	CHECK_EQ(dm.last.addr, DM_MMIO + 6);
	CHECK_EQ(dm.last.data, 0x3ffe);
	CHECK_EQ(dm.last.count, 4);
	answer(0);
	CHECK_EQ(hv.regs.rcx, 96);
	CHECK_EQ(hv.regs.rsi, DM_MMIO - 2);
	CHECK_EQ(hv.regs.rdi, 0x3ff6);

	/* rep stosw into the device: one request with the value. */
	SETUP("\xf3\x66\xab");
	hv.regs.rax = 0xabcd1234;
	hv.regs.rcx = 8;
	hv.regs.rdi = DM_MMIO;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.last.data_is_ptr, 0);
	CHECK_EQ(dm.last.data, 0x1234);
	CHECK_EQ(dm.last.count, 8);
	CHECK_EQ(dm.last.dir, IOREQ_WRITE);
	answer(0);
	CHECK_EQ(hv.regs.rdi, DM_MMIO + 16);

	/* Device to device, RAM to RAM, an in-hypervisor device: alone. */
	SETUP("\xf3\xa4");
	hv.regs.rcx = 2;
	hv.regs.rsi = DM_MMIO;
	hv.regs.rdi = DM_MMIO + 0x100;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	CHECK_EQ(dm.reps, 0);
	CHECK_EQ(dm.mmios, 1);
	SETUP("\xf3\xa4");
	hv.regs.rcx = 64;
	hv.regs.rsi = 0x3000;
	hv.regs.rdi = 0x5000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_RETRY);
	CHECK_EQ(dm.reps, 0);
	CHECK_EQ(hv.regs.rcx, 0);
	SETUP("\xf3\xa5");
	hv.regs.rcx = 4;
	hv.regs.rsi = HV_MMIO;
	hv.regs.rdi = 0x3000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_RETRY);
	CHECK_EQ(dm.reps, 0);
	CHECK_EQ(hv_reads, 4);
	CHECK_EQ(frame_refs, 0);
	CHECK_EQ(nr_crashes, 0);
}

TEST(changed_while_waiting)
{
	/* The batch's RAM changed under it: the answer's access is not the
	 * instruction's any more, and the domain is crashed (Xen's
	 * "invalid second half"). */
	SETUP("\x66\xf3\x6d");
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 4;
	hv.regs.rdi = 0x3000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	gone_gfn = 3;		/* another vCPU gave the page back */
	answer(0);
	gone_gfn = ~0ULL;
	CHECK_EQ(nr_crashes, 1);
	CHECK_EQ(hv.regs.rcx, 4);
	CHECK_EQ(frame_refs, 0);
}

TEST(unclaimed_batch_goes_alone)
{
	/* Nobody takes the batch whole (a range ending inside it): each
	 * element alone, and the run that takes an element's answer does
	 * not offer that element as a batch again. */
	SETUP("\x66\xf3\x6d");
	dm.rep_unclaimed = true;
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 3;
	hv.regs.rdi = 0x3000;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(dm.ports, i + 1);
		answer(0x1110 + i);	/* and the next element is sent */
		CHECK_EQ(hv.regs.rcx, 2 - i);
	}
	CHECK_EQ(dm.ports, 3);
	CHECK_EQ(rd16(0x3004), 0x1112);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);
	CHECK_EQ(nr_crashes, 0);
}

TEST(answered_by_the_hypervisor_replay_in_place)
{
	/* rep outsw from a hole to the device model's port: the hole's
	 * read (nobody's, all ones) comes before the port write that
	 * waits, and meets its own record when the answer is taken. */
	SETUP("\x66\xf3\x6f");
	hv.regs.rdx = DM_PORT;
	hv.regs.rcx = 2;
	hv.regs.rsi = HOLE;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	answer(0);
	CHECK_EQ(nr_crashes, 0);
	CHECK_EQ(hv.regs.rcx, 1);
	CHECK_EQ(dm.ports, 2);
	answer(0);
	CHECK_EQ(nr_crashes, 0);
	CHECK_EQ(hv.regs.rcx, 0);
	CHECK_EQ(dm.ports, 2);
	CHECK_EQ(hv.regs.rip, RIP0 + 3);

	/* movsd from an in-hypervisor device to the device model's MMIO:
	 * the device is asked again on the re-run, not the answer list. */
	SETUP("\xa5");
	hv.regs.rsi = HV_MMIO;
	hv.regs.rdi = DM_MMIO;
	CHECK_EQ(hvm_emulate_insn(&vc), HVM_WAIT_IO);
	answer(0);
	CHECK_EQ(nr_crashes, 0);
	CHECK_EQ(hv_reads, 2);
	CHECK_EQ(hv.regs.rip, RIP0 + 1);
	CHECK_EQ(dm.mmios, 1);
}

UNIT_MAIN(ins_one_request, partial_completion, ram_the_device_model_may_reach,
	  movs_and_stos, changed_while_waiting, unclaimed_batch_goes_alone,
	  answered_by_the_hypervisor_replay_in_place)
