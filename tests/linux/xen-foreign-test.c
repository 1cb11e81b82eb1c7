/*
 * xen-foreign-test: foreign memory and object lifetimes from the user
 * space of a Linux 6.1 initial domain, the way Xen's toolstack reaches
 * them (libxenforeignmemory, libxengnttab):
 *
 *   xen-foreign-test DOMID
 *
 * DOMID runs tests/guests/peer (gfn 0x200 = "amphi peer page", grant ref 8
 * for dom0 = gfn 0x201 "amphi peer grant", its grant frame 0 at gfn 0x300).
 * The test
 *   1. maps gfn 0x200 (and an unpopulated gfn) with privcmd's
 *      IOCTL_PRIVCMD_MMAPBATCH_V2: per-page errors, the pattern, a write
 *      the peer reports on its console;
 *   2. sizes and maps the peer's grant table with
 *      IOCTL_PRIVCMD_MMAP_RESOURCE and reads entry 8 there;
 *   3. maps grant ref 8 with gntdev;
 *   4. shuts the peer down (SCHEDOP_remote_shutdown through privcmd) and
 *      waits until the hypervisor no longer knows it;
 *   5. reads all three mappings again: the dead domain's frames stay valid
 *      while mapped;
 *   6. unmaps them.  Only now may the hypervisor return those frames to
 *      its allocator; it logs "d<DOMID>: its last frame returned", which
 *      the host side checks comes after this program's last line.
 * Output: "xen-foreign: PASS|FAIL: ..." lines, then "Test result: ...".
 */
#define _GNU_SOURCE
/* Xen 4.17's interface: older ones name hypercall 29 sched_op_new and
 * give __HYPERVISOR_sched_op the pre-3.2 number. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/grant_table.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

#define TAG "xen-foreign: "
#define PAGE 4096
#define PEER_PAGE_GFN 0x200
#define PEER_GRANT_REF 8
#define PEER_GRANT_GFN 0x201
#define UNPOPULATED_GFN 0x7ffff

static int failures, passes;

static void report(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(TAG "%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passes++;
	else
		failures++;
}

static long hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1)
{
	privcmd_hypercall_t call = { .op = op, .arg = { a0, a1, 0, 0, 0 } };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

/* The hypervisor's view of @dom: its pages, or -errno once it is gone. */
static long domain_pages(int fd, domid_t dom)
{
	static domid_t d;
	long rc;

	d = dom;
	rc = hypercall(fd, __HYPERVISOR_memory_op, XENMEM_current_reservation,
		       (uintptr_t)&d);
	return rc < 0 ? -errno : rc;
}

/* 1. Two foreign pages: the peer's page and a gfn it has no RAM at. */
static char *map_batch(int fd, domid_t dom)
{
	xen_pfn_t gfns[2] = { PEER_PAGE_GFN, UNPOPULATED_GFN };
	int errs[2] = { 99, 99 };
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	int rc;
	privcmd_mmapbatch_v2_t b = { .num = 2, .dom = dom,
				     .addr = (uintptr_t)p, .arr = gfns,
				     .err = errs };

	if (p == MAP_FAILED) {
		report(0, "mmap of privcmd: %s", strerror(errno));
		return NULL;
	}
	rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b);
	report(!rc, "MMAPBATCH_V2 of d%u gfns %#x, %#x: %s", dom,
	       PEER_PAGE_GFN, UNPOPULATED_GFN, rc ? strerror(errno) : "ok");
	report(errs[0] == 0 && errs[1] == -EINVAL,
	       "per-page errors %d, %d (want 0, -EINVAL)", errs[0], errs[1]);
	if (errs[0]) {
		munmap(p, 2 * PAGE);	/* nothing there to read */
		return NULL;
	}
	report(!strcmp(p, "amphi peer page"), "the peer's page reads \"%.16s\"",
	       p);
	strcpy(p + 65, "dom0 was here");
	__atomic_store_n(p + 64, 1, __ATOMIC_RELEASE);
	return p;
}

/* The peer clears the flag once it has printed what we wrote. */
static void wait_peer_saw(const char *p)
{
	struct timespec t = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500 && __atomic_load_n(p + 64, __ATOMIC_ACQUIRE); i++)
		nanosleep(&t, NULL);
	report(!p[64], "the peer saw our write (after %d ms)", i * 10);
}

/* 2. The peer's grant table through MMAP_RESOURCE: entry 8. */
static char *map_grant_table(int fd, domid_t dom)
{
	privcmd_mmap_resource_t r = { .dom = dom,
		.type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared };
	grant_entry_v1_t *gt;
	char *p;
	int rc;

	rc = ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
	report(!rc && r.num == 64, "MMAP_RESOURCE size query: %llu frames "
	       "(want 64)%s", (unsigned long long)r.num,
	       rc ? strerror(errno) : "");
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		report(0, "mmap of privcmd: %s", strerror(errno));
		return NULL;
	}
	r.num = 1;
	r.addr = (uintptr_t)p;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r)) {
		report(0, "MMAP_RESOURCE of d%u grant frame 0: %s", dom,
		       strerror(errno));
		return p;
	}
	gt = (grant_entry_v1_t *)p;
	report(gt[PEER_GRANT_REF].frame == PEER_GRANT_GFN &&
	       gt[PEER_GRANT_REF].domid == 0 &&
	       (gt[PEER_GRANT_REF].flags & GTF_type_mask) == GTF_permit_access,
	       "d%u's grant entry %u through MMAP_RESOURCE: frame %#x, domid "
	       "%u, flags %#x", dom, PEER_GRANT_REF, gt[PEER_GRANT_REF].frame,
	       gt[PEER_GRANT_REF].domid, gt[PEER_GRANT_REF].flags);
	return p;
}

/* 3. The grant, through gntdev. */
static char *map_grant(int gd, domid_t dom, uint64_t *index)
{
	struct ioctl_gntdev_map_grant_ref mg = { .count = 1 };
	char *p;

	mg.refs[0].domid = dom;
	mg.refs[0].ref = PEER_GRANT_REF;
	if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mg)) {
		report(0, "gntdev MAP_GRANT_REF(d%u, %u): %s", dom,
		       PEER_GRANT_REF, strerror(errno));
		return NULL;
	}
	*index = mg.index;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gd, mg.index);
	if (p == MAP_FAILED) {
		report(0, "gntdev mmap: %s", strerror(errno));
		return NULL;
	}
	report(!strcmp(p, "amphi peer grant"),
	       "gntdev maps d%u's grant %u: \"%.17s\"", dom, PEER_GRANT_REF, p);
	return p;
}

/* 4. SCHEDOP_remote_shutdown, then wait until the domain is gone. */
static void kill_peer(int fd, domid_t dom)
{
	struct sched_remote_shutdown rs = { .domain_id = dom,
					    .reason = SHUTDOWN_poweroff };
	struct timespec t = { 0, 20 * 1000 * 1000 };
	long pages = 0, rc;
	int i;

	rc = hypercall(fd, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown,
		       (uintptr_t)&rs);
	report(!rc, "remote_shutdown of d%u: %ld (%s)", dom, rc,
	       rc ? strerror(errno) : "ok");
	for (i = 0; i < 500 && (pages = domain_pages(fd, dom)) != -ESRCH; i++)
		nanosleep(&t, NULL);
	report(pages == -ESRCH, "d%u is gone from the hypervisor after %d ms",
	       dom, i * 20);
	/* Its teardown, which must find our mappings, is now due at once
	 * on the hypervisor's CPU 0; no hypercall says when it has run, so
	 * leave that CPU 100 ms before reading and unmapping. */
	t.tv_nsec = 100 * 1000 * 1000;
	nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
	char *batch, *table, *grant = NULL;
	domid_t dom;
	uint64_t index = 0;
	int fd, gd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DOMID\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	dom = (domid_t)strtoul(argv[1], NULL, 0);
	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	gd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
	if (fd < 0 || gd < 0) {
		report(0, "open /dev/xen/privcmd, gntdev: %s", strerror(errno));
		printf("Test result: FAILURE\n");
		return 1;
	}
	report(domain_pages(fd, dom) > 0, "d%u exists: %ld pages", dom,
	       domain_pages(fd, dom));
	batch = map_batch(fd, dom);
	table = map_grant_table(fd, dom);
	grant = map_grant(gd, dom, &index);
	if (batch)
		wait_peer_saw(batch);
	kill_peer(fd, dom);

	/* 5. The dead domain's frames, still ours while mapped. */
	report(batch && !strcmp(batch, "amphi peer page"),
	       "after its death: the foreign page still reads back");
	report(table && ((grant_entry_v1_t *)table)[PEER_GRANT_REF].frame ==
	       PEER_GRANT_GFN, "after its death: its grant frame still reads back");
	report(grant && !strcmp(grant, "amphi peer grant"),
	       "after its death: the granted page still reads back");
	if (batch)
		strcpy(batch + 100, "written after the owner died");

	/* 6. Unmap: the frames may go now. */
	report(!batch || !munmap(batch, 2 * PAGE), "munmap the foreign pages");
	report(!table || !munmap(table, PAGE), "munmap the grant-table frame");
	if (grant) {
		struct ioctl_gntdev_unmap_grant_ref um = { .index = index,
							   .count = 1 };

		int rc = munmap(grant, PAGE);

		if (!rc)
			rc = ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um);
		report(!rc, "unmap the grant: %s", rc ? strerror(errno) : "ok");
	}
	close(gd);
	close(fd);
	printf(TAG "unmapped everything of d%u\n", dom);
	printf(TAG "%d checks passed, %d failed\n", passes, failures);
	printf("Test result: %s\n", failures || !passes ? "FAILURE" : "SUCCESS");
	return failures ? 1 : 0;
}
