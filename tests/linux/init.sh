#!/bin/sh
# Default /init of the dom0 test initramfs (built by tools/mkinitramfs.sh).
#
# Mounts the pseudo file systems, loads the Xen userspace-interface modules
# (list in /lib/modules/<kver>/modules.load, dependencies first), mounts
# xenfs on /proc/xen, reports the hypervisor, then runs the test and powers
# off.  Kernel command-line words of the form name=value that the kernel
# does not know reach this script as environment variables:
#
#   amphi_test=PATH   run PATH instead of /test/run
#   amphi_shell=1     start an interactive shell after the test (or when
#                     there is none, which is the default anyway)
#
# Every line it prints starts with "init: " so logs can be grepped.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t devtmpfs -o mode=0755 devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts

read -r up _ </proc/uptime
echo "init: /init started at ${up}s uptime (Linux $(uname -r), console $(cat /sys/class/tty/console/active 2>/dev/null))"
# For make bench: the TSC here counts instructions under QEMU -icount.
[ -x /test/xen-devices-test ] && echo "init: $(/test/xen-devices-test --tsc)"

hv=$(cat /sys/hypervisor/type 2>/dev/null)
if [ -n "$hv" ]; then
	v=/sys/hypervisor/version
	echo "init: hypervisor type: $hv $(cat $v/major 2>/dev/null).$(cat $v/minor 2>/dev/null)$(cat $v/extra 2>/dev/null)"
else
	echo "init: hypervisor type: none (no /sys/hypervisor/type): not a Xen domain"
fi

kver=$(uname -r)
list=/lib/modules/$kver/modules.load
if [ -f "$list" ]; then
	while read -r m; do
		[ -n "$m" ] || continue
		if out=$(insmod "/lib/modules/$kver/$m" 2>&1); then
			echo "init: loaded ${m##*/}"
		else
			echo "init: failed to load ${m##*/}: ${out#insmod: }"
		fi
	done <"$list"
else
	echo "init: no $list (modules for another kernel?)"
fi

if grep -qw xenfs /proc/filesystems; then
	[ -d /proc/xen ] || mkdir -p /proc/xen 2>/dev/null
	if mount -t xenfs xenfs /proc/xen; then
		echo "init: xenfs on /proc/xen: $(ls /proc/xen | tr "\n" " ")"
	else
		echo "init: mounting xenfs on /proc/xen failed"
	fi
fi
if [ -d /dev/xen ]; then
	echo "init: /dev/xen: $(ls /dev/xen | tr "\n" " ")"
else
	echo "init: no /dev/xen"
fi

t=${amphi_test:-}
[ -z "$t" ] && [ -x /test/run ] && t=/test/run
if [ -n "$t" ]; then
	echo "init: running $t"
	"$t"
	echo "init: $t exited with status $?"
fi
if [ -z "$t" ] || [ "${amphi_shell:-0}" = 1 ]; then
	echo "init: starting a shell on the console (exit it or run poweroff)"
	# busybox poweroff/reboot/halt signal PID 1 (us): act on them.  The
	# shell runs in the background so that "wait" lets the traps run.
	trap 'sync; poweroff -f' USR2
	trap 'sync; reboot -f' TERM
	trap 'sync; halt -f' USR1
	setsid cttyhack sh &
	wait $!
fi

read -r up _ </proc/uptime
echo "init: powering off at ${up}s uptime"
sync
poweroff -f
# Still here (no ACPI / no Xen shutdown)?  Try the sysrq path, then stop.
echo o >/proc/sysrq-trigger 2>/dev/null
sleep 5
echo "init: power off failed"
exit 1
