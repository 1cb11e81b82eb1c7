/*
 * The x86 instruction emulator: runs one guest instruction that touches
 * emulated MMIO or does string port I/O, on a copy of the guest state the
 * caller hands in.  Pure: guest memory and I/O ports are reached only
 * through the caller's callbacks, so the host unit tests drive it directly
 * and compare it with the real CPU (tests/unit/test_emulate*.c).
 *
 * Decoding is apart from execution: x86emul_decode() turns the bytes at
 * CS:RIP into a struct x86emul_insn (prefixes, ModRM/SIB, effective
 * address, immediate) without touching guest memory, x86emul_run() then
 * executes it.  docs/architecture.md "The instruction emulator" describes
 * the restart rule and what is covered.
 */
#ifndef HVM_EMULATE_EMULATE_H
#define HVM_EMULATE_EMULATE_H

#include <hvm/vcpu.h>
#include <xen/types.h>

/* What x86emul_run() returns, and what the callbacks return. */
enum x86emul_rc {
	/* Run: the instruction completed (or a REP batch did, RIP unmoved),
	 * c->regs updated.  Callback: the access was done. */
	X86EMUL_OKAY,
	/* Run: inject c->event; nothing changed but completed REP iterations.
	 * Callback: the access faults with the event it filled in. */
	X86EMUL_EXCEPTION,
	/* Run: an access waits for a device model; nothing changed but
	 * completed REP iterations.  Re-run the instruction once the answer
	 * is there.  Callback: the same, for this access. */
	X86EMUL_RETRY,
	/* Run: not emulated (an opcode outside what is covered, or a
	 * callback said so); c->event holds the #UD a CPU without the
	 * instruction raises, for the caller's error policy to use or not. */
	X86EMUL_UNHANDLEABLE,
};

/* An exception to inject (SDM vol. 3 6.13: the error code, if any). */
struct x86emul_event {
	u8 vector;		/* TRAP_* */
	bool has_error_code;
	u32 error_code;
	u64 cr2;		/* TRAP_PF: the faulting linear address */
};

/* The mode that decides default sizes and segmentation (SDM vol. 3 2.2). */
enum x86emul_mode {
	X86EMUL_MODE_REAL,	/* CR0.PE = 0 */
	X86EMUL_MODE_VM86,	/* protected, RFLAGS.VM = 1 */
	X86EMUL_MODE_PROT16,	/* protected or compatibility, CS.D = 0 */
	X86EMUL_MODE_PROT32,	/* protected or compatibility, CS.D = 1 */
	X86EMUL_MODE_LONG64,	/* EFER.LMA = 1 and CS.L = 1 */
};

/* The guest state one instruction needs. */
struct x86emul_ctxt {
	/* In, and out when x86emul_run() commits. */
	struct hvm_regs regs;
	/* In. */
	struct hvm_seg seg[SEG_GS + 1];	/* ES CS SS DS FS GS, hvm_seg_reg order */
	u64 cr0, efer;			/* CR0.PE and EFER.LMA pick the mode */
	unsigned int cpl;		/* for I/O privilege (SDM vol. 1 19.5.1) */
	/* The instruction bytes the caller already has at CS:RIP (the VM
	 * exit's), or NULL/0: bytes past them come from ops->fetch. */
	const u8 *insn;
	unsigned int insn_avail;
	/* Out. */
	struct x86emul_event event;	/* X86EMUL_EXCEPTION, UNHANDLEABLE */
};

/*
 * A REP INS/OUTS/MOVS/STOS batch the caller may carry out as one request
 * to a device model (public/hvm/ioreq.h: count, df, data_is_ptr).  The
 * emulator offers it before an element it would otherwise run alone, and
 * only when the whole batch is architecturally one run of that many
 * elements: it has checked segmentation (limits, types, canonical form)
 * for every element, and cut the batch so that each memory operand stays
 * in the 4 KiB page of its first element and no index register wraps
 * before the last one.  Element i of an operand is at its first element's
 * address + i * bytes, or - i * bytes when @df.
 */
enum x86emul_rep_op {
	X86EMUL_REP_INS,	/* port -> [dst] */
	X86EMUL_REP_OUTS,	/* [src] -> port */
	X86EMUL_REP_MOVS,	/* [src] -> [dst] */
	X86EMUL_REP_STOS,	/* val -> [dst] */
};

struct x86emul_rep {
	enum x86emul_rep_op op;
	unsigned int bytes;	/* element size: 1, 2, 4 (MOVS/STOS: or 8) */
	bool df;		/* RFLAGS.DF: elements run downwards */
	u16 port;		/* INS, OUTS */
	u64 src;		/* OUTS, MOVS: linear address, first element */
	u64 dst;		/* INS, MOVS, STOS: the same */
	u64 val;		/* STOS: what each element stores */
	u64 reps;		/* in: elements offered (2 or more);
				 * out: elements done (see ops->rep) */
};

/*
 * The callbacks.  @priv is x86emul_run()'s.  Memory is reached by guest
 * *linear* address (segmentation already applied, canonical in 64-bit
 * mode); the callback walks the guest page tables (a user access when
 * c->cpl == 3) and fills @ev for a fault: #PF with its error code and
 * cr2, #GP... An access is 1 to 8 bytes and may cross a page: the
 * callback translates both pages before it writes either (SDM vol. 3
 * 4.7: the faulting write stores nothing).
 *
 * Restart rule: a callback that hands an access to a device model
 * returns X86EMUL_RETRY and the run stops with nothing committed; the
 * caller runs the instruction again when the answer is there.  For a
 * given state the emulator makes the same accesses in the same order, so
 * the callback answers the completed one from the completed request.
 */
struct x86emul_ops {
	int (*read)(void *priv, u64 la, void *buf, unsigned int bytes,
		    struct x86emul_event *ev);
	int (*write)(void *priv, u64 la, const void *buf, unsigned int bytes,
		     struct x86emul_event *ev);
	/* Optional: instruction bytes past c->insn (@bytes is 1). */
	int (*fetch)(void *priv, u64 la, void *buf, unsigned int bytes,
		     struct x86emul_event *ev);
	/* Port I/O of 1, 2 or 4 bytes: OKAY, RETRY or UNHANDLEABLE. */
	int (*read_io)(void *priv, u16 port, unsigned int bytes, u32 *val);
	int (*write_io)(void *priv, u16 port, unsigned int bytes, u32 val);
	/* Optional: may the guest reach @port (its TSS I/O bitmap, SDM vol. 1
	 * 19.5.2)?  Asked only when CPL > IOPL or in virtual-8086 mode;
	 * without it those accesses raise #GP(0). */
	bool (*io_permitted)(void *priv, u16 port, unsigned int bytes);
	/* Optional: a REP iteration completed.  Its accesses are done for
	 * good (it is committed even if a later iteration of this run
	 * faults or waits), which a caller that answers accesses from a
	 * replay list needs to know to drop their answers. */
	void (*rep_step_done)(void *priv);
	/* Optional: carry out @r's batch, or some leading part of it, in
	 * one go.  X86EMUL_OKAY with r->reps set to the elements done (at
	 * most those offered; 0: none, the emulator runs the next element
	 * on its own through the callbacks above, which also raise any
	 * fault), RETRY (handed to a device model: nothing is done until
	 * the run that takes the answer), or UNHANDLEABLE.  The emulator
	 * commits the elements done (RCX, RSI, RDI) and ends the run,
	 * RIP on the instruction if elements remain, as an interrupted
	 * REP (SDM vol. 2 "REP"); rep_step_done() is called once for them. */
	int (*rep)(void *priv, struct x86emul_rep *r);
};

/* A decoded instruction (SDM vol. 2 ch. 2). */
struct x86emul_insn {
	u8 len;			/* bytes, at most 15 */
	u16 opcode;		/* one-byte opcode, or 0x0f00 | second byte */
	u16 desc;		/* the opcode table's D_* flags (decode.c) */
	u8 op_bytes;		/* operand size: 1, 2, 4 or 8 */
	u8 ad_bytes;		/* address size: 2, 4 or 8 */
	u8 rex;			/* REX prefix, 0 if none */
	u8 rep;			/* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
	bool lock;
	u8 seg;			/* memory operand's segment: override or default */
	bool has_modrm;
	u8 mod, reg, rm;	/* ModRM fields; reg and rm with REX.R/REX.B */
	bool mem;		/* a memory operand: ModRM mod != 3, or moffs */
	bool sp_base;		/* its address uses rSP as base (POP Ev) */
	u64 ea;			/* its offset in seg, ad_bytes wide */
	u64 imm;		/* immediate, sign-extended (moffs: ea) */
};

/* The mode @c is in. */
enum x86emul_mode x86emul_mode(const struct x86emul_ctxt *c);

/*
 * Decode the instruction at CS:RIP of @c into @insn.  X86EMUL_OKAY, or
 * EXCEPTION (#GP past 15 bytes or the CS limit, a fetch fault, #UD for
 * LOCK where it is not allowed), RETRY (a fetch did), UNHANDLEABLE (an
 * opcode the emulator does not cover).  Changes nothing but c->event.
 */
int x86emul_decode(struct x86emul_ctxt *c, const struct x86emul_ops *ops,
		   void *priv, struct x86emul_insn *insn);

/*
 * Decode and execute the instruction at CS:RIP of @c, updating c->regs
 * (GPRs, RIP, RFLAGS) when it completes.  A REP string instruction runs
 * at most X86EMUL_REP_BATCH iterations per call, committing RCX/RSI/RDI
 * after each: a fault or RETRY leaves the completed iterations done and
 * RIP on the instruction, as an interrupted REP does on the CPU (SDM
 * vol. 2 "REP"), so running it again continues where it stopped.  A
 * batch taken by ops->rep ends the call the same way.
 */
#define X86EMUL_REP_BATCH 256
int x86emul_run(struct x86emul_ctxt *c, const struct x86emul_ops *ops,
		void *priv);

#endif
