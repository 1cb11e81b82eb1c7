/*
 * The instruction emulator (hvm/emulate/) run on a vCPU: the guest state
 * it needs, and its callbacks onto guest memory, MMIO and ports.
 *
 * Design note.
 *
 * Memory is reached by linear address: each page of an access is
 * translated with the guest's own page tables as they are now
 * (hvm_translate_linear(), accessed/dirty bits set as the CPU would),
 * then by the p2m type of the guest-physical address:
 *  - RAM (or a grant or foreign mapping) is copied through the same
 *    checked path as hypercall copies (copy_{from,to}_guest_phys());
 *  - anything else is MMIO: an in-hypervisor device that claims it
 *    (hvm/mmio.c), else the domain's device models (an ioreq, the vCPU
 *    waits), else nobody - reads all ones, writes dropped, as Xen's null
 *    handler.  Writing read-only RAM is dropped the same way.
 * A guest page table that is not RAM makes the walk fail with
 * PFEC_bad_gpa: that is no guest #PF but a domain the hypervisor cannot
 * make sense of, and it is crashed, as Xen crashes it.
 *
 * Device-model answers follow the emulator's restart rule: an access
 * handed to a device model stops the run (X86EMUL_RETRY, nothing
 * committed); when the answer is in, the entry path runs the instruction
 * again and the same access takes the answer (struct hvm_emul_answers).
 * Accesses nobody claimed are kept in the list too, answered all ones,
 * so that they replay in their place; in-hypervisor devices are asked
 * again on every run.
 *
 * REP INS/OUTS/MOVS/STOS between a device model and RAM go to it as
 * one request for many elements where they can (hvm/emulate_rep.c).
 *
 * The emulator moves RIP itself, so a completed instruction is
 * HVM_RETRY for the dispatcher ("run on from the guest's RIP").
 */
#include <hvm/emulate/emulate.h>
#include <hvm/emulate_glue.h>
#include <hvm/guest_walk.h>
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/ioreq.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <asm/x86-defns.h>

/* --- Device-model answers --------------------------------------------- */

/* The register state the answers belong to. */
static bool answers_match(const struct hvm_emul_answers *a,
			  const struct hvm_regs *r)
{
	return a->rip == r->rip && a->rcx == r->rcx && a->rsi == r->rsi &&
	       a->rdi == r->rdi;
}

static void answers_key(struct hvm_emul_answers *a, const struct hvm_regs *r)
{
	a->rip = r->rip;
	a->rcx = r->rcx;
	a->rsi = r->rsi;
	a->rdi = r->rdi;
}

/* Before a run: the answers held, if they belong to this state. */
static void answers_start(struct hvm_emul_answers *a, const struct hvm_regs *r)
{
	if (!answers_match(a, r)) {
		a->nr = 0;
		answers_key(a, r);
	}
	a->used = 0;
}

/* A single access (not a REP batch), as the answers key it. */
static struct hvm_emul_access one_access(u64 addr, unsigned int size,
					 bool in, bool mmio)
{
	return (struct hvm_emul_access){ .addr = addr, .count = 1,
					 .size = size, .in = in, .mmio = mmio };
}

static bool access_same(const struct hvm_emul_access *a,
			const struct hvm_emul_access *b)
{
	return a->addr == b->addr && a->buf == b->buf &&
	       a->count == b->count && a->size == b->size &&
	       a->in == b->in && a->mmio == b->mmio && a->rep == b->rep &&
	       a->ptr == b->ptr && a->df == b->df;
}

/* The held answer the next device-model access of this run takes. */
const struct hvm_emul_access *hvm_emul_answer_next(struct emul_run *er)
{
	struct hvm_emul_answers *a = &er->v->hvm->emul;

	return a->used < a->nr ? &a->a[a->used].k : NULL;
}

/*
 * A device-model access of this run: X86EMUL_OKAY with *@data if an
 * answer for it is held (taken in order), X86EMUL_RETRY if it must be
 * asked, X86EMUL_UNHANDLEABLE (the domain crashed) if the held answer is
 * for another access.  The guest can cause that - another vCPU rewrote
 * the instruction or the page tables while this one waited - and Xen
 * crashes the domain then too ("invalid second half" of a request).
 */
int hvm_emul_answer_take(struct emul_run *er,
			 const struct hvm_emul_access *k, u64 *data)
{
	struct hvm_emul_answers *a = &er->v->hvm->emul;
	typeof(a->a[0]) *e;

	if (a->used >= a->nr)
		return X86EMUL_RETRY;
	e = &a->a[a->used];
	if (!access_same(&e->k, k)) {
		domain_crash(er->v->domain, "emulation: the instruction's "
			     "access changed while it waited for the device "
			     "model (%s %#lx x%u, now %#lx x%u)",
			     e->k.mmio ? "MMIO" : "port",
			     (unsigned long)e->k.addr, e->k.count,
			     (unsigned long)k->addr, k->count);
		a->nr = a->used = 0;
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
	a->used++;
	*data = e->data;
	return X86EMUL_OKAY;
}

/* The next free place in the list, for @k; NULL (the domain crashed)
 * if the instruction has made more accesses than it can hold. */
static typeof(((struct hvm_emul_answers *)0)->a[0]) *
answer_place(struct emul_run *er, const struct hvm_emul_access *k)
{
	struct hvm_emul_answers *a = &er->v->hvm->emul;

	if (a->nr == HVM_EMUL_ANSWERS) {
		domain_crash(er->v->domain, "emulation: more than %u "
			     "device-model accesses in one instruction",
			     HVM_EMUL_ANSWERS);
		er->crashed = true;
		return NULL;
	}
	a->a[a->nr].k = *k;
	a->a[a->nr].data = ~0ULL;
	return &a->a[a->nr];
}

/* After a request was sent: the answer's place, filled on completion. */
int hvm_emul_answer_wait(struct emul_run *er, const struct hvm_emul_access *k)
{
	if (!answer_place(er, k))
		return X86EMUL_UNHANDLEABLE;
	er->v->hvm->io.emulated = true;
	er->v->hvm->io.mmio = k->mmio;
	er->sent = true;
	return X86EMUL_RETRY;
}

/*
 * An access no device model claimed (reads all ones, writes dropped):
 * recorded as answered, so that when a later access of the same element
 * waits for a device model the run that takes that answer finds this
 * one in its place, as Xen's per-instruction MMIO cache does.  Without
 * it a REP OUTS from a hole to a device model's port would meet the
 * port's answer at the hole and crash the domain.
 */
static int answer_null(struct emul_run *er, const struct hvm_emul_access *k)
{
	if (!answer_place(er, k))
		return X86EMUL_UNHANDLEABLE;
	er->v->hvm->emul.nr++;
	er->v->hvm->emul.used++;
	return X86EMUL_OKAY;
}

/*
 * A REP instruction stopped (RETRY) with iterations committed: the
 * answers the stopped iteration took before it waited, and the place of
 * the one it waits for, belong to the state it stopped in (those of the
 * committed iterations are gone, emul_rep_step_done()).  Without this
 * the next run would find the list keyed to the old state, drop it and
 * ask the device model again for every access of that iteration: each
 * element of a REP INS from a device would be read twice.
 */
static void answers_rebase(struct emul_run *er)
{
	struct hvm_emul_answers *a = &er->v->hvm->emul;

	a->used = 0;
	answers_key(a, &er->c->regs);
}

/* A REP iteration (or batch) committed: the answers it took are spent.
 * Nothing else is held for it (a run stops at its first access without
 * an answer) unless the guest changed what the iteration does, e.g. a
 * page from MMIO to RAM: then those answers are for accesses that did
 * not happen, and go too. */
static void emul_rep_step_done(void *priv)
{
	struct emul_run *er = priv;
	struct hvm_emul_answers *a = &er->v->hvm->emul;

	a->nr = a->used = 0;
	er->stepped = true;
}

void hvm_emulate_answered(struct vcpu *v, const struct hvm_ioreq *req)
{
	struct hvm_emul_answers *a = &v->hvm->emul;

	BUG_ON(a->nr == HVM_EMUL_ANSWERS);
	a->a[a->nr].data = req->data;
	a->nr++;
	hvm_emulate_insn(v);	/* its disposition acts by itself */
}

/* --- MMIO ------------------------------------------------------------- */

/* One MMIO piece (1, 2, 4 or 8 bytes, within a page). */
static int mmio_access(struct emul_run *er, u64 gpa, unsigned int size,
		       bool write, u64 *val)
{
	struct vcpu *v = er->v;
	struct hvm_emul_access k = one_access(gpa, size, !write, true);
	u64 data;
	int rc;

	/* In-hypervisor devices answer at once, every run. */
	if (hvm_mmio_claimed(v, gpa)) {
		if (!hvm_mmio_access(v, gpa, size, write, val))
			return X86EMUL_OKAY;
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
	rc = hvm_emul_answer_take(er, &k, &data);
	if (rc == X86EMUL_OKAY && !write)
		*val = data;
	if (rc != X86EMUL_RETRY)
		return rc;
	switch (ioreq_send_mmio(v, gpa, size, write, write ? *val : 0)) {
	case IOREQ_SENT:
		return hvm_emul_answer_wait(er, &k);
	case IOREQ_CRASHED:
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	case IOREQ_UNCLAIMED:
		break;
	}
	if (!write)
		*val = ~0ULL;
	return answer_null(er, &k);
}

/* @n bytes of MMIO at @gpa (within a page) in naturally sized pieces. */
static int mmio_bytes(struct emul_run *er, u64 gpa, u8 *buf, unsigned int n,
		      bool write)
{
	while (n) {
		unsigned int size = 8;
		u64 val = 0;
		int rc;

		while (size > n || (gpa & (size - 1)))
			size >>= 1;
		if (write)
			memcpy(&val, buf, size);
		rc = mmio_access(er, gpa, size, write, &val);
		if (rc != X86EMUL_OKAY)
			return rc;
		if (!write)
			memcpy(buf, &val, size);
		gpa += size;
		buf += size;
		n -= size;
	}
	return X86EMUL_OKAY;
}

/* --- Memory by linear address ------------------------------------------ */

static void emul_page_fault(struct x86emul_event *ev, u64 la,
			    unsigned int pfec)
{
	*ev = (struct x86emul_event){
		.vector = TRAP_PF, .has_error_code = true,
		.error_code = pfec & PFEC_arch_mask, .cr2 = la,
	};
}

/*
 * Translate linear @la for an access described by @pfec.  X86EMUL_OKAY
 * with *gpa, an EXCEPTION with @ev filled, or UNHANDLEABLE (the domain
 * was crashed).
 */
int hvm_emul_translate(struct emul_run *er, u64 la, unsigned int pfec,
		       u64 *gpa, struct x86emul_event *ev)
{
	unsigned int fault;

	if (er->c->cpl == 3)
		pfec |= PFEC_user;
	if (!hvm_translate_linear(er->v, la, pfec, gpa, &fault))
		return X86EMUL_OKAY;
	if (fault & PFEC_noncanon) {
		*ev = (struct x86emul_event){ .vector = TRAP_GP,
					      .has_error_code = true };
		return X86EMUL_EXCEPTION;
	}
	if (fault & PFEC_bad_gpa) {
		domain_crash(er->v->domain, "emulation: the page tables for "
			     "linear %#lx are not in RAM", (unsigned long)la);
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
	emul_page_fault(ev, la, fault);
	return X86EMUL_EXCEPTION;
}

static bool emul_is_ram(enum p2m_type t, bool write)
{
	if (write)
		return t == p2m_ram_rw || t == p2m_grant_map_rw ||
		       t == p2m_map_foreign;
	return t == p2m_ram_rw || t == p2m_ram_ro || t == p2m_grant_map_rw ||
	       t == p2m_grant_map_ro || t == p2m_map_foreign;
}

/* One piece within a page, already translated. */
static int emul_phys(struct emul_run *er, u64 gpa, u8 *buf, unsigned int n,
		     bool write)
{
	struct domain *d = er->v->domain;
	enum p2m_type t;
	mfn_t mfn;

	t = arch_p2m_get_entry(d, gpa >> PAGE_SHIFT, &mfn);
	if (emul_is_ram(t, write)) {
		/* The copy holds the frame while it copies; if the entry
		 * changed meanwhile it fails, and the guest runs the
		 * instruction again. */
		if (!(write ? copy_to_guest_phys(d, gpa, buf, n) :
			      copy_from_guest_phys(d, buf, gpa, n)))
			return X86EMUL_OKAY;
		return X86EMUL_RETRY;
	}
	if (write && (t == p2m_ram_ro || t == p2m_grant_map_ro))
		return X86EMUL_OKAY;	/* dropped, as Xen drops it */
	return mmio_bytes(er, gpa, buf, n, write);
}

static int emul_access(struct emul_run *er, u64 la, u8 *buf,
		       unsigned int bytes, unsigned int pfec,
		       struct x86emul_event *ev)
{
	u64 gpa[2];
	unsigned int first = MIN(bytes, PAGE_SIZE - (unsigned int)(la & ~PAGE_MASK));
	bool write = pfec & PFEC_write;
	int rc;

	/* Both pages translate before either is touched (SDM vol. 3 4.7). */
	rc = hvm_emul_translate(er, la, pfec, &gpa[0], ev);
	if (rc == X86EMUL_OKAY && first < bytes)
		rc = hvm_emul_translate(er, la + first, pfec, &gpa[1], ev);
	if (rc != X86EMUL_OKAY)
		return rc;
	rc = emul_phys(er, gpa[0], buf, first, write);
	if (rc == X86EMUL_OKAY && first < bytes)
		rc = emul_phys(er, gpa[1], buf + first, bytes - first, write);
	return rc;
}

static int emul_read(void *priv, u64 la, void *buf, unsigned int bytes,
		     struct x86emul_event *ev)
{
	return emul_access(priv, la, buf, bytes, 0, ev);
}

static int emul_write(void *priv, u64 la, const void *buf, unsigned int bytes,
		      struct x86emul_event *ev)
{
	u8 tmp[8];

	memcpy(tmp, buf, MIN(bytes, sizeof(tmp)));
	return emul_access(priv, la, tmp, MIN(bytes, sizeof(tmp)), PFEC_write,
			   ev);
}

/* Instruction bytes: from RAM only (Xen does not run code from MMIO). */
static int emul_fetch(void *priv, u64 la, void *buf, unsigned int bytes,
		      struct x86emul_event *ev)
{
	struct emul_run *er = priv;
	u64 gpa;
	int rc = hvm_emul_translate(er, la, PFEC_insn, &gpa, ev);

	if (rc != X86EMUL_OKAY)
		return rc;
	if (copy_from_guest_phys(er->v->domain, buf, gpa, bytes)) {
		domain_crash(er->v->domain, "emulation: instruction at "
			     "guest-physical %#lx is not in RAM",
			     (unsigned long)gpa);
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
	return X86EMUL_OKAY;
}

/* --- Ports ------------------------------------------------------------ */

static int emul_port(struct emul_run *er, u16 port, unsigned int bytes,
		     bool in, u32 *val)
{
	struct hvm_emul_access k = one_access(port, bytes, in, false);
	u64 data;
	int rc;

	/* In-hypervisor devices answer at once, every run. */
	if (hvm_port_internal(er->v, port, bytes, in)) {
		if (hvm_portio(er->v, port, bytes, in, val) == HVM_DONE)
			return X86EMUL_OKAY;
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
	rc = hvm_emul_answer_take(er, &k, &data);
	if (rc == X86EMUL_OKAY && in)
		*val = data;
	if (rc != X86EMUL_RETRY)
		return rc;
	switch (hvm_portio(er->v, port, bytes, in, val)) {
	case HVM_DONE:		/* nobody claimed it: all ones */
		return answer_null(er, &k);
	case HVM_WAIT_IO:
		return hvm_emul_answer_wait(er, &k);
	default:
		er->crashed = true;
		return X86EMUL_UNHANDLEABLE;
	}
}

static int emul_read_io(void *priv, u16 port, unsigned int bytes, u32 *val)
{
	return emul_port(priv, port, bytes, true, val);
}

static int emul_write_io(void *priv, u16 port, unsigned int bytes, u32 val)
{
	return emul_port(priv, port, bytes, false, &val);
}

static const struct x86emul_ops emul_ops = {
	.read = emul_read,
	.write = emul_write,
	.fetch = emul_fetch,
	.read_io = emul_read_io,
	.write_io = emul_write_io,
	.rep_step_done = emul_rep_step_done,
	.rep = hvm_emul_rep,
};

/* --- The run ------------------------------------------------------------ */

static void emul_load(struct vcpu *v, struct x86emul_ctxt *c)
{
	*c = (struct x86emul_ctxt){
		.regs = v->hvm->regs,
		.cr0 = hvm_ops->get_cr(v, 0),
		.efer = hvm_ops->get_efer(v),
		.cpl = hvm_get_cpl(v),
	};
	for (unsigned int s = SEG_ES; s <= SEG_GS; s++)
		hvm_ops->get_seg(v, s, &c->seg[s]);
}

static void emul_inject(struct vcpu *v, const struct x86emul_event *ev)
{
	if (ev->vector == TRAP_PF) {
		struct hvm_aux_state aux;

		hvm_ops->get_aux_state(v, &aux);
		aux.cr2 = ev->cr2;
		hvm_ops->set_aux_state(v, &aux);
	}
	hvm_ops->inject_exception(v, ev->vector, ev->has_error_code,
				  ev->error_code);
}

/*
 * The instruction bytes up to the end of RIP's page, with one walk: the
 * emulator would otherwise fetch them one by one, each a walk of its own.
 * Nothing on any failure: the emulator's own fetch then raises the fault
 * (and applies the CS limit to every byte either way).
 */
static unsigned int emul_prefetch(struct vcpu *v, struct x86emul_ctxt *c,
				  u8 *buf)
{
	u64 la = c->seg[SEG_CS].base + c->regs.rip, gpa;
	unsigned int n, fault, pfec = PFEC_insn;

	if (x86emul_mode(c) != X86EMUL_MODE_LONG64)
		la = (u32)la;
	n = MIN(15U, PAGE_SIZE - (unsigned int)(la & ~PAGE_MASK));
	if (c->cpl == 3)
		pfec |= PFEC_user;
	if (hvm_translate_linear(v, la, pfec, &gpa, &fault) ||
	    copy_from_guest_phys(v->domain, buf, gpa, n))
		return 0;
	return n;
}

enum hvm_disposition hvm_emulate_insn(struct vcpu *v)
{
	struct x86emul_ctxt c;
	struct emul_run er = { .v = v, .c = &c };
	u8 insn[15];
	int rc;

	emul_load(v, &c);
	c.insn = insn;
	c.insn_avail = emul_prefetch(v, &c, insn);
	answers_start(&v->hvm->emul, &c.regs);
	rc = x86emul_run(&c, &emul_ops, &er);
	/* Completed REP iterations are kept whatever the result. */
	v->hvm->regs = c.regs;
	if (er.crashed)
		return HVM_CRASH;
	switch (rc) {
	case X86EMUL_OKAY:
		/* A REP batch may have left RIP on the instruction; its
		 * answers belonged to the state before it either way. */
		v->hvm->emul.nr = v->hvm->emul.used = 0;
		return HVM_RETRY;
	case X86EMUL_EXCEPTION:
		v->hvm->emul.nr = v->hvm->emul.used = 0;
		emul_inject(v, &c.event);
		return HVM_INJECT;
	case X86EMUL_RETRY:
		/* A device model has an access, or a RAM copy raced a p2m
		 * change: either way the guest state is as before it, but
		 * for the REP iterations done. */
		if (er.stepped)
			answers_rebase(&er);
		return er.sent ? HVM_WAIT_IO : HVM_RETRY;
	}
	domain_crash(v->domain, "emulation: instruction at RIP %#lx not "
		     "emulated (opcode bytes unknown to the emulator)",
		     (unsigned long)v->hvm->regs.rip);
	return HVM_CRASH;
}
