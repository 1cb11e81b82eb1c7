#!/bin/sh
# `xl create` of a stock Linux PVH guest with a disk from dom0 (installed as
# /test/xl-guest in the root of tools/mkdom0root.sh, with the guest's
# kernel and initramfs in /guest; tests/boot/linux-cases.sh
# linux_xl_guest_case).  The guest's console is read from xenconsoled's
# log; each "xl-guest: PASS|FAIL" line is one check (tests/linux/checks.sh).
CHECKS_PREFIX=xl-guest
. /test/checks.sh

CON=$LOGS/guest-pvh1.log

cat >/tmp/pvh1.cfg <<CFG
# An ordinary xl.cfg for a PVH guest (xl.cfg(5)).
name = "pvh1"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 guest_wait=1 guest_disk=1"
memory = 128
vcpus = 2
disk = [ '/tmp/pvh1.img,raw,xvda,w' ]
on_poweroff = "destroy"
on_crash = "destroy"
CFG

dd if=/dev/zero of=/tmp/pvh1.img bs=1M count=16 2>/dev/null
free0=$(free_mb)
run_prefixed xl-create xl -vvv create /tmp/pvh1.cfg
check "xl create exits 0" [ "$RC" = 0 ]
run_prefixed xl-list xl list
check "xl list shows pvh1" grep -Eq '^pvh1 +[0-9]+ +12[0-9] +[12] ' /tmp/out
check "the guest's /init runs (console log)" wait_for "$CON" "guest: ready" 240
check "the guest sees 2 CPUs" grep -q "guest: 2 CPUs" "$CON"
check "the guest runs on Xen 4.17" grep -q "guest: hypervisor xen 4.17" "$CON"
check "the guest wrote to its disk (xvda through blkback)" grep -q "guest: disk wrote" "$CON"
sed 's/^/pvh1-console: /' "$CON" 2>/dev/null
domid=$(xl domid pvh1 2>/dev/null)
run_prefixed xs-guest xenstore-ls -fp "/local/domain/${domid:-1}"
check "the guest's xenbus works (it wrote control/feature-poweroff)" \
	[ "$(xenstore-read "/local/domain/${domid:-1}/control/feature-poweroff" 2>/dev/null)" = 1 ]
run_prefixed xl-shutdown xl shutdown -w pvh1
check "xl shutdown -w exits 0" [ "$RC" = 0 ]
check "the guest powered itself off" grep -q "guest: powering off\|reboot: Power down" "$CON"
# xl's daemon for the domain destroys it once shut down (on_poweroff).
check "pvh1 is gone" wait_gone "^pvh1 "
run_prefixed xl-list-after xl list
sleep 2
free1=$(free_mb)
check "its memory is back ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]
check "xenstored still running" alive "${XENSTORED_PID:-}"
check "xenconsoled still running" alive "${XENCONSOLED_PID:-}"
checks_summary
