#!/bin/sh
# HVM guests under Debian's unmodified toolstack, QEMU and firmware
# (installed as /test/run in the root of DOM0ROOT_HVM=1
# tools/mkdom0root.sh; tests/boot/linux-cases.sh linux_xl_hvm_case):
#   - `xl create` of an HVM guest with no disk: libxl builds the domain
#     (Amphi's PC platform inside, hvm_info, special pages), loads Debian's
#     hvmloader with SeaBIOS as its module and spawns qemu-system-xen as
#     the device model; hvmloader starts in 32-bit protected mode, talks
#     to xenstore, lays out PCI through QEMU, writes the BIOS tables and
#     enters SeaBIOS in real mode, which finds QEMU's devices, tries every
#     boot device and stops at "No bootable device";
#   - `xl destroy` removes the guest and its device model, with all memory
#     back.
# Firmware output reaches the hypervisor's console through port 0xE9 and
# is read back with xl dmesg.  One "xl-hvm: PASS|FAIL" line per check
# (tests/linux/checks.sh).
CHECKS_PREFIX=xl-hvm
. /test/checks.sh

# dmesg_has DOMID ERE: a line of guest DOMID's firmware output matches.
dmesg_has() { xl dmesg 2>/dev/null | grep -a "(d$1) " | grep -Eq "$2"; }
# wait_dmesg DOMID ERE SECONDS
wait_dmesg() {
	i=0
	while [ "$i" -lt "$3" ]; do
		dmesg_has "$1" "$2" && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
# dm_pid DOMID: the device model's pid, as libxl records it.
dm_pid() { xenstore-read "/local/domain/$1/image/device-model-pid" 2>/dev/null; }
# is_qemu PID: PID runs Debian's qemu-system-xen.
is_qemu() { alive "$1" && grep -q xen-qemu-system-i386 "/proc/$1/cmdline"; }

free0=$(free_mb)

# --- Firmware: hvmloader and SeaBIOS, nothing to boot -----------------------
cat >/tmp/hvm-fw.cfg <<CFG
# An ordinary xl.cfg for an HVM guest with nothing to boot (xl.cfg(5)).
name = "hvm-fw"
type = "hvm"
memory = 64
vcpus = 1
vga = "none"
vnc = 0
boot = "c"
on_crash = "preserve"
CFG
run_prefixed xl-create-fw xl create /tmp/hvm-fw.cfg
check "hvm-fw: xl create exits 0" [ "$RC" = 0 ]
d=$(xl domid hvm-fw 2>/dev/null)
dm=$(dm_pid "$d")
check "hvm-fw: QEMU runs as its device model (pid $dm)" is_qemu "$dm"
check "hvm-fw: SeaBIOS found no bootable device" \
	wait_dmesg "${d:-x}" "No bootable device" 240
xl dmesg | grep -a "(d$d) " | sed 's/^/hvm-fw: /'
check "hvm-fw: hvmloader ran" dmesg_has "$d" "HVM Loader"
check "hvm-fw: hvmloader reached xenstore" dmesg_has "$d" "Xenbus rings @0x[0-9a-f]+, event channel [0-9]+"
check "hvm-fw: hvmloader routed the PCI links" dmesg_has "$d" "PCI-ISA link 0 routed to IRQ"
check "hvm-fw: hvmloader placed QEMU's PCI BARs" dmesg_has "$d" "pci dev [0-9a-f]+:[0-9a-f] bar"
check "hvm-fw: hvmloader wrote the ACPI tables" dmesg_has "$d" "Loading ACPI"
check "hvm-fw: SeaBIOS runs" dmesg_has "$d" "SeaBIOS \(version"
check "hvm-fw: SeaBIOS found the Xen signature" dmesg_has "$d" "Found Xen hypervisor signature"
check "hvm-fw: SeaBIOS found QEMU's PCI devices" dmesg_has "$d" "Found [0-9]+ PCI devices"
check "hvm-fw: SeaBIOS found QEMU's ATA controllers" dmesg_has "$d" "ATA controller 1 at 1f0"
check "hvm-fw: SeaBIOS tried the hard disk" dmesg_has "$d" "Booting from Hard Disk"
run_prefixed xl-list-fw xl list
check "hvm-fw: xl list shows it" grep -Eq '^hvm-fw +[0-9]+ ' /tmp/out
run_prefixed xl-destroy-fw xl destroy hvm-fw
check "hvm-fw: xl destroy exits 0" [ "$RC" = 0 ]
check "hvm-fw: it is gone" wait_gone "^hvm-fw "
sleep 1
check "hvm-fw: its device model is gone" sh -c "[ -n \"$dm\" ] && ! kill -0 \"$dm\" 2>/dev/null"
sed 's/^/hvm-fw-qemu: /' "/var/log/xen/qemu-dm-hvm-fw.log" 2>/dev/null

free1=$(wait_free "$free0")
check "all memory back ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]
check "xenstored still running" alive "${XENSTORED_PID:-}"
checks_summary
