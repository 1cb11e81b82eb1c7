#!/bin/sh
# /init of dom0's toolstack root (built by tools/mkdom0root.sh).
#
# Brings dom0 up the way Debian's /etc/init.d/xen (xen-utils-common) does,
# without its LSB helpers, start-stop-daemon and choom: mount the pseudo
# file systems, load the modules (/lib/modules/<kver>/modules.load, in
# dependency order), mount xenfs on /proc/xen, require control_d in
# /proc/xen/capabilities, start the C xenstored (not oxenstored, Debian's
# default: docs/xen-toolstack.md §A.2), wait until `xenstore-read -s /`
# answers, run xen-init-dom0, start xenconsoled.  Then it runs a test
# (amphi_test=PATH on the kernel command line) or a shell on the console,
# and powers off.  The daemons run in the foreground of a background job
# (-N, -i) so that what they print reaches the console; busybox syslogd
# copies their syslog messages there too.
#
#   amphi_setup=PATH  run PATH after the daemons are up (before the test)
#   amphi_test=PATH   run PATH after the daemons are up
#   amphi_shell=1     a shell after the test (the default without a test)
#
# Every line it prints starts with "init: " so logs can be grepped.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t devtmpfs -o mode=0755 devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
# The links udev or systemd would make: the hotplug scripts' locking.sh
# stats /dev/stdin, and loops forever without it.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 tmpfs /dev/shm

say() { echo "init: $*"; }
uptime_s() { read -r up _ </proc/uptime; echo "${up}s"; }
finish() {
	say "powering off at $(uptime_s) uptime"
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger 2>/dev/null
	sleep 5
	say "power off failed"
	exit 1
}
# A step that dom0 cannot do without: say so, then the shell or power off.
fatal() {
	say "FATAL: $*"
	[ "${amphi_shell:-0}" = 1 ] && { setsid cttyhack sh; }
	finish
}

say "/init started at $(uptime_s) uptime (Linux $(uname -r), dom0 toolstack root)"
hv=$(cat /sys/hypervisor/type 2>/dev/null)
v=/sys/hypervisor/version
say "hypervisor type: ${hv:-none} $(cat $v/major 2>/dev/null).$(cat $v/minor 2>/dev/null)$(cat $v/extra 2>/dev/null)"
[ "$hv" = xen ] || fatal "not a Xen domain"

syslogd -O /dev/console -S && say "syslogd logs to the console"

kver=$(uname -r)
while read -r m; do
	[ -n "$m" ] || continue
	if out=$(insmod "/lib/modules/$kver/$m" 2>&1); then
		say "loaded ${m##*/}"
	else
		say "failed to load ${m##*/}: ${out#insmod: }"
	fi
done </lib/modules/"$kver"/modules.load

# The loopback interface, as every Debian system has it (ifupdown brings it
# up): QEMU's VNC server for HVM guests listens on 127.0.0.1.
ip link set lo up && say "lo is up"

mkdir -p /proc/xen 2>/dev/null
mount -t xenfs xenfs /proc/xen || fatal "mounting xenfs on /proc/xen failed"
say "xenfs on /proc/xen: $(ls /proc/xen | tr '\n' ' ')"
say "/dev/xen: $(ls /dev/xen | tr '\n' ' ')"
caps=$(cat /proc/xen/capabilities 2>/dev/null)
say "capabilities: ${caps:-(none)}"
case $caps in *control_d*) ;; *) fatal "no control_d in /proc/xen/capabilities: not the control domain" ;; esac

# Debian's init.d/xen: XENSTORED_ROOTDIR=/run/xenstored, pid files in /run.
mkdir -p -m 700 /run/xen
mkdir -p /run/xenstored /var/log/xen /var/lib/xen
export XENSTORED_ROOTDIR=/run/xenstored
say "starting xenstored at $(uptime_s)"
/usr/sbin/xenstored --no-fork --pid-file /run/xenstore.pid &
XENSTORED_PID=$!
n=0
until xenstore-read -s / >/dev/null 2>&1; do
	kill -0 "$XENSTORED_PID" 2>/dev/null || { wait "$XENSTORED_PID"; fatal "xenstored exited with status $?"; }
	n=$((n + 1))
	[ $n -lt 120 ] || fatal "xenstored does not answer after 60 s"
	sleep 0.5
done
say "xenstored answers (pid $XENSTORED_PID) at $(uptime_s)"

say "running xen-init-dom0"
/usr/lib/xen-4.17/bin/xen-init-dom0
XEN_INIT_DOM0_RC=$?
say "xen-init-dom0 exited with status $XEN_INIT_DOM0_RC"

say "starting xenconsoled at $(uptime_s)"
# --log=guest: each guest console also goes to
# /var/log/xen/console/guest-NAME.log (the tests read it there).
mkdir -p /var/log/xen/console
/usr/sbin/xenconsoled -i --log=guest --pid-file=/run/xenconsoled.pid &
XENCONSOLED_PID=$!
sleep 1
if kill -0 "$XENCONSOLED_PID" 2>/dev/null; then
	say "xenconsoled running (pid $XENCONSOLED_PID)"
else
	wait "$XENCONSOLED_PID"
	say "xenconsoled exited with status $?"
fi
export XENSTORED_PID XENCONSOLED_PID XEN_INIT_DOM0_RC	# for the test

# amphi_setup=PATH: a set-up script before the test or shell (make run's
# demo: the bridge and the guest's disk image).
if [ -n "${amphi_setup:-}" ]; then
	say "running $amphi_setup"
	"$amphi_setup"
fi
t=${amphi_test:-}
if [ -n "$t" ]; then
	say "running $t"
	"$t"
	say "$t exited with status $?"
fi
if [ -z "$t" ] || [ "${amphi_shell:-0}" = 1 ]; then
	say "starting a shell on the console (exit it or run poweroff)"
	# busybox poweroff/reboot/halt signal PID 1 (us): act on them.  The
	# shell runs in the background so that "wait" lets the traps run.
	trap 'sync; poweroff -f' USR2
	trap 'sync; reboot -f' TERM
	trap 'sync; halt -f' USR1
	setsid cttyhack sh &
	wait $!
fi
if kill -0 "$XENSTORED_PID" 2>/dev/null; then
	say "xenstored still running at the end"
else
	say "xenstored is gone at the end"
fi
finish
