/*
 * REP string instructions for a device model, in batches: the emulator's
 * ops->rep on a vCPU (hvm/emulate_glue.c runs the emulator).
 *
 * Design note.
 *
 * REP INS/OUTS/MOVS/STOS between a device model and RAM go as one
 * request for many elements, as Xen 4.17 sends them (public/hvm/ioreq.h:
 * count, df, data_is_ptr; Xen's hvmemul_rep_ins() and siblings).  The
 * emulator offers a batch cut to one page of each memory operand
 * (ops->rep); this translates each operand's first element and sends
 * one request when one side is a port or MMIO that no in-hypervisor
 * device claims and the other is RAM the domain owns (p2m_ram_rw where
 * the device model writes it; read-only RAM too where it only reads):
 * data_is_ptr, with the guest-physical address of the RAM's first
 * element, which the device model maps and walks itself, element by
 * element, downwards under DF.  A REP STOS into such MMIO is one request
 * carrying the value.  Everything else goes element by element as
 * before: in-hypervisor devices, MMIO to MMIO, RAM to RAM, a hole on the
 * memory side, an element across a page, a fault, a batch no server
 * takes whole (or the PCI configuration ports).  A batch waits like any
 * access; when the re-run takes its answer the emulator commits its
 * count (RCX, RSI, RDI) - all of it: Xen takes nothing back from the
 * device model but the data, never a count.
 *
 * A device model is as trusted with the guest's memory as Xen makes it:
 * it may map any frame the guest owns.  What a guest must not do is
 * point it elsewhere: the address it gets names one page of the guest's
 * own RAM, checked here as the checked copy path checks it, and the
 * elements on both sides stay in one page each.
 */
#include <hvm/emulate_glue.h>
#include <hvm/guest_walk.h>
#include <hvm/hvm.h>
#include <xen/frame.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>

/* The bytes [*lo, *hi] of @n elements of @bytes from @gpa (downwards if
 * @df); false unless they lie in @gpa's page. */
static bool rep_span(u64 gpa, u64 n, unsigned int bytes, bool df, u64 *lo,
		     u64 *hi)
{
	u64 off = gpa & ~PAGE_MASK;

	if (!n || n > PAGE_SIZE || off + bytes > PAGE_SIZE)
		return false;
	if (df ? (n - 1) * bytes > off : off + n * bytes > PAGE_SIZE)
		return false;
	*lo = df ? gpa - (n - 1) * bytes : gpa;
	*hi = *lo + n * bytes - 1;
	return true;
}

/*
 * May a device model reach @r's elements at @gpa as guest memory: all in
 * one page of RAM of the domain's own (what it maps with foreign
 * mappings; never a grant or foreign mapping in the guest's p2m),
 * p2m_ram_rw if it writes there, as the checked copy path would allow
 * the hypervisor itself.
 */
static bool rep_ram(struct domain *d, const struct x86emul_rep *r, u64 gpa,
		    bool dm_writes)
{
	enum p2m_type t;
	u64 lo, hi;
	mfn_t mfn;
	bool ok;

	if (!rep_span(gpa, r->reps, r->bytes, r->df, &lo, &hi) ||
	    arch_p2m_get_frame(d, gpa >> PAGE_SHIFT, &mfn, &t))
		return false;
	ok = (t == p2m_ram_rw || (!dm_writes && t == p2m_ram_ro)) &&
	     frame_owned_by(mfn, d, 0);
	frame_put(mfn);
	return ok;
}

/* Are @r's elements at @gpa MMIO for the device models: in one page, not
 * RAM of any kind, and no in-hypervisor device at either end (which is
 * what Xen's intercepts look at for a request with a count)? */
static bool rep_mmio(struct vcpu *v, const struct x86emul_rep *r, u64 gpa)
{
	enum p2m_type t;
	u64 lo, hi;
	mfn_t mfn;

	if (!rep_span(gpa, r->reps, r->bytes, r->df, &lo, &hi))
		return false;
	t = arch_p2m_get_entry(v->domain, gpa >> PAGE_SHIFT, &mfn);
	return (t == p2m_invalid || t == p2m_mmio_dm) &&
	       !hvm_mmio_claimed(v, lo) && !hvm_mmio_claimed(v, hi);
}

/* A batch operand's first element: OKAY with *@gpa, EXCEPTION (it
 * faults: the element goes alone and raises it), or UNHANDLEABLE. */
static int rep_translate(struct emul_run *er, u64 la, bool write, u64 *gpa)
{
	struct x86emul_event ev;

	return hvm_emul_translate(er, la, write ? PFEC_write : 0, gpa, &ev);
}

/*
 * @r as one request in *@k (k->count 0: the elements go one at a time):
 * a port or MMIO of a device model on one side, the domain's RAM on the
 * other (data_is_ptr), or a REP STOS into MMIO (the value, as Xen sends
 * it).  OKAY, or UNHANDLEABLE (the domain was crashed).
 */
static int rep_plan(struct emul_run *er, const struct x86emul_rep *r,
		    struct hvm_emul_access *k)
{
	struct domain *d = er->v->domain;
	bool port = r->op == X86EMUL_REP_INS || r->op == X86EMUL_REP_OUTS;
	u64 sgpa = 0, dgpa = 0;
	int rc = X86EMUL_OKAY;

	*k = (struct hvm_emul_access){ .size = r->bytes, .rep = true,
				       .df = r->df, .ptr = true };
	if (port && hvm_port_internal(er->v, r->port, r->bytes,
				      r->op == X86EMUL_REP_INS))
		return X86EMUL_OKAY;
	if (r->op == X86EMUL_REP_OUTS || r->op == X86EMUL_REP_MOVS)
		rc = rep_translate(er, r->src, false, &sgpa);
	if (rc == X86EMUL_OKAY && r->op != X86EMUL_REP_OUTS)
		rc = rep_translate(er, r->dst, true, &dgpa);
	if (rc != X86EMUL_OKAY)
		return rc == X86EMUL_UNHANDLEABLE ? rc : X86EMUL_OKAY;
	k->in = r->op == X86EMUL_REP_INS;
	if (port) {
		k->addr = r->port;
		k->buf = k->in ? dgpa : sgpa;
		if (!rep_ram(d, r, k->buf, k->in))
			return X86EMUL_OKAY;
	} else if (r->op == X86EMUL_REP_STOS) {
		if (!rep_mmio(er->v, r, dgpa))
			return X86EMUL_OKAY;
		*k = (struct hvm_emul_access){ .addr = dgpa, .buf = r->val,
			.size = r->bytes, .mmio = true, .rep = true,
			.df = r->df };
	} else if (rep_mmio(er->v, r, sgpa) && rep_ram(d, r, dgpa, true)) {
		k->addr = sgpa;		/* MOVS from the device */
		k->buf = dgpa;
		k->in = k->mmio = true;
	} else if (rep_ram(d, r, sgpa, false) && rep_mmio(er->v, r, dgpa)) {
		k->addr = dgpa;		/* MOVS to the device */
		k->buf = sgpa;
		k->mmio = true;
	} else {
		return X86EMUL_OKAY;	/* RAM to RAM, MMIO to MMIO... */
	}
	k->count = r->reps;
	return X86EMUL_OKAY;
}

/* ops->rep: a batch for a device model (see the design note). */
int hvm_emul_rep(void *priv, struct x86emul_rep *r)
{
	struct emul_run *er = priv;
	const struct hvm_emul_access *held = hvm_emul_answer_next(er);
	struct hvm_emul_access k;
	ioreq_t p;
	u64 data;
	int rc;

	/* The answer due next is for an element alone: it went alone when
	 * it was asked (nobody took the batch), and goes alone again. */
	if (held && !held->rep) {
		r->reps = 0;
		return X86EMUL_OKAY;
	}
	rc = rep_plan(er, r, &k);
	r->reps = 0;
	if (rc != X86EMUL_OKAY || !k.count)
		return rc;
	rc = hvm_emul_answer_take(er, &k, &data);
	if (rc == X86EMUL_OKAY)
		r->reps = k.count;
	if (rc != X86EMUL_RETRY)
		return rc;
	p = (ioreq_t){
		.type = k.mmio ? IOREQ_TYPE_COPY : IOREQ_TYPE_PIO,
		.addr = k.addr, .data = k.buf, .count = k.count,
		.size = k.size, .dir = k.in ? IOREQ_READ : IOREQ_WRITE,
		.df = k.df, .data_is_ptr = k.ptr,
	};
	switch (ioreq_send_rep(er->v, &p)) {
	case IOREQ_SENT:
		return hvm_emul_answer_wait(er, &k);
	case IOREQ_CRASHED:
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	case IOREQ_UNCLAIMED:
		break;
	}
	return X86EMUL_OKAY;	/* nobody takes it whole: one at a time */
}
