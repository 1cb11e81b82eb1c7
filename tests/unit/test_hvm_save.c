/*
 * Host tests of the HVM save-image framing and checks (hvm/save.c): the
 * size query and -ENOSPC, a save/load round trip, the partial images
 * libxl sends for a PVH guest (docs/xen-toolstack.md §A.1 step 8) and the
 * boot state its CPU record produces, Xen's compat CPU records, and every
 * malformed header, descriptor and record refused with nothing changed.
 * The test plays a two-vCPU domain through struct hvm_save_env's hooks;
 * record layouts come from the public headers, values from the SDM and
 * from libxl's vcpu_hvm() (tools/libs/guest/xg_dom_x86.c).
 */
#include <stddef.h>
#include <string.h>
#include <hvm/save.h>
#include <hvm/x86.h>
#include <xen/errno.h>
#include "hvm_save_env.h"

static struct fake {
	bool exists[NV], up[NV];
	struct hvm_cpu_ctx cpu[NV];
	struct hvm_hw_mtrr mtrr[NV];
	unsigned int downs, cpu_sets, mtrr_sets;
} fk;

static bool f_exists(void *ctx, unsigned int id) { return fk.exists[id]; }
static bool f_up(void *ctx, unsigned int id) { return fk.up[id]; }

static void f_get_cpu(void *ctx, unsigned int id, struct hvm_cpu_ctx *c)
{
	*c = fk.cpu[id];
}

static void f_get_mtrr(void *ctx, unsigned int id, struct hvm_hw_mtrr *m)
{
	*m = fk.mtrr[id];
}

static void f_down_all(void *ctx)
{
	fk.downs++;
	memset(fk.up, 0, sizeof(fk.up));
}

static void f_set_cpu(void *ctx, unsigned int id, const struct hvm_cpu_ctx *c)
{
	fk.cpu_sets++;
	fk.cpu[id] = *c;
	fk.up[id] = true;
}

static void f_set_mtrr(void *ctx, unsigned int id, const struct hvm_hw_mtrr *m)
{
	fk.mtrr_sets++;
	fk.mtrr[id] = *m;
}

static struct x86_policy policy;

static void offer(unsigned int feature)
{
	policy.fw[feature / 32] |= 1U << (feature % 32);
}

static struct hvm_save_env env = {
	.policy = &policy, .max_vcpus = NV, .cpuid1_eax = 0x00a20f12,
	.gtsc_khz = 2000000, .mxcsr_mask = 0xffff,
	.vcpu_exists = f_exists, .vcpu_up = f_up, .get_cpu = f_get_cpu,
	.get_mtrr = f_get_mtrr, .down_all = f_down_all, .set_cpu = f_set_cpu,
	.set_mtrr = f_set_mtrr,
};

/* A 64-bit vCPU as Linux runs, with something in every field. */
static void long_mode_cpu(struct hvm_cpu_ctx *c, u64 seed)
{
	static const u16 attr[NR_SEGS] = { 0xc93, 0xa9b, 0xc93, 0xc93, 0xc93,
					   0xc93, 0x82, 0x8b, 0, 0 };

	memset(c, 0, sizeof(*c));
	c->st.regs = (struct hvm_regs){ .rax = seed, .rbx = seed + 1,
		.rcx = seed + 2, .rdx = seed + 3, .rsi = seed + 4,
		.rdi = seed + 5, .rbp = seed + 6, .r8 = seed + 8,
		.r15 = seed + 15, .rsp = 0xffff888000010000ULL,
		.rip = 0xffffffff81000000ULL + seed, .rflags = 0x246 };
	c->st.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
		    X86_CR0_PG;
	c->st.cr3 = 0x1234000;
	c->st.cr4 = X86_CR4_PAE | X86_CR4_PGE | X86_CR4_OSFXSR;
	c->st.efer = EFER_SCE | EFER_LME | EFER_NXE;
	for (unsigned int s = 0; s < NR_SEGS; s++)
		c->st.seg[s] = (struct hvm_seg){ .sel = s * 8, .attr = attr[s],
						 .limit = s < SEG_LDTR ? ~0U : 0x67 };
	c->st.seg[SEG_GS].base = 0xffff888012340000ULL;
	c->st.seg[SEG_GDTR] = (struct hvm_seg){ .limit = 0x7f,
						.base = 0xfffffe0000001000ULL };
	c->st.seg[SEG_IDTR] = (struct hvm_seg){ .limit = 0xfff,
						.base = 0xfffffe0000000000ULL };
	c->aux = (struct hvm_aux_state){ .cr2 = 0xdead000, .dr = { 1, 2, 3, 4 },
		.dr6 = X86_DR6_INIT, .dr7 = 0x401,
		.event = 0x80000b0e, .error = 2 };	/* #PF, error code */
	c->sysenter_cs = 0x10;
	c->sysenter_esp = 0xfffffe0000002000ULL;
	c->lstar = 0xffffffff81a00000ULL;
	c->star = 0x0023001000000000ULL;
	c->sfmask = 0x47700;
	c->kernel_gs_base = 0x7f0000000000ULL;
	c->tsc_aux = seed;
	c->tsc = 0x123456789ULL + seed;
	c->fpu_initialised = true;
	for (unsigned int i = 0; i < sizeof(c->fxsave); i++)
		c->fxsave[i] = i * 7 + seed;
	*(u32 *)&c->fxsave[24] = 0x1f80;		/* MXCSR */
}

static void reset(void)
{
	memset(&fk, 0, sizeof(fk));
	memset(&policy, 0, sizeof(policy));
	policy.maxphysaddr = 48;
	offer(XEN_X86_FEATURE_PSE), offer(XEN_X86_FEATURE_PAE);
	offer(XEN_X86_FEATURE_PGE), offer(XEN_X86_FEATURE_FXSR);
	offer(XEN_X86_FEATURE_SSE), offer(XEN_X86_FEATURE_SYSCALL);
	offer(XEN_X86_FEATURE_LM), offer(XEN_X86_FEATURE_NX);
	for (unsigned int i = 0; i < NV; i++) {
		fk.exists[i] = true;
		long_mode_cpu(&fk.cpu[i], i * 0x100);
		fk.mtrr[i] = (struct hvm_hw_mtrr){ .msr_pat_cr = 0x0007040600070406ULL,
			.msr_mtrr_cap = 0x508, .msr_mtrr_def_type = 0xc06 };
		fk.mtrr[i].msr_mtrr_var[0] = 0x80000000ULL;	/* UC */
		fk.mtrr[i].msr_mtrr_var[1] = 0xff80000800ULL;
		for (unsigned int f = 0; f < NUM_FIXED_MSR; f++)
			fk.mtrr[i].msr_mtrr_fixed[f] = 0x0606060606060606ULL;
	}
	fk.up[0] = true;
}

/* libxl's vcpu_hvm() CPU record for a PVH entry. */
static void libxl_cpu(struct hvm_hw_cpu *r, u32 entry, u32 start_info)
{
	memset(r, 0, sizeof(*r));
	r->cs_limit = r->ds_limit = r->es_limit = r->ss_limit = ~0U;
	r->tr_limit = 0x67;
	r->cs_arbytes = 0xc9b;
	r->ds_arbytes = r->es_arbytes = r->ss_arbytes = 0xc93;
	r->tr_arbytes = 0x8b;
	r->cr0 = X86_CR0_PE | X86_CR0_ET;
	r->rip = entry;
	r->dr6 = X86_DR6_INIT;
	r->dr7 = X86_DR7_INIT;
	r->rbx = start_info;
}

/* Load @im and check it was refused with @err, leaving the domain as
 * reset() built it. */
static void refused(const struct image *im, int err)
{
	struct fake before;

	reset();
	before = fk;
	CHECK_EQ(hvm_load_image(&env, im->b, im->len), err);
	CHECK(!memcmp(&before, &fk, sizeof(fk)));
}

/* HEADER + CPU(@r, @len bytes, instance @inst) + END. */
static void cpu_image(struct image *im, const struct hvm_hw_cpu *r,
		      u32 len, u16 inst)
{
	im->len = 0;
	put_header(im, &env);
	put(im, 2, inst, len, r, len);
	put_end(im);
}

static void mtrr_image(struct image *im, const struct hvm_hw_mtrr *m,
		       u32 len, u16 inst)
{
	im->len = 0;
	put_header(im, &env);
	put(im, 14, inst, len, m, len < sizeof(*m) ? len : sizeof(*m));
	put_end(im);
}

TEST(size_query_and_nospc)
{
	static u8 buf[8192];
	size_t per_vcpu = 4 * 8 + 1032 + 240 + 24 + 1024;
	size_t platform = 2 * (8 + 8) + (8 + 400) + (8 + 16) + 2 * (8 + 8) +
			  (8 + 56);
	size_t need = 2 * 8 + 24 + platform + NV * per_vcpu;

	reset();
	CHECK_EQ(sizeof(struct hvm_hw_cpu), 1032);
	CHECK_EQ(sizeof(struct hvm_hw_mtrr), 240);
	CHECK_EQ(sizeof(struct hvm_hw_lapic), 24);
	CHECK_EQ(sizeof(struct hvm_hw_lapic_regs), 1024);
	CHECK_EQ(sizeof(struct hvm_hw_vioapic), 400);
	CHECK_EQ(sizeof(struct hvm_hw_pit), 56);
	/* Xen's bound: every record Amphi may write, every vCPU. */
	CHECK_EQ(hvm_save_image(&env, NULL, 0), need);
	/* Xen's domctl checks the bound, vCPUs that are down included,
	 * and writes nothing when it is not met. */
	memset(buf, 0x5a, sizeof(buf));
	CHECK_EQ(hvm_save_image(&env, buf, need - 1), -ENOSPC);
	CHECK_EQ(buf[0], 0x5a);
	/* vCPU 1 is down: no CPU record for it; this domain has neither
	 * vLAPICs nor a platform: the routing records, empty, and MTRRs. */
	CHECK_EQ(hvm_save_image(&env, buf, need),
		 32 + (8 + 1032) + (8 + 16) + 2 * (8 + 8) + 2 * (8 + 240) + 8);
}

TEST(save_layout)
{
	static u8 buf[8192];
	struct hvm_save_descriptor d;
	struct hvm_save_header h;
	struct hvm_hw_cpu r;
	long len;

	reset();
	fk.up[1] = true;
	len = hvm_save_image(&env, buf, sizeof(buf));
	CHECK(len > 0 && (size_t)len <= hvm_save_size(NV));
	memcpy(&d, buf, 8);
	memcpy(&h, buf + 8, sizeof(h));
	CHECK_EQ(d.typecode, 1);
	CHECK_EQ(d.length, 24);
	CHECK_EQ(h.magic, 0x54381286);
	CHECK_EQ(h.version, 1);
	CHECK_EQ(h.cpuid, 0x00a20f12);
	CHECK_EQ(h.gtsc_khz, 2000000);
	/* CPU 0, CPU 1, PCI_IRQ, ISA_IRQ, PCI_LINK (Xen writes them for
	 * every domain, here empty), MTRR 0, MTRR 1, END. */
	memcpy(&d, buf + 32, 8);
	CHECK(d.typecode == 2 && d.instance == 0 && d.length == 1032);
	memcpy(&r, buf + 40, sizeof(r));
	CHECK_EQ(r.rip, 0xffffffff81000000ULL);
	CHECK_EQ(r.cs_arbytes, 0xa9b);
	CHECK_EQ(r.gs_base, 0xffff888012340000ULL);
	CHECK_EQ(r.msr_lstar, 0xffffffff81a00000ULL);
	CHECK_EQ(r.pending_event, 0x80000b0e);
	CHECK_EQ(r.flags, XEN_X86_FPU_INITIALISED);
	CHECK_EQ(r.fpu_regs[3], 21);
	memcpy(&d, buf + 40 + 1032, 8);
	CHECK(d.typecode == 2 && d.instance == 1);
	for (unsigned int t = 7, off = 2 * (8 + 1032) + 32; t <= 9; t++) {
		memcpy(&d, buf + off, 8);
		CHECK(d.typecode == t && d.instance == 0);
		for (unsigned int i = 0; i < d.length; i++)
			CHECK_EQ(buf[off + 8 + i], 0);
		off += 8 + d.length;
	}
	memcpy(&d, buf + 2 * (8 + 1032) + 32 + 24 + 16 + 16, 8);
	CHECK(d.typecode == 14 && d.instance == 0 && d.length == 240);
	memcpy(&d, buf + len - 8, 8);
	CHECK(d.typecode == 0 && d.length == 0);
}

TEST(round_trip)
{
	static u8 buf[8192];
	struct fake saved;
	long len;

	reset();
	len = hvm_save_image(&env, buf, sizeof(buf));
	saved = fk;
	/* Another domain's state: the load must replace it all. */
	for (unsigned int i = 0; i < NV; i++) {
		long_mode_cpu(&fk.cpu[i], 0x777);
		fk.mtrr[i].msr_mtrr_def_type = 0;
	}
	fk.up[1] = true;
	CHECK_EQ(hvm_load_image(&env, buf, len), 0);
	CHECK_EQ(fk.downs, 1);
	CHECK_EQ(fk.cpu_sets, 1);
	CHECK_EQ(fk.mtrr_sets, NV);
	CHECK(fk.up[0] && !fk.up[1]);	/* down in the image: stays down */
	CHECK(!memcmp(&fk.cpu[0], &saved.cpu[0], sizeof(fk.cpu[0])));
	CHECK(!memcmp(fk.mtrr, saved.mtrr, sizeof(fk.mtrr)));
}

/* docs/xen-toolstack.md §A.1 step 8: HEADER + MTRR + END per vCPU, then
 * HEADER + CPU + END for vCPU 0. */
TEST(libxl_pvh_images)
{
	static const u16 attr[NR_SEGS] = { [SEG_ES] = 0xc93, [SEG_CS] = 0xc9b,
		[SEG_SS] = 0xc93, [SEG_DS] = 0xc93, [SEG_TR] = 0x8b };
	struct hvm_hw_mtrr m;
	struct hvm_hw_cpu r;
	struct image im;
	const struct hvm_cpu_ctx *c = &fk.cpu[0];

	reset();
	fk.up[0] = false;
	for (unsigned int i = 0; i < NV; i++) {
		m = fk.mtrr[i];
		m.msr_mtrr_def_type = 6 | (1 << 11);	/* WB, enabled */
		mtrr_image(&im, &m, sizeof(m), i);
		CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
		CHECK_EQ(fk.mtrr[i].msr_mtrr_def_type, 0x806);
	}
	CHECK_EQ(fk.cpu_sets, 0);
	CHECK(!fk.up[0] && !fk.up[1]);
	libxl_cpu(&r, 0x1000000, 0x2000);
	cpu_image(&im, &r, sizeof(r), 0);
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK(fk.up[0] && !fk.up[1]);
	/* The PVH 32-bit entry state (public/arch-x86/hvm/start_info.h). */
	CHECK_EQ(c->st.cr0, X86_CR0_PE | X86_CR0_ET);
	CHECK_EQ(c->st.cr3, 0);
	CHECK_EQ(c->st.cr4, 0);
	CHECK_EQ(c->st.efer, 0);
	CHECK_EQ(c->st.regs.rip, 0x1000000);
	CHECK_EQ(c->st.regs.rbx, 0x2000);
	CHECK_EQ(c->st.regs.rflags, X86_EFLAGS_FIXED);
	for (unsigned int s = 0; s < NR_SEGS; s++) {
		CHECK_EQ(c->st.seg[s].attr, attr[s]);
		CHECK_EQ(c->st.seg[s].base, 0);
		CHECK_EQ(c->st.seg[s].sel, 0);
	}
	CHECK_EQ(c->st.seg[SEG_CS].limit, 0xffffffff);
	CHECK_EQ(c->st.seg[SEG_SS].limit, 0xffffffff);
	CHECK_EQ(c->st.seg[SEG_TR].limit, 0x67);
	CHECK_EQ(c->aux.dr6, X86_DR6_INIT);
	CHECK_EQ(c->aux.dr7, X86_DR7_INIT);
	CHECK_EQ(c->aux.event, 0);
	CHECK(!c->fpu_initialised);	/* flags 0: the FNINIT state */
	CHECK_EQ(c->tsc, 0);
}

TEST(compat_cpu_records)
{
	struct hvm_hw_cpu_compat old;
	struct hvm_hw_cpu r;
	struct image im;

	/* Pre-3.4 layout: no msr_tsc_aux; tsc and the event move up. */
	libxl_cpu(&r, 0x1000000, 0);
	memcpy(&old, &r, sizeof(old));
	old.tsc = 0xabcdef;
	old.pending_event = 0x80000300 | 13;	/* #GP, no error code */
	old.error_code = 0;
	im.len = 0;
	put_header(&im, &env);
	put(&im, 2, 1, sizeof(old), &old, sizeof(old));
	put_end(&im);
	reset();
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK_EQ(fk.cpu[1].tsc, 0xabcdef);
	CHECK_EQ(fk.cpu[1].tsc_aux, 0);
	CHECK_EQ(fk.cpu[1].aux.event, 0x8000030d);
	CHECK(fk.cpu[1].fpu_initialised);	/* old Xen's fix-up */
	/* Shorter records are zero-extended (pre-4.7: no flags). */
	cpu_image(&im, &r, offsetof(struct hvm_hw_cpu, flags), 0);
	reset();
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK(fk.cpu[0].fpu_initialised);
	/* VMX access rights as old Xen saved them are folded back. */
	libxl_cpu(&r, 0x1000000, 0);
	r.cs_arbytes = 0xc09b;
	cpu_image(&im, &r, sizeof(r), 0);
	reset();
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK_EQ(fk.cpu[0].st.seg[SEG_CS].attr, 0xc9b);
}

/* The end marker's length is not looked at, nor what follows it (Xen's
 * hvm_load()). */
TEST(end_marker)
{
	struct hvm_hw_mtrr m;
	struct image im;

	reset();
	m = fk.mtrr[1];
	mtrr_image(&im, &m, sizeof(m), 1);
	im.b[im.len - 4] = 5;			/* END length */
	memset(im.b + im.len, 0xff, 64);
	im.len += 64;
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK_EQ(fk.mtrr_sets, 1);
}

TEST(bad_framing)
{
	struct hvm_save_header *h;
	struct hvm_hw_mtrr m;
	struct hvm_hw_cpu r;
	struct image im, good;
	u16 *type;

	reset();
	m = fk.mtrr[0];
	mtrr_image(&good, &m, sizeof(m), 0);
	/* Too short for a header, or no header first: -ENODATA. */
	for (size_t n = 0; n < 32; n += 8) {
		im = good;
		im.len = n;
		refused(&im, -ENODATA);
	}
	im = good;
	type = (u16 *)im.b;
	*type = 14;
	refused(&im, -ENODATA);
	im = good;
	((struct hvm_save_descriptor *)im.b)->length = 23;
	refused(&im, -ENODATA);
	im = good;
	((struct hvm_save_descriptor *)im.b)->length = 25;
	refused(&im, -ENODATA);
	/* Bad magic or version: -EINVAL. */
	im = good;
	h = (struct hvm_save_header *)(im.b + 8);
	h->magic ^= 1;
	refused(&im, -EINVAL);
	im = good;
	h = (struct hvm_save_header *)(im.b + 8);
	h->version = 2;
	refused(&im, -EINVAL);
	/* A different CPU or TSC rate only warns. */
	im = good;
	h = (struct hvm_save_header *)(im.b + 8);
	h->cpuid = 0x12345678;
	h->gtsc_khz = 1;
	reset();
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	/* No end marker, or a partial descriptor where it should be. */
	im = good;
	im.len -= 8;
	refused(&im, -ENODATA);
	im = good;
	im.len -= 1;
	refused(&im, -ENODATA);
	/* Types without a handler (a second HEADER, RTC, HPET, PMTIMER,
	 * the ones after MTRR, beyond the max): -EINVAL; records of devices
	 * this domain lacks (no platform, no vLAPICs): -ENODEV, as Xen's
	 * handlers answer; the routing records of the wrong length: -EINVAL
	 * (test_hvm_save_dev.c has the rest of the device records). */
	for (u16 t = 1; t <= 21; t++) {
		bool dev = t == 3 || t == 4 || t == 5 || t == 6 || t == 10;

		if (t == 2 || t == 14)
			continue;
		im = good;
		type = (u16 *)(im.b + 32);
		*type = t;
		refused(&im, dev ? -ENODEV : -EINVAL);
	}
	/* Instances: past max_vcpus, and a vCPU that does not exist. */
	mtrr_image(&im, &m, sizeof(m), NV);
	refused(&im, -EINVAL);
	mtrr_image(&im, &m, sizeof(m), 0xffff);
	refused(&im, -EINVAL);
	libxl_cpu(&r, 0x100000, 0);
	cpu_image(&im, &r, sizeof(r), NV);
	refused(&im, -EINVAL);
	reset();
	fk.exists[1] = false;
	mtrr_image(&im, &m, sizeof(m), 1);
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), -EINVAL);
	CHECK_EQ(fk.downs + fk.mtrr_sets, 0);
	/* Lengths: MTRR exactly; CPU at most the full record; neither past
	 * the buffer. */
	mtrr_image(&im, &m, sizeof(m) - 8, 0);
	refused(&im, -EINVAL);
	mtrr_image(&im, &m, sizeof(m) + 8, 0);
	refused(&im, -EINVAL);
	cpu_image(&im, &r, sizeof(r), 0);
	((struct hvm_save_descriptor *)(im.b + 32))->length = sizeof(r) + 8;
	refused(&im, -EINVAL);
	im.len = 32 + 8 + 100;
	((struct hvm_save_descriptor *)(im.b + 32))->length = 200;
	refused(&im, -EINVAL);
}

/* A good record, then a bad one: nothing of the first is applied. */
TEST(validate_before_apply)
{
	struct hvm_hw_mtrr m;
	struct hvm_hw_cpu r;
	struct image im;

	reset();
	m = fk.mtrr[0];
	m.msr_mtrr_def_type = 0x800;
	libxl_cpu(&r, 0x100000, 0);
	im.len = 0;
	put_header(&im, &env);
	put(&im, 14, 0, sizeof(m), &m, sizeof(m));
	put(&im, 2, 0, sizeof(r), &r, sizeof(r));
	m.msr_mtrr_def_type = 2;		/* reserved type */
	put(&im, 14, 1, sizeof(m), &m, sizeof(m));
	put_end(&im);
	refused(&im, -EINVAL);
}

/* Each mutation of a good libxl record makes it bad. */
static void bad_cpu(void (*mutate)(struct hvm_hw_cpu *r), const char *what)
{
	struct hvm_hw_cpu r;
	struct image im;
	struct fake before;

	libxl_cpu(&r, 0x100000, 0x2000);
	r.flags = XEN_X86_FPU_INITIALISED;
	*(u32 *)&r.fpu_regs[24] = 0x1f80;
	mutate(&r);
	cpu_image(&im, &r, sizeof(r), 0);
	reset();
	before = fk;
	if (hvm_load_image(&env, im.b, im.len) != -EINVAL ||
	    memcmp(&before, &fk, sizeof(fk))) {
		unit_failures++;
		fprintf(stderr, "CPU record with %s was not refused cleanly\n",
			what);
	}
	unit_checks++;
}

#define BAD_CPU(what, stmt)						\
	do {								\
		void m_(struct hvm_hw_cpu *r) { stmt; }			\
		bad_cpu(m_, what);					\
	} while (0)

TEST(bad_cpu_records)
{
	struct hvm_hw_cpu r;
	struct image im;

	/* The unmutated record is good. */
	libxl_cpu(&r, 0x100000, 0x2000);
	cpu_image(&im, &r, sizeof(r), 0);
	reset();
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);

	BAD_CPU("pad0", r->pad0 = 1);
	BAD_CPU("a reserved CR0 bit", r->cr0 |= 1 << 6);
	BAD_CPU("CR0[63:32]", r->cr0 |= 1ULL << 32);
	BAD_CPU("CR0.ET clear", r->cr0 &= ~X86_CR0_ET);
	BAD_CPU("PG without PE", r->cr0 = X86_CR0_ET | X86_CR0_PG);
	BAD_CPU("NW without CD", r->cr0 |= X86_CR0_NW);
	BAD_CPU("an unoffered CR4 bit", r->cr4 = X86_CR4_VMXE);
	BAD_CPU("a reserved CR4 bit", r->cr4 = 1ULL << 15);
	BAD_CPU("an unknown EFER bit", r->msr_efer = 1ULL << 9);
	BAD_CPU("LMA without LME/PG", r->msr_efer = EFER_LMA);
	BAD_CPU("long mode without PAE", {
		r->cr0 |= X86_CR0_PG; r->msr_efer = EFER_LME; });
	BAD_CPU("CR3 beyond MAXPHYADDR", r->cr3 = 1ULL << 48);
	BAD_CPU("unknown flags", r->flags = 2);
	BAD_CPU("TSC_AUX above 32 bits", r->msr_tsc_aux = 1ULL << 32);
	BAD_CPU("a non-canonical LSTAR", r->msr_lstar = 1ULL << 47);
	BAD_CPU("a non-canonical SYSENTER_EIP", r->sysenter_eip = 1ULL << 50);
	BAD_CPU("SFMASK above 32 bits", r->msr_syscall_mask = 1ULL << 32);
	BAD_CPU("event type 1", r->pending_event = 0x80000100);
	BAD_CPU("event type 7", r->pending_event = 0x80000700);
	BAD_CPU("event reserved bits", r->pending_event = 0x80001000 | 14);
	BAD_CPU("a 17-bit error code", {
		r->pending_event = 0x80000b0e; r->error_code = 0x10000; });
	BAD_CPU("segment attributes past 12 bits", r->ds_arbytes = 0x1c93);
	BAD_CPU("a data segment as CS", r->cs_arbytes = 0xc93);
	BAD_CPU("a non-present CS", r->cs_arbytes = 0xc1b);
	BAD_CPU("a CS base above 4 GiB", r->cs_base = 1ULL << 32);
	BAD_CPU("a non-canonical FS base", r->fs_base = 1ULL << 47);
	BAD_CPU("a non-canonical GDTR base", r->gdtr_base = 1ULL << 60);
	BAD_CPU("an IDTR limit above 16 bits", r->idtr_limit = 0x10000);
	BAD_CPU("RIP above 4 GiB outside long mode", r->rip = 1ULL << 32);
	BAD_CPU("a reserved RFLAGS bit", r->rflags = 1 << 3);
	BAD_CPU("DR7[63:32]", r->dr7 |= 1ULL << 32);
	BAD_CPU("DR6[63:32]", r->dr6 |= 1ULL << 40);
	BAD_CPU("a non-canonical DR0", r->dr0 = 1ULL << 48);
	BAD_CPU("a reserved MXCSR bit", *(u32 *)&r->fpu_regs[24] = 1 << 16);
}

static void bad_mtrr(void (*mutate)(struct hvm_hw_mtrr *m), const char *what)
{
	struct hvm_hw_mtrr m;
	struct image im;
	struct fake before;

	reset();
	m = fk.mtrr[0];
	mutate(&m);
	mtrr_image(&im, &m, sizeof(m), 1);
	before = fk;
	if (hvm_load_image(&env, im.b, im.len) != -EINVAL ||
	    memcmp(&before, &fk, sizeof(fk))) {
		unit_failures++;
		fprintf(stderr, "MTRR record with %s was not refused cleanly\n",
			what);
	}
	unit_checks++;
}

#define BAD_MTRR(what, stmt)						\
	do {								\
		void m_(struct hvm_hw_mtrr *m) { stmt; }		\
		bad_mtrr(m_, what);					\
	} while (0)

TEST(bad_mtrr_records)
{
	BAD_MTRR("9 variable ranges", m->msr_mtrr_cap = 0x509);
	BAD_MTRR("a reserved PAT type", m->msr_pat_cr = 0x0007040600070402ULL);
	BAD_MTRR("a reserved default type", m->msr_mtrr_def_type = 0xc02);
	BAD_MTRR("reserved MTRRdefType bits", m->msr_mtrr_def_type = 0x1806);
	BAD_MTRR("a reserved fixed type", m->msr_mtrr_fixed[10] = 0x0706060606060606ULL);
	BAD_MTRR("a reserved variable type", m->msr_mtrr_var[0] = 0x80000003ULL);
	BAD_MTRR("a base above MAXPHYADDR", m->msr_mtrr_var[14] = 1ULL << 48);
	BAD_MTRR("reserved PHYSMASK bits", m->msr_mtrr_var[1] |= 1 << 10);
}

/* Ranges MTRRcap does not count are not looked at, nor applied (Xen). */
TEST(mtrr_vcnt)
{
	struct hvm_hw_mtrr m;
	struct image im;

	reset();
	m = fk.mtrr[0];
	m.msr_mtrr_cap = 0x501;
	m.msr_mtrr_var[2] = 3;		/* range 1: not counted */
	mtrr_image(&im, &m, sizeof(m), 0);
	CHECK_EQ(hvm_load_image(&env, im.b, im.len), 0);
	CHECK_EQ(hvm_mtrr_vcnt(&fk.mtrr[0]), 1);
}

UNIT_MAIN(size_query_and_nospc, save_layout, round_trip, libxl_pvh_images,
	  compat_cpu_records, end_marker, bad_framing, validate_before_apply,
	  bad_cpu_records, bad_mtrr_records, mtrr_vcnt)
