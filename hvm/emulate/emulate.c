/*
 * The emulator's entry points: the mode, decode, one switch that hands
 * the decoded instruction to its executor, and the commit.
 *
 * Design note.  x86emul_run() works on a copy of the caller's registers
 * and copies it back only when the instruction completes (RIP past it,
 * RFLAGS.RF cleared as after any completed instruction, SDM vol. 3
 * 17.3.1.1), or when a REP string instruction has completed iterations
 * to keep (exec_string.c).  Everything else that can go wrong, a fault,
 * a RETRY, an opcode not covered, returns with the caller's state as it
 * was, so the caller may inject, wait and re-run, or apply its error
 * policy (docs/style.md "Errors") without undoing anything.
 */
#include <hvm/emulate/emulate_internal.h>
#include <asm/msr-index.h>

enum x86emul_mode x86emul_mode(const struct x86emul_ctxt *c)
{
	u16 cs = c->seg[SEG_CS].attr;

	if (!(c->cr0 & X86_CR0_PE))
		return X86EMUL_MODE_REAL;
	if (c->regs.rflags & X86_EFLAGS_VM)
		return X86EMUL_MODE_VM86;
	if ((c->efer & EFER_LMA) && (cs & X86_SEG_ATTR_L))
		return X86EMUL_MODE_LONG64;
	return cs & X86_SEG_ATTR_DB ? X86EMUL_MODE_PROT32 : X86EMUL_MODE_PROT16;
}

int x86emul_decode(struct x86emul_ctxt *c, const struct x86emul_ops *ops,
		   void *priv, struct x86emul_insn *insn)
{
	struct emul e = {
		.c = c, .ops = ops, .priv = priv, .mode = x86emul_mode(c),
		.r = c->regs,
	};
	int rc = emul_decode(&e);

	*insn = e.i;
	return rc;
}

static int execute(struct emul *e)
{
	u16 op = e->i.opcode;

	if (op < 0x40)
		return exec_alu(e);
	switch (op) {
	case 0x63: case 0x0fb6: case 0x0fb7: case 0x0fbe: case 0x0fbf:
		return exec_movx(e);
	case 0x68: case 0x6a:
		return exec_push(e);
	case 0x6c ... 0x6f: case 0xa4 ... 0xa7: case 0xaa ... 0xaf:
		return exec_string(e);
	case 0x80 ... 0x83:
		return exec_group1(e);
	case 0x84: case 0x85: case 0xa8: case 0xa9:
		return exec_test(e);
	case 0x86: case 0x87:
		return exec_xchg(e);
	case 0x88 ... 0x8b: case 0xa0 ... 0xa3: case 0xc6: case 0xc7:
		return exec_mov(e);
	case 0x8f:
		return exec_pop(e);
	case 0xc0: case 0xc1: case 0xd0 ... 0xd3:
		return exec_shift(e);
	case 0xe4 ... 0xe7: case 0xec ... 0xef:
		return exec_io(e);
	case 0xf6: case 0xf7:
		return exec_group3(e);
	case 0xfe:
		return exec_incdec(e);
	case 0xff:
		return (e->i.reg & 7) == 6 ? exec_push(e) : exec_incdec(e);
	case 0x0fa3: case 0x0fab: case 0x0fb3: case 0x0fbb: case 0x0fba:
		return exec_bt(e);
	case 0x0fb0: case 0x0fb1:
		return exec_cmpxchg(e);
	case 0x0fc0: case 0x0fc1:
		return exec_xadd(e);
	}
	return X86EMUL_UNHANDLEABLE;
}

/* RIP past the instruction: IP/EIP wrap in their width outside 64-bit
 * mode (SDM vol. 1 3.5). */
static u64 next_rip(const struct emul *e)
{
	u64 rip = e->r.rip + e->i.len;

	switch (e->mode) {
	case X86EMUL_MODE_LONG64:
		return rip;
	case X86EMUL_MODE_PROT32:
		return rip & 0xffffffffULL;
	default:
		return rip & 0xffffULL;
	}
}

int x86emul_run(struct x86emul_ctxt *c, const struct x86emul_ops *ops,
		void *priv)
{
	struct emul e = {
		.c = c, .ops = ops, .priv = priv, .mode = x86emul_mode(c),
		.r = c->regs,
	};
	int rc = emul_decode(&e);

	if (rc == X86EMUL_OKAY)
		rc = execute(&e);
	if (rc == X86EMUL_OKAY) {
		if (!e.rip_stays) {
			e.r.rip = next_rip(&e);
			e.r.rflags &= ~X86_EFLAGS_RF;
		}
		c->regs = e.r;
	} else if (e.partial) {
		/* Completed REP iterations stand; RIP stays for the rest. */
		c->regs = e.r;
	}
	if (rc == X86EMUL_UNHANDLEABLE)
		c->event = (struct x86emul_event){ .vector = TRAP_UD };
	return rc;
}
