/*
 * Host tests of the emulator on a vCPU (hvm/emulate_glue.c, with the
 * emulator itself), compiled as they are: the list of device-model
 * answers an instruction's re-runs replay.
 *
 * The test stands in for the vendor (a 64-bit vCPU at CPL 0), the guest's
 * page tables (linear = physical, one page that faults), its p2m (RAM
 * pages of several kinds, a device model's MMIO page, an in-hypervisor
 * device's page, holes), the in-hypervisor devices and the ioreq servers:
 * port 0x1f0 and the MMIO page are a device model's, which records each
 * request; the test answers them as the entry path does
 * (hvm_emulate_answered()).
 *
 * The rule checked: accesses the hypervisor answers itself (nobody's, an
 * in-hypervisor device's) replay in place when a later access of the
 * element waits for a device model.
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

/* The device model: the requests it got. */
static struct {
	unsigned int mmios, ports;	/* requests of each kind */
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

UNIT_MAIN(answered_by_the_hypervisor_replay_in_place)
