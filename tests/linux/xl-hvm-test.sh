#!/bin/sh
# HVM guests under Debian's unmodified toolstack, QEMU and firmware
# (installed as /test/run in the root of DOM0ROOT_HVM=1
# tools/mkdom0root.sh; tests/boot/linux-cases.sh linux_xl_hvm_case):
#   - hvm-fw, a guest with no disk: libxl builds the domain (Amphi's PC
#     platform inside, hvm_info, special pages), loads Debian's hvmloader
#     with SeaBIOS as its module and spawns qemu-system-xen as the device
#     model; hvmloader starts in 32-bit protected mode, talks to xenstore,
#     lays out PCI through QEMU, writes the BIOS tables and enters SeaBIOS
#     in real mode, which finds QEMU's devices, tries every boot device and
#     stops at "No bootable device"; xl destroy removes guest and QEMU;
#   - failures: QEMU killed under a running guest (only that guest waits;
#     xl destroy removes it), and xl's errors for a disk image and a BIOS
#     that do not exist, with nothing left behind;
#   - hvm-bios (only when /test/hvm-nopv.img is there: make test-long):
#     Debian's kernel with xen_nopv, an OS that knows nothing of Xen,
#     booted by SeaBIOS and GRUB from an AHCI disk: it sees both AHCI
#     disks, pings dom0 through an emulated e1000 on xenbr0, writes its
#     data disk, reboots itself (libxl recreates the domain), reads the
#     data back and powers itself off through ACPI;
#   - hvm-pvhvm: the same kernel without xen_nopv finds Xen and QEMU's
#     platform device, unplugs the emulated disks and NIC and uses
#     blkfront and netfront, with events through the callback vector; its
#     data survive xl reboot; xl shutdown ends it;
#   - all memory back at the end.
# Firmware output reaches the hypervisor's console through port 0xE9 and
# is read back with xl dmesg; the guests' serial consoles are QEMU's, in
# files copied into the log as they grow.  One "xl-hvm: PASS|FAIL" line per
# check (tests/linux/checks.sh).
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
# follow FILE PREFIX: copy FILE into the log as it grows (and again from
# its start when it is recreated, as QEMU does on a guest's reboot), so a
# scenario cut short by its timeout still shows the guest's console.
follow() {
	tail -F -n +1 "$1" 2>/dev/null | sed "s/^/$2: /" &
	FOLLOWERS="$FOLLOWERS $!"
}
# unfollow: stop copying; the last lines get a moment to arrive.
unfollow() {
	sleep 1
	for p in $FOLLOWERS; do kill "$p" 2>/dev/null; done
	pkill -f "tail -F -n +1" 2>/dev/null
	FOLLOWERS=
}
FOLLOWERS=
# dm_pid DOMID: the device model's pid, as libxl records it.
dm_pid() { xenstore-read "/local/domain/$1/image/device-model-pid" 2>/dev/null; }
# is_qemu PID: PID runs Debian's qemu-system-xen.
is_qemu() { alive "$1" && grep -q xen-qemu-system-i386 "/proc/$1/cmdline"; }

free0=$(free_mb)
# dom0's side of the network: the bridge the guests' NICs join.
brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
check "xenbr0 is up" ip link show xenbr0

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

# --- Failures: a device model that dies, configs that cannot work ------------
# QEMU killed (kill -9) under a running guest: the guest waits for an
# answer that never comes (as on Xen), nothing else is touched, and xl
# destroy removes it.
sed 's/hvm-fw/hvm-kill/' /tmp/hvm-fw.cfg >/tmp/hvm-kill.cfg
run_prefixed xl-create-kill xl create /tmp/hvm-kill.cfg
check "hvm-kill: xl create exits 0" [ "$RC" = 0 ]
d=$(xl domid hvm-kill 2>/dev/null)
dm=$(dm_pid "$d")
check "hvm-kill: SeaBIOS runs" wait_dmesg "${d:-x}" "SeaBIOS \(version" 240
kill -9 "$dm" 2>/dev/null
sleep 3
run_prefixed xl-list-kill xl list
check "hvm-kill: its QEMU is gone, the guest is still listed" \
	sh -c "! kill -0 $dm 2>/dev/null && grep -Eq '^hvm-kill +$d ' /tmp/out"
run_prefixed xl-destroy-kill xl destroy hvm-kill
check "hvm-kill: xl destroy exits 0" [ "$RC" = 0 ]
check "hvm-kill: it is gone" wait_gone "^hvm-kill "

# xl's error for a disk image or a BIOS that does not exist, and nothing
# left behind.
sed -e 's/hvm-fw/hvm-nodisk/' /tmp/hvm-fw.cfg >/tmp/hvm-nodisk.cfg
echo "disk = [ '/tmp/no-such.img,raw,hda,w' ]" >>/tmp/hvm-nodisk.cfg
run_prefixed xl-create-nodisk xl create /tmp/hvm-nodisk.cfg
check "hvm-nodisk: xl create fails" [ "$RC" != 0 ]
check "hvm-nodisk: xl names the missing image" grep -q "no-such.img" /tmp/out
sed -e 's/hvm-fw/hvm-nobios/' /tmp/hvm-fw.cfg >/tmp/hvm-nobios.cfg
printf 'bios = "seabios"\nbios_path_override = "/tmp/no-such-bios.bin"\n' >>/tmp/hvm-nobios.cfg
run_prefixed xl-create-nobios xl create /tmp/hvm-nobios.cfg
check "hvm-nobios: xl create fails" [ "$RC" != 0 ]
check "hvm-nobios: xl says it cannot read the BIOS" grep -q "failed to read BIOS file" /tmp/out
run_prefixed xl-list-bad xl list
check "no domain is left behind by the failures" sh -c "! grep -Eq '^hvm-' /tmp/out"
free_bad=$(wait_free "$free0")
check "all memory back after the failures ($free0 MiB free before, $free_bad after)" [ "$free_bad" -ge "$free0" ]

# --- An OS from a disk -------------------------------------------------------
# hvm_cfg NAME IMAGE: an ordinary xl.cfg for an HVM guest booting IMAGE (a
# copy of tools/mkhvmdisk.sh's: GRUB, Debian's kernel, the guests'
# initramfs tests/linux/guest-init.sh) from its first AHCI disk, with an
# empty second disk for its data and an e1000 NIC on xenbr0; its serial
# port is logged to /tmp/NAME-serial.log.
hvm_cfg() {
	cp "$2" "/tmp/$1.img"
	dd if=/dev/zero of="/tmp/$1-data.img" bs=1M count=8 2>/dev/null
	cat >"/tmp/$1.cfg" <<-CFG
	name = "$1"
	type = "hvm"
	memory = 256
	vcpus = 1
	vga = "none"
	vnc = 0
	serial = "file:/tmp/$1-serial.log"
	hdtype = "ahci"
	disk = [ '/tmp/$1.img,raw,hda,w', '/tmp/$1-data.img,raw,hdb,w' ]
	vif = [ 'bridge=xenbr0,model=e1000' ]
	boot = "c"
	on_poweroff = "destroy"
	on_reboot = "restart"
	on_crash = "preserve"
	CFG
}
# md5_of FILE WORD: the md5 the guest printed after "guest: disk WORD".
md5_of() { sed -n "s/.*guest: disk $2 \([0-9a-f]*\).*/\1/p" "$1" | tail -n1; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
# new_domid NAME OLD: wait (300 s) for NAME to exist with an id other than OLD.
new_domid() {
	i=0
	while [ "$i" -lt 300 ]; do
		n=$(xl domid "$1" 2>/dev/null)
		[ -n "$n" ] && [ "$n" != "$2" ] && { echo "$n"; return 0; }
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# An unmodified OS: Debian's kernel with xen_nopv sees a plain PC (no Xen
# signature used, no PV drivers): AHCI disks, QEMU's serial port.  It
# writes its data disk and reboots itself (QEMU's reset becomes a reboot
# of the domain, which libxl recreates), reads the data back and powers
# itself off through ACPI.
# (make test-long only: tests/boot/linux-cases.sh gives this image then.)
if [ -f /test/hvm-nopv.img ]; then
	n=hvm-bios
	CON=/tmp/$n-serial.log
	hvm_cfg $n /test/hvm-nopv.img
	follow "$CON" "$n-console"
	follow "/var/log/xen/xl-$n.log" "$n-xl"
	run_prefixed xl-create-$n xl -vv create /tmp/$n.cfg
	check "$n: xl create exits 0" [ "$RC" = 0 ]
	d=$(xl domid $n 2>/dev/null)
	check "$n: SeaBIOS boots the AHCI disk" wait_dmesg "${d:-x}" "Booting from Hard Disk" 120
	check "$n: GRUB loads the kernel" wait_for "$CON" "grub: booting" 600
	check "$n: the guest's /init runs" wait_for "$CON" "guest: ready" 900
	check "$n: the guest sees no hypervisor (xen_nopv)" grep -q "guest: hypervisor  \." "$CON"
	check "$n: the guest sees both AHCI disks" grep -q "guest: disks .*sda .*sdb" "$CON"
	check "$n: the guest wrote its data disk" grep -q "guest: disk wrote" "$CON"
	check "$n: the guest pings dom0 through the emulated e1000" grep -q "guest: ping dom0 10.0.0.1 ok" "$CON"
	wrote=$(md5_of "$CON" wrote)
	# The next QEMU starts a new log; this one keeps the first boot's end.
	mv "$CON" "$CON.1"
	d2=$(new_domid $n "$d")
	check "$n: the guest's own reboot made a new domain (d$d, then d${d2:-?})" [ -n "$d2" ]
	check "$n: the guest booted again" wait_for "$CON" "guest: ready" 900
	check "$n: the data survived the reboot ($wrote)" same "$wrote" "$(md5_of "$CON" read)"
	check "$n: the guest powered itself off, and is gone" wait_gone "^$n "
	unfollow
	xl dmesg | grep -a "(d$d) \|(d$d2) " | sed "s/^/$n: /"
	sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null
fi

# PVHVM: the same kernel without xen_nopv finds Xen and the platform PCI
# device, unplugs the emulated disks and uses blkfront, with events through
# the callback vector; xl reboot and xl shutdown reach it through xenstore.
n=hvm-pvhvm
CON=/tmp/$n-serial.log
hvm_cfg $n /test/hvm-pvhvm.img
follow "$CON" "$n-console"
run_prefixed xl-create-$n xl -vv create /tmp/$n.cfg
check "$n: xl create exits 0" [ "$RC" = 0 ]
d=$(xl domid $n 2>/dev/null)
check "$n: the guest's /init runs" wait_for "$CON" "guest: ready" 900
check "$n: the guest runs on Xen 4.17" grep -q "guest: hypervisor xen 4.17" "$CON"
check "$n: Linux asks QEMU to unplug the emulated disks and NIC" grep -q "guest: kernel: .*unplug emulated disks" "$CON"
check "$n: events arrive through the callback vector" grep -q "guest: kernel: .*Xen HVM callback vector for event delivery is enabled" "$CON"
check "$n: the guest wrote its data disk through blkfront" grep -q "guest: disk wrote" "$CON"
check "$n: the guest pings dom0 through netfront" grep -q "guest: ping dom0 10.0.0.1 ok" "$CON"
wrote=$(md5_of "$CON" wrote)
mv "$CON" "$CON.1"
run_prefixed xl-reboot-$n xl reboot $n
check "$n: xl reboot exits 0" [ "$RC" = 0 ]
d2=$(new_domid $n "$d")
check "$n: xl reboot made a new domain (d$d, then d${d2:-?})" [ -n "$d2" ]
check "$n: the guest booted again" wait_for "$CON" "guest: ready" 900
check "$n: the data survived the reboot ($wrote)" same "$wrote" "$(md5_of "$CON" read)"
run_prefixed xl-shutdown-$n xl shutdown -w $n
check "$n: xl shutdown -w exits 0" [ "$RC" = 0 ]
check "$n: it is gone" wait_gone "^$n "
unfollow
sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null

free1=$(wait_free "$free0")
check "all memory back ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]
check "xenstored still running" alive "${XENSTORED_PID:-}"
checks_summary
