/*
 * Instruction decoder (SDM vol. 2 ch. 2, APM vol. 3 ch. 1).
 *
 * Design note.  Bytes come from the caller's buffer, then one at a time
 * from ops->fetch, each checked against the CS limit (canonical RIP in
 * 64-bit mode); the 16th byte is #GP(0) whatever it is (SDM vol. 2 2.3.11).
 * Legacy prefixes may come in any order and repeat; the last segment
 * override and the last of F2/F3 win; a REX prefix counts only right
 * before the opcode (SDM vol. 2 2.2.1).  The opcode tables hold only
 * what the emulator executes: anything else is UNHANDLEABLE before any
 * guest memory is touched.  The memory operand's offset is computed
 * here, in the address size, with its default segment; segmentation
 * itself is applied by access.c at each access.
 */
#include <hvm/emulate/emulate_internal.h>
#include <hvm/x86.h>
#include <xen/lib.h>
#include <xen/string.h>

#define ALU_ROW(base)						\
	[(base) + 0] = D_VALID | D_MODRM | D_BYTE | D_LOCK,	\
	[(base) + 1] = D_VALID | D_MODRM | D_LOCK,		\
	[(base) + 2] = D_VALID | D_MODRM | D_BYTE,		\
	[(base) + 3] = D_VALID | D_MODRM,			\
	[(base) + 4] = D_VALID | D_BYTE | D_IMM8,		\
	[(base) + 5] = D_VALID | D_IMMZ

static const u16 onebyte[256] = {
	ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
	ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
	[0x63] = D_VALID | D_MODRM | D_ONLY64,		/* MOVSXD */
	[0x68] = D_VALID | D_IMMZ | D_STACK,		/* PUSH Iz */
	[0x6a] = D_VALID | D_IMM8 | D_STACK,		/* PUSH Ib */
	[0x6c] = D_VALID | D_BYTE, [0x6d] = D_VALID,	/* INS */
	[0x6e] = D_VALID | D_BYTE, [0x6f] = D_VALID,	/* OUTS */
	[0x80] = D_VALID | D_MODRM | D_BYTE | D_IMM8 | D_GROUP,
	[0x81] = D_VALID | D_MODRM | D_IMMZ | D_GROUP,
	[0x82] = D_VALID | D_MODRM | D_BYTE | D_IMM8 | D_GROUP | D_NO64,
	[0x83] = D_VALID | D_MODRM | D_IMM8 | D_GROUP,
	[0x84] = D_VALID | D_MODRM | D_BYTE,		/* TEST */
	[0x85] = D_VALID | D_MODRM,
	[0x86] = D_VALID | D_MODRM | D_BYTE | D_LOCK,	/* XCHG */
	[0x87] = D_VALID | D_MODRM | D_LOCK,
	[0x88] = D_VALID | D_MODRM | D_BYTE,		/* MOV */
	[0x89] = D_VALID | D_MODRM,
	[0x8a] = D_VALID | D_MODRM | D_BYTE,
	[0x8b] = D_VALID | D_MODRM,
	[0x8f] = D_VALID | D_MODRM | D_STACK | D_GROUP,	/* POP Ev */
	[0xa0] = D_VALID | D_BYTE | D_MOFFS, [0xa1] = D_VALID | D_MOFFS,
	[0xa2] = D_VALID | D_BYTE | D_MOFFS, [0xa3] = D_VALID | D_MOFFS,
	[0xa4] = D_VALID | D_BYTE, [0xa5] = D_VALID,	/* MOVS */
	[0xa6] = D_VALID | D_BYTE, [0xa7] = D_VALID,	/* CMPS */
	[0xa8] = D_VALID | D_BYTE | D_IMM8,		/* TEST AL, Ib */
	[0xa9] = D_VALID | D_IMMZ,
	[0xaa] = D_VALID | D_BYTE, [0xab] = D_VALID,	/* STOS */
	[0xac] = D_VALID | D_BYTE, [0xad] = D_VALID,	/* LODS */
	[0xae] = D_VALID | D_BYTE, [0xaf] = D_VALID,	/* SCAS */
	[0xc0] = D_VALID | D_MODRM | D_BYTE | D_IMM8 | D_GROUP,
	[0xc1] = D_VALID | D_MODRM | D_IMM8 | D_GROUP,
	[0xc6] = D_VALID | D_MODRM | D_BYTE | D_IMM8 | D_GROUP,
	[0xc7] = D_VALID | D_MODRM | D_IMMZ | D_GROUP,
	[0xd0] = D_VALID | D_MODRM | D_BYTE | D_GROUP,	/* shift by 1 */
	[0xd1] = D_VALID | D_MODRM | D_GROUP,
	[0xd2] = D_VALID | D_MODRM | D_BYTE | D_GROUP,	/* shift by CL */
	[0xd3] = D_VALID | D_MODRM | D_GROUP,
	[0xe4] = D_VALID | D_BYTE | D_IMM8, [0xe5] = D_VALID | D_IMM8,
	[0xe6] = D_VALID | D_BYTE | D_IMM8, [0xe7] = D_VALID | D_IMM8,
	[0xec] = D_VALID | D_BYTE, [0xed] = D_VALID,	/* IN DX */
	[0xee] = D_VALID | D_BYTE, [0xef] = D_VALID,	/* OUT DX */
	[0xf6] = D_VALID | D_MODRM | D_BYTE | D_GROUP,
	[0xf7] = D_VALID | D_MODRM | D_GROUP,
	[0xfe] = D_VALID | D_MODRM | D_BYTE | D_GROUP,
	[0xff] = D_VALID | D_MODRM | D_GROUP,
};

static const u16 twobyte[256] = {
	[0x0b] = D_VALID,				/* UD2 */
	[0xa3] = D_VALID | D_MODRM,			/* BT */
	[0xab] = D_VALID | D_MODRM | D_LOCK,		/* BTS */
	[0xb0] = D_VALID | D_MODRM | D_BYTE | D_LOCK,	/* CMPXCHG */
	[0xb1] = D_VALID | D_MODRM | D_LOCK,
	[0xb3] = D_VALID | D_MODRM | D_LOCK,		/* BTR */
	[0xb6] = D_VALID | D_MODRM, [0xb7] = D_VALID | D_MODRM,	/* MOVZX */
	[0xba] = D_VALID | D_MODRM | D_IMM8 | D_GROUP,	/* BT* Ib */
	[0xbb] = D_VALID | D_MODRM | D_LOCK,		/* BTC */
	[0xbe] = D_VALID | D_MODRM, [0xbf] = D_VALID | D_MODRM,	/* MOVSX */
	[0xc0] = D_VALID | D_MODRM | D_BYTE | D_LOCK,	/* XADD */
	[0xc1] = D_VALID | D_MODRM | D_LOCK,
};

struct dec {
	struct emul *e;
	u8 buf[15];
	unsigned int n;		/* bytes taken so far */
	bool rip_rel;		/* ea needs RIP of the next instruction */
};

/* The next instruction byte, fetched at CS:RIP+n (SDM vol. 3 5.3 for the
 * limit, vol. 1 3.3.7.1 for the canonical check). */
static int next_byte(struct dec *d, u8 *b)
{
	struct emul *e = d->e;
	struct x86emul_ctxt *c = e->c;
	u64 ip = e->r.rip + d->n, la;
	int rc;

	if (d->n >= 15)
		return emul_fault(e, TRAP_GP, 0);
	if (e->mode == X86EMUL_MODE_LONG64) {
		la = ip;
		if (!x86_is_canonical(la))
			return emul_fault(e, TRAP_GP, 0);
	} else {
		ip &= e->mode == X86EMUL_MODE_PROT32 ? 0xffffffffULL : 0xffffULL;
		if (ip > c->seg[SEG_CS].limit)
			return emul_fault(e, TRAP_GP, 0);
		la = (c->seg[SEG_CS].base + ip) & 0xffffffffULL;
	}
	if (c->insn && d->n < c->insn_avail) {
		d->buf[d->n] = c->insn[d->n];
	} else {
		if (!e->ops->fetch)
			return X86EMUL_UNHANDLEABLE;
		rc = e->ops->fetch(e->priv, la, &d->buf[d->n], 1, &c->event);
		if (rc != X86EMUL_OKAY)
			return rc;
	}
	*b = d->buf[d->n++];
	return X86EMUL_OKAY;
}

/* @bytes little-endian bytes, sign-extended. */
static int next_imm(struct dec *d, unsigned int bytes, u64 *val)
{
	u64 v = 0;
	unsigned int k;
	u8 b;
	int rc;

	for (k = 0; k < bytes; k++) {
		rc = next_byte(d, &b);
		if (rc)
			return rc;
		v |= (u64)b << (8 * k);
	}
	*val = emul_sext(v, bytes);
	return X86EMUL_OKAY;
}

/* Legacy prefixes and REX, until the opcode byte (left in *op). */
static int decode_prefixes(struct dec *d, u8 *op)
{
	static const u8 seg_of[8] = {
		[0] = SEG_ES, [1] = SEG_CS, [2] = SEG_SS, [3] = SEG_DS,
	};
	struct x86emul_insn *i = &d->e->i;
	bool opsz = false, adsz = false;
	int rc;

	for (;;) {
		rc = next_byte(d, op);
		if (rc)
			return rc;
		switch (*op) {
		case 0x66: opsz = true; break;
		case 0x67: adsz = true; break;
		case 0xf0: i->lock = true; break;
		case 0xf2: case 0xf3: i->rep = *op; break;
		case 0x26: case 0x2e: case 0x36: case 0x3e:
			i->seg = seg_of[(*op >> 3) & 3];
			break;
		case 0x64: i->seg = SEG_FS; break;
		case 0x65: i->seg = SEG_GS; break;
		default:
			if (d->e->mode == X86EMUL_MODE_LONG64 && (*op & 0xf0) == 0x40) {
				i->rex = *op;
				continue;
			}
			goto done;
		}
		i->rex = 0;	/* a REX before a legacy prefix is ignored */
	}
done:
	switch (d->e->mode) {
	case X86EMUL_MODE_LONG64:
		i->op_bytes = (i->rex & 8) ? 8 : opsz ? 2 : 4;
		i->ad_bytes = adsz ? 4 : 8;
		break;
	case X86EMUL_MODE_PROT32:
		i->op_bytes = opsz ? 2 : 4;
		i->ad_bytes = adsz ? 2 : 4;
		break;
	default:
		i->op_bytes = opsz ? 4 : 2;
		i->ad_bytes = adsz ? 4 : 2;
		break;
	}
	/* In 64-bit mode only FS and GS overrides count (SDM vol. 1 3.3.7.1). */
	if (d->e->mode == X86EMUL_MODE_LONG64 && i->seg != SEG_FS && i->seg != SEG_GS)
		i->seg = 0xff;
	return X86EMUL_OKAY;
}

/* 16-bit ModRM addressing (SDM vol. 2 table 2-1). */
static int decode_ea16(struct dec *d, u8 *def_seg)
{
	static const u8 base[8] = { R_BX, R_BX, R_BP, R_BP, R_SI, R_DI, R_BP, R_BX };
	static const u8 index[8] = { R_SI, R_DI, R_SI, R_DI, 0xff, 0xff, 0xff, 0xff };
	struct emul *e = d->e;
	struct x86emul_insn *i = &e->i;
	unsigned int rm = i->rm & 7;
	u64 disp = 0, ea = 0;
	int rc = 0;

	if (i->mod == 0 && rm == 6)
		rc = next_imm(d, 2, &disp);
	else {
		ea = emul_gpr(e, base[rm], 2);
		if (index[rm] != 0xff)
			ea += emul_gpr(e, index[rm], 2);
		if (base[rm] == R_BP)
			*def_seg = SEG_SS;
		if (i->mod)
			rc = next_imm(d, i->mod == 1 ? 1 : 2, &disp);
	}
	i->ea = (ea + disp) & 0xffff;
	return rc;
}

/* 32/64-bit ModRM and SIB addressing (SDM vol. 2 tables 2-2, 2-3, and
 * 2.2.1.6 for RIP-relative, resolved once the length is known). */
static int decode_ea32(struct dec *d, u8 *def_seg)
{
	struct emul *e = d->e;
	struct x86emul_insn *i = &e->i;
	unsigned int base = i->rm, idx, scale;
	u64 ea = 0, disp = 0;
	bool no_base = false;
	u8 sib;
	int rc;

	if ((i->rm & 7) == 4) {
		rc = next_byte(d, &sib);
		if (rc)
			return rc;
		scale = sib >> 6;
		idx = ((sib >> 3) & 7) | ((i->rex & 2) << 2);
		base = (sib & 7) | ((i->rex & 1) << 3);
		if (idx != R_SP)
			ea += emul_gpr(e, idx, i->ad_bytes) << scale;
		no_base = i->mod == 0 && (base & 7) == R_BP;
	} else if (i->mod == 0 && (i->rm & 7) == R_BP) {
		no_base = true;
		d->rip_rel = e->mode == X86EMUL_MODE_LONG64;
	}
	if (!no_base) {
		ea += emul_gpr(e, base, i->ad_bytes);
		if (base == R_SP || base == R_BP)
			*def_seg = SEG_SS;
		i->sp_base = base == R_SP;
	}
	if (i->mod == 1)
		rc = next_imm(d, 1, &disp);
	else if (i->mod == 2 || no_base)
		rc = next_imm(d, 4, &disp);
	else
		rc = X86EMUL_OKAY;
	i->ea = ea + disp;
	return rc;
}

static int decode_modrm(struct dec *d)
{
	struct emul *e = d->e;
	struct x86emul_insn *i = &e->i;
	u8 def_seg = SEG_DS, modrm;
	int rc;

	rc = next_byte(d, &modrm);
	if (rc)
		return rc;
	i->has_modrm = true;
	i->mod = modrm >> 6;
	i->reg = ((modrm >> 3) & 7) | ((i->rex & 4) << 1);
	i->rm = (modrm & 7) | ((i->rex & 1) << 3);
	if (i->mod == 3)
		return X86EMUL_OKAY;
	i->mem = true;
	if (i->ad_bytes == 2)
		rc = decode_ea16(d, &def_seg);
	else
		rc = decode_ea32(d, &def_seg);
	if (rc)
		return rc;
	if (i->seg == 0xff)
		i->seg = def_seg;
	return X86EMUL_OKAY;
}

/* The ModRM.reg values of each group the emulator executes, and whether
 * LOCK is allowed with them (SDM vol. 2 "LOCK", table A-6). */
static bool group_valid(const struct x86emul_insn *i, bool *lockable)
{
	unsigned int r = i->reg & 7;

	*lockable = false;
	switch (i->opcode) {
	case 0x80: case 0x81: case 0x82: case 0x83:
		*lockable = r != 7;	/* all but CMP */
		return true;
	case 0x8f: case 0xc6: case 0xc7:
		return r == 0;
	case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
		return r != 6;		/* /6 is an undocumented SHL alias */
	case 0xf6: case 0xf7:
		*lockable = r == 2 || r == 3;
		return r == 0 || r == 2 || r == 3;
	case 0xfe:
		*lockable = true;
		return r <= 1;
	case 0xff:
		*lockable = r <= 1;
		return r <= 1 || r == 6;
	case 0x0fba:
		*lockable = r != 4;
		return r >= 4;
	}
	return false;
}

/* SDM vol. 1 3.6.1: PUSH/POP are 64-bit (or 16 with 66) in long mode. */
static void stack_op_size(struct emul *e)
{
	if (e->mode == X86EMUL_MODE_LONG64)
		e->i.op_bytes = e->i.op_bytes == 2 ? 2 : 8;
}

static int decode_opcode(struct dec *d, u8 op)
{
	struct emul *e = d->e;
	struct x86emul_insn *i = &e->i;
	int rc;

	i->opcode = op;
	i->desc = onebyte[op];
	if (op == 0x0f) {
		rc = next_byte(d, &op);
		if (rc)
			return rc;
		i->opcode = 0x0f00 | op;
		i->desc = twobyte[op];
	}
	if (!(i->desc & D_VALID) ||
	    ((i->desc & D_ONLY64) && e->mode != X86EMUL_MODE_LONG64))
		return X86EMUL_UNHANDLEABLE;
	if ((i->desc & D_NO64) && e->mode == X86EMUL_MODE_LONG64)
		return emul_fault(e, TRAP_UD, 0);
	if (i->opcode == 0x0f0b)
		return emul_fault(e, TRAP_UD, 0);
	if (i->desc & D_BYTE)
		i->op_bytes = 1;
	if (i->desc & D_STACK)
		stack_op_size(e);
	return X86EMUL_OKAY;
}

static int decode_operands(struct dec *d)
{
	struct emul *e = d->e;
	struct x86emul_insn *i = &e->i;
	bool lockable = i->desc & D_LOCK;
	int rc = X86EMUL_OKAY;

	if (i->desc & D_MODRM) {
		rc = decode_modrm(d);
		if (rc)
			return rc;
	}
	if ((i->desc & D_GROUP) && !group_valid(i, &lockable))
		return X86EMUL_UNHANDLEABLE;
	if (i->opcode < 0x40 && (i->opcode >> 3) == ALU_CMP)
		lockable = false;	/* CMP writes nothing */
	if (i->opcode == 0xff && (i->reg & 7) == 6)
		stack_op_size(e);	/* PUSH Ev */
	/* SDM vol. 2 "LOCK": #UD unless a lockable instruction writes memory. */
	if (i->lock && (!lockable || !i->mem))
		return emul_fault(e, TRAP_UD, 0);
	if (i->desc & D_MOFFS) {
		rc = next_imm(d, i->ad_bytes, &i->ea);
		i->ea &= emul_mask(i->ad_bytes);
		i->mem = true;
		if (i->seg == 0xff)
			i->seg = SEG_DS;
	} else if (i->desc & D_IMM8) {
		rc = next_imm(d, 1, &i->imm);
	} else if (i->desc & D_IMMZ) {
		rc = next_imm(d, i->op_bytes == 2 ? 2 : 4, &i->imm);
	} else if ((i->opcode == 0xf6 || i->opcode == 0xf7) && (i->reg & 7) == 0) {
		/* TEST Eb, Ib / Ev, Iz: the only group-3 member with an immediate */
		rc = next_imm(d, i->op_bytes == 1 ? 1 : i->op_bytes == 2 ? 2 : 4, &i->imm);
	}
	if (rc)
		return rc;
	i->len = d->n;
	if (d->rip_rel)
		i->ea += e->r.rip + i->len;
	if (i->mem)
		i->ea &= emul_mask(i->ad_bytes);
	if (i->seg == 0xff)
		i->seg = SEG_DS;	/* string sources, unless overridden */
	return X86EMUL_OKAY;
}

int emul_decode(struct emul *e)
{
	struct dec d = { .e = e };
	u8 op;
	int rc;

	memset(&e->i, 0, sizeof(e->i));
	e->i.seg = 0xff;
	rc = decode_prefixes(&d, &op);
	if (!rc)
		rc = decode_opcode(&d, op);
	if (!rc)
		rc = decode_operands(&d);
	if (rc == X86EMUL_UNHANDLEABLE)
		e->c->event = (struct x86emul_event){ .vector = TRAP_UD };
	return rc;
}
