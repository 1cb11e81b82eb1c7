/*
 * xen-devices-test: exercises the Xen userspace driver interfaces of a Linux
 * 6.1 initial domain (/dev/xen/privcmd, evtchn, gntalloc, gntdev) against
 * the hypervisor underneath.  Run inside dom0 after the xen-privcmd,
 * xen-evtchn, xen-gntdev and xen-gntalloc modules are loaded.
 *
 *   xen-devices-test [--domid D]     run the checks; D is this domain's id
 *                                    (default 0: the initial domain)
 *   xen-devices-test --bench N       time N privcmd xen_version hypercalls
 *   xen-devices-test --sleep-check S run "sleep S" and measure it in
 *                                    hypervisor time (HVMOP_get_time)
 *   xen-devices-test --tsc           print this vCPU's TSC ("tsc: N"); under
 *                                    QEMU -icount shift=0 that counts
 *                                    instructions since the emulator started
 *
 * Prints one line per check, "xen-devices: PASS: ..." or "xen-devices:
 * FAIL: ...", then "Test result: SUCCESS|FAILURE" (or SKIP when this is not
 * a Xen domain at all).  The bench mode prints
 * "bench: privcmd-hypercall <ns> ns/op".
 *
 * Built static against glibc with the Linux/Xen ABI headers of Debian's
 * libxen-dev (/usr/include/xen/sys/); see build-test-programs.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* xen/xen.h first: the xen/sys/ headers use its domid_t and xen_pfn_t. */
#include <xen/version.h>
#include <xen/xen.h>

#include <xen/hvm/hvm_op.h>
#include <sys/wait.h>

#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#define TAG  "xen-devices: "
#define PAGE 4096

static int failures, passes;
static unsigned int self_domid;

static void pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void vreport(const char *what, const char *fmt, va_list ap)
{
	printf(TAG "%s: ", what);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

static void pass(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("PASS", fmt, ap);
	va_end(ap);
	passes++;
}

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("FAIL", fmt, ap);
	va_end(ap);
	failures++;
}

static int open_dev(const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/xen/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	return fd;
}

static long privcmd_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1)
{
	privcmd_hypercall_t call = {.op = op, .arg = {a0, a1, 0, 0, 0}};
	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

/* (a) privcmd: xen_version(XENVER_version) and XENVER_extraversion, the
 * second with a user-space buffer the hypervisor writes into. */
static void test_privcmd(void)
{
	int fd = open_dev("privcmd");
	long v;

	if (fd < 0)
		return;
	v = privcmd_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0);
	if (v < 0)
		fail("privcmd xen_version(XENVER_version): %s",
		     strerror(errno));
	else if ((v >> 16) < 3)
		fail("privcmd xen_version(XENVER_version) = %#lx: implausible",
		     v);
	else
		pass("privcmd xen_version(XENVER_version) = %ld.%ld", v >> 16,
		     v & 0xffff);

	/* Touched and locked so the hypervisor's copy to it cannot fault. */
	static xen_extraversion_t extra;
	memset(extra, 0xff, sizeof(extra));
	mlock(extra, sizeof(extra));
	v = privcmd_hypercall(fd, __HYPERVISOR_xen_version, XENVER_extraversion,
			      (uintptr_t)extra);
	if (v < 0)
		fail("privcmd xen_version(XENVER_extraversion): %s",
		     strerror(errno));
	else if (memchr(extra, 0, sizeof(extra)) == NULL)
		fail("privcmd xen_version(XENVER_extraversion): buffer not "
		     "NUL-terminated");
	else
		pass("privcmd xen_version(XENVER_extraversion) = \"%s\"",
		     extra);
	close(fd);
}

/* Wait for one event on fd: its port, -2 on timeout, -1 on error. */
static int evtchn_wait(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	unsigned int port;
	int r = poll(&p, 1, timeout_ms);

	if (r <= 0)
		return r == 0 ? -2 : -1;
	if (read(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	/* Unmask it again, as libxenevtchn's xenevtchn_unmask() does. */
	if (write(fd, &port, sizeof(port)) != sizeof(port))
		return -1;
	return (int)port;
}

/* (b) evtchn: an unbound port for ourselves, bound from a second fd, with
 * notifications both ways. */
static void test_evtchn(void)
{
	int a = open_dev("evtchn"), b = -1;
	int pa = -1, pb = -1, got;

	if (a < 0)
		return;
	b = open_dev("evtchn");
	if (b < 0)
		goto out;

	struct ioctl_evtchn_bind_unbound_port ub = {.remote_domain =
							    self_domid};
	pa = ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
	if (pa < 0) {
		fail("evtchn BIND_UNBOUND_PORT(remote %u): %s", self_domid,
		     strerror(errno));
		goto out;
	}
	pass("evtchn BIND_UNBOUND_PORT(remote %u) = port %d", self_domid, pa);

	struct ioctl_evtchn_bind_interdomain bi = {
		.remote_domain = self_domid, .remote_port = (unsigned int)pa};
	pb = ioctl(b, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bi);
	if (pb < 0) {
		fail("evtchn BIND_INTERDOMAIN(%u, %d): %s", self_domid, pa,
		     strerror(errno));
		goto out;
	}
	pass("evtchn BIND_INTERDOMAIN(%u, %d) = port %d", self_domid, pa, pb);

	struct ioctl_evtchn_notify n = {.port = (unsigned int)pb};
	if (ioctl(b, IOCTL_EVTCHN_NOTIFY, &n) < 0)
		fail("evtchn NOTIFY(%d): %s", pb, strerror(errno));
	else if ((got = evtchn_wait(a, 2000)) == pa)
		pass("evtchn notify %d -> event on port %d", pb, pa);
	else
		fail("evtchn notify %d -> %s", pb,
		     got == -2 ? "no event within 2 s" : "bad read");

	n.port = (unsigned int)pa;
	if (ioctl(a, IOCTL_EVTCHN_NOTIFY, &n) < 0)
		fail("evtchn NOTIFY(%d): %s", pa, strerror(errno));
	else if ((got = evtchn_wait(b, 2000)) == pb)
		pass("evtchn notify %d -> event on port %d", pa, pb);
	else
		fail("evtchn notify %d -> %s", pa,
		     got == -2 ? "no event within 2 s" : "bad read");

	struct ioctl_evtchn_unbind u = {.port = (unsigned int)pb};
	if (ioctl(b, IOCTL_EVTCHN_UNBIND, &u) < 0)
		fail("evtchn UNBIND(%d): %s", pb, strerror(errno));
	else
		pass("evtchn UNBIND(%d)", pb);
out:
	if (b >= 0)
		close(b);
	close(a);
}

/* (c) gntalloc grants a page to ourselves, gntdev maps that grant: both
 * mappings must show the same memory. */
static void test_grants(void)
{
	int ga = open_dev("gntalloc"), gd = -1;
	uint8_t *src = MAP_FAILED, *dst = MAP_FAILED;
	struct ioctl_gntalloc_alloc_gref al = {
		.domid = (uint16_t)self_domid,
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1,
	};
	struct ioctl_gntdev_map_grant_ref mg = {.count = 1};
	int mapped = 0, i, bad;

	if (ga < 0)
		return;
	gd = open_dev("gntdev");
	if (gd < 0)
		goto out;

	if (ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &al) < 0) {
		fail("gntalloc ALLOC_GREF(domid %u, writable): %s", self_domid,
		     strerror(errno));
		goto out;
	}
	pass("gntalloc ALLOC_GREF(domid %u, writable) = gref %u", self_domid,
	     al.gref_ids[0]);
	src = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ga,
		   (off_t)al.index);
	if (src == MAP_FAILED) {
		fail("gntalloc mmap: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < PAGE; i++)
		src[i] = (uint8_t)(i * 7 + 0x5a);

	mg.refs[0].domid = self_domid;
	mg.refs[0].ref = al.gref_ids[0];
	if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mg) < 0) {
		fail("gntdev MAP_GRANT_REF(domid %u, gref %u): %s", self_domid,
		     al.gref_ids[0], strerror(errno));
		goto out;
	}
	mapped = 1;
	/* The grant map hypercall happens at mmap time. */
	dst = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gd,
		   (off_t)mg.index);
	if (dst == MAP_FAILED) {
		fail("gntdev mmap of gref %u: %s", al.gref_ids[0],
		     strerror(errno));
		goto out;
	}
	for (i = 0, bad = 0; i < PAGE; i++)
		bad += dst[i] != (uint8_t)(i * 7 + 0x5a);
	if (bad)
		fail("gntdev mapping of gref %u: %d of %d bytes differ",
		     al.gref_ids[0], bad, PAGE);
	else
		pass("gntdev maps gref %u: gntalloc's pattern reads back",
		     al.gref_ids[0]);

	memset(dst + 100, 0xa5, 64);
	for (i = 100, bad = 0; i < 164; i++)
		bad += src[i] != 0xa5;
	if (bad)
		fail("write through gntdev mapping not seen via gntalloc");
	else
		pass("write through gntdev mapping seen via gntalloc");
out:
	if (dst != MAP_FAILED)
		munmap(dst, PAGE);
	if (mapped) {
		struct ioctl_gntdev_unmap_grant_ref um = {.index = mg.index,
							  .count = 1};
		if (ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um) < 0)
			fail("gntdev UNMAP_GRANT_REF: %s", strerror(errno));
	}
	if (src != MAP_FAILED) {
		munmap(src, PAGE);
		struct ioctl_gntalloc_dealloc_gref dg = {.index = al.index,
							 .count = 1};
		if (ioctl(ga, IOCTL_GNTALLOC_DEALLOC_GREF, &dg) < 0)
			fail("gntalloc DEALLOC_GREF: %s", strerror(errno));
	}
	if (gd >= 0)
		close(gd);
	close(ga);
}

static int bench(long n)
{
	struct timespec t0, t1;
	long i, v = 0;
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "bench: /dev/xen/privcmd: %s\n",
			strerror(errno));
		return 1;
	}
	/* Warm up (first-touch faults, caches). */
	for (i = 0; i < 16 && v >= 0; i++)
		v = privcmd_hypercall(fd, __HYPERVISOR_xen_version,
				      XENVER_version, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n && v >= 0; i++)
		v = privcmd_hypercall(fd, __HYPERVISOR_xen_version,
				      XENVER_version, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	if (v < 0) {
		fprintf(stderr, "bench: hypercall failed: %s\n",
			strerror(errno));
		return 1;
	}
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
		    (double)(t1.tv_nsec - t0.tv_nsec);
	printf("bench: privcmd-hypercall %.0f ns/op\n", ns / (double)n);
	return 0;
}

/* Hypervisor system time in ns (HVMOP_get_time through privcmd), or -1. */
static long long hv_now(int fd)
{
	struct xen_hvm_get_time t = { 0 };

	if (privcmd_hypercall(fd, __HYPERVISOR_hvm_op, HVMOP_get_time,
			      (uintptr_t)&t) < 0)
		return -1;
	return (long long)t.now;
}

/*
 * "sleep S" measured in the hypervisor's own time: Linux's timers in
 * dom0 run on the Xen clockevent (VCPUOP_set_singleshot_timer), so this
 * checks the whole timer path end to end.  Prints
 * "sleep-check: sleep S took <ms> ms of hypervisor time".
 */
static int sleep_check(const char *secs)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC), st;
	long long t0, t1;
	pid_t pid;

	if (fd < 0 || (t0 = hv_now(fd)) < 0) {
		fprintf(stderr, "sleep-check: HVMOP_get_time: %s\n",
			strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execlp("sleep", "sleep", secs, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st)) {
		fprintf(stderr, "sleep-check: running sleep %s failed\n", secs);
		return 1;
	}
	t1 = hv_now(fd);
	close(fd);
	if (t1 < t0) {
		fprintf(stderr, "sleep-check: HVMOP_get_time failed\n");
		return 1;
	}
	printf("sleep-check: sleep %s took %lld ms of hypervisor time\n",
	       secs, (t1 - t0) / 1000000);
	return 0;
}

static int print_tsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	printf("tsc: %llu\n", ((unsigned long long)hi << 32) | lo);
	return 0;
}

static int is_xen_domain(void)
{
	char buf[16] = "";
	FILE *f = fopen("/sys/hypervisor/type", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return strncmp(buf, "xen", 3) == 0 || access("/dev/xen", F_OK) == 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--bench") && i + 1 < argc) {
			long n = strtol(argv[i + 1], NULL, 0);
			return bench(n > 0 ? n : 1000);
		} else if (!strcmp(argv[i], "--tsc")) {
			return print_tsc();
		} else if (!strcmp(argv[i], "--sleep-check") && i + 1 < argc) {
			return sleep_check(argv[i + 1]);
		} else if (!strcmp(argv[i], "--domid") && i + 1 < argc) {
			self_domid = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [--domid D] | --bench N | "
				"--sleep-check S\n",
				argv[0]);
			return 2;
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!is_xen_domain()) {
		printf(TAG "SKIP: not a Xen domain (no /sys/hypervisor/type "
			   "\"xen\", no /dev/xen)\n");
		printf("Test result: SKIP\n");
		return 0;
	}
	test_privcmd();
	test_evtchn();
	test_grants();
	printf(TAG "%d checks passed, %d failed\n", passes, failures);
	printf("Test result: %s\n",
	       failures || !passes ? "FAILURE" : "SUCCESS");
	return failures ? 1 : 0;
}
