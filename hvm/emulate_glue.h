/*
 * What the instruction emulator's glue (hvm/emulate_glue.c) shares with
 * its REP batches (hvm/emulate_rep.c): one run of the emulator on a vCPU,
 * and the list of device-model answers (struct hvm_emul_answers).  Not
 * for anyone else: the rest of the hypervisor calls hvm_emulate_insn().
 */
#ifndef HVM_EMULATE_GLUE_H
#define HVM_EMULATE_GLUE_H

#include <hvm/emulate/emulate.h>
#include <hvm/vcpu.h>

struct vcpu;

/* One x86emul_run() on a vCPU: its callbacks' private data. */
struct emul_run {
	struct vcpu *v;
	struct x86emul_ctxt *c;
	bool sent;		/* an access went to a device model */
	bool crashed;		/* a callback crashed the domain */
	bool stepped;		/* a REP step was committed */
};

/*
 * Translate linear @la for an access described by @pfec.  X86EMUL_OKAY
 * with *gpa, an EXCEPTION with @ev filled, or UNHANDLEABLE (the domain
 * was crashed).
 */
int hvm_emul_translate(struct emul_run *er, u64 la, unsigned int pfec,
		       u64 *gpa, struct x86emul_event *ev);

/* The held answer the next device-model access of this run takes, or
 * NULL. */
const struct hvm_emul_access *hvm_emul_answer_next(struct emul_run *er);
/*
 * A device-model access of this run: X86EMUL_OKAY with *@data if an
 * answer for it is held (taken in order), X86EMUL_RETRY if it must be
 * asked, X86EMUL_UNHANDLEABLE (the domain crashed) if the held answer is
 * for another access.
 */
int hvm_emul_answer_take(struct emul_run *er,
			 const struct hvm_emul_access *k, u64 *data);
/* After @k was sent to a device model: its answer's place, and
 * X86EMUL_RETRY (or UNHANDLEABLE: the domain crashed). */
int hvm_emul_answer_wait(struct emul_run *er,
			 const struct hvm_emul_access *k);

/* ops->rep (hvm/emulate_rep.c): a REP batch for a device model. */
int hvm_emul_rep(void *priv, struct x86emul_rep *r);

#endif
