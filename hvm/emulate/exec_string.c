/*
 * String instructions (MOVS CMPS STOS LODS SCAS INS OUTS) with their REP
 * prefixes, and IN/OUT.
 *
 * Design note.  One element is one step: its reads, then its one write,
 * then rSI/rDI move by the element size, down when RFLAGS.DF is set (SDM
 * vol. 1 3.4.3.2).  Index and count registers are the address size's
 * (SI/DI/CX, ESI/EDI/ECX, RSI/RDI/RCX: SDM vol. 2 "REP").  Under REP a
 * step that faults or waits (RETRY) commits the steps before it, with
 * RIP still on the instruction, as an interrupted REP does: running it
 * again continues with the next element.  A batch of X86EMUL_REP_BATCH
 * steps ends the same way, so a guest's huge count neither stalls the
 * physical CPU nor holds off its interrupts.  F2 with MOVS/STOS/LODS/INS
 * /OUTS repeats as F3 does; with CMPS/SCAS, F3 stops on ZF = 0 and F2 on
 * ZF = 1.
 *
 * Batches.  Before each element of REP INS/OUTS/MOVS/STOS the caller may
 * take a run of elements in one go (ops->rep), as Xen 4.17 hands them to
 * a device model in one request (its hvmemul_rep_ins() and siblings).
 * The run is what the CPU would do element by element: the emulator cuts
 * it to the page of each memory operand's first element and to where the
 * index register would wrap, and checks segmentation for all of it
 * first; an element that crosses a page, or a run segmentation refuses,
 * goes alone, and so raises its fault exactly where the CPU would.  A
 * batch ends the run, committing its elements; RIP stays on the
 * instruction while elements remain, as after a REP interrupted between
 * elements (SDM vol. 2 "REP").  Under RFLAGS.TF each element goes alone
 * (a single-step trap follows each, SDM vol. 3 17.3.1.4).
 */
#include <hvm/emulate/emulate_internal.h>
#include <xen/lib.h>

static u64 step_delta(const struct emul *e)
{
	u64 n = e->i.op_bytes;

	return e->r.rflags & X86_EFLAGS_DF ? -n : n;
}

static void advance(struct emul *e, unsigned int reg)
{
	unsigned int ab = e->i.ad_bytes;

	emul_set_gpr(e, reg, ab, emul_gpr(e, reg, ab) + step_delta(e));
}

/* I/O privilege (SDM vol. 1 19.5): CPL <= IOPL outside virtual-8086
 * mode, or the TSS bitmap, which the caller reads. */
int emul_io_permitted(struct emul *e, u16 port, unsigned int bytes)
{
	unsigned int iopl = (e->r.rflags & X86_EFLAGS_IOPL) >> 12;

	if (e->mode == X86EMUL_MODE_REAL ||
	    (e->mode != X86EMUL_MODE_VM86 && e->c->cpl <= iopl))
		return X86EMUL_OKAY;
	if (e->ops->io_permitted && e->ops->io_permitted(e->priv, port, bytes))
		return X86EMUL_OKAY;
	return emul_fault(e, TRAP_GP, 0);
}

/* One element of the instruction; registers change only on success. */
static int string_step(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int bytes = i->op_bytes, ab = i->ad_bytes;
	u64 si = emul_gpr(e, R_SI, ab), di = emul_gpr(e, R_DI, ab);
	u16 port = emul_gpr(e, R_DX, 2);
	u64 a = 0, b = 0;
	u32 io = 0;
	int rc;

	switch (i->opcode & ~1) {
	case 0xa4:		/* MOVS */
		rc = emul_read(e, i->seg, si, &a, bytes);
		if (!rc)
			rc = emul_write(e, SEG_ES, di, &a, bytes);
		if (!rc) {
			advance(e, R_SI);
			advance(e, R_DI);
		}
		return rc;
	case 0xa6:		/* CMPS: flags of [rSI] - [rDI] */
		rc = emul_read(e, i->seg, si, &a, bytes);
		if (!rc)
			rc = emul_read(e, SEG_ES, di, &b, bytes);
		if (!rc) {
			alu_binary(ALU_CMP, a, b, bytes, &e->r.rflags);
			advance(e, R_SI);
			advance(e, R_DI);
		}
		return rc;
	case 0xaa:		/* STOS */
		a = emul_gpr(e, R_AX, bytes);
		rc = emul_write(e, SEG_ES, di, &a, bytes);
		if (!rc)
			advance(e, R_DI);
		return rc;
	case 0xac:		/* LODS */
		rc = emul_read(e, i->seg, si, &a, bytes);
		if (!rc) {
			emul_set_gpr(e, R_AX, bytes, a);
			advance(e, R_SI);
		}
		return rc;
	case 0xae:		/* SCAS: flags of rAX - [rDI] */
		rc = emul_read(e, SEG_ES, di, &b, bytes);
		if (!rc) {
			alu_binary(ALU_CMP, emul_gpr(e, R_AX, bytes), b, bytes,
				   &e->r.rflags);
			advance(e, R_DI);
		}
		return rc;
	case 0x6c:		/* INS: check the write before reading the port */
		rc = emul_check_write(e, SEG_ES, di, bytes);
		if (!rc)
			rc = e->ops->read_io(e->priv, port, bytes, &io);
		if (!rc)
			rc = emul_write(e, SEG_ES, di, &io, bytes);
		if (!rc)
			advance(e, R_DI);
		return rc;
	default:		/* 6E OUTS */
		rc = emul_read(e, i->seg, si, &a, bytes);
		if (!rc)
			rc = e->ops->write_io(e->priv, port, bytes, (u32)a);
		if (!rc)
			advance(e, R_SI);
		return rc;
	}
}

/*
 * Elements of @bytes, the first at offset @off (linear @la) of an operand
 * whose index register is @ad_bytes wide, that one batch may cover: all
 * in @la's page, and the index reaching the last element without
 * wrapping (it may wrap just after it).  0 if the first element alone
 * crosses a page or wraps.
 */
u64 emul_rep_room(u64 off, u64 la, unsigned int bytes, unsigned int ad_bytes,
		  bool df)
{
	u64 top = emul_mask(ad_bytes), pg = la & ~PAGE_MASK, idx, page;

	if (off > top || top - off < bytes - 1 || pg + bytes > PAGE_SIZE)
		return 0;
	if (df) {	/* element i at off - i * bytes */
		idx = off / bytes + 1;
		page = pg / bytes + 1;
	} else {
		idx = (top - off - (bytes - 1)) / bytes + 1;
		page = (PAGE_SIZE - pg) / bytes;
	}
	return MIN(idx, page);
}

/* A memory operand of a batch: its first element's linear address in
 * *@la, and *@n cut to its room.  False if it cannot be batched. */
static bool rep_operand(struct emul *e, u8 seg, unsigned int reg, bool write,
			u64 *n, u64 *la)
{
	unsigned int bytes = e->i.op_bytes, ab = e->i.ad_bytes;
	u64 off = emul_gpr(e, reg, ab);

	if (emul_linear(e, seg, off, bytes, write, la))
		return false;
	*n = MIN(*n, emul_rep_room(off, *la, bytes, ab,
				   e->r.rflags & X86_EFLAGS_DF));
	return *n >= 2;
}

/* Segmentation of all @n elements of the operand at @seg:@reg. */
static bool rep_range_ok(struct emul *e, u8 seg, unsigned int reg,
			 bool write, u64 n)
{
	unsigned int bytes = e->i.op_bytes;
	u64 lo = emul_gpr(e, reg, e->i.ad_bytes), la;

	if (e->r.rflags & X86_EFLAGS_DF)
		lo -= (n - 1) * bytes;	/* no wrap: rep_operand() cut n */
	return !emul_linear(e, seg, lo, n * bytes, write, &la);
}

/* Offer the caller the next elements, at most @count, as a batch: OKAY
 * with *@done of them done (0: the next element goes alone), or the
 * callback's RETRY or UNHANDLEABLE. */
static int string_batch(struct emul *e, u64 count, u64 *done)
{
	struct x86emul_insn *i = &e->i;
	unsigned int op = i->opcode & ~1;
	bool src = op == 0x6e || op == 0xa4, dst = op != 0x6e;
	struct x86emul_rep r = {
		.bytes = i->op_bytes, .df = e->r.rflags & X86_EFLAGS_DF,
		.port = emul_gpr(e, R_DX, 2),
		.val = emul_gpr(e, R_AX, i->op_bytes),
	};
	u64 n = count;
	int rc;

	*done = 0;
	if (!e->ops->rep || count < 2 || (e->r.rflags & X86_EFLAGS_TF))
		return X86EMUL_OKAY;
	switch (op) {
	case 0x6c:
		r.op = X86EMUL_REP_INS;
		break;
	case 0x6e:
		r.op = X86EMUL_REP_OUTS;
		break;
	case 0xa4:
		r.op = X86EMUL_REP_MOVS;
		break;
	case 0xaa:
		r.op = X86EMUL_REP_STOS;
		break;
	default:
		return X86EMUL_OKAY;	/* CMPS SCAS LODS: one by one */
	}
	if ((src && !rep_operand(e, i->seg, R_SI, false, &n, &r.src)) ||
	    (dst && !rep_operand(e, SEG_ES, R_DI, true, &n, &r.dst)) ||
	    (src && !rep_range_ok(e, i->seg, R_SI, false, n)) ||
	    (dst && !rep_range_ok(e, SEG_ES, R_DI, true, n)))
		return X86EMUL_OKAY;
	r.reps = n;
	rc = e->ops->rep(e->priv, &r);
	if (rc != X86EMUL_OKAY)
		return rc;
	if (r.reps > n)
		return X86EMUL_UNHANDLEABLE;	/* more than offered */
	*done = r.reps;
	return X86EMUL_OKAY;
}

/* @done of @count elements went as a batch: commit them, end the run. */
static int rep_commit(struct emul *e, u64 count, u64 done)
{
	unsigned int op = e->i.opcode & ~1, ab = e->i.ad_bytes;
	u64 delta = done * step_delta(e);

	if (op == 0x6e || op == 0xa4)
		emul_set_gpr(e, R_SI, ab, emul_gpr(e, R_SI, ab) + delta);
	if (op != 0x6e)
		emul_set_gpr(e, R_DI, ab, emul_gpr(e, R_DI, ab) + delta);
	emul_set_gpr(e, R_CX, ab, count - done);
	e->partial = true;
	e->rip_stays = done < count;
	if (e->ops->rep_step_done)
		e->ops->rep_step_done(e->priv);
	return X86EMUL_OKAY;
}

static bool rep_stops(const struct emul *e)
{
	unsigned int op = e->i.opcode & ~1;
	bool zf = e->r.rflags & X86_EFLAGS_ZF;

	if (op != 0xa6 && op != 0xae)
		return false;
	return e->i.rep == 0xf3 ? !zf : zf;
}

int exec_string(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int ab = i->ad_bytes, n;
	u64 count;
	int rc;

	if (i->opcode <= 0x6f) {
		if (i->op_bytes == 8)
			i->op_bytes = 4;	/* INS/OUTS: at most a doubleword */
		rc = emul_io_permitted(e, emul_gpr(e, R_DX, 2), i->op_bytes);
		if (rc)
			return rc;
	}
	if (!i->rep)
		return string_step(e);
	count = emul_gpr(e, R_CX, ab);
	/* Even with nothing to do ECX is written, so zero-extended, as the
	 * CPU does (the differential test checks this). */
	emul_set_gpr(e, R_CX, ab, count);
	for (n = 0; count; n++) {
		u64 done;

		if (n == X86EMUL_REP_BATCH) {
			e->rip_stays = true;	/* the rest on the next run */
			return X86EMUL_OKAY;
		}
		rc = string_batch(e, count, &done);
		if (rc)
			return rc;
		if (done)
			return rep_commit(e, count, done);
		rc = string_step(e);
		if (rc)
			return rc;
		emul_set_gpr(e, R_CX, ab, --count);
		e->partial = true;
		if (e->ops->rep_step_done)
			e->ops->rep_step_done(e->priv);
		if (rep_stops(e))
			break;
	}
	return X86EMUL_OKAY;
}

/* E4-E7 IN/OUT with imm8 port, EC-EF with DX (SDM vol. 2 "IN", "OUT"). */
int exec_io(struct emul *e)
{
	struct x86emul_insn *i = &e->i;
	unsigned int bytes = i->op_bytes == 8 ? 4 : i->op_bytes;
	u16 port = i->opcode & 8 ? emul_gpr(e, R_DX, 2) : i->imm & 0xff;
	bool in = !(i->opcode & 2);
	u32 v = 0;
	int rc = emul_io_permitted(e, port, bytes);

	if (rc)
		return rc;
	if (!in)
		return e->ops->write_io(e->priv, port, bytes, emul_gpr(e, R_AX, bytes));
	rc = e->ops->read_io(e->priv, port, bytes, &v);
	if (!rc)
		emul_set_gpr(e, R_AX, bytes, v);
	return rc;
}
