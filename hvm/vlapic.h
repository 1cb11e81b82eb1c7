/*
 * The virtual local APIC of an HVM/PVH vCPU (docs/xen-abi.md §A.9(b),
 * §F.5).  Every vCPU starts with IA32_APIC_BASE.EXTD|EN set, so Linux
 * keeps x2APIC mode ("x2apic: enabled by BIOS") and its APIC accesses are
 * MSR exits (0x800-0x8ff).  A guest may leave x2APIC mode through
 * "disabled" for xAPIC mode (SDM vol.3 11.12.5); then the APIC is the
 * 4 KiB MMIO page at the default base 0xfee00000, served through
 * hvm/mmio.c's table (vlapic_mmio_ops, hvm/io_handlers.h).  APIC ID =
 * 2 * vcpu_id in both modes, as Xen (the dom0 MADT lists the same).
 *
 * Delivery: hvm/resume.c asks vlapic_pending_irq() before each entry and
 * calls vlapic_ack_irq() once the vendor accepted the vector; senders
 * (ICR writes, the APIC timer, the hypervisor) set IRR bits and
 * vcpu_kick() the target.
 */
#ifndef HVM_VLAPIC_H
#define HVM_VLAPIC_H

#include <xen/types.h>
#include <asm/msr-index.h>	/* MSR_X2APIC_FIRST/LAST, APIC_BASE_* */

struct vcpu;
struct hvm_boot_state;

/* Allocate and reset (v->hvm->vlapic).  0 or -ENOMEM. */
int vlapic_init(struct vcpu *v);
void vlapic_destroy(struct vcpu *v);
/* The scheduler moves @v to pCPU @cpu: its APIC timer goes along. */
void vlapic_migrate_timer(struct vcpu *v, unsigned int cpu);

/* IA32_APIC_BASE (MSR 0x1b) and the x2APIC registers.  0, or -EINVAL
 * when the access must raise #GP (reserved register, bad value,
 * read-only register, an invalid mode transition, an x2APIC register
 * outside x2APIC mode...). */
u64 vlapic_base_msr(struct vcpu *v);
int vlapic_set_base_msr(struct vcpu *v, u64 val);
int vlapic_msr_read(struct vcpu *v, u32 msr, u64 *val);
int vlapic_msr_write(struct vcpu *v, u32 msr, u64 val);

/* The highest-priority fixed interrupt deliverable now (IRR above the
 * processor priority), or -1. */
int vlapic_pending_irq(struct vcpu *v);
/* One KERN_ERR line of @v's vLAPIC state for the debug dump. */
void vlapic_dump(struct vcpu *v);
/* The vendor accepted @vec for injection: IRR -> ISR. */
void vlapic_ack_irq(struct vcpu *v, u8 vec);
/* Raise an NMI on @v from the hypervisor (VCPUOP_send_nmi), and kick. */
void vlapic_send_nmi(struct vcpu *v);
/* An NMI (ICR delivery mode NMI) waits; true once, consuming it. */
bool vlapic_take_nmi(struct vcpu *v);
/* Hypervisor-raised fixed interrupt (edge): set IRR, kick. */
void vlapic_set_irq(struct vcpu *v, u8 vec);

/*
 * The platform's side (hvm/platform_intr.c).  An interrupt message from
 * the IO-APIC: a fixed vector, edge or @level (SDM vol.3 11.8.4: TMR set
 * for level, cleared for edge; the EOI of a TMR vector is broadcast to
 * the IO-APIC through hvm_platform_eoi()).  Any pCPU; atomics and a kick.
 */
void vlapic_set_irq_trig(struct vcpu *v, u8 vec, bool level);
/* Does @v's APIC accept a message for @dest (32-bit x2APIC destination,
 * physical, or logical against its LDR)?  A hardware-disabled APIC
 * accepts none. */
bool vlapic_match_dest(struct vcpu *v, u32 dest, bool logical);
/* Hardware- and software-enabled: fixed interrupts are accepted. */
bool vlapic_enabled(struct vcpu *v);
/*
 * CR8, the task-priority register as 64-bit code sees it: TPR[7:4] (SDM
 * vol. 3 10.8.6.1).  Writing CR8 writes the TPR, with TPR[3:0] cleared;
 * bits 63:4 are reserved: -EINVAL (#GP).  Without a vLAPIC CR8 reads 0
 * and takes writes without effect.
 */
u64 vlapic_get_cr8(struct vcpu *v);
int vlapic_set_cr8(struct vcpu *v, u64 val);
/*
 * Does @v's INTR input reach the core (SDM vol.3 11.5.1, 11.4.3)?  True
 * when LVT LINT0 is unmasked in ExtINT mode, or when the APIC is
 * hardware-disabled (IA32_APIC_BASE.EN clear: the processor behaves as
 * one without an APIC and the INTR pin goes straight to the core).
 */
bool vlapic_lint0_extint(struct vcpu *v);

/*
 * INIT/SIPI.  INIT takes the target down (VPF_down) and leaves it waiting
 * for a SIPI; a SIPI to a waiting vCPU records the real-mode start state
 * (CS = vector << 8, IP = 0) and brings it up.  The target applies that
 * state itself, on its own pCPU, right before its next entry: true once
 * with *st filled.
 */
bool vlapic_take_boot_state(struct vcpu *v, struct hvm_boot_state *st);
/* @v was started by other means than INIT/SIPI (a loaded CPU record): a
 * later SIPI finds it running and is ignored, as on hardware. */
void vlapic_started(struct vcpu *v);

/*
 * Save images: the LAPIC and LAPIC_REGS records of a vCPU (public/arch-
 * x86/hvm/save.h; hvm/vlapic_save.c).  Pre: the domain is paused.
 *  - vlapic_save(): both records, as Xen 4.17 writes them.
 *  - vlapic_check(): why the pair, for vCPU @vcpu_id, holds a state its
 *    vLAPIC cannot be in, or NULL.  Pure.
 *  - vlapic_restore(): the pair (checked) becomes @v's state; its timer
 *    counts again from the initial count and its entry path looks for
 *    interrupts afresh.
 */
struct hvm_hw_lapic;
struct hvm_hw_lapic_regs;
void vlapic_save(struct vcpu *v, struct hvm_hw_lapic *hw,
		 struct hvm_hw_lapic_regs *regs);
const char *vlapic_check(unsigned int vcpu_id, const struct hvm_hw_lapic *hw,
			 const struct hvm_hw_lapic_regs *regs);
void vlapic_restore(struct vcpu *v, const struct hvm_hw_lapic *hw,
		    const struct hvm_hw_lapic_regs *regs);

#endif
