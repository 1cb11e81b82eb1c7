/*
 * dom0's PCI configuration space through Amphi's vPCI (xen/vpci.h), from
 * dom0 user space, the way firmware and Linux reach it: ports 0xCF8/0xCFC
 * and, given --ecam BASE, the ECAM window through /dev/mem.
 *   pci-conf-test [--ecam BASE]
 * Lines (tests/boot/linux-cases.sh greps them):
 *   pci-conf: found BB:DD.F VVVV:DDDD class CCCCCC
 *   pci-conf: PASS|FAIL: <check>
 *   pci-conf: N passed, N failed
 * The checks: no function shows an MSI or MSI-X capability (vPCI takes
 * them out); and on QEMU's edu device (1234:11e8), when there is one: BAR
 * sizing through the ports, its registers through the BAR once memory
 * decoding is on (1:1 in dom0's p2m), nothing there once it is off, a BAR
 * write ignored while decoding; with ECAM, the same view through it.  And
 * I/O ports: an AHCI controller's index/data pair (its I/O BAR) shows the
 * version register its memory BAR shows, when there is one; the
 * hypervisor's UART (--uart PORT) is not dom0's to write.  DMA: edu's
 * engine copies between its buffer and dom0's own pages through the
 * IOMMU, and with --dma-outside GPA dom0 has it write where dom0 has no
 * memory (the hypervisor logs the IOMMU's fault; the host side checks).
 *   pci-conf-test [--ecam BASE] [--uart PORT] [--dma-outside GPA]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

static int passed, failed;

static void check(int ok, const char *what)
{
	printf("pci-conf: %s: %s\n", ok ? "PASS" : "FAIL", what);
	ok ? passed++ : failed++;
}

/* The guest-physical address of the page at @p (locked), from pagemap. */
static uint64_t gpa_of(void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)p / 4096 * 8) != 8)
		e = 0;
	close(fd);
	return (e >> 63) ? (e & ((1ULL << 55) - 1)) << 12 : 0;
}

static void select_reg(unsigned int bdf, unsigned int reg)
{
	outl(0x80000000U | bdf << 8 | (reg & 0xfc), 0xcf8);
}

static uint32_t cf8_read(unsigned int bdf, unsigned int reg, int size)
{
	select_reg(bdf, reg);
	return size == 4 ? inl(0xcfc) : size == 2 ? inw(0xcfc + (reg & 2)) :
						    inb(0xcfc + (reg & 3));
}

static void cf8_write(unsigned int bdf, unsigned int reg, int size,
		      uint32_t v)
{
	select_reg(bdf, reg);
	if (size == 4)
		outl(v, 0xcfc);
	else if (size == 2)
		outw(v, 0xcfc + (reg & 2));
	else
		outb(v, 0xcfc + (reg & 3));
}

static volatile void *map_phys(uint64_t pa, size_t len)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pa);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* Capability IDs in the list dom0 sees, as a string; *bad if MSI/MSI-X. */
static void caps(unsigned int bdf, char *out, size_t len, int *bad)
{
	unsigned int pos, n = 0;

	out[0] = 0;
	if (!(cf8_read(bdf, 0x06, 2) & 0x10))
		return;
	pos = cf8_read(bdf, 0x34, 1) & 0xfc;
	while (pos >= 0x40 && n++ < 48) {
		unsigned int id = cf8_read(bdf, pos, 1);

		snprintf(out + strlen(out), len - strlen(out), " %02x", id);
		*bad |= id == 0x05 || id == 0x11;
		pos = cf8_read(bdf, pos + 1, 1) & 0xfc;
	}
}

static unsigned int edu = ~0U, ahci = ~0U;

static void enumerate(void)
{
	int bad = 0;

	for (unsigned int bus = 0; bus < 256; bus++)
		for (unsigned int dev = 0; dev < 32; dev++)
			for (unsigned int fn = 0; fn < 8; fn++) {
				unsigned int bdf = bus << 8 | dev << 3 | fn;
				uint32_t id = cf8_read(bdf, 0, 4);
				char c[200];

				if ((id & 0xffff) == 0xffff) {
					if (!fn)
						break;
					continue;
				}
				caps(bdf, c, sizeof(c), &bad);
				printf("pci-conf: found %02x:%02x.%u %04x:%04x "
				       "class %06x caps%s\n", bus, dev, fn,
				       id & 0xffff, id >> 16,
				       cf8_read(bdf, 0x08, 4) >> 8, c);
				if (id == 0x11e81234)
					edu = bdf;
				if (cf8_read(bdf, 0x08, 4) >> 8 == 0x010601)
					ahci = bdf;
				if (!fn && !(cf8_read(bdf, 0x0e, 1) & 0x80))
					break;
			}
	check(!bad, "no function shows an MSI or MSI-X capability");
}

static void edu_checks(uint64_t ecam)
{
	uint32_t cmd = cf8_read(edu, 0x04, 2), bar, size, ident, live;
	volatile uint32_t *r;
	char what[160];

	/* Sizing with decoding off, as firmware and Linux do it. */
	cf8_write(edu, 0x04, 2, cmd & ~2U);
	bar = cf8_read(edu, 0x10, 4);
	cf8_write(edu, 0x10, 4, ~0U);
	size = ~(cf8_read(edu, 0x10, 4) & ~0xfU) + 1;
	cf8_write(edu, 0x10, 4, bar);
	snprintf(what, sizeof(what), "edu BAR0 sized through 0xcf8: %#x bytes "
		 "at %#x", size, bar & ~0xfU);
	check(size == 1 << 20 && cf8_read(edu, 0x10, 4) == bar, what);

	cf8_write(edu, 0x04, 2, cmd | 2);
	r = map_phys(bar & ~0xfU, 4096);
	if (!r) {
		check(0, "mmap of edu's BAR0 through /dev/mem");
		return;
	}
	ident = r[0];
	r[1] = 0x12345678;
	live = r[1];
	snprintf(what, sizeof(what), "decoding on: edu's registers through "
		 "its BAR (ident %#x, liveness %#x)", ident, live);
	check((ident & 0xff) == 0xed && live == 0xedcba987, what);

	/* A BAR write while decoding is ignored. */
	cf8_write(edu, 0x10, 4, (bar & ~0xfU) + 0x1000000);
	check(cf8_read(edu, 0x10, 4) == bar,
	      "a BAR write while decoding is on is ignored");

	cf8_write(edu, 0x04, 2, cmd & ~2U);
	snprintf(what, sizeof(what), "decoding off: nothing at the BAR "
		 "(reads %#x)", r[0]);
	check(r[0] == 0xffffffff, what);
	cf8_write(edu, 0x04, 2, cmd | 2);
	check(r[0] == ident, "decoding on again: the registers are back");

	if (ecam) {
		volatile uint32_t *e = map_phys(ecam + ((uint64_t)edu << 12),
						4096);
		volatile uint32_t *e0 = map_phys(ecam, 4096);
		int ok;

		if (!e || !e0) {
			check(0, "mmap of the ECAM window through /dev/mem");
			return;
		}
		ok = e[0] == 0x11e81234 && e[4] == bar &&
		     (e[0x34 / 4] & 0xff) == cf8_read(edu, 0x34, 1) &&
		     e0[0] == cf8_read(0, 0, 4);
		snprintf(what, sizeof(what), "ECAM at %#llx shows what 0xcf8 "
			 "shows (id %#x, BAR0 %#x)", (unsigned long long)ecam,
			 e[0], e[4]);
		check(ok, what);
		e[1] = (cmd & ~2U) & 0xffff;
		check(r[0] == 0xffffffff,
		      "decoding off through ECAM unmaps the BAR too");
		e[1] = (cmd | 2) & 0xffff;
		check(r[0] == ident, "and on through ECAM maps it again");
	}
	cf8_write(edu, 0x04, 2, cmd);
}

/*
 * Intel's ICH9 AHCI (QEMU's q35 has one): its BAR4 (I/O) holds an
 * index/data pair into the ABAR (BAR5, memory) at offsets 0x10/0x14; the
 * ABAR's offset 0x10 is the version register (AHCI 1.3.1, 3.1.5).
 */
static void ahci_checks(void)
{
	uint32_t cmd = cf8_read(ahci, 0x04, 2);
	uint32_t io = cf8_read(ahci, 0x20, 4), abar = cf8_read(ahci, 0x24, 4);
	volatile uint32_t *m;
	uint32_t vs;
	char what[160];

	if (!(io & 1) || !(cmd & 1) || !(cmd & 2)) {
		printf("pci-conf: AHCI without an I/O BAR decoding\n");
		return;
	}
	io &= ~3U;
	m = map_phys(abar & ~0xfU, 4096);
	if (!m) {
		check(0, "mmap of AHCI's ABAR through /dev/mem");
		return;
	}
	outl(0x10, io + 0x10);
	vs = inl(io + 0x14);
	snprintf(what, sizeof(what), "I/O ports: AHCI's index/data pair at "
		 "%#x reads version %#x, as its ABAR does (%#x)", io, vs, m[4]);
	check(vs == m[4] && vs && vs != 0xffffffff, what);
}

/* The hypervisor's console UART: its scratch register keeps no write. */
static void uart_check(unsigned int port)
{
	char what[120];
	uint8_t v;

	outb(0x5a, port + 7);
	v = inb(port + 7);
	snprintf(what, sizeof(what), "I/O ports: the hypervisor's UART at %#x "
		 "is not dom0's (scratch reads %#x)", port, v);
	check(v == 0xff, what);
}

/*
 * edu's DMA engine (QEMU docs/specs/edu.txt): source 0x80, destination
 * 0x88, count 0x90, command 0x98 (bit 0 start, bit 1 edu to RAM); its
 * buffer is at 0x40000 on the device side.  Polls for the end.
 */
#define EDU_BUF 0x40000

static int edu_dma(volatile uint32_t *r, uint64_t src, uint64_t dst,
		   uint32_t n, int to_ram)
{
	r[0x80 / 4] = src;
	r[0x84 / 4] = src >> 32;
	r[0x88 / 4] = dst;
	r[0x8c / 4] = dst >> 32;
	r[0x90 / 4] = n;
	r[0x94 / 4] = 0;
	r[0x98 / 4] = 1 | (to_ram ? 2 : 0);
	for (int i = 0; i < 100000; i++) {
		if (!(r[0x98 / 4] & 1))
			return 0;
		usleep(10);
	}
	return -1;
}

static void edu_dma_checks(uint64_t outside)
{
	uint32_t cmd = cf8_read(edu, 0x04, 2);
	volatile uint32_t *r = map_phys(cf8_read(edu, 0x10, 4) & ~0xfU, 4096);
	uint8_t *a = aligned_alloc(4096, 4096), *b = aligned_alloc(4096, 4096);
	uint64_t ga, gb;
	char what[200];

	if (!r || !a || !b || mlock(a, 4096) || mlock(b, 4096)) {
		check(0, "edu DMA: buffers and the BAR mapped");
		return;
	}
	for (int i = 0; i < 64; i++) {
		a[i] = 0xa0 + i;
		b[i] = 0;
	}
	ga = gpa_of(a);
	gb = gpa_of(b);
	cf8_write(edu, 0x04, 2, cmd | 6);	/* memory, bus master */
	if (!ga || !gb || edu_dma(r, ga, EDU_BUF, 64, 0) ||
	    edu_dma(r, EDU_BUF, gb, 64, 1)) {
		check(0, "edu DMA: both copies finish");
		cf8_write(edu, 0x04, 2, cmd);
		return;
	}
	snprintf(what, sizeof(what), "edu DMA through the IOMMU: dom0's page "
		 "%#llx to the device and back into %#llx", (unsigned long long)ga,
		 (unsigned long long)gb);
	check(!memcmp(a, b, 64), what);
	if (outside) {
		int rc = edu_dma(r, EDU_BUF, outside, 64, 1);

		printf("pci-conf: edu DMA to %#llx, outside dom0's memory, "
		       "issued (%s)\n", (unsigned long long)outside,
		       rc ? "the engine did not finish" : "the engine finished");
		/* dom0 and its device go on: the next copy still works. */
		memset(b, 0, 64);
		check(!edu_dma(r, EDU_BUF, gb, 64, 1) && !memcmp(a, b, 64),
		      "edu DMA after the blocked write still lands in dom0's page");
	}
	cf8_write(edu, 0x04, 2, cmd);
}

int main(int argc, char **argv)
{
	uint64_t ecam = 0, outside = 0;
	unsigned int uart = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ecam"))
			ecam = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--uart"))
			uart = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--dma-outside"))
			outside = strtoull(argv[i + 1], NULL, 0);
	}
	if (iopl(3)) {
		printf("pci-conf: FAIL: iopl: %s\n", strerror(errno));
		return 1;
	}
	enumerate();
	if (edu != ~0U) {
		edu_checks(ecam);
		edu_dma_checks(outside);
	}
	else
		printf("pci-conf: no edu device\n");
	if (ahci != ~0U)
		ahci_checks();
	if (uart)
		uart_check(uart);
	printf("pci-conf: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
