/*
 * Host tests of the instruction emulator (hvm/emulate/) in what the host
 * CPU cannot run for a comparison: real, virtual-8086 and 16/32-bit
 * protected mode addressing with segment bases and limits, the operand
 * and address size prefixes, port I/O, faults from the callbacks, the
 * RETRY restart rule, and the decoder's refusals (#UD, 15 bytes).
 * test_emulate_diff.c compares 64-bit execution with the CPU itself.
 *
 * A 2 MiB array stands in for guest linear memory; callbacks fault or
 * wait (RETRY) at addresses a test names, and log port accesses.
 */
#include <string.h>

#include "unit.h"
#include <asm/msr-index.h>
#include <asm/x86-defns.h>
#include <hvm/emulate/emulate.h>
#include <xen/lib.h>

#define MEM_SIZE (2UL << 20)
#define NO_ADDR (~0ULL)

static u8 mem[MEM_SIZE];

static struct env {
	u64 fault_at;		/* an access touching it: #PF, error code 7 */
	u64 retry_at;		/* an access touching it: RETRY while retries > 0 */
	unsigned int retries;
	unsigned int accesses;	/* memory accesses seen */
	unsigned int nports;	/* port log */
	struct { u16 port; u8 bytes; bool in; u32 val; } port[64];
	u32 in_val;		/* what IN reads (incremented by each) */
	bool io_ok;		/* io_permitted()'s answer */
	unsigned int steps;	/* rep_step_done() calls */
	unsigned int steps_at_access;	/* ... seen by the last access */
} env;

static int mem_access(u64 la, unsigned int bytes, struct x86emul_event *ev)
{
	env.accesses++;
	env.steps_at_access = env.steps;
	if (env.fault_at != NO_ADDR && la <= env.fault_at && env.fault_at < la + bytes) {
		*ev = (struct x86emul_event){ .vector = TRAP_PF,
			.has_error_code = true, .error_code = 7, .cr2 = env.fault_at };
		return X86EMUL_EXCEPTION;
	}
	if (env.retry_at != NO_ADDR && la <= env.retry_at &&
	    env.retry_at < la + bytes && env.retries) {
		env.retries--;
		return X86EMUL_RETRY;
	}
	CHECK(la + bytes <= MEM_SIZE);
	return la + bytes <= MEM_SIZE ? X86EMUL_OKAY : X86EMUL_UNHANDLEABLE;
}

static int mem_read(void *priv, u64 la, void *buf, unsigned int bytes,
		    struct x86emul_event *ev)
{
	int rc = mem_access(la, bytes, ev);

	if (!rc)
		memcpy(buf, mem + la, bytes);
	return rc;
}

static int mem_write(void *priv, u64 la, const void *buf, unsigned int bytes,
		     struct x86emul_event *ev)
{
	int rc = mem_access(la, bytes, ev);

	if (!rc)
		memcpy(mem + la, buf, bytes);
	return rc;
}

static int log_port(u16 port, unsigned int bytes, bool in, u32 val)
{
	if (env.nports < ARRAY_SIZE(env.port))
		env.port[env.nports] = (typeof(env.port[0])){ port, bytes, in, val };
	env.nports++;
	return X86EMUL_OKAY;
}

static int io_read(void *priv, u16 port, unsigned int bytes, u32 *val)
{
	*val = env.in_val++ & (u32)((1ULL << (8 * bytes)) - 1);
	return log_port(port, bytes, true, *val);
}

static int io_write(void *priv, u16 port, unsigned int bytes, u32 val)
{
	return log_port(port, bytes, false, val);
}

static bool io_permitted(void *priv, u16 port, unsigned int bytes)
{
	return env.io_ok;
}

static void rep_step_done(void *priv)
{
	env.steps++;
}

static const struct x86emul_ops ops = {
	.read = mem_read, .write = mem_write, .fetch = mem_read,
	.read_io = io_read, .write_io = io_write, .rep_step_done = rep_step_done,
};

static const struct x86emul_ops ops_iobitmap = {
	.read = mem_read, .write = mem_write, .fetch = mem_read,
	.read_io = io_read, .write_io = io_write, .io_permitted = io_permitted,
};

static void reset(void)
{
	memset(mem, 0, MEM_SIZE);
	memset(&env, 0, sizeof(env));
	env.fault_at = env.retry_at = NO_ADDR;
}

/* Real mode: every segment base = selector << 4, limit 64 KiB. */
static void real_mode(struct x86emul_ctxt *c)
{
	static const u16 sel[] = { 0x2000, 0x1000, 0x3000, 0x4000, 0x5000, 0x6000 };

	reset();
	memset(c, 0, sizeof(*c));
	for (unsigned int r = SEG_ES; r <= SEG_GS; r++)
		c->seg[r] = (struct hvm_seg){ .sel = sel[r], .base = sel[r] << 4,
					      .limit = 0xffff, .attr = 0x93 };
	c->regs.rflags = X86_EFLAGS_FIXED;
}

/* 32-bit protected mode, CPL 0: flat 4 GiB segments, @cs_attr for CS. */
static void prot_mode(struct x86emul_ctxt *c, u16 cs_attr)
{
	reset();
	memset(c, 0, sizeof(*c));
	for (unsigned int r = SEG_ES; r <= SEG_GS; r++)
		c->seg[r] = (struct hvm_seg){ .limit = ~0U, .attr = 0xc93 };
	c->seg[SEG_CS].attr = cs_attr;
	c->cr0 = X86_CR0_PE;
	c->regs.rflags = X86_EFLAGS_FIXED;
}

static void long_mode(struct x86emul_ctxt *c)
{
	prot_mode(c, 0xa9b);
	c->cr0 |= X86_CR0_PG;
	c->efer = EFER_LME | EFER_LMA;
}

/* Put @n bytes at CS:RIP and hand the first @avail to the emulator. */
static int run_bytes(struct x86emul_ctxt *c, const struct x86emul_ops *o,
		     const char *bytes, unsigned int n, unsigned int avail)
{
	u64 la = (c->seg[SEG_CS].base + c->regs.rip) & 0xffffffffULL;

	if (x86emul_mode(c) == X86EMUL_MODE_LONG64)
		la = c->regs.rip;
	memcpy(mem + la, bytes, n);
	c->insn = mem + la;
	c->insn_avail = avail;
	return x86emul_run(c, o, NULL);
}

#define RUN(c, s) run_bytes(c, &ops, s, sizeof(s) - 1, sizeof(s) - 1)

static u32 rd32(u64 la)
{
	u32 v;

	memcpy(&v, mem + la, 4);
	return v;
}

static u16 rd16(u64 la)
{
	u16 v;

	memcpy(&v, mem + la, 2);
	return v;
}

/* ---- real mode: 16-bit addressing, segment base = selector << 4 ---- */

TEST(real_mode_addressing)
{
	struct x86emul_ctxt c;

	/* mov [bx+si+0x10], al: DS (0x4000 << 4) + 0x100 + 0x20 + 0x10 */
	real_mode(&c);
	c.regs.rip = 0x100;
	c.regs.rbx = 0x100;
	c.regs.rsi = 0x20;
	c.regs.rax = 0xa5;
	CHECK_EQ(RUN(&c, "\x88\x40\x10"), X86EMUL_OKAY);
	CHECK_EQ(mem[0x40000 + 0x130], 0xa5);
	CHECK_EQ(c.regs.rip, 0x103);

	/* mov ax, [bp-2]: BP-based, so SS (0x3000 << 4) */
	real_mode(&c);
	c.regs.rbp = 0x10;
	mem[0x30000 + 0xe] = 0x34;
	mem[0x30000 + 0xf] = 0x12;
	c.regs.rax = 0xffffffff0000ULL;
	CHECK_EQ(RUN(&c, "\x8b\x46\xfe"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rax, 0xffffffff1234ULL);	/* 16-bit write merges */

	/* [bx+si] wraps at 64 KiB: 0xffff + 2 = 1 */
	real_mode(&c);
	c.regs.rbx = 0xffff;
	c.regs.rsi = 2;
	c.regs.rax = 0x77;
	CHECK_EQ(RUN(&c, "\x88\x00"), X86EMUL_OKAY);
	CHECK_EQ(mem[0x40001], 0x77);

	/* ES override, 66: a doubleword store in real mode */
	real_mode(&c);
	c.regs.rbx = 0x8;
	c.regs.rax = 0xdeadbeef;
	CHECK_EQ(RUN(&c, "\x26\x66\x89\x07"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x20008), 0xdeadbeef);
	CHECK_EQ(c.regs.rip, 4);

	/* IP wraps at 64 KiB */
	real_mode(&c);
	c.regs.rip = 0xfffe;
	c.regs.rbx = 0;
	CHECK_EQ(RUN(&c, "\x88\x07"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rip, 0);
}

TEST(real_mode_limits)
{
	struct x86emul_ctxt c;

	/* 67: [ebx] = 0x12345 is past DS's 64 KiB limit: #GP(0) */
	real_mode(&c);
	c.regs.rbx = 0x12345;
	CHECK_EQ(RUN(&c, "\x67\x88\x03"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(c.event.error_code, 0);
	CHECK_EQ(c.regs.rip, 0);

	/* a word at 0xffff straddles the limit; on SS: #SS(0) */
	real_mode(&c);
	c.regs.rbp = 0xffff;
	CHECK_EQ(RUN(&c, "\x89\x46\x00"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_SS);

	/* "big real mode": a 4 GiB DS limit lets 67 reach past 64 KiB */
	real_mode(&c);
	c.seg[SEG_DS].limit = ~0U;
	c.regs.rbx = 0x12345;
	c.regs.rax = 0x5a;
	CHECK_EQ(RUN(&c, "\x67\x88\x03"), X86EMUL_OKAY);
	CHECK_EQ(mem[0x40000 + 0x12345], 0x5a);
}

TEST(vm86_mode)
{
	struct x86emul_ctxt c;

	real_mode(&c);
	c.cr0 = X86_CR0_PE;
	c.regs.rflags |= X86_EFLAGS_VM;
	c.cpl = 3;
	CHECK_EQ(x86emul_mode(&c), X86EMUL_MODE_VM86);
	c.regs.rdi = 0x10;
	c.regs.rax = 0x99;
	CHECK_EQ(RUN(&c, "\x88\x05"), X86EMUL_OKAY);	/* mov [di], al */
	CHECK_EQ(mem[0x40010], 0x99);

	/* IN in virtual-8086 mode needs the TSS bitmap, whatever IOPL says */
	c.regs.rip = 0x20;
	c.regs.rflags |= X86_EFLAGS_IOPL;
	CHECK_EQ(RUN(&c, "\xe4\x60"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	env.io_ok = true;
	CHECK_EQ(run_bytes(&c, &ops_iobitmap, "\xe4\x60", 2, 2), X86EMUL_OKAY);
	CHECK_EQ(env.nports, 1);
}

/* ---- protected mode: bases, limits, types ---- */

TEST(prot32_segments)
{
	struct x86emul_ctxt c;

	prot_mode(&c, 0xc9b);
	c.seg[SEG_DS] = (struct hvm_seg){ .base = 0x20000, .limit = 0xfff,
					  .attr = 0x93 };
	c.regs.rip = 0x1000;
	c.regs.rax = 0x11223344;
	c.regs.rbx = 0xffc;		/* last doubleword inside */
	CHECK_EQ(RUN(&c, "\x89\x03"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x20ffc), 0x11223344);
	CHECK_EQ(c.regs.rip, 0x1002);

	c.regs.rip = 0x1000;
	c.regs.rbx = 0xffd;		/* one byte past the limit */
	CHECK_EQ(RUN(&c, "\x89\x03"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK(c.event.has_error_code);
	CHECK_EQ(c.event.error_code, 0);
	CHECK_EQ(c.regs.rip, 0x1000);

	/* [ebp] past SS's limit: #SS(0) */
	c.seg[SEG_SS] = (struct hvm_seg){ .base = 0x30000, .limit = 0xfff,
					  .attr = 0x93 };
	c.regs.rbp = 0x1000;
	CHECK_EQ(RUN(&c, "\x89\x45\x00"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_SS);

	/* expand-down SS (type 7), B=1: only offsets above the limit */
	c.seg[SEG_SS].attr = 0x497;
	CHECK_EQ(RUN(&c, "\x89\x45\x00"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x31000), 0x11223344);
	c.regs.rip = 0x1000;
	c.regs.rbp = 0x800;
	CHECK_EQ(RUN(&c, "\x89\x45\x00"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_SS);

	/* read-only data segment (type 1): a write is #GP(0), a read is not */
	c.regs.rip = 0x1000;
	c.seg[SEG_DS].attr = 0x91;
	c.regs.rbx = 0;
	CHECK_EQ(RUN(&c, "\x89\x03"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(RUN(&c, "\x8b\x03"), X86EMUL_OKAY);

	/* a null (not present) ES: #GP(0); an FS override uses FS's base */
	c.regs.rip = 0x1000;
	c.seg[SEG_ES].attr = 0;
	CHECK_EQ(RUN(&c, "\x26\x8b\x03"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	c.seg[SEG_FS] = (struct hvm_seg){ .base = 0x50000, .limit = ~0U,
					  .attr = 0xc93 };
	c.regs.rbx = 0x40;
	c.regs.rax = 0x11223344;
	CHECK_EQ(RUN(&c, "\x64\x89\x03"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x50040), 0x11223344);
}

TEST(prot32_fetch)
{
	struct x86emul_ctxt c;

	/* the instruction runs past CS's limit: #GP(0) */
	prot_mode(&c, 0xc9b);
	c.seg[SEG_CS].limit = 0x1001;
	c.regs.rip = 0x1000;
	c.regs.rbx = 0x100;
	CHECK_EQ(RUN(&c, "\x89\x43\x04"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);

	/* bytes past those handed in come from ops->fetch ... */
	prot_mode(&c, 0xc9b);
	c.regs.rip = 0x1000;
	c.regs.rbx = 0x100;
	c.regs.rax = 0xabcd;
	CHECK_EQ(run_bytes(&c, &ops, "\x66\x89\x43\x04", 4, 1), X86EMUL_OKAY);
	CHECK_EQ(rd16(0x104), 0xabcd);
	CHECK_EQ(c.regs.rip, 0x1004);

	/* ... which may fault: the #PF as the callback reported it */
	c.regs.rip = 0x1000;
	env.fault_at = 0x1002;
	CHECK_EQ(run_bytes(&c, &ops, "\x66\x89\x43\x04", 4, 1), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_PF);
	CHECK_EQ(c.event.cr2, 0x1002);
	CHECK_EQ(c.regs.rip, 0x1000);
}

/* 16-bit code: 66 and 67 switch to 32 bits; REP counts in CX or ECX. */
TEST(prot16_overrides_and_rep_count)
{
	struct x86emul_ctxt c;
	struct x86emul_insn insn;

	prot_mode(&c, 0x9b);
	CHECK_EQ(x86emul_mode(&c), X86EMUL_MODE_PROT16);
	c.regs.rax = 0x12345678;
	c.regs.rbx = 0x10000;		/* only BX = 0 counts without 67 */
	CHECK_EQ(RUN(&c, "\x66\x89\x07"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0), 0x12345678);
	c.regs.rip = 0;
	CHECK_EQ(RUN(&c, "\x67\x89\x03"), X86EMUL_OKAY);
	CHECK_EQ(rd16(0x10000), 0x5678);
	CHECK_EQ(x86emul_decode(&c, &ops, NULL, &insn), X86EMUL_OKAY);
	CHECK_EQ(insn.len, 3);
	CHECK_EQ(insn.op_bytes, 2);
	CHECK_EQ(insn.ad_bytes, 4);

	/* rep stosb: CX = 3 of ECX = 0x10003; the upper half stays */
	prot_mode(&c, 0x9b);
	c.regs.rcx = 0x10003;
	c.regs.rdi = 0x200;
	c.regs.rax = 0xee;
	CHECK_EQ(RUN(&c, "\xf3\xaa"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rcx, 0x10000);
	CHECK_EQ(c.regs.rdi, 0x203);
	CHECK_EQ(mem[0x202], 0xee);
	CHECK_EQ(mem[0x203], 0);
	CHECK_EQ(c.regs.rip, 2);

	/* with 67 the count is ECX: a batch, then RIP stays for the rest */
	prot_mode(&c, 0x9b);
	c.regs.rcx = 0x10003;
	c.regs.rdi = 0x200;
	CHECK_EQ(RUN(&c, "\x67\xf3\xaa"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rcx, 0x10003 - X86EMUL_REP_BATCH);
	CHECK_EQ(c.regs.rdi, 0x200 + X86EMUL_REP_BATCH);
	CHECK_EQ(c.regs.rip, 0);
}

/* ---- port I/O ---- */

TEST(in_out)
{
	struct x86emul_ctxt c;

	prot_mode(&c, 0xc9b);
	env.in_val = 0x87654321;
	c.regs.rax = ~0ULL;
	CHECK_EQ(RUN(&c, "\xe4\x60"), X86EMUL_OKAY);		/* in al, 0x60 */
	CHECK_EQ(c.regs.rax, 0xffffffffffffff21ULL);
	c.regs.rdx = 0x3f8;
	CHECK_EQ(RUN(&c, "\x66\xed"), X86EMUL_OKAY);		/* in ax, dx */
	CHECK_EQ(c.regs.rax, 0xffffffffffff4322ULL);
	CHECK_EQ(RUN(&c, "\xed"), X86EMUL_OKAY);		/* in eax, dx */
	CHECK_EQ(c.regs.rax, 0x87654323);			/* zero-extended */
	CHECK_EQ(RUN(&c, "\xef"), X86EMUL_OKAY);		/* out dx, eax */
	CHECK_EQ(RUN(&c, "\xe6\x80"), X86EMUL_OKAY);		/* out 0x80, al */
	CHECK_EQ(env.nports, 5);
	CHECK_EQ(env.port[1].port, 0x3f8);
	CHECK_EQ(env.port[1].bytes, 2);
	CHECK(!env.port[3].in);
	CHECK_EQ(env.port[3].val, 0x87654323);
	CHECK_EQ(env.port[4].port, 0x80);
	CHECK_EQ(env.port[4].val, 0x23);

	/* CPL 3 > IOPL 0: the TSS bitmap decides, #GP(0) without it */
	c.cpl = 3;
	CHECK_EQ(RUN(&c, "\xe6\x80"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(run_bytes(&c, &ops_iobitmap, "\xe6\x80", 2, 2), X86EMUL_EXCEPTION);
	env.io_ok = true;
	CHECK_EQ(run_bytes(&c, &ops_iobitmap, "\xe6\x80", 2, 2), X86EMUL_OKAY);
	c.regs.rflags |= X86_EFLAGS_IOPL;
	CHECK_EQ(RUN(&c, "\xe6\x80"), X86EMUL_OKAY);
}

TEST(ins_outs_rep_df)
{
	struct x86emul_ctxt c;

	/* rep insw, DF = 1: four words down from ES:EDI = 0x10000 + 0x106 */
	prot_mode(&c, 0xc9b);
	c.seg[SEG_ES].base = 0x10000;
	c.regs.rflags |= X86_EFLAGS_DF;
	c.regs.rdx = 0x1f0;
	c.regs.rdi = 0x106;
	c.regs.rcx = 4;
	env.in_val = 0x100;
	CHECK_EQ(RUN(&c, "\x66\xf3\x6d"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rcx, 0);
	CHECK_EQ(c.regs.rdi, 0xfe);
	CHECK_EQ(rd16(0x10106), 0x100);
	CHECK_EQ(rd16(0x10100), 0x103);
	CHECK_EQ(env.nports, 4);
	CHECK(env.port[0].in && env.port[0].port == 0x1f0 && env.port[0].bytes == 2);

	/* rep outsd from a GS override, DF = 0 */
	prot_mode(&c, 0xc9b);
	c.seg[SEG_GS].base = 0x20000;
	memcpy(mem + 0x20010, "\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00", 12);
	c.regs.rdx = 0xcfc;
	c.regs.rsi = 0x10;
	c.regs.rcx = 3;
	CHECK_EQ(RUN(&c, "\x65\xf3\x6f"), X86EMUL_OKAY);
	CHECK_EQ(env.nports, 3);
	CHECK_EQ(env.port[2].val, 3);
	CHECK_EQ(env.port[2].port, 0xcfc);
	CHECK_EQ(c.regs.rsi, 0x1c);

	/* INS into a read-only ES faults before the port is read */
	prot_mode(&c, 0xc9b);
	c.seg[SEG_ES].attr = 0xc91;
	CHECK_EQ(RUN(&c, "\x6c"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(env.nports, 0);
}

/* ---- faults and the restart rule ---- */

TEST(page_fault_propagates)
{
	struct x86emul_ctxt c, before;

	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rbx = 0x8000;
	c.regs.rax = 5;
	env.fault_at = 0x8002;
	before = c;
	CHECK_EQ(RUN(&c, "\x01\x03"), X86EMUL_EXCEPTION);	/* add [rbx], eax */
	CHECK_EQ(c.event.vector, TRAP_PF);
	CHECK(c.event.has_error_code);
	CHECK_EQ(c.event.error_code, 7);
	CHECK_EQ(c.event.cr2, 0x8002);
	CHECK(!memcmp(&c.regs, &before.regs, sizeof(c.regs)));
}

TEST(retry_leaves_state)
{
	struct x86emul_ctxt c, before;

	/* xadd [rbx], ecx on a device that answers later */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rbx = 0x8000;
	c.regs.rcx = 2;
	c.regs.rflags |= X86_EFLAGS_ZF;
	memcpy(mem + 0x8000, "\x05\0\0\0", 4);
	env.retry_at = 0x8000;
	env.retries = 1;
	before = c;
	CHECK_EQ(RUN(&c, "\x0f\xc1\x0b"), X86EMUL_RETRY);
	CHECK(!memcmp(&c.regs, &before.regs, sizeof(c.regs)));
	CHECK_EQ(rd32(0x8000), 5);
	/* the answer is there: the same instruction completes */
	CHECK_EQ(RUN(&c, "\x0f\xc1\x0b"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x8000), 7);
	CHECK_EQ(c.regs.rcx, 5);
	CHECK_EQ(c.regs.rip, 0x1003);
	CHECK(!(c.regs.rflags & X86_EFLAGS_ZF));
}

TEST(rep_commits_each_iteration)
{
	struct x86emul_ctxt c;

	/* rep movsd, the third source element waits for a device model */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rsi = 0x8000;
	c.regs.rdi = 0x9000;
	c.regs.rcx = 5;
	memcpy(mem + 0x8000, "AAAABBBBCCCCDDDDEEEE", 20);
	env.retry_at = 0x8008;
	env.retries = 1;
	CHECK_EQ(RUN(&c, "\xf3\xa5"), X86EMUL_RETRY);
	/* the two done are reported before the third's access: a caller
	 * replaying device-model answers drops theirs (hvm/emulate_glue.c) */
	CHECK_EQ(env.steps, 2);
	CHECK_EQ(env.steps_at_access, 2);
	CHECK_EQ(c.regs.rcx, 3);
	CHECK_EQ(c.regs.rsi, 0x8008);
	CHECK_EQ(c.regs.rdi, 0x9008);
	CHECK_EQ(c.regs.rip, 0x1000);
	CHECK(!memcmp(mem + 0x9000, "AAAABBBB\0", 9));
	/* run again: it continues with the third element */
	CHECK_EQ(RUN(&c, "\xf3\xa5"), X86EMUL_OKAY);
	CHECK_EQ(env.steps, 5);
	CHECK_EQ(c.regs.rcx, 0);
	CHECK_EQ(c.regs.rip, 0x1002);
	CHECK(!memcmp(mem + 0x9000, "AAAABBBBCCCCDDDDEEEE", 20));

	/* a #PF at the fourth destination: three done, RIP on the instruction */
	long_mode(&c);
	c.regs.rip = 0x1000;
	c.regs.rdi = 0x9000;
	c.regs.rcx = 10;
	c.regs.rax = 0x61;
	env.fault_at = 0x9003;
	CHECK_EQ(RUN(&c, "\xf3\xaa"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_PF);
	CHECK_EQ(c.regs.rcx, 7);
	CHECK_EQ(c.regs.rdi, 0x9003);
	CHECK_EQ(c.regs.rip, 0x1000);
}

/* ---- what the decoder refuses ---- */

TEST(undefined_and_uncovered)
{
	struct x86emul_ctxt c, before;

	long_mode(&c);
	before = c;
	CHECK_EQ(RUN(&c, "\x0f\x0b"), X86EMUL_EXCEPTION);	/* UD2 */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK(!c.event.has_error_code);
	CHECK_EQ(RUN(&c, "\x0f\x05"), X86EMUL_UNHANDLEABLE);	/* SYSCALL */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK_EQ(RUN(&c, "\xf7\x33"), X86EMUL_UNHANDLEABLE);	/* DIV: not covered */
	CHECK_EQ(RUN(&c, "\x82\x03\x01"), X86EMUL_EXCEPTION);	/* 82: #UD in 64-bit */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK(!memcmp(&c.regs, &before.regs, sizeof(c.regs)));
	/* 63 is ARPL outside 64-bit mode, not MOVSXD */
	prot_mode(&c, 0xc9b);
	CHECK_EQ(RUN(&c, "\x63\x03"), X86EMUL_UNHANDLEABLE);
}

TEST(length_limit)
{
	struct x86emul_ctxt c;
	char b[20];

	/* 13 prefixes + 89 03 = 15 bytes: fine; one more prefix: #GP(0) */
	long_mode(&c);
	c.regs.rbx = 0x100;
	memset(b, 0x66, sizeof(b));
	memcpy(b + 13, "\x89\x03", 2);
	CHECK_EQ(run_bytes(&c, &ops, b, 15, 15), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rip, 15);
	c.regs.rip = 0;
	memset(b, 0x66, sizeof(b));
	memcpy(b + 14, "\x89\x03", 2);
	CHECK_EQ(run_bytes(&c, &ops, b, 16, 16), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);
	CHECK_EQ(c.event.error_code, 0);
	CHECK_EQ(c.regs.rip, 0);
}

TEST(lock_prefix)
{
	struct x86emul_ctxt c;

	long_mode(&c);
	c.regs.rbx = 0x100;
	CHECK_EQ(RUN(&c, "\xf0\x01\xc0"), X86EMUL_EXCEPTION);	/* lock add eax, eax */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK_EQ(RUN(&c, "\xf0\x89\x03"), X86EMUL_EXCEPTION);	/* lock mov */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK_EQ(RUN(&c, "\xf0\x39\x03"), X86EMUL_EXCEPTION);	/* lock cmp */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK_EQ(RUN(&c, "\xf0\x0f\xa3\x03"), X86EMUL_EXCEPTION); /* lock bt */
	CHECK_EQ(c.event.vector, TRAP_UD);
	CHECK_EQ(c.regs.rip, 0);
	c.regs.rax = 3;
	CHECK_EQ(RUN(&c, "\xf0\x01\x03"), X86EMUL_OKAY);	/* lock add [rbx], eax */
	CHECK_EQ(rd32(0x100), 3);
}

/* ---- 64-bit: canonical addresses, FS/GS bases, the stack ---- */

TEST(long_mode_canonical)
{
	struct x86emul_ctxt c;

	long_mode(&c);
	c.regs.rax = 0x0000800000000000ULL;
	CHECK_EQ(RUN(&c, "\x89\x18"), X86EMUL_EXCEPTION);	/* mov [rax], ebx */
	CHECK_EQ(c.event.vector, TRAP_GP);
	c.regs.rsp = 0x0000800000000000ULL;
	CHECK_EQ(RUN(&c, "\x89\x1c\x24"), X86EMUL_EXCEPTION);	/* mov [rsp], ebx */
	CHECK_EQ(c.event.vector, TRAP_SS);
	/* an access straddling the canonical boundary */
	c.regs.rax = 0x00007ffffffffffeULL;
	CHECK_EQ(RUN(&c, "\x89\x18"), X86EMUL_EXCEPTION);
	CHECK_EQ(c.event.vector, TRAP_GP);

	/* DS's base is ignored in 64-bit mode, GS's is not */
	long_mode(&c);
	c.seg[SEG_DS].base = 0x10000;
	c.seg[SEG_GS].base = 0x20000;
	c.regs.rax = 0x100;
	c.regs.rbx = 0x42;
	CHECK_EQ(RUN(&c, "\x89\x18"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x100), 0x42);
	c.regs.rip = 0;
	CHECK_EQ(RUN(&c, "\x65\x89\x18"), X86EMUL_OKAY);
	CHECK_EQ(rd32(0x20100), 0x42);
}

TEST(stack_16bit)
{
	struct x86emul_ctxt c;

	/* push word [bx] with a 16-bit SS: SP wraps from 0 to 0xfffe */
	real_mode(&c);
	c.regs.rsp = 0;
	c.regs.rbx = 0x10;
	memcpy(mem + 0x40010, "\x34\x12", 2);
	CHECK_EQ(RUN(&c, "\xff\x37"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rsp, 0xfffe);
	CHECK_EQ(rd16(0x30000 + 0xfffe), 0x1234);
	/* pop dword [bx] with 66: 4 bytes, SP back to 2 */
	c.regs.rip = 0;
	c.regs.rsp = 0xfffe;
	memcpy(mem + 0x30000 + 0xfffe, "\x78\x56", 2);
	CHECK_EQ(RUN(&c, "\x8f\x07"), X86EMUL_OKAY);
	CHECK_EQ(c.regs.rsp, 0);
	CHECK_EQ(rd16(0x40010), 0x5678);
}

UNIT_MAIN(real_mode_addressing, real_mode_limits, vm86_mode, prot32_segments,
	  prot32_fetch, prot16_overrides_and_rep_count, in_out, ins_outs_rep_df,
	  page_fault_propagates, retry_leaves_state, rep_commits_each_iteration,
	  undefined_and_uncovered, length_limit, lock_prefix, long_mode_canonical,
	  stack_16bit)
