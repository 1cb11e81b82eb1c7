/*
 * 32-bit callers (docs/xen-abi.md §0): hypercalls from compatibility mode
 * (long mode, a 32-bit code segment), as hvmloader, SeaBIOS and 32-bit
 * kernels make them: EAX = number, EBX, ECX, EDX, ESI, EDI = arguments,
 * 32-bit ("compat") structure layouts.  Xen 4.17 reads only the low
 * halves of the registers (xen/arch/x86/hvm/hypercall.c), so every call
 * here is made with garbage in the upper halves as well, which a 32-bit
 * caller leaves behind after a switch from 64-bit mode.
 *
 * Xen 4.17 returns 0 for XENVER_platform_parameters' virt_start to 32-bit
 * HVM callers: HYPERVISOR_COMPAT_VIRT_START(d) is d->arch.hv_compat_vstart,
 * which nothing sets for HVM domains.
 */
#include "hostile.h"
#include <public/features.h>

#define KERNEL_CS32 0x38	/* our GDT copy's 32-bit code segment */
#define GARBAGE 0xdeadbeefUL

/* The library's GDT (lib/head.S) plus a 32-bit code segment at 0x38. */
extern u64 gdt[];
static u64 gdt32[8] __attribute__((aligned(16)));

/*
 * long compat_call(u32 nr, const u32 args[5], u64 garbage): far return
 * into the 32-bit segment, VMCALL/VMMCALL, far jump back; EAX comes back
 * sign-extended.  The upper halves of RAX, RBX, RCX, RDX, RSI and RDI
 * hold @garbage.  Clobbers the caller-saved registers.
 */
long compat_call(u32 nr, const u32 *args, u64 garbage);
asm(".pushsection .text\n"
    ".globl compat_call\n"
    ".type compat_call, @function\n"
    ".code64\n"
    "compat_call:\n\t"
    "push %rbx\n\t"
    "push %rbp\n\t"
    "mov %rsp, %rbp\n\t"
    "shl $32, %rdx\n\t"
    "mov %edi, %eax\n\t"
    "or %rdx, %rax\n\t"
    "mov 0(%rsi), %ebx\n\t"
    "or %rdx, %rbx\n\t"
    "mov 4(%rsi), %ecx\n\t"
    "or %rdx, %rcx\n\t"
    "mov 16(%rsi), %edi\n\t"
    "or %rdx, %rdi\n\t"
    "mov 8(%rsi), %r8d\n\t"
    "mov 12(%rsi), %esi\n\t"
    "or %rdx, %rsi\n\t"
    "or %r8, %rdx\n\t"
    "pushq $0x38\n\t"			/* KERNEL_CS32 */
    "lea 1f(%rip), %r8\n\t"
    "push %r8\n\t"
    "lretq\n"
    ".code32\n"
    "1:\n\t"
    "cmpl $1, hc_native\n\t"		/* HC_VMMCALL? */
    "je 2f\n\t"
    "vmcall\n\t"
    "jmp 3f\n"
    "2:\n\t"
    "vmmcall\n"
    "3:\n\t"
    "ljmp $0x08, $4f\n"
    ".code64\n"
    "4:\n\t"
    "mov %rbp, %rsp\n\t"
    "movslq %eax, %rax\n\t"
    "pop %rbp\n\t"
    "pop %rbx\n\t"
    "ret\n\t"
    ".size compat_call, . - compat_call\n"
    ".popsection\n");

static void gdt32_load(void)
{
	struct desc_ptr p;

	memcpy(gdt32, gdt, 7 * sizeof(u64));
	/* base 0, limit 4 GiB, present, DPL 0, code, D = 1, L = 0 */
	gdt32[KERNEL_CS32 / 8] = 0x00cf9a000000ffffULL;
	p.limit = sizeof(gdt32) - 1;
	p.base = (u64)gdt32;
	asm volatile("lgdt %0" : : "m"(p) : "memory");
}

static long c32(u32 nr, u32 a1, u32 a2, u32 a3)
{
	u32 args[5] = { a1, a2, a3, 0, 0 };

	return compat_call(nr, args, GARBAGE);
}

/* A pointer as a 32-bit caller passes it (everything here is below 4 GiB). */
static u32 p32(const void *p)
{
	return (u32)(unsigned long)p;
}

static void check_compat_memory(void)
{
	static struct { u32 nr_entries, buffer; } mm;
	static struct { u16 domid, size; u32 space, idx, gpfn; } atp;
	static struct { u16 domid, pad; u32 gpfn; } rfp;
	static struct { u32 list, nr, order, flags; u16 domid; } __attribute__((packed)) rsv;
	static u32 list[1];
	static u8 e820[32][20];

	mm = (typeof(mm)){ 32, p32(e820) };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_memory_map, p32(&mm), 0), 0,
	       "compat: memory_map");
	expect(mm.nr_entries, memmap_entries, "compat: memory_map entries");
	mm = (typeof(mm)){ 1, p32(e820) };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_memory_map, p32(&mm), 0), 0,
	       "compat: memory_map, nr_entries 1");
	expect(mm.nr_entries, 1, "compat: memory_map, nr_entries 1: entries");
	mm = (typeof(mm)){ 32, VA_UNMAPPED };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_memory_map, p32(&mm), 0), -EFAULT,
	       "compat: memory_map, buffer unmapped");

	atp = (typeof(atp)){ DOMID_SELF, 0, 99, 0, SHINFO_GFN2 };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, p32(&atp), 0), -EINVAL,
	       "compat: add_to_physmap space 99");
	expect(c32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, VA_UNMAPPED, 0), -EFAULT,
	       "compat: add_to_physmap, argument unmapped");
	if (shinfo) {
		atp = (typeof(atp)){ DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, SHINFO_GFN2 };
		expect(c32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, p32(&atp), 0), 0,
		       "compat: add_to_physmap shared_info at gfn %#lx", SHINFO_GFN2);
		atp.gpfn = SHINFO_GFN1;
		expect(c32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, p32(&atp), 0), 0,
		       "compat: add_to_physmap shared_info back at gfn %#lx", SHINFO_GFN1);
	}
	rfp = (typeof(rfp)){ DOMID_SELF, 0, GFN_NEVER_MAPPED };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, p32(&rfp), 0),
	       -ENOENT, "compat: remove_from_physmap of a gfn never mapped");

	expect(c32(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, VA_UNMAPPED, 0), 0,
	       "compat: decrease_reservation, argument unmapped");
	if (!scratch_gfn)
		return;
	list[0] = scratch_gfn + 8;
	rsv = (typeof(rsv)){ p32(list), 1, 0, 0, DOMID_SELF };
	expect(c32(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, p32(&rsv), 0), 1,
	       "compat: decrease_reservation of 1 gfn");
	expect(c32(__HYPERVISOR_memory_op, XENMEM_populate_physmap, p32(&rsv), 0), 1,
	       "compat: populate_physmap of it");
	rsv.list = VA_UNMAPPED;
	expect(c32(__HYPERVISOR_memory_op, XENMEM_populate_physmap, p32(&rsv), 0), 0,
	       "compat: populate_physmap, list unmapped");
}

static void check_compat_sched_vcpu(void)
{
	static struct { u32 ports, nr, timeout_lo, timeout_hi; } pl;
	static u8 rs[44];		/* compat vcpu_runstate_info: 4-byte aligned */
	static struct { u32 lo, hi, flags; } sst;
	static evtchn_port_t port;
	u64 entry, t0, dl;

	if (expect(evtchn_bind_ipi(0, &port), 0, "bind_ipi for compat")) {
		port_clear(port);
		pl = (typeof(pl)){ p32(&port), 129, 1, 0 };
		expect(c32(__HYPERVISOR_sched_op, SCHEDOP_poll, p32(&pl), 0), -EINVAL,
		       "compat: poll 129 ports");
		pl = (typeof(pl)){ VA_UNMAPPED, 1, 1, 0 };
		expect(c32(__HYPERVISOR_sched_op, SCHEDOP_poll, p32(&pl), 0), -EFAULT,
		       "compat: poll, port list unmapped");
		t0 = now_ns() - NS_PER_MS;
		pl = (typeof(pl)){ p32(&port), 1, (u32)t0, (u32)(t0 >> 32) };
		expect(c32(__HYPERVISOR_sched_op, SCHEDOP_poll, p32(&pl), 0), 0,
		       "compat: poll, timeout 1 ms ago");
		expect(c32(__HYPERVISOR_event_channel_op, EVTCHNOP_send, p32(&port), 0), 0,
		       "compat: send on an IPI port");
		report(!shinfo || port_pending(port), "compat: the port is pending");
		port_clear(port);
		expect(c32(__HYPERVISOR_event_channel_op, EVTCHNOP_close, p32(&port), 0), 0,
		       "compat: close it");
	}

	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, p32(rs)), 0,
	       "compat: get_runstate_info");
	memcpy(&entry, rs + 4, 8);
	report(*(s32 *)rs == RUNSTATE_running && entry && entry <= now_ns(),
	       "compat: runstate packed (state %d, entry time %#lx at offset 4)",
	       *(s32 *)rs, (unsigned long)entry);
	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1,
	       "compat: is_up vCPU 0");
	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_is_up, nr_vcpus, 0), -ENOENT,
	       "compat: is_up vCPU %u", nr_vcpus);
	t0 = now_ns() - NS_PER_MS;
	sst = (typeof(sst)){ (u32)t0, (u32)(t0 >> 32), 0 };
	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, p32(&sst)), 0,
	       "compat: set_singleshot_timer 1 ms ago");
	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, VA_UNMAPPED),
	       -EFAULT, "compat: set_singleshot_timer, argument unmapped");
	expect(c32(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0), 0,
	       "compat: stop_singleshot_timer");

	/* set_timer_op takes the time in two registers. */
	t0 = now_ns();
	dl = t0 + 3 * NS_PER_MS;
	expect(c32(__HYPERVISOR_set_timer_op, (u32)dl, (u32)(dl >> 32), 0), 0,
	       "compat: set_timer_op now + 3 ms");
	while (now_ns() < dl && now_ns() - t0 < NS_PER_SEC)
		safe_halt();
	report(now_ns() >= dl, "compat: woke at the deadline (%lu us)",
	       (unsigned long)((now_ns() - t0) / 1000));
	expect(c32(__HYPERVISOR_set_timer_op, 0, 0, 0), 0, "compat: set_timer_op 0");
}

static void check_compat_misc(void)
{
	static struct xen_hvm_param hp;
	static struct xen_feature_info fi;
	static u32 params[2];
	static const char msg[] = "hostile_dom0: a line from compatibility mode\n";

	expect(c32(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x40011,
	       "compat: xen_version");
	fi.submap_idx = 5;
	expect(c32(__HYPERVISOR_xen_version, XENVER_get_features, p32(&fi), 0), -EINVAL,
	       "compat: get_features submap 5");
	params[0] = params[1] = 0xeeeeeeee;
	expect(c32(__HYPERVISOR_xen_version, XENVER_platform_parameters, p32(params), 0),
	       0, "compat: platform_parameters");
	report(params[0] == 0 && params[1] == 0xeeeeeeee,
	       "compat: platform_parameters is 4 bytes, virt_start %#x (Xen 4.17: 0)",
	       params[0]);
	hp = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				     .value = 0x1234 };
	expect(c32(__HYPERVISOR_hvm_op, HVMOP_get_param, p32(&hp), 0), 0,
	       "compat: get_param CALLBACK_IRQ");
	expect(hp.value, 0, "compat: CALLBACK_IRQ value");
	expect(c32(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, p32(msg)), 0,
	       "compat: console_io write");
	expect(c32(__HYPERVISOR_console_io, CONSOLEIO_write, 4, VA_UNMAPPED), -EFAULT,
	       "compat: console_io write, buffer unmapped");
	expect(c32(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 0, 0), -EINVAL,
	       "compat: vm_assist 4gb_segments");
	expect(c32(99, 0, 0, 0), -ENOSYS, "compat: hypercall 99");
	expect(c32(__HYPERVISOR_physdev_op, 99, 0, 0), -ENOSYS, "compat: physdev_op 99");
}

/* The 32-bit multicall entry: op, result, args[6], 32 bits each. */
static void check_compat_multicall(void)
{
	static struct { u32 op, result, args[6]; } mc[3];

	memset(mc, 0xee, sizeof(mc));
	mc[0].op = __HYPERVISOR_xen_version;
	mc[0].args[0] = XENVER_version;
	mc[1].op = __HYPERVISOR_multicall;
	mc[2].op = 99;
	expect(c32(__HYPERVISOR_multicall, p32(mc), 3, 0), 0, "compat: multicall of 3");
	report(mc[0].result == 0x40011 && mc[1].result == (u32)-EINVAL &&
	       mc[2].result == (u32)-ENOSYS && mc[0].args[1] == 0xeeeeeeee,
	       "compat: results %#x %#x %#x, other words untouched",
	       mc[0].result, mc[1].result, mc[2].result);
	expect(c32(__HYPERVISOR_multicall, 0x40000000, 1, 0), -EFAULT,
	       "compat: multicall list unmapped");
}

void check_compat(void)
{
	gdt32_load();
	check_compat_misc();
	check_compat_memory();
	check_compat_sched_vcpu();
	check_compat_multicall();
}
