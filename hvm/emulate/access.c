/*
 * Registers, segmentation and memory for the emulator.
 *
 * Design note.  Every register change goes to the working copy e->r,
 * which emulate.c commits only when the instruction completes; memory
 * goes straight to the callbacks, and each instruction writes memory at
 * most once (a REP iteration once), after its reads, so a fault or RETRY
 * never leaves half an instruction done.  Segmentation follows SDM vol. 3
 * 3.4.5 and 5.1-5.3 (APM vol. 2 4.8): outside 64-bit mode an access must
 * fit the segment's limit (expand-down segments hold the offsets above
 * it), and in protected mode the segment must be present and of a type
 * that allows the access; a violation is #SS(0) for SS and #GP(0)
 * otherwise.  In 64-bit mode only FS and GS have a base and the whole
 * access must be canonical (SDM vol. 1 3.3.7.1).
 */
#include <hvm/emulate/emulate_internal.h>
#include <hvm/x86.h>
#include <xen/lib.h>

int emul_fault(struct emul *e, unsigned int vector, u32 error_code)
{
	e->c->event = (struct x86emul_event){
		.vector = vector,
		.has_error_code = x86_exc_has_error_code(vector),
		.error_code = error_code,
	};
	return X86EMUL_EXCEPTION;
}

/* Without REX, byte registers 4-7 are AH CH DH BH (SDM vol. 2 3.1.1.1). */
static bool is_high8(const struct emul *e, unsigned int reg, unsigned int bytes)
{
	return bytes == 1 && !e->i.rex && reg >= 4 && reg < 8;
}

u64 emul_gpr(struct emul *e, unsigned int reg, unsigned int bytes)
{
	if (is_high8(e, reg, bytes))
		return (*hvm_gpr(&e->r, reg - 4) >> 8) & 0xff;
	return *hvm_gpr(&e->r, reg) & emul_mask(bytes);
}

/* SDM vol. 1 3.4.1.1: 32-bit results zero-extend into the 64-bit
 * register; 8- and 16-bit ones leave the other bits alone. */
void emul_set_gpr(struct emul *e, unsigned int reg, unsigned int bytes,
		  u64 val)
{
	u64 *r;

	if (is_high8(e, reg, bytes)) {
		r = hvm_gpr(&e->r, reg - 4);
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	r = hvm_gpr(&e->r, reg);
	if (bytes >= 4)
		*r = val & emul_mask(bytes);
	else
		*r = (*r & ~emul_mask(bytes)) | (val & emul_mask(bytes));
}

static int seg_fault(struct emul *e, u8 seg)
{
	return emul_fault(e, seg == SEG_SS ? TRAP_SS : TRAP_GP, 0);
}

/* Protected mode: may @seg be used for this access at all? */
static bool seg_type_ok(unsigned int attr, bool write)
{
	unsigned int type = X86_SEG_ATTR_TYPE(attr);

	if (!(attr & X86_SEG_ATTR_P) || !(attr & X86_SEG_ATTR_S))
		return false;
	if (type & 8)		/* code: never writable, readable if R */
		return !write && (type & 2);
	return !write || (type & 2);
}

static bool in_limit(const struct hvm_seg *s, bool prot, u64 off,
		     unsigned int bytes)
{
	u64 last = off + bytes - 1;
	u64 top;

	/* Expand-down data segment (type bit 2): offsets above the limit. */
	if (prot && !(s->attr & 8) && (s->attr & 4)) {
		top = (s->attr & X86_SEG_ATTR_DB) ? 0xffffffffULL : 0xffffULL;
		return off > s->limit && last <= top;
	}
	return last <= s->limit;
}

/* The linear address of @bytes at @seg:@off, or the fault. */
int emul_linear(struct emul *e, u8 seg, u64 off, unsigned int bytes,
		bool write, u64 *la)
{
	const struct hvm_seg *s = &e->c->seg[seg];
	bool prot = e->mode != X86EMUL_MODE_REAL && e->mode != X86EMUL_MODE_VM86;

	if (e->mode == X86EMUL_MODE_LONG64) {
		*la = off + (seg == SEG_FS || seg == SEG_GS ? s->base : 0);
		if (!x86_is_canonical(*la) || !x86_is_canonical(*la + bytes - 1))
			return seg_fault(e, seg);
		return X86EMUL_OKAY;
	}
	if (prot && !seg_type_ok(s->attr, write))
		return seg_fault(e, seg);
	if (!in_limit(s, prot, off, bytes))
		return seg_fault(e, seg);
	*la = (s->base + off) & 0xffffffffULL;
	return X86EMUL_OKAY;
}

int emul_read(struct emul *e, u8 seg, u64 off, void *buf, unsigned int bytes)
{
	u64 la;
	int rc = emul_linear(e, seg, off, bytes, false, &la);

	if (rc)
		return rc;
	return e->ops->read(e->priv, la, buf, bytes, &e->c->event);
}

int emul_write(struct emul *e, u8 seg, u64 off, const void *buf,
	       unsigned int bytes)
{
	u64 la;
	int rc = emul_linear(e, seg, off, bytes, true, &la);

	if (rc)
		return rc;
	return e->ops->write(e->priv, la, buf, bytes, &e->c->event);
}

/* Segmentation checks of a write, before a side effect that must not
 * happen if the write cannot (INS reads its port after this). */
int emul_check_write(struct emul *e, u8 seg, u64 off, unsigned int bytes)
{
	u64 la;

	return emul_linear(e, seg, off, bytes, true, &la);
}

void emul_opnd_reg(struct emul *e, unsigned int reg, unsigned int bytes,
		   struct emul_opnd *o)
{
	*o = (struct emul_opnd){ .reg = reg, .bytes = bytes };
}

/* ModRM's r/m operand, register or memory, of @bytes. */
void emul_opnd_rm(struct emul *e, unsigned int bytes, struct emul_opnd *o)
{
	if (!e->i.mem) {
		emul_opnd_reg(e, e->i.rm, bytes, o);
		return;
	}
	*o = (struct emul_opnd){
		.mem = true, .bytes = bytes, .seg = e->i.seg, .off = e->i.ea,
	};
}

/* Little-endian: the host is x86 too, both here and in the tests. */
int emul_opnd_read(struct emul *e, const struct emul_opnd *o, u64 *val)
{
	*val = 0;
	if (!o->mem) {
		*val = emul_gpr(e, o->reg, o->bytes);
		return X86EMUL_OKAY;
	}
	return emul_read(e, o->seg, o->off, val, o->bytes);
}

int emul_opnd_write(struct emul *e, const struct emul_opnd *o, u64 val)
{
	if (!o->mem) {
		emul_set_gpr(e, o->reg, o->bytes, val);
		return X86EMUL_OKAY;
	}
	return emul_write(e, o->seg, o->off, &val, o->bytes);
}

/* The stack pointer's width: SS.B outside 64-bit mode (SDM vol. 1 6.2.3). */
unsigned int emul_stack_bytes(const struct emul *e)
{
	if (e->mode == X86EMUL_MODE_LONG64)
		return 8;
	if (e->mode != X86EMUL_MODE_REAL && e->mode != X86EMUL_MODE_VM86 &&
	    (e->c->seg[SEG_SS].attr & X86_SEG_ATTR_DB))
		return 4;
	return 2;
}

/* PUSH's write, then rSP moves (in the working copy). */
int emul_push(struct emul *e, u64 val, unsigned int bytes)
{
	unsigned int sb = emul_stack_bytes(e);
	u64 sp = (emul_gpr(e, R_SP, sb) - bytes) & emul_mask(sb);
	int rc = emul_write(e, SEG_SS, sp, &val, bytes);

	if (rc)
		return rc;
	emul_set_gpr(e, R_SP, sb, sp);
	return X86EMUL_OKAY;
}

/* POP's read; the caller moves rSP to *new_sp once its write is done. */
int emul_pop(struct emul *e, u64 *val, unsigned int bytes, u64 *new_sp)
{
	unsigned int sb = emul_stack_bytes(e);
	u64 sp = emul_gpr(e, R_SP, sb);

	*val = 0;
	*new_sp = (sp + bytes) & emul_mask(sb);
	return emul_read(e, SEG_SS, sp, val, bytes);
}
