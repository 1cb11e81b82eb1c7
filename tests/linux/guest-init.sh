#!/bin/sh
# /init of the PVH domU test initramfs (tests/linux/xl-guest-test.sh builds
# nothing: tests/boot/linux-cases.sh puts it together with
# tools/mkinitramfs.sh).  The guest reports on its console (hvc0, which
# xenconsoled logs in dom0), each line starting "guest: ", then runs what
# the kernel command line asks (guest_test=NAME) and powers off.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t devtmpfs -o mode=0755 devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
read -r up _ </proc/uptime
echo "guest: /init started at ${up}s uptime (Linux $(uname -r))"
echo "guest: hypervisor $(cat /sys/hypervisor/type 2>/dev/null) $(cat /sys/hypervisor/version/major 2>/dev/null).$(cat /sys/hypervisor/version/minor 2>/dev/null)"
echo "guest: $(grep -c ^processor /proc/cpuinfo) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo) memory"
# What the kernel found of Xen (the console may be quiet: a serial port
# emulated in dom0 costs two round trips a character).
dmesg | grep -E "Hypervisor detected|unplug emulated|callback vector|efi: EFI v" |
	sed 's/^\[[^]]*\] */guest: kernel: /'
# An HVM guest started by UEFI firmware (OVMF) says so.
[ -d /sys/firmware/efi ] &&
	echo "guest: started by $(cat /sys/firmware/efi/fw_platform_size)-bit UEFI firmware"
kver=$(uname -r)
if [ -f /lib/modules/$kver/modules.load ]; then
	while read -r m; do
		[ -n "$m" ] && insmod "/lib/modules/$kver/$m" 2>/dev/null &&
			echo "guest: loaded ${m##*/}"
	done </lib/modules/$kver/modules.load
fi
# Reading the UUID goes through xenstore: it shows xenbus works.
echo "guest: uuid $(timeout 10 cat /sys/hypervisor/uuid 2>&1)"

# The device checks, chosen by the kernel command line (name=value words
# the kernel does not know arrive here as environment variables):
#   guest_ip=A.B.C.D    eth0 gets A.B.C.D/24 and pings dom0 at .1
#   guest_http=URL      fetch URL, print its md5sum
#   guest_peer=A.B.C.D  ping another guest until it answers (60 s)
#   guest_disk=1        /dev/xvda (or guest_disk_dev=DEV, or
#                       guest_disk_dev=unpartitioned): make an ext2
#                       file system with 4 MiB of random data if there is
#                       none, else read it back; print the data's md5sum
#                       either way
#   guest_cycle=1       after guest_disk: reboot (after writing) or power
#                       off (after reading), by itself: an OS without PV
#                       drivers, which the toolstack cannot ask
if [ -n "${guest_ip:-}" ]; then
	# NIC drivers probe in the background too.
	i=0
	while [ ! -e /sys/class/net/eth0 ] && [ "$i" -lt 20 ]; do
		sleep 1
		i=$((i + 1))
	done
	ip link set lo up
	ip link set eth0 up && ip addr add "$guest_ip/24" dev eth0
	gw=${guest_ip%.*}.1
	if ping -c 3 -W 5 "$gw" >/tmp/ping 2>&1; then
		echo "guest: ping dom0 $gw ok"
	else
		echo "guest: ping dom0 $gw failed: $(tail -n 2 /tmp/ping | tr '\n' ' ')"
	fi
fi
if [ -n "${guest_http:-}" ]; then
	if wget -q -O /tmp/blob "$guest_http"; then
		echo "guest: http md5 $(md5sum </tmp/blob | cut -d' ' -f1)"
	else
		echo "guest: http fetch of $guest_http failed"
	fi
fi
# unpartitioned_disk: /dev/NAME of the one whole disk without partitions
# once two disks are there (the data disk beside a partitioned boot
# disk), else nothing.  For emulated disks, whose sdX names follow the
# order the AHCI ports finish probing, which changes from boot to boot.
unpartitioned_disk() {
	ud_n=0 ud_found=
	for ud_b in /sys/block/sd* /sys/block/xvd* /sys/block/vd*; do
		[ -d "$ud_b" ] || continue
		ud_n=$((ud_n + 1))
		ls -d "$ud_b/${ud_b##*/}"[0-9]* >/dev/null 2>&1 ||
			ud_found="$ud_found /dev/${ud_b##*/}"
	done
	# shellcheck disable=SC2086
	set -- $ud_found
	[ "$ud_n" -ge 2 ] && [ $# = 1 ] && echo "$1"
}
# resolve_disk DEV: DEV, or for "unpartitioned" that disk, waiting up to
# 20 s for the drivers, which probe in the background.
resolve_disk() {
	rd_i=0
	while [ "$rd_i" -lt 20 ]; do
		if [ "$1" = unpartitioned ]; then
			# Twice, a second apart: a disk's partitions appear just
			# after the disk.
			rd_d=$(unpartitioned_disk)
			[ -n "$rd_d" ] && sleep 1 && [ "$(unpartitioned_disk)" = "$rd_d" ] &&
				{ echo "$rd_d"; return; }
		elif [ -b "$1" ]; then
			break
		fi
		sleep 1
		rd_i=$((rd_i + 1))
	done
	echo "$1"
}
disk=${guest_disk_dev:-/dev/xvda}
[ "${guest_disk:-}" = 1 ] && disk=$(resolve_disk "$disk")
echo "guest: disks $(awk 'NR > 2 { printf "%s ", $4 }' /proc/partitions)"
if [ "${guest_disk:-}" = 1 ]; then
	mkdir -p /mnt
	if mount -t ext2 "$disk" /mnt 2>/dev/null && [ -f /mnt/data ]; then
		echo "guest: disk read $(md5sum </mnt/data | cut -d' ' -f1)"
		disk_did=read
	else
		umount /mnt 2>/dev/null
		if mke2fs -q "$disk" >/tmp/disk 2>&1 &&
		   mount -t ext2 "$disk" /mnt >>/tmp/disk 2>&1 &&
		   dd if=/dev/urandom of=/mnt/data bs=64k count=64 >>/tmp/disk 2>&1; then
			echo "guest: disk wrote $(md5sum </mnt/data | cut -d' ' -f1)"
			disk_did=wrote
		else
			echo "guest: disk write failed: $(ls -l "$disk" 2>&1) $(tr '\n' ' ' </tmp/disk)"
		fi
	fi
	umount /mnt 2>/dev/null
	sync
fi
# guest_bench=URL: make bench's figures (tests/linux/xl-bench.sh): 64 MiB
# written to and read from xvda (or guest_bench_dev=DEV) with O_DIRECT,
# and URL fetched, each timed in ms of the guest's clock.  A line "guest:
# bench phase NAME" starts each step, for a toolstack side that times
# them by its own clock (an HVM guest's clock is only as good as its TSC
# calibration).
ms() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}0"; }
if [ -n "${guest_bench:-}" ]; then
	bdev=$(resolve_disk "${guest_bench_dev:-/dev/xvda}")
	echo "guest: bench phase write"
	t0=$(ms); dd if=/dev/zero of="$bdev" bs=1M count=64 oflag=direct 2>/dev/null
	echo "guest: bench phase read"
	t1=$(ms); dd if="$bdev" of=/dev/null bs=1M count=64 iflag=direct 2>/dev/null
	echo "guest: bench phase net"
	t2=$(ms); wget -q -O /dev/null "$guest_bench"
	t3=$(ms)
	echo "guest: bench phase end"
	echo "guest: bench disk-write $((t1 - t0)) ms disk-read $((t2 - t1)) ms net $((t3 - t2)) ms"
fi
if [ -n "${guest_peer:-}" ]; then
	i=0
	until ping -c 1 -W 2 "$guest_peer" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -lt 30 ] || break
	done
	if [ "$i" -lt 30 ]; then
		echo "guest: ping peer $guest_peer ok"
	else
		echo "guest: ping peer $guest_peer failed"
	fi
fi
echo "guest: ready"
if [ "${guest_cycle:-}" = 1 ]; then
	# A moment for the toolstack's side to read the console first.
	sleep 3
	if [ "${disk_did:-}" = wrote ]; then
		echo "guest: rebooting (cycle)"
		reboot -f
	fi
	echo "guest: powering off (cycle)"
	poweroff -f
fi
# guest_io=1: keep xvda busy (the toolstack destroys us mid-I/O);
# guest_crash=1: panic (on_crash is the toolstack's to honour).
if [ "${guest_io:-}" = 1 ]; then
	echo "guest: disk I/O running"
	while :; do dd if=/dev/zero of=/dev/xvda bs=64k count=256 2>/dev/null; done &
fi
# guest_spin=SHIFT: burn CPU for ever, counting: the count (printed every
# 2^SHIFT rounds of the shell's loop, "guest: spin N") is the guest's
# progress, which the toolstack's side compares between guests of
# different scheduler weights.  A console that costs round trips to dom0
# (an emulated serial port) wants a large SHIFT, or the loop waits on it
# rather than on the CPU.
if [ -n "${guest_spin:-}" ]; then
	echo "guest: spinning"
	mask=$(((1 << guest_spin) - 1))
	i=0
	while :; do
		i=$((i + 1))
		[ $((i & mask)) = 0 ] && echo "guest: spin $i"
	done
fi
if [ "${guest_crash:-}" = 1 ]; then
	echo "guest: crashing"
	echo c >/proc/sysrq-trigger
fi
# `xl shutdown` / `xl reboot` reach Linux through xenstore, which runs
# /sbin/poweroff or /sbin/reboot: busybox's signal PID 1 (us).
trap 'echo "guest: powering off (asked)"; sync; poweroff -f' USR2
trap 'echo "guest: rebooting (asked)"; sync; reboot -f' TERM
case " $(cat /proc/cmdline) " in
*" guest_wait=1 "*)
	# Stay up until the toolstack shuts us down or destroys us, echoing
	# what is typed on the console (xl console).  A character at a time:
	# busybox's read -t drops a partial line when the second runs out
	# (the trap above needs read to return now and then).
	line=
	while :; do
		if IFS= read -r -t 1 -n 1 c; then
			if [ -z "$c" ]; then
				echo "guest: got $line"
				line=
			else
				line=$line$c
			fi
		fi
	done ;;
esac
echo "guest: powering off"
poweroff -f
