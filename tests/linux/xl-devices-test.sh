#!/bin/sh
# Two stock Linux PVH guests created with xl from ordinary xl.cfg files,
# using the PV devices dom0 serves (installed as /test/run in the root of
# tools/mkdom0root.sh with the guest kernel and initramfs in /guest;
# tests/boot/linux-cases.sh linux_xl_devices_case):
#   - pvh1 has a raw disk image in dom0 as xvda (blkback over a loop
#     device): it makes a file system and writes data, and after
#     `xl reboot` reads back the same checksum;
#   - both have vif=['bridge=xenbr0'] (netback, dom0's bridge): they ping
#     dom0, pvh1 fetches a file from dom0's busybox httpd with the right
#     checksum, and each pings the other;
#   - `xl console` reaches pvh1's hvc0 both ways;
#   - `xl sched-credit` changes pvh1's weight and cap;
#   - `xl shutdown -a -w` ends both, the loop device is released and
#     every page is back.
# The guests' consoles come from xenconsoled's logs.  One "xl-devices:
# PASS|FAIL" line per check (tests/linux/checks.sh).
CHECKS_PREFIX=xl-devices
. /test/checks.sh

# The last line of guest $1's console with "guest: $2" (the log has the
# terminal's CR LF line ends).
con() { tr -d '\r' <"$LOGS/guest-$1.log" 2>/dev/null | grep -a "guest: $2" | tail -n 1; }

# dom0's side of the network: the bridge the vifs join, and a web server.
brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
check "xenbr0 is up" ip link show xenbr0
mkdir -p /srv && dd if=/dev/urandom of=/srv/blob bs=64k count=16 2>/dev/null
blob=$(md5sum </srv/blob | cut -d' ' -f1)
httpd -p 80 -h /srv
# The guest's disk: a file in dom0 (libxl gives a file the phy backend
# through the block hotplug script's loop device).
dd if=/dev/zero of=/tmp/pvh1.img bs=1M count=32 2>/dev/null

cat >/tmp/pvh1.cfg <<CFG
name = "pvh1"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 guest_wait=1 guest_ip=10.0.0.2 guest_peer=10.0.0.3 guest_http=http://10.0.0.1/blob guest_disk=1"
memory = 128
vcpus = 2
disk = [ '/tmp/pvh1.img,raw,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
on_reboot = "restart"
CFG
cat >/tmp/pvh2.cfg <<CFG
name = "pvh2"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 guest_wait=1 guest_ip=10.0.0.3 guest_peer=10.0.0.2"
memory = 96
vcpus = 1
vif = [ 'bridge=xenbr0' ]
CFG

free0=$(free_mb)
run_prefixed xl-create-1 xl create /tmp/pvh1.cfg
check "xl create pvh1 (disk, vif) exits 0" [ "$RC" = 0 ]
run_prefixed xl-create-2 xl create /tmp/pvh2.cfg
check "xl create pvh2 (vif) exits 0" [ "$RC" = 0 ]
run_prefixed xl-list xl list
check "pvh1 is ready" wait_for "$LOGS/guest-pvh1.log" "guest: ready" 300
check "pvh2 is ready" wait_for "$LOGS/guest-pvh2.log" "guest: ready" 300
check "pvh1 pings dom0 (netback, bridge)" [ -n "$(con pvh1 'ping dom0 .* ok')" ]
check "pvh2 pings dom0" [ -n "$(con pvh2 'ping dom0 .* ok')" ]
check "pvh1 fetched dom0's file over HTTP, md5 $blob" [ "$(con pvh1 'http md5' | sed 's/.*md5 //')" = "$blob" ]
check "pvh1 pings pvh2" [ -n "$(con pvh1 'ping peer .* ok')" ]
check "pvh2 pings pvh1" [ -n "$(con pvh2 'ping peer .* ok')" ]
wrote=$(con pvh1 'disk wrote' | sed 's/.*wrote //')
check "pvh1 made a file system on xvda and wrote data (md5 ${wrote:-none})" [ -n "$wrote" ]
run_prefixed losetup losetup -a
check "the disk is a loop device in dom0" grep -q pvh1.img /tmp/out

# xl console, both ways: what is typed reaches hvc0, the answer comes back
# (xl console takes input only from a terminal: script gives it one).
(sleep 3; printf 'typed-%s\r' $((6 * 7)); sleep 10) |
	timeout 15 script -q -c "xl console pvh1" /dev/null >/tmp/console.out 2>&1
tr -d '\r' </tmp/console.out | sed 's/^/xl-console: /'
check "xl console: typed input reached pvh1 and its echo came back" grep -q "guest: got typed-42" /tmp/console.out

run_prefixed sched xl sched-credit -d pvh1 -w 512 -c 50
run_prefixed sched-show xl sched-credit -d pvh1
check "xl sched-credit sets pvh1's weight 512 and cap 50" grep -Eq '^pvh1 +[0-9]+ +512 +50' /tmp/out

# Reboot: the toolstack destroys and recreates pvh1 on its disk.
run_prefixed xl-reboot xl reboot pvh1
check "xl reboot exits 0" [ "$RC" = 0 ]
check "pvh1 came back and read its disk" wait_for "$LOGS/guest-pvh1.log" "guest: disk read" 300
check "the data survived the reboot (md5 ${wrote:-none})" [ "$(con pvh1 'disk read' | sed 's/.*read //')" = "${wrote:-none}" ]
run_prefixed xl-list-2 xl list

run_prefixed xl-shutdown xl shutdown -a -w
check "xl shutdown -a -w exits 0" [ "$RC" = 0 ]
# xl's per-domain daemons destroy them once shut down (on_poweroff).
check "both guests are gone" wait_gone "^pvh[12] "
run_prefixed xl-list-3 xl list
sleep 2
run_prefixed losetup-after losetup -a
check "the loop device is released" sh -c '! grep -q pvh1.img /tmp/out'
free1=$(free_mb)
check "all guest memory is back ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]
for g in pvh1 pvh2; do tr -d '\r' <"$LOGS/guest-$g.log" | sed "s/^/$g-console: /"; done
check "xenstored still running" alive "${XENSTORED_PID:-}"
check "xenconsoled still running" alive "${XENCONSOLED_PID:-}"
checks_summary
