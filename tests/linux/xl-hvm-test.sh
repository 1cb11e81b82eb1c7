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
#   - hvm-cd: memtest86+, another OS that knows nothing of Xen, from an
#     ISO (tools/mkhvmiso.sh) through SeaBIOS's El Torito boot and GRUB;
#     its serial port read with xl console -t serial; its VGA screen
#     served over VNC and dumped through QEMU's monitor (xl
#     qemu-monitor-command) for the host to check; while it runs,
#     hvm-hostile (a boot sector from a small IDE disk) writes garbage to
#     its devices and triple-faults in real mode, which ends only it;
#   - hvm-bios: Debian's kernel with xen_nopv, an OS that knows nothing of
#     Xen, booted by SeaBIOS and GRUB from an AHCI disk: it sees both AHCI
#     disks, pings dom0 through an emulated e1000 on xenbr0, writes its
#     data disk, reboots itself (libxl recreates the domain), reads the
#     data back and powers itself off through ACPI;
#   - hvm-pvhvm: the same kernel without xen_nopv finds Xen and QEMU's
#     platform device, unplugs the emulated disks and NIC and uses
#     blkfront and netfront, with events through the callback vector; its
#     data survive xl reboot; xl shutdown ends it;
#   - hvm-uefi: OvmfXen (built from Debian's edk2 source) instead of
#     SeaBIOS finds a GPT disk through its Xen PV block driver and runs
#     GRUB for UEFI from its EFI system partition; the kernel finds the
#     UEFI system table; xl shutdown ends it;
#   - side by side: an HVM guest (a counting boot sector) and a PVH guest
#     (Debian's kernel counting in a shell loop) on one pCPU share it by
#     their credit weights, 2 : 1; either kind survives the other's end;
#   - all memory back at the end.
# Each guest runs when its image is in /test (the VMX case gives only
# hvm-nopv.img); the firmware and failure checks always run.
# Firmware output reaches the hypervisor's console through port 0xE9 and
# is read back with xl dmesg; the guests' serial consoles are QEMU's, in
# files copied into the log as they grow (hvm-cd's is a pty, read with xl
# console).  One "xl-hvm: PASS|FAIL" line per check (tests/linux/checks.sh).
CHECKS_PREFIX=xl-hvm
. /test/checks.sh

# dmesg_has DOMID ERE: a line of guest DOMID's firmware output matches.
dmesg_has() { xl dmesg 2>/dev/null | grep -a "(d$1) " | grep -Eq "$2"; }
# hv_dmesg_has ERE: a line of the hypervisor's console matches.
hv_dmesg_has() { xl dmesg 2>/dev/null | grep -aEq "$1"; }
# wait_until SECONDS CMD...: run CMD every second until it succeeds.
wait_until() {
	wu_max=$1
	shift
	i=0
	while [ "$i" -lt "$wu_max" ]; do
		"$@" && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
# wait_dmesg DOMID ERE SECONDS
wait_dmesg() { wait_until "$3" dmesg_has "$1" "$2"; }
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

# Free memory as xl info rounds it down to MiB.  dom0's own tables (the
# event-channel buckets and grant frames QEMU and the backends make it
# use) grow by a few pages when the first guest runs and stay, which can
# cross a MiB boundary: "all memory back" allows that one MiB.  Each
# guest's own frames are accounted by the hypervisor's "its last frame
# returned" line in the log.
free0=$(free_mb)
mem_back() { [ -n "$1" ] && [ "$1" -ge $((free0 - 1)) ]; }
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
check "all memory back after the failures ($free0 MiB free before, $free_bad after)" mem_back "$free_bad"

# --- A hostile HVM guest -----------------------------------------------------
# hostile_beside CONSOLE: while another guest writes CONSOLE, hvm-hostile
# boots tests/linux/hvm-hostile.S from a small IDE disk (SeaBIOS reads it
# with ATA PIO): it reads every port, writes garbage to the hypervisor's
# and QEMU's devices' ports and MMIO and triple-faults in real mode, which
# reboots it (HVM_PARAM_TRIPLE_FAULT_REASON), and on_reboot = "destroy"
# ends it.  The other guest keeps writing its console throughout.
hostile_beside() {
	cat >/tmp/hvm-hostile.cfg <<-CFG
	name = "hvm-hostile"
	type = "hvm"
	memory = 32
	vcpus = 1
	vga = "stdvga"
	vnc = 0
	disk = [ '/test/hvm-hostile.img,raw,hda,w' ]
	boot = "c"
	on_reboot = "destroy"
	on_crash = "destroy"
	CFG
	run_prefixed xl-create-hostile xl create /tmp/hvm-hostile.cfg
	check "hvm-hostile: xl create exits 0" [ "$RC" = 0 ]
	h=$(xl domid hvm-hostile 2>/dev/null)
	[ -n "$h" ] || return
	check "hvm-hostile: SeaBIOS boots it from its IDE disk" \
		wait_dmesg "$h" "hostile: runs" 120
	check "hvm-hostile: it wrote garbage to the devices' ports and MMIO" \
		wait_dmesg "$h" "hostile: MMIO written" 120
	check "hvm-hostile: its triple fault in real mode reboots it (xl dmesg)" \
		wait_until 60 hv_dmesg_has "d$h: triple fault on vCPU0 .*shutdown action 1"
	check "hvm-hostile: on_reboot = destroy ends it" wait_gone "^hvm-hostile "
	check "hvm-hostile: it never ran on after the fault" sh -c "! xl dmesg | grep -aq '(d$h) hostile: FAIL'"
	xl dmesg | grep -a "(d$h) \|d$h: " | sed "s/^/hvm-hostile: /"
	a=$(wc -c <"$1")
	sleep 5
	check "hvm-hostile: the guest beside it still runs (its console grows)" \
		[ "$(wc -c <"$1")" -gt "$a" ]
}

# --- Another unmodified OS from a CD, its screen and its serial port ---------
# memtest86+ on an ISO (tools/mkhvmiso.sh): SeaBIOS boots the CD-ROM
# through El Torito, GRUB starts memtest86+, which draws its screen on the
# emulated standard VGA (text mode) and copies it to its serial port.  The
# serial port is QEMU's pty, whose path libxl puts in xenstore: xl console
# -t serial opens it and reads it, as a user would.  QEMU's monitor dumps the screen; the test prints
# the dump for tests/linux/screen.py on the host, which makes it a PNG and
# reads its text back.  vnc=1: QEMU also serves the screen over VNC.
if [ -f /test/hvm-cd.iso ]; then
	n=hvm-cd
	cat >/tmp/$n.cfg <<-CFG
	name = "$n"
	type = "hvm"
	memory = 64
	vcpus = 1
	vga = "stdvga"
	vnc = 1
	vnclisten = "127.0.0.1"
	serial = "pty"
	disk = [ 'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/test/hvm-cd.iso' ]
	boot = "d"
	on_crash = "preserve"
	CFG
	CON=/tmp/$n-console.out
	run_prefixed xl-create-$n xl create /tmp/$n.cfg
	check "$n: xl create exits 0" [ "$RC" = 0 ]
	d=$(xl domid $n 2>/dev/null)
	if [ -n "$d" ]; then
		# xl console takes its input from a terminal: script gives it one.
		script -q -c "xl console -t serial $n" /dev/null >"$CON" 2>&1 &
		CON_PID=$!
		follow "$CON" "$n-console"
		check "$n: SeaBIOS boots the CD through El Torito" \
			wait_dmesg "$d" "Booting from DVD/CD" 120
		check "$n: GRUB, loaded from the CD, starts memtest86+ (xl console -t serial)" \
			wait_for "$CON" "grub: booting memtest86\\+" 300
		# memtest86+ resends the running test's name every 2 s.
		MT_TEST="\\[(Address test|Moving inversions|Block move|Random number|Modulo 20|Bit fade)"
		if ! wait_for "$CON" "$MT_TEST" 150; then
			# Once in about ten runs the console client stops reading
			# QEMU's pty, which then drops the guest's output.  Say what
			# the client looked like, then attach a new one.
			echo "$n: NOTE: nothing from memtest86+ on xl console in 150 s; the client:"
			ps -o pid,ppid,stat,args 2>&1 | grep -e "xl console" -e "script -q" |
				grep -v grep | sed "s/^/$n: /"
			kill -0 "$CON_PID" 2>/dev/null || echo "$n: script (pid $CON_PID) is gone"
			for c in $(pgrep -f "xl console -t serial $n"); do
				ls -l /proc/$c/fd 2>&1 | sed "s/^/$n: fd: /"
			done
			echo "$n: serial/0/tty is $(xenstore-read /local/domain/$d/serial/0/tty 2>&1)"
			tail -c 200 "$CON" | od -c | tail -n 4 | sed "s/^/$n: console tail: /"
			xl qemu-monitor-command $n "info chardev" 2>&1 | sed "s/^/$n: /"
			kill "$CON_PID" 2>/dev/null
			pkill -f "xl console -t serial $n" 2>/dev/null
			script -q -c "xl console -t serial $n" /dev/null >>"$CON" 2>&1 &
			CON_PID=$!
			echo "$n: NOTE: xl console attached again"
		fi
		check "$n: memtest86+ tests the guest's memory (xl console -t serial)" \
			wait_for "$CON" "$MT_TEST" 150
		# 127.0.0.1:5900 (0100007F:170C) listening (state 0A).
		check "$n: QEMU serves its screen over VNC on 127.0.0.1:5900" \
			grep -q "0100007F:170C 00000000:0000 0A" /proc/net/tcp
		hostile_beside "$CON"
		# Three dumps, 3 s apart: memtest86+ blanks its test's name
		# while it moves to the next test, and one dump can catch
		# that moment.  The host reads the first that shows a test.
		for s in $n $n.2 $n.3; do
			[ "$s" = "$n" ] || sleep 3
			rm -f /tmp/$s.ppm
			run_prefixed xl-screendump-$s xl qemu-monitor-command $n "screendump /tmp/$s.ppm"
			check "$s: QEMU's monitor dumps the screen" [ -s /tmp/$s.ppm ]
			# For the host (tests/linux/screen.py): gzip'd, in base64.
			gzip -c /tmp/$s.ppm >/tmp/$s.ppm.gz
			echo "screen $s: begin"
			base64 /tmp/$s.ppm.gz | sed "s/^/screen $s: /"
			echo "screen $s: end md5 $(md5sum </tmp/$s.ppm.gz | cut -d' ' -f1)"
		done
		run_prefixed xl-destroy-$n xl destroy $n
		check "$n: xl destroy exits 0" [ "$RC" = 0 ]
		check "$n: it is gone" wait_gone "^$n "
		unfollow
		xl dmesg | grep -a "(d$d) " | sed "s/^/$n: /"
	fi
	sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null
fi

# --- An OS from a disk -------------------------------------------------------
# hvm_cfg NAME IMAGE [DATA_MIB]: tests/linux/hvm-cfg.sh.
. /test/hvm-cfg.sh
# wait_guest NAME FILE ERE SECONDS: wait_for, giving up once guest NAME is
# gone (libxl destroys a domain whose device model did not start in time).
wait_guest() {
	i=0
	while [ "$i" -lt "$4" ]; do
		grep -Eq "$3" "$2" 2>/dev/null && return 0
		if [ $((i % 10)) = 9 ] && ! xl domid "$1" >/dev/null 2>&1; then
			echo "xl-hvm: $1 is gone"
			return 1
		fi
		sleep 1
		i=$((i + 1))
	done
	return 1
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
	check "$n: GRUB loads the kernel" wait_guest $n "$CON" "grub: booting" 600
	check "$n: the guest's /init runs" wait_guest $n "$CON" "guest: ready" 900
	check "$n: the guest sees no hypervisor (xen_nopv)" grep -q "guest: hypervisor  \." "$CON"
	check "$n: the guest sees both AHCI disks" sh -c "grep 'guest: disks ' '$CON' | grep -q ' sda ' && grep 'guest: disks ' '$CON' | grep -q ' sdb '"
	check "$n: the guest wrote its data disk" grep -q "guest: disk wrote" "$CON"
	check "$n: the guest pings dom0 through the emulated e1000" grep -q "guest: ping dom0 10.0.0.1 ok" "$CON"
	wrote=$(md5_of "$CON" wrote)
	# The next QEMU starts a new log; this one keeps the first boot's end.
	mv "$CON" "$CON.1"
	d2=$(new_domid $n "$d")
	check "$n: the guest's own reboot made a new domain (d$d, then d${d2:-?})" [ -n "$d2" ]
	check "$n: the guest booted again" wait_guest $n "$CON" "guest: ready" 900
	check "$n: the data survived the reboot ($wrote)" same "$wrote" "$(md5_of "$CON" read)"
	check "$n: the guest powered itself off, and is gone" wait_gone "^$n "
	unfollow
	xl dmesg | grep -a "(d$d) \|(d$d2) " | sed "s/^/$n: /"
	sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null
fi

# PVHVM: the same kernel without xen_nopv finds Xen and the platform PCI
# device, unplugs the emulated disks and uses blkfront, with events through
# the callback vector; xl reboot and xl shutdown reach it through xenstore.
if [ -f /test/hvm-pvhvm.img ]; then
	n=hvm-pvhvm
	CON=/tmp/$n-serial.log
	hvm_cfg $n /test/hvm-pvhvm.img
	follow "$CON" "$n-console"
	run_prefixed xl-create-$n xl -vv create /tmp/$n.cfg
	check "$n: xl create exits 0" [ "$RC" = 0 ]
	d=$(xl domid $n 2>/dev/null)
	check "$n: the guest's /init runs" wait_guest $n "$CON" "guest: ready" 900
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
	check "$n: the guest booted again" wait_guest $n "$CON" "guest: ready" 900
	check "$n: the data survived the reboot ($wrote)" same "$wrote" "$(md5_of "$CON" read)"
	run_prefixed xl-shutdown-$n xl shutdown -w $n
	check "$n: xl shutdown -w exits 0" [ "$RC" = 0 ]
	check "$n: it is gone" wait_gone "^$n "
	unfollow
	sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null
fi

# UEFI: OvmfXen (tools/mkovmf.sh, built from Debian's edk2 source) as
# hvmloader's firmware runs GRUB for UEFI from the EFI system partition of
# a GPT disk (tools/mkhvmdisk.sh --efi), which boots the same kernel; the
# kernel finds the UEFI system table and Xen; xl shutdown ends it.
if [ -f /test/hvm-uefi.img ] && [ -f /test/OVMF.fd ]; then
	n=hvm-uefi
	CON=/tmp/$n-serial.log
	hvm_cfg $n /test/hvm-uefi.img
	# GRUB for UEFI loads the kernel and initramfs into memory that
	# OVMF's own use leaves; 256 MiB was too little ("out of memory").
	sed -i 's/^memory = .*/memory = 512/' /tmp/$n.cfg
	cat >>/tmp/$n.cfg <<-CFG
	bios = "ovmf"
	bios_path_override = "/test/OVMF.fd"
	CFG
	follow "$CON" "$n-console"
	run_prefixed xl-create-$n xl -vv create /tmp/$n.cfg
	check "$n: xl create exits 0" [ "$RC" = 0 ]
	d=$(xl domid $n 2>/dev/null)
	check "$n: hvmloader starts OVMF" wait_dmesg "${d:-x}" "Invoking OVMF" 120
	check "$n: OVMF runs GRUB from the EFI system partition" wait_guest $n "$CON" "grub: booting" 600
	check "$n: the guest's /init runs" wait_guest $n "$CON" "guest: ready" 900
	check "$n: Linux found the UEFI system table" grep -q "guest: kernel: efi: EFI v" "$CON"
	check "$n: the guest was started by 64-bit UEFI firmware" grep -q "guest: started by 64-bit UEFI firmware" "$CON"
	check "$n: the guest runs on Xen 4.17" grep -q "guest: hypervisor xen 4.17" "$CON"
	check "$n: the guest wrote its data disk" grep -q "guest: disk wrote" "$CON"
	run_prefixed xl-shutdown-$n xl shutdown -w $n
	check "$n: xl shutdown -w exits 0" [ "$RC" = 0 ]
	check "$n: it is gone" wait_gone "^$n "
	unfollow
	xl dmesg | grep -a "(d$d) " | sed "s/^/$n: /"
	sed "s/^/$n-qemu: /" "/var/log/xen/qemu-dm-$n.log" 2>/dev/null
fi

# --- Side by side: an HVM and a PVH guest sharing a CPU by weight -----------
# hvm-spin (tests/linux/hvm-spin.S from an IDE disk: a real-mode loop
# counting on port 0xE9, which the hypervisor serves itself) with credit
# weight 512 and pvh-spin (Debian's kernel as a PVH guest counting in a
# shell loop, tests/linux/guest-init.sh guest_spin) with weight 256, both
# on pCPU 1, dom0's vCPUs kept to pCPU 0; pvh-idle idles beside them.  A
# guest's progress is its count's growth over a window.  Each guest's
# rate alone (the other paused) calibrates its loop; shared, each should
# get its weight's share of the CPU: HVM 2/3 of its rate alone, PVH 1/3,
# so the two fractions stand 2 : 1.  Destroying a PVH guest leaves the
# HVM guest counting, destroying the HVM guest leaves the PVH guest
# counting.
# hvm_count DOMID: blocks of 2^27 rounds hvm-spin has printed so far.
hvm_count() {
	c=$(xl dmesg 2>/dev/null | sed -n "s/.*(d$1) spin: \([0-9a-f]\{8\}\).*/\1/p" | tail -n1)
	[ -n "$c" ] && echo $((0x$c))
}
# pvh_count: the last count pvh-spin printed on its console.
pvh_count() { sed -n 's/.*guest: spin \([0-9]*\).*/\1/p' "$LOGS/guest-pvh-spin.log" | tail -n1; }
# counting CMD...: the count CMD prints grows over 6 s.
counting() {
	a=$("$@")
	sleep 6
	b=$("$@")
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}
if [ -f /test/hvm-spin.img ]; then
	run_prefixed xl-pin-dom0 xl vcpu-pin 0 all 0
	cat >/tmp/hvm-spin.cfg <<-CFG
	name = "hvm-spin"
	type = "hvm"
	memory = 32
	vcpus = 1
	cpus = "1"
	vga = "none"
	vnc = 0
	disk = [ '/test/hvm-spin.img,raw,hda,w' ]
	boot = "c"
	CFG
	for g in pvh-spin pvh-idle; do
		cat >/tmp/$g.cfg <<-CFG
		name = "$g"
		type = "pvh"
		kernel = "/guest/vmlinuz"
		ramdisk = "/guest/initrd"
		memory = 128
		vcpus = 1
		CFG
	done
	printf 'cpus = "1"\nextra = "console=hvc0 guest_spin=12"\n' >>/tmp/pvh-spin.cfg
	printf 'extra = "console=hvc0 guest_wait=1"\n' >>/tmp/pvh-idle.cfg
	for g in pvh-spin pvh-idle hvm-spin; do
		run_prefixed xl-create-$g xl create /tmp/$g.cfg
		check "side by side: xl create $g exits 0" [ "$RC" = 0 ]
	done
	H=$(xl domid hvm-spin 2>/dev/null)
	# The rest only when all three run (else each wait would run out).
	if [ -n "$H" ] && xl domid pvh-spin >/dev/null 2>&1 &&
		xl domid pvh-idle >/dev/null 2>&1; then
		run_prefixed xl-weights xl sched-credit -d hvm-spin -w 512
		run_prefixed xl-weights xl sched-credit -d pvh-spin -w 256
		run_prefixed xl-weights xl sched-credit
		check "side by side: the weights are set (hvm-spin 512, pvh-spin 256)" \
			sh -c "grep -Eq '^hvm-spin +[0-9]+ +512 ' /tmp/out && grep -Eq '^pvh-spin +[0-9]+ +256 ' /tmp/out"
		check "side by side: the HVM guest counts" wait_dmesg "$H" "spin: 0000000[1-9a-f]" 300
		check "side by side: the PVH guest counts" wait_for "$LOGS/guest-pvh-spin.log" "guest: spin" 300
		check "side by side: pvh-idle runs" wait_for "$LOGS/guest-pvh-idle.log" "guest: ready" 300
		run_prefixed xl-vcpu-list xl vcpu-list
		# Shared for 20 s, then each alone for 12 s while the other is
		# paused.
		h0=$(hvm_count "$H"); p0=$(pvh_count); sleep 20
		h1=$(hvm_count "$H"); p1=$(pvh_count)
		xl pause pvh-spin; h2=$(hvm_count "$H"); sleep 12; h3=$(hvm_count "$H"); xl unpause pvh-spin
		xl pause hvm-spin; p2=$(pvh_count); sleep 12; p3=$(pvh_count); xl unpause hvm-spin
		# Rates per minute (HVM, in blocks) and per second (PVH); each
		# guest's shared rate as a share of its rate alone, and the two
		# shares' ratio, in hundredths.
		hs=$(( (h1 - h0) * 3 )); ps=$(( (p1 - p0) / 20 ))
		ha=$(( (h3 - h2) * 5 )); pa=$(( (p3 - p2) / 12 ))
		hshare=$(( ha > 0 ? hs * 100 / ha : 0 )); pshare=$(( pa > 0 ? ps * 100 / pa : 0 ))
		ratio=$(( pshare > 0 ? hshare * 100 / pshare : 0 ))
		echo "side by side: shared hvm $hs blocks/min pvh $ps/s, alone hvm $ha blocks/min pvh $pa/s;" \
			"shares hvm ${hshare}% pvh ${pshare}%, ratio $ratio/100"
		check "side by side: both progress while sharing (hvm $hs blocks/min, pvh $ps/s)" \
			[ "$hs" -gt 0 -a "$ps" -gt 0 ]
		check "side by side: shares follow the weights 2 : 1 (hvm ${hshare}%, pvh ${pshare}%, ratio $ratio/100)" \
			[ "$ratio" -ge 160 -a "$ratio" -le 250 -a $((hshare + pshare)) -ge 85 -a $((hshare + pshare)) -le 112 ]
		run_prefixed xl-destroy-pvh-idle xl destroy pvh-idle
		check "side by side: a PVH guest destroyed, the HVM guest still counts" counting hvm_count "$H"
		run_prefixed xl-destroy-hvm-spin xl destroy hvm-spin
		check "side by side: the HVM guest destroyed, the PVH guest still counts" counting pvh_count
	fi
	xl destroy pvh-idle 2>/dev/null
	xl destroy hvm-spin 2>/dev/null
	run_prefixed xl-destroy-pvh-spin xl destroy pvh-spin
	check "side by side: all gone" wait_gone "^(hvm|pvh)-(spin|idle) "
	run_prefixed xl-unpin-dom0 xl vcpu-pin 0 all all
fi

free1=$(wait_free "$free0")
check "all memory back ($free0 MiB free before, $free1 after)" mem_back "$free1"
check "xenstored still running" alive "${XENSTORED_PID:-}"
checks_summary
