/*
 * The vLAPIC in save images (hvm/vlapic.h): per vCPU, Xen 4.17's LAPIC
 * record (IA32_APIC_BASE and what Xen derives from it, SVR and TDCR) and
 * LAPIC_REGS (the xAPIC register page's first KiB, each register at its
 * xAPIC offset, SDM vol.3 table 11-1, which is register number * 16).
 *
 * Saving writes the page as Xen keeps it:
 *  - ID and LDR as the mode shows them: in x2APIC mode the 32-bit ID and
 *    the derived logical ID (Xen's set_x2apic_id()), otherwise the xAPIC
 *    ID in bits 31:24 and the guest's LDR;
 *  - the ICR's high half at ICR2 (0x310), where Xen's x2APIC ICR write
 *    keeps it too;
 *  - what Xen computes on read and never stores (APR, PPR, the current
 *    count) as 0, as Xen's page holds it without APIC virtualisation; LVT
 *    CMCI, which Xen neither offers nor stores, as Amphi holds it;
 *  - ESR as the guest reads it.  Errors raised since the guest last wrote
 *    ESR, which its next write would latch, have no place in the record
 *    and are not carried.
 *
 * Also here, the vLAPIC's line in the debug dump (vlapic_dump()).
 *
 * Loading takes the pair as the vCPU's new state, as Xen's
 * lapic_load_hidden()/lapic_load_regs() do, and re-arms the timer as its
 * lapic_rearm(): a count in one-shot or periodic mode starts again from
 * the initial count.  Xen takes both records as they are, refusing only
 * x2APIC mode with the APIC disabled; vlapic_check() also refuses what
 * this vLAPIC cannot hold or never reaches (hvm/vlapic.c says why each
 * rule holds): reserved IA32_APIC_BASE bits, a moved xAPIC page, derived
 * fields (disabled, timer_divisor) that contradict their registers, a
 * TSC deadline (not offered), another APIC version, an ID other than
 * 2 * vCPU id, an x2APIC LDR other than the derived one (Xen accepts and
 * fixes the LDR of 1 that Xen 4.4 and older wrote, and so does Amphi; a
 * Xen that derived it from the vCPU id instead is refused, as the LDR
 * here cannot differ), reserved bits in TPR, SVR, DFR, ESR, ICR and the
 * LVTs, vectors 0-15 pending or in service, and an unmasked LVT while
 * the APIC is software-disabled.  What Xen keeps on the page but Amphi
 * computes or does not have (APR, PPR, EOI, RRD, the current count,
 * reserved space, whatever APIC virtualisation wrote there) is ignored.
 */
#include <hvm/vcpu.h>
#include <hvm/vlapic.h>
#include <hvm/vlapic_internal.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <public/hvm/save.h>

/* hw.disabled, as Xen's asm/hvm/vlapic.h numbers it. */
#define XEN_HW_DISABLED 1U
#define XEN_SW_DISABLED 2U

/* TDCR: divide configuration bits 0, 1 and 3 (11.5.4). */
#define TDCR_BITS 0xbU

static u32 reg_get(const struct hvm_hw_lapic_regs *r, unsigned int reg)
{
	u32 v;

	memcpy(&v, &r->data[reg * 16], sizeof(v));
	return v;
}

static void reg_put(struct hvm_hw_lapic_regs *r, unsigned int reg, u32 v)
{
	memcpy(&r->data[reg * 16], &v, sizeof(v));
}

/* LVT @i's register. */
static unsigned int lvt_reg(unsigned int i)
{
	return i == LVT_CMCI ? REG_LVT_CMCI : REG_LVT_TIMER + i;
}

static bool x2apic_mode(u64 base)
{
	return (base & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) ==
	       (APIC_BASE_ENABLE | APIC_BASE_EXTD);
}

static u32 xen_disabled(u64 base, u32 svr)
{
	return (base & APIC_BASE_ENABLE ? 0 : XEN_HW_DISABLED) |
	       (svr & SVR_ENABLED ? 0 : XEN_SW_DISABLED);
}

void vlapic_save(struct vcpu *v, struct hvm_hw_lapic *hw,
		 struct hvm_hw_lapic_regs *regs)
{
	struct vlapic *vl = v->hvm->vlapic;
	u64 base = READ_ONCE(vl->base);
	bool x2 = x2apic_mode(base);
	u32 tdcr = READ_ONCE(vl->tdcr);

	memset(regs, 0, sizeof(*regs));
	reg_put(regs, REG_ID, x2 ? vl->id : (vl->id & 0xff) << 24);
	reg_put(regs, REG_VERSION, VLAPIC_VERSION);
	reg_put(regs, REG_TPR, vl->tpr);
	reg_put(regs, REG_LDR, x2 ? vlapic_x2apic_ldr(vl->id) : vl->ldr);
	reg_put(regs, REG_DFR, vl->dfr);
	reg_put(regs, REG_SVR, vl->svr);
	for (unsigned int i = 0; i < 8; i++) {
		reg_put(regs, REG_ISR + i, vl->isr[i]);
		reg_put(regs, REG_TMR + i,
			__atomic_load_n(&vl->tmr[i], __ATOMIC_ACQUIRE));
		reg_put(regs, REG_IRR + i,
			__atomic_load_n(&vl->irr[i], __ATOMIC_ACQUIRE));
	}
	reg_put(regs, REG_ESR, vl->esr);
	reg_put(regs, REG_ICR, (u32)vl->icr);
	reg_put(regs, REG_ICR_HI, vl->icr >> 32);
	for (unsigned int i = 0; i < NR_LVT; i++)
		reg_put(regs, lvt_reg(i), READ_ONCE(vl->lvt[i]));
	reg_put(regs, REG_TMICT, READ_ONCE(vl->tmict));
	reg_put(regs, REG_TDCR, tdcr);
	*hw = (struct hvm_hw_lapic){
		.apic_base_msr = base,
		.disabled = xen_disabled(base, vl->svr),
		.timer_divisor = vlapic_timer_divisor(tdcr),
	};
}

/* ---- Loading ---- */

static const char *base_check(const struct hvm_hw_lapic *hw,
			      const struct hvm_hw_lapic_regs *r)
{
	u64 base = hw->apic_base_msr;
	bool en = base & APIC_BASE_ENABLE;
	u32 tdcr = reg_get(r, REG_TDCR);

	if (base & ~(APIC_BASE_ADDR | APIC_BASE_ENABLE | APIC_BASE_EXTD |
		     APIC_BASE_BSP))
		return "reserved IA32_APIC_BASE bits";
	if ((base & APIC_BASE_EXTD) && !en)
		return "x2APIC mode with the APIC disabled";
	if (en && !(base & APIC_BASE_EXTD) &&
	    (base & APIC_BASE_ADDR) != APIC_BASE_DEFAULT)
		return "the xAPIC page moved";
	if (hw->disabled != xen_disabled(base, reg_get(r, REG_SVR)))
		return "disabled flags IA32_APIC_BASE and SVR contradict";
	if (tdcr & ~TDCR_BITS)
		return "reserved TDCR bits";
	if (hw->timer_divisor != vlapic_timer_divisor(tdcr))
		return "a timer divisor TDCR contradicts";
	if (hw->tdt_msr)
		return "a TSC deadline (TSC-deadline mode is not offered)";
	return NULL;
}

/*
 * The ID and LDR the mode shows (file note): x2APIC, the 32-bit forms;
 * xAPIC, the 8-bit ID in 31:24 and an LDR with only 31:24; disabled,
 * either (Xen leaves the x2APIC forms in place when it disables).
 */
static const char *id_check(unsigned int vcpu_id, u64 base,
			    const struct hvm_hw_lapic_regs *r)
{
	u32 id = 2 * vcpu_id, id_reg = reg_get(r, REG_ID);
	u32 ldr = reg_get(r, REG_LDR);
	bool x2_form = id_reg == id &&
		       (ldr == vlapic_x2apic_ldr(id) || ldr == 1);
	bool xapic_form = id_reg == (id & 0xff) << 24 && !(ldr & ~XAPIC_LDR_ID);

	if (x2apic_mode(base) ? !x2_form :
	    base & APIC_BASE_ENABLE ? !xapic_form : !x2_form && !xapic_form)
		return "an APIC ID or LDR other than the vCPU's";
	return NULL;
}

static const char *reg_check(u64 base, const struct hvm_hw_lapic_regs *r)
{
	if (reg_get(r, REG_VERSION) != VLAPIC_VERSION)
		return "an APIC version other than 0x00050014";
	if (reg_get(r, REG_TPR) > 0xff)
		return "TPR bits above 7";
	if (reg_get(r, REG_SVR) & ~(SVR_VECTOR | SVR_ENABLED |
				    SVR_FOCUS_DISABLED))
		return "reserved SVR bits";
	if ((reg_get(r, REG_DFR) & DFR_ONES) != DFR_ONES)
		return "DFR bits 27-0 not all ones";
	if (reg_get(r, REG_ESR) & ~(ESR_SEND_ILLEGAL | ESR_RECV_ILLEGAL))
		return "ESR bits this APIC never sets";
	if ((reg_get(r, REG_ISR) | reg_get(r, REG_TMR) |
	     reg_get(r, REG_IRR)) & 0xffff)
		return "vectors 0-15 in ISR, TMR or IRR";
	if (reg_get(r, REG_ICR) & ICR_STATUS)
		return "ICR delivery status set";
	if ((base & (APIC_BASE_ENABLE | APIC_BASE_EXTD)) == APIC_BASE_ENABLE &&
	    (reg_get(r, REG_ICR_HI) & ~ICR_XAPIC_DEST))
		return "ICR destination bits outside xAPIC's 31:24";
	for (unsigned int i = 0; i < NR_LVT; i++) {
		u32 val = reg_get(r, lvt_reg(i)), bits;

		BUG_ON(!vlapic_reg_bits(lvt_reg(i), &bits));
		if (val & ~(bits & ~(LVT_STATUS | LVT_REMOTE_IRR)))
			return "LVT bits no write sets";
		/* Xen masks the six LVTs it has, not CMCI (which it keeps
		 * at 0). */
		if (!(reg_get(r, REG_SVR) & SVR_ENABLED) && i != LVT_CMCI &&
		    !(val & LVT_MASKED))
			return "an LVT unmasked while software-disabled";
	}
	return NULL;
}

const char *vlapic_check(unsigned int vcpu_id, const struct hvm_hw_lapic *hw,
			 const struct hvm_hw_lapic_regs *regs)
{
	const char *why = base_check(hw, regs);

	if (!why)
		why = id_check(vcpu_id, hw->apic_base_msr, regs);
	if (!why)
		why = reg_check(hw->apic_base_msr, regs);
	return why;
}

/*
 * The timer's lock orders the timer registers against the expiry
 * callback; the rest of the state the owner alone writes, and it does
 * not run (the domain is paused).  IRR and TMR, which anyone sets, are
 * stored whole: a platform interrupt racing the load is lost or kept,
 * as it would be a moment earlier or later.
 */
void vlapic_restore(struct vcpu *v, const struct hvm_hw_lapic *hw,
		    const struct hvm_hw_lapic_regs *regs)
{
	struct vlapic *vl = v->hvm->vlapic;
	u64 base = hw->apic_base_msr;

	WRITE_ONCE(vl->base, base);
	for (unsigned int i = 0; i < 8; i++) {
		vl->isr[i] = reg_get(regs, REG_ISR + i);
		__atomic_store_n(&vl->tmr[i], reg_get(regs, REG_TMR + i),
				 __ATOMIC_RELEASE);
		__atomic_store_n(&vl->irr[i], reg_get(regs, REG_IRR + i),
				 __ATOMIC_RELEASE);
	}
	vl->tpr = reg_get(regs, REG_TPR);
	WRITE_ONCE(vl->svr, reg_get(regs, REG_SVR));
	vl->esr = reg_get(regs, REG_ESR);
	__atomic_store_n(&vl->pending_esr, 0, __ATOMIC_RELEASE);
	vl->icr = reg_get(regs, REG_ICR) |
		  (u64)reg_get(regs, REG_ICR_HI) << 32;
	/* Only xAPIC mode has an LDR of its own; x2APIC's is derived. */
	WRITE_ONCE(vl->ldr, x2apic_mode(base) ? 0 :
			    reg_get(regs, REG_LDR) & XAPIC_LDR_ID);
	WRITE_ONCE(vl->dfr, reg_get(regs, REG_DFR));
	for (unsigned int i = 0; i < NR_LVT; i++)
		if (i != LVT_TIMER)
			WRITE_ONCE(vl->lvt[i], reg_get(regs, lvt_reg(i)));
	vlapic_timer_restore(vl, reg_get(regs, REG_LVT_TIMER),
			     reg_get(regs, REG_TMICT), reg_get(regs, REG_TDCR),
			     base & APIC_BASE_ENABLE);
	/* A new state: the entry path looks at its interrupts afresh (and
	 * a vCPU in HLT wakes to do so). */
	vcpu_kick(v);
}

/* The debug dump ('q', the stall watchdog): racy reads of another vCPU's
 * registers, for a person reading a hang. */
void vlapic_dump(struct vcpu *v)
{
	const struct vlapic *vl = v->hvm->vlapic;
	s_time_t exp;

	if (!vl)
		return;
	exp = READ_ONCE(vl->expires);
	printk(KERN_ERR "d%u v%u: vLAPIC base %#lx svr %#x tpr %#x irr-top %d "
	       "isr-top %d lvtt %#x lint0 %#x timer %s %ld us nmi %u\n",
	       v->domain->domain_id, v->vcpu_id,
	       (unsigned long)READ_ONCE(vl->base), READ_ONCE(vl->svr),
	       READ_ONCE(vl->tpr), vlapic_highest_vector(vl->irr),
	       vlapic_highest_vector(vl->isr), READ_ONCE(vl->lvt[LVT_TIMER]),
	       READ_ONCE(vl->lvt[LVT_LINT0]), exp ? "in" : "off",
	       exp ? (long)((exp - NOW()) / 1000) : 0L,
	       READ_ONCE(vl->nmi_pending));
}
