/*
 * Integer arithmetic with its status flags, as the SDM vol. 2 entry of
 * each instruction and vol. 1 appendix A define them.  Each function
 * returns the result (of @bytes) and replaces the arithmetic flags in
 * *flags that the instruction defines; the flags the SDM calls undefined
 * get one fixed value, documented where it is chosen, and the
 * differential test (tests/unit/test_emulate_diff.c) does not compare
 * them.  Plain C on 64-bit integers: no host flags, no libgcc.
 */
#include <hvm/emulate/emulate_internal.h>

#define ARITH X86_EFLAGS_ARITH

/* PF: even number of set bits in the low byte (SDM vol. 1 3.4.3.1). */
static u64 parity(u64 res)
{
	unsigned int v = res & 0xff;

	v ^= v >> 4;
	return (0x6996 >> (v & 0xf)) & 1 ? 0 : X86_EFLAGS_PF;
}

static u64 szp(u64 res, unsigned int bytes)
{
	u64 f = parity(res);

	if (!(res & emul_mask(bytes)))
		f |= X86_EFLAGS_ZF;
	if (res & (1ULL << (bytes * 8 - 1)))
		f |= X86_EFLAGS_SF;
	return f;
}

static void set_flags(u64 *flags, u64 which, u64 val)
{
	*flags = (*flags & ~which) | (val & which);
}

/*
 * ADD OR ADC SBB AND SUB XOR CMP, in the encoding's order (the reg field
 * of group 1).  Carry and borrow are found without a wider type: a + b + c
 * carries iff the truncated sum is below a, or equal to it with c set.
 * AND/OR/XOR leave AF undefined; the CPUs clear it and so does this.
 */
u64 alu_binary(unsigned int op, u64 a, u64 b, unsigned int bytes, u64 *flags)
{
	u64 mask = emul_mask(bytes), msb = 1ULL << (bytes * 8 - 1);
	u64 c = (op == ALU_ADC || op == ALU_SBB) && (*flags & X86_EFLAGS_CF);
	u64 res, f = 0;

	a &= mask;
	b &= mask;
	switch (op) {
	case ALU_ADD: case ALU_ADC:
		res = (a + b + c) & mask;
		if (res < a || (c && res == a))
			f |= X86_EFLAGS_CF;
		if ((a ^ res) & (b ^ res) & msb)
			f |= X86_EFLAGS_OF;
		f |= (a ^ b ^ res) & X86_EFLAGS_AF;
		break;
	case ALU_SUB: case ALU_SBB: case ALU_CMP:
		res = (a - b - c) & mask;
		if (a < b || (c && a == b))
			f |= X86_EFLAGS_CF;
		if ((a ^ b) & (a ^ res) & msb)
			f |= X86_EFLAGS_OF;
		f |= (a ^ b ^ res) & X86_EFLAGS_AF;
		break;
	case ALU_OR:
		res = a | b;
		break;
	case ALU_AND:
		res = a & b;
		break;
	default:
		res = a ^ b;
		break;
	}
	set_flags(flags, ARITH, f | szp(res, bytes));
	return res;
}

/* INC/DEC: as ADD/SUB of 1, CF untouched (SDM vol. 2 "INC", "DEC"). */
u64 alu_incdec(bool dec, u64 a, unsigned int bytes, u64 *flags)
{
	u64 cf = *flags & X86_EFLAGS_CF;
	u64 res = alu_binary(dec ? ALU_SUB : ALU_ADD, a, 1, bytes, flags);

	set_flags(flags, X86_EFLAGS_CF, cf);
	return res;
}

/* NEG: 0 - a, CF = (a != 0) (SDM vol. 2 "NEG"), which SUB gives. */
u64 alu_neg(u64 a, unsigned int bytes, u64 *flags)
{
	return alu_binary(ALU_SUB, 0, a, bytes, flags);
}

/* Rotates: RCL/RCR go bit by bit through CF (count at most 64). */
static u64 rotate(unsigned int op, u64 a, unsigned int count,
		  unsigned int bits, u64 *cf)
{
	u64 msb = 1ULL << (bits - 1), mask = emul_mask(bits / 8), out;
	unsigned int n;

	for (n = 0; n < count; n++) {
		switch (op) {
		case 0:		/* ROL */
			*cf = !!(a & msb);
			a = ((a << 1) | *cf) & mask;
			break;
		case 1:		/* ROR */
			*cf = a & 1;
			a = (a >> 1) | (*cf ? msb : 0);
			break;
		case 2:		/* RCL */
			out = !!(a & msb);
			a = ((a << 1) | *cf) & mask;
			*cf = out;
			break;
		default:	/* RCR */
			out = a & 1;
			a = (a >> 1) | (*cf ? msb : 0);
			*cf = out;
			break;
		}
	}
	return a;
}

/*
 * Group 2, op = ModRM.reg: ROL ROR RCL RCR SHL SHR (SAL=SHL) SAR
 * (SDM vol. 2 "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR").  The count is
 * masked to 5 bits (6 with 64-bit operands); a zero count changes no
 * flag.  Undefined, and chosen here: OF for counts above 1 gets the
 * count-1 formula (what Intel CPUs produce for SHL), AF is cleared by
 * shifts, and CF of SHL/SHR past the width is the last bit shifted out
 * of the zero-extended value.  Rotates touch only CF and OF.
 */
u64 alu_shift(unsigned int op, u64 a, unsigned int count, unsigned int bytes,
	      u64 *flags)
{
	unsigned int bits = bytes * 8;
	u64 msb = 1ULL << (bits - 1), mask = emul_mask(bytes);
	u64 res, cf = !!(*flags & X86_EFLAGS_CF), of;

	count &= bytes == 8 ? 63 : 31;
	a &= mask;
	if (!count)
		return a;
	switch (op) {
	case 0: case 1:
		res = rotate(op, a, count % bits, bits, &cf);
		/* A count that is a multiple of the width still sets CF. */
		cf = op == 0 ? res & 1 : !!(res & msb);
		of = op == 0 ? (!!(res & msb) ^ cf)
			     : (!!(res & msb) ^ !!(res & (msb >> 1)));
		set_flags(flags, X86_EFLAGS_CF | X86_EFLAGS_OF,
			  (cf ? X86_EFLAGS_CF : 0) | (of ? X86_EFLAGS_OF : 0));
		return res;
	case 2: case 3:
		of = !!(a & msb) ^ cf;		/* RCR's OF: before the rotation */
		res = rotate(op, a, bits < 32 ? count % (bits + 1) : count,
			     bits, &cf);
		if (op == 2)
			of = !!(res & msb) ^ cf;
		set_flags(flags, X86_EFLAGS_CF | X86_EFLAGS_OF,
			  (cf ? X86_EFLAGS_CF : 0) | (of ? X86_EFLAGS_OF : 0));
		return res;
	case 4: case 6:
		res = count < bits ? (a << count) & mask : 0;
		cf = count <= bits ? ((a << (count - 1)) & msb) != 0 : 0;
		of = !!(res & msb) ^ cf;
		break;
	case 5:
		res = count < bits ? a >> count : 0;
		cf = count <= bits ? (a >> (count - 1)) & 1 : 0;
		of = !!(a & msb);
		break;
	default:
		a = emul_sext(a, bytes);
		res = (u64)((s64)a >> (count < bits ? count : bits - 1)) & mask;
		cf = ((s64)a >> (count <= bits ? count - 1 : bits - 1)) & 1;
		of = 0;
		break;
	}
	set_flags(flags, ARITH, szp(res, bytes) | (cf ? X86_EFLAGS_CF : 0) |
		  (of ? X86_EFLAGS_OF : 0));
	return res;
}
