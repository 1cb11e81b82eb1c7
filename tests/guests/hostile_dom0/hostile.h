/*
 * hostile_dom0: the initial domain throws bad values at every hypercall
 * Amphi implements and checks that each gets the error Xen 4.17 returns
 * (the sources named in each file's comments), while Amphi stays up.
 *
 * One check deliberately expects Amphi's answer and says what Xen does:
 * SCHEDOP_shutdown with a bad reason (Xen reboots the host when dom0
 * asks).  Non-canonical pointers are chosen so that Xen 4.17's
 * page walker, which ignores bits 63:48, finds nothing there either.
 *
 * Shared between the files of the case: the probe addresses, the check
 * helper and the state that several sections use (where shared_info is
 * mapped, a registered vcpu_info, the number of vCPUs).
 */
#ifndef HOSTILE_H
#define HOSTILE_H

/*
 * The Xen 4.17 interface, as xen/Makefile builds the hypervisor: below
 * 0x00030202 the public headers name the pre-3.2 hypercalls sched_op_compat
 * (6), event_channel_op_compat (16) and physdev_op_compat (19) instead.
 */
#if !defined(__XEN_INTERFACE_VERSION__) && !defined(__XEN_TOOLS__)
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif
#include "lib.h"
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* Errno values as Xen returns them on x86 (negated); lib.h has EPERM
 * and ENOSYS. */
#define ENOENT 2
#define ESRCH 3
#define ENXIO 6
#define E2BIG 7
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define EDOM 33
#define ERANGE 34
#define ENODATA 61
#define ETIME 62
#define EILSEQ 84
#define EOPNOTSUPP 95
#define ENOBUFS 105

/*
 * Probe addresses (linear = guest-physical below 1 GiB, lib/head.S):
 *  - VA_UNMAPPED: beyond the identity map (PDPT entry 1 is not present);
 *  - VA_NORAM: in the identity map, but no RAM behind it (checked at
 *    run time against the memory map);
 *  - VA_NONCANON: non-canonical; its low 48 bits are VA_UNMAPPED, so even
 *    a walker that ignores bits 63:48 (Xen 4.17 does) finds nothing;
 *  - the window: four 4 KiB pages at WIN made by window_init(): page 0
 *    RAM, page 1 not present, page 2 present but not RAM, page 3 RAM.
 *    win_cross(n) is the last n bytes of page 0: a buffer starting there
 *    runs into the hole.
 */
#define VA_UNMAPPED 0x40000000UL
#define VA_NORAM 0x38000000UL
#define VA_NONCANON 0x8000000040000000UL
#define WIN 0x20000000UL
#define WIN_HOLE (WIN + 0x1000)
#define WIN_NORAM (WIN + 0x2000)
#define WIN_RAM3 (WIN + 0x3000)
static inline unsigned long win_cross(unsigned long n)
{
	return WIN_HOLE - n;
}

/* Gfns for shared_info: beyond RAM, inside the identity map. */
#define SHINFO_GFN1 0x30000UL
#define SHINFO_GFN2 0x30001UL
#define GFN_NEVER_MAPPED 0x31000UL

extern bool have_noram;			/* VA_NORAM really has no RAM */
extern unsigned int nr_vcpus;		/* vCPUs of this domain (1 or more) */
extern struct shared_info *shinfo;	/* where we mapped it, or NULL */
extern struct vcpu_info *my_vcpu_info;	/* vCPU 0's current vcpu_info */
extern u64 scratch_gfn;			/* 16 RAM pages nobody uses */

/*
 * expect(got, want, fmt, ...): one check, printed as
 *	"<what> = <got>, want <want>"
 * with errno values by name.  Returns whether it held.
 */
const char *err_str(long v);
#define expect(got, want, fmt, ...) ({					\
	long __g = (long)(got), __w = (long)(want);			\
	report(__g == __w, fmt " = %s, want %s", ##__VA_ARGS__,		\
	       err_str(__g), err_str(__w));				\
})
/* A GNTST_* status, printed as a number. */
#define expect_st(got, want, fmt, ...) ({				\
	long __g = (long)(got), __w = (long)(want);			\
	report(__g == __w, fmt " = GNTST %ld, want %ld", ##__VA_ARGS__,	\
	       __g, __w);						\
})
/* Either of two answers (where Xen's depends on the vendor or on a
 * documented option). */
#define expect2(got, w1, w2, fmt, ...) ({				\
	long __g = (long)(got), __a = (long)(w1), __b = (long)(w2);	\
	report(__g == __a || __g == __b, fmt " = %s, want %s or %s",	\
	       ##__VA_ARGS__, err_str(__g), err_str(__a), err_str(__b));	\
})

/* The hypercalls, 64-bit convention (lib/hypercall.c). */
static inline long hc(unsigned long nr, unsigned long a1, unsigned long a2,
		      unsigned long a3)
{
	return hypercall(nr, a1, a2, a3, 0, 0);
}

static inline long memory_op(unsigned long cmd, const void *arg)
{
	return hc(__HYPERVISOR_memory_op, cmd, (unsigned long)arg, 0);
}

static inline long vcpu_op(unsigned long cmd, unsigned long vcpu, const void *arg)
{
	return hc(__HYPERVISOR_vcpu_op, cmd, vcpu, (unsigned long)arg);
}

static inline long evtchn_op(unsigned long cmd, const void *arg)
{
	return hc(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0);
}

static inline long hvm_op(unsigned long cmd, const void *arg)
{
	return hc(__HYPERVISOR_hvm_op, cmd, (unsigned long)arg, 0);
}

static inline long sched_op(unsigned long cmd, const void *arg)
{
	return hc(__HYPERVISOR_sched_op, cmd, (unsigned long)arg, 0);
}

/* Not lib's hyp_yield(): the library may be built for an older interface. */
static inline long yield(void)
{
	return sched_op(SCHEDOP_yield, NULL);
}

/* Pointers built from integers (probe addresses). */
#define P(x) ((void *)(unsigned long)(x))

/* Event channels used by several sections. */
long evtchn_bind_ipi(unsigned int vcpu, evtchn_port_t *port);
long evtchn_close(evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
bool port_pending(evtchn_port_t port);
void port_clear(evtchn_port_t port);

/* The sections, in the order main() runs them. */
void window_init(void);
void check_memory_op(void);
void check_vcpu_op(void);
void check_hvm_op(void);
void check_evtchn_op(void);
void check_sched_op(void);
void check_small_ops(void);	/* xen_version, platform, physdev, ... */
void check_grant_table_op(void);
void check_platform_context(void);	/* the peer's HVM save image */
void check_foreign_memory(void);	/* and continuations */
void check_compat(void);
void check_toolstack(void);	/* domctl, sysctl */
void check_hvmcontext(domid_t d);	/* from check_toolstack() */
void check_user_mode(void);
void check_still_alive(void);

#endif
