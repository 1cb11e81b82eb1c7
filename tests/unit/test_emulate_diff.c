/*
 * Differential tests of the instruction emulator (hvm/emulate/) against
 * the CPU this runs on, in 64-bit mode.  For each generated case (a
 * deterministic PRNG picks the instruction, its encoding, operands,
 * flags and memory) the bytes run twice from the same state
 * (the harness is emulate_diff.h):
 *
 *  - natively: host_run() loads every GPR (RSP too) and RFLAGS, jumps to
 *    the bytes in an executable buffer, and the jump after them lands in
 *    host_back, which stores the registers and RFLAGS;
 *  - emulated: x86emul_run() on the same registers, with its memory
 *    callbacks on the same buffer (guest linear address = host address).
 *
 * Then GPRs, RIP, the arithmetic flags and DF, and the whole data and
 * stack area must be equal.  The buffer is mapped below 2 GiB (MAP_32BIT)
 * so disp32-only and moffs32 addresses and the 67 (32-bit address)
 * prefix reach it.  Flags the SDM leaves undefined for an instruction
 * are masked out of the comparison, per case (struct gen.undefined).
 */
#include "emulate_diff.h"

/* ---- generators, one instruction family each ---- */

#define FOR_CASES(n) for (unsigned int k_ = 0; k_ < (n); k_++)
#define CASES 1500

static void lock_maybe(struct gen *g)
{
	if (is_mem(g) && !rnd_below(4))
		pfx(g, 0xf0);
}

/* 00-3D: ADD OR ADC SBB AND SUB XOR CMP, every form and size. */
TEST(diff_alu)
{
	FOR_CASES(CASES * 3) {
		struct gen g;
		unsigned int op = rnd_below(8), form = rnd_below(6);

		new_case(&g);
		if (form % 2 == 0)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		g.op[g.nop++] = op * 8 + form;
		if (form >= 4) {
			imm_of_size(&g, g.bytes);
		} else {
			rm_operand(&g, rnd_reg(&g), true);
			if (form < 2 && op != 7)
				lock_maybe(&g);
		}
		if (op == 1 || op == 4 || op == 6)
			g.undefined = X86_EFLAGS_AF;	/* logic: AF undefined */
		run_case("alu", &g);
	}
}

/* 80/81/83 group 1, and TEST (84/85, A8/A9, F6/F7 /0). */
TEST(diff_group1_test)
{
	FOR_CASES(CASES * 2) {
		struct gen g;
		unsigned int op = rnd_below(8), kind = rnd_below(7);

		new_case(&g);
		if (kind == 0 || kind == 3 || kind == 5)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		switch (kind) {
		case 0: case 1: case 2:		/* 80 81 83 */
			g.op[g.nop++] = kind == 0 ? 0x80 : kind == 1 ? 0x81 : 0x83;
			rm_operand(&g, op, true);
			if (op != 7)
				lock_maybe(&g);
			imm_of_size(&g, kind == 1 ? g.bytes : 1);
			if (op == 1 || op == 4 || op == 6)
				g.undefined = X86_EFLAGS_AF;
			break;
		case 3: case 4:			/* 84 85 */
			g.op[g.nop++] = 0x81 + kind;
			rm_operand(&g, rnd_reg(&g), true);
			g.undefined = X86_EFLAGS_AF;
			break;
		default:			/* F6/F7 /0, A8/A9 */
			if (rnd_below(2)) {
				g.op[g.nop++] = 0xa3 + kind;
			} else {
				g.op[g.nop++] = 0xf1 + kind;
				rm_operand(&g, 0, true);
			}
			imm_of_size(&g, g.bytes);
			g.undefined = X86_EFLAGS_AF;
			break;
		}
		run_case("group1/test", &g);
	}
}

/* F6/F7 /2 NOT, /3 NEG; FE/FF /0 INC, /1 DEC. */
TEST(diff_unary)
{
	FOR_CASES(CASES * 2) {
		struct gen g;
		bool byte = rnd_below(2), incdec = rnd_below(2);

		new_case(&g);
		if (byte)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		g.op[g.nop++] = (incdec ? 0xfe : 0xf6) + !byte;
		rm_operand(&g, (incdec ? 0 : 2) + rnd_below(2), true);
		lock_maybe(&g);
		run_case("unary", &g);
	}
}

/* Group 2 by 1, CL and imm8, with the SDM's undefined flags masked. */
TEST(diff_shift)
{
	FOR_CASES(CASES * 3) {
		struct gen g;
		unsigned int op = rnd_below(7), kind = rnd_below(3), count, bits;
		bool byte = rnd_below(2);

		if (op == 6)
			op = 7;			/* /6 is not emulated */
		new_case(&g);
		if (byte)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		bits = g.bytes * 8;
		count = rnd_below(4) ? rnd_below(bits + 2) : rnd_below(256);
		g.op[g.nop++] = (kind == 0 ? 0xc0 : kind == 1 ? 0xd0 : 0xd2) + !byte;
		if (kind == 2)
			g.reserved |= 1U << 1;	/* CL */
		rm_operand(&g, op, true);
		if (kind == 0)
			imm(&g, count, 1);
		else if (kind == 1)
			count = 1;
		else if (!is_mem(&g) && (g.tail[0] & 7) == 1 && !(g.rex & 1))
			count = g.in.gpr[1] & 0xff;	/* CL is the operand */
		else
			g.in.gpr[1] = (g.in.gpr[1] & ~0xffULL) | count;
		count &= bits == 64 ? 63 : 31;
		if (count) {
			if (op >= 4)
				g.undefined |= X86_EFLAGS_AF;
			if (count != 1)
				g.undefined |= X86_EFLAGS_OF;
			if ((op == 4 || op == 5) && count >= bits)
				g.undefined |= X86_EFLAGS_CF;
		}
		run_case("shift", &g);
	}
}

/* BT BTS BTR BTC by register (reaching beyond the operand in memory) and
 * by immediate (0F BA). */
TEST(diff_bt)
{
	FOR_CASES(CASES * 2) {
		struct gen g;
		unsigned int op = rnd_below(4), bytes = rnd_size(), reg;
		bool by_imm = rnd_below(3) == 0;
		u64 off;

		new_case(&g);
		opsize(&g, bytes);
		g.op[g.nop++] = 0x0f;
		g.undefined = X86_EFLAGS_OF | X86_EFLAGS_SF | X86_EFLAGS_AF |
			      X86_EFLAGS_PF;
		if (by_imm) {
			g.op[g.nop++] = 0xba;
			rm_operand(&g, 4 + op, true);
			imm(&g, rnd(), 1);
		} else {
			g.op[g.nop++] = 0xa3 + op * 8;
			reg = rnd_reg(&g);
			g.reserved |= 1U << reg;
			if (rnd_below(2)) {
				modrm_regs(&g, reg, rnd_reg(&g));
			} else {
				if (!rnd_below(4))
					addr32(&g);
				modrm_mem(&g, reg, (u64)region + DATA_OFF +
					  DATA_SIZE / 2 + rnd_below(64));
				/* +-8 KiB of bits, other bits above the size */
				off = sext(rnd_below(0x8000) - 0x4000, 4);
				if (bytes < 8)
					off = (off & ((1ULL << (bytes * 8)) - 1)) |
					      (rnd() << (bytes * 8));
				g.in.gpr[reg] = off;
			}
		}
		if (op)
			lock_maybe(&g);
		run_case("bt", &g);
	}
}

/* XCHG, CMPXCHG (equal and not), XADD. */
TEST(diff_xchg_cmpxchg_xadd)
{
	FOR_CASES(CASES * 3) {
		struct gen g;
		unsigned int kind = rnd_below(3), reg;
		bool byte = rnd_below(2);
		u64 cur = 0, mask;

		new_case(&g);
		if (byte)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		if (kind == 0) {
			g.op[g.nop++] = 0x86 + !byte;
		} else {
			g.op[g.nop++] = 0x0f;
			g.op[g.nop++] = (kind == 1 ? 0xb0 : 0xc0) + !byte;
		}
		g.reserved |= 1U << 0;		/* RAX, CMPXCHG's accumulator */
		reg = rnd_reg(&g);
		rm_operand(&g, reg, true);
		lock_maybe(&g);
		if (kind == 1 && rnd_below(2)) {
			/* Make rAX match the destination. */
			if (is_mem(&g))
				memcpy(&cur, (void *)g.target, 8);
			mask = g.bytes == 8 ? ~0ULL : (1ULL << (g.bytes * 8)) - 1;
			if (!is_mem(&g)) {
				unsigned int rm = (g.tail[0] & 7) | ((g.rex & 1) << 3);

				cur = g.in.gpr[rm];
				if (g.bytes == 1 && !g.rex_on && rm >= 4)
					cur = g.in.gpr[rm - 4] >> 8;
			}
			g.in.gpr[0] = (g.in.gpr[0] & ~mask) | (cur & mask);
		}
		run_case(kind == 0 ? "xchg" : kind == 1 ? "cmpxchg" : "xadd", &g);
	}
}

/* MOV 88-8B, C6/C7, A0-A3 (moffs64, or moffs32 with 67); MOVZX/MOVSX,
 * MOVSXD. */
TEST(diff_mov)
{
	FOR_CASES(CASES * 3) {
		struct gen g;
		unsigned int kind = rnd_below(5);
		bool byte = rnd_below(2);
		u64 t;

		new_case(&g);
		switch (kind) {
		case 0: case 1:			/* 88-8B, C6/C7 */
			if (byte)
				byte_size(&g);
			else
				opsize(&g, rnd_size());
			if (kind == 0) {
				g.op[g.nop++] = 0x88 + !byte + 2 * rnd_below(2);
				rm_operand(&g, rnd_reg(&g), true);
			} else {
				g.op[g.nop++] = 0xc6 + !byte;
				rm_operand(&g, 0, true);
				imm_of_size(&g, g.bytes);
			}
			break;
		case 2:				/* A0-A3 */
			if (byte)
				byte_size(&g);
			else
				opsize(&g, rnd_size());
			g.op[g.nop++] = 0xa0 + !byte + 2 * rnd_below(2);
			t = rnd_target(8);
			if (rnd_below(2)) {
				addr32(&g);
				imm(&g, t, 4);
			} else {
				imm(&g, t, 8);
			}
			break;
		case 3:				/* MOVZX/MOVSX */
			opsize(&g, rnd_size());
			g.op[g.nop++] = 0x0f;
			g.op[g.nop++] = (rnd_below(2) ? 0xb6 : 0xbe) + rnd_below(2);
			if (g.op[1] == 0xb6 || g.op[1] == 0xbe)
				g.rex_on |= rnd_below(2);	/* byte source */
			rm_operand(&g, rnd_reg(&g), true);
			break;
		default:			/* MOVSXD */
			opsize(&g, rnd_below(4) ? 8 : 4);
			g.op[g.nop++] = 0x63;
			rm_operand(&g, rnd_reg(&g), true);
			break;
		}
		run_case("mov", &g);
	}
}

/* PUSH Ev / POP Ev (incl. an RSP-based destination, computed after the
 * increment), PUSH imm; 64-bit or, with 66, 16-bit. */
TEST(diff_push_pop)
{
	FOR_CASES(CASES * 2) {
		struct gen g;
		unsigned int kind = rnd_below(4);
		bool w16 = !rnd_below(4);
		s8 d = rnd_below(0x40) - 0x20;

		new_case(&g);
		g.bytes = w16 ? 2 : 8;
		if (w16)
			pfx(&g, 0x66);
		switch (kind) {
		case 0: case 1:			/* FF /6, 8F /0 */
			g.op[g.nop++] = kind ? 0x8f : 0xff;
			if (rnd_below(3)) {
				rm_operand(&g, kind ? 0 : 6, kind == 0);
			} else {
				/* [rsp + disp8]: 0x44 modrm, 0x24 SIB */
				g.tail[g.ntail++] = 0x44 | ((kind ? 0 : 6) << 3);
				g.tail[g.ntail++] = 0x24;
				g.tail[g.ntail++] = d & ~7;
			}
			break;
		case 2:
			g.op[g.nop++] = 0x68;
			imm(&g, rnd_val(), w16 ? 2 : 4);
			break;
		default:
			g.op[g.nop++] = 0x6a;
			imm(&g, rnd_val(), 1);
			break;
		}
		run_case("push/pop", &g);
	}
}

/* Fill @n bytes at @dst with a copy of @src, up to a random point. */
static void fill_match(u8 *dst, const u8 *src, unsigned int n)
{
	unsigned int same = rnd_below(n + 1);

	memcpy(dst, src, same);
}

/* MOVS STOS LODS CMPS SCAS, with and without REP/REPE/REPNE, DF = 0/1,
 * every size, 64- or 32-bit addresses, and now and then a count that
 * needs more than one batch. */
TEST(diff_string)
{
	static const u8 ops[] = { 0xa4, 0xaa, 0xac, 0xa6, 0xae };

	FOR_CASES(CASES * 4) {
		struct gen g;
		u8 op = ops[rnd_below(ARRAY_SIZE(ops))];
		bool byte = rnd_below(2), cmp = op == 0xa6 || op == 0xae;
		bool dn = rnd_below(2);
		u64 count = rnd_below(41), si, di, acc;
		u8 *src, *dst;

		new_case(&g);
		if (byte)
			byte_size(&g);
		else
			opsize(&g, rnd_size());
		if (!rnd_below(4))
			addr32(&g);
		if (!rnd_below(8))
			pfx(&g, "\x2e\x3e\x26\x36"[rnd_below(4)]);	/* ignored */
		if (rnd_below(4))
			pfx(&g, cmp && rnd_below(2) ? 0xf2 : 0xf3);
		if (op == 0xaa && !rnd_below(16))
			count = 300 + rnd_below(400);
		g.op[g.nop++] = op + !byte;
		if (dn)
			g.in.rflags |= X86_EFLAGS_DF;
		si = (u64)region + DATA_OFF + 0x1000 + rnd_below(0x800);
		di = (u64)region + DATA_OFF + 0x3000 + rnd_below(0x800);
		src = (u8 *)si - (dn ? 0x400 : 0);
		dst = (u8 *)di - (dn ? 0x400 : 0);
		if (op == 0xa6)
			fill_match(dst, src, 0x800);
		acc = g.in.gpr[0];
		if (op == 0xae)
			for (unsigned int k = rnd_below(0x100); k; k--)
				memcpy(dst + (dn ? 0x800 - k * 8 : k * 8), &acc, 8);
		if (op == 0xae && !dn && rnd_below(2))
			for (unsigned int k = 0; k < 64; k++)
				memcpy((u8 *)di + k * g.bytes, &acc, g.bytes);
		g.in.gpr[6] = g.a32 ? (si & 0xffffffffULL) | (rnd() << 32) : si;
		g.in.gpr[7] = g.a32 ? (di & 0xffffffffULL) | (rnd() << 32) : di;
		g.in.gpr[1] = g.a32 ? count | (rnd() << 32) : count;
		/*
		 * A REP with ECX = 0 and 32-bit addresses: this CPU writes
		 * (zero-extends) RSI and RDI for MOVS and STOS but not for the
		 * others, a microcode detail the SDM does not define; compare
		 * their low halves only.
		 */
		if (g.a32 && !count)
			g.ignore_hi = (1U << 6) | (1U << 7);
		run_case("string", &g);
	}
}

TEST(diff_setup)
{
	region = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	CHECK(region != MAP_FAILED);
	if (region == MAP_FAILED)
		exit(1);
}

TEST(diff_summary)
{
	if (!getenv("UNIT_QUIET") || mismatches)
		printf("emulate_diff: %u cases against the CPU, %u mismatches\n",
		       cases, mismatches);
	CHECK(cases > 10000);
}

UNIT_MAIN(diff_setup, diff_alu, diff_group1_test, diff_unary, diff_shift,
	  diff_bt, diff_xchg_cmpxchg_xadd, diff_mov, diff_push_pop, diff_string,
	  diff_summary)
