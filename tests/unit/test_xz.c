/*
 * The .xz decoder (xen/common/xz/) against XZ Utils.
 *
 * Inputs are made at run time by the xz command-line tool (Debian's
 * xz-utils), from deterministic pseudo-random data: compressible text,
 * x86-like call/jump patterns, incompressible noise and real machine code
 * (this test's own executable).  Every decode goes into an exactly-sized
 * heap buffer from an exactly-sized heap copy of the input, so
 * AddressSanitizer flags a single byte read or written out of bounds.
 *
 * Hostile input: every single-byte corruption of a checked file must fail,
 * truncations at many lengths must fail, random mutations must never trip
 * the sanitizers, and hand-built LZMA2 streams probe the chunk rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/xz.h>
#include <xen/common/xz/xz_private.h>

#include "unit.h"

struct buf {
	u8 *p;
	size_t len;
};

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct buf buf_new(size_t len)
{
	struct buf b = { malloc(len ? len : 1), len };

	if (!b.p)
		abort();
	return b;
}

static struct buf buf_copy(const void *p, size_t len)
{
	struct buf b = buf_new(len);

	memcpy(b.p, p, len);
	return b;
}

/* Compressible data: words from a small vocabulary, runs, a little noise,
 * and E8/E9 + rel32 sequences so the BCJ filter has work to do. */
static struct buf gen_data(size_t len, u64 seed)
{
	static const char *words[] = { "hypervisor ", "vcpu ", "domain ",
		"grant ", "event ", "channel ", "page ", "\n", "0x1000 " };
	struct buf b = buf_new(len);
	size_t i = 0;

	rng_state = seed;
	while (i < len) {
		u64 r = rng();
		unsigned int kind = r % 16;

		if (kind < 10) {
			const char *w = words[(r >> 8) % ARRAY_SIZE(words)];

			for (; *w && i < len; w++)
				b.p[i++] = *w;
		} else if (kind < 12) {
			u8 op = r & 0x100 ? 0xe8 : 0xe9;
			u32 rel = (u32)(r >> 16) % 0x20000 - 0x10000;

			b.p[i++] = op;
			for (int k = 0; k < 4 && i < len; k++)
				b.p[i++] = rel >> (8 * k);
		} else if (kind < 13) {
			for (unsigned int n = (r >> 8) % 64; n && i < len; n--)
				b.p[i++] = (u8)(r >> 20);
		} else {
			b.p[i++] = (u8)(r >> 24);
		}
	}
	return b;
}

/* Bytes from an alphabet dense in the values the x86 filter reacts to. */
static struct buf gen_bcj_stress(size_t len, u64 seed)
{
	static const u8 alpha[] = { 0xe8, 0xe9, 0x00, 0xff, 0x01, 0xfe, 0x0f };
	struct buf b = buf_new(len);

	rng_state = seed;
	for (size_t i = 0; i < len; i++) {
		u64 r = rng();

		b.p[i] = r & 1 ? alpha[(r >> 1) % sizeof(alpha)] : (u8)(r >> 8);
	}
	return b;
}

static struct buf read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		abort();
	rewind(f);
	b = buf_new(n);
	if (n && fread(b.p, 1, n, f) != (size_t)n)
		abort();
	fclose(f);
	return b;
}

/* Run `xz <opts>` over @in; the result is the .xz file. */
static struct buf xz_tool(const struct buf *in, const char *opts)
{
	char tin[] = "/tmp/unit_xz_in_XXXXXX", tout[] = "/tmp/unit_xz_out_XXXXXX";
	char cmd[512];
	int fi = mkstemp(tin), fo = mkstemp(tout);
	struct buf out;

	if (fi < 0 || fo < 0 || write(fi, in->p, in->len) != (ssize_t)in->len)
		abort();
	close(fi);
	close(fo);
	snprintf(cmd, sizeof(cmd), "xz %s -c < %s > %s 2>/dev/null", opts,
		 tin, tout);
	if (system(cmd) != 0) {
		fprintf(stderr, "command failed: %s\n", cmd);
		abort();
	}
	out = read_file(tout);
	unlink(tin);
	unlink(tout);
	return out;
}

/* Decode @xz (copied to an exact-size buffer) into exactly @cap bytes. */
static int decode(const u8 *xz, size_t xz_len, size_t cap, struct buf *out,
		  const char **why)
{
	struct buf in = buf_copy(xz, xz_len);
	size_t len = 12345;
	int rc;

	*out = buf_new(cap);
	*why = NULL;
	rc = xz_decode_buf(in.p, in.len, out->p, cap, &len, why);
	out->len = len;
	free(in.p);
	if (rc && (!*why || len != 0))
		rc = -9999;	/* errors must say why and report nothing */
	return rc;
}

/* Compress @data with @opts; it must decode back exactly, and one byte
 * less room must give -ENOSPC. */
static void roundtrip(const struct buf *data, const char *opts)
{
	struct buf x = xz_tool(data, opts), out;
	const char *why;
	int rc = decode(x.p, x.len, data->len, &out, &why);

	if (rc)
		fprintf(stderr, "xz %s: %s\n", opts, why);
	CHECK_EQ(rc, 0);
	CHECK_EQ(out.len, data->len);
	CHECK(!memcmp(out.p, data->p, data->len));
	free(out.p);
	if (data->len) {
		CHECK_EQ(decode(x.p, x.len, data->len - 1, &out, &why), -ENOSPC);
		free(out.p);
	}
	free(x.p);
}

/* ---- Decoding what xz makes ----------------------------------------- */

TEST(test_checks_and_filters)
{
	struct buf d = gen_data(300 << 10, 1);

	roundtrip(&d, "--check=crc32 --x86 --lzma2=preset=6");
	roundtrip(&d, "--check=crc64 --x86 --lzma2=preset=6");
	roundtrip(&d, "--check=none --x86 --lzma2=preset=6");
	roundtrip(&d, "--check=crc32 --lzma2=preset=6");
	roundtrip(&d, "--check=crc32 -0");
	roundtrip(&d, "--check=crc64 -9e");
	free(d.p);
}

/* Debian's kernel: xz --check=crc32 --x86 --lzma2=dict=32MiB. */
TEST(test_linux_settings)
{
	struct buf d = gen_data(1 << 20, 2);

	roundtrip(&d, "--check=crc32 --x86 --lzma2=dict=32MiB");
	free(d.p);
}

TEST(test_lzma_properties)
{
	struct buf d = gen_data(200 << 10, 3);

	roundtrip(&d, "--lzma2=lc=0,lp=0,pb=0");
	roundtrip(&d, "--lzma2=lc=4,lp=0,pb=4");
	roundtrip(&d, "--lzma2=lc=0,lp=4,pb=2");
	roundtrip(&d, "--lzma2=lc=1,lp=3,pb=1,nice=273,mf=bt4");
	roundtrip(&d, "--lzma2=dict=4KiB,mode=fast");
	free(d.p);
}

TEST(test_tiny_inputs)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 100 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct buf d = gen_bcj_stress(sizes[i], 4 + i);

		roundtrip(&d, "--check=crc32 --x86 --lzma2=preset=6");
		roundtrip(&d, "--check=none");
		free(d.p);
	}
}

TEST(test_empty_input)
{
	u8 byte = 0, out[4];
	size_t len = 1;
	const char *why = NULL;

	CHECK_EQ(xz_decode_buf(&byte, 0, out, sizeof(out), &len, &why), -EINVAL);
	CHECK(why != NULL);
	CHECK_EQ(len, 0);
}

/* Noise makes the encoder emit uncompressed LZMA2 chunks (0x01/0x02),
 * mixed here with compressed ones. */
TEST(test_incompressible)
{
	struct buf d = gen_bcj_stress(300 << 10, 5);

	rng_state = 77;
	for (size_t i = 0; i < d.len; i++)
		d.p[i] = (i / 70000) & 1 ? (u8)rng() : (u8)(i % 13);
	roundtrip(&d, "--check=crc32");
	roundtrip(&d, "--check=crc64 --x86 --lzma2");
	free(d.p);
}

TEST(test_x86_machine_code)
{
	struct buf exe = read_file("/proc/self/exe");

	if (exe.len > (2 << 20))
		exe.len = 2 << 20;
	roundtrip(&exe, "--check=crc32 --x86 --lzma2=preset=6");
	roundtrip(&exe, "--check=crc32 --x86=start=16777216 --lzma2");
	roundtrip(&exe, "--check=crc64 --x86=start=4294967280 --lzma2");
	free(exe.p);
}

/* The filter's mask/adjustment rules, hammered: encoder and decoder must
 * agree on every E8/E9 whatever surrounds it. */
TEST(test_bcj_dense_patterns)
{
	for (u64 seed = 10; seed < 16; seed++) {
		struct buf d = gen_bcj_stress(64 << 10, seed);

		roundtrip(&d, "--check=crc32 --x86 --lzma2=preset=1");
		free(d.p);
	}
}

TEST(test_multi_block)
{
	struct buf d = gen_data(700 << 10, 6);

	/* Threaded mode writes both sizes into every block header. */
	roundtrip(&d, "-T2 --block-size=64KiB --check=crc64 --x86 --lzma2=preset=6");
	roundtrip(&d, "-T1 --block-size=100000 --check=crc32");
	roundtrip(&d, "--block-list=1,10000,0 --check=crc32 --x86 --lzma2");
	free(d.p);
}

TEST(test_concatenated_streams)
{
	struct buf a = gen_data(50000, 7), b = gen_data(30000, 8);
	struct buf xa = xz_tool(&a, "--check=crc32 --x86 --lzma2");
	struct buf xb = xz_tool(&b, "--check=crc64");
	size_t n = xa.len + 8 + xb.len + 4;
	struct buf cat = buf_new(n + 3), out;
	const char *why;

	memcpy(cat.p, xa.p, xa.len);
	memset(cat.p + xa.len, 0, 8);
	memcpy(cat.p + xa.len + 8, xb.p, xb.len);
	memset(cat.p + n - 4, 0, 7);
	CHECK_EQ(decode(cat.p, n, a.len + b.len, &out, &why), 0);
	CHECK_EQ(out.len, a.len + b.len);
	CHECK(!memcmp(out.p, a.p, a.len) && !memcmp(out.p + a.len, b.p, b.len));
	free(out.p);
	/* Stream padding must come in fours and be zero. */
	CHECK_EQ(decode(cat.p, n + 3, a.len + b.len, &out, &why), -EINVAL);
	free(out.p);
	cat.p[n - 1] = 1;
	CHECK_EQ(decode(cat.p, n, a.len + b.len, &out, &why), -EINVAL);
	free(out.p);
	free(a.p), free(b.p), free(xa.p), free(xb.p), free(cat.p);
}

TEST(test_large)
{
	struct buf d = gen_data(5 << 20, 9);

	/* A fast preset: compressing is the slow part of this test. */
	roundtrip(&d, "--check=crc32 --x86 --lzma2=preset=1,dict=8MiB");
	free(d.p);
}

TEST(test_unsupported)
{
	struct buf d = gen_data(20000, 10), x, out;
	static const char *opts[] = {
		"--check=sha256", "--delta=dist=4 --lzma2", "--arm --lzma2",
		"--x86 --delta --lzma2", "--format=lzma", "--format=raw",
	};
	const char *why;

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++) {
		x = xz_tool(&d, opts[i]);
		CHECK_EQ(decode(x.p, x.len, d.len, &out, &why), -EINVAL);
		free(out.p);
		free(x.p);
	}
	free(d.p);
}

/* ---- Corrupt and truncated files ------------------------------------ */

/* With a check, every byte of an .xz file is covered by a CRC, a magic or
 * a must-be-zero rule, so any single-byte change must fail. */
static void flip_every_byte(const char *opts, bool must_fail)
{
	struct buf d = gen_data(6000, 11);
	struct buf x = xz_tool(&d, opts), out;
	static const u8 masks[] = { 0x01, 0x80, 0xff };
	const char *why;

	for (size_t i = 0; i < x.len; i++) {
		for (unsigned int m = 0; m < ARRAY_SIZE(masks); m++) {
			int rc;

			x.p[i] ^= masks[m];
			rc = decode(x.p, x.len, d.len, &out, &why);
			/* A changed chunk size may also overflow the
			 * exactly-sized output. */
			if (must_fail && rc != -EINVAL && rc != -ENOSPC) {
				fprintf(stderr, "%s: byte %zu ^ %#x: rc %d\n",
					opts, i, masks[m], rc);
				CHECK_EQ(rc, -EINVAL);
			}
			free(out.p);
			x.p[i] ^= masks[m];
		}
	}
	free(d.p);
	free(x.p);
}

TEST(test_flip_every_byte)
{
	flip_every_byte("--check=crc32 --x86 --lzma2=preset=6", true);
	flip_every_byte("--check=crc64 -T2 --block-size=2000", true);
	flip_every_byte("--check=none --x86 --lzma2", false);	/* no crash is enough */
}

static void truncations(const struct buf *x, size_t cap, size_t step)
{
	struct buf out;
	const char *why;

	for (size_t n = 0; n < x->len; n += n + 64 >= x->len ? 1 : step) {
		CHECK_EQ(decode(x->p, n, cap, &out, &why), -EINVAL);
		free(out.p);
	}
}

TEST(test_truncated)
{
	struct buf small = gen_data(5000, 12), big = gen_data(768 << 10, 13);
	struct buf xs = xz_tool(&small, "--check=crc32 --x86 --lzma2");
	struct buf xb = xz_tool(&big, "--check=crc32 --x86 --lzma2 -T2 --block-size=512KiB");

	truncations(&xs, small.len, 1);
	truncations(&xb, big.len, 997);
	free(small.p), free(big.p), free(xs.p), free(xb.p);
}

/* Random multi-byte damage: errors or (rarely) success, never a
 * sanitizer report, never a hang. */
TEST(test_random_mutations)
{
	struct buf d = gen_data(40000, 14), out;
	struct buf x = xz_tool(&d, "--check=none --x86 --lzma2=preset=3");
	struct buf m = buf_new(x.len);
	const char *why;

	rng_state = 99;
	for (int iter = 0; iter < 3000; iter++) {
		memcpy(m.p, x.p, x.len);
		for (int k = 1 + rng() % 8; k; k--)
			m.p[12 + rng() % (x.len - 12)] = (u8)rng();
		decode(m.p, x.len, d.len + (rng() % 3) * 1000, &out, &why);
		free(out.p);
	}
	free(d.p), free(x.p), free(m.p);
}

/* ---- Hand-built LZMA2 ----------------------------------------------- */

static size_t put_vli(u8 *p, u64 v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (u8)v | 0x80;
		v >>= 7;
	}
	p[n++] = (u8)v;
	return n;
}

static void put_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

/* A one-block stream (check none) around raw LZMA2 data; the index claims
 * @index_out bytes of output. */
static struct buf wrap_lzma2(const u8 *lz, size_t n, u64 index_out)
{
	struct buf b = buf_new(64 + n + 64);
	size_t p = 0, blk, idx;

	xz_crc_init();
	memcpy(b.p, "\xfd" "7zXZ\0\0\0", 8);
	put_le32(b.p + 8, xz_crc32(b.p + 6, 2, 0));
	p = 12;
	blk = p;
	memcpy(b.p + p, "\x02\x00\x21\x01\x10\x00\x00\x00", 8);	/* 1 MiB dict */
	put_le32(b.p + p + 8, xz_crc32(b.p + p, 8, 0));
	p += 12;
	memcpy(b.p + p, lz, n);
	p += n;
	while ((p - blk) & 3)
		b.p[p++] = 0;
	idx = p;
	b.p[p++] = 0;
	p += put_vli(b.p + p, 1);
	p += put_vli(b.p + p, 12 + n);
	p += put_vli(b.p + p, index_out);
	while ((p - idx) & 3)
		b.p[p++] = 0;
	put_le32(b.p + p, xz_crc32(b.p + idx, p - idx, 0));
	p += 4;
	put_le32(b.p + p + 4, (p - idx) / 4 - 1);
	b.p[p + 8] = 0;
	b.p[p + 9] = 0;
	put_le32(b.p + p, xz_crc32(b.p + p + 4, 6, 0));
	b.p[p + 10] = 'Y';
	b.p[p + 11] = 'Z';
	b.len = p + 12;
	return b;
}

static int decode_lzma2(const u8 *lz, size_t n, u64 index_out, size_t cap)
{
	struct buf x = wrap_lzma2(lz, n, index_out), out;
	const char *why;
	int rc = decode(x.p, x.len, cap, &out, &why);

	free(x.p);
	free(out.p);
	return rc;
}

TEST(test_lzma2_chunk_rules)
{
	/* The builder itself: one uncompressed chunk with dictionary reset. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x01\x00\x04hello\x00", 9, 5, 5), 0);
	/* Index claims another size. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x01\x00\x04hello\x00", 9, 6, 5),
		 -EINVAL);
	/* Output does not fit. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x01\x00\x04hello\x00", 9, 5, 4),
		 -ENOSPC);
	/* First chunk without dictionary reset. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x02\x00\x04hello\x00", 9, 5, 5),
		 -EINVAL);
	/* Invalid control byte; missing end marker. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x03\x00\x04hello\x00", 9, 5, 5),
		 -EINVAL);
	CHECK_EQ(decode_lzma2((const u8 *)"\x01\x00\x04hello", 8, 5, 5),
		 -EINVAL);
	/* LZMA chunk without properties after the dictionary reset. */
	CHECK_EQ(decode_lzma2((const u8 *)"\x01\x00\x00h\x80\x00\x00\x00\x04"
			      "\x00\x00\x00\x00\x00\x00", 15, 2, 2), -EINVAL);
	/* lc + lp > 4 (properties byte 5: lc 5). */
	CHECK_EQ(decode_lzma2((const u8 *)"\xe0\x00\x00\x00\x04\x05"
			      "\x00\x00\x00\x00\x00\x00", 12, 1, 1), -EINVAL);
	/* First symbol a match or rep into the empty dictionary. */
	CHECK_EQ(decode_lzma2((const u8 *)"\xe0\x00\x00\x00\x04\x5d"
			      "\x00\xff\xff\xff\xf0\x00", 12, 1, 1), -EINVAL);
	/* Range coder's first byte must be zero. */
	CHECK_EQ(decode_lzma2((const u8 *)"\xe0\x00\x00\x00\x04\x5d"
			      "\x01\x00\x00\x00\x00\x00", 12, 1, 1), -EINVAL);
	/* Chunk claims 2 MiB; only 100 bytes of room. */
	CHECK_EQ(decode_lzma2((const u8 *)"\xff\xff\xff\x00\x04\x5d"
			      "\x00\x00\x00\x00\x00\x00", 12, 1 << 21, 100),
		 -ENOSPC);
}

/* Random LZMA chunk bodies: the symbol decoder on garbage. */
TEST(test_lzma_garbage)
{
	u8 lz[600];

	rng_state = 1234;
	for (int iter = 0; iter < 2000; iter++) {
		size_t clen = 5 + rng() % 500, ulen = 1 + rng() % 4000;

		lz[0] = 0xe0 | ((ulen - 1) >> 16);
		lz[1] = (ulen - 1) >> 8;
		lz[2] = ulen - 1;
		lz[3] = (clen - 1) >> 8;
		lz[4] = clen - 1;
		lz[5] = rng() % 5 == 0 ? (u8)rng() : 0x5d;
		lz[6] = 0;
		for (size_t i = 7; i < 6 + clen; i++)
			lz[i] = (u8)rng();
		lz[6 + clen] = 0;
		decode_lzma2(lz, 7 + clen, ulen, ulen + rng() % 2);
	}
}

UNIT_MAIN(test_checks_and_filters, test_linux_settings, test_lzma_properties,
	  test_tiny_inputs, test_empty_input, test_incompressible,
	  test_x86_machine_code, test_bcj_dense_patterns, test_multi_block,
	  test_concatenated_streams, test_large, test_unsupported,
	  test_flip_every_byte, test_truncated, test_random_mutations,
	  test_lzma2_chunk_rules, test_lzma_garbage)
