#!/bin/sh
# make bench's toolstack figures, run in dom0 (the root of
# tools/mkdom0root.sh; tests/bench/run.sh): wall time under the emulator,
# from dom0's clock (/proc/uptime, 10 ms steps).
#   - `xl create` of a PVH guest until its /init runs (user space);
#   - `xl destroy` until dom0 sees all its memory free again;
#   - 64 MiB written and read with O_DIRECT on the guest's xvda (blkback
#     over a loop device on a file in dom0's tmpfs), next to the same on
#     the loop device in dom0;
#   - a 32 MiB file fetched over HTTP from dom0's busybox httpd through
#     netback and the bridge, next to dom0 fetching it from itself.
# Prints "bench: NAME VALUE UNIT" lines.
. /test/bench-common.sh
free_mb() { xl info 2>/dev/null | sed -n 's/^free_memory *: *//p'; }
LOGS=/var/log/xen/console

bench_network
dd if=/dev/zero of=/tmp/b.img bs=1M count=64 2>/dev/null

cat >/tmp/b1.cfg <<CFG
name = "b1"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 guest_wait=1"
memory = 128
vcpus = 1
CFG
free0=$(free_mb)
t0=$(ms)
xl create /tmp/b1.cfg >/dev/null 2>&1
t1=$(ms)
# Where the time goes: xl itself (domain build, kernel decompression and
# load, devices), then the guest kernel's own boot (its uptime at /init).
wait_for "$LOGS/guest-b1.log" "guest: /init started" 600 &&
	echo "bench: xl-create-to-user-space $(($(ms) - t0)) ms (xl create" \
		"returned after $((t1 - t0)) ms; guest uptime at /init" \
		"$(sed -n 's/.*guest: \/init started at \([0-9.]*\)s.*/\1/p' \
			"$LOGS/guest-b1.log")s)"
t0=$(ms)
xl destroy b1
i=0
while [ "$(free_mb)" -lt "$free0" ] && [ "$i" -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
echo "bench: xl-destroy-to-memory-back $(($(ms) - t0)) ms ($(free_mb) of $free0 MiB free)"

cat >/tmp/b2.cfg <<CFG
name = "b2"
type = "pvh"
kernel = "/guest/vmlinuz"
ramdisk = "/guest/initrd"
extra = "console=hvc0 guest_wait=1 guest_ip=10.0.0.2 guest_bench=http://10.0.0.1/blob"
memory = 256
vcpus = 1
disk = [ '/tmp/b.img,raw,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
CFG
xl create /tmp/b2.cfg >/dev/null 2>&1
wait_for "$LOGS/guest-b2.log" "guest: bench .*net [0-9]+ ms" 900
line=$(tr -d '\r' <"$LOGS/guest-b2.log" | grep "guest: bench" | tail -n1)
echo "bench: guest ${line#*guest: bench }"
xl destroy b2

# The same in dom0 itself.
bench_dom0 /tmp/b.img
echo "bench: done"
