/*
 * Executors of the data moves: MOV (88-8B, C6/C7, A0-A3), MOVZX/MOVSX,
 * MOVSXD, XCHG, and PUSH/POP with a memory operand or an immediate (a
 * guest may keep its stack, or the operand, in MMIO).  None sets flags.
 */
#include <hvm/emulate/emulate_internal.h>

/* Copy @src to @dst, each operand already sized. */
static int move(struct emul *e, const struct emul_opnd *dst,
		const struct emul_opnd *src)
{
	u64 v;
	int rc = emul_opnd_read(e, src, &v);

	return rc ? rc : emul_opnd_write(e, dst, v);
}

int exec_mov(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int bytes = i->op_bytes;
	struct emul_opnd rm, reg;

	emul_opnd_rm(e, bytes, &rm);
	switch (i->opcode) {
	case 0x88: case 0x89:
		emul_opnd_reg(e, i->reg, bytes, &reg);
		return move(e, &rm, &reg);
	case 0x8a: case 0x8b:
		emul_opnd_reg(e, i->reg, bytes, &reg);
		return move(e, &reg, &rm);
	case 0xc6: case 0xc7:
		return emul_opnd_write(e, &rm, i->imm);
	case 0xa0: case 0xa1:		/* AL/rAX <- moffs */
		emul_opnd_reg(e, R_AX, bytes, &reg);
		return move(e, &reg, &rm);
	default:			/* A2/A3: moffs <- AL/rAX */
		emul_opnd_reg(e, R_AX, bytes, &reg);
		return move(e, &rm, &reg);
	}
}

/* 0F B6/B7 MOVZX, 0F BE/BF MOVSX (byte or word source), 63 MOVSXD
 * (doubleword source, or the operand size if smaller). */
int exec_movx(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int src_bytes;
	struct emul_opnd src;
	u64 v;
	int rc;

	if (i->opcode == 0x63)
		src_bytes = i->op_bytes < 4 ? i->op_bytes : 4;
	else
		src_bytes = i->opcode & 1 ? 2 : 1;
	emul_opnd_rm(e, src_bytes, &src);
	rc = emul_opnd_read(e, &src, &v);
	if (rc)
		return rc;
	if (i->opcode != 0x0fb6 && i->opcode != 0x0fb7)
		v = emul_sext(v, src_bytes);
	emul_set_gpr(e, i->reg, i->op_bytes, v);
	return X86EMUL_OKAY;
}

/* 86/87 XCHG: memory is written before the register changes. */
int exec_xchg(struct emul *e)
{
	unsigned int bytes = e->i.op_bytes;
	struct emul_opnd rm, reg;
	u64 a, b;
	int rc;

	emul_opnd_rm(e, bytes, &rm);
	emul_opnd_reg(e, e->i.reg, bytes, &reg);
	rc = emul_opnd_read(e, &rm, &a);
	if (!rc)
		rc = emul_opnd_read(e, &reg, &b);
	if (!rc)
		rc = emul_opnd_write(e, &rm, b);
	if (!rc)
		rc = emul_opnd_write(e, &reg, a);
	return rc;
}

/* FF /6 PUSH Ev, 68 PUSH Iz, 6A PUSH Ib (SDM vol. 2 "PUSH"): the source
 * is read with rSP before the push. */
int exec_push(struct emul *e)
{
	struct emul_opnd src;
	u64 v = e->i.imm;
	int rc;

	if (e->i.opcode == 0xff) {
		emul_opnd_rm(e, e->i.op_bytes, &src);
		rc = emul_opnd_read(e, &src, &v);
		if (rc)
			return rc;
	}
	return emul_push(e, v, e->i.op_bytes);
}

/* 8F /0 POP Ev (SDM vol. 2 "POP"): an rSP-based destination address is
 * computed with rSP already incremented; rSP moves after the write. */
int exec_pop(struct emul *e)
{
	unsigned int bytes = e->i.op_bytes;
	struct emul_opnd dst;
	u64 v, sp;
	int rc;

	rc = emul_pop(e, &v, bytes, &sp);
	if (rc)
		return rc;
	emul_opnd_rm(e, bytes, &dst);
	if (dst.mem && e->i.sp_base)
		dst.off = (dst.off + bytes) & emul_mask(e->i.ad_bytes);
	if (!dst.mem) {
		emul_set_gpr(e, R_SP, emul_stack_bytes(e), sp);
		return emul_opnd_write(e, &dst, v);
	}
	rc = emul_opnd_write(e, &dst, v);
	if (rc)
		return rc;
	emul_set_gpr(e, R_SP, emul_stack_bytes(e), sp);
	return X86EMUL_OKAY;
}
