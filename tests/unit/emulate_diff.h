/*
 * The harness of test_emulate_diff.c: host_run() runs instruction bytes
 * natively from a given register state, an instruction builder makes
 * the encodings (prefixes, REX, ModRM/SIB addressing of a chosen
 * address, immediates), and run_case() runs one case natively and
 * emulated and compares the two.  Included by that one test only.
 */
#ifndef UNIT_EMULATE_DIFF_H
#define UNIT_EMULATE_DIFF_H

#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "unit.h"
#include <asm/msr-index.h>
#include <asm/x86-defns.h>
#include <hvm/emulate/emulate.h>
#include <xen/lib.h>

#define REGION_SIZE	0x10000
#define DATA_OFF	0x1000		/* code page below */
#define DATA_SIZE	0x6000
#define STACK_OFF	0xc000		/* RSP for stack tests */
#define CMP_FLAGS	(X86_EFLAGS_ARITH | X86_EFLAGS_DF)

/* Registers in encoding order (RAX RCX RDX RBX RSP RBP RSI RDI R8-R15),
 * then RFLAGS: host_run()'s layout. */
struct cpu {
	u64 gpr[16];
	u64 rflags;
};

struct cpu host_in, host_out;
u64 host_saved_rsp, host_target;
void host_run(void);
void host_back(void);

/* SysV: keep RBX RBP R12-R15; RSP is restored from host_saved_rsp. */
asm(".text\n"
    ".globl host_run\n"
    "host_run:\n"
    "	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n"
    "	mov %rsp, host_saved_rsp(%rip)\n"
    "	pushq host_in+128(%rip)\n"
    "	popfq\n"
    "	mov host_in+0(%rip), %rax\n"
    "	mov host_in+8(%rip), %rcx\n"
    "	mov host_in+16(%rip), %rdx\n"
    "	mov host_in+24(%rip), %rbx\n"
    "	mov host_in+40(%rip), %rbp\n"
    "	mov host_in+48(%rip), %rsi\n"
    "	mov host_in+56(%rip), %rdi\n"
    "	mov host_in+64(%rip), %r8\n"
    "	mov host_in+72(%rip), %r9\n"
    "	mov host_in+80(%rip), %r10\n"
    "	mov host_in+88(%rip), %r11\n"
    "	mov host_in+96(%rip), %r12\n"
    "	mov host_in+104(%rip), %r13\n"
    "	mov host_in+112(%rip), %r14\n"
    "	mov host_in+120(%rip), %r15\n"
    "	mov host_in+32(%rip), %rsp\n"
    "	jmp *host_target(%rip)\n"
    ".globl host_back\n"
    "host_back:\n"
    "	mov %rax, host_out+0(%rip)\n"
    "	mov %rcx, host_out+8(%rip)\n"
    "	mov %rdx, host_out+16(%rip)\n"
    "	mov %rbx, host_out+24(%rip)\n"
    "	mov %rsp, host_out+32(%rip)\n"
    "	mov %rbp, host_out+40(%rip)\n"
    "	mov %rsi, host_out+48(%rip)\n"
    "	mov %rdi, host_out+56(%rip)\n"
    "	mov %r8, host_out+64(%rip)\n"
    "	mov %r9, host_out+72(%rip)\n"
    "	mov %r10, host_out+80(%rip)\n"
    "	mov %r11, host_out+88(%rip)\n"
    "	mov %r12, host_out+96(%rip)\n"
    "	mov %r13, host_out+104(%rip)\n"
    "	mov %r14, host_out+112(%rip)\n"
    "	mov %r15, host_out+120(%rip)\n"
    "	mov host_saved_rsp(%rip), %rsp\n"
    "	pushfq\n"
    "	popq host_out+128(%rip)\n"
    "	cld\n"
    "	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
    "	ret\n");

static u8 *region;
static u8 init_mem[REGION_SIZE], host_mem[REGION_SIZE];
static unsigned int cases, mismatches;

/* ---- PRNG (xorshift64*), fixed seed ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

/* Operand values: edges of every width often, random bits otherwise. */
static u64 rnd_val(void)
{
	static const u64 edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, ~0ULL, 0x0f, 0x10,
	};

	switch (rnd_below(4)) {
	case 0: return edge[rnd_below(ARRAY_SIZE(edge))];
	case 1: return rnd() & 0xff;
	default: return rnd();
	}
}

static u64 sext(u64 v, unsigned int bytes)
{
	unsigned int sh = 64 - 8 * bytes;

	return (u64)((s64)(v << sh) >> sh);
}

/* ---- instruction builder ---- */

struct gen {
	u8 pfx[4];
	unsigned int npfx;
	u8 rex;			/* W R X B bits; rex_on: emitted (maybe 0x40) */
	bool rex_on;
	u8 op[3];
	unsigned int nop;
	u8 tail[16];		/* ModRM, SIB, displacement */
	unsigned int ntail;
	int rip_disp;		/* offset of a RIP-relative disp32 in tail, or -1 */
	u64 rip_target;
	u64 target;		/* the memory operand's address */
	u8 imm[8];
	unsigned int nimm;
	unsigned int bytes;	/* operand size */
	bool a32;		/* 67 prefix */
	u16 reserved;		/* registers the addressing must not use */
	u64 undefined;		/* flags the SDM leaves undefined here */
	u16 ignore_hi;		/* registers compared in their low half only */
	struct cpu in;
	u8 code[32];
	unsigned int len;
};

static void gen_init(struct gen *g)
{
	unsigned int r;

	memset(g, 0, sizeof(*g));
	g->rip_disp = -1;
	for (r = 0; r < 16; r++)
		g->in.gpr[r] = rnd_val();
	g->in.gpr[4] = (u64)region + STACK_OFF;
	g->reserved = 1U << 4;
	g->in.rflags = X86_EFLAGS_FIXED | (rnd() & X86_EFLAGS_ARITH);
}

static void pfx(struct gen *g, u8 b)
{
	g->pfx[g->npfx++] = b;
}

static void imm(struct gen *g, u64 v, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		g->imm[g->nimm++] = v >> (8 * k);
}

/* Operand size @bytes for a non-byte instruction: 66 or REX.W. */
static void opsize(struct gen *g, unsigned int bytes)
{
	g->bytes = bytes;
	if (bytes == 2)
		pfx(g, 0x66);
	if (bytes == 8)
		g->rex |= 8, g->rex_on = true;
}

static unsigned int rnd_size(void)
{
	static const unsigned int sz[] = { 2, 4, 8 };

	return sz[rnd_below(3)];
}

/* A register operand number; byte registers 4-7 without REX are AH-BH. */
static unsigned int rnd_reg(struct gen *g)
{
	unsigned int r = rnd_below(16);

	if (r >= 8)
		g->rex_on = true;
	return r;
}

static void set_reg_field(struct gen *g, unsigned int reg, u8 *modrm)
{
	*modrm |= (reg & 7) << 3;
	if (reg & 8)
		g->rex |= 4, g->rex_on = true;
}

static void modrm_regs(struct gen *g, unsigned int reg, unsigned int rm)
{
	u8 m = 0xc0 | (rm & 7);

	set_reg_field(g, reg, &m);
	if (rm & 8)
		g->rex |= 1, g->rex_on = true;
	g->tail[g->ntail++] = m;
}

static void disp(struct gen *g, u64 v, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++)
		g->tail[g->ntail++] = v >> (8 * k);
}

/* A register for addressing: not reserved, not @other. */
static unsigned int addr_reg(struct gen *g, unsigned int other)
{
	unsigned int r;

	do
		r = rnd_below(16);
	while ((g->reserved & (1U << r)) || r == other);
	return r;
}

/* Set @r so that, in the address size, @r + rest == @want. */
static void addr_value(struct gen *g, unsigned int r, u64 want, u64 rest)
{
	u64 v = want - rest;

	if (g->a32)
		v = (v & 0xffffffffULL) | (rnd() << 32);
	g->in.gpr[r] = v;
}

/*
 * A memory ModRM (with SIB/displacement) addressing @target, in one of
 * the forms of SDM vol. 2 tables 2-2 and 2-3 picked at random.
 */
static void modrm_mem(struct gen *g, unsigned int reg, u64 target)
{
	unsigned int form = rnd_below(g->a32 ? 4 : 5), mod, base, idx, scale;
	u64 d, m = 0;
	u8 modrm = 0;

	g->target = target;
	set_reg_field(g, reg, &modrm);
	mod = rnd_below(3);
	d = mod == 1 ? sext(rnd(), 1) : mod == 2 ? sext(rnd(), 4) : 0;
	switch (form) {
	case 0:		/* [base + disp] */
		do
			base = addr_reg(g, 16);
		while ((base & 7) == 4 || (mod == 0 && (base & 7) == 5));
		g->rex |= base >> 3;
		g->tail[g->ntail++] = modrm | (mod << 6) | (base & 7);
		disp(g, d, mod == 1 ? 1 : mod == 2 ? 4 : 0);
		addr_value(g, base, target, d);
		break;
	case 1: case 2:	/* [base + index * scale + disp] */
		do
			base = addr_reg(g, 16);
		while (mod == 0 && (base & 7) == 5);
		idx = addr_reg(g, base);
		if (idx == 4)
			idx = base == 12 ? 13 : 12;	/* 4 means no index */
		if (g->reserved & (1U << idx))
			idx = 4;
		scale = rnd_below(4);
		if (idx != 4) {
			g->in.gpr[idx] = rnd_below(64) | (g->a32 ? rnd() << 32 : 0);
			m = (g->in.gpr[idx] << scale) & (g->a32 ? 0xffffffffULL : ~0ULL);
		}
		g->rex |= (base >> 3) | ((idx >> 3) << 1);
		g->tail[g->ntail++] = modrm | (mod << 6) | 4;
		g->tail[g->ntail++] = (scale << 6) | ((idx & 7) << 3) | (base & 7);
		disp(g, d, mod == 1 ? 1 : mod == 2 ? 4 : 0);
		addr_value(g, base, target, d + m);
		break;
	case 3:		/* SIB without base or index: [disp32] */
		g->tail[g->ntail++] = modrm | 4;
		g->tail[g->ntail++] = 0x25;
		disp(g, target, 4);
		break;
	default:	/* [rip + disp32], fixed up once the length is known */
		g->tail[g->ntail++] = modrm | 5;
		g->rip_disp = g->ntail;
		g->rip_target = target;
		disp(g, 0, 4);
		break;
	}
	if (g->rex & 7)
		g->rex_on = true;
}

static void addr32(struct gen *g)
{
	g->a32 = true;
	pfx(g, 0x67);
}

/* A random address in the data area with room for @room bytes. */
static u64 rnd_target(unsigned int room)
{
	return (u64)region + DATA_OFF + 0x800 + rnd_below(DATA_SIZE - 0x1000 - room);
}

/* The r/m operand: a register, or memory (sometimes with a 67 prefix). */
static void rm_operand(struct gen *g, unsigned int reg, bool allow_reg)
{
	if (allow_reg && rnd_below(2)) {
		modrm_regs(g, reg, rnd_reg(g));
		return;
	}
	if (!rnd_below(4))
		addr32(g);
	modrm_mem(g, reg, rnd_target(16));
}

static bool is_mem(const struct gen *g)
{
	return g->ntail && (g->tail[0] & 0xc0) != 0xc0;
}

/* Byte instructions: REX sometimes, making 4-7 SPL-DIL instead of AH-BH. */
static void byte_size(struct gen *g)
{
	g->bytes = 1;
	if (rnd_below(2))
		g->rex_on = true;
}

static void imm_of_size(struct gen *g, unsigned int bytes)
{
	imm(g, rnd_val(), bytes == 8 ? 4 : bytes);
}

static void assemble(struct gen *g)
{
	u8 *p = g->code;
	unsigned int at;

	memcpy(p, g->pfx, g->npfx);
	p += g->npfx;
	if (g->rex_on)
		*p++ = 0x40 | g->rex;
	memcpy(p, g->op, g->nop);
	p += g->nop;
	at = p - g->code;
	memcpy(p, g->tail, g->ntail);
	p += g->ntail;
	memcpy(p, g->imm, g->nimm);
	p += g->nimm;
	g->len = p - g->code;
	if (g->rip_disp >= 0) {
		u32 d = g->rip_target - ((u64)region + g->len);

		memcpy(g->code + at + g->rip_disp, &d, 4);
	}
}

/* ---- the two runs ---- */

static int mem_access(u64 la, unsigned int bytes, struct x86emul_event *ev)
{
	if (la >= (u64)region + DATA_OFF && la + bytes <= (u64)region + REGION_SIZE)
		return X86EMUL_OKAY;
	*ev = (struct x86emul_event){ .vector = TRAP_PF, .has_error_code = true,
				      .cr2 = la };
	return X86EMUL_EXCEPTION;
}

static int mem_read(void *priv, u64 la, void *buf, unsigned int bytes,
		    struct x86emul_event *ev)
{
	int rc = mem_access(la, bytes, ev);

	if (!rc)
		memcpy(buf, (void *)la, bytes);
	return rc;
}

static int mem_write(void *priv, u64 la, const void *buf, unsigned int bytes,
		     struct x86emul_event *ev)
{
	int rc = mem_access(la, bytes, ev);

	if (!rc)
		memcpy((void *)la, buf, bytes);
	return rc;
}

static const struct x86emul_ops diff_ops = {
	.read = mem_read,
	.write = mem_write,
};

/* A 64-bit user-mode context on @in, RIP at the code page. */
static void ctxt_64(struct x86emul_ctxt *c, const struct cpu *in)
{
	unsigned int r;

	memset(c, 0, sizeof(*c));
	for (r = 0; r < 16; r++)
		*hvm_gpr(&c->regs, r) = in->gpr[r];
	c->regs.rip = (u64)region;
	c->regs.rflags = in->rflags;
	for (r = SEG_ES; r <= SEG_GS; r++)
		c->seg[r] = (struct hvm_seg){ .attr = 0xcf3, .limit = ~0U };
	c->seg[SEG_CS].attr = 0xafb;
	c->cr0 = X86_CR0_PE | X86_CR0_PG;
	c->efer = EFER_LME | EFER_LMA;
	c->cpl = 3;
	c->insn = region;
	c->insn_avail = 15;
}

static void dump(const char *name, const struct gen *g, const struct x86emul_ctxt *c,
		 int rc)
{
	unsigned int r;

	if (++mismatches > 20)
		return;
	fprintf(stderr, "mismatch %s (case %u, rc %d):", name, cases, rc);
	for (r = 0; r < g->len; r++)
		fprintf(stderr, " %02x", g->code[r]);
	fprintf(stderr, "\n  flags in %#llx cpu %#llx emu %#llx (undefined %#llx)\n",
		(unsigned long long)g->in.rflags, (unsigned long long)host_out.rflags,
		(unsigned long long)c->regs.rflags, (unsigned long long)g->undefined);
	for (r = 0; r < 16; r++)
		fprintf(stderr, "  r%-2u in %016llx cpu %016llx emu %016llx%s\n", r,
			(unsigned long long)g->in.gpr[r],
			(unsigned long long)host_out.gpr[r],
			(unsigned long long)*hvm_gpr((struct hvm_regs *)&c->regs, r),
			host_out.gpr[r] != *hvm_gpr((struct hvm_regs *)&c->regs, r) ? " <" : "");
	for (r = DATA_OFF; r < REGION_SIZE; r++)
		if (region[r] != host_mem[r]) {
			fprintf(stderr, "  memory +%#x: cpu %02x emu %02x\n", r,
				host_mem[r], region[r]);
			break;
		}
}

/* Run @g natively and emulated from the same state; compare. */
static void run_case(const char *name, struct gen *g)
{
	static const u8 jmp_back[6] = { 0xff, 0x25, 0, 0, 0, 0 };
	struct x86emul_ctxt c;
	u64 back = (u64)host_back;
	unsigned int r, runs;
	bool same;
	int rc;

	assemble(g);
	memcpy(region, g->code, g->len);
	memcpy(region + g->len, jmp_back, 6);
	memcpy(region + g->len + 6, &back, 8);
	memcpy(init_mem, region, REGION_SIZE);

	host_in = g->in;
	host_target = (u64)region;
	host_run();
	memcpy(host_mem, region, REGION_SIZE);
	memcpy(region + DATA_OFF, init_mem + DATA_OFF, REGION_SIZE - DATA_OFF);

	ctxt_64(&c, &g->in);
	/* A long REP comes back in batches with RIP unmoved. */
	runs = 0;
	do
		rc = x86emul_run(&c, &diff_ops, NULL);
	while (rc == X86EMUL_OKAY && c.regs.rip == (u64)region && ++runs < 64);

	cases++;
	same = rc == X86EMUL_OKAY && c.regs.rip == (u64)region + g->len;
	for (r = 0; r < 16; r++)
		same = same && !((*hvm_gpr(&c.regs, r) ^ host_out.gpr[r]) &
				 (g->ignore_hi & (1U << r) ? 0xffffffffULL : ~0ULL));
	same = same && !((c.regs.rflags ^ host_out.rflags) & CMP_FLAGS & ~g->undefined);
	same = same && !memcmp(region + DATA_OFF, host_mem + DATA_OFF,
			       REGION_SIZE - DATA_OFF);
	CHECK(same);
	if (!same)
		dump(name, g, &c, rc);
}

static void new_case(struct gen *g)
{
	for (unsigned int k = DATA_OFF; k < REGION_SIZE; k += 8) {
		u64 v = rnd();

		memcpy(region + k, &v, 8);
	}
	gen_init(g);
}

#endif
