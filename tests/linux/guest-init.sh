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
kver=$(uname -r)
if [ -f /lib/modules/$kver/modules.load ]; then
	while read -r m; do
		[ -n "$m" ] && insmod "/lib/modules/$kver/$m" 2>/dev/null &&
			echo "guest: loaded ${m##*/}"
	done </lib/modules/$kver/modules.load
fi
# Reading the UUID goes through xenstore: it shows xenbus works.
echo "guest: uuid $(timeout 10 cat /sys/hypervisor/uuid 2>&1)"
echo "guest: ready"
# `xl shutdown` / `xl reboot` reach Linux through xenstore, which runs
# /sbin/poweroff or /sbin/reboot: busybox's signal PID 1 (us).
trap 'echo "guest: powering off (asked)"; sync; poweroff -f' USR2
trap 'echo "guest: rebooting (asked)"; sync; reboot -f' TERM
case " $(cat /proc/cmdline) " in
*" guest_wait=1 "*)
	# Stay up until the toolstack shuts us down or destroys us.
	while :; do sleep 1; done ;;
esac
echo "guest: powering off"
poweroff -f
