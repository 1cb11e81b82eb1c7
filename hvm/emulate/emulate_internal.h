/*
 * What the emulator's files share: the run state, the opcode table's
 * flags, operand and memory access helpers (access.c), the flag
 * arithmetic (alu.c) and the executors (exec_*.c).  Not for callers:
 * they use emulate.h.
 */
#ifndef HVM_EMULATE_INTERNAL_H
#define HVM_EMULATE_INTERNAL_H

#include <asm/x86-defns.h>
#include <hvm/emulate/emulate.h>

/* Opcode table flags (struct x86emul_insn.desc), decode.c. */
#define D_VALID		(1U << 0)	/* covered by the emulator */
#define D_MODRM		(1U << 1)
#define D_BYTE		(1U << 2)	/* 8-bit operands */
#define D_IMM8		(1U << 3)	/* imm8, sign-extended */
#define D_IMMZ		(1U << 4)	/* imm16/imm32, sign-extended */
#define D_MOFFS		(1U << 5)	/* address-size offset (A0-A3) */
#define D_STACK		(1U << 6)	/* 64-bit operand by default in long mode */
#define D_LOCK		(1U << 7)	/* LOCK allowed with a memory destination */
#define D_NO64		(1U << 8)	/* #UD in 64-bit mode */
#define D_ONLY64	(1U << 9)	/* another instruction outside 64-bit mode */
#define D_GROUP		(1U << 10)	/* ModRM.reg picks; decode.c checks it */

/* One run: the caller's context, and a working copy of its registers
 * that is committed only when the instruction (or a REP iteration)
 * completes. */
struct emul {
	struct x86emul_ctxt *c;
	const struct x86emul_ops *ops;
	void *priv;
	enum x86emul_mode mode;
	struct hvm_regs r;
	struct x86emul_insn i;
	/* REP: iterations completed, commit them even if the next fails. */
	bool partial;
	/* REP batch ended early: commit, but RIP stays on the instruction. */
	bool rip_stays;
};

/* An operand: a register (RAX..R15, or AH..BH when high8) or memory. */
struct emul_opnd {
	bool mem;
	bool high8;
	unsigned int bytes;
	unsigned int reg;
	u8 seg;
	u64 off;
};

/* GPR numbers as instructions encode them (SDM vol. 2 table 2-2). */
enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI };

static inline u64 emul_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;
}

static inline u64 emul_sext(u64 v, unsigned int bytes)
{
	unsigned int sh = 64 - bytes * 8;

	return (u64)((s64)(v << sh) >> sh);
}

/* decode.c */
int emul_decode(struct emul *e);

/* access.c */
int emul_fault(struct emul *e, unsigned int vector, u32 error_code);
u64 emul_gpr(struct emul *e, unsigned int reg, unsigned int bytes);
void emul_set_gpr(struct emul *e, unsigned int reg, unsigned int bytes,
		  u64 val);
int emul_linear(struct emul *e, u8 seg, u64 off, unsigned int bytes,
		bool write, u64 *la);
int emul_read(struct emul *e, u8 seg, u64 off, void *buf, unsigned int bytes);
int emul_write(struct emul *e, u8 seg, u64 off, const void *buf,
	       unsigned int bytes);
int emul_check_write(struct emul *e, u8 seg, u64 off, unsigned int bytes);
void emul_opnd_rm(struct emul *e, unsigned int bytes, struct emul_opnd *o);
void emul_opnd_reg(struct emul *e, unsigned int reg, unsigned int bytes,
		   struct emul_opnd *o);
int emul_opnd_read(struct emul *e, const struct emul_opnd *o, u64 *val);
int emul_opnd_write(struct emul *e, const struct emul_opnd *o, u64 val);
int emul_push(struct emul *e, u64 val, unsigned int bytes);
int emul_pop(struct emul *e, u64 *val, unsigned int bytes, u64 *new_sp);
unsigned int emul_stack_bytes(const struct emul *e);

/* alu.c: results with their flags merged into *flags. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
u64 alu_binary(unsigned int op, u64 a, u64 b, unsigned int bytes, u64 *flags);
u64 alu_incdec(bool dec, u64 a, unsigned int bytes, u64 *flags);
u64 alu_neg(u64 a, unsigned int bytes, u64 *flags);
u64 alu_shift(unsigned int op, u64 a, unsigned int count, unsigned int bytes,
	      u64 *flags);

/* exec_alu.c, exec_move.c, exec_string.c: one instruction each. */
int exec_alu(struct emul *e);
int exec_group1(struct emul *e);
int exec_test(struct emul *e);
int exec_group3(struct emul *e);
int exec_incdec(struct emul *e);
int exec_shift(struct emul *e);
int exec_bt(struct emul *e);
int exec_cmpxchg(struct emul *e);
int exec_xadd(struct emul *e);
int exec_mov(struct emul *e);
int exec_movx(struct emul *e);
int exec_xchg(struct emul *e);
int exec_push(struct emul *e);
int exec_pop(struct emul *e);
int exec_string(struct emul *e);
u64 emul_rep_room(u64 off, u64 la, unsigned int bytes, unsigned int ad_bytes,
		  bool df);
int exec_io(struct emul *e);
int emul_io_permitted(struct emul *e, u16 port, unsigned int bytes);

#endif
