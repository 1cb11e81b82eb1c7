/*
 * Executors of the arithmetic and logic instructions: ALU (00-3D, group
 * 1), TEST, group 3 (NOT, NEG), INC/DEC, group 2 shifts and rotates, the
 * bit tests, CMPXCHG and XADD.  Each reads its operands, computes with
 * alu.c, and writes its destination last, so a fault or RETRY at any
 * access leaves nothing changed.
 */
#include <hvm/emulate/emulate_internal.h>

/*
 * The read-modify-write shape shared by all of them: dst op= src, CMP and
 * TEST (@writes false) only set flags.
 */
static int rmw(struct emul *e, const struct emul_opnd *dst, u64 src,
	       unsigned int op, bool writes)
{
	u64 a, res;
	int rc = emul_opnd_read(e, dst, &a);

	if (rc)
		return rc;
	res = alu_binary(op, a, src, dst->bytes, &e->r.rflags);
	return writes ? emul_opnd_write(e, dst, res) : X86EMUL_OKAY;
}

/* 00-3D: op in bits 5:3; bit 1 swaps the ModRM operands; x4/x5 take
 * AL/rAX and an immediate (SDM vol. 2 table A-2). */
int exec_alu(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int op = (i->opcode >> 3) & 7, bytes = i->op_bytes;
	struct emul_opnd dst, src;
	u64 s;
	int rc;

	switch (i->opcode & 7) {
	case 4: case 5:
		emul_opnd_reg(e, R_AX, bytes, &dst);
		return rmw(e, &dst, i->imm, op, op != ALU_CMP);
	case 0: case 1:
		emul_opnd_rm(e, bytes, &dst);
		emul_opnd_reg(e, i->reg, bytes, &src);
		break;
	default:
		emul_opnd_reg(e, i->reg, bytes, &dst);
		emul_opnd_rm(e, bytes, &src);
		break;
	}
	rc = emul_opnd_read(e, &src, &s);
	if (rc)
		return rc;
	return rmw(e, &dst, s, op, op != ALU_CMP);
}

/* 80-83: Eb/Ev op= imm (83: imm8 sign-extended). */
int exec_group1(struct emul *e)
{
	struct emul_opnd dst;
	unsigned int op = e->i.reg & 7;

	emul_opnd_rm(e, e->i.op_bytes, &dst);
	return rmw(e, &dst, e->i.imm, op, op != ALU_CMP);
}

/* 84/85 TEST Ev, Gv and A8/A9 TEST rAX, imm: AND without the write. */
int exec_test(struct emul *e)
{
	struct emul_opnd dst, src;
	u64 s = e->i.imm;
	int rc;

	if (e->i.opcode >= 0xa8) {
		emul_opnd_reg(e, R_AX, e->i.op_bytes, &dst);
	} else {
		emul_opnd_rm(e, e->i.op_bytes, &dst);
		emul_opnd_reg(e, e->i.reg, e->i.op_bytes, &src);
		rc = emul_opnd_read(e, &src, &s);
		if (rc)
			return rc;
	}
	return rmw(e, &dst, s, ALU_AND, false);
}

/* F6/F7: /0 TEST imm, /2 NOT (no flags), /3 NEG; decode.c let no other
 * member through. */
int exec_group3(struct emul *e)
{
	struct emul_opnd dst;
	unsigned int bytes = e->i.op_bytes;
	u64 a, res;
	int rc;

	emul_opnd_rm(e, bytes, &dst);
	if ((e->i.reg & 7) == 0)
		return rmw(e, &dst, e->i.imm, ALU_AND, false);
	rc = emul_opnd_read(e, &dst, &a);
	if (rc)
		return rc;
	if ((e->i.reg & 7) == 2)
		res = ~a;
	else
		res = alu_neg(a, bytes, &e->r.rflags);
	return emul_opnd_write(e, &dst, res);
}

/* FE/FF /0 INC, /1 DEC. */
int exec_incdec(struct emul *e)
{
	struct emul_opnd dst;
	u64 a;
	int rc;

	emul_opnd_rm(e, e->i.op_bytes, &dst);
	rc = emul_opnd_read(e, &dst, &a);
	if (rc)
		return rc;
	a = alu_incdec(e->i.reg & 1, a, dst.bytes, &e->r.rflags);
	return emul_opnd_write(e, &dst, a);
}

/* C0/C1 by imm8, D0/D1 by 1, D2/D3 by CL.  A count that masks to 0
 * leaves memory unwritten. */
int exec_shift(struct emul *e)
{
	struct emul_opnd dst;
	unsigned int count, bytes = e->i.op_bytes;
	u64 a, res;
	int rc;

	if (e->i.opcode <= 0xc1)
		count = e->i.imm & 0xff;
	else if (e->i.opcode <= 0xd1)
		count = 1;
	else
		count = emul_gpr(e, R_CX, 1);
	emul_opnd_rm(e, bytes, &dst);
	rc = emul_opnd_read(e, &dst, &a);
	if (rc)
		return rc;
	/* A count that masks to 0 changes nothing, but a 32-bit register
	 * is still written, so zero-extended (as the CPU does). */
	if (!(count & (bytes == 8 ? 63 : 31)))
		return dst.mem ? X86EMUL_OKAY : emul_opnd_write(e, &dst, a);
	res = alu_shift(e->i.reg & 7, a, count, bytes, &e->r.rflags);
	return emul_opnd_write(e, &dst, res);
}

/*
 * BT/BTS/BTR/BTC (0F A3/AB/B3/BB, 0F BA /4-/7; SDM vol. 2 "BT").  With a
 * register offset and a memory operand the offset is signed and reaches
 * beyond the operand: the operand-sized unit at ea + (offset >> log2(bits))
 * * bytes, in the address size.  With an immediate it is taken modulo the
 * width.  CF gets the bit; ZF is kept; OF SF AF PF are undefined and kept.
 */
int exec_bt(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int bytes = i->op_bytes, bits = bytes * 8, op;
	struct emul_opnd dst;
	u64 off, a, bit;
	s64 unit;
	int rc;

	emul_opnd_rm(e, bytes, &dst);
	if (i->opcode == 0x0fba) {
		off = i->imm & (bits - 1);
		op = i->reg & 3;
	} else {
		off = emul_gpr(e, i->reg, bytes);
		op = (i->opcode >> 3) & 3;
		if (dst.mem) {
			unit = (s64)emul_sext(off, bytes) >> (bytes == 8 ? 6 : bytes == 4 ? 5 : 4);
			dst.off = (dst.off + (u64)unit * bytes) & emul_mask(i->ad_bytes);
		}
		off &= bits - 1;
	}
	rc = emul_opnd_read(e, &dst, &a);
	if (rc)
		return rc;
	bit = 1ULL << off;
	e->r.rflags = (e->r.rflags & ~X86_EFLAGS_CF) | !!(a & bit);
	switch (op) {
	case 0: return X86EMUL_OKAY;		/* BT */
	case 1: a |= bit; break;		/* BTS */
	case 2: a &= ~bit; break;		/* BTR */
	default: a ^= bit; break;		/* BTC */
	}
	return emul_opnd_write(e, &dst, a);
}

/*
 * CMPXCHG (0F B0/B1; SDM vol. 2 "CMPXCHG"): flags of CMP rAX, dst.  A
 * memory destination is written either way (with its own value on a
 * mismatch, as the CPU's locked cycle does), then a mismatch loads rAX.
 * A register destination is left alone on a mismatch: the CPU does not
 * zero-extend a 32-bit one then (the differential test checks this).
 */
int exec_cmpxchg(struct emul *e)
{
	unsigned int bytes = e->i.op_bytes;
	struct emul_opnd dst;
	u64 old, acc = emul_gpr(e, R_AX, bytes), src = emul_gpr(e, e->i.reg, bytes);
	int rc;

	emul_opnd_rm(e, bytes, &dst);
	rc = emul_opnd_read(e, &dst, &old);
	if (rc)
		return rc;
	alu_binary(ALU_CMP, acc, old, bytes, &e->r.rflags);
	if (acc == old)
		return emul_opnd_write(e, &dst, src);
	if (dst.mem) {
		rc = emul_opnd_write(e, &dst, old);
		if (rc)
			return rc;
	}
	emul_set_gpr(e, R_AX, bytes, old);
	return X86EMUL_OKAY;
}

/* XADD (0F C0/C1): src gets the old dst, dst the sum, in that order. */
int exec_xadd(struct emul *e)
{
	unsigned int bytes = e->i.op_bytes;
	struct emul_opnd dst;
	u64 old, src = emul_gpr(e, e->i.reg, bytes), sum;
	int rc;

	emul_opnd_rm(e, bytes, &dst);
	rc = emul_opnd_read(e, &dst, &old);
	if (rc)
		return rc;
	sum = alu_binary(ALU_ADD, old, src, bytes, &e->r.rflags);
	if (dst.mem) {
		rc = emul_opnd_write(e, &dst, sum);
		if (rc)
			return rc;
	}
	emul_set_gpr(e, e->i.reg, bytes, old);
	if (!dst.mem)
		emul_set_gpr(e, dst.reg, bytes, sum);
	return X86EMUL_OKAY;
}
