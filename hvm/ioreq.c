/*
 * Device-model I/O requests, the vCPU side: an access the hypervisor does
 * not handle itself is recorded in v->hvm->io, the vCPU blocks
 * (VPF_blocked_ioreq keeps the scheduler from running it), and whoever
 * answers calls hvm_io_complete(), which stores the answer and wakes it.
 * Its entry path (hvm/resume.c, VCPU_WORK_IO) then finishes the
 * instruction through the exit dispatcher's one RIP update
 * (hvm_io_finish() in hvm/exit.c), before the guest runs again: the
 * guest sees the instruction complete as if it had never stopped.
 *
 * States (io.state, changed with atomics because the answer comes from
 * another pCPU): NONE -> WAITING (the vCPU, in its exit handler) ->
 * COMPLETING -> READY (the answerer, once; a second or unexpected answer
 * is refused) -> NONE (the vCPU, before entry).  The answer's data is
 * written between COMPLETING and READY, so the vCPU reads it only after
 * the release store of READY.
 */
#include <hvm/hvm.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/sched.h>

void hvm_ioreq_wait(struct vcpu *v, const struct hvm_ioreq *req)
{
	struct hvm_ioreq *io = &v->hvm->io;

	BUG_ON(__atomic_load_n(&io->state, __ATOMIC_RELAXED) != HVM_IOREQ_NONE);
	io->addr = req->addr;
	io->data = req->data;
	io->size = req->size;
	io->in = req->in;
	io->emulated = req->emulated;
	io->mmio = req->mmio;
	io->insn_len = 0;		/* the dispatcher records it */
	__atomic_store_n(&io->state, HVM_IOREQ_WAITING, __ATOMIC_RELEASE);
	/* Blocked before anyone can answer: the caller sends the request
	 * only after this returns, so the wake cannot come first. */
	vcpu_pause_flag_set(v, VPF_blocked_ioreq);
}

int hvm_io_complete(struct vcpu *v, u64 data)
{
	struct hvm_ioreq *io = &v->hvm->io;
	u32 waiting = HVM_IOREQ_WAITING;

	if (!__atomic_compare_exchange_n(&io->state, &waiting,
					 HVM_IOREQ_COMPLETING, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return -EINVAL;
	if (io->in)
		io->data = data;
	__atomic_store_n(&io->state, HVM_IOREQ_READY, __ATOMIC_RELEASE);
	vcpu_work_set(v, VCPU_WORK_IO);
	vcpu_pause_flag_clear(v, VPF_blocked_ioreq);
	return 0;
}

bool hvm_ioreq_take_answer(struct vcpu *v, struct hvm_ioreq *req)
{
	struct hvm_ioreq *io = &v->hvm->io;

	if (__atomic_load_n(&io->state, __ATOMIC_ACQUIRE) != HVM_IOREQ_READY)
		return false;
	*req = *io;
	__atomic_store_n(&io->state, HVM_IOREQ_NONE, __ATOMIC_RELAXED);
	return true;
}
