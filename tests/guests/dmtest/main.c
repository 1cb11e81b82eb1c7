/*
 * The device-model test guest: every instruction form the hypervisor
 * hands to a device model, against the test device of device.h served by
 * tests/linux/dm/test-dm.c in dom0 (started by xl; the scenario is
 * tests/linux/xl-dm-test.sh).  Every value read is checked against what
 * the device must answer: dmt_value() of the access, the scratch areas'
 * contents, or the next value of the counter - the counter also proves
 * that no request reached the device model twice (the hypervisor runs an
 * instruction again after each answer and must replay the answers it
 * has, not ask again).  Writes are checked by reading scratch areas back
 * and, for the rest, by the scenario in the device model's log.  REP
 * string instructions in batches, their round trips counted: batch.c.
 *
 * Command line: "mmio2=ADDR" - the device model claims a second page at
 * ADDR, right after the guest's RAM, for a load across the two;
 * "stall" - read DMT_STALL, which the device model never answers (the
 * hostile half of the scenario), and do nothing else; "ones" - the same,
 * from a device model that resets the slot instead of answering: the
 * read must give all ones.
 */
#include "lib.h"
#include "device.h"
#include "dmtest.h"

#define M(off) ((volatile void *)(DMT_MMIO + (off)))
#define S(off) ((volatile void *)(DMT_SCRATCH + (off)))

static u8 buf[256] __attribute__((aligned(64)));
u32 next_count = DMT_COUNTER_START;	/* the device's counter */

static u64 pio(u64 port, unsigned int size)
{
	return dmt_value(DMT_TYPE_PIO, port, size);
}

static u64 mem(u64 addr, unsigned int size)
{
	return dmt_value(DMT_TYPE_COPY, addr, size);
}

static u64 pci(unsigned int reg, unsigned int size)
{
	return dmt_value(DMT_TYPE_PCI, (u64)DMT_PCI_SBDF << 32 | reg, size);
}

static void ports(void)
{
	u32 l, c0, c1;
	u16 w;
	u8 b;

	b = inb(DMT_PORT + 1);
	w = inw(DMT_PORT + 2);
	l = inl(DMT_PORT + 4);
	report(b == pio(DMT_PORT + 1, 1) && w == pio(DMT_PORT + 2, 2) &&
	       l == pio(DMT_PORT + 4, 4), "in 1/2/4 bytes: %#x %#x %#x", b, w, l);
	/* The scenario finds these in the device model's log. */
	outb(DMT_PORT + 1, 0x5a);
	outw(DMT_PORT + 2, 0xbeef);
	outl(DMT_PORT + 4, 0xfeedf00d);
	outl(DMT_PORT_SCRATCH, 0x12345678);
	outb(DMT_PORT_SCRATCH + 1, 0xab);
	outw(DMT_PORT_SCRATCH + 2, 0x4321);
	l = inl(DMT_PORT_SCRATCH);
	w = inw(DMT_PORT_SCRATCH + 1);
	report(l == 0x4321ab78 && w == 0x21ab,
	       "out 1/2/4 bytes to the scratch register reads back: %#x %#x", l, w);
	c0 = inl(DMT_PORT_COUNTER);
	c1 = inw(DMT_PORT_COUNTER);
	report(c0 == next_count && c1 == (u16)(next_count + 1),
	       "counter port: %#x then %#x", c0, c1);
	next_count += 2;
}

static void port_strings(void)
{
	static const char hello[] = "hello from dmtest via rep outsb\n";
	static const char back[] = "\nsdrawkcab";	/* sent from the end */
	u64 rcx, rdi, rsi;
	u32 *l = (u32 *)buf;
	u16 *w = (u16 *)buf;
	bool ok = true;

	memset(buf, 0, sizeof(buf));
	rcx = 8;
	rdi = (u64)buf;
	asm volatile("cld; rep insl" : "+c"(rcx), "+D"(rdi)
		     : "d"(DMT_PORT_COUNTER) : "memory");
	for (int i = 0; i < 8; i++)
		ok &= l[i] == next_count + i;
	report(ok && rcx == 0 && rdi == (u64)buf + 32 && l[8] == 0,
	       "rep insl x8 from the counter: %#x .. %#x", l[0], l[7]);
	next_count += 8;

	memset(buf, 0, sizeof(buf));
	rcx = 4;
	rdi = (u64)buf + 6;
	asm volatile("std; rep insw; cld" : "+c"(rcx), "+D"(rdi)
		     : "d"(DMT_PORT + 2) : "memory");
	ok = rcx == 0 && rdi == (u64)buf - 2;
	for (int i = 0; i < 4; i++)
		ok &= w[i] == pio(DMT_PORT + 2, 2);
	report(ok, "std; rep insw x4: downwards, rdi %#lx", rdi - (u64)buf);

	memset(buf, 0, sizeof(buf));
	rcx = 4;
	rdi = (u64)buf + 3;
	asm volatile("std; rep insb; cld" : "+c"(rcx), "+D"(rdi)
		     : "d"(DMT_PORT_COUNTER) : "memory");
	ok = true;
	for (int i = 0; i < 4; i++)	/* the first value at the top */
		ok &= buf[3 - i] == (u8)(next_count + i);
	report(ok, "std; rep insb x4 from the counter: %02x %02x %02x %02x",
	       buf[0], buf[1], buf[2], buf[3]);
	next_count += 4;

	rcx = sizeof(hello) - 1;
	rsi = (u64)hello;
	asm volatile("cld; rep outsb" : "+c"(rcx), "+S"(rsi)
		     : "d"(DMT_PORT_TEXT) : "memory");
	report(rcx == 0 && rsi == (u64)hello + sizeof(hello) - 1,
	       "rep outsb of a line to the text port");
	rcx = sizeof(back) - 1;
	rsi = (u64)back + sizeof(back) - 2;
	asm volatile("std; rep outsb; cld" : "+c"(rcx), "+S"(rsi)
		     : "d"(DMT_PORT_TEXT) : "memory");
	report(rcx == 0 && rsi == (u64)back - 1,
	       "std; rep outsb of a line written backwards");

	w[0] = 0x1111;
	w[1] = 0x2222;
	rcx = 2;
	rsi = (u64)buf;
	asm volatile("cld; rep outsw" : "+c"(rcx), "+S"(rsi)
		     : "d"(DMT_PORT_SCRATCH) : "memory");
	report(inw(DMT_PORT_SCRATCH) == 0x2222,
	       "rep outsw x2 to the scratch register: the last one stays");
}

static void mmio_loads(void)
{
	u64 q, zb, zw, sb, sw, sl;
	u32 l;
	u16 w;
	u8 b;

	asm volatile("movb %1, %0" : "=q"(b) : "m"(*(volatile u8 *)M(0x10)));
	asm volatile("movw %1, %0" : "=r"(w) : "m"(*(volatile u16 *)M(0x20)));
	asm volatile("movl %1, %0" : "=r"(l) : "m"(*(volatile u32 *)M(0x30)));
	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile u64 *)M(0x40)));
	report(b == mem(DMT_MMIO + 0x10, 1) && w == mem(DMT_MMIO + 0x20, 2) &&
	       l == mem(DMT_MMIO + 0x30, 4) && q == mem(DMT_MMIO + 0x40, 8),
	       "mov loads of 1/2/4/8 bytes: %#x %#x %#x %#lx", b, w, l, q);
	asm volatile("movzbl %1, %k0" : "=r"(zb) : "m"(*(volatile u8 *)M(0x50)));
	asm volatile("movzwl %1, %k0" : "=r"(zw) : "m"(*(volatile u16 *)M(0x52)));
	report(zb == mem(DMT_MMIO + 0x50, 1) && zw == mem(DMT_MMIO + 0x52, 2),
	       "movzx 1 and 2 bytes: %#lx %#lx", zb, zw);
	asm volatile("movsbq %1, %0" : "=r"(sb) : "m"(*(volatile u8 *)M(0x58)));
	asm volatile("movswq %1, %0" : "=r"(sw) : "m"(*(volatile u16 *)M(0x5a)));
	asm volatile("movslq %1, %0" : "=r"(sl) : "m"(*(volatile u32 *)M(0x5c)));
	report(sb == (u64)(s8)mem(DMT_MMIO + 0x58, 1) &&
	       sw == (u64)(int16_t)mem(DMT_MMIO + 0x5a, 2) &&
	       sl == (u64)(s32)mem(DMT_MMIO + 0x5c, 4),
	       "movsx 1/2 bytes, movsxd: %#lx %#lx %#lx", sb, sw, sl);
	l = *(volatile u32 *)M(DMT_COUNTER - DMT_MMIO);
	q = *(volatile u16 *)M(DMT_COUNTER - DMT_MMIO);
	report(l == next_count && q == (u16)(next_count + 1),
	       "counter register: %#x then %#lx", l, q);
	next_count += 2;
}

/* Stores the scenario finds in the device model's log. */
static void mmio_stores(void)
{
	*(volatile u8 *)M(0x100) = 0x11;
	*(volatile u16 *)M(0x102) = 0x2233;
	*(volatile u32 *)M(0x104) = 0x44556677;
	*(volatile u64 *)M(0x108) = 0x1122334455667788ULL;
	asm volatile("movl $0x99aabbcc, %0" : "=m"(*(volatile u32 *)M(0x110)));
	report(true, "mov stores of 1/2/4/8 bytes and an immediate sent");
}

static void scratch_rmw(void)
{
	volatile u64 *q = S(0x10);
	volatile u32 *l = S(0x20);
	volatile u16 *w = S(0x28);
	u64 r, old;
	u8 zf;

	*q = 0x0102030405060708ULL;
	report(*q == 0x0102030405060708ULL && *(volatile u8 *)S(0x11) == 0x07,
	       "a qword stored to scratch reads back, and byte by byte");
	report(*(volatile u32 *)S(0x13) == 0x02030405,
	       "an unaligned dword load from scratch: %#x",
	       *(volatile u32 *)S(0x13));
	/* The scenario checks that each read reached the device model
	 * before the write of the same operand. */
	*l = 100;
	asm volatile("addl $5, %0" : "+m"(*l) : : "cc");
	report(*l == 105, "add $5, [mmio] = %u", *l);
	*w = 0x0f0f;
	asm volatile("orw $0x3000, %0" : "+m"(*w) : : "cc");
	asm volatile("andw $0x30f0, %0" : "+m"(*w) : : "cc");
	report(*w == 0x3000, "or then and on [mmio]: %#x", *w);
	r = 0xaaaa;
	*q = 0x5555;
	asm volatile("xchgq %0, %1" : "+r"(r), "+m"(*q));
	report(r == 0x5555 && *q == 0xaaaa, "xchg: %#lx, memory %#lx", r, *q);
	old = 0xaaaa;
	asm volatile("lock cmpxchgq %3, %1; sete %2"
		     : "+a"(old), "+m"(*q), "=q"(zf) : "r"(0x1234UL) : "cc");
	report(zf && *q == 0x1234, "cmpxchg that matches: ZF, memory %#lx", *q);
	old = 0xaaaa;
	asm volatile("lock cmpxchgq %3, %1; sete %2"
		     : "+a"(old), "+m"(*q), "=q"(zf) : "r"(0x9999UL) : "cc");
	report(!zf && old == 0x1234 && *q == 0x1234,
	       "cmpxchg that fails: RAX %#lx, memory %#lx", old, *q);
	r = 3;
	asm volatile("lock xaddq %0, %1" : "+r"(r), "+m"(*q) : : "cc");
	report(r == 0x1234 && *q == 0x1237, "xadd: %#lx, memory %#lx", r, *q);
}

static void mmio_strings(void)
{
	u64 rcx, rsi, rdi;
	u32 *l = (u32 *)buf;
	u16 *w = (u16 *)buf;
	bool ok = true;

	for (int i = 0; i < 8; i++)
		l[i] = 0xc0de0000 + i;
	rcx = 8;
	rsi = (u64)buf;
	rdi = (u64)S(0x100);
	asm volatile("cld; rep movsl" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	for (int i = 0; i < 8; i++)
		ok &= ((volatile u32 *)S(0x100))[i] == 0xc0de0000 + i;
	report(ok && rcx == 0 && rdi == (u64)S(0x120),
	       "rep movsl x8 RAM -> device, forwards");

	memset(buf, 0, sizeof(buf));
	rcx = 4;
	rsi = (u64)S(0x118);
	rdi = (u64)buf + 24;
	asm volatile("std; rep movsq; cld" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	ok = rcx == 0 && rsi == (u64)S(0xf8) && rdi == (u64)buf - 8;
	for (int i = 0; i < 8; i++)
		ok &= l[i] == 0xc0de0000 + i;
	report(ok, "std; rep movsq x4 device -> RAM, backwards");

	memset(buf, 0, sizeof(buf));
	rcx = 4;
	rsi = (u64)M(0x200);
	rdi = (u64)buf;
	asm volatile("cld; rep movsw" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	ok = true;
	for (int i = 0; i < 4; i++)
		ok &= w[i] == mem(DMT_MMIO + 0x200 + 2 * i, 2);
	report(ok, "rep movsw x4 device -> RAM: %#x .. %#x", w[0], w[3]);

	/* Two device accesses per element: a read and a write. */
	rcx = 16;
	rsi = (u64)M(0x300);
	rdi = (u64)S(0x200);
	asm volatile("cld; rep movsb" : "+c"(rcx), "+S"(rsi), "+D"(rdi)
		     : : "memory");
	ok = rcx == 0;
	for (int i = 0; i < 16; i++)
		ok &= ((volatile u8 *)S(0x200))[i] == mem(DMT_MMIO + 0x300 + i, 1);
	report(ok, "rep movsb x16 device -> device");

	rcx = 300;	/* more than one emulator batch */
	rdi = (u64)S(0x300);
	asm volatile("cld; rep stosl" : "+c"(rcx), "+D"(rdi) : "a"(0x5a5a5a5a)
		     : "memory");
	report(rcx == 0 && rdi == (u64)S(0x300 + 1200) &&
	       *(volatile u32 *)S(0x300) == 0x5a5a5a5a &&
	       *(volatile u32 *)S(0x300 + 1196) == 0x5a5a5a5a &&
	       *(volatile u8 *)S(0x300 + 1200) == dmt_scratch_init(0x300 + 1200),
	       "rep stosl x300 to the device, the byte after untouched");
	rcx = 4;
	rdi = (u64)S(0x7f8);
	asm volatile("std; rep stosw; cld" : "+c"(rcx), "+D"(rdi) : "a"(0x7e57)
		     : "memory");
	report(rcx == 0 && rdi == (u64)S(0x7f0) &&
	       *(volatile u64 *)S(0x7f2) == 0x7e577e577e577e57ULL &&
	       *(volatile u16 *)S(0x7fa) == (dmt_scratch_init(0x7fa) |
					     dmt_scratch_init(0x7fb) << 8),
	       "std; rep stosw x4 to the device, backwards");
}

/* An 8-byte load whose low half is the last of RAM and whose high half
 * is the device model's second page, right after it. */
static void straddle(u64 mmio2)
{
	volatile u32 *last = (volatile u32 *)(mmio2 - 4);
	u32 low = *last;
	u64 q;

	asm volatile("movq %1, %0" : "=r"(q) : "m"(*(volatile u64 *)last));
	report((u32)q == low && q >> 32 == mem(mmio2, 4),
	       "a load across RAM and the device: %#lx", q);
}

static void pci_config(void)
{
	u32 addr = 0x80000000 | DMT_PCI_DEV << 11;
	u32 l;
	u16 w;
	u8 b;

	outl(0xcf8, addr);
	l = inl(0xcfc);
	report(l == pci(0, 4), "00:05.0 register 0: %#x", l);
	outl(0xcf8, addr | 0x08);
	b = inb(0xcfd);
	w = inw(0xcfe);
	report(b == pci(0x09, 1) && w == pci(0x0a, 2),
	       "register 0x09 byte %#x, 0x0a word %#x", b, w);
	outl(0xcf8, addr | DMT_PCI_SCRATCH);
	outl(0xcfc, 0xcafe1234);
	outb(0xcfd, 0x77);
	l = inl(0xcfc);
	report(l == 0xcafe7734, "config writes read back: %#x", l);
	outl(0xcf8, 0x80000000 | (DMT_PCI_DEV + 1) << 11);
	l = inl(0xcfc);
	report(l == 0xffffffff, "00:06.0 is nobody's: %#x", l);
	outl(0xcf8, DMT_PCI_DEV << 11);
	l = inl(0xcfc);
	report(l == 0xffffffff, "0xCFC with 0xCF8 disabled: %#x", l);
	/* CONFIG_ADDRESS reads back what was written (the hypervisor's
	 * latch: no device model sees it). */
	outl(0xcf8, addr | 0x3c);
	l = inl(0xcf8);
	report(l == (addr | 0x3c), "0xCF8 reads back %#x", l);
}

/*
 * Round trips, each over the same number of operations in this run
 * (`make bench` reports them; wall time under the emulator, Xen system
 * time): a null hypercall; a port read and an MMIO read the hypervisor
 * answers itself (nobody claims them); the same through the device
 * model in dom0; and a disk sector's worth of REP INSW (256 words, what
 * firmware's ATA PIO does per sector) from the device model.
 */
static void timing(void)
{
	static u16 sector[256] __attribute__((aligned(512)));
	const unsigned int n = 200, nrep = 20;
	volatile u32 *hole = (volatile u32 *)(DMT_MMIO + 0x10000);
	volatile u32 *dev = (volatile u32 *)DMT_BENCH;
	u64 t[7];
	unsigned int i;

	t[0] = now_ns();
	for (i = 0; i < n; i++)
		hyp_xen_version(0, NULL);
	t[1] = now_ns();
	for (i = 0; i < n; i++)
		inl(0x2a0);
	t[2] = now_ns();
	for (i = 0; i < n; i++)
		(void)*hole;
	t[3] = now_ns();
	for (i = 0; i < n; i++)
		inw(DMT_PORT_BENCH);
	t[4] = now_ns();
	for (i = 0; i < n; i++)
		(void)*dev;
	t[5] = now_ns();
	for (i = 0; i < nrep; i++) {
		u64 rcx = 256, rdi = (u64)sector;

		asm volatile("cld; rep insw" : "+c"(rcx), "+D"(rdi)
			     : "d"(DMT_PORT_BENCH) : "memory");
	}
	t[6] = now_ns();
	printf("dmtest: bench: null-hypercall %lu hv-port-read %lu "
	       "hv-mmio-read %lu dm-port-read %lu dm-mmio-read %lu "
	       "dm-rep-insw256 %lu ns/op\n",
	       (t[1] - t[0]) / n, (t[2] - t[1]) / n, (t[3] - t[2]) / n,
	       (t[4] - t[3]) / n, (t[5] - t[4]) / n, (t[6] - t[5]) / nrep);
}

int main(void)
{
	u64 mmio2;

	if (memmap_ram_end() > DMT_MMIO) {
		report_info("RAM reaches the device at %#llx; give the guest "
			    "less memory", DMT_MMIO);
		return TEST_FAILURE;
	}
	report_info("RAM ends at %#lx", memmap_ram_end());
	if (cmdline_has("stall")) {
		report_info("reading the register the device model never answers");
		report_info("it answered %#x", *(volatile u32 *)DMT_STALL);
		return TEST_FAILURE;
	}
	if (cmdline_has("rewrite")) {
		dmtest_rewrite();
		return TEST_FAILURE;
	}
	if (cmdline_has("ones")) {
		u32 v = *(volatile u32 *)DMT_STALL;

		report(v == 0xffffffff, "a slot reset to NONE answers all ones: "
		       "%#x", v);
		report(inl(DMT_PORT_COUNTER) == next_count,
		       "the device model still serves the next request");
		return report_result();
	}
	ports();
	port_strings();
	mmio_loads();
	mmio_stores();
	scratch_rmw();
	mmio_strings();
	dmtest_batches();
	if (cmdline_get_u64("mmio2", &mmio2))
		straddle(mmio2);
	else
		report_skip("no mmio2= for a load across RAM and the device");
	pci_config();
	/* Nothing was asked twice, nothing skipped. */
	report(inl(DMT_PORT_COUNTER) == next_count, "the counter is where "
	       "the guest expects it: every read reached the device once");
	dmtest_two_vcpus();
	timing();
	return report_result();
}
