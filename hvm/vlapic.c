/*
 * The virtual local APIC (hvm/vlapic.h; SDM vol.3 ch.11, x2APIC in 11.12,
 * numbered as in SDMs since 2023; Xen's behaviour in
 * xen/arch/x86/hvm/vlapic.c): the register file both modes share, IPIs,
 * IA32_APIC_BASE and its mode changes, and the x2APIC MSR front end.  The
 * xAPIC MMIO front end is vlapic_xapic.c, the timer vlapic_timer.c.
 *
 * Who writes what.  A vLAPIC is changed from three places at once: its own
 * vCPU (MSR and MMIO exits, the entry path), other vCPUs' ICR writes on
 * other pCPUs, and its timer's callback on the timer's pCPU.
 *  - IRR, the pending ESR bits, the NMI flag and the INIT/SIPI state are
 *    changed by anyone, with locked atomic operations only; the owner reads
 *    them without a lock.
 *  - The timer (LVT timer, initial count, divide configuration and the
 *    counting state) is under timer_lock, which the callback takes too;
 *    all of it lives in vlapic_timer.c.
 *  - Everything else (the base MSR, ISR, TPR, SVR, the other LVTs, ICR,
 *    ESR, LDR, DFR) is written by the owner alone; other pCPUs only
 *    READ_ONCE() the base MSR, SVR, LDR, DFR and the LVT error entry.
 * INIT is the one remote operation that resets owner state, so it is
 * split: the sender takes the target down (VPF_down), marks it waiting
 * for a SIPI and stops its timer (under timer_lock); the register reset
 * runs on the target's own pCPU, in vlapic_take_boot_state(), when a SIPI
 * has brought it back up.  Until then the target does not run, so no one
 * can observe the difference.
 *
 * Level-triggered interrupts come only from the platform's IO-APIC
 * (vlapic_set_irq_trig()): TMR records them at acceptance, and the EOI of
 * a TMR vector is broadcast to the IO-APIC (hvm_platform_eoi(), SDM vol.3
 * 11.8.5), with no lock held.  TMR is written by any pCPU with atomics,
 * like IRR.
 *
 * Modes.  Every vCPU starts in x2APIC mode (hvm/vlapic.h says why); a
 * guest may go to xAPIC mode through "disabled" (11.12.5).  The APIC ID is
 * 2 * vcpu_id in both (the xAPIC ID is its low 8 bits, in ID 31:24) and
 * cannot be changed; the logical ID is derived from it in x2APIC mode and
 * is the guest's LDR 31:24 under the DFR's model in xAPIC mode.  A
 * destination is read in the sender's format and matched in the target's
 * mode, as Xen's vlapic_match_dest() does.
 *
 * Not modelled: level-triggered IPIs, TSC-deadline mode
 * (hidden by CPUID), directed EOI, SMI, arbitration among lowest-priority
 * destinations (the lowest-numbered enabled vCPU takes it), and moving the
 * xAPIC page (refused, as Xen refuses it).
 */
#include <hvm/platform.h>
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <hvm/vlapic_internal.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/xmalloc.h>
#include <asm/processor.h>

/* Bits of the low half an x2APIC ICR write may set (11.12.9: no delivery
 * status bit in x2APIC mode). */
#define ICR_VALID (ICR_VECTOR | (7U << 8) | ICR_LOGICAL | ICR_ASSERT | \
		   ICR_LEVEL | (3U << 18))

enum { DM_FIXED, DM_LOWEST, DM_SMI, DM_RESERVED3, DM_NMI, DM_INIT,
       DM_STARTUP, DM_RESERVED7 };
#define DM_EXTINT DM_RESERVED7		/* in LVT LINT0/1: ExtINT */
enum { SH_NONE, SH_SELF, SH_ALL, SH_OTHERS };

/* Bits each LVT accepts (11.5.1); the read-only ones are dropped. */
static const u32 lvt_valid[NR_LVT] = {
	[LVT_TIMER] = LVT_VECTOR | LVT_STATUS | LVT_MASKED | LVT_TIMER_MODE,
	[LVT_THERMAL] = LVT_VECTOR | LVT_DM | LVT_STATUS | LVT_MASKED,
	[LVT_PMC] = LVT_VECTOR | LVT_DM | LVT_STATUS | LVT_MASKED,
	[LVT_LINT0] = LVT_VECTOR | LVT_DM | LVT_STATUS | LVT_POLARITY |
		      LVT_REMOTE_IRR | LVT_LEVEL | LVT_MASKED,
	[LVT_LINT1] = LVT_VECTOR | LVT_DM | LVT_STATUS | LVT_POLARITY |
		      LVT_REMOTE_IRR | LVT_LEVEL | LVT_MASKED,
	[LVT_ERROR] = LVT_VECTOR | LVT_STATUS | LVT_MASKED,
	[LVT_CMCI] = LVT_VECTOR | LVT_DM | LVT_STATUS | LVT_MASKED,
};

/* startup: where the vCPU is in INIT/SIPI.  STARTUP_SIPI | vector once a
 * SIPI has been accepted and the state is not yet taken. */
#define STARTUP_RUNNING 0U
#define STARTUP_WAIT_SIPI 1U
#define STARTUP_SIPI 0x100U

/* Hardware- and software-enabled: the APIC accepts fixed interrupts. */
static bool enabled(const struct vlapic *vl)
{
	return vlapic_hw_enabled(vl) && (READ_ONCE(vl->svr) & SVR_ENABLED);
}

/* Highest set bit of a 256-bit IRR/ISR, or -1. */
int vlapic_highest_vector(const u32 *bm)
{
	for (int i = 7; i >= 0; i--) {
		u32 w = __atomic_load_n(&bm[i], __ATOMIC_ACQUIRE);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

/* Set @vec in IRR; true if it was not pending yet. */
static bool set_irr(struct vlapic *vl, u8 vec)
{
	u32 bit = 1U << (vec % 32);

	return !(__atomic_fetch_or(&vl->irr[vec / 32], bit, __ATOMIC_SEQ_CST) &
		 bit);
}

/* A fixed interrupt arrives: IRR, then make sure the target looks.  The
 * locked OR orders the bit before vcpu_kick()'s check of the target. */
static void accept_fixed(struct vlapic *vl, u8 vec)
{
	if (set_irr(vl, vec))
		vcpu_kick(vl->vcpu);
}

/*
 * The owner lowered its priority (TPR, EOI) or enabled its APIC: a vector
 * already in IRR may now get through, with no sender to kick anyone, so
 * the entry path must look again.
 */
static void vlapic_recheck(struct vcpu *v)
{
	vcpu_work_set(v, VCPU_WORK_IRQ);
}

/*
 * Record an APIC error (11.5.3) and raise LVT error, once per error bit
 * until the guest reads ESR, as Xen does.  An illegal vector in LVT error
 * itself is folded into "receive illegal vector" instead of recursing.
 */
static void vlapic_error(struct vlapic *vl, u32 bit)
{
	u32 old = __atomic_fetch_or(&vl->pending_esr, bit, __ATOMIC_SEQ_CST);
	u32 lvt = READ_ONCE(vl->lvt[LVT_ERROR]);

	if ((old & bit) || (lvt & LVT_MASKED))
		return;
	if ((lvt & LVT_VECTOR) < 16)
		__atomic_fetch_or(&vl->pending_esr, ESR_RECV_ILLEGAL,
				  __ATOMIC_SEQ_CST);
	else
		accept_fixed(vl, lvt & LVT_VECTOR);
}

/* An interrupt from a local source or the hypervisor (11.5.2: vectors
 * 0-15 are illegal and only set ESR). */
void vlapic_deliver_local(struct vlapic *vl, u8 vec)
{
	if (vec < 16)
		vlapic_error(vl, ESR_RECV_ILLEGAL);
	else
		accept_fixed(vl, vec);
}

/* ---- Priorities, EOI (11.8.3) ---- */

static u32 vlapic_ppr(const struct vlapic *vl)
{
	int isrv = vlapic_highest_vector(vl->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (vl->tpr & 0xf0) >= isr_class ? vl->tpr : isr_class;
}

int vlapic_pending_irq(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;
	int vec;

	if (!vl || !enabled(vl))
		return -1;
	vec = vlapic_highest_vector(vl->irr);
	if (vec < 0 || ((u32)vec & 0xf0) <= (vlapic_ppr(vl) & 0xf0))
		return -1;
	return vec;
}

void vlapic_ack_irq(struct vcpu *v, u8 vec)
{
	struct vlapic *vl = v->hvm->vlapic;

	__atomic_fetch_and(&vl->irr[vec / 32], ~(1U << (vec % 32)),
			   __ATOMIC_SEQ_CST);
	vl->isr[vec / 32] |= 1U << (vec % 32);
}

static void vlapic_eoi(struct vlapic *vl)
{
	int vec = vlapic_highest_vector(vl->isr);
	u32 bit;

	/* An EOI with nothing in service is ignored. */
	if (vec < 0)
		return;
	bit = 1U << (vec % 32);
	vl->isr[vec / 32] &= ~bit;
	/* 11.8.5: a level-triggered vector's EOI goes on to the IO-APIC
	 * (Xen's vlapic_handle_EOI()), which clears its Remote IRR. */
	if (__atomic_load_n(&vl->tmr[vec / 32], __ATOMIC_ACQUIRE) & bit)
		hvm_platform_eoi(vl->vcpu->domain, vec);
}

/* The flag, then the entry path's work bit, then the kick that makes
 * a vCPU in guest mode elsewhere come out and look. */
static void raise_nmi(struct vlapic *vl)
{
	__atomic_store_n(&vl->nmi_pending, true, __ATOMIC_SEQ_CST);
	vcpu_work_set(vl->vcpu, VCPU_WORK_NMI);
	vcpu_kick(vl->vcpu);
}

void vlapic_send_nmi(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	if (vl)
		raise_nmi(vl);
}

bool vlapic_take_nmi(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	return vl && __atomic_exchange_n(&vl->nmi_pending, false,
					 __ATOMIC_SEQ_CST);
}

void vlapic_set_irq(struct vcpu *v, u8 vec)
{
	vlapic_deliver_local(v->hvm->vlapic, vec);
}

/* ---- Reset, INIT and SIPI (11.4.7, 10.4) ---- */

/* Registers to their power-up/INIT values (11.4.7.1; DFR all ones, LDR
 * zero, 11.6.2.2).  The base MSR, and so the mode and the ID, survive
 * INIT (11.12.5.1).  Pre: the owner, or no one else can reach @vl yet. */
static void vlapic_reset(struct vlapic *vl)
{
	for (int i = 0; i < 8; i++) {
		__atomic_store_n(&vl->irr[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&vl->tmr[i], 0, __ATOMIC_RELAXED);
		vl->isr[i] = 0;
	}
	__atomic_store_n(&vl->pending_esr, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&vl->nmi_pending, false, __ATOMIC_RELAXED);
	vl->tpr = vl->esr = 0;
	vl->icr = 0;
	WRITE_ONCE(vl->ldr, 0);
	WRITE_ONCE(vl->dfr, ~0U);
	WRITE_ONCE(vl->svr, SVR_VECTOR);
	for (int i = 0; i < NR_LVT; i++)
		if (i != LVT_TIMER)
			WRITE_ONCE(vl->lvt[i], LVT_MASKED);

	vlapic_timer_reset(vl);
}

/* INIT (not the level de-assert): down, waiting for a SIPI.  A SIPI
 * accepted but not yet taken is forgotten.  The timer, the one part of
 * the target that acts by itself, stops now; the rest waits for the
 * reset in vlapic_take_boot_state(). */
static void init_one(struct vlapic *t)
{
	__atomic_store_n(&t->startup, STARTUP_WAIT_SIPI, __ATOMIC_SEQ_CST);
	vcpu_pause_flag_set(t->vcpu, VPF_down);
	vlapic_timer_halt(t);
}

/* SIPI: only a vCPU waiting for one starts (a second SIPI, as Linux
 * sends, is ignored like on hardware).  An INIT from a third vCPU racing
 * this SIPI is not ordered against it; guests start APs from one CPU. */
static void sipi_one(struct vlapic *t, u8 vec)
{
	u32 wait = STARTUP_WAIT_SIPI;

	if (__atomic_compare_exchange_n(&t->startup, &wait, STARTUP_SIPI | vec,
					false, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED)) {
		vcpu_work_set(t->vcpu, VCPU_WORK_BOOT_STATE);
		vcpu_pause_flag_clear(t->vcpu, VPF_down);
	}
}

void vlapic_started(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	if (vl)
		__atomic_store_n(&vl->startup, STARTUP_RUNNING, __ATOMIC_SEQ_CST);
}

bool vlapic_take_boot_state(struct vcpu *v, struct hvm_boot_state *st)
{
	struct vlapic *vl = v->hvm->vlapic;
	u32 s = __atomic_load_n(&vl->startup, __ATOMIC_ACQUIRE);

	if (!(s & STARTUP_SIPI) ||
	    !__atomic_compare_exchange_n(&vl->startup, &s, STARTUP_RUNNING,
					 false, __ATOMIC_SEQ_CST,
					 __ATOMIC_RELAXED))
		return false;
	/* The INIT that preceded the SIPI, applied here by the owner - only
	 * to a vCPU that had run before, as Xen resets only initialised
	 * vCPUs: an AP's first INIT keeps what was raised while it waited
	 * (Linux sets the per-vCPU upcall vector, which asserts it at once,
	 * before it starts the AP; losing that IRR bit loses every event). */
	if (v->is_initialised)
		vlapic_reset(vl);
	v->is_initialised = true;
	/* Real mode at vector:0000 (SDM vol.3 10.4). */
	hvm_realmode_state(st, (u16)(s & 0xff) << 8, 0);
	return true;
}

/* ---- IPIs (11.6, 11.12.9) ---- */

/* Is @dest, a physical destination, @t's ID or a broadcast in @t's mode
 * (11.6.2.1, 11.12.9)? */
static bool physical_match(const struct vlapic *t, u32 dest)
{
	if (vlapic_x2apic_mode(t))
		return dest == 0xffffffff || dest == t->id;
	return dest == 0xff || dest == (t->id & 0xff);
}

/*
 * Does the logical destination @dest address @t (11.6.2.2)?  x2APIC: the
 * cluster in 31:16 and a bitmap of 16 in 15:0 against the derived LDR, and
 * 0xffffffff is a broadcast (11.12.10.2, 11.12.9).  xAPIC: 8 bits against
 * LDR 31:24 under the DFR's model, flat (a bitmap of 8) or cluster (the
 * cluster in the high nibble, a bitmap of 4 in the low one).  Any other
 * DFR model matches nothing, as in Xen.
 */
static bool logical_match(const struct vlapic *t, u32 dest)
{
	u32 ldr;

	if (vlapic_x2apic_mode(t)) {
		ldr = vlapic_x2apic_ldr(t->id);
		return dest == 0xffffffff ||
		       ((dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff));
	}
	ldr = READ_ONCE(t->ldr) >> 24;
	dest &= 0xff;
	switch (DFR_MODEL(READ_ONCE(t->dfr))) {
	case DFR_FLAT:
		return ldr & dest;
	case DFR_CLUSTER:
		return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
	}
	return false;
}

/* Does @t match the destination of an IPI from @src? */
static bool ipi_match(const struct vlapic *src, const struct vlapic *t,
		      u32 lo, u32 dest)
{
	if (!vlapic_hw_enabled(t))
		return false;
	switch (ICR_SHORTHAND(lo)) {
	case SH_SELF:
		return t == src;
	case SH_ALL:
		return true;
	case SH_OTHERS:
		return t != src;
	}
	if (lo & ICR_LOGICAL)
		return logical_match(t, dest);
	return physical_match(t, dest);
}

/* Deliver to one matching target.  False: stop looking (lowest priority
 * found its one target). */
static bool ipi_one(struct vlapic *t, u32 lo)
{
	switch (ICR_DM(lo)) {
	case DM_FIXED:
		if (enabled(t))
			accept_fixed(t, lo & ICR_VECTOR);
		return true;
	case DM_LOWEST:
		if (!enabled(t))
			return true;
		accept_fixed(t, lo & ICR_VECTOR);
		return false;
	case DM_NMI:
		raise_nmi(t);
		return true;
	case DM_INIT:
		init_one(t);
		return true;
	case DM_STARTUP:
		sipi_one(t, lo & ICR_VECTOR);
		return true;
	}
	return false;
}

void vlapic_send_ipi(struct vlapic *src, u32 lo, u32 dest)
{
	struct domain *d = src->vcpu->domain;
	static bool warned;
	u32 dm = ICR_DM(lo);

	if ((dm == DM_FIXED || dm == DM_LOWEST) && (lo & ICR_VECTOR) < 16) {
		vlapic_error(src, ESR_SEND_ILLEGAL);
		return;
	}
	/* INIT level de-assert (trigger level, assert clear): nothing since
	 * the Pentium 4 (11.6.1). */
	if (dm == DM_INIT && (lo & (ICR_LEVEL | ICR_ASSERT)) == ICR_LEVEL)
		return;
	if (dm == DM_SMI || dm == DM_RESERVED3 || dm == DM_RESERVED7) {
		if (!warned) {
			warned = true;
			printk("d%u v%u: vLAPIC: IPI delivery mode %u ignored\n",
			       d->domain_id, src->vcpu->vcpu_id, dm);
		}
		return;
	}
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *t = d->vcpu[i];

		if (t && t->hvm->vlapic &&
		    ipi_match(src, t->hvm->vlapic, lo, dest) &&
		    !ipi_one(t->hvm->vlapic, lo))
			break;
	}
}

/* ---- The platform's interrupt messages (hvm/platform_intr.c) ---- */

void vlapic_set_irq_trig(struct vcpu *v, u8 vec, bool level)
{
	struct vlapic *vl = v->hvm->vlapic;
	u32 bit = 1U << (vec % 32);

	if (!vl)
		return;
	if (vec < 16) {
		vlapic_error(vl, ESR_RECV_ILLEGAL);
		return;
	}
	/* 11.8.4: TMR is set for a level-triggered acceptance and cleared
	 * for an edge one; before IRR, so the EOI of the vector finds it. */
	if (level)
		__atomic_fetch_or(&vl->tmr[vec / 32], bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&vl->tmr[vec / 32], ~bit, __ATOMIC_SEQ_CST);
	accept_fixed(vl, vec);
}

bool vlapic_match_dest(struct vcpu *v, u32 dest, bool logical)
{
	struct vlapic *vl = v->hvm->vlapic;

	return vl && ipi_match(NULL, vl, logical ? ICR_LOGICAL : 0, dest);
}

bool vlapic_enabled(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	return vl && enabled(vl);
}

u64 vlapic_get_cr8(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	return vl ? (READ_ONCE(vl->tpr) >> 4) & 0xf : 0;
}

int vlapic_set_cr8(struct vcpu *v, u64 val)
{
	struct vlapic *vl = v->hvm->vlapic;

	if (val >> 4)
		return -EINVAL;
	if (vl)
		vlapic_reg_write(vl, REG_TPR, (u32)val << 4);
	return 0;
}

bool vlapic_lint0_extint(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	if (!vl)
		return false;
	/* Deliberate difference: Xen's vlapic_accept_pic_intr() refuses the
	 * PIC while the APIC is hardware-disabled; the SDM (11.4.3) passes
	 * INTR through, and so do we. */
	if (!vlapic_hw_enabled(vl))
		return true;
	return (READ_ONCE(vl->lvt[LVT_LINT0]) & (LVT_DM | LVT_MASKED)) ==
	       (DM_EXTINT << 8);
}

/* ---- IA32_APIC_BASE (11.4.4, 11.12.5) ---- */

u64 vlapic_base_msr(struct vcpu *v)
{
	return v->hvm->vlapic->base;
}

/*
 * Mode transitions (SDM vol.3 11.12.5, figure 11-27): disabled <-> xAPIC
 * -> x2APIC -> disabled; never x2APIC -> xAPIC or disabled -> x2APIC
 * directly, never EXTD without EN: those are #GP.  Leaving a mode through
 * "disabled" keeps no register but the ID (11.12.5.1), so disabling
 * resets the APIC, and enabling resets it again, as Xen does, to drop
 * what the hypervisor raised meanwhile.  xAPIC -> x2APIC keeps the
 * registers; the logical ID becomes the derived one.  Like Xen
 * (guest_wrmsr_apic_base()), xAPIC mode must keep the default base: a
 * moved xAPIC page is refused with #GP rather than left unemulated.
 */
int vlapic_set_base_msr(struct vcpu *v, u64 val)
{
	struct vlapic *vl = v->hvm->vlapic;
	u64 old = vl->base;
	bool was_en = old & APIC_BASE_ENABLE, en = val & APIC_BASE_ENABLE;
	bool was_x2 = old & APIC_BASE_EXTD, x2 = val & APIC_BASE_EXTD;

	if (val & ~(APIC_BASE_ADDR | APIC_BASE_ENABLE | APIC_BASE_EXTD |
		    APIC_BASE_BSP))
		return -EINVAL;
	if ((x2 && !en) || (was_en && was_x2 && en && !x2) ||
	    (!was_en && en && x2))
		return -EINVAL;
	if (en && !x2 && (val & APIC_BASE_ADDR) != APIC_BASE_DEFAULT)
		return -EINVAL;

	if (was_en != en)
		vlapic_reset(vl);
	vlapic_recheck(v);
	WRITE_ONCE(vl->base, val);
	return 0;
}

/* ---- The shared register file (11.4-11.8, table 11-6) ---- */

/* The LVT index of register @reg, or -1. */
static int lvt_index(unsigned int reg)
{
	if (reg == REG_LVT_CMCI)
		return LVT_CMCI;
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR)
		return LVT_TIMER + array_index_nospec(reg - REG_LVT_TIMER,
						      REG_LVT_ERROR -
						      REG_LVT_TIMER + 1);
	return -1;
}

int vlapic_reg_read(struct vlapic *vl, unsigned int reg, u32 *val)
{
	int lvt = lvt_index(reg);

	if (lvt >= 0) {
		*val = READ_ONCE(vl->lvt[lvt]);
		return 0;
	}
	if (reg >= REG_ISR && reg < REG_ISR + 8) {
		*val = vl->isr[array_index_nospec(reg - REG_ISR, 8)];
		return 0;
	}
	if (reg >= REG_TMR && reg < REG_TMR + 8) {
		*val = __atomic_load_n(&vl->tmr[array_index_nospec(
					       reg - REG_TMR, 8)],
				       __ATOMIC_RELAXED);
		return 0;
	}
	if (reg >= REG_IRR && reg < REG_IRR + 8) {
		*val = __atomic_load_n(&vl->irr[array_index_nospec(
					       reg - REG_IRR, 8)],
				       __ATOMIC_RELAXED);
		return 0;
	}
	switch (reg) {
	case REG_VERSION:
		*val = VLAPIC_VERSION;
		return 0;
	case REG_TPR:
		*val = vl->tpr;
		return 0;
	case REG_PPR:
		*val = vlapic_ppr(vl);
		return 0;
	case REG_SVR:
		*val = vl->svr;
		return 0;
	case REG_ESR:
		*val = vl->esr;
		return 0;
	case REG_TMICT:
		*val = READ_ONCE(vl->tmict);
		return 0;
	case REG_TMCCT:
		*val = vlapic_timer_read_tmcct(vl);
		return 0;
	case REG_TDCR:
		*val = READ_ONCE(vl->tdcr);
		return 0;
	}
	return -EINVAL;
}

bool vlapic_reg_bits(unsigned int reg, u32 *bits)
{
	int lvt = lvt_index(reg);

	if (lvt >= 0) {
		*bits = lvt_valid[lvt];
		return true;
	}
	switch (reg) {
	case REG_TPR:
		*bits = 0xff;
		return true;
	case REG_EOI:
	case REG_ESR:
		*bits = 0;	/* x2APIC: non-zero is #GP (11.12.1.2) */
		return true;
	case REG_SVR:
		*bits = SVR_VECTOR | SVR_ENABLED | SVR_FOCUS_DISABLED;
		return true;
	case REG_TMICT:
		*bits = ~0U;
		return true;
	case REG_TDCR:
		*bits = 0xb;
		return true;
	}
	return false;
}

static void write_lvt(struct vlapic *vl, int lvt, u32 val)
{
	val &= ~(LVT_STATUS | LVT_REMOTE_IRR);
	/* 11.4.7.2: while software-disabled, the masks stay set. */
	if (!(vl->svr & SVR_ENABLED))
		val |= LVT_MASKED;
	if (lvt == LVT_TIMER)
		vlapic_timer_write_lvt(vl, val);
	else
		WRITE_ONCE(vl->lvt[lvt], val);
	/* LINT0 into ExtINT lets a PIC request already waiting through
	 * (vlapic_lint0_extint()), with no sender to kick anyone. */
	if (lvt == LVT_LINT0)
		vlapic_recheck(vl->vcpu);
}

static void write_svr(struct vlapic *vl, u32 val)
{
	WRITE_ONCE(vl->svr, val);
	if (!(val & SVR_ENABLED)) {
		/* 11.4.7.2: software disable masks every LVT. */
		for (int i = 0; i < NR_LVT; i++)
			if (i != LVT_TIMER)
				WRITE_ONCE(vl->lvt[i], vl->lvt[i] | LVT_MASKED);
		vlapic_timer_mask(vl);
	}
}

void vlapic_reg_write(struct vlapic *vl, unsigned int reg, u32 val)
{
	int lvt = lvt_index(reg);

	if (lvt >= 0) {
		write_lvt(vl, lvt, val);
		return;
	}
	switch (reg) {
	case REG_TPR:
		vl->tpr = val;
		vlapic_recheck(vl->vcpu);
		return;
	case REG_EOI:
		vlapic_eoi(vl);
		vlapic_recheck(vl->vcpu);
		return;
	case REG_SVR:
		write_svr(vl, val);
		vlapic_recheck(vl->vcpu);
		return;
	case REG_ESR:
		/* 11.5.3: a write latches the errors seen since the last. */
		vl->esr = __atomic_exchange_n(&vl->pending_esr, 0,
					      __ATOMIC_SEQ_CST);
		return;
	case REG_TMICT:
		vlapic_timer_write_tmict(vl, val);
		return;
	case REG_TDCR:
		vlapic_timer_write_tdcr(vl, val);
		return;
	}
	BUG();
}

/* ---- The x2APIC front end: MSRs 0x800-0x8ff (11.12.1.2) ---- */

int vlapic_msr_read(struct vcpu *v, u32 msr, u64 *val)
{
	struct vlapic *vl = v->hvm->vlapic;
	unsigned int reg = msr - MSR_X2APIC_FIRST;
	u32 r;

	if (!vl || !vlapic_x2apic_mode(vl))
		return -EINVAL;	/* 11.12.1.2: #GP outside x2APIC mode */
	switch (reg) {
	case REG_ID:
		*val = vl->id;
		return 0;
	case REG_LDR:
		*val = vlapic_x2apic_ldr(vl->id);
		return 0;
	case REG_ICR:
		*val = vl->icr;
		return 0;
	}
	/* EOI and SELF_IPI are write-only; DFR, ICR_HI and the rest are
	 * reserved. */
	if (vlapic_reg_read(vl, reg, &r))
		return -EINVAL;
	*val = r;
	return 0;
}

int vlapic_msr_write(struct vcpu *v, u32 msr, u64 val)
{
	struct vlapic *vl = v->hvm->vlapic;
	unsigned int reg = msr - MSR_X2APIC_FIRST;
	u32 bits;

	if (!vl || !vlapic_x2apic_mode(vl))
		return -EINVAL;
	switch (reg) {
	case REG_ICR:
		if ((u32)val & ~ICR_VALID)
			return -EINVAL;
		vl->icr = val;
		vlapic_send_ipi(vl, (u32)val, val >> 32);
		return 0;
	case REG_SELF_IPI:
		if (val & ~0xffULL)
			return -EINVAL;
		/* 11.12.11: a fixed, edge, self-addressed IPI. */
		vlapic_send_ipi(vl, (u32)val | (SH_SELF << 18), 0);
		return 0;
	case REG_LVT_TIMER:
		if ((val & LVT_TIMER_MODE) == LVT_TIMER_MODE)
			return -EINVAL;		/* mode 3 is reserved */
		break;
	}
	/* Read-only (ID, version, PPR, LDR, ISR/TMR/IRR, current count),
	 * reserved registers and reserved bits (EOI and ESR take 0 only). */
	if (!vlapic_reg_bits(reg, &bits) || (val & ~(u64)bits))
		return -EINVAL;
	vlapic_reg_write(vl, reg, val);
	return 0;
}

/* ---- Lifetime ---- */

int vlapic_init(struct vcpu *v)
{
	struct vlapic *vl = xzalloc(struct vlapic);

	if (!vl)
		return -ENOMEM;
	vl->vcpu = v;
	vl->id = v->vcpu_id * 2;
	/* A PC platform's firmware expects the APIC as a reset leaves it,
	 * in xAPIC mode (SDM vol. 3 11.4.4); PVH kernels find it in x2APIC
	 * mode already (docs/xen-abi.md). */
	vl->base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE |
		   (v->vcpu_id == 0 ? APIC_BASE_BSP : 0);
	if (!(v->domain->emulation_flags & XEN_X86_EMU_PIC))
		vl->base |= APIC_BASE_EXTD;
	vlapic_timer_init(vl);
	vlapic_reset(vl);
	/* vCPUs but the first start down (domain.c): a SIPI starts them. */
	vl->startup = v->vcpu_id ? STARTUP_WAIT_SIPI : STARTUP_RUNNING;
	v->hvm->vlapic = vl;
	return 0;
}

void vlapic_destroy(struct vcpu *v)
{
	struct vlapic *vl = v->hvm->vlapic;

	if (!vl)
		return;
	kill_timer(&vl->timer);
	xfree(vl);
	v->hvm->vlapic = NULL;
}
