/*
 * Host tests of the emulator's REP batches (hvm/emulate/exec_string.c,
 * ops->rep): how many elements it offers (one page of each memory
 * operand, no index wrap, segmentation checked for all of them), when it
 * offers none (TF, a count of 1, CMPS/SCAS/LODS, a first element across a
 * page, a run segmentation refuses), and what it commits for the
 * elements the callback did: RCX, RSI, RDI in the address size, RIP only
 * when the count reaches 0, nothing on RETRY.
 *
 * A 2 MiB array stands in for guest linear memory; the rep callback
 * records what it was offered and does as many elements as a test says.
 */
#include <string.h>

#include "unit.h"
#include <asm/msr-index.h>
#include <asm/x86-defns.h>
#include <hvm/emulate/emulate_internal.h>
#include <xen/lib.h>

#define MEM_SIZE (2UL << 20)
#define ALL (~0ULL)

static u8 mem[MEM_SIZE];

static struct env {
	unsigned int offers;	/* rep() calls */
	struct x86emul_rep last;	/* what the last one offered */
	u64 take;		/* elements it does (ALL: all offered) */
	int rc;			/* what it returns */
	unsigned int nports;	/* elements that went alone through ports */
	unsigned int steps;	/* rep_step_done() calls */
} env;

static int mem_read(void *priv, u64 la, void *buf, unsigned int bytes,
		    struct x86emul_event *ev)
{
	CHECK(la + bytes <= MEM_SIZE);
	memcpy(buf, mem + la, bytes);
	return X86EMUL_OKAY;
}

static int mem_write(void *priv, u64 la, const void *buf, unsigned int bytes,
		     struct x86emul_event *ev)
{
	CHECK(la + bytes <= MEM_SIZE);
	memcpy(mem + la, buf, bytes);
	return X86EMUL_OKAY;
}

static int io_read(void *priv, u16 port, unsigned int bytes, u32 *val)
{
	*val = 0x5a5a5a5a & (u32)((1ULL << (8 * bytes)) - 1);
	env.nports++;
	return X86EMUL_OKAY;
}

static int io_write(void *priv, u16 port, unsigned int bytes, u32 val)
{
	env.nports++;
	return X86EMUL_OKAY;
}

static void step_done(void *priv)
{
	env.steps++;
}

static int rep(void *priv, struct x86emul_rep *r)
{
	env.offers++;
	env.last = *r;
	if (env.rc != X86EMUL_OKAY) {
		r->reps = 0;
		return env.rc;
	}
	if (env.take != ALL)
		r->reps = env.take;
	return X86EMUL_OKAY;
}

static const struct x86emul_ops ops = {
	.read = mem_read, .write = mem_write, .fetch = mem_read,
	.read_io = io_read, .write_io = io_write,
	.rep_step_done = step_done, .rep = rep,
};

static void reset(struct x86emul_ctxt *c)
{
	memset(mem, 0, MEM_SIZE);
	memset(&env, 0, sizeof(env));
	env.take = ALL;
	memset(c, 0, sizeof(*c));
	c->regs.rflags = X86_EFLAGS_FIXED;
}

/* Flat 32-bit protected mode, CPL 0. */
static void prot_mode(struct x86emul_ctxt *c)
{
	reset(c);
	for (unsigned int r = SEG_ES; r <= SEG_GS; r++)
		c->seg[r] = (struct hvm_seg){ .limit = ~0U, .attr = 0xc93 };
	c->seg[SEG_CS].attr = 0xc9b;
	c->cr0 = X86_CR0_PE;
}

static void long_mode(struct x86emul_ctxt *c)
{
	prot_mode(c);
	c->seg[SEG_CS].attr = 0xa9b;
	c->cr0 |= X86_CR0_PG;
	c->efer = EFER_LME | EFER_LMA;
}

/* Real mode: segment base = selector << 4, 64 KiB limits. */
static void real_mode(struct x86emul_ctxt *c)
{
	reset(c);
	for (unsigned int r = SEG_ES; r <= SEG_GS; r++)
		c->seg[r] = (struct hvm_seg){ .sel = 0x1000, .base = 0x10000,
					      .limit = 0xffff, .attr = 0x93 };
}

static int run(struct x86emul_ctxt *c, const char *bytes, unsigned int n)
{
	c->insn = (const u8 *)bytes;
	c->insn_avail = n;
	return x86emul_run(c, &ops, NULL);
}

#define RUN(c, s) run(c, s, sizeof(s) - 1)

TEST(room)
{
	/* Forwards: to the end of the page, or the index's top. */
	CHECK_EQ(emul_rep_room(0, 0x1000, 2, 8, false), 2048);
	CHECK_EQ(emul_rep_room(0, 0x1ffe, 2, 8, false), 1);
	CHECK_EQ(emul_rep_room(0, 0x1fff, 2, 8, false), 0);	/* crosses */
	CHECK_EQ(emul_rep_room(0x100, 0x2100, 4, 8, false), 0x3c0);
	CHECK_EQ(emul_rep_room(0xfff0, 0x3000, 2, 2, false), 8);
	CHECK_EQ(emul_rep_room(0xfffe, 0x3000, 2, 2, false), 1);
	CHECK_EQ(emul_rep_room(0xffff, 0x3000, 2, 2, false), 0);	/* wraps */
	CHECK_EQ(emul_rep_room(0xfffffffc, 0x3000, 4, 4, false), 1);
	CHECK_EQ(emul_rep_room(~0ULL - 7, 0x3000, 8, 8, false), 1);
	CHECK_EQ(emul_rep_room(~0ULL, 0x3000, 1, 8, false), 1);
	/* Downwards: to the start of the page, or index 0. */
	CHECK_EQ(emul_rep_room(0x10, 0x4010, 4, 8, true), 5);
	CHECK_EQ(emul_rep_room(0x8000, 0x4ffe, 2, 8, true), 0x800);
	CHECK_EQ(emul_rep_room(0x8000, 0x4ffe, 4, 8, true), 0);	/* crosses */
	CHECK_EQ(emul_rep_room(6, 0x4ff0, 4, 2, true), 2);	/* 6 and 2 */
	CHECK_EQ(emul_rep_room(0, 0x4ff0, 1, 2, true), 1);
	CHECK_EQ(emul_rep_room(0xffff, 0x4ff0, 2, 2, true), 0);	/* wraps */
	/* An offset beyond the address size is none of the CPU's. */
	CHECK_EQ(emul_rep_room(0x10000, 0x4000, 1, 2, false), 0);
}

TEST(ins_offered_and_committed)
{
	struct x86emul_ctxt c;

	/* rep insw, 64-bit: all 1000 fit the page, done in one go. */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rdx = 0x1f0;
	c.regs.rdi = 0x10100;
	c.regs.rcx = 1000;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(env.offers, 1);
	CHECK_EQ(env.last.op, X86EMUL_REP_INS);
	CHECK_EQ(env.last.bytes, 2);
	CHECK_EQ(env.last.port, 0x1f0);
	CHECK_EQ(env.last.dst, 0x10100);
	CHECK(!env.last.df);
	CHECK_EQ(env.last.reps, 1000);
	CHECK_EQ(c.regs.rcx, 0);
	CHECK_EQ(c.regs.rdi, 0x10100 + 2000);
	CHECK_EQ(c.regs.rip, 0x1003);
	CHECK_EQ(env.steps, 1);
	CHECK_EQ(env.nports, 0);

	/* 3000: the page's 1920, then RIP stays for the rest. */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rdi = 0x10100;
	c.regs.rcx = 3000;
	c.regs.rflags |= X86_EFLAGS_RF;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(env.last.reps, 1920);
	CHECK_EQ(c.regs.rcx, 1080);
	CHECK_EQ(c.regs.rdi, 0x11000);
	CHECK_EQ(c.regs.rip, 0x1000);
	CHECK(c.regs.rflags & X86_EFLAGS_RF);	/* not completed */
	/* ... and the next run goes on from the next page. */
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(env.last.dst, 0x11000);
	CHECK_EQ(env.last.reps, 1080);
	CHECK_EQ(c.regs.rcx, 0);
	CHECK_EQ(c.regs.rip, 0x1003);
}

TEST(partial_and_retry)
{
	struct x86emul_ctxt c;

	/* The callback did 5 of 100: those are committed, RIP stays. */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rsi = 0x20000;
	c.regs.rcx = 100;
	env.take = 5;
	CHECK_EQ(RUN(&c, "\xf3\x6f"), X86EMUL_OKAY);	/* rep outsd */
	CHECK_EQ(env.last.op, X86EMUL_REP_OUTS);
	CHECK_EQ(env.last.src, 0x20000);
	CHECK_EQ(env.last.reps, 100);
	CHECK_EQ(c.regs.rcx, 95);
	CHECK_EQ(c.regs.rsi, 0x20014);
	CHECK_EQ(c.regs.rip, 0x1000);

	/* RETRY (a device model has it): nothing committed at all. */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rsi = 0x20000;
	c.regs.rcx = 100;
	env.rc = X86EMUL_RETRY;
	CHECK_EQ(RUN(&c, "\xf3\x6f"), X86EMUL_RETRY);
	CHECK_EQ(c.regs.rcx, 100);
	CHECK_EQ(c.regs.rsi, 0x20000);
	CHECK_EQ(env.steps, 0);

	/* More than offered is the callback's bug: not emulated. */
	long_mode(&c);
	c.regs.rcx = 100;
	env.take = 101;
	CHECK_EQ(RUN(&c, "\xf3\x6f"), X86EMUL_UNHANDLEABLE);
	CHECK_EQ(c.regs.rcx, 100);

	/* 0 done: the element goes alone, then the next is offered. */
	long_mode(&c);
	c.regs.rdi = 0x30000;
	c.regs.rcx = 3;
	env.take = 0;
	CHECK_EQ(RUN(&c, "\xf3\x6c"), X86EMUL_OKAY);	/* rep insb */
	CHECK_EQ(env.nports, 3);
	CHECK_EQ(env.offers, 2);		/* not for the last one */
	CHECK_EQ(mem[0x30002], 0x5a);
	CHECK_EQ(c.regs.rcx, 0);
}

TEST(movs_stos_df)
{
	struct x86emul_ctxt c;

	/* std; rep movsd: the source has 5 elements left in its page. */
	long_mode(&c);
	c.regs.rflags |= X86_EFLAGS_DF;
	c.regs.rsi = 0x20010;
	c.regs.rdi = 0x30ff0;
	c.regs.rcx = 100;
	CHECK_EQ(RUN(&c, "\xf3\xa5"), X86EMUL_OKAY);
	CHECK_EQ(env.last.op, X86EMUL_REP_MOVS);
	CHECK(env.last.df);
	CHECK_EQ(env.last.src, 0x20010);
	CHECK_EQ(env.last.dst, 0x30ff0);
	CHECK_EQ(env.last.reps, 5);
	CHECK_EQ(c.regs.rsi, 0x1fffc);
	CHECK_EQ(c.regs.rdi, 0x30fdc);
	CHECK_EQ(c.regs.rcx, 95);

	/* rep stosq carries RAX. */
	long_mode(&c);
	c.regs.rax = 0x1122334455667788ULL;
	c.regs.rdi = 0x40000;
	c.regs.rcx = 16;
	CHECK_EQ(RUN(&c, "\xf3\x48\xab"), X86EMUL_OKAY);
	CHECK_EQ(env.last.op, X86EMUL_REP_STOS);
	CHECK_EQ(env.last.bytes, 8);
	CHECK_EQ(env.last.val, 0x1122334455667788ULL);
	CHECK_EQ(c.regs.rdi, 0x40080);

	/* rep stosb keeps AL only. */
	long_mode(&c);
	c.regs.rax = 0x1122334455667788ULL;
	c.regs.rcx = 16;
	CHECK_EQ(RUN(&c, "\xf3\xaa"), X86EMUL_OKAY);
	CHECK_EQ(env.last.val, 0x88);
}

TEST(not_offered)
{
	struct x86emul_ctxt c;

	/* A count of 1, TF, CMPS/LODS/SCAS: element by element. */
	long_mode(&c);
	c.regs.rcx = 1;
	CHECK_EQ(RUN(&c, "\xf3\x6c"), X86EMUL_OKAY);
	long_mode(&c);
	c.regs.rcx = 4;
	c.regs.rflags |= X86_EFLAGS_TF;
	CHECK_EQ(RUN(&c, "\xf3\x6c"), X86EMUL_OKAY);
	CHECK_EQ(env.nports, 4);
	long_mode(&c);
	c.regs.rcx = 4;
	CHECK_EQ(RUN(&c, "\xf3\xa6"), X86EMUL_OKAY);	/* repe cmpsb */
	CHECK_EQ(RUN(&c, "\xf3\xac"), X86EMUL_OKAY);	/* rep lodsb */
	CHECK_EQ(RUN(&c, "\xf2\xae"), X86EMUL_OKAY);	/* repne scasb */
	CHECK_EQ(env.offers, 0);

	/* The first element crosses a page: it goes alone, then a batch
	 * from the next page. */
	long_mode(&c);
	c.regs.rdi = 0x10fff;
	c.regs.rcx = 4;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(env.nports, 1);
	CHECK_EQ(env.offers, 1);
	CHECK_EQ(env.last.dst, 0x11001);
	CHECK_EQ(env.last.reps, 3);
}

TEST(segmentation)
{
	struct x86emul_ctxt c;

	/* ES ends inside the page: the run is refused and the elements go
	 * alone up to the one past the limit, which faults #GP(0). */
	prot_mode(&c);
	c.seg[SEG_ES].limit = 0x10f7f;
	c.regs.rdi = 0x10f00;
	c.regs.rcx = 0x100;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(env.offers, 0);
	CHECK_EQ(env.nports, 64);
	CHECK_EQ(c.regs.rcx, 0x100 - 64);
	CHECK_EQ(c.regs.rdi, 0x10f80);

	/* ES base moves the page: linear 0x12345f00, 0x100 bytes left. */
	prot_mode(&c);
	c.seg[SEG_ES].base = 0x12345000;
	c.regs.rdi = 0xf00;
	c.regs.rcx = 0x1000;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(env.last.dst, 0x12345f00);
	CHECK_EQ(env.last.reps, 0x80);

	/* Real mode: SI runs to 0xffff and wraps after the last element;
	 * CX and SI are 16 bits, the rest of RCX/RSI stays. */
	real_mode(&c);
	c.regs.rsi = 0xabcd0000fff0ULL;
	c.regs.rcx = 0x55550000ULL | 100;
	CHECK_EQ(RUN(&c, "\xf3\x6f"), X86EMUL_OKAY);	/* rep outsw */
	CHECK_EQ(env.last.src, 0x1fff0);
	CHECK_EQ(env.last.reps, 8);
	CHECK_EQ(c.regs.rsi, 0xabcd00000000ULL);
	CHECK_EQ(c.regs.rcx, 0x55550000ULL | 92);

	/* 32-bit addressing in 64-bit mode: ECX/EDI, zero-extended. */
	long_mode(&c);
	c.regs.rdi = 0xffff000000010000ULL;
	c.regs.rcx = 0xffff000000000010ULL;
	CHECK_EQ(RUN(&c, "\x67\xf3\x6c"), X86EMUL_OKAY);	/* addr32 rep insb */
	CHECK_EQ(env.last.dst, 0x10000);
	CHECK_EQ(env.last.reps, 16);
	CHECK_EQ(c.regs.rcx, 0);
	CHECK_EQ(c.regs.rdi, 0x10010);
}

UNIT_MAIN(room, ins_offered_and_committed, partial_and_retry, movs_stos_df,
	  not_offered, segmentation)
