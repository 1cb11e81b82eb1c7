/*
 * Nested page faults (NPT #NPF, EPT violation), decided by the type of
 * the p2m entry the guest touched (xen/p2m.h), as Xen 4.17's
 * hvm_hap_nested_page_fault() decides them:
 *  - nothing mapped (Xen's p2m answers p2m_mmio_dm for a hole),
 *    device-model MMIO, and writes to read-only RAM or to
 *    p2m_ioreq_server pages are accesses to emulate: the instruction is
 *    decoded and run by the emulator (hvm/emulate_glue.c), its MMIO going
 *    to an in-hypervisor device, a device model, or nobody (all ones);
 *    the emulator crashes the domain when the guest's own page tables
 *    are not in RAM, as Xen does;
 *  - an instruction fetch from such an address crashes the domain (Xen
 *    does not run code from MMIO);
 *  - an access the entry now allows (the entry changed between the fault
 *    and this handler, on another vCPU) is retried;
 *  - anything else - a write to a read-only grant, an execute of a
 *    mapping without X - is a guest error Xen answers by crashing the
 *    domain.
 */
#include <hvm/hvm.h>
#include <xen/lib.h>
#include <xen/p2m.h>
#include <xen/sched.h>

static const char *const p2m_type_names[P2M_NR_TYPES] = {
	[p2m_invalid] = "not mapped",
	[p2m_ram_rw] = "RAM",
	[p2m_ram_ro] = "read-only RAM",
	[p2m_grant_map_rw] = "grant mapping",
	[p2m_grant_map_ro] = "read-only grant mapping",
	[p2m_map_foreign] = "foreign mapping",
	[p2m_mmio_direct] = "direct MMIO",
	[p2m_mmio_dm] = "device-model MMIO",
	[p2m_ioreq_server] = "ioreq-server RAM",
};

static const char *npf_access(const struct hvm_exit *e)
{
	return e->npf.write ? "write" : e->npf.exec ? "exec" : "read";
}

enum hvm_disposition hvm_nested_page_fault(struct vcpu *v,
					   const struct hvm_exit *e)
{
	mfn_t mfn;
	enum p2m_type t = arch_p2m_get_entry(v->domain, e->npf.gpa >> PAGE_SHIFT,
					     &mfn);
	unsigned int perms = p2m_type_perms(t);

	if ((t == p2m_invalid || t == p2m_mmio_dm ||
	     (e->npf.write && (t == p2m_ram_ro || t == p2m_ioreq_server))) &&
	    !e->npf.exec)
		return hvm_emulate_insn(v);
	if (t != p2m_invalid && (!e->npf.write || (perms & P2M_W)) &&
	    (!e->npf.exec || (perms & P2M_X)) && (perms & P2M_R))
		return HVM_RETRY;	/* changed meanwhile */
	domain_crash(v->domain, "%s access to guest-physical %#lx (%s) at "
		     "RIP %#lx", npf_access(e), (unsigned long)e->npf.gpa,
		     t < P2M_NR_TYPES ? p2m_type_names[t] : "?",
		     (unsigned long)v->hvm->regs.rip);
	return HVM_CRASH;
}
