/*
 * Domains and vCPUs.
 *
 * Locking: d->lock protects the domain's vCPU array and lifecycle flags;
 * the scheduler lock of v->processor (sched-if.h) protects v's scheduling
 * fields (pause_flags, is_running, runstate, processor, sched_priv).
 * Lifetime: a domain lives from domain_create() until domain_destroy()
 * has returned all of its memory to the allocator; its vCPUs die with it.
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/bootinfo.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/types.h>
/* DOMID_*, SHUTDOWN_* and SCHEDOP_* come from the ABI itself. */
#include <public/xen.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/hvm/params.h>

#define MAX_VIRT_CPUS 16
#define DOMAIN_MAX_E820 64

/* pause_flags bits: any set bit keeps the vCPU off the CPUs. */
#define VPF_blocked 0		/* HLT, SCHEDOP_block/poll */
#define VPF_down 1		/* not brought up (or taken down) */
#define VPF_dying 2		/* its domain is being destroyed/crashed */
#define VPF_blocked_ioreq 3	/* waits for a device model's I/O answer */
#define VPF_paused 4		/* its domain is paused by the controller */
#define VPF_shutdown 5		/* its domain has shut down (kept for the
				 * toolstack until XEN_DOMCTL_destroydomain) */

/*
 * v->work: what the entry path (hvm/resume.c) must do before the vCPU
 * next enters the guest.  Whoever makes the work sets the bit (any pCPU,
 * vcpu_work_set()) and, if the work is for a vCPU that may be in guest
 * mode elsewhere, kicks it; the entry path clears a bit before doing its
 * work, so a bit set meanwhile is never lost.  An exit with no bit set
 * goes straight back to the guest.
 */
#define VCPU_WORK_BOOT_STATE (1UL << 0)	/* INIT/SIPI or VCPUOP_initialise */
#define VCPU_WORK_TIME (1UL << 1)	/* rewrite the pvclock now */
#define VCPU_WORK_RUNSTATE (1UL << 2)	/* runstate changed: guest's area */
#define VCPU_WORK_POLL (1UL << 3)	/* back from SCHEDOP_poll */
#define VCPU_WORK_NMI (1UL << 4)	/* an NMI may be pending */
#define VCPU_WORK_IRQ (1UL << 5)	/* an interrupt or upcall may be */
#define VCPU_WORK_IO (1UL << 6)		/* a device-model I/O completed */
#define VCPU_WORK_ALL ((1UL << 7) - 1)

struct domain;
struct hvm_vcpu;
struct hvm_boot_state;
struct x86_policy;
struct ioreq_domain;
struct virq;

struct vcpu {
	unsigned int vcpu_id;
	struct domain *domain;
	struct vcpu *next_in_list;	/* the domain's vCPUs, by id */

	/* Scheduling (scheduler lock of processor). */
	unsigned int processor;		/* pCPU it is queued on / runs on */
	u64 hard_affinity;		/* bitmask of allowed pCPUs */
	unsigned long pause_flags;	/* VPF_* */
	bool is_running;		/* on a pCPU right now */
	int runstate;			/* RUNSTATE_* */
	s_time_t runstate_entry;	/* NOW() when runstate last changed */
	s_time_t runstate_time[4];	/* ns spent in each state */
	void *sched_priv;		/* the policy's per-vCPU data */

	/* Wakes a HLTed or polling vCPU at a deadline (set_timer_op). */
	struct timer wake_timer;
	s_time_t singleshot_deadline;	/* 0: none */
	/* A wake-up arrived (timer, later events) that a HLT or
	 * SCHEDOP_block must not sleep through. */
	bool wake_pending;

	/* Where the guest reads this vCPU's event flags and pvclock: its
	 * slot in shared_info, or the area it registered (VCPUOP_register_
	 * vcpu_info).  NULL until the domain maps shared_info. */
	struct vcpu_info *vcpu_info;
	bool vcpu_info_registered;
	mfn_t vcpu_info_mfn;		/* registered area's frame (referenced) */
	/* VCPUOP_register_runstate_memory_area: guest linear address of a
	 * struct vcpu_runstate_info updated at every context switch; 0 none. */
	u64 runstate_guest;
	/* VCPUOP_set_periodic_timer: period in ns, 0 = stopped. */
	struct timer periodic_timer;
	s_time_t periodic_period;
	s_time_t runstate_written;	/* runstate_entry last written there */
	/* VCPUOP_register_vcpu_time_memory_area: guest linear address of a
	 * vcpu_time_info copy (written with the pvclock); 0 none. */
	u64 time_area_guest;
	/* pvclock: host TSC after which it is rewritten anyway (shared_info.c);
	 * VCPU_WORK_TIME rewrites it sooner. */
	u64 time_refresh_tsc;
	/* SCHEDOP_poll: blocked until a port is pending or poll_timer. */
	bool polling;
	struct timer poll_timer;

	/* VCPU_WORK_*: pending work for the entry path (atomic bit ops). */
	unsigned long work;

	/* Has (had) a state to run from: built, VCPUOP_initialise, SIPI. */
	bool is_initialised;

	/* Architecture state (registers, VMCB/VMCS, vLAPIC): allocated by
	 * arch_vcpu_create() and opaque here; common code reaches it only
	 * through xen/arch_vcpu.h. */
	struct hvm_vcpu *hvm;
};

struct domain {
	u16 domain_id;
	u64 uid;			/* unique for the hypervisor's lifetime */
	char name[32];
	struct domain *next_in_list;	/* domlist_lock: listed domains */
	spinlock_t lock;
	/* References (xen/refcount.h): the domain list holds one until the
	 * domain is killed and relinquished; every lookup by id takes one
	 * (domain_by_id(), put_domain()).  The last put hands the domain to
	 * the reaper, which frees its memory and structures. */
	u32 refcnt;
	/* Frames it owns (xen/frame.h), mapped or not; a torn-down domain
	 * waits, as a zombie, for the last of them to be freed. */
	unsigned long nr_frames;
	struct domain *next_dead;	/* the reaper's queues */
	bool torn_down;			/* memory and structures released */

	bool is_privileged;		/* the initial domain (dom0) */
	/* PCI functions whose DMA goes through its p2m, and the IOMMU's
	 * domain id for them (xen/iommu.h; under the IOMMU's lock). */
	unsigned int iommu_devices;
	u16 iommu_did;
	/* The domain may run as built, and its CPU policy is fixed (Xen's
	 * flag of the same name): set under lock by the toolstack's first
	 * unpause, or by vcpu_start() for a domain built at boot. */
	bool creation_finished;
	bool is_dying;
	bool is_shutdown;
	int shutdown_code;		/* SHUTDOWN_* (public/sched.h) */
	/* Created by XEN_DOMCTL_createdomain: as in Xen, a shut-down domain
	 * stays (paused, reported by getdomaininfo) until the toolstack
	 * destroys it.  Domains built at boot go as soon as they shut down. */
	bool kept_after_shutdown;
	bool relinquish_claimed;	/* stage 2 of death started */
	bool relinquished;		/* stage 2 of death done (unlisted) */
	/* XEN_DOMCTL_pausedomain/unpausedomain depth (d->lock).  A domain
	 * created by the toolstack starts at 1, as in Xen. */
	unsigned int controller_pause_count;
	/* All reasons to pause (the controller's and the hypervisor's own,
	 * domain_pause_sync()); VPF_paused while nonzero.  d->lock. */
	unsigned int pause_count;
	u8 handle[16];			/* the toolstack's UUID */
	u32 emulation_flags;		/* XEN_X86_EMU_* it was created with */
	s64 time_offset_seconds;	/* XEN_DOMCTL_settimeoffset */
	u64 paging_mempool_bytes;	/* XEN_DOMCTL_set_paging_mempool_size */

	unsigned int max_vcpus;
	struct vcpu *vcpu[MAX_VIRT_CPUS];

	/* Credit scheduler parameters (sched-if.h). */
	unsigned int weight;		/* relative share, default 256 */
	unsigned int cap;		/* % of one pCPU, 0 = no cap */
	void *sched_priv;

	/* Memory: RAM frames (xen/frame.h), mapped by the p2m, which holds
	 * the allocation reference of each (xen/p2m.h). */
	unsigned long tot_pages;	/* RAM frames owned (Xen's tot_pages) */
	unsigned long max_pages;
	u64 ram_bytes;			/* RAM the builder populated */
	u64 max_mapped_gfn;		/* highest gfn ever mapped (Xen's
					 * max_mapped_pfn) */
	struct p2m *p2m;
	/* Its copy in an IOMMU's format (AMD-Vi) while it has devices
	 * (hvm/p2m_iommu.c); changed with the p2m, under its lock. */
	struct p2m *iommu_p2m;
	spinlock_t p2m_lock;		/* arch_p2m_*() at run time */
	/* What its vCPUs' CPUID offers (xen/arch_cpu_policy.h), allocated
	 * with the domain; opaque here.  Changes under lock, and only until
	 * creation_finished. */
	struct x86_policy *cpu_policy;
	/* The guest's memory map as the builder gave it (XENMEM_memory_map). */
	struct e820_entry memmap[DOMAIN_MAX_E820];
	unsigned int nr_memmap;

	/* The shared_info page (xen/common/shared_info.c): allocated with the
	 * domain, mapped into the p2m by XENMEM_add_to_physmap. */
	struct shared_info *shared_info;
	u64 shared_info_gfn;		/* ~0: not mapped */
	/* HVMOP_set_param values (public/hvm/params.h). */
	u64 hvm_param[HVM_NR_PARAMS];
	/* HVM_PARAM_CALLBACK_IRQ of type vector: injected while the vCPU's
	 * evtchn_upcall_pending is set (docs/xen-abi.md §A.6 step 5).
	 * 0: none */
	u8 callback_vector;
	/* vm_assist bits (VMASST_TYPE_*). */
	unsigned long vm_assist;
	/* Grant table (xen/common/grant_table.c), NULL until set up. */
	struct grant_table *grant_table;

	/* Event channels (xen/common/event_channel.c); NULL until the
	 * domain's event-channel table is set up. */
	struct evtchn_domain *evtchn;
	/* Ioreq servers (devmodel/, xen/ioreq.h): allocated by the first
	 * XEN_DMOP_create_ioreq_server, freed at teardown; opaque here. */
	struct ioreq_domain *ioreq;
	/* dom0's view of PCI configuration space (xen/vpci.h), or NULL. */
	struct vpci *vpci;
	/* The platform's interrupt wiring (hvm/vdev/virq.h) that dm_op's
	 * set_isa_irq_level, set_pci_intx_level and set_pci_link_route
	 * drive; NULL while the domain has no emulated platform devices. */
	struct virq *virq;

	/* Debug output (port 0xE9, console_io) collected into lines. */
	char dbg_line[160];
	unsigned int dbg_len;
	/* Bad requests from this domain (counted, logged, never fatal). */
	unsigned long nr_bad_requests;
	/* Hypercalls preempted and continued (HYPERCALL_CONTINUE). */
	unsigned long nr_continuations;
};

/* What a new domain gets (domain_create()). */
struct domain_config {
	unsigned int max_vcpus;		/* 1..MAX_VIRT_CPUS */
	unsigned int max_evtchn_port;	/* highest event-channel port */
	unsigned int max_grant_frames;	/* 0: GNTTAB_MAX_FRAMES */
	bool privileged;		/* the initial domain */
	bool from_toolstack;		/* XEN_DOMCTL_createdomain: starts
					 * paused, kept after shutdown */
	/* XEN_X86_EMU_* (public/arch-x86/xen.h): the PIC, PIT or IO-APIC
	 * give it the emulated platform (hvm/platform.h). */
	u32 emulation_flags;
};

/* Domain lifecycle (xen/common/domain.c).  NULL if @domid is taken or
 * reserved, the config is out of range, or memory runs out. */
struct domain *domain_create(u16 domid, const char *name,
			     const struct domain_config *cfg);
/* XEN_DOMCTL_pausedomain / unpausedomain (Xen's domain_pause_by_
 * systemcontroller): 0, or -EINVAL when not paused / -EOVERFLOW. */
int domain_controller_pause(struct domain *d);
int domain_controller_unpause(struct domain *d);
/* Every vCPU of @d off its pCPU (after a pause): state may be read. */
bool domain_vcpus_off_cpus(const struct domain *d);
/* Xen's domain_pause()/domain_unpause(): keep @d's vCPUs off the CPUs
 * while the hypervisor reads or replaces their state; returns once none
 * is on a CPU.  Never on the caller's own domain. */
void domain_pause_sync(struct domain *d);
void domain_unpause_sync(struct domain *d);
/* XEN_DOMCTL_destroydomain, one step: 0 once the domain has let go of
 * everything and left the list, -ERESTART while that is under way. */
int domain_kill_step(struct domain *d);
/* Give [gfn, gfn + 2^order) fresh zeroed RAM frames (order 0 or
 * FRAME_ORDER_2M).  0, -ENOMEM, or the p2m's error (nothing held). */
int domain_populate_extent(struct domain *d, u64 gfn, unsigned int order);
/* Allocate and map guest RAM [gfn, gfn + nr) (2 MiB pages where they
 * fit), counted in d->ram_bytes.  Returns 0, -EINVAL or -ENOMEM. */
int domain_populate_range(struct domain *d, u64 gfn, u64 nr);
/* The same for [d->ram_bytes, + bytes): RAM from 0, the map of the
 * domains built at boot other than dom0. */
int domain_populate_ram(struct domain *d, u64 bytes);
/* Make @v runnable from @state (Pre: v is down). */
void vcpu_start(struct vcpu *v, const struct hvm_boot_state *state);
/* HLT / SCHEDOP_block: sleep unless a wake-up is pending (consumes it). */
void vcpu_block_unless_pending(struct vcpu *v);
/* Guest-caused fatal problem: log why, stop the domain, free it. */
__printf(2, 3) void domain_crash(struct domain *d, const char *fmt, ...);
/* SCHEDOP_shutdown and friends: record, stop vCPUs, destroy (or power
 * the machine off/reboot it when d is the initial domain). */
void domain_shutdown(struct domain *d, int reason);
/* Destroy a domain none of whose vCPUs ever ran (a failed build, the
 * boot self-test): relinquished and freed now, unless someone else holds
 * a reference (then the reaper finishes when it is dropped). */
void domain_destroy(struct domain *d);
/* Runstate times of every domain, one line each (at power-off). */
void domain_print_runstates(void);
/* The listed domain with @domid and a reference for the caller, or NULL
 * (always for a reserved id: DOMID_SELF, DOMID_IO and the rest name no
 * domain here).  Dying domains are found too (callers that must refuse
 * them check is_dying).  Drop the reference with put_domain(). */
struct domain *domain_by_id(u16 domid);
/* The live domain with the smallest id >= @domid (referenced; put it),
 * or NULL: how Xen's getdomaininfo and getdomaininfolist enumerate. */
struct domain *domain_first_from(u16 domid);
/* Another reference to a domain the caller holds one on (or runs in). */
void get_domain(struct domain *d);
void put_domain(struct domain *d);
/* Bytes a domain writes to its debug port / console, logged as lines
 * "(d<id>) text" (xen/common/console_io.c). */
void domain_debug_putc(struct domain *d, char c);
/* Count a bad request (bad hypercall argument...), rate-limited log. */
__printf(2, 3) void domain_bad_request(struct domain *d, const char *fmt, ...);

/* Call @fn on every listed domain, with domlist_lock held (so @fn must
 * not sleep or take locks that are held around domain_by_id()). */
void domain_for_each(void (*fn)(struct domain *d, void *arg), void *arg);

/* The debug dump of every domain and vCPU (key 'q'), and the stall
 * watchdog that prints it unasked (xen/common/dump_state.c). */
void dump_domains(void);
void stall_watch_init(void);

/* Event channels, timers, vCPU hooks: once at boot, before any domain. */
void domain_subsystem_init(void);
/* vcpu_op's timers (xen/common/vcpu_op.c). */
void vcpu_op_init_timers(struct vcpu *v);
void vcpu_op_kill_timers(struct vcpu *v);
/* Drop what vcpu_op holds for @v (the registered vcpu_info's frame). */
void vcpu_op_release(struct vcpu *v);
/* Move @v's wake, periodic and poll timers to pCPU @cpu's queue; done
 * wherever v->processor changes (xen/common/sched/schedule.c). */
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu);
/* The singleshot timer fired: VIRQ_TIMER to the vCPU. */
void vcpu_singleshot_fired(struct vcpu *v);
/* Architecture: can @v take an interrupt that is pending for it?  HLT
 * and SCHEDOP_block do not sleep then. */
bool arch_vcpu_has_pending_irq(struct vcpu *v);

/* The vCPU running on this pCPU (NULL or the idle vCPU when idle). */
struct vcpu *current_vcpu(void);

/* Scheduling entry points (xen/common/sched/schedule.c). */
void vcpu_wake(struct vcpu *v);		/* clear VPF_blocked, make runnable */
/* Something for @v to handle arrived (an event upcall, a vLAPIC
 * interrupt, a timer): wake it if it sleeps in HLT/SCHEDOP_block, and
 * make it leave guest mode if it runs on another pCPU so the entry path
 * delivers the interrupt.  Any context, any pCPU. */
void vcpu_kick(struct vcpu *v);
/* Mark work for @v's entry path (VCPU_WORK_* bits).  Any context. */
/* The domain that owns the machine's devices (Xen's hardware domain):
 * dom0, the one privileged domain. */
static inline bool is_hardware_domain(const struct domain *d)
{
	return d->is_privileged;
}

static inline void vcpu_work_set(struct vcpu *v, unsigned long bits)
{
	__atomic_fetch_or(&v->work, bits, __ATOMIC_SEQ_CST);
}
void vcpu_block(struct vcpu *v);		/* current vCPU: set VPF_blocked */
void vcpu_pause_flag_set(struct vcpu *v, unsigned int bit);
void vcpu_pause_flag_clear(struct vcpu *v, unsigned int bit);
void vcpu_yield(struct vcpu *v);
int sched_init_vcpu(struct vcpu *v, unsigned int processor);
void sched_destroy_vcpu(struct vcpu *v);
int sched_init_domain(struct domain *d);
void sched_destroy_domain(struct domain *d);
int sched_adjust(struct domain *d, unsigned int weight, unsigned int cap);
struct xen_sysctl_scheduler_op;
long sched_adjust_global(struct xen_sysctl_scheduler_op *op);
int vcpu_set_hard_affinity(struct vcpu *v, u64 mask);
/* Per-pCPU loop: run vCPUs chosen by the scheduler, forever. */
__attribute__((noreturn)) void sched_run_cpu(void);
void scheduler_init(const char *name);

#endif
